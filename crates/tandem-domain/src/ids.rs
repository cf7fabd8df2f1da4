//! Typed ids: a programme's id cannot be passed where a person's is
//! wanted. Each wraps the database's positive integer key; the store
//! decodes and binds them, the web parses them from paths (a malformed or
//! non-positive id is "not found"), and they print as the plain number.

/// A path or form value that is not a positive whole number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an id: \"{0}\"")]
pub struct BadId(pub String);

/// Declares an id newtype over `i64` with parsing, display and the
/// conversions the store needs.
#[macro_export]
macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash,
            serde::Serialize, serde::Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(i64);

        impl $name {
            /// Wraps a stored key. Keys come from the database, which
            /// numbers them from 1.
            pub const fn new(raw: i64) -> Self {
                $name(raw)
            }

            /// The key as the database stores it.
            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl From<i64> for $name {
            fn from(raw: i64) -> Self {
                $name(raw)
            }
        }

        impl From<$name> for i64 {
            fn from(id: $name) -> i64 {
                id.0
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                write!(f, "{}", self.0)
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::ids::BadId;

            /// A positive whole number, as it appears in a path or form.
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                match text.parse::<i64>() {
                    Ok(raw) if raw > 0 => Ok($name(raw)),
                    _ => Err($crate::ids::BadId(text.to_owned())),
                }
            }
        }
    };
}

id_type!(
    /// An account that signs in.
    AccountId
);
id_type!(
    /// A person on an organisation's staff (or a fostering household).
    PersonId
);
id_type!(
    /// An organisation taking part in programmes.
    OrganisationId
);
id_type!(
    /// A mentoring programme.
    ProgrammeId
);
id_type!(
    /// A mentor request (REQ-1).
    RequestId
);
id_type!(
    /// One person's entry on one programme's mentor register (REG-1).
    MentorEntryId
);
id_type!(
    /// A matching proposal sent to a mentor (MAT-4).
    ProposalId
);
id_type!(
    /// A people import: an uploaded HR export on its way into `people`.
    ImportId
);
id_type!(
    /// A coordinator's choice of mentor for one request, in force until
    /// the proposal is sent (MAT-5).
    OverrideId
);
id_type!(
    /// A stored matching run: the pairs it proposes and the mentees it
    /// leaves waiting, as the coordinator reads them (MAT-3).
    MatchingRunId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_positive_numbers_only_and_print_plainly() {
        assert_eq!("7".parse::<ProgrammeId>(), Ok(ProgrammeId::new(7)));
        assert!("0".parse::<ProgrammeId>().is_err());
        assert!("-3".parse::<PersonId>().is_err());
        assert!("7a".parse::<PersonId>().is_err());
        assert!("99999999999999999999".parse::<PersonId>().is_err());
        assert_eq!(RequestId::new(12).to_string(), "12");
    }
}
