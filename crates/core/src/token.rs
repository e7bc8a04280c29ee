//! Values that arrive in a URL path, parsed once at the edge.
//!
//! A path segment is chosen by whoever wrote the link. Parsing it into one of these types
//! before anything else looks at it means that nothing downstream can be fed `../`, an
//! encoded slash or a megabyte of text, and that a value echoed back into a page is known
//! to be harmless.

use std::fmt;

use serde::Deserialize;

/// A secret token from a link: 256 random bits as unpadded base64url, exactly 43 characters
/// (sign-in links, scan invites, shared scan links, account set-up links).
#[derive(Clone, PartialEq, Eq, Hash, Deserialize)]
#[serde(try_from = "String")]
pub struct UrlToken(String);

/// Why a path segment is not a token. One variant on purpose: callers answer every bad
/// shape the same way, so a prober learns nothing from the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotAToken;

impl fmt::Display for NotAToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a token")
    }
}

impl std::error::Error for NotAToken {}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

impl UrlToken {
    /// Characters in a token: 32 bytes are 256 bits, which base64 writes in 43 characters.
    pub const LEN: usize = 43;

    pub fn parse(s: &str) -> Result<UrlToken, NotAToken> {
        let bytes = s.as_bytes();
        if bytes.len() != Self::LEN {
            return Err(NotAToken);
        }
        let mut last = 0;
        for &b in bytes {
            last = ALPHABET.iter().position(|&a| a == b).ok_or(NotAToken)?;
        }
        // 43 characters carry 258 bits; an encoder writes the 2 spare bits as zero, so a
        // token has exactly one spelling.
        if last % 4 != 0 {
            return Err(NotAToken);
        }
        Ok(UrlToken(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for UrlToken {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for UrlToken {
    type Error = NotAToken;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        UrlToken::parse(&s)
    }
}

impl std::str::FromStr for UrlToken {
    type Err = NotAToken;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        UrlToken::parse(s)
    }
}

/// Tokens are secrets: debug output (and so any log line) never shows one.
impl fmt::Debug for UrlToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("UrlToken(…)")
    }
}

/// A database id from a path: a positive integer written the plain way (`7`, not `+7`,
/// `07` or `-1`), so every id has exactly one address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(try_from = "String")]
pub struct RecordId(i64);

/// Why a path segment is not an id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotAnId;

impl fmt::Display for NotAnId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not an id")
    }
}

impl std::error::Error for NotAnId {}

impl RecordId {
    pub fn parse(s: &str) -> Result<RecordId, NotAnId> {
        let plain = !s.is_empty() && !s.starts_with('0') && s.bytes().all(|b| b.is_ascii_digit());
        if !plain {
            return Err(NotAnId);
        }
        s.parse::<i64>().map(RecordId).map_err(|_| NotAnId)
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

impl TryFrom<String> for RecordId {
    type Error = NotAnId;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        RecordId::parse(&s)
    }
}

impl fmt::Display for RecordId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const GOOD: &str = "Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eHF1dXg";

    #[test]
    fn a_real_token_parses() {
        assert_eq!(GOOD.len(), UrlToken::LEN);
        let token = UrlToken::parse(GOOD).unwrap();
        assert_eq!(token.as_str(), GOOD);
        assert_eq!(format!("{token:?}"), "UrlToken(…)");
    }

    #[test]
    fn other_shapes_are_refused() {
        for bad in [
            "",
            "bestaat-niet",
            &GOOD[..42],
            &format!("{GOOD}A"),
            "..%2Fscans%2F1%2Fsluiten0000000000000000000",
            "../scans/1/sluiten/AAAAAAAAAAAAAAAAAAAAAAAA",
            "Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eHF1dX=",
            "Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eHF1dXh",
            "Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eHF1dé",
        ] {
            assert_eq!(UrlToken::parse(bad), Err(NotAToken), "{bad}");
        }
    }

    #[test]
    fn ids_are_plain_positive_integers() {
        assert_eq!(RecordId::parse("7").unwrap().get(), 7);
        assert_eq!(
            RecordId::parse("9223372036854775807").unwrap().get(),
            i64::MAX
        );
        for bad in [
            "",
            "0",
            "-1",
            "+7",
            "07",
            "1.0",
            "1e3",
            "9223372036854775808",
            "..%2F1",
        ] {
            assert_eq!(RecordId::parse(bad), Err(NotAnId), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn every_parsed_token_is_url_safe(s in "\\PC{0,60}") {
            if let Ok(token) = UrlToken::parse(&s) {
                prop_assert!(token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
                prop_assert_eq!(token.len(), UrlToken::LEN);
            }
        }

        #[test]
        fn canonical_base64url_of_32_bytes_parses(bytes in proptest::array::uniform32(any::<u8>())) {
            prop_assert!(UrlToken::parse(&encode(&bytes)).is_ok());
        }
    }

    /// Unpadded base64url, written out here so the core crate needs no codec dependency.
    fn encode(bytes: &[u8]) -> String {
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
            for i in 0..=chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            }
        }
        out
    }
}
