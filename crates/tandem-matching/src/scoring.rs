//! Scoring of (mentee, mentor) pairs by weighted criteria (MAT-1), with one
//! plain-English explanation line per contributing criterion, and the hard
//! exclusions (MAT-2), each with its reason.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use crate::assignment::{Pair, Problem};

/// Identifies a person across mentees, mentors and line-management chains.
pub type PersonId = u64;

/// A scoring criterion. Each has a value per pair (a count or 0/1, below)
/// and a weight set per programme; the pair scores `Σ weight × value`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Criterion {
    /// Number of the mentee's needs covered by the mentor's experience.
    Experience,
    /// Number of the mentee's specific requests the mentor offers.
    SpecificRequests,
    /// Number of the mentee's preferred styles the mentor works in.
    Style,
    /// 1 when both have the same approval type (for example a fostering
    /// approval).
    ApprovalType,
    /// 1 when both have the same kind of household.
    Household,
    /// Number of special interests in common.
    SpecialInterests,
    /// 1 when the mentor speaks a language the mentee asked for.
    Language,
    /// 1 when the mentor has an ethnicity the mentee asked for.
    Race,
    /// 1 when the mentor shares a culture the mentee asked for.
    Culture,
    /// 1 when the mentor has a religion the mentee asked for.
    Religion,
    /// 1 when the mentor has a gender the mentee asked for.
    Gender,
    /// 1 when the mentor has a sexuality the mentee asked for.
    Sexuality,
    /// 1 when both are in the same location.
    Location,
    /// 1 when the mentor is from another organisation.
    OtherOrganisation,
    /// 1 when both jurisdictions are known and differ.
    OtherJurisdiction,
    /// 1 when the mentor is from another team or (when both are known)
    /// another region.
    OtherTeamOrRegion,
    /// 1 when the mentee is from a minority or isolated in their own team
    /// and the mentor is from another team or region.
    OtherTeamForIsolated,
}

impl Criterion {
    /// Every criterion, in a stable order.
    pub const ALL: [Criterion; 17] = [
        Criterion::Experience,
        Criterion::SpecificRequests,
        Criterion::Style,
        Criterion::ApprovalType,
        Criterion::Household,
        Criterion::SpecialInterests,
        Criterion::Language,
        Criterion::Race,
        Criterion::Culture,
        Criterion::Religion,
        Criterion::Gender,
        Criterion::Sexuality,
        Criterion::Location,
        Criterion::OtherOrganisation,
        Criterion::OtherJurisdiction,
        Criterion::OtherTeamOrRegion,
        Criterion::OtherTeamForIsolated,
    ];
}

/// Personal characteristics a mentee may ask their mentor to share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Identity {
    /// Languages spoken.
    Language,
    /// Ethnicity.
    Race,
    /// Culture.
    Culture,
    /// Religion or belief.
    Religion,
    /// Gender.
    Gender,
    /// Sexuality.
    Sexuality,
}

impl Identity {
    /// Every identity, in a stable order.
    pub const ALL: [Identity; 6] = [
        Identity::Language,
        Identity::Race,
        Identity::Culture,
        Identity::Religion,
        Identity::Gender,
        Identity::Sexuality,
    ];

    fn criterion(self) -> Criterion {
        match self {
            Identity::Language => Criterion::Language,
            Identity::Race => Criterion::Race,
            Identity::Culture => Criterion::Culture,
            Identity::Religion => Criterion::Religion,
            Identity::Gender => Criterion::Gender,
            Identity::Sexuality => Criterion::Sexuality,
        }
    }
}

/// Where someone works.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Place {
    /// Employing organisation.
    pub organisation: String,
    /// Legal jurisdiction, where the programme spans several.
    pub jurisdiction: Option<String>,
    /// Team.
    pub team: String,
    /// Region, if known.
    pub region: Option<String>,
    /// Location (town or office), if known.
    pub location: Option<String>,
}

/// A mentee's request for a mentor.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MenteeRequest {
    /// The mentee.
    pub person: PersonId,
    /// When the request was made (any increasing measure), for
    /// first-come-first-served programmes.
    pub requested_at: u64,
    /// Areas in which the mentee needs a mentor's experience.
    pub needs: BTreeSet<String>,
    /// Specific requests, matched against what mentors offer (for example
    /// "has adopted").
    pub requests: BTreeSet<String>,
    /// Preferred styles and approaches.
    pub styles: BTreeSet<String>,
    /// The mentee's approval type, if relevant.
    pub approval_type: Option<String>,
    /// The mentee's household, if relevant.
    pub household: Option<String>,
    /// Special interests.
    pub interests: BTreeSet<String>,
    /// Characteristics the mentee would like the mentor to share; any one
    /// value of a kind satisfies that kind.
    pub wishes: BTreeMap<Identity, BTreeSet<String>>,
    /// Where the mentee works.
    pub place: Place,
    /// The mentee is from a minority or isolated in their own team, so a
    /// mentor from elsewhere may help more.
    pub isolated: bool,
    /// People the mentee asked not to be matched with.
    pub not_with: BTreeSet<PersonId>,
}

