//! What the pair and those the programme names do in a relationship: each
//! write checks the permission decision, then the domain's rules, then
//! writes in one transaction. A refusal is a plain sentence
//! ([`AppError::Refused`]); a mistake in a form names the field.

use tandem_domain::permissions::authorise_self_assessment;
use tandem_domain::permissions::relationships::{
    RelationshipAccess, RelationshipContentAuthority, RelationshipPartAuthority, authorise_content,
    authorise_part,
};
use tandem_domain::permissions::{Operator, Principal};
use tandem_domain::programme::{Minutes, Party};
use tandem_domain::register::{Phase, check_answers};
use tandem_domain::relationship::agreement::{
    Agreement, AgreementInput, AgreementVersion, Clause, Revision, check_signing, hash_hex,
    parse_hash_hex,
};
use tandem_domain::relationship::meetings::{MeetingInput, MeetingRecord};
use tandem_domain::relationship::plan::{ActionPlan, ActionPlanInput, ActionPointInput};
use tandem_domain::relationship::rematch::rematch;
use tandem_domain::relationship::stages::{StageInput, check_stage};
use tandem_domain::relationship::{Event, FieldError as DomainFieldError, Refused, State, apply};
use tandem_domain::relationship::{MeetingId, RelationshipId};
use tandem_store::{NewEvent, NewIntroduction, NewMeeting, NewVersion, RequestAfter};

use super::Loaded;
use super::view::{
    CLOSING_SUPERVISION, evidence, in_force, section_item, signature_item, terms_of,
};
use crate::vault::Sealed;
use crate::{App, AppError, FieldError};

/// A step of the state machine someone asks for. `Agree` and `Complete`
/// carry nothing: whether the agreement is in force and what completion
/// has are read from what is recorded, never from the form.
#[derive(Debug, Clone)]
pub enum StepRequest {
    /// Any event but agree and complete, as the form gave it.
    Event(Event),
    /// Agree to go ahead after the introduction (AGR-2).
    Agree,
    /// Complete at the closing review (LIF-3).
    Complete,
}

/// The agreement form.
pub type AgreementForm = AgreementInput;

/// The introductory meeting as arranged (AGR-1).
#[derive(Debug, Clone, Default)]
pub struct IntroductionInput {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// `HH:MM`.
    pub time: String,
    pub minutes: String,
    pub place: String,
}

/// A meeting that was called off (MTG-4): when it was to be, and the new
/// date if one was arranged.
#[derive(Debug, Clone, Default)]
pub struct CancellationInput {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// `HH:MM`.
    pub time: String,
    /// `YYYY-MM-DD`, or empty.
    pub new_date: String,
}

/// A change to a meeting's record: agree it, or (its writer) rewrite it.
#[derive(Debug, Clone)]
pub enum MeetingRecordChange {
    Agree,
    Rewrite {
        notes: String,
        action_points: Vec<ActionPointInput>,
    },
}

/// One completion item someone records (LIF-3).
#[derive(Debug, Clone)]
pub enum CompletionStep {
    /// An answer to a section of a completion form.
    Answer { item: String, text: String },
    /// A signature of a form, or the closing supervision.
    Confirm { item: String },
    /// The mentee's second self-assessment (CWT 2.2.7).
    AfterSelfAssessment { answers: Vec<String> },
}

fn invalid(errors: Vec<DomainFieldError>) -> AppError {
    AppError::Invalid(
        errors
            .into_iter()
            .map(|error| FieldError {
                field: error.field,
                message: error.message,
            })
            .collect(),
    )
}

impl From<Refused> for AppError {
    fn from(refused: Refused) -> AppError {
        AppError::Refused(refused.message().to_owned())
    }
}

