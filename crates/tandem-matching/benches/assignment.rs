//! Assignment benchmarks: dense random instances of 1,000×200, 10,000×2,000
//! and 50,000×10,000 mentees×mentors with capacity 5, scores computed from a
//! hash so the 5×10^8-pair instance is never stored; the other modes on the
//! small instance; and the two larger instances scored from profiles
//! (`Scorer::new` and `solve_with_scorer`, which scores whole rows).

use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use tandem_matching::{
    ExclusionData, MentorProfile, Mode, Pair, Problem, Scorer, SolveOptions, solve,
    solve_with_score_fn, solve_with_scorer,
};

#[path = "support/instance.rs"]
mod instance;

const CAPACITY: u32 = 5;
const SIZES: [(usize, usize); 3] = [(1_000, 200), (10_000, 2_000), (50_000, 10_000)];

fn options(mode: Mode) -> SolveOptions {
    SolveOptions {
        mode,
        candidates_per_mentee: Some(10),
        threads: None,
    }
}

fn dense(c: &mut Criterion) {
    let mut group = c.benchmark_group("assignment_dense");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    for (m, n) in SIZES {
        group.measurement_time(Duration::from_secs(if m > 10_000 { 20 } else { 5 }));
        let capacity = vec![CAPACITY; n];
        group.bench_function(BenchmarkId::new("max_score", format!("{m}x{n}")), |b| {
            b.iter(|| {
                solve_with_score_fn(
                    m,
                    &capacity,
                    None,
                    |i, j| Some(instance::score(i, j)),
                    &options(Mode::MaxScore),
                )
                .expect("valid instance")
            });
        });
    }
    group.finish();
}

fn modes(c: &mut Criterion) {
    let (m, n) = SIZES[0];
    let problem = Problem {
        mentee_count: m,
        mentor_capacity: vec![CAPACITY; n],
        pairs: (0..m)
            .flat_map(|i| {
                (0..n).map(move |j| Pair {
                    mentee: i,
                    mentor: j,
                    score: instance::score(i, j),
                })
            })
            .collect(),
        mentee_order: Some((0..m as u64).rev().collect()),
    };
    let mut group = c.benchmark_group("assignment_modes_1000x200_pair_list");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(5));
    for mode in [
        Mode::MaxScore,
        Mode::MaxMatches,
        Mode::Fair,
        Mode::FirstComeFirstServed,
    ] {
        group.bench_function(format!("{mode:?}"), |b| {
            b.iter(|| solve(&problem, &options(mode)).expect("valid instance"));
        });
    }
    group.finish();
}

fn with_scoring(c: &mut Criterion) {
    let mut group = c.benchmark_group("assignment_including_scoring");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    let weights = instance::programme_weights();
    let data = ExclusionData::default();
    for (m, n) in [SIZES[1], SIZES[2]] {
        group.measurement_time(Duration::from_secs(if m > 10_000 { 30 } else { 5 }));
        let (mentees, mentors) = instance::profiles(m, n, CAPACITY);
        let capacity: Vec<u32> = mentors.iter().map(MentorProfile::free_places).collect();
        group.bench_function(BenchmarkId::new("profiles", format!("{m}x{n}")), |b| {
            b.iter(|| {
                let scorer = Scorer::new(&mentees, &mentors, &weights, &data);
                solve_with_scorer(&scorer, &capacity, None, &options(Mode::MaxScore))
                    .expect("valid instance")
            });
        });
    }
    group.finish();
}

criterion_group!(benches, dense, modes, with_scoring);
criterion_main!(benches);
