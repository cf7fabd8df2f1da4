//! Relationship pages (issue 10 item 12): the pair's task list —
//! introduction → agreement → plan → meetings → reviews → completion —
//! with each task's status and next step and the forms to do it; what an
//! overseer may see (metadata and compliance); what a line manager may see
//! (that it exists, and its time). Every decision about what is shown is
//! the app's, from `tandem_domain::permissions`.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use tandem_app::AppError;
use tandem_app::relationships::{
    CancellationInput, CompletionStep, IntroductionInput, MeetingRecordChange, RelationshipSummary,
    RelationshipView, StepRequest, TaskStatus,
};
use tandem_domain::ids::ProgrammeId;
use tandem_domain::programme::{MeetingKind, Months, Party};
use tandem_domain::relationship::agreement::AgreementInput;
use tandem_domain::relationship::leaving::{LeaveCategory, NoMatchReason};
use tandem_domain::relationship::meetings::MeetingInput;
use tandem_domain::relationship::plan::{
    ActionInput, ActionPlanInput, ActionPointInput, GoalInput, MilestoneInput,
};
use tandem_domain::relationship::stages::StageInput;
use tandem_domain::relationship::state::ReviewOutcome;
use tandem_domain::relationship::{
    Document, Event, MeetingId, RelationshipId, State as RelState, party_name,
};

use crate::caller::Caller;
use crate::error::PageError;
use crate::extract::{Form, PageCaller, PathId, PathIds};
use crate::forms::{Fields, Problem, csrf_field, error_summary, problems};
use crate::layout::{format_time, page, summary_row};
use crate::state::AppState;

type Answers = HashMap<String, String>;

fn value<'a>(form: &'a Answers, key: &str) -> &'a str {
    form.get(key).map_or("", String::as_str)
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn status_tag(status: TaskStatus) -> Markup {
    html! {
        strong.tag.tag--due[status == TaskStatus::InProgress || status == TaskStatus::NotStarted]
            .tag--done[status == TaskStatus::Completed] { (status.label()) }
    }
}

/// `GET /relationships`: the caller's relationships.
pub async fn list(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
) -> Result<Markup, PageError> {
    let rows = state.app.relationships(&caller.principal, None).await?;
    Ok(page(
        "Mentoring relationships",
        Some(&caller),
        html! {
            h1 { "Mentoring relationships" }
            @if rows.is_empty() {
                p { "You have no mentoring relationships to see yet. A relationship starts when a mentor accepts a proposal." }
                p { a href="/programmes" { "See the programmes you can take part in" } }
            } @else {
                (relationship_table(&rows))
            }
        },
    ))
}

/// `GET /programmes/{id}/relationships`: a coordinator's overview, by
/// state, with compliance flags (metadata only).
pub async fn programme_overview(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    PathId(programme_id): PathId<ProgrammeId>,
) -> Result<Markup, PageError> {
    let programme = state.app.programme(&caller.principal, programme_id).await?;
    let rows = state
        .app
        .relationships(&caller.principal, Some(programme_id))
        .await?;
    Ok(page(
        "Relationships",
        Some(&caller),
        html! {
            span.caption { (programme.programme.name) }
            h1 { "Relationships" }
            p { "Dates, meetings and compliance only: what the pairs write stays theirs." }
            @if rows.is_empty() {
                p { "No relationships you oversee yet. They start when mentors accept proposals from " a href={ "/programmes/" (programme_id) "/matching" } { "matching" } "." }
            }
            @for state_group in RelState::ALL {
                @let group: Vec<RelationshipSummary> = rows.iter().filter(|r| r.state == Some(state_group)).cloned().collect();
                @if !group.is_empty() {
                    h2 { (state_group.label()) " (" (group.len()) ")" }
                    (relationship_table(&group))
                }
            }
            @let existence: Vec<RelationshipSummary> = rows.iter().filter(|r| r.state.is_none()).cloned().collect();
            @if !existence.is_empty() {
                h2 { "Relationships of people you manage" }
                (relationship_table(&existence))
            }
        },
    ))
}

