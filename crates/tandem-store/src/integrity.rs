//! `tandem check-database`: whether the database is whole after a crash
//! or before a backup is trusted.

use sqlx::Row;

use crate::{Backend, Result, Store};

impl Store {
    /// Every problem found, in words; none means the database is whole.
    ///
    /// - SQLite: `PRAGMA integrity_check` (pages, indexes, constraints)
    ///   and `PRAGMA foreign_key_check`.
    /// - PostgreSQL: every table is read in full, which fails on a damaged
    ///   page. (Its write-ahead log makes crash recovery the server's own
    ///   business, and it enforces foreign keys as it writes.)
    /// - Both: every unfinished people import has exactly as many rows
    ///   staged as it says, so that applying it cannot apply a part;
    ///   every relationship's meetings are counted by day as they are; and
    ///   every request's live-proposal mark agrees with its proposals.
    pub async fn check_integrity(&self) -> Result<Vec<String>> {
        let mut problems = Vec::new();
        match self.backend {
            Backend::Sqlite => {
                let rows: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
                    .fetch_all(&self.pool)
                    .await?;
                problems.extend(rows.into_iter().filter(|row| row != "ok"));
                for row in sqlx::query("PRAGMA foreign_key_check")
                    .fetch_all(&self.pool)
                    .await?
                {
                    let table: String = row.try_get(0)?;
                    let rowid: Option<i64> = row.try_get(1)?;
                    let parent: String = row.try_get(2)?;
                    problems.push(format!(
                        "{table} row {} refers to a row of {parent} that does not exist",
                        rowid.map_or_else(|| "?".to_owned(), |id| id.to_string())
                    ));
                }
            }
            Backend::Postgres => {
                let tables: Vec<String> = sqlx::query_scalar(
                    "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema() \
                     ORDER BY tablename",
                )
                .fetch_all(&self.pool)
                .await?;
                for table in tables {
                    // The name comes from the catalogue; quoted all the same.
                    let sql = format!("SELECT COUNT(*) FROM \"{}\"", table.replace('"', "\"\""));
                    if let Err(error) = sqlx::query_scalar::<_, i64>(&sql)
                        .fetch_one(&self.pool)
                        .await
                    {
                        problems.push(format!("{table} cannot be read in full: {error}"));
                    }
                }
            }
        }
        for row in sqlx::query(
            "SELECT i.id, i.state, i.staged_rows, \
             (SELECT COUNT(*) FROM people_import_rows s WHERE s.import_id = i.id) AS stored \
             FROM people_imports i WHERE i.state IN ('queued', 'staging') ORDER BY i.id",
        )
        .fetch_all(&self.pool)
        .await?
        {
            let id: i64 = row.try_get("id")?;
            let state: String = row.try_get("state")?;
            let counted: i64 = row.try_get("staged_rows")?;
            let stored: i64 = row.try_get("stored")?;
            if counted != stored {
                problems.push(format!(
                    "people import {id} ({state}) counts {counted} staged rows but {stored} are stored"
                ));
            }
        }
        // Each side's rows the other lacks: a day counted wrong shows on
        // both sides, a day not counted or counted with no meetings on one.
        const HELD: &str = "SELECT relationship_id, held_on, minutes, kind, record_agreed_by, \
             CASE WHEN sealed_record IS NULL THEN 0 ELSE 1 END AS has_record, \
             COUNT(*) AS meetings FROM relationship_meetings \
             GROUP BY relationship_id, held_on, minutes, kind, record_agreed_by, \
             CASE WHEN sealed_record IS NULL THEN 0 ELSE 1 END";
        const COUNTED: &str = "SELECT relationship_id, held_on, minutes, kind, \
             record_agreed_by, has_record, meetings FROM relationship_meeting_days";
        let miscounted: Vec<i64> = sqlx::query_scalar(&format!(
            "SELECT DISTINCT relationship_id FROM (\
             SELECT * FROM ({HELD} EXCEPT {COUNTED}) AS held_only \
             UNION ALL SELECT * FROM ({COUNTED} EXCEPT {HELD}) AS counted_only) AS differ \
             ORDER BY relationship_id"
        ))
        .fetch_all(&self.pool)
        .await?;
        for id in miscounted {
            problems.push(format!(
                "relationship {id}: its meetings are not counted by day as they are held \
                 (relationship_meeting_days)"
            ));
        }
        let unmarked: Vec<i64> = sqlx::query_scalar(
            "SELECT q.id FROM mentor_requests q WHERE q.live_proposal <> \
             CASE WHEN EXISTS (SELECT 1 FROM match_proposals l WHERE l.request_id = q.id \
             AND l.status IN ('awaiting_mentor', 'accepted')) THEN 1 ELSE 0 END ORDER BY q.id",
        )
        .fetch_all(&self.pool)
        .await?;
        for id in unmarked {
            problems.push(format!(
                "request {id}: its live-proposal mark does not agree with its proposals"
            ));
        }
        Ok(problems)
    }
}
