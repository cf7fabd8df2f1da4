//! The independent verification of optimality certificates. The
//! certificate itself ([`Certificate`] and its witnesses) is defined with
//! the problem and solution it speaks of, in `problem.rs`.
//!
//! The verifier shares no code with the solver: it checks feasibility, the
//! validity of the weight transform for the mode, linear-programming duality
//! (dual feasibility against every admissible pair plus complementary
//! slackness) and, for the modes that decide who is matched by cardinality,
//! Hall-violator witnesses. All arithmetic is in `i128`.

use std::collections::HashMap;
use std::fmt;

use crate::problem::{Certificate, Mode, Problem, Solution};
use crate::scoring::{EXCLUDED, Scorer};

/// Why a certificate does not prove a solution optimal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CertificateError {
    /// The solution breaks a constraint or misreports itself.
    Infeasible(String),
    /// The weight transform does not encode the mode's objective.
    Transform(String),
    /// A dual constraint or complementary slackness fails.
    Duality(String),
    /// A cardinality witness is missing or wrong.
    Witness(String),
}

impl fmt::Display for CertificateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CertificateError::Infeasible(s) => write!(f, "infeasible: {s}"),
            CertificateError::Transform(s) => write!(f, "bad weight transform: {s}"),
            CertificateError::Duality(s) => write!(f, "duality fails: {s}"),
            CertificateError::Witness(s) => write!(f, "bad witness: {s}"),
        }
    }
}

impl std::error::Error for CertificateError {}

/// Checks that `solution` is feasible for `problem` and that its certificate
/// proves it optimal in `mode`, against every admissible pair.
///
/// # Errors
/// The first failed check.
pub fn verify_certificate(
    problem: &Problem,
    mode: Mode,
    solution: &Solution,
) -> Result<(), CertificateError> {
    let m = problem.mentee_count;
    let n = problem.mentor_capacity.len();
    let mut rows: Vec<Vec<(usize, i64)>> = vec![Vec::new(); m];
    for p in &problem.pairs {
        if p.mentee >= m || p.mentor >= n {
            return Err(CertificateError::Infeasible(format!(
                "pair ({}, {}) is out of range",
                p.mentee, p.mentor
            )));
        }
        rows[p.mentee].push((p.mentor, p.score));
    }
    let scan = |i: usize, f: &mut dyn FnMut(usize, i64)| {
        for &(j, s) in &rows[i] {
            f(j, s);
        }
    };
    verify(
        m,
        &problem.mentor_capacity,
        problem.mentee_order.as_deref(),
        &scan,
        mode,
        solution,
    )
}

/// [`verify_certificate`] for a problem given grouped by mentee, as to
/// [`crate::solve_grouped`]: `rows[i]` holds mentee `i`'s `(mentor, score)`
/// pairs.
///
/// # Errors
/// As [`verify_certificate`].
pub fn verify_certificate_grouped(
    rows: &[Vec<(u32, i64)>],
    mentor_capacity: &[u32],
    mentee_order: Option<&[u64]>,
    mode: Mode,
    solution: &Solution,
) -> Result<(), CertificateError> {
    let n = mentor_capacity.len();
    for (i, row) in rows.iter().enumerate() {
        if let Some(&(j, _)) = row.iter().find(|&&(j, _)| j as usize >= n) {
            return Err(CertificateError::Infeasible(format!(
                "pair ({i}, {j}) is out of range"
            )));
        }
    }
    let scan = |i: usize, f: &mut dyn FnMut(usize, i64)| {
        for &(j, s) in &rows[i] {
            f(j as usize, s);
        }
    };
    verify(
        rows.len(),
        mentor_capacity,
        mentee_order,
        &scan,
        mode,
        solution,
    )
}

