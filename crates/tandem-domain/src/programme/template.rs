//! Reading and writing programmes as TOML, and checking their settings.
//!
//! Reading happens in three passes over the same text:
//! 1. `toml_edit` parses it into a document that remembers where every key
//!    and value sits; from that we build an index from key paths such as
//!    `tracks[1].length.min_months` to byte ranges.
//! 2. `toml` deserialises it into [`Programme`]; a syntax error, wrong type
//!    or unknown key stops here with the first error, whose byte range the
//!    index turns into a key path.
//! 3. [`problems`] checks the settings and reports every impossible value by
//!    key path; the index turns each path into a line number.

use std::collections::HashSet;
use std::fmt;
use std::ops::Range;

use toml_edit::{ImDocument, Item, TableLike, Value};

use super::{ExtensionRule, MonthRange, Months, Party, Programme, RecordMode, Track, TrackLength};

/// Reads programme templates.
#[derive(Debug, Clone, Copy)]
pub struct ProgrammeTemplate;

/// One problem found reading a programme template, with where it is.
///
/// Displayed as `line N: key: what is wrong`; the CLI prefixes the file name
/// to give the usual `FILE:line: key: message` form editors can jump to.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ProgrammeError {
    /// The 1-based line the problem is on.
    pub line: usize,
    /// The dotted key path, e.g. `tracks[1].length.min_months`; empty when
    /// the problem is not about one key (a syntax error between keys).
    pub key: String,
    /// What is wrong, in plain English.
    pub message: String,
}

impl fmt::Display for ProgrammeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.key.is_empty() {
            write!(f, "line {}: {}", self.line, self.message)
        } else {
            write!(f, "line {}: {}: {}", self.line, self.key, self.message)
        }
    }
}

/// A problem with a programme's settings, independent of any file: the key
/// path and what is wrong. Forms can use the path to mark the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{key}: {message}")]
pub struct SettingProblem {
    /// The dotted key path, e.g. `reviews.interval.min_months`.
    pub key: String,
    /// What is wrong, in plain English.
    pub message: String,
}

