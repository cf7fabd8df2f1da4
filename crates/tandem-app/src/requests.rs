//! Mentor requests (REQ-1), self-assessments (REQ-2), screening (REQ-3),
//! automatic enrolment (REQ-4) and the line manager's consultation
//! (REQ-5).
//!
//! A person has at most one open request per programme: asking again gets
//! a field error naming the programme, not a second request. A consulted
//! line manager sees that a request exists and the time it implies; the
//! goals and preferences never leave this module for them.

use tandem_domain::ids::{MentorEntryId, OrganisationId, PersonId, ProgrammeId, RequestId};
use tandem_domain::permissions::{
    Operator, RequestAccess, RequestAuthority, RequestFacts, authorise_consultation,
    authorise_request, authorise_screening, authorise_self_assessment, authorise_withdrawal,
    managing_person, request_access, screening_organisations, screens_anywhere,
};
use tandem_domain::programme::{Enrolment, Programme, Questionnaire};
use tandem_domain::register::{
    Consultation, MentorRequest, MentorRequestInput, Phase, RequestSource, RequestStatus,
    ScreeningInput, check_answers, mentee_questions, newly_started, request_fields,
    self_assessment, time_commitment,
};
use tandem_store::{NewRequest, RequestRow, StoreError};
use time::Date;

use crate::programmes::ProgrammeView;
use crate::register::field_errors;
use crate::{App, AppError, Principal};
use tandem_domain::permissions::Forbidden;
use tandem_domain::proposals::mentee_progress;

/// A request as the caller may see it. For a line manager, every field the
/// mentee wrote is empty: they see who, which programme and track, the
/// status and the time it implies.
#[derive(Debug, Clone)]
pub struct RequestView {
    pub request: RequestRow,
    pub access: RequestAccess,
    pub programme: Programme,
    pub track_name: String,
    pub time_commitment: String,
    /// The programme's target group and the track's eligibility, for the
    /// coordinator screening it (REQ-3).
    pub target_group: Vec<String>,
    pub named_mentor: Option<String>,
    pub can_screen: bool,
    pub can_consult: bool,
    /// Whether the caller (the mentee) may withdraw it now (LIF-4).
    pub can_withdraw: bool,
    /// The self-assessment the mentee answers before screening, and
    /// whether they have.
    pub self_assessment: Option<SelfAssessmentStatus>,
    /// For the mentee: where their request stands, in words, its matching
    /// included (`tandem_domain::proposals::mentee_progress`).
    pub progress: Option<&'static str>,
}

#[derive(Debug, Clone)]
pub struct SelfAssessmentStatus {
    pub name: String,
    pub answered: bool,
    pub can_answer: bool,
}

/// The form for a new request.
#[derive(Debug, Clone)]
pub struct RequestForm {
    pub programme: ProgrammeView,
    /// Tracks a person may ask for: (key, name).
    pub tracks: Vec<(String, String)>,
    /// Mentors the caller may name: (entry id, name).
    pub mentors: Vec<(MentorEntryId, String)>,
    /// The caller's open request in this programme, if any.
    pub open_request: Option<RequestId>,
}

/// One line of a coordinator's screening queue.
#[derive(Debug, Clone)]
pub struct QueueItem {
    pub request: RequestRow,
    pub track_name: String,
    /// Whether the mentee has answered the self-assessment; `None` where
    /// the programme asks for none.
    pub self_assessed: Option<bool>,
}

/// A programme's screening queue, oldest first.
#[derive(Debug, Clone)]
pub struct ScreeningQueue {
    pub programme: ProgrammeView,
    pub target_group: Vec<String>,
    /// This page of the requests waiting to be screened.
    pub awaiting: Vec<QueueItem>,
    /// Accepted requests waiting for a mentor, first come first served:
    /// the first page of them.
    pub accepted: Vec<QueueItem>,
    /// How many wait to be screened, and how many for a mentor, in all.
    pub awaiting_total: i64,
    pub accepted_total: i64,
    /// The page of `awaiting`, from 1, of `per_page` requests.
    pub page: i64,
    pub per_page: i64,
}

