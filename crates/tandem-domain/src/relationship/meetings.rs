//! Meetings (MTG-1 to MTG-4): what is recorded of each — always the date,
//! length and kind; notes and action points only where the programme keeps
//! them, written by one party and agreed by both — how actual meetings
//! compare with the agreement and the programme's guideline, and whether a
//! cancellation came in time.

use serde::{Deserialize, Serialize};
use time::Date;

use super::agreement::AgreementTerms;
use super::plan::{ActionPoint, ActionPointInput};
use super::state::Refused;
use super::{FieldError, RelationshipRules, date_field, long_text_check, party_name};
use crate::programme::{MeetingGuideline, MeetingKind, MeetingLengthProblem, Minutes, Party};

/// A meeting as typed or sent to the API.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MeetingInput {
    /// The date it took place, `YYYY-MM-DD`.
    pub date: String,
    /// How long it lasted, in minutes.
    pub minutes: String,
    /// `face_to_face`, `telephone`, `video` or `email`.
    pub kind: String,
    /// The record of the meeting. `Some` even when empty means the request
    /// carried notes, which a metadata-only programme refuses.
    pub notes: Option<String>,
    /// Action points agreed at the meeting.
    pub action_points: Vec<ActionPointInput>,
}

/// A meeting, checked: its metadata, and a record where the programme keeps one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingEntry {
    /// The date and length and kind: all a coordinator sees (MTG-3).
    pub facts: MeetingFacts,
    /// The record, where there is one.
    pub record: Option<MeetingRecord>,
}

/// What is known about every meeting in every programme (MTG-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingFacts {
    /// When it took place.
    pub date: Date,
    /// How long it lasted.
    pub duration: Minutes,
    /// Face to face, telephone, video or email.
    pub kind: MeetingKind,
}

impl MeetingKind {
    /// The stable name used in forms and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            MeetingKind::FaceToFace => "face_to_face",
            MeetingKind::Telephone => "telephone",
            MeetingKind::Video => "video",
            MeetingKind::Email => "email",
        }
    }

    /// What a page shows.
    pub fn label(self) -> &'static str {
        match self {
            MeetingKind::FaceToFace => "Face to face",
            MeetingKind::Telephone => "Telephone",
            MeetingKind::Video => "Video",
            MeetingKind::Email => "Email",
        }
    }

    /// Reads a submitted name.
    pub fn parse(text: &str) -> Option<MeetingKind> {
        [
            MeetingKind::FaceToFace,
            MeetingKind::Telephone,
            MeetingKind::Video,
            MeetingKind::Email,
        ]
        .into_iter()
        .find(|kind| kind.as_str() == text)
    }
}

/// The longest meeting Tandem records: a day.
const LONGEST_MEETING: u16 = 24 * 60;

impl MeetingInput {
    /// Checks a meeting logged by `by` on `today` under the programme's rules.
    /// In a metadata-only programme any notes or action points are refused
    /// by field (MTG-1: CWT 2.2.6 "The only information to be collected is
    /// frequency and duration"); elsewhere only the party who writes records
    /// may write one (MTG-2).
    pub fn check(
        &self,
        rules: &RelationshipRules,
        by: Party,
        today: Date,
    ) -> Result<MeetingEntry, Vec<FieldError>> {
        let mut errors = Vec::new();
        let date = date_field("date", &self.date, &mut errors);
        if date.is_some_and(|date| date > today) {
            errors.push(FieldError::new(
                "date",
                "Record a meeting once it has taken place",
            ));
        }
        let duration = match self.minutes.trim().parse::<u16>() {
            Ok(minutes) if (1..=LONGEST_MEETING).contains(&minutes) => {
                Minutes::parse(i64::from(minutes)).ok()
            }
            _ => None,
        };
        if duration.is_none() {
            errors.push(FieldError::new(
                "minutes",
                format!(
                    "Enter how long the meeting lasted, in minutes from 1 to {LONGEST_MEETING}"
                ),
            ));
        }
        let kind = MeetingKind::parse(self.kind.trim());
        match kind {
            None => errors.push(FieldError::new(
                "kind",
                "Choose face to face, telephone, video or email",
            )),
            // MTG-1: FUN Appendix C names email, telephone and face-to-face contact.
            Some(kind) if !rules.allows_meeting_kind(kind) => errors.push(FieldError::new(
                "kind",
                format!(
                    "This programme does not record {} meetings",
                    kind.label().to_lowercase()
                ),
            )),
            Some(_) => {}
        }
        let record = self.record(rules, by, &mut errors);
        match (date, duration, kind) {
            (Some(date), Some(duration), Some(kind)) if errors.is_empty() => Ok(MeetingEntry {
                facts: MeetingFacts {
                    date,
                    duration,
                    kind,
                },
                record,
            }),
            _ => Err(errors),
        }
    }

