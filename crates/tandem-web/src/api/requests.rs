//! Mentor requests (REQ-1, REQ-5). A line manager's view of a request has
//! no goals or preferences.

use crate::extract::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tandem_app::requests::RequestView;
use tandem_domain::ids::{MentorEntryId, PersonId, ProgrammeId, RequestId};
use tandem_domain::register::MentorRequestInput;
use utoipa::ToSchema;

use crate::api::{Created, rfc3339};
use crate::error::{ApiError, ApiErrorBody};
use crate::extract::{ApiCaller, PathId};
use crate::state::AppState;

/// A mentor request as sent (REQ-1).
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct RequestBody {
    /// The key of one of the programme's tracks.
    track: String,
    goals: String,
    help_needed: String,
    preferred_style: String,
    meeting_frequency: String,
    relationship_length: String,
    meeting_location: String,
    other_team: bool,
    other_region: bool,
    other_organisation: bool,
    other_jurisdiction: bool,
    language: String,
    gender: String,
    culture: String,
    /// An ethnicity the mentee would like their mentor to share.
    race: String,
    /// A religion or belief the mentee would like their mentor to share.
    religion: String,
    /// A sexual orientation the mentee would like their mentor to share.
    sexuality: String,
    /// Where the mentee is based, for programmes that weigh location.
    location: String,
    /// What the mentee asks that a particular mentor may offer.
    #[serde(default)]
    specific_requests: String,
    /// The mentee is from a minority or professionally isolated in their
    /// own team (CAF 2).
    #[serde(default)]
    isolated: bool,
    /// A register entry id.
    #[schema(value_type = Option<i64>)]
    named_mentor: Option<MentorEntryId>,
}

/// The caller asks for a mentor. A second open request in the same
/// programme is refused (422, field `programme`).
#[utoipa::path(post, path = "/api/programmes/{id}/requests", params(("id" = i64, Path)), request_body = RequestBody, responses(
    (status = 201, body = Created),
    (status = 403, body = ApiErrorBody),
    (status = 404, body = ApiErrorBody),
    (status = 422, body = ApiErrorBody),
))]
pub async fn create_request(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    PathId(id): PathId<ProgrammeId>,
    Json(body): Json<RequestBody>,
) -> Result<Response, ApiError> {
    let input = MentorRequestInput {
        track: body.track,
        goals: body.goals,
        help_needed: body.help_needed,
        preferred_style: body.preferred_style,
        meeting_frequency: body.meeting_frequency,
        relationship_length: body.relationship_length,
        meeting_location: body.meeting_location,
        other_team: body.other_team,
        other_region: body.other_region,
        other_organisation: body.other_organisation,
        other_jurisdiction: body.other_jurisdiction,
        language: body.language,
        gender: body.gender,
        culture: body.culture,
        race: body.race,
        religion: body.religion,
        sexuality: body.sexuality,
        location: body.location,
        specific_requests: body.specific_requests,
        isolated: body.isolated,
        named_mentor: body.named_mentor.map(|m| m.to_string()).unwrap_or_default(),
    };
    let request = state
        .app
        .submit_request(&caller.principal, id, &input)
        .await?;
    Ok((StatusCode::CREATED, Json(Created::new(request))).into_response())
}

/// What the mentee wrote; absent for a consulted line manager.
#[derive(Serialize, ToSchema)]
pub struct RequestContent {
    goals: String,
    help_needed: String,
    preferred_style: String,
    meeting_frequency: String,
    relationship_length: String,
    meeting_location: String,
    other_team: bool,
    other_region: bool,
    other_organisation: bool,
    other_jurisdiction: bool,
    language: String,
    gender: String,
    culture: String,
    race: String,
    religion: String,
    sexuality: String,
    location: String,
    specific_requests: String,
    isolated: bool,
    named_mentor: Option<String>,
    rejection_reason: Option<String>,
    rejection_detail: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct MentorRequest {
    #[schema(value_type = i64)]
    id: RequestId,
    #[schema(value_type = i64)]
    programme_id: ProgrammeId,
    #[schema(value_type = i64)]
    person_id: PersonId,
    name: String,
    organisation: String,
    track: String,
    /// awaiting_screening, accepted, rejected, withdrawn or closed.
    status: String,
    /// For the mentee: where the request stands, in words, its matching
    /// included ("A mentor is considering your request").
    #[serde(skip_serializing_if = "Option::is_none")]
    progress: Option<String>,
    /// requested or automatic.
    source: String,
    /// not_needed, awaiting, supports or has_concerns.
    line_manager: String,
    /// The time the request implies, in plain English.
    time_commitment: String,
    /// RFC 3339.
    created_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    content: Option<RequestContent>,
}

fn request_json(view: &RequestView) -> MentorRequest {
    let r = &view.request;
    MentorRequest {
        id: r.id,
        programme_id: r.programme_id,
        person_id: r.person_id,
        name: format!("{} {}", r.given_name, r.family_name),
        organisation: r.organisation.clone(),
        track: r.track.clone(),
        status: r.status.as_str().to_owned(),
        progress: view.progress.map(str::to_owned),
        source: r.source.as_str().to_owned(),
        line_manager: r.consultation.as_str().to_owned(),
        time_commitment: view.time_commitment.clone(),
        created_at: rfc3339(r.created_at),
        content: view.access.sees_content().then(|| RequestContent {
            goals: r.goals.clone(),
            help_needed: r.help_needed.clone(),
            preferred_style: r.preferred_style.clone(),
            meeting_frequency: r.meeting_frequency.clone(),
            relationship_length: r.relationship_length.clone(),
            meeting_location: r.meeting_location.clone(),
            other_team: r.other_team,
            other_region: r.other_region,
            other_organisation: r.other_organisation,
            other_jurisdiction: r.other_jurisdiction,
            language: r.language.clone(),
            gender: r.gender.clone(),
            culture: r.culture.clone(),
            race: r.race.clone(),
            religion: r.religion.clone(),
            sexuality: r.sexuality.clone(),
            location: r.location.clone(),
            specific_requests: r.specific_requests.clone(),
            isolated: r.isolated,
            named_mentor: view.named_mentor.clone(),
            rejection_reason: r.rejection_reason.clone(),
            rejection_detail: r.rejection_detail.clone(),
        }),
    }
}

/// One request: in full for the mentee and the coordinators who screen it;
/// for a consulted line manager, without `content` (REQ-5).
#[utoipa::path(get, path = "/api/requests/{id}", params(("id" = i64, Path)), responses(
    (status = 200, body = MentorRequest),
    (status = 404, body = ApiErrorBody),
))]
pub async fn request(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    PathId(id): PathId<RequestId>,
) -> Result<Json<MentorRequest>, ApiError> {
    let view = state.app.request_view(&caller.principal, id).await?;
    Ok(Json(request_json(&view)))
}
