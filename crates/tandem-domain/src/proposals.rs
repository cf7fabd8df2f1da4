//! A matching proposal's answer (MAT-4): the mentor sees the request
//! before the match is final and accepts or declines with a reason.

use serde::{Deserialize, Serialize};

/// Why a mentor declined, from the list the issue and the documents give.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeclineReason {
    NotEnoughTime,
    NotTheRightExpertise,
    AnotherMentorMoreSuitable,
    ConflictOfInterest,
    Other,
}

impl DeclineReason {
    pub const ALL: [DeclineReason; 5] = [
        DeclineReason::NotEnoughTime,
        DeclineReason::NotTheRightExpertise,
        DeclineReason::AnotherMentorMoreSuitable,
        DeclineReason::ConflictOfInterest,
        DeclineReason::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DeclineReason::NotEnoughTime => "not_enough_time",
            DeclineReason::NotTheRightExpertise => "not_the_right_expertise",
            DeclineReason::AnotherMentorMoreSuitable => "another_mentor_more_suitable",
            DeclineReason::ConflictOfInterest => "conflict_of_interest",
            DeclineReason::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DeclineReason::NotEnoughTime => "I do not have enough time",
            DeclineReason::NotTheRightExpertise => "I do not have the right expertise",
            DeclineReason::AnotherMentorMoreSuitable => "Another mentor would be more suitable",
            DeclineReason::ConflictOfInterest => "I have a conflict of interest",
            DeclineReason::Other => "Another reason",
        }
    }

    pub fn parse(text: &str) -> Option<DeclineReason> {
        DeclineReason::ALL.into_iter().find(|r| r.as_str() == text)
    }
}

/// A mentor's answer to a proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    Accept,
    Decline {
        reason: DeclineReason,
        detail: String,
    },
}

/// What is wrong with an answer, by field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerProblem {
    pub field: &'static str,
    pub message: &'static str,
}

