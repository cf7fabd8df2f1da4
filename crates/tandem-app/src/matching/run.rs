//! One matching run (MAT-3): load what it needs, build the engine's
//! profiles, fix the coordinator's overrides, score the rest without text
//! and solve, check the certificate against every pair, and explain the
//! pairs proposed and the mentees left waiting.

use std::borrow::Cow;
use std::collections::HashMap;

use tandem_domain::ids::{OrganisationId, OverrideId, PersonId};
use tandem_domain::permissions::MatchingAuthority;
use tandem_domain::programme::{AllocationOrder, MatchMethod};
use tandem_matching::{
    MenteeRequest, MentorProfile, MentorStatus, Mode, Scorer, Solution, SolveOptions, Weights,
    exclusions, explain, solve_with_scorer, verify_certificate_with_scorer,
};
use tandem_store::{OverrideRow, RegisterFilter, RequestRow};

use super::overrides::{FixedPair, Indices, Places, apply_overrides, with_candidate};
use super::profiles::{Loaded, Profiles, build_profiles, weights};
use super::{ClosedMentors, MatchingRun, ProposedPair, RuledOut, Unmatched};
use crate::{App, AppError};

impl App {
    /// A run with the overrides in force, plus one more being considered.
    pub(super) async fn run_matching_with(
        &self,
        authority: &MatchingAuthority,
        extra: Option<&OverrideRow>,
    ) -> Result<MatchingRun, AppError> {
        let started = std::time::Instant::now();
        let programme_id = authority.programme_id();
        let (programme_name, programme, _) = self.matching_programme(programme_id).await?;
        // The queries that do not depend on each other run at once, each
        // on its own connection.
        let store = &self.store;
        let (organisations, waiting, entries, live_per_entry, tried, former, in_force, identities) =
            tokio::try_join!(
                async { store.organisations().all().await },
                // Accepted requests without a live proposal, found in the
                // query rather than read out and dropped (at national scale
                // nearly all accepted requests have their mentor).
                async { store.requests().all_waiting_for_match(programme_id).await },
                async {
                    store
                        .register()
                        .list(programme_id, &RegisterFilter::default())
                        .await
                },
                async { store.proposals().live_per_entry(programme_id).await },
                async { store.relationships().excluded_pairs(programme_id).await },
                async {
                    // MAT-5: only AFC links a mentee with a former mentor again.
                    if programme.matching.relink_former_mentor {
                        Ok(Vec::new())
                    } else {
                        store.relationships().former_pairs(programme_id).await
                    }
                },
                async { store.proposals().overrides(programme_id).await },
                // Only what each mentor consented to matching on.
                async { store.identities().for_matching(programme_id).await },
            )?;
        let jurisdictions: HashMap<OrganisationId, String> = organisations
            .into_iter()
            .map(|o| (o.id, o.jurisdiction))
            .collect();
        let requests: Vec<_> = waiting
            .into_iter()
            .filter(|r| authority.covers_mentee_organisation(r.organisation_id))
            .collect();

        // Everyone taking part, and their management chains, in a few
        // queries rather than a few per person.
        let everyone: Vec<PersonId> = requests
            .iter()
            .map(|r| r.person_id)
            .chain(entries.iter().map(|e| e.person_id))
            .collect();
        let (people, management_chains) =
            tokio::try_join!(async { store.people().by_ids(&everyone).await }, async {
                store.people().management_chains(&everyone).await
            },)?;
        let profiles = build_profiles(&Loaded {
            programme: &programme,
            requests: &requests,
            entries: &entries,
            people: &people,
            identities: &identities,
            jurisdictions: &jurisdictions,
            live_per_entry: &live_per_entry,
            management_chains: &management_chains,
            today: self.today(),
            tried: &tried,
            former: &former,
        })?;
        let weights = weights(&programme);
        let loaded_at = started.elapsed();

        // The coordinator's overrides are fixed first; the rest is optimised
        // around them. Each chosen pair is checked on its own, with its
        // reasons, rather than every pair of the programme.
        let indices = Indices::new(&profiles.requests, &profiles.entries);
        let mut places = Places {
            capacity: profiles
                .mentors
                .iter()
                .map(MentorProfile::free_places)
                .collect(),
            fixed: vec![false; profiles.mentees.len()],
        };
        let ruled_out = |i: usize, j: usize| {
            exclusions(
                &profiles.mentees[i],
                &profiles.mentors[j],
                &profiles.exclusions,
            )
        };
        let overrides = with_candidate(in_force, extra);
        let mut overridden = apply_overrides(
            &mut places,
            ruled_out,
            &overrides,
            &profiles.requests,
            &profiles.entries,
            &indices,
        );
        // Where mentees choose from the register (CWT), a mentor a mentee
        // named is fixed next, as the coordinator's choices are: or the
        // run says why not (ruled out, or no free place).
        let mut named_not_proposed = Vec::new();
        if programme.allows_match_method(MatchMethod::MenteePicksFromRegister) {
            let named = apply_overrides(
                &mut places,
                ruled_out,
                &named_mentors(&requests, &overrides),
                &profiles.requests,
                &profiles.entries,
                &indices,
            );
            overridden
                .fixed
                .extend(named.fixed.into_iter().map(|pair| FixedPair {
                    by_mentee: true,
                    ..pair
                }));
            named_not_proposed = named.ignored;
        }
        let first_come_first_served =
            programme.matching.allocation == AllocationOrder::FirstComeFirstServed;
        let mode = if first_come_first_served {
            Mode::FirstComeFirstServed
        } else {
            Mode::MaxScore
        };

        // Everyone else is scored without text, a mentee's row of mentors
        // at a time, and only the pairs proposed are explained.
        let free: Vec<usize> = (0..profiles.mentees.len())
            .filter(|&i| !places.fixed[i])
            .collect();
        // Usually nobody is fixed, and the profiles serve as they are.
        let free_mentees: Cow<'_, [MenteeRequest]> = if free.len() == profiles.mentees.len() {
            Cow::Borrowed(&profiles.mentees)
        } else {
            Cow::Owned(free.iter().map(|&i| profiles.mentees[i].clone()).collect())
        };
        let scorer = Scorer::new(
            &free_mentees,
            &profiles.mentors,
            &weights,
            &profiles.exclusions,
        );
        let order: Vec<u64> = free_mentees.iter().map(|m| m.requested_at).collect();
        let options = SolveOptions {
            mode,
            ..SolveOptions::default()
        };
        let solution = solve_with_scorer(&scorer, &places.capacity, Some(&order), &options)
            .map_err(|e| AppError::Internal(format!("matching failed: {e}")))?;
        let solved_at = started.elapsed();
        verify_certificate_with_scorer(&scorer, &places.capacity, Some(&order), mode, &solution)
            .map_err(|e| {
                AppError::Internal(format!("the matching certificate did not verify: {e}"))
            })?;
        let verified_at = started.elapsed();

