//! The job table: scheduled work (reminders, retention, mail) that every
//! server sharing the database takes from, without two ever running the
//! same job at once.
//!
//! A worker *claims* a due job, which marks it running under a lease
//! (`locked_by` until `locked_until`). Only the lease holder may then
//! complete it or fail it; a failure puts it back in the queue with an
//! exponential backoff until its attempts are used up. A worker that dies
//! leaves its lease to run out, and the next claim takes the job again.
//!
//! Claiming is one statement on both databases. On PostgreSQL the row is
//! chosen with `FOR UPDATE SKIP LOCKED`, so claimers on several servers
//! pass over each other's rows instead of waiting or taking the same one;
//! SQLite has one writer at a time, so the same `UPDATE … WHERE id =
//! (SELECT … LIMIT 1) RETURNING` is atomic there as it stands.
//!
//! Time is always the caller's `now` (Unix seconds): this module never
//! reads the clock.

use std::fmt;
use std::str::FromStr;

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Backend, Result, Store, StoreError};

/// Tries a job gets unless its enqueuer says otherwise.
pub const DEFAULT_MAX_ATTEMPTS: i64 = 5;
/// The wait before the second try; each later failure doubles it.
pub const FIRST_BACKOFF_SECONDS: i64 = 30;
/// The longest wait between tries.
pub const MAX_BACKOFF_SECONDS: i64 = 6 * 60 * 60;
/// The longest error message kept with a job.
const MAX_ERROR_CHARS: usize = 2_000;

/// Where a job is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobState {
    /// Waiting until `run_at`, or for a retry.
    Queued,
    /// A worker holds its lease.
    Running,
    Done,
    /// Every attempt failed; kept, with the last error, for an operator.
    Failed,
}

impl JobState {
    pub const ALL: [JobState; 4] = [
        JobState::Queued,
        JobState::Running,
        JobState::Done,
        JobState::Failed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Done => "done",
            JobState::Failed => "failed",
        }
    }
}

impl fmt::Display for JobState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for JobState {
    type Err = StoreError;

    fn from_str(s: &str) -> Result<JobState> {
        JobState::ALL
            .into_iter()
            .find(|state| state.as_str() == s)
            .ok_or_else(|| StoreError::Corrupt(format!("unknown job state \"{s}\"")))
    }
}

/// A job to put in the queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewJob<'a> {
    /// What to do; the application gives kinds their meaning.
    pub kind: &'a str,
    /// JSON the kind understands.
    pub payload: &'a str,
    /// When it falls due, in Unix seconds.
    pub run_at: i64,
    /// If set, the job is not enqueued while another job with this key is
    /// queued or running: a recurring job stays one job.
    pub unique_key: Option<&'a str>,
    /// At least 1.
    pub max_attempts: i64,
}

impl<'a> NewJob<'a> {
    /// A job with no key and [`DEFAULT_MAX_ATTEMPTS`].
    pub fn new(kind: &'a str, payload: &'a str, run_at: i64) -> NewJob<'a> {
        NewJob {
            kind,
            payload,
            run_at,
            unique_key: None,
            max_attempts: DEFAULT_MAX_ATTEMPTS,
        }
    }

    pub fn with_unique_key(self, unique_key: &'a str) -> NewJob<'a> {
        NewJob {
            unique_key: Some(unique_key),
            ..self
        }
    }

    pub fn with_max_attempts(self, max_attempts: i64) -> NewJob<'a> {
        NewJob {
            max_attempts,
            ..self
        }
    }
}

/// A job a worker has claimed and now holds the lease on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedJob {
    pub id: i64,
    pub kind: String,
    pub payload: String,
    /// Tries so far, counting this one.
    pub attempts: i64,
    pub max_attempts: i64,
    /// When the lease runs out and another worker may take the job.
    pub locked_until: i64,
}

/// A job as an operator sees it. The payload is left out: it may hold a
/// message's text, which is not an operator's to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobRow {
    pub id: i64,
    pub kind: String,
    pub state: JobState,
    pub unique_key: Option<String>,
    pub attempts: i64,
    pub max_attempts: i64,
    pub run_at: i64,
    /// The worker holding the lease, or the last one that did.
    pub locked_by: Option<String>,
    /// Set only while running.
    pub locked_until: Option<i64>,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub finished_at: Option<i64>,
}

