//! Programme pages (PRG-1, PRG-2, PRG-4, PRG-5): the caller's programmes,
//! each programme's public page with how to apply (PRG-5), and starting a
//! programme from a shipped template (PRG-4). Every handler calls one use
//! case in `tandem_app::programmes`, which decides what the caller may see
//! and change.

use crate::extract::Form;
use crate::extract::Query;
use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use tandem_app::AppError;
use tandem_app::programmes::{
    NewProgramme, ProgrammeView, PublicProgramme, TemplateChoice, fields,
};
use tandem_app::views::Organisation;
use tandem_domain::ids::ProgrammeId;
use tandem_domain::programme::{
    Frequency, IntervalUnit, MeetingGuideline, MeetingKind, Programme, RecordMode, Track,
    TrackLength,
};

use crate::caller::Caller;
use crate::error::{PageError, capitalise};
use crate::extract::{MaybeCaller, PageCaller, PathId, sign_in_redirect};
use crate::forms::{Choice, Fields, Problem, csrf_field, error_summary, problems_for};
use crate::layout::{back_link, invalid_page, page, summary_row};
use crate::state::AppState;

fn organisation_names(organisations: &[Organisation]) -> String {
    organisations
        .iter()
        .map(|o| o.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// "6 months", "6 to 12 months", "up to 12 months (planned 12 months)".
pub fn length_text(length: Option<&TrackLength>) -> String {
    let Some(length) = length else {
        return "No set length".to_owned();
    };
    let range = match (length.min_months, length.max_months) {
        (Some(min), Some(max)) if min == max => Some(min.to_string()),
        (Some(min), Some(max)) => Some(format!("{} to {max}", min.get())),
        (Some(min), None) => Some(format!("At least {min}")),
        (None, Some(max)) => Some(format!("Up to {max}")),
        (None, None) => None,
    };
    match (range, length.planned_months) {
        (Some(range), Some(planned))
            if !(length.min_months == Some(planned) && length.max_months == Some(planned)) =>
        {
            format!("{range} (planned {planned})")
        }
        (Some(range), _) => range,
        (None, Some(planned)) => planned.to_string(),
        (None, None) => "No set length".to_owned(),
    }
}

fn extension_text(track: &Track) -> Option<String> {
    let extension = &track.extension;
    if !extension.allowed {
        return None;
    }
    let mut text = match extension.max_months {
        Some(max) => format!("Can be extended by up to {max}"),
        None => "Can be extended".to_owned(),
    };
    if extension.reason_required {
        text.push_str(", with the reason recorded");
    }
    Some(text)
}

fn frequency_text(frequency: &Frequency) -> String {
    let unit = |n: u16| match (frequency.unit, n) {
        (IntervalUnit::Weeks, 1) => "week",
        (IntervalUnit::Weeks, _) => "weeks",
        (IntervalUnit::Months, 1) => "month",
        (IntervalUnit::Months, _) => "months",
    };
    match (frequency.every_min, frequency.every_max) {
        (1, 1) => format!("Every {}", unit(1)),
        (min, max) if min == max => format!("Every {min} {}", unit(min)),
        (min, max) => format!("Every {min} to {max} {}", unit(max)),
    }
}

fn meeting_length_text(meetings: &MeetingGuideline) -> Option<String> {
    match (meetings.min_minutes, meetings.max_minutes) {
        (Some(min), Some(max)) if min == max => Some(min.to_string()),
        (Some(min), Some(max)) => Some(format!("{} to {max}", min.get())),
        (Some(min), None) => Some(format!("At least {min}")),
        (None, Some(max)) => Some(format!("Up to {max}")),
        (None, None) => None,
    }
}

fn kind_label(kind: MeetingKind) -> &'static str {
    match kind {
        MeetingKind::FaceToFace => "face to face",
        MeetingKind::Telephone => "telephone",
        MeetingKind::Video => "video call",
        MeetingKind::Email => "email",
    }
}

pub fn record_mode_label(mode: RecordMode) -> &'static str {
    match mode {
        RecordMode::MetadataOnly => {
            "Only the date, length and kind of each meeting: nothing about what was discussed"
        }
        RecordMode::NotesAgreedByBoth => {
            "Short notes, written by one of the pair and agreed by both"
        }
    }
}