impl ScreeningQueue {
    /// How many pages the requests waiting to be screened fill.
    pub fn pages(&self) -> i64 {
        crate::page_count(self.awaiting_total, self.per_page)
    }

    /// The place in the queue of the first request on this page.
    pub fn first_position(&self) -> i64 {
        (self.page - 1).saturating_mul(self.per_page) + 1
    }
}

/// Requests on a page of the screening queue.
pub const SCREENING_PER_PAGE: i64 = 50;

/// A self-assessment to answer.
#[derive(Debug, Clone)]
pub struct SelfAssessmentForm {
    pub request: RequestRow,
    pub questionnaire: Questionnaire,
    pub questions: Vec<String>,
    pub scale: Vec<String>,
    pub answers: Option<Vec<u8>>,
}

/// What automatic enrolment did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct EnrolmentReport {
    pub created: u64,
    /// People who already had an open request.
    pub already_open: u64,
}

/// Waiting on the caller, for the home page.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ScreeningDue {
    pub programme_id: ProgrammeId,
    pub programme_name: String,
    /// Requests waiting to be screened.
    pub awaiting: usize,
    /// Accepted requests with no live proposal: people waiting for a match.
    pub waiting_for_match: usize,
    /// Proposals waiting for their mentors' answers.
    pub proposals_awaiting: usize,
    /// Proposals the mentors accepted and declined since `answers_since`.
    pub accepted_lately: usize,
    pub declined_lately: usize,
    pub answers_since: AnswersSince,
}

/// The period the mentors' answers on the coordinator's home are counted
/// over: since the caller's last visit, or the last 7 days on their first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswersSince {
    /// The day (UTC) the caller last signed in, before this visit.
    LastVisit(#[serde(serialize_with = "iso_day")] time::Date),
    LastSevenDays,
}

/// A day as YYYY-MM-DD, as the API writes every date.
fn iso_day<S: serde::Serializer>(day: &time::Date, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(day)
}

impl ScreeningDue {
    /// Whether there is anything to show.
    pub fn any(&self) -> bool {
        self.awaiting
            + self.waiting_for_match
            + self.proposals_awaiting
            + self.accepted_lately
            + self.declined_lately
            > 0
    }
}

/// A consultation waiting for a line manager: no goals, only the time.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ConsultationDue {
    pub request_id: RequestId,
    pub mentee: String,
    pub programme_name: String,
}

/// A mentee's own request, for the home page.
#[derive(Debug, Clone, serde::Serialize)]
pub struct OwnRequest {
    pub request_id: RequestId,
    pub programme_name: String,
    pub status: String,
}

fn track_name(programme: &Programme, key: &str) -> String {
    programme
        .track(key)
        .map(|t| t.name.clone())
        .unwrap_or_else(|| key.to_owned())
}

fn target_group(programme: &Programme, track: &str) -> Vec<String> {
    let mut lines = programme.mentees.target_group.clone();
    if let Some(track) = programme.track(track) {
        lines.extend(track.eligibility.iter().cloned());
    }
    lines
}

fn hide_content(row: &mut RequestRow) {
    for text in [
        &mut row.goals,
        &mut row.help_needed,
        &mut row.preferred_style,
        &mut row.meeting_frequency,
        &mut row.relationship_length,
        &mut row.meeting_location,
        &mut row.language,
        &mut row.gender,
        &mut row.culture,
        &mut row.race,
        &mut row.religion,
        &mut row.sexuality,
        &mut row.location,
        &mut row.specific_requests,
    ] {
        text.clear();
    }
    row.isolated = false;
    row.other_team = false;
    row.other_region = false;
    row.other_organisation = false;
    row.other_jurisdiction = false;
    row.named_mentor_id = None;
    row.rejection_reason = None;
    row.rejection_detail = None;
}

