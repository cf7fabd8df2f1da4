//! Programmes as configuration (PRG-1 to PRG-6): importing a programme from
//! TOML, starting one from a shipped template, reading its public page,
//! changing its most-used settings, and the policy-review reminder.
//!
//! Every setting is checked by the domain (`Programme::problems`), and the
//! settings form is read there too (`tandem_domain::programme::settings_form`),
//! so a message names the setting or field it is about; who may see or
//! change a programme is decided in `tandem_domain::permissions`.

use tandem_domain::ids::{OrganisationId, ProgrammeId};
use tandem_domain::permissions::{
    Operator, ProgrammeAccess, ProgrammeAuthority, ProgrammeCreateAuthority, Publication,
    authorise_programme_create, authorise_programme_edit, may_change_taking_part,
    programme_creation_targets, programme_scope, readable_without_sign_in,
    visible_programme_access,
};
use tandem_domain::programme::settings_form::{FormProblem, apply_settings};
use tandem_domain::programme::{
    Key, Organisation as ProgrammeOrganisation, Programme, ProgrammeError, SHIPPED_TEMPLATES,
    SettingProblem, shipped_template,
};
use tandem_store::{Organisation, ProgrammeWrite, StoreError, StoredProgramme};
use time::Date;

use crate::{App, AppError, FieldError, Principal};

/// The settings form is read in the domain; it is part of
/// [`App::update_programme_settings`], so it is named here too.
pub use tandem_domain::programme::settings_form::{SettingsChange, record_mode_name};

/// The names of the form fields, as `FieldError::field` gives them: the
/// settings form's (see [`tandem_domain::programme::settings_form::fields`]),
/// and these.
pub mod fields {
    pub use tandem_domain::programme::settings_form::fields::*;

    /// The settings as a whole: someone else saved them meanwhile.
    pub const SETTINGS: &str = "settings";
    /// Fields of the new-programme form.
    pub const TEMPLATE: &str = "template";
    pub const KEY: &str = "key";
    pub const ORGANISATION: &str = "organisation";
}

/// A programme as the caller may see it.
#[derive(Debug, Clone)]
pub struct ProgrammeView {
    pub id: ProgrammeId,
    pub programme: Programme,
    /// The organisations taking part, as the database knows them.
    pub organisations: Vec<Organisation>,
    pub access: ProgrammeAccess,
    /// When the policy is next due for review (PRG-6).
    pub next_review: Option<Date>,
    /// Whether that date has come.
    pub review_due: bool,
    pub updated_at: i64,
    /// A draft is seen only by those who may edit it, until published.
    pub publication: Publication,
}

impl ProgrammeView {
    pub fn can_edit(&self) -> bool {
        self.access.can_edit()
    }

    pub fn is_draft(&self) -> bool {
        self.publication == Publication::Draft
    }

    /// Refuses what only a published programme allows: asking for a
    /// mentor or volunteering as one.
    pub(crate) fn require_published(&self, to: &str) -> Result<(), AppError> {
        if !tandem_domain::permissions::takes_part_requests(self.publication) {
            return Err(AppError::Refused(format!(
                "{} is still a draft: its coordinators publish it before anyone can {to}.",
                self.programme.name
            )));
        }
        Ok(())
    }
}

/// What someone not signed in may read of a programme that is published
/// and public (issue 12): its published information, nothing of its
/// people.
#[derive(Debug, Clone)]
pub struct PublicProgramme {
    pub id: ProgrammeId,
    pub programme: Programme,
    pub organisations: Vec<Organisation>,
}

/// A programme whose policy review date has passed (PRG-6, NTF-1).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PolicyReviewDue {
    pub programme_id: ProgrammeId,
    pub key: String,
    pub name: String,
    /// YYYY-MM-DD.
    pub due: String,
}

/// Why a programme file was not imported.
#[derive(Debug, thiserror::Error)]
pub enum ProgrammeImportFailure {
    /// The file has mistakes, each with its line and key; nothing was written.
    #[error("the programme has {} errors; nothing was saved", .0.len())]
    Rejected(Vec<ProgrammeError>),
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<StoreError> for ProgrammeImportFailure {
    fn from(error: StoreError) -> Self {
        ProgrammeImportFailure::App(AppError::Store(error))
    }
}

/// What the command-line import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedProgramme {
    pub id: ProgrammeId,
    pub key: String,
    pub name: String,
    /// False when a programme with the same key was updated.
    pub created: bool,
    pub organisations: Vec<Organisation>,
}

