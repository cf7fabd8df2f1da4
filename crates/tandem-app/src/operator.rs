//! What the operator does from the command line: set up organisations and
//! accounts, and check the installation. Each use case takes the
//! [`Operator`] capability, so only the command line (and the demo) can
//! call them.

use tandem_domain::ids::{OrganisationId, PersonId, ProgrammeId};
use tandem_domain::permissions::Operator;
use tandem_store::{Backend, StoreError};

use crate::views::Organisation;
use crate::{App, AppError};

/// An organisation with how many people it has, for `tandem organisation list`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganisationSize {
    pub organisation: Organisation,
    pub people: i64,
}

/// What `tandem check-config` reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstallationReport {
    /// "SQLite" or "PostgreSQL".
    pub database: &'static str,
    pub organisations: usize,
    pub accounts: i64,
}

impl App {
    /// Closes every database connection: at shutdown, or before a
    /// database file is removed.
    pub async fn close(&self) {
        self.store.close().await;
    }

    /// A clean shutdown: SQLite's write-ahead log is checkpointed into the
    /// database file and emptied, then every connection is closed, so that
    /// copying the `.db` file afterwards loses nothing.
    pub async fn shut_down(&self) -> Result<(), AppError> {
        self.store.checkpoint().await?;
        self.store.close().await;
        Ok(())
    }

    /// Answers whether the database responds, for `/health`.
    pub async fn health(&self) -> Result<(), AppError> {
        Ok(self.store.ping().await?)
    }

    /// Adds an organisation; a name already taken (ignoring case) or an
    /// empty one is the operator's mistake, named by field.
    pub async fn add_organisation(
        &self,
        _operator: &Operator,
        name: &str,
        jurisdiction: &str,
    ) -> Result<Organisation, AppError> {
        if name.trim().is_empty() {
            return Err(AppError::invalid(
                "name",
                "the organisation's name must not be empty",
            ));
        }
        self.store
            .organisations()
            .create(name, jurisdiction)
            .await
            .map_err(|e| match e {
                StoreError::Conflict(message) => AppError::invalid("name", message),
                other => AppError::Store(other),
            })
    }

    /// Every organisation with its number of people.
    pub async fn organisation_sizes(
        &self,
        _operator: &Operator,
    ) -> Result<Vec<OrganisationSize>, AppError> {
        let mut sizes = Vec::new();
        for organisation in self.store.organisations().all().await? {
            let people = self.store.people().count(Some(organisation.id)).await?;
            sizes.push(OrganisationSize {
                organisation,
                people,
            });
        }
        Ok(sizes)
    }

    /// The person with this employee id in an organisation, for giving an
    /// account to someone already imported.
    pub async fn person_with_employee_id(
        &self,
        _operator: &Operator,
        organisation_id: OrganisationId,
        employee_id: &str,
    ) -> Result<Option<PersonId>, AppError> {
        Ok(self
            .store
            .people()
            .by_employee_id(organisation_id, employee_id)
            .await?)
    }

    /// A programme named by its key or its id, as the command line takes it.
    pub async fn programme_named(
        &self,
        _operator: &Operator,
        key_or_id: &str,
    ) -> Result<Option<ProgrammeId>, AppError> {
        let stored = match key_or_id.trim().parse::<i64>() {
            Ok(id) => self.store.programmes().get(ProgrammeId::new(id)).await?,
            Err(_) => self.store.programmes().by_key(key_or_id.trim()).await?,
        };
        Ok(stored.map(|p| p.id))
    }

    /// Checks the database answers and reports what it holds.
    pub async fn installation_report(
        &self,
        _operator: &Operator,
    ) -> Result<InstallationReport, AppError> {
        self.store.ping().await?;
        Ok(InstallationReport {
            database: match self.store.backend() {
                Backend::Sqlite => "SQLite",
                Backend::Postgres => "PostgreSQL",
            },
            organisations: self.store.organisations().all().await?.len(),
            accounts: self.store.accounts().count().await?,
        })
    }
}

impl App {
    /// Every integrity problem in the database, for `tandem
    /// check-database` after a crash or before a backup is trusted; none
    /// means it is whole. Names tables and rows, never their content.
    pub async fn database_problems(&self, _operator: &Operator) -> Result<Vec<String>, AppError> {
        Ok(self.store.check_integrity().await?)
    }
}

/// Why the master key could not be read or written. Never holds key material.
#[derive(Debug, thiserror::Error)]
pub enum KeyFileProblem {
    #[error("{path}: no key file there. Make one with `tandem key generate --out {path}`")]
    Missing { path: String },
    #[error("{path}: cannot read it: {error}")]
    Unreadable { path: String, error: std::io::Error },
    #[error("{path}: {error}")]
    Invalid {
        path: String,
        error: tandem_seal::KeyFileError,
    },
    #[error(
        "{path} already exists; Tandem never overwrites a key file (a lost key loses the content it sealed)"
    )]
    Exists { path: String },
    #[error("{path}: cannot write it: {error}")]
    Unwritable { path: String, error: std::io::Error },
}

/// Writes a new key file at `path`, readable by its owner only, and
/// returns the key's fingerprint. An existing file is never overwritten.
pub fn generate_key_file(path: &std::path::Path) -> Result<String, KeyFileProblem> {
    use std::io::Write as _;
    let shown = path.display().to_string();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(|error| {
        if error.kind() == std::io::ErrorKind::AlreadyExists {
            KeyFileProblem::Exists {
                path: shown.clone(),
            }
        } else {
            KeyFileProblem::Unwritable {
                path: shown.clone(),
                error,
            }
        }
    })?;
    let key = tandem_seal::MasterKey::generate();
    file.write_all(key.to_key_file().as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|error| KeyFileProblem::Unwritable {
            path: shown.clone(),
            error,
        })?;
    Ok(key.fingerprint())
}

impl App {
    /// The same application with the master key read from the key file at
    /// `path`; returns the key's fingerprint too, for the log.
    pub fn with_key_file(self, path: &std::path::Path) -> Result<(App, String), KeyFileProblem> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|error| {
            if error.kind() == std::io::ErrorKind::NotFound {
                KeyFileProblem::Missing {
                    path: shown.clone(),
                }
            } else {
                KeyFileProblem::Unreadable {
                    path: shown.clone(),
                    error,
                }
            }
        })?;
        let key = tandem_seal::MasterKey::from_key_file(&text).map_err(|error| {
            KeyFileProblem::Invalid {
                path: shown.clone(),
                error,
            }
        })?;
        let fingerprint = key.fingerprint();
        Ok((self.with_master_key(key), fingerprint))
    }
}
