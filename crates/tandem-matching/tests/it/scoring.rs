//! Table tests of explanations and exclusions, in the style of
//! rust-analyzer's `check(input, expect)`, and the fast scorer against the
//! explaining one.

use std::collections::BTreeSet;

use proptest::prelude::*;
use tandem_matching::{
    Conflict, Criterion, Elsewhere, ExclusionData, Identity, MenteeRequest, MentorProfile,
    MentorStatus, Mode, Place, Scorer, Solution, SolveOptions, Weights, assess, exclusions,
    explain, solve_with_score_fn, solve_with_scorer, verify_certificate_with_score_fn,
    verify_certificate_with_scorer,
};

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn place(organisation: &str, team: &str) -> Place {
    Place {
        organisation: organisation.into(),
        team: team.into(),
        ..Place::default()
    }
}

/// A mentee (person 1) and an available mentor (person 2) with one free
/// place, in the same organisation and team, sharing nothing.
fn pair() -> (MenteeRequest, MentorProfile) {
    let mentee = MenteeRequest {
        person: 1,
        place: place("Council", "Fostering"),
        ..MenteeRequest::default()
    };
    let mentor = MentorProfile {
        person: 2,
        place: place("Council", "Fostering"),
        capacity: 1,
        ..MentorProfile::default()
    };
    (mentee, mentor)
}

/// Renders the explanation, then the score, one item a line.
fn check(
    edit: impl FnOnce(&mut MenteeRequest, &mut MentorProfile),
    weights: &[(Criterion, i64)],
    expect: &str,
) {
    let (mut mentee, mut mentor) = pair();
    edit(&mut mentee, &mut mentor);
    let weights: Weights = weights.iter().copied().collect();
    let (score, lines) = explain(&mentee, &mentor, &weights);
    let mut actual: Vec<String> = lines.iter().map(ToString::to_string).collect();
    actual.push(format!("score {score}"));
    assert_eq!(actual.join("\n"), expect.trim());
    // The fast scorer must agree.
    let scorer = Scorer::new(&[mentee], &[mentor], &weights, &ExclusionData::default());
    assert_eq!(scorer.score(0, 0), Some(score));
}

#[test]
fn language_as_requested() {
    check(
        |e, r| {
            e.wishes.insert(Identity::Language, set(&["Welsh"]));
            r.identity
                .insert(Identity::Language, set(&["English", "Welsh"]));
        },
        &[(Criterion::Language, 8)],
        "
speaks Welsh, as requested: +8
score 8",
    );
}

#[test]
fn other_jurisdiction_preferred() {
    check(
        |e, r| {
            e.place.jurisdiction = Some("England".into());
            r.place.jurisdiction = Some("Scotland".into());
        },
        &[(Criterion::OtherJurisdiction, 5)],
        "
other jurisdiction, as the programme prefers: +5
score 5",
    );
}

#[test]
fn unknown_jurisdiction_scores_nothing() {
    check(
        |e, _| e.place.jurisdiction = Some("England".into()),
        &[(Criterion::OtherJurisdiction, 5)],
        "score 0",
    );
}

#[test]
fn experience_counts_each_need() {
    check(
        |e, r| {
            e.needs = set(&["court work", "teenagers", "contact"]);
            r.experience = set(&["adoption", "court work", "teenagers"]);
        },
        &[(Criterion::Experience, 3)],
        "
experience in court work and teenagers, which the mentee needs: +6
score 6",
    );
}

#[test]
fn several_criteria_in_a_fixed_order() {
    check(
        |e, r| {
            e.requests = set(&["has adopted"]);
            r.offers = set(&["has adopted", "works nights"]);
            e.styles = set(&["coaching"]);
            r.styles = set(&["coaching", "directive"]);
            e.approval_type = Some("short-term fostering".into());
            r.approval_type = Some("short-term fostering".into());
            e.household = Some("single carer".into());
            r.household = Some("single carer".into());
            e.interests = set(&["SEND", "therapeutic parenting", "sport"]);
            r.interests = set(&["SEND", "therapeutic parenting"]);
            e.wishes.insert(Identity::Religion, set(&["Muslim"]));
            r.identity.insert(Identity::Religion, set(&["Muslim"]));
            e.place.location = Some("Cardiff".into());
            r.place.location = Some("Cardiff".into());
        },
        &[
            (Criterion::SpecificRequests, 4),
            (Criterion::Style, 3),
            (Criterion::ApprovalType, 4),
            (Criterion::Household, 2),
            (Criterion::SpecialInterests, 3),
            (Criterion::Religion, 5),
            (Criterion::Location, 2),
        ],
        "
has adopted, as the mentee asked: +4
works in the coaching style the mentee prefers: +3
same approval type (short-term fostering): +4
similar household (single carer): +2
shares an interest in SEND and therapeutic parenting: +6
religion Muslim, as requested: +5
also in Cardiff: +2
score 26",
    );
}