        let Explained {
            pairs,
            unmatched,
            total_score,
        } = explain_run(&Outcome {
            profiles: &profiles,
            weights: &weights,
            fixed: &overridden.fixed,
            free: &free,
            scorer: &scorer,
            solution: &solution,
        });
        tracing::info!(
            waiting = profiles.mentees.len(),
            mentors = profiles.mentors.len(),
            proposed = pairs.len(),
            load_ms = loaded_at.as_millis(),
            solve_ms = (solved_at - loaded_at).as_millis(),
            verify_ms = (verified_at - solved_at).as_millis(),
            explain_ms = (started.elapsed() - verified_at).as_millis(),
            "matching run"
        );
        Ok(MatchingRun {
            programme_id,
            programme_name,
            first_come_first_served,
            pairs,
            unmatched,
            waiting: profiles.mentees.len(),
            total_score,
            ignored_overrides: overridden.ignored,
            named_not_proposed,
            closed_mentors: closed_mentors(&profiles.mentors),
        })
    }
}

/// The mentors the waiting mentees named, as choices to fix, for requests
/// the coordinator has not chosen a mentor for.
fn named_mentors(requests: &[RequestRow], chosen: &[OverrideRow]) -> Vec<OverrideRow> {
    requests
        .iter()
        .filter(|r| !chosen.iter().any(|o| o.request_id == r.id))
        .filter_map(|r| {
            r.named_mentor_id.map(|entry| OverrideRow {
                id: OverrideId::new(0),
                request_id: r.id,
                mentor_entry_id: entry,
                reason: NAMED_BY_THE_MENTEE.to_owned(),
            })
        })
        .collect()
}

/// The reason given with a pair the mentee asked for.
const NAMED_BY_THE_MENTEE: &str = "The mentee named this mentor in their request";

