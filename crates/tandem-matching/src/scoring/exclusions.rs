//! The hard exclusions (MAT-2): why a pair may not be matched, each reason
//! in plain English, and the data they need beyond the profiles (line
//! management chains and declared conflicts of interest).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use super::profiles::{MenteeRequest, MentorProfile, MentorStatus, PersonId};

/// A declared conflict of interest between two people.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Conflict {
    /// One person.
    pub a: PersonId,
    /// The other.
    pub b: PersonId,
    /// What the conflict is, as declared.
    pub reason: String,
}

/// What the exclusions need beyond the profiles.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExclusionData {
    /// Each person's chain of line managers, nearest first.
    pub managers: BTreeMap<PersonId, Vec<PersonId>>,
    /// Declared conflicts of interest, in either order.
    pub conflicts: Vec<Conflict>,
    /// (mentee, mentor) pairs already tried for this request: the mentor
    /// declined, or an introduction or relationship between them ended
    /// and the request came back to matching (AGR-2, LIF-4, MAT-5).
    /// A set, looked up once for every pair scored: a list made a run
    /// over thousands of past declines cost their number times every pair.
    pub tried: BTreeSet<(PersonId, PersonId)>,
    /// (mentee, mentor) pairs who had a relationship that has ended, where
    /// the programme does not link a mentee with a former mentor again (MAT-5).
    pub former: BTreeSet<(PersonId, PersonId)>,
}

impl ExclusionData {
    fn manages(&self, manager: PersonId, person: PersonId) -> bool {
        self.managers
            .get(&person)
            .is_some_and(|chain| chain.contains(&manager))
    }
}

/// Why a pair may not be matched (MAT-2).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ExclusionReason {
    /// The mentee and mentor are the same person.
    SamePerson,
    /// The mentor is the mentee's line manager or above them in the chain.
    MentorManagesMentee,
    /// The mentee is the mentor's line manager or above them in the chain.
    MenteeManagesMentor,
    /// A declared conflict of interest, with its description.
    ConflictOfInterest(String),
    /// The mentor is not eligible or not trained, with the reason.
    MentorIneligible(String),
    /// The mentor is not taking mentees now, with the reason.
    MentorUnavailable(String),
    /// The mentor has no free place.
    MentorAtCapacity {
        /// The mentor's capacity.
        capacity: u32,
    },
    /// The mentee asked not to be matched with this mentor.
    MenteeDeclined,
    /// This mentor was proposed for this request before and it did not go
    /// ahead: they declined, or it ended in a No Match or a request for
    /// another mentor.
    TriedBefore,
    /// The mentor mentored this person before, and the programme does not
    /// link them again (only AFC does).
    FormerMentor,
}

impl fmt::Display for ExclusionReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExclusionReason::SamePerson => f.write_str("the mentee and mentor are the same person"),
            ExclusionReason::MentorManagesMentee => {
                f.write_str("the mentor is in the mentee's line-management chain")
            }
            ExclusionReason::MenteeManagesMentor => {
                f.write_str("the mentee is in the mentor's line-management chain")
            }
            ExclusionReason::ConflictOfInterest(reason) => {
                write!(f, "declared conflict of interest: {reason}")
            }
            ExclusionReason::MentorIneligible(reason) => {
                write!(f, "the mentor is not eligible: {reason}")
            }
            ExclusionReason::MentorUnavailable(reason) => {
                write!(f, "the mentor is unavailable: {reason}")
            }
            ExclusionReason::MentorAtCapacity { capacity } => write!(
                f,
                "the mentor is at capacity ({capacity} of {capacity} places taken)"
            ),
            ExclusionReason::MenteeDeclined => {
                f.write_str("the mentee asked not to be matched with this mentor")
            }
            ExclusionReason::TriedBefore => f.write_str(
                "this mentor was proposed for this request before and it did not go ahead",
            ),
            ExclusionReason::FormerMentor => f.write_str(
                "this mentor has mentored them before, and the programme does not link them again",
            ),
        }
    }
}

/// Every hard exclusion that applies to the pair, in a fixed order; empty
/// when the pair is admissible.
pub fn exclusions(
    mentee: &MenteeRequest,
    mentor: &MentorProfile,
    data: &ExclusionData,
) -> Vec<ExclusionReason> {
    let mut reasons = Vec::new();
    if mentee.person == mentor.person {
        reasons.push(ExclusionReason::SamePerson);
    }
    if data.manages(mentor.person, mentee.person) {
        reasons.push(ExclusionReason::MentorManagesMentee);
    }
    if data.manages(mentee.person, mentor.person) {
        reasons.push(ExclusionReason::MenteeManagesMentor);
    }
    for conflict in &data.conflicts {
        if (conflict.a, conflict.b) == (mentee.person, mentor.person)
            || (conflict.b, conflict.a) == (mentee.person, mentor.person)
        {
            reasons.push(ExclusionReason::ConflictOfInterest(conflict.reason.clone()));
        }
    }
    match &mentor.status {
        MentorStatus::Available => {}
        MentorStatus::Ineligible(reason) => {
            reasons.push(ExclusionReason::MentorIneligible(reason.clone()));
        }
        MentorStatus::Unavailable(reason) => {
            reasons.push(ExclusionReason::MentorUnavailable(reason.clone()));
        }
    }
    if mentor.free_places() == 0 {
        reasons.push(ExclusionReason::MentorAtCapacity {
            capacity: mentor.capacity,
        });
    }
    if mentee.not_with.contains(&mentor.person) {
        reasons.push(ExclusionReason::MenteeDeclined);
    }
    if data.tried.contains(&(mentee.person, mentor.person)) {
        reasons.push(ExclusionReason::TriedBefore);
    }
    if data.former.contains(&(mentee.person, mentor.person)) {
        reasons.push(ExclusionReason::FormerMentor);
    }
    reasons
}