/// A programme could not be written as TOML.
#[derive(Debug, thiserror::Error)]
#[error("could not write the programme as TOML: {0}")]
pub struct ExportError(#[from] toml::ser::Error);

impl ProgrammeTemplate {
    /// Reads a programme from TOML and checks its settings.
    ///
    /// A syntax error, a value of the wrong type or an unknown key is
    /// reported alone, as the TOML reader stops there; otherwise every
    /// impossible setting is reported. Each error carries its line and key.
    pub fn from_toml_str(source: &str) -> Result<Programme, Vec<ProgrammeError>> {
        let document = ImDocument::parse(source).map_err(|error| {
            vec![ProgrammeError {
                line: error.span().map_or(1, |span| line_of(source, span.start)),
                key: String::new(),
                message: format!("not valid TOML: {}", first_line(error.message())),
            }]
        })?;
        let index = SpanIndex::build(&document);
        let programme: Programme = toml::from_str(source)
            .map_err(|error| vec![index.deserialise_error(source, &error)])?;
        let problems = problems(&programme);
        if problems.is_empty() {
            Ok(programme)
        } else {
            Err(problems
                .into_iter()
                .map(|problem| ProgrammeError {
                    line: index.line_of_key(source, &problem.key),
                    key: problem.key,
                    message: problem.message,
                })
                .collect())
        }
    }
}

pub(super) fn to_toml_string(programme: &Programme) -> Result<String, ExportError> {
    Ok(toml::to_string_pretty(programme)?)
}

/// Where each key path sits in the source.
struct SpanIndex {
    entries: Vec<SpanEntry>,
}

struct SpanEntry {
    path: String,
    depth: usize,
    key_span: Option<Range<usize>>,
    value_span: Option<Range<usize>>,
}

impl SpanIndex {
    fn build(document: &ImDocument<&str>) -> SpanIndex {
        let mut entries = Vec::new();
        walk_table(document.as_table(), "", 0, &mut entries);
        SpanIndex { entries }
    }

    /// The line a key path is on: its key if written, else its value, else
    /// its nearest written ancestor (a missing `eligibility` is reported on
    /// its track's `[[tracks]]` line), else line 1.
    fn line_of_key(&self, source: &str, path: &str) -> usize {
        let mut path = path;
        loop {
            let found = self.entries.iter().find(|entry| entry.path == path);
            if let Some(span) =
                found.and_then(|entry| entry.key_span.clone().or(entry.value_span.clone()))
            {
                return line_of(source, span.start);
            }
            match path.rfind(['.', '[']) {
                Some(cut) => path = &path[..cut],
                None => return 1,
            }
        }
    }

    /// The most specific key path whose key or value covers `offset`.
    fn path_at(&self, offset: usize) -> Option<&str> {
        let covers = |span: &Option<Range<usize>>| {
            span.as_ref()
                .is_some_and(|span| span.start <= offset && offset < span.end.max(span.start + 1))
        };
        self.entries
            .iter()
            .filter(|entry| covers(&entry.key_span) || covers(&entry.value_span))
            .max_by_key(|entry| entry.depth)
            .map(|entry| entry.path.as_str())
    }

    fn deserialise_error(&self, source: &str, error: &toml::de::Error) -> ProgrammeError {
        let message = first_line(error.message());
        let mut key = error
            .span()
            .and_then(|span| self.path_at(span.start))
            .unwrap_or_default()
            .to_owned();
        // serde names a missing field only in its message; the span points
        // at the table that lacks it, so add the field to that table's path.
        if let Some(field) = quoted_after(&message, "missing field `") {
            key = join(&key, field);
        }
        ProgrammeError {
            line: error.span().map_or_else(
                || self.line_of_key(source, &key),
                |span| line_of(source, span.start),
            ),
            key,
            message,
        }
    }
}

fn walk_table(table: &dyn TableLike, prefix: &str, depth: usize, out: &mut Vec<SpanEntry>) {
    for (name, item) in table.iter() {
        let path = join(prefix, name);
        out.push(SpanEntry {
            path: path.clone(),
            depth: depth + 1,
            key_span: table.key(name).and_then(toml_edit::Key::span),
            value_span: item.span(),
        });
        walk_item(item, &path, depth + 1, out);
    }
}

fn walk_item(item: &Item, path: &str, depth: usize, out: &mut Vec<SpanEntry>) {
    match item {
        Item::None => {}
        Item::Value(value) => walk_value(value, path, depth, out),
        Item::Table(table) => walk_table(table, path, depth, out),
        Item::ArrayOfTables(tables) => {
            for (position, table) in tables.iter().enumerate() {
                let element = format!("{path}[{position}]");
                out.push(SpanEntry {
                    path: element.clone(),
                    depth: depth + 1,
                    key_span: None,
                    value_span: table.span(),
                });
                walk_table(table, &element, depth + 1, out);
            }
        }
    }
}

fn walk_value(value: &Value, path: &str, depth: usize, out: &mut Vec<SpanEntry>) {
    match value {
        Value::Array(array) => {
            for (position, element) in array.iter().enumerate() {
                let element_path = format!("{path}[{position}]");
                out.push(SpanEntry {
                    path: element_path.clone(),
                    depth: depth + 1,
                    key_span: None,
                    value_span: element.span(),
                });
                walk_value(element, &element_path, depth + 1, out);
            }
        }
        Value::InlineTable(table) => walk_table(table, path, depth, out),
        _ => {}
    }
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_owned()
    } else {
        format!("{prefix}.{name}")
    }
}

fn line_of(source: &str, offset: usize) -> usize {
    let end = offset.min(source.len());
    source.as_bytes()[..end]
        .iter()
        .filter(|byte| **byte == b'\n')
        .count()
        + 1
}