/// How many jobs are in each state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JobCounts {
    pub queued: i64,
    pub running: i64,
    pub done: i64,
    pub failed: i64,
}

/// What failing a job did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOutcome {
    /// Back in the queue, due again at `run_at`.
    Retrying { run_at: i64 },
    /// That was the last attempt: the job is failed for good.
    GaveUp,
    /// The worker does not hold the job's lease (it ran out and another
    /// worker took the job, or the job is not running): nothing changed.
    NotHolder,
}

/// The wait before the next try after `attempts` tries have failed:
/// 30 s, 60 s, 120 s, … up to [`MAX_BACKOFF_SECONDS`].
pub fn backoff_seconds(attempts: i64) -> i64 {
    let doublings = u32::try_from(attempts.saturating_sub(1).clamp(0, 30)).unwrap_or(30);
    FIRST_BACKOFF_SECONDS
        .saturating_mul(1_i64 << doublings)
        .min(MAX_BACKOFF_SECONDS)
}

/// The job table's operations; see [`Store::jobs`].
#[derive(Debug, Clone, Copy)]
pub struct Jobs<'s> {
    store: &'s Store,
}

impl Store {
    pub fn jobs(&self) -> Jobs<'_> {
        Jobs { store: self }
    }
}

const JOB_COLUMNS: &str = "id, kind, state, unique_key, attempts, max_attempts, run_at, \
     locked_by, locked_until, last_error, created_at, finished_at";

