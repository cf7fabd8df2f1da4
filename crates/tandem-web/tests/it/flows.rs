use axum::http::StatusCode;
use tandem_app::App;
use tandem_app::demo::DEMO_PASSWORD;
use tandem_app::testing as test_support;

use crate::client::Client;

async fn demo_client(db: &test_support::TestDatabase) -> Client {
    App::new(db.store.clone())
        .with_generated_master_key()
        .load_demo()
        .await
        .expect("demo loads");
    Client::for_store(db)
}

#[tokio::test]
async fn every_role_signs_in_and_sees_its_home_page() {
    let cases = [
        (
            "admin@tandem.example",
            "Administrator",
            "Tandem at a glance",
        ),
        (
            "coordinator@tandem.example",
            "Programme coordinator",
            "Import the latest HR export",
        ),
        ("hr@tandem.example", "HR", "Forest Heath District Council"),
        ("manager@tandem.example", "Line manager", "Your team"),
        (
            "ssw@tandem.example",
            "Supervising social worker",
            "Achieving for Children",
        ),
        ("mentor@tandem.example", "Mentor", "Your mentoring"),
        ("mentee@tandem.example", "Mentee", "Your mentoring"),
    ];
    for db in test_support::all().await {
        App::new(db.store.clone())
            .with_generated_master_key()
            .load_demo()
            .await
            .expect("demo loads");
        for (email, role, needs_doing) in cases {
            let mut client = Client::for_store(&db);
            let home = client.get("/").await;
            assert_eq!(
                home.status,
                StatusCode::SEE_OTHER,
                "signed out, home sends you to sign in"
            );
            let signed_in = client.sign_in(email, DEMO_PASSWORD).await;
            assert_eq!(
                signed_in.status,
                StatusCode::SEE_OTHER,
                "{email}: {}",
                signed_in.body
            );
            assert_eq!(signed_in.location.as_deref(), Some("/"));
            let home = client.get("/").await;
            assert_eq!(home.status, StatusCode::OK, "{}: {email}", db.label);
            assert!(
                home.body
                    .contains(&format!("<span class=\"tag\">{role}</span>")),
                "{email} sees their role"
            );
            assert!(
                home.body.contains(needs_doing),
                "{email} home shows {needs_doing}"
            );
            if role == "Administrator" {
                // Recent activity in words, with names, never raw keys.
                assert!(
                    home.body.contains("Signed in: Ada Admin")
                        && !home.body.contains("mentor entry ")
                        && !home.body.contains(", person ")
                        && !home.body.contains("1 proposals")
                        && !home.body.contains("matching.overridden"),
                    "{}",
                    home.body
                );
            }
            let shows_import_link = home.body.contains("href=\"/people/import\"");
            assert_eq!(
                shows_import_link,
                matches!(role, "Administrator" | "Programme coordinator" | "HR"),
                "{email}"
            );
        }
        db.finish().await;
    }
}

#[tokio::test]
async fn wrong_password_shows_an_error_summary_and_keeps_the_email() {
    let db = test_support::sqlite().await;
    let mut client = demo_client(&db).await;
    let reply = client
        .sign_in("admin@tandem.example", "not the password")
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("There is a problem"));
    assert!(reply.body.contains("href=\"#email\""));
    assert!(
        reply
            .body
            .contains("The email address or password is not right.")
    );
    assert!(reply.body.contains("value=\"admin@tandem.example\""));
    assert_eq!(
        client.get("/").await.status,
        StatusCode::SEE_OTHER,
        "still signed out"
    );
    db.finish().await;
}