impl Answer {
    /// Reads a form's answer: `accept` or `decline`, and for a decline a
    /// reason from the list; "another reason" needs the detail written.
    pub fn parse(
        answer: &str,
        reason: Option<&str>,
        detail: &str,
    ) -> Result<Answer, AnswerProblem> {
        match answer {
            "accept" => Ok(Answer::Accept),
            "decline" => {
                let reason = reason.and_then(DeclineReason::parse).ok_or(AnswerProblem {
                    field: "reason",
                    message: "Choose why you are declining",
                })?;
                let detail = detail.trim();
                if reason == DeclineReason::Other && detail.is_empty() {
                    return Err(AnswerProblem {
                        field: "detail",
                        message: "Say what the reason is",
                    });
                }
                if detail.chars().count() > 2_000 {
                    return Err(AnswerProblem {
                        field: "detail",
                        message: "Keep the reason to 2,000 characters or fewer",
                    });
                }
                Ok(Answer::Decline {
                    reason,
                    detail: detail.to_owned(),
                })
            }
            _ => Err(AnswerProblem {
                field: "answer",
                message: "Choose whether you accept or decline",
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_read_from_the_form() {
        assert_eq!(Answer::parse("accept", None, ""), Ok(Answer::Accept));
        assert_eq!(
            Answer::parse("decline", Some("not_enough_time"), " "),
            Ok(Answer::Decline {
                reason: DeclineReason::NotEnoughTime,
                detail: String::new()
            })
        );
        assert_eq!(
            Answer::parse("decline", None, "").map_err(|p| p.field),
            Err("reason")
        );
        assert_eq!(
            Answer::parse("decline", Some("other"), "").map_err(|p| p.field),
            Err("detail")
        );
        assert_eq!(
            Answer::parse("maybe", None, "").map_err(|p| p.field),
            Err("answer")
        );
        for reason in DeclineReason::ALL {
            assert_eq!(DeclineReason::parse(reason.as_str()), Some(reason));
        }
    }
}

/// Where a proposal stands (MAT-4, MAT-5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProposalStatus {
    /// Sent; the mentor has not answered.
    AwaitingMentor,
    Accepted,
    /// The request waits for another mentor (MAT-5).
    Declined,
    Withdrawn,
    /// Accepted, and the relationship it started has ended: the mentor's
    /// place is free again (LIF-3).
    Ended,
}

impl ProposalStatus {
    pub const ALL: [ProposalStatus; 5] = [
        ProposalStatus::AwaitingMentor,
        ProposalStatus::Accepted,
        ProposalStatus::Declined,
        ProposalStatus::Withdrawn,
        ProposalStatus::Ended,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ProposalStatus::AwaitingMentor => "awaiting_mentor",
            ProposalStatus::Accepted => "accepted",
            ProposalStatus::Declined => "declined",
            ProposalStatus::Withdrawn => "withdrawn",
            ProposalStatus::Ended => "ended",
        }
    }

    /// `None` for a value Tandem never writes.
    pub fn parse(text: &str) -> Option<ProposalStatus> {
        ProposalStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            ProposalStatus::AwaitingMentor => "Waiting for the mentor",
            ProposalStatus::Accepted => "Accepted by the mentor",
            ProposalStatus::Declined => "Declined by the mentor",
            ProposalStatus::Withdrawn => "Withdrawn",
            ProposalStatus::Ended => "Accepted; the relationship has ended",
        }
    }

    /// A live proposal holds the request and a place of the mentor's.
    pub fn is_live(self) -> bool {
        matches!(
            self,
            ProposalStatus::AwaitingMentor | ProposalStatus::Accepted
        )
    }
}

/// Where a mentee's request stands, in words for the mentee (issue 11
/// item 4): from its status and its latest proposal to a mentor, if any.
/// They are told when a mentor is considering it, when their mentor has
/// accepted, and when a decline means they wait for another mentor, never
/// who declined or why.
pub fn mentee_progress(
    status: crate::register::RequestStatus,
    latest_proposal: Option<ProposalStatus>,
) -> &'static str {
    use crate::register::RequestStatus;
    match (status, latest_proposal) {
        (RequestStatus::Accepted, Some(ProposalStatus::AwaitingMentor)) => {
            "A mentor is considering your request"
        }
        (RequestStatus::Accepted, Some(ProposalStatus::Accepted)) => {
            "Your mentor has accepted: your mentoring has started"
        }
        (RequestStatus::Accepted, Some(ProposalStatus::Declined | ProposalStatus::Withdrawn)) => {
            "The mentor proposed could not take you on: you are waiting for another mentor"
        }
        (RequestStatus::Accepted, Some(ProposalStatus::Ended)) => {
            "Your last mentoring ended early: you are waiting for another mentor"
        }
        (RequestStatus::Accepted, None) => "Accepted: waiting to be matched with a mentor",
        (other, _) => other.label(),
    }
}

#[cfg(test)]
mod status_tests {
    #[test]
    fn a_mentee_reads_where_their_request_stands() {
        use super::{ProposalStatus as P, mentee_progress};
        use crate::register::RequestStatus as R;
        let cases: &[(R, Option<P>, &str)] = &[
            (R::AwaitingScreening, None, "Waiting to be screened"),
            (R::Accepted, None, "waiting to be matched"),
            (
                R::Accepted,
                Some(P::AwaitingMentor),
                "A mentor is considering",
            ),
            (R::Accepted, Some(P::Accepted), "Your mentor has accepted"),
            (R::Accepted, Some(P::Declined), "waiting for another mentor"),
            (R::Accepted, Some(P::Ended), "waiting for another mentor"),
            (R::Rejected, None, "Not accepted"),
            (R::Closed, Some(P::Ended), "Closed"),
        ];
        for (status, proposal, words) in cases {
            let said = mentee_progress(*status, *proposal);
            assert!(said.contains(words), "{status:?} {proposal:?}: {said}");
            assert!(
                !said.to_lowercase().contains("declined"),
                "never who declined: {said}"
            );
        }
    }

    use super::*;

    #[test]
    fn every_status_reads_back_and_unknown_text_is_refused() {
        for status in ProposalStatus::ALL {
            assert_eq!(ProposalStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(ProposalStatus::parse("lost"), None);
        assert!(ProposalStatus::Accepted.is_live());
        assert!(!ProposalStatus::Declined.is_live());
    }
}
