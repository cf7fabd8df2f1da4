//! People imports in stages (issue 9 item 6): checked rows are written a
//! chunk at a time into `people_import_rows`, each chunk its own short
//! transaction, and then applied to `people` in one final transaction.
//!
//! Nothing reads `people_import_rows` but the import itself, so until the
//! final transaction commits no one sees any of the import, even if the
//! process is killed in the middle; and between chunks SQLite's one write
//! lock is free for sign-ins and everyone else. An import that stops part
//! way (a server shut down, a lost lease) carries on from `staged_rows`
//! when it runs again.

use std::fmt;
use std::str::FromStr;

use sqlx::Row;
use sqlx::any::AnyRow;
use tandem_domain::audit::AuditAction;
use tandem_domain::ids::{ImportId, OrganisationId};
use tandem_domain::people::PersonRecord;
use tandem_domain::permissions::{Actor, PeopleImportAuthority};
use time::Date;
use time::format_description::well_known::Iso8601;

use crate::audit::actor_key;
use crate::jobs::{JobState, NewJob, insert_job};
use crate::{Backend, Result, Store, StoreError, insert_event};

/// Rows per INSERT statement while staging: 18 values a row stays well
/// inside both databases' limits on parameters per statement.
const STAGE_STATEMENT_ROWS: usize = 500;

/// Rows staged per transaction: on SQLite a few tens of milliseconds of
/// holding the write lock, after which anyone waiting for it goes first.
pub const STAGE_CHUNK_ROWS: usize = 10_000;

/// Staged rows deleted per statement once an import is finished, so that
/// clearing up never holds the write lock for long either.
const CLEAR_ROWS: i64 = 20_000;

/// Where an import is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImportState {
    /// Checked and waiting for its job.
    Queued,
    /// Rows are being written into the staging table.
    Staging,
    /// Applied to `people`, all at once.
    Imported,
    /// Nothing was imported; `problems` says why.
    Failed,
}

impl ImportState {
    pub const ALL: [ImportState; 4] = [
        ImportState::Queued,
        ImportState::Staging,
        ImportState::Imported,
        ImportState::Failed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ImportState::Queued => "queued",
            ImportState::Staging => "staging",
            ImportState::Imported => "imported",
            ImportState::Failed => "failed",
        }
    }

    /// Imported or failed: nothing more will happen to it.
    pub fn is_finished(self) -> bool {
        matches!(self, ImportState::Imported | ImportState::Failed)
    }
}

impl fmt::Display for ImportState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ImportState {
    type Err = StoreError;

    fn from_str(s: &str) -> Result<ImportState> {
        ImportState::ALL
            .into_iter()
            .find(|state| state.as_str() == s)
            .ok_or_else(|| StoreError::Corrupt(format!("unknown import state \"{s}\"")))
    }
}

/// An import as its page shows it: never the file itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRow {
    pub id: ImportId,
    pub organisation_id: OrganisationId,
    pub organisation: String,
    pub actor: Actor,
    pub state: ImportState,
    pub total_rows: u64,
    pub staged_rows: u64,
    /// Set once imported.
    pub summary: Option<ImportSummary>,
    /// Why it failed, one problem a line.
    pub problems: Option<String>,
    /// The state of the job running it, if it has one and it is still
    /// kept: a job that gave up leaves the import unfinished.
    pub job_state: Option<JobState>,
    pub job_error: Option<String>,
    pub created_at: i64,
    pub finished_at: Option<i64>,
}

/// The job holding an import, whose lease each chunk renews: a worker
/// that has lost its lease writes nothing more.
#[derive(Debug, Clone, Copy)]
pub struct Lease<'a> {
    pub job_id: i64,
    pub worker: &'a str,
    pub until: i64,
}

/// What the job table needs to queue the job that runs a new import; the
/// payload is made from the import's id.
pub struct ImportJob<'a> {
    pub kind: &'a str,
    pub payload: &'a (dyn Fn(ImportId) -> String + Sync),
}

/// The people imports; see [`Store::imports`].
#[derive(Debug, Clone, Copy)]
pub struct Imports<'s> {
    store: &'s Store,
}

impl Store {
    pub fn imports(&self) -> Imports<'_> {
        Imports { store: self }
    }
}

