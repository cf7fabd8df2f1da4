//! Issue 8 item 3: does sqlx's `Any` driver stay? The same statements run
//! through `AnyPool` (as the store does today) and through the native
//! `SqlitePool` / `PgPool`, side by side in one run, on the store's real
//! schema (made by `test_support`, so by the store's own migrations):
//!
//! - `import_50k`: the people import's write path: 50,000 rows in batches of
//!   500, each batch one multi-row `INSERT … ON CONFLICT DO UPDATE` built as
//!   `people::upsert_sql` builds it (anonymous `?` on SQLite, `$N` on
//!   PostgreSQL), 16 values bound per row, all in one transaction.
//! - `page_first` / `page_deep`: the people list page's query for an
//!   organisation scope (`SELECT … ORDER BY family_name, given_name, id LIMIT
//!   50 OFFSET …`, as `Store::list_people` writes it), decoded into the
//!   listing's struct; offset 0 and offset 24,950 (page 500).
//! - `person_by_id`: the single-person lookup (`Store::person`'s query, 21
//!   columns, four joins).
//! - `flag_page_fetch` / `flag_page_decode`: a 50-row page (by primary key,
//!   so that the database's work is small) whose struct has a `bool` flag:
//!   through `Any` the column is an integer decoded as `i64` and turned into
//!   `bool` after fetching; natively it is a `BOOLEAN` column decoded as
//!   `bool`. `_fetch` is query and decoding; `_decode` starts from rows the
//!   native driver has read and times what each side does from there (`Any`:
//!   its `AnyRow` copy of the row, then the decoding).
//!
//! PostgreSQL cases run when `TANDEM_TEST_POSTGRES_URL` is set (run under
//! `scripts/with-postgres`); otherwise they are skipped with a note.
//!
//! Run: `scripts/with-postgres cargo bench -p tandem-store --bench driver`.
//! Results and the conclusion: `benches/DRIVER.md`.

use std::time::{Duration, Instant};

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, SamplingMode, criterion_group, criterion_main};
use sqlx::any::{AnyPoolOptions, AnyRow, install_default_drivers};
use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::SqlitePoolOptions;
use sqlx::{AnyPool, Database, Encode, Executor, FromRow, IntoArguments, Pool, Type};
use tandem_store::test_support::{self, TestStore};
use tokio::runtime::Runtime;

const ROWS: usize = 50_000;
/// `people::IMPORT_BATCH_ROWS`.
const BATCH_ROWS: usize = 500;
/// Values bound per row by `PeopleImport::write`.
const BOUND_COLUMNS: usize = 16;
const PAGE: i64 = 50;
const DEEP_OFFSET: i64 = 24_950;

