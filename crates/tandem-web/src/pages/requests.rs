//! Mentor requests (REQ-1, REQ-5): asking for a mentor, the request as
//! each reader may see it, and the line manager's answer about the time it
//! takes. Every handler calls one use case in `tandem_app::requests`, which
//! decides what the caller may see and do.

use crate::extract::Form;
use crate::extract::Query;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use tandem_app::requests::{RequestForm, RequestView};
use tandem_app::{AppError, FieldError};
use tandem_domain::ids::{ProgrammeId, RequestId};
use tandem_domain::permissions::RequestAccess;
use tandem_domain::register::{
    Consultation, MentorRequestInput, RejectionReason, RequestStatus, ScreeningInput,
};

use crate::caller::Caller;
use crate::error::PageError;
use crate::extract::{PageCaller, PathId};
use crate::forms::{Fields, Problem, csrf_field, error_summary, follow_up, problems, yes};
use crate::layout::{back_link, invalid_page, page, summary_row};
use crate::state::AppState;
use tandem_domain::programme::Criterion;

/// The request form as typed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RequestFormInput {
    track: String,
    goals: String,
    help_needed: String,
    preferred_style: String,
    meeting_frequency: String,
    relationship_length: String,
    meeting_location: String,
    other_team: String,
    other_region: String,
    other_organisation: String,
    other_jurisdiction: String,
    language: String,
    gender: String,
    culture: String,
    race: String,
    religion: String,
    sexuality: String,
    location: String,
    specific_requests: String,
    isolated: String,
    named_mentor: String,
}

impl RequestFormInput {
    fn input(&self) -> MentorRequestInput {
        MentorRequestInput {
            track: self.track.clone(),
            goals: self.goals.clone(),
            help_needed: self.help_needed.clone(),
            preferred_style: self.preferred_style.clone(),
            meeting_frequency: self.meeting_frequency.clone(),
            relationship_length: self.relationship_length.clone(),
            meeting_location: self.meeting_location.clone(),
            other_team: yes(&self.other_team),
            other_region: yes(&self.other_region),
            other_organisation: yes(&self.other_organisation),
            other_jurisdiction: yes(&self.other_jurisdiction),
            language: self.language.clone(),
            gender: self.gender.clone(),
            culture: self.culture.clone(),
            race: self.race.clone(),
            religion: self.religion.clone(),
            sexuality: self.sexuality.clone(),
            location: self.location.clone(),
            specific_requests: self.specific_requests.clone(),
            isolated: yes(&self.isolated),
            named_mentor: self.named_mentor.clone(),
        }
    }
}

