use std::sync::Arc;

use tandem_app::FixedClock;
use tandem_app::jobs::{HOUSEKEEPING_EVERY_SECONDS, JobKind, JobsRun};
use tandem_app::mail::{Email, MemoryMailer};
use tandem_app::{App, AppError};
use tandem_store::{JobState, test_support};

fn email() -> Email {
    Email {
        to: "mentor@example.org".into(),
        subject: "A mentee would like to meet you".into(),
        body_text: "Sign in to Tandem to answer.".into(),
    }
}

#[tokio::test]
async fn a_queued_message_is_delivered_once() {
    for db in test_support::all().await {
        let mailer = MemoryMailer::new();
        let app = App::new(db.store.clone())
            .with_generated_master_key()
            .with_mailer(Arc::new(mailer.clone()));
        let now = 1_900_000_000;
        let id = app.queue_email(email(), now).await.expect("queued");
        assert!(mailer.sent().is_empty(), "{}: queued, not sent", db.label);
        let run = app.run_due_jobs("w", now, 10).await.expect("run");
        assert_eq!(
            run,
            JobsRun {
                completed: 1,
                ..JobsRun::default()
            },
            "{}",
            db.label
        );
        assert_eq!(mailer.sent(), vec![email()], "{}", db.label);
        let again = app.run_due_jobs("w", now + 3_600, 10).await.expect("run");
        assert_eq!(again.claimed(), 0);
        assert_eq!(mailer.sent().len(), 1, "{}: delivered once", db.label);
        let job = db.store.jobs().job(id).await.expect("query").expect("job");
        assert_eq!(
            (job.kind.as_str(), job.state),
            (JobKind::SendEmail.as_str(), JobState::Done)
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn a_message_that_cannot_be_written_as_mail_is_not_queued() {
    for db in test_support::all().await {
        let app = App::new(db.store.clone())
            .with_generated_master_key()
            .with_mailer(Arc::new(MemoryMailer::new()));
        let wrong = Email {
            to: "not an address".into(),
            subject: "Hi\r\nBcc: everyone@example.org".into(),
            body_text: String::new(),
        };
        let Err(AppError::Invalid(problems)) = app.queue_email(wrong, 0).await else {
            panic!("{}: must be refused", db.label);
        };
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, vec!["to", "subject"]);
        assert_eq!(db.store.jobs().counts().await.expect("counts").queued, 0);
        db.finish().await;
    }
}

#[tokio::test]
async fn a_failed_delivery_is_tried_again_after_a_backoff() {
    for db in test_support::all().await {
        let mailer = MemoryMailer::new();
        let app = App::new(db.store.clone())
            .with_generated_master_key()
            .with_mailer(Arc::new(mailer.clone()));
        let now = 1_900_000_000;
        let id = app.queue_email(email(), now).await.expect("queued");
        mailer.fail_next(2);
        let first = app.run_due_jobs("w", now, 10).await.expect("run");
        assert_eq!((first.retrying, first.completed), (1, 0), "{}", db.label);
        let job = db.store.jobs().job(id).await.expect("query").expect("job");
        assert_eq!(
            (job.state, job.attempts, job.run_at),
            (JobState::Queued, 1, now + 30),
            "{}",
            db.label
        );
        assert!(
            job.last_error
                .as_deref()
                .is_some_and(|e| e.contains("mail server is down"))
        );
        assert_eq!(
            app.run_due_jobs("w", now + 29, 10)
                .await
                .expect("run")
                .claimed(),
            0,
            "{}: not before the backoff",
            db.label
        );
        let second = app.run_due_jobs("w", now + 30, 10).await.expect("run");
        assert_eq!(second.retrying, 1);
        let job = db.store.jobs().job(id).await.expect("query").expect("job");
        assert_eq!((job.attempts, job.run_at), (2, now + 30 + 60));
        assert!(mailer.sent().is_empty());
        let third = app.run_due_jobs("w", now + 90, 10).await.expect("run");
        assert_eq!(third.completed, 1, "{}", db.label);
        assert_eq!(mailer.sent(), vec![email()], "{}", db.label);
        let job = db.store.jobs().job(id).await.expect("query").expect("job");
        assert_eq!((job.state, job.attempts), (JobState::Done, 3));
        db.finish().await;
    }
}

#[tokio::test]
async fn housekeeping_runs_as_a_job_and_schedules_its_next_run_once() {
    for db in test_support::all().await {
        let now = 1_900_000_000;
        let clock = Arc::new(FixedClock::at(
            time::OffsetDateTime::from_unix_timestamp(now).expect("a time"),
        ));
        let app = App::new(db.store.clone())
            .with_generated_master_key()
            .with_mailer(Arc::new(MemoryMailer::new()))
            .with_clock(clock.clone());
        // Stamped by the app's clock, as the app's own writes are: a
        // session is last used when it is made.
        let stamped = db.store.clone().with_clock(clock.clone());
        let store = &stamped;
        let account = app
            .create_account("h@example.org", "H", "long enough password", None, &[])
            .await
            .expect("account");
        store
            .sessions()
            .create("expired", account, "c", now - 1)
            .await
            .expect("session");
        store
            .sessions()
            .create("live", account, "c", now + 600)
            .await
            .expect("session");
        // Two servers starting: one housekeeping job.
        app.schedule_recurring_jobs(now).await.expect("scheduled");
        app.schedule_recurring_jobs(now).await.expect("scheduled");
        let housekeeping = |state| async move {
            store
                .jobs()
                .list(Some(state), 100)
                .await
                .expect("list")
                .into_iter()
                .filter(|job| job.kind == JobKind::Housekeeping.as_str())
                .map(|job| job.run_at)
                .collect::<Vec<i64>>()
        };
        assert_eq!(
            housekeeping(JobState::Queued).await,
            vec![now],
            "{}",
            db.label
        );

        let run = app.run_background_jobs("a").await.expect("run");
        assert_eq!(run.completed, 1, "{}", db.label);
        assert!(
            store
                .sessions()
                .get("expired", now - 10)
                .await
                .expect("query")
                .is_none()
        );
        assert!(
            store
                .sessions()
                .get("live", now)
                .await
                .expect("query")
                .is_some()
        );
        let next = now + HOUSEKEEPING_EVERY_SECONDS;
        assert_eq!(
            housekeeping(JobState::Queued).await,
            vec![next],
            "{}",
            db.label
        );

        // Run again, by this server or another: nothing is due, and the
        // next run is still queued once.
        clock.advance(time::Duration::seconds(1));
        let again = app.run_background_jobs("b").await.expect("run");
        assert_eq!(again.claimed(), 0, "{}", db.label);
        assert_eq!(
            housekeeping(JobState::Queued).await,
            vec![next],
            "{}",
            db.label
        );

        clock.set(time::OffsetDateTime::from_unix_timestamp(next).expect("a time"));
        let later = app.run_background_jobs("b").await.expect("run");
        assert_eq!(later.completed, 1, "{}", db.label);
        assert_eq!(
            housekeeping(JobState::Queued).await,
            vec![next + HOUSEKEEPING_EVERY_SECONDS],
            "{}",
            db.label
        );
        assert_eq!(housekeeping(JobState::Done).await.len(), 2, "{}", db.label);
        db.finish().await;
    }
}
