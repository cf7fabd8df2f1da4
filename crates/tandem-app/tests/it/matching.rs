use tandem_app::demo::DEMO_PASSWORD;
use tandem_app::{App, AppError, Principal};
use tandem_domain::ids::{AccountId, MentorEntryId, OrganisationId, ProgrammeId, RequestId};
use tandem_domain::proposals::{Answer, DeclineReason};
use tandem_domain::register::ScreeningInput;
use tandem_domain::roles::{Role, RoleGrant};
use tandem_store::test_support;

/// The points at the end of an explanation line ("…: +8").
fn points(line: &str) -> i64 {
    line.rsplit(": ")
        .next()
        .and_then(|p| p.trim_start_matches('+').parse().ok())
        .unwrap_or_else(|| panic!("no points in {line}"))
}

/// The demo, its CAF coordinator signed in, and the CAF programme.
async fn demo_caf(db: &test_support::TestStore) -> (App, Principal, ProgrammeId) {
    let app = App::new(db.store.clone()).with_generated_master_key();
    app.load_demo().await.expect("demo");
    let coordinator = app
        .sign_in("coordinator@tandem.example", DEMO_PASSWORD)
        .await
        .expect("signs in")
        .principal;
    let caf = db
        .store
        .programmes()
        .by_key("caf")
        .await
        .expect("query")
        .expect("caf")
        .id;
    (app, coordinator, caf)
}