    fn record(
        &self,
        rules: &RelationshipRules,
        by: Party,
        errors: &mut Vec<FieldError>,
    ) -> Option<MeetingRecord> {
        let records = &rules.records;
        if !records.notes_allowed {
            // MTG-1: metadata only; nothing else is stored (CWT 2.2.6, CAF 2).
            if self.notes.is_some() {
                errors.push(FieldError::new(
                    "notes",
                    "This programme records only the date, length and kind of each meeting: notes cannot be kept",
                ));
            }
            if !self.action_points.is_empty() {
                errors.push(FieldError::new(
                    "action_points",
                    "This programme records only the date, length and kind of each meeting: action points cannot be kept",
                ));
            }
            return None;
        }
        let text = self.notes.as_deref().map_or("", str::trim);
        if text.is_empty() && self.action_points.is_empty() {
            return None;
        }
        // MTG-2: FUN Appendix C and AFC "Process": the mentor writes; WSC contract 5: the mentee.
        if by != records.written_by {
            errors.push(FieldError::new(
                "notes",
                format!(
                    "In this programme {} writes the meeting record",
                    party_name(records.written_by)
                ),
            ));
            return None;
        }
        long_text_check("notes", text, errors);
        let action_points = self
            .action_points
            .iter()
            .enumerate()
            .filter_map(|(index, point)| {
                point.check(&format!("action_points[{index}]"), None, errors)
            })
            .collect();
        Some(MeetingRecord::written(
            text.to_owned(),
            action_points,
            by,
            rules,
        ))
    }
}

/// A meeting's record: written by one party and agreed by those the
/// programme names (MTG-2: FUN Appendix C "Signed: Mentee … Signed: Mentor").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingRecord {
    /// The short record.
    pub text: String,
    /// The action points agreed (PLN-2).
    pub action_points: Vec<ActionPoint>,
    /// Who wrote it.
    pub written_by: Party,
    /// Who has agreed this text.
    pub agreed_by: Vec<Party>,
}

impl MeetingRecord {
    /// A record as written by `writer`, whose writing is their agreement.
    fn written(
        text: String,
        action_points: Vec<ActionPoint>,
        writer: Party,
        rules: &RelationshipRules,
    ) -> MeetingRecord {
        let agreed_by = if rules.records.agreed_by.contains(&writer) {
            vec![writer]
        } else {
            Vec::new()
        };
        MeetingRecord {
            text,
            action_points,
            written_by: writer,
            agreed_by,
        }
    }

    /// Records `party`'s agreement that the record is accurate.
    pub fn agree(&mut self, party: Party, rules: &RelationshipRules) -> Result<(), Refused> {
        if !rules.records.agreed_by.contains(&party) {
            return Err(Refused::new(format!(
                "In this programme {} does not agree meeting records.",
                party_name(party)
            )));
        }
        if self.agreed_by.contains(&party) {
            return Err(Refused::new("You have already agreed this record."));
        }
        self.agreed_by.push(party);
        Ok(())
    }

    /// Changes the record; everyone else's agreement is cleared, since they
    /// agreed other words.
    pub fn revise(
        &mut self,
        text: String,
        action_points: Vec<ActionPoint>,
        by: Party,
        rules: &RelationshipRules,
    ) -> Result<(), Refused> {
        if by != self.written_by {
            return Err(Refused::new(format!(
                "Only {} can change this record; ask them to.",
                party_name(self.written_by)
            )));
        }
        *self = MeetingRecord::written(text, action_points, by, rules);
        Ok(())
    }

    /// Who has still to agree it.
    pub fn awaiting(&self, rules: &RelationshipRules) -> Vec<Party> {
        rules
            .records
            .agreed_by
            .iter()
            .copied()
            .filter(|party| !self.agreed_by.contains(party))
            .collect()
    }

    /// Whether everyone has agreed it.
    pub fn is_agreed(&self, rules: &RelationshipRules) -> bool {
        self.awaiting(rules).is_empty()
    }
}

