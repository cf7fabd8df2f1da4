//! Signed-in sessions, found by the hash of their cookie token, and the
//! sign-in throttle.

use tandem_domain::ids::AccountId;

use crate::{Result, Sessions};

/// A signed-in session, found by the hash of its cookie token.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Session {
    #[sqlx(try_from = "i64")]
    pub account_id: AccountId,
    pub csrf_token: String,
    pub expires_at: i64,
}

impl Sessions<'_> {
    pub async fn create(
        &self,
        token_hash: &str,
        account_id: AccountId,
        csrf_token: &str,
        expires_at: i64,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, account_id, csrf_token, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash)
        .bind(account_id.get())
        .bind(csrf_token)
        .bind(self.store.now())
        .bind(expires_at)
        .execute(&self.store.pool)
        .await?;
        Ok(())
    }

    /// The session with this token hash, if it has not expired.
    pub async fn get(&self, token_hash: &str, at: i64) -> Result<Option<Session>> {
        Ok(sqlx::query_as(
            "SELECT account_id, csrf_token, expires_at FROM sessions WHERE token_hash = $1 AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(at)
        .fetch_optional(&self.store.pool)
        .await?)
    }

    pub async fn delete(&self, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.store.pool)
            .await?;
        Ok(())
    }

    /// Removes sessions that have expired; returns how many.
    pub async fn delete_expired(&self, at: i64) -> Result<u64> {
        Ok(sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(at)
            .execute(&self.store.pool)
            .await?
            .rows_affected())
    }
}

/// Failed sign-ins recorded against one key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct Throttle {
    pub failures: i64,
    pub window_started_at: i64,
    pub locked_until: i64,
}

impl Sessions<'_> {
    pub async fn throttle(&self, key: &str) -> Result<Option<Throttle>> {
        Ok(sqlx::query_as(
            "SELECT failures, window_started_at, locked_until FROM login_throttle WHERE throttle_key = $1",
        )
        .bind(key)
        .fetch_optional(&self.store.pool)
        .await?)
    }

    pub async fn set_throttle(&self, key: &str, throttle: Throttle) -> Result<()> {
        sqlx::query(
            "INSERT INTO login_throttle (throttle_key, failures, window_started_at, locked_until) \
             VALUES ($1, $2, $3, $4) \
             ON CONFLICT (throttle_key) DO UPDATE SET failures = excluded.failures, \
             window_started_at = excluded.window_started_at, locked_until = excluded.locked_until",
        )
        .bind(key)
        .bind(throttle.failures)
        .bind(throttle.window_started_at)
        .bind(throttle.locked_until)
        .execute(&self.store.pool)
        .await?;
        Ok(())
    }

    /// Counts one more attempt or failure against `key`, in one statement
    /// so that parallel sign-ins never lose a count: a window that started
    /// before `window_started_before` starts again at `at` with a count of
    /// one. Returns the count and window after this one.
    pub async fn count_against(
        &self,
        key: &str,
        at: i64,
        window_started_before: i64,
    ) -> Result<Throttle> {
        Ok(sqlx::query_as(
            "INSERT INTO login_throttle (throttle_key, failures, window_started_at, locked_until) \
             VALUES ($1, 1, $2, 0) \
             ON CONFLICT (throttle_key) DO UPDATE SET \
             failures = CASE WHEN login_throttle.window_started_at < $3 THEN 1 \
                        ELSE login_throttle.failures + 1 END, \
             window_started_at = CASE WHEN login_throttle.window_started_at < $3 THEN $2 \
                        ELSE login_throttle.window_started_at END \
             RETURNING failures, window_started_at, locked_until",
        )
        .bind(key)
        .bind(at)
        .bind(window_started_before)
        .fetch_one(&self.store.pool)
        .await?)
    }

    /// Forgets failures whose window and lock-out have both passed.
    pub async fn delete_stale_throttles(&self, window_started_before: i64, at: i64) -> Result<u64> {
        Ok(sqlx::query(
            "DELETE FROM login_throttle WHERE window_started_at < $1 AND locked_until <= $2",
        )
        .bind(window_started_before)
        .bind(at)
        .execute(&self.store.pool)
        .await?
        .rows_affected())
    }

    pub async fn clear_throttle(&self, key: &str) -> Result<()> {
        sqlx::query("DELETE FROM login_throttle WHERE throttle_key = $1")
            .bind(key)
            .execute(&self.store.pool)
            .await?;
        Ok(())
    }
}
