//! Register, request, self-assessment and screening pages and API
//! (REG-1 to REG-5, REQ-1 to REQ-5), driven as a browser and an API client
//! would, over the demo data on every configured database.

use axum::http::StatusCode;
use tandem_app::App;
use tandem_app::demo::DEMO_PASSWORD;
use tandem_app::testing as test_support;
use tandem_domain::ids::ProgrammeId;
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

async fn programme(app: &App, key: &str) -> ProgrammeId {
    app.programme_named(&tandem_domain::permissions::Operator::assume(), key)
        .await
        .expect("read")
        .expect("programme")
}

fn json(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap_or_else(|_| panic!("json: {body}"))
}

#[tokio::test]
async fn coordinators_screen_in_order_and_line_managers_never_see_the_goals() {
    for db in test_support::all().await {
        let app = App::new(db.store.clone()).with_generated_master_key();
        app.load_demo().await.expect("demo");
        let caf = programme(&app, "caf").await;

        let mut coordinator = signed_in(&db, "coordinator@tandem.example").await;
        let home = coordinator.get("/").await;
        assert!(
            home.body.contains("Mentor requests to screen"),
            "{}",
            db.label
        );
        assert!(home.body.contains(&format!("/programmes/{caf}/screening")));
        let queue = coordinator
            .get(&format!("/programmes/{caf}/screening"))
            .await;
        assert_eq!(queue.status, StatusCode::OK, "{}", queue.body);
        let api = coordinator
            .get(&format!("/api/programmes/{caf}/screening"))
            .await;
        assert_eq!(api.status, StatusCode::OK, "{}", api.body);
        let api = json(&api.body);
        let waiting = api["awaiting_screening"].as_array().expect("a list");
        assert_eq!(waiting.len(), 3, "{}", db.label);
        let positions: Vec<i64> = waiting
            .iter()
            .map(|w| w["position"].as_i64().expect("position"))
            .collect();
        assert_eq!(positions, vec![1, 2, 3]);
        let first = waiting[0]["request_id"].as_i64().expect("id");
        let second = waiting[1]["request_id"].as_i64().expect("id");
        let third = waiting[2]["request_id"].as_i64().expect("id");
        // The page lists them in the same order.
        let first_at = queue
            .body
            .find(&format!("/requests/{first}\""))
            .expect("first listed");
        let second_at = queue
            .body
            .find(&format!("/requests/{second}\""))
            .expect("second listed");
        assert!(first_at < second_at);

        // CAF asks for no self-assessment, so the queue has no such
        // column; it says where each line manager stands.
        assert!(
            !queue.body.contains("Self-assessment")
                && queue.body.contains("data-label=\"Line manager\""),
            "{}",
            db.label
        );

        // Adding an identified mentor without saying who is an error, and
        // does not put the coordinator on the register (issue 12 defect 1).
        let csrf = hidden_value(&queue.body, "csrf");
        let reply = coordinator
            .post_form(
                &format!("/programmes/{caf}/register/new"),
                &[
                    ("csrf", &csrf),
                    ("identify", "1"),
                    ("person", ""),
                    ("capacity", "1"),
                    ("availability", "available"),
                ],
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            db.label
        );
        assert!(
            reply.body.contains("href=\"#person\"") && reply.body.contains("Enter the employee id"),
            "{}",
            reply.body
        );
        // The people picker finds a mentor by name, without JavaScript,
        // and choosing one fills in their employee id.
        let picker = coordinator
            .get(&format!(
                "/programmes/{caf}/register/new?identify=1&q=CAF0014"
            ))
            .await;
        assert_eq!(picker.status, StatusCode::OK, "{}", db.label);
        assert!(
            picker.body.contains(&format!(
                "/programmes/{caf}/register/new?identify=1&amp;person=CAF0014"
            )),
            "{}",
            picker.body
        );
        let chosen = coordinator
            .get(&format!(
                "/programmes/{caf}/register/new?identify=1&person=CAF0014"
            ))
            .await;
        assert!(chosen.body.contains("value=\"CAF0014\""), "{}", chosen.body);
        let register = coordinator
            .get(&format!("/programmes/{caf}/register"))
            .await;
        assert!(
            !register.body.contains("Padraig Ahmed</a></td>"),
            "{}: the coordinator is not on the register",
            db.label
        );

        // An error page keeps the caller's navigation.
        let missing = coordinator.get("/requests/999999").await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
        assert!(
            missing.body.contains("Page not found") && missing.body.contains("Sign out"),
            "{}",
            missing.body
        );

        // A rejection without a reason: the form comes back with the error linked.
        let page = coordinator.get(&format!("/requests/{third}")).await;
        assert!(page.body.contains("Screen this request"), "{}", page.body);
        let csrf = hidden_value(&page.body, "csrf");
        let reply = coordinator
            .post_form(
                &format!("/requests/{third}/screening"),
                &[("csrf", &csrf), ("decision", "reject")],
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            db.label
        );
        assert!(reply.body.contains("href=\"#reason\""), "{}", reply.body);
        assert!(reply.body.contains("<legend>Why not?</legend>"));
        let reply = coordinator
            .post_form(
                &format!("/requests/{third}/screening"),
                &[
                    ("csrf", &csrf),
                    ("decision", "reject"),
                    ("reason", "outside_target_group"),
                    ("detail", ""),
                ],
            )
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
        let token = coordinator.csrf().await;
        let reply = coordinator
            .send_text(
                "POST",
                &format!("/api/requests/{second}/screening"),
                "application/json",
                Some(&token),
                r#"{"decision":"accept"}"#,
            )
            .await;
        assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.body);

        // The line manager: consulted, shown the time, never the goals.
        let mut manager = signed_in(&db, "manager@tandem.example").await;
        let home = manager.get("/").await;
        assert!(
            home.body.contains("Mentor requests you are consulted on"),
            "{}",
            db.label
        );
        let consulted = app
            .home(
                &app.sign_in("manager@tandem.example", DEMO_PASSWORD)
                    .await
                    .expect("login")
                    .principal,
            )
            .await
            .expect("home")
            .consultations[0]
            .request_id;
        let full = db
            .store
            .requests()
            .get(consulted)
            .await
            .expect("read")
            .expect("request");
        let page = manager.get(&format!("/requests/{consulted}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Meetings in working time"));
        assert!(
            !page.body.contains(&full.goals),
            "{}: the goals never reach a line manager",
            db.label
        );
        let api = manager.get(&format!("/api/requests/{consulted}")).await;
        assert_eq!(api.status, StatusCode::OK);
        assert!(
            api.body.contains("time_commitment")
                && !api.body.contains("\"content\"")
                && !api.body.contains(&full.goals)
        );
        let csrf = hidden_value(&page.body, "csrf");
        let reply = manager
            .post_form(
                &format!("/requests/{consulted}/consultation"),
                &[("csrf", &csrf)],
            )
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(reply.body.contains("href=\"#answer\""));
        let reply = manager
            .post_form(
                &format!("/requests/{consulted}/consultation"),
                &[("csrf", &csrf), ("answer", "has_concerns"), ("note", "")],
            )
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(reply.body.contains("href=\"#note\""), "{}", reply.body);
        // The answer chosen is kept, and it reveals the question it needs.
        assert!(
            reply
                .body
                .contains("value=\"has_concerns\" checked data-reveals"),
            "{}",
            reply.body
        );
        assert!(reply.body.contains("class=\"follow-up\""));
        let reply = manager
            .post_form(
                &format!("/requests/{consulted}/consultation"),
                &[("csrf", &csrf), ("answer", "supports")],
            )
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER);

        // The mentee: sees their own request's status, not anyone else's, and
        // cannot open a second request.
        let mut mentee = signed_in(&db, "mentee@tandem.example").await;
        let home = mentee.get("/").await;
        assert!(home.body.contains("Your mentor requests"), "{}", db.label);
        assert_eq!(
            mentee.get(&format!("/requests/{first}")).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            mentee.get(&format!("/api/requests/{first}")).await.status,
            StatusCode::NOT_FOUND
        );
        let form = mentee.get(&format!("/programmes/{caf}/request")).await;
        assert!(
            form.body.contains("You have already asked"),
            "{}",
            form.body
        );
        let csrf = hidden_value(&form.body, "csrf");
        let reply = mentee
            .post_form(
                &format!("/programmes/{caf}/request"),
                &[
                    ("csrf", &csrf),
                    ("track", "change_of_role"),
                    ("goals", "Again"),
                    ("help_needed", "Again"),
                ],
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            db.label
        );
        assert!(reply.body.contains("already an open mentor request"));
        db.finish().await;
    }
}