impl Jobs<'_> {
    /// Puts a job in the queue. Returns its id, or `None` if it has a
    /// unique key and a job with that key is already queued or running.
    pub async fn enqueue(&self, job: &NewJob<'_>, now: i64) -> Result<Option<i64>> {
        insert_job(&self.store.pool, job, now).await
    }

    /// Takes the earliest due job — queued and due by `now`, or running
    /// with a lease that ran out before `now` and attempts left — marks it
    /// running for `worker` until `now + lease_seconds` and counts the
    /// attempt. `None` when nothing is due.
    ///
    /// A running job whose lease ran out on its last attempt is failed
    /// here rather than tried again, so a job that stops its worker every
    /// time cannot go round for ever.
    pub async fn claim(
        &self,
        worker: &str,
        now: i64,
        lease_seconds: i64,
    ) -> Result<Option<ClaimedJob>> {
        sqlx::query(
            "UPDATE jobs SET state = 'failed', locked_until = NULL, finished_at = $1, \
             last_error = 'the worker stopped during the last attempt (its lease ran out)' \
             WHERE state = 'running' AND locked_until <= $1 AND attempts >= max_attempts",
        )
        .bind(now)
        .execute(&self.store.pool)
        .await?;
        let lock = match self.store.backend {
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let row = sqlx::query(&format!(
            "UPDATE jobs SET state = 'running', attempts = attempts + 1, locked_by = $1, locked_until = $2 \
             WHERE id = (SELECT id FROM jobs \
                 WHERE (state = 'queued' AND run_at <= $3) \
                    OR (state = 'running' AND locked_until <= $3 AND attempts < max_attempts) \
                 ORDER BY run_at, id LIMIT 1{lock}) \
             RETURNING id, kind, payload, attempts, max_attempts, locked_until"
        ))
        .bind(worker)
        .bind(now.saturating_add(lease_seconds.max(1)))
        .bind(now)
        .fetch_optional(&self.store.pool)
        .await?;
        row.map(|row| {
            Ok(ClaimedJob {
                id: row.try_get("id")?,
                kind: row.try_get("kind")?,
                payload: row.try_get("payload")?,
                attempts: row.try_get("attempts")?,
                max_attempts: row.try_get("max_attempts")?,
                locked_until: row.try_get("locked_until")?,
            })
        })
        .transpose()
    }

    /// Marks the job done. Returns `false`, changing nothing, if `worker`
    /// does not hold its lease.
    pub async fn complete(&self, id: i64, worker: &str, now: i64) -> Result<bool> {
        mark_done(&self.store.pool, id, worker, now).await
    }

    /// Marks the job done and enqueues `next` in the same transaction: how
    /// a recurring job schedules its next run without a moment in which
    /// neither run is in the table. Returns `false`, changing nothing, if
    /// `worker` does not hold the lease.
    pub async fn complete_and_enqueue(
        &self,
        id: i64,
        worker: &str,
        now: i64,
        next: &NewJob<'_>,
    ) -> Result<bool> {
        let mut tx = self.store.write_tx().await?;
        if !mark_done(&mut *tx, id, worker, now).await? {
            return Ok(false);
        }
        insert_job(&mut *tx, next, now).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Puts a running job back in the queue, due at once, without counting
    /// the attempt: its worker stopped it on purpose (the server is
    /// shutting down) at a point from which it can carry on. Returns
    /// `false`, changing nothing, if `worker` does not hold the lease.
    pub async fn release(&self, id: i64, worker: &str, now: i64) -> Result<bool> {
        let changed = sqlx::query(
            "UPDATE jobs SET state = 'queued', attempts = attempts - 1, locked_until = NULL, run_at = $1 \
             WHERE id = $2 AND state = 'running' AND locked_by = $3",
        )
        .bind(now)
        .bind(id)
        .bind(worker)
        .execute(&self.store.pool)
        .await?
        .rows_affected();
        Ok(changed > 0)
    }

    /// Records a failed attempt. With attempts left the job is queued
    /// again after [`backoff_seconds`]; otherwise it is failed for good.
    pub async fn fail(&self, id: i64, worker: &str, now: i64, error: &str) -> Result<FailOutcome> {
        let held = sqlx::query(
            "SELECT attempts, max_attempts FROM jobs WHERE id = $1 AND state = 'running' AND locked_by = $2",
        )
        .bind(id)
        .bind(worker)
        .fetch_optional(&self.store.pool)
        .await?;
        let Some(held) = held else {
            return Ok(FailOutcome::NotHolder);
        };
        let attempts: i64 = held.try_get("attempts")?;
        let max_attempts: i64 = held.try_get("max_attempts")?;
        let error = truncate(error, MAX_ERROR_CHARS);
        // The attempt count read above is part of the condition: had the
        // lease run out and another worker claimed the job in between, the
        // count would have moved on and nothing is changed.
        let (outcome, changed) = if attempts >= max_attempts {
            let changed = sqlx::query(
                "UPDATE jobs SET state = 'failed', locked_until = NULL, last_error = $1, finished_at = $2 \
                 WHERE id = $3 AND state = 'running' AND locked_by = $4 AND attempts = $5",
            )
            .bind(error)
            .bind(now)
            .bind(id)
            .bind(worker)
            .bind(attempts)
            .execute(&self.store.pool)
            .await?
            .rows_affected();
            (FailOutcome::GaveUp, changed)
        } else {
            let run_at = now.saturating_add(backoff_seconds(attempts));
            let changed = sqlx::query(
                "UPDATE jobs SET state = 'queued', locked_until = NULL, last_error = $1, run_at = $2 \
                 WHERE id = $3 AND state = 'running' AND locked_by = $4 AND attempts = $5",
            )
            .bind(error)
            .bind(run_at)
            .bind(id)
            .bind(worker)
            .bind(attempts)
            .execute(&self.store.pool)
            .await?
            .rows_affected();
            (FailOutcome::Retrying { run_at }, changed)
        };
        Ok(if changed == 0 {
            FailOutcome::NotHolder
        } else {
            outcome
        })
    }

    pub async fn job(&self, id: i64) -> Result<Option<JobRow>> {
        sqlx::query(&format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.store.pool)
            .await?
            .map(|row| job_row(&row))
            .transpose()
    }

    /// Jobs for an operator, newest first; all of them or those in one
    /// state.
    pub async fn list(&self, state: Option<JobState>, limit: i64) -> Result<Vec<JobRow>> {
        let rows = match state {
            Some(state) => {
                sqlx::query(&format!(
                    "SELECT {JOB_COLUMNS} FROM jobs WHERE state = $1 ORDER BY id DESC LIMIT $2"
                ))
                .bind(state.as_str())
                .bind(limit)
                .fetch_all(&self.store.pool)
                .await?
            }
            None => {
                sqlx::query(&format!(
                    "SELECT {JOB_COLUMNS} FROM jobs ORDER BY id DESC LIMIT $1"
                ))
                .bind(limit)
                .fetch_all(&self.store.pool)
                .await?
            }
        };
        rows.iter().map(job_row).collect()
    }

    pub async fn counts(&self) -> Result<JobCounts> {
        let rows = sqlx::query("SELECT state, COUNT(*) AS jobs FROM jobs GROUP BY state")
            .fetch_all(&self.store.pool)
            .await?;
        let mut counts = JobCounts::default();
        for row in rows {
            let state: String = row.try_get("state")?;
            let jobs: i64 = row.try_get("jobs")?;
            match state.parse()? {
                JobState::Queued => counts.queued = jobs,
                JobState::Running => counts.running = jobs,
                JobState::Done => counts.done = jobs,
                JobState::Failed => counts.failed = jobs,
            }
        }
        Ok(counts)
    }

    /// Removes jobs that finished successfully before `finished_before`;
    /// failed jobs stay for an operator to see. Returns how many.
    pub async fn delete_done_before(&self, finished_before: i64) -> Result<u64> {
        Ok(
            sqlx::query("DELETE FROM jobs WHERE state = 'done' AND finished_at < $1")
                .bind(finished_before)
                .execute(&self.store.pool)
                .await?
                .rows_affected(),
        )
    }
}

/// Inserts a job through any executor, so that a change and the job it
/// causes (a message about it, say) can be written in one transaction.
pub(crate) async fn insert_job<'e, E>(
    executor: E,
    job: &NewJob<'_>,
    now: i64,
) -> Result<Option<i64>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    Ok(sqlx::query_scalar(
        "INSERT INTO jobs (kind, payload, state, unique_key, attempts, max_attempts, run_at, created_at) \
         VALUES ($1, $2, 'queued', $3, 0, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING id",
    )
    .bind(job.kind)
    .bind(job.payload)
    .bind(job.unique_key)
    .bind(job.max_attempts.max(1))
    .bind(job.run_at)
    .bind(now)
    .fetch_optional(executor)
    .await?)
}