/// Whether a mentor can take mentees at all.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub enum MentorStatus {
    /// Eligible, trained and available.
    #[default]
    Available,
    /// Not eligible or not trained, with the reason.
    Ineligible(String),
    /// Eligible but not taking mentees now, with the reason.
    Unavailable(String),
}

/// A mentor's profile.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MentorProfile {
    /// The mentor.
    pub person: PersonId,
    /// Areas of relevant experience and expertise.
    pub experience: BTreeSet<String>,
    /// What the mentor offers, matched against mentees' specific requests.
    pub offers: BTreeSet<String>,
    /// Styles and approaches the mentor works in.
    pub styles: BTreeSet<String>,
    /// The mentor's approval type, if relevant.
    pub approval_type: Option<String>,
    /// The mentor's household, if relevant.
    pub household: Option<String>,
    /// Special interests.
    pub interests: BTreeSet<String>,
    /// The mentor's characteristics, by kind.
    pub identity: BTreeMap<Identity, BTreeSet<String>>,
    /// Where the mentor works.
    pub place: Place,
    /// Most mentees at once.
    pub capacity: u32,
    /// Mentees they have now.
    pub current_mentees: u32,
    /// Eligibility and availability.
    pub status: MentorStatus,
}

impl MentorProfile {
    /// Places still free.
    pub fn free_places(&self) -> u32 {
        self.capacity.saturating_sub(self.current_mentees)
    }
}

/// The programme's weight for each criterion; criteria not set weigh 0.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Weights(pub BTreeMap<Criterion, i64>);

impl Weights {
    /// No criteria weighted.
    pub fn new() -> Self {
        Weights::default()
    }

    /// These weights with `criterion` set to `weight`.
    #[must_use]
    pub fn with(mut self, criterion: Criterion, weight: i64) -> Self {
        self.0.insert(criterion, weight);
        self
    }

    /// The weight of `criterion`.
    pub fn get(&self, criterion: Criterion) -> i64 {
        self.0.get(&criterion).copied().unwrap_or(0)
    }
}

impl FromIterator<(Criterion, i64)> for Weights {
    fn from_iter<T: IntoIterator<Item = (Criterion, i64)>>(iter: T) -> Self {
        Weights(iter.into_iter().collect())
    }
}

/// One criterion's part of a pair's score.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Contribution {
    /// The criterion.
    pub criterion: Criterion,
    /// Its value for the pair.
    pub value: i64,
    /// The programme's weight.
    pub weight: i64,
    /// `value × weight`.
    pub points: i64,
    /// What matched, in plain English, without the points.
    pub reason: String,
}

impl fmt::Display for Contribution {
    /// For example "speaks Welsh, as requested: +8".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {:+}", self.reason, self.points)
    }
}

