//! Pages for the mentor register (REG-1 to REG-5), mentor requests
//! (REQ-1), the self-assessment (REQ-2), screening (REQ-3) and the line
//! manager's consultation (REQ-5). Every handler calls one use case in
//! `tandem_app::register` or `tandem_app::requests`, which decides what
//! the caller may see and do; a form with mistakes comes back with an
//! error summary linking to each field.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use tandem_app::AppError;
use tandem_app::register::{EntryViewModel, RegisterPage, input_of};
use tandem_app::requests::{RequestForm, RequestView, ScreeningQueue, SelfAssessmentForm};
use tandem_domain::permissions::{EntryView, RequestAccess};
use tandem_domain::register::{
    Availability, MentorProfileInput, MentorRequestInput, ProfileField, RejectionReason,
    RequestStatus, ScreeningInput, question_field,
};
use tandem_store::RegisterFilter;

use crate::AppState;
use crate::error::{PageError, capitalise};
use crate::layout::{
    Problem, described_by, error_message, error_summary, field_problem, format_time, page,
    parse_id, problems, summary_row,
};
use crate::session::{Caller, PageCaller};

fn text_input(
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
                aria-describedby=[described_by(problems, id, hint.is_some())];
        }
    }
}

fn textarea(
    id: &str,
    label: &str,
    hint: Option<&str>,
    value: &str,
    problems: &[Problem],
) -> Markup {
    let problem = field_problem(problems, id).is_some();
    html! {
        div.form-group.form-group--error[problem] {
            label for=(id) { (label) }
            @if let Some(hint) = hint { p.hint id={ (id) "-hint" } { (hint) } }
            (error_message(problems, id))
            textarea.input--error[problem] id=(id) name=(id) rows="3"
                aria-describedby=[described_by(problems, id, hint.is_some())] { (value) }
        }
    }
}

/// A group of radios in a fieldset with a legend; the first radio carries
/// the group's id so the error summary can link to it.
fn radios(
    id: &str,
    legend: &str,
    options: &[(&str, &str)],
    chosen: &str,
    problems: &[Problem],
) -> Markup {
    let problem = field_problem(problems, id).is_some();
    html! {
        div.form-group.form-group--error[problem] {
            fieldset aria-describedby=[described_by(problems, id, false)] {
                legend { (legend) }
                (error_message(problems, id))
                @for (position, (value, label)) in options.iter().enumerate() {
                    @let item = if position == 0 { id.to_owned() } else { format!("{id}-{position}") };
                    div.radios__item {
                        input type="radio" id=(item) name=(id) value=(value) checked[chosen == *value];
                        label for=(item) { (label) }
                    }
                }
            }
        }
    }
}

fn checkbox(id: &str, label: &str, checked: bool) -> Markup {
    html! {
        div.radios__item {
            input type="checkbox" id=(id) name=(id) value="yes" checked[checked];
            label for=(id) { (label) }
        }
    }
}

fn yes(value: &str) -> bool {
    matches!(value, "yes" | "on" | "true")
}

fn invalid_page(caller: &Caller, title: &str, content: Markup) -> Response {
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        page(&format!("Error: {title}"), Some(caller), content),
    )
        .into_response()
}

// ----- The register -----

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RegisterQuery {
    organisation: String,
    region: String,
    expertise: String,
    language: String,
    availability: String,
}

impl RegisterQuery {
    fn filter(&self) -> RegisterFilter {
        let text = |v: &str| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
        RegisterFilter {
            organisation_id: self.organisation.trim().parse().ok(),
            region: text(&self.region),
            expertise: text(&self.expertise),
            language: text(&self.language),
            availability: text(&self.availability),
        }
    }
}

fn availability_label(availability: Availability) -> String {
    availability.to_string()
}

