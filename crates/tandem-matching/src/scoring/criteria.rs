//! The scoring criteria and the programme's weight for each: a pair scores
//! `Σ weight × value` over the criteria.

use std::collections::BTreeMap;

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
    /// Number of the mentee's wishes for a mentor from another team,
    /// region, organisation or jurisdiction that the mentor meets.
    PreferredElsewhere,
}

impl Criterion {
    /// Every criterion, in a stable order.
    pub const ALL: [Criterion; 18] = [
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
        Criterion::PreferredElsewhere,
    ];
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
