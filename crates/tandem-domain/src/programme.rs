//! Programmes (schemes) as configuration: PRG-1 to PRG-6.
//!
//! A [`Programme`] holds every setting a mentoring scheme's policy document
//! states: its tracks and their lengths, who may mentor, how matches are
//! made, the meeting guideline, the review interval, what is recorded, who
//! signs the agreement, payments, questionnaires, publicity and the policy's
//! revision history. The five seed schemes ship as TOML templates
//! ([`SHIPPED_TEMPLATES`]); [`ProgrammeTemplate::from_toml_str`] reads one and
//! reports every problem with its line and key.
//!
//! The functions here apply those settings (a track's end date, whether a
//! length is allowed, what payment is due, whether a mentor is eligible) so
//! that the web pages, the CLI and the store share one reading of the rules.

mod rules;
pub mod settings_form;
mod template;
mod units;

use serde::{Deserialize, Serialize};

pub use rules::{
    ExtensionProblem, LengthProblem, MeetingLengthProblem, MentorFacts, MentorIneligibility,
    PaymentDue,
};
pub use template::{ExportError, ProgrammeError, ProgrammeTemplate, SettingProblem};
pub use units::{
    CarerLevel, Hours, Key, KeyError, Minutes, Months, OutOfRange, Pence, PolicyDate,
    PolicyDateError, Weight,
};

/// The templates shipped with Tandem, one per seed scheme, as `(key, TOML
/// source)`. They are compiled in so that no crate needs file access to offer
/// them (PRG-4).
pub const SHIPPED_TEMPLATES: &[(&str, &str)] = &[
    ("caf", include_str!("../../../programmes/caf.toml")),
    ("fun", include_str!("../../../programmes/fun.toml")),
    ("wsc", include_str!("../../../programmes/wsc.toml")),
    ("afc", include_str!("../../../programmes/afc.toml")),
    ("cwt", include_str!("../../../programmes/cwt.toml")),
];

/// The TOML source of the shipped template with this key, if there is one.
pub fn shipped_template(key: &str) -> Option<&'static str> {
    SHIPPED_TEMPLATES
        .iter()
        .find(|(name, _)| *name == key)
        .map(|(_, source)| *source)
}

/// A mentoring programme and all of its settings.
///
/// Build one from TOML with [`ProgrammeTemplate::from_toml_str`], which also
/// checks it; a programme built in code can be checked with
/// [`Programme::problems`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Programme {
    /// Short identifier, e.g. `afc`.
    pub key: Key,
    /// The programme's name as participants know it.
    pub name: String,
    /// One paragraph saying what the programme is.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub summary: String,
    /// The programme's stated objectives.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub objectives: Vec<String>,
    /// The organisations taking part; one or several (PRG-1).
    #[serde(default)]
    pub organisations: Vec<Organisation>,
    /// Who runs the programme.
    #[serde(default, skip_serializing_if = "is_default")]
    pub coordination: Coordination,
    /// The ways into the programme, each with its own eligibility and length (PRG-2).
    #[serde(default)]
    pub tracks: Vec<Track>,
    /// Who may be mentored and how requests are screened.
    #[serde(default, skip_serializing_if = "is_default")]
    pub mentees: MenteeRules,
    /// Who may mentor.
    #[serde(default, skip_serializing_if = "is_default")]
    pub mentors: MentorRules,
    /// How mentors and mentees are matched.
    #[serde(default)]
    pub matching: MatchingRules,
    /// The introductory meeting.
    #[serde(default, skip_serializing_if = "is_default")]
    pub introduction: Introduction,
    /// The written agreement and who signs it.
    #[serde(default, skip_serializing_if = "is_default")]
    pub agreement: AgreementRules,
    /// How often and how long mentor and mentee meet.
    #[serde(default, skip_serializing_if = "is_default")]
    pub meetings: MeetingGuideline,
    /// How often the relationship is reviewed.
    #[serde(default, skip_serializing_if = "is_default")]
    pub reviews: ReviewRules,
    /// What is recorded about meetings.
    pub records: RecordKeeping,
    /// What stays between mentor and mentee.
    #[serde(default, skip_serializing_if = "is_default")]
    pub confidentiality: Confidentiality,
    /// Codes of conduct and standards the programme adheres to (FUN, CWT).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub codes_of_conduct: Vec<String>,
    /// Where child-protection or unsafe-practice concerns go.
    #[serde(default, skip_serializing_if = "is_default")]
    pub safeguarding: Safeguarding,
    /// How disagreements, conflicts of interest and mismatches are handled.
    #[serde(default, skip_serializing_if = "is_default")]
    pub conflicts: ConflictRules,
    /// Payments to mentors, if the programme makes any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payments: Option<PaymentRules>,
    /// Questionnaires and forms (self-assessment, evaluation).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub questionnaires: Vec<Questionnaire>,
    /// How the programme itself is evaluated.
    #[serde(default, skip_serializing_if = "is_default")]
    pub evaluation: Evaluation,
    /// Optional stages a relationship moves through (LIF-5).
    #[serde(default, skip_serializing_if = "is_default")]
    pub stages: Stages,
    /// What is published to eligible staff and how to apply (PRG-5).
    #[serde(default)]
    pub publicity: Publicity,
    /// The policy document's own history and review date (PRG-6).
    #[serde(default, skip_serializing_if = "is_default")]
    pub policy: PolicyRecord,
}

