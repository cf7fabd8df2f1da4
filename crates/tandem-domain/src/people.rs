//! People (PPL-1, PPL-2) and the rules for importing them from an HR
//! export (PPL-3).
//!
//! The import is checked here as a whole before anything is written: every
//! row's fields, duplicate employee ids, unknown line managers, and cycles
//! in the management chain. Callers report every error at once.

use std::collections::{HashMap, HashSet};
use std::fmt;

use serde::{Deserialize, Serialize};
use time::Date;
use time::macros::format_description;

/// How a person works for the organisation (PPL-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EmploymentType {
    Employee,
    SelfEmployedContractor,
    FosterCarerHousehold,
}

impl EmploymentType {
    pub fn as_str(self) -> &'static str {
        match self {
            EmploymentType::Employee => "employee",
            EmploymentType::SelfEmployedContractor => "self_employed_contractor",
            EmploymentType::FosterCarerHousehold => "foster_carer_household",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            EmploymentType::Employee => "Employee",
            EmploymentType::SelfEmployedContractor => "Self-employed contractor",
            EmploymentType::FosterCarerHousehold => "Foster carer household",
        }
    }

    /// Reads the stored name or one of the short forms HR exports use.
    pub fn parse(text: &str) -> Option<Self> {
        match text
            .trim()
            .to_ascii_lowercase()
            .replace([' ', '-'], "_")
            .as_str()
        {
            "" | "employee" | "staff" => Some(EmploymentType::Employee),
            "self_employed_contractor" | "contractor" | "self_employed" => {
                Some(EmploymentType::SelfEmployedContractor)
            }
            "foster_carer_household" | "foster_carer" | "carer" => {
                Some(EmploymentType::FosterCarerHousehold)
            }
            _ => None,
        }
    }
}

/// What a fostering service records about a carer household (PPL-2).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FosteringDetails {
    pub approval_type: Option<String>,
    pub carer_level: Option<u8>,
    pub approval_date: Option<Date>,
    pub household: Option<String>,
    pub special_interests: Option<String>,
}

impl FosteringDetails {
    pub fn is_empty(&self) -> bool {
        self == &FosteringDetails::default()
    }
}

/// One person as an HR export describes them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonRecord {
    pub employee_id: String,
    pub given_name: String,
    pub family_name: String,
    pub email: String,
    pub region: Option<String>,
    pub team: Option<String>,
    pub line_manager_employee_id: Option<String>,
    pub job_title: String,
    pub grade: String,
    pub start_date: Option<Date>,
    pub employment_type: EmploymentType,
    pub fostering: FosteringDetails,
}

/// A column of the people CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    pub required: bool,
    pub description: &'static str,
}

/// The columns of a people import, in the order the README documents them.
pub const PEOPLE_COLUMNS: [Column; 17] = [
    Column {
        name: "employee_id",
        required: true,
        description: "The HR system's id; re-importing updates the person with this id.",
    },
    Column {
        name: "given_name",
        required: true,
        description: "First name.",
    },
    Column {
        name: "family_name",
        required: true,
        description: "Last name.",
    },
    Column {
        name: "email",
        required: true,
        description: "Work email address.",
    },
    Column {
        name: "organisation",
        required: false,
        description: "If present, must be the organisation named on the command line or page.",
    },
    Column {
        name: "region",
        required: false,
        description: "Region name; created if new.",
    },
    Column {
        name: "team",
        required: false,
        description: "Team name; created if new.",
    },
    Column {
        name: "line_manager_employee_id",
        required: false,
        description: "The employee id of the person's line manager, in this file or already imported.",
    },
    Column {
        name: "job_title",
        required: false,
        description: "Role or job title.",
    },
    Column {
        name: "grade",
        required: false,
        description: "Grade or band, e.g. Band 7.",
    },
    Column {
        name: "start_date",
        required: false,
        description: "YYYY-MM-DD or DD/MM/YYYY.",
    },
    Column {
        name: "employment_type",
        required: false,
        description: "employee (default), self_employed_contractor or foster_carer_household.",
    },
    Column {
        name: "approval_type",
        required: false,
        description: "Foster carers only: type of approval.",
    },
    Column {
        name: "carer_level",
        required: false,
        description: "Foster carers only: carer level, 1 to 3.",
    },
    Column {
        name: "approval_date",
        required: false,
        description: "Foster carers only: date of approval.",
    },
    Column {
        name: "household",
        required: false,
        description: "Foster carers only: household details.",
    },
    Column {
        name: "special_interests",
        required: false,
        description: "Foster carers only: special interests such as disability or SEN.",
    },
];

