//! The staff directory: the people the caller may see, searched and paged,
//! and one person's record.

use crate::extract::Query;
use axum::extract::State;
use maud::{Markup, html};
use serde::Deserialize;
use tandem_app::people::PER_PAGE;
use tandem_domain::ids::PersonId;
use tandem_domain::people::EmploymentType;

use crate::error::PageError;
use crate::extract::{PageCaller, PathId};
use crate::forms::Fields;
use crate::layout::{page, page_number, pager, summary_row};
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct PeopleQuery {
    q: Option<String>,
    page: Option<String>,
}

/// `GET /people`.
pub async fn people(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Query(query): Query<PeopleQuery>,
) -> Result<Markup, PageError> {
    let search = query.q.unwrap_or_default();
    let page_number = page_number(query.page.as_deref());
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
                (Fields::new(&[]).text("q", "Search by name, email, employee id or job title").kind("search").value(&search))
                button.button type="submit" { "Search" }
            }
            p aria-live="polite" {
                @if listing.total == 1 { "1 person" } @else { (listing.total) " people" }
                @if !search.trim().is_empty() { " matching “" (search.trim()) "”" }
            }
            @if !listing.people.is_empty() {
                table.table--stack {
                    caption.visually-hidden { "People you can see" }
                    thead { tr {
                        th scope="col" { "Name" } th scope="col" { "Job title" }
                        th scope="col" { "Team" } th scope="col" { "Organisation" }
                    } }
                    tbody {
                        @for person in &listing.people {
                            tr {
                                td data-label="Name" { a href={ "/people/" (person.id) } { (person.given_name) " " (person.family_name) } }
                                td data-label="Job title" { (person.job_title) }
                                td data-label="Team" { (person.team.as_deref().unwrap_or("")) }
                                td data-label="Organisation" { (person.organisation) }
                            }
                        }
                    }
                }
            }
            (pager(listing.page, listing.pages(), link))
        },
    ))
}

/// `GET /people/{id}`.
pub async fn person(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    PathId(id): PathId<PersonId>,
) -> Result<Markup, PageError> {
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
