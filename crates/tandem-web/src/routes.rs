//! Every route the application serves, in one list. The router is built
//! from it, and [`routes`] hands the same list to the test that walks each
//! route for each role, so a route cannot be added without that test
//! knowing of it.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{MethodFilter, MethodRouter, on};
use tandem_app::App;

use crate::api;
use crate::headers;
use crate::pages;
use crate::session;
use crate::state::{AppState, WebConfig};

/// One route: a method, a path pattern and its handler.
struct Route {
    method: Method,
    path: &'static str,
    handler: MethodRouter<AppState>,
}

fn route<H, T>(method: Method, path: &'static str, handler: H) -> Route
where
    H: Handler<T, AppState>,
    T: 'static,
{
    let filter = match method {
        Method::GET => MethodFilter::GET,
        Method::POST => MethodFilter::POST,
        Method::PUT => MethodFilter::PUT,
        _ => unreachable!("the table below uses GET, POST and PUT"),
    };
    Route {
        method,
        path,
        handler: on(filter, handler),
    }
}

fn get<H: Handler<T, AppState>, T: 'static>(path: &'static str, handler: H) -> Route {
    route(Method::GET, path, handler)
}

fn post<H: Handler<T, AppState>, T: 'static>(path: &'static str, handler: H) -> Route {
    route(Method::POST, path, handler)
}

fn put<H: Handler<T, AppState>, T: 'static>(path: &'static str, handler: H) -> Route {
    route(Method::PUT, path, handler)
}