fn duplicate(programme: &Programme) -> AppError {
    AppError::invalid(
        request_fields::PROGRAMME,
        format!(
            "There is already an open mentor request in {}: it must be screened, or not accepted, before another can be made",
            programme.name
        ),
    )
}

fn consultation_for(programme: &Programme, track: &str, facts: &RequestFacts) -> Consultation {
    let consulted = programme
        .track(track)
        .is_some_and(|t| t.line_manager_consulted);
    if consulted && !facts.mentee.managers_above.is_empty() {
        Consultation::Awaiting
    } else {
        Consultation::NotNeeded
    }
}

impl App {
    pub(crate) async fn request_facts(
        &self,
        programme_id: ProgrammeId,
        person_id: PersonId,
    ) -> Result<RequestFacts, AppError> {
        let taking_part = self
            .store
            .programmes()
            .organisations(programme_id)
            .await?
            .iter()
            .map(|o| o.id)
            .collect();
        let mentee = self
            .store
            .people()
            .facts(person_id)
            .await?
            .ok_or(AppError::NotFound)?;
        Ok(RequestFacts {
            programme_id,
            taking_part,
            mentee,
        })
    }

    /// The new-request form: the tracks a person may ask for, the mentors
    /// they may name where the programme lets them choose, and any open
    /// request they already have.
    pub async fn request_form(
        &self,
        caller: &Principal,
        programme_id: ProgrammeId,
    ) -> Result<RequestForm, AppError> {
        let programme = self.programme(caller, programme_id).await?;
        programme.require_published("ask for a mentor")?;
        // An account with no staff record (an administrator's, say) is told
        // why, rather than shown a form it can never send.
        let me = caller.person_id.ok_or(AppError::Forbidden(Forbidden(
            "ask for a mentor: only someone on an organisation's staff can",
        )))?;
        let tracks = programme
            .programme
            .tracks
            .iter()
            .filter(|t| t.enrolment != Enrolment::Automatic)
            .map(|t| (t.key.as_str().to_owned(), t.name.clone()))
            .collect();
        let mentors = match self
            // Every mentor a mentee may name, on one list; a published
            // view costs no lookups beyond the register's own.
            .register(caller, programme_id, &Default::default(), 1, i64::MAX)
            .await
        {
            Ok(register) if register.mentees_choose => register
                .entries
                .iter()
                .filter(|e| e.person_id != me)
                .map(|e| (e.id, format!("{} ({})", e.name, e.organisation)))
                .collect(),
            _ => Vec::new(),
        };
        let open_request = self
            .store
            .requests()
            .open_for(programme_id, me)
            .await?
            .map(|r| r.id);
        Ok(RequestForm {
            programme,
            tracks,
            mentors,
            open_request,
        })
    }

    /// The caller asks for a mentor (REQ-1). The line manager is to be
    /// consulted where the track says so and the mentee has one (REQ-5).
    pub async fn submit_request(
        &self,
        caller: &Principal,
        programme_id: ProgrammeId,
        input: &MentorRequestInput,
    ) -> Result<RequestId, AppError> {
        let programme = self.programme(caller, programme_id).await?;
        programme.require_published("ask for a mentor")?;
        let me = caller.person_id.ok_or_else(|| {
            AppError::invalid(
                request_fields::PROGRAMME,
                "Only someone on an organisation's staff can ask for a mentor",
            )
        })?;
        let facts = self.request_facts(programme_id, me).await?;
        let authority = authorise_request(caller, &facts)?;
        let request = input.check(&programme.programme).map_err(field_errors)?;
        if programme
            .programme
            .track(&request.track)
            .is_some_and(|t| t.enrolment == Enrolment::Automatic)
        {
            return Err(AppError::invalid(
                request_fields::TRACK,
                "People join this track automatically: select another kind of mentoring",
            ));
        }
        // The duplicate first: a mentee with an open request learns nothing
        // about which register entries exist (issue 9 item 10).
        if self
            .store
            .requests()
            .open_for(programme_id, me)
            .await?
            .is_some()
        {
            return Err(duplicate(&programme.programme));
        }
        if let Some(named) = request.named_mentor {
            let known = self
                .store
                .register()
                .get(named)
                .await?
                .filter(|e| e.programme_id == programme_id && e.person_id != me);
            if known.is_none() {
                return Err(AppError::invalid(
                    request_fields::NAMED_MENTOR,
                    "Select a mentor from this programme's register, or none",
                ));
            }
        }
        let consultation = consultation_for(&programme.programme, &request.track, &facts);
        let new = NewRequest {
            request: &request,
            source: RequestSource::Requested,
            consultation,
        };
        self.create(&authority, &programme.programme, &new).await
    }

