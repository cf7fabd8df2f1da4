//! Relationships (issue 10), through the use cases, on every database:
//! scenarios from request to completion under each template's own rules,
//! who sees what, and that confidential content never reaches the
//! database in the clear.

use tandem_app::demo::DEMO_PASSWORD;
use tandem_app::relationships::{
    CompletionStep, IntroductionInput, MeetingRecordChange, MeetingsShown, StepRequest,
};
use tandem_app::{App, AppError, Principal};
use tandem_domain::ids::{MentorEntryId, PersonId, ProgrammeId, RequestId};
use tandem_domain::permissions::Operator;
use tandem_domain::programme::Party;
use tandem_domain::proposals::{Answer, ProposalStatus};
use tandem_domain::register::{
    Consultation, MentorRequest, RequestSource, RequestStatus, ScreeningDecision,
};
use tandem_domain::relationship::agreement::AgreementInput;
use tandem_domain::relationship::leaving::{LeaveCategory, NoMatchReason};
use tandem_domain::relationship::meetings::MeetingInput;
use tandem_domain::relationship::plan::{
    ActionInput, ActionPlanInput, ActionPointInput, GoalInput,
};
use tandem_domain::relationship::{Event, RelationshipId, State};
use tandem_store::test_support::{self, TestStore};
use tandem_store::{NewProposal, NewRequest};
use time::Duration;

/// Someone acting as themselves: the admin's account (only the audit
/// trail sees it), this person, no role grants.
fn person(admin: &Principal, person: PersonId, name: &str) -> Principal {
    Principal {
        account_id: admin.account_id,
        person_id: Some(person),
        display_name: name.to_owned(),
        grants: Vec::new(),
    }
}

struct Setup {
    app: App,
    admin: Principal,
}

async fn setup(db: &TestStore) -> Setup {
    let app = App::new(db.store.clone()).with_generated_master_key();
    app.load_demo().await.expect("demo loads");
    let admin = app
        .sign_in("admin@tandem.example", DEMO_PASSWORD)
        .await
        .expect("admin signs in")
        .principal;
    Setup { app, admin }
}

async fn programme(db: &TestStore, key: &str) -> ProgrammeId {
    db.store
        .programmes()
        .by_key(key)
        .await
        .expect("read")
        .expect("the programme")
        .id
}

/// A person of `organisation` with no open request in the programme and
/// no register entry: a fresh mentee.
async fn fresh_person(
    db: &TestStore,
    programme: ProgrammeId,
    organisation: &str,
    carer: bool,
) -> PersonId {
    let org = db
        .store
        .organisations()
        .by_name(organisation)
        .await
        .expect("read")
        .expect("organisation");
    let scope = tandem_domain::permissions::PeopleScope {
        organisations: vec![org.id],
        ..Default::default()
    };
    let (people, _) = db
        .store
        .people()
        .list(&scope, "", 1000, 0)
        .await
        .expect("people");
    for p in people.iter().rev() {
        if (p.job_title == "Foster carer") != carer {
            continue;
        }
        let open = db
            .store
            .requests()
            .open_for(programme, p.id)
            .await
            .expect("read");
        let entry = db
            .store
            .register()
            .for_person(programme, p.id)
            .await
            .expect("read");
        if open.is_none() && entry.is_none() && !p.job_title.contains("manager") {
            return p.id;
        }
    }
    panic!("no fresh person in {organisation}");
}

/// A request for `mentee`, screened in (the operator does the
/// coordinator's part).
async fn screened_request(
    db: &TestStore,
    programme: ProgrammeId,
    mentee: PersonId,
    body: &MentorRequest,
) -> RequestId {
    let operator = Operator::assume();
    let id = db
        .store
        .requests()
        .create(
            &operator.request(programme, mentee),
            &NewRequest {
                request: body,
                source: RequestSource::Requested,
                consultation: Consultation::NotNeeded,
            },
        )
        .await
        .expect("request");
    db.store
        .requests()
        .screen(&operator.screening(id), &ScreeningDecision::Accept)
        .await
        .expect("screened");
    id
}

/// A request for `mentee`, screened in and proposed to `entry`; returns
/// the request and the proposal (the operator does the coordinator's part).
async fn propose(
    db: &TestStore,
    programme: ProgrammeId,
    mentee: PersonId,
    entry: MentorEntryId,
    track: &str,
    request: Option<RequestId>,
) -> (RequestId, tandem_domain::ids::ProposalId) {
    let operator = Operator::assume();
    let request_id = match request {
        Some(id) => id,
        None => screened_request(db, programme, mentee, &request_body(track)).await,
    };
    let proposal = db
        .store
        .proposals()
        .create(
            &operator.matching(programme),
            &[NewProposal {
                request_id,
                mentor_entry_id: entry,
                score: 1,
                explanation: vec!["test: +1".into()],
            }],
        )
        .await
        .expect("proposal")[0];
    (request_id, proposal)
}

