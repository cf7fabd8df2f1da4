//! Small value types used by programme settings.
//!
//! Each type parses once, when a template is read, so nothing downstream has
//! to re-check that a number of months is a whole number or that a key is
//! made of safe characters.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use time::{Date, Month};

/// A whole number of calendar months (track lengths, review intervals,
/// payment periods).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Months(u16);

/// A whole number of minutes (meeting lengths).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Minutes(u16);

/// A whole number of hours (notice periods).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Hours(u16);

/// An amount of money in pence, so sums never suffer rounding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Pence(u32);

/// The weight a matching criterion carries in a programme's score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Weight(u16);

/// A foster carer's level (AFC: mentors are level 2 to 3 carers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct CarerLevel(u8);

/// Why a number could not become one of the unit types.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{value} is not {expected}")]
pub struct OutOfRange {
    /// The number that was offered.
    pub value: i64,
    /// What was expected, in plain English, e.g. "a whole number of months from 0 to 1200".
    pub expected: String,
}

macro_rules! whole_number_type {
    ($name:ident, $inner:ty, $min:expr, $max:expr, $what:literal) => {
        impl $name {
            /// The smallest value a programme may state.
            pub const MIN: $inner = $min;
            /// The largest value a programme may state.
            pub const MAX: $inner = $max;

            /// Parses a number, refusing values outside the allowed range.
            pub fn parse(value: i64) -> Result<Self, OutOfRange> {
                if value < i64::from(Self::MIN) || value > i64::from(Self::MAX) {
                    return Err(OutOfRange {
                        value,
                        expected: Self::expected(),
                    });
                }
                <$inner>::try_from(value).map(Self).map_err(|_| OutOfRange {
                    value,
                    expected: Self::expected(),
                })
            }

            /// The number itself.
            pub const fn get(self) -> $inner {
                self.0
            }

            fn expected() -> String {
                format!("{} from {} to {}", $what, Self::MIN, Self::MAX)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = deserializer.deserialize_i64(WholeNumberVisitor {
                    expected: Self::expected(),
                })?;
                Self::parse(value).map_err(|problem| {
                    de::Error::custom(format!(
                        "{} is not allowed here: expected {}",
                        problem.value, problem.expected
                    ))
                })
            }
        }
    };
}

whole_number_type!(Months, u16, 0, 1200, "a whole number of months");
whole_number_type!(Minutes, u16, 0, 10080, "a whole number of minutes");
whole_number_type!(Hours, u16, 0, 8760, "a whole number of hours");
whole_number_type!(Pence, u32, 0, 100_000_000, "a whole number of pence");
whole_number_type!(Weight, u16, 0, 1000, "a whole-number weight");
whole_number_type!(CarerLevel, u8, 1, 9, "a carer level");

impl Months {
    /// The date this many calendar months after `start`; a day that does not
    /// exist in the target month becomes that month's last day (31 January
    /// plus one month is 28 or 29 February).
    pub fn after(self, start: Date) -> Date {
        add_months(start, u32::from(self.0))
    }

    /// The number of calendar months from `start` to `end`, counting a part
    /// month as a whole one; zero when `end` is not after `start`.
    pub fn between_rounded_up(start: Date, end: Date) -> Self {
        if end <= start {
            return Self(0);
        }
        let mut months: u16 = 0;
        while Months(months).after(start) < end && months < Self::MAX {
            months += 1;
        }
        Self(months)
    }
}

impl fmt::Display for Months {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == 1 {
            f.write_str("1 month")
        } else {
            write!(f, "{} months", self.0)
        }
    }
}

impl fmt::Display for Minutes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} minutes", self.0)
    }
}

impl fmt::Display for Hours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} hours", self.0)
    }
}

impl fmt::Display for Weight {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl fmt::Display for CarerLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "level {}", self.0)
    }
}

impl Pence {
    /// Zero pence.
    pub const ZERO: Pence = Pence(0);

    /// `self × times`, or `None` if the total would not fit.
    pub fn times(self, times: u32) -> Option<Pence> {
        self.0
            .checked_mul(times)
            .filter(|total| *total <= Self::MAX)
            .map(Pence)
    }

    /// The sum, or `None` if it would not fit.
    pub fn plus(self, other: Pence) -> Option<Pence> {
        self.0
            .checked_add(other.0)
            .filter(|total| *total <= Self::MAX)
            .map(Pence)
    }

    /// The difference, stopping at zero.
    pub fn saturating_minus(self, other: Pence) -> Pence {
        Pence(self.0.saturating_sub(other.0))
    }
}

