use tandem_domain::audit::AuditAction;
use tandem_domain::ids::AccountId;
use tandem_domain::permissions::Actor;
use tandem_domain::roles::{Role, RoleGrant};
use tandem_store::{NewAccount, Store, StoreError, Throttle, test_support};

#[tokio::test]
async fn accounts_grants_and_sessions() {
    for db in test_support::all().await {
        let store = &db.store;
        let org = store
            .organisations()
            .create("Cafcass", "England")
            .await
            .expect("organisation");
        assert!(
            matches!(
                store.organisations().create("cafcass", "").await,
                Err(StoreError::Conflict(_))
            ),
            "{}: organisation names are unique whatever their case",
            db.label
        );
        let account = NewAccount {
            email: "Ann@Example.org",
            display_name: "Ann",
            password_hash: "hash",
            person_id: None,
        };
        let id = store.accounts().create(&account).await.expect("account");
        assert!(matches!(
            store.accounts().create(&account).await,
            Err(StoreError::Conflict(_))
        ));
        let found = store
            .accounts()
            .by_email("ann@example.ORG")
            .await
            .expect("query")
            .expect("found");
        assert_eq!(
            (found.id, found.email.as_str()),
            (id, "ann@example.org"),
            "{}",
            db.label
        );

        let grant = RoleGrant::new(Role::Coordinator, Some(org.id), None).expect("grant");
        store
            .accounts()
            .grant_role(id, &grant, Actor::Operator)
            .await
            .expect("grant stored");
        assert_eq!(
            store.accounts().grants(id).await.expect("grants"),
            vec![grant.clone()],
            "{}",
            db.label
        );

        store
            .sessions()
            .create("h1", id, "csrf", 1_000)
            .await
            .expect("session");
        assert_eq!(
            store
                .sessions()
                .get("h1", 999)
                .await
                .expect("query")
                .map(|s| s.account_id),
            Some(id)
        );
        assert_eq!(
            store.sessions().get("h1", 1_000).await.expect("query"),
            None,
            "{}: expired",
            db.label
        );
        // In one query: the session, its account and every grant, in order.
        let second = RoleGrant::new(Role::Mentor, Some(org.id), None).expect("grant");
        store
            .accounts()
            .grant_role(id, &second, Actor::Operator)
            .await
            .expect("grant stored");
        let with = store
            .sessions()
            .get_with_account("h1", 999)
            .await
            .expect("query")
            .expect("valid");
        assert_eq!(
            (
                with.session.account_id,
                with.display_name.as_str(),
                with.disabled
            ),
            (id, "Ann", false),
            "{}",
            db.label
        );
        assert_eq!(with.grants, vec![grant, second], "{}", db.label);
        assert_eq!(
            store
                .sessions()
                .get_with_account("h1", 1_000)
                .await
                .expect("query"),
            None,
            "{}: expired",
            db.label
        );
        let bare = store
            .accounts()
            .create(&NewAccount {
                email: "bo@example.org",
                display_name: "Bo",
                password_hash: "hash",
                person_id: None,
            })
            .await
            .expect("account");
        store
            .sessions()
            .create("h2", bare, "csrf2", 1_000)
            .await
            .expect("session");
        let with = store
            .sessions()
            .get_with_account("h2", 999)
            .await
            .expect("query")
            .expect("valid");
        assert!(
            with.grants.is_empty(),
            "{}: no grants, no rows of them",
            db.label
        );
        assert_eq!(
            store
                .sessions()
                .delete_expired(1_000)
                .await
                .expect("cleanup"),
            2
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn throttle_round_trips_and_audit_is_append_only() {
    for db in test_support::all().await {
        let store = &db.store;
        let t = Throttle {
            failures: 3,
            window_started_at: 10,
            locked_until: 0,
        };
        store
            .sessions()
            .set_throttle("a@b.c", t)
            .await
            .expect("set");
        store
            .sessions()
            .set_throttle("a@b.c", Throttle { failures: 4, ..t })
            .await
            .expect("update");
        assert_eq!(
            store
                .sessions()
                .throttle("a@b.c")
                .await
                .expect("get")
                .map(|t| t.failures),
            Some(4)
        );
        store
            .sessions()
            .clear_throttle("a@b.c")
            .await
            .expect("clear");
        assert_eq!(store.sessions().throttle("a@b.c").await.expect("get"), None);

        store
            .audit()
            .record(
                Actor::Operator,
                AuditAction::SignedIn,
                "thing",
                "1",
                "detail",
            )
            .await
            .expect("event");
        let events = store.audit().recent(10).await.expect("events");
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].action, AuditAction::SignedIn);
        assert_eq!(events[0].actor, Actor::Operator);
        assert!(
            db.execute("UPDATE audit_events SET action = 'changed'")
                .await
                .is_err(),
            "{}: updating an audit event must fail",
            db.label
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn migrations_run_once_however_often_the_store_opens() {
    let db = test_support::sqlite().await;
    // Opening again must find the schema in place and apply nothing twice.
    let again = Store::connect(&db.url).await.expect("reopens");
    again.ping().await.expect("answers");
    again.close().await;
    db.finish().await;
}

#[tokio::test]
async fn deleting_audit_events_fails_too() {
    for db in test_support::all().await {
        db.store
            .audit()
            .record(
                Actor::Account(AccountId::new(1)),
                AuditAction::SignedIn,
                "y",
                "z",
                "",
            )
            .await
            .expect("event");
        assert!(
            db.execute("DELETE FROM audit_events").await.is_err(),
            "{}",
            db.label
        );
        assert_eq!(db.store.audit().recent(5).await.expect("events").len(), 1);
        db.finish().await;
    }
}

/// A stored value Tandem never writes is reported as damage, not read as
/// something else (issue 8: typed decoding inside the store).
#[tokio::test]
async fn an_unknown_stored_value_is_an_error_not_a_guess() {
    for db in test_support::all().await {
        db.execute(
            "INSERT INTO audit_events (occurred_at, actor_account_id, action, subject_type, subject_id, detail) \
             VALUES (0, NULL, 'deleted.everything', 't', '1', '')",
        )
        .await
        .expect("raw insert");
        let read = db.store.audit().recent(5).await;
        assert!(
            matches!(&read, Err(StoreError::Database(e)) if e.to_string().contains("deleted.everything")),
            "{}: {read:?}",
            db.label
        );
        db.finish().await;
    }
}

/// At a clean shutdown the write-ahead log is emptied into the database
/// file, so the `.db` file alone holds every committed write (issue 9
/// item 11).
#[tokio::test]
async fn a_checkpoint_leaves_every_write_in_the_database_file() {
    let db = test_support::sqlite().await;
    db.store
        .organisations()
        .create("Checkpointed", "")
        .await
        .expect("a write");
    let path = db.url.trim_start_matches("sqlite://").to_owned();
    let wal = format!("{path}-wal");
    let before = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
    assert!(before > 0, "the write is in the log first");
    db.store.checkpoint().await.expect("checkpoint");
    assert_eq!(
        std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0),
        0,
        "the log is empty after the checkpoint"
    );
    // A copy of the database file alone has the write.
    let copy = format!("{path}.copy");
    std::fs::copy(&path, &copy).expect("copy");
    let copied = Store::connect(&format!("sqlite://{copy}"))
        .await
        .expect("the copy opens");
    assert!(
        copied
            .organisations()
            .by_name("Checkpointed")
            .await
            .expect("query")
            .is_some()
    );
    copied.close().await;
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{copy}{suffix}"));
    }
    db.finish().await;
}
