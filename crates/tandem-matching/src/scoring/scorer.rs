//! The [`Scorer`]: the same scores and exclusions as `explain` and
//! `exclusions`, without text, for matching at scale. It compiles the
//! profiles once, then scores a pair from bit sets and interned numbers, or
//! a mentee's whole row of mentors from the column form in `columns`.

use std::collections::{BTreeSet, HashMap};

use super::columns::{BLOCK_EXCLUDED, RowData, row_data};
use super::compiled::{
    CompiledPerson, CompiledWeights, Interner, SETS, SetDim, mentee_sets, mentor_sets,
};
use super::criteria::{Criterion, Weights};
use super::exclusions::ExclusionData;
use super::profiles::{Elsewhere, MenteeRequest, MentorProfile, MentorStatus, PersonId, Place};

/// Scores pairs fast and without explanations, for matching at scale: the
/// profiles are compiled into bit sets and interned numbers once. It gives
/// exactly the score of [`explain`](crate::explain) and applies exactly the
/// exclusions of [`exclusions`](crate::exclusions).
#[derive(Debug, Clone)]
pub struct Scorer {
    stride: usize,
    /// The weighted set dimensions only.
    dims: Vec<SetDim>,
    weight: CompiledWeights,
    mentee_bits: Vec<u64>,
    mentor_bits: Vec<u64>,
    mentee: Vec<CompiledPerson>,
    mentor: Vec<CompiledPerson>,
    /// Per mentee: persons it may not be paired with (sorted).
    mentee_blocks: Vec<Vec<PersonId>>,
    /// Per mentor: persons it may not be paired with (sorted).
    mentor_blocks: Vec<Vec<PersonId>>,
    /// Mentors who cannot take anyone.
    mentor_closed: Vec<bool>,
    /// The mentors in columns, for scoring a mentee's whole row at once;
    /// `None` when the scores could exceed `i32` or the columns would be
    /// too large.
    rows: Option<RowData>,
}

/// Marks an excluded pair in a row of scores from [`Scorer::score_row`].
pub(crate) const EXCLUDED: i64 = i64::MIN;