const IMPORT_SELECT: &str = "SELECT i.id, i.organisation_id, o.name AS organisation, \
     i.actor_account_id, i.state, i.total_rows, i.staged_rows, i.created_count, i.updated_count, \
     i.problems, j.state AS job_state, j.last_error AS job_error, i.created_at, i.finished_at \
     FROM people_imports i JOIN organisations o ON o.id = i.organisation_id \
     LEFT JOIN jobs j ON j.id = i.job_id";

const STAGE_COLUMNS: &str = "import_id, line, employee_id, given_name, family_name, email, region, team, \
     line_manager_employee_id, job_title, grade, start_date, employment_type, approval_type, carer_level, \
     approval_date, household, special_interests";

fn iso(date: Option<Date>) -> Option<String> {
    date.and_then(|d| d.format(&Iso8601::DATE).ok())
}

fn count(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

impl Imports<'_> {
    /// Records a checked import of `total_rows` rows, under the authority
    /// that checked it. With `source`, the file is kept for the job that
    /// `job` queues in the same transaction; without, the caller stages it
    /// now.
    pub async fn create(
        &self,
        authority: &PeopleImportAuthority,
        total_rows: u64,
        source: Option<&str>,
        job: Option<ImportJob<'_>>,
    ) -> Result<ImportId> {
        let now = self.store.now();
        let mut tx = self.store.write_tx().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO people_imports (organisation_id, actor_account_id, state, source, total_rows, created_at) \
             VALUES ($1, $2, 'queued', $3, $4, $5) RETURNING id",
        )
        .bind(authority.organisation_id().get())
        .bind(actor_key(authority.actor()))
        .bind(source)
        .bind(i64::try_from(total_rows).unwrap_or(i64::MAX))
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        let id = ImportId::new(id);
        if let Some(job) = job {
            let payload = (job.payload)(id);
            let job_id = insert_job(&mut *tx, &NewJob::new(job.kind, &payload, now), now)
                .await?
                .ok_or_else(|| StoreError::Conflict("the import's job was not queued".into()))?;
            sqlx::query("UPDATE people_imports SET job_id = $1 WHERE id = $2")
                .bind(job_id)
                .bind(id.get())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    pub async fn get(&self, id: ImportId) -> Result<Option<ImportRow>> {
        sqlx::query(&format!("{IMPORT_SELECT} WHERE i.id = $1"))
            .bind(id.get())
            .fetch_optional(&self.store.pool)
            .await?
            .map(|row| import_row(&row))
            .transpose()
    }

    /// The uploaded file, while the import is unfinished.
    pub async fn source(&self, id: ImportId) -> Result<Option<String>> {
        Ok(
            sqlx::query_scalar("SELECT source FROM people_imports WHERE id = $1")
                .bind(id.get())
                .fetch_optional(&self.store.pool)
                .await?
                .flatten(),
        )
    }

    /// Writes the next chunk of rows, in one short transaction: `rows`
    /// must follow on from the `staged` rows written so far, or nothing is
    /// written (another worker has moved the import on). With a lease,
    /// renews it in the same transaction, and writes nothing if it has
    /// been lost.
    pub async fn stage(
        &self,
        id: ImportId,
        staged: u64,
        rows: &[(u64, PersonRecord)],
        lease: Option<Lease<'_>>,
    ) -> Result<()> {
        let mut tx = self.store.write_tx().await?;
        let moved = sqlx::query(
            "UPDATE people_imports SET state = 'staging', staged_rows = staged_rows + $1 \
             WHERE id = $2 AND state IN ('queued', 'staging') AND staged_rows = $3",
        )
        .bind(i64::try_from(rows.len()).unwrap_or(i64::MAX))
        .bind(id.get())
        .bind(i64::try_from(staged).unwrap_or(i64::MAX))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if moved == 0 {
            return Err(StoreError::Conflict(
                "the import has moved on elsewhere; this worker stops".into(),
            ));
        }
        if let Some(lease) = lease {
            renew_lease(&mut tx, lease).await?;
        }
        for batch in rows.chunks(STAGE_STATEMENT_ROWS) {
            let sql = format!(
                "INSERT INTO people_import_rows ({STAGE_COLUMNS}) VALUES {}",
                placeholders(self.store.backend, batch.len(), 18)
            );
            let mut query = sqlx::query(&sql);
            for (line, row) in batch {
                query = query
                    .bind(id.get())
                    .bind(i64::try_from(*line).unwrap_or(i64::MAX))
                    .bind(row.employee_id.as_str())
                    .bind(row.given_name.as_str())
                    .bind(row.family_name.as_str())
                    .bind(row.email.as_str())
                    .bind(row.region.as_deref())
                    .bind(row.team.as_deref())
                    .bind(row.line_manager_employee_id.as_deref())
                    .bind(row.job_title.as_str())
                    .bind(row.grade.as_str())
                    .bind(iso(row.start_date))
                    .bind(row.employment_type.as_str())
                    .bind(row.fostering.approval_type.as_deref())
                    .bind(row.fostering.carer_level.map(i64::from))
                    .bind(iso(row.fostering.approval_date))
                    .bind(row.fostering.household.as_deref())
                    .bind(row.fostering.special_interests.as_deref());
            }
            query.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Applies a fully staged import to `people` in one transaction, with
    /// its regions, teams and audit event: the moment it becomes visible,
    /// all at once. New people are added in the file's order; people whose
    /// employee id is known are updated. A team new to the organisation
    /// takes the region of the first line naming it.
    pub async fn apply(&self, id: ImportId, lease: Option<Lease<'_>>) -> Result<ImportSummary> {
        let now = self.store.now();
        let mut tx = self.store.write_tx().await?;
        let row = sqlx::query(
            "SELECT organisation_id, actor_account_id, state, total_rows, staged_rows \
             FROM people_imports WHERE id = $1",
        )
        .bind(id.get())
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| StoreError::Conflict("the import no longer exists".into()))?;
        let state: ImportState = row.try_get::<String, _>("state")?.parse()?;
        let total: i64 = row.try_get("total_rows")?;
        let staged: i64 = row.try_get("staged_rows")?;
        if state != ImportState::Staging || staged != total {
            return Err(StoreError::Conflict(format!(
                "the import cannot be applied: it is {state} with {staged} of {total} rows staged"
            )));
        }
        if let Some(lease) = lease {
            renew_lease(&mut tx, lease).await?;
        }
        let organisation = OrganisationId::new(row.try_get("organisation_id")?);
        let actor = Actor::from(
            row.try_get::<Option<i64>, _>("actor_account_id")?
                .map(tandem_domain::ids::AccountId::new),
        );
        let org = organisation.get();
        let import = id.get();
        sqlx::query(
            "INSERT INTO regions (organisation_id, name) \
             SELECT DISTINCT $1, region FROM people_import_rows \
             WHERE import_id = $2 AND region IS NOT NULL \
             ON CONFLICT (organisation_id, name) DO NOTHING",
        )
        .bind(org)
        .bind(import)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            // Each team's first line, by one sort: a join on a grouped
            // subquery made SQLite compare every row with every team.
            "INSERT INTO teams (organisation_id, region_id, name) \
             SELECT $1, r.id, firsts.team FROM ( \
               SELECT team, region, line, ROW_NUMBER() OVER (PARTITION BY team ORDER BY line) AS nth \
               FROM people_import_rows WHERE import_id = $2 AND team IS NOT NULL) firsts \
             LEFT JOIN regions r ON r.organisation_id = $1 AND r.name = firsts.region \
             WHERE firsts.nth = 1 ORDER BY firsts.line \
             ON CONFLICT (organisation_id, name) DO NOTHING",
        )
        .bind(org)
        .bind(import)
        .execute(&mut *tx)
        .await?;
        let existing: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM people_import_rows s WHERE s.import_id = $1 AND EXISTS \
             (SELECT 1 FROM people p WHERE p.organisation_id = $2 AND p.employee_id = s.employee_id)",
        )
        .bind(import)
        .bind(org)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO people (employee_id, given_name, family_name, email, region_id, team_id, \
             line_manager_employee_id, job_title, grade, start_date, employment_type, approval_type, \
             carer_level, approval_date, household, special_interests, organisation_id, created_at, updated_at) \
             SELECT s.employee_id, s.given_name, s.family_name, s.email, r.id, t.id, \
             s.line_manager_employee_id, s.job_title, s.grade, s.start_date, s.employment_type, s.approval_type, \
             s.carer_level, s.approval_date, s.household, s.special_interests, $1, $2, $2 \
             FROM people_import_rows s \
             LEFT JOIN regions r ON r.organisation_id = $1 AND r.name = s.region \
             LEFT JOIN teams t ON t.organisation_id = $1 AND t.name = s.team \
             WHERE s.import_id = $3 ORDER BY s.line \
             ON CONFLICT (organisation_id, employee_id) DO UPDATE SET given_name = excluded.given_name, \
             family_name = excluded.family_name, email = excluded.email, region_id = excluded.region_id, \
             team_id = excluded.team_id, line_manager_employee_id = excluded.line_manager_employee_id, \
             job_title = excluded.job_title, grade = excluded.grade, start_date = excluded.start_date, \
             employment_type = excluded.employment_type, approval_type = excluded.approval_type, \
             carer_level = excluded.carer_level, approval_date = excluded.approval_date, \
             household = excluded.household, special_interests = excluded.special_interests, \
             updated_at = excluded.updated_at",
        )
        .bind(org)
        .bind(now)
        .bind(import)
        .execute(&mut *tx)
        .await?;
        let summary = ImportSummary {
            created: count(total - existing),
            updated: count(existing),
        };
        sqlx::query(
            "UPDATE people_imports SET state = 'imported', created_count = $1, updated_count = $2, \
             source = NULL, finished_at = $3 WHERE id = $4",
        )
        .bind(total - existing)
        .bind(existing)
        .bind(now)
        .bind(import)
        .execute(&mut *tx)
        .await?;
        insert_event(
            &mut *tx,
            now,
            actor,
            AuditAction::PeopleImported,
            "organisation",
            &organisation.to_string(),
            &format!("{} created, {} updated", summary.created, summary.updated),
        )
        .await?;
        crate::matching_runs::forget_runs(&mut *tx, crate::matching_runs::Changed::People).await?;
        tx.commit().await?;
        self.clear_rows(id).await?;
        Ok(summary)
    }

    /// Marks an unfinished import failed, with why, and clears what it
    /// staged: nothing of it was ever visible. Returns `false` if it had
    /// already finished.
    pub async fn fail(&self, id: ImportId, problems: &str) -> Result<bool> {
        let changed = sqlx::query(
            "UPDATE people_imports SET state = 'failed', problems = $1, source = NULL, finished_at = $2 \
             WHERE id = $3 AND state IN ('queued', 'staging')",
        )
        .bind(problems)
        .bind(self.store.now())
        .bind(id.get())
        .execute(&self.store.pool)
        .await?
        .rows_affected();
        self.clear_rows(id).await?;
        Ok(changed > 0)
    }

    /// Fails imports that can no longer finish — their job gave up or was
    /// pruned, or, run from the command line with no job, they started
    /// before `stale_before` and never finished (the command was killed) —
    /// and clears the staged rows of every finished import. Returns how
    /// many imports it failed.
    pub async fn abandon_stuck(&self, stale_before: i64) -> Result<u64> {
        let stuck: Vec<i64> = sqlx::query_scalar(
            "SELECT i.id FROM people_imports i LEFT JOIN jobs j ON j.id = i.job_id \
             WHERE i.state IN ('queued', 'staging') AND ( \
               (i.job_id IS NULL AND i.created_at < $1) \
               OR (i.job_id IS NOT NULL AND (j.id IS NULL OR j.state IN ('failed', 'done'))))",
        )
        .bind(stale_before)
        .fetch_all(&self.store.pool)
        .await?;
        let mut failed = 0;
        for id in &stuck {
            if self
                .fail(
                    ImportId::new(*id),
                    "the import stopped before it finished; nothing was imported",
                )
                .await?
            {
                failed += 1;
            }
        }
        let leftover: Vec<i64> = sqlx::query_scalar(
            "SELECT DISTINCT s.import_id FROM people_import_rows s \
             JOIN people_imports i ON i.id = s.import_id WHERE i.state IN ('imported', 'failed')",
        )
        .fetch_all(&self.store.pool)
        .await?;
        for id in leftover {
            self.clear_rows(ImportId::new(id)).await?;
        }
        Ok(failed)
    }

    /// How many rows an import has in the staging table: none once it
    /// has finished.
    pub async fn staged_row_count(&self, id: ImportId) -> Result<u64> {
        let rows: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM people_import_rows WHERE import_id = $1")
                .bind(id.get())
                .fetch_one(&self.store.pool)
                .await?;
        Ok(count(rows))
    }

    /// Deletes an import's staged rows a slice of lines at a time.
    async fn clear_rows(&self, id: ImportId) -> Result<()> {
        let last: Option<i64> =
            sqlx::query_scalar("SELECT MAX(line) FROM people_import_rows WHERE import_id = $1")
                .bind(id.get())
                .fetch_one(&self.store.pool)
                .await?;
        let Some(last) = last else {
            return Ok(());
        };
        let mut below = 0;
        while below <= last {
            below = below.saturating_add(CLEAR_ROWS);
            sqlx::query("DELETE FROM people_import_rows WHERE import_id = $1 AND line < $2")
                .bind(id.get())
                .bind(below)
                .execute(&self.store.pool)
                .await?;
        }
        Ok(())
    }
}

