//! Typed ids for relationships and what belongs to them, declared with
//! [`crate::id_type!`] like those in [`crate::ids`].

crate::id_type!(
    /// A mentoring relationship between one mentee and one mentor (LIF-1).
    RelationshipId
);
crate::id_type!(
    /// One entry in a relationship's append-only event record (LIF-1).
    RelationshipEventId
);
crate::id_type!(
    /// One version of a relationship's agreement (AGR-4).
    AgreementVersionId
);
crate::id_type!(
    /// A meeting between mentor and mentee (MTG-1).
    MeetingId
);
crate::id_type!(
    /// A review of a relationship (LIF-2).
    ReviewId
);
crate::id_type!(
    /// A relationship's action plan (PLN-1).
    ActionPlanId
);
