//! Signed-in sessions, found by the hash of their cookie token, and the
//! sign-in throttle.

use sqlx::Row;
use tandem_domain::ids::{AccountId, PersonId};
use tandem_domain::roles::RoleGrant;

use crate::{Result, Sessions};

/// How many hexadecimal digits of a session's token hash name it to its
/// owner ([`OwnSession::reference`]): enough never to clash among one
/// person's sessions, and nothing an attacker could use — the token
/// cannot be got back from its hash, let alone from part of it.
const REFERENCE_DIGITS: usize = 16;

/// A signed-in session, found by the hash of its cookie token.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Session {
    #[sqlx(try_from = "i64")]
    pub account_id: AccountId,
    pub csrf_token: String,
    pub expires_at: i64,
    /// When the session was last used (to the minute or so: see
    /// [`Sessions::touch`]).
    pub last_seen_at: i64,
}

/// A session with what its account needs to act: see
/// [`Sessions::get_with_account`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionAccount {
    pub session: Session,
    pub display_name: String,
    pub person_id: Option<PersonId>,
    pub disabled: bool,
    pub grants: Vec<RoleGrant>,
}

/// One of a person's own sessions, as the list of them shows it. The
/// token and its hash stay in the store: `reference` names the session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnSession {
    /// A name for the session that is not a secret (the start of its
    /// token's hash), for a form to say which session to end.
    pub reference: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
    /// Whether this is the session the list was asked for from.
    pub current: bool,
}

#[derive(sqlx::FromRow)]
struct OwnSessionRow {
    token_hash: String,
    created_at: i64,
    last_seen_at: i64,
    expires_at: i64,
}

fn reference(token_hash: &str) -> &str {
    token_hash.get(..REFERENCE_DIGITS).unwrap_or(token_hash)
}

impl Sessions<'_> {
    /// Opens a session, last used now.
    pub async fn create(
        &self,
        token_hash: &str,
        account_id: AccountId,
        csrf_token: &str,
        expires_at: i64,
    ) -> Result<()> {
        let at = self.store.now();
        sqlx::query(
            "INSERT INTO sessions (token_hash, account_id, csrf_token, created_at, expires_at, last_seen_at) \
             VALUES ($1, $2, $3, $4, $5, $4)",
        )
        .bind(token_hash)
        .bind(account_id.get())
        .bind(csrf_token)
        .bind(at)
        .bind(expires_at)
        .execute(&self.store.pool)
        .await?;
        Ok(())
    }

    /// The session with this token hash, if it has not expired. Whether it
    /// has been unused for too long is the caller's to decide from
    /// [`Session::last_seen_at`].
    pub async fn get(&self, token_hash: &str, at: i64) -> Result<Option<Session>> {
        Ok(sqlx::query_as(
            "SELECT account_id, csrf_token, expires_at, last_seen_at FROM sessions \
             WHERE token_hash = $1 AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(at)
        .fetch_optional(&self.store.pool)
        .await?)
    }

    /// A valid session with its account and the account's role grants, in
    /// one query: what every signed-in request needs (issue 17: three
    /// queries before).
    pub async fn get_with_account(
        &self,
        token_hash: &str,
        at: i64,
    ) -> Result<Option<SessionAccount>> {
        let rows = sqlx::query(
            "SELECT s.account_id, s.csrf_token, s.expires_at, s.last_seen_at, a.display_name, \
             a.person_id, a.disabled, g.role, g.organisation_id, g.programme_id \
             FROM sessions s JOIN accounts a ON a.id = s.account_id \
             LEFT JOIN role_grants g ON g.account_id = a.id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 ORDER BY g.id",
        )
        .bind(token_hash)
        .bind(at)
        .fetch_all(&self.store.pool)
        .await?;
        let Some(first) = rows.first() else {
            return Ok(None);
        };
        let mut grants = Vec::new();
        for row in &rows {
            if row.try_get::<Option<String>, _>("role")?.is_some() {
                grants.push(crate::accounts::grant_of(row)?);
            }
        }
        Ok(Some(SessionAccount {
            session: Session {
                account_id: AccountId::new(first.try_get("account_id")?),
                csrf_token: first.try_get("csrf_token")?,
                expires_at: first.try_get("expires_at")?,
                last_seen_at: first.try_get("last_seen_at")?,
            },
            display_name: first.try_get("display_name")?,
            person_id: first
                .try_get::<Option<i64>, _>("person_id")?
                .map(PersonId::new),
            disabled: first.try_get::<i64, _>("disabled")? != 0,
            grants,
        }))
    }

    /// Records that the session was used at `at`. Callers do this only when
    /// some time has passed since [`Session::last_seen_at`], so that most
    /// requests write nothing.
    pub async fn touch(&self, token_hash: &str, at: i64) -> Result<()> {
        sqlx::query(
            "UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1 AND last_seen_at < $2",
        )
        .bind(token_hash)
        .bind(at)
        .execute(&self.store.pool)
        .await?;
        Ok(())
    }

    pub async fn delete(&self, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.store.pool)
            .await?;
        Ok(())
    }

    /// An account's sessions that have not expired, most recently used
    /// first; `current` marks the one whose token hash is `current_hash`.
    pub async fn of_account(
        &self,
        account_id: AccountId,
        current_hash: &str,
        at: i64,
    ) -> Result<Vec<OwnSession>> {
        let rows: Vec<OwnSessionRow> = sqlx::query_as(
            "SELECT token_hash, created_at, last_seen_at, expires_at FROM sessions \
             WHERE account_id = $1 AND expires_at > $2 \
             ORDER BY last_seen_at DESC, created_at DESC, token_hash",
        )
        .bind(account_id.get())
        .bind(at)
        .fetch_all(&self.store.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|row| OwnSession {
                reference: reference(&row.token_hash).to_owned(),
                created_at: row.created_at,
                last_seen_at: row.last_seen_at,
                expires_at: row.expires_at,
                current: row.token_hash == current_hash,
            })
            .collect())
    }

    /// Ends the account's session named by `reference`; answers whether
    /// there was one. Another account's session is never touched.
    pub async fn delete_of_account(&self, account_id: AccountId, reference: &str) -> Result<bool> {
        if reference.len() != REFERENCE_DIGITS {
            return Ok(false);
        }
        Ok(sqlx::query(&format!(
            "DELETE FROM sessions WHERE account_id = $1 AND substr(token_hash, 1, {REFERENCE_DIGITS}) = $2"
        ))
        .bind(account_id.get())
        .bind(reference)
        .execute(&self.store.pool)
        .await?
        .rows_affected()
            > 0)
    }

    /// Removes sessions that have expired; returns how many.
    pub async fn delete_expired(&self, at: i64) -> Result<u64> {
        Ok(sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(at)
            .execute(&self.store.pool)
            .await?
            .rows_affected())
    }

    /// Removes sessions last used before `seen_before`; returns how many.
    pub async fn delete_idle(&self, seen_before: i64) -> Result<u64> {
        Ok(sqlx::query("DELETE FROM sessions WHERE last_seen_at < $1")
            .bind(seen_before)
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
