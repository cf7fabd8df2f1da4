//! Outgoing mail: the [`Email`] Tandem sends, the [`Mailer`] that delivers
//! it, and the mailers there are.
//!
//! Use cases do not call a mailer: they queue a `send_email` job
//! ([`App::queue_email`]), and the job runner delivers it, trying again
//! with a backoff when delivery fails. A mailer's `send` blocks (it writes
//! a file today, and may talk to a mail server one day); the runner calls
//! it off the async threads.
//!
//! [`from_environment`] chooses the mailer a server uses: a [`FileMailer`]
//! writing `.eml` files into `TANDEM_MAIL_DIR` when that is set, otherwise
//! a [`LogMailer`], which logs who a message is for and its subject, never
//! its body.

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rand::Rng;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc2822;

use crate::{App, FieldError};

/// The environment variable naming the folder a [`FileMailer`] writes to.
pub const MAIL_DIR_VARIABLE: &str = "TANDEM_MAIL_DIR";
/// Who Tandem's messages come from.
pub const FROM: &str = "Tandem <tandem@localhost>";
/// The longest subject Tandem sends, in characters.
pub const MAX_SUBJECT_CHARS: usize = 200;

/// One plain-text message to one recipient.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Email {
    pub to: String,
    pub subject: String,
    pub body_text: String,
}

impl Email {
    /// Every reason the message cannot be sent as it stands, by field: an
    /// address that is not one, or a subject that is empty, too long, or
    /// more than one line (which would let it write mail headers).
    pub fn problems(&self) -> Vec<FieldError> {
        let mut problems = Vec::new();
        if !tandem_domain::people::is_plausible_email(&self.to) {
            problems.push(FieldError {
                field: "to".into(),
                message: format!("\"{}\" is not an email address", self.to),
            });
        }
        if self.subject.trim().is_empty() {
            problems.push(FieldError {
                field: "subject".into(),
                message: "Enter a subject".into(),
            });
        } else if self.subject.chars().any(char::is_control) {
            problems.push(FieldError {
                field: "subject".into(),
                message: "The subject must be one line".into(),
            });
        } else if self.subject.chars().count() > MAX_SUBJECT_CHARS {
            problems.push(FieldError {
                field: "subject".into(),
                message: format!("The subject must be at most {MAX_SUBJECT_CHARS} characters"),
            });
        }
        problems
    }
}

/// Why a message was not delivered.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// The message itself is wrong; trying again will not help.
    #[error("the message cannot be sent: {0}")]
    Unsendable(String),
    /// Delivery failed this time; it may work later.
    #[error("delivery failed: {0}")]
    Delivery(String),
}

/// Delivers messages. Implementations block; see the module comment.
/// `at` is when the message is sent, by the application's clock (its
/// `Date:` header).
pub trait Mailer: Send + Sync + fmt::Debug {
    fn send(&self, email: &Email, at: OffsetDateTime) -> Result<(), MailError>;
}

/// The mailer `TANDEM_MAIL_DIR` asks for: files in that folder, or the log.
pub fn from_environment() -> Arc<dyn Mailer> {
    match std::env::var_os(MAIL_DIR_VARIABLE) {
        Some(folder) if !folder.is_empty() => Arc::new(FileMailer::new(folder)),
        _ => Arc::new(LogMailer),
    }
}

impl App {
    /// The same application, delivering mail through `mailer`.
    pub fn with_mailer(self, mailer: Arc<dyn Mailer>) -> App {
        App { mailer, ..self }
    }
}

/// Writes each message as an RFC 5322 `.eml` file, for an installation
/// with no mail server: any mail program opens them.
#[derive(Debug, Clone)]
pub struct FileMailer {
    folder: PathBuf,
}

impl FileMailer {
    /// Writes into `folder`, creating it when the first message is sent.
    pub fn new(folder: impl Into<PathBuf>) -> FileMailer {
        FileMailer {
            folder: folder.into(),
        }
    }

    pub fn folder(&self) -> &Path {
        &self.folder
    }
}

impl Mailer for FileMailer {
    fn send(&self, email: &Email, now: OffsetDateTime) -> Result<(), MailError> {
        if let Some(problem) = email.problems().first() {
            return Err(MailError::Unsendable(problem.to_string()));
        }
        let unique: u64 = rand::thread_rng().r#gen();
        let message = rfc5322(email, now, &format!("{unique:016x}"))?;
        let name = format!("{}-{unique:016x}.eml", now.unix_timestamp());
        let delivery = |e: std::io::Error| {
            MailError::Delivery(format!("writing to {}: {e}", self.folder.display()))
        };
        std::fs::create_dir_all(&self.folder).map_err(delivery)?;
        // Written under another name and renamed, so that whoever reads the
        // folder never sees half a message.
        let partial = self.folder.join(format!(".{name}.partial"));
        let mut file = std::fs::File::create(&partial).map_err(delivery)?;
        file.write_all(message.as_bytes()).map_err(delivery)?;
        file.sync_all().map_err(delivery)?;
        drop(file);
        std::fs::rename(&partial, self.folder.join(&name)).map_err(delivery)?;
        tracing::info!(file = %name, "mail written");
        Ok(())
    }
}

