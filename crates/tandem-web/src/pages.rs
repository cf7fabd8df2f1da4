//! The server-rendered pages, one module per feature. Each handler takes
//! the caller, calls one use case in `tandem_app`, and renders; none
//! decides a permission itself. A form with mistakes comes back with an
//! error summary linking to each field (`forms`).

pub mod home;
pub mod import;
pub mod matching;
pub mod people;
pub mod profile;
pub mod programme_settings;
pub mod programmes;
pub mod proposals;
pub mod register;
pub mod relationships;
pub mod requests;
pub mod screening;
pub mod self_assessment;
pub mod sessions;
pub mod sign_in;
pub mod site;
