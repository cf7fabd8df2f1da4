//! When reviews fall due (LIF-2) and when the relationship is planned to
//! end (PRG-2). A review's outcome — continue, amend, extend or end — is an
//! [`Event::Review`](super::Event::Review) checked by the state machine.

use time::Date;

use super::{RelationshipRules, ReviewSchedule};
use crate::programme::{Months, ReviewRules};

/// When the next review falls due: a window where the programme gives an
/// interval (FUN: three to six months), a single date at an agreed point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReviewDue {
    /// The earliest it should be held.
    pub earliest: Date,
    /// The latest; after this it is overdue.
    pub latest: Date,
}

/// The next review after the start or the last review (LIF-2): at the
/// programme's interval (FUN Appendix A, 1: "evaluated every three to six
/// months"), or at the next point the pair agreed (CWT 2.2.6: "agreed
/// review points"). `None` when no review is due.
pub fn next_review(
    rules: &RelationshipRules,
    start: Date,
    last_review: Option<Date>,
    agreed_points: &[Date],
) -> Option<ReviewDue> {
    let since = last_review.unwrap_or(start);
    match rules.reviews {
        ReviewSchedule::Interval(interval) => ReviewRules {
            interval: Some(interval),
            ..ReviewRules::default()
        }
        .next_review_window(since)
        .map(|(earliest, latest)| ReviewDue { earliest, latest }),
        ReviewSchedule::AgreedPoints => agreed_points
            .iter()
            .copied()
            .filter(|point| *point > since)
            .min()
            .map(|point| ReviewDue {
                earliest: point,
                latest: point,
            }),
    }
}

/// Whether a review is overdue on `today`.
pub fn review_overdue(
    rules: &RelationshipRules,
    start: Date,
    last_review: Option<Date>,
    agreed_points: &[Date],
    today: Date,
) -> bool {
    next_review(rules, start, last_review, agreed_points).is_some_and(|due| today > due.latest)
}

/// Every date a review falls due between `start` and `end` (LIF-2): at the
/// latest the interval allows, or at the agreed points.
pub fn review_dates(
    rules: &RelationshipRules,
    start: Date,
    end: Date,
    agreed_points: &[Date],
) -> Vec<Date> {
    match rules.reviews {
        ReviewSchedule::Interval(interval) => ReviewRules {
            interval: Some(interval),
            ..ReviewRules::default()
        }
        .review_due_dates(start, end),
        ReviewSchedule::AgreedPoints => {
            let mut dates: Vec<Date> = agreed_points
                .iter()
                .copied()
                .filter(|point| *point > start && *point < end)
                .collect();
            dates.sort();
            dates.dedup();
            dates
        }
    }
}

/// When a relationship starting on `start` is planned to end (PRG-2): the
/// agreed length, else the track's planned length (AFC: 6 months newly
/// approved, 3 months adversity), plus every extension granted at a review.
/// `None` where neither the agreement nor the track sets a length (CWT, FUN
/// without a length agreed, CAF).
pub fn planned_end(
    rules: &RelationshipRules,
    start: Date,
    agreed_length: Option<Months>,
    extensions: &[Months],
) -> Option<Date> {
    let length = agreed_length.or_else(|| rules.track.planned_months())?;
    let total: u32 = std::iter::once(length)
        .chain(extensions.iter().copied())
        .map(|months| u32::from(months.get()))
        .sum();
    let total = Months::parse(i64::from(total.min(u32::from(Months::MAX)))).ok()?;
    Some(total.after(start))
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;
    use crate::relationship::test_support::{months, shipped_rules as rules};

    const START: Date = date!(2025 - 01 - 15);

    #[test]
    fn reviews_fall_due_at_the_interval_or_the_agreed_points() {
        // FUN Appendix A, 1: every three to six months.
        let fun = rules("fun", "staff_development");
        assert_eq!(
            next_review(&fun, START, None, &[]),
            Some(ReviewDue {
                earliest: date!(2025 - 04 - 15),
                latest: date!(2025 - 07 - 15),
            })
        );
        assert_eq!(
            next_review(&fun, START, Some(date!(2025 - 05 - 01)), &[]).map(|due| due.latest),
            Some(date!(2025 - 11 - 01))
        );
        assert!(!review_overdue(
            &fun,
            START,
            None,
            &[],
            date!(2025 - 07 - 15)
        ));
        assert!(review_overdue(
            &fun,
            START,
            None,
            &[],
            date!(2025 - 07 - 16)
        ));
        assert_eq!(
            review_dates(&fun, START, date!(2026 - 01 - 15), &[]),
            [date!(2025 - 07 - 15)]
        );
        // CWT 2.2.6: agreed review points.
        let cwt = rules("cwt", "leadership");
        let points = [date!(2025 - 09 - 01), date!(2025 - 04 - 01)];
        assert_eq!(
            next_review(&cwt, START, None, &points).map(|due| due.latest),
            Some(date!(2025 - 04 - 01))
        );
        assert_eq!(
            next_review(&cwt, START, Some(date!(2025 - 04 - 02)), &points).map(|due| due.earliest),
            Some(date!(2025 - 09 - 01))
        );
        assert_eq!(
            next_review(&cwt, START, Some(date!(2025 - 09 - 01)), &points),
            None
        );
        assert!(review_overdue(
            &cwt,
            START,
            None,
            &points,
            date!(2025 - 04 - 02)
        ));
        assert_eq!(
            review_dates(&cwt, START, date!(2025 - 06 - 01), &points),
            [date!(2025 - 04 - 01)]
        );
    }

    #[test]
    fn the_planned_end_is_the_agreed_or_track_length_plus_extensions() {
        let newly = rules("afc", "newly_approved");
        let adversity = rules("afc", "adversity");
        let cwt = rules("cwt", "leadership");
        let cases = [
            (
                "AFC newly approved: 6 months",
                &newly,
                None,
                vec![],
                Some(date!(2025 - 07 - 15)),
            ),
            (
                "AFC adversity: 3 months",
                &adversity,
                None,
                vec![],
                Some(date!(2025 - 04 - 15)),
            ),
            (
                "AFC: extended by 2",
                &newly,
                None,
                vec![months(2)],
                Some(date!(2025 - 09 - 15)),
            ),
            (
                "an agreed length",
                &newly,
                Some(months(4)),
                vec![],
                Some(date!(2025 - 05 - 15)),
            ),
            ("CWT sets none", &cwt, None, vec![], None),
        ];
        for (case, rules, agreed, extensions, expected) in cases {
            assert_eq!(
                planned_end(rules, START, agreed, &extensions),
                expected,
                "{case}"
            );
        }
    }
}
