//! Mentoring relationships: the relationship itself, its append-only event
//! record, agreement versions and signatures, meetings and the action plan
//! (LIF-1 to LIF-5, AGR-1 to AGR-5, MTG-1 to MTG-4, PLN-1, PLN-2).
//!
//! The store never sees confidential content in the clear: every `sealed_*`
//! value arrives sealed by the application and leaves the same way. Writes
//! take the authority that allows them, and the relationship's id comes
//! from that authority, so an authority for one relationship cannot write
//! another.

use sqlx::Row;
use tandem_domain::ids::{
    AccountId, MentorEntryId, OrganisationId, PersonId, ProgrammeId, ProposalId, RequestId,
};
use tandem_domain::permissions::relationships::{
    RelationshipContentAuthority, RelationshipPartAuthority, RelationshipScope,
};
use tandem_domain::programme::Party;
use tandem_domain::register::RequestStatus;
use tandem_domain::relationship::{MeetingId, RelationshipId, State};

use crate::audit::actor_key;
use crate::decode::{OptionalKey, Parsed};
use crate::people::reports_cte;
use crate::{Backend, Relationships, Result, StoreError};

/// A relationship with who is in it, as pages and decisions need it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RelationshipRow {
    #[sqlx(try_from = "i64")]
    pub id: RelationshipId,
    #[sqlx(try_from = "i64")]
    pub programme_id: ProgrammeId,
    pub programme_key: String,
    pub programme_name: String,
    #[sqlx(try_from = "i64")]
    pub proposal_id: ProposalId,
    #[sqlx(try_from = "i64")]
    pub request_id: RequestId,
    #[sqlx(try_from = "i64")]
    pub mentor_entry_id: MentorEntryId,
    #[sqlx(try_from = "i64")]
    pub mentee_person_id: PersonId,
    pub mentee_name: String,
    #[sqlx(try_from = "i64")]
    pub mentee_organisation_id: OrganisationId,
    #[sqlx(try_from = "i64")]
    pub mentor_person_id: PersonId,
    pub mentor_name: String,
    #[sqlx(try_from = "i64")]
    pub mentor_organisation_id: OrganisationId,
    pub track: String,
    #[sqlx(try_from = "Parsed<State>")]
    pub state: State,
    pub stage_process: Option<i64>,
    pub stage_cycle: Option<i64>,
    /// The relationship's data key, wrapped by the master key.
    pub data_key: String,
    pub started_at: i64,
    /// The day the agreement came into force (`YYYY-MM-DD`).
    pub agreed_on: Option<String>,
    pub ended_at: Option<i64>,
}

const COLUMNS: &str = "r.id, r.programme_id, g.key AS programme_key, g.name AS programme_name, \
     r.proposal_id, r.request_id, r.mentor_entry_id, \
     q.person_id AS mentee_person_id, mp.given_name || ' ' || mp.family_name AS mentee_name, \
     mp.organisation_id AS mentee_organisation_id, \
     e.person_id AS mentor_person_id, tp.given_name || ' ' || tp.family_name AS mentor_name, \
     tp.organisation_id AS mentor_organisation_id, \
     r.track, r.state, r.stage_process, r.stage_cycle, r.data_key, r.started_at, r.agreed_on, r.ended_at";

const JOINS: &str = "FROM relationships r JOIN programmes g ON g.id = r.programme_id \
     JOIN mentor_requests q ON q.id = r.request_id JOIN people mp ON mp.id = q.person_id \
     JOIN mentor_entries e ON e.id = r.mentor_entry_id JOIN people tp ON tp.id = e.person_id";

/// One entry of a relationship's event record, as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EventRow {
    pub seq: i64,
    pub at: i64,
    #[sqlx(try_from = "OptionalKey")]
    pub actor_account_id: Option<AccountId>,
    #[sqlx(try_from = "Parsed<Party>")]
    pub party: Party,
    #[sqlx(try_from = "Parsed<State>")]
    pub from_state: State,
    #[sqlx(try_from = "Parsed<State>")]
    pub to_state: State,
    /// The event as JSON, without anyone's own words.
    pub event: String,
    /// Their own words, sealed.
    pub sealed_words: Option<String>,
}

/// An event to append, made by the domain's state machine.
#[derive(Debug, Clone)]
pub struct NewEvent<'a> {
    pub at: i64,
    pub party: Party,
    pub from: State,
    pub to: State,
    pub kind: &'a str,
    /// The event as JSON, without anyone's own words.
    pub event: &'a str,
    pub sealed_words: Option<&'a str>,
    /// The day the agreement came into force, when this event agrees it.
    pub agreed_on: Option<&'a str>,
    /// What the end means for the mentee's request, when this event ends it.
    pub request_after: Option<RequestAfter>,
}

