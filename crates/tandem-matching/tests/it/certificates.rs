//! The verifier accepts the solver's certificates on random instances, the
//! sparse and dense solves agree, and tampered solutions are rejected.

use tandem_matching::{
    CertificateError, Mode, Pair, Problem, Solution, SolveOptions, solve, verify_certificate,
};

const MODES: [Mode; 4] = [
    Mode::MaxScore,
    Mode::Fair,
    Mode::FirstComeFirstServed,
    Mode::MaxMatches,
];

/// A small deterministic generator, so the tests need no extra crate.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A random instance with many tied scores, some negative, and more
/// mentees than places, so every mode has real choices to make.
fn random_problem(seed: u64, m: usize, n: usize, density: u64) -> Problem {
    let mut rng = SplitMix(seed);
    let mentor_capacity = (0..n).map(|_| rng.below(4) as u32).collect();
    let mut pairs = Vec::new();
    for mentee in 0..m {
        for mentor in 0..n {
            if rng.below(100) < density {
                let score = rng.below(30) as i64 - 5;
                pairs.push(Pair {
                    mentee,
                    mentor,
                    score,
                });
            }
        }
    }
    let mentee_order = Some((0..m).map(|_| rng.below(50)).collect());
    Problem {
        mentee_count: m,
        mentor_capacity,
        pairs,
        mentee_order,
    }
}

fn solve_in(problem: &Problem, mode: Mode, k: Option<usize>) -> Solution {
    let options = SolveOptions {
        mode,
        candidates_per_mentee: k,
        threads: Some(2),
    };
    solve(problem, &options).expect("valid problem")
}

#[test]
fn certificates_hold_and_sparse_equals_dense() {
    for seed in 0..40 {
        let problem = random_problem(seed, 120, 30, 25);
        for mode in MODES {
            let dense = solve_in(&problem, mode, None);
            verify_certificate(&problem, mode, &dense)
                .unwrap_or_else(|e| panic!("seed {seed} {mode} dense: {e}"));
            for k in [1, 3] {
                let sparse = solve_in(&problem, mode, Some(k));
                verify_certificate(&problem, mode, &sparse)
                    .unwrap_or_else(|e| panic!("seed {seed} {mode} k {k}: {e}"));
                assert_eq!(
                    (sparse.total_score, sparse.matched),
                    (dense.total_score, dense.matched),
                    "seed {seed} {mode} k {k}"
                );
            }
        }
    }
}

#[test]
fn sparse_rounds_add_violators_when_needed() {
    // With one candidate per mentee and everyone wanting the same mentor,
    // the first sparse solve cannot be optimal.
    let problem = Problem {
        mentee_count: 3,
        mentor_capacity: vec![1, 1, 1],
        pairs: (0..3)
            .flat_map(|i| {
                (0..3).map(move |j| Pair {
                    mentee: i,
                    mentor: j,
                    score: if j == 0 { 10 } else { 9 - i as i64 },
                })
            })
            .collect(),
        mentee_order: None,
    };
    let solution = solve_in(&problem, Mode::MaxScore, Some(1));
    assert!(solution.stats.rounds > 1);
    assert_eq!(solution.total_score, 10 + 9 + 8);
    verify_certificate(&problem, Mode::MaxScore, &solution).expect("optimal");
}

fn tampered(
    problem: &Problem,
    mode: Mode,
    change: impl FnOnce(&mut Solution),
) -> Result<(), CertificateError> {
    let mut solution = solve_in(problem, mode, Some(2));
    verify_certificate(problem, mode, &solution).expect("untampered is fine");
    change(&mut solution);
    verify_certificate(problem, mode, &solution)
}