fn register_content(register: &RegisterPage, query: &RegisterQuery) -> Markup {
    let id = register.programme.id;
    html! {
        span.caption { (register.programme.programme.name) }
        h1 { "Mentor register" }
        @if register.mentees_choose {
            p.lede { "Choose a mentor whose experience fits what you want to achieve, then name them when you ask for a mentor. You see what each mentor has chosen to publish." }
        }
        p {
            @if register.own_entry.is_none() && register.accepts_volunteers {
                a.button href={ "/programmes/" (id) "/register/new" } { "Volunteer as a mentor" } " "
            } @else if register.own_entry.is_none() {
                "Mentors in this programme are identified by their organisation. "
            } @else if let Some(own) = register.own_entry {
                a href={ "/register/" (own) } { "Your entry on the register" } " "
            }
            @if register.keeps_entries {
                a.button.button--secondary href={ "/programmes/" (id) "/register/new?identify=1" } { "Add a mentor you have identified" }
            }
        }
        form.search method="get" action={ "/programmes/" (id) "/register" } {
            h2 { "Filter the register" }
            div.form-group {
                label for="organisation" { "Organisation" }
                select id="organisation" name="organisation" {
                    option value="" { "Any organisation" }
                    @for organisation in &register.programme.organisations {
                        option value=(organisation.id) selected[query.organisation == organisation.id.to_string()] { (organisation.name) }
                    }
                }
            }
            div.form-group {
                label for="region" { "Region" }
                select id="region" name="region" {
                    option value="" { "Any region" }
                    @for region in &register.regions {
                        option value=(region) selected[&query.region == region] { (region) }
                    }
                }
            }
            div.form-group {
                label for="expertise" { "Area of expertise" }
                input type="text" id="expertise" name="expertise" value=(query.expertise);
            }
            div.form-group {
                label for="language" { "Language" }
                input.input--short type="text" id="language" name="language" value=(query.language);
            }
            div.form-group {
                label for="availability" { "Availability" }
                select id="availability" name="availability" {
                    option value="" { "Any" }
                    @for (value, label) in [("available", "Available"), ("paused", "Paused"), ("full", "Full")] {
                        option value=(value) selected[query.availability == value] { (label) }
                    }
                }
            }
            button.button type="submit" { "Apply filters" }
        }
        h2 { (register.entries.len()) @if register.entries.len() == 1 { " mentor" } @else { " mentors" } }
        @if register.entries.is_empty() {
            p { "No mentors on the register match." }
        } @else {
            table {
                caption.visually-hidden { "Mentors on the register" }
                thead { tr {
                    th scope="col" { "Mentor" } th scope="col" { "Organisation" } th scope="col" { "Region" }
                    th scope="col" { "Expertise" } th scope="col" { "Languages" } th scope="col" { "Availability" }
                    @if register.keeps_entries { th scope="col" { "Eligible" } }
                } }
                tbody {
                    @for entry in &register.entries {
                        tr {
                            td { a href={ "/register/" (entry.id) } { (entry.name) } }
                            td { (entry.organisation) " (" (entry.jurisdiction) ")" }
                            td { (entry.region.as_deref().unwrap_or("")) }
                            td { @if entry.shows(ProfileField::Expertise) { (entry.profile.expertise) } }
                            td { @if entry.shows(ProfileField::Languages) { (entry.profile.languages) } }
                            td { (availability_label(entry.profile.availability)) }
                            @if register.keeps_entries {
                                td { @if entry.view == EntryView::Full { @if entry.eligible() { "Yes" } @else { strong { "No" } } } }
                            }
                        }
                    }
                }
            }
        }
        p { a href={ "/programmes/" (id) } { "Back to the programme page" } }
    }
}

/// `GET /programmes/{id}/register`.
pub async fn register(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Path(id): Path<String>,
    Query(query): Query<RegisterQuery>,
) -> Result<Markup, PageError> {
    let register = state
        .app
        .register(&caller.principal, parse_id(&id)?, &query.filter())
        .await?;
    Ok(page(
        "Mentor register",
        Some(&caller),
        register_content(&register, &query),
    ))
}

