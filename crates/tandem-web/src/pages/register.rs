//! The mentor register (REG-1 to REG-5): browsing it by the fields each
//! mentor publishes, one entry, volunteering or adding an identified
//! mentor, and changing an entry. Every handler calls one use case in
//! `tandem_app::register`, which decides what the caller may see and do.

use crate::extract::Form;
use crate::extract::Query;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use tandem_app::AppError;
use tandem_app::register::{EntryViewModel, RegisterPage, input_of};
use tandem_app::views::{PersonSummary, RegisterFilter};
use tandem_domain::ids::{MentorEntryId, OrganisationId, ProgrammeId};
use tandem_domain::permissions::EntryView;
use tandem_domain::register::{Availability, MentorProfileInput, ProfileField};

use crate::caller::Caller;
use crate::error::{PageError, capitalise};
use crate::extract::{PageCaller, PathId};
use crate::forms::{Fields, Problem, csrf_field, error_summary, problems, yes};
use crate::layout::{back_link, counted, invalid_page, page, page_number, pager, summary_row};
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RegisterQuery {
    organisation: String,
    region: String,
    expertise: String,
    language: String,
    availability: String,
    page: String,
}

/// Mentors on one page of the register.
const REGISTER_PER_PAGE: i64 = 50;

impl RegisterQuery {
    /// This listing's address at page `n`, with its filters.
    fn link(&self, programme: ProgrammeId, n: i64) -> String {
        let query = serde_urlencoded::to_string([
            ("organisation", self.organisation.as_str()),
            ("region", self.region.as_str()),
            ("expertise", self.expertise.as_str()),
            ("language", self.language.as_str()),
            ("availability", self.availability.as_str()),
            ("page", &n.to_string()),
        ])
        .unwrap_or_default();
        format!("/programmes/{programme}/register?{query}")
    }

