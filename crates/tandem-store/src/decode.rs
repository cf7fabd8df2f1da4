//! Reading stored integers and text into typed values inside the store, so
//! that nothing above it sees a 0/1 integer where a boolean is meant, or a
//! string where an enum is. The SQL stays in the dialect both databases
//! share (integers for flags, Unix seconds for times); these types are the
//! one place that turns those columns into Rust types.

use sqlx::any::AnyTypeInfo;
use sqlx::error::BoxDynError;
use sqlx::{Any, Decode, Type};
use time::OffsetDateTime;

/// A 0/1 integer column, read as a `bool` with `#[sqlx(try_from = "IntFlag")]`.
pub(crate) struct IntFlag(i64);

impl Type<Any> for IntFlag {
    fn type_info() -> AnyTypeInfo {
        <i64 as Type<Any>>::type_info()
    }

    fn compatible(ty: &AnyTypeInfo) -> bool {
        <i64 as Type<Any>>::compatible(ty)
    }
}

impl<'r> Decode<'r, Any> for IntFlag {
    fn decode(value: <Any as sqlx::Database>::ValueRef<'r>) -> Result<Self, BoxDynError> {
        Ok(IntFlag(<i64 as Decode<'r, Any>>::decode(value)?))
    }
}

impl From<IntFlag> for bool {
    fn from(flag: IntFlag) -> bool {
        flag.0 != 0
    }
}

/// A nullable key column, read as an optional typed id (`Option<PersonId>`,
/// …) with `#[sqlx(try_from = "OptionalKey")]`. A plain key needs no
/// wrapper: the id types convert from `i64`, so `#[sqlx(try_from = "i64")]`
/// reads them.
pub(crate) struct OptionalKey(Option<i64>);

impl Type<Any> for OptionalKey {
    fn type_info() -> AnyTypeInfo {
        <i64 as Type<Any>>::type_info()
    }

    fn compatible(ty: &AnyTypeInfo) -> bool {
        <i64 as Type<Any>>::compatible(ty)
    }
}

impl<'r> Decode<'r, Any> for OptionalKey {
    fn decode(value: <Any as sqlx::Database>::ValueRef<'r>) -> Result<Self, BoxDynError> {
        Ok(OptionalKey(<Option<i64> as Decode<'r, Any>>::decode(
            value,
        )?))
    }
}

impl<T: From<i64>> From<OptionalKey> for Option<T> {
    fn from(key: OptionalKey) -> Option<T> {
        key.0.map(T::from)
    }
}

/// Unix seconds, read as an `OffsetDateTime` with
/// `#[sqlx(try_from = "UnixSeconds")]`.
pub(crate) struct UnixSeconds(i64);

impl Type<Any> for UnixSeconds {
    fn type_info() -> AnyTypeInfo {
        <i64 as Type<Any>>::type_info()
    }

    fn compatible(ty: &AnyTypeInfo) -> bool {
        <i64 as Type<Any>>::compatible(ty)
    }
}

impl<'r> Decode<'r, Any> for UnixSeconds {
    fn decode(value: <Any as sqlx::Database>::ValueRef<'r>) -> Result<Self, BoxDynError> {
        Ok(UnixSeconds(<i64 as Decode<'r, Any>>::decode(value)?))
    }
}

impl TryFrom<UnixSeconds> for OffsetDateTime {
    type Error = time::error::ComponentRange;

    fn try_from(seconds: UnixSeconds) -> Result<Self, Self::Error> {
        OffsetDateTime::from_unix_timestamp(seconds.0)
    }
}

/// A text column holding one of an enum's stored spellings, read with
/// `#[sqlx(try_from = "Parsed<T>")]`. A spelling Tandem never writes is a
/// decoding error that names the column's meaning and the value, never a
/// guess.
pub(crate) struct Parsed<T>(T);

/// An enum the store keeps as text.
pub(crate) trait StoredText: Sized {
    /// What the value is, for the error message ("request status").
    const WHAT: &'static str;

    fn parse_stored(text: &str) -> Option<Self>;
}

impl<T: StoredText> Type<Any> for Parsed<T> {
    fn type_info() -> AnyTypeInfo {
        <String as Type<Any>>::type_info()
    }

    fn compatible(ty: &AnyTypeInfo) -> bool {
        <String as Type<Any>>::compatible(ty)
    }
}

impl<'r, T: StoredText> Decode<'r, Any> for Parsed<T> {
    fn decode(value: <Any as sqlx::Database>::ValueRef<'r>) -> Result<Self, BoxDynError> {
        let text = <String as Decode<'r, Any>>::decode(value)?;
        match T::parse_stored(&text) {
            Some(parsed) => Ok(Parsed(parsed)),
            None => Err(format!("unknown {} \"{text}\"", T::WHAT).into()),
        }
    }
}

/// Declares how the store reads one text-stored enum.
macro_rules! stored_text {
    ($type:ty, $what:literal, $parse:expr) => {
        impl $crate::decode::StoredText for $type {
            const WHAT: &'static str = $what;

            fn parse_stored(text: &str) -> Option<Self> {
                let parse: fn(&str) -> Option<$type> = $parse;
                parse(text)
            }
        }

        impl From<$crate::decode::Parsed<$type>> for $type {
            fn from(parsed: $crate::decode::Parsed<$type>) -> $type {
                parsed.0
            }
        }
    };
}

use tandem_domain::audit::AuditAction;
use tandem_domain::programme::Party;
use tandem_domain::proposals::ProposalStatus;
use tandem_domain::register::{Consultation, Recruited, RequestSource, RequestStatus};
use tandem_domain::relationship::State;

stored_text!(AuditAction, "audit action", AuditAction::parse);
stored_text!(ProposalStatus, "proposal status", ProposalStatus::parse);
stored_text!(RequestStatus, "request status", RequestStatus::parse);
stored_text!(State, "relationship state", State::parse);
stored_text!(Party, "party", Party::parse);
stored_text!(Consultation, "consultation", Consultation::parse);
stored_text!(RequestSource, "request source", |text| {
    [RequestSource::Requested, RequestSource::Automatic]
        .into_iter()
        .find(|s| s.as_str() == text)
});
stored_text!(Recruited, "recruitment", |text| {
    [Recruited::Volunteered, Recruited::Identified]
        .into_iter()
        .find(|r| r.as_str() == text)
});
