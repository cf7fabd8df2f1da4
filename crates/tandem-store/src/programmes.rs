//! Programmes (PRG-1 to PRG-6): each programme's settings, kept whole as the
//! TOML its export writes, and the organisations taking part.
//!
//! A write is one transaction: the programme's row, any organisation it
//! names that the database does not know yet, the list of organisations
//! taking part and the audit event are written together or not at all.

use tandem_domain::audit::AuditAction;
use tandem_domain::ids::{OrganisationId, ProgrammeId};
use tandem_domain::permissions::{
    ProgrammeAuthority, ProgrammeCreateAuthority, ProgrammeScope, Publication,
};
use tandem_domain::programme::Organisation as ProgrammeOrganisation;

use crate::{Organisation, Programmes, Result, StoreError, insert_event};

/// A programme as stored: its settings are TOML that
/// `Programme::from_toml_str` reads.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredProgramme {
    #[sqlx(try_from = "i64")]
    pub id: ProgrammeId,
    pub key: String,
    pub name: String,
    pub settings: String,
    pub created_at: i64,
    pub updated_at: i64,
    /// When it was published; `None` while it is a draft.
    pub published_at: Option<i64>,
}

impl StoredProgramme {
    pub fn publication(&self) -> Publication {
        match self.published_at {
            Some(_) => Publication::Published,
            None => Publication::Draft,
        }
    }
}

/// What writing a programme needs. The caller has checked the settings.
#[derive(Debug, Clone, Copy)]
pub struct ProgrammeWrite<'a> {
    pub key: &'a str,
    pub name: &'a str,
    /// The programme's TOML, as `Programme::to_toml_string` writes it.
    pub settings: &'a str,
    /// The organisations taking part, found by name (ignoring case); any
    /// the database does not know are added with their jurisdiction.
    pub organisations: &'a [ProgrammeOrganisation],
}

const COLUMNS: &str = "id, key, name, settings, created_at, updated_at, published_at";