/// Scores one pair and explains each criterion that contributed (those with
/// a non-zero value and weight).
pub fn explain(
    mentee: &MenteeRequest,
    mentor: &MentorProfile,
    weights: &Weights,
) -> (i64, Vec<Contribution>) {
    let mut lines = Vec::new();
    let mut add = |criterion: Criterion, value: usize, reason: &dyn Fn(i64) -> String| {
        let weight = weights.get(criterion);
        let value = value as i64;
        if value != 0 && weight != 0 {
            let points = value.saturating_mul(weight);
            lines.push(Contribution {
                criterion,
                value,
                weight,
                points,
                reason: reason(weight),
            });
        }
    };

    let common = intersection(&mentee.needs, &mentor.experience);
    add(Criterion::Experience, common.len(), &|_| {
        format!("experience in {}, which the mentee needs", list(&common))
    });
    let common = intersection(&mentee.requests, &mentor.offers);
    add(Criterion::SpecificRequests, common.len(), &|_| {
        format!("{}, as the mentee asked", list(&common))
    });
    let common = intersection(&mentee.styles, &mentor.styles);
    add(Criterion::Style, common.len(), &|_| {
        format!("works in the {} style the mentee prefers", list(&common))
    });
    if let Some(kind) = same(&mentee.approval_type, &mentor.approval_type) {
        add(Criterion::ApprovalType, 1, &|_| {
            format!("same approval type ({kind})")
        });
    }
    if let Some(kind) = same(&mentee.household, &mentor.household) {
        add(Criterion::Household, 1, &|_| {
            format!("similar household ({kind})")
        });
    }
    let common = intersection(&mentee.interests, &mentor.interests);
    add(Criterion::SpecialInterests, common.len(), &|_| {
        format!("shares an interest in {}", list(&common))
    });
    for identity in Identity::ALL {
        let (Some(wanted), Some(has)) =
            (mentee.wishes.get(&identity), mentor.identity.get(&identity))
        else {
            continue;
        };
        let common = intersection(wanted, has);
        if common.is_empty() {
            continue;
        }
        add(identity.criterion(), 1, &|_| {
            let values = list(&common);
            match identity {
                Identity::Language => format!("speaks {values}, as requested"),
                Identity::Race => format!("ethnicity {values}, as requested"),
                Identity::Culture => format!("culture {values}, as requested"),
                Identity::Religion => format!("religion {values}, as requested"),
                Identity::Gender => format!("gender {values}, as requested"),
                Identity::Sexuality => format!("sexuality {values}, as requested"),
            }
        });
    }
    if let Some(location) = same(&mentee.place.location, &mentor.place.location) {
        add(Criterion::Location, 1, &|_| format!("also in {location}"));
    }
    if mentee.place.organisation != mentor.place.organisation {
        add(Criterion::OtherOrganisation, 1, &|w| {
            format!("from another organisation{}", preference(w))
        });
    }
    if other_jurisdiction(&mentee.place, &mentor.place) {
        add(Criterion::OtherJurisdiction, 1, &|w| {
            format!("other jurisdiction{}", preference(w))
        });
    }
    let elsewhere = elsewhere(&mentee.place, &mentor.place);
    if let Some(what) = elsewhere {
        add(Criterion::OtherTeamOrRegion, 1, &|w| {
            format!("from another {what}{}", preference(w))
        });
        if mentee.isolated {
            add(Criterion::OtherTeamForIsolated, 1, &|_| {
                format!("from another {what}, which can help a mentee isolated in their own")
            });
        }
    }
    let score = lines
        .iter()
        .fold(0i64, |total, line| total.saturating_add(line.points));
    (score, lines)
}

fn intersection<'a>(a: &'a BTreeSet<String>, b: &'a BTreeSet<String>) -> Vec<&'a str> {
    a.intersection(b).map(String::as_str).collect()
}

fn same<'a>(a: &'a Option<String>, b: &Option<String>) -> Option<&'a str> {
    match (a, b) {
        (Some(a), Some(b)) if a == b => Some(a),
        _ => None,
    }
}

fn other_jurisdiction(a: &Place, b: &Place) -> bool {
    matches!((&a.jurisdiction, &b.jurisdiction), (Some(x), Some(y)) if x != y)
}

/// "team", "region" or "team and region" when the mentor works elsewhere.
fn elsewhere(mentee: &Place, mentor: &Place) -> Option<&'static str> {
    let team = mentee.team != mentor.team;
    let region = matches!((&mentee.region, &mentor.region), (Some(x), Some(y)) if x != y);
    match (team, region) {
        (true, true) => Some("team and region"),
        (true, false) => Some("team"),
        (false, true) => Some("region"),
        (false, false) => None,
    }
}

fn preference(weight: i64) -> &'static str {
    if weight > 0 {
        ", as the programme prefers"
    } else {
        ", which the programme avoids"
    }
}

/// "a", "a and b", "a, b and c".
fn list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// A declared conflict of interest between two people.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Conflict {
    /// One person.
    pub a: PersonId,
    /// The other.
    pub b: PersonId,
    /// What the conflict is, as declared.
    pub reason: String,
}

/// What the exclusions need beyond the profiles.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExclusionData {
    /// Each person's chain of line managers, nearest first.
    pub managers: BTreeMap<PersonId, Vec<PersonId>>,
    /// Declared conflicts of interest, in either order.
    pub conflicts: Vec<Conflict>,
}

impl ExclusionData {
    fn manages(&self, manager: PersonId, person: PersonId) -> bool {
        self.managers
            .get(&person)
            .is_some_and(|chain| chain.contains(&manager))
    }
}

/// Why a pair may not be matched (MAT-2).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ExclusionReason {
    /// The mentee and mentor are the same person.
    SamePerson,
    /// The mentor is the mentee's line manager or above them in the chain.
    MentorManagesMentee,
    /// The mentee is the mentor's line manager or above them in the chain.
    MenteeManagesMentor,
    /// A declared conflict of interest, with its description.
    ConflictOfInterest(String),
    /// The mentor is not eligible or not trained, with the reason.
    MentorIneligible(String),
    /// The mentor is not taking mentees now, with the reason.
    MentorUnavailable(String),
    /// The mentor has no free place.
    MentorAtCapacity {
        /// The mentor's capacity.
        capacity: u32,
    },
    /// The mentee asked not to be matched with this mentor.
    MenteeDeclined,
}