#[tokio::test]
async fn forms_without_the_csrf_token_are_refused() {
    let db = test_support::sqlite().await;
    let mut client = demo_client(&db).await;
    // Sign-in without the token set with the form.
    let reply = client
        .post_form(
            "/sign-in",
            &[
                ("email", "admin@tandem.example"),
                ("password", DEMO_PASSWORD),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    client.sign_in("admin@tandem.example", DEMO_PASSWORD).await;
    // Sign-out with a wrong token leaves the session alone.
    let reply = client.post_form("/sign-out", &[("csrf", "forged")]).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(client.get("/").await.status, StatusCode::OK);
    let csrf = client.csrf().await;
    let reply = client.post_form("/sign-out", &[("csrf", &csrf)]).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(
        client.get("/").await.status,
        StatusCode::SEE_OTHER,
        "signed out"
    );
    db.finish().await;
}

#[tokio::test]
async fn a_line_manager_cannot_open_another_managers_team_member_through_the_api() {
    for db in test_support::all().await {
        let mut admin = demo_client(&db).await;
        admin.sign_in("admin@tandem.example", DEMO_PASSWORD).await;
        let mut manager = Client::for_store(&db);
        manager
            .sign_in("manager@tandem.example", DEMO_PASSWORD)
            .await;

        let me: serde_json::Value =
            serde_json::from_str(&manager.get("/api/me").await.body).expect("json");
        let my_id = me["person_id"].as_i64().expect("the manager is a person");
        let mine: serde_json::Value =
            serde_json::from_str(&manager.get(&format!("/api/people/{my_id}")).await.body)
                .expect("json");
        let my_reports: Vec<i64> = mine["direct_reports"]
            .as_array()
            .expect("reports")
            .iter()
            .map(|r| r["id"].as_i64().expect("id"))
            .collect();
        assert!(!my_reports.is_empty());
        for id in &my_reports {
            let reply = manager.get(&format!("/api/people/{id}")).await;
            assert_eq!(
                reply.status,
                StatusCode::OK,
                "{}: own report {id}",
                db.label
            );
            assert!(reply.body.contains("\"access\":\"line_manager\""));
        }

        // Another team manager's report, found by the administrator.
        let all: serde_json::Value = serde_json::from_str(
            &admin
                .get("/api/people?q=team%20manager&per_page=200")
                .await
                .body,
        )
        .expect("json");
        let other_manager = all["people"]
            .as_array()
            .expect("people")
            .iter()
            .find(|p| p["id"].as_i64() != Some(my_id) && p["organisation"] == "Cafcass")
            .expect("another Cafcass team manager")["id"]
            .as_i64()
            .expect("id");
        let theirs: serde_json::Value = serde_json::from_str(
            &admin
                .get(&format!("/api/people/{other_manager}"))
                .await
                .body,
        )
        .expect("json");
        let their_report = theirs["direct_reports"][0]["id"]
            .as_i64()
            .expect("they have a report");
        assert!(!my_reports.contains(&their_report));

        let reply = manager.get(&format!("/api/people/{their_report}")).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{}", db.label);
        assert!(
            !reply.body.contains("family_name"),
            "nothing about the person leaks"
        );
        let reply = manager.get(&format!("/people/{their_report}")).await;
        assert_eq!(
            reply.status,
            StatusCode::NOT_FOUND,
            "{}: the page is refused too",
            db.label
        );
        let listing: serde_json::Value =
            serde_json::from_str(&manager.get("/api/people?per_page=200").await.body)
                .expect("json");
        assert!(
            listing["people"]
                .as_array()
                .expect("people")
                .iter()
                .all(|p| p["id"].as_i64() != Some(their_report))
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn api_import_rejects_a_bad_file_and_changes_nothing() {
    for db in test_support::all().await {
        let mut client = demo_client(&db).await;
        client
            .sign_in("coordinator@tandem.example", DEMO_PASSWORD)
            .await;
        let csrf = client.csrf().await;
        let org = db
            .store
            .organisations()
            .by_name("Cafcass")
            .await
            .expect("query")
            .expect("Cafcass");
        let before = db.store.people().count(Some(org.id)).await.expect("count");
        let path = format!("/api/organisations/{}/people/import", org.id);
        let bad = "employee_id,given_name,family_name,email\nN1,New,Person,new@example.org\nN2,,Person,broken\n";

        let reply = client.post_csv(&path, None, bad).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "no CSRF header");

        let reply = client.post_csv(&path, Some(&csrf), bad).await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            db.label
        );
        let body: serde_json::Value = serde_json::from_str(&reply.body).expect("json");
        let columns: Vec<&str> = body["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .map(|e| e["column"].as_str().expect("column"))
            .collect();
        assert_eq!(columns, vec!["given_name", "email"]);
        assert_eq!(body["errors"][0]["line"], 3);
        assert_eq!(
            db.store.people().count(Some(org.id)).await.expect("count"),
            before,
            "{}: nothing written",
            db.label
        );

        let good = "employee_id,given_name,family_name,email,line_manager_employee_id\nN1,New,Person,new@example.org,CAF0003\n";
        let reply = client.post_csv(&path, Some(&csrf), good).await;
        assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.body);
        let accepted: serde_json::Value = serde_json::from_str(&reply.body).expect("json");
        let status_url = accepted["status_url"]
            .as_str()
            .expect("a status URL")
            .to_owned();
        assert_eq!(reply.location.as_deref(), Some(status_url.as_str()));
        let queued: serde_json::Value =
            serde_json::from_str(&client.get(&status_url).await.body).expect("json");
        assert_eq!(queued["state"], "queued", "{}", db.label);
        assert_eq!(queued["total_rows"], 1);
        assert_eq!(
            db.store.people().count(Some(org.id)).await.expect("count"),
            before,
            "{}: nothing visible before the job runs",
            db.label
        );
        run_jobs(&db).await;
        let done: serde_json::Value =
            serde_json::from_str(&client.get(&status_url).await.body).expect("json");
        assert_eq!(done["state"], "imported", "{}: {done}", db.label);
        assert_eq!(done["staged_rows"], 1);
        assert_eq!(
            done["result"],
            serde_json::json!({"created": 1, "updated": 0})
        );
        assert_eq!(
            db.store.people().count(Some(org.id)).await.expect("count"),
            before + 1
        );

        let other = db
            .store
            .organisations()
            .by_name("Public Health Agency")
            .await
            .expect("query")
            .expect("PHA");
        let reply = client
            .post_csv(
                &format!("/api/organisations/{}/people/import", other.id),
                Some(&csrf),
                good,
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::FORBIDDEN,
            "another organisation's people"
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn the_import_page_lists_every_problem_with_its_line() {
    let db = test_support::sqlite().await;
    let mut client = demo_client(&db).await;
    client.sign_in("hr@tandem.example", DEMO_PASSWORD).await;
    let form = client.get("/people/import").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Forest Heath District Council"));
    let csrf = client.csrf().await;
    let org = db
        .store
        .organisations()
        .by_name("Forest Heath District Council")
        .await
        .expect("q")
        .expect("org");
    let org_id = org.id.to_string();
    let bad = "employee_id,given_name,family_name,email,start_date\nZ1,Zed,Lee,zed@example.org,31/02/2024\n";
    let reply = client
        .post_multipart(
            "/people/import",
            &[
                ("csrf", None, &csrf),
                ("organisation", None, &org_id),
                ("file", Some("staff.csv"), bad),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply
            .body
            .contains("The file has 1 problem listed below. Nothing was imported.")
    );
    assert!(
        reply
            .body
            .contains("<td data-label=\"Line\">2</td><td data-label=\"Column\">start_date</td>"),
        "{}",
        reply.body
    );

    let reply = client
        .post_multipart("/people/import", &[("organisation", None, &org_id)])
        .await;
    assert_eq!(
        reply.status,
        StatusCode::FORBIDDEN,
        "the upload needs its CSRF token"
    );

    let reply = client
        .post_multipart(
            "/people/import",
            &[("csrf", None, &csrf), ("organisation", None, &org_id)],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("Choose a CSV file to upload"));

    let good = "employee_id,given_name,family_name,email\nZ1,Zed,Lee,zed@example.org\n";
    let reply = client
        .post_multipart(
            "/people/import",
            &[
                ("csrf", None, &csrf),
                ("organisation", None, &org_id),
                ("file", Some("staff.csv"), good),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let status_page = reply.location.expect("the import's page");
    assert!(status_page.starts_with("/people/imports/"), "{status_page}");
    let waiting = client.get(&status_page).await;
    assert_eq!(waiting.status, StatusCode::OK);
    assert!(
        waiting.body.contains("Importing people"),
        "{}",
        waiting.body
    );
    assert!(waiting.body.contains("0 of 1 rows"), "{}", waiting.body);
    assert!(waiting.body.contains("Check progress again"));
    run_jobs(&db).await;
    let done = client.get(&status_page).await;
    assert!(
        done.body
            .contains("1 added and 0 updated in Forest Heath District Council."),
        "{}",
        done.body
    );
    db.finish().await;
}

/// Runs the jobs a server would, as the upload's job runner.
async fn run_jobs(db: &test_support::TestDatabase) {
    App::new(db.store.clone())
        .run_background_jobs("test-runner")
        .await
        .expect("jobs run");
}

#[tokio::test]
async fn people_pages_search_and_page() {
    let db = test_support::sqlite().await;
    let mut client = demo_client(&db).await;
    client
        .sign_in("coordinator@tandem.example", DEMO_PASSWORD)
        .await;
    let first = client.get("/people").await;
    assert_eq!(first.status, StatusCode::OK);
    assert!(first.body.contains("120 people"), "Cafcass only");
    assert!(first.body.contains("Page 1 of 5"));
    assert!(
        client
            .get("/people?page=5")
            .await
            .body
            .contains("Page 5 of 5")
    );
    assert!(
        client
            .get("/people?page=banana")
            .await
            .body
            .contains("Page 1 of 5"),
        "a bad page number is not an error page"
    );
    let search = client.get("/people?q=team+manager").await;
    assert!(
        search.body.contains("8 people matching “team manager”"),
        "{}",
        search.body
    );
    let api = client.get("/api/people?per_page=1000").await;
    assert_eq!(api.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(api.body.contains("\"field\":\"per_page\""));
    assert_eq!(
        client.get("/people/not-a-number").await.status,
        StatusCode::NOT_FOUND
    );
    db.finish().await;
}

#[tokio::test]
async fn health_openapi_and_signed_out_api() {
    let db = test_support::sqlite().await;
    let mut client = Client::for_store(&db);
    let health = client.get("/health").await;
    assert_eq!(
        (health.status, health.body.as_str()),
        (StatusCode::OK, "{\"status\":\"ok\"}")
    );
    let doc: serde_json::Value =
        serde_json::from_str(&client.get("/api/openapi.json").await.body).expect("json");
    for path in [
        "/health",
        "/api/me",
        "/api/people",
        "/api/people/{id}",
        "/api/organisations/{id}/people/import",
        "/api/people/imports/{id}",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} is documented");
    }
    let reply = client.get("/api/people").await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert!(reply.body.contains("Sign in first"));
    let reply = client.get("/no/such/page").await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert!(reply.body.contains("Page not found"));
    db.finish().await;
}

#[tokio::test]
async fn an_account_without_a_staff_record_is_told_why_it_cannot_ask_for_a_mentor() {
    let db = test_support::sqlite().await;
    let mut client = demo_client(&db).await;
    client.sign_in("admin@tandem.example", DEMO_PASSWORD).await;
    let caf = db
        .store
        .programmes()
        .by_key("caf")
        .await
        .expect("query")
        .expect("caf")
        .id;
    let reply = client.get(&format!("/programmes/{caf}/request")).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert!(
        reply
            .body
            .contains("only someone on an organisation&#39;s staff can")
            || reply
                .body
                .contains("only someone on an organisation's staff can"),
        "{}",
        reply.body
    );
    db.finish().await;
}
