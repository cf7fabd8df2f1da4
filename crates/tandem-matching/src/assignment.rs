//! The capacitated assignment of mentees to mentors, exactly optimal for the
//! chosen [`Mode`], with a [`Certificate`] that proves it.

use std::fmt;
use std::ops::Range;

use crate::cardinality::{self, Adjacency};
use crate::engine::{self, Graph, NONE};
use crate::problem::{
    Blocked, Certificate, FairWitness, Mode, Pair, Problem, Solution, SolveStats, WeightTransform,
};
use crate::scoring::{BLOCK_EXCLUDED, EXCLUDED, Scorer};

/// Transformed weights must stay within this bound so the engine's `i64`
/// arithmetic (duals within `[0, max w]`, reduced costs within three times
/// that) cannot overflow.
const WEIGHT_LIMIT: i64 = 1 << 60;

/// How to solve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SolveOptions {
    /// The objective.
    pub mode: Mode,
    /// Solve first on each mentee's best `k` pairs, then prove the result
    /// against every pair (adding any pair that breaks the proof and solving
    /// again). `None` solves on all pairs at once. The result is optimal
    /// either way; this only affects speed.
    pub candidates_per_mentee: Option<usize>,
    /// Threads for the passes over all pairs; `None` uses what the machine
    /// offers.
    pub threads: Option<usize>,
}

impl Default for SolveOptions {
    fn default() -> Self {
        SolveOptions {
            mode: Mode::MaxScore,
            candidates_per_mentee: Some(10),
            threads: None,
        }
    }
}

impl SolveOptions {
    /// Options for `mode` with the other settings at their defaults.
    pub fn with_mode(mode: Mode) -> Self {
        SolveOptions {
            mode,
            ..SolveOptions::default()
        }
    }
}

/// Why a problem could not be solved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SolveError {
    /// A pair names a mentee that does not exist.
    MenteeOutOfRange {
        /// The offending index.
        mentee: usize,
    },
    /// A pair names a mentor that does not exist.
    MentorOutOfRange {
        /// The offending index.
        mentor: usize,
    },
    /// The same pair is listed twice.
    DuplicatePair {
        /// The mentee.
        mentee: usize,
        /// The mentor.
        mentor: usize,
    },
    /// A mentee's pairs, given grouped ([`solve_grouped`]), are not in
    /// ascending mentor order.
    Unsorted {
        /// The mentee.
        mentee: usize,
    },
    /// `mentee_order` does not have one entry per mentee.
    OrderLength {
        /// Entries expected.
        expected: usize,
        /// Entries given.
        given: usize,
    },
    /// More mentees or mentors than the solver indexes (about four billion).
    TooLarge,
    /// The scores are so large that the exact arithmetic could overflow.
    ScoresTooLarge,
}

impl fmt::Display for SolveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SolveError::MenteeOutOfRange { mentee } => {
                write!(f, "a pair names mentee {mentee}, who does not exist")
            }
            SolveError::MentorOutOfRange { mentor } => {
                write!(f, "a pair names mentor {mentor}, who does not exist")
            }
            SolveError::DuplicatePair { mentee, mentor } => {
                write!(f, "mentee {mentee} and mentor {mentor} are listed twice")
            }
            SolveError::Unsorted { mentee } => {
                write!(f, "mentee {mentee}'s pairs are not in mentor order")
            }
            SolveError::OrderLength { expected, given } => write!(
                f,
                "the request order has {given} entries but there are {expected} mentees"
            ),
            SolveError::TooLarge => f.write_str("too many mentees or mentors to solve"),
            SolveError::ScoresTooLarge => {
                f.write_str("the scores are too large to optimise exactly")
            }
        }
    }
}

impl std::error::Error for SolveError {}

/// Solves an explicit problem exactly in the given mode.
///
/// # Errors
/// When the problem is malformed (see [`SolveError`]).
pub fn solve(problem: &Problem, options: &SolveOptions) -> Result<Solution, SolveError> {
    let m = problem.mentee_count;
    let n = problem.mentor_capacity.len();
    check_sizes(m, n)?;
    let order = request_order(m, problem.mentee_order.as_deref())?;
    let rows = rows_from_pairs(problem)?;
    solve_rows(&rows, &problem.mentor_capacity, &order, options)
}

