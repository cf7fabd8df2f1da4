//! The pair's relationship page (issue 10 item 12): the task list and one
//! section per task — introduction, agreement, plan, meetings, reviews,
//! completion, stage, leaving — each with its forms; an overseer's view
//! (metadata and compliance) and a line manager's (that it exists, and its
//! time). What is shown is decided by the app, from
//! `tandem_domain::permissions`; this module only renders it.

use maud::{Markup, html};
use tandem_app::relationships::{LATEST_MEETINGS, RelationshipView};
use tandem_domain::programme::{MeetingKind, Party};
use tandem_domain::relationship::leaving::{LeaveCategory, NoMatchReason};
use tandem_domain::relationship::{Document, State as RelState, party_name};

use super::{Answers, capitalised, status_tag, value};
use crate::caller::Caller;
use crate::forms::{Fields, Problem, csrf_field, error_summary};
use crate::layout::{format_time, page, summary_row};

fn title(view: &RelationshipView) -> String {
    match view.party {
        Some(Party::Mentee) if view.is_pair() => {
            format!("Your mentoring with {}", view.mentor_name)
        }
        Some(Party::Mentor) if view.is_pair() => format!("Mentoring {}", view.mentee_name),
        _ => format!("{} with {}", view.mentee_name, view.mentor_name),
    }
}

/// The form that was sent, when the page is shown again with its problems:
/// only that form (known by the prefix of its inputs' ids) shows them and
/// the answers given; every other form on the page starts afresh.
pub(super) struct Sent<'a> {
    pub(super) prefix: &'a str,
    pub(super) form: &'a Answers,
    pub(super) problems: &'a [Problem],
    pub(super) empty: &'a Answers,
}

impl<'a> Sent<'a> {
    /// The answers and problems of the form whose ids start with `prefix`.
    fn of(&self, prefix: &str) -> (&'a Answers, &'a [Problem]) {
        if self.prefix == prefix {
            (self.form, self.problems)
        } else {
            (self.empty, &[])
        }
    }
}

/// The id prefix of the form that records one completion item.
pub(super) fn completion_prefix(item: &str) -> String {
    if item == "after_self_assessment" {
        "after".to_owned()
    } else {
        let safe: String = item
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        format!("completion-{safe}")
    }
}

/// The id prefix of the form that sent a step.
pub(super) fn step_prefix(form: &Answers) -> &'static str {
    match value(form, "step") {
        "no_match" => "nomatch",
        "leave" => "leave",
        "review" => "review",
        _ => "step",
    }
}