/// A shipped template to start a programme from (PRG-4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateChoice {
    pub key: &'static str,
    pub name: String,
    pub summary: String,
}

/// Starting a programme from a template: the form's fields as typed.
#[derive(Debug, Clone, Default)]
pub struct NewProgramme {
    pub template: String,
    pub key: String,
    pub name: String,
    pub organisation: String,
}

fn capitalise_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn field_error(field: &str, message: impl Into<String>) -> FieldError {
    FieldError {
        field: field.to_owned(),
        message: message.into(),
    }
}

/// A problem with the settings form, as the app reports it.
impl From<FormProblem> for FieldError {
    fn from(problem: FormProblem) -> FieldError {
        FieldError {
            field: problem.field,
            message: problem.message,
        }
    }
}

/// A problem with a programme's settings, on the field named by its key.
impl From<SettingProblem> for FieldError {
    fn from(problem: SettingProblem) -> FieldError {
        FieldError {
            field: problem.key,
            message: problem.message,
        }
    }
}

/// Every problem with what the caller typed.
fn invalid<P: Into<FieldError>>(problems: Vec<P>) -> AppError {
    AppError::Invalid(problems.into_iter().map(Into::into).collect())
}

/// Programmes' settings as last parsed, each with the TOML it came from.
/// A lookup compares that text with the stored text, so a change, however
/// soon after the last, is parsed afresh; the map holds one entry per
/// programme.
#[derive(Debug, Default)]
pub(crate) struct ParsedSettings {
    by_programme: std::sync::Mutex<std::collections::HashMap<ProgrammeId, (String, Programme)>>,
}

impl ParsedSettings {
    fn get(&self, stored: &StoredProgramme) -> Result<Programme, AppError> {
        let cached = self
            .by_programme
            .lock()
            .ok()
            .and_then(|map| match map.get(&stored.id) {
                Some((source, programme)) if *source == stored.settings => Some(programme.clone()),
                _ => None,
            });
        if let Some(programme) = cached {
            return Ok(programme);
        }
        let programme = Programme::from_toml_str(&stored.settings).map_err(|errors| {
            let detail: Vec<String> = errors.iter().map(ToString::to_string).collect();
            AppError::Internal(format!(
                "programme {} ({}) has settings Tandem cannot read: {}",
                stored.id,
                stored.key,
                detail.join("; ")
            ))
        })?;
        if let Ok(mut map) = self.by_programme.lock() {
            map.insert(stored.id, (stored.settings.clone(), programme.clone()));
        }
        Ok(programme)
    }
}

fn export(programme: &Programme) -> Result<String, AppError> {
    programme
        .to_toml_string()
        .map_err(|error| AppError::Internal(error.to_string()))
}

/// The line of the top-level `key = …` in a programme file, for errors
/// about the key that only the database can find (it is already taken).
fn line_of_top_level_key(source: &str) -> usize {
    for (index, line) in source.lines().enumerate() {
        let line = line.trim_start();
        if line.starts_with('[') {
            break;
        }
        if let Some(rest) = line.strip_prefix("key")
            && rest.trim_start().starts_with('=')
        {
            return index + 1;
        }
    }
    1
}

fn key_taken(source: &str, key: &str) -> ProgrammeImportFailure {
    ProgrammeImportFailure::Rejected(vec![ProgrammeError {
        line: line_of_top_level_key(source),
        key: "key".to_owned(),
        message: format!(
            "a programme with the key \"{key}\" already exists: choose another key, or update that programme"
        ),
    }])
}

/// Adds organisations to a programme's list unless it already names them.
fn add_organisations(programme: &mut Programme, extra: &[Organisation]) {
    for organisation in extra {
        let named = programme
            .organisations
            .iter()
            .any(|o| o.name.trim().eq_ignore_ascii_case(organisation.name.trim()));
        if !named {
            programme.organisations.push(ProgrammeOrganisation {
                name: organisation.name.clone(),
                jurisdiction: organisation.jurisdiction.clone(),
            });
        }
    }
}

