//! Tandem's persistence: the only crate that contains SQL.
//!
//! One code path serves SQLite and PostgreSQL through sqlx's `Any` driver.
//! The SQL is written in the dialect both share (`$1` parameters, `ON
//! CONFLICT`, `RETURNING`, `WITH RECURSIVE`); the few differences (the
//! auto-numbered key, triggers) live in the migrations. Values cross the
//! boundary as integers and text only: times are Unix seconds, dates are
//! ISO 8601 text.

mod decode;
mod jobs;
mod migrate;
mod people;
mod programmes;
mod proposals;
mod register;
pub mod test_support;

use std::sync::Arc;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Row};
use tandem_domain::audit::AuditAction;
pub use tandem_domain::audit::AuditEvent;
use tandem_domain::clock::Clock;
use tandem_domain::permissions::Actor;
use tandem_domain::roles::{Role, RoleGrant};

pub use jobs::{
    ClaimedJob, DEFAULT_MAX_ATTEMPTS, FailOutcome, JobCounts, JobRow, JobState, Jobs, NewJob,
    backoff_seconds,
};
pub use people::{ImportSummary, PeopleImport, PersonDetail, PersonSummary};
pub use programmes::{ProgrammeWrite, StoredProgramme};
pub use proposals::{NewProposal, OverrideRow, ProposalRow};
pub use register::{EnrolmentCandidate, MentorEntryRow, NewRequest, RegisterFilter, RequestRow};

/// Set on every SQLite connection: enforce foreign keys, let readers go on
/// while one writer writes, wait rather than fail when the file is busy, and
/// keep up to 32 MiB of pages in memory so that large imports and reports
/// do not re-read the file.
const SQLITE_PRAGMAS: [&str; 5] = [
    "PRAGMA foreign_keys = ON",
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = NORMAL",
    "PRAGMA busy_timeout = 10000",
    "PRAGMA cache_size = -32768",
];

/// Which database a store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Something went wrong below the application: the database could not be
/// reached, or a statement failed. User mistakes never end up here; they
/// are caught in the domain before any SQL runs.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the database URL must start with sqlite: or postgres: (got \"{0}\")")]
    UnsupportedUrl(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("the database holds a value Tandem cannot read: {0}")]
    Corrupt(String),
    #[error("{0}")]
    Conflict(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A connection pool, the knowledge of which database is behind it, and
/// the clock that stamps what it writes.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    clock: Arc<dyn Clock>,
}

/// The system's clock: the one place Tandem reads the time of day.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn unix(&self) -> i64 {
        time::OffsetDateTime::now_utc().unix_timestamp()
    }
}

impl Store {
    /// Connects, creating an SQLite file if it does not exist, and brings
    /// the schema up to date.
    pub async fn connect(url: &str) -> Result<Store> {
        let store = Store::connect_unmigrated(url).await?;
        migrate::run(&store).await?;
        Ok(store)
    }

    pub(crate) async fn connect_unmigrated(url: &str) -> Result<Store> {
        install_default_drivers();
        let (backend, url) = if let Some(rest) = url.strip_prefix("sqlite:") {
            let mut url = format!("sqlite:{rest}");
            if !url.contains("mode=") {
                url.push(if url.contains('?') { '&' } else { '?' });
                url.push_str("mode=rwc");
            }
            (Backend::Sqlite, url)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            (Backend::Postgres, url.to_owned())
        } else {
            return Err(StoreError::UnsupportedUrl(url.to_owned()));
        };
        let max_connections = match backend {
            // SQLite writes one at a time whatever the pool size; a small
            // pool keeps readers going without piling up lock waits.
            Backend::Sqlite => 4,
            Backend::Postgres => 16,
        };
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections)
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        for pragma in SQLITE_PRAGMAS {
                            sqlx::query(pragma).execute(&mut *conn).await?;
                        }
                    }
                    Ok(())
                })
            })
            .connect(&url)
            .await?;
        Ok(Store {
            pool,
            backend,
            clock: Arc::new(SystemClock),
        })
    }

    /// The same store, stamping what it writes with `clock`'s time.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Store {
        self.clock = clock;
        self
    }

    /// Seconds since the Unix epoch by the store's clock, the form every
    /// stored time takes.
    pub(crate) fn now(&self) -> i64 {
        self.clock.unix()
    }

    pub(crate) async fn execute_raw(&self, sql: &str) -> Result<()> {
        sqlx::raw_sql(sql).execute(&self.pool).await?;
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Closes every connection; used before deleting a test database.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Answers whether the database responds, for `/health`.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }
}

