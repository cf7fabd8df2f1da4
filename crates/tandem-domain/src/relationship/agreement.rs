//! The written agreement (AGR-3 to AGR-5): the programme's contents as
//! fields, its versions, and signatures that each record who signed, when,
//! and the SHA-256 hash of the exact version signed. A change after anyone
//! has signed makes a new version, which starts with no signatures; the
//! agreement is in force when everyone the programme names has signed its
//! current version.

use serde::{Deserialize, Serialize};
use std::fmt;

use sha2::{Digest, Sha256};
use time::Date;

use super::state::Refused;
use super::{
    Document, FieldError, RelationshipRules, ReviewSchedule, date_field, long_text_check,
    party_name,
};
use crate::permissions::Actor;
use crate::programme::{Frequency, IntervalUnit, Key, LineManagerView, Minutes, Months, Party};

/// The agreement form as typed: one text per programme content item, in
/// the programme's order, and the terms every agreement states (AGR-3).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AgreementInput {
    /// What the pair wrote under each of the programme's contents; empty
    /// where they accept the item as the programme words it.
    pub clauses: Vec<String>,
    /// The length in months (FUN Appendix A, 1; WSC 7.1).
    pub length_months: String,
    /// The dates of the agreed reviews (FUN Appendix A "Date for Review"; CWT 2.2.6).
    pub review_dates: Vec<String>,
    /// "We will meet at least once every …": a number.
    pub meet_every: String,
    /// `weeks` or `months`.
    pub meet_every_unit: String,
    /// The shortest a meeting lasts, in minutes (FUN Appendix A, 3).
    pub min_minutes: String,
    /// The longest a meeting lasts, in minutes.
    pub max_minutes: String,
    /// Contact between meetings, at most so many times a week (FUN Appendix A, 4).
    pub contacts_per_week: String,
    /// Time allowed for mentoring, in minutes a month (CAF 3).
    pub time_allowance_minutes: String,
    /// Documents sent to the coordinator (FUN Appendix A, 10): `agreement`,
    /// `action_plan`, `meeting_records` or `answers:KEY`.
    pub documents_to_coordinator: Vec<String>,
}

/// An agreement's content, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgreementDraft {
    /// Each programme content item with what the pair wrote under it.
    pub clauses: Vec<Clause>,
    /// The terms with a meaning Tandem acts on.
    pub terms: AgreementTerms,
}

/// One of the programme's agreement contents and what the pair wrote under it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clause {
    /// The programme's wording.
    pub heading: String,
    /// The pair's words; empty where they accept the heading as written.
    pub text: String,
}

/// The terms Tandem acts on: reviews, meeting compliance, the time a line
/// manager sees, documents the coordinator may read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgreementTerms {
    /// How long the relationship lasts.
    pub length: Option<Months>,
    /// The agreed review dates, earliest first.
    pub review_dates: Vec<Date>,
    /// The longest gap between meetings.
    pub meet_every: Option<Frequency>,
    /// The shortest a meeting lasts.
    pub min_minutes: Option<Minutes>,
    /// The longest a meeting lasts.
    pub max_minutes: Option<Minutes>,
    /// Contacts between meetings, at most per week.
    pub contacts_per_week: Option<u16>,
    /// Minutes a month allowed for mentoring in the workload.
    pub time_allowance: Option<Minutes>,
    /// Documents sent to the coordinator (FUN Appendix A, 10).
    pub documents_to_coordinator: Vec<Document>,
}

