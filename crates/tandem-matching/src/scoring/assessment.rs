//! Every pair of a programme assessed: admissible pairs scored with their
//! explanations, excluded pairs with every reason, and the assignment
//! problem the admissible pairs make.

use super::criteria::Weights;
use super::exclusions::{ExclusionData, ExclusionReason, exclusions};
use super::explanations::{Contribution, explain};
use super::profiles::{MenteeRequest, MentorProfile};
use crate::problem::{Pair, Problem};

/// An admissible pair with its score and explanation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoredPair {
    /// Index into the mentees.
    pub mentee: usize,
    /// Index into the mentors.
    pub mentor: usize,
    /// The sum of the contributions' points.
    pub score: i64,
    /// One line per contributing criterion.
    pub contributions: Vec<Contribution>,
}

/// An excluded pair with every reason that applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExcludedPair {
    /// Index into the mentees.
    pub mentee: usize,
    /// Index into the mentors.
    pub mentor: usize,
    /// Why, never empty.
    pub reasons: Vec<ExclusionReason>,
}

/// Every pair, either scored or excluded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Assessment {
    /// Pairs that may be matched, by mentee then mentor.
    pub admissible: Vec<ScoredPair>,
    /// Pairs that may not, by mentee then mentor.
    pub excluded: Vec<ExcludedPair>,
}

impl Assessment {
    /// The assignment problem of the admissible pairs: each mentor's free
    /// places as capacity, request times as the first-come order.
    pub fn problem(&self, mentees: &[MenteeRequest], mentors: &[MentorProfile]) -> Problem {
        Problem {
            mentee_count: mentees.len(),
            mentor_capacity: mentors.iter().map(MentorProfile::free_places).collect(),
            pairs: self
                .admissible
                .iter()
                .map(|p| Pair {
                    mentee: p.mentee,
                    mentor: p.mentor,
                    score: p.score,
                })
                .collect(),
            mentee_order: Some(mentees.iter().map(|m| m.requested_at).collect()),
        }
    }
}

/// Applies the exclusions to every pair and scores, with explanations, the
/// pairs that remain. This builds explanation text for every pair; for very
/// large programmes use [`Scorer`](crate::Scorer) to score without text and [`explain`]
/// for the pairs proposed.
pub fn assess(
    mentees: &[MenteeRequest],
    mentors: &[MentorProfile],
    weights: &Weights,
    data: &ExclusionData,
) -> Assessment {
    let mut assessment = Assessment::default();
    for (i, mentee) in mentees.iter().enumerate() {
        for (j, mentor) in mentors.iter().enumerate() {
            let reasons = exclusions(mentee, mentor, data);
            if reasons.is_empty() {
                let (score, contributions) = explain(mentee, mentor, weights);
                assessment.admissible.push(ScoredPair {
                    mentee: i,
                    mentor: j,
                    score,
                    contributions,
                });
            } else {
                assessment.excluded.push(ExcludedPair {
                    mentee: i,
                    mentor: j,
                    reasons,
                });
            }
        }
    }
    assessment
}