/// Solves, exactly as [`solve`] would, a problem whose admissible pairs
/// come grouped by mentee: `rows[i]` holds mentee `i`'s `(mentor, score)`
/// pairs in ascending mentor order, each mentor at most once. It reads
/// the rows where they are instead of copying them, for callers that hold
/// millions of pairs (`tandem match solve`).
///
/// # Errors
/// As [`solve`], and [`SolveError::Unsorted`] for a row out of order.
pub fn solve_grouped(
    rows: &[Vec<(u32, i64)>],
    mentor_capacity: &[u32],
    mentee_order: Option<&[u64]>,
    options: &SolveOptions,
) -> Result<Solution, SolveError> {
    let m = rows.len();
    let n = mentor_capacity.len();
    check_sizes(m, n)?;
    let order = request_order(m, mentee_order)?;
    let mut any_closed = false;
    for (i, row) in rows.iter().enumerate() {
        for pair in row.windows(2) {
            if pair[0].0 == pair[1].0 {
                return Err(SolveError::DuplicatePair {
                    mentee: i,
                    mentor: pair[0].0 as usize,
                });
            }
            if pair[0].0 > pair[1].0 {
                return Err(SolveError::Unsorted { mentee: i });
            }
        }
        if let Some(&(last, _)) = row.last() {
            let last = last as usize;
            if last >= n {
                return Err(SolveError::MentorOutOfRange { mentor: last });
            }
        }
        any_closed |= row.iter().any(|&(j, _)| mentor_capacity[j as usize] == 0);
    }
    if any_closed {
        // As `rows_from_pairs`: a mentor with no free place is never matched.
        let open: Vec<Vec<(u32, i64)>> = rows
            .iter()
            .map(|row| {
                row.iter()
                    .copied()
                    .filter(|&(j, _)| mentor_capacity[j as usize] > 0)
                    .collect()
            })
            .collect();
        return solve_rows(&open, mentor_capacity, &order, options);
    }
    solve_rows(rows, mentor_capacity, &order, options)
}

/// Solves a problem whose scores come from a function, without storing every
/// pair: `score(mentee, mentor)` returns the pair's score, or `None` when the
/// pair is excluded. It must be deterministic; it is called from several
/// threads.
///
/// [`Mode::MaxScore`] and [`Mode::MaxMatches`] use the sparse candidate graph
/// and prove optimality with passes over the function, so memory stays
/// proportional to `mentees × candidates_per_mentee`. [`Mode::Fair`] and
/// [`Mode::FirstComeFirstServed`] decide who is matched from the whole
/// graph, so they collect every admissible pair first.
///
/// # Errors
/// When `mentee_order` has the wrong length or the sizes or scores are too
/// large (see [`SolveError`]).
pub fn solve_with_score_fn<F>(
    mentee_count: usize,
    mentor_capacity: &[u32],
    mentee_order: Option<&[u64]>,
    score: F,
    options: &SolveOptions,
) -> Result<Solution, SolveError>
where
    F: Fn(usize, usize) -> Option<i64> + Sync,
{
    let m = mentee_count;
    let n = mentor_capacity.len();
    check_sizes(m, n)?;
    let order = request_order(m, mentee_order)?;
    let threads = thread_count(options.threads, m.saturating_mul(n));
    match options.mode {
        Mode::MaxScore | Mode::MaxMatches => {
            let active: Vec<u32> = (0..n as u32)
                .filter(|&j| mentor_capacity[j as usize] > 0)
                .collect();
            let source = FnSource {
                score: &score,
                active: &active,
            };
            sparse_solve(
                &source,
                m,
                mentor_capacity,
                options.mode,
                options.candidates_per_mentee,
                threads,
            )
        }
        Mode::Fair | Mode::FirstComeFirstServed => {
            let rows: Vec<Vec<(u32, i64)>> = parallel_map(m, threads, |range| {
                range
                    .map(|i| {
                        (0..n)
                            .filter(|&j| mentor_capacity[j] > 0)
                            .filter_map(|j| score(i, j).map(|s| (j as u32, s)))
                            .collect()
                    })
                    .collect()
            });
            solve_rows(&rows, mentor_capacity, &order, options)
        }
    }
}

