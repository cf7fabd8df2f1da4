//! A person's own sessions: when each started and was last used, this one
//! marked, and a button to end any of them. A session is named in the
//! page by a reference that is no secret; its token never appears.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;
use tandem_app::auth::SESSION_SECONDS;

use crate::error::PageError;
use crate::extract::{Form, PageCaller};
use crate::forms::csrf_field;
use crate::layout::{format_time, page};
use crate::session::{SESSION_COOKIE, cookie};
use crate::state::AppState;

/// `GET /sessions`.
pub async fn sessions(State(state): State<AppState>, PageCaller(caller): PageCaller) -> Response {
    let sessions = match state
        .app
        .own_sessions(&caller.principal, &caller.token)
        .await
    {
        Ok(sessions) => sessions,
        Err(error) => return PageError::from(error).into_response(),
    };
    let idle_minutes = state.app.session_idle_seconds() / 60;
    page(
        "Your sessions",
        Some(&caller),
        html! {
            h1 { "Your sessions" }
            p {
                "Everywhere you are signed in to Tandem. A session ends when you sign out, after "
                (idle_minutes) " minutes unused, or " (SESSION_SECONDS / 3600)
                " hours after it started, whichever comes first."
            }
            p { "If you see a session you do not recognise, end it and tell your administrator." }
            div.table-wrap {
                table.table--stack {
                    caption.visually-hidden { "Your sessions" }
                    thead {
                        tr {
                            th scope="col" { "Started (UTC)" }
                            th scope="col" { "Last used (UTC)" }
                            th scope="col" { span.visually-hidden { "Action" } }
                        }
                    }
                    tbody {
                        @for session in &sessions {
                            tr {
                                td data-label="Started (UTC)" { (format_time(session.created_at)) }
                                td data-label="Last used (UTC)" {
                                    (format_time(session.last_seen_at))
                                    @if session.current { " " strong.tag { "This session" } }
                                }
                                td {
                                    form method="post" action="/sessions/end" {
                                        (csrf_field(&caller.csrf_token))
                                        input type="hidden" name="session" value=(session.reference);
                                        button.button.button--secondary type="submit" {
                                            @if session.current { "Sign out here" } @else { "End this session" }
                                            span.visually-hidden { " started " (format_time(session.created_at)) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
    .into_response()
}

#[derive(Debug, Deserialize)]
pub struct EndForm {
    /// The session's reference, as the list gave it.
    session: String,
}

/// `POST /sessions/end`: ends one of the caller's own sessions. Ending
/// the one in use signs the caller out here.
pub async fn end(
    State(state): State<AppState>,
    PageCaller(caller): PageCaller,
    Form(form): Form<EndForm>,
) -> Response {
    match state
        .app
        .end_own_session(&caller.principal, &caller.token, &form.session)
        .await
    {
        Ok(true) => (
            [(
                header::SET_COOKIE,
                cookie(
                    SESSION_COOKIE,
                    String::new(),
                    state.config.secure_cookies,
                    0,
                ),
            )],
            Redirect::to("/sign-in"),
        )
            .into_response(),
        Ok(false) => Redirect::to("/sessions").into_response(),
        Err(error) => PageError::from(error).into_response(),
    }
}
