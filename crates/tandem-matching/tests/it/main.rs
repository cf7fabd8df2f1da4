//! Integration tests for tandem-matching: one binary, one module per area.

mod brute_force;
mod certificates;
mod scoring;