/// Solves the problem scored by `scorer`, exactly as
/// [`solve_with_score_fn`] with `|i, j| scorer.score(i, j)` would, but
/// scoring each mentee's row of mentors at once, which is many times
/// faster. `mentor_capacity` has one entry per mentor of the scorer.
///
/// # Errors
/// As [`solve_with_score_fn`].
pub fn solve_with_scorer(
    scorer: &Scorer,
    mentor_capacity: &[u32],
    mentee_order: Option<&[u64]>,
    options: &SolveOptions,
) -> Result<Solution, SolveError> {
    let m = scorer.mentee_count();
    let n = mentor_capacity.len();
    let by_pair = |i: usize, j: usize| scorer.score(i, j);
    if n != scorer.mentor_count() {
        return solve_with_score_fn(m, mentor_capacity, mentee_order, by_pair, options);
    }
    check_sizes(m, n)?;
    let order = request_order(m, mentee_order)?;
    let threads = thread_count(options.threads, m.saturating_mul(n));
    if !matches!(options.mode, Mode::MaxScore | Mode::MaxMatches) {
        // Fair and first come, first served decide who is matched from the
        // whole graph: collect every admissible pair, a row at a time.
        let rows: Vec<Vec<(u32, i64)>> = parallel_map(m, threads, |range| {
            let mut scores = vec![0; n];
            range
                .map(|i| {
                    scorer.score_row(i, &mut scores);
                    scores
                        .iter()
                        .enumerate()
                        .filter(|&(j, &s)| s != EXCLUDED && mentor_capacity[j] > 0)
                        .map(|(j, &s)| (j as u32, s))
                        .collect()
                })
                .collect()
        });
        return solve_rows(&rows, mentor_capacity, &order, options);
    }
    let active: Vec<u32> = (0..n as u32)
        .filter(|&j| mentor_capacity[j as usize] > 0)
        .collect();
    let inactive: Vec<u32> = (0..n as u32)
        .filter(|&j| mentor_capacity[j as usize] == 0)
        .collect();
    let source = ScorerSource {
        scorer,
        active: &active,
        inactive: &inactive,
    };
    sparse_solve(
        &source,
        m,
        mentor_capacity,
        options.mode,
        options.candidates_per_mentee,
        threads,
    )
}

fn check_sizes(m: usize, n: usize) -> Result<(), SolveError> {
    // Indices are stored as u32 with u32::MAX reserved, and release events
    // are coded as n + i.
    if m.saturating_add(n) >= u32::MAX as usize {
        return Err(SolveError::TooLarge);
    }
    Ok(())
}

/// Mentees in request order, ties by index.
fn request_order(m: usize, keys: Option<&[u64]>) -> Result<Vec<u32>, SolveError> {
    let mut order: Vec<u32> = (0..m as u32).collect();
    if let Some(keys) = keys {
        if keys.len() != m {
            return Err(SolveError::OrderLength {
                expected: m,
                given: keys.len(),
            });
        }
        order.sort_by_key(|&i| (keys[i as usize], i));
    }
    Ok(order)
}

/// Groups the admissible pairs by mentee, dropping pairs with mentors who
/// have no free place: such a pair can never be matched.
fn rows_from_pairs(problem: &Problem) -> Result<Vec<Vec<(u32, i64)>>, SolveError> {
    let m = problem.mentee_count;
    let n = problem.mentor_capacity.len();
    let mut rows: Vec<Vec<(u32, i64)>> = vec![Vec::new(); m];
    for pair in &problem.pairs {
        if pair.mentee >= m {
            return Err(SolveError::MenteeOutOfRange {
                mentee: pair.mentee,
            });
        }
        if pair.mentor >= n {
            return Err(SolveError::MentorOutOfRange {
                mentor: pair.mentor,
            });
        }
        if problem.mentor_capacity[pair.mentor] > 0 {
            rows[pair.mentee].push((pair.mentor as u32, pair.score));
        }
    }
    for (i, row) in rows.iter_mut().enumerate() {
        row.sort_unstable_by_key(|&(j, _)| j);
        if let Some(w) = row.windows(2).find(|w| w[0].0 == w[1].0) {
            return Err(SolveError::DuplicatePair {
                mentee: i,
                mentor: w[0].0 as usize,
            });
        }
    }
    Ok(rows)
}

fn solve_rows(
    rows: &[Vec<(u32, i64)>],
    capacity: &[u32],
    order: &[u32],
    options: &SolveOptions,
) -> Result<Solution, SolveError> {
    let m = rows.len();
    let pair_count: usize = rows.iter().map(Vec::len).sum();
    let threads = thread_count(options.threads, pair_count);
    let k = options.candidates_per_mentee;
    match options.mode {
        Mode::MaxScore | Mode::MaxMatches => {
            let source = RowSource { rows };
            sparse_solve(&source, m, capacity, options.mode, k, threads)
        }
        Mode::Fair => solve_fair(rows, capacity, k, threads),
        Mode::FirstComeFirstServed => solve_first_come(rows, capacity, order, k, threads),
    }
}

fn adjacency(rows: &[Vec<(u32, i64)>], keep: impl Fn(i64) -> bool) -> Adjacency {
    let rows: Vec<Vec<u32>> = rows
        .iter()
        .map(|row| {
            row.iter()
                .filter(|&&(_, s)| keep(s))
                .map(|&(j, _)| j)
                .collect()
        })
        .collect();
    Adjacency::from_rows(&rows)
}

fn matched_count(mate: &[u32]) -> usize {
    mate.iter().filter(|&&j| j != NONE).count()
}

