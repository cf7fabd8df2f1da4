//! The coordinator's overrides (MAT-3): each chosen pair is fixed before
//! the rest is optimised around it. An override that a hard exclusion
//! forbids, or whose mentor has no free place left, is not applied, and
//! the run says why.

use std::collections::HashMap;

use tandem_domain::ids::{MentorEntryId, RequestId};
use tandem_matching::ExclusionReason;
use tandem_store::OverrideRow;

use super::profiles::Named;

/// A pair the coordinator chose, by engine index, with their reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct FixedPair {
    pub mentee: usize,
    pub mentor: usize,
    pub reason: String,
    /// The mentee named this mentor (rather than a coordinator choosing).
    pub by_mentee: bool,
}

/// What applying the overrides did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Overridden {
    /// The pairs fixed, in the order of the overrides.
    pub fixed: Vec<FixedPair>,
    /// One line per override not applied: "mentee with mentor: why".
    pub ignored: Vec<String>,
}

/// The overrides in force with `candidate` (one being considered) in
/// place of any earlier override for its request, and considered last, so
/// that if it cannot be applied its reason is the last line ignored.
pub(super) fn with_candidate(
    mut in_force: Vec<OverrideRow>,
    candidate: Option<&OverrideRow>,
) -> Vec<OverrideRow> {
    if let Some(candidate) = candidate {
        in_force.retain(|o| o.request_id != candidate.request_id);
        in_force.push(candidate.clone());
    }
    in_force
}

/// Where each request and register entry of a run is, by engine index.
#[derive(Debug, Clone, Default)]
pub(super) struct Indices {
    pub request: HashMap<RequestId, usize>,
    pub entry: HashMap<MentorEntryId, usize>,
}

impl Indices {
    pub fn new(requests: &[Named<RequestId>], entries: &[Named<MentorEntryId>]) -> Indices {
        Indices {
            request: requests
                .iter()
                .enumerate()
                .map(|(i, r)| (r.id, i))
                .collect(),
            entry: entries.iter().enumerate().map(|(j, e)| (e.id, j)).collect(),
        }
    }
}

/// The run's state while choices are fixed: each mentor's free places
/// left, and which mentees are already paired.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Places {
    pub capacity: Vec<u32>,
    pub fixed: Vec<bool>,
}

/// Fixes the overrides' pairs, in order: the mentee is taken out of the
/// optimisation and one of the mentor's places is used. A pair that
/// `ruled_out(mentee, mentor)` gives reasons against, or whose mentor has
/// no place left, is not fixed and the outcome says why. An override for a
/// request or a register entry that is not in the run (no longer waiting,
/// or not the caller's to match), or for a mentee already paired, is
/// passed over.
pub(super) fn apply_overrides(
    places: &mut Places,
    ruled_out: impl Fn(usize, usize) -> Vec<ExclusionReason>,
    overrides: &[OverrideRow],
    requests: &[Named<RequestId>],
    entries: &[Named<MentorEntryId>],
    indices: &Indices,
) -> Overridden {
    let mut outcome = Overridden::default();
    for o in overrides {
        let Some(&i) = indices.request.get(&o.request_id) else {
            continue;
        };
        let Some(&j) = indices.entry.get(&o.mentor_entry_id) else {
            continue;
        };
        if places.fixed[i] {
            continue;
        }
        let pair = format!("{} with {}", requests[i].name, entries[j].name);
        let reasons = ruled_out(i, j);
        if !reasons.is_empty() {
            let reasons: Vec<String> = reasons.iter().map(ToString::to_string).collect();
            outcome
                .ignored
                .push(format!("{pair}: {}", reasons.join("; ")));
            continue;
        }
        if places.capacity[j] == 0 {
            outcome
                .ignored
                .push(format!("{pair}: the mentor has no free place left"));
            continue;
        }
        places.fixed[i] = true;
        places.capacity[j] -= 1;
        outcome.fixed.push(FixedPair {
            mentee: i,
            mentor: j,
            reason: o.reason.clone(),
            by_mentee: false,
        });
    }
    outcome
}

#[cfg(test)]
mod tests {
    use tandem_domain::ids::OverrideId;

    use super::super::profiles::named;
    use super::*;

