//! The block reader against the reader it replaced: the `csv` crate, a
//! `Vec<String>` per row and a map of every pair. The reference differs
//! from the old code only where the old code was wrong (issue 17): a
//! first row is a header only when its number column has no digit (the
//! old code also took `e1,r1,1.5` for one, losing the row), an empty file
//! is an error, and a row's line is the line it starts on (the `csv`
//! crate places a row where the row before ended, before blank lines).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use proptest::prelude::*;

use super::*;

fn reference(pairs: &Path, capacities: &Path, mode: Mode) -> Result<Read> {
    let capacities_name = capacities.display().to_string();
    let pairs_name = pairs.display().to_string();
    let mut errors: Vec<LineError> = Vec::new();
    let problem = |errors: &mut Vec<LineError>, file: &str, line, column, message| {
        errors.push(LineError {
            file: file.to_owned(),
            line,
            column,
            message,
        });
    };

    let (capacity_rows, header) = reference_rows(capacities, 1)?;
    if capacity_rows.is_empty() {
        let message = empty_file(header, "one row per mentor: mentor,capacity");
        problem(&mut errors, &capacities_name, 0, "*", message);
    }
    let mut mentor_index: HashMap<String, usize> = HashMap::new();
    let mut mentor_names: Vec<String> = Vec::new();
    let mut capacities_read: Vec<u32> = Vec::new();
    for (line, fields) in capacity_rows {
        if fields.len() != 2 {
            let message = format!(
                "expected 2 fields (mentor,capacity), found {}",
                fields.len()
            );
            problem(&mut errors, &capacities_name, line, "*", message);
            continue;
        }
        let Ok(capacity) = fields[1].parse::<u32>() else {
            let message = format!("\"{}\" is not a whole number of mentees", fields[1]);
            problem(&mut errors, &capacities_name, line, "capacity", message);
            continue;
        };
        if mentor_index.contains_key(&fields[0]) {
            let message = format!("mentor \"{}\" appears twice", fields[0]);
            problem(&mut errors, &capacities_name, line, "mentor", message);
            continue;
        }
        mentor_index.insert(fields[0].clone(), mentor_names.len());
        mentor_names.push(fields[0].clone());
        capacities_read.push(capacity);
    }

    let (pair_rows, header) = reference_rows(pairs, 2)?;
    let pairs_start = errors.len();
    if pair_rows.is_empty() {
        let message = empty_file(
            header,
            "one row per admissible pair: mentee,mentor,score[,requested_at]",
        );
        problem(&mut errors, &pairs_name, 0, "*", message);
    }
    let mut mentee_index: HashMap<String, usize> = HashMap::new();
    let mut mentee_names: Vec<String> = Vec::new();
    let mut requested: Vec<Option<u64>> = Vec::new();
    let mut rows: Vec<Vec<(u32, i64)>> = Vec::new();
    let mut seen: HashMap<(usize, usize), u64> = HashMap::new();
    for (line, fields) in pair_rows {
        if !(3..=4).contains(&fields.len()) {
            let message = format!(
                "expected 3 or 4 fields (mentee,mentor,score[,requested_at]), found {}",
                fields.len()
            );
            problem(&mut errors, &pairs_name, line, "*", message);
            continue;
        }
        let Some(&mentor) = mentor_index.get(&fields[1]) else {
            let message = format!("mentor \"{}\" is not in {capacities_name}", fields[1]);
            problem(&mut errors, &pairs_name, line, "mentor", message);
            continue;
        };
        let Ok(score) = fields[2].parse::<i64>() else {
            let message = format!("\"{}\" is not a whole number", fields[2]);
            problem(&mut errors, &pairs_name, line, "score", message);
            continue;
        };
        let requested_at = match fields.get(3).filter(|s| !s.is_empty()) {
            None => None,
            Some(text) => match parse_requested_at(text) {
                Some(t) => Some(t),
                None => {
                    let message =
                        format!("\"{text}\" is not a time (a number, YYYY-MM-DD or RFC 3339)");
                    problem(&mut errors, &pairs_name, line, "requested_at", message);
                    continue;
                }
            },
        };
        let mentee = *mentee_index.entry(fields[0].clone()).or_insert_with(|| {
            mentee_names.push(fields[0].clone());
            requested.push(None);
            rows.push(Vec::new());
            mentee_names.len() - 1
        });
        if let Some(at) = requested_at {
            match requested[mentee] {
                Some(previous) if previous != at => {
                    let message = format!(
                        "mentee \"{}\" has another request time on an earlier line",
                        fields[0]
                    );
                    problem(&mut errors, &pairs_name, line, "requested_at", message);
                    continue;
                }
                _ => requested[mentee] = Some(at),
            }
        }
        if let Some(first) = seen.insert((mentee, mentor), line) {
            let message = format!(
                "the pair {},{} already appears on line {first}",
                fields[0], fields[1]
            );
            problem(&mut errors, &pairs_name, line, "mentor", message);
            continue;
        }
        rows[mentee].push((mentor as u32, score));
    }
    for row in &mut rows {
        row.sort_unstable_by_key(|&(j, _)| j);
    }
    if mode == Mode::FirstComeFirstServed
        && errors.len() == pairs_start
        && let Some(missing) = requested.iter().position(Option::is_none)
    {
        let message = format!(
            "--fcfs needs a request time for every mentee; \"{}\" has none",
            mentee_names[missing]
        );
        problem(&mut errors, &pairs_name, 0, "requested_at", message);
    }
    Ok(Read {
        mentor_names,
        capacities: capacities_read,
        mentee_names,
        rows,
        requested,
        errors,
    })
}

