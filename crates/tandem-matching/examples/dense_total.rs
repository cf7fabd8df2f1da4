//! Prints the optimal total and solve time for the benchmark's dense random
//! instance, to compare with `benches/scipy_baseline.py`.
//!
//! Usage: `cargo run --release --example dense_total -- [mentees] [mentors]
//! [capacity] [candidates] [verify]`, defaults 10000 2000 5 10.

use std::time::Instant;

use tandem_matching::{
    ExclusionData, Mode, Scorer, SolveOptions, solve_with_score_fn, solve_with_scorer,
    verify_certificate_with_score_fn,
};

#[path = "../benches/support/instance.rs"]
#[allow(dead_code, reason = "shared with the benchmark, which uses more of it")]
mod instance;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize, default: usize| -> usize {
        args.get(i).and_then(|a| a.parse().ok()).unwrap_or(default)
    };
    let mentees = arg(0, 10_000);
    let mentors = arg(1, 2_000);
    let capacity = arg(2, 5) as u32;
    let k = arg(3, 10);
    let verify = args.iter().any(|a| a == "verify");
    let capacities = vec![capacity; mentors];
    let by_pair = args.iter().any(|a| a == "profiles-by-pair");
    if by_pair || args.iter().any(|a| a == "profiles") {
        // Scores from random profiles instead of the hash; `profiles` scores
        // whole rows (`solve_with_scorer`), `profiles-by-pair` calls
        // `Scorer::score` for each pair.
        let (mentee_list, mentor_list) = instance::profiles(mentees, mentors, capacity);
        let weights = instance::programme_weights();
        let start = Instant::now();
        let scorer = Scorer::new(
            &mentee_list,
            &mentor_list,
            &weights,
            &ExclusionData::default(),
        );
        let compiled = start.elapsed();
        let options = SolveOptions {
            candidates_per_mentee: Some(k),
            ..SolveOptions::with_mode(Mode::MaxScore)
        };
        let solution = if by_pair {
            solve_with_score_fn(
                mentees,
                &capacities,
                None,
                |i, j| scorer.score(i, j),
                &options,
            )
        } else {
            solve_with_scorer(&scorer, &capacities, None, &options)
        }
        .expect("the instance is valid");
        println!(
            "profiles {mentees}x{mentors}: total {} matched {} time {:.3} s (compile {:.3} s, rounds {}, added {})",
            solution.total_score,
            solution.matched,
            start.elapsed().as_secs_f64(),
            compiled.as_secs_f64(),
            solution.stats.rounds,
            solution.stats.added_pairs,
        );
        if args.iter().any(|a| a == "rate") {
            // Scoring cost per pair, one thread, over the first rows.
            let rows = mentees.min(2_000);
            let start = Instant::now();
            let mut sum = 0i64;
            for i in 0..rows {
                sum += scorer.scores_of(i).into_iter().flatten().sum::<i64>();
            }
            let per_row = start.elapsed().as_secs_f64() * 1e9 / (rows * mentors) as f64;
            let start = Instant::now();
            for i in 0..rows {
                sum -= (0..mentors).filter_map(|j| scorer.score(i, j)).sum::<i64>();
            }
            let per_pair = start.elapsed().as_secs_f64() * 1e9 / (rows * mentors) as f64;
            println!(
                "scoring: {per_row:.2} ns/pair by row, {per_pair:.2} ns/pair by pair (check {sum})"
            );
        }
        if verify {
            let start = Instant::now();
            let checked = verify_certificate_with_score_fn(
                mentees,
                &capacities,
                None,
                |i, j| scorer.score(i, j),
                Mode::MaxScore,
                &solution,
            );
            println!(
                "certificate against all {} pairs: {:?} ({:.3} s)",
                mentees * mentors,
                checked,
                start.elapsed().as_secs_f64()
            );
        }
        return;
    }
    let options = SolveOptions {
        mode: Mode::MaxScore,
        candidates_per_mentee: Some(k),
        threads: None,
    };
    let start = Instant::now();
    let solution = solve_with_score_fn(
        mentees,
        &capacities,
        None,
        |i, j| Some(instance::score(i, j)),
        &options,
    )
    .expect("the instance is valid");
    let elapsed = start.elapsed();
    println!(
        "rust {mentees}x{mentors} cap {capacity} k {k}: total {} matched {} time {:.3} s \
         (rounds {}, candidate pairs {}, added {})",
        solution.total_score,
        solution.matched,
        elapsed.as_secs_f64(),
        solution.stats.rounds,
        solution.stats.candidate_pairs,
        solution.stats.added_pairs,
    );
    if verify {
        let start = Instant::now();
        let checked = verify_certificate_with_score_fn(
            mentees,
            &capacities,
            None,
            |i, j| Some(instance::score(i, j)),
            Mode::MaxScore,
            &solution,
        );
        println!(
            "certificate against all {} pairs: {:?} ({:.3} s)",
            mentees * mentors,
            checked,
            start.elapsed().as_secs_f64()
        );
    }
}
