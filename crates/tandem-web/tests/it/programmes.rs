//! Programme pages and API (PRG-1 to PRG-6), driven as a browser and an
//! API client would, against every configured database.

use axum::http::StatusCode;
use tandem_app::App;
use tandem_app::demo::DEMO_PASSWORD;
use tandem_app::programmes::SettingsChange;
use tandem_app::testing as test_support;
use tandem_domain::programme::Programme;
use tandem_domain::roles::{Role, RoleGrant};

use crate::client::{Client, hidden_value};

async fn signed_in(db: &test_support::TestDatabase, email: &str) -> Client {
    let mut client = Client::for_store(db);
    let reply = client.sign_in(email, DEMO_PASSWORD).await;
    assert_eq!(
        reply.status,
        StatusCode::SEE_OTHER,
        "{email} signs in: {}",
        reply.body
    );
    client
}

/// The id of the programme with this key, as the caller's API listing gives it.
async fn programme_id(client: &mut Client, key: &str) -> i64 {
    let reply = client.get("/api/programmes").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let list: serde_json::Value = serde_json::from_str(&reply.body).expect("json");
    list.as_array()
        .expect("a list")
        .iter()
        .find(|p| p["key"] == key)
        .and_then(|p| p["id"].as_i64())
        .unwrap_or_else(|| panic!("{key} is listed in {}", reply.body))
}

/// The programme's settings, read back through the API.
async fn settings(client: &mut Client, id: i64) -> Programme {
    let reply = client.get(&format!("/api/programmes/{id}")).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let detail: serde_json::Value = serde_json::from_str(&reply.body).expect("json");
    serde_json::from_value(detail["settings"].clone())
        .expect("the settings JSON reads back as a programme")
}

fn form_fields(change: &SettingsChange) -> Vec<(&'static str, String)> {
    vec![
        ("name", change.name.clone()),
        ("summary", change.summary.clone()),
        ("objectives", change.objectives.clone()),
        ("publicity_text", change.publicity_text.clone()),
        ("how_to_apply", change.how_to_apply.clone()),
        ("contact", change.contact.clone()),
        ("meeting_min_minutes", change.meeting_min_minutes.clone()),
        ("meeting_max_minutes", change.meeting_max_minutes.clone()),
        ("review_min_months", change.review_min_months.clone()),
        ("review_max_months", change.review_max_months.clone()),
        ("record_mode", change.record_mode.clone()),
        ("next_review", change.next_review.clone()),
        ("revision_date", change.revision_date.clone()),
        ("revision_change", change.revision_change.clone()),
        ("revision_author", change.revision_author.clone()),
    ]
}

async fn post_settings(
    client: &mut Client,
    id: i64,
    change: &SettingsChange,
) -> crate::client::Reply {
    let form = client.get(&format!("/programmes/{id}/settings")).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let csrf = hidden_value(&form.body, "csrf");
    let mut fields = form_fields(change);
    fields.push(("csrf", csrf));
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    client
        .post_form(&format!("/programmes/{id}/settings"), &pairs)
        .await
}

