use tandem_app::demo::DEMO_PASSWORD;
use tandem_app::{App, AppError};
use tandem_domain::roles::Role;
use tandem_store::test_support;

#[tokio::test]
async fn demo_loads_and_every_role_signs_in_and_sees_its_home() {
    for db in test_support::all().await {
        let app = App::new(db.store.clone()).with_generated_master_key();
        let logins = app.load_demo().await.expect("demo loads");
        let roles: Vec<Role> = logins
            .iter()
            .take(Role::ALL.len())
            .map(|l| l.role)
            .collect();
        assert_eq!(roles, Role::ALL.to_vec(), "{}", db.label);
        // Then the pairs that can be taken from acceptance to completion,
        // and every mentor on the Cafcass register.
        let pairs: Vec<&str> = logins
            .iter()
            .skip(Role::ALL.len())
            .map(|l| l.email.as_str())
            .collect();
        assert_eq!(
            pairs,
            [
                "cwt.mentee@tandem.example",
                "fun.mentor@tandem.example",
                "fun.mentee@tandem.example",
                "cwt.mentor@tandem.example",
                "caf.mentor1@tandem.example",
                "caf.mentor2@tandem.example",
                "caf.mentor3@tandem.example"
            ],
            "{}",
            db.label
        );
        let people = db.store.people().count(None).await.expect("count");
        assert!(
            (300..=600).contains(&people),
            "{}: a few hundred people, got {people}",
            db.label
        );
        assert!(
            app.load_demo().await.is_err(),
            "the demo does not load twice"
        );
        let read_back: Vec<(Role, String)> = app
            .demo_logins()
            .await
            .expect("logins")
            .into_iter()
            .map(|l| (l.role, l.email))
            .collect();
        let made: Vec<(Role, String)> = logins.iter().map(|l| (l.role, l.email.clone())).collect();
        assert_eq!(read_back, made, "{}", db.label);
        // A relationship at every state in each of the five programmes.
        for key in ["caf", "cwt", "fun", "wsc", "afc"] {
            let rows = app
                .relationships_for_operator(&tandem_domain::permissions::Operator::assume(), key)
                .await
                .expect("listed");
            let mut states: Vec<_> = rows.iter().map(|r| r.state).collect();
            states.sort();
            states.dedup();
            assert_eq!(
                states,
                tandem_domain::relationship::State::ALL.to_vec(),
                "{}: {key} has a relationship at every state",
                db.label
            );
        }

        for login in &logins {
            let signed_in = app
                .sign_in(&login.email, DEMO_PASSWORD)
                .await
                .expect("demo login works");
            // The pair's mentors each have a proposal waiting for their
            // answer, and its mentee an open request.
            if [
                "mentor@tandem.example",
                "fun.mentor@tandem.example",
                "cwt.mentor@tandem.example",
            ]
            .contains(&login.email.as_str())
            {
                let waiting = app
                    .proposals_to_answer(&signed_in.principal)
                    .await
                    .expect("proposals");
                assert!(!waiting.is_empty(), "{}: {}", db.label, login.email);
            }
            if ["cwt.mentee@tandem.example", "fun.mentee@tandem.example"]
                .contains(&login.email.as_str())
            {
                let home = app.home(&signed_in.principal).await.expect("home");
                assert_eq!(home.own_requests.len(), 1, "{}: {}", db.label, login.email);
            }
            let home = app.home(&signed_in.principal).await.expect("home");
            assert_eq!(home.roles, vec![login.role], "{}", db.label);
            match login.role {
                Role::Administrator => {
                    assert!(home.system.as_ref().is_some_and(|s| s.people == people))
                }
                Role::Coordinator | Role::Hr => assert!(home.organisations[0].can_import),
                Role::SupervisingSocialWorker => assert!(!home.organisations[0].can_import),
                Role::LineManager => {
                    assert!(!home.direct_reports.as_ref().expect("reports").is_empty())
                }
                Role::Mentor | Role::Mentee => {
                    assert!(home.organisations.is_empty() && home.own_person_id.is_some())
                }
            }
        }
        db.finish().await;
    }
}

#[tokio::test]
async fn a_line_manager_sees_their_chain_and_nobody_else() {
    let db = test_support::sqlite().await;
    let app = App::new(db.store.clone()).with_generated_master_key();
    app.load_demo().await.expect("demo");
    let manager = app
        .sign_in("manager@tandem.example", DEMO_PASSWORD)
        .await
        .expect("signs in")
        .principal;
    let page = app.list_people(&manager, "", 1, 200).await.expect("list");
    let me = manager.person_id.expect("the manager is a person");
    let reports = db.store.people().direct_reports(me).await.expect("reports");
    assert_eq!(
        page.total as usize,
        reports.len() + 1,
        "their reports and themselves"
    );
    for report in &reports {
        app.person(&manager, report.id)
            .await
            .expect("a report is visible");
    }
    // Someone in another team of the same organisation.
    let coordinator = app
        .sign_in("coordinator@tandem.example", DEMO_PASSWORD)
        .await
        .expect("signs in")
        .principal;
    let everyone = app
        .list_people(&coordinator, "", 1, 200)
        .await
        .expect("list");
    let outsider = everyone
        .people
        .iter()
        .find(|p| p.id != me && !reports.iter().any(|r| r.id == p.id))
        .expect("someone outside the team");
    assert!(matches!(
        app.person(&manager, outsider.id).await,
        Err(AppError::NotFound)
    ));
    db.finish().await;
}
