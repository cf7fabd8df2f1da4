//! Matching pages (MAT-3 to MAT-5): the coordinator runs matching, reads
//! each proposed pair with its reasons and the exclusions that ruled other
//! mentors out, chooses another mentor with a reason, and sends the
//! proposals; the mentor reads the request and accepts or declines.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use tandem_app::AppError;
use tandem_app::matching::MatchingRun;
use tandem_domain::proposals::{Answer, DeclineReason, ProposalStatus};
use tandem_store::{MentorEntryRow, ProposalRow};

use crate::AppState;
use crate::error::{PageError, capitalise};
use crate::layout::{
    Problem, error_message, error_summary, field_problem, page, parse_id, problems, summary_row,
};
use crate::session::{Caller, PageCaller};

#[derive(Debug, Deserialize)]
pub struct MatchingNotice {
    #[serde(default)]
    sent: Option<String>,
    #[serde(default)]
    chosen: Option<String>,
}

fn matching_content(
    caller: &Caller,
    run: &MatchingRun,
    sent: &[ProposalRow],
    notice: &MatchingNotice,
) -> Markup {
    let programme = run.programme_id;
    html! {
        @if let Some(count) = &notice.sent {
            div.panel-success role="status" {
                h2 { "Proposals sent" }
                p { (count) " proposals are waiting for their mentors' answers." }
            }
        }
        @if notice.chosen.is_some() {
            div.panel-success role="status" { h2 { "Mentor chosen" } p { "Your choice and its reason are recorded; the other pairs were worked out again around it." } }
        }
        span.caption { (run.programme_name) }
        h1 { "Matching" }
        p.lede {
            (run.waiting) " " @if run.waiting == 1 { "person is" } @else { "people are" } " waiting for a mentor. "
            @if run.first_come_first_served {
                "This programme allocates first come, first served: an earlier request is never left without a mentor so that a later one can have one."
            } @else {
                "These pairs give the best total score within every mentor's free places."
            }
        }
        @if !run.ignored_overrides.is_empty() {
            div.error-summary role="alert" {
                h2 { "Some of your choices could not be used" }
                ul { @for note in &run.ignored_overrides { li { (note) } } }
            }
        }
        @if run.pairs.is_empty() {
            p { "There is nobody to propose now: every waiting request needs a mentor with a free place who is eligible and not ruled out." }
        } @else {
            h2 { "Proposed pairs" }
            @for pair in &run.pairs {
                div.card {
                    h3 { (pair.mentee_name) " with " (pair.mentor_name) }
                    @if let Some(reason) = &pair.overridden {
                        p { span.tag { "Chosen by a coordinator" } " " (reason) }
                    }
                    p { "Score " strong { (pair.score) } }
                    @if pair.explanation.is_empty() {
                        p.hint { "No weighted criterion applies to this pair; it is proposed because the mentor has a free place and nothing rules the pair out." }
                    } @else {
                        ul { @for line in &pair.explanation { li { (line) } } }
                    }
                    p { a href={ "/programmes/" (programme) "/matching/choose?request=" (pair.request_id) } { "Choose another mentor for " (pair.mentee_name) } }
                }
            }
            form method="post" action={ "/programmes/" (programme) "/matching/send" } {
                input type="hidden" name="csrf" value=(caller.csrf_token);
                button.button type="submit" { "Send " (run.pairs.len()) " proposals to the mentors" }
            }
        }
        @if !run.unmatched.is_empty() {
            h2 { "Not matched this time" }
            @for person in &run.unmatched {
                h3 { (person.mentee_name) }
                @if person.ruled_out.is_empty() {
                    p { "Every mentor who could be paired has no free place left in this run." }
                } @else {
                    details {
                        summary { "Why " (person.ruled_out.len()) " mentors were ruled out" }
                        ul { @for r in &person.ruled_out { li { strong { (r.mentor_name) } ": " (r.reasons.join("; ")) } } }
                    }
                }
                p { a href={ "/programmes/" (programme) "/matching/choose?request=" (person.request_id) } { "Choose a mentor for " (person.mentee_name) } }
            }
        }
        @if !sent.is_empty() {
            h2 { "Proposals sent" }
            table {
                caption.visually-hidden { "Proposals sent to mentors" }
                thead { tr { th scope="col" { "Mentee" } th scope="col" { "Mentor" } th scope="col" { "Answer" } } }
                tbody {
                    @for p in sent {
                        tr {
                            td { (p.mentee_name) }
                            td { (p.mentor_name) }
                            td {
                                (p.status.label())
                                @if let Some(reason) = p.decline_reason.as_deref().and_then(DeclineReason::parse) { ": " (reason.label()) }
                            }
                        }
                    }
                }
            }
        }
        p { a href={ "/programmes/" (programme) } { "Back to the programme" } }
    }
}

