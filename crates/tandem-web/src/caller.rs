//! The signed-in caller, as [`crate::session::layer`] finds them and every
//! page and API handler receives them.

use tandem_app::Principal;

/// The signed-in caller, put on the request by [`crate::session::layer`].
#[derive(Debug, Clone)]
pub struct Caller {
    pub principal: Principal,
    pub csrf_token: String,
    pub token: String,
}
