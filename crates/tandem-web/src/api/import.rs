//! Importing people from a CSV HR export (PPL-3) into one organisation.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use tandem_app::import::{ImportFailure, NoProgress};
use tandem_domain::ids::OrganisationId;
use utoipa::ToSchema;

use crate::error::{ApiError, ApiErrorBody};
use crate::extract::{ApiCaller, PathId};
use crate::state::AppState;

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
/// All or nothing: any problem means nothing is written and every problem
/// is returned.
#[utoipa::path(post, path = "/api/organisations/{id}/people/import", params(("id" = i64, Path)),
    request_body(content = String, content_type = "text/csv"),
    responses(
        (status = 200, body = ImportResult),
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
        .import_people_as(&caller.principal, id, body.as_ref(), &NoProgress)
        .await
    {
        Ok(summary) => Ok(Json(ImportResult {
            created: summary.created,
            updated: summary.updated,
        })
        .into_response()),
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