pub async fn matching(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Path(id): Path<String>,
    Query(notice): Query<MatchingNotice>,
) -> Result<Markup, PageError> {
    let authority = state
        .app
        .matching_authority(&caller.principal, parse_id(&id)?)
        .await?;
    let run = state.app.run_matching(&authority).await?;
    let sent = state.app.programme_proposals(&authority).await?;
    Ok(page(
        "Matching",
        Some(&caller),
        matching_content(&caller, &run, &sent, &notice),
    ))
}

pub async fn send(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let programme = parse_id(&id)?;
    let authority = state
        .app
        .matching_authority(&caller.principal, programme)
        .await?;
    match state.app.send_proposals(&authority).await {
        Ok((_, ids)) => Ok(Redirect::to(&format!(
            "/programmes/{programme}/matching?sent={}",
            ids.len()
        ))
        .into_response()),
        // Someone else sent proposals meanwhile: show the page as it is now.
        Err(AppError::Invalid(_)) => {
            Ok(Redirect::to(&format!("/programmes/{programme}/matching")).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Debug, Deserialize)]
pub struct ChooseQuery {
    request: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct ChooseForm {
    request: String,
    #[serde(default)]
    mentor: String,
    #[serde(default)]
    reason: String,
}

fn choose_content(
    caller: &Caller,
    programme: i64,
    request_id: i64,
    mentee: &str,
    register: &[MentorEntryRow],
    form: &ChooseForm,
    problems: &[Problem],
) -> Markup {
    let mentor_problem = field_problem(problems, "mentor");
    let reason_problem = field_problem(problems, "reason");
    html! {
        (error_summary(problems))
        h1 { "Choose a mentor for " (mentee) }
        p { "The other pairs are worked out again around your choice. Rules that exclude a pair — line management, conflicts of interest, eligibility, availability and capacity — still apply." }
        form method="post" action={ "/programmes/" (programme) "/matching/choose" } novalidate {
            input type="hidden" name="csrf" value=(caller.csrf_token);
            input type="hidden" name="request" value=(request_id);
            div.form-group.form-group--error[mentor_problem.is_some()] {
                fieldset aria-describedby=[mentor_problem.map(|_| "mentor-error")] {
                    legend.label { "Mentor" }
                    (error_message(problems, "mentor"))
                    @for (index, entry) in register.iter().enumerate() {
                        div {
                            input type="radio" name="mentor" id=(if index == 0 { "mentor".to_owned() } else { format!("mentor-{}", entry.id) })
                                value=(entry.id) checked[form.mentor == entry.id.to_string()];
                            " "
                            label style="display:inline;font-weight:400" for=(if index == 0 { "mentor".to_owned() } else { format!("mentor-{}", entry.id) }) {
                                (entry.given_name) " " (entry.family_name) ", " (entry.organisation)
                                @if !entry.expertise.is_empty() { " — " (entry.expertise) }
                            }
                        }
                    }
                }
            }
            div.form-group.form-group--error[reason_problem.is_some()] {
                label for="reason" { "Why this mentor?" }
                p.hint id="reason-hint" { "Recorded with the proposal, and shown to the mentor." }
                (error_message(problems, "reason"))
                textarea id="reason" name="reason" rows="3" aria-describedby={ "reason-hint" @if reason_problem.is_some() { " reason-error" } } { (form.reason) }
            }
            button.button type="submit" { "Choose this mentor" }
        }
        p { a href={ "/programmes/" (programme) "/matching" } { "Back to matching" } }
    }
}

pub async fn choose_page(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Path(id): Path<String>,
    Query(query): Query<ChooseQuery>,
) -> Result<Markup, PageError> {
    let programme = parse_id(&id)?;
    let authority = state
        .app
        .matching_authority(&caller.principal, programme)
        .await?;
    let request_id = parse_id(query.request.as_deref().unwrap_or(""))?;
    let mentee = state.app.request_to_match(&authority, request_id).await?;
    let register = state.app.register_for_matching(&authority).await?;
    let form = ChooseForm {
        request: request_id.to_string(),
        mentor: String::new(),
        reason: String::new(),
    };
    Ok(page(
        "Choose a mentor",
        Some(&caller),
        choose_content(
            &caller,
            programme,
            request_id,
            &mentee,
            &register,
            &form,
            &[],
        ),
    ))
}

pub async fn choose(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Path(id): Path<String>,
    Form(form): Form<ChooseForm>,
) -> Result<Response, PageError> {
    let programme = parse_id(&id)?;
    let authority = state
        .app
        .matching_authority(&caller.principal, programme)
        .await?;
    let request_id = parse_id(&form.request)?;
    let mentee = state.app.request_to_match(&authority, request_id).await?;
    let outcome = match form.mentor.parse::<i64>() {
        Ok(mentor) => {
            state
                .app
                .override_pair(&authority, request_id, mentor, &form.reason)
                .await
        }
        Err(_) => Err(AppError::invalid("mentor", "Choose a mentor")),
    };
    match outcome {
        Ok(()) => {
            Ok(Redirect::to(&format!("/programmes/{programme}/matching?chosen=1")).into_response())
        }
        Err(AppError::Invalid(errors)) => {
            let problems: Vec<Problem> = errors
                .into_iter()
                .map(|e| Problem {
                    field_id: if e.field == "request" {
                        "mentor".into()
                    } else {
                        e.field
                    },
                    message: capitalise(&e.message),
                })
                .collect();
            let register = state.app.register_for_matching(&authority).await?;
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                page(
                    "Choose a mentor",
                    Some(&caller),
                    choose_content(
                        &caller, programme, request_id, &mentee, &register, &form, &problems,
                    ),
                ),
            )
                .into_response())
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct AnswerForm {
    #[serde(default)]
    answer: String,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    detail: String,
}

fn proposal_content(
    caller: &Caller,
    proposal: &ProposalRow,
    request: &tandem_store::RequestRow,
    form: &AnswerForm,
    problems: &[Problem],
) -> Markup {
    let answer_problem = field_problem(problems, "answer");
    let reason_problem = field_problem(problems, "reason");
    let detail_problem = field_problem(problems, "detail");
    html! {
        (error_summary(problems))
        span.caption { (proposal.programme_name) }
        h1 { "Would you mentor " (proposal.mentee_name) "?" }
        p { "The coordinator proposes this match. Nothing is final until you answer; if you decline, the mentee is offered someone else and nobody is told why except the coordinator." }
        h2 { "What they asked for" }
        dl.summary-list {
            (summary_row("Goals", Some(&request.goals)))
            (summary_row("Help needed", Some(&request.help_needed)))
            (summary_row("Preferred style", Some(&request.preferred_style)))
            (summary_row("How often to meet", Some(&request.meeting_frequency)))
            (summary_row("How long", Some(&request.relationship_length)))
            (summary_row("Where", Some(&request.meeting_location)))
        }
        h2 { "Why you were proposed" }
        @if proposal.explanation_lines().is_empty() {
            p { "You have a free place and nothing rules the pair out." }
        } @else {
            ul { @for line in proposal.explanation_lines() { li { (line) } } }
        }
        @if proposal.status == ProposalStatus::AwaitingMentor {
            form method="post" action={ "/proposals/" (proposal.id) } novalidate {
                input type="hidden" name="csrf" value=(caller.csrf_token);
                div.form-group.form-group--error[answer_problem.is_some()] {
                    fieldset aria-describedby=[answer_problem.map(|_| "answer-error")] {
                        legend.label { "Your answer" }
                        (error_message(problems, "answer"))
                        div { input type="radio" id="answer" name="answer" value="accept" checked[form.answer == "accept"]; " " label style="display:inline;font-weight:400" for="answer" { "I accept" } }
                        div { input type="radio" id="answer-decline" name="answer" value="decline" checked[form.answer == "decline"]; " " label style="display:inline;font-weight:400" for="answer-decline" { "I decline" } }
                    }
                }
                div.form-group.form-group--error[reason_problem.is_some()] {
                    fieldset aria-describedby=[reason_problem.map(|_| "reason-error")] {
                        legend.label { "If you decline, why?" }
                        (error_message(problems, "reason"))
                        @for (index, reason) in DeclineReason::ALL.into_iter().enumerate() {
                            @let id = if index == 0 { "reason".to_owned() } else { format!("reason-{}", reason.as_str()) };
                            div {
                                input type="radio" id=(id) name="reason" value=(reason.as_str()) checked[form.reason.as_deref() == Some(reason.as_str())];
                                " " label style="display:inline;font-weight:400" for=(id) { (reason.label()) }
                            }
                        }
                    }
                }
                div.form-group.form-group--error[detail_problem.is_some()] {
                    label for="detail" { "Anything the coordinator should know (optional)" }
                    (error_message(problems, "detail"))
                    textarea id="detail" name="detail" rows="3" aria-describedby=[detail_problem.map(|_| "detail-error")] { (form.detail) }
                }
                button.button type="submit" { "Send my answer" }
            }
        } @else {
            p { strong { (proposal.status.label()) } }
        }
    }
}

pub async fn proposal(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Path(id): Path<String>,
) -> Result<Markup, PageError> {
    let (proposal, request) = state
        .app
        .proposal_with_request(&caller.principal, parse_id(&id)?)
        .await?;
    Ok(page(
        "Mentoring proposal",
        Some(&caller),
        proposal_content(&caller, &proposal, &request, &AnswerForm::default(), &[]),
    ))
}

pub async fn answer(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Path(id): Path<String>,
    Form(form): Form<AnswerForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let (proposal, request) = state
        .app
        .proposal_with_request(&caller.principal, id)
        .await?;
    let outcome = match Answer::parse(&form.answer, form.reason.as_deref(), &form.detail) {
        Ok(answer) => {
            state
                .app
                .answer_proposal(&caller.principal, id, &answer)
                .await
        }
        Err(problem) => Err(AppError::invalid(problem.field, problem.message)),
    };
    match outcome {
        Ok(()) => Ok(Redirect::to(&format!("/proposals/{id}")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let problems = problems(errors);
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                page(
                    "Mentoring proposal",
                    Some(&caller),
                    proposal_content(&caller, &proposal, &request, &form, &problems),
                ),
            )
                .into_response())
        }
        Err(other) => Err(other.into()),
    }
}

/// The mentor's home-page list of proposals waiting for an answer.
pub fn proposals_to_answer(proposals: &[ProposalRow]) -> Markup {
    html! {
        @if !proposals.is_empty() {
            h2 { "Proposals waiting for your answer" }
            ul {
                @for p in proposals {
                    li { a href={ "/proposals/" (p.id) } { "Would you mentor " (p.mentee_name) "?" } " – " (p.programme_name) }
                }
            }
        }
    }
}
