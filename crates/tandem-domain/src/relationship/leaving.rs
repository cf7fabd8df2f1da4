//! Ending without recrimination (LIF-4, MAT-5) and the No Match (AGR-2):
//! the reasons people choose from, what a coordinator sees of them, and
//! what happens to the mentee's request afterwards.

use serde::{Deserialize, Serialize};

/// Why an introduction ended in a No Match (AGR-2). The programme model
/// has no list of its own, so this is Tandem's, drawn from what CWT 2.2.4
/// asks the pair to check at the introductory meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoMatchReason {
    /// The mentor cannot help with what the mentee needs (CWT 2.2.4: "what specifically they need assistance with").
    NeedsNotMet,
    /// The style of mentoring would not suit (CWT 2.2.4: "what kind of style of mentoring would work best").
    StyleDoesNotSuit,
    /// Frequency, duration or location cannot be agreed (CWT 2.2.4: "expectations about frequency, duration, location").
    ExpectationsDiffer,
    /// An ethical or professional reason not to proceed (CWT 2.2.4).
    EthicalOrProfessional,
    /// A conflict of interest (CWT 2.2.3, AFC "Conflict resolution").
    ConflictOfInterest,
    /// Something else, said in the free text.
    Other,
}

impl NoMatchReason {
    /// Every reason, in the order a form lists them.
    pub const ALL: [NoMatchReason; 6] = [
        NoMatchReason::NeedsNotMet,
        NoMatchReason::StyleDoesNotSuit,
        NoMatchReason::ExpectationsDiffer,
        NoMatchReason::EthicalOrProfessional,
        NoMatchReason::ConflictOfInterest,
        NoMatchReason::Other,
    ];

    /// The stable name stored and used in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            NoMatchReason::NeedsNotMet => "needs_not_met",
            NoMatchReason::StyleDoesNotSuit => "style_does_not_suit",
            NoMatchReason::ExpectationsDiffer => "expectations_differ",
            NoMatchReason::EthicalOrProfessional => "ethical_or_professional",
            NoMatchReason::ConflictOfInterest => "conflict_of_interest",
            NoMatchReason::Other => "other",
        }
    }

    /// What a form shows.
    pub fn label(self) -> &'static str {
        match self {
            NoMatchReason::NeedsNotMet => "The mentor cannot help with what the mentee needs",
            NoMatchReason::StyleDoesNotSuit => "The style of mentoring would not suit",
            NoMatchReason::ExpectationsDiffer => {
                "We could not agree how often, how long or where to meet"
            }
            NoMatchReason::EthicalOrProfessional => {
                "There is an ethical or professional reason not to go ahead"
            }
            NoMatchReason::ConflictOfInterest => "There is a conflict of interest",
            NoMatchReason::Other => "Another reason",
        }
    }

    /// Reads a stored or submitted name.
    pub fn parse(text: &str) -> Option<NoMatchReason> {
        NoMatchReason::ALL
            .into_iter()
            .find(|reason| reason.as_str() == text)
    }
}

/// The kind of reason someone gives for ending, withdrawing or asking for
/// another mentor (LIF-4). It is all a coordinator sees: the words, if any,
/// stay with the pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeaveCategory {
    /// The support is no longer needed.
    NoLongerNeeded,
    /// The pairing is not working: "a clash of personalities or approaches …
    /// does not mean that anyone has failed" (AFC "Conflict resolution").
    NotWorkingOut,
    /// Not enough time, or workload.
    Time,
    /// A change of role, placement or circumstances.
    ChangeOfCircumstances,
    /// A conflict of interest (AFC "Conflict resolution", CON-3).
    ConflictOfInterest,
    /// They would rather not say (LIF-4: the reason is optional).
    PreferNotToSay,
}

impl LeaveCategory {
    /// Every category, in the order a form lists them.
    pub const ALL: [LeaveCategory; 6] = [
        LeaveCategory::NoLongerNeeded,
        LeaveCategory::NotWorkingOut,
        LeaveCategory::Time,
        LeaveCategory::ChangeOfCircumstances,
        LeaveCategory::ConflictOfInterest,
        LeaveCategory::PreferNotToSay,
    ];

    /// The stable name stored and used in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            LeaveCategory::NoLongerNeeded => "no_longer_needed",
            LeaveCategory::NotWorkingOut => "not_working_out",
            LeaveCategory::Time => "time",
            LeaveCategory::ChangeOfCircumstances => "change_of_circumstances",
            LeaveCategory::ConflictOfInterest => "conflict_of_interest",
            LeaveCategory::PreferNotToSay => "prefer_not_to_say",
        }
    }

    /// What a form and the coordinator's overview show.
    pub fn label(self) -> &'static str {
        match self {
            LeaveCategory::NoLongerNeeded => "The support is no longer needed",
            LeaveCategory::NotWorkingOut => "The pairing is not working out",
            LeaveCategory::Time => "Time or workload",
            LeaveCategory::ChangeOfCircumstances => "A change of role or circumstances",
            LeaveCategory::ConflictOfInterest => "A conflict of interest",
            LeaveCategory::PreferNotToSay => "Prefer not to say",
        }
    }

    /// Reads a stored or submitted name.
    pub fn parse(text: &str) -> Option<LeaveCategory> {
        LeaveCategory::ALL
            .into_iter()
            .find(|category| category.as_str() == text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_are_refused() {
        for reason in NoMatchReason::ALL {
            assert_eq!(NoMatchReason::parse(reason.as_str()), Some(reason));
            assert!(!reason.label().is_empty());
        }
        for category in LeaveCategory::ALL {
            assert_eq!(LeaveCategory::parse(category.as_str()), Some(category));
            assert!(!category.label().is_empty());
        }
        assert_eq!(NoMatchReason::parse("bad_fit"), None);
        assert_eq!(LeaveCategory::parse(""), None);
    }
}
