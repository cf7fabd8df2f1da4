//! What each role's home page shows: what they look after and what needs
//! doing.

use tandem_domain::ids::PersonId;
use tandem_domain::permissions::{
    importable_organisations, managing_person, sees_system_overview, staffed_organisations,
};
use tandem_domain::roles::Role;
use tandem_store::{AuditEvent, Organisation, PersonSummary};

use crate::{App, AppError, Principal};

/// An organisation the caller helps run, with its size.
#[derive(Debug, Clone, serde::Serialize)]
pub struct OrganisationCard {
    pub organisation: Organisation,
    pub people: i64,
    pub roles: Vec<Role>,
    pub can_import: bool,
}

/// Figures only an administrator sees.
#[derive(Debug, Clone)]
pub struct SystemFigures {
    pub organisations: i64,
    pub people: i64,
    pub accounts: i64,
    pub recent_events: Vec<AuditEvent>,
}

/// Everything a home page shows.
#[derive(Debug, Clone)]
pub struct Home {
    pub display_name: String,
    pub roles: Vec<Role>,
    pub system: Option<SystemFigures>,
    pub organisations: Vec<OrganisationCard>,
    /// For line managers: the people who report to them directly.
    pub direct_reports: Option<Vec<PersonSummary>>,
    pub own_person_id: Option<PersonId>,
    /// Programmes the caller helps run whose policy review is due (PRG-6).
    pub policy_reviews_due: Vec<crate::programmes::PolicyReviewDue>,
    /// For coordinators: programmes with mentor requests to screen (REQ-3).
    pub requests_to_screen: Vec<crate::requests::ScreeningDue>,
    /// For line managers: requests on which they are consulted (REQ-5).
    pub consultations: Vec<crate::requests::ConsultationDue>,
    /// The caller's own mentor requests and where they are.
    pub own_requests: Vec<crate::requests::OwnRequest>,
}

impl App {
    pub async fn home(&self, caller: &Principal) -> Result<Home, AppError> {
        let system = if sees_system_overview(caller) {
            let organisations = self.store.organisations().all().await?;
            Some(SystemFigures {
                organisations: organisations.len() as i64,
                people: self.store.people().count(None).await?,
                accounts: self.store.accounts().count().await?,
                recent_events: self.store.audit().recent(10).await?,
            })
        } else {
            None
        };
        let importable = importable_organisations(caller);
        let mut organisations = Vec::new();
        for id in staffed_organisations(caller) {
            let Some(organisation) = self.store.organisations().get(id).await? else {
                continue;
            };
            // A role held for the organisation and for one of its
            // programmes is still one role here.
            let roles = caller.roles_in(id);
            organisations.push(OrganisationCard {
                people: self.store.people().count(Some(id)).await?,
                can_import: importable.allows(id),
                organisation,
                roles,
            });
        }
        let direct_reports = match managing_person(caller) {
            Some(me) => Some(self.store.people().direct_reports(me).await?),
            None => None,
        };
        let (requests_to_screen, consultations, own_requests) =
            self.request_notices(caller).await?;
        Ok(Home {
            requests_to_screen,
            consultations,
            own_requests,
            display_name: caller.display_name.clone(),
            roles: caller.roles(),
            system,
            organisations,
            direct_reports,
            own_person_id: caller.person_id,
            policy_reviews_due: self.policy_reviews_due(caller).await?,
        })
    }

    /// Organisations the caller may import people into.
    pub async fn import_targets(&self, caller: &Principal) -> Result<Vec<Organisation>, AppError> {
        let targets = importable_organisations(caller);
        Ok(self
            .store
            .organisations()
            .all()
            .await?
            .into_iter()
            .filter(|o| targets.allows(o.id))
            .collect())
    }
}
