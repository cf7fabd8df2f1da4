//! Programmes as configuration (PRG-1 to PRG-6): importing a programme from
//! TOML, starting one from a shipped template, reading its public page,
//! changing its most-used settings, and the policy-review reminder.
//!
//! Every setting is checked by the domain (`Programme::problems`), so a
//! message names the setting it is about; who may see or change a
//! programme is decided in `tandem_domain::permissions`.

use tandem_domain::permissions::{
    Operator, ProgrammeAccess, ProgrammeAuthority, ProgrammeCreateAuthority,
    authorise_programme_create, authorise_programme_edit, may_change_taking_part, programme_access,
    programme_creation_targets, programme_scope,
};
use tandem_domain::programme::{
    Key, Minutes, MonthRange, Months, Organisation as ProgrammeOrganisation, PolicyDate, Programme,
    ProgrammeError, RecordMode, Revision, SHIPPED_TEMPLATES, SettingProblem, shipped_template,
};
use tandem_store::{Organisation, ProgrammeWrite, StoreError, StoredProgramme};
use time::Date;

use crate::{App, AppError, FieldError, Principal};

/// The names of the settings-form fields, as `FieldError::field` gives
/// them. Most are the setting's own key in the programme's TOML.
pub mod fields {
    pub const NAME: &str = "name";
    pub const SUMMARY: &str = "summary";
    pub const OBJECTIVES: &str = "objectives";
    pub const PUBLICITY_TEXT: &str = "publicity.text";
    pub const HOW_TO_APPLY: &str = "publicity.how_to_apply";
    pub const CONTACT: &str = "publicity.contact";
    pub const MEETING_MIN: &str = "meetings.min_minutes";
    pub const MEETING_MAX: &str = "meetings.max_minutes";
    pub const REVIEW_MIN: &str = "reviews.interval.min_months";
    pub const REVIEW_MAX: &str = "reviews.interval.max_months";
    pub const RECORD_MODE: &str = "records.mode";
    pub const NEXT_REVIEW: &str = "policy.next_review";
    pub const REVISION_DATE: &str = "revision.date";
    pub const REVISION_CHANGE: &str = "revision.change";
    pub const REVISION_AUTHOR: &str = "revision.author";
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
    pub id: i64,
    pub programme: Programme,
    /// The organisations taking part, as the database knows them.
    pub organisations: Vec<Organisation>,
    pub access: ProgrammeAccess,
    /// When the policy is next due for review (PRG-6).
    pub next_review: Option<Date>,
    /// Whether that date has come.
    pub review_due: bool,
    pub updated_at: i64,
}

impl ProgrammeView {
    pub fn can_edit(&self) -> bool {
        self.access.can_edit()
    }
}

/// A programme whose policy review date has passed (PRG-6, NTF-1).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PolicyReviewDue {
    pub programme_id: i64,
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
    pub id: i64,
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

/// The settings form (PRG-3, PRG-5, PRG-6), as typed: empty number and
/// date fields mean "not set". The revision fields add one row to the
/// policy's revision history when any of them is filled in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SettingsChange {
    pub name: String,
    pub summary: String,
    /// One objective per line.
    pub objectives: String,
    pub publicity_text: String,
    pub how_to_apply: String,
    pub contact: String,
    pub meeting_min_minutes: String,
    pub meeting_max_minutes: String,
    pub review_min_months: String,
    pub review_max_months: String,
    /// `metadata_only` or `notes_agreed_by_both`.
    pub record_mode: String,
    pub next_review: String,
    pub revision_date: String,
    pub revision_change: String,
    pub revision_author: String,
}

impl SettingsChange {
    /// The form filled in with a programme's current settings.
    pub fn from_programme(programme: &Programme) -> SettingsChange {
        let number = |value: Option<u16>| value.map(|v| v.to_string()).unwrap_or_default();
        let interval = programme.reviews.interval;
        SettingsChange {
            name: programme.name.clone(),
            summary: programme.summary.clone(),
            objectives: programme.objectives.join("\n"),
            publicity_text: programme.publicity.text.clone(),
            how_to_apply: programme.publicity.how_to_apply.clone(),
            contact: programme.publicity.contact.clone(),
            meeting_min_minutes: number(programme.meetings.min_minutes.map(Minutes::get)),
            meeting_max_minutes: number(programme.meetings.max_minutes.map(Minutes::get)),
            review_min_months: number(interval.map(|i| i.min_months.get())),
            review_max_months: number(interval.map(|i| i.max_months.get())),
            record_mode: record_mode_name(programme.records.mode).to_owned(),
            next_review: programme
                .policy
                .next_review
                .map(|d| d.to_string())
                .unwrap_or_default(),
            revision_date: String::new(),
            revision_change: String::new(),
            revision_author: String::new(),
        }
    }
}