fn request_body(track: &str) -> MentorRequest {
    MentorRequest {
        track: track.to_owned(),
        goals: "Grow in the role".into(),
        help_needed: "A listening ear".into(),
        preferred_style: String::new(),
        meeting_frequency: String::new(),
        relationship_length: String::new(),
        meeting_location: String::new(),
        other_team: true,
        other_region: true,
        other_organisation: true,
        other_jurisdiction: true,
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

/// The mentor accepts; the relationship starts.
async fn accept(
    app: &App,
    mentor: &Principal,
    proposal: tandem_domain::ids::ProposalId,
) -> RelationshipId {
    app.answer_proposal(mentor, proposal, &Answer::Accept)
        .await
        .expect("accepted");
    app.relationship_of_proposal(mentor, proposal)
        .await
        .expect("read")
        .expect("the acceptance starts a relationship")
}

/// A register entry of the programme with a free place, and its person.
async fn mentor_entry(
    db: &TestStore,
    programme: ProgrammeId,
    not: &[MentorEntryId],
) -> (MentorEntryId, PersonId) {
    let entries = db
        .store
        .register()
        .list(programme, &tandem_store::RegisterFilter::default())
        .await
        .expect("register");
    let live = db
        .store
        .proposals()
        .live_per_entry(programme)
        .await
        .expect("live");
    let entry = entries
        .iter()
        .filter(|e| !not.contains(&e.id))
        .find(|e| live.get(&e.id).copied().unwrap_or(0) < e.capacity)
        .expect("a mentor with a free place");
    (entry.id, entry.person_id)
}

fn agreement(months: &str, start: time::Date, clause: &str, clauses: usize) -> AgreementInput {
    AgreementInput {
        clauses: (0..clauses)
            .map(|i| {
                if i == 0 {
                    clause.to_owned()
                } else {
                    String::new()
                }
            })
            .collect(),
        length_months: months.to_owned(),
        review_dates: vec![(start + Duration::days(60)).to_string()],
        meet_every: "1".into(),
        meet_every_unit: "months".into(),
        min_minutes: "60".into(),
        max_minutes: "90".into(),
        contacts_per_week: String::new(),
        time_allowance_minutes: "120".into(),
        documents_to_coordinator: Vec::new(),
    }
}

fn refused<T: std::fmt::Debug>(result: Result<T, AppError>) -> String {
    match result {
        Err(error) => error
            .refusal()
            .map(str::to_owned)
            .unwrap_or_else(|| panic!("expected a refusal, got {error:?}")),
        Ok(value) => panic!("expected a refusal, got {value:?}"),
    }
}

#[tokio::test]
async fn cwt_mentee_drafts_mentor_signs_no_notes_self_assessment_and_a_no_match_back_to_matching() {
    for db in test_support::all().await {
        let Setup { app, admin } = setup(&db).await;
        let cwt = programme(&db, "cwt").await;
        let mentee_id =
            fresh_person(&db, cwt, "Southern Health and Social Care Trust", false).await;
        let mentee = person(&admin, mentee_id, "Mentee");
        let (first_entry, first_mentor_id) = mentor_entry(&db, cwt, &[]).await;
        let first_mentor = person(&admin, first_mentor_id, "First mentor");
        let (request, proposal) =
            propose(&db, cwt, mentee_id, first_entry, "leadership", None).await;
        let register = db.store.register();
        let active_before = register
            .active_mentee_count(first_entry)
            .await
            .expect("count");
        let first = accept(&app, &first_mentor, proposal).await;
        // The mentor's active mentees count the relationship (REG-2), and
        // the mentee is among the people they have mentored.
        assert_eq!(
            register
                .active_mentee_count(first_entry)
                .await
                .expect("count"),
            active_before + 1,
            "{}",
            db.label
        );
        let mentored =
            |people: Vec<tandem_store::PersonSummary>| people.iter().any(|p| p.id == mentee_id);
        assert!(mentored(
            register
                .mentored_people(first_entry)
                .await
                .expect("mentored")
        ));
        let view = app
            .relationship(&mentee, first)
            .await
            .expect("the mentee sees it");
        assert_eq!(view.state, State::Introduced, "{}", db.label);

        // CWT 2.2.4: the mentee arranges the introduction, not the mentor.
        let tomorrow = (app.today() + Duration::days(1)).to_string();
        let intro = IntroductionInput {
            date: tomorrow,
            time: "10:30".into(),
            minutes: "60".into(),
            place: "Video call".into(),
        };
        refused(app.arrange_introduction(&first_mentor, first, &intro).await);
        app.arrange_introduction(&mentee, first, &intro)
            .await
            .expect("arranged");

        // A No Match with a reason sends the request back to matching and
        // that mentor is not proposed for it again (AGR-2).
        let no_reason = app
            .relationship_step(
                &mentee,
                first,
                StepRequest::Event(Event::NoMatch {
                    reasons: vec![],
                    detail: String::new(),
                }),
            )
            .await;
        refused(no_reason);
        let state = app
            .relationship_step(
                &mentee,
                first,
                StepRequest::Event(Event::NoMatch {
                    reasons: vec![NoMatchReason::ALL[0]],
                    detail: "We did not click.".into(),
                }),
            )
            .await
            .expect("No Match");
        assert_eq!(state, State::NoMatch);
        // The place is free again; the mentee stays among those mentored.
        assert_eq!(
            register
                .active_mentee_count(first_entry)
                .await
                .expect("count"),
            active_before,
            "{}",
            db.label
        );
        assert!(mentored(
            register
                .mentored_people(first_entry)
                .await
                .expect("mentored")
        ));
        let stored = db
            .store
            .requests()
            .get(request)
            .await
            .expect("read")
            .expect("request");
        assert_eq!(
            stored.status,
            RequestStatus::Accepted,
            "{}: back to matching",
            db.label
        );
        let authority = app
            .matching_authority(&admin, cwt)
            .await
            .expect("admin matches");
        let run = app.run_matching(&authority).await.expect("run");
        assert!(
            run.pairs
                .iter()
                .all(|p| !(p.request_id == request && p.mentor_entry_id == first_entry)),
            "{}: the former mentor is not proposed again",
            db.label
        );
        assert!(
            run.pairs.iter().any(|p| p.request_id == request)
                || run.unmatched.iter().any(|u| u.request_id == request),
            "{}: the request is in the run",
            db.label
        );
        // Nothing that ended can move again.
        refused(
            app.relationship_step(&mentee, first, StepRequest::Agree)
                .await,
        );

        // A second mentor accepts.
        let (second_entry, second_mentor_id) = mentor_entry(&db, cwt, &[first_entry]).await;
        let mentor = person(&admin, second_mentor_id, "Mentor");
        let (_, proposal) = propose(
            &db,
            cwt,
            mentee_id,
            second_entry,
            "leadership",
            Some(request),
        )
        .await;
        let id = accept(&app, &mentor, proposal).await;
        let view = app.relationship(&mentee, id).await.expect("view");
        let contents = view.rules.agreement.contents.len();
        let start = view.started_on;

        // The mentee drafts; the mentor may not.
        let draft = agreement("6", start, "We keep to the hour.", contents);
        refused(app.save_agreement(&mentor, id, &draft).await);
        app.save_agreement(&mentee, id, &draft)
            .await
            .expect("drafted");
        refused(app.relationship_step(&mentee, id, StepRequest::Agree).await);
        for signer in view.rules.agreement.signatories.clone() {
            let who = if signer == Party::Mentee {
                &mentee
            } else {
                &mentor
            };
            app.sign_agreement(who, id, 1).await.expect("signed");
        }
        assert_eq!(
            app.relationship_step(&mentee, id, StepRequest::Agree)
                .await
                .expect("agreed"),
            State::Agreed
        );

        // CWT keeps no notes: a meeting with notes is refused, one without is kept.
        let with_notes = MeetingInput {
            date: app.today().to_string(),
            minutes: "60".into(),
            kind: view
                .rules
                .meetings
                .kinds
                .first()
                .map_or("face_to_face", |k| k.as_str())
                .into(),
            notes: Some("What we said".into()),
            action_points: Vec::new(),
        };
        assert!(
            matches!(
                app.record_meeting(&mentor, id, &with_notes).await,
                Err(AppError::Invalid(_))
            ),
            "{}: notes are refused in a metadata-only programme",
            db.label
        );
        app.record_meeting(
            &mentor,
            id,
            &MeetingInput {
                notes: None,
                ..with_notes.clone()
            },
        )
        .await
        .expect("meeting recorded");

        // The administrator sees metadata, never the clauses; another mentee sees nothing.
        let overseen = app.relationship(&admin, id).await.expect("admin sees it");
        assert!(
            overseen
                .agreement
                .current()
                .expect("a version")
                .clauses
                .is_none()
        );
        assert_eq!(overseen.meetings.len(), 1);
        let stranger = person(&admin, first_mentor_id, "Another");
        assert!(matches!(
            app.relationship(&stranger, id).await,
            Err(AppError::NotFound)
        ));

        // Completion needs the second self-assessment (CWT 2.2.7).
        app.relationship_step(&mentee, id, StepRequest::Event(Event::StartReview))
            .await
            .expect("review");
        refused(
            app.relationship_step(&mentee, id, StepRequest::Complete)
                .await,
        );
        let questions = app
            .relationship(&mentee, id)
            .await
            .expect("view")
            .completion
            .after_questions
            .len();
        assert!(
            questions > 0,
            "{}: CWT asks the self-assessment again",
            db.label
        );
        app.record_completion(
            &mentee,
            id,
            &CompletionStep::AfterSelfAssessment {
                answers: vec!["3".into(); questions],
            },
        )
        .await
        .expect("answered");
        // And the joint review (CWT Template 4): each section answered by
        // its party, then signed by both.
        refused(
            app.relationship_step(&mentee, id, StepRequest::Complete)
                .await,
        );
        let items = app
            .relationship(&mentee, id)
            .await
            .expect("view")
            .completion
            .items;
        assert!(
            !items.is_empty(),
            "{}: CWT completes with a joint review",
            db.label
        );
        for item in items.iter().filter(|i| i.takes_answer) {
            let who = if item.party == Party::Mentee {
                &mentee
            } else {
                &mentor
            };
            app.record_completion(
                who,
                id,
                &CompletionStep::Answer {
                    item: item.item.clone(),
                    text: "It helped.".into(),
                },
            )
            .await
            .expect("answered");
        }
        for item in items.iter().filter(|i| !i.takes_answer) {
            let who = if item.party == Party::Mentee {
                &mentee
            } else {
                &mentor
            };
            app.record_completion(
                who,
                id,
                &CompletionStep::Confirm {
                    item: item.item.clone(),
                },
            )
            .await
            .expect("signed");
        }
        assert_eq!(
            app.relationship_step(&mentee, id, StepRequest::Complete)
                .await
                .expect("complete"),
            State::Completed
        );
        // The mentor's place is free again, and the request is closed.
        let live = db
            .store
            .proposals()
            .live_per_entry(cwt)
            .await
            .expect("live");
        let proposals = db
            .store
            .proposals()
            .of_programme(cwt)
            .await
            .expect("proposals");
        assert!(
            proposals
                .iter()
                .any(|p| p.id == proposal && p.status == ProposalStatus::Ended)
        );
        // The place counts only live proposals: the ended one no longer.
        let still_live = proposals
            .iter()
            .filter(|p| p.mentor_entry_id == second_entry && p.status.is_live())
            .count();
        assert_eq!(
            live.get(&second_entry).copied().unwrap_or(0),
            i64::try_from(still_live).expect("a count"),
            "{}",
            db.label
        );
        assert_eq!(
            db.store
                .requests()
                .get(request)
                .await
                .expect("read")
                .expect("request")
                .status,
            RequestStatus::Closed
        );
        // MAT-5: a later request of the same mentee is not proposed to a
        // former mentor in CWT (only AFC links them again).
        let (later, _) = {
            let operator = Operator::assume();
            let later = db
                .store
                .requests()
                .create(
                    &operator.request(cwt, mentee_id),
                    &NewRequest {
                        request: &request_body("leadership"),
                        source: RequestSource::Requested,
                        consultation: Consultation::NotNeeded,
                    },
                )
                .await
                .expect("a later request");
            db.store
                .requests()
                .screen(&operator.screening(later), &ScreeningDecision::Accept)
                .await
                .expect("screened");
            (later, ())
        };
        match app
            .override_pair(&authority, later, second_entry, "They worked well together")
            .await
        {
            Err(AppError::Invalid(errors)) => assert!(
                errors
                    .iter()
                    .any(|e| e.message.contains("mentored them before")),
                "{}: {errors:?}",
                db.label
            ),
            other => panic!("{}: the former mentor was allowed: {other:?}", db.label),
        }
        db.finish().await;
    }
}

#[tokio::test]
async fn fun_agreement_plan_mentor_log_agreed_by_the_mentee_stages_and_leaving() {
    for db in test_support::all().await {
        let Setup { app, admin } = setup(&db).await;
        let fun = programme(&db, "fun").await;
        let mentee_id = fresh_person(&db, fun, "Fun Foundations Day Nursery", false).await;
        let (entry, mentor_id) = mentor_entry(&db, fun, &[]).await;
        let mentee = person(&admin, mentee_id, "Mentee");
        let mentor = person(&admin, mentor_id, "Mentor");
        let track = db
            .store
            .programmes()
            .by_key("fun")
            .await
            .expect("read")
            .expect("fun");
        let track = tandem_domain::programme::Programme::from_toml_str(&track.settings)
            .expect("parses")
            .tracks[0]
            .key
            .as_str()
            .to_owned();
        let (_, proposal) = propose(&db, fun, mentee_id, entry, &track, None).await;
        let id = accept(&app, &mentor, proposal).await;
        let view = app.relationship(&mentee, id).await.expect("view");
        let rules = view.rules.clone();
        let drafter = rules.agreement.drafted_by.unwrap_or(Party::Mentee);
        let who = |party: Party| {
            if party == Party::Mentee {
                &mentee
            } else {
                &mentor
            }
        };
        // The pair send the plan, and only the plan, to the coordinator
        // (FUN Appendix A, 10).
        let sends_plan = AgreementInput {
            documents_to_coordinator: vec!["action_plan".into()],
            ..agreement("6", view.started_on, "", rules.agreement.contents.len())
        };
        app.save_agreement(who(drafter), id, &sends_plan)
            .await
            .expect("drafted");
        for signer in &rules.agreement.signatories {
            app.sign_agreement(who(*signer), id, 1)
                .await
                .expect("signed");
        }
        app.relationship_step(&mentee, id, StepRequest::Agree)
            .await
            .expect("agreed");

        // A SMART plan (FUN Appendix B).
        let today = app.today();
        let plan = ActionPlanInput {
            needs: "Confidence".into(),
            strengths: "Warmth".into(),
            goals: vec![GoalInput {
                what: "Lead circle time".into(),
                measure: "Four times".into(),
                by: (today + Duration::days(60)).to_string(),
                strategies: "Observe first".into(),
            }],
            actions: vec![ActionInput {
                point: ActionPointInput {
                    what: "Observe".into(),
                    owner: "mentee".into(),
                    due: (today + Duration::days(7)).to_string(),
                },
                goal: "1".into(),
            }],
            milestones: Vec::new(),
            review_dates: vec![(today + Duration::days(90)).to_string()],
            start: today.to_string(),
            completion: (today + Duration::days(180)).to_string(),
        };
        app.save_plan(&mentee, id, &plan).await.expect("plan saved");

        // The mentor writes the log, with an action point; the mentee agrees it (FUN Appendix C).
        assert!(rules.records.notes_allowed, "FUN keeps a mentor log");
        let kind = rules
            .meetings
            .kinds
            .first()
            .map_or("face_to_face", |k| k.as_str());
        let writer = who(rules.records.written_by);
        let meeting = app
            .record_meeting(
                writer,
                id,
                &MeetingInput {
                    date: today.to_string(),
                    minutes: "60".into(),
                    kind: kind.into(),
                    notes: Some("Talked about circle time.".into()),
                    action_points: vec![ActionPointInput {
                        what: "Try a song".into(),
                        owner: "mentee".into(),
                        due: (today + Duration::days(14)).to_string(),
                    }],
                },
            )
            .await
            .expect("logged");
        let other = rules
            .records
            .agreed_by
            .iter()
            .copied()
            .find(|p| *p != rules.records.written_by)
            .expect("someone agrees it");
        let before = app.relationship(who(other), id).await.expect("view");
        assert_eq!(before.meetings[0].awaiting, vec![other]);
        app.change_meeting_record(who(other), id, meeting, &MeetingRecordChange::Agree)
            .await
            .expect("agreed");
        let after = app.relationship(&mentee, id).await.expect("view");
        assert!(after.meetings[0].awaiting.is_empty());
        let plan = after.plan.expect("the plan");
        assert!(
            plan.actions
                .iter()
                .any(|a| a.point.what == "Try a song" && a.from_meeting.is_some()),
            "{}: the action point rolled into the plan",
            db.label
        );

        // A long relationship's page lists the latest 20 meetings; the
        // count, the records awaiting agreement and compliance take all.
        for n in 0..21 {
            app.record_meeting(
                writer,
                id,
                &MeetingInput {
                    date: today.to_string(),
                    minutes: "45".into(),
                    kind: kind.into(),
                    notes: Some(format!("Meeting {n}.")),
                    action_points: Vec::new(),
                },
            )
            .await
            .expect("logged");
        }
        // (listed, recorded in all, the record of the listed one at `at`)
        let listing = |view: &tandem_app::relationships::RelationshipView, at: usize| {
            let record = view.meetings[at].record.as_ref().map(|r| r.text.clone());
            (view.meetings.len(), view.meetings_total, record)
        };
        let latest = app.relationship(who(other), id).await.expect("view");
        assert_eq!(
            listing(&latest, 0),
            (20, 22, Some("Meeting 20.".to_owned())),
            "{}: the latest 20, latest first",
            db.label
        );
        assert_eq!(latest.records_awaiting_you, 21, "{}", db.label);
        let task = latest
            .tasks
            .iter()
            .find(|t| t.name == "Meetings")
            .expect("a meetings task");
        assert_eq!(task.next, "You agree the record of 21 meetings");
        let all = app
            .relationship_showing(who(other), id, MeetingsShown::All)
            .await
            .expect("view");
        assert_eq!(
            listing(&all, 21),
            (22, 22, Some("Talked about circle time.".to_owned())),
            "{}: all of them, the first last",
            db.label
        );
        // Agreeing one of the alike records moves it from their day's
        // count to its own; the counts follow it, and every day's count
        // stays true to the meetings held (what check-database checks).
        app.change_meeting_record(
            who(other),
            id,
            all.meetings[1].id,
            &MeetingRecordChange::Agree,
        )
        .await
        .expect("agreed");
        let agreed = app.relationship(who(other), id).await.expect("view");
        assert_eq!(
            (agreed.meetings_total, agreed.records_awaiting_you),
            (22, 20),
            "{}",
            db.label
        );
        assert_eq!(
            db.store.check_integrity().await.expect("checked"),
            Vec::<String>::new(),
            "{}",
            db.label
        );

        // An administrator sees neither the log nor the plan; the nursery's
        // coordinator sees the plan the agreement sends them, not the log.
        let overseen = app.relationship(&admin, id).await.expect("view");
        assert!(overseen.meetings[0].record.is_none() && overseen.plan.is_none());
        let nursery = db
            .store
            .organisations()
            .by_name("Fun Foundations Day Nursery")
            .await
            .expect("read")
            .expect("the nursery");
        let coordinator = Principal {
            account_id: admin.account_id,
            person_id: None,
            display_name: "Nursery coordinator".into(),
            grants: vec![
                tandem_domain::roles::RoleGrant::new(
                    tandem_domain::roles::Role::Coordinator,
                    Some(nursery.id),
                    None,
                )
                .expect("a grant"),
            ],
        };
        let seen = app
            .relationship(&coordinator, id)
            .await
            .expect("the coordinator's view");
        assert!(
            seen.plan.is_some(),
            "{}: the plan was sent to the coordinator",
            db.label
        );
        assert!(
            seen.meetings[0].record.is_none(),
            "{}: the log was not",
            db.label
        );
        assert!(
            seen.agreement
                .current()
                .and_then(|v| v.clauses.as_ref())
                .is_none()
        );

        // MTG-4 (FUN Appendix A, 2): 24 hours' notice and a new date.
        let ten = app.today().with_hms(10, 0, 0).expect("a time").assume_utc();
        let at_ten = app
            .clone()
            .with_clock(std::sync::Arc::new(tandem_app::FixedClock::at(ten)));
        let called_off = |date: time::Date, time: &str, new_date: &str| {
            tandem_app::relationships::CancellationInput {
                date: date.to_string(),
                time: time.to_owned(),
                new_date: new_date.to_owned(),
            }
        };
        let today = app.today();
        let later = (today + Duration::days(10)).to_string();
        at_ten
            .record_cancellation(&mentor, id, &called_off(today, "12:00", ""))
            .await
            .expect("two hours' notice, no new date");
        at_ten
            .record_cancellation(
                &mentee,
                id,
                &called_off(today + Duration::days(3), "10:00", ""),
            )
            .await
            .expect("three days' notice, no new date");
        at_ten
            .record_cancellation(&mentee, id, &called_off(today, "11:00", &later))
            .await
            .expect("an hour's notice, with a new date");
        assert!(matches!(
            at_ten
                .record_cancellation(&mentee, id, &called_off(today, "25:00", "yesterday"))
                .await,
            Err(AppError::Invalid(ref e)) if e.iter().any(|e| e.field == "time") && e.iter().any(|e| e.field == "new_date")
        ));
        use tandem_domain::relationship::meetings::CancellationStatus;
        let mut statuses: Vec<_> = app
            .relationship(&admin, id)
            .await
            .expect("the administrator sees them: metadata")
            .cancellations
            .iter()
            .map(|c| c.status)
            .collect();
        statuses.sort_by_key(|s| format!("{s:?}"));
        assert_eq!(
            statuses,
            vec![
                CancellationStatus::Fine,
                CancellationStatus::Late,
                CancellationStatus::NeedsNewDate
            ],
            "{}",
            db.label
        );

        // Stages (LIF-5).
        let stage = tandem_domain::relationship::stages::StageInput {
            process: rules.stages.process[1].clone(),
            cycle: String::new(),
        };
        app.set_stage(&mentor, id, &stage).await.expect("stage");
        assert_eq!(
            app.relationship(&mentee, id)
                .await
                .expect("view")
                .stage
                .0
                .as_deref(),
            Some(rules.stages.process[1].as_str())
        );

        // Asking for another mentor: back to matching, no recrimination.
        app.relationship_step(
            &mentee,
            id,
            StepRequest::Event(Event::RequestNewMentor {
                category: LeaveCategory::ALL[0],
                reason: Some("Private words".into()),
            }),
        )
        .await
        .expect("asked");
        let overseen = app.relationship(&admin, id).await.expect("view");
        let last = overseen.history.last().expect("history");
        assert!(last.words.is_none() && last.summary.contains(LeaveCategory::ALL[0].label()));
        let own = app.relationship(&mentee, id).await.expect("view");
        assert_eq!(
            own.history.last().and_then(|h| h.words.as_deref()),
            Some("Private words")
        );

        // A day counted wrong is named by check-database.
        db.miscount_meeting_days(45).await.expect("tampered");
        assert_eq!(
            db.store.check_integrity().await.expect("checked"),
            vec![format!(
                "relationship {id}: its meetings are not counted by day as they are held \
                 (relationship_meeting_days)"
            )],
            "{}",
            db.label
        );
        db.finish().await;
    }
}

/// Every kind of confidential content, written with a unique canary, is
/// found nowhere in the database's own bytes: not in the SQLite file (and
/// its write-ahead log), not in a `pg_dump` of PostgreSQL (issue 10 item 11).
#[tokio::test]
async fn no_confidential_content_reaches_the_database_in_the_clear() {
    for db in test_support::all().await {
        let Setup { app, admin } = setup(&db).await;
        let canary = |kind: &str| format!("CANARY-{kind}-7f3a9c");
        let fun = programme(&db, "fun").await;
        let mentee_id = fresh_person(&db, fun, "Fun Foundations Day Nursery", false).await;
        let (entry, mentor_id) = mentor_entry(&db, fun, &[]).await;
        let mentee = person(&admin, mentee_id, "Mentee");
        let mentor = person(&admin, mentor_id, "Mentor");
        let stored = db
            .store
            .programmes()
            .by_key("fun")
            .await
            .expect("read")
            .expect("fun");
        let track = tandem_domain::programme::Programme::from_toml_str(&stored.settings)
            .expect("parses")
            .tracks[0]
            .key
            .as_str()
            .to_owned();
        let (_, proposal) = propose(&db, fun, mentee_id, entry, &track, None).await;
        let id = accept(&app, &mentor, proposal).await;
        let rules = app.relationship(&mentee, id).await.expect("view").rules;
        let who = |party: Party| {
            if party == Party::Mentee {
                &mentee
            } else {
                &mentor
            }
        };
        let drafter = rules.agreement.drafted_by.unwrap_or(Party::Mentee);
        let start = app.today();
        app.save_agreement(
            who(drafter),
            id,
            &agreement(
                "6",
                start,
                &canary("clause"),
                rules.agreement.contents.len(),
            ),
        )
        .await
        .expect("drafted");
        for signer in &rules.agreement.signatories {
            app.sign_agreement(who(*signer), id, 1)
                .await
                .expect("signed");
        }
        app.relationship_step(&mentee, id, StepRequest::Agree)
            .await
            .expect("agreed");
        app.save_plan(
            &mentee,
            id,
            &ActionPlanInput {
                needs: canary("plan"),
                strengths: "Warmth".into(),
                goals: vec![GoalInput {
                    what: "Lead".into(),
                    measure: "Four times".into(),
                    by: (start + Duration::days(60)).to_string(),
                    strategies: String::new(),
                }],
                actions: vec![ActionInput {
                    point: ActionPointInput {
                        what: "Observe".into(),
                        owner: "mentee".into(),
                        due: (start + Duration::days(7)).to_string(),
                    },
                    goal: "1".into(),
                }],
                milestones: Vec::new(),
                review_dates: vec![(start + Duration::days(90)).to_string()],
                start: start.to_string(),
                completion: (start + Duration::days(180)).to_string(),
            },
        )
        .await
        .expect("plan");
        app.record_meeting(
            who(rules.records.written_by),
            id,
            &MeetingInput {
                date: start.to_string(),
                minutes: "60".into(),
                kind: rules
                    .meetings
                    .kinds
                    .first()
                    .map_or("face_to_face", |k| k.as_str())
                    .into(),
                notes: Some(canary("notes")),
                action_points: vec![ActionPointInput {
                    what: canary("action"),
                    owner: "mentee".into(),
                    due: (start + Duration::days(7)).to_string(),
                }],
            },
        )
        .await
        .expect("meeting");
        app.relationship_step(
            &mentee,
            id,
            StepRequest::Event(Event::EndEarly {
                category: LeaveCategory::ALL[0],
                reason: Some(canary("leaving")),
            }),
        )
        .await
        .expect("ended");
        // The pair can read every one of them back.
        let own = app.relationship(&mentee, id).await.expect("view");
        assert_eq!(
            own.history.last().and_then(|h| h.words.clone()),
            Some(canary("leaving"))
        );
        assert_eq!(
            own.agreement
                .current()
                .and_then(|v| v.clauses.as_ref())
                .map(|c| c[0].text.clone()),
            Some(canary("clause"))
        );

        let kinds = ["clause", "plan", "notes", "action", "leaving"];
        let haystack: Vec<u8> = if db.label == "sqlite" {
            app.shut_down().await.expect("checkpointed");
            let path = db
                .url
                .trim_start_matches("sqlite://")
                .split('?')
                .next()
                .expect("path")
                .to_owned();
            let mut bytes = std::fs::read(&path).expect("the database file");
            if let Ok(wal) = std::fs::read(format!("{path}-wal")) {
                bytes.extend(wal);
            }
            bytes
        } else {
            let pg_dump = std::env::var("TANDEM_TEST_PG_DUMP")
                .expect("TANDEM_TEST_PG_DUMP names pg_dump (scripts/with-postgres sets it)");
            let output = std::process::Command::new(pg_dump)
                .arg("--no-owner")
                .arg(&db.url)
                .output()
                .expect("pg_dump runs");
            assert!(
                output.status.success(),
                "pg_dump: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            assert!(output.stdout.len() > 10_000, "the dump holds the database");
            output.stdout
        };
        for kind in kinds {
            let needle = canary(kind);
            assert!(
                !haystack
                    .windows(needle.len())
                    .any(|w| w == needle.as_bytes()),
                "{}: the {kind} canary is in the database in the clear",
                db.label
            );
        }
        // And the check can fail: a value stored in the clear is found.
        assert!(
            haystack
                .windows(b"Fun Foundations".len())
                .any(|w| w == b"Fun Foundations"),
            "{}: the search sees the clear text that is there",
            db.label
        );
        if db.label != "sqlite" {
            app.close().await;
        }
        db.finish().await;
    }
}

/// Signs in a demo login.
async fn login(app: &App, email: &str) -> Principal {
    app.sign_in(email, DEMO_PASSWORD)
        .await
        .expect("a demo login")
        .principal
}

#[tokio::test]
async fn caf_the_line_manager_signs_the_time_commitment_and_sees_nothing_else() {
    for db in test_support::all().await {
        let Setup { app, admin } = setup(&db).await;
        let caf = programme(&db, "caf").await;
        let manager = login(&app, "manager@tandem.example").await;
        // A report of the demo line manager, new to a mentor request.
        let reports = db
            .store
            .people()
            .list(
                &tandem_domain::permissions::PeopleScope {
                    reports_of: manager.person_id,
                    ..Default::default()
                },
                "",
                1000,
                0,
            )
            .await
            .expect("reports")
            .0;
        let mut mentee_id = None;
        for p in reports.iter().rev() {
            if db
                .store
                .requests()
                .open_for(caf, p.id)
                .await
                .expect("read")
                .is_none()
                && db
                    .store
                    .register()
                    .for_person(caf, p.id)
                    .await
                    .expect("read")
                    .is_none()
            {
                mentee_id = Some(p.id);
                break;
            }
        }
        let mentee_id = mentee_id.expect("a report with no request");
        let (entry, mentor_id) = mentor_entry(&db, caf, &[]).await;
        let mentee = person(&admin, mentee_id, "Mentee");
        let mentor = person(&admin, mentor_id, "Mentor");
        let (_, proposal) = propose(&db, caf, mentee_id, entry, "change_of_role", None).await;
        let id = accept(&app, &mentor, proposal).await;
        let rules = app.relationship(&mentee, id).await.expect("view").rules;
        assert!(
            rules.agreement.signatories.contains(&Party::LineManager),
            "CAF 2: the line manager signs"
        );
        let drafter = rules.agreement.drafted_by.unwrap_or(Party::Mentee);
        let who = |p: Party| if p == Party::Mentee { &mentee } else { &mentor };
        app.save_agreement(
            who(drafter),
            id,
            &agreement(
                "6",
                app.today(),
                "Private aims",
                rules.agreement.contents.len(),
            ),
        )
        .await
        .expect("drafted");
        for party in [Party::Mentee, Party::Mentor] {
            if rules.agreement.signatories.contains(&party) {
                app.sign_agreement(who(party), id, 1).await.expect("signed");
            }
        }
        // Not in force until the line manager signs.
        refused(app.relationship_step(&mentee, id, StepRequest::Agree).await);
        let seen = app
            .relationship(&manager, id)
            .await
            .expect("the manager sees it exists");
        assert!(seen.existence_only());
        assert!(
            seen.agreement
                .time_commitment
                .as_deref()
                .is_some_and(|t| t.contains("120 minutes")),
            "{:?}",
            seen.agreement.time_commitment
        );
        assert!(
            seen.agreement
                .current()
                .and_then(|v| v.clauses.as_ref())
                .is_none(),
            "never the clauses"
        );
        assert!(seen.history.is_empty() && seen.meetings.is_empty());
        // The line manager may not draft or move it on.
        refused(
            app.save_agreement(
                &manager,
                id,
                &agreement("6", app.today(), "", rules.agreement.contents.len()),
            )
            .await,
        );
        app.sign_agreement(&manager, id, 1)
            .await
            .expect("the line manager signs");
        assert_eq!(
            app.relationship_step(&mentee, id, StepRequest::Agree)
                .await
                .expect("agreed"),
            State::Agreed
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn wsc_length_of_six_to_twelve_months_and_a_two_section_evaluation() {
    for db in test_support::all().await {
        let Setup { app, admin } = setup(&db).await;
        let wsc = programme(&db, "wsc").await;
        let mentee_id = fresh_person(&db, wsc, "St Edmundsbury Borough Council", false).await;
        let (entry, mentor_id) = mentor_entry(&db, wsc, &[]).await;
        let mentee = person(&admin, mentee_id, "Mentee");
        let mentor = person(&admin, mentor_id, "Mentor");
        let (_, proposal) = propose(&db, wsc, mentee_id, entry, "development", None).await;
        let id = accept(&app, &mentor, proposal).await;
        let rules = app.relationship(&mentee, id).await.expect("view").rules;
        let drafter = rules.agreement.drafted_by.unwrap_or(Party::Mentee);
        let who = |p: Party| if p == Party::Mentee { &mentee } else { &mentor };
        let n = rules.agreement.contents.len();
        for months in ["5", "13"] {
            match app
                .save_agreement(who(drafter), id, &agreement(months, app.today(), "", n))
                .await
            {
                Err(AppError::Invalid(errors)) => assert!(
                    errors.iter().any(|e| e.field == "length_months"),
                    "{}: {months} months is refused: {errors:?}",
                    db.label
                ),
                other => panic!("{months} months: {other:?}"),
            }
        }
        app.save_agreement(who(drafter), id, &agreement("9", app.today(), "", n))
            .await
            .expect("nine months");
        for party in &rules.agreement.signatories {
            app.sign_agreement(who(*party), id, 1)
                .await
                .expect("signed");
        }
        app.relationship_step(&mentee, id, StepRequest::Agree)
            .await
            .expect("agreed");
        app.relationship_step(&mentor, id, StepRequest::Event(Event::StartReview))
            .await
            .expect("review");
        // The evaluation form: a mentor section and a mentee section, each answered by its own party.
        let items = app
            .relationship(&mentee, id)
            .await
            .expect("view")
            .completion
            .items;
        let sections: Vec<_> = items.iter().filter(|i| i.takes_answer).collect();
        assert!(
            sections.iter().any(|i| i.party == Party::Mentor)
                && sections.iter().any(|i| i.party == Party::Mentee),
            "{items:?}"
        );
        let mentors_section = sections
            .iter()
            .find(|i| i.party == Party::Mentor)
            .expect("mentor's section");
        refused(
            app.record_completion(
                &mentee,
                id,
                &CompletionStep::Answer {
                    item: mentors_section.item.clone(),
                    text: "Not mine to answer".into(),
                },
            )
            .await,
        );
        // Signing before every section is answered is refused.
        let signature = items
            .iter()
            .find(|i| !i.takes_answer && i.party == Party::Mentee)
            .expect("the mentee signs");
        refused(
            app.record_completion(
                &mentee,
                id,
                &CompletionStep::Confirm {
                    item: signature.item.clone(),
                },
            )
            .await,
        );
        for item in &sections {
            app.record_completion(
                who(item.party),
                id,
                &CompletionStep::Answer {
                    item: item.item.clone(),
                    text: "Helpful".into(),
                },
            )
            .await
            .expect("answered");
        }
        for item in items.iter().filter(|i| !i.takes_answer) {
            app.record_completion(
                who(item.party),
                id,
                &CompletionStep::Confirm {
                    item: item.item.clone(),
                },
            )
            .await
            .expect("signed");
        }
        assert_eq!(
            app.relationship_step(&mentor, id, StepRequest::Complete)
                .await
                .expect("complete"),
            State::Completed
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn afc_the_ssw_arranges_newly_approved_lasts_six_months_adversity_three_and_a_former_mentor_may_link_again()
 {
    for db in test_support::all().await {
        let Setup { app, admin } = setup(&db).await;
        let afc = programme(&db, "afc").await;
        let ssw = login(&app, "ssw@tandem.example").await;
        for (track, months) in [("newly_approved", 6), ("adversity", 3)] {
            let mentee_id = fresh_person(&db, afc, "Achieving for Children IFA", true).await;
            let (entry, mentor_id) = mentor_entry(&db, afc, &[]).await;
            let mentee = person(&admin, mentee_id, "Carer");
            let mentor = person(&admin, mentor_id, "Experienced carer");
            let (_, proposal) = propose(&db, afc, mentee_id, entry, track, None).await;
            let id = accept(&app, &mentor, proposal).await;
            let rules = app.relationship(&mentee, id).await.expect("view").rules;
            assert!(
                rules.relink_former_mentor,
                "AFC: a former mentor may be linked again"
            );
            let intro = IntroductionInput {
                date: (app.today() + Duration::days(3)).to_string(),
                time: "11:00".into(),
                minutes: "60".into(),
                place: "The carers' home".into(),
            };
            refused(app.arrange_introduction(&mentee, id, &intro).await);
            app.arrange_introduction(&ssw, id, &intro)
                .await
                .expect("the SSW arranges it");
            let drafter = rules.agreement.drafted_by.unwrap_or(Party::Mentee);
            let who = |p: Party| if p == Party::Mentee { &mentee } else { &mentor };
            // The track's length is the most the agreement may say.
            let n = rules.agreement.contents.len();
            let too_long = agreement(&(months + 1).to_string(), app.today(), "", n);
            match app.save_agreement(who(drafter), id, &too_long).await {
                Err(AppError::Invalid(errors)) => {
                    assert!(
                        errors.iter().any(|e| e.field == "length_months"),
                        "{errors:?}"
                    )
                }
                other => panic!("{track}: {} months: {other:?}", months + 1),
            }
            let draft = agreement(&months.to_string(), app.today(), "", n);
            app.save_agreement(who(drafter), id, &draft)
                .await
                .expect("drafted");
            for party in &rules.agreement.signatories {
                let signer = if *party == Party::SupervisingSocialWorker {
                    &ssw
                } else {
                    who(*party)
                };
                app.sign_agreement(signer, id, 1).await.expect("signed");
            }
            app.relationship_step(&mentee, id, StepRequest::Agree)
                .await
                .expect("agreed");
            let view = app.relationship(&mentee, id).await.expect("view");
            let agreed = view.agreed_on.expect("agreed today");
            let planned = view.planned_end.expect("the track sets a length");
            assert_eq!(
                (planned.year() - agreed.year()) * 12
                    + (i32::from(u8::from(planned.month())) - i32::from(u8::from(agreed.month()))),
                months,
                "{}: {track} lasts {months} months",
                db.label
            );
            // AFC "Mentoring through adversity": a carer may be linked again
            // with a former mentor on a later request.
            app.relationship_step(
                &mentee,
                id,
                StepRequest::Event(Event::EndEarly {
                    category: LeaveCategory::ALL[0],
                    reason: None,
                }),
            )
            .await
            .expect("ended");
            let operator = Operator::assume();
            let later = db
                .store
                .requests()
                .create(
                    &operator.request(afc, mentee_id),
                    &NewRequest {
                        request: &request_body(track),
                        source: RequestSource::Requested,
                        consultation: Consultation::NotNeeded,
                    },
                )
                .await
                .expect("a later request");
            db.store
                .requests()
                .screen(&operator.screening(later), &ScreeningDecision::Accept)
                .await
                .expect("screened");
            let authority = app
                .matching_authority(&admin, afc)
                .await
                .expect("admin matches");
            app.override_pair(&authority, later, entry, "Linked again, as AFC allows")
                .await
                .unwrap_or_else(|e| {
                    panic!(
                        "{}: {track}: the former mentor may be linked again: {e:?}",
                        db.label
                    )
                });
        }
        db.finish().await;
    }
}

#[tokio::test]
async fn a_mentee_withdraws_an_open_request_but_not_one_a_mentor_has_accepted() {
    for db in test_support::all().await {
        let Setup { app, admin } = setup(&db).await;
        let cwt = programme(&db, "cwt").await;
        let mentee_id =
            fresh_person(&db, cwt, "Southern Health and Social Care Trust", false).await;
        let mentee = person(&admin, mentee_id, "Mentee");
        let (entry, mentor_id) = mentor_entry(&db, cwt, &[]).await;
        let (request, proposal) = propose(&db, cwt, mentee_id, entry, "leadership", None).await;
        // Someone else may not; the mentee may, and the waiting proposal goes too.
        let other = person(&admin, mentor_id, "Mentor");
        assert!(app.withdraw_request(&other, request).await.is_err());
        app.withdraw_request(&mentee, request)
            .await
            .expect("withdrawn");
        let stored = db
            .store
            .requests()
            .get(request)
            .await
            .expect("read")
            .expect("request");
        assert_eq!(stored.status, RequestStatus::Withdrawn, "{}", db.label);
        let proposals = db
            .store
            .proposals()
            .of_programme(cwt)
            .await
            .expect("proposals");
        assert!(
            proposals
                .iter()
                .any(|p| p.id == proposal && p.status == ProposalStatus::Withdrawn)
        );
        refused(app.withdraw_request(&mentee, request).await);

        // Once a mentor has accepted, the relationship is left instead.
        let (request, proposal) = propose(&db, cwt, mentee_id, entry, "leadership", None).await;
        accept(&app, &other, proposal).await;
        refused(app.withdraw_request(&mentee, request).await);
        assert_eq!(
            db.store
                .requests()
                .get(request)
                .await
                .expect("read")
                .expect("request")
                .status,
            RequestStatus::Accepted
        );
        db.finish().await;
    }
}

/// CWT lets mentees choose from the register (2.2.1): a mentor the mentee
/// names is proposed for them, marked as named; once that mentor has
/// declined the request, the run says why it cannot propose them, and the
/// mentee is matched as everyone else is.
#[tokio::test]
async fn cwt_a_mentor_the_mentee_names_is_proposed_or_the_run_says_why_not() {
    for db in test_support::all().await {
        let Setup { app, admin } = setup(&db).await;
        let cwt = programme(&db, "cwt").await;
        let mentee_id = fresh_person(&db, cwt, "Public Health Agency", false).await;
        let (named, named_mentor_id) = mentor_entry(&db, cwt, &[]).await;
        let operator = Operator::assume();
        let body = MentorRequest {
            named_mentor: Some(named),
            ..request_body("leadership")
        };
        let request = screened_request(&db, cwt, mentee_id, &body).await;

        let authority = operator.matching(cwt);
        let run = app.run_matching(&authority).await.expect("run");
        let pair = run
            .pairs
            .iter()
            .find(|p| p.request_id == request)
            .expect("the request is proposed for");
        assert_eq!(
            (
                pair.mentor_entry_id,
                pair.named_by_mentee,
                pair.overridden.as_deref()
            ),
            (named, true, None),
            "{}",
            db.label
        );

        // The named mentor declines: they are not proposed for it again,
        // and the run says why.
        let (_, proposals) = app.send_proposals(&authority).await.expect("sent");
        let proposal = db
            .store
            .proposals()
            .of_programme(cwt)
            .await
            .expect("proposals")
            .into_iter()
            .find(|p| p.request_id == request && proposals.contains(&p.id))
            .expect("sent to the named mentor");
        assert!(
            proposal
                .explanation_lines()
                .iter()
                .any(|l| l.contains("named by the mentee")),
            "{}: the mentor reads that they were named",
            db.label
        );
        // The mentee is told, in words, and never who.
        let mentee = person(&admin, mentee_id, "Mentee");
        let progress = |view: tandem_app::requests::RequestView| view.progress.unwrap_or_default();
        let said = progress(app.request_view(&mentee, request).await.expect("own"));
        assert_eq!(said, "A mentor is considering your request", "{}", db.label);
        let mentor = person(&admin, named_mentor_id, "Named mentor");
        app.answer_proposal(
            &mentor,
            proposal.id,
            &Answer::Decline {
                reason: tandem_domain::proposals::DeclineReason::ALL[0],
                detail: String::new(),
            },
        )
        .await
        .expect("declined");
        let said = progress(app.request_view(&mentee, request).await.expect("own"));
        assert!(
            said.contains("waiting for another mentor"),
            "{}: {said}",
            db.label
        );
        let home = app.home(&mentee).await.expect("home");
        assert!(
            home.own_requests.iter().any(|r| r.status == said),
            "{}: the home page says the same",
            db.label
        );
        let run = app.run_matching(&authority).await.expect("run");
        assert!(
            run.pairs
                .iter()
                .all(|p| !(p.request_id == request && p.mentor_entry_id == named)),
            "{}",
            db.label
        );
        assert_eq!(run.named_not_proposed.len(), 1, "{}: {run:?}", db.label);
        db.finish().await;
    }
}
