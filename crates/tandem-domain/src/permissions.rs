//! Every permission decision Tandem makes about people and accounts.
//!
//! Handlers and use cases never compare roles themselves: they ask this
//! module, which answers with a decision or with an authority value that
//! only this module can construct (so a use case that needs one cannot be
//! called without the check having been made).

use serde::Serialize;

use crate::ids::{AccountId, OrganisationId, PersonId, ProgrammeId, ProposalId, RequestId};
use crate::roles::{Role, RoleGrant};
pub mod relationships;

/// The signed-in caller: an account, the person it belongs to (if any), and
/// the roles it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub account_id: AccountId,
    pub person_id: Option<PersonId>,
    pub display_name: String,
    pub grants: Vec<RoleGrant>,
}

impl Principal {
    pub fn is_administrator(&self) -> bool {
        self.grants.iter().any(|g| g.role == Role::Administrator)
    }

    pub fn has_role(&self, role: Role) -> bool {
        self.grants.iter().any(|g| g.role == role)
    }

    /// The distinct roles held, in display order.
    pub fn roles(&self) -> Vec<Role> {
        let mut roles: Vec<Role> = self.grants.iter().map(|g| g.role).collect();
        roles.sort();
        roles.dedup();
        roles
    }

    /// Organisations in which the caller holds any of `roles`.
    pub fn organisations_with(&self, roles: &[Role]) -> Vec<OrganisationId> {
        let mut ids: Vec<OrganisationId> = self
            .grants
            .iter()
            .filter(|g| roles.contains(&g.role))
            .filter_map(|g| g.organisation_id)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}

/// Who acts, for the audit log: a signed-in account, or the operator
/// (whoever runs `tandem` against the database: the command line and the
/// demo loader). The store writes the operator as no account (NULL), and
/// this is the one place that says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    Account(AccountId),
    Operator,
}

impl Actor {
    /// The account acting, or `None` for the operator.
    pub fn account_id(self) -> Option<AccountId> {
        match self {
            Actor::Account(id) => Some(id),
            Actor::Operator => None,
        }
    }
}

/// How the store holds an actor: an account id, or none for the operator.
impl From<Option<AccountId>> for Actor {
    fn from(account_id: Option<AccountId>) -> Actor {
        account_id.map_or(Actor::Operator, Actor::Account)
    }
}

impl Principal {
    /// The caller as the audit log names them.
    pub fn actor(&self) -> Actor {
        Actor::Account(self.account_id)
    }

    /// The distinct roles held in one organisation, in display order.
    pub fn roles_in(&self, organisation_id: OrganisationId) -> Vec<Role> {
        let mut roles: Vec<Role> = self
            .grants
            .iter()
            .filter(|g| g.organisation_id == Some(organisation_id))
            .map(|g| g.role)
            .collect();
        roles.sort();
        roles.dedup();
        roles
    }
}

/// The operator's capability: whoever can run `tandem` against the
/// database already holds every authority, so the command line and the demo
/// loader act through this value. It is the only way to an authority
/// without a permission check, and an invariant test checks that only
/// `tandem-cli` and the demo loader call [`Operator::assume`].
#[derive(Debug)]
pub struct Operator {
    _sealed: (),
}

impl Operator {
    /// Takes the operator's authority. For the command line and the demo
    /// loader only.
    pub fn assume() -> Operator {
        Operator { _sealed: () }
    }

    pub fn people_import(&self, organisation_id: OrganisationId) -> PeopleImportAuthority {
        PeopleImportAuthority {
            organisation_id,
            actor: Actor::Operator,
        }
    }

    pub fn programme_create(&self) -> ProgrammeCreateAuthority {
        ProgrammeCreateAuthority {
            actor: Actor::Operator,
        }
    }

    pub fn programme_edit(&self, programme_id: ProgrammeId) -> ProgrammeAuthority {
        ProgrammeAuthority {
            programme_id,
            actor: Actor::Operator,
        }
    }

    /// `identified`: the mentor was identified by the scheme's staff rather
    /// than volunteering (REG-3).
    pub fn register_entry(
        &self,
        programme_id: ProgrammeId,
        person_id: PersonId,
        identified: bool,
    ) -> RegisterAuthority {
        RegisterAuthority {
            programme_id,
            person_id,
            actor: Actor::Operator,
            identified,
        }
    }

    /// Automatic enrolment (REQ-4) and the demo make requests for people.
    pub fn request(&self, programme_id: ProgrammeId, person_id: PersonId) -> RequestAuthority {
        RequestAuthority {
            programme_id,
            person_id,
            actor: Actor::Operator,
        }
    }

    pub fn screening(&self, request_id: RequestId) -> ScreeningAuthority {
        ScreeningAuthority {
            request_id,
            actor: Actor::Operator,
        }
    }

    pub fn matching(&self, programme_id: ProgrammeId) -> MatchingAuthority {
        MatchingAuthority {
            programme_id,
            actor: Actor::Operator,
            mentee_organisations: None,
        }
    }
}

/// Roles whose holders see the whole staff directory of their organisation.
/// People-directory data (names, teams, managers) is not relationship
/// content, so the staff who run a scheme may read it.
const ORGANISATION_STAFF: [Role; 3] = [Role::Coordinator, Role::Hr, Role::SupervisingSocialWorker];

/// Roles that may load an HR export into an organisation (PPL-3).
const IMPORTERS: [Role; 2] = [Role::Coordinator, Role::Hr];

/// Whose sessions a caller may list and end: their own account's, and
/// nobody else's — an administrator's neither. Someone else's session is
/// "not found".
pub fn own_sessions(principal: &Principal) -> AccountId {
    principal.account_id
}

/// Whose characteristics for matching a caller may read and change
/// (MAT-1, issue 11): their own person's, and nobody else's — neither a
/// coordinator's nor an administrator's. `None` for an account with no
/// person (an operator's or an administrator's own).
pub fn own_identity(principal: &Principal) -> Option<PersonId> {
    principal.person_id
}

/// Administrators see the whole system's figures and its recent audit
/// events on their home page.
pub fn sees_system_overview(principal: &Principal) -> bool {
    principal.is_administrator()
}

/// The organisations whose staff card (people, roles, import) the caller's
/// home page shows: those where they coordinate, work in HR or supervise.
pub fn staffed_organisations(principal: &Principal) -> Vec<OrganisationId> {
    principal.organisations_with(&ORGANISATION_STAFF)
}

