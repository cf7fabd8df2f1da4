//! The programme settings form (PRG-3, PRG-5, PRG-6): a programme's
//! most-used settings as someone types them, and reading them back into
//! the [`Programme`], with every problem named by the form field it is
//! about. The form's numbers and dates are text, as typed; an empty one
//! means "not set".

use super::{Minutes, MonthRange, Months, PolicyDate, Programme, RecordMode, Revision};

/// The names of the settings form's fields, as [`FormProblem::field`]
/// gives them. Most are the setting's own key in the programme's TOML.
pub mod fields {
    pub const NAME: &str = "name";
    pub const SUMMARY: &str = "summary";
    pub const OBJECTIVES: &str = "objectives";
    pub const PUBLICITY_TEXT: &str = "publicity.text";
    pub const HOW_TO_APPLY: &str = "publicity.how_to_apply";
    pub const CONTACT: &str = "publicity.contact";
    pub const PUBLIC: &str = "publicity.public";
    pub const MEETING_MIN: &str = "meetings.min_minutes";
    pub const MEETING_MAX: &str = "meetings.max_minutes";
    pub const REVIEW_MIN: &str = "reviews.interval.min_months";
    pub const REVIEW_MAX: &str = "reviews.interval.max_months";
    pub const RECORD_MODE: &str = "records.mode";
    pub const NEXT_REVIEW: &str = "policy.next_review";
    pub const REVISION_DATE: &str = "revision.date";
    pub const REVISION_CHANGE: &str = "revision.change";
    pub const REVISION_AUTHOR: &str = "revision.author";
}

/// One thing wrong with one field of the settings form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormProblem {
    /// One of [`fields`].
    pub field: String,
    pub message: String,
}

fn problem(field: &str, message: impl Into<String>) -> FormProblem {
    FormProblem {
        field: field.to_owned(),
        message: message.into(),
    }
}

/// The settings form (PRG-3, PRG-5, PRG-6), as typed: empty number and
/// date fields mean "not set". The revision fields add one row to the
/// policy's revision history when any of them is filled in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SettingsChange {
    pub name: String,
    pub summary: String,
    /// One objective per line.
    pub objectives: String,
    pub publicity_text: String,
    pub how_to_apply: String,
    pub contact: String,
    /// `public` when anyone may read the programme's page without signing
    /// in; `staff` (or empty) when only its staff may, signed in.
    pub public_page: String,
    pub meeting_min_minutes: String,
    pub meeting_max_minutes: String,
    pub review_min_months: String,
    pub review_max_months: String,
    /// `metadata_only` or `notes_agreed_by_both`.
    pub record_mode: String,
    pub next_review: String,
    pub revision_date: String,
    pub revision_change: String,
    pub revision_author: String,
}

impl SettingsChange {
    /// The form filled in with a programme's current settings.
    pub fn from_programme(programme: &Programme) -> SettingsChange {
        let number = |value: Option<u16>| value.map(|v| v.to_string()).unwrap_or_default();
        let interval = programme.reviews.interval;
        SettingsChange {
            name: programme.name.clone(),
            summary: programme.summary.clone(),
            objectives: programme.objectives.join("\n"),
            publicity_text: programme.publicity.text.clone(),
            how_to_apply: programme.publicity.how_to_apply.clone(),
            contact: programme.publicity.contact.clone(),
            public_page: if programme.publicity.public {
                "public"
            } else {
                "staff"
            }
            .to_owned(),
            meeting_min_minutes: number(programme.meetings.min_minutes.map(Minutes::get)),
            meeting_max_minutes: number(programme.meetings.max_minutes.map(Minutes::get)),
            review_min_months: number(interval.map(|i| i.min_months.get())),
            review_max_months: number(interval.map(|i| i.max_months.get())),
            record_mode: record_mode_name(programme.records.mode).to_owned(),
            next_review: programme
                .policy
                .next_review
                .map(|d| d.to_string())
                .unwrap_or_default(),
            revision_date: String::new(),
            revision_change: String::new(),
            revision_author: String::new(),
        }
    }
}

