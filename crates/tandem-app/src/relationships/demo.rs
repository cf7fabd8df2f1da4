//! Demo relationships (issue 10 item 14): in each of the five programmes,
//! one relationship at every state, so that every demo role has something
//! to do — the mentor and mentee a meeting to record or an agreement to
//! sign, the SSW an introduction to arrange, the line manager a time
//! commitment to sign, the coordinator an overview with compliance flags.
//! Everything is done through the same use cases people use, acting as
//! the operator in the part named.

use std::sync::Arc;
use tandem_domain::relationship::RelationshipId;

use tandem_domain::clock::FixedClock;
use time::{Duration, OffsetDateTime};

use tandem_domain::permissions::{Operator, PeopleScope};
use tandem_domain::programme::{Party, Programme};
use tandem_domain::proposals::Answer;
use tandem_domain::register::{
    Availability, Consultation, MentorProfile, MentorRequest, RequestSource, ScreeningDecision,
};
use tandem_domain::relationship::agreement::AgreementInput;
use tandem_domain::relationship::leaving::LeaveCategory;
use tandem_domain::relationship::meetings::MeetingInput;
use tandem_domain::relationship::plan::{
    ActionInput, ActionPlanInput, ActionPointInput, GoalInput,
};
use tandem_domain::relationship::{Event, RelationshipRules, State};
use tandem_store::{NewProposal, NewRequest, PersonSummary};

use super::actions::{Acting, CompletionStep, IntroductionInput, StepRequest};
use crate::{App, AppError};

/// Who the demo pairs are, per programme: mentors by employee id where a
/// demo login is one of them, else people of the organisation.
struct DemoProgramme {
    key: &'static str,
    /// Mentors by organisation and employee id.
    mentors: &'static [(&'static str, &'static str)],
    /// Mentees are drawn from this organisation's staff (or carers).
    mentee_organisation: &'static str,
    /// Foster carers rather than staff (AFC).
    carers: bool,
    /// Mentees are the demo line manager's reports (CAF), so the manager
    /// sees them and signs the time commitment.
    managers_reports: Option<(&'static str, &'static str)>,
    /// Sign-in names for a pair whose proposal awaits the mentor's answer,
    /// so that a pair can be taken from acceptance to completion through
    /// the pages (the mentor's, then the mentee's).
    pair_logins: Option<(&'static str, &'static str)>,
}

/// A demo sign-in for one member of a pair: who signs in as `local`, as
/// which party.
pub(crate) struct PairLogin {
    pub local: &'static str,
    pub party: Party,
    pub person: tandem_domain::ids::PersonId,
    pub who: String,
}

const DEMO_PROGRAMMES: [DemoProgramme; 5] = [
    DemoProgramme {
        key: "caf",
        mentors: &[
            ("Cafcass", "CAF0020"),
            ("Cafcass", "CAF0021"),
            ("Cafcass", "CAF0022"),
        ],
        mentee_organisation: "Cafcass",
        carers: false,
        managers_reports: Some(("Cafcass", "CAF0003")),
        pair_logins: None,
    },
    DemoProgramme {
        key: "cwt",
        // The demo mentor (second) has the agreed relationship.
        mentors: &[
            ("Health and Social Care Board", "HSCB0005"),
            ("Western Health and Social Care Trust", "WHSCT0002"),
            ("Public Health Agency", "PHA0006"),
            ("Health Service Executive West", "HSEW0007"),
        ],
        mentee_organisation: "Southern Health and Social Care Trust",
        carers: false,
        managers_reports: None,
        pair_logins: None,
    },
    DemoProgramme {
        key: "fun",
        mentors: &[],
        mentee_organisation: "Fun Foundations Day Nursery",
        carers: false,
        managers_reports: None,
        pair_logins: Some(("fun.mentor", "fun.mentee")),
    },
    DemoProgramme {
        key: "wsc",
        mentors: &[],
        mentee_organisation: "St Edmundsbury Borough Council",
        carers: false,
        managers_reports: None,
        pair_logins: None,
    },
    DemoProgramme {
        key: "afc",
        mentors: &[],
        mentee_organisation: "Achieving for Children IFA",
        carers: true,
        managers_reports: None,
        pair_logins: None,
    },
];

