//! An employer's question for HRnexus ("Dien je vraag in"): what the contact form sends,
//! parsed once into checked values, or refused with one problem per field.
//!
//! The web layer only translates [`IntakeProblem`] codes into words; the same rules would
//! hold for an API.

use crate::email::{EmailAddress, EmailError};
use crate::scan::advice::ServiceCategory;
use crate::text::{MultiLine, SingleLine, TextError};

/// Characters in an organisation or a person's name.
pub const MAX_NAME_CHARS: usize = 120;
/// Characters in the question.
pub const MAX_QUESTION_CHARS: usize = 4000;
/// Characters in a provider slug.
pub const MAX_SLUG_CHARS: usize = 80;

/// The fields of the contact form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IntakeField {
    Organisation,
    ContactName,
    Email,
    Phone,
    Kvk,
    CompanySize,
    Province,
    Sector,
    Urgency,
    Question,
    Categories,
    Consent,
}

impl IntakeField {
    /// The form field's name.
    pub const fn key(self) -> &'static str {
        match self {
            IntakeField::Organisation => "organisation",
            IntakeField::ContactName => "contact_name",
            IntakeField::Email => "email",
            IntakeField::Phone => "phone",
            IntakeField::Kvk => "kvk",
            IntakeField::CompanySize => "company_size",
            IntakeField::Province => "province",
            IntakeField::Sector => "sector",
            IntakeField::Urgency => "urgency",
            IntakeField::Question => "question",
            IntakeField::Categories => "categories",
            IntakeField::Consent => "consent",
        }
    }
}

/// What is wrong with one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IntakeProblem {
    /// Nothing typed or chosen where something is needed.
    Missing,
    /// Longer than the field allows.
    TooLong,
    /// Not text one can store (a control character, …).
    Text(TextError),
    /// Not an email address.
    Email(EmailError),
    /// Not a phone number: digits with an optional leading `+`, 8 to 15 of them.
    PhoneInvalid,
    /// Not a KvK number: exactly 8 digits.
    KvkInvalid,
    /// Not one of the size classes.
    UnknownSize,
    /// Not one of the twelve provinces.
    UnknownProvince,
    /// A category that does not exist.
    UnknownCategory,
    /// Not one of the sectors.
    UnknownSector,
    /// Not one of the urgencies.
    UnknownUrgency,
    /// The consent box was not ticked.
    ConsentMissing,
}

impl IntakeProblem {
    /// Stable code for translations and API clients.
    pub fn code(&self) -> &'static str {
        match self {
            IntakeProblem::Missing => "missing",
            IntakeProblem::TooLong => "too_long",
            IntakeProblem::Text(e) => e.key(),
            IntakeProblem::Email(_) => "email_invalid",
            IntakeProblem::PhoneInvalid => "phone_invalid",
            IntakeProblem::KvkInvalid => "kvk_invalid",
            IntakeProblem::UnknownSize => "unknown_size",
            IntakeProblem::UnknownProvince => "unknown_province",
            IntakeProblem::UnknownCategory => "unknown_category",
            IntakeProblem::UnknownSector => "unknown_sector",
            IntakeProblem::UnknownUrgency => "unknown_urgency",
            IntakeProblem::ConsentMissing => "consent_missing",
        }
    }
}

/// The problems of one form, at most one per field, in form order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IntakeErrors(Vec<(IntakeField, IntakeProblem)>);

impl IntakeErrors {
    pub fn add(&mut self, field: IntakeField, problem: IntakeProblem) {
        if self.get(field).is_none() {
            self.0.push((field, problem));
        }
    }

    pub fn get(&self, field: IntakeField) -> Option<&IntakeProblem> {
        self.0.iter().find(|(f, _)| *f == field).map(|(_, p)| p)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &(IntakeField, IntakeProblem)> {
        self.0.iter()
    }

    fn take<T>(&mut self, field: IntakeField, checked: Result<T, IntakeProblem>) -> Option<T> {
        checked.map_err(|problem| self.add(field, problem)).ok()
    }
}

/// The sector an employer works in (a short list people recognise, after the CBS's main
/// groups of the SBI).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sector {
    Bouw,
    Detailhandel,
    Horeca,
    ZorgWelzijn,
    ZakelijkeDienstverlening,
    Industrie,
    TransportLogistiek,
    Ict,
    Onderwijs,
    OverheidNonProfit,
    Landbouw,
    Overig,
}

