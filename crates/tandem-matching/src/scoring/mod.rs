//! Scoring of (mentee, mentor) pairs by weighted criteria (MAT-1), with one
//! plain-English explanation line per contributing criterion, and the hard
//! exclusions (MAT-2), each with its reason.
//!
//! The parts, each in its own file:
//!
//! - `criteria`: the criteria and the programme's weights;
//! - `profiles`: the mentee's request and the mentor's profile;
//! - `explanations`: one pair's score with a line per criterion (`explain`);
//! - `exclusions`: the hard exclusions and their reasons;
//! - `assessment`: every pair scored with text or excluded with reasons,
//!   and the assignment problem they make (`assess`);
//! - `scorer`, `compiled` and `columns`: the same scores and exclusions
//!   without text, for matching at scale (`Scorer`): the profiles compiled
//!   to bit sets and interned numbers, scored pair by pair or a mentee's
//!   whole row of mentors at once from a column form of the mentors.

mod assessment;
mod columns;
mod compiled;
mod criteria;
mod exclusions;
mod explanations;
mod profiles;
mod scorer;

pub use assessment::{Assessment, ExcludedPair, ScoredPair, assess};
pub(crate) use columns::BLOCK_EXCLUDED;
pub use criteria::{Criterion, Weights};
pub use exclusions::{Conflict, ExclusionData, ExclusionReason, exclusions};
pub use explanations::{Contribution, explain};
pub use profiles::{
    Elsewhere, Identity, MenteeRequest, MentorProfile, MentorStatus, PersonId, Place,
};
pub(crate) use scorer::EXCLUDED;
pub use scorer::Scorer;
