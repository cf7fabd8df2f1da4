//! Programmes (PRG-1 to PRG-6): listing them, reading one with all its
//! settings, and adding or replacing one from its TOML file.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use tandem_app::programmes::{ProgrammeImportFailure, ProgrammeView};
use tandem_domain::ids::{OrganisationId, ProgrammeId};
use tandem_domain::programme::ProgrammeError;
use utoipa::ToSchema;

use crate::error::{ApiError, ApiErrorBody};
use crate::extract::{ApiCaller, PathId};
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct ProgrammeOrganisation {
    #[schema(value_type = i64)]
    id: OrganisationId,
    name: String,
    jurisdiction: String,
}

#[derive(Serialize, ToSchema)]
pub struct ProgrammeSummary {
    #[schema(value_type = i64)]
    id: ProgrammeId,
    key: String,
    name: String,
    summary: String,
    /// The organisations taking part (PRG-1).
    organisations: Vec<ProgrammeOrganisation>,
    /// YYYY-MM-DD: when the programme's policy is next due for review (PRG-6).
    next_policy_review: Option<String>,
    /// Whether that date has come.
    policy_review_due: bool,
    /// Whether the caller may change the settings.
    can_edit: bool,
    /// False while the programme is a draft, seen only by its coordinators
    /// and administrators; POST /api/programmes/{id}/publish publishes it.
    published: bool,
}

#[derive(Serialize, ToSchema)]
pub struct ProgrammeDetail {
    #[serde(flatten)]
    programme: ProgrammeSummary,
    /// Every setting, as the programme's TOML file holds them (PRG-3).
    #[schema(value_type = Object)]
    settings: serde_json::Value,
}

#[derive(Serialize, ToSchema)]
pub struct ProgrammeProblem {
    /// 1-based line of the TOML body.
    line: usize,
    /// The setting's key path, e.g. `tracks[1].length.min_months`; empty for a syntax error.
    key: String,
    message: String,
}

#[derive(Serialize, ToSchema)]
pub struct ProgrammeRejected {
    message: String,
    errors: Vec<ProgrammeProblem>,
}

fn programme_summary(view: &ProgrammeView) -> ProgrammeSummary {
    ProgrammeSummary {
        id: view.id,
        key: view.programme.key.as_str().to_owned(),
        name: view.programme.name.clone(),
        summary: view.programme.summary.clone(),
        organisations: view
            .organisations
            .iter()
            .map(|o| ProgrammeOrganisation {
                id: o.id,
                name: o.name.clone(),
                jurisdiction: o.jurisdiction.clone(),
            })
            .collect(),
        next_policy_review: view.next_review.map(|d| d.to_string()),
        policy_review_due: view.review_due,
        can_edit: view.can_edit(),
        published: !view.is_draft(),
    }
}

/// The programmes the caller may see: every programme for administrators;
/// otherwise those of the organisations the caller works for or holds a
/// role in.
#[utoipa::path(get, path = "/api/programmes", responses(
    (status = 200, body = [ProgrammeSummary]),
    (status = 401, body = ApiErrorBody),
))]
pub async fn programmes(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> Result<Json<Vec<ProgrammeSummary>>, ApiError> {
    let views = state.app.list_programmes(&caller.principal).await?;
    Ok(Json(views.iter().map(programme_summary).collect()))
}

/// One programme with all its settings; 404 unless the caller is a member
/// of an organisation taking part.
#[utoipa::path(get, path = "/api/programmes/{id}", params(("id" = i64, Path)), responses(
    (status = 200, body = ProgrammeDetail),
    (status = 401, body = ApiErrorBody),
    (status = 404, description = "No such programme, or not one the caller may see", body = ApiErrorBody),
))]
pub async fn programme(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    PathId(id): PathId<ProgrammeId>,
) -> Result<Json<ProgrammeDetail>, ApiError> {
    let view = state.app.programme(&caller.principal, id).await?;
    let settings = serde_json::to_value(&view.programme).map_err(|error| {
        tracing::error!(%error, "a programme did not serialise");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong on our side.",
        )
    })?;
    Ok(Json(ProgrammeDetail {
        programme: programme_summary(&view),
        settings,
    }))
}

/// Why a programme upload was not read.
enum TomlBodyError {
    NotToml,
    NotUtf8,
}

impl IntoResponse for TomlBodyError {
    fn into_response(self) -> Response {
        match self {
            TomlBodyError::NotToml => ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Send the programme as TOML, with Content-Type: application/toml.",
            )
            .into_response(),
            TomlBodyError::NotUtf8 => rejected(vec![ProgrammeError {
                line: 1,
                key: String::new(),
                message: "the file is not UTF-8 text".to_owned(),
            }]),
        }
    }
}

