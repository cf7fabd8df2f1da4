//! Who sees what of a mentoring relationship (PRV-1, PRV-2; issue 10 item
//! 10), and the authority values that let a use case read or change one.
//!
//! - The pair (mentee and mentor) see and write its content: agreement
//!   text, plan, meeting records, answers.
//! - Coordinators and supervising social workers of the mentee's or the
//!   mentor's organisation, and administrators, see its metadata and
//!   compliance only — unless the programme or the agreement sends them a
//!   document (AFC: meeting records to the SSWs; FUN Appendix A, 10).
//! - A line manager of either party sees that it exists and the time it
//!   implies (CAF 2: "managerial oversight of the time involved").
//! - Everyone else: `None`, answered "not found".

use std::marker::PhantomData;

use serde::Serialize;

use super::{Actor, Forbidden, Operator, PeopleScope, PersonFacts, Principal, coordinates_for};
use crate::ids::{OrganisationId, ProgrammeId};
use crate::programme::Party;
use crate::relationship::{Document, RelationshipId};
use crate::roles::Role;

/// What access decisions about a relationship need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelationshipFacts {
    /// The relationship.
    pub relationship_id: RelationshipId,
    /// Its programme.
    pub programme_id: ProgrammeId,
    /// The organisations taking part in the programme.
    pub taking_part: Vec<OrganisationId>,
    /// The mentee, with their management chain.
    pub mentee: PersonFacts,
    /// The mentor, with their management chain.
    pub mentor: PersonFacts,
}

/// Why the caller may see a relationship, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RelationshipAccess {
    /// The mentee: content.
    Mentee,
    /// The mentor: content.
    Mentor,
    /// Coordinates the programme for the mentee's or the mentor's
    /// organisation: metadata and compliance.
    Coordinator,
    /// A supervising social worker of the mentee's or the mentor's
    /// organisation (AFC): metadata and compliance.
    SupervisingSocialWorker,
    /// An administrator: metadata and compliance, never content (DESIGN "Who uses it").
    Administrator,
    /// Manages the mentee or the mentor: that it exists, and its time.
    LineManager,
}

/// A thing about a relationship someone may want to see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item<'a> {
    /// That it exists: the pair, the programme, its dates.
    Existence,
    /// The time it implies (CAF: the agreement's time commitment).
    TimeCommitment,
    /// Its state and event summaries, meeting dates, lengths and kinds,
    /// who has signed, review dates, the category of a reason for leaving.
    Metadata,
    /// How meetings compare with the agreement and guideline (MTG-3).
    Compliance,
    /// Confidential content.
    Content(&'a Document),
}

impl RelationshipAccess {
    /// The part the caller plays, for the state machine and signatures;
    /// `None` for administrators, who act in no part.
    pub fn party(self) -> Option<Party> {
        match self {
            RelationshipAccess::Mentee => Some(Party::Mentee),
            RelationshipAccess::Mentor => Some(Party::Mentor),
            RelationshipAccess::Coordinator => Some(Party::Coordinator),
            RelationshipAccess::SupervisingSocialWorker => Some(Party::SupervisingSocialWorker),
            RelationshipAccess::LineManager => Some(Party::LineManager),
            RelationshipAccess::Administrator => None,
        }
    }

    /// Whether the caller is one of the pair, whose content it is (PRV-1).
    pub fn is_pair(self) -> bool {
        matches!(
            self,
            RelationshipAccess::Mentee | RelationshipAccess::Mentor
        )
    }

    /// Whether the caller may see `item`. `shared_with` is who the
    /// programme and agreement send the document to
    /// ([`RelationshipRules::shared_with`](crate::relationship::RelationshipRules::shared_with)).
    pub fn may_see(self, item: Item<'_>, shared_with: &[Party]) -> bool {
        match item {
            Item::Existence | Item::TimeCommitment => true,
            Item::Metadata | Item::Compliance => self != RelationshipAccess::LineManager,
            // LIF-4: the words someone gave for leaving are the pair's alone.
            Item::Content(Document::Reasons) => self.is_pair(),
            Item::Content(_) => {
                self.is_pair()
                    || self
                        .party()
                        .is_some_and(|party| shared_with.contains(&party))
            }
        }
    }
}

/// Roles that oversee relationships in their organisation.
const OVERSEERS: [(Role, RelationshipAccess); 2] = [
    (Role::Coordinator, RelationshipAccess::Coordinator),
    (
        Role::SupervisingSocialWorker,
        RelationshipAccess::SupervisingSocialWorker,
    ),
];