fn first_line(message: &str) -> String {
    message.lines().next().unwrap_or_default().trim().to_owned()
}

fn quoted_after<'a>(message: &'a str, opening: &str) -> Option<&'a str> {
    let rest = &message[message.find(opening)? + opening.len()..];
    rest.find('`').map(|end| &rest[..end])
}

/// Collects problems with their key paths.
struct Problems(Vec<SettingProblem>);

impl Problems {
    fn add(&mut self, key: impl Into<String>, message: impl Into<String>) {
        self.0.push(SettingProblem {
            key: key.into(),
            message: message.into(),
        });
    }

    fn require_text(&mut self, key: &str, text: &str, what: &str) {
        if text.trim().is_empty() {
            self.add(key, format!("{what} cannot be empty"));
        }
    }

    fn no_blank_entries(&mut self, key: &str, entries: &[String]) {
        for (position, entry) in entries.iter().enumerate() {
            if entry.trim().is_empty() {
                self.add(format!("{key}[{position}]"), "an entry cannot be empty");
            }
        }
    }

    fn no_repeated_parties(&mut self, key: &str, parties: &[Party]) {
        let mut seen = HashSet::new();
        for (position, party) in parties.iter().enumerate() {
            if !seen.insert(party) {
                self.add(
                    format!("{key}[{position}]"),
                    format!("{party:?} is listed twice"),
                );
            }
        }
    }

    fn not_zero(&mut self, key: &str, months: Option<Months>, what: &str) {
        if months.is_some_and(|months| months.get() == 0) {
            self.add(key, format!("{what} cannot be zero months"));
        }
    }
}