    async fn create(
        &self,
        authority: &RequestAuthority,
        programme: &Programme,
        new: &NewRequest<'_>,
    ) -> Result<RequestId, AppError> {
        match self.store.requests().create(authority, new).await {
            Ok(id) => Ok(id),
            Err(StoreError::Conflict(_)) => Err(duplicate(programme)),
            Err(error) => Err(error.into()),
        }
    }

    /// One request, as much of it as the caller may see: "not found" for
    /// anyone who may not see it at all.
    pub async fn request_view(
        &self,
        caller: &Principal,
        id: RequestId,
    ) -> Result<RequestView, AppError> {
        let mut request = self
            .store
            .requests()
            .get(id)
            .await?
            .ok_or(AppError::NotFound)?;
        let facts = self
            .request_facts(request.programme_id, request.person_id)
            .await?;
        let access = request_access(caller, &facts).ok_or(AppError::NotFound)?;
        let programme = self.programme_settings(request.programme_id).await?;
        let track_name = track_name(&programme, &request.track);
        let time_commitment = time_commitment(&programme, &request.track);
        let status = request.status;
        let can_screen = status == RequestStatus::AwaitingScreening
            && authorise_screening(caller, &facts, id).is_ok();
        let can_consult = request.consultation == Consultation::Awaiting
            && status.is_open()
            && authorise_consultation(caller, &facts, id).is_ok();
        if !access.sees_content() {
            hide_content(&mut request);
            return Ok(RequestView {
                request,
                access,
                programme,
                track_name,
                time_commitment,
                target_group: Vec::new(),
                named_mentor: None,
                can_screen: false,
                can_consult,
                can_withdraw: false,
                self_assessment: None,
                progress: None,
            });
        }
        if !access.reads_consultation_note() {
            request.consultation_note.clear();
        }
        let named_mentor = match request.named_mentor_id {
            Some(entry) => self
                .store
                .register()
                .get(entry)
                .await?
                .map(|e| format!("{} {} ({})", e.given_name, e.family_name, e.organisation)),
            None => None,
        };
        let self_assessment = match self_assessment(&programme) {
            Some(questionnaire) => Some(SelfAssessmentStatus {
                name: questionnaire.name.clone(),
                answered: self
                    .store
                    .requests()
                    .self_assessment(request.id, questionnaire.key.as_str(), Phase::Before)
                    .await?
                    .is_some(),
                can_answer: status == RequestStatus::AwaitingScreening
                    && authorise_self_assessment(caller, &facts, request.id).is_ok(),
            }),
            None => None,
        };
        let progress = if access == RequestAccess::Mentee {
            let latest = self
                .store
                .proposals()
                .latest_for_person(request.person_id)
                .await?;
            Some(mentee_progress(status, latest.get(&request.id).copied()))
        } else {
            None
        };
        Ok(RequestView {
            progress,
            target_group: target_group(&programme, &request.track),
            request,
            access,
            programme,
            track_name,
            time_commitment,
            named_mentor,
            can_screen,
            can_consult,
            can_withdraw: status.is_open() && authorise_withdrawal(caller, &facts, id).is_ok(),
            self_assessment,
        })
    }

