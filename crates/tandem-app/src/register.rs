//! The mentor register (REG-1 to REG-5): volunteering, being identified,
//! keeping an entry up to date, eligibility against the programme's mentor
//! rules, and browsing the register where mentees choose their mentor.
//!
//! Who may see or change what is decided in `tandem_domain::permissions`
//! (`authorise_register_entry`, `register_scope`); what was typed is
//! checked in `tandem_domain::register` before anything is stored.

use tandem_domain::ids::{MentorEntryId, OrganisationId, PersonId, ProgrammeId};
use tandem_domain::permissions::{
    EntryView, RegisterScope, authorise_register_entry, register_scope,
};
use tandem_domain::programme::{CarerLevel, MatchMethod, MentorIneligibility, Months, Programme};
use tandem_domain::register::{MentorProfile, MentorProfileInput, Problem, ProfileField};
use tandem_store::{MentorEntryRow, PersonSummary, RegisterFilter};

use crate::programmes::ProgrammeView;
use crate::{App, AppError, FieldError, Principal};

pub(crate) fn field_errors(problems: Vec<Problem>) -> AppError {
    AppError::Invalid(
        problems
            .into_iter()
            .map(|p| FieldError {
                field: p.field.to_owned(),
                message: p.message,
            })
            .collect(),
    )
}

/// One register entry as the caller may see it.
#[derive(Debug, Clone)]
pub struct EntryViewModel {
    pub id: MentorEntryId,
    pub programme_id: ProgrammeId,
    pub person_id: PersonId,
    pub name: String,
    pub organisation_id: OrganisationId,
    pub organisation: String,
    pub jurisdiction: String,
    pub region: Option<String>,
    /// With a published-only view, the fields not published are empty and
    /// the months of experience, training and eligibility are left out.
    pub profile: MentorProfile,
    pub view: EntryView,
    pub recruited: tandem_domain::register::Recruited,
    /// Every reason the mentor is not eligible under the programme's
    /// rules; empty when eligible (and for a published-only view).
    pub ineligible: Vec<MentorIneligibility>,
    pub active_mentees: i64,
    pub mentored: Vec<PersonSummary>,
    pub can_edit: bool,
    /// Whether the caller records this mentor's training and appraisal:
    /// one who keeps the register, never the mentor themselves (REG-2).
    pub certifies: bool,
}

impl EntryViewModel {
    pub fn eligible(&self) -> bool {
        self.ineligible.is_empty()
    }

    /// Whether a profile field is shown to this reader.
    pub fn shows(&self, field: ProfileField) -> bool {
        self.view == EntryView::Full || self.profile.published.contains(&field)
    }
}

/// A programme's register as the caller sees it.
#[derive(Debug, Clone)]
pub struct RegisterPage {
    pub programme: ProgrammeView,
    pub entries: Vec<EntryViewModel>,
    /// Mentees may browse and choose (REG-4).
    pub mentees_choose: bool,
    /// The caller keeps some organisation's entries, or is an administrator.
    pub keeps_entries: bool,
    /// The caller's own entry, if they are on the register.
    pub own_entry: Option<MentorEntryId>,
    /// Whether people may volunteer, or are identified only (REG-3).
    pub accepts_volunteers: bool,
    pub regions: Vec<String>,
    /// Entries the caller may see that match the filter, on every page.
    pub total: i64,
    /// This page, from 1, of `per_page` entries.
    pub page: i64,
    pub per_page: i64,
}

impl RegisterPage {
    /// How many pages the entries fill (at least one).
    pub fn pages(&self) -> i64 {
        crate::page_count(self.total, self.per_page)
    }
}

/// Whether the entry's person is a self-employed contractor, whom the
/// organisation does not appraise ([`tandem_domain::programme::MentorFacts::contracted`]).
pub(crate) fn contracted(row: &MentorEntryRow) -> bool {
    tandem_domain::people::EmploymentType::parse(&row.employment_type)
        == Some(tandem_domain::people::EmploymentType::SelfEmployedContractor)
}

