//! The security headers every response carries, pages, API, errors and
//! assets alike, set once here on the way out.
//!
//! - `Content-Security-Policy`: only this site's own stylesheet, images
//!   and forms; no script at all, inline or not; no framing; no `<base>`.
//!   Pages therefore hold no `<script>`, no `style=` attribute and no event
//!   handler attribute: styling lives in `assets/tandem.css`.
//! - `X-Content-Type-Options: nosniff` and `Referrer-Policy: same-origin`.
//! - `Cache-Control: no-store` on everything but the static assets, so no
//!   signed-in page, API answer or form with its CSRF token is kept by a
//!   browser or a proxy.
//! - `Strict-Transport-Security` when Tandem is served over HTTPS (the
//!   `secure_cookies` setting).

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::state::AppState;

pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'none'; \
     style-src 'self'; img-src 'self'; object-src 'none'; frame-ancestors 'none'; \
     form-action 'self'; base-uri 'none'";

pub const STRICT_TRANSPORT_SECURITY: &str = "max-age=31536000; includeSubDomains";

/// The path prefix of the static assets, the only responses a browser may
/// keep.
const ASSETS: &str = "/assets/";

pub async fn layer(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let is_asset = request.uri().path().starts_with(ASSETS);
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let mut set = |name: HeaderName, value: &'static str| {
        headers.insert(name, HeaderValue::from_static(value));
    };
    set(header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY);
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::REFERRER_POLICY, "same-origin");
    if state.config.secure_cookies {
        set(header::STRICT_TRANSPORT_SECURITY, STRICT_TRANSPORT_SECURITY);
    }
    if !is_asset {
        set(header::CACHE_CONTROL, "no-store");
    }
    response
}