#[tokio::test]
async fn matching_proposes_explains_sends_and_mentors_answer() {
    for db in test_support::all().await {
        let (app, coordinator, caf) = demo_caf(&db).await;

        // Screen every waiting request in, first come first served.
        let waiting = db
            .store
            .requests()
            .with_status(
                caf,
                tandem_domain::register::RequestStatus::AwaitingScreening,
                None,
            )
            .await
            .expect("queue");
        assert!(
            waiting.len() >= 2,
            "{}: the demo has requests to screen",
            db.label
        );
        // A request back in matching after the demo's No Match waits too.
        let back_in_matching = {
            let authority = app
                .matching_authority(&coordinator, caf)
                .await
                .expect("the coordinator may match");
            app.run_matching(&authority).await.expect("a run").waiting
        };
        for request in &waiting {
            let accept = ScreeningInput {
                decision: "accept".into(),
                reason: String::new(),
                detail: String::new(),
            };
            app.screen_request(&coordinator, request.id, &accept)
                .await
                .expect("accepted");
        }

        let authority = app
            .matching_authority(&coordinator, caf)
            .await
            .expect("the coordinator may match");
        let run = app.run_matching(&authority).await.expect("a proposal");
        assert_eq!(
            run.waiting,
            waiting.len() + back_in_matching,
            "{}",
            db.label
        );
        assert_eq!(run.pairs.len() + run.unmatched.len(), run.waiting);
        assert!(
            !run.pairs.is_empty(),
            "{}: the demo's mentors have room",
            db.label
        );
        let mut per_mentor = std::collections::HashMap::new();
        for pair in &run.pairs {
            let explained: i64 = pair.explanation.iter().map(|l| points(l)).sum();
            assert_eq!(
                explained, pair.score,
                "{}: the explanation adds up to the score: {:?}",
                db.label, pair.explanation
            );
            *per_mentor.entry(pair.mentor_entry_id).or_insert(0) += 1;
        }
        assert!(
            per_mentor.values().all(|&n| n <= 2),
            "capacity 2 is respected"
        );
        assert_eq!(
            run.total_score,
            run.pairs.iter().map(|p| p.score).sum::<i64>()
        );

        // The coordinator overrides one pair with a reason; the rest is
        // optimised around it.
        let first = &run.pairs[0];
        let others: Vec<MentorEntryId> = db
            .store
            .register()
            .list(caf, &tandem_store::RegisterFilter::default())
            .await
            .expect("register")
            .iter()
            .map(|e| e.id)
            .filter(|&id| id != first.mentor_entry_id)
            .collect();
        let no_reason = app
            .override_pair(&authority, first.request_id, others[0], "  ")
            .await;
        assert!(matches!(no_reason, Err(AppError::Invalid(ref e)) if e[0].field == "reason"));
        let cwt = db
            .store
            .programmes()
            .by_key("cwt")
            .await
            .expect("query")
            .expect("cwt")
            .id;
        let cwt_mentor = db
            .store
            .register()
            .list(cwt, &tandem_store::RegisterFilter::default())
            .await
            .expect("register")[0]
            .id;
        let elsewhere = app
            .override_pair(
                &authority,
                first.request_id,
                cwt_mentor,
                "They asked for her",
            )
            .await;
        assert!(
            matches!(elsewhere, Err(AppError::Invalid(ref e)) if e[0].field == "mentor"),
            "{}",
            db.label
        );
        app.override_pair(
            &authority,
            first.request_id,
            others[0],
            "They worked together well before",
        )
        .await
        .expect("override recorded");
        let run = app
            .run_matching(&authority)
            .await
            .expect("with the override");
        let overridden = run
            .pairs
            .iter()
            .find(|p| p.request_id == first.request_id)
            .expect("still matched");
        assert_eq!(overridden.mentor_entry_id, others[0], "{}", db.label);
        assert_eq!(
            overridden.overridden.as_deref(),
            Some("They worked together well before")
        );
        let events = db.store.audit().recent(20).await.expect("events");
        assert!(
            events
                .iter()
                .any(|e| e.action == tandem_domain::audit::AuditAction::MatchingOverridden),
            "the override is recorded"
        );

        // Nothing is stored until the proposals are sent.
        assert_eq!(
            app.run_matching(&authority).await.expect("again").waiting,
            waiting.len() + back_in_matching
        );
        let (sent, ids) = app.send_proposals(&authority).await.expect("sent");
        let stored_override = db
            .store
            .proposals()
            .of_programme(caf)
            .await
            .expect("proposals");
        assert!(
            stored_override.iter().any(|p| p
                .explanation
                .contains("chosen by the coordinator: They worked together well before")),
            "{}: the reason travels with the proposal",
            db.label
        );
        assert!(
            db.store
                .proposals()
                .overrides(caf)
                .await
                .expect("overrides")
                .is_empty(),
            "a sent override is spent"
        );
        assert_eq!(ids.len(), sent.pairs.len(), "{}", db.label);
        let after = app.run_matching(&authority).await.expect("after sending");
        assert_eq!(
            after.waiting,
            waiting.len() + back_in_matching - sent.pairs.len(),
            "{}: proposed requests wait for the mentor",
            db.label
        );

        // Only the mentor asked may read and answer a proposal.
        let proposal = db
            .store
            .proposals()
            .get(ids[0])
            .await
            .expect("query")
            .expect("stored");
        let mentor = Principal {
            account_id: AccountId::new(9_999),
            person_id: Some(proposal.mentor_person_id),
            display_name: proposal.mentor_name.clone(),
            grants: vec![
                RoleGrant::new(Role::Mentor, Some(OrganisationId::new(1)), None).expect("grant"),
            ],
        };
        assert!(matches!(
            app.proposal_for_mentor(&coordinator, ids[0]).await,
            Err(AppError::NotFound)
        ));
        assert_eq!(
            app.proposals_to_answer(&mentor)
                .await
                .expect("list")
                .iter()
                .filter(|p| p.id == ids[0])
                .count(),
            1
        );
        let seen = app
            .proposal_for_mentor(&mentor, ids[0])
            .await
            .expect("their proposal");
        assert_eq!(
            seen.explanation_lines().len(),
            sent.pairs[0].explanation.len() + usize::from(sent.pairs[0].overridden.is_some())
        );
        let decline = Answer::Decline {
            reason: DeclineReason::NotEnoughTime,
            detail: String::new(),
        };
        app.answer_proposal(&mentor, ids[0], &decline)
            .await
            .expect("declined");
        assert!(
            matches!(
                app.proposal_with_request(&mentor, ids[0]).await,
                Err(AppError::NotFound)
            ),
            "{}: a mentor who declined no longer reads the request",
            db.label
        );
        let again = app.answer_proposal(&mentor, ids[0], &Answer::Accept).await;
        assert!(
            matches!(again, Err(AppError::Invalid(ref e)) if e[0].message == "This proposal has already been answered")
        );
        let stored = db
            .store
            .proposals()
            .get(ids[0])
            .await
            .expect("query")
            .expect("stored");
        assert_eq!(
            (stored.status.as_str(), stored.decline_reason.as_deref()),
            ("declined", Some("not_enough_time"))
        );
        assert_eq!(
            app.run_matching(&authority)
                .await
                .expect("after the decline")
                .waiting,
            after.waiting + 1,
            "{}: a declined request waits for a substitute (MAT-5)",
            db.label
        );
        db.finish().await;
    }
}