fn entry_content(entry: &EntryViewModel, programme_name: &str) -> Markup {
    let profile = &entry.profile;
    html! {
        span.caption { (programme_name) " – mentor register" }
        h1 { (entry.name) }
        @if entry.view == EntryView::Full {
            @if entry.eligible() {
                p { strong.tag { "Eligible" } " under the programme's rules for mentors." }
            } @else {
                div.notification-banner role="region" aria-labelledby="ineligible-title" {
                    h2.notification-banner__title id="ineligible-title" { "Not eligible to mentor yet" }
                    div.notification-banner__content {
                        ul { @for reason in &entry.ineligible { li { (capitalise(&reason.to_string())) "." } } }
                    }
                }
            }
        }
        dl.summary-list {
            (summary_row("Organisation", Some(&entry.organisation)))
            (summary_row("Jurisdiction", Some(&entry.jurisdiction)))
            (summary_row("Region", entry.region.as_deref()))
            @for field in ProfileField::ALL {
                @if entry.shows(field) { (summary_row(field.label(), Some(profile.field(field)))) }
            }
            (summary_row("Availability", Some(&availability_label(profile.availability))))
            (summary_row("Capacity", Some(&format!("{} mentees at once", profile.capacity))))
            @if entry.view == EntryView::Full {
                (summary_row("Months of relevant experience", profile.experience_months.map(|m| m.get().to_string()).as_deref()))
                (summary_row("Mentor training completed", Some(if profile.training_completed { "Yes" } else { "No" })))
                (summary_row("Experience shown through appraisal", Some(if profile.experience_shown_by_appraisal { "Yes" } else { "No" })))
                (summary_row("Came onto the register", Some(match entry.recruited {
                    tandem_domain::register::Recruited::Volunteered => "Volunteered",
                    tandem_domain::register::Recruited::Identified => "Identified by a coordinator or supervising social worker",
                })))
                (summary_row("Mentoring now", Some(&entry.active_mentees.to_string())))
                (summary_row("Published to mentees", Some(&profile.published.iter().map(|f| f.label()).collect::<Vec<_>>().join(", "))))
            }
        }
        @if entry.view == EntryView::Full {
            h2 { "People mentored" }
            @if entry.mentored.is_empty() {
                p { "Nobody yet. People appear here once they are matched with this mentor." }
            } @else {
                ul { @for person in &entry.mentored { li { (person.given_name) " " (person.family_name) } } }
            }
        }
        @if entry.can_edit {
            p { a.button href={ "/register/" (entry.id) "/edit" } { "Change this entry" } }
        }
        p { a href={ "/programmes/" (entry.programme_id) "/register" } { "Back to the register" } }
    }
}

/// `GET /register/{id}`.
pub async fn entry(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Path(id): Path<String>,
) -> Result<Markup, PageError> {
    let (programme, entry) = state
        .app
        .register_entry(&caller.principal, parse_id(&id)?)
        .await?;
    Ok(page(
        &entry.name,
        Some(&caller),
        entry_content(&entry, &programme.programme.name),
    ))
}

/// The register form as typed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct EntryForm {
    person: String,
    experience: String,
    experience_months: String,
    interests: String,
    expertise: String,
    style: String,
    languages: String,
    location: String,
    special_interests: String,
    training_completed: String,
    experience_shown_by_appraisal: String,
    publish_experience: String,
    publish_interests: String,
    publish_expertise: String,
    publish_style: String,
    publish_languages: String,
    publish_location: String,
    publish_special_interests: String,
    capacity: String,
    availability: String,
    paused_until: String,
}

impl EntryForm {
    fn input(&self) -> MentorProfileInput {
        let publish = [
            (&self.publish_experience, ProfileField::Experience),
            (&self.publish_interests, ProfileField::Interests),
            (&self.publish_expertise, ProfileField::Expertise),
            (&self.publish_style, ProfileField::Style),
            (&self.publish_languages, ProfileField::Languages),
            (&self.publish_location, ProfileField::Location),
            (
                &self.publish_special_interests,
                ProfileField::SpecialInterests,
            ),
        ];
        MentorProfileInput {
            experience: self.experience.clone(),
            experience_months: self.experience_months.clone(),
            interests: self.interests.clone(),
            expertise: self.expertise.clone(),
            style: self.style.clone(),
            languages: self.languages.clone(),
            location: self.location.clone(),
            special_interests: self.special_interests.clone(),
            training_completed: yes(&self.training_completed),
            experience_shown_by_appraisal: yes(&self.experience_shown_by_appraisal),
            published: publish
                .iter()
                .filter(|(v, _)| yes(v))
                .map(|(_, f)| *f)
                .collect(),
            capacity: self.capacity.clone(),
            availability: self.availability.clone(),
            paused_until: self.paused_until.clone(),
        }
    }
}