fn solve_fair(
    rows: &[Vec<(u32, i64)>],
    capacity: &[u32],
    k: Option<usize>,
    threads: usize,
) -> Result<Solution, SolveError> {
    let m = rows.len();
    let identity: Vec<u32> = (0..m as u32).collect();
    let everyone = adjacency(rows, |_| true);
    let full = cardinality::greedy(&everyone, capacity, &identity);
    let most = matched_count(&full.mate);
    let max_matched_witness = to_usize(&cardinality::deficiency_witness(
        &everyone, capacity, &full.mate,
    ));

    let mut scores: Vec<i64> = rows.iter().flatten().map(|&(_, s)| s).collect();
    scores.sort_unstable();
    scores.dedup();

    if most == 0 || scores.is_empty() {
        let source = RowSource { rows };
        let mut solution = sparse_solve(&source, m, capacity, Mode::Fair, k, threads)?;
        solution.certificate.fair = Some(FairWitness {
            threshold: None,
            max_matched_witness,
            above_threshold_witness: None,
        });
        return Ok(solution);
    }

    // The largest threshold t such that pairs scoring at least t still
    // match `most` mentees. Feasibility only shrinks as t grows, so binary
    // search over the distinct scores; index 0 (all pairs) is feasible.
    let feasible = |t: i64| {
        let graph = adjacency(rows, |s| s >= t);
        matched_count(&cardinality::greedy(&graph, capacity, &identity).mate) == most
    };
    let (mut low, mut high) = (0usize, scores.len() - 1);
    while low < high {
        let mid = low + (high - low).div_ceil(2);
        if feasible(scores[mid]) {
            low = mid;
        } else {
            high = mid - 1;
        }
    }
    let threshold = scores[low];
    let above_threshold_witness = scores.get(low + 1).map(|&next| {
        let graph = adjacency(rows, |s| s >= next);
        let greedy = cardinality::greedy(&graph, capacity, &identity);
        to_usize(&cardinality::deficiency_witness(
            &graph,
            capacity,
            &greedy.mate,
        ))
    });

    let kept: Vec<Vec<(u32, i64)>> = rows
        .iter()
        .map(|row| {
            row.iter()
                .copied()
                .filter(|&(_, s)| s >= threshold)
                .collect()
        })
        .collect();
    let source = RowSource { rows: &kept };
    let mut solution = sparse_solve(&source, m, capacity, Mode::Fair, k, threads)?;
    solution.certificate.fair = Some(FairWitness {
        threshold: Some(threshold),
        max_matched_witness,
        above_threshold_witness,
    });
    Ok(solution)
}

fn solve_first_come(
    rows: &[Vec<(u32, i64)>],
    capacity: &[u32],
    order: &[u32],
    k: Option<usize>,
    threads: usize,
) -> Result<Solution, SolveError> {
    let m = rows.len();
    let everyone = adjacency(rows, |_| true);
    let greedy = cardinality::greedy(&everyone, capacity, order);
    let kept: Vec<Vec<(u32, i64)>> = rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            if greedy.mate[i] == NONE {
                Vec::new()
            } else {
                row.clone()
            }
        })
        .collect();
    let source = RowSource { rows: &kept };
    let mut solution = sparse_solve(&source, m, capacity, Mode::FirstComeFirstServed, k, threads)?;
    solution.certificate.first_come = greedy
        .blocked
        .into_iter()
        .map(|(mentee, hall_set)| Blocked {
            mentee: mentee as usize,
            hall_set: to_usize(&hall_set),
        })
        .collect();
    Ok(solution)
}

fn to_usize(list: &[u32]) -> Vec<usize> {
    list.iter().map(|&x| x as usize).collect()
}

/// The canonical weight transform for a mode, so that maximising the sum of
/// transformed weights is the mode's lexicographic objective. `k` bounds the
/// number of matched pairs; `low..=high` bounds the allowed scores.
pub(crate) fn transform_for(
    mode: Mode,
    k: usize,
    low: i64,
    high: i64,
) -> Result<WeightTransform, SolveError> {
    let k = i64::try_from(k).map_err(|_| SolveError::ScoresTooLarge)?;
    let transform = match mode {
        // Total first, then count: a unit of score outweighs any count.
        Mode::MaxScore => WeightTransform {
            scale: k.checked_add(1).ok_or(SolveError::ScoresTooLarge)?,
            offset: 1,
        },
        // Count first, then total: one more pair outweighs any score change.
        Mode::Fair | Mode::FirstComeFirstServed | Mode::MaxMatches => {
            let spread = high
                .checked_sub(low)
                .and_then(|d| d.checked_mul(k))
                .and_then(|d| d.checked_add(low.min(0).checked_neg()?))
                .and_then(|d| d.checked_add(1))
                .ok_or(SolveError::ScoresTooLarge)?;
            WeightTransform {
                scale: 1,
                offset: spread,
            }
        }
    };
    for s in [low, high] {
        let w = s
            .checked_mul(transform.scale)
            .and_then(|w| w.checked_add(transform.offset))
            .ok_or(SolveError::ScoresTooLarge)?;
        if w.abs() > WEIGHT_LIMIT {
            return Err(SolveError::ScoresTooLarge);
        }
    }
    Ok(transform)
}

