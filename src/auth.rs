//! Credentials: argon2id password hashes, TOTP second factor, API keys. No I/O here.

use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};
use rand::RngCore;
use sha2::{Digest, Sha256};
use totp_rs::{Secret, Totp};

/// Minimum length for staff passwords (NIST 800-63B: length beats composition rules).
pub const MIN_PASSWORD_LEN: usize = 12;

pub fn hash_password(password: &str) -> String {
    // Argon2::default() is argon2id with the OWASP-recommended 19 MiB, 2 passes; the salt
    // comes from the operating system's random source.
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash: PasswordHash| hash.to_string())
        .expect("argon2 with default parameters cannot fail on a fresh salt")
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Spends the same time as a real check, so a login for an unknown address cannot be told
/// apart by its response time.
pub fn verify_password_against_nothing(password: &str) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let hash = DUMMY.get_or_init(|| hash_password("not a real password, only for timing"));
    let _ = verify_password(password, hash);
}

/// A fresh base32 TOTP secret (160 random bits, as RFC 4226 recommends).
pub fn new_totp_secret() -> String {
    let mut bytes = [0u8; 20];
    rand::rng().fill_bytes(&mut bytes);
    Secret::from(bytes.to_vec()).to_base32()
}

pub fn totp(secret_base32: &str, account: &str) -> Option<Totp> {
    let secret = Secret::try_from_base32(secret_base32).ok()?;
    totp_rs::Builder::new()
        .with_secret(secret)
        .with_account_name(account)
        .with_issuer(Some("HRnexus"))
        .build()
        .ok()
}

/// The time step a code belongs to when it is valid now (one step of clock skew allowed).
pub fn check_totp(secret_base32: &str, account: &str, code: &str) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    totp(secret_base32, account)?
        .check_current(&code)
        .map(|step| step as i64)
}

/// The otpauth:// address and its QR code as SVG, for enrolling an authenticator app.
pub fn totp_enrolment(secret_base32: &str, account: &str) -> Option<(String, String)> {
    let url = totp(secret_base32, account)?.to_url().ok()?;
    let svg = qrcode::QrCode::new(url.as_bytes())
        .ok()?
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .build();
    Some((url, svg))
}

/// A random token of 256 bits, URL-safe.
pub fn random_token() -> String {
    use base64::Engine;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Keys and session ids are random and long, so a plain SHA-256 is enough to store them:
/// there is nothing to brute-force, and the lookup stays a single indexed query.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A new API key: (the full key shown once, its visible prefix, its stored hash).
pub fn new_api_key() -> (String, String, String) {
    let key = format!("hrx_{}", random_token());
    let prefix = key[..10].to_owned();
    let hash = token_hash(&key);
    (key, prefix, hash)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_round_trip() {
        let hash = hash_password("correct horse battery staple");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery staple", &hash));
        assert!(!verify_password("wrong", &hash));
        assert!(!verify_password("anything", "not a hash"));
    }

    #[test]
    fn totp_accepts_the_current_code_only() {
        let secret = new_totp_secret();
        let code = totp(&secret, "a@b.nl")
            .unwrap()
            .generate_current()
            .to_string();
        assert!(check_totp(&secret, "a@b.nl", &code).is_some());
        let wrong = if code == "000000" { "111111" } else { "000000" };
        assert!(check_totp(&secret, "a@b.nl", wrong).is_none());
        assert!(check_totp(&secret, "a@b.nl", "abc").is_none());
    }

    #[test]
    fn api_keys_are_unique_and_hashed() {
        let (key1, prefix, hash) = new_api_key();
        let (key2, _, _) = new_api_key();
        assert_ne!(key1, key2);
        assert!(key1.starts_with(&prefix));
        assert_eq!(hash, token_hash(&key1));
        assert!(key1.len() > 40);
    }
}
