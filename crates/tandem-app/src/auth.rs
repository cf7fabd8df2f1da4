//! Local accounts: Argon2id password hashes, sign-in with throttling, and
//! sessions kept in the database so that several servers can share them.

use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};
use tandem_domain::audit::AuditAction;
use tandem_domain::ids::{AccountId, PersonId};
use tandem_domain::permissions::{Actor, own_sessions};
use tandem_domain::roles::RoleGrant;
use tandem_store::{NewAccount, OwnSession};

use crate::{App, AppError, Principal};

/// How long a session lasts from sign-in, however much it is used.
pub const SESSION_SECONDS: i64 = 12 * 60 * 60;
/// How long a session may go unused before it is signed out, unless the
/// application is given another ([`App::with_session_idle_seconds`]).
pub const DEFAULT_IDLE_SECONDS: i64 = 30 * 60;
/// How stale a session's "last used" time may grow before a request
/// writes it again: most requests write nothing, and a session is signed
/// out after between `idle - TOUCH_AFTER_SECONDS` and `idle` seconds unused.
pub const TOUCH_AFTER_SECONDS: i64 = 60;
/// Attempts one address may make at one account within
/// [`THROTTLE_WINDOW_SECONDS`]; the rest are refused without being checked.
pub const MAX_FAILURES: i64 = 5;
/// Failed sign-ins one address may make, on any accounts, within the window.
pub const MAX_ADDRESS_FAILURES: i64 = 20;
/// Failures on one account, from anywhere, after which each check waits.
pub const SOFT_DELAY_AFTER: i64 = 10;
/// The longest an account's check waits: short enough that nobody can use
/// it to keep the owner out.
pub const MAX_SOFT_DELAY_SECONDS: u64 = 30;
pub const THROTTLE_WINDOW_SECONDS: i64 = 15 * 60;

/// How long a check of an account waits after `failures` failures in the
/// window: nothing up to [`SOFT_DELAY_AFTER`], then 1, 2, 4 … seconds, at
/// most [`MAX_SOFT_DELAY_SECONDS`].
pub fn soft_delay_seconds(failures: i64) -> u64 {
    if failures < SOFT_DELAY_AFTER {
        return 0;
    }
    let doublings = u32::try_from(failures - SOFT_DELAY_AFTER)
        .unwrap_or(u32::MAX)
        .min(16);
    (1u64 << doublings).min(MAX_SOFT_DELAY_SECONDS)
}
/// Shortest password an account may have.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// Why sign-in failed. The message never says whether the email address
/// has an account.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignInError {
    #[error("The email address or password is not right.")]
    WrongCredentials,
    #[error("Too many failed attempts. Try again in {minutes} minutes.")]
    Throttled { minutes: i64 },
}

/// A new session: the token goes in the caller's cookie, the CSRF token
/// into every form the caller is shown.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub token: String,
    pub csrf_token: String,
    pub principal: Principal,
}

/// A session found from its cookie.
#[derive(Debug, Clone)]
pub struct ActiveSession {
    pub principal: Principal,
    pub csrf_token: String,
}

/// 256 random bits, URL-safe: session, CSRF and pre-session tokens.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Hashes a password with Argon2id and a fresh salt.
pub fn hash_password(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| AppError::Internal(format!("password hashing failed: {e}")))
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash of nothing in particular, checked when the email address has no
/// account so that a wrong address takes as long as a wrong password.
const DECOY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2Qn0qBNHt6v8Yq0pCmqD3x1V8vZ9r3A8mGJc8z0b2mE";