impl Sector {
    pub const ALL: [Sector; 12] = [
        Sector::Bouw,
        Sector::Detailhandel,
        Sector::Horeca,
        Sector::ZorgWelzijn,
        Sector::ZakelijkeDienstverlening,
        Sector::Industrie,
        Sector::TransportLogistiek,
        Sector::Ict,
        Sector::Onderwijs,
        Sector::OverheidNonProfit,
        Sector::Landbouw,
        Sector::Overig,
    ];

    /// Stable key (form value, database, translations `sector-<key>`).
    pub const fn key(self) -> &'static str {
        match self {
            Sector::Bouw => "bouw",
            Sector::Detailhandel => "detailhandel",
            Sector::Horeca => "horeca",
            Sector::ZorgWelzijn => "zorg_welzijn",
            Sector::ZakelijkeDienstverlening => "zakelijke_dienstverlening",
            Sector::Industrie => "industrie",
            Sector::TransportLogistiek => "transport_logistiek",
            Sector::Ict => "ict",
            Sector::Onderwijs => "onderwijs",
            Sector::OverheidNonProfit => "overheid_non_profit",
            Sector::Landbouw => "landbouw",
            Sector::Overig => "overig",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.key() == key)
    }
}

/// Size classes and provinces are the provider network's: an intake is matched against them.
pub use crate::provider::{CompanySize, Province};

/// Where an intake stands. Only `New` is written by the contact form; the rest belong to
/// the introduction workflow (the rules are in [`crate::introduction`]):
/// nieuw → in behandeling → voorgesteld → geïntroduceerd → afgerond, or gesloten from any
/// state that is not final.
///
/// The keys are stored in the database: never change one, only add.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IntakeStatus {
    /// Nieuw: submitted, nobody has looked at it yet.
    New,
    /// In behandeling: staff work on it (and it returns here when a proposal is declined or
    /// not answered in time, so the next match can be proposed).
    InProgress,
    /// Voorgesteld: one provider has been asked and must accept or decline.
    Proposed,
    /// Geïntroduceerd: the provider accepted and both sides have been mailed.
    Introduced,
    /// Afgerond: the introduction ran its course. Final.
    Completed,
    /// Gesloten: stopped without (or after) an introduction. Final.
    Closed,
}

impl IntakeStatus {
    pub const ALL: [IntakeStatus; 6] = [
        IntakeStatus::New,
        IntakeStatus::InProgress,
        IntakeStatus::Proposed,
        IntakeStatus::Introduced,
        IntakeStatus::Completed,
        IntakeStatus::Closed,
    ];

    pub const fn key(self) -> &'static str {
        match self {
            IntakeStatus::New => "new",
            IntakeStatus::InProgress => "in_progress",
            IntakeStatus::Proposed => "proposed",
            IntakeStatus::Introduced => "introduced",
            IntakeStatus::Completed => "completed",
            IntakeStatus::Closed => "closed",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.key() == key)
    }

    /// Afgerond and gesloten accept no further event.
    pub const fn is_final(self) -> bool {
        matches!(self, IntakeStatus::Completed | IntakeStatus::Closed)
    }
}

/// A provider's public slug from a URL (`?dienstverlener=…`): lowercase letters, digits and
/// single hyphens inside, at most [`MAX_SLUG_CHARS`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProviderSlug(String);

