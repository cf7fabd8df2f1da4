//! `tandem-load`: a bounded load run against a running Tandem server
//! (issue 9, "Load"). It signs in as several demo users, then for
//! `--seconds` starts `--rate` requests a second: page reads by every user
//! (home page, relationship list, programmes, their relationships' pages)
//! and, for `--writes` percent of them, a meeting recorded through the API
//! by a mentor in an agreed relationship. It prints the throughput, the
//! p50, p90, p99 and slowest latency, the errors, and — given the server's
//! process id — its resident memory at the start, the end and its peak.
//!
//! It exits with status 1 when the share of errors reaches
//! `--max-error-percent` (0.1 by default): errors are behaviour. Latency
//! and throughput are figures, reported and not asserted.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use bytes::Bytes;
use clap::Parser;
use http_body_util::{BodyExt, Full};
use hyper::{Method, Request, header};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use tokio::sync::Semaphore;

#[derive(Parser, Debug)]
#[command(about = "A bounded load run against a Tandem server")]
struct Args {
    /// The server, such as http://127.0.0.1:8080.
    #[arg(long)]
    url: String,
    /// How long to run, in seconds.
    #[arg(long, default_value_t = 60)]
    seconds: u64,
    /// Requests started each second.
    #[arg(long, default_value_t = 250)]
    rate: u32,
    /// The share of requests that write, in percent.
    #[arg(long, default_value_t = 20)]
    writes: u32,
    /// Who signs in (demo accounts).
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "coordinator@tandem.example,mentor@tandem.example,mentee@tandem.example,manager@tandem.example,fun.mentor@tandem.example"
    )]
    users: Vec<String>,
    /// Their password.
    #[arg(long, default_value = "tandem-demo-password")]
    password: String,
    /// The server's process id, to sample its memory from /proc.
    #[arg(long)]
    pid: Option<u32>,
    /// Fail when errors reach this share of requests, in percent.
    #[arg(long, default_value_t = 0.1)]
    max_error_percent: f64,
    /// Requests in flight at most; beyond it, starting waits.
    #[arg(long, default_value_t = 256)]
    in_flight: usize,
}

type HttpClient = Client<HttpConnector, Full<Bytes>>;

/// The day of an HTTP `Date` header (`Wed, 02 Dec 2026 15:14:28 GMT`) as
/// the server's pages take it (`2026-12-02`): meetings are recorded for
/// the server's today.
fn day_of(http_date: &str) -> Option<String> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let mut parts = http_date.split_whitespace().skip(1);
    let day: u8 = parts.next()?.parse().ok()?;
    let name = parts.next()?;
    let month = MONTHS.iter().position(|m| *m == name)? + 1;
    let year: u16 = parts.next()?.parse().ok()?;
    Some(format!("{year:04}-{month:02}-{day:02}"))
}

/// One signed-in user: their cookies, CSRF token and the pages they read.
struct User {
    email: String,
    cookies: String,
    csrf: String,
    reads: Vec<String>,
    /// Relationships in which this user records meetings (agreed, theirs).
    writes: Vec<u64>,
    /// The server's today, when the user signed in.
    today: String,
}

struct Response {
    status: u16,
    cookies: Vec<String>,
    /// The server's `Date` header.
    date: Option<String>,
    body: Bytes,
}