/// Every problem with a programme's settings.
pub(super) fn problems(programme: &Programme) -> Vec<SettingProblem> {
    let mut problems = Problems(Vec::new());
    let p = &mut problems;

    p.require_text("name", &programme.name, "the programme's name");
    p.no_blank_entries("objectives", &programme.objectives);
    p.no_blank_entries("codes_of_conduct", &programme.codes_of_conduct);

    if programme.organisations.is_empty() {
        p.add(
            "organisations",
            "name at least one organisation taking part",
        );
    }
    let mut organisation_names = HashSet::new();
    for (position, organisation) in programme.organisations.iter().enumerate() {
        let key = format!("organisations[{position}]");
        p.require_text(
            &format!("{key}.name"),
            &organisation.name,
            "an organisation's name",
        );
        p.require_text(
            &format!("{key}.jurisdiction"),
            &organisation.jurisdiction,
            "an organisation's jurisdiction",
        );
        if !organisation.name.trim().is_empty() && !organisation_names.insert(&organisation.name) {
            p.add(
                format!("{key}.name"),
                format!("{:?} is listed twice", organisation.name),
            );
        }
    }

    check_tracks(p, &programme.tracks);

    let mentors = &programme.mentors;
    if let (Some(min), Some(max)) = (mentors.min_carer_level, mentors.max_carer_level)
        && min > max
    {
        p.add(
            "mentors.min_carer_level",
            format!("the lowest carer level ({min}) is above the highest ({max})"),
        );
    }
    if let Some(supervision) = mentors.supervision {
        check_gap_range(
            p,
            "mentors.supervision",
            supervision.every_min_weeks,
            supervision.every_max_weeks,
            "weeks",
        );
    }

    let matching = &programme.matching;
    if matching.methods.is_empty() {
        p.add(
            "matching.methods",
            "say how matches are made: give at least one method",
        );
    }
    if matching.weights.iter().all(|(_, weight)| weight.get() == 0) {
        p.add(
            "matching.weights",
            "give at least one matching criterion a weight above zero",
        );
    }

    let agreement = &programme.agreement;
    if agreement.required && agreement.signed_by.is_empty() {
        p.add(
            "agreement.signed_by",
            "the agreement is required, so say who signs it",
        );
    }
    if !agreement.required && agreement.drafted_by.is_some() {
        p.add(
            "agreement.drafted_by",
            "someone drafts the agreement, so set `required = true`",
        );
    }
    p.no_repeated_parties("agreement.signed_by", &agreement.signed_by);

    let meetings = &programme.meetings;
    if let (Some(min), Some(max)) = (meetings.min_minutes, meetings.max_minutes)
        && min > max
    {
        p.add(
            "meetings.min_minutes",
            format!("the shortest meeting ({min}) is longer than the longest ({max})"),
        );
    }
    if meetings.max_minutes.is_some_and(|max| max.get() == 0) {
        p.add("meetings.max_minutes", "a meeting cannot last zero minutes");
    }
    if let Some(frequency) = meetings.frequency {
        let unit = match frequency.unit {
            super::IntervalUnit::Weeks => "weeks",
            super::IntervalUnit::Months => "months",
        };
        check_gap_range(
            p,
            "meetings.frequency",
            frequency.every_min,
            frequency.every_max,
            unit,
        );
    }

    if let Some(interval) = programme.reviews.interval {
        check_month_range(p, "reviews.interval", interval, "review interval");
    }

    let records = &programme.records;
    if records.mode == RecordMode::MetadataOnly {
        if records.written_by.is_some() {
            p.add(
                "records.written_by",
                "records are metadata only, so nobody writes notes; remove this or change the mode",
            );
        }
        if !records.agreed_by.is_empty() {
            p.add(
                "records.agreed_by",
                "records are metadata only, so there are no notes to agree; remove this or change the mode",
            );
        }
        if !records.may_share_with.is_empty() {
            p.add(
                "records.may_share_with",
                "records are metadata only, so there are no notes to share; remove this or change the mode",
            );
        }
    }
    p.not_zero(
        "records.at_least_every_months",
        records.at_least_every_months,
        "the gap between records",
    );

    if let Some(payments) = &programme.payments {
        p.not_zero(
            "payments.timesheets_every_months",
            payments.timesheets_every_months,
            "the gap between timesheets",
        );
        if let Some(allowance) = &payments.allowance {
            if allowance.monthly_pence.get() == 0 {
                p.add(
                    "payments.allowance.monthly_pence",
                    "a monthly allowance of zero pays nothing; remove the allowance instead",
                );
            }
            p.not_zero(
                "payments.allowance.paid_every_months",
                Some(allowance.paid_every_months),
                "the payment period",
            );
            let period_payment = allowance.period_payment();
            let mut capped_tracks = HashSet::new();
            for (position, cap) in allowance.caps.iter().enumerate() {
                let key = format!("payments.allowance.caps[{position}]");
                if programme.track(cap.track.as_str()).is_none() {
                    p.add(
                        format!("{key}.track"),
                        format!("there is no track called {:?}", cap.track.as_str()),
                    );
                } else if !capped_tracks.insert(cap.track.as_str()) {
                    p.add(
                        format!("{key}.track"),
                        format!("track {:?} already has a cap", cap.track.as_str()),
                    );
                }
                if let Some(period_payment) = period_payment
                    && cap.max_pence < period_payment
                {
                    p.add(
                        format!("{key}.max_pence"),
                        format!(
                            "the cap of {} is less than one period's payment of {} ({} a month for {})",
                            cap.max_pence,
                            period_payment,
                            allowance.monthly_pence,
                            allowance.paid_every_months
                        ),
                    );
                }
            }
        }
    }

    let mut questionnaire_keys = HashSet::new();
    for (position, questionnaire) in programme.questionnaires.iter().enumerate() {
        let key = format!("questionnaires[{position}]");
        if !questionnaire_keys.insert(questionnaire.key.as_str()) {
            p.add(
                format!("{key}.key"),
                format!(
                    "another questionnaire already uses the key {:?}",
                    questionnaire.key.as_str()
                ),
            );
        }
        p.require_text(
            &format!("{key}.name"),
            &questionnaire.name,
            "a questionnaire's name",
        );
        if let Some(scale) = &questionnaire.scale {
            if scale.labels.len() < 2 {
                p.add(
                    format!("{key}.scale.labels"),
                    format!(
                        "a scale needs at least 2 points, not {}",
                        scale.labels.len()
                    ),
                );
            }
            p.no_blank_entries(&format!("{key}.scale.labels"), &scale.labels);
        }
        if questionnaire.sections.is_empty() {
            p.add(
                format!("{key}.sections"),
                "a questionnaire needs at least one section of questions",
            );
        }
        for (section_position, section) in questionnaire.sections.iter().enumerate() {
            let section_key = format!("{key}.sections[{section_position}]");
            p.require_text(
                &format!("{section_key}.title"),
                &section.title,
                "a section's title",
            );
            if section.questions.is_empty() {
                p.add(
                    format!("{section_key}.questions"),
                    "a section needs at least one question",
                );
            }
            p.no_blank_entries(&format!("{section_key}.questions"), &section.questions);
        }
        p.no_repeated_parties(&format!("{key}.signed_by"), &questionnaire.signed_by);
    }

    p.not_zero(
        "evaluation.within_months",
        programme.evaluation.within_months,
        "the evaluation period",
    );

    p.require_text(
        "publicity.text",
        &programme.publicity.text,
        "the publicity text",
    );
    p.require_text(
        "publicity.how_to_apply",
        &programme.publicity.how_to_apply,
        "how to apply",
    );

    let policy = &programme.policy;
    p.not_zero(
        "policy.review_every_months",
        policy.review_every_months,
        "the policy review interval",
    );
    for (position, revision) in policy.revisions.iter().enumerate() {
        let key = format!("policy.revisions[{position}]");
        p.require_text(&format!("{key}.change"), &revision.change, "what changed");
        p.require_text(&format!("{key}.author"), &revision.author, "the author");
        if position > 0 && policy.revisions[position - 1].date > revision.date {
            p.add(
                format!("{key}.date"),
                "list revisions oldest first: this one is earlier than the one before",
            );
        }
    }
    if let (Some(next), Some(latest)) = (
        policy.next_review,
        policy.revisions.iter().map(|revision| revision.date).max(),
    ) && next < latest
    {
        p.add(
            "policy.next_review",
            format!("the next review ({next}) is before the latest revision ({latest})"),
        );
    }

    problems.0
}

