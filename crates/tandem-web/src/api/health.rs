//! `/health`: whether the server and its database are up, for a load
//! balancer; it needs no session.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct Health {
    /// "ok" when the server and its database answer.
    status: String,
}

/// Whether the server and its database are up.
#[utoipa::path(get, path = "/health", responses(
    (status = 200, description = "Up", body = Health),
    (status = 503, description = "The database does not answer", body = Health),
))]
pub async fn health(State(state): State<AppState>) -> Response {
    match state.app.health().await {
        Ok(()) => Json(Health {
            status: "ok".into(),
        })
        .into_response(),
        Err(error) => {
            tracing::error!(%error, "health check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(Health {
                    status: "database unavailable".into(),
                }),
            )
                .into_response()
        }
    }
}
