//! The mentor register, mentor requests, self-assessment and screening
//! (REG-1 to REG-5, REQ-1 to REQ-5), over the demo data.

use tandem_app::demo::DEMO_PASSWORD;
use tandem_app::requests::AnswersSince;
use tandem_app::{App, AppError, Principal};
use tandem_domain::ids::{AccountId, PersonId, ProgrammeId};
use tandem_domain::permissions::EntryView;
use tandem_domain::permissions::Operator;
use tandem_domain::programme::MentorIneligibility;
use tandem_domain::register::{
    MentorProfileInput, MentorRequestInput, ProfileField, ScreeningInput,
};
use tandem_domain::roles::{Role, RoleGrant};
use tandem_store::{RegisterFilter, test_support};

async fn signed_in(app: &App, local: &str) -> Principal {
    app.sign_in(&format!("{local}@tandem.example"), DEMO_PASSWORD)
        .await
        .expect("demo login")
        .principal
}

async fn person(app: &App, organisation: &str, employee_id: &str) -> PersonId {
    let org = app.organisation_named(organisation).await.expect("org");
    app.person_with_employee_id(&Operator::assume(), org.id, employee_id)
        .await
        .expect("read")
        .expect("person")
}

async fn someone(app: &App, organisation: &str, employee_id: &str, roles: &[Role]) -> Principal {
    let org = app.organisation_named(organisation).await.expect("org");
    Principal {
        account_id: AccountId::new(900),
        person_id: Some(person(app, organisation, employee_id).await),
        display_name: employee_id.to_owned(),
        grants: roles
            .iter()
            .map(|&role| RoleGrant {
                role,
                organisation_id: Some(org.id),
                programme_id: None,
            })
            .collect(),
    }
}

async fn programme(app: &App, key: &str) -> ProgrammeId {
    app.programme_named(&Operator::assume(), key)
        .await
        .expect("read")
        .expect("programme")
}

