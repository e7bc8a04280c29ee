//! "Cost of doing nothing": what absence and staff turnover cost an employer
//! per year, and what a stated improvement would save.
//!
//! # Formulas (all per year)
//!
//! ```text
//! absence days     = headcount × working days × absence rate
//! absence cost     = absence days × cost per absence day
//! leavers          = headcount × turnover rate
//! turnover cost    = leavers × average salary × replacement cost %
//! total cost       = absence cost + turnover cost
//! savings          = each cost × improvement %
//! ```
//!
//! The improvement is read as "absence and turnover both drop by this
//! percentage" (a relative reduction, so 20 % of a 5 % absence rate is 1
//! point). Results are unrounded euros; the page rounds for display.
//!
//! Defaults come from the [`ReferenceFigure`] constants, which carry keys for
//! the figure and its source so the page can name the source beside it.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::key::serde_via_key;

/// A public reference figure and where it comes from. `key` names the figure
/// and `source` its origin; both are translation keys, not text.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ReferenceFigure {
    /// What the figure is.
    pub key: &'static str,
    /// Where it comes from.
    pub source: &'static str,
    /// The value used as default.
    pub value: f64,
    /// Low end of the commonly cited range, if any.
    pub low: Option<f64>,
    /// High end of the commonly cited range, if any.
    pub high: Option<f64>,
}

/// Absence rate in the Netherlands: about 5 % (CBS, ziekteverzuim).
pub const ABSENCE_RATE: ReferenceFigure = ReferenceFigure {
    key: "ziekteverzuimpercentage",
    source: "cbs_ziekteverzuim",
    value: 5.0,
    low: None,
    high: None,
};

/// Cost of one absence day for the employer: commonly cited as €250–€405
/// (lost output, replacement, supervision); the low end is the default.
pub const COST_PER_ABSENCE_DAY: ReferenceFigure = ReferenceFigure {
    key: "kosten_per_verzuimdag",
    source: "verzuimkosten_schattingen",
    value: 250.0,
    low: Some(250.0),
    high: Some(405.0),
};

/// Working days per full-time year: 261 weekdays minus public holidays and
/// statutory plus usual extra leave, rounded to the common convention of 220.
pub const WORKING_DAYS_PER_YEAR: ReferenceFigure = ReferenceFigure {
    key: "werkdagen_per_jaar",
    source: "rekenconventie_voltijd",
    value: 220.0,
    low: None,
    high: None,
};

/// Cost of replacing a leaver as % of annual salary (recruitment, onboarding,
/// lost productivity): estimates range from 30 % to 200 %; 50 % is the default.
pub const REPLACEMENT_COST: ReferenceFigure = ReferenceFigure {
    key: "vervangingskosten_percentage",
    source: "vervangingskosten_onderzoek",
    value: 50.0,
    low: Some(30.0),
    high: Some(200.0),
};

/// Every reference figure, for listing sources on the page.
pub const REFERENCE_FIGURES: [ReferenceFigure; 4] = [
    ABSENCE_RATE,
    COST_PER_ABSENCE_DAY,
    WORKING_DAYS_PER_YEAR,
    REPLACEMENT_COST,
];

/// Default improvement when the form leaves it empty: a modest example, not a
/// reference figure.
pub const DEFAULT_IMPROVEMENT_PCT: f64 = 10.0;

/// Calculator inputs. Percentages are 0–100.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CostInputs {
    /// Number of employees.
    pub headcount: u32,
    /// Average gross annual salary in euros.
    pub average_salary_eur: f64,
    /// Share of working days lost to absence, %.
    pub absence_rate_pct: f64,
    /// Employer cost per absence day, euros.
    pub cost_per_absence_day_eur: f64,
    /// Working days per full-time year.
    pub working_days_per_year: f64,
    /// Share of employees leaving per year, %.
    pub turnover_rate_pct: f64,
    /// Cost of replacing one leaver as % of annual salary.
    pub replacement_cost_pct: f64,
    /// Relative reduction of absence and turnover to price, %.
    pub improvement_pct: f64,
}

