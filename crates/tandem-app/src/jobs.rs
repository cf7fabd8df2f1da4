//! Scheduled work: the kinds of job Tandem runs, and the runner that
//! claims due jobs from the store's job table, runs them, and records
//! each outcome — done, or failed and queued again after a backoff.
//!
//! Every server runs [`App::run_background_jobs`] every thirty seconds;
//! the job table's leases see to it that two servers never run one job at
//! once. Time is the caller's `now` (Unix seconds) throughout.

use std::sync::atomic::{AtomicBool, Ordering};

use rand::Rng;
use tandem_domain::ids::ImportId;
use tandem_store::{ClaimedJob, FailOutcome, NewJob};
use tokio::sync::Notify;

use crate::import::{ImportPayload, ImportRun};
pub use crate::job_kinds::{JobKind, LEASE_SECONDS};
use crate::mail::Email;
use crate::{App, AppError};

/// How often housekeeping runs.
pub const HOUSEKEEPING_EVERY_SECONDS: i64 = 10 * 60;
/// How many jobs one call of [`App::run_background_jobs`] runs at most,
/// so that one server's turn ends and the next tick starts afresh.
pub const JOBS_PER_RUN: usize = 50;
/// How long finished jobs are kept before housekeeping removes them.
pub const DONE_JOBS_KEPT_SECONDS: i64 = 7 * 24 * 60 * 60;
/// How long an import run from the command line (which has no job) may
/// stay unfinished before housekeeping takes it for one whose command was
/// killed, fails it and clears what it staged.
pub const ABANDONED_IMPORT_SECONDS: i64 = 24 * 60 * 60;

/// The unique key that keeps housekeeping one job.
const HOUSEKEEPING_KEY: &str = "housekeeping";

/// A job with what it needs, as it is queued and as the runner reads it
/// back.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Job {
    Housekeeping,
    SendEmail(Email),
    ImportPeople(ImportId),
}

impl Job {
    fn kind(&self) -> JobKind {
        match self {
            Job::Housekeeping => JobKind::Housekeeping,
            Job::SendEmail(_) => JobKind::SendEmail,
            Job::ImportPeople(_) => JobKind::ImportPeople,
        }
    }

    fn payload(&self) -> Result<String, AppError> {
        let json = match self {
            Job::Housekeeping => Ok("{}".to_owned()),
            Job::SendEmail(email) => serde_json::to_string(email),
            Job::ImportPeople(import) => serde_json::to_string(&ImportPayload { import: *import }),
        };
        json.map_err(|e| AppError::Internal(format!("a job payload cannot be written: {e}")))
    }

    fn read(job: &ClaimedJob) -> Result<Job, String> {
        let kind = JobKind::parse(&job.kind).ok_or_else(|| {
            // A newer server sharing the database may know it; left in the
            // queue with a backoff, it may yet reach one.
            format!("this server does not know the job kind \"{}\"", job.kind)
        })?;
        Ok(match kind {
            JobKind::Housekeeping => Job::Housekeeping,
            JobKind::SendEmail => Job::SendEmail(
                serde_json::from_str(&job.payload)
                    .map_err(|e| format!("the message cannot be read: {e}"))?,
            ),
            JobKind::ImportPeople => Job::ImportPeople(
                serde_json::from_str::<ImportPayload>(&job.payload)
                    .map_err(|e| format!("the import job cannot be read: {e}"))?
                    .import,
            ),
        })
    }
}

/// What one call of the runner did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JobsRun {
    pub completed: usize,
    /// Failed, and queued again for later.
    pub retrying: usize,
    /// Failed on their last attempt.
    pub gave_up: usize,
    /// Took longer than their lease, and another server took them over.
    pub lease_lost: usize,
    /// Stopped part way because the server is stopping, and queued again
    /// to carry on from where they stopped.
    pub interrupted: usize,
}

impl JobsRun {
    pub fn claimed(&self) -> usize {
        self.completed + self.retrying + self.gave_up + self.lease_lost + self.interrupted
    }
}