/// The body of a programme upload as text, if it is TOML.
fn toml_body(headers: &HeaderMap, body: &Bytes) -> Result<String, TomlBodyError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        });
    if let Some(kind) = content_type
        && !matches!(
            kind.as_str(),
            "application/toml" | "text/toml" | "text/x-toml" | "text/plain"
        )
    {
        return Err(TomlBodyError::NotToml);
    }
    String::from_utf8(body.to_vec()).map_err(|_| TomlBodyError::NotUtf8)
}

fn rejected(errors: Vec<ProgrammeError>) -> Response {
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        Json(ProgrammeRejected {
            message: format!(
                "The programme has {} problems. Nothing was saved.",
                errors.len()
            ),
            errors: errors
                .into_iter()
                .map(|e| ProgrammeProblem {
                    line: e.line,
                    key: e.key,
                    message: e.message,
                })
                .collect(),
        }),
    )
        .into_response()
}

fn import_outcome(
    outcome: Result<ProgrammeView, ProgrammeImportFailure>,
    status: StatusCode,
) -> Result<Response, ApiError> {
    match outcome {
        Ok(view) => {
            let location = format!("/api/programmes/{}", view.id);
            Ok((
                status,
                [(header::LOCATION, location)],
                Json(programme_summary(&view)),
            )
                .into_response())
        }
        Err(ProgrammeImportFailure::Rejected(errors)) => Ok(rejected(errors)),
        Err(ProgrammeImportFailure::App(error)) => Err(error.into()),
    }
}

/// Adds a programme from its TOML file (the format of `programmes/*.toml`).
/// Administrators may add one for any organisations; coordinators for
/// organisations they coordinate. Every problem is returned with its line
/// and key, and nothing is saved unless the whole file is sound. The
/// programme starts as a draft: POST /api/programmes/{id}/publish.
#[utoipa::path(post, path = "/api/programmes",
    request_body(content = String, content_type = "application/toml"),
    responses(
        (status = 201, description = "Added", body = ProgrammeSummary),
        (status = 401, body = ApiErrorBody),
        (status = 403, description = "Not an administrator, or not a coordinator of every organisation named", body = ApiErrorBody),
        (status = 415, description = "Not sent as TOML", body = ApiErrorBody),
        (status = 422, description = "The file has problems, or the key is taken; nothing was saved", body = ProgrammeRejected),
    ))]
pub async fn create_programme(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let source = match toml_body(&headers, &body) {
        Ok(source) => source,
        Err(problem) => return Ok(problem.into_response()),
    };
    import_outcome(
        state.app.import_programme(&caller.principal, &source).await,
        StatusCode::CREATED,
    )
}

/// Replaces a programme's settings with a TOML file. The key cannot change;
/// only administrators may change the organisations taking part.
#[utoipa::path(put, path = "/api/programmes/{id}", params(("id" = i64, Path)),
    request_body(content = String, content_type = "application/toml"),
    responses(
        (status = 200, description = "Saved", body = ProgrammeSummary),
        (status = 401, body = ApiErrorBody),
        (status = 403, description = "May see the programme but not change it", body = ApiErrorBody),
        (status = 404, description = "No such programme, or not one the caller may see", body = ApiErrorBody),
        (status = 415, description = "Not sent as TOML", body = ApiErrorBody),
        (status = 422, description = "The file has problems; nothing was saved", body = ProgrammeRejected),
    ))]
pub async fn replace_programme(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    PathId(id): PathId<ProgrammeId>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let source = match toml_body(&headers, &body) {
        Ok(source) => source,
        Err(problem) => return Ok(problem.into_response()),
    };
    import_outcome(
        state
            .app
            .replace_programme(&caller.principal, id, &source)
            .await,
        StatusCode::OK,
    )
}

/// Publishes a draft programme, so that staff of the organisations taking
/// part see it and may ask for a mentor. Publishing a published programme
/// changes nothing.
#[utoipa::path(post, path = "/api/programmes/{id}/publish", params(("id" = i64, Path)),
    responses(
        (status = 200, description = "Published", body = ProgrammeSummary),
        (status = 401, body = ApiErrorBody),
        (status = 403, description = "May see the programme but not publish it", body = ApiErrorBody),
        (status = 404, description = "No such programme, or not one the caller may see", body = ApiErrorBody),
    ))]
pub async fn publish_programme(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    PathId(id): PathId<ProgrammeId>,
) -> Result<Json<ProgrammeSummary>, ApiError> {
    let view = state.app.publish_programme(&caller.principal, id).await?;
    Ok(Json(programme_summary(&view)))
}
