//! The action plan (PLN-1, FUN Appendix B): the mentee's needs and
//! strengths, SMART goals, actions with an owner and a due date,
//! milestones, review dates, and start and completion dates. Action points
//! agreed at a meeting roll into the plan and come up for review at the
//! next meeting (PLN-2, FUN Appendix C).

use serde::{Deserialize, Serialize};
use time::Date;

use super::state::Refused;
use super::{FieldError, MeetingId, date_field, text_field};
use crate::programme::Party;

/// An action point as typed: what, by whom, by when (FUN Appendix C
/// "Action points agreed for next meeting … By whom: By when:").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActionPointInput {
    /// What is to be done.
    pub what: String,
    /// `mentee` or `mentor`.
    pub owner: String,
    /// The date it is due, `YYYY-MM-DD`.
    pub due: String,
}

/// An action point, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionPoint {
    /// What is to be done.
    pub what: String,
    /// Who does it.
    pub owner: Party,
    /// When it is due.
    pub due: Date,
}

impl ActionPointInput {
    /// Checks one action point; `field` is its place in the form, e.g.
    /// `actions[2]`. With `within`, the due date must fall in that range.
    pub fn check(
        &self,
        field: &str,
        within: Option<(Date, Date)>,
        errors: &mut Vec<FieldError>,
    ) -> Option<ActionPoint> {
        let before = errors.len();
        let what = text_field(
            &format!("{field}.what"),
            &self.what,
            "what is to be done",
            errors,
        );
        let owner = match self.owner.trim() {
            "mentee" => Some(Party::Mentee),
            "mentor" => Some(Party::Mentor),
            _ => {
                errors.push(FieldError::new(
                    format!("{field}.owner"),
                    "Choose who will do it: the mentee or the mentor",
                ));
                None
            }
        };
        let due_field = format!("{field}.due");
        let due = date_field(&due_field, &self.due, errors);
        if let (Some(due), Some((start, end))) = (due, within)
            && (due < start || due > end)
        {
            errors.push(FieldError::new(
                due_field,
                "The due date must fall between the plan's start and completion dates",
            ));
        }
        match (owner, due) {
            (Some(owner), Some(due)) if errors.len() == before => {
                Some(ActionPoint { what, owner, due })
            }
            _ => None,
        }
    }
}

/// The plan as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActionPlanInput {
    /// The mentee's needs.
    pub needs: String,
    /// The mentee's strengths.
    pub strengths: String,
    /// The goals.
    pub goals: Vec<GoalInput>,
    /// The actions, each for a goal.
    pub actions: Vec<ActionInput>,
    /// The milestones.
    pub milestones: Vec<MilestoneInput>,
    /// The dates the plan is reviewed.
    pub review_dates: Vec<String>,
    /// When the plan starts.
    pub start: String,
    /// When it should be completed.
    pub completion: String,
}

/// A goal as typed: SMART — specific (what), measurable (how measured),
/// time-bound (by when). Whether it is achievable and realistic is the
/// pair's judgement, not a check (FUN Appendix B).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GoalInput {
    /// What the mentee will achieve.
    pub what: String,
    /// How they will know: the success criteria.
    pub measure: String,
    /// By when, `YYYY-MM-DD`.
    pub by: String,
    /// The principal strategies, if written down.
    pub strategies: String,
}

/// An action as typed: an action point for one goal.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActionInput {
    /// What, by whom, by when.
    pub point: ActionPointInput,
    /// The goal it serves, counting from 1.
    pub goal: String,
}

/// A milestone as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MilestoneInput {
    /// What marks progress.
    pub what: String,
    /// By when, `YYYY-MM-DD`.
    pub by: String,
}

/// A SMART goal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Goal {
    /// What the mentee will achieve.
    pub what: String,
    /// How they will know.
    pub measure: String,
    /// By when.
    pub by: Date,
    /// The principal strategies.
    pub strategies: String,
}

/// Where an action stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionStatus {
    /// Still to do: it comes up at the next meeting.
    Open,
    /// Done.
    Done,
    /// No longer wanted.
    Dropped,
}

/// An action in the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Action {
    /// Its number in the plan, from 1; never reused.
    pub number: u32,
    /// What, by whom, by when.
    pub point: ActionPoint,
    /// The goal it serves, by position from 0; `None` for a point from a meeting.
    pub goal: Option<usize>,
    /// The meeting it was agreed at, if it came from one (PLN-2).
    pub from_meeting: Option<MeetingId>,
    /// Where it stands.
    pub status: ActionStatus,
}