impl fmt::Display for ExclusionReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExclusionReason::SamePerson => f.write_str("the mentee and mentor are the same person"),
            ExclusionReason::MentorManagesMentee => {
                f.write_str("the mentor is in the mentee's line-management chain")
            }
            ExclusionReason::MenteeManagesMentor => {
                f.write_str("the mentee is in the mentor's line-management chain")
            }
            ExclusionReason::ConflictOfInterest(reason) => {
                write!(f, "declared conflict of interest: {reason}")
            }
            ExclusionReason::MentorIneligible(reason) => {
                write!(f, "the mentor is not eligible: {reason}")
            }
            ExclusionReason::MentorUnavailable(reason) => {
                write!(f, "the mentor is unavailable: {reason}")
            }
            ExclusionReason::MentorAtCapacity { capacity } => write!(
                f,
                "the mentor is at capacity ({capacity} of {capacity} places taken)"
            ),
            ExclusionReason::MenteeDeclined => {
                f.write_str("the mentee asked not to be matched with this mentor")
            }
        }
    }
}

/// Every hard exclusion that applies to the pair, in a fixed order; empty
/// when the pair is admissible.
pub fn exclusions(
    mentee: &MenteeRequest,
    mentor: &MentorProfile,
    data: &ExclusionData,
) -> Vec<ExclusionReason> {
    let mut reasons = Vec::new();
    if mentee.person == mentor.person {
        reasons.push(ExclusionReason::SamePerson);
    }
    if data.manages(mentor.person, mentee.person) {
        reasons.push(ExclusionReason::MentorManagesMentee);
    }
    if data.manages(mentee.person, mentor.person) {
        reasons.push(ExclusionReason::MenteeManagesMentor);
    }
    for conflict in &data.conflicts {
        if (conflict.a, conflict.b) == (mentee.person, mentor.person)
            || (conflict.b, conflict.a) == (mentee.person, mentor.person)
        {
            reasons.push(ExclusionReason::ConflictOfInterest(conflict.reason.clone()));
        }
    }
    match &mentor.status {
        MentorStatus::Available => {}
        MentorStatus::Ineligible(reason) => {
            reasons.push(ExclusionReason::MentorIneligible(reason.clone()));
        }
        MentorStatus::Unavailable(reason) => {
            reasons.push(ExclusionReason::MentorUnavailable(reason.clone()));
        }
    }
    if mentor.free_places() == 0 {
        reasons.push(ExclusionReason::MentorAtCapacity {
            capacity: mentor.capacity,
        });
    }
    if mentee.not_with.contains(&mentor.person) {
        reasons.push(ExclusionReason::MenteeDeclined);
    }
    reasons
}

/// An admissible pair with its score and explanation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoredPair {
    /// Index into the mentees.
    pub mentee: usize,
    /// Index into the mentors.
    pub mentor: usize,
    /// The sum of the contributions' points.
    pub score: i64,
    /// One line per contributing criterion.
    pub contributions: Vec<Contribution>,
}

/// An excluded pair with every reason that applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExcludedPair {
    /// Index into the mentees.
    pub mentee: usize,
    /// Index into the mentors.
    pub mentor: usize,
    /// Why, never empty.
    pub reasons: Vec<ExclusionReason>,
}

/// Every pair, either scored or excluded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Assessment {
    /// Pairs that may be matched, by mentee then mentor.
    pub admissible: Vec<ScoredPair>,
    /// Pairs that may not, by mentee then mentor.
    pub excluded: Vec<ExcludedPair>,
}

impl Assessment {
    /// The assignment problem of the admissible pairs: each mentor's free
    /// places as capacity, request times as the first-come order.
    pub fn problem(&self, mentees: &[MenteeRequest], mentors: &[MentorProfile]) -> Problem {
        Problem {
            mentee_count: mentees.len(),
            mentor_capacity: mentors.iter().map(MentorProfile::free_places).collect(),
            pairs: self
                .admissible
                .iter()
                .map(|p| Pair {
                    mentee: p.mentee,
                    mentor: p.mentor,
                    score: p.score,
                })
                .collect(),
            mentee_order: Some(mentees.iter().map(|m| m.requested_at).collect()),
        }
    }
}

