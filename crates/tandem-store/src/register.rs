//! The mentor register (REG-1 to REG-5), mentor requests and screening
//! (REQ-1, REQ-3 to REQ-5) and self-assessments (REQ-2).
//!
//! Each write is one transaction with its audit event. A person has at
//! most one open request per programme: the write checks inside its
//! transaction, and a partial unique index refuses a second one should two
//! writes race.

use tandem_domain::audit::AuditAction;
use tandem_domain::ids::{MentorEntryId, OrganisationId, PersonId, ProgrammeId, RequestId};
use tandem_domain::permissions::{
    ConsultationAuthority, RegisterAuthority, RegisterScope, RequestAuthority, ScreeningAuthority,
    SelfAssessmentAuthority, WithdrawalAuthority,
};
use tandem_domain::register::{
    Availability, Consultation, MentorProfile, MentorRequest, Phase, ProfileField, Recruited,
    RequestSource, RequestStatus, ScreeningDecision,
};

use crate::decode::IntFlag;
use crate::people::{SUMMARY_COLUMNS, SUMMARY_JOINS};
use crate::{PersonSummary, Register, Requests, Result, StoreError, insert_event};

/// One entry on a programme's mentor register, with what it needs from
/// the person (organisation, jurisdiction, region, carer level).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MentorEntryRow {
    #[sqlx(try_from = "i64")]
    pub id: MentorEntryId,
    #[sqlx(try_from = "i64")]
    pub programme_id: ProgrammeId,
    #[sqlx(try_from = "i64")]
    pub person_id: PersonId,
    pub given_name: String,
    pub family_name: String,
    #[sqlx(try_from = "i64")]
    pub organisation_id: OrganisationId,
    pub organisation: String,
    pub jurisdiction: String,
    pub region: Option<String>,
    pub team: Option<String>,
    pub carer_level: Option<i64>,
    /// How the person works for their organisation, as stored
    /// (`EmploymentType::as_str`).
    pub employment_type: String,
    #[sqlx(try_from = "crate::decode::Parsed<Recruited>")]
    pub recruited: Recruited,
    pub experience: String,
    pub experience_months: Option<i64>,
    pub interests: String,
    pub expertise: String,
    pub style: String,
    pub languages: String,
    pub location: String,
    pub special_interests: String,
    #[sqlx(try_from = "IntFlag")]
    pub training_completed: bool,
    #[sqlx(try_from = "IntFlag")]
    pub experience_shown_by_appraisal: bool,
    pub published: String,
    pub capacity: i64,
    pub availability: String,
    pub paused_until: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl MentorEntryRow {
    /// Whether the mentor can take someone on, from the stored status and
    /// date (an unknown status reads as full: a damaged row never offers a
    /// mentor).
    pub fn availability(&self) -> Availability {
        Availability::from_stored(&self.availability, self.paused_until.as_deref())
    }

    pub fn published(&self) -> Vec<ProfileField> {
        ProfileField::parse_list(&self.published)
    }
}

const ENTRY_COLUMNS: &str = "e.id, e.programme_id, e.person_id, p.given_name, p.family_name, \
     p.organisation_id, o.name AS organisation, o.jurisdiction, r.name AS region, t.name AS team, \
     p.carer_level, p.employment_type, e.recruited, e.experience, e.experience_months, e.interests, e.expertise, e.style, \
     e.languages, e.location, e.special_interests, e.training_completed, e.experience_shown_by_appraisal, \
     e.published, e.capacity, e.availability, e.paused_until, e.created_at, e.updated_at";

const ENTRY_JOINS: &str = "FROM mentor_entries e JOIN people p ON p.id = e.person_id \
     JOIN organisations o ON o.id = p.organisation_id \
     LEFT JOIN regions r ON r.id = p.region_id LEFT JOIN teams t ON t.id = p.team_id";

/// Filters on a register listing (REG-4); each is optional. Text filters
/// match part of the field, ignoring case.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegisterFilter {
    pub organisation_id: Option<OrganisationId>,
    pub region: Option<String>,
    pub expertise: Option<String>,
    pub language: Option<String>,
    /// available, paused or full.
    pub availability: Option<String>,
    /// Part of the mentor's name.
    pub name: Option<String>,
}

/// What waits in a programme for those who screen and match
/// ([`Requests::work_counts`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct ProgrammeWork {
    pub awaiting: i64,
    pub waiting_for_match: i64,
    pub proposals_awaiting: i64,
    pub accepted_lately: i64,
    pub declined_lately: i64,
}

