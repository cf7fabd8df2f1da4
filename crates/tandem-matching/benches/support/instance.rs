//! The benchmark instances, shared by `benches/assignment.rs` and
//! `examples/dense_total.rs`; `benches/scipy_baseline.py` reimplements
//! `score` in numpy.

use std::collections::BTreeSet;

use tandem_matching::{
    Criterion as Rule, Elsewhere, Identity, MenteeRequest, MentorProfile, Place, Weights,
};

/// Seed shared with the scipy script.
pub const SEED: u64 = 0x5EED_7A4D_E300_0001;
/// Scores are in `0..SCORE_RANGE`, so there are many ties, as with real
/// weighted criteria.
pub const SCORE_RANGE: u64 = 1000;

/// The splitmix64 finaliser: a cheap, strong 64-bit hash.
pub fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The dense random score of a pair, computed rather than stored.
pub fn score(mentee: usize, mentor: usize) -> i64 {
    let key = (((mentee as u64) << 32) | mentor as u64) ^ SEED;
    (splitmix64(key) % SCORE_RANGE) as i64
}

/// A deterministic stream of random numbers.
pub struct Rng(pub u64);

impl Rng {
    /// The next number.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(1);
        splitmix64(self.0 ^ SEED)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// `least + below(spread)` words, duplicates merged.
pub fn pick(rng: &mut Rng, words: &[&str], least: u64, spread: u64) -> BTreeSet<String> {
    let count = least + rng.below(spread);
    (0..count)
        .map(|_| words[rng.below(words.len() as u64) as usize].to_string())
        .collect()
}

pub const AREAS: [&str; 30] = [
    "teenagers",
    "babies",
    "siblings",
    "court work",
    "contact",
    "adoption",
    "kinship",
    "disability",
    "SEND",
    "trauma",
    "attachment",
    "education",
    "health",
    "youth justice",
    "leaving care",
    "asylum",
    "parent and child",
    "respite",
    "long-term",
    "short-term",
    "emergency",
    "therapeutic",
    "allegations",
    "reviews",
    "training",
    "finance",
    "housing",
    "employment",
    "mental health",
    "substance misuse",
];
pub const STYLES: [&str; 5] = [
    "coaching",
    "directive",
    "listening",
    "practical",
    "reflective",
];
pub const LANGUAGES: [&str; 6] = ["English", "Welsh", "Polish", "Urdu", "Arabic", "Gaelic"];
pub const RELIGIONS: [&str; 5] = ["Christian", "Muslim", "Jewish", "Sikh", "none"];

pub fn random_place(rng: &mut Rng) -> Place {
    Place {
        organisation: format!("org{}", rng.below(3)),
        jurisdiction: Some(format!("j{}", rng.below(2))),
        team: format!("team{}", rng.below(40)),
        region: Some(format!("region{}", rng.below(6))),
        location: Some(format!("town{}", rng.below(25))),
    }
}

pub fn profiles(m: usize, n: usize, capacity: u32) -> (Vec<MenteeRequest>, Vec<MentorProfile>) {
    let mut rng = Rng(42);
    let mentees = (0..m)
        .map(|i| {
            let mut wishes = std::collections::BTreeMap::new();
            if rng.below(4) == 0 {
                wishes.insert(Identity::Language, pick(&mut rng, &LANGUAGES, 1, 1));
            }
            if rng.below(6) == 0 {
                wishes.insert(Identity::Religion, pick(&mut rng, &RELIGIONS, 1, 1));
            }
            MenteeRequest {
                person: i as u64,
                requested_at: rng.below(1_000_000),
                needs: pick(&mut rng, &AREAS, 1, 3),
                requests: pick(&mut rng, &AREAS, 0, 2),
                styles: pick(&mut rng, &STYLES, 1, 1),
                approval_type: Some(format!("approval{}", rng.below(4))),
                household: Some(format!("household{}", rng.below(5))),
                interests: pick(&mut rng, &AREAS, 0, 3),
                wishes,
                place: random_place(&mut rng),
                isolated: rng.below(10) == 0,
                // No wishes for a mentor from elsewhere, so the figures
                // stay comparable with runs before the criterion existed.
                prefers: Elsewhere::default(),
                not_with: BTreeSet::new(),
            }
        })
        .collect();
    let mentors = (0..n)
        .map(|j| {
            let mut identity = std::collections::BTreeMap::new();
            identity.insert(Identity::Language, pick(&mut rng, &LANGUAGES, 1, 2));
            identity.insert(Identity::Religion, pick(&mut rng, &RELIGIONS, 1, 1));
            MentorProfile {
                person: (m + j) as u64,
                experience: pick(&mut rng, &AREAS, 3, 5),
                offers: pick(&mut rng, &AREAS, 1, 3),
                styles: pick(&mut rng, &STYLES, 1, 2),
                approval_type: Some(format!("approval{}", rng.below(4))),
                household: Some(format!("household{}", rng.below(5))),
                interests: pick(&mut rng, &AREAS, 0, 4),
                identity,
                place: random_place(&mut rng),
                capacity,
                ..MentorProfile::default()
            }
        })
        .collect();
    (mentees, mentors)
}

pub fn programme_weights() -> Weights {
    [
        (Rule::Experience, 6),
        (Rule::SpecificRequests, 4),
        (Rule::Style, 3),
        (Rule::ApprovalType, 4),
        (Rule::Household, 2),
        (Rule::SpecialInterests, 2),
        (Rule::Language, 8),
        (Rule::Religion, 5),
        (Rule::Location, 2),
        (Rule::OtherOrganisation, 5),
        (Rule::OtherJurisdiction, 3),
        (Rule::OtherTeamOrRegion, 1),
        (Rule::OtherTeamForIsolated, 6),
    ]
    .into_iter()
    .collect()
}
