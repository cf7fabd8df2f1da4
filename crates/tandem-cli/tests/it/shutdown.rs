//! Issue 9 item 6: the real server, stopped with SIGTERM while a big
//! upload is being imported by its background job, exits within 30
//! seconds, leaves SQLite's write-ahead log checkpointed into the database
//! file, and leaves either none of the import or all of it.

use std::process::Command;
use std::time::{Duration, Instant};

use super::support::{Server, http, sign_in, succeed};
use super::{tandem, temp_dir};

const ROWS: usize = 60_000;

#[test]
fn sigterm_during_a_background_import_exits_within_30_seconds_leaving_none_or_all_of_it() {
    let dir = temp_dir("shutdown");
    let db_path = dir.join("t.db");
    let db = format!("sqlite://{}", db_path.display());
    let key = dir.join("t.key");
    let key_arg = key.display().to_string();
    assert!(
        tandem(&["key", "generate", "--out", &key_arg])
            .status
            .success()
    );
    assert!(
        tandem(&["--database-url", &db, "organisation", "add", "Org"])
            .status
            .success()
    );
    succeed(
        Command::new(env!("CARGO_BIN_EXE_tandem"))
            .args([
                "--database-url",
                &db,
                "account",
                "add",
                "--email",
                "admin@example.org",
            ])
            .args(["--name", "Ada Admin", "--role", "administrator"])
            .env("TANDEM_PASSWORD", "a long test passphrase")
            .env("RUST_LOG", "warn"),
    );

    let server = Server::start(
        &["--database-url", &db, "serve", "--bind", "127.0.0.1:0"],
        &dir,
        &[("TANDEM_KEY_FILE", &key)],
    );
    let address = server.address.clone();
    let mut server = server.child;
    let admin = sign_in(&address, "admin@example.org", "a long test passphrase");

    let mut csv =
        String::from("employee_id,given_name,family_name,email,team,line_manager_employee_id\n");
    csv.push_str("E0,Top,Boss,boss@example.org,Board,\n");
    for i in 1..ROWS {
        csv.push_str(&format!(
            "E{i},Given{i},Family{i},p{i}@example.org,Team {},E0\n",
            i / 50
        ));
    }
    let accepted = http(
        &address,
        "POST",
        "/api/organisations/1/people/import",
        &admin.headers("text/csv"),
        csv.as_bytes(),
    );
    assert_eq!(accepted.status, 202, "{}", accepted.body);
    let status_url = accepted.json()["status_url"]
        .as_str()
        .expect("a status_url")
        .to_owned();

    // Wait until the job is writing rows (or, on a fast machine, done).
    let deadline = Instant::now() + Duration::from_secs(180);
    loop {
        let status = admin.get(&address, &status_url);
        let json = status.json();
        let state = json["state"].as_str().unwrap_or_default();
        if state != "queued" && (state != "staging" || json["staged_rows"] != 0) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the import never started: {}",
            status.body
        );
        std::thread::sleep(Duration::from_millis(100));
    }

    let stopped_at = Instant::now();
    let sent = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(sent.success());
    let exit = loop {
        if let Some(exit) = server.try_wait().expect("wait") {
            break exit;
        }
        if stopped_at.elapsed() > Duration::from_secs(30) {
            let _ = server.kill();
            let _ = server.wait();
            panic!("the server did not stop within 30 seconds of SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(exit.success(), "a clean stop exits 0: {exit:?}");

    // Checkpointed: everything is in the database file.
    let wal = std::fs::metadata(format!("{}-wal", db_path.display())).map_or(0, |m| m.len());
    assert_eq!(wal, 0, "the write-ahead log was checkpointed and emptied");

    // None of the import, or all of it: never part.
    let listed = tandem(&["--database-url", &db, "organisation", "list"]);
    let listed = String::from_utf8_lossy(&listed.stdout).into_owned();
    let people: usize = listed
        .lines()
        .find(|line| line.contains("\tOrg\t"))
        .and_then(|line| line.rsplit('\t').next())
        .and_then(|count| count.trim_end_matches(" people").parse().ok())
        .unwrap_or_else(|| panic!("the organisation is listed: {listed}"));
    assert!(
        people == 0 || people == ROWS,
        "a partial import is visible: {people} people"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