/// An organisation taking part in a programme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    /// The organisation's name.
    pub name: String,
    /// The legal jurisdiction it works in, e.g. "Northern Ireland".
    pub jurisdiction: String,
}

/// Who coordinates the programme.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Coordination {
    /// The coordinator's title as the document gives it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    /// Whether each partner organisation has its own lead (CWT).
    #[serde(default, skip_serializing_if = "is_false")]
    pub lead_per_organisation: bool,
    /// What the coordinator does.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub responsibilities: Vec<String>,
}

/// A way into the programme with its own eligibility and length (PRG-2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Track {
    /// Short identifier, unique within the programme.
    pub key: Key,
    /// The track's name.
    pub name: String,
    /// Who the track is for, as plain-English rules; at least one.
    #[serde(default)]
    pub eligibility: Vec<String>,
    /// How people join this track.
    pub enrolment: Enrolment,
    /// Who identifies or nominates people for this track.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identified_by: Vec<Party>,
    /// Whether the mentee's line manager is consulted (CAF administrators, WSC).
    #[serde(default, skip_serializing_if = "is_false")]
    pub line_manager_consulted: bool,
    /// How long a relationship on this track lasts; absent when the document sets no length.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub length: Option<TrackLength>,
    /// Whether and how the length may be extended.
    #[serde(default, skip_serializing_if = "is_default")]
    pub extension: ExtensionRule,
    /// Other rules the document states for this track.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// How people join a track.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Enrolment {
    /// Everyone in the group is given a mentor without asking (CAF new staff).
    Automatic,
    /// Someone offers a mentor to the person (CAF administrators, AFC carers).
    Offered,
    /// The person asks for a mentor (CWT mentor request, FUN volunteers).
    Request,
    /// The line manager and HR decide from the performance review (WSC).
    LineManagerAndHr,
}

/// The length of a relationship on a track, in months. Any of the three may
/// be given; a fixed length has all three equal.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrackLength {
    /// The shortest allowed length.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_months: Option<Months>,
    /// The longest allowed length before an extension.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_months: Option<Months>,
    /// The length a relationship is planned for unless agreed otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub planned_months: Option<Months>,
}

/// Whether a track's length may be extended.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtensionRule {
    /// Whether extensions are allowed at all.
    #[serde(default)]
    pub allowed: bool,
    /// The longest extension, if the document limits it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_months: Option<Months>,
    /// Whether an extension must be recorded with a reason.
    #[serde(default, skip_serializing_if = "is_false")]
    pub reason_required: bool,
}

/// A person's part in a programme, as the settings refer to them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    /// The person being mentored.
    Mentee,
    /// The mentor.
    Mentor,
    /// The mentee's line manager.
    LineManager,
    /// The mentee's practice supervisor (CAF).
    PracticeSupervisor,
    /// The programme coordinator or programme lead.
    Coordinator,
    /// Human Resources.
    Hr,
    /// A supervising social worker (AFC).
    SupervisingSocialWorker,
    /// The fostering manager (AFC).
    FosteringManager,
    /// A self-employed contractor's contract manager (CAF).
    ContractManager,
}

