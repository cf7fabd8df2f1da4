use axum::http::StatusCode;
use tandem_app::App;
use tandem_app::demo::DEMO_PASSWORD;
use tandem_app::testing as test_support;
use tandem_domain::register::{RequestStatus, ScreeningInput};
use tandem_domain::roles::{Role, RoleGrant};

use crate::client::Client;

/// The stored run a matching page shows, from its send form.
fn run_read(body: &str) -> i64 {
    let at = body
        .find("name=\"run\" value=\"")
        .unwrap_or_else(|| panic!("no run on the page: {body}"));
    body[at + 18..]
        .split('"')
        .next()
        .and_then(|id| id.parse().ok())
        .expect("a run id")
}

#[tokio::test]
async fn coordinator_matches_sends_and_the_mentor_declines_with_a_reason() {
    for db in test_support::all().await {
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
        for request in db
            .store
            .requests()
            .with_status(caf, RequestStatus::AwaitingScreening, None)
            .await
            .expect("queue")
        {
            let accept = ScreeningInput {
                decision: "accept".into(),
                reason: String::new(),
                detail: String::new(),
            };
            app.screen_request(&coordinator, request.id, &accept)
                .await
                .expect("accepted");
        }

        let mut client = Client::for_store(&db);
        client
            .sign_in("coordinator@tandem.example", DEMO_PASSWORD)
            .await;
        let programme_page = client.get(&format!("/programmes/{caf}")).await;
        assert!(
            programme_page
                .body
                .contains(&format!("/programmes/{caf}/matching")),
            "{}: linked from the programme",
            db.label
        );
        let matching = client.get(&format!("/programmes/{caf}/matching")).await;
        assert_eq!(matching.status, StatusCode::OK, "{}", matching.body);
        assert!(matching.body.contains("Proposed pairs"));
        assert!(matching.body.contains("people are waiting for a mentor"));

        // Choosing a mentor needs a reason; the message sits by the field.
        let run = app
            .run_matching(
                &app.matching_authority(&coordinator, caf)
                    .await
                    .expect("authority"),
            )
            .await
            .expect("run");
        let request = run.pairs[0].request_id;
        // The register is searched by name: one mentor's family name finds
        // them, and not a mentor with another name.
        let mentors: std::collections::BTreeSet<&str> =
            run.pairs.iter().map(|p| p.mentor_name.as_str()).collect();
        let wanted = *mentors.iter().next().expect("a mentor");
        let family = wanted.rsplit(' ').next().expect("a family name");
        let found = client
            .get(&format!(
                "/programmes/{caf}/matching/choose?request={request}&name={family}"
            ))
            .await;
        assert_eq!(found.status, StatusCode::OK);
        assert!(found.body.contains(wanted), "{}: {wanted}", db.label);
        for other in mentors.iter().filter(|m| !m.ends_with(family)) {
            assert!(
                !found.body.contains(other),
                "{}: {other} is not {family}",
                db.label
            );
        }
        let nobody = client
            .get(&format!(
                "/programmes/{caf}/matching/choose?request={request}&name=Zzyzx"
            ))
            .await;
        assert!(
            nobody.body.contains("No mentor on this programme"),
            "{}",
            db.label
        );
        let csrf = client.csrf().await;
        let choose = client
            .get(&format!(
                "/programmes/{caf}/matching/choose?request={request}"
            ))
            .await;
        assert_eq!(choose.status, StatusCode::OK);
        let reply = client
            .post_form(
                &format!("/programmes/{caf}/matching/choose"),
                &[
                    ("csrf", &csrf),
                    ("request", &request.to_string()),
                    ("mentor", ""),
                ],
            )
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(reply.body.contains("href=\"#mentor\""), "{}", reply.body);

        // The page shows a stored run: reading it again does not work it
        // out again, and sending names the run read.
        let run = run_read(&matching.body);
        let again = client.get(&format!("/programmes/{caf}/matching")).await;
        assert_eq!(
            run_read(&again.body),
            run,
            "{}: the same stored run",
            db.label
        );
        // A run that is not the latest is not sent: the page says things
        // changed, and nothing is sent.
        let stale = client
            .post_form(
                &format!("/programmes/{caf}/matching/send"),
                &[("csrf", &csrf), ("run", &(run + 1000).to_string())],
            )
            .await;
        assert_eq!(stale.status, StatusCode::SEE_OTHER, "{}", stale.body);
        assert!(
            stale
                .location
                .as_deref()
                .is_some_and(|l| l.contains("changed=")),
            "{:?}",
            stale.location
        );
        assert!(
            db.store
                .proposals()
                .of_programme(caf)
                .await
                .expect("proposals")
                .iter()
                .all(|p| p.status != tandem_domain::proposals::ProposalStatus::AwaitingMentor),
            "{}: nothing was sent",
            db.label
        );
        let changed = client
            .get(stale.location.as_deref().expect("a location"))
            .await;
        assert!(changed.body.contains("Nothing was sent"), "{}", db.label);

        let sent = client
            .post_form(
                &format!("/programmes/{caf}/matching/send"),
                &[("csrf", &csrf), ("run", &run.to_string())],
            )
            .await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
        assert!(
            sent.location
                .as_deref()
                .is_some_and(|l| l.contains("sent=")),
            "{:?}",
            sent.location
        );
        let proposals = db
            .store
            .proposals()
            .of_programme(caf)
            .await
            .expect("proposals");
        assert!(!proposals.is_empty(), "{}", db.label);
        let proposal = &proposals[0];

        // The mentor signs in, finds the proposal on their home page, reads
        // the request, and declines with a reason.
        let person = db
            .store
            .people()
            .get(proposal.mentor_person_id)
            .await
            .expect("query")
            .expect("person");
        let grant =
            RoleGrant::new(Role::Mentor, Some(person.organisation_id), None).expect("grant");
        app.create_account(
            "caf-mentor@tandem.example",
            &proposal.mentor_name,
            DEMO_PASSWORD,
            Some(person.id),
            &[grant],
        )
        .await
        .expect("mentor account");
        let mut mentor = Client::for_store(&db);
        mentor
            .sign_in("caf-mentor@tandem.example", DEMO_PASSWORD)
            .await;
        let home = mentor.get("/").await;
        assert!(
            home.body.contains("Proposals waiting for your answer"),
            "{}",
            db.label
        );
        assert!(home.body.contains(&format!("/proposals/{}", proposal.id)));
        let page = mentor.get(&format!("/proposals/{}", proposal.id)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("What they asked for"));
        let mentor_csrf = mentor.csrf().await;
        let reply = mentor
            .post_form(
                &format!("/proposals/{}", proposal.id),
                &[("csrf", &mentor_csrf), ("answer", "decline")],
            )
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(reply.body.contains("Choose why you are declining"));
        let reply = mentor
            .post_form(
                &format!("/proposals/{}", proposal.id),
                &[
                    ("csrf", &mentor_csrf),
                    ("answer", "decline"),
                    ("reason", "not_enough_time"),
                ],
            )
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER);
        let after = client.get(&format!("/programmes/{caf}/matching")).await;
        assert_ne!(
            run_read(&after.body),
            run,
            "{}: sending and the decline forgot the run read before",
            db.label
        );
        assert!(
            after
                .body
                .contains("Declined by the mentor: I do not have enough time"),
            "{}",
            db.label
        );

        // Nobody else reads the proposal or runs the matching.
        let mut manager = Client::for_store(&db);
        manager
            .sign_in("manager@tandem.example", DEMO_PASSWORD)
            .await;
        assert_eq!(
            manager
                .get(&format!("/proposals/{}", proposal.id))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            manager
                .get(&format!("/programmes/{caf}/matching"))
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        db.finish().await;
    }
}