fn request_form(
    caller: &Caller,
    form: &RequestForm,
    input: &MentorRequestInput,
    problems: &[Problem],
) -> Markup {
    let id = form.programme.id;
    let tracks: Vec<(&str, &str)> = form
        .tracks
        .iter()
        .map(|(k, n)| (k.as_str(), n.as_str()))
        .collect();
    let fields = Fields::new(problems);
    let weighs = |criterion: Criterion| {
        form.programme
            .programme
            .matching
            .weights
            .get(criterion)
            .is_some()
    };
    // Only the preferences the programme matches on are asked (MAT-1):
    // another organisation only where several take part, another
    // jurisdiction only where they span more than one.
    let organisations = &form.programme.programme.organisations;
    let several_jurisdictions = organisations
        .iter()
        .any(|o| o.jurisdiction != organisations[0].jurisdiction);
    let mut prefer = fields
        .checkboxes("prefer", "I would prefer a mentor from")
        .hint("Optional. Tick any that apply: matching looks for a mentor who is.")
        .checkbox("other_team", "another team", input.other_team)
        .checkbox("other_region", "another region", input.other_region);
    if organisations.len() > 1 {
        prefer = prefer.checkbox(
            "other_organisation",
            "another organisation",
            input.other_organisation,
        );
    }
    if several_jurisdictions {
        prefer = prefer.checkbox(
            "other_jurisdiction",
            "another jurisdiction",
            input.other_jurisdiction,
        );
    }
    let shared = [
        (
            Criterion::Language,
            "language",
            "A language you would like your mentor to speak",
            &input.language,
        ),
        (
            Criterion::Gender,
            "gender",
            "Your mentor's gender, if it matters to you",
            &input.gender,
        ),
        (
            Criterion::Culture,
            "culture",
            "A culture or background you would like your mentor to share",
            &input.culture,
        ),
        (
            Criterion::Race,
            "race",
            "An ethnicity you would like your mentor to share",
            &input.race,
        ),
        (
            Criterion::Religion,
            "religion",
            "A religion or belief you would like your mentor to share",
            &input.religion,
        ),
        (
            Criterion::Sexuality,
            "sexuality",
            "A sexual orientation you would like your mentor to share",
            &input.sexuality,
        ),
    ];
    let shared: Vec<_> = shared.into_iter().filter(|(c, ..)| weighs(*c)).collect();
    html! {
        (back_link(&format!("/programmes/{id}")))
        (error_summary(problems))
        span.caption { (form.programme.programme.name) }
        h1 { "Ask for a mentor" }
        @if let Some(open) = form.open_request {
            div.notification-banner role="region" aria-labelledby="open-title" {
                h2.notification-banner__title id="open-title" { "You have already asked" }
                div.notification-banner__content {
                    p { "You already have an open request in this programme. " a href={ "/requests/" (open) } { "See your request" } "." }
                }
            }
        } @else {
            form method="post" action={ "/programmes/" (id) "/request" } novalidate {
                (csrf_field(&caller.csrf_token))
                (fields.radios("track", "What kind of mentoring are you asking for?").options(&tracks).chosen(&input.track))
                (fields.textarea("goals", "What do you want to achieve?").hint("Your goals. Your line manager never sees these.").value(&input.goals))
                (fields.textarea("help_needed", "What would you like help with?").value(&input.help_needed))
                (fields.textarea("preferred_style", "What style of mentoring suits you?").hint("For example, a listener who asks questions, or someone who gives direct advice.").value(&input.preferred_style))
                h2 { "Expectations" }
                (fields.text("meeting_frequency", "How often would you like to meet?").value(&input.meeting_frequency))
                (fields.text("relationship_length", "For how long?").value(&input.relationship_length))
                (fields.text("meeting_location", "Where, or how, would you like to meet?").value(&input.meeting_location))
                @if weighs(Criterion::Location) {
                    (fields.text("location", "Where are you based?").hint("Optional. A town or area: matching looks for a mentor nearby.").value(&input.location))
                }
                @if weighs(Criterion::PreferredElsewhere) || !shared.is_empty() {
                    h2 { "Preferences" }
                }
                @if weighs(Criterion::PreferredElsewhere) {
                    (prefer)
                }
                @for (_, name, label, value) in &shared {
                    (fields.text(name, label).hint("Optional. Only the coordinator and the mentor proposed to you see this. Matching looks for a mentor who has said the same and agreed to matching on it.").value(value))
                }
                @if weighs(Criterion::SpecificRequests) {
                    (fields.textarea("specific_requests", "Anything specific you would like a mentor to offer?").hint("Optional. For example, experience of a merger, or of leading a service across the border. Matching looks for a mentor who offers it.").value(&input.specific_requests))
                }
                @if weighs(Criterion::OtherTeamOrRegionIfIsolated) {
                    (fields.checkboxes("minority", "If it applies to you")
                        .hint("Optional. Only the coordinator and the mentor proposed to you see this. Matching then looks harder for a mentor from another team or region.")
                        .checkbox("isolated", "I am from a minority group, or professionally isolated in my team", input.isolated))
                }
                @if !form.mentors.is_empty() {
                    (fields.select("named_mentor", "A mentor you would like, if any").placeholder("No one in particular")
                        .options(form.mentors.iter().map(|(entry, name)| (entry, name)))
                        .selected(&input.named_mentor))
                }
                button.button type="submit" { "Send request" }
            }
        }
        p { a href={ "/programmes/" (id) } { "Back to the programme page" } }
    }
}

