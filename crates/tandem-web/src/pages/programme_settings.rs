//! A programme's settings form (PRG-3, PRG-6): what staff see, meetings
//! and reviews, and the policy's review date and revision history. All or
//! nothing: a form with any mistake saves nothing and comes back with each
//! problem beside its field.

use crate::extract::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use tandem_app::AppError;
use tandem_app::programmes::{ProgrammeView, SettingsChange, fields, record_mode_name};
use tandem_domain::ids::ProgrammeId;
use tandem_domain::programme::RecordMode;

use crate::caller::Caller;
use crate::error::PageError;
use crate::extract::{PageCaller, PathId};
use crate::forms::{Choice, Fields, Problem, csrf_field, error_summary, problems_for};
use crate::layout::{back_link, invalid_page, page};
use crate::pages::programmes::record_mode_label;
use crate::state::AppState;

/// The settings form's inputs, by the app's field names: (field, HTML id).
const SETTINGS_FIELDS: [(&str, &str); 17] = [
    (fields::SETTINGS, "settings"),
    (fields::NAME, "name"),
    (fields::SUMMARY, "summary"),
    (fields::OBJECTIVES, "objectives"),
    (fields::PUBLICITY_TEXT, "publicity_text"),
    (fields::HOW_TO_APPLY, "how_to_apply"),
    (fields::CONTACT, "contact"),
    (fields::PUBLIC, "public_page"),
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
    public_page: String,
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
            public_page: form.public_page,
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
    let fields = Fields::new(problems);
    let modes = [RecordMode::MetadataOnly, RecordMode::NotesAgreedByBoth]
        .map(|mode| Choice::new(record_mode_name(mode), record_mode_label(mode)));
    html! {
        (back_link(&format!("/programmes/{}", view.id)))
        (error_summary(problems))
        span.caption { (view.programme.name) }
        h1 { "Programme settings" }
        p { "These are the settings people ask about most. The rest of the programme's rules come from its template; an administrator can change them by importing the programme file again." }
        form id="settings" method="post" action={ "/programmes/" (view.id) "/settings" } novalidate {
            (csrf_field(&caller.csrf_token))
            h2 { "What staff see" }
            (fields.text("name", "Programme name").value(&change.name))
            (fields.textarea("summary", "Summary").hint("One paragraph saying what the programme is.").value(&change.summary))
            (fields.textarea("objectives", "Objectives").hint("One objective per line.").value(&change.objectives).rows(5))
            (fields.textarea("publicity_text", "Text of the programme page").value(&change.publicity_text).rows(5))
            (fields.textarea("how_to_apply", "How to apply").hint("Say how someone applies or is put forward.").value(&change.how_to_apply).rows(4))
            (fields.text("contact", "Who to contact").value(&change.contact))
            (fields.radios("public_page", "Who can read the programme's page")
                .choices(vec![
                    Choice::new("staff", "Staff of the organisations taking part, signed in"),
                    Choice::new("public", "Anyone, without signing in").hint("They read what the programme is for, how to apply, who to contact, its tracks and its meetings: nothing about its people. A draft is never public."),
                ])
                .chosen(&change.public_page))

            h2 { "Meetings and reviews" }
            (fields.text("meeting_min_minutes", "Shortest meeting, in minutes").hint("Leave empty if the programme sets no shortest meeting.").value(&change.meeting_min_minutes).short().numeric())
            (fields.text("meeting_max_minutes", "Longest meeting, in minutes").hint("Leave empty if the programme sets no longest meeting.").value(&change.meeting_max_minutes).short().numeric())
            (fields.text("review_min_months", "Shortest gap between reviews of a relationship, in months").hint("For example, 3 for \"every 3 to 6 months\". Leave both gaps empty if the programme sets none.").value(&change.review_min_months).short().numeric())
            (fields.text("review_max_months", "Longest gap between reviews, in months").value(&change.review_max_months).short().numeric())
            (fields.radios("record_mode", "What is recorded about meetings")
                .hint("Choosing the date, length and kind only removes any rules about who writes, agrees or shares notes.")
                .choices(modes)
                .chosen(&change.record_mode))

            h2 { "Policy review" }
            (fields.text("next_review", "Next review of the programme's policy").hint("A month, like 2027-04, or a day, like 2027-04-30. Coordinators are reminded when it comes.").value(&change.next_review).short())
            h3 id="revision" { "Record a revision" }
            p { "Fill this in when the policy is reviewed or changed. It is added to the revision history, which everyone in the programme can see." }
            (fields.text("revision_date", "Date of the revision").hint("For example, 2026-04-30.").value(&change.revision_date).short())
            (fields.textarea("revision_change", "What changed").hint("Write \"No changes\" if the review changed nothing.").value(&change.revision_change).rows(2))
            (fields.text("revision_author", "Who made the revision").value(&change.revision_author))

            button.button type="submit" { "Save settings" }
        }
        p { a href={ "/programmes/" (view.id) } { "Back to the programme page" } }
    }
}

/// `GET /programmes/{id}/settings`.
pub async fn settings_page(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    PathId(id): PathId<ProgrammeId>,
) -> Result<Markup, PageError> {
    let view = state
        .app
        .programme_for_editing(&caller.principal, id)
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
    PathId(id): PathId<ProgrammeId>,
    Form(form): Form<SettingsForm>,
) -> Result<Response, PageError> {
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
            Ok(invalid_page(
                &caller,
                "Programme settings",
                settings_form(&caller, &view, &change, &problems),
            ))
        }
        Err(other) => Err(other.into()),
    }
}
