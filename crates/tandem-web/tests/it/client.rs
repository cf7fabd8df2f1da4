//! A small cookie-keeping client over the router, without a network.

use std::collections::HashMap;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{HeaderMap, Request, StatusCode, header};
use tandem_app::App;
use tandem_app::testing::TestDatabase as TestStore;
use tandem_web::{WebConfig, router};
use tower::ServiceExt;

pub struct Client {
    router: Router,
    cookies: HashMap<String, String>,
}

pub struct Reply {
    pub status: StatusCode,
    pub location: Option<String>,
    pub headers: HeaderMap,
    pub body: String,
}

impl Client {
    pub fn new(app: App) -> Client {
        Client::with_config(app, WebConfig::default())
    }

    pub fn with_config(app: App, config: WebConfig) -> Client {
        Client {
            router: router(app, config),
            cookies: HashMap::new(),
        }
    }

    pub fn for_store(db: &TestStore) -> Client {
        Client::new(App::new(db.store.clone()).with_generated_master_key())
    }

    async fn send(&mut self, request: axum::http::request::Builder, body: Body) -> Reply {
        let cookie_header: Vec<String> = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        let request = request
            .header(header::COOKIE, cookie_header.join("; "))
            .body(body)
            .expect("a valid request");
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("the router answers");
        for value in response.headers().get_all(header::SET_COOKIE) {
            let text = value.to_str().expect("ascii cookie");
            let pair = text.split(';').next().expect("a pair");
            let (name, value) = pair.split_once('=').expect("name=value");
            if value.is_empty() {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        let status = response.status();
        let location = response
            .headers()
            .get(header::LOCATION)
            .map(|v| v.to_str().expect("ascii location").to_owned());
        let headers = response.headers().clone();
        let bytes = to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("a body");
        Reply {
            status,
            location,
            headers,
            body: String::from_utf8(bytes.to_vec()).expect("utf-8 body"),
        }
    }

    pub async fn get(&mut self, path: &str) -> Reply {
        self.send(Request::get(path), Body::empty()).await
    }

    pub async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let body = serde_urlencoded::to_string(fields).expect("encodes");
        self.send(
            Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded"),
            Body::from(body),
        )
        .await
    }

    pub async fn post_csv(&mut self, path: &str, csrf: Option<&str>, csv: &str) -> Reply {
        let mut request = Request::post(path).header(header::CONTENT_TYPE, "text/csv");
        if let Some(token) = csrf {
            request = request.header("x-csrf-token", token);
        }
        self.send(request, Body::from(csv.to_owned())).await
    }

    /// Sends a text body with any method and content type (the programme
    /// API takes TOML).
    pub async fn send_text(
        &mut self,
        method: &str,
        path: &str,
        content_type: &str,
        csrf: Option<&str>,
        body: &str,
    ) -> Reply {
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header(header::CONTENT_TYPE, content_type);
        if let Some(token) = csrf {
            request = request.header("x-csrf-token", token);
        }
        self.send(request, Body::from(body.to_owned())).await
    }

    pub async fn post_multipart(
        &mut self,
        path: &str,
        fields: &[(&str, Option<&str>, &str)],
    ) -> Reply {
        let boundary = "tandem-test-boundary";
        let mut body = String::new();
        for (name, filename, value) in fields {
            body.push_str(&format!("--{boundary}\r\n"));
            match filename {
                Some(f) => body.push_str(&format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: text/csv\r\n\r\n"
                )),
                None => body.push_str(&format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n")),
            }
            body.push_str(value);
            body.push_str("\r\n");
        }
        body.push_str(&format!("--{boundary}--\r\n"));
        self.send(
            Request::post(path).header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            ),
            Body::from(body),
        )
        .await
    }

    /// Signs in through the sign-in page, as a browser would.
    pub async fn sign_in(&mut self, email: &str, password: &str) -> Reply {
        let form = self.get("/sign-in").await;
        assert_eq!(form.status, StatusCode::OK);
        let token = hidden_value(&form.body, "csrf");
        self.post_form(
            "/sign-in",
            &[
                ("csrf", &token),
                ("next", "/"),
                ("email", email),
                ("password", password),
            ],
        )
        .await
    }

    /// The value of a cookie the client holds.
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies.get(name).map(String::as_str)
    }

    /// The CSRF token of the signed-in session, from the API.
    pub async fn csrf(&mut self) -> String {
        let me = self.get("/api/me").await;
        assert_eq!(me.status, StatusCode::OK, "{}", me.body);
        let value: serde_json::Value = serde_json::from_str(&me.body).expect("json");
        value["csrf_token"].as_str().expect("a token").to_owned()
    }
}

/// The value of a hidden form field in a page.
pub fn hidden_value(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} field in {html}"))
        + marker.len();
    let end = html[start..].find('"').expect("closing quote") + start;
    html[start..end].to_owned()
}
