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

// ---------------------------------------------------------------------------------------
// An article as written in the back office, checked once.

/// Characters in a title.
pub const MAX_TITLE_CHARS: usize = 140;
/// Characters in the summary shown in lists and feeds.
pub const MAX_SUMMARY_CHARS: usize = 400;
/// Characters in the Markdown body.
pub const MAX_BODY_CHARS: usize = 60_000;
/// Characters in a theme or an author's name.
pub const MAX_LABEL_CHARS: usize = 80;

/// The fields of the article form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ArticleField {
    Lang,
    Slug,
    Title,
    Summary,
    Body,
    Theme,
    Author,
    Publish,
    PublishAt,
}

impl ArticleField {
    pub const fn key(self) -> &'static str {
        match self {
            ArticleField::Lang => "lang",
            ArticleField::Slug => "slug",
            ArticleField::Title => "title",
            ArticleField::Summary => "summary",
            ArticleField::Body => "body",
            ArticleField::Theme => "theme",
            ArticleField::Author => "author",
            ArticleField::Publish => "publish",
            ArticleField::PublishAt => "publish_at",
        }
    }
}

/// What is wrong with one field; worded by the web layer (`article-problem-<code>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArticleProblem {
    Missing,
    TooLong,
    ControlCharacter,
    NotASlug,
    UnknownLang,
    UnknownPublish,
    /// Not a date and time as `YYYY-MM-DDTHH:MM`.
    DateInvalid,
}

impl ArticleProblem {
    pub const fn code(self) -> &'static str {
        match self {
            ArticleProblem::Missing => "missing",
            ArticleProblem::TooLong => "too_long",
            ArticleProblem::ControlCharacter => "control_character",
            ArticleProblem::NotASlug => "not_a_slug",
            ArticleProblem::UnknownLang => "unknown_lang",
            ArticleProblem::UnknownPublish => "unknown_publish",
            ArticleProblem::DateInvalid => "date_invalid",
        }
    }

    fn of_text(e: crate::text::TextError) -> Self {
        match e {
            crate::text::TextError::Empty => ArticleProblem::Missing,
            crate::text::TextError::TooLong => ArticleProblem::TooLong,
            crate::text::TextError::ControlCharacter => ArticleProblem::ControlCharacter,
        }
    }
}

/// When an article appears.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublishChoice {
    /// Not public.
    Draft,
    /// Public from the moment it is saved.
    Now,
    /// Public from this Dutch local time.
    At(chrono::NaiveDateTime),
}

/// The form as typed.
#[derive(Debug, Clone, Copy, Default)]
pub struct ArticleInput<'a> {
    pub lang: &'a str,
    /// Empty: made from the title.
    pub slug: &'a str,
    pub title: &'a str,
    pub summary: &'a str,
    pub body: &'a str,
    pub theme: &'a str,
    pub author: &'a str,
    /// `draft`, `now` or `scheduled`.
    pub publish: &'a str,
    /// With `scheduled`: `YYYY-MM-DDTHH:MM` (what a `datetime-local` input sends).
    pub publish_at: &'a str,
}

/// A checked article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleDraft {
    /// `nl` or `en`.
    pub lang: &'static str,
    pub slug: ArticleSlug,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub theme: String,
    pub author: String,
    pub publish: PublishChoice,
}

