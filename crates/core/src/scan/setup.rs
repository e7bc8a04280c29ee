//! Setting up a scan or a new round: what an employer (or an API client) asks for, parsed
//! once into checked values, or refused with one problem per field.
//!
//! The same rules hold for the Dutch form and the JSON API; the web layer only translates
//! [`SetupProblem`] codes into words.

use chrono::{Months, NaiveDate};

use crate::text::{MultiLine, SingleLine, TextError};

/// Characters in an organisation or team name.
pub const MAX_NAME_CHARS: usize = 120;
/// Departments in one scan.
pub const MAX_DEPARTMENTS: usize = 30;
/// Characters in one department name.
pub const MAX_DEPARTMENT_CHARS: usize = 80;
/// Personal links one request may create (at set-up, for a new round, or "more links"),
/// and addresses one round may be sent invitations to.
pub const MAX_LINKS: u32 = 2000;
/// How far ahead a round may close.
pub const MAX_MONTHS_OPEN: u32 = 12;
/// The closing date a new form suggests.
pub const DEFAULT_DAYS_OPEN: u64 = 14;

/// The fields of the set-up form (and of the API's request body).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SetupField {
    Organisation,
    Team,
    Departments,
    ClosesOn,
    Lang,
    Invite,
    Count,
}

impl SetupField {
    /// The form field's name.
    pub const fn key(self) -> &'static str {
        match self {
            SetupField::Organisation => "organisation",
            SetupField::Team => "team",
            SetupField::Departments => "departments",
            SetupField::ClosesOn => "closes_on",
            SetupField::Lang => "lang",
            SetupField::Invite => "invite",
            SetupField::Count => "count",
        }
    }
}

/// What is wrong with one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetupProblem {
    /// Nothing typed where something is needed.
    Missing,
    /// A name longer than [`MAX_NAME_CHARS`].
    NameTooLong,
    /// Not text one can store (a control character, …).
    Text(TextError),
    /// A department name longer than [`MAX_DEPARTMENT_CHARS`]; its first characters.
    DepartmentTooLong(String),
    /// More than [`MAX_DEPARTMENTS`].
    TooManyDepartments,
    /// The same department twice (ignoring case).
    DuplicateDepartment(String),
    /// Not a date.
    DateInvalid,
    /// A closing date before today.
    DatePast,
    /// A closing date more than [`MAX_MONTHS_OPEN`] months ahead.
    DateTooFar,
    /// A new closing date before the day the round opened.
    DateBeforeOpening,
    /// The round has closed: its closing date no longer changes.
    RoundClosed,
    /// Not `nl` or `en`.
    UnknownLanguage,
    /// Neither personal links nor a shared link.
    UnknownInvite,
    /// Not a whole number from 1 to [`MAX_LINKS`].
    CountOutOfRange,
}

impl SetupProblem {
    /// Stable code for translations and API clients.
    pub fn code(&self) -> &'static str {
        match self {
            SetupProblem::Missing => "missing",
            SetupProblem::NameTooLong => "name_too_long",
            SetupProblem::Text(e) => e.key(),
            SetupProblem::DepartmentTooLong(_) => "department_too_long",
            SetupProblem::TooManyDepartments => "too_many_departments",
            SetupProblem::DuplicateDepartment(_) => "duplicate_department",
            SetupProblem::DateInvalid => "date_invalid",
            SetupProblem::DatePast => "date_past",
            SetupProblem::DateTooFar => "date_too_far",
            SetupProblem::DateBeforeOpening => "date_before_opening",
            SetupProblem::RoundClosed => "round_closed",
            SetupProblem::UnknownLanguage => "unknown_language",
            SetupProblem::UnknownInvite => "unknown_invite",
            SetupProblem::CountOutOfRange => "count_out_of_range",
        }
    }
}

/// The problems of one request, at most one per field, in form order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SetupErrors(Vec<(SetupField, SetupProblem)>);

