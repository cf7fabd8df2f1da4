//! Tandem's domain: the types and rules every other crate shares.
//!
//! Nothing here performs IO, awaits, or knows about a database or HTTP.
//! See ARCHITECTURE.md for the invariants.

pub mod audit;
pub mod clock;
pub mod identity;
pub mod ids;
pub mod people;
pub mod permissions;
pub mod programme;
pub mod proposals;
pub mod register;
pub mod relationship;
pub mod roles;
pub mod text;
