use std::collections::HashSet;

use tandem_store::{FailOutcome, JobState, NewJob, Store, test_support};

/// A fixed moment, so that tests say exactly when jobs fall due.
const NOW: i64 = 1_900_000_000;
const LEASE: i64 = 60;

async fn enqueue(store: &Store, kind: &str, run_at: i64) -> i64 {
    store
        .jobs()
        .enqueue(&NewJob::new(kind, "{}", run_at), NOW)
        .await
        .expect("enqueue")
        .expect("a job without a key is always enqueued")
}

#[tokio::test]
async fn jobs_are_claimed_in_order_of_when_they_fall_due() {
    for db in test_support::all().await {
        let jobs = db.store.jobs();
        let later = enqueue(&db.store, "later", NOW - 10).await;
        let first = enqueue(&db.store, "first", NOW - 20).await;
        let not_due = enqueue(&db.store, "not_due", NOW + 1).await;
        let claimed = jobs
            .claim("a", NOW, LEASE)
            .await
            .expect("claim")
            .expect("a due job");
        assert_eq!(
            (claimed.id, claimed.kind.as_str(), claimed.payload.as_str()),
            (first, "first", "{}"),
            "{}",
            db.label
        );
        assert_eq!((claimed.attempts, claimed.locked_until), (1, NOW + LEASE));
        let second = jobs.claim("a", NOW, LEASE).await.expect("claim");
        assert_eq!(second.map(|j| j.id), Some(later), "{}", db.label);
        assert_eq!(
            jobs.claim("a", NOW, LEASE).await.expect("claim"),
            None,
            "{}: a job not yet due is left alone",
            db.label
        );
        let row = jobs.job(not_due).await.expect("query").expect("job");
        assert_eq!(row.state, JobState::Queued);
        let due = jobs.claim("a", NOW + 1, LEASE).await.expect("claim");
        assert_eq!(due.map(|j| j.id), Some(not_due), "{}", db.label);
        db.finish().await;
    }
}

#[tokio::test]
async fn concurrent_claimers_never_take_the_same_job() {
    for db in test_support::all().await {
        // Two pools on one database: two servers sharing it.
        let other_server = Store::connect(&db.url).await.expect("second server");
        let mut all = HashSet::new();
        for n in 0..10 {
            all.insert(enqueue(&db.store, &format!("job{n}"), NOW - n).await);
        }
        let mut tasks = Vec::new();
        for claimer in 0..20 {
            let store = if claimer % 2 == 0 {
                db.store.clone()
            } else {
                other_server.clone()
            };
            tasks.push(tokio::spawn(async move {
                store
                    .jobs()
                    .claim(&format!("worker{claimer}"), NOW, LEASE)
                    .await
                    .expect("claim")
            }));
        }
        let mut claimed = Vec::new();
        for task in tasks {
            claimed.extend(task.await.expect("claim task").map(|job| job.id));
        }
        let distinct: HashSet<i64> = claimed.iter().copied().collect();
        assert_eq!(
            distinct.len(),
            claimed.len(),
            "{}: a job was claimed twice: {claimed:?}",
            db.label
        );
        // Whatever a claimer passed over while another held it is still
        // there to be claimed, once.
        while let Some(job) = db
            .store
            .jobs()
            .claim("sweeper", NOW, LEASE)
            .await
            .expect("claim")
        {
            assert!(
                !distinct.contains(&job.id),
                "{}: job {} claimed twice",
                db.label,
                job.id
            );
            claimed.push(job.id);
        }
        claimed.sort_unstable();
        let mut expected: Vec<i64> = all.into_iter().collect();
        expected.sort_unstable();
        assert_eq!(
            claimed, expected,
            "{}: every job claimed exactly once",
            db.label
        );
        let counts = db.store.jobs().counts().await.expect("counts");
        assert_eq!((counts.running, counts.queued), (10, 0), "{}", db.label);
        other_server.close().await;
        db.finish().await;
    }
}