/// What happens to the mentee's request when a relationship ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestAfter {
    /// Back to matching, without this mentor (AGR-2, LIF-4).
    BackToMatching,
    /// Closed: the relationship completed or ended for good.
    Closed,
}

/// An agreement version, with its sealed clauses.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AgreementVersionRow {
    pub number: i64,
    #[sqlx(try_from = "Parsed<Party>")]
    pub drafted_by: Party,
    #[sqlx(try_from = "OptionalKey")]
    pub drafted_by_account_id: Option<AccountId>,
    pub at: i64,
    /// The SHA-256 of the version, as hex.
    pub hash: String,
    /// The terms as JSON, in the clear: meeting frequency, lengths, time.
    pub terms: String,
    pub sealed_clauses: String,
}

/// A signature of an agreement version.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SignatureRow {
    pub number: i64,
    #[sqlx(try_from = "Parsed<Party>")]
    pub party: Party,
    #[sqlx(try_from = "OptionalKey")]
    pub account_id: Option<AccountId>,
    pub at: i64,
    pub hash: String,
}

/// A new agreement version.
#[derive(Debug, Clone, Copy)]
pub struct NewVersion<'a> {
    pub number: i64,
    pub drafted_by: Party,
    pub hash: &'a str,
    pub terms: &'a str,
    pub sealed_clauses: &'a str,
}

/// A meeting: its facts in the clear, its record sealed.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MeetingRow {
    #[sqlx(try_from = "i64")]
    pub id: MeetingId,
    pub held_on: String,
    pub minutes: i64,
    pub kind: String,
    pub recorded_at: i64,
    pub sealed_record: Option<String>,
    /// The parties who have agreed the record, comma-separated.
    pub record_agreed_by: String,
}

impl MeetingRow {
    /// The parties who have agreed the record.
    pub fn agreed_by(&self) -> Vec<Party> {
        parties(&self.record_agreed_by)
    }
}

/// Meetings held on one date, for as long and in the same way, whose
/// records stand alike (who has agreed them, whether there is one): not
/// the records. Meetings alike are one row with their number, so the rows
/// grow with the dates of a relationship, not its meetings.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MeetingDateRow {
    pub held_on: String,
    pub minutes: i64,
    pub kind: String,
    /// The parties who have agreed the record, comma-separated.
    pub record_agreed_by: String,
    /// 1 if the meetings have records.
    pub has_record: i64,
    /// How many meetings the row stands for (at least 1).
    pub meetings: i64,
}

impl MeetingDateRow {
    /// The parties who have agreed the record.
    pub fn agreed_by(&self) -> Vec<Party> {
        parties(&self.record_agreed_by)
    }
}

fn parties(listed: &str) -> Vec<Party> {
    listed.split(',').filter_map(Party::parse).collect()
}

/// A meeting to record.
#[derive(Debug, Clone, Copy)]
pub struct NewMeeting<'a> {
    pub held_on: &'a str,
    pub minutes: i64,
    pub kind: &'a str,
    pub sealed_record: Option<&'a str>,
    pub agreed_by: &'a [Party],
}

