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

use std::future::IntoFuture;
use std::net::SocketAddr;
use std::time::Duration;

use tandem_app::App;

pub use routes::{router, routes};
pub use state::WebConfig;

/// How long requests still running at a stop may take to finish; any
/// still running then are dropped, which rolls back whatever they had not
/// committed.
const REQUESTS_GRACE: Duration = Duration::from_secs(15);
/// How much longer than the requests the job runner may take to reach a
/// safe point (an import stops between chunks, its job queued to carry on
/// later); it has been stopping since the signal.
const JOBS_EXTRA_GRACE: Duration = Duration::from_secs(5);
/// How long the final checkpoint and closing the database may take.
const CLOSE_GRACE: Duration = Duration::from_secs(5);

/// Serves until the process receives Ctrl-C or SIGTERM, then stops
/// within 30 seconds (15 + 5 + 5 at most): no new connections are accepted; requests in flight
/// have [`REQUESTS_GRACE`] to finish; background jobs stop at their next
/// safe point (a running import leaves nothing visible and carries on
/// when a server next runs); then SQLite's write-ahead log is moved into
/// the database file and the database closed.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: App,
    config: WebConfig,
) -> std::io::Result<()> {
    let background = tokio::spawn(background_jobs(app.clone()));
    let stopping = app.clone();
    let server = axum::serve(
        listener,
        router(app.clone(), config).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown_signal().await;
        tracing::info!("stopping: no new connections; waiting for requests and jobs");
        stopping.stop_background_work();
    });
    let grace = app.clone();
    let served = tokio::select! {
        served = server.into_future() => served,
        () = async {
            grace.stopped().await;
            tokio::time::sleep(REQUESTS_GRACE).await;
        } => {
            tracing::warn!("requests still running {} s after the stop were dropped; what they had not committed is rolled back", REQUESTS_GRACE.as_secs());
            Ok(())
        }
    };
    // The runner stops by itself once it sees the stop; only if it has not
    // reached a safe point in time is it cut off (an import's transaction
    // is then rolled back by the database, and its job is taken again when
    // its lease runs out).
    let mut background = background;
    if tokio::time::timeout(JOBS_EXTRA_GRACE, &mut background)
        .await
        .is_err()
    {
        background.abort();
        tracing::warn!("background jobs did not stop in time and were cut off");
    }
    match tokio::time::timeout(CLOSE_GRACE, app.shut_down()).await {
        Ok(Ok(())) => tracing::info!("stopped; the database is checkpointed and closed"),
        Ok(Err(error)) => tracing::warn!(%error, "the database was not checkpointed at shutdown"),
        Err(_) => tracing::warn!("the database was not checkpointed in time at shutdown"),
    }
    served
}

/// Runs due jobs (housekeeping, mail, imports, …) every thirty seconds,
/// and at once when this server queues one; the job table keeps servers
/// sharing a database from running a job twice. Returns once the app is
/// stopping and the job in hand has reached a safe point.
async fn background_jobs(app: App) {
    let worker = tandem_app::jobs::worker_id();
    let mut interval = tokio::time::interval(Duration::from_secs(30));
    loop {
        tokio::select! {
            _ = interval.tick() => {}
            () = app.job_queued() => {}
            () = app.stopped() => return,
        }
        if let Err(error) = app.run_background_jobs(&worker).await {
            tracing::warn!(%error, "running jobs failed; will try again");
        }
        if app.is_stopping() {
            return;
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