impl App {
    /// Seeds the demo relationships; see the module's documentation.
    /// Returns the pairs that get their own sign-in.
    pub(crate) async fn load_demo_relationships(
        &self,
        operator: &Operator,
    ) -> Result<Vec<PairLogin>, AppError> {
        let mut logins = Vec::new();
        for demo in &DEMO_PROGRAMMES {
            logins.extend(self.demo_programme_relationships(operator, demo).await?);
        }
        Ok(logins)
    }

    async fn demo_programme_relationships(
        &self,
        operator: &Operator,
        demo: &DemoProgramme,
    ) -> Result<Vec<PairLogin>, AppError> {
        let stored = self
            .store
            .programmes()
            .by_key(demo.key)
            .await?
            .ok_or_else(|| AppError::Internal(format!("demo programme {} is missing", demo.key)))?;
        let (_, programme, _) = self.matching_programme(stored.id).await?;
        let track = programme
            .tracks
            .first()
            .map(|t| t.key.as_str().to_owned())
            .ok_or_else(|| AppError::Internal(format!("{} has no track", demo.key)))?;

        // People: mentees who have no request here yet, and mentors.
        let org = self.organisation_named(demo.mentee_organisation).await?;
        let scope = match demo.managers_reports {
            Some((org_name, employee_id)) => PeopleScope {
                reports_of: Some(self.demo_person(org_name, employee_id).await?),
                ..PeopleScope::default()
            },
            None => PeopleScope {
                organisations: vec![org.id],
                ..PeopleScope::default()
            },
        };
        let (people, _) = self.store.people().list(&scope, "", 1000, 0).await?;
        let is_carer = |p: &PersonSummary| p.job_title == "Foster carer";
        let mut free = Vec::new();
        for person in &people {
            if self
                .store
                .requests()
                .open_for(stored.id, person.id)
                .await?
                .is_none()
            {
                free.push(person);
            }
        }
        let mut candidates: Vec<&PersonSummary> = free
            .into_iter()
            .filter(|p| is_carer(p) == demo.carers)
            .filter(|p| !matches!(p.job_title.as_str(), "Chief executive" | "Team manager"))
            .filter(|p| !p.job_title.starts_with("Head of service"))
            .collect();
        candidates.sort_by_key(|p| p.employee_id.clone());

        let mut mentor_people = Vec::new();
        for (org_name, employee_id) in demo.mentors {
            mentor_people.push(self.demo_person(org_name, employee_id).await?);
        }
        if mentor_people.is_empty() {
            // Two experienced people of the organisation volunteer (for
            // AFC, experienced carers): the last of the candidates.
            for _ in 0..2 {
                let person = candidates.pop().ok_or_else(|| {
                    AppError::Internal(format!("{}: too few demo people", demo.key))
                })?;
                mentor_people.push(person.id);
            }
        }
        let mut entries = Vec::new();
        for person in &mentor_people {
            let entry = match self.store.register().for_person(stored.id, *person).await? {
                Some(entry) => entry.id,
                None => {
                    let authority = operator.register_entry(stored.id, *person, false);
                    self.store
                        .register()
                        .put(&authority, &demo_profile())
                        .await?
                }
            };
            entries.push(entry);
        }
        let wanted = State::ALL.len() + usize::from(demo.pair_logins.is_some());
        if candidates.len() < wanted {
            return Err(AppError::Internal(format!(
                "{}: only {} demo mentees",
                demo.key,
                candidates.len()
            )));
        }

        let now = self.clock.now();
        for (index, state) in State::ALL.iter().enumerate() {
            // Each relationship started in the past (three days ago for
            // one still at its introduction), and its story is told at the
            // dates it happened, so dates, reviews and compliance are real.
            let days_ago = if *state == State::Introduced { 3 } else { 100 };
            let clock = Arc::new(FixedClock::at(now - Duration::days(days_ago)));
            let app = self.clone().with_clock(clock.clone());
            let mentee = candidates[index].id;
            let entry = entries[index % entries.len()];
            let proposal = self
                .demo_proposal(operator, stored.id, mentee, entry, &track)
                .await?;
            let id = app.demo_accept(operator, proposal).await?;
            app.drive_demo(operator, &programme, id, *state, &clock, now)
                .await
                .map_err(|error| {
                    AppError::Internal(format!(
                        "demo {} relationship {id} to {}: {error}",
                        demo.key,
                        state.as_str()
                    ))
                })?;
        }
        let Some((mentor_local, mentee_local)) = demo.pair_logins else {
            return Ok(Vec::new());
        };
        // One more pair, whose proposal waits for the mentor's answer.
        let mentee = candidates[State::ALL.len()];
        self.demo_proposal(operator, stored.id, mentee.id, entries[0], &track)
            .await?;
        Ok(vec![
            PairLogin {
                local: mentor_local,
                party: Party::Mentor,
                person: mentor_people[0],
                who: format!("mentor in {}, with a proposal to answer", stored.name),
            },
            PairLogin {
                local: mentee_local,
                party: Party::Mentee,
                person: mentee.id,
                who: format!("mentee in {}, waiting for that mentor", stored.name),
            },
        ])
    }

