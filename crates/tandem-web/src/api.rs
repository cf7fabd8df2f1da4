//! The JSON API and its OpenAPI document. Conventions: snake_case fields,
//! times as RFC 3339, errors as `{ "message", "fields": [...] }`, paging by
//! `page` (from 1) and `per_page`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tandem_app::import::{ImportFailure, NoProgress};
use tandem_app::people::PER_PAGE;
use tandem_app::programmes::ProgrammeImportFailure;
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::AppState;
use crate::error::{ApiError, ApiErrorBody, ApiFieldError};
use crate::session::ApiCaller;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Tandem API",
        description = "Mentoring programmes, run end to end. Sign in through /sign-in; the session cookie authenticates API calls, and every call that changes something must send the session's CSRF token in an X-CSRF-Token header (GET /api/me returns it)."
    ),
    paths(
        health,
        me,
        people,
        person,
        import,
        programmes,
        programme,
        create_programme,
        replace_programme,
        crate::register_api::register,
        crate::register_api::create_entry,
        crate::register_api::entry,
        crate::register_api::update_entry,
        crate::register_api::create_request,
        crate::register_api::request,
        crate::register_api::screening_queue,
        crate::register_api::screen
    ),
    components(schemas(
        Health,
        Me,
        Grant,
        PersonSummary,
        PeoplePage,
        Person,
        Fostering,
        ImportResult,
        ImportProblem,
        ImportRejected,
        ApiErrorBody,
        ApiFieldError,
        ProgrammeSummary,
        ProgrammeDetail,
        ProgrammeOrganisation,
        ProgrammeProblem,
        ProgrammeRejected,
        crate::register_api::RegisterEntry,
        crate::register_api::EntryBody,
        crate::register_api::Created,
        crate::register_api::RequestBody,
        crate::register_api::MentorRequest,
        crate::register_api::RequestContent,
        crate::register_api::Queue,
        crate::register_api::QueueEntry,
        crate::register_api::ScreeningBody
    ))
)]
pub struct ApiDoc;

pub async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

#[derive(Serialize, ToSchema)]
pub struct Health {
    /// "ok" when the server and its database answer.
    status: String,
}

/// Whether the server and its database are up.
#[utoipa::path(get, path = "/health", responses(
    (status = 200, description = "Up", body = Health),
    (status = 503, description = "The database does not answer", body = Health),
))]
pub async fn health(State(state): State<AppState>) -> Response {
    match state.app.store().ping().await {
        Ok(()) => Json(Health {
            status: "ok".into(),
        })
        .into_response(),
        Err(error) => {
            tracing::error!(%error, "health check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(Health {
                    status: "database unavailable".into(),
                }),
            )
                .into_response()
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Grant {
    /// administrator, coordinator, hr, line_manager, supervising_social_worker, mentor or mentee.
    role: String,
    organisation_id: Option<i64>,
    programme_id: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct Me {
    account_id: i64,
    person_id: Option<i64>,
    display_name: String,
    grants: Vec<Grant>,
    /// Send this as X-CSRF-Token with every request that changes something.
    csrf_token: String,
}

/// The signed-in caller.
#[utoipa::path(get, path = "/api/me", responses(
    (status = 200, body = Me),
    (status = 401, description = "Not signed in", body = ApiErrorBody),
))]
pub async fn me(ApiCaller(caller): ApiCaller) -> Json<Me> {
    let p = caller.principal;
    Json(Me {
        account_id: p.account_id,
        person_id: p.person_id,
        display_name: p.display_name,
        grants: p
            .grants
            .iter()
            .map(|g| Grant {
                role: g.role.as_str().into(),
                organisation_id: g.organisation_id,
                programme_id: g.programme_id,
            })
            .collect(),
        csrf_token: caller.csrf_token,
    })
}

#[derive(Deserialize, IntoParams)]
pub struct PeopleParams {
    /// Matches name, email, employee id or job title, ignoring case.
    q: Option<String>,
    /// From 1.
    page: Option<i64>,
    /// From 1 to 200; 25 if not given.
    per_page: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct PersonSummary {
    id: i64,
    employee_id: String,
    given_name: String,
    family_name: String,
    email: String,
    job_title: String,
    organisation: String,
    region: Option<String>,
    team: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct PeoplePage {
    people: Vec<PersonSummary>,
    total: i64,
    page: i64,
    per_page: i64,
}

/// The people the caller may see: everyone for administrators, their
/// organisations for coordinators, HR and supervising social workers,
/// their management chain for line managers, and themselves.
#[utoipa::path(get, path = "/api/people", params(PeopleParams), responses(
    (status = 200, body = PeoplePage),
    (status = 401, body = ApiErrorBody),
    (status = 422, description = "A paging parameter is out of range", body = ApiErrorBody),
))]
pub async fn people(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Query(params): Query<PeopleParams>,
) -> Result<Json<PeoplePage>, ApiError> {
    let listing = state
        .app
        .list_people(
            &caller.principal,
            params.q.as_deref().unwrap_or(""),
            params.page.unwrap_or(1),
            params.per_page.unwrap_or(PER_PAGE),
        )
        .await?;
    Ok(Json(PeoplePage {
        total: listing.total,
        page: listing.page,
        per_page: listing.per_page,
        people: listing.people.into_iter().map(summary).collect(),
    }))
}

