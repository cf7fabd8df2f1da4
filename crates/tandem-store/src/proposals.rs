//! Matching proposals sent to mentors, and their answers (MAT-3, MAT-4).

use std::collections::HashMap;
use tandem_domain::audit::AuditAction;
use tandem_domain::ids::{
    MentorEntryId, OrganisationId, OverrideId, PersonId, ProgrammeId, ProposalId, RequestId,
};

use sqlx::Row;

use tandem_domain::permissions::{MatchingAuthority, ProposalAnswerAuthority};
use tandem_domain::proposals::{Answer, ProposalStatus};
use tandem_domain::relationship::State;

use crate::{Backend, Proposals, Result, StoreError, insert_event};

/// A pair to propose, as the matching run produced it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewProposal {
    pub request_id: RequestId,
    pub mentor_entry_id: MentorEntryId,
    pub score: i64,
    /// One line per criterion that scored, as shown to people.
    pub explanation: Vec<String>,
}

/// A proposal with who it joins.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ProposalRow {
    #[sqlx(try_from = "i64")]
    pub id: ProposalId,
    #[sqlx(try_from = "i64")]
    pub programme_id: ProgrammeId,
    pub programme_name: String,
    #[sqlx(try_from = "i64")]
    pub request_id: RequestId,
    #[sqlx(try_from = "i64")]
    pub mentee_person_id: PersonId,
    #[sqlx(try_from = "i64")]
    pub mentee_organisation_id: OrganisationId,
    pub mentee_name: String,
    #[sqlx(try_from = "i64")]
    pub mentor_entry_id: MentorEntryId,
    #[sqlx(try_from = "i64")]
    pub mentor_person_id: PersonId,
    pub mentor_name: String,
    pub score: i64,
    pub explanation: String,
    /// Decoded here: an unknown stored value is an error, never a guess.
    #[sqlx(try_from = "crate::decode::Parsed<ProposalStatus>")]
    pub status: ProposalStatus,
    pub decline_reason: Option<String>,
    pub decline_detail: Option<String>,
    pub proposed_at: i64,
    pub answered_at: Option<i64>,
}

impl ProposalRow {
    pub fn explanation_lines(&self) -> Vec<&str> {
        self.explanation.lines().filter(|l| !l.is_empty()).collect()
    }
}

const PROPOSAL_COLUMNS: &str = "m.id, m.programme_id, g.name AS programme_name, m.request_id, \
     q.person_id AS mentee_person_id, mp.organisation_id AS mentee_organisation_id, mp.given_name || ' ' || mp.family_name AS mentee_name, \
     m.mentor_entry_id, e.person_id AS mentor_person_id, \
     tp.given_name || ' ' || tp.family_name AS mentor_name, m.score, m.explanation, m.status, \
     m.decline_reason, m.decline_detail, m.proposed_at, m.answered_at";

const PROPOSAL_JOINS: &str = "FROM match_proposals m JOIN programmes g ON g.id = m.programme_id \
     JOIN mentor_requests q ON q.id = m.request_id JOIN people mp ON mp.id = q.person_id \
     JOIN mentor_entries e ON e.id = m.mentor_entry_id JOIN people tp ON tp.id = e.person_id";

