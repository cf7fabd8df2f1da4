//! Sessions and CSRF protection, for every request in one place.
//!
//! The session cookie holds a random token; the database holds its hash
//! and the session's CSRF token. Every request that is not GET or HEAD
//! must carry that CSRF token, as an `X-CSRF-Token` header (API calls) or
//! a `csrf` field of the form body it sends (pages: an urlencoded form, or
//! the multipart form of a file upload, read whole here before the token is
//! looked for). Never in the address: a token in a URL leaks into logs,
//! history and `Referer` headers. Before sign-in, the sign-in form's token
//! is checked against a cookie set with the form.

use axum::body::{Body, to_bytes};
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, SameSite};
use tandem_app::auth::csrf_matches;

use crate::caller::Caller;
use crate::error::{self, ErrorPage, PageError};
use crate::state::AppState;

pub const SESSION_COOKIE: &str = "tandem_session";
pub const PRE_SESSION_COOKIE: &str = "tandem_presession";

/// The largest urlencoded form body read here to find a CSRF token.
const MAX_FORM_BYTES: usize = 1024 * 1024;

/// The largest request body accepted (`routes` sets it for the handlers),
/// and so the largest multipart upload read here to find its CSRF token:
/// enough for an HR export of a large national scheme.
pub const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

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
    if let Some(caller) = &caller {
        parts.extensions.insert(caller.clone());
        request.extensions_mut().insert(caller.clone());
    }
    let mut response = next.run(request).await;
    // An error page is shown with the navigation of whoever is signed in.
    if let (Some(caller), Some(error)) = (&caller, response.extensions_mut().remove::<ErrorPage>())
    {
        let (mut response_parts, _) = response.into_parts();
        let body = error.with_caller(caller).into_string();
        response_parts.headers.remove(header::CONTENT_LENGTH);
        response = Response::from_parts(response_parts, Body::from(body));
    }
    response
}

/// Finds the CSRF token a request carries: its `X-CSRF-Token` header, or
/// the `csrf` field of its form body, reading the body if need be (and
/// handing back a request with the body restored). A token in the query
/// string is not looked at.
async fn csrf_token_of(parts: &Parts, request: Request) -> (Option<String>, Option<Request>) {
    if let Some(value) = parts
        .headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
    {
        return (Some(value.to_owned()), Some(request));
    }
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let multipart = content_type.starts_with("multipart/form-data");
    if !multipart && !content_type.starts_with("application/x-www-form-urlencoded") {
        return (None, Some(request));
    }
    let limit = if multipart {
        MAX_BODY_BYTES
    } else {
        MAX_FORM_BYTES
    };
    let (req_parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, limit).await else {
        return (None, None);
    };
    let token = if multipart {
        multipart_field(&req_parts, bytes.clone(), "csrf").await
    } else {
        std::str::from_utf8(&bytes)
            .ok()
            .and_then(|text| form_urlencoded_pairs(text).find(|(k, _)| k == "csrf"))
            .map(|(_, v)| v)
    };
    (
        token,
        Some(Request::from_parts(req_parts, Body::from(bytes))),
    )
}

/// The text of a multipart body's field, read from the whole body.
async fn multipart_field(parts: &Parts, bytes: axum::body::Bytes, name: &str) -> Option<String> {
    let request = Request::from_parts(parts.clone(), Body::from(bytes));
    let mut multipart = Multipart::from_request(request, &()).await.ok()?;
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() == Some(name) {
            return field.text().await.ok();
        }
    }
    None
}

fn form_urlencoded_pairs(text: &str) -> impl Iterator<Item = (String, String)> + '_ {
    serde_urlencoded::from_str::<Vec<(String, String)>>(text)
        .unwrap_or_default()
        .into_iter()
}