    /// A request of `mentee`, screened, and the proposal of `entry`'s mentor
    /// for it, as if the coordinator had chosen them.
    /// A request waiting to be screened, as the person made it.
    pub(crate) async fn demo_waiting_request(
        &self,
        operator: &Operator,
        programme: tandem_domain::ids::ProgrammeId,
        mentee: tandem_domain::ids::PersonId,
        track: &str,
    ) -> Result<tandem_domain::ids::RequestId, AppError> {
        Ok(self
            .store
            .requests()
            .create(
                &operator.request(programme, mentee),
                &NewRequest {
                    request: &demo_request(track),
                    source: RequestSource::Requested,
                    consultation: Consultation::NotNeeded,
                },
            )
            .await?)
    }

    pub(crate) async fn demo_proposal(
        &self,
        operator: &Operator,
        programme: tandem_domain::ids::ProgrammeId,
        mentee: tandem_domain::ids::PersonId,
        entry: tandem_domain::ids::MentorEntryId,
        track: &str,
    ) -> Result<tandem_domain::ids::ProposalId, AppError> {
        let request_id = self
            .demo_waiting_request(operator, programme, mentee, track)
            .await?;
        self.store
            .requests()
            .screen(&operator.screening(request_id), &ScreeningDecision::Accept)
            .await?;
        self.store
            .proposals()
            .create(
                &operator.matching(programme),
                &[NewProposal {
                    request_id,
                    mentor_entry_id: entry,
                    score: 10,
                    explanation: vec!["Chosen for the demo: +10".to_owned()],
                }],
            )
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| AppError::Internal("the demo proposal was not made".into()))
    }

    /// The mentor accepts a demo proposal, at this app's clock; returns
    /// the relationship that starts.
    pub(crate) async fn demo_accept(
        &self,
        operator: &Operator,
        proposal: tandem_domain::ids::ProposalId,
    ) -> Result<RelationshipId, AppError> {
        let data_key = self.vault.new_relationship_key(proposal)?;
        self.store
            .proposals()
            .answer(
                &operator.proposal_answer(proposal),
                &Answer::Accept,
                &data_key,
            )
            .await?;
        self.store
            .relationships()
            .of_proposal(proposal)
            .await?
            .ok_or_else(|| AppError::Internal("the demo relationship was not made".into()))
    }

    /// Moves one demo relationship to `target` the way its pair would.
    async fn drive_demo(
        &self,
        operator: &Operator,
        programme: &Programme,
        id: RelationshipId,
        target: State,
        clock: &FixedClock,
        now: OffsetDateTime,
    ) -> Result<(), AppError> {
        let row = self
            .store
            .relationships()
            .get(id)
            .await?
            .ok_or(AppError::NotFound)?;
        let rules = RelationshipRules::new(programme, &row.track)
            .map_err(|_| AppError::Internal("demo track".into()))?;
        let mentee = Acting::Operator(operator, Party::Mentee);
        let mentor = Acting::Operator(operator, Party::Mentor);
        let arranger = rules.introduction.arranged_by.unwrap_or(Party::Mentee);
        let at = |days_ago: i64| now - Duration::days(days_ago);

        // The introduction: arranged for next week, except where an SSW
        // arranges it (AFC), who finds it waiting on their home page.
        if target == State::Introduced {
            if arranger == Party::SupervisingSocialWorker {
                return Ok(());
            }
            let acting = Acting::Operator(operator, arranger);
            let input = IntroductionInput {
                date: (now + Duration::days(7)).date().to_string(),
                time: "10:00".into(),
                minutes: "60".into(),
                place: "Video call".into(),
            };
            self.arrange_introduction_as(&acting, id, &input).await?;
            // Where a line manager signs the time commitment (CAF), the
            // pair have drafted and signed, and it waits for the manager.
            if rules.agreement.signatories.contains(&Party::LineManager) {
                let drafter = rules.agreement.drafted_by.unwrap_or(Party::Mentee);
                let start = super::date_of(row.started_at);
                self.save_agreement_as(
                    &Acting::Operator(operator, drafter),
                    id,
                    &demo_agreement(&rules, start),
                )
                .await?;
                for party in [Party::Mentee, Party::Mentor] {
                    if rules.agreement.signatories.contains(&party) {
                        self.sign_agreement_as(&Acting::Operator(operator, party), id, 1)
                            .await?;
                    }
                }
            }
            return Ok(());
        }
        match target {
            State::NoMatch => {
                let reason = rules.no_match.reasons.first().copied();
                let event = Event::NoMatch {
                    reasons: reason.into_iter().collect(),
                    detail: "We both felt our working styles would not suit each other.".into(),
                };
                let acting = Acting::Operator(operator, Party::Mentee);
                self.relationship_step_as(&acting, id, StepRequest::Event(event))
                    .await?;
                return Ok(());
            }
            State::Withdrawn => {
                let event = Event::Withdraw {
                    category: LeaveCategory::ALL[0],
                    reason: Some("My caseload changed and I cannot give it the time now.".into()),
                };
                self.relationship_step_as(&mentee, id, StepRequest::Event(event))
                    .await?;
                return Ok(());
            }
            _ => {}
        }

        // Agree: draft, sign by everyone the programme names, confirm.
        clock.set(at(95));
        let drafter = rules.agreement.drafted_by.unwrap_or(Party::Mentee);
        let start = super::date_of(row.started_at);
        self.save_agreement_as(
            &Acting::Operator(operator, drafter),
            id,
            &demo_agreement(&rules, start),
        )
        .await?;
        for party in &rules.agreement.signatories {
            self.sign_agreement_as(&Acting::Operator(operator, *party), id, 1)
                .await?;
        }
        self.relationship_step_as(&mentee, id, StepRequest::Agree)
            .await?;
        if rules.records.action_plan {
            self.save_plan_as(&mentee, id, &demo_plan(at(95).date()))
                .await?;
        }
        // Meetings; the latest record waits for the other party to agree it.
        // The relationship that ended early stopped meeting after two.
        let meetings: &[(i64, &str)] = if target == State::EndedEarly {
            &[(
                70,
                "We talked through the first month and what to focus on.",
            )]
        } else {
            &[
                (
                    70,
                    "We talked through the first month and what to focus on.",
                ),
                (
                    40,
                    "Looked at how supervision is going and a difficult case.",
                ),
                (
                    12,
                    "Went over the report draft; two things to try before next time.",
                ),
            ]
        };
        for &(days_ago, notes) in meetings {
            clock.set(at(days_ago));
            let input = MeetingInput {
                date: at(days_ago).date().to_string(),
                minutes: "75".into(),
                kind: rules
                    .meetings
                    .kinds
                    .first()
                    .map_or("face_to_face", |kind| kind.as_str())
                    .to_owned(),
                notes: rules.records.notes_allowed.then(|| notes.to_owned()),
                action_points: Vec::new(),
            };
            let writer = Acting::Operator(operator, rules.records.written_by);
            let meeting = self.record_meeting_as(&writer, id, &input).await?;
            if days_ago != 12 && rules.records.notes_allowed {
                for party in &rules.records.agreed_by {
                    if *party != rules.records.written_by {
                        let _ = self
                            .change_meeting_record_as(
                                &Acting::Operator(operator, *party),
                                id,
                                meeting,
                                &super::MeetingRecordChange::Agree,
                            )
                            .await;
                    }
                }
            }
        }
        clock.set(at(1));
        if target == State::Agreed {
            return Ok(());
        }
        if target == State::EndedEarly {
            let event = Event::EndEarly {
                category: LeaveCategory::ALL[0],
                reason: Some("A change of job means I cannot continue.".into()),
            };
            self.relationship_step_as(&mentor, id, StepRequest::Event(event))
                .await?;
            return Ok(());
        }
        self.relationship_step_as(&mentee, id, StepRequest::Event(Event::StartReview))
            .await?;
        if target == State::UnderReview {
            return Ok(());
        }
        // Completion: every form answered and signed, the second
        // self-assessment, the closing supervision.
        for form in &rules.completion.forms {
            for (index, (_, who)) in form.sections.iter().enumerate() {
                self.record_completion_as(
                    &Acting::Operator(operator, *who),
                    id,
                    &CompletionStep::Answer {
                        item: super::view::section_item(form.key.as_str(), index),
                        text: "It helped me plan my development and I feel more confident.".into(),
                    },
                )
                .await?;
            }
            for who in &form.signed_by {
                self.record_completion_as(
                    &Acting::Operator(operator, *who),
                    id,
                    &CompletionStep::Confirm {
                        item: super::view::signature_item(form.key.as_str(), *who),
                    },
                )
                .await?;
            }
        }
        if let Some(key) = &rules.completion.after_self_assessment
            && let Some(questionnaire) = programme.questionnaires.iter().find(|q| &q.key == key)
        {
            let count = tandem_domain::register::mentee_questions(questionnaire).len();
            self.record_completion_as(
                &mentee,
                id,
                &CompletionStep::AfterSelfAssessment {
                    answers: vec!["4".to_owned(); count],
                },
            )
            .await?;
        }
        if let Some(who) = rules.completion.closing_supervision {
            self.record_completion_as(
                &Acting::Operator(operator, who),
                id,
                &CompletionStep::Confirm {
                    item: super::view::CLOSING_SUPERVISION.to_owned(),
                },
            )
            .await?;
        }
        self.relationship_step_as(&mentee, id, StepRequest::Complete)
            .await?;
        Ok(())
    }
}

