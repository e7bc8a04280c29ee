//! HR service providers (dienstverleners): what a profile is made of, and the values that
//! reach a profile from a URL or a form, parsed once at the edge.
//!
//! The service categories are the ones the scan's advice points to
//! ([`crate::scan::ServiceCategory`], re-exported here): one list, so that a category
//! suggested by a result is always one a provider can offer. Everything is a key; the web
//! layer words it (`provider-province-<key>`, `provider-size-<key>`, …).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::key::serde_via_key;
pub use crate::scan::ServiceCategory;

/// The twelve Dutch provinces: the regions a provider serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Province {
    Groningen,
    Friesland,
    Drenthe,
    Overijssel,
    Flevoland,
    Gelderland,
    Utrecht,
    NoordHolland,
    ZuidHolland,
    Zeeland,
    NoordBrabant,
    Limburg,
}

impl Province {
    /// All provinces, north to south (the order of lists and filters).
    pub const ALL: [Province; 12] = [
        Province::Groningen,
        Province::Friesland,
        Province::Drenthe,
        Province::Overijssel,
        Province::Flevoland,
        Province::Gelderland,
        Province::Utrecht,
        Province::NoordHolland,
        Province::ZuidHolland,
        Province::Zeeland,
        Province::NoordBrabant,
        Province::Limburg,
    ];

    /// Stable key (database, URLs, forms).
    pub const fn key(self) -> &'static str {
        match self {
            Province::Groningen => "groningen",
            Province::Friesland => "friesland",
            Province::Drenthe => "drenthe",
            Province::Overijssel => "overijssel",
            Province::Flevoland => "flevoland",
            Province::Gelderland => "gelderland",
            Province::Utrecht => "utrecht",
            Province::NoordHolland => "noord-holland",
            Province::ZuidHolland => "zuid-holland",
            Province::Zeeland => "zeeland",
            Province::NoordBrabant => "noord-brabant",
            Province::Limburg => "limburg",
        }
    }

    /// Inverse of [`Province::key`].
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.key() == key)
    }
}

/// A company size class, as the intake asks it (employees, owner included).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CompanySize {
    /// One person (zzp).
    One,
    /// 2–9.
    Micro,
    /// 10–49.
    Small,
    /// 50–249.
    Medium,
    /// 250 or more.
    Large,
}

impl CompanySize {
    /// All classes, smallest first.
    pub const ALL: [CompanySize; 5] = [
        CompanySize::One,
        CompanySize::Micro,
        CompanySize::Small,
        CompanySize::Medium,
        CompanySize::Large,
    ];

    /// Stable key (database, URLs, forms).
    pub const fn key(self) -> &'static str {
        match self {
            CompanySize::One => "1",
            CompanySize::Micro => "2-9",
            CompanySize::Small => "10-49",
            CompanySize::Medium => "50-249",
            CompanySize::Large => "250-plus",
        }
    }

    /// Inverse of [`CompanySize::key`].
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.key() == key)
    }

    /// The class a headcount falls in; `None` for zero.
    pub const fn of_headcount(people: u32) -> Option<Self> {
        match people {
            0 => None,
            1 => Some(CompanySize::One),
            2..=9 => Some(CompanySize::Micro),
            10..=49 => Some(CompanySize::Small),
            50..=249 => Some(CompanySize::Medium),
            _ => Some(CompanySize::Large),
        }
    }
}

/// Whether a provider takes new introductions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Availability {
    Accepting,
    Paused,
}

impl Availability {
    pub const ALL: [Availability; 2] = [Availability::Accepting, Availability::Paused];

    /// Stable key (database, forms).
    pub const fn key(self) -> &'static str {
        match self {
            Availability::Accepting => "accepting",
            Availability::Paused => "paused",
        }
    }

    /// Inverse of [`Availability::key`].
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.key() == key)
    }
}

serde_via_key!(Province, CompanySize, Availability);

/// Why a KvK number was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KvkError {
    /// Nothing typed.
    Empty,
    /// Not exactly eight digits.
    NotEightDigits,
}