/// The table: pages first, then the API, each feature together.
fn table() -> Vec<Route> {
    use pages::{
        home, import, matching, people, profile, programme_settings, programmes, proposals,
        register, relationships, requests, screening, self_assessment, sessions, sign_in, site,
    };
    vec![
        get("/", home::home),
        get("/sign-in", sign_in::sign_in_page),
        post("/sign-in", sign_in::sign_in),
        post("/sign-out", sign_in::sign_out),
        get("/signed-out", sign_in::signed_out),
        get("/profile", profile::profile),
        post("/profile", profile::save_profile),
        get("/sessions", sessions::sessions),
        post("/sessions/end", sessions::end),
        get("/assets/tandem.css", site::stylesheet),
        get("/people", people::people),
        get("/people/{id}", people::person),
        get("/people/import", import::import_page),
        get("/people/import/template.csv", import::template),
        post("/people/import", import::import),
        get("/people/imports/{id}", import::import_status),
        get("/programmes", programmes::list),
        get("/programmes/new", programmes::new_page),
        post("/programmes/new", programmes::create),
        get("/programmes/{id}", programmes::show),
        post("/programmes/{id}/publish", programmes::publish),
        get(
            "/programmes/{id}/settings",
            programme_settings::settings_page,
        ),
        post(
            "/programmes/{id}/settings",
            programme_settings::save_settings,
        ),
        get("/programmes/{id}/register", register::register),
        get("/programmes/{id}/register/new", register::new_entry_page),
        post("/programmes/{id}/register/new", register::create_entry),
        get("/register/{id}", register::entry),
        get("/register/{id}/edit", register::edit_entry_page),
        post("/register/{id}/edit", register::update_entry),
        get("/programmes/{id}/request", requests::new_request_page),
        post("/programmes/{id}/request", requests::create_request),
        get("/requests/{id}", requests::request),
        post("/requests/{id}/consultation", requests::consult),
        post("/requests/{id}/withdraw", requests::withdraw),
        get(
            "/requests/{id}/self-assessment",
            self_assessment::self_assessment_page,
        ),
        post(
            "/requests/{id}/self-assessment",
            self_assessment::save_self_assessment,
        ),
        get("/programmes/{id}/screening", screening::screening_queue),
        post("/requests/{id}/screening", screening::screen),
        get("/programmes/{id}/matching", matching::matching),
        post("/programmes/{id}/matching/send", matching::send),
        post("/programmes/{id}/matching/run", matching::rerun),
        get("/programmes/{id}/matching/choose", matching::choose_page),
        post("/programmes/{id}/matching/choose", matching::choose),
        get("/proposals/{id}", proposals::proposal),
        post("/proposals/{id}", proposals::answer),
        get("/relationships", relationships::list),
        get(
            "/programmes/{id}/relationships",
            relationships::programme_overview,
        ),
        get("/relationships/{id}", relationships::show),
        post("/relationships/{id}/step", relationships::step),
        post("/relationships/{id}/introduction", relationships::arrange),
        get(
            "/relationships/{id}/introduction.ics",
            relationships::invitation,
        ),
        post(
            "/relationships/{id}/agreement",
            relationships::save_agreement,
        ),
        post("/relationships/{id}/agreement/sign", relationships::sign),
        post(
            "/relationships/{id}/meetings",
            relationships::record_meeting,
        ),
        post(
            "/relationships/{id}/cancellations",
            relationships::record_cancellation,
        ),
        post(
            "/relationships/{id}/meetings/{meeting}/agree",
            relationships::agree_record,
        ),
        post("/relationships/{id}/plan", relationships::save_plan),
        post("/relationships/{id}/stage", relationships::set_stage),
        post(
            "/relationships/{id}/completion",
            relationships::record_completion,
        ),
        get("/health", api::health::health),
        get("/api/openapi.json", api::openapi::openapi),
        get("/api/me", api::me::me),
        get("/api/people", api::people::people),
        get("/api/people/{id}", api::people::person),
        post("/api/organisations/{id}/people/import", api::import::import),
        get("/api/people/imports/{id}", api::import::import_status),
        get("/api/programmes", api::programmes::programmes),
        post("/api/programmes", api::programmes::create_programme),
        get("/api/programmes/{id}", api::programmes::programme),
        put("/api/programmes/{id}", api::programmes::replace_programme),
        post(
            "/api/programmes/{id}/publish",
            api::programmes::publish_programme,
        ),
        get("/api/programmes/{id}/register", api::register::register),
        post("/api/programmes/{id}/register", api::register::create_entry),
        get("/api/register/{id}", api::register::entry),
        put("/api/register/{id}", api::register::update_entry),
        post(
            "/api/programmes/{id}/requests",
            api::requests::create_request,
        ),
        get("/api/requests/{id}", api::requests::request),
        get(
            "/api/programmes/{id}/screening",
            api::screening::screening_queue,
        ),
        post("/api/requests/{id}/screening", api::screening::screen),
        get("/api/relationships", api::relationships::list),
        get("/api/relationships/{id}", api::relationships::show),
        post("/api/relationships/{id}/steps", api::relationships::step),
        post(
            "/api/relationships/{id}/introduction",
            api::relationships::arrange,
        ),
        post(
            "/api/relationships/{id}/agreement",
            api::relationships::save_agreement,
        ),
        post(
            "/api/relationships/{id}/agreement/signatures",
            api::relationships::sign,
        ),
        post(
            "/api/relationships/{id}/meetings",
            api::relationships::record_meeting,
        ),
        post(
            "/api/relationships/{id}/cancellations",
            api::relationships::record_cancellation,
        ),
        post(
            "/api/relationships/{id}/meetings/{meeting}/agreement",
            api::relationships::agree_record,
        ),
        post(
            "/api/relationships/{id}/plan",
            api::relationships::save_plan,
        ),
        post(
            "/api/relationships/{id}/stage",
            api::relationships::set_stage,
        ),
        post(
            "/api/relationships/{id}/completion",
            api::relationships::record_completion,
        ),
    ]
}

/// Every route the router serves, as (method, path pattern).
pub fn routes() -> Vec<(Method, &'static str)> {
    table()
        .into_iter()
        .map(|route| (route.method, route.path))
        .collect()
}

/// Builds the whole application: pages, API and static assets, behind the
/// session layer, every response leaving through the security headers
/// layer.
pub fn router(app: App, config: WebConfig) -> Router {
    let state = AppState { app, config };
    table()
        .into_iter()
        .fold(Router::new(), |router, route| {
            router.route(route.path, route.handler)
        })
        .fallback(pages::site::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            session::layer,
        ))
        .layer(DefaultBodyLimit::max(session::MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            headers::layer,
        ))
        .with_state(state)
}
