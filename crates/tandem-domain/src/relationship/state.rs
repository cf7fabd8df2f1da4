//! The relationship's states and the events that move it between them
//! (LIF-1), with every transition an append-only [`EventRecord`]: who,
//! when, from, to and why. The current state is the fold of the record
//! ([`current_state`]); nothing stores it separately.
//!
//! ```text
//! Introduced ──Agree──▶ Agreed ──StartReview──▶ UnderReview ──Complete──▶ Completed
//!     │                   ▲                        │
//!     │                   └──Review(Continue/Amend/Extend)
//!     ├─NoMatch──────────▶ NoMatch
//!     ├─Withdraw, RequestNewMentor──▶ Withdrawn
//!     Agreed, UnderReview ─EndEarly, RequestNewMentor, Review(End)──▶ EndedEarly
//! ```
//!
//! A refused transition comes back as [`Refused`], a sentence to show the
//! person who asked; it is never an internal error.

use serde::{Deserialize, Serialize};

use super::completion::CompletionEvidence;
use super::leaving::{LeaveCategory, NoMatchReason};
use super::{MAX_TEXT, RelationshipRules, party_name};
use crate::permissions::Actor;
use crate::programme::{ExtensionProblem, Months, Party};

/// Where a relationship is in its life (LIF-1). The states before
/// `Introduced` (requested, screened, proposed, accepted) belong to the
/// mentor request and the proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// The mentor has accepted; the introductory meeting comes next (AGR-1).
    Introduced,
    /// Agreed and active (AGR-2, AGR-4).
    Agreed,
    /// A review is under way (LIF-2).
    UnderReview,
    /// Completed (LIF-3).
    Completed,
    /// The introduction ended in a No Match (AGR-2).
    NoMatch,
    /// A party withdrew before anything was agreed (LIF-4).
    Withdrawn,
    /// Ended before completion (LIF-4).
    EndedEarly,
}

impl State {
    /// Every state, in the order of a relationship's life.
    pub const ALL: [State; 7] = [
        State::Introduced,
        State::Agreed,
        State::UnderReview,
        State::Completed,
        State::NoMatch,
        State::Withdrawn,
        State::EndedEarly,
    ];

    /// The stable name stored and used in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Introduced => "introduced",
            State::Agreed => "agreed",
            State::UnderReview => "under_review",
            State::Completed => "completed",
            State::NoMatch => "no_match",
            State::Withdrawn => "withdrawn",
            State::EndedEarly => "ended_early",
        }
    }

    /// What a page shows.
    pub fn label(self) -> &'static str {
        match self {
            State::Introduced => "Introduced",
            State::Agreed => "Agreed (active)",
            State::UnderReview => "Under review",
            State::Completed => "Completed",
            State::NoMatch => "No Match",
            State::Withdrawn => "Withdrawn",
            State::EndedEarly => "Ended early",
        }
    }

    /// Reads a stored name.
    pub fn parse(text: &str) -> Option<State> {
        State::ALL.into_iter().find(|state| state.as_str() == text)
    }

    /// Whether the relationship has ended, one way or another. Nothing moves
    /// it on, and the mentor's capacity is free again (LIF-3).
    pub fn is_ended(self) -> bool {
        matches!(
            self,
            State::Completed | State::NoMatch | State::Withdrawn | State::EndedEarly
        )
    }

    /// Whether the pair are meeting under an agreement: agreed or under review.
    pub fn is_active(self) -> bool {
        matches!(self, State::Agreed | State::UnderReview)
    }
}

/// The outcome of a review (LIF-2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum ReviewOutcome {
    /// The support still meets the need: carry on.
    Continue,
    /// Carry on under an amended agreement (AGR-5), where the programme allows.
    Amend,
    /// Carry on for longer, where the track allows, with the reason it needs (PRG-2).
    Extend {
        /// How much longer.
        months: Months,
        /// Why; required where the track says so (AFC, WSC).
        reason: String,
    },
    /// The support no longer meets the need: end here, before completion.
    End,
}