impl AgreementInput {
    /// Checks the form against the programme's agreement settings and the
    /// relationship's track, for a relationship starting on `start`. Every
    /// problem is named by field.
    pub fn check(
        &self,
        rules: &RelationshipRules,
        start: Date,
    ) -> Result<AgreementDraft, Vec<FieldError>> {
        let mut errors = Vec::new();
        let contents = &rules.agreement.contents;
        if self.clauses.len() > contents.len() {
            errors.push(FieldError::new(
                "clauses",
                format!(
                    "This programme's agreement has {} items; the form sent {}",
                    contents.len(),
                    self.clauses.len()
                ),
            ));
        }
        let clauses = contents
            .iter()
            .enumerate()
            .map(|(index, heading)| {
                let text = self.clauses.get(index).map_or("", |text| text.trim());
                long_text_check(&format!("clauses[{index}]"), text, &mut errors);
                Clause {
                    heading: heading.clone(),
                    text: text.to_owned(),
                }
            })
            .collect();
        let length = self.length(rules, &mut errors);
        let terms = AgreementTerms {
            review_dates: self.review_dates(rules, start, length, &mut errors),
            meet_every: self.meet_every(&mut errors),
            min_minutes: minutes("min_minutes", &self.min_minutes, &mut errors),
            max_minutes: minutes("max_minutes", &self.max_minutes, &mut errors),
            contacts_per_week: whole("contacts_per_week", &self.contacts_per_week, &mut errors),
            time_allowance: minutes(
                "time_allowance_minutes",
                &self.time_allowance_minutes,
                &mut errors,
            ),
            documents_to_coordinator: self.documents(&mut errors),
            length,
        };
        if let (Some(min), Some(max)) = (terms.min_minutes, terms.max_minutes)
            && min > max
        {
            errors.push(FieldError::new(
                "max_minutes",
                "The longest a meeting lasts must be at least the shortest",
            ));
        }
        // CAF 3: "A time allowance for mentoring will be agreed as part of a new staff member's workload."
        if terms.time_allowance.is_none() && line_manager_sees_time(rules) {
            errors.push(FieldError::new(
                "time_allowance_minutes",
                "Enter the time allowed for mentoring each month: the line manager agrees it",
            ));
        }
        if errors.is_empty() {
            Ok(AgreementDraft { clauses, terms })
        } else {
            Err(errors)
        }
    }

    /// AGR-3 length, within the track's limits (WSC 7.1: 6 to 12 months);
    /// required where the track sets a length, else optional.
    fn length(&self, rules: &RelationshipRules, errors: &mut Vec<FieldError>) -> Option<Months> {
        let text = self.length_months.trim();
        if text.is_empty() {
            if rules.track.length.is_some() {
                errors.push(FieldError::new(
                    "length_months",
                    "Enter how many months the relationship lasts",
                ));
            }
            return None;
        }
        let months = match text.parse::<i64>().ok().map(Months::parse) {
            Some(Ok(months)) if months.get() > 0 => months,
            _ => {
                errors.push(FieldError::new(
                    "length_months",
                    "Enter the length as a whole number of months",
                ));
                return None;
            }
        };
        if let Err(problem) = rules.track.check_length(months) {
            errors.push(FieldError::new(
                "length_months",
                format!("On the {} track, {problem}", rules.track.name),
            ));
        }
        Some(months)
    }

    /// AGR-3 review dates: after the start and within the length; at least
    /// one where reviews fall at agreed points (CWT 2.2.6).
    fn review_dates(
        &self,
        rules: &RelationshipRules,
        start: Date,
        length: Option<Months>,
        errors: &mut Vec<FieldError>,
    ) -> Vec<Date> {
        let end = length.map(|months| months.after(start));
        let mut dates = Vec::new();
        let typed = self.review_dates.iter().any(|text| !text.trim().is_empty());
        for (index, text) in self.review_dates.iter().enumerate() {
            if text.trim().is_empty() {
                continue;
            }
            let field = format!("review_dates[{index}]");
            let Some(date) = date_field(&field, text, errors) else {
                continue;
            };
            if date <= start || end.is_some_and(|end| date > end) {
                errors.push(FieldError::new(
                    field,
                    "A review date must fall after the start and within the agreed length",
                ));
            } else {
                dates.push(date);
            }
        }
        if !typed && rules.reviews == ReviewSchedule::AgreedPoints {
            errors.push(FieldError::new(
                "review_dates[0]",
                "Enter at least one date when you will review how the mentoring is going",
            ));
        }
        dates.sort();
        dates.dedup();
        dates
    }