#[test]
fn negative_weight_reads_as_avoided() {
    check(
        |_, r| r.place.organisation = "Charity".into(),
        &[(Criterion::OtherOrganisation, -4)],
        "
from another organisation, which the programme avoids: -4
score -4",
    );
}

#[test]
fn isolated_mentee_from_another_team_and_region() {
    check(
        |e, r| {
            e.isolated = true;
            e.place.region = Some("North".into());
            r.place.region = Some("South".into());
            r.place.team = "Adoption".into();
        },
        &[
            (Criterion::OtherTeamOrRegion, 2),
            (Criterion::OtherTeamForIsolated, 6),
        ],
        "
from another team and region, as the programme prefers: +2
from another team and region, which can help a mentee isolated in their own: +6
score 8",
    );
}

#[test]
fn a_mentee_asking_for_a_mentor_from_elsewhere_counts_each_wish_met() {
    check(
        |e, r| {
            e.prefers = Elsewhere {
                team: true,
                region: true,
                organisation: true,
                jurisdiction: true,
            };
            e.place.region = Some("North".into());
            e.place.jurisdiction = Some("NI".into());
            r.place.organisation = "Charity".into();
            r.place.team = "Adoption".into();
            r.place.jurisdiction = Some("IE".into());
        },
        &[
            (Criterion::PreferredElsewhere, 2),
            (Criterion::OtherOrganisation, 3),
        ],
        "
from another organisation, as the programme prefers: +3
from another team, organisation and jurisdiction, as the mentee asked: +6
score 9",
    );
}

#[test]
fn a_wish_for_a_mentor_from_elsewhere_that_is_not_met_scores_nothing() {
    check(
        |e, _| {
            e.prefers.team = true;
            e.prefers.region = true;
            e.place.region = Some("North".into());
        },
        &[(Criterion::PreferredElsewhere, 5)],
        "score 0",
    );
}

#[test]
fn unweighted_criteria_are_not_mentioned() {
    check(
        |e, r| {
            e.wishes.insert(Identity::Gender, set(&["woman"]));
            r.identity.insert(Identity::Gender, set(&["woman"]));
        },
        &[(Criterion::Language, 8)],
        "score 0",
    );
}