impl SetupErrors {
    pub fn add(&mut self, field: SetupField, problem: SetupProblem) {
        if self.get(field).is_none() {
            self.0.push((field, problem));
        }
    }

    pub fn get(&self, field: SetupField) -> Option<&SetupProblem> {
        self.0.iter().find(|(f, _)| *f == field).map(|(_, p)| p)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &(SetupField, SetupProblem)> {
        self.0.iter()
    }

    fn take<T>(&mut self, field: SetupField, checked: Result<T, SetupProblem>) -> Option<T> {
        checked.map_err(|problem| self.add(field, problem)).ok()
    }
}

/// The language employees answer in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanLanguage {
    Nl,
    En,
}

impl ScanLanguage {
    pub fn parse(code: &str) -> Result<Self, SetupProblem> {
        match code.trim() {
            "nl" => Ok(ScanLanguage::Nl),
            "en" => Ok(ScanLanguage::En),
            _ => Err(SetupProblem::UnknownLanguage),
        }
    }

    pub const fn code(self) -> &'static str {
        match self {
            ScanLanguage::Nl => "nl",
            ScanLanguage::En => "en",
        }
    }
}

/// How employees get their link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Invites {
    /// This many single-use personal links.
    Personal(LinkCount),
    /// One link for everyone, opened once per browser.
    Shared,
}

/// A number of personal links from 1 to [`MAX_LINKS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LinkCount(u32);

impl LinkCount {
    pub fn new(n: u32) -> Result<Self, SetupProblem> {
        if (1..=MAX_LINKS).contains(&n) {
            Ok(LinkCount(n))
        } else {
            Err(SetupProblem::CountOutOfRange)
        }
    }

    /// Typed text: surrounding spaces are fine, anything but a whole number is not.
    pub fn parse(text: &str) -> Result<Self, SetupProblem> {
        let n = text
            .trim()
            .parse::<u32>()
            .map_err(|_| SetupProblem::CountOutOfRange)?;
        LinkCount::new(n)
    }

    pub const fn get(self) -> u32 {
        self.0
    }
}

/// The last day a round may close when it opens `today`.
pub fn latest_closing_date(today: NaiveDate) -> NaiveDate {
    today
        .checked_add_months(Months::new(MAX_MONTHS_OPEN))
        .unwrap_or(today)
}

/// The closing date a new form suggests.
pub fn suggested_closing_date(today: NaiveDate) -> NaiveDate {
    today
        .checked_add_days(chrono::Days::new(DEFAULT_DAYS_OPEN))
        .unwrap_or(today)
}

/// A closing date from today up to [`MAX_MONTHS_OPEN`] months ahead. Date inputs send
/// 2026-03-31; a browser without one lets people type 31-03-2026.
pub fn parse_closing_date(text: &str, today: NaiveDate) -> Result<NaiveDate, SetupProblem> {
    let date = parse_date(text)?;
    if date < today {
        Err(SetupProblem::DatePast)
    } else if date > latest_closing_date(today) {
        Err(SetupProblem::DateTooFar)
    } else {
        Ok(date)
    }
}

/// A date as a date input sends it (2026-03-31) or as people type it (31-03-2026); only
/// the form, not whether the day is allowed.
pub fn parse_date(text: &str) -> Result<NaiveDate, SetupProblem> {
    let text = text.trim();
    if text.is_empty() {
        return Err(SetupProblem::Missing);
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(text, "%d-%m-%Y"))
        .map_err(|_| SetupProblem::DateInvalid)
}

/// The last closing date a round that opened on `opened_on` may be given: the set-up's
/// limit counted from the day it opened, so no round is open longer than
/// [`MAX_MONTHS_OPEN`] months, however often its date moves.
pub fn latest_closing_date_of_round(opened_on: NaiveDate) -> NaiveDate {
    latest_closing_date(opened_on)
}