impl CostInputs {
    /// Inputs with every reference default filled in.
    pub fn new(headcount: u32, average_salary_eur: f64, turnover_rate_pct: f64) -> Self {
        Self {
            headcount,
            average_salary_eur,
            absence_rate_pct: ABSENCE_RATE.value,
            cost_per_absence_day_eur: COST_PER_ABSENCE_DAY.value,
            working_days_per_year: WORKING_DAYS_PER_YEAR.value,
            turnover_rate_pct,
            replacement_cost_pct: REPLACEMENT_COST.value,
            improvement_pct: DEFAULT_IMPROVEMENT_PCT,
        }
    }

    /// Checks every field against [`CostField::range`], reporting all problems.
    pub fn validate(&self) -> Result<(), CostErrors> {
        let mut errors = CostErrors::default();
        for field in CostField::ALL {
            if let Err(e) = field.check(self.get(field)) {
                errors.push(field, e);
            }
        }
        errors.into_result(())
    }

    /// Parses form pairs (field names: [`CostField::key`]). Numbers may use a
    /// Dutch or English notation, see [`parse_number`]. Empty optional
    /// fields take their default; headcount, salary and turnover are required.
    pub fn from_form<K: AsRef<str>, V: AsRef<str>>(fields: &[(K, V)]) -> Result<Self, CostErrors> {
        let mut errors = CostErrors::default();
        let mut inputs = CostInputs::new(0, 0.0, 0.0);
        for field in CostField::ALL {
            let mut values = fields
                .iter()
                .filter(|(k, _)| k.as_ref() == field.key())
                .map(|(_, v)| v.as_ref().trim());
            let raw = values.next().filter(|v| !v.is_empty());
            let parsed = if values.next().is_some() {
                Err(CostError::Duplicate)
            } else {
                match raw {
                    None if field.required() => Err(CostError::Missing),
                    None => Ok(field.default_value()),
                    Some(raw) => parse_number(raw).ok_or(CostError::NotANumber),
                }
            };
            match parsed.and_then(|v| field.check(v).map(|()| v)) {
                Ok(value) => inputs.set(field, value),
                Err(e) => errors.push(field, e),
            }
        }
        errors.into_result(inputs)
    }

    fn get(&self, field: CostField) -> f64 {
        match field {
            CostField::Headcount => f64::from(self.headcount),
            CostField::AverageSalary => self.average_salary_eur,
            CostField::AbsenceRate => self.absence_rate_pct,
            CostField::CostPerAbsenceDay => self.cost_per_absence_day_eur,
            CostField::WorkingDays => self.working_days_per_year,
            CostField::TurnoverRate => self.turnover_rate_pct,
            CostField::ReplacementCost => self.replacement_cost_pct,
            CostField::Improvement => self.improvement_pct,
        }
    }

    /// Only called with values that passed [`CostField::check`].
    fn set(&mut self, field: CostField, value: f64) {
        match field {
            // Checked to be a whole number within range, so the cast is exact.
            CostField::Headcount => self.headcount = value as u32,
            CostField::AverageSalary => self.average_salary_eur = value,
            CostField::AbsenceRate => self.absence_rate_pct = value,
            CostField::CostPerAbsenceDay => self.cost_per_absence_day_eur = value,
            CostField::WorkingDays => self.working_days_per_year = value,
            CostField::TurnoverRate => self.turnover_rate_pct = value,
            CostField::ReplacementCost => self.replacement_cost_pct = value,
            CostField::Improvement => self.improvement_pct = value,
        }
    }
}

/// The calculator's outcome, per year, in euros unless stated otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CostOfInaction {
    /// Working days lost to absence.
    pub absence_days: f64,
    /// Cost of those days.
    pub absence_cost_eur: f64,
    /// Expected number of leavers.
    pub leavers: f64,
    /// Cost of replacing them.
    pub turnover_cost_eur: f64,
    /// Absence plus turnover cost.
    pub total_cost_eur: f64,
    /// Total cost divided by headcount.
    pub cost_per_employee_eur: f64,
    /// Absence cost saved by the improvement.
    pub absence_savings_eur: f64,
    /// Turnover cost saved by the improvement.
    pub turnover_savings_eur: f64,
    /// Everything saved by the improvement.
    pub total_savings_eur: f64,
}

