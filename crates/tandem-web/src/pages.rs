//! The server-rendered pages. Each handler takes the caller, calls one use
//! case, and renders; none decides a permission itself.

use axum::Form;
use axum::extract::{Extension, Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use tandem_app::AppError;
use tandem_app::auth::{SESSION_SECONDS, new_token};
use tandem_app::home::Home;
use tandem_app::import::{ImportFailure, NoProgress};
use tandem_app::people::PER_PAGE;
use tandem_domain::people::{EmploymentType, ImportError, PEOPLE_COLUMNS};
use tandem_domain::roles::Role;

use crate::AppState;
use crate::error::PageError;
use crate::layout::{Problem, error_summary, format_time, page, summary_row, text_field};
use crate::session::{
    Caller, PRE_SESSION_COOKIE, PageCaller, SESSION_COOKIE, cookie, cookie_value,
};

pub async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("assets/tandem.css"),
    )
        .into_response()
}

pub async fn not_found(caller: Option<Extension<Caller>>) -> Response {
    let caller = caller.map(|Extension(c)| c);
    (
        StatusCode::NOT_FOUND,
        page(
            "Page not found",
            caller.as_ref(),
            html! {
                h1 { "Page not found" }
                p { "If you typed the web address, check it is correct." }
                p { a href="/" { "Go to your home page" } }
            },
        ),
    )
        .into_response()
}

#[derive(Debug, Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// Only a path on this site may follow sign-in, never another site.
fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => {
            path
        }
        _ => "/",
    }
}

fn sign_in_form(token: &str, next: &str, email: &str, problems: &[Problem]) -> Markup {
    page(
        "Sign in",
        None,
        html! {
            (error_summary(problems))
            h1 { "Sign in to Tandem" }
            form method="post" action="/sign-in" novalidate {
                input type="hidden" name="csrf" value=(token);
                input type="hidden" name="next" value=(next);
                (text_field("email", "Email address", "email", email, "username", problems))
                (text_field("password", "Password", "password", "", "current-password", problems))
                button.button type="submit" { "Sign in" }
            }
        },
    )
}

pub async fn sign_in_page(
    State(state): State<AppState>,
    caller: Option<Extension<Caller>>,
    Query(query): Query<NextQuery>,
) -> Response {
    let next = safe_next(query.next.as_deref()).to_owned();
    if caller.is_some() {
        return Redirect::to(&next).into_response();
    }
    let token = new_token();
    (
        [(
            header::SET_COOKIE,
            cookie(
                PRE_SESSION_COOKIE,
                token.clone(),
                state.config.secure_cookies,
                3600,
            ),
        )],
        sign_in_form(&token, &next, "", &[]),
    )
        .into_response()
}

#[derive(Debug, Deserialize)]
pub struct SignInForm {
    email: String,
    password: String,
    next: Option<String>,
}

pub async fn sign_in(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Response {
    let next = safe_next(form.next.as_deref()).to_owned();
    let mut problems = Vec::new();
    if form.email.trim().is_empty() {
        problems.push(Problem {
            field_id: "email".into(),
            message: "Enter your email address".into(),
        });
    }
    if form.password.is_empty() {
        problems.push(Problem {
            field_id: "password".into(),
            message: "Enter your password".into(),
        });
    }
    if problems.is_empty() {
        match state.app.sign_in(&form.email, &form.password).await {
            Ok(signed_in) => {
                let mut response = Redirect::to(&next).into_response();
                let headers = response.headers_mut();
                for value in [
                    cookie(
                        SESSION_COOKIE,
                        signed_in.token,
                        state.config.secure_cookies,
                        SESSION_SECONDS,
                    ),
                    cookie(
                        PRE_SESSION_COOKIE,
                        String::new(),
                        state.config.secure_cookies,
                        0,
                    ),
                ] {
                    if let Ok(value) = value.parse() {
                        headers.append(header::SET_COOKIE, value);
                    }
                }
                return response;
            }
            Err(AppError::Invalid(errors)) => {
                problems.extend(errors.into_iter().map(|e| Problem {
                    field_id: e.field,
                    message: e.message,
                }));
            }
            Err(other) => return PageError::from(other).into_response(),
        }
    }
    let token = cookie_value(&headers, PRE_SESSION_COOKIE).unwrap_or_default();
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        sign_in_form(&token, &next, &form.email, &problems),
    )
        .into_response()
}

