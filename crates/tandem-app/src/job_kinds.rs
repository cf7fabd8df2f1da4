//! The kinds of job Tandem runs and how long a worker may hold one: what
//! both the job runner (`jobs`) and the work that queues jobs (`import`)
//! name, kept apart so that neither imports the other for it.

/// How long a worker may hold a job before another server may take it
/// over; far longer than any job takes.
pub const LEASE_SECONDS: i64 = 5 * 60;

/// What a job does. Stored as its [`JobKind::as_str`] name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobKind {
    /// Removes expired sessions, stale sign-in failures and old finished
    /// jobs, then schedules its next run.
    Housekeeping,
    /// Delivers one email through the application's mailer.
    SendEmail,
    /// Imports an uploaded people file that has passed its checks.
    ImportPeople,
}

impl JobKind {
    pub const ALL: [JobKind; 3] = [
        JobKind::Housekeeping,
        JobKind::SendEmail,
        JobKind::ImportPeople,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::Housekeeping => "housekeeping",
            JobKind::SendEmail => "send_email",
            JobKind::ImportPeople => "import_people",
        }
    }

    pub fn parse(name: &str) -> Option<JobKind> {
        JobKind::ALL.into_iter().find(|kind| kind.as_str() == name)
    }
}