/// What a run found, in the words the coordinator reads.
struct Explained {
    pairs: Vec<ProposedPair>,
    unmatched: Vec<Unmatched>,
    total_score: i64,
}

/// What the engine decided, to explain.
struct Outcome<'a> {
    profiles: &'a Profiles,
    weights: &'a Weights,
    /// The pairs fixed before the optimisation.
    fixed: &'a [FixedPair],
    /// The engine's mentee `k` is `profiles.mentees[free[k]]`.
    free: &'a [usize],
    scorer: &'a Scorer,
    solution: &'a Solution,
}

/// The pairs proposed (the coordinator's, then the solution's, by
/// request), each with its score and why; every mentee left unmatched
/// with the mentors ruled out for them in particular and why, and how many
/// could have taken them; and the total score, the coordinator's pairs
/// included. Only these pairs are explained in words.
fn explain_run(outcome: &Outcome<'_>) -> Explained {
    let profiles = outcome.profiles;
    let mut pairs = Vec::new();
    let mut matched = vec![false; profiles.mentees.len()];
    let mut total_score = outcome.solution.total_score;
    let chosen = outcome
        .fixed
        .iter()
        .map(|f| (f.mentee, f.mentor, Some(f)))
        .chain(
            outcome
                .solution
                .pairs
                .iter()
                .map(|p| (outcome.free[p.mentee], p.mentor, None)),
        );
    for (i, j, fixed) in chosen {
        matched[i] = true;
        let (score, contributions) =
            explain(&profiles.mentees[i], &profiles.mentors[j], outcome.weights);
        if fixed.is_some() {
            total_score += score;
        }
        let named_by_mentee = fixed.is_some_and(|f| f.by_mentee);
        let overridden = fixed.filter(|f| !f.by_mentee).map(|f| f.reason.clone());
        pairs.push(ProposedPair {
            request_id: profiles.requests[i].id,
            mentee_name: profiles.requests[i].name.clone(),
            mentor_entry_id: profiles.entries[j].id,
            mentor_name: profiles.entries[j].name.clone(),
            score,
            explanation: contributions.iter().map(ToString::to_string).collect(),
            overridden,
            named_by_mentee,
        });
    }
    pairs.sort_by_key(|p| p.request_id);
    // A mentor who can take nobody is said once for the run (see
    // `closed_mentors`), not once for every mentee.
    let open: Vec<usize> = (0..profiles.mentors.len())
        .filter(|&j| is_open(&profiles.mentors[j]))
        .collect();
    let unmatched = outcome
        .free
        .iter()
        .enumerate()
        .filter(|&(_, &i)| !matched[i])
        .map(|(k, &i)| {
            let row = outcome.scorer.scores_of(k);
            let mut ruled_out = Vec::new();
            let mut could_have = 0;
            for &j in &open {
                if row[j].is_some() {
                    could_have += 1;
                    continue;
                }
                let reasons = exclusions(
                    &profiles.mentees[i],
                    &profiles.mentors[j],
                    &profiles.exclusions,
                );
                ruled_out.push(RuledOut {
                    mentor_name: profiles.entries[j].name.clone(),
                    reasons: reasons.iter().map(ToString::to_string).collect(),
                });
            }
            Unmatched {
                request_id: profiles.requests[i].id,
                mentee_name: profiles.requests[i].name.clone(),
                ruled_out,
                could_have,
            }
        })
        .collect();
    Explained {
        pairs,
        unmatched,
        total_score,
    }
}

/// Whether a mentor could take someone in this run: available, with a
/// free place.
fn is_open(mentor: &MentorProfile) -> bool {
    mentor.status == MentorStatus::Available && mentor.free_places() > 0
}

