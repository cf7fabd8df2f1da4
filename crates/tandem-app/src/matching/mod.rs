//! Matching (MAT-1 to MAT-4): turn a programme's accepted requests and its
//! mentor register into profiles, score and exclude every pair, find the
//! optimal assignment, and explain it; then send the proposals to the
//! mentors, who accept or decline.
//!
//! `profiles` turns stored requests and register entries into the
//! engine's profiles, `overrides` fixes the coordinator's choices, and
//! `run` loads what a run needs and puts the pieces together; this module
//! holds the run's public types and the use cases around it.

mod overrides;
mod profiles;
mod run;
mod stored;

pub(crate) use stored::RunsInProgress;
pub use stored::{RUN_PAGE_SIZE, Sending, StoredRun};

use tandem_domain::ids::{
    MentorEntryId, OrganisationId, OverrideId, ProgrammeId, ProposalId, RequestId,
};
use tandem_domain::permissions::{
    MatchingAuthority, authorise_matching, authorise_proposal_answer,
};
use tandem_domain::programme::Programme;
use tandem_domain::proposals::Answer;
use tandem_store::{NewProposal, OverrideRow, ProposalRow, RegisterFilter};

use crate::{App, AppError, Principal};

/// A pair the run proposes, with why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ProposedPair {
    pub request_id: RequestId,
    pub mentee_name: String,
    pub mentor_entry_id: MentorEntryId,
    pub mentor_name: String,
    pub score: i64,
    /// One line per criterion that scored.
    pub explanation: Vec<String>,
    /// The coordinator chose this pair, for this reason.
    pub overridden: Option<String>,
    /// The mentee named this mentor in their request, where mentees choose
    /// from the register (CWT), and the pair was fixed for them.
    pub named_by_mentee: bool,
}

/// A mentor who could not be paired with a mentee, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RuledOut {
    pub mentor_name: String,
    pub reasons: Vec<String>,
}

/// A waiting mentee the run could not match.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Unmatched {
    pub request_id: RequestId,
    pub mentee_name: String,
    /// Mentors who could take someone, but not this mentee, and why
    /// (mentors who can take nobody are in [`MatchingRun::closed_mentors`]).
    pub ruled_out: Vec<RuledOut>,
    /// Mentors who could have been paired with them, whose places went to
    /// other mentees in the best outcome for everyone.
    pub could_have: usize,
}

/// Mentors on the register who can take nobody in a run, for one reason.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ClosedMentors {
    /// Why, in words: "no free place left", "not eligible: …".
    pub reason: String,
    pub count: usize,
}

/// The outcome of one matching run: a proposal, nothing stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MatchingRun {
    pub programme_id: ProgrammeId,
    pub programme_name: String,
    pub first_come_first_served: bool,
    pub pairs: Vec<ProposedPair>,
    pub unmatched: Vec<Unmatched>,
    /// Mentees waiting (accepted requests without a live proposal).
    pub waiting: usize,
    pub total_score: i64,
    /// Overrides that could not be applied, and why.
    pub ignored_overrides: Vec<String>,
    /// Mentors named by mentees who cannot be proposed, and why ("A with
    /// B: the mentor has no free place left"); those mentees are matched
    /// as everyone else is.
    pub named_not_proposed: Vec<String>,
    /// Mentors who can take nobody in this run, by why, most first.
    pub closed_mentors: Vec<ClosedMentors>,
}

/// A request a coordinator chooses a mentor for, with what the mentee
/// asked of their mentor: a choice against it is made knowingly.
#[derive(Debug, Clone)]
pub struct RequestToMatch {
    pub name: String,
    pub organisation_id: tandem_domain::ids::OrganisationId,
    /// What the mentee prefers, in words ("a mentor from another team").
    pub wishes: Vec<&'static str>,
    pub other_organisation: bool,
    /// The mentee's team, where they asked for a mentor from another.
    pub other_team: Option<String>,
    /// The mentor the mentee named, where the programme lets them.
    pub named_mentor: Option<tandem_domain::ids::MentorEntryId>,
}

