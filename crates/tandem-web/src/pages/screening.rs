//! Screening (REQ-3): the coordinator's queue of requests, oldest first,
//! and the decision on each. The use cases are in `tandem_app::requests`.

use crate::extract::Form;
use crate::extract::Query;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use tandem_app::AppError;
use tandem_app::requests::{QueueItem, SCREENING_PER_PAGE, ScreeningQueue};
use tandem_domain::ids::{ProgrammeId, RequestId};
use tandem_domain::register::{Consultation, RequestSource, ScreeningInput};

use crate::error::PageError;
use crate::extract::{PageCaller, PathId};
use crate::layout::{format_time, page, page_number, pager};
use crate::pages::requests::{Typed, request_with_problems};
use crate::state::AppState;

fn queue_content(queue: &ScreeningQueue, screened: bool) -> Markup {
    html! {
        @if screened { div.panel-success role="status" { h2 { "Screening decision saved" } } }
        span.caption { (queue.programme.programme.name) }
        h1 { "Mentor requests to screen" }
        p { "Oldest first: requests are screened, and accepted requests matched, in the order they arrived." }
        @if !queue.target_group.is_empty() {
            h2 { "Who the programme is for" }
            ul { @for line in &queue.target_group { li { (line) } } }
        }
        @let id = queue.programme.id;
        h2 { "Waiting to be screened (" (queue.awaiting_total) ")" }
        @if queue.awaiting.is_empty() && queue.awaiting_total > 0 {
            p { "There are no more requests after page " (queue.pages()) ". " a href={ "/programmes/" (id) "/screening" } { "Go to the first page" } }
        } @else if queue.awaiting.is_empty() {
            p { "Nothing waits to be screened." }
        } @else {
            (queue_table(&queue.awaiting, "Waiting to be screened", queue.first_position()))
            (pager(queue.page, queue.pages(), |n| format!("/programmes/{id}/screening?page={n}")))
        }
        h2 { "Accepted, waiting for a mentor (" (queue.accepted_total) ")" }
        @if queue.accepted.is_empty() {
            p { "No accepted request waits for a mentor." }
        } @else {
            (queue_table(&queue.accepted, "Accepted, waiting for a mentor", 1))
            @if queue.accepted_total > i64::try_from(queue.accepted.len()).unwrap_or(i64::MAX) {
                p { "The first " (queue.accepted.len()) " are shown. " a href={ "/programmes/" (id) "/matching" } { "Match them with mentors" } " on the matching page." }
            }
        }
        p { a href={ "/programmes/" (queue.programme.id) } { "Back to the programme page" } }
    }
}

/// The queue as a table on a wide screen, and each request as a card of
/// labelled rows on a narrow one (the cells carry their column's name).
fn queue_table(items: &[QueueItem], caption: &str, first_position: i64) -> Markup {
    let self_assessment = items.iter().any(|item| item.self_assessed.is_some());
    html! {
        table.table--stack {
            caption.visually-hidden { (caption) }
            thead { tr {
                th scope="col" { "Position" } th scope="col" { "Person" } th scope="col" { "Organisation and team" }
                th scope="col" { "Kind of mentoring" } th scope="col" { "Line manager" } th scope="col" { "Arrived (UTC)" }
                @if self_assessment { th scope="col" { "Self-assessment" } }
            } }
            tbody {
                @for (position, item) in (first_position..).zip(items) {
                    @let r = &item.request;
                    tr {
                        td data-label="Position" { (position) }
                        td data-label="Person" { a href={ "/requests/" (r.id) } { (r.given_name) " " (r.family_name) } br; span.hint { (r.job_title) } }
                        td data-label="Organisation and team" { (r.organisation) @if let Some(team) = &r.team { ", " (team) } }
                        td data-label="Kind of mentoring" { (item.track_name) @if r.source == RequestSource::Automatic { br; span.tag { "Enrolled automatically" } } }
                        td data-label="Line manager" {
                            @match r.consultation {
                                Consultation::HasConcerns => {
                                    strong.tag.tag--due { "Has concerns about the time" }
                                    @if !r.consultation_note.is_empty() { br; q { (r.consultation_note) } }
                                },
                                Consultation::Awaiting => "Not answered yet",
                                Consultation::Supports => "Supports the time",
                                Consultation::NotNeeded => "Not asked",
                            }
                        }
                        td data-label="Arrived (UTC)" { (format_time(r.created_at)) }
                        @if self_assessment {
                            td data-label="Self-assessment" { @if item.self_assessed == Some(true) { "Answered" } @else { "Not yet" } }
                        }
                    }
                }
            }
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct QueueNotice {
    screened: String,
    page: String,
}

/// `GET /programmes/{id}/screening`.
pub async fn screening_queue(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    PathId(id): PathId<ProgrammeId>,
    Query(notice): Query<QueueNotice>,
) -> Result<Markup, PageError> {
    let queue = state
        .app
        .screening_queue_page(
            &caller.principal,
            id,
            page_number(Some(&notice.page)),
            SCREENING_PER_PAGE,
        )
        .await?;
    Ok(page(
        "Mentor requests to screen",
        Some(&caller),
        queue_content(&queue, !notice.screened.is_empty()),
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ScreeningForm {
    decision: String,
    reason: String,
    detail: String,
}

/// `POST /requests/{id}/screening`.
pub async fn screen(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    PathId(id): PathId<RequestId>,
    Form(form): Form<ScreeningForm>,
) -> Result<Response, PageError> {
    let input = ScreeningInput {
        decision: form.decision,
        reason: form.reason,
        detail: form.detail,
    };
    match state
        .app
        .screen_request(&caller.principal, id, &input)
        .await
    {
        Ok(()) => {
            let view = state.app.request_view(&caller.principal, id).await?;
            Ok(Redirect::to(&format!(
                "/programmes/{}/screening?screened=1",
                view.request.programme_id
            ))
            .into_response())
        }
        Err(AppError::Invalid(errors)) => {
            let typed = Typed {
                screening: input,
                ..Typed::default()
            };
            request_with_problems(&state, &caller, id, errors, &typed).await
        }
        Err(other) => Err(other.into()),
    }
}