impl App {
    /// Creates an account with the given roles.
    pub async fn create_account(
        &self,
        email: &str,
        display_name: &str,
        password: &str,
        person_id: Option<PersonId>,
        grants: &[RoleGrant],
    ) -> Result<AccountId, AppError> {
        let mut errors = Vec::new();
        if !tandem_domain::people::is_plausible_email(email.trim()) {
            errors.push(crate::FieldError {
                field: "email".into(),
                message: "Enter an email address like name@example.org".into(),
            });
        }
        if display_name.trim().is_empty() {
            errors.push(crate::FieldError {
                field: "display_name".into(),
                message: "Enter a name".into(),
            });
        }
        if password.chars().count() < MIN_PASSWORD_CHARS {
            errors.push(crate::FieldError {
                field: "password".into(),
                message: format!("The password must be at least {MIN_PASSWORD_CHARS} characters"),
            });
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let password = password.to_owned();
        let hash = tokio::task::spawn_blocking(move || hash_password(&password))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))??;
        let id = self
            .store
            .accounts()
            .create(&NewAccount {
                email,
                display_name: display_name.trim(),
                password_hash: &hash,
                person_id,
            })
            .await
            .map_err(|e| match e {
                tandem_store::StoreError::Conflict(message) => AppError::invalid("email", message),
                other => AppError::Store(other),
            })?;
        for grant in grants {
            self.store
                .accounts()
                .grant_role(id, grant, Actor::Operator)
                .await?;
        }
        self.store
            .audit()
            .record(
                Actor::Operator,
                AuditAction::AccountCreated,
                "account",
                &id.to_string(),
                "",
            )
            .await?;
        Ok(id)
    }

    /// Checks an email address and password and opens a session; see
    /// [`App::sign_in_from`]. For callers with no network address (the
    /// command line, tests).
    pub async fn sign_in(&self, email: &str, password: &str) -> Result<SignedIn, AppError> {
        self.sign_in_from(email, password, None).await
    }

    /// Checks an email address and password from a client address and
    /// opens a session. Three counts guard it, each kept in one atomic
    /// statement so that parallel attempts never lose one:
    /// - per address and account: the attempt is counted *before* the
    ///   password is checked, and after [`MAX_FAILURES`] in the window the
    ///   rest are refused unchecked, however many arrive at once;
    /// - per address: after [`MAX_ADDRESS_FAILURES`] failures on any
    ///   accounts, that address is refused for the rest of the window;
    /// - per account, from anywhere: after [`SOFT_DELAY_AFTER`] failures
    ///   each check waits a little longer, up to [`MAX_SOFT_DELAY_SECONDS`].
    ///
    /// So nobody can lock an account against its owner: a lockout holds
    /// only for the address that earned it, and the account-wide delay is
    /// short and bounded.
    pub async fn sign_in_from(
        &self,
        email: &str,
        password: &str,
        address: Option<&str>,
    ) -> Result<SignedIn, AppError> {
        let key = email.trim().to_lowercase();
        let address = address.unwrap_or("unknown");
        let at = self.now();
        let window_start = at - THROTTLE_WINDOW_SECONDS;
        let sessions = self.store.sessions();
        let refuse = |window_started_at: i64| {
            let minutes = (window_started_at + THROTTLE_WINDOW_SECONDS - at + 59).max(60) / 60;
            sign_in_error(SignInError::Throttled { minutes })
        };
        let address_key = format!("address:{address}");
        if let Some(t) = sessions.throttle(&address_key).await?
            && t.window_started_at >= window_start
            && t.failures >= MAX_ADDRESS_FAILURES
        {
            return Err(refuse(t.window_started_at));
        }
        let pair_key = format!("pair:{address}:{key}");
        let attempt = sessions.count_against(&pair_key, at, window_start).await?;
        if attempt.failures > MAX_FAILURES {
            tracing::info!("sign-in refused: too many attempts from this address");
            return Err(refuse(attempt.window_started_at));
        }
        let account_key = format!("account:{key}");
        if let Some(t) = sessions.throttle(&account_key).await?
            && t.window_started_at >= window_start
        {
            let delay = soft_delay_seconds(t.failures);
            if delay > 0 {
                tokio::time::sleep(std::time::Duration::from_secs(delay)).await;
            }
        }
        let account = self.store.accounts().by_email(&key).await?;
        let hash = account
            .as_ref()
            .map_or(DECOY_HASH.to_owned(), |a| a.password_hash.clone());
        let password_owned = password.to_owned();
        let matches = tokio::task::spawn_blocking(move || verify_password(&password_owned, &hash))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let account = match account {
            Some(account) if matches && !account.disabled => account,
            _ => {
                sessions
                    .count_against(&address_key, at, window_start)
                    .await?;
                let failures = sessions
                    .count_against(&account_key, at, window_start)
                    .await?
                    .failures;
                tracing::info!(failures, "sign-in failed");
                return Err(sign_in_error(SignInError::WrongCredentials));
            }
        };
        sessions.clear_throttle(&pair_key).await?;
        sessions.clear_throttle(&account_key).await?;
        let token = new_token();
        let csrf_token = new_token();
        self.store
            .sessions()
            .create(
                &token_hash(&token),
                account.id,
                &csrf_token,
                at + SESSION_SECONDS,
            )
            .await?;
        self.store
            .audit()
            .record(
                Actor::Account(account.id),
                AuditAction::SignedIn,
                "account",
                &account.id.to_string(),
                "",
            )
            .await?;
        let principal = self
            .principal(account.id)
            .await?
            .ok_or(AppError::NotFound)?;
        Ok(SignedIn {
            token,
            csrf_token,
            principal,
        })
    }

    /// Removes expired sessions and sign-in failures that no longer count.
    /// Servers run this periodically; any server may, as it only deletes
    /// what is already dead.
    pub async fn housekeeping(&self) -> Result<(), AppError> {
        self.housekeeping_at(self.now()).await
    }

    /// [`App::housekeeping`] as at `at`; the `housekeeping` job runs it.
    pub async fn housekeeping_at(&self, at: i64) -> Result<(), AppError> {
        let sessions = self.store.sessions().delete_expired(at).await?
            + self
                .store
                .sessions()
                .delete_idle(at - self.session_idle_seconds)
                .await?;
        let throttles = self
            .store
            .sessions()
            .delete_stale_throttles(at - THROTTLE_WINDOW_SECONDS, at)
            .await?;
        tracing::debug!(sessions, throttles, "housekeeping");
        Ok(())
    }

    /// The session a cookie token belongs to, if it is still valid: not
    /// past its fixed end, and used within the idle time-out. A session
    /// found unused for that long is ended there and then. Using one moves
    /// its "last used" time on, written only when more than
    /// [`TOUCH_AFTER_SECONDS`] have passed since it was last written.
    pub async fn session(&self, token: &str) -> Result<Option<ActiveSession>, AppError> {
        let at = self.now();
        let hash = token_hash(token);
        let sessions = self.store.sessions();
        // The session, its account and the account's grants: one query.
        let Some(found) = sessions.get_with_account(&hash, at).await? else {
            return Ok(None);
        };
        let session = found.session;
        let unused = at - session.last_seen_at;
        if unused >= self.session_idle_seconds {
            sessions.delete(&hash).await?;
            return Ok(None);
        }
        if unused > TOUCH_AFTER_SECONDS {
            sessions.touch(&hash, at).await?;
        }
        if found.disabled {
            return Ok(None);
        }
        Ok(Some(ActiveSession {
            principal: Principal {
                account_id: session.account_id,
                person_id: found.person_id,
                display_name: found.display_name,
                grants: found.grants,
            },
            csrf_token: session.csrf_token,
        }))
    }

    pub async fn sign_out(&self, token: &str) -> Result<(), AppError> {
        let hash = token_hash(token);
        let sessions = self.store.sessions();
        let session = sessions.get(&hash, self.now()).await?;
        sessions.delete(&hash).await?;
        if let Some(session) = session {
            self.store
                .audit()
                .record(
                    Actor::Account(session.account_id),
                    AuditAction::SignedOut,
                    "account",
                    &session.account_id.to_string(),
                    "",
                )
                .await?;
        }
        Ok(())
    }

    /// How long a session may go unused before it is signed out.
    pub fn session_idle_seconds(&self) -> i64 {
        self.session_idle_seconds
    }

    /// The caller's own sessions that have not ended, most recently used
    /// first, the one `current_token` belongs to marked. Each is named by
    /// a reference that is no secret; tokens never leave the store.
    pub async fn own_sessions(
        &self,
        principal: &Principal,
        current_token: &str,
    ) -> Result<Vec<OwnSession>, AppError> {
        let at = self.now();
        let idle_since = at - self.session_idle_seconds;
        let mut sessions = self
            .store
            .sessions()
            .of_account(own_sessions(principal), &token_hash(current_token), at)
            .await?;
        sessions.retain(|session| session.current || session.last_seen_at > idle_since);
        Ok(sessions)
    }

    /// Ends one of the caller's own sessions, named by its reference (see
    /// [`App::own_sessions`]), and answers whether it was the session
    /// `current_token` belongs to. Another person's session, or one that
    /// has already ended, is not found.
    pub async fn end_own_session(
        &self,
        principal: &Principal,
        current_token: &str,
        reference: &str,
    ) -> Result<bool, AppError> {
        let ended = self
            .store
            .sessions()
            .delete_of_account(own_sessions(principal), reference)
            .await?;
        if !ended {
            return Err(AppError::NotFound);
        }
        let current = !reference.is_empty() && token_hash(current_token).starts_with(reference);
        self.store
            .audit()
            .record(
                principal.actor(),
                AuditAction::SessionEnded,
                "account",
                &principal.account_id.to_string(),
                if current {
                    "this session"
                } else {
                    "another session"
                },
            )
            .await?;
        Ok(current)
    }

    /// Builds the caller from their account and grants; a disabled account
    /// is no caller at all.
    async fn principal(&self, account_id: AccountId) -> Result<Option<Principal>, AppError> {
        let Some(account) = self.store.accounts().get(account_id).await? else {
            return Ok(None);
        };
        if account.disabled {
            return Ok(None);
        }
        Ok(Some(Principal {
            account_id,
            person_id: account.person_id,
            display_name: account.display_name,
            grants: self.store.accounts().grants(account_id).await?,
        }))
    }
}