/// The stable name of a record-keeping mode, as TOML and forms write it.
pub fn record_mode_name(mode: RecordMode) -> &'static str {
    match mode {
        RecordMode::MetadataOnly => "metadata_only",
        RecordMode::NotesAgreedByBoth => "notes_agreed_by_both",
    }
}

/// Where a domain problem shows on the settings form.
fn form_field_for(key: &str, new_revision: Option<usize>) -> String {
    if let Some(position) = new_revision {
        let prefix = format!("policy.revisions[{position}].");
        if let Some(rest) = key.strip_prefix(&prefix) {
            return match rest {
                "date" => fields::REVISION_DATE,
                "change" => fields::REVISION_CHANGE,
                _ => fields::REVISION_AUTHOR,
            }
            .to_owned();
        }
    }
    if key.starts_with("objectives") {
        return fields::OBJECTIVES.to_owned();
    }
    if key.starts_with("records.") {
        return fields::RECORD_MODE.to_owned();
    }
    if key == "reviews.interval" {
        return fields::REVIEW_MIN.to_owned();
    }
    key.to_owned()
}

/// A whole number as typed, read by `parse`: `None` when the field is
/// empty, or when it does not read, which adds `unreadable()` to `errors`.
fn whole_number<T, E>(
    text: &str,
    parse: impl FnOnce(i64) -> Result<T, E>,
    errors: &mut Vec<FormProblem>,
    unreadable: impl FnOnce() -> FormProblem,
) -> Option<T> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    match text.parse::<i64>().ok().map(parse) {
        Some(Ok(value)) => Some(value),
        _ => {
            errors.push(unreadable());
            None
        }
    }
}