/// The store's SQLite connection settings (`SQLITE_PRAGMAS` in `lib.rs`).
const SQLITE_PRAGMAS: [&str; 5] = [
    "PRAGMA foreign_keys = ON",
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = NORMAL",
    "PRAGMA busy_timeout = 10000",
    "PRAGMA cache_size = -32768",
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    fn label(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// One imported row, as `PersonRecord` holds what the import binds.
struct Person {
    employee_id: String,
    given_name: String,
    family_name: String,
    email: String,
    region: usize,
    team: usize,
    line_manager_employee_id: Option<String>,
    job_title: &'static str,
    grade: String,
    start_date: Option<String>,
    employment_type: &'static str,
}

/// The same organisation as the app's import benchmark: a chief executive,
/// 50 heads of service, 1,000 team managers and staff under them, in 50
/// regions and 1,000 teams.
fn people() -> Vec<Person> {
    (0..ROWS)
        .map(|i| {
            let (manager, title, team) = match i {
                0 => (None, "Chief executive", 0),
                1..=50 => (Some("E0".to_owned()), "Head of service", i),
                51..=1050 => (
                    Some(format!("E{}", 1 + (i - 51) % 50)),
                    "Team manager",
                    i - 51,
                ),
                _ => (
                    Some(format!("E{}", 51 + (i - 1051) % 1000)),
                    "Practitioner",
                    (i - 1051) % 1000,
                ),
            };
            Person {
                employee_id: format!("E{i}"),
                given_name: format!("Given{i}"),
                // Not in id order, so that the page's sort does some work.
                family_name: format!("Family{}", (i * 7919) % ROWS),
                email: format!("person{i}@example.org"),
                region: team % 50,
                team,
                line_manager_employee_id: manager,
                job_title: title,
                grade: format!("Band {}", 5 + i % 4),
                start_date: Some(format!("20{:02}-{:02}-01", 10 + i % 15, 1 + i % 12)),
                employment_type: "employee",
            }
        })
        .collect()
}

/// `people::placeholders`, copied: anonymous `?` on SQLite, numbered `$N`
/// on PostgreSQL.
fn placeholders(backend: Backend, rows: usize, columns: usize) -> String {
    let mut sql = String::with_capacity(rows * columns * 6);
    for row in 0..rows {
        if row > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for column in 0..columns {
            if column > 0 {
                sql.push_str(", ");
            }
            match backend {
                Backend::Sqlite => sql.push('?'),
                Backend::Postgres => {
                    sql.push('$');
                    sql.push_str(&(row * columns + column + 1).to_string());
                }
            }
        }
        sql.push(')');
    }
    sql
}

/// `people::upsert_sql`, copied.
fn upsert_sql(backend: Backend, rows: usize, organisation_id: i64, at: i64) -> String {
    let mut sql = String::from(
        "INSERT INTO people (employee_id, given_name, family_name, email, region_id, team_id, \
         line_manager_employee_id, job_title, grade, start_date, employment_type, approval_type, carer_level, \
         approval_date, household, special_interests, organisation_id, created_at, updated_at) VALUES ",
    );
    let constants = format!(", {organisation_id}, {at}, {at})");
    sql.push_str(&placeholders(backend, rows, BOUND_COLUMNS).replace(')', &constants));
    sql.push_str(
        " ON CONFLICT (organisation_id, employee_id) DO UPDATE SET given_name = excluded.given_name, \
         family_name = excluded.family_name, email = excluded.email, region_id = excluded.region_id, \
         team_id = excluded.team_id, line_manager_employee_id = excluded.line_manager_employee_id, \
         job_title = excluded.job_title, grade = excluded.grade, start_date = excluded.start_date, \
         employment_type = excluded.employment_type, approval_type = excluded.approval_type, \
         carer_level = excluded.carer_level, approval_date = excluded.approval_date, \
         household = excluded.household, special_interests = excluded.special_interests, \
         updated_at = excluded.updated_at",
    );
    sql
}

/// What the import writes into: an organisation with its regions and teams.
struct Target {
    backend: Backend,
    organisation_id: i64,
    region_ids: Vec<i64>,
    team_ids: Vec<i64>,
}

/// The import's write path, generic over the driver: one transaction, a
/// statement built per batch, 16 values bound per row, as
/// `PeopleImport::write` does it.
async fn import<DB>(pool: &Pool<DB>, target: &Target, people: &[Person]) -> sqlx::Result<()>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> Option<&'q str>: Encode<'q, DB> + Type<DB>,
    for<'q> Option<i64>: Encode<'q, DB> + Type<DB>,
{
    let mut tx = pool.begin().await?;
    let at = 1_700_000_000;
    for batch in people.chunks(BATCH_ROWS) {
        let sql = upsert_sql(target.backend, batch.len(), target.organisation_id, at);
        let mut query = sqlx::query::<DB>(&sql);
        for row in batch {
            query = query
                .bind(row.employee_id.as_str())
                .bind(row.given_name.as_str())
                .bind(row.family_name.as_str())
                .bind(row.email.as_str())
                .bind(Some(target.region_ids[row.region]))
                .bind(Some(target.team_ids[row.team]))
                .bind(row.line_manager_employee_id.as_deref())
                .bind(row.job_title)
                .bind(row.grade.as_str())
                .bind(row.start_date.as_deref())
                .bind(row.employment_type)
                .bind(None::<&str>)
                .bind(None::<i64>)
                .bind(None::<&str>)
                .bind(None::<&str>)
                .bind(None::<&str>);
        }
        query.execute(&mut *tx).await?;
    }
    tx.commit().await
}

/// `people::SUMMARY_COLUMNS` and `SUMMARY_JOINS`, with the filter and order
/// `Store::list_people` writes for a scope of one organisation.
const PAGE_SQL: &str = "SELECT p.id, p.employee_id, p.given_name, p.family_name, p.email, p.job_title, \
     o.name AS organisation, r.name AS region, t.name AS team \
     FROM people p JOIN organisations o ON o.id = p.organisation_id \
     LEFT JOIN regions r ON r.id = p.region_id LEFT JOIN teams t ON t.id = p.team_id \
     WHERE (p.organisation_id IN ($1)) \
     ORDER BY p.family_name, p.given_name, p.id LIMIT $2 OFFSET $3";

/// `people::PersonSummary`.
#[derive(Debug, FromRow)]
#[allow(dead_code)]
struct PersonSummary {
    id: i64,
    employee_id: String,
    given_name: String,
    family_name: String,
    email: String,
    job_title: String,
    organisation: String,
    region: Option<String>,
    team: Option<String>,
}

/// `people::PERSON_DETAIL_SELECT` with `Store::person`'s condition.
const PERSON_SQL: &str = "SELECT p.id, p.organisation_id, o.name AS organisation, p.employee_id, \
     p.given_name, p.family_name, p.email, r.name AS region, t.name AS team, p.line_manager_employee_id, \
     m.id AS line_manager_id, \
     CASE WHEN m.id IS NULL THEN NULL ELSE m.given_name || ' ' || m.family_name END AS line_manager_name, \
     p.job_title, p.grade, p.start_date, p.employment_type, p.approval_type, p.carer_level, \
     p.approval_date, p.household, p.special_interests \
     FROM people p JOIN organisations o ON o.id = p.organisation_id \
     LEFT JOIN regions r ON r.id = p.region_id LEFT JOIN teams t ON t.id = p.team_id \
     LEFT JOIN people m ON m.organisation_id = p.organisation_id AND m.employee_id = p.line_manager_employee_id \
     WHERE p.id = $1";

/// `people::PersonDetail`.
#[derive(Debug, FromRow)]
#[allow(dead_code)]
struct PersonDetail {
    id: i64,
    organisation_id: i64,
    organisation: String,
    employee_id: String,
    given_name: String,
    family_name: String,
    email: String,
    region: Option<String>,
    team: Option<String>,
    line_manager_employee_id: Option<String>,
    line_manager_id: Option<i64>,
    line_manager_name: Option<String>,
    job_title: String,
    grade: String,
    start_date: Option<String>,
    employment_type: String,
    approval_type: Option<String>,
    carer_level: Option<i64>,
    approval_date: Option<String>,
    household: Option<String>,
    special_interests: Option<String>,
}

/// A page with a yes/no column, as the store must read it through `Any`
/// today: an integer. Found by primary key, so that the database's own
/// work is small beside the driver's.
const FLAG_PAGE_INT_SQL: &str = "SELECT p.id, p.employee_id, p.given_name, p.family_name, p.email, \
     p.bench_flag_int AS flag FROM people p WHERE p.organisation_id = $1 AND p.id >= $2 ORDER BY p.id LIMIT $3";

/// The same page read from a `BOOLEAN` column.
const FLAG_PAGE_BOOL_SQL: &str = "SELECT p.id, p.employee_id, p.given_name, p.family_name, p.email, \
     p.bench_flag AS flag FROM people p WHERE p.organisation_id = $1 AND p.id >= $2 ORDER BY p.id LIMIT $3";

/// What the page is decoded into: the flag is a `bool`.
#[derive(Debug, FromRow)]
#[allow(dead_code)]
struct FlagRow {
    id: i64,
    employee_id: String,
    given_name: String,
    family_name: String,
    email: String,
    flag: bool,
}

/// The row as fetched through `Any`, before the flag becomes a `bool`.
#[derive(Debug, FromRow)]
struct FlagRowInt {
    id: i64,
    employee_id: String,
    given_name: String,
    family_name: String,
    email: String,
    flag: i64,
}

impl From<FlagRowInt> for FlagRow {
    fn from(row: FlagRowInt) -> FlagRow {
        FlagRow {
            id: row.id,
            employee_id: row.employee_id,
            given_name: row.given_name,
            family_name: row.family_name,
            email: row.email,
            flag: row.flag != 0,
        }
    }
}

async fn fetch_page<DB, T>(
    pool: &Pool<DB>,
    sql: &'static str,
    organisation_id: i64,
    offset: i64,
) -> Vec<T>
where
    DB: Database,
    for<'c> &'c Pool<DB>: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    T: for<'r> FromRow<'r, DB::Row> + Send + Unpin,
{
    let rows: Vec<T> = sqlx::query_as::<DB, T>(sql)
        .bind(organisation_id)
        .bind(PAGE)
        .bind(offset)
        .fetch_all(pool)
        .await
        .expect("the page is read");
    assert_eq!(rows.len(), PAGE as usize);
    rows
}

async fn fetch_flags<DB, T>(
    pool: &Pool<DB>,
    sql: &'static str,
    organisation_id: i64,
    from_id: i64,
) -> Vec<FlagRow>
where
    DB: Database,
    for<'c> &'c Pool<DB>: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    T: for<'r> FromRow<'r, DB::Row> + Send + Unpin + Into<FlagRow>,
{
    let rows: Vec<T> = sqlx::query_as::<DB, T>(sql)
        .bind(organisation_id)
        .bind(from_id)
        .bind(PAGE)
        .fetch_all(pool)
        .await
        .expect("the page is read");
    assert_eq!(rows.len(), PAGE as usize);
    rows.into_iter().map(Into::into).collect()
}

async fn fetch_person<DB>(pool: &Pool<DB>, id: i64) -> PersonDetail
where
    DB: Database,
    for<'c> &'c Pool<DB>: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    PersonDetail: for<'r> FromRow<'r, DB::Row>,
{
    sqlx::query_as::<DB, PersonDetail>(PERSON_SQL)
        .bind(id)
        .fetch_one(pool)
        .await
        .expect("the person is read")
}

/// One database with the store's schema, its organisation, and a pool of
/// each kind on it.
struct Setup<N: Database> {
    test_store: TestStore,
    target: Target,
    any: AnyPool,
    native: Pool<N>,
}

impl<N: Database> Setup<N> {
    async fn finish(self) {
        self.any.close().await;
        self.native.close().await;
        self.test_store.finish().await;
    }
}

/// An `Any` pool opened as `Store::connect_unmigrated` opens its own.
async fn any_pool(url: &str, backend: Backend) -> AnyPool {
    install_default_drivers();
    let max_connections = match backend {
        Backend::Sqlite => 4,
        Backend::Postgres => 16,
    };
    AnyPoolOptions::new()
        .max_connections(max_connections)
        .after_connect(move |conn, _| {
            Box::pin(async move {
                if backend == Backend::Sqlite {
                    for pragma in SQLITE_PRAGMAS {
                        sqlx::query(pragma).execute(&mut *conn).await?;
                    }
                }
                Ok(())
            })
        })
        .connect(url)
        .await
        .expect("the Any pool opens")
}

/// An organisation with 50 regions and 1,000 teams.
async fn target(test_store: &TestStore, any: &AnyPool, backend: Backend) -> Target {
    let organisation_id = test_store
        .store
        .organisations()
        .create("Bench", "")
        .await
        .expect("the organisation is made")
        .id
        .get();
    let mut region_ids = Vec::new();
    for r in 0..50 {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO regions (organisation_id, name) VALUES ($1, $2) RETURNING id",
        )
        .bind(organisation_id)
        .bind(format!("Region {r}"))
        .fetch_one(any)
        .await
        .expect("a region is made");
        region_ids.push(id);
    }
    let mut team_ids = Vec::new();
    for t in 0..1000 {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO teams (organisation_id, region_id, name) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(organisation_id)
        .bind(region_ids[t % 50])
        .bind(format!("Team {t}"))
        .fetch_one(any)
        .await
        .expect("a team is made");
        team_ids.push(id);
    }
    Target {
        backend,
        organisation_id,
        region_ids,
        team_ids,
    }
}

async fn sqlite_setup() -> Setup<sqlx::Sqlite> {
    let test_store = test_support::sqlite().await;
    let any = any_pool(&test_store.url, Backend::Sqlite).await;
    let target = target(&test_store, &any, Backend::Sqlite).await;
    // The same file, the same settings, the native driver.
    let native = SqlitePoolOptions::new()
        .max_connections(4)
        .after_connect(|conn, _| {
            Box::pin(async move {
                for pragma in SQLITE_PRAGMAS {
                    sqlx::query(pragma).execute(&mut *conn).await?;
                }
                Ok(())
            })
        })
        .connect(&test_store.url)
        .await
        .expect("the SQLite pool opens");
    Setup {
        test_store,
        target,
        any,
        native,
    }
}

async fn postgres_setup() -> Option<Setup<sqlx::Postgres>> {
    let test_store = test_support::postgres().await?;
    let any = any_pool(&test_store.url, Backend::Postgres).await;
    let target = target(&test_store, &any, Backend::Postgres).await;
    let native = PgPoolOptions::new()
        .max_connections(16)
        .connect(&test_store.url)
        .await
        .expect("the PostgreSQL pool opens");
    Some(Setup {
        test_store,
        target,
        any,
        native,
    })
}

/// Empties the people table before an import is timed.
async fn reset(any: &AnyPool, backend: Backend) {
    let sql = match backend {
        Backend::Sqlite => "DELETE FROM people",
        Backend::Postgres => "TRUNCATE people CASCADE",
    };
    sqlx::raw_sql(sql)
        .execute(any)
        .await
        .expect("the people are removed");
}

async fn count_people(any: &AnyPool) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM people")
        .fetch_one(any)
        .await
        .expect("people are counted")
}