/// The mentor side of the duals, for checking pairs against them.
struct MentorDuals<'a> {
    v: &'a [i64],
    /// Mentors with places, by ascending `v`.
    by_v: &'a [u32],
    transform: WeightTransform,
    /// Pairs within this much of violating are reported too (see
    /// [`Source::near_pairs`]).
    slack: i64,
}

/// The full set of pairs, seen by the sparse solver.
trait Source: Sync {
    /// Whether the proof pass should also report pairs within one score
    /// point of violating, so that fewer rounds are needed. Only sources
    /// whose passes are cheap do.
    fn near_pairs(&self) -> bool {
        false
    }

    /// Puts mentee i's best `k` pairs (all when `None`) in `best`, by
    /// descending score.
    fn top(&self, i: usize, k: Option<usize>, best: &mut Vec<(u32, i64)>) -> Top;

    /// Appends to `out` each allowed pair `(j, s)` of mentee `i` with
    /// `t(s) + slack > u + v[j]`, given that every allowed pair outside the
    /// candidates scores at most `bound`. `by_v` lists the mentors by
    /// ascending `v`.
    fn violations(
        &self,
        i: usize,
        u: i64,
        bound: i64,
        duals: &MentorDuals<'_>,
        out: &mut Vec<(u32, i64)>,
    );
}

struct RowSource<'a> {
    rows: &'a [Vec<(u32, i64)>],
}

impl Source for RowSource<'_> {
    fn top(&self, i: usize, k: Option<usize>, best: &mut Vec<(u32, i64)>) -> Top {
        top_k(self.rows[i].iter().copied(), k, best)
    }

    fn violations(
        &self,
        i: usize,
        u: i64,
        _bound: i64,
        duals: &MentorDuals<'_>,
        out: &mut Vec<(u32, i64)>,
    ) {
        let (v, t) = (duals.v, duals.transform);
        for &(j, s) in &self.rows[i] {
            if t.apply(s) > u + v[j as usize] {
                out.push((j, s));
            }
        }
    }
}

struct FnSource<'a, F> {
    score: &'a F,
    /// Mentors with a free place; others can never be matched.
    active: &'a [u32],
}

impl<F> Source for FnSource<'_, F>
where
    F: Fn(usize, usize) -> Option<i64> + Sync,
{
    fn top(&self, i: usize, k: Option<usize>, best: &mut Vec<(u32, i64)>) -> Top {
        let pairs = self
            .active
            .iter()
            .filter_map(|&j| (self.score)(i, j as usize).map(|s| (j, s)));
        top_k(pairs, k, best)
    }

    fn violations(
        &self,
        i: usize,
        u: i64,
        bound: i64,
        duals: &MentorDuals<'_>,
        out: &mut Vec<(u32, i64)>,
    ) {
        let (v, by_v, t) = (duals.v, duals.by_v, duals.transform);
        // A pair can only violate if v[j] < t(bound) − u, since every
        // non-candidate scores at most `bound`; candidates never violate.
        let limit = t.apply(bound) - u;
        for &j in by_v {
            if v[j as usize] >= limit {
                break;
            }
            if let Some(s) = (self.score)(i, j as usize)
                && t.apply(s) > u + v[j as usize]
            {
                out.push((j, s));
            }
        }
    }
}

/// Pairs scored by a [`Scorer`], a whole row at a time.
struct ScorerSource<'a> {
    scorer: &'a Scorer,
    /// Mentors with a free place; others can never be matched.
    active: &'a [u32],
    /// The other mentors, sorted.
    inactive: &'a [u32],
}

/// Scores spanning fewer values than this count as heavily tied.
const FEW_SCORES: i64 = 256;

/// Ties at the k-th best score are kept up to this many times k pairs.
const TIE_FACTOR: usize = 5;

thread_local! {
    /// One row of scores per thread, reused across mentees.
    static ROW: std::cell::RefCell<Vec<i64>> = const { std::cell::RefCell::new(Vec::new()) };
}

