//! Importing people from an HR export (PPL-3): the upload form, every
//! problem in the file listed with its line and column, and the page that
//! follows an import through its background job.

use axum::extract::{Multipart, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use tandem_app::import::{ImportFailure, ImportStatus};
use tandem_app::views::ImportState;
use tandem_domain::ids::{ImportId, OrganisationId};
use tandem_domain::people::{ImportError, PEOPLE_COLUMNS};

use crate::caller::Caller;
use crate::error::PageError;
use crate::extract::{PageCaller, PathId};
use crate::forms::{
    Fields, Problem, csrf_field, described_by, error_message, error_summary, field_problem,
};
use crate::layout::{back_link, counted, format_time, invalid_page, page, summary_row, thousands};
use crate::state::AppState;

fn import_form(
    caller: &Caller,
    organisations: &[tandem_app::views::Organisation],
    selected: Option<OrganisationId>,
    problems: &[Problem],
    file_errors: &[ImportError],
) -> Markup {
    let fields = Fields::new(problems);
    let file_problem = field_problem(problems, "file").is_some();
    html! {
        (back_link("/"))
        (error_summary(problems))
        h1 { "Import people" }
        p { "Upload a CSV export from your HR system. Tandem checks the whole file first: if any row has a problem, nothing is imported and every problem is listed with its line and column. People already imported are updated by their employee id." }
        p { "A file that passes is imported in the background: you can follow it on the next page, and everyone can go on using Tandem meanwhile. Nobody sees any of it until all of it is in." }
        @if !file_errors.is_empty() {
            table.table--stack {
                caption { (counted(file_errors.len() as u64, "problem", "problems")) " in the file" }
                thead { tr { th scope="col" { "Line" } th scope="col" { "Column" } th scope="col" { "What is wrong" } } }
                tbody { @for e in file_errors { tr { td data-label="Line" { (e.line) } td data-label="Column" { (e.column) } td data-label="What is wrong" { (e.message) } } } }
            }
        }
        form method="post" action="/people/import" enctype="multipart/form-data" {
            (csrf_field(&caller.csrf_token))
            (organisation_select(fields, organisations, selected))
            div.form-group.form-group--error[file_problem] {
                label for="file" { "CSV file" }
                p.hint id="file-hint" { "Saved as CSV UTF-8, with a header line naming the columns below." }
                (error_message(problems, "file"))
                input type="file" id="file" name="file" accept=".csv,text/csv"
                    aria-describedby=[described_by(problems, "file", true)];
            }
            button.button type="submit" { "Check and import" }
        }
        p { a href="/people/import/template.csv" download="people-template.csv" { "Download a template CSV" } " with every column's heading, to fill in or to match your HR system's export to." }
        details {
            summary { "Columns the file may have" }
            table.table--stack {
                thead { tr { th scope="col" { "Column" } th scope="col" { "Required" } th scope="col" { "What it holds" } } }
                tbody { @for c in &PEOPLE_COLUMNS { tr { td data-label="Column" { code { (c.name) } } td data-label="Required" { @if c.required { "Yes" } @else { "No" } } td data-label="What it holds" { (c.description) } } } }
            }
        }
    }
}

/// The organisation to import into; chosen already when there is only one.
fn organisation_select(
    fields: Fields<'_>,
    organisations: &[tandem_app::views::Organisation],
    selected: Option<OrganisationId>,
) -> Markup {
    let selected = selected.map(|id| id.to_string()).unwrap_or_default();
    let mut select = fields
        .select("organisation", "Organisation")
        .options(organisations.iter().map(|o| (o.id, &o.name)))
        .selected(&selected);
    if organisations.len() != 1 {
        select = select.placeholder("Choose an organisation");
    }
    html! { (select) }
}

/// `GET /people/import`.
pub async fn import_page(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
) -> Result<Response, PageError> {
    let organisations = state.app.import_targets(&caller.principal).await?;
    if organisations.is_empty() {
        return Err(PageError::Forbidden(
            "Only administrators, and coordinators and HR of an organisation, can import people."
                .into(),
        ));
    }
    let selected = (organisations.len() == 1).then(|| organisations[0].id);
    Ok(page(
        "Import people",
        Some(&caller),
        import_form(&caller, &organisations, selected, &[], &[]),
    )
    .into_response())
}

/// `POST /people/import`: a multipart upload, whose `csrf` field the
/// session layer has checked before this runs.
pub async fn import(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    let organisations = state.app.import_targets(&caller.principal).await?;
    let mut organisation: Option<OrganisationId> = None;
    let mut file: Option<Vec<u8>> = None;
    let mut problems = Vec::new();
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_owned();
                match field.bytes().await {
                    Ok(bytes) if name == "organisation" => {
                        organisation = std::str::from_utf8(&bytes)
                            .ok()
                            .and_then(|s| s.trim().parse().ok());
                    }
                    Ok(bytes) if name == "file" => {
                        file = Some(bytes.to_vec()).filter(|b| !b.is_empty())
                    }
                    Ok(_) => {}
                    Err(_) => {
                        problems.push(Problem {
                            field_id: "file".into(),
                            message: "The upload did not arrive whole. Try again.".into(),
                        });
                        break;
                    }
                }
            }
            Ok(None) => break,
            Err(_) => {
                problems.push(Problem {
                    field_id: "file".into(),
                    message: "The upload could not be read. Try again.".into(),
                });
                break;
            }
        }
    }
    let organisation = organisation.filter(|id| organisations.iter().any(|o| o.id == *id));
    if organisation.is_none() {
        problems.push(Problem {
            field_id: "organisation".into(),
            message: "Choose the organisation these people work for".into(),
        });
    }
    if file.is_none() && problems.iter().all(|p| p.field_id != "file") {
        problems.push(Problem {
            field_id: "file".into(),
            message: "Choose a CSV file to upload".into(),
        });
    }
    let render = |problems: &[Problem], errors: &[ImportError]| {
        invalid_page(
            &caller,
            "Import people",
            import_form(&caller, &organisations, organisation, problems, errors),
        )
    };
    let (Some(organisation_id), Some(file), true) = (organisation, file, problems.is_empty())
    else {
        return Ok(render(&problems, &[]));
    };
    match state
        .app
        .queue_people_import(&caller.principal, organisation_id, file)
        .await
    {
        Ok(id) => Ok(Redirect::to(&format!("/people/imports/{id}")).into_response()),
        Err(ImportFailure::Rejected(errors)) => {
            let problems = vec![Problem {
                field_id: "file".into(),
                message: format!(
                    "The file has {} listed below. Nothing was imported.",
                    if errors.len() == 1 {
                        "1 problem".to_owned()
                    } else {
                        format!("{} problems", errors.len())
                    }
                ),
            }];
            Ok(render(&problems, &errors))
        }
        Err(ImportFailure::App(error)) => Err(error.into()),
    }
}

