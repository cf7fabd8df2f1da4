//! Stored runs (MAT-3, issue 17): a run is worked out once and kept, and
//! the matching page reads one page of it; "work out again" replaces it,
//! and whatever changes who is waiting or who can mentor forgets it (in
//! the store, in the same transaction). Sending checks the stored run
//! against a fresh one, so the proposals sent are always the ones the
//! coordinator read.

use std::collections::HashMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tandem_domain::ids::{MatchingRunId, OrganisationId, ProgrammeId};
use tandem_domain::permissions::MatchingAuthority;
use tandem_store::{NewRun, RunPair, RunRow, RunUnmatched};

use super::{ClosedMentors, MatchingRun, ProposedPair, RuledOut, Unmatched};
use crate::{App, AppError};

/// Pairs, or mentees left waiting, shown per page of a stored run.
pub const RUN_PAGE_SIZE: u64 = 50;

/// What a run says beside its pairs, stored as JSON.
#[derive(Debug, Default, Serialize, Deserialize)]
struct RunNotes {
    ignored_overrides: Vec<String>,
    named_not_proposed: Vec<String>,
    closed_mentors: Vec<ClosedMentors>,
}

/// One page of the latest stored run for the caller's scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRun {
    pub id: MatchingRunId,
    pub programme_id: ProgrammeId,
    pub programme_name: String,
    /// When it was worked out, in Unix seconds.
    pub made_at: i64,
    pub first_come_first_served: bool,
    pub waiting: u64,
    pub total_score: i64,
    pub pair_count: u64,
    pub unmatched_count: u64,
    pub ignored_overrides: Vec<String>,
    pub named_not_proposed: Vec<String>,
    pub closed_mentors: Vec<ClosedMentors>,
    /// The pairs on `pairs_page` (from 1).
    pub pairs: Vec<ProposedPair>,
    pub pairs_page: u64,
    /// The mentees left waiting on `unmatched_page` (from 1).
    pub unmatched: Vec<Unmatched>,
    pub unmatched_page: u64,
}

/// A lock per programme and scope (the organisations matched, `None` for
/// all), held while a view works out the run it found missing.
#[derive(Debug, Default)]
pub(crate) struct RunsInProgress(std::sync::Mutex<HashMap<RunScope, Arc<tokio::sync::Mutex<()>>>>);

/// A programme and the organisations a run matches for (`None`: all).
type RunScope = (ProgrammeId, Option<Vec<OrganisationId>>);

impl RunsInProgress {
    fn lock_for(&self, authority: &MatchingAuthority) -> Arc<tokio::sync::Mutex<()>> {
        let scope = authority.mentee_organisations().map(|ids| {
            let mut ids = ids.to_vec();
            ids.sort_unstable();
            ids
        });
        // A poisoned map only means another view panicked while holding
        // it; the map itself is still whole.
        let mut locks = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Arc::clone(locks.entry((authority.programme_id(), scope)).or_default())
    }
}

/// What sending a stored run's proposals did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sending {
    /// This many proposals went to the mentors.
    Sent(usize),
    /// Something changed since the run was worked out: it was worked out
    /// again and stored, and nothing was sent.
    Changed,
}

fn internal(what: &str, error: &serde_json::Error) -> AppError {
    AppError::Internal(format!("cannot {what} a stored matching run: {error}"))
}

/// The page to show: from 1 to the last page of `total` items.
fn clamp_page(page: u64, total: u64) -> u64 {
    page.clamp(1, total.div_ceil(RUN_PAGE_SIZE).max(1))
}

