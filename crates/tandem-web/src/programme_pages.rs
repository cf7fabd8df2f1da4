//! Programme pages (PRG-1 to PRG-6): the caller's programmes, each
//! programme's public page with how to apply (PRG-5), starting a programme
//! from a shipped template (PRG-4) and the settings form (PRG-3, PRG-6).
//! Every handler calls one use case in `tandem_app::programmes`, which
//! decides what the caller may see and change.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use tandem_app::programmes::{
    NewProgramme, ProgrammeView, SettingsChange, TemplateChoice, fields, record_mode_name,
};
use tandem_app::{AppError, FieldError};
use tandem_domain::programme::{
    Frequency, IntervalUnit, MeetingGuideline, MeetingKind, Programme, RecordMode, Track,
    TrackLength,
};
use tandem_store::Organisation;

use crate::AppState;
use crate::error::{PageError, capitalise};
use crate::layout::{
    Problem, described_by, error_message, error_summary, field_problem, page, parse_id, summary_row,
};
use crate::session::{Caller, PageCaller};

/// The settings form's inputs, by the app's field names: (field, HTML id).
const SETTINGS_FIELDS: [(&str, &str); 16] = [
    (fields::SETTINGS, "settings"),
    (fields::NAME, "name"),
    (fields::SUMMARY, "summary"),
    (fields::OBJECTIVES, "objectives"),
    (fields::PUBLICITY_TEXT, "publicity_text"),
    (fields::HOW_TO_APPLY, "how_to_apply"),
    (fields::CONTACT, "contact"),
    (fields::MEETING_MIN, "meeting_min_minutes"),
    (fields::MEETING_MAX, "meeting_max_minutes"),
    (fields::REVIEW_MIN, "review_min_months"),
    (fields::REVIEW_MAX, "review_max_months"),
    (fields::RECORD_MODE, "record_mode"),
    (fields::NEXT_REVIEW, "next_review"),
    (fields::REVISION_DATE, "revision_date"),
    (fields::REVISION_CHANGE, "revision_change"),
    (fields::REVISION_AUTHOR, "revision_author"),
];

/// Turns the app's field errors into problems linked to the form's inputs.
/// A problem with a setting the form does not show links to the form.
fn problems_for(errors: Vec<FieldError>, known: &[(&str, &str)], fallback: &str) -> Vec<Problem> {
    errors
        .into_iter()
        .map(
            |error| match known.iter().find(|(field, _)| *field == error.field) {
                Some((_, id)) => Problem {
                    field_id: (*id).to_owned(),
                    message: capitalise(&error.message),
                },
                None => Problem {
                    field_id: fallback.to_owned(),
                    message: format!("{}: {}", error.field, error.message),
                },
            },
        )
        .collect()
}

/// A labelled one-line input; `short` for numbers and dates.
fn input(
    id: &str,
    label: &str,
    hint: Option<&str>,
    value: &str,
    short: bool,
    problems: &[Problem],
) -> Markup {
    let problem = field_problem(problems, id).is_some();
    html! {
        div.form-group.form-group--error[problem] {
            label for=(id) { (label) }
            @if let Some(hint) = hint { p.hint id={ (id) "-hint" } { (hint) } }
            (error_message(problems, id))
            input.input--error[problem].input--short[short] type="text" id=(id) name=(id) value=(value)
                inputmode=[(short && (id.ends_with("minutes") || id.ends_with("months"))).then_some("numeric")]
                aria-describedby=[described_by(problems, id, hint.is_some())];
        }
    }
}

/// A labelled text area.
fn textarea(
    id: &str,
    label: &str,
    hint: Option<&str>,
    value: &str,
    rows: u8,
    problems: &[Problem],
) -> Markup {
    let problem = field_problem(problems, id).is_some();
    html! {
        div.form-group.form-group--error[problem] {
            label for=(id) { (label) }
            @if let Some(hint) = hint { p.hint id={ (id) "-hint" } { (hint) } }
            (error_message(problems, id))
            textarea.input--error[problem] id=(id) name=(id) rows=(rows)
                aria-describedby=[described_by(problems, id, hint.is_some())] { (value) }
        }
    }
}

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

