//! The JSON API for the mentor register (REG-1 to REG-5), mentor requests
//! (REQ-1, REQ-5) and screening (REQ-3). The app's values are mapped to
//! the shapes here, so nothing reaches a response by accident: a profile
//! field a mentor has not published is absent for a mentee browsing, and
//! a line manager's view of a request has no goals or preferences.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tandem_app::register::EntryViewModel;
use tandem_app::requests::{QueueItem, RequestView};
use tandem_domain::permissions::EntryView;
use tandem_domain::register::{
    MentorProfileInput, MentorRequestInput, ProfileField, ScreeningInput,
};
use tandem_store::RegisterFilter;
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::error::{ApiError, ApiErrorBody};
use crate::session::ApiCaller;

fn parse_id(id: &str) -> Result<i64, ApiError> {
    id.parse()
        .map_err(|_| ApiError::new(StatusCode::NOT_FOUND, "Not found."))
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct RegisterParams {
    /// Organisation id.
    organisation: Option<i64>,
    /// Region name, exactly (ignoring case).
    region: Option<String>,
    /// Part of the areas of expertise.
    expertise: Option<String>,
    /// Part of the languages.
    language: Option<String>,
    /// available, paused or full.
    availability: Option<String>,
}

/// A register entry. Fields the reader may not see are absent: a mentee
/// browsing sees only what the mentor publishes.
#[derive(Serialize, ToSchema)]
pub struct RegisterEntry {
    id: i64,
    programme_id: i64,
    name: String,
    organisation: String,
    jurisdiction: String,
    region: Option<String>,
    /// available, paused or full.
    availability: String,
    /// YYYY-MM-DD, when paused.
    paused_until: Option<String>,
    capacity: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    experience: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    interests: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expertise: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    style: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    languages: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    special_interests: Option<String>,
    /// Only for those who keep the entry: whether the programme's mentor
    /// rules are met, and every reason they are not.
    #[serde(skip_serializing_if = "Option::is_none")]
    eligible: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ineligible_reasons: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    training_completed: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    active_mentees: Option<i64>,
    /// Profile fields shown to mentees browsing.
    #[serde(skip_serializing_if = "Option::is_none")]
    published: Option<Vec<String>>,
    /// The people mentored so far (names).
    #[serde(skip_serializing_if = "Option::is_none")]
    mentored: Option<Vec<String>>,
}

fn entry_json(entry: &EntryViewModel) -> RegisterEntry {
    let shown = |field: ProfileField| {
        entry
            .shows(field)
            .then(|| entry.profile.field(field).to_owned())
    };
    let full = entry.view == EntryView::Full;
    RegisterEntry {
        id: entry.id,
        programme_id: entry.programme_id,
        name: entry.name.clone(),
        organisation: entry.organisation.clone(),
        jurisdiction: entry.jurisdiction.clone(),
        region: entry.region.clone(),
        availability: entry.profile.availability.as_str().to_owned(),
        paused_until: entry.profile.availability.until_text(),
        capacity: entry.profile.capacity,
        experience: shown(ProfileField::Experience),
        interests: shown(ProfileField::Interests),
        expertise: shown(ProfileField::Expertise),
        style: shown(ProfileField::Style),
        languages: shown(ProfileField::Languages),
        location: shown(ProfileField::Location),
        special_interests: shown(ProfileField::SpecialInterests),
        eligible: full.then(|| entry.eligible()),
        ineligible_reasons: full
            .then(|| entry.ineligible.iter().map(ToString::to_string).collect()),
        training_completed: full.then_some(entry.profile.training_completed),
        active_mentees: full.then_some(entry.active_mentees),
        published: full.then(|| {
            entry
                .profile
                .published
                .iter()
                .map(|f| f.as_str().to_owned())
                .collect()
        }),
        mentored: full.then(|| {
            entry
                .mentored
                .iter()
                .map(|p| format!("{} {}", p.given_name, p.family_name))
                .collect()
        }),
    }
}

/// A programme's mentor register, filtered (REG-4).
#[utoipa::path(get, path = "/api/programmes/{id}/register", params(("id" = i64, Path), RegisterParams), responses(
    (status = 200, body = [RegisterEntry]),
    (status = 401, body = ApiErrorBody),
    (status = 404, description = "No such programme, or no view of its register", body = ApiErrorBody),
))]
pub async fn register(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    Query(params): Query<RegisterParams>,
) -> Result<Json<Vec<RegisterEntry>>, ApiError> {
    let filter = RegisterFilter {
        organisation_id: params.organisation,
        region: params.region,
        expertise: params.expertise,
        language: params.language,
        availability: params.availability,
    };
    let register = state
        .app
        .register(&caller.principal, parse_id(&id)?, &filter)
        .await?;
    Ok(Json(register.entries.iter().map(entry_json).collect()))
}

