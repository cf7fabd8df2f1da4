//! Relationship pages and API: who sees what (issue 10 item 10), through
//! the router, on every database.

use axum::http::StatusCode;
use tandem_app::demo::DEMO_PASSWORD;
use tandem_app::testing as test_support;
use tandem_app::{App, Principal};
use tandem_domain::relationship::State;

use crate::client::Client;

#[tokio::test]
async fn the_coordinator_and_the_line_manager_never_see_the_pairs_words() {
    for db in test_support::all().await {
        let app = App::new(db.store.clone()).with_generated_master_key();
        app.load_demo().await.expect("demo loads");
        let coordinator = app
            .sign_in("coordinator@tandem.example", DEMO_PASSWORD)
            .await
            .expect("signs in")
            .principal;
        let caf = app
            .relationships(&coordinator, None)
            .await
            .expect("overview")
            .into_iter()
            .find(|r| r.state == Some(State::Introduced))
            .expect("the demo's CAF introduction");
        // The mentee redrafts the agreement with words of their own.
        let manager = app
            .sign_in("manager@tandem.example", DEMO_PASSWORD)
            .await
            .expect("signs in")
            .principal;
        let view = app
            .relationship(&manager, caf.id)
            .await
            .expect("the manager sees it exists");
        assert!(view.existence_only(), "{}", db.label);
        let mentee_person = db
            .store
            .relationships()
            .get(caf.id)
            .await
            .expect("read")
            .expect("the relationship")
            .mentee_person_id;
        let mentee = Principal {
            account_id: coordinator.account_id,
            person_id: Some(mentee_person),
            display_name: "Mentee".into(),
            grants: Vec::new(),
        };
        let secret = "SECRET-words-of-the-pair-41";
        let own = app
            .relationship(&mentee, caf.id)
            .await
            .expect("the mentee's view");
        let mut input = tandem_domain::relationship::agreement::AgreementInput {
            clauses: vec![String::new(); own.rules.agreement.contents.len()],
            length_months: "6".into(),
            review_dates: vec![(own.started_on + time::Duration::days(60)).to_string()],
            meet_every: "1".into(),
            meet_every_unit: "months".into(),
            min_minutes: "60".into(),
            max_minutes: "90".into(),
            contacts_per_week: String::new(),
            time_allowance_minutes: "120".into(),
            documents_to_coordinator: Vec::new(),
        };
        input.clauses[0] = secret.to_owned();
        app.save_agreement(&mentee, caf.id, &input)
            .await
            .expect("redrafted");

        let path = format!("/relationships/{}", caf.id);
        let api = format!("/api/relationships/{}", caf.id);
        let mut as_coordinator = Client::for_store(&db);
        as_coordinator
            .sign_in("coordinator@tandem.example", DEMO_PASSWORD)
            .await;
        let page = as_coordinator.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{}", db.label);
        assert!(
            page.body.contains("Version 2"),
            "{}: the coordinator sees the version",
            db.label
        );
        assert!(
            !page.body.contains(secret),
            "{}: but not its words",
            db.label
        );
        let json = as_coordinator.get(&api).await;
        assert_eq!(json.status, StatusCode::OK);
        assert!(
            !json.body.contains(secret) && json.body.contains("\"clauses\":null"),
            "{}",
            json.body
        );

        let mut as_manager = Client::for_store(&db);
        as_manager
            .sign_in("manager@tandem.example", DEMO_PASSWORD)
            .await;
        let page = as_manager.get(&path).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains("Time it takes"),
            "{}: the manager sees the time",
            db.label
        );
        assert!(!page.body.contains(secret));
        assert!(
            !page.body.contains("Introductory meeting"),
            "{}: and nothing of the introduction",
            db.label
        );
        let json = as_manager.get(&api).await;
        assert!(
            json.body.contains("\"state\":null") && !json.body.contains(secret),
            "{}",
            json.body
        );

        // Someone who is neither in it nor over it: not found.
        let mut as_mentee = Client::for_store(&db);
        as_mentee
            .sign_in("mentee@tandem.example", DEMO_PASSWORD)
            .await;
        assert_eq!(as_mentee.get(&path).await.status, StatusCode::NOT_FOUND);
        assert_eq!(as_mentee.get(&api).await.status, StatusCode::NOT_FOUND);
        db.finish().await;
    }
}

#[tokio::test]
async fn a_metadata_only_programme_refuses_notes_through_the_api() {
    for db in test_support::all().await {
        let app = App::new(db.store.clone()).with_generated_master_key();
        app.load_demo().await.expect("demo loads");
        let mut mentor = Client::for_store(&db);
        mentor.sign_in("mentor@tandem.example", DEMO_PASSWORD).await;
        let list = mentor.get("/api/relationships").await;
        assert_eq!(list.status, StatusCode::OK);
        let rows: serde_json::Value = serde_json::from_str(&list.body).expect("json");
        let id = rows
            .as_array()
            .expect("a list")
            .iter()
            .find(|r| r["state"] == "agreed")
            .expect("the demo mentor's agreed CWT relationship")["id"]
            .as_i64()
            .expect("an id");
        let csrf = mentor.csrf().await;
        let today = app.today().to_string();
        let with_notes = format!(
            r#"{{"date":"{today}","minutes":"60","kind":"face_to_face","notes":"What we said"}}"#
        );
        let refused = mentor
            .send_text(
                "POST",
                &format!("/api/relationships/{id}/meetings"),
                "application/json",
                Some(&csrf),
                &with_notes,
            )
            .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}: {}",
            db.label,
            refused.body
        );
        assert!(
            refused.body.contains("\"field\":\"notes\""),
            "{}",
            refused.body
        );
        let before = mentor.get(&format!("/api/relationships/{id}")).await.body;
        let held = serde_json::from_str::<serde_json::Value>(&before).expect("json")["meetings"]
            .as_array()
            .map_or(0, Vec::len);
        let without = format!(r#"{{"date":"{today}","minutes":"60","kind":"face_to_face"}}"#);
        let recorded = mentor
            .send_text(
                "POST",
                &format!("/api/relationships/{id}/meetings"),
                "application/json",
                Some(&csrf),
                &without,
            )
            .await;
        assert_eq!(recorded.status, StatusCode::CREATED, "{}", recorded.body);
        let after = mentor.get(&format!("/api/relationships/{id}")).await.body;
        let now = serde_json::from_str::<serde_json::Value>(&after).expect("json")["meetings"]
            .as_array()
            .map_or(0, Vec::len);
        assert_eq!(
            now,
            held + 1,
            "{}: only the meeting without notes was kept",
            db.label
        );
        db.finish().await;
    }
}
