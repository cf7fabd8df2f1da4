//! What the tests that drive a running server share: a plain HTTP/1.1
//! client, the server started as an operator starts it, and sign-in.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Reply {
    pub status: u16,
    pub cookies: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("a JSON body ({e}): {}", self.body))
    }
}

/// One HTTP/1.1 request on its own connection; an error if the server is
/// not there or goes away before it answers.
pub fn try_http(
    address: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> std::io::Result<Reply> {
    let mut stream = TcpStream::connect(address)?;
    stream.set_read_timeout(Some(Duration::from_secs(120)))?;
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes())?;
    stream.write_all(body)?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let broken = || std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "no whole reply");
    let (head, body) = text.split_once("\r\n\r\n").ok_or_else(broken)?;
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(broken)?;
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
    Ok(Reply {
        status,
        cookies,
        body: body.to_owned(),
    })
}

/// [`try_http`] to a server that must answer.
pub fn http(
    address: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Reply {
    try_http(address, method, path, headers, body)
        .unwrap_or_else(|e| panic!("{method} {path}: no reply: {e}"))
}

/// The `tandem` binary with these arguments, quiet but for warnings.
pub fn tandem_command(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tandem"));
    command.args(args).env("RUST_LOG", "warn");
    command
}

/// Runs a command to the end; it must succeed. Its standard output.
pub fn succeed(command: &mut Command) -> String {
    let output = command.output().expect("the binary runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A `tandem serve` or `tandem demo` running in the background, its
/// standard output in a file.
pub struct Server {
    pub child: Child,
    pub address: String,
}

impl Server {
    /// Starts `tandem ARGS`, which must include `--bind 127.0.0.1:0`, and
    /// waits until it says where it runs.
    pub fn start(args: &[&str], dir: &Path, envs: &[(&str, &Path)]) -> Server {
        let log: PathBuf = dir.join("server.out");
        let out = std::fs::File::create(&log).expect("a log file");
        let mut command = tandem_command(args);
        for (name, value) in envs {
            command.env(name, value);
        }
        let mut child = command
            .current_dir(dir)
            .stdout(out)
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the server starts");
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let said = std::fs::read_to_string(&log).unwrap_or_default();
            if let Some(at) = said.find("running at http://") {
                let rest = &said[at + "running at http://".len()..];
                if let Some(end) = rest.find('/') {
                    let address = rest[..end].to_owned();
                    return Server { child, address };
                }
            }
            if let Some(exit) = child.try_wait().expect("wait") {
                panic!("the server stopped ({exit}) before serving: {said}");
            }
            assert!(
                Instant::now() < deadline,
                "the server did not start: {said}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// `kill -9`: no chance to finish anything.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A signed-in session: its cookie header and CSRF token.
pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

impl Session {
    /// A GET as this session.
    pub fn get(&self, address: &str, path: &str) -> Reply {
        http(address, "GET", path, &[("Cookie", &self.cookie)], b"")
    }

    /// The headers of an API request with a body of `content_type`.
    pub fn headers<'a>(&'a self, content_type: &'a str) -> [(&'a str, &'a str); 3] {
        [
            ("Content-Type", content_type),
            ("Cookie", &self.cookie),
            ("X-CSRF-Token", &self.csrf),
        ]
    }
}

/// Signs in through the sign-in form, as a browser does.
pub fn sign_in(address: &str, email: &str, password: &str) -> Session {
    let form = http(address, "GET", "/sign-in", &[], b"");
    let presession = form.cookies.first().expect("a pre-session cookie").clone();
    let marker = "name=\"csrf\" value=\"";
    let start = form.body.find(marker).expect("a csrf field") + marker.len();
    let csrf = &form.body[start..start + form.body[start..].find('"').expect("quote")];
    let encode = |s: &str| s.replace('@', "%40").replace(' ', "+");
    let body = format!(
        "csrf={csrf}&next=%2F&email={}&password={}",
        encode(email),
        encode(password)
    );
    let cookie = format!("{}={}", presession.0, presession.1);
    let signed_in = http(
        address,
        "POST",
        "/sign-in",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Cookie", &cookie),
        ],
        body.as_bytes(),
    );
    assert_eq!(
        signed_in.status, 303,
        "{email} signs in: {}",
        signed_in.body
    );
    let session = signed_in
        .cookies
        .iter()
        .find(|(name, _)| name == "tandem_session")
        .expect("a session cookie");
    let cookie = format!("{}={}", session.0, session.1);
    let me = http(address, "GET", "/api/me", &[("Cookie", &cookie)], b"");
    let csrf = me.json()["csrf_token"]
        .as_str()
        .expect("a csrf_token")
        .to_owned();
    Session { cookie, csrf }
}