impl App {
    /// A stored programme's settings, parsed once per change of them.
    pub(crate) fn parsed_settings(&self, stored: &StoredProgramme) -> Result<Programme, AppError> {
        self.parsed.get(stored)
    }

    /// The organisation of the caller's own person record, if any.
    pub(crate) async fn person_organisation(
        &self,
        caller: &Principal,
    ) -> Result<Option<OrganisationId>, AppError> {
        Ok(match caller.person_id {
            Some(id) => self
                .store
                .people()
                .facts(id)
                .await?
                .map(|facts| facts.organisation_id),
            None => None,
        })
    }

    /// The database ids of the organisations a programme names; `None` for
    /// one the database does not know.
    async fn organisation_ids(
        &self,
        programme: &Programme,
    ) -> Result<Vec<Option<OrganisationId>>, AppError> {
        let mut ids = Vec::new();
        for organisation in &programme.organisations {
            ids.push(
                self.store
                    .organisations()
                    .by_name(&organisation.name)
                    .await?
                    .map(|o| o.id),
            );
        }
        Ok(ids)
    }

    fn view(
        &self,
        stored: &StoredProgramme,
        organisations: Vec<Organisation>,
        access: ProgrammeAccess,
    ) -> Result<ProgrammeView, AppError> {
        let programme = self.parsed_settings(stored)?;
        let next_review = programme.policy.next_review_date();
        Ok(ProgrammeView {
            id: stored.id,
            review_due: programme.policy.review_due(self.today()),
            next_review,
            programme,
            organisations,
            access,
            updated_at: stored.updated_at,
            publication: stored.publication(),
        })
    }

    /// A stored programme and the caller's access to it; "not found" when
    /// the caller is not a member of any organisation taking part.
    async fn programme_with_access(
        &self,
        caller: &Principal,
        id: ProgrammeId,
    ) -> Result<
        (
            StoredProgramme,
            Vec<Organisation>,
            ProgrammeAccess,
            Option<OrganisationId>,
        ),
        AppError,
    > {
        let stored = self
            .store
            .programmes()
            .get(id)
            .await?
            .ok_or(AppError::NotFound)?;
        let organisations = self.store.programmes().organisations(id).await?;
        let taking_part: Vec<OrganisationId> = organisations.iter().map(|o| o.id).collect();
        let own = self.person_organisation(caller).await?;
        let access = visible_programme_access(caller, id, &taking_part, own, stored.publication())
            .ok_or(AppError::NotFound)?;
        Ok((stored, organisations, access, own))
    }

    /// The programmes the caller may see, by name.
    pub async fn list_programmes(
        &self,
        caller: &Principal,
    ) -> Result<Vec<ProgrammeView>, AppError> {
        let own = self.person_organisation(caller).await?;
        let scope = programme_scope(caller, own);
        let mut views = Vec::new();
        for stored in self.store.programmes().in_scope(&scope).await? {
            let organisations = self.store.programmes().organisations(stored.id).await?;
            let taking_part: Vec<OrganisationId> = organisations.iter().map(|o| o.id).collect();
            if let Some(access) =
                visible_programme_access(caller, stored.id, &taking_part, own, stored.publication())
            {
                views.push(self.view(&stored, organisations, access)?);
            }
        }
        Ok(views)
    }

    /// One programme's public information (PRG-5), for any member of an
    /// organisation taking part; "not found" for anyone else.
    pub async fn programme(
        &self,
        caller: &Principal,
        id: ProgrammeId,
    ) -> Result<ProgrammeView, AppError> {
        let (stored, organisations, access, _) = self.programme_with_access(caller, id).await?;
        self.view(&stored, organisations, access)
    }

    /// A programme the caller may change: "not found" if they may not see
    /// it, forbidden if they may see but not change it.
    pub async fn programme_for_editing(
        &self,
        caller: &Principal,
        id: ProgrammeId,
    ) -> Result<ProgrammeView, AppError> {
        let view = self.programme(caller, id).await?;
        if !view.can_edit() {
            return Err(AppError::Forbidden(tandem_domain::permissions::Forbidden(
                "change this programme's settings",
            )));
        }
        Ok(view)
    }