/// A mentor request with who it is for and which programme.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RequestRow {
    #[sqlx(try_from = "i64")]
    pub id: RequestId,
    #[sqlx(try_from = "i64")]
    pub programme_id: ProgrammeId,
    pub programme_name: String,
    #[sqlx(try_from = "i64")]
    pub person_id: PersonId,
    pub given_name: String,
    pub family_name: String,
    #[sqlx(try_from = "i64")]
    pub organisation_id: OrganisationId,
    pub organisation: String,
    pub team: Option<String>,
    pub job_title: String,
    pub start_date: Option<String>,
    pub track: String,
    #[sqlx(try_from = "crate::decode::Parsed<RequestSource>")]
    pub source: RequestSource,
    #[sqlx(try_from = "crate::decode::Parsed<RequestStatus>")]
    pub status: RequestStatus,
    pub goals: String,
    pub help_needed: String,
    pub preferred_style: String,
    pub meeting_frequency: String,
    pub relationship_length: String,
    pub meeting_location: String,
    #[sqlx(try_from = "IntFlag")]
    pub other_team: bool,
    #[sqlx(try_from = "IntFlag")]
    pub other_region: bool,
    #[sqlx(try_from = "IntFlag")]
    pub other_organisation: bool,
    #[sqlx(try_from = "IntFlag")]
    pub other_jurisdiction: bool,
    pub language: String,
    pub gender: String,
    pub culture: String,
    pub race: String,
    pub religion: String,
    pub sexuality: String,
    /// Where the mentee is based.
    pub location: String,
    /// What the mentee asks that a particular mentor may offer.
    pub specific_requests: String,
    /// The mentee is from a minority or professionally isolated in their
    /// own team.
    #[sqlx(try_from = "IntFlag")]
    pub isolated: bool,
    #[sqlx(try_from = "crate::decode::OptionalKey")]
    pub named_mentor_id: Option<MentorEntryId>,
    #[sqlx(try_from = "crate::decode::Parsed<Consultation>")]
    pub consultation: Consultation,
    /// The line manager's words with their answer: for the coordinator,
    /// never the mentee.
    pub consultation_note: String,
    pub rejection_reason: Option<String>,
    pub rejection_detail: Option<String>,
    pub created_at: i64,
    pub screened_at: Option<i64>,
}

const REQUEST_COLUMNS: &str = "q.id, q.programme_id, g.name AS programme_name, q.person_id, p.given_name, \
     p.family_name, p.organisation_id, o.name AS organisation, t.name AS team, p.job_title, p.start_date, \
     q.track, q.source, q.status, q.goals, q.help_needed, q.preferred_style, q.meeting_frequency, \
     q.relationship_length, q.meeting_location, q.other_team, q.other_region, q.other_organisation, \
     q.other_jurisdiction, q.language, q.gender, q.culture, q.race, q.religion, q.sexuality, q.location, \
     q.specific_requests, q.isolated, \
     q.named_mentor_id, q.consultation, \
     q.consultation_note, q.rejection_reason, q.rejection_detail, q.created_at, q.screened_at";

const REQUEST_JOINS: &str = "FROM mentor_requests q JOIN people p ON p.id = q.person_id \
     JOIN organisations o ON o.id = p.organisation_id JOIN programmes g ON g.id = q.programme_id \
     LEFT JOIN teams t ON t.id = p.team_id";

/// A request none of whose proposals waits for an answer or was accepted:
/// the mark the triggers of migration 18 keep with every proposal write.
const WITHOUT_LIVE_PROPOSAL: &str = " AND q.live_proposal = 0";

/// ` AND p.organisation_id IN ($3, …)` for a list of organisations (their
/// ids bound from the third parameter on); nothing for `None`, everyone.
fn organisation_filter(organisations: Option<&[OrganisationId]>) -> String {
    match organisations {
        None => String::new(),
        Some(ids) => {
            let placeholders: Vec<String> = (0..ids.len()).map(|i| format!("${}", i + 3)).collect();
            format!(" AND p.organisation_id IN ({})", placeholders.join(", "))
        }
    }
}

/// A new request: what was asked, how it came about, and whether the line
/// manager is to be consulted.
#[derive(Debug, Clone, Copy)]
pub struct NewRequest<'a> {
    pub request: &'a MentorRequest,
    pub source: RequestSource,
    pub consultation: Consultation,
}

/// A person whom automatic enrolment (REQ-4) considers.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EnrolmentCandidate {
    #[sqlx(try_from = "i64")]
    pub id: PersonId,
    #[sqlx(try_from = "i64")]
    pub organisation_id: OrganisationId,
    pub start_date: Option<String>,
    pub approval_date: Option<String>,
    pub employment_type: String,
}

fn flag(value: bool) -> i64 {
    i64::from(value)
}

fn open_statuses() -> String {
    RequestStatus::OPEN
        .iter()
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(e) if e.is_unique_violation())
}