/// The yes/no column in both forms: `bench_flag_int` as the store must
/// keep it today, `bench_flag` as a `BOOLEAN`.
async fn add_flag_columns(any: &AnyPool) {
    sqlx::raw_sql(
        "ALTER TABLE people ADD COLUMN bench_flag_int BIGINT NOT NULL DEFAULT 0; \
         ALTER TABLE people ADD COLUMN bench_flag BOOLEAN NOT NULL DEFAULT FALSE; \
         UPDATE people SET bench_flag_int = id % 2, bench_flag = (id % 2 = 1);",
    )
    .execute(any)
    .await
    .expect("the flag columns are added");
}

fn import_group<'a>(
    c: &'a mut Criterion,
    backend: Backend,
    case: &str,
) -> BenchmarkGroup<'a, WallTime> {
    let mut group = c.benchmark_group(format!("{}/{case}", backend.label()));
    group.sample_size(10).sampling_mode(SamplingMode::Flat);
    group
}

fn read_group<'a>(
    c: &'a mut Criterion,
    backend: Backend,
    case: &str,
) -> BenchmarkGroup<'a, WallTime> {
    let mut group = c.benchmark_group(format!("{}/{case}", backend.label()));
    group.sample_size(20);
    group
}

// The `Any` side of each case. These are not generic: inside `run_cases`,
// whose where-clauses speak of the native database, calls on an `AnyPool`
// would be resolved against those clauses.

