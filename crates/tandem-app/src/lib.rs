//! Tandem's use cases: what the web pages, the JSON API and the command
//! line all call. Each use case takes the caller's [`Principal`] and asks
//! `tandem_domain::permissions` before it reads or writes anything, so no
//! caller can skip a permission check.

pub mod auth;
pub mod demo;
pub mod home;
pub mod identity;
pub mod import;
mod job_kinds;
pub mod jobs;
pub mod mail;
pub mod matching;
pub mod operator;
pub mod people;
pub mod programmes;
pub mod register;
pub mod relationships;
pub mod requests;
pub mod scale;
#[cfg(feature = "testing")]
pub mod testing;
mod vault;
pub mod views;

use std::sync::Arc;

pub use tandem_domain::clock::{Clock, FixedClock};
use tandem_domain::permissions::Forbidden;
pub use tandem_domain::permissions::Principal;
use tandem_store::{Store, StoreError, SystemClock};

/// How many pages of `per_page` a listing of `total` fills: at least one,
/// so that an empty listing is "page 1 of 1".
pub fn page_count(total: i64, per_page: i64) -> i64 {
    let per_page = per_page.max(1);
    ((total.max(0) + per_page - 1) / per_page).max(1)
}

/// The application: a store, the clock it reads the time from, and the
/// use cases over them.
#[derive(Debug, Clone)]
pub struct App {
    store: Store,
    clock: Arc<dyn Clock>,
    mailer: Arc<dyn mail::Mailer>,
    vault: vault::Vault,
    /// How long a session may go unused before it is signed out.
    session_idle_seconds: i64,
    /// Wakes the job runner, and tells background work to stop.
    signals: Arc<jobs::Signals>,
    /// Each programme's settings as last parsed, by the TOML they were
    /// parsed from: a page parses a programme once per change, not once
    /// per use (issue 17).
    parsed: Arc<programmes::ParsedSettings>,
    /// One matching run at a time per programme and scope in this
    /// process: views that find no stored run wait for the one working it
    /// out, rather than each working out the same run.
    runs_in_progress: Arc<matching::RunsInProgress>,
}

impl App {
    /// The application over `store`, delivering mail as `TANDEM_MAIL_DIR`
    /// says ([`mail::from_environment`]); see [`App::with_mailer`].
    pub fn new(store: Store) -> App {
        App {
            store,
            clock: Arc::new(SystemClock),
            mailer: mail::from_environment(),
            vault: vault::Vault::default(),
            session_idle_seconds: auth::DEFAULT_IDLE_SECONDS,
            signals: Arc::default(),
            parsed: Arc::default(),
            runs_in_progress: Arc::default(),
        }
    }

    /// The same application, signing out a session unused for `seconds`
    /// (at least a minute) rather than [`auth::DEFAULT_IDLE_SECONDS`].
    pub fn with_session_idle_seconds(self, seconds: i64) -> App {
        App {
            session_idle_seconds: seconds.max(60),
            ..self
        }
    }

    /// The same application with a master key made once for this process:
    /// for tests and throwaway databases, so that every `App` the process
    /// makes over one database opens what another sealed. Content sealed
    /// under it cannot be opened once the process ends; real installations
    /// use a key file ([`App::with_key_file`]).
    pub fn with_generated_master_key(self) -> App {
        static PROCESS_KEY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        let text = PROCESS_KEY.get_or_init(|| {
            tandem_seal::MasterKey::generate()
                .to_key_file()
                .as_str()
                .to_owned()
        });
        match tandem_seal::MasterKey::from_key_file(text) {
            Ok(key) => self.with_master_key(key),
            // The text was made by `to_key_file` just above.
            Err(_) => self,
        }
    }

    /// The same application, sealing and opening relationships'
    /// confidential content under `master` (the key file's key). Without
    /// one, anything that needs content is an error that says so.
    pub fn with_master_key(self, master: tandem_seal::MasterKey) -> App {
        App {
            vault: vault::Vault::new(master),
            ..self
        }
    }

    /// The same application, reading the time from `clock` (and stamping
    /// what it stores with it): tests and scenarios run at any date.
    pub fn with_clock(self, clock: Arc<dyn Clock>) -> App {
        App {
            store: self.store.with_clock(clock.clone()),
            clock,
            ..self
        }
    }

    /// Seconds since the Unix epoch by the application's clock.
    pub(crate) fn now(&self) -> i64 {
        self.clock.unix()
    }

    /// Today's date (UTC) by the application's clock: the one definition.
    pub fn today(&self) -> time::Date {
        self.clock.today()
    }

    /// Opens the database at `url` (creating an SQLite file if needed) and
    /// brings its schema up to date.
    pub async fn open(url: &str) -> Result<App, AppError> {
        App::open_with_pool(url, None).await
    }

    /// [`App::open`] with at most `connections` database connections
    /// (`None`: [`tandem_store::default_pool_size`]).
    pub async fn open_with_pool(url: &str, connections: Option<u32>) -> Result<App, AppError> {
        Ok(App::new(Store::connect_with_pool(url, connections).await?))
    }
}

/// Why a use case did not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The thing does not exist, or the caller may not know that it does.
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Forbidden(#[from] Forbidden),
    /// The caller's input is wrong; each message names its field.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<FieldError>),
    /// The rules do not allow what was asked, now or for this caller; the
    /// sentence says why, for the person who asked.
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("internal error: {0}")]
    Internal(String),
}

/// One thing wrong with one field of the caller's input.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl AppError {
    /// Problems with a questionnaire's answers, each naming its question.
    pub(crate) fn from_answer_problems(problems: Vec<(String, String)>) -> AppError {
        AppError::Invalid(
            problems
                .into_iter()
                .map(|(field, message)| FieldError { field, message })
                .collect(),
        )
    }

    /// The sentence for someone whose request the rules refused, or who
    /// acted on something that someone else changed meanwhile; `None` for
    /// any other failure.
    pub fn refusal(&self) -> Option<&str> {
        match self {
            AppError::Refused(message) | AppError::Store(StoreError::Conflict(message)) => {
                Some(message)
            }
            _ => None,
        }
    }

    pub fn invalid(field: &str, message: impl Into<String>) -> AppError {
        AppError::Invalid(vec![FieldError {
            field: field.to_owned(),
            message: message.into(),
        }])
    }
}
