//! Programmes (PRG-1): settings kept whole, organisations taking part
//! found or added by name, all in one transaction.

use tandem_domain::ids::{OrganisationId, ProgrammeId};
use tandem_domain::permissions::{Operator, ProgrammeScope, Publication};
use tandem_domain::programme::Organisation;
use tandem_store::{ProgrammeWrite, StoreError, test_support};

fn organisation(name: &str, jurisdiction: &str) -> Organisation {
    Organisation {
        name: name.to_owned(),
        jurisdiction: jurisdiction.to_owned(),
    }
}

#[tokio::test]
async fn a_programme_round_trips_with_its_organisations() {
    for db in test_support::all().await {
        let store = &db.store;
        let operator = Operator::assume();
        let authority = operator.programme_create();
        let known = store
            .organisations()
            .create("Known Trust", "Northern Ireland")
            .await
            .expect("org");
        let organisations = [
            // Found ignoring case, not added again.
            organisation("KNOWN TRUST", "Northern Ireland"),
            organisation("New Board", "Republic of Ireland"),
        ];
        let settings = "key = \"cwt\"\nname = \"Connect\"\n";
        let write = ProgrammeWrite {
            key: "cwt",
            name: "Connect",
            settings,
            organisations: &organisations,
        };
        let id = store
            .programmes()
            .create(&authority, &write, Publication::Draft)
            .await
            .expect("created");

        let stored = store
            .programmes()
            .get(id)
            .await
            .expect("read")
            .expect("exists");
        assert_eq!(
            (stored.key.as_str(), stored.name.as_str()),
            ("cwt", "Connect"),
            "{}",
            db.label
        );
        assert_eq!(
            stored.settings, settings,
            "{}: settings are kept byte for byte",
            db.label
        );
        assert_eq!(
            store.programmes().by_key("cwt").await.expect("read"),
            Some(stored.clone())
        );
        assert_eq!(store.programmes().by_key("nope").await.expect("read"), None);

        // Made as a draft; publishing is recorded once, with the audit event.
        assert_eq!(stored.publication(), Publication::Draft, "{}", db.label);
        let edit = Operator::assume().programme_edit(id);
        assert!(store.programmes().publish(&edit).await.expect("publish"));
        assert!(
            !store.programmes().publish(&edit).await.expect("again"),
            "{}: a published programme is not published twice",
            db.label
        );
        let published = store
            .programmes()
            .get(id)
            .await
            .expect("read")
            .expect("exists");
        assert_eq!(
            published.publication(),
            Publication::Published,
            "{}",
            db.label
        );
        let events = store.audit().recent(10).await.expect("audit");
        assert_eq!(
            events
                .iter()
                .filter(|e| e.action == tandem_domain::audit::AuditAction::ProgrammePublished)
                .count(),
            1,
            "{}",
            db.label
        );

        let taking_part = store.programmes().organisations(id).await.expect("orgs");
        let names: Vec<(&str, &str)> = taking_part
            .iter()
            .map(|o| (o.name.as_str(), o.jurisdiction.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("Known Trust", "Northern Ireland"),
                ("New Board", "Republic of Ireland")
            ],
            "{}",
            db.label
        );
        assert_eq!(
            store.organisations().all().await.expect("orgs").len(),
            2,
            "one organisation was added"
        );

        // A second key may not be taken twice.
        let again = store
            .programmes()
            .create(&authority, &write, Publication::Published)
            .await;
        assert!(
            matches!(again, Err(StoreError::Conflict(_))),
            "{}",
            db.label
        );

        // Updating replaces settings and the organisations taking part.
        let only_new = [organisation("New Board", "Republic of Ireland")];
        store
            .programmes()
            .update(
                &operator.programme_edit(id),
                &ProgrammeWrite {
                    key: "cwt",
                    name: "Connect 2",
                    settings: "changed",
                    organisations: &only_new,
                },
                Some(settings),
            )
            .await
            .expect("updated");
        let stored = store
            .programmes()
            .get(id)
            .await
            .expect("read")
            .expect("exists");
        assert_eq!(
            (stored.name.as_str(), stored.settings.as_str()),
            ("Connect 2", "changed")
        );
        assert_eq!(
            store
                .programmes()
                .organisations(id)
                .await
                .expect("orgs")
                .len(),
            1
        );

        let other = store
            .programmes()
            .create(
                &authority,
                &ProgrammeWrite {
                    key: "afc",
                    name: "A Fostering",
                    settings: "x",
                    organisations: &[organisation("Known Trust", "")],
                },
                Publication::Published,
            )
            .await
            .expect("second");
        let listed: Vec<ProgrammeId> = store
            .programmes()
            .list(None)
            .await
            .expect("list")
            .iter()
            .map(|p| p.id)
            .collect();
        assert_eq!(listed, [other, id], "{}: by name", db.label);
        let of_known: Vec<ProgrammeId> = store
            .programmes()
            .list(Some(known.id))
            .await
            .expect("list")
            .iter()
            .map(|p| p.id)
            .collect();
        assert_eq!(of_known, [other]);

        let scoped =
            |organisations: Vec<OrganisationId>, programmes: Vec<ProgrammeId>| ProgrammeScope {
                everyone: false,
                organisations,
                programmes,
            };
        let ids = |list: Vec<tandem_store::StoredProgramme>| {
            list.iter().map(|p| p.id).collect::<Vec<_>>()
        };
        assert_eq!(
            ids(store
                .programmes()
                .in_scope(&scoped(vec![known.id], vec![]))
                .await
                .expect("scope")),
            [other]
        );
        assert_eq!(
            ids(store
                .programmes()
                .in_scope(&scoped(vec![known.id], vec![id]))
                .await
                .expect("scope")),
            [other, id]
        );
        assert!(
            store
                .programmes()
                .in_scope(&scoped(vec![], vec![]))
                .await
                .expect("scope")
                .is_empty()
        );

        // Renaming to a key another programme has is refused; nothing changes.
        let clash = store
            .programmes()
            .update(
                &operator.programme_edit(id),
                &ProgrammeWrite {
                    key: "afc",
                    name: "Clash",
                    settings: "y",
                    organisations: &only_new,
                },
                None,
            )
            .await;
        assert!(matches!(clash, Err(StoreError::Conflict(_))));
        // Saving over settings someone else has changed since is refused.
        let stale = store
            .programmes()
            .update(
                &operator.programme_edit(id),
                &ProgrammeWrite {
                    key: "cwt",
                    name: "Stale",
                    settings: "z",
                    organisations: &only_new,
                },
                Some(settings),
            )
            .await;
        assert!(
            matches!(stale, Err(StoreError::Conflict(_))),
            "{}",
            db.label
        );
        assert_eq!(
            store
                .programmes()
                .get(id)
                .await
                .expect("read")
                .expect("exists")
                .name,
            "Connect 2"
        );
        db.finish().await;
    }
}