impl ReviewOutcome {
    /// Whether the outcome ends the relationship.
    pub fn ends(&self) -> bool {
        matches!(self, ReviewOutcome::End)
    }
}

/// Something that happens to a relationship, carrying what it needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "event")]
pub enum Event {
    /// The introduction ends without an agreement (AGR-2).
    NoMatch {
        /// Reasons from the programme's list; required where the programme records them (CWT).
        reasons: Vec<NoMatchReason>,
        /// Free text, for the pair; required for "another reason".
        detail: String,
    },
    /// The introduction ends in an agreement (AGR-2, AGR-4).
    Agree {
        /// Whether every required signatory has signed the agreement's current version.
        agreement_in_force: bool,
    },
    /// A review starts (LIF-2).
    StartReview,
    /// A review's outcome (LIF-2).
    Review(ReviewOutcome),
    /// The relationship completes, with what completion needs (LIF-3).
    Complete(CompletionEvidence),
    /// A party withdraws before anything is agreed (LIF-4).
    Withdraw {
        /// The kind of reason: all a coordinator sees.
        category: LeaveCategory,
        /// The reason in their words, if they give one; for the pair only.
        reason: Option<String>,
    },
    /// A party ends an agreed relationship (LIF-4).
    EndEarly {
        /// The kind of reason: all a coordinator sees.
        category: LeaveCategory,
        /// The reason in their words, if they give one; for the pair only.
        reason: Option<String>,
    },
    /// A party asks for another mentor; the request goes back to matching (LIF-4, MAT-5).
    RequestNewMentor {
        /// The kind of reason: all a coordinator sees.
        category: LeaveCategory,
        /// The reason in their words, if they give one; for the pair only.
        reason: Option<String>,
    },
}

impl Event {
    /// The event's stable name, e.g. `no_match`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Event::NoMatch { .. } => "no_match",
            Event::Agree { .. } => "agree",
            Event::StartReview => "start_review",
            Event::Review(ReviewOutcome::Continue) => "review_continue",
            Event::Review(ReviewOutcome::Amend) => "review_amend",
            Event::Review(ReviewOutcome::Extend { .. }) => "review_extend",
            Event::Review(ReviewOutcome::End) => "review_end",
            Event::Complete(_) => "complete",
            Event::Withdraw { .. } => "withdraw",
            Event::EndEarly { .. } => "end_early",
            Event::RequestNewMentor { .. } => "request_new_mentor",
        }
    }

    /// The words someone gave that only the pair may read (LIF-4): the
    /// reason for leaving, a No Match's free text, or why an extension was
    /// needed (it may say more about the mentee than an overseer needs). The
    /// app seals it.
    pub fn confidential_text(&self) -> Option<&str> {
        match self {
            Event::NoMatch { detail, .. } if !detail.is_empty() => Some(detail),
            Event::Review(ReviewOutcome::Extend { reason, .. }) if !reason.is_empty() => {
                Some(reason)
            }
            Event::Withdraw { reason, .. }
            | Event::EndEarly { reason, .. }
            | Event::RequestNewMentor { reason, .. } => reason.as_deref(),
            _ => None,
        }
    }

    /// The event without anyone's own words, and those words: the first is
    /// stored as it is, the second sealed (LIF-4). [`Event::with_words`]
    /// puts them back.
    pub fn split_words(mut self) -> (Event, Option<String>) {
        let words = match &mut self {
            Event::NoMatch { detail, .. } => Some(std::mem::take(detail)),
            Event::Review(ReviewOutcome::Extend { reason, .. }) => Some(std::mem::take(reason)),
            Event::Withdraw { reason, .. }
            | Event::EndEarly { reason, .. }
            | Event::RequestNewMentor { reason, .. } => reason.take(),
            _ => None,
        };
        (self, words.filter(|words| !words.is_empty()))
    }

    /// The event with the words [`Event::split_words`] took out.
    pub fn with_words(mut self, words: Option<String>) -> Event {
        match &mut self {
            Event::NoMatch { detail, .. } => *detail = words.unwrap_or_default(),
            Event::Review(ReviewOutcome::Extend { reason, .. }) => {
                *reason = words.unwrap_or_default();
            }
            Event::Withdraw { reason, .. }
            | Event::EndEarly { reason, .. }
            | Event::RequestNewMentor { reason, .. } => *reason = words,
            _ => {}
        }
        self
    }

    /// What a coordinator may read of the event: its kind and categories,
    /// never anyone's own words (LIF-4, AGR-2) and not who left.
    pub fn summary(&self) -> String {
        match self {
            Event::NoMatch { reasons, .. } => {
                let labels: Vec<&str> = reasons.iter().map(|reason| reason.label()).collect();
                if labels.is_empty() {
                    "No Match".to_owned()
                } else {
                    format!("No Match: {}", labels.join("; "))
                }
            }
            Event::Agree { .. } => "Agreed".to_owned(),
            Event::StartReview => "Review started".to_owned(),
            Event::Review(ReviewOutcome::Continue) => "Reviewed: continue".to_owned(),
            Event::Review(ReviewOutcome::Amend) => "Reviewed: agreement amended".to_owned(),
            Event::Review(ReviewOutcome::Extend { months, .. }) => {
                format!("Reviewed: extended by {months}")
            }
            Event::Review(ReviewOutcome::End) => "Reviewed: ended".to_owned(),
            Event::Complete(_) => "Completed".to_owned(),
            Event::Withdraw { category, .. } => format!("Withdrawn: {}", category.label()),
            Event::EndEarly { category, .. } => format!("Ended early: {}", category.label()),
            Event::RequestNewMentor { category, .. } => {
                format!("Another mentor requested: {}", category.label())
            }
        }
    }
}