/// Two views that find no stored run at once work it out once: the second
/// waits for the first and reads what it stored, so both show the same
/// run (at national scale a run takes seconds, and two would take twice
/// the machine).
#[tokio::test]
async fn views_that_find_no_stored_run_work_it_out_once() {
    for db in test_support::all().await {
        let (app, coordinator, caf) = demo_caf(&db).await;
        let authority = app
            .matching_authority(&coordinator, caf)
            .await
            .expect("the coordinator may match");
        let before = app
            .stored_matching_run(&authority, 1, 1)
            .await
            .expect("a run")
            .id;
        // Something changes who is waiting: a request screened in forgets
        // the stored run.
        app.rerun_matching(&authority).await.expect("again");
        let queued = db
            .store
            .requests()
            .with_status(
                caf,
                tandem_domain::register::RequestStatus::AwaitingScreening,
                None,
            )
            .await
            .expect("queue");
        let accept = ScreeningInput {
            decision: "accept".into(),
            reason: String::new(),
            detail: String::new(),
        };
        app.screen_request(&coordinator, queued[0].id, &accept)
            .await
            .expect("accepted");
        assert!(
            db.store
                .matching_runs()
                .latest(&authority)
                .await
                .expect("read")
                .is_none(),
            "{}: forgotten",
            db.label
        );
        let (a, b) = tokio::join!(
            app.stored_matching_run(&authority, 1, 1),
            app.stored_matching_run(&authority, 1, 1),
        );
        let (a, b) = (a.expect("first view").id, b.expect("second view").id);
        assert_eq!(a, b, "{}: both views show one run", db.label);
        // Runs are numbered without reuse: `before`, the rerun, then one.
        assert_eq!(a.get(), before.get() + 2, "{}: worked out once", db.label);
        db.finish().await;
    }
}

#[tokio::test]
async fn only_coordinators_and_administrators_run_matching() {
    let db = test_support::sqlite().await;
    let app = App::new(db.store.clone()).with_generated_master_key();
    app.load_demo().await.expect("demo");
    let caf = db
        .store
        .programmes()
        .by_key("caf")
        .await
        .expect("query")
        .expect("caf")
        .id;
    let manager = app
        .sign_in("manager@tandem.example", DEMO_PASSWORD)
        .await
        .expect("signs in")
        .principal;
    assert!(
        matches!(
            app.matching_authority(&manager, caf).await,
            Err(AppError::Forbidden(_))
        ),
        "a member may read, not match"
    );
    let mentor = app
        .sign_in("mentor@tandem.example", DEMO_PASSWORD)
        .await
        .expect("signs in")
        .principal;
    assert!(
        matches!(
            app.matching_authority(&mentor, caf).await,
            Err(AppError::NotFound)
        ),
        "not a member of a CAF organisation"
    );
    let admin = app
        .sign_in("admin@tandem.example", DEMO_PASSWORD)
        .await
        .expect("signs in")
        .principal;
    assert!(app.matching_authority(&admin, caf).await.is_ok());
    db.finish().await;
}

