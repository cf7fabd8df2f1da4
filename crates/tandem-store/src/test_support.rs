//! Fresh, empty stores for tests: always SQLite, and PostgreSQL too when
//! `TANDEM_TEST_POSTGRES_URL` names a server (the test script starts one).
//! Under CI a missing PostgreSQL is an error, so that the PostgreSQL half of
//! a suite can never be skipped without anyone noticing.

use rand::Rng;

use crate::{Backend, Store};

/// A store on a database made for one test, dropped with it where it can be.
pub struct TestStore {
    pub store: Store,
    pub label: &'static str,
    /// The URL the store was opened with, to open it again.
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    File(std::path::PathBuf),
    Postgres { admin_url: String, database: String },
}

fn unique_name() -> String {
    let suffix: u64 = rand::thread_rng().r#gen();
    format!("tandem_test_{}_{suffix:016x}", std::process::id())
}

/// A fresh SQLite store in the temporary directory.
pub async fn sqlite() -> TestStore {
    let path = std::env::temp_dir().join(format!("{}.db", unique_name()));
    let url = format!("sqlite://{}", path.display());
    let store = Store::connect(&url)
        .await
        .expect("a fresh SQLite database opens");
    TestStore {
        store,
        label: "sqlite",
        url,
        cleanup: Cleanup::File(path),
    }
}

/// A fresh PostgreSQL database, if a server is configured.
pub async fn postgres() -> Option<TestStore> {
    let admin_url = match std::env::var("TANDEM_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => url,
        _ => {
            assert!(
                std::env::var("CI").is_err(),
                "TANDEM_TEST_POSTGRES_URL must be set under CI: the store suite runs on PostgreSQL too"
            );
            return None;
        }
    };
    let database = unique_name();
    let admin = Store::connect_unmigrated(&admin_url)
        .await
        .expect("the PostgreSQL test server accepts connections");
    admin
        .execute_raw(&format!("CREATE DATABASE {database}"))
        .await
        .expect("a test database can be created");
    admin.close().await;
    let url = replace_database(&admin_url, &database);
    let store = Store::connect(&url)
        .await
        .expect("the new test database opens");
    assert_eq!(store.backend(), Backend::Postgres);
    Some(TestStore {
        store,
        label: "postgres",
        url,
        cleanup: Cleanup::Postgres {
            admin_url,
            database,
        },
    })
}

/// Every configured database, each fresh: run a test body over each.
pub async fn all() -> Vec<TestStore> {
    let mut stores = vec![sqlite().await];
    stores.extend(postgres().await);
    stores
}

fn replace_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (url, String::new()),
    };
    let base = match base.rfind('/') {
        Some(slash) if slash > "postgres://".len() => &base[..slash],
        _ => base,
    };
    format!("{base}/{database}{query}")
}

impl TestStore {
    /// Runs SQL that the store's API deliberately does not offer, to show
    /// the database itself refuses it.
    pub async fn execute(&self, sql: &str) -> crate::Result<()> {
        self.store.execute_raw(sql).await
    }

    /// Counts one meeting too many on every day of the relationship's
    /// meetings that lasted `minutes`: damage for `check_integrity` to find.
    pub async fn miscount_meeting_days(&self, minutes: i64) -> crate::Result<()> {
        self.store
            .execute_raw(&format!(
                "UPDATE relationship_meeting_days SET meetings = meetings + 1 WHERE minutes = {minutes}"
            ))
            .await
    }

    /// Closes the store and removes its database.
    pub async fn finish(self) {
        self.store.close().await;
        match self.cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::Postgres {
                admin_url,
                database,
            } => {
                if let Ok(admin) = Store::connect_unmigrated(&admin_url).await {
                    let _ = admin
                        .execute_raw(&format!("DROP DATABASE IF EXISTS {database}"))
                        .await;
                    admin.close().await;
                }
            }
        }
    }
}