fn relationship_table(rows: &[RelationshipSummary]) -> Markup {
    html! {
        div.table-wrap {
            table {
                thead { tr { th { "Mentee and mentor" } th { "Programme" } th { "State" } th { "Meetings" } th { "Next due" } } }
                tbody {
                    @for row in rows {
                        tr {
                            td { a href={ "/relationships/" (row.id) } { (row.mentee_name) " with " (row.mentor_name) } }
                            td { (row.programme_name) }
                            td {
                                @match row.state {
                                    Some(state) => (state.label()),
                                    None => "Exists",
                                }
                                @for flag in &row.flags { br; strong.tag.tag--due { (flag) } }
                            }
                            td { @match row.meetings_held { Some(n) => (n), None => "–" } }
                            td {
                                @match (row.next_due, &row.time_commitment) {
                                    (Some(due), _) => (due),
                                    (None, Some(time)) if row.state.is_none() => (time),
                                    _ => "–",
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `GET /relationships/{id}`.
pub async fn show(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    PathId(id): PathId<RelationshipId>,
) -> Result<Markup, PageError> {
    let view = state.app.relationship(&caller.principal, id).await?;
    Ok(relationship_page(
        &caller,
        &view,
        &Answers::new(),
        &[],
        None,
    ))
}

fn title(view: &RelationshipView) -> String {
    match view.party {
        Some(Party::Mentee) if view.is_pair() => {
            format!("Your mentoring with {}", view.mentor_name)
        }
        Some(Party::Mentor) if view.is_pair() => format!("Mentoring {}", view.mentee_name),
        _ => format!("{} with {}", view.mentee_name, view.mentor_name),
    }
}

fn relationship_page(
    caller: &Caller,
    view: &RelationshipView,
    form: &Answers,
    problems: &[Problem],
    refused: Option<&str>,
) -> Markup {
    let title = title(view);
    page(
        &if problems.is_empty() && refused.is_none() {
            title.clone()
        } else {
            format!("Error: {title}")
        },
        Some(caller),
        html! {
            (error_summary(problems))
            @if let Some(message) = refused {
                div.error-summary role="alert" tabindex="-1" {
                    h2.error-summary__title { "You cannot do that now" }
                    p { (message) }
                }
            }
            span.caption { (view.programme_name) " – " (view.track) }
            h1 { (title) }
            @if view.existence_only() {
                (line_manager_view(caller, view))
            } @else {
                (overview(view))
                (task_list(view))
                (introduction(caller, view, form, problems))
                (agreement(caller, view, form, problems))
                @if view.rules.records.action_plan { (plan(caller, view, form, problems)) }
                (meetings(caller, view, form, problems))
                (reviews(caller, view, form, problems))
                (completion(caller, view, form, problems))
                @if view.may_set_stage || view.stage.0.is_some() || view.stage.1.is_some() { (stage(caller, view, form, problems)) }
                @if view.may_leave { (leaving(caller, view, form, problems)) }
                (history(view))
            }
        },
    )
}

fn line_manager_view(caller: &Caller, view: &RelationshipView) -> Markup {
    html! {
        p { "You manage someone in this mentoring relationship. You see that it exists and the time it takes; what the pair discuss is theirs." }
        dl.summary-list {
            (summary_row("Started", Some(&view.started_on.to_string())))
            (summary_row("Time it takes", view.agreement.time_commitment.as_deref()))
        }
        @if view.agreement.may_sign {
            @if let Some(current) = view.agreement.current() {
                h2 { "Sign the time commitment" }
                p { "The programme asks you to agree the time this mentoring takes out of the working week." }
                form method="post" action={ "/relationships/" (view.id) "/agreement/sign" } {
                    (csrf_field(&caller.csrf_token))
                    input type="hidden" name="version" value=(current.number);
                    button.button type="submit" { "Sign version " (current.number) }
                }
            }
        } @else {
            p { "There is nothing for you to do here now." }
        }
        p { a href="/" { "Go to your home page" } }
    }
}

fn overview(view: &RelationshipView) -> Markup {
    let stage = [view.stage.0.as_deref(), view.stage.1.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
    html! {
        dl.summary-list {
            (summary_row("State", Some(view.state.label())))
            (summary_row("Mentee", Some(&view.mentee_name)))
            (summary_row("Mentor", Some(&view.mentor_name)))
            (summary_row("Started", Some(&view.started_on.to_string())))
            (summary_row("Agreed", view.agreed_on.map(|d| d.to_string()).as_deref()))
            (summary_row("Planned end", view.planned_end.map(|d| d.to_string()).as_deref()))
            @if view.rules.tracks_stages() { (summary_row("Stage", Some(&stage))) }
        }
        @if !view.is_pair() {
            p.hint { "You see dates, meetings and compliance. The agreement's text, the plan and meeting records are the pair's, unless the programme sends you a copy." }
        }
    }
}

fn task_list(view: &RelationshipView) -> Markup {
    html! {
        h2 { "What happens next" }
        ol.task-list {
            @for task in &view.tasks {
                li.task-list__item {
                    span.task-list__name { a href={ "#" (task.anchor) } { (task.name) } }
                    (status_tag(task.status))
                    span.task-list__next.hint { (task.next) }
                }
            }
        }
    }
}

fn introduction(
    caller: &Caller,
    view: &RelationshipView,
    form: &Answers,
    problems: &[Problem],
) -> Markup {
    let fields = Fields::new(problems);
    let rules = &view.rules;
    let arranger = rules
        .introduction
        .arranged_by
        .map_or("the mentee or the mentor", party_name);
    let no_match_reasons: Vec<NoMatchReason> = rules.no_match.reasons.clone();
    html! {
        h2 id="introduction" { "Introductory meeting" }
        p { "Arranged by " (arranger) ". At it, you get to know each other and decide whether to go ahead." }
        @if !rules.introduction.agenda.is_empty() {
            h3 { "To talk about" }
            ul.checklist { @for item in &rules.introduction.agenda { li { (item) } } }
        }
        @if let Some(intro) = &view.introduction {
            dl.summary-list {
                (summary_row("When", Some(&intro.meets_at.replace('T', " at "))))
                (summary_row("How long", Some(&format!("{} minutes", intro.minutes))))
                (summary_row("Where", Some(&intro.place)))
                (summary_row("Attending", Some(&intro.attending.iter().map(|p| party_name(*p)).collect::<Vec<_>>().join(", "))))
            }
            p { a href={ "/relationships/" (view.id) "/introduction.ics" } { "Download the invitation (.ics)" } }
        }
        @if view.may_arrange_introduction {
            form method="post" action={ "/relationships/" (view.id) "/introduction" } novalidate {
                (csrf_field(&caller.csrf_token))
                h3 { @if view.introduction.is_some() { "Change the arrangements" } @else { "Arrange it" } }
                (fields.text("date", "Date").hint("For example, 2027-01-14").value(value(form, "date")).kind("date"))
                (fields.text("time", "Start time").hint("For example, 14:30").value(value(form, "time")).kind("time"))
                (fields.text("minutes", "How long, in minutes").value(if form.contains_key("minutes") { value(form, "minutes") } else { "60" }).short().numeric())
                (fields.text("place", "Where").hint("A room and building, or how you will meet (video, telephone)").value(value(form, "place")))
                button.button type="submit" { "Save the arrangements" }
            }
        }
        @if view.state == RelState::Introduced && view.is_pair() {
            h3 { "After you have met" }
            @if view.agreement.in_force || !rules.agreement.required {
                form method="post" action={ "/relationships/" (view.id) "/step" } {
                    (csrf_field(&caller.csrf_token))
                    input type="hidden" name="step" value="agree";
                    p { "You have both decided to go ahead." }
                    button.button type="submit" { "Start the mentoring" }
                }
            } @else {
                p { "To go ahead, the agreement must be signed by " (rules.agreement.signatories.iter().map(|p| party_name(*p)).collect::<Vec<_>>().join(" and ")) ". See " a href="#agreement" { "Agreement" } "." }
            }
        }
        @if view.may_record_no_match {
            details.details {
                summary { "Record a No Match" }
                form method="post" action={ "/relationships/" (view.id) "/step" } novalidate {
                    (csrf_field(&caller.csrf_token))
                    input type="hidden" name="step" value="no_match";
                    p { "If either of you decides not to go ahead, the request goes back to matching and this mentor is not proposed again for it. Nobody is blamed." }
                    (no_match_boxes(fields, &no_match_reasons, form))
                    (fields.textarea("detail", "In your own words (only the two of you see this)").value(value(form, "detail")))
                    button.button.button--secondary type="submit" { "Record the No Match" }
                }
            }
        }
    }
}

fn no_match_boxes<'a>(fields: Fields<'a>, reasons: &'a [NoMatchReason], form: &Answers) -> Markup {
    let mut boxes = fields.checkboxes("reasons", "Why (the coordinator sees only these)");
    for reason in reasons {
        let name = format!("reason_{}", reason.as_str());
        let ticked = form.contains_key(&name);
        boxes = boxes.checkbox(name, reason.label(), ticked);
    }
    html! { (boxes) }
}

fn agreement(
    caller: &Caller,
    view: &RelationshipView,
    form: &Answers,
    problems: &[Problem],
) -> Markup {
    let fields = Fields::new(problems);
    let rules = &view.rules;
    let agreement = &view.agreement;
    let current = agreement.current();
    let clause_ids: Vec<String> = (0..rules.agreement.contents.len())
        .map(|i| format!("clauses[{i}]"))
        .collect();
    let current_text = |index: usize| -> String {
        current
            .and_then(|v| v.clauses.as_ref())
            .and_then(|c| c.get(index))
            .map(|c| c.text.clone())
            .unwrap_or_default()
    };
    let terms = current.map(|v| &v.terms);
    let prefill = |key: &str, current: Option<String>| -> String {
        form.get(key)
            .cloned()
            .unwrap_or_else(|| current.unwrap_or_default())
    };
    let length = prefill(
        "length_months",
        terms.and_then(|t| t.length).map(|m| m.get().to_string()),
    );
    let review = prefill(
        "review_date",
        terms
            .and_then(|t| t.review_dates.first())
            .map(ToString::to_string),
    );
    let every = prefill(
        "meet_every",
        terms
            .and_then(|t| t.meet_every)
            .map(|f| f.every_max.to_string()),
    );
    let min = prefill(
        "min_minutes",
        terms
            .and_then(|t| t.min_minutes)
            .map(|m| m.get().to_string()),
    );
    let max = prefill(
        "max_minutes",
        terms
            .and_then(|t| t.max_minutes)
            .map(|m| m.get().to_string()),
    );
    let allowance = prefill(
        "time_allowance_minutes",
        terms
            .and_then(|t| t.time_allowance)
            .map(|m| m.get().to_string()),
    );
    let clause_values: Vec<String> = (0..clause_ids.len())
        .map(|i| {
            form.get(&clause_ids[i])
                .cloned()
                .unwrap_or_else(|| current_text(i))
        })
        .collect();
    html! {
        h2 id="agreement" { "Agreement" }
        p {
            @match rules.agreement.drafted_by { Some(p) => { (capitalised(party_name(p))) " drafts it" }, None => "The pair draft it" }
            @if !rules.agreement.signatories.is_empty() {
                "; signed by " (rules.agreement.signatories.iter().map(|p| party_name(*p)).collect::<Vec<_>>().join(" and "))
            }
            ". Any change after someone signs makes a new version, and everyone signs again."
        }
        @match current {
            None => p { "Nothing drafted yet." },
            Some(version) => {
                h3 { "Version " (version.number) @if agreement.in_force { " – in force" } }
                dl.summary-list {
                    (summary_row("Time it takes", agreement.time_commitment.as_deref()))
                    (summary_row("Reviews", Some(&version.terms.review_dates.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "))))
                    (summary_row("Signed", Some(&version.signatures.iter().map(|(p, at)| format!("{} on {}", party_name(*p), format_time(*at))).collect::<Vec<_>>().join("; "))))
                    (summary_row("Waiting for", Some(&if agreement.awaiting.is_empty() { "Nobody: everyone has signed".to_owned() } else { agreement.awaiting.iter().map(|p| party_name(*p)).collect::<Vec<_>>().join(", ") })))
                    (summary_row("Version fingerprint", Some(version.hash.get(..16).unwrap_or(&version.hash))))
                }
                @if let Some(clauses) = &version.clauses {
                    ol.clauses {
                        @for clause in clauses {
                            li { strong { (clause.heading) } @if !clause.text.is_empty() { p { (clause.text) } } }
                        }
                    }
                }
                @if agreement.may_sign {
                    form method="post" action={ "/relationships/" (view.id) "/agreement/sign" } {
                        (csrf_field(&caller.csrf_token))
                        input type="hidden" name="version" value=(version.number);
                        button.button type="submit" { "Sign version " (version.number) }
                    }
                }
                @if agreement.versions.len() > 1 {
                    details.details {
                        summary { "Earlier versions" }
                        @for old in agreement.versions.iter().rev().skip(1) {
                            h4 { "Version " (old.number) ", " (format_time(old.at)) }
                            @if let Some(clauses) = &old.clauses {
                                ol.clauses { @for clause in clauses { li { strong { (clause.heading) } @if !clause.text.is_empty() { p { (clause.text) } } } } }
                            }
                        }
                    }
                }
            }
        }
        @if agreement.may_draft {
            details.details open[(!problems.is_empty() && form.contains_key("length_months")) || current.is_none()] {
                summary { @if current.is_some() { "Change the agreement" } @else { "Draft the agreement" } }
                form method="post" action={ "/relationships/" (view.id) "/agreement" } novalidate {
                    (csrf_field(&caller.csrf_token))
                    @for (index, heading) in rules.agreement.contents.iter().enumerate() {
                        (fields.textarea(&clause_ids[index], heading).hint("What you agree under this heading; leave empty to accept it as written").value(&clause_values[index]))
                    }
                    (fields.text("length_months", "How long, in months").value(&length).short().numeric())
                    (fields.text("review_date", "Date of the first review").hint("For example, 2027-03-31").value(&review).kind("date"))
                    (fields.text("meet_every", "Meet at least once every … months").value(&every).short().numeric())
                    (fields.text("min_minutes", "Shortest meeting, in minutes").value(&min).short().numeric())
                    (fields.text("max_minutes", "Longest meeting, in minutes").value(&max).short().numeric())
                    (fields.text("time_allowance_minutes", "Time allowed each month, in minutes").hint("Your line manager sees this").value(&allowance).short().numeric())
                    (document_boxes(fields, view, form, terms.map(|t| t.documents_to_coordinator.as_slice()).unwrap_or_default()))
                    button.button type="submit" { "Save the agreement" }
                }
            }
        }
    }
}

/// The documents the pair may send to the coordinator (AGR-3; FUN Appendix
/// A, 10: "documentation is forwarded to the programme coordinator"): the
/// ones this programme keeps.
fn shareable_documents(view: &RelationshipView) -> Vec<(&'static str, &'static str)> {
    let mut documents = vec![("agreement", "This agreement")];
    if view.rules.records.action_plan {
        documents.push(("action_plan", "The action plan"));
    }
    if view.rules.records.notes_allowed {
        documents.push(("meeting_records", "Meeting records"));
    }
    documents
}

fn document_boxes(
    fields: Fields<'_>,
    view: &RelationshipView,
    form: &Answers,
    current: &[Document],
) -> Markup {
    let sent = |key: &str| match key {
        "agreement" => current.contains(&Document::Agreement),
        "action_plan" => current.contains(&Document::ActionPlan),
        "meeting_records" => current.contains(&Document::MeetingRecords),
        _ => false,
    };
    let mut boxes = fields
        .checkboxes("documents", "Documents sent to the coordinator (optional)")
        .hint("Only what you tick here; nothing else you write is shared");
    for (key, label) in shareable_documents(view) {
        let name = format!("document_{key}");
        let ticked = if form.contains_key("length_months") {
            form.contains_key(&name)
        } else {
            sent(key)
        };
        boxes = boxes.checkbox(name, label, ticked);
    }
    html! { (boxes) }
}

fn plan(caller: &Caller, view: &RelationshipView, form: &Answers, problems: &[Problem]) -> Markup {
    let fields = Fields::new(problems);
    let plan = view.plan.as_ref();
    let get = |key: &str, current: String| form.get(key).cloned().unwrap_or(current);
    let ids: Vec<[String; 4]> = (0..3)
        .map(|i| {
            [
                format!("goals[{i}].what"),
                format!("goals[{i}].measure"),
                format!("goals[{i}].by"),
                format!("goals[{i}].strategies"),
            ]
        })
        .collect();
    let action_ids: Vec<[String; 4]> = (0..3)
        .map(|i| {
            [
                format!("actions[{i}].what"),
                format!("actions[{i}].owner"),
                format!("actions[{i}].due"),
                format!("actions[{i}].goal"),
            ]
        })
        .collect();
    let goal_values: Vec<[String; 4]> = (0..3)
        .map(|i| {
            let goal = plan.and_then(|p| p.goals.get(i));
            [
                get(&ids[i][0], goal.map(|g| g.what.clone()).unwrap_or_default()),
                get(
                    &ids[i][1],
                    goal.map(|g| g.measure.clone()).unwrap_or_default(),
                ),
                get(
                    &ids[i][2],
                    goal.map(|g| g.by.to_string()).unwrap_or_default(),
                ),
                get(
                    &ids[i][3],
                    goal.map(|g| g.strategies.clone()).unwrap_or_default(),
                ),
            ]
        })
        .collect();
    let typed: Vec<_> = plan
        .map(|p| {
            p.actions
                .iter()
                .filter(|a| a.from_meeting.is_none())
                .collect()
        })
        .unwrap_or_default();
    let action_values: Vec<[String; 4]> = (0..3)
        .map(|i| {
            let action = typed.get(i);
            [
                get(
                    &action_ids[i][0],
                    action.map(|a| a.point.what.clone()).unwrap_or_default(),
                ),
                get(
                    &action_ids[i][1],
                    action
                        .map(|a| a.point.owner.as_str().to_owned())
                        .unwrap_or_default(),
                ),
                get(
                    &action_ids[i][2],
                    action.map(|a| a.point.due.to_string()).unwrap_or_default(),
                ),
                get(
                    &action_ids[i][3],
                    action
                        .and_then(|a| a.goal)
                        .map(|g| (g + 1).to_string())
                        .unwrap_or_else(|| "1".to_owned()),
                ),
            ]
        })
        .collect();
    let milestone_ids: Vec<[String; 2]> = (0..2)
        .map(|i| {
            [
                format!("milestones[{i}].what"),
                format!("milestones[{i}].by"),
            ]
        })
        .collect();
    let milestone_values: Vec<[String; 2]> = (0..2)
        .map(|i| {
            let milestone = plan.and_then(|p| p.milestones.get(i));
            [
                get(
                    &milestone_ids[i][0],
                    milestone.map(|m| m.what.clone()).unwrap_or_default(),
                ),
                get(
                    &milestone_ids[i][1],
                    milestone.map(|m| m.by.to_string()).unwrap_or_default(),
                ),
            ]
        })
        .collect();
    let needs = get("needs", plan.map(|p| p.needs.clone()).unwrap_or_default());
    let strengths = get(
        "strengths",
        plan.map(|p| p.strengths.clone()).unwrap_or_default(),
    );
    let start = get(
        "start",
        plan.map(|p| p.start.to_string()).unwrap_or_default(),
    );
    let end = get(
        "completion",
        plan.map(|p| p.completion.to_string()).unwrap_or_default(),
    );
    let review = get(
        "review_date",
        plan.and_then(|p| p.review_dates.first())
            .map(ToString::to_string)
            .unwrap_or_default(),
    );
    html! {
        h2 id="plan" { "Action plan" }
        @if !view.is_pair() {
            p { "The pair keep an action plan. Its content is theirs." }
        } @else {
            @if let Some(plan) = plan {
                dl.summary-list {
                    (summary_row("Needs", Some(&plan.needs)))
                    (summary_row("Strengths", Some(&plan.strengths)))
                    (summary_row("From", Some(&format!("{} to {}", plan.start, plan.completion))))
                }
                @if !plan.goals.is_empty() {
                    h3 { "Goals" }
                    ol { @for goal in &plan.goals { li { strong { (goal.what) } " – measured by " (goal.measure) ", by " (goal.by) } } }
                }
                @if !plan.milestones.is_empty() {
                    h3 { "Milestones" }
                    ul { @for m in &plan.milestones { li { (m.what) ", by " (m.by) } } }
                }
                @if !plan.actions.is_empty() {
                    h3 { "Actions" }
                    ul { @for action in &plan.actions { li { (action.point.what) " – " (party_name(action.point.owner)) ", due " (action.point.due) @if action.from_meeting.is_some() { " (from a meeting)" } } } }
                }
            } @else {
                p { "No plan yet. Write down needs, strengths and SMART goals: what, how it is measured, and by when." }
            }
            @if view.may_edit_plan {
                details.details open[!problems.is_empty() && form.contains_key("needs")] {
                    summary { @if plan.is_some() { "Change the plan" } @else { "Write the plan" } }
                    form method="post" action={ "/relationships/" (view.id) "/plan" } novalidate {
                        (csrf_field(&caller.csrf_token))
                        (fields.textarea("needs", "Needs").value(&needs))
                        (fields.textarea("strengths", "Strengths").value(&strengths))
                        (fields.text("start", "Start date").hint("For example, 2027-01-14").value(&start).kind("date"))
                        (fields.text("completion", "Completion date").value(&end).kind("date"))
                        (fields.text("review_date", "Review date").value(&review).kind("date"))
                        @for i in 0..3 {
                            h3 { "Goal " (i + 1) @if i > 0 { " (optional)" } }
                            (fields.text(&ids[i][0], "What").value(&goal_values[i][0]))
                            (fields.text(&ids[i][1], "How it is measured").value(&goal_values[i][1]))
                            (fields.text(&ids[i][2], "By when").value(&goal_values[i][2]).kind("date"))
                            (fields.text(&ids[i][3], "How (strategies)").value(&goal_values[i][3]))
                        }
                        @for i in 0..3 {
                            h3 { "Action " (i + 1) " (optional)" }
                            (fields.text(&action_ids[i][0], "What").value(&action_values[i][0]))
                            (fields.select(&action_ids[i][1], "Who").options([("mentee", "The mentee"), ("mentor", "The mentor")]).selected(&action_values[i][1]))
                            (fields.text(&action_ids[i][2], "Due").value(&action_values[i][2]).kind("date"))
                            (fields.select(&action_ids[i][3], "For goal").options([("1", "Goal 1"), ("2", "Goal 2"), ("3", "Goal 3")]).selected(&action_values[i][3]))
                        }
                        @for i in 0..2 {
                            h3 { "Milestone " (i + 1) " (optional)" }
                            (fields.text(&milestone_ids[i][0], "What marks progress").value(&milestone_values[i][0]))
                            (fields.text(&milestone_ids[i][1], "By when").value(&milestone_values[i][1]).kind("date"))
                        }
                        button.button type="submit" { "Save the plan" }
                    }
                }
            }
        }
    }
}

fn meetings(
    caller: &Caller,
    view: &RelationshipView,
    form: &Answers,
    problems: &[Problem],
) -> Markup {
    let fields = Fields::new(problems);
    let rules = &view.rules;
    let kinds: Vec<(&str, &str)> = [
        MeetingKind::FaceToFace,
        MeetingKind::Telephone,
        MeetingKind::Video,
        MeetingKind::Email,
    ]
    .into_iter()
    .filter(|k| rules.allows_meeting_kind(*k))
    .map(|k| (k.as_str(), k.label()))
    .collect();
    html! {
        h2 id="meetings" { "Meetings" }
        @if rules.records.notes_allowed {
            p { "After each meeting " (party_name(rules.records.written_by)) " writes a short record, and " (rules.records.agreed_by.iter().map(|p| party_name(*p)).collect::<Vec<_>>().join(" and ")) " agree it." }
        } @else {
            p { "This programme records only the date, length and kind of each meeting. What you talk about is not written down here." }
        }
        @if let Some(plan) = view.plan.as_ref().filter(|_| view.is_pair()) {
            @let open = plan.to_review();
            @if !open.is_empty() && view.state.is_active() {
                h3 { "To review at your next meeting" }
                ul { @for action in open { li { (action.point.what) " – " (party_name(action.point.owner)) ", due " (action.point.due) } } }
            }
        }
        @if let Some(compliance) = &view.compliance {
            @if let Some(due) = compliance.next_due { p { "Next meeting due by " strong { (due) } "." } }
            @if !compliance.is_clear() {
                ul { @for flag in &compliance.flags { li { strong.tag.tag--due { (compliance_flag(flag)) } } } }
            }
        }
        @if view.meetings.is_empty() {
            p { "No meetings recorded yet." }
        } @else {
            div.table-wrap {
                table #meetings-table {
                    thead { tr { th { "Date" } th { "Length" } th { "Kind" } th { "Record" } } }
                    tbody {
                        @for meeting in &view.meetings {
                            tr {
                                td { (meeting.date) }
                                td { (meeting.minutes) " minutes" }
                                td { (meeting.kind.map_or("", |k| k.label())) }
                                td {
                                    @if let Some(record) = &meeting.record {
                                        p { (record.text) }
                                        @if !record.action_points.is_empty() {
                                            ul { @for point in &record.action_points { li { (point.what) " – " (party_name(point.owner)) ", by " (point.due) } } }
                                        }
                                    } @else if meeting.has_record {
                                        span.hint { "A record the pair keep" }
                                    } @else {
                                        span.hint { "No record" }
                                    }
                                    @if !meeting.awaiting.is_empty() {
                                        p.hint { "Waiting for " (meeting.awaiting.iter().map(|p| party_name(*p)).collect::<Vec<_>>().join(" and ")) " to agree it." }
                                    }
                                    @if view.party.is_some_and(|p| meeting.awaiting.contains(&p)) && view.is_pair() {
                                        form method="post" action={ "/relationships/" (view.id) "/meetings/" (meeting.id) "/agree" } {
                                            (csrf_field(&caller.csrf_token))
                                            button.button.button--secondary type="submit" { "Agree this record" span.visually-hidden { " of " (meeting.date) } }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if view.may_record_meeting {
            details.details open[!problems.is_empty() && value(form, "form") == "meeting"] {
                summary { "Record a meeting" }
                form method="post" action={ "/relationships/" (view.id) "/meetings" } novalidate {
                    (csrf_field(&caller.csrf_token))
                    input type="hidden" name="form" value="meeting";
                    (fields.text("date", "Date it took place").hint("For example, 2027-01-14").value(value(form, "date")).kind("date"))
                    (fields.text("minutes", "How long, in minutes").value(value(form, "minutes")).short().numeric())
                    (fields.radios("kind", "How you met").options(&kinds).chosen(value(form, "kind")))
                    @if rules.records.notes_allowed && view.party == Some(rules.records.written_by) {
                        (fields.textarea("notes", "A short record").hint("What you discussed and agreed; the other party agrees it").value(value(form, "notes")).rows(5))
                        (fields.text("action_points[0].what", "Action point (optional)").value(value(form, "action_points[0].what")))
                        (fields.select("action_points[0].owner", "Whose action").options([("mentee", "The mentee"), ("mentor", "The mentor")]).selected(value(form, "action_points[0].owner")))
                        (fields.text("action_points[0].due", "Due").value(value(form, "action_points[0].due")).kind("date"))
                    }
                    button.button type="submit" { "Record the meeting" }
                }
            }
        }
        @if !view.cancellations.is_empty() {
            h3 { "Meetings called off" }
            ul {
                @for c in &view.cancellations {
                    li {
                        (format_time(c.meeting_at)) ", called off " (format_time(c.cancelled_at)) " by " (party_name(c.by))
                        @if let Some(new) = c.new_date { "; new date " (new) }
                        " " (cancellation_tag(c.status))
                    }
                }
            }
        }
        @if view.may_record_meeting && view.is_pair() {
            details.details open[!problems.is_empty() && value(form, "form") == "cancellation"] {
                summary { "Record a meeting called off" }
                form method="post" action={ "/relationships/" (view.id) "/cancellations" } novalidate {
                    (csrf_field(&caller.csrf_token))
                    input type="hidden" name="form" value="cancellation";
                    @if let Some(hours) = rules.meetings.cancellation_notice_hours {
                        p { "The programme asks for at least " (hours.get()) " hours' notice, and a new date." }
                    }
                    (fields.text("date", "The date it was to be").value(if value(form, "form") == "cancellation" { value(form, "date") } else { "" }).kind("date"))
                    (fields.text("time", "The time it was to start").hint("For example, 14:30").value(if value(form, "form") == "cancellation" { value(form, "time") } else { "" }).kind("time"))
                    (fields.text("new_date", "The new date (optional)").value(value(form, "new_date")).kind("date"))
                    button.button.button--secondary type="submit" { "Record it" }
                }
            }
        }
    }
}

fn cancellation_tag(status: tandem_domain::relationship::meetings::CancellationStatus) -> Markup {
    use tandem_domain::relationship::meetings::CancellationStatus;
    html! {
        @match status {
            CancellationStatus::Fine => strong.tag.tag--done { "In time" },
            CancellationStatus::NeedsNewDate => strong.tag.tag--due { "New date needed" },
            CancellationStatus::Late => strong.tag.tag--due { "Late: less notice than asked, and no new date" },
        }
    }
}

fn compliance_flag(flag: &tandem_domain::relationship::meetings::Flag) -> String {
    use tandem_domain::relationship::meetings::{Flag, Source};
    let against = |source: &Source| match source {
        Source::Agreement => "the agreement",
        Source::Guideline => "the programme's guideline",
    };
    match flag {
        Flag::Overdue { source, due, .. } => {
            format!("Overdue: a meeting was due by {due} ({})", against(source))
        }
        Flag::Length {
            source,
            date,
            problem,
        } => format!("{date}: {problem} ({})", against(source)),
    }
}

fn reviews(
    caller: &Caller,
    view: &RelationshipView,
    form: &Answers,
    problems: &[Problem],
) -> Markup {
    let fields = Fields::new(problems);
    let mut outcomes = vec![("continue", "Continue: it still meets the need")];
    if view.rules.agreement.amendable {
        outcomes.push(("amend", "Continue under an amended agreement"));
    }
    if view.rules.track.extension.allowed {
        outcomes.push(("extend", "Extend it"));
    }
    outcomes.push(("end", "End it here"));
    html! {
        h2 id="reviews" { "Reviews" }
        @match view.next_review {
            Some(due) => p { "Next review between " (due.earliest) " and " strong { (due.latest) } "." },
            None => @if view.state == RelState::Agreed { p { "Review when you agree it is time." } },
        }
        @if view.may_review && view.state == RelState::Agreed {
            form method="post" action={ "/relationships/" (view.id) "/step" } {
                (csrf_field(&caller.csrf_token))
                input type="hidden" name="step" value="start_review";
                p { "A review asks whether the support still meets the need. The closing review is where the relationship is completed." }
                button.button.button--secondary type="submit" { "Start a review" }
            }
        }
        @if view.may_review && view.state == RelState::UnderReview {
            form method="post" action={ "/relationships/" (view.id) "/step" } novalidate {
                (csrf_field(&caller.csrf_token))
                input type="hidden" name="step" value="review";
                (fields.radios("outcome", "What did you decide?").options(&outcomes).chosen(value(form, "outcome")))
                @if view.rules.track.extension.allowed {
                    (fields.text("months", "If you extend it: by how many months").value(value(form, "months")).short().numeric())
                    (fields.textarea("reason", "If you extend it: why").value(value(form, "reason")))
                }
                button.button type="submit" { "Record the outcome" }
            }
            p { "If this is the closing review, record what completion needs below instead." }
        }
    }
}

fn completion(
    caller: &Caller,
    view: &RelationshipView,
    form: &Answers,
    problems: &[Problem],
) -> Markup {
    let fields = Fields::new(problems);
    let completion = &view.completion;
    let question_ids: Vec<String> = (1..=completion.after_questions.len())
        .map(|i| format!("q{i}"))
        .collect();
    let scale: Vec<(String, String)> = completion
        .after_scale
        .iter()
        .enumerate()
        .map(|(i, l)| ((i + 1).to_string(), l.clone()))
        .collect();
    let scale_refs: Vec<(&str, &str)> = scale
        .iter()
        .map(|(v, l)| (v.as_str(), l.as_str()))
        .collect();
    html! {
        h2 id="completion" { "Completion" }
        @if completion.items.is_empty() && completion.after_questionnaire.is_none() {
            p { "At the closing review, either of you records that the mentoring is complete." }
        } @else {
            ul {
                @for item in &completion.items {
                    li {
                        (item.label) " – " @if item.done { strong { "done" } } @else { "to do by " (party_name(item.party)) }
                        @if let Some(answer) = &item.answer { p { (answer) } }
                    }
                }
                @if completion.after_questionnaire.is_some() {
                    li { "The self-assessment again, by the mentee – " @if completion.after_answered { strong { "done" } } @else { "to do" } }
                }
            }
        }
        @if view.state == RelState::UnderReview {
            @for item in completion.items.iter().filter(|i| i.caller_does_it) {
                form method="post" action={ "/relationships/" (view.id) "/completion" } novalidate {
                    (csrf_field(&caller.csrf_token))
                    input type="hidden" name="item" value=(item.item);
                    @if item.takes_answer {
                        (fields.textarea("answer", &item.label).value(value(form, "answer")).rows(5))
                        button.button type="submit" { "Save my answer" }
                    } @else {
                        button.button type="submit" { "Confirm: " (item.label) }
                    }
                }
            }
            @if completion.caller_answers_after {
                form method="post" action={ "/relationships/" (view.id) "/completion" } novalidate {
                    (csrf_field(&caller.csrf_token))
                    input type="hidden" name="item" value="after_self_assessment";
                    h3 { "Your self-assessment, again" }
                    p { "The same questions as before you were matched, so you can see what changed." }
                    @for (index, question) in completion.after_questions.iter().enumerate() {
                        (fields.radios(&question_ids[index], question).options(&scale_refs).chosen(value(form, &question_ids[index])))
                    }
                    button.button type="submit" { "Save my answers" }
                }
            }
            @if view.is_pair() && completion.missing.is_empty() {
                form method="post" action={ "/relationships/" (view.id) "/step" } {
                    (csrf_field(&caller.csrf_token))
                    input type="hidden" name="step" value="complete";
                    button.button type="submit" { "Complete the relationship" }
                }
            } @else if !completion.missing.is_empty() {
                p { "Completion still needs: " (completion.missing.join("; ")) "." }
            }
        }
        @if !completion.comparison.is_empty() {
            h3 { "How your answers changed" }
            div.table-wrap {
                table {
                    thead { tr { th { "Question" } th { "Before" } th { "After" } } }
                    tbody { @for change in &completion.comparison { tr { td { (change.question) } td { (change.before_label) } td { (change.after_label) } } } }
                }
            }
        }
    }
}

fn stage(caller: &Caller, view: &RelationshipView, form: &Answers, problems: &[Problem]) -> Markup {
    let fields = Fields::new(problems);
    let process: Vec<(&str, &str)> = view
        .rules
        .stages
        .process
        .iter()
        .map(|s| (s.as_str(), s.as_str()))
        .collect();
    let cycle: Vec<(&str, &str)> = view
        .rules
        .stages
        .cycle
        .iter()
        .map(|s| (s.as_str(), s.as_str()))
        .collect();
    html! {
        h2 id="stage" { "Stage" }
        @if view.may_set_stage {
            form method="post" action={ "/relationships/" (view.id) "/stage" } novalidate {
                (csrf_field(&caller.csrf_token))
                @if !process.is_empty() {
                    (fields.select("process", "Where you are in the process").options(process.iter().copied()).selected(form.get("process").map_or(view.stage.0.as_deref().unwrap_or(""), String::as_str)))
                }
                @if !cycle.is_empty() {
                    (fields.select("cycle", "Where the relationship is").options(cycle.iter().copied()).selected(form.get("cycle").map_or(view.stage.1.as_deref().unwrap_or(""), String::as_str)))
                }
                button.button.button--secondary type="submit" { "Save the stage" }
            }
        }
    }
}

fn leaving(
    caller: &Caller,
    view: &RelationshipView,
    form: &Answers,
    problems: &[Problem],
) -> Markup {
    let fields = Fields::new(problems);
    let mut choices = Vec::new();
    if view.state == RelState::Introduced {
        choices.push((
            "withdraw",
            "Withdraw: I do not want to go ahead with mentoring now",
        ));
    } else {
        choices.push(("end_early", "End the relationship"));
    }
    choices.push((
        "request_new_mentor",
        "Ask for another mentor (the request goes back to matching)",
    ));
    let categories: Vec<(&str, &str)> = LeaveCategory::ALL
        .iter()
        .map(|c| (c.as_str(), c.label()))
        .collect();
    html! {
        h2 id="leaving" { "Ending or changing" }
        details.details open[!problems.is_empty() && value(form, "step") == "leave"] {
            summary { "End the relationship or ask for another mentor" }
            form method="post" action={ "/relationships/" (view.id) "/step" } novalidate {
                (csrf_field(&caller.csrf_token))
                input type="hidden" name="step" value="leave";
                p { "Either of you can do this at any time, without recrimination. The coordinator sees only the kind of reason." }
                (fields.radios("choice", "What do you want to do?").options(&choices).chosen(value(form, "choice")))
                (fields.radios("category", "What kind of reason?").options(&categories).chosen(value(form, "category")))
                (fields.textarea("reason", "In your own words (optional; only the two of you see this)").value(value(form, "reason")))
                button.button.button--warning type="submit" { "Confirm" }
            }
        }
    }
}

fn history(view: &RelationshipView) -> Markup {
    html! {
        h2 id="history" { "History" }
        @if view.history.is_empty() {
            p { "The mentor accepted on " (view.started_on) ". Nothing else has happened yet." }
        } @else {
            ul {
                li { (view.started_on) ": the mentor accepted" }
                @for entry in &view.history {
                    li {
                        (format_time(entry.at)) ": " (entry.summary) " (" (party_name(entry.party)) ")"
                        @if let Some(words) = &entry.words { br; q { (words) } }
                    }
                }
            }
        }
    }
}

/// What a failed write shows: the page again with the problem.
async fn answer(
    state: &AppState,
    caller: &Caller,
    id: RelationshipId,
    form: &Answers,
    outcome: Result<(), AppError>,
    anchor: &str,
) -> Result<Response, PageError> {
    match outcome {
        Ok(()) => Ok(Redirect::to(&format!("/relationships/{id}#{anchor}")).into_response()),
        Err(error) => {
            let refusal = error.refusal().map(str::to_owned);
            let problems = match (&refusal, error) {
                (Some(_), _) => Vec::new(),
                (None, AppError::Invalid(errors)) => problems(errors),
                (None, other) => return Err(other.into()),
            };
            let view = state.app.relationship(&caller.principal, id).await?;
            let status = if refusal.is_some() {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            Ok((
                status,
                relationship_page(caller, &view, form, &problems, refusal.as_deref()),
            )
                .into_response())
        }
    }
}

/// `POST /relationships/{id}/step`: a step of the state machine.
pub async fn step(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    PathId(id): PathId<RelationshipId>,
    Form(form): Form<Answers>,
) -> Result<Response, PageError> {
    let outcome = match step_request(&form) {
        Ok(step) => state
            .app
            .relationship_step(&caller.principal, id, step)
            .await
            .map(|_| ()),
        Err(error) => Err(error),
    };
    answer(&state, &caller, id, &form, outcome, "history").await
}

/// Reads the step form into what the app takes, naming the field at fault.
pub(crate) fn step_request(form: &Answers) -> Result<StepRequest, AppError> {
    let words = |key: &str| Some(value(form, key).trim().to_owned()).filter(|w| !w.is_empty());
    let category = || {
        LeaveCategory::parse(value(form, "category"))
            .ok_or_else(|| AppError::invalid("category", "Choose the kind of reason"))
    };
    Ok(match value(form, "step") {
        "agree" => StepRequest::Agree,
        "complete" => StepRequest::Complete,
        "start_review" => StepRequest::Event(Event::StartReview),
        "no_match" => StepRequest::Event(Event::NoMatch {
            reasons: NoMatchReason::ALL
                .into_iter()
                .filter(|r| form.contains_key(&format!("reason_{}", r.as_str())))
                .collect(),
            detail: value(form, "detail").trim().to_owned(),
        }),
        "review" => StepRequest::Event(Event::Review(match value(form, "outcome") {
            "continue" => ReviewOutcome::Continue,
            "amend" => ReviewOutcome::Amend,
            "end" => ReviewOutcome::End,
            "extend" => ReviewOutcome::Extend {
                months: value(form, "months")
                    .trim()
                    .parse::<i64>()
                    .ok()
                    .and_then(|m| Months::parse(m).ok())
                    .ok_or_else(|| AppError::invalid("months", "Enter a whole number of months"))?,
                reason: value(form, "reason").trim().to_owned(),
            },
            _ => return Err(AppError::invalid("outcome", "Choose what you decided")),
        })),
        "leave" => match value(form, "choice") {
            "withdraw" => StepRequest::Event(Event::Withdraw {
                category: category()?,
                reason: words("reason"),
            }),
            "end_early" => StepRequest::Event(Event::EndEarly {
                category: category()?,
                reason: words("reason"),
            }),
            "request_new_mentor" => StepRequest::Event(Event::RequestNewMentor {
                category: category()?,
                reason: words("reason"),
            }),
            _ => return Err(AppError::invalid("choice", "Choose what you want to do")),
        },
        _ => return Err(AppError::invalid("step", "Choose what to do")),
    })
}

/// `POST /relationships/{id}/introduction`.
pub async fn arrange(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    PathId(id): PathId<RelationshipId>,
    Form(form): Form<Answers>,
) -> Result<Response, PageError> {
    let input = IntroductionInput {
        date: value(&form, "date").to_owned(),
        time: value(&form, "time").to_owned(),
        minutes: value(&form, "minutes").to_owned(),
        place: value(&form, "place").to_owned(),
    };
    let outcome = state
        .app
        .arrange_introduction(&caller.principal, id, &input)
        .await;
    answer(&state, &caller, id, &form, outcome, "introduction").await
}

/// `GET /relationships/{id}/introduction.ics`: the invitation.
pub async fn invitation(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    PathId(id): PathId<RelationshipId>,
) -> Result<Response, PageError> {
    let view = state.app.relationship(&caller.principal, id).await?;
    let intro = view.introduction.as_ref().ok_or(PageError::NotFound)?;
    let calendar = crate::calendar::introduction(&view, intro).ok_or(PageError::NotFound)?;
    let mut response = calendar.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/calendar; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"introductory-meeting.ics\""),
    );
    Ok(response)
}

/// Reads the agreement form.
pub(crate) fn agreement_input(form: &Answers, clauses: usize) -> AgreementInput {
    AgreementInput {
        clauses: (0..clauses)
            .map(|i| value(form, &format!("clauses[{i}]")).to_owned())
            .collect(),
        length_months: value(form, "length_months").to_owned(),
        review_dates: Some(value(form, "review_date").to_owned())
            .filter(|d| !d.trim().is_empty())
            .into_iter()
            .collect(),
        meet_every: value(form, "meet_every").to_owned(),
        meet_every_unit: if value(form, "meet_every").trim().is_empty() {
            String::new()
        } else {
            "months".to_owned()
        },
        min_minutes: value(form, "min_minutes").to_owned(),
        max_minutes: value(form, "max_minutes").to_owned(),
        contacts_per_week: value(form, "contacts_per_week").to_owned(),
        time_allowance_minutes: value(form, "time_allowance_minutes").to_owned(),
        documents_to_coordinator: ["agreement", "action_plan", "meeting_records"]
            .into_iter()
            .filter(|key| form.contains_key(&format!("document_{key}")))
            .map(str::to_owned)
            .collect(),
    }
}

/// `POST /relationships/{id}/agreement`.
pub async fn save_agreement(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    PathId(id): PathId<RelationshipId>,
    Form(form): Form<Answers>,
) -> Result<Response, PageError> {
    let view = state.app.relationship(&caller.principal, id).await?;
    let input = agreement_input(&form, view.rules.agreement.contents.len());
    let outcome = state
        .app
        .save_agreement(&caller.principal, id, &input)
        .await;
    answer(&state, &caller, id, &form, outcome, "agreement").await
}

/// `POST /relationships/{id}/agreement/sign`.
pub async fn sign(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    PathId(id): PathId<RelationshipId>,
    Form(form): Form<Answers>,
) -> Result<Response, PageError> {
    let outcome = match value(&form, "version").parse::<u32>() {
        Ok(version) => {
            state
                .app
                .sign_agreement(&caller.principal, id, version)
                .await
        }
        Err(_) => Err(AppError::invalid(
            "version",
            "Read the agreement, then sign the version shown",
        )),
    };
    answer(&state, &caller, id, &form, outcome, "agreement").await
}

/// Reads the meeting form.
pub(crate) fn meeting_input(form: &Answers) -> MeetingInput {
    let point_what = value(form, "action_points[0].what").trim();
    MeetingInput {
        date: value(form, "date").to_owned(),
        minutes: value(form, "minutes").to_owned(),
        kind: value(form, "kind").to_owned(),
        notes: form.get("notes").cloned(),
        action_points: if point_what.is_empty() {
            Vec::new()
        } else {
            vec![ActionPointInput {
                what: point_what.to_owned(),
                owner: value(form, "action_points[0].owner").to_owned(),
                due: value(form, "action_points[0].due").to_owned(),
            }]
        },
    }
}

/// `POST /relationships/{id}/meetings`.
pub async fn record_meeting(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    PathId(id): PathId<RelationshipId>,
    Form(form): Form<Answers>,
) -> Result<Response, PageError> {
    let outcome = state
        .app
        .record_meeting(&caller.principal, id, &meeting_input(&form))
        .await
        .map(|_| ());
    answer(&state, &caller, id, &form, outcome, "meetings").await
}

/// `POST /relationships/{id}/cancellations`.
pub async fn record_cancellation(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    PathId(id): PathId<RelationshipId>,
    Form(form): Form<Answers>,
) -> Result<Response, PageError> {
    let input = CancellationInput {
        date: value(&form, "date").to_owned(),
        time: value(&form, "time").to_owned(),
        new_date: value(&form, "new_date").to_owned(),
    };
    let outcome = state
        .app
        .record_cancellation(&caller.principal, id, &input)
        .await;
    answer(&state, &caller, id, &form, outcome, "meetings").await
}

/// `POST /relationships/{id}/meetings/{meeting}/agree`.
pub async fn agree_record(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    PathIds(id, meeting): PathIds<RelationshipId, MeetingId>,
    Form(form): Form<Answers>,
) -> Result<Response, PageError> {
    let outcome = state
        .app
        .change_meeting_record(&caller.principal, id, meeting, &MeetingRecordChange::Agree)
        .await;
    answer(&state, &caller, id, &form, outcome, "meetings").await
}

/// `POST /relationships/{id}/plan`.
pub async fn save_plan(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    PathId(id): PathId<RelationshipId>,
    Form(form): Form<Answers>,
) -> Result<Response, PageError> {
    let filled = |key: String| !value(&form, &key).trim().is_empty();
    let input = ActionPlanInput {
        needs: value(&form, "needs").to_owned(),
        strengths: value(&form, "strengths").to_owned(),
        goals: (0..3)
            .filter(|i| i == &0 || filled(format!("goals[{i}].what")))
            .map(|i| GoalInput {
                what: value(&form, &format!("goals[{i}].what")).to_owned(),
                measure: value(&form, &format!("goals[{i}].measure")).to_owned(),
                by: value(&form, &format!("goals[{i}].by")).to_owned(),
                strategies: value(&form, &format!("goals[{i}].strategies")).to_owned(),
            })
            .collect(),
        actions: (0..3)
            .filter(|i| filled(format!("actions[{i}].what")))
            .map(|i| ActionInput {
                point: ActionPointInput {
                    what: value(&form, &format!("actions[{i}].what")).to_owned(),
                    owner: value(&form, &format!("actions[{i}].owner")).to_owned(),
                    due: value(&form, &format!("actions[{i}].due")).to_owned(),
                },
                goal: value(&form, &format!("actions[{i}].goal")).to_owned(),
            })
            .collect(),
        milestones: (0..2)
            .filter(|i| filled(format!("milestones[{i}].what")))
            .map(|i| MilestoneInput {
                what: value(&form, &format!("milestones[{i}].what")).to_owned(),
                by: value(&form, &format!("milestones[{i}].by")).to_owned(),
            })
            .collect(),
        review_dates: Some(value(&form, "review_date").to_owned())
            .filter(|d| !d.trim().is_empty())
            .into_iter()
            .collect(),
        start: value(&form, "start").to_owned(),
        completion: value(&form, "completion").to_owned(),
    };
    let outcome = state.app.save_plan(&caller.principal, id, &input).await;
    answer(&state, &caller, id, &form, outcome, "plan").await
}

/// `POST /relationships/{id}/stage`.
pub async fn set_stage(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    PathId(id): PathId<RelationshipId>,
    Form(form): Form<Answers>,
) -> Result<Response, PageError> {
    let input = StageInput {
        process: value(&form, "process").to_owned(),
        cycle: value(&form, "cycle").to_owned(),
    };
    let outcome = state.app.set_stage(&caller.principal, id, &input).await;
    answer(&state, &caller, id, &form, outcome, "stage").await
}

/// `POST /relationships/{id}/completion`.
pub async fn record_completion(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    PathId(id): PathId<RelationshipId>,
    Form(form): Form<Answers>,
) -> Result<Response, PageError> {
    let item = value(&form, "item").to_owned();
    let step = if item == "after_self_assessment" {
        let mut answers = Vec::new();
        let mut index = 1;
        while let Some(answer) = form.get(&format!("q{index}")) {
            answers.push(answer.clone());
            index += 1;
            if index > 200 {
                break;
            }
        }
        let view = state.app.relationship(&caller.principal, id).await?;
        answers.resize(view.completion.after_questions.len(), String::new());
        CompletionStep::AfterSelfAssessment { answers }
    } else if form.contains_key("answer") {
        CompletionStep::Answer {
            item,
            text: value(&form, "answer").to_owned(),
        }
    } else {
        CompletionStep::Confirm { item }
    };
    let outcome = state
        .app
        .record_completion(&caller.principal, id, &step)
        .await;
    answer(&state, &caller, id, &form, outcome, "completion").await
}
