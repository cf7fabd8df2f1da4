//! A person's own characteristics for matching, with their consent to
//! each (MAT-1, issue 11): read and changed by the person alone.

use tandem_domain::identity::PersonIdentity;
use tandem_domain::permissions::{Forbidden, own_identity};

use crate::register::field_errors;
use crate::{App, AppError, Principal};

/// Why someone without a person record has no characteristics to record.
const NO_PERSON: Forbidden =
    Forbidden("only people in an organisation's staff record have a profile for matching");

impl App {
    /// The caller's own characteristics, as they recorded them.
    pub async fn own_identity(&self, caller: &Principal) -> Result<PersonIdentity, AppError> {
        let person = own_identity(caller).ok_or(NO_PERSON)?;
        Ok(self.store.identities().own(person).await?)
    }

    /// Saves the caller's characteristics and their consent to each; a
    /// stored matching run of a programme they mentor in is worked out
    /// again. Bad input is refused naming its field, and nothing is saved.
    pub async fn save_own_identity(
        &self,
        caller: &Principal,
        typed: PersonIdentity,
    ) -> Result<PersonIdentity, AppError> {
        let person = own_identity(caller).ok_or(NO_PERSON)?;
        let checked = typed.check().map_err(field_errors)?;
        self.store
            .identities()
            .save(caller.actor(), person, &checked)
            .await?;
        Ok(checked)
    }
}
