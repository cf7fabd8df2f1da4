//! Tandem's matching engine: scoring with explanations, hard exclusions and
//! the exactly optimal capacitated assignment of mentees to mentors, with a
//! certificate that proves optimality and an independent verifier.
//!
//! The crate is pure: no IO, no clocks, no randomness. See `README.md` for
//! the modes' precise definitions and the proof approach.

mod assignment;
mod cardinality;
mod certificate;
mod engine;
mod problem;
mod scoring;

pub use assignment::{
    SolveError, SolveOptions, solve, solve_grouped, solve_with_score_fn, solve_with_scorer,
};
pub use certificate::{
    CertificateError, verify_certificate, verify_certificate_grouped,
    verify_certificate_with_score_fn, verify_certificate_with_scorer,
};
pub use problem::{
    Blocked, Certificate, FairWitness, Mode, Pair, Problem, Solution, SolveStats, WeightTransform,
};
pub use scoring::{
    Assessment, Conflict, Contribution, Criterion, Elsewhere, ExcludedPair, ExclusionData,
    ExclusionReason, Identity, MenteeRequest, MentorProfile, MentorStatus, PersonId, Place,
    ScoredPair, Scorer, Weights, assess, exclusions, explain,
};
