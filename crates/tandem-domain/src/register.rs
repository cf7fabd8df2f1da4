//! The mentor register (REG-1 to REG-5), mentor requests (REQ-1, REQ-5),
//! self-assessments (REQ-2) and screening (REQ-3, REQ-4): the values, and
//! the checks on what people type, before anything is stored.
//!
//! Every check returns every problem at once, each naming its field, so a
//! form can show them all and nothing is half-saved.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ids::MentorEntryId;
use time::Date;
use time::format_description::well_known::Iso8601;

use crate::programme::{
    CarerLevel, MentorFacts, MentorIneligibility, Months, Programme, Questionnaire,
};

/// One thing wrong with one field of what someone typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: &'static str,
    pub message: String,
}

fn problem(field: &'static str, message: impl Into<String>) -> Problem {
    Problem {
        field,
        message: message.into(),
    }
}

/// The most concurrent mentees anyone may take on.
pub const MAX_CAPACITY: u16 = 20;

/// The longest a free-text profile or request field may be.
pub const MAX_TEXT: usize = 4000;

/// A profile field a mentor may publish to mentees browsing the register
/// (REG-4). Organisation and jurisdiction come from the person and are
/// always shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProfileField {
    Experience,
    Interests,
    Expertise,
    Style,
    Languages,
    Location,
    SpecialInterests,
}

impl ProfileField {
    pub const ALL: [ProfileField; 7] = [
        ProfileField::Experience,
        ProfileField::Interests,
        ProfileField::Expertise,
        ProfileField::Style,
        ProfileField::Languages,
        ProfileField::Location,
        ProfileField::SpecialInterests,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ProfileField::Experience => "experience",
            ProfileField::Interests => "interests",
            ProfileField::Expertise => "expertise",
            ProfileField::Style => "style",
            ProfileField::Languages => "languages",
            ProfileField::Location => "location",
            ProfileField::SpecialInterests => "special_interests",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ProfileField::Experience => "Experience",
            ProfileField::Interests => "Interests",
            ProfileField::Expertise => "Areas of expertise",
            ProfileField::Style => "Style and approach",
            ProfileField::Languages => "Languages",
            ProfileField::Location => "Location",
            ProfileField::SpecialInterests => "Special interests",
        }
    }

    pub fn parse(text: &str) -> Option<ProfileField> {
        ProfileField::ALL.into_iter().find(|f| f.as_str() == text)
    }

    /// Reads the stored comma-separated list, skipping anything unknown.
    pub fn parse_list(text: &str) -> Vec<ProfileField> {
        let mut fields: Vec<ProfileField> = text
            .split(',')
            .filter_map(|f| ProfileField::parse(f.trim()))
            .collect();
        fields.sort();
        fields.dedup();
        fields
    }

    pub fn join(fields: &[ProfileField]) -> String {
        fields
            .iter()
            .map(|f| f.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// Whether a mentor can take someone on (REG-2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Availability {
    Available,
    /// Not taking anyone on until this date.
    PausedUntil(Date),
    /// Not taking anyone else on.
    Full,
}

impl Availability {
    pub fn as_str(self) -> &'static str {
        match self {
            Availability::Available => "available",
            Availability::PausedUntil(_) => "paused",
            Availability::Full => "full",
        }
    }

    /// Whether the mentor can take someone on today.
    pub fn open_on(self, today: Date) -> bool {
        match self {
            Availability::Available => true,
            Availability::PausedUntil(until) => today >= until,
            Availability::Full => false,
        }
    }

    /// From the stored status and date; unknown values read as full, so a
    /// damaged row never offers a mentor.
    pub fn from_stored(status: &str, until: Option<&str>) -> Availability {
        match (status, until.and_then(parse_date)) {
            ("available", _) => Availability::Available,
            ("paused", Some(date)) => Availability::PausedUntil(date),
            _ => Availability::Full,
        }
    }

    pub fn until_text(self) -> Option<String> {
        match self {
            Availability::PausedUntil(date) => Some(iso(date)),
            _ => None,
        }
    }
}

impl fmt::Display for Availability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Availability::Available => f.write_str("Available"),
            Availability::PausedUntil(date) => write!(f, "Paused until {}", iso(*date)),
            Availability::Full => f.write_str("Full"),
        }
    }
}

/// How a mentor came onto the register (REG-3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recruited {
    Volunteered,
    Identified,
}

