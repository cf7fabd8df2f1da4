//! Envelope encryption for confidential content at rest (PRV-1, PRV-3;
//! issue 10 item 11).
//!
//! Each relationship has its own random [`DataKey`]. Content — meeting
//! notes, plan and agreement text, questionnaire answers — is sealed under
//! it with XChaCha20-Poly1305 ([`seal`], [`open`]): a fresh random 192-bit
//! nonce per seal, stored in front of the ciphertext, and associated data
//! that binds the ciphertext to where it belongs (say, a relationship and a
//! kind of content), so a ciphertext copied to another row does not open.
//! The data key is stored only wrapped by the [`MasterKey`]
//! ([`MasterKey::wrap`]), which lives in a key file outside the database
//! ([`MasterKey::from_key_file`], [`MasterKey::to_key_file`]).
//!
//! Keys are wiped from memory when dropped, print as their fingerprint
//! only, and no error carries plaintext or key material.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// The length of every key, in bytes.
pub const KEY_LEN: usize = 32;

/// The first byte of every sealed value: the format, so it can change.
const FORMAT: u8 = 1;
/// XChaCha20's nonce: long enough to choose at random for every seal.
const NONCE_LEN: usize = 24;
/// Poly1305's tag.
const TAG_LEN: usize = 16;
/// Domain separation: content and wrapped keys never open as each other.
const CONTENT: &[u8] = b"tandem-seal content v1\0";
const WRAPPED_KEY: &[u8] = b"tandem-seal data key v1\0";

/// How a key file's key line starts; the version is part of it.
pub const KEY_FILE_PREFIX: &str = "tandem-master-key-v1:";

/// Why a sealed value did not open. Deliberately vague: it says nothing of
/// the plaintext or the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    /// Too short, or in a format this version does not know.
    #[error("the sealed value is not in a format Tandem knows")]
    Malformed,
    /// The wrong key, different associated data, or altered bytes.
    #[error("the sealed value could not be opened: wrong key, wrong place or altered")]
    Failed,
    /// The plaintext is too large for the cipher (over 256 GiB).
    #[error("the value is too large to seal")]
    TooLarge,
}

/// Why a key file could not be read. Never includes the file's text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyFileError {
    /// No line starts with `tandem-master-key-`.
    #[error("this is not a Tandem key file: no line starts with \"{KEY_FILE_PREFIX}\"")]
    NotAKeyFile,
    /// A key line of a version this Tandem does not read.
    #[error(
        "the key file is of a version this Tandem cannot read (it reads \"{KEY_FILE_PREFIX}\")"
    )]
    UnknownVersion,
    /// The key is not valid base64.
    #[error("the key in the key file is not valid base64")]
    NotBase64,
    /// The key is not 32 bytes.
    #[error("the key in the key file is {found} bytes long; a key is {KEY_LEN} bytes")]
    WrongLength {
        /// How many bytes it decoded to.
        found: usize,
    },
}

/// The master key: wraps every relationship's data key. Kept in a key file,
/// never in the database.
pub struct MasterKey {
    bytes: Zeroizing<[u8; KEY_LEN]>,
}

/// A relationship's data key: seals and opens that relationship's content.
/// Stored only wrapped by the master key.
pub struct DataKey {
    bytes: Zeroizing<[u8; KEY_LEN]>,
}

fn random_key() -> Zeroizing<[u8; KEY_LEN]> {
    let mut bytes = Zeroizing::new([0u8; KEY_LEN]);
    OsRng.fill_bytes(bytes.as_mut());
    bytes
}

impl MasterKey {
    /// A new key from the operating system's random number generator.
    pub fn generate() -> MasterKey {
        MasterKey {
            bytes: random_key(),
        }
    }