/// The person whose reports a line manager sees, and whose consultations
/// they answer (REQ-5); `None` for everyone else.
pub fn managing_person(principal: &Principal) -> Option<PersonId> {
    principal
        .person_id
        .filter(|_| principal.has_role(Role::LineManager))
}

/// Whether the caller screens requests in any programme (REQ-3), so that
/// their home page looks for requests waiting.
pub fn screens_anywhere(principal: &Principal) -> bool {
    principal.is_administrator() || principal.has_role(Role::Coordinator)
}

/// Only administrators change which organisations take part in a
/// programme; a coordinator may edit the rest of its settings.
pub fn may_change_taking_part(principal: &Principal) -> bool {
    principal.is_administrator()
}

/// Which people a listing may contain for a caller. The store turns this
/// into a filter; an empty scope lists nobody.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PeopleScope {
    pub everyone: bool,
    pub organisations: Vec<OrganisationId>,
    /// Everyone below this person in the management chain.
    pub reports_of: Option<PersonId>,
    /// The caller's own person record.
    pub own: Option<PersonId>,
}

impl PeopleScope {
    pub fn is_empty(&self) -> bool {
        !self.everyone
            && self.organisations.is_empty()
            && self.reports_of.is_none()
            && self.own.is_none()
    }
}

impl PeopleScope {
    /// The same people, without naming the caller's own record where the
    /// scope already covers it (everyone, or their own organisation): so a
    /// coordinator's listing is one organisation's people, which an index
    /// reads in name order, rather than "this organisation or this one
    /// record", which must be sorted whole (issue 17).
    pub fn covering_own(mut self, own_organisation: Option<OrganisationId>) -> PeopleScope {
        if self.everyone || own_organisation.is_some_and(|o| self.organisations.contains(&o)) {
            self.own = None;
        }
        self
    }
}

/// The people a caller may list.
pub fn people_scope(principal: &Principal) -> PeopleScope {
    PeopleScope {
        everyone: principal.is_administrator(),
        organisations: principal.organisations_with(&ORGANISATION_STAFF),
        reports_of: managing_person(principal),
        own: principal.person_id,
    }
}

/// What the caller needs to know about a person to decide access.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonFacts {
    pub person_id: PersonId,
    pub organisation_id: OrganisationId,
    /// The person's managers, nearest first, up to the top of the chain.
    pub managers_above: Vec<PersonId>,
}

/// Why the caller may see a person, strongest reason first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonAccess {
    Administrator,
    OrganisationStaff,
    Own,
    LineManager,
}

impl PersonAccess {
    /// The name the API gives this reason.
    pub fn as_str(self) -> &'static str {
        match self {
            PersonAccess::Administrator => "administrator",
            PersonAccess::OrganisationStaff => "organisation_staff",
            PersonAccess::Own => "own",
            PersonAccess::LineManager => "line_manager",
        }
    }

    /// Fostering household details (PPL-2) are for the scheme's staff and
    /// the carer, not for anyone who happens to manage them.
    pub fn sees_household(self) -> bool {
        !matches!(self, PersonAccess::LineManager)
    }
}

/// Decides whether the caller may open a person's page; `None` means no
/// (and callers answer "not found", so existence does not leak either).
pub fn person_access(principal: &Principal, target: &PersonFacts) -> Option<PersonAccess> {
    if principal.is_administrator() {
        return Some(PersonAccess::Administrator);
    }
    if principal
        .organisations_with(&ORGANISATION_STAFF)
        .contains(&target.organisation_id)
    {
        return Some(PersonAccess::OrganisationStaff);
    }
    if principal.person_id == Some(target.person_id) {
        return Some(PersonAccess::Own);
    }
    match principal.person_id {
        Some(me)
            if principal.has_role(Role::LineManager) && target.managers_above.contains(&me) =>
        {
            Some(PersonAccess::LineManager)
        }
        _ => None,
    }
}

/// Proof that the caller may import people into one organisation. Only
/// [`authorise_people_import`] makes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeopleImportAuthority {
    organisation_id: OrganisationId,
    actor: Actor,
}

impl PeopleImportAuthority {
    /// The one organisation this authority imports into.
    pub fn organisation_id(&self) -> OrganisationId {
        self.organisation_id
    }

    pub fn actor(&self) -> Actor {
        self.actor
    }
}