impl Party {
    /// Every part, in the order the settings list them.
    pub const ALL: [Party; 9] = [
        Party::Mentee,
        Party::Mentor,
        Party::LineManager,
        Party::PracticeSupervisor,
        Party::Coordinator,
        Party::Hr,
        Party::SupervisingSocialWorker,
        Party::FosteringManager,
        Party::ContractManager,
    ];

    /// The stable name the settings and the store use (`line_manager`).
    pub fn as_str(self) -> &'static str {
        match self {
            Party::Mentee => "mentee",
            Party::Mentor => "mentor",
            Party::LineManager => "line_manager",
            Party::PracticeSupervisor => "practice_supervisor",
            Party::Coordinator => "coordinator",
            Party::Hr => "hr",
            Party::SupervisingSocialWorker => "supervising_social_worker",
            Party::FosteringManager => "fostering_manager",
            Party::ContractManager => "contract_manager",
        }
    }

    /// Reads a stored name.
    pub fn parse(text: &str) -> Option<Party> {
        Party::ALL.into_iter().find(|party| party.as_str() == text)
    }
}

/// Who may be mentored and how requests are screened.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MenteeRules {
    /// The group the programme is for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub target_group: Vec<String>,
    /// Whether each request is checked against the target group (CWT).
    #[serde(default, skip_serializing_if = "is_false")]
    pub screened_against_target_group: bool,
    /// Whether a rejected request must carry a reason.
    #[serde(default, skip_serializing_if = "is_false")]
    pub rejection_reason_required: bool,
    /// Whether mentees must be trained.
    #[serde(default, skip_serializing_if = "is_default")]
    pub training: TrainingRequirement,
    /// What the mentee is expected to do.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub responsibilities: Vec<String>,
}

/// Whether training is required.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrainingRequirement {
    /// The document says nothing about training.
    #[default]
    NotStated,
    /// Training is offered but not required (CAF).
    Optional,
    /// Training is mandatory (WSC, AFC).
    Mandatory,
}

/// Who may mentor.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MentorRules {
    /// Eligibility in plain English, including what cannot be checked automatically.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub eligibility: Vec<String>,
    /// How mentors come forward.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recruitment: Vec<Recruitment>,
    /// The least experience a mentor needs, if the document gives a number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_experience_months: Option<Months>,
    /// The lowest carer level a mentor may have (AFC: level 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_carer_level: Option<CarerLevel>,
    /// The highest carer level the document names (AFC: level 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_carer_level: Option<CarerLevel>,
    /// Whether experience must be shown through appraisal (CAF).
    #[serde(default, skip_serializing_if = "is_false")]
    pub experience_shown_by_appraisal: bool,
    /// Whether mentor training is mandatory or optional.
    #[serde(default, skip_serializing_if = "is_default")]
    pub training: TrainingRequirement,
    /// Whether only trained mentors may mentor (CWT, WSC, AFC).
    #[serde(default, skip_serializing_if = "is_false")]
    pub trained_only: bool,
    /// The least number of training sessions a mentor attends each year (AFC: one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub training_sessions_per_year: Option<u16>,
    /// Supervision while mentoring (AFC: every 4 to 6 weeks with the SSW).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supervision: Option<Supervision>,
    /// How often the mentor network meets each year (CWT: twice).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_meetings_per_year: Option<u16>,
    /// Whether each mentor should have a peer "buddy" (CWT).
    #[serde(default, skip_serializing_if = "is_false")]
    pub buddy: bool,
    /// How mentors develop: workshops, network meetings, development programmes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub development: Vec<String>,
    /// What the mentor is expected to do.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub responsibilities: Vec<String>,
    /// Skills a mentor has or acquires.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skills: Vec<String>,
}

/// How mentors come forward.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recruitment {
    /// Staff volunteer (FUN, WSC).
    Volunteer,
    /// Mentors are identified by someone (AFC social workers, CAF appraisal).
    Identified,
}