impl fmt::Display for Pence {
    /// Shows pounds and pence, e.g. `£150.00`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "£{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

struct WholeNumberVisitor {
    expected: String,
}

impl Visitor<'_> for WholeNumberVisitor {
    type Value = i64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.expected)
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<i64, E> {
        Ok(value)
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<i64, E> {
        i64::try_from(value).map_err(|_| E::custom(format!("expected {}", self.expected)))
    }
}

/// A short identifier for a programme, track or questionnaire: lowercase
/// letters, digits, `_` and `-`, starting with a letter, at most 40
/// characters. Keys appear in URLs and file names, hence the restriction.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Key(String);

/// Why a string is not a [`Key`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// Nothing was given.
    #[error("a key cannot be empty")]
    Empty,
    /// More than 40 characters.
    #[error("a key can be at most 40 characters long")]
    TooLong,
    /// The first character is not a lowercase letter.
    #[error("a key must start with a lowercase letter")]
    BadStart,
    /// Some character is not allowed.
    #[error("a key may use only lowercase letters, digits, '_' and '-', not {0:?}")]
    BadCharacter(char),
}

impl Key {
    /// Parses a key.
    pub fn parse(text: &str) -> Result<Self, KeyError> {
        let mut characters = text.chars();
        let Some(first) = characters.next() else {
            return Err(KeyError::Empty);
        };
        if text.chars().count() > 40 {
            return Err(KeyError::TooLong);
        }
        if !first.is_ascii_lowercase() {
            return Err(KeyError::BadStart);
        }
        if let Some(bad) = characters
            .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_' || *c == '-'))
        {
            return Err(KeyError::BadCharacter(bad));
        }
        Ok(Self(text.to_owned()))
    }

    /// The key as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Key::parse(&text).map_err(de::Error::custom)
    }
}

/// A date in a policy's history. Policy documents often give only a month
/// ("Review date June 2022"), so a date may be a whole day or just a month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PolicyDate {
    /// A particular day, written `2016-03-10`.
    Day(Date),
    /// A month, written `2022-06`.
    Month {
        /// The year.
        year: i32,
        /// The month.
        month: Month,
    },
}

/// Why text is not a [`PolicyDate`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a date: write a day as 2022-06-01 or a month as 2022-06")]
pub struct PolicyDateError(pub String);

impl PolicyDate {
    /// Parses `YYYY-MM-DD` or `YYYY-MM`.
    pub fn parse(text: &str) -> Result<Self, PolicyDateError> {
        let fail = || PolicyDateError(text.to_owned());
        let parts: Vec<&str> = text.split('-').collect();
        let number = |part: &str, length: usize| -> Result<u16, PolicyDateError> {
            if part.len() != length || !part.chars().all(|c| c.is_ascii_digit()) {
                return Err(fail());
            }
            part.parse::<u16>().map_err(|_| fail())
        };
        match parts.as_slice() {
            [year, month] => {
                let year = i32::from(number(year, 4)?);
                let month = u8::try_from(number(month, 2)?).map_err(|_| fail())?;
                let month = Month::try_from(month).map_err(|_| fail())?;
                Ok(PolicyDate::Month { year, month })
            }
            [year, month, day] => {
                let year = i32::from(number(year, 4)?);
                let month = u8::try_from(number(month, 2)?).map_err(|_| fail())?;
                let month = Month::try_from(month).map_err(|_| fail())?;
                let day = u8::try_from(number(day, 2)?).map_err(|_| fail())?;
                Date::from_calendar_date(year, month, day)
                    .map(PolicyDate::Day)
                    .map_err(|_| fail())
            }
            _ => Err(fail()),
        }
    }

    /// The first day the date covers: the day itself, or the first of the
    /// month. Reminders use this, so a review "in June 2022" is due on 1 June.
    pub fn first_day(self) -> Date {
        match self {
            PolicyDate::Day(date) => date,
            PolicyDate::Month { year, month } => {
                // The first of a month always exists; the fallback is unreachable.
                Date::from_calendar_date(year, month, 1).unwrap_or(Date::MIN)
            }
        }
    }
}

impl PartialOrd for PolicyDate {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for PolicyDate {
    /// Orders by first day; a month sorts before a day within it.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        let rank = |date: &PolicyDate| match date {
            PolicyDate::Month { .. } => 0,
            PolicyDate::Day(_) => 1,
        };
        self.first_day()
            .cmp(&other.first_day())
            .then(rank(self).cmp(&rank(other)))
    }
}

impl fmt::Display for PolicyDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PolicyDate::Day(date) => write!(
                f,
                "{:04}-{:02}-{:02}",
                date.year(),
                u8::from(date.month()),
                date.day()
            ),
            PolicyDate::Month { year, month } => write!(f, "{year:04}-{:02}", u8::from(*month)),
        }
    }
}

