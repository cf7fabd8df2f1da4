//! `tandem`: the one binary. Serves the web application, loads demo data,
//! imports HR exports, and sets up organisations and accounts.

mod matching;

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use tandem_app::App;
use tandem_app::import::{ImportFailure, ImportProgress};
use tandem_app::programmes::ProgrammeImportFailure;
use tandem_domain::permissions::Operator;
use tandem_domain::programme::{Programme, ProgrammeError};
use tandem_domain::roles::{Role, RoleGrant};
use tandem_web::WebConfig;

#[derive(Parser)]
#[command(
    name = "tandem",
    version,
    about = "Run staff mentoring schemes under written policies."
)]
struct Cli {
    /// sqlite://FILE or postgres://USER@HOST/DB. Default: sqlite://tandem.db
    /// (sqlite://tandem-demo.db for `demo`).
    #[arg(long, env = "TANDEM_DATABASE_URL", global = true)]
    database_url: Option<String>,
    /// Database connections to keep at most. Default: 4 for SQLite; for
    /// PostgreSQL twice this machine's cores, from 4 to 16.
    #[arg(long, env = "TANDEM_DATABASE_POOL", global = true,
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    database_pool: Option<u32>,
    /// Log what is happening: -v for progress (as `serve` logs by
    /// default), -vv for detail. RUST_LOG, when set, decides instead.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web application.
    Serve {
        #[arg(long, env = "TANDEM_BIND", default_value = "127.0.0.1:8080")]
        bind: SocketAddr,
        /// Mark cookies Secure; set this when Tandem is served over HTTPS.
        #[arg(long, env = "TANDEM_SECURE_COOKIES")]
        secure_cookies: bool,
        /// The master key file that seals confidential content (make one
        /// with `tandem key generate`). Required.
        #[arg(long, env = "TANDEM_KEY_FILE")]
        key_file: Option<PathBuf>,
        /// Sign a session out after this many minutes unused (at least 1).
        #[arg(long, env = "TANDEM_SESSION_IDLE_MINUTES", default_value_t = 30)]
        session_idle_minutes: i64,
    },
    /// Create tandem-demo.db with demo data if it is missing, then serve it.
    /// Its master key is kept beside it (tandem-demo.key), made if missing.
    Demo {
        /// Where to serve. The demo's passwords are published: serve it on
        /// another address than this machine's loopback only on a network
        /// you trust.
        #[arg(long, env = "TANDEM_BIND", default_value = "127.0.0.1:8080")]
        bind: SocketAddr,
        /// Delete the demo database (with its -wal and -shm files) and its
        /// key first, and start again with fresh demo data.
        #[arg(long)]
        reset: bool,
        /// The master key file; by default beside the demo database.
        #[arg(long, env = "TANDEM_KEY_FILE")]
        key_file: Option<PathBuf>,
        /// Also make a national-scale organisation when the demo data is
        /// made, for load runs: PEOPLE,RELATIONSHIPS,MEETINGS[,OPEN_REQUESTS]
        /// such as 50000,20000,500000,2000 (staff, agreed relationships,
        /// meeting records, requests waiting to be screened), with the
        /// sign-ins scale.coordinator, scale.hr, scale.manager,
        /// scale.mentor and scale.mentee. Takes minutes at that size.
        #[arg(long)]
        scale: Option<tandem_app::scale::Scale>,
    },
    /// The master key that seals relationships' confidential content.
    #[command(subcommand)]
    Key(KeyCommand),
    /// Mentoring relationships.
    #[command(subcommand)]
    Relationships(RelationshipsCommand),
    /// Import data from files.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Manage organisations.
    #[command(subcommand)]
    Organisation(OrganisationCommand),
    /// Manage accounts.
    #[command(subcommand)]
    Account(AccountCommand),
    /// Check, import and list programmes (TOML files like programmes/*.toml).
    #[command(subcommand)]
    Programme(ProgrammeCommand),
    /// Matching: the optimal assignment of mentees to mentors.
    #[command(subcommand)]
    Match(MatchCommand),
    /// Automatic enrolment (REQ-4): create a mentor request, waiting to be
    /// screened, for everyone the programme enrols automatically. CAF's
    /// automatic track takes staff whose start date is within the last
    /// --within-days days; AFC's newly-approved track takes carers whose
    /// approval date is. People with an open request are skipped.
    Enrol {
        /// The programme's key, for example caf.
        #[arg(long)]
        programme: String,
        /// How far back a start or approval date counts as new.
        #[arg(long, default_value_t = 90)]
        within_days: i64,
        /// The day to count back from (YYYY-MM-DD); today if not given.
        #[arg(long)]
        today: Option<String>,
    },
    /// Check the configuration and the database, then exit.
    CheckConfig,
    /// Check that the database is whole (after a crash, or before trusting
    /// a backup): SQLite's integrity and foreign-key checks, every table
    /// read in full on PostgreSQL, and no people import half-staged. Exits
    /// 1 and lists each problem if there are any.
    CheckDatabase,
}