/// Renews a job's lease inside a transaction; a worker that no longer
/// holds it gets a conflict and the transaction writes nothing.
async fn renew_lease(tx: &mut sqlx::AnyConnection, lease: Lease<'_>) -> Result<()> {
    let renewed = sqlx::query(
        "UPDATE jobs SET locked_until = $1 WHERE id = $2 AND state = 'running' AND locked_by = $3",
    )
    .bind(lease.until)
    .bind(lease.job_id)
    .bind(lease.worker)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if renewed == 0 {
        return Err(StoreError::Conflict(
            "this worker no longer holds the import's job".into(),
        ));
    }
    Ok(())
}

fn import_row(row: &AnyRow) -> Result<ImportRow> {
    let state: String = row.try_get("state")?;
    let job_state: Option<String> = row.try_get("job_state")?;
    let created: Option<i64> = row.try_get("created_count")?;
    let updated: Option<i64> = row.try_get("updated_count")?;
    Ok(ImportRow {
        id: ImportId::new(row.try_get("id")?),
        organisation_id: OrganisationId::new(row.try_get("organisation_id")?),
        organisation: row.try_get("organisation")?,
        actor: Actor::from(
            row.try_get::<Option<i64>, _>("actor_account_id")?
                .map(tandem_domain::ids::AccountId::new),
        ),
        state: state.parse()?,
        total_rows: count(row.try_get("total_rows")?),
        staged_rows: count(row.try_get("staged_rows")?),
        summary: created
            .zip(updated)
            .map(|(created, updated)| ImportSummary {
                created: count(created),
                updated: count(updated),
            }),
        problems: row.try_get("problems")?,
        job_state: job_state.map(|s| s.parse()).transpose()?,
        job_error: row.try_get("job_error")?,
        created_at: row.try_get("created_at")?,
        finished_at: row.try_get("finished_at")?,
    })
}

/// What an import changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct ImportSummary {
    pub created: u64,
    pub updated: u64,
}

/// `rows` groups of `columns` parameters for a multi-row VALUES list.
/// SQLite gets anonymous `?` parameters here: it looks a numbered `$N` up by
/// scanning every parameter name, which makes binding thousands of them
/// quadratic.
pub(crate) fn placeholders(backend: Backend, rows: usize, columns: usize) -> String {
    let mut sql = String::with_capacity(rows * columns * 6);
    for row in 0..rows {
        if row > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for column in 0..columns {
            if column > 0 {
                sql.push_str(", ");
            }
            match backend {
                Backend::Sqlite => sql.push('?'),
                Backend::Postgres => {
                    sql.push('$');
                    sql.push_str(&(row * columns + column + 1).to_string());
                }
            }
        }
        sql.push(')');
    }
    sql
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_round_trip_and_unknown_ones_are_corrupt() {
        for state in ImportState::ALL {
            assert_eq!(state.as_str().parse::<ImportState>().ok(), Some(state));
        }
        assert!(matches!(
            "half".parse::<ImportState>(),
            Err(StoreError::Corrupt(_))
        ));
    }
}
