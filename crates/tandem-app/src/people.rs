//! Looking people up, within what the caller may see.

use tandem_domain::ids::PersonId;
use tandem_domain::permissions::{PersonAccess, people_scope, person_access};
use tandem_store::{PersonDetail, PersonSummary};

use crate::{App, AppError, Principal};

/// People shown per page of a listing.
pub const PER_PAGE: i64 = 25;
/// The largest page size the API accepts.
pub const MAX_PER_PAGE: i64 = 200;

/// One page of a people listing.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PeoplePage {
    pub people: Vec<PersonSummary>,
    pub total: i64,
    /// 1-based.
    pub page: i64,
    pub per_page: i64,
}

impl PeoplePage {
    pub fn pages(&self) -> i64 {
        crate::page_count(self.total, self.per_page)
    }
}

/// A person's page as the caller may see it.
#[derive(Debug, Clone)]
pub struct PersonView {
    pub person: PersonDetail,
    pub access: PersonAccess,
    pub direct_reports: Vec<PersonSummary>,
}

impl App {
    /// The people the caller may see, matching `search`, one page at a time.
    pub async fn list_people(
        &self,
        caller: &Principal,
        search: &str,
        page: i64,
        per_page: i64,
    ) -> Result<PeoplePage, AppError> {
        if page < 1 {
            return Err(AppError::invalid("page", "The page must be 1 or more"));
        }
        if !(1..=MAX_PER_PAGE).contains(&per_page) {
            return Err(AppError::invalid(
                "per_page",
                format!("The page size must be from 1 to {MAX_PER_PAGE}"),
            ));
        }
        // A page so far on that its first row's number overflows is past
        // the last page of any listing.
        let offset = (page - 1)
            .checked_mul(per_page)
            .ok_or_else(|| AppError::invalid("page", format!("There is no page {page}")))?;
        let scope = people_scope(caller).covering_own(self.person_organisation(caller).await?);
        let (people, total) = self
            .store
            .people()
            .list(&scope, search, per_page, offset)
            .await?;
        if page > 1 && offset >= total {
            return Err(AppError::invalid(
                "page",
                format!(
                    "There is no page {page}: the last is page {}",
                    ((total + per_page - 1) / per_page).max(1)
                ),
            ));
        }
        Ok(PeoplePage {
            people,
            total,
            page,
            per_page,
        })
    }

    /// One person, if the caller may see them; otherwise "not found", so a
    /// caller cannot learn who exists outside their view.
    pub async fn person(&self, caller: &Principal, id: PersonId) -> Result<PersonView, AppError> {
        let facts = self
            .store
            .people()
            .facts(id)
            .await?
            .ok_or(AppError::NotFound)?;
        let access = person_access(caller, &facts).ok_or(AppError::NotFound)?;
        let mut person = self
            .store
            .people()
            .get(id)
            .await?
            .ok_or(AppError::NotFound)?;
        if !access.sees_household() {
            person.approval_type = None;
            person.carer_level = None;
            person.approval_date = None;
            person.household = None;
            person.special_interests = None;
        }
        let direct_reports = self.store.people().direct_reports(id).await?;
        Ok(PersonView {
            person,
            access,
            direct_reports,
        })
    }
}