async fn send(
    client: &HttpClient,
    method: Method,
    url: &str,
    cookies: &str,
    headers: &[(&str, &str)],
    body: Option<(&str, String)>,
) -> Result<Response> {
    let mut request = Request::builder().method(method).uri(url);
    if !cookies.is_empty() {
        request = request.header(header::COOKIE, cookies);
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let body = match body {
        Some((content_type, text)) => {
            request = request.header(header::CONTENT_TYPE, content_type);
            Full::new(Bytes::from(text))
        }
        None => Full::new(Bytes::new()),
    };
    let response = client.request(request.body(body)?).await?;
    let status = response.status().as_u16();
    let cookies = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .map(str::to_owned)
        .collect();
    let date = response
        .headers()
        .get(header::DATE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = response.into_body().collect().await?.to_bytes();
    Ok(Response {
        status,
        cookies,
        date,
        body,
    })
}

/// Merges `Set-Cookie` pairs into a `Cookie` header value.
fn merge_cookies(jar: &str, set: &[String]) -> String {
    let mut pairs: Vec<(String, String)> = jar
        .split("; ")
        .filter_map(|p| p.split_once('='))
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .collect();
    for cookie in set {
        if let Some((name, value)) = cookie.split_once('=') {
            pairs.retain(|(n, _)| n != name);
            if !value.is_empty() {
                pairs.push((name.to_owned(), value.to_owned()));
            }
        }
    }
    pairs
        .iter()
        .map(|(n, v)| format!("{n}={v}"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The value of the first `name="csrf"` input of a page.
fn csrf_of(page: &str) -> Option<String> {
    let at = page.find("name=\"csrf\"")?;
    let rest = &page[at..];
    let value = rest.find("value=\"")? + "value=\"".len();
    let end = rest[value..].find('"')?;
    Some(rest[value..value + end].to_owned())
}

fn form_encode(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn sign_in(client: &HttpClient, base: &str, email: &str, password: &str) -> Result<User> {
    let page = send(
        client,
        Method::GET,
        &format!("{base}/sign-in"),
        "",
        &[],
        None,
    )
    .await?;
    let mut cookies = merge_cookies("", &page.cookies);
    let token = csrf_of(&String::from_utf8_lossy(&page.body))
        .ok_or_else(|| anyhow!("the sign-in page has no CSRF token"))?;
    let form = form_encode(&[("email", email), ("password", password), ("csrf", &token)]);
    let signed = send(
        client,
        Method::POST,
        &format!("{base}/sign-in"),
        &cookies,
        &[],
        Some(("application/x-www-form-urlencoded", form)),
    )
    .await?;
    if signed.status != 303 {
        bail!("{email} did not sign in (status {})", signed.status);
    }
    cookies = merge_cookies(&cookies, &signed.cookies);
    let me = send(
        client,
        Method::GET,
        &format!("{base}/api/me"),
        &cookies,
        &[],
        None,
    )
    .await?;
    let today = me
        .date
        .as_deref()
        .and_then(day_of)
        .ok_or_else(|| anyhow!("the server sent no Date header"))?;
    let me: serde_json::Value = serde_json::from_slice(&me.body).context("/api/me")?;
    let csrf = me["csrf_token"]
        .as_str()
        .ok_or_else(|| anyhow!("/api/me has no csrf_token"))?
        .to_owned();
    let name = me["display_name"].as_str().unwrap_or_default().to_owned();
    let listed = send(
        client,
        Method::GET,
        &format!("{base}/api/relationships"),
        &cookies,
        &[],
        None,
    )
    .await?;
    let listed: serde_json::Value =
        serde_json::from_slice(&listed.body).context("/api/relationships")?;
    let mut reads = vec![
        "/".to_owned(),
        "/relationships".to_owned(),
        "/programmes".to_owned(),
    ];
    let mut writes = Vec::new();
    for item in listed.as_array().into_iter().flatten().take(5) {
        let Some(id) = item["id"].as_u64() else {
            continue;
        };
        reads.push(format!("/relationships/{id}"));
        // Where this user is the mentor of an agreed relationship, they
        // record its meetings.
        let state = item["state"].as_str().unwrap_or_default();
        let mentor = item["mentor"].as_str().unwrap_or_default();
        if state == "agreed" && !name.is_empty() && mentor == name {
            writes.push(id);
        }
    }
    Ok(User {
        email: email.to_owned(),
        cookies,
        csrf,
        reads,
        writes,
        today,
    })
}

/// Resident memory of a process, in KiB (Linux).
fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

#[derive(Clone, Copy)]
struct Outcome {
    took: Duration,
    ok: bool,
    write: bool,
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * (sorted.len() as f64)).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    let base = args.url.trim_end_matches('/').to_owned();
    let client: HttpClient = Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(args.in_flight)
        .build_http();

    let mut users = Vec::new();
    for email in &args.users {
        users.push(sign_in(&client, &base, email, &args.password).await?);
    }
    let writers: Vec<(usize, u64)> = users
        .iter()
        .enumerate()
        .flat_map(|(u, user)| user.writes.iter().map(move |id| (u, *id)))
        .collect();
    for user in &users {
        println!(
            "{}: reads {} pages, records meetings in {} relationships",
            user.email,
            user.reads.len(),
            user.writes.len()
        );
    }
    if args.writes > 0 && writers.is_empty() {
        bail!("no user is a mentor in an agreed relationship, so nothing can be written");
    }
    let users = Arc::new(users);

    let outcomes: Arc<Mutex<Vec<Outcome>>> = Arc::new(Mutex::new(Vec::new()));
    let errors: Arc<Mutex<Vec<String>>> = Arc::new(Mutex::new(Vec::new()));
    let slots = Arc::new(Semaphore::new(args.in_flight));
    let memory: Arc<Mutex<Vec<u64>>> = Arc::new(Mutex::new(Vec::new()));
    if let Some(pid) = args.pid {
        let memory = memory.clone();
        tokio::spawn(async move {
            loop {
                if let Some(kib) = rss_kib(pid) {
                    memory.lock().map(|mut m| m.push(kib)).ok();
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        });
    }

    let period = Duration::from_secs_f64(1.0 / f64::from(args.rate.max(1)));
    let mut ticker = tokio::time::interval(period);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let started = Instant::now();
    let end = started + Duration::from_secs(args.seconds);
    let mut n: u64 = 0;
    let mut tasks = Vec::new();
    while Instant::now() < end {
        ticker.tick().await;
        n += 1;
        let permit = slots.clone().acquire_owned().await?;
        // Every fifth (at 20%) is a write, spread evenly.
        let write = args.writes > 0 && (n * u64::from(args.writes)) % 100 < u64::from(args.writes);
        let (method, path, user, body) = if write {
            let (u, id) = writers[(n as usize) % writers.len()];
            let body = serde_json::json!({
                "date": users[u].today,
                "minutes": "60",
                "kind": "face_to_face",
            })
            .to_string();
            (
                Method::POST,
                format!("/api/relationships/{id}/meetings"),
                u,
                Some(body),
            )
        } else {
            let u = (n as usize) % users.len();
            let reads = &users[u].reads;
            let path = reads[(n as usize / users.len()) % reads.len()].clone();
            (Method::GET, path, u, None)
        };
        let client = client.clone();
        let users = users.clone();
        let base = base.clone();
        let outcomes = outcomes.clone();
        let errors = errors.clone();
        tasks.push(tokio::spawn(async move {
            let user = &users[user];
            let at = Instant::now();
            let headers = [("x-csrf-token", user.csrf.as_str())];
            let result = send(
                &client,
                method.clone(),
                &format!("{base}{path}"),
                &user.cookies,
                if body.is_some() { &headers } else { &[] },
                body.map(|b| ("application/json", b)),
            )
            .await;
            let took = at.elapsed();
            let ok = match &result {
                Ok(r) => (200..400).contains(&r.status),
                Err(_) => false,
            };
            if !ok {
                let what = match result {
                    Ok(r) => format!(
                        "{method} {path} as {}: {} {}",
                        user.email,
                        r.status,
                        String::from_utf8_lossy(&r.body)
                            .chars()
                            .take(200)
                            .collect::<String>()
                    ),
                    Err(e) => format!("{method} {path} as {}: {e}", user.email),
                };
                errors.lock().map(|mut e| e.push(what)).ok();
            }
            outcomes
                .lock()
                .map(|mut o| {
                    o.push(Outcome {
                        took,
                        ok,
                        write: method == Method::POST,
                    })
                })
                .ok();
            drop(permit);
        }));
    }
    for task in tasks {
        task.await?;
    }
    let elapsed = started.elapsed();

    let outcomes = outcomes
        .lock()
        .map_err(|_| anyhow!("a worker panicked"))?
        .clone();
    let errors = errors
        .lock()
        .map_err(|_| anyhow!("a worker panicked"))?
        .clone();
    let mut all: Vec<Duration> = outcomes.iter().map(|o| o.took).collect();
    all.sort();
    let mut reads: Vec<Duration> = outcomes
        .iter()
        .filter(|o| !o.write)
        .map(|o| o.took)
        .collect();
    reads.sort();
    let mut writes: Vec<Duration> = outcomes
        .iter()
        .filter(|o| o.write)
        .map(|o| o.took)
        .collect();
    writes.sort();
    let failed = outcomes.iter().filter(|o| !o.ok).count();
    let total = outcomes.len();
    let error_percent = if total == 0 {
        100.0
    } else {
        100.0 * failed as f64 / total as f64
    };
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{total} requests in {:.1} s: {:.1} a second (asked {}), {} reads and {} writes",
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64(),
        args.rate,
        reads.len(),
        writes.len()
    );
    for (name, sorted) in [("all", &all), ("reads", &reads), ("writes", &writes)] {
        println!(
            "{name:>6}: p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, slowest {:.1} ms",
            ms(percentile(sorted, 50.0)),
            ms(percentile(sorted, 90.0)),
            ms(percentile(sorted, 99.0)),
            ms(sorted.last().copied().unwrap_or_default()),
        );
    }
    println!("errors: {failed} ({error_percent:.3}%)");
    for error in errors.iter().take(5) {
        println!("  {error}");
    }
    let memory = memory
        .lock()
        .map_err(|_| anyhow!("the sampler panicked"))?
        .clone();
    if let (Some(first), Some(last), Some(peak)) =
        (memory.first(), memory.last(), memory.iter().max())
    {
        println!(
            "server memory (RSS): {:.1} MiB at the start, {:.1} MiB at the end, {:.1} MiB at most",
            *first as f64 / 1024.0,
            *last as f64 / 1024.0,
            *peak as f64 / 1024.0
        );
    }
    if error_percent >= args.max_error_percent {
        bail!(
            "{error_percent:.3}% of requests failed (at most {}% allowed)",
            args.max_error_percent
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_day_of_an_http_date() {
        assert_eq!(
            day_of("Wed, 02 Dec 2026 15:14:28 GMT").as_deref(),
            Some("2026-12-02")
        );
        assert_eq!(day_of("not a date"), None);
    }

    #[test]
    fn cookies_merge_and_a_cleared_one_goes() {
        let jar = merge_cookies("", &["a=1".to_owned(), "b=2".to_owned()]);
        assert_eq!(jar, "a=1; b=2");
        assert_eq!(
            merge_cookies(&jar, &["a=3".to_owned(), "b=".to_owned()]),
            "a=3"
        );
    }

    #[test]
    fn percentiles_by_rank() {
        let sorted: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&sorted, 50.0), Duration::from_millis(50));
        assert_eq!(percentile(&sorted, 99.0), Duration::from_millis(99));
        assert_eq!(percentile(&[], 99.0), Duration::ZERO);
    }
}
