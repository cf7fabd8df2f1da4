//! What each role's home page shows: what they look after and what needs
//! doing.

use tandem_domain::audit::AuditAction;
use tandem_domain::ids::PersonId;
use tandem_domain::ids::{
    AccountId, MentorEntryId, OrganisationId, ProgrammeId, ProposalId, RequestId,
};
use tandem_domain::permissions::Actor;
use tandem_domain::permissions::{
    importable_organisations, managing_person, sees_system_overview, staffed_organisations,
};
use tandem_domain::proposals::DeclineReason;
use tandem_domain::register::{Consultation, Phase, RequestSource, RequestStatus};
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
    pub recent_events: Vec<Activity>,
}

/// One entry of the audit log in words: who did what, to what.
#[derive(Debug, Clone)]
pub struct Activity {
    pub at: time::OffsetDateTime,
    /// The account's name, or the command line for the operator.
    pub who: String,
    pub action: AuditAction,
    /// What it was done to, by name, with a page to see it where there is one.
    pub subject: Option<Subject>,
    /// Anything more, in words (never an id).
    pub detail: String,
}

#[derive(Debug, Clone)]
pub struct Subject {
    pub name: String,
    pub href: Option<String>,
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
    /// The latest entries of the audit log, each in words with names.
    async fn activity(&self, limit: i64) -> Result<Vec<Activity>, AppError> {
        let mut lines = Vec::new();
        for event in self.store.audit().recent(limit).await? {
            lines.push(self.describe(event).await?);
        }
        Ok(lines)
    }

    async fn describe(&self, event: AuditEvent) -> Result<Activity, AppError> {
        let who = match event.actor {
            Actor::Operator => "The operator, at the command line".to_owned(),
            Actor::Account(id) => self.account_name(id).await?,
        };
        let id = event.subject_id.parse::<i64>().ok().filter(|id| *id > 0);
        let subject = match (event.subject_type.as_str(), id) {
            ("account", Some(id)) => Some(Subject {
                name: self.account_name(AccountId::new(id)).await?,
                href: None,
            }),
            ("organisation", Some(id)) => self
                .store
                .organisations()
                .get(OrganisationId::new(id))
                .await?
                .map(|o| Subject {
                    name: o.name,
                    href: None,
                }),
            ("programme", Some(id)) => self
                .store
                .programmes()
                .get(ProgrammeId::new(id))
                .await?
                .map(|p| Subject {
                    name: p.name,
                    href: Some(format!("/programmes/{id}")),
                }),
            ("mentor_entry", Some(id)) => self.entry_subject(MentorEntryId::new(id)).await?,
            ("mentor_request" | "request", Some(id)) => self
                .store
                .requests()
                .get(RequestId::new(id))
                .await?
                .map(|r| Subject {
                    name: format!(
                        "{} {}'s request ({})",
                        r.given_name, r.family_name, r.programme_name
                    ),
                    href: Some(format!("/requests/{id}")),
                }),
            ("proposal", Some(id)) => {
                self.store
                    .proposals()
                    .get(ProposalId::new(id))
                    .await?
                    .map(|p| Subject {
                        name: format!("{} proposed for {}", p.mentor_name, p.mentee_name),
                        href: None,
                    })
            }
            _ => None,
        };
        let detail = match event.action {
            // The entry names the programme and the person already.
            AuditAction::RegisterEntrySaved => String::new(),
            AuditAction::ProposalDeclined => DeclineReason::parse(&event.detail)
                .map_or(event.detail.clone(), |r| r.label().to_owned()),
            // "programme 4, person 246, requested": the request names both.
            AuditAction::RequestCreated => {
                match event.detail.rsplit(", ").next().map(RequestSource::parse) {
                    Some(RequestSource::Automatic) => "Enrolled automatically".to_owned(),
                    _ => "Asked for by the mentee".to_owned(),
                }
            }
            AuditAction::RequestScreened => RequestStatus::parse(&event.detail)
                .map_or(event.detail.clone(), |s| s.label().to_owned()),
            AuditAction::RequestConsulted => Consultation::parse(&event.detail)
                .map_or(event.detail.clone(), |c| c.label().to_owned()),
            AuditAction::SelfAssessmentSaved => match Phase::parse(&event.detail) {
                Some(Phase::Before) => "Before matching".to_owned(),
                Some(Phase::After) => "At the end of the relationship".to_owned(),
                None => event.detail.clone(),
            },
            // "3 proposals sent to mentors": the action says the rest.
            AuditAction::ProposalsSent => match event
                .detail
                .split_whitespace()
                .next()
                .and_then(|n| n.parse::<u64>().ok())
            {
                Some(1) => "1 proposal".to_owned(),
                Some(n) => format!("{n} proposals"),
                None => event.detail.clone(),
            },
            // "mentor entry 12: reason" names the mentor chosen.
            AuditAction::MatchingOverridden => match event
                .detail
                .strip_prefix("mentor entry ")
                .and_then(|rest| rest.split_once(": "))
                .and_then(|(id, reason)| Some((id.parse::<i64>().ok()?, reason)))
            {
                Some((entry, reason)) => {
                    let mentor = self.entry_subject(MentorEntryId::new(entry)).await?;
                    match mentor {
                        Some(mentor) => format!("{} chosen: {reason}", mentor.name),
                        None => format!("Chosen: {reason}"),
                    }
                }
                None => event.detail.clone(),
            },
            _ => event.detail.clone(),
        };
        Ok(Activity {
            at: event.occurred_at,
            who,
            action: event.action,
            subject,
            detail,
        })
    }

    async fn account_name(&self, id: AccountId) -> Result<String, AppError> {
        Ok(self
            .store
            .accounts()
            .get(id)
            .await?
            .map_or_else(|| "An account since deleted".to_owned(), |a| a.display_name))
    }

    async fn entry_subject(&self, id: MentorEntryId) -> Result<Option<Subject>, AppError> {
        Ok(self.store.register().get(id).await?.map(|e| Subject {
            name: format!("{} {}", e.given_name, e.family_name),
            href: Some(format!("/register/{id}")),
        }))
    }

    pub async fn home(&self, caller: &Principal) -> Result<Home, AppError> {
        let system = if sees_system_overview(caller) {
            let organisations = self.store.organisations().all().await?;
            Some(SystemFigures {
                organisations: organisations.len() as i64,
                people: self.store.people().count(None).await?,
                accounts: self.store.accounts().count().await?,
                recent_events: self.activity(10).await?,
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
        // The caller's programmes, read once for everything below.
        let programmes = self.list_programmes(caller).await?;
        let (requests_to_screen, consultations, own_requests) =
            self.request_notices(caller, &programmes).await?;
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
            policy_reviews_due: crate::programmes::reviews_due_among(&programmes),
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
