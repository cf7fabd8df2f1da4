//! Fifty at once (issue 9, "Races"): many accepts against a mentor's last
//! free place, and many requests by one person, each settle as if they had
//! come one by one.

use std::time::Duration;

use tandem_domain::ids::{PersonId, ProgrammeId};
use tandem_domain::people::PersonRecord;

use crate::fixtures::{person, request};
use tandem_domain::permissions::{Operator, Publication};
use tandem_domain::programme::Organisation;
use tandem_domain::proposals::{Answer, DeclineReason, ProposalStatus};
use tandem_domain::register::{
    Availability, Consultation, MentorProfile, RequestSource, RequestStatus, ScreeningDecision,
};
use tandem_store::{NewProposal, NewRequest, ProgrammeWrite, Store, StoreError, test_support};

const AT_ONCE: usize = 50;

/// A programme of one organisation with `people` staff, P0 to P(n-1).
pub(crate) async fn programme(store: &Store, people: usize) -> (ProgrammeId, Vec<PersonId>) {
    let org = store
        .organisations()
        .create("Trust", "England")
        .await
        .expect("org");
    let records: Vec<PersonRecord> = (0..people).map(|n| person(&format!("P{n}"))).collect();
    store
        .people()
        .import(&Operator::assume().people_import(org.id), &records, &|_| {})
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
    let mut ids = Vec::new();
    for n in 0..people {
        ids.push(
            store
                .people()
                .by_employee_id(org.id, &format!("P{n}"))
                .await
                .expect("read")
                .expect("person"),
        );
    }
    (programme, ids)
}