    /// The mentee withdraws their open request (LIF-4); a proposal waiting
    /// for a mentor goes with it. Once a mentor has accepted, the
    /// relationship is left from its own page instead.
    pub async fn withdraw_request(
        &self,
        caller: &Principal,
        id: RequestId,
    ) -> Result<(), AppError> {
        let request = self
            .store
            .requests()
            .get(id)
            .await?
            .ok_or(AppError::NotFound)?;
        let facts = self
            .request_facts(request.programme_id, request.person_id)
            .await?;
        request_access(caller, &facts).ok_or(AppError::NotFound)?;
        let authority = authorise_withdrawal(caller, &facts, id)?;
        if self.store.requests().withdraw(&authority).await? {
            Ok(())
        } else {
            Err(AppError::Refused(
                "This request is no longer open: a mentor has accepted it (leave the relationship from its page instead), or it was already closed.".into(),
            ))
        }
    }

    /// A programme's settings by id, for a caller already allowed to see
    /// something in it (a request), whether or not they may open its page.
    pub(crate) async fn programme_settings(&self, id: ProgrammeId) -> Result<Programme, AppError> {
        let stored = self
            .store
            .programmes()
            .get(id)
            .await?
            .ok_or(AppError::NotFound)?;
        self.parsed_settings(&stored)
    }

    /// A programme's screening queue (REQ-3): requests from the
    /// organisations the caller coordinates, oldest first; the first page
    /// of each list.
    pub async fn screening_queue(
        &self,
        caller: &Principal,
        programme_id: ProgrammeId,
    ) -> Result<ScreeningQueue, AppError> {
        self.screening_queue_page(caller, programme_id, 1, SCREENING_PER_PAGE)
            .await
    }

    /// Page `page` (from 1) of the requests waiting to be screened,
    /// `per_page` to a page, and the first page of those accepted and
    /// waiting for a mentor; with how many wait in each. Only the pages'
    /// requests are read, so the page costs the same with two thousand
    /// waiting as with twenty (issue 17).
    pub async fn screening_queue_page(
        &self,
        caller: &Principal,
        programme_id: ProgrammeId,
        page: i64,
        per_page: i64,
    ) -> Result<ScreeningQueue, AppError> {
        let page = page.max(1);
        let per_page = per_page.max(1);
        let programme = self.programme(caller, programme_id).await?;
        let taking_part: Vec<OrganisationId> =
            programme.organisations.iter().map(|o| o.id).collect();
        let organisations = screening_organisations(caller, programme_id, &taking_part);
        if organisations.as_ref().is_some_and(Vec::is_empty) {
            return Err(AppError::Forbidden(tandem_domain::permissions::Forbidden(
                "screen requests in this programme",
            )));
        }
        let questionnaire =
            self_assessment(&programme.programme).map(|q| q.key.as_str().to_owned());
        let answered = match &questionnaire {
            Some(key) => Some(
                self.store
                    .requests()
                    .self_assessed(programme_id, key, Phase::Before)
                    .await?,
            ),
            None => None,
        };
        let mut lists = Vec::new();
        let mut totals = Vec::new();
        for (status, from) in [
            (
                RequestStatus::AwaitingScreening,
                (page - 1).saturating_mul(per_page),
            ),
            (RequestStatus::Accepted, 0),
        ] {
            let mut items = Vec::new();
            // Accepted requests that already have a mentor (a proposal
            // waiting or accepted) no longer wait for one.
            let requests = self.store.requests();
            let orgs = organisations.as_deref();
            let (requests, total) = if status == RequestStatus::Accepted {
                requests
                    .waiting_for_match(programme_id, orgs, per_page, from)
                    .await?
            } else {
                requests
                    .with_status_page(programme_id, status, orgs, per_page, from)
                    .await?
            };
            totals.push(total);
            for request in requests {
                let self_assessed = answered.as_ref().map(|ids| ids.contains(&request.id));
                items.push(QueueItem {
                    track_name: track_name(&programme.programme, &request.track),
                    request,
                    self_assessed,
                });
            }
            lists.push(items);
        }
        let accepted = lists.pop().unwrap_or_default();
        let awaiting = lists.pop().unwrap_or_default();
        Ok(ScreeningQueue {
            target_group: programme.programme.mentees.target_group.clone(),
            programme,
            awaiting,
            accepted,
            awaiting_total: totals.first().copied().unwrap_or_default(),
            accepted_total: totals.get(1).copied().unwrap_or_default(),
            page,
            per_page,
        })
    }