fn record_mode_label(mode: RecordMode) -> &'static str {
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
                table {
                    caption.visually-hidden { "Programmes" }
                    thead { tr {
                        th scope="col" { "Programme" }
                        th scope="col" { "Organisations taking part" }
                        th scope="col" { "Next policy review" }
                    } }
                    tbody {
                        @for view in &programmes {
                            tr {
                                td { a href={ "/programmes/" (view.id) } { (view.programme.name) } }
                                td { (organisation_names(&view.organisations)) }
                                td {
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

fn programme_content(view: &ProgrammeView, notice: &Notice) -> Markup {
    let programme = &view.programme;
    let publicity = &programme.publicity;
    let meetings = &programme.meetings;
    let kinds: Vec<&str> = meetings.kinds.iter().map(|k| kind_label(*k)).collect();
    let policy = &programme.policy;
    html! {
        @if notice.saved.is_some() {
            div.panel-success role="status" { h2 { "Settings saved" } p { "Everyone in the programme now sees the new settings." } }
        }
        @if notice.created.is_some() {
            div.panel-success role="status" {
                h2 { "Programme created" }
                p { "It starts with the template's settings. " a href={ "/programmes/" (view.id) "/settings" } { "Check and change its settings" } " before you publicise it." }
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
        @if !publicity.text.is_empty() { p { (publicity.text) } }
        @if view.can_edit() {
            p { a href={ "/programmes/" (view.id) "/settings" } { "Change the programme's settings" } }
        }
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
        table {
            caption.visually-hidden { "Tracks, who each is for and how long it lasts" }
            thead { tr {
                th scope="col" { "Track" }
                th scope="col" { "Who it is for" }
                th scope="col" { "How long it lasts" }
            } }
            tbody {
                @for track in &programme.tracks {
                    tr {
                        td { (track.name) }
                        td { ul { @for rule in &track.eligibility { li { (rule) } } } }
                        td {
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
            table {
                caption { "Revision history" }
                thead { tr {
                    th scope="col" { "Date" }
                    th scope="col" { "Change" }
                    th scope="col" { "Author" }
                } }
                tbody {
                    @for revision in &policy.revisions {
                        tr { td { (revision.date) } td { (revision.change) } td { (revision.author) } }
                    }
                }
            }
        }
        (crate::register_pages::programme_links(view.id, view.can_edit()))
        p { a href="/programmes" { "Back to programmes" } }
    }
}

/// `/programmes/{id}`: the public programme page (PRG-5).
pub async fn show(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Path(id): Path<String>,
    Query(notice): Query<Notice>,
) -> Result<Markup, PageError> {
    let view = state
        .app
        .programme(&caller.principal, parse_id(&id)?)
        .await?;
    Ok(page(
        &view.programme.name,
        Some(&caller),
        programme_content(&view, &notice),
    ))
}

/// The settings form as typed; every field may be missing.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SettingsForm {
    name: String,
    summary: String,
    objectives: String,
    publicity_text: String,
    how_to_apply: String,
    contact: String,
    meeting_min_minutes: String,
    meeting_max_minutes: String,
    review_min_months: String,
    review_max_months: String,
    record_mode: String,
    next_review: String,
    revision_date: String,
    revision_change: String,
    revision_author: String,
}

impl From<SettingsForm> for SettingsChange {
    fn from(form: SettingsForm) -> Self {
        SettingsChange {
            name: form.name,
            summary: form.summary,
            objectives: form.objectives,
            publicity_text: form.publicity_text,
            how_to_apply: form.how_to_apply,
            contact: form.contact,
            meeting_min_minutes: form.meeting_min_minutes,
            meeting_max_minutes: form.meeting_max_minutes,
            review_min_months: form.review_min_months,
            review_max_months: form.review_max_months,
            record_mode: form.record_mode,
            next_review: form.next_review,
            revision_date: form.revision_date,
            revision_change: form.revision_change,
            revision_author: form.revision_author,
        }
    }
}

fn settings_form(
    caller: &Caller,
    view: &ProgrammeView,
    change: &SettingsChange,
    problems: &[Problem],
) -> Markup {
    let mode_problem = field_problem(problems, "record_mode").is_some();
    let modes = [RecordMode::MetadataOnly, RecordMode::NotesAgreedByBoth];
    html! {
        (error_summary(problems))
        span.caption { (view.programme.name) }
        h1 { "Programme settings" }
        p { "These are the settings people ask about most. The rest of the programme's rules come from its template; an administrator can change them by importing the programme file again." }
        form id="settings" method="post" action={ "/programmes/" (view.id) "/settings" } novalidate {
            input type="hidden" name="csrf" value=(caller.csrf_token);
            h2 { "What staff see" }
            (input("name", "Programme name", None, &change.name, false, problems))
            (textarea("summary", "Summary", Some("One paragraph saying what the programme is."), &change.summary, 3, problems))
            (textarea("objectives", "Objectives", Some("One objective per line."), &change.objectives, 5, problems))
            (textarea("publicity_text", "Text of the programme page", None, &change.publicity_text, 5, problems))
            (textarea("how_to_apply", "How to apply", Some("Say how someone applies or is put forward."), &change.how_to_apply, 4, problems))
            (input("contact", "Who to contact", None, &change.contact, false, problems))

            h2 { "Meetings and reviews" }
            (input("meeting_min_minutes", "Shortest meeting, in minutes", Some("Leave empty if the programme sets no shortest meeting."), &change.meeting_min_minutes, true, problems))
            (input("meeting_max_minutes", "Longest meeting, in minutes", Some("Leave empty if the programme sets no longest meeting."), &change.meeting_max_minutes, true, problems))
            (input("review_min_months", "Shortest gap between reviews of a relationship, in months", Some("For example, 3 for \"every 3 to 6 months\". Leave both gaps empty if the programme sets none."), &change.review_min_months, true, problems))
            (input("review_max_months", "Longest gap between reviews, in months", None, &change.review_max_months, true, problems))
            div.form-group.form-group--error[mode_problem] {
                fieldset aria-describedby=[described_by(problems, "record_mode", true)] {
                    legend { "What is recorded about meetings" }
                    p.hint id="record_mode-hint" { "Choosing the date, length and kind only removes any rules about who writes, agrees or shares notes." }
                    (error_message(problems, "record_mode"))
                    @for (position, mode) in modes.iter().enumerate() {
                        @let id = if position == 0 { "record_mode".to_owned() } else { format!("record_mode-{position}") };
                        div.radios__item {
                            input type="radio" id=(id) name="record_mode" value=(record_mode_name(*mode))
                                checked[change.record_mode == record_mode_name(*mode)];
                            label for=(id) { (record_mode_label(*mode)) }
                        }
                    }
                }
            }

            h2 { "Policy review" }
            (input("next_review", "Next review of the programme's policy", Some("A month, like 2027-04, or a day, like 2027-04-30. Coordinators are reminded when it comes."), &change.next_review, true, problems))
            h3 id="revision" { "Record a revision" }
            p { "Fill this in when the policy is reviewed or changed. It is added to the revision history, which everyone in the programme can see." }
            (input("revision_date", "Date of the revision", Some("For example, 2026-04-30."), &change.revision_date, true, problems))
            (textarea("revision_change", "What changed", Some("Write \"No changes\" if the review changed nothing."), &change.revision_change, 2, problems))
            (input("revision_author", "Who made the revision", None, &change.revision_author, false, problems))

            button.button type="submit" { "Save settings" }
        }
        p { a href={ "/programmes/" (view.id) } { "Back to the programme page" } }
    }
}

/// `GET /programmes/{id}/settings`.
pub async fn settings_page(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Path(id): Path<String>,
) -> Result<Markup, PageError> {
    let view = state
        .app
        .programme_for_editing(&caller.principal, parse_id(&id)?)
        .await?;
    let mut change = SettingsChange::from_programme(&view.programme);
    change.revision_author = caller.principal.display_name.clone();
    Ok(page(
        "Programme settings",
        Some(&caller),
        settings_form(&caller, &view, &change, &[]),
    ))
}

/// `POST /programmes/{id}/settings`: saves all or nothing.
pub async fn save_settings(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Path(id): Path<String>,
    Form(form): Form<SettingsForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let change = SettingsChange::from(form);
    match state
        .app
        .update_programme_settings(&caller.principal, id, &change)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/programmes/{id}?saved=1")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let view = state
                .app
                .programme_for_editing(&caller.principal, id)
                .await?;
            let problems = problems_for(errors, &SETTINGS_FIELDS, "settings");
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                page(
                    "Error: Programme settings",
                    Some(&caller),
                    settings_form(&caller, &view, &change, &problems),
                ),
            )
                .into_response())
        }
        Err(other) => Err(other.into()),
    }
}

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
    let template_problem = field_problem(problems, "template").is_some();
    let organisation_problem = field_problem(problems, "organisation").is_some();
    let selected_organisation = if organisations.len() == 1 {
        organisations[0].id.to_string()
    } else {
        form.organisation.clone()
    };
    html! {
        (error_summary(problems))
        h1 { "Start a programme from a template" }
        p { "Each template reproduces one scheme's written policy. Your programme starts with its settings, which you can then change." }
        form method="post" action="/programmes/new" novalidate {
            input type="hidden" name="csrf" value=(caller.csrf_token);
            div.form-group.form-group--error[template_problem] {
                fieldset aria-describedby=[described_by(problems, "template", false)] {
                    legend { "Template" }
                    (error_message(problems, "template"))
                    @for (position, template) in templates.iter().enumerate() {
                        @let id = if position == 0 { "template".to_owned() } else { format!("template-{}", template.key) };
                        div.radios__item {
                            input type="radio" id=(id) name="template" value=(template.key)
                                checked[form.template == template.key]
                                aria-describedby={ (id) "-hint" };
                            div {
                                label for=(id) { (template.name) }
                                p.hint id={ (id) "-hint" } { (template.summary) }
                            }
                        }
                    }
                }
            }
            (input("key", "Key", Some("A short name for files and links: lower-case letters, digits and hyphens, like carers-2026."), &form.key, false, problems))
            (input("name", "Programme name", Some("The name staff will know it by."), &form.name, false, problems))
            div.form-group.form-group--error[organisation_problem] {
                label for="organisation" { "Organisation running the programme" }
                (error_message(problems, "organisation"))
                select id="organisation" name="organisation" aria-describedby=[described_by(problems, "organisation", false)] {
                    @if organisations.len() != 1 { option value="" { "Choose an organisation" } }
                    @for organisation in organisations {
                        option value=(organisation.id) selected[selected_organisation == organisation.id.to_string()] { (organisation.name) }
                    }
                }
            }
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
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                page(
                    "Error: Start a programme",
                    Some(&caller),
                    new_form(&caller, &templates, &organisations, &form, &problems),
                ),
            )
                .into_response())
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
