//! The programme settings applied: end dates, allowed lengths, payments due,
//! mentor eligibility, meeting and review checks. Pure functions of the
//! settings and the facts they are given.

use time::{Date, Duration};

use super::{
    CarerLevel, ExtensionRule, Frequency, IntervalUnit, MeetingGuideline, MentorAllowance,
    MentorRules, Minutes, Months, Pence, PolicyRecord, Programme, ReviewRules, Track, TrackLength,
};

/// Why a relationship length is not allowed on a track.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LengthProblem {
    /// The programme has no track with this key.
    #[error("there is no track called {0:?}")]
    UnknownTrack(String),
    /// A relationship must last at least a month.
    #[error("a relationship must last at least one month")]
    Zero,
    /// Shorter than the track allows.
    #[error("{months} is shorter than the minimum of {min}")]
    TooShort {
        /// The length asked for.
        months: Months,
        /// The track's minimum.
        min: Months,
    },
    /// Longer than the track allows without an extension.
    #[error("{months} is longer than the maximum of {max}")]
    TooLong {
        /// The length asked for.
        months: Months,
        /// The track's maximum.
        max: Months,
    },
}

/// Why an extension is not allowed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExtensionProblem {
    /// The track does not allow extensions.
    #[error("this track does not allow extensions")]
    NotAllowed,
    /// The extension is longer than the track allows.
    #[error("an extension of {months} is longer than the maximum of {max}")]
    TooLong {
        /// The extension asked for.
        months: Months,
        /// The longest extension allowed.
        max: Months,
    },
    /// The track needs a reason for every extension.
    #[error("an extension needs a reason")]
    ReasonMissing,
}

/// Why a meeting's length is outside the guideline (MTG-3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MeetingLengthProblem {
    /// Shorter than the guideline.
    #[error("the meeting lasted {actual}, shorter than the guideline's {min}")]
    TooShort {
        /// How long the meeting lasted.
        actual: Minutes,
        /// The guideline's minimum.
        min: Minutes,
    },
    /// Longer than the guideline.
    #[error("the meeting lasted {actual}, longer than the guideline's {max}")]
    TooLong {
        /// How long the meeting lasted.
        actual: Minutes,
        /// The guideline's maximum.
        max: Minutes,
    },
}

/// What is known about a would-be mentor, for checking eligibility (REG-3).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MentorFacts {
    /// Relevant experience, if known.
    pub experience_months: Option<Months>,
    /// The carer's level, for foster carers.
    pub carer_level: Option<CarerLevel>,
    /// Whether they have completed the programme's mentor training.
    pub trained: bool,
    /// Whether appraisal has shown significant experience and expertise.
    pub experience_shown_by_appraisal: bool,
    /// A self-employed contractor contracted to mentor. The organisation
    /// does not appraise them, so where appraisal shows staff capable
    /// (CAF 1-2: appraised workers "will be assumed to be capable";
    /// contractors "contracted to provide mentoring" are paid for it), its
    /// absence does not rule them out.
    pub contracted: bool,
}

/// A reason a person may not mentor on a programme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MentorIneligibility {
    /// Too little experience.
    #[error("needs at least {needed} of experience")]
    NotEnoughExperience {
        /// The programme's minimum.
        needed: Months,
        /// What they have, if known.
        has: Option<Months>,
    },
    /// Carer level below the programme's minimum, or not known.
    #[error("needs to be a carer at {needed} or above")]
    CarerLevelTooLow {
        /// The programme's minimum.
        needed: CarerLevel,
        /// Their level, if known.
        has: Option<CarerLevel>,
    },
    /// Carer level above the range the programme names.
    #[error("the programme takes carers up to {highest}")]
    CarerLevelAboveRange {
        /// The highest level the programme names.
        highest: CarerLevel,
        /// Their level.
        has: CarerLevel,
    },
    /// Has not completed the training the programme requires.
    #[error("needs to complete the mentor training first")]
    NotTrained,
    /// Appraisal has not shown the experience the programme requires.
    #[error("needs significant experience and expertise shown through appraisal")]
    ExperienceNotShownByAppraisal,
}

