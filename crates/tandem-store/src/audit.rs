//! The append-only audit log: the store has no update or delete for it,
//! and database triggers refuse both.

use tandem_domain::audit::{AuditAction, AuditEvent};
use tandem_domain::ids::AccountId;
use tandem_domain::permissions::Actor;

use crate::{Audit, Result};

/// An audit log row as stored, decoded into [`AuditEvent`].
#[derive(sqlx::FromRow)]
struct AuditRow {
    id: i64,
    #[sqlx(try_from = "crate::decode::UnixSeconds")]
    occurred_at: time::OffsetDateTime,
    #[sqlx(try_from = "crate::decode::OptionalKey")]
    actor_account_id: Option<AccountId>,
    #[sqlx(try_from = "crate::decode::Parsed<AuditAction>")]
    action: AuditAction,
    subject_type: String,
    subject_id: String,
    detail: String,
}

impl From<AuditRow> for AuditEvent {
    fn from(row: AuditRow) -> AuditEvent {
        AuditEvent {
            id: row.id,
            occurred_at: row.occurred_at,
            actor: Actor::from(row.actor_account_id),
            action: row.action,
            subject_type: row.subject_type,
            subject_id: row.subject_id,
            detail: row.detail,
        }
    }
}

impl Audit<'_> {
    pub async fn record(
        &self,
        actor: Actor,
        action: AuditAction,
        subject_type: &str,
        subject_id: &str,
        detail: &str,
    ) -> Result<()> {
        insert_event(
            &self.store.pool,
            self.store.now(),
            actor,
            action,
            subject_type,
            subject_id,
            detail,
        )
        .await
    }

    /// When the account signed in before its latest sign-in: the start of
    /// its last visit, for "since your last visit"; `None` on the first.
    pub async fn previous_sign_in(&self, account_id: AccountId) -> Result<Option<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT occurred_at FROM audit_events \
             WHERE subject_type = 'account' AND subject_id = $1 AND action = $2 \
             ORDER BY id DESC LIMIT 1 OFFSET 1",
        )
        .bind(account_id.to_string())
        .bind(AuditAction::SignedIn.as_str())
        .fetch_optional(&self.store.pool)
        .await?)
    }

    /// The newest events first.
    pub async fn recent(&self, limit: i64) -> Result<Vec<AuditEvent>> {
        let rows: Vec<AuditRow> = sqlx::query_as(
            "SELECT id, occurred_at, actor_account_id, action, subject_type, subject_id, detail \
             FROM audit_events ORDER BY id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.store.pool)
        .await?;
        Ok(rows.into_iter().map(AuditEvent::from).collect())
    }
}

/// How the store holds an actor: the acting account's key, or NULL for
/// the operator.
pub(crate) fn actor_key(actor: Actor) -> Option<i64> {
    actor.account_id().map(AccountId::get)
}

pub(crate) async fn insert_event<'e, E>(
    executor: E,
    at: i64,
    actor: Actor,
    action: AuditAction,
    subject_type: &str,
    subject_id: &str,
    detail: &str,
) -> Result<()>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query(
        "INSERT INTO audit_events (occurred_at, actor_account_id, action, subject_type, subject_id, detail) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(at)
    .bind(actor_key(actor))
    .bind(action.as_str())
    .bind(subject_type)
    .bind(subject_id)
    .bind(detail)
    .execute(executor)
    .await?;
    Ok(())
}
