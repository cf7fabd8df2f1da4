//! The home page: what each role has to do, from `tandem_app::home`.

use axum::extract::State;
use maud::{Markup, html};
use tandem_app::home::Home;
use tandem_app::requests::AnswersSince;
use tandem_domain::permissions::relationships::RelationshipAccess;
use tandem_domain::roles::Role;

use crate::error::PageError;
use crate::extract::PageCaller;
use crate::layout::{counted, format_time, page};
use crate::pages::proposals::proposals_to_answer;
use crate::state::AppState;

/// `GET /`.
pub async fn home(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
) -> Result<Markup, PageError> {
    let home = state.app.home(&caller.principal).await?;
    let proposals = state.app.proposals_to_answer(&caller.principal).await?;
    let to_dos = state.app.relationship_to_dos(&caller.principal).await?;
    // The relationships the caller is one of the pair of.
    let takes_part = home
        .roles
        .iter()
        .any(|r| matches!(r, Role::Mentor | Role::Mentee));
    let own: Vec<_> = if takes_part {
        state
            .app
            .relationships(&caller.principal, None)
            .await?
            .into_iter()
            .filter(|r| {
                matches!(
                    r.access,
                    RelationshipAccess::Mentor | RelationshipAccess::Mentee
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(page(
        "Home",
        Some(&caller),
        html! {
            (home_content(&home))
            (proposals_to_answer(&proposals))
            @if !to_dos.is_empty() {
                h2 { "Your mentoring: what to do next" }
                ul {
                    @for to_do in &to_dos {
                        li { a href={ "/relationships/" (to_do.relationship_id) } { (to_do.text) } }
                    }
                }
            }
            @if takes_part {
                h2 { "Your mentoring relationships" }
                @if own.is_empty() {
                    p { "You have no mentoring relationships yet. When a mentor accepts a proposal, the relationship appears here with what needs doing next." }
                } @else {
                    ul {
                        @for row in &own {
                            li {
                                a href={ "/relationships/" (row.id) } {
                                    @if row.access == RelationshipAccess::Mentor { "Mentoring " (row.mentee_name) } @else { "Mentored by " (row.mentor_name) }
                                }
                                " – " (row.programme_name) ": "
                                @match row.state { Some(state) => (state.label()), None => "exists" }
                            }
                        }
                    }
                }
            }
            p { a href="/relationships" { "See all your mentoring relationships" } }
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
        @let to_screen: Vec<_> = home.requests_to_screen.iter().filter(|d| d.awaiting > 0).collect();
        @if !to_screen.is_empty() {
            h2 { "Mentor requests to screen" }
            ul {
                @for due in &to_screen {
                    li {
                        a href={ "/programmes/" (due.programme_id) "/screening" } { (due.programme_name) }
                        ": " (due.awaiting) @if due.awaiting == 1 { " request waits" } @else { " requests wait" } " to be screened."
                    }
                }
            }
        }
        @let matching: Vec<_> = home.requests_to_screen.iter().filter(|d| d.waiting_for_match + d.proposals_awaiting + d.accepted_lately + d.declined_lately > 0).collect();
        @if !matching.is_empty() {
            h2 { "Matching" }
            @for due in &matching {
                div.summary-card {
                    h3 { (due.programme_name) }
                    ul.task-list {
                        @if due.waiting_for_match > 0 {
                            li.task-list__item {
                                span.task-list__name { a href={ "/programmes/" (due.programme_id) "/matching" } { (counted(due.waiting_for_match as u64, "person waits", "people wait")) " for a mentor" } }
                                strong.tag.tag--due { "To do" }
                            }
                        }
                        @if due.proposals_awaiting > 0 {
                            li.task-list__item {
                                span.task-list__name { (counted(due.proposals_awaiting as u64, "proposal waits for its mentor's answer", "proposals wait for their mentors' answers")) }
                                strong.tag { "Waiting" }
                            }
                        }
                        @if due.accepted_lately + due.declined_lately > 0 {
                            li.task-list__item {
                                span.task-list__next {
                                    @match due.answers_since {
                                        AnswersSince::LastVisit(day) => { "Since your last visit (" (day) "), mentors accepted " }
                                        AnswersSince::LastSevenDays => { "In the last 7 days mentors accepted " }
                                    }
                                    (due.accepted_lately) " and declined " (due.declined_lately) ". "
                                    a href={ "/programmes/" (due.programme_id) "/matching" } { "See the answers" span.visually-hidden { " for " (due.programme_name) } }
                                }
                            }
                        }
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
        @if home.own_requests.is_empty() && home.own_person_id.is_some() && home.roles.contains(&Role::Mentee) {
            h2 { "Would you like a mentor?" }
            p { "Choose the programme for you and ask. Its coordinator reads your request, then proposes a mentor who has no authority over you." }
            p { a.button href="/programmes" { "Ask for a mentor" } }
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
            table.table--stack {
                caption.visually-hidden { "Recent activity" }
                thead { tr { th scope="col" { "When (UTC)" } th scope="col" { "Who" } th scope="col" { "What" } } }
                tbody {
                    @for event in &system.recent_events {
                        tr {
                            td data-label="When (UTC)" { (format_time(event.at.unix_timestamp())) }
                            td data-label="Who" { (event.who) }
                            td data-label="What" {
                                (event.action.label())
                                @if let Some(subject) = &event.subject {
                                    ": "
                                    @match &subject.href {
                                        Some(href) => a href=(href) { (subject.name) },
                                        None => (subject.name),
                                    }
                                }
                                @if !event.detail.is_empty() { br; span.hint { (event.detail) } }
                            }
                        }
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
        @if let Some(id) = home.own_person_id {
            p { a href={ "/people/" (id) } { "Check your details in the staff directory" } }
        }
    }
}