/// The caller may not do this.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("you do not have permission to {0}")]
pub struct Forbidden(pub &'static str);

/// Administrators, and coordinators and HR of the organisation, may import.
pub fn authorise_people_import(
    principal: &Principal,
    organisation_id: OrganisationId,
) -> Result<PeopleImportAuthority, Forbidden> {
    if principal.is_administrator()
        || principal
            .organisations_with(&IMPORTERS)
            .contains(&organisation_id)
    {
        Ok(PeopleImportAuthority {
            organisation_id,
            actor: principal.actor(),
        })
    } else {
        Err(Forbidden("import people into this organisation"))
    }
}

/// Organisations the caller may import into; empty for most roles.
pub fn importable_organisations(principal: &Principal) -> ImportTargets {
    if principal.is_administrator() {
        ImportTargets::All
    } else {
        ImportTargets::Some(principal.organisations_with(&IMPORTERS))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportTargets {
    All,
    Some(Vec<OrganisationId>),
}

impl ImportTargets {
    pub fn allows(&self, organisation_id: OrganisationId) -> bool {
        match self {
            ImportTargets::All => true,
            ImportTargets::Some(ids) => ids.contains(&organisation_id),
        }
    }

    pub fn is_empty(&self) -> bool {
        matches!(self, ImportTargets::Some(ids) if ids.is_empty())
    }
}

/// Why the caller may see a programme (PRG-5), strongest reason first.
/// `None` from [`programme_access`] means the caller is not a member of
/// any organisation taking part, and is answered "not found".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProgrammeAccess {
    /// Sees and edits every programme.
    Administrator,
    /// Coordinates the programme for a taking-part organisation: may edit it.
    Coordinator,
    /// Holds another role in a taking-part organisation, or is on its staff.
    Member,
}

impl ProgrammeAccess {
    /// Whether the caller may change the programme's settings.
    pub fn can_edit(self) -> bool {
        matches!(
            self,
            ProgrammeAccess::Administrator | ProgrammeAccess::Coordinator
        )
    }
}

/// Whether a grant applies to this programme: a grant scoped to one
/// programme applies to that programme only; an organisation-wide grant
/// applies to every programme its organisation takes part in.
fn grant_covers_programme(
    grant: &RoleGrant,
    programme_id: ProgrammeId,
    taking_part: &[OrganisationId],
) -> bool {
    match grant.programme_id {
        Some(scoped) => scoped == programme_id,
        None => grant
            .organisation_id
            .is_some_and(|organisation| taking_part.contains(&organisation)),
    }
}

/// Decides whether the caller may see a programme's page (PRG-5): anyone
/// signed in whose own organisation takes part, or who holds a role in a
/// taking-part organisation. Coordinators of a taking-part organisation may
/// also edit it.
pub fn programme_access(
    principal: &Principal,
    programme_id: ProgrammeId,
    taking_part: &[OrganisationId],
    person_organisation: Option<OrganisationId>,
) -> Option<ProgrammeAccess> {
    if principal.is_administrator() {
        return Some(ProgrammeAccess::Administrator);
    }
    let covering = || {
        principal
            .grants
            .iter()
            .filter(|grant| grant_covers_programme(grant, programme_id, taking_part))
    };
    if covering().any(|grant| grant.role == Role::Coordinator) {
        return Some(ProgrammeAccess::Coordinator);
    }
    if covering().next().is_some()
        || person_organisation.is_some_and(|organisation| taking_part.contains(&organisation))
    {
        return Some(ProgrammeAccess::Member);
    }
    None
}

/// Whether a programme is published or still a draft (issue 12): a new
/// programme starts as a draft, seen only by those who may edit it, and is
/// published by a deliberate step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Publication {
    Draft,
    Published,
}

/// The caller's access to a programme that may be a draft: as
/// [`programme_access`], except that a draft is hidden from everyone who
/// may not edit it, so that nobody asks for a mentor, volunteers or reads
/// its register before its coordinators publish it.
pub fn visible_programme_access(
    principal: &Principal,
    programme_id: ProgrammeId,
    taking_part: &[OrganisationId],
    person_organisation: Option<OrganisationId>,
    publication: Publication,
) -> Option<ProgrammeAccess> {
    programme_access(principal, programme_id, taking_part, person_organisation)
        .filter(|access| publication == Publication::Published || access.can_edit())
}

/// Whether anyone may ask for a mentor or volunteer as one in a programme:
/// only once it is published, even its own coordinators (issue 12).
pub fn takes_part_requests(publication: Publication) -> bool {
    publication == Publication::Published
}

/// Whether someone not signed in may read a programme's public page: only
/// once it is published, and only where its settings make it public.
pub fn readable_without_sign_in(publication: Publication, public: bool) -> bool {
    publication == Publication::Published && public
}

/// Which programmes a listing may contain for a caller.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProgrammeScope {
    /// Every programme (administrators).
    pub everyone: bool,
    /// Programmes any of these organisations take part in.
    pub organisations: Vec<OrganisationId>,
    /// Programmes named by a programme-scoped grant.
    pub programmes: Vec<ProgrammeId>,
}

/// The programmes a caller may list: those of every organisation they hold
/// a role in or work for, and those a grant names.
pub fn programme_scope(
    principal: &Principal,
    person_organisation: Option<OrganisationId>,
) -> ProgrammeScope {
    let mut organisations: Vec<OrganisationId> = principal
        .grants
        .iter()
        .filter(|grant| grant.programme_id.is_none())
        .filter_map(|grant| grant.organisation_id)
        .chain(person_organisation)
        .collect();
    organisations.sort_unstable();
    organisations.dedup();
    let mut programmes: Vec<ProgrammeId> = principal
        .grants
        .iter()
        .filter_map(|grant| grant.programme_id)
        .collect();
    programmes.sort_unstable();
    programmes.dedup();
    ProgrammeScope {
        everyone: principal.is_administrator(),
        organisations,
        programmes,
    }
}

/// Proof that the caller may write one programme's settings. Only
/// [`authorise_programme_edit`] (and the [`Operator`]) make one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgrammeAuthority {
    programme_id: ProgrammeId,
    actor: Actor,
}

impl ProgrammeAuthority {
    /// The one programme this authority may change.
    pub fn programme_id(&self) -> ProgrammeId {
        self.programme_id
    }

    pub fn actor(&self) -> Actor {
        self.actor
    }
}

/// Proof that the caller may add a programme for the organisations it
/// names. Only [`authorise_programme_create`] (and the [`Operator`]) make one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgrammeCreateAuthority {
    actor: Actor,
}

impl ProgrammeCreateAuthority {
    pub fn actor(&self) -> Actor {
        self.actor
    }
}

/// Administrators, and coordinators of an organisation taking part, may
/// change a programme's settings.
pub fn authorise_programme_edit(
    principal: &Principal,
    programme_id: ProgrammeId,
    taking_part: &[OrganisationId],
    person_organisation: Option<OrganisationId>,
) -> Result<ProgrammeAuthority, Forbidden> {
    match programme_access(principal, programme_id, taking_part, person_organisation) {
        Some(access) if access.can_edit() => Ok(ProgrammeAuthority {
            programme_id,
            actor: principal.actor(),
        }),
        _ => Err(Forbidden("change this programme's settings")),
    }
}

/// Organisations the caller may start a programme for: every one for
/// administrators, those they coordinate for coordinators.
pub fn programme_creation_targets(principal: &Principal) -> ImportTargets {
    if principal.is_administrator() {
        ImportTargets::All
    } else {
        ImportTargets::Some(principal.organisations_with(&[Role::Coordinator]))
    }
}

/// Administrators may create a programme for any organisations; a
/// coordinator only for organisations they coordinate, every one of them
/// already known (`None` is an organisation not yet in the database).
pub fn authorise_programme_create(
    principal: &Principal,
    organisations: &[Option<OrganisationId>],
) -> Result<ProgrammeCreateAuthority, Forbidden> {
    let targets = programme_creation_targets(principal);
    let allowed = match &targets {
        ImportTargets::All => true,
        ImportTargets::Some(ids) => {
            !ids.is_empty()
                && organisations
                    .iter()
                    .all(|organisation| organisation.is_some_and(|id| ids.contains(&id)))
        }
    };
    if allowed {
        Ok(ProgrammeCreateAuthority {
            actor: principal.actor(),
        })
    } else {
        Err(Forbidden(
            "create a programme for organisations you do not coordinate",
        ))
    }
}