    fn choice(request_id: i64, mentor_entry_id: i64, reason: &str) -> OverrideRow {
        OverrideRow {
            id: OverrideId::new(0),
            request_id: RequestId::new(request_id),
            mentor_entry_id: MentorEntryId::new(mentor_entry_id),
            reason: reason.to_owned(),
        }
    }

    /// Mentees 0 and 1 (requests 10 and 11), mentors 0 and 1 (entries 20
    /// and 21) with one free place each; nobody paired yet.
    fn two_by_two() -> Places {
        Places {
            capacity: vec![1, 1],
            fixed: vec![false, false],
        }
    }

    /// A pair ruled out, with its reasons.
    type Excluded = ((usize, usize), Vec<ExclusionReason>);

    /// Applies the overrides to [`two_by_two`]: requests 10 (Mina Tee) and
    /// 11 (Ned Kay), register entries 20 (Ada Lovelace) and 21 (Bob Hope).
    fn apply(excluded: &[Excluded], overrides: &[OverrideRow]) -> (Places, Overridden) {
        let mut places = two_by_two();
        let requests = [named(10, "Mina Tee"), named(11, "Ned Kay")];
        let entries = [named(20, "Ada Lovelace"), named(21, "Bob Hope")];
        let ruled_out = |i: usize, j: usize| {
            excluded
                .iter()
                .find(|(pair, _)| *pair == (i, j))
                .map(|(_, reasons)| reasons.clone())
                .unwrap_or_default()
        };
        let outcome = apply_overrides(
            &mut places,
            ruled_out,
            overrides,
            &requests,
            &entries,
            &Indices::new(&requests, &entries),
        );
        (places, outcome)
    }

    #[test]
    fn an_override_fixes_its_pair_and_uses_a_place() {
        let (places, outcome) = apply(&[], &[choice(11, 20, "they asked for her")]);
        assert_eq!(
            outcome.fixed,
            [FixedPair {
                mentee: 1,
                mentor: 0,
                reason: "they asked for her".to_owned(),
                by_mentee: false,
            }]
        );
        assert!(outcome.ignored.is_empty());
        assert_eq!(places.capacity, [0, 1]);
        assert_eq!(
            places.fixed,
            [false, true],
            "the mentee is out of the optimisation"
        );
    }

    #[test]
    fn an_override_a_hard_exclusion_forbids_is_refused_with_every_reason() {
        let excluded = [(
            (0, 1),
            vec![
                ExclusionReason::MentorManagesMentee,
                ExclusionReason::ConflictOfInterest("related".to_owned()),
            ],
        )];
        let (places, outcome) = apply(&excluded, &[choice(10, 21, "why not")]);
        assert!(outcome.fixed.is_empty());
        assert_eq!(
            outcome.ignored,
            [
                "Mina Tee with Bob Hope: the mentor is in the mentee's line-management chain; \
              declared conflict of interest: related"
            ]
        );
        assert_eq!(places, two_by_two(), "nothing is fixed");
    }

    #[test]
    fn an_override_finding_the_mentor_full_is_refused() {
        let (places, outcome) = apply(&[], &[choice(10, 20, "first"), choice(11, 20, "second")]);
        assert_eq!(outcome.fixed.len(), 1);
        assert_eq!(outcome.fixed[0].reason, "first");
        assert_eq!(
            outcome.ignored,
            ["Ned Kay with Ada Lovelace: the mentor has no free place left"]
        );
        assert_eq!(places.capacity, [0, 1]);
        assert_eq!(
            places.fixed,
            [true, false],
            "the refused mentee is still matched by the optimisation"
        );
    }

    #[test]
    fn an_override_outside_the_run_is_passed_over() {
        let (places, outcome) = apply(
            &[],
            &[
                choice(99, 20, "not waiting"),
                choice(10, 99, "not registered"),
            ],
        );
        assert_eq!(outcome, Overridden::default());
        assert_eq!(places, two_by_two());
    }

    #[test]
    fn the_candidate_replaces_its_requests_override_and_comes_last() {
        let in_force = vec![choice(10, 20, "old"), choice(11, 21, "other")];
        assert_eq!(with_candidate(in_force.clone(), None), in_force);
        let candidate = choice(10, 21, "new");
        assert_eq!(
            with_candidate(in_force, Some(&candidate)),
            [choice(11, 21, "other"), candidate]
        );
    }
}
