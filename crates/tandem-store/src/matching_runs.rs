//! Stored matching runs (MAT-3): a run is worked out once and kept, so the
//! matching page reads one page of its pairs rather than working the whole
//! programme out on every view. There is one run per programme and scope
//! (every organisation, or the organisations a coordinator matches for);
//! a new run replaces it, and whatever changes who is waiting or who can
//! mentor forgets the programme's runs.

use tandem_domain::ids::{MatchingRunId, MentorEntryId, PersonId, ProgrammeId, RequestId};
use tandem_domain::permissions::MatchingAuthority;

use crate::decode::IntFlag;
use crate::imports::placeholders;
use crate::{MatchingRuns, Result};

/// Rows per multi-row INSERT.
const INSERT_ROWS: usize = 500;

/// A pair a stored run proposes.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RunPair {
    #[sqlx(try_from = "i64")]
    pub request_id: RequestId,
    #[sqlx(try_from = "i64")]
    pub mentor_entry_id: MentorEntryId,
    pub mentee_name: String,
    pub mentor_name: String,
    pub score: i64,
    /// One line per criterion that scored, joined by newlines.
    pub explanation: String,
    /// The coordinator's reason, where they chose this pair.
    pub overridden: Option<String>,
    #[sqlx(try_from = "IntFlag")]
    pub named_by_mentee: bool,
}

/// A mentee a stored run leaves waiting.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RunUnmatched {
    #[sqlx(try_from = "i64")]
    pub request_id: RequestId,
    pub mentee_name: String,
    /// Mentors who could have been paired with them.
    pub could_have: i64,
    /// JSON: the mentors ruled out for them, with reasons.
    pub ruled_out: String,
}

/// A run to store.
#[derive(Debug, Clone, Copy)]
pub struct NewRun<'a> {
    pub first_come_first_served: bool,
    pub waiting: i64,
    pub total_score: i64,
    /// JSON: what the run says beside its pairs.
    pub notes: &'a str,
    pub pairs: &'a [RunPair],
    pub unmatched: &'a [RunUnmatched],
}

/// A stored run's summary.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RunRow {
    #[sqlx(try_from = "i64")]
    pub id: MatchingRunId,
    /// Unix seconds.
    pub made_at: i64,
    #[sqlx(try_from = "IntFlag")]
    pub first_come_first_served: bool,
    pub waiting: i64,
    pub total_score: i64,
    pub pair_count: i64,
    pub unmatched_count: i64,
    pub notes: String,
}

/// The scope a run was made for: `*` for every organisation, else the
/// organisations' ids, sorted, joined by commas.
fn scope(authority: &MatchingAuthority) -> String {
    match authority.mentee_organisations() {
        None => "*".to_owned(),
        Some(ids) => {
            let mut ids: Vec<i64> = ids.iter().map(|id| id.get()).collect();
            ids.sort_unstable();
            ids.dedup();
            ids.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(",")
        }
    }
}

