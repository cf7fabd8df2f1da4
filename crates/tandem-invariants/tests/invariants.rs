//! The invariants of ARCHITECTURE.md, checked by reading the workspace's
//! files and `cargo metadata`. Each test fails naming the crate, or the
//! file and line, that breaks its rule.
//!
//! This crate itself is never scanned: its strings spell the patterns it
//! looks for.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use tandem_invariants::{RustFile, files_under, find_word, find_words, relative, rust_files};

// ---------------------------------------------------------------------------
// The workspace

fn root() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the workspace root exists");
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).expect("a root Cargo.toml");
    assert!(
        manifest.contains("[workspace]"),
        "{} is not the workspace root",
        root.display()
    );
    root
}

const THIS_CRATE: &str = "crates/tandem-invariants/";

/// Every Rust file under `crates/` but this crate's.
fn workspace_rust_files(root: &Path) -> Vec<RustFile> {
    rust_files(root, "crates")
        .into_iter()
        .filter(|f| !f.path.starts_with(THIS_CRATE))
        .collect()
}

#[track_caller]
fn fail_if_any(what: &str, violations: &[String]) {
    assert!(
        violations.is_empty(),
        "{what}:\n  {}\n",
        violations.join("\n  ")
    );
}

// ---------------------------------------------------------------------------
// cargo metadata

struct Dep {
    id: String,
    /// "normal", "dev" or "build".
    kinds: BTreeSet<String>,
}

struct Metadata {
    /// Package id to name.
    names: HashMap<String, String>,
    /// Workspace member name to package id.
    members: BTreeMap<String, String>,
    /// Package id to its resolved dependencies.
    deps: HashMap<String, Vec<Dep>>,
}

/// Runs `cargo metadata` with a time limit, reading its output as it comes.
fn run_cargo_metadata(root: &Path, extra: &[&str]) -> Result<Vec<u8>, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut child = Command::new(&cargo)
        .args(["metadata", "--format-version", "1", "--offline"])
        .args(extra)
        .current_dir(root)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("running {cargo} metadata: {e}"))?;
    let mut stdout = child.stdout.take().expect("piped stdout");
    let mut stderr = child.stderr.take().expect("piped stderr");
    let out = std::thread::spawn(move || {
        let mut buf = Vec::new();
        stdout.read_to_end(&mut buf).map(|_| buf)
    });
    let err = std::thread::spawn(move || {
        let mut buf = String::new();
        stderr.read_to_string(&mut buf).map(|_| buf)
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        match child.try_wait().map_err(|e| e.to_string())? {
            Some(status) => break status,
            None if Instant::now() > deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err("cargo metadata took more than 60 s".into());
            }
            None => std::thread::sleep(Duration::from_millis(20)),
        }
    };
    let out = out
        .join()
        .expect("stdout reader")
        .map_err(|e| e.to_string())?;
    let err = err.join().expect("stderr reader").unwrap_or_default();
    if status.success() {
        Ok(out)
    } else {
        Err(format!(
            "cargo metadata {}: {}",
            extra.join(" "),
            err.trim()
        ))
    }
}

fn metadata(root: &Path) -> Metadata {
    // Every platform's dependencies when the registry cache has them all;
    // otherwise (a cache filled by builds for this platform only) this
    // platform's.
    let json = run_cargo_metadata(root, &[]).or_else(|everything| {
        let target = env!("TANDEM_INVARIANTS_TARGET");
        run_cargo_metadata(root, &["--filter-platform", target])
            .map_err(|this_platform| format!("{everything}\n{this_platform}"))
    });
    let json = json.unwrap_or_else(|e| panic!("{e}"));
    let value: Value = serde_json::from_slice(&json).expect("cargo metadata prints JSON");
    let text = |v: &Value| v.as_str().expect("a string").to_string();
    let mut names = HashMap::new();
    for package in value["packages"].as_array().expect("packages") {
        let id = text(&package["id"]);
        names.insert(id, text(&package["name"]));
    }
    let members = value["workspace_members"]
        .as_array()
        .expect("workspace_members")
        .iter()
        .map(|id| (names[&text(id)].clone(), text(id)))
        .collect();
    let mut deps = HashMap::new();
    for node in value["resolve"]["nodes"].as_array().expect("resolve") {
        let list = node["deps"]
            .as_array()
            .expect("deps")
            .iter()
            .map(|dep| Dep {
                id: text(&dep["pkg"]),
                kinds: dep["dep_kinds"]
                    .as_array()
                    .expect("dep_kinds")
                    .iter()
                    .map(|k| k["kind"].as_str().unwrap_or("normal").to_string())
                    .collect(),
            })
            .collect();
        deps.insert(text(&node["id"]), list);
    }
    Metadata {
        names,
        members,
        deps,
    }
}