/// What one run of a job came to.
enum Ran {
    /// Done, with the job to queue in the same transaction if it recurs.
    Done(Option<NewJob<'static>>),
    /// Stopped because the server is stopping; to be carried on later.
    Interrupted,
}

/// How the server tells its job runner there is work, or that it is
/// stopping. Shared by every clone of an [`App`].
#[derive(Debug, Default)]
pub(crate) struct Signals {
    stopping: AtomicBool,
    stop: Notify,
    queued: Notify,
}

/// A name for this process as a job worker, different on every server
/// and every start.
pub fn worker_id() -> String {
    let unique: u32 = rand::thread_rng().r#gen();
    format!("pid{}-{unique:08x}", std::process::id())
}

impl App {
    /// Tells the job runner a job has been queued, so that it runs it now
    /// rather than at its next tick.
    pub fn wake_job_runner(&self) {
        self.signals.queued.notify_one();
    }

    /// Waits until a job has been queued by this process (or returns at
    /// once if one was queued since the last wait).
    pub async fn job_queued(&self) {
        self.signals.queued.notified().await;
    }

    /// Asks background work to stop at its next safe point: the runner
    /// claims no more jobs, and an import stops between chunks, leaving
    /// its job queued to carry on later. Nothing half-done is visible.
    pub fn stop_background_work(&self) {
        self.signals.stopping.store(true, Ordering::SeqCst);
        self.signals.stop.notify_waiters();
    }

    pub fn is_stopping(&self) -> bool {
        self.signals.stopping.load(Ordering::SeqCst)
    }

    /// Returns once [`App::stop_background_work`] has been called.
    pub async fn stopped(&self) {
        loop {
            let notified = self.signals.stop.notified();
            if self.is_stopping() {
                return;
            }
            notified.await;
        }
    }

    /// Queues a message to be delivered by the job runner, which tries
    /// again with a backoff if delivery fails. Returns the job's id.
    pub async fn queue_email(&self, email: Email, now: i64) -> Result<i64, AppError> {
        let problems = email.problems();
        if !problems.is_empty() {
            return Err(AppError::Invalid(problems));
        }
        let job = Job::SendEmail(email);
        let payload = job.payload()?;
        self.store
            .jobs()
            .enqueue(&NewJob::new(job.kind().as_str(), &payload, now), now)
            .await?
            .ok_or_else(|| AppError::Internal("a message job was not queued".into()))
    }

    /// Makes sure every recurring job is queued (now, if it was missing);
    /// one that is already queued or running is left as it is.
    pub async fn schedule_recurring_jobs(&self, now: i64) -> Result<(), AppError> {
        self.store
            .jobs()
            .enqueue(&housekeeping_job(now), now)
            .await?;
        Ok(())
    }

    /// What a server does every tick, at the time by the app's clock:
    /// schedules recurring jobs, then runs up to [`JOBS_PER_RUN`] due jobs.
    pub async fn run_background_jobs(&self, worker: &str) -> Result<JobsRun, AppError> {
        let now = self.now();
        self.schedule_recurring_jobs(now).await?;
        self.run_due_jobs(worker, now, JOBS_PER_RUN).await
    }