pub(crate) fn profile_of(row: &MentorEntryRow) -> MentorProfile {
    MentorProfile {
        experience: row.experience.clone(),
        experience_months: row.experience_months.and_then(|m| Months::parse(m).ok()),
        interests: row.interests.clone(),
        expertise: row.expertise.clone(),
        style: row.style.clone(),
        languages: row.languages.clone(),
        location: row.location.clone(),
        special_interests: row.special_interests.clone(),
        training_completed: row.training_completed,
        experience_shown_by_appraisal: row.experience_shown_by_appraisal,
        published: row.published(),
        capacity: u16::try_from(row.capacity).unwrap_or(0),
        availability: row.availability(),
    }
}

/// What the register form shows for an entry.
pub fn input_of(profile: &MentorProfile) -> MentorProfileInput {
    MentorProfileInput {
        experience: profile.experience.clone(),
        experience_months: profile
            .experience_months
            .map(|m| m.get().to_string())
            .unwrap_or_default(),
        interests: profile.interests.clone(),
        expertise: profile.expertise.clone(),
        style: profile.style.clone(),
        languages: profile.languages.clone(),
        location: profile.location.clone(),
        special_interests: profile.special_interests.clone(),
        training_completed: profile.training_completed,
        experience_shown_by_appraisal: profile.experience_shown_by_appraisal,
        published: profile.published.clone(),
        capacity: profile.capacity.to_string(),
        availability: profile.availability.as_str().to_owned(),
        paused_until: profile.availability.until_text().unwrap_or_default(),
    }
}

impl App {
    /// The organisation of the caller's own person record.
    pub(crate) async fn own_organisation(
        &self,
        caller: &Principal,
    ) -> Result<Option<OrganisationId>, AppError> {
        Ok(match caller.person_id {
            Some(id) => self
                .store
                .people()
                .facts(id)
                .await?
                .map(|f| f.organisation_id),
            None => None,
        })
    }

    async fn scope_for(
        &self,
        caller: &Principal,
        view: &ProgrammeView,
    ) -> Result<RegisterScope, AppError> {
        let taking_part: Vec<OrganisationId> = view.organisations.iter().map(|o| o.id).collect();
        let own = self.own_organisation(caller).await?;
        Ok(register_scope(
            caller,
            view.id,
            &taking_part,
            own,
            view.programme
                .allows_match_method(MatchMethod::MenteePicksFromRegister),
        ))
    }

    async fn entry_model(
        &self,
        caller: &Principal,
        programme: &Programme,
        taking_part: &[OrganisationId],
        row: MentorEntryRow,
        view: EntryView,
    ) -> Result<EntryViewModel, AppError> {
        let mut profile = profile_of(&row);
        let (ineligible, authority, active_mentees, mentored) = if view == EntryView::Full {
            let carer_level = row.carer_level.and_then(|l| CarerLevel::parse(l).ok());
            let facts = self
                .store
                .people()
                .facts(row.person_id)
                .await?
                .ok_or(AppError::NotFound)?;
            (
                profile.eligibility(programme, carer_level, contracted(&row)),
                authorise_register_entry(caller, row.programme_id, taking_part, &facts).ok(),
                self.store.register().active_mentee_count(row.id).await?,
                self.store.register().mentored_people(row.id).await?,
            )
        } else {
            for field in ProfileField::ALL {
                if !profile.published.contains(&field) {
                    match field {
                        ProfileField::Experience => profile.experience.clear(),
                        ProfileField::Interests => profile.interests.clear(),
                        ProfileField::Expertise => profile.expertise.clear(),
                        ProfileField::Style => profile.style.clear(),
                        ProfileField::Languages => profile.languages.clear(),
                        ProfileField::Location => profile.location.clear(),
                        ProfileField::SpecialInterests => profile.special_interests.clear(),
                    }
                }
            }
            profile.experience_months = None;
            profile.training_completed = false;
            profile.experience_shown_by_appraisal = false;
            (Vec::new(), None, 0, Vec::new())
        };
        let can_edit = authority.is_some();
        let certifies = authority.is_some_and(|a| a.identified());
        Ok(EntryViewModel {
            id: row.id,
            programme_id: row.programme_id,
            person_id: row.person_id,
            name: format!("{} {}", row.given_name, row.family_name),
            organisation_id: row.organisation_id,
            organisation: row.organisation.clone(),
            jurisdiction: row.jurisdiction.clone(),
            region: row.region.clone(),
            recruited: row.recruited,
            profile,
            view,
            ineligible,
            active_mentees,
            mentored,
            can_edit,
            certifies,
        })
    }

