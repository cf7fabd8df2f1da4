//! Issue 9, "Crash loop": the server and a people import, `kill -9`ed at
//! random points while a mentor records meetings through the API, again
//! and again on one database: 50 times on SQLite and 20 on PostgreSQL
//! (`TANDEM_CRASH_ITERATIONS` overrides both). After every kill:
//!
//! - `tandem check-database` finds the database whole;
//! - every meeting the server acknowledged (201) is there, and so is
//!   every upload it accepted (202);
//! - the imported people are all of one file, never part of one: the
//!   files carry the same 12,000 people, each file with its own job title.
//!
//! Imports alternate between the command line (killed with the server)
//! and an upload that the server's background job imports. The kill
//! points come from a seeded generator (`TANDEM_CRASH_SEED`; the seed is
//! printed), so a failure can be replayed.
//!
//! Slow (a few minutes), so ignored by the ordinary run: `scripts/crash-loop`
//! runs it, on both databases, in CI.

use std::collections::HashSet;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::support::{Server, Session, sign_in, succeed, tandem_command, try_http};
use super::temp_dir;

const ROWS: usize = 12_000;
const ORGANISATION: &str = "Crash Test Trust";
const PASSWORD: &str = "tandem-demo-password";

#[test]
#[ignore = "slow: scripts/crash-loop runs it"]
fn crash_loop_on_sqlite() {
    let runtime = runtime();
    let store = runtime.block_on(tandem_app::testing::sqlite());
    crash_loop(&store.url, iterations(50), "sqlite");
    runtime.block_on(store.finish());
}

#[test]
#[ignore = "slow: scripts/crash-loop runs it"]
fn crash_loop_on_postgres() {
    let runtime = runtime();
    let Some(store) = runtime.block_on(tandem_app::testing::postgres()) else {
        eprintln!("crash loop: no PostgreSQL server (TANDEM_TEST_POSTGRES_URL); skipped");
        return;
    };
    crash_loop(&store.url, iterations(20), "postgres");
    runtime.block_on(store.finish());
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
}

fn iterations(default: u32) -> u32 {
    std::env::var("TANDEM_CRASH_ITERATIONS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}

/// xorshift64*: kill points that a seed replays.
struct Random(u64);

impl Random {
    fn below(&mut self, bound: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % bound.max(1)
    }
}

/// The HR export of one version: the same people every time, with the
/// version in every job title.
fn people_file(dir: &Path, version: u32) -> (std::path::PathBuf, String) {
    let mut csv = String::from("employee_id,given_name,family_name,email,team,job_title\n");
    for i in 0..ROWS {
        csv.push_str(&format!(
            "C{i},Given{i},Family{i},crash{i}@crash.example,Team {},{}\n",
            i / 100,
            job_title(version)
        ));
    }
    let path = dir.join(format!("people-{version}.csv"));
    std::fs::write(&path, &csv).expect("the file is written");
    (path, csv)
}

fn job_title(version: u32) -> String {
    format!("crash-v{version:03}")
}

/// What the server and the import acknowledged, to find after the kill.
#[derive(Default)]
struct Acknowledged {
    meetings: Vec<i64>,
    /// Uploads accepted (202): (version, import id).
    uploads: Vec<(u32, i64)>,
    /// The last version the command line reported imported.
    last_command_import: Option<u32>,
    /// How many command-line imports finished before their kill.
    command_imports_finished: u32,
    /// Versions whose import was started, in order.
    started: Vec<u32>,
}

/// Who acts in the loop, signed in once (sessions outlive restarts), and
/// the relationship the mentor records meetings in.
struct Actors {
    admin: Session,
    mentor: Session,
    relationship: i64,
}

struct Run<'a> {
    url: &'a str,
    dir: std::path::PathBuf,
    key: std::path::PathBuf,
    organisation: i64,
}

impl Run<'_> {
    fn serve(&self) -> Server {
        Server::start(
            &["--database-url", self.url, "demo", "--bind", "127.0.0.1:0"],
            &self.dir,
            &[("TANDEM_KEY_FILE", &self.key)],
        )
    }

    fn check_database(&self, label: &str) {
        let checked = tandem_command(&["--database-url", self.url, "check-database"])
            .output()
            .expect("the binary runs");
        assert!(
            checked.status.success(),
            "{label}: check-database failed: {}{}",
            String::from_utf8_lossy(&checked.stdout),
            String::from_utf8_lossy(&checked.stderr)
        );
    }
}

