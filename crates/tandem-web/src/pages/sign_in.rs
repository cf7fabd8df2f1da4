//! Signing in and out. The sign-in form is protected from cross-site
//! requests before there is a session by a token set in a cookie with the
//! form (`session::PRE_SESSION_COOKIE`).

use crate::extract::Form;
use axum::extract::{Extension, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use tandem_app::AppError;
use tandem_app::auth::{SESSION_SECONDS, new_token};

use crate::caller::Caller;
use crate::error::PageError;
use crate::extract::PageCaller;
use crate::forms::{Fields, Problem, csrf_field, error_summary};
use crate::layout::page;
use crate::session::{PRE_SESSION_COOKIE, SESSION_COOKIE, cookie, cookie_value};
use crate::state::AppState;
#[derive(Debug, Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// Where to go after sign-in: `next` if it is a plain path on this site,
/// otherwise the home page. `next` is given as the query or form decoded
/// it, so `/%09/evil.example/` arrives here with a real tab in it.
///
/// A plain path starts with one `/` (not `//` or `/\`, which browsers
/// read as another site), and holds only visible ASCII: no control or
/// white-space character (browsers drop a tab or new line, turning
/// `/<TAB>/evil.example/` into `//evil.example/`), no backslash (which
/// browsers read as `/`), and nothing that could not go into a `Location`
/// header as it is.
fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(path) if is_plain_local_path(path) => path,
        _ => "/",
    }
}

fn is_plain_local_path(path: &str) -> bool {
    let bytes = path.as_bytes();
    bytes.first() == Some(&b'/')
        && bytes.get(1) != Some(&b'/')
        && bytes.iter().all(|&b| b.is_ascii_graphic() && b != b'\\')
}

fn sign_in_form(token: &str, next: &str, email: &str, problems: &[Problem]) -> Markup {
    let fields = Fields::new(problems);
    page(
        if problems.is_empty() {
            "Sign in"
        } else {
            "Error: Sign in"
        },
        None,
        html! {
            (error_summary(problems))
            h1 { "Sign in to Tandem" }
            form method="post" action="/sign-in" novalidate {
                (csrf_field(token))
                input type="hidden" name="next" value=(next);
                (fields.text("email", "Email address").kind("email").value(email).autocomplete("username"))
                (fields.text("password", "Password").kind("password").autocomplete("current-password"))
                button.button type="submit" { "Sign in" }
            }
        },
    )
}

/// `GET /sign-in`.
pub async fn sign_in_page(
    State(state): State<AppState>,
    caller: Option<Extension<Caller>>,
    Query(query): Query<NextQuery>,
) -> Response {
    let next = safe_next(query.next.as_deref()).to_owned();
    if caller.is_some() {
        return Redirect::to(&next).into_response();
    }
    let token = new_token();
    (
        [(
            header::SET_COOKIE,
            cookie(
                PRE_SESSION_COOKIE,
                token.clone(),
                state.config.secure_cookies,
                3600,
            ),
        )],
        sign_in_form(&token, &next, "", &[]),
    )
        .into_response()
}

#[derive(Debug, Deserialize)]
pub struct SignInForm {
    email: String,
    password: String,
    next: Option<String>,
}

/// `POST /sign-in`.
pub async fn sign_in(
    State(state): State<AppState>,
    headers: HeaderMap,
    extensions: axum::http::Extensions,
    Form(form): Form<SignInForm>,
) -> Response {
    // The peer's address, which the sign-in throttle counts by; none when
    // the router is called without a socket (tests).
    let address = extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|info| info.0.ip().to_string());
    let next = safe_next(form.next.as_deref()).to_owned();
    let mut problems = Vec::new();
    if form.email.trim().is_empty() {
        problems.push(Problem {
            field_id: "email".into(),
            message: "Enter your email address".into(),
        });
    }
    if form.password.is_empty() {
        problems.push(Problem {
            field_id: "password".into(),
            message: "Enter your password".into(),
        });
    }
    if problems.is_empty() {
        match state
            .app
            .sign_in_from(&form.email, &form.password, address.as_deref())
            .await
        {
            Ok(signed_in) => {
                let mut response = Redirect::to(&next).into_response();
                let headers = response.headers_mut();
                for value in [
                    cookie(
                        SESSION_COOKIE,
                        signed_in.token,
                        state.config.secure_cookies,
                        SESSION_SECONDS,
                    ),
                    cookie(
                        PRE_SESSION_COOKIE,
                        String::new(),
                        state.config.secure_cookies,
                        0,
                    ),
                ] {
                    if let Ok(value) = value.parse() {
                        headers.append(header::SET_COOKIE, value);
                    }
                }
                return response;
            }
            Err(AppError::Invalid(errors)) => {
                problems.extend(errors.into_iter().map(|e| Problem {
                    field_id: e.field,
                    message: e.message,
                }));
            }
            Err(other) => return PageError::from(other).into_response(),
        }
    }
    let token = cookie_value(&headers, PRE_SESSION_COOKIE).unwrap_or_default();
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        sign_in_form(&token, &next, &form.email, &problems),
    )
        .into_response()
}

/// `POST /sign-out`.
pub async fn sign_out(State(state): State<AppState>, PageCaller(caller): PageCaller) -> Response {
    if let Err(error) = state.app.sign_out(&caller.token).await {
        return PageError::from(error).into_response();
    }
    (
        [(
            header::SET_COOKIE,
            cookie(
                SESSION_COOKIE,
                String::new(),
                state.config.secure_cookies,
                0,
            ),
        )],
        Redirect::to("/signed-out"),
    )
        .into_response()
}

/// `GET /signed-out`: the confirmation that signing out worked.
pub async fn signed_out() -> Markup {
    page(
        "You have signed out",
        None,
        html! {
            h1 { "You have signed out" }
            p { "Nobody using this browser can see your mentoring pages without signing in again. If you share this computer, close the browser too." }
            p { a.button href="/sign-in" { "Sign in again" } }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_a_plain_path_on_this_site_may_follow_sign_in() {
        let cases: &[(Option<&str>, &str)] = &[
            (None, "/"),
            (Some(""), "/"),
            (Some("/"), "/"),
            (Some("/people"), "/people"),
            (
                Some("/people?q=team%20manager&page=2"),
                "/people?q=team%20manager&page=2",
            ),
            (Some("/programmes/3/register"), "/programmes/3/register"),
            // Another site, however spelt.
            (Some("//evil.example/"), "/"),
            (Some("/\\evil.example/"), "/"),
            (Some("\\\\evil.example/"), "/"),
            (Some("/x\\y"), "/"),
            (Some("https://evil.example/"), "/"),
            (Some("javascript:alert(1)"), "/"),
            (Some("evil.example"), "/"),
            // Control and white-space characters anywhere (as decoded from
            // `/%09/evil.example/`, `/%0a/x`, …).
            (Some("/\t/evil.example/"), "/"),
            (Some("/\n/x"), "/"),
            (Some("/\r\n/x"), "/"),
            (Some("/ /evil.example/"), "/"),
            (Some("/people\u{0}"), "/"),
            (Some("/people\u{7f}"), "/"),
            (Some("/\u{a0}/evil.example/"), "/"),
            (Some("/\u{2028}/x"), "/"),
            (Some("/caf\u{e9}"), "/"),
            (Some(" /people"), "/"),
        ];
        for (next, expected) in cases {
            assert_eq!(safe_next(*next), *expected, "next = {next:?}");
        }
    }
}