/// A coordinator of one organisation in a multi-organisation programme
/// (CAWT) matches their own organisation's requests only: another
/// organisation's requests, proposals and mentees are "not found" to them
/// (issue 9, item 1). Mentors still come from the whole register.
#[tokio::test]
async fn a_coordinator_matches_only_their_own_organisations_requests() {
    for db in test_support::all().await {
        let app = App::new(db.store.clone()).with_generated_master_key();
        app.load_demo().await.expect("demo");
        let admin = app
            .sign_in("admin@tandem.example", DEMO_PASSWORD)
            .await
            .expect("signs in")
            .principal;
        let cwt = db
            .store
            .programmes()
            .by_key("cwt")
            .await
            .expect("query")
            .expect("cwt")
            .id;
        let pha = db
            .store
            .organisations()
            .by_name("Public Health Agency")
            .await
            .expect("query")
            .expect("PHA")
            .id;
        let lead = Principal {
            account_id: admin.account_id,
            person_id: None,
            display_name: "PHA programme lead".into(),
            grants: vec![RoleGrant::new(Role::Coordinator, Some(pha), None).expect("grant")],
        };
        let everyone = app.matching_authority(&admin, cwt).await.expect("admin");
        let own = app
            .matching_authority(&lead, cwt)
            .await
            .expect("the lead may match");

        // The demo has sent a proposal for each CAWT request: one mentee
        // from the PHA, one from elsewhere.
        // (The demo's relationships hold accepted proposals too; one request
        // is back in matching after a No Match.)
        let all: Vec<_> = app
            .programme_proposals(&everyone, 1000)
            .await
            .expect("all")
            .0
            .into_iter()
            .filter(|p| p.status == tandem_domain::proposals::ProposalStatus::AwaitingMentor)
            .collect();
        let back_in_matching = app.run_matching(&everyone).await.expect("before").waiting;
        let (mine, theirs): (Vec<_>, Vec<_>) =
            all.iter().partition(|p| p.mentee_organisation_id == pha);
        assert!(!mine.is_empty() && !theirs.is_empty(), "{}", db.label);
        let (seen, more) = app.programme_proposals(&own, 1000).await.expect("own");
        assert!(!more, "{}: every one of them fits", db.label);
        // The latest first, as many as asked for, and whether there are more.
        let (latest, more) = app.programme_proposals(&own, 1).await.expect("latest");
        assert_eq!(latest.len(), 1, "{}", db.label);
        assert_eq!(more, seen.len() > 1, "{}", db.label);
        assert_eq!(latest[0].id, seen.iter().map(|p| p.id).max().expect("one"));
        assert_eq!(
            seen.iter().map(|p| p.id).collect::<Vec<_>>(),
            mine.iter().map(|p| p.id).collect::<Vec<_>>(),
            "{}: only the lead's own organisation's proposals",
            db.label
        );
        let elsewhere = theirs[0].request_id;
        assert!(matches!(
            app.request_to_match(&own, elsewhere).await,
            Err(AppError::NotFound)
        ));
        assert!(app.request_to_match(&everyone, elsewhere).await.is_ok());
        let entry = theirs[0].mentor_entry_id;
        assert!(
            matches!(
                app.override_pair(&own, elsewhere, entry, "I know them")
                    .await,
                Err(AppError::NotFound)
            ),
            "{}: choosing a mentor for another organisation's mentee",
            db.label
        );

        // Every mentor declines: both requests wait again, and the lead's
        // run holds their own organisation's request only.
        for proposal in &all {
            let mentor = Principal {
                account_id: admin.account_id,
                person_id: Some(proposal.mentor_person_id),
                display_name: proposal.mentor_name.clone(),
                grants: Vec::new(),
            };
            let decline = Answer::Decline {
                reason: DeclineReason::AnotherMentorMoreSuitable,
                detail: String::new(),
            };
            app.answer_proposal(&mentor, proposal.id, &decline)
                .await
                .expect("declined");
        }
        let full = app.run_matching(&everyone).await.expect("admin run");
        let run = app.run_matching(&own).await.expect("lead run");
        assert_eq!(full.waiting, all.len() + back_in_matching, "{}", db.label);
        assert_eq!(run.waiting, mine.len(), "{}", db.label);
        let own_requests: Vec<RequestId> = mine.iter().map(|p| p.request_id).collect();
        assert!(
            run.pairs
                .iter()
                .map(|p| p.request_id)
                .chain(run.unmatched.iter().map(|u| u.request_id))
                .all(|id| own_requests.contains(&id)),
            "{}: no other organisation's mentee in the run",
            db.label
        );
        let (sent, _) = app.send_proposals(&own).await.expect("sent");
        assert!(
            sent.pairs
                .iter()
                .all(|p| own_requests.contains(&p.request_id)),
            "{}",
            db.label
        );
        assert_eq!(
            app.run_matching(&everyone).await.expect("after").waiting,
            all.len() + back_in_matching - sent.pairs.len(),
            "{}: the other organisation's request still waits for its own lead",
            db.label
        );
        db.finish().await;
    }
}

/// The explanation of the pair matching proposes for `request`.
async fn explanation_for(
    app: &App,
    authority: &tandem_domain::permissions::MatchingAuthority,
    request: RequestId,
) -> Vec<String> {
    let run = app.run_matching(authority).await.expect("a run");
    run.pairs
        .into_iter()
        .find(|p| p.request_id == request)
        .expect("the chosen pair is proposed")
        .explanation
}