pub async fn sign_out(State(state): State<AppState>, PageCaller(caller): PageCaller) -> Response {
    if let Err(error) = state.app.sign_out(&caller.token).await {
        return PageError::from(error).into_response();
    }
    (
        [(
            header::SET_COOKIE,
            cookie(
                SESSION_COOKIE,
                String::new(),
                state.config.secure_cookies,
                0,
            ),
        )],
        Redirect::to("/sign-in"),
    )
        .into_response()
}

pub async fn home(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
) -> Result<Markup, PageError> {
    let home = state.app.home(&caller.principal).await?;
    let proposals = state.app.proposals_to_answer(&caller.principal).await?;
    Ok(page(
        "Home",
        Some(&caller),
        html! {
            (home_content(&home))
            (crate::matching_pages::proposals_to_answer(&proposals))
        },
    ))
}

fn home_content(home: &Home) -> Markup {
    html! {
        span.caption { @for role in &home.roles { span.tag { (role.label()) } } }
        h1 { "Hello, " (home.display_name) }
        @if home.roles.is_empty() {
            p { "Your account has no roles yet. Ask your programme coordinator or an administrator to give you one." }
        }
        @if !home.policy_reviews_due.is_empty() {
            h2 { "Policy reviews due" }
            ul {
                @for due in &home.policy_reviews_due {
                    li {
                        a href={ "/programmes/" (due.programme_id) } { (due.name) }
                        ": the programme's policy was due for review on " (due.due) ". "
                        a href={ "/programmes/" (due.programme_id) "/settings#revision" } { "Record the review" span.visually-hidden { " of " (due.name) } }
                    }
                }
            }
        }
        @if !home.requests_to_screen.is_empty() {
            h2 { "Mentor requests to screen" }
            ul {
                @for due in &home.requests_to_screen {
                    li {
                        a href={ "/programmes/" (due.programme_id) "/screening" } { (due.programme_name) }
                        ": " (due.awaiting) @if due.awaiting == 1 { " request waits" } @else { " requests wait" } " to be screened."
                    }
                }
            }
        }
        @if !home.consultations.is_empty() {
            h2 { "Mentor requests you are consulted on" }
            p { "You see only that a request exists and the time it takes." }
            ul {
                @for due in &home.consultations {
                    li { a href={ "/requests/" (due.request_id) } { (due.mentee) } " – " (due.programme_name) }
                }
            }
        }
        @if !home.own_requests.is_empty() {
            h2 { "Your mentor requests" }
            ul {
                @for own in &home.own_requests {
                    li { a href={ "/requests/" (own.request_id) } { (own.programme_name) } ": " (own.status) }
                }
            }
        }
        @if let Some(system) = &home.system {
            h2 { "Tandem at a glance" }
            div.cards {
                div.card { span.figure { (system.organisations) } "organisations" }
                div.card { span.figure { (system.people) } a href="/people" { "people" } }
                div.card { span.figure { (system.accounts) } "accounts" }
            }
            h2 { "Needs doing" }
            ul {
                li { a href="/people/import" { "Import people from an HR export" } " into any organisation." }
                li { "Give coordinators accounts for organisations that have none: " code { "tandem" } " command line, for now." }
            }
            h2 { "Recent activity" }
            table {
                caption.visually-hidden { "Recent activity" }
                thead { tr { th scope="col" { "When (UTC)" } th scope="col" { "What" } th scope="col" { "Detail" } } }
                tbody {
                    @for event in &system.recent_events {
                        tr { td { (format_time(event.occurred_at)) } td { (event.action) } td { (event.detail) } }
                    }
                }
            }
        }
        @for card in &home.organisations {
            h2 { (card.organisation.name) }
            p.hint { @for role in &card.roles { span.tag { (role.label()) } } }
            div.cards {
                div.card {
                    span.figure { (card.people) }
                    a href="/people" { "people" } " in the staff directory"
                }
                @if card.can_import {
                    div.card {
                        h3 { "Keep the directory current" }
                        p { a href="/people/import" { "Import the latest HR export" } }
                    }
                }
            }
        }
        @if let Some(reports) = &home.direct_reports {
            h2 { "Your team" }
            @if reports.is_empty() {
                p { "Nobody reports to you directly in the HR records." }
            } @else {
                p { "These people report to you directly. You are consulted when they ask for a mentor, and you see only the time it takes — never what they discuss." }
                ul { @for person in reports { li { a href={ "/people/" (person.id) } { (person.given_name) " " (person.family_name) } " – " (person.job_title) } } }
            }
        }
        @if home.roles.iter().any(|r| matches!(r, Role::Mentor | Role::Mentee)) {
            h2 { "Your mentoring" }
            p { "You have no mentoring relationships yet. When a coordinator matches you, the relationship will appear here with what needs doing next." }
        }
        @if let Some(id) = home.own_person_id {
            p { a href={ "/people/" (id) } { "Check your details in the staff directory" } }
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct PeopleQuery {
    q: Option<String>,
    page: Option<String>,
}

pub async fn people(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Query(query): Query<PeopleQuery>,
) -> Result<Markup, PageError> {
    let search = query.q.unwrap_or_default();
    // A page number that is not a number is treated as the first page.
    let page_number = query
        .page
        .and_then(|p| p.parse::<i64>().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1);
    let listing = state
        .app
        .list_people(&caller.principal, &search, page_number, PER_PAGE)
        .await?;
    let link = |n: i64| {
        format!(
            "/people?{}",
            serde_urlencoded::to_string([("q", search.as_str()), ("page", &n.to_string())])
                .unwrap_or_default()
        )
    };
    Ok(page(
        "People",
        Some(&caller),
        html! {
            h1 { "People" }
            form.search method="get" action="/people" role="search" {
                div.form-group {
                    label for="q" { "Search by name, email, employee id or job title" }
                    input type="search" id="q" name="q" value=(search);
                }
                button.button type="submit" { "Search" }
            }
            p aria-live="polite" {
                @if listing.total == 1 { "1 person" } @else { (listing.total) " people" }
                @if !search.trim().is_empty() { " matching “" (search.trim()) "”" }
            }
            @if !listing.people.is_empty() {
                table {
                    caption.visually-hidden { "People you can see" }
                    thead { tr {
                        th scope="col" { "Name" } th scope="col" { "Job title" }
                        th scope="col" { "Team" } th scope="col" { "Organisation" }
                    } }
                    tbody {
                        @for person in &listing.people {
                            tr {
                                td { a href={ "/people/" (person.id) } { (person.given_name) " " (person.family_name) } }
                                td { (person.job_title) }
                                td { (person.team.as_deref().unwrap_or("")) }
                                td { (person.organisation) }
                            }
                        }
                    }
                }
            }
            @if listing.pages() > 1 {
                nav aria-label="Pages of results" {
                    ul.pagination {
                        @if listing.page > 1 { li { a href=(link(listing.page - 1)) rel="prev" { "Previous page" } } }
                        li { "Page " (listing.page) " of " (listing.pages()) }
                        @if listing.page < listing.pages() { li { a href=(link(listing.page + 1)) rel="next" { "Next page" } } }
                    }
                }
            }
        },
    ))
}

pub async fn person(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Path(id): Path<String>,
) -> Result<Markup, PageError> {
    let id: i64 = id.parse().map_err(|_| PageError::NotFound)?;
    let view = state.app.person(&caller.principal, id).await?;
    let p = &view.person;
    let name = format!("{} {}", p.given_name, p.family_name);
    let employment = p.employment_type();
    Ok(page(
        &name,
        Some(&caller),
        html! {
            span.caption { (p.organisation) }
            h1 { (name) }
            dl.summary-list {
                (summary_row("Employee id", Some(&p.employee_id)))
                (summary_row("Email", Some(&p.email)))
                (summary_row("Job title", Some(&p.job_title)))
                (summary_row("Grade or band", Some(&p.grade)))
                (summary_row("Region", p.region.as_deref()))
                (summary_row("Team", p.team.as_deref()))
                div.summary-list__row {
                    dt.summary-list__key { "Line manager" }
                    dd.summary-list__value {
                        @match (&p.line_manager_id, &p.line_manager_name) {
                            (Some(id), Some(name)) => a href={ "/people/" (id) } { (name) },
                            _ => span.hint { "None recorded" },
                        }
                    }
                }
                (summary_row("Start date", p.start_date.as_deref()))
                (summary_row("Employment", employment.map(EmploymentType::label)))
            }
            @if employment == Some(EmploymentType::FosterCarerHousehold) && view.access.sees_household() {
                h2 { "Fostering household" }
                dl.summary-list {
                    (summary_row("Approval type", p.approval_type.as_deref()))
                    (summary_row("Carer level", p.carer_level.map(|l| l.to_string()).as_deref()))
                    (summary_row("Approval date", p.approval_date.as_deref()))
                    (summary_row("Household", p.household.as_deref()))
                    (summary_row("Special interests", p.special_interests.as_deref()))
                }
            }
            @if !view.direct_reports.is_empty() {
                h2 { "Reports directly to " (p.given_name) }
                ul { @for r in &view.direct_reports { li { a href={ "/people/" (r.id) } { (r.given_name) " " (r.family_name) } " – " (r.job_title) } } }
            }
            p { a href="/people" { "Back to people" } }
        },
    ))
}

fn import_form(
    caller: &Caller,
    organisations: &[tandem_store::Organisation],
    selected: Option<i64>,
    problems: &[Problem],
    file_errors: &[ImportError],
) -> Markup {
    let org_problem = crate::layout::field_problem(problems, "organisation");
    let file_problem = crate::layout::field_problem(problems, "file");
    html! {
        (error_summary(problems))
        h1 { "Import people" }
        p { "Upload a CSV export from your HR system. Tandem checks the whole file first: if any row has a problem, nothing is imported and every problem is listed with its line and column. People already imported are updated by their employee id." }
        @if !file_errors.is_empty() {
            table {
                caption { (file_errors.len()) " problems in the file" }
                thead { tr { th scope="col" { "Line" } th scope="col" { "Column" } th scope="col" { "What is wrong" } } }
                tbody { @for e in file_errors { tr { td { (e.line) } td { (e.column) } td { (e.message) } } } }
            }
        }
        form method="post" action={ "/people/import?csrf=" (caller.csrf_token) } enctype="multipart/form-data" {
            div.form-group.form-group--error[org_problem.is_some()] {
                label for="organisation" { "Organisation" }
                @if let Some(message) = org_problem { span.error-message id="organisation-error" { span.visually-hidden { "Error: " } (message) } }
                select id="organisation" name="organisation" aria-describedby=[org_problem.map(|_| "organisation-error")] {
                    @if organisations.len() != 1 { option value="" { "Choose an organisation" } }
                    @for o in organisations {
                        option value=(o.id) selected[selected == Some(o.id)] { (o.name) }
                    }
                }
            }
            div.form-group.form-group--error[file_problem.is_some()] {
                label for="file" { "CSV file" }
                p.hint id="file-hint" { "Saved as CSV UTF-8, with a header line naming the columns below." }
                @if let Some(message) = file_problem { span.error-message id="file-error" { span.visually-hidden { "Error: " } (message) } }
                input type="file" id="file" name="file" accept=".csv,text/csv"
                    aria-describedby={ "file-hint" @if file_problem.is_some() { " file-error" } };
            }
            button.button type="submit" { "Check and import" }
        }
        details {
            summary { "Columns the file may have" }
            table {
                thead { tr { th scope="col" { "Column" } th scope="col" { "Required" } th scope="col" { "What it holds" } } }
                tbody { @for c in &PEOPLE_COLUMNS { tr { td { code { (c.name) } } td { @if c.required { "Yes" } @else { "No" } } td { (c.description) } } } }
            }
        }
    }
}

pub async fn import_page(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
) -> Result<Response, PageError> {
    let organisations = state.app.import_targets(&caller.principal).await?;
    if organisations.is_empty() {
        return Err(PageError::Forbidden(
            "Only administrators, and coordinators and HR of an organisation, can import people."
                .into(),
        ));
    }
    let selected = (organisations.len() == 1).then(|| organisations[0].id);
    Ok(page(
        "Import people",
        Some(&caller),
        import_form(&caller, &organisations, selected, &[], &[]),
    )
    .into_response())
}

pub async fn import(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    let organisations = state.app.import_targets(&caller.principal).await?;
    let mut organisation: Option<i64> = None;
    let mut file: Option<Vec<u8>> = None;
    let mut problems = Vec::new();
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_owned();
                match field.bytes().await {
                    Ok(bytes) if name == "organisation" => {
                        organisation = std::str::from_utf8(&bytes)
                            .ok()
                            .and_then(|s| s.trim().parse().ok());
                    }
                    Ok(bytes) if name == "file" => {
                        file = Some(bytes.to_vec()).filter(|b| !b.is_empty())
                    }
                    Ok(_) => {}
                    Err(_) => {
                        problems.push(Problem {
                            field_id: "file".into(),
                            message: "The upload did not arrive whole. Try again.".into(),
                        });
                        break;
                    }
                }
            }
            Ok(None) => break,
            Err(_) => {
                problems.push(Problem {
                    field_id: "file".into(),
                    message: "The upload could not be read. Try again.".into(),
                });
                break;
            }
        }
    }
    let organisation = organisation.filter(|id| organisations.iter().any(|o| o.id == *id));
    if organisation.is_none() {
        problems.push(Problem {
            field_id: "organisation".into(),
            message: "Choose the organisation these people work for".into(),
        });
    }
    if file.is_none() && problems.iter().all(|p| p.field_id != "file") {
        problems.push(Problem {
            field_id: "file".into(),
            message: "Choose a CSV file to upload".into(),
        });
    }
    let render = |problems: &[Problem], errors: &[ImportError]| {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            page(
                "Import people",
                Some(&caller),
                import_form(&caller, &organisations, organisation, problems, errors),
            ),
        )
            .into_response()
    };
    let (Some(organisation_id), Some(file), true) = (organisation, file, problems.is_empty())
    else {
        return Ok(render(&problems, &[]));
    };
    match state
        .app
        .import_people_as(
            &caller.principal,
            organisation_id,
            file.as_slice(),
            &NoProgress,
        )
        .await
    {
        Ok(summary) => {
            let name = organisations
                .iter()
                .find(|o| o.id == organisation_id)
                .map_or("", |o| o.name.as_str());
            Ok(page(
                "People imported",
                Some(&caller),
                html! {
                    div.panel-success role="status" {
                        h1 { "People imported" }
                        p.lede { (summary.created) " added and " (summary.updated) " updated in " (name) "." }
                    }
                    p { a href="/people" { "See the people" } }
                    p { a href="/people/import" { "Import another file" } }
                },
            )
            .into_response())
        }
        Err(ImportFailure::Rejected(errors)) => {
            let problems = vec![Problem {
                field_id: "file".into(),
                message: format!(
                    "The file has {} listed below. Nothing was imported.",
                    if errors.len() == 1 {
                        "1 problem".to_owned()
                    } else {
                        format!("{} problems", errors.len())
                    }
                ),
            }];
            Ok(render(&problems, &errors))
        }
        Err(ImportFailure::App(error)) => Err(error.into()),
    }
}