/// A register entry as sent: every field optional.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct EntryBody {
    /// Employee id of a mentor being identified; absent to volunteer.
    person: String,
    experience: String,
    experience_months: Option<i64>,
    interests: String,
    expertise: String,
    style: String,
    languages: String,
    location: String,
    special_interests: String,
    training_completed: bool,
    experience_shown_by_appraisal: bool,
    /// Profile fields to publish: experience, interests, expertise, style,
    /// languages, location, special_interests.
    published: Vec<String>,
    capacity: Option<i64>,
    /// available, paused or full.
    availability: String,
    /// YYYY-MM-DD, when paused.
    paused_until: String,
}

impl EntryBody {
    fn input(&self) -> Result<MentorProfileInput, ApiError> {
        let mut published = Vec::new();
        for name in &self.published {
            match ProfileField::parse(name) {
                Some(field) => published.push(field),
                None => {
                    return Err(ApiError::invalid(vec![tandem_app::FieldError {
                        field: "published".into(),
                        message: format!("\"{name}\" is not a profile field"),
                    }]));
                }
            }
        }
        Ok(MentorProfileInput {
            experience: self.experience.clone(),
            experience_months: self
                .experience_months
                .map(|m| m.to_string())
                .unwrap_or_default(),
            interests: self.interests.clone(),
            expertise: self.expertise.clone(),
            style: self.style.clone(),
            languages: self.languages.clone(),
            location: self.location.clone(),
            special_interests: self.special_interests.clone(),
            training_completed: self.training_completed,
            experience_shown_by_appraisal: self.experience_shown_by_appraisal,
            published,
            capacity: self.capacity.map(|c| c.to_string()).unwrap_or_default(),
            availability: self.availability.clone(),
            paused_until: self.paused_until.clone(),
        })
    }
}

#[derive(Serialize, ToSchema)]
pub struct Created {
    id: i64,
}

/// Volunteers (no `person`) or adds an identified mentor to a programme's
/// register, or updates their entry (REG-3, REG-5).
#[utoipa::path(post, path = "/api/programmes/{id}/register", params(("id" = i64, Path)), request_body = EntryBody, responses(
    (status = 201, body = Created),
    (status = 403, body = ApiErrorBody),
    (status = 404, body = ApiErrorBody),
    (status = 422, description = "Invalid fields, each named", body = ApiErrorBody),
))]
pub async fn create_entry(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    Json(body): Json<EntryBody>,
) -> Result<Response, ApiError> {
    let input = body.input()?;
    let entry = state
        .app
        .save_register_entry(&caller.principal, parse_id(&id)?, &body.person, &input)
        .await?;
    Ok((StatusCode::CREATED, Json(Created { id: entry })).into_response())
}