/// Decides whether the caller may see a relationship; `None` is "not found".
pub fn relationship_access(
    principal: &Principal,
    facts: &RelationshipFacts,
) -> Option<RelationshipAccess> {
    let me = principal.person_id;
    if me.is_some() && me == Some(facts.mentee.person_id) {
        return Some(RelationshipAccess::Mentee);
    }
    if me.is_some() && me == Some(facts.mentor.person_id) {
        return Some(RelationshipAccess::Mentor);
    }
    let programme = facts.programme_id;
    for (role, access) in OVERSEERS {
        let oversees = [&facts.mentee, &facts.mentor].iter().any(|person| {
            coordinates_for(
                principal,
                &[role],
                programme,
                &facts.taking_part,
                person.organisation_id,
            )
        });
        if oversees {
            return Some(access);
        }
    }
    if principal.is_administrator() {
        return Some(RelationshipAccess::Administrator);
    }
    match me {
        Some(me)
            if principal.has_role(Role::LineManager)
                && [&facts.mentee, &facts.mentor]
                    .iter()
                    .any(|person| person.managers_above.contains(&me)) =>
        {
            Some(RelationshipAccess::LineManager)
        }
        _ => None,
    }
}

/// Proof that the caller may act on one relationship in one part, of a
/// kind `Scope` says: [`Content`] or [`Part`]. Only this module's
/// `authorise_…` functions (and the [`Operator`]) make one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelationshipAuthority<Scope> {
    relationship_id: RelationshipId,
    party: Party,
    actor: Actor,
    scope: PhantomData<Scope>,
}

/// The pair's scope: read and write the relationship's content, and so
/// open and seal it with its data key ([`authorise_content`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Content {}

/// A part's scope: ask the state machine, the agreement or a meeting record
/// for a change in that part — the pair, a coordinator, a supervising
/// social worker or a line manager; the domain's rules then say whether the
/// part may make it ([`authorise_part`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {}

/// Proof that the caller is one of the pair (PRV-1).
pub type RelationshipContentAuthority = RelationshipAuthority<Content>;

/// Proof that the caller plays a part in the relationship.
pub type RelationshipPartAuthority = RelationshipAuthority<Part>;

impl<Scope> RelationshipAuthority<Scope> {
    fn new(relationship_id: RelationshipId, party: Party, actor: Actor) -> Self {
        RelationshipAuthority {
            relationship_id,
            party,
            actor,
            scope: PhantomData,
        }
    }

    /// The one relationship this authority was granted for.
    pub fn relationship_id(&self) -> RelationshipId {
        self.relationship_id
    }

    /// The part the caller acts in.
    pub fn party(&self) -> Party {
        self.party
    }

    pub fn actor(&self) -> Actor {
        self.actor
    }
}

/// Proof that the caller may read one document of one relationship: the
/// pair, or someone the programme or agreement sends it to. Only
/// [`authorise_document`] makes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelationshipDocumentAuthority {
    relationship_id: RelationshipId,
    document: Document,
    actor: Actor,
}

impl RelationshipDocumentAuthority {
    /// The one relationship this authority was granted for.
    pub fn relationship_id(&self) -> RelationshipId {
        self.relationship_id
    }

    /// The one document it opens.
    pub fn document(&self) -> &Document {
        &self.document
    }

    pub fn actor(&self) -> Actor {
        self.actor
    }
}

/// Only the mentee and the mentor read and write a relationship's content (PRV-1).
pub fn authorise_content(
    principal: &Principal,
    facts: &RelationshipFacts,
) -> Result<RelationshipContentAuthority, Forbidden> {
    match relationship_access(principal, facts).and_then(pair_party) {
        Some(party) => Ok(RelationshipAuthority::new(
            facts.relationship_id,
            party,
            principal.actor(),
        )),
        None => Err(Forbidden("read or change this relationship's content")),
    }
}

fn pair_party(access: RelationshipAccess) -> Option<Party> {
    access.party().filter(|_| access.is_pair())
}

/// Anyone who plays a part in the relationship acts in that part.
pub fn authorise_part(
    principal: &Principal,
    facts: &RelationshipFacts,
) -> Result<RelationshipPartAuthority, Forbidden> {
    match relationship_access(principal, facts).and_then(RelationshipAccess::party) {
        Some(party) => Ok(RelationshipAuthority::new(
            facts.relationship_id,
            party,
            principal.actor(),
        )),
        None => Err(Forbidden("act in this relationship")),
    }
}

