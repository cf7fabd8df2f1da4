//! Embedded migrations, run at start-up.
//!
//! Each migration is shared SQL plus an optional part per database. The
//! shared part may say `{{pk}}` for an auto-numbered primary key, the one
//! piece of table syntax the two databases do not share, or
//! `{{pk_never_reused}}` for one whose numbers are never handed out again
//! after their row is deleted. An applied
//! migration is never edited: add a new one.

use sqlx::Acquire;

use crate::{Backend, Result, Store};

struct Migration {
    version: i64,
    name: &'static str,
    shared: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "foundation",
        shared: include_str!("migrations/0001_foundation.sql"),
        sqlite: include_str!("migrations/0001_foundation.sqlite.sql"),
        postgres: include_str!("migrations/0001_foundation.postgres.sql"),
    },
    Migration {
        version: 2,
        name: "programmes",
        shared: include_str!("migrations/0002_programmes.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 3,
        name: "register_requests",
        shared: include_str!("migrations/0003_register_requests.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 4,
        name: "match_proposals",
        shared: include_str!("migrations/0004_match_proposals.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 5,
        name: "jobs",
        shared: include_str!("migrations/0005_jobs.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 6,
        name: "relationships",
        shared: include_str!("migrations/0006_relationships.sql"),
        sqlite: include_str!("migrations/0006_relationships.sqlite.sql"),
        postgres: include_str!("migrations/0006_relationships.postgres.sql"),
    },
    Migration {
        version: 7,
        name: "session_idle",
        shared: include_str!("migrations/0007_session_idle.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 8,
        name: "staged_imports",
        shared: include_str!("migrations/0008_staged_imports.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 9,
        name: "person_lookups",
        shared: include_str!("migrations/0009_person_lookups.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 10,
        name: "meeting_days",
        shared: include_str!("migrations/0010_meeting_days.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 11,
        name: "consultation_note",
        shared: include_str!("migrations/0011_consultation_note.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 12,
        name: "programme_publication",
        shared: include_str!("migrations/0012_programme_publication.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 13,
        name: "request_wishes",
        shared: include_str!("migrations/0013_request_wishes.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 14,
        name: "people_by_organisation",
        shared: include_str!("migrations/0014_people_by_organisation.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 15,
        name: "page_lookups",
        shared: include_str!("migrations/0015_page_lookups.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 16,
        name: "matching_runs",
        shared: include_str!("migrations/0016_matching_runs.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 17,
        name: "people_search",
        shared: include_str!("migrations/0017_people_search.sql"),
        sqlite: include_str!("migrations/0017_people_search.sqlite.sql"),
        postgres: "",
    },
    Migration {
        version: 18,
        name: "live_proposal",
        shared: include_str!("migrations/0018_live_proposal.sql"),
        sqlite: include_str!("migrations/0018_live_proposal.sqlite.sql"),
        postgres: include_str!("migrations/0018_live_proposal.postgres.sql"),
    },
    Migration {
        version: 19,
        name: "identities",
        shared: include_str!("migrations/0019_identities.sql"),
        sqlite: "",
        postgres: "",
    },
];

/// An arbitrary constant naming Tandem's migration lock in PostgreSQL, so
/// that servers starting together do not migrate twice.
const POSTGRES_MIGRATION_LOCK: i64 = 0x7461_6e64_656d;

pub(crate) async fn run(store: &Store) -> Result<()> {
    let mut conn = store.pool.acquire().await?;
    if store.backend == Backend::Postgres {
        sqlx::query("SELECT pg_advisory_lock($1)")
            .bind(POSTGRES_MIGRATION_LOCK)
            .execute(&mut *conn)
            .await?;
    }
    let outcome = apply_pending(store.backend, &mut conn, store.now()).await;
    if store.backend == Backend::Postgres {
        sqlx::query("SELECT pg_advisory_unlock($1)")
            .bind(POSTGRES_MIGRATION_LOCK)
            .execute(&mut *conn)
            .await?;
    }
    outcome
}

async fn apply_pending(backend: Backend, conn: &mut sqlx::AnyConnection, at: i64) -> Result<()> {
    sqlx::raw_sql(
        "CREATE TABLE IF NOT EXISTS tandem_migrations (\
            version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
    )
    .execute(&mut *conn)
    .await?;
    let applied: Vec<i64> = sqlx::query_scalar("SELECT version FROM tandem_migrations")
        .fetch_all(&mut *conn)
        .await?;
    for migration in MIGRATIONS.iter().filter(|m| !applied.contains(&m.version)) {
        let (pk, extra) = match backend {
            Backend::Sqlite => ("INTEGER PRIMARY KEY", migration.sqlite),
            Backend::Postgres => (
                "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
                migration.postgres,
            ),
        };
        // SQLite hands a deleted table's largest key out again unless told
        // not to; `{{pk_never_reused}}` is for keys that must stay unique
        // after their row is gone (PostgreSQL's identity never reuses one).
        let never_reused = match backend {
            Backend::Sqlite => "INTEGER PRIMARY KEY AUTOINCREMENT",
            Backend::Postgres => pk,
        };
        let sql = migration
            .shared
            .replace("{{pk_never_reused}}", never_reused)
            .replace("{{pk}}", pk);
        let mut tx = conn.begin().await?;
        sqlx::raw_sql(&sql).execute(&mut *tx).await?;
        if !extra.trim().is_empty() {
            sqlx::raw_sql(extra).execute(&mut *tx).await?;
        }
        sqlx::query(
            "INSERT INTO tandem_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
        )
        .bind(migration.version)
        .bind(migration.name)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        tracing::info!(
            version = migration.version,
            name = migration.name,
            "applied migration"
        );
    }
    Ok(())
}