    /// Accepts or rejects a request awaiting screening (REQ-3).
    pub async fn screen_request(
        &self,
        caller: &Principal,
        id: RequestId,
        input: &ScreeningInput,
    ) -> Result<(), AppError> {
        let request = self
            .store
            .requests()
            .get(id)
            .await?
            .ok_or(AppError::NotFound)?;
        let facts = self
            .request_facts(request.programme_id, request.person_id)
            .await?;
        request_access(caller, &facts).ok_or(AppError::NotFound)?;
        let authority = authorise_screening(caller, &facts, id)?;
        let decision = input.check().map_err(field_errors)?;
        if !self.store.requests().screen(&authority, &decision).await? {
            return Err(AppError::invalid(
                tandem_domain::register::screening_fields::DECISION,
                "This request has already been screened",
            ));
        }
        Ok(())
    }

    /// The line manager's answer to a consultation (REQ-5): supports or
    /// has_concerns.
    pub async fn answer_consultation(
        &self,
        caller: &Principal,
        id: RequestId,
        answer: &str,
        note: &str,
    ) -> Result<(), AppError> {
        let request = self
            .store
            .requests()
            .get(id)
            .await?
            .ok_or(AppError::NotFound)?;
        let facts = self
            .request_facts(request.programme_id, request.person_id)
            .await?;
        request_access(caller, &facts).ok_or(AppError::NotFound)?;
        let authority = authorise_consultation(caller, &facts, id)?;
        let answer = match answer.trim() {
            "supports" => Consultation::Supports,
            "has_concerns" => Consultation::HasConcerns,
            _ => {
                return Err(AppError::invalid(
                    "answer",
                    "Select whether you support the time or have concerns",
                ));
            }
        };
        let note = note.trim();
        if answer == Consultation::HasConcerns && note.is_empty() {
            return Err(AppError::invalid(
                "note",
                "Say what your concerns about the time are, so that the coordinator can talk them through with you and your colleague",
            ));
        }
        if note.chars().count() > 2000 {
            return Err(AppError::invalid(
                "note",
                "Keep what you say about the time to 2,000 characters or fewer",
            ));
        }
        if !self
            .store
            .requests()
            .record_consultation(&authority, answer, note)
            .await?
        {
            return Err(AppError::invalid(
                "answer",
                "This consultation has already been answered",
            ));
        }
        Ok(())
    }

    /// The self-assessment form for a request (REQ-2).
    pub async fn self_assessment_form(
        &self,
        caller: &Principal,
        id: RequestId,
    ) -> Result<SelfAssessmentForm, AppError> {
        let request = self
            .store
            .requests()
            .get(id)
            .await?
            .ok_or(AppError::NotFound)?;
        let facts = self
            .request_facts(request.programme_id, request.person_id)
            .await?;
        request_access(caller, &facts).ok_or(AppError::NotFound)?;
        authorise_self_assessment(caller, &facts, id)?;
        let programme = self.programme_settings(request.programme_id).await?;
        let questionnaire = self_assessment(&programme)
            .cloned()
            .ok_or(AppError::NotFound)?;
        let answers = self
            .store
            .requests()
            .self_assessment(id, questionnaire.key.as_str(), Phase::Before)
            .await?;
        Ok(SelfAssessmentForm {
            questions: mentee_questions(&questionnaire)
                .into_iter()
                .map(str::to_owned)
                .collect(),
            scale: questionnaire
                .scale
                .as_ref()
                .map(|s| s.labels.clone())
                .unwrap_or_default(),
            questionnaire,
            request,
            answers,
        })
    }