/// A payment that falls due to a mentor (PAY-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaymentDue {
    /// When it falls due: the end of the period it covers.
    pub due: Date,
    /// How many months of support it pays for.
    pub months: Months,
    /// The amount, after the track's cap.
    pub amount: Pence,
}

impl TrackLength {
    /// The length a relationship is planned for: the planned length, else
    /// the maximum, else the minimum.
    pub fn planned(&self) -> Option<Months> {
        self.planned_months.or(self.max_months).or(self.min_months)
    }
}

impl Track {
    /// The planned length of a relationship on this track, if the track sets one.
    pub fn planned_months(&self) -> Option<Months> {
        self.length.as_ref().and_then(TrackLength::planned)
    }

    /// When a relationship starting on `start` ends at its planned length
    /// (AFC adversity: three months later); `None` if the track sets no length.
    pub fn end_date(&self, start: Date) -> Option<Date> {
        self.planned_months().map(|months| months.after(start))
    }

    /// Whether a relationship of `months` is allowed on this track before
    /// any extension (WSC: 6 to 12 months).
    pub fn check_length(&self, months: Months) -> Result<(), LengthProblem> {
        if months.get() == 0 {
            return Err(LengthProblem::Zero);
        }
        let Some(length) = &self.length else {
            return Ok(());
        };
        if let Some(min) = length.min_months
            && months < min
        {
            return Err(LengthProblem::TooShort { months, min });
        }
        if let Some(max) = length.max_months
            && months > max
        {
            return Err(LengthProblem::TooLong { months, max });
        }
        Ok(())
    }

    /// Whether an extension of `months` with the given reason is allowed (PRG-2).
    pub fn check_extension(&self, months: Months, reason: &str) -> Result<(), ExtensionProblem> {
        let ExtensionRule {
            allowed,
            max_months,
            reason_required,
        } = self.extension;
        if !allowed {
            return Err(ExtensionProblem::NotAllowed);
        }
        if let Some(max) = max_months
            && months > max
        {
            return Err(ExtensionProblem::TooLong { months, max });
        }
        if reason_required && reason.trim().is_empty() {
            return Err(ExtensionProblem::ReasonMissing);
        }
        Ok(())
    }
}

impl MentorRules {
    /// Checks a would-be mentor against the rules; on failure, every reason
    /// they are not eligible, so a coordinator can see them all at once.
    pub fn check(&self, facts: &MentorFacts) -> Result<(), Vec<MentorIneligibility>> {
        let mut reasons = Vec::new();
        if let Some(needed) = self.min_experience_months
            && facts.experience_months.is_none_or(|has| has < needed)
        {
            reasons.push(MentorIneligibility::NotEnoughExperience {
                needed,
                has: facts.experience_months,
            });
        }
        if let Some(needed) = self.min_carer_level
            && facts.carer_level.is_none_or(|has| has < needed)
        {
            reasons.push(MentorIneligibility::CarerLevelTooLow {
                needed,
                has: facts.carer_level,
            });
        }
        if let (Some(highest), Some(has)) = (self.max_carer_level, facts.carer_level)
            && has > highest
        {
            reasons.push(MentorIneligibility::CarerLevelAboveRange { highest, has });
        }
        if self.trained_only && !facts.trained {
            reasons.push(MentorIneligibility::NotTrained);
        }
        if self.experience_shown_by_appraisal
            && !facts.experience_shown_by_appraisal
            && !facts.contracted
        {
            reasons.push(MentorIneligibility::ExperienceNotShownByAppraisal);
        }
        if reasons.is_empty() {
            Ok(())
        } else {
            Err(reasons)
        }
    }
}

impl MeetingGuideline {
    /// Whether a meeting of this length is within the guideline (MTG-3).
    pub fn check_length(&self, actual: Minutes) -> Result<(), MeetingLengthProblem> {
        if let Some(min) = self.min_minutes
            && actual < min
        {
            return Err(MeetingLengthProblem::TooShort { actual, min });
        }
        if let Some(max) = self.max_minutes
            && actual > max
        {
            return Err(MeetingLengthProblem::TooLong { actual, max });
        }
        Ok(())
    }

