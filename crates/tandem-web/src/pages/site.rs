//! What every page relies on: the stylesheet, and the page for an address
//! the router does not know.

use axum::extract::Extension;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::html;

use crate::caller::Caller;
use crate::layout::page;

/// `GET /assets/tandem.css`.
pub async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../assets/tandem.css"),
    )
        .into_response()
}

/// Any address the router does not know.
pub async fn not_found(caller: Option<Extension<Caller>>) -> Response {
    let caller = caller.map(|Extension(c)| c);
    (
        StatusCode::NOT_FOUND,
        page(
            "Page not found",
            caller.as_ref(),
            html! {
                h1 { "Page not found" }
                p { "If you typed the web address, check it is correct." }
                p { a href="/" { "Go to your home page" } }
            },
        ),
    )
        .into_response()
}