/// A milestone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Milestone {
    /// What marks progress.
    pub what: String,
    /// By when.
    pub by: Date,
}

/// The action plan (PLN-1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionPlan {
    /// The mentee's needs.
    pub needs: String,
    /// The mentee's strengths.
    pub strengths: String,
    /// The goals.
    pub goals: Vec<Goal>,
    /// The actions, in number order.
    pub actions: Vec<Action>,
    /// The milestones, earliest first.
    pub milestones: Vec<Milestone>,
    /// The review dates, earliest first.
    pub review_dates: Vec<Date>,
    /// When the plan starts.
    pub start: Date,
    /// When it should be completed.
    pub completion: Date,
}

impl ActionPlanInput {
    /// Checks the plan, naming every bad field (PLN-1).
    pub fn check(&self) -> Result<ActionPlan, Vec<FieldError>> {
        let mut errors = Vec::new();
        // FUN Appendix B: "record the mentee's needs and strengths".
        let needs = text_field("needs", &self.needs, "the mentee's needs", &mut errors);
        let strengths = text_field(
            "strengths",
            &self.strengths,
            "the mentee's strengths",
            &mut errors,
        );
        // FUN Appendix B "Action Plan": "Start date … Completion date".
        let start = date_field("start", &self.start, &mut errors);
        let completion = date_field("completion", &self.completion, &mut errors);
        let within = match (start, completion) {
            (Some(start), Some(completion)) if completion > start => Some((start, completion)),
            (Some(_), Some(_)) => {
                errors.push(FieldError::new(
                    "completion",
                    "The completion date must be after the start date",
                ));
                None
            }
            _ => None,
        };
        let goals = self.goals(within, &mut errors);
        let actions = self.actions(within, &mut errors);
        // FUN Appendix B: "There must be an action tied to each goal."
        for index in 0..self.goals.len() {
            if !self
                .actions
                .iter()
                .any(|action| goal_number(&action.goal) == Some(index))
            {
                errors.push(FieldError::new(
                    format!("goals[{index}]"),
                    "Add at least one action for this goal",
                ));
            }
        }
        let mut milestones = Vec::new();
        for (index, milestone) in self.milestones.iter().enumerate() {
            let field = format!("milestones[{index}]");
            let what = text_field(
                &format!("{field}.what"),
                &milestone.what,
                "the milestone",
                &mut errors,
            );
            if let Some(by) = dated(&format!("{field}.by"), &milestone.by, within, &mut errors) {
                milestones.push(Milestone { what, by });
            }
        }
        milestones.sort_by_key(|milestone| milestone.by);
        // FUN Appendix B: "state the targets for progress and dates for review".
        let mut review_dates: Vec<Date> = self
            .review_dates
            .iter()
            .enumerate()
            .filter(|(_, text)| !text.trim().is_empty())
            .filter_map(|(index, text)| {
                dated(&format!("review_dates[{index}]"), text, within, &mut errors)
            })
            .collect();
        if review_dates.is_empty() && !self.review_dates.iter().any(|t| !t.trim().is_empty()) {
            errors.push(FieldError::new(
                "review_dates[0]",
                "Enter at least one date to review the plan",
            ));
        }
        review_dates.sort();
        review_dates.dedup();
        match (start, completion) {
            (Some(start), Some(completion)) if errors.is_empty() => Ok(ActionPlan {
                needs,
                strengths,
                goals,
                actions,
                milestones,
                review_dates,
                start,
                completion,
            }),
            _ => Err(errors),
        }
    }

    fn goals(&self, within: Option<(Date, Date)>, errors: &mut Vec<FieldError>) -> Vec<Goal> {
        if self.goals.is_empty() {
            errors.push(FieldError::new("goals", "Add at least one goal"));
        }
        let mut goals = Vec::new();
        for (index, goal) in self.goals.iter().enumerate() {
            let field = format!("goals[{index}]");
            // SMART: specific, measurable, time-bound.
            let what = text_field(
                &format!("{field}.what"),
                &goal.what,
                "what the goal is",
                errors,
            );
            let measure = text_field(
                &format!("{field}.measure"),
                &goal.measure,
                "how you will know the goal is met",
                errors,
            );
            if let Some(by) = dated(&format!("{field}.by"), &goal.by, within, errors) {
                goals.push(Goal {
                    what,
                    measure,
                    by,
                    strategies: goal.strategies.trim().to_owned(),
                });
            }
        }
        goals
    }

