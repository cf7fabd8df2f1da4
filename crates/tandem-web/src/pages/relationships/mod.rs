//! Relationship pages (issue 10 item 12): the pair's task list —
//! introduction → agreement → plan → meetings → reviews → completion —
//! with each task's status and next step and the forms to do it; what an
//! overseer may see (metadata and compliance); what a line manager may see
//! (that it exists, and its time). Every decision about what is shown is
//! the app's, from `tandem_domain::permissions`.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use tandem_app::AppError;
use tandem_app::relationships::{
    CancellationInput, CompletionStep, IntroductionInput, MeetingRecordChange, MeetingsShown,
    RelationshipSummary, StepRequest, TaskStatus,
};
use tandem_domain::ids::ProgrammeId;
use tandem_domain::programme::Months;
use tandem_domain::relationship::agreement::AgreementInput;
use tandem_domain::relationship::leaving::{LeaveCategory, NoMatchReason};
use tandem_domain::relationship::meetings::MeetingInput;
use tandem_domain::relationship::plan::{
    ActionInput, ActionPlanInput, ActionPointInput, GoalInput, MilestoneInput,
};
use tandem_domain::relationship::stages::StageInput;
use tandem_domain::relationship::state::ReviewOutcome;
use tandem_domain::relationship::{Event, MeetingId, RelationshipId, State as RelState};

use crate::caller::Caller;
use crate::error::PageError;
use crate::extract::{Form, PageCaller, PathId, PathIds, Query};
use crate::forms::{prefixed, problems};
use crate::layout::{page, page_number, pager_without_count};
use crate::state::AppState;

mod page;

use page::{Sent, completion_prefix, relationship_page, step_prefix};

type Answers = HashMap<String, String>;

fn value<'a>(form: &'a Answers, key: &str) -> &'a str {
    form.get(key).map_or("", String::as_str)
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn status_tag(status: TaskStatus) -> Markup {
    html! {
        strong.tag.tag--due[status == TaskStatus::InProgress || status == TaskStatus::NotStarted]
            .tag--done[status == TaskStatus::Completed] { (status.label()) }
    }
}

/// `GET /relationships`: the caller's relationships.
pub async fn list(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
) -> Result<Markup, PageError> {
    let rows = state.app.relationships(&caller.principal, None).await?;
    Ok(page(
        "Mentoring relationships",
        Some(&caller),
        html! {
            h1 { "Mentoring relationships" }
            @if rows.is_empty() {
                p { "You have no mentoring relationships to see yet. A relationship starts when a mentor accepts a proposal." }
                p { a href="/programmes" { "See the programmes you can take part in" } }
            } @else {
                (relationship_table(&rows))
            }
        },
    ))
}

/// `GET /programmes/{id}/relationships`: a coordinator's overview, by
/// state, with compliance flags (metadata only).
pub async fn programme_overview(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    PathId(programme_id): PathId<ProgrammeId>,
    Query(query): Query<PageQuery>,
) -> Result<Markup, PageError> {
    let programme = state.app.programme(&caller.principal, programme_id).await?;
    let listing = state
        .app
        .programme_relationships(
            &caller.principal,
            programme_id,
            page_number(Some(&query.page)),
            RELATIONSHIPS_PER_PAGE,
        )
        .await?;
    let rows = &listing.relationships;
    Ok(page(
        "Relationships",
        Some(&caller),
        html! {
            span.caption { (programme.programme.name) }
            h1 { "Relationships" }
            p { "Dates, meetings and compliance only: what the pairs write stays theirs." }
            @if rows.is_empty() && listing.page > 1 {
                p { "There are no relationships on page " (listing.page) ". " a href={ "/programmes/" (programme_id) "/relationships" } { "Go to the first page" } }
            } @else if rows.is_empty() {
                p { "No relationships you oversee yet. They start when mentors accept proposals from " a href={ "/programmes/" (programme_id) "/matching" } { "matching" } "." }
            } @else if listing.more || listing.page > 1 {
                p { "Newest first, " (listing.per_page) " to a page." }
            }
            @for state_group in RelState::ALL {
                @let group: Vec<RelationshipSummary> = rows.iter().filter(|r| r.state == Some(state_group)).cloned().collect();
                @if !group.is_empty() {
                    h2 { (state_group.label()) " (" (group.len()) ")" }
                    (relationship_table(&group))
                }
            }
            @let existence: Vec<RelationshipSummary> = rows.iter().filter(|r| r.state.is_none()).cloned().collect();
            @if !existence.is_empty() {
                h2 { "Relationships of people you manage" }
                (relationship_table(&existence))
            }
            (pager_without_count(listing.page, listing.more, |n| format!("/programmes/{programme_id}/relationships?page={n}")))
        },
    ))
}