    /// Saves the mentee's answers, before screening (phase `before`).
    pub async fn save_self_assessment(
        &self,
        caller: &Principal,
        id: RequestId,
        answers: &[String],
    ) -> Result<(), AppError> {
        let form = self.self_assessment_form(caller, id).await?;
        if form.request.status != RequestStatus::AwaitingScreening {
            return Err(AppError::invalid(
                "q1",
                "The self-assessment is answered before the request is screened",
            ));
        }
        let facts = self
            .request_facts(form.request.programme_id, form.request.person_id)
            .await?;
        let authority = authorise_self_assessment(caller, &facts, id)?;
        let values =
            check_answers(&form.questionnaire, answers).map_err(AppError::from_answer_problems)?;
        self.store
            .requests()
            .save_self_assessment(
                &authority,
                form.questionnaire.key.as_str(),
                Phase::Before,
                &values,
            )
            .await?;
        Ok(())
    }

    /// Automatic enrolment (REQ-4), run by the operator (`tandem enrol`):
    /// for a programme with a track whose enrolment is automatic (CAF: every
    /// new starter) or offered to newly approved carers (AFC), creates a
    /// request awaiting screening for each person of a taking-part
    /// organisation whose start date, or approval date as a carer, is
    /// within the last `within_days` days, unless they already have an
    /// open request. The rule: staff programmes use the start date with an
    /// automatic track; fostering programmes (an offered track whose name
    /// or key says "approved") use the approval date.
    pub async fn enrol_automatically(
        &self,
        operator: &Operator,
        programme_key: &str,
        today: Date,
        within_days: i64,
    ) -> Result<EnrolmentReport, AppError> {
        let stored = self
            .store
            .programmes()
            .by_key(programme_key)
            .await?
            .ok_or_else(|| {
                AppError::invalid(
                    "programme",
                    format!("There is no programme with the key \"{programme_key}\""),
                )
            })?;
        let programme = self.programme_settings(stored.id).await?;
        let taking_part: Vec<OrganisationId> = self
            .store
            .programmes()
            .organisations(stored.id)
            .await?
            .iter()
            .map(|o| o.id)
            .collect();
        let track = programme
            .tracks
            .iter()
            .find(|t| t.enrolment == Enrolment::Automatic)
            .or_else(|| {
                programme.tracks.iter().find(|t| {
                    t.enrolment == Enrolment::Offered
                        && (t.key.as_str().contains("approved")
                            || t.name.to_lowercase().contains("approved"))
                })
            })
            .ok_or_else(|| {
                AppError::invalid(
                    "programme",
                    format!(
                        "{} has no track that enrols people automatically",
                        programme.name
                    ),
                )
            })?
            .clone();
        let carers = track.enrolment == Enrolment::Offered;
        let from = today - time::Duration::days(within_days.max(0));
        let iso = |d: Date| tandem_domain::register::iso(d);
        let mut report = EnrolmentReport::default();
        for candidate in self
            .store
            .requests()
            .enrolment_candidates(&taking_part, &iso(from), &iso(today))
            .await?
        {
            let is_carer = candidate.employment_type == "foster_carer_household";
            let date = if carers {
                candidate.approval_date.as_deref()
            } else {
                candidate.start_date.as_deref()
            };
            if carers != is_carer || !newly_started(date, today, within_days) {
                continue;
            }
            if self
                .store
                .requests()
                .open_for(stored.id, candidate.id)
                .await?
                .is_some()
            {
                report.already_open += 1;
                continue;
            }
            let facts = self.request_facts(stored.id, candidate.id).await?;
            let request = MentorRequest {
                track: track.key.as_str().to_owned(),
                goals: String::new(),
                help_needed: String::new(),
                preferred_style: String::new(),
                meeting_frequency: String::new(),
                relationship_length: String::new(),
                meeting_location: String::new(),
                other_team: false,
                other_region: false,
                other_organisation: false,
                other_jurisdiction: false,
                language: String::new(),
                gender: String::new(),
                culture: String::new(),
                race: String::new(),
                religion: String::new(),
                sexuality: String::new(),
                location: String::new(),
                specific_requests: String::new(),
                isolated: false,
                named_mentor: None,
            };
            let consultation = consultation_for(&programme, &request.track, &facts);
            match self
                .create(
                    &operator.request(stored.id, candidate.id),
                    &programme,
                    &NewRequest {
                        request: &request,
                        source: RequestSource::Automatic,
                        consultation,
                    },
                )
                .await
            {
                Ok(_) => report.created += 1,
                Err(AppError::Invalid(_)) => report.already_open += 1,
                Err(error) => return Err(error),
            }
        }
        Ok(report)
    }

