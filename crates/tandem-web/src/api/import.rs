//! Importing people from a CSV HR export (PPL-3) into one organisation.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use tandem_app::import::{ImportFailure, ImportStatus};
use tandem_app::views::ImportState;
use tandem_domain::ids::{ImportId, OrganisationId};
use utoipa::ToSchema;

use crate::error::{ApiError, ApiErrorBody};
use crate::extract::{ApiCaller, PathId};
use crate::state::AppState;

/// An upload that passed its checks and is being imported in the
/// background.
#[derive(Serialize, ToSchema)]
pub struct ImportAccepted {
    #[schema(value_type = i64)]
    id: ImportId,
    /// Where to follow it: `GET` this for its progress and outcome.
    status_url: String,
}

/// An import's progress, and how it ended.
#[derive(Serialize, ToSchema)]
pub struct ImportProgress {
    #[schema(value_type = i64)]
    id: ImportId,
    #[schema(value_type = i64)]
    organisation_id: OrganisationId,
    /// `queued`, `staging` (rows being written, none visible yet),
    /// `imported` (every row visible at once) or `failed` (none of it).
    state: String,
    total_rows: u64,
    /// Rows written so far; nobody sees them until the import is `imported`.
    staged_rows: u64,
    /// Once imported: the people added and updated.
    result: Option<ImportResult>,
    /// Once failed: why, one problem each.
    problems: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ImportResult {
    created: u64,
    updated: u64,
}

#[derive(Serialize, ToSchema)]
pub struct ImportProblem {
    /// 1-based; the header is line 1.
    line: u64,
    /// The column's name, its number for an unknown header, or * for the whole line.
    column: String,
    message: String,
}

#[derive(Serialize, ToSchema)]
pub struct ImportRejected {
    message: String,
    errors: Vec<ImportProblem>,
}

/// Imports people from a CSV HR export (the columns are in the README).
/// The whole file is checked first: any problem means nothing is written
/// and every problem is returned (422). A file that passes is imported by
/// a background job (202, with the job's status URL in `Location`); it is
/// all or nothing, and no one sees any of it until all of it is in.
#[utoipa::path(post, path = "/api/organisations/{id}/people/import", params(("id" = i64, Path)),
    request_body(content = String, content_type = "text/csv"),
    responses(
        (status = 202, description = "Checked and queued; follow status_url", body = ImportAccepted,
            headers(("Location" = String, description = "The import's status URL"))),
        (status = 401, body = ApiErrorBody),
        (status = 403, description = "Not a coordinator or HR of the organisation", body = ApiErrorBody),
        (status = 422, description = "The file has problems; nothing was imported", body = ImportRejected),
    ))]
pub async fn import(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    PathId(id): PathId<OrganisationId>,
    body: Bytes,
) -> Result<Response, ApiError> {
    match state
        .app
        .queue_people_import(&caller.principal, id, body.to_vec())
        .await
    {
        Ok(import) => {
            let status_url = format!("/api/people/imports/{import}");
            Ok((
                StatusCode::ACCEPTED,
                [(header::LOCATION, status_url.clone())],
                Json(ImportAccepted {
                    id: import,
                    status_url,
                }),
            )
                .into_response())
        }
        Err(ImportFailure::Rejected(errors)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(ImportRejected {
                message: format!(
                    "The file has {} problems. Nothing was imported.",
                    errors.len()
                ),
                errors: errors
                    .into_iter()
                    .map(|e| ImportProblem {
                        line: e.line,
                        column: e.column,
                        message: e.message,
                    })
                    .collect(),
            }),
        )
            .into_response()),
        Err(ImportFailure::App(error)) => Err(error.into()),
    }
}

/// An import's progress and outcome, for an administrator or a
/// coordinator or HR of its organisation.
#[utoipa::path(get, path = "/api/people/imports/{id}", params(("id" = i64, Path)),
    responses(
        (status = 200, body = ImportProgress),
        (status = 401, body = ApiErrorBody),
        (status = 404, body = ApiErrorBody),
    ))]
pub async fn import_status(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    PathId(id): PathId<ImportId>,
) -> Result<Json<ImportProgress>, ApiError> {
    let status: ImportStatus = state.app.people_import(&caller.principal, id).await?;
    Ok(Json(ImportProgress {
        id: status.id,
        organisation_id: status.organisation_id,
        state: status.state.as_str().to_owned(),
        total_rows: status.total_rows,
        staged_rows: status.staged_rows,
        result: match (status.state, status.summary) {
            (ImportState::Imported, Some(summary)) => Some(ImportResult {
                created: summary.created,
                updated: summary.updated,
            }),
            _ => None,
        },
        problems: status.problems,
    }))
}
