//! One matching run (MAT-3): load what it needs, build the engine's
//! profiles, fix the coordinator's overrides, solve, check the certificate
//! and explain the outcome. Nothing is stored.

use std::collections::HashMap;

use tandem_domain::ids::{OrganisationId, OverrideId, PersonId};
use tandem_domain::permissions::MatchingAuthority;
use tandem_domain::programme::{AllocationOrder, MatchMethod};
use tandem_matching::{
    Assessment, Mode, Solution, SolveOptions, assess, solve, verify_certificate,
};
use tandem_store::{OverrideRow, RegisterFilter, RequestRow};

use super::overrides::{FixedPair, apply_overrides, with_candidate};
use super::profiles::{Loaded, Profiles, build_profiles, weights};
use super::{MatchingRun, ProposedPair, RuledOut, Unmatched};
use crate::{App, AppError};

impl App {
    /// A run with the overrides in force, plus one more being considered.
    pub(super) async fn run_matching_with(
        &self,
        authority: &MatchingAuthority,
        extra: Option<&OverrideRow>,
    ) -> Result<MatchingRun, AppError> {
        let programme_id = authority.programme_id();
        let (programme_name, programme, _) = self.matching_programme(programme_id).await?;
        let jurisdictions: HashMap<OrganisationId, String> = self
            .store
            .organisations()
            .all()
            .await?
            .into_iter()
            .map(|o| (o.id, o.jurisdiction))
            .collect();
        // Accepted requests without a live proposal, found in the query
        // rather than read out and dropped (at national scale nearly all
        // accepted requests have their mentor).
        let requests: Vec<_> = self
            .store
            .requests()
            .all_waiting_for_match(programme_id)
            .await?
            .into_iter()
            .filter(|r| authority.covers_mentee_organisation(r.organisation_id))
            .collect();
        let entries = self
            .store
            .register()
            .list(programme_id, &RegisterFilter::default())
            .await?;
        let live_per_entry = self.store.proposals().live_per_entry(programme_id).await?;
        let tried = self
            .store
            .relationships()
            .excluded_pairs(programme_id)
            .await?;
        // MAT-5: only AFC links a mentee with a former mentor again.
        let former = if programme.matching.relink_former_mentor {
            Vec::new()
        } else {
            self.store
                .relationships()
                .former_pairs(programme_id)
                .await?
        };

        // Everyone taking part, and their management chains, in a few
        // queries rather than a few per person.
        let everyone: Vec<PersonId> = requests
            .iter()
            .map(|r| r.person_id)
            .chain(entries.iter().map(|e| e.person_id))
            .collect();
        let people = self.store.people().by_ids(&everyone).await?;
        let management_chains = self.store.people().management_chains(&everyone).await?;
        let profiles = build_profiles(&Loaded {
            programme: &programme,
            requests: &requests,
            entries: &entries,
            people: &people,
            jurisdictions: &jurisdictions,
            live_per_entry: &live_per_entry,
            management_chains: &management_chains,
            today: self.today(),
            tried: &tried,
            former: &former,
        })?;
        let assessment = assess(
            &profiles.mentees,
            &profiles.mentors,
            &weights(&programme),
            &profiles.exclusions,
        );

        // The coordinator's overrides are fixed first; the rest is optimised
        // around them.
        let mut problem = assessment.problem(&profiles.mentees, &profiles.mentors);
        let overrides =
            with_candidate(self.store.proposals().overrides(programme_id).await?, extra);
        let mut overridden = apply_overrides(
            &mut problem,
            &assessment.excluded,
            &overrides,
            &profiles.requests,
            &profiles.entries,
        );
        // Where mentees choose from the register (CWT), a mentor a mentee
        // named is fixed next, as the coordinator's choices are: or the
        // run says why not (ruled out, or no free place).
        let mut named_not_proposed = Vec::new();
        if programme.allows_match_method(MatchMethod::MenteePicksFromRegister) {
            let named = apply_overrides(
                &mut problem,
                &assessment.excluded,
                &named_mentors(&requests, &overrides),
                &profiles.requests,
                &profiles.entries,
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
        let options = SolveOptions {
            mode,
            ..SolveOptions::default()
        };
        let solution = solve(&problem, &options)
            .map_err(|e| AppError::Internal(format!("matching failed: {e}")))?;
        verify_certificate(&problem, mode, &solution).map_err(|e| {
            AppError::Internal(format!("the matching certificate did not verify: {e}"))
        })?;

        let Explained {
            pairs,
            unmatched,
            total_score,
        } = explain(&profiles, &assessment, &overridden.fixed, &solution);
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

/// The pairs proposed (the coordinator's, then the solution's, by
/// request), each with its score and why; every mentee left unmatched
/// with the mentors ruled out for them and why; and the total score,
/// the coordinator's pairs included.
fn explain(
    profiles: &Profiles,
    assessment: &Assessment,
    fixed: &[FixedPair],
    solution: &Solution,
) -> Explained {
    let ruled_out_for = |i: usize| -> Vec<RuledOut> {
        assessment
            .excluded
            .iter()
            .filter(|e| e.mentee == i)
            .map(|e| RuledOut {
                mentor_name: profiles.entries[e.mentor].name.clone(),
                reasons: e.reasons.iter().map(ToString::to_string).collect(),
            })
            .collect()
    };
    let scored = |i: usize, j: usize| {
        assessment
            .admissible
            .iter()
            .find(|p| p.mentee == i && p.mentor == j)
    };
    let mut pairs = Vec::new();
    let mut matched = vec![false; profiles.mentees.len()];
    let mut total_score = solution.total_score;
    let chosen = fixed
        .iter()
        .map(|f| (f.mentee, f.mentor, Some(f)))
        .chain(solution.pairs.iter().map(|p| (p.mentee, p.mentor, None)));
    for (i, j, fixed) in chosen {
        matched[i] = true;
        let pair = scored(i, j);
        let score = pair.map_or(0, |p| p.score);
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
            explanation: pair
                .map(|p| p.contributions.iter().map(ToString::to_string).collect())
                .unwrap_or_default(),
            overridden,
            named_by_mentee,
        });
    }
    pairs.sort_by_key(|p| p.request_id);
    let unmatched = (0..profiles.mentees.len())
        .filter(|&i| !matched[i])
        .map(|i| Unmatched {
            request_id: profiles.requests[i].id,
            mentee_name: profiles.requests[i].name.clone(),
            ruled_out: ruled_out_for(i),
        })
        .collect();
    Explained {
        pairs,
        unmatched,
        total_score,
    }
}