impl Recruited {
    pub fn as_str(self) -> &'static str {
        match self {
            Recruited::Volunteered => "volunteered",
            Recruited::Identified => "identified",
        }
    }

    pub fn parse(text: &str) -> Recruited {
        if text == "identified" {
            Recruited::Identified
        } else {
            Recruited::Volunteered
        }
    }
}

pub fn iso(date: Date) -> String {
    date.format(&Iso8601::DATE).unwrap_or_default()
}

pub fn parse_date(text: &str) -> Option<Date> {
    Date::parse(text.trim(), &Iso8601::DATE).ok()
}

/// A mentor's profile and settings, as typed into the register form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MentorProfileInput {
    pub experience: String,
    /// Months of relevant experience, as typed; may be empty.
    pub experience_months: String,
    pub interests: String,
    pub expertise: String,
    pub style: String,
    pub languages: String,
    pub location: String,
    pub special_interests: String,
    pub training_completed: bool,
    pub experience_shown_by_appraisal: bool,
    pub published: Vec<ProfileField>,
    pub capacity: String,
    /// available, paused or full.
    pub availability: String,
    /// YYYY-MM-DD, when paused.
    pub paused_until: String,
}

/// A checked mentor profile, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MentorProfile {
    pub experience: String,
    pub experience_months: Option<Months>,
    pub interests: String,
    pub expertise: String,
    pub style: String,
    pub languages: String,
    pub location: String,
    pub special_interests: String,
    pub training_completed: bool,
    pub experience_shown_by_appraisal: bool,
    pub published: Vec<ProfileField>,
    pub capacity: u16,
    pub availability: Availability,
}

/// Field names of the register form and API.
pub mod profile_fields {
    pub const EXPERIENCE: &str = "experience";
    pub const EXPERIENCE_MONTHS: &str = "experience_months";
    pub const INTERESTS: &str = "interests";
    pub const EXPERTISE: &str = "expertise";
    pub const STYLE: &str = "style";
    pub const LANGUAGES: &str = "languages";
    pub const LOCATION: &str = "location";
    pub const SPECIAL_INTERESTS: &str = "special_interests";
    pub const CAPACITY: &str = "capacity";
    pub const AVAILABILITY: &str = "availability";
    pub const PAUSED_UNTIL: &str = "paused_until";
    pub const PERSON: &str = "person";
    /// Volunteering as such: refused where mentors are identified.
    pub const VOLUNTEER: &str = "volunteer";
}

fn text(field: &'static str, label: &str, value: &str, problems: &mut Vec<Problem>) -> String {
    let value = value.trim();
    if value.chars().count() > MAX_TEXT {
        problems.push(problem(
            field,
            format!("{label} must be {MAX_TEXT} characters or fewer"),
        ));
    }
    value.to_owned()
}