    fn actions(&self, within: Option<(Date, Date)>, errors: &mut Vec<FieldError>) -> Vec<Action> {
        let mut actions = Vec::new();
        for (index, action) in self.actions.iter().enumerate() {
            let field = format!("actions[{index}]");
            let goal = goal_number(&action.goal).filter(|goal| *goal < self.goals.len());
            if goal.is_none() {
                errors.push(FieldError::new(
                    format!("{field}.goal"),
                    "Choose the goal this action is for",
                ));
            }
            let point = action.point.check(&field, within, errors);
            if let Some(point) = point {
                actions.push(Action {
                    number: next_number(&actions),
                    point,
                    goal,
                    from_meeting: None,
                    status: ActionStatus::Open,
                });
            }
        }
        actions
    }
}

/// A goal's position from 0, from the number typed (from 1).
fn goal_number(text: &str) -> Option<usize> {
    text.trim()
        .parse::<usize>()
        .ok()
        .and_then(|number| number.checked_sub(1))
}

/// A date that must fall within the plan's dates, where those are known.
fn dated(
    field: &str,
    text: &str,
    within: Option<(Date, Date)>,
    errors: &mut Vec<FieldError>,
) -> Option<Date> {
    let date = date_field(field, text, errors)?;
    match within {
        Some((start, end)) if date < start || date > end => {
            errors.push(FieldError::new(
                field,
                "The date must fall between the plan's start and completion dates",
            ));
            None
        }
        _ => Some(date),
    }
}

fn next_number(actions: &[Action]) -> u32 {
    actions
        .iter()
        .map(|action| action.number)
        .max()
        .unwrap_or(0)
        + 1
}

impl ActionPlan {
    /// Adds the action points agreed at a meeting to the plan (PLN-2: FUN
    /// Appendix C "Action points agreed for next meeting"). Returns their numbers.
    pub fn roll_in(&mut self, meeting: MeetingId, points: &[ActionPoint]) -> Vec<u32> {
        let mut numbers = Vec::new();
        for point in points {
            let number = next_number(&self.actions);
            self.actions.push(Action {
                number,
                point: point.clone(),
                goal: None,
                from_meeting: Some(meeting),
                status: ActionStatus::Open,
            });
            numbers.push(number);
        }
        numbers
    }

    /// What the next meeting reviews (PLN-2: FUN Appendix C "Review of
    /// action points/targets set at last meeting"): every open action, due
    /// soonest first.
    pub fn to_review(&self) -> Vec<&Action> {
        let mut open: Vec<&Action> = self
            .actions
            .iter()
            .filter(|action| action.status == ActionStatus::Open)
            .collect();
        open.sort_by_key(|action| (action.point.due, action.number));
        open
    }

    /// Records what a meeting found about an action.
    pub fn review(&mut self, number: u32, status: ActionStatus) -> Result<(), Refused> {
        let action = self
            .actions
            .iter_mut()
            .find(|action| action.number == number)
            .ok_or_else(|| Refused::new(format!("There is no action {number} in the plan.")))?;
        action.status = status;
        Ok(())
    }

