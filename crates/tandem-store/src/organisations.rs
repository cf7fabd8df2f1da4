//! Organisations taking part in programmes.

use tandem_domain::ids::OrganisationId;

use crate::{Organisations, Result, StoreError};

/// An organisation taking part in one or more programmes.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct Organisation {
    #[sqlx(try_from = "i64")]
    pub id: OrganisationId,
    pub name: String,
    pub jurisdiction: String,
}

impl Organisations<'_> {
    pub async fn create(&self, name: &str, jurisdiction: &str) -> Result<Organisation> {
        let name = name.trim();
        if self.store.organisations().by_name(name).await?.is_some() {
            return Err(StoreError::Conflict(format!(
                "an organisation called \"{name}\" already exists"
            )));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO organisations (name, jurisdiction, created_at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(name)
        .bind(jurisdiction)
        .bind(self.store.now())
        .fetch_one(&self.store.pool)
        .await?;
        Ok(Organisation {
            id: OrganisationId::new(id),
            name: name.to_owned(),
            jurisdiction: jurisdiction.to_owned(),
        })
    }

    /// Finds an organisation by name, ignoring case.
    pub async fn by_name(&self, name: &str) -> Result<Option<Organisation>> {
        Ok(sqlx::query_as(
            "SELECT id, name, jurisdiction FROM organisations WHERE LOWER(name) = LOWER($1)",
        )
        .bind(name.trim())
        .fetch_optional(&self.store.pool)
        .await?)
    }

    pub async fn get(&self, id: OrganisationId) -> Result<Option<Organisation>> {
        Ok(
            sqlx::query_as("SELECT id, name, jurisdiction FROM organisations WHERE id = $1")
                .bind(id.get())
                .fetch_optional(&self.store.pool)
                .await?,
        )
    }

    pub async fn all(&self) -> Result<Vec<Organisation>> {
        Ok(
            sqlx::query_as("SELECT id, name, jurisdiction FROM organisations ORDER BY name")
                .fetch_all(&self.store.pool)
                .await?,
        )
    }
}