/// Page `page` (from 1, within range) of `items`, `RUN_PAGE_SIZE` a page.
fn page_of<T>(items: Vec<T>, page: u64) -> Vec<T> {
    let skip = usize::try_from((page - 1) * RUN_PAGE_SIZE).unwrap_or(usize::MAX);
    let take = usize::try_from(RUN_PAGE_SIZE).unwrap_or(usize::MAX);
    items.into_iter().skip(skip).take(take).collect()
}

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl App {
    /// Stores a run as the latest for the authority's scope; its summary.
    pub(super) async fn store_run(
        &self,
        authority: &MatchingAuthority,
        run: &MatchingRun,
    ) -> Result<RunRow, AppError> {
        let notes = serde_json::to_string(&RunNotes {
            ignored_overrides: run.ignored_overrides.clone(),
            named_not_proposed: run.named_not_proposed.clone(),
            closed_mentors: run.closed_mentors.clone(),
        })
        .map_err(|e| internal("write", &e))?;
        let pairs: Vec<RunPair> = run
            .pairs
            .iter()
            .map(|p| RunPair {
                request_id: p.request_id,
                mentor_entry_id: p.mentor_entry_id,
                mentee_name: p.mentee_name.clone(),
                mentor_name: p.mentor_name.clone(),
                score: p.score,
                explanation: p.explanation.join("\n"),
                overridden: p.overridden.clone(),
                named_by_mentee: p.named_by_mentee,
            })
            .collect();
        let unmatched = run
            .unmatched
            .iter()
            .map(|u| {
                Ok(RunUnmatched {
                    request_id: u.request_id,
                    mentee_name: u.mentee_name.clone(),
                    could_have: count(u.could_have),
                    ruled_out: serde_json::to_string(&u.ruled_out)
                        .map_err(|e| internal("write", &e))?,
                })
            })
            .collect::<Result<Vec<_>, AppError>>()?;
        Ok(self
            .store
            .matching_runs()
            .replace(
                authority,
                &NewRun {
                    first_come_first_served: run.first_come_first_served,
                    waiting: count(run.waiting),
                    total_score: run.total_score,
                    notes: &notes,
                    pairs: &pairs,
                    unmatched: &unmatched,
                },
            )
            .await?)
    }

    /// Works matching out again for the caller's scope and stores the run
    /// as the one the matching page shows.
    pub async fn rerun_matching(
        &self,
        authority: &MatchingAuthority,
    ) -> Result<MatchingRun, AppError> {
        let run = self.run_matching(authority).await?;
        self.store_run(authority, &run).await?;
        Ok(run)
    }

    /// A page of the latest stored run for the caller's scope, working
    /// one out and storing it first if there is none. Pages count from 1;
    /// a page past the end shows the last.
    pub async fn stored_matching_run(
        &self,
        authority: &MatchingAuthority,
        pairs_page: u64,
        unmatched_page: u64,
    ) -> Result<StoredRun, AppError> {
        let runs = self.store.matching_runs();
        // A run worked out here is shown from memory: read back, it could
        // already have been forgotten by a change made meanwhile.
        let (row, fresh) = match runs.latest(authority).await? {
            Some(row) => (row, None),
            None => {
                // One view works the run out; others for the same scope
                // wait for it and read what it stored.
                let lock = self.runs_in_progress.lock_for(authority);
                let _working = lock.lock().await;
                match runs.latest(authority).await? {
                    Some(row) => (row, None),
                    None => {
                        let run = self.run_matching(authority).await?;
                        (self.store_run(authority, &run).await?, Some(run))
                    }
                }
            }
        };
        let (programme_name, _, _) = self.matching_programme(authority.programme_id()).await?;
        let notes: RunNotes = serde_json::from_str(&row.notes).map_err(|e| internal("read", &e))?;
        let RunRow {
            id,
            made_at,
            first_come_first_served,
            waiting,
            total_score,
            pair_count,
            unmatched_count,
            ..
        } = row;
        let pair_count = u64::try_from(pair_count).unwrap_or(0);
        let unmatched_count = u64::try_from(unmatched_count).unwrap_or(0);
        let pairs_page = clamp_page(pairs_page, pair_count);
        let unmatched_page = clamp_page(unmatched_page, unmatched_count);
        let (pairs, unmatched) = match fresh {
            Some(run) => (
                page_of(run.pairs, pairs_page),
                page_of(run.unmatched, unmatched_page),
            ),
            None => self.stored_page(id, pairs_page, unmatched_page).await?,
        };
        Ok(StoredRun {
            id,
            programme_id: authority.programme_id(),
            programme_name,
            made_at,
            first_come_first_served,
            waiting: u64::try_from(waiting).unwrap_or(0),
            total_score,
            pair_count,
            unmatched_count,
            ignored_overrides: notes.ignored_overrides,
            named_not_proposed: notes.named_not_proposed,
            closed_mentors: notes.closed_mentors,
            pairs,
            pairs_page,
            unmatched,
            unmatched_page,
        })
    }

    /// One page of a stored run's pairs and one of the mentees it leaves
    /// waiting, read from the store.
    async fn stored_page(
        &self,
        id: MatchingRunId,
        pairs_page: u64,
        unmatched_page: u64,
    ) -> Result<(Vec<ProposedPair>, Vec<Unmatched>), AppError> {
        let runs = self.store.matching_runs();
        let offset = |page: u64| i64::try_from((page - 1) * RUN_PAGE_SIZE).unwrap_or(i64::MAX);
        let limit = i64::try_from(RUN_PAGE_SIZE).unwrap_or(i64::MAX);
        let (pairs, unmatched) = tokio::try_join!(
            async { runs.pairs(id, offset(pairs_page), limit).await },
            async { runs.unmatched(id, offset(unmatched_page), limit).await },
        )?;
        let pairs = pairs
            .into_iter()
            .map(|p| ProposedPair {
                request_id: p.request_id,
                mentee_name: p.mentee_name,
                mentor_entry_id: p.mentor_entry_id,
                mentor_name: p.mentor_name,
                score: p.score,
                explanation: p
                    .explanation
                    .lines()
                    .filter(|l| !l.is_empty())
                    .map(str::to_owned)
                    .collect(),
                overridden: p.overridden,
                named_by_mentee: p.named_by_mentee,
            })
            .collect();
        let unmatched = unmatched
            .into_iter()
            .map(|u| {
                Ok(Unmatched {
                    request_id: u.request_id,
                    mentee_name: u.mentee_name,
                    ruled_out: serde_json::from_str::<Vec<RuledOut>>(&u.ruled_out)
                        .map_err(|e| internal("read", &e))?,
                    could_have: usize::try_from(u.could_have).unwrap_or(0),
                })
            })
            .collect::<Result<Vec<_>, AppError>>()?;
        Ok((pairs, unmatched))
    }

    /// Sends the proposals of the stored run the coordinator read (MAT-4),
    /// if they still stand: matching is worked out again, and if anything
    /// differs (or the run was replaced meanwhile) the new run is stored
    /// and nothing is sent.
    pub async fn send_stored_proposals(
        &self,
        authority: &MatchingAuthority,
        run_id: MatchingRunId,
    ) -> Result<Sending, AppError> {
        let runs = self.store.matching_runs();
        if runs.latest(authority).await?.map(|r| r.id) != Some(run_id) {
            return Ok(Sending::Changed);
        }
        let fresh = self.run_matching(authority).await?;
        let read = runs.all_pairs(run_id).await?;
        let fresh_pairs: Vec<_> = fresh
            .pairs
            .iter()
            .map(|p| (p.request_id, p.mentor_entry_id))
            .collect();
        if read != fresh_pairs {
            self.store_run(authority, &fresh).await?;
            return Ok(Sending::Changed);
        }
        let ids = self.send_run(authority, &fresh).await?;
        Ok(Sending::Sent(ids.len()))
    }
}