/// In CAWT, the Public Health Agency's programme lead sees and matches the
/// PHA's requests only: another organisation's mentees are not on the
/// matching page, and choosing a mentor for them is "not found" (issue 9,
/// item 1).
#[tokio::test]
async fn a_coordinator_cannot_match_another_organisations_mentees() {
    for db in test_support::all().await {
        let app = App::new(db.store.clone()).with_generated_master_key();
        app.load_demo().await.expect("demo");
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
        let proposals = db
            .store
            .proposals()
            .of_programme(cwt)
            .await
            .expect("proposals");
        let own = proposals
            .iter()
            .find(|p| p.mentee_organisation_id == pha)
            .expect("a PHA mentee");
        let other = proposals
            .iter()
            .find(|p| p.mentee_organisation_id != pha)
            .expect("another organisation's mentee");
        let grant = RoleGrant::new(Role::Coordinator, Some(pha), None).expect("grant");
        app.create_account(
            "pha-lead@tandem.example",
            "PHA programme lead",
            DEMO_PASSWORD,
            None,
            &[grant],
        )
        .await
        .expect("lead account");
        let mut lead = Client::for_store(&db);
        lead.sign_in("pha-lead@tandem.example", DEMO_PASSWORD).await;

        let page = lead.get(&format!("/programmes/{cwt}/matching")).await;
        assert_eq!(page.status, StatusCode::OK, "{}", db.label);
        assert!(page.body.contains(&own.mentee_name), "{}", db.label);
        assert!(
            !page.body.contains(&other.mentee_name),
            "{}: another organisation's mentee is on the page",
            db.label
        );
        let choose = lead
            .get(&format!(
                "/programmes/{cwt}/matching/choose?request={}",
                other.request_id
            ))
            .await;
        assert_eq!(choose.status, StatusCode::NOT_FOUND, "{}", db.label);
        let csrf = lead.csrf().await;
        let reply = lead
            .post_form(
                &format!("/programmes/{cwt}/matching/choose"),
                &[
                    ("csrf", &csrf),
                    ("request", &other.request_id.to_string()),
                    ("mentor", &own.mentor_entry_id.to_string()),
                    ("reason", "I know them"),
                ],
            )
            .await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{}", db.label);
        db.finish().await;
    }
}