    /// What waits for the caller, for the home page: requests to screen
    /// (coordinators), consultations (line managers) and their own
    /// requests' status (mentees); `programmes` are those the caller sees,
    /// as [`App::list_programmes`] gave them.
    pub(crate) async fn request_notices(
        &self,
        caller: &Principal,
        programmes: &[ProgrammeView],
    ) -> Result<(Vec<ScreeningDue>, Vec<ConsultationDue>, Vec<OwnRequest>), AppError> {
        let mut screening = Vec::new();
        if screens_anywhere(caller) {
            let last_visit = self
                .store
                .audit()
                .previous_sign_in(caller.account_id)
                .await?;
            let (since, answers_since) = match last_visit
                .and_then(|at| time::OffsetDateTime::from_unix_timestamp(at).ok())
            {
                Some(at) => (at.unix_timestamp(), AnswersSince::LastVisit(at.date())),
                None => (self.now() - 7 * 24 * 3600, AnswersSince::LastSevenDays),
            };
            for view in programmes {
                let taking_part: Vec<OrganisationId> =
                    view.organisations.iter().map(|o| o.id).collect();
                let organisations = screening_organisations(caller, view.id, &taking_part);
                if organisations.as_ref().is_some_and(Vec::is_empty) {
                    continue;
                }
                let work = self
                    .store
                    .requests()
                    .work_counts(view.id, organisations.as_deref(), since)
                    .await?;
                let count = |n: i64| usize::try_from(n).unwrap_or(0);
                let due = ScreeningDue {
                    programme_id: view.id,
                    programme_name: view.programme.name.clone(),
                    awaiting: count(work.awaiting),
                    waiting_for_match: count(work.waiting_for_match),
                    proposals_awaiting: count(work.proposals_awaiting),
                    accepted_lately: count(work.accepted_lately),
                    declined_lately: count(work.declined_lately),
                    answers_since,
                };
                if due.any() {
                    screening.push(due);
                }
            }
        }
        let mut consultations = Vec::new();
        let mut own = Vec::new();
        if let Some(me) = caller.person_id {
            if let Some(manager) = managing_person(caller) {
                for request in self
                    .store
                    .requests()
                    .consultations_awaiting(manager)
                    .await?
                {
                    consultations.push(ConsultationDue {
                        request_id: request.id,
                        mentee: format!("{} {}", request.given_name, request.family_name),
                        programme_name: request.programme_name,
                    });
                }
            }
            let latest = self.store.proposals().latest_for_person(me).await?;
            for request in self.store.requests().of_person(me).await? {
                own.push(OwnRequest {
                    request_id: request.id,
                    status: mentee_progress(request.status, latest.get(&request.id).copied())
                        .to_owned(),
                    programme_name: request.programme_name,
                });
            }
        }
        Ok((screening, consultations, own))
    }
}