impl Scorer {
    /// Compiles the profiles, weights and exclusion data.
    pub fn new(
        mentees: &[MenteeRequest],
        mentors: &[MentorProfile],
        weights: &Weights,
        data: &ExclusionData,
    ) -> Self {
        let mut tables: Vec<Interner> = (0..SETS).map(|_| Interner::default()).collect();
        let empty = BTreeSet::new();
        // Only values the mentee side mentions can ever match, so intern
        // those first and ignore mentor-only values.
        for m in mentees {
            for (d, set) in mentee_sets(m, &empty).iter().enumerate() {
                for s in *set {
                    tables[d].id(s);
                }
            }
        }
        let mut words = [0usize; SETS];
        let mut offset = [0usize; SETS];
        let mut stride = 0;
        for d in 0..SETS {
            words[d] = tables[d].0.len().div_ceil(64);
            offset[d] = stride;
            stride += words[d];
        }
        let mut mentee_bits = vec![0u64; mentees.len() * stride];
        for (i, m) in mentees.iter().enumerate() {
            for (d, set) in mentee_sets(m, &empty).iter().enumerate() {
                for s in *set {
                    let bit = tables[d].id(s) as usize;
                    mentee_bits[i * stride + offset[d] + bit / 64] |= 1 << (bit % 64);
                }
            }
        }
        let mut mentor_bits = vec![0u64; mentors.len() * stride];
        for (j, m) in mentors.iter().enumerate() {
            for (d, set) in mentor_sets(m, &empty).iter().enumerate() {
                for s in *set {
                    if let Some(&bit) = tables[d].0.get(s.as_str()) {
                        let bit = bit as usize;
                        mentor_bits[j * stride + offset[d] + bit / 64] |= 1 << (bit % 64);
                    }
                }
            }
        }

        let mut approval = Interner::default();
        let mut household = Interner::default();
        let mut location = Interner::default();
        let mut organisation = Interner::default();
        let mut jurisdiction = Interner::default();
        let mut team = Interner::default();
        let mut region = Interner::default();
        let mut compile = |person: PersonId,
                           a: &Option<String>,
                           h: &Option<String>,
                           place: &Place,
                           isolated: bool,
                           prefers: Elsewhere| CompiledPerson {
            person,
            approval: approval.optional(a),
            household: household.optional(h),
            location: location.optional(&place.location),
            organisation: organisation.id(&place.organisation),
            jurisdiction: jurisdiction.optional(&place.jurisdiction),
            team: team.id(&place.team),
            region: region.optional(&place.region),
            isolated,
            prefers,
        };
        let mentee: Vec<CompiledPerson> = mentees
            .iter()
            .map(|m| {
                compile(
                    m.person,
                    &m.approval_type,
                    &m.household,
                    &m.place,
                    m.isolated,
                    m.prefers,
                )
            })
            .collect();
        let mentor: Vec<CompiledPerson> = mentors
            .iter()
            .map(|m| {
                compile(
                    m.person,
                    &m.approval_type,
                    &m.household,
                    &m.place,
                    false,
                    Elsewhere::default(),
                )
            })
            .collect();

        // Pairwise exclusions become short sorted lists of blocked people.
        let mut mentee_blocks: Vec<Vec<PersonId>> = mentees
            .iter()
            .map(|m| {
                let mut list: Vec<PersonId> = m.not_with.iter().copied().collect();
                list.extend(data.managers.get(&m.person).into_iter().flatten());
                list
            })
            .collect();
        let mut mentor_blocks: Vec<Vec<PersonId>> = mentors
            .iter()
            .map(|m| {
                data.managers
                    .get(&m.person)
                    .into_iter()
                    .flatten()
                    .copied()
                    .collect()
            })
            .collect();
        let mut mentee_index: HashMap<PersonId, Vec<usize>> = HashMap::new();
        for (i, m) in mentees.iter().enumerate() {
            mentee_index.entry(m.person).or_default().push(i);
        }
        for c in &data.conflicts {
            for (x, y) in [(c.a, c.b), (c.b, c.a)] {
                for &i in mentee_index.get(&x).into_iter().flatten() {
                    mentee_blocks[i].push(y);
                }
            }
        }
        // Pairs tried before for the request, and former mentors where the
        // programme does not link them again: (mentee, mentor) persons.
        for &(mentee, mentor) in data.tried.iter().chain(&data.former) {
            for &i in mentee_index.get(&mentee).into_iter().flatten() {
                mentee_blocks[i].push(mentor);
            }
        }
        for list in mentee_blocks.iter_mut().chain(mentor_blocks.iter_mut()) {
            list.sort_unstable();
            list.dedup();
        }
        let mentor_closed: Vec<bool> = mentors
            .iter()
            .map(|m| m.status != MentorStatus::Available || m.free_places() == 0)
            .collect();

        let mut set_weight = [0i64; SETS];
        for (d, c) in [
            Criterion::Experience,
            Criterion::SpecificRequests,
            Criterion::Style,
            Criterion::SpecialInterests,
            Criterion::Language,
            Criterion::Race,
            Criterion::Culture,
            Criterion::Religion,
            Criterion::Gender,
            Criterion::Sexuality,
        ]
        .into_iter()
        .enumerate()
        {
            set_weight[d] = weights.get(c);
        }
        let dims: Vec<SetDim> = (0..SETS)
            .filter(|&d| set_weight[d] != 0)
            .map(|d| SetDim {
                offset: offset[d],
                words: words[d],
                weight: set_weight[d],
                count: d < 4,
            })
            .collect();
        let weight = CompiledWeights {
            approval: weights.get(Criterion::ApprovalType),
            household: weights.get(Criterion::Household),
            location: weights.get(Criterion::Location),
            organisation: weights.get(Criterion::OtherOrganisation),
            jurisdiction: weights.get(Criterion::OtherJurisdiction),
            team: weights.get(Criterion::OtherTeamOrRegion),
            isolated: weights.get(Criterion::OtherTeamForIsolated),
            preferred: weights.get(Criterion::PreferredElsewhere),
        };
        let rows = row_data(
            &dims,
            &weight,
            stride,
            &mentor_bits,
            &mentee,
            &mentor,
            &mentee_blocks,
            &mentor_blocks,
            &mentor_closed,
        );
        Scorer {
            stride,
            dims,
            weight,
            mentee_bits,
            mentor_bits,
            mentee,
            mentor,
            mentee_blocks,
            mentor_blocks,
            mentor_closed,
            rows,
        }
    }