/// Every row that is not blank, with the line it starts on, and whether a
/// header was left out.
/// Rows with the line each starts on.
type Rows = Vec<(u64, Vec<String>)>;

fn reference_rows(path: &Path, number_column: usize) -> Result<(Rows, bool)> {
    let bytes = std::fs::read(path)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(bytes.as_slice());
    let mut rows = Vec::new();
    let (mut counted_to, mut line) = (0usize, 1u64);
    for record in reader.records() {
        let record = record.with_context(|| format!("{} is not readable CSV", path.display()))?;
        let fields: Vec<String> = record.iter().map(str::to_owned).collect();
        if fields.iter().all(String::is_empty) {
            continue;
        }
        let mut start = record.position().map_or(0, |p| p.byte() as usize);
        while matches!(bytes.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        line += bytes[counted_to..start]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        counted_to = start;
        rows.push((line, fields));
    }
    let header = rows.first().is_some_and(|(_, fields)| {
        fields
            .get(number_column)
            .is_some_and(|t| !t.is_empty() && !t.bytes().any(|b| b.is_ascii_digit()))
    });
    if header {
        rows.remove(0);
    }
    Ok((rows, header))
}

struct Files {
    dir: PathBuf,
}

impl Files {
    fn new() -> Self {
        use std::sync::atomic::{AtomicU64, Ordering};
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let dir = std::env::temp_dir().join(format!(
            "tandem-read-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        Files { dir }
    }

    fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.dir.join(name);
        std::fs::write(&path, bytes).expect("the file is written");
        path
    }
}

impl Drop for Files {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Both readers on the same two files.
fn both(pairs: &[u8], capacities: &[u8], mode: Mode) -> (Read, Read) {
    let files = Files::new();
    let p = files.write("pairs.csv", pairs);
    let c = files.write("capacities.csv", capacities);
    let new = read_problem(&p, &c, mode).expect("the block reader reads it");
    let old = reference(&p, &c, mode).expect("the reference reads it");
    (new, old)
}

fn messages(read: &Read) -> Vec<String> {
    read.errors
        .iter()
        .map(|e| {
            format!(
                "{}:{}: {}: {}",
                Path::new(&e.file)
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                e.line,
                e.column,
                e.message
            )
        })
        .collect()
}

const CAPACITIES: &[u8] = b"mentor,capacity\nr0,2\nr1,1\nr2,0\n";

#[test]
fn a_plain_file_gives_rows_in_mentor_order_and_names_in_first_appearance_order() {
    let pairs = b"mentee,mentor,score\ne1,r1,5\ne1,r0,3\ne0,r2,-4\n\n  e0 , r0 ,+7\n";
    let (new, old) = both(pairs, CAPACITIES, Mode::MaxScore);
    assert_eq!(new, old);
    assert!(new.errors.is_empty(), "{:?}", new.errors);
    assert_eq!(new.mentee_names, ["e1", "e0"]);
    assert_eq!(new.rows, vec![vec![(0, 3), (1, 5)], vec![(0, 7), (2, -4)]]);
    assert_eq!(new.capacities, [2, 1, 0]);
}

#[test]
fn an_empty_file_and_a_header_alone_are_errors() {
    let (new, old) = both(b"", b"\n\n", Mode::MaxScore);
    assert_eq!(new, old);
    assert_eq!(
        messages(&new),
        [
            "capacities.csv:0: *: the file is empty; it needs one row per mentor: mentor,capacity",
            "pairs.csv:0: *: the file is empty; it needs one row per admissible pair: mentee,mentor,score[,requested_at]",
        ]
    );
    let (new, old) = both(b"mentee,mentor,score\n", CAPACITIES, Mode::MaxScore);
    assert_eq!(new, old);
    assert_eq!(
        messages(&new),
        [
            "pairs.csv:0: *: the file has a header but no rows; it needs one row per admissible pair: mentee,mentor,score[,requested_at]"
        ]
    );
}

#[test]
fn a_first_row_with_a_fractional_score_is_a_row_with_an_error_not_a_header() {
    let (new, old) = both(b"e1,r1,1.5\ne2,r0,2\n", CAPACITIES, Mode::MaxScore);
    assert_eq!(new, old);
    assert_eq!(
        messages(&new),
        ["pairs.csv:1: score: \"1.5\" is not a whole number"]
    );
    let (new, _) = both(b"e1,r1,2\n", b"r1,2.5\n", Mode::MaxScore);
    assert_eq!(
        messages(&new)[0],
        "capacities.csv:1: capacity: \"2.5\" is not a whole number of mentees"
    );
}

#[test]
fn a_repeated_pair_names_the_line_it_last_appeared_on() {
    let pairs = b"e0,r0,1\ne0,r1,2\n\ne0,r0,3\ne1,r0,1\ne0,r0,4\n";
    let (new, old) = both(pairs, CAPACITIES, Mode::MaxScore);
    assert_eq!(new, old);
    assert_eq!(
        messages(&new),
        [
            "pairs.csv:4: mentor: the pair e0,r0 already appears on line 1",
            "pairs.csv:6: mentor: the pair e0,r0 already appears on line 4",
        ]
    );
}

#[test]
fn lines_count_blank_lines_and_crlf_endings() {
    let pairs = b"mentee,mentor,score\r\n\r\n\r\ne0,r0,x\r\ne1,r1,2\r\n";
    let (new, old) = both(pairs, CAPACITIES, Mode::MaxScore);
    assert_eq!(new, old);
    assert_eq!(
        messages(&new),
        ["pairs.csv:4: score: \"x\" is not a whole number"]
    );
}

#[test]
fn quoted_fields_are_read_by_the_csv_reader_with_the_same_lines() {
    let pairs = b"mentee,mentor,score\n\"Smith, Jo\",r0,3\n\n\"two\nlines\",r1,oops\n";
    let (new, old) = both(pairs, CAPACITIES, Mode::MaxScore);
    assert_eq!(new, old);
    assert_eq!(new.mentee_names, ["Smith, Jo"]);
    assert_eq!(
        messages(&new),
        ["pairs.csv:4: score: \"oops\" is not a whole number"]
    );
}

#[test]
fn bytes_that_are_not_utf8_are_an_error_naming_the_file() {
    let files = Files::new();
    let p = files.write("pairs.csv", b"e0,r0,1\ne\xff,r0,2\n");
    let c = files.write("capacities.csv", CAPACITIES);
    let error = read_problem(&p, &c, Mode::MaxScore).expect_err("not UTF-8");
    assert!(
        error.to_string().ends_with("pairs.csv is not readable CSV"),
        "{error}"
    );
}

#[test]
fn rows_across_blocks_and_a_line_longer_than_a_block_read_as_the_reference_does() {
    let mut pairs = String::from("mentee,mentor,score\n");
    let mut i = 0u64;
    while pairs.len() < 3 * BLOCK {
        i += 1;
        let score = i.wrapping_mul(0x9E37_79B9) % 1000;
        pairs.push_str(&format!("e{},r{},{score}\n", i / 3, i % 3));
        if i == 40_000 {
            let long = "x".repeat(BLOCK + 17);
            pairs.push_str(&format!("{long},r0,1\n"));
        }
        if i.is_multiple_of(9_999) {
            pairs.push_str("e1,r0,not-a-number\n");
        }
    }
    let (new, old) = both(pairs.as_bytes(), CAPACITIES, Mode::MaxScore);
    assert_eq!(new.errors, old.errors);
    assert_eq!(new.mentee_names, old.mentee_names);
    assert_eq!(new.rows, old.rows);
    assert!(new.errors.len() > 10, "the bad rows are found");
    assert!(new.mentee_names.iter().any(|n| n.len() > BLOCK));
}

#[test]
fn first_come_first_served_needs_every_request_time() {
    let pairs = b"e0,r0,1,2026-01-02\ne1,r1,1\ne0,r1,2,1767312000\n";
    let (new, old) = both(pairs, CAPACITIES, Mode::FirstComeFirstServed);
    assert_eq!(new, old);
    assert_eq!(
        messages(&new),
        [
            "pairs.csv:0: requested_at: --fcfs needs a request time for every mentee; \"e1\" has none"
        ]
    );
    assert_eq!(new.requested[0], Some(1_767_312_000));
}

fn pick(options: &'static [&'static str]) -> impl Strategy<Value = &'static str> {
    proptest::sample::select(options)
}

/// A field of a capacities or pairs row: names, numbers good and bad,
/// white space, now and then a quoted field or one with a comma.
fn name() -> impl Strategy<Value = &'static str> {
    pick(&[
        "r0", "r1", "r2", " r1 ", "e0", "e1", "e2", "\te2", "mentor", "", "r9", "\u{a0}r0",
        "\"r0\"", "\"e,1\"",
    ])
}

