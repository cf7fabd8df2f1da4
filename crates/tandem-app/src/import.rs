//! The people import (PPL-3): a CSV export from an HR system, checked as a
//! whole and written in one transaction, or not at all.

use std::io::Read;

use tandem_domain::people::{ImportError, PeopleColumns, check_import};
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
    fn checked(&self, _rows: u64) {}
    fn writing(&self, _total: u64) {}
    fn written(&self, _rows: u64) {}
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
        self.store.organisation_by_name(name).await?.ok_or_else(|| {
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
        organisation_id: i64,
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
            .organisation(authority.organisation_id())
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
        let mut rows = Vec::new();
        let mut errors = Vec::new();
        let mut record = csv::StringRecord::new();
        loop {
            match reader.read_record(&mut record) {
                Ok(false) => break,
                Err(e) => {
                    let stop = matches!(e.kind(), csv::ErrorKind::Io(_));
                    errors.push(csv_error(&e, 0));
                    if stop {
                        break;
                    }
                }
                Ok(true) => {
                    let line = record.position().map_or(0, csv::Position::line);
                    let fields: Vec<&str> = record.iter().collect();
                    if fields.iter().all(|f| f.trim().is_empty()) {
                        continue;
                    }
                    match columns.parse_row(line, &fields, &organisation.name) {
                        Ok(person) => rows.push((line, person)),
                        Err(mut row_errors) => errors.append(&mut row_errors),
                    }
                }
            }
            if (rows.len() + errors.len()) % 1_000 == 0 {
                progress.checked(rows.len() as u64);
            }
        }
        if rows.is_empty() && errors.is_empty() {
            return Err(ImportFailure::Rejected(vec![error(
                2,
                "*",
                "the file has no rows after the header",
            )]));
        }
        let existing = self.store.management_map(organisation.id).await?;
        errors.extend(check_import(&rows, &existing));
        if !errors.is_empty() {
            errors.sort_by_key(|e| e.line);
            return Err(ImportFailure::Rejected(errors));
        }
        let people: Vec<_> = rows.into_iter().map(|(_, person)| person).collect();
        progress.writing(people.len() as u64);
        let written = |done: u64| progress.written(done);
        Ok(self
            .store
            .import_people(authority, &people, &written)
            .await?)
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