fn summary(p: tandem_store::PersonSummary) -> PersonSummary {
    PersonSummary {
        id: p.id,
        employee_id: p.employee_id,
        given_name: p.given_name,
        family_name: p.family_name,
        email: p.email,
        job_title: p.job_title,
        organisation: p.organisation,
        region: p.region,
        team: p.team,
    }
}

#[derive(Serialize, ToSchema)]
pub struct Fostering {
    approval_type: Option<String>,
    carer_level: Option<i64>,
    approval_date: Option<String>,
    household: Option<String>,
    special_interests: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct Person {
    id: i64,
    organisation_id: i64,
    organisation: String,
    employee_id: String,
    given_name: String,
    family_name: String,
    email: String,
    region: Option<String>,
    team: Option<String>,
    line_manager_id: Option<i64>,
    line_manager_name: Option<String>,
    job_title: String,
    grade: String,
    /// YYYY-MM-DD.
    start_date: Option<String>,
    /// employee, self_employed_contractor or foster_carer_household.
    employment_type: String,
    /// Present for foster carer households, to those who may see it.
    fostering: Option<Fostering>,
    /// Why the caller may see this person: administrator, organisation_staff, own or line_manager.
    access: String,
    direct_reports: Vec<PersonSummary>,
}

/// One person, if the caller may see them; 404 otherwise, whether or not
/// the person exists.
#[utoipa::path(get, path = "/api/people/{id}", params(("id" = i64, Path)), responses(
    (status = 200, body = Person),
    (status = 401, body = ApiErrorBody),
    (status = 404, description = "No such person, or not one the caller may see", body = ApiErrorBody),
))]
pub async fn person(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<Person>, ApiError> {
    let id: i64 = id
        .parse()
        .map_err(|_| ApiError::new(StatusCode::NOT_FOUND, "Not found."))?;
    let view = state.app.person(&caller.principal, id).await?;
    let p = view.person;
    let fostering = (p.employment_type == "foster_carer_household" && view.access.sees_household())
        .then_some(Fostering {
            approval_type: p.approval_type,
            carer_level: p.carer_level,
            approval_date: p.approval_date,
            household: p.household,
            special_interests: p.special_interests,
        });
    Ok(Json(Person {
        id: p.id,
        organisation_id: p.organisation_id,
        organisation: p.organisation,
        employee_id: p.employee_id,
        given_name: p.given_name,
        family_name: p.family_name,
        email: p.email,
        region: p.region,
        team: p.team,
        line_manager_id: p.line_manager_id,
        line_manager_name: p.line_manager_name,
        job_title: p.job_title,
        grade: p.grade,
        start_date: p.start_date,
        employment_type: p.employment_type,
        fostering,
        access: view.access.as_str().to_owned(),
        direct_reports: view.direct_reports.into_iter().map(summary).collect(),
    }))
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
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let id: i64 = id
        .parse()
        .map_err(|_| ApiError::new(StatusCode::NOT_FOUND, "Not found."))?;
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

#[derive(Serialize, ToSchema)]
pub struct ProgrammeOrganisation {
    id: i64,
    name: String,
    jurisdiction: String,
}

#[derive(Serialize, ToSchema)]
pub struct ProgrammeSummary {
    id: i64,
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

fn programme_summary(view: &tandem_app::programmes::ProgrammeView) -> ProgrammeSummary {
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
    }
}

fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "Not found.")
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
    Path(id): Path<String>,
) -> Result<Json<ProgrammeDetail>, ApiError> {
    let id: i64 = id.parse().map_err(|_| not_found())?;
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
            TomlBodyError::NotUtf8 => rejected(vec![tandem_domain::programme::ProgrammeError {
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

fn rejected(errors: Vec<tandem_domain::programme::ProgrammeError>) -> Response {
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
    outcome: Result<tandem_app::programmes::ProgrammeView, ProgrammeImportFailure>,
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
/// and key, and nothing is saved unless the whole file is sound.
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
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let id: i64 = id.parse().map_err(|_| not_found())?;
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
