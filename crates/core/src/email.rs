//! Email addresses, validated once at the edge.
//!
//! Deliberately simple: the only real test of an address is a mail that
//! arrives (magic links and double opt-in do that). This catches typos and
//! anything that could break a mail header, and normalises case so the same
//! person does not end up with two accounts or subscriptions.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A trimmed, lowercased address with one `@`, a non-empty local part and a
/// dotted domain.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmailAddress(String);

/// Why an address was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EmailError {
    /// Nothing (left) after trimming.
    Empty,
    /// More than [`EmailAddress::MAX_LEN`] characters.
    TooLong,
    /// Whitespace inside the address.
    Whitespace,
    /// A control character or one of `< > ( ) [ ] , ; : \ "`.
    InvalidCharacter,
    /// No `@`.
    MissingAt,
    /// More than one `@`.
    MultipleAt,
    /// Nothing before the `@`.
    EmptyLocalPart,
    /// The domain is empty, has no dot, or has an empty label (`a..b`, `.nl`).
    InvalidDomain,
}

impl EmailError {
    /// Stable code for translations.
    pub const fn key(self) -> &'static str {
        match self {
            EmailError::Empty => "empty",
            EmailError::TooLong => "too_long",
            EmailError::Whitespace => "whitespace",
            EmailError::InvalidCharacter => "invalid_character",
            EmailError::MissingAt => "missing_at",
            EmailError::MultipleAt => "multiple_at",
            EmailError::EmptyLocalPart => "empty_local_part",
            EmailError::InvalidDomain => "invalid_domain",
        }
    }
}

impl fmt::Display for EmailError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl std::error::Error for EmailError {}

impl EmailAddress {
    /// Maximum length (RFC 5321 path limit).
    pub const MAX_LEN: usize = 254;

    /// Trims, lowercases and validates.
    pub fn parse(raw: &str) -> Result<Self, EmailError> {
        let address = raw.trim().to_lowercase();
        if address.is_empty() {
            return Err(EmailError::Empty);
        }
        if address.chars().count() > Self::MAX_LEN {
            return Err(EmailError::TooLong);
        }
        if address.chars().any(char::is_whitespace) {
            return Err(EmailError::Whitespace);
        }
        // Header-breaking characters: refusing them keeps addresses safe to
        // put in a To: line without quoting.
        if address
            .chars()
            .any(|c| c.is_control() || "<>()[],;:\\\"".contains(c))
        {
            return Err(EmailError::InvalidCharacter);
        }
        let (local, domain) = address.split_once('@').ok_or(EmailError::MissingAt)?;
        if domain.contains('@') {
            return Err(EmailError::MultipleAt);
        }
        if local.is_empty() {
            return Err(EmailError::EmptyLocalPart);
        }
        if !domain.contains('.') || domain.split('.').any(str::is_empty) {
            return Err(EmailError::InvalidDomain);
        }
        Ok(Self(address))
    }

    /// The whole address.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part before the `@`.
    pub fn local_part(&self) -> &str {
        self.0.split_once('@').map_or("", |(local, _)| local)
    }

    /// The part after the `@`.
    pub fn domain(&self) -> &str {
        self.0.split_once('@').map_or("", |(_, domain)| domain)
    }

    /// The address, owned.
    pub fn into_inner(self) -> String {
        self.0
    }
}

impl FromStr for EmailAddress {
    type Err = EmailError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for EmailAddress {
    type Error = EmailError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<EmailAddress> for String {
    fn from(e: EmailAddress) -> Self {
        e.0
    }
}

impl AsRef<str> for EmailAddress {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_addresses_are_normalised() {
        let e = EmailAddress::parse("  Jan.Jansen+scan@Voorbeeld.NL \n").unwrap();
        assert_eq!(e.as_str(), "jan.jansen+scan@voorbeeld.nl");
        assert_eq!(e.local_part(), "jan.jansen+scan");
        assert_eq!(e.domain(), "voorbeeld.nl");
        assert_eq!(e.to_string(), "jan.jansen+scan@voorbeeld.nl");
        assert!("a@b.co".parse::<EmailAddress>().is_ok());
        assert!(EmailAddress::parse("info@bakkerij-de-vries.nl").is_ok());
        assert!(EmailAddress::parse("ännä@müller.de").is_ok());
    }

    #[test]
    fn invalid_addresses_give_codes() {
        let cases = [
            ("", EmailError::Empty),
            ("   ", EmailError::Empty),
            ("jan jansen@voorbeeld.nl", EmailError::Whitespace),
            ("jan\t@voorbeeld.nl", EmailError::Whitespace),
            ("Jan <jan@voorbeeld.nl>", EmailError::Whitespace),
            ("<jan@voorbeeld.nl>", EmailError::InvalidCharacter),
            (
                "jan@voorbeeld.nl,piet@voorbeeld.nl",
                EmailError::InvalidCharacter,
            ),
            ("jan\u{0}@voorbeeld.nl", EmailError::InvalidCharacter),
            ("jan.voorbeeld.nl", EmailError::MissingAt),
            ("jan@piet@voorbeeld.nl", EmailError::MultipleAt),
            ("@voorbeeld.nl", EmailError::EmptyLocalPart),
            ("jan@", EmailError::InvalidDomain),
            ("jan@localhost", EmailError::InvalidDomain),
            ("jan@voorbeeld.", EmailError::InvalidDomain),
            ("jan@.nl", EmailError::InvalidDomain),
            ("jan@voorbeeld..nl", EmailError::InvalidDomain),
        ];
        for (raw, expected) in cases {
            assert_eq!(EmailAddress::parse(raw), Err(expected), "{raw:?}");
        }
    }

    #[test]
    fn length_limit() {
        let domain = "@voorbeeld.nl";
        let ok = format!(
            "{}{domain}",
            "a".repeat(EmailAddress::MAX_LEN - domain.len())
        );
        assert!(EmailAddress::parse(&ok).is_ok());
        let long = format!("a{ok}");
        assert_eq!(EmailAddress::parse(&long), Err(EmailError::TooLong));
    }

    #[test]
    fn serde_validates() {
        use serde::de::IntoDeserializer;
        use serde::de::value::{Error, StringDeserializer};
        let de: StringDeserializer<Error> = "Info@Voorbeeld.nl".to_owned().into_deserializer();
        assert_eq!(
            EmailAddress::deserialize(de).unwrap().as_str(),
            "info@voorbeeld.nl"
        );
        let de: StringDeserializer<Error> = "geen-adres".to_owned().into_deserializer();
        assert!(EmailAddress::deserialize(de).is_err());
    }
}
