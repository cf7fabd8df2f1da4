//! Time as the application sees it. Use cases ask a [`Clock`] for the
//! time instead of reading the system's, so that reviews, reminders and
//! retention can be tested at any date with a [`FixedClock`]. The clock
//! that reads the system's time lives with the IO, in `tandem-store`.

use std::fmt::Debug;
use std::sync::atomic::{AtomicI64, Ordering};

use time::{Date, OffsetDateTime};

/// Where the application gets the time from.
pub trait Clock: Send + Sync + Debug {
    /// Seconds since the Unix epoch, the form every stored time takes.
    fn unix(&self) -> i64;

    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(self.unix()).unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }

    /// Today's date in UTC.
    fn today(&self) -> Date {
        self.now().date()
    }
}

/// A clock that says what it is told: for tests, and for replaying a
/// scenario at a chosen date.
#[derive(Debug)]
pub struct FixedClock {
    seconds: AtomicI64,
}

impl FixedClock {
    pub fn at(time: OffsetDateTime) -> FixedClock {
        FixedClock {
            seconds: AtomicI64::new(time.unix_timestamp()),
        }
    }

    /// Midnight UTC at the start of `date`.
    pub fn on(date: Date) -> FixedClock {
        FixedClock::at(date.midnight().assume_utc())
    }

    pub fn set(&self, time: OffsetDateTime) {
        self.seconds.store(time.unix_timestamp(), Ordering::SeqCst);
    }

    pub fn advance(&self, by: time::Duration) {
        self.seconds.fetch_add(by.whole_seconds(), Ordering::SeqCst);
    }
}

impl Clock for FixedClock {
    fn unix(&self) -> i64 {
        self.seconds.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_fixed_clock_says_what_it_is_told_and_moves_when_advanced() {
        let clock = FixedClock::on(date!(2027 - 03 - 31));
        assert_eq!(clock.today(), date!(2027 - 03 - 31));
        clock.advance(time::Duration::days(1));
        assert_eq!(clock.today(), date!(2027 - 04 - 01));
        assert_eq!(clock.unix(), clock.now().unix_timestamp());
    }
}
