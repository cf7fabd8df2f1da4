//! The people import (PPL-3): a CSV export from an HR system, checked as a
//! whole before anything is written, then staged a chunk at a time and
//! applied in one final transaction (issue 9 item 6), so that it is all or
//! nothing and never holds SQLite's write lock for long.
//!
//! The command line imports in its own process ([`App::import_people`]).
//! An upload through the web page or the API is checked in the request and
//! then imported by a background job ([`App::queue_people_import`]), whose
//! progress its page shows ([`App::people_import`]).

use std::collections::HashMap;
use std::io::Read;

use tandem_domain::ids::{ImportId, OrganisationId};
use tandem_domain::people::{ImportError, PeopleColumns, PersonRecord, check_import};
use tandem_domain::permissions::{PeopleImportAuthority, authorise_people_import};
use tandem_store::{
    Backend, ClaimedJob, ImportJob, ImportState, ImportSummary, Lease, Organisation,
};

use crate::job_kinds::{JobKind, LEASE_SECONDS};
use crate::{App, AppError, Principal};

/// Rows staged per transaction; see `tandem_store::imports`.
const STAGE_CHUNK_ROWS: usize = 10_000;

/// The pause after each staged chunk on SQLite. A writer waiting for the
/// lock (a sign-in) sleeps up to 100 ms between tries; an import that took
/// the lock again at once would starve it (measured: sign-ins of 2 to 10 s
/// during a 500,000-row import, one failing). With the pause, a waiter
/// always finds the lock free within one chunk.
const SQLITE_PAUSE: std::time::Duration = std::time::Duration::from_millis(120);

/// The most problems an import job keeps when the file it was given no
/// longer passes its checks (the upload's own check lists them all).
const KEPT_PROBLEMS: usize = 1_000;

/// Why an import wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportFailure {
    /// The file has mistakes; every one is listed, by line and column.
    #[error("the file has {} errors; nothing was imported", .0.len())]
    Rejected(Vec<ImportError>),
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<tandem_store::StoreError> for ImportFailure {
    fn from(error: tandem_store::StoreError) -> Self {
        ImportFailure::App(AppError::Store(error))
    }
}

/// Reports how far an import has got.
pub trait ImportProgress: Sync {
    /// Rows checked and staged so far, of `total`.
    fn rows(&self, _staged: u64, _total: u64) {}
}

/// For callers that show no progress.
pub struct NoProgress;
impl ImportProgress for NoProgress {}

/// An import as its page and the API show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportStatus {
    pub id: ImportId,
    pub organisation_id: OrganisationId,
    pub organisation: String,
    pub state: ImportState,
    pub total_rows: u64,
    /// Rows written into the staging table so far: the progress.
    pub staged_rows: u64,
    /// Set once imported.
    pub summary: Option<ImportSummary>,
    /// Why it failed, one problem each.
    pub problems: Vec<String>,
    /// Unix seconds.
    pub created_at: i64,
    pub finished_at: Option<i64>,
}

/// How an import job's run ended.
pub(crate) enum ImportRun {
    /// Imported, failed for good, or nothing left to do: the job is done.
    Finished,
    /// The server is stopping: the job goes back in the queue and carries
    /// on from the rows already staged.
    Interrupted,
}

fn error(line: u64, column: &str, message: impl Into<String>) -> ImportError {
    ImportError {
        line,
        column: column.to_owned(),
        message: message.into(),
    }
}

/// What the job's payload names: the import it runs.
#[derive(serde::Serialize, serde::Deserialize)]
pub(crate) struct ImportPayload {
    pub import: ImportId,
}

impl App {
    /// The organisation an import names, which must exist.
    pub async fn organisation_named(&self, name: &str) -> Result<Organisation, AppError> {
        self.store
            .organisations()
            .by_name(name)
            .await?
            .ok_or_else(|| {
                AppError::invalid(
                    "organisation",
                    format!("there is no organisation called \"{}\"", name.trim()),
                )
            })
    }

    /// Imports a file now, in this process (the command line, the demo):
    /// checks it whole, stages it in chunks and applies it at once. Any
    /// error anywhere in the file means nothing is written, and every
    /// error is returned.
    pub async fn import_people(
        &self,
        authority: &PeopleImportAuthority,
        csv: impl Read,
        progress: &dyn ImportProgress,
    ) -> Result<ImportSummary, ImportFailure> {
        let organisation = self.importing_into(authority.organisation_id()).await?;
        let rows = self.check_file(&organisation, read_all(csv)?).await?;
        let imports = self.store.imports();
        let id = imports
            .create(authority, rows.len() as u64, None, None)
            .await?;
        let total = rows.len() as u64;
        let mut staged = 0u64;
        let outcome = async {
            for chunk in rows.chunks(STAGE_CHUNK_ROWS) {
                imports.stage(id, staged, chunk, None).await?;
                staged += chunk.len() as u64;
                progress.rows(staged, total);
                self.let_other_writers_in().await;
            }
            imports.apply(id, None).await
        }
        .await;
        match outcome {
            Ok(summary) => Ok(summary),
            Err(e) => {
                // What was staged was never visible; clear it now rather
                // than leave it for housekeeping.
                if let Err(clear) = imports.fail(id, &e.to_string()).await {
                    tracing::warn!(import = %id, error = %clear, "a failed import's staged rows were not cleared");
                }
                Err(e.into())
            }
        }
    }