/// The mentors who can take nobody in this run, counted by why: no free
/// place, not eligible, unavailable (with the reason), most first.
fn closed_mentors(mentors: &[MentorProfile]) -> Vec<ClosedMentors> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for mentor in mentors.iter().filter(|m| !is_open(m)) {
        let why = match &mentor.status {
            MentorStatus::Ineligible(reason) => format!("not eligible: {reason}"),
            MentorStatus::Unavailable(reason) => format!("unavailable: {reason}"),
            MentorStatus::Available => "no free place left".to_owned(),
        };
        *counts.entry(why).or_default() += 1;
    }
    let mut closed: Vec<ClosedMentors> = counts
        .into_iter()
        .map(|(reason, count)| ClosedMentors { reason, count })
        .collect();
    closed.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.reason.cmp(&b.reason)));
    closed
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use tandem_domain::ids::{MentorEntryId, RequestId};
    use tandem_matching::{Criterion, ExclusionData, Identity, Place};

    use super::super::profiles::named;
    use super::*;

    fn welsh() -> BTreeMap<Identity, BTreeSet<String>> {
        BTreeMap::from([(Identity::Language, BTreeSet::from(["cy".to_owned()]))])
    }

    /// Mina (1) and Ned (2, who speaks Welsh) wait. Ada (10) has one
    /// place and speaks Welsh; Bob (11) is full; Cy (12) is not trained;
    /// Di (13) has a place but manages both mentees.
    fn profiles() -> Profiles {
        let place = Place {
            organisation: "o".into(),
            team: "t".into(),
            ..Place::default()
        };
        let mentee = |person, wishes| MenteeRequest {
            person,
            wishes,
            place: place.clone(),
            ..MenteeRequest::default()
        };
        let mentor = |person, identity, current_mentees, status| MentorProfile {
            person,
            identity,
            place: place.clone(),
            capacity: 1,
            current_mentees,
            status,
            ..MentorProfile::default()
        };
        Profiles {
            mentees: vec![mentee(1, BTreeMap::new()), mentee(2, welsh())],
            mentors: vec![
                mentor(10, welsh(), 0, MentorStatus::Available),
                mentor(11, welsh(), 1, MentorStatus::Available),
                mentor(
                    12,
                    welsh(),
                    0,
                    MentorStatus::Ineligible("not trained".into()),
                ),
                mentor(13, BTreeMap::new(), 0, MentorStatus::Available),
            ],
            exclusions: ExclusionData {
                managers: BTreeMap::from([(1, vec![13]), (2, vec![13])]),
                ..ExclusionData::default()
            },
            requests: vec![named(100, "Mina Tee"), named(101, "Ned Kay")],
            entries: vec![
                named(200, "Ada Lovelace"),
                named(201, "Bob Hope"),
                named(202, "Cy Twombly"),
                named(203, "Di Manager"),
            ],
        }
    }

    #[test]
    fn a_run_explains_its_pairs_and_why_the_rest_wait() {
        let profiles = profiles();
        let weights = Weights::new().with(Criterion::Language, 5);
        let free = [0, 1];
        let scorer = Scorer::new(
            &profiles.mentees,
            &profiles.mentors,
            &weights,
            &profiles.exclusions,
        );
        let capacity: Vec<u32> = profiles
            .mentors
            .iter()
            .map(MentorProfile::free_places)
            .collect();
        let solution =
            solve_with_scorer(&scorer, &capacity, None, &SolveOptions::default()).expect("solves");
        let explained = explain_run(&Outcome {
            profiles: &profiles,
            weights: &weights,
            fixed: &[],
            free: &free,
            scorer: &scorer,
            solution: &solution,
        });

        // Ned shares Ada's Welsh, so the best outcome gives her to him.
        assert_eq!(explained.pairs.len(), 1);
        let pair = &explained.pairs[0];
        assert_eq!(
            (pair.request_id, pair.mentor_entry_id, pair.score),
            (RequestId::new(101), MentorEntryId::new(200), 5)
        );
        assert_eq!(pair.explanation.len(), 1, "{:?}", pair.explanation);
        assert_eq!(explained.total_score, 5);

        // Mina waits: Ada could have taken her; Di is ruled out for her in
        // particular; Bob and Cy take nobody, so they are said once for
        // the run, not for her.
        assert_eq!(explained.unmatched.len(), 1);
        let mina = &explained.unmatched[0];
        assert_eq!(mina.request_id, RequestId::new(100));
        assert_eq!(mina.could_have, 1);
        assert_eq!(
            mina.ruled_out,
            [RuledOut {
                mentor_name: "Di Manager".into(),
                reasons: vec!["the mentor is in the mentee's line-management chain".into()],
            }]
        );
        assert_eq!(
            closed_mentors(&profiles.mentors),
            [
                ClosedMentors {
                    reason: "no free place left".into(),
                    count: 1
                },
                ClosedMentors {
                    reason: "not eligible: not trained".into(),
                    count: 1
                },
            ]
        );
    }
}