/// Where the coordinators of one organisation run a programme: the grant
/// covers the programme and names that organisation.
fn coordinates_for(
    principal: &Principal,
    roles: &[Role],
    programme_id: ProgrammeId,
    taking_part: &[OrganisationId],
    organisation_id: OrganisationId,
) -> bool {
    taking_part.contains(&organisation_id)
        && principal.grants.iter().any(|grant| {
            roles.contains(&grant.role)
                && grant.organisation_id == Some(organisation_id)
                && grant_covers_programme(grant, programme_id, taking_part)
        })
}

/// Roles that keep an organisation's entries on a programme's mentor
/// register: coordinators, and supervising social workers who identify
/// carers as mentors (REG-3, REG-5).
const REGISTER_KEEPERS: [Role; 2] = [Role::Coordinator, Role::SupervisingSocialWorker];

/// Proof that the caller may add or change one person's entry on one
/// programme's mentor register. Only [`authorise_register_entry`] makes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterAuthority {
    programme_id: ProgrammeId,
    person_id: PersonId,
    actor: Actor,
    identified: bool,
}

impl RegisterAuthority {
    /// The programme whose register this authority writes.
    pub fn programme_id(&self) -> ProgrammeId {
        self.programme_id
    }

    /// The one mentor whose entry this authority writes.
    pub fn person_id(&self) -> PersonId {
        self.person_id
    }

    pub fn actor(&self) -> Actor {
        self.actor
    }

    /// Whether someone other than the mentor acts (the mentor was
    /// identified rather than volunteering).
    pub fn identified(&self) -> bool {
        self.identified
    }
}

/// A person may put themselves on a programme's register (volunteer) and
/// keep their own entry when their organisation takes part; the
/// coordinators and supervising social workers of the person's own
/// organisation may identify them and keep their entry (REG-5): a
/// coordinator of organisation A may not touch organisation B's mentors.
pub fn authorise_register_entry(
    principal: &Principal,
    programme_id: ProgrammeId,
    taking_part: &[OrganisationId],
    mentor: &PersonFacts,
) -> Result<RegisterAuthority, Forbidden> {
    let own = principal.person_id == Some(mentor.person_id);
    if principal.is_administrator()
        || coordinates_for(
            principal,
            &REGISTER_KEEPERS,
            programme_id,
            taking_part,
            mentor.organisation_id,
        )
    {
        return Ok(RegisterAuthority {
            programme_id,
            person_id: mentor.person_id,
            actor: principal.actor(),
            identified: !own,
        });
    }
    if own && taking_part.contains(&mentor.organisation_id) {
        return Ok(RegisterAuthority {
            programme_id,
            person_id: mentor.person_id,
            actor: principal.actor(),
            identified: false,
        });
    }
    Err(Forbidden("change this mentor's entry on the register"))
}

/// How much of a programme's mentor register the caller sees.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RegisterScope {
    /// Every entry in full (administrators).
    pub everyone: bool,
    /// Entries of mentors in these organisations, in full.
    pub organisations: Vec<OrganisationId>,
    /// The caller's own entry, in full.
    pub own: Option<PersonId>,
    /// Every other entry, showing only what its profile publishes
    /// (mentees choosing from the register, REG-4).
    pub browse: bool,
}

/// What the caller sees of one entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryView {
    Full,
    Published,
}

impl RegisterScope {
    pub fn view(
        &self,
        mentor_person_id: PersonId,
        mentor_organisation_id: OrganisationId,
    ) -> Option<EntryView> {
        if self.everyone
            || self.organisations.contains(&mentor_organisation_id)
            || self.own == Some(mentor_person_id)
        {
            Some(EntryView::Full)
        } else if self.browse {
            Some(EntryView::Published)
        } else {
            None
        }
    }

    pub fn is_empty(&self) -> bool {
        !self.everyone && self.organisations.is_empty() && self.own.is_none() && !self.browse
    }
}

/// The register a caller sees: coordinators and supervising social
/// workers see their own organisations' entries in full; members of a
/// taking-part organisation browse the published profiles where the
/// programme lets mentees choose from the register (REG-4).
pub fn register_scope(
    principal: &Principal,
    programme_id: ProgrammeId,
    taking_part: &[OrganisationId],
    person_organisation: Option<OrganisationId>,
    mentees_choose: bool,
) -> RegisterScope {
    let access = programme_access(principal, programme_id, taking_part, person_organisation);
    let organisations = taking_part
        .iter()
        .copied()
        .filter(|&org| {
            coordinates_for(principal, &REGISTER_KEEPERS, programme_id, taking_part, org)
        })
        .collect();
    RegisterScope {
        everyone: principal.is_administrator(),
        organisations,
        own: principal.person_id.filter(|_| access.is_some()),
        browse: mentees_choose && access.is_some(),
    }
}

/// What access decisions about a mentor request need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestFacts {
    pub programme_id: ProgrammeId,
    pub taking_part: Vec<OrganisationId>,
    pub mentee: PersonFacts,
}

/// Why the caller may see a mentor request, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestAccess {
    Administrator,
    /// Coordinates the programme for the mentee's organisation: screens it.
    Coordinator,
    /// The mentee.
    Mentee,
    /// Manages the mentee: sees that the request exists and the time it
    /// implies, never its goals or preferences (REQ-5).
    LineManager,
}

impl RequestAccess {
    /// Whether the caller may read what the mentee wrote.
    pub fn sees_content(self) -> bool {
        !matches!(self, RequestAccess::LineManager)
    }

    /// Whether the caller may read the line manager's words on the time
    /// (REQ-5): those who screen it and the manager who wrote them, never
    /// the mentee.
    pub fn reads_consultation_note(self) -> bool {
        !matches!(self, RequestAccess::Mentee)
    }
}

/// Decides whether the caller may see a request; `None` is "not found".
pub fn request_access(principal: &Principal, facts: &RequestFacts) -> Option<RequestAccess> {
    if principal.is_administrator() {
        return Some(RequestAccess::Administrator);
    }
    if coordinates_for(
        principal,
        &[Role::Coordinator],
        facts.programme_id,
        &facts.taking_part,
        facts.mentee.organisation_id,
    ) {
        return Some(RequestAccess::Coordinator);
    }
    if principal.person_id == Some(facts.mentee.person_id) {
        return Some(RequestAccess::Mentee);
    }
    match principal.person_id {
        Some(me)
            if principal.has_role(Role::LineManager)
                && facts.mentee.managers_above.contains(&me) =>
        {
            Some(RequestAccess::LineManager)
        }
        _ => None,
    }
}

/// Proof that the caller may make a mentor request for one person in one
/// programme. Only [`authorise_request`] (and the [`Operator`]) make one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestAuthority {
    programme_id: ProgrammeId,
    person_id: PersonId,
    actor: Actor,
}

