//! The mentor register (REG-1 to REG-5). A profile field a mentor has not
//! published is absent for a mentee browsing.

use crate::extract::Json;
use crate::extract::Query;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tandem_app::register::EntryViewModel;
use tandem_app::views::RegisterFilter;
use tandem_domain::ids::{MentorEntryId, OrganisationId, ProgrammeId};
use tandem_domain::permissions::EntryView;
use tandem_domain::register::{MentorProfileInput, ProfileField};
use utoipa::{IntoParams, ToSchema};

use crate::api::Created;
use crate::error::{ApiError, ApiErrorBody};
use crate::extract::{ApiCaller, PathId};
use crate::state::AppState;

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct RegisterParams {
    /// Organisation id.
    #[param(value_type = Option<i64>)]
    organisation: Option<OrganisationId>,
    /// Region name, exactly (ignoring case).
    region: Option<String>,
    /// Part of the areas of expertise.
    expertise: Option<String>,
    /// Part of the languages.
    language: Option<String>,
    /// available, paused or full.
    availability: Option<String>,
    /// The page of entries, from 1 (the default).
    page: Option<i64>,
    /// Entries a page: 100 unless given, at most 500.
    per_page: Option<i64>,
}

/// A register entry. Fields the reader may not see are absent: a mentee
/// browsing sees only what the mentor publishes.
#[derive(Serialize, ToSchema)]
pub struct RegisterEntry {
    #[schema(value_type = i64)]
    id: MentorEntryId,
    #[schema(value_type = i64)]
    programme_id: ProgrammeId,
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

/// A programme's mentor register, filtered (REG-4), a page at a time in
/// name order (`page`, `per_page`; a page past the end is empty).
#[utoipa::path(get, path = "/api/programmes/{id}/register", params(("id" = i64, Path), RegisterParams), responses(
    (status = 200, body = [RegisterEntry]),
    (status = 401, body = ApiErrorBody),
    (status = 404, description = "No such programme, or no view of its register", body = ApiErrorBody),
))]
pub async fn register(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    PathId(id): PathId<ProgrammeId>,
    Query(params): Query<RegisterParams>,
) -> Result<Json<Vec<RegisterEntry>>, ApiError> {
    let filter = RegisterFilter {
        organisation_id: params.organisation,
        region: params.region,
        expertise: params.expertise,
        language: params.language,
        availability: params.availability,
        name: None,
    };
    let per_page = crate::api::per_page(params.per_page);
    let register = state
        .app
        .register(
            &caller.principal,
            id,
            &filter,
            params.page.unwrap_or(1),
            per_page,
        )
        .await?;
    Ok(Json(register.entries.iter().map(entry_json).collect()))
}

/// A register entry as sent: every field optional.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct EntryBody {
    /// Employee id of a mentor being identified; absent to volunteer.
    person: Option<String>,
    experience: String,
    experience_months: Option<i64>,
    interests: String,
    expertise: String,
    style: String,
    languages: String,
    location: String,
    special_interests: String,
    /// Recorded by a coordinator or supervising social worker; on the
    /// caller's own entry it is not taken, and stays as recorded.
    training_completed: bool,
    /// As `training_completed`: never set by the mentor about themselves.
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
    PathId(id): PathId<ProgrammeId>,
    Json(body): Json<EntryBody>,
) -> Result<Response, ApiError> {
    let input = body.input()?;
    let entry = state
        .app
        .save_register_entry(&caller.principal, id, body.person.as_deref(), &input)
        .await?;
    Ok((StatusCode::CREATED, Json(Created::new(entry))).into_response())
}

/// One register entry, as much of it as the caller may see.
#[utoipa::path(get, path = "/api/register/{id}", params(("id" = i64, Path)), responses(
    (status = 200, body = RegisterEntry),
    (status = 404, body = ApiErrorBody),
))]
pub async fn entry(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    PathId(id): PathId<MentorEntryId>,
) -> Result<Json<RegisterEntry>, ApiError> {
    let (_, entry) = state.app.register_entry(&caller.principal, id).await?;
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
    PathId(id): PathId<MentorEntryId>,
    Json(body): Json<EntryBody>,
) -> Result<Json<RegisterEntry>, ApiError> {
    let input = body.input()?;
    state
        .app
        .update_register_entry(&caller.principal, id, &input)
        .await?;
    let (_, entry) = state.app.register_entry(&caller.principal, id).await?;
    Ok(Json(entry_json(&entry)))
}
