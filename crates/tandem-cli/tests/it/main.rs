//! The `tandem` binary, run as an operator would.

use std::process::Command;

mod crash;
mod shutdown;
mod support;

fn tandem(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_tandem"))
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .expect("the binary runs")
}

fn template_path(key: &str) -> String {
    format!("{}/../../programmes/{key}.toml", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn programme_validate_accepts_every_shipped_template() {
    for key in ["caf", "fun", "wsc", "afc", "cwt"] {
        let path = template_path(key);
        let output = tandem(&["programme", "validate", &path]);
        assert!(
            output.status.success(),
            "{key}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            stdout.starts_with(&format!("{path}: valid programme {key} (")),
            "{stdout}"
        );
    }
}

#[test]
fn programme_validate_lists_every_error_as_file_line_key_message() {
    let source = std::fs::read_to_string(template_path("afc"))
        .expect("the template reads")
        .replacen("max_months = 6", "max_months = 0", 1)
        .replacen("how_to_apply = \"Talk", "how_to_apply = \"\"\n# \"Talk", 1);
    let path = std::env::temp_dir().join(format!("tandem-cli-bad-{}.toml", std::process::id()));
    std::fs::write(&path, &source).expect("a temporary file");
    let output = tandem(&["programme", "validate", &path.display().to_string()]);
    let _ = std::fs::remove_file(&path);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let prefix = format!("{}:", path.display());
    let lines: Vec<&str> = stderr.lines().collect();
    assert!(lines.len() >= 3, "{stderr}");
    let apply_line = source
        .lines()
        .position(|l| l == "how_to_apply = \"\"")
        .expect("blanked")
        + 1;
    assert!(
        lines.contains(
            &format!("{prefix}{apply_line}: publicity.how_to_apply: how to apply cannot be empty")
                .as_str()
        ),
        "{stderr}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with(&prefix) && l.contains(": tracks[0].length.max_months: ")),
        "{stderr}"
    );
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("tandem-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[test]
fn import_people_lists_every_bad_row_exits_1_and_writes_nothing() {
    let dir = temp_dir("import");
    let db = format!("sqlite://{}", dir.join("t.db").display());
    let added = tandem(&[
        "--database-url",
        &db,
        "organisation",
        "add",
        "Nursery",
        "--jurisdiction",
        "Wales",
    ]);
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let bad = dir.join("bad.csv");
    std::fs::write(
        &bad,
        "employee_id,given_name,family_name,email,line_manager_employee_id\n\
         A1,Ann,Lee,ann@example.org,\n\
         B2,,Roe,bob@,A1\n\
         C3,Cy,Ray,cy@example.org,ZZ\n",
    )
    .expect("write");
    let output = tandem(&[
        "--database-url",
        &db,
        "import",
        "people",
        bad.to_str().expect("path"),
        "--organisation",
        "Nursery",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(
        lines,
        vec![
            "line 3, column given_name: must not be empty",
            "line 3, column email: \"bob@\" is not an email address",
            "line 4, column line_manager_employee_id: no person with employee id \"ZZ\" in this file or already imported",
            &format!("{}: 3 errors; nothing was imported.", bad.display()),
        ]
    );
    let list = tandem(&["--database-url", &db, "organisation", "list"]);
    assert!(String::from_utf8_lossy(&list.stdout).contains("Nursery\tWales\t0 people"));

    let good = dir.join("good.csv");
    std::fs::write(
        &good,
        "employee_id,given_name,family_name,email\nA1,Ann,Lee,ann@example.org\n",
    )
    .expect("write");
    let output = tandem(&[
        "--database-url",
        &db,
        "import",
        "people",
        good.to_str().expect("path"),
        "--organisation",
        "Nursery",
    ]);
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "Imported Nursery: 1 added, 0 updated.\n"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn match_solve_prints_the_optimum_last() {
    let dir = temp_dir("match");
    let pairs = dir.join("pairs.csv");
    let capacities = dir.join("capacities.csv");
    std::fs::write(
        &pairs,
        "mentee,mentor,score,requested_at\nann,m1,10,2026-01-01\nann,m2,3,2026-01-01\nbob,m1,8,2026-01-02\ncat,m1,9,2026-01-03\ncat,m2,1,2026-01-03\n",
    )
    .expect("write");
    std::fs::write(&capacities, "mentor,capacity\nm1,1\nm2,1\n").expect("write");
    let (p, c) = (
        pairs.to_str().expect("path"),
        capacities.to_str().expect("path"),
    );
    let best = tandem(&["match", "solve", "--pairs", p, "--capacities", c]);
    assert!(
        best.status.success(),
        "{}",
        String::from_utf8_lossy(&best.stderr)
    );
    let stdout = String::from_utf8_lossy(&best.stdout);
    assert_eq!(
        stdout.lines().last(),
        Some("matched 2 of 3, total score 12")
    );
    assert!(stdout.contains("ann,m2,3\ncat,m1,9\n"));
    // First come, first served keeps bob (earlier) ahead of cat.
    let fcfs = tandem(&["match", "solve", "--pairs", p, "--capacities", c, "--fcfs"]);
    assert_eq!(
        String::from_utf8_lossy(&fcfs.stdout).lines().last(),
        Some("matched 2 of 3, total score 11")
    );

    std::fs::write(&pairs, "mentee,mentor,score\nann,m9,4\nbob,m1,lots\n").expect("write");
    let bad = tandem(&["match", "solve", "--pairs", p, "--capacities", c]);
    assert_eq!(bad.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(
        stderr.contains(&format!("{p}:2: mentor: mentor \"m9\" is not in {c}")),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("{p}:3: score: \"lots\" is not a whole number")),
        "{stderr}"
    );

    // An empty pairs file, and a headerless one whose first score is not
    // a whole number, are errors, not "matched 0 of 0" or a lost row.
    std::fs::write(&pairs, "").expect("write");
    let empty = tandem(&["match", "solve", "--pairs", p, "--capacities", c]);
    assert_eq!(empty.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&empty.stderr),
        format!(
            "{p}: *: the file is empty; it needs one row per admissible pair: mentee,mentor,score[,requested_at]\n1 error; nothing was solved.\n"
        )
    );
    assert!(empty.stdout.is_empty());
    std::fs::write(&pairs, "ann,m1,1.5\nbob,m1,8\n").expect("write");
    let headerless = tandem(&["match", "solve", "--pairs", p, "--capacities", c]);
    assert_eq!(headerless.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&headerless.stderr)
            .starts_with(&format!("{p}:1: score: \"1.5\" is not a whole number\n")),
        "{}",
        String::from_utf8_lossy(&headerless.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn enrol_creates_requests_for_the_automatic_track_and_names_a_bad_programme() {
    let path = std::env::temp_dir().join(format!("tandem_cli_enrol_{}.db", std::process::id()));
    let url = format!("sqlite://{}", path.display());
    let imported = tandem(&[
        "--database-url",
        &url,
        "programme",
        "import",
        &template_path("caf"),
    ]);
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    let enrolled = tandem(&[
        "--database-url",
        &url,
        "enrol",
        "--programme",
        "caf",
        "--today",
        "2026-11-30",
    ]);
    assert!(
        enrolled.status.success(),
        "{}",
        String::from_utf8_lossy(&enrolled.stderr)
    );
    assert!(String::from_utf8_lossy(&enrolled.stdout).starts_with("Enrolled 0 people in caf"));
    let unknown = tandem(&["--database-url", &url, "enrol", "--programme", "nope"]);
    assert!(!unknown.status.success());
    assert!(
        String::from_utf8_lossy(&unknown.stderr)
            .contains("programme: There is no programme with the key \"nope\"")
    );
    let fun = tandem(&[
        "--database-url",
        &url,
        "enrol",
        "--programme",
        "caf",
        "--today",
        "30/11/2026",
    ]);
    assert!(!fun.status.success());
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

#[test]
fn check_database_says_a_new_database_is_whole_and_exits_0() {
    let dir = temp_dir("check-database");
    let db = format!("sqlite://{}", dir.join("t.db").display());
    let output = tandem(&["--database-url", &db, "check-database"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        format!("{db}: the database is whole.\n")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_database_pool_of_none_is_refused_by_name_and_a_pool_of_one_serves() {
    let dir = temp_dir("database-pool");
    let db = format!("sqlite://{}", dir.join("t.db").display());
    let refused = tandem(&[
        "--database-url",
        &db,
        "--database-pool",
        "0",
        "check-database",
    ]);
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("--database-pool"), "{stderr}");
    assert!(
        !dir.join("t.db").exists(),
        "nothing is opened on a bad option"
    );
    let one = tandem(&[
        "--database-url",
        &db,
        "--database-pool",
        "1",
        "check-database",
    ]);
    assert!(
        one.status.success(),
        "{}",
        String::from_utf8_lossy(&one.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