/// Validates the inputs and applies the formulas in the module docs.
pub fn calculate(inputs: &CostInputs) -> Result<CostOfInaction, CostErrors> {
    inputs.validate()?;
    let headcount = f64::from(inputs.headcount);
    let pct = |p: f64| p / 100.0;

    let absence_days = headcount * inputs.working_days_per_year * pct(inputs.absence_rate_pct);
    let absence_cost_eur = absence_days * inputs.cost_per_absence_day_eur;
    let leavers = headcount * pct(inputs.turnover_rate_pct);
    let turnover_cost_eur = leavers * inputs.average_salary_eur * pct(inputs.replacement_cost_pct);
    let total_cost_eur = absence_cost_eur + turnover_cost_eur;
    let improvement = pct(inputs.improvement_pct);

    Ok(CostOfInaction {
        absence_days,
        absence_cost_eur,
        leavers,
        turnover_cost_eur,
        total_cost_eur,
        cost_per_employee_eur: total_cost_eur / headcount,
        absence_savings_eur: absence_cost_eur * improvement,
        turnover_savings_eur: turnover_cost_eur * improvement,
        total_savings_eur: total_cost_eur * improvement,
    })
}

/// An input of the calculator, named by its form key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CostField {
    /// [`CostInputs::headcount`]
    Headcount,
    /// [`CostInputs::average_salary_eur`]
    AverageSalary,
    /// [`CostInputs::absence_rate_pct`]
    AbsenceRate,
    /// [`CostInputs::cost_per_absence_day_eur`]
    CostPerAbsenceDay,
    /// [`CostInputs::working_days_per_year`]
    WorkingDays,
    /// [`CostInputs::turnover_rate_pct`]
    TurnoverRate,
    /// [`CostInputs::replacement_cost_pct`]
    ReplacementCost,
    /// [`CostInputs::improvement_pct`]
    Improvement,
}

impl CostField {
    /// All fields in form order.
    pub const ALL: [CostField; 8] = [
        CostField::Headcount,
        CostField::AverageSalary,
        CostField::AbsenceRate,
        CostField::CostPerAbsenceDay,
        CostField::WorkingDays,
        CostField::TurnoverRate,
        CostField::ReplacementCost,
        CostField::Improvement,
    ];

    /// Form field name.
    pub const fn key(self) -> &'static str {
        match self {
            CostField::Headcount => "medewerkers",
            CostField::AverageSalary => "gemiddeld_jaarsalaris",
            CostField::AbsenceRate => "verzuimpercentage",
            CostField::CostPerAbsenceDay => "kosten_per_verzuimdag",
            CostField::WorkingDays => "werkdagen_per_jaar",
            CostField::TurnoverRate => "verloop_percentage",
            CostField::ReplacementCost => "vervangingskosten_percentage",
            CostField::Improvement => "verbetering_percentage",
        }
    }

    /// Inverse of [`CostField::key`].
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.key() == key)
    }

    /// Accepted values, inclusive. Wide on purpose: the calculator should
    /// only refuse nonsense, not unusual companies.
    pub const fn range(self) -> (f64, f64) {
        match self {
            CostField::Headcount => (1.0, 100_000.0),
            CostField::AverageSalary => (1_000.0, 1_000_000.0),
            CostField::AbsenceRate => (0.0, 100.0),
            CostField::CostPerAbsenceDay => (0.0, 10_000.0),
            CostField::WorkingDays => (1.0, 366.0),
            CostField::TurnoverRate => (0.0, 100.0),
            CostField::ReplacementCost => (0.0, 400.0),
            CostField::Improvement => (0.0, 100.0),
        }
    }

    /// Whether the form must fill it (there is no sourced default).
    pub const fn required(self) -> bool {
        matches!(
            self,
            CostField::Headcount | CostField::AverageSalary | CostField::TurnoverRate
        )
    }

    /// Default for optional fields (0 for required ones).
    pub const fn default_value(self) -> f64 {
        match self {
            CostField::AbsenceRate => ABSENCE_RATE.value,
            CostField::CostPerAbsenceDay => COST_PER_ABSENCE_DAY.value,
            CostField::WorkingDays => WORKING_DAYS_PER_YEAR.value,
            CostField::ReplacementCost => REPLACEMENT_COST.value,
            CostField::Improvement => DEFAULT_IMPROVEMENT_PCT,
            CostField::Headcount | CostField::AverageSalary | CostField::TurnoverRate => 0.0,
        }
    }

    fn check(self, value: f64) -> Result<(), CostError> {
        let (low, high) = self.range();
        if !value.is_finite() {
            Err(CostError::NotANumber)
        } else if value < 0.0 {
            Err(CostError::Negative)
        } else if self == CostField::Headcount && value.fract() != 0.0 {
            Err(CostError::NotWholeNumber)
        } else if value < low || value > high {
            Err(CostError::OutOfRange)
        } else {
            Ok(())
        }
    }
}

