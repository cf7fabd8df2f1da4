//! Matching (MAT-1 to MAT-4): turn a programme's accepted requests and its
//! mentor register into profiles, score and exclude every pair, find the
//! optimal assignment, and explain it; then send the proposals to the
//! mentors, who accept or decline.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use tandem_domain::permissions::{
    MatchingAuthority, authorise_matching, authorise_proposal_answer,
};
use tandem_domain::programme::{
    AllocationOrder, CarerLevel, Criterion as SettingCriterion, MentorFacts, Months, Programme,
};
use tandem_domain::proposals::Answer;
use tandem_domain::register::{Availability, RequestStatus};
use tandem_matching::{
    Criterion, ExclusionData, Identity, MenteeRequest, MentorProfile, MentorStatus, Mode, Place,
    SolveOptions, Weights, assess, solve, verify_certificate,
};
use tandem_store::{NewProposal, OverrideRow, ProposalRow, RegisterFilter};

use crate::{App, AppError, Principal};

/// A pair the run proposes, with why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ProposedPair {
    pub request_id: i64,
    pub mentee_name: String,
    pub mentor_entry_id: i64,
    pub mentor_name: String,
    pub score: i64,
    /// One line per criterion that scored.
    pub explanation: Vec<String>,
    /// The coordinator chose this pair, for this reason.
    pub overridden: Option<String>,
}

/// A mentor who could not be paired with a mentee, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RuledOut {
    pub mentor_name: String,
    pub reasons: Vec<String>,
}

/// A waiting mentee the run could not match.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Unmatched {
    pub request_id: i64,
    pub mentee_name: String,
    pub ruled_out: Vec<RuledOut>,
}

/// The outcome of one matching run: a proposal, nothing stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MatchingRun {
    pub programme_id: i64,
    pub programme_name: String,
    pub first_come_first_served: bool,
    pub pairs: Vec<ProposedPair>,
    pub unmatched: Vec<Unmatched>,
    /// Mentees waiting (accepted requests without a live proposal).
    pub waiting: usize,
    pub total_score: i64,
    /// Overrides that could not be applied, and why.
    pub ignored_overrides: Vec<String>,
}

/// Free text lists ("coaching; leadership, change") as lower-case phrases,
/// so that a mentee's needs meet a mentor's expertise however each is
/// capitalised or separated.
fn phrases(text: &str) -> BTreeSet<String> {
    text.split([',', ';', '\n', '/'])
        .map(|p| p.trim().to_lowercase())
        .filter(|p| !p.is_empty())
        .collect()
}

fn criterion(setting: SettingCriterion) -> Criterion {
    match setting {
        SettingCriterion::RelevantExperience => Criterion::Experience,
        SettingCriterion::SpecificRequests => Criterion::SpecificRequests,
        SettingCriterion::StyleAndApproach => Criterion::Style,
        SettingCriterion::ApprovalType => Criterion::ApprovalType,
        SettingCriterion::Household => Criterion::Household,
        SettingCriterion::SpecialInterests => Criterion::SpecialInterests,
        SettingCriterion::Language => Criterion::Language,
        SettingCriterion::Race => Criterion::Race,
        SettingCriterion::Culture => Criterion::Culture,
        SettingCriterion::Religion => Criterion::Religion,
        SettingCriterion::Gender => Criterion::Gender,
        SettingCriterion::Sexuality => Criterion::Sexuality,
        SettingCriterion::Location => Criterion::Location,
        SettingCriterion::OtherOrganisation => Criterion::OtherOrganisation,
        SettingCriterion::OtherJurisdiction => Criterion::OtherJurisdiction,
        SettingCriterion::OtherTeam | SettingCriterion::OtherRegion => Criterion::OtherTeamOrRegion,
    }
}