/// A transition that may not happen, with the sentence to show whoever asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Refused {
    message: String,
}

impl Refused {
    /// A refusal saying `message`.
    pub fn new(message: impl Into<String>) -> Refused {
        Refused {
            message: message.into(),
        }
    }

    /// The plain-English reason.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// One entry of a relationship's append-only event record (LIF-1): who
/// acted, as which party, when, from which state to which, and why (the
/// event, with its reasons).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRecord {
    /// When, in Unix seconds.
    pub at: i64,
    /// The account that acted, or the operator.
    pub actor: Actor,
    /// The part they acted in.
    pub party: Party,
    /// The state before.
    pub from: State,
    /// The state after.
    pub to: State,
    /// What happened, with its reasons.
    pub event: Event,
}

/// The state a relationship is in after its events: the last one's `to`,
/// or [`State::Introduced`] before any.
pub fn current_state(events: &[EventRecord]) -> State {
    events.last().map_or(State::Introduced, |record| record.to)
}

/// Where an event record does not hang together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BrokenHistory {
    /// An entry starts from a state other than the one before it ended in.
    #[error("event {index} starts from {found:?} but the relationship was {expected:?}")]
    Gap {
        /// The entry's position, from 0.
        index: usize,
        /// The state the previous entry ended in.
        expected: State,
        /// The state this entry says it started from.
        found: State,
    },
    /// An entry is dated before the one before it.
    #[error("event {index} is dated before the event before it")]
    OutOfOrder {
        /// The entry's position, from 0.
        index: usize,
    },
}

/// Checks that each entry starts where the one before ended, in time order.
pub fn check_history(events: &[EventRecord]) -> Result<(), BrokenHistory> {
    let mut expected = State::Introduced;
    let mut last_at = i64::MIN;
    for (index, record) in events.iter().enumerate() {
        if record.from != expected {
            return Err(BrokenHistory::Gap {
                index,
                expected,
                found: record.from,
            });
        }
        if record.at < last_at {
            return Err(BrokenHistory::OutOfOrder { index });
        }
        expected = record.to;
        last_at = record.at;
    }
    Ok(())
}