    fn meet_every(&self, errors: &mut Vec<FieldError>) -> Option<Frequency> {
        let count = whole("meet_every", &self.meet_every, errors)?;
        if count == 0 {
            errors.push(FieldError::new("meet_every", "Meet at least once a period"));
            return None;
        }
        let unit = match self.meet_every_unit.trim() {
            "weeks" => IntervalUnit::Weeks,
            "months" => IntervalUnit::Months,
            _ => {
                errors.push(FieldError::new("meet_every_unit", "Choose weeks or months"));
                return None;
            }
        };
        Some(Frequency {
            every_min: count,
            every_max: count,
            unit,
        })
    }

    fn documents(&self, errors: &mut Vec<FieldError>) -> Vec<Document> {
        let mut documents = Vec::new();
        for (index, text) in self.documents_to_coordinator.iter().enumerate() {
            let document = match text.trim().split_once(':') {
                None => match text.trim() {
                    "agreement" => Some(Document::Agreement),
                    "action_plan" => Some(Document::ActionPlan),
                    "meeting_records" => Some(Document::MeetingRecords),
                    _ => None,
                },
                Some(("answers", key)) => Key::parse(key).ok().map(Document::Answers),
                Some(_) => None,
            };
            match document {
                Some(document) if !documents.contains(&document) => documents.push(document),
                Some(_) => {}
                None => errors.push(FieldError::new(
                    format!("documents_to_coordinator[{index}]"),
                    "Choose a document from the list",
                )),
            }
        }
        documents
    }
}

/// CAF 2, 3 (AGR-4): the line manager signs, or sees the time commitment.
fn line_manager_sees_time(rules: &RelationshipRules) -> bool {
    rules.agreement.line_manager_sees == LineManagerView::TimeCommitmentOnly
        || rules.agreement.signatories.contains(&Party::LineManager)
}

fn whole(field: &str, text: &str, errors: &mut Vec<FieldError>) -> Option<u16> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    match text.parse::<u16>() {
        Ok(number) => Some(number),
        Err(_) => {
            errors.push(FieldError::new(field, "Enter a whole number"));
            None
        }
    }
}

fn minutes(field: &str, text: &str, errors: &mut Vec<FieldError>) -> Option<Minutes> {
    let number = whole(field, text, errors)?;
    match Minutes::parse(i64::from(number)) {
        Ok(minutes) if minutes.get() > 0 => Some(minutes),
        _ => {
            errors.push(FieldError::new(
                field,
                "Enter a number of minutes from 1 to 10080",
            ));
            None
        }
    }
}

/// The time an agreement implies: all a line manager sees of it (CAF 2:
/// "the basis for managerial oversight of the time involved", AGR-4, PRV-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeCommitment {
    /// How long the relationship lasts.
    pub length: Option<Months>,
    /// How often the pair meet.
    pub meet_every: Option<Frequency>,
    /// The longest a meeting lasts.
    pub max_minutes: Option<Minutes>,
    /// Minutes a month allowed in the workload.
    pub time_allowance: Option<Minutes>,
}

impl fmt::Display for TimeCommitment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if let Some(allowance) = self.time_allowance {
            parts.push(format!("{allowance} a month"));
        }
        if let Some(length) = self.length {
            parts.push(format!("for {length}"));
        }
        if let Some(frequency) = self.meet_every {
            let (one, many) = match frequency.unit {
                IntervalUnit::Weeks => ("week", "weeks"),
                IntervalUnit::Months => ("month", "months"),
            };
            parts.push(match frequency.every_max {
                1 => format!("meeting at least once a {one}"),
                count => format!("meeting at least every {count} {many}"),
            });
        }
        if let Some(max) = self.max_minutes {
            parts.push(format!("up to {max} a meeting"));
        }
        if parts.is_empty() {
            f.write_str("No time commitment agreed yet")
        } else {
            write!(f, "Mentoring time: {}", parts.join(", "))
        }
    }
}

