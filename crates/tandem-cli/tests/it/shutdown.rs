//! Issue 9 item 6: the real server, stopped with SIGTERM while a big
//! upload is being imported by its background job, exits within 30
//! seconds, leaves SQLite's write-ahead log checkpointed into the database
//! file, and leaves either none of the import or all of it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::{tandem, temp_dir};

const ROWS: usize = 60_000;

struct Reply {
    status: u16,
    cookies: Vec<(String, String)>,
    body: String,
}

/// One HTTP/1.1 request on its own connection.
fn http(address: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
    let mut stream = TcpStream::connect(address).expect("the server accepts a connection");
    stream
        .set_read_timeout(Some(Duration::from_secs(120)))
        .expect("timeout");
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream
        .write_all(request.as_bytes())
        .expect("request written");
    stream.write_all(body).expect("body written");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("a reply");
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").expect("a head and a body");
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status");
    let cookies = head
        .lines()
        .filter_map(|line| {
            let (name, value) = line.split_once(':')?;
            if !name.eq_ignore_ascii_case("set-cookie") {
                return None;
            }
            let pair = value.trim().split(';').next()?;
            let (k, v) = pair.split_once('=')?;
            Some((k.to_owned(), v.to_owned()))
        })
        .collect();
    Reply {
        status,
        cookies,
        body: body.to_owned(),
    }
}

fn field<'a>(json: &'a str, name: &str) -> &'a str {
    let marker = format!("\"{name}\":");
    let start = json
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} in {json}"))
        + marker.len();
    let rest = &json[start..];
    let end = rest.find([',', '}']).unwrap_or(rest.len());
    rest[..end].trim_matches('"')
}

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
    let added = Command::new(env!("CARGO_BIN_EXE_tandem"))
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
        .env("RUST_LOG", "warn")
        .output()
        .expect("the binary runs");
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );

    let mut server = Command::new(env!("CARGO_BIN_EXE_tandem"))
        .args(["--database-url", &db, "serve", "--bind", "127.0.0.1:0"])
        .env("TANDEM_KEY_FILE", &key)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the server starts");
    let mut first_line = String::new();
    BufReader::new(server.stdout.take().expect("stdout"))
        .read_line(&mut first_line)
        .expect("the server says where it runs");
    let address = first_line
        .trim()
        .trim_start_matches("Tandem is running at http://")
        .trim_end_matches('/')
        .to_owned();

    // Sign in as the administrator, and fetch the session's CSRF token.
    let form = http(&address, "GET", "/sign-in", &[], b"");
    let presession = form.cookies.first().expect("a pre-session cookie").clone();
    let marker = "name=\"csrf\" value=\"";
    let start = form.body.find(marker).expect("a csrf field") + marker.len();
    let csrf = &form.body[start..start + form.body[start..].find('"').expect("quote")];
    let body =
        format!("csrf={csrf}&next=%2F&email=admin%40example.org&password=a+long+test+passphrase");
    let cookie = format!("{}={}", presession.0, presession.1);
    let signed_in = http(
        &address,
        "POST",
        "/sign-in",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Cookie", &cookie),
        ],
        body.as_bytes(),
    );
    assert_eq!(signed_in.status, 303, "{}", signed_in.body);
    let session = signed_in
        .cookies
        .iter()
        .find(|(name, _)| name == "tandem_session")
        .expect("a session cookie");
    let cookie = format!("{}={}", session.0, session.1);
    let me = http(&address, "GET", "/api/me", &[("Cookie", &cookie)], b"");
    let token = field(&me.body, "csrf_token").to_owned();

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
        &[
            ("Content-Type", "text/csv"),
            ("Cookie", &cookie),
            ("X-CSRF-Token", &token),
        ],
        csv.as_bytes(),
    );
    assert_eq!(accepted.status, 202, "{}", accepted.body);
    let status_url = field(&accepted.body, "status_url").to_owned();

    // Wait until the job is writing rows (or, on a fast machine, done).
    let deadline = Instant::now() + Duration::from_secs(180);
    loop {
        let status = http(&address, "GET", &status_url, &[("Cookie", &cookie)], b"");
        let state = field(&status.body, "state").to_owned();
        if state != "queued" && (state != "staging" || field(&status.body, "staged_rows") != "0") {
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