    /// The number of mentees.
    pub fn mentee_count(&self) -> usize {
        self.mentee.len()
    }

    /// The number of mentors.
    pub fn mentor_count(&self) -> usize {
        self.mentor.len()
    }

    /// Every mentor's score for one mentee, as [`Scorer::score`] gives them
    /// (`None` when excluded), computed for the whole row at once. This is
    /// much faster per pair than calling [`Scorer::score`] for each mentor.
    pub fn scores_of(&self, mentee: usize) -> Vec<Option<i64>> {
        if mentee >= self.mentee.len() {
            return vec![None; self.mentor.len()];
        }
        let mut row = vec![0; self.mentor.len()];
        self.score_row(mentee, &mut row);
        row.into_iter()
            .map(|s| (s != EXCLUDED).then_some(s))
            .collect()
    }

    /// Fills `out` (one entry per mentor) with the mentee's scores, or
    /// [`EXCLUDED`]. The mentee must exist.
    pub(crate) fn score_row(&self, mentee: usize, out: &mut [i64]) {
        let n = self.mentor.len();
        let out = &mut out[..n];
        let by_blocks = self.score_blocks(mentee, &[], 0, |start, block| {
            for (o, &s) in out[start..start + block.len()].iter_mut().zip(block) {
                *o = if s == BLOCK_EXCLUDED {
                    EXCLUDED
                } else {
                    i64::from(s)
                };
            }
        });
        if !by_blocks {
            for (j, o) in out.iter_mut().enumerate() {
                *o = self.score(mentee, j).unwrap_or(EXCLUDED);
            }
        }
    }

    /// Scores the mentee's row in blocks of consecutive mentors, calling
    /// `visit(first mentor, scores)` for each block, from mentor `from` to
    /// the last and then from the first to `from`, with
    /// [`BLOCK_EXCLUDED`] for excluded pairs and for the mentors listed in
    /// `skip` (sorted). Returns false, without calling `visit`, when the
    /// scores might not fit in `i32`; use [`Scorer::score`] then.
    pub(crate) fn score_blocks(
        &self,
        mentee: usize,
        skip: &[u32],
        from: usize,
        visit: impl FnMut(usize, &[i32]),
    ) -> bool {
        let Some(rows) = &self.rows else {
            return false;
        };
        let x = &self.mentee_bits[mentee * self.stride..(mentee + 1) * self.stride];
        let terms = rows.terms(&self.dims, x, &self.mentee[mentee], &self.weight);
        rows.score_blocks(&terms, mentee, skip, from, visit);
        true
    }

