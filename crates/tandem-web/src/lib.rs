//! Tandem's web server: server-rendered pages for people, a JSON API for
//! programs, and the OpenAPI document describing it. The only crate that
//! knows HTTP, HTML or the API's JSON shapes.
//!
//! Every request passes [`session::layer`], which finds the caller's
//! session and refuses any state-changing request without the right CSRF
//! token; handlers then take the caller from the request and call
//! `tandem_app`, which makes every permission decision.

mod api;
mod error;
mod layout;
mod matching_pages;
mod pages;
mod programme_pages;
mod register_api;
mod register_pages;
mod session;

use std::net::SocketAddr;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use tandem_app::App;

/// Settings that change how pages and cookies behave.
#[derive(Debug, Clone, Default)]
pub struct WebConfig {
    /// Mark cookies `Secure`: on whenever Tandem is served over HTTPS.
    pub secure_cookies: bool,
}

#[derive(Clone)]
pub(crate) struct AppState {
    pub app: App,
    pub config: WebConfig,
}

/// The largest request body accepted: enough for an HR export of a large
/// national scheme.
const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

/// Builds the whole application: pages, API and static assets.
pub fn router(app: App, config: WebConfig) -> Router {
    let state = AppState { app, config };
    Router::new()
        .route("/", get(pages::home))
        .route("/sign-in", get(pages::sign_in_page).post(pages::sign_in))
        .route("/sign-out", post(pages::sign_out))
        .route("/people", get(pages::people))
        .route(
            "/people/import",
            get(pages::import_page).post(pages::import),
        )
        .route("/people/{id}", get(pages::person))
        .route("/programmes", get(programme_pages::list))
        .route(
            "/programmes/new",
            get(programme_pages::new_page).post(programme_pages::create),
        )
        .route("/programmes/{id}", get(programme_pages::show))
        .route(
            "/programmes/{id}/settings",
            get(programme_pages::settings_page).post(programme_pages::save_settings),
        )
        .route("/programmes/{id}/register", get(register_pages::register))
        .route(
            "/programmes/{id}/register/new",
            get(register_pages::new_entry_page).post(register_pages::create_entry),
        )
        .route("/register/{id}", get(register_pages::entry))
        .route(
            "/register/{id}/edit",
            get(register_pages::edit_entry_page).post(register_pages::update_entry),
        )
        .route(
            "/programmes/{id}/request",
            get(register_pages::new_request_page).post(register_pages::create_request),
        )
        .route(
            "/programmes/{id}/screening",
            get(register_pages::screening_queue),
        )
        .route("/requests/{id}", get(register_pages::request))
        .route("/requests/{id}/screening", post(register_pages::screen))
        .route("/requests/{id}/consultation", post(register_pages::consult))
        .route(
            "/requests/{id}/self-assessment",
            get(register_pages::self_assessment_page).post(register_pages::save_self_assessment),
        )
        .route(
            "/api/programmes/{id}/register",
            get(register_api::register).post(register_api::create_entry),
        )
        .route(
            "/api/register/{id}",
            get(register_api::entry).put(register_api::update_entry),
        )
        .route(
            "/api/programmes/{id}/requests",
            post(register_api::create_request),
        )
        .route(
            "/api/programmes/{id}/screening",
            get(register_api::screening_queue),
        )
        .route("/api/requests/{id}", get(register_api::request))
        .route("/api/requests/{id}/screening", post(register_api::screen))
        .route("/programmes/{id}/matching", get(matching_pages::matching))
        .route("/programmes/{id}/matching/send", post(matching_pages::send))
        .route(
            "/programmes/{id}/matching/choose",
            get(matching_pages::choose_page).post(matching_pages::choose),
        )
        .route(
            "/proposals/{id}",
            get(matching_pages::proposal).post(matching_pages::answer),
        )
        .route("/assets/tandem.css", get(pages::stylesheet))
        .route("/health", get(api::health))
        .route("/api/openapi.json", get(api::openapi))
        .route("/api/me", get(api::me))
        .route("/api/people", get(api::people))
        .route("/api/people/{id}", get(api::person))
        .route("/api/organisations/{id}/people/import", post(api::import))
        .route(
            "/api/programmes",
            get(api::programmes).post(api::create_programme),
        )
        .route(
            "/api/programmes/{id}",
            get(api::programme).put(api::replace_programme),
        )
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            session::layer,
        ))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}

/// Serves until the process receives Ctrl-C or SIGTERM.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: App,
    config: WebConfig,
) -> std::io::Result<()> {
    let background = tokio::spawn(background_jobs(app.clone()));
    let served = axum::serve(
        listener,
        router(app, config).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await;
    background.abort();
    served
}

/// Runs due jobs (housekeeping, mail, …) every thirty seconds; the job
/// table keeps servers sharing a database from running a job twice.
async fn background_jobs(app: App) {
    let worker = tandem_app::jobs::worker_id();
    let mut interval = tokio::time::interval(std::time::Duration::from_secs(30));
    loop {
        interval.tick().await;
        if let Err(error) = app.run_background_jobs(&worker).await {
            tracing::warn!(%error, "running jobs failed; will try again");
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