impl Serialize for PolicyDate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PolicyDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(PolicyDateVisitor)
    }
}

struct PolicyDateVisitor;

impl<'de> Visitor<'de> for PolicyDateVisitor {
    type Value = PolicyDate;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a date in quotes, like \"2022-06-01\", or a month, like \"2022-06\"")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<PolicyDate, E> {
        PolicyDate::parse(text).map_err(E::custom)
    }

    // A bare TOML date (`date = 2022-06-01`) arrives as a map; say plainly
    // what to write instead of reporting serde's internal shape.
    fn visit_map<A: de::MapAccess<'de>>(self, _map: A) -> Result<PolicyDate, A::Error> {
        Err(de::Error::custom(
            "write the date in quotes, like \"2022-06-01\", or a month, like \"2022-06\"",
        ))
    }
}

fn add_months(start: Date, months: u32) -> Date {
    let index =
        i64::from(start.year()) * 12 + i64::from(u8::from(start.month())) - 1 + i64::from(months);
    let year = i32::try_from(index.div_euclid(12)).unwrap_or(i32::MAX);
    let month_number = u8::try_from(index.rem_euclid(12) + 1).unwrap_or(1);
    let Ok(month) = Month::try_from(month_number) else {
        return Date::MAX;
    };
    let day = start.day().min(month.length(year));
    Date::from_calendar_date(year, month, day).unwrap_or(Date::MAX)
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn months_after_clamps_to_the_end_of_a_short_month() {
        let cases = [
            (date!(2024 - 01 - 31), 1, date!(2024 - 02 - 29)),
            (date!(2023 - 01 - 31), 1, date!(2023 - 02 - 28)),
            (date!(2024 - 03 - 15), 3, date!(2024 - 06 - 15)),
            (date!(2024 - 11 - 01), 6, date!(2025 - 05 - 01)),
            (date!(2024 - 11 - 01), 0, date!(2024 - 11 - 01)),
        ];
        for (start, months, expected) in cases {
            let months = Months::parse(months).expect("a small month count is valid");
            assert_eq!(months.after(start), expected, "{start} + {months}");
        }
    }

    #[test]
    fn months_between_counts_part_months_as_whole() {
        let cases = [
            (date!(2024 - 01 - 01), date!(2024 - 01 - 01), 0),
            (date!(2024 - 01 - 01), date!(2024 - 01 - 02), 1),
            (date!(2024 - 01 - 01), date!(2024 - 04 - 01), 3),
            (date!(2024 - 01 - 01), date!(2024 - 04 - 02), 4),
        ];
        for (start, end, expected) in cases {
            assert_eq!(
                Months::between_rounded_up(start, end).get(),
                expected,
                "{start} to {end}"
            );
        }
    }

    #[test]
    fn whole_numbers_refuse_values_out_of_range() {
        assert!(Months::parse(-1).is_err());
        assert!(Months::parse(1201).is_err());
        assert_eq!(Months::parse(12).map(Months::get), Ok(12));
        assert!(CarerLevel::parse(0).is_err());
        assert!(Weight::parse(-5).is_err());
    }

    #[test]
    fn keys_accept_only_safe_characters() {
        assert!(Key::parse("newly_approved").is_ok());
        assert!(Key::parse("cwt-2").is_ok());
        assert_eq!(Key::parse(""), Err(KeyError::Empty));
        assert_eq!(Key::parse("1abc"), Err(KeyError::BadStart));
        assert_eq!(Key::parse("Abc"), Err(KeyError::BadStart));
        assert_eq!(Key::parse("a b"), Err(KeyError::BadCharacter(' ')));
    }

    #[test]
    fn policy_dates_parse_days_and_months() {
        assert_eq!(
            PolicyDate::parse("2016-03-10"),
            Ok(PolicyDate::Day(date!(2016 - 03 - 10)))
        );
        assert_eq!(
            PolicyDate::parse("2022-06"),
            Ok(PolicyDate::Month {
                year: 2022,
                month: Month::June
            })
        );
        for bad in ["2022", "2022-13", "2022-02-30", "June 2022", "22-06"] {
            assert!(PolicyDate::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            PolicyDate::parse("2022-06").map(|d| d.to_string()),
            Ok("2022-06".to_owned())
        );
    }

    #[test]
    fn pence_display_as_pounds() {
        assert_eq!(
            Pence::parse(30000).map(|p| p.to_string()),
            Ok("£300.00".to_owned())
        );
        assert_eq!(
            Pence::parse(5).map(|p| p.to_string()),
            Ok("£0.05".to_owned())
        );
    }
}