impl Programmes<'_> {
    /// Adds a programme, published or as a draft; a programme with the
    /// same key is a conflict.
    pub async fn create(
        &self,
        authority: &ProgrammeCreateAuthority,
        write: &ProgrammeWrite<'_>,
        publication: Publication,
    ) -> Result<ProgrammeId> {
        let mut tx = self.store.write_tx().await?;
        let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM programmes WHERE key = $1")
            .bind(write.key)
            .fetch_optional(&mut *tx)
            .await?;
        if taken.is_some() {
            return Err(StoreError::Conflict(format!(
                "a programme with the key \"{}\" already exists",
                write.key
            )));
        }
        let at = self.store.now();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO programmes (key, name, settings, created_at, updated_at, published_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(write.key)
        .bind(write.name)
        .bind(write.settings)
        .bind(at)
        .bind(at)
        .bind((publication == Publication::Published).then_some(at))
        .fetch_one(&mut *tx)
        .await?;
        let id = ProgrammeId::new(id);
        set_organisations(&mut tx, id, write.organisations, at).await?;
        insert_event(
            &mut *tx,
            at,
            authority.actor(),
            AuditAction::ProgrammeCreated,
            "programme",
            &id.to_string(),
            write.key,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Replaces the settings of the authority's programme and the
    /// organisations taking part. With `previous`, the settings are
    /// replaced only if they are still those (what the caller read and
    /// changed); otherwise someone else saved in between, and nothing is
    /// written.
    pub async fn update(
        &self,
        authority: &ProgrammeAuthority,
        write: &ProgrammeWrite<'_>,
        previous: Option<&str>,
    ) -> Result<()> {
        let id = authority.programme_id();
        let at = self.store.now();
        let mut tx = self.store.write_tx().await?;
        let taken: Option<i64> =
            sqlx::query_scalar("SELECT id FROM programmes WHERE key = $1 AND id <> $2")
                .bind(write.key)
                .bind(id.get())
                .fetch_optional(&mut *tx)
                .await?;
        if taken.is_some() {
            return Err(StoreError::Conflict(format!(
                "another programme already has the key \"{}\"",
                write.key
            )));
        }
        let updated = sqlx::query(
            "UPDATE programmes SET key = $1, name = $2, settings = $3, updated_at = $4 \
             WHERE id = $5 AND ($6 IS NULL OR settings = $6)",
        )
        .bind(write.key)
        .bind(write.name)
        .bind(write.settings)
        .bind(at)
        .bind(id.get())
        .bind(previous)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if updated == 0 {
            return Err(StoreError::Conflict(if previous.is_some() {
                "someone else changed the programme's settings while these were being saved"
                    .to_owned()
            } else {
                format!("there is no programme {id}")
            }));
        }
        set_organisations(&mut tx, id, write.organisations, at).await?;
        insert_event(
            &mut *tx,
            at,
            authority.actor(),
            AuditAction::ProgrammeUpdated,
            "programme",
            &id.to_string(),
            write.key,
        )
        .await?;
        crate::matching_runs::forget_runs(&mut *tx, crate::matching_runs::Changed::Programme(id))
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Publishes the authority's draft programme, so that everyone in the
    /// organisations taking part can see it and ask for a mentor. False
    /// when it was already published (nothing is written).
    pub async fn publish(&self, authority: &ProgrammeAuthority) -> Result<bool> {
        let id = authority.programme_id();
        let at = self.store.now();
        let mut tx = self.store.write_tx().await?;
        let published = sqlx::query(
            "UPDATE programmes SET published_at = $1, updated_at = $1 \
             WHERE id = $2 AND published_at IS NULL",
        )
        .bind(at)
        .bind(id.get())
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if published {
            insert_event(
                &mut *tx,
                at,
                authority.actor(),
                AuditAction::ProgrammePublished,
                "programme",
                &id.to_string(),
                "",
            )
            .await?;
        }
        tx.commit().await?;
        Ok(published)
    }

    pub async fn get(&self, id: ProgrammeId) -> Result<Option<StoredProgramme>> {
        Ok(
            sqlx::query_as(&format!("SELECT {COLUMNS} FROM programmes WHERE id = $1"))
                .bind(id.get())
                .fetch_optional(&self.store.pool)
                .await?,
        )
    }

    pub async fn by_key(&self, key: &str) -> Result<Option<StoredProgramme>> {
        Ok(
            sqlx::query_as(&format!("SELECT {COLUMNS} FROM programmes WHERE key = $1"))
                .bind(key)
                .fetch_optional(&self.store.pool)
                .await?,
        )
    }

    /// Every programme, or those an organisation takes part in, by name.
    pub async fn list(
        &self,
        organisation_id: Option<OrganisationId>,
    ) -> Result<Vec<StoredProgramme>> {
        let programmes = match organisation_id {
            None => {
                sqlx::query_as(&format!(
                    "SELECT {COLUMNS} FROM programmes ORDER BY name, id"
                ))
                .fetch_all(&self.store.pool)
                .await?
            }
            Some(organisation_id) => {
                sqlx::query_as(&format!(
                    "SELECT {COLUMNS} FROM programmes WHERE id IN \
                     (SELECT programme_id FROM programme_organisations WHERE organisation_id = $1) \
                     ORDER BY name, id"
                ))
                .bind(organisation_id.get())
                .fetch_all(&self.store.pool)
                .await?
            }
        };
        Ok(programmes)
    }

    /// The programmes a scope allows, by name; an empty scope lists none.
    pub async fn in_scope(&self, scope: &ProgrammeScope) -> Result<Vec<StoredProgramme>> {
        if scope.everyone {
            return self.store.programmes().list(None).await;
        }
        if scope.organisations.is_empty() && scope.programmes.is_empty() {
            return Ok(Vec::new());
        }
        let mut parameter = 0;
        let mut placeholders = |count: usize| {
            (0..count)
                .map(|_| {
                    parameter += 1;
                    format!("${parameter}")
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut allowed = Vec::new();
        if !scope.organisations.is_empty() {
            allowed.push(format!(
                "id IN (SELECT programme_id FROM programme_organisations WHERE organisation_id IN ({}))",
                placeholders(scope.organisations.len())
            ));
        }
        if !scope.programmes.is_empty() {
            allowed.push(format!("id IN ({})", placeholders(scope.programmes.len())));
        }
        let sql = format!(
            "SELECT {COLUMNS} FROM programmes WHERE {} ORDER BY name, id",
            allowed.join(" OR ")
        );
        let mut query = sqlx::query_as(&sql);
        let organisations = scope.organisations.iter().map(|id| id.get());
        for id in organisations.chain(scope.programmes.iter().map(|id| id.get())) {
            query = query.bind(id);
        }
        Ok(query.fetch_all(&self.store.pool).await?)
    }

    /// The organisations taking part in a programme, by name.
    pub async fn organisations(&self, programme_id: ProgrammeId) -> Result<Vec<Organisation>> {
        Ok(sqlx::query_as(
            "SELECT o.id, o.name, o.jurisdiction FROM organisations o \
             JOIN programme_organisations po ON po.organisation_id = o.id \
             WHERE po.programme_id = $1 ORDER BY o.name",
        )
        .bind(programme_id.get())
        .fetch_all(&self.store.pool)
        .await?)
    }
}

/// Makes the programme's organisations exactly these, adding any the
/// database does not know yet.
async fn set_organisations(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    programme_id: ProgrammeId,
    organisations: &[ProgrammeOrganisation],
    at: i64,
) -> Result<()> {
    let mut ids: Vec<i64> = Vec::new();
    for organisation in organisations {
        let name = organisation.name.trim();
        let existing: Option<i64> =
            sqlx::query_scalar("SELECT id FROM organisations WHERE LOWER(name) = LOWER($1)")
                .bind(name)
                .fetch_optional(&mut **tx)
                .await?;
        let id = match existing {
            Some(id) => id,
            None => {
                sqlx::query_scalar(
                    "INSERT INTO organisations (name, jurisdiction, created_at) VALUES ($1, $2, $3) RETURNING id",
                )
                .bind(name)
                .bind(organisation.jurisdiction.trim())
                .bind(at)
                .fetch_one(&mut **tx)
                .await?
            }
        };
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    sqlx::query("DELETE FROM programme_organisations WHERE programme_id = $1")
        .bind(programme_id.get())
        .execute(&mut **tx)
        .await?;
    for id in ids {
        sqlx::query(
            "INSERT INTO programme_organisations (programme_id, organisation_id) VALUES ($1, $2)",
        )
        .bind(programme_id.get())
        .bind(id)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}