/// The stable name of a record-keeping mode, as TOML and forms write it.
pub fn record_mode_name(mode: RecordMode) -> &'static str {
    match mode {
        RecordMode::MetadataOnly => "metadata_only",
        RecordMode::NotesAgreedByBoth => "notes_agreed_by_both",
    }
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

fn parse_stored(stored: &StoredProgramme) -> Result<Programme, AppError> {
    Programme::from_toml_str(&stored.settings).map_err(|errors| {
        let detail: Vec<String> = errors.iter().map(ToString::to_string).collect();
        AppError::Internal(format!(
            "programme {} ({}) has settings Tandem cannot read: {}",
            stored.id,
            stored.key,
            detail.join("; ")
        ))
    })
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
    /// The organisation of the caller's own person record, if any.
    async fn person_organisation(&self, caller: &Principal) -> Result<Option<i64>, AppError> {
        Ok(match caller.person_id {
            Some(id) => self
                .store
                .person_facts(id)
                .await?
                .map(|facts| facts.organisation_id),
            None => None,
        })
    }

    /// The database ids of the organisations a programme names; `None` for
    /// one the database does not know.
    async fn organisation_ids(&self, programme: &Programme) -> Result<Vec<Option<i64>>, AppError> {
        let mut ids = Vec::new();
        for organisation in &programme.organisations {
            ids.push(
                self.store
                    .organisation_by_name(&organisation.name)
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
        let programme = parse_stored(stored)?;
        let next_review = programme.policy.next_review_date();
        Ok(ProgrammeView {
            id: stored.id,
            review_due: programme.policy.review_due(self.today()),
            next_review,
            programme,
            organisations,
            access,
            updated_at: stored.updated_at,
        })
    }

    /// A stored programme and the caller's access to it; "not found" when
    /// the caller is not a member of any organisation taking part.
    async fn programme_with_access(
        &self,
        caller: &Principal,
        id: i64,
    ) -> Result<
        (
            StoredProgramme,
            Vec<Organisation>,
            ProgrammeAccess,
            Option<i64>,
        ),
        AppError,
    > {
        let stored = self.store.programme(id).await?.ok_or(AppError::NotFound)?;
        let organisations = self.store.programme_organisations(id).await?;
        let taking_part: Vec<i64> = organisations.iter().map(|o| o.id).collect();
        let own = self.person_organisation(caller).await?;
        let access = programme_access(caller, id, &taking_part, own).ok_or(AppError::NotFound)?;
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
        for stored in self.store.programmes_in_scope(&scope).await? {
            let organisations = self.store.programme_organisations(stored.id).await?;
            let taking_part: Vec<i64> = organisations.iter().map(|o| o.id).collect();
            if let Some(access) = programme_access(caller, stored.id, &taking_part, own) {
                views.push(self.view(&stored, organisations, access)?);
            }
        }
        Ok(views)
    }

    /// One programme's public information (PRG-5), for any member of an
    /// organisation taking part; "not found" for anyone else.
    pub async fn programme(&self, caller: &Principal, id: i64) -> Result<ProgrammeView, AppError> {
        let (stored, organisations, access, _) = self.programme_with_access(caller, id).await?;
        self.view(&stored, organisations, access)
    }

    /// A programme the caller may change: "not found" if they may not see
    /// it, forbidden if they may see but not change it.
    pub async fn programme_for_editing(
        &self,
        caller: &Principal,
        id: i64,
    ) -> Result<ProgrammeView, AppError> {
        let view = self.programme(caller, id).await?;
        if !view.can_edit() {
            return Err(AppError::Forbidden(tandem_domain::permissions::Forbidden(
                "change this programme's settings",
            )));
        }
        Ok(view)
    }

    /// Changes a programme's most-used settings and, optionally, adds a row
    /// to its policy revision history. Every problem is returned, each
    /// naming its field (see [`fields`]); nothing is saved unless all is well.
    pub async fn update_programme_settings(
        &self,
        caller: &Principal,
        id: i64,
        change: &SettingsChange,
    ) -> Result<ProgrammeView, AppError> {
        let (stored, organisations, _, own) = self.programme_with_access(caller, id).await?;
        let taking_part: Vec<i64> = organisations.iter().map(|o| o.id).collect();
        let authority = authorise_programme_edit(caller, id, &taking_part, own)?;
        let mut programme = parse_stored(&stored)?;
        apply_settings(&mut programme, change)?;
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
            .update_programme(
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
    /// error; nothing is written unless the whole file is sound.
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
            .programme_by_key(programme.key.as_str())
            .await?
            .is_some()
        {
            return Err(key_taken(source, programme.key.as_str()));
        }
        let id = self.save_new(&authority, &programme, source).await?;
        Ok(self.programme(caller, id).await?)
    }

    async fn save_new(
        &self,
        authority: &ProgrammeCreateAuthority,
        programme: &Programme,
        source: &str,
    ) -> Result<i64, ProgrammeImportFailure> {
        let settings = export(programme)?;
        let write = ProgrammeWrite {
            key: programme.key.as_str(),
            name: &programme.name,
            settings: &settings,
            organisations: &programme.organisations,
        };
        match self.store.create_programme(authority, &write).await {
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
        id: i64,
        source: &str,
    ) -> Result<ProgrammeView, ProgrammeImportFailure> {
        let (stored, organisations, _, own) = self.programme_with_access(caller, id).await?;
        let taking_part: Vec<i64> = organisations.iter().map(|o| o.id).collect();
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
            let mut named: Vec<Option<i64>> = self.organisation_ids(&programme).await?;
            named.sort_unstable();
            named.dedup();
            let mut current: Vec<Option<i64>> = taking_part.iter().copied().map(Some).collect();
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
        let (id, created) = match self.store.programme_by_key(programme.key.as_str()).await? {
            Some(existing) => {
                self.save_existing(&operator.programme_edit(existing.id), &programme, None)
                    .await?;
                (existing.id, false)
            }
            None => (
                self.save_new(&operator.programme_create(), &programme, source)
                    .await?,
                true,
            ),
        };
        Ok(ImportedProgramme {
            id,
            key: programme.key.as_str().to_owned(),
            name: programme.name.clone(),
            created,
            organisations: self.store.programme_organisations(id).await?,
        })
    }

    /// Every programme, for the operator's `tandem programme list`, with
    /// its next policy review date and whether that has come.
    pub async fn all_programmes(
        &self,
    ) -> Result<Vec<(ImportedProgramme, Option<Date>, bool)>, AppError> {
        let mut all = Vec::new();
        for stored in self.store.list_programmes(None).await? {
            let programme = parse_stored(&stored)?;
            all.push((
                ImportedProgramme {
                    id: stored.id,
                    key: stored.key.clone(),
                    name: stored.name.clone(),
                    created: false,
                    organisations: self.store.programme_organisations(stored.id).await?,
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
        if parsed_key.is_some() && self.store.programme_by_key(key).await?.is_some() {
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
            .parse::<i64>()
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
        let problems = programme.problems();
        if !problems.is_empty() {
            return Err(AppError::Invalid(
                problems.into_iter().map(to_field_error).collect(),
            ));
        }
        let id = match self.save_new(&authority, &programme, "").await {
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
        let mut due: Vec<PolicyReviewDue> = self
            .list_programmes(caller)
            .await?
            .into_iter()
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
        Ok(due)
    }
}

/// Where a domain problem shows on the settings form.
fn form_field_for(key: &str, new_revision: Option<usize>) -> String {
    if let Some(position) = new_revision {
        let prefix = format!("policy.revisions[{position}].");
        if let Some(rest) = key.strip_prefix(&prefix) {
            return match rest {
                "date" => fields::REVISION_DATE,
                "change" => fields::REVISION_CHANGE,
                _ => fields::REVISION_AUTHOR,
            }
            .to_owned();
        }
    }
    if key.starts_with("objectives") {
        return fields::OBJECTIVES.to_owned();
    }
    if key.starts_with("records.") {
        return fields::RECORD_MODE.to_owned();
    }
    if key == "reviews.interval" {
        return fields::REVIEW_MIN.to_owned();
    }
    key.to_owned()
}

fn to_field_error(problem: SettingProblem) -> FieldError {
    FieldError {
        field: problem.key,
        message: problem.message,
    }
}

/// Applies the form to a programme: returns the position of the revision
/// added, if any, or every problem with the form.
fn apply_settings(
    programme: &mut Programme,
    change: &SettingsChange,
) -> Result<Option<usize>, AppError> {
    let mut errors = Vec::new();
    programme.name = change.name.trim().to_owned();
    programme.summary = change.summary.trim().to_owned();
    programme.objectives = change
        .objectives
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect();
    programme.publicity.text = change.publicity_text.trim().to_owned();
    programme.publicity.how_to_apply = change.how_to_apply.trim().to_owned();
    programme.publicity.contact = change.contact.trim().to_owned();

    let minutes =
        |field: &str, text: &str, what: &str, errors: &mut Vec<FieldError>| -> Option<Minutes> {
            let text = text.trim();
            if text.is_empty() {
                return None;
            }
            match text.parse::<i64>().ok().map(Minutes::parse) {
                Some(Ok(minutes)) => Some(minutes),
                _ => {
                    errors.push(field_error(
                        field,
                        format!(
                            "Enter {what} as a whole number of minutes from {} to {}, like 60",
                            Minutes::MIN,
                            Minutes::MAX
                        ),
                    ));
                    None
                }
            }
        };
    let months =
        |field: &str, text: &str, what: &str, errors: &mut Vec<FieldError>| -> Option<Months> {
            let text = text.trim();
            if text.is_empty() {
                return None;
            }
            match text.parse::<i64>().ok().map(Months::parse) {
                Some(Ok(months)) => Some(months),
                _ => {
                    errors.push(field_error(
                        field,
                        format!(
                            "Enter {what} as a whole number of months from {} to {}, like 3",
                            Months::MIN,
                            Months::MAX
                        ),
                    ));
                    None
                }
            }
        };

    let min_ok = change.meeting_min_minutes.trim().is_empty();
    let max_ok = change.meeting_max_minutes.trim().is_empty();
    let min = minutes(
        fields::MEETING_MIN,
        &change.meeting_min_minutes,
        "the shortest meeting",
        &mut errors,
    );
    let max = minutes(
        fields::MEETING_MAX,
        &change.meeting_max_minutes,
        "the longest meeting",
        &mut errors,
    );
    if min.is_some() || min_ok {
        programme.meetings.min_minutes = min;
    }
    if max.is_some() || max_ok {
        programme.meetings.max_minutes = max;
    }

    let review_min_text = change.review_min_months.trim();
    let review_max_text = change.review_max_months.trim();
    let review_min = months(
        fields::REVIEW_MIN,
        review_min_text,
        "the shortest gap between reviews",
        &mut errors,
    );
    let review_max = months(
        fields::REVIEW_MAX,
        review_max_text,
        "the longest gap between reviews",
        &mut errors,
    );
    match (review_min_text.is_empty(), review_max_text.is_empty()) {
        (true, true) => programme.reviews.interval = None,
        (false, true) => errors.push(field_error(
            fields::REVIEW_MAX,
            "Enter the longest gap between reviews too, or leave both gaps empty",
        )),
        (true, false) => errors.push(field_error(
            fields::REVIEW_MIN,
            "Enter the shortest gap between reviews too, or leave both gaps empty",
        )),
        (false, false) => {
            if let (Some(min_months), Some(max_months)) = (review_min, review_max) {
                programme.reviews.interval = Some(MonthRange {
                    min_months,
                    max_months,
                });
            }
        }
    }

    match change.record_mode.trim() {
        "metadata_only" => {
            programme.records.mode = RecordMode::MetadataOnly;
            // Metadata only means there are no notes: nobody writes,
            // agrees or shares them.
            programme.records.written_by = None;
            programme.records.agreed_by.clear();
            programme.records.may_share_with.clear();
        }
        "notes_agreed_by_both" => programme.records.mode = RecordMode::NotesAgreedByBoth,
        _ => errors.push(field_error(
            fields::RECORD_MODE,
            "Choose what is recorded about meetings",
        )),
    }

    let next_review = change.next_review.trim();
    if next_review.is_empty() {
        programme.policy.next_review = None;
    } else {
        match PolicyDate::parse(next_review) {
            Ok(date) => programme.policy.next_review = Some(date),
            Err(_) => errors.push(field_error(
                fields::NEXT_REVIEW,
                "Enter the next review date as a month, like 2027-04, or a day, like 2027-04-30",
            )),
        }
    }

    let revision_date = change.revision_date.trim();
    let revision_change = change.revision_change.trim();
    let revision_author = change.revision_author.trim();
    let mut new_revision = None;
    if !(revision_date.is_empty() && revision_change.is_empty() && revision_author.is_empty()) {
        let date = match PolicyDate::parse(revision_date) {
            Ok(date) => Some(date),
            Err(_) => {
                errors.push(field_error(
                    fields::REVISION_DATE,
                    if revision_date.is_empty() {
                        "Enter the date of the revision, like 2026-04-30"
                    } else {
                        "Enter the date of the revision as a day, like 2026-04-30, or a month, like 2026-04"
                    },
                ));
                None
            }
        };
        if revision_change.is_empty() {
            errors.push(field_error(
                fields::REVISION_CHANGE,
                "Say what changed in the policy",
            ));
        }
        if revision_author.is_empty() {
            errors.push(field_error(
                fields::REVISION_AUTHOR,
                "Enter who made the revision",
            ));
        }
        if let (Some(date), false, false) =
            (date, revision_change.is_empty(), revision_author.is_empty())
        {
            new_revision = Some(programme.policy.revisions.len());
            programme.policy.revisions.push(Revision {
                date,
                change: revision_change.to_owned(),
                author: revision_author.to_owned(),
                next_review: None,
            });
        }
    }

    for problem in programme.problems() {
        let field = form_field_for(&problem.key, new_revision);
        // A field already reported as unreadable is not reported twice.
        if !errors.iter().any(|e| e.field == field) {
            errors.push(FieldError {
                field,
                message: problem.message,
            });
        }
    }
    if errors.is_empty() {
        Ok(new_revision)
    } else {
        Err(AppError::Invalid(errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_top_level_key_is_found_before_any_table() {
        let source = "# a comment\nname = \"x\"\nkey = \"abc\"\n[[tracks]]\nkey = \"t\"\n";
        assert_eq!(line_of_top_level_key(source), 3);
        assert_eq!(line_of_top_level_key("[[tracks]]\nkey = \"t\"\n"), 1);
    }

    #[test]
    fn the_settings_form_round_trips_a_shipped_template() {
        for (key, source) in SHIPPED_TEMPLATES {
            let original = Programme::from_toml_str(source).expect("a shipped template reads");
            let mut programme = original.clone();
            let change = SettingsChange::from_programme(&programme);
            assert_eq!(
                apply_settings(&mut programme, &change).expect("unchanged is valid"),
                None,
                "{key}"
            );
            assert_eq!(
                programme, original,
                "{key}: saving the form unchanged changes nothing"
            );
        }
    }

    #[test]
    fn a_longer_shortest_meeting_is_reported_on_its_field() {
        let mut programme =
            Programme::from_toml_str(shipped_template("cwt").expect("cwt ships")).expect("reads");
        let mut change = SettingsChange::from_programme(&programme);
        change.meeting_min_minutes = "120".into();
        change.meeting_max_minutes = "60".into();
        let Err(AppError::Invalid(errors)) = apply_settings(&mut programme, &change) else {
            panic!("min above max is refused");
        };
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].field, fields::MEETING_MIN);
    }

    #[test]
    fn a_revision_needs_all_three_parts_and_lands_on_its_fields() {
        let mut programme =
            Programme::from_toml_str(shipped_template("fun").expect("fun ships")).expect("reads");
        let mut change = SettingsChange::from_programme(&programme);
        change.revision_change = "Annual review".into();
        let Err(AppError::Invalid(errors)) = apply_settings(&mut programme.clone(), &change) else {
            panic!("a revision without date or author is refused");
        };
        let named: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(named, [fields::REVISION_DATE, fields::REVISION_AUTHOR]);
        // Older than the latest revision: the domain's ordering rule.
        change.revision_date = "2015-01".into();
        change.revision_author = "A. Coordinator".into();
        let Err(AppError::Invalid(errors)) = apply_settings(&mut programme.clone(), &change) else {
            panic!("an out-of-order revision is refused");
        };
        assert_eq!(errors[0].field, fields::REVISION_DATE, "{errors:?}");
        change.revision_date = "2026-04-30".into();
        change.next_review = "2027-04".into();
        assert_eq!(
            apply_settings(&mut programme, &change).expect("valid"),
            Some(2)
        );
        assert_eq!(programme.policy.revisions.len(), 3);
    }
}