    /// The latest date the next meeting should happen after one on `last`;
    /// `None` if the programme sets no frequency.
    pub fn next_meeting_due(&self, last: Date) -> Option<Date> {
        self.frequency.map(|frequency| frequency.latest_after(last))
    }

    /// Whether, on `today`, a meeting is overdue after the last one on `last`.
    pub fn meeting_overdue(&self, last: Date, today: Date) -> bool {
        self.next_meeting_due(last).is_some_and(|due| today > due)
    }
}

impl Frequency {
    /// The earliest date the next meeting is expected after `last`.
    pub fn earliest_after(&self, last: Date) -> Date {
        step(last, self.every_min, self.unit)
    }

    /// The latest date the next meeting is expected after `last`.
    pub fn latest_after(&self, last: Date) -> Date {
        step(last, self.every_max, self.unit)
    }
}

impl ReviewRules {
    /// The window for the next review after `last` (the start or the last
    /// review): earliest and latest dates; `None` without an interval.
    pub fn next_review_window(&self, last: Date) -> Option<(Date, Date)> {
        self.interval.map(|interval| {
            (
                interval.min_months.after(last),
                interval.max_months.after(last),
            )
        })
    }

    /// The dates reviews fall due for a relationship running from `start` to
    /// `end`, at the latest the interval allows, up to but not including `end`.
    pub fn review_due_dates(&self, start: Date, end: Date) -> Vec<Date> {
        let Some(interval) = self.interval else {
            return Vec::new();
        };
        let step_months = interval.max_months.get();
        if step_months == 0 {
            return Vec::new();
        }
        let mut dates = Vec::new();
        let mut elapsed: u16 = step_months;
        while let Ok(months) = Months::parse(i64::from(elapsed)) {
            let due = months.after(start);
            if due >= end {
                break;
            }
            dates.push(due);
            elapsed = elapsed.saturating_add(step_months);
        }
        dates
    }
}

impl MentorAllowance {
    /// The cap for arrangements on a track, if there is one.
    pub fn cap_for(&self, track: &str) -> Option<Pence> {
        self.caps
            .iter()
            .find(|cap| cap.track.as_str() == track)
            .map(|cap| cap.max_pence)
    }

    /// One period's full payment (AFC: £50 × 3 = £150).
    pub fn period_payment(&self) -> Option<Pence> {
        self.monthly_pence
            .times(u32::from(self.paid_every_months.get()))
    }

    /// The payments due for an arrangement on `track` active from `start` to
    /// `end` (PAY-1). Each period is paid at its end, or on `end` if the
    /// arrangement ends first; a last, part period pays for the months it
    /// covers, a part month counting as a whole; the total never exceeds the
    /// track's cap.
    pub fn schedule(&self, track: &str, start: Date, end: Date) -> Vec<PaymentDue> {
        let total_months = Months::between_rounded_up(start, end).get();
        let period = self.paid_every_months.get();
        if period == 0 {
            return Vec::new();
        }
        let cap = self.cap_for(track);
        let mut paid = Pence::ZERO;
        let mut payments = Vec::new();
        let mut covered: u16 = 0;
        while covered < total_months {
            let months_in_period = period.min(total_months - covered);
            covered += months_in_period;
            let Ok(covered_months) = Months::parse(i64::from(covered)) else {
                break;
            };
            let due = if months_in_period == period {
                covered_months.after(start).min(end.max(start))
            } else {
                end
            };
            let Some(mut amount) = self.monthly_pence.times(u32::from(months_in_period)) else {
                break;
            };
            if let Some(cap) = cap {
                amount = amount.min(cap.saturating_minus(paid));
            }
            if amount == Pence::ZERO {
                break;
            }
            paid = paid.plus(amount).unwrap_or(paid);
            let Ok(months) = Months::parse(i64::from(months_in_period)) else {
                break;
            };
            payments.push(PaymentDue {
                due,
                months,
                amount,
            });
        }
        payments
    }
}

impl PolicyRecord {
    /// When the policy is next due for review: the stated date, else the
    /// latest revision's next review, else the latest revision plus the
    /// review interval.
    pub fn next_review_date(&self) -> Option<Date> {
        if let Some(next) = self.next_review {
            return Some(next.first_day());
        }
        let latest = self.revisions.iter().max_by_key(|revision| revision.date)?;
        if let Some(next) = latest.next_review {
            return Some(next.first_day());
        }
        self.review_every_months
            .map(|months| months.after(latest.date.first_day()))
    }