/// Relationships on a page of a programme's list.
const RELATIONSHIPS_PER_PAGE: i64 = 50;

/// `?page=` of a list.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PageQuery {
    page: String,
}

fn relationship_table(rows: &[RelationshipSummary]) -> Markup {
    html! {
        div.table-wrap {
            table.table--stack {
                thead { tr { th scope="col" { "Mentee and mentor" } th scope="col" { "Programme" } th scope="col" { "State" } th scope="col" { "Meetings" } th scope="col" { "Next due" } } }
                tbody {
                    @for row in rows {
                        tr {
                            td data-label="Mentee and mentor" { a href={ "/relationships/" (row.id) } { (row.mentee_name) " with " (row.mentor_name) } }
                            td data-label="Programme" { (row.programme_name) }
                            td data-label="State" {
                                @match row.state {
                                    Some(state) => (state.label()),
                                    None => "Exists",
                                }
                                @for flag in &row.flags { br; strong.tag.tag--due { (flag) } }
                            }
                            td data-label="Meetings" { @match row.meetings_held { Some(n) => (n), None => "–" } }
                            td data-label="Next due" {
                                @match (row.next_due, &row.time_commitment) {
                                    (Some(due), _) => (due),
                                    (None, Some(time)) if row.state.is_none() => (time),
                                    _ => "–",
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `?meetings=all` lists every meeting; the page lists the latest.
#[derive(serde::Deserialize, Default)]
pub struct ShowParams {
    meetings: Option<String>,
}

impl ShowParams {
    pub fn shown(&self) -> MeetingsShown {
        if self.meetings.as_deref() == Some("all") {
            MeetingsShown::All
        } else {
            MeetingsShown::Latest
        }
    }
}

/// `GET /relationships/{id}`.
pub async fn show(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    PathId(id): PathId<RelationshipId>,
    Query(params): Query<ShowParams>,
) -> Result<Markup, PageError> {
    let view = state
        .app
        .relationship_showing(&caller.principal, id, params.shown())
        .await?;
    let empty = Answers::new();
    let sent = Sent {
        prefix: "",
        form: &empty,
        problems: &[],
        empty: &empty,
    };
    Ok(relationship_page(&caller, &view, &sent, None))
}

/// What a failed write shows: the page again with the problem.
async fn answer(
    state: &AppState,
    caller: &Caller,
    id: RelationshipId,
    form: &Answers,
    outcome: Result<(), AppError>,
    anchor: &str,
    prefix: &str,
) -> Result<Response, PageError> {
    match outcome {
        Ok(()) => Ok(Redirect::to(&format!("/relationships/{id}#{anchor}")).into_response()),
        Err(error) => {
            let refusal = error.refusal().map(str::to_owned);
            let problems = match (&refusal, error) {
                (Some(_), _) => Vec::new(),
                (None, AppError::Invalid(errors)) => prefixed(problems(errors), prefix),
                (None, other) => return Err(other.into()),
            };
            let view = state.app.relationship(&caller.principal, id).await?;
            let status = if refusal.is_some() {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let empty = Answers::new();
            let sent = Sent {
                prefix,
                form,
                problems: &problems,
                empty: &empty,
            };
            Ok((
                status,
                relationship_page(caller, &view, &sent, refusal.as_deref()),
            )
                .into_response())
        }
    }
}

/// `POST /relationships/{id}/step`: a step of the state machine.
pub async fn step(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    PathId(id): PathId<RelationshipId>,
    Form(form): Form<Answers>,
) -> Result<Response, PageError> {
    let outcome = match step_request(&form) {
        Ok(step) => state
            .app
            .relationship_step(&caller.principal, id, step)
            .await
            .map(|_| ()),
        Err(error) => Err(error),
    };
    answer(
        &state,
        &caller,
        id,
        &form,
        outcome,
        "history",
        step_prefix(&form),
    )
    .await
}

/// Reads the step form into what the app takes, naming the field at fault.
pub(crate) fn step_request(form: &Answers) -> Result<StepRequest, AppError> {
    let words = |key: &str| Some(value(form, key).trim().to_owned()).filter(|w| !w.is_empty());
    let category = || {
        LeaveCategory::parse(value(form, "category"))
            .ok_or_else(|| AppError::invalid("category", "Choose the kind of reason"))
    };
    Ok(match value(form, "step") {
        "agree" => StepRequest::Agree,
        "complete" => StepRequest::Complete,
        "start_review" => StepRequest::Event(Event::StartReview),
        "no_match" => StepRequest::Event(Event::NoMatch {
            reasons: NoMatchReason::ALL
                .into_iter()
                .filter(|r| form.contains_key(&format!("reason_{}", r.as_str())))
                .collect(),
            detail: value(form, "detail").trim().to_owned(),
        }),
        "review" => StepRequest::Event(Event::Review(match value(form, "outcome") {
            "continue" => ReviewOutcome::Continue,
            "amend" => ReviewOutcome::Amend,
            "end" => ReviewOutcome::End,
            "extend" => ReviewOutcome::Extend {
                months: value(form, "months")
                    .trim()
                    .parse::<i64>()
                    .ok()
                    .and_then(|m| Months::parse(m).ok())
                    .ok_or_else(|| AppError::invalid("months", "Enter a whole number of months"))?,
                reason: value(form, "reason").trim().to_owned(),
            },
            _ => return Err(AppError::invalid("outcome", "Choose what you decided")),
        })),
        "leave" => match value(form, "choice") {
            "withdraw" => StepRequest::Event(Event::Withdraw {
                category: category()?,
                reason: words("reason"),
            }),
            "end_early" => StepRequest::Event(Event::EndEarly {
                category: category()?,
                reason: words("reason"),
            }),
            "request_new_mentor" => StepRequest::Event(Event::RequestNewMentor {
                category: category()?,
                reason: words("reason"),
            }),
            _ => return Err(AppError::invalid("choice", "Choose what you want to do")),
        },
        _ => return Err(AppError::invalid("step", "Choose what to do")),
    })
}

/// `POST /relationships/{id}/introduction`.
pub async fn arrange(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    PathId(id): PathId<RelationshipId>,
    Form(form): Form<Answers>,
) -> Result<Response, PageError> {
    let input = IntroductionInput {
        date: value(&form, "date").to_owned(),
        time: value(&form, "time").to_owned(),
        minutes: value(&form, "minutes").to_owned(),
        place: value(&form, "place").to_owned(),
    };
    let outcome = state
        .app
        .arrange_introduction(&caller.principal, id, &input)
        .await;
    answer(&state, &caller, id, &form, outcome, "introduction", "intro").await
}

/// `GET /relationships/{id}/introduction.ics`: the invitation.
pub async fn invitation(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    PathId(id): PathId<RelationshipId>,
) -> Result<Response, PageError> {
    let view = state.app.relationship(&caller.principal, id).await?;
    let intro = view.introduction.as_ref().ok_or(PageError::NotFound)?;
    let calendar = crate::calendar::introduction(&view, intro).ok_or(PageError::NotFound)?;
    let mut response = calendar.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/calendar; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"introductory-meeting.ics\""),
    );
    Ok(response)
}

/// Reads the agreement form.
pub(crate) fn agreement_input(form: &Answers, clauses: usize) -> AgreementInput {
    AgreementInput {
        clauses: (0..clauses)
            .map(|i| value(form, &format!("clauses[{i}]")).to_owned())
            .collect(),
        length_months: value(form, "length_months").to_owned(),
        review_dates: Some(value(form, "review_date").to_owned())
            .filter(|d| !d.trim().is_empty())
            .into_iter()
            .collect(),
        meet_every: value(form, "meet_every").to_owned(),
        meet_every_unit: if value(form, "meet_every").trim().is_empty() {
            String::new()
        } else {
            "months".to_owned()
        },
        min_minutes: value(form, "min_minutes").to_owned(),
        max_minutes: value(form, "max_minutes").to_owned(),
        contacts_per_week: value(form, "contacts_per_week").to_owned(),
        time_allowance_minutes: value(form, "time_allowance_minutes").to_owned(),
        documents_to_coordinator: ["agreement", "action_plan", "meeting_records"]
            .into_iter()
            .filter(|key| form.contains_key(&format!("document_{key}")))
            .map(str::to_owned)
            .collect(),
    }
}

/// `POST /relationships/{id}/agreement`.
pub async fn save_agreement(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    PathId(id): PathId<RelationshipId>,
    Form(form): Form<Answers>,
) -> Result<Response, PageError> {
    let view = state.app.relationship(&caller.principal, id).await?;
    let input = agreement_input(&form, view.rules.agreement.contents.len());
    let outcome = state
        .app
        .save_agreement(&caller.principal, id, &input)
        .await;
    answer(
        &state,
        &caller,
        id,
        &form,
        outcome,
        "agreement",
        "agreement",
    )
    .await
}

/// `POST /relationships/{id}/agreement/sign`.
pub async fn sign(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    PathId(id): PathId<RelationshipId>,
    Form(form): Form<Answers>,
) -> Result<Response, PageError> {
    let outcome = match value(&form, "version").parse::<u32>() {
        Ok(version) => {
            state
                .app
                .sign_agreement(&caller.principal, id, version)
                .await
        }
        Err(_) => Err(AppError::invalid(
            "version",
            "Read the agreement, then sign the version shown",
        )),
    };
    answer(&state, &caller, id, &form, outcome, "agreement", "sign").await
}

/// Reads the meeting form.
pub(crate) fn meeting_input(form: &Answers) -> MeetingInput {
    let point_what = value(form, "action_points[0].what").trim();
    MeetingInput {
        date: value(form, "date").to_owned(),
        minutes: value(form, "minutes").to_owned(),
        kind: value(form, "kind").to_owned(),
        notes: form.get("notes").cloned(),
        action_points: if point_what.is_empty() {
            Vec::new()
        } else {
            vec![ActionPointInput {
                what: point_what.to_owned(),
                owner: value(form, "action_points[0].owner").to_owned(),
                due: value(form, "action_points[0].due").to_owned(),
            }]
        },
    }
}

/// `POST /relationships/{id}/meetings`.
pub async fn record_meeting(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    PathId(id): PathId<RelationshipId>,
    Form(form): Form<Answers>,
) -> Result<Response, PageError> {
    let outcome = state
        .app
        .record_meeting(&caller.principal, id, &meeting_input(&form))
        .await
        .map(|_| ());
    answer(&state, &caller, id, &form, outcome, "meetings", "meeting").await
}

/// `POST /relationships/{id}/cancellations`.
pub async fn record_cancellation(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    PathId(id): PathId<RelationshipId>,
    Form(form): Form<Answers>,
) -> Result<Response, PageError> {
    let input = CancellationInput {
        date: value(&form, "date").to_owned(),
        time: value(&form, "time").to_owned(),
        new_date: value(&form, "new_date").to_owned(),
    };
    let outcome = state
        .app
        .record_cancellation(&caller.principal, id, &input)
        .await;
    answer(&state, &caller, id, &form, outcome, "meetings", "cancel").await
}

/// `POST /relationships/{id}/meetings/{meeting}/agree`.
pub async fn agree_record(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    PathIds(id, meeting): PathIds<RelationshipId, MeetingId>,
    Form(form): Form<Answers>,
) -> Result<Response, PageError> {
    let outcome = state
        .app
        .change_meeting_record(&caller.principal, id, meeting, &MeetingRecordChange::Agree)
        .await;
    answer(&state, &caller, id, &form, outcome, "meetings", "record").await
}

/// `POST /relationships/{id}/plan`.
pub async fn save_plan(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    PathId(id): PathId<RelationshipId>,
    Form(form): Form<Answers>,
) -> Result<Response, PageError> {
    let filled = |key: String| !value(&form, &key).trim().is_empty();
    let input = ActionPlanInput {
        needs: value(&form, "needs").to_owned(),
        strengths: value(&form, "strengths").to_owned(),
        goals: (0..3)
            .filter(|i| i == &0 || filled(format!("goals[{i}].what")))
            .map(|i| GoalInput {
                what: value(&form, &format!("goals[{i}].what")).to_owned(),
                measure: value(&form, &format!("goals[{i}].measure")).to_owned(),
                by: value(&form, &format!("goals[{i}].by")).to_owned(),
                strategies: value(&form, &format!("goals[{i}].strategies")).to_owned(),
            })
            .collect(),
        actions: (0..3)
            .filter(|i| filled(format!("actions[{i}].what")))
            .map(|i| ActionInput {
                point: ActionPointInput {
                    what: value(&form, &format!("actions[{i}].what")).to_owned(),
                    owner: value(&form, &format!("actions[{i}].owner")).to_owned(),
                    due: value(&form, &format!("actions[{i}].due")).to_owned(),
                },
                goal: value(&form, &format!("actions[{i}].goal")).to_owned(),
            })
            .collect(),
        milestones: (0..2)
            .filter(|i| filled(format!("milestones[{i}].what")))
            .map(|i| MilestoneInput {
                what: value(&form, &format!("milestones[{i}].what")).to_owned(),
                by: value(&form, &format!("milestones[{i}].by")).to_owned(),
            })
            .collect(),
        review_dates: Some(value(&form, "review_date").to_owned())
            .filter(|d| !d.trim().is_empty())
            .into_iter()
            .collect(),
        start: value(&form, "start").to_owned(),
        completion: value(&form, "completion").to_owned(),
    };
    let outcome = state.app.save_plan(&caller.principal, id, &input).await;
    answer(&state, &caller, id, &form, outcome, "plan", "plan").await
}

/// `POST /relationships/{id}/stage`.
pub async fn set_stage(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    PathId(id): PathId<RelationshipId>,
    Form(form): Form<Answers>,
) -> Result<Response, PageError> {
    let input = StageInput {
        process: value(&form, "process").to_owned(),
        cycle: value(&form, "cycle").to_owned(),
    };
    let outcome = state.app.set_stage(&caller.principal, id, &input).await;
    answer(&state, &caller, id, &form, outcome, "stage", "stage").await
}

/// `POST /relationships/{id}/completion`.
pub async fn record_completion(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    PathId(id): PathId<RelationshipId>,
    Form(form): Form<Answers>,
) -> Result<Response, PageError> {
    let item = value(&form, "item").to_owned();
    let step = if item == "after_self_assessment" {
        let mut answers = Vec::new();
        let mut index = 1;
        while let Some(answer) = form.get(&format!("q{index}")) {
            answers.push(answer.clone());
            index += 1;
            if index > 200 {
                break;
            }
        }
        let view = state.app.relationship(&caller.principal, id).await?;
        answers.resize(view.completion.after_questions.len(), String::new());
        CompletionStep::AfterSelfAssessment { answers }
    } else if form.contains_key("answer") {
        CompletionStep::Answer {
            item,
            text: value(&form, "answer").to_owned(),
        }
    } else {
        CompletionStep::Confirm { item }
    };
    let outcome = state
        .app
        .record_completion(&caller.principal, id, &step)
        .await;
    let prefix = completion_prefix(value(&form, "item"));
    answer(&state, &caller, id, &form, outcome, "completion", &prefix).await
}
