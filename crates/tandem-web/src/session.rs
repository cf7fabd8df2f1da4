//! Sessions and CSRF protection, for every request in one place.
//!
//! The session cookie holds a random token; the database holds its hash
//! and the session's CSRF token. Every request that is not GET or HEAD
//! must carry that CSRF token, as an `X-CSRF-Token` header (API calls), a
//! `csrf` form field (pages), or a `csrf` query parameter (file uploads,
//! whose multipart bodies are not read here). Before sign-in, the sign-in
//! form's token is checked against a cookie set with the form.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, SameSite};
use tandem_app::auth::csrf_matches;

use crate::caller::Caller;
use crate::error::{self, PageError};
use crate::state::AppState;

pub const SESSION_COOKIE: &str = "tandem_session";
pub const PRE_SESSION_COOKIE: &str = "tandem_presession";

/// The largest form body read here to find a CSRF token.
const MAX_FORM_BYTES: usize = 1024 * 1024;

pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| Cookie::parse(pair.trim().to_owned()).ok())
        .find(|cookie| cookie.name() == name)
        .map(|cookie| cookie.value().to_owned())
}

pub fn cookie(name: &'static str, value: String, secure: bool, max_age_seconds: i64) -> String {
    Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .max_age(time::Duration::seconds(max_age_seconds))
        .build()
        .to_string()
}

pub async fn layer(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    let mut caller = None;
    if let Some(token) = cookie_value(&parts.headers, SESSION_COOKIE) {
        match state.app.session(&token).await {
            Ok(Some(session)) => {
                caller = Some(Caller {
                    principal: session.principal,
                    csrf_token: session.csrf_token,
                    token,
                });
            }
            Ok(None) => {}
            Err(error) => return PageError::from(error).into_response(),
        }
    }
    let mut request = Request::from_parts(parts.clone(), body);
    if parts.method != Method::GET && parts.method != Method::HEAD {
        let expected = match &caller {
            Some(caller) => Some(caller.csrf_token.clone()),
            None => cookie_value(&parts.headers, PRE_SESSION_COOKIE),
        };
        let (given, rebuilt) = csrf_token_of(&parts, request).await;
        request = match rebuilt {
            Some(request) => request,
            None => {
                return error::forbidden(&parts.uri, "The request was too large to check.");
            }
        };
        let valid = matches!((&expected, &given), (Some(e), Some(g)) if csrf_matches(e, g));
        if !valid {
            return error::forbidden(
                &parts.uri,
                "This form has expired or did not come from Tandem. Go back, reload the page and try again.",
            );
        }
    }
    if let Some(caller) = caller {
        parts.extensions.insert(caller.clone());
        request.extensions_mut().insert(caller);
    }
    next.run(request).await
}

/// Finds the CSRF token a request carries, reading a form body if need be
/// (and handing back a request with the body restored).
async fn csrf_token_of(parts: &Parts, request: Request) -> (Option<String>, Option<Request>) {
    if let Some(value) = parts
        .headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
    {
        return (Some(value.to_owned()), Some(request));
    }
    if let Some(query) = parts.uri.query()
        && let Some((_, value)) = form_urlencoded_pairs(query).find(|(k, _)| k == "csrf")
    {
        return (Some(value), Some(request));
    }
    let is_form = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return (None, Some(request));
    }
    let (req_parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_FORM_BYTES).await else {
        return (None, None);
    };
    let token = std::str::from_utf8(&bytes)
        .ok()
        .and_then(|text| form_urlencoded_pairs(text).find(|(k, _)| k == "csrf"))
        .map(|(_, v)| v);
    (
        token,
        Some(Request::from_parts(req_parts, Body::from(bytes))),
    )
}

fn form_urlencoded_pairs(text: &str) -> impl Iterator<Item = (String, String)> + '_ {
    serde_urlencoded::from_str::<Vec<(String, String)>>(text)
        .unwrap_or_default()
        .into_iter()
}
