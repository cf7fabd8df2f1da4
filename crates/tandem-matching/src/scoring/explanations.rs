//! One pair's score with its explanation: a plain-English line for each
//! criterion that contributed, such as "speaks Welsh, as requested: +8".

use std::collections::BTreeSet;
use std::fmt;

use super::criteria::{Criterion, Weights};
use super::profiles::{Identity, MenteeRequest, MentorProfile, Place};

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
    let met = mentee.prefers.met(&mentee.place, &mentor.place);
    add(Criterion::PreferredElsewhere, met.len(), &|_| {
        format!("from another {}, as the mentee asked", list(&met))
    });
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