/// A slug from a title: lower case, accents dropped, anything else a single hyphen.
pub fn slug_from_title(title: &str) -> Option<ArticleSlug> {
    let mut out = String::new();
    for c in title.chars().flat_map(char::to_lowercase) {
        let c = match c {
            'à' | 'á' | 'â' | 'ä' | 'ã' => 'a',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ò' | 'ó' | 'ô' | 'ö' | 'õ' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            'ñ' => 'n',
            c => c,
        };
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let mut slug = out.trim_end_matches('-').to_owned();
    if slug.len() > ArticleSlug::MAX_LEN {
        slug.truncate(ArticleSlug::MAX_LEN);
        slug = slug.trim_end_matches('-').to_owned();
    }
    ArticleSlug::parse(&slug).ok()
}

impl ArticleDraft {
    /// Checks every field; on failure one problem per wrong field, in form order.
    pub fn parse(input: ArticleInput<'_>) -> Result<Self, Vec<(ArticleField, ArticleProblem)>> {
        use crate::text::{MultiLine, SingleLine};
        let mut problems = Vec::new();
        let lang = match input.lang.trim() {
            "nl" | "" => Some("nl"),
            "en" => Some("en"),
            _ => {
                problems.push((ArticleField::Lang, ArticleProblem::UnknownLang));
                None
            }
        };
        let mut single = |field, raw: &str, max| match SingleLine::parse(raw, max) {
            Ok(v) => Some(v.into_string()),
            Err(e) => {
                problems.push((field, ArticleProblem::of_text(e)));
                None
            }
        };
        let title = single(ArticleField::Title, input.title, MAX_TITLE_CHARS);
        let slug = if input.slug.trim().is_empty() {
            match &title {
                Some(t) => match slug_from_title(t) {
                    Some(s) => Some(s),
                    None => {
                        problems.push((ArticleField::Slug, ArticleProblem::NotASlug));
                        None
                    }
                },
                None => None,
            }
        } else {
            match ArticleSlug::parse(input.slug.trim()) {
                Ok(s) => Some(s),
                Err(_) => {
                    problems.push((ArticleField::Slug, ArticleProblem::NotASlug));
                    None
                }
            }
        };
        let mut single = |field, raw: &str, max| match SingleLine::parse(raw, max) {
            Ok(v) => Some(v.into_string()),
            Err(e) => {
                problems.push((field, ArticleProblem::of_text(e)));
                None
            }
        };
        let summary = single(ArticleField::Summary, input.summary, MAX_SUMMARY_CHARS);
        let body = match MultiLine::parse(input.body, MAX_BODY_CHARS) {
            Ok(v) => Some(v.into_string()),
            Err(e) => {
                problems.push((ArticleField::Body, ArticleProblem::of_text(e)));
                None
            }
        };
        let mut single = |field, raw: &str, max| match SingleLine::parse(raw, max) {
            Ok(v) => Some(v.into_string()),
            Err(e) => {
                problems.push((field, ArticleProblem::of_text(e)));
                None
            }
        };
        let theme = single(ArticleField::Theme, input.theme, MAX_LABEL_CHARS);
        let author = single(ArticleField::Author, input.author, MAX_LABEL_CHARS);
        let publish = match input.publish.trim() {
            "draft" | "" => Some(PublishChoice::Draft),
            "now" => Some(PublishChoice::Now),
            "scheduled" => match chrono::NaiveDateTime::parse_from_str(
                input.publish_at.trim(),
                "%Y-%m-%dT%H:%M",
            ) {
                Ok(at) => Some(PublishChoice::At(at)),
                Err(_) => {
                    problems.push((ArticleField::PublishAt, ArticleProblem::DateInvalid));
                    None
                }
            },
            _ => {
                problems.push((ArticleField::Publish, ArticleProblem::UnknownPublish));
                None
            }
        };
        let order = |f: &ArticleField| *f as usize;
        problems.sort_by_key(|(f, _)| order(f));
        match (lang, slug, title, summary, body, theme, author, publish) {
            (
                Some(lang),
                Some(slug),
                Some(title),
                Some(summary),
                Some(body),
                Some(theme),
                Some(author),
                Some(publish),
            ) if problems.is_empty() => Ok(ArticleDraft {
                lang,
                slug,
                title,
                summary,
                body,
                theme,
                author,
                publish,
            }),
            _ => Err(problems),
        }
    }
}

#[cfg(test)]
mod draft_tests {
    use super::*;

    fn good() -> ArticleInput<'static> {
        ArticleInput {
            lang: "nl",
            slug: "",
            title: "Autonomie begint bij één gesprek",
            summary: "Waarom regelruimte loont.",
            body: "# Kop\n\nTekst.",
            theme: "Leiderschap",
            author: "Redactie HRnexus",
            publish: "draft",
            publish_at: "",
        }
    }

    #[test]
    fn a_good_article_parses_with_a_slug_from_its_title() {
        let d = ArticleDraft::parse(good()).unwrap();
        assert_eq!(d.slug.as_str(), "autonomie-begint-bij-een-gesprek");
        assert_eq!((d.lang, d.publish), ("nl", PublishChoice::Draft));
    }

    #[test]
    fn scheduling_needs_a_date_and_every_wrong_field_is_named() {
        let d = ArticleDraft::parse(ArticleInput {
            publish: "scheduled",
            publish_at: "2026-12-24T09:30",
            ..good()
        })
        .unwrap();
        assert_eq!(
            d.publish,
            PublishChoice::At(
                chrono::NaiveDate::from_ymd_opt(2026, 12, 24)
                    .unwrap()
                    .and_hms_opt(9, 30, 0)
                    .unwrap()
            )
        );
        let problems = ArticleDraft::parse(ArticleInput {
            title: "",
            body: "",
            slug: "Niet Goed",
            publish: "scheduled",
            publish_at: "morgen",
            ..good()
        })
        .unwrap_err();
        let fields: Vec<ArticleField> = problems.iter().map(|(f, _)| *f).collect();
        assert_eq!(
            fields,
            [
                ArticleField::Slug,
                ArticleField::Title,
                ArticleField::Body,
                ArticleField::PublishAt
            ]
        );
    }
}
