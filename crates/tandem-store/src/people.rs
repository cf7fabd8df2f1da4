//! People: the all-or-nothing import, listings filtered to what the caller
//! may see, and the management chain.

use std::collections::HashMap;
use tandem_domain::ids::{OrganisationId, PersonId};

use sqlx::Row;
use tandem_domain::people::{EmploymentType, PersonRecord};
use tandem_domain::permissions::{PeopleImportAuthority, PeopleScope, PersonFacts};

use crate::imports::{ImportSummary, STAGE_CHUNK_ROWS};
use crate::{Backend, People, Result};

/// Ids per statement when reading several people at once.
const IMPORT_BATCH_ROWS: usize = 500;

/// Deep enough for any real organisation; stops a walk should bad data ever
/// contain a loop.
const MAX_CHAIN_DEPTH: i64 = 64;

/// A person as listings show them.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct PersonSummary {
    #[sqlx(try_from = "i64")]
    pub id: PersonId,
    pub employee_id: String,
    pub given_name: String,
    pub family_name: String,
    pub email: String,
    pub job_title: String,
    pub organisation: String,
    pub region: Option<String>,
    pub team: Option<String>,
}

/// Everything stored about a person.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PersonDetail {
    #[sqlx(try_from = "i64")]
    pub id: PersonId,
    #[sqlx(try_from = "i64")]
    pub organisation_id: OrganisationId,
    pub organisation: String,
    pub employee_id: String,
    pub given_name: String,
    pub family_name: String,
    pub email: String,
    pub region: Option<String>,
    pub team: Option<String>,
    pub line_manager_employee_id: Option<String>,
    #[sqlx(try_from = "crate::decode::OptionalKey")]
    pub line_manager_id: Option<PersonId>,
    pub line_manager_name: Option<String>,
    pub job_title: String,
    pub grade: String,
    pub start_date: Option<String>,
    pub employment_type: String,
    pub approval_type: Option<String>,
    pub carer_level: Option<i64>,
    pub approval_date: Option<String>,
    pub household: Option<String>,
    pub special_interests: Option<String>,
}

impl PersonDetail {
    pub fn employment_type(&self) -> Option<EmploymentType> {
        EmploymentType::parse(&self.employment_type)
    }
}

pub(crate) const SUMMARY_COLUMNS: &str = "p.id, p.employee_id, p.given_name, p.family_name, p.email, p.job_title, \
     o.name AS organisation, r.name AS region, t.name AS team";

pub(crate) const SUMMARY_JOINS: &str = "FROM people p JOIN organisations o ON o.id = p.organisation_id \
     LEFT JOIN regions r ON r.id = p.region_id LEFT JOIN teams t ON t.id = p.team_id";