impl RequestAuthority {
    pub fn programme_id(&self) -> ProgrammeId {
        self.programme_id
    }

    /// The one person this authority asks for a mentor for.
    pub fn person_id(&self) -> PersonId {
        self.person_id
    }

    pub fn actor(&self) -> Actor {
        self.actor
    }
}

/// Proof that the caller is the mentee answering the self-assessment of
/// one request. Only [`authorise_self_assessment`] makes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelfAssessmentAuthority {
    request_id: RequestId,
    actor: Actor,
}

impl SelfAssessmentAuthority {
    pub fn request_id(&self) -> RequestId {
        self.request_id
    }

    pub fn actor(&self) -> Actor {
        self.actor
    }
}

/// A person may ask for a mentor for themselves when their organisation
/// takes part; administrators and the programme's coordinators for the
/// person's organisation may make the request for them.
pub fn authorise_request(
    principal: &Principal,
    facts: &RequestFacts,
) -> Result<RequestAuthority, Forbidden> {
    let allowed = match request_access(principal, facts) {
        Some(RequestAccess::Administrator | RequestAccess::Coordinator) => true,
        Some(RequestAccess::Mentee) => facts.taking_part.contains(&facts.mentee.organisation_id),
        _ => false,
    };
    if allowed {
        Ok(RequestAuthority {
            programme_id: facts.programme_id,
            person_id: facts.mentee.person_id,
            actor: principal.actor(),
        })
    } else {
        Err(Forbidden(
            "ask for a mentor for this person in this programme",
        ))
    }
}

/// Only the mentee answers their own self-assessment (REQ-2).
pub fn authorise_self_assessment(
    principal: &Principal,
    facts: &RequestFacts,
    request_id: RequestId,
) -> Result<SelfAssessmentAuthority, Forbidden> {
    if principal.person_id == Some(facts.mentee.person_id) {
        Ok(SelfAssessmentAuthority {
            request_id,
            actor: principal.actor(),
        })
    } else {
        Err(Forbidden("answer someone else's self-assessment"))
    }
}

/// Proof that the caller may withdraw one mentor request: only the mentee
/// (LIF-4: "a mentee can withdraw an open request"). Only
/// [`authorise_withdrawal`] makes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WithdrawalAuthority {
    request_id: RequestId,
    actor: Actor,
}

impl WithdrawalAuthority {
    /// The one request this authority withdraws.
    pub fn request_id(&self) -> RequestId {
        self.request_id
    }

    pub fn actor(&self) -> Actor {
        self.actor
    }
}

/// Only the mentee withdraws their own request.
pub fn authorise_withdrawal(
    principal: &Principal,
    facts: &RequestFacts,
    request_id: RequestId,
) -> Result<WithdrawalAuthority, Forbidden> {
    if principal.person_id == Some(facts.mentee.person_id) {
        Ok(WithdrawalAuthority {
            request_id,
            actor: principal.actor(),
        })
    } else {
        Err(Forbidden("withdraw someone else's request"))
    }
}

/// Proof that the caller may screen one request (REQ-3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScreeningAuthority {
    request_id: RequestId,
    actor: Actor,
}

impl ScreeningAuthority {
    /// The one request this authority screens.
    pub fn request_id(&self) -> RequestId {
        self.request_id
    }

    pub fn actor(&self) -> Actor {
        self.actor
    }
}

/// Administrators, and the programme's coordinators for the mentee's
/// organisation, screen requests.
pub fn authorise_screening(
    principal: &Principal,
    facts: &RequestFacts,
    request_id: RequestId,
) -> Result<ScreeningAuthority, Forbidden> {
    match request_access(principal, facts) {
        Some(RequestAccess::Administrator | RequestAccess::Coordinator) => Ok(ScreeningAuthority {
            request_id,
            actor: principal.actor(),
        }),
        _ => Err(Forbidden("screen this request")),
    }
}

/// Proof that the caller is the line manager consulted on a request (REQ-5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsultationAuthority {
    request_id: RequestId,
    actor: Actor,
}

impl ConsultationAuthority {
    /// The one request this authority answers the consultation of.
    pub fn request_id(&self) -> RequestId {
        self.request_id
    }

    pub fn actor(&self) -> Actor {
        self.actor
    }
}

/// Only a manager of the mentee answers the consultation.
pub fn authorise_consultation(
    principal: &Principal,
    facts: &RequestFacts,
    request_id: RequestId,
) -> Result<ConsultationAuthority, Forbidden> {
    match principal.person_id {
        Some(me)
            if principal.has_role(Role::LineManager)
                && facts.mentee.managers_above.contains(&me) =>
        {
            Ok(ConsultationAuthority {
                request_id,
                actor: principal.actor(),
            })
        }
        _ => Err(Forbidden("answer this consultation")),
    }
}