    /// Publishes a draft programme (issue 12), for those who may edit it:
    /// from now on everyone in the organisations taking part sees it and
    /// may ask for a mentor. Publishing a published programme changes
    /// nothing.
    pub async fn publish_programme(
        &self,
        caller: &Principal,
        id: ProgrammeId,
    ) -> Result<ProgrammeView, AppError> {
        let (_, organisations, _, own) = self.programme_with_access(caller, id).await?;
        let taking_part: Vec<OrganisationId> = organisations.iter().map(|o| o.id).collect();
        let authority = authorise_programme_edit(caller, id, &taking_part, own)?;
        self.store.programmes().publish(&authority).await?;
        self.programme(caller, id).await
    }

    /// A programme's public page for someone not signed in: only a
    /// published programme whose settings make its page public; `None`
    /// for any other, so that nothing says whether it exists.
    pub async fn public_programme(
        &self,
        id: ProgrammeId,
    ) -> Result<Option<PublicProgramme>, AppError> {
        let Some(stored) = self.store.programmes().get(id).await? else {
            return Ok(None);
        };
        let programme = self.parsed_settings(&stored)?;
        if !readable_without_sign_in(stored.publication(), programme.publicity.public) {
            return Ok(None);
        }
        Ok(Some(PublicProgramme {
            id,
            programme,
            organisations: self.store.programmes().organisations(id).await?,
        }))
    }

    /// Changes a programme's most-used settings and, optionally, adds a row
    /// to its policy revision history. Every problem is returned, each
    /// naming its field (see [`fields`]); nothing is saved unless all is well.
    pub async fn update_programme_settings(
        &self,
        caller: &Principal,
        id: ProgrammeId,
        change: &SettingsChange,
    ) -> Result<ProgrammeView, AppError> {
        let (stored, organisations, _, own) = self.programme_with_access(caller, id).await?;
        let taking_part: Vec<OrganisationId> = organisations.iter().map(|o| o.id).collect();
        let authority = authorise_programme_edit(caller, id, &taking_part, own)?;
        let mut programme = self.parsed_settings(&stored)?;
        apply_settings(&mut programme, change).map_err(invalid)?;
        self.save_existing(&authority, &programme, Some(&stored.settings))
            .await
            .map_err(|error| match error {
                AppError::Store(StoreError::Conflict(message)) => AppError::invalid(
                    fields::SETTINGS,
                    format!("{}: check them and save again", capitalise_first(&message)),
                ),
                other => other,
            })?;
        self.programme(caller, id).await
    }

    /// Saves a changed programme; with `previous`, only over the settings
    /// that were read (see [`tandem_store::Store::update_programme`]).
    async fn save_existing(
        &self,
        authority: &ProgrammeAuthority,
        programme: &Programme,
        previous: Option<&str>,
    ) -> Result<(), AppError> {
        let settings = export(programme)?;
        self.store
            .programmes()
            .update(
                authority,
                &ProgrammeWrite {
                    key: programme.key.as_str(),
                    name: &programme.name,
                    settings: &settings,
                    organisations: &programme.organisations,
                },
                previous,
            )
            .await?;
        Ok(())
    }

    /// Adds a programme from a TOML file for a signed-in caller (the JSON
    /// API): administrators for any organisations, coordinators for
    /// organisations they coordinate. A programme with the same key is an
    /// error; nothing is written unless the whole file is sound. The
    /// programme starts as a draft, for [`App::publish_programme`].
    pub async fn import_programme(
        &self,
        caller: &Principal,
        source: &str,
    ) -> Result<ProgrammeView, ProgrammeImportFailure> {
        let programme =
            Programme::from_toml_str(source).map_err(ProgrammeImportFailure::Rejected)?;
        let ids = self.organisation_ids(&programme).await?;
        let authority = authorise_programme_create(caller, &ids).map_err(AppError::from)?;
        if self
            .store
            .programmes()
            .by_key(programme.key.as_str())
            .await?
            .is_some()
        {
            return Err(key_taken(source, programme.key.as_str()));
        }
        let id = self
            .save_new(&authority, &programme, source, Publication::Draft)
            .await?;
        Ok(self.programme(caller, id).await?)
    }

