//! Tandem's persistence: the only crate that contains SQL.
//!
//! One code path serves SQLite and PostgreSQL through sqlx's `Any` driver.
//! The SQL is written in the dialect both share (`$1` parameters, `ON
//! CONFLICT`, `RETURNING`, `WITH RECURSIVE`); the few differences (the
//! auto-numbered key, triggers) live in the migrations. Values cross the
//! boundary as integers and text only: times are Unix seconds, dates are
//! ISO 8601 text.

mod accounts;
mod audit;
mod decode;
mod identities;
mod imports;
mod integrity;
mod jobs;
mod matching_runs;
mod migrate;
mod organisations;
mod people;
mod programmes;
mod proposals;
mod register;
mod relationships;
mod sessions;
pub mod test_support;

use std::sync::Arc;

use sqlx::AnyPool;
use sqlx::any::{AnyPoolOptions, install_default_drivers};
pub use tandem_domain::audit::AuditEvent;
use tandem_domain::clock::Clock;

pub use imports::ImportSummary;
pub use imports::{ImportJob, ImportRow, ImportState, Imports, Lease};
pub use jobs::{
    ClaimedJob, DEFAULT_MAX_ATTEMPTS, FailOutcome, JobCounts, JobRow, JobState, Jobs, NewJob,
    backoff_seconds,
};
pub use matching_runs::{NewRun, RunPair, RunRow, RunUnmatched};
pub use people::{PersonDetail, PersonSummary};
pub use programmes::{ProgrammeWrite, StoredProgramme};
pub use proposals::{NewProposal, OverrideRow, ProposalRow};
pub use register::{
    EnrolmentCandidate, MentorEntryRow, NewRequest, ProgrammeWork, RegisterFilter, RequestRow,
};
pub use relationships::{
    AgreementVersionRow, CancellationRow, CompletionRow, EventRow, IntroductionRow, MeetingDateRow,
    MeetingRow, NewEvent, NewIntroduction, NewMeeting, NewVersion, RelationshipRow, RequestAfter,
    SignatureRow,
};

/// Set on every SQLite connection: enforce foreign keys, let readers go on
/// while one writer writes, wait up to ten seconds rather than fail when
/// another connection holds the write lock (see [`Store::write_tx`]), and
/// keep up to 32 MiB of pages in memory so that large imports and reports
/// do not re-read the file.
const SQLITE_PRAGMAS: [&str; 5] = [
    "PRAGMA foreign_keys = ON",
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = NORMAL",
    "PRAGMA busy_timeout = 10000",
    "PRAGMA cache_size = -32768",
];

/// How many connections a store keeps at most unless told otherwise.
///
/// - SQLite writes one at a time whatever the pool size; a small pool
///   keeps readers going without piling up lock waits: 4.
/// - PostgreSQL: twice this machine's cores, from 4 to 16. Each connection
///   is a server process; more of them than the cores can run only take
///   turns. Measured on 2 cores with the server, PostgreSQL and the load
///   client side by side (250 requests a second, `scripts/load`): p99
///   1.1 s with 16 connections, 0.12 s with 4. Where PostgreSQL has a
///   machine of its own, set the pool to suit it (`--database-pool`).
pub fn default_pool_size(backend: Backend) -> u32 {
    match backend {
        Backend::Sqlite => 4,
        Backend::Postgres => {
            let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
            u32::try_from(cores * 2).unwrap_or(16).clamp(4, 16)
        }
    }
}

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

/// Declares one repository: a view of the store for one aggregate, with
/// the operations on it, got from the store by its accessor.
macro_rules! repository {
    ($(#[$doc:meta])* $name:ident, $accessor:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy)]
        pub struct $name<'s> {
            store: &'s Store,
        }

        impl Store {
            $(#[$doc])*
            pub fn $accessor(&self) -> $name<'_> {
                $name { store: self }
            }
        }
    };
}

repository!(
    /// Organisations taking part in programmes.
    Organisations,
    organisations
);
repository!(
    /// Accounts and their role grants.
    Accounts,
    accounts
);
repository!(
    /// Signed-in sessions and the sign-in throttle.
    Sessions,
    sessions
);
repository!(
    /// The append-only audit log.
    Audit,
    audit
);
repository!(
    /// People: the all-or-nothing import, scoped listings, management chains.
    People,
    people
);
repository!(
    /// Programmes and the organisations taking part.
    Programmes,
    programmes
);
repository!(
    /// Programmes' mentor registers (REG-1 to REG-5).
    Register,
    register
);
repository!(
    /// Mentor requests, screening, consultation and self-assessments (REQ-1 to REQ-5).
    Requests,
    requests
);
repository!(
    /// Mentoring relationships: events, agreements, meetings and plans (LIF-1 to LIF-5).
    Relationships,
    relationships
);
repository!(
    /// Matching proposals, their answers and coordinators' overrides (MAT-3 to MAT-5).
    Proposals,
    proposals
);
repository!(
    /// People's own characteristics for matching, with their consent (MAT-1).
    Identities,
    identities
);
repository!(
    /// Stored matching runs, the latest per programme and scope (MAT-3).
    MatchingRuns,
    matching_runs
);

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
        Store::connect_with_pool(url, None).await
    }

    /// [`Store::connect`] with at most `connections` connections to the
    /// database (see [`default_pool_size`] for what `None` gives).
    pub async fn connect_with_pool(url: &str, connections: Option<u32>) -> Result<Store> {
        let store = Store::open_pool(url, connections).await?;
        migrate::run(&store).await?;
        Ok(store)
    }

    pub(crate) async fn connect_unmigrated(url: &str) -> Result<Store> {
        Store::open_pool(url, None).await
    }

    async fn open_pool(url: &str, connections: Option<u32>) -> Result<Store> {
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
        let max_connections = connections
            .filter(|n| *n > 0)
            .unwrap_or_else(|| default_pool_size(backend));
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

    /// Starts a transaction that will write. On SQLite it takes the write
    /// lock at once (`BEGIN IMMEDIATE`): a deferred transaction that reads
    /// first and writes later cannot wait for another writer (its snapshot
    /// would be stale by then) and fails at once with "database is locked",
    /// whereas `BEGIN IMMEDIATE` waits for the lock under the busy timeout.
    /// On PostgreSQL, where writers do not lock the whole database, a plain
    /// `BEGIN`. Every transaction that writes starts here.
    pub(crate) async fn write_tx(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
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

    /// Moves everything in SQLite's write-ahead log into the database file
    /// and empties the log, so that the `.db` file alone holds every
    /// committed write (at clean shutdown). Nothing to do on PostgreSQL.
    pub async fn checkpoint(&self) -> Result<()> {
        if self.backend == Backend::Sqlite {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    /// Answers whether the database responds, for `/health`.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }
}

pub use accounts::{Account, NewAccount};
use audit::insert_event;
pub use organisations::Organisation;
pub use sessions::{OwnSession, Session, SessionAccount, Throttle};