/// Regular supervision for mentors while they mentor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Supervision {
    /// The shortest gap between sessions, in weeks.
    pub every_min_weeks: u16,
    /// The longest gap between sessions, in weeks.
    pub every_max_weeks: u16,
    /// Who supervises.
    pub with: Party,
}

/// How mentors and mentees are matched (MAT-1 to MAT-5).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatchingRules {
    /// The ways a match may be made; at least one.
    #[serde(default)]
    pub methods: Vec<MatchMethod>,
    /// The order in which waiting mentees are served.
    #[serde(default)]
    pub allocation: AllocationOrder,
    /// Whether the mentor sees the request before the match is final (MAT-4).
    #[serde(default, skip_serializing_if = "is_false")]
    pub mentor_sees_request_first: bool,
    /// The criteria that score a pair and their weights (MAT-1).
    #[serde(default)]
    pub weights: MatchingWeights,
    /// Pairs that are never proposed (MAT-2).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclusions: Vec<Exclusion>,
    /// Whether a "No Match" is recorded with its reasons (CWT).
    #[serde(default, skip_serializing_if = "is_false")]
    pub no_match_reasons_recorded: bool,
    /// The reasons a pair may give for a No Match (AGR-2: "reasons from
    /// the programme's list"), in the order the form lists them; empty
    /// means Tandem's list, [`NoMatchReason::ALL`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub no_match_reasons: Vec<crate::relationship::leaving::NoMatchReason>,
    /// Whether a mismatch leads to a substitute mentor (WSC).
    #[serde(default, skip_serializing_if = "is_false")]
    pub substitute_on_mismatch: bool,
    /// Whether a mentee may be linked again with a former mentor (AFC adversity).
    #[serde(default, skip_serializing_if = "is_false")]
    pub relink_former_mentor: bool,
    /// Whether a mentor may come from outside the organisation(s) (CAF, exceptionally).
    #[serde(default, skip_serializing_if = "is_false")]
    pub mentor_from_outside_allowed: bool,
    /// Other matching rules the document states.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// A way a match may be made (PRG-3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchMethod {
    /// A coordinator (or supervising social worker) proposes the mentor (CWT, AFC).
    CoordinatorProposes,
    /// The mentee browses the register and picks a mentor (CWT).
    MenteePicksFromRegister,
    /// The line manager, HR and the mentee decide together (WSC).
    LineManagerHrAndMenteeDecide,
}

/// The order in which waiting mentees are given mentors (MAT-3).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AllocationOrder {
    /// The set of matches with the best total score.
    #[default]
    BestTotal,
    /// An earlier eligible request is never left unmatched for a later one (CWT).
    FirstComeFirstServed,
}

/// A reason a pair is never proposed (MAT-2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Exclusion {
    /// A declared conflict of interest (CWT, AFC).
    ConflictOfInterest,
    /// The mentor has authority over the mentee: line manager or above (FUN).
    AuthorityOverMentee,
    /// The mentor does not meet the mentor eligibility rules.
    IneligibleMentor,
    /// The mentor has not completed the required training.
    UntrainedMentor,
    /// The mentor already has as many mentees as they can take.
    MentorAtCapacity,
}

/// A matching criterion (MAT-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Criterion {
    /// The mentor's experience is relevant to the mentee's needs.
    RelevantExperience,
    /// The mentor can meet the mentee's specific requests.
    SpecificRequests,
    /// Style and approach suit each other.
    StyleAndApproach,
    /// Similar approval type or experiences (AFC).
    ApprovalType,
    /// Similar household dynamics (AFC).
    Household,
    /// Shared special interests or expertise such as disability or SEN (AFC).
    SpecialInterests,
    /// Language needs.
    Language,
    /// Race.
    Race,
    /// Culture.
    Culture,
    /// Religion.
    Religion,
    /// Gender.
    Gender,
    /// Sexuality.
    Sexuality,
    /// Geographical location.
    Location,
    /// The mentor is in another organisation (CWT).
    OtherOrganisation,
    /// The mentor is in the other jurisdiction (CWT).
    OtherJurisdiction,
    /// The mentor is in another team (CAF).
    OtherTeam,
    /// The mentor is in another region.
    OtherRegion,
    /// The mentor is in another team or region, counted only for a mentee
    /// from a minority or professionally isolated in their own team (CAF 2:
    /// "on a cross regional basis where individuals seeking mentoring are
    /// from a minority group and possibly professionally isolated").
    OtherTeamOrRegionIfIsolated,
    /// The mentor is from the other team, region, organisation or
    /// jurisdiction the mentee asked for in their request, counted once
    /// per wish met (REQ-1: "another team [CAF], another organisation or
    /// jurisdiction [CWT]"). The request asks these questions only where
    /// the programme weighs this.
    PreferredElsewhere,
}