impl Proposals<'_> {
    /// Stores a matching run's proposals in one transaction. A request
    /// that already has a live proposal makes the whole run fail.
    pub async fn create(
        &self,
        authority: &MatchingAuthority,
        proposals: &[NewProposal],
    ) -> Result<Vec<ProposalId>> {
        let programme_id = authority.programme_id();
        let proposed_by = authority.actor();
        let mut tx = self.store.write_tx().await?;
        let at = self.store.now();
        let mut ids = Vec::with_capacity(proposals.len());
        for proposal in proposals {
            let live: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM match_proposals WHERE request_id = $1 \
                 AND status IN ('awaiting_mentor', 'accepted')",
            )
            .bind(proposal.request_id.get())
            .fetch_one(&mut *tx)
            .await?;
            if live > 0 {
                return Err(StoreError::Conflict(format!(
                    "request {} already has a proposal; run matching again",
                    proposal.request_id
                )));
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO match_proposals (programme_id, request_id, mentor_entry_id, score, explanation, \
                 status, proposed_by, proposed_at) VALUES ($1, $2, $3, $4, $5, 'awaiting_mentor', $6, $7) RETURNING id",
            )
            .bind(programme_id.get())
            .bind(proposal.request_id.get())
            .bind(proposal.mentor_entry_id.get())
            .bind(proposal.score)
            .bind(proposal.explanation.join("\n"))
            .bind(crate::audit::actor_key(proposed_by))
            .bind(at)
            .fetch_one(&mut *tx)
            .await?;
            ids.push(ProposalId::new(id));
        }
        for proposal in proposals {
            sqlx::query(
                "UPDATE match_overrides SET in_force = 0 WHERE request_id = $1 AND in_force = 1",
            )
            .bind(proposal.request_id.get())
            .execute(&mut *tx)
            .await?;
        }
        insert_event(
            &mut *tx,
            at,
            proposed_by,
            AuditAction::ProposalsSent,
            "programme",
            &programme_id.to_string(),
            &format!("{} proposals sent to mentors", proposals.len()),
        )
        .await?;
        crate::matching_runs::forget_runs(
            &mut *tx,
            crate::matching_runs::Changed::Programme(programme_id),
        )
        .await?;
        tx.commit().await?;
        Ok(ids)
    }

    pub async fn get(&self, id: ProposalId) -> Result<Option<ProposalRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {PROPOSAL_COLUMNS} {PROPOSAL_JOINS} WHERE m.id = $1"
        ))
        .bind(id.get())
        .fetch_optional(&self.store.pool)
        .await?)
    }

    /// A programme's proposals, newest first.
    pub async fn of_programme(&self, programme_id: ProgrammeId) -> Result<Vec<ProposalRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {PROPOSAL_COLUMNS} {PROPOSAL_JOINS} WHERE m.programme_id = $1 ORDER BY m.id DESC"
        ))
        .bind(programme_id.get())
        .fetch_all(&self.store.pool)
        .await?)
    }

    /// The latest `limit` proposals of a programme for mentees of
    /// `organisations` (all when `None`), newest first, and whether there
    /// are more: read newest first from the programme's index, never
    /// counting or sorting them all.
    pub async fn latest_of_programme(
        &self,
        programme_id: ProgrammeId,
        organisations: Option<&[OrganisationId]>,
        limit: i64,
    ) -> Result<(Vec<ProposalRow>, bool)> {
        // Ids from a permission decision, written into the SQL as numbers.
        let filter = match organisations {
            None => String::new(),
            Some([]) => return Ok((Vec::new(), false)),
            Some(ids) => {
                let list: Vec<String> = ids.iter().map(|o| o.get().to_string()).collect();
                format!(" AND mp.organisation_id IN ({})", list.join(", "))
            }
        };
        let limit = limit.max(0);
        let mut rows: Vec<ProposalRow> = sqlx::query_as(&format!(
            "SELECT {PROPOSAL_COLUMNS} {PROPOSAL_JOINS} WHERE m.programme_id = $1{filter} \
             ORDER BY m.id DESC LIMIT $2"
        ))
        .bind(programme_id.get())
        .bind(limit.saturating_add(1))
        .fetch_all(&self.store.pool)
        .await?;
        let more = rows.len() as i64 > limit;
        rows.truncate(usize::try_from(limit).unwrap_or(0));
        Ok((rows, more))
    }

    /// Proposals waiting for this person's answer as a mentor.
    pub async fn awaiting_mentor(&self, mentor_person_id: PersonId) -> Result<Vec<ProposalRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {PROPOSAL_COLUMNS} {PROPOSAL_JOINS} WHERE e.person_id = $1 \
             AND m.status = 'awaiting_mentor' ORDER BY m.id"
        ))
        .bind(mentor_person_id.get())
        .fetch_all(&self.store.pool)
        .await?)
    }

    /// The status of the latest proposal of each of a person's requests
    /// that has one, by request.
    pub async fn latest_for_person(
        &self,
        person_id: PersonId,
    ) -> Result<HashMap<RequestId, ProposalStatus>> {
        let rows = sqlx::query(
            "SELECT m.request_id, m.status FROM match_proposals m \
             JOIN mentor_requests q ON q.id = m.request_id \
             WHERE q.person_id = $1 ORDER BY m.id",
        )
        .bind(person_id.get())
        .fetch_all(&self.store.pool)
        .await?;
        let mut latest = HashMap::new();
        for row in &rows {
            let request = RequestId::new(row.try_get("request_id")?);
            let status: String = row.try_get("status")?;
            let status = ProposalStatus::parse(&status).ok_or_else(|| {
                StoreError::Corrupt(format!(
                    "proposal status {status:?} is not one Tandem writes"
                ))
            })?;
            latest.insert(request, status);
        }
        Ok(latest)
    }

    /// Requests with a live proposal in a programme: they wait for an
    /// answer and are left out of the next run.
    pub async fn live_requests(&self, programme_id: ProgrammeId) -> Result<Vec<RequestId>> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT request_id FROM match_proposals WHERE programme_id = $1 \
             AND status IN ('awaiting_mentor', 'accepted')",
        )
        .bind(programme_id.get())
        .fetch_all(&self.store.pool)
        .await?;
        Ok(ids.into_iter().map(RequestId::new).collect())
    }

    /// How many live proposals each register entry of a programme holds:
    /// places they take up until answered.
    pub async fn live_per_entry(
        &self,
        programme_id: ProgrammeId,
    ) -> Result<HashMap<MentorEntryId, i64>> {
        let rows = sqlx::query(
            "SELECT mentor_entry_id, COUNT(*) AS live FROM match_proposals WHERE programme_id = $1 \
             AND status IN ('awaiting_mentor', 'accepted') GROUP BY mentor_entry_id",
        )
        .bind(programme_id.get())
        .fetch_all(&self.store.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let entry: i64 = row.try_get("mentor_entry_id")?;
                Ok((MentorEntryId::new(entry), row.try_get("live")?))
            })
            .collect()
    }

    /// Records the mentor's answer; only a proposal still awaiting one can
    /// be answered. Returns whether it was. An acceptance starts the
    /// relationship (LIF-1) in the same transaction, with `data_key` (a new
    /// data key, wrapped by the master key) as its key; a decline stores
    /// no key.
    pub async fn answer(
        &self,
        authority: &ProposalAnswerAuthority,
        answer: &Answer,
        data_key: &str,
    ) -> Result<bool> {
        let id = authority.proposal_id();
        let at = self.store.now();
        let (status, decline_reason, decline_detail) = match answer {
            Answer::Accept => (ProposalStatus::Accepted, None, None),
            Answer::Decline { reason, detail } => (
                ProposalStatus::Declined,
                Some(reason.as_str()),
                Some(detail.as_str()).filter(|d| !d.is_empty()),
            ),
        };
        let mut tx = self.store.write_tx().await?;
        let changed = sqlx::query(
            "UPDATE match_proposals SET status = $1, decline_reason = $2, decline_detail = $3, answered_at = $4 \
             WHERE id = $5 AND status = 'awaiting_mentor'",
        )
        .bind(status.as_str())
        .bind(decline_reason)
        .bind(decline_detail)
        .bind(at)
        .bind(id.get())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Ok(false);
        }
        if status == ProposalStatus::Accepted {
            // A mentor's places hold however many accept at once: the
            // entry is locked (PostgreSQL; SQLite's write transaction
            // already admits one writer), then the accepted proposals
            // counted, this one among them.
            let lock = match self.store.backend {
                Backend::Postgres => " FOR UPDATE OF e",
                Backend::Sqlite => "",
            };
            let capacity: i64 = sqlx::query_scalar(&format!(
                "SELECT e.capacity FROM mentor_entries e \
                 JOIN match_proposals m ON m.mentor_entry_id = e.id WHERE m.id = $1{lock}"
            ))
            .bind(id.get())
            .fetch_one(&mut *tx)
            .await?;
            let accepted: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM match_proposals WHERE status = 'accepted' \
                 AND mentor_entry_id = (SELECT mentor_entry_id FROM match_proposals WHERE id = $1)",
            )
            .bind(id.get())
            .fetch_one(&mut *tx)
            .await?;
            if accepted > capacity {
                return Err(StoreError::Conflict(format!(
                    "The mentor has no free place now: they mentor {capacity} at once. \
                     Decline, or ask the coordinator to change how many they take first."
                )));
            }
            sqlx::query(
                "INSERT INTO relationships (programme_id, proposal_id, request_id, mentor_entry_id, \
                 track, state, data_key, started_at) \
                 SELECT m.programme_id, m.id, m.request_id, m.mentor_entry_id, q.track, $1, $2, $3 \
                 FROM match_proposals m JOIN mentor_requests q ON q.id = m.request_id WHERE m.id = $4",
            )
            .bind(State::Introduced.as_str())
            .bind(data_key)
            .bind(at)
            .bind(id.get())
            .execute(&mut *tx)
            .await?;
        }
        insert_event(
            &mut *tx,
            at,
            authority.actor(),
            if status == ProposalStatus::Accepted {
                AuditAction::ProposalAccepted
            } else {
                AuditAction::ProposalDeclined
            },
            "proposal",
            &id.to_string(),
            decline_reason.unwrap_or(""),
        )
        .await?;
        crate::matching_runs::forget_runs(
            &mut *tx,
            crate::matching_runs::Changed::Proposal(id.get()),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }
}

