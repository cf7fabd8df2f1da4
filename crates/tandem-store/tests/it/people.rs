use tandem_domain::ids::PersonId;
use tandem_domain::people::{EmploymentType, FosteringDetails, PersonRecord};
use tandem_domain::permissions::{Operator, PeopleScope};
use tandem_store::test_support;

fn person(id: &str, manager: Option<&str>, team: &str) -> PersonRecord {
    PersonRecord {
        employee_id: id.to_owned(),
        given_name: format!("Given{id}"),
        family_name: format!("Family{id}"),
        email: format!("{id}@example.org"),
        region: Some("North".to_owned()),
        team: Some(team.to_owned()),
        line_manager_employee_id: manager.map(str::to_owned),
        job_title: "Practitioner".to_owned(),
        grade: "Band 6".to_owned(),
        start_date: None,
        employment_type: EmploymentType::Employee,
        fostering: FosteringDetails::default(),
    }
}

/// A 1 → 2 → 3 chain, a second manager 4 with report 5, in batches large
/// enough to cross the import's statement size.
fn organisation_rows(extra: usize) -> Vec<PersonRecord> {
    let mut rows = vec![
        person("E1", None, "Leadership"),
        person("E2", Some("E1"), "North team"),
        person("E3", Some("E2"), "North team"),
        person("E4", Some("E1"), "South team"),
        person("E5", Some("E4"), "South team"),
    ];
    rows.extend((0..extra).map(|i| person(&format!("X{i}"), Some("E5"), "South team")));
    rows
}

