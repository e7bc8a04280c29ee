//! Inzichten: the rules for articles that do not depend on a database or HTTP.
//!
//! An article's address is its [`ArticleSlug`], parsed at the edge; whether the public may
//! see it follows from [`Publication::of`]; its reading time from [`reading_minutes`].

use std::fmt;

/// The last part of an article's address: lower-case letters, digits and single hyphens,
/// starting and ending with a letter or digit, at most [`ArticleSlug::MAX_LEN`] characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ArticleSlug(String);

/// Why a text is not a slug. One variant: every bad shape is answered the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotASlug;

impl fmt::Display for NotASlug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a slug")
    }
}

impl std::error::Error for NotASlug {}

impl ArticleSlug {
    pub const MAX_LEN: usize = 80;

    pub fn parse(s: &str) -> Result<ArticleSlug, NotASlug> {
        let bytes = s.as_bytes();
        if bytes.is_empty() || bytes.len() > Self::MAX_LEN {
            return Err(NotASlug);
        }
        let plain = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
        if !plain(bytes[0]) || !plain(bytes[bytes.len() - 1]) {
            return Err(NotASlug);
        }
        let mut previous_hyphen = false;
        for &b in bytes {
            match b {
                b'-' if previous_hyphen => return Err(NotASlug),
                b'-' => previous_hyphen = true,
                b if plain(b) => previous_hyphen = false,
                _ => return Err(NotASlug),
            }
        }
        Ok(ArticleSlug(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ArticleSlug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Words a reader gets through in a minute, for the reading time shown on an article.
pub const WORDS_PER_MINUTE: usize = 200;

/// Minutes to read `text`: its words divided by [`WORDS_PER_MINUTE`], rounded up, and never
/// less than one minute (an article always takes *some* time). Markdown markers such as `#`,
/// `*` or `-` standing alone are not counted as words.
pub fn reading_minutes(text: &str) -> u32 {
    let words = text
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count();
    words.div_ceil(WORDS_PER_MINUTE).max(1) as u32
}

/// Where an article stands for the public at a given moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Publication {
    /// No publication time: only staff see it.
    Draft,
    /// A publication time still in the future: hidden until then.
    Scheduled,
    /// A publication time that has passed: public.
    Published,
}

impl Publication {
    /// The state of an article with publication time `published_at` (unix seconds) at
    /// `now`. The moment itself counts as published.
    pub fn of(published_at: Option<i64>, now: i64) -> Publication {
        match published_at {
            None => Publication::Draft,
            Some(at) if at > now => Publication::Scheduled,
            Some(_) => Publication::Published,
        }
    }

    pub fn is_public(self) -> bool {
        self == Publication::Published
    }

    pub fn code(self) -> &'static str {
        match self {
            Publication::Draft => "draft",
            Publication::Scheduled => "scheduled",
            Publication::Published => "published",
        }
    }
}

/// Articles per page on the public list.
pub const PAGE_SIZE: u32 = 6;

/// The page number asked for in `?pagina=`, made sane: missing, zero or not a number is the
/// first page; more than `u32` pages is clamped (an empty page follows, not an error).
pub fn page_number(raw: Option<&str>) -> u32 {
    raw.and_then(|s| s.trim().parse::<u32>().ok())
        .filter(|&n| n > 0)
        .unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_plain_lowercase_words_with_single_hyphens() {
        for good in ["autonomie", "zeven-vragen-2025", "a", "x1-y2"] {
            assert_eq!(ArticleSlug::parse(good).unwrap().as_str(), good);
        }
        for bad in [
            "",
            "-begin",
            "eind-",
            "dubbel--streepje",
            "Hoofdletter",
            "met spatie",
            "../etc",
            "a/b",
            "%2e%2e",
            "café",
            "under_score",
        ] {
            assert_eq!(ArticleSlug::parse(bad), Err(NotASlug), "{bad:?}");
        }
        assert!(ArticleSlug::parse(&"a".repeat(80)).is_ok());
        assert!(ArticleSlug::parse(&"a".repeat(81)).is_err());
    }

    #[test]
    fn reading_time_rounds_up_and_is_at_least_one_minute() {
        assert_eq!(reading_minutes(""), 1);
        assert_eq!(reading_minutes("kort"), 1);
        let words = |n: usize| vec!["woord"; n].join(" ");
        assert_eq!(reading_minutes(&words(200)), 1);
        assert_eq!(reading_minutes(&words(201)), 2);
        assert_eq!(reading_minutes(&words(1000)), 5);
        // Markdown markers alone are not words.
        let marked = format!("# {}\n\n- * - > {}", words(100), words(100));
        assert_eq!(reading_minutes(&marked), 1);
    }

    #[test]
    fn publication_state_follows_the_time() {
        assert_eq!(Publication::of(None, 1_000), Publication::Draft);
        assert_eq!(Publication::of(Some(1_001), 1_000), Publication::Scheduled);
        assert_eq!(Publication::of(Some(1_000), 1_000), Publication::Published);
        assert_eq!(Publication::of(Some(10), 1_000), Publication::Published);
        assert!(Publication::of(Some(10), 1_000).is_public());
        assert!(!Publication::of(Some(2_000), 1_000).is_public());
        assert!(!Publication::of(None, 1_000).is_public());
    }

    #[test]
    fn page_numbers_fall_back_to_the_first_page() {
        assert_eq!(page_number(None), 1);
        assert_eq!(page_number(Some("0")), 1);
        assert_eq!(page_number(Some("-3")), 1);
        assert_eq!(page_number(Some("abc")), 1);
        assert_eq!(page_number(Some("99999999999")), 1);
        assert_eq!(page_number(Some("3")), 3);
    }
}