/// Applies the exclusions to every pair and scores, with explanations, the
/// pairs that remain. This builds explanation text for every pair; for very
/// large programmes use [`Scorer`] to score without text and [`explain`]
/// for the pairs proposed.
pub fn assess(
    mentees: &[MenteeRequest],
    mentors: &[MentorProfile],
    weights: &Weights,
    data: &ExclusionData,
) -> Assessment {
    let mut assessment = Assessment::default();
    for (i, mentee) in mentees.iter().enumerate() {
        for (j, mentor) in mentors.iter().enumerate() {
            let reasons = exclusions(mentee, mentor, data);
            if reasons.is_empty() {
                let (score, contributions) = explain(mentee, mentor, weights);
                assessment.admissible.push(ScoredPair {
                    mentee: i,
                    mentor: j,
                    score,
                    contributions,
                });
            } else {
                assessment.excluded.push(ExcludedPair {
                    mentee: i,
                    mentor: j,
                    reasons,
                });
            }
        }
    }
    assessment
}

/// Interns strings to small numbers, one table per kind of attribute.
#[derive(Default)]
struct Interner(HashMap<String, u32>);

impl Interner {
    fn id(&mut self, s: &str) -> u32 {
        let next = self.0.len() as u32;
        *self.0.entry(s.to_string()).or_insert(next)
    }

    fn optional(&mut self, s: &Option<String>) -> u32 {
        s.as_deref().map_or(u32::MAX, |s| self.id(s))
    }
}

/// The set-valued dimensions, mentee side against mentor side.
const SETS: usize = 4 + 6;

fn mentee_sets<'a>(
    m: &'a MenteeRequest,
    empty: &'a BTreeSet<String>,
) -> [&'a BTreeSet<String>; SETS] {
    let w = |id: Identity| m.wishes.get(&id).unwrap_or(empty);
    [
        &m.needs,
        &m.requests,
        &m.styles,
        &m.interests,
        w(Identity::Language),
        w(Identity::Race),
        w(Identity::Culture),
        w(Identity::Religion),
        w(Identity::Gender),
        w(Identity::Sexuality),
    ]
}

fn mentor_sets<'a>(
    m: &'a MentorProfile,
    empty: &'a BTreeSet<String>,
) -> [&'a BTreeSet<String>; SETS] {
    let w = |id: Identity| m.identity.get(&id).unwrap_or(empty);
    [
        &m.experience,
        &m.offers,
        &m.styles,
        &m.interests,
        w(Identity::Language),
        w(Identity::Race),
        w(Identity::Culture),
        w(Identity::Religion),
        w(Identity::Gender),
        w(Identity::Sexuality),
    ]
}

/// Scores pairs fast and without explanations, for matching at scale: the
/// profiles are compiled into bit sets and interned numbers once. It gives
/// exactly the score of [`explain`] and applies exactly the exclusions of
/// [`exclusions`].
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

/// Marks an excluded pair in a block from [`Scorer::score_blocks`].
pub(crate) const BLOCK_EXCLUDED: i32 = i32::MIN;

/// Mentors scored per block of a row, so the block's sums stay in L1.
const BLOCK: usize = 256;

/// Column bytes beyond which rows are scored pair by pair instead.
const COLUMN_LIMIT: usize = 1 << 28;

/// The mentor side in struct-of-arrays form: one byte column per value of
/// each weighted set dimension (1 when the mentor has it), the interned
/// attributes as `u32` columns, and per mentee the mentors a hard exclusion
/// forbids.
#[derive(Debug, Clone)]
struct RowData {
    /// Every sum fits in `i16`.
    narrow: bool,
    /// `columns[c * mentors + j]`.
    columns: Vec<u8>,
    /// Per weighted dimension (as in `Scorer::dims`), its first column.
    first_column: Vec<usize>,
    /// The mentors' interned attributes.
    keys: Keys<Vec<u32>>,
    /// The same in 16 bits, when every interned number fits.
    short_keys: Option<Keys<Vec<u16>>>,
    /// Mentors who cannot take anyone.
    closed: Vec<u32>,
    /// Per mentee, the mentors excluded for that mentee alone (same person,
    /// line management, conflicts, "not this person").
    excluded: Vec<Vec<u32>>,
}

/// Where one set dimension lives in each profile's bits, and how it scores.
#[derive(Debug, Clone, Copy)]
struct SetDim {
    offset: usize,
    words: usize,
    weight: i64,
    /// Counts matches (needs, requests, styles, interests) rather than
    /// scoring any overlap once (identities).
    count: bool,
}

#[derive(Debug, Clone, Copy)]
struct CompiledWeights {
    approval: i64,
    household: i64,
    location: i64,
    organisation: i64,
    jurisdiction: i64,
    team: i64,
    isolated: i64,
}

