//! Mentoring relationships: from an accepted proposal to completion (issue
//! 10; LIF-1 to LIF-5, AGR-1 to AGR-5, MTG-1 to MTG-4, PLN-1, PLN-2).
//!
//! Every use case loads the relationship's facts, asks
//! `tandem_domain::permissions::relationships` what the caller may see and
//! do, and seals or opens confidential content only with the authority
//! that decision gives ([`crate::vault`]). Someone who may not see a
//! relationship is told it does not exist.

mod actions;
mod demo;
pub(crate) use actions::Acting;
pub(crate) use demo::{PairLogin, demo_profile};
mod view;

use tandem_domain::ids::ProposalId;
use time::{Date, OffsetDateTime};

use tandem_domain::ids::ProgrammeId;
pub(crate) use tandem_domain::permissions::relationships::relationship_scope;
use tandem_domain::permissions::relationships::{
    RelationshipAccess, RelationshipFacts, RelationshipScope, relationship_access,
};
use tandem_domain::permissions::{Operator, PeopleScope, Principal};
use tandem_domain::programme::Programme;
use tandem_domain::relationship::{RelationshipId, RelationshipRules, State};
use tandem_store::RelationshipRow;

pub use actions::{
    AgreementForm, CancellationInput, CompletionStep, IntroductionInput, MeetingRecordChange,
    StepRequest,
};
pub use view::{
    AgreementView, CancellationView, CompletionItem, CompletionView, HistoryEntry,
    IntroductionView, LATEST_MEETINGS, MeetingView, MeetingsShown, RelationshipSummary,
    RelationshipView, Task, TaskStatus, ToDo, VersionView,
};

use crate::{App, AppError};

/// One row of `tandem relationships list`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatorRow {
    pub id: RelationshipId,
    pub state: State,
    pub started_on: Date,
    pub planned_end: Option<Date>,
    pub meetings_held: usize,
    pub next_due: Option<Date>,
}

/// The longest listing a page shows.
const LIST_LIMIT: i64 = 500;

/// A page of a programme's relationships.
#[derive(Debug, Clone)]
pub struct RelationshipsPage {
    /// Newest first, each as the caller may see it.
    pub relationships: Vec<RelationshipSummary>,
    /// There are more after this page.
    pub more: bool,
    /// This page, from 1, of `per_page`.
    pub page: i64,
    pub per_page: i64,
}

/// A relationship with what the caller may know of it, ready for a use case.
pub(crate) struct Loaded {
    pub row: RelationshipRow,
    pub programme: Programme,
    pub facts: RelationshipFacts,
    pub access: RelationshipAccess,
    pub rules: RelationshipRules,
}

impl Loaded {
    pub(crate) fn started_on(&self) -> Date {
        date_of(self.row.started_at)
    }

    pub(crate) fn agreed_on(&self) -> Option<Date> {
        self.row.agreed_on.as_deref().and_then(parse_date)
    }
}

pub(crate) fn date_of(unix: i64) -> Date {
    OffsetDateTime::from_unix_timestamp(unix)
        .map(OffsetDateTime::date)
        .unwrap_or(Date::MIN)
}

pub(crate) fn parse_date(text: &str) -> Option<Date> {
    Date::parse(text, &time::format_description::well_known::Iso8601::DATE).ok()
}

impl App {
    /// Loads a relationship for `caller`; "not found" unless they may see it.
    pub(crate) async fn load_relationship(
        &self,
        caller: &Principal,
        id: RelationshipId,
    ) -> Result<Loaded, AppError> {
        let row = self
            .store
            .relationships()
            .get(id)
            .await?
            .ok_or(AppError::NotFound)?;
        self.loaded(caller, row).await
    }

    async fn loaded(&self, caller: &Principal, row: RelationshipRow) -> Result<Loaded, AppError> {
        self.loaded_as(row, |facts| relationship_access(caller, facts))
            .await
    }

    /// Loads a relationship's facts and rules, with the access `decide`
    /// gives; "not found" when it gives none.
    pub(crate) async fn loaded_as(
        &self,
        row: RelationshipRow,
        decide: impl FnOnce(&RelationshipFacts) -> Option<RelationshipAccess>,
    ) -> Result<Loaded, AppError> {
        let (_, programme, taking_part) = self.matching_programme(row.programme_id).await?;
        let people = self.store.people();
        let missing =
            || AppError::Internal(format!("relationship {}: a person is missing", row.id));
        let mentee = people
            .facts(row.mentee_person_id)
            .await?
            .ok_or_else(missing)?;
        let mentor = people
            .facts(row.mentor_person_id)
            .await?
            .ok_or_else(missing)?;
        let facts = RelationshipFacts {
            relationship_id: row.id,
            programme_id: row.programme_id,
            taking_part,
            mentee,
            mentor,
        };
        let access = decide(&facts).ok_or(AppError::NotFound)?;
        let rules = RelationshipRules::new(&programme, &row.track).map_err(|_| {
            AppError::Internal(format!(
                "relationship {}: its track \"{}\" is not in the programme",
                row.id, row.track
            ))
        })?;
        Ok(Loaded {
            row,
            programme,
            facts,
            access,
            rules,
        })
    }