impl MentorProfileInput {
    /// Checks the profile. `active_mentees` is how many people the mentor
    /// mentors now: capacity below it is an error. `today` is for the
    /// pause date, which must be in the future.
    pub fn check(&self, active_mentees: u16, today: Date) -> Result<MentorProfile, Vec<Problem>> {
        use profile_fields as f;
        let mut problems = Vec::new();
        let experience = text(f::EXPERIENCE, "Experience", &self.experience, &mut problems);
        let interests = text(f::INTERESTS, "Interests", &self.interests, &mut problems);
        let expertise = text(
            f::EXPERTISE,
            "Areas of expertise",
            &self.expertise,
            &mut problems,
        );
        let style = text(f::STYLE, "Style and approach", &self.style, &mut problems);
        let languages = text(f::LANGUAGES, "Languages", &self.languages, &mut problems);
        let location = text(f::LOCATION, "Location", &self.location, &mut problems);
        let special_interests = text(
            f::SPECIAL_INTERESTS,
            "Special interests",
            &self.special_interests,
            &mut problems,
        );
        let experience_months = match self.experience_months.trim() {
            "" => None,
            typed => match typed
                .parse::<i64>()
                .ok()
                .and_then(|n| Months::parse(n).ok())
            {
                Some(months) => Some(months),
                None => {
                    problems.push(problem(
                        f::EXPERIENCE_MONTHS,
                        "Months of experience must be a whole number, like 24",
                    ));
                    None
                }
            },
        };
        let capacity = match self.capacity.trim() {
            "" => {
                problems.push(problem(
                    f::CAPACITY,
                    "Enter how many mentees they can take on at once",
                ));
                0
            }
            typed => match typed.parse::<u16>() {
                Ok(n) if (1..=MAX_CAPACITY).contains(&n) => {
                    if n < active_mentees {
                        problems.push(problem(
                            f::CAPACITY,
                            format!(
                                "Capacity cannot be less than the {active_mentees} mentees they mentor now"
                            ),
                        ));
                    }
                    n
                }
                _ => {
                    problems.push(problem(
                        f::CAPACITY,
                        format!("Capacity must be a whole number from 1 to {MAX_CAPACITY}"),
                    ));
                    0
                }
            },
        };
        let availability = match self.availability.trim() {
            "available" | "" => Some(Availability::Available),
            "full" => Some(Availability::Full),
            "paused" => match parse_date(&self.paused_until) {
                Some(date) if date > today => Some(Availability::PausedUntil(date)),
                Some(_) => {
                    problems.push(problem(
                        f::PAUSED_UNTIL,
                        "The date they are paused until must be in the future",
                    ));
                    None
                }
                None => {
                    problems.push(problem(
                        f::PAUSED_UNTIL,
                        "Enter the date they are paused until, like 2027-03-31",
                    ));
                    None
                }
            },
            _ => {
                problems.push(problem(f::AVAILABILITY, "Select available, paused or full"));
                None
            }
        };
        let mut published = self.published.clone();
        published.sort();
        published.dedup();
        match availability {
            Some(availability) if problems.is_empty() => Ok(MentorProfile {
                experience,
                experience_months,
                interests,
                expertise,
                style,
                languages,
                location,
                special_interests,
                training_completed: self.training_completed,
                experience_shown_by_appraisal: self.experience_shown_by_appraisal,
                published,
                capacity,
                availability,
            }),
            _ => Err(problems),
        }
    }
}

impl MentorProfile {
    /// The value of one profile field.
    pub fn field(&self, field: ProfileField) -> &str {
        match field {
            ProfileField::Experience => &self.experience,
            ProfileField::Interests => &self.interests,
            ProfileField::Expertise => &self.expertise,
            ProfileField::Style => &self.style,
            ProfileField::Languages => &self.languages,
            ProfileField::Location => &self.location,
            ProfileField::SpecialInterests => &self.special_interests,
        }
    }

    /// Eligibility against the programme's mentor rules (REG-3): every
    /// reason they are not eligible, or none. `contracted`: the person is
    /// a self-employed contractor (see [`MentorFacts::contracted`]).
    pub fn eligibility(
        &self,
        programme: &Programme,
        carer_level: Option<CarerLevel>,
        contracted: bool,
    ) -> Vec<MentorIneligibility> {
        let facts = MentorFacts {
            experience_months: self.experience_months,
            carer_level,
            trained: self.training_completed,
            experience_shown_by_appraisal: self.experience_shown_by_appraisal,
            contracted,
        };
        programme.mentors.check(&facts).err().unwrap_or_default()
    }
}

/// Whether people may put themselves on a programme's register (REG-3):
/// where the programme names how mentors are recruited and volunteering is
/// not one of the ways, mentors are identified by their organisation.
pub fn accepts_volunteers(programme: &Programme) -> bool {
    use crate::programme::Recruitment;
    programme.mentors.recruitment.is_empty()
        || programme
            .mentors
            .recruitment
            .contains(&Recruitment::Volunteer)
}

/// Where a mentor request is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    /// Waiting for the coordinator to screen it.
    AwaitingScreening,
    /// Accepted; waiting, first come first served, for a match (REQ-3).
    Accepted,
    /// Rejected, with a reason.
    Rejected,
    /// Withdrawn by the mentee.
    Withdrawn,
    /// Matched, and the relationship has since completed or ended for good (LIF-3, LIF-4).
    Closed,
}

impl RequestStatus {
    /// Statuses in which a request is still open: a person may have only
    /// one open request per programme.
    pub const OPEN: [RequestStatus; 2] =
        [RequestStatus::AwaitingScreening, RequestStatus::Accepted];