impl KvkError {
    /// Stable code for translations (`provider-kvk-error-<code>`).
    pub const fn key(self) -> &'static str {
        match self {
            KvkError::Empty => "empty",
            KvkError::NotEightDigits => "not_eight_digits",
        }
    }
}

impl fmt::Display for KvkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl std::error::Error for KvkError {}

/// A number in the Dutch Chamber of Commerce register: exactly eight digits. People write it
/// with spaces or dots ("1234 5678", "12.34.56.78"); those are dropped, nothing else is.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct KvkNumber(String);

impl KvkNumber {
    pub fn parse(raw: &str) -> Result<Self, KvkError> {
        let digits: String = raw.chars().filter(|c| !matches!(c, ' ' | '.')).collect();
        if digits.is_empty() {
            return Err(KvkError::Empty);
        }
        if digits.len() != 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(KvkError::NotEightDigits);
        }
        Ok(KvkNumber(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for KvkNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for KvkNumber {
    type Error = KvkError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        KvkNumber::parse(&s)
    }
}

impl From<KvkNumber> for String {
    fn from(k: KvkNumber) -> String {
        k.0
    }
}

/// Why a text is not a slug. One variant: a URL that is not a slug is simply not found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotASlug;

impl fmt::Display for NotASlug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a slug")
    }
}

impl std::error::Error for NotASlug {}

/// The name of a profile in its address (`/dienstverleners/{slug}`): 1–80 characters of
/// lowercase `a`–`z`, digits and hyphens, not starting or ending with a hyphen and without
/// two hyphens in a row, so that every slug has one spelling.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

impl Slug {
    pub const MAX_LEN: usize = 80;

    pub fn parse(s: &str) -> Result<Self, NotASlug> {
        let ok = !s.is_empty()
            && s.len() <= Self::MAX_LEN
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !s.starts_with('-')
            && !s.ends_with('-')
            && !s.contains("--");
        if ok {
            Ok(Slug(s.to_owned()))
        } else {
            Err(NotASlug)
        }
    }

    /// A slug made from a name ("Bureau Één & Co." → `bureau-een-co`): accents dropped from
    /// common Latin letters, everything else that is not a letter or digit becomes one
    /// hyphen, cut at [`Slug::MAX_LEN`]. `None` when nothing usable is left.
    pub fn from_name(name: &str) -> Option<Self> {
        let mut out = String::new();
        for c in name.chars().flat_map(char::to_lowercase) {
            let folded = fold(c);
            match folded {
                Some(s) => out.push_str(s),
                None if c.is_ascii_lowercase() || c.is_ascii_digit() => out.push(c),
                None => {
                    if !out.is_empty() && !out.ends_with('-') {
                        out.push('-');
                    }
                }
            }
        }
        out.truncate(Self::MAX_LEN);
        let out = out.trim_matches('-');
        Slug::parse(out).ok()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// ASCII for the accented letters Dutch names use.
fn fold(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => "a",
        'è' | 'é' | 'ê' | 'ë' => "e",
        'ì' | 'í' | 'î' | 'ï' => "i",
        'ò' | 'ó' | 'ô' | 'ö' | 'õ' | 'ø' => "o",
        'ù' | 'ú' | 'û' | 'ü' => "u",
        'ý' | 'ÿ' => "y",
        'ç' => "c",
        'ñ' => "n",
        'ĳ' => "ij",
        'ß' => "ss",
        _ => return None,
    })
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Slug {
    type Error = NotASlug;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Slug::parse(&s)
    }
}

impl From<Slug> for String {
    fn from(s: Slug) -> String {
        s.0
    }
}

impl std::str::FromStr for Slug {
    type Err = NotASlug;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Slug::parse(s)
    }
}

/// What the public directory shows: optionally one category and one province. A value that
/// is not a known key is no filter at all (a hand-edited address shows everything rather
/// than an error).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DirectoryFilter {
    pub category: Option<ServiceCategory>,
    pub province: Option<Province>,
}

