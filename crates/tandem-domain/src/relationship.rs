//! A mentoring relationship from an accepted proposal to its end (LIF-1 to
//! LIF-5, AGR-1 to AGR-5, MTG-1 to MTG-4, PLN-1, PLN-2).
//!
//! Everything here is pure: the state machine and its append-only event
//! record ([`state`]), what each programme's settings say each party does
//! ([`RelationshipRules`]), the agreement with its versions and signatures
//! ([`agreement`]), the action plan ([`plan`]), meetings and their
//! compliance ([`meetings`]), reviews ([`reviews`]), completion
//! ([`completion`]), leaving without recrimination ([`leaving`]) and stages
//! ([`stages`]). Who may see what is decided in
//! [`crate::permissions::relationships`].
//!
//! Confidential content (agreement text, plan, meeting notes, answers, the
//! reason someone gives for leaving) is plain text here; the app seals it
//! with `tandem-seal` before it reaches the store.

pub mod agreement;
pub mod completion;
mod ids;
pub mod leaving;
pub mod meetings;
pub mod plan;
pub mod rematch;
pub mod reviews;
mod rules;
pub mod stages;
pub mod state;

#[cfg(test)]
mod tests;

/// Helpers the relationship tests share.
#[cfg(test)]
mod test_support {
    use super::{FieldError, RelationshipRules};
    use crate::programme::{Months, Programme, shipped_template};

    /// A shipped template, parsed.
    pub fn shipped_programme(key: &str) -> Programme {
        Programme::from_toml_str(shipped_template(key).expect("every seed scheme ships"))
            .expect("the shipped templates parse")
    }

    /// The rules of a track of a shipped template.
    pub fn shipped_rules(key: &str, track: &str) -> RelationshipRules {
        RelationshipRules::new(&shipped_programme(key), track).expect("the track exists")
    }

    pub fn months(count: u16) -> Months {
        Months::parse(i64::from(count)).expect("in range")
    }

    /// The fields a check named, in order; none when it passed.
    pub fn field_names<T>(result: Result<T, Vec<FieldError>>) -> Vec<String> {
        result
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|error| error.field)
            .collect()
    }
}

use time::Date;
use time::format_description::well_known::Iso8601;

use crate::programme::Party;

pub use ids::{
    ActionPlanId, AgreementVersionId, MeetingId, RelationshipEventId, RelationshipId, ReviewId,
};
pub use rules::{
    AgreementSettings, CompletionForm, CompletionRequirements, Document, IntroductionRules,
    NoMatchRules, RecordRules, RelationshipRules, ReviewSchedule, UnknownTrack,
};
pub use state::{Event, EventRecord, Refused, State, apply, current_state};

/// One thing wrong with one field of what someone typed. `field` names the
/// form field, with an index where the form repeats (`goals[1].measure`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field, as the form names it.
    pub field: String,
    /// What is wrong, in plain English.
    pub message: String,
}

impl FieldError {
    /// A problem with `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> FieldError {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// How a sentence names a party: "the mentee", "the supervising social worker".
pub fn party_name(party: Party) -> &'static str {
    match party {
        Party::Mentee => "the mentee",
        Party::Mentor => "the mentor",
        Party::LineManager => "the line manager",
        Party::PracticeSupervisor => "the practice supervisor",
        Party::Coordinator => "the coordinator",
        Party::Hr => "Human Resources",
        Party::SupervisingSocialWorker => "the supervising social worker",
        Party::FosteringManager => "the fostering manager",
        Party::ContractManager => "the contract manager",
    }
}

/// The longest free text any relationship field takes.
pub const MAX_TEXT: usize = 10_000;

/// Reads a required ISO 8601 date (`YYYY-MM-DD`) typed into `field`.
fn date_field(field: &str, text: &str, errors: &mut Vec<FieldError>) -> Option<Date> {
    let text = text.trim();
    if text.is_empty() {
        errors.push(FieldError::new(field, "Enter a date"));
        return None;
    }
    match Date::parse(text, &Iso8601::DATE) {
        Ok(date) => Some(date),
        Err(_) => {
            errors.push(FieldError::new(
                field,
                "Enter a real date in the form 2025-03-31",
            ));
            None
        }
    }
}

/// Reads required free text typed into `field`; `what` completes "Enter …".
fn text_field(field: &str, text: &str, what: &str, errors: &mut Vec<FieldError>) -> String {
    let text = text.trim();
    if text.is_empty() {
        errors.push(FieldError::new(field, format!("Enter {what}")));
    } else {
        long_text_check(field, text, errors);
    }
    text.to_owned()
}

/// Checks optional free text is not over [`MAX_TEXT`].
fn long_text_check(field: &str, text: &str, errors: &mut Vec<FieldError>) {
    if text.chars().count() > MAX_TEXT {
        errors.push(FieldError::new(
            field,
            format!("Keep this to {MAX_TEXT} characters or fewer"),
        ));
    }
}
