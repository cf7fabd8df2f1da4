//! The assignment problem and its answer: the types that scoring
//! ([`crate::Assessment::problem`]), the solver ([`crate::solve`]) and the
//! independent verifier ([`crate::verify_certificate`]) share. It holds data
//! and no solving code, so each of them depends on it and none on another.

use std::fmt;

/// What the assignment optimises. Every mode returns an assignment in which
/// each mentee has at most one mentor and no mentor exceeds their capacity.
/// "Lexicographic" below means the first objective is maximised, then the
/// second among assignments that achieve the first, and so on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Mode {
    /// Maximise the total score; among assignments with that total, match
    /// as many mentees as possible. So a pair with a negative score is never
    /// matched (leaving both free scores more), and a pair scoring zero is
    /// matched whenever a slot allows, because it costs nothing.
    #[default]
    MaxScore,
    /// Lexicographic: match as many mentees as possible, then maximise the
    /// lowest score among the matched pairs, then the total score. Fairness
    /// therefore never leaves someone unmatched who could have been matched.
    Fair,
    /// Take mentees in request order (`mentee_order`, ties by mentee index).
    /// The set of matched mentees is the lexicographically earliest one: a
    /// mentee is matched if and only if it can be matched together with all
    /// earlier mentees already chosen. So an earlier request is never left
    /// unmatched while a later one is matched in its place. Among
    /// assignments matching exactly that set, maximise the total score.
    FirstComeFirstServed,
    /// Lexicographic: match as many mentees as possible, then maximise the
    /// total score.
    MaxMatches,
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Mode::MaxScore => "highest total score",
            Mode::Fair => "fairest (best lowest score)",
            Mode::FirstComeFirstServed => "first come, first served",
            Mode::MaxMatches => "most mentees matched",
        })
    }
}

/// One admissible pair, or one matched pair in a [`Solution`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pair {
    /// Mentee index, `0..mentee_count`.
    pub mentee: usize,
    /// Mentor index, `0..mentor_capacity.len()`.
    pub mentor: usize,
    /// The pair's score; higher is better.
    pub score: i64,
}

/// An assignment problem given as an explicit list of admissible pairs.
/// Pairs not listed are inadmissible (excluded).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Problem {
    /// Number of mentees; mentees are `0..mentee_count`.
    pub mentee_count: usize,
    /// Free places of each mentor; mentors are `0..mentor_capacity.len()`.
    pub mentor_capacity: Vec<u32>,
    /// The admissible pairs, each `(mentee, mentor)` at most once.
    pub pairs: Vec<Pair>,
    /// Request order for [`Mode::FirstComeFirstServed`] (for example the
    /// request time); smaller is earlier. `None` means mentee index order.
    pub mentee_order: Option<Vec<u64>>,
}

/// Figures about the work done, for benchmarks and curiosity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SolveStats {
    /// Pairs in the final sparse graph.
    pub candidate_pairs: usize,
    /// Number of sparse solves (1 when the first proof succeeded).
    pub rounds: usize,
    /// Pairs added because they broke the proof.
    pub added_pairs: usize,
}

/// An optimal assignment with its proof.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Solution {
    /// The matched pairs, ordered by mentee.
    pub pairs: Vec<Pair>,
    /// The sum of the matched pairs' scores.
    pub total_score: i64,
    /// The number of matched mentees.
    pub matched: usize,
    /// The proof of optimality; see [`crate::verify_certificate`].
    pub certificate: Certificate,
    /// Work done.
    pub stats: SolveStats,
}

/// Transformed weight `scale × score + offset`, chosen so that maximising
/// the sum of transformed weights is the mode's lexicographic objective.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WeightTransform {
    /// Multiplies the score.
    pub scale: i64,
    /// Added once per matched pair.
    pub offset: i64,
}

impl WeightTransform {
    /// The transformed weight of a pair with this score. The solver only
    /// builds transforms for which this cannot overflow.
    pub fn apply(self, score: i64) -> i64 {
        score * self.scale + self.offset
    }
}

/// For [`Mode::Fair`]: why no assignment matches more mentees, and why none
/// with that many has a better lowest score.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FairWitness {
    /// The lowest matched score, which no maximum assignment can exceed;
    /// `None` when nobody can be matched. Only pairs scoring at least this
    /// are allowed in the final, score-maximising step.
    pub threshold: Option<i64>,
    /// Mentees `X` with `mentees − |X| + places(N(X)) ≤ matched`, where
    /// `N(X)` is the set of mentors admissible for some member of `X`: no
    /// assignment matches more mentees than were matched.
    pub max_matched_witness: Vec<usize>,
    /// The same kind of set for the pairs scoring strictly above the
    /// threshold, with `mentees − |X| + places(N(X)) < matched`: using only
    /// those pairs, fewer mentees can be matched. `None` when no pair scores
    /// above the threshold.
    pub above_threshold_witness: Option<Vec<usize>>,
}

/// For [`Mode::FirstComeFirstServed`]: an unmatched mentee and a set of
/// mentees (it and some earlier matched ones) with fewer mentor places
/// between them than members, so it could not join those earlier mentees.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Blocked {
    /// The unmatched mentee.
    pub mentee: usize,
    /// The Hall violator: the mentee and earlier matched mentees.
    pub hall_set: Vec<usize>,
}

/// The proof that a [`Solution`] is optimal for its mode.
///
/// The dual values satisfy `u(i) + v(j) ≥ scale × score(i, j) + offset` for
/// every allowed pair, with equality on matched pairs, `u(i) > 0` only for
/// matched mentees and `v(j) > 0` only for full mentors. By linear
/// programming duality no assignment of the allowed pairs has a larger
/// transformed total. `v(j)` is shared by all of mentor j's places.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Certificate {
    /// The mode solved.
    pub mode: Mode,
    /// The weight transform of the final optimisation.
    pub transform: WeightTransform,
    /// One dual value per mentee.
    pub mentee_dual: Vec<i64>,
    /// One dual value per mentor (the price of each of the mentor's places).
    pub mentor_dual: Vec<i64>,
    /// Set for [`Mode::Fair`].
    pub fair: Option<FairWitness>,
    /// For [`Mode::FirstComeFirstServed`], one entry per unmatched mentee.
    pub first_come: Vec<Blocked>,
}
