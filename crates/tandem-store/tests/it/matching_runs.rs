//! Stored matching runs (MAT-3, issue 17): the latest per programme and
//! scope, read a page at a time, replaced whole, and forgotten in the
//! transaction of any change to who is waiting.

use tandem_domain::ids::{MentorEntryId, RequestId};
use tandem_domain::permissions::Operator;
use tandem_domain::register::{Consultation, RequestSource, ScreeningDecision};
use tandem_store::{NewRequest, NewRun, RunPair, RunUnmatched, test_support};

use crate::fixtures::request;
use crate::races::programme;

fn pair(request: i64, entry: i64) -> RunPair {
    RunPair {
        request_id: RequestId::new(request),
        mentor_entry_id: MentorEntryId::new(entry),
        mentee_name: format!("Mentee {request}"),
        mentor_name: format!("Mentor {entry}"),
        score: request * 10,
        explanation: "Shares an interest: +5\nAnother team: +3".into(),
        overridden: (request == 2).then(|| "They asked".to_owned()),
        named_by_mentee: request == 3,
    }
}

#[tokio::test]
async fn the_latest_run_is_read_by_page_replaced_whole_and_forgotten_on_a_change() {
    for db in test_support::all().await {
        let store = &db.store;
        let (programme, people) = programme(store, 1).await;
        let operator = Operator::assume();
        let authority = operator.matching(programme);
        let runs = store.matching_runs();
        assert_eq!(runs.latest(&authority).await.expect("read"), None);

        let pairs: Vec<RunPair> = (1..=1_203).map(|r| pair(r, 7)).collect();
        let unmatched = [RunUnmatched {
            request_id: RequestId::new(9_000),
            mentee_name: "Left Waiting".into(),
            could_have: 4,
            ruled_out: "[]".into(),
        }];
        let first = runs
            .replace(
                &authority,
                &NewRun {
                    first_come_first_served: true,
                    waiting: 1_204,
                    total_score: 42,
                    notes: "{}",
                    pairs: &pairs,
                    unmatched: &unmatched,
                },
            )
            .await
            .expect("stored")
            .id;
        let row = runs.latest(&authority).await.expect("read").expect("a run");
        assert_eq!(row.id, first, "{}", db.label);
        assert_eq!(
            (
                row.pair_count,
                row.unmatched_count,
                row.waiting,
                row.total_score
            ),
            (1_203, 1, 1_204, 42)
        );
        assert!(row.first_come_first_served);
        // A page from the middle, across the insert batches, in order.
        let page = runs.pairs(first, 499, 3).await.expect("page");
        assert_eq!(
            page,
            [pair(500, 7), pair(501, 7), pair(502, 7)],
            "{}",
            db.label
        );
        assert_eq!(runs.pairs(first, 1_200, 50).await.expect("last").len(), 3);
        assert_eq!(
            runs.unmatched(first, 0, 50).await.expect("unmatched"),
            unmatched
        );
        assert_eq!(
            runs.all_pairs(first).await.expect("all").len(),
            1_203,
            "{}",
            db.label
        );

        // A new run replaces the old one, pairs and all.
        let second = runs
            .replace(
                &authority,
                &NewRun {
                    first_come_first_served: false,
                    waiting: 1,
                    total_score: 0,
                    notes: "{}",
                    pairs: &[pair(1, 8)],
                    unmatched: &[],
                },
            )
            .await
            .expect("stored again")
            .id;
        assert_ne!(second, first);
        assert_eq!(
            runs.latest(&authority).await.expect("read").map(|r| r.id),
            Some(second)
        );
        assert!(runs.all_pairs(first).await.expect("gone").is_empty());
        assert!(runs.unmatched(first, 0, 50).await.expect("gone").is_empty());

        // Screening a request in changes who is waiting: the run goes, in
        // the same transaction.
        let request_id = store
            .requests()
            .create(
                &operator.request(programme, people[0]),
                &NewRequest {
                    request: &request("t"),
                    source: RequestSource::Requested,
                    consultation: Consultation::NotNeeded,
                },
            )
            .await
            .expect("a request");
        assert!(
            runs.latest(&authority).await.expect("read").is_some(),
            "{}: a request awaiting screening does not wait for a mentor yet",
            db.label
        );
        store
            .requests()
            .screen(&operator.screening(request_id), &ScreeningDecision::Accept)
            .await
            .expect("screened");
        assert_eq!(
            runs.latest(&authority).await.expect("read"),
            None,
            "{}",
            db.label
        );
        assert!(runs.all_pairs(second).await.expect("gone").is_empty());
        // A run stored after that never takes a forgotten run's number: a
        // page still naming the old run must not find it the latest.
        let third = runs
            .replace(
                &authority,
                &NewRun {
                    first_come_first_served: false,
                    waiting: 0,
                    total_score: 0,
                    notes: "{}",
                    pairs: &[],
                    unmatched: &[],
                },
            )
            .await
            .expect("stored after")
            .id;
        assert!(third > second, "{}: {third} after {second}", db.label);
        db.finish().await;
    }
}