/// A coordinator's choice of mentor for one request, in force until the
/// proposal is sent.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OverrideRow {
    #[sqlx(try_from = "i64")]
    pub id: OverrideId,
    #[sqlx(try_from = "i64")]
    pub request_id: RequestId,
    #[sqlx(try_from = "i64")]
    pub mentor_entry_id: MentorEntryId,
    pub reason: String,
}

impl Proposals<'_> {
    /// Records an override, replacing any earlier one for the request, in
    /// one transaction with its audit entry.
    pub async fn put_override(
        &self,
        authority: &MatchingAuthority,
        request_id: RequestId,
        mentor_entry_id: MentorEntryId,
        reason: &str,
    ) -> Result<()> {
        let programme_id = authority.programme_id();
        let at = self.store.now();
        let mut tx = self.store.write_tx().await?;
        sqlx::query(
            "UPDATE match_overrides SET in_force = 0 WHERE request_id = $1 AND in_force = 1",
        )
        .bind(request_id.get())
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO match_overrides (programme_id, request_id, mentor_entry_id, reason, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(programme_id.get())
        .bind(request_id.get())
        .bind(mentor_entry_id.get())
        .bind(reason)
        .bind(crate::audit::actor_key(authority.actor()))
        .bind(at)
        .execute(&mut *tx)
        .await?;
        insert_event(
            &mut *tx,
            at,
            authority.actor(),
            AuditAction::MatchingOverridden,
            "request",
            &request_id.to_string(),
            &format!("mentor entry {mentor_entry_id}: {reason}"),
        )
        .await?;
        crate::matching_runs::forget_runs(
            &mut *tx,
            crate::matching_runs::Changed::Programme(programme_id),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The overrides in force for a programme.
    pub async fn overrides(&self, programme_id: ProgrammeId) -> Result<Vec<OverrideRow>> {
        Ok(sqlx::query_as(
            "SELECT id, request_id, mentor_entry_id, reason FROM match_overrides \
             WHERE programme_id = $1 AND in_force = 1 ORDER BY id",
        )
        .bind(programme_id.get())
        .fetch_all(&self.store.pool)
        .await?)
    }
}
