//! `tandem match solve`: the optimal assignment for pairs and capacities
//! given as CSV files, for trying the engine on data from elsewhere.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use tandem_matching::{Mode, Pair, Problem, SolveOptions, solve, verify_certificate};

/// One line of a problem file that could not be read.
struct LineError {
    line: u64,
    column: &'static str,
    message: String,
}

fn read_rows(path: &Path) -> Result<Vec<(u64, Vec<String>)>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_path(path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.with_context(|| format!("{} is not readable CSV", path.display()))?;
        let line = record.position().map_or(0, csv::Position::line);
        let fields: Vec<String> = record.iter().map(str::to_owned).collect();
        if fields.iter().all(String::is_empty) {
            continue;
        }
        rows.push((line, fields));
    }
    Ok(rows)
}

/// A first row whose number column is not a number is a header.
fn skip_header(rows: &mut Vec<(u64, Vec<String>)>, number_column: usize) {
    if rows
        .first()
        .and_then(|(_, fields)| fields.get(number_column))
        .is_some_and(|value| value.parse::<i64>().is_err())
    {
        rows.remove(0);
    }
}

/// Request times as Unix seconds: a number, a date (YYYY-MM-DD) or an
/// RFC 3339 time.
fn parse_requested_at(text: &str) -> Option<u64> {
    if let Ok(number) = text.parse::<u64>() {
        return Some(number);
    }
    if let Ok(time) =
        time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
    {
        return u64::try_from(time.unix_timestamp()).ok();
    }
    let date = tandem_domain::people::parse_date(text)?;
    u64::try_from(date.midnight().assume_utc().unix_timestamp()).ok()
}

