//! The server secret: a key kept outside the database.
//!
//! Answers to a scan must not be linkable to the invite or form they came through, not even
//! by someone holding the whole database. What a submission records about its invite is a
//! keyed hash of the token under this secret, so linking an answer to an invite needs the
//! employer's links, the database *and* this key together. Shared links are derived from it
//! too, so they can be shown again without ever being stored.
//!
//! Where it comes from: the `server_secret` setting (64 hex characters; every instance
//! behind a load balancer must have the same one), else `<data_dir>/server.key`, created
//! with 256 random bits on first start (readable by the owner only).

use std::path::Path;

use hmac::{KeyInit, Mac};
use secrecy::{ExposeSecret, SecretBox, SecretString};

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// What a keyed hash is for; one key serves several purposes without their hashes ever
/// being equal for the same input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// The "used" marker of a personal scan link.
    InviteUsed,
    /// The "submitted" marker of a shared-link form id.
    FormUsed,
    /// The token of a shared link of a round (and department).
    SharedLink,
    /// A Kompas subscriber's manage/unsubscribe link, derived from their random link key.
    NewsletterLink,
    /// The stamp of a contact form: when it was handed out, so bots that post at once (or
    /// forms that lie around for days) are told apart.
    ContactForm,
    /// The key of a client address in the rate limit shared through the database.
    RateLimit,
}

impl Purpose {
    fn label(self) -> &'static [u8] {
        match self {
            Purpose::InviteUsed => b"invite-used",
            Purpose::FormUsed => b"form-used",
            Purpose::SharedLink => b"shared-link",
            Purpose::NewsletterLink => b"newsletter-link",
            Purpose::ContactForm => b"contact-form",
            Purpose::RateLimit => b"rate-limit",
        }
    }
}

pub struct ServerSecret(SecretBox<[u8; 32]>);

impl std::fmt::Debug for ServerSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ServerSecret(…)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("server_secret: must be 64 hexadecimal characters (32 bytes)")]
    Malformed,
    #[error("cannot read or create {path}: {source}")]
    File {
        path: String,
        source: std::io::Error,
    },
}

impl ServerSecret {
    pub fn from_bytes(bytes: [u8; 32]) -> ServerSecret {
        ServerSecret(SecretBox::new(Box::new(bytes)))
    }

    /// A fresh random secret (tests, and the first start of a new data folder).
    pub fn random() -> ServerSecret {
        Self::from_bytes(rand::random())
    }

    pub fn from_hex(text: &str) -> Result<ServerSecret, SecretError> {
        let bytes = hex::decode(text.trim()).map_err(|_| SecretError::Malformed)?;
        let bytes: [u8; 32] = bytes.try_into().map_err(|_| SecretError::Malformed)?;
        Ok(Self::from_bytes(bytes))
    }

    /// The configured secret, or the one in the data folder (created when missing).
    pub fn load(
        configured: Option<&SecretString>,
        data_dir: &Path,
    ) -> Result<ServerSecret, SecretError> {
        if let Some(text) = configured {
            return Self::from_hex(text.expose_secret());
        }
        let path = data_dir.join("server.key");
        let io = |source| SecretError::File {
            path: path.display().to_string(),
            source,
        };
        match std::fs::read_to_string(&path) {
            Ok(text) => Self::from_hex(&text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir_all(data_dir).map_err(io)?;
                let secret = Self::random();
                write_private(&path, &hex::encode(secret.0.expose_secret())).map_err(io)?;
                Ok(secret)
            }
            Err(e) => Err(io(e)),
        }
    }

    /// HMAC-SHA256 of `input` for `purpose`, as 64 lowercase hex characters.
    pub fn keyed_hash(&self, purpose: Purpose, input: &[u8]) -> String {
        hex::encode(self.mac(purpose, input))
    }

    /// 32 bytes derived from `input` for `purpose`.
    pub fn mac(&self, purpose: Purpose, input: &[u8]) -> [u8; 32] {
        let mut mac = <HmacSha256 as KeyInit>::new_from_slice(self.0.expose_secret())
            .expect("HMAC takes keys of any length");
        mac.update(purpose.label());
        mac.update(&[0]);
        mac.update(input);
        mac.finalize().into_bytes().into()
    }
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::{io::Write, os::unix::fs::OpenOptionsExt};
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(text.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purposes_separate_hashes_and_keys_matter() {
        let a = ServerSecret::from_bytes([1; 32]);
        let b = ServerSecret::from_bytes([2; 32]);
        let h = a.keyed_hash(Purpose::InviteUsed, b"token");
        assert_eq!(h.len(), 64);
        assert_ne!(h, a.keyed_hash(Purpose::FormUsed, b"token"));
        assert_ne!(h, b.keyed_hash(Purpose::InviteUsed, b"token"));
        assert_eq!(h, a.keyed_hash(Purpose::InviteUsed, b"token"));
        assert_eq!(format!("{a:?}"), "ServerSecret(…)");
    }

    #[test]
    fn the_data_folder_keeps_one_secret() {
        let dir = tempfile::tempdir().unwrap();
        let first = ServerSecret::load(None, dir.path()).unwrap();
        let again = ServerSecret::load(None, dir.path()).unwrap();
        assert_eq!(
            first.keyed_hash(Purpose::SharedLink, b"x"),
            again.keyed_hash(Purpose::SharedLink, b"x")
        );
        assert!(matches!(
            ServerSecret::from_hex("abc"),
            Err(SecretError::Malformed)
        ));
    }
}