impl ScorerSource<'_> {
    /// The best `k` pairs and every pair tied with the k-th best, up to
    /// `TIE_FACTOR × k` pairs, by descending score. Scores are often tied;
    /// keeping the whole tie means every pair left out scores strictly
    /// less, so far fewer of them break the proof later. Blocks of mentors
    /// that cannot enter are skipped after one vectorised maximum. `None`
    /// when the scorer cannot score by blocks.
    fn top_by_blocks(&self, i: usize, k: usize, best: &mut Vec<(u32, i64)>) -> Option<Top> {
        let k = k.max(1);
        let limit = TIE_FACTOR * k;
        let mut count = 0usize;
        let mut low = i32::MAX;
        let mut high = i32::MIN;
        let mut left = i32::MIN;
        // Pairs are taken while fewer than k are kept or they score at
        // least `kth`, the k-th best kept so far.
        let mut kth = i32::MIN;
        let mut kept: Vec<(u32, i32)> = Vec::with_capacity(limit + 1);
        // Start each mentee's row at a different mentor, so that where
        // scores tie, mentees keep different mentors rather than all the
        // first ones: otherwise a run where everyone ties proposes every
        // mentee to the same few mentors and proves the rest pair by pair.
        let from = spread(i, self.scorer.mentor_count());
        let scored = self
            .scorer
            .score_blocks(i, self.inactive, from, |start, block| {
                let mut block_high = i32::MIN;
                let mut block_low = i32::MAX;
                let mut excluded = 0usize;
                for &s in block {
                    let out = s == BLOCK_EXCLUDED;
                    excluded += usize::from(out);
                    block_high = block_high.max(s);
                    block_low = block_low.min(if out { i32::MAX } else { s });
                }
                count += block.len() - excluded;
                if block_high == BLOCK_EXCLUDED {
                    return;
                }
                high = high.max(block_high);
                low = low.min(block_low);
                // Skip the block when nothing in it can enter: all below the
                // k-th best, or tied with it once the tie is full.
                if kept.len() >= k
                    && (block_high < kth || (block_high == kth && kept.len() >= limit))
                {
                    left = left.max(block_high);
                    return;
                }
                for (j, &s) in (start as u32..).zip(block) {
                    if s == BLOCK_EXCLUDED {
                        continue;
                    }
                    if kept.len() >= k && s < kth {
                        left = left.max(s);
                        continue;
                    }
                    if kept.len() >= limit && s == kth {
                        // The tie is too long; this pair is left out.
                        left = left.max(s);
                        continue;
                    }
                    let at = kept.partition_point(|&(_, t)| t >= s);
                    kept.insert(at, (j, s));
                    if kept.len() >= k {
                        kth = kept[k - 1].1;
                        // Drop what fell below the k-th best, then ties beyond
                        // the limit.
                        while let Some(&(_, t)) = kept.last() {
                            if t < kth || kept.len() > limit {
                                left = left.max(t);
                                kept.pop();
                            } else {
                                break;
                            }
                        }
                    }
                }
            });
        if !scored {
            return None;
        }
        best.extend(kept.iter().map(|&(j, s)| (j, i64::from(s))));
        Some(Top {
            count,
            low: i64::from(low),
            high: i64::from(high),
            left_out: (count > best.len()).then_some(i64::from(left)),
        })
    }

    fn with_row<T>(&self, i: usize, f: impl FnOnce(&[i64]) -> T) -> T {
        ROW.with(|row| {
            let mut row = row.borrow_mut();
            row.resize(self.scorer.mentor_count(), 0);
            self.scorer.score_row(i, &mut row);
            f(&row)
        })
    }
}

impl Source for ScorerSource<'_> {
    fn near_pairs(&self) -> bool {
        true
    }
    fn top(&self, i: usize, k: Option<usize>, best: &mut Vec<(u32, i64)>) -> Top {
        if let Some(k) = k
            && let Some(top) = self.top_by_blocks(i, k, best)
        {
            return top;
        }
        self.with_row(i, |row| {
            let pairs = self.active.iter().filter_map(|&j| {
                let s = row[j as usize];
                (s != EXCLUDED).then_some((j, s))
            });
            top_k(pairs, k, best)
        })
    }

    fn violations(
        &self,
        i: usize,
        u: i64,
        bound: i64,
        duals: &MentorDuals<'_>,
        out: &mut Vec<(u32, i64)>,
    ) {
        let (v, by_v, t) = (duals.v, duals.by_v, duals.transform);
        let u = u - duals.slack;
        let limit = t.apply(bound) - u;
        let count = by_v.partition_point(|&j| v[j as usize] < limit);
        let check = &by_v[..count];
        // A few mentors are cheaper pair by pair than a whole row.
        if count * 8 < self.scorer.mentor_count() {
            for &j in check {
                if let Some(s) = self.scorer.score(i, j as usize)
                    && t.apply(s) > u + v[j as usize]
                {
                    out.push((j, s));
                }
            }
            return;
        }
        self.with_row(i, |row| {
            for &j in check {
                let s = row[j as usize];
                if s != EXCLUDED && t.apply(s) > u + v[j as usize] {
                    out.push((j, s));
                }
            }
        });
    }
}