pub fn solve_command(
    pairs_path: &Path,
    capacities_path: &Path,
    mode: Mode,
    out: Option<&Path>,
) -> Result<ExitCode> {
    let mut errors: Vec<(String, LineError)> = Vec::new();
    let capacities_name = capacities_path.display().to_string();
    let pairs_name = pairs_path.display().to_string();

    let mut capacity_rows = read_rows(capacities_path)?;
    skip_header(&mut capacity_rows, 1);
    let mut mentor_index: HashMap<String, usize> = HashMap::new();
    let mut mentor_names: Vec<String> = Vec::new();
    let mut capacities: Vec<u32> = Vec::new();
    for (line, fields) in capacity_rows {
        let mut problem = |column, message: String| {
            errors.push((
                capacities_name.clone(),
                LineError {
                    line,
                    column,
                    message,
                },
            ))
        };
        if fields.len() != 2 {
            problem(
                "*",
                format!(
                    "expected 2 fields (mentor,capacity), found {}",
                    fields.len()
                ),
            );
            continue;
        }
        let Ok(capacity) = fields[1].parse::<u32>() else {
            problem(
                "capacity",
                format!("\"{}\" is not a whole number of mentees", fields[1]),
            );
            continue;
        };
        if mentor_index.contains_key(&fields[0]) {
            problem("mentor", format!("mentor \"{}\" appears twice", fields[0]));
            continue;
        }
        mentor_index.insert(fields[0].clone(), mentor_names.len());
        mentor_names.push(fields[0].clone());
        capacities.push(capacity);
    }

    let mut pair_rows = read_rows(pairs_path)?;
    skip_header(&mut pair_rows, 2);
    let mut mentee_index: HashMap<String, usize> = HashMap::new();
    let mut mentee_names: Vec<String> = Vec::new();
    let mut requested: Vec<Option<u64>> = Vec::new();
    let mut pairs: Vec<Pair> = Vec::new();
    let mut seen: HashMap<(usize, usize), u64> = HashMap::new();
    for (line, fields) in pair_rows {
        let mut problem = |column, message: String| {
            errors.push((
                pairs_name.clone(),
                LineError {
                    line,
                    column,
                    message,
                },
            ))
        };
        if !(3..=4).contains(&fields.len()) {
            problem(
                "*",
                format!(
                    "expected 3 or 4 fields (mentee,mentor,score[,requested_at]), found {}",
                    fields.len()
                ),
            );
            continue;
        }
        let Some(&mentor) = mentor_index.get(&fields[1]) else {
            problem(
                "mentor",
                format!("mentor \"{}\" is not in {capacities_name}", fields[1]),
            );
            continue;
        };
        let Ok(score) = fields[2].parse::<i64>() else {
            problem("score", format!("\"{}\" is not a whole number", fields[2]));
            continue;
        };
        let requested_at = match fields.get(3).filter(|s| !s.is_empty()) {
            None => None,
            Some(text) => match parse_requested_at(text) {
                Some(t) => Some(t),
                None => {
                    problem(
                        "requested_at",
                        format!("\"{text}\" is not a time (a number, YYYY-MM-DD or RFC 3339)"),
                    );
                    continue;
                }
            },
        };
        let mentee = *mentee_index.entry(fields[0].clone()).or_insert_with(|| {
            mentee_names.push(fields[0].clone());
            requested.push(None);
            mentee_names.len() - 1
        });
        if let Some(at) = requested_at {
            match requested[mentee] {
                Some(previous) if previous != at => {
                    problem(
                        "requested_at",
                        format!(
                            "mentee \"{}\" has another request time on an earlier line",
                            fields[0]
                        ),
                    );
                    continue;
                }
                _ => requested[mentee] = Some(at),
            }
        }
        if let Some(first) = seen.insert((mentee, mentor), line) {
            problem(
                "mentor",
                format!(
                    "the pair {},{} already appears on line {first}",
                    fields[0], fields[1]
                ),
            );
            continue;
        }
        pairs.push(Pair {
            mentee,
            mentor,
            score,
        });
    }

    let pairs_have_errors = errors.iter().any(|(f, _)| *f == pairs_name);
    if mode == Mode::FirstComeFirstServed
        && !pairs_have_errors
        && let Some(missing) = requested.iter().position(Option::is_none)
    {
        errors.push((
            pairs_name.clone(),
            LineError {
                line: 0,
                column: "requested_at",
                message: format!(
                    "--fcfs needs a request time for every mentee; \"{}\" has none",
                    mentee_names[missing]
                ),
            },
        ));
    }
    if !errors.is_empty() {
        for (file, e) in &errors {
            if e.line == 0 {
                eprintln!("{file}: {}: {}", e.column, e.message);
            } else {
                eprintln!("{file}:{}: {}: {}", e.line, e.column, e.message);
            }
        }
        eprintln!("{} errors; nothing was solved.", errors.len());
        return Ok(ExitCode::FAILURE);
    }

    let problem = Problem {
        mentee_count: mentee_names.len(),
        mentor_capacity: capacities,
        pairs,
        mentee_order: if mode == Mode::FirstComeFirstServed {
            Some(requested.iter().map(|r| r.unwrap_or(u64::MAX)).collect())
        } else {
            None
        },
    };
    let options = SolveOptions {
        mode,
        ..SolveOptions::default()
    };
    let solution = solve(&problem, &options).map_err(|e| anyhow::anyhow!("cannot solve: {e}"))?;
    verify_certificate(&problem, mode, &solution)
        .map_err(|e| anyhow::anyhow!("the optimality certificate did not verify: {e}"))?;

    let mut writer: Box<dyn Write> = match out {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path)
                .with_context(|| format!("cannot write {}", path.display()))?,
        )),
        None => Box::new(std::io::stdout().lock()),
    };
    writeln!(writer, "mentee,mentor,score")?;
    for pair in &solution.pairs {
        writeln!(
            writer,
            "{},{},{}",
            csv_field(&mentee_names[pair.mentee]),
            csv_field(&mentor_names[pair.mentor]),
            pair.score
        )?;
    }
    writer.flush()?;
    drop(writer);
    println!("optimality certificate verified");
    println!(
        "matched {} of {}, total score {}",
        solution.matched, problem.mentee_count, solution.total_score
    );
    Ok(ExitCode::SUCCESS)
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// `tandem match run --programme KEY [--commit]`.
pub async fn run_command(app: &tandem_app::App, programme: &str, commit: bool) -> Result<ExitCode> {
    let operator = tandem_domain::permissions::Operator::assume();
    let Some(programme_id) = app.programme_named(&operator, programme).await? else {
        anyhow::bail!(
            "there is no programme with key or id \"{programme}\" (see tandem programme list)"
        );
    };
    let authority = operator.matching(programme_id);
    let (run, sent) = if commit {
        let (run, ids) = app.send_proposals(&authority).await?;
        (run, Some(ids.len()))
    } else {
        (app.run_matching(&authority).await?, None)
    };
    let order = if run.first_come_first_served {
        "first come, first served"
    } else {
        "best total score"
    };
    println!(
        "Matching for {} ({order}): {} waiting.",
        run.programme_name, run.waiting
    );
    for pair in &run.pairs {
        println!();
        println!(
            "{} → {} (score {})",
            pair.mentee_name, pair.mentor_name, pair.score
        );
        for line in &pair.explanation {
            println!("    {line}");
        }
    }
    for unmatched in &run.unmatched {
        println!();
        println!("Not matched: {}", unmatched.mentee_name);
        for ruled_out in &unmatched.ruled_out {
            println!(
                "    {}: {}",
                ruled_out.mentor_name,
                ruled_out.reasons.join("; ")
            );
        }
    }
    println!();
    match sent {
        Some(count) => {
            println!("Sent {count} proposals to mentors; each now waits for the mentor's answer.")
        }
        None => println!("Nothing stored: add --commit to send these proposals to the mentors."),
    }
    println!(
        "matched {} of {}, total score {}",
        run.pairs.len(),
        run.waiting,
        run.total_score
    );
    Ok(ExitCode::SUCCESS)
}
