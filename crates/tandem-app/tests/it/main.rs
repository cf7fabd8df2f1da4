//! Use cases, run against every configured database.

mod accounts;
mod demo;
mod import;
mod matching;
mod programmes;
mod register;