/// Applies an event to the relationship's current history, returning the
/// entry to append: the one way a relationship changes state.
pub fn record(
    history: &[EventRecord],
    event: Event,
    party: Party,
    actor: Actor,
    at: i64,
    rules: &RelationshipRules,
) -> Result<EventRecord, Refused> {
    let from = current_state(history);
    let to = apply(from, &event, party, rules)?;
    Ok(EventRecord {
        at,
        actor,
        party,
        from,
        to,
        event,
    })
}

/// The state after `event`, done by someone acting as `actor`, under the
/// relationship's rules; or why it may not happen. Checked in this order:
/// the relationship has not ended, the event fits the state, the actor may
/// do it, and what it carries is complete.
pub fn apply(
    state: State,
    event: &Event,
    actor: Party,
    rules: &RelationshipRules,
) -> Result<State, Refused> {
    if state.is_ended() {
        // LIF-1: an ended relationship stays ended; a new one starts from a new request.
        return Err(Refused::new(format!(
            "This relationship has ended ({}), so nothing more can change.",
            state.label().to_lowercase()
        )));
    }
    let to = next_state(state, event)?;
    may_act(event, actor, rules)?;
    check_contents(event, rules)?;
    Ok(to)
}

/// LIF-1: which events each open state takes, and where they lead.
fn next_state(state: State, event: &Event) -> Result<State, Refused> {
    use State::{Agreed, EndedEarly, Introduced, UnderReview, Withdrawn};
    let to = match (event, state) {
        (Event::NoMatch { .. }, Introduced) => State::NoMatch,
        (Event::Agree { .. }, Introduced) => Agreed,
        (Event::StartReview, Agreed) => UnderReview,
        (Event::Review(ReviewOutcome::End), UnderReview) => EndedEarly,
        (Event::Review(_), UnderReview) => Agreed,
        // LIF-3: completion is agreed at a closing review (CWT 2.2.7 joint review; AFC "reflection").
        (Event::Complete(_), UnderReview) => State::Completed,
        (Event::Withdraw { .. } | Event::RequestNewMentor { .. }, Introduced) => Withdrawn,
        (Event::EndEarly { .. } | Event::RequestNewMentor { .. }, Agreed | UnderReview) => {
            EndedEarly
        }
        (event, _) => return Err(Refused::new(wrong_state(event, state))),
    };
    Ok(to)
}

/// Why an event does not fit an open state, in words for the person asking.
fn wrong_state(event: &Event, state: State) -> &'static str {
    match (event, state) {
        (Event::NoMatch { .. }, _) => {
            "A No Match can be recorded only at the introduction, before anything is agreed."
        }
        (Event::Agree { .. }, _) => "This relationship has already been agreed.",
        (Event::StartReview, State::UnderReview) => "A review is already under way.",
        (Event::StartReview, _) => "A review can start only once the relationship is agreed.",
        (Event::Review(_), _) => "There is no review under way to record an outcome for.",
        (Event::Complete(_), State::Agreed) => {
            "A relationship is completed at its closing review: start a review first."
        }
        (Event::Complete(_), _) => "Only a relationship under review can be completed.",
        (Event::Withdraw { .. }, _) => {
            "The relationship has been agreed: end it or ask for another mentor instead of withdrawing."
        }
        (Event::EndEarly { .. }, _) => {
            "Nothing has been agreed yet: withdraw or record a No Match instead."
        }
        (Event::RequestNewMentor { .. }, _) => "Another mentor cannot be requested now.",
    }
}

/// Who may cause each event.
fn may_act(event: &Event, actor: Party, rules: &RelationshipRules) -> Result<(), Refused> {
    let pair = matches!(actor, Party::Mentee | Party::Mentor);
    let (allowed, who) = match event {
        // AGR-2: the pair decide; whoever arranged or attended the introduction may record it (AFC SSWs).
        Event::NoMatch { .. } => (
            pair || rules.may_arrange_introduction(actor)
                || rules.introduction.also_attending.contains(&actor),
            "the mentee, the mentor or whoever arranged the introduction",
        ),
        // LIF-2: the pair, and whoever the programme reviews with (CAF line managers, AFC SSWs).
        Event::StartReview | Event::Review(_) => (
            rules.reviews_with(actor),
            "the mentee, the mentor or those the programme reviews with",
        ),
        // AGR-2, LIF-3, LIF-4: the pair's own decisions; either party may leave.
        Event::Agree { .. }
        | Event::Complete(_)
        | Event::Withdraw { .. }
        | Event::EndEarly { .. }
        | Event::RequestNewMentor { .. } => (pair, "the mentee or the mentor"),
    };
    if allowed {
        Ok(())
    } else {
        Err(Refused::new(format!(
            "Only {who} can do this; {} cannot.",
            party_name(actor)
        )))
    }
}