impl AgreementDraft {
    /// The time the agreement commits the pair to.
    pub fn time_commitment(&self) -> TimeCommitment {
        TimeCommitment {
            length: self.terms.length,
            meet_every: self.terms.meet_every,
            max_minutes: self.terms.max_minutes,
            time_allowance: self.terms.time_allowance,
        }
    }

    /// The exact bytes a version's hash covers: every clause and term in a
    /// fixed order, each length-prefixed so no two drafts encode alike.
    fn canonical_bytes(&self, number: u32) -> Vec<u8> {
        let mut out = b"tandem-agreement-v1\n".to_vec();
        let mut field = |name: &str, value: &str| {
            out.extend_from_slice(format!("{name}={}:", value.len()).as_bytes());
            out.extend_from_slice(value.as_bytes());
            out.push(b'\n');
        };
        field("version", &number.to_string());
        for clause in &self.clauses {
            field("heading", &clause.heading);
            field("text", &clause.text);
        }
        let terms = &self.terms;
        let optional = |value: Option<u16>| value.map(|n| n.to_string()).unwrap_or_default();
        field("length", &optional(terms.length.map(Months::get)));
        for date in &terms.review_dates {
            field("review", &date.to_string());
        }
        let frequency = terms.meet_every.map(|frequency| {
            let unit = match frequency.unit {
                IntervalUnit::Weeks => "weeks",
                IntervalUnit::Months => "months",
            };
            format!("{}-{} {unit}", frequency.every_min, frequency.every_max)
        });
        field("meet_every", &frequency.unwrap_or_default());
        field(
            "min_minutes",
            &optional(terms.min_minutes.map(Minutes::get)),
        );
        field(
            "max_minutes",
            &optional(terms.max_minutes.map(Minutes::get)),
        );
        field("contacts_per_week", &optional(terms.contacts_per_week));
        field(
            "time_allowance",
            &optional(terms.time_allowance.map(Minutes::get)),
        );
        for document in &terms.documents_to_coordinator {
            let name = match document {
                Document::Agreement => "agreement".to_owned(),
                Document::ActionPlan => "action_plan".to_owned(),
                Document::MeetingRecords => "meeting_records".to_owned(),
                Document::Answers(key) => format!("answers:{}", key.as_str()),
                Document::Reasons => "reasons".to_owned(),
            };
            field("document", &name);
        }
        out
    }
}

/// A signature on one version (AGR-4): who, when, and the hash of the
/// exact version signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// The part they signed in.
    pub party: Party,
    /// The account that signed.
    pub actor: Actor,
    /// When, in Unix seconds.
    pub at: i64,
    /// SHA-256 of the version's canonical bytes.
    pub hash: [u8; 32],
}

/// One version of the agreement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreementVersion {
    /// 1 for the first version, counting up.
    pub number: u32,
    /// The content.
    pub draft: AgreementDraft,
    /// Who wrote this version.
    pub drafted_by: Party,
    /// When, in Unix seconds.
    pub at: i64,
    /// Signatures on exactly this version.
    pub signatures: Vec<Signature>,
}

impl AgreementVersion {
    /// SHA-256 of this version's content and number.
    pub fn hash(&self) -> [u8; 32] {
        Sha256::digest(self.draft.canonical_bytes(self.number)).into()
    }

    /// Whether `party` has signed this version.
    pub fn signed_by(&self, party: Party) -> bool {
        self.signatures
            .iter()
            .any(|signature| signature.party == party)
    }

    /// Whether every signature carries this version's hash: a stored
    /// version changed after it was signed fails.
    pub fn signatures_match(&self) -> bool {
        let hash = self.hash();
        self.signatures
            .iter()
            .all(|signature| signature.hash == hash)
    }
}

