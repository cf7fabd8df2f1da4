//! Proposals (MAT-5): the mentor reads the request a coordinator proposes
//! them for, and accepts or declines with a reason; a mentor's home page
//! lists the proposals waiting for an answer.

use crate::extract::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use tandem_app::AppError;
use tandem_app::views::{Proposal, Request};
use tandem_domain::ids::ProposalId;
use tandem_domain::proposals::{Answer, DeclineReason, ProposalStatus};

use crate::caller::Caller;
use crate::error::PageError;
use crate::extract::{PageCaller, PathId};
use crate::forms::{Fields, Problem, csrf_field, error_summary, follow_up, problems};
use crate::layout::{back_link, invalid_page, page, summary_row};
use crate::state::AppState;

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
    proposal: &Proposal,
    request: &Request,
    form: &AnswerForm,
    problems: &[Problem],
) -> Markup {
    let fields = Fields::new(problems);
    let reasons: Vec<(&str, &str)> = DeclineReason::ALL
        .iter()
        .map(|reason| (reason.as_str(), reason.label()))
        .collect();
    html! {
        (back_link("/"))
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
            ul { @for line in proposal.explanation_lines() { li { (without_points(line)) } } }
        }
        @if proposal.status == ProposalStatus::AwaitingMentor {
            form method="post" action={ "/proposals/" (proposal.id) } novalidate {
                (csrf_field(&caller.csrf_token))
                (fields.radios("answer", "Your answer").options(&[("accept", "I accept"), ("decline", "I decline")]).chosen(&form.answer).reveals("decline"))
                (follow_up(html! {
                    (fields.radios("reason", "Why do you decline?").options(&reasons).chosen(form.reason.as_deref().unwrap_or_default()))
                    (fields.textarea("detail", "Anything else the coordinator should know (optional)").hint("Only the coordinator reads this.").value(&form.detail))
                }))
                button.button type="submit" { "Send my answer" }
            }
        } @else {
            p { strong { (proposal.status.label()) } }
        }
    }
}

/// A reason for a match as a mentor reads it: a sentence, without the
/// points the matching gave it ("speaks Welsh, as requested: +8" is
/// "Speaks Welsh, as requested").
fn without_points(line: &str) -> String {
    let reason = match line.rsplit_once(": ") {
        Some((reason, points))
            if points.len() > 1
                && points.starts_with(['+', '-'])
                && points[1..].bytes().all(|b| b.is_ascii_digit()) =>
        {
            reason
        }
        _ => line,
    };
    crate::error::capitalise(reason)
}

/// `GET /proposals/{id}`.
pub async fn proposal(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    PathId(id): PathId<ProposalId>,
) -> Result<Markup, PageError> {
    let (proposal, request) = state
        .app
        .proposal_with_request(&caller.principal, id)
        .await?;
    Ok(page(
        "Mentoring proposal",
        Some(&caller),
        proposal_content(&caller, &proposal, &request, &AnswerForm::default(), &[]),
    ))
}

/// `POST /proposals/{id}`: the mentor's answer.
pub async fn answer(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    PathId(id): PathId<ProposalId>,
    Form(form): Form<AnswerForm>,
) -> Result<Response, PageError> {
    let (proposal, request) = state
        .app
        .proposal_with_request(&caller.principal, id)
        .await?;
    let outcome = match Answer::parse(&form.answer, form.reason.as_deref(), &form.detail) {
        Ok(answer) => state
            .app
            .answer_proposal(&caller.principal, id, &answer)
            .await
            .map(|()| answer),
        Err(problem) => Err(AppError::invalid(problem.field, problem.message)),
    };
    match outcome {
        // Once declined, the request is no longer the mentor's to read:
        // back to their home page, which no longer lists it.
        Ok(Answer::Decline { .. }) => Ok(Redirect::to("/").into_response()),
        // Accepted: the relationship has started; its page says what comes next.
        Ok(Answer::Accept) => match state
            .app
            .relationship_of_proposal(&caller.principal, id)
            .await?
        {
            Some(relationship) => {
                Ok(Redirect::to(&format!("/relationships/{relationship}")).into_response())
            }
            None => Ok(Redirect::to(&format!("/proposals/{id}")).into_response()),
        },
        Err(AppError::Invalid(errors)) => {
            let problems = problems(errors);
            Ok(invalid_page(
                &caller,
                "Mentoring proposal",
                proposal_content(&caller, &proposal, &request, &form, &problems),
            ))
        }
        Err(other) => Err(other.into()),
    }
}

/// The mentor's home-page list of proposals waiting for an answer.
pub fn proposals_to_answer(proposals: &[Proposal]) -> Markup {
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

#[cfg(test)]
mod tests {
    use super::without_points;

    #[test]
    fn a_mentor_reads_reasons_without_points() {
        assert_eq!(
            without_points("speaks Welsh, as requested: +8"),
            "Speaks Welsh, as requested"
        );
        assert_eq!(without_points("same team: -3"), "Same team");
        assert_eq!(
            without_points("experience in audit: budgets"),
            "Experience in audit: budgets"
        );
    }
}