impl Register<'_> {
    /// Adds a person to a programme's register, or changes their entry:
    /// one entry per person per programme. How they were recruited is kept
    /// from the first write.
    pub async fn put(
        &self,
        authority: &RegisterAuthority,
        profile: &MentorProfile,
    ) -> Result<MentorEntryId> {
        let (programme_id, person_id) = (authority.programme_id(), authority.person_id());
        let recruited = if authority.identified() {
            Recruited::Identified
        } else {
            Recruited::Volunteered
        };
        let at = self.store.now();
        let mut tx = self.store.write_tx().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO mentor_entries (programme_id, person_id, recruited, experience, experience_months, \
             interests, expertise, style, languages, location, special_interests, training_completed, \
             experience_shown_by_appraisal, published, capacity, availability, paused_until, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18) \
             ON CONFLICT (programme_id, person_id) DO UPDATE SET experience = excluded.experience, \
             experience_months = excluded.experience_months, interests = excluded.interests, \
             expertise = excluded.expertise, style = excluded.style, languages = excluded.languages, \
             location = excluded.location, special_interests = excluded.special_interests, \
             training_completed = excluded.training_completed, \
             experience_shown_by_appraisal = excluded.experience_shown_by_appraisal, \
             published = excluded.published, capacity = excluded.capacity, \
             availability = excluded.availability, paused_until = excluded.paused_until, \
             updated_at = excluded.updated_at RETURNING id",
        )
        .bind(programme_id.get())
        .bind(person_id.get())
        .bind(recruited.as_str())
        .bind(&profile.experience)
        .bind(profile.experience_months.map(|m| i64::from(m.get())))
        .bind(&profile.interests)
        .bind(&profile.expertise)
        .bind(&profile.style)
        .bind(&profile.languages)
        .bind(&profile.location)
        .bind(&profile.special_interests)
        .bind(flag(profile.training_completed))
        .bind(flag(profile.experience_shown_by_appraisal))
        .bind(ProfileField::join(&profile.published))
        .bind(i64::from(profile.capacity))
        .bind(profile.availability.as_str())
        .bind(profile.availability.until_text())
        .bind(at)
        .fetch_one(&mut *tx)
        .await?;
        insert_event(
            &mut *tx,
            at,
            authority.actor(),
            AuditAction::RegisterEntrySaved,
            "mentor_entry",
            &id.to_string(),
            &format!("programme {programme_id}, person {person_id}"),
        )
        .await?;
        crate::matching_runs::forget_runs(
            &mut *tx,
            crate::matching_runs::Changed::Programme(programme_id),
        )
        .await?;
        tx.commit().await?;
        Ok(MentorEntryId::new(id))
    }

    pub async fn get(&self, id: MentorEntryId) -> Result<Option<MentorEntryRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {ENTRY_COLUMNS} {ENTRY_JOINS} WHERE e.id = $1"
        ))
        .bind(id.get())
        .fetch_optional(&self.store.pool)
        .await?)
    }

    pub async fn for_person(
        &self,
        programme_id: ProgrammeId,
        person_id: PersonId,
    ) -> Result<Option<MentorEntryRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {ENTRY_COLUMNS} {ENTRY_JOINS} WHERE e.programme_id = $1 AND e.person_id = $2"
        ))
        .bind(programme_id.get())
        .bind(person_id.get())
        .fetch_optional(&self.store.pool)
        .await?)
    }

    /// A programme's register, filtered, by name. The caller decides which
    /// entries, and how much of each, the reader sees.
    pub async fn list(
        &self,
        programme_id: ProgrammeId,
        filter: &RegisterFilter,
    ) -> Result<Vec<MentorEntryRow>> {
        let everyone = RegisterScope {
            everyone: true,
            ..RegisterScope::default()
        };
        Ok(self.entries(programme_id, filter, &everyone, None).await?.0)
    }

    /// One page of the entries `scope` lets the caller see, filtered, in
    /// name order: at most `limit` after the first `offset`, and how many
    /// there are in all. An entry seen only as published (a mentee
    /// browsing) is left out when the filter is on a field it does not
    /// publish, so that filtering cannot reveal it. Only the page's rows
    /// are read out.
    pub async fn list_page(
        &self,
        programme_id: ProgrammeId,
        filter: &RegisterFilter,
        scope: &RegisterScope,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<MentorEntryRow>, i64)> {
        let (rows, total) = self
            .entries(programme_id, filter, scope, Some((limit, offset)))
            .await?;
        Ok((rows, total.unwrap_or_default()))
    }

    /// The entries `scope` shows that match `filter`, in name order: one
    /// page with their total when `page` is `(limit, offset)`, else all of
    /// them and no count.
    async fn entries(
        &self,
        programme_id: ProgrammeId,
        filter: &RegisterFilter,
        scope: &RegisterScope,
        page: Option<(i64, i64)>,
    ) -> Result<(Vec<MentorEntryRow>, Option<i64>)> {
        if scope.is_empty() {
            return Ok((Vec::new(), page.map(|_| 0)));
        }
        // Ids from a permission decision, written into the SQL as numbers.
        let mut full: Vec<String> = Vec::new();
        if scope.everyone {
            full.push("1 = 1".to_owned());
        }
        if !scope.organisations.is_empty() {
            let list: Vec<String> = scope
                .organisations
                .iter()
                .map(|o| o.get().to_string())
                .collect();
            full.push(format!("p.organisation_id IN ({})", list.join(", ")));
        }
        if let Some(own) = scope.own {
            full.push(format!("e.person_id = {}", own.get()));
        }
        let full = if full.is_empty() {
            "1 = 0".to_owned()
        } else {
            full.join(" OR ")
        };
        let text = |v: &Option<String>| v.as_deref().is_some_and(|v| !v.trim().is_empty());
        let published = |field: ProfileField| {
            format!(
                "(',' || REPLACE(e.published, ' ', '') || ',') LIKE '%,{},%'",
                field.as_str()
            )
        };
        let visible = if scope.browse {
            let mut shown = vec!["1 = 1".to_owned()];
            if text(&filter.expertise) {
                shown.push(published(ProfileField::Expertise));
            }
            if text(&filter.language) {
                shown.push(published(ProfileField::Languages));
            }
            format!("(({full}) OR ({}))", shown.join(" AND "))
        } else {
            format!("({full})")
        };
        let mut conditions = vec!["e.programme_id = $1".to_owned(), visible];
        let mut texts: Vec<String> = Vec::new();
        let mut parameter = 1;
        if filter.organisation_id.is_some() {
            parameter += 1;
            conditions.push(format!("p.organisation_id = ${parameter}"));
        }
        let mut like = |column: &str, value: &Option<String>, exact: bool| {
            if let Some(value) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                parameter += 1;
                if exact {
                    conditions.push(format!("LOWER({column}) = LOWER(${parameter})"));
                    texts.push(value.to_owned());
                } else {
                    conditions.push(format!("LOWER({column}) LIKE ${parameter}"));
                    texts.push(format!("%{}%", value.to_lowercase()));
                }
            }
        };
        like("r.name", &filter.region, true);
        like("e.expertise", &filter.expertise, false);
        like("e.languages", &filter.language, false);
        like("e.availability", &filter.availability, true);
        like("p.given_name || ' ' || p.family_name", &filter.name, false);
        let filter_sql = conditions.join(" AND ");
        let total = match page {
            None => None,
            Some(_) => {
                // The filters read the entry, the person and (filtering
                // by region) the region: the count needs none of the list's
                // other joins.
                let region = if text(&filter.region) {
                    " LEFT JOIN regions r ON r.id = p.region_id"
                } else {
                    ""
                };
                let count_sql = format!(
                    "SELECT COUNT(*) FROM mentor_entries e JOIN people p ON p.id = e.person_id{region} \
                     WHERE {filter_sql}"
                );
                let mut count = sqlx::query_scalar(&count_sql).bind(programme_id.get());
                if let Some(organisation_id) = filter.organisation_id {
                    count = count.bind(organisation_id.get());
                }
                for text in &texts {
                    count = count.bind(text.clone());
                }
                Some(count.fetch_one(&self.store.pool).await?)
            }
        };
        let mut sql = format!(
            "SELECT {ENTRY_COLUMNS} {ENTRY_JOINS} WHERE {filter_sql} \
             ORDER BY p.family_name, p.given_name, e.id"
        );
        if page.is_some() {
            sql.push_str(&format!(
                " LIMIT ${} OFFSET ${}",
                parameter + 1,
                parameter + 2
            ));
        }
        let mut query = sqlx::query_as(&sql).bind(programme_id.get());
        if let Some(organisation_id) = filter.organisation_id {
            query = query.bind(organisation_id.get());
        }
        for text in texts {
            query = query.bind(text);
        }
        if let Some((limit, offset)) = page {
            query = query.bind(limit.max(0)).bind(offset.max(0));
        }
        Ok((query.fetch_all(&self.store.pool).await?, total))
    }

    /// The regions of the people on a programme's register, for the
    /// browse filter.
    pub async fn regions(&self, programme_id: ProgrammeId) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar(
            "SELECT DISTINCT r.name FROM mentor_entries e JOIN people p ON p.id = e.person_id \
             JOIN regions r ON r.id = p.region_id WHERE e.programme_id = $1 ORDER BY r.name",
        )
        .bind(programme_id.get())
        .fetch_all(&self.store.pool)
        .await?)
    }

    /// How many mentees a mentor mentors now: their relationships that
    /// have not ended (an accepted proposal is "ended" with its
    /// relationship). The same count as matching's places in use
    /// (`Proposals::live_per_entry`), less the proposals still waiting for
    /// the mentor's answer.
    pub async fn active_mentee_count(&self, entry_id: MentorEntryId) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM match_proposals \
             WHERE mentor_entry_id = $1 AND status = 'accepted'",
        )
        .bind(entry_id.get())
        .fetch_one(&self.store.pool)
        .await?)
    }

    /// The people a mentor has mentored in the programme, now or before
    /// (REG-2): every mentee of a relationship with this register entry,
    /// by name.
    pub async fn mentored_people(&self, entry_id: MentorEntryId) -> Result<Vec<PersonSummary>> {
        Ok(sqlx::query_as(&format!(
            "SELECT DISTINCT {SUMMARY_COLUMNS} {SUMMARY_JOINS} \
             JOIN mentor_requests q ON q.person_id = p.id \
             JOIN relationships rel ON rel.request_id = q.id \
             WHERE rel.mentor_entry_id = $1 ORDER BY p.family_name, p.given_name, p.id"
        ))
        .bind(entry_id.get())
        .fetch_all(&self.store.pool)
        .await?)
    }
}