/// What each event must carry.
fn check_contents(event: &Event, rules: &RelationshipRules) -> Result<(), Refused> {
    match event {
        Event::NoMatch { reasons, detail } => {
            // AGR-2; CWT 2.2.5: "the reasons captured" for analysis.
            if reasons.is_empty() && rules.no_match.reasons_required {
                return Err(Refused::new("Choose at least one reason for the No Match."));
            }
            if let Some(reason) = reasons
                .iter()
                .find(|reason| !rules.no_match.reasons.contains(reason))
            {
                return Err(Refused::new(format!(
                    "\"{}\" is not one of this programme's No Match reasons.",
                    reason.label()
                )));
            }
            if reasons.contains(&NoMatchReason::Other) && detail.trim().is_empty() {
                return Err(Refused::new("Say what the other reason is."));
            }
            fits(detail)
        }
        // AGR-4: an agreement the programme requires must be in force (FUN's is optional).
        Event::Agree { agreement_in_force } => {
            if rules.agreement.required && !agreement_in_force {
                Err(Refused::new(
                    "The agreement is not in force yet: everyone who signs it must sign its current version first.",
                ))
            } else {
                Ok(())
            }
        }
        Event::StartReview
        | Event::Review(ReviewOutcome::Continue)
        | Event::Review(ReviewOutcome::End) => Ok(()),
        // AGR-5: "reviewed and amended where the programme allows" (AFC, FUN, CAF).
        Event::Review(ReviewOutcome::Amend) => {
            if rules.agreement.amendable {
                Ok(())
            } else {
                Err(Refused::new(
                    "This programme's agreement is not amended during the relationship.",
                ))
            }
        }
        // PRG-2: only where the track allows, with the reason it requires (AFC, WSC).
        Event::Review(ReviewOutcome::Extend { months, reason }) => {
            if months.get() == 0 {
                return Err(Refused::new("An extension must be at least one month."));
            }
            rules
                .track
                .check_extension(*months, reason)
                .map_err(|problem| Refused::new(extension_refusal(problem, &rules.track.name)))?;
            fits(reason)
        }
        // LIF-3: everything the programme's completion needs.
        Event::Complete(evidence) => {
            let missing = rules.completion.missing(evidence);
            if missing.is_empty() {
                Ok(())
            } else {
                let items: Vec<String> = missing.iter().map(ToString::to_string).collect();
                Err(Refused::new(format!(
                    "Completion still needs: {}.",
                    items.join("; ")
                )))
            }
        }
        // LIF-4: the reason is optional.
        Event::Withdraw { reason, .. }
        | Event::EndEarly { reason, .. }
        | Event::RequestNewMentor { reason, .. } => fits(reason.as_deref().unwrap_or("")),
    }
}

fn extension_refusal(problem: ExtensionProblem, track: &str) -> String {
    match problem {
        ExtensionProblem::NotAllowed => format!("The {track} track does not allow extensions."),
        ExtensionProblem::TooLong { months, max } => {
            format!("An extension of {months} is longer than the {track} track allows ({max}).")
        }
        ExtensionProblem::ReasonMissing => {
            format!("The {track} track needs a reason for every extension.")
        }
    }
}

fn fits(text: &str) -> Result<(), Refused> {
    if text.chars().count() > MAX_TEXT {
        Err(Refused::new(format!(
            "Keep the reason to {MAX_TEXT} characters or fewer."
        )))
    } else {
        Ok(())
    }
}