    /// Loads many relationships at once for a listing: each programme's
    /// settings are read once, and every management chain in one batched
    /// query, instead of a few queries per row. Rows `decide` gives no
    /// access to are left out, as the relationship's own page would answer
    /// "not found".
    pub(crate) async fn loaded_many(
        &self,
        rows: Vec<RelationshipRow>,
        decide: impl Fn(&RelationshipFacts) -> Option<RelationshipAccess>,
    ) -> Result<Vec<Loaded>, AppError> {
        use std::collections::HashMap;
        use tandem_domain::permissions::PersonFacts;

        let mut programmes: HashMap<
            ProgrammeId,
            (Programme, Vec<tandem_domain::ids::OrganisationId>),
        > = HashMap::new();
        for row in &rows {
            if let std::collections::hash_map::Entry::Vacant(slot) =
                programmes.entry(row.programme_id)
            {
                let (_, programme, taking_part) = self.matching_programme(row.programme_id).await?;
                slot.insert((programme, taking_part));
            }
        }
        let mut people: Vec<tandem_domain::ids::PersonId> = rows
            .iter()
            .flat_map(|row| [row.mentee_person_id, row.mentor_person_id])
            .collect();
        people.sort_unstable();
        people.dedup();
        let chains = self.store.people().management_chains(&people).await?;
        let facts_of = |person, organisation_id| PersonFacts {
            person_id: person,
            organisation_id,
            managers_above: chains.get(&person).cloned().unwrap_or_default(),
        };
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let Some((programme, taking_part)) = programmes.get(&row.programme_id) else {
                continue;
            };
            let facts = RelationshipFacts {
                relationship_id: row.id,
                programme_id: row.programme_id,
                taking_part: taking_part.clone(),
                mentee: facts_of(row.mentee_person_id, row.mentee_organisation_id),
                mentor: facts_of(row.mentor_person_id, row.mentor_organisation_id),
            };
            let Some(access) = decide(&facts) else {
                continue;
            };
            let rules = RelationshipRules::new(programme, &row.track).map_err(|_| {
                AppError::Internal(format!(
                    "relationship {}: its track \"{}\" is not in the programme",
                    row.id, row.track
                ))
            })?;
            out.push(Loaded {
                row,
                programme: programme.clone(),
                facts,
                access,
                rules,
            });
        }
        Ok(out)
    }

    /// `tandem relationships list`: every relationship of a programme, as
    /// metadata (state, dates, meetings held, next due), never content.
    pub async fn relationships_for_operator(
        &self,
        _operator: &Operator,
        programme_key: &str,
    ) -> Result<Vec<OperatorRow>, AppError> {
        let programme = self
            .store
            .programmes()
            .by_key(programme_key)
            .await?
            .ok_or_else(|| {
                AppError::invalid(
                    "programme",
                    format!("there is no programme with the key \"{programme_key}\""),
                )
            })?;
        let scope = RelationshipScope {
            people: PeopleScope {
                everyone: true,
                ..PeopleScope::default()
            },
            programme_organisations: Vec::new(),
        };
        let rows = self
            .store
            .relationships()
            .list(&scope, Some(programme.id), i64::MAX)
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        // The operator reads what an administrator may: metadata only.
        for loaded in self
            .loaded_many(rows, |_| Some(RelationshipAccess::Administrator))
            .await?
        {
            let summary = self.summary(&loaded).await?;
            out.push(OperatorRow {
                id: summary.id,
                state: loaded.row.state,
                started_on: summary.started_on,
                planned_end: summary.planned_end,
                meetings_held: summary.meetings_held.unwrap_or(0),
                next_due: summary.next_due,
            });
        }
        out.sort_by_key(|row| row.id);
        Ok(out)
    }

    /// The relationships the caller may list, newest first, optionally of
    /// one programme: the pair their own, overseers those of their
    /// organisations, line managers those of the people they manage.
    pub async fn relationships(
        &self,
        caller: &Principal,
        programme_id: Option<ProgrammeId>,
    ) -> Result<Vec<RelationshipSummary>, AppError> {
        let scope = relationship_scope(caller);
        let rows = self
            .store
            .relationships()
            .list(&scope, programme_id, LIST_LIMIT)
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        // The scope is a coarse filter; the decision for each is the same
        // one the relationship's own page makes.
        for loaded in self
            .loaded_many(rows, |facts| relationship_access(caller, facts))
            .await?
        {
            out.push(self.summary(&loaded).await?);
        }
        Ok(out)
    }

    /// One page of a programme's relationships the caller oversees, newest
    /// first: `per_page` of them from page `page` (from 1), and whether
    /// there are more. Only the page's relationships are read and
    /// summarised, and none is counted (issue 17: 20,000 in a national
    /// programme, which took 20–70 ms to count on every view).
    pub async fn programme_relationships(
        &self,
        caller: &Principal,
        programme_id: ProgrammeId,
        page: i64,
        per_page: i64,
    ) -> Result<RelationshipsPage, AppError> {
        let (page, per_page) = (page.max(1), per_page.max(1));
        let scope = relationship_scope(caller);
        // One more than the page holds says whether there is a next page.
        let mut rows = self
            .store
            .relationships()
            .list_page(
                &scope,
                Some(programme_id),
                per_page.saturating_add(1),
                (page - 1).saturating_mul(per_page),
            )
            .await?;
        let more = rows.len() as i64 > per_page;
        rows.truncate(usize::try_from(per_page).unwrap_or(usize::MAX));
        let mut relationships = Vec::with_capacity(rows.len());
        for loaded in self
            .loaded_many(rows, |facts| relationship_access(caller, facts))
            .await?
        {
            relationships.push(self.summary(&loaded).await?);
        }
        Ok(RelationshipsPage {
            relationships,
            more,
            page,
            per_page,
        })
    }

    /// The relationship a proposal started, for the mentor who accepted it.
    pub async fn relationship_of_proposal(
        &self,
        caller: &Principal,
        proposal_id: ProposalId,
    ) -> Result<Option<RelationshipId>, AppError> {
        let Some(id) = self.store.relationships().of_proposal(proposal_id).await? else {
            return Ok(None);
        };
        match self.load_relationship(caller, id).await {
            Ok(_) => Ok(Some(id)),
            Err(AppError::NotFound) => Ok(None),
            Err(error) => Err(error),
        }
    }
}