impl Metadata {
    fn member(&self, name: &str) -> &str {
        self.members
            .get(name)
            .unwrap_or_else(|| panic!("{name} is not a workspace member"))
    }

    /// Every package a member reaches through normal dependencies, each
    /// with the chain that reaches it (`a → b → c`).
    fn normal_closure(&self, name: &str) -> BTreeMap<String, String> {
        let start = self.member(name).to_string();
        let mut chain: HashMap<String, String> = HashMap::new();
        chain.insert(start.clone(), name.to_string());
        let mut queue = VecDeque::from([start]);
        while let Some(id) = queue.pop_front() {
            for dep in self.deps.get(&id).into_iter().flatten() {
                if dep.kinds.contains("normal") && !chain.contains_key(&dep.id) {
                    let reached = format!("{} → {}", chain[&id], self.names[&dep.id]);
                    chain.insert(dep.id.clone(), reached);
                    queue.push_back(dep.id.clone());
                }
            }
        }
        chain
            .into_iter()
            .map(|(id, path)| (self.names[&id].clone(), path))
            .collect()
    }
}

/// A workspace member as its manifest declares it.
struct Member {
    /// Relative to the workspace root.
    manifest: String,
    /// Each dependency's package name, with its kinds ("normal", "dev",
    /// "build"), whatever the platform or feature.
    deps: BTreeMap<String, BTreeSet<String>>,
}

/// The workspace members by name, from `cargo metadata --no-deps`, which
/// resolves nothing and so takes a tenth of the time.
fn members(root: &Path) -> BTreeMap<String, Member> {
    let json = run_cargo_metadata(root, &["--no-deps"]).unwrap_or_else(|e| panic!("{e}"));
    let value: Value = serde_json::from_slice(&json).expect("cargo metadata prints JSON");
    let text = |v: &Value| v.as_str().expect("a string").to_string();
    let mut members = BTreeMap::new();
    for package in value["packages"].as_array().expect("packages") {
        let mut deps: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for dep in package["dependencies"].as_array().expect("dependencies") {
            deps.entry(text(&dep["name"]))
                .or_default()
                .insert(dep["kind"].as_str().unwrap_or("normal").to_string());
        }
        let manifest = PathBuf::from(text(&package["manifest_path"]));
        members.insert(
            text(&package["name"]),
            Member {
                manifest: relative(root, &manifest),
                deps,
            },
        );
    }
    members
}

/// The workspace members a member declares as dependencies, with the kinds.
fn member_deps<'a>(
    members: &'a BTreeMap<String, Member>,
    name: &str,
) -> Vec<(&'a str, &'a BTreeSet<String>)> {
    members
        .get(name)
        .unwrap_or_else(|| panic!("{name} is not a workspace member"))
        .deps
        .iter()
        .filter(|(dep, _)| members.contains_key(*dep))
        .map(|(dep, kinds)| (dep.as_str(), kinds))
        .collect()
}

fn kinds(kinds: &BTreeSet<String>) -> String {
    kinds.iter().cloned().collect::<Vec<_>>().join(", ")
}

// ---------------------------------------------------------------------------
// 1. Dependency rules between crates

/// Async runtimes, databases, HTTP and web crates.
const DENIED: &[&str] = &[
    "tokio",
    "async-std",
    "futures",
    "rusqlite",
    "libsqlite3-sys",
    "diesel",
    "reqwest",
    "maud",
    "utoipa",
    "tracing-subscriber",
];
const DENIED_PREFIXES: &[&str] = &[
    "tokio-",
    "async-std-",
    "futures-",
    "sqlx",
    "postgres",
    "sea-",
    "axum",
    "hyper",
    "tower",
    "diesel-",
    "utoipa-",
];
const DENIED_ANYWHERE: &[&str] = &["sqlx", "axum"];

fn denied(name: &str) -> bool {
    DENIED.contains(&name)
        || DENIED_PREFIXES.iter().any(|p| name.starts_with(p))
        || DENIED_ANYWHERE.iter().any(|p| name.contains(p))
}

fn denied_dependencies(meta: &Metadata, crate_name: &str) -> Vec<String> {
    meta.normal_closure(crate_name)
        .into_iter()
        .filter(|(name, _)| denied(name))
        .map(|(_, chain)| chain)
        // The first denied crate on each chain, not what it brings in.
        .filter(|chain| {
            let links: Vec<&str> = chain.split(" → ").collect();
            !links[..links.len() - 1].iter().any(|link| denied(link))
        })
        .collect()
}

/// ARCHITECTURE.md: "`tandem-domain` and `tandem-matching` depend on no
/// async runtime, database or web crate".
#[test]
fn pure_crates_depend_on_no_async_database_or_web_crate() {
    let meta = metadata(&root());
    let mut violations = Vec::new();
    for name in ["tandem-domain", "tandem-matching"] {
        violations.extend(denied_dependencies(&meta, name));
    }
    fail_if_any(
        "a pure crate depends (through normal dependencies) on an async runtime, database, HTTP or web crate",
        &violations,
    );
}