impl DirectoryFilter {
    /// Reads `categorie` and `provincie` from query pairs; the first known value of each wins.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut filter = DirectoryFilter::default();
        for (name, value) in pairs {
            match name {
                "categorie" if filter.category.is_none() => {
                    filter.category = ServiceCategory::from_key(value)
                }
                "provincie" if filter.province.is_none() => {
                    filter.province = Province::from_key(value)
                }
                _ => {}
            }
        }
        filter
    }

    pub fn is_empty(&self) -> bool {
        self.category.is_none() && self.province.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip() {
        for p in Province::ALL {
            assert_eq!(Province::from_key(p.key()), Some(p));
        }
        for s in CompanySize::ALL {
            assert_eq!(CompanySize::from_key(s.key()), Some(s));
        }
        for a in Availability::ALL {
            assert_eq!(Availability::from_key(a.key()), Some(a));
        }
        assert_eq!(Province::from_key("Utrecht"), None);
        assert_eq!(Province::from_key("noord_holland"), None);
        let mut keys: Vec<_> = Province::ALL.iter().map(|p| p.key()).collect();
        keys.dedup();
        assert_eq!(keys.len(), 12);
    }

    #[test]
    fn the_articles_four_categories_are_there() {
        for key in [
            "coaching_leiderschap",
            "functieontwerp_taakverdeling",
            "werkcultuur_psychologische_veiligheid",
            "verzuim_mentale_druk",
        ] {
            assert!(ServiceCategory::from_key(key).is_some(), "{key}");
        }
        assert!(ServiceCategory::from_key("arbodienstverlening").is_some());
        assert!(ServiceCategory::from_key("hr_advies").is_some());
    }

    #[test]
    fn headcount_bands() {
        assert_eq!(CompanySize::of_headcount(0), None);
        for (n, size) in [
            (1, CompanySize::One),
            (2, CompanySize::Micro),
            (9, CompanySize::Micro),
            (10, CompanySize::Small),
            (49, CompanySize::Small),
            (50, CompanySize::Medium),
            (249, CompanySize::Medium),
            (250, CompanySize::Large),
            (u32::MAX, CompanySize::Large),
        ] {
            assert_eq!(CompanySize::of_headcount(n), Some(size), "{n}");
        }
    }

    #[test]
    fn kvk_numbers_are_eight_digits() {
        assert_eq!(KvkNumber::parse("12345678").unwrap().as_str(), "12345678");
        assert_eq!(
            KvkNumber::parse(" 1234 5678 ").unwrap().as_str(),
            "12345678"
        );
        assert_eq!(
            KvkNumber::parse("12.34.56.78").unwrap().as_str(),
            "12345678"
        );
        assert_eq!(KvkNumber::parse(""), Err(KvkError::Empty));
        assert_eq!(KvkNumber::parse("  "), Err(KvkError::Empty));
        for bad in [
            "1234567",
            "123456789",
            "1234567a",
            "1234-5678",
            "１２３４５６７８",
            "12345678\n",
            "-1234567",
        ] {
            assert_eq!(
                KvkNumber::parse(bad),
                Err(KvkError::NotEightDigits),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn slugs_have_one_spelling() {
        for good in ["a", "coach-en-co", "bureau-2026", &"x".repeat(80)] {
            assert_eq!(Slug::parse(good).unwrap().as_str(), good);
        }
        for bad in [
            "",
            "-a",
            "a-",
            "a--b",
            "Hoofdletter",
            "met spatie",
            "../etc",
            "a_b",
            "café",
            "a%2Fb",
            "a.b",
            &"x".repeat(81),
        ] {
            assert_eq!(Slug::parse(bad), Err(NotASlug), "{bad:?}");
        }
    }

    #[test]
    fn slugs_from_names() {
        let slug = |name: &str| Slug::from_name(name).map(|s| s.as_str().to_owned());
        assert_eq!(slug("Bureau Één & Co.").as_deref(), Some("bureau-een-co"));
        assert_eq!(
            slug("  De Vries  Coaching  ").as_deref(),
            Some("de-vries-coaching")
        );
        assert_eq!(slug("IJssel Arbo B.V.").as_deref(), Some("ijssel-arbo-b-v"));
        assert_eq!(slug("!!!"), None);
        assert_eq!(slug(""), None);
        let long = slug(&"woord ".repeat(40)).unwrap();
        assert!(long.len() <= 80 && !long.ends_with('-'));
        assert!(Slug::parse(&long).is_ok());
    }

    #[test]
    fn directory_filters_ignore_what_they_do_not_know() {
        let f = DirectoryFilter::from_pairs([
            ("categorie", "coaching_leiderschap"),
            ("provincie", "utrecht"),
        ]);
        assert_eq!(f.category, Some(ServiceCategory::CoachingLeiderschap));
        assert_eq!(f.province, Some(Province::Utrecht));
        let f = DirectoryFilter::from_pairs([
            ("categorie", "<script>"),
            ("provincie", ""),
            ("anders", "x"),
        ]);
        assert!(f.is_empty());
        let f = DirectoryFilter::from_pairs([
            ("provincie", "bestaat-niet"),
            ("provincie", "limburg"),
            ("provincie", "zeeland"),
        ]);
        assert_eq!(f.province, Some(Province::Limburg));
    }
}

// ---------------------------------------------------------------------------------------
// A profile as typed in the back office or read from one CSV row, checked once.

/// Characters in an organisation's name.
pub const MAX_ORGANISATION_CHARS: usize = 120;
/// Characters in a profile's description.
pub const MAX_DESCRIPTION_CHARS: usize = 4000;
/// Characters in one certification or language.
pub const MAX_ITEM_CHARS: usize = 120;
/// Items in the certifications or languages list.
pub const MAX_ITEMS: usize = 20;
/// Open introductions a provider can take at once.
pub const MAX_CAPACITY: u32 = 500;

/// The fields of a provider profile, in form (and CSV column) order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProviderField {
    Organisation,
    Slug,
    Kvk,
    Description,
    Categories,
    Provinces,
    Sizes,
    Certifications,
    Languages,
    Capacity,
    Availability,
    ContactEmail,
}

impl ProviderField {
    pub const ALL: [ProviderField; 12] = [
        ProviderField::Organisation,
        ProviderField::Slug,
        ProviderField::Kvk,
        ProviderField::Description,
        ProviderField::Categories,
        ProviderField::Provinces,
        ProviderField::Sizes,
        ProviderField::Certifications,
        ProviderField::Languages,
        ProviderField::Capacity,
        ProviderField::Availability,
        ProviderField::ContactEmail,
    ];

    /// Form field name and CSV column header.
    pub const fn key(self) -> &'static str {
        match self {
            ProviderField::Organisation => "organisation",
            ProviderField::Slug => "slug",
            ProviderField::Kvk => "kvk",
            ProviderField::Description => "description",
            ProviderField::Categories => "categories",
            ProviderField::Provinces => "provinces",
            ProviderField::Sizes => "sizes",
            ProviderField::Certifications => "certifications",
            ProviderField::Languages => "languages",
            ProviderField::Capacity => "capacity",
            ProviderField::Availability => "availability",
            ProviderField::ContactEmail => "contact_email",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.key() == key)
    }
}

/// What is wrong with one field of a profile. Codes are worded by the web layer
/// (`provider-problem-<code>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProviderProblem {
    Missing,
    TooLong,
    ControlCharacter,
    NotASlug,
    KvkNotEightDigits,
    /// A key that is not one of the field's values (shown back to the person).
    Unknown(String),
    TooMany,
    CapacityInvalid,
    AvailabilityInvalid,
    EmailInvalid,
    /// The slug belongs to another provider (found when saving).
    Taken,
}