#[tokio::test]
async fn a_mentors_characteristic_counts_only_while_they_consent_to_it() {
    // CAF 2: "full reference to diversity"; caf.toml weighs race. A mentee
    // asks for a mentor who shares their ethnicity; a mentor records theirs
    // on their own profile and decides whether matching may use it.
    use tandem_domain::identity::{PersonIdentity, Recorded};
    use tandem_domain::register::MentorRequestInput;
    for db in test_support::all().await {
        let (app, coordinator, caf) = demo_caf(&db).await;
        let cafcass = app.organisation_named("Cafcass").await.expect("org");
        let mentee_person = app
            .person_with_employee_id(
                &tandem_domain::permissions::Operator::assume(),
                cafcass.id,
                "CAF0040",
            )
            .await
            .expect("read")
            .expect("person");
        let mentee = Principal {
            account_id: AccountId::new(900),
            person_id: Some(mentee_person),
            display_name: "CAF0040".to_owned(),
            grants: vec![RoleGrant {
                role: Role::Mentee,
                organisation_id: Some(cafcass.id),
                programme_id: None,
            }],
        };
        let request = app
            .submit_request(
                &mentee,
                caf,
                &MentorRequestInput {
                    track: "change_of_role".into(),
                    goals: "Settle into the new role".into(),
                    help_needed: "Court reports".into(),
                    race: "Black British".into(),
                    ..MentorRequestInput::default()
                },
            )
            .await
            .expect("asks");
        let accept = ScreeningInput {
            decision: "accept".into(),
            reason: String::new(),
            detail: String::new(),
        };
        app.screen_request(&coordinator, request, &accept)
            .await
            .expect("accepted");
        let authority = app
            .matching_authority(&coordinator, caf)
            .await
            .expect("the coordinator may match");

        // The coordinator fixes the pair with a mentor who can take them.
        let entries = db
            .store
            .register()
            .list(caf, &tandem_store::RegisterFilter::default())
            .await
            .expect("register");
        let mut chosen = None;
        for entry in &entries {
            if app
                .override_pair(&authority, request, entry.id, "Asked for by name")
                .await
                .is_ok()
            {
                chosen = Some(entry.clone());
                break;
            }
        }
        let chosen = chosen.expect("some mentor can take them");
        let mentor = Principal {
            account_id: AccountId::new(901),
            person_id: Some(chosen.person_id),
            display_name: "Mentor".to_owned(),
            grants: Vec::new(),
        };
        let shared = |consent: bool| PersonIdentity {
            race: Recorded {
                value: "black british".into(),
                consent,
            },
            ..PersonIdentity::default()
        };
        let mentions = |lines: &[String]| lines.iter().any(|l| l.contains("ethnicity"));

        // Recorded, without consent: matching ignores it.
        app.save_own_identity(&mentor, shared(false))
            .await
            .expect("saved");
        let before = app
            .stored_matching_run(&authority, 1, 1)
            .await
            .expect("a stored run");
        let without = explanation_for(&app, &authority, request).await;
        assert!(!mentions(&without), "{}: {without:?}", db.label);

        // With consent, the pair gains the CAF race weight, and the run
        // stored before the change is worked out again.
        app.save_own_identity(&mentor, shared(true))
            .await
            .expect("saved");
        let with = explanation_for(&app, &authority, request).await;
        let line = with
            .iter()
            .find(|l| l.contains("ethnicity"))
            .unwrap_or_else(|| panic!("{}: {with:?}", db.label));
        assert_eq!(line, "ethnicity black british, as requested: +2");
        let after = app
            .stored_matching_run(&authority, 1, 1)
            .await
            .expect("a stored run");
        assert_ne!(
            after.id, before.id,
            "{}: the old run is forgotten",
            db.label
        );

        // The mentor's own profile shows what they wrote; nobody else's
        // call reads it.
        assert_eq!(
            app.own_identity(&mentor).await.expect("own").race.value,
            "black british"
        );
        assert_eq!(
            app.own_identity(&mentee).await.expect("own"),
            PersonIdentity::default()
        );
        let admin = app
            .sign_in("admin@tandem.example", DEMO_PASSWORD)
            .await
            .expect("signs in")
            .principal;
        assert!(matches!(
            app.own_identity(&admin).await,
            Err(AppError::Forbidden(_))
        ));

        // Consent taken back: the line goes again.
        app.save_own_identity(&mentor, shared(false))
            .await
            .expect("saved");
        let again = explanation_for(&app, &authority, request).await;
        assert!(!mentions(&again), "{}: {again:?}", db.label);
    }
}