fn profile(capacity: &str) -> MentorProfileInput {
    MentorProfileInput {
        experience: "Twelve years".into(),
        expertise: "Budgets".into(),
        languages: "English, Polish".into(),
        published: vec![ProfileField::Expertise],
        capacity: capacity.into(),
        availability: "available".into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn requests_are_screened_first_come_first_served_and_each_role_sees_only_its_part() {
    for db in test_support::all().await {
        let app = App::new(db.store.clone()).with_generated_master_key();
        app.load_demo().await.expect("demo");
        let caf = programme(&app, "caf").await;
        let coordinator = signed_in(&app, "coordinator").await;
        let manager = signed_in(&app, "manager").await;
        let mentee = signed_in(&app, "mentee").await;

        // Home pages list what awaits each role.
        let home = app.home(&coordinator).await.expect("home");
        assert!(
            home.requests_to_screen
                .iter()
                .any(|d| d.programme_id == caf && d.awaiting == 3),
            "{}",
            db.label
        );
        // And who waits for a match: accepted requests with no live proposal.
        let queue = app.screening_queue(&coordinator, caf).await.expect("queue");
        let live = db.store.proposals().live_requests(caf).await.expect("live");
        // A request that already has a mentor proposed or agreed does not
        // wait for one.
        assert!(
            queue.accepted.iter().all(|i| !live.contains(&i.request.id)),
            "{}: no request with a live proposal is listed as waiting",
            db.label
        );
        let unmatched = queue
            .accepted
            .iter()
            .filter(|i| !live.contains(&i.request.id))
            .count();
        assert!(unmatched > 0, "{}: the demo has people waiting", db.label);
        assert!(
            home.requests_to_screen
                .iter()
                .any(|d| d.programme_id == caf && d.waiting_for_match == unmatched),
            "{}",
            db.label
        );
        // And the proposals waiting for their mentors, counted as listed.
        let waiting_answers = db
            .store
            .proposals()
            .of_programme(caf)
            .await
            .expect("proposals")
            .iter()
            .filter(|p| p.status == tandem_domain::proposals::ProposalStatus::AwaitingMentor)
            .count();
        assert!(
            home.requests_to_screen
                .iter()
                .any(|d| d.programme_id == caf && d.proposals_awaiting == waiting_answers),
            "{}",
            db.label
        );
        // The mentors' answers count from the coordinator's last visit;
        // on their first, from the last 7 days.
        assert!(
            home.requests_to_screen
                .iter()
                .all(|d| d.answers_since == AnswersSince::LastSevenDays),
            "{}: a first visit",
            db.label
        );
        let again = signed_in(&app, "coordinator").await;
        let home = app.home(&again).await.expect("home");
        assert!(
            home.requests_to_screen
                .iter()
                .all(|d| d.answers_since == AnswersSince::LastVisit(app.today())),
            "{}: since the sign-in before this one",
            db.label
        );
        let home = app.home(&manager).await.expect("home");
        assert_eq!(
            home.consultations.len(),
            1,
            "{}: the manager is consulted on the mentee's request",
            db.label
        );
        let home = app.home(&mentee).await.expect("home");
        assert_eq!(home.own_requests.len(), 1);

        // First come, first served.
        let queue = app.screening_queue(&coordinator, caf).await.expect("queue");
        let order: Vec<String> = queue
            .awaiting
            .iter()
            .map(|i| i.request.given_name.clone() + &i.request.person_id.to_string())
            .collect();
        let ids: Vec<PersonId> = queue.awaiting.iter().map(|i| i.request.person_id).collect();
        assert_eq!(
            ids,
            vec![
                person(&app, "Cafcass", "CAF0030").await,
                person(&app, "Cafcass", "CAF0011").await,
                person(&app, "Cafcass", "CAF0031").await
            ],
            "{}: {order:?}",
            db.label
        );
        assert!(
            queue
                .awaiting
                .windows(2)
                .all(|w| (w[0].request.created_at, w[0].request.id)
                    < (w[1].request.created_at, w[1].request.id))
        );
        let own_request = queue.awaiting[1].request.id;
        let other_request = queue.awaiting[0].request.id;

        // The mentee reads their own request, not another's.
        let view = app
            .request_view(&mentee, own_request)
            .await
            .expect("own request");
        assert!(!view.request.goals.is_empty());
        assert!(
            matches!(
                app.request_view(&mentee, other_request).await,
                Err(AppError::NotFound)
            ),
            "{}",
            db.label
        );

        // The line manager sees that it exists and the time, never the goals.
        let consulted = app.home(&manager).await.expect("home").consultations[0].request_id;
        assert_ne!(consulted, own_request);
        assert!(matches!(
            app.request_view(&mentee, consulted).await,
            Err(AppError::NotFound)
        ));
        assert!(
            matches!(
                app.request_view(&manager, own_request).await,
                Err(AppError::NotFound)
            ),
            "not their report"
        );
        let view = app
            .request_view(&manager, consulted)
            .await
            .expect("manager view");
        assert!(
            view.request.goals.is_empty() && view.request.help_needed.is_empty(),
            "{}",
            db.label
        );
        assert!(view.time_commitment.starts_with("Meetings in working time"));
        assert!(view.can_consult && !view.can_screen);
        assert!(
            app.answer_consultation(&manager, consulted, "maybe", "")
                .await
                .is_err()
        );
        // Concerns need words (issue 12 defect 6).
        match app
            .answer_consultation(&manager, consulted, "has_concerns", " ")
            .await
        {
            Err(AppError::Invalid(fields)) => assert_eq!(fields[0].field, "note", "{}", db.label),
            other => panic!("expected a field error, got {other:?}"),
        }
        app.answer_consultation(&manager, consulted, "has_concerns", "Inspection in March.")
            .await
            .expect("answered");
        let seen = app
            .request_view(&coordinator, consulted)
            .await
            .expect("the coordinator's view");
        assert_eq!(
            seen.request.consultation_note, "Inspection in March.",
            "{}",
            db.label
        );
        // The mentee whose request it is never reads the manager's words.
        let their_mentee = Principal {
            person_id: Some(seen.request.person_id),
            grants: Vec::new(),
            ..mentee.clone()
        };
        let theirs = app
            .request_view(&their_mentee, consulted)
            .await
            .expect("the mentee's own request");
        assert_eq!(
            theirs.access,
            tandem_domain::permissions::RequestAccess::Mentee
        );
        assert!(theirs.request.consultation_note.is_empty(), "{}", db.label);
        assert!(
            app.answer_consultation(&manager, consulted, "supports", "")
                .await
                .is_err(),
            "answered once"
        );
        assert!(
            app.home(&manager)
                .await
                .expect("home")
                .consultations
                .is_empty()
        );
        assert!(matches!(
            app.screen_request(
                &manager,
                consulted,
                &ScreeningInput {
                    decision: "accept".into(),
                    ..Default::default()
                }
            )
            .await,
            Err(AppError::Forbidden(_))
        ));

        // A second open request in the same programme is a clear error.
        let again = MentorRequestInput {
            track: "change_of_role".into(),
            goals: "x".into(),
            help_needed: "y".into(),
            ..Default::default()
        };
        match app.submit_request(&mentee, caf, &again).await {
            Err(AppError::Invalid(fields)) => {
                assert_eq!(fields[0].field, "programme", "{}", db.label)
            }
            other => panic!("{}: expected a field error, got {other:?}", db.label),
        }

        // Screening: a rejection needs a reason; a decision is made once.
        let reject = ScreeningInput {
            decision: "reject".into(),
            ..Default::default()
        };
        match app
            .screen_request(&coordinator, other_request, &reject)
            .await
        {
            Err(AppError::Invalid(fields)) => assert_eq!(fields[0].field, "reason"),
            other => panic!("expected a field error, got {other:?}"),
        }
        let reject = ScreeningInput {
            decision: "reject".into(),
            reason: "outside_target_group".into(),
            detail: "Not a new starter".into(),
        };
        app.screen_request(&coordinator, other_request, &reject)
            .await
            .expect("rejected");
        assert!(
            app.screen_request(&coordinator, other_request, &reject)
                .await
                .is_err()
        );
        app.screen_request(
            &coordinator,
            own_request,
            &ScreeningInput {
                decision: "accept".into(),
                ..Default::default()
            },
        )
        .await
        .expect("accepted");
        let queue = app.screening_queue(&coordinator, caf).await.expect("queue");
        assert_eq!(queue.awaiting.len(), 1);
        // The demo's relationships hold accepted requests too.
        assert!(queue.accepted.iter().any(|r| r.request.id == own_request));
        // Still open once accepted: no second request.
        assert!(app.submit_request(&mentee, caf, &again).await.is_err());
        // The rejected person may ask again.
        let rejected = someone(&app, "Cafcass", "CAF0030", &[Role::Mentee]).await;
        app.submit_request(&rejected, caf, &again)
            .await
            .expect("a new request after a rejection");
        db.finish().await;
    }
}

#[tokio::test]
async fn the_register_keeps_each_organisations_mentors_and_shows_mentees_only_what_is_published() {
    for db in test_support::all().await {
        let app = App::new(db.store.clone()).with_generated_master_key();
        app.load_demo().await.expect("demo");
        let cwt = programme(&app, "cwt").await;
        let board = someone(
            &app,
            "Health and Social Care Board",
            "HSCB0003",
            &[Role::Coordinator],
        )
        .await;

        // Identifying a mentor with a capacity that is too small saves nothing.
        let volunteer = someone(&app, "Health and Social Care Board", "HSCB0009", &[]).await;
        match app
            .save_register_entry(&board, cwt, Some("HSCB0009"), &profile("0"))
            .await
        {
            Err(AppError::Invalid(fields)) => {
                assert_eq!(fields[0].field, "capacity", "{}", db.label)
            }
            other => panic!("expected a field error, got {other:?}"),
        }
        let mentor_person = volunteer.person_id.expect("a person");
        assert!(
            db.store
                .register()
                .for_person(cwt, mentor_person)
                .await
                .expect("read")
                .is_none()
        );
        // CAWT's mentors are identified, not volunteers (REG-3).
        match app
            .save_register_entry(&volunteer, cwt, None, &profile("2"))
            .await
        {
            Err(AppError::Invalid(fields)) => {
                assert_eq!(fields[0].field, "volunteer", "{}", db.label)
            }
            other => panic!("expected a field error, got {other:?}"),
        }
        // Adding a mentor without saying who is an error, not the
        // coordinator volunteering themselves (issue 12 defect 1).
        match app
            .save_register_entry(&board, cwt, Some("  "), &profile("2"))
            .await
        {
            Err(AppError::Invalid(fields)) => {
                assert_eq!(fields[0].field, "person", "{}", db.label)
            }
            other => panic!("expected a field error, got {other:?}"),
        }
        let entry = app
            .save_register_entry(&board, cwt, Some("HSCB0009"), &profile("2"))
            .await
            .expect("identified");
        assert_eq!(
            db.store
                .register()
                .get(entry)
                .await
                .expect("read")
                .expect("row")
                .recruited,
            tandem_domain::register::Recruited::Identified
        );
        // Cafcass takes volunteers.
        let caf_volunteer = someone(&app, "Cafcass", "CAF0040", &[]).await;
        let caf_entry = app
            .save_register_entry(
                &caf_volunteer,
                programme(&app, "caf").await,
                None,
                &profile("1"),
            )
            .await
            .expect("volunteers");
        assert_eq!(
            db.store
                .register()
                .get(caf_entry)
                .await
                .expect("read")
                .expect("row")
                .recruited,
            tandem_domain::register::Recruited::Volunteered
        );
        // A volunteer cannot certify their own training or appraisal: what
        // they send for those is not taken (issue 12 defect 2).
        let mut self_certified = profile("1");
        self_certified.training_completed = true;
        self_certified.experience_shown_by_appraisal = true;
        app.update_register_entry(&caf_volunteer, caf_entry, &self_certified)
            .await
            .expect("saved");
        let row = db
            .store
            .register()
            .get(caf_entry)
            .await
            .expect("read")
            .expect("row");
        assert_eq!(
            (row.training_completed, row.experience_shown_by_appraisal),
            (false, false),
            "{}",
            db.label
        );
        let (_, own_view) = app
            .register_entry(&caf_volunteer, caf_entry)
            .await
            .expect("their own entry");
        assert!(
            own_view.can_edit && !own_view.certifies,
            "{}: they edit it but do not certify themselves",
            db.label
        );

        // Untrained: the programme takes trained mentors only (REG-3).
        let (_, seen) = app
            .register_entry(&board, entry)
            .await
            .expect("the board's coordinator sees it");
        assert_eq!(seen.view, EntryView::Full);
        assert_eq!(
            seen.ineligible,
            vec![MentorIneligibility::NotTrained],
            "{}",
            db.label
        );
        assert!(
            seen.can_edit && seen.certifies,
            "the board keeps its mentors"
        );
        let mut trained = profile("2");
        trained.training_completed = true;
        app.update_register_entry(&board, entry, &trained)
            .await
            .expect("the board keeps its mentors");
        assert!(
            app.register_entry(&board, entry)
                .await
                .expect("read")
                .1
                .eligible()
        );

        // A coordinator of another organisation cannot edit the board's mentor.
        let western = someone(
            &app,
            "Western Health and Social Care Trust",
            "WHSCT0003",
            &[Role::Coordinator],
        )
        .await;
        assert!(
            app.update_register_entry(&western, entry, &trained)
                .await
                .is_err(),
            "{}",
            db.label
        );
        assert!(
            app.save_register_entry(&western, cwt, Some("HSCB0009"), &trained)
                .await
                .is_err()
        );
        assert!(
            app.save_register_entry(&board, cwt, Some("HSCB0010"), &trained)
                .await
                .is_ok(),
            "identifying a mentor"
        );

        // A mentee of a taking-part organisation browses published fields.
        let mentee = someone(
            &app,
            "Health Service Executive Dublin North East",
            "HSED0011",
            &[Role::Mentee],
        )
        .await;
        let register = app
            .register(&mentee, cwt, &RegisterFilter::default(), 1, 50)
            .await
            .expect("browse");
        assert!(register.mentees_choose);
        let mine = register
            .entries
            .iter()
            .find(|e| e.id == entry)
            .expect("listed");
        assert_eq!(mine.view, EntryView::Published);
        assert_eq!(mine.profile.expertise, "Budgets");
        assert!(
            mine.profile.experience.is_empty() && mine.profile.languages.is_empty(),
            "{}: unpublished fields stay hidden",
            db.label
        );
        assert!(mine.ineligible.is_empty() && !mine.can_edit);
        let polish = app
            .register(
                &mentee,
                cwt,
                &RegisterFilter {
                    language: Some("polish".into()),
                    ..Default::default()
                },
                1,
                50,
            )
            .await
            .expect("filter");
        // The demo's PHA mentor publishes languages; this volunteer does not,
        // but filters run on the stored profile and the listing hides it.
        assert!(
            polish
                .entries
                .iter()
                .any(|e| e.profile.languages.contains("Polish"))
        );
        assert!(
            polish.entries.iter().all(|e| e.id != entry),
            "{}: filtering does not reveal unpublished fields",
            db.label
        );
        let full = app
            .register(
                &mentee,
                cwt,
                &RegisterFilter {
                    availability: Some("full".into()),
                    ..Default::default()
                },
                1,
                50,
            )
            .await
            .expect("filter");
        assert!(
            full.entries
                .iter()
                .all(|e| e.profile.availability.as_str() == "full")
        );

        // No browsing where the programme does not let mentees choose.
        let caf = programme(&app, "caf").await;
        let caf_mentee = signed_in(&app, "mentee").await;
        let closed = app
            .register(&caf_mentee, caf, &RegisterFilter::default(), 1, 50)
            .await
            .expect("own view");
        assert!(
            !closed.mentees_choose && closed.entries.is_empty(),
            "{}",
            db.label
        );

        // Self-assessment before screening (REQ-2).
        let request = app
            .submit_request(
                &mentee,
                cwt,
                &MentorRequestInput {
                    track: "leadership".into(),
                    goals: "Lead".into(),
                    help_needed: "Influence".into(),
                    named_mentor: entry.to_string(),
                    ..Default::default()
                },
            )
            .await
            .expect("request with a named mentor");
        let form = app
            .self_assessment_form(&mentee, request)
            .await
            .expect("form");
        assert_eq!(form.questions.len(), 11);
        match app
            .save_self_assessment(&mentee, request, &["3".to_owned()])
            .await
        {
            Err(AppError::Invalid(fields)) => assert_eq!(fields[0].field, "q2"),
            other => panic!("expected field errors, got {other:?}"),
        }
        // The screening queue marks who has answered, in one query.
        let admin = signed_in(&app, "admin").await;
        let marked = |queue: tandem_app::requests::ScreeningQueue| {
            queue
                .awaiting
                .iter()
                .find(|item| item.request.id == request)
                .and_then(|item| item.self_assessed)
        };
        assert_eq!(
            marked(app.screening_queue(&admin, cwt).await.expect("queue")),
            Some(false),
            "{}",
            db.label
        );
        let answers = vec!["4".to_owned(); 11];
        app.save_self_assessment(&mentee, request, &answers)
            .await
            .expect("saved");
        assert_eq!(
            marked(app.screening_queue(&admin, cwt).await.expect("queue")),
            Some(true),
            "{}",
            db.label
        );
        assert_eq!(
            app.self_assessment_form(&mentee, request)
                .await
                .expect("form")
                .answers,
            Some(vec![4; 11])
        );
        assert!(
            app.self_assessment_form(&board, request).await.is_err(),
            "only the mentee answers"
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn automatic_enrolment_creates_requests_for_new_starters_once() {
    for db in test_support::all().await {
        let app = App::new(db.store.clone()).with_generated_master_key();
        app.load_demo().await.expect("demo");
        let today = time::macros::date!(2026 - 12 - 31);
        let first = app
            .enrol_automatically(&Operator::assume(), "caf", today, 365)
            .await
            .expect("enrols");
        assert!(
            first.created > 0,
            "{}: the demo has new starters this year",
            db.label
        );
        let second = app
            .enrol_automatically(&Operator::assume(), "caf", today, 365)
            .await
            .expect("enrols");
        assert_eq!(second.created, 0);
        assert!(second.already_open >= first.created);
        assert!(
            app.enrol_automatically(&Operator::assume(), "fun", today, 365)
                .await
                .is_err(),
            "FUN enrols nobody automatically"
        );
        // AFC offers mentoring to newly approved carers: by approval date,
        // and carers only.
        let afc = app
            .enrol_automatically(&Operator::assume(), "afc", today, 3650)
            .await
            .expect("enrols");
        assert!(afc.created > 0, "{}", db.label);
        let afc_id = programme(&app, "afc").await;
        let queue = db
            .store
            .requests()
            .with_status(
                afc_id,
                tandem_domain::register::RequestStatus::AwaitingScreening,
                None,
            )
            .await
            .expect("queue");
        assert_eq!(queue.len() as u64, afc.created);
        for request in &queue {
            let person = db
                .store
                .people()
                .get(request.person_id)
                .await
                .expect("read")
                .expect("person");
            assert_eq!(person.employment_type, "foster_carer_household");
            assert_eq!(
                request.source,
                tandem_domain::register::RequestSource::Automatic
            );
        }
        db.finish().await;
    }
}

/// A mentee with an open request learns nothing about which register ids
/// exist: the duplicate is refused before the named mentor is looked at
/// (issue 9 item 10).
#[tokio::test]
async fn a_second_request_does_not_reveal_which_register_entries_exist() {
    for db in test_support::all().await {
        let app = App::new(db.store.clone()).with_generated_master_key();
        app.load_demo().await.expect("demo");
        let cwt = programme(&app, "cwt").await;
        let mentee = someone(&app, "Public Health Agency", "PHA0012", &[Role::Mentee]).await;
        let register = db
            .store
            .register()
            .list(cwt, &tandem_store::RegisterFilter::default())
            .await
            .expect("register");
        let existing = register[0].id.to_string();
        let mut fields_seen = Vec::new();
        for named in ["999999", existing.as_str()] {
            let again = MentorRequestInput {
                track: "leadership".into(),
                goals: "x".into(),
                help_needed: "y".into(),
                named_mentor: named.to_owned(),
                ..Default::default()
            };
            match app.submit_request(&mentee, cwt, &again).await {
                Err(AppError::Invalid(fields)) => fields_seen.push(fields[0].field.clone()),
                other => panic!("{}: expected a field error, got {other:?}", db.label),
            }
        }
        assert_eq!(
            fields_seen,
            vec!["programme", "programme"],
            "{}: the same answer whether the entry exists or not",
            db.label
        );
        db.finish().await;
    }
}
