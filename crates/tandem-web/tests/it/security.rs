//! What a probe of Tandem as an attacker found (issue 9), each kept fixed
//! by a test here.

use axum::http::StatusCode;
use tandem_app::App;
use tandem_app::demo::DEMO_PASSWORD;
use tandem_app::testing as test_support;

use crate::client::{Client, hidden_value};

async fn demo_client(db: &test_support::TestDatabase) -> Client {
    App::new(db.store.clone())
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