/// With nowhere to deliver to, logs that a message would have gone: who
/// to and its subject, never its body, which may be confidential.
#[derive(Debug, Clone, Copy, Default)]
pub struct LogMailer;

impl Mailer for LogMailer {
    fn send(&self, email: &Email, _at: OffsetDateTime) -> Result<(), MailError> {
        tracing::info!(
            to = %email.to,
            subject = %email.subject,
            "mail not delivered: set {MAIL_DIR_VARIABLE} to keep messages as files"
        );
        Ok(())
    }
}

/// Keeps messages in memory, for tests; can be told to fail.
#[derive(Debug, Clone, Default)]
pub struct MemoryMailer {
    state: Arc<Mutex<MemoryState>>,
}

#[derive(Debug, Default)]
struct MemoryState {
    sent: Vec<Email>,
    failures_to_come: usize,
}

impl MemoryMailer {
    pub fn new() -> MemoryMailer {
        MemoryMailer::default()
    }

    /// Every message delivered so far, oldest first.
    pub fn sent(&self) -> Vec<Email> {
        self.state().sent.clone()
    }

    /// Makes the next `sends` deliveries fail, as a mail server that is
    /// down would.
    pub fn fail_next(&self, sends: usize) {
        self.state().failures_to_come = sends;
    }

    fn state(&self) -> std::sync::MutexGuard<'_, MemoryState> {
        // A test that panicked while holding the lock leaves the list as
        // it was; it is still worth reading.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Mailer for MemoryMailer {
    fn send(&self, email: &Email, _at: OffsetDateTime) -> Result<(), MailError> {
        let mut state = self.state();
        if state.failures_to_come > 0 {
            state.failures_to_come -= 1;
            return Err(MailError::Delivery("the test mail server is down".into()));
        }
        state.sent.push(email.clone());
        Ok(())
    }
}

/// The longest line RFC 5322 allows, in bytes, without its CRLF.
const MAX_LINE_BYTES: usize = 998;

/// The message as RFC 5322 text with a MIME plain-text UTF-8 body: CRLF
/// line ends, a subject outside ASCII as RFC 2047 encoded words, and a body
/// with a line too long for mail sent as base64.
fn rfc5322(email: &Email, date: OffsetDateTime, unique: &str) -> Result<String, MailError> {
    let date = date
        .format(&Rfc2822)
        .map_err(|e| MailError::Unsendable(format!("the date cannot be written: {e}")))?;
    let body = email.body_text.replace("\r\n", "\n").replace('\r', "\n");
    let too_long = body.lines().any(|line| line.len() > MAX_LINE_BYTES);
    let (encoding, body) = if too_long {
        let encoded = STANDARD.encode(body.as_bytes());
        let lines: Vec<&str> = encoded
            .as_bytes()
            .chunks(76)
            .map(|chunk| std::str::from_utf8(chunk).unwrap_or_default())
            .collect();
        ("base64", lines.join("\r\n"))
    } else {
        ("8bit", body.replace('\n', "\r\n"))
    };
    Ok(format!(
        "From: {FROM}\r\n\
         To: {to}\r\n\
         Subject: {subject}\r\n\
         Date: {date}\r\n\
         Message-ID: <{unique}@tandem.localhost>\r\n\
         MIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\
         Content-Transfer-Encoding: {encoding}\r\n\
         \r\n\
         {body}\r\n",
        to = email.to,
        subject = header_text(&email.subject),
    ))
}