/// A new closing date for a round that opened on `opened_on` and is in `state` on `today`.
/// A closed round keeps its date (its results are final: see `release`); otherwise the new
/// date may not lie before the opening day or in the past (closing today is allowed: the
/// closing day still counts as open), nor beyond [`latest_closing_date_of_round`].
pub fn check_new_closing_date(
    date: NaiveDate,
    state: super::RoundState,
    opened_on: NaiveDate,
    today: NaiveDate,
) -> Result<NaiveDate, SetupProblem> {
    if state.is_released() {
        Err(SetupProblem::RoundClosed)
    } else if date < opened_on {
        Err(SetupProblem::DateBeforeOpening)
    } else if date < today {
        Err(SetupProblem::DatePast)
    } else if date > latest_closing_date_of_round(opened_on) {
        Err(SetupProblem::DateTooFar)
    } else {
        Ok(date)
    }
}

/// An organisation or team name.
pub fn parse_name(text: &str) -> Result<SingleLine, SetupProblem> {
    SingleLine::parse(text, MAX_NAME_CHARS).map_err(|e| match e {
        TextError::Empty => SetupProblem::Missing,
        TextError::TooLong => SetupProblem::NameTooLong,
        other => SetupProblem::Text(other),
    })
}

/// Department names, one per line; none is fine (the whole team is one group).
pub fn parse_departments(text: &str) -> Result<Vec<SingleLine>, SetupProblem> {
    let text = MultiLine::parse_or_empty(text, usize::MAX).map_err(SetupProblem::Text)?;
    let names = text
        .lines(MAX_DEPARTMENT_CHARS)
        .map_err(|(error, line)| match error {
            TextError::TooLong => {
                SetupProblem::DepartmentTooLong(line.trim().chars().take(30).collect())
            }
            other => SetupProblem::Text(other),
        })?;
    if names.len() > MAX_DEPARTMENTS {
        return Err(SetupProblem::TooManyDepartments);
    }
    let mut seen = std::collections::HashSet::new();
    for name in &names {
        if !seen.insert(name.as_str().to_lowercase()) {
            return Err(SetupProblem::DuplicateDepartment(name.as_str().to_owned()));
        }
    }
    Ok(names)
}

/// Department names sent as a list (the API): each must be a single line before they are
/// checked together as the form's one-per-line text.
pub fn parse_department_list(names: &[String]) -> Result<Vec<SingleLine>, SetupProblem> {
    if let Some(e) = names
        .iter()
        .find_map(|name| SingleLine::parse_optional(name, usize::MAX).err())
    {
        return Err(SetupProblem::Text(e));
    }
    parse_departments(&names.join("\n"))
}

/// How employees are invited: `personal` with a count, or `shared`.
pub fn parse_invites(kind: &str, count: &str) -> Result<Invites, (SetupField, SetupProblem)> {
    match kind.trim() {
        "personal" => LinkCount::parse(count)
            .map(Invites::Personal)
            .map_err(|p| (SetupField::Count, p)),
        "shared" => Ok(Invites::Shared),
        _ => Err((SetupField::Invite, SetupProblem::UnknownInvite)),
    }
}

/// What a set-up form or request holds, as typed.
#[derive(Debug, Clone, Copy, Default)]
pub struct RoundInput<'a> {
    pub closes_on: &'a str,
    pub invite: &'a str,
    pub count: &'a str,
}

/// A checked new round: when it closes and how people are invited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundSetup {
    pub closes_on: NaiveDate,
    pub invites: Invites,
}

impl RoundSetup {
    pub fn parse(input: RoundInput<'_>, today: NaiveDate) -> Result<RoundSetup, SetupErrors> {
        let mut errors = SetupErrors::default();
        let round = Self::check(input, today, &mut errors);
        round.filter(|_| errors.is_empty()).ok_or(errors)
    }

