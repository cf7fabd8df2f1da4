//! Test databases for the crates above the app (the web and the command
//! line), which do not depend on `tandem-store`: a fresh SQLite database,
//! and a PostgreSQL one when `TANDEM_TEST_POSTGRES_URL` is set (required
//! under CI). Enabled by the `testing` feature, for dev-dependencies only.

pub use tandem_store::test_support::{TestStore as TestDatabase, all, postgres, sqlite};