/// Mentors listed a page at a time for choosing one by hand.
pub const MENTORS_PER_PAGE: i64 = 50;

/// A page of the register for choosing a mentor by hand.
#[derive(Debug, Clone)]
pub struct MentorsToChoose {
    pub mentors: Vec<MatchableMentor>,
    /// How many mentors the search finds in all.
    pub total: i64,
    /// This page, from 1.
    pub page: i64,
}

impl MentorsToChoose {
    /// How many pages the search fills (at least 1).
    pub fn pages(&self) -> i64 {
        crate::page_count(self.total, MENTORS_PER_PAGE)
    }
}

/// A mentor on the register, as a coordinator choosing one sees them:
/// with whatever makes them ineligible for the programme (nothing when
/// they can be matched).
#[derive(Debug, Clone)]
pub struct MatchableMentor {
    pub entry: tandem_store::MentorEntryRow,
    pub ineligible: Vec<tandem_domain::programme::MentorIneligibility>,
}

impl App {
    pub(crate) async fn matching_programme(
        &self,
        programme_id: ProgrammeId,
    ) -> Result<(String, Programme, Vec<OrganisationId>), AppError> {
        let stored = self
            .store
            .programmes()
            .get(programme_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let programme = self.parsed_settings(&stored)?;
        let taking_part = self
            .store
            .programmes()
            .organisations(programme_id)
            .await?
            .iter()
            .map(|o| o.id)
            .collect();
        Ok((stored.name, programme, taking_part))
    }

    /// The caller's authority to run matching for a programme: "not found"
    /// if they cannot see it, "forbidden" if they may only read it.
    pub async fn matching_authority(
        &self,
        caller: &Principal,
        programme_id: ProgrammeId,
    ) -> Result<MatchingAuthority, AppError> {
        let (_, _, taking_part) = self.matching_programme(programme_id).await?;
        let own = match caller.person_id {
            Some(id) => self
                .store
                .people()
                .get(id)
                .await?
                .map(|p| p.organisation_id),
            None => None,
        };
        if tandem_domain::permissions::programme_access(caller, programme_id, &taking_part, own)
            .is_none()
        {
            return Err(AppError::NotFound);
        }
        Ok(authorise_matching(caller, programme_id, &taking_part, own)?)
    }

    /// Proposes the best set of matches for everyone waiting (MAT-3):
    /// hard exclusions first, then the weighted score of every admissible
    /// pair, then the optimal assignment within each mentor's free places,
    /// first come first served where the programme says so.
    pub async fn run_matching(
        &self,
        authority: &MatchingAuthority,
    ) -> Result<MatchingRun, AppError> {
        self.run_matching_with(authority, None).await
    }

    /// Runs matching again and sends its proposals to the mentors (MAT-4):
    /// all of them are stored in one transaction, or none.
    pub async fn send_proposals(
        &self,
        authority: &MatchingAuthority,
    ) -> Result<(MatchingRun, Vec<ProposalId>), AppError> {
        let run = self.run_matching(authority).await?;
        let ids = self.send_run(authority, &run).await?;
        Ok((run, ids))
    }

    /// Sends a run's proposals to the mentors, all in one transaction or
    /// none.
    async fn send_run(
        &self,
        authority: &MatchingAuthority,
        run: &MatchingRun,
    ) -> Result<Vec<ProposalId>, AppError> {
        let proposals: Vec<NewProposal> = run
            .pairs
            .iter()
            .map(|p| NewProposal {
                request_id: p.request_id,
                mentor_entry_id: p.mentor_entry_id,
                score: p.score,
                explanation: p
                    .explanation
                    .iter()
                    .cloned()
                    .chain(
                        p.overridden
                            .as_ref()
                            .map(|reason| format!("chosen by the coordinator: {reason}")),
                    )
                    .chain(
                        p.named_by_mentee
                            .then(|| "named by the mentee in their request".to_owned()),
                    )
                    .collect(),
            })
            .collect();
        let ids = self
            .store
            .proposals()
            .create(authority, &proposals)
            .await
            .map_err(|e| match e {
                tandem_store::StoreError::Conflict(message) => {
                    AppError::invalid("proposals", message)
                }
                other => AppError::Store(other),
            })?;
        Ok(ids)
    }

    /// The coordinator chooses the mentor for one waiting request, with a
    /// reason (recorded). A pair that a hard exclusion forbids, or a mentor
    /// with no free place, is refused and nothing is recorded.
    pub async fn override_pair(
        &self,
        authority: &MatchingAuthority,
        request_id: RequestId,
        mentor_entry_id: MentorEntryId,
        reason: &str,
    ) -> Result<(), AppError> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(AppError::invalid(
                "reason",
                "Say why you are choosing this mentor",
            ));
        }
        if reason.chars().count() > 2_000 {
            return Err(AppError::invalid(
                "reason",
                "Keep the reason to 2,000 characters or fewer",
            ));
        }
        // A request of an organisation the caller does not match for is
        // "not found", whatever its state.
        self.request_to_match(authority, request_id).await?;
        let entry = self.store.register().get(mentor_entry_id).await?;
        if entry.is_none_or(|e| e.programme_id != authority.programme_id()) {
            return Err(AppError::invalid(
                "mentor",
                "Choose a mentor from this programme's register",
            ));
        }
        // One run with the choice added answers both questions: is the
        // request waiting, and can the pair be made?
        let candidate = OverrideRow {
            id: OverrideId::new(0),
            request_id,
            mentor_entry_id,
            reason: reason.to_owned(),
        };
        let trial = self.run_matching_with(authority, Some(&candidate)).await?;
        let waiting = trial
            .pairs
            .iter()
            .map(|p| p.request_id)
            .chain(trial.unmatched.iter().map(|u| u.request_id))
            .any(|id| id == request_id);
        if !waiting {
            return Err(AppError::invalid(
                "request",
                "This request is not waiting for a mentor in this programme",
            ));
        }
        let applied = trial.pairs.iter().any(|p| {
            p.request_id == request_id
                && p.mentor_entry_id == mentor_entry_id
                && p.overridden.is_some()
        });
        if !applied {
            let why = trial
                .ignored_overrides
                .last()
                .cloned()
                .unwrap_or_else(|| "this pair cannot be made".to_owned());
            return Err(AppError::invalid(
                "mentor",
                format!("This mentor cannot be chosen: {why}"),
            ));
        }
        self.store
            .proposals()
            .put_override(authority, request_id, mentor_entry_id, reason)
            .await?;
        // The trial is the run with the choice in force: the page shows it.
        self.store_run(authority, &trial).await?;
        Ok(())
    }

    /// Proposals waiting for the caller's answer as a mentor.
    pub async fn proposals_to_answer(
        &self,
        caller: &Principal,
    ) -> Result<Vec<ProposalRow>, AppError> {
        match caller.person_id {
            Some(person) => Ok(self.store.proposals().awaiting_mentor(person).await?),
            None => Ok(Vec::new()),
        }
    }

    /// One proposal, for its mentor only: the request's details are for
    /// the mentor who is asked (MAT-4), not for anyone else.
    pub async fn proposal_for_mentor(
        &self,
        caller: &Principal,
        id: ProposalId,
    ) -> Result<ProposalRow, AppError> {
        let proposal = self
            .store
            .proposals()
            .get(id)
            .await?
            .ok_or(AppError::NotFound)?;
        if !tandem_domain::permissions::may_answer_proposal(caller, proposal.mentor_person_id) {
            return Err(AppError::NotFound);
        }
        Ok(proposal)
    }

    /// A proposal with the request it answers, for the mentor asked: they
    /// see the request before the match is final (MAT-4).
    pub async fn proposal_with_request(
        &self,
        caller: &Principal,
        id: ProposalId,
    ) -> Result<(ProposalRow, tandem_store::RequestRow), AppError> {
        let proposal = self.proposal_for_mentor(caller, id).await?;
        if !tandem_domain::permissions::may_read_proposed_request(
            caller,
            proposal.mentor_person_id,
            proposal.status,
        ) {
            return Err(AppError::NotFound);
        }
        let request = self
            .store
            .requests()
            .get(proposal.request_id)
            .await?
            .ok_or(AppError::NotFound)?;
        Ok((proposal, request))
    }

    /// A programme's latest `limit` proposals, newest first, for the
    /// requests the caller matches; and whether there are more.
    pub async fn programme_proposals(
        &self,
        authority: &MatchingAuthority,
        limit: i64,
    ) -> Result<(Vec<ProposalRow>, bool), AppError> {
        Ok(self
            .store
            .proposals()
            .latest_of_programme(
                authority.programme_id(),
                authority.mentee_organisations(),
                limit,
            )
            .await?)
    }

    /// The name of the mentee of one request the caller matches for, for
    /// choosing their mentor by hand; any other request is "not found".
    pub async fn request_to_match(
        &self,
        authority: &MatchingAuthority,
        request_id: RequestId,
    ) -> Result<RequestToMatch, AppError> {
        let request = self
            .store
            .requests()
            .get(request_id)
            .await?
            .filter(|r| r.programme_id == authority.programme_id())
            .filter(|r| authority.covers_mentee_organisation(r.organisation_id))
            .ok_or(AppError::NotFound)?;
        let wishes = [
            (request.other_team, "a mentor from another team"),
            (request.other_region, "a mentor from another region"),
            (
                request.other_organisation,
                "a mentor from another organisation",
            ),
            (
                request.other_jurisdiction,
                "a mentor from another jurisdiction",
            ),
        ]
        .into_iter()
        .filter(|(wished, _)| *wished)
        .map(|(_, wish)| wish)
        .collect();
        Ok(RequestToMatch {
            name: format!("{} {}", request.given_name, request.family_name),
            organisation_id: request.organisation_id,
            wishes,
            other_organisation: request.other_organisation,
            other_team: request.other_team.then(|| request.team.clone()).flatten(),
            named_mentor: request.named_mentor_id,
        })
    }

    /// A page of the programme's register, for choosing a mentor by hand:
    /// mentors whose name contains `name` (all when empty), in name order,
    /// `MENTORS_PER_PAGE` a page from `page` (from 1), each with whatever
    /// makes them ineligible; and how many match in all.
    pub async fn register_for_matching(
        &self,
        authority: &MatchingAuthority,
        name: &str,
        page: i64,
    ) -> Result<MentorsToChoose, AppError> {
        let (_, programme, _) = self.matching_programme(authority.programme_id()).await?;
        let filter = RegisterFilter {
            name: Some(name.trim().to_owned()).filter(|n| !n.is_empty()),
            ..RegisterFilter::default()
        };
        let page = page.max(1);
        let (entries, total) = self
            .store
            .register()
            .list_page(
                authority.programme_id(),
                &filter,
                &authority.register_scope(),
                MENTORS_PER_PAGE,
                (page - 1).saturating_mul(MENTORS_PER_PAGE),
            )
            .await?;
        let mentors = entries
            .into_iter()
            .map(|entry| {
                let carer_level = entry
                    .carer_level
                    .and_then(|l| tandem_domain::programme::CarerLevel::parse(l).ok());
                let ineligible = crate::register::profile_of(&entry).eligibility(
                    &programme,
                    carer_level,
                    crate::register::contracted(&entry),
                );
                MatchableMentor { entry, ineligible }
            })
            .collect();
        Ok(MentorsToChoose {
            mentors,
            total,
            page,
        })
    }

    /// The mentor accepts or declines, with a reason from the list.
    pub async fn answer_proposal(
        &self,
        caller: &Principal,
        id: ProposalId,
        answer: &Answer,
    ) -> Result<(), AppError> {
        let proposal = self.proposal_for_mentor(caller, id).await?;
        let authority = authorise_proposal_answer(caller, proposal.id, proposal.mentor_person_id)
            .map_err(|_| AppError::NotFound)?;
        let data_key = self.vault.new_relationship_key(proposal.id)?;
        let answered = self
            .store
            .proposals()
            .answer(&authority, answer, &data_key)
            .await?;
        if answered {
            Ok(())
        } else {
            Err(AppError::invalid(
                "answer",
                "This proposal has already been answered",
            ))
        }
    }
}
