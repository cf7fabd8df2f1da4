//! The people import (PPL-3): a CSV export from an HR system, checked as a
//! whole and written in one transaction, or not at all.

use std::io::Read;

use tandem_domain::ids::OrganisationId;
use tandem_domain::people::{ImportError, PeopleColumns, PersonRecord, check_import};
use tandem_domain::permissions::{PeopleImportAuthority, authorise_people_import};
use tandem_store::{ImportSummary, Organisation};

use crate::{App, AppError, Principal};

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

/// Reports how far an import has got: rows read, then rows written.
pub trait ImportProgress: Sync {
    /// Rows read and checked so far (and, while the file is clean, written
    /// into the import's transaction).
    fn rows(&self, _rows: u64) {}
}

/// For callers that show no progress.
pub struct NoProgress;
impl ImportProgress for NoProgress {}

fn error(line: u64, column: &str, message: impl Into<String>) -> ImportError {
    ImportError {
        line,
        column: column.to_owned(),
        message: message.into(),
    }
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

    /// Imports people for a signed-in caller, who must be an administrator
    /// or a coordinator or HR of the organisation.
    pub async fn import_people_as(
        &self,
        caller: &Principal,
        organisation_id: OrganisationId,
        csv: impl Read,
        progress: &dyn ImportProgress,
    ) -> Result<ImportSummary, ImportFailure> {
        let authority = authorise_people_import(caller, organisation_id).map_err(AppError::from)?;
        self.import_people(&authority, csv, progress).await
    }

    /// Reads, checks and writes an import. Any error anywhere in the file
    /// means nothing is written, and every error is returned.
    pub async fn import_people(
        &self,
        authority: &PeopleImportAuthority,
        csv: impl Read,
        progress: &dyn ImportProgress,
    ) -> Result<ImportSummary, ImportFailure> {
        let organisation = self
            .store
            .organisations()
            .get(authority.organisation_id())
            .await?
            .ok_or(AppError::NotFound)?;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(csv);
        // One record is reused for every line, so reading allocates only
        // what the rows keep.
        let mut header_record = csv::StringRecord::new();
        match reader.read_record(&mut header_record) {
            Ok(false) => {
                return Err(ImportFailure::Rejected(vec![error(
                    1,
                    "*",
                    "the file is empty",
                )]));
            }
            Err(e) => return Err(ImportFailure::Rejected(vec![csv_error(&e, 1)])),
            Ok(true) => {}
        }
        let header: Vec<&str> = header_record.iter().collect();
        let columns = PeopleColumns::from_header(&header).map_err(ImportFailure::Rejected)?;
        let existing = self.store.people().management_map(organisation.id).await?;
        let mut parser = RowParser {
            reader,
            record: csv::StringRecord::new(),
            columns,
            organisation: organisation.name.clone(),
            finished: false,
        };

        // Rows are read in batches. While one batch is written into the
        // import's transaction, the next is read and checked, so the
        // database works on one core while the file is parsed on the other.
        // Once any row is wrong, nothing more is written; the rest of the
        // file is still read so every problem is listed, and the transaction
        // is dropped, which rolls back what was written.
        let mut import = self.store.people().begin_import(authority).await?;
        let mut rows: Vec<(u64, PersonRecord)> = Vec::new();
        let mut errors: Vec<ImportError> = Vec::new();
        let mut pending: (Vec<u64>, Vec<PersonRecord>) = (Vec::new(), Vec::new());
        loop {
            let write_now = errors.is_empty();
            let batch = &pending.1;
            let (written, next) = tokio::join!(
                async {
                    if write_now && !batch.is_empty() {
                        import.write(batch).await
                    } else {
                        Ok(())
                    }
                },
                async { parser.next_batch(&mut errors) },
            );
            written?;
            let (lines, records) = std::mem::take(&mut pending);
            rows.extend(lines.into_iter().zip(records));
            progress.rows(rows.len() as u64);
            if next.0.is_empty() && parser.finished {
                break;
            }
            pending = next;
        }
        if rows.is_empty() && errors.is_empty() {
            return Err(ImportFailure::Rejected(vec![error(
                2,
                "*",
                "the file has no rows after the header",
            )]));
        }
        errors.extend(check_import(&rows, &existing));
        if !errors.is_empty() {
            errors.sort_by_key(|e| e.line);
            return Err(ImportFailure::Rejected(errors));
        }
        let created = rows
            .iter()
            .filter(|(_, r)| !existing.contains_key(&r.employee_id))
            .count() as u64;
        let summary = ImportSummary {
            created,
            updated: rows.len() as u64 - created,
        };
        import.commit(summary).await?;
        Ok(summary)
    }
}

/// Rows per batch read while the previous batch is written.
const READ_BATCH_ROWS: usize = 500;

/// Reads the data rows of a people file, a batch at a time.
struct RowParser<R> {
    reader: csv::Reader<R>,
    record: csv::StringRecord,
    columns: PeopleColumns,
    organisation: String,
    finished: bool,
}

impl<R: Read> RowParser<R> {
    /// The next batch of good rows, with their lines; problems go to
    /// `errors`. Sets `finished` at the end of the file.
    fn next_batch(&mut self, errors: &mut Vec<ImportError>) -> (Vec<u64>, Vec<PersonRecord>) {
        let mut lines = Vec::with_capacity(READ_BATCH_ROWS);
        let mut records = Vec::with_capacity(READ_BATCH_ROWS);
        while !self.finished && records.len() < READ_BATCH_ROWS {
            match self.reader.read_record(&mut self.record) {
                Ok(false) => self.finished = true,
                Err(e) => {
                    errors.push(csv_error(&e, 0));
                    if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                        self.finished = true;
                    }
                }
                Ok(true) => {
                    let line = self.record.position().map_or(0, csv::Position::line);
                    let fields: Vec<&str> = self.record.iter().collect();
                    if fields.iter().all(|f| f.trim().is_empty()) {
                        continue;
                    }
                    match self.columns.parse_row(line, &fields, &self.organisation) {
                        Ok(person) => {
                            lines.push(line);
                            records.push(person);
                        }
                        Err(mut row_errors) => errors.append(&mut row_errors),
                    }
                }
            }
        }
        (lines, records)
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