#[tokio::test]
async fn import_creates_then_updates_by_employee_id() {
    for db in test_support::all().await {
        let store = &db.store;
        let org = store.organisations().create("Org", "").await.expect("org");
        let authority = Operator::assume().people_import(org.id);
        let rows = organisation_rows(1_200);
        let summary = store
            .people()
            .import(&authority, &rows, &|_| {})
            .await
            .expect("import");
        assert_eq!(
            (summary.created, summary.updated),
            (1_205, 0),
            "{}",
            db.label
        );
        assert_eq!(
            store.people().count(Some(org.id)).await.expect("count"),
            1_205
        );

        let mut changed = organisation_rows(0);
        changed[2].job_title = "Senior practitioner".to_owned();
        changed[2].line_manager_employee_id = Some("E4".to_owned());
        let summary = store
            .people()
            .import(&authority, &changed, &|_| {})
            .await
            .expect("reimport");
        assert_eq!((summary.created, summary.updated), (0, 5), "{}", db.label);
        assert_eq!(
            store.people().count(Some(org.id)).await.expect("count"),
            1_205,
            "no duplicates"
        );

        let e3 = store
            .people()
            .by_employee_id(org.id, "E3")
            .await
            .expect("query")
            .expect("E3");
        let detail = store
            .people()
            .get(e3)
            .await
            .expect("query")
            .expect("detail");
        assert_eq!(detail.job_title, "Senior practitioner");
        assert_eq!(
            detail.line_manager_name.as_deref(),
            Some("GivenE4 FamilyE4"),
            "{}",
            db.label
        );
        assert_eq!(detail.team.as_deref(), Some("North team"));
        assert_eq!(
            store.audit().recent(1).await.expect("events")[0].action,
            tandem_domain::audit::AuditAction::PeopleImported
        );

        // A search finds any part of a name, email, employee id or job
        // title, whatever its case, and what a re-import changed: the new
        // words, never the old (SQLite's trigram index is kept in step).
        let scope = PeopleScope {
            organisations: vec![org.id],
            ..PeopleScope::default()
        };
        let found = |search: &'static str| {
            let store = store.clone();
            let scope = scope.clone();
            async move {
                let (people, total) = store
                    .people()
                    .list(&scope, search, 2_000, 0)
                    .await
                    .expect("search");
                assert_eq!(total, people.len() as i64);
                let mut ids: Vec<String> = people.into_iter().map(|p| p.employee_id).collect();
                ids.sort();
                ids
            }
        };
        assert_eq!(found("SENIOR PRACT").await, ["E3"], "{}", db.label);
        assert_eq!(
            found("venE3 Fam").await,
            ["E3"],
            "{}: across the name",
            db.label
        );
        assert_eq!(found("e2@example").await, ["E2"], "{}: email", db.label);
        assert_eq!(found("x1199").await, ["X1199"], "{}: employee id", db.label);
        assert_eq!(
            found("X119").await.len(),
            11,
            "{}: X119 and X1190-9",
            db.label
        );
        assert_eq!(
            found("e4").await.len(),
            1,
            "{}: two letters, no trigram",
            db.label
        );
        assert!(found("\"quoted\"").await.is_empty(), "{}", db.label);
        assert!(found("nobody at all").await.is_empty(), "{}", db.label);
        let mut renamed = organisation_rows(0);
        renamed[1].family_name = "Quintero".to_owned();
        store
            .people()
            .import(&authority, &renamed, &|_| {})
            .await
            .expect("rename");
        assert_eq!(found("quinter").await, ["E2"], "{}: the new name", db.label);
        assert!(
            found("FamilyE2").await.is_empty(),
            "{}: not the old",
            db.label
        );
        assert_eq!(
            found("practitioner").await.len(),
            1_205,
            "{}: the whole organisation",
            db.label
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn chains_and_scopes() {
    for db in test_support::all().await {
        let store = &db.store;
        let org = store.organisations().create("Org", "").await.expect("org");
        let other = store
            .organisations()
            .create("Other", "")
            .await
            .expect("other");
        store
            .people()
            .import(
                &Operator::assume().people_import(org.id),
                &organisation_rows(0),
                &|_| {},
            )
            .await
            .expect("import");
        // The same employee ids in another organisation are other people.
        store
            .people()
            .import(
                &Operator::assume().people_import(other.id),
                &organisation_rows(0),
                &|_| {},
            )
            .await
            .expect("import other");
        let id = |eid: &'static str| async move {
            store
                .people()
                .by_employee_id(org.id, eid)
                .await
                .expect("query")
                .expect("exists")
        };
        let (e1, e2, e3, e4) = (
            id("E1").await,
            id("E2").await,
            id("E3").await,
            id("E4").await,
        );
        let chains = store
            .people()
            .management_chains(&[e3, e4, e1])
            .await
            .expect("chains");
        assert_eq!(
            chains[&e3],
            vec![e2, e1],
            "{}: nearest manager first",
            db.label
        );
        assert_eq!(chains[&e4], vec![e1], "{}", db.label);
        assert!(chains[&e1].is_empty(), "{}: the top of the chain", db.label);
        let people = store
            .people()
            .by_ids(&[e3, e4, PersonId::new(999_999)])
            .await
            .expect("people");
        assert_eq!(people.len(), 2, "{}: only those that exist", db.label);
        assert_eq!(people[&e3].line_manager_id, Some(e2));
        let facts = store
            .people()
            .facts(e3)
            .await
            .expect("query")
            .expect("facts");
        assert_eq!(
            facts.managers_above,
            vec![e2, e1],
            "{}: nearest manager first",
            db.label
        );
        assert_eq!(facts.organisation_id, org.id);

        let scope = PeopleScope {
            reports_of: Some(e2),
            ..PeopleScope::default()
        };
        let (people, total) = store.people().list(&scope, "", 50, 0).await.expect("list");
        assert_eq!(total, 1, "{}", db.label);
        assert_eq!(people[0].employee_id, "E3");

        let scope = PeopleScope {
            reports_of: Some(e1),
            own: Some(e1),
            ..PeopleScope::default()
        };
        let (_, total) = store.people().list(&scope, "", 50, 0).await.expect("list");
        assert_eq!(
            total, 5,
            "{}: all four reports and themselves, not the other organisation",
            db.label
        );

        let scope = PeopleScope {
            organisations: vec![org.id],
            ..PeopleScope::default()
        };
        let (people, total) = store
            .people()
            .list(&scope, "family_e4", 50, 0)
            .await
            .expect("search");
        assert_eq!(total, 0, "{}: underscore is matched literally", db.label);
        assert!(people.is_empty());
        let (people, total) = store
            .people()
            .list(&scope, "givene4", 50, 0)
            .await
            .expect("search");
        assert_eq!((total, people[0].id), (1, e4), "{}", db.label);

        let scope = PeopleScope {
            everyone: true,
            ..PeopleScope::default()
        };
        let (page, total) = store.people().list(&scope, "", 3, 9).await.expect("page");
        assert_eq!((total, page.len()), (10, 1), "{}: the last page", db.label);
        assert!(
            store
                .people()
                .list(&PeopleScope::default(), "", 10, 0)
                .await
                .expect("none")
                .0
                .is_empty()
        );

        let reports = store.people().direct_reports(e1).await.expect("reports");
        let ids: Vec<&str> = reports.iter().map(|p| p.employee_id.as_str()).collect();
        assert_eq!(ids, vec!["E2", "E4"], "{}", db.label);
        db.finish().await;
    }
}

/// `tandem check-database`: a whole database has no problems; an
/// unfinished import whose staged rows do not add up to its count (which
/// applying would turn into a partial import) is named.
#[tokio::test]
async fn the_integrity_check_names_an_import_whose_staged_rows_do_not_add_up() {
    for db in test_support::all().await {
        let store = &db.store;
        let org = store.organisations().create("Org", "").await.expect("org");
        let authority = Operator::assume().people_import(org.id);
        let rows: Vec<(u64, PersonRecord)> = (2..).zip(organisation_rows(10)).collect();
        let id = store
            .imports()
            .create(&authority, rows.len() as u64 + 5, None, None)
            .await
            .expect("created");
        store
            .imports()
            .stage(id, 0, &rows, None)
            .await
            .expect("staged");
        assert_eq!(
            store.check_integrity().await.expect("checked"),
            Vec::<String>::new(),
            "{}",
            db.label
        );
        db.execute("DELETE FROM people_import_rows WHERE line > 3")
            .await
            .expect("tampered");
        assert_eq!(
            store.check_integrity().await.expect("checked"),
            vec![format!(
                "people import {id} (staging) counts {} staged rows but 2 are stored",
                rows.len()
            )],
            "{}",
            db.label
        );
        db.finish().await;
    }
}

/// A staged import is invisible until the one transaction that applies
/// it: part way through (as a process killed between chunks leaves it),
/// `people` has none of it and it cannot be applied; a worker that lost
/// its job's lease writes nothing; a failed or abandoned import leaves no
/// staged rows behind.
#[tokio::test]
async fn a_staged_import_is_invisible_until_applied_whole() {
    for db in test_support::all().await {
        let store = &db.store;
        let org = store.organisations().create("Org", "").await.expect("org");
        let authority = Operator::assume().people_import(org.id);
        let rows: Vec<(u64, PersonRecord)> = (2..).zip(organisation_rows(6_000)).collect();
        let imports = store.imports();
        let id = imports
            .create(&authority, rows.len() as u64, None, None)
            .await
            .expect("created");
        imports
            .stage(id, 0, &rows[..5_000], None)
            .await
            .expect("first chunk");
        assert_eq!(
            store.people().count(Some(org.id)).await.expect("count"),
            0,
            "{}",
            db.label
        );
        // Another worker's view of the count is stale: it writes nothing.
        assert!(matches!(
            imports.stage(id, 0, &rows[5_000..], None).await,
            Err(tandem_store::StoreError::Conflict(_))
        ));
        // A store opened afresh, as after a crash, sees the same: nothing.
        let reopened = tandem_store::Store::connect(&db.url)
            .await
            .expect("reopens");
        assert_eq!(
            reopened.people().count(Some(org.id)).await.expect("count"),
            0,
            "{}",
            db.label
        );
        assert!(
            matches!(
                reopened.imports().apply(id, None).await,
                Err(tandem_store::StoreError::Conflict(_))
            ),
            "{}: a partly staged import cannot be applied",
            db.label
        );
        let status = reopened
            .imports()
            .get(id)
            .await
            .expect("read")
            .expect("import");
        assert_eq!(
            (status.state, status.staged_rows),
            (tandem_store::ImportState::Staging, 5_000)
        );
        reopened
            .imports()
            .stage(id, 5_000, &rows[5_000..], None)
            .await
            .expect("the rest");
        let summary = reopened.imports().apply(id, None).await.expect("applied");
        assert_eq!(
            (summary.created, summary.updated),
            (6_005, 0),
            "{}",
            db.label
        );
        assert_eq!(
            store.people().count(Some(org.id)).await.expect("count"),
            6_005
        );
        assert_eq!(imports.staged_row_count(id).await.expect("rows"), 0);
        assert!(
            matches!(
                imports.apply(id, None).await,
                Err(tandem_store::StoreError::Conflict(_))
            ),
            "applied once only"
        );
        reopened.close().await;

        // A worker whose lease was lost (here: a job that is not running)
        // stages nothing.
        let job = store
            .jobs()
            .enqueue(&tandem_store::NewJob::new("import_people", "{}", 0), 0)
            .await
            .expect("job")
            .expect("queued");
        let second = imports
            .create(&authority, 1, None, None)
            .await
            .expect("created");
        let lease = tandem_store::Lease {
            job_id: job,
            worker: "w",
            until: 100,
        };
        assert!(matches!(
            imports.stage(second, 0, &rows[..1], Some(lease)).await,
            Err(tandem_store::StoreError::Conflict(_))
        ));
        assert_eq!(imports.staged_row_count(second).await.expect("rows"), 0);

        // Abandoned: a command-line import whose process died part way.
        imports
            .stage(second, 0, &rows[..1], None)
            .await
            .expect("staged");
        assert_eq!(
            imports.abandon_stuck(i64::MIN).await.expect("swept"),
            0,
            "not stale yet"
        );
        assert_eq!(imports.abandon_stuck(i64::MAX).await.expect("swept"), 1);
        let status = imports.get(second).await.expect("read").expect("import");
        assert_eq!(status.state, tandem_store::ImportState::Failed);
        assert_eq!(
            imports.staged_row_count(second).await.expect("rows"),
            0,
            "{}",
            db.label
        );
        assert_eq!(
            store.people().count(Some(org.id)).await.expect("count"),
            6_005
        );
        db.finish().await;
    }
}