fn entry_form(
    caller: &Caller,
    action: &str,
    heading: &str,
    identify: Option<&str>,
    input: &MentorProfileInput,
    problems: &[Problem],
    back: &str,
) -> Markup {
    html! {
        (error_summary(problems))
        h1 { (heading) }
        p { "Organisation and jurisdiction come from the staff directory." }
        form method="post" action=(action) novalidate {
            input type="hidden" name="csrf" value=(caller.csrf_token);
            @if let Some(person) = identify {
                (text_input("person", "Employee id of the mentor", Some("As it appears in the HR export, for example CAF0020. They must work for an organisation whose mentors you keep."), person, true, problems))
            }
            h2 { "Profile" }
            (textarea("experience", "Experience", Some("Roles held and what they have learnt."), &input.experience, problems))
            (text_input("experience_months", "Months of relevant experience", Some("A whole number, for example 36. Some programmes set a minimum."), &input.experience_months, true, problems))
            (textarea("interests", "Interests", None, &input.interests, problems))
            (textarea("expertise", "Areas of expertise", None, &input.expertise, problems))
            (textarea("style", "Style and approach", None, &input.style, problems))
            (text_input("languages", "Languages", Some("Separate languages with commas."), &input.languages, false, problems))
            (text_input("location", "Location", Some("Where, or how, they can meet."), &input.location, false, problems))
            (textarea("special_interests", "Special interests", None, &input.special_interests, problems))
            div.form-group {
                fieldset {
                    legend { "Training and experience" }
                    (checkbox("training_completed", "Has completed the programme's mentor training", input.training_completed))
                    (checkbox("experience_shown_by_appraisal", "Appraisal has shown significant experience and expertise", input.experience_shown_by_appraisal))
                }
            }
            div.form-group {
                fieldset aria-describedby="publish-hint" {
                    legend { "What mentees browsing the register may see" }
                    p.hint id="publish-hint" { "Name, organisation, jurisdiction, region and availability are always shown. Nothing else is shown unless you tick it." }
                    @for field in ProfileField::ALL {
                        (checkbox(&format!("publish_{}", field.as_str()), field.label(), input.published.contains(&field)))
                    }
                }
            }
            h2 { "Capacity and availability" }
            (text_input("capacity", "How many mentees at once", Some("A whole number from 1 to 20. It cannot be less than the number mentored now."), &input.capacity, true, problems))
            (radios("availability", "Availability", &[("available", "Available"), ("paused", "Paused until a date"), ("full", "Full")], &input.availability, problems))
            (text_input("paused_until", "Paused until", Some("Only if paused. For example, 2027-03-31."), &input.paused_until, true, problems))
            button.button type="submit" { "Save" }
        }
        p { a href=(back) { "Cancel" } }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewEntryQuery {
    identify: String,
}

/// `GET /programmes/{id}/register/new`: volunteer, or (`?identify=1`)
/// add someone identified.
pub async fn new_entry_page(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Path(id): Path<String>,
    Query(query): Query<NewEntryQuery>,
) -> Result<Markup, PageError> {
    let id = parse_id(&id)?;
    let programme = state.app.programme(&caller.principal, id).await?;
    let identify = !query.identify.is_empty() || caller.principal.person_id.is_none();
    let input = MentorProfileInput {
        capacity: "1".into(),
        availability: "available".into(),
        ..Default::default()
    };
    let heading = if identify {
        "Add a mentor to the register"
    } else {
        "Volunteer as a mentor"
    };
    if !identify && !tandem_domain::register::accepts_volunteers(&programme.programme) {
        return Ok(page(
            heading,
            Some(&caller),
            identified_only(&programme.programme.name, id, &[]),
        ));
    }
    Ok(page(
        heading,
        Some(&caller),
        html! {
            span.caption { (programme.programme.name) }
            (entry_form(&caller, &format!("/programmes/{id}/register/new"), heading, identify.then_some(""), &input, &[], &format!("/programmes/{id}/register")))
        },
    ))
}

/// The page for someone who would volunteer where mentors are identified.
fn identified_only(programme_name: &str, id: i64, problems: &[Problem]) -> Markup {
    html! {
        (error_summary(problems))
        span.caption { (programme_name) }
        h1 { "Volunteer as a mentor" }
        p id="volunteer" {
            "Mentors in " (programme_name) " are identified by their organisation rather than volunteering. "
            "If you would like to mentor, tell your programme coordinator: they can add you to the register."
        }
        p { a href={ "/programmes/" (id) "/register" } { "Back to the register" } }
    }
}

/// `POST /programmes/{id}/register/new`.
pub async fn create_entry(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Path(id): Path<String>,
    Form(form): Form<EntryForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let input = form.input();
    match state
        .app
        .save_register_entry(&caller.principal, id, &form.person, &input)
        .await
    {
        Ok(entry) => Ok(Redirect::to(&format!("/register/{entry}")).into_response()),
        Err(AppError::Invalid(errors)) if errors.iter().any(|e| e.field == "volunteer") => {
            let programme = state.app.programme(&caller.principal, id).await?;
            Ok(invalid_page(
                &caller,
                "Volunteer as a mentor",
                identified_only(&programme.programme.name, id, &problems(errors)),
            ))
        }
        Err(AppError::Invalid(errors)) => {
            let identify =
                !form.person.trim().is_empty() || errors.iter().any(|e| e.field == "person");
            let heading = if identify {
                "Add a mentor to the register"
            } else {
                "Volunteer as a mentor"
            };
            Ok(invalid_page(
                &caller,
                heading,
                entry_form(
                    &caller,
                    &format!("/programmes/{id}/register/new"),
                    heading,
                    identify.then_some(form.person.as_str()),
                    &input,
                    &problems(errors),
                    &format!("/programmes/{id}/register"),
                ),
            ))
        }
        Err(other) => Err(other.into()),
    }
}

/// `GET /register/{id}/edit`.
pub async fn edit_entry_page(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Path(id): Path<String>,
) -> Result<Markup, PageError> {
    let id = parse_id(&id)?;
    let (_, entry) = state.app.register_entry(&caller.principal, id).await?;
    if !entry.can_edit {
        return Err(PageError::Forbidden(
            "You do not have permission to change this mentor's entry on the register.".into(),
        ));
    }
    let heading = format!("Change {}'s entry", entry.name);
    Ok(page(
        &heading,
        Some(&caller),
        entry_form(
            &caller,
            &format!("/register/{id}/edit"),
            &heading,
            None,
            &input_of(&entry.profile),
            &[],
            &format!("/register/{id}"),
        ),
    ))
}

/// `POST /register/{id}/edit`.
pub async fn update_entry(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Path(id): Path<String>,
    Form(form): Form<EntryForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let input = form.input();
    match state
        .app
        .update_register_entry(&caller.principal, id, &input)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/register/{id}")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let heading = "Change the entry";
            Ok(invalid_page(
                &caller,
                heading,
                entry_form(
                    &caller,
                    &format!("/register/{id}/edit"),
                    heading,
                    None,
                    &input,
                    &problems(errors),
                    &format!("/register/{id}"),
                ),
            ))
        }
        Err(other) => Err(other.into()),
    }
}

