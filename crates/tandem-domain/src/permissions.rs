//! Every permission decision Tandem makes about people and accounts.
//!
//! Handlers and use cases never compare roles themselves: they ask this
//! module, which answers with a decision or with an authority value that
//! only this module can construct (so a use case that needs one cannot be
//! called without the check having been made).

use serde::Serialize;

use crate::roles::{Role, RoleGrant};

/// The signed-in caller: an account, the person it belongs to (if any), and
/// the roles it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub account_id: i64,
    pub person_id: Option<i64>,
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
    pub fn organisations_with(&self, roles: &[Role]) -> Vec<i64> {
        let mut ids: Vec<i64> = self
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

/// Roles whose holders see the whole staff directory of their organisation.
/// People-directory data (names, teams, managers) is not relationship
/// content, so the staff who run a scheme may read it.
const ORGANISATION_STAFF: [Role; 3] = [Role::Coordinator, Role::Hr, Role::SupervisingSocialWorker];

/// Roles that may load an HR export into an organisation (PPL-3).
const IMPORTERS: [Role; 2] = [Role::Coordinator, Role::Hr];

/// Which people a listing may contain for a caller. The store turns this
/// into a filter; an empty scope lists nobody.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PeopleScope {
    pub everyone: bool,
    pub organisations: Vec<i64>,
    /// Everyone below this person in the management chain.
    pub reports_of: Option<i64>,
    /// The caller's own person record.
    pub own: Option<i64>,
}

impl PeopleScope {
    pub fn is_empty(&self) -> bool {
        !self.everyone
            && self.organisations.is_empty()
            && self.reports_of.is_none()
            && self.own.is_none()
    }
}

/// The people a caller may list.
pub fn people_scope(principal: &Principal) -> PeopleScope {
    PeopleScope {
        everyone: principal.is_administrator(),
        organisations: principal.organisations_with(&ORGANISATION_STAFF),
        reports_of: principal
            .person_id
            .filter(|_| principal.has_role(Role::LineManager)),
        own: principal.person_id,
    }
}

/// What the caller needs to know about a person to decide access.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonFacts {
    pub person_id: i64,
    pub organisation_id: i64,
    /// The person's managers, nearest first, up to the top of the chain.
    pub managers_above: Vec<i64>,
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
        Some(me) if principal.has_role(Role::LineManager) && target.managers_above.contains(&me) => {
            Some(PersonAccess::LineManager)
        }
        _ => None,
    }
}

/// Proof that the caller may import people into one organisation. Only
/// [`authorise_people_import`] makes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeopleImportAuthority {
    organisation_id: i64,
    account_id: i64,
}

impl PeopleImportAuthority {
    pub fn organisation_id(&self) -> i64 {
        self.organisation_id
    }

    pub fn account_id(&self) -> i64 {
        self.account_id
    }

    /// The command line runs with the operator's authority: whoever can run
    /// `tandem` against the database already holds all of it.
    pub fn for_operator(organisation_id: i64) -> Self {
        PeopleImportAuthority {
            organisation_id,
            account_id: 0,
        }
    }
}

/// The caller may not do this.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("you do not have permission to {0}")]
pub struct Forbidden(pub &'static str);

/// Administrators, and coordinators and HR of the organisation, may import.
pub fn authorise_people_import(
    principal: &Principal,
    organisation_id: i64,
) -> Result<PeopleImportAuthority, Forbidden> {
    if principal.is_administrator()
        || principal
            .organisations_with(&IMPORTERS)
            .contains(&organisation_id)
    {
        Ok(PeopleImportAuthority {
            organisation_id,
            account_id: principal.account_id,
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
    Some(Vec<i64>),
}

impl ImportTargets {
    pub fn allows(&self, organisation_id: i64) -> bool {
        match self {
            ImportTargets::All => true,
            ImportTargets::Some(ids) => ids.contains(&organisation_id),
        }
    }

    pub fn is_empty(&self) -> bool {
        matches!(self, ImportTargets::Some(ids) if ids.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principal(person_id: Option<i64>, grants: &[(Role, Option<i64>)]) -> Principal {
        Principal {
            account_id: 1,
            person_id,
            display_name: "Test".into(),
            grants: grants
                .iter()
                .map(|&(role, organisation_id)| RoleGrant {
                    role,
                    organisation_id,
                    programme_id: None,
                })
                .collect(),
        }
    }

    fn facts(person_id: i64, organisation_id: i64, managers_above: &[i64]) -> PersonFacts {
        PersonFacts {
            person_id,
            organisation_id,
            managers_above: managers_above.to_vec(),
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
        assert!(authorise_people_import(&hr, 3).is_ok());
        assert!(authorise_people_import(&hr, 4).is_err());
        let mentor = principal(Some(1), &[(Role::Mentor, Some(3))]);
        assert!(authorise_people_import(&mentor, 3).is_err());
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
        assert_eq!(scope.organisations, vec![2]);
        assert_eq!(scope.reports_of, Some(4));
        assert_eq!(scope.own, Some(4));
        let nobody = principal(None, &[]);
        assert!(people_scope(&nobody).is_empty());
    }
}