impl Criterion {
    /// Every criterion, in the order they are listed in settings.
    pub const ALL: [Criterion; 19] = [
        Criterion::RelevantExperience,
        Criterion::SpecificRequests,
        Criterion::StyleAndApproach,
        Criterion::ApprovalType,
        Criterion::Household,
        Criterion::SpecialInterests,
        Criterion::Language,
        Criterion::Race,
        Criterion::Culture,
        Criterion::Religion,
        Criterion::Gender,
        Criterion::Sexuality,
        Criterion::Location,
        Criterion::OtherOrganisation,
        Criterion::OtherJurisdiction,
        Criterion::OtherTeam,
        Criterion::OtherRegion,
        Criterion::OtherTeamOrRegionIfIsolated,
        Criterion::PreferredElsewhere,
    ];

    /// The criterion's name in settings, e.g. `relevant_experience`.
    pub fn as_str(self) -> &'static str {
        match self {
            Criterion::RelevantExperience => "relevant_experience",
            Criterion::SpecificRequests => "specific_requests",
            Criterion::StyleAndApproach => "style_and_approach",
            Criterion::ApprovalType => "approval_type",
            Criterion::Household => "household",
            Criterion::SpecialInterests => "special_interests",
            Criterion::Language => "language",
            Criterion::Race => "race",
            Criterion::Culture => "culture",
            Criterion::Religion => "religion",
            Criterion::Gender => "gender",
            Criterion::Sexuality => "sexuality",
            Criterion::Location => "location",
            Criterion::OtherOrganisation => "other_organisation",
            Criterion::OtherJurisdiction => "other_jurisdiction",
            Criterion::OtherTeam => "other_team",
            Criterion::OtherRegion => "other_region",
            Criterion::OtherTeamOrRegionIfIsolated => "other_team_or_region_if_isolated",
            Criterion::PreferredElsewhere => "preferred_elsewhere",
        }
    }
}

/// The weight of each matching criterion a programme uses. A field per
/// criterion (rather than a map) means a misspelt criterion is refused with
/// the list of valid names.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[expect(
    missing_docs,
    reason = "each field is the weight of the Criterion of the same name"
)]
pub struct MatchingWeights {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relevant_experience: Option<Weight>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub specific_requests: Option<Weight>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style_and_approach: Option<Weight>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval_type: Option<Weight>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub household: Option<Weight>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub special_interests: Option<Weight>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<Weight>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub race: Option<Weight>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub culture: Option<Weight>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub religion: Option<Weight>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<Weight>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sexuality: Option<Weight>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Weight>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other_organisation: Option<Weight>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other_jurisdiction: Option<Weight>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other_team: Option<Weight>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other_region: Option<Weight>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other_team_or_region_if_isolated: Option<Weight>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_elsewhere: Option<Weight>,
}

impl MatchingWeights {
    /// The weight given to a criterion, if the programme uses it.
    pub fn get(&self, criterion: Criterion) -> Option<Weight> {
        match criterion {
            Criterion::RelevantExperience => self.relevant_experience,
            Criterion::SpecificRequests => self.specific_requests,
            Criterion::StyleAndApproach => self.style_and_approach,
            Criterion::ApprovalType => self.approval_type,
            Criterion::Household => self.household,
            Criterion::SpecialInterests => self.special_interests,
            Criterion::Language => self.language,
            Criterion::Race => self.race,
            Criterion::Culture => self.culture,
            Criterion::Religion => self.religion,
            Criterion::Gender => self.gender,
            Criterion::Sexuality => self.sexuality,
            Criterion::Location => self.location,
            Criterion::OtherOrganisation => self.other_organisation,
            Criterion::OtherJurisdiction => self.other_jurisdiction,
            Criterion::OtherTeam => self.other_team,
            Criterion::OtherRegion => self.other_region,
            Criterion::OtherTeamOrRegionIfIsolated => self.other_team_or_region_if_isolated,
            Criterion::PreferredElsewhere => self.preferred_elsewhere,
        }
    }