impl ProviderSlug {
    /// `None` for anything that is not a slug: callers ignore such input.
    pub fn parse(raw: &str) -> Option<Self> {
        let ok = !raw.is_empty()
            && raw.len() <= MAX_SLUG_CHARS
            && raw
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !raw.starts_with('-')
            && !raw.ends_with('-')
            && !raw.contains("--");
        ok.then(|| ProviderSlug(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A phone number as typed, tidied: spaces, dots, hyphens and brackets removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// Empty input is `None`.
    pub fn parse_optional(raw: &str) -> Result<Option<Self>, IntakeProblem> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Ok(None);
        }
        let tidy: String = raw
            .chars()
            .filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')'))
            .collect();
        let digits = tidy.strip_prefix('+').unwrap_or(&tidy);
        if (8..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Some(PhoneNumber(tidy)))
        } else {
            Err(IntakeProblem::PhoneInvalid)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A Chamber of Commerce (KvK) number: 8 digits (spaces and dots between them are fine).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KvkNumber(String);

impl KvkNumber {
    /// Empty input is `None`.
    pub fn parse_optional(raw: &str) -> Result<Option<Self>, IntakeProblem> {
        let tidy: String = raw.chars().filter(|c| !matches!(c, ' ' | '.')).collect();
        if tidy.is_empty() {
            return Ok(None);
        }
        if tidy.len() == 8 && tidy.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Some(KvkNumber(tidy)))
        } else {
            Err(IntakeProblem::KvkInvalid)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The form as typed. `categories` holds every value of the repeated checkbox.
#[derive(Debug, Clone, Copy, Default)]
pub struct IntakeInput<'a> {
    pub organisation: &'a str,
    pub contact_name: &'a str,
    pub email: &'a str,
    pub phone: &'a str,
    pub kvk: &'a str,
    pub company_size: &'a str,
    pub province: &'a str,
    pub question: &'a str,
    pub categories: &'a [String],
    /// A [`Sector`] key; empty when not given (the field is optional).
    pub sector: &'a str,
    /// An [`crate::matching::Urgency`] key; empty means normal.
    pub urgency: &'a str,
    /// The checkbox's value when ticked; empty when not.
    pub consent: &'a str,
    /// `?dienstverlener=` carried along in a hidden field; anything not a slug is dropped.
    pub provider: &'a str,
}

/// A checked intake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntakeRequest {
    pub organisation: SingleLine,
    pub contact_name: SingleLine,
    pub email: EmailAddress,
    pub phone: Option<PhoneNumber>,
    pub kvk: Option<KvkNumber>,
    pub company_size: CompanySize,
    pub province: Province,
    pub question: MultiLine,
    /// Without duplicates, in the order of [`ServiceCategory::ALL`]; may be empty ("not sure").
    pub categories: Vec<ServiceCategory>,
    pub sector: Option<Sector>,
    pub urgency: crate::matching::Urgency,
    pub provider: Option<ProviderSlug>,
}

fn parse_name(text: &str) -> Result<SingleLine, IntakeProblem> {
    SingleLine::parse(text, MAX_NAME_CHARS).map_err(|e| match e {
        TextError::Empty => IntakeProblem::Missing,
        TextError::TooLong => IntakeProblem::TooLong,
        other => IntakeProblem::Text(other),
    })
}

fn parse_question(text: &str) -> Result<MultiLine, IntakeProblem> {
    MultiLine::parse(text, MAX_QUESTION_CHARS).map_err(|e| match e {
        TextError::Empty => IntakeProblem::Missing,
        TextError::TooLong => IntakeProblem::TooLong,
        other => IntakeProblem::Text(other),
    })
}

fn parse_email(text: &str) -> Result<EmailAddress, IntakeProblem> {
    EmailAddress::parse(text).map_err(|e| match e {
        EmailError::Empty => IntakeProblem::Missing,
        other => IntakeProblem::Email(other),
    })
}

fn parse_choice<T>(
    text: &str,
    from_key: fn(&str) -> Option<T>,
    unknown: IntakeProblem,
) -> Result<T, IntakeProblem> {
    let text = text.trim();
    if text.is_empty() {
        return Err(IntakeProblem::Missing);
    }
    from_key(text).ok_or(unknown)
}

/// Chosen categories, deduplicated, in the order of [`ServiceCategory::ALL`].
pub fn parse_categories(values: &[String]) -> Result<Vec<ServiceCategory>, IntakeProblem> {
    let mut chosen = Vec::new();
    for value in values {
        let category =
            ServiceCategory::from_key(value.trim()).ok_or(IntakeProblem::UnknownCategory)?;
        chosen.push(category);
    }
    chosen.sort();
    chosen.dedup();
    Ok(chosen)
}