/// The layers: `tandem-matching` and `tandem-domain` stand alone (the
/// domain may use a pure `tandem-seal`), the store builds on the domain
/// only, and the app knows nothing of its callers.
#[test]
fn tandem_crates_depend_on_each_other_only_as_the_layers_allow() {
    let root = root();
    let members = members(&root);
    type Allowed = fn(&str) -> bool;
    let rules: [(&str, Allowed, &str); 4] = [
        ("tandem-matching", |_| false, "no other tandem crate"),
        (
            "tandem-domain",
            |dep| dep == "tandem-seal",
            "no other tandem crate but a pure tandem-seal",
        ),
        (
            "tandem-store",
            |dep| dep == "tandem-domain",
            "no tandem crate but tandem-domain",
        ),
        (
            "tandem-app",
            |dep| dep != "tandem-web" && dep != "tandem-cli",
            "neither tandem-web nor tandem-cli",
        ),
    ];
    let mut violations = Vec::new();
    for (name, allowed, rule) in rules {
        for (dep, how) in member_deps(&members, name) {
            if !allowed(dep) {
                violations.push(format!(
                    "{name} depends on {dep} ({}) in {}; it may depend on {rule}",
                    kinds(how),
                    members[name].manifest
                ));
            }
        }
    }
    if members.contains_key("tandem-seal") {
        violations.extend(
            denied_dependencies(&metadata(&root), "tandem-seal")
                .into_iter()
                .map(|chain| format!("tandem-seal is not pure: {chain}")),
        );
    }
    fail_if_any("a tandem crate breaks the layering", &violations);
}

/// The web and the command line reach the database only through the app,
/// in their tests too.
#[test]
fn web_and_cli_do_not_depend_on_the_store() {
    let members = members(&root());
    let mut violations = Vec::new();
    for name in ["tandem-web", "tandem-cli"] {
        for (dep, how) in member_deps(&members, name) {
            if dep == "tandem-store" {
                violations.push(format!(
                    "{name} depends on tandem-store ({}) in {}",
                    kinds(how),
                    members[name].manifest
                ));
            }
        }
    }
    fail_if_any(
        "the web or the command line depends on the store (normal or dev)",
        &violations,
    );
}

// ---------------------------------------------------------------------------
// 2. No SQL outside the store

/// Words that follow one another (with whitespace between) in SQL.
const SQL_SEQUENCES: &[&[&str]] = &[
    &["INSERT", "INTO"],
    &["DELETE", "FROM"],
    &["CREATE", "TABLE"],
    &["CREATE", "INDEX"],
    &["CREATE", "UNIQUE", "INDEX"],
    &["CREATE", "TRIGGER"],
    &["ALTER", "TABLE"],
    &["DROP", "TABLE"],
];
/// Words that come in this order in one SQL statement.
const SQL_PAIRS: &[(&str, &str)] = &[("SELECT", "FROM"), ("UPDATE", "SET")];

/// Offsets in `text` at which SQL starts.
fn sql_in(text: &str) -> Vec<usize> {
    let mut found: Vec<usize> = SQL_SEQUENCES
        .iter()
        .flat_map(|words| find_words(text, words))
        .collect();
    for (first, second) in SQL_PAIRS {
        found.extend(
            find_word(text, first)
                .into_iter()
                .filter(|&i| !find_word(&text[i..], second).is_empty()),
        );
    }
    found.sort_unstable();
    found.dedup();
    found
}

/// ARCHITECTURE.md: "Only `tandem-store` contains SQL."
#[test]
fn only_the_store_contains_sql() {
    let root = root();
    let mut violations = Vec::new();
    for file in workspace_rust_files(&root) {
        if file.path.starts_with("crates/tandem-store/") {
            continue;
        }
        let mut at: Vec<usize> = Vec::new();
        // SQL in a string literal, the literal as one statement.
        for literal in file.literals() {
            at.extend(
                sql_in(&literal.text)
                    .into_iter()
                    .map(|i| literal.offset + i),
            );
        }
        // SQL spelt in code (a macro's tokens), a line as one statement.
        let mut line_start = 0;
        for line in file.code.split_inclusive('\n') {
            at.extend(sql_in(line).into_iter().map(|i| line_start + i));
            line_start += line.len();
        }
        at.extend(find_word(&file.code, "sqlx::"));
        at.sort_unstable();
        at.dedup();
        violations.extend(at.into_iter().map(|i| file.at(i)));
    }
    fail_if_any("SQL outside tandem-store", &violations);
}

