//! What the end of a relationship, or a No Match, means for the mentee's
//! request (AGR-2, LIF-4, MAT-5).

use super::RelationshipRules;
use super::state::Event;

/// What happens to the mentee's request after a relationship ends or an
/// introduction ends in a No Match (AGR-2, LIF-4, MAT-5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rematch {
    /// The request goes back to matching.
    pub back_to_matching: bool,
    /// The former mentor is never proposed again for this request.
    pub exclude_former_mentor: bool,
    /// The mentor may be proposed again for a later request of the same
    /// mentee (AFC "Mentoring through adversity": "may be linked again with
    /// a mentor, if they have previously worked with one").
    pub relink_later: bool,
}

/// What an event means for the mentee's request: a No Match or a request
/// for another mentor sends it back to matching without that mentor (AGR-2;
/// MAT-5; FUN "Principles of best practice": "request a change in mentoring
/// partner … without recrimination"); anything else closes it. `None` for
/// events that do not end the relationship.
pub fn rematch(rules: &RelationshipRules, event: &Event) -> Option<Rematch> {
    let back_to_matching = match event {
        Event::NoMatch { .. } | Event::RequestNewMentor { .. } => true,
        Event::Withdraw { .. } | Event::EndEarly { .. } | Event::Complete(_) => false,
        Event::Review(outcome) if outcome.ends() => false,
        Event::Agree { .. } | Event::StartReview | Event::Review(_) => return None,
    };
    Some(Rematch {
        back_to_matching,
        exclude_former_mentor: back_to_matching,
        relink_later: rules.relink_former_mentor,
    })
}