fn check_tracks(p: &mut Problems, tracks: &[Track]) {
    if tracks.is_empty() {
        p.add(
            "tracks",
            "a programme needs at least one track (add a [[tracks]] table)",
        );
    }
    let mut keys = HashSet::new();
    for (position, track) in tracks.iter().enumerate() {
        let key = format!("tracks[{position}]");
        if !keys.insert(track.key.as_str()) {
            p.add(
                format!("{key}.key"),
                format!(
                    "another track already uses the key {:?}",
                    track.key.as_str()
                ),
            );
        }
        p.require_text(&format!("{key}.name"), &track.name, "a track's name");
        if track.eligibility.is_empty() {
            p.add(
                format!("{key}.eligibility"),
                "a track needs at least one eligibility rule saying who it is for",
            );
        }
        p.no_blank_entries(&format!("{key}.eligibility"), &track.eligibility);
        if let Some(length) = &track.length {
            check_track_length(p, &format!("{key}.length"), length);
        }
        check_extension(p, &format!("{key}.extension"), &track.extension);
    }
}

fn check_track_length(p: &mut Problems, key: &str, length: &TrackLength) {
    let TrackLength {
        min_months,
        max_months,
        planned_months,
    } = *length;
    if min_months.is_none() && max_months.is_none() && planned_months.is_none() {
        p.add(
            key,
            "give min_months, max_months or planned_months, or leave the length out",
        );
    }
    p.not_zero(
        &format!("{key}.max_months"),
        max_months,
        "the longest length",
    );
    p.not_zero(
        &format!("{key}.planned_months"),
        planned_months,
        "the planned length",
    );
    if let (Some(min), Some(max)) = (min_months, max_months)
        && min > max
    {
        p.add(
            format!("{key}.min_months"),
            format!("the minimum ({min}) is longer than the maximum ({max})"),
        );
    }
    if let Some(planned) = planned_months {
        if let Some(min) = min_months
            && planned < min
        {
            p.add(
                format!("{key}.planned_months"),
                format!("the planned length ({planned}) is shorter than the minimum ({min})"),
            );
        }
        if let Some(max) = max_months
            && planned > max
        {
            p.add(
                format!("{key}.planned_months"),
                format!("the planned length ({planned}) is longer than the maximum ({max})"),
            );
        }
    }
}