#[tokio::test]
async fn the_register_is_kept_per_organisation_and_browsed_by_published_fields() {
    for db in test_support::all().await {
        let app = App::new(db.store.clone()).with_generated_master_key();
        app.load_demo().await.expect("demo");
        let cwt = programme(&app, "cwt").await;
        let caf = programme(&app, "caf").await;

        // The demo mentor keeps their own entry.
        let mut mentor = signed_in(&db, "mentor@tandem.example").await;
        let register = mentor.get(&format!("/programmes/{cwt}/register")).await;
        assert_eq!(register.status, StatusCode::OK, "{}", register.body);
        assert!(register.body.contains("Your entry on the register"));
        let api = json(
            &mentor
                .get(&format!("/api/programmes/{cwt}/register?language=polish"))
                .await
                .body,
        );
        assert_eq!(
            api.as_array().expect("a list").len(),
            1,
            "{}: {api}",
            db.label
        );
        let me = app
            .sign_in("mentor@tandem.example", DEMO_PASSWORD)
            .await
            .expect("login")
            .principal;
        let own = db
            .store
            .register()
            .for_person(cwt, me.person_id.expect("a person"))
            .await
            .expect("read")
            .expect("on the register")
            .id;
        let edit = mentor.get(&format!("/register/{own}/edit")).await;
        assert_eq!(edit.status, StatusCode::OK, "{}", edit.body);
        assert!(
            edit.body
                .contains("<legend>What mentees browsing the register may see</legend>")
        );
        let csrf = hidden_value(&edit.body, "csrf");
        let reply = mentor
            .post_form(
                &format!("/register/{own}/edit"),
                &[
                    ("csrf", &csrf),
                    ("capacity", "0"),
                    ("availability", "available"),
                ],
            )
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(reply.body.contains("href=\"#capacity\""), "{}", reply.body);
        let reply = mentor
            .post_form(
                &format!("/register/{own}/edit"),
                &[
                    ("csrf", &csrf),
                    ("capacity", "3"),
                    ("availability", "paused"),
                    ("paused_until", "2999-01-31"),
                    ("expertise", "Culture change"),
                    ("publish_expertise", "yes"),
                    ("training_completed", "yes"),
                ],
            )
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
        let entry = json(&mentor.get(&format!("/api/register/{own}")).await.body);
        assert_eq!(entry["availability"], "paused");
        assert_eq!(entry["capacity"], 3);

        // Cafcass's coordinator cannot edit another organisation's mentor.
        let mut coordinator = signed_in(&db, "coordinator@tandem.example").await;
        assert_eq!(
            coordinator
                .get(&format!("/register/{own}/edit"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        let token = coordinator.csrf().await;
        let reply = coordinator
            .send_text(
                "PUT",
                &format!("/api/register/{own}"),
                "application/json",
                Some(&token),
                r#"{"capacity":1}"#,
            )
            .await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{}", db.label);
        // Their own register: every entry in full, with eligibility.
        let caf_register = coordinator
            .get(&format!("/programmes/{caf}/register"))
            .await;
        assert!(
            caf_register
                .body
                .contains("<th scope=\"col\">Eligible</th>"),
            "{}",
            db.label
        );

        // A mentee of a taking-part organisation browses published fields only.
        let org = db
            .store
            .organisations()
            .by_name("Health Service Executive Dublin North East")
            .await
            .expect("read")
            .expect("org");
        let person = db
            .store
            .people()
            .by_employee_id(org.id, "HSED0011")
            .await
            .expect("read")
            .expect("person");
        app.create_account(
            "browser@tandem.example",
            "Bea Browser",
            DEMO_PASSWORD,
            Some(person),
            &[RoleGrant {
                role: Role::Mentee,
                organisation_id: Some(org.id),
                programme_id: None,
            }],
        )
        .await
        .expect("account");
        let mut browser = signed_in(&db, "browser@tandem.example").await;
        let entry = json(&browser.get(&format!("/api/register/{own}")).await.body);
        assert_eq!(
            entry["expertise"], "Culture change",
            "{}: {entry}",
            db.label
        );
        assert!(
            entry.get("experience").is_none()
                && entry.get("languages").is_none()
                && entry.get("eligible").is_none()
        );
        let page = browser.get(&format!("/register/{own}")).await;
        assert!(
            !page.body.contains("Change this entry")
                && !page.body.contains("Mentor training completed")
        );

        // CAWT's mentors are identified: volunteering is explained, not offered.
        let volunteer = browser
            .get(&format!("/programmes/{cwt}/register/new"))
            .await;
        assert!(
            volunteer.body.contains("identified by their organisation"),
            "{}",
            volunteer.body
        );
        assert!(!volunteer.body.contains("name=\"capacity\""));
        let csrf = hidden_value(&browser.get("/").await.body, "csrf");
        let reply = browser
            .post_form(
                &format!("/programmes/{cwt}/register/new"),
                &[("csrf", &csrf), ("capacity", "1")],
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            db.label
        );
        assert!(reply.body.contains("href=\"#volunteer\""));

        // Asking, naming a mentor, then the self-assessment (REQ-2).
        let form = browser.get(&format!("/programmes/{cwt}/request")).await;
        assert_eq!(form.status, StatusCode::OK, "{}", form.body);
        assert!(
            form.body
                .contains("<legend>What kind of mentoring are you asking for?</legend>")
        );
        let csrf = hidden_value(&form.body, "csrf");
        let reply = browser
            .post_form(
                &format!("/programmes/{cwt}/request"),
                &[("csrf", &csrf), ("track", "leadership")],
            )
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            reply.body.contains("href=\"#goals\"") && reply.body.contains("href=\"#help_needed\""),
            "{}",
            reply.body
        );
        let own_text = own.to_string();
        let reply = browser
            .post_form(
                &format!("/programmes/{cwt}/request"),
                &[
                    ("csrf", &csrf),
                    ("track", "leadership"),
                    ("goals", "Lead across the border"),
                    ("help_needed", "Influence"),
                    ("other_jurisdiction", "yes"),
                    ("named_mentor", own_text.as_str()),
                ],
            )
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
        let next = reply.location.expect("redirect");
        assert!(next.ends_with("/self-assessment"), "{next}");
        let questionnaire = browser.get(&next).await;
        assert_eq!(questionnaire.status, StatusCode::OK);
        assert!(
            questionnaire
                .body
                .contains("<legend>My confidence.</legend>")
        );
        let reply = browser
            .post_form(&next, &[("csrf", &csrf), ("q1", "3")])
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(reply.body.contains("href=\"#q2\""));
        let mut answers: Vec<(String, String)> = vec![("csrf".into(), csrf.clone())];
        answers.extend((1..=11).map(|i| (format!("q{i}"), "4".to_owned())));
        let pairs: Vec<(&str, &str)> = answers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let reply = browser.post_form(&next, &pairs).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
        let request = browser
            .get(reply.location.as_deref().expect("redirect"))
            .await;
        assert!(
            request.body.contains("Self-assessment saved")
                && request.body.contains("Lead across the border")
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn the_openapi_document_lists_the_register_and_request_endpoints() {
    let db = test_support::sqlite().await;
    let mut client = Client::for_store(&db);
    let doc = client.get("/api/openapi.json").await;
    for path in [
        "/api/programmes/{id}/register",
        "/api/register/{id}",
        "/api/programmes/{id}/requests",
        "/api/requests/{id}",
        "/api/programmes/{id}/screening",
        "/api/requests/{id}/screening",
    ] {
        assert!(doc.body.contains(path), "{path} is documented");
    }
    db.finish().await;
}

#[tokio::test]
async fn a_request_asks_only_what_the_programme_matches_on() {
    for db in test_support::all().await {
        let app = App::new(db.store.clone()).with_generated_master_key();
        app.load_demo().await.expect("demo");
        let caf = programme(&app, "caf").await;
        // The coordinator is Cafcass staff too, and has not asked.
        let mut staff = signed_in(&db, "coordinator@tandem.example").await;
        let form = staff.get(&format!("/programmes/{caf}/request")).await;
        assert_eq!(form.status, StatusCode::OK, "{}", form.body);
        let asks = |name: &str| form.body.contains(&format!("name=\"{name}\""));
        // caf.toml weighs race and culture (CAF 2), and the mentee's wish
        // for another team or region (CAF 3); Cafcass is one organisation
        // in one jurisdiction.
        for name in ["race", "culture", "other_team", "other_region"] {
            assert!(asks(name), "{}: asks {name}", db.label);
        }
        for name in [
            "language",
            "gender",
            "religion",
            "sexuality",
            "location",
            "other_organisation",
            "other_jurisdiction",
        ] {
            assert!(!asks(name), "{}: does not ask {name}", db.label);
        }
    }
}

#[tokio::test]
async fn a_person_records_their_characteristics_for_matching_and_only_they_see_them() {
    for db in test_support::all().await {
        let app = App::new(db.store.clone()).with_generated_master_key();
        app.load_demo().await.expect("demo");
        let mut mentor = signed_in(&db, "mentor@tandem.example").await;
        let home = mentor.get("/").await;
        assert!(home.body.contains("href=\"/profile\""), "{}", db.label);
        let page = mentor.get("/profile").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains("special category data"));
        let csrf = hidden_value(&page.body, "csrf");

        // Too long: refused naming the field, and nothing saved.
        let long = "x".repeat(4_001);
        let refused = mentor
            .post_form(
                "/profile",
                &[
                    ("csrf", &csrf),
                    ("religion", &long),
                    ("gender", "Woman"),
                    ("gender_consent", "yes"),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            refused.body.contains("href=\"#religion\""),
            "{}",
            refused.body
        );
        assert!(
            refused.body.contains("value=\"Woman\""),
            "the typed value is kept"
        );
        assert!(
            !mentor
                .get("/profile")
                .await
                .body
                .contains("value=\"Woman\"")
        );

        let saved = mentor
            .post_form(
                "/profile",
                &[
                    ("csrf", &csrf),
                    ("religion", "Quaker"),
                    ("religion_consent", "yes"),
                    ("gender", "Woman"),
                ],
            )
            .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
        let page = mentor.get("/profile?saved=1").await;
        assert!(page.body.contains("Saved"));
        assert!(page.body.contains("value=\"Quaker\""));
        assert!(page.body.contains("value=\"Woman\""));
        let ticked = |name: &str| {
            page.body
                .split("<input")
                .any(|tag| tag.contains(&format!("name=\"{name}\"")) && tag.contains("checked"))
        };
        assert!(ticked("religion_consent"), "{}", db.label);
        assert!(!ticked("gender_consent"), "{}", db.label);

        // Anyone else's profile page is their own, without the mentor's words.
        let mut coordinator = signed_in(&db, "coordinator@tandem.example").await;
        let theirs = coordinator.get("/profile").await;
        assert_eq!(theirs.status, StatusCode::OK);
        assert!(!theirs.body.contains("Quaker"), "{}", db.label);
    }
}