    fn filter(&self) -> RegisterFilter {
        let text = |v: &str| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
        RegisterFilter {
            // As in the API: a number that names no organisation lists
            // nobody; anything else is no filter.
            organisation_id: self
                .organisation
                .trim()
                .parse::<i64>()
                .ok()
                .map(OrganisationId::new),
            region: text(&self.region),
            expertise: text(&self.expertise),
            language: text(&self.language),
            availability: text(&self.availability),
            name: None,
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
        @if !register.mentees_choose && !register.keeps_entries {
            p { "In this programme the coordinator proposes a mentor for each mentee, so the register is not open to browse. To have a mentor, ask for one from the programme page." }
            p { a href={ "/programmes/" (id) } { "Back to the programme page" } }
        } @else {
            (register_list(register, query))
        }
    }
}

/// The register's filters and its mentors, for those who may browse it.
fn register_list(register: &RegisterPage, query: &RegisterQuery) -> Markup {
    let id = register.programme.id;
    let filters = Fields::new(&[]);
    html! {
        form.search method="get" action={ "/programmes/" (id) "/register" } {
            h2 { "Filter the register" }
            (filters.select("organisation", "Organisation").placeholder("Any organisation")
                .options(register.programme.organisations.iter().map(|o| (o.id, &o.name)))
                .selected(&query.organisation))
            (filters.select("region", "Region").placeholder("Any region")
                .options(register.regions.iter().map(|r| (r, r)))
                .selected(&query.region))
            (filters.text("expertise", "Area of expertise").value(&query.expertise))
            (filters.text("language", "Language").value(&query.language).short())
            (filters.select("availability", "Availability").placeholder("Any")
                .options([("available", "Available"), ("paused", "Paused"), ("full", "Full")])
                .selected(&query.availability))
            button.button type="submit" { "Apply filters" }
        }
        h2 { (counted(u64::try_from(register.total).unwrap_or_default(), "mentor", "mentors")) }
        @if register.entries.is_empty() && register.total > 0 {
            p { "There are no more mentors after page " (register.pages()) ". " a href=(query.link(id, 1)) { "Go to the first page" } }
        } @else if register.entries.is_empty() {
            p { "No mentors on the register match." }
        } @else {
            table.table--stack {
                caption.visually-hidden { "Mentors on the register" }
                thead { tr {
                    th scope="col" { "Mentor" } th scope="col" { "Organisation" } th scope="col" { "Region" }
                    th scope="col" { "Expertise" } th scope="col" { "Languages" } th scope="col" { "Availability" }
                    @if register.keeps_entries { th scope="col" { "Eligible" } }
                } }
                tbody {
                    @for entry in &register.entries {
                        tr {
                            td data-label="Mentor" { a href={ "/register/" (entry.id) } { (entry.name) } }
                            td data-label="Organisation" { (entry.organisation) " (" (entry.jurisdiction) ")" }
                            td data-label="Region" { (entry.region.as_deref().unwrap_or("")) }
                            td data-label="Expertise" { @if entry.shows(ProfileField::Expertise) { (entry.profile.expertise) } }
                            td data-label="Languages" { @if entry.shows(ProfileField::Languages) { (entry.profile.languages) } }
                            td data-label="Availability" { (availability_label(entry.profile.availability)) }
                            @if register.keeps_entries {
                                td data-label="Eligible" { @if entry.view == EntryView::Full { @if entry.eligible() { "Yes" } @else { strong { "No" } } } }
                            }
                        }
                    }
                }
            }
            (pager(register.page, register.pages(), |n| query.link(id, n)))
        }
        p { a href={ "/programmes/" (id) } { "Back to the programme page" } }
    }
}

/// `GET /programmes/{id}/register`.
pub async fn register(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    PathId(id): PathId<ProgrammeId>,
    Query(query): Query<RegisterQuery>,
) -> Result<Markup, PageError> {
    let register = state
        .app
        .register(
            &caller.principal,
            id,
            &query.filter(),
            page_number(Some(&query.page)),
            REGISTER_PER_PAGE,
        )
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
            (summary_row("Capacity", Some(&format!("{} at once", counted(u64::from(profile.capacity), "mentee", "mentees")))))
            @if entry.view == EntryView::Full {
                (summary_row("Months of relevant experience", profile.experience_months.map(|m| m.get().to_string()).as_deref()))
                (summary_row("Mentor training completed", Some(if profile.training_completed { "Yes" } else { "No" })))
                (summary_row("Experience shown through appraisal", Some(if profile.experience_shown_by_appraisal { "Yes" } else { "No" })))
                (summary_row("Came onto the register", Some(match entry.recruited {
                    tandem_domain::register::Recruited::Volunteered => "Volunteered",
                    tandem_domain::register::Recruited::Identified => "Identified by a coordinator or supervising social worker",
                })))
                (summary_row("Mentoring now", Some(&entry.active_mentees.to_string())))
                (summary_row("Published to mentees", Some(&if profile.published.is_empty() { "Nothing beyond name, organisation, jurisdiction, region and availability".to_owned() } else { profile.published.iter().map(|f| f.label()).collect::<Vec<_>>().join(", ") })))
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
    PathId(id): PathId<MentorEntryId>,
) -> Result<Markup, PageError> {
    let (programme, entry) = state.app.register_entry(&caller.principal, id).await?;
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
    /// Set by the form for adding someone identified: `person` is then
    /// required, never taken as the caller volunteering.
    identify: String,
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

/// Whom a coordinator adds: the employee id typed or chosen, and the
/// people search that finds it without JavaScript (search, then choose).
pub struct Identify<'a> {
    person: &'a str,
    search: &'a str,
    found: &'a [PersonSummary],
    /// The page the search and its choices link back to.
    page: &'a str,
}

/// The people picker: a search form (GET) and the people it found, each
/// with a link that chooses them for the form below.
fn people_picker(identify: &Identify<'_>) -> Markup {
    html! {
        form.search method="get" action=(identify.page) {
            input type="hidden" name="identify" value="1";
            div.form-group {
                label for="q" { "Find the mentor by name, email or employee id" }
                input #q type="search" name="q" value=(identify.search);
            }
            button.button.button--secondary type="submit" { "Search" }
        }
        @if !identify.search.trim().is_empty() {
            @if identify.found.is_empty() {
                p { "Nobody you can see matches \u{201c}" (identify.search) "\u{201d}." }
            } @else {
                ul.choices {
                    @for person in identify.found {
                        li {
                            a href={ (identify.page) "?identify=1&person=" (urlencoding(&person.employee_id)) } {
                                "Choose " (person.given_name) " " (person.family_name)
                            }
                            " — " (person.job_title) ", " (person.organisation) " (" (person.employee_id) ")"
                        }
                    }
                }
            }
        }
    }
}

fn urlencoding(text: &str) -> String {
    serde_urlencoded::to_string([("v", text)])
        .map(|pair| pair.trim_start_matches("v=").to_owned())
        .unwrap_or_default()
}

/// The register entry form. `certifies` is whether the caller records the
/// mentor's training and appraisal: never on their own entry.
#[allow(clippy::too_many_arguments)]
fn entry_form(
    caller: &Caller,
    action: &str,
    heading: &str,
    identify: Option<&Identify<'_>>,
    certifies: bool,
    input: &MentorProfileInput,
    problems: &[Problem],
    back: &str,
) -> Markup {
    let fields = Fields::new(problems);
    html! {
        (back_link(back))
        (error_summary(problems))
        h1 { (heading) }
        p { "Organisation and jurisdiction come from the staff directory." }
        @if let Some(identify) = identify {
            (people_picker(identify))
        }
        form method="post" action=(action) novalidate {
            (csrf_field(&caller.csrf_token))
            @if let Some(identify) = identify {
                input type="hidden" name="identify" value="1";
                (fields.text("person", "Employee id of the mentor").hint("Find them above, or type it as it appears in your organisation's staff directory (the HR export). They must work for an organisation whose mentors you keep.").value(identify.person).short())
            }
            h2 { "Profile" }
            (fields.textarea("experience", "Experience").hint("Roles held and what they have learnt.").value(&input.experience))
            (fields.text("experience_months", "Months of relevant experience").hint("A whole number, for example 36. Some programmes set a minimum.").value(&input.experience_months).short())
            (fields.textarea("interests", "Interests").value(&input.interests))
            (fields.textarea("expertise", "Areas of expertise").value(&input.expertise))
            (fields.textarea("style", "Style and approach").value(&input.style))
            (fields.text("languages", "Languages").hint("Separate languages with commas.").value(&input.languages))
            (fields.text("location", "Location").hint("Where, or how, they can meet.").value(&input.location))
            (fields.textarea("special_interests", "Special interests").value(&input.special_interests))
            @if certifies {
                (fields.checkboxes("training", "Training and experience")
                    .checkbox("training_completed", "Has completed the programme's mentor training", input.training_completed)
                    .checkbox("experience_shown_by_appraisal", "Appraisal has shown significant experience and expertise", input.experience_shown_by_appraisal))
            } @else {
                h2 { "Training and appraisal" }
                p { "Your programme coordinator records these, and they decide whether you can be matched." }
                dl.summary-list {
                    (summary_row("Mentor training completed", Some(if input.training_completed { "Yes" } else { "Not yet recorded" })))
                    (summary_row("Experience shown by appraisal", Some(if input.experience_shown_by_appraisal { "Yes" } else { "Not recorded" })))
                }
            }
            (ProfileField::ALL.iter().fold(
                fields.checkboxes("publish", "What mentees browsing the register may see")
                    .hint("Name, organisation, jurisdiction, region and availability are always shown. Nothing else is shown unless you tick it."),
                |boxes, field| boxes.checkbox(format!("publish_{}", field.as_str()), field.label(), input.published.contains(field)),
            ))
            h2 { "Capacity and availability" }
            (fields.text("capacity", "How many mentees at once").hint("A whole number from 1 to 20. It cannot be less than the number mentored now.").value(&input.capacity).short())
            (fields.radios("availability", "Availability").options(&[("available", "Available"), ("paused", "Paused until a date"), ("full", "Full")]).chosen(&input.availability))
            (fields.text("paused_until", "Paused until").hint("Only if paused. For example, 2027-03-31.").value(&input.paused_until).short())
            button.button type="submit" { "Save" }
        }
        p { a href=(back) { "Cancel" } }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewEntryQuery {
    identify: String,
    /// The people picker's search.
    q: String,
    /// The employee id chosen from it.
    person: String,
}

/// `GET /programmes/{id}/register/new`: volunteer, or (`?identify=1`)
/// add someone identified.
pub async fn new_entry_page(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    PathId(id): PathId<ProgrammeId>,
    Query(query): Query<NewEntryQuery>,
) -> Result<Markup, PageError> {
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
    let found = if identify && !query.q.trim().is_empty() {
        state
            .app
            .list_people(&caller.principal, &query.q, 1, 10)
            .await?
            .people
    } else {
        Vec::new()
    };
    let action = format!("/programmes/{id}/register/new");
    let picker = Identify {
        person: &query.person,
        search: &query.q,
        found: &found,
        page: &action,
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
            (entry_form(&caller, &action, heading, identify.then_some(&picker), identify, &input, &[], &format!("/programmes/{id}/register")))
        },
    ))
}

/// The page for someone who would volunteer where mentors are identified.
fn identified_only(programme_name: &str, id: ProgrammeId, problems: &[Problem]) -> Markup {
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
    PathId(id): PathId<ProgrammeId>,
    Form(form): Form<EntryForm>,
) -> Result<Response, PageError> {
    let input = form.input();
    let identify = !form.identify.is_empty() || caller.principal.person_id.is_none();
    match state
        .app
        .save_register_entry(
            &caller.principal,
            id,
            identify.then_some(form.person.as_str()),
            &input,
        )
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
                    identify.then_some(&Identify {
                        person: &form.person,
                        search: "",
                        found: &[],
                        page: &format!("/programmes/{id}/register/new"),
                    }),
                    identify,
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
    PathId(id): PathId<MentorEntryId>,
) -> Result<Markup, PageError> {
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
            entry.certifies,
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
    PathId(id): PathId<MentorEntryId>,
    Form(form): Form<EntryForm>,
) -> Result<Response, PageError> {
    let input = form.input();
    match state
        .app
        .update_register_entry(&caller.principal, id, &input)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/register/{id}")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let heading = "Change the entry";
            let (_, entry) = state.app.register_entry(&caller.principal, id).await?;
            Ok(invalid_page(
                &caller,
                heading,
                entry_form(
                    &caller,
                    &format!("/register/{id}/edit"),
                    heading,
                    None,
                    entry.certifies,
                    &input,
                    &problems(errors),
                    &format!("/register/{id}"),
                ),
            ))
        }
        Err(other) => Err(other.into()),
    }
}