    pub fn as_str(self) -> &'static str {
        match self {
            RequestStatus::AwaitingScreening => "awaiting_screening",
            RequestStatus::Accepted => "accepted",
            RequestStatus::Rejected => "rejected",
            RequestStatus::Withdrawn => "withdrawn",
            RequestStatus::Closed => "closed",
        }
    }

    pub fn parse(text: &str) -> Option<RequestStatus> {
        [
            RequestStatus::AwaitingScreening,
            RequestStatus::Accepted,
            RequestStatus::Rejected,
            RequestStatus::Withdrawn,
            RequestStatus::Closed,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            RequestStatus::AwaitingScreening => "Waiting to be screened",
            RequestStatus::Accepted => "Accepted: waiting for a mentor",
            RequestStatus::Rejected => "Not accepted",
            RequestStatus::Withdrawn => "Withdrawn",
            RequestStatus::Closed => "Closed: the mentoring relationship has ended",
        }
    }

    pub fn is_open(self) -> bool {
        RequestStatus::OPEN.contains(&self)
    }
}

/// How a request came about (REQ-4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestSource {
    /// The mentee asked.
    Requested,
    /// The programme enrols them (new starters, newly approved carers).
    Automatic,
}

impl RequestSource {
    pub fn as_str(self) -> &'static str {
        match self {
            RequestSource::Requested => "requested",
            RequestSource::Automatic => "automatic",
        }
    }

    pub fn parse(text: &str) -> RequestSource {
        if text == "automatic" {
            RequestSource::Automatic
        } else {
            RequestSource::Requested
        }
    }
}

/// The line manager's part where the programme consults them (REQ-5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Consultation {
    NotNeeded,
    Awaiting,
    Supports,
    HasConcerns,
}

impl Consultation {
    pub fn as_str(self) -> &'static str {
        match self {
            Consultation::NotNeeded => "not_needed",
            Consultation::Awaiting => "awaiting",
            Consultation::Supports => "supports",
            Consultation::HasConcerns => "has_concerns",
        }
    }

    pub fn parse(text: &str) -> Option<Consultation> {
        [
            Consultation::NotNeeded,
            Consultation::Awaiting,
            Consultation::Supports,
            Consultation::HasConcerns,
        ]
        .into_iter()
        .find(|c| c.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Consultation::NotNeeded => "Not needed",
            Consultation::Awaiting => "Waiting for the line manager",
            Consultation::Supports => "The line manager supports the time",
            Consultation::HasConcerns => "The line manager has concerns about the time",
        }
    }
}

/// Why a request was not accepted (REQ-3): a reason from this list, and
/// free text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectionReason {
    OutsideTargetGroup,
    NotEligibleForTrack,
    BetterServedElsewhere,
    NoMentorAvailable,
    Other,
}

impl RejectionReason {
    pub const ALL: [RejectionReason; 5] = [
        RejectionReason::OutsideTargetGroup,
        RejectionReason::NotEligibleForTrack,
        RejectionReason::BetterServedElsewhere,
        RejectionReason::NoMentorAvailable,
        RejectionReason::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RejectionReason::OutsideTargetGroup => "outside_target_group",
            RejectionReason::NotEligibleForTrack => "not_eligible_for_track",
            RejectionReason::BetterServedElsewhere => "better_served_elsewhere",
            RejectionReason::NoMentorAvailable => "no_mentor_available",
            RejectionReason::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            RejectionReason::OutsideTargetGroup => "Not in the programme's target group",
            RejectionReason::NotEligibleForTrack => "Not eligible for the track asked for",
            RejectionReason::BetterServedElsewhere => {
                "Better served by other support (coaching, supervision, training)"
            }
            RejectionReason::NoMentorAvailable => "No suitable mentor can be found",
            RejectionReason::Other => "Another reason",
        }
    }

    pub fn parse(text: &str) -> Option<RejectionReason> {
        RejectionReason::ALL
            .into_iter()
            .find(|r| r.as_str() == text)
    }
}

/// A screening decision as typed (REQ-3).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScreeningInput {
    /// accept or reject.
    pub decision: String,
    pub reason: String,
    pub detail: String,
}

/// A checked screening decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScreeningDecision {
    Accept,
    Reject {
        reason: RejectionReason,
        detail: String,
    },
}

pub mod screening_fields {
    pub const DECISION: &str = "decision";
    pub const REASON: &str = "reason";
    pub const DETAIL: &str = "detail";
}