#[derive(Debug, Clone, Copy)]
struct CompiledPerson {
    person: PersonId,
    approval: u32,
    household: u32,
    location: u32,
    organisation: u32,
    jurisdiction: u32,
    team: u32,
    region: u32,
    isolated: bool,
}

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
                           isolated: bool| CompiledPerson {
            person,
            approval: approval.optional(a),
            household: household.optional(h),
            location: location.optional(&place.location),
            organisation: organisation.id(&place.organisation),
            jurisdiction: jurisdiction.optional(&place.jurisdiction),
            team: team.id(&place.team),
            region: region.optional(&place.region),
            isolated,
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
                )
            })
            .collect();
        let mentor: Vec<CompiledPerson> = mentors
            .iter()
            .map(|m| compile(m.person, &m.approval_type, &m.household, &m.place, false))
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
        let by_blocks = self.score_blocks(mentee, &[], |start, block| {
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
    /// `visit(first mentor, scores)` for each block in order, with
    /// [`BLOCK_EXCLUDED`] for excluded pairs and for the mentors listed in
    /// `skip` (sorted). Returns false, without calling `visit`, when the
    /// scores might not fit in `i32`; use [`Scorer::score`] then.
    pub(crate) fn score_blocks(
        &self,
        mentee: usize,
        skip: &[u32],
        mut visit: impl FnMut(usize, &[i32]),
    ) -> bool {
        let n = self.mentor.len();
        let Some(rows) = &self.rows else {
            return false;
        };
        // The mentee's terms: a column adds its weight (counted
        // dimensions), or a group of columns adds its weight once when any
        // is set (identities). Weights fit in i32: `row_data` checked that
        // every sum does.
        let x = &self.mentee_bits[mentee * self.stride..(mentee + 1) * self.stride];
        let mut single: Vec<(usize, i32)> = Vec::new();
        let mut groups: Vec<(Vec<usize>, i32)> = Vec::new();
        for (d, dim) in self.dims.iter().enumerate() {
            let mut cols = Vec::new();
            for word in 0..dim.words {
                let mut bits = x[dim.offset + word];
                while bits != 0 {
                    let b = bits.trailing_zeros() as usize;
                    bits &= bits - 1;
                    cols.push(rows.first_column[d] + word * 64 + b);
                }
            }
            let w = dim.weight as i32;
            if dim.count || cols.len() == 1 {
                single.extend(cols.into_iter().map(|c| (c, w)));
            } else if !cols.is_empty() {
                groups.push((cols, w));
            }
        }
        let a = &self.mentee[mentee];
        let w = &self.weight;
        let terms = Terms {
            single,
            groups,
            person: *a,
            approval: w.approval as i32,
            household: w.household as i32,
            location: w.location as i32,
            organisation: w.organisation as i32,
            jurisdiction: w.jurisdiction as i32,
            elsewhere: w.team as i32 + if a.isolated { w.isolated as i32 } else { 0 },
        };
        let mut acc = [0i32; BLOCK];
        let mut narrow = [0i16; BLOCK];
        let mut any = [0u8; BLOCK];
        let (mut at_closed, mut at_excluded, mut at_skip) = (0, 0, 0);
        for start in (0..n).step_by(BLOCK) {
            let len = BLOCK.min(n - start);
            let acc = &mut acc[..len];
            if rows.narrow {
                // Twice the lanes per instruction when every sum fits.
                let narrow = &mut narrow[..len];
                match &rows.short_keys {
                    Some(keys) => block_sums(&terms, &rows.columns, keys, start, narrow, &mut any),
                    None => block_sums(&terms, &rows.columns, &rows.keys, start, narrow, &mut any),
                }
                for (s, &t) in acc.iter_mut().zip(narrow.iter()) {
                    *s = i32::from(t);
                }
            } else {
                block_sums(&terms, &rows.columns, &rows.keys, start, acc, &mut any);
            }
            let end = start + len;
            for (list, at) in [
                (&rows.closed[..], &mut at_closed),
                (&rows.excluded[mentee][..], &mut at_excluded),
                (skip, &mut at_skip),
            ] {
                while let Some(&j) = list.get(*at) {
                    let j = j as usize;
                    if j >= end {
                        break;
                    }
                    acc[j - start] = BLOCK_EXCLUDED;
                    *at += 1;
                }
            }
            visit(start, acc);
        }
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
        Some(score)
    }
}

/// One mentee's side of a row: what each column and attribute adds.
struct Terms {
    /// Columns adding their weight when set.
    single: Vec<(usize, i32)>,
    /// Groups of columns adding their weight once when any is set.
    groups: Vec<(Vec<usize>, i32)>,
    person: CompiledPerson,
    approval: i32,
    household: i32,
    location: i32,
    organisation: i32,
    jurisdiction: i32,
    /// Another team or region, plus the bonus for an isolated mentee.
    elsewhere: i32,
}

/// Interned attributes, one column each (or one person's, for a mentee).
#[derive(Debug, Clone)]
struct Keys<K> {
    approval: K,
    household: K,
    location: K,
    organisation: K,
    jurisdiction: K,
    team: K,
    region: K,
}

impl<K: Key> Keys<K> {
    fn of(p: &CompiledPerson) -> Self {
        Keys {
            approval: K::from_id(p.approval),
            household: K::from_id(p.household),
            location: K::from_id(p.location),
            organisation: K::from_id(p.organisation),
            jurisdiction: K::from_id(p.jurisdiction),
            team: K::from_id(p.team),
            region: K::from_id(p.region),
        }
    }

    fn columns(people: &[CompiledPerson]) -> Keys<Vec<K>> {
        let column =
            |f: fn(&CompiledPerson) -> u32| people.iter().map(|p| K::from_id(f(p))).collect();
        Keys {
            approval: column(|p| p.approval),
            household: column(|p| p.household),
            location: column(|p| p.location),
            organisation: column(|p| p.organisation),
            jurisdiction: column(|p| p.jurisdiction),
            team: column(|p| p.team),
            region: column(|p| p.region),
        }
    }
}

/// An interned number as stored in a key column; `NONE` stands for an
/// unknown value (`u32::MAX` when interned).
trait Key: Copy + PartialEq {
    const NONE: Self;
    fn from_id(id: u32) -> Self;
}

impl Key for u32 {
    const NONE: Self = u32::MAX;
    fn from_id(id: u32) -> Self {
        id
    }
}

impl Key for u16 {
    const NONE: Self = u16::MAX;
    /// Only used when every interned number is below `u16::MAX`.
    fn from_id(id: u32) -> Self {
        u16::try_from(id).unwrap_or(u16::MAX)
    }
}

/// An accumulator lane: `i16` when every sum fits, else `i32`.
trait Lane:
    Copy
    + Default
    + std::ops::AddAssign
    + std::ops::BitAnd<Output = Self>
    + std::ops::Neg<Output = Self>
    + From<u8>
    + From<bool>
    + TryFrom<i32>
{
}

impl Lane for i16 {}
impl Lane for i32 {}

/// The sums of one block of mentors starting at `start`, into `acc` (one
/// lane per mentor of the block), branch-free so that they vectorise.
fn block_sums<T: Lane, K: Key>(
    terms: &Terms,
    columns: &[u8],
    keys: &Keys<Vec<K>>,
    start: usize,
    acc: &mut [T],
    any: &mut [u8],
) {
    let n = keys.approval.len();
    let len = acc.len();
    let block = start..start + len;
    // `row_data` checked that every weight and sum fits the lane.
    let lane = |w: i32| T::try_from(w).unwrap_or_default();
    acc.fill(T::default());
    for &(c, w) in &terms.single {
        let w = lane(w);
        let col = &columns[c * n + start..c * n + start + len];
        for (s, &b) in acc.iter_mut().zip(col) {
            *s += w & -T::from(b);
        }
    }
    for (cols, w) in &terms.groups {
        let w = lane(*w);
        let any = &mut any[..len];
        any.fill(0);
        for &c in cols {
            let col = &columns[c * n + start..c * n + start + len];
            for (s, &b) in any.iter_mut().zip(col) {
                *s |= b;
            }
        }
        for (s, &b) in acc.iter_mut().zip(any.iter()) {
            *s += w & -T::from(b);
        }
    }
    let a = Keys::<K>::of(&terms.person);
    let same = |acc: &mut [T], key: K, col: &[K], w: i32| {
        if key != K::NONE && w != 0 {
            let w = lane(w);
            for (s, &k) in acc.iter_mut().zip(col) {
                *s += w & -T::from(k == key);
            }
        }
    };
    same(
        acc,
        a.approval,
        &keys.approval[block.clone()],
        terms.approval,
    );
    same(
        acc,
        a.household,
        &keys.household[block.clone()],
        terms.household,
    );
    same(
        acc,
        a.location,
        &keys.location[block.clone()],
        terms.location,
    );
    if terms.organisation != 0 {
        let (key, w) = (a.organisation, lane(terms.organisation));
        for (s, &k) in acc.iter_mut().zip(&keys.organisation[block.clone()]) {
            *s += w & -T::from(k != key);
        }
    }
    if terms.jurisdiction != 0 && a.jurisdiction != K::NONE {
        let (key, w) = (a.jurisdiction, lane(terms.jurisdiction));
        for (s, &k) in acc.iter_mut().zip(&keys.jurisdiction[block.clone()]) {
            *s += w & -T::from(k != K::NONE && k != key);
        }
    }
    if terms.elsewhere != 0 {
        let (team, region, w) = (a.team, a.region, lane(terms.elsewhere));
        let teams = &keys.team[block.clone()];
        let regions = &keys.region[block];
        for ((s, &t), &r) in acc.iter_mut().zip(teams).zip(regions) {
            let other_region = region != K::NONE && r != K::NONE && r != region;
            *s += w & -T::from(t != team || other_region);
        }
    }
}

/// Builds the column form of the mentors, or `None` when a score could
/// leave `i32` (then rows are scored pair by pair) or the columns would be
/// too large.
#[allow(
    clippy::too_many_arguments,
    reason = "the parts of a Scorer under construction"
)]
fn row_data(
    dims: &[SetDim],
    weight: &CompiledWeights,
    stride: usize,
    mentor_bits: &[u64],
    mentee: &[CompiledPerson],
    mentor: &[CompiledPerson],
    mentee_blocks: &[Vec<PersonId>],
    mentor_blocks: &[Vec<PersonId>],
    mentor_closed: &[bool],
) -> Option<RowData> {
    // Every partial sum of a score is bounded by the sum of the absolute
    // weights times the most each criterion can count.
    let mut total: i128 = 0;
    for dim in dims {
        let most = if dim.count { dim.words * 64 } else { 1 };
        total += i128::from(dim.weight).abs() * most as i128;
    }
    let w = weight;
    for x in [
        w.approval,
        w.household,
        w.location,
        w.organisation,
        w.jurisdiction,
        w.team,
        w.isolated,
    ] {
        total += i128::from(x).abs();
    }
    if total > i128::from(i32::MAX) {
        return None;
    }
    let n = mentor.len();
    let column_count: usize = dims.iter().map(|d| d.words * 64).sum();
    if column_count.checked_mul(n)? > COLUMN_LIMIT {
        return None;
    }
    let mut first_column = Vec::with_capacity(dims.len());
    let mut columns = vec![0u8; column_count * n];
    let mut next = 0;
    for dim in dims {
        first_column.push(next);
        for j in 0..n {
            let y = &mentor_bits[j * stride..(j + 1) * stride];
            for word in 0..dim.words {
                let mut bits = y[dim.offset + word];
                while bits != 0 {
                    let b = bits.trailing_zeros() as usize;
                    bits &= bits - 1;
                    columns[(next + word * 64 + b) * n + j] = 1;
                }
            }
        }
        next += dim.words * 64;
    }

    // Every pairwise exclusion, as mentor indices per mentee.
    let mut mentors_of: HashMap<PersonId, Vec<u32>> = HashMap::new();
    for (j, b) in mentor.iter().enumerate() {
        mentors_of.entry(b.person).or_default().push(j as u32);
    }
    let mut mentees_of: HashMap<PersonId, Vec<u32>> = HashMap::new();
    for (i, a) in mentee.iter().enumerate() {
        mentees_of.entry(a.person).or_default().push(i as u32);
    }
    let mut excluded: Vec<Vec<u32>> = mentee
        .iter()
        .zip(mentee_blocks)
        .map(|(a, blocks)| {
            std::iter::once(&a.person)
                .chain(blocks)
                .filter_map(|p| mentors_of.get(p))
                .flatten()
                .copied()
                .collect()
        })
        .collect();
    for (j, blocks) in mentor_blocks.iter().enumerate() {
        for &i in blocks.iter().filter_map(|p| mentees_of.get(p)).flatten() {
            excluded[i as usize].push(j as u32);
        }
    }
    for list in &mut excluded {
        list.sort_unstable();
        list.dedup();
    }
    // Interned numbers count up from 0 over mentees and mentors together.
    let short = mentee.iter().chain(mentor).all(|p| {
        [
            p.approval,
            p.household,
            p.location,
            p.organisation,
            p.jurisdiction,
            p.team,
            p.region,
        ]
        .iter()
        .all(|&id| id == u32::MAX || id < u32::from(u16::MAX))
    });
    Some(RowData {
        narrow: total <= i128::from(i16::MAX),
        columns,
        first_column,
        keys: Keys::<u32>::columns(mentor),
        short_keys: short.then(|| Keys::<u16>::columns(mentor)),
        closed: (0..n as u32)
            .filter(|&j| mentor_closed[j as usize])
            .collect(),
        excluded,
    })
}