    /// A programme's register, filtered (REG-4): full entries for the
    /// organisations the caller keeps, published profiles for mentees
    /// choosing a mentor; "not found" for anyone who may see neither.
    ///
    /// One page of `per_page` entries is shown (pages count from 1; a page
    /// past the end is empty): only that page's entries are looked up in
    /// full, so the page costs the same on a register of five thousand as
    /// of fifty (issue 17).
    pub async fn register(
        &self,
        caller: &Principal,
        programme_id: ProgrammeId,
        filter: &RegisterFilter,
        page: i64,
        per_page: i64,
    ) -> Result<RegisterPage, AppError> {
        let programme = self.programme(caller, programme_id).await?;
        let scope = self.scope_for(caller, &programme).await?;
        if scope.is_empty() {
            return Err(AppError::NotFound);
        }
        let taking_part: Vec<OrganisationId> =
            programme.organisations.iter().map(|o| o.id).collect();
        let per_page = per_page.max(1);
        let page = page.max(1);
        let (rows, total) = self
            .store
            .register()
            .list_page(
                programme_id,
                filter,
                &scope,
                per_page,
                (page - 1).saturating_mul(per_page),
            )
            .await?;
        let own_entry = match caller.person_id {
            Some(me) => self
                .store
                .register()
                .for_person(programme_id, me)
                .await?
                .map(|e| e.id),
            None => None,
        };
        let mut entries = Vec::new();
        for row in rows {
            // list_page returned only what the scope shows, and left out
            // what filtering would reveal; both are checked again here, as
            // the entry's own page checks them.
            let Some(view) = scope.view(row.person_id, row.organisation_id) else {
                continue;
            };
            let published = row.published();
            let filtered_on = |value: &Option<String>, field: ProfileField| {
                value.as_deref().is_some_and(|v| !v.trim().is_empty())
                    && !published.contains(&field)
            };
            if view == EntryView::Published
                && (filtered_on(&filter.expertise, ProfileField::Expertise)
                    || filtered_on(&filter.language, ProfileField::Languages))
            {
                continue;
            }
            entries.push(
                self.entry_model(caller, &programme.programme, &taking_part, row, view)
                    .await?,
            );
        }
        Ok(RegisterPage {
            mentees_choose: scope.browse,
            keeps_entries: scope.everyone || !scope.organisations.is_empty(),
            regions: self.store.register().regions(programme_id).await?,
            own_entry,
            accepts_volunteers: tandem_domain::register::accepts_volunteers(&programme.programme),
            entries,
            total,
            page,
            per_page,
            programme,
        })
    }