/// A header's text: as it is when it is printable ASCII, otherwise RFC 2047
/// encoded words of at most 75 characters, one per folded line.
fn header_text(text: &str) -> String {
    if text.chars().all(|c| c.is_ascii() && !c.is_ascii_control()) {
        return text.to_owned();
    }
    // 39 bytes of UTF-8 are 52 of base64; with `=?UTF-8?B?` and `?=` the
    // word is 64 characters, and a line with `Subject: ` before it 73, within
    // the 76 RFC 2047 allows.
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in text.chars() {
        if chunk.len() + c.len_utf8() > 39 {
            words.push(std::mem::take(&mut chunk));
        }
        chunk.push(c);
    }
    words.push(chunk);
    words
        .iter()
        .map(|word| format!("=?UTF-8?B?{}?=", STANDARD.encode(word.as_bytes())))
        .collect::<Vec<_>>()
        .join("\r\n ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email(subject: &str, body: &str) -> Email {
        Email {
            to: "ann@example.org".into(),
            subject: subject.into(),
            body_text: body.into(),
        }
    }

    #[test]
    fn a_message_is_rfc_5322_with_crlf_line_ends() {
        let date = OffsetDateTime::from_unix_timestamp(1_900_000_000).expect("date");
        let text = rfc5322(
            &email("Your mentor", "Hello Ann,\n\nSee you soon."),
            date,
            "ab",
        )
        .expect("message");
        assert_eq!(
            text,
            "From: Tandem <tandem@localhost>\r\n\
             To: ann@example.org\r\n\
             Subject: Your mentor\r\n\
             Date: Sun, 17 Mar 2030 17:46:40 +0000\r\n\
             Message-ID: <ab@tandem.localhost>\r\n\
             MIME-Version: 1.0\r\n\
             Content-Type: text/plain; charset=utf-8\r\n\
             Content-Transfer-Encoding: 8bit\r\n\
             \r\n\
             Hello Ann,\r\n\r\nSee you soon.\r\n"
        );
    }

    #[test]
    fn a_subject_outside_ascii_is_encoded_and_a_long_line_makes_the_body_base64() {
        let date = OffsetDateTime::from_unix_timestamp(0).expect("date");
        let subject = "Cyfarfod â’ch mentor — ".repeat(4);
        let text = rfc5322(&email(&subject, &"x".repeat(1_200)), date, "cd").expect("message");
        let subject_header = text
            .split("\r\nDate:")
            .next()
            .and_then(|head| head.split("Subject: ").nth(1))
            .expect("subject header");
        let words: Vec<&str> = subject_header.split("\r\n ").collect();
        assert!(words.len() > 1, "{subject_header}");
        let mut decoded = Vec::new();
        for word in words {
            assert!(word.len() <= 75, "{word}");
            let inner = word
                .strip_prefix("=?UTF-8?B?")
                .and_then(|w| w.strip_suffix("?="))
                .expect("an encoded word");
            decoded.extend(STANDARD.decode(inner).expect("base64"));
        }
        assert_eq!(String::from_utf8(decoded).expect("UTF-8"), subject);
        assert!(text.contains("Content-Transfer-Encoding: base64\r\n"));
        assert!(text.lines().all(|line| line.len() <= 76));
    }

    #[test]
    fn a_subject_cannot_add_headers() {
        let problems = email("Hi\r\nBcc: everyone@example.org", "").problems();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].field, "subject");
        let unsent = FileMailer::new(std::env::temp_dir().join("tandem-never-written")).send(
            &email("Hi\nBcc: x@example.org", ""),
            OffsetDateTime::UNIX_EPOCH,
        );
        assert!(matches!(unsent, Err(MailError::Unsendable(_))));
    }

    #[test]
    fn the_file_mailer_writes_one_eml_file_per_message() {
        let unique: u64 = rand::thread_rng().r#gen();
        let folder = std::env::temp_dir().join(format!("tandem-mail-{unique:016x}"));
        let mailer = FileMailer::new(&folder);
        mailer
            .send(&email("First", "one"), OffsetDateTime::UNIX_EPOCH)
            .expect("first message written");
        mailer
            .send(&email("Second", "two"), OffsetDateTime::UNIX_EPOCH)
            .expect("second message written");
        let mut files: Vec<String> = std::fs::read_dir(&folder)
            .expect("the folder was made")
            .map(|entry| {
                let path = entry.expect("entry").path();
                std::fs::read_to_string(path).expect("readable")
            })
            .collect();
        files.sort_by_key(|text| text.contains("Subject: Second"));
        assert_eq!(files.len(), 2, "no partial files are left behind");
        assert!(files[0].contains("Subject: First\r\n") && files[0].ends_with("\r\n\r\none\r\n"));
        assert!(files[1].contains("Subject: Second\r\n"));
        std::fs::remove_dir_all(&folder).expect("cleaned up");
    }

    #[test]
    fn the_memory_mailer_fails_when_told_to() {
        let mailer = MemoryMailer::new();
        mailer.fail_next(1);
        assert!(matches!(
            mailer.send(&email("A", ""), OffsetDateTime::UNIX_EPOCH),
            Err(MailError::Delivery(_))
        ));
        mailer
            .send(&email("B", ""), OffsetDateTime::UNIX_EPOCH)
            .expect("delivered");
        assert_eq!(mailer.sent(), vec![email("B", "")]);
    }
}