/// One thing wrong with an import, located by line and column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportError {
    /// The 1-based line of the file (the header is line 1).
    pub line: u64,
    pub column: String,
    pub message: String,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

fn error(line: u64, column: &str, message: impl Into<String>) -> ImportError {
    ImportError {
        line,
        column: column.to_owned(),
        message: message.into(),
    }
}

/// Where each known column sits in the file's header: for each entry of
/// [`PEOPLE_COLUMNS`], its position, if the file has it.
#[derive(Debug, Clone)]
pub struct PeopleColumns {
    positions: [Option<usize>; PEOPLE_COLUMNS.len()],
    width: usize,
}

fn column_index(name: &str) -> Option<usize> {
    PEOPLE_COLUMNS.iter().position(|c| c.name == name)
}

/// Longest text accepted in any one field, so a stray file cannot fill the
/// database with one cell.
const MAX_FIELD_CHARS: usize = 500;

impl PeopleColumns {
    /// Reads the header line: unknown, repeated and missing required
    /// columns are all errors on line 1.
    pub fn from_header(header: &[&str]) -> Result<Self, Vec<ImportError>> {
        let mut errors = Vec::new();
        let mut positions = [None; PEOPLE_COLUMNS.len()];
        for (index, raw) in header.iter().enumerate() {
            let name = raw
                .trim()
                .trim_start_matches('\u{feff}')
                .to_ascii_lowercase();
            match column_index(&name) {
                Some(column) => {
                    if positions[column].replace(index).is_some() {
                        errors.push(error(
                            1,
                            PEOPLE_COLUMNS[column].name,
                            "this column appears twice",
                        ));
                    }
                }
                None => errors.push(error(
                    1,
                    &format!("{}", index + 1),
                    format!(
                        "\"{}\" is not a known column (see the README for the list)",
                        raw.trim()
                    ),
                )),
            }
        }
        for (column, position) in PEOPLE_COLUMNS.iter().zip(&positions) {
            if column.required && position.is_none() {
                errors.push(error(1, column.name, "this required column is missing"));
            }
        }
        if errors.is_empty() {
            Ok(PeopleColumns {
                positions,
                width: header.len(),
            })
        } else {
            Err(errors)
        }
    }

