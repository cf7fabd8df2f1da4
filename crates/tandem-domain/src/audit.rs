//! The audit log's vocabulary: what happened, typed, so that a log entry
//! is written and read with one spelling (PRV: who did what, when).

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::permissions::Actor;

/// Everything Tandem records in its append-only audit log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AuditAction {
    AccountCreated,
    SignedIn,
    SignedOut,
    SessionEnded,
    PeopleImported,
    ProgrammeCreated,
    ProgrammeUpdated,
    ProgrammePublished,
    RegisterEntrySaved,
    RequestCreated,
    RequestScreened,
    RequestConsulted,
    SelfAssessmentSaved,
    MatchingOverridden,
    ProposalsSent,
    ProposalAccepted,
    ProposalDeclined,
    IdentitySaved,
}

impl AuditAction {
    pub const ALL: [AuditAction; 18] = [
        AuditAction::AccountCreated,
        AuditAction::SignedIn,
        AuditAction::SignedOut,
        AuditAction::SessionEnded,
        AuditAction::PeopleImported,
        AuditAction::ProgrammeCreated,
        AuditAction::ProgrammeUpdated,
        AuditAction::ProgrammePublished,
        AuditAction::RegisterEntrySaved,
        AuditAction::RequestCreated,
        AuditAction::RequestScreened,
        AuditAction::RequestConsulted,
        AuditAction::SelfAssessmentSaved,
        AuditAction::MatchingOverridden,
        AuditAction::ProposalsSent,
        AuditAction::ProposalAccepted,
        AuditAction::ProposalDeclined,
        AuditAction::IdentitySaved,
    ];

    /// The stored spelling; never changes once written.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::AccountCreated => "account.created",
            AuditAction::SignedIn => "account.signed_in",
            AuditAction::SignedOut => "account.signed_out",
            AuditAction::SessionEnded => "account.session_ended",
            AuditAction::PeopleImported => "people.imported",
            AuditAction::ProgrammeCreated => "programme.created",
            AuditAction::ProgrammeUpdated => "programme.updated",
            AuditAction::ProgrammePublished => "programme.published",
            AuditAction::RegisterEntrySaved => "register.entry_saved",
            AuditAction::RequestCreated => "request.created",
            AuditAction::RequestScreened => "request.screened",
            AuditAction::RequestConsulted => "request.consulted",
            AuditAction::SelfAssessmentSaved => "self_assessment.saved",
            AuditAction::MatchingOverridden => "matching.overridden",
            AuditAction::ProposalsSent => "matching.proposed",
            AuditAction::ProposalAccepted => "matching.accepted",
            AuditAction::ProposalDeclined => "matching.declined",
            AuditAction::IdentitySaved => "identity.saved",
        }
    }

    pub fn parse(text: &str) -> Option<AuditAction> {
        AuditAction::ALL.into_iter().find(|a| a.as_str() == text)
    }

    /// How an administrator reads it.
    pub fn label(self) -> &'static str {
        match self {
            AuditAction::AccountCreated => "Account created",
            AuditAction::SignedIn => "Signed in",
            AuditAction::SignedOut => "Signed out",
            AuditAction::SessionEnded => "Ended a session from the sessions page",
            AuditAction::PeopleImported => "People imported",
            AuditAction::ProgrammeCreated => "Programme created",
            AuditAction::ProgrammeUpdated => "Programme settings changed",
            AuditAction::ProgrammePublished => "Programme published",
            AuditAction::RegisterEntrySaved => "Mentor register entry saved",
            AuditAction::RequestCreated => "Mentor request made",
            AuditAction::RequestScreened => "Mentor request screened",
            AuditAction::RequestConsulted => "Line manager consulted",
            AuditAction::SelfAssessmentSaved => "Self-assessment saved",
            AuditAction::MatchingOverridden => "Mentor chosen by hand",
            AuditAction::ProposalsSent => "Proposals sent to mentors",
            AuditAction::ProposalAccepted => "Proposal accepted",
            AuditAction::ProposalDeclined => "Proposal declined",
            AuditAction::IdentitySaved => "Own characteristics for matching saved",
        }
    }
}

impl std::fmt::Display for AuditAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One entry of the append-only audit log, as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    pub id: i64,
    pub occurred_at: OffsetDateTime,
    pub actor: Actor,
    pub action: AuditAction,
    pub subject_type: String,
    pub subject_id: String,
    pub detail: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_reads_back_and_unknown_text_is_damage() {
        for action in AuditAction::ALL {
            assert_eq!(AuditAction::parse(action.as_str()), Some(action));
        }
        assert_eq!(AuditAction::parse("deleted.everything"), None);
    }
}