/// Where mentee `i`'s row starts among `n` mentors: consecutive mentees
/// start far apart, and every mentor starts about as many rows.
fn spread(i: usize, n: usize) -> usize {
    if n == 0 {
        return 0;
    }
    // The golden ratio's fraction of 2^64: successive multiples are spread
    // evenly around the circle (Weyl's sequence).
    let x = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    ((u128::from(x) * n as u128) >> 64) as usize
}

/// What [`top_k`] saw of one mentee's pairs.
struct Top {
    count: usize,
    low: i64,
    high: i64,
    /// The highest score among the pairs not kept.
    left_out: Option<i64>,
}

/// Keeps the best `k` pairs (all when `None`) sorted by descending score.
/// This is the hot loop over every pair, so its state stays in locals and
/// most pairs cost a couple of comparisons.
fn top_k(
    pairs: impl Iterator<Item = (u32, i64)>,
    k: Option<usize>,
    best: &mut Vec<(u32, i64)>,
) -> Top {
    let mut low = i64::MAX;
    let mut high = i64::MIN;
    let mut count = 0usize;
    let Some(k) = k else {
        for (j, s) in pairs {
            low = low.min(s);
            high = high.max(s);
            best.push((j, s));
        }
        return Top {
            count: best.len(),
            low,
            high,
            left_out: None,
        };
    };
    best.reserve(k + 1);
    let mut left = i64::MIN;
    // Scores at or below `worst` cannot enter once `k` are kept.
    let mut worst = i64::MIN;
    for (j, s) in pairs {
        count += 1;
        low = low.min(s);
        high = high.max(s);
        if s > worst || best.len() < k {
            let at = best.partition_point(|&(_, t)| t >= s);
            best.insert(at, (j, s));
            if best.len() > k
                && let Some((_, dropped)) = best.pop()
            {
                left = left.max(dropped);
            }
            if best.len() == k {
                worst = best[k - 1].1;
            }
        } else {
            left = left.max(s);
        }
    }
    Top {
        count,
        low,
        high,
        left_out: (count > k).then_some(left),
    }
}

/// Each mentee's best `k` pairs, and the best score left out.
struct Candidates {
    rows: Vec<Vec<(u32, i64)>>,
    /// The highest score among mentee i's pairs left out, if any.
    bound: Vec<Option<i64>>,
    low: i64,
    high: i64,
    any: bool,
}

fn candidates<S: Source>(source: &S, m: usize, k: Option<usize>, threads: usize) -> Candidates {
    type Chunk = (Vec<(Vec<(u32, i64)>, Option<i64>)>, i64, i64, bool);
    let chunks: Vec<Chunk> = parallel_map(m, threads, |range| {
        let mut low = i64::MAX;
        let mut high = i64::MIN;
        let mut any = false;
        let mut out = Vec::with_capacity(range.len());
        for i in range {
            let mut best: Vec<(u32, i64)> = Vec::new();
            let top = source.top(i, k.map(|k| k.max(1)), &mut best);
            if top.count > 0 {
                low = low.min(top.low);
                high = high.max(top.high);
                any = true;
            }
            out.push((best, top.left_out));
        }
        vec![(out, low, high, any)]
    });
    let mut result = Candidates {
        rows: Vec::with_capacity(m),
        bound: Vec::with_capacity(m),
        low: i64::MAX,
        high: i64::MIN,
        any: false,
    };
    for (rows, low, high, any) in chunks {
        for (row, bound) in rows {
            result.rows.push(row);
            result.bound.push(bound);
        }
        result.low = result.low.min(low);
        result.high = result.high.max(high);
        result.any |= any;
    }
    result
}

/// The most pairs one mentee gains in a round of [`sparse_solve`].
const ADDED_PER_ROUND: usize = 64;

