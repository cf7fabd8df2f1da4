//! What a probe of Tandem as an attacker found (issue 9), each kept fixed
//! by a test here.

use axum::http::StatusCode;
use tandem_app::App;
use tandem_app::demo::DEMO_PASSWORD;
use tandem_app::testing as test_support;

use tandem_web::WebConfig;

use crate::client::{Client, Reply, hidden_value};

async fn demo_client(db: &test_support::TestDatabase) -> Client {
    App::new(db.store.clone())
        .with_generated_master_key()
        .load_demo()
        .await
        .expect("demo loads");
    Client::for_store(db)
}

/// Issue 9 item 3: `next` after sign-in is a plain path on this site or
/// the home page, never another site and never a 500.
#[tokio::test]
async fn sign_in_follows_only_a_plain_same_site_next() {
    let db = test_support::sqlite().await;
    let mut client = demo_client(&db).await;
    let hostile = [
        "/%09/evil.example/",
        "/%0a/x",
        "/%0d%0aSet-Cookie:%20x=1",
        "//evil.example/",
        "/%5Cevil.example/",
        "%5C%5Cevil.example/",
        "https://evil.example/",
        "/%20/evil.example/",
        "/%C2%A0/evil.example/",
        "/%00",
    ];
    for next in hostile {
        let form = client.get(&format!("/sign-in?next={next}")).await;
        assert_eq!(form.status, StatusCode::OK, "next={next}");
        assert_eq!(hidden_value(&form.body, "next"), "/", "next={next}");
    }
    // A hostile `next` posted with the form itself.
    let form = client.get("/sign-in").await;
    let token = hidden_value(&form.body, "csrf");
    let signed_in = client
        .post_form(
            "/sign-in",
            &[
                ("csrf", &token),
                ("next", "/\t/evil.example/"),
                ("email", "admin@tandem.example"),
                ("password", DEMO_PASSWORD),
            ],
        )
        .await;
    assert_eq!(
        signed_in.status,
        StatusCode::SEE_OTHER,
        "{}",
        signed_in.body
    );
    assert_eq!(signed_in.location.as_deref(), Some("/"));
    // Signed in, the sign-in page redirects at once: still never off-site.
    for next in hostile {
        let reply = client.get(&format!("/sign-in?next={next}")).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "next={next}");
        assert_eq!(reply.location.as_deref(), Some("/"), "next={next}");
    }
    // A plain path, with its query, is followed.
    let reply = client
        .get("/sign-in?next=%2Fpeople%3Fq%3Dteam%2520manager%26page%3D2")
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(
        reply.location.as_deref(),
        Some("/people?q=team%20manager&page=2")
    );
    db.finish().await;
}

fn assert_security_headers(reply: &Reply, what: &str, no_store: bool) {
    let header = |name: &str| {
        reply
            .headers
            .get(name)
            .map(|v| v.to_str().expect("ascii header").to_owned())
    };
    let csp = header("content-security-policy").unwrap_or_else(|| panic!("{what}: no CSP"));
    for directive in [
        "default-src 'self'",
        "script-src 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'none'",
    ] {
        assert!(csp.contains(directive), "{what}: {directive} in {csp}");
    }
    assert!(!csp.contains("unsafe-inline"), "{what}: {csp}");
    assert_eq!(
        header("x-content-type-options").as_deref(),
        Some("nosniff"),
        "{what}"
    );
    assert_eq!(
        header("referrer-policy").as_deref(),
        Some("same-origin"),
        "{what}"
    );
    if no_store {
        assert_eq!(
            header("cache-control").as_deref(),
            Some("no-store"),
            "{what}"
        );
    }
    assert_eq!(
        header("strict-transport-security"),
        None,
        "{what}: HSTS without HTTPS"
    );
}