    /// The criteria the programme uses, with their weights, in [`Criterion::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = (Criterion, Weight)> + '_ {
        Criterion::ALL
            .into_iter()
            .filter_map(|criterion| self.get(criterion).map(|weight| (criterion, weight)))
    }
}

/// The introductory meeting (AGR-1).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Introduction {
    /// Who arranges it (CWT: the mentee; AFC: the supervising social workers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arranged_by: Option<Party>,
    /// Who attends besides mentor and mentee.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also_attending: Vec<Party>,
    /// What the meeting covers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub agenda: Vec<String>,
}

/// The written agreement (AGR-3, AGR-4).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgreementRules {
    /// Whether a written agreement is required.
    #[serde(default)]
    pub required: bool,
    /// Who drafts it (CWT: the mentee).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drafted_by: Option<Party>,
    /// Who signs it (CAF adds the line manager).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub signed_by: Vec<Party>,
    /// What the line manager may see of it.
    #[serde(default, skip_serializing_if = "is_default")]
    pub line_manager_sees: LineManagerView,
    /// Whether the agreement may be reviewed and amended during the relationship.
    #[serde(default, skip_serializing_if = "is_false")]
    pub reviewable: bool,
    /// What the agreement covers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contents: Vec<String>,
}

/// What a line manager may see of an agreement.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineManagerView {
    /// Nothing.
    #[default]
    Nothing,
    /// The time commitment only, never the discussions (CAF).
    TimeCommitmentOnly,
}

/// How often and how long mentor and mentee meet (PRG-3, MTG-3).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeetingGuideline {
    /// How often they meet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frequency: Option<Frequency>,
    /// The shortest a meeting should be.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_minutes: Option<Minutes>,
    /// The longest a meeting should be.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_minutes: Option<Minutes>,
    /// The kinds of contact the programme expects.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kinds: Vec<MeetingKind>,
    /// Who initiates meetings (WSC: the mentee).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initiated_by: Option<Party>,
    /// Notice needed to cancel a meeting (FUN: 24 hours).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancellation_notice_hours: Option<Hours>,
    /// Other meeting rules the document states.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// "Every 2 to 3 months", "every month".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Frequency {
    /// The shortest gap.
    pub every_min: u16,
    /// The longest gap; a meeting later than this is overdue.
    pub every_max: u16,
    /// The unit of both gaps.
    pub unit: IntervalUnit,
}

/// The unit of a [`Frequency`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IntervalUnit {
    /// Weeks of seven days.
    Weeks,
    /// Calendar months.
    Months,
}

/// A kind of meeting or contact (MTG-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeetingKind {
    /// In person.
    FaceToFace,
    /// By telephone.
    Telephone,
    /// By video call.
    Video,
    /// By email.
    Email,
}

/// How often the relationship is reviewed (LIF-2).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewRules {
    /// The gap between reviews (FUN: 3 to 6 months).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<MonthRange>,
    /// Who besides mentor and mentee takes part (CAF: line managers).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub with: Vec<Party>,
    /// Other review rules the document states.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// A range of months, e.g. "every three to six months".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MonthRange {
    /// The shortest gap.
    pub min_months: Months,
    /// The longest gap.
    pub max_months: Months,
}

/// What is recorded about meetings (PRG-3, MTG-1, MTG-2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordKeeping {
    /// Metadata only, or notes agreed by both.
    pub mode: RecordMode,
    /// Who writes the notes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub written_by: Option<Party>,
    /// Who must agree the notes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub agreed_by: Vec<Party>,
    /// The longest gap between records (AFC: at least once a month).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_least_every_months: Option<Months>,
    /// Who the notes may be shared with (AFC: the supervising social workers).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub may_share_with: Vec<Party>,
    /// Whether a written action plan is kept (FUN Appendix B, WSC).
    #[serde(default, skip_serializing_if = "is_false")]
    pub action_plan: bool,
    /// Other record-keeping rules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// The record-keeping mode (PRG-3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordMode {
    /// Only the date, duration and kind of each meeting (CWT).
    MetadataOnly,
    /// Short notes written by one party and agreed by both (FUN, AFC).
    NotesAgreedByBoth,
}

