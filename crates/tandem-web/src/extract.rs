//! What handlers take from a request before they run: the caller (sent to
//! sign in, or refused with 401, when there is none) and the ids in the
//! path (a malformed id is "not found", as an unknown one is).
//!
//! Put the caller before the path ids in a handler's arguments: someone
//! signed out is sent to sign in whatever the address.

use std::str::FromStr;

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use serde::de::DeserializeOwned;
use tandem_app::FieldError;
use tandem_domain::text::{filter_problem, text_problem};

use crate::caller::Caller;
use crate::error::{self, ApiError};

/// A page handler's caller; anyone not signed in is sent to sign in.
pub struct PageCaller(pub Caller);

impl<S: Send + Sync> FromRequestParts<S> for PageCaller {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        match parts.extensions.get::<Caller>() {
            Some(caller) => Ok(PageCaller(caller.clone())),
            None => Err(sign_in_redirect(&parts.uri)),
        }
    }
}

/// Sends someone signed out to sign in, coming back to this address.
pub fn sign_in_redirect(uri: &Uri) -> Response {
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    let next = serde_urlencoded::to_string([("next", path)]).unwrap_or_default();
    Redirect::to(&format!("/sign-in?{next}")).into_response()
}

/// The caller of a page that someone signed out may also read (a public
/// programme's page): `None` when nobody is signed in.
pub struct MaybeCaller(pub Option<Caller>);

impl<S: Send + Sync> FromRequestParts<S> for MaybeCaller {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(MaybeCaller(parts.extensions.get::<Caller>().cloned()))
    }
}

/// An API handler's caller; anyone not signed in gets 401.
pub struct ApiCaller(pub Caller);

impl<S: Send + Sync> FromRequestParts<S> for ApiCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Caller>()
            .cloned()
            .map(ApiCaller)
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "Sign in first: this needs a session cookie.",
                )
            })
    }
}

/// The one id in a route's path (`/programmes/{id}`), parsed as `T`. One
/// that does not parse is answered as an unknown id is: the not-found page,
/// or the API's "Not found." JSON under `/api/`.
#[derive(Debug, Clone, Copy)]
pub struct PathId<T>(pub T);

impl<S, T> FromRequestParts<S> for PathId<T>
where
    S: Send + Sync,
    T: FromStr + Send,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let id = Path::<String>::from_request_parts(parts, state)
            .await
            .ok()
            .and_then(|Path(id)| id.parse().ok());
        id.map(PathId).ok_or_else(|| error::not_found(&parts.uri))
    }
}

/// The two ids in a route's path (`/programmes/{id}/requests/{request}`),
/// in the order they appear; answered as [`PathId`] is when either does
/// not parse.
#[derive(Debug, Clone, Copy)]
pub struct PathIds<A, B>(pub A, pub B);

impl<S, A, B> FromRequestParts<S> for PathIds<A, B>
where
    S: Send + Sync,
    A: FromStr + Send,
    B: FromStr + Send,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let ids = Path::<(String, String)>::from_request_parts(parts, state)
            .await
            .ok()
            .and_then(|Path((first, second))| {
                Some(PathIds(first.parse().ok()?, second.parse().ok()?))
            });
        ids.ok_or_else(|| error::not_found(&parts.uri))
    }
}

/// The first problem with the (name, value) pairs of a query or form.
fn pair_problems(text: &str, problem: impl Fn(&str) -> Option<String>) -> Vec<FieldError> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(text)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(field, value)| {
            problem(&value).map(|message| FieldError {
                message: format!("{field} {message}"),
                field,
            })
        })
        .collect()
}

/// A query string of searches and filters, each checked before it is
/// deserialised: no NUL, and no longer than a filter needs (422 naming the
/// field, as a page or as API JSON).
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let problems = pair_problems(parts.uri.query().unwrap_or_default(), filter_problem);
        if !problems.is_empty() {
            return Err(error::invalid(&parts.uri, problems));
        }
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(value)| Query(value))
            .map_err(IntoResponse::into_response)
    }
}