#[tokio::test]
async fn the_programme_page_tells_members_how_to_apply_and_shows_the_revision_history() {
    for db in test_support::all().await {
        App::new(db.store.clone())
            .with_generated_master_key()
            .load_demo()
            .await
            .expect("demo loads");
        let mut ssw = signed_in(&db, "ssw@tandem.example").await;
        let list = ssw.get("/programmes").await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(
            list.body.contains("AfC Fostering Mentoring Scheme"),
            "{}",
            db.label
        );
        assert!(
            list.body.contains("href=\"/programmes\""),
            "the header links to programmes"
        );
        let afc = programme_id(&mut ssw, "afc").await;

        let page = ssw.get(&format!("/programmes/{afc}")).await;
        assert_eq!(page.status, StatusCode::OK, "{}: {}", db.label, page.body);
        for expected in [
            "<h1>AfC Fostering Mentoring Scheme</h1>",
            "<h2>How to apply</h2>",
            "Talk to your supervising social worker.",
            "<h2>Who to contact</h2>",
            "Newly approved carer",
            "6 months",
            "Revision history",
            "V1 agreed by IFA Board",
            "Natalie Bugeja, Head of Fostering Services",
            "2022-06-01",
            // AFC "Conflict resolution": the steps, and who mediates.
            "<h2>If mentor and mentee disagree</h2>",
            "Mentor and mentee try to resolve the conflict among themselves first.",
            "Mediation is with the supervising social worker and the coordinator.",
            "Every disagreement is recorded.",
        ] {
            assert!(
                page.body.contains(expected),
                "{}: the AFC page shows {expected}",
                db.label
            );
        }
        assert!(
            !page.body.contains("/settings\""),
            "a supervising social worker cannot change settings"
        );
        assert_eq!(
            ssw.get(&format!("/programmes/{afc}/settings")).await.status,
            StatusCode::FORBIDDEN
        );

        // A Western Trust mentor is not in any organisation running AFC.
        let mut mentor = signed_in(&db, "mentor@tandem.example").await;
        assert_eq!(
            mentor.get(&format!("/programmes/{afc}")).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            mentor.get(&format!("/api/programmes/{afc}")).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            mentor.get("/programmes/not-a-number").await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            mentor.get("/programmes/999999").await.status,
            StatusCode::NOT_FOUND
        );
        let cwt = programme_id(&mut mentor, "cwt").await;
        let page = mentor.get(&format!("/programmes/{cwt}")).await;
        assert!(
            page.body.contains("Health Service Executive West"),
            "CWT lists its six partners"
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn the_settings_form_puts_each_problem_beside_its_field_and_saves_nothing() {
    for db in test_support::all().await {
        App::new(db.store.clone())
            .with_generated_master_key()
            .load_demo()
            .await
            .expect("demo loads");
        let mut coordinator = signed_in(&db, "coordinator@tandem.example").await;
        let caf = programme_id(&mut coordinator, "caf").await;
        let before = settings(&mut coordinator, caf).await;

        let mut change = SettingsChange::from_programme(&before);
        change.meeting_min_minutes = "120".into();
        change.meeting_max_minutes = "60".into();
        change.summary = "This summary must not be saved".into();
        let reply = post_settings(&mut coordinator, caf, &change).await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}: {}",
            db.label,
            reply.body
        );
        assert!(reply.body.contains("There is a problem"));
        assert!(
            reply.body.contains("href=\"#meeting_min_minutes\""),
            "the summary links to the field"
        );
        let beside = reply
            .body
            .find("id=\"meeting_min_minutes-error\"")
            .expect("an error message beside the field");
        let field = reply
            .body
            .find("id=\"meeting_min_minutes\"")
            .expect("the field");
        assert!(beside < field, "the message comes just before the input");
        assert!(reply.body[beside..field].contains(
            "The shortest meeting (120 minutes) is longer than the longest (60 minutes)"
        ));
        assert!(
            reply.body.contains(
                "aria-describedby=\"meeting_min_minutes-hint meeting_min_minutes-error\""
            )
        );
        assert!(
            reply.body.contains("This summary must not be saved"),
            "what was typed is kept"
        );
        assert_eq!(
            settings(&mut coordinator, caf).await,
            before,
            "{}: nothing was saved",
            db.label
        );

        // A coordinator of another organisation cannot reach the form.
        let mut hr = signed_in(&db, "hr@tandem.example").await;
        assert_eq!(
            hr.get(&format!("/programmes/{caf}/settings")).await.status,
            StatusCode::NOT_FOUND
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn coordinators_see_a_policy_review_reminder_once_the_review_date_has_passed() {
    for db in test_support::all().await {
        let app = App::new(db.store.clone()).with_generated_master_key();
        app.load_demo().await.expect("demo loads");
        // A coordinator for AFC, whose policy was due for review in June 2022.
        let afc_org = app
            .organisation_named("Achieving for Children IFA")
            .await
            .expect("afc org");
        let grant = RoleGrant::new(Role::Coordinator, Some(afc_org.id), None).expect("grant");
        app.create_account(
            "afc.coordinator@tandem.example",
            "Afia Coordinator",
            DEMO_PASSWORD,
            None,
            &[grant],
        )
        .await
        .expect("account");
        let mut afc_coordinator = signed_in(&db, "afc.coordinator@tandem.example").await;
        let home = afc_coordinator.get("/").await;
        assert!(
            home.body.contains("Policy reviews due"),
            "{}: {}",
            db.label,
            home.body
        );
        assert!(home.body.contains("AfC Fostering Mentoring Scheme"));
        assert!(home.body.contains("was due for review on 2022-06-01"));
        let afc = programme_id(&mut afc_coordinator, "afc").await;
        let page = afc_coordinator.get(&format!("/programmes/{afc}")).await;
        assert!(
            page.body.contains("was due for review on 2022-06-01"),
            "the programme page says so too"
        );

        // Cafcass's own programme sets no review date; once one is set in
        // the past, the reminder appears; recording a review clears it.
        let mut coordinator = signed_in(&db, "coordinator@tandem.example").await;
        assert!(
            !coordinator
                .get("/")
                .await
                .body
                .contains("Policy reviews due"),
            "{}",
            db.label
        );
        let caf = programme_id(&mut coordinator, "caf").await;
        let mut change = SettingsChange::from_programme(&settings(&mut coordinator, caf).await);
        change.next_review = "2020-01".into();
        let saved = post_settings(&mut coordinator, caf, &change).await;
        assert_eq!(
            saved.status,
            StatusCode::SEE_OTHER,
            "{}: {}",
            db.label,
            saved.body
        );
        assert_eq!(
            saved.location.as_deref(),
            Some(format!("/programmes/{caf}?saved=1").as_str())
        );
        let home = coordinator.get("/").await;
        assert!(
            home.body.contains("Policy reviews due")
                && home.body.contains("CAFCASS Staff Mentoring")
        );

        change.next_review = "2099-01".into();
        change.revision_date = "2026-01-15".into();
        change.revision_change = "Reviewed: no changes".into();
        change.revision_author = "Programme coordinator".into();
        let saved = post_settings(&mut coordinator, caf, &change).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
        assert!(
            !coordinator
                .get("/")
                .await
                .body
                .contains("Policy reviews due")
        );
        let page = coordinator.get(&format!("/programmes/{caf}?saved=1")).await;
        assert!(page.body.contains("Settings saved") && page.body.contains("Reviewed: no changes"));
        db.finish().await;
    }
}

#[tokio::test]
async fn a_coordinator_starts_a_programme_from_a_template() {
    let db = test_support::sqlite().await;
    App::new(db.store.clone())
        .with_generated_master_key()
        .load_demo()
        .await
        .expect("demo loads");
    let mut coordinator = signed_in(&db, "coordinator@tandem.example").await;
    let form = coordinator.get("/programmes/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body.contains("Fun Foundations Mentoring Programme"),
        "every shipped template is offered"
    );
    let csrf = hidden_value(&form.body, "csrf");
    let reply = coordinator
        .post_form(
            "/programmes/new",
            &[
                ("csrf", &csrf),
                ("template", "fun"),
                ("key", ""),
                ("name", "Nursery mentoring"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("href=\"#key\""));
    let reply = coordinator
        .post_form(
            "/programmes/new",
            &[
                ("csrf", &csrf),
                ("template", "fun"),
                ("key", "cafcass-buddies"),
                ("name", "Cafcass buddies"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let location = reply.location.expect("a redirect");
    let page = coordinator.get(&location).await;
    assert!(
        page.body.contains("<h1>Cafcass buddies</h1>") && page.body.contains("Programme created")
    );
    assert!(
        page.body.contains("<span class=\"caption\">Cafcass</span>"),
        "run by Cafcass only"
    );

    // It is a draft: Cafcass staff do not see it, and nobody can ask for a
    // mentor in it, until the coordinator publishes it.
    assert!(page.body.contains("Publish the programme"));
    assert!(!page.body.contains("Ask for a mentor"));
    let mut mentee = signed_in(&db, "mentee@tandem.example").await;
    assert_eq!(mentee.get(&location).await.status, StatusCode::NOT_FOUND);
    let id = location
        .trim_start_matches("/programmes/")
        .split('?')
        .next()
        .expect("an id")
        .to_owned();
    let reply = coordinator
        .post_form(&format!("/programmes/{id}/publish"), &[("csrf", &csrf)])
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let page = coordinator
        .get(&reply.location.expect("back to the programme"))
        .await;
    assert!(page.body.contains("Programme published") && page.body.contains("Ask for a mentor"));
    let seen = mentee.get(&format!("/programmes/{id}")).await;
    assert_eq!(seen.status, StatusCode::OK);
    // Staff-only (the template's setting), so not readable signed out.
    let mut nobody = Client::for_store(&db);
    let signed_out = nobody.get(&format!("/programmes/{id}")).await;
    assert_eq!(signed_out.status, StatusCode::SEE_OTHER);

    // The cross-border partnership's page is public: someone signed out
    // reads how to apply, and nothing of its people.
    let mut admin = signed_in(&db, "admin@tandem.example").await;
    let cwt = programme_id(&mut admin, "cwt").await;
    let public = nobody.get(&format!("/programmes/{cwt}")).await;
    assert_eq!(public.status, StatusCode::OK, "{}", public.body);
    assert!(public.body.contains("<h2>How to apply</h2>"));
    assert!(public.body.contains("Sign in to ask for a mentor"));
    assert!(!public.body.contains("Mentor register") && !public.body.contains("/register"));

    // A mentee cannot start one.
    assert_eq!(
        mentee.get("/programmes/new").await.status,
        StatusCode::FORBIDDEN
    );
    db.finish().await;
}

#[tokio::test]
async fn the_programme_api_takes_toml_and_reports_errors_by_line() {
    for db in test_support::all().await {
        App::new(db.store.clone())
            .with_generated_master_key()
            .load_demo()
            .await
            .expect("demo loads");
        let mut admin = signed_in(&db, "admin@tandem.example").await;
        let csrf = admin.csrf().await;
        let source = tandem_domain::programme::shipped_template("fun")
            .expect("fun")
            .replace("key = \"fun\"", "key = \"fun-2\"");

        let no_csrf = admin
            .send_text("POST", "/api/programmes", "application/toml", None, &source)
            .await;
        assert_eq!(no_csrf.status, StatusCode::FORBIDDEN);
        let json = admin
            .send_text(
                "POST",
                "/api/programmes",
                "application/json",
                Some(&csrf),
                "{}",
            )
            .await;
        assert_eq!(json.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);

        let bad = source
            .replacen("[publicity]", "[publicity]\nhow_to_apply = \"\"", 1)
            .replacen("how_to_apply = \"Speak", "# how_to_apply = \"Speak", 1);
        let reply = admin
            .send_text(
                "POST",
                "/api/programmes",
                "application/toml",
                Some(&csrf),
                &bad,
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}: {}",
            db.label,
            reply.body
        );
        let body: serde_json::Value = serde_json::from_str(&reply.body).expect("json");
        let error = &body["errors"][0];
        assert_eq!(error["key"], "publicity.how_to_apply", "{}", reply.body);
        let line = bad
            .lines()
            .position(|l| l == "how_to_apply = \"\"")
            .expect("the blank line")
            + 1;
        assert_eq!(error["line"].as_u64(), Some(line as u64));
        assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()));

        let taken = admin
            .send_text(
                "POST",
                "/api/programmes",
                "application/toml",
                Some(&csrf),
                tandem_domain::programme::shipped_template("fun").expect("fun"),
            )
            .await;
        assert_eq!(
            taken.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "the key fun is taken"
        );
        assert!(taken.body.contains("\"key\":\"key\""));

        let created = admin
            .send_text(
                "POST",
                "/api/programmes",
                "application/toml",
                Some(&csrf),
                &source,
            )
            .await;
        assert_eq!(
            created.status,
            StatusCode::CREATED,
            "{}: {}",
            db.label,
            created.body
        );
        let summary: serde_json::Value = serde_json::from_str(&created.body).expect("json");
        let id = summary["id"].as_i64().expect("an id");
        assert_eq!(summary["key"], "fun-2");

        let detail: serde_json::Value =
            serde_json::from_str(&admin.get(&format!("/api/programmes/{id}")).await.body)
                .expect("json");
        assert_eq!(
            detail["settings"]["records"]["mode"],
            "notes_agreed_by_both"
        );
        assert_eq!(
            detail["organisations"][0]["name"],
            "Fun Foundations Day Nursery"
        );

        // PUT replaces the settings; a coordinator elsewhere cannot see it.
        let renamed = source.replace(
            "name = \"Fun Foundations Mentoring Programme\"",
            "name = \"Renamed\"",
        );
        let put = admin
            .send_text(
                "PUT",
                &format!("/api/programmes/{id}"),
                "application/toml",
                Some(&csrf),
                &renamed,
            )
            .await;
        assert_eq!(put.status, StatusCode::OK, "{}", put.body);
        assert!(put.body.contains("\"name\":\"Renamed\""));
        let mut coordinator = signed_in(&db, "coordinator@tandem.example").await;
        let token = coordinator.csrf().await;
        let other = coordinator
            .send_text(
                "PUT",
                &format!("/api/programmes/{id}"),
                "application/toml",
                Some(&token),
                &renamed,
            )
            .await;
        assert_eq!(other.status, StatusCode::NOT_FOUND);
        let garbage = admin
            .send_text(
                "PUT",
                &format!("/api/programmes/{id}"),
                "application/toml",
                Some(&csrf),
                "\u{0}[[[",
            )
            .await;
        assert_eq!(garbage.status, StatusCode::UNPROCESSABLE_ENTITY);

        let openapi = admin.get("/api/openapi.json").await.body;
        assert!(openapi.contains("/api/programmes/{id}") && openapi.contains("ProgrammeRejected"));
        db.finish().await;
    }
}