    /// Reads a key file: blank lines and `#` comments are skipped, and the
    /// key is the base64 after [`KEY_FILE_PREFIX`] on its line.
    pub fn from_key_file(text: &str) -> Result<MasterKey, KeyFileError> {
        let line = text
            .lines()
            .map(str::trim)
            .find(|line| !line.is_empty() && !line.starts_with('#'))
            .ok_or(KeyFileError::NotAKeyFile)?;
        let Some(encoded) = line.strip_prefix(KEY_FILE_PREFIX) else {
            return Err(if line.starts_with("tandem-master-key-") {
                KeyFileError::UnknownVersion
            } else {
                KeyFileError::NotAKeyFile
            });
        };
        let decoded = Zeroizing::new(
            STANDARD
                .decode(encoded.trim())
                .map_err(|_| KeyFileError::NotBase64)?,
        );
        let mut bytes = Zeroizing::new([0u8; KEY_LEN]);
        if decoded.len() != KEY_LEN {
            return Err(KeyFileError::WrongLength {
                found: decoded.len(),
            });
        }
        bytes.copy_from_slice(&decoded);
        Ok(MasterKey { bytes })
    }

    /// The key file's text: a comment, then the versioned key line.
    pub fn to_key_file(&self) -> Zeroizing<String> {
        Zeroizing::new(format!(
            "# Tandem master key ({}). Keep it secret and keep a copy: without it the\n\
             # confidential content in the database cannot be read.\n\
             {KEY_FILE_PREFIX}{}\n",
            self.fingerprint(),
            *Zeroizing::new(STANDARD.encode(self.bytes.as_ref()))
        ))
    }

    /// A short name for the key, safe to log: 16 hex digits of a hash of it.
    pub fn fingerprint(&self) -> String {
        let digest = Sha256::new()
            .chain_update(b"tandem-master-key fingerprint\0")
            .chain_update(self.bytes.as_ref())
            .finalize();
        digest[..8]
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect()
    }

    /// Wraps a data key for storage. `context` binds it to its owner (say,
    /// the relationship's id), so it unwraps only there.
    pub fn wrap(&self, data_key: &DataKey, context: &[u8]) -> Result<Vec<u8>, SealError> {
        seal_with(&self.bytes, data_key.bytes.as_ref(), WRAPPED_KEY, context)
    }

    /// Unwraps a stored data key.
    pub fn unwrap(&self, wrapped: &[u8], context: &[u8]) -> Result<DataKey, SealError> {
        let opened = Zeroizing::new(open_with(&self.bytes, wrapped, WRAPPED_KEY, context)?);
        let mut bytes = Zeroizing::new([0u8; KEY_LEN]);
        if opened.len() != KEY_LEN {
            return Err(SealError::Malformed);
        }
        bytes.copy_from_slice(&opened);
        Ok(DataKey { bytes })
    }
}

impl DataKey {
    /// A new key from the operating system's random number generator.
    pub fn generate() -> DataKey {
        DataKey {
            bytes: random_key(),
        }
    }
}

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MasterKey({})", self.fingerprint())
    }
}

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DataKey(..)")
    }
}

/// Seals `plaintext` under a relationship's data key. `associated_data` is
/// not secret but must be given again to open: make it say where the value
/// belongs (relationship and kind of content). Sealing the same plaintext
/// twice gives different bytes.
pub fn seal(key: &DataKey, plaintext: &[u8], associated_data: &[u8]) -> Result<Vec<u8>, SealError> {
    seal_with(&key.bytes, plaintext, CONTENT, associated_data)
}

/// Opens a value [`seal`] made, with the same key and associated data.
pub fn open(key: &DataKey, sealed: &[u8], associated_data: &[u8]) -> Result<Vec<u8>, SealError> {
    open_with(&key.bytes, sealed, CONTENT, associated_data)
}

/// The associated data the cipher authenticates: the format byte, the
/// domain, then the caller's bytes.
fn aad(domain: &[u8], associated_data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(1 + domain.len() + associated_data.len());
    out.push(FORMAT);
    out.extend_from_slice(domain);
    out.extend_from_slice(associated_data);
    out
}

