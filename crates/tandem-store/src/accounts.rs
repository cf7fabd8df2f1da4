//! Accounts and the roles granted to them.

use sqlx::Row;
use tandem_domain::ids::{AccountId, OrganisationId, PersonId, ProgrammeId};
use tandem_domain::permissions::Actor;
use tandem_domain::roles::{Role, RoleGrant};

use crate::audit::actor_key;
use crate::{Accounts, Result, StoreError};

/// An account as the sign-in check needs it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Account {
    #[sqlx(try_from = "i64")]
    pub id: AccountId,
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    #[sqlx(try_from = "crate::decode::OptionalKey")]
    pub person_id: Option<PersonId>,
    #[sqlx(try_from = "crate::decode::IntFlag")]
    pub disabled: bool,
}

/// What creating an account needs; the password is already hashed.
#[derive(Debug, Clone)]
pub struct NewAccount<'a> {
    pub email: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub person_id: Option<PersonId>,
}

impl Accounts<'_> {
    pub async fn create(&self, account: &NewAccount<'_>) -> Result<AccountId> {
        let email = account.email.trim().to_lowercase();
        if self.store.accounts().by_email(&email).await?.is_some() {
            return Err(StoreError::Conflict(format!(
                "an account with email {email} already exists"
            )));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO accounts (email, display_name, password_hash, person_id, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(email)
        .bind(account.display_name)
        .bind(account.password_hash)
        .bind(account.person_id.map(PersonId::get))
        .bind(self.store.now())
        .fetch_one(&self.store.pool)
        .await?;
        Ok(AccountId::new(id))
    }

    pub async fn by_email(&self, email: &str) -> Result<Option<Account>> {
        Ok(sqlx::query_as(
            "SELECT id, email, display_name, password_hash, person_id, disabled \
             FROM accounts WHERE email = $1",
        )
        .bind(email.trim().to_lowercase())
        .fetch_optional(&self.store.pool)
        .await?)
    }

    pub async fn get(&self, id: AccountId) -> Result<Option<Account>> {
        Ok(sqlx::query_as(
            "SELECT id, email, display_name, password_hash, person_id, disabled \
             FROM accounts WHERE id = $1",
        )
        .bind(id.get())
        .fetch_optional(&self.store.pool)
        .await?)
    }

    pub async fn count(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM accounts")
            .fetch_one(&self.store.pool)
            .await?)
    }

    pub async fn grant_role(
        &self,
        account_id: AccountId,
        grant: &RoleGrant,
        granted_by: Actor,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO role_grants (account_id, role, organisation_id, programme_id, granted_at, granted_by) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(account_id.get())
        .bind(grant.role.as_str())
        .bind(grant.organisation_id.map(OrganisationId::get))
        .bind(grant.programme_id.map(ProgrammeId::get))
        .bind(self.store.now())
        .bind(actor_key(granted_by))
        .execute(&self.store.pool)
        .await?;
        Ok(())
    }

    pub async fn grants(&self, account_id: AccountId) -> Result<Vec<RoleGrant>> {
        let rows = sqlx::query(
            "SELECT role, organisation_id, programme_id FROM role_grants WHERE account_id = $1 ORDER BY id",
        )
        .bind(account_id.get())
        .fetch_all(&self.store.pool)
        .await?;
        rows.iter().map(grant_of).collect()
    }
}

/// A role grant from a row with its `role`, `organisation_id` and
/// `programme_id` columns.
pub(crate) fn grant_of(row: &sqlx::any::AnyRow) -> Result<RoleGrant> {
    let role: String = row.try_get("role")?;
    let role: Role = role
        .parse()
        .map_err(|e: tandem_domain::roles::UnknownRole| StoreError::Corrupt(e.to_string()))?;
    Ok(RoleGrant {
        role,
        organisation_id: row
            .try_get::<Option<i64>, _>("organisation_id")?
            .map(OrganisationId::new),
        programme_id: row
            .try_get::<Option<i64>, _>("programme_id")?
            .map(ProgrammeId::new),
    })
}