impl IntakeRequest {
    /// Checks every field and reports every problem at once.
    pub fn parse(input: IntakeInput<'_>) -> Result<IntakeRequest, IntakeErrors> {
        use IntakeField as F;
        let mut errors = IntakeErrors::default();
        let organisation = errors.take(F::Organisation, parse_name(input.organisation));
        let contact_name = errors.take(F::ContactName, parse_name(input.contact_name));
        let email = errors.take(F::Email, parse_email(input.email));
        let phone = errors.take(F::Phone, PhoneNumber::parse_optional(input.phone));
        let kvk = errors.take(F::Kvk, KvkNumber::parse_optional(input.kvk));
        let company_size = errors.take(
            F::CompanySize,
            parse_choice(
                input.company_size,
                CompanySize::from_key,
                IntakeProblem::UnknownSize,
            ),
        );
        let province = errors.take(
            F::Province,
            parse_choice(
                input.province,
                Province::from_key,
                IntakeProblem::UnknownProvince,
            ),
        );
        let sector = errors.take(
            F::Sector,
            match input.sector.trim() {
                "" => Ok(None),
                key => Sector::from_key(key)
                    .map(Some)
                    .ok_or(IntakeProblem::UnknownSector),
            },
        );
        let urgency = errors.take(
            F::Urgency,
            match input.urgency.trim() {
                "" => Ok(crate::matching::Urgency::Normal),
                key => crate::matching::Urgency::from_key(key).ok_or(IntakeProblem::UnknownUrgency),
            },
        );
        let question = errors.take(F::Question, parse_question(input.question));
        let categories = errors.take(F::Categories, parse_categories(input.categories));
        if input.consent.trim().is_empty() {
            errors.add(F::Consent, IntakeProblem::ConsentMissing);
        }
        let provider = ProviderSlug::parse(input.provider.trim());
        match (
            organisation,
            contact_name,
            email,
            phone,
            kvk,
            company_size,
            province,
            sector,
            urgency,
            question,
            categories,
        ) {
            (
                Some(organisation),
                Some(contact_name),
                Some(email),
                Some(phone),
                Some(kvk),
                Some(company_size),
                Some(province),
                Some(sector),
                Some(urgency),
                Some(question),
                Some(categories),
            ) if errors.is_empty() => Ok(IntakeRequest {
                organisation,
                contact_name,
                email,
                phone,
                kvk,
                company_size,
                province,
                question,
                categories,
                sector,
                urgency,
                provider,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn categories() -> Vec<String> {
        vec![
            "teamontwikkeling".into(),
            "coaching_leiderschap".into(),
            "teamontwikkeling".into(),
        ]
    }

    fn input(categories: &[String]) -> IntakeInput<'_> {
        IntakeInput {
            organisation: " Bakkerij  Jansen ",
            contact_name: "Anna de Vries",
            email: "Anna@Bakkerij.nl ",
            phone: "06-12 34 56 78",
            kvk: "1234 5678",
            company_size: "10-49",
            province: "noord-brabant",
            question: "Hoe geven we ons team\r\nmeer ruimte?",
            categories,
            sector: "",
            urgency: "",
            consent: "ja",
            provider: "coach-en-co",
        }
    }

    #[test]
    fn a_good_form_becomes_a_request() {
        let cats = categories();
        let r = IntakeRequest::parse(input(&cats)).unwrap();
        assert_eq!(r.organisation.as_str(), "Bakkerij Jansen");
        assert_eq!(r.email.as_str(), "anna@bakkerij.nl");
        assert_eq!(r.phone.unwrap().as_str(), "0612345678");
        assert_eq!(r.kvk.unwrap().as_str(), "12345678");
        assert_eq!(r.company_size, CompanySize::Small);
        assert_eq!(r.province, Province::NoordBrabant);
        assert_eq!(r.question.as_str(), "Hoe geven we ons team\nmeer ruimte?");
        assert_eq!(
            r.categories,
            vec![
                ServiceCategory::CoachingLeiderschap,
                ServiceCategory::Teamontwikkeling
            ]
        );
        assert_eq!(r.provider.unwrap().as_str(), "coach-en-co");
    }

    #[test]
    fn optional_fields_may_be_empty() {
        let r = IntakeRequest::parse(IntakeInput {
            phone: " ",
            kvk: "",
            provider: "",
            categories: &[],
            ..input(&[])
        })
        .unwrap();
        assert_eq!((r.phone, r.kvk, r.provider), (None, None, None));
        assert!(r.categories.is_empty());
    }

    #[test]
    fn every_problem_is_reported_once_per_field() {
        let bad = vec!["astrologie".to_string()];
        let long = "x".repeat(MAX_QUESTION_CHARS + 1);
        let errors = IntakeRequest::parse(IntakeInput {
            organisation: "",
            contact_name: "Anna\u{7}",
            email: "anna@",
            phone: "bel me",
            kvk: "1234567",
            company_size: "3",
            province: "bayern",
            question: &long,
            categories: &bad,
            sector: "",
            urgency: "",
            consent: "",
            provider: "../etc",
        })
        .unwrap_err();
        use IntakeField as F;
        use IntakeProblem as P;
        let expected = [
            (F::Organisation, P::Missing),
            (F::ContactName, P::Text(TextError::ControlCharacter)),
            (F::Email, P::Email(EmailError::InvalidDomain)),
            (F::Phone, P::PhoneInvalid),
            (F::Kvk, P::KvkInvalid),
            (F::CompanySize, P::UnknownSize),
            (F::Province, P::UnknownProvince),
            (F::Question, P::TooLong),
            (F::Categories, P::UnknownCategory),
            (F::Consent, P::ConsentMissing),
        ];
        for (field, problem) in &expected {
            assert_eq!(errors.get(*field), Some(problem), "{field:?}");
        }
        assert_eq!(errors.iter().count(), expected.len());
        let missing = IntakeRequest::parse(IntakeInput::default()).unwrap_err();
        assert_eq!(missing.get(F::Email), Some(&P::Missing));
        assert_eq!(missing.get(F::CompanySize), Some(&P::Missing));
        assert_eq!(missing.get(F::Province), Some(&P::Missing));
        assert_eq!(missing.get(F::Question), Some(&P::Missing));
        assert_eq!(missing.get(F::Phone), None);
        assert_eq!(missing.get(F::Kvk), None);
    }

    #[test]
    fn kvk_and_phone_rules() {
        assert!(KvkNumber::parse_optional("12.34.56.78").unwrap().is_some());
        assert_eq!(
            KvkNumber::parse_optional("123456789"),
            Err(IntakeProblem::KvkInvalid)
        );
        assert_eq!(
            KvkNumber::parse_optional("1234567a"),
            Err(IntakeProblem::KvkInvalid)
        );
        assert_eq!(
            PhoneNumber::parse_optional("+31 (0)6 1234 5678")
                .unwrap()
                .unwrap()
                .as_str(),
            "+310612345678"
        );
        assert_eq!(
            PhoneNumber::parse_optional("1234567"),
            Err(IntakeProblem::PhoneInvalid)
        );
        assert_eq!(
            PhoneNumber::parse_optional("++3161234567"),
            Err(IntakeProblem::PhoneInvalid)
        );
    }

    #[test]
    fn slugs_are_lowercase_letters_digits_and_inner_hyphens() {
        assert!(ProviderSlug::parse("hr-partners-utrecht-2").is_some());
        for bad in [
            "", "Coach", "coach_co", "-coach", "coach-", "co--ach", "coach/..", "cöach", "coach co",
        ] {
            assert_eq!(ProviderSlug::parse(bad), None, "{bad}");
        }
        assert_eq!(ProviderSlug::parse(&"a".repeat(MAX_SLUG_CHARS + 1)), None);
    }

    #[test]
    fn keys_round_trip() {
        for s in CompanySize::ALL {
            assert_eq!(CompanySize::from_key(s.key()), Some(s));
        }
        for p in Province::ALL {
            assert_eq!(Province::from_key(p.key()), Some(p));
            assert!(ProviderSlug::parse(p.key()).is_some());
        }
        for s in IntakeStatus::ALL {
            assert_eq!(IntakeStatus::from_key(s.key()), Some(s));
        }
        // The database stores these: they must never change.
        let keys: Vec<&str> = IntakeStatus::ALL.iter().map(|s| s.key()).collect();
        assert_eq!(
            keys,
            [
                "new",
                "in_progress",
                "proposed",
                "introduced",
                "completed",
                "closed"
            ]
        );
    }

    proptest! {
        #[test]
        fn any_input_parses_or_names_its_fields(
            org in ".{0,200}", name in ".{0,200}", email in ".{0,60}", phone in ".{0,30}",
            kvk in ".{0,12}", size in ".{0,8}", province in ".{0,16}", question in ".{0,300}",
            cat in ".{0,40}", consent in ".{0,3}", provider in ".{0,90}",
        ) {
            let cats = vec![cat];
            let result = IntakeRequest::parse(IntakeInput {
                organisation: &org, contact_name: &name, email: &email, phone: &phone, kvk: &kvk,
                company_size: &size, province: &province, question: &question, categories: &cats,
                sector: "",
                urgency: "",
                consent: &consent, provider: &provider,
            });
            match result {
                Ok(r) => {
                    prop_assert!(r.organisation.as_str().chars().count() <= MAX_NAME_CHARS);
                    if let Some(slug) = r.provider { prop_assert!(ProviderSlug::parse(slug.as_str()).is_some()); }
                }
                Err(errors) => prop_assert!(!errors.is_empty()),
            }
        }
    }
}
