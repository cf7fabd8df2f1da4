//! Every mode against exhaustive enumeration on thousands of small random
//! instances. The solver and the brute force are compared by objective
//! value, since ties allow different optimal assignments.

use proptest::prelude::*;
use tandem_matching::{
    Mode, Pair, Problem, Solution, SolveError, SolveOptions, solve, solve_grouped,
    solve_with_score_fn, verify_certificate, verify_certificate_grouped,
};

const MODES: [Mode; 4] = [
    Mode::MaxScore,
    Mode::Fair,
    Mode::FirstComeFirstServed,
    Mode::MaxMatches,
];

/// A mode's objective as a key where larger is better.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Plain(i64, i64),
    Fair(usize, i64, i64),
    FirstCome(Vec<bool>, i64),
}

fn key(problem: &Problem, mode: Mode, pairs: &[Pair]) -> Key {
    let total: i64 = pairs.iter().map(|p| p.score).sum();
    let count = pairs.len();
    match mode {
        Mode::MaxScore => Key::Plain(total, count as i64),
        Mode::MaxMatches => Key::Plain(count as i64, total),
        Mode::Fair => {
            let lowest = pairs.iter().map(|p| p.score).min().unwrap_or(0);
            Key::Fair(count, lowest, total)
        }
        Mode::FirstComeFirstServed => {
            let mut order: Vec<usize> = (0..problem.mentee_count).collect();
            if let Some(keys) = &problem.mentee_order {
                order.sort_by_key(|&i| (keys[i], i));
            }
            let matched: Vec<bool> = order
                .iter()
                .map(|&i| pairs.iter().any(|p| p.mentee == i))
                .collect();
            Key::FirstCome(matched, total)
        }
    }
}

/// The best key over every feasible assignment.
fn brute_force(problem: &Problem, mode: Mode) -> Key {
    fn go(
        problem: &Problem,
        mode: Mode,
        i: usize,
        load: &mut Vec<u32>,
        chosen: &mut Vec<Pair>,
        best: &mut Option<Key>,
    ) {
        if i == problem.mentee_count {
            let k = key(problem, mode, chosen);
            if best.as_ref().is_none_or(|b| k > *b) {
                *best = Some(k);
            }
            return;
        }
        go(problem, mode, i + 1, load, chosen, best);
        for p in problem.pairs.iter().filter(|p| p.mentee == i) {
            if load[p.mentor] < problem.mentor_capacity[p.mentor] {
                load[p.mentor] += 1;
                chosen.push(*p);
                go(problem, mode, i + 1, load, chosen, best);
                chosen.pop();
                load[p.mentor] -= 1;
            }
        }
    }
    let mut best = None;
    let mut load = vec![0; problem.mentor_capacity.len()];
    go(problem, mode, 0, &mut load, &mut Vec::new(), &mut best);
    best.expect("the empty assignment is always feasible")
}

fn instance() -> impl Strategy<Value = Problem> {
    (0usize..=6, 0usize..=4).prop_flat_map(|(m, n)| {
        (
            proptest::collection::vec(0u32..=3, n),
            proptest::collection::vec(proptest::option::weighted(0.6, -6i64..=12), m * n),
            proptest::option::of(proptest::collection::vec(0u64..4, m)),
        )
            .prop_map(move |(mentor_capacity, scores, mentee_order)| Problem {
                mentee_count: m,
                mentor_capacity,
                pairs: scores
                    .iter()
                    .enumerate()
                    .filter_map(|(at, s)| {
                        s.map(|score| Pair {
                            mentee: at / n.max(1),
                            mentor: at % n.max(1),
                            score,
                        })
                    })
                    .collect(),
                mentee_order,
            })
    })
}

fn check_solution(problem: &Problem, mode: Mode, solution: &Solution) {
    if let Err(e) = verify_certificate(problem, mode, solution) {
        panic!("{mode}: certificate rejected: {e}\n{problem:?}\n{solution:?}");
    }
    assert_eq!(
        key(problem, mode, &solution.pairs),
        brute_force(problem, mode),
        "{mode}: not optimal for {problem:?}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn every_mode_matches_brute_force(problem in instance(), k in proptest::option::of(1usize..=3)) {
        for mode in MODES {
            let options = SolveOptions { mode, candidates_per_mentee: k, threads: Some(1) };
            let solution = solve(&problem, &options).expect("valid problem");
            check_solution(&problem, mode, &solution);
        }
    }

    #[test]
    fn grouped_rows_give_exactly_the_solution_of_the_pair_list(problem in instance(), k in proptest::option::of(1usize..=3)) {
        let mut rows: Vec<Vec<(u32, i64)>> = vec![Vec::new(); problem.mentee_count];
        for p in &problem.pairs {
            rows[p.mentee].push((p.mentor as u32, p.score));
        }
        for mode in MODES {
            let options = SolveOptions { mode, candidates_per_mentee: k, threads: Some(1) };
            let from_pairs = solve(&problem, &options).expect("valid problem");
            let grouped = solve_grouped(
                &rows,
                &problem.mentor_capacity,
                problem.mentee_order.as_deref(),
                &options,
            )
            .expect("valid rows");
            prop_assert_eq!(&grouped, &from_pairs);
            prop_assert!(verify_certificate_grouped(
                &rows,
                &problem.mentor_capacity,
                problem.mentee_order.as_deref(),
                mode,
                &grouped,
            )
            .is_ok());
        }
    }

    #[test]
    fn score_function_agrees_with_pair_list(problem in instance(), k in 1usize..=3, threads in 1usize..=2) {
        let n = problem.mentor_capacity.len();
        let mut dense = vec![None; problem.mentee_count * n];
        for p in &problem.pairs {
            dense[p.mentee * n + p.mentor] = Some(p.score);
        }
        for mode in MODES {
            let options = SolveOptions { mode, candidates_per_mentee: Some(k), threads: Some(threads) };
            let solution = solve_with_score_fn(
                problem.mentee_count,
                &problem.mentor_capacity,
                problem.mentee_order.as_deref(),
                |i, j| dense[i * n + j],
                &options,
            )
            .expect("valid problem");
            check_solution(&problem, mode, &solution);
        }
    }
}

#[test]
fn grouped_rows_out_of_order_repeated_or_out_of_range_are_refused() {
    let options = SolveOptions::default();
    let capacity = [1, 1];
    assert_eq!(
        solve_grouped(&[vec![(1, 3), (0, 2)]], &capacity, None, &options),
        Err(SolveError::Unsorted { mentee: 0 })
    );
    assert_eq!(
        solve_grouped(&[vec![], vec![(0, 3), (0, 2)]], &capacity, None, &options),
        Err(SolveError::DuplicatePair {
            mentee: 1,
            mentor: 0
        })
    );
    assert_eq!(
        solve_grouped(&[vec![(0, 1), (2, 2)]], &capacity, None, &options),
        Err(SolveError::MentorOutOfRange { mentor: 2 })
    );
}
