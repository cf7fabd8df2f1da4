//! The staff directory (PPL-5): the people the caller may see, and one
//! person with as much of their record as the caller may see.

use crate::extract::Query;
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use tandem_app::people::PER_PAGE;
use tandem_domain::ids::{OrganisationId, PersonId};
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, ApiErrorBody};
use crate::extract::{ApiCaller, PathId};
use crate::state::AppState;

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
    #[schema(value_type = i64)]
    id: PersonId,
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

fn summary(p: tandem_app::views::PersonSummary) -> PersonSummary {
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
    #[schema(value_type = i64)]
    id: PersonId,
    #[schema(value_type = i64)]
    organisation_id: OrganisationId,
    organisation: String,
    employee_id: String,
    given_name: String,
    family_name: String,
    email: String,
    region: Option<String>,
    team: Option<String>,
    #[schema(value_type = Option<i64>)]
    line_manager_id: Option<PersonId>,
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
    PathId(id): PathId<PersonId>,
) -> Result<Json<Person>, ApiError> {
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
