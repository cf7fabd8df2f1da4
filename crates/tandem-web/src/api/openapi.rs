//! The OpenAPI document, `GET /api/openapi.json`: every API handler and
//! every shape it sends or takes. A new API module adds its handlers and
//! shapes here.

use utoipa::OpenApi;

// The handlers are named bare, as utoipa finds them (with the `__path_…`
// items it makes beside each), so no module path becomes a tag.
use super::Created;
use super::health::*;
use super::import::*;
use super::me::*;
use super::people::*;
use super::programmes::*;
use super::register::*;
use super::relationships;
use super::requests::*;
use super::screening::*;
use crate::error::{ApiErrorBody, ApiFieldError};

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
        import_status,
        programmes,
        programme,
        create_programme,
        replace_programme,
        publish_programme,
        register,
        create_entry,
        entry,
        update_entry,
        create_request,
        request,
        screening_queue,
        screen,
        relationships::list,
        relationships::show,
        relationships::step,
        relationships::arrange,
        relationships::save_agreement,
        relationships::sign,
        relationships::record_meeting,
        relationships::agree_record,
        relationships::record_cancellation,
        relationships::save_plan,
        relationships::set_stage,
        relationships::record_completion
    ),
    components(schemas(
        Health,
        Me,
        Grant,
        PersonSummary,
        PeoplePage,
        Person,
        Fostering,
        ImportAccepted,
        ImportProgress,
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
        RegisterEntry,
        EntryBody,
        Created,
        RequestBody,
        MentorRequest,
        RequestContent,
        Queue,
        QueueEntry,
        ScreeningBody,
        relationships::RelationshipItem,
        relationships::RelationshipDetail,
        relationships::TaskItem,
        relationships::AgreementItem,
        relationships::ClauseItem,
        relationships::MeetingItem,
        relationships::EventItem,
        relationships::StepBody,
        relationships::StepDone,
        relationships::IntroductionBody,
        relationships::AgreementBody,
        relationships::SignatureBody,
        relationships::MeetingBody,
        relationships::ActionPointBody,
        relationships::CancellationBody,
        relationships::PlanBody,
        relationships::GoalBody,
        relationships::ActionBody,
        relationships::MilestoneBody,
        relationships::StageBody,
        relationships::CompletionBody
    ))
)]
pub struct ApiDoc;

/// The document as JSON, built on first use and kept: it changes only with
/// the program (issue 17: it was built again for every request).
static DOCUMENT: std::sync::LazyLock<Result<String, String>> =
    std::sync::LazyLock::new(|| ApiDoc::openapi().to_json().map_err(|e| e.to_string()));

/// `GET /api/openapi.json`.
pub async fn openapi() -> axum::response::Response {
    use axum::http::{StatusCode, header};
    use axum::response::IntoResponse;
    match &*DOCUMENT {
        Ok(json) => ([(header::CONTENT_TYPE, "application/json")], json.as_str()).into_response(),
        Err(error) => {
            tracing::error!(%error, "the OpenAPI document did not serialise");
            crate::error::ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong on our side.",
            )
            .into_response()
        }
    }
}