impl People<'_> {
    /// Each employee id already in the organisation, with their line
    /// manager's employee id: what the import checks its file against.
    pub async fn management_map(
        &self,
        organisation_id: OrganisationId,
    ) -> Result<HashMap<String, Option<String>>> {
        let rows = sqlx::query(
            "SELECT employee_id, line_manager_employee_id FROM people WHERE organisation_id = $1",
        )
        .bind(organisation_id.get())
        .fetch_all(&self.store.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok((
                    row.try_get("employee_id")?,
                    row.try_get("line_manager_employee_id")?,
                ))
            })
            .collect()
    }

    /// Writes checked rows: staged a chunk at a time, then applied in
    /// one transaction (see [`crate::Imports`]). New people are added,
    /// people whose employee id is already known are updated; either every
    /// row becomes visible or none does. `progress` hears the rows staged
    /// so far.
    pub async fn import(
        &self,
        authority: &PeopleImportAuthority,
        rows: &[PersonRecord],
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<ImportSummary> {
        let imports = self.store.imports();
        let id = imports
            .create(authority, rows.len() as u64, None, None)
            .await?;
        let numbered: Vec<(u64, PersonRecord)> = (2..).zip(rows.iter().cloned()).collect();
        let mut staged = 0u64;
        for chunk in numbered.chunks(STAGE_CHUNK_ROWS) {
            imports.stage(id, staged, chunk, None).await?;
            staged += chunk.len() as u64;
            progress(staged);
        }
        imports.apply(id, None).await
    }

    pub async fn count(&self, organisation_id: Option<OrganisationId>) -> Result<i64> {
        let count = match organisation_id {
            Some(id) => {
                sqlx::query_scalar("SELECT COUNT(*) FROM people WHERE organisation_id = $1")
                    .bind(id.get())
                    .fetch_one(&self.store.pool)
                    .await?
            }
            None => {
                sqlx::query_scalar("SELECT COUNT(*) FROM people")
                    .fetch_one(&self.store.pool)
                    .await?
            }
        };
        Ok(count)
    }

    /// One page of the people a scope allows, matching a search, sorted by
    /// family name; with the total number of matches.
    pub async fn list(
        &self,
        scope: &PeopleScope,
        search: &str,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<PersonSummary>, i64)> {
        if scope.is_empty() {
            return Ok((Vec::new(), 0));
        }
        let mut binds = Binds::default();
        let mut allowed: Vec<String> = Vec::new();
        let mut with = String::new();
        let search = search.trim();
        // On SQLite the trigram index (migration 17) first narrows the test
        // to the people whose words hold the search's chosen trigrams:
        // never fewer than the test finds, so its answer is the same.
        // Under three letters there is no trigram to look for.
        let trigrams = match self.store.backend {
            Backend::Sqlite if !search.is_empty() => trigram_query(&search.to_lowercase()),
            _ => None,
        };
        if scope.everyone {
            allowed.push("1 = 1".to_owned());
        }
        if !scope.organisations.is_empty() {
            let list: Vec<String> = scope
                .organisations
                .iter()
                .map(|&id| binds.int(id.get()))
                .collect();
            // With the trigram index, the few it finds are read by key and
            // their organisation checked, rather than every person of the
            // organisation read by its index (`+` keeps SQLite off it).
            let column = if trigrams.is_some() {
                "+p.organisation_id"
            } else {
                "p.organisation_id"
            };
            allowed.push(format!("{column} IN ({})", list.join(", ")));
        }
        if let Some(manager) = scope.reports_of {
            with = format!("WITH RECURSIVE {} ", reports_cte(&binds.int(manager.get())));
            allowed.push("p.id IN (SELECT id FROM reports WHERE depth > 0)".to_owned());
        }
        if let Some(own) = scope.own {
            allowed.push(format!("p.id = {}", binds.int(own.get())));
        }
        let mut filter = format!("({})", allowed.join(" OR "));
        if !search.is_empty() {
            let pattern = format!("%{}%", escape_like(&search.to_lowercase()));
            let p = binds.text(pattern);
            filter.push_str(&format!(
                " AND (LOWER(p.given_name || ' ' || p.family_name) LIKE {p} ESCAPE '\\' \
                 OR LOWER(p.email) LIKE {p} ESCAPE '\\' OR LOWER(p.employee_id) LIKE {p} ESCAPE '\\' \
                 OR LOWER(p.job_title) LIKE {p} ESCAPE '\\')"
            ));
            if let Some(query) = trigrams {
                let query = binds.text(query);
                filter.push_str(&format!(
                    " AND p.id IN (SELECT rowid FROM people_search WHERE people_search MATCH {query})"
                ));
            }
        }
        // The filter reads only the person's own columns, and every person
        // has an organisation: the count needs none of the list's joins.
        let count_sql = format!("{with}SELECT COUNT(*) FROM people p WHERE {filter}");
        let total: i64 = binds
            .apply_scalar(sqlx::query_scalar(&count_sql))
            .fetch_one(&self.store.pool)
            .await?;
        let limit_param = binds.int(limit);
        let offset_param = binds.int(offset);
        let list_sql = format!(
            "{with}SELECT {SUMMARY_COLUMNS} {SUMMARY_JOINS} WHERE {filter} \
             ORDER BY p.family_name, p.given_name, p.id LIMIT {limit_param} OFFSET {offset_param}"
        );
        let people = binds
            .apply_as(sqlx::query_as(&list_sql))
            .fetch_all(&self.store.pool)
            .await?;
        Ok((people, total))
    }

    /// The people who report directly to this person.
    pub async fn direct_reports(&self, person_id: PersonId) -> Result<Vec<PersonSummary>> {
        let sql = format!(
            // The manager's two keys first, so that the reports are a
            // range of people_by_manager rather than a join over everyone.
            "SELECT {SUMMARY_COLUMNS} {SUMMARY_JOINS} \
             WHERE p.organisation_id = (SELECT organisation_id FROM people WHERE id = $1) \
             AND p.line_manager_employee_id = (SELECT employee_id FROM people WHERE id = $1) \
             ORDER BY p.family_name, p.given_name"
        );
        Ok(sqlx::query_as(&sql)
            .bind(person_id.get())
            .fetch_all(&self.store.pool)
            .await?)
    }

    pub async fn get(&self, id: PersonId) -> Result<Option<PersonDetail>> {
        Ok(
            sqlx::query_as(&format!("{PERSON_DETAIL_SELECT} WHERE p.id = $1"))
                .bind(id.get())
                .fetch_optional(&self.store.pool)
                .await?,
        )
    }

    /// Several people at once, by id (those that exist).
    pub async fn by_ids(&self, ids: &[PersonId]) -> Result<HashMap<PersonId, PersonDetail>> {
        let mut found = HashMap::with_capacity(ids.len());
        for batch in ids.chunks(IMPORT_BATCH_ROWS) {
            let rows: Vec<PersonDetail> = sqlx::query_as(&format!(
                "{PERSON_DETAIL_SELECT} WHERE p.id IN ({})",
                id_list(batch)
            ))
            .fetch_all(&self.store.pool)
            .await?;
            found.extend(rows.into_iter().map(|p| (p.id, p)));
        }
        Ok(found)
    }

    /// Each person's managers, nearest first, for several people in one
    /// query per batch rather than one per person.
    pub async fn management_chains(
        &self,
        ids: &[PersonId],
    ) -> Result<HashMap<PersonId, Vec<PersonId>>> {
        let mut chains: HashMap<PersonId, Vec<PersonId>> =
            ids.iter().map(|&id| (id, Vec::new())).collect();
        for batch in ids.chunks(IMPORT_BATCH_ROWS) {
            let rows = sqlx::query(&format!(
                "WITH RECURSIVE chain (start_id, id, organisation_id, manager_employee_id, depth) AS ( \
                   SELECT id, id, organisation_id, line_manager_employee_id, 0 FROM people WHERE id IN ({}) \
                   UNION ALL \
                   SELECT c.start_id, m.id, m.organisation_id, m.line_manager_employee_id, c.depth + 1 \
                   FROM people m JOIN chain c ON m.organisation_id = c.organisation_id \
                   AND m.employee_id = c.manager_employee_id WHERE c.depth < {MAX_CHAIN_DEPTH}) \
                 SELECT start_id, id FROM chain WHERE depth > 0 ORDER BY start_id, depth",
                id_list(batch)
            ))
            .fetch_all(&self.store.pool)
            .await?;
            for row in rows {
                let start: i64 = row.try_get("start_id")?;
                let manager: i64 = row.try_get("id")?;
                chains
                    .entry(PersonId::new(start))
                    .or_default()
                    .push(PersonId::new(manager));
            }
        }
        Ok(chains)
    }

    pub async fn by_employee_id(
        &self,
        organisation_id: OrganisationId,
        employee_id: &str,
    ) -> Result<Option<PersonId>> {
        let id: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM people WHERE organisation_id = $1 AND employee_id = $2",
        )
        .bind(organisation_id.get())
        .bind(employee_id)
        .fetch_optional(&self.store.pool)
        .await?;
        Ok(id.map(PersonId::new))
    }

    /// What permission decisions need about a person: their organisation
    /// and every manager above them, nearest first.
    pub async fn facts(&self, id: PersonId) -> Result<Option<PersonFacts>> {
        let organisation_id: Option<i64> =
            sqlx::query_scalar("SELECT organisation_id FROM people WHERE id = $1")
                .bind(id.get())
                .fetch_optional(&self.store.pool)
                .await?;
        let Some(organisation_id) = organisation_id else {
            return Ok(None);
        };
        let managers_above: Vec<i64> = sqlx::query_scalar(&format!(
            "WITH RECURSIVE chain (id, organisation_id, manager_employee_id, depth) AS ( \
               SELECT id, organisation_id, line_manager_employee_id, 0 FROM people WHERE id = $1 \
               UNION ALL \
               SELECT m.id, m.organisation_id, m.line_manager_employee_id, c.depth + 1 \
               FROM people m JOIN chain c ON m.organisation_id = c.organisation_id \
               AND m.employee_id = c.manager_employee_id WHERE c.depth < {MAX_CHAIN_DEPTH}) \
             SELECT id FROM chain WHERE depth > 0 ORDER BY depth"
        ))
        .bind(id.get())
        .fetch_all(&self.store.pool)
        .await?;
        Ok(Some(PersonFacts {
            person_id: id,
            organisation_id: OrganisationId::new(organisation_id),
            managers_above: managers_above.into_iter().map(PersonId::new).collect(),
        }))
    }
}