async fn mark_done<'e, E>(executor: E, id: i64, worker: &str, now: i64) -> Result<bool>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let changed = sqlx::query(
        "UPDATE jobs SET state = 'done', locked_until = NULL, finished_at = $1 \
         WHERE id = $2 AND state = 'running' AND locked_by = $3",
    )
    .bind(now)
    .bind(id)
    .bind(worker)
    .execute(executor)
    .await?
    .rows_affected();
    Ok(changed > 0)
}

fn job_row(row: &AnyRow) -> Result<JobRow> {
    let state: String = row.try_get("state")?;
    Ok(JobRow {
        id: row.try_get("id")?,
        kind: row.try_get("kind")?,
        state: state.parse()?,
        unique_key: row.try_get("unique_key")?,
        attempts: row.try_get("attempts")?,
        max_attempts: row.try_get("max_attempts")?,
        run_at: row.try_get("run_at")?,
        locked_by: row.try_get("locked_by")?,
        locked_until: row.try_get("locked_until")?,
        last_error: row.try_get("last_error")?,
        created_at: row.try_get("created_at")?,
        finished_at: row.try_get("finished_at")?,
    })
}

fn truncate(text: &str, max_chars: usize) -> &str {
    match text.char_indices().nth(max_chars) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_thirty_seconds_up_to_a_cap() {
        let waits: Vec<i64> = (1..=5).map(backoff_seconds).collect();
        assert_eq!(waits, vec![30, 60, 120, 240, 480]);
        assert_eq!(backoff_seconds(0), 30);
        assert_eq!(backoff_seconds(40), MAX_BACKOFF_SECONDS);
        assert_eq!(backoff_seconds(i64::MAX), MAX_BACKOFF_SECONDS);
    }

    #[test]
    fn states_round_trip_and_unknown_ones_are_corrupt() {
        for state in JobState::ALL {
            assert_eq!(state.as_str().parse::<JobState>().ok(), Some(state));
        }
        assert!(matches!(
            "paused".parse::<JobState>(),
            Err(StoreError::Corrupt(_))
        ));
    }

    #[test]
    fn errors_are_cut_on_a_character_boundary() {
        assert_eq!(truncate("ééé", 2), "éé");
        assert_eq!(truncate("ab", 5), "ab");
    }
}