impl ProviderProblem {
    pub fn code(&self) -> &'static str {
        match self {
            ProviderProblem::Missing => "missing",
            ProviderProblem::TooLong => "too_long",
            ProviderProblem::ControlCharacter => "control_character",
            ProviderProblem::NotASlug => "not_a_slug",
            ProviderProblem::KvkNotEightDigits => "kvk",
            ProviderProblem::Unknown(_) => "unknown",
            ProviderProblem::TooMany => "too_many",
            ProviderProblem::CapacityInvalid => "capacity",
            ProviderProblem::AvailabilityInvalid => "availability",
            ProviderProblem::EmailInvalid => "email",
            ProviderProblem::Taken => "taken",
        }
    }

    fn of_text(e: crate::text::TextError) -> Self {
        match e {
            crate::text::TextError::Empty => ProviderProblem::Missing,
            crate::text::TextError::TooLong => ProviderProblem::TooLong,
            crate::text::TextError::ControlCharacter => ProviderProblem::ControlCharacter,
        }
    }
}

/// A profile as typed: every value as text. Lists are separated by commas, semicolons or
/// line breaks (a form's checkboxes arrive joined the same way); keys or their Dutch names
/// are both accepted for categories, provinces and sizes.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProviderInput<'a> {
    pub organisation: &'a str,
    /// Empty: made from the organisation's name.
    pub slug: &'a str,
    pub kvk: &'a str,
    pub description: &'a str,
    pub categories: &'a str,
    pub provinces: &'a str,
    pub sizes: &'a str,
    pub certifications: &'a str,
    pub languages: &'a str,
    pub capacity: &'a str,
    /// `accepting` or `paused` (Dutch `ja`/`nee` too); empty means accepting.
    pub availability: &'a str,
    pub contact_email: &'a str,
}