#[test]
fn only_the_store_depends_on_sqlx() {
    let members = members(&root());
    let mut violations = Vec::new();
    for (name, member) in &members {
        if name == "tandem-store" {
            continue;
        }
        for (dep_name, how) in &member.deps {
            if dep_name.contains("sqlx") {
                violations.push(format!(
                    "{name} depends on {dep_name} ({}) in {}",
                    kinds(how),
                    member.manifest
                ));
            }
        }
    }
    fail_if_any(
        "a crate other than tandem-store depends on sqlx",
        &violations,
    );
}

// ---------------------------------------------------------------------------
// 3. No store import in the web or the command line

#[test]
fn web_and_cli_do_not_import_the_store() {
    let root = root();
    let mut violations = Vec::new();
    for under in ["crates/tandem-web", "crates/tandem-cli"] {
        let files = rust_files(&root, under);
        assert!(!files.is_empty(), "no Rust files under {under}");
        for file in files {
            violations.extend(
                find_word(&file.code, "tandem_store")
                    .into_iter()
                    .map(|i| file.at(i)),
            );
        }
    }
    fail_if_any(
        "tandem_store used in the web or the command line",
        &violations,
    );
}

// ---------------------------------------------------------------------------
// 4. Authorities are made only in `tandem_domain::permissions`

const PERMISSIONS: &str = "crates/tandem-domain/src/permissions.rs";
const PERMISSIONS_DIR: &str = "crates/tandem-domain/src/permissions/";

fn is_permissions(path: &str) -> bool {
    path == PERMISSIONS || path.starts_with(PERMISSIONS_DIR)
}

fn is_authority(name: &str) -> bool {
    name.ends_with("Authority") && name.len() > "Authority".len()
}

fn ident_at(code: &str, from: usize) -> (usize, &str) {
    let start = from + code[from..].len() - code[from..].trim_start().len();
    let len = code[start..]
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
        .count();
    (start, &code[start..start + len])
}

/// `struct Name` declarations in a file: (offset of `struct`, name).
fn structs(file: &RustFile) -> Vec<(usize, String)> {
    find_word(&file.code, "struct")
        .into_iter()
        .map(|at| (at, ident_at(&file.code, at + "struct".len()).1.to_string()))
        .collect()
}

/// The offset of the delimiter that closes the one at `open`.
fn closing(code: &[u8], open: usize) -> usize {
    let mut depth = 0i32;
    for (j, &b) in code.iter().enumerate().skip(open) {
        match b {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth -= 1;
                if depth == 0 {
                    return j;
                }
            }
            _ => {}
        }
    }
    code.len()
}

/// The fields of the struct declared at `at`, each as the offset where it
/// starts (past its attributes) and the text up to its comma; none for a
/// unit struct.
fn struct_fields(code: &str, at: usize) -> Vec<(usize, &str)> {
    let bytes = code.as_bytes();
    let Some(open) = code[at..].find(['{', '(', ';']).map(|i| at + i) else {
        return Vec::new();
    };
    if bytes[open] == b';' {
        return Vec::new();
    }
    let close = closing(bytes, open);
    if close >= bytes.len() {
        return Vec::new();
    }
    let mut fields = Vec::new();
    let mut depth = 0i32;
    let mut field_start = open + 1;
    for j in open + 1..=close {
        match bytes[j] {
            b'(' | b'[' | b'{' | b'<' => depth += 1,
            // Not the `>` of a function pointer's `->`.
            b'>' if bytes[j - 1] == b'-' => {}
            b')' | b']' | b'}' | b'>' if j < close => depth -= 1,
            b',' if depth == 0 => {
                fields.push(field_start..j);
                field_start = j + 1;
            }
            _ => {}
        }
        if j == close {
            fields.push(field_start..j);
        }
    }
    fields
        .into_iter()
        .filter_map(|range| {
            // Past attributes and whitespace, to the field itself.
            let mut k = range.start;
            loop {
                while k < range.end && bytes[k].is_ascii_whitespace() {
                    k += 1;
                }
                if k < range.end && bytes[k] == b'#' {
                    let bracket = code[k..range.end].find('[').map(|i| k + i)?;
                    k = closing(bytes, bracket) + 1;
                } else {
                    break;
                }
            }
            let k = k.min(range.end);
            Some((k, &code[k..range.end])).filter(|(_, field)| !field.trim().is_empty())
        })
        .collect()
}

/// The offsets of the public fields of the struct declared at `at`.
fn public_fields(code: &str, at: usize) -> Vec<usize> {
    struct_fields(code, at)
        .into_iter()
        .filter_map(|(k, _)| {
            let (start, word) = ident_at(code, k);
            (word == "pub").then_some(start)
        })
        .collect()
}

/// Declarations of authorities (and of the `Operator`, the one way to an
/// authority without a check) in the permissions module.
fn authority_declarations(root: &Path) -> Vec<(RustFile, Vec<(usize, String)>)> {
    rust_files(root, "crates/tandem-domain/src")
        .into_iter()
        .filter(|f| is_permissions(&f.path))
        .map(|file| {
            let found = structs(&file)
                .into_iter()
                .filter(|(_, name)| is_authority(name) || name == "Operator")
                .collect();
            (file, found)
        })
        .collect()
}