/// The programme's weights as the engine takes them. Another team and
/// another region are one criterion in the engine; the larger weight wins.
fn weights(programme: &Programme) -> Weights {
    let mut map: BTreeMap<Criterion, i64> = BTreeMap::new();
    for (setting, weight) in programme.matching.weights.iter() {
        let entry = map.entry(criterion(setting)).or_insert(0);
        *entry = (*entry).max(i64::from(weight.get()));
    }
    Weights(map)
}

impl App {
    async fn matching_programme(
        &self,
        programme_id: i64,
    ) -> Result<(String, Programme, Vec<i64>), AppError> {
        let stored = self
            .store
            .programme(programme_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let programme = Programme::from_toml_str(&stored.settings).map_err(|_| {
            AppError::Internal(format!(
                "programme {programme_id} has settings that no longer parse"
            ))
        })?;
        let taking_part = self
            .store
            .programme_organisations(programme_id)
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
        programme_id: i64,
    ) -> Result<MatchingAuthority, AppError> {
        let (_, _, taking_part) = self.matching_programme(programme_id).await?;
        let own = match caller.person_id {
            Some(id) => self.store.person(id).await?.map(|p| p.organisation_id),
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

    /// A run with the overrides in force, plus one more being considered.
    async fn run_matching_with(
        &self,
        authority: &MatchingAuthority,
        extra: Option<&OverrideRow>,
    ) -> Result<MatchingRun, AppError> {
        let programme_id = authority.programme_id();
        let (programme_name, programme, _) = self.matching_programme(programme_id).await?;
        let jurisdictions: HashMap<i64, String> = self
            .store
            .organisations()
            .await?
            .into_iter()
            .map(|o| (o.id, o.jurisdiction))
            .collect();
        let live: HashSet<i64> = self
            .store
            .requests_with_live_proposals(programme_id)
            .await?
            .into_iter()
            .collect();
        let requests: Vec<_> = self
            .store
            .requests_with_status(programme_id, RequestStatus::Accepted, None)
            .await?
            .into_iter()
            .filter(|r| !live.contains(&r.id))
            .filter(|r| authority.covers_mentee_organisation(r.organisation_id))
            .collect();
        let entries = self
            .store
            .mentor_entries(programme_id, &RegisterFilter::default())
            .await?;
        let taken = self.store.live_proposals_per_entry(programme_id).await?;

        // Everyone taking part, and their management chains, in a few
        // queries rather than a few per person.
        let everyone: Vec<i64> = requests
            .iter()
            .map(|r| r.person_id)
            .chain(entries.iter().map(|e| e.person_id))
            .collect();
        let people = self.store.people_by_id(&everyone).await?;
        let chains: BTreeMap<u64, Vec<u64>> = self
            .store
            .management_chains(&everyone)
            .await?
            .into_iter()
            .map(|(id, chain)| (id as u64, chain.into_iter().map(|m| m as u64).collect()))
            .collect();
        let person_of = |id: i64| {
            people
                .get(&id)
                .ok_or_else(|| AppError::Internal(format!("person {id} is missing")))
        };
        let mut mentees = Vec::with_capacity(requests.len());
        for request in &requests {
            let person = person_of(request.person_id)?;
            let mut wishes = BTreeMap::new();
            for (identity, text) in [
                (Identity::Language, &request.language),
                (Identity::Gender, &request.gender),
                (Identity::Culture, &request.culture),
            ] {
                let wanted = phrases(text);
                if !wanted.is_empty() {
                    wishes.insert(identity, wanted);
                }
            }
            mentees.push(MenteeRequest {
                person: request.person_id as u64,
                requested_at: request.created_at.max(0) as u64,
                needs: phrases(&request.help_needed),
                requests: BTreeSet::new(),
                styles: phrases(&request.preferred_style),
                approval_type: person.approval_type.clone(),
                household: person.household.clone(),
                interests: phrases(person.special_interests.as_deref().unwrap_or("")),
                wishes,
                place: Place {
                    organisation: person.organisation.clone(),
                    jurisdiction: jurisdictions
                        .get(&person.organisation_id)
                        .filter(|j| !j.is_empty())
                        .cloned(),
                    team: person.team.clone().unwrap_or_default(),
                    region: person.region.clone(),
                    location: None,
                },
                isolated: false,
                not_with: BTreeSet::new(),
            });
        }
        let mut mentors = Vec::with_capacity(entries.len());
        for entry in &entries {
            let person = person_of(entry.person_id)?;
            let eligibility = programme.mentors.check(&MentorFacts {
                experience_months: entry.experience_months.and_then(|m| Months::parse(m).ok()),
                carer_level: entry.carer_level.and_then(|l| CarerLevel::parse(l).ok()),
                trained: entry.training_completed != 0,
                experience_shown_by_appraisal: entry.experience_shown_by_appraisal != 0,
            });
            let availability =
                Availability::from_stored(&entry.availability, entry.paused_until.as_deref());
            let status = match eligibility {
                Err(reasons) => MentorStatus::Ineligible(
                    reasons
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
                Ok(()) if !availability.open_on(self.today()) => {
                    MentorStatus::Unavailable(match availability.until_text() {
                        Some(until) => format!("paused until {until}"),
                        None => "not taking mentees".to_owned(),
                    })
                }
                Ok(()) => MentorStatus::Available,
            };
            let mut experience = phrases(&entry.expertise);
            experience.extend(phrases(&entry.experience));
            let mut identity = BTreeMap::new();
            let languages = phrases(&entry.languages);
            if !languages.is_empty() {
                identity.insert(Identity::Language, languages);
            }
            mentors.push(MentorProfile {
                person: entry.person_id as u64,
                experience,
                offers: phrases(&entry.interests),
                styles: phrases(&entry.style),
                approval_type: person.approval_type.clone(),
                household: person.household.clone(),
                interests: phrases(&entry.special_interests),
                identity,
                place: Place {
                    organisation: entry.organisation.clone(),
                    jurisdiction: Some(entry.jurisdiction.clone()).filter(|j| !j.is_empty()),
                    team: entry.team.clone().unwrap_or_default(),
                    region: entry.region.clone(),
                    location: Some(entry.location.clone()).filter(|l| !l.is_empty()),
                },
                capacity: u32::try_from(entry.capacity).unwrap_or(0),
                current_mentees: u32::try_from(taken.get(&entry.id).copied().unwrap_or(0))
                    .unwrap_or(u32::MAX),
                status,
            });
        }

        let weights = weights(&programme);
        let exclusion_data = ExclusionData {
            managers: chains,
            conflicts: Vec::new(),
        };
        let assessment = assess(&mentees, &mentors, &weights, &exclusion_data);
        let name_of_mentor =
            |j: usize| format!("{} {}", entries[j].given_name, entries[j].family_name);
        let name_of_mentee =
            |i: usize| format!("{} {}", requests[i].given_name, requests[i].family_name);

        // The coordinator's overrides are fixed first; the rest is optimised
        // around them. An override that breaks a hard exclusion or finds
        // the mentor full is not applied, and the run says why.
        let mut problem = assessment.problem(&mentees, &mentors);
        let mut overrides = self.store.overrides(programme_id).await?;
        if let Some(extra) = extra {
            overrides.retain(|o| o.request_id != extra.request_id);
            overrides.push(extra.clone());
        }
        let mut fixed: Vec<(usize, usize, String)> = Vec::new();
        let mut ignored_overrides = Vec::new();
        for o in &overrides {
            let Some(i) = requests.iter().position(|r| r.id == o.request_id) else {
                continue;
            };
            let Some(j) = entries.iter().position(|e| e.id == o.mentor_entry_id) else {
                continue;
            };
            if let Some(excluded) = assessment
                .excluded
                .iter()
                .find(|e| e.mentee == i && e.mentor == j)
            {
                let reasons: Vec<String> =
                    excluded.reasons.iter().map(ToString::to_string).collect();
                ignored_overrides.push(format!(
                    "{} with {}: {}",
                    name_of_mentee(i),
                    name_of_mentor(j),
                    reasons.join("; ")
                ));
                continue;
            }
            if problem.mentor_capacity[j] == 0 {
                ignored_overrides.push(format!(
                    "{} with {}: the mentor has no free place left",
                    name_of_mentee(i),
                    name_of_mentor(j)
                ));
                continue;
            }
            problem.pairs.retain(|p| p.mentee != i);
            problem.mentor_capacity[j] -= 1;
            fixed.push((i, j, o.reason.clone()));
        }
        let first_come_first_served =
            programme.matching.allocation == AllocationOrder::FirstComeFirstServed;
        let mode = if first_come_first_served {
            Mode::FirstComeFirstServed
        } else {
            Mode::MaxScore
        };
        let options = SolveOptions {
            mode,
            ..SolveOptions::default()
        };
        let solution = solve(&problem, &options)
            .map_err(|e| AppError::Internal(format!("matching failed: {e}")))?;
        verify_certificate(&problem, mode, &solution).map_err(|e| {
            AppError::Internal(format!("the matching certificate did not verify: {e}"))
        })?;

        let name_of_mentor =
            |j: usize| format!("{} {}", entries[j].given_name, entries[j].family_name);
        let name_of_mentee =
            |i: usize| format!("{} {}", requests[i].given_name, requests[i].family_name);
        let ruled_out_for = |i: usize| -> Vec<RuledOut> {
            assessment
                .excluded
                .iter()
                .filter(|e| e.mentee == i)
                .map(|e| RuledOut {
                    mentor_name: name_of_mentor(e.mentor),
                    reasons: e.reasons.iter().map(ToString::to_string).collect(),
                })
                .collect()
        };
        let mut pairs = Vec::new();
        let mut matched = vec![false; mentees.len()];
        let scored = |i: usize, j: usize| {
            assessment
                .admissible
                .iter()
                .find(|p| p.mentee == i && p.mentor == j)
        };
        let mut total_score = solution.total_score;
        let chosen = fixed
            .iter()
            .map(|(i, j, reason)| (*i, *j, Some(reason.clone())))
            .chain(solution.pairs.iter().map(|p| (p.mentee, p.mentor, None)));
        for (i, j, overridden) in chosen {
            matched[i] = true;
            let pair = scored(i, j);
            let score = pair.map_or(0, |p| p.score);
            if overridden.is_some() {
                total_score += score;
            }
            pairs.push(ProposedPair {
                request_id: requests[i].id,
                mentee_name: name_of_mentee(i),
                mentor_entry_id: entries[j].id,
                mentor_name: name_of_mentor(j),
                score,
                explanation: pair
                    .map(|p| p.contributions.iter().map(ToString::to_string).collect())
                    .unwrap_or_default(),
                overridden,
            });
        }
        pairs.sort_by_key(|p| p.request_id);
        let unmatched = (0..mentees.len())
            .filter(|&i| !matched[i])
            .map(|i| Unmatched {
                request_id: requests[i].id,
                mentee_name: name_of_mentee(i),
                ruled_out: ruled_out_for(i),
            })
            .collect();
        Ok(MatchingRun {
            programme_id,
            programme_name,
            first_come_first_served,
            pairs,
            unmatched,
            waiting: mentees.len(),
            total_score,
            ignored_overrides,
        })
    }

    /// Runs matching again and sends its proposals to the mentors (MAT-4):
    /// all of them are stored in one transaction, or none.
    pub async fn send_proposals(
        &self,
        authority: &MatchingAuthority,
    ) -> Result<(MatchingRun, Vec<i64>), AppError> {
        let run = self.run_matching(authority).await?;
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
                    .collect(),
            })
            .collect();
        let ids = self
            .store
            .create_proposals(authority, &proposals)
            .await
            .map_err(|e| match e {
                tandem_store::StoreError::Conflict(message) => {
                    AppError::invalid("proposals", message)
                }
                other => AppError::Store(other),
            })?;
        Ok((run, ids))
    }

    /// The coordinator chooses the mentor for one waiting request, with a
    /// reason (recorded). A pair that a hard exclusion forbids, or a mentor
    /// with no free place, is refused and nothing is recorded.
    pub async fn override_pair(
        &self,
        authority: &MatchingAuthority,
        request_id: i64,
        mentor_entry_id: i64,
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
        let entry = self.store.mentor_entry(mentor_entry_id).await?;
        if entry.is_none_or(|e| e.programme_id != authority.programme_id()) {
            return Err(AppError::invalid(
                "mentor",
                "Choose a mentor from this programme's register",
            ));
        }
        // One run with the choice added answers both questions: is the
        // request waiting, and can the pair be made?
        let candidate = OverrideRow {
            id: 0,
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
            .put_override(authority, request_id, mentor_entry_id, reason)
            .await?;
        Ok(())
    }

    /// Proposals waiting for the caller's answer as a mentor.
    pub async fn proposals_to_answer(
        &self,
        caller: &Principal,
    ) -> Result<Vec<ProposalRow>, AppError> {
        match caller.person_id {
            Some(person) => Ok(self.store.proposals_awaiting_mentor(person).await?),
            None => Ok(Vec::new()),
        }
    }

    /// One proposal, for its mentor only: the request's details are for
    /// the mentor who is asked (MAT-4), not for anyone else.
    pub async fn proposal_for_mentor(
        &self,
        caller: &Principal,
        id: i64,
    ) -> Result<ProposalRow, AppError> {
        let proposal = self.store.proposal(id).await?.ok_or(AppError::NotFound)?;
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
        id: i64,
    ) -> Result<(ProposalRow, tandem_store::RequestRow), AppError> {
        let proposal = self.proposal_for_mentor(caller, id).await?;
        let request = self
            .store
            .request(proposal.request_id)
            .await?
            .ok_or(AppError::NotFound)?;
        Ok((proposal, request))
    }

    /// A programme's proposals so far, for the requests the caller matches.
    pub async fn programme_proposals(
        &self,
        authority: &MatchingAuthority,
    ) -> Result<Vec<ProposalRow>, AppError> {
        let mut proposals = self
            .store
            .programme_proposals(authority.programme_id())
            .await?;
        proposals.retain(|p| authority.covers_mentee_organisation(p.mentee_organisation_id));
        Ok(proposals)
    }

    /// The name of the mentee of one request the caller matches for, for
    /// choosing their mentor by hand; any other request is "not found".
    pub async fn request_to_match(
        &self,
        authority: &MatchingAuthority,
        request_id: i64,
    ) -> Result<String, AppError> {
        let request = self
            .store
            .request(request_id)
            .await?
            .filter(|r| r.programme_id == authority.programme_id())
            .filter(|r| authority.covers_mentee_organisation(r.organisation_id))
            .ok_or(AppError::NotFound)?;
        Ok(format!("{} {}", request.given_name, request.family_name))
    }

    /// The programme's register, for choosing a mentor by hand.
    pub async fn register_for_matching(
        &self,
        authority: &MatchingAuthority,
    ) -> Result<Vec<tandem_store::MentorEntryRow>, AppError> {
        Ok(self
            .store
            .mentor_entries(authority.programme_id(), &RegisterFilter::default())
            .await?)
    }

    /// The mentor accepts or declines, with a reason from the list.
    pub async fn answer_proposal(
        &self,
        caller: &Principal,
        id: i64,
        answer: &Answer,
    ) -> Result<(), AppError> {
        let proposal = self.proposal_for_mentor(caller, id).await?;
        let authority = authorise_proposal_answer(caller, proposal.id, proposal.mentor_person_id)
            .map_err(|_| AppError::NotFound)?;
        let answered = self.store.answer_proposal(&authority, answer).await?;
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