    async fn save_new(
        &self,
        authority: &ProgrammeCreateAuthority,
        programme: &Programme,
        source: &str,
        publication: Publication,
    ) -> Result<ProgrammeId, ProgrammeImportFailure> {
        let settings = export(programme)?;
        let write = ProgrammeWrite {
            key: programme.key.as_str(),
            name: &programme.name,
            settings: &settings,
            organisations: &programme.organisations,
        };
        match self
            .store
            .programmes()
            .create(authority, &write, publication)
            .await
        {
            Ok(id) => Ok(id),
            // Someone else took the key between the check and the write.
            Err(StoreError::Conflict(_)) => Err(key_taken(source, programme.key.as_str())),
            Err(error) => Err(error.into()),
        }
    }

    /// Replaces a programme's settings with a TOML file (the JSON API). The
    /// key cannot change, and only administrators may change which
    /// organisations take part.
    pub async fn replace_programme(
        &self,
        caller: &Principal,
        id: ProgrammeId,
        source: &str,
    ) -> Result<ProgrammeView, ProgrammeImportFailure> {
        let (stored, organisations, _, own) = self.programme_with_access(caller, id).await?;
        let taking_part: Vec<OrganisationId> = organisations.iter().map(|o| o.id).collect();
        let authority =
            authorise_programme_edit(caller, id, &taking_part, own).map_err(AppError::from)?;
        let programme =
            Programme::from_toml_str(source).map_err(ProgrammeImportFailure::Rejected)?;
        if programme.key.as_str() != stored.key {
            return Err(ProgrammeImportFailure::Rejected(vec![ProgrammeError {
                line: line_of_top_level_key(source),
                key: "key".to_owned(),
                message: format!(
                    "a programme's key cannot change: this one is \"{}\"",
                    stored.key
                ),
            }]));
        }
        if !may_change_taking_part(caller) {
            let mut named: Vec<Option<OrganisationId>> = self.organisation_ids(&programme).await?;
            named.sort_unstable();
            named.dedup();
            let mut current: Vec<Option<OrganisationId>> =
                taking_part.iter().copied().map(Some).collect();
            current.sort_unstable();
            if named != current {
                let line = source
                    .lines()
                    .position(|line| line.trim_start().starts_with("[[organisations]]"))
                    .map_or(1, |index| index + 1);
                return Err(ProgrammeImportFailure::Rejected(vec![ProgrammeError {
                    line,
                    key: "organisations".to_owned(),
                    message: "only an administrator can change which organisations take part"
                        .to_owned(),
                }]));
            }
        }
        match self
            .save_existing(&authority, &programme, Some(&stored.settings))
            .await
        {
            Ok(()) => {}
            Err(AppError::Store(StoreError::Conflict(message))) => {
                return Err(ProgrammeImportFailure::Rejected(vec![ProgrammeError {
                    line: 1,
                    key: String::new(),
                    message,
                }]));
            }
            Err(other) => return Err(other.into()),
        }
        Ok(self.programme(caller, id).await?)
    }

    /// The command-line import: with the operator's authority, adds the
    /// programme or updates the one with the same key. `also_taking_part`
    /// names organisations, which must exist, to add to those in the file.
    pub async fn import_programme_as_operator(
        &self,
        operator: &Operator,
        source: &str,
        also_taking_part: &[String],
    ) -> Result<ImportedProgramme, ProgrammeImportFailure> {
        let mut programme =
            Programme::from_toml_str(source).map_err(ProgrammeImportFailure::Rejected)?;
        let mut extra = Vec::new();
        for name in also_taking_part {
            extra.push(self.organisation_named(name).await?);
        }
        add_organisations(&mut programme, &extra);
        let (id, created) = match self
            .store
            .programmes()
            .by_key(programme.key.as_str())
            .await?
        {
            Some(existing) => {
                self.save_existing(&operator.programme_edit(existing.id), &programme, None)
                    .await?;
                (existing.id, false)
            }
            None => (
                self.save_new(
                    &operator.programme_create(),
                    &programme,
                    source,
                    Publication::Published,
                )
                .await?,
                true,
            ),
        };
        Ok(ImportedProgramme {
            id,
            key: programme.key.as_str().to_owned(),
            name: programme.name.clone(),
            created,
            organisations: self.store.programmes().organisations(id).await?,
        })
    }