/// Renders every exclusion reason, one a line, or "admissible".
fn check_excluded(
    edit: impl FnOnce(&mut MenteeRequest, &mut MentorProfile, &mut ExclusionData),
    expect: &str,
) {
    let (mut mentee, mut mentor) = pair();
    let mut data = ExclusionData::default();
    edit(&mut mentee, &mut mentor, &mut data);
    let reasons = exclusions(&mentee, &mentor, &data);
    let actual = if reasons.is_empty() {
        "admissible".to_string()
    } else {
        reasons
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(actual, expect.trim());
    let scorer = Scorer::new(&[mentee], &[mentor], &Weights::new(), &data);
    assert_eq!(scorer.score(0, 0).is_none(), !reasons.is_empty());
}

#[test]
fn exclusions_table() {
    check_excluded(|_, _, _| {}, "admissible");
    check_excluded(
        |_, r, _| r.person = 1,
        "the mentee and mentor are the same person",
    );
    check_excluded(
        |_, _, d| {
            d.managers.insert(1, vec![7, 2, 9]);
        },
        "the mentor is in the mentee's line-management chain",
    );
    check_excluded(
        |_, _, d| {
            d.managers.insert(2, vec![1]);
        },
        "the mentee is in the mentor's line-management chain",
    );
    check_excluded(
        |_, _, d| {
            d.managers.insert(1, vec![5]);
            d.managers.insert(2, vec![5]);
        },
        "admissible",
    );
    check_excluded(
        |_, _, d| {
            d.conflicts.push(Conflict {
                a: 2,
                b: 1,
                reason: "they are related".into(),
            });
        },
        "declared conflict of interest: they are related",
    );
    check_excluded(
        |_, r, _| r.status = MentorStatus::Ineligible("training not completed".into()),
        "the mentor is not eligible: training not completed",
    );
    check_excluded(
        |_, r, _| r.status = MentorStatus::Unavailable("on leave until March".into()),
        "the mentor is unavailable: on leave until March",
    );
    check_excluded(
        |_, r, _| {
            r.capacity = 2;
            r.current_mentees = 2;
        },
        "the mentor is at capacity (2 of 2 places taken)",
    );
    check_excluded(
        |e, _, _| {
            e.not_with.insert(2);
        },
        "the mentee asked not to be matched with this mentor",
    );
    check_excluded(
        |e, r, d| {
            e.not_with.insert(2);
            r.capacity = 0;
            d.managers.insert(1, vec![2]);
        },
        "
the mentor is in the mentee's line-management chain
the mentor is at capacity (0 of 0 places taken)
the mentee asked not to be matched with this mentor",
    );
}

#[test]
fn assessment_feeds_the_solver() {
    let (mentee, mut welsh) = pair();
    let mut mentee = mentee;
    mentee.wishes.insert(Identity::Language, set(&["Welsh"]));
    welsh.identity.insert(Identity::Language, set(&["Welsh"]));
    let (_, mut other) = pair();
    other.person = 3;
    let (_, mut manager) = pair();
    manager.person = 4;
    let data = ExclusionData {
        managers: [(1, vec![4])].into_iter().collect(),
        conflicts: Vec::new(),
        tried: Default::default(),
        former: Default::default(),
    };
    let mentors = [other, welsh, manager];
    let weights = Weights::new().with(Criterion::Language, 8);
    let assessment = assess(std::slice::from_ref(&mentee), &mentors, &weights, &data);
    assert_eq!(assessment.admissible.len(), 2);
    assert_eq!(assessment.excluded.len(), 1);
    assert_eq!(assessment.excluded[0].mentor, 2);
    let problem = assessment.problem(std::slice::from_ref(&mentee), &mentors);
    let solution = tandem_matching::solve(&problem, &tandem_matching::SolveOptions::default())
        .expect("valid problem");
    assert_eq!(solution.pairs.len(), 1);
    assert_eq!(solution.pairs[0].mentor, 1);
    let explained = &assessment.admissible[1];
    assert_eq!(explained.mentor, 1);
    assert_eq!(
        explained.contributions[0].to_string(),
        "speaks Welsh, as requested: +8"
    );
}

fn words() -> impl Strategy<Value = BTreeSet<String>> {
    proptest::collection::btree_set(
        proptest::sample::select(vec!["a", "b", "c", "d"]).prop_map(String::from),
        0..3,
    )
}

fn option_word() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(proptest::sample::select(vec!["x", "y"]).prop_map(String::from))
}

fn any_place() -> impl Strategy<Value = Place> {
    (
        proptest::sample::select(vec!["o1", "o2"]),
        option_word(),
        proptest::sample::select(vec!["t1", "t2"]),
        option_word(),
        option_word(),
    )
        .prop_map(|(o, j, t, r, l)| Place {
            organisation: o.into(),
            jurisdiction: j,
            team: t.into(),
            region: r,
            location: l,
        })
}

fn identities() -> impl Strategy<Value = std::collections::BTreeMap<Identity, BTreeSet<String>>> {
    proptest::collection::btree_map(
        proptest::sample::select(Identity::ALL.to_vec()),
        words(),
        0..4,
    )
}

fn any_mentee() -> impl Strategy<Value = MenteeRequest> {
    (
        0u64..4,
        (words(), words(), words(), words()),
        (option_word(), option_word()),
        identities(),
        any_place(),
        (any::<bool>(), any::<[bool; 4]>()),
        proptest::collection::btree_set(0u64..4, 0..2),
    )
        .prop_map(
            |(
                person,
                (needs, requests, styles, interests),
                (a, h),
                wishes,
                place,
                (isolated, [team, region, organisation, jurisdiction]),
                not_with,
            )| {
                MenteeRequest {
                    person,
                    requested_at: 0,
                    needs,
                    requests,
                    styles,
                    approval_type: a,
                    household: h,
                    interests,
                    wishes,
                    place,
                    isolated,
                    prefers: Elsewhere {
                        team,
                        region,
                        organisation,
                        jurisdiction,
                    },
                    not_with,
                }
            },
        )
}

