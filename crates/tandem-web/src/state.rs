//! What every handler is given: the application and the web settings.

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