pub(super) fn relationship_page(
    caller: &Caller,
    view: &RelationshipView,
    sent: &Sent<'_>,
    refused: Option<&str>,
) -> Markup {
    let problems = sent.problems;
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
                (introduction(caller, view, sent))
                (agreement(caller, view, sent))
                @if view.rules.records.action_plan { (plan(caller, view, sent)) }
                (meetings(caller, view, sent))
                (reviews(caller, view, sent))
                (completion(caller, view, sent))
                @if view.may_set_stage || view.stage.0.is_some() || view.stage.1.is_some() { (stage(caller, view, sent)) }
                @if view.may_leave { (leaving(caller, view, sent)) }
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

fn introduction(caller: &Caller, view: &RelationshipView, sent: &Sent<'_>) -> Markup {
    let (form, problems) = sent.of("intro");
    let fields = Fields::in_form(problems, "intro");
    let (no_match_form, no_match_problems) = sent.of("nomatch");
    let no_match_fields = Fields::in_form(no_match_problems, "nomatch");
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
            details.details open[!no_match_problems.is_empty()] {
                summary { "Record a No Match" }
                form method="post" action={ "/relationships/" (view.id) "/step" } novalidate {
                    (csrf_field(&caller.csrf_token))
                    input type="hidden" name="step" value="no_match";
                    p { "If either of you decides not to go ahead, the request goes back to matching and this mentor is not proposed again for it. Nobody is blamed." }
                    (no_match_boxes(no_match_fields, &no_match_reasons, no_match_form))
                    (no_match_fields.textarea("detail", "In your own words (only the two of you see this)").value(value(no_match_form, "detail")))
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

fn agreement(caller: &Caller, view: &RelationshipView, sent: &Sent<'_>) -> Markup {
    let (form, problems) = sent.of("agreement");
    let fields = Fields::in_form(problems, "agreement");
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
            details.details open[!problems.is_empty() || current.is_none()] {
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

fn plan(caller: &Caller, view: &RelationshipView, sent: &Sent<'_>) -> Markup {
    let (form, problems) = sent.of("plan");
    let fields = Fields::in_form(problems, "plan");
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
                details.details open[!problems.is_empty()] {
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

fn meetings(caller: &Caller, view: &RelationshipView, sent: &Sent<'_>) -> Markup {
    let (form, problems) = sent.of("meeting");
    let fields = Fields::in_form(problems, "meeting");
    let (cancel_form, cancel_problems) = sent.of("cancel");
    let cancel_fields = Fields::in_form(cancel_problems, "cancel");
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
                table.table--stack #meetings-table {
                    thead { tr { th scope="col" { "Date" } th scope="col" { "Length" } th scope="col" { "Kind" } th scope="col" { "Record" } } }
                    tbody {
                        @for meeting in &view.meetings {
                            tr {
                                td data-label="Date" { (meeting.date) }
                                td data-label="Length" { (meeting.minutes) " minutes" }
                                td data-label="Kind" { (meeting.kind.map_or("", |k| k.label())) }
                                td data-label="Record" {
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
            @if view.meetings_total > view.meetings.len() {
                p { "Showing the latest " (view.meetings.len()) " of " (view.meetings_total) " meetings. "
                    a href={ "/relationships/" (view.id) "?meetings=all#meetings" } { "Show all " (view.meetings_total) " meetings" } }
            } @else if view.meetings_total > LATEST_MEETINGS as usize {
                p { a href={ "/relationships/" (view.id) "#meetings" } { "Show only the latest " (LATEST_MEETINGS) " meetings" } }
            }
        }
        @if view.may_record_meeting {
            details.details open[!problems.is_empty()] {
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
            details.details open[!cancel_problems.is_empty()] {
                summary { "Record a meeting called off" }
                form method="post" action={ "/relationships/" (view.id) "/cancellations" } novalidate {
                    (csrf_field(&caller.csrf_token))
                    input type="hidden" name="form" value="cancellation";
                    @if let Some(hours) = rules.meetings.cancellation_notice_hours {
                        p { "The programme asks for at least " (hours.get()) " hours' notice, and a new date." }
                    }
                    (cancel_fields.text("date", "The date it was to be").value(value(cancel_form, "date")).kind("date"))
                    (cancel_fields.text("time", "The time it was to start").hint("For example, 14:30").value(value(cancel_form, "time")).kind("time"))
                    (cancel_fields.text("new_date", "The new date (optional)").value(value(cancel_form, "new_date")).kind("date"))
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

fn reviews(caller: &Caller, view: &RelationshipView, sent: &Sent<'_>) -> Markup {
    let (form, problems) = sent.of("review");
    let fields = Fields::in_form(problems, "review");
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

fn completion(caller: &Caller, view: &RelationshipView, sent: &Sent<'_>) -> Markup {
    let (after_form, after_problems) = sent.of("after");
    let after_fields = Fields::in_form(after_problems, "after");
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
                @let prefix = completion_prefix(&item.item);
                @let (form, problems) = sent.of(&prefix);
                @let fields = Fields::in_form(problems, &prefix);
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
                        (after_fields.radios(&question_ids[index], question).options(&scale_refs).chosen(value(after_form, &question_ids[index])))
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
                table.table--stack {
                    thead { tr { th scope="col" { "Question" } th scope="col" { "Before" } th scope="col" { "After" } } }
                    tbody { @for change in &completion.comparison { tr { td data-label="Question" { (change.question) } td data-label="Before" { (change.before_label) } td data-label="After" { (change.after_label) } } } }
                }
            }
        }
    }
}

fn stage(caller: &Caller, view: &RelationshipView, sent: &Sent<'_>) -> Markup {
    let (form, problems) = sent.of("stage");
    let fields = Fields::in_form(problems, "stage");
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

fn leaving(caller: &Caller, view: &RelationshipView, sent: &Sent<'_>) -> Markup {
    let (form, problems) = sent.of("leave");
    let fields = Fields::in_form(problems, "leave");
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
        details.details open[!problems.is_empty()] {
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