/// As [`verify_certificate`], for a problem given by a score function as in
/// [`crate::solve_with_score_fn`]. It evaluates every pair a few times.
///
/// # Errors
/// The first failed check.
pub fn verify_certificate_with_score_fn<F>(
    mentee_count: usize,
    mentor_capacity: &[u32],
    mentee_order: Option<&[u64]>,
    score: F,
    mode: Mode,
    solution: &Solution,
) -> Result<(), CertificateError>
where
    F: Fn(usize, usize) -> Option<i64>,
{
    let n = mentor_capacity.len();
    let scan = |i: usize, f: &mut dyn FnMut(usize, i64)| {
        for j in 0..n {
            if let Some(s) = score(i, j) {
                f(j, s);
            }
        }
    };
    verify(
        mentee_count,
        mentor_capacity,
        mentee_order,
        &scan,
        mode,
        solution,
    )
}

/// As [`verify_certificate`], for a problem scored by `scorer` as in
/// [`crate::solve_with_scorer`]: each pass scores a mentee's whole row of
/// mentors at once, so checking every pair costs about as much as scoring
/// it. `mentor_capacity` has one entry per mentor of the scorer.
///
/// # Errors
/// The first failed check.
pub fn verify_certificate_with_scorer(
    scorer: &Scorer,
    mentor_capacity: &[u32],
    mentee_order: Option<&[u64]>,
    mode: Mode,
    solution: &Solution,
) -> Result<(), CertificateError> {
    let n = mentor_capacity.len();
    if scorer.mentor_count() != n {
        return Err(CertificateError::Infeasible(format!(
            "{n} capacities for {} mentors",
            scorer.mentor_count()
        )));
    }
    let scan = |i: usize, f: &mut dyn FnMut(usize, i64)| {
        let mut row = vec![0; n];
        scorer.score_row(i, &mut row);
        for (j, &s) in row.iter().enumerate() {
            if s != EXCLUDED {
                f(j, s);
            }
        }
    };
    verify(
        scorer.mentee_count(),
        mentor_capacity,
        mentee_order,
        &scan,
        mode,
        solution,
    )
}

type Scan<'a> = dyn Fn(usize, &mut dyn FnMut(usize, i64)) + 'a;