#[test]
fn tampering_is_detected() {
    let problem = random_problem(7, 60, 15, 30);
    for mode in MODES {
        let dropped = tampered(&problem, mode, |s| {
            let p = s.pairs.pop().expect("someone is matched");
            s.total_score -= p.score;
            s.matched -= 1;
        });
        assert!(dropped.is_err(), "{mode}: dropping a pair went unnoticed");
        let misreported = tampered(&problem, mode, |s| s.total_score += 1);
        assert!(matches!(misreported, Err(CertificateError::Infeasible(_))));
        let cheap_dual = tampered(&problem, mode, |s| {
            if let Some(u) = s.certificate.mentee_dual.iter_mut().find(|u| **u > 0) {
                *u -= 1;
            }
        });
        assert!(cheap_dual.is_err(), "{mode}: lowered dual went unnoticed");
        let wrong_mode = tampered(&problem, mode, |s| {
            s.certificate.mode = if mode == Mode::MaxScore {
                Mode::MaxMatches
            } else {
                Mode::MaxScore
            };
        });
        assert!(wrong_mode.is_err());
        let bad_transform = tampered(&problem, mode, |s| s.certificate.transform.offset = 1);
        assert!(bad_transform.is_err() || mode == Mode::MaxScore);
    }
    let no_fair_proof = tampered(&problem, Mode::Fair, |s| {
        if let Some(f) = s.certificate.fair.as_mut() {
            f.above_threshold_witness = Some(Vec::new());
        }
    });
    assert!(matches!(no_fair_proof, Err(CertificateError::Witness(_))));
    let no_queue_proof = tampered(&problem, Mode::FirstComeFirstServed, |s| {
        s.certificate.first_come.pop();
    });
    assert!(matches!(no_queue_proof, Err(CertificateError::Witness(_))));
}

#[test]
fn a_later_request_never_takes_an_earlier_ones_place() {
    // Mentee 0 asked last; mentees 1 and 2 compete for mentor 0, and the
    // scores would prefer mentee 0.
    let problem = Problem {
        mentee_count: 3,
        mentor_capacity: vec![1],
        pairs: vec![
            Pair {
                mentee: 0,
                mentor: 0,
                score: 50,
            },
            Pair {
                mentee: 1,
                mentor: 0,
                score: 1,
            },
            Pair {
                mentee: 2,
                mentor: 0,
                score: 2,
            },
        ],
        mentee_order: Some(vec![30, 10, 20]),
    };
    let solution = solve_in(&problem, Mode::FirstComeFirstServed, None);
    assert_eq!(
        solution.pairs,
        vec![Pair {
            mentee: 1,
            mentor: 0,
            score: 1
        }]
    );
    verify_certificate(&problem, Mode::FirstComeFirstServed, &solution).expect("optimal");
}

#[test]
fn fair_raises_the_lowest_score() {
    // MaxScore takes 10 + 1; Fair takes 6 + 5.
    let problem = Problem {
        mentee_count: 2,
        mentor_capacity: vec![1, 1],
        pairs: vec![
            Pair {
                mentee: 0,
                mentor: 0,
                score: 10,
            },
            Pair {
                mentee: 0,
                mentor: 1,
                score: 6,
            },
            Pair {
                mentee: 1,
                mentor: 0,
                score: 5,
            },
            Pair {
                mentee: 1,
                mentor: 1,
                score: 1,
            },
        ],
        mentee_order: None,
    };
    assert_eq!(solve_in(&problem, Mode::MaxScore, None).total_score, 11);
    let fair = solve_in(&problem, Mode::Fair, None);
    assert_eq!(fair.total_score, 11);
    assert_eq!(fair.pairs.iter().map(|p| p.score).min(), Some(5));
    verify_certificate(&problem, Mode::Fair, &fair).expect("optimal");
}

#[test]
fn malformed_problems_are_refused() {
    let mut problem = Problem {
        mentee_count: 1,
        mentor_capacity: vec![1],
        pairs: vec![
            Pair {
                mentee: 0,
                mentor: 0,
                score: 1
            };
            2
        ],
        mentee_order: None,
    };
    let options = SolveOptions::default();
    assert!(matches!(
        solve(&problem, &options),
        Err(tandem_matching::SolveError::DuplicatePair {
            mentee: 0,
            mentor: 0
        })
    ));
    problem.pairs = vec![Pair {
        mentee: 0,
        mentor: 3,
        score: 1,
    }];
    assert!(solve(&problem, &options).is_err());
    problem.pairs = vec![Pair {
        mentee: 0,
        mentor: 0,
        score: i64::MAX / 2,
    }];
    assert_eq!(
        solve(&problem, &options),
        Err(tandem_matching::SolveError::ScoresTooLarge)
    );
}