    /// Claims and runs due jobs one after another as `worker`, at most
    /// `limit` of them, and records how each went. A job that fails is
    /// queued again with a backoff until its attempts are used up; its
    /// error is logged here and kept with the job.
    pub async fn run_due_jobs(
        &self,
        worker: &str,
        now: i64,
        limit: usize,
    ) -> Result<JobsRun, AppError> {
        let jobs = self.store.jobs();
        let mut run = JobsRun::default();
        for _ in 0..limit {
            if self.is_stopping() {
                break;
            }
            let Some(job) = jobs.claim(worker, now, LEASE_SECONDS).await? else {
                break;
            };
            match self.run_job(&job, worker, now).await {
                Ok(Ran::Interrupted) => {
                    run.interrupted += 1;
                    if !jobs.release(job.id, worker, self.now()).await? {
                        run.lease_lost += 1;
                    }
                    tracing::info!(job = job.id, kind = %job.kind, "job stopped with the server; it will carry on when a server runs it again");
                }
                Ok(Ran::Done(next)) => {
                    let completed = match next {
                        Some(next) => {
                            jobs.complete_and_enqueue(job.id, worker, now, &next)
                                .await?
                        }
                        None => jobs.complete(job.id, worker, now).await?,
                    };
                    if completed {
                        run.completed += 1;
                    } else {
                        run.lease_lost += 1;
                        tracing::warn!(job = job.id, kind = %job.kind, "job finished after another server took it over");
                    }
                }
                Err(error) => match jobs.fail(job.id, worker, now, &error).await? {
                    FailOutcome::Retrying { run_at } => {
                        run.retrying += 1;
                        tracing::warn!(job = job.id, kind = %job.kind, attempt = job.attempts, retry_in = run_at - now, %error, "job failed; will try again");
                    }
                    FailOutcome::GaveUp => {
                        run.gave_up += 1;
                        tracing::error!(job = job.id, kind = %job.kind, attempts = job.attempts, %error, "job failed on its last attempt");
                    }
                    FailOutcome::NotHolder => {
                        run.lease_lost += 1;
                        tracing::warn!(job = job.id, kind = %job.kind, %error, "job failed after another server took it over");
                    }
                },
            }
        }
        Ok(run)
    }

    /// Runs one job. On success, returns the job to queue in the same
    /// transaction as marking it done, if it recurs.
    async fn run_job(&self, claimed: &ClaimedJob, worker: &str, now: i64) -> Result<Ran, String> {
        match Job::read(claimed)? {
            Job::Housekeeping => {
                self.housekeeping_at(now).await.map_err(|e| e.to_string())?;
                let imports = self
                    .store
                    .imports()
                    .abandon_stuck(now - ABANDONED_IMPORT_SECONDS)
                    .await
                    .map_err(|e| e.to_string())?;
                if imports > 0 {
                    tracing::warn!(
                        imports,
                        "imports that could no longer finish were failed; nothing of them was imported"
                    );
                }
                let jobs = self
                    .store
                    .jobs()
                    .delete_done_before(now - DONE_JOBS_KEPT_SECONDS)
                    .await
                    .map_err(|e| e.to_string())?;
                tracing::debug!(jobs, "finished jobs removed");
                Ok(Ran::Done(Some(housekeeping_job(
                    now + HOUSEKEEPING_EVERY_SECONDS,
                ))))
            }
            Job::SendEmail(email) => {
                let mailer = self.mailer.clone();
                let at = time::OffsetDateTime::from_unix_timestamp(now)
                    .map_err(|e| format!("the job's time is out of range: {e}"))?;
                tokio::task::spawn_blocking(move || mailer.send(&email, at))
                    .await
                    .map_err(|e| format!("the mailer stopped: {e}"))?
                    .map_err(|e| e.to_string())?;
                Ok(Ran::Done(None))
            }
            Job::ImportPeople(import) => Ok(
                match self.run_people_import(import, claimed, worker).await? {
                    ImportRun::Finished => Ran::Done(None),
                    ImportRun::Interrupted => Ran::Interrupted,
                },
            ),
        }
    }
}

fn housekeeping_job(run_at: i64) -> NewJob<'static> {
    NewJob::new(JobKind::Housekeeping.as_str(), "{}", run_at).with_unique_key(HOUSEKEEPING_KEY)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_by_name() {
        for kind in JobKind::ALL {
            assert_eq!(JobKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(JobKind::parse("reminder"), None);
    }

    #[test]
    fn a_message_survives_the_queue() {
        let email = Email {
            to: "ann@example.org".into(),
            subject: "Hello".into(),
            body_text: "Line one\nLine \"two\"".into(),
        };
        let job = Job::SendEmail(email);
        let claimed = ClaimedJob {
            id: 1,
            kind: job.kind().as_str().into(),
            payload: job.payload().expect("payload"),
            attempts: 1,
            max_attempts: 5,
            locked_until: 0,
        };
        assert_eq!(Job::read(&claimed), Ok(job));
        let unknown = ClaimedJob {
            kind: "reminder".into(),
            ..claimed
        };
        assert!(Job::read(&unknown).is_err_and(|e| e.contains("\"reminder\"")));
    }
}