fn verify(
    m: usize,
    capacity: &[u32],
    order: Option<&[u64]>,
    scan: &Scan<'_>,
    mode: Mode,
    solution: &Solution,
) -> Result<(), CertificateError> {
    let n = capacity.len();
    let cert = &solution.certificate;
    let infeasible = |s: String| Err(CertificateError::Infeasible(s));
    if cert.mode != mode {
        return infeasible(format!("certificate is for {}, not {mode}", cert.mode));
    }
    if let Some(order) = order
        && order.len() != m
    {
        return infeasible("request order has the wrong length".into());
    }
    if cert.mentee_dual.len() != m || cert.mentor_dual.len() != n {
        return Err(CertificateError::Duality(
            "dual vectors have the wrong length".into(),
        ));
    }

    // Feasibility, and the solution's own figures.
    let mut mate: Vec<Option<(usize, i64)>> = vec![None; m];
    let mut load = vec![0u64; n];
    let mut total: i128 = 0;
    for p in &solution.pairs {
        if p.mentee >= m || p.mentor >= n {
            return infeasible(format!("pair ({}, {}) out of range", p.mentee, p.mentor));
        }
        if mate[p.mentee].is_some() {
            return infeasible(format!("mentee {} is matched twice", p.mentee));
        }
        mate[p.mentee] = Some((p.mentor, p.score));
        load[p.mentor] += 1;
        total += i128::from(p.score);
    }
    for j in 0..n {
        if load[j] > u64::from(capacity[j]) {
            return infeasible(format!("mentor {j} is over capacity"));
        }
    }
    if total != i128::from(solution.total_score) || solution.matched != solution.pairs.len() {
        return infeasible("total or count misreported".into());
    }
    let matched = solution.pairs.len();

    // The pairs the final optimisation may use.
    let threshold = match (mode, &cert.fair) {
        (Mode::Fair, Some(w)) => w.threshold,
        (Mode::Fair, None) => {
            return Err(CertificateError::Witness("fair witness missing".into()));
        }
        _ => None,
    };
    let allowed = |i: usize, j: usize, s: i64| -> bool {
        capacity[j] > 0
            && threshold.is_none_or(|t| s >= t)
            && (mode != Mode::FirstComeFirstServed || mate[i].is_some())
    };
    let u = &cert.mentee_dual;
    let v = &cert.mentor_dual;
    let scale = i128::from(cert.transform.scale);
    let offset = i128::from(cert.transform.offset);
    let weight = |s: i64| scale * i128::from(s) + offset;

    // One pass over every pair: each matched pair is admissible as scored,
    // the range of allowed scores (for the transform), and the first
    // allowed pair that breaks its dual constraint. The checks are then
    // judged in order, so the first failure reported is the same as if
    // each had its own pass.
    let mut unconfirmed = None;
    let mut low = i128::MAX;
    let mut high = i128::MIN;
    let mut broken = None;
    for i in 0..m {
        let mut confirmed = false;
        scan(i, &mut |j, s| {
            if mate[i] == Some((j, s)) {
                confirmed = true;
            }
            if allowed(i, j, s) {
                low = low.min(i128::from(s));
                high = high.max(i128::from(s));
                if broken.is_none() && i128::from(u[i]) + i128::from(v[j]) < weight(s) {
                    broken = Some((i, j));
                }
            }
        });
        if mate[i].is_some() && !confirmed && unconfirmed.is_none() {
            unconfirmed = Some(i);
        }
    }
    if let Some(i) = unconfirmed {
        return infeasible(format!("mentee {i}'s pair is not admissible as scored"));
    }
    for (i, entry) in mate.iter().enumerate() {
        if let Some((j, s)) = *entry
            && !allowed(i, j, s)
        {
            return infeasible(format!("pair ({i}, {j}) is below the fair threshold"));
        }
    }

    // The transform must encode the mode's lexicographic order.
    if low > high {
        (low, high) = (0, 0);
    }
    let slots: u64 = capacity.iter().map(|&c| u64::from(c)).sum();
    let k = i128::from(slots.min(m as u64));
    let valid = match mode {
        Mode::MaxScore => offset >= 1 && scale > k * offset,
        _ => scale >= 1 && offset > scale * (k * (high - low) + (-low).max(0)),
    };
    if !valid {
        return Err(CertificateError::Transform(format!(
            "scale {scale} and offset {offset} do not encode {mode}"
        )));
    }

    // Duality: feasibility against every allowed pair, then slackness.
    if let Some(i) = (0..m).find(|&i| u[i] < 0) {
        return Err(CertificateError::Duality(format!(
            "mentee {i}'s dual is negative"
        )));
    }
    if let Some(j) = (0..n).find(|&j| v[j] < 0) {
        return Err(CertificateError::Duality(format!(
            "mentor {j}'s dual is negative"
        )));
    }
    for i in 0..m {
        if let Some((bi, j)) = broken
            && bi == i
        {
            return Err(CertificateError::Duality(format!(
                "pair ({i}, {j}) violates its dual constraint"
            )));
        }
        match mate[i] {
            Some((j, s)) => {
                if i128::from(u[i]) + i128::from(v[j]) != weight(s) {
                    return Err(CertificateError::Duality(format!(
                        "matched pair ({i}, {j}) is not tight"
                    )));
                }
            }
            None => {
                if u[i] > 0 {
                    return Err(CertificateError::Duality(format!(
                        "unmatched mentee {i} has a positive dual"
                    )));
                }
            }
        }
    }
    for j in 0..n {
        if v[j] > 0 && load[j] < u64::from(capacity[j]) {
            return Err(CertificateError::Duality(format!(
                "mentor {j} has room but a positive dual"
            )));
        }
    }

    match mode {
        Mode::Fair => verify_fair(m, capacity, scan, cert, matched, &mate),
        Mode::FirstComeFirstServed => verify_first_come(m, capacity, order, scan, cert, &mate),
        Mode::MaxScore | Mode::MaxMatches => Ok(()),
    }
}