/// The pair read every document; others only what is sent to them.
pub fn authorise_document(
    principal: &Principal,
    facts: &RelationshipFacts,
    document: &Document,
    shared_with: &[Party],
) -> Result<RelationshipDocumentAuthority, Forbidden> {
    match relationship_access(principal, facts) {
        Some(access) if access.may_see(Item::Content(document), shared_with) => {
            Ok(RelationshipDocumentAuthority {
                relationship_id: facts.relationship_id,
                document: document.clone(),
                actor: principal.actor(),
            })
        }
        _ => Err(Forbidden("read this document")),
    }
}

impl Operator {
    /// The demo loader writes relationships' content as one of the pair.
    pub fn relationship_content(
        &self,
        relationship_id: RelationshipId,
        party: Party,
    ) -> RelationshipContentAuthority {
        RelationshipAuthority::new(relationship_id, party, Actor::Operator)
    }

    /// The demo loader accepts a proposal for its mentor, starting a relationship.
    pub fn proposal_answer(
        &self,
        proposal_id: crate::ids::ProposalId,
    ) -> super::ProposalAnswerAuthority {
        super::ProposalAnswerAuthority {
            proposal_id,
            actor: Actor::Operator,
        }
    }

    /// The demo loader answers a mentee's second self-assessment (CWT 2.2.7).
    pub fn self_assessment(
        &self,
        request_id: crate::ids::RequestId,
    ) -> super::SelfAssessmentAuthority {
        super::SelfAssessmentAuthority {
            request_id,
            actor: Actor::Operator,
        }
    }

    /// The demo loader moves relationships on as the part named.
    pub fn relationship_part(
        &self,
        relationship_id: RelationshipId,
        party: Party,
    ) -> RelationshipPartAuthority {
        RelationshipAuthority::new(relationship_id, party, Actor::Operator)
    }
}

/// Which relationships a listing may contain for a caller, and how much of
/// each. The store turns this into a filter; an empty scope lists none.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RelationshipScope {
    /// `everyone`: every relationship, metadata only (administrators);
    /// `organisations`: those whose mentee or mentor is in these
    /// organisations, metadata only (coordinators and SSWs with
    /// organisation-wide grants); `own`: the caller's own, as mentee or
    /// mentor; `reports_of`: those of people below this person in the
    /// management chain, existence and time only.
    pub people: PeopleScope,
    /// As `organisations`, for grants scoped to one programme: (programme, organisation).
    pub programme_organisations: Vec<(ProgrammeId, OrganisationId)>,
}

impl RelationshipScope {
    pub fn is_empty(&self) -> bool {
        self.people.is_empty() && self.programme_organisations.is_empty()
    }
}

