//! The JSON API, one module per feature, and its OpenAPI document
//! (`openapi`). Conventions: snake_case fields, times as RFC 3339, errors
//! as `{ "message", "fields": [...] }`, paging by `page` (from 1) and
//! `per_page`. The app's values are mapped to the shapes here, so nothing
//! reaches a response by accident.

use serde::Serialize;
use utoipa::ToSchema;

pub mod health;
pub mod import;
pub mod me;
pub mod openapi;
pub mod people;
pub mod programmes;
pub mod register;
pub mod relationships;
pub mod requests;
pub mod screening;

// What a `POST` that makes something answers: the new thing's id. (A
// comment, not a doc comment: utoipa would publish it.)
#[derive(Serialize, ToSchema)]
pub struct Created {
    id: i64,
}

impl Created {
    /// Any kind of id: the answer is the plain number.
    pub fn new(id: impl Into<i64>) -> Created {
        Created { id: id.into() }
    }
}

/// Items a page of a paged list in the API: 100 unless the caller asks
/// for another number, and never more than 500 or fewer than 1.
pub fn per_page(asked: Option<i64>) -> i64 {
    asked.unwrap_or(100).clamp(1, 500)
}

/// A stored time (Unix seconds) in RFC 3339.
pub fn rfc3339(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}
