//! Text typed by people, checked once at the edge so that both databases see the same
//! thing: PostgreSQL refuses a NUL byte that SQLite would store, and a newline inside a
//! name would split it in two wherever lines separate items.
//!
//! [`SingleLine`] refuses every control character (newline and tab included), trims and
//! collapses runs of spaces. [`MultiLine`] turns `\r\n` and `\r` into `\n`, allows `\n`
//! and refuses every other control character. Neither normalises Unicode (NFC is not needed
//! for comparison here).

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why a text was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextError {
    /// Nothing left after trimming.
    Empty,
    /// More characters than the field allows.
    TooLong,
    /// A control character: NUL, tab, escape… and, in single-line text, a line break.
    ControlCharacter,
}

impl TextError {
    /// Stable code for translations (`text-error-<code>`).
    pub const fn key(self) -> &'static str {
        match self {
            TextError::Empty => "empty",
            TextError::TooLong => "too_long",
            TextError::ControlCharacter => "control_character",
        }
    }
}

impl fmt::Display for TextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl std::error::Error for TextError {}

/// One line of text: no control characters, trimmed, inner runs of spaces made one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SingleLine(String);

impl SingleLine {
    /// Checks and tidies `raw`; `max_chars` counts characters after tidying.
    pub fn parse(raw: &str, max_chars: usize) -> Result<Self, TextError> {
        if raw.chars().any(char::is_control) {
            return Err(TextError::ControlCharacter);
        }
        let text = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        check_length(&text, max_chars)?;
        Ok(SingleLine(text))
    }

    /// Like [`SingleLine::parse`], but empty input is `None` instead of an error.
    pub fn parse_optional(raw: &str, max_chars: usize) -> Result<Option<Self>, TextError> {
        match Self::parse(raw, max_chars) {
            Err(TextError::Empty) => Ok(None),
            other => other.map(Some),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// Text with line breaks (`\n` only), no other control characters, trimmed at both ends.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MultiLine(String);

impl MultiLine {
    /// Checks and tidies `raw`; `max_chars` counts characters after tidying.
    pub fn parse(raw: &str, max_chars: usize) -> Result<Self, TextError> {
        let text = raw.replace("\r\n", "\n").replace('\r', "\n");
        if text.chars().any(|c| c.is_control() && c != '\n') {
            return Err(TextError::ControlCharacter);
        }
        let text = text.trim().to_owned();
        check_length(&text, max_chars)?;
        Ok(MultiLine(text))
    }

    /// Like [`MultiLine::parse`], but empty input is an empty text instead of an error.
    pub fn parse_or_empty(raw: &str, max_chars: usize) -> Result<Self, TextError> {
        match Self::parse(raw, max_chars) {
            Err(TextError::Empty) => Ok(MultiLine(String::new())),
            other => other,
        }
    }

    /// The non-empty lines, each checked as a [`SingleLine`] of at most `max_chars`.
    pub fn lines(&self, max_chars: usize) -> Result<Vec<SingleLine>, (TextError, String)> {
        self.0
            .lines()
            .filter(|line| !line.trim().is_empty())
            .map(|line| SingleLine::parse(line, max_chars).map_err(|e| (e, line.to_owned())))
            .collect()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

fn check_length(text: &str, max_chars: usize) -> Result<(), TextError> {
    if text.is_empty() {
        Err(TextError::Empty)
    } else if text.chars().count() > max_chars {
        Err(TextError::TooLong)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_line_tidies_and_refuses_control_characters() {
        assert_eq!(
            SingleLine::parse("  Bakkerij   Jansen ", 80)
                .unwrap()
                .as_str(),
            "Bakkerij Jansen"
        );
        for bad in [
            "a\0b", "a\nb", "a\rb", "a\tb", "a\u{1b}b", "a\u{7f}b", "a\u{85}b",
        ] {
            assert_eq!(
                SingleLine::parse(bad, 80),
                Err(TextError::ControlCharacter),
                "{bad:?}"
            );
        }
        assert_eq!(SingleLine::parse("   ", 80), Err(TextError::Empty));
        assert_eq!(SingleLine::parse_optional(" ", 80), Ok(None));
        assert_eq!(SingleLine::parse("ééé", 3).unwrap().as_str(), "ééé");
        assert_eq!(SingleLine::parse("éééé", 3), Err(TextError::TooLong));
    }

    #[test]
    fn multi_line_keeps_line_breaks_only() {
        let text = MultiLine::parse(" Winkel\r\nBakkerij\rKantoor \n", 100).unwrap();
        assert_eq!(text.as_str(), "Winkel\nBakkerij\nKantoor");
        assert_eq!(
            MultiLine::parse("a\0b", 100),
            Err(TextError::ControlCharacter)
        );
        assert_eq!(
            MultiLine::parse("a\tb", 100),
            Err(TextError::ControlCharacter)
        );
        assert_eq!(MultiLine::parse_or_empty("", 10).unwrap().as_str(), "");
        let lines = text.lines(20).unwrap();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[1].as_str(), "Bakkerij");
    }

    #[test]
    fn nothing_parsed_contains_a_control_character_other_than_newline() {
        use proptest::prelude::*;
        proptest!(|(raw in any::<String>())| {
            if let Ok(line) = SingleLine::parse(&raw, 10_000) {
                prop_assert!(!line.as_str().chars().any(char::is_control));
            }
            if let Ok(text) = MultiLine::parse(&raw, 10_000) {
                prop_assert!(!text.as_str().chars().any(|c| c.is_control() && c != '\n'));
            }
        });
    }
}