/// ARCHITECTURE.md: "operations that write need an authority value that
/// only that module makes".
#[test]
fn authorities_have_only_private_fields() {
    let root = root();
    let declared = authority_declarations(&root);
    let count: usize = declared.iter().map(|(_, d)| d.len()).sum();
    assert!(
        count > 1,
        "no …Authority struct found in {PERMISSIONS} or {PERMISSIONS_DIR}; has the module moved?"
    );
    let mut violations = Vec::new();
    for (file, structs) in &declared {
        for (at, name) in structs {
            violations.extend(
                public_fields(&file.code, *at)
                    .into_iter()
                    .map(|field| format!("{} (a field of {name})", file.at(field))),
            );
        }
    }
    fail_if_any(
        "an authority has a public field, so code outside permissions can make one",
        &violations,
    );
}

/// Whether the name at `at` is in a struct literal (or pattern) rather than
/// a declaration, an `impl`, or a return type.
fn in_struct_literal(code: &str, at: usize, name: &str) -> bool {
    let after = code[at + name.len()..].trim_start();
    if !after.starts_with('{') {
        return false;
    }
    // Back over the path (`permissions::Name`) to the token before it.
    let mut before = code[..at].trim_end();
    while let Some(rest) = before.strip_suffix("::") {
        let rest = rest.trim_end();
        let ident_len = rest
            .bytes()
            .rev()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
            .count();
        before = rest[..rest.len() - ident_len].trim_end();
    }
    if before.ends_with("->") {
        return false;
    }
    let word_len = before
        .bytes()
        .rev()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
        .count();
    let word = &before[before.len() - word_len..];
    !matches!(
        word,
        "struct" | "enum" | "union" | "trait" | "impl" | "for" | "mod" | "type" | "dyn"
    )
}

#[test]
fn authorities_are_declared_and_built_only_in_permissions() {
    let root = root();
    // The `Operator`'s one field is private (checked above); its name is
    // also an `Actor` variant, so it is left out here.
    let names: BTreeSet<String> = authority_declarations(&root)
        .into_iter()
        .flat_map(|(_, d)| d.into_iter().map(|(_, name)| name))
        .filter(|name| is_authority(name))
        .collect();
    assert!(
        names.len() > 1,
        "no …Authority struct found in {PERMISSIONS} or {PERMISSIONS_DIR}; has the module moved?"
    );
    let mut violations = Vec::new();
    for file in workspace_rust_files(&root) {
        if is_permissions(&file.path) {
            continue;
        }
        for (at, name) in structs(&file) {
            if is_authority(&name) {
                violations.push(format!("{} (declared outside permissions)", file.at(at)));
            }
        }
        for name in &names {
            for at in find_word(&file.code, name) {
                if in_struct_literal(&file.code, at, name) {
                    violations.push(format!("{} (a {name} literal)", file.at(at)));
                }
            }
        }
    }
    fail_if_any(
        "an authority is declared or built outside tandem_domain::permissions",
        &violations,
    );
}

fn in_tests_or_benches(path: &str) -> bool {
    path.split('/')
        .any(|part| part == "tests" || part == "benches")
}

/// Only the command line and the demo loader act as the operator (and
/// tests and benchmarks, to set up data, including `#[cfg(test)]` items).
#[test]
fn only_the_command_line_and_the_demo_assume_the_operator() {
    let root = root();
    let files = workspace_rust_files(&root);
    let defined = files
        .iter()
        .any(|f| is_permissions(&f.path) && f.code.contains("fn assume("));
    assert!(
        defined,
        "Operator::assume is not defined in {PERMISSIONS}; has it moved?"
    );
    let mut violations = Vec::new();
    for file in &files {
        let allowed = file.path.starts_with("crates/tandem-cli/src/")
            || file.path == "crates/tandem-app/src/demo.rs"
            || in_tests_or_benches(&file.path);
        if !allowed {
            violations.extend(
                find_word(&file.code, "Operator::assume")
                    .into_iter()
                    .filter(|&i| !file.in_test_item(i))
                    .map(|i| file.at(i)),
            );
        }
    }
    fail_if_any(
        "Operator::assume called outside crates/tandem-cli/src/, crates/tandem-app/src/demo.rs, tests and benches",
        &violations,
    );
}

// ---------------------------------------------------------------------------
// 5. Pure crates do no IO

const IO: &[&str] = &[
    "std::fs",
    "std::net",
    "std::process",
    "std::env",
    "tokio",
    "SystemTime::now",
    "OffsetDateTime::now_utc",
    "OffsetDateTime::now_local",
    "Instant::now",
];
const IO_MODULES: &[&str] = &["fs", "net", "process", "env"];