impl ScreeningInput {
    pub fn check(&self) -> Result<ScreeningDecision, Vec<Problem>> {
        use screening_fields as f;
        let mut problems = Vec::new();
        let detail = text(f::DETAIL, "The explanation", &self.detail, &mut problems);
        let decision = match self.decision.trim() {
            "accept" => Some(ScreeningDecision::Accept),
            "reject" => match RejectionReason::parse(self.reason.trim()) {
                Some(RejectionReason::Other) if detail.is_empty() => {
                    problems.push(problem(
                        f::DETAIL,
                        "Explain the reason for not accepting the request",
                    ));
                    None
                }
                Some(reason) => Some(ScreeningDecision::Reject { reason, detail }),
                None => {
                    problems.push(problem(
                        f::REASON,
                        "Select the reason for not accepting the request",
                    ));
                    None
                }
            },
            _ => {
                problems.push(problem(
                    f::DECISION,
                    "Select whether to accept or reject the request",
                ));
                None
            }
        };
        match decision {
            Some(decision) if problems.is_empty() => Ok(decision),
            _ => Err(problems),
        }
    }
}

/// A mentor request as typed (REQ-1).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MentorRequestInput {
    pub track: String,
    pub goals: String,
    pub help_needed: String,
    pub preferred_style: String,
    pub meeting_frequency: String,
    pub relationship_length: String,
    pub meeting_location: String,
    pub other_team: bool,
    pub other_region: bool,
    pub other_organisation: bool,
    pub other_jurisdiction: bool,
    pub language: String,
    pub gender: String,
    pub culture: String,
    /// An ethnicity the mentee would like their mentor to share.
    pub race: String,
    /// A religion or belief the mentee would like their mentor to share.
    pub religion: String,
    /// A sexual orientation the mentee would like their mentor to share.
    pub sexuality: String,
    /// Where the mentee is based, for programmes that weigh location.
    pub location: String,
    /// What the mentee asks that a particular mentor may offer (CWT 2.2.3).
    pub specific_requests: String,
    /// The mentee is from a minority or professionally isolated in their
    /// own team (CAF 2).
    pub isolated: bool,
    /// A named mentor's register entry id, as typed; may be empty.
    pub named_mentor: String,
}

/// A checked mentor request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MentorRequest {
    pub track: String,
    pub goals: String,
    pub help_needed: String,
    pub preferred_style: String,
    pub meeting_frequency: String,
    pub relationship_length: String,
    pub meeting_location: String,
    pub other_team: bool,
    pub other_region: bool,
    pub other_organisation: bool,
    pub other_jurisdiction: bool,
    pub language: String,
    pub gender: String,
    pub culture: String,
    pub race: String,
    pub religion: String,
    pub sexuality: String,
    pub location: String,
    pub specific_requests: String,
    pub isolated: bool,
    pub named_mentor: Option<MentorEntryId>,
}

pub mod request_fields {
    pub const PROGRAMME: &str = "programme";
    pub const TRACK: &str = "track";
    pub const GOALS: &str = "goals";
    pub const HELP_NEEDED: &str = "help_needed";
    pub const PREFERRED_STYLE: &str = "preferred_style";
    pub const MEETING_FREQUENCY: &str = "meeting_frequency";
    pub const RELATIONSHIP_LENGTH: &str = "relationship_length";
    pub const MEETING_LOCATION: &str = "meeting_location";
    pub const LANGUAGE: &str = "language";
    pub const GENDER: &str = "gender";
    pub const CULTURE: &str = "culture";
    pub const RACE: &str = "race";
    pub const RELIGION: &str = "religion";
    pub const SEXUALITY: &str = "sexuality";
    pub const LOCATION: &str = "location";
    pub const SPECIFIC_REQUESTS: &str = "specific_requests";
    pub const NAMED_MENTOR: &str = "named_mentor";
}

