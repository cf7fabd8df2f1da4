//! Screening (REQ-3): a programme's queue, first come first served, and
//! the decision on a request.

use crate::extract::Json;
use crate::extract::Query;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use tandem_app::requests::QueueItem;
use tandem_domain::ids::{ProgrammeId, RequestId};
use tandem_domain::register::ScreeningInput;
use utoipa::{IntoParams, ToSchema};

use crate::api::rfc3339;
use crate::error::{ApiError, ApiErrorBody};
use crate::extract::{ApiCaller, PathId};
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct QueueEntry {
    position: usize,
    #[schema(value_type = i64)]
    request_id: RequestId,
    name: String,
    organisation: String,
    track: String,
    source: String,
    /// RFC 3339.
    created_at: String,
    /// Whether the self-assessment is answered; null where the programme
    /// asks for none.
    self_assessed: Option<bool>,
    /// The line manager's answer about the time: not_needed, awaiting,
    /// supports or has_concerns.
    line_manager: String,
}

#[derive(Serialize, ToSchema)]
pub struct Queue {
    /// Oldest first: the page asked for.
    awaiting_screening: Vec<QueueEntry>,
    /// How many wait to be screened, on every page.
    awaiting_screening_total: i64,
    /// Accepted, waiting for a mentor, oldest first: the first page.
    accepted: Vec<QueueEntry>,
    /// How many accepted requests wait for a mentor.
    accepted_total: i64,
}

/// Which page of the requests waiting to be screened.
#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct QueueParams {
    /// From 1 (the default).
    page: Option<i64>,
    /// Requests a page: 100 unless given, at most 500.
    per_page: Option<i64>,
}

fn queue_entries(items: &[QueueItem], first: i64) -> Vec<QueueEntry> {
    (first..)
        .zip(items)
        .map(|(position, item)| QueueEntry {
            position: usize::try_from(position).unwrap_or_default(),
            request_id: item.request.id,
            name: format!("{} {}", item.request.given_name, item.request.family_name),
            organisation: item.request.organisation.clone(),
            track: item.track_name.clone(),
            source: item.request.source.as_str().to_owned(),
            created_at: rfc3339(item.request.created_at),
            self_assessed: item.self_assessed,
            line_manager: item.request.consultation.as_str().to_owned(),
        })
        .collect()
}

/// A programme's screening queue, first come first served (REQ-3).
#[utoipa::path(get, path = "/api/programmes/{id}/screening", params(("id" = i64, Path), QueueParams), responses(
    (status = 200, body = Queue),
    (status = 403, body = ApiErrorBody),
    (status = 404, body = ApiErrorBody),
))]
pub async fn screening_queue(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    PathId(id): PathId<ProgrammeId>,
    Query(params): Query<QueueParams>,
) -> Result<Json<Queue>, ApiError> {
    let per_page = crate::api::per_page(params.per_page);
    let queue = state
        .app
        .screening_queue_page(&caller.principal, id, params.page.unwrap_or(1), per_page)
        .await?;
    Ok(Json(Queue {
        awaiting_screening: queue_entries(&queue.awaiting, queue.first_position()),
        awaiting_screening_total: queue.awaiting_total,
        accepted: queue_entries(&queue.accepted, 1),
        accepted_total: queue.accepted_total,
    }))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct ScreeningBody {
    /// accept or reject.
    decision: String,
    /// When rejecting: outside_target_group, not_eligible_for_track,
    /// better_served_elsewhere, no_mentor_available or other.
    reason: String,
    /// Free text; required with reason `other`.
    detail: String,
}

/// Accepts or rejects a request awaiting screening.
#[utoipa::path(post, path = "/api/requests/{id}/screening", params(("id" = i64, Path)), request_body = ScreeningBody, responses(
    (status = 204, description = "Decision recorded"),
    (status = 403, body = ApiErrorBody),
    (status = 404, body = ApiErrorBody),
    (status = 422, body = ApiErrorBody),
))]
pub async fn screen(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    PathId(id): PathId<RequestId>,
    Json(body): Json<ScreeningBody>,
) -> Result<StatusCode, ApiError> {
    let input = ScreeningInput {
        decision: body.decision,
        reason: body.reason,
        detail: body.detail,
    };
    state
        .app
        .screen_request(&caller.principal, id, &input)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