impl MatchingRuns<'_> {
    /// Stores the run as the latest for the authority's programme and
    /// scope, replacing the one before: all of it, or nothing. Returns its
    /// summary as [`MatchingRuns::latest`] reads it.
    pub async fn replace(&self, authority: &MatchingAuthority, run: &NewRun<'_>) -> Result<RunRow> {
        let programme_id = authority.programme_id();
        let scope = scope(authority);
        let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        let mut tx = self.store.write_tx().await?;
        if self.store.backend == crate::Backend::Postgres {
            // Two runs stored at once for one scope wait for each other
            // rather than collide on the scope's unique index (SQLite's
            // write transactions already take turns).
            sqlx::query("SELECT id FROM programmes WHERE id = $1 FOR UPDATE")
                .bind(programme_id.get())
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query("DELETE FROM matching_runs WHERE programme_id = $1 AND scope = $2")
            .bind(programme_id.get())
            .bind(scope.as_str())
            .execute(&mut *tx)
            .await?;
        let made_at = self.store.now();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO matching_runs (programme_id, scope, made_at, made_by, \
             first_come_first_served, waiting, total_score, pair_count, unmatched_count, notes) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(programme_id.get())
        .bind(scope.as_str())
        .bind(made_at)
        .bind(crate::audit::actor_key(authority.actor()))
        .bind(i64::from(run.first_come_first_served))
        .bind(run.waiting)
        .bind(run.total_score)
        .bind(count(run.pairs.len()))
        .bind(count(run.unmatched.len()))
        .bind(run.notes)
        .fetch_one(&mut *tx)
        .await?;
        for (batch_index, batch) in run.pairs.chunks(INSERT_ROWS).enumerate() {
            let sql = format!(
                "INSERT INTO matching_run_pairs (run_id, position, request_id, mentor_entry_id, \
                 mentee_name, mentor_name, score, explanation, overridden, named_by_mentee) VALUES {}",
                placeholders(self.store.backend, batch.len(), 10)
            );
            let mut query = sqlx::query(&sql);
            for (k, pair) in batch.iter().enumerate() {
                query = query
                    .bind(id)
                    .bind(count(batch_index * INSERT_ROWS + k))
                    .bind(pair.request_id.get())
                    .bind(pair.mentor_entry_id.get())
                    .bind(pair.mentee_name.as_str())
                    .bind(pair.mentor_name.as_str())
                    .bind(pair.score)
                    .bind(pair.explanation.as_str())
                    .bind(pair.overridden.as_deref())
                    .bind(i64::from(pair.named_by_mentee));
            }
            query.execute(&mut *tx).await?;
        }
        for (batch_index, batch) in run.unmatched.chunks(INSERT_ROWS).enumerate() {
            let sql = format!(
                "INSERT INTO matching_run_unmatched (run_id, position, request_id, mentee_name, \
                 could_have, ruled_out) VALUES {}",
                placeholders(self.store.backend, batch.len(), 6)
            );
            let mut query = sqlx::query(&sql);
            for (k, waiting) in batch.iter().enumerate() {
                query = query
                    .bind(id)
                    .bind(count(batch_index * INSERT_ROWS + k))
                    .bind(waiting.request_id.get())
                    .bind(waiting.mentee_name.as_str())
                    .bind(waiting.could_have)
                    .bind(waiting.ruled_out.as_str());
            }
            query.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(RunRow {
            id: MatchingRunId::new(id),
            made_at,
            first_come_first_served: run.first_come_first_served,
            waiting: run.waiting,
            total_score: run.total_score,
            pair_count: count(run.pairs.len()),
            unmatched_count: count(run.unmatched.len()),
            notes: run.notes.to_owned(),
        })
    }

    /// The latest run for the authority's programme and scope.
    pub async fn latest(&self, authority: &MatchingAuthority) -> Result<Option<RunRow>> {
        Ok(sqlx::query_as(
            "SELECT id, made_at, first_come_first_served, waiting, total_score, pair_count, \
             unmatched_count, notes FROM matching_runs WHERE programme_id = $1 AND scope = $2",
        )
        .bind(authority.programme_id().get())
        .bind(scope(authority))
        .fetch_optional(&self.store.pool)
        .await?)
    }

    /// Pairs `offset..offset + limit` of a run, in order.
    pub async fn pairs(&self, run: MatchingRunId, offset: i64, limit: i64) -> Result<Vec<RunPair>> {
        Ok(sqlx::query_as(
            "SELECT request_id, mentor_entry_id, mentee_name, mentor_name, score, explanation, \
             overridden, named_by_mentee FROM matching_run_pairs \
             WHERE run_id = $1 AND position >= $2 ORDER BY position LIMIT $3",
        )
        .bind(run.get())
        .bind(offset.max(0))
        .bind(limit.max(0))
        .fetch_all(&self.store.pool)
        .await?)
    }

    /// Every pair of a run, in order, as (request, register entry).
    pub async fn all_pairs(&self, run: MatchingRunId) -> Result<Vec<(RequestId, MentorEntryId)>> {
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT request_id, mentor_entry_id FROM matching_run_pairs \
             WHERE run_id = $1 ORDER BY position",
        )
        .bind(run.get())
        .fetch_all(&self.store.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(r, e)| (RequestId::new(r), MentorEntryId::new(e)))
            .collect())
    }

    /// Mentees `offset..offset + limit` a run leaves waiting, in order.
    pub async fn unmatched(
        &self,
        run: MatchingRunId,
        offset: i64,
        limit: i64,
    ) -> Result<Vec<RunUnmatched>> {
        Ok(sqlx::query_as(
            "SELECT request_id, mentee_name, could_have, ruled_out FROM matching_run_unmatched \
             WHERE run_id = $1 AND position >= $2 ORDER BY position LIMIT $3",
        )
        .bind(run.get())
        .bind(offset.max(0))
        .bind(limit.max(0))
        .fetch_all(&self.store.pool)
        .await?)
    }
}

/// What changed, for [`forget_runs`]: the stored runs of its programme
/// (or of every programme) no longer hold.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Changed {
    Programme(ProgrammeId),
    Request(RequestId),
    Proposal(i64),
    Relationship(i64),
    /// A person's profile as a mentor, in whichever programmes they mentor.
    Mentor(PersonId),
    People,
}

/// Forgets the stored matching runs that `changed` makes stale, in the
/// transaction that changes it: a run shown afterwards is never one that
/// the change contradicts.
pub(crate) async fn forget_runs<'e, E>(executor: E, changed: Changed) -> Result<()>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let (sql, key) = match changed {
        Changed::Programme(id) => (
            "DELETE FROM matching_runs WHERE programme_id = $1",
            id.get(),
        ),
        Changed::Request(id) => (
            "DELETE FROM matching_runs WHERE programme_id = \
             (SELECT programme_id FROM mentor_requests WHERE id = $1)",
            id.get(),
        ),
        Changed::Proposal(id) => (
            "DELETE FROM matching_runs WHERE programme_id = \
             (SELECT programme_id FROM match_proposals WHERE id = $1)",
            id,
        ),
        Changed::Relationship(id) => (
            "DELETE FROM matching_runs WHERE programme_id = \
             (SELECT programme_id FROM relationships WHERE id = $1)",
            id,
        ),
        Changed::Mentor(id) => (
            "DELETE FROM matching_runs WHERE programme_id IN \
             (SELECT programme_id FROM mentor_entries WHERE person_id = $1)",
            id.get(),
        ),
        Changed::People => {
            sqlx::query("DELETE FROM matching_runs")
                .execute(executor)
                .await?;
            return Ok(());
        }
    };
    sqlx::query(sql).bind(key).execute(executor).await?;
    Ok(())
}