impl MentorRequestInput {
    /// Checks the request against the programme: the track must be one of
    /// its tracks, and goals and the help needed are required.
    pub fn check(&self, programme: &Programme) -> Result<MentorRequest, Vec<Problem>> {
        use request_fields as f;
        let mut problems = Vec::new();
        let track = self.track.trim();
        if programme.track(track).is_none() {
            problems.push(problem(
                f::TRACK,
                "Select the kind of mentoring you are asking for",
            ));
        }
        let goals = text(f::GOALS, "Your goals", &self.goals, &mut problems);
        if goals.is_empty() {
            problems.push(problem(
                f::GOALS,
                "Enter what you want to achieve through mentoring",
            ));
        }
        let help_needed = text(
            f::HELP_NEEDED,
            "What you need help with",
            &self.help_needed,
            &mut problems,
        );
        if help_needed.is_empty() {
            problems.push(problem(
                f::HELP_NEEDED,
                "Enter what you would like help with",
            ));
        }
        let preferred_style = text(
            f::PREFERRED_STYLE,
            "Preferred style",
            &self.preferred_style,
            &mut problems,
        );
        let meeting_frequency = text(
            f::MEETING_FREQUENCY,
            "How often to meet",
            &self.meeting_frequency,
            &mut problems,
        );
        let relationship_length = text(
            f::RELATIONSHIP_LENGTH,
            "How long",
            &self.relationship_length,
            &mut problems,
        );
        let meeting_location = text(
            f::MEETING_LOCATION,
            "Where to meet",
            &self.meeting_location,
            &mut problems,
        );
        let language = text(f::LANGUAGE, "Language", &self.language, &mut problems);
        let gender = text(f::GENDER, "Gender", &self.gender, &mut problems);
        let culture = text(f::CULTURE, "Culture", &self.culture, &mut problems);
        let race = text(f::RACE, "Ethnicity", &self.race, &mut problems);
        let religion = text(
            f::RELIGION,
            "Religion or belief",
            &self.religion,
            &mut problems,
        );
        let sexuality = text(
            f::SEXUALITY,
            "Sexual orientation",
            &self.sexuality,
            &mut problems,
        );
        let location = text(
            f::LOCATION,
            "Where you are based",
            &self.location,
            &mut problems,
        );
        let specific_requests = text(
            f::SPECIFIC_REQUESTS,
            "Specific requests",
            &self.specific_requests,
            &mut problems,
        );
        let named_mentor = match self.named_mentor.trim() {
            "" => None,
            typed => match typed.parse::<MentorEntryId>() {
                Ok(id) => Some(id),
                _ => {
                    problems.push(problem(
                        f::NAMED_MENTOR,
                        "Select a mentor from the register, or none",
                    ));
                    None
                }
            },
        };
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(MentorRequest {
            track: track.to_owned(),
            goals,
            help_needed,
            preferred_style,
            meeting_frequency,
            relationship_length,
            meeting_location,
            other_team: self.other_team,
            other_region: self.other_region,
            other_organisation: self.other_organisation,
            other_jurisdiction: self.other_jurisdiction,
            language,
            gender,
            culture,
            race,
            religion,
            sexuality,
            location,
            specific_requests,
            isolated: self.isolated,
            named_mentor,
        })
    }
}

/// What a request implies for the mentee's working time, in plain English:
/// all a consulted line manager sees of it (REQ-5).
pub fn time_commitment(programme: &Programme, track: &str) -> String {
    let mut parts = Vec::new();
    if let Some(months) = programme
        .track(track)
        .and_then(|t| t.length.as_ref())
        .and_then(|l| l.planned())
    {
        parts.push(format!("for about {months}"));
    }
    if let Some(frequency) = programme.meetings.frequency {
        let unit = match frequency.unit {
            crate::programme::IntervalUnit::Weeks => "weeks",
            crate::programme::IntervalUnit::Months => "months",
        };
        if frequency.every_min == frequency.every_max {
            parts.push(format!("meeting every {} {unit}", frequency.every_min));
        } else {
            parts.push(format!(
                "meeting every {} to {} {unit}",
                frequency.every_min, frequency.every_max
            ));
        }
    }
    match (
        programme.meetings.min_minutes,
        programme.meetings.max_minutes,
    ) {
        (Some(min), Some(max)) => parts.push(format!("for {min} to {max} each time")),
        (None, Some(max)) => parts.push(format!("for up to {max} each time")),
        (Some(min), None) => parts.push(format!("for at least {min} each time")),
        (None, None) => {}
    }
    if parts.is_empty() {
        "Meetings in working time, as the programme's guideline sets out".to_owned()
    } else {
        format!("Meetings in working time {}", parts.join(", "))
    }
}

/// When a self-assessment is answered (REQ-2): before the relationship
/// and again at the end, so evaluation can compare the two.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Before,
    After,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Before => "before",
            Phase::After => "after",
        }
    }

    pub fn parse(text: &str) -> Option<Phase> {
        match text {
            "before" => Some(Phase::Before),
            "after" => Some(Phase::After),
            _ => None,
        }
    }
}