fn check_extension(p: &mut Problems, key: &str, extension: &ExtensionRule) {
    if !extension.allowed {
        if extension.max_months.is_some() {
            p.add(
                format!("{key}.max_months"),
                "extensions are not allowed, so there is no longest extension; set `allowed = true` or remove this",
            );
        }
        if extension.reason_required {
            p.add(
                format!("{key}.reason_required"),
                "extensions are not allowed, so no reason is needed; set `allowed = true` or remove this",
            );
        }
    }
    p.not_zero(
        &format!("{key}.max_months"),
        extension.max_months,
        "the longest extension",
    );
}

fn check_month_range(p: &mut Problems, key: &str, range: MonthRange, what: &str) {
    if range.min_months.get() == 0 {
        p.add(
            format!("{key}.min_months"),
            format!("a {what} cannot be zero months"),
        );
    }
    if range.min_months > range.max_months {
        p.add(
            format!("{key}.min_months"),
            format!(
                "the shortest {what} ({}) is longer than the longest ({})",
                range.min_months, range.max_months
            ),
        );
    } else if range.max_months.get() == 0 {
        p.add(
            format!("{key}.max_months"),
            format!("a {what} cannot be zero months"),
        );
    }
}

fn check_gap_range(p: &mut Problems, key: &str, min: u16, max: u16, unit: &str) {
    if min == 0 {
        p.add(
            format!("{key}.every_min"),
            format!("the shortest gap cannot be zero {unit}"),
        );
    }
    if min > max {
        p.add(
            format!("{key}.every_min"),
            format!("the shortest gap ({min} {unit}) is longer than the longest ({max} {unit})"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_of_counts_from_one() {
        let source = "a = 1\nb = 2\n";
        assert_eq!(line_of(source, 0), 1);
        assert_eq!(line_of(source, 6), 2);
        assert_eq!(line_of(source, 1000), 3);
    }

    #[test]
    fn index_finds_keys_in_tables_arrays_and_inline_tables() {
        let source = "\
name = \"x\"
[[tracks]]
key = \"a\"
length = { min_months = 3 }
[[tracks]]
key = \"b\"
length.max_months = 4
eligibility = [
  \"one\",
  \"two\",
]
";
        let document = ImDocument::parse(source).expect("the sample is valid TOML");
        let index = SpanIndex::build(&document);
        let cases = [
            ("name", 1),
            ("tracks[0]", 2),
            ("tracks[0].length.min_months", 4),
            ("tracks[1].length.max_months", 7),
            ("tracks[1].eligibility[1]", 10),
            // Not written: falls back to the nearest ancestor.
            ("tracks[1].extension.allowed", 5),
            ("nowhere", 1),
        ];
        for (path, line) in cases {
            assert_eq!(index.line_of_key(source, path), line, "{path}");
        }
        let offset = source.find("\"two\"").expect("the sample contains \"two\"");
        assert_eq!(index.path_at(offset), Some("tracks[1].eligibility[1]"));
    }
}