/// `use std::{fs, …}`: the offsets of IO modules named in a `std::{…}`
/// group.
fn grouped_io(code: &str) -> Vec<usize> {
    let mut found = Vec::new();
    for at in find_word(code, "std") {
        let rest = &code[at + 3..];
        let Some(group) = rest.trim_start().strip_prefix("::") else {
            continue;
        };
        let trimmed = group.trim_start();
        if !trimmed.starts_with('{') {
            continue;
        }
        let open = code.len() - trimmed.len();
        let close = closing(code.as_bytes(), open);
        let inside = &code[open + 1..close];
        let first_word = |part: &str| {
            part.split(|c: char| c == ':' || c.is_whitespace())
                .find(|w| !w.is_empty())
                .unwrap_or("")
                .to_string()
        };
        if inside
            .split([',', '{', '}'])
            .any(|part| IO_MODULES.contains(&first_word(part).as_str()))
        {
            found.push(at);
        }
    }
    found
}

/// ARCHITECTURE.md: "`tandem-domain` and `tandem-matching` … do no IO."
#[test]
fn pure_crates_do_no_io() {
    let root = root();
    let mut violations = Vec::new();
    for under in ["crates/tandem-domain/src", "crates/tandem-matching/src"] {
        let files = rust_files(&root, under);
        assert!(!files.is_empty(), "no Rust files under {under}");
        for file in files {
            let mut at: Vec<usize> = IO
                .iter()
                .flat_map(|pattern| find_word(&file.code, pattern))
                .chain(grouped_io(&file.code))
                .collect();
            at.sort_unstable();
            at.dedup();
            violations.extend(at.into_iter().map(|i| file.at(i)));
        }
    }
    fail_if_any("a pure crate does IO or reads the time", &violations);
}

// ---------------------------------------------------------------------------
// 6. The clock

const READS_THE_CLOCK: &[&str] = &[
    "OffsetDateTime::now_utc",
    "OffsetDateTime::now_local",
    "SystemTime::now",
];
const SYSTEM_CLOCK: &str = "crates/tandem-store/src/lib.rs";

/// Reads of the system clock outside the `SystemClock` that were there when
/// this test was written: (file, pattern, why). The test fails when a read
/// is added elsewhere, and when one of these goes (so that this list only
/// shrinks).
const KNOWN_CLOCK_READS: &[(&str, &str, &str)] = &[];

/// Everything but the store's `SystemClock` reads the time from the app's
/// `Clock`, so that tests can set it.
#[test]
fn only_the_system_clock_reads_the_time() {
    let root = root();
    let mut violations = Vec::new();
    let mut known_seen = BTreeSet::new();
    let mut system_clock_found = false;
    for file in workspace_rust_files(&root) {
        let in_src = file.path.split('/').nth(2) == Some("src");
        if !in_src {
            continue;
        }
        for pattern in READS_THE_CLOCK {
            for at in find_word(&file.code, pattern) {
                if file.in_test_item(at) {
                    continue;
                }
                if file.path == SYSTEM_CLOCK {
                    system_clock_found = true;
                } else if let Some(known) = KNOWN_CLOCK_READS
                    .iter()
                    .find(|(path, p, _)| *path == file.path && p == pattern)
                {
                    known_seen.insert(*known);
                } else {
                    violations.push(file.at(at));
                }
            }
        }
    }
    for known in KNOWN_CLOCK_READS {
        if !known_seen.contains(known) {
            violations.push(format!(
                "{} no longer calls {} ({}): remove it from KNOWN_CLOCK_READS",
                known.0, known.1, known.2
            ));
        }
    }
    assert!(
        system_clock_found,
        "{SYSTEM_CLOCK} no longer reads the system clock; where is the SystemClock?"
    );
    fail_if_any(
        "the system clock read outside the SystemClock (read the app's Clock instead)",
        &violations,
    );
}

// ---------------------------------------------------------------------------
// 7. The audit log is append-only

/// SQL text in capitals, whitespace runs as one space, `--` comments,
/// identifier quotes and backslashes (of a Rust literal's `\"`) dropped,
/// with the offset in the source of each byte.
fn normalise_sql(text: &str, base: usize) -> (String, Vec<usize>) {
    let mut out = String::new();
    let mut offsets = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '-' && chars.peek().map(|&(_, n)| n) == Some('-') {
            for (_, n) in chars.by_ref() {
                if n == '\n' {
                    break;
                }
            }
            if !out.ends_with(' ') {
                out.push(' ');
                offsets.push(base + i);
            }
        } else if c.is_whitespace() {
            if !out.ends_with(' ') {
                out.push(' ');
                offsets.push(base + i);
            }
        } else if c == '"' || c == '`' || c == '\\' {
            continue;
        } else {
            for u in c.to_uppercase() {
                out.push(u);
                for _ in 0..u.len_utf8() {
                    offsets.push(base + i);
                }
            }
        }
    }
    (out, offsets)
}