    /// The pair's score, or `None` when a hard exclusion applies. Indices
    /// out of range give `None`.
    pub fn score(&self, mentee: usize, mentor: usize) -> Option<i64> {
        let (a, b) = (self.mentee.get(mentee)?, self.mentor.get(mentor)?);
        let blocked = |list: &Vec<PersonId>, person: PersonId| {
            !list.is_empty() && list.binary_search(&person).is_ok()
        };
        if self.mentor_closed[mentor]
            || a.person == b.person
            || blocked(&self.mentee_blocks[mentee], b.person)
            || blocked(&self.mentor_blocks[mentor], a.person)
        {
            return None;
        }
        let x = &self.mentee_bits[mentee * self.stride..(mentee + 1) * self.stride];
        let y = &self.mentor_bits[mentor * self.stride..(mentor + 1) * self.stride];
        let mut score = 0i64;
        for dim in &self.dims {
            let mut common = 0i64;
            for word in dim.offset..dim.offset + dim.words {
                let mut both = x[word] & y[word];
                if dim.count {
                    // Overlaps are small, so clearing one bit at a time is
                    // cheaper than a software popcount on baseline x86-64.
                    while both != 0 {
                        common += 1;
                        both &= both - 1;
                    }
                } else if both != 0 {
                    common = 1;
                    break;
                }
            }
            score = score.saturating_add(dim.weight.saturating_mul(common));
        }
        let w = &self.weight;
        let same = |p: u32, q: u32| p != u32::MAX && p == q;
        let differ = |p: u32, q: u32| p != u32::MAX && q != u32::MAX && p != q;
        let mut add = |hit: bool, weight: i64| {
            if hit {
                score = score.saturating_add(weight);
            }
        };
        add(same(a.approval, b.approval), w.approval);
        add(same(a.household, b.household), w.household);
        add(same(a.location, b.location), w.location);
        add(a.organisation != b.organisation, w.organisation);
        add(differ(a.jurisdiction, b.jurisdiction), w.jurisdiction);
        let elsewhere = a.team != b.team || differ(a.region, b.region);
        add(elsewhere, w.team);
        add(elsewhere && a.isolated, w.isolated);
        let p = a.prefers;
        add(p.team && a.team != b.team, w.preferred);
        add(p.region && differ(a.region, b.region), w.preferred);
        add(
            p.organisation && a.organisation != b.organisation,
            w.preferred,
        );
        add(
            p.jurisdiction && differ(a.jurisdiction, b.jurisdiction),
            w.preferred,
        );
        Some(score)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::scoring::Identity;

    /// Mentors in three teams with a few languages, so scores differ, and
    /// every fifth one closed; one mentee who speaks two of them.
    fn scorer(mentors: usize) -> Scorer {
        let words =
            |w: &[&str]| -> BTreeSet<String> { w.iter().map(|s| (*s).to_owned()).collect() };
        let mentee = MenteeRequest {
            person: 0,
            wishes: BTreeMap::from([(Identity::Language, words(&["cy", "pl"]))]),
            place: Place {
                organisation: "o".into(),
                team: "t0".into(),
                ..Place::default()
            },
            ..MenteeRequest::default()
        };
        let language = ["cy", "pl", "ga", "en"];
        let mentors: Vec<MentorProfile> = (0..mentors)
            .map(|j| MentorProfile {
                person: j as u64 + 1,
                identity: BTreeMap::from([(Identity::Language, words(&[language[j % 4]]))]),
                place: Place {
                    organisation: "o".into(),
                    team: format!("t{}", j % 3),
                    ..Place::default()
                },
                capacity: 2,
                current_mentees: u32::from(j % 5 == 0) * 2,
                ..MentorProfile::default()
            })
            .collect();
        let weights = Weights::new()
            .with(Criterion::Language, 3)
            .with(Criterion::OtherTeamOrRegion, 2);
        Scorer::new(&[mentee], &mentors, &weights, &ExclusionData::default())
    }

    #[test]
    fn a_row_started_anywhere_visits_every_mentor_once_with_its_score() {
        // More than one block of mentors, and not a whole number of blocks.
        let n = 700;
        let scorer = scorer(n);
        let expected = scorer.scores_of(0);
        assert!(expected.iter().any(Option::is_none), "some are closed");
        assert!(
            expected.iter().flatten().collect::<BTreeSet<_>>().len() > 2,
            "scores differ"
        );
        for from in [0, 1, 255, 256, 257, 511, 699, 700, 1_000] {
            let mut seen = vec![0u32; n];
            let mut order = Vec::new();
            let by_blocks = scorer.score_blocks(0, &[], from, |start, block| {
                for (j, &s) in (start..).zip(block) {
                    seen[j] += 1;
                    order.push(j);
                    let s = (s != BLOCK_EXCLUDED).then_some(i64::from(s));
                    assert_eq!(s, expected[j], "mentor {j} from {from}");
                }
            });
            assert!(by_blocks);
            assert!(seen.iter().all(|&c| c == 1), "from {from}");
            assert_eq!(order[0], from % n, "the row starts at mentor {from}");
        }
    }
}