/// The hash as lower-case hex, for pages and the audit log.
pub fn hash_hex(hash: &[u8; 32]) -> String {
    hash.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Reads a hash written by [`hash_hex`]; `None` if it is not 64 hex digits.
pub fn parse_hash_hex(text: &str) -> Option<[u8; 32]> {
    let bytes = text.as_bytes();
    if bytes.len() != 64 {
        return None;
    }
    let mut hash = [0u8; 32];
    for (byte, pair) in hash.iter_mut().zip(bytes.chunks(2)) {
        let pair = std::str::from_utf8(pair).ok()?;
        *byte = u8::from_str_radix(pair, 16).ok()?;
    }
    Some(hash)
}

/// Whether `party` may sign now (AGR-4): they are one of the programme's
/// signatories, there is a version (`current`, its number), it is the
/// version they read, and they have not signed it already. Used where the
/// signer may not read the clauses (a CAF line manager signs the time
/// commitment), so the version's stored hash is signed as it stands.
pub fn check_signing(
    rules: &RelationshipRules,
    party: Party,
    current: Option<u32>,
    version_read: u32,
    already_signed: bool,
) -> Result<(), Refused> {
    if !rules.agreement.signatories.contains(&party) {
        return Err(Refused::new(format!(
            "In this programme {} does not sign the agreement.",
            party_name(party)
        )));
    }
    let Some(current) = current else {
        return Err(Refused::new("There is no agreement to sign yet."));
    };
    if current != version_read {
        return Err(Refused::new(format!(
            "The agreement has changed since you read it: read version {current} and sign that."
        )));
    }
    if already_signed {
        return Err(Refused::new("You have already signed this version."));
    }
    Ok(())
}

/// What a change to the agreement did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Revision {
    /// The text was the same as the current version's.
    Unchanged,
    /// The current version had no signatures, so it was changed in place.
    Redrafted {
        /// Its number.
        version: u32,
    },
    /// Someone had signed, so a new version was made with no signatures.
    NewVersion {
        /// The new version's number.
        version: u32,
    },
}

/// A relationship's agreement: every version, the pair can see them all (AGR-4).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Agreement {
    versions: Vec<AgreementVersion>,
}

impl Agreement {
    /// An agreement from its stored versions, numbered from 1 in order.
    pub fn from_versions(mut versions: Vec<AgreementVersion>) -> Agreement {
        versions.sort_by_key(|version| version.number);
        Agreement { versions }
    }

    /// Every version, oldest first.
    pub fn versions(&self) -> &[AgreementVersion] {
        &self.versions
    }

    /// The version in use: the latest.
    pub fn current(&self) -> Option<&AgreementVersion> {
        self.versions.last()
    }

    /// Whether everyone who must sign has signed the current version (AGR-4).
    pub fn in_force(&self, rules: &RelationshipRules) -> bool {
        self.current().is_some() && self.awaiting_signatures(rules).is_empty()
    }

    /// Who has still to sign the current version, in the programme's order.
    pub fn awaiting_signatures(&self, rules: &RelationshipRules) -> Vec<Party> {
        rules
            .agreement
            .signatories
            .iter()
            .copied()
            .filter(|party| {
                !self
                    .current()
                    .is_some_and(|current| current.signed_by(*party))
            })
            .collect()
    }

    /// Drafts or changes the agreement as `by` (AGR-4: CWT 2.2.4, the mentee
    /// drafts). A change to an unsigned version changes it in place; a
    /// change after anyone has signed makes a new version, which starts
    /// with no signatures. An agreement in force is changed only where the
    /// programme lets it be amended (AGR-5).
    pub fn revise(
        &mut self,
        draft: AgreementDraft,
        by: Party,
        at: i64,
        rules: &RelationshipRules,
    ) -> Result<Revision, Refused> {
        if !rules.may_draft_agreement(by) {
            let drafter = rules
                .agreement
                .drafted_by
                .map_or("the mentee or the mentor", party_name);
            return Err(Refused::new(format!(
                "In this programme {drafter} drafts the agreement."
            )));
        }
        if self.in_force(rules) && !rules.agreement.amendable {
            return Err(Refused::new(
                "This programme's agreement is not amended once everyone has signed it.",
            ));
        }
        let version = AgreementVersion {
            number: 1,
            draft,
            drafted_by: by,
            at,
            signatures: Vec::new(),
        };
        match self.versions.last_mut() {
            None => {
                self.versions.push(version);
                Ok(Revision::NewVersion { version: 1 })
            }
            Some(current) if current.draft == version.draft => Ok(Revision::Unchanged),
            Some(current) if current.signatures.is_empty() => {
                let number = current.number;
                *current = AgreementVersion { number, ..version };
                Ok(Revision::Redrafted { version: number })
            }
            Some(current) => {
                let number = current.number + 1;
                self.versions.push(AgreementVersion { number, ..version });
                Ok(Revision::NewVersion { version: number })
            }
        }
    }

