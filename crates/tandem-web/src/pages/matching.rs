//! Matching (MAT-3, MAT-4): the coordinator runs matching, reads each
//! proposed pair with its reasons and the exclusions that ruled other
//! mentors out, chooses another mentor with a reason, and sends the
//! proposals. The use cases are in `tandem_app::matching`.

use crate::extract::Form;
use crate::extract::Query;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use tandem_app::AppError;
use tandem_app::matching::{MentorsToChoose, RUN_PAGE_SIZE, RequestToMatch, Sending, StoredRun};
use tandem_app::views::Proposal;
use tandem_domain::ids::{MentorEntryId, ProgrammeId, RequestId};
use tandem_domain::proposals::DeclineReason;

use crate::caller::Caller;
use crate::error::PageError;
use crate::extract::{PageCaller, PathId};
use crate::forms::{Choice, Fields, Problem, csrf_field, error_summary, problems};
use crate::layout::{
    back_link, counted, format_time, invalid_page, page, page_number, pager, thousands,
};
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct MatchingNotice {
    #[serde(default)]
    sent: Option<String>,
    #[serde(default)]
    chosen: Option<String>,
    /// Sending found that things had changed since the run was read.
    #[serde(default)]
    changed: Option<String>,
    /// The run was worked out again at the coordinator's request.
    #[serde(default)]
    rerun: Option<String>,
    /// The page of proposed pairs.
    #[serde(default)]
    page: Option<String>,
    /// The page of mentees left waiting.
    #[serde(default)]
    waiting_page: Option<String>,
}

/// The matching page's address for pages of pairs and of mentees waiting.
fn matching_link(programme: ProgrammeId, page: u64, waiting_page: u64) -> String {
    let mut link = format!("/programmes/{programme}/matching");
    let mut sep = '?';
    if page > 1 {
        link.push_str(&format!("{sep}page={page}"));
        sep = '&';
    }
    if waiting_page > 1 {
        link.push_str(&format!("{sep}waiting_page={waiting_page}#waiting"));
    }
    link
}

fn pages(total: u64) -> i64 {
    i64::try_from(total.div_ceil(RUN_PAGE_SIZE).max(1)).unwrap_or(i64::MAX)
}

