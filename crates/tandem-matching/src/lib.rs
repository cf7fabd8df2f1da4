//! Matching engine (see ARCHITECTURE.md).