fn number() -> impl Strategy<Value = &'static str> {
    pick(&[
        "0",
        "1",
        "2",
        " 3 ",
        "-1",
        "+4",
        "1.5",
        "x",
        "",
        "score",
        "capacity",
        "4294967296",
        "99999999999999999999",
    ])
}

fn time_field() -> impl Strategy<Value = &'static str> {
    pick(&["", "5", "2026-01-02", "2026-01-02T10:00:00Z", "bad", "7"])
}

fn row(pairs: bool) -> impl Strategy<Value = String> {
    if pairs {
        (name(), name(), number(), time_field(), 0..6usize)
            .prop_map(|(a, b, c, d, shape)| match shape {
                0 => format!("{a},{b},{c},{d}"),
                1 => format!("{a},{b}"),
                2 => String::new(),
                3 => format!("{a},{b},{c},{d},{d}"),
                _ => format!("{a},{b},{c}"),
            })
            .boxed()
    } else {
        (name(), number(), 0..6usize)
            .prop_map(|(a, b, shape)| match shape {
                0 => format!("{a},{b},{b}"),
                1 => String::new(),
                2 => format!("  {a}  "),
                _ => format!("{a},{b}"),
            })
            .boxed()
    }
}

/// A whole file: rows joined by one line ending, now and then CRLF or a
/// missing final newline.
fn file(pairs: bool) -> impl Strategy<Value = String> {
    (
        proptest::collection::vec(row(pairs), 0..14),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(rows, crlf, final_newline)| {
            let ending = if crlf { "\r\n" } else { "\n" };
            let mut text = rows.join(ending);
            if final_newline && !text.is_empty() {
                text.push_str(ending);
            }
            text
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn the_block_reader_reads_every_file_as_the_reference_does(
        pairs in file(true),
        capacities in file(false),
        fcfs in any::<bool>(),
    ) {
        let mode = if fcfs { Mode::FirstComeFirstServed } else { Mode::MaxScore };
        let (new, old) = both(pairs.as_bytes(), capacities.as_bytes(), mode);
        prop_assert_eq!(new, old);
    }
}