/// A checked profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderDraft {
    pub organisation: String,
    pub slug: Slug,
    pub kvk: KvkNumber,
    pub description: String,
    pub categories: Vec<ServiceCategory>,
    pub provinces: Vec<Province>,
    pub sizes: Vec<CompanySize>,
    pub certifications: Vec<String>,
    pub languages: Vec<String>,
    pub capacity: u32,
    pub availability: Availability,
    pub contact_email: Option<crate::email::EmailAddress>,
}

fn items(raw: &str) -> impl Iterator<Item = &str> {
    raw.split([',', ';', '\n', '|'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// Lowercase, with spaces and underscores as hyphens: "Noord-Holland", "noord holland" and
/// "noord_holland" are one province.
fn loose(raw: &str) -> String {
    raw.trim().to_lowercase().replace([' ', '_'], "-")
}

fn keys<T: Copy + PartialEq>(
    raw: &str,
    all: &[T],
    key: fn(T) -> &'static str,
    required: bool,
) -> Result<Vec<T>, ProviderProblem> {
    let mut found: Vec<T> = Vec::new();
    for item in items(raw) {
        let wanted = loose(item);
        let Some(value) = all.iter().copied().find(|v| loose(key(*v)) == wanted) else {
            return Err(ProviderProblem::Unknown(item.to_owned()));
        };
        if !found.contains(&value) {
            found.push(value);
        }
    }
    if required && found.is_empty() {
        return Err(ProviderProblem::Missing);
    }
    Ok(found)
}

fn list(raw: &str) -> Result<Vec<String>, ProviderProblem> {
    let mut out = Vec::new();
    for item in items(raw) {
        let item = crate::text::SingleLine::parse(item, MAX_ITEM_CHARS)
            .map_err(ProviderProblem::of_text)?;
        out.push(item.into_string());
    }
    if out.len() > MAX_ITEMS {
        return Err(ProviderProblem::TooMany);
    }
    Ok(out)
}

impl ProviderDraft {
    /// Checks every field; on failure returns one problem per wrong field, in field order.
    pub fn parse(input: ProviderInput<'_>) -> Result<Self, Vec<(ProviderField, ProviderProblem)>> {
        use crate::text::{MultiLine, SingleLine};
        let mut problems: Vec<(ProviderField, ProviderProblem)> = Vec::new();
        let mut check = |field: ProviderField, result: Result<(), ProviderProblem>| {
            if let Err(p) = result {
                problems.push((field, p));
            }
        };
        let organisation = SingleLine::parse(input.organisation, MAX_ORGANISATION_CHARS)
            .map(SingleLine::into_string)
            .map_err(ProviderProblem::of_text);
        let slug = if input.slug.trim().is_empty() {
            match &organisation {
                Ok(name) => Slug::from_name(name).ok_or(ProviderProblem::NotASlug),
                // The organisation's own problem says it all.
                Err(_) => Err(ProviderProblem::Missing),
            }
        } else {
            Slug::parse(input.slug.trim()).map_err(|_| ProviderProblem::NotASlug)
        };
        let kvk = KvkNumber::parse(input.kvk).map_err(|e| match e {
            KvkError::Empty => ProviderProblem::Missing,
            _ => ProviderProblem::KvkNotEightDigits,
        });
        let description = MultiLine::parse(input.description, MAX_DESCRIPTION_CHARS)
            .map(MultiLine::into_string)
            .map_err(ProviderProblem::of_text);
        let categories = keys(
            input.categories,
            &ServiceCategory::ALL,
            ServiceCategory::key,
            true,
        );
        let provinces = keys(input.provinces, &Province::ALL, Province::key, true);
        let sizes = keys(input.sizes, &CompanySize::ALL, CompanySize::key, true);
        let certifications = list(input.certifications);
        let languages = list(input.languages);
        let capacity = match input.capacity.trim().parse::<u32>() {
            Ok(n) if n <= MAX_CAPACITY => Ok(n),
            _ if input.capacity.trim().is_empty() => Err(ProviderProblem::Missing),
            _ => Err(ProviderProblem::CapacityInvalid),
        };
        let availability = match loose(input.availability).as_str() {
            "" | "accepting" | "ja" | "yes" | "open" => Ok(Availability::Accepting),
            "paused" | "nee" | "no" | "gepauzeerd" | "pauze" => Ok(Availability::Paused),
            _ => Err(ProviderProblem::AvailabilityInvalid),
        };
        let contact_email = if input.contact_email.trim().is_empty() {
            Ok(None)
        } else {
            crate::email::EmailAddress::parse(input.contact_email)
                .map(Some)
                .map_err(|_| ProviderProblem::EmailInvalid)
        };
        check(
            ProviderField::Organisation,
            organisation.as_ref().map(|_| ()).map_err(Clone::clone),
        );
        if organisation.is_ok() {
            check(
                ProviderField::Slug,
                slug.as_ref().map(|_| ()).map_err(Clone::clone),
            );
        } else if !input.slug.trim().is_empty() {
            check(
                ProviderField::Slug,
                slug.as_ref().map(|_| ()).map_err(Clone::clone),
            );
        }
        check(
            ProviderField::Kvk,
            kvk.as_ref().map(|_| ()).map_err(Clone::clone),
        );
        check(
            ProviderField::Description,
            description.as_ref().map(|_| ()).map_err(Clone::clone),
        );
        check(
            ProviderField::Categories,
            categories.as_ref().map(|_| ()).map_err(Clone::clone),
        );
        check(
            ProviderField::Provinces,
            provinces.as_ref().map(|_| ()).map_err(Clone::clone),
        );
        check(
            ProviderField::Sizes,
            sizes.as_ref().map(|_| ()).map_err(Clone::clone),
        );
        check(
            ProviderField::Certifications,
            certifications.as_ref().map(|_| ()).map_err(Clone::clone),
        );
        check(
            ProviderField::Languages,
            languages.as_ref().map(|_| ()).map_err(Clone::clone),
        );
        check(
            ProviderField::Capacity,
            capacity.as_ref().map(|_| ()).map_err(Clone::clone),
        );
        check(
            ProviderField::Availability,
            availability.as_ref().map(|_| ()).map_err(Clone::clone),
        );
        check(
            ProviderField::ContactEmail,
            contact_email.as_ref().map(|_| ()).map_err(Clone::clone),
        );
        if !problems.is_empty() {
            return Err(problems);
        }
        match (
            organisation,
            slug,
            kvk,
            description,
            categories,
            provinces,
            sizes,
            certifications,
            languages,
            capacity,
            availability,
            contact_email,
        ) {
            (
                Ok(organisation),
                Ok(slug),
                Ok(kvk),
                Ok(description),
                Ok(categories),
                Ok(provinces),
                Ok(sizes),
                Ok(certifications),
                Ok(languages),
                Ok(capacity),
                Ok(availability),
                Ok(contact_email),
            ) => Ok(ProviderDraft {
                organisation,
                slug,
                kvk,
                description,
                categories,
                provinces,
                sizes,
                certifications,
                languages,
                capacity,
                availability,
                contact_email,
            }),
            // Every error was pushed above.
            _ => Err(problems),
        }
    }
}

#[cfg(test)]
mod draft_tests {
    use super::*;

    fn good() -> ProviderInput<'static> {
        ProviderInput {
            organisation: "De Koers Coaching",
            slug: "",
            kvk: "1234 5678",
            description: "Wij coachen leidinggevenden in het mkb.",
            categories: "coaching_leiderschap, teamontwikkeling",
            provinces: "Noord-Holland; utrecht",
            sizes: "2-9, 10-49",
            certifications: "NOBCO",
            languages: "Nederlands, Engels",
            capacity: "4",
            availability: "",
            contact_email: "intro@dekoers.nl",
        }
    }

    #[test]
    fn a_good_profile_parses_with_a_slug_from_its_name() {
        let d = ProviderDraft::parse(good()).unwrap();
        assert_eq!(d.slug.as_str(), "de-koers-coaching");
        assert_eq!(d.kvk.as_str(), "12345678");
        assert_eq!(d.provinces, [Province::NoordHolland, Province::Utrecht]);
        assert_eq!(d.sizes, [CompanySize::Micro, CompanySize::Small]);
        assert_eq!(d.languages, ["Nederlands", "Engels"]);
        assert_eq!((d.capacity, d.availability), (4, Availability::Accepting));
        assert_eq!(d.contact_email.unwrap().as_str(), "intro@dekoers.nl");
    }

    #[test]
    fn every_wrong_field_is_named_once_in_field_order() {
        let input = ProviderInput {
            organisation: "",
            kvk: "1234",
            categories: "tovenarij",
            provinces: "",
            capacity: "veel",
            availability: "misschien",
            contact_email: "geen-adres",
            description: "Tab\there",
            ..good()
        };
        let problems = ProviderDraft::parse(input).unwrap_err();
        let fields: Vec<ProviderField> = problems.iter().map(|(f, _)| *f).collect();
        assert_eq!(
            fields,
            [
                ProviderField::Organisation,
                ProviderField::Kvk,
                ProviderField::Description,
                ProviderField::Categories,
                ProviderField::Provinces,
                ProviderField::Capacity,
                ProviderField::Availability,
                ProviderField::ContactEmail,
            ]
        );
        assert_eq!(problems[3].1, ProviderProblem::Unknown("tovenarij".into()));
    }

    #[test]
    fn capacity_has_bounds_and_availability_reads_dutch() {
        let over = ProviderInput {
            capacity: "501",
            ..good()
        };
        assert_eq!(
            ProviderDraft::parse(over).unwrap_err(),
            [(ProviderField::Capacity, ProviderProblem::CapacityInvalid)]
        );
        let paused = ProviderInput {
            availability: "nee",
            slug: "eigen-naam",
            ..good()
        };
        let d = ProviderDraft::parse(paused).unwrap();
        assert_eq!(
            (d.availability, d.slug.as_str()),
            (Availability::Paused, "eigen-naam")
        );
        let bad_slug = ProviderInput {
            slug: "Niet Goed",
            ..good()
        };
        assert_eq!(
            ProviderDraft::parse(bad_slug).unwrap_err(),
            [(ProviderField::Slug, ProviderProblem::NotASlug)]
        );
    }
}