/// Solves on candidate pairs, proves the result against all pairs of the
/// source and repeats with the violators added until the proof holds.
fn sparse_solve<S: Source>(
    source: &S,
    m: usize,
    capacity: &[u32],
    mode: Mode,
    k: Option<usize>,
    threads: usize,
) -> Result<Solution, SolveError> {
    let n = capacity.len();
    let mut cand = candidates(source, m, k, threads);
    let slots: usize = capacity.iter().map(|&c| c as usize).sum();
    let most = m.min(slots);
    let (low, high) = if cand.any {
        (cand.low, cand.high)
    } else {
        (0, 0)
    };
    let transform = transform_for(mode, most, low, high)?;
    // Scores from weighted criteria take few distinct values and tie
    // heavily, which the engine handles differently.
    let few_scores = high.checked_sub(low).is_some_and(|d| d < FEW_SCORES);

    let mut stats = SolveStats::default();
    loop {
        stats.rounds += 1;
        let weighted: Vec<Vec<(u32, i64)>> = cand
            .rows
            .iter()
            .map(|row| row.iter().map(|&(j, s)| (j, transform.apply(s))).collect())
            .collect();
        let graph = Graph::from_rows(&weighted);
        stats.candidate_pairs = graph.mentor.len();
        let matched = engine::max_weight_matching_with(&graph, capacity, few_scores);

        let mut by_v: Vec<u32> = (0..n as u32)
            .filter(|&j| capacity[j as usize] > 0)
            .collect();
        by_v.sort_unstable_by_key(|&j| matched.v[j as usize]);
        let lowest_v = by_v.first().map_or(0, |&j| matched.v[j as usize]);
        let duals = MentorDuals {
            v: &matched.v,
            by_v: &by_v,
            transform,
            slack: 0,
        };
        let slack = if source.near_pairs() {
            transform.scale
        } else {
            0
        };
        let duals = MentorDuals { slack, ..duals };
        let found: Vec<(usize, Vec<(u32, i64)>)> = parallel_map(m, threads, |range| {
            let mut found = Vec::new();
            let mut out = Vec::new();
            for i in range {
                let Some(bound) = cand.bound[i] else {
                    continue;
                };
                let u = matched.u[i];
                if u + lowest_v >= transform.apply(bound) + slack {
                    continue;
                }
                out.clear();
                source.violations(i, u, bound, &duals, &mut out);
                if out.len() > ADDED_PER_ROUND {
                    // The most violated pairs, spreading ties over mentors
                    // as the candidates do: the rest wait for a later round
                    // if they still matter, so a round never holds more
                    // than this many new pairs per mentee.
                    let from = spread(i, n);
                    out.select_nth_unstable_by_key(ADDED_PER_ROUND - 1, |&(j, s)| {
                        (
                            u + matched.v[j as usize] - transform.apply(s),
                            (j as usize + n - from) % n,
                        )
                    });
                    out.truncate(ADDED_PER_ROUND);
                }
                if !out.is_empty() {
                    found.push((i, out.clone()));
                }
            }
            found
        });

        // Only a pair that breaks the dual constraint stops the proof; the
        // near pairs are added to spare later rounds.
        let violated = found.iter().any(|(i, pairs)| {
            pairs
                .iter()
                .any(|&(j, s)| transform.apply(s) > matched.u[*i] + matched.v[j as usize])
        });
        if !violated {
            let pairs: Vec<Pair> = (0..m)
                .filter(|&i| matched.mate[i] != NONE)
                .filter_map(|i| {
                    let j = matched.mate[i];
                    cand.rows[i]
                        .iter()
                        .find(|&&(c, _)| c == j)
                        .map(|&(_, s)| Pair {
                            mentee: i,
                            mentor: j as usize,
                            score: s,
                        })
                })
                .collect();
            let total_score = pairs.iter().map(|p| p.score).sum();
            let certificate = Certificate {
                mode,
                transform,
                mentee_dual: matched.u,
                mentor_dual: matched.v,
                fair: None,
                first_come: Vec::new(),
            };
            let matched = pairs.len();
            return Ok(Solution {
                pairs,
                total_score,
                matched,
                certificate,
                stats,
            });
        }

        // Add the violators; candidates already satisfy the dual
        // constraints, so no pair is added twice.
        for (i, pairs) in found {
            let row = &mut cand.rows[i];
            let before = row.len();
            for (j, s) in pairs {
                // Near pairs may have been added in an earlier round.
                if !row[..before].iter().any(|&(c, _)| c == j) {
                    row.push((j, s));
                }
            }
            stats.added_pairs += row.len() - before;
        }
    }
}

/// Threads to use for `work` pair evaluations: one for small jobs, where
/// starting threads costs more than it saves.
fn thread_count(requested: Option<usize>, work: usize) -> usize {
    if let Some(t) = requested {
        return t.max(1);
    }
    if work < 1 << 18 {
        return 1;
    }
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

/// Runs `f` on contiguous ranges of `0..len` in parallel and concatenates
/// the results in order.
fn parallel_map<T, F>(len: usize, threads: usize, f: F) -> Vec<T>
where
    T: Send,
    F: Fn(Range<usize>) -> Vec<T> + Sync,
{
    let threads = threads.clamp(1, len.max(1));
    if threads == 1 {
        return f(0..len);
    }
    let chunk = len.div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let range = (t * chunk).min(len)..((t + 1) * chunk).min(len);
                let f = &f;
                scope.spawn(move || f(range))
            })
            .collect();
        let mut all = Vec::new();
        for handle in handles {
            match handle.join() {
                Ok(part) => all.extend(part),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        all
    })
}