/// What is wrong with one calculator input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CostError {
    /// A required field is empty.
    Missing,
    /// The field was sent more than once.
    Duplicate,
    /// Not a number (or not finite).
    NotANumber,
    /// Below zero.
    Negative,
    /// Headcount with a fraction.
    NotWholeNumber,
    /// Outside [`CostField::range`].
    OutOfRange,
}

impl CostError {
    /// All errors.
    pub const ALL: [CostError; 6] = [
        CostError::Missing,
        CostError::Duplicate,
        CostError::NotANumber,
        CostError::Negative,
        CostError::NotWholeNumber,
        CostError::OutOfRange,
    ];

    /// Stable code for translations.
    pub const fn key(self) -> &'static str {
        match self {
            CostError::Missing => "missing",
            CostError::Duplicate => "duplicate",
            CostError::NotANumber => "not_a_number",
            CostError::Negative => "negative",
            CostError::NotWholeNumber => "not_whole_number",
            CostError::OutOfRange => "out_of_range",
        }
    }

    /// Inverse of [`CostError::key`].
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.key() == key)
    }
}

serde_via_key!(CostField, CostError);

/// Every problem with the inputs, at most one per field, in form order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct CostErrors {
    errors: Vec<CostIssue>,
}

/// One field and its problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CostIssue {
    /// The field.
    pub field: CostField,
    /// The problem.
    pub error: CostError,
}

impl CostErrors {
    /// The problem with `field`, if any.
    pub fn get(&self, field: CostField) -> Option<CostError> {
        self.errors
            .iter()
            .find(|i| i.field == field)
            .map(|i| i.error)
    }

    /// All problems in form order.
    pub fn iter(&self) -> impl Iterator<Item = CostIssue> + '_ {
        self.errors.iter().copied()
    }

    /// True when there is no problem.
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    fn push(&mut self, field: CostField, error: CostError) {
        self.errors.push(CostIssue { field, error });
    }

    fn into_result<T>(self, ok: T) -> Result<T, CostErrors> {
        if self.is_empty() { Ok(ok) } else { Err(self) }
    }
}

impl fmt::Display for CostErrors {
    /// Codes only, for logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, issue) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{}:{}", issue.field.key(), issue.error.key())?;
        }
        Ok(())
    }
}

impl std::error::Error for CostErrors {}