/// Where a compliance measure comes from (MTG-3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    /// What the pair agreed.
    Agreement,
    /// The programme's guideline.
    Guideline,
}

/// A way actual meetings differ from what was agreed or guided (MTG-3).
/// Metadata only: the coordinator sees these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flag {
    /// No meeting since `last` and the next was due by `due`.
    Overdue {
        /// Against what.
        source: Source,
        /// The last meeting, or the start.
        last: Date,
        /// When the next was due.
        due: Date,
    },
    /// A meeting shorter or longer than the measure.
    Length {
        /// Against what.
        source: Source,
        /// The meeting's date.
        date: Date,
        /// How it differs.
        problem: MeetingLengthProblem,
    },
}

/// How a relationship's meetings compare with its agreement and the
/// programme's guideline on a given day (MTG-3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compliance {
    /// When the next meeting is due at the latest, by the stricter measure.
    pub next_due: Option<Date>,
    /// Everything that differs, agreement first.
    pub flags: Vec<Flag>,
}

impl Compliance {
    /// Whether nothing differs.
    pub fn is_clear(&self) -> bool {
        self.flags.is_empty()
    }
}

/// MTG-3: compares the meetings held since `start` with what the agreement says
/// (where it says anything) and with the programme's guideline (CWT 2.2.6:
/// 1–2 hours every 2–3 months; AFC: monthly). Email contact is not
/// measured for length.
pub fn compliance(
    rules: &RelationshipRules,
    agreed: Option<&AgreementTerms>,
    start: Date,
    meetings: &[MeetingFacts],
    today: Date,
) -> Compliance {
    let agreement = agreed.map(|terms| MeetingGuideline {
        frequency: terms.meet_every,
        min_minutes: terms.min_minutes,
        max_minutes: terms.max_minutes,
        ..MeetingGuideline::default()
    });
    let measures = agreement
        .iter()
        .map(|guideline| (Source::Agreement, guideline))
        .chain([(Source::Guideline, &rules.meetings)]);
    let last = meetings
        .iter()
        .map(|meeting| meeting.date)
        .max()
        .unwrap_or(start)
        .max(start);
    let mut flags = Vec::new();
    let mut next_due: Option<Date> = None;
    for (source, guideline) in measures {
        if let Some(due) = guideline.next_meeting_due(last) {
            next_due = Some(next_due.map_or(due, |earlier| earlier.min(due)));
            if guideline.meeting_overdue(last, today) {
                flags.push(Flag::Overdue { source, last, due });
            }
        }
        for meeting in meetings.iter().filter(|m| m.kind != MeetingKind::Email) {
            if let Err(problem) = guideline.check_length(meeting.duration) {
                flags.push(Flag::Length {
                    source,
                    date: meeting.date,
                    problem,
                });
            }
        }
    }
    Compliance { next_due, flags }
}

/// A cancelled meeting (MTG-4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cancellation {
    /// When the meeting was to start, in Unix seconds.
    pub meeting_at: i64,
    /// When it was cancelled, in Unix seconds.
    pub cancelled_at: i64,
    /// The new date arranged, if any.
    pub new_date: Option<Date>,
}

/// How a cancellation stands against the programme's notice rule (MTG-4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancellationStatus {
    /// Enough notice, and a new date where one is needed.
    Fine,
    /// Enough notice, but a new date is still to be arranged (FUN Appendix A, 2).
    NeedsNewDate,
    /// Less notice than the programme asks and no new date (FUN Appendix A, 2: "at least 24 hours in advance").
    Late,
}