fn crash_loop(url: &str, iterations: u32, backend: &str) {
    let seed = std::env::var("TANDEM_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x7A4D_E11A_u64 ^ u64::from(iterations));
    eprintln!("crash loop on {backend}: {iterations} kills, seed {seed}");
    let mut random = Random(seed | 1);
    let dir = temp_dir(&format!("crash-{backend}"));
    // The first start loads the demo; sessions outlive restarts.
    let mut run = Run {
        url,
        key: dir.join("tandem.key"),
        dir,
        organisation: 0,
    };
    let server = run.serve();
    let said = succeed(&mut tandem_command(&[
        "--database-url",
        url,
        "organisation",
        "add",
        ORGANISATION,
    ]));
    let organisation: i64 = said
        .rsplit("(id ")
        .next()
        .and_then(|rest| rest.split(')').next())
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("the organisation's id: {said}"));
    run.organisation = organisation;
    let admin = sign_in(&server.address, "admin@tandem.example", PASSWORD);
    let mentor = sign_in(&server.address, "mentor@tandem.example", PASSWORD);
    let (relationship, meeting) = meeting_to_record(&server.address, &mentor);
    server.kill();
    let actors = Actors {
        admin,
        mentor,
        relationship,
    };

    let acknowledged = Arc::new(Mutex::new(Acknowledged::default()));
    let started = Instant::now();
    for round in 0..iterations {
        let version = round + 1;
        let server = run.serve();
        verify(&run, &actors, &server.address, &acknowledged);

        // A mentor records meetings until the server dies.
        let stop = Arc::new(AtomicBool::new(false));
        let writer = {
            let address = server.address.clone();
            let headers: Vec<(String, String)> = actors
                .mentor
                .headers("application/json")
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect();
            let body = meeting.clone();
            let stop = stop.clone();
            let acknowledged = acknowledged.clone();
            std::thread::spawn(move || {
                let headers: Vec<(&str, &str)> = headers
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                let path = format!("/api/relationships/{relationship}/meetings");
                while !stop.load(Ordering::Relaxed) {
                    match try_http(&address, "POST", &path, &headers, body.as_bytes()) {
                        Ok(reply) if reply.status == 201 => {
                            let id = reply.json()["id"].as_i64().expect("the meeting's id");
                            acknowledged.lock().expect("lock").meetings.push(id);
                        }
                        Ok(reply) => {
                            assert!(
                                reply.status < 500,
                                "a meeting was refused with {}: {}",
                                reply.status,
                                reply.body
                            );
                        }
                        // The server was killed mid-request: not acknowledged.
                        Err(_) => {}
                    }
                    std::thread::sleep(Duration::from_millis(15));
                }
            })
        };

        // An import of this round's version: by the command line on even
        // rounds, uploaded to the server's background job on odd ones.
        let (file, csv) = people_file(&run.dir, version);
        acknowledged.lock().expect("lock").started.push(version);
        let mut command_import = None;
        if round % 2 == 0 {
            let path = file.display().to_string();
            let child = tandem_command(&[
                "--database-url",
                url,
                "import",
                "people",
                &path,
                "--organisation",
                ORGANISATION,
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("the import starts");
            command_import = Some(child);
        } else {
            let path = format!("/api/organisations/{}/people/import", run.organisation);
            if let Ok(reply) = try_http(
                &server.address,
                "POST",
                &path,
                &actors.admin.headers("text/csv"),
                csv.as_bytes(),
            ) {
                assert_eq!(reply.status, 202, "the upload is accepted: {}", reply.body);
                let id = reply.json()["id"].as_i64().expect("the import's id");
                acknowledged
                    .lock()
                    .expect("lock")
                    .uploads
                    .push((version, id));
            }
        }

        // Kill at a random point, from at once to well after an import
        // of this size usually ends.
        std::thread::sleep(Duration::from_millis(random.below(3_000)));
        server.kill();
        if let Some(mut child) = command_import {
            let _ = child.kill();
            let exit = child.wait().expect("the import is reaped");
            if exit.success() {
                let mut acknowledged = acknowledged.lock().expect("lock");
                acknowledged.last_command_import = Some(version);
                acknowledged.command_imports_finished += 1;
            }
        }
        stop.store(true, Ordering::Relaxed);
        writer.join().expect("the writer never fails");
        let _ = std::fs::remove_file(&file);
        run.check_database(&format!("after kill {version}"));
    }
    let server = run.serve();
    let uploads_imported = verify(&run, &actors, &server.address, &acknowledged);
    server.kill();
    run.check_database("at the end");
    let acknowledged = acknowledged.lock().expect("lock");
    eprintln!(
        "crash loop on {backend}: {iterations} kills in {:.0?}; {} acknowledged meetings and {} accepted uploads found ({} imported, the rest killed before they finished); {} of {} command-line imports finished before their kill",
        started.elapsed(),
        acknowledged.meetings.len(),
        acknowledged.uploads.len(),
        uploads_imported,
        acknowledged.command_imports_finished,
        acknowledged.started.len() - acknowledged.uploads.len(),
    );
    let _ = std::fs::remove_dir_all(&run.dir);
}

/// The mentor's agreed relationship and a meeting body to record in it
/// (on the day it was agreed, which is never in the future).
fn meeting_to_record(address: &str, mentor: &Session) -> (i64, String) {
    let me = mentor.get(address, "/api/me").json();
    let name = me["display_name"].as_str().unwrap_or_default().to_owned();
    let listed = mentor.get(address, "/api/relationships").json();
    let item = listed
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["state"] == "agreed" && r["mentor"] == name.as_str())
        .unwrap_or_else(|| panic!("the demo mentor has an agreed relationship: {listed}"));
    let id = item["id"].as_i64().expect("an id");
    let detail = mentor
        .get(address, &format!("/api/relationships/{id}"))
        .json();
    let date = detail["agreed_on"].as_str().expect("agreed_on").to_owned();
    let body = serde_json::json!({
        "date": date,
        "minutes": "60",
        "kind": "face_to_face",
        "action_points": [],
    })
    .to_string();
    (id, body)
}

/// After a restart: every acknowledged write is there, and the people are
/// all of one file.
fn verify(
    run: &Run<'_>,
    actors: &Actors,
    address: &str,
    acknowledged: &Mutex<Acknowledged>,
) -> usize {
    let Actors {
        admin,
        mentor,
        relationship,
    } = actors;
    let acknowledged = acknowledged.lock().expect("lock");
    let detail = mentor.get(
        address,
        &format!("/api/relationships/{relationship}?meetings=all"),
    );
    assert_eq!(detail.status, 200, "{}", detail.body);
    let found: HashSet<i64> = detail.json()["meetings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| m["id"].as_i64())
        .collect();
    let lost: Vec<&i64> = acknowledged
        .meetings
        .iter()
        .filter(|id| !found.contains(id))
        .collect();
    assert!(lost.is_empty(), "acknowledged meetings lost: {lost:?}");

    let mut imported_uploads = HashSet::new();
    for (version, id) in &acknowledged.uploads {
        let status = admin.get(address, &format!("/api/people/imports/{id}"));
        assert_eq!(
            status.status, 200,
            "the accepted upload {id} is there: {}",
            status.body
        );
        let json = status.json();
        assert_eq!(json["organisation_id"], run.organisation);
        if json["state"] == "imported" {
            imported_uploads.insert(*version);
        }
    }

    let total = |q: &str| -> u64 {
        let reply = admin.get(address, &format!("/api/people?q={q}&per_page=1"));
        assert_eq!(reply.status, 200, "{}", reply.body);
        reply.json()["total"].as_u64().expect("a total")
    };
    let people = total("crash.example");
    let rows = ROWS as u64;
    if people == 0 {
        assert!(
            acknowledged.last_command_import.is_none() && imported_uploads.is_empty(),
            "an import finished, but its people are not there"
        );
        return imported_uploads.len();
    }
    assert_eq!(people, rows, "a partial import is visible");
    let mut version_found = None;
    for version in acknowledged.started.iter().rev() {
        let n = total(&job_title(*version));
        assert!(
            n == 0 || n == rows,
            "version {version} is on {n} of {rows} people: part of an import is visible"
        );
        if n == rows {
            version_found = Some(*version);
            break;
        }
    }
    let version = version_found.expect("the people are of one of the files imported");
    // Nothing older than the last import the command line finished can
    // win, unless it is an upload whose job applied it later.
    if let Some(last) = acknowledged.last_command_import {
        assert!(
            version >= last || imported_uploads.contains(&version),
            "version {version} is visible after version {last} was imported"
        );
    }
    imported_uploads.len()
}