/// Parses a number typed by a person, Dutch or English style.
///
/// - Spaces, `€` and `%` are ignored; a leading `-` is kept (so the caller
///   can say "negative" rather than "not a number").
/// - Both `.` and `,` present: the last one is the decimal separator, the
///   other groups thousands (`1.234,56` and `1,234.56`).
/// - Only `,`: one comma is a decimal comma (`5,5`); several group thousands.
/// - Only `.`: several dots group thousands (`1.000.000`); a single dot
///   followed by exactly three digits after a non-zero integer part groups
///   thousands too (`45.000` = 45000, the Dutch reading); otherwise it is a
///   decimal point (`5.5`).
/// - Thousands groups must be three digits. No exponents, `inf` or `NaN`.
pub fn parse_number(raw: &str) -> Option<f64> {
    let cleaned: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '€' | '%'))
        .collect();
    let (negative, body) = match cleaned.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, cleaned.as_str()),
    };

    let normalised = match (body.matches('.').count(), body.matches(',').count()) {
        (0, 0) => body.to_owned(),
        (dots, commas) if dots > 0 && commas > 0 => {
            let at = body.rfind(['.', ','])?;
            let (int, frac) = (&body[..at], &body[at + 1..]);
            let thousands = if body.as_bytes()[at] == b'.' {
                ','
            } else {
                '.'
            };
            if int.contains(body.as_bytes()[at] as char) {
                return None; // the decimal separator appears twice
            }
            format!("{}.{frac}", ungroup(int, thousands)?)
        }
        (0, 1) => body.replace(',', "."),
        (0, _) => ungroup(body, ',')?,
        (1, 0) if is_dutch_thousands(body) => ungroup(body, '.')?,
        (1, 0) => body.to_owned(),
        (_, _) => ungroup(body, '.')?,
    };

    let digits_ok = normalised.chars().any(|c| c.is_ascii_digit())
        && normalised.chars().all(|c| c.is_ascii_digit() || c == '.')
        && normalised.matches('.').count() <= 1;
    if !digits_ok {
        return None;
    }
    let value: f64 = normalised.parse().ok()?;
    Some(if negative { -value } else { value })
}

/// `45.000` style: 1–3 digits without leading zero, a dot, three digits.
fn is_dutch_thousands(s: &str) -> bool {
    match s.split_once('.') {
        Some((int, frac)) => {
            (1..=3).contains(&int.len())
                && !int.starts_with('0')
                && frac.len() == 3
                && int.chars().chain(frac.chars()).all(|c| c.is_ascii_digit())
        }
        None => false,
    }
}