async fn any_import(any: &AnyPool, target: &Target, people: &[Person]) {
    import(any, target, people)
        .await
        .expect("the import is written");
}

/// The state the reads run on: one final import, the flag columns, and on
/// PostgreSQL the statistics autovacuum would have gathered.
async fn any_prepare_reads(any: &AnyPool, target: &Target, people: &[Person]) -> i64 {
    reset(any, target.backend).await;
    any_import(any, target, people).await;
    assert_eq!(count_people(any).await, ROWS as i64);
    add_flag_columns(any).await;
    if target.backend == Backend::Postgres {
        sqlx::raw_sql("ANALYZE")
            .execute(any)
            .await
            .expect("the tables are analysed");
    }
    sqlx::query_scalar("SELECT MIN(id) FROM people")
        .fetch_one(any)
        .await
        .expect("the first id")
}

async fn any_page(any: &AnyPool, organisation_id: i64, offset: i64) -> Vec<PersonSummary> {
    fetch_page(any, PAGE_SQL, organisation_id, offset).await
}

async fn any_person(any: &AnyPool, id: i64) -> PersonDetail {
    fetch_person(any, id).await
}

/// Through `Any` the flag is an integer, turned into `bool` after fetching.
async fn any_flag_page(any: &AnyPool, organisation_id: i64, from_id: i64) -> Vec<FlagRow> {
    fetch_flags::<_, FlagRowInt>(any, FLAG_PAGE_INT_SQL, organisation_id, from_id).await
}