/// Applies the form to a programme: returns the position of the revision
/// added, if any, or every problem with the form, each on its field. The
/// programme's own rules ([`Programme::problems`]) are checked too, and
/// each of their problems is shown on the field it is about.
pub fn apply_settings(
    programme: &mut Programme,
    change: &SettingsChange,
) -> Result<Option<usize>, Vec<FormProblem>> {
    let mut errors = Vec::new();
    programme.name = change.name.trim().to_owned();
    programme.summary = change.summary.trim().to_owned();
    programme.objectives = change
        .objectives
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect();
    programme.publicity.text = change.publicity_text.trim().to_owned();
    programme.publicity.how_to_apply = change.how_to_apply.trim().to_owned();
    programme.publicity.contact = change.contact.trim().to_owned();
    match change.public_page.trim() {
        "public" => programme.publicity.public = true,
        "staff" | "" => programme.publicity.public = false,
        _ => errors.push(problem(
            fields::PUBLIC,
            "Choose who can read the programme's page",
        )),
    }

    let minutes = |field: &str, text: &str, what: &str, errors: &mut Vec<FormProblem>| {
        whole_number(text, Minutes::parse, errors, || {
            problem(
                field,
                format!(
                    "Enter {what} as a whole number of minutes from {} to {}, like 60",
                    Minutes::MIN,
                    Minutes::MAX
                ),
            )
        })
    };
    let months = |field: &str, text: &str, what: &str, errors: &mut Vec<FormProblem>| {
        whole_number(text, Months::parse, errors, || {
            problem(
                field,
                format!(
                    "Enter {what} as a whole number of months from {} to {}, like 3",
                    Months::MIN,
                    Months::MAX
                ),
            )
        })
    };

    let min_ok = change.meeting_min_minutes.trim().is_empty();
    let max_ok = change.meeting_max_minutes.trim().is_empty();
    let min = minutes(
        fields::MEETING_MIN,
        &change.meeting_min_minutes,
        "the shortest meeting",
        &mut errors,
    );
    let max = minutes(
        fields::MEETING_MAX,
        &change.meeting_max_minutes,
        "the longest meeting",
        &mut errors,
    );
    if min.is_some() || min_ok {
        programme.meetings.min_minutes = min;
    }
    if max.is_some() || max_ok {
        programme.meetings.max_minutes = max;
    }

    let review_min_text = change.review_min_months.trim();
    let review_max_text = change.review_max_months.trim();
    let review_min = months(
        fields::REVIEW_MIN,
        review_min_text,
        "the shortest gap between reviews",
        &mut errors,
    );
    let review_max = months(
        fields::REVIEW_MAX,
        review_max_text,
        "the longest gap between reviews",
        &mut errors,
    );
    match (review_min_text.is_empty(), review_max_text.is_empty()) {
        (true, true) => programme.reviews.interval = None,
        (false, true) => errors.push(problem(
            fields::REVIEW_MAX,
            "Enter the longest gap between reviews too, or leave both gaps empty",
        )),
        (true, false) => errors.push(problem(
            fields::REVIEW_MIN,
            "Enter the shortest gap between reviews too, or leave both gaps empty",
        )),
        (false, false) => {
            if let (Some(min_months), Some(max_months)) = (review_min, review_max) {
                programme.reviews.interval = Some(MonthRange {
                    min_months,
                    max_months,
                });
            }
        }
    }

    match change.record_mode.trim() {
        "metadata_only" => {
            programme.records.mode = RecordMode::MetadataOnly;
            // Metadata only means there are no notes: nobody writes,
            // agrees or shares them.
            programme.records.written_by = None;
            programme.records.agreed_by.clear();
            programme.records.may_share_with.clear();
        }
        "notes_agreed_by_both" => programme.records.mode = RecordMode::NotesAgreedByBoth,
        _ => errors.push(problem(
            fields::RECORD_MODE,
            "Choose what is recorded about meetings",
        )),
    }

    let next_review = change.next_review.trim();
    if next_review.is_empty() {
        programme.policy.next_review = None;
    } else {
        match PolicyDate::parse(next_review) {
            Ok(date) => programme.policy.next_review = Some(date),
            Err(_) => errors.push(problem(
                fields::NEXT_REVIEW,
                "Enter the next review date as a month, like 2027-04, or a day, like 2027-04-30",
            )),
        }
    }

    let revision_date = change.revision_date.trim();
    let revision_change = change.revision_change.trim();
    let revision_author = change.revision_author.trim();
    let mut new_revision = None;
    if !(revision_date.is_empty() && revision_change.is_empty() && revision_author.is_empty()) {
        let date = match PolicyDate::parse(revision_date) {
            Ok(date) => Some(date),
            Err(_) => {
                errors.push(problem(
                    fields::REVISION_DATE,
                    if revision_date.is_empty() {
                        "Enter the date of the revision, like 2026-04-30"
                    } else {
                        "Enter the date of the revision as a day, like 2026-04-30, or a month, like 2026-04"
                    },
                ));
                None
            }
        };
        if revision_change.is_empty() {
            errors.push(problem(
                fields::REVISION_CHANGE,
                "Say what changed in the policy",
            ));
        }
        if revision_author.is_empty() {
            errors.push(problem(
                fields::REVISION_AUTHOR,
                "Enter who made the revision",
            ));
        }
        if let (Some(date), false, false) =
            (date, revision_change.is_empty(), revision_author.is_empty())
        {
            new_revision = Some(programme.policy.revisions.len());
            programme.policy.revisions.push(Revision {
                date,
                change: revision_change.to_owned(),
                author: revision_author.to_owned(),
                next_review: None,
            });
        }
    }

    for problem in programme.problems() {
        let field = form_field_for(&problem.key, new_revision);
        // A field already reported as unreadable is not reported twice.
        if !errors.iter().any(|e| e.field == field) {
            errors.push(FormProblem {
                field,
                message: problem.message,
            });
        }
    }
    if errors.is_empty() {
        Ok(new_revision)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::programme::{SHIPPED_TEMPLATES, shipped_template};

    #[test]
    fn the_settings_form_round_trips_a_shipped_template() {
        for (key, source) in SHIPPED_TEMPLATES {
            let original = Programme::from_toml_str(source).expect("a shipped template reads");
            let mut programme = original.clone();
            let change = SettingsChange::from_programme(&programme);
            assert_eq!(
                apply_settings(&mut programme, &change).expect("unchanged is valid"),
                None,
                "{key}"
            );
            assert_eq!(
                programme, original,
                "{key}: saving the form unchanged changes nothing"
            );
        }
    }

    #[test]
    fn a_longer_shortest_meeting_is_reported_on_its_field() {
        let mut programme =
            Programme::from_toml_str(shipped_template("cwt").expect("cwt ships")).expect("reads");
        let mut change = SettingsChange::from_programme(&programme);
        change.meeting_min_minutes = "120".into();
        change.meeting_max_minutes = "60".into();
        let Err(errors) = apply_settings(&mut programme, &change) else {
            panic!("min above max is refused");
        };
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].field, fields::MEETING_MIN);
    }

    #[test]
    fn a_revision_needs_all_three_parts_and_lands_on_its_fields() {
        let mut programme =
            Programme::from_toml_str(shipped_template("fun").expect("fun ships")).expect("reads");
        let mut change = SettingsChange::from_programme(&programme);
        change.revision_change = "Annual review".into();
        let Err(errors) = apply_settings(&mut programme.clone(), &change) else {
            panic!("a revision without date or author is refused");
        };
        let named: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(named, [fields::REVISION_DATE, fields::REVISION_AUTHOR]);
        // Older than the latest revision: the domain's ordering rule.
        change.revision_date = "2015-01".into();
        change.revision_author = "A. Coordinator".into();
        let Err(errors) = apply_settings(&mut programme.clone(), &change) else {
            panic!("an out-of-order revision is refused");
        };
        assert_eq!(errors[0].field, fields::REVISION_DATE, "{errors:?}");
        change.revision_date = "2026-04-30".into();
        change.next_review = "2027-04".into();
        assert_eq!(
            apply_settings(&mut programme, &change).expect("valid"),
            Some(2)
        );
        assert_eq!(programme.policy.revisions.len(), 3);
    }

    fn programme(key: &str) -> Programme {
        Programme::from_toml_str(shipped_template(key).expect("ships")).expect("reads")
    }

    #[test]
    fn an_unreadable_number_is_reported_once_on_its_field() {
        let mut programme = programme("cwt");
        let mut change = SettingsChange::from_programme(&programme);
        change.meeting_min_minutes = "an hour".into();
        let Err(errors) = apply_settings(&mut programme, &change) else {
            panic!("words are not minutes");
        };
        assert_eq!(
            errors,
            [problem(
                fields::MEETING_MIN,
                format!(
                    "Enter the shortest meeting as a whole number of minutes from {} to {}, like 60",
                    Minutes::MIN,
                    Minutes::MAX
                )
            )]
        );
    }

    #[test]
    fn one_review_gap_without_the_other_is_refused_on_the_missing_one() {
        let mut programme = programme("fun");
        let mut change = SettingsChange::from_programme(&programme);
        change.review_min_months = "3".into();
        change.review_max_months = " ".into();
        let Err(errors) = apply_settings(&mut programme.clone(), &change) else {
            panic!("a shortest gap without a longest is refused");
        };
        let named: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(named, [fields::REVIEW_MAX]);
        change.review_min_months = String::new();
        assert_eq!(apply_settings(&mut programme, &change), Ok(None));
        assert_eq!(programme.reviews.interval, None, "both empty: no interval");
    }

    #[test]
    fn metadata_only_means_nobody_writes_agrees_or_shares_notes() {
        let mut programme = programme("afc");
        assert_eq!(
            record_mode_name(programme.records.mode),
            "notes_agreed_by_both"
        );
        let mut change = SettingsChange::from_programme(&programme);
        change.record_mode = "metadata_only".into();
        assert_eq!(apply_settings(&mut programme, &change), Ok(None));
        assert_eq!(programme.records.mode, RecordMode::MetadataOnly);
        assert_eq!(programme.records.written_by, None);
        assert!(programme.records.agreed_by.is_empty());
        assert!(programme.records.may_share_with.is_empty());
        change.record_mode = "minutes".into();
        let Err(errors) = apply_settings(&mut programme, &change) else {
            panic!("an unknown mode is refused");
        };
        assert_eq!(errors[0].field, fields::RECORD_MODE);
    }
}