/// Whether a cancellation gave the notice the programme asks and came with
/// a new date (MTG-4; FUN Appendix A, 2). A programme with no notice rule
/// has nothing to be late against.
pub fn cancellation_status(
    rules: &RelationshipRules,
    cancellation: &Cancellation,
) -> CancellationStatus {
    let Some(hours) = rules.meetings.cancellation_notice_hours else {
        return CancellationStatus::Fine;
    };
    let notice = cancellation
        .meeting_at
        .saturating_sub(cancellation.cancelled_at);
    let short = notice < i64::from(hours.get()) * 3600;
    match (short, cancellation.new_date) {
        (_, Some(_)) => CancellationStatus::Fine,
        (true, None) => CancellationStatus::Late,
        (false, None) => CancellationStatus::NeedsNewDate,
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;
    use crate::programme::{Frequency, IntervalUnit};
    use crate::relationship::test_support::{field_names as fields, shipped_rules as rules};

    fn meeting(notes: Option<&str>, points: usize) -> MeetingInput {
        MeetingInput {
            date: "2025-02-01".into(),
            minutes: "90".into(),
            kind: "telephone".into(),
            notes: notes.map(str::to_owned),
            action_points: vec![
                ActionPointInput {
                    what: "Read the policy".into(),
                    owner: "mentee".into(),
                    due: "2025-03-01".into(),
                };
                points
            ],
        }
    }

    const TODAY: Date = date!(2025 - 02 - 02);

    #[test]
    fn notes_are_refused_where_only_metadata_is_kept_and_written_by_the_writer_elsewhere() {
        let cwt = rules("cwt", "leadership");
        let fun = rules("fun", "staff_development");
        let wsc = rules("wsc", "development");
        let video = MeetingInput {
            kind: "video".into(),
            ..meeting(None, 0)
        };
        let cases: Vec<(&str, &RelationshipRules, Party, MeetingInput, Vec<&str>)> = vec![
            (
                "CWT: metadata only",
                &cwt,
                Party::Mentee,
                meeting(None, 0),
                vec![],
            ),
            (
                "CWT 2.2.6: notes refused",
                &cwt,
                Party::Mentor,
                meeting(Some("we talked"), 0),
                vec!["notes"],
            ),
            (
                "CWT: even empty notes",
                &cwt,
                Party::Mentor,
                meeting(Some(""), 0),
                vec!["notes"],
            ),
            (
                "CWT: action points refused",
                &cwt,
                Party::Mentor,
                meeting(None, 1),
                vec!["action_points"],
            ),
            (
                "FUN Appendix C: the mentor writes",
                &fun,
                Party::Mentor,
                meeting(Some("log"), 1),
                vec![],
            ),
            (
                "FUN: not the mentee",
                &fun,
                Party::Mentee,
                meeting(Some("log"), 0),
                vec!["notes"],
            ),
            (
                "FUN: a meeting without a record",
                &fun,
                Party::Mentee,
                meeting(None, 0),
                vec![],
            ),
            (
                "WSC contract 5: the mentee writes",
                &wsc,
                Party::Mentee,
                meeting(Some("plan"), 0),
                vec![],
            ),
            (
                "FUN Appendix C: no video",
                &fun,
                Party::Mentor,
                video,
                vec!["kind"],
            ),
            (
                "date, length and kind",
                &cwt,
                Party::Mentee,
                MeetingInput {
                    date: "2025-02-03".into(),
                    minutes: "0".into(),
                    kind: "carrier pigeon".into(),
                    ..meeting(None, 0)
                },
                vec!["date", "minutes", "kind"],
            ),
        ];
        for (case, rules, by, input, expected) in cases {
            assert_eq!(fields(input.check(rules, by, TODAY)), expected, "{case}");
        }
        let entry = meeting(Some("log"), 1)
            .check(&fun, Party::Mentor, TODAY)
            .expect("a sound meeting");
        let record = entry.record.expect("a record");
        assert_eq!(
            record.agreed_by,
            [Party::Mentor],
            "writing is the writer's agreement"
        );
        assert_eq!(record.action_points.len(), 1);
    }

    #[test]
    fn the_mentee_agrees_the_mentors_record_and_a_revision_needs_agreeing_again() {
        let fun = rules("fun", "staff_development");
        let mut record = meeting(Some("log"), 0)
            .check(&fun, Party::Mentor, TODAY)
            .expect("sound")
            .record
            .expect("a record");
        assert_eq!(record.awaiting(&fun), [Party::Mentee]);
        assert!(record.agree(Party::LineManager, &fun).is_err());
        record
            .agree(Party::Mentee, &fun)
            .expect("the mentee agrees");
        assert!(record.is_agreed(&fun));
        assert!(record.agree(Party::Mentee, &fun).is_err(), "twice");
        assert!(
            record
                .revise("other".into(), vec![], Party::Mentee, &fun)
                .is_err()
        );
        record
            .revise("corrected".into(), vec![], Party::Mentor, &fun)
            .expect("the writer revises");
        assert_eq!(record.awaiting(&fun), [Party::Mentee]);
    }

    fn held(date: Date, minutes: u16, kind: MeetingKind) -> MeetingFacts {
        MeetingFacts {
            date,
            duration: Minutes::parse(i64::from(minutes)).expect("in range"),
            kind,
        }
    }

    #[test]
    fn meetings_are_compared_with_the_agreement_and_the_guideline() {
        // CWT 2.2.6: 1-2 hours every 2-3 months.
        let cwt = rules("cwt", "leadership");
        let start = date!(2025 - 01 - 01);
        let face = MeetingKind::FaceToFace;
        let on_time = [held(date!(2025 - 02 - 01), 90, face)];
        assert!(compliance(&cwt, None, start, &on_time, date!(2025 - 04 - 01)).is_clear());
        let report = compliance(&cwt, None, start, &on_time, date!(2025 - 05 - 02));
        assert_eq!(
            report.flags,
            [Flag::Overdue {
                source: Source::Guideline,
                last: date!(2025 - 02 - 01),
                due: date!(2025 - 05 - 01),
            }]
        );
        let lengths = [
            held(date!(2025 - 01 - 10), 30, face),
            held(date!(2025 - 01 - 20), 180, face),
            held(date!(2025 - 01 - 30), 5, MeetingKind::Email),
        ];
        let report = compliance(&cwt, None, start, &lengths, date!(2025 - 02 - 01));
        let dates: Vec<Date> = report
            .flags
            .iter()
            .filter_map(|flag| match flag {
                Flag::Length { date, .. } => Some(*date),
                Flag::Overdue { .. } => None,
            })
            .collect();
        assert_eq!(
            dates,
            [date!(2025 - 01 - 10), date!(2025 - 01 - 20)],
            "email is not measured"
        );
        // The pair agreed monthly meetings of at least 45 minutes.
        let agreed = AgreementTerms {
            meet_every: Some(Frequency {
                every_min: 1,
                every_max: 1,
                unit: IntervalUnit::Months,
            }),
            min_minutes: Minutes::parse(45).ok(),
            ..AgreementTerms::default()
        };
        let report = compliance(
            &cwt,
            Some(&agreed),
            start,
            &lengths[..1],
            date!(2025 - 02 - 15),
        );
        assert_eq!(
            report.next_due,
            Some(date!(2025 - 02 - 10)),
            "the stricter measure"
        );
        assert_eq!(
            report.flags.len(),
            3,
            "overdue and short against the agreement, short against the guideline"
        );
        assert!(matches!(
            report.flags[0],
            Flag::Overdue {
                source: Source::Agreement,
                ..
            }
        ));
        // No meeting yet: due from the start.
        let report = compliance(
            &rules("afc", "adversity"),
            None,
            start,
            &[],
            date!(2025 - 02 - 02),
        );
        assert!(matches!(report.flags[..], [Flag::Overdue { last, .. }] if last == start));
    }

    #[test]
    fn a_cancellation_under_24_hours_without_a_new_date_is_late() {
        let fun = rules("fun", "staff_development");
        let hour = 3600;
        let cancel = |notice: i64, new_date| Cancellation {
            meeting_at: 100 * hour,
            cancelled_at: 100 * hour - notice,
            new_date,
        };
        let cases = [
            (cancel(23 * hour, None), CancellationStatus::Late),
            (
                cancel(23 * hour, Some(date!(2025 - 03 - 01))),
                CancellationStatus::Fine,
            ),
            (cancel(24 * hour, None), CancellationStatus::NeedsNewDate),
            (
                cancel(48 * hour, Some(date!(2025 - 03 - 01))),
                CancellationStatus::Fine,
            ),
            (cancel(-hour, None), CancellationStatus::Late),
        ];
        for (cancellation, expected) in cases {
            assert_eq!(
                cancellation_status(&fun, &cancellation),
                expected,
                "{cancellation:?}"
            );
        }
        // CWT sets no notice, so nothing is late.
        let cwt = rules("cwt", "leadership");
        assert_eq!(
            cancellation_status(&cwt, &cancel(hour, None)),
            CancellationStatus::Fine
        );
    }

    #[test]
    fn meeting_kinds_round_trip() {
        for kind in ["face_to_face", "telephone", "video", "email"] {
            assert_eq!(
                MeetingKind::parse(kind).map(MeetingKind::as_str),
                Some(kind)
            );
        }
        assert_eq!(MeetingKind::parse("Video"), None);
    }
}