    fn check(input: RoundInput<'_>, today: NaiveDate, errors: &mut SetupErrors) -> Option<Self> {
        let closes_on = errors.take(
            SetupField::ClosesOn,
            parse_closing_date(input.closes_on, today),
        );
        let invites = parse_invites(input.invite, input.count)
            .map_err(|(field, problem)| errors.add(field, problem))
            .ok();
        Some(RoundSetup {
            closes_on: closes_on?,
            invites: invites?,
        })
    }
}

/// A new scan as typed.
#[derive(Debug, Clone, Copy, Default)]
pub struct ScanInput<'a> {
    pub organisation: &'a str,
    pub team: &'a str,
    /// One department per line.
    pub departments: &'a str,
    pub lang: &'a str,
    pub round: RoundInput<'a>,
}

/// A checked new scan with its first round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanSetup {
    pub organisation: SingleLine,
    pub team: SingleLine,
    pub departments: Vec<SingleLine>,
    pub lang: ScanLanguage,
    pub round: RoundSetup,
}

impl ScanSetup {
    /// Checks every field and reports every problem at once.
    pub fn parse(input: ScanInput<'_>, today: NaiveDate) -> Result<ScanSetup, SetupErrors> {
        Self::parse_with(input, None, today)
    }

    /// Like [`ScanSetup::parse`], with departments already checked as a list (the API).
    pub fn parse_with(
        input: ScanInput<'_>,
        departments: Option<Result<Vec<SingleLine>, SetupProblem>>,
        today: NaiveDate,
    ) -> Result<ScanSetup, SetupErrors> {
        let mut errors = SetupErrors::default();
        let organisation = errors.take(SetupField::Organisation, parse_name(input.organisation));
        let team = errors.take(SetupField::Team, parse_name(input.team));
        let departments = errors.take(
            SetupField::Departments,
            departments.unwrap_or_else(|| parse_departments(input.departments)),
        );
        let lang = errors.take(SetupField::Lang, ScanLanguage::parse(input.lang));
        let round = RoundSetup::check(input.round, today, &mut errors);
        match (organisation, team, departments, lang, round) {
            (Some(organisation), Some(team), Some(departments), Some(lang), Some(round))
                if errors.is_empty() =>
            {
                Ok(ScanSetup {
                    organisation,
                    team,
                    departments,
                    lang,
                    round,
                })
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()
    }

    fn input<'a>() -> ScanInput<'a> {
        ScanInput {
            organisation: " Bakkerij  Jansen ",
            team: "Winkel",
            departments: "Bakkerij\r\nWinkel\n\n",
            lang: "nl",
            round: RoundInput {
                closes_on: "2026-03-15",
                invite: "personal",
                count: " 12 ",
            },
        }
    }

    #[test]
    fn a_good_form_becomes_a_setup() {
        let setup = ScanSetup::parse(input(), today()).unwrap();
        assert_eq!(setup.organisation.as_str(), "Bakkerij Jansen");
        assert_eq!(setup.departments.len(), 2);
        assert_eq!(setup.lang, ScanLanguage::Nl);
        assert_eq!(
            setup.round.invites,
            Invites::Personal(LinkCount::new(12).unwrap())
        );
        assert_eq!(
            setup.round.closes_on,
            NaiveDate::from_ymd_opt(2026, 3, 15).unwrap()
        );
    }

    #[test]
    fn every_problem_is_reported_once_per_field() {
        let errors = ScanSetup::parse(
            ScanInput {
                organisation: "",
                team: &"x".repeat(121),
                departments: "A\na",
                lang: "de",
                round: RoundInput {
                    closes_on: "2026-02-28",
                    invite: "personal",
                    count: "0",
                },
            },
            today(),
        )
        .unwrap_err();
        assert_eq!(
            errors.get(SetupField::Organisation),
            Some(&SetupProblem::Missing)
        );
        assert_eq!(
            errors.get(SetupField::Team),
            Some(&SetupProblem::NameTooLong)
        );
        assert_eq!(
            errors.get(SetupField::Departments),
            Some(&SetupProblem::DuplicateDepartment("a".into()))
        );
        assert_eq!(
            errors.get(SetupField::Lang),
            Some(&SetupProblem::UnknownLanguage)
        );
        assert_eq!(
            errors.get(SetupField::ClosesOn),
            Some(&SetupProblem::DatePast)
        );
        assert_eq!(
            errors.get(SetupField::Count),
            Some(&SetupProblem::CountOutOfRange)
        );
        assert_eq!(errors.iter().count(), 6);
    }

    #[test]
    fn closing_dates_accept_both_spellings_within_a_year() {
        let t = today();
        assert!(parse_closing_date("01-03-2026", t).is_ok());
        assert_eq!(parse_closing_date(" ", t), Err(SetupProblem::Missing));
        assert_eq!(
            parse_closing_date("31-02-2026", t),
            Err(SetupProblem::DateInvalid)
        );
        assert!(parse_closing_date("2027-03-01", t).is_ok());
        assert_eq!(
            parse_closing_date("2027-03-02", t),
            Err(SetupProblem::DateTooFar)
        );
    }

    #[test]
    fn departments_refuse_control_characters_long_names_and_too_many() {
        assert_eq!(
            parse_departments("A\u{0}B"),
            Err(SetupProblem::Text(TextError::ControlCharacter))
        );
        assert!(matches!(
            parse_departments(&"y".repeat(81)),
            Err(SetupProblem::DepartmentTooLong(start)) if start.len() == 30
        ));
        let many: Vec<String> = (0..31).map(|i| format!("Afdeling {i}")).collect();
        assert_eq!(
            parse_departments(&many.join("\n")),
            Err(SetupProblem::TooManyDepartments)
        );
        assert_eq!(parse_departments("").unwrap(), vec![]);
        assert_eq!(
            parse_department_list(&["A\nB".into()]),
            Err(SetupProblem::Text(TextError::ControlCharacter))
        );
    }

    #[test]
    fn a_shared_link_needs_no_count() {
        let round = RoundSetup::parse(
            RoundInput {
                closes_on: "2026-03-02",
                invite: "shared",
                count: "",
            },
            today(),
        )
        .unwrap();
        assert_eq!(round.invites, Invites::Shared);
        assert_eq!(
            parse_invites("links", "3"),
            Err((SetupField::Invite, SetupProblem::UnknownInvite))
        );
        assert_eq!(LinkCount::parse("2001"), Err(SetupProblem::CountOutOfRange));
        assert_eq!(LinkCount::parse("2000").unwrap().get(), 2000);
    }

    #[test]
    fn a_new_closing_date_stays_within_the_round() {
        use crate::scan::RoundState;
        let opened = NaiveDate::from_ymd_opt(2026, 2, 20).unwrap();
        let today = today();
        let open = RoundState::Open;
        let check = |text: &str, state| {
            parse_date(text).and_then(|d| check_new_closing_date(d, state, opened, today))
        };
        assert_eq!(check("", open), Err(SetupProblem::Missing));
        assert_eq!(check("morgen", open), Err(SetupProblem::DateInvalid));
        assert_eq!(
            check("2026-02-19", open),
            Err(SetupProblem::DateBeforeOpening)
        );
        assert_eq!(check("2026-02-25", open), Err(SetupProblem::DatePast));
        assert_eq!(check("01-03-2026", open), Ok(today));
        // A year from the day the round opened, not from today.
        assert_eq!(check("2027-02-20", open).unwrap().to_string(), "2027-02-20");
        assert_eq!(check("2027-02-21", open), Err(SetupProblem::DateTooFar));
        assert_eq!(
            check("2026-03-10", RoundState::Closed),
            Err(SetupProblem::RoundClosed)
        );
    }
}