/// Who acts: the signed-in caller, whose part the permission decision
/// finds, or the operator (the demo loader) acting in a part it names.
pub(crate) enum Acting<'a> {
    Caller(&'a Principal),
    Operator(&'a Operator, Party),
}

impl App {
    async fn load_acting(
        &self,
        acting: &Acting<'_>,
        id: RelationshipId,
    ) -> Result<Loaded, AppError> {
        match acting {
            Acting::Caller(caller) => self.load_relationship(caller, id).await,
            Acting::Operator(_, party) => {
                let row = self
                    .store
                    .relationships()
                    .get(id)
                    .await?
                    .ok_or(AppError::NotFound)?;
                let access = operator_access(*party);
                self.loaded_as(row, |_| Some(access)).await
            }
        }
    }

    fn party_authority(
        &self,
        acting: &Acting<'_>,
        loaded: &Loaded,
    ) -> Result<RelationshipPartAuthority, AppError> {
        match acting {
            Acting::Caller(caller) => authorise_part(caller, &loaded.facts).map_err(|_| {
                AppError::Refused(
                    "Only those who take part in this relationship can do this.".into(),
                )
            }),
            Acting::Operator(operator, party) => {
                Ok(operator.relationship_part(loaded.facts.relationship_id, *party))
            }
        }
    }

    fn content_authority(
        &self,
        acting: &Acting<'_>,
        loaded: &Loaded,
    ) -> Result<RelationshipContentAuthority, AppError> {
        let refused = || AppError::Refused("Only the mentee and the mentor can do this.".into());
        match acting {
            Acting::Caller(caller) => {
                authorise_content(caller, &loaded.facts).map_err(|_| refused())
            }
            Acting::Operator(operator, party @ (Party::Mentee | Party::Mentor)) => {
                Ok(operator.relationship_content(loaded.facts.relationship_id, *party))
            }
            Acting::Operator(..) => Err(refused()),
        }
    }

    fn self_assessment_authority(
        &self,
        acting: &Acting<'_>,
        facts: &tandem_domain::permissions::RequestFacts,
        request_id: tandem_domain::ids::RequestId,
    ) -> Result<tandem_domain::permissions::SelfAssessmentAuthority, AppError> {
        let refused = || AppError::Refused("Only the mentee answers the self-assessment.".into());
        match acting {
            Acting::Caller(caller) => {
                authorise_self_assessment(caller, facts, request_id).map_err(|_| refused())
            }
            Acting::Operator(operator, Party::Mentee) => Ok(operator.self_assessment(request_id)),
            Acting::Operator(..) => Err(refused()),
        }
    }

    /// Moves the relationship on (LIF-1): the state machine decides whether
    /// the caller, in their part, may; the event is appended with the new
    /// state in one transaction.
    pub(crate) async fn relationship_step_as(
        &self,
        acting: &Acting<'_>,
        id: RelationshipId,
        step: StepRequest,
    ) -> Result<State, AppError> {
        let loaded = self.load_acting(acting, id).await?;
        let authority = self.party_authority(acting, &loaded)?;
        let repo = self.store.relationships();
        let event = match step {
            StepRequest::Event(Event::Agree { .. } | Event::Complete(_)) => {
                return Err(AppError::Refused(
                    "Agreeing and completing are their own steps.".into(),
                ));
            }
            StepRequest::Event(event) => event,
            StepRequest::Agree => {
                let versions = repo.agreement_versions(id).await?;
                let signatures = repo.signatures(id).await?;
                Event::Agree {
                    agreement_in_force: in_force(&loaded.rules, &versions, &signatures),
                }
            }
            StepRequest::Complete => {
                let items = repo.completion(id).await?;
                let after = match &loaded.rules.completion.after_self_assessment {
                    Some(key) => self
                        .store
                        .requests()
                        .self_assessment(loaded.row.request_id, key.as_str(), Phase::After)
                        .await?
                        .is_some(),
                    None => false,
                };
                Event::Complete(evidence(&loaded.rules, &items, after))
            }
        };
        let from = loaded.row.state;
        let party = authority.party();
        let to = apply(from, &event, party, &loaded.rules)?;
        let request_after = rematch(&loaded.rules, &event).map(|rematch| {
            if rematch.back_to_matching {
                RequestAfter::BackToMatching
            } else {
                RequestAfter::Closed
            }
        });
        let kind = event.as_str();
        let (public, words) = event.split_words();
        let sealed_words = match words {
            Some(words) => {
                // Only the pair leave or record a No Match in their own
                // words; someone else's event carries none.
                let content = self.content_authority(acting, &loaded)?;
                let key =
                    self.vault
                        .for_pair(&content, loaded.row.proposal_id, &loaded.row.data_key)?;
                Some(key.seal(Sealed::Words, &words)?)
            }
            None => None,
        };
        let event_json = serde_json::to_string(&public)
            .map_err(|error| AppError::Internal(format!("cannot encode an event: {error}")))?;
        let today = self.today().to_string();
        repo.append(
            &authority,
            &NewEvent {
                at: self.now(),
                party,
                from,
                to,
                kind,
                event: &event_json,
                sealed_words: sealed_words.as_deref(),
                agreed_on: (to == State::Agreed && from == State::Introduced)
                    .then_some(today.as_str()),
                request_after,
            },
        )
        .await?;
        Ok(to)
    }

    /// Arranges the introductory meeting (AGR-1), as the programme names:
    /// the mentee in CWT, the supervising social worker in AFC.
    pub(crate) async fn arrange_introduction_as(
        &self,
        acting: &Acting<'_>,
        id: RelationshipId,
        input: &IntroductionInput,
    ) -> Result<(), AppError> {
        let loaded = self.load_acting(acting, id).await?;
        let authority = self.party_authority(acting, &loaded)?;
        let rules = &loaded.rules;
        if loaded.row.state != State::Introduced {
            return Err(AppError::Refused(
                "The introduction is over: it can no longer be arranged.".into(),
            ));
        }
        if !rules.may_arrange_introduction(authority.party()) {
            let who = rules.introduction.arranged_by.map_or(
                "the mentee or the mentor",
                tandem_domain::relationship::party_name,
            );
            return Err(AppError::Refused(format!(
                "In this programme {who} arranges the introductory meeting."
            )));
        }
        let mut errors = Vec::new();
        let date = super::parse_date(input.date.trim());
        if date.is_none() {
            errors.push(FieldError {
                field: "date".into(),
                message: "Enter the date in the form 2025-03-31".into(),
            });
        }
        let time = input.time.trim();
        let time_ok = time.len() == 5
            && time::Time::parse(time, time::macros::format_description!("[hour]:[minute]"))
                .is_ok();
        if !time_ok {
            errors.push(FieldError {
                field: "time".into(),
                message: "Enter the time in the form 14:30".into(),
            });
        }
        let minutes = match input.minutes.trim().parse::<i64>() {
            Ok(m) if Minutes::parse(m).is_ok() && (5..=480).contains(&m) => m,
            _ => {
                errors.push(FieldError {
                    field: "minutes".into(),
                    message: "Enter how long it lasts in minutes, from 5 to 480".into(),
                });
                0
            }
        };
        let place = input.place.trim();
        if place.is_empty() {
            errors.push(FieldError {
                field: "place".into(),
                message: "Enter where you will meet, or how (for example, by video)".into(),
            });
        } else if place.chars().count() > 200 {
            errors.push(FieldError {
                field: "place".into(),
                message: "Keep the place to 200 characters or fewer".into(),
            });
        }
        if let Some(date) = date
            && date < self.today()
        {
            errors.push(FieldError {
                field: "date".into(),
                message: "The introductory meeting must be today or later".into(),
            });
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let mut attending = vec![Party::Mentee, Party::Mentor];
        for party in &rules.introduction.also_attending {
            if !attending.contains(party) {
                attending.push(*party);
            }
        }
        let meets_at = format!("{}T{time}", input.date.trim());
        self.store
            .relationships()
            .arrange_introduction(
                &authority,
                &NewIntroduction {
                    meets_at: &meets_at,
                    minutes,
                    place,
                    attending: &attending,
                },
            )
            .await?;
        Ok(())
    }

    /// Drafts or changes the agreement (AGR-3 to AGR-5): a change before
    /// anyone signs redrafts the version; after, it makes a new version
    /// with no signatures.
    pub(crate) async fn save_agreement_as(
        &self,
        acting: &Acting<'_>,
        id: RelationshipId,
        input: &AgreementInput,
    ) -> Result<(), AppError> {
        let loaded = self.load_acting(acting, id).await?;
        if loaded.row.state.is_ended() {
            return Err(AppError::Refused(
                "This relationship has ended, so its agreement no longer changes.".into(),
            ));
        }
        let authority = self.content_authority(acting, &loaded)?;
        if !loaded.rules.may_draft_agreement(authority.party()) {
            let drafter = loaded.rules.agreement.drafted_by.map_or(
                "the mentee or the mentor",
                tandem_domain::relationship::party_name,
            );
            return Err(AppError::Refused(format!(
                "In this programme {drafter} drafts the agreement."
            )));
        }
        let key = self
            .vault
            .for_pair(&authority, loaded.row.proposal_id, &loaded.row.data_key)?;
        let draft = input
            .check(&loaded.rules, loaded.started_on())
            .map_err(invalid)?;
        let repo = self.store.relationships();
        let rows = repo.agreement_versions(id).await?;
        let signatures = repo.signatures(id).await?;
        let mut versions = Vec::with_capacity(rows.len());
        for row in &rows {
            let clauses: Vec<Clause> = key.open_json(Sealed::Clauses, &row.sealed_clauses)?;
            versions.push(AgreementVersion {
                number: u32::try_from(row.number).unwrap_or(0),
                draft: tandem_domain::relationship::agreement::AgreementDraft {
                    clauses,
                    terms: terms_of(row)?,
                },
                drafted_by: row.drafted_by,
                at: row.at,
                signatures: signatures
                    .iter()
                    .filter(|s| s.number == row.number)
                    .map(|s| {
                        Ok(tandem_domain::relationship::agreement::Signature {
                            party: s.party,
                            actor: s.account_id.into(),
                            at: s.at,
                            hash: parse_hash_hex(&s.hash).ok_or_else(|| {
                                AppError::Internal(format!(
                                    "relationship {id}: a signature's hash is not one Tandem wrote"
                                ))
                            })?,
                        })
                    })
                    .collect::<Result<_, AppError>>()?,
            });
        }
        let mut agreement = Agreement::from_versions(versions);
        let revision = agreement.revise(draft, authority.party(), self.now(), &loaded.rules)?;
        let Some(current) = agreement.current() else {
            return Ok(());
        };
        let hash = hash_hex(&current.hash());
        let terms = serde_json::to_string(&current.draft.terms)
            .map_err(|error| AppError::Internal(format!("cannot encode terms: {error}")))?;
        let sealed = key.seal_json(Sealed::Clauses, &current.draft.clauses)?;
        let version = NewVersion {
            number: i64::from(current.number),
            drafted_by: authority.party(),
            hash: &hash,
            terms: &terms,
            sealed_clauses: &sealed,
        };
        match revision {
            Revision::Unchanged => {}
            Revision::Redrafted { .. } => repo.redraft_version(&authority, &version).await?,
            Revision::NewVersion { .. } => repo.add_version(&authority, &version).await?,
        }
        Ok(())
    }

    /// Signs the current version of the agreement, as the version read.
    pub(crate) async fn sign_agreement_as(
        &self,
        acting: &Acting<'_>,
        id: RelationshipId,
        version_read: u32,
    ) -> Result<(), AppError> {
        let loaded = self.load_acting(acting, id).await?;
        if loaded.row.state.is_ended() {
            return Err(AppError::Refused(
                "This relationship has ended, so its agreement is no longer signed.".into(),
            ));
        }
        let authority = self.party_authority(acting, &loaded)?;
        let repo = self.store.relationships();
        let versions = repo.agreement_versions(id).await?;
        let signatures = repo.signatures(id).await?;
        let current = versions.last();
        let already = current.is_some_and(|c| {
            signatures
                .iter()
                .any(|s| s.number == c.number && s.party == authority.party())
        });
        check_signing(
            &loaded.rules,
            authority.party(),
            current.map(|c| u32::try_from(c.number).unwrap_or(0)),
            version_read,
            already,
        )?;
        let Some(current) = current else {
            return Err(AppError::Refused(
                "There is no agreement to sign yet.".into(),
            ));
        };
        repo.sign(&authority, current.number, &current.hash).await?;
        Ok(())
    }

    /// Records a meeting (MTG-1, MTG-2). In a programme that keeps no notes
    /// (CWT), a meeting that carries notes is refused, never stored.
    pub(crate) async fn record_meeting_as(
        &self,
        acting: &Acting<'_>,
        id: RelationshipId,
        input: &MeetingInput,
    ) -> Result<MeetingId, AppError> {
        let ids = self
            .record_meetings_as(acting, id, std::slice::from_ref(input))
            .await?;
        ids.first()
            .copied()
            .ok_or_else(|| AppError::Internal("no meeting was recorded".into()))
    }

    /// Records several meetings of one relationship, all or none: each is
    /// checked as [`App::record_meeting`] checks one, and their action
    /// points roll into the plan in the order given.
    pub(crate) async fn record_meetings_as(
        &self,
        acting: &Acting<'_>,
        id: RelationshipId,
        inputs: &[MeetingInput],
    ) -> Result<Vec<MeetingId>, AppError> {
        let loaded = self.load_acting(acting, id).await?;
        if !loaded.row.state.is_active() {
            return Err(AppError::Refused(
                "Meetings are recorded while the relationship is agreed and active.".into(),
            ));
        }
        let authority = self.content_authority(acting, &loaded)?;
        let key = self
            .vault
            .for_pair(&authority, loaded.row.proposal_id, &loaded.row.data_key)?;
        let today = self.today();
        let mut entries = Vec::with_capacity(inputs.len());
        for input in inputs {
            let entry = input
                .check(&loaded.rules, authority.party(), today)
                .map_err(invalid)?;
            let sealed = entry
                .record
                .as_ref()
                .map(|record| key.seal_json(Sealed::MeetingRecord, record))
                .transpose()?;
            let agreed_by = entry
                .record
                .as_ref()
                .map(|record| record.agreed_by.clone())
                .unwrap_or_default();
            let held_on = entry.facts.date.to_string();
            entries.push((entry, sealed, agreed_by, held_on));
        }
        let new: Vec<NewMeeting<'_>> = entries
            .iter()
            .map(|(entry, sealed, agreed_by, held_on)| NewMeeting {
                held_on,
                minutes: i64::from(entry.facts.duration.get()),
                kind: entry.facts.kind.as_str(),
                sealed_record: sealed.as_deref(),
                agreed_by,
            })
            .collect();
        let repo = self.store.relationships();
        let ids = repo.add_meetings(&authority, &new).await?;
        // PLN-2: the meetings' action points roll into the plan.
        let points: Vec<_> = entries
            .iter()
            .zip(&ids)
            .filter_map(|((entry, ..), id)| {
                entry
                    .record
                    .as_ref()
                    .filter(|r| !r.action_points.is_empty())
                    .map(|r| (*id, &r.action_points))
            })
            .collect();
        if !points.is_empty()
            && let Some(stored) = repo.plan(id).await?
        {
            let mut plan: ActionPlan = key.open_json(Sealed::Plan, &stored)?;
            for (meeting_id, action_points) in points {
                plan.roll_in(meeting_id, action_points);
            }
            repo.put_plan(&authority, &key.seal_json(Sealed::Plan, &plan)?)
                .await?;
        }
        Ok(ids)
    }

    /// Records that a meeting was called off, now (MTG-4): whether it came
    /// late is judged against the programme's notice rule when shown.
    pub(crate) async fn record_cancellation_as(
        &self,
        acting: &Acting<'_>,
        id: RelationshipId,
        input: &CancellationInput,
    ) -> Result<(), AppError> {
        let loaded = self.load_acting(acting, id).await?;
        if !loaded.row.state.is_active() {
            return Err(AppError::Refused(
                "Cancelled meetings are recorded while the relationship is agreed and active."
                    .into(),
            ));
        }
        let authority = self.content_authority(acting, &loaded)?;
        let mut errors = Vec::new();
        let date = super::parse_date(input.date.trim());
        if date.is_none() {
            errors.push(FieldError {
                field: "date".into(),
                message: "Enter the date the meeting was to be, in the form 2025-03-31".into(),
            });
        }
        let time = time::Time::parse(
            input.time.trim(),
            time::macros::format_description!("[hour]:[minute]"),
        )
        .ok();
        if time.is_none() {
            errors.push(FieldError {
                field: "time".into(),
                message: "Enter the time it was to start, in the form 14:30".into(),
            });
        }
        let new_date = match input.new_date.trim() {
            "" => None,
            text => match super::parse_date(text) {
                Some(new) if date.is_none_or(|d| new > d) => Some(new),
                Some(_) => {
                    errors.push(FieldError {
                        field: "new_date".into(),
                        message: "The new date must be after the one called off".into(),
                    });
                    None
                }
                None => {
                    errors.push(FieldError {
                        field: "new_date".into(),
                        message: "Enter the new date in the form 2025-03-31, or leave it empty"
                            .into(),
                    });
                    None
                }
            },
        };
        let (Some(date), Some(time)) = (date, time) else {
            return Err(AppError::Invalid(errors));
        };
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let meeting_at = date.with_time(time).assume_utc().unix_timestamp();
        let new_date = new_date.map(|d| d.to_string());
        self.store
            .relationships()
            .add_cancellation(&authority, meeting_at, new_date.as_deref())
            .await?;
        Ok(())
    }

    /// Agrees a meeting's record, or rewrites it (its writer), which clears
    /// the other party's agreement (MTG-2).
    pub(crate) async fn change_meeting_record_as(
        &self,
        acting: &Acting<'_>,
        id: RelationshipId,
        meeting_id: MeetingId,
        change: &MeetingRecordChange,
    ) -> Result<(), AppError> {
        let loaded = self.load_acting(acting, id).await?;
        let authority = self.content_authority(acting, &loaded)?;
        let key = self
            .vault
            .for_pair(&authority, loaded.row.proposal_id, &loaded.row.data_key)?;
        let repo = self.store.relationships();
        let meeting = repo
            .meeting(id, meeting_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let Some(sealed) = meeting.sealed_record.as_deref() else {
            return Err(AppError::Refused(
                "This meeting has no record to agree.".into(),
            ));
        };
        let mut record: MeetingRecord = key.open_json(Sealed::MeetingRecord, sealed)?;
        let before = record.agreed_by.clone();
        match change {
            MeetingRecordChange::Agree => record.agree(authority.party(), &loaded.rules)?,
            MeetingRecordChange::Rewrite {
                notes,
                action_points,
            } => {
                let input = MeetingInput {
                    date: meeting.held_on.clone(),
                    minutes: meeting.minutes.to_string(),
                    kind: meeting.kind.clone(),
                    notes: Some(notes.clone()),
                    action_points: action_points.clone(),
                };
                let checked = input
                    .check(&loaded.rules, authority.party(), self.today())
                    .map_err(invalid)?;
                let Some(new) = checked.record else {
                    return Err(AppError::invalid(
                        "notes",
                        "Enter the record of the meeting",
                    ));
                };
                record.revise(
                    new.text,
                    new.action_points,
                    authority.party(),
                    &loaded.rules,
                )?;
            }
        }
        repo.update_record(
            &authority,
            meeting_id,
            &key.seal_json(Sealed::MeetingRecord, &record)?,
            &before,
            &record.agreed_by,
        )
        .await?;
        Ok(())
    }

    /// Saves the action plan (PLN-1), keeping the actions rolled in from meetings.
    pub(crate) async fn save_plan_as(
        &self,
        acting: &Acting<'_>,
        id: RelationshipId,
        input: &ActionPlanInput,
    ) -> Result<(), AppError> {
        let loaded = self.load_acting(acting, id).await?;
        if !loaded.rules.records.action_plan {
            return Err(AppError::Refused(
                "This programme keeps no action plan.".into(),
            ));
        }
        if loaded.row.state.is_ended() {
            return Err(AppError::Refused(
                "This relationship has ended, so its plan no longer changes.".into(),
            ));
        }
        let authority = self.content_authority(acting, &loaded)?;
        let key = self
            .vault
            .for_pair(&authority, loaded.row.proposal_id, &loaded.row.data_key)?;
        let mut plan = input.check().map_err(invalid)?;
        let repo = self.store.relationships();
        if let Some(stored) = repo.plan(id).await? {
            let before: ActionPlan = key.open_json(Sealed::Plan, &stored)?;
            // Actions that came from meetings stay (PLN-2).
            let from_meetings: Vec<_> = before
                .actions
                .into_iter()
                .filter(|action| action.from_meeting.is_some())
                .collect();
            let next = u32::try_from(plan.actions.len()).unwrap_or(0);
            for (offset, mut action) in from_meetings.into_iter().enumerate() {
                action.number = next + u32::try_from(offset).unwrap_or(0) + 1;
                plan.actions.push(action);
            }
        }
        repo.put_plan(&authority, &key.seal_json(Sealed::Plan, &plan)?)
            .await?;
        Ok(())
    }

    /// Sets the stage the pair are at (LIF-5, FUN).
    pub(crate) async fn set_stage_as(
        &self,
        acting: &Acting<'_>,
        id: RelationshipId,
        input: &StageInput,
    ) -> Result<(), AppError> {
        let loaded = self.load_acting(acting, id).await?;
        let authority = self.content_authority(acting, &loaded)?;
        let stage = check_stage(&loaded.rules, authority.party(), input)?.map_err(invalid)?;
        let as_i64 = |index: Option<usize>| index.and_then(|i| i64::try_from(i).ok());
        self.store
            .relationships()
            .set_stage(&authority, as_i64(stage.process), as_i64(stage.cycle))
            .await?;
        Ok(())
    }

    /// Records one thing completion needs (LIF-3), by whoever it belongs to.
    pub(crate) async fn record_completion_as(
        &self,
        acting: &Acting<'_>,
        id: RelationshipId,
        step: &CompletionStep,
    ) -> Result<(), AppError> {
        let loaded = self.load_acting(acting, id).await?;
        if loaded.row.state != State::UnderReview {
            return Err(AppError::Refused(
                "Completion is recorded at the closing review: start a review first.".into(),
            ));
        }
        let authority = self.party_authority(acting, &loaded)?;
        let party = authority.party();
        let rules = &loaded.rules;
        let repo = self.store.relationships();
        match step {
            CompletionStep::Answer { item, text } => {
                let section = rules.completion.forms.iter().find_map(|form| {
                    form.sections
                        .iter()
                        .enumerate()
                        .find(|(index, _)| section_item(form.key.as_str(), *index) == *item)
                        .map(|(_, (_, who))| *who)
                });
                let Some(who) = section else {
                    return Err(AppError::NotFound);
                };
                if who != party {
                    return Err(AppError::Refused(format!(
                        "This section is for {} to answer.",
                        tandem_domain::relationship::party_name(who)
                    )));
                }
                let text = text.trim();
                if text.is_empty() {
                    return Err(AppError::invalid("answer", "Enter your answer"));
                }
                if text.chars().count() > tandem_domain::relationship::MAX_TEXT {
                    return Err(AppError::invalid(
                        "answer",
                        "Keep your answer to 10,000 characters or fewer",
                    ));
                }
                let content = self.content_authority(acting, &loaded)?;
                let key =
                    self.vault
                        .for_pair(&content, loaded.row.proposal_id, &loaded.row.data_key)?;
                let sealed = key.seal(Sealed::FormAnswer, text)?;
                repo.add_completion(&authority, item, Some(&sealed)).await?;
            }
            CompletionStep::Confirm { item } => {
                let allowed = if item == CLOSING_SUPERVISION {
                    rules.completion.closing_supervision == Some(party)
                } else {
                    rules.completion.forms.iter().any(|form| {
                        form.signed_by.contains(&party)
                            && signature_item(form.key.as_str(), party) == *item
                    })
                };
                if !allowed {
                    return Err(AppError::Refused(
                        "This is for someone else to confirm.".into(),
                    ));
                }
                // A form is signed once every section is answered.
                if item != CLOSING_SUPERVISION {
                    let items = repo.completion(id).await?;
                    let form = rules
                        .completion
                        .forms
                        .iter()
                        .find(|form| signature_item(form.key.as_str(), party) == *item);
                    if let Some(form) = form {
                        let unanswered = (0..form.sections.len()).any(|index| {
                            let key = section_item(form.key.as_str(), index);
                            !items.iter().any(|row| row.item == key)
                        });
                        if unanswered {
                            return Err(AppError::Refused(format!(
                                "Every section of the {} must be answered before it is signed.",
                                form.name
                            )));
                        }
                    }
                }
                repo.add_completion(&authority, item, None).await?;
            }
            CompletionStep::AfterSelfAssessment { answers } => {
                let Some(key) = &rules.completion.after_self_assessment else {
                    return Err(AppError::NotFound);
                };
                let questionnaire = loaded
                    .programme
                    .questionnaires
                    .iter()
                    .find(|q| &q.key == key)
                    .ok_or(AppError::NotFound)?;
                let request = self
                    .store
                    .requests()
                    .get(loaded.row.request_id)
                    .await?
                    .ok_or(AppError::NotFound)?;
                let facts = self
                    .request_facts(request.programme_id, request.person_id)
                    .await?;
                let assessment = self.self_assessment_authority(acting, &facts, request.id)?;
                let values = check_answers(questionnaire, answers)
                    .map_err(AppError::from_answer_problems)?;
                let requests = self.store.requests();
                if requests
                    .self_assessment(request.id, key.as_str(), Phase::After)
                    .await?
                    .is_some()
                {
                    return Err(AppError::Refused(
                        "You have already answered the self-assessment again.".into(),
                    ));
                }
                requests
                    .save_self_assessment(&assessment, key.as_str(), Phase::After, &values)
                    .await?;
            }
        }
        Ok(())
    }
}

/// The access the operator acts with in a part: the pair's, or an overseer's.
fn operator_access(party: Party) -> RelationshipAccess {
    match party {
        Party::Mentee => RelationshipAccess::Mentee,
        Party::Mentor => RelationshipAccess::Mentor,
        Party::SupervisingSocialWorker => RelationshipAccess::SupervisingSocialWorker,
        Party::LineManager => RelationshipAccess::LineManager,
        _ => RelationshipAccess::Coordinator,
    }
}

/// The use cases as the signed-in caller.
impl App {
    /// Moves the relationship on (LIF-1); see [`StepRequest`].
    pub async fn relationship_step(
        &self,
        caller: &Principal,
        id: RelationshipId,
        step: StepRequest,
    ) -> Result<State, AppError> {
        self.relationship_step_as(&Acting::Caller(caller), id, step)
            .await
    }

    /// Arranges the introductory meeting (AGR-1).
    pub async fn arrange_introduction(
        &self,
        caller: &Principal,
        id: RelationshipId,
        input: &IntroductionInput,
    ) -> Result<(), AppError> {
        self.arrange_introduction_as(&Acting::Caller(caller), id, input)
            .await
    }

    /// Drafts or changes the agreement (AGR-3 to AGR-5).
    pub async fn save_agreement(
        &self,
        caller: &Principal,
        id: RelationshipId,
        input: &AgreementInput,
    ) -> Result<(), AppError> {
        self.save_agreement_as(&Acting::Caller(caller), id, input)
            .await
    }

    /// Signs the current version of the agreement (AGR-4).
    pub async fn sign_agreement(
        &self,
        caller: &Principal,
        id: RelationshipId,
        version_read: u32,
    ) -> Result<(), AppError> {
        self.sign_agreement_as(&Acting::Caller(caller), id, version_read)
            .await
    }

    /// Records a meeting (MTG-1, MTG-2).
    pub async fn record_meeting(
        &self,
        caller: &Principal,
        id: RelationshipId,
        input: &MeetingInput,
    ) -> Result<MeetingId, AppError> {
        self.record_meeting_as(&Acting::Caller(caller), id, input)
            .await
    }

    /// Records a cancelled meeting (MTG-4).
    pub async fn record_cancellation(
        &self,
        caller: &Principal,
        id: RelationshipId,
        input: &CancellationInput,
    ) -> Result<(), AppError> {
        self.record_cancellation_as(&Acting::Caller(caller), id, input)
            .await
    }

    /// Agrees or rewrites a meeting's record (MTG-2).
    pub async fn change_meeting_record(
        &self,
        caller: &Principal,
        id: RelationshipId,
        meeting_id: MeetingId,
        change: &MeetingRecordChange,
    ) -> Result<(), AppError> {
        self.change_meeting_record_as(&Acting::Caller(caller), id, meeting_id, change)
            .await
    }

    /// Saves the action plan (PLN-1).
    pub async fn save_plan(
        &self,
        caller: &Principal,
        id: RelationshipId,
        input: &ActionPlanInput,
    ) -> Result<(), AppError> {
        self.save_plan_as(&Acting::Caller(caller), id, input).await
    }

    /// Sets the stage (LIF-5).
    pub async fn set_stage(
        &self,
        caller: &Principal,
        id: RelationshipId,
        input: &StageInput,
    ) -> Result<(), AppError> {
        self.set_stage_as(&Acting::Caller(caller), id, input).await
    }

    /// Records one thing completion needs (LIF-3).
    pub async fn record_completion(
        &self,
        caller: &Principal,
        id: RelationshipId,
        step: &CompletionStep,
    ) -> Result<(), AppError> {
        self.record_completion_as(&Acting::Caller(caller), id, step)
            .await
    }
}
