//! Tandem's web server: server-rendered pages for people, a JSON API for
//! programs, and the OpenAPI document describing it. The only crate that
//! knows HTTP, HTML or the API's JSON shapes.
//!
//! Every request passes [`session::layer`], which finds the caller's
//! session and refuses any state-changing request without the right CSRF
//! token; handlers then take the caller from the request and call
//! `tandem_app`, which makes every permission decision.
//!
//! `routes` lists every route; `pages` and `api` hold one module per
//! feature; `forms` and `layout` are what pages are drawn with; `extract`
//! gives handlers the caller and the ids in the path.

mod api;
mod calendar;
mod caller;
mod error;
mod extract;
mod forms;
mod headers;
mod layout;
mod pages;
mod routes;
mod session;
mod state;

use std::net::SocketAddr;

use tandem_app::App;

pub use routes::{router, routes};
pub use state::WebConfig;

/// Serves until the process receives Ctrl-C or SIGTERM.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: App,
    config: WebConfig,
) -> std::io::Result<()> {
    let background = tokio::spawn(background_jobs(app.clone()));
    let served = axum::serve(
        listener,
        router(app.clone(), config).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await;
    background.abort();
    if let Err(error) = app.shut_down().await {
        tracing::warn!(%error, "the database was not checkpointed at shutdown");
    }
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
