//! `bare-axum ADDRESS`: serves `GET /` with a short text body and nothing
//! else, on tokio's multi-threaded runtime as `tandem serve` runs, until
//! stopped. `scripts/bench` measures every page against it in the same
//! run, on the same machine.

use anyhow::{Context, Result};
use axum::Router;
use axum::routing::get;

#[tokio::main]
async fn main() -> Result<()> {
    let address = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8090".to_owned());
    let listener = tokio::net::TcpListener::bind(&address)
        .await
        .with_context(|| format!("cannot listen on {address}"))?;
    println!("bare axum handler at http://{}/", listener.local_addr()?);
    let app = Router::new().route("/", get(|| async { "ok" }));
    axum::serve(listener, app).await?;
    Ok(())
}