/// The relationships a caller may list.
pub fn relationship_scope(principal: &Principal) -> RelationshipScope {
    let overseeing = principal
        .grants
        .iter()
        .filter(|grant| OVERSEERS.iter().any(|(role, _)| *role == grant.role));
    let mut organisations: Vec<OrganisationId> = overseeing
        .clone()
        .filter(|grant| grant.programme_id.is_none())
        .filter_map(|grant| grant.organisation_id)
        .collect();
    organisations.sort_unstable();
    organisations.dedup();
    let mut programme_organisations: Vec<(ProgrammeId, OrganisationId)> = overseeing
        .filter_map(|grant| grant.programme_id.zip(grant.organisation_id))
        .collect();
    programme_organisations.sort_unstable();
    programme_organisations.dedup();
    RelationshipScope {
        people: PeopleScope {
            everyone: principal.is_administrator(),
            organisations,
            reports_of: principal
                .person_id
                .filter(|_| principal.has_role(Role::LineManager)),
            own: principal.person_id,
        },
        programme_organisations,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{AccountId, PersonId};
    use crate::roles::RoleGrant;

    const MENTEE: i64 = 10;
    const MENTOR: i64 = 20;
    const MENTEE_MANAGER: i64 = 11;
    const MENTOR_MANAGER: i64 = 21;

    /// A CWT-like relationship across two organisations: the mentee in 1, the mentor in 2.
    fn facts() -> RelationshipFacts {
        RelationshipFacts {
            relationship_id: RelationshipId::new(5),
            programme_id: ProgrammeId::new(3),
            taking_part: [1, 2, 4].map(OrganisationId::new).to_vec(),
            mentee: PersonFacts {
                person_id: PersonId::new(MENTEE),
                organisation_id: OrganisationId::new(1),
                managers_above: vec![PersonId::new(MENTEE_MANAGER), PersonId::new(12)],
            },
            mentor: PersonFacts {
                person_id: PersonId::new(MENTOR),
                organisation_id: OrganisationId::new(2),
                managers_above: vec![PersonId::new(MENTOR_MANAGER)],
            },
        }
    }

    fn principal(person_id: Option<i64>, grants: &[(Role, Option<i64>, Option<i64>)]) -> Principal {
        Principal {
            account_id: AccountId::new(1),
            person_id: person_id.map(PersonId::new),
            display_name: "Test".into(),
            grants: grants
                .iter()
                .map(|&(role, organisation_id, programme_id)| RoleGrant {
                    role,
                    organisation_id: organisation_id.map(OrganisationId::new),
                    programme_id: programme_id.map(ProgrammeId::new),
                })
                .collect(),
        }
    }

    fn callers() -> Vec<(&'static str, Principal, Option<RelationshipAccess>)> {
        use RelationshipAccess as A;
        vec![
            (
                "the mentee",
                principal(Some(MENTEE), &[(Role::Mentee, Some(1), None)]),
                Some(A::Mentee),
            ),
            (
                "the mentor",
                principal(Some(MENTOR), &[(Role::Mentor, Some(2), None)]),
                Some(A::Mentor),
            ),
            (
                "the mentee's organisation's coordinator",
                principal(Some(30), &[(Role::Coordinator, Some(1), None)]),
                Some(A::Coordinator),
            ),
            (
                "the mentor's organisation's lead, for this programme",
                principal(Some(31), &[(Role::Coordinator, Some(2), Some(3))]),
                Some(A::Coordinator),
            ),
            (
                "a lead for another programme",
                principal(Some(31), &[(Role::Coordinator, Some(2), Some(9))]),
                None,
            ),
            (
                "a coordinator of a third organisation",
                principal(Some(32), &[(Role::Coordinator, Some(4), None)]),
                None,
            ),
            (
                "a supervising social worker of the mentee's organisation",
                principal(Some(33), &[(Role::SupervisingSocialWorker, Some(1), None)]),
                Some(A::SupervisingSocialWorker),
            ),
            (
                "an administrator",
                principal(None, &[(Role::Administrator, None, None)]),
                Some(A::Administrator),
            ),
            (
                "the mentee's line manager",
                principal(Some(MENTEE_MANAGER), &[(Role::LineManager, Some(1), None)]),
                Some(A::LineManager),
            ),
            (
                "higher up the mentee's chain",
                principal(Some(12), &[(Role::LineManager, Some(1), None)]),
                Some(A::LineManager),
            ),
            (
                "the mentor's line manager",
                principal(Some(MENTOR_MANAGER), &[(Role::LineManager, Some(2), None)]),
                Some(A::LineManager),
            ),
            (
                "in the chain but without the line manager role",
                principal(Some(MENTEE_MANAGER), &[(Role::Mentor, Some(1), None)]),
                None,
            ),
            (
                "another line manager",
                principal(Some(40), &[(Role::LineManager, Some(1), None)]),
                None,
            ),
            (
                "another mentee",
                principal(Some(41), &[(Role::Mentee, Some(1), None)]),
                None,
            ),
            (
                "the mentor of another relationship",
                principal(Some(42), &[(Role::Mentor, Some(2), None)]),
                None,
            ),
            (
                "HR of the mentee's organisation",
                principal(Some(43), &[(Role::Hr, Some(1), None)]),
                None,
            ),
            ("no person at all", principal(None, &[]), None),
        ]
    }

    #[test]
    fn the_pair_overseers_and_line_managers_see_it_and_nobody_else_does() {
        for (who, caller, expected) in callers() {
            assert_eq!(relationship_access(&caller, &facts()), expected, "{who}");
        }
    }

    #[test]
    fn each_access_sees_only_its_share() {
        use RelationshipAccess as A;
        let notes = Document::MeetingRecords;
        let plan = Document::ActionPlan;
        let why = Document::Reasons;
        let to_ssw = [Party::SupervisingSocialWorker];
        let to_coordinator = [Party::Coordinator];
        // (access, item, shared with, may see)
        let cases: Vec<(A, Item<'_>, &[Party], bool)> = vec![
            (A::Mentee, Item::Content(&notes), &[], true),
            (A::Mentor, Item::Content(&why), &[], true),
            (A::Coordinator, Item::Metadata, &[], true),
            (A::Coordinator, Item::Compliance, &[], true),
            (A::Coordinator, Item::Content(&notes), &[], false),
            (A::Coordinator, Item::Content(&plan), &[], false),
            (A::Coordinator, Item::Content(&plan), &to_coordinator, true),
            (A::Coordinator, Item::Content(&notes), &to_ssw, false),
            (A::Coordinator, Item::Content(&why), &to_coordinator, false),
            (
                A::SupervisingSocialWorker,
                Item::Content(&notes),
                &to_ssw,
                true,
            ),
            (
                A::SupervisingSocialWorker,
                Item::Content(&notes),
                &[],
                false,
            ),
            (A::Administrator, Item::Metadata, &[], true),
            (
                A::Administrator,
                Item::Content(&notes),
                &to_coordinator,
                false,
            ),
            (A::LineManager, Item::Existence, &[], true),
            (A::LineManager, Item::TimeCommitment, &[], true),
            (A::LineManager, Item::Metadata, &[], false),
            (A::LineManager, Item::Compliance, &[], false),
            (
                A::LineManager,
                Item::Content(&Document::Agreement),
                &[],
                false,
            ),
        ];
        for (access, item, shared_with, expected) in cases {
            assert_eq!(
                access.may_see(item, shared_with),
                expected,
                "{access:?} {item:?} {shared_with:?}"
            );
        }
    }

    #[test]
    fn authorities_are_granted_only_for_the_relationship_and_part_they_name() {
        let facts = facts();
        let mentee = principal(Some(MENTEE), &[(Role::Mentee, Some(1), None)]);
        let content = authorise_content(&mentee, &facts).expect("the mentee's content");
        assert_eq!(
            (content.relationship_id(), content.party(), content.actor()),
            (
                RelationshipId::new(5),
                Party::Mentee,
                Actor::Account(AccountId::new(1))
            )
        );
        for (who, caller, expected) in callers() {
            let is_pair = expected.is_some_and(RelationshipAccess::is_pair);
            assert_eq!(authorise_content(&caller, &facts).is_ok(), is_pair, "{who}");
            let part = authorise_part(&caller, &facts)
                .ok()
                .map(|authority| authority.party());
            assert_eq!(part, expected.and_then(RelationshipAccess::party), "{who}");
            let shared = authorise_document(
                &caller,
                &facts,
                &Document::MeetingRecords,
                &[Party::SupervisingSocialWorker],
            );
            let may_read = is_pair || expected == Some(RelationshipAccess::SupervisingSocialWorker);
            assert_eq!(shared.is_ok(), may_read, "{who}");
        }
        let ssw = principal(Some(33), &[(Role::SupervisingSocialWorker, Some(1), None)]);
        let record = authorise_document(
            &ssw,
            &facts,
            &Document::MeetingRecords,
            &[Party::SupervisingSocialWorker],
        )
        .expect("AFC: records shared with the SSW");
        assert_eq!(record.document(), &Document::MeetingRecords);
        assert_eq!(record.relationship_id(), RelationshipId::new(5));
        let operator = Operator::assume();
        assert_eq!(
            operator
                .relationship_part(RelationshipId::new(8), Party::Mentor)
                .actor(),
            Actor::Operator
        );
        assert_eq!(
            operator
                .relationship_content(RelationshipId::new(8), Party::Mentee)
                .relationship_id(),
            RelationshipId::new(8)
        );
    }

    #[test]
    fn listings_are_scoped_to_what_the_caller_may_see() {
        let coordinator = principal(
            Some(30),
            &[
                (Role::Coordinator, Some(1), None),
                (Role::SupervisingSocialWorker, Some(2), Some(3)),
                (Role::Hr, Some(4), None),
            ],
        );
        let scope = relationship_scope(&coordinator);
        assert_eq!(scope.people.organisations, [OrganisationId::new(1)]);
        assert_eq!(
            scope.programme_organisations,
            [(ProgrammeId::new(3), OrganisationId::new(2))]
        );
        assert_eq!(
            (
                scope.people.everyone,
                scope.people.own,
                scope.people.reports_of
            ),
            (false, Some(PersonId::new(30)), None)
        );
        let manager = principal(Some(11), &[(Role::LineManager, Some(1), None)]);
        assert_eq!(
            relationship_scope(&manager).people.reports_of,
            Some(PersonId::new(11))
        );
        assert!(relationship_scope(&principal(None, &[])).is_empty());
        assert!(
            relationship_scope(&principal(None, &[(Role::Administrator, None, None)]))
                .people
                .everyone
        );
    }
}
