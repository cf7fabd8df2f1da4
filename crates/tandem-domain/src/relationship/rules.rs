//! Who does what in a relationship, read once from a programme's settings
//! and one of its tracks (PRG-3): who arranges the introduction, who drafts
//! and signs the agreement, whether notes may be kept and who writes and
//! agrees them, when reviews fall due, how long the relationship lasts and
//! whether it may be extended, what completion needs, and which stages are
//! tracked. The rest of [`crate::relationship`] asks a
//! [`RelationshipRules`], never the [`Programme`] directly, so a setting is
//! read in one place.

use serde::{Deserialize, Serialize};

use super::leaving::NoMatchReason;
use crate::programme::{
    Key, LineManagerView, MeetingGuideline, MeetingKind, MonthRange, Months, Party, Programme,
    QuestionnaireTime, Stages, Track,
};

/// The programme has no track with this key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the programme has no track called {0:?}")]
pub struct UnknownTrack(pub String);

/// The rules one relationship runs under: its programme's settings and its
/// track's length and extensions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelationshipRules {
    /// The programme's key, e.g. `cwt`.
    pub programme: Key,
    /// The relationship's track, with its length and extension rule (PRG-2).
    pub track: Track,
    /// The introductory meeting (AGR-1).
    pub introduction: IntroductionRules,
    /// How a No Match is recorded (AGR-2).
    pub no_match: NoMatchRules,
    /// The written agreement (AGR-3 to AGR-5).
    pub agreement: AgreementSettings,
    /// What is recorded about meetings, and the action plan (MTG-1, MTG-2, PLN-1).
    pub records: RecordRules,
    /// The programme's meeting guideline (MTG-3, MTG-4).
    pub meetings: MeetingGuideline,
    /// When reviews fall due (LIF-2).
    pub reviews: ReviewSchedule,
    /// Who takes part in reviews besides the pair (CAF: line managers; AFC: SSWs).
    pub reviewed_with: Vec<Party>,
    /// Whether a mentee may later be linked again with a former mentor (AFC, MAT-5).
    pub relink_former_mentor: bool,
    /// The stages the pair may record (LIF-5, FUN); empty when not tracked.
    pub stages: Stages,
    /// What completion needs (LIF-3).
    pub completion: CompletionRequirements,
}

/// The introductory meeting (AGR-1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntroductionRules {
    /// Who arranges it; `None` means either of the pair.
    pub arranged_by: Option<Party>,
    /// Who attends besides the pair (AFC: the supervising social workers).
    pub also_attending: Vec<Party>,
    /// The programme's agenda, shown as a checklist.
    pub agenda: Vec<String>,
}

/// How a No Match is recorded (AGR-2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoMatchRules {
    /// Whether at least one reason must be given (CWT 2.2.5: "the reasons captured").
    pub reasons_required: bool,
    /// The reasons to choose from. The programme model has no list of its
    /// own, so this is Tandem's list ([`NoMatchReason::ALL`]).
    pub reasons: Vec<NoMatchReason>,
}

/// The written agreement's settings (AGR-3 to AGR-5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreementSettings {
    /// Whether an agreement must be in force before the relationship is
    /// agreed (FUN: optional, "can include a negotiated agreement").
    pub required: bool,
    /// Who drafts it; `None` means either of the pair (CWT: the mentee).
    pub drafted_by: Option<Party>,
    /// Who must sign the current version for it to be in force.
    pub signatories: Vec<Party>,
    /// What the line manager sees of it (CAF: the time commitment only).
    pub line_manager_sees: LineManagerView,
    /// Whether an agreement in force may be amended during the relationship (AGR-5).
    pub amendable: bool,
    /// The programme's agreement contents: one field of the form each (AGR-3).
    pub contents: Vec<String>,
}

/// What is recorded about meetings (MTG-1, MTG-2) and whether a written
/// action plan is kept (PLN-1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordRules {
    /// Whether any meeting content may be stored; `false` is metadata only (CWT, CAF).
    pub notes_allowed: bool,
    /// Who writes a meeting's record (FUN, AFC: the mentor; WSC: the mentee).
    pub written_by: Party,
    /// Who must agree a record before it stands (both, in every template that keeps notes).
    pub agreed_by: Vec<Party>,
    /// Who records are shared with (AFC: the supervising social workers).
    pub shared_with: Vec<Party>,
    /// The longest gap between records (AFC: at least once a month).
    pub at_least_every: Option<Months>,
    /// Whether a written action plan is kept (FUN Appendix B, WSC contract 5).
    pub action_plan: bool,
}