fn any_mentor() -> impl Strategy<Value = MentorProfile> {
    (
        0u64..4,
        (words(), words(), words(), words()),
        (option_word(), option_word()),
        identities(),
        any_place(),
        (0u32..3, 0u32..3),
        proptest::sample::select(vec![
            MentorStatus::Available,
            MentorStatus::Available,
            MentorStatus::Ineligible("untrained".into()),
            MentorStatus::Unavailable("away".into()),
        ]),
    )
        .prop_map(
            |(
                person,
                (experience, offers, styles, interests),
                (a, h),
                identity,
                place,
                (capacity, current),
                status,
            )| {
                MentorProfile {
                    person,
                    experience,
                    offers,
                    styles,
                    approval_type: a,
                    household: h,
                    interests,
                    identity,
                    place,
                    capacity,
                    current_mentees: current,
                    status,
                }
            },
        )
}

fn any_weights() -> impl Strategy<Value = Weights> {
    proptest::collection::vec(-5i64..=9, Criterion::ALL.len())
        .prop_map(|w| Criterion::ALL.iter().copied().zip(w).collect())
}

fn any_data() -> impl Strategy<Value = ExclusionData> {
    (
        proptest::collection::btree_map(0u64..4, proptest::collection::vec(0u64..6, 0..3), 0..3),
        proptest::collection::vec((0u64..4, 0u64..4), 0..2),
        proptest::collection::btree_set((0u64..4, 0u64..4), 0..3),
        proptest::collection::btree_set((0u64..4, 0u64..4), 0..3),
    )
        .prop_map(|(managers, conflicts, tried, former)| ExclusionData {
            managers,
            conflicts: conflicts
                .into_iter()
                .map(|(a, b)| Conflict {
                    a,
                    b,
                    reason: "declared".into(),
                })
                .collect(),
            tried,
            former,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn fast_scorer_agrees_with_explanations(
        mentees in proptest::collection::vec(any_mentee(), 1..4),
        mentors in proptest::collection::vec(any_mentor(), 1..4),
        weights in any_weights(),
        data in any_data(),
    ) {
        let scorer = Scorer::new(&mentees, &mentors, &weights, &data);
        for (i, e) in mentees.iter().enumerate() {
            for (j, r) in mentors.iter().enumerate() {
                let expected = if exclusions(e, r, &data).is_empty() {
                    Some(explain(e, r, &weights).0)
                } else {
                    None
                };
                prop_assert_eq!(scorer.score(i, j), expected);
            }
        }
        // And every explanation line adds up to the score.
        let assessment = assess(&mentees, &mentors, &weights, &data);
        for p in &assessment.admissible {
            prop_assert_eq!(p.contributions.iter().map(|c| c.points).sum::<i64>(), p.score);
            prop_assert!(p.contributions.iter().all(|c| c.points == c.value * c.weight && c.points != 0));
        }
        prop_assert_eq!(assessment.admissible.len() + assessment.excluded.len(), mentees.len() * mentors.len());
    }
}

/// The weights times 1,000, so that row sums need more than 16 bits.
fn thousandfold(weights: &Weights) -> Weights {
    Criterion::ALL
        .iter()
        .fold(Weights::new(), |w, &c| w.with(c, weights.get(c) * 1000))
}

/// Every row from `Scorer::scores_of` equals `Scorer::score` pair by pair.
fn rows_agree(scorer: &Scorer, mentees: usize, mentors: usize) -> Result<(), TestCaseError> {
    for i in 0..mentees {
        let row = scorer.scores_of(i);
        prop_assert_eq!(row.len(), mentors);
        for (j, &s) in row.iter().enumerate() {
            prop_assert_eq!(s, scorer.score(i, j), "mentee {} mentor {}", i, j);
        }
    }
    Ok(())
}

/// The solution with one pair taken out, whose transformed weight is
/// positive: a worse solution, whose certificate must not verify. `None`
/// when no pair is worth anything (taking it out loses nothing).
fn without_its_best_pair(solution: &Solution) -> Option<Solution> {
    let transform = solution.certificate.transform;
    let at = solution
        .pairs
        .iter()
        .position(|p| transform.apply(p.score) > 0)?;
    let mut worse = solution.clone();
    let removed = worse.pairs.remove(at);
    worse.total_score -= removed.score;
    worse.matched -= 1;
    Some(worse)
}

/// `solve_with_scorer` finds the optimum of `solve_with_score_fn` and its
/// certificate verifies against every pair.
fn scorer_solves_optimally(
    scorer: &Scorer,
    capacity: &[u32],
    mode: Mode,
    k: Option<usize>,
) -> Result<(), TestCaseError> {
    let m = scorer.mentee_count();
    let options = SolveOptions {
        mode,
        candidates_per_mentee: k,
        threads: Some(1),
    };
    let by_pair = |i: usize, j: usize| scorer.score(i, j);
    let expected = solve_with_score_fn(m, capacity, None, by_pair, &options).expect("valid");
    let solution = solve_with_scorer(scorer, capacity, None, &options).expect("valid");
    prop_assert_eq!(solution.total_score, expected.total_score);
    prop_assert_eq!(solution.matched, expected.matched);
    for p in &solution.pairs {
        prop_assert_eq!(Some(p.score), scorer.score(p.mentee, p.mentor));
    }
    prop_assert_eq!(
        verify_certificate_with_score_fn(m, capacity, None, by_pair, mode, &solution),
        Ok(())
    );
    prop_assert_eq!(
        verify_certificate_with_scorer(scorer, capacity, None, mode, &solution),
        Ok(())
    );
    // A solution that is not optimal does not verify against the scorer.
    if let Some(worse) = without_its_best_pair(&solution) {
        prop_assert!(verify_certificate_with_scorer(scorer, capacity, None, mode, &worse).is_err());
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn whole_rows_agree_with_pairs_and_solve_optimally(
        mentees in proptest::collection::vec(any_mentee(), 1..8),
        mentors in proptest::collection::vec(any_mentor(), 1..6),
        weights in any_weights(),
        data in any_data(),
        mode in proptest::sample::select(vec![Mode::MaxScore, Mode::MaxMatches, Mode::Fair, Mode::FirstComeFirstServed]),
        k in proptest::sample::select(vec![Some(1), Some(2), None]),
    ) {
        let scorer = Scorer::new(&mentees, &mentors, &weights, &data);
        rows_agree(&scorer, mentees.len(), mentors.len())?;
        let capacity: Vec<u32> = mentors.iter().map(MentorProfile::free_places).collect();
        scorer_solves_optimally(&scorer, &capacity, mode, k)?;
        // Capacities other than the free places, including zero.
        let other: Vec<u32> = (0..mentors.len() as u32).map(|j| j % 3).collect();
        scorer_solves_optimally(&scorer, &other, mode, k)?;
        // Weights whose sums need 32-bit lanes.
        let scorer = Scorer::new(&mentees, &mentors, &thousandfold(&weights), &data);
        rows_agree(&scorer, mentees.len(), mentors.len())?;
        scorer_solves_optimally(&scorer, &capacity, mode, k)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    /// Rows longer than a block of mentors, with many ties.
    #[test]
    fn long_rows_agree_and_solve_optimally(
        mentees in proptest::collection::vec(any_mentee(), 1..30),
        mentors in proptest::collection::vec(any_mentor(), 250..600),
        weights in any_weights(),
        data in any_data(),
        k in proptest::sample::select(vec![Some(1), Some(3)]),
    ) {
        let scorer = Scorer::new(&mentees, &mentors, &weights, &data);
        rows_agree(&scorer, mentees.len(), mentors.len())?;
        let capacity: Vec<u32> = mentors.iter().map(MentorProfile::free_places).collect();
        scorer_solves_optimally(&scorer, &capacity, Mode::MaxScore, k)?;
        let scorer = Scorer::new(&mentees, &mentors, &thousandfold(&weights), &data);
        rows_agree(&scorer, mentees.len(), mentors.len())?;
        scorer_solves_optimally(&scorer, &capacity, Mode::MaxScore, k)?;
    }
}

#[test]
fn rows_with_huge_weights_are_scored_pair_by_pair_and_agree() {
    let mentee = MenteeRequest {
        needs: set(&["a", "b"]),
        place: place("o1", "t1"),
        ..MenteeRequest::default()
    };
    let mentors: Vec<MentorProfile> = (0..300)
        .map(|j| MentorProfile {
            person: 100 + j,
            experience: if j % 2 == 0 {
                set(&["a"])
            } else {
                set(&["a", "b"])
            },
            place: place(if j % 3 == 0 { "o1" } else { "o2" }, "t1"),
            capacity: 1,
            ..MentorProfile::default()
        })
        .collect();
    let weights = Weights::new()
        .with(Criterion::Experience, 1 << 40)
        .with(Criterion::OtherOrganisation, 3);
    let scorer = Scorer::new(&[mentee], &mentors, &weights, &ExclusionData::default());
    let row = scorer.scores_of(0);
    for (j, s) in row.iter().enumerate() {
        assert_eq!(*s, scorer.score(0, j));
    }
    assert_eq!(row[1], Some((2 << 40) + 3));
    let capacity = vec![1; mentors.len()];
    let solution =
        solve_with_scorer(&scorer, &capacity, None, &SolveOptions::default()).expect("valid");
    assert_eq!(solution.total_score, (2 << 40) + 3);
}

#[test]
fn rows_agree_when_interned_numbers_need_32_bits() {
    // More distinct teams than 16 bits can number.
    let mentees: Vec<MenteeRequest> = (0..66_000u64)
        .map(|i| MenteeRequest {
            person: i,
            needs: set(&["a"]),
            approval_type: Some(format!("approval{}", i % 3)),
            place: Place {
                jurisdiction: Some(format!("j{}", i % 2)),
                region: (i % 5 != 0).then(|| format!("r{}", i % 4)),
                location: Some(format!("l{}", i % 7)),
                ..place(&format!("o{}", i % 3), &format!("t{i}"))
            },
            isolated: i % 2 == 0,
            ..MenteeRequest::default()
        })
        .collect();
    let mentors: Vec<MentorProfile> = (0..300u64)
        .map(|j| MentorProfile {
            person: 100_000 + j,
            experience: if j % 2 == 0 { set(&["a"]) } else { set(&["b"]) },
            approval_type: Some(format!("approval{}", j % 4)),
            place: Place {
                jurisdiction: (j % 3 != 0).then(|| format!("j{}", j % 2)),
                region: Some(format!("r{}", j % 4)),
                location: Some(format!("l{}", j % 7)),
                ..place(&format!("o{}", j % 2), &format!("t{}", j * 7))
            },
            capacity: 2,
            ..MentorProfile::default()
        })
        .collect();
    let weights = Weights::new()
        .with(Criterion::Experience, 6)
        .with(Criterion::ApprovalType, 4)
        .with(Criterion::Location, 2)
        .with(Criterion::OtherOrganisation, 5)
        .with(Criterion::OtherJurisdiction, 3)
        .with(Criterion::OtherTeamOrRegion, 1)
        .with(Criterion::OtherTeamForIsolated, 6);
    let scorer = Scorer::new(&mentees, &mentors, &weights, &ExclusionData::default());
    for i in (0..40).chain(65_980..66_000) {
        let row = scorer.scores_of(i);
        for (j, s) in row.iter().enumerate() {
            assert_eq!(*s, scorer.score(i, j), "mentee {i} mentor {j}");
        }
    }
}

/// Where every pair scores the same, mentees keep different mentors as
/// candidates: the run is proved with a small share of the pairs, not by
/// adding every pair (which took gigabytes at 22,000 × 5,000), and the
/// solution is still optimal.
#[test]
fn a_run_where_every_pair_ties_stays_sparse() {
    let (m, n) = (3_000, 700);
    let mentees: Vec<MenteeRequest> = (0..m)
        .map(|i| MenteeRequest {
            person: i as u64,
            place: place("org", "team"),
            ..MenteeRequest::default()
        })
        .collect();
    let mentors: Vec<MentorProfile> = (0..n)
        .map(|j| MentorProfile {
            person: (m + j) as u64,
            place: place("org", "team"),
            capacity: 4,
            ..MentorProfile::default()
        })
        .collect();
    let weights = Weights::new().with(Criterion::Language, 2);
    let scorer = Scorer::new(&mentees, &mentors, &weights, &ExclusionData::default());
    let capacity = vec![4; n];
    let options = SolveOptions {
        threads: Some(1),
        ..SolveOptions::default()
    };
    let solution = solve_with_scorer(&scorer, &capacity, None, &options).expect("solves");
    assert_eq!(solution.matched, 2_800, "every place is filled");
    assert!(
        solution.stats.candidate_pairs <= m * 128,
        "{} candidate pairs of {}",
        solution.stats.candidate_pairs,
        m * n
    );
    assert_eq!(
        verify_certificate_with_scorer(&scorer, &capacity, None, Mode::MaxScore, &solution),
        Ok(())
    );
}
