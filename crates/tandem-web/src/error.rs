//! How failures become responses. A user's mistake gets a clear message and
//! a 4xx; anything else is logged once here and answered with a 500 that
//! says nothing about internals. A page gets a page ([`PageError`]), an API
//! call JSON ([`ApiError`]); a refusal made before any handler runs (by the
//! session layer or an extractor) picks the shape from the path.

use axum::Json;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use tandem_app::{AppError, FieldError};
use utoipa::ToSchema;

use crate::layout;

/// A page that could not be shown.
#[derive(Debug)]
pub enum PageError {
    NotFound,
    Forbidden(String),
    /// The caller's input was wrong where the page has no form to show it
    /// beside: each message is listed, and nothing was saved.
    Invalid(Vec<FieldError>),
    /// The rules refused what was asked, now or for this caller.
    Refused(String),
    Internal,
}

impl From<AppError> for PageError {
    fn from(error: AppError) -> Self {
        if let Some(message) = error.refusal() {
            return PageError::Refused(message.to_owned());
        }
        match error {
            AppError::NotFound => PageError::NotFound,
            AppError::Forbidden(f) => PageError::Forbidden(f.to_string()),
            AppError::Invalid(errors) => PageError::Invalid(errors),
            AppError::Refused(message) => PageError::Refused(message),
            AppError::Store(e) => {
                tracing::error!(error = %e, "store failure while rendering a page");
                PageError::Internal
            }
            AppError::Internal(e) => {
                tracing::error!(error = %e, "internal failure while rendering a page");
                PageError::Internal
            }
        }
    }
}

/// What an error page says, kept on its response so that the session
/// layer, which knows who is signed in, can show it inside the page with
/// the caller's navigation ([`ErrorPage::with_caller`]).
#[derive(Debug, Clone)]
pub struct ErrorPage {
    title: &'static str,
    message: String,
}

impl ErrorPage {
    /// The page again, with the signed-in caller's navigation.
    pub fn with_caller(&self, caller: &crate::caller::Caller) -> maud::Markup {
        layout::message_page_for(Some(caller), self.title, &self.message)
    }
}

/// A message as a sentence: a capital first and a full stop last.
fn sentence(text: &str) -> String {
    let mut text = capitalise(text.trim());
    if !text.ends_with(['.', '!', '?']) {
        text.push('.');
    }
    text
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, title, message) = match self {
            PageError::NotFound => (
                StatusCode::NOT_FOUND,
                "Page not found",
                "If you typed the web address, check it is correct. If you followed a link, you may not have access to what it points to.".to_owned(),
            ),
            PageError::Forbidden(message) => (
                StatusCode::FORBIDDEN,
                "You cannot do that",
                format!(
                    "{} If you think you should be able to, ask your programme coordinator or an administrator.",
                    sentence(&message)
                ),
            ),
            PageError::Refused(message) => (StatusCode::CONFLICT, "You cannot do that now", sentence(&message)),
            PageError::Invalid(errors) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "There is a problem",
                errors
                    .iter()
                    .map(|e| capitalise(&e.message))
                    .collect::<Vec<_>>()
                    .join(". "),
            ),
            PageError::Internal => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Sorry, there is a problem with Tandem",
                "Try again later. Nothing you entered has been half-saved.".to_owned(),
            ),
        };
        let mut response = (status, layout::message_page(title, &message)).into_response();
        response
            .extensions_mut()
            .insert(ErrorPage { title, message });
        response
    }
}

/// The body of every API error.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiErrorBody {
    /// What went wrong, in plain English.
    pub message: String,
    /// For invalid input: each field and what is wrong with it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<ApiFieldError>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiFieldError {
    pub field: String,
    pub message: String,
}

#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    body: ApiErrorBody,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            body: ApiErrorBody {
                message: message.into(),
                fields: Vec::new(),
            },
        }
    }

    pub fn not_found() -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "Not found.")
    }

    pub fn invalid(fields: Vec<FieldError>) -> ApiError {
        ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            body: ApiErrorBody {
                message: "The request has invalid fields.".to_owned(),
                fields: fields
                    .into_iter()
                    .map(|f| ApiFieldError {
                        field: f.field,
                        message: f.message,
                    })
                    .collect(),
            },
        }
    }
}

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        if let Some(message) = error.refusal() {
            return ApiError::new(StatusCode::CONFLICT, message);
        }
        match error {
            AppError::NotFound => ApiError::not_found(),
            AppError::Forbidden(f) => ApiError::new(
                StatusCode::FORBIDDEN,
                format!("{}.", capitalise(&f.to_string())),
            ),
            AppError::Invalid(fields) => ApiError::invalid(fields),
            AppError::Refused(message) => ApiError::new(StatusCode::CONFLICT, message),
            AppError::Store(e) => {
                tracing::error!(error = %e, "store failure in the API");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong on our side.",
                )
            }
            AppError::Internal(e) => {
                tracing::error!(error = %e, "internal failure in the API");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong on our side.",
                )
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}

/// Whether a request is an API call, answered in JSON, rather than a page.
fn is_api(uri: &Uri) -> bool {
    uri.path().starts_with("/api/")
}

/// "Not found", as a page or as API JSON depending on the path.
pub fn not_found(uri: &Uri) -> Response {
    if is_api(uri) {
        ApiError::not_found().into_response()
    } else {
        PageError::NotFound.into_response()
    }
}

/// Invalid input found before a handler ran, as a page or as API JSON
/// depending on the path.
pub fn invalid(uri: &Uri, fields: Vec<FieldError>) -> Response {
    if is_api(uri) {
        ApiError::invalid(fields).into_response()
    } else {
        PageError::Invalid(fields).into_response()
    }
}

/// A refusal, as a page or as API JSON depending on the path.
pub fn forbidden(uri: &Uri, message: &str) -> Response {
    if is_api(uri) {
        ApiError::new(StatusCode::FORBIDDEN, message).into_response()
    } else {
        PageError::Forbidden(message.to_owned()).into_response()
    }
}

pub fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_users_mistake_on_a_page_is_a_422_naming_it_not_a_500() {
        let response = PageError::from(AppError::invalid("reason", "say why")).into_response();
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("body");
        let text = String::from_utf8_lossy(&body);
        assert!(text.contains("There is a problem"));
        assert!(text.contains("Say why"));
    }

    #[tokio::test]
    async fn a_refusal_is_a_sentence_with_a_next_step() {
        let response = PageError::from(AppError::Forbidden(tandem_domain::permissions::Forbidden(
            "screen requests in this programme",
        )))
        .into_response();
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        let kept = response.extensions().get::<ErrorPage>().cloned();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("body");
        let text = String::from_utf8_lossy(&body);
        assert!(
            text.contains(
                "You do not have permission to screen requests in this programme. If you think"
            ),
            "{text}"
        );
        assert!(
            kept.is_some(),
            "kept for the session layer to add the navigation"
        );
    }
}