    /// Every programme, for the operator's `tandem programme list`, with
    /// its next policy review date and whether that has come.
    pub async fn all_programmes(
        &self,
    ) -> Result<Vec<(ImportedProgramme, Option<Date>, bool)>, AppError> {
        let mut all = Vec::new();
        for stored in self.store.programmes().list(None).await? {
            let programme = self.parsed_settings(&stored)?;
            all.push((
                ImportedProgramme {
                    id: stored.id,
                    key: stored.key.clone(),
                    name: stored.name.clone(),
                    created: false,
                    organisations: self.store.programmes().organisations(stored.id).await?,
                },
                programme.policy.next_review_date(),
                programme.policy.review_due(self.today()),
            ));
        }
        Ok(all)
    }

    /// The shipped templates (PRG-4), in the order they ship.
    pub fn programme_templates(&self) -> Result<Vec<TemplateChoice>, AppError> {
        SHIPPED_TEMPLATES
            .iter()
            .map(|(key, source)| {
                let programme = Programme::from_toml_str(source).map_err(|_| {
                    AppError::Internal(format!("the shipped template {key} does not read"))
                })?;
                Ok(TemplateChoice {
                    key,
                    name: programme.name,
                    summary: programme.summary,
                })
            })
            .collect()
    }

    /// Organisations the caller may start a programme for; empty when they
    /// may not start one.
    pub async fn programme_creation_organisations(
        &self,
        caller: &Principal,
    ) -> Result<Vec<Organisation>, AppError> {
        let targets = programme_creation_targets(caller);
        if targets.is_empty() {
            return Ok(Vec::new());
        }
        Ok(self
            .store
            .organisations()
            .all()
            .await?
            .into_iter()
            .filter(|o| targets.allows(o.id))
            .collect())
    }

    /// Starts a programme from a shipped template with the caller's key and
    /// name, taking part with one organisation the caller may start
    /// programmes for (PRG-4). Its settings can then be edited.
    pub async fn create_programme_from_template(
        &self,
        caller: &Principal,
        request: &NewProgramme,
    ) -> Result<ProgrammeView, AppError> {
        let mut errors = Vec::new();
        let template = shipped_template(request.template.trim());
        if template.is_none() {
            errors.push(field_error(
                fields::TEMPLATE,
                "Choose the template to start from",
            ));
        }
        let key = request.key.trim();
        let parsed_key = match Key::parse(key) {
            Ok(parsed) => Some(parsed),
            Err(_) if key.is_empty() => {
                errors.push(field_error(
                    fields::KEY,
                    "Enter a short key for the programme, like mentoring-2026",
                ));
                None
            }
            Err(error) => {
                errors.push(field_error(
                    fields::KEY,
                    format!("The key is not usable: {error}"),
                ));
                None
            }
        };
        if parsed_key.is_some() && self.store.programmes().by_key(key).await?.is_some() {
            errors.push(field_error(
                fields::KEY,
                format!("A programme with the key \"{key}\" already exists: choose another"),
            ));
        }
        let name = request.name.trim();
        if name.is_empty() {
            errors.push(field_error(fields::NAME, "Enter the programme's name"));
        }
        let allowed = self.programme_creation_organisations(caller).await?;
        let organisation = request
            .organisation
            .trim()
            .parse::<OrganisationId>()
            .ok()
            .and_then(|id| allowed.iter().find(|o| o.id == id));
        if organisation.is_none() {
            errors.push(field_error(
                fields::ORGANISATION,
                "Choose the organisation that will run the programme",
            ));
        }
        let (Some(template), Some(key), Some(organisation), true) =
            (template, parsed_key, organisation, errors.is_empty())
        else {
            return Err(AppError::Invalid(errors));
        };
        let authority = authorise_programme_create(caller, &[Some(organisation.id)])?;
        let mut programme = Programme::from_toml_str(template).map_err(|_| {
            AppError::Internal(format!(
                "the shipped template {} does not read",
                request.template
            ))
        })?;
        programme.key = key;
        programme.name = name.to_owned();
        programme.organisations = vec![ProgrammeOrganisation {
            name: organisation.name.clone(),
            jurisdiction: organisation.jurisdiction.clone(),
        }];
        // The new programme's policy history starts today, with it: not the
        // template organisation's revisions, version and review dates (so
        // it is not due for review at once). Its public text, written by
        // and about that organisation, gives way to a plain one about this
        // organisation, for the coordinator to rewrite in the settings
        // (issue 12 defect 4).
        programme.policy.revisions = vec![tandem_domain::programme::Revision {
            date: tandem_domain::programme::PolicyDate::Day(self.today()),
            change: format!(
                "Programme started from the {} template",
                request.template.trim()
            ),
            author: caller.display_name.clone(),
            next_review: None,
        }];
        programme.policy.version = None;
        programme.policy.approved = None;
        programme.policy.next_review = None;
        programme.publicity.text = format!(
            "{} runs {}: mentoring for its staff, in confidence, by a colleague who has no authority over the mentee.",
            organisation.name, programme.name
        );
        let problems = programme.problems();
        if !problems.is_empty() {
            return Err(invalid(problems));
        }
        let id = match self
            .save_new(&authority, &programme, "", Publication::Draft)
            .await
        {
            Ok(id) => id,
            Err(ProgrammeImportFailure::Rejected(_)) => {
                return Err(AppError::invalid(
                    fields::KEY,
                    format!(
                        "A programme with the key \"{key}\" already exists: choose another",
                        key = programme.key
                    ),
                ));
            }
            Err(ProgrammeImportFailure::App(error)) => return Err(error),
        };
        self.programme(caller, id).await
    }