// ----- Requests -----

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
    html! {
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
                input type="hidden" name="csrf" value=(caller.csrf_token);
                (radios("track", "What kind of mentoring are you asking for?", &tracks, &input.track, problems))
                (textarea("goals", "What do you want to achieve?", Some("Your goals. Your line manager never sees these."), &input.goals, problems))
                (textarea("help_needed", "What would you like help with?", None, &input.help_needed, problems))
                (textarea("preferred_style", "What style of mentoring suits you?", Some("For example, a listener who asks questions, or someone who gives direct advice."), &input.preferred_style, problems))
                h2 { "Expectations" }
                (text_input("meeting_frequency", "How often would you like to meet?", None, &input.meeting_frequency, false, problems))
                (text_input("relationship_length", "For how long?", None, &input.relationship_length, false, problems))
                (text_input("meeting_location", "Where, or how, would you like to meet?", None, &input.meeting_location, false, problems))
                h2 { "Preferences" }
                div.form-group {
                    fieldset {
                        legend { "I would prefer a mentor from" }
                        (checkbox("other_team", "another team", input.other_team))
                        (checkbox("other_region", "another region", input.other_region))
                        (checkbox("other_organisation", "another organisation", input.other_organisation))
                        (checkbox("other_jurisdiction", "another jurisdiction", input.other_jurisdiction))
                    }
                }
                (text_input("language", "Language", Some("Optional."), &input.language, false, problems))
                (text_input("gender", "Gender of the mentor", Some("Optional."), &input.gender, false, problems))
                (text_input("culture", "Culture or background", Some("Optional."), &input.culture, false, problems))
                @if !form.mentors.is_empty() {
                    div.form-group.form-group--error[field_problem(problems, "named_mentor").is_some()] {
                        label for="named_mentor" { "A mentor you would like, if any" }
                        (error_message(problems, "named_mentor"))
                        select id="named_mentor" name="named_mentor" {
                            option value="" { "No one in particular" }
                            @for (entry, name) in &form.mentors {
                                option value=(entry) selected[input.named_mentor == entry.to_string()] { (name) }
                            }
                        }
                    }
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
    Path(id): Path<String>,
) -> Result<Markup, PageError> {
    let form = state
        .app
        .request_form(&caller.principal, parse_id(&id)?)
        .await?;
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
    Path(id): Path<String>,
    Form(form): Form<RequestFormInput>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
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

fn flag(value: i64) -> bool {
    value != 0
}

fn request_content(
    caller: &Caller,
    view: &RequestView,
    notice: &RequestNotice,
    problems: &[Problem],
    screening: &ScreeningInput,
) -> Markup {
    let r = &view.request;
    let status = r.status();
    html! {
        (error_summary(problems))
        @if !notice.sent.is_empty() { div.panel-success role="status" { h2 { "Request sent" } p { "The coordinator will screen it. You can see its status on your home page." } } }
        @if !notice.answered.is_empty() { div.panel-success role="status" { h2 { "Self-assessment saved" } } }
        @if !notice.screened.is_empty() { div.panel-success role="status" { h2 { "Screening decision saved" } } }
        @if !notice.consulted.is_empty() { div.panel-success role="status" { h2 { "Thank you: your answer is recorded" } } }
        span.caption { (view.programme.name) }
        h1 { "Mentor request from " (r.given_name) " " (r.family_name) }
        dl.summary-list {
            (summary_row("Status", Some(status.label())))
            (summary_row("Kind of mentoring", Some(&view.track_name)))
            (summary_row("Organisation", Some(&r.organisation)))
            (summary_row("Team", r.team.as_deref()))
            (summary_row("Time it implies", Some(&view.time_commitment)))
            (summary_row("Line manager", Some(r.consultation().label())))
            @if view.access.sees_content() {
                (summary_row("How it came", Some(match r.source() {
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
                    (flag(r.other_team), "another team"),
                    (flag(r.other_region), "another region"),
                    (flag(r.other_organisation), "another organisation"),
                    (flag(r.other_jurisdiction), "another jurisdiction"),
                ].iter().filter(|(on, _)| *on).map(|(_, l)| *l).collect::<Vec<_>>().join(", "))))
                (summary_row("Language", Some(&r.language)))
                (summary_row("Gender", Some(&r.gender)))
                (summary_row("Culture", Some(&r.culture)))
                (summary_row("Named mentor", view.named_mentor.as_deref()))
                @if status == RequestStatus::Rejected {
                    (summary_row("Reason not accepted", r.rejection_reason.as_deref().and_then(RejectionReason::parse).map(|r| r.label())))
                    (summary_row("Explanation", r.rejection_detail.as_deref()))
                }
                @if let Some(assessment) = &view.self_assessment {
                    (summary_row(&assessment.name, Some(if assessment.answered { "Answered" } else { "Not answered yet" })))
                }
            }
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
                input type="hidden" name="csrf" value=(caller.csrf_token);
                (radios("answer", "Can the time be found?", &[("supports", "Yes, I support the time it takes"), ("has_concerns", "I have concerns about the time")], "", problems))
                button.button type="submit" { "Send" }
            }
        }
        @if view.can_screen {
            h2 { "Screen this request" }
            @if !view.target_group.is_empty() {
                p { "The programme is for:" }
                ul { @for line in &view.target_group { li { (line) } } }
            }
            form method="post" action={ "/requests/" (r.id) "/screening" } novalidate {
                input type="hidden" name="csrf" value=(caller.csrf_token);
                (radios("decision", "Decision", &[("accept", "Accept: add to the queue for matching"), ("reject", "Do not accept")], &screening.decision, problems))
                @let reasons: Vec<(&str, &str)> = RejectionReason::ALL.iter().map(|r| (r.as_str(), r.label())).collect();
                (radios("reason", "If not accepted, why?", &reasons, &screening.reason, problems))
                (textarea("detail", "Explanation", Some("Required for \"another reason\". The mentee sees it."), &screening.detail, problems))
                button.button type="submit" { "Save decision" }
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
    Path(id): Path<String>,
    Query(notice): Query<RequestNotice>,
) -> Result<Markup, PageError> {
    let view = state
        .app
        .request_view(&caller.principal, parse_id(&id)?)
        .await?;
    Ok(page(
        "Mentor request",
        Some(&caller),
        request_content(&caller, &view, &notice, &[], &ScreeningInput::default()),
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
    Path(id): Path<String>,
    Form(form): Form<ScreeningForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
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
            let view = state.app.request_view(&caller.principal, id).await?;
            Ok(invalid_page(
                &caller,
                "Mentor request",
                request_content(
                    &caller,
                    &view,
                    &RequestNotice::default(),
                    &problems(errors),
                    &input,
                ),
            ))
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ConsultationForm {
    answer: String,
}

/// `POST /requests/{id}/consultation`.
pub async fn consult(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Path(id): Path<String>,
    Form(form): Form<ConsultationForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    match state
        .app
        .answer_consultation(&caller.principal, id, &form.answer)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/requests/{id}?consulted=1")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let view = state.app.request_view(&caller.principal, id).await?;
            Ok(invalid_page(
                &caller,
                "Mentor request",
                request_content(
                    &caller,
                    &view,
                    &RequestNotice::default(),
                    &problems(errors),
                    &ScreeningInput::default(),
                ),
            ))
        }
        Err(other) => Err(other.into()),
    }
}

fn self_assessment_content(
    caller: &Caller,
    form: &SelfAssessmentForm,
    typed: &[String],
    problems: &[Problem],
) -> Markup {
    let scale: Vec<(String, String)> = form
        .scale
        .iter()
        .enumerate()
        .map(|(i, l)| ((i + 1).to_string(), l.clone()))
        .collect();
    let options: Vec<(&str, &str)> = scale
        .iter()
        .map(|(v, l)| (v.as_str(), l.as_str()))
        .collect();
    html! {
        (error_summary(problems))
        span.caption { "Before your mentoring starts" }
        h1 { (form.questionnaire.name) }
        p { "Rate yourself on each statement. You answer the same questions at the end, so you and the programme can see what changed. Only you and the coordinator see your answers." }
        form method="post" action={ "/requests/" (form.request.id) "/self-assessment" } novalidate {
            input type="hidden" name="csrf" value=(caller.csrf_token);
            @for (index, question) in form.questions.iter().enumerate() {
                @let field = question_field(index);
                @let chosen = typed.get(index).cloned().unwrap_or_default();
                (radios(&field, question, &options, &chosen, problems))
            }
            button.button type="submit" { "Save answers" }
        }
        p { a href={ "/requests/" (form.request.id) } { "Back to your request" } }
    }
}

/// `GET /requests/{id}/self-assessment`.
pub async fn self_assessment_page(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Path(id): Path<String>,
) -> Result<Markup, PageError> {
    let form = state
        .app
        .self_assessment_form(&caller.principal, parse_id(&id)?)
        .await?;
    let typed: Vec<String> = form
        .answers
        .clone()
        .unwrap_or_default()
        .iter()
        .map(u8::to_string)
        .collect();
    Ok(page(
        &form.questionnaire.name.clone(),
        Some(&caller),
        self_assessment_content(&caller, &form, &typed, &[]),
    ))
}

/// `POST /requests/{id}/self-assessment`: fields q1, q2, ….
pub async fn save_self_assessment(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let form = state
        .app
        .self_assessment_form(&caller.principal, id)
        .await?;
    let typed: Vec<String> = (0..form.questions.len())
        .map(|i| {
            let field = question_field(i);
            pairs
                .iter()
                .find(|(k, _)| *k == field)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        })
        .collect();
    match state
        .app
        .save_self_assessment(&caller.principal, id, &typed)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/requests/{id}?answered=1")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let name = form.questionnaire.name.clone();
            Ok(invalid_page(
                &caller,
                &name,
                self_assessment_content(&caller, &form, &typed, &problems(errors)),
            ))
        }
        Err(other) => Err(other.into()),
    }
}

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
        h2 { "Waiting to be screened (" (queue.awaiting.len()) ")" }
        @if queue.awaiting.is_empty() {
            p { "Nothing waits to be screened." }
        } @else {
            (queue_table(&queue.awaiting, "Waiting to be screened"))
        }
        h2 { "Accepted, waiting for a mentor (" (queue.accepted.len()) ")" }
        @if queue.accepted.is_empty() {
            p { "No accepted request waits for a mentor." }
        } @else {
            (queue_table(&queue.accepted, "Accepted, waiting for a mentor"))
        }
        p { a href={ "/programmes/" (queue.programme.id) } { "Back to the programme page" } }
    }
}

fn queue_table(items: &[tandem_app::requests::QueueItem], caption: &str) -> Markup {
    html! {
        table {
            caption.visually-hidden { (caption) }
            thead { tr {
                th scope="col" { "Position" } th scope="col" { "Person" } th scope="col" { "Organisation and team" }
                th scope="col" { "Kind of mentoring" } th scope="col" { "Arrived (UTC)" } th scope="col" { "Self-assessment" }
            } }
            tbody {
                @for (position, item) in items.iter().enumerate() {
                    @let r = &item.request;
                    tr {
                        td { (position + 1) }
                        td { a href={ "/requests/" (r.id) } { (r.given_name) " " (r.family_name) } br; span.hint { (r.job_title) } }
                        td { (r.organisation) @if let Some(team) = &r.team { ", " (team) } }
                        td { (item.track_name) @if r.source() == tandem_domain::register::RequestSource::Automatic { br; span.tag { "Enrolled automatically" } } }
                        td { (format_time(r.created_at)) }
                        td { @if item.self_assessed { "Answered" } @else { "Not yet" } }
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
}

/// `GET /programmes/{id}/screening`.
pub async fn screening_queue(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Path(id): Path<String>,
    Query(notice): Query<QueueNotice>,
) -> Result<Markup, PageError> {
    let queue = state
        .app
        .screening_queue(&caller.principal, parse_id(&id)?)
        .await?;
    Ok(page(
        "Mentor requests to screen",
        Some(&caller),
        queue_content(&queue, !notice.screened.is_empty()),
    ))
}

/// The links on a programme page to its register, requests and queue.
pub fn programme_links(programme_id: i64, can_edit: bool) -> Markup {
    html! {
        h2 { "Mentoring in this programme" }
        ul {
            li { a href={ "/programmes/" (programme_id) "/request" } { "Ask for a mentor" } }
            li { a href={ "/programmes/" (programme_id) "/register" } { "Mentor register" } }
            li { a href={ "/programmes/" (programme_id) "/register/new" } { "Volunteer as a mentor" } }
            @if can_edit {
                li { a href={ "/programmes/" (programme_id) "/screening" } { "Screen mentor requests" } }
                li { a href={ "/programmes/" (programme_id) "/matching" } { "Match mentees with mentors" } }
            }
        }
    }
}
