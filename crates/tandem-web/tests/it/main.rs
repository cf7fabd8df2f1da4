//! The web application driven through its router, as a browser or an API
//! client would, against every configured database.

mod client;
mod flows;
mod matching;
mod permissions;
mod programmes;
mod register;
mod relationships;
mod security;