/// Removes thousands separators after checking the groups are well formed.
fn ungroup(s: &str, separator: char) -> Option<String> {
    let mut groups = s.split(separator);
    let first = groups.next()?;
    let rest_ok = groups.all(|g| g.len() == 3);
    ((1..=3).contains(&first.len()) && rest_ok).then(|| s.replace(separator, ""))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-6, "{a} != {b}");
    }

    #[test]
    fn hand_computed_example() {
        let inputs = CostInputs {
            improvement_pct: 20.0,
            ..CostInputs::new(50, 40_000.0, 15.0)
        };
        let c = calculate(&inputs).unwrap();
        // 50 × 220 × 5 % = 550 days × €250
        close(c.absence_days, 550.0);
        close(c.absence_cost_eur, 137_500.0);
        // 7.5 leavers × €40,000 × 50 %
        close(c.leavers, 7.5);
        close(c.turnover_cost_eur, 150_000.0);
        close(c.total_cost_eur, 287_500.0);
        close(c.cost_per_employee_eur, 5_750.0);
        close(c.absence_savings_eur, 27_500.0);
        close(c.turnover_savings_eur, 30_000.0);
        close(c.total_savings_eur, 57_500.0);
    }

    #[test]
    fn upper_reference_figures() {
        let inputs = CostInputs {
            absence_rate_pct: 4.0,
            cost_per_absence_day_eur: 405.0,
            working_days_per_year: 200.0,
            replacement_cost_pct: 200.0,
            improvement_pct: 0.0,
            ..CostInputs::new(10, 50_000.0, 10.0)
        };
        let c = calculate(&inputs).unwrap();
        close(c.absence_cost_eur, 10.0 * 200.0 * 0.04 * 405.0); // 32,400
        close(c.turnover_cost_eur, 1.0 * 50_000.0 * 2.0); // 100,000
        close(c.total_savings_eur, 0.0);
    }

    #[test]
    fn validation_reports_every_field() {
        let inputs = CostInputs {
            absence_rate_pct: -1.0,
            working_days_per_year: 400.0,
            improvement_pct: f64::NAN,
            ..CostInputs::new(0, 40_000.0, 15.0)
        };
        let e = calculate(&inputs).unwrap_err();
        assert_eq!(e.get(CostField::Headcount), Some(CostError::OutOfRange));
        assert_eq!(e.get(CostField::AbsenceRate), Some(CostError::Negative));
        assert_eq!(e.get(CostField::WorkingDays), Some(CostError::OutOfRange));
        assert_eq!(e.get(CostField::Improvement), Some(CostError::NotANumber));
        assert_eq!(e.get(CostField::AverageSalary), None);
        assert_eq!(e.iter().count(), 4);
        assert_eq!(
            e.to_string(),
            "medewerkers:out_of_range, verzuimpercentage:negative, \
             werkdagen_per_jaar:out_of_range, verbetering_percentage:not_a_number"
        );
    }

    #[test]
    fn form_with_defaults() {
        let form = [
            ("medewerkers", "1.200"),
            ("gemiddeld_jaarsalaris", "€ 45.000"),
            ("verloop_percentage", "12,5"),
            ("verzuimpercentage", ""),
            ("csrf", "x"),
        ];
        let i = CostInputs::from_form(&form).unwrap();
        assert_eq!(i.headcount, 1200);
        close(i.average_salary_eur, 45_000.0);
        close(i.turnover_rate_pct, 12.5);
        close(i.absence_rate_pct, ABSENCE_RATE.value);
        close(i.cost_per_absence_day_eur, 250.0);
        close(i.working_days_per_year, 220.0);
        close(i.replacement_cost_pct, 50.0);
        close(i.improvement_pct, DEFAULT_IMPROVEMENT_PCT);
    }

    #[test]
    fn form_errors_per_field() {
        let form = [
            ("medewerkers", "12,5"),
            ("verloop_percentage", "-3"),
            ("verzuimpercentage", "veel"),
            ("verbetering_percentage", "10"),
            ("verbetering_percentage", "20"),
        ];
        let e = CostInputs::from_form(&form).unwrap_err();
        assert_eq!(e.get(CostField::Headcount), Some(CostError::NotWholeNumber));
        assert_eq!(e.get(CostField::AverageSalary), Some(CostError::Missing));
        assert_eq!(e.get(CostField::TurnoverRate), Some(CostError::Negative));
        assert_eq!(e.get(CostField::AbsenceRate), Some(CostError::NotANumber));
        assert_eq!(e.get(CostField::Improvement), Some(CostError::Duplicate));
        assert_eq!(e.get(CostField::WorkingDays), None);
    }

    #[test]
    fn number_notations() {
        let cases = [
            ("5", Some(5.0)),
            ("5,5", Some(5.5)),
            ("5.5", Some(5.5)),
            ("45.000", Some(45_000.0)),
            ("45000", Some(45_000.0)),
            ("1.234.567", Some(1_234_567.0)),
            ("1.234,56", Some(1_234.56)),
            ("1,234.56", Some(1_234.56)),
            ("1,000,000", Some(1_000_000.0)),
            ("0.500", Some(0.5)),
            ("12.3456", Some(12.3456)),
            ("€ 40 000", Some(40_000.0)),
            ("5 %", Some(5.0)),
            ("-3", Some(-3.0)),
            (",5", Some(0.5)),
            ("", None),
            ("-", None),
            ("abc", None),
            ("1e5", None),
            ("inf", None),
            ("NaN", None),
            ("1.2.3", None),
            ("1,2,3", None),
            ("1.234.56", None),
            ("1,2.3,4", None),
            ("12.34,5,6", None),
        ];
        for (raw, expected) in cases {
            assert_eq!(parse_number(raw), expected, "{raw:?}");
        }
    }

    #[test]
    fn reference_figures_are_consistent() {
        for r in REFERENCE_FIGURES {
            assert!(!r.key.is_empty() && !r.source.is_empty());
            if let (Some(low), Some(high)) = (r.low, r.high) {
                assert!(low <= r.value && r.value <= high, "{}", r.key);
            }
        }
        for f in CostField::ALL {
            assert_eq!(CostField::from_key(f.key()), Some(f));
            if !f.required() {
                assert!(f.check(f.default_value()).is_ok(), "{f:?}");
            }
        }
    }
}