/// An urlencoded form body, each value checked for a NUL before it is
/// deserialised (422 naming the field).
pub struct Form<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Form<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (parts, body) = request.into_parts();
        let bytes = Bytes::from_request(Request::from_parts(parts.clone(), body), state)
            .await
            .map_err(IntoResponse::into_response)?;
        let problems = pair_problems(&String::from_utf8_lossy(&bytes), |value| {
            text_problem(value).map(str::to_owned)
        });
        if !problems.is_empty() {
            return Err(error::invalid(&parts.uri, problems));
        }
        axum::Form::<T>::from_request(Request::from_parts(parts, Body::from(bytes)), state)
            .await
            .map(|axum::Form(value)| Form(value))
            .map_err(IntoResponse::into_response)
    }
}

/// A JSON body. One that is not JSON, or not of the right shape, is
/// answered in the API's JSON error shape, not axum's plain text; a
/// string holding a NUL is a 422 naming its field.
pub struct Json<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let axum::Json(value) = axum::Json::<serde_json::Value>::from_request(request, state)
            .await
            .map_err(|rejection| ApiError::new(rejection.status(), rejection.body_text()))?;
        let mut problems = Vec::new();
        nul_fields(&value, "", &mut problems);
        if !problems.is_empty() {
            return Err(ApiError::invalid(problems));
        }
        serde_json::from_value(value).map(Json).map_err(|error| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("The body does not have the fields expected: {error}."),
            )
        })
    }
}

impl<T: serde::Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// Every string in a JSON value holding a NUL, named by its path.
fn nul_fields(value: &serde_json::Value, path: &str, problems: &mut Vec<FieldError>) {
    match value {
        serde_json::Value::String(text) => {
            if let Some(message) = text_problem(text) {
                let field = if path.is_empty() { "body" } else { path };
                problems.push(FieldError {
                    field: field.to_owned(),
                    message: format!("{field} {message}"),
                });
            }
        }
        serde_json::Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                nul_fields(item, &format!("{path}[{index}]"), problems);
            }
        }
        serde_json::Value::Object(fields) => {
            for (key, item) in fields {
                let inner = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                nul_fields(item, &inner, problems);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use axum::Router;
    use axum::body::{Body, to_bytes};
    use axum::http::Request;
    use axum::routing::get;
    use tandem_domain::ids::PersonId;
    use tower::ServiceExt;

    use super::*;

    /// An id type with a rule of its own.
    #[derive(Debug)]
    struct Even(u32);

    impl FromStr for Even {
        type Err = ();

        fn from_str(text: &str) -> Result<Self, ()> {
            match text.parse::<u32>() {
                Ok(n) if n % 2 == 0 => Ok(Even(n)),
                _ => Err(()),
            }
        }
    }

    fn router() -> Router {
        Router::new()
            .route(
                "/things/{id}",
                get(|PathId(id): PathId<PersonId>| async move { id.to_string() }),
            )
            .route(
                "/api/things/{id}",
                get(|PathId(Even(n)): PathId<Even>| async move { n.to_string() }),
            )
    }

    async fn get_path(path: &str) -> (StatusCode, String) {
        let response = router()
            .oneshot(Request::get(path).body(Body::empty()).expect("request"))
            .await
            .expect("answer");
        let status = response.status();
        let body = to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("body");
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    #[tokio::test]
    async fn an_id_that_parses_reaches_the_handler() {
        assert_eq!(get_path("/things/42").await, (StatusCode::OK, "42".into()));
        assert_eq!(
            get_path("/api/things/8").await,
            (StatusCode::OK, "8".into())
        );
    }

    #[tokio::test]
    async fn a_malformed_id_on_a_page_is_the_not_found_page() {
        for path in ["/things/forty-two", "/things/0", "/things/-3"] {
            let (status, body) = get_path(path).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
            assert!(body.contains("<h1>Page not found</h1>"), "{path}: {body}");
        }
    }

    #[tokio::test]
    async fn a_malformed_id_in_the_api_is_the_apis_not_found() {
        let expected = (StatusCode::NOT_FOUND, "{\"message\":\"Not found.\"}".into());
        assert_eq!(
            get_path("/api/things/7").await,
            expected,
            "odd: not an Even"
        );
    }
}
