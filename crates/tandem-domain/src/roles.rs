//! Roles (PPL-4) and the grants that give them to an account.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::ids::{OrganisationId, ProgrammeId};

/// A role a person can hold. Authority is per organisation (and, once
/// programmes exist, per programme); only administrators act everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Administrator,
    Coordinator,
    Hr,
    LineManager,
    SupervisingSocialWorker,
    Mentor,
    Mentee,
}

impl Role {
    /// Every role, in the order pages list them.
    pub const ALL: [Role; 7] = [
        Role::Administrator,
        Role::Coordinator,
        Role::Hr,
        Role::LineManager,
        Role::SupervisingSocialWorker,
        Role::Mentor,
        Role::Mentee,
    ];

    /// The stable name stored in the database and used in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Administrator => "administrator",
            Role::Coordinator => "coordinator",
            Role::Hr => "hr",
            Role::LineManager => "line_manager",
            Role::SupervisingSocialWorker => "supervising_social_worker",
            Role::Mentor => "mentor",
            Role::Mentee => "mentee",
        }
    }

    /// The name people read on a page.
    pub fn label(self) -> &'static str {
        match self {
            Role::Administrator => "Administrator",
            Role::Coordinator => "Programme coordinator",
            Role::Hr => "HR",
            Role::LineManager => "Line manager",
            Role::SupervisingSocialWorker => "Supervising social worker",
            Role::Mentor => "Mentor",
            Role::Mentee => "Mentee",
        }
    }

    /// Whether a grant of this role must name an organisation.
    pub fn needs_organisation(self) -> bool {
        self != Role::Administrator
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The text was not the name of a role.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "\"{0}\" is not a role (expected one of administrator, coordinator, hr, line_manager, supervising_social_worker, mentor, mentee)"
)]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == s)
            .ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

/// One role held by an account, within an organisation (none for
/// administrators) and optionally one programme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleGrant {
    pub role: Role,
    pub organisation_id: Option<OrganisationId>,
    pub programme_id: Option<ProgrammeId>,
}

/// A grant that breaks the rule that only administrators act everywhere.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GrantError {
    #[error("the {0} role must be granted within an organisation")]
    NeedsOrganisation(Role),
    #[error("the administrator role is granted everywhere, not within one organisation")]
    AdministratorIsGlobal,
}

impl RoleGrant {
    /// Checks that the grant's scope suits its role.
    pub fn new(
        role: Role,
        organisation_id: Option<OrganisationId>,
        programme_id: Option<ProgrammeId>,
    ) -> Result<Self, GrantError> {
        match (role.needs_organisation(), organisation_id) {
            (true, None) => Err(GrantError::NeedsOrganisation(role)),
            (false, Some(_)) => Err(GrantError::AdministratorIsGlobal),
            _ => Ok(RoleGrant {
                role,
                organisation_id,
                programme_id,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_names_round_trip() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert!("boss".parse::<Role>().is_err());
    }

    #[test]
    fn grants_are_scoped_by_role() {
        assert_eq!(
            RoleGrant::new(Role::Coordinator, None, None),
            Err(GrantError::NeedsOrganisation(Role::Coordinator))
        );
        assert_eq!(
            RoleGrant::new(Role::Administrator, Some(OrganisationId::new(1)), None),
            Err(GrantError::AdministratorIsGlobal)
        );
        assert!(RoleGrant::new(Role::Administrator, None, None).is_ok());
        assert!(RoleGrant::new(Role::LineManager, Some(OrganisationId::new(3)), None).is_ok());
    }
}