/// Sign-in failures are the caller's input being wrong, reported on the
/// email field so the page can show them there.
fn sign_in_error(error: SignInError) -> AppError {
    AppError::invalid("email", error.to_string())
}

/// Compares two CSRF tokens in time independent of where they differ.
pub fn csrf_matches(expected: &str, given: &str) -> bool {
    expected.len() == given.len()
        && expected
            .bytes()
            .zip(given.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_soft_delay_grows_and_stays_short() {
        assert_eq!(soft_delay_seconds(SOFT_DELAY_AFTER - 1), 0);
        assert_eq!(soft_delay_seconds(SOFT_DELAY_AFTER), 1);
        assert_eq!(soft_delay_seconds(SOFT_DELAY_AFTER + 3), 8);
        assert_eq!(soft_delay_seconds(1_000), MAX_SOFT_DELAY_SECONDS);
    }

    #[test]
    fn passwords_verify_only_against_their_own_hash() {
        let hash = hash_password("correct horse battery").expect("hashes");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse battery!", &hash));
        assert!(!verify_password("anything", DECOY_HASH));
    }

    #[test]
    fn csrf_comparison() {
        assert!(csrf_matches("abc", "abc"));
        assert!(!csrf_matches("abc", "abd"));
        assert!(!csrf_matches("abc", "ab"));
    }
}