fn party_list(parties: &[Party]) -> String {
    parties
        .iter()
        .map(|party| party.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// One row of `relationship_meeting_days`: meetings alike on one date.
#[derive(Clone, Copy)]
struct MeetingDay<'a> {
    relationship_id: RelationshipId,
    held_on: &'a str,
    minutes: i64,
    kind: &'a str,
    agreed_by: &'a str,
    has_record: bool,
}

impl<'a> MeetingDay<'a> {
    fn key(&self) -> (&str, i64, &str, &str, bool) {
        (
            self.held_on,
            self.minutes,
            self.kind,
            self.agreed_by,
            self.has_record,
        )
    }

    /// `sql` with this day's key bound to `$1` to `$6`.
    fn bound(
        &self,
        sql: &'a str,
    ) -> sqlx::query::Query<'a, sqlx::Any, sqlx::any::AnyArguments<'a>> {
        sqlx::query(sql)
            .bind(self.relationship_id.get())
            .bind(self.held_on)
            .bind(self.minutes)
            .bind(self.kind)
            .bind(self.agreed_by)
            .bind(i64::from(self.has_record))
    }

    /// One more meeting on this day.
    async fn count(&self, tx: &mut sqlx::Transaction<'static, sqlx::Any>) -> Result<()> {
        self.bound(
            "INSERT INTO relationship_meeting_days (relationship_id, held_on, minutes, kind, \
             record_agreed_by, has_record, meetings) VALUES ($1, $2, $3, $4, $5, $6, 1) \
             ON CONFLICT (relationship_id, held_on, minutes, kind, record_agreed_by, has_record) \
             DO UPDATE SET meetings = relationship_meeting_days.meetings + 1",
        )
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// One meeting fewer on this day: its row goes with its last meeting.
    async fn uncount(&self, tx: &mut sqlx::Transaction<'static, sqlx::Any>) -> Result<()> {
        const WHERE: &str = "WHERE relationship_id = $1 AND held_on = $2 AND minutes = $3 \
             AND kind = $4 AND record_agreed_by = $5 AND has_record = $6";
        let delete = format!("DELETE FROM relationship_meeting_days {WHERE} AND meetings = 1");
        if self
            .bound(&delete)
            .execute(&mut **tx)
            .await?
            .rows_affected()
            == 1
        {
            return Ok(());
        }
        let lower = format!("UPDATE relationship_meeting_days SET meetings = meetings - 1 {WHERE}");
        if self.bound(&lower).execute(&mut **tx).await?.rows_affected() == 1 {
            return Ok(());
        }
        Err(StoreError::Corrupt(
            "a meeting's day was not counted in relationship_meeting_days".into(),
        ))
    }
}

impl Relationships<'_> {
    /// One relationship.
    pub async fn get(&self, id: RelationshipId) -> Result<Option<RelationshipRow>> {
        Ok(
            sqlx::query_as(&format!("SELECT {COLUMNS} {JOINS} WHERE r.id = $1"))
                .bind(id.get())
                .fetch_optional(&self.store.pool)
                .await?,
        )
    }

    /// The relationships a scope lets the caller list, newest first,
    /// optionally in one programme, at most `limit`.
    pub async fn list(
        &self,
        scope: &RelationshipScope,
        programme_id: Option<ProgrammeId>,
        limit: i64,
    ) -> Result<Vec<RelationshipRow>> {
        self.list_page(scope, programme_id, limit, 0).await
    }

    /// One page of [`Relationships::list`]: at most `limit` after the
    /// first `offset`. Nothing is counted: a page asks for one more than
    /// it shows to know whether there is a next.
    pub async fn list_page(
        &self,
        scope: &RelationshipScope,
        programme_id: Option<ProgrammeId>,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<RelationshipRow>> {
        if scope.is_empty() {
            return Ok(Vec::new());
        }
        // Every value here is an integer id from a permission decision, so
        // it is written into the SQL as a number; nothing typed is.
        let mut allowed: Vec<String> = Vec::new();
        let mut with = String::new();
        let people = &scope.people;
        if people.everyone {
            allowed.push("1 = 1".to_owned());
        }
        if !people.organisations.is_empty() {
            let list = numbers(people.organisations.iter().map(|o| o.get()));
            allowed.push(format!(
                "mp.organisation_id IN ({list}) OR tp.organisation_id IN ({list})"
            ));
        }
        for (programme, organisation) in &scope.programme_organisations {
            allowed.push(format!(
                "(r.programme_id = {programme} AND (mp.organisation_id = {organisation} \
                 OR tp.organisation_id = {organisation}))"
            ));
        }
        if let Some(manager) = people.reports_of {
            with = format!("WITH RECURSIVE {} ", reports_cte(&manager.to_string()));
            // As for the person's own below: by the reports' requests and
            // register entries, each found by index, so that SQLite reads
            // only their relationships instead of filtering every one.
            allowed.push(
                "r.request_id IN (SELECT id FROM mentor_requests WHERE person_id IN \
                 (SELECT id FROM reports WHERE depth > 0)) \
                 OR r.mentor_entry_id IN (SELECT id FROM mentor_entries WHERE person_id IN \
                 (SELECT id FROM reports WHERE depth > 0))"
                    .to_owned(),
            );
        }
        if let Some(own) = people.own {
            // By the person's requests and register entries, each found by
            // index, rather than a filter on the joined rows (a scan).
            allowed.push(format!(
                "r.request_id IN (SELECT id FROM mentor_requests WHERE person_id = {own}) \
                 OR r.mentor_entry_id IN (SELECT id FROM mentor_entries WHERE person_id = {own})"
            ));
        }
        let mut filter = format!("({})", allowed.join(" OR "));
        if let Some(programme) = programme_id {
            filter.push_str(&format!(" AND r.programme_id = {programme}"));
        }
        Ok(sqlx::query_as(&format!(
            "{with}SELECT {COLUMNS} {JOINS} WHERE {filter} \
             ORDER BY r.started_at DESC, r.id DESC LIMIT $1 OFFSET $2"
        ))
        .bind(limit.max(0))
        .bind(offset.max(0))
        .fetch_all(&self.store.pool)
        .await?)
    }

    /// The relationship a proposal started, if it has.
    pub async fn of_proposal(&self, proposal_id: ProposalId) -> Result<Option<RelationshipId>> {
        let id: Option<i64> =
            sqlx::query_scalar("SELECT id FROM relationships WHERE proposal_id = $1")
                .bind(proposal_id.get())
                .fetch_optional(&self.store.pool)
                .await?;
        Ok(id.map(RelationshipId::new))
    }

    /// The event record, oldest first.
    pub async fn events(&self, id: RelationshipId) -> Result<Vec<EventRow>> {
        Ok(sqlx::query_as(
            "SELECT seq, at, actor_account_id, party, from_state, to_state, event, sealed_words \
             FROM relationship_events WHERE relationship_id = $1 ORDER BY seq",
        )
        .bind(id.get())
        .fetch_all(&self.store.pool)
        .await?)
    }

    /// Appends an event and moves the relationship to its new state, in
    /// one transaction. If the relationship is no longer in the state the
    /// event starts from (someone else acted first), nothing is written.
    /// An event that ends the relationship frees the mentor's place and
    /// sends the request back to matching or closes it.
    pub async fn append(
        &self,
        authority: &RelationshipPartAuthority,
        event: &NewEvent<'_>,
    ) -> Result<()> {
        let id = authority.relationship_id();
        let mut tx = self.store.write_tx().await?;
        let moved = sqlx::query(
            "UPDATE relationships SET state = $1, agreed_on = COALESCE($2, agreed_on), \
             ended_at = $3 WHERE id = $4 AND state = $5",
        )
        .bind(event.to.as_str())
        .bind(event.agreed_on)
        .bind(event.to.is_ended().then_some(event.at))
        .bind(id.get())
        .bind(event.from.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if moved == 0 {
            return Err(StoreError::Conflict(
                "Someone else changed this relationship just now. Look at it again before you try once more."
                    .to_owned(),
            ));
        }
        let seq: i64 = sqlx::query_scalar(
            "SELECT COALESCE(MAX(seq), 0) + 1 FROM relationship_events WHERE relationship_id = $1",
        )
        .bind(id.get())
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO relationship_events (relationship_id, seq, at, actor_account_id, party, \
             from_state, to_state, kind, event, sealed_words) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(id.get())
        .bind(seq)
        .bind(event.at)
        .bind(actor_key(authority.actor()))
        .bind(event.party.as_str())
        .bind(event.from.as_str())
        .bind(event.to.as_str())
        .bind(event.kind)
        .bind(event.event)
        .bind(event.sealed_words)
        .execute(&mut *tx)
        .await?;
        if let Some(after) = event.request_after {
            // The proposal is no longer live: the mentor's place is free
            // (LIF-3), and the request is not "matched" any more.
            sqlx::query(
                "UPDATE match_proposals SET status = 'ended' \
                 WHERE id = (SELECT proposal_id FROM relationships WHERE id = $1)",
            )
            .bind(id.get())
            .execute(&mut *tx)
            .await?;
            if after == RequestAfter::Closed {
                sqlx::query(
                    "UPDATE mentor_requests SET status = $1 \
                     WHERE id = (SELECT request_id FROM relationships WHERE id = $2)",
                )
                .bind(RequestStatus::Closed.as_str())
                .bind(id.get())
                .execute(&mut *tx)
                .await?;
            }
        }
        crate::matching_runs::forget_runs(
            &mut *tx,
            crate::matching_runs::Changed::Relationship(id.get()),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sets the stage the pair say they are at (LIF-5).
    pub async fn set_stage(
        &self,
        authority: &RelationshipContentAuthority,
        process: Option<i64>,
        cycle: Option<i64>,
    ) -> Result<()> {
        sqlx::query("UPDATE relationships SET stage_process = $1, stage_cycle = $2 WHERE id = $3")
            .bind(process)
            .bind(cycle)
            .bind(authority.relationship_id().get())
            .execute(&self.store.pool)
            .await?;
        Ok(())
    }

    /// Every agreement version, oldest first.
    pub async fn agreement_versions(&self, id: RelationshipId) -> Result<Vec<AgreementVersionRow>> {
        Ok(sqlx::query_as(
            "SELECT number, drafted_by, drafted_by_account_id, at, hash, terms, sealed_clauses \
             FROM agreement_versions WHERE relationship_id = $1 ORDER BY number",
        )
        .bind(id.get())
        .fetch_all(&self.store.pool)
        .await?)
    }

    /// Every signature of every version.
    pub async fn signatures(&self, id: RelationshipId) -> Result<Vec<SignatureRow>> {
        Ok(sqlx::query_as(
            "SELECT v.number, s.party, s.account_id, s.at, s.hash FROM agreement_signatures s \
             JOIN agreement_versions v ON v.id = s.version_id WHERE v.relationship_id = $1 \
             ORDER BY v.number, s.at, s.id",
        )
        .bind(id.get())
        .fetch_all(&self.store.pool)
        .await?)
    }

    /// Adds a version. Its number must be the next one: if someone else
    /// saved a version meanwhile, nothing is written.
    pub async fn add_version(
        &self,
        authority: &RelationshipContentAuthority,
        version: &NewVersion<'_>,
    ) -> Result<()> {
        let id = authority.relationship_id();
        let mut tx = self.store.write_tx().await?;
        let next: i64 = sqlx::query_scalar(
            "SELECT COALESCE(MAX(number), 0) + 1 FROM agreement_versions WHERE relationship_id = $1",
        )
        .bind(id.get())
        .fetch_one(&mut *tx)
        .await?;
        if next != version.number {
            return Err(changed_meanwhile("agreement"));
        }
        let inserted = sqlx::query(
            "INSERT INTO agreement_versions (relationship_id, number, drafted_by, drafted_by_account_id, \
             at, hash, terms, sealed_clauses) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id.get())
        .bind(version.number)
        .bind(version.drafted_by.as_str())
        .bind(actor_key(authority.actor()))
        .bind(self.store.now())
        .bind(version.hash)
        .bind(version.terms)
        .bind(version.sealed_clauses)
        .execute(&mut *tx)
        .await;
        match inserted {
            Ok(_) => {}
            Err(error) if is_unique_violation(&error) => {
                return Err(changed_meanwhile("agreement"));
            }
            Err(error) => return Err(error.into()),
        }
        tx.commit().await?;
        Ok(())
    }

    /// Signs the current version, if it is still `number` with `hash`.
    pub async fn sign(
        &self,
        authority: &RelationshipPartAuthority,
        number: i64,
        hash: &str,
    ) -> Result<()> {
        let id = authority.relationship_id();
        let mut tx = self.store.write_tx().await?;
        let current = sqlx::query(
            "SELECT id, number, hash FROM agreement_versions WHERE relationship_id = $1 \
             ORDER BY number DESC LIMIT 1",
        )
        .bind(id.get())
        .fetch_optional(&mut *tx)
        .await?;
        let Some(current) = current else {
            return Err(changed_meanwhile("agreement"));
        };
        let version_id: i64 = current.try_get("id")?;
        let current_number: i64 = current.try_get("number")?;
        let current_hash: String = current.try_get("hash")?;
        if current_number != number || current_hash != hash {
            return Err(changed_meanwhile("agreement"));
        }
        let inserted = sqlx::query(
            "INSERT INTO agreement_signatures (version_id, party, account_id, at, hash) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(version_id)
        .bind(authority.party().as_str())
        .bind(actor_key(authority.actor()))
        .bind(self.store.now())
        .bind(hash)
        .execute(&mut *tx)
        .await;
        match inserted {
            Ok(_) => {}
            Err(error) if is_unique_violation(&error) => {
                return Err(StoreError::Conflict(
                    "This version has already been signed in that part.".to_owned(),
                ));
            }
            Err(error) => return Err(error.into()),
        }
        tx.commit().await?;
        Ok(())
    }

    /// The latest meetings, latest first: every one with `latest` `None`.
    pub async fn meetings(
        &self,
        id: RelationshipId,
        latest: Option<u32>,
    ) -> Result<Vec<MeetingRow>> {
        Ok(sqlx::query_as(
            "SELECT id, held_on, minutes, kind, recorded_at, sealed_record, record_agreed_by \
             FROM relationship_meetings WHERE relationship_id = $1 ORDER BY held_on DESC, id DESC \
             LIMIT $2",
        )
        .bind(id.get())
        .bind(latest.map_or(i64::MAX, i64::from))
        .fetch_all(&self.store.pool)
        .await?)
    }

    /// One meeting of a relationship.
    pub async fn meeting(
        &self,
        id: RelationshipId,
        meeting: MeetingId,
    ) -> Result<Option<MeetingRow>> {
        Ok(sqlx::query_as(
            "SELECT id, held_on, minutes, kind, recorded_at, sealed_record, record_agreed_by \
             FROM relationship_meetings WHERE relationship_id = $1 AND id = $2",
        )
        .bind(id.get())
        .bind(meeting.get())
        .fetch_optional(&self.store.pool)
        .await?)
    }

    /// When the meetings were held, how long and how, latest first, alike
    /// meetings counted in one row: what compliance and the counts need,
    /// without the sealed records.
    pub async fn meeting_dates(&self, id: RelationshipId) -> Result<Vec<MeetingDateRow>> {
        Ok(sqlx::query_as(
            "SELECT held_on, minutes, kind, record_agreed_by, has_record, meetings \
             FROM relationship_meeting_days WHERE relationship_id = $1 \
             ORDER BY held_on DESC, minutes, kind, record_agreed_by, has_record",
        )
        .bind(id.get())
        .fetch_all(&self.store.pool)
        .await?)
    }

    /// Records a meeting; returns its id.
    pub async fn add_meeting(
        &self,
        authority: &RelationshipContentAuthority,
        meeting: &NewMeeting<'_>,
    ) -> Result<MeetingId> {
        let ids = self
            .add_meetings(authority, std::slice::from_ref(meeting))
            .await?;
        ids.first().copied().ok_or_else(|| {
            StoreError::Corrupt("the database gave no id for a meeting it recorded".into())
        })
    }

    /// Records several meetings of one relationship in one transaction
    /// (all or none); returns their ids in order.
    pub async fn add_meetings(
        &self,
        authority: &RelationshipContentAuthority,
        meetings: &[NewMeeting<'_>],
    ) -> Result<Vec<MeetingId>> {
        let mut tx = self.store.write_tx().await?;
        let mut ids = Vec::with_capacity(meetings.len());
        let now = self.store.now();
        for meeting in meetings {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO relationship_meetings (relationship_id, held_on, minutes, kind, \
                 recorded_by_account_id, recorded_at, sealed_record, record_agreed_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(authority.relationship_id().get())
            .bind(meeting.held_on)
            .bind(meeting.minutes)
            .bind(meeting.kind)
            .bind(actor_key(authority.actor()))
            .bind(now)
            .bind(meeting.sealed_record)
            .bind(party_list(meeting.agreed_by))
            .fetch_one(&mut *tx)
            .await?;
            ids.push(MeetingId::new(id));
            let day = MeetingDay {
                relationship_id: authority.relationship_id(),
                held_on: meeting.held_on,
                minutes: meeting.minutes,
                kind: meeting.kind,
                agreed_by: &party_list(meeting.agreed_by),
                has_record: meeting.sealed_record.is_some(),
            };
            day.count(&mut tx).await?;
        }
        tx.commit().await?;
        Ok(ids)
    }

    /// Replaces a meeting's record and who has agreed it, if it still has
    /// the agreements the caller read (so two people agreeing at once both count).
    pub async fn update_record(
        &self,
        authority: &RelationshipContentAuthority,
        meeting_id: MeetingId,
        sealed_record: &str,
        agreed_before: &[Party],
        agreed_by: &[Party],
    ) -> Result<()> {
        let mut tx = self.store.write_tx().await?;
        // The meeting's row is held until commit (SQLite's write
        // transaction holds the database), so its day is counted from what
        // it was.
        let lock = match self.store.backend() {
            Backend::Postgres => " FOR UPDATE",
            Backend::Sqlite => "",
        };
        let found: Option<(String, i64, String, String, i64)> = sqlx::query_as(&format!(
            "SELECT held_on, minutes, kind, record_agreed_by, \
             CASE WHEN sealed_record IS NULL THEN 0 ELSE 1 END \
             FROM relationship_meetings WHERE id = $1 AND relationship_id = $2{lock}"
        ))
        .bind(meeting_id.get())
        .bind(authority.relationship_id().get())
        .fetch_optional(&mut *tx)
        .await?;
        let before = party_list(agreed_before);
        let Some((held_on, minutes, kind, agreed, has_record)) = found else {
            return Err(changed_meanwhile("meeting record"));
        };
        if agreed != before {
            return Err(changed_meanwhile("meeting record"));
        }
        sqlx::query(
            "UPDATE relationship_meetings SET sealed_record = $1, record_agreed_by = $2 \
             WHERE id = $3 AND relationship_id = $4",
        )
        .bind(sealed_record)
        .bind(party_list(agreed_by))
        .bind(meeting_id.get())
        .bind(authority.relationship_id().get())
        .execute(&mut *tx)
        .await?;
        let after = party_list(agreed_by);
        let was = MeetingDay {
            relationship_id: authority.relationship_id(),
            held_on: &held_on,
            minutes,
            kind: &kind,
            agreed_by: &before,
            has_record: has_record != 0,
        };
        let now = MeetingDay {
            agreed_by: &after,
            has_record: true,
            ..was
        };
        // Two days' rows in one order whichever way a record moves, so
        // that two records moving opposite ways cannot wait on each other.
        if was.key() <= now.key() {
            was.uncount(&mut tx).await?;
            now.count(&mut tx).await?;
        } else {
            now.count(&mut tx).await?;
            was.uncount(&mut tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The sealed action plan, if there is one.
    pub async fn plan(&self, id: RelationshipId) -> Result<Option<String>> {
        Ok(sqlx::query_scalar(
            "SELECT sealed_plan FROM relationship_plans WHERE relationship_id = $1",
        )
        .bind(id.get())
        .fetch_optional(&self.store.pool)
        .await?)
    }

    /// Saves the action plan (PLN-1).
    pub async fn put_plan(
        &self,
        authority: &RelationshipContentAuthority,
        sealed_plan: &str,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO relationship_plans (relationship_id, sealed_plan, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (relationship_id) DO UPDATE SET sealed_plan = excluded.sealed_plan, \
             updated_at = excluded.updated_at",
        )
        .bind(authority.relationship_id().get())
        .bind(sealed_plan)
        .bind(self.store.now())
        .execute(&self.store.pool)
        .await?;
        Ok(())
    }

    /// Pairs (request, register entry) that must not be proposed again: the
    /// mentor declined (MAT-5) or a relationship between them ended (AGR-2,
    /// LIF-4).
    pub async fn excluded_pairs(
        &self,
        programme_id: ProgrammeId,
    ) -> Result<Vec<(RequestId, MentorEntryId)>> {
        let rows = sqlx::query(
            "SELECT request_id, mentor_entry_id FROM match_proposals \
             WHERE programme_id = $1 AND status IN ('declined', 'ended')",
        )
        .bind(programme_id.get())
        .fetch_all(&self.store.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok((
                    RequestId::new(row.try_get("request_id")?),
                    MentorEntryId::new(row.try_get("mentor_entry_id")?),
                ))
            })
            .collect()
    }
}

impl Relationships<'_> {
    /// (mentee, register entry) pairs whose relationship has ended, over
    /// all of a programme's requests: where the programme does not link a
    /// mentee with a former mentor again (every seed scheme but AFC), a
    /// later request is not proposed to them (MAT-5).
    pub async fn former_pairs(
        &self,
        programme_id: ProgrammeId,
    ) -> Result<Vec<(PersonId, MentorEntryId)>> {
        let rows = sqlx::query(
            "SELECT DISTINCT q.person_id, m.mentor_entry_id FROM match_proposals m \
             JOIN mentor_requests q ON q.id = m.request_id \
             WHERE m.programme_id = $1 AND m.status = 'ended'",
        )
        .bind(programme_id.get())
        .fetch_all(&self.store.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok((
                    PersonId::new(row.try_get("person_id")?),
                    MentorEntryId::new(row.try_get("mentor_entry_id")?),
                ))
            })
            .collect()
    }
}

/// Whether a statement failed on a unique index: someone else wrote first.
fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(db) if db.is_unique_violation())
}

fn changed_meanwhile(what: &str) -> StoreError {
    StoreError::Conflict(format!(
        "Someone else changed the {what} just now. Look at it again before you try once more."
    ))
}

fn numbers(ids: impl Iterator<Item = i64>) -> String {
    ids.map(|id| id.to_string()).collect::<Vec<_>>().join(", ")
}

/// One completion item: an answered section, a signature, or the closing
/// supervision (LIF-3).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CompletionRow {
    pub item: String,
    #[sqlx(try_from = "Parsed<Party>")]
    pub party: Party,
    pub at: i64,
    pub sealed_answer: Option<String>,
}

/// The introductory meeting as arranged (AGR-1).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct IntroductionRow {
    /// `YYYY-MM-DDTHH:MM`, local time as typed.
    pub meets_at: String,
    pub minutes: i64,
    pub place: String,
    /// The parties attending, comma-separated.
    pub attending: String,
    #[sqlx(try_from = "Parsed<Party>")]
    pub arranged_by: Party,
}

impl IntroductionRow {
    /// The parties attending.
    pub fn attending(&self) -> Vec<Party> {
        self.attending.split(',').filter_map(Party::parse).collect()
    }
}

/// An introductory meeting to arrange.
#[derive(Debug, Clone, Copy)]
pub struct NewIntroduction<'a> {
    pub meets_at: &'a str,
    pub minutes: i64,
    pub place: &'a str,
    pub attending: &'a [Party],
}

impl Relationships<'_> {
    /// Replaces the current version while nobody has signed it (AGR-4: a
    /// change before any signature is a redraft, not a new version).
    pub async fn redraft_version(
        &self,
        authority: &RelationshipContentAuthority,
        version: &NewVersion<'_>,
    ) -> Result<()> {
        let id = authority.relationship_id();
        let changed = sqlx::query(
            "UPDATE agreement_versions SET drafted_by = $1, drafted_by_account_id = $2, at = $3, \
             hash = $4, terms = $5, sealed_clauses = $6 \
             WHERE relationship_id = $7 AND number = $8 \
             AND number = (SELECT MAX(number) FROM agreement_versions WHERE relationship_id = $7) \
             AND NOT EXISTS (SELECT 1 FROM agreement_signatures s WHERE s.version_id = agreement_versions.id)",
        )
        .bind(version.drafted_by.as_str())
        .bind(actor_key(authority.actor()))
        .bind(self.store.now())
        .bind(version.hash)
        .bind(version.terms)
        .bind(version.sealed_clauses)
        .bind(id.get())
        .bind(version.number)
        .execute(&self.store.pool)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(changed_meanwhile("agreement"));
        }
        Ok(())
    }

    /// Every completion item recorded.
    pub async fn completion(&self, id: RelationshipId) -> Result<Vec<CompletionRow>> {
        Ok(sqlx::query_as(
            "SELECT item, party, at, sealed_answer FROM relationship_completion \
             WHERE relationship_id = $1 ORDER BY id",
        )
        .bind(id.get())
        .fetch_all(&self.store.pool)
        .await?)
    }

    /// Records a completion item once; recording it again is a conflict.
    pub async fn add_completion(
        &self,
        authority: &RelationshipPartAuthority,
        item: &str,
        sealed_answer: Option<&str>,
    ) -> Result<()> {
        let inserted = sqlx::query(
            "INSERT INTO relationship_completion (relationship_id, item, party, account_id, at, sealed_answer) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(authority.relationship_id().get())
        .bind(item)
        .bind(authority.party().as_str())
        .bind(actor_key(authority.actor()))
        .bind(self.store.now())
        .bind(sealed_answer)
        .execute(&self.store.pool)
        .await;
        match inserted {
            Ok(_) => Ok(()),
            Err(error) if is_unique_violation(&error) => Err(StoreError::Conflict(
                "This has already been recorded.".to_owned(),
            )),
            Err(error) => Err(error.into()),
        }
    }

    /// The introductory meeting, if it has been arranged.
    pub async fn introduction(&self, id: RelationshipId) -> Result<Option<IntroductionRow>> {
        Ok(sqlx::query_as(
            "SELECT meets_at, minutes, place, attending, arranged_by FROM relationship_introductions \
             WHERE relationship_id = $1",
        )
        .bind(id.get())
        .fetch_optional(&self.store.pool)
        .await?)
    }

    /// Arranges (or re-arranges) the introductory meeting (AGR-1).
    pub async fn arrange_introduction(
        &self,
        authority: &RelationshipPartAuthority,
        introduction: &NewIntroduction<'_>,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO relationship_introductions (relationship_id, meets_at, minutes, place, attending, \
             arranged_by, arranged_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (relationship_id) DO UPDATE SET meets_at = excluded.meets_at, \
             minutes = excluded.minutes, place = excluded.place, attending = excluded.attending, \
             arranged_by = excluded.arranged_by, arranged_at = excluded.arranged_at",
        )
        .bind(authority.relationship_id().get())
        .bind(introduction.meets_at)
        .bind(introduction.minutes)
        .bind(introduction.place)
        .bind(party_list(introduction.attending))
        .bind(authority.party().as_str())
        .bind(self.store.now())
        .execute(&self.store.pool)
        .await?;
        Ok(())
    }
}

/// A cancelled meeting (MTG-4).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CancellationRow {
    /// When the meeting was to start, in Unix seconds.
    pub meeting_at: i64,
    /// When it was cancelled, in Unix seconds.
    pub cancelled_at: i64,
    /// `YYYY-MM-DD`, if a new date was arranged.
    pub new_date: Option<String>,
    #[sqlx(try_from = "Parsed<Party>")]
    pub cancelled_by: Party,
}

impl Relationships<'_> {
    /// The cancelled meetings, latest first.
    pub async fn cancellations(&self, id: RelationshipId) -> Result<Vec<CancellationRow>> {
        Ok(sqlx::query_as(
            "SELECT meeting_at, cancelled_at, new_date, cancelled_by FROM relationship_cancellations \
             WHERE relationship_id = $1 ORDER BY meeting_at DESC, id DESC",
        )
        .bind(id.get())
        .fetch_all(&self.store.pool)
        .await?)
    }

    /// Records a cancelled meeting, cancelled now.
    pub async fn add_cancellation(
        &self,
        authority: &RelationshipContentAuthority,
        meeting_at: i64,
        new_date: Option<&str>,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO relationship_cancellations (relationship_id, meeting_at, cancelled_at, \
             new_date, cancelled_by) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(authority.relationship_id().get())
        .bind(meeting_at)
        .bind(self.store.now())
        .bind(new_date)
        .bind(authority.party().as_str())
        .execute(&self.store.pool)
        .await?;
        Ok(())
    }
}