/// `FORMAT ‖ nonce ‖ ciphertext-and-tag`.
fn seal_with(
    key: &[u8; KEY_LEN],
    plaintext: &[u8],
    domain: &[u8],
    associated_data: &[u8],
) -> Result<Vec<u8>, SealError> {
    let cipher = XChaCha20Poly1305::new(key.into());
    let mut nonce = [0u8; NONCE_LEN];
    OsRng.fill_bytes(&mut nonce);
    let aad = aad(domain, associated_data);
    let ciphertext = cipher
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: plaintext,
                aad: &aad,
            },
        )
        .map_err(|_| SealError::TooLarge)?;
    let mut sealed = Vec::with_capacity(1 + NONCE_LEN + ciphertext.len());
    sealed.push(FORMAT);
    sealed.extend_from_slice(&nonce);
    sealed.extend_from_slice(&ciphertext);
    Ok(sealed)
}

fn open_with(
    key: &[u8; KEY_LEN],
    sealed: &[u8],
    domain: &[u8],
    associated_data: &[u8],
) -> Result<Vec<u8>, SealError> {
    let (&format, rest) = sealed.split_first().ok_or(SealError::Malformed)?;
    if format != FORMAT || rest.len() < NONCE_LEN + TAG_LEN {
        return Err(SealError::Malformed);
    }
    let (nonce, ciphertext) = rest.split_at(NONCE_LEN);
    let aad = aad(domain, associated_data);
    XChaCha20Poly1305::new(key.into())
        .decrypt(
            XNonce::from_slice(nonce),
            Payload {
                msg: ciphertext,
                aad: &aad,
            },
        )
        .map_err(|_| SealError::Failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CANARY: &[u8] = b"CANARY-7f3e9c1a: the mentee's notes about a child";

    fn sealed(key: &DataKey, plaintext: &[u8], aad: &[u8]) -> Vec<u8> {
        seal(key, plaintext, aad).expect("small values seal")
    }

    #[test]
    fn what_is_sealed_opens_with_the_same_key_and_associated_data() {
        let key = DataKey::generate();
        for plaintext in [&b""[..], b"x", CANARY, &[0u8; 5000][..]] {
            let bytes = sealed(&key, plaintext, b"relationship:1:notes");
            assert_eq!(bytes.len(), 1 + NONCE_LEN + plaintext.len() + TAG_LEN);
            assert_eq!(
                open(&key, &bytes, b"relationship:1:notes").as_deref(),
                Ok(plaintext)
            );
        }
    }

    #[test]
    fn a_wrong_key_or_any_altered_byte_fails() {
        let key = DataKey::generate();
        let bytes = sealed(&key, CANARY, b"relationship:1:notes");
        assert_eq!(
            open(&DataKey::generate(), &bytes, b"relationship:1:notes"),
            Err(SealError::Failed)
        );
        for index in 0..bytes.len() {
            let mut altered = bytes.clone();
            altered[index] ^= 0x01;
            let expected = if index == 0 {
                SealError::Malformed
            } else {
                SealError::Failed
            };
            assert_eq!(
                open(&key, &altered, b"relationship:1:notes"),
                Err(expected),
                "byte {index}"
            );
        }
        assert_eq!(
            open(&key, &bytes[..bytes.len() - 1], b"relationship:1:notes"),
            Err(SealError::Failed)
        );
        assert_eq!(open(&key, &bytes[..20], b""), Err(SealError::Malformed));
        assert_eq!(open(&key, &[], b""), Err(SealError::Malformed));
    }

    #[test]
    fn the_same_plaintext_sealed_twice_differs() {
        let key = DataKey::generate();
        let first = sealed(&key, CANARY, b"a");
        let second = sealed(&key, CANARY, b"a");
        assert_ne!(first, second);
        assert_ne!(
            first[1..1 + NONCE_LEN],
            second[1..1 + NONCE_LEN],
            "a fresh nonce"
        );
    }

    #[test]
    fn associated_data_binds_a_value_to_its_place() {
        let key = DataKey::generate();
        let bytes = sealed(&key, CANARY, b"relationship:1:notes");
        for elsewhere in [&b"relationship:2:notes"[..], b"relationship:1:plan", b""] {
            assert_eq!(open(&key, &bytes, elsewhere), Err(SealError::Failed));
        }
    }

    #[test]
    fn the_canary_never_appears_in_what_is_stored() {
        let master = MasterKey::generate();
        let key = DataKey::generate();
        let bytes = sealed(&key, CANARY, b"relationship:1:notes");
        let wrapped = master.wrap(&key, b"relationship:1").expect("wraps");
        let key_file = master.to_key_file();
        for stored in [&bytes[..], &wrapped[..]] {
            assert!(!stored.windows(CANARY.len()).any(|w| w == CANARY));
            // Nor any eight bytes of it.
            for piece in CANARY.chunks(8).filter(|piece| piece.len() == 8) {
                assert!(!stored.windows(8).any(|w| w == piece));
            }
        }
        assert!(!wrapped.windows(KEY_LEN).any(|w| w == key.bytes.as_ref()));
        let errors = [
            open(&key, &bytes, b"x").expect_err("fails").to_string(),
            SealError::Malformed.to_string(),
            format!("{key:?} {master:?}"),
        ];
        let master_b64 = STANDARD.encode(master.bytes.as_ref());
        for text in errors {
            assert!(!text.contains("CANARY"), "{text}");
            assert!(!text.contains(&master_b64), "{text}");
        }
        assert!(key_file.contains(&master_b64));
    }

    #[test]
    fn a_data_key_unwraps_only_with_its_master_key_and_context() {
        let master = MasterKey::generate();
        let key = DataKey::generate();
        let wrapped = master.wrap(&key, b"relationship:1").expect("wraps");
        let unwrapped = master.unwrap(&wrapped, b"relationship:1").expect("unwraps");
        let bytes = sealed(&key, CANARY, b"notes");
        assert_eq!(open(&unwrapped, &bytes, b"notes").as_deref(), Ok(CANARY));
        assert!(matches!(
            MasterKey::generate().unwrap(&wrapped, b"relationship:1"),
            Err(SealError::Failed)
        ));
        assert!(matches!(
            master.unwrap(&wrapped, b"relationship:2"),
            Err(SealError::Failed)
        ));
        // A wrapped key is not content, and content is not a wrapped key.
        let as_content = DataKey {
            bytes: Zeroizing::new(*master.bytes),
        };
        assert_eq!(
            open(&as_content, &wrapped, b"relationship:1"),
            Err(SealError::Failed)
        );
    }

    #[test]
    fn the_key_file_round_trips_and_bad_files_say_why_without_the_key() {
        let master = MasterKey::generate();
        let text = master.to_key_file();
        let read = MasterKey::from_key_file(&text).expect("reads back");
        assert_eq!(*read.bytes, *master.bytes);
        assert_eq!(read.fingerprint(), master.fingerprint());
        assert_eq!(master.fingerprint().len(), 16);
        assert_ne!(master.fingerprint(), MasterKey::generate().fingerprint());
        let line = text.lines().last().expect("a key line").to_owned();
        let encoded = line.trim_start_matches(KEY_FILE_PREFIX).to_owned();
        let cases = [
            ("", KeyFileError::NotAKeyFile),
            ("# only a comment\n\n", KeyFileError::NotAKeyFile),
            ("hello", KeyFileError::NotAKeyFile),
            (
                &*format!("tandem-master-key-v2:{encoded}"),
                KeyFileError::UnknownVersion,
            ),
            (
                &*format!("{KEY_FILE_PREFIX}!!{encoded}"),
                KeyFileError::NotBase64,
            ),
            (
                &*format!("{KEY_FILE_PREFIX}{}", STANDARD.encode([7u8; 16])),
                KeyFileError::WrongLength { found: 16 },
            ),
        ];
        for (text, expected) in cases {
            let error = MasterKey::from_key_file(text).expect_err("refused");
            assert_eq!(error, expected, "{text:?}");
            assert!(!error.to_string().contains(&encoded));
        }
        let spaced = format!("\n  # mine\n  {line}  \n");
        assert!(MasterKey::from_key_file(&spaced).is_ok());
    }
}