/// When reviews fall due (LIF-2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewSchedule {
    /// Every so many months (FUN Appendix A, 1: every three to six months).
    Interval(MonthRange),
    /// At the points the pair agree in their agreement (CWT 2.2.6), and
    /// wherever the programme gives no interval.
    AgreedPoints,
}

/// What completion needs (LIF-3).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CompletionRequirements {
    /// Forms completed at the end, each section answered and the form signed
    /// (CWT Template 4 joint review; WSC evaluation form).
    pub forms: Vec<CompletionForm>,
    /// The questionnaire answered before and again at the end, whose second
    /// answers complete the relationship (CWT 2.2.7), by key.
    pub after_self_assessment: Option<Key>,
    /// Who holds the mentor's closing supervision session, if one is needed
    /// (AFC "Process": "the mentor will receive a supervision session to close off the specific role").
    pub closing_supervision: Option<Party>,
}

/// A form completed at the end of a relationship.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletionForm {
    /// The questionnaire's key.
    pub key: Key,
    /// Its name.
    pub name: String,
    /// Each section's title and who answers it.
    pub sections: Vec<(String, Party)>,
    /// Who signs the completed form.
    pub signed_by: Vec<Party>,
}

/// A piece of a relationship's confidential content. It is the pair's; a
/// programme or agreement may send some of it to others (PRV-1, AGR-3
/// "documents sent to the coordinator").
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "key")]
pub enum Document {
    /// The agreement's text.
    Agreement,
    /// The action plan.
    ActionPlan,
    /// Meeting records and their action points.
    MeetingRecords,
    /// The answers to one questionnaire, by its key.
    Answers(Key),
    /// The words someone gave for leaving, for a No Match or for an
    /// extension ([`Event::confidential_text`](super::Event::confidential_text)).
    /// Never sent to anyone (LIF-4).
    Reasons,
}

/// The pair.
const PAIR: [Party; 2] = [Party::Mentee, Party::Mentor];

impl RelationshipRules {
    /// Reads the rules for a relationship on `track` of `programme`.
    pub fn new(programme: &Programme, track: &str) -> Result<RelationshipRules, UnknownTrack> {
        let track = programme
            .track(track)
            .ok_or_else(|| UnknownTrack(track.to_owned()))?
            .clone();
        Ok(RelationshipRules {
            programme: programme.key.clone(),
            track,
            introduction: introduction(programme),
            no_match: NoMatchRules {
                // AGR-2; CWT 2.2.5: "recorded as a No Match on the database and the reasons captured".
                reasons_required: programme.matching.no_match_reasons_recorded,
                reasons: if programme.matching.no_match_reasons.is_empty() {
                    NoMatchReason::ALL.to_vec()
                } else {
                    programme.matching.no_match_reasons.clone()
                },
            },
            agreement: agreement(programme),
            records: records(programme),
            meetings: programme.meetings.clone(),
            // LIF-2: FUN Appendix A, 1 gives an interval; CWT 2.2.6 "agreed review points";
            // AFC, CAF and WSC give none, so the pair agree them.
            reviews: programme
                .reviews
                .interval
                .map_or(ReviewSchedule::AgreedPoints, ReviewSchedule::Interval),
            reviewed_with: programme.reviews.with.clone(),
            // MAT-5; AFC "Mentoring through adversity": "may be linked again with a mentor".
            relink_former_mentor: programme.matching.relink_former_mentor,
            stages: programme.stages.clone(),
            completion: completion(programme),
        })
    }

    /// Whether `party` may arrange the introductory meeting (AGR-1).
    pub fn may_arrange_introduction(&self, party: Party) -> bool {
        match self.introduction.arranged_by {
            Some(arranger) => party == arranger,
            None => PAIR.contains(&party),
        }
    }

    /// Whether `party` may draft or change the agreement (AGR-4).
    pub fn may_draft_agreement(&self, party: Party) -> bool {
        match self.agreement.drafted_by {
            Some(drafter) => party == drafter,
            None => PAIR.contains(&party),
        }
    }

    /// Whether `party` takes part in reviews (LIF-2): the pair, and whoever
    /// the programme names.
    pub fn reviews_with(&self, party: Party) -> bool {
        PAIR.contains(&party) || self.reviewed_with.contains(&party)
    }

    /// Whether a meeting of this kind is one the programme expects (MTG-1);
    /// a programme that names no kinds takes any.
    pub fn allows_meeting_kind(&self, kind: MeetingKind) -> bool {
        self.meetings.kinds.is_empty() || self.meetings.kinds.contains(&kind)
    }