fn review_interval_text(programme: &Programme) -> Option<String> {
    programme.reviews.interval.map(|interval| {
        if interval.min_months == interval.max_months {
            format!("Every {}", interval.min_months)
        } else {
            format!(
                "Every {} to {}",
                interval.min_months.get(),
                interval.max_months
            )
        }
    })
}

#[derive(Debug, Deserialize)]
pub struct Notice {
    saved: Option<String>,
    created: Option<String>,
    published: Option<String>,
}

/// `/programmes`: the programmes the caller takes part in.
pub async fn list(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
) -> Result<Markup, PageError> {
    let programmes = state.app.list_programmes(&caller.principal).await?;
    let can_create = !state
        .app
        .programme_creation_organisations(&caller.principal)
        .await?
        .is_empty();
    Ok(page(
        "Programmes",
        Some(&caller),
        html! {
            h1 { "Programmes" }
            @if programmes.is_empty() {
                p { "None of your organisations runs a mentoring programme in Tandem yet." }
            } @else {
                p { "The mentoring programmes your organisation takes part in. Each page says who the programme is for and how to apply." }
                table.table--stack {
                    caption.visually-hidden { "Programmes" }
                    thead { tr {
                        th scope="col" { "Programme" }
                        th scope="col" { "Organisations taking part" }
                        th scope="col" { "Next policy review" }
                    } }
                    tbody {
                        @for view in &programmes {
                            tr {
                                td data-label="Programme" {
                                    a href={ "/programmes/" (view.id) } { (view.programme.name) }
                                    @if view.is_draft() { " " strong.tag.tag--draft { "Draft" } }
                                }
                                td data-label="Organisations taking part" { (organisation_names(&view.organisations)) }
                                td data-label="Next policy review" {
                                    @match view.next_review {
                                        Some(date) => {
                                            (date)
                                            @if view.review_due && view.can_edit() { " " strong.tag.tag--due { "Due" } }
                                        }
                                        None => span.hint { "Not set" },
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if can_create {
                p { a.button href="/programmes/new" { "Start a programme from a template" } }
            }
        },
    ))
}

/// A summary-list row, left out when the programme does not say.
fn stated_row(key: &str, value: Option<&str>) -> Markup {
    html! {
        @if value.is_some_and(|v| !v.trim().is_empty()) {
            (summary_row(key, value))
        }
    }
}

fn programme_content(view: &ProgrammeView, notice: &Notice, caller: &Caller) -> Markup {
    let has_person = caller.principal.person_id.is_some();
    let programme = &view.programme;
    let policy = &programme.policy;
    html! {
        @if notice.saved.is_some() {
            div.panel-success role="status" { h2 { "Settings saved" } p { "Everyone who can see the programme now sees the new settings." } }
        }
        @if notice.created.is_some() {
            div.panel-success role="status" {
                h2 { "Programme created as a draft" }
                p { "It starts with the template's rules, and its policy history starts today. Only its coordinators can see it until you publish it." }
            }
        }
        @if notice.published.is_some() && !view.is_draft() {
            div.panel-success role="status" {
                h2 { "Programme published" }
                p { "Staff of the organisations taking part can now read this page, ask for a mentor and volunteer as mentors." }
            }
        }
        @if view.is_draft() && view.can_edit() {
            div.notification-banner role="region" aria-labelledby="draft-title" {
                h2.notification-banner__title id="draft-title" { "Draft" }
                div.notification-banner__content {
                    p { strong { "Only the programme's coordinators can see this programme." } }
                    p { "Nobody can ask for a mentor or volunteer until it is published. "
                        a href={ "/programmes/" (view.id) "/settings" } { "Check its settings and the text staff will read" }
                        ", then publish it." }
                    form method="post" action={ "/programmes/" (view.id) "/publish" } {
                        (csrf_field(&caller.csrf_token))
                        button.button type="submit" { "Publish the programme" }
                    }
                }
            }
        }
        @if view.review_due && view.can_edit() {
            div.notification-banner role="region" aria-labelledby="review-due-title" {
                h2.notification-banner__title id="review-due-title" { "Important" }
                div.notification-banner__content {
                    p { strong { "The programme's policy was due for review on " (view.next_review.map(|d| d.to_string()).unwrap_or_default()) "." } }
                    p { a href={ "/programmes/" (view.id) "/settings#revision" } { "Record the review and set the next review date" } }
                }
            }
        }
        span.caption { (organisation_names(&view.organisations)) }
        h1 { (programme.name) }
        @if !programme.summary.is_empty() { p.lede { (programme.summary) } }
        (programme_actions(view, has_person))
        (programme_information(programme))
        (disagreements(programme))
        h2 { "The programme's policy" }
        dl.summary-list {
            (stated_row("Version", policy.version.as_deref()))
            (stated_row("Approved", policy.approved.as_deref()))
            div.summary-list__row {
                dt.summary-list__key { "Next review" }
                dd.summary-list__value {
                    @match view.next_review {
                        Some(date) => { (date) @if view.review_due { " " strong.tag.tag--due { "Due" } } }
                        None => span.hint { "Not set" },
                    }
                }
            }
        }
        @if policy.revisions.is_empty() {
            p { "No revisions have been recorded." }
        } @else {
            table.table--stack {
                caption { "Revision history" }
                thead { tr {
                    th scope="col" { "Date" }
                    th scope="col" { "Change" }
                    th scope="col" { "Author" }
                } }
                tbody {
                    @for revision in &policy.revisions {
                        tr { td data-label="Date" { (revision.date) } td data-label="Change" { (revision.change) } td data-label="Author" { (revision.author) } }
                    }
                }
            }
        }
        p { a href="/programmes" { "Back to programmes" } }
    }
}

/// How the programme handles disagreement, conflicts of interest and
/// mismatches, for those taking part: its steps, who mediates, whether every
/// disagreement is recorded and whether either may leave without
/// recrimination. Nothing when the programme says nothing.
fn disagreements(programme: &Programme) -> Markup {
    let conflicts = &programme.conflicts;
    let mediators: Vec<&str> = conflicts
        .mediation_with
        .iter()
        .map(|party| tandem_domain::relationship::party_name(*party))
        .collect();
    let said = !conflicts.steps.is_empty()
        || !mediators.is_empty()
        || conflicts.always_recorded
        || conflicts.change_without_recrimination;
    html! {
        @if said {
            h2 { "If mentor and mentee disagree" }
            @if !conflicts.steps.is_empty() {
                ol { @for step in &conflicts.steps { li { (step) } } }
            }
            @if !mediators.is_empty() {
                p { "Mediation is with " (mediators.join(" and ")) "." }
            }
            @if conflicts.always_recorded {
                p { "Every disagreement is recorded." }
            }
            @if conflicts.change_without_recrimination {
                p { "Either of you may end the relationship, or ask for a change, without recrimination." }
            }
        }
    }
}

/// The programme's published information (PRG-5): what it is for, how to
/// apply, who to contact, its tracks and its meetings. The whole of what
/// someone not signed in reads of a public programme.
fn programme_information(programme: &Programme) -> Markup {
    let publicity = &programme.publicity;
    let meetings = &programme.meetings;
    let kinds: Vec<&str> = meetings.kinds.iter().map(|k| kind_label(*k)).collect();
    html! {
        @if !publicity.text.is_empty() { p { (publicity.text) } }
        @if !programme.objectives.is_empty() {
            h2 { "What the programme is for" }
            ul { @for objective in &programme.objectives { li { (objective) } } }
        }
        h2 { "How to apply" }
        p { (publicity.how_to_apply) }
        h2 { "Who to contact" }
        @if publicity.contact.is_empty() {
            p { "Your programme coordinator." }
        } @else {
            p { (publicity.contact) }
        }
        h2 { "Ways into the programme" }
        table.table--stack {
            caption.visually-hidden { "Tracks, who each is for and how long it lasts" }
            thead { tr {
                th scope="col" { "Track" }
                th scope="col" { "Who it is for" }
                th scope="col" { "How long it lasts" }
            } }
            tbody {
                @for track in &programme.tracks {
                    tr {
                        td data-label="Track" { (track.name) }
                        td data-label="Who it is for" { ul { @for rule in &track.eligibility { li { (rule) } } } }
                        td data-label="How long it lasts" {
                            (length_text(track.length.as_ref()))
                            @if let Some(extension) = extension_text(track) { br; span.hint { (extension) } }
                        }
                    }
                }
            }
        }
        h2 { "Meetings" }
        dl.summary-list {
            (stated_row("How often", meetings.frequency.as_ref().map(frequency_text).as_deref()))
            (stated_row("How long", meeting_length_text(meetings).as_deref()))
            (stated_row("How you meet", (!kinds.is_empty()).then(|| capitalise(&kinds.join(", "))).as_deref()))
            (stated_row("Reviews of the relationship", review_interval_text(programme).as_deref()))
            (summary_row("What is recorded", Some(record_mode_label(programme.records.mode))))
        }
    }
}

/// What the caller can do in a programme, at the top of its page: asking
/// for a mentor first for anyone with a staff record, then the register
/// and volunteering, then what those who run it do.
fn programme_actions(view: &ProgrammeView, has_person: bool) -> Markup {
    let id = view.id;
    let volunteers = tandem_domain::register::accepts_volunteers(&view.programme);
    html! {
        div.actions {
            @if has_person && !view.is_draft() {
                a.button href={ "/programmes/" (id) "/request" } { "Ask for a mentor" }
            }
            a.button.button--secondary href={ "/programmes/" (id) "/register" } { "Mentor register" }
            @if has_person && volunteers && !view.is_draft() {
                a.button.button--secondary href={ "/programmes/" (id) "/register/new" } { "Volunteer as a mentor" }
            }
            @if view.can_edit() {
                a.button.button--secondary href={ "/programmes/" (id) "/screening" } { "Screen mentor requests" }
                a.button.button--secondary href={ "/programmes/" (id) "/matching" } { "Match mentees with mentors" }
                a.button.button--secondary href={ "/programmes/" (id) "/relationships" } { "Relationships" }
                a.button.button--secondary href={ "/programmes/" (id) "/settings" } { "Settings" }
            }
        }
    }
}

/// `/programmes/{id}`: the programme page (PRG-5). Someone signed out
/// reads the published information of a programme made public; for any
/// other programme they are sent to sign in, as for every page, so that
/// nothing says whether it exists.
pub async fn show(
    State(state): State<AppState>,
    MaybeCaller(caller): MaybeCaller,
    uri: Uri,
    Path(id): Path<String>,
    Query(notice): Query<Notice>,
) -> Result<Response, PageError> {
    let id = id.parse::<ProgrammeId>().ok();
    let Some(caller) = caller else {
        let public = match id {
            Some(id) => state.app.public_programme(id).await?,
            None => None,
        };
        return Ok(match public {
            Some(public) => public_page(&public, uri.path()).into_response(),
            None => sign_in_redirect(&uri),
        });
    };
    let id = id.ok_or(AppError::NotFound)?;
    let view = state.app.programme(&caller.principal, id).await?;
    Ok(page(
        &view.programme.name,
        Some(&caller),
        programme_content(&view, &notice, &caller),
    )
    .into_response())
}

/// A public programme's page for someone not signed in.
fn public_page(public: &PublicProgramme, path: &str) -> Markup {
    let next = serde_urlencoded::to_string([("next", path)]).unwrap_or_default();
    page(
        &public.programme.name,
        None,
        html! {
            span.caption { (organisation_names(&public.organisations)) }
            h1 { (public.programme.name) }
            @if !public.programme.summary.is_empty() { p.lede { (public.programme.summary) } }
            div.actions {
                a.button href={ "/sign-in?" (next) } { "Sign in to ask for a mentor or to volunteer" }
            }
            (programme_information(&public.programme))
        },
    )
}

/// `POST /programmes/{id}/publish`: a coordinator publishes a draft.
pub async fn publish(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    PathId(id): PathId<ProgrammeId>,
    Form(_): Form<Empty>,
) -> Result<Response, PageError> {
    let view = state.app.publish_programme(&caller.principal, id).await?;
    Ok(Redirect::to(&format!("/programmes/{}?published=1", view.id)).into_response())
}

/// A form with nothing to read but its CSRF token, which the session
/// layer checks.
#[derive(Debug, Default, Deserialize)]
pub struct Empty {}

const NEW_FIELDS: [(&str, &str); 4] = [
    (fields::TEMPLATE, "template"),
    (fields::KEY, "key"),
    (fields::NAME, "name"),
    (fields::ORGANISATION, "organisation"),
];

/// The new-programme form as typed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewForm {
    template: String,
    key: String,
    name: String,
    organisation: String,
}

fn new_form(
    caller: &Caller,
    templates: &[TemplateChoice],
    organisations: &[Organisation],
    form: &NewForm,
    problems: &[Problem],
) -> Markup {
    let fields = Fields::new(problems);
    let selected_organisation = if organisations.len() == 1 {
        organisations[0].id.to_string()
    } else {
        form.organisation.clone()
    };
    let mut organisation = fields
        .select("organisation", "Organisation running the programme")
        .options(organisations.iter().map(|o| (o.id, &o.name)))
        .selected(&selected_organisation);
    if organisations.len() != 1 {
        organisation = organisation.placeholder("Choose an organisation");
    }
    let templates = templates
        .iter()
        .map(|t| Choice::new(t.key, &t.name).hint(&t.summary));
    html! {
        (back_link("/programmes"))
        (error_summary(problems))
        h1 { "Start a programme from a template" }
        p { "Each template reproduces one scheme's written policy. Your programme starts with its settings, which you can then change." }
        form method="post" action="/programmes/new" novalidate {
            (csrf_field(&caller.csrf_token))
            (fields.radios("template", "Template").choices(templates).chosen(&form.template))
            (fields.text("key", "Short name for web addresses").hint("Used in links and files: lower-case letters, digits and hyphens, like carers-2026.").value(&form.key))
            (fields.text("name", "Programme name").hint("The name staff will know it by.").value(&form.name))
            (organisation)
            button.button type="submit" { "Create programme" }
        }
    }
}

/// `GET /programmes/new`.
pub async fn new_page(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
) -> Result<Markup, PageError> {
    let organisations = state
        .app
        .programme_creation_organisations(&caller.principal)
        .await?;
    if organisations.is_empty() {
        return Err(PageError::Forbidden(
            "Only administrators and programme coordinators can start a programme.".into(),
        ));
    }
    let templates = state.app.programme_templates()?;
    Ok(page(
        "Start a programme",
        Some(&caller),
        new_form(
            &caller,
            &templates,
            &organisations,
            &NewForm::default(),
            &[],
        ),
    ))
}

/// `POST /programmes/new`.
pub async fn create(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Form(form): Form<NewForm>,
) -> Result<Response, PageError> {
    let organisations = state
        .app
        .programme_creation_organisations(&caller.principal)
        .await?;
    if organisations.is_empty() {
        return Err(PageError::Forbidden(
            "Only administrators and programme coordinators can start a programme.".into(),
        ));
    }
    let organisation = if organisations.len() == 1 && form.organisation.trim().is_empty() {
        organisations[0].id.to_string()
    } else {
        form.organisation.clone()
    };
    let request = NewProgramme {
        template: form.template.clone(),
        key: form.key.clone(),
        name: form.name.clone(),
        organisation,
    };
    match state
        .app
        .create_programme_from_template(&caller.principal, &request)
        .await
    {
        Ok(view) => Ok(Redirect::to(&format!("/programmes/{}?created=1", view.id)).into_response()),
        Err(AppError::Invalid(errors)) => {
            let templates = state.app.programme_templates()?;
            let problems = problems_for(errors, &NEW_FIELDS, "template");
            Ok(invalid_page(
                &caller,
                "Start a programme",
                new_form(&caller, &templates, &organisations, &form, &problems),
            ))
        }
        Err(other) => Err(other.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tandem_domain::programme::Months;

    fn months(n: i64) -> Option<Months> {
        Some(Months::parse(n).expect("a small number of months"))
    }

    #[test]
    fn lengths_read_as_plain_english() {
        let fixed = TrackLength {
            min_months: months(6),
            max_months: months(6),
            planned_months: months(6),
        };
        assert_eq!(length_text(Some(&fixed)), "6 months");
        let range = TrackLength {
            min_months: months(6),
            max_months: months(12),
            planned_months: None,
        };
        assert_eq!(length_text(Some(&range)), "6 to 12 months");
        let planned = TrackLength {
            min_months: None,
            max_months: None,
            planned_months: months(3),
        };
        assert_eq!(length_text(Some(&planned)), "3 months");
        assert_eq!(length_text(None), "No set length");
    }
}