#[tokio::test]
async fn a_job_whose_lease_ran_out_is_claimed_again() {
    for db in test_support::all().await {
        let jobs = db.store.jobs();
        let id = enqueue(&db.store, "slow", NOW).await;
        let first = jobs
            .claim("dead-server", NOW, LEASE)
            .await
            .expect("claim")
            .expect("due");
        assert_eq!(first.id, id);
        assert_eq!(
            jobs.claim("live-server", NOW + LEASE - 1, LEASE)
                .await
                .expect("claim"),
            None,
            "{}: the lease still holds",
            db.label
        );
        let again = jobs
            .claim("live-server", NOW + LEASE, LEASE)
            .await
            .expect("claim")
            .expect("the lease ran out");
        assert_eq!((again.id, again.attempts), (id, 2), "{}", db.label);
        let row = jobs.job(id).await.expect("query").expect("job");
        assert_eq!(
            (row.state, row.locked_by.as_deref()),
            (JobState::Running, Some("live-server"))
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn only_the_lease_holder_completes_or_fails_a_job() {
    for db in test_support::all().await {
        let jobs = db.store.jobs();
        let id = enqueue(&db.store, "work", NOW).await;
        assert!(
            !jobs.complete(id, "a", NOW).await.expect("complete"),
            "{}: a queued job cannot be completed",
            db.label
        );
        jobs.claim("a", NOW, LEASE)
            .await
            .expect("claim")
            .expect("due");
        // The lease runs out and another worker takes the job.
        jobs.claim("b", NOW + LEASE, LEASE)
            .await
            .expect("claim")
            .expect("reclaimed");
        assert!(!jobs.complete(id, "a", NOW + LEASE).await.expect("complete"));
        assert_eq!(
            jobs.fail(id, "a", NOW + LEASE, "late").await.expect("fail"),
            FailOutcome::NotHolder,
            "{}",
            db.label
        );
        assert_eq!(
            jobs.job(id).await.expect("query").expect("job").state,
            JobState::Running
        );
        assert!(
            jobs.complete(id, "b", NOW + LEASE + 1)
                .await
                .expect("complete")
        );
        let row = jobs.job(id).await.expect("query").expect("job");
        assert_eq!(
            (row.state, row.finished_at, row.locked_until, row.last_error),
            (JobState::Done, Some(NOW + LEASE + 1), None, None),
            "{}",
            db.label
        );
        assert!(
            !jobs
                .complete(id, "b", NOW + LEASE + 2)
                .await
                .expect("complete"),
            "{}: a done job stays done",
            db.label
        );
        assert_eq!(
            jobs.claim("c", NOW + 10_000, LEASE).await.expect("claim"),
            None
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn failures_back_off_and_then_fail_for_good() {
    for db in test_support::all().await {
        let jobs = db.store.jobs();
        let id = jobs
            .enqueue(&NewJob::new("flaky", "{}", NOW).with_max_attempts(3), NOW)
            .await
            .expect("enqueue")
            .expect("enqueued");
        let mut at = NOW;
        for (attempt, wait) in [(1, 30), (2, 60)] {
            let job = jobs
                .claim("w", at, LEASE)
                .await
                .expect("claim")
                .expect("due");
            assert_eq!((job.id, job.attempts), (id, attempt), "{}", db.label);
            let outcome = jobs
                .fail(id, "w", at, &format!("refused {attempt}"))
                .await
                .expect("fail");
            assert_eq!(
                outcome,
                FailOutcome::Retrying { run_at: at + wait },
                "{}",
                db.label
            );
            let row = jobs.job(id).await.expect("query").expect("job");
            assert_eq!(
                (row.state, row.run_at, row.last_error),
                (
                    JobState::Queued,
                    at + wait,
                    Some(format!("refused {attempt}"))
                )
            );
            assert_eq!(
                jobs.claim("w", at + wait - 1, LEASE).await.expect("claim"),
                None,
                "{}: not before the backoff",
                db.label
            );
            at += wait;
        }
        let last = jobs
            .claim("w", at, LEASE)
            .await
            .expect("claim")
            .expect("due");
        assert_eq!(last.attempts, 3);
        assert_eq!(
            jobs.fail(id, "w", at, "refused 3").await.expect("fail"),
            FailOutcome::GaveUp,
            "{}",
            db.label
        );
        let row = jobs.job(id).await.expect("query").expect("job");
        assert_eq!(
            (
                row.state,
                row.attempts,
                row.finished_at,
                row.last_error.as_deref()
            ),
            (JobState::Failed, 3, Some(at), Some("refused 3")),
            "{}",
            db.label
        );
        assert_eq!(
            jobs.claim("w", at + 1_000_000, LEASE).await.expect("claim"),
            None
        );
        let failed = jobs.list(Some(JobState::Failed), 10).await.expect("list");
        assert_eq!(failed.iter().map(|j| j.id).collect::<Vec<_>>(), vec![id]);
        db.finish().await;
    }
}

#[tokio::test]
async fn a_job_that_outlives_its_last_lease_fails_instead_of_going_round_again() {
    for db in test_support::all().await {
        let jobs = db.store.jobs();
        let id = jobs
            .enqueue(&NewJob::new("crashes", "{}", NOW).with_max_attempts(1), NOW)
            .await
            .expect("enqueue")
            .expect("enqueued");
        jobs.claim("dies", NOW, LEASE)
            .await
            .expect("claim")
            .expect("due");
        assert_eq!(
            jobs.claim("other", NOW + LEASE, LEASE)
                .await
                .expect("claim"),
            None,
            "{}",
            db.label
        );
        let row = jobs.job(id).await.expect("query").expect("job");
        assert_eq!(
            (row.state, row.finished_at),
            (JobState::Failed, Some(NOW + LEASE))
        );
        assert!(row.last_error.is_some_and(|e| e.contains("lease")));
        db.finish().await;
    }
}

#[tokio::test]
async fn a_keyed_job_is_queued_once_and_a_recurring_job_hands_over_to_its_next_run() {
    for db in test_support::all().await {
        let jobs = db.store.jobs();
        let job = NewJob::new("tidy", "{}", NOW).with_unique_key("tidy");
        let id = jobs
            .enqueue(&job, NOW)
            .await
            .expect("enqueue")
            .expect("new");
        assert_eq!(
            jobs.enqueue(&job, NOW).await.expect("enqueue"),
            None,
            "{}: already queued",
            db.label
        );
        jobs.claim("w", NOW, LEASE)
            .await
            .expect("claim")
            .expect("due");
        assert_eq!(
            jobs.enqueue(&job, NOW).await.expect("enqueue"),
            None,
            "{}: still running",
            db.label
        );
        let next = NewJob::new("tidy", "{}", NOW + 600).with_unique_key("tidy");
        assert!(
            !jobs
                .complete_and_enqueue(id, "not-the-holder", NOW, &next)
                .await
                .expect("complete")
        );
        assert_eq!(jobs.counts().await.expect("counts").queued, 0);
        assert!(
            jobs.complete_and_enqueue(id, "w", NOW, &next)
                .await
                .expect("complete")
        );
        let counts = jobs.counts().await.expect("counts");
        assert_eq!((counts.done, counts.queued), (1, 1), "{}", db.label);
        let queued = jobs.list(Some(JobState::Queued), 10).await.expect("list");
        assert_eq!(
            (queued[0].run_at, queued[0].unique_key.as_deref()),
            (NOW + 600, Some("tidy"))
        );
        assert_eq!(jobs.delete_done_before(NOW).await.expect("prune"), 0);
        assert_eq!(jobs.delete_done_before(NOW + 1).await.expect("prune"), 1);
        assert_eq!(jobs.list(None, 10).await.expect("list").len(), 1);
        db.finish().await;
    }
}

/// A job its worker stops on purpose (the server is shutting down) goes
/// back in the queue, due at once, without using up an attempt; only the
/// lease holder can release it.
#[tokio::test]
async fn a_released_job_is_queued_again_without_using_an_attempt() {
    for db in test_support::all().await {
        let jobs = db.store.jobs();
        let id = enqueue(&db.store, "import_people", NOW).await;
        let claimed = jobs
            .claim("a", NOW, LEASE)
            .await
            .expect("claim")
            .expect("due");
        assert_eq!(claimed.attempts, 1);
        assert!(
            !jobs.release(id, "b", NOW).await.expect("release"),
            "{}: not b's",
            db.label
        );
        assert!(
            jobs.release(id, "a", NOW + 5).await.expect("release"),
            "{}",
            db.label
        );
        let row = jobs.job(id).await.expect("read").expect("job");
        assert_eq!(
            (row.state, row.attempts, row.run_at),
            (JobState::Queued, 0, NOW + 5),
            "{}",
            db.label
        );
        let again = jobs
            .claim("b", NOW + 5, LEASE)
            .await
            .expect("claim")
            .expect("due again");
        assert_eq!((again.id, again.attempts), (id, 1), "{}", db.label);
        db.finish().await;
    }
}