    /// Checks an upload for a signed-in caller, who must be an
    /// administrator or a coordinator or HR of the organisation. A file
    /// with problems is rejected with every one of them and nothing is
    /// written; a clean one is kept and queued for a background job to
    /// import, and its import's id returned.
    pub async fn queue_people_import(
        &self,
        caller: &Principal,
        organisation_id: OrganisationId,
        csv: Vec<u8>,
    ) -> Result<ImportId, ImportFailure> {
        let authority = authorise_people_import(caller, organisation_id).map_err(AppError::from)?;
        let organisation = self.importing_into(organisation_id).await?;
        let rows = self.check_file(&organisation, csv.clone()).await?;
        // The file has just been read as UTF-8 CSV, so this cannot fail.
        let source = String::from_utf8(csv).map_err(|e| {
            ImportFailure::Rejected(vec![error(1, "*", format!("the text is not UTF-8: {e}"))])
        })?;
        let payload =
            |import: ImportId| serde_json::to_string(&ImportPayload { import }).unwrap_or_default();
        let id = self
            .store
            .imports()
            .create(
                &authority,
                rows.len() as u64,
                Some(&source),
                Some(ImportJob {
                    kind: JobKind::ImportPeople.as_str(),
                    payload: &payload,
                }),
            )
            .await?;
        self.wake_job_runner();
        Ok(id)
    }

    /// An import's progress or outcome, for someone who may import into
    /// its organisation; "not found" for anyone else.
    pub async fn people_import(
        &self,
        caller: &Principal,
        id: ImportId,
    ) -> Result<ImportStatus, AppError> {
        let row = self
            .store
            .imports()
            .get(id)
            .await?
            .ok_or(AppError::NotFound)?;
        authorise_people_import(caller, row.organisation_id).map_err(|_| AppError::NotFound)?;
        let mut status = ImportStatus {
            id: row.id,
            organisation_id: row.organisation_id,
            organisation: row.organisation,
            state: row.state,
            total_rows: row.total_rows,
            staged_rows: row.staged_rows,
            summary: row.summary,
            problems: row
                .problems
                .map(|p| p.lines().map(str::to_owned).collect())
                .unwrap_or_default(),
            created_at: row.created_at,
            finished_at: row.finished_at,
        };
        // A job that gave up leaves its import unfinished until
        // housekeeping marks it; say now what it will say then.
        if !status.state.is_finished() && row.job_state == Some(tandem_store::JobState::Failed) {
            status.state = ImportState::Failed;
            status.problems = vec![format!(
                "the import stopped with an error; nothing was imported ({})",
                row.job_error.as_deref().unwrap_or("no detail")
            )];
        }
        Ok(status)
    }

    /// Runs an import job: checks the kept file again (the people it is
    /// checked against may have changed since it was uploaded), stages
    /// whatever is not staged yet, renewing the job's lease with each
    /// chunk, and applies it. A file that no longer passes fails the
    /// import, listing why; that is the job's result, not its failure.
    pub(crate) async fn run_people_import(
        &self,
        id: ImportId,
        claimed: &ClaimedJob,
        worker: &str,
    ) -> Result<ImportRun, String> {
        let imports = self.store.imports();
        let text = |e: tandem_store::StoreError| e.to_string();
        let Some(import) = imports.get(id).await.map_err(text)? else {
            return Ok(ImportRun::Finished);
        };
        if import.state.is_finished() {
            return Ok(ImportRun::Finished);
        }
        let Some(source) = imports.source(id).await.map_err(text)? else {
            imports
                .fail(id, "the uploaded file was not kept; nothing was imported")
                .await
                .map_err(text)?;
            return Ok(ImportRun::Finished);
        };
        let organisation = self
            .importing_into(import.organisation_id)
            .await
            .map_err(|e| e.to_string())?;
        let rows = match self.check_file(&organisation, source.into_bytes()).await {
            Ok(rows) => rows,
            Err(ImportFailure::Rejected(errors)) => {
                let mut problems: Vec<String> = errors
                    .iter()
                    .take(KEPT_PROBLEMS)
                    .map(ToString::to_string)
                    .collect();
                if errors.len() > KEPT_PROBLEMS {
                    problems.push(format!("and {} more", errors.len() - KEPT_PROBLEMS));
                }
                imports.fail(id, &problems.join("\n")).await.map_err(text)?;
                return Ok(ImportRun::Finished);
            }
            Err(ImportFailure::App(e)) => return Err(e.to_string()),
        };
        let lease = |app: &App| Lease {
            job_id: claimed.id,
            worker,
            until: app.now().saturating_add(LEASE_SECONDS),
        };
        let already = usize::try_from(import.staged_rows).unwrap_or(usize::MAX);
        let mut staged = import.staged_rows;
        for chunk in rows
            .get(already..)
            .unwrap_or_default()
            .chunks(STAGE_CHUNK_ROWS)
        {
            if self.is_stopping() {
                return Ok(ImportRun::Interrupted);
            }
            imports
                .stage(id, staged, chunk, Some(lease(self)))
                .await
                .map_err(text)?;
            staged += chunk.len() as u64;
            self.let_other_writers_in().await;
        }
        if self.is_stopping() {
            return Ok(ImportRun::Interrupted);
        }
        let summary = imports.apply(id, Some(lease(self))).await.map_err(text)?;
        tracing::info!(import = %id, created = summary.created, updated = summary.updated, "people imported");
        Ok(ImportRun::Finished)
    }