    /// Whether the pair may record a stage (LIF-5).
    pub fn tracks_stages(&self) -> bool {
        !self.stages.process.is_empty() || !self.stages.cycle.is_empty()
    }

    /// Who besides the pair may read `document`: the parties the programme
    /// sends it to (AFC "Process": records may be shared with the
    /// supervising social workers), and the coordinator where the agreement
    /// in force names it among the documents sent to the coordinator
    /// (AGR-3; FUN Appendix A, 10). `agreed` is that list.
    pub fn shared_with(&self, document: &Document, agreed: &[Document]) -> Vec<Party> {
        let mut parties = Vec::new();
        if *document == Document::Reasons {
            return parties; // LIF-4: only its category is ever seen.
        }
        if *document == Document::MeetingRecords && self.records.notes_allowed {
            parties.extend(self.records.shared_with.iter().copied());
        }
        if agreed.contains(document) {
            parties.push(Party::Coordinator);
        }
        parties.sort();
        parties.dedup();
        parties
    }
}

/// AGR-1. Who arranges the introduction: the programme's `[introduction]`
/// (CWT 2.2.4: the mentee; AFC: the supervising social worker), else whoever
/// initiates meetings (WSC 5.1: the mentee), else either of the pair.
fn introduction(programme: &Programme) -> IntroductionRules {
    IntroductionRules {
        arranged_by: programme
            .introduction
            .arranged_by
            .or(programme.meetings.initiated_by),
        also_attending: programme.introduction.also_attending.clone(),
        agenda: programme.introduction.agenda.clone(),
    }
}

/// AGR-3 to AGR-5 from `[agreement]`.
fn agreement(programme: &Programme) -> AgreementSettings {
    let settings = &programme.agreement;
    // AGR-4: the parties the programme names sign; a programme that names none has both sign.
    let signatories = if settings.signed_by.is_empty() {
        PAIR.to_vec()
    } else {
        settings.signed_by.clone()
    };
    AgreementSettings {
        required: settings.required,
        drafted_by: settings.drafted_by,
        signatories,
        line_manager_sees: settings.line_manager_sees,
        // AGR-5: "reviewed and amended where the programme allows" (AFC, FUN, CAF).
        amendable: settings.reviewable,
        contents: settings.contents.clone(),
    }
}

/// MTG-1, MTG-2, PLN-1 from `[records]`.
fn records(programme: &Programme) -> RecordRules {
    let records = &programme.records;
    let notes_allowed = records.mode.allows_notes();
    // MTG-2: "the mentor writes a short record and the mentee agrees it" unless the programme says otherwise.
    let written_by = records.written_by.unwrap_or(Party::Mentor);
    let agreed_by = if records.agreed_by.is_empty() {
        PAIR.to_vec()
    } else {
        records.agreed_by.clone()
    };
    RecordRules {
        notes_allowed,
        written_by,
        agreed_by,
        shared_with: records.may_share_with.clone(),
        at_least_every: records.at_least_every_months,
        // PLN-1: a plan is content, so a metadata-only programme keeps none.
        action_plan: records.action_plan && notes_allowed,
    }
}

/// LIF-3: what completion needs, from the questionnaires and the mentors' supervision.
fn completion(programme: &Programme) -> CompletionRequirements {
    let mut requirements = CompletionRequirements::default();
    for questionnaire in &programme.questionnaires {
        if !questionnaire
            .when
            .contains(&QuestionnaireTime::AtCompletion)
        {
            continue;
        }
        let repeated = questionnaire.when.iter().any(|when| {
            matches!(
                when,
                QuestionnaireTime::BeforeMatching | QuestionnaireTime::AtStart
            )
        });
        if repeated {
            // CWT 2.2.7: "The mentee carries out a second online self-assessment".
            requirements
                .after_self_assessment
                .get_or_insert_with(|| questionnaire.key.clone());
        } else {
            // CWT 2.2.7 Template 4; WSC "Example: Mentoring Evaluation Form".
            requirements.forms.push(CompletionForm {
                key: questionnaire.key.clone(),
                name: questionnaire.name.clone(),
                sections: questionnaire
                    .sections
                    .iter()
                    .map(|section| (section.title.clone(), section.answered_by))
                    .collect(),
                signed_by: questionnaire.signed_by.clone(),
            });
        }
    }
    // AFC "Process": a closing supervision session for the mentor, with whoever supervises mentors.
    requirements.closing_supervision = programme
        .mentors
        .supervision
        .map(|supervision| supervision.with);
    requirements
}