/// One register entry, as much of it as the caller may see.
#[utoipa::path(get, path = "/api/register/{id}", params(("id" = i64, Path)), responses(
    (status = 200, body = RegisterEntry),
    (status = 404, body = ApiErrorBody),
))]
pub async fn entry(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<RegisterEntry>, ApiError> {
    let (_, entry) = state
        .app
        .register_entry(&caller.principal, parse_id(&id)?)
        .await?;
    Ok(Json(entry_json(&entry)))
}

/// Replaces a register entry's profile, capacity and availability; only
/// the mentor and the keepers of their organisation's entries may.
#[utoipa::path(put, path = "/api/register/{id}", params(("id" = i64, Path)), request_body = EntryBody, responses(
    (status = 200, body = RegisterEntry),
    (status = 403, body = ApiErrorBody),
    (status = 404, body = ApiErrorBody),
    (status = 422, body = ApiErrorBody),
))]
pub async fn update_entry(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    Json(body): Json<EntryBody>,
) -> Result<Json<RegisterEntry>, ApiError> {
    let id = parse_id(&id)?;
    let input = body.input()?;
    state
        .app
        .update_register_entry(&caller.principal, id, &input)
        .await?;
    let (_, entry) = state.app.register_entry(&caller.principal, id).await?;
    Ok(Json(entry_json(&entry)))
}

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
    /// A register entry id.
    named_mentor: Option<i64>,
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
    Path(id): Path<String>,
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
        named_mentor: body.named_mentor.map(|m| m.to_string()).unwrap_or_default(),
    };
    let request = state
        .app
        .submit_request(&caller.principal, parse_id(&id)?, &input)
        .await?;
    Ok((StatusCode::CREATED, Json(Created { id: request })).into_response())
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
    named_mentor: Option<String>,
    rejection_reason: Option<String>,
    rejection_detail: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct MentorRequest {
    id: i64,
    programme_id: i64,
    person_id: i64,
    name: String,
    organisation: String,
    track: String,
    /// awaiting_screening, accepted, rejected or withdrawn.
    status: String,
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

fn rfc3339(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
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
        status: r.status.clone(),
        source: r.source.clone(),
        line_manager: r.consultation.clone(),
        time_commitment: view.time_commitment.clone(),
        created_at: rfc3339(r.created_at),
        content: view.access.sees_content().then(|| RequestContent {
            goals: r.goals.clone(),
            help_needed: r.help_needed.clone(),
            preferred_style: r.preferred_style.clone(),
            meeting_frequency: r.meeting_frequency.clone(),
            relationship_length: r.relationship_length.clone(),
            meeting_location: r.meeting_location.clone(),
            other_team: r.other_team != 0,
            other_region: r.other_region != 0,
            other_organisation: r.other_organisation != 0,
            other_jurisdiction: r.other_jurisdiction != 0,
            language: r.language.clone(),
            gender: r.gender.clone(),
            culture: r.culture.clone(),
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
    Path(id): Path<String>,
) -> Result<Json<MentorRequest>, ApiError> {
    let view = state
        .app
        .request_view(&caller.principal, parse_id(&id)?)
        .await?;
    Ok(Json(request_json(&view)))
}

#[derive(Serialize, ToSchema)]
pub struct QueueEntry {
    position: usize,
    request_id: i64,
    name: String,
    organisation: String,
    track: String,
    source: String,
    /// RFC 3339.
    created_at: String,
    self_assessed: bool,
}

#[derive(Serialize, ToSchema)]
pub struct Queue {
    /// Oldest first.
    awaiting_screening: Vec<QueueEntry>,
    /// Accepted, waiting for a mentor, oldest first.
    accepted: Vec<QueueEntry>,
}

fn queue_entries(items: &[QueueItem]) -> Vec<QueueEntry> {
    items
        .iter()
        .enumerate()
        .map(|(i, item)| QueueEntry {
            position: i + 1,
            request_id: item.request.id,
            name: format!("{} {}", item.request.given_name, item.request.family_name),
            organisation: item.request.organisation.clone(),
            track: item.track_name.clone(),
            source: item.request.source.clone(),
            created_at: rfc3339(item.request.created_at),
            self_assessed: item.self_assessed,
        })
        .collect()
}

/// A programme's screening queue, first come first served (REQ-3).
#[utoipa::path(get, path = "/api/programmes/{id}/screening", params(("id" = i64, Path)), responses(
    (status = 200, body = Queue),
    (status = 403, body = ApiErrorBody),
    (status = 404, body = ApiErrorBody),
))]
pub async fn screening_queue(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<Queue>, ApiError> {
    let queue = state
        .app
        .screening_queue(&caller.principal, parse_id(&id)?)
        .await?;
    Ok(Json(Queue {
        awaiting_screening: queue_entries(&queue.awaiting),
        accepted: queue_entries(&queue.accepted),
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
    Path(id): Path<String>,
    Json(body): Json<ScreeningBody>,
) -> Result<StatusCode, ApiError> {
    let input = ScreeningInput {
        decision: body.decision,
        reason: body.reason,
        detail: body.detail,
    };
    state
        .app
        .screen_request(&caller.principal, parse_id(&id)?, &input)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