#[derive(Subcommand)]
enum KeyCommand {
    /// Write a new master key file (never overwrites one). Keep it secret
    /// and keep a copy apart from the database's backups.
    Generate {
        #[arg(long, default_value = "tandem.key")]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
enum RelationshipsCommand {
    /// One row per relationship: id, state, start date, planned end,
    /// meetings held, next meeting due. No content.
    List {
        /// The programme's key, for example cwt.
        #[arg(long)]
        programme: String,
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ListFormat {
    Table,
    Csv,
}

#[derive(Subcommand)]
enum MatchCommand {
    /// Solve an assignment given as CSV: pairs.csv is
    /// mentee,mentor,score[,requested_at] and capacities.csv is
    /// mentor,capacity. Prints the matches (or writes them to --out) and,
    /// last, "matched N of M, total score S".
    Solve {
        #[arg(long)]
        pairs: PathBuf,
        #[arg(long)]
        capacities: PathBuf,
        /// First maximise the lowest matched score, then the total.
        #[arg(long, group = "mode")]
        fair: bool,
        /// An earlier request is never left unmatched while a later one is
        /// matched in its place (needs requested_at).
        #[arg(long, group = "mode")]
        fcfs: bool,
        /// Match as many mentees as possible, then maximise the score.
        #[arg(long, group = "mode")]
        max_matches: bool,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Propose matches for everyone waiting in a stored programme, with the
    /// reasons for each; --commit sends them to the mentors (MAT-3, MAT-4).
    Run {
        /// The programme's key (e.g. cwt) or id.
        #[arg(long)]
        programme: String,
        /// Store the proposals as awaiting each mentor's answer.
        #[arg(long)]
        commit: bool,
    },
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Import people from an HR export (CSV; columns in the README). All or
    /// nothing: any bad row means nothing is written.
    People {
        file: PathBuf,
        /// The organisation the people work for.
        #[arg(long)]
        organisation: String,
    },
}

#[derive(Subcommand)]
enum OrganisationCommand {
    /// Add an organisation.
    Add {
        name: String,
        /// e.g. England, Wales, Northern Ireland, Ireland.
        #[arg(long, default_value = "")]
        jurisdiction: String,
    },
    /// List organisations.
    List,
}

#[derive(Subcommand)]
enum AccountCommand {
    /// Add an account. The password is read from TANDEM_PASSWORD or, on a
    /// terminal, from the first line of standard input.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// administrator, coordinator, hr, line_manager,
        /// supervising_social_worker, mentor or mentee.
        #[arg(long)]
        role: Role,
        /// Required for every role but administrator.
        #[arg(long)]
        organisation: Option<String>,
        /// Links the account to this person in the organisation.
        #[arg(long)]
        employee_id: Option<String>,
    },
}

#[derive(Subcommand)]
enum ProgrammeCommand {
    /// Check a programme file without touching the database. Exits 1 and
    /// prints every error as FILE:line: key: message if it is not valid.
    Validate { file: PathBuf },
    /// Add a programme from a file, or update the one with the same key.
    Import {
        file: PathBuf,
        /// An organisation taking part besides those the file names; it
        /// must exist. Repeat for several.
        #[arg(long = "organisation")]
        organisations: Vec<String>,
    },
    /// List programmes with the organisations taking part.
    List,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // A server logs its progress; a command says only what it printed,
    // unless asked. Colour only for a person at a terminal.
    let level = match (cli.verbose, matches!(cli.command, Command::Serve { .. })) {
        (0, false) => "warn",
        (0, true) | (1, _) => "info,sqlx=warn",
        _ => "debug,sqlx=info",
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level)),
        )
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn open(url: Option<&str>, pool: Option<u32>, default: &str) -> Result<App> {
    let url = url.unwrap_or(default);
    App::open_with_pool(url, pool)
        .await
        .with_context(|| format!("cannot open the database {}", redact(url)))
}

/// Hides a password in a database URL before it is printed.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

async fn run(cli: Cli) -> Result<ExitCode> {
    let url = cli.database_url.as_deref();
    let pool = cli.database_pool;
    match cli.command {
        Command::Serve {
            bind,
            secure_cookies,
            key_file,
            session_idle_minutes,
        } => {
            let Some(key_file) = key_file else {
                bail!(
                    "serve needs the master key that seals confidential content: set TANDEM_KEY_FILE (or --key-file) to a key file. Make one with `tandem key generate --out tandem.key`, keep it secret, and back it up apart from the database."
                );
            };
            let app = open(url, pool, "sqlite://tandem.db")
                .await?
                .with_session_idle_seconds(session_idle_minutes.saturating_mul(60));
            let (app, fingerprint) = app.with_key_file(&key_file)?;
            tracing::info!(key = %fingerprint, "master key loaded");
            serve(app, bind, WebConfig { secure_cookies }).await?;
        }
        Command::Key(KeyCommand::Generate { out }) => {
            let fingerprint = tandem_app::operator::generate_key_file(&out)?;
            println!(
                "Wrote a new master key to {} (fingerprint {fingerprint}). Keep it secret, keep a copy apart from the database's backups, and start Tandem with TANDEM_KEY_FILE={}.",
                out.display(),
                out.display()
            );
        }
        Command::Relationships(RelationshipsCommand::List { programme, format }) => {
            let app = open(url, pool, "sqlite://tandem.db").await?;
            let rows = app
                .relationships_for_operator(&Operator::assume(), &programme)
                .await?;
            print_relationships(&rows, format);
        }
        Command::Demo {
            bind,
            reset,
            key_file,
            scale,
        } => {
            let url = url.unwrap_or("sqlite://tandem-demo.db");
            let key_file = key_file.unwrap_or_else(|| demo_key_path(url));
            if reset {
                reset_demo(url, &key_file)?;
            }
            if !key_file.exists() {
                tandem_app::operator::generate_key_file(&key_file)?;
                println!("Made a master key for the demo at {}.", key_file.display());
            }
            let app = open(Some(url), pool, "sqlite://tandem-demo.db").await?;
            let (app, _) = app.with_key_file(&key_file)?;
            let logins = if app.has_data().await? {
                println!("Using the existing demo database.");
                if scale.is_some() {
                    println!(
                        "(--scale is used only when the demo data is made; add --reset to make it again at that scale.)"
                    );
                }
                app.demo_logins().await?
            } else {
                println!("Loading demo data…");
                let logins = app.load_demo().await?;
                match scale {
                    None => logins,
                    Some(scale) => {
                        println!(
                            "Adding the national-scale organisation: {} people, {} relationships, {} meetings, {} open requests…",
                            scale.people, scale.relationships, scale.meetings, scale.open_requests
                        );
                        let started = std::time::Instant::now();
                        app.load_scale(&Operator::assume(), &scale).await?;
                        println!("Made in {:.0?}.", started.elapsed());
                        app.demo_logins().await?
                    }
                }
            };
            if logins.is_empty() {
                bail!(
                    "this database has data but no demo accounts: point --database-url at a new file for the demo"
                );
            }
            let listener = tokio::net::TcpListener::bind(bind)
                .await
                .with_context(|| format!("cannot listen on {bind}"))?;
            let address = listener.local_addr()?;
            println!();
            println!("Tandem is running at http://{address}/");
            println!();
            println!(
                "Demo logins (password for all: {}):",
                tandem_app::demo::DEMO_PASSWORD
            );
            for login in &logins {
                println!(
                    "  {:<26} {:<33} {}",
                    login.role.label(),
                    login.email,
                    login.who
                );
            }
            if !address.ip().is_loopback() {
                println!();
                println!(
                    "Warning: the demo is served on {address}, and its passwords are published. Anyone who can reach this address can sign in as any role. Use it only on a network you trust."
                );
            }
            println!();
            println!("Press Ctrl-C to stop.");
            tandem_web::serve(listener, app, WebConfig::default()).await?;
        }
        Command::Import(ImportCommand::People { file, organisation }) => {
            let app = open(url, pool, "sqlite://tandem.db").await?;
            return import_people(&app, &file, &organisation).await;
        }
        Command::Organisation(OrganisationCommand::Add { name, jurisdiction }) => {
            let app = open(url, pool, "sqlite://tandem.db").await?;
            let org = app
                .add_organisation(&Operator::assume(), &name, &jurisdiction)
                .await?;
            println!("Added organisation {} (id {}).", org.name, org.id);
        }
        Command::Organisation(OrganisationCommand::List) => {
            let app = open(url, pool, "sqlite://tandem.db").await?;
            for size in app.organisation_sizes(&Operator::assume()).await? {
                let org = &size.organisation;
                println!(
                    "{}\t{}\t{}\t{} people",
                    org.id, org.name, org.jurisdiction, size.people
                );
            }
        }
        Command::Account(AccountCommand::Add {
            email,
            name,
            role,
            organisation,
            employee_id,
        }) => {
            let app = open(url, pool, "sqlite://tandem.db").await?;
            let org = match &organisation {
                Some(name) => Some(app.organisation_named(name).await?),
                None => None,
            };
            let grant = RoleGrant::new(role, org.as_ref().map(|o| o.id), None)?;
            let person_id = match (&employee_id, &org) {
                (Some(eid), Some(org)) => Some(
                    app.person_with_employee_id(&Operator::assume(), org.id, eid)
                        .await?
                        .with_context(|| {
                            format!("no person with employee id {eid} in {}", org.name)
                        })?,
                ),
                (Some(_), None) => bail!("--employee-id needs --organisation"),
                (None, _) => None,
            };
            let password = read_password()?;
            let id = app
                .create_account(&email, &name, &password, person_id, &[grant])
                .await?;
            println!("Added account {id} for {email} as {}.", role.label());
        }
        Command::Programme(ProgrammeCommand::Validate { file }) => {
            let source = read_programme_file(&file)?;
            return Ok(match Programme::from_toml_str(&source) {
                Ok(programme) => {
                    println!(
                        "{}: valid programme {} ({})",
                        file.display(),
                        programme.key,
                        programme.name
                    );
                    ExitCode::SUCCESS
                }
                Err(errors) => {
                    print_programme_errors(&file, &errors, "");
                    ExitCode::FAILURE
                }
            });
        }
        Command::Programme(ProgrammeCommand::Import {
            file,
            organisations,
        }) => {
            let source = read_programme_file(&file)?;
            let app = open(url, pool, "sqlite://tandem.db").await?;
            return match app
                .import_programme_as_operator(&Operator::assume(), &source, &organisations)
                .await
            {
                Ok(imported) => {
                    let names: Vec<&str> = imported
                        .organisations
                        .iter()
                        .map(|o| o.name.as_str())
                        .collect();
                    println!(
                        "{} programme {} ({}, id {}), taking part: {}.",
                        if imported.created { "Added" } else { "Updated" },
                        imported.key,
                        imported.name,
                        imported.id,
                        names.join(", ")
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(ProgrammeImportFailure::Rejected(errors)) => {
                    print_programme_errors(&file, &errors, "; nothing was saved");
                    Ok(ExitCode::FAILURE)
                }
                Err(ProgrammeImportFailure::App(error)) => Err(error.into()),
            };
        }
        Command::Enrol {
            programme,
            within_days,
            today,
        } => {
            let today = match today {
                Some(text) => match tandem_domain::register::parse_date(&text) {
                    Some(date) => Some(date),
                    None => bail!("--today must be a date like 2026-11-30 (got \"{text}\")"),
                },
                None => None,
            };
            if within_days < 0 {
                bail!("--within-days must be 0 or more");
            }
            let app = open(url, pool, "sqlite://tandem.db").await?;
            let today = today.unwrap_or_else(|| app.today());
            return match app
                .enrol_automatically(&Operator::assume(), &programme, today, within_days)
                .await
            {
                Ok(report) => {
                    println!(
                        "Enrolled {} people in {programme}: requests wait for the coordinator to screen. {} already had an open request.",
                        report.created, report.already_open
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(tandem_app::AppError::Invalid(fields)) => {
                    for field in fields {
                        eprintln!("{}: {}", field.field, field.message);
                    }
                    Ok(ExitCode::FAILURE)
                }
                Err(error) => Err(error.into()),
            };
        }
        Command::Programme(ProgrammeCommand::List) => {
            let app = open(url, pool, "sqlite://tandem.db").await?;
            for (programme, next_review, due) in app.all_programmes().await? {
                let names: Vec<&str> = programme
                    .organisations
                    .iter()
                    .map(|o| o.name.as_str())
                    .collect();
                let review = match next_review {
                    Some(date) if due => format!("policy review due since {date}"),
                    Some(date) => format!("next policy review {date}"),
                    None => "no policy review date".to_owned(),
                };
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    programme.id,
                    programme.key,
                    programme.name,
                    names.join("; "),
                    review
                );
            }
        }
        Command::Match(MatchCommand::Solve {
            pairs,
            capacities,
            fair,
            fcfs,
            max_matches,
            out,
        }) => {
            let mode = if fair {
                tandem_matching::Mode::Fair
            } else if fcfs {
                tandem_matching::Mode::FirstComeFirstServed
            } else if max_matches {
                tandem_matching::Mode::MaxMatches
            } else {
                tandem_matching::Mode::MaxScore
            };
            return matching::solve_command(&pairs, &capacities, mode, out.as_deref());
        }
        Command::Match(MatchCommand::Run { programme, commit }) => {
            let app = open(url, pool, "sqlite://tandem.db").await?;
            return matching::run_command(&app, &programme, commit).await;
        }
        Command::CheckConfig => {
            let shown = redact(url.unwrap_or("sqlite://tandem.db"));
            let app = open(url, pool, "sqlite://tandem.db").await?;
            let report = app.installation_report(&Operator::assume()).await?;
            println!(
                "Database: {shown} ({}), schema up to date.",
                report.database
            );
            println!(
                "Organisations: {}. Accounts: {}.",
                report.organisations, report.accounts
            );
            println!("Configuration OK.");
        }
        Command::CheckDatabase => {
            let shown = redact(url.unwrap_or("sqlite://tandem.db"));
            let app = open(url, pool, "sqlite://tandem.db").await?;
            let problems = app.database_problems(&Operator::assume()).await?;
            if problems.is_empty() {
                println!("{shown}: the database is whole.");
            } else {
                for problem in &problems {
                    eprintln!("{shown}: {problem}");
                }
                eprintln!(
                    "{shown}: {} found.",
                    if problems.len() == 1 {
                        "1 problem".to_owned()
                    } else {
                        format!("{} problems", problems.len())
                    }
                );
                return Ok(ExitCode::FAILURE);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn read_programme_file(file: &PathBuf) -> Result<String> {
    std::fs::read_to_string(file)
        .with_context(|| format!("cannot read {} as UTF-8 text", file.display()))
}

/// Every error as FILE:line: key: message, the form editors jump to.
fn print_programme_errors(file: &std::path::Path, errors: &[ProgrammeError], outcome: &str) {
    for error in errors {
        if error.key.is_empty() {
            eprintln!("{}:{}: {}", file.display(), error.line, error.message);
        } else {
            eprintln!(
                "{}:{}: {}: {}",
                file.display(),
                error.line,
                error.key,
                error.message
            );
        }
    }
    let count = if errors.len() == 1 {
        "1 error".to_owned()
    } else {
        format!("{} errors", errors.len())
    };
    eprintln!("{}: {count}{outcome}.", file.display());
}

fn read_password() -> Result<String> {
    if let Ok(password) = std::env::var("TANDEM_PASSWORD") {
        return Ok(password);
    }
    let mut line = String::new();
    if std::io::stdin().is_terminal() {
        eprint!(
            "Password (at least {} characters): ",
            tandem_app::auth::MIN_PASSWORD_CHARS
        );
    }
    std::io::stdin().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

/// The demo's key file: beside an SQLite database (`tandem-demo.db` →
/// `tandem-demo.key`), else in the working directory.
/// `demo --reset`: the demo's SQLite file with its write-ahead log and
/// shared-memory files, and its key, are deleted (those that exist).
fn reset_demo(url: &str, key_file: &Path) -> Result<()> {
    let Some(file) = sqlite_file(url) else {
        bail!(
            "--reset deletes a SQLite demo database; for {} start from a new database instead",
            redact(url)
        );
    };
    let mut gone = Vec::new();
    for path in [
        PathBuf::from(&file),
        PathBuf::from(format!("{file}-wal")),
        PathBuf::from(format!("{file}-shm")),
        key_file.to_path_buf(),
    ] {
        match std::fs::remove_file(&path) {
            Ok(()) => gone.push(path.display().to_string()),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => bail!("cannot delete {}: {error}", path.display()),
        }
    }
    if gone.is_empty() {
        println!("There was no demo database to delete.");
    } else {
        println!("Deleted {}.", gone.join(", "));
    }
    Ok(())
}

/// The file of a `sqlite://FILE` URL; `None` for another database or an
/// in-memory one.
fn sqlite_file(url: &str) -> Option<String> {
    url.strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .map(|rest| rest.split('?').next().unwrap_or(rest))
        .filter(|file| !file.is_empty() && *file != ":memory:")
        .map(str::to_owned)
}

fn demo_key_path(url: &str) -> PathBuf {
    match sqlite_file(url) {
        Some(file) => PathBuf::from(file).with_extension("key"),
        None => PathBuf::from("tandem-demo.key"),
    }
}

fn print_relationships(rows: &[tandem_app::relationships::OperatorRow], format: ListFormat) {
    let date = |d: Option<time::Date>| d.map(|d| d.to_string()).unwrap_or_default();
    match format {
        ListFormat::Csv => {
            println!("id,state,start_date,planned_end,meetings_held,next_due");
            for row in rows {
                println!(
                    "{},{},{},{},{},{}",
                    row.id,
                    row.state.as_str(),
                    row.started_on,
                    date(row.planned_end),
                    row.meetings_held,
                    date(row.next_due)
                );
            }
        }
        ListFormat::Table => {
            println!(
                "{:>6}  {:<16}  {:<10}  {:<11}  {:>8}  {:<10}",
                "id", "state", "started", "planned end", "meetings", "next due"
            );
            for row in rows {
                println!(
                    "{:>6}  {:<16}  {:<10}  {:<11}  {:>8}  {:<10}",
                    row.id,
                    row.state.label(),
                    row.started_on.to_string(),
                    date(row.planned_end),
                    row.meetings_held,
                    date(row.next_due)
                );
            }
            println!("{} relationships", rows.len());
        }
    }
}

async fn serve(app: App, bind: SocketAddr, config: WebConfig) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .with_context(|| format!("cannot listen on {bind}"))?;
    tracing::info!(address = %listener.local_addr()?, "serving");
    println!("Tandem is running at http://{}/", listener.local_addr()?);
    tandem_web::serve(listener, app, config).await?;
    Ok(())
}

/// A progress bar on a terminal; nothing otherwise.
struct Bar(Option<ProgressBar>);

impl ImportProgress for Bar {
    fn rows(&self, staged: u64, total: u64) {
        if let Some(bar) = &self.0 {
            bar.set_length(total);
            bar.set_position(staged);
        }
    }
}

async fn import_people(app: &App, file: &PathBuf, organisation: &str) -> Result<ExitCode> {
    let org = app.organisation_named(organisation).await?;
    let reader =
        std::fs::File::open(file).with_context(|| format!("cannot open {}", file.display()))?;
    let bar = std::io::stderr().is_terminal().then(|| {
        // The whole file is checked first; the bar then fills as the rows
        // are staged, before they are applied all at once.
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {pos} of {len} rows checked and staged")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        bar
    });
    let progress = Bar(bar);
    let outcome = app
        .import_people(
            &Operator::assume().people_import(org.id),
            std::io::BufReader::new(reader),
            &progress,
        )
        .await;
    if let Some(bar) = &progress.0 {
        bar.finish_and_clear();
    }
    match outcome {
        Ok(summary) => {
            println!(
                "Imported {}: {} added, {} updated.",
                org.name, summary.created, summary.updated
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(ImportFailure::Rejected(errors)) => {
            for error in &errors {
                eprintln!("{error}");
            }
            eprintln!(
                "{}: {} errors; nothing was imported.",
                file.display(),
                errors.len()
            );
            Ok(ExitCode::FAILURE)
        }
        Err(ImportFailure::App(error)) => Err(error.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_reset_deletes_the_database_its_log_and_its_key() {
        let dir = std::env::temp_dir().join(format!("tandem-reset-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let db = dir.join("demo.db");
        let files = [
            db.clone(),
            dir.join("demo.db-wal"),
            dir.join("demo.db-shm"),
            dir.join("demo.key"),
        ];
        for file in &files {
            std::fs::write(file, b"x").expect("written");
        }
        let other = dir.join("other.db");
        std::fs::write(&other, b"x").expect("written");
        let url = format!("sqlite://{}", db.display());
        reset_demo(&url, &demo_key_path(&url)).expect("reset");
        assert!(files.iter().all(|f| !f.exists()), "all four deleted");
        assert!(other.exists(), "nothing else");
        // Nothing left to delete is not an error; PostgreSQL is refused.
        reset_demo(&url, &demo_key_path(&url)).expect("reset again");
        assert!(reset_demo("postgres://x@localhost/db", Path::new("k")).is_err());
        std::fs::remove_dir_all(&dir).expect("cleaned");
    }
}