    /// Signs the current version as `party` (AGR-4). `version_read` is the
    /// version the signer was shown: if it has changed since, the signature
    /// is refused, so nobody signs what they have not read.
    pub fn sign(
        &mut self,
        party: Party,
        actor: Actor,
        at: i64,
        version_read: u32,
        rules: &RelationshipRules,
    ) -> Result<&Signature, Refused> {
        let current_number = self.versions.last().map(|current| current.number);
        let already = self
            .versions
            .last()
            .is_some_and(|current| current.signed_by(party));
        check_signing(rules, party, current_number, version_read, already)?;
        let Some(current) = self.versions.last_mut() else {
            return Err(Refused::new("There is no agreement to sign yet."));
        };
        let hash = current.hash();
        current.signatures.push(Signature {
            party,
            actor,
            at,
            hash,
        });
        current
            .signatures
            .last()
            .ok_or_else(|| Refused::new("The signature was not recorded."))
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn a_hash_reads_back_as_written_and_nothing_else_reads() {
        let hash: [u8; 32] = std::array::from_fn(|i| (i * 7) as u8);
        assert_eq!(parse_hash_hex(&hash_hex(&hash)), Some(hash));
        assert_eq!(parse_hash_hex("ab"), None);
        assert_eq!(parse_hash_hex(&"zz".repeat(32)), None);
    }
    use crate::relationship::test_support::{field_names as fields, shipped_rules as rules};

    fn input(length: &str) -> AgreementInput {
        AgreementInput {
            clauses: vec!["We work on confidence.".into()],
            length_months: length.into(),
            review_dates: vec!["2025-03-01".into()],
            meet_every: "1".into(),
            meet_every_unit: "months".into(),
            min_minutes: "60".into(),
            max_minutes: "90".into(),
            contacts_per_week: "2".into(),
            time_allowance_minutes: "120".into(),
            documents_to_coordinator: vec![],
        }
    }

    const START: Date = date!(2025 - 01 - 01);

    #[test]
    fn the_form_is_checked_against_the_programme_and_track() {
        let wsc = rules("wsc", "development");
        let caf = rules("caf", "new_staff");
        let cwt = rules("cwt", "leadership");
        let no_allowance = AgreementInput {
            time_allowance_minutes: String::new(),
            ..input("")
        };
        let cases: Vec<(&str, &RelationshipRules, AgreementInput, Vec<&str>)> = vec![
            ("WSC 7.1: six months is allowed", &wsc, input("6"), vec![]),
            (
                "WSC 7.1: five months is too short",
                &wsc,
                input("5"),
                vec!["length_months"],
            ),
            (
                "WSC 7.1: thirteen months is too long",
                &wsc,
                input("13"),
                vec!["length_months"],
            ),
            (
                "WSC: the track sets a length, so it is needed",
                &wsc,
                input(""),
                vec!["length_months"],
            ),
            ("CWT sets no length", &cwt, input(""), vec![]),
            (
                "CAF 3: the time allowance is agreed",
                &caf,
                no_allowance,
                vec!["time_allowance_minutes"],
            ),
            (
                "shortest over longest",
                &cwt,
                AgreementInput {
                    min_minutes: "120".into(),
                    max_minutes: "60".into(),
                    ..input("")
                },
                vec!["max_minutes"],
            ),
            (
                "CWT 2.2.6: agreed review points are needed",
                &cwt,
                AgreementInput {
                    review_dates: vec![],
                    ..input("")
                },
                vec!["review_dates[0]"],
            ),
            (
                "every problem at once",
                &wsc,
                AgreementInput {
                    review_dates: vec![" ".into()],
                    ..input("13")
                },
                vec!["length_months", "review_dates[0]"],
            ),
            (
                "a review date beyond the length",
                &wsc,
                AgreementInput {
                    review_dates: vec!["2026-01-01".into()],
                    ..input("6")
                },
                vec!["review_dates[0]"],
            ),
            (
                "more clauses than the programme has",
                &wsc,
                AgreementInput {
                    clauses: vec![String::new(); 11],
                    ..input("6")
                },
                vec!["clauses"],
            ),
            (
                "unknown units, numbers and documents",
                &cwt,
                AgreementInput {
                    meet_every_unit: "fortnights".into(),
                    contacts_per_week: "lots".into(),
                    documents_to_coordinator: vec!["diary".into()],
                    ..input("")
                },
                vec![
                    "meet_every_unit",
                    "contacts_per_week",
                    "documents_to_coordinator[0]",
                ],
            ),
        ];
        for (case, rules, input, expected) in cases {
            assert_eq!(fields(input.check(rules, START)), expected, "{case}");
        }
        let draft = input("6").check(&wsc, START).expect("a sound agreement");
        assert_eq!(draft.clauses.len(), wsc.agreement.contents.len());
        assert_eq!(draft.clauses[0].text, "We work on confidence.");
        assert_eq!(
            draft.clauses[1].text, "",
            "an item left blank is accepted as written"
        );
    }

    fn draft(text: &str) -> AgreementDraft {
        AgreementDraft {
            clauses: vec![Clause {
                heading: "Issues".into(),
                text: text.into(),
            }],
            terms: AgreementTerms {
                time_allowance: Minutes::parse(120).ok(),
                ..AgreementTerms::default()
            },
        }
    }

    #[test]
    fn a_change_after_a_signature_makes_a_new_version_and_clears_the_signatures() {
        let rules = rules("caf", "new_staff");
        let mut agreement = Agreement::default();
        let me = Actor::Account(crate::ids::AccountId::new(1));
        assert_eq!(
            agreement.revise(draft("a"), Party::Mentee, 10, &rules),
            Ok(Revision::NewVersion { version: 1 })
        );
        assert_eq!(
            agreement.revise(draft("b"), Party::Mentor, 20, &rules),
            Ok(Revision::Redrafted { version: 1 }),
            "nobody has signed, so the draft changes in place"
        );
        assert_eq!(
            agreement.revise(draft("b"), Party::Mentor, 25, &rules),
            Ok(Revision::Unchanged)
        );
        let signature = agreement
            .sign(Party::Mentee, me, 30, 1, &rules)
            .expect("the mentee signs")
            .clone();
        let current = agreement.current().expect("a version");
        assert_eq!(
            signature.hash,
            current.hash(),
            "the hash of the version signed"
        );
        assert_eq!((signature.at, signature.actor), (30, me));
        assert_eq!(
            agreement.awaiting_signatures(&rules),
            [Party::Mentor, Party::LineManager]
        );
        assert_eq!(
            agreement.revise(draft("c"), Party::Mentee, 40, &rules),
            Ok(Revision::NewVersion { version: 2 })
        );
        let versions = agreement.versions();
        assert_eq!(versions.len(), 2, "the pair can see every version");
        assert!(
            versions[0].signed_by(Party::Mentee),
            "version 1 keeps its signature"
        );
        assert!(
            versions[1].signatures.is_empty(),
            "version 2 starts unsigned"
        );
        assert_ne!(versions[0].hash(), versions[1].hash());
        let stale = agreement.sign(Party::Mentor, me, 50, 1, &rules);
        assert!(stale.is_err_and(|refused| refused.message().contains("version 2")));
        for party in [Party::Mentee, Party::Mentor] {
            assert!(!agreement.in_force(&rules));
            agreement.sign(party, me, 60, 2, &rules).expect("signs");
        }
        assert!(
            !agreement.in_force(&rules),
            "CAF: the line manager signs too"
        );
        agreement
            .sign(Party::LineManager, me, 70, 2, &rules)
            .expect("the line manager signs");
        assert!(agreement.in_force(&rules));
        assert!(
            agreement
                .versions()
                .iter()
                .all(AgreementVersion::signatures_match)
        );
    }

    #[test]
    fn drafting_signing_and_amending_follow_the_programme() {
        let cwt = rules("cwt", "leadership");
        let me = Actor::Account(crate::ids::AccountId::new(1));
        let mut agreement = Agreement::default();
        // CWT 2.2.4: the mentee drafts, the mentor signs off.
        assert!(
            agreement
                .revise(draft("a"), Party::Mentor, 1, &cwt)
                .is_err()
        );
        assert!(
            agreement.sign(Party::Mentor, me, 1, 1, &cwt).is_err(),
            "nothing to sign"
        );
        agreement
            .revise(draft("a"), Party::Mentee, 1, &cwt)
            .expect("drafts");
        assert!(agreement.sign(Party::Mentee, me, 2, 1, &cwt).is_err());
        agreement
            .sign(Party::Mentor, me, 2, 1, &cwt)
            .expect("signs off");
        assert!(
            agreement.sign(Party::Mentor, me, 3, 1, &cwt).is_err(),
            "twice"
        );
        assert!(agreement.in_force(&cwt));
        // CWT's agreement is not reviewable, so once in force it stays as signed.
        assert!(
            agreement
                .revise(draft("b"), Party::Mentee, 4, &cwt)
                .is_err()
        );
        // AFC "Expectations of support": "The agreement can be reviewed".
        let afc = rules("afc", "newly_approved");
        let mut agreement = Agreement::default();
        agreement
            .revise(draft("a"), Party::Mentor, 1, &afc)
            .expect("either drafts");
        agreement
            .sign(Party::Mentee, me, 2, 1, &afc)
            .expect("signs");
        agreement
            .sign(Party::Mentor, me, 2, 1, &afc)
            .expect("signs");
        assert!(agreement.in_force(&afc));
        assert_eq!(
            agreement.revise(draft("b"), Party::Mentee, 3, &afc),
            Ok(Revision::NewVersion { version: 2 })
        );
        assert!(
            !agreement.in_force(&afc),
            "the amended version needs signing again"
        );
    }

    #[test]
    fn a_stored_version_changed_after_signing_no_longer_matches_its_signatures() {
        let rules = rules("fun", "staff_development");
        let mut agreement = Agreement::default();
        agreement
            .revise(draft("a"), Party::Mentee, 1, &rules)
            .expect("drafts");
        agreement
            .sign(
                Party::Mentee,
                Actor::Account(crate::ids::AccountId::new(1)),
                2,
                1,
                &rules,
            )
            .expect("signs");
        let mut versions = agreement.versions().to_vec();
        versions[0].draft.clauses[0].text = "tampered".into();
        let tampered = Agreement::from_versions(versions);
        assert!(!tampered.versions()[0].signatures_match());
        assert_eq!(hash_hex(&[0xab; 32]).len(), 64);
    }

    #[test]
    fn the_line_manager_sees_only_the_time_commitment() {
        let mut terms = AgreementTerms {
            length: Months::parse(6).ok(),
            meet_every: Some(Frequency {
                every_min: 1,
                every_max: 1,
                unit: IntervalUnit::Months,
            }),
            max_minutes: Minutes::parse(90).ok(),
            time_allowance: Minutes::parse(120).ok(),
            ..AgreementTerms::default()
        };
        terms.contacts_per_week = Some(2);
        let draft = AgreementDraft {
            clauses: vec![Clause {
                heading: "Issues".into(),
                text: "secret".into(),
            }],
            terms,
        };
        let shown = draft.time_commitment().to_string();
        assert_eq!(
            shown,
            "Mentoring time: 120 minutes a month, for 6 months, meeting at least once a month, up to 90 minutes a meeting"
        );
        assert!(!shown.contains("secret"));
    }
}
