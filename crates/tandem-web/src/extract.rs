//! What handlers take from a request before they run: the caller (sent to
//! sign in, or refused with 401, when there is none) and the ids in the
//! path (a malformed id is "not found", as an unknown one is).
//!
//! Put the caller before the path ids in a handler's arguments: someone
//! signed out is sent to sign in whatever the address.

use std::str::FromStr;

use axum::extract::{FromRequestParts, Path};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};

use crate::caller::Caller;
use crate::error::{self, ApiError};

/// A page handler's caller; anyone not signed in is sent to sign in.
pub struct PageCaller(pub Caller);

impl<S: Send + Sync> FromRequestParts<S> for PageCaller {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        match parts.extensions.get::<Caller>() {
            Some(caller) => Ok(PageCaller(caller.clone())),
            None => {
                let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
                let next = serde_urlencoded::to_string([("next", path)]).unwrap_or_default();
                Err(Redirect::to(&format!("/sign-in?{next}")).into_response())
            }
        }
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
#[cfg_attr(
    not(test),
    expect(dead_code, reason = "no route has two ids yet; its tests use it")
)]
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

#[cfg(test)]
mod tests {
    use axum::Router;
    use axum::body::{Body, to_bytes};
    use axum::http::Request;
    use axum::routing::get;
    use tower::ServiceExt;

    use super::*;

    /// An id type of its own, as `PersonId` will be.
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
                get(|PathId(id): PathId<i64>| async move { id.to_string() }),
            )
            .route(
                "/api/things/{id}",
                get(|PathId(Even(n)): PathId<Even>| async move { n.to_string() }),
            )
            .route(
                "/api/things/{id}/parts/{part}",
                get(|PathIds(a, b): PathIds<i64, Even>| async move { format!("{a}/{}", b.0) }),
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
        assert_eq!(
            get_path("/api/things/3/parts/4").await,
            (StatusCode::OK, "3/4".into())
        );
    }

    #[tokio::test]
    async fn a_malformed_id_on_a_page_is_the_not_found_page() {
        let (status, body) = get_path("/things/forty-two").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(body.contains("<h1>Page not found</h1>"), "{body}");
    }

    #[tokio::test]
    async fn a_malformed_id_in_the_api_is_the_apis_not_found() {
        let expected = (StatusCode::NOT_FOUND, "{\"message\":\"Not found.\"}".into());
        assert_eq!(
            get_path("/api/things/7").await,
            expected,
            "odd: not an Even"
        );
        assert_eq!(get_path("/api/things/x/parts/4").await, expected);
        assert_eq!(get_path("/api/things/3/parts/5").await, expected);
    }
}
