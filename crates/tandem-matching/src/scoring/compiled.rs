//! The profiles compiled for fast scoring: the set-valued criteria as bit
//! sets, the single attributes as interned numbers, and the weights by
//! dimension. [`Scorer`](super::Scorer) builds these once.

use std::collections::{BTreeSet, HashMap};

use super::profiles::{Elsewhere, Identity, MenteeRequest, MentorProfile, PersonId};

/// Interns strings to small numbers, one table per kind of attribute.
#[derive(Default)]
pub(super) struct Interner(pub(super) HashMap<String, u32>);

impl Interner {
    pub(super) fn id(&mut self, s: &str) -> u32 {
        let next = self.0.len() as u32;
        *self.0.entry(s.to_string()).or_insert(next)
    }

    pub(super) fn optional(&mut self, s: &Option<String>) -> u32 {
        s.as_deref().map_or(u32::MAX, |s| self.id(s))
    }
}

/// The set-valued dimensions, mentee side against mentor side.
pub(super) const SETS: usize = 4 + 6;

pub(super) fn mentee_sets<'a>(
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

pub(super) fn mentor_sets<'a>(
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

/// Where one set dimension lives in each profile's bits, and how it scores.
#[derive(Debug, Clone, Copy)]
pub(super) struct SetDim {
    pub(super) offset: usize,
    pub(super) words: usize,
    pub(super) weight: i64,
    /// Counts matches (needs, requests, styles, interests) rather than
    /// scoring any overlap once (identities).
    pub(super) count: bool,
}

/// The weights of the criteria that compare single attributes.
#[derive(Debug, Clone, Copy)]
pub(super) struct CompiledWeights {
    pub(super) approval: i64,
    pub(super) household: i64,
    pub(super) location: i64,
    pub(super) organisation: i64,
    pub(super) jurisdiction: i64,
    pub(super) team: i64,
    pub(super) isolated: i64,
    /// Per wish for a mentor from elsewhere that the mentor meets.
    pub(super) preferred: i64,
}

/// One person's attributes, interned.
#[derive(Debug, Clone, Copy)]
pub(super) struct CompiledPerson {
    pub(super) person: PersonId,
    pub(super) approval: u32,
    pub(super) household: u32,
    pub(super) location: u32,
    pub(super) organisation: u32,
    pub(super) jurisdiction: u32,
    pub(super) team: u32,
    pub(super) region: u32,
    pub(super) isolated: bool,
    /// A mentee's wishes for a mentor from elsewhere (none for a mentor).
    pub(super) prefers: Elsewhere,
}