impl RecordMode {
    /// Whether any meeting content may be stored.
    pub fn allows_notes(self) -> bool {
        matches!(self, RecordMode::NotesAgreedByBoth)
    }
}

/// What stays between mentor and mentee (PRV-1, PRV-2).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Confidentiality {
    /// When outcomes may reach the line manager or annual review.
    #[serde(default, skip_serializing_if = "is_default")]
    pub outcomes_to_line_manager: OutcomeSharing,
    /// The document's confidentiality rules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<String>,
}

/// When outcomes of a relationship may be passed on (PRV-2).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeSharing {
    /// Never.
    #[default]
    Never,
    /// Only if the mentee is willing (CWT).
    IfMenteeAgrees,
    /// Only if the mentee asks and the mentor agrees (FUN).
    IfMenteeAsksAndMentorAgrees,
}

/// Where child-protection or unsafe-practice concerns go (CON-1).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Safeguarding {
    /// Who may receive a referral.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub refer_to: Vec<Party>,
    /// Whether the agreement is flagged for review after a concern (CAF).
    #[serde(default, skip_serializing_if = "is_false")]
    pub agreement_review_after_concern: bool,
    /// The steps, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<String>,
}

/// How disagreements, conflicts of interest and mismatches are handled (CON-2, CON-3, LIF-4).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConflictRules {
    /// Who mediates.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mediation_with: Vec<Party>,
    /// Whether every disagreement must be recorded (AFC).
    #[serde(default, skip_serializing_if = "is_false")]
    pub always_recorded: bool,
    /// Whether either party may withdraw or ask for a change without recrimination (FUN).
    #[serde(default, skip_serializing_if = "is_false")]
    pub change_without_recrimination: bool,
    /// The steps, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<String>,
}

/// Payments to mentors (PAY-1, PAY-2).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentRules {
    /// A regular allowance while the mentor has an active mentee (AFC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowance: Option<MentorAllowance>,
    /// Whether self-employed contractors claim time and travel at an hourly
    /// rate; the rate is agreed per contract, so it is not a setting (CAF).
    #[serde(default, skip_serializing_if = "is_false")]
    pub hourly_contractor_claims: bool,
    /// Who agrees a contractor's claims (CAF: the contract manager).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claims_agreed_with: Option<Party>,
    /// Whether employed mentors may, exceptionally, be paid additional hours
    /// by agreement with their line manager (CAF).
    #[serde(default, skip_serializing_if = "is_false")]
    pub additional_hours_by_agreement: bool,
    /// How often timesheets and expense claims are completed (AFC: monthly).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timesheets_every_months: Option<Months>,
    /// Other payment rules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// A monthly allowance paid in periods, capped per track (AFC: £50 a month,
/// paid £150 per three months, at most £300 for six months).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MentorAllowance {
    /// The amount earned per month with an active mentee.
    pub monthly_pence: Pence,
    /// How many months each payment covers.
    pub paid_every_months: Months,
    /// The most paid for one arrangement, by track.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub caps: Vec<PaymentCap>,
}

/// The most paid for one arrangement on a track.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentCap {
    /// The track's key.
    pub track: Key,
    /// The cap.
    pub max_pence: Pence,
}

/// A questionnaire or form (REQ-2, LIF-3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Questionnaire {
    /// Short identifier, unique within the programme.
    pub key: Key,
    /// The form's name.
    pub name: String,
    /// When it is completed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub when: Vec<QuestionnaireTime>,
    /// The rating scale, for rated questions; absent for free-text forms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<Scale>,
    /// The sections, each answered by one party.
    #[serde(default)]
    pub sections: Vec<QuestionSection>,
    /// Who signs the completed form.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub signed_by: Vec<Party>,
}

