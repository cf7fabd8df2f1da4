//! People's own characteristics for matching, each with their consent
//! (MAT-1, issue 11). Only the person reads or changes their row
//! ([`tandem_domain::permissions::own_identity`]); matching reads, for a
//! programme's mentors, only the values consented to.

use std::collections::HashMap;

use sqlx::Row;
use tandem_domain::audit::AuditAction;
use tandem_domain::identity::{Characteristic, PersonIdentity, Recorded};
use tandem_domain::ids::{PersonId, ProgrammeId};
use tandem_domain::permissions::Actor;

use crate::matching_runs::{Changed, forget_runs};
use crate::{Identities, Result, insert_event};

const COLUMNS: &str = "person_id, gender, gender_consent, culture, culture_consent, race, race_consent, \
     religion, religion_consent, sexuality, sexuality_consent";

fn decode(row: &sqlx::any::AnyRow) -> Result<(PersonId, PersonIdentity)> {
    let mut identity = PersonIdentity::default();
    for characteristic in Characteristic::ALL {
        let consent: i64 = row.try_get(characteristic.consent_field())?;
        *identity.get_mut(characteristic) = Recorded {
            value: row.try_get(characteristic.as_str())?,
            consent: consent != 0,
        };
    }
    Ok((PersonId::new(row.try_get("person_id")?), identity))
}

impl Identities<'_> {
    /// The person's characteristics as they recorded them (empty and not
    /// consented to when they have recorded none). For the person's own
    /// profile only.
    pub async fn own(&self, person: PersonId) -> Result<PersonIdentity> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM person_identities WHERE person_id = $1"
        ))
        .bind(person.get())
        .fetch_optional(&self.store.pool)
        .await?;
        match row {
            Some(row) => Ok(decode(&row)?.1),
            None => Ok(PersonIdentity::default()),
        }
    }

    /// Saves the person's characteristics and consents, and forgets the
    /// stored matching runs of every programme they are a mentor in, in
    /// one transaction. The audit event names the characteristics whose
    /// consent is given, never a value.
    pub async fn save(
        &self,
        actor: Actor,
        person: PersonId,
        identity: &PersonIdentity,
    ) -> Result<()> {
        let at = self.store.now();
        let mut tx = self.store.write_tx().await?;
        let mut query = sqlx::query(
            "INSERT INTO person_identities (person_id, gender, gender_consent, culture, culture_consent, \
             race, race_consent, religion, religion_consent, sexuality, sexuality_consent, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
             ON CONFLICT (person_id) DO UPDATE SET gender = excluded.gender, \
             gender_consent = excluded.gender_consent, culture = excluded.culture, \
             culture_consent = excluded.culture_consent, race = excluded.race, \
             race_consent = excluded.race_consent, religion = excluded.religion, \
             religion_consent = excluded.religion_consent, sexuality = excluded.sexuality, \
             sexuality_consent = excluded.sexuality_consent, updated_at = excluded.updated_at",
        )
        .bind(person.get());
        for characteristic in Characteristic::ALL {
            let recorded = identity.get(characteristic);
            query = query
                .bind(recorded.value.clone())
                .bind(i64::from(recorded.consent));
        }
        query.bind(at).execute(&mut *tx).await?;
        let consented: Vec<&str> = Characteristic::ALL
            .into_iter()
            .filter(|&c| identity.get(c).consent)
            .map(Characteristic::as_str)
            .collect();
        insert_event(
            &mut *tx,
            at,
            actor,
            AuditAction::IdentitySaved,
            "person",
            &person.to_string(),
            &format!(
                "consent to matching on: {}",
                if consented.is_empty() {
                    "none".to_owned()
                } else {
                    consented.join(", ")
                }
            ),
        )
        .await?;
        forget_runs(&mut *tx, Changed::Mentor(person)).await?;
        tx.commit().await?;
        Ok(())
    }

    /// For matching in a programme: what each of its mentors consented to
    /// matching on, with every characteristic not consented to left empty
    /// and unconsented, so that it never leaves the store.
    pub async fn for_matching(
        &self,
        programme_id: ProgrammeId,
    ) -> Result<HashMap<PersonId, PersonIdentity>> {
        let columns: Vec<String> = Characteristic::ALL
            .into_iter()
            .map(|c| {
                let (value, consent) = (c.as_str(), c.consent_field());
                format!(
                    "CASE WHEN i.{consent} = 1 THEN i.{value} ELSE '' END AS {value}, i.{consent}"
                )
            })
            .collect();
        let rows = sqlx::query(&format!(
            "SELECT i.person_id, {} FROM person_identities i \
             JOIN mentor_entries e ON e.person_id = i.person_id WHERE e.programme_id = $1",
            columns.join(", ")
        ))
        .bind(programme_id.get())
        .fetch_all(&self.store.pool)
        .await?;
        rows.iter().map(decode).collect()
    }
}