/// `GET /programmes/{id}/request`.
pub async fn new_request_page(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    PathId(id): PathId<ProgrammeId>,
) -> Result<Markup, PageError> {
    let form = state.app.request_form(&caller.principal, id).await?;
    let mut input = MentorRequestInput::default();
    if let [(only, _)] = form.tracks.as_slice() {
        input.track = only.clone();
    }
    Ok(page(
        "Ask for a mentor",
        Some(&caller),
        request_form(&caller, &form, &input, &[]),
    ))
}

/// `POST /programmes/{id}/request`: then the self-assessment, if the
/// programme has one.
pub async fn create_request(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    PathId(id): PathId<ProgrammeId>,
    Form(form): Form<RequestFormInput>,
) -> Result<Response, PageError> {
    let input = form.input();
    match state
        .app
        .submit_request(&caller.principal, id, &input)
        .await
    {
        Ok(request) => {
            let view = state.app.request_view(&caller.principal, request).await?;
            let next = if view.self_assessment.as_ref().is_some_and(|s| s.can_answer) {
                format!("/requests/{request}/self-assessment")
            } else {
                format!("/requests/{request}?sent=1")
            };
            Ok(Redirect::to(&next).into_response())
        }
        Err(AppError::Invalid(errors)) => {
            let request_form_data = state.app.request_form(&caller.principal, id).await?;
            let mut problems = problems(errors);
            // An open request already exists: point at the banner.
            for problem in &mut problems {
                if problem.field_id == "programme" {
                    problem.field_id = "track".into();
                }
            }
            Ok(invalid_page(
                &caller,
                "Ask for a mentor",
                request_form(&caller, &request_form_data, &input, &problems),
            ))
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RequestNotice {
    sent: String,
    answered: String,
    screened: String,
    consulted: String,
}

fn request_content(
    caller: &Caller,
    view: &RequestView,
    notice: &RequestNotice,
    problems: &[Problem],
    typed: &Typed,
) -> Markup {
    let screening = &typed.screening;
    let consultation = &typed.consultation;
    let r = &view.request;
    let status = r.status;
    let fields = Fields::new(problems);
    html! {
        (error_summary(problems))
        @if !notice.sent.is_empty() { div.panel-success role="status" { h2 { "Request sent" } p { "The coordinator will screen it. You can see its status on your home page." } } }
        @if !notice.answered.is_empty() { div.panel-success role="status" { h2 { "Self-assessment saved" } } }
        @if !notice.screened.is_empty() { div.panel-success role="status" { h2 { "Screening decision saved" } } }
        @if !notice.consulted.is_empty() { div.panel-success role="status" { h2 { "Thank you: your answer is recorded" } } }
        span.caption { (view.programme.name) }
        @if view.access == RequestAccess::Mentee {
            h1 { "Your request for a mentor" }
        } @else {
            h1 { "Mentor request from " (r.given_name) " " (r.family_name) }
        }
        dl.summary-list {
            (summary_row("Status", Some(view.progress.unwrap_or(status.label()))))
            (summary_row("Kind of mentoring", Some(&view.track_name)))
            (summary_row("Organisation", Some(&r.organisation)))
            (summary_row("Team", r.team.as_deref()))
            (summary_row("Time it implies", Some(&view.time_commitment)))
            @if view.access == RequestAccess::LineManager {
                (summary_row("Your answer about the time", Some(match r.consultation {
                    Consultation::Awaiting => "Not given yet: answer below",
                    Consultation::Supports => "You support the time it takes",
                    Consultation::HasConcerns => "You have concerns about the time",
                    Consultation::NotNeeded => "Not asked",
                })))
            } @else if view.access == RequestAccess::Mentee {
                (summary_row("Your line manager", Some(match r.consultation {
                    Consultation::Awaiting => "Asked about the time; not answered yet",
                    other => other.label(),
                })))
            } @else {
                (summary_row("Line manager", Some(r.consultation.label())))
            }
            @if !r.consultation_note.is_empty() && view.access.reads_consultation_note() {
                (summary_row(if view.access == RequestAccess::LineManager { "What you said" } else { "What the line manager said" }, Some(&r.consultation_note)))
            }
            @if view.access.sees_content() {
                (summary_row("How it came", Some(match r.source {
                    tandem_domain::register::RequestSource::Requested => "Asked for by the mentee",
                    tandem_domain::register::RequestSource::Automatic => "Enrolled automatically by the programme",
                })))
                (summary_row("Goals", Some(&r.goals)))
                (summary_row("Help needed", Some(&r.help_needed)))
                (summary_row("Preferred style", Some(&r.preferred_style)))
                (summary_row("How often", Some(&r.meeting_frequency)))
                (summary_row("For how long", Some(&r.relationship_length)))
                (summary_row("Where", Some(&r.meeting_location)))
                (summary_row("Prefers a mentor from", Some(&[
                    (r.other_team, "another team"),
                    (r.other_region, "another region"),
                    (r.other_organisation, "another organisation"),
                    (r.other_jurisdiction, "another jurisdiction"),
                ].iter().filter(|(on, _)| *on).map(|(_, l)| *l).collect::<Vec<_>>().join(", "))))
                @for (label, value) in [
                    ("Where they are based", &r.location),
                    ("Language", &r.language),
                    ("Gender", &r.gender),
                    ("Culture", &r.culture),
                    ("Ethnicity", &r.race),
                    ("Religion or belief", &r.religion),
                    ("Sexual orientation", &r.sexuality),
                ] {
                    @if !value.is_empty() {
                        (summary_row(label, Some(value)))
                    }
                }
                @if !r.specific_requests.is_empty() {
                    (summary_row("Specific requests", Some(&r.specific_requests)))
                }
                @if r.isolated {
                    (summary_row("Minority or isolated", Some("From a minority group, or professionally isolated in their team: a mentor from another team or region may help more")))
                }
                (summary_row("Named mentor", view.named_mentor.as_deref()))
                @if status == RequestStatus::Rejected {
                    (summary_row("Reason not accepted", r.rejection_reason.as_deref().and_then(RejectionReason::parse).map(|r| r.label())))
                    @if let Some(detail) = r.rejection_detail.as_deref().filter(|d| !d.trim().is_empty()) {
                        (summary_row("Explanation", Some(detail)))
                    }
                }
                @if let Some(assessment) = &view.self_assessment {
                    (summary_row(&assessment.name, Some(if assessment.answered { "Answered" } else { "Not answered yet" })))
                }
            }
        }
        @if status == RequestStatus::Rejected && view.access == RequestAccess::Mentee {
            h2 { "What you can do next" }
            p { "If you would like to talk about the decision, or about other support such as coaching, supervision or training, contact your programme coordinator. You can ask for a mentor again when your circumstances change." }
        }
        @if view.access == RequestAccess::LineManager {
            p { "You are consulted about the time this takes. What your colleague hopes to get from mentoring is between them, their mentor and the coordinator." }
        }
        @if let Some(assessment) = &view.self_assessment && assessment.can_answer {
            p { a.button href={ "/requests/" (r.id) "/self-assessment" } { @if assessment.answered { "Change your self-assessment" } @else { "Answer the self-assessment" } } }
        }
        @if view.can_consult {
            h2 { "Your view on the time" }
            form method="post" action={ "/requests/" (r.id) "/consultation" } {
                (csrf_field(&caller.csrf_token))
                (fields.radios("answer", "Can the time be found?").options(&[("supports", "Yes, I support the time it takes"), ("has_concerns", "I have concerns about the time")]).chosen(&consultation.answer).reveals("has_concerns"))
                (follow_up(html! {
                    (fields.textarea("note", "What are your concerns?").hint("For example, a busy period or cover the team lacks. The coordinator reads this; your colleague does not.").value(&consultation.note))
                }))
                button.button type="submit" { "Send" }
            }
        }
        @if view.can_screen {
            h2 { "Screen this request" }
            @if !view.target_group.is_empty() {
                p { "The programme is for:" }
                ul { @for line in &view.target_group { li { (line) } } }
            }
            @if r.consultation == Consultation::Awaiting {
                div.warning-text role="note" {
                    strong { "The line manager has not answered yet. " }
                    "They are asked whether the time can be found. You can accept now, but you may want to wait for their answer."
                }
            } @else if r.consultation == Consultation::HasConcerns {
                div.warning-text role="note" {
                    strong { "The line manager has concerns about the time. " }
                    "Talk to them and the mentee before you accept."
                }
            }
            form method="post" action={ "/requests/" (r.id) "/screening" } novalidate {
                (csrf_field(&caller.csrf_token))
                (fields.radios("decision", "Decision").options(&[("accept", "Accept: add to the queue for matching"), ("reject", "Do not accept")]).chosen(&screening.decision).reveals("reject"))
                @let reasons: Vec<(&str, &str)> = RejectionReason::ALL.iter().map(|r| (r.as_str(), r.label())).collect();
                (follow_up(html! {
                    (fields.radios("reason", "Why not?").options(&reasons).chosen(&screening.reason))
                    (fields.textarea("detail", "Explanation").hint("Required for \"another reason\". The mentee sees it.").value(&screening.detail))
                }))
                button.button type="submit" { "Save decision" }
            }
        }
        @if view.can_withdraw {
            h2 { "Withdraw this request" }
            p { "If you no longer want a mentor, you can withdraw the request. Nobody is told why, and you can ask again later." }
            form method="post" action={ "/requests/" (r.id) "/withdraw" } {
                (csrf_field(&caller.csrf_token))
                button.button.button--warning type="submit" { "Withdraw my request" }
            }
        }
        @if view.access == RequestAccess::Coordinator || view.access == RequestAccess::Administrator {
            p { a href={ "/programmes/" (r.programme_id) "/screening" } { "Back to the screening queue" } }
        } @else {
            p { a href="/" { "Back to your home page" } }
        }
    }
}

/// `GET /requests/{id}`.
pub async fn request(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    PathId(id): PathId<RequestId>,
    Query(notice): Query<RequestNotice>,
) -> Result<Markup, PageError> {
    let view = state.app.request_view(&caller.principal, id).await?;
    Ok(page(
        "Mentor request",
        Some(&caller),
        request_content(&caller, &view, &notice, &[], &Typed::default()),
    ))
}

/// What was typed into the forms of a request page, kept when one had
/// mistakes.
#[derive(Debug, Default)]
pub struct Typed {
    pub screening: ScreeningInput,
    pub consultation: ConsultationForm,
}

/// The request page again after a form on it had mistakes (422): the
/// consultation's, or the screening decision, as typed.
pub async fn request_with_problems(
    state: &AppState,
    caller: &Caller,
    id: RequestId,
    errors: Vec<FieldError>,
    typed: &Typed,
) -> Result<Response, PageError> {
    let view = state.app.request_view(&caller.principal, id).await?;
    Ok(invalid_page(
        caller,
        "Mentor request",
        request_content(
            caller,
            &view,
            &RequestNotice::default(),
            &problems(errors),
            typed,
        ),
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ConsultationForm {
    answer: String,
    note: String,
}

/// `POST /requests/{id}/consultation`.
pub async fn consult(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    PathId(id): PathId<RequestId>,
    Form(form): Form<ConsultationForm>,
) -> Result<Response, PageError> {
    match state
        .app
        .answer_consultation(&caller.principal, id, &form.answer, &form.note)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/requests/{id}?consulted=1")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let typed = Typed {
                consultation: form,
                ..Typed::default()
            };
            request_with_problems(&state, &caller, id, errors, &typed).await
        }
        Err(other) => Err(other.into()),
    }
}

/// `POST /requests/{id}/withdraw`: the mentee withdraws their request (LIF-4).
pub async fn withdraw(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    PathId(id): PathId<RequestId>,
) -> Result<Response, PageError> {
    state.app.withdraw_request(&caller.principal, id).await?;
    Ok(Redirect::to(&format!("/requests/{id}")).into_response())
}