    /// Programmes the caller helps run whose policy review date has passed
    /// (PRG-6), most overdue first.
    pub async fn policy_reviews_due(
        &self,
        caller: &Principal,
    ) -> Result<Vec<PolicyReviewDue>, AppError> {
        Ok(reviews_due_among(&self.list_programmes(caller).await?))
    }
}

/// Of the programmes a caller sees, those they help run whose policy
/// review date has passed, most overdue first.
pub(crate) fn reviews_due_among(programmes: &[ProgrammeView]) -> Vec<PolicyReviewDue> {
    let mut due: Vec<PolicyReviewDue> = programmes
        .iter()
        .filter(|view| view.can_edit() && view.review_due)
        .filter_map(|view| {
            view.next_review.map(|date| PolicyReviewDue {
                programme_id: view.id,
                key: view.programme.key.as_str().to_owned(),
                name: view.programme.name.clone(),
                due: date.to_string(),
            })
        })
        .collect();
    due.sort_by(|a, b| a.due.cmp(&b.due));
    due
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_parsed_again_whenever_their_text_changes() {
        let source = shipped_template("fun").expect("fun");
        let mut stored = StoredProgramme {
            id: ProgrammeId::new(1),
            key: "fun".to_owned(),
            name: "Fun".to_owned(),
            settings: source.to_owned(),
            created_at: 0,
            updated_at: 0,
            published_at: Some(0),
        };
        let parsed = ParsedSettings::default();
        let first = parsed.get(&stored).expect("parses");
        assert_eq!(parsed.get(&stored).expect("cached").name, first.name);
        // Changed within the same second: the new text is read, not the old.
        stored.settings = source.replacen(&first.name, "Renamed programme", 1);
        assert_eq!(
            parsed.get(&stored).expect("parses").name,
            "Renamed programme"
        );
        stored.settings = "not = [toml".to_owned();
        assert!(
            parsed.get(&stored).is_err(),
            "bad text is never served from the cache"
        );
    }

    #[test]
    fn the_top_level_key_is_found_before_any_table() {
        let source = "# a comment\nname = \"x\"\nkey = \"abc\"\n[[tracks]]\nkey = \"t\"\n";
        assert_eq!(line_of_top_level_key(source), 3);
        assert_eq!(line_of_top_level_key("[[tracks]]\nkey = \"t\"\n"), 1);
    }

    #[test]
    fn the_domains_problems_reach_the_caller_on_their_fields() {
        let field_errors = |error: AppError| match error {
            AppError::Invalid(errors) => errors,
            other => panic!("a problem with the form is the caller's mistake: {other}"),
        };
        let form = FormProblem {
            field: fields::REVISION_AUTHOR.to_owned(),
            message: "Enter who made the revision".to_owned(),
        };
        assert_eq!(
            field_errors(invalid(vec![form])),
            [field_error(
                fields::REVISION_AUTHOR,
                "Enter who made the revision"
            )]
        );
        let setting = SettingProblem {
            key: "tracks[0].name".to_owned(),
            message: "the track's name cannot be empty".to_owned(),
        };
        assert_eq!(
            field_errors(invalid(vec![setting])),
            [field_error(
                "tracks[0].name",
                "the track's name cannot be empty"
            )]
        );
    }
}