/// Issue 9 item 4: every response carries the security headers, and no
/// page holds what the Content-Security-Policy would block.
#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let db = test_support::sqlite().await;
    let mut client = demo_client(&db).await;
    let sign_in = client.get("/sign-in").await;
    assert_security_headers(&sign_in, "sign-in page", true);
    let refused = client.post_form("/sign-out", &[]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_security_headers(&refused, "a refusal by the session layer", true);
    let signed_out_api = client.get("/api/me").await;
    assert_eq!(signed_out_api.status, StatusCode::UNAUTHORIZED);
    assert_security_headers(&signed_out_api, "a 401 from the API", true);
    client
        .sign_in("coordinator@tandem.example", DEMO_PASSWORD)
        .await;
    let mut pages = Vec::new();
    for path in [
        "/",
        "/people",
        "/people/import",
        "/programmes",
        "/programmes/new",
    ] {
        let reply = client.get(path).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        assert_security_headers(&reply, path, true);
        pages.push((path, reply.body));
    }
    let api = client.get("/api/people").await;
    assert_eq!(api.status, StatusCode::OK);
    assert_security_headers(&api, "an API response", true);
    let missing = client.get("/no/such/page").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_security_headers(&missing, "a 404 page", true);
    let missing_api = client.get("/api/people/999999999").await;
    assert_eq!(missing_api.status, StatusCode::NOT_FOUND);
    assert_security_headers(&missing_api, "a 404 from the API", true);
    let css = client.get("/assets/tandem.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert_security_headers(&css, "the stylesheet", false);
    assert_eq!(
        css.headers
            .get("cache-control")
            .map(|v| v.to_str().expect("ascii")),
        Some("public, max-age=3600"),
        "the stylesheet may be cached"
    );
    // Nothing the policy would block: no script, no inline style, no
    // event handler attribute.
    pages.push(("/sign-in", sign_in.body));
    pages.push(("404", missing.body));
    for (path, body) in pages {
        for blocked in [
            "<script",
            " style=",
            "<style",
            " onclick=",
            " onload=",
            " onsubmit=",
        ] {
            assert!(!body.contains(blocked), "{path} holds {blocked}");
        }
    }
    db.finish().await;
}

/// Issue 9 item 4: served over HTTPS (`secure_cookies`), every response
/// tells browsers to use HTTPS only.
#[tokio::test]
async fn strict_transport_security_is_sent_only_with_secure_cookies() {
    let db = test_support::sqlite().await;
    let app = App::new(db.store.clone()).with_generated_master_key();
    let mut secure = Client::with_config(
        app.clone(),
        WebConfig {
            secure_cookies: true,
        },
    );
    for path in ["/sign-in", "/assets/tandem.css", "/api/me", "/nowhere"] {
        let reply = secure.get(path).await;
        assert_eq!(
            reply
                .headers
                .get("strict-transport-security")
                .map(|v| v.to_str().expect("ascii")),
            Some("max-age=31536000; includeSubDomains"),
            "{path}"
        );
    }
    let mut plain = Client::new(app);
    for path in ["/sign-in", "/assets/tandem.css", "/api/me", "/nowhere"] {
        let reply = plain.get(path).await;
        assert!(
            reply.headers.get("strict-transport-security").is_none(),
            "{path}"
        );
    }
    db.finish().await;
}

/// Issue 9 item 8: the CSRF token is taken from the header or the form
/// body, never from the address.
#[tokio::test]
async fn a_csrf_token_in_the_query_string_is_refused() {
    let db = test_support::sqlite().await;
    let mut client = demo_client(&db).await;
    // The sign-in form, before there is a session.
    let form = client.get("/sign-in").await;
    let token = hidden_value(&form.body, "csrf");
    let reply = client
        .post_form(
            &format!("/sign-in?csrf={token}"),
            &[("email", "hr@tandem.example"), ("password", DEMO_PASSWORD)],
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "sign-in");
    client.sign_in("hr@tandem.example", DEMO_PASSWORD).await;
    let csrf = client.csrf().await;
    // A page form.
    let reply = client
        .post_form(&format!("/sign-out?csrf={csrf}"), &[])
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "a page form");
    assert_eq!(
        client.get("/").await.status,
        StatusCode::OK,
        "still signed in"
    );
    // The API.
    let reply = client
        .send_text(
            "POST",
            &format!("/api/programmes?csrf={csrf}"),
            "application/toml",
            None,
            "",
        )
        .await;
    assert_eq!(
        reply.status,
        StatusCode::FORBIDDEN,
        "the API: {}",
        reply.body
    );
    assert!(
        reply.body.starts_with('{'),
        "the API's JSON: {}",
        reply.body
    );
    // The upload: its form carries the token as a field, not in its action.
    let page = client.get("/people/import").await;
    assert!(
        page.body.contains("action=\"/people/import\""),
        "{}",
        page.body
    );
    assert!(!page.body.contains("?csrf="), "no token in the address");
    assert_eq!(hidden_value(&page.body, "csrf"), csrf);
    let organisation = first_option(&page.body);
    let csv = "employee_id,given_name,family_name,email\nQ1,Quin,Lee,quin@example.org\n";
    let reply = client
        .post_multipart(
            &format!("/people/import?csrf={csrf}"),
            &[
                ("organisation", None, &organisation),
                ("file", Some("staff.csv"), csv),
            ],
        )
        .await;
    assert_eq!(
        reply.status,
        StatusCode::FORBIDDEN,
        "an upload with the token in its address"
    );
    let reply = client
        .post_multipart(
            "/people/import",
            &[
                ("csrf", None, "forged"),
                ("organisation", None, &organisation),
                ("file", Some("staff.csv"), csv),
            ],
        )
        .await;
    assert_eq!(
        reply.status,
        StatusCode::FORBIDDEN,
        "an upload with a wrong token"
    );
    let reply = client
        .post_multipart(
            "/people/import",
            &[
                ("organisation", None, &organisation),
                ("file", Some("staff.csv"), csv),
                ("csrf", None, &csrf),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert!(
        reply
            .location
            .as_deref()
            .is_some_and(|l| l.starts_with("/people/imports/")),
        "the upload is accepted and its import's page follows"
    );
    db.finish().await;
}

/// The value of a page's first non-empty `<option>`.
fn first_option(html: &str) -> String {
    html.split("<option value=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .find(|value| !value.is_empty())
        .expect("an option")
        .to_owned()
}

/// Issue 9 item 7: crafted input is a 422 (or 400 for a body that is not
/// JSON) with a message, never a 500, on every database.
#[tokio::test]
async fn crafted_input_is_refused_with_a_message_not_a_500() {
    for db in test_support::all().await {
        let label = db.label;
        let mut client = demo_client(&db).await;
        // The sign-in email, before there is a session.
        let form = client.get("/sign-in").await;
        let token = hidden_value(&form.body, "csrf");
        let reply = client
            .post_form(
                "/sign-in",
                &[
                    ("csrf", &token),
                    ("email", "admin\0@tandem.example"),
                    ("password", DEMO_PASSWORD),
                ],
            )
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert!(
            reply.body.contains("Email must not contain a NUL"),
            "{label}: {}",
            reply.body
        );
        client
            .sign_in("coordinator@tandem.example", DEMO_PASSWORD)
            .await;
        let long = "a".repeat(50_001);
        for (path, needle) in [
            (
                format!("/people?q={long}"),
                "Q must be 200 characters or fewer",
            ),
            (format!("/api/people?q={long}"), "\"field\":\"q\""),
            ("/people?q=team%00".to_owned(), "Q must not contain a NUL"),
            ("/api/people?q=team%00".to_owned(), "\"field\":\"q\""),
            (
                "/people?page=9223372036854775807".to_owned(),
                "There is no page",
            ),
            (
                "/api/people?page=9223372036854775807".to_owned(),
                "\"field\":\"page\"",
            ),
            (
                "/api/people?page=9223372036854775807&per_page=200".to_owned(),
                "\"field\":\"page\"",
            ),
            ("/api/people?page=6".to_owned(), "the last is page 5"),
            ("/api/people?page=0".to_owned(), "\"field\":\"page\""),
            ("/api/people?page=-1".to_owned(), "\"field\":\"page\""),
        ] {
            let reply = client.get(&path).await;
            assert_eq!(
                reply.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{label}: {}",
                &path[..path.len().min(60)]
            );
            assert!(
                reply.body.contains(needle),
                "{label}: {needle} in {}",
                reply.body
            );
        }
        let reply = client.get("/people?page=-1").await;
        assert_eq!(reply.status, StatusCode::OK, "{label}");
        assert!(reply.body.contains("Page 1 of 5"), "{label}");
        // API bodies.
        let csrf = client.csrf().await;
        for (body, status, needle) in [
            ("{not json", StatusCode::BAD_REQUEST, "\"message\""),
            ("[1, 2", StatusCode::BAD_REQUEST, "\"message\""),
            (
                "{\"decision\": 7}",
                StatusCode::UNPROCESSABLE_ENTITY,
                "\"message\"",
            ),
            (
                "{\"reason\": \"a\\u0000b\"}",
                StatusCode::UNPROCESSABLE_ENTITY,
                "\"field\":\"reason\"",
            ),
        ] {
            let reply = client
                .send_text(
                    "POST",
                    "/api/requests/1/screening",
                    "application/json",
                    Some(&csrf),
                    body,
                )
                .await;
            assert_eq!(reply.status, status, "{label}: {body}: {}", reply.body);
            let json: serde_json::Value = serde_json::from_str(&reply.body)
                .unwrap_or_else(|_| panic!("{label}: JSON for {body}: {}", reply.body));
            assert!(json["message"].is_string(), "{label}: {}", reply.body);
            assert!(
                reply.body.contains(needle),
                "{label}: {needle} in {}",
                reply.body
            );
        }
        db.finish().await;
    }
}

/// Issue 9 item 9: a person's sessions page lists where they are signed
/// in, this session marked, without any session's token; they can end any
/// of them, and ending another person's session is "not found".
#[tokio::test]
async fn a_person_sees_and_ends_their_own_sessions_only() {
    for db in test_support::all().await {
        let mut here = demo_client(&db).await;
        let mut there = Client::for_store(&db);
        let mut someone_else = Client::for_store(&db);
        for (client, email) in [
            (&mut here, "mentor@tandem.example"),
            (&mut there, "mentor@tandem.example"),
            (&mut someone_else, "mentee@tandem.example"),
        ] {
            let reply = client.sign_in(email, DEMO_PASSWORD).await;
            assert_eq!(reply.status, StatusCode::SEE_OTHER, "{email} signs in");
        }
        let home = here.get("/").await;
        assert!(
            home.body.contains("href=\"/sessions\""),
            "linked from the header"
        );

        let page = here.get("/sessions").await;
        assert_eq!(page.status, StatusCode::OK, "{}", db.label);
        assert_eq!(
            page.body.matches("name=\"session\"").count(),
            2,
            "{}",
            page.body
        );
        assert_eq!(page.body.matches("This session").count(), 1);
        for client in [&here, &there, &someone_else] {
            let token = client.cookie("tandem_session").expect("a session cookie");
            assert!(!page.body.contains(token), "no token in the page");
        }

        // The mentee's session, named as their own page names it.
        let theirs = hidden_value(&someone_else.get("/sessions").await.body, "session");
        let csrf = hidden_value(&page.body, "csrf");
        let refused = here
            .post_form("/sessions/end", &[("csrf", &csrf), ("session", &theirs)])
            .await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND, "{}", db.label);
        assert_eq!(someone_else.get("/").await.status, StatusCode::OK);

        // Ending the other session signs that browser out, not this one.
        let there_page = there.get("/sessions").await;
        let there_csrf = hidden_value(&there_page.body, "csrf");
        let listed = {
            let single = here.get("/sessions").await.body;
            let references: Vec<String> = single
                .split("name=\"session\" value=\"")
                .skip(1)
                .map(|rest| rest[..rest.find('"').expect("quote")].to_owned())
                .collect();
            assert_eq!(references.len(), 2);
            references
        };
        let ended = there
            .post_form(
                "/sessions/end",
                &[("csrf", &there_csrf), ("session", &listed[0])],
            )
            .await;
        assert_eq!(ended.status, StatusCode::SEE_OTHER);
        let (gone, stays) = if ended.location.as_deref() == Some("/sign-in") {
            (&mut there, &mut here)
        } else {
            assert_eq!(ended.location.as_deref(), Some("/sessions"));
            (&mut here, &mut there)
        };
        assert_eq!(
            gone.get("/").await.status,
            StatusCode::SEE_OTHER,
            "{}",
            db.label
        );
        assert_eq!(stays.get("/").await.status, StatusCode::OK, "{}", db.label);

        // Ending the session in use signs out here.
        let last = stays.get("/sessions").await;
        assert_eq!(last.body.matches("name=\"session\"").count(), 1);
        let out = stays
            .post_form(
                "/sessions/end",
                &[
                    ("csrf", &hidden_value(&last.body, "csrf")),
                    ("session", &hidden_value(&last.body, "session")),
                ],
            )
            .await;
        assert_eq!(out.location.as_deref(), Some("/sign-in"));
        assert!(stays.cookie("tandem_session").is_none());
        assert_eq!(stays.get("/sessions").await.status, StatusCode::SEE_OTHER);
        db.finish().await;
    }
}