impl Requests<'_> {
    /// Records a new request. A person with an open request in the
    /// programme gets a conflict, and nothing is written.
    pub async fn create(
        &self,
        authority: &RequestAuthority,
        new: &NewRequest<'_>,
    ) -> Result<RequestId> {
        let conflict = || {
            StoreError::Conflict(
                "there is already an open mentor request for this person in this programme"
                    .to_owned(),
            )
        };
        let (programme_id, person_id) = (authority.programme_id(), authority.person_id());
        let at = self.store.now();
        let mut tx = self.store.write_tx().await?;
        let open: Option<i64> = sqlx::query_scalar(&format!(
            "SELECT id FROM mentor_requests WHERE programme_id = $1 AND person_id = $2 AND status IN ({})",
            open_statuses()
        ))
        .bind(programme_id.get())
        .bind(person_id.get())
        .fetch_optional(&mut *tx)
        .await?;
        if open.is_some() {
            return Err(conflict());
        }
        let r = new.request;
        let inserted = sqlx::query_scalar(
            "INSERT INTO mentor_requests (programme_id, person_id, track, source, status, goals, help_needed, \
             preferred_style, meeting_frequency, relationship_length, meeting_location, other_team, other_region, \
             other_organisation, other_jurisdiction, language, gender, culture, named_mentor_id, consultation, \
             created_by, created_at, specific_requests, isolated, race, religion, sexuality, location) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, \
             $20, $21, $22, $23, $24, $25, $26, $27, $28) RETURNING id",
        )
        .bind(programme_id.get())
        .bind(person_id.get())
        .bind(&r.track)
        .bind(new.source.as_str())
        .bind(RequestStatus::AwaitingScreening.as_str())
        .bind(&r.goals)
        .bind(&r.help_needed)
        .bind(&r.preferred_style)
        .bind(&r.meeting_frequency)
        .bind(&r.relationship_length)
        .bind(&r.meeting_location)
        .bind(flag(r.other_team))
        .bind(flag(r.other_region))
        .bind(flag(r.other_organisation))
        .bind(flag(r.other_jurisdiction))
        .bind(&r.language)
        .bind(&r.gender)
        .bind(&r.culture)
        .bind(r.named_mentor.map(MentorEntryId::get))
        .bind(new.consultation.as_str())
        .bind(crate::audit::actor_key(authority.actor()))
        .bind(at)
        .bind(&r.specific_requests)
        .bind(flag(r.isolated))
        .bind(&r.race)
        .bind(&r.religion)
        .bind(&r.sexuality)
        .bind(&r.location)
        .fetch_one(&mut *tx)
        .await;
        let id: i64 = match inserted {
            Ok(id) => id,
            Err(error) if is_unique_violation(&error) => return Err(conflict()),
            Err(error) => return Err(error.into()),
        };
        insert_event(
            &mut *tx,
            at,
            authority.actor(),
            AuditAction::RequestCreated,
            "mentor_request",
            &id.to_string(),
            &format!(
                "programme {programme_id}, person {person_id}, {}",
                new.source.as_str()
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(RequestId::new(id))
    }

    pub async fn get(&self, id: RequestId) -> Result<Option<RequestRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {REQUEST_COLUMNS} {REQUEST_JOINS} WHERE q.id = $1"
        ))
        .bind(id.get())
        .fetch_optional(&self.store.pool)
        .await?)
    }

    /// The open request of a person in a programme, if any.
    pub async fn open_for(
        &self,
        programme_id: ProgrammeId,
        person_id: PersonId,
    ) -> Result<Option<RequestRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {REQUEST_COLUMNS} {REQUEST_JOINS} WHERE q.programme_id = $1 AND q.person_id = $2 \
             AND q.status IN ({})",
            open_statuses()
        ))
        .bind(programme_id.get())
        .bind(person_id.get())
        .fetch_optional(&self.store.pool)
        .await?)
    }

    /// Requests with a status, oldest first (first come, first served:
    /// REQ-3), from these organisations' people (`None`: everyone's).
    pub async fn with_status(
        &self,
        programme_id: ProgrammeId,
        status: RequestStatus,
        organisations: Option<&[OrganisationId]>,
    ) -> Result<Vec<RequestRow>> {
        self.with_status_from(programme_id, status, organisations, "", None)
            .await
    }

    /// Accepted requests that wait for a mentor: none of their proposals
    /// waits for an answer or has been accepted. A page of them, oldest
    /// first, and how many there are.
    pub async fn waiting_for_match(
        &self,
        programme_id: ProgrammeId,
        organisations: Option<&[OrganisationId]>,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<RequestRow>, i64)> {
        self.page_where(
            programme_id,
            RequestStatus::Accepted,
            organisations,
            WITHOUT_LIVE_PROPOSAL,
            limit,
            offset,
        )
        .await
    }

    /// Every accepted request that waits for a mentor (as
    /// [`Requests::waiting_for_match`]), oldest first, for a matching run.
    pub async fn all_waiting_for_match(
        &self,
        programme_id: ProgrammeId,
    ) -> Result<Vec<RequestRow>> {
        self.with_status_from(
            programme_id,
            RequestStatus::Accepted,
            None,
            WITHOUT_LIVE_PROPOSAL,
            None,
        )
        .await
    }

    /// One page of [`Requests::with_status`]: at most `limit` requests
    /// after the first `offset`, in the same order, and how many there are
    /// in all. Only the page's rows are read out (each row read costs, on
    /// SQLite, a hand-over between threads).
    pub async fn with_status_page(
        &self,
        programme_id: ProgrammeId,
        status: RequestStatus,
        organisations: Option<&[OrganisationId]>,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<RequestRow>, i64)> {
        self.page_where(programme_id, status, organisations, "", limit, offset)
            .await
    }

    async fn page_where(
        &self,
        programme_id: ProgrammeId,
        status: RequestStatus,
        organisations: Option<&[OrganisationId]>,
        condition: &str,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<RequestRow>, i64)> {
        if organisations.is_some_and(<[OrganisationId]>::is_empty) {
            return Ok((Vec::new(), 0));
        }
        // The filter reads the request and its person only.
        let mut sql = "SELECT COUNT(*) FROM mentor_requests q JOIN people p ON p.id = q.person_id \
                       WHERE q.programme_id = $1 AND q.status = $2"
            .to_owned();
        sql.push_str(&organisation_filter(organisations));
        sql.push_str(condition);
        let mut count = sqlx::query_scalar(&sql)
            .bind(programme_id.get())
            .bind(status.as_str());
        for id in organisations.unwrap_or_default() {
            count = count.bind(id.get());
        }
        let total: i64 = count.fetch_one(&self.store.pool).await?;
        let rows = self
            .with_status_from(
                programme_id,
                status,
                organisations,
                condition,
                Some((limit, offset)),
            )
            .await?;
        Ok((rows, total))
    }

    async fn with_status_from(
        &self,
        programme_id: ProgrammeId,
        status: RequestStatus,
        organisations: Option<&[OrganisationId]>,
        condition: &str,
        page: Option<(i64, i64)>,
    ) -> Result<Vec<RequestRow>> {
        if organisations.is_some_and(<[OrganisationId]>::is_empty) {
            return Ok(Vec::new());
        }
        let mut sql = format!(
            "SELECT {REQUEST_COLUMNS} {REQUEST_JOINS} WHERE q.programme_id = $1 AND q.status = $2"
        );
        sql.push_str(&organisation_filter(organisations));
        sql.push_str(condition);
        sql.push_str(" ORDER BY q.created_at, q.id");
        let after = 3 + organisations.map_or(0, <[OrganisationId]>::len);
        if page.is_some() {
            sql.push_str(&format!(" LIMIT ${after} OFFSET ${}", after + 1));
        }
        let mut query = sqlx::query_as(&sql)
            .bind(programme_id.get())
            .bind(status.as_str());
        for id in organisations.unwrap_or_default() {
            query = query.bind(id.get());
        }
        if let Some((limit, offset)) = page {
            query = query.bind(limit.max(0)).bind(offset.max(0));
        }
        Ok(query.fetch_all(&self.store.pool).await?)
    }

    /// What waits in a programme for those who screen and match the
    /// requests of `organisations` (all when `None`), counted in one query
    /// without reading a row: requests to screen, accepted requests with no
    /// live proposal, proposals awaiting their mentors, and proposals
    /// accepted and declined since `since` (Unix seconds).
    pub async fn work_counts(
        &self,
        programme_id: ProgrammeId,
        organisations: Option<&[OrganisationId]>,
        since: i64,
    ) -> Result<ProgrammeWork> {
        // The organisations are typed ids, written as numbers.
        let orgs = match organisations {
            Some([]) => return Ok(ProgrammeWork::default()),
            Some(ids) => format!(
                " AND p.organisation_id IN ({})",
                ids.iter()
                    .map(|id| id.get().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            None => String::new(),
        };
        let requests = |status: RequestStatus| {
            format!(
                "SELECT COUNT(*) FROM mentor_requests q JOIN people p ON p.id = q.person_id \
                 WHERE q.programme_id = $1 AND q.status = '{}'{orgs}",
                status.as_str()
            )
        };
        let proposals = |status: &str, answered_since: bool| {
            format!(
                "SELECT COUNT(*) FROM match_proposals m JOIN mentor_requests q ON q.id = m.request_id \
                 JOIN people p ON p.id = q.person_id WHERE m.programme_id = $1 AND m.status = '{status}'{}{orgs}",
                if answered_since {
                    " AND m.answered_at >= $2"
                } else {
                    ""
                }
            )
        };
        let sql = format!(
            "SELECT ({}) AS awaiting, \
             ({}{WITHOUT_LIVE_PROPOSAL}) AS waiting_for_match, \
             ({}) AS proposals_awaiting, ({}) AS accepted_lately, ({}) AS declined_lately",
            requests(RequestStatus::AwaitingScreening),
            requests(RequestStatus::Accepted),
            proposals("awaiting_mentor", false),
            proposals("accepted", true),
            proposals("declined", true),
        );
        Ok(sqlx::query_as(&sql)
            .bind(programme_id.get())
            .bind(since)
            .fetch_one(&self.store.pool)
            .await?)
    }

    /// A person's requests, newest first.
    pub async fn of_person(&self, person_id: PersonId) -> Result<Vec<RequestRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {REQUEST_COLUMNS} {REQUEST_JOINS} WHERE q.person_id = $1 ORDER BY q.created_at DESC, q.id DESC"
        ))
        .bind(person_id.get())
        .fetch_all(&self.store.pool)
        .await?)
    }

    /// Open requests of the people who report directly to this person on
    /// which the line manager's view is awaited (REQ-5), oldest first.
    pub async fn consultations_awaiting(&self, manager_id: PersonId) -> Result<Vec<RequestRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {REQUEST_COLUMNS} {REQUEST_JOINS} JOIN people m ON m.organisation_id = p.organisation_id \
             AND m.employee_id = p.line_manager_employee_id WHERE m.id = $1 AND q.consultation = $2 \
             AND q.status IN ({}) ORDER BY q.created_at, q.id",
            open_statuses()
        ))
        .bind(manager_id.get())
        .bind(Consultation::Awaiting.as_str())
        .fetch_all(&self.store.pool)
        .await?)
    }

    /// Records a screening decision on a request still awaiting screening;
    /// `false` if it was not (someone screened it meanwhile).
    /// The mentee withdraws their open request (LIF-4). A proposal waiting
    /// for a mentor's answer is withdrawn with it, in one transaction.
    /// Returns false, changing nothing, if the request is no longer open or
    /// a mentor has accepted it (then the relationship is left instead).
    pub async fn withdraw(&self, authority: &WithdrawalAuthority) -> Result<bool> {
        let id = authority.request_id();
        let mut tx = self.store.write_tx().await?;
        let updated = sqlx::query(&format!(
            "UPDATE mentor_requests SET status = $1 WHERE id = $2 AND status IN ({}) \
             AND NOT EXISTS (SELECT 1 FROM match_proposals m WHERE m.request_id = $2 \
             AND m.status = 'accepted')",
            open_statuses()
        ))
        .bind(RequestStatus::Withdrawn.as_str())
        .bind(id.get())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if updated == 0 {
            return Ok(false);
        }
        sqlx::query(
            "UPDATE match_proposals SET status = 'withdrawn' WHERE request_id = $1 \
             AND status = 'awaiting_mentor'",
        )
        .bind(id.get())
        .execute(&mut *tx)
        .await?;
        crate::matching_runs::forget_runs(&mut *tx, crate::matching_runs::Changed::Request(id))
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    pub async fn screen(
        &self,
        authority: &ScreeningAuthority,
        decision: &ScreeningDecision,
    ) -> Result<bool> {
        let id = authority.request_id();
        let at = self.store.now();
        let (status, reason, detail) = match decision {
            ScreeningDecision::Accept => (RequestStatus::Accepted, None, None),
            ScreeningDecision::Reject { reason, detail } => (
                RequestStatus::Rejected,
                Some(reason.as_str()),
                Some(detail.as_str()),
            ),
        };
        let mut tx = self.store.write_tx().await?;
        let updated = sqlx::query(
            "UPDATE mentor_requests SET status = $1, rejection_reason = $2, rejection_detail = $3, \
             screened_by = $4, screened_at = $5 WHERE id = $6 AND status = $7",
        )
        .bind(status.as_str())
        .bind(reason)
        .bind(detail)
        .bind(crate::audit::actor_key(authority.actor()))
        .bind(at)
        .bind(id.get())
        .bind(RequestStatus::AwaitingScreening.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if updated == 0 {
            return Ok(false);
        }
        insert_event(
            &mut *tx,
            at,
            authority.actor(),
            AuditAction::RequestScreened,
            "mentor_request",
            &id.to_string(),
            status.as_str(),
        )
        .await?;
        crate::matching_runs::forget_runs(&mut *tx, crate::matching_runs::Changed::Request(id))
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Records the line manager's answer to a consultation still awaited;
    /// `false` if it was not.
    pub async fn record_consultation(
        &self,
        authority: &ConsultationAuthority,
        answer: Consultation,
        note: &str,
    ) -> Result<bool> {
        let id = authority.request_id();
        let mut tx = self.store.write_tx().await?;
        let updated = sqlx::query(
            "UPDATE mentor_requests SET consultation = $1, consultation_note = $4 \
             WHERE id = $2 AND consultation = $3",
        )
        .bind(answer.as_str())
        .bind(id.get())
        .bind(Consultation::Awaiting.as_str())
        .bind(note)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if updated == 0 {
            return Ok(false);
        }
        insert_event(
            &mut *tx,
            self.store.now(),
            authority.actor(),
            AuditAction::RequestConsulted,
            "mentor_request",
            &id.to_string(),
            answer.as_str(),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Stores (or replaces) a self-assessment for the authority's request
    /// and a phase.
    pub async fn save_self_assessment(
        &self,
        authority: &SelfAssessmentAuthority,
        questionnaire: &str,
        phase: Phase,
        answers: &[u8],
    ) -> Result<()> {
        let answers = answers
            .iter()
            .map(u8::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let request_id = authority.request_id();
        let at = self.store.now();
        let mut tx = self.store.write_tx().await?;
        sqlx::query(
            "INSERT INTO self_assessments (person_id, programme_id, request_id, questionnaire, phase, answers, answered_at) \
             SELECT person_id, programme_id, id, $2, $3, $4, $5 FROM mentor_requests WHERE id = $1 \
             ON CONFLICT (request_id, questionnaire, phase) \
             DO UPDATE SET answers = excluded.answers, answered_at = excluded.answered_at",
        )
        .bind(request_id.get())
        .bind(questionnaire)
        .bind(phase.as_str())
        .bind(&answers)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        insert_event(
            &mut *tx,
            at,
            authority.actor(),
            AuditAction::SelfAssessmentSaved,
            "mentor_request",
            &request_id.to_string(),
            phase.as_str(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The answers (scale points from 1, in question order) of a
    /// self-assessment, if given.
    pub async fn self_assessment(
        &self,
        request_id: RequestId,
        questionnaire: &str,
        phase: Phase,
    ) -> Result<Option<Vec<u8>>> {
        let stored: Option<String> = sqlx::query_scalar(
            "SELECT answers FROM self_assessments WHERE request_id = $1 AND questionnaire = $2 AND phase = $3",
        )
        .bind(request_id.get())
        .bind(questionnaire)
        .bind(phase.as_str())
        .fetch_optional(&self.store.pool)
        .await?;
        Ok(stored.map(|text| {
            text.split(',')
                .filter_map(|a| a.trim().parse().ok())
                .collect()
        }))
    }

    /// The requests of a programme with an answer to this questionnaire in
    /// this phase, in one query (the screening queue marks them; issue 17:
    /// one query per request before).
    pub async fn self_assessed(
        &self,
        programme_id: ProgrammeId,
        questionnaire: &str,
        phase: Phase,
    ) -> Result<std::collections::HashSet<RequestId>> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT request_id FROM self_assessments WHERE programme_id = $1 \
             AND questionnaire = $2 AND phase = $3 AND request_id IS NOT NULL",
        )
        .bind(programme_id.get())
        .bind(questionnaire)
        .bind(phase.as_str())
        .fetch_all(&self.store.pool)
        .await?;
        Ok(ids.into_iter().map(RequestId::new).collect())
    }

    /// People of these organisations whose start date, or approval date
    /// as carers, falls from `from` to `to` (ISO dates, inclusive): those
    /// automatic enrolment considers (REQ-4).
    pub async fn enrolment_candidates(
        &self,
        organisations: &[OrganisationId],
        from: &str,
        to: &str,
    ) -> Result<Vec<EnrolmentCandidate>> {
        if organisations.is_empty() {
            return Ok(Vec::new());
        }
        let placeholders: Vec<String> = (0..organisations.len())
            .map(|i| format!("${}", i + 3))
            .collect();
        let sql = format!(
            "SELECT id, organisation_id, start_date, approval_date, employment_type FROM people \
             WHERE ((start_date >= $1 AND start_date <= $2) OR (approval_date >= $1 AND approval_date <= $2)) \
             AND organisation_id IN ({}) ORDER BY id",
            placeholders.join(", ")
        );
        let mut query = sqlx::query_as(&sql).bind(from).bind(to);
        for id in organisations {
            query = query.bind(id.get());
        }
        Ok(query.fetch_all(&self.store.pool).await?)
    }
}