async fn joined<T>(tasks: Vec<tokio::task::JoinHandle<T>>) -> Vec<T> {
    let mut out = Vec::new();
    for task in tasks {
        out.push(
            tokio::time::timeout(Duration::from_secs(60), task)
                .await
                .expect("in good time")
                .expect("no panic"),
        );
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_accepts_against_a_mentors_last_free_place_take_it_once() {
    for db in test_support::all().await {
        let store = &db.store;
        let (programme, people) = programme(store, AT_ONCE + 1).await;
        let operator = Operator::assume();
        // A mentor with two places, one already taken.
        let profile = MentorProfile {
            experience: String::new(),
            experience_months: None,
            interests: String::new(),
            expertise: "Budgets".into(),
            style: String::new(),
            languages: String::new(),
            location: String::new(),
            special_interests: String::new(),
            training_completed: true,
            experience_shown_by_appraisal: true,
            published: Vec::new(),
            capacity: 2,
            availability: Availability::Available,
        };
        let entry = store
            .register()
            .put(
                &operator.register_entry(programme, people[AT_ONCE], false),
                &profile,
            )
            .await
            .expect("on the register");
        let body = request("t");
        let mut proposals = Vec::new();
        for mentee in &people[..AT_ONCE] {
            let request_id = store
                .requests()
                .create(
                    &operator.request(programme, *mentee),
                    &NewRequest {
                        request: &body,
                        source: RequestSource::Requested,
                        consultation: Consultation::NotNeeded,
                    },
                )
                .await
                .expect("a request");
            store
                .requests()
                .screen(&operator.screening(request_id), &ScreeningDecision::Accept)
                .await
                .expect("screened");
            proposals.push(NewProposal {
                request_id,
                mentor_entry_id: entry,
                score: 1,
                explanation: Vec::new(),
            });
        }
        // Two matching runs at once could send this many; the accepts
        // are where the places must hold.
        let ids = store
            .proposals()
            .create(&operator.matching(programme), &proposals)
            .await
            .expect("proposals");
        let first = store
            .proposals()
            .answer(&operator.proposal_answer(ids[0]), &Answer::Accept, "k0")
            .await
            .expect("the first accept");
        assert!(first, "{}", db.label);

        let tasks = ids[1..]
            .iter()
            .map(|id| {
                let store = store.clone();
                let id = *id;
                tokio::spawn(async move {
                    store
                        .proposals()
                        .answer(
                            &Operator::assume().proposal_answer(id),
                            &Answer::Accept,
                            &format!("k{id}"),
                        )
                        .await
                })
            })
            .collect();
        let outcomes = joined(tasks).await;
        let accepted = outcomes.iter().filter(|o| matches!(o, Ok(true))).count();
        let refused = outcomes
            .iter()
            .filter(|o| matches!(o, Err(StoreError::Conflict(m)) if m.contains("no free place")))
            .count();
        assert_eq!(
            (accepted, refused),
            (1, AT_ONCE - 2),
            "{}: one accept takes the last place, the others are refused: {:?}",
            db.label,
            outcomes
                .iter()
                .find(|o| !matches!(o, Ok(true) | Err(StoreError::Conflict(_))))
        );
        let stored = store
            .proposals()
            .of_programme(programme)
            .await
            .expect("proposals");
        let live = stored
            .iter()
            .filter(|p| p.status == ProposalStatus::Accepted)
            .count();
        assert_eq!(live, 2, "{}: never more than the mentor's places", db.label);
        // Each accept that was refused left its proposal waiting and made
        // no relationship.
        let waiting = stored
            .iter()
            .filter(|p| p.status == ProposalStatus::AwaitingMentor)
            .count();
        assert_eq!(waiting, AT_ONCE - 2, "{}", db.label);
        for proposal in stored
            .iter()
            .filter(|p| p.status == ProposalStatus::AwaitingMentor)
        {
            assert!(
                store
                    .relationships()
                    .of_proposal(proposal.id)
                    .await
                    .expect("read")
                    .is_none(),
                "{}",
                db.label
            );
        }

        // Every request has a live proposal, and each one's mark says so
        // (kept by the database's triggers, however the proposals moved).
        let waiting = |store: Store| async move {
            let counted = store
                .requests()
                .work_counts(programme, None, 0)
                .await
                .expect("counts")
                .waiting_for_match;
            let listed = store
                .requests()
                .all_waiting_for_match(programme)
                .await
                .expect("waiting");
            assert_eq!(counted, listed.len() as i64);
            listed.into_iter().map(|r| r.id).collect::<Vec<_>>()
        };
        assert!(waiting(store.clone()).await.is_empty(), "{}", db.label);
        assert_eq!(
            store.check_integrity().await.expect("checked"),
            Vec::<String>::new()
        );
        // A decline sends its request back to wait for a mentor.
        let declined = stored
            .iter()
            .find(|p| p.status == ProposalStatus::AwaitingMentor)
            .expect("one waits");
        store
            .proposals()
            .answer(
                &operator.proposal_answer(declined.id),
                &Answer::Decline {
                    reason: DeclineReason::NotEnoughTime,
                    detail: String::new(),
                },
                "kd",
            )
            .await
            .expect("declined");
        assert_eq!(
            waiting(store.clone()).await,
            [declined.request_id],
            "{}",
            db.label
        );
        assert_eq!(
            store.check_integrity().await.expect("checked"),
            Vec::<String>::new()
        );
        // A mark that disagrees with the proposals is named.
        db.execute(&format!(
            "UPDATE mentor_requests SET live_proposal = 1 WHERE id = {}",
            declined.request_id
        ))
        .await
        .expect("tampered");
        assert_eq!(
            store.check_integrity().await.expect("checked"),
            [format!(
                "request {}: its live-proposal mark does not agree with its proposals",
                declined.request_id
            )],
            "{}",
            db.label
        );
        db.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_requests_at_once_by_one_person_make_one() {
    for db in test_support::all().await {
        let store = &db.store;
        let (programme, people) = programme(store, 1).await;
        let mentee = people[0];
        let tasks = (0..AT_ONCE)
            .map(|_| {
                let store = store.clone();
                tokio::spawn(async move {
                    let body = request("t");
                    store
                        .requests()
                        .create(
                            &Operator::assume().request(programme, mentee),
                            &NewRequest {
                                request: &body,
                                source: RequestSource::Requested,
                                consultation: Consultation::NotNeeded,
                            },
                        )
                        .await
                })
            })
            .collect();
        let outcomes = joined(tasks).await;
        let made = outcomes.iter().filter(|o| o.is_ok()).count();
        let refused = outcomes
            .iter()
            .filter(|o| matches!(o, Err(StoreError::Conflict(_))))
            .count();
        assert_eq!(
            (made, refused),
            (1, AT_ONCE - 1),
            "{}: {:?}",
            db.label,
            outcomes
                .iter()
                .find(|o| !matches!(o, Ok(_) | Err(StoreError::Conflict(_))))
        );
        let open = store
            .requests()
            .with_status(programme, RequestStatus::AwaitingScreening, None)
            .await
            .expect("requests")
            .len();
        assert_eq!(open, 1, "{}", db.label);
        db.finish().await;
    }
}
