//! The read models the app hands to the web and the command line, so that
//! neither depends on `tandem-store`. Where the store's typed record is
//! already what a caller needs (ids, names, booleans, enums, dates —
//! decoded inside the store), it is passed on as it is; where the app
//! shapes or hides something (a request for a line manager, a programme
//! with its access), it has a view of its own in its use-case module
//! (`requests::RequestView`, `programmes::ProgrammeView`, `home::Home`).

pub use tandem_store::{
    ImportState, ImportSummary, MentorEntryRow as MentorEntry, Organisation, OwnSession,
    PersonDetail, PersonSummary, ProposalRow as Proposal, RegisterFilter, RequestRow as Request,
};