/// `mentees − |X| + places(N(X))`, the König bound on how many mentees any
/// assignment can match, using only pairs that pass `keep`.
fn konig_bound(
    m: usize,
    capacity: &[u32],
    scan: &Scan<'_>,
    set: &[usize],
    keep: &dyn Fn(i64) -> bool,
) -> Result<u64, CertificateError> {
    let mut member = vec![false; m];
    for &i in set {
        if i >= m || member[i] {
            return Err(CertificateError::Witness(format!(
                "mentee {i} is out of range or repeated"
            )));
        }
        member[i] = true;
    }
    let mut neighbour = vec![false; capacity.len()];
    for &i in set {
        scan(i, &mut |j, s| {
            if keep(s) {
                neighbour[j] = true;
            }
        });
    }
    let places: u64 = (0..capacity.len())
        .filter(|&j| neighbour[j])
        .map(|j| u64::from(capacity[j]))
        .sum();
    Ok(m as u64 - set.len() as u64 + places)
}

fn verify_fair(
    m: usize,
    capacity: &[u32],
    scan: &Scan<'_>,
    cert: &Certificate,
    matched: usize,
    mate: &[Option<(usize, i64)>],
) -> Result<(), CertificateError> {
    let witness_error = |s: &str| Err(CertificateError::Witness(s.into()));
    let Some(fair) = &cert.fair else {
        return witness_error("fair witness missing");
    };
    let bound = konig_bound(m, capacity, scan, &fair.max_matched_witness, &|_| true)?;
    if bound > matched as u64 {
        return witness_error("more mentees could be matched");
    }
    let Some(t) = fair.threshold else {
        return if matched == 0 {
            Ok(())
        } else {
            witness_error("a threshold is needed when anyone is matched")
        };
    };
    // The lowest matched score must be the threshold itself; pairs below it
    // are already ruled out above.
    if !mate.iter().flatten().any(|&(_, s)| s == t) {
        return witness_error("no matched pair scores the threshold");
    }
    let mut above = false;
    for i in 0..m {
        scan(i, &mut |j, s| above |= s > t && capacity[j] > 0);
    }
    match (&fair.above_threshold_witness, above) {
        (_, false) => Ok(()),
        (None, true) => witness_error("no proof that a higher threshold fails"),
        (Some(set), true) => {
            let bound = konig_bound(m, capacity, scan, set, &|s| s > t)?;
            if bound < matched as u64 {
                Ok(())
            } else {
                witness_error("a higher threshold might match as many")
            }
        }
    }
}

fn verify_first_come(
    m: usize,
    capacity: &[u32],
    order: Option<&[u64]>,
    scan: &Scan<'_>,
    cert: &Certificate,
    mate: &[Option<(usize, i64)>],
) -> Result<(), CertificateError> {
    let rank = |i: usize| (order.map_or(0, |o| o[i]), i);
    let blocked: HashMap<usize, &Vec<usize>> = cert
        .first_come
        .iter()
        .map(|b| (b.mentee, &b.hall_set))
        .collect();
    for i in 0..m {
        if mate[i].is_some() {
            continue;
        }
        let Some(set) = blocked.get(&i) else {
            return Err(CertificateError::Witness(format!(
                "no proof that mentee {i} could not be matched"
            )));
        };
        if !set.contains(&i) {
            return Err(CertificateError::Witness(format!(
                "mentee {i}'s Hall set does not contain it"
            )));
        }
        for &k in set.iter() {
            if k != i && (k >= m || mate[k].is_none() || rank(k) >= rank(i)) {
                return Err(CertificateError::Witness(format!(
                    "mentee {i}'s Hall set holds {k}, not an earlier matched mentee"
                )));
            }
        }
        // places(N(H)) < |H| ⟺ m − |H| + places(N(H)) < m.
        let bound = konig_bound(m, capacity, scan, set, &|_| true)?;
        if bound >= m as u64 {
            return Err(CertificateError::Witness(format!(
                "mentee {i}'s Hall set has enough places"
            )));
        }
    }
    Ok(())
}
