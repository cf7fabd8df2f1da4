//! Use cases, run against every configured database.

mod accounts;
mod demo;
mod import;
mod jobs;
mod matching;
mod programmes;
mod register;
mod relationships;
mod scale;
