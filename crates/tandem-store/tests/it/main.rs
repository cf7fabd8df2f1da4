//! The store's story, told once against each configured database.

mod accounts;
mod concurrency;
mod fixtures;
mod jobs;
mod matching_runs;
mod people;
mod programmes;
mod races;
mod register;