/// When a questionnaire is completed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionnaireTime {
    /// Before a mentor is allocated.
    BeforeMatching,
    /// When the relationship starts.
    AtStart,
    /// At a review.
    AtReview,
    /// At the end of the relationship.
    AtCompletion,
}

/// A rating scale; point `n` (from 1) carries `labels[n - 1]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scale {
    /// One label per point, lowest first; at least two.
    pub labels: Vec<String>,
}

/// A section of a questionnaire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionSection {
    /// The section's title.
    pub title: String,
    /// Who answers it.
    pub answered_by: Party,
    /// The questions, in order; at least one.
    #[serde(default)]
    pub questions: Vec<String>,
}

/// How the programme itself is evaluated (EVA-1, EVA-2).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evaluation {
    /// The period over which the programme is evaluated (CWT: its first two years).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within_months: Option<Months>,
    /// Whether issues are monitored for equality without naming the parties (WSC).
    #[serde(default, skip_serializing_if = "is_false")]
    pub equality_monitoring_without_names: bool,
    /// What the evaluation looks at.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub questions: Vec<String>,
}

/// Stages a relationship may be tracked through (LIF-5).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stages {
    /// Process stages, e.g. introduction, foundation, orientation (FUN).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub process: Vec<String>,
    /// The relationship cycle, e.g. beginning, challenging, progression, ending (FUN).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cycle: Vec<String>,
}

/// What is published about the programme (PRG-5).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Publicity {
    /// The text of the public programme page.
    #[serde(default)]
    pub text: String,
    /// How to apply or be put forward.
    #[serde(default)]
    pub how_to_apply: String,
    /// Who to contact.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub contact: String,
    /// Where the programme is publicised.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub channels: Vec<String>,
    /// Whether anyone may read the programme's page without signing in,
    /// once it is published: its public information only (how to apply,
    /// CWT 2.2.1; WSC §8). Otherwise only staff of the organisations
    /// taking part read it, signed in.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub public: bool,
}

/// The policy document's history and review (PRG-6).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyRecord {
    /// The document's version, e.g. "V1".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// When it was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<PolicyDate>,
    /// Who approved it, and when, as the document says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved: Option<String>,
    /// The document's author.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// Who initiates reviews of the policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewed_by: Option<String>,
    /// How often the policy is reviewed (FUN: annually).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_every_months: Option<Months>,
    /// When the policy is next due for review.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_review: Option<PolicyDate>,
    /// Revisions, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub revisions: Vec<Revision>,
}

/// One row of a policy's revision history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Revision {
    /// When it was made.
    pub date: PolicyDate,
    /// What changed, or why.
    pub change: String,
    /// Who made it.
    pub author: String,
    /// The next review date this revision set, if the table records one (FUN).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_review: Option<PolicyDate>,
}

impl Programme {
    /// Reads a programme from TOML and checks it; see [`ProgrammeTemplate::from_toml_str`].
    pub fn from_toml_str(source: &str) -> Result<Programme, Vec<ProgrammeError>> {
        ProgrammeTemplate::from_toml_str(source)
    }

    /// Writes the programme as TOML that [`Programme::from_toml_str`] reads
    /// back to an equal programme.
    pub fn to_toml_string(&self) -> Result<String, ExportError> {
        template::to_toml_string(self)
    }

    /// Every problem with the settings, each naming its key; empty when the
    /// programme is sound.
    pub fn problems(&self) -> Vec<SettingProblem> {
        template::problems(self)
    }

    /// The track with this key.
    pub fn track(&self, key: &str) -> Option<&Track> {
        self.tracks.iter().find(|track| track.key.as_str() == key)
    }

    /// The questionnaire with this key.
    pub fn questionnaire(&self, key: &str) -> Option<&Questionnaire> {
        self.questionnaires
            .iter()
            .find(|questionnaire| questionnaire.key.as_str() == key)
    }

    /// Whether this party must sign the agreement (AGR-4).
    pub fn agreement_signed_by(&self, party: Party) -> bool {
        self.agreement.signed_by.contains(&party)
    }

    /// Whether a match may be made this way.
    pub fn allows_match_method(&self, method: MatchMethod) -> bool {
        self.matching.methods.contains(&method)
    }
}

fn is_false(value: &bool) -> bool {
    !*value
}

fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}
