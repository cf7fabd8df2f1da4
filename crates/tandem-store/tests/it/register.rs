//! The register and requests (REG-1, REQ-1, REQ-3): one open request per
//! person per programme, enforced by the write and by the database; the
//! queue in arrival order; filters on the register.

use crate::fixtures::{person, request};
use tandem_domain::ids::{AccountId, PersonId};
use tandem_domain::permissions::{Operator, Publication};
use tandem_domain::programme::Organisation;
use tandem_domain::register::{
    Availability, Consultation, MentorProfile, ProfileField, RequestSource, RequestStatus,
};
use tandem_store::{NewRequest, ProgrammeWrite, RegisterFilter, StoreError, test_support};

#[tokio::test]
async fn one_open_request_per_person_and_the_queue_in_arrival_order() {
    for db in test_support::all().await {
        let store = &db.store;
        let org = store
            .organisations()
            .create("Trust", "Northern Ireland")
            .await
            .expect("org");
        store
            .people()
            .import(
                &Operator::assume().people_import(org.id),
                &[person("A"), person("B")],
                &|_| {},
            )
            .await
            .expect("people");
        let organisations = [Organisation {
            name: "Trust".into(),
            jurisdiction: "Northern Ireland".into(),
        }];
        let programme = store
            .programmes()
            .create(
                &Operator::assume().programme_create(),
                &ProgrammeWrite {
                    key: "p",
                    name: "P",
                    settings: "",
                    organisations: &organisations,
                },
                Publication::Published,
            )
            .await
            .expect("programme");
        let a = store
            .people()
            .by_employee_id(org.id, "A")
            .await
            .expect("read")
            .expect("a");
        let b = store
            .people()
            .by_employee_id(org.id, "B")
            .await
            .expect("read")
            .expect("b");
        let operator = |person_id| Operator::assume().request(programme, person_id);
        let first = request("t");
        let ask = |_person_id: PersonId| NewRequest {
            request: &first,
            source: RequestSource::Requested,
            consultation: Consultation::NotNeeded,
        };
        let b_id = store
            .requests()
            .create(&operator(b), &ask(b))
            .await
            .expect("b asks");
        let a_id = store
            .requests()
            .create(&operator(a), &ask(a))
            .await
            .expect("a asks");
        assert!(
            matches!(
                store.requests().create(&operator(a), &ask(a)).await,
                Err(StoreError::Conflict(_))
            ),
            "{}",
            db.label
        );
        // The database itself refuses a second open request.
        let raw = format!(
            "INSERT INTO mentor_requests (programme_id, person_id, track, source, status, consultation, created_at) \
             VALUES ({programme}, {a}, 't', 'requested', 'accepted', 'not_needed', 0)"
        );
        assert!(
            db.execute(&raw).await.is_err(),
            "{}: the partial unique index holds",
            db.label
        );

        let queue = store
            .requests()
            .with_status(programme, RequestStatus::AwaitingScreening, Some(&[org.id]))
            .await
            .expect("queue");
        assert_eq!(
            queue.iter().map(|r| r.id).collect::<Vec<_>>(),
            vec![b_id, a_id]
        );
        assert!(
            store
                .requests()
                .with_status(programme, RequestStatus::AwaitingScreening, Some(&[]))
                .await
                .expect("none")
                .is_empty()
        );

        // A closed request does not block a new one.
        let decision = tandem_domain::register::ScreeningDecision::Reject {
            reason: tandem_domain::register::RejectionReason::Other,
            detail: "No".into(),
        };
        let screening = {
            // Screening authority comes only from the permissions module.
            let admin = tandem_domain::permissions::Principal {
                account_id: AccountId::new(1),
                person_id: None,
                display_name: "Admin".into(),
                grants: vec![tandem_domain::roles::RoleGrant {
                    role: tandem_domain::roles::Role::Administrator,
                    organisation_id: None,
                    programme_id: None,
                }],
            };
            let facts = tandem_domain::permissions::RequestFacts {
                programme_id: programme,
                taking_part: vec![org.id],
                mentee: store.people().facts(a).await.expect("read").expect("facts"),
            };
            tandem_domain::permissions::authorise_screening(&admin, &facts, a_id)
                .expect("admin screens")
        };
        assert!(
            store
                .requests()
                .screen(&screening, &decision)
                .await
                .expect("screened")
        );
        assert!(
            !store
                .requests()
                .screen(&screening, &decision)
                .await
                .expect("once only")
        );
        store
            .requests()
            .create(&operator(a), &ask(a))
            .await
            .expect("asks again");
        db.finish().await;
    }
}

#[tokio::test]
async fn register_entries_are_one_per_person_and_filter() {
    for db in test_support::all().await {
        let store = &db.store;
        let org = store
            .organisations()
            .create("Trust", "England")
            .await
            .expect("org");
        store
            .people()
            .import(
                &Operator::assume().people_import(org.id),
                &[person("A"), person("B")],
                &|_| {},
            )
            .await
            .expect("people");
        let organisations = [Organisation {
            name: "Trust".into(),
            jurisdiction: "England".into(),
        }];
        let programme = store
            .programmes()
            .create(
                &Operator::assume().programme_create(),
                &ProgrammeWrite {
                    key: "p",
                    name: "P",
                    settings: "",
                    organisations: &organisations,
                },
                Publication::Published,
            )
            .await
            .expect("programme");
        let a = store
            .people()
            .by_employee_id(org.id, "A")
            .await
            .expect("read")
            .expect("a");
        let mut profile = MentorProfile {
            experience: String::new(),
            experience_months: None,
            interests: String::new(),
            expertise: "Budgets".into(),
            style: String::new(),
            languages: "Welsh".into(),
            location: String::new(),
            special_interests: String::new(),
            training_completed: true,
            experience_shown_by_appraisal: false,
            published: vec![ProfileField::Expertise],
            capacity: 2,
            availability: Availability::Available,
        };
        let authority = Operator::assume().register_entry(programme, a, true);
        let id = store
            .register()
            .put(&authority, &profile)
            .await
            .expect("entry");
        profile.capacity = 3;
        assert_eq!(
            store
                .register()
                .put(
                    &Operator::assume().register_entry(programme, a, false),
                    &profile
                )
                .await
                .expect("again"),
            id
        );
        let row = store.register().get(id).await.expect("read").expect("row");
        assert_eq!(
            (row.capacity, row.recruited.as_str()),
            (3, "identified"),
            "{}",
            db.label
        );
        assert_eq!(row.published(), vec![ProfileField::Expertise]);
        let welsh = RegisterFilter {
            language: Some("WELSH".into()),
            ..Default::default()
        };
        assert_eq!(
            store
                .register()
                .list(programme, &welsh)
                .await
                .expect("list")
                .len(),
            1
        );
        let north = RegisterFilter {
            region: Some("north".into()),
            organisation_id: Some(org.id),
            availability: Some("available".into()),
            ..Default::default()
        };
        assert_eq!(
            store
                .register()
                .list(programme, &north)
                .await
                .expect("list")
                .len(),
            1
        );
        let full = RegisterFilter {
            availability: Some("full".into()),
            ..Default::default()
        };
        assert!(
            store
                .register()
                .list(programme, &full)
                .await
                .expect("list")
                .is_empty()
        );
        assert_eq!(
            store
                .register()
                .active_mentee_count(id)
                .await
                .expect("count"),
            0
        );
        db.finish().await;
    }
}