    /// One register entry, as much of it as the caller may see.
    pub async fn register_entry(
        &self,
        caller: &Principal,
        entry_id: MentorEntryId,
    ) -> Result<(ProgrammeView, EntryViewModel), AppError> {
        let row = self
            .store
            .register()
            .get(entry_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let programme = self.programme(caller, row.programme_id).await?;
        let scope = self.scope_for(caller, &programme).await?;
        let view = scope
            .view(row.person_id, row.organisation_id)
            .ok_or(AppError::NotFound)?;
        let taking_part: Vec<OrganisationId> =
            programme.organisations.iter().map(|o| o.id).collect();
        let model = self
            .entry_model(caller, &programme.programme, &taking_part, row, view)
            .await?;
        Ok((programme, model))
    }

    /// Finds the person an entry is for: the caller (volunteering) when
    /// `employee_id` is empty, else someone with that employee id in an
    /// organisation taking part.
    async fn register_person(
        &self,
        caller: &Principal,
        programme: &ProgrammeView,
        employee_id: Option<&str>,
    ) -> Result<PersonId, AppError> {
        let Some(employee_id) = employee_id.map(str::trim) else {
            return caller.person_id.ok_or_else(|| {
                AppError::invalid(
                    tandem_domain::register::profile_fields::PERSON,
                    "You have no staff record, so you cannot volunteer: enter the employee id of the mentor you have identified",
                )
            });
        };
        if employee_id.is_empty() {
            return Err(AppError::invalid(
                tandem_domain::register::profile_fields::PERSON,
                "Enter the employee id of the person to add to the register",
            ));
        }
        for organisation in &programme.organisations {
            if let Some(id) = self
                .store
                .people()
                .by_employee_id(organisation.id, employee_id)
                .await?
            {
                let facts = self
                    .store
                    .people()
                    .facts(id)
                    .await?
                    .ok_or(AppError::NotFound)?;
                let taking_part: Vec<OrganisationId> =
                    programme.organisations.iter().map(|o| o.id).collect();
                if authorise_register_entry(caller, programme.id, &taking_part, &facts).is_ok() {
                    return Ok(id);
                }
            }
        }
        Err(AppError::invalid(
            tandem_domain::register::profile_fields::PERSON,
            format!(
                "There is nobody with employee id {employee_id} in an organisation whose mentors you keep"
            ),
        ))
    }

    /// Puts someone on a programme's register or updates their entry:
    /// the caller themselves (volunteering) when `employee_id` is `None`,
    /// else the person a coordinator or supervising social worker
    /// identifies by employee id (REG-3), which must then be given. Every
    /// problem comes back naming its field, and nothing is saved unless
    /// all is well.
    pub async fn save_register_entry(
        &self,
        caller: &Principal,
        programme_id: ProgrammeId,
        employee_id: Option<&str>,
        input: &MentorProfileInput,
    ) -> Result<MentorEntryId, AppError> {
        let programme = self.programme(caller, programme_id).await?;
        if employee_id.is_none() {
            programme.require_published("volunteer as a mentor")?;
        }
        let person_id = self
            .register_person(caller, &programme, employee_id)
            .await?;
        self.write_entry(caller, &programme, person_id, input).await
    }

    /// Changes an existing entry.
    pub async fn update_register_entry(
        &self,
        caller: &Principal,
        entry_id: MentorEntryId,
        input: &MentorProfileInput,
    ) -> Result<MentorEntryId, AppError> {
        let (programme, entry) = self.register_entry(caller, entry_id).await?;
        if !entry.can_edit {
            return Err(AppError::Forbidden(tandem_domain::permissions::Forbidden(
                "change this mentor's entry on the register",
            )));
        }
        self.write_entry(caller, &programme, entry.person_id, input)
            .await
    }

    async fn write_entry(
        &self,
        caller: &Principal,
        programme: &ProgrammeView,
        person_id: PersonId,
        input: &MentorProfileInput,
    ) -> Result<MentorEntryId, AppError> {
        let facts = self
            .store
            .people()
            .facts(person_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let taking_part: Vec<OrganisationId> =
            programme.organisations.iter().map(|o| o.id).collect();
        let authority = authorise_register_entry(caller, programme.id, &taking_part, &facts)?;
        let existing = self
            .store
            .register()
            .for_person(programme.id, person_id)
            .await?;
        if existing.is_none()
            && !authority.identified()
            && !tandem_domain::register::accepts_volunteers(&programme.programme)
        {
            return Err(AppError::invalid(
                tandem_domain::register::profile_fields::VOLUNTEER,
                format!(
                    "Mentors in {} are identified by their organisation rather than volunteering: ask your programme coordinator",
                    programme.programme.name
                ),
            ));
        }
        // The facts that decide eligibility are recorded by whoever keeps
        // the register, never by the mentor about themselves: on their own
        // entry they stay as they were (REG-2, issue 12).
        let mut input = input.clone();
        if !authority.identified() {
            let (trained, appraised) = existing.as_ref().map_or((false, false), |entry| {
                (
                    entry.training_completed,
                    entry.experience_shown_by_appraisal,
                )
            });
            input.training_completed = trained;
            input.experience_shown_by_appraisal = appraised;
        }
        let active = match existing {
            Some(entry) => self.store.register().active_mentee_count(entry.id).await?,
            None => 0,
        };
        let profile = input
            .check(u16::try_from(active).unwrap_or(u16::MAX), self.today())
            .map_err(field_errors)?;
        Ok(self.store.register().put(&authority, &profile).await?)
    }
}
