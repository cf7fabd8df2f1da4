//! `tandem match solve`: the optimal assignment for pairs and capacities
//! given as CSV files, for trying the engine on data from elsewhere.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use tandem_matching::{Mode, SolveOptions, solve_grouped, verify_certificate_grouped};

mod read;

pub fn solve_command(
    pairs_path: &Path,
    capacities_path: &Path,
    mode: Mode,
    out: Option<&Path>,
) -> Result<ExitCode> {
    let read = read::read_problem(pairs_path, capacities_path, mode)?;
    if !read.errors.is_empty() {
        let mut stderr = std::io::stderr().lock();
        for e in &read.errors {
            if e.line == 0 {
                writeln!(stderr, "{}: {}: {}", e.file, e.column, e.message)?;
            } else {
                writeln!(stderr, "{}:{}: {}: {}", e.file, e.line, e.column, e.message)?;
            }
        }
        let count = read.errors.len();
        let noun = if count == 1 { "error" } else { "errors" };
        writeln!(stderr, "{count} {noun}; nothing was solved.")?;
        return Ok(ExitCode::FAILURE);
    }

    let order: Option<Vec<u64>> = (mode == Mode::FirstComeFirstServed).then(|| {
        read.requested
            .iter()
            .map(|r| r.unwrap_or(u64::MAX))
            .collect()
    });
    let options = SolveOptions {
        mode,
        ..SolveOptions::default()
    };
    let solution = solve_grouped(&read.rows, &read.capacities, order.as_deref(), &options)
        .map_err(|e| anyhow::anyhow!("cannot solve: {e}"))?;
    verify_certificate_grouped(
        &read.rows,
        &read.capacities,
        order.as_deref(),
        mode,
        &solution,
    )
    .map_err(|e| anyhow::anyhow!("the optimality certificate did not verify: {e}"))?;

    let mut writer: Box<dyn Write> = match out {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path)
                .with_context(|| format!("cannot write {}", path.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    writeln!(writer, "mentee,mentor,score")?;
    for pair in &solution.pairs {
        writeln!(
            writer,
            "{},{},{}",
            csv_field(&read.mentee_names[pair.mentee]),
            csv_field(&read.mentor_names[pair.mentor]),
            pair.score
        )?;
    }
    writer.flush()?;
    drop(writer);
    println!("optimality certificate verified");
    println!(
        "matched {} of {}, total score {}",
        solution.matched,
        read.rows.len(),
        solution.total_score
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
    if !run.closed_mentors.is_empty() {
        println!();
        println!("Mentors who can take nobody now:");
        for closed in &run.closed_mentors {
            println!("    {}: {}", closed.count, closed.reason);
        }
    }
    for unmatched in &run.unmatched {
        println!();
        println!("Not matched: {}", unmatched.mentee_name);
        if unmatched.could_have > 0 {
            println!(
                "    {} could have been paired with them; their places went to others in the best outcome for everyone",
                counted(unmatched.could_have, "mentor", "mentors")
            );
        }
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

/// "1 mentor", "2 mentors".
fn counted(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}