const PERSON_DETAIL_SELECT: &str = "SELECT p.id, p.organisation_id, o.name AS organisation, p.employee_id, \
     p.given_name, p.family_name, p.email, r.name AS region, t.name AS team, p.line_manager_employee_id, \
     m.id AS line_manager_id, \
     CASE WHEN m.id IS NULL THEN NULL ELSE m.given_name || ' ' || m.family_name END AS line_manager_name, \
     p.job_title, p.grade, p.start_date, p.employment_type, p.approval_type, p.carer_level, \
     p.approval_date, p.household, p.special_interests \
     FROM people p JOIN organisations o ON o.id = p.organisation_id \
     LEFT JOIN regions r ON r.id = p.region_id LEFT JOIN teams t ON t.id = p.team_id \
     LEFT JOIN people m ON m.organisation_id = p.organisation_id AND m.employee_id = p.line_manager_employee_id";

/// Ids written into a statement as numbers: they are integers Tandem
/// produced, so nothing can be injected, and long lists bind no parameters.
fn id_list(ids: &[PersonId]) -> String {
    ids.iter()
        .map(PersonId::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Everyone below a manager, with their distance from them.
pub(crate) fn reports_cte(manager_param: &str) -> String {
    format!(
        "reports (id, organisation_id, employee_id, depth) AS ( \
           SELECT id, organisation_id, employee_id, 0 FROM people WHERE id = {manager_param} \
           UNION ALL \
           SELECT p.id, p.organisation_id, p.employee_id, r.depth + 1 FROM people p JOIN reports r \
           ON p.organisation_id = r.organisation_id AND p.line_manager_employee_id = r.employee_id \
           WHERE r.depth < {MAX_CHAIN_DEPTH})"
    )
}

/// An FTS5 query for the people whose words hold four of the trigrams of
/// `search`, each quoted as one token; `None` under three characters.
/// Every trigram of a common word ("fam", "ily") is in most people's
/// words, and intersecting those lists costs more than it narrows, so the
/// four chosen are those with the most digits and symbols (rarer in
/// names), then the last. The LIKE test decides after.
fn trigram_query(search: &str) -> Option<String> {
    let chars: Vec<char> = search.chars().collect();
    let mut trigrams: Vec<(usize, usize, String)> = Vec::new();
    for (at, window) in chars.windows(3).enumerate() {
        let term: String = window.iter().collect();
        if trigrams.iter().any(|(_, _, t)| *t == term) {
            continue;
        }
        let unusual = window.iter().filter(|c| !c.is_alphabetic()).count();
        trigrams.push((unusual, at, term));
    }
    trigrams.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
    let terms: Vec<String> = trigrams
        .into_iter()
        .take(4)
        .map(|(_, _, term)| format!("\"{}\"", term.replace('"', "\"\"")))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" AND "))
}

fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// Parameters collected while a query's text is built, numbered as they
/// are added.
#[derive(Default)]
struct Binds {
    values: Vec<Bind>,
}

enum Bind {
    Int(i64),
    Text(String),
}

impl Binds {
    fn int(&mut self, value: i64) -> String {
        self.values.push(Bind::Int(value));
        format!("${}", self.values.len())
    }

    fn text(&mut self, value: String) -> String {
        self.values.push(Bind::Text(value));
        format!("${}", self.values.len())
    }

    fn apply_scalar<'q, O>(
        &'q self,
        mut query: sqlx::query::QueryScalar<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>>,
    ) -> sqlx::query::QueryScalar<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>> {
        for value in &self.values {
            query = match value {
                Bind::Int(v) => query.bind(*v),
                Bind::Text(v) => query.bind(v.as_str()),
            };
        }
        query
    }

    fn apply_as<'q, O>(
        &'q self,
        mut query: sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>>,
    ) -> sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>> {
        for value in &self.values {
            query = match value {
                Bind::Int(v) => query.bind(*v),
                Bind::Text(v) => query.bind(v.as_str()),
            };
        }
        query
    }
}

#[cfg(test)]
mod search_tests {
    use super::trigram_query;

    #[test]
    fn the_trigrams_looked_up_are_the_rarest_looking_four() {
        assert_eq!(
            trigram_query("family4242").as_deref(),
            Some(r#""242" AND "424" AND "y42" AND "ly4""#),
            "digits first: every name holds \"fam\""
        );
        assert_eq!(
            trigram_query("smith").as_deref(),
            Some(r#""ith" AND "mit" AND "smi""#)
        );
        assert_eq!(
            trigram_query(r#"a"b"#).as_deref(),
            Some(r#""a""b""#),
            "a quote is doubled inside its term"
        );
        assert_eq!(trigram_query("ab"), None, "no trigram under three");
        assert_eq!(
            trigram_query("aaaa").as_deref(),
            Some(r#""aaa""#),
            "each trigram once"
        );
    }
}