    /// Review dates on or before `today` that have passed without the plan
    /// being reviewed since `last_reviewed`.
    pub fn reviews_due(&self, last_reviewed: Option<Date>, today: Date) -> Vec<Date> {
        self.review_dates
            .iter()
            .copied()
            .filter(|date| *date <= today && last_reviewed.is_none_or(|last| *date > last))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;
    use crate::relationship::test_support::field_names;

    fn point(what: &str, owner: &str, due: &str) -> ActionPointInput {
        ActionPointInput {
            what: what.into(),
            owner: owner.into(),
            due: due.into(),
        }
    }

    /// FUN Appendix B, filled in.
    fn sound() -> ActionPlanInput {
        ActionPlanInput {
            needs: "Planning the room's routines".into(),
            strengths: "Warm with children".into(),
            goals: vec![GoalInput {
                what: "Plan a week's activities".into(),
                measure: "A plan the room leader signs off".into(),
                by: "2025-03-01".into(),
                strategies: "Shadow the room leader".into(),
            }],
            actions: vec![ActionInput {
                point: point("Draft Monday's plan", "mentee", "2025-02-01"),
                goal: "1".into(),
            }],
            milestones: vec![MilestoneInput {
                what: "First plan drafted".into(),
                by: "2025-02-01".into(),
            }],
            review_dates: vec!["2025-04-01".into()],
            start: "2025-01-01".into(),
            completion: "2025-06-30".into(),
        }
    }

    fn fields(input: &ActionPlanInput) -> Vec<String> {
        field_names(input.check())
    }

    #[test]
    fn each_bad_field_is_named() {
        let mut vague_goal = sound();
        vague_goal.goals[0].measure = " ".into();
        vague_goal.goals[0].what = String::new();
        let mut late_goal = sound();
        late_goal.goals[0].by = "2025-07-01".into();
        let mut orphan_goal = sound();
        orphan_goal.actions[0].goal = "2".into();
        let mut bad_action = sound();
        bad_action.actions[0].point = point("", "line_manager", "soon");
        let mut backwards = sound();
        backwards.completion = "2024-12-31".into();
        let mut no_goals = sound();
        no_goals.goals.clear();
        no_goals.actions.clear();
        let mut no_reviews = sound();
        no_reviews.review_dates = vec![" ".into()];
        let mut bad_milestone = sound();
        bad_milestone.milestones[0].by = "2026-01-01".into();
        let cases: Vec<(&str, ActionPlanInput, Vec<&str>)> = vec![
            ("a sound plan", sound(), vec![]),
            (
                "SMART: specific and measurable",
                vague_goal,
                vec!["goals[0].what", "goals[0].measure"],
            ),
            (
                "SMART: time-bound within the plan",
                late_goal,
                vec!["goals[0].by"],
            ),
            (
                "an action for a goal that is not there, leaving the goal without one",
                orphan_goal,
                vec!["actions[0].goal", "goals[0]"],
            ),
            (
                "an action needs what, who and when",
                bad_action,
                vec!["actions[0].what", "actions[0].owner", "actions[0].due"],
            ),
            ("completion before start", backwards, vec!["completion"]),
            ("no goals", no_goals, vec!["goals"]),
            ("no review dates", no_reviews, vec!["review_dates[0]"]),
            (
                "a milestone after completion",
                bad_milestone,
                vec!["milestones[0].by"],
            ),
            (
                "needs and strengths",
                ActionPlanInput {
                    needs: String::new(),
                    strengths: " ".into(),
                    ..sound()
                },
                vec!["needs", "strengths"],
            ),
        ];
        for (case, input, expected) in cases {
            assert_eq!(fields(&input), expected, "{case}");
        }
    }

    #[test]
    fn action_points_from_a_meeting_roll_in_and_come_up_at_the_next_meeting() {
        let mut plan = sound().check().expect("a sound plan");
        assert_eq!(plan.actions[0].number, 1);
        let mut errors = Vec::new();
        let agreed = point("Ask about the course", "mentor", "2025-01-20")
            .check("action_points[0]", None, &mut errors)
            .expect("a sound point");
        let numbers = plan.roll_in(MeetingId::new(7), &[agreed]);
        assert_eq!(numbers, [2]);
        let listed: Vec<u32> = plan.to_review().iter().map(|a| a.number).collect();
        assert_eq!(listed, [2, 1], "open actions, due soonest first");
        assert_eq!(plan.actions[1].from_meeting, Some(MeetingId::new(7)));
        plan.review(2, ActionStatus::Done).expect("action 2 exists");
        let listed: Vec<u32> = plan.to_review().iter().map(|a| a.number).collect();
        assert_eq!(listed, [1]);
        assert!(plan.review(9, ActionStatus::Done).is_err());
        let again = [plan.actions[0].point.clone()];
        assert_eq!(
            plan.roll_in(MeetingId::new(8), &again),
            [3],
            "numbers are never reused"
        );
        assert_eq!(
            plan.reviews_due(None, date!(2025 - 04 - 01)),
            [date!(2025 - 04 - 01)]
        );
        assert!(
            plan.reviews_due(Some(date!(2025 - 04 - 01)), date!(2025 - 05 - 01))
                .is_empty()
        );
    }
}