/// The organisations whose requests in a programme the caller screens;
/// `None` for administrators (every organisation).
pub fn screening_organisations(
    principal: &Principal,
    programme_id: ProgrammeId,
    taking_part: &[OrganisationId],
) -> Option<Vec<OrganisationId>> {
    if principal.is_administrator() {
        return None;
    }
    Some(
        taking_part
            .iter()
            .copied()
            .filter(|&org| {
                coordinates_for(
                    principal,
                    &[Role::Coordinator],
                    programme_id,
                    taking_part,
                    org,
                )
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROGRAMME: ProgrammeId = ProgrammeId::new(7);

    fn org(id: i64) -> OrganisationId {
        OrganisationId::new(id)
    }

    fn orgs(ids: &[i64]) -> Vec<OrganisationId> {
        ids.iter().copied().map(OrganisationId::new).collect()
    }

    fn principal(person_id: Option<i64>, grants: &[(Role, Option<i64>)]) -> Principal {
        Principal {
            account_id: AccountId::new(1),
            person_id: person_id.map(PersonId::new),
            display_name: "Test".into(),
            grants: grants
                .iter()
                .map(|&(role, organisation_id)| RoleGrant {
                    role,
                    organisation_id: organisation_id.map(OrganisationId::new),
                    programme_id: None,
                })
                .collect(),
        }
    }

    fn facts(person_id: i64, organisation_id: i64, managers_above: &[i64]) -> PersonFacts {
        PersonFacts {
            person_id: PersonId::new(person_id),
            organisation_id: OrganisationId::new(organisation_id),
            managers_above: managers_above.iter().copied().map(PersonId::new).collect(),
        }
    }

    #[test]
    fn line_manager_sees_own_chain_only() {
        let manager = principal(Some(10), &[(Role::LineManager, Some(1))]);
        // 12 reports to 11 who reports to 10.
        assert_eq!(
            person_access(&manager, &facts(12, 1, &[11, 10])),
            Some(PersonAccess::LineManager)
        );
        // 20 reports to another manager, 19.
        assert_eq!(person_access(&manager, &facts(20, 1, &[19])), None);
        // Their own manager is not visible to them as a line manager.
        assert_eq!(person_access(&manager, &facts(9, 1, &[])), None);
        assert_eq!(
            person_access(&manager, &facts(10, 1, &[9])),
            Some(PersonAccess::Own)
        );
    }

    #[test]
    fn chain_membership_needs_the_line_manager_role() {
        let mentee = principal(Some(10), &[(Role::Mentee, Some(1))]);
        assert_eq!(person_access(&mentee, &facts(12, 1, &[10])), None);
    }

    #[test]
    fn organisation_staff_see_their_organisation_only() {
        let coordinator = principal(Some(5), &[(Role::Coordinator, Some(1))]);
        assert_eq!(
            person_access(&coordinator, &facts(7, 1, &[])),
            Some(PersonAccess::OrganisationStaff)
        );
        assert_eq!(person_access(&coordinator, &facts(8, 2, &[])), None);
        let admin = principal(None, &[(Role::Administrator, None)]);
        assert_eq!(
            person_access(&admin, &facts(8, 2, &[])),
            Some(PersonAccess::Administrator)
        );
    }

    #[test]
    fn import_needs_coordinator_or_hr_of_that_organisation() {
        let hr = principal(None, &[(Role::Hr, Some(3))]);
        assert!(authorise_people_import(&hr, org(3)).is_ok());
        assert!(authorise_people_import(&hr, org(4)).is_err());
        let mentor = principal(Some(1), &[(Role::Mentor, Some(3))]);
        assert!(authorise_people_import(&mentor, org(3)).is_err());
        assert!(importable_organisations(&mentor).is_empty());
    }

    #[test]
    fn scope_combines_every_grant() {
        let p = principal(
            Some(4),
            &[(Role::LineManager, Some(1)), (Role::Coordinator, Some(2))],
        );
        let scope = people_scope(&p);
        assert!(!scope.everyone);
        assert_eq!(scope.organisations, orgs(&[2]));
        assert_eq!(scope.reports_of, Some(PersonId::new(4)));
        assert_eq!(scope.own, Some(PersonId::new(4)));
        let nobody = principal(None, &[]);
        assert!(people_scope(&nobody).is_empty());
        // Their own record is named only where no organisation covers it.
        let coordinator = principal(Some(4), &[(Role::Coordinator, Some(2))]);
        let covered = people_scope(&coordinator).covering_own(Some(org(2)));
        assert_eq!(covered.own, None);
        assert_eq!(covered.organisations, orgs(&[2]));
        let elsewhere = people_scope(&coordinator).covering_own(Some(org(3)));
        assert_eq!(elsewhere.own, Some(PersonId::new(4)));
        let mentee = principal(Some(5), &[(Role::Mentee, Some(2))]);
        let own_only = people_scope(&mentee).covering_own(Some(org(2)));
        assert_eq!(
            own_only.own,
            Some(PersonId::new(5)),
            "a mentee's scope is their own record"
        );
        assert!(!own_only.is_empty());
    }
    #[test]
    fn programme_pages_are_for_members_of_taking_part_organisations() {
        // Programme 7 is run by organisations 1 and 2.
        let taking_part = orgs(&[1, 2]);
        let mentee = principal(Some(4), &[(Role::Mentee, Some(1))]);
        assert_eq!(
            programme_access(&mentee, PROGRAMME, &taking_part, Some(org(1))),
            Some(ProgrammeAccess::Member)
        );
        // No role at all, but works for a taking-part organisation.
        let staff = principal(Some(5), &[]);
        assert_eq!(
            programme_access(&staff, PROGRAMME, &taking_part, Some(org(2))),
            Some(ProgrammeAccess::Member)
        );
        let outsider = principal(Some(6), &[(Role::Coordinator, Some(3))]);
        assert_eq!(
            programme_access(&outsider, PROGRAMME, &taking_part, Some(org(3))),
            None
        );
        assert!(
            authorise_programme_edit(&outsider, PROGRAMME, &taking_part, Some(org(3))).is_err()
        );
        let coordinator = principal(None, &[(Role::Coordinator, Some(2))]);
        assert!(authorise_programme_edit(&coordinator, PROGRAMME, &taking_part, None).is_ok());
        assert!(authorise_programme_edit(&mentee, PROGRAMME, &taking_part, Some(org(1))).is_err());
        let admin = principal(None, &[(Role::Administrator, None)]);
        assert!(authorise_programme_edit(&admin, PROGRAMME, &orgs(&[]), None).is_ok());
    }

    #[test]
    fn a_draft_programme_is_seen_only_by_those_who_may_edit_it() {
        let taking_part = orgs(&[1]);
        let mentee = principal(Some(4), &[(Role::Mentee, Some(1))]);
        let coordinator = principal(None, &[(Role::Coordinator, Some(1))]);
        let admin = principal(None, &[(Role::Administrator, None)]);
        let access = |who: &Principal, own, publication| {
            visible_programme_access(who, PROGRAMME, &taking_part, own, publication)
        };
        assert_eq!(access(&mentee, Some(org(1)), Publication::Draft), None);
        assert_eq!(
            access(&mentee, Some(org(1)), Publication::Published),
            Some(ProgrammeAccess::Member)
        );
        assert_eq!(
            access(&coordinator, None, Publication::Draft),
            Some(ProgrammeAccess::Coordinator)
        );
        assert_eq!(
            access(&admin, None, Publication::Draft),
            Some(ProgrammeAccess::Administrator)
        );
        assert!(!takes_part_requests(Publication::Draft));
        assert!(takes_part_requests(Publication::Published));
        // Someone signed out reads only a published programme made public.
        assert!(readable_without_sign_in(Publication::Published, true));
        assert!(!readable_without_sign_in(Publication::Published, false));
        assert!(!readable_without_sign_in(Publication::Draft, true));
    }

    #[test]
    fn a_programme_scoped_grant_covers_that_programme_only() {
        let mut scoped = principal(None, &[]);
        scoped.grants.push(RoleGrant {
            role: Role::Coordinator,
            organisation_id: Some(org(1)),
            programme_id: Some(PROGRAMME),
        });
        assert_eq!(
            programme_access(&scoped, PROGRAMME, &orgs(&[1]), None),
            Some(ProgrammeAccess::Coordinator)
        );
        assert_eq!(
            programme_access(&scoped, ProgrammeId::new(8), &orgs(&[1]), None),
            None
        );
        let scope = programme_scope(&scoped, None);
        assert_eq!(scope.programmes, vec![PROGRAMME]);
        assert!(scope.organisations.is_empty());
    }

    #[test]
    fn coordinators_create_programmes_for_their_own_organisations() {
        let coordinator = principal(None, &[(Role::Coordinator, Some(1))]);
        assert!(authorise_programme_create(&coordinator, &[Some(org(1))]).is_ok());
        assert!(authorise_programme_create(&coordinator, &[Some(org(1)), Some(org(2))]).is_err());
        assert!(authorise_programme_create(&coordinator, &[None]).is_err());
        let hr = principal(None, &[(Role::Hr, Some(1))]);
        assert!(authorise_programme_create(&hr, &[Some(org(1))]).is_err());
        let admin = principal(None, &[(Role::Administrator, None)]);
        assert!(authorise_programme_create(&admin, &[None, Some(org(9))]).is_ok());
    }

    fn request_facts(mentee: i64, organisation: i64, managers: &[i64]) -> RequestFacts {
        RequestFacts {
            programme_id: PROGRAMME,
            taking_part: orgs(&[1, 2]),
            mentee: facts(mentee, organisation, managers),
        }
    }

    #[test]
    fn a_mentee_cannot_read_another_mentees_request() {
        let mentee = principal(Some(20), &[(Role::Mentee, Some(1))]);
        assert_eq!(
            request_access(&mentee, &request_facts(20, 1, &[])),
            Some(RequestAccess::Mentee)
        );
        assert_eq!(request_access(&mentee, &request_facts(21, 1, &[])), None);
        assert!(
            authorise_self_assessment(&mentee, &request_facts(21, 1, &[]), RequestId::new(1))
                .is_err()
        );
    }

    #[test]
    fn a_line_manager_sees_that_a_request_exists_but_not_its_goals() {
        let manager = principal(Some(10), &[(Role::LineManager, Some(1))]);
        let access = request_access(&manager, &request_facts(20, 1, &[10])).expect("allowed");
        assert_eq!(access, RequestAccess::LineManager);
        assert!(!access.sees_content());
        assert!(
            authorise_screening(&manager, &request_facts(20, 1, &[10]), RequestId::new(1)).is_err()
        );
        assert!(
            authorise_consultation(&manager, &request_facts(20, 1, &[10]), RequestId::new(1))
                .is_ok()
        );
        assert!(
            authorise_consultation(&manager, &request_facts(20, 1, &[11]), RequestId::new(1))
                .is_err()
        );
    }

    #[test]
    fn the_line_managers_words_reach_those_who_screen_and_never_the_mentee() {
        let readers: Vec<(RequestAccess, bool)> = [
            RequestAccess::Administrator,
            RequestAccess::Coordinator,
            RequestAccess::Mentee,
            RequestAccess::LineManager,
        ]
        .into_iter()
        .map(|access| (access, access.reads_consultation_note()))
        .collect();
        assert_eq!(
            readers,
            [
                (RequestAccess::Administrator, true),
                (RequestAccess::Coordinator, true),
                (RequestAccess::Mentee, false),
                (RequestAccess::LineManager, true),
            ]
        );
    }

    #[test]
    fn coordinators_screen_and_keep_mentors_of_their_own_organisation_only() {
        let coordinator = principal(Some(5), &[(Role::Coordinator, Some(1))]);
        assert!(
            authorise_screening(&coordinator, &request_facts(20, 1, &[]), RequestId::new(1))
                .is_ok()
        );
        assert!(
            authorise_screening(&coordinator, &request_facts(30, 2, &[]), RequestId::new(1))
                .is_err()
        );
        assert_eq!(
            request_access(&coordinator, &request_facts(30, 2, &[])),
            None
        );
        assert!(
            authorise_register_entry(&coordinator, PROGRAMME, &orgs(&[1, 2]), &facts(20, 1, &[]))
                .is_ok()
        );
        assert!(
            authorise_register_entry(&coordinator, PROGRAMME, &orgs(&[1, 2]), &facts(30, 2, &[]))
                .is_err()
        );
        let volunteer = principal(Some(30), &[]);
        let own =
            authorise_register_entry(&volunteer, PROGRAMME, &orgs(&[1, 2]), &facts(30, 2, &[]))
                .expect("allowed");
        assert!(!own.identified());
        assert!(
            authorise_register_entry(&volunteer, PROGRAMME, &orgs(&[1]), &facts(30, 2, &[]))
                .is_err()
        );
        assert_eq!(
            screening_organisations(&coordinator, PROGRAMME, &orgs(&[1, 2])),
            Some(orgs(&[1]))
        );
    }

    #[test]
    fn a_mentor_reads_the_request_only_while_the_proposal_is_live() {
        use crate::proposals::ProposalStatus;
        let mentor = principal(Some(30), &[(Role::Mentor, Some(1))]);
        assert!(may_read_proposed_request(
            &mentor,
            PersonId::new(30),
            ProposalStatus::AwaitingMentor
        ));
        assert!(may_read_proposed_request(
            &mentor,
            PersonId::new(30),
            ProposalStatus::Accepted
        ));
        assert!(!may_read_proposed_request(
            &mentor,
            PersonId::new(30),
            ProposalStatus::Declined
        ));
        assert!(!may_read_proposed_request(
            &mentor,
            PersonId::new(30),
            ProposalStatus::Withdrawn
        ));
        assert!(!may_read_proposed_request(
            &mentor,
            PersonId::new(31),
            ProposalStatus::Accepted
        ));
    }

    #[test]
    fn a_coordinator_matches_only_their_own_organisations_requests() {
        let coordinator = principal(Some(5), &[(Role::Coordinator, Some(1))]);
        let authority = authorise_matching(&coordinator, PROGRAMME, &orgs(&[1, 2]), Some(org(1)))
            .expect("allowed");
        assert!(authority.covers_mentee_organisation(org(1)));
        assert!(!authority.covers_mentee_organisation(org(2)));
        let admin = principal(None, &[(Role::Administrator, None)]);
        let everyone =
            authorise_matching(&admin, PROGRAMME, &orgs(&[1, 2]), None).expect("allowed");
        assert!(everyone.covers_mentee_organisation(org(2)));
        let mentor = principal(Some(6), &[(Role::Mentor, Some(1))]);
        assert!(authorise_matching(&mentor, PROGRAMME, &orgs(&[1, 2]), Some(org(1))).is_err());
        assert!(authorise_matching(&coordinator, PROGRAMME, &orgs(&[2, 3]), Some(org(1))).is_err());
    }

    #[test]
    fn browsing_the_register_shows_published_profiles_only() {
        let mentee = principal(Some(20), &[(Role::Mentee, Some(1))]);
        let scope = register_scope(&mentee, PROGRAMME, &orgs(&[1, 2]), Some(org(1)), true);
        assert_eq!(
            scope.view(PersonId::new(30), org(2)),
            Some(EntryView::Published)
        );
        assert_eq!(scope.view(PersonId::new(20), org(1)), Some(EntryView::Full));
        let closed = register_scope(&mentee, PROGRAMME, &orgs(&[1, 2]), Some(org(1)), false);
        assert_eq!(closed.view(PersonId::new(30), org(2)), None);
        let coordinator = principal(Some(5), &[(Role::Coordinator, Some(2))]);
        let scope = register_scope(&coordinator, PROGRAMME, &orgs(&[1, 2]), Some(org(2)), false);
        assert_eq!(scope.view(PersonId::new(30), org(2)), Some(EntryView::Full));
        assert_eq!(scope.view(PersonId::new(40), org(1)), None);
    }
}

/// Proof that the caller may run matching for a programme and send its
/// proposals (MAT-3), for the requests of the organisations it covers. Only
/// [`authorise_matching`] (and the operator's constructor) makes one.
///
/// Whose requests a coordinator matches follows CAWT 2.2.2: mentees send
/// their request to their *designated* programme lead, who matches it, and
/// "the matching may be intra or inter the CAWT organisations". So a
/// coordinator matches the requests of the organisations they coordinate,
/// choosing mentors from the programme's whole register (a cross-
/// organisation pair is proposed by the mentee's lead and agreed by the
/// mentor, who answers the proposal, CAWT 2.2.3); each organisation keeps
/// its own mentors' entries and availability (CAWT 2.2.1). Administrators
/// act as the partnership-level lead and match every organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchingAuthority {
    programme_id: ProgrammeId,
    actor: Actor,
    /// The organisations whose mentees' requests this authority matches;
    /// `None` is every organisation taking part.
    mentee_organisations: Option<Vec<OrganisationId>>,
}

impl MatchingAuthority {
    pub fn programme_id(&self) -> ProgrammeId {
        self.programme_id
    }

    pub fn actor(&self) -> Actor {
        self.actor
    }

    /// Whether this authority matches requests of mentees from this
    /// organisation. Requests from elsewhere are "not found" to it.
    pub fn covers_mentee_organisation(&self, organisation_id: OrganisationId) -> bool {
        self.mentee_organisations
            .as_ref()
            .is_none_or(|ids| ids.contains(&organisation_id))
    }

    /// The organisations whose mentees it covers; `None` for all.
    pub fn mentee_organisations(&self) -> Option<&[OrganisationId]> {
        self.mentee_organisations.as_deref()
    }

    /// The register as whoever matches reads it: every entry in full, of
    /// every organisation taking part. A coordinator matching only their
    /// own organisation's mentees still chooses from the whole register.
    pub fn register_scope(&self) -> RegisterScope {
        RegisterScope {
            everyone: true,
            organisations: Vec::new(),
            own: None,
            browse: false,
        }
    }
}

/// Administrators match every organisation's requests; a coordinator the
/// requests of the organisations they coordinate in this programme.
pub fn authorise_matching(
    principal: &Principal,
    programme_id: ProgrammeId,
    taking_part: &[OrganisationId],
    person_organisation: Option<OrganisationId>,
) -> Result<MatchingAuthority, Forbidden> {
    let refused = Forbidden("run matching for this programme");
    match programme_access(principal, programme_id, taking_part, person_organisation) {
        Some(ProgrammeAccess::Administrator) => Ok(MatchingAuthority {
            programme_id,
            actor: principal.actor(),
            mentee_organisations: None,
        }),
        Some(ProgrammeAccess::Coordinator) => {
            let organisations: Vec<OrganisationId> = taking_part
                .iter()
                .copied()
                .filter(|&org| {
                    coordinates_for(
                        principal,
                        &[Role::Coordinator],
                        programme_id,
                        taking_part,
                        org,
                    )
                })
                .collect();
            if organisations.is_empty() {
                return Err(refused);
            }
            Ok(MatchingAuthority {
                programme_id,
                actor: principal.actor(),
                mentee_organisations: Some(organisations),
            })
        }
        _ => Err(refused),
    }
}

/// Only the mentor a proposal asks may read it and answer it (MAT-4).
pub fn may_answer_proposal(principal: &Principal, mentor_person_id: PersonId) -> bool {
    principal.person_id == Some(mentor_person_id)
}

/// The mentor a proposal asks reads the mentee's request while the
/// proposal is live (waiting for their answer, or accepted); once they
/// decline, or it is withdrawn, the request is no longer theirs to read.
pub fn may_read_proposed_request(
    principal: &Principal,
    mentor_person_id: PersonId,
    status: crate::proposals::ProposalStatus,
) -> bool {
    may_answer_proposal(principal, mentor_person_id) && status.is_live()
}

/// Proof that the caller is the mentor one proposal asks. Only
/// [`authorise_proposal_answer`] makes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposalAnswerAuthority {
    proposal_id: ProposalId,
    actor: Actor,
}

impl ProposalAnswerAuthority {
    /// The one proposal this authority answers.
    pub fn proposal_id(&self) -> ProposalId {
        self.proposal_id
    }

    pub fn actor(&self) -> Actor {
        self.actor
    }
}

/// The mentor a proposal asks answers it; anyone else is refused (and
/// callers answer "not found").
pub fn authorise_proposal_answer(
    principal: &Principal,
    proposal_id: ProposalId,
    mentor_person_id: PersonId,
) -> Result<ProposalAnswerAuthority, Forbidden> {
    if may_answer_proposal(principal, mentor_person_id) {
        Ok(ProposalAnswerAuthority {
            proposal_id,
            actor: principal.actor(),
        })
    } else {
        Err(Forbidden("answer this proposal"))
    }
}