fn matching_content(
    caller: &Caller,
    run: &StoredRun,
    sent: &[Proposal],
    more_sent: bool,
    notice: &MatchingNotice,
) -> Markup {
    let programme = run.programme_id;
    let page = i64::try_from(run.pairs_page).unwrap_or(1);
    let waiting_page = i64::try_from(run.unmatched_page).unwrap_or(1);
    html! {
        @if let Some(count) = &notice.sent {
            div.panel-success role="status" {
                h2 { "Proposals sent" }
                p { (count) " " @if count == "1" { "proposal is" } @else { "proposals are" } " waiting for " @if count == "1" { "its mentor's answer." } @else { "their mentors' answers." } }
            }
        }
        @if notice.chosen.is_some() {
            div.panel-success role="status" { h2 { "Mentor chosen" } p { "Your choice and its reason are recorded; the other pairs were worked out again around it." } }
        }
        @if notice.changed.is_some() {
            div.warning-text role="alert" {
                strong { "Nothing was sent: things changed since you read these pairs. " }
                "Matching has been worked out again with the requests and mentors as they are now. Check the pairs below, then send them."
            }
        }
        @if notice.rerun.is_some() {
            div.panel-success role="status" { h2 { "Worked out again" } p { "These pairs use the requests, mentors and choices as they are now." } }
        }
        span.caption { (run.programme_name) }
        h1 { "Matching" }
        p.lede {
            (thousands(run.waiting)) " " @if run.waiting == 1 { "person is" } @else { "people are" } " waiting for a mentor. "
            @if run.first_come_first_served {
                "This programme allocates first come, first served: an earlier request is never left without a mentor so that a later one can have one."
            } @else {
                "These pairs give the best total score within every mentor's free places."
            }
        }
        form method="post" action={ "/programmes/" (programme) "/matching/run" } {
            (csrf_field(&caller.csrf_token))
            p {
                "Worked out " (format_time(run.made_at)) ". Matching is worked out again by itself when requests, answers, mentors or the programme change. "
                button.button.button--secondary type="submit" { "Work out again now" }
            }
        }
        @if !run.ignored_overrides.is_empty() {
            div.error-summary role="alert" {
                h2 { "Some of your choices could not be used" }
                ul { @for note in &run.ignored_overrides { li { (note) } } }
            }
        }
        @if !run.named_not_proposed.is_empty() {
            div.inset-text {
                h2 { "Mentors named by mentees who cannot be proposed" }
                p { "These mentees are matched as everyone else is. You can tell them why." }
                ul { @for note in &run.named_not_proposed { li { (note) } } }
            }
        }
        @if run.pair_count == 0 {
            p { "There is nobody to propose now: every waiting request needs a mentor with a free place who is eligible and not ruled out." }
        } @else {
            h2 { "Proposed pairs" }
            @if run.pair_count > RUN_PAGE_SIZE {
                p { (counted(run.pair_count, "pair", "pairs")) " in all, " (RUN_PAGE_SIZE) " to a page, by request." }
            }
            @for pair in &run.pairs {
                div.card {
                    h3 { (pair.mentee_name) " with " (pair.mentor_name) }
                    @if let Some(reason) = &pair.overridden {
                        p { span.tag { "Chosen by a coordinator" } " " (reason) }
                    }
                    @if pair.named_by_mentee {
                        p { span.tag { "Named by the mentee" } " They asked for this mentor in their request." }
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
            (pager(page, pages(run.pair_count), |n| matching_link(programme, u64::try_from(n).unwrap_or(1), run.unmatched_page)))
            form method="post" action={ "/programmes/" (programme) "/matching/send" } {
                (csrf_field(&caller.csrf_token))
                input type="hidden" name="run" value=(run.id);
                button.button type="submit" { "Send " (counted(run.pair_count, "proposal", "proposals")) " to " @if run.pair_count == 1 { "the mentor" } @else { "the mentors" } }
            }
        }
        @if run.unmatched_count > 0 {
            h2 id="waiting" { "Not matched this time" }
            @if run.unmatched_count > RUN_PAGE_SIZE {
                p { (counted(run.unmatched_count, "person", "people")) " in all, " (RUN_PAGE_SIZE) " to a page, by request." }
            }
            @if !run.closed_mentors.is_empty() {
                div.inset-text {
                    p { "Mentors on the register who can take nobody now:" }
                    ul { @for closed in &run.closed_mentors { li { (counted(closed.count as u64, "mentor", "mentors")) ": " (closed.reason) } } }
                }
            }
            @for person in &run.unmatched {
                h3 { (person.mentee_name) }
                @if person.could_have > 0 {
                    p { (counted(person.could_have as u64, "mentor", "mentors")) " could be paired with them, but their places went to other mentees in the best outcome for everyone." }
                } @else {
                    p { "No mentor with a free place can be paired with them." }
                }
                @if !person.ruled_out.is_empty() {
                    details {
                        summary { "Why " (counted(person.ruled_out.len() as u64, "mentor was", "mentors were")) " ruled out" }
                        ul { @for r in &person.ruled_out { li { strong { (r.mentor_name) } ": " (r.reasons.join("; ")) } } }
                    }
                }
                p { a href={ "/programmes/" (programme) "/matching/choose?request=" (person.request_id) } { "Choose a mentor for " (person.mentee_name) } }
            }
            (pager(waiting_page, pages(run.unmatched_count), |n| matching_link(programme, run.pairs_page, u64::try_from(n).unwrap_or(1))))
        }
        @if !sent.is_empty() {
            h2 { "Proposals sent" }
            @if more_sent {
                p { "The latest " (sent.len()) ", newest first. Each relationship's page has the rest of its story." }
            }
            table.table--stack {
                caption.visually-hidden { "Proposals sent to mentors" }
                thead { tr { th scope="col" { "Mentee" } th scope="col" { "Mentor" } th scope="col" { "Answer" } } }
                tbody {
                    @for p in sent {
                        tr {
                            td data-label="Mentee" { (p.mentee_name) }
                            td data-label="Mentor" { (p.mentor_name) }
                            td data-label="Answer" {
                                (p.status.label())
                                @if let Some(reason) = p.decline_reason.as_deref().and_then(DeclineReason::parse) { ": " (reason.label()) }
                                @if let Some(detail) = p.decline_detail.as_deref().filter(|d| !d.trim().is_empty()) {
                                    br; span.hint { "The mentor adds: " } q { (detail) }
                                }
                            }
                        }
                    }
                }
            }
        }
        p { a href={ "/programmes/" (programme) } { "Back to the programme" } }
    }
}

/// Proposals sent that the matching page lists, the newest.
const LATEST_PROPOSALS: i64 = 50;

/// `GET /programmes/{id}/matching`: a page of the stored run (worked out
/// and stored first if there is none).
pub async fn matching(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    PathId(programme): PathId<ProgrammeId>,
    Query(notice): Query<MatchingNotice>,
) -> Result<Markup, PageError> {
    let authority = state
        .app
        .matching_authority(&caller.principal, programme)
        .await?;
    let pairs_page = u64::try_from(page_number(notice.page.as_deref())).unwrap_or(1);
    let waiting_page = u64::try_from(page_number(notice.waiting_page.as_deref())).unwrap_or(1);
    let run = state
        .app
        .stored_matching_run(&authority, pairs_page, waiting_page)
        .await?;
    let (sent, more_sent) = state
        .app
        .programme_proposals(&authority, LATEST_PROPOSALS)
        .await?;
    Ok(page(
        "Matching",
        Some(&caller),
        matching_content(&caller, &run, &sent, more_sent, &notice),
    ))
}

/// `POST /programmes/{id}/matching/run`: work matching out again now.
pub async fn rerun(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    PathId(programme): PathId<ProgrammeId>,
) -> Result<Response, PageError> {
    let authority = state
        .app
        .matching_authority(&caller.principal, programme)
        .await?;
    state.app.rerun_matching(&authority).await?;
    Ok(Redirect::to(&format!("/programmes/{programme}/matching?rerun=1")).into_response())
}

#[derive(Debug, Deserialize)]
pub struct SendForm {
    #[serde(default)]
    run: String,
}

/// `POST /programmes/{id}/matching/send`: sends the run the coordinator
/// read, if it still stands.
pub async fn send(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    PathId(programme): PathId<ProgrammeId>,
    Form(form): Form<SendForm>,
) -> Result<Response, PageError> {
    let authority = state
        .app
        .matching_authority(&caller.principal, programme)
        .await?;
    let changed = format!("/programmes/{programme}/matching?changed=1");
    // A form without a run it read is treated as out of date.
    let Ok(run) = form.run.trim().parse() else {
        return Ok(Redirect::to(&changed).into_response());
    };
    match state.app.send_stored_proposals(&authority, run).await {
        Ok(Sending::Sent(count)) => Ok(Redirect::to(&format!(
            "/programmes/{programme}/matching?sent={count}"
        ))
        .into_response()),
        Ok(Sending::Changed) => Ok(Redirect::to(&changed).into_response()),
        // Someone else sent proposals meanwhile: show the page as it is now.
        Err(AppError::Invalid(_)) => Ok(Redirect::to(&changed).into_response()),
        Err(other) => Err(other.into()),
    }
}

#[derive(Debug, Deserialize)]
pub struct ChooseQuery {
    request: Option<String>,
    /// Part of a mentor's name to look for.
    #[serde(default)]
    name: String,
    #[serde(default)]
    page: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct ChooseForm {
    request: String,
    #[serde(default)]
    mentor: String,
    #[serde(default)]
    reason: String,
    /// The search and page the mentor was chosen from, to show again.
    #[serde(default)]
    name: String,
    #[serde(default)]
    page: String,
}

/// The choose page's address for a search and a page of mentors.
fn choose_link(programme: ProgrammeId, request: RequestId, name: &str, page: i64) -> String {
    format!(
        "/programmes/{programme}/matching/choose?{}",
        serde_urlencoded::to_string([
            ("request", request.to_string()),
            ("name", name.trim().to_owned()),
            ("page", page.to_string()),
        ])
        .unwrap_or_default()
    )
}

fn choose_content(
    caller: &Caller,
    programme: ProgrammeId,
    request_id: RequestId,
    mentee: &RequestToMatch,
    register: &MentorsToChoose,
    form: &ChooseForm,
    problems: &[Problem],
) -> Markup {
    let fields = Fields::new(problems);
    let mentors = register.mentors.iter().map(|mentor| {
        let entry = &mentor.entry;
        let mut label = format!(
            "{} {}, {}",
            entry.given_name, entry.family_name, entry.organisation
        );
        if !entry.expertise.is_empty() {
            label.push_str(" — ");
            label.push_str(&entry.expertise);
        }
        let mut notes: Vec<String> = Vec::new();
        if !mentor.ineligible.is_empty() {
            let reasons: Vec<String> = mentor.ineligible.iter().map(ToString::to_string).collect();
            notes.push(format!(
                "Not eligible for this programme: {}, so cannot be proposed.",
                reasons.join("; ")
            ));
        }
        if mentee.named_mentor == Some(entry.id) {
            notes.push("The mentor the mentee named.".to_owned());
        }
        if entry.organisation_id == mentee.organisation_id
            && mentee.other_team.is_some()
            && entry.team == mentee.other_team
        {
            notes.push("Against the mentee's wish: the same team as the mentee, who asked for a mentor from another.".to_owned());
        }
        if mentee.other_organisation && entry.organisation_id == mentee.organisation_id {
            notes.push("Against the mentee's wish: the same organisation as the mentee, who asked for a mentor from another.".to_owned());
        }
        let choice = Choice::new(entry.id, label);
        if notes.is_empty() {
            choice
        } else {
            choice.hint(notes.join(" "))
        }
    });
    html! {
        (back_link(&format!("/programmes/{programme}/matching")))
        (error_summary(problems))
        h1 { "Choose a mentor for " (mentee.name) }
        p { "The other pairs are worked out again around your choice. Rules that exclude a pair — line management, conflicts of interest, eligibility, availability and capacity — still apply." }
        @if !mentee.wishes.is_empty() {
            div.warning-text role="note" {
                strong { (mentee.name) " asked for " (mentee.wishes.join(" and ")) ". " }
                "If your choice goes against this, say why in your reason: the mentor reads it."
            }
        }
        form.search method="get" action={ "/programmes/" (programme) "/matching/choose" } role="search" {
            input type="hidden" name="request" value=(request_id);
            (Fields::new(&[]).text("name", "Look for a mentor by name").kind("search").value(&form.name))
            button.button.button--secondary type="submit" { "Search" }
            @if !form.name.trim().is_empty() {
                " " a href=(choose_link(programme, request_id, "", 1)) { "Show every mentor" }
            }
        }
        @if register.mentors.is_empty() {
            p { "No mentor on this programme's register has a name containing \u{201c}" (form.name.trim()) "\u{201d}. Try part of their first or last name." }
        } @else {
            p {
                (counted(u64::try_from(register.total).unwrap_or(0), "mentor", "mentors"))
                @if form.name.trim().is_empty() { " on the register" } @else { " found" }
                ", in name order"
                @if register.pages() > 1 { "; page " (register.page) " of " (register.pages()) }
                "."
            }
            form method="post" action={ "/programmes/" (programme) "/matching/choose" } novalidate {
                (csrf_field(&caller.csrf_token))
                input type="hidden" name="request" value=(request_id);
                input type="hidden" name="name" value=(form.name);
                input type="hidden" name="page" value=(register.page);
                (fields.radios("mentor", "Mentor").choices(mentors).chosen(&form.mentor))
                (fields.textarea("reason", "Why this mentor?").hint("Recorded with the proposal, and shown to the mentor.").value(&form.reason))
                button.button type="submit" { "Choose this mentor" }
            }
            (pager(register.page, register.pages(), |n| choose_link(programme, request_id, &form.name, n)))
        }
        p { a href={ "/programmes/" (programme) "/matching" } { "Back to matching" } }
    }
}

/// The request a choice is for, as the page and its form carry it; one
/// that is not an id is not found.
fn request_id(text: &str) -> Result<RequestId, PageError> {
    text.parse().map_err(|_| PageError::NotFound)
}

/// `GET /programmes/{id}/matching/choose?request=…`.
pub async fn choose_page(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    PathId(programme): PathId<ProgrammeId>,
    Query(query): Query<ChooseQuery>,
) -> Result<Markup, PageError> {
    let authority = state
        .app
        .matching_authority(&caller.principal, programme)
        .await?;
    let request_id = request_id(query.request.as_deref().unwrap_or(""))?;
    let mentee = state.app.request_to_match(&authority, request_id).await?;
    let register = state
        .app
        .register_for_matching(&authority, &query.name, page_number(query.page.as_deref()))
        .await?;
    let form = ChooseForm {
        request: request_id.to_string(),
        mentor: String::new(),
        reason: String::new(),
        name: query.name.clone(),
        page: register.page.to_string(),
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

/// `POST /programmes/{id}/matching/choose`: a coordinator's override.
pub async fn choose(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    PathId(programme): PathId<ProgrammeId>,
    Form(form): Form<ChooseForm>,
) -> Result<Response, PageError> {
    let authority = state
        .app
        .matching_authority(&caller.principal, programme)
        .await?;
    let request_id = request_id(&form.request)?;
    let mentee = state.app.request_to_match(&authority, request_id).await?;
    let outcome = match form.mentor.parse::<MentorEntryId>() {
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
            let mut problems = problems(errors);
            // A request that may not have this mentor: point at the mentors.
            for problem in &mut problems {
                if problem.field_id == "request" {
                    problem.field_id = "mentor".into();
                }
            }
            let register = state
                .app
                .register_for_matching(&authority, &form.name, page_number(Some(&form.page)))
                .await?;
            Ok(invalid_page(
                &caller,
                "Choose a mentor",
                choose_content(
                    &caller, programme, request_id, &mentee, &register, &form, &problems,
                ),
            ))
        }
        Err(other) => Err(other.into()),
    }
}
