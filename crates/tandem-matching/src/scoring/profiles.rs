//! The profiles matched: a mentee's request and a mentor's profile, with
//! where each works and the characteristics a mentee may ask to share.

use std::collections::{BTreeMap, BTreeSet};

use super::criteria::Criterion;

/// Identifies a person across mentees, mentors and line-management chains.
pub type PersonId = u64;

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

    pub(super) fn criterion(self) -> Criterion {
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

/// Where a mentee would prefer their mentor to come from (REQ-1: another
/// team [CAF], another organisation or jurisdiction [CWT]): each wish met
/// counts once for [`Criterion::PreferredElsewhere`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Elsewhere {
    /// Another team.
    pub team: bool,
    /// Another region (when both regions are known).
    pub region: bool,
    /// Another organisation.
    pub organisation: bool,
    /// Another jurisdiction (when both jurisdictions are known).
    pub jurisdiction: bool,
}

impl Elsewhere {
    /// The wishes `mentor` meets for a mentee at `mentee`, in the order
    /// team, region, organisation, jurisdiction.
    pub fn met(self, mentee: &Place, mentor: &Place) -> Vec<&'static str> {
        let known_and_differ =
            |a: &Option<String>, b: &Option<String>| matches!((a, b), (Some(x), Some(y)) if x != y);
        [
            (self.team && mentee.team != mentor.team, "team"),
            (
                self.region && known_and_differ(&mentee.region, &mentor.region),
                "region",
            ),
            (
                self.organisation && mentee.organisation != mentor.organisation,
                "organisation",
            ),
            (
                self.jurisdiction && known_and_differ(&mentee.jurisdiction, &mentor.jurisdiction),
                "jurisdiction",
            ),
        ]
        .into_iter()
        .filter_map(|(met, what)| met.then_some(what))
        .collect()
    }
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
    /// Where the mentee would prefer their mentor to come from.
    pub prefers: Elsewhere,
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
