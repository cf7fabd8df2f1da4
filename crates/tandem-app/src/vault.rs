//! Sealing and opening relationships' confidential content (issue 10 item
//! 11). The master key comes from the key file (`TANDEM_KEY_FILE`); each
//! relationship has its own data key, stored wrapped by the master key.
//! Sealed values are stored as base64 text, bound by their associated data
//! to the relationship and the kind of content they are, so a value copied
//! to another row or relationship does not open.
//!
//! Opening takes an authority from `tandem_domain::permissions`: only the
//! pair (content) or someone a document is sent to (that document) can
//! make one, so no page, API handler or export reaches content without the
//! permission decision.

use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use tandem_domain::ids::ProposalId;
use tandem_domain::permissions::relationships::{
    RelationshipContentAuthority, RelationshipDocumentAuthority,
};
use tandem_domain::relationship::RelationshipId;
use tandem_seal::{DataKey, MasterKey};

use crate::AppError;

/// The kinds of sealed content, each its own associated data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sealed {
    /// Someone's own words in an event: a reason for leaving, a No Match's detail.
    Words,
    /// An agreement version's clauses.
    Clauses,
    /// A meeting's record and action points.
    MeetingRecord,
    /// The action plan.
    Plan,
    /// An answer in a completion form.
    FormAnswer,
}

impl Sealed {
    fn label(self) -> &'static str {
        match self {
            Sealed::Words => "words",
            Sealed::Clauses => "agreement clauses",
            Sealed::MeetingRecord => "meeting record",
            Sealed::Plan => "action plan",
            Sealed::FormAnswer => "completion form answer",
        }
    }
}

/// The master key, if this installation has one.
#[derive(Debug, Clone, Default)]
pub(crate) struct Vault {
    master: Option<Arc<MasterKey>>,
}

/// A relationship's data key, unwrapped for one use case.
pub(crate) struct OpenKey {
    relationship: RelationshipId,
    key: DataKey,
}

const NO_KEY: &str = "confidential content needs the master key: start Tandem with TANDEM_KEY_FILE \
     naming a key file (make one with `tandem key generate`)";

impl Vault {
    pub(crate) fn new(master: MasterKey) -> Vault {
        Vault {
            master: Some(Arc::new(master)),
        }
    }

    fn master(&self) -> Result<&MasterKey, AppError> {
        self.master
            .as_deref()
            .ok_or_else(|| AppError::Internal(NO_KEY.to_owned()))
    }

    /// A new data key for the relationship a proposal starts, wrapped for
    /// storage (bound to that proposal, which the relationship keeps).
    pub(crate) fn new_relationship_key(&self, proposal_id: ProposalId) -> Result<String, AppError> {
        let wrapped = self
            .master()?
            .wrap(&DataKey::generate(), &wrap_context(proposal_id.get()))
            .map_err(|error| AppError::Internal(format!("cannot wrap a data key: {error}")))?;
        Ok(STANDARD.encode(wrapped))
    }

    fn unwrap(
        &self,
        relationship: RelationshipId,
        proposal_id: ProposalId,
        wrapped: &str,
    ) -> Result<OpenKey, AppError> {
        let bytes = STANDARD.decode(wrapped).map_err(|_| {
            AppError::Internal(format!(
                "relationship {relationship}: its data key is not base64"
            ))
        })?;
        let key = self
            .master()?
            .unwrap(&bytes, &wrap_context(proposal_id.get()))
            .map_err(|error| {
                AppError::Internal(format!(
                    "relationship {relationship}: its data key did not open ({error}); is TANDEM_KEY_FILE the key this database was made with?"
                ))
            })?;
        Ok(OpenKey { relationship, key })
    }

    /// The data key, for the pair.
    pub(crate) fn for_pair(
        &self,
        authority: &RelationshipContentAuthority,
        proposal_id: ProposalId,
        wrapped: &str,
    ) -> Result<OpenKey, AppError> {
        self.unwrap(authority.relationship_id(), proposal_id, wrapped)
    }

    /// The data key, for someone a document is sent to.
    pub(crate) fn for_document(
        &self,
        authority: &RelationshipDocumentAuthority,
        proposal_id: ProposalId,
        wrapped: &str,
    ) -> Result<OpenKey, AppError> {
        self.unwrap(authority.relationship_id(), proposal_id, wrapped)
    }
}

fn wrap_context(proposal_id: i64) -> Vec<u8> {
    format!("relationship of proposal {proposal_id}").into_bytes()
}

impl OpenKey {
    fn associated_data(&self, kind: Sealed) -> Vec<u8> {
        format!("relationship {} {}", self.relationship, kind.label()).into_bytes()
    }

    /// Seals text for storage.
    pub(crate) fn seal(&self, kind: Sealed, plaintext: &str) -> Result<String, AppError> {
        let sealed =
            tandem_seal::seal(&self.key, plaintext.as_bytes(), &self.associated_data(kind))
                .map_err(|error| {
                    AppError::Internal(format!("cannot seal {}: {error}", kind.label()))
                })?;
        Ok(STANDARD.encode(sealed))
    }

    /// Opens stored text.
    pub(crate) fn open(&self, kind: Sealed, stored: &str) -> Result<String, AppError> {
        let broken = || {
            AppError::Internal(format!(
                "relationship {}: a sealed {} did not open",
                self.relationship,
                kind.label()
            ))
        };
        let bytes = STANDARD.decode(stored).map_err(|_| broken())?;
        let opened = tandem_seal::open(&self.key, &bytes, &self.associated_data(kind))
            .map_err(|_| broken())?;
        String::from_utf8(opened).map_err(|_| broken())
    }

    /// Seals a value as JSON.
    pub(crate) fn seal_json<T: serde::Serialize>(
        &self,
        kind: Sealed,
        value: &T,
    ) -> Result<String, AppError> {
        let json = serde_json::to_string(value).map_err(|error| {
            AppError::Internal(format!("cannot encode {}: {error}", kind.label()))
        })?;
        self.seal(kind, &json)
    }

    /// Opens a value sealed as JSON.
    pub(crate) fn open_json<T: serde::de::DeserializeOwned>(
        &self,
        kind: Sealed,
        stored: &str,
    ) -> Result<T, AppError> {
        let json = self.open(kind, stored)?;
        serde_json::from_str(&json).map_err(|_| {
            AppError::Internal(format!(
                "relationship {}: a sealed {} is not in the form Tandem wrote",
                self.relationship,
                kind.label()
            ))
        })
    }
}