const CHANGES_AUDIT_EVENTS: &[&str] = &[
    "UPDATE AUDIT_EVENTS",
    "UPDATE ONLY AUDIT_EVENTS",
    "DELETE FROM AUDIT_EVENTS",
    "DELETE FROM ONLY AUDIT_EVENTS",
    "TRUNCATE AUDIT_EVENTS",
    "TRUNCATE TABLE AUDIT_EVENTS",
    "DROP TABLE AUDIT_EVENTS",
    "DROP TABLE IF EXISTS AUDIT_EVENTS",
    "DISABLE TRIGGER",
    "UPDATE RELATIONSHIP_EVENTS",
    "DELETE FROM RELATIONSHIP_EVENTS",
    "TRUNCATE RELATIONSHIP_EVENTS",
    "TRUNCATE TABLE RELATIONSHIP_EVENTS",
    "UPDATE AGREEMENT_SIGNATURES",
    "DELETE FROM AGREEMENT_SIGNATURES",
    "TRUNCATE TABLE AGREEMENT_SIGNATURES",
];

/// ARCHITECTURE.md: "the store has no update or delete for it".
#[test]
fn the_store_never_updates_or_deletes_audit_events() {
    let root = root();
    let files = rust_files(&root, "crates/tandem-store/src");
    assert!(
        !files.is_empty(),
        "no Rust files under crates/tandem-store/src"
    );
    let mut violations = Vec::new();
    for file in &files {
        for literal in file.literals() {
            let (sql, offsets) = normalise_sql(&literal.text, literal.offset);
            for pattern in CHANGES_AUDIT_EVENTS {
                for at in find_word(&sql, pattern) {
                    violations.push(file.at(offsets[at]));
                }
            }
        }
    }
    for path in files_under(&root, "crates/tandem-store/src", ".sql") {
        let text = std::fs::read_to_string(&path).expect("a readable migration");
        let file = RustFile::parse(relative(&root, &path), text.clone());
        let (sql, offsets) = normalise_sql(&text, 0);
        for pattern in CHANGES_AUDIT_EVENTS {
            for at in find_word(&sql, pattern) {
                violations.push(file.at(offsets[at]));
            }
        }
    }
    fail_if_any("the store changes or removes audit events", &violations);
}

struct Migration {
    path: String,
    file_name: String,
    sql: String,
}

/// The names and (capitalised) text of `CREATE [OR REPLACE] FUNCTION name`
/// definitions, each up to the next `CREATE`.
fn functions(sql: &str) -> Vec<(String, &str)> {
    let mut found = Vec::new();
    for keyword in ["CREATE FUNCTION ", "CREATE OR REPLACE FUNCTION "] {
        for (at, _) in sql.match_indices(keyword) {
            let rest = &sql[at + keyword.len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '.')
                .collect();
            let end = rest.find("CREATE ").unwrap_or(rest.len());
            found.push((name, &rest[..end]));
        }
    }
    found
}