/// An organisation taking part in one or more programmes.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct Organisation {
    pub id: i64,
    pub name: String,
    pub jurisdiction: String,
}

impl Store {
    pub async fn create_organisation(
        &self,
        name: &str,
        jurisdiction: &str,
    ) -> Result<Organisation> {
        let name = name.trim();
        if self.organisation_by_name(name).await?.is_some() {
            return Err(StoreError::Conflict(format!(
                "an organisation called \"{name}\" already exists"
            )));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO organisations (name, jurisdiction, created_at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(name)
        .bind(jurisdiction)
        .bind(self.now())
        .fetch_one(&self.pool)
        .await?;
        Ok(Organisation {
            id,
            name: name.to_owned(),
            jurisdiction: jurisdiction.to_owned(),
        })
    }

    /// Finds an organisation by name, ignoring case.
    pub async fn organisation_by_name(&self, name: &str) -> Result<Option<Organisation>> {
        Ok(sqlx::query_as(
            "SELECT id, name, jurisdiction FROM organisations WHERE LOWER(name) = LOWER($1)",
        )
        .bind(name.trim())
        .fetch_optional(&self.pool)
        .await?)
    }

    pub async fn organisation(&self, id: i64) -> Result<Option<Organisation>> {
        Ok(
            sqlx::query_as("SELECT id, name, jurisdiction FROM organisations WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    pub async fn organisations(&self) -> Result<Vec<Organisation>> {
        Ok(
            sqlx::query_as("SELECT id, name, jurisdiction FROM organisations ORDER BY name")
                .fetch_all(&self.pool)
                .await?,
        )
    }
}

/// An account as the sign-in check needs it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Account {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    pub person_id: Option<i64>,
    #[sqlx(try_from = "crate::decode::IntFlag")]
    pub disabled: bool,
}

/// What creating an account needs; the password is already hashed.
#[derive(Debug, Clone)]
pub struct NewAccount<'a> {
    pub email: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub person_id: Option<i64>,
}

impl Store {
    pub async fn create_account(&self, account: &NewAccount<'_>) -> Result<i64> {
        let email = account.email.trim().to_lowercase();
        if self.account_by_email(&email).await?.is_some() {
            return Err(StoreError::Conflict(format!(
                "an account with email {email} already exists"
            )));
        }
        Ok(sqlx::query_scalar(
            "INSERT INTO accounts (email, display_name, password_hash, person_id, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(email)
        .bind(account.display_name)
        .bind(account.password_hash)
        .bind(account.person_id)
        .bind(self.now())
        .fetch_one(&self.pool)
        .await?)
    }

    pub async fn account_by_email(&self, email: &str) -> Result<Option<Account>> {
        Ok(sqlx::query_as(
            "SELECT id, email, display_name, password_hash, person_id, disabled \
             FROM accounts WHERE email = $1",
        )
        .bind(email.trim().to_lowercase())
        .fetch_optional(&self.pool)
        .await?)
    }

    pub async fn account(&self, id: i64) -> Result<Option<Account>> {
        Ok(sqlx::query_as(
            "SELECT id, email, display_name, password_hash, person_id, disabled \
             FROM accounts WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?)
    }

    pub async fn count_accounts(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM accounts")
            .fetch_one(&self.pool)
            .await?)
    }

    pub async fn grant_role(
        &self,
        account_id: i64,
        grant: &RoleGrant,
        granted_by: Actor,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO role_grants (account_id, role, organisation_id, programme_id, granted_at, granted_by) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(account_id)
        .bind(grant.role.as_str())
        .bind(grant.organisation_id)
        .bind(grant.programme_id)
        .bind(self.now())
        .bind(granted_by.account_id())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn grants(&self, account_id: i64) -> Result<Vec<RoleGrant>> {
        let rows = sqlx::query(
            "SELECT role, organisation_id, programme_id FROM role_grants WHERE account_id = $1 ORDER BY id",
        )
        .bind(account_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let role: String = row.try_get("role")?;
                let role: Role = role
                    .parse()
                    .map_err(|e: tandem_domain::roles::UnknownRole| {
                        StoreError::Corrupt(e.to_string())
                    })?;
                Ok(RoleGrant {
                    role,
                    organisation_id: row.try_get("organisation_id")?,
                    programme_id: row.try_get("programme_id")?,
                })
            })
            .collect()
    }
}

/// A signed-in session, found by the hash of its cookie token.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Session {
    pub account_id: i64,
    pub csrf_token: String,
    pub expires_at: i64,
}

impl Store {
    pub async fn create_session(
        &self,
        token_hash: &str,
        account_id: i64,
        csrf_token: &str,
        expires_at: i64,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, account_id, csrf_token, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash)
        .bind(account_id)
        .bind(csrf_token)
        .bind(self.now())
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The session with this token hash, if it has not expired.
    pub async fn session(&self, token_hash: &str, at: i64) -> Result<Option<Session>> {
        Ok(sqlx::query_as(
            "SELECT account_id, csrf_token, expires_at FROM sessions WHERE token_hash = $1 AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(at)
        .fetch_optional(&self.pool)
        .await?)
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Removes sessions that have expired; returns how many.
    pub async fn delete_expired_sessions(&self, at: i64) -> Result<u64> {
        Ok(sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(at)
            .execute(&self.pool)
            .await?
            .rows_affected())
    }
}

/// Failed sign-ins recorded against one key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct Throttle {
    pub failures: i64,
    pub window_started_at: i64,
    pub locked_until: i64,
}

impl Store {
    pub async fn throttle(&self, key: &str) -> Result<Option<Throttle>> {
        Ok(sqlx::query_as(
            "SELECT failures, window_started_at, locked_until FROM login_throttle WHERE throttle_key = $1",
        )
        .bind(key)
        .fetch_optional(&self.pool)
        .await?)
    }

    pub async fn set_throttle(&self, key: &str, throttle: Throttle) -> Result<()> {
        sqlx::query(
            "INSERT INTO login_throttle (throttle_key, failures, window_started_at, locked_until) \
             VALUES ($1, $2, $3, $4) \
             ON CONFLICT (throttle_key) DO UPDATE SET failures = excluded.failures, \
             window_started_at = excluded.window_started_at, locked_until = excluded.locked_until",
        )
        .bind(key)
        .bind(throttle.failures)
        .bind(throttle.window_started_at)
        .bind(throttle.locked_until)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Forgets failures whose window and lock-out have both passed.
    pub async fn delete_stale_throttles(&self, window_started_before: i64, at: i64) -> Result<u64> {
        Ok(sqlx::query(
            "DELETE FROM login_throttle WHERE window_started_at < $1 AND locked_until <= $2",
        )
        .bind(window_started_before)
        .bind(at)
        .execute(&self.pool)
        .await?
        .rows_affected())
    }

    pub async fn clear_throttle(&self, key: &str) -> Result<()> {
        sqlx::query("DELETE FROM login_throttle WHERE throttle_key = $1")
            .bind(key)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

/// An audit log row as stored, decoded into [`AuditEvent`].
#[derive(sqlx::FromRow)]
struct AuditRow {
    id: i64,
    #[sqlx(try_from = "decode::UnixSeconds")]
    occurred_at: time::OffsetDateTime,
    actor_account_id: Option<i64>,
    #[sqlx(try_from = "crate::decode::Parsed<AuditAction>")]
    action: AuditAction,
    subject_type: String,
    subject_id: String,
    detail: String,
}

impl From<AuditRow> for AuditEvent {
    fn from(row: AuditRow) -> AuditEvent {
        AuditEvent {
            id: row.id,
            occurred_at: row.occurred_at,
            actor: Actor::from(row.actor_account_id),
            action: row.action,
            subject_type: row.subject_type,
            subject_id: row.subject_id,
            detail: row.detail,
        }
    }
}

impl Store {
    pub async fn record_event(
        &self,
        actor: Actor,
        action: AuditAction,
        subject_type: &str,
        subject_id: &str,
        detail: &str,
    ) -> Result<()> {
        insert_event(
            &self.pool,
            self.now(),
            actor,
            action,
            subject_type,
            subject_id,
            detail,
        )
        .await
    }

    /// The newest events first.
    pub async fn recent_events(&self, limit: i64) -> Result<Vec<AuditEvent>> {
        let rows: Vec<AuditRow> = sqlx::query_as(
            "SELECT id, occurred_at, actor_account_id, action, subject_type, subject_id, detail \
             FROM audit_events ORDER BY id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(AuditEvent::from).collect())
    }
}

async fn insert_event<'e, E>(
    executor: E,
    at: i64,
    actor: Actor,
    action: AuditAction,
    subject_type: &str,
    subject_id: &str,
    detail: &str,
) -> Result<()>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query(
        "INSERT INTO audit_events (occurred_at, actor_account_id, action, subject_type, subject_id, detail) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(at)
    .bind(actor.account_id())
    .bind(action.as_str())
    .bind(subject_type)
    .bind(subject_id)
    .bind(detail)
    .execute(executor)
    .await?;
    Ok(())
}