    fn get<'a>(&self, fields: &[&'a str], name: &str) -> &'a str {
        column_index(name)
            .and_then(|column| self.positions[column])
            .and_then(|i| fields.get(i))
            .map_or("", |s| s.trim())
    }

    /// Reads one data row. `organisation_name` is the organisation the
    /// import is for; a row naming another is an error.
    pub fn parse_row(
        &self,
        line: u64,
        fields: &[&str],
        organisation_name: &str,
    ) -> Result<PersonRecord, Vec<ImportError>> {
        let mut errors = Vec::new();
        if fields.len() != self.width {
            errors.push(error(
                line,
                "*",
                format!("expected {} fields, found {}", self.width, fields.len()),
            ));
            return Err(errors);
        }
        for (column, position) in PEOPLE_COLUMNS.iter().zip(&self.positions) {
            let Some(value) = position.and_then(|i| fields.get(i)) else {
                continue;
            };
            // Bytes bound characters from above, so most fields skip the count.
            if value.len() > MAX_FIELD_CHARS && value.trim().chars().count() > MAX_FIELD_CHARS {
                errors.push(error(
                    line,
                    column.name,
                    format!("longer than {MAX_FIELD_CHARS} characters"),
                ));
            }
            if let Some(problem) = crate::text::text_problem(value) {
                errors.push(error(line, column.name, problem.to_owned()));
            }
        }
        let required = |errors: &mut Vec<ImportError>, name: &str| -> String {
            let value = self.get(fields, name);
            if value.is_empty() {
                errors.push(error(line, name, "must not be empty"));
            }
            value.to_owned()
        };
        let optional = |name: &str| -> Option<String> {
            Some(self.get(fields, name).to_owned()).filter(|s| !s.is_empty())
        };
        let employee_id = required(&mut errors, "employee_id");
        let given_name = required(&mut errors, "given_name");
        let family_name = required(&mut errors, "family_name");
        let email = required(&mut errors, "email");
        if !email.is_empty() && !is_plausible_email(&email) {
            errors.push(error(
                line,
                "email",
                format!("\"{email}\" is not an email address"),
            ));
        }
        if let Some(org) = optional("organisation")
            && !org.eq_ignore_ascii_case(organisation_name.trim())
        {
            errors.push(error(
                line,
                "organisation",
                format!(
                    "\"{org}\" is not the organisation being imported (\"{organisation_name}\")"
                ),
            ));
        }
        let line_manager_employee_id = optional("line_manager_employee_id");
        if line_manager_employee_id.as_deref() == Some(employee_id.as_str())
            && !employee_id.is_empty()
        {
            errors.push(error(
                line,
                "line_manager_employee_id",
                "a person cannot be their own line manager",
            ));
        }
        let mut date = |name: &str| -> Option<Date> {
            let text = optional(name)?;
            match parse_date(&text) {
                Some(d) => Some(d),
                None => {
                    errors.push(error(
                        line,
                        name,
                        format!("\"{text}\" is not a date (use YYYY-MM-DD or DD/MM/YYYY)"),
                    ));
                    None
                }
            }
        };
        let start_date = date("start_date");
        let approval_date = date("approval_date");
        let employment_text = self.get(fields, "employment_type");
        let employment_type = match EmploymentType::parse(employment_text) {
            Some(t) => t,
            None => {
                errors.push(error(
                    line,
                    "employment_type",
                    format!("\"{employment_text}\" is not one of employee, self_employed_contractor, foster_carer_household"),
                ));
                EmploymentType::Employee
            }
        };
        let carer_level = match optional("carer_level") {
            None => None,
            Some(text) => match text.parse::<u8>() {
                Ok(level @ 1..=3) => Some(level),
                _ => {
                    errors.push(error(
                        line,
                        "carer_level",
                        format!("\"{text}\" is not a carer level from 1 to 3"),
                    ));
                    None
                }
            },
        };
        let fostering = FosteringDetails {
            approval_type: optional("approval_type"),
            carer_level,
            approval_date,
            household: optional("household"),
            special_interests: optional("special_interests"),
        };
        if employment_type != EmploymentType::FosterCarerHousehold {
            for name in [
                "approval_type",
                "carer_level",
                "approval_date",
                "household",
                "special_interests",
            ] {
                if !self.get(fields, name).is_empty() {
                    errors.push(error(
                        line,
                        name,
                        "only foster carer households have this (set employment_type to foster_carer_household)",
                    ));
                }
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(PersonRecord {
            employee_id,
            given_name,
            family_name,
            email,
            region: optional("region"),
            team: optional("team"),
            line_manager_employee_id,
            job_title: self.get(fields, "job_title").to_owned(),
            grade: self.get(fields, "grade").to_owned(),
            start_date,
            employment_type,
            fostering,
        })
    }
}

/// Accepts YYYY-MM-DD and the DD/MM/YYYY that UK HR systems export.
pub fn parse_date(text: &str) -> Option<Date> {
    let iso = format_description!("[year]-[month]-[day]");
    let uk = format_description!("[day]/[month]/[year]");
    Date::parse(text, iso)
        .or_else(|_| Date::parse(text, uk))
        .ok()
}

/// A deliberately loose check: one `@`, something either side, a dot in
/// the domain, no spaces. Delivery is the real test of an address.
pub fn is_plausible_email(text: &str) -> bool {
    match text.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && !text.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

/// Checks the rows of one import against each other and against the people
/// already in the organisation: repeated employee ids, line managers that
/// exist nowhere, and cycles in the management chain.
///
/// `existing` maps each already-imported employee id to their line
/// manager's employee id; rows in the file replace those entries.
///
/// The tables use the standard library's hasher. A hand-written
/// multiplicative hash used here before left the low bits of the hash —
/// the ones a table picks its bucket by — depending on the first two or
/// three characters of an id only, so ids such as `E1234` all landed in a
/// few thousand buckets and every lookup compared against a growing crowd:
/// the import took 8 s for 200,000 rows against 1.6 s for 100,000 (issue 9
/// item 6).
pub fn check_import(
    rows: &[(u64, PersonRecord)],
    existing: &HashMap<String, Option<String>>,
) -> Vec<ImportError> {
    let mut errors = Vec::new();
    let mut first_line: HashMap<&str, u64> = HashMap::with_capacity(rows.len());
    for (line, record) in rows {
        if let Some(first) = first_line.insert(&record.employee_id, *line) {
            errors.push(error(
                *line,
                "employee_id",
                format!("\"{}\" already appears on line {first}", record.employee_id),
            ));
            first_line.insert(&record.employee_id, first);
        }
    }
    let mut manager_of: HashMap<&str, Option<&str>> = existing
        .iter()
        .map(|(id, manager)| (id.as_str(), manager.as_deref()))
        .collect();
    for (_, record) in rows {
        manager_of.insert(
            &record.employee_id,
            record.line_manager_employee_id.as_deref(),
        );
    }
    for (line, record) in rows {
        if let Some(manager) = &record.line_manager_employee_id
            && !manager_of.contains_key(manager.as_str())
        {
            errors.push(error(
                *line,
                "line_manager_employee_id",
                format!(
                    "no person with employee id \"{manager}\" in this file or already imported"
                ),
            ));
        }
    }
    // Walk each chain once; a chain that returns to a person already on the
    // current walk is a cycle, reported on the line of its first member.
    let mut settled: HashSet<&str> = HashSet::new();
    let mut path: Vec<&str> = Vec::new();
    let mut on_path: HashSet<&str> = HashSet::new();
    for (line, record) in rows {
        path.clear();
        on_path.clear();
        let mut current = Some(record.employee_id.as_str());
        while let Some(id) = current {
            if settled.contains(id) {
                break;
            }
            if !on_path.insert(id) {
                let start = path.iter().position(|p| *p == id).unwrap_or(0);
                let mut cycle: Vec<&str> = path[start..].to_vec();
                cycle.push(id);
                let line_of_first = first_line.get(cycle[0]).copied().unwrap_or(*line);
                errors.push(error(
                    line_of_first,
                    "line_manager_employee_id",
                    format!(
                        "the management chain goes round in a circle: {}",
                        cycle.join(" → ")
                    ),
                ));
                break;
            }
            path.push(id);
            current = manager_of.get(id).copied().flatten();
        }
        settled.extend(path.iter().copied());
    }
    errors.sort_by_key(|e| e.line);
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: [&str; 5] = [
        "employee_id",
        "given_name",
        "family_name",
        "email",
        "line_manager_employee_id",
    ];

    fn columns() -> PeopleColumns {
        PeopleColumns::from_header(&HEADER).expect("header is valid")
    }

    fn row(id: &str, manager: &str) -> PersonRecord {
        columns()
            .parse_row(2, &[id, "Ann", "Lee", "ann@example.org", manager], "Org")
            .expect("row is valid")
    }

    #[test]
    fn header_errors_name_the_column() {
        let errors = PeopleColumns::from_header(&["employee_id", "nickname", "email", "email"])
            .expect_err("bad header");
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert!(text.contains(&"line 1, column 2: \"nickname\" is not a known column (see the README for the list)".to_owned()));
        assert!(text.contains(&"line 1, column email: this column appears twice".to_owned()));
        assert!(
            text.contains(&"line 1, column given_name: this required column is missing".to_owned())
        );
    }

    #[test]
    fn a_nul_character_in_any_field_is_refused_by_line_and_column() {
        let errors = columns()
            .parse_row(3, &["E1", "A\0nn", "Lee", "ann@example.org", ""], "Org")
            .expect_err("NUL refused");
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert!(
            text.contains(
                &"line 3, column given_name: must not contain a NUL character".to_owned()
            ),
            "{text:?}"
        );
    }

    #[test]
    fn row_errors_name_line_and_column() {
        let errors = columns()
            .parse_row(7, &["E1", "", "Lee", "not-an-email", "E1"], "Org")
            .expect_err("bad row");
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            text,
            vec![
                "line 7, column given_name: must not be empty",
                "line 7, column email: \"not-an-email\" is not an email address",
                "line 7, column line_manager_employee_id: a person cannot be their own line manager",
            ]
        );
    }

    #[test]
    fn fostering_fields_belong_to_carers() {
        let cols = PeopleColumns::from_header(&[
            "employee_id",
            "given_name",
            "family_name",
            "email",
            "employment_type",
            "carer_level",
        ])
        .expect("header");
        assert!(
            cols.parse_row(
                2,
                &["C1", "Jo", "Ray", "jo@example.org", "foster_carer", "2"],
                "O"
            )
            .is_ok()
        );
        let errors = cols
            .parse_row(
                3,
                &["C2", "Jo", "Ray", "jo@example.org", "employee", "2"],
                "O",
            )
            .expect_err("not a carer");
        assert_eq!(errors[0].column, "carer_level");
        let errors = cols
            .parse_row(
                4,
                &["C3", "Jo", "Ray", "jo@example.org", "foster_carer", "7"],
                "O",
            )
            .expect_err("bad level");
        assert_eq!(
            errors[0].to_string(),
            "line 4, column carer_level: \"7\" is not a carer level from 1 to 3"
        );
    }

    #[test]
    fn dates_accept_iso_and_uk_forms() {
        assert_eq!(parse_date("2024-03-01"), parse_date("01/03/2024"));
        assert!(parse_date("2024-03-01").is_some());
        assert!(parse_date("31/02/2024").is_none());
        assert!(parse_date("March 2024").is_none());
    }

    #[test]
    fn cycles_and_unknown_managers_are_errors() {
        let rows = vec![
            (2, row("A", "B")),
            (3, row("B", "C")),
            (4, row("C", "A")),
            (5, row("D", "Z")),
        ];
        let errors: Vec<String> = check_import(&rows, &HashMap::new())
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            errors,
            vec![
                "line 2, column line_manager_employee_id: the management chain goes round in a circle: A → B → C → A",
                "line 5, column line_manager_employee_id: no person with employee id \"Z\" in this file or already imported",
            ]
        );
    }

    #[test]
    fn cycles_through_existing_people_are_found() {
        // X already reports to A; the file makes A report to X.
        let existing = HashMap::from([
            ("X".to_owned(), Some("A".to_owned())),
            ("A".to_owned(), None),
        ]);
        let rows = vec![(2, row("A", "X"))];
        let errors = check_import(&rows, &existing);
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0].message.contains("A → X → A"),
            "{}",
            errors[0].message
        );
        // A chain into existing people with no cycle is fine.
        let rows = vec![(2, row("B", "X"))];
        assert!(check_import(&rows, &existing).is_empty());
    }

    #[test]
    fn repeated_employee_ids_are_errors() {
        let rows = vec![(2, row("A", "")), (3, row("A", ""))];
        let errors = check_import(&rows, &HashMap::new());
        assert_eq!(
            errors[0].to_string(),
            "line 3, column employee_id: \"A\" already appears on line 2"
        );
    }
}