/// ARCHITECTURE.md: "database triggers refuse both": on each database, the
/// migrations embedded in the store create triggers that unconditionally
/// refuse an UPDATE and a DELETE on `audit_events`, and none drops them.
#[test]
fn migrations_make_audit_events_append_only() {
    let root = root();
    let migrations: Vec<Migration> = files_under(&root, "crates/tandem-store", ".sql")
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("a readable migration");
            Migration {
                path: relative(&root, &path),
                file_name: path
                    .file_name()
                    .expect("a file name")
                    .to_string_lossy()
                    .into_owned(),
                sql: normalise_sql(&text, 0).0,
            }
        })
        .collect();
    assert!(
        !migrations.is_empty(),
        "no migrations under crates/tandem-store"
    );
    let embedded: Vec<String> = rust_files(&root, "crates/tandem-store/src")
        .iter()
        .flat_map(|f| f.literals().into_iter().map(|l| l.text))
        .collect();
    let mut violations = Vec::new();
    for database in ["sqlite", "postgres"] {
        let applies = |m: &&Migration| {
            let specific = m.file_name.trim_end_matches(".sql").rsplit_once('.');
            match specific {
                Some((_, db)) => db == database,
                None => true,
            }
        };
        let own: Vec<&Migration> = migrations.iter().filter(applies).collect();
        let refusing_functions: BTreeSet<String> = own
            .iter()
            .flat_map(|m| functions(&m.sql))
            .filter(|(_, body)| body.contains("RAISE EXCEPTION"))
            .map(|(name, _)| name)
            .collect();
        let mut refused: BTreeSet<&str> = BTreeSet::new();
        let mut guards: Vec<(String, Option<String>)> = Vec::new();
        for migration in &own {
            for (at, _) in migration.sql.match_indices("CREATE TRIGGER ") {
                let rest = &migration.sql[at + "CREATE TRIGGER ".len()..];
                let rest = rest.strip_prefix("IF NOT EXISTS ").unwrap_or(rest);
                let Some((name, rest)) = rest.split_once(' ') else {
                    continue;
                };
                let Some(rest) = rest.strip_prefix("BEFORE ") else {
                    continue;
                };
                let Some((events, rest)) = rest.split_once(" ON ") else {
                    continue;
                };
                let Some((table, action)) = rest.split_once(' ') else {
                    continue;
                };
                if table != "AUDIT_EVENTS" {
                    continue;
                }
                let action = &action[..action.find("CREATE ").unwrap_or(action.len())];
                let header = &action[..action
                    .find("BEGIN")
                    .or_else(|| action.find("EXECUTE"))
                    .unwrap_or(action.len())];
                let function = ["EXECUTE FUNCTION ", "EXECUTE PROCEDURE "]
                    .iter()
                    .find_map(|k| action.split_once(k))
                    .map(|(_, f)| f.split('(').next().unwrap_or("").trim().to_string());
                let refuses = find_word(header, "WHEN").is_empty()
                    && (action.contains("RAISE(")
                        || action.contains("RAISE (")
                        || function
                            .as_ref()
                            .is_some_and(|f| refusing_functions.contains(f)));
                if !refuses {
                    continue;
                }
                let not_embedded = format!(
                    "{} refuses changes to audit_events but is not embedded (include_str!) in the store",
                    migration.path
                );
                if !embedded
                    .iter()
                    .any(|l| l.contains(&format!("/{}\"", migration.file_name)))
                    && !violations.contains(&not_embedded)
                {
                    violations.push(not_embedded);
                }
                for event in events.split(" OR ") {
                    match event {
                        "UPDATE" => refused.insert("UPDATE"),
                        "DELETE" => refused.insert("DELETE"),
                        _ => false,
                    };
                }
                guards.push((name.to_string(), function));
            }
        }
        for event in ["UPDATE", "DELETE"] {
            if !refused.contains(event) {
                violations.push(format!(
                    "no {database} migration creates a trigger that refuses every {event} on audit_events"
                ));
            }
        }
        // Nothing undoes them.
        for migration in &own {
            for (trigger, function) in &guards {
                let mut drops = vec![
                    format!("DROP TRIGGER {trigger}"),
                    format!("DROP TRIGGER IF EXISTS {trigger}"),
                ];
                if let Some(function) = function {
                    drops.push(format!("DROP FUNCTION {function}"));
                    drops.push(format!("DROP FUNCTION IF EXISTS {function}"));
                }
                for drop in drops {
                    if !find_word(&migration.sql, &drop).is_empty() {
                        violations.push(format!(
                            "{} drops {}",
                            migration.path,
                            drop.to_lowercase()
                        ));
                    }
                }
            }
        }
    }
    fail_if_any(
        "the migrations do not keep audit_events append-only",
        &violations,
    );
}

// ---------------------------------------------------------------------------
// 8. Keys leave the store typed

const STORE_SRC: &str = "crates/tandem-store/src";

/// Whether the struct declared at `at` is public and derives `FromRow`:
/// the attributes and visibility between the previous item and `struct`.
fn is_public_row(code: &str, at: usize) -> bool {
    let head = &code[..at];
    let item_start = head.rfind(['}', ';']).map_or(0, |i| i + 1);
    let before = &head[item_start..];
    before.trim_end().ends_with("pub") && !find_word(before, "FromRow").is_empty()
}

/// ARCHITECTURE.md: keys are typed ids (`PersonId`, `ProgrammeId`, …) from
/// the row the store decodes onwards, never a raw `i64`.
#[test]
fn store_rows_carry_typed_ids() {
    let root = root();
    let mut rows = 0;
    let mut violations = Vec::new();
    for file in rust_files(&root, STORE_SRC) {
        for (at, name) in structs(&file) {
            if !is_public_row(&file.code, at) {
                continue;
            }
            rows += 1;
            for (offset, field) in struct_fields(&file.code, at) {
                let Some((field_name, ty)) = field.split_once(':') else {
                    continue;
                };
                let field_name = field_name.trim().trim_start_matches("pub").trim();
                let ty: String = ty.split_whitespace().collect();
                let key = field_name == "id" || field_name.ends_with("_id");
                if key && (ty == "i64" || ty == "Option<i64>") {
                    violations.push(format!("{} ({name}.{field_name}: {ty})", file.at(offset)));
                }
            }
        }
    }
    assert!(
        rows > 5,
        "found {rows} public FromRow structs in {STORE_SRC}; has the store moved?"
    );
    fail_if_any(
        "a store row holds a key as a raw integer: use its id type (tandem_domain::ids), \
         decoded with #[sqlx(try_from = \"i64\")], or \"crate::decode::OptionalKey\" if optional",
        &violations,
    );
}