/// `GET /people/imports/{id}`: how far an import has got, and how it
/// ended. The page does not refresh itself (an automatic refresh moves a
/// screen reader's place, WCAG 2.2.1); a link checks again.
pub async fn import_status(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    PathId(id): PathId<ImportId>,
) -> Result<Markup, PageError> {
    let status = state.app.people_import(&caller.principal, id).await?;
    let title = match status.state {
        ImportState::Queued | ImportState::Staging => "Importing people",
        ImportState::Imported => "People imported",
        ImportState::Failed => "Nothing was imported",
    };
    Ok(page(title, Some(&caller), status_content(title, &status)))
}

fn status_content(title: &str, status: &ImportStatus) -> Markup {
    let progress = format!(
        "{} of {} rows",
        thousands(status.staged_rows),
        thousands(status.total_rows)
    );
    let state = match status.state {
        ImportState::Queued => "Waiting to start",
        ImportState::Staging if status.staged_rows < status.total_rows => "Writing rows",
        ImportState::Staging => "Making the people visible",
        ImportState::Imported => "Imported",
        ImportState::Failed => "Failed",
    };
    html! {
        @match (status.state, status.summary) {
            (ImportState::Imported, Some(summary)) => {
                div.panel-success role="status" {
                    h1 { (title) }
                    p.lede { (summary.created) " added and " (summary.updated) " updated in " (status.organisation) "." }
                }
            }
            _ => { h1 { (title) } }
        }
        @if status.state == ImportState::Failed {
            p { "Nothing from this file was imported, and nobody saw any of it." }
            ul { @for problem in &status.problems { li { (problem) } } }
        }
        dl.summary-list {
            (summary_row("Organisation", Some(&status.organisation)))
            (summary_row("State", Some(state)))
            (summary_row("Rows written", Some(&progress)))
            (summary_row("Uploaded", Some(&format_time(status.created_at))))
            (summary_row("Finished", status.finished_at.map(format_time).as_deref()))
        }
        @if !status.state.is_finished() {
            label for="import-progress" { "Progress" }
            progress id="import-progress" max=(status.total_rows.max(1)) value=(status.staged_rows) { (progress) }
            p { "Nobody sees any of these people until every row is written; then they all appear at once. You can leave this page: the import goes on." }
            p { a.button href=(format!("/people/imports/{}", status.id)) { "Check progress again" } }
        } @else {
            p { a href="/people" { "See the people" } }
            p { a href="/people/import" { "Import another file" } }
        }
    }
}

/// `GET /people/import/template.csv`: a file with every column's heading
/// and no rows, to fill in.
pub async fn template(PageCaller(_caller): PageCaller) -> Response {
    let header: Vec<&str> = PEOPLE_COLUMNS.iter().map(|c| c.name).collect();
    (
        [
            (axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                axum::http::header::CONTENT_DISPOSITION,
                "attachment; filename=\"people-template.csv\"",
            ),
        ],
        format!("{}\r\n", header.join(",")),
    )
        .into_response()
}