pub(crate) fn demo_profile() -> MentorProfile {
    MentorProfile {
        experience: "Many years in the role; has supported new colleagues before.".to_owned(),
        experience_months: tandem_domain::programme::Months::parse(96).ok(),
        interests: "Reflective practice".to_owned(),
        expertise: "Settling into the role".to_owned(),
        style: "Practical and encouraging".to_owned(),
        languages: "English".to_owned(),
        location: "Face to face or by video".to_owned(),
        special_interests: String::new(),
        training_completed: true,
        experience_shown_by_appraisal: true,
        published: Vec::new(),
        capacity: 4,
        availability: Availability::Available,
    }
}

fn demo_request(track: &str) -> MentorRequest {
    MentorRequest {
        track: track.to_owned(),
        goals: "Grow in confidence in my role".to_owned(),
        help_needed: "Someone experienced to think things through with".to_owned(),
        preferred_style: "Practical".to_owned(),
        meeting_frequency: "Monthly".to_owned(),
        relationship_length: "Six months".to_owned(),
        meeting_location: "Video calls".to_owned(),
        other_team: true,
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
    }
}

/// An agreement the programme's rules accept: its planned length (six
/// months where the track sets none), monthly meetings of 60–90 minutes,
/// two hours a month, a review half way.
pub(crate) fn demo_agreement(rules: &RelationshipRules, start: time::Date) -> AgreementInput {
    let months = rules
        .track
        .planned_months()
        .map_or(6, |m| i64::from(m.get()));
    AgreementInput {
        clauses: rules
            .agreement
            .contents
            .iter()
            .map(|_| String::new())
            .collect(),
        length_months: months.to_string(),
        review_dates: vec![(start + Duration::days(months * 15)).to_string()],
        meet_every: "1".into(),
        meet_every_unit: "months".into(),
        min_minutes: "60".into(),
        max_minutes: "90".into(),
        contacts_per_week: String::new(),
        time_allowance_minutes: "120".into(),
        documents_to_coordinator: Vec::new(),
    }
}

fn demo_plan(today: time::Date) -> ActionPlanInput {
    let later = |days: i64| (today + Duration::days(days)).to_string();
    ActionPlanInput {
        needs: "Confidence leading group sessions".into(),
        strengths: "Warm with children and parents".into(),
        goals: vec![GoalInput {
            what: "Lead a group session each week".into(),
            measure: "Four sessions led, with feedback".into(),
            by: later(60),
            strategies: "Observe, co-lead, then lead".into(),
        }],
        actions: vec![ActionInput {
            point: ActionPointInput {
                what: "Observe a session led by the mentor".into(),
                owner: "mentee".into(),
                due: later(14),
            },
            goal: "1".into(),
        }],
        milestones: Vec::new(),
        review_dates: vec![later(90)],
        start: today.to_string(),
        completion: later(180),
    }
}