/// The self-assessment questionnaire a programme asks mentees to answer
/// before matching: the first with a scale that is answered before
/// matching, else the first with a scale.
pub fn self_assessment(programme: &Programme) -> Option<&Questionnaire> {
    use crate::programme::QuestionnaireTime;
    programme
        .questionnaires
        .iter()
        .filter(|q| q.scale.is_some())
        .find(|q| q.when.contains(&QuestionnaireTime::BeforeMatching))
        .or_else(|| programme.questionnaires.iter().find(|q| q.scale.is_some()))
}

/// The questions a mentee answers in a questionnaire, in order.
pub fn mentee_questions(questionnaire: &Questionnaire) -> Vec<&str> {
    questionnaire
        .sections
        .iter()
        .filter(|s| s.answered_by == crate::programme::Party::Mentee)
        .flat_map(|s| s.questions.iter().map(String::as_str))
        .collect()
}

/// The form field of the n-th question (from 0).
pub fn question_field(index: usize) -> String {
    format!("q{}", index + 1)
}

/// Checks answers: one per question, each a point on the scale (from 1).
/// `answers[i]` is the text typed for question i.
pub fn check_answers(
    questionnaire: &Questionnaire,
    answers: &[String],
) -> Result<Vec<u8>, Vec<(String, String)>> {
    let questions = mentee_questions(questionnaire);
    let points = questionnaire.scale.as_ref().map_or(0, |s| s.labels.len());
    let mut problems = Vec::new();
    let mut values = Vec::new();
    for (index, question) in questions.iter().enumerate() {
        let typed = answers.get(index).map(|a| a.trim()).unwrap_or("");
        match typed.parse::<usize>() {
            Ok(n) if (1..=points).contains(&n) => values.push(n as u8),
            _ => problems.push((
                question_field(index),
                format!("Select an answer for \"{question}\""),
            )),
        }
    }
    if problems.is_empty() {
        Ok(values)
    } else {
        Err(problems)
    }
}

/// Which people automatic enrolment (REQ-4) makes a request for: on a
/// track with automatic enrolment, everyone whose start date is within
/// the last `within_days` days (new starters: CAF); on an offered track
/// of a fostering programme, carers approved within that window (newly
/// approved carers: AFC).
pub fn newly_started(start_or_approval: Option<&str>, today: Date, within_days: i64) -> bool {
    match start_or_approval.and_then(parse_date) {
        Some(date) => {
            let age = (today - date).whole_days();
            (0..=within_days).contains(&age)
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn input() -> MentorProfileInput {
        MentorProfileInput {
            capacity: "2".into(),
            availability: "available".into(),
            ..Default::default()
        }
    }

    #[test]
    fn capacity_below_active_mentees_is_an_error() {
        let today = date!(2026 - 11 - 26);
        assert!(input().check(2, today).is_ok());
        let problems = input().check(3, today).expect_err("refused");
        assert_eq!(problems[0].field, "capacity");
        assert!(problems[0].message.contains("3 mentees"));
        let mut zero = input();
        zero.capacity = "0".into();
        assert_eq!(
            zero.check(0, today).expect_err("refused")[0].field,
            "capacity"
        );
    }

    #[test]
    fn paused_needs_a_future_date() {
        let today = date!(2026 - 11 - 26);
        let mut paused = input();
        paused.availability = "paused".into();
        assert_eq!(
            paused.check(0, today).expect_err("refused")[0].field,
            "paused_until"
        );
        paused.paused_until = "2027-01-31".into();
        assert_eq!(
            paused.check(0, today).expect("allowed").availability,
            Availability::PausedUntil(date!(2027 - 01 - 31))
        );
    }

    #[test]
    fn rejection_needs_a_reason() {
        let reject = ScreeningInput {
            decision: "reject".into(),
            ..Default::default()
        };
        assert_eq!(reject.check().expect_err("refused")[0].field, "reason");
        let other = ScreeningInput {
            decision: "reject".into(),
            reason: "other".into(),
            detail: String::new(),
        };
        assert_eq!(other.check().expect_err("refused")[0].field, "detail");
        let ok = ScreeningInput {
            decision: "reject".into(),
            reason: "outside_target_group".into(),
            detail: String::new(),
        };
        assert!(ok.check().is_ok());
    }

    #[test]
    fn new_starters_are_those_within_the_window() {
        let today = date!(2026 - 11 - 26);
        assert!(newly_started(Some("2026-11-01"), today, 90));
        assert!(!newly_started(Some("2025-01-01"), today, 90));
        assert!(!newly_started(Some("2027-01-01"), today, 90));
        assert!(!newly_started(None, today, 90));
    }
}