fn any_decode_flag(row: AnyRow) -> FlagRow {
    FlagRowInt::from_row(&row)
        .map(FlagRow::from)
        .expect("the row decodes")
}

/// Whether `Any` can read the `BOOLEAN` column at all.
async fn any_reads_boolean(any: &AnyPool, organisation_id: i64, from_id: i64) -> String {
    let rows: Result<Vec<FlagRow>, sqlx::Error> = sqlx::query_as(FLAG_PAGE_BOOL_SQL)
        .bind(organisation_id)
        .bind(from_id)
        .bind(PAGE)
        .fetch_all(any)
        .await;
    match rows {
        Ok(rows) => format!("Any reads a BOOLEAN column as bool ({} rows)", rows.len()),
        Err(e) => format!("Any cannot read a BOOLEAN column: {e}"),
    }
}

/// Every case on one database, through `Any` and through the native pool.
fn run_cases<N>(c: &mut Criterion, rt: &Runtime, people: &[Person], setup: &Setup<N>)
where
    N: Database,
    for<'c> &'c mut N::Connection: Executor<'c, Database = N>,
    for<'c> &'c Pool<N>: Executor<'c, Database = N>,
    for<'q> N::Arguments<'q>: IntoArguments<'q, N>,
    for<'q> &'q str: Encode<'q, N> + Type<N>,
    for<'q> Option<&'q str>: Encode<'q, N> + Type<N>,
    for<'q> Option<i64>: Encode<'q, N> + Type<N>,
    for<'q> i64: Encode<'q, N> + Type<N>,
    PersonSummary: for<'r> FromRow<'r, N::Row>,
    PersonDetail: for<'r> FromRow<'r, N::Row>,
    FlagRow: for<'r> FromRow<'r, N::Row>,
    FlagRowInt: for<'r> FromRow<'r, N::Row>,
    for<'r> AnyRow: TryFrom<&'r N::Row, Error = sqlx::Error>,
{
    let Setup {
        target,
        any,
        native,
        ..
    } = setup;
    let backend = target.backend;
    let organisation_id = target.organisation_id;

    // 1. The import's write path.
    let mut group = import_group(c, backend, "import_50k");
    group.bench_function("any", |b| {
        b.iter_custom(|iterations| {
            let mut total = Duration::ZERO;
            for _ in 0..iterations {
                rt.block_on(reset(any, backend));
                let start = Instant::now();
                rt.block_on(any_import(any, target, people));
                total += start.elapsed();
            }
            total
        });
    });
    group.bench_function("native", |b| {
        b.iter_custom(|iterations| {
            let mut total = Duration::ZERO;
            for _ in 0..iterations {
                rt.block_on(reset(any, backend));
                let start = Instant::now();
                rt.block_on(import(native, target, people))
                    .expect("the import is written");
                total += start.elapsed();
            }
            total
        });
    });
    group.finish();

    let first_id = rt.block_on(any_prepare_reads(any, target, people));

    // 2. The people list page, and one person by id.
    for (case, offset) in [("page_first", 0), ("page_deep", DEEP_OFFSET)] {
        let through_any = rt.block_on(any_page(any, organisation_id, offset));
        let through_native: Vec<PersonSummary> =
            rt.block_on(fetch_page(native, PAGE_SQL, organisation_id, offset));
        assert_eq!(
            through_any.iter().map(|p| p.id).collect::<Vec<_>>(),
            through_native.iter().map(|p| p.id).collect::<Vec<_>>(),
        );
        let mut group = read_group(c, backend, case);
        group.bench_function("any", |b| {
            b.iter(|| rt.block_on(any_page(any, organisation_id, offset)));
        });
        group.bench_function("native", |b| {
            b.iter(|| {
                rt.block_on(fetch_page::<N, PersonSummary>(
                    native,
                    PAGE_SQL,
                    organisation_id,
                    offset,
                ))
            });
        });
        group.finish();
    }

    // A different person each time, spread over the table.
    let id_at = |k: usize| first_id + ((k * 7919) % ROWS) as i64;
    let mut group = read_group(c, backend, "person_by_id");
    group.bench_function("any", |b| {
        let mut k = 0;
        b.iter(|| {
            k += 1;
            rt.block_on(any_person(any, id_at(k)))
        });
    });
    group.bench_function("native", |b| {
        let mut k = 0;
        b.iter(|| {
            k += 1;
            rt.block_on(fetch_person(native, id_at(k)))
        });
    });
    group.finish();

    // 3. A page with a flag: i64 turned into bool (Any) against bool
    //    decoded by the driver (native, from a BOOLEAN column).
    let from_id = first_id + 1000;
    let native_flags =
        || fetch_flags::<N, FlagRow>(native, FLAG_PAGE_BOOL_SQL, organisation_id, from_id);
    let through_any = rt.block_on(any_flag_page(any, organisation_id, from_id));
    let through_native = rt.block_on(native_flags());
    assert_eq!(
        through_any
            .iter()
            .map(|r| (r.id, r.flag))
            .collect::<Vec<_>>(),
        through_native
            .iter()
            .map(|r| (r.id, r.flag))
            .collect::<Vec<_>>(),
    );
    eprintln!(
        "note ({}): {}",
        backend.label(),
        rt.block_on(any_reads_boolean(any, organisation_id, from_id))
    );

    let mut group = read_group(c, backend, "flag_page_fetch");
    group.bench_function("any", |b| {
        b.iter(|| rt.block_on(any_flag_page(any, organisation_id, from_id)));
    });
    group.bench_function("native", |b| b.iter(|| rt.block_on(native_flags())));
    group.finish();

    // Decoding alone, from rows the native driver has read: what `Any`
    // adds per row (its copy of the row, `AnyRow`, then i64 to bool)
    // against the native driver decoding `bool` itself.
    let native_rows = |sql: &'static str| {
        rt.block_on(
            sqlx::query::<N>(sql)
                .bind(organisation_id)
                .bind(from_id)
                .bind(PAGE)
                .fetch_all(native),
        )
        .expect("the rows are read")
    };
    let int_rows = native_rows(FLAG_PAGE_INT_SQL);
    let bool_rows = native_rows(FLAG_PAGE_BOOL_SQL);
    let mut group = read_group(c, backend, "flag_page_decode");
    group.sample_size(50);
    group.bench_function("any", |b| {
        b.iter(|| {
            int_rows
                .iter()
                .map(|row| any_decode_flag(AnyRow::try_from(row).expect("maps to AnyRow")))
                .collect::<Vec<FlagRow>>()
        });
    });
    group.bench_function("native", |b| {
        b.iter(|| {
            bool_rows
                .iter()
                .map(FlagRow::from_row)
                .collect::<Result<Vec<FlagRow>, _>>()
                .expect("the rows decode")
        });
    });
    group.finish();
}

fn bench_driver(c: &mut Criterion) {
    let rt = Runtime::new().expect("a runtime");
    let people = people();

    let sqlite = rt.block_on(sqlite_setup());
    run_cases(c, &rt, &people, &sqlite);
    rt.block_on(sqlite.finish());

    match rt.block_on(postgres_setup()) {
        Some(postgres) => {
            run_cases(c, &rt, &people, &postgres);
            rt.block_on(postgres.finish());
        }
        None => eprintln!(
            "TANDEM_TEST_POSTGRES_URL is not set: PostgreSQL cases skipped (run under scripts/with-postgres)"
        ),
    }
}

criterion_group!(benches, bench_driver);
criterion_main!(benches);