    /// Whether the policy review is due on `today` (PRG-6, NTF-1).
    pub fn review_due(&self, today: Date) -> bool {
        self.next_review_date().is_some_and(|due| due <= today)
    }
}

impl Programme {
    /// Whether a relationship of `months` is allowed on the track with key
    /// `track` before any extension (PRG-2).
    pub fn check_length(&self, track: &str, months: Months) -> Result<(), LengthProblem> {
        self.track(track)
            .ok_or_else(|| LengthProblem::UnknownTrack(track.to_owned()))?
            .check_length(months)
    }

    /// Checks a would-be mentor against the programme's mentor rules.
    pub fn check_mentor(&self, facts: &MentorFacts) -> Result<(), Vec<MentorIneligibility>> {
        self.mentors.check(facts)
    }

    /// The allowance payments due for an arrangement on `track` active from
    /// `start` to `end`; empty if the programme pays no allowance.
    pub fn payments_due(&self, track: &str, start: Date, end: Date) -> Vec<PaymentDue> {
        self.payments
            .as_ref()
            .and_then(|payments| payments.allowance.as_ref())
            .map(|allowance| allowance.schedule(track, start, end))
            .unwrap_or_default()
    }
}

fn step(from: Date, count: u16, unit: IntervalUnit) -> Date {
    match unit {
        IntervalUnit::Weeks => from
            .checked_add(Duration::weeks(i64::from(count)))
            .unwrap_or(Date::MAX),
        IntervalUnit::Months => match Months::parse(i64::from(count)) {
            Ok(months) => months.after(from),
            Err(_) => Date::MAX,
        },
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;
    use crate::programme::{Key, PaymentCap};

    fn months(count: u16) -> Months {
        Months::parse(i64::from(count)).expect("test month counts are in range")
    }

    fn level(number: u8) -> CarerLevel {
        CarerLevel::parse(i64::from(number)).expect("test carer levels are in range")
    }

    #[test]
    fn experience_and_carer_level_ranges_are_checked() {
        let rules = MentorRules {
            min_experience_months: Some(months(24)),
            min_carer_level: Some(level(2)),
            max_carer_level: Some(level(3)),
            ..MentorRules::default()
        };
        let facts = |experience: Option<u16>, carer_level: u8| MentorFacts {
            experience_months: experience.map(months),
            carer_level: Some(level(carer_level)),
            ..MentorFacts::default()
        };
        let cases = [
            (facts(Some(24), 2), Ok(())),
            (
                facts(Some(23), 2),
                Err(vec![MentorIneligibility::NotEnoughExperience {
                    needed: months(24),
                    has: Some(months(23)),
                }]),
            ),
            (
                facts(None, 4),
                Err(vec![
                    MentorIneligibility::NotEnoughExperience {
                        needed: months(24),
                        has: None,
                    },
                    MentorIneligibility::CarerLevelAboveRange {
                        highest: level(3),
                        has: level(4),
                    },
                ]),
            ),
        ];
        for (facts, expected) in cases {
            assert_eq!(rules.check(&facts), expected, "{facts:?}");
        }
    }

    #[test]
    fn an_uncapped_allowance_pays_every_month_active() {
        let allowance = MentorAllowance {
            monthly_pence: Pence::parse(1000).expect("in range"),
            paid_every_months: months(2),
            caps: vec![PaymentCap {
                track: Key::parse("capped").expect("a valid key"),
                max_pence: Pence::parse(2500).expect("in range"),
            }],
        };
        let start = date!(2024 - 01 - 01);
        let amounts = |track: &str, end| {
            allowance
                .schedule(track, start, end)
                .iter()
                .map(|payment| payment.amount.get())
                .collect::<Vec<_>>()
        };
        assert_eq!(amounts("open", date!(2024 - 06 - 01)), [2000, 2000, 1000]);
        assert_eq!(amounts("capped", date!(2024 - 06 - 01)), [2000, 500]);
        assert!(amounts("open", start).is_empty(), "nothing for no time");
    }
}