    /// Leaves SQLite's write lock free for a moment between chunks.
    async fn let_other_writers_in(&self) {
        if self.store.backend() == Backend::Sqlite {
            tokio::time::sleep(SQLITE_PAUSE).await;
        }
    }

    async fn importing_into(
        &self,
        organisation_id: OrganisationId,
    ) -> Result<Organisation, AppError> {
        self.store
            .organisations()
            .get(organisation_id)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// Reads and checks a whole file against the organisation's people,
    /// writing nothing: its rows with their lines, or every problem. The
    /// reading and checking run on a blocking thread, so that a big file
    /// does not hold up other requests.
    async fn check_file(
        &self,
        organisation: &Organisation,
        csv: Vec<u8>,
    ) -> Result<Vec<(u64, PersonRecord)>, ImportFailure> {
        let existing = self.store.people().management_map(organisation.id).await?;
        let name = organisation.name.clone();
        tokio::task::spawn_blocking(move || read_and_check(&csv, &name, &existing))
            .await
            .map_err(|e| AppError::Internal(format!("the import check stopped: {e}")))?
            .map_err(ImportFailure::Rejected)
    }
}

fn read_all(mut csv: impl Read) -> Result<Vec<u8>, ImportFailure> {
    let mut bytes = Vec::new();
    csv.read_to_end(&mut bytes).map_err(|e| {
        ImportFailure::Rejected(vec![error(0, "*", format!("the file cannot be read: {e}"))])
    })?;
    Ok(bytes)
}

/// Reads every row of a people file and checks the whole of it.
fn read_and_check(
    csv: &[u8],
    organisation: &str,
    existing: &HashMap<String, Option<String>>,
) -> Result<Vec<(u64, PersonRecord)>, Vec<ImportError>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(csv);
    // One record is reused for every line, so reading allocates only what
    // the rows keep.
    let mut record = csv::StringRecord::new();
    match reader.read_record(&mut record) {
        Ok(false) => return Err(vec![error(1, "*", "the file is empty")]),
        Err(e) => return Err(vec![csv_error(&e, 1)]),
        Ok(true) => {}
    }
    let header: Vec<&str> = record.iter().collect();
    let columns = PeopleColumns::from_header(&header)?;
    let mut rows: Vec<(u64, PersonRecord)> = Vec::new();
    let mut errors: Vec<ImportError> = Vec::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Err(e) => {
                errors.push(csv_error(&e, 0));
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    break;
                }
            }
            Ok(true) => {
                let line = record.position().map_or(0, csv::Position::line);
                let fields: Vec<&str> = record.iter().collect();
                if fields.iter().all(|f| f.trim().is_empty()) {
                    continue;
                }
                match columns.parse_row(line, &fields, organisation) {
                    Ok(person) => rows.push((line, person)),
                    Err(mut row_errors) => errors.append(&mut row_errors),
                }
            }
        }
    }
    if rows.is_empty() && errors.is_empty() {
        return Err(vec![error(2, "*", "the file has no rows after the header")]);
    }
    errors.extend(check_import(&rows, existing));
    if errors.is_empty() {
        Ok(rows)
    } else {
        errors.sort_by_key(|e| e.line);
        Err(errors)
    }
}

fn csv_error(e: &csv::Error, fallback_line: u64) -> ImportError {
    let line = e.position().map_or(fallback_line, csv::Position::line);
    let message = match e.kind() {
        csv::ErrorKind::Utf8 { .. } => {
            "the text is not UTF-8; save the file as CSV UTF-8".to_owned()
        }
        _ => format!("the file cannot be read as CSV: {e}"),
    };
    error(line, "*", message)
}
