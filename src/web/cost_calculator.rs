//! The cost-of-doing-nothing calculator, shown on `/autonomie-scan` and on results pages.
//!
//! The maths, defaults, ranges and number parsing are in [`hrnexus_core::cost`]; this module
//! only turns query parameters into a view model for `templates/partials/cost_calculator.html`
//! and formats its figures with the one number formatter (`Lang::number_trimmed`, `Lang::euros`).
//!
//! The calculator is a GET form: it works without JavaScript, and a result can be bookmarked
//! or shared. A page that includes it builds a [`CostCalculator`] (field `cost`) from its own
//! query string and passes the path the form submits to, see [`CostCalculator::from_query`].

use hrnexus_core::cost::{
    self, CostError, CostField, CostInputs, CostOfInaction, REFERENCE_FIGURES, ReferenceFigure,
};

use crate::i18n::Lang;

/// The anchor of the calculator on every page that includes it.
pub const ANCHOR: &str = "kosten";

/// Everything the partial template shows.
#[derive(Debug, Clone)]
pub struct CostCalculator {
    /// Where the form submits (GET), including `#kosten`, e.g. `/en/autonomie-scan#kosten`.
    pub action: String,
    /// Other query parameters of the including page that must survive a recalculation
    /// (rendered as hidden inputs), e.g. the quick check's answers.
    pub hidden: Vec<(String, String)>,
    /// The inputs in form order, with what was typed and any error.
    pub fields: Vec<CostFieldView>,
    /// The outcome, when the form was submitted without errors.
    pub result: Option<CostResultView>,
    /// True when the form was submitted and at least one field has an error.
    pub has_errors: bool,
    /// The public reference figures and their sources.
    pub references: Vec<ReferenceView>,
    /// The inputs of a calculated result, for the language switch.
    inputs: Option<CostInputs>,
    /// The next steps shown with a result: (translation key, address).
    pub next: Vec<(&'static str, String)>,
}

/// One input of the form.
#[derive(Debug, Clone)]
pub struct CostFieldView {
    /// Form name ([`CostField::key`]), also used for translation keys.
    pub name: &'static str,
    /// HTML id (prefixed, so it cannot clash with the including page).
    pub id: String,
    /// The value shown in the input: what was typed, or the default.
    pub value: String,
    /// `numeric` for whole numbers, `decimal` otherwise (the phone keyboard to offer).
    pub inputmode: &'static str,
    /// The field must be filled (no sourced default).
    pub required: bool,
    /// The message to show beside the field, in the page's language.
    pub error: Option<String>,
}

impl CostFieldView {
    /// The id of the error message, for `aria-describedby`.
    pub fn error_id(&self) -> String {
        format!("{}-fout", self.id)
    }

    /// The id of the hint text, for `aria-describedby`.
    pub fn hint_id(&self) -> String {
        format!("{}-uitleg", self.id)
    }
}

/// The outcome, formatted for the page's language.
#[derive(Debug, Clone)]
pub struct CostResultView {
    /// The unformatted figures, for pages that want more than the partial shows.
    pub raw: CostOfInaction,
    pub absence_days: String,
    pub absence_cost: String,
    pub leavers: String,
    pub turnover_cost: String,
    pub total_cost: String,
    pub cost_per_employee: String,
    /// The stated improvement, e.g. `10` (a percentage, without the sign).
    pub improvement_pct: String,
    /// "Wat 10% minder verzuim en verloop oplevert".
    pub savings_title: String,
    pub absence_savings: String,
    pub turnover_savings: String,
    pub total_savings: String,
}

/// A reference figure with its value written out for the page.
#[derive(Debug, Clone)]
pub struct ReferenceView {
    /// [`ReferenceFigure::key`]: the translation key suffix of what the figure is.
    pub key: &'static str,
    /// [`ReferenceFigure::source`]: the translation key suffix of where it comes from.
    pub source: &'static str,
    /// The value or range, formatted (e.g. `€ 250 – € 405`).
    pub value: String,
}

impl ReferenceView {
    /// Where the source can be read, for sources that are published (CBS StatLine); the
    /// others are estimates and rules of thumb without one page to link to.
    pub fn url(&self) -> Option<&'static str> {
        match self.source {
            "cbs_ziekteverzuim" => {
                Some("https://opendata.cbs.nl/statline/#/CBS/nl/dataset/80072ned/table")
            }
            _ => None,
        }
    }
}

impl CostCalculator {
    /// The calculator with every default filled in and nothing calculated yet.
    /// `path` is the language-prefixed path of the including page (e.g. `p.href("/autonomie-scan")`).
    pub fn new(lang: Lang, path: &str) -> Self {
        let fields = CostField::ALL
            .into_iter()
            .map(|field| {
                let value = if field.required() {
                    String::new()
                } else {
                    lang.number_trimmed(field.default_value(), 2)
                };
                field_view(field, value, None)
            })
            .collect();
        CostCalculator {
            action: format!("{path}#{ANCHOR}"),
            hidden: Vec::new(),
            fields,
            result: None,
            has_errors: false,
            references: references(lang),
            inputs: None,
            next: vec![
                ("cost-calc-next-scan", localised(lang, "/werkgever/login")),
                (
                    "cost-calc-next-help",
                    format!("{}#formulier", localised(lang, "/contact")),
                ),
            ],
        }
    }

    /// The calculated inputs as query pairs written for `target`'s language (so that
    /// `from_query` in that language reads them back), with the pairs kept along; empty
    /// when nothing was calculated.
    pub fn switch_pairs(&self, target: Lang) -> Vec<(String, String)> {
        let Some(inputs) = self.inputs else {
            return Vec::new();
        };
        let mut pairs = self.hidden.clone();
        pairs.extend(CostField::ALL.into_iter().map(|field| {
            let value = match field {
                CostField::Headcount => f64::from(inputs.headcount),
                CostField::AverageSalary => inputs.average_salary_eur,
                CostField::AbsenceRate => inputs.absence_rate_pct,
                CostField::CostPerAbsenceDay => inputs.cost_per_absence_day_eur,
                CostField::WorkingDays => inputs.working_days_per_year,
                CostField::TurnoverRate => inputs.turnover_rate_pct,
                CostField::ReplacementCost => inputs.replacement_cost_pct,
                CostField::Improvement => inputs.improvement_pct,
            };
            (field.key().to_owned(), target.number_trimmed(value, 2))
        }));
        pairs
    }

    /// Other next steps than the defaults (start a scan, ask for advice).
    pub fn next_steps(mut self, next: Vec<(&'static str, String)>) -> Self {
        self.next = next;
        self
    }

    /// Builds the calculator from a page's query pairs. When none of the calculator's fields
    /// is present, the form shows its defaults and no result; otherwise the inputs are
    /// checked by [`CostInputs::from_form`] and the result or the errors are shown, with
    /// what was typed kept. Query pairs that are not calculator fields are ignored here;
    /// use [`CostCalculator::keep`] to carry some of them along.
    pub fn from_query(lang: Lang, path: &str, query: &[(String, String)]) -> Self {
        let mut calculator = Self::new(lang, path);
        let submitted = query.iter().any(|(k, _)| CostField::from_key(k).is_some());
        if !submitted {
            return calculator;
        }
        let pairs: Vec<(&str, String)> = query
            .iter()
            .filter(|(k, _)| CostField::from_key(k).is_some())
            .map(|(k, v)| (k.as_str(), normalise(lang, v)))
            .collect();
        let outcome = CostInputs::from_form(&pairs)
            .and_then(|inputs| cost::calculate(&inputs).map(|result| (inputs, result)));
        let errors = outcome.as_ref().err();
        calculator.fields = CostField::ALL
            .into_iter()
            .map(|field| {
                let typed = query
                    .iter()
                    .find(|(k, _)| k == field.key())
                    .map(|(_, v)| v.trim().to_owned())
                    .filter(|v| !v.is_empty())
                    // An empty optional box was calculated with its default: show that.
                    .or_else(|| {
                        (!field.required()).then(|| lang.number_trimmed(field.default_value(), 2))
                    })
                    .unwrap_or_default();
                let error = errors
                    .and_then(|e| e.get(field))
                    .map(|e| error_message(lang, field, e));
                field_view(field, typed, error)
            })
            .collect();
        calculator.has_errors = errors.is_some();
        calculator.inputs = outcome.as_ref().ok().map(|(inputs, _)| *inputs);
        calculator.result = outcome
            .ok()
            .map(|(inputs, result)| result_view(lang, &inputs, result));
        calculator
    }

    /// Carries these query pairs along as hidden inputs, so recalculating keeps the rest of
    /// the including page's state (e.g. the quick check's answers).
    pub fn keep(mut self, pairs: Vec<(String, String)>) -> Self {
        self.hidden = pairs;
        self
    }

    /// Prefills an empty field, e.g. the headcount a results page knows. Typed values win.
    pub fn prefill(mut self, lang: Lang, field: CostField, value: f64) -> Self {
        if let Some(view) = self.fields.iter_mut().find(|f| f.name == field.key())
            && view.value.is_empty()
        {
            view.value = lang.number_trimmed(value, 2);
        }
        self
    }
}

/// A site path in `lang`: `/en/contact` in English.
fn localised(lang: Lang, path: &str) -> String {
    format!("{}{path}", lang.prefix())
}

fn field_view(field: CostField, value: String, error: Option<String>) -> CostFieldView {
    CostFieldView {
        name: field.key(),
        id: format!("kosten-{}", field.key()),
        value,
        inputmode: if field == CostField::Headcount {
            "numeric"
        } else {
            "decimal"
        },
        required: field.required(),
        error,
    }
}

/// English pages read `40,000` as forty thousand. The core parser reads a single comma as a
/// decimal comma (the Dutch habit), so on English pages a comma that groups exactly three
/// digits, with no other separator, is dropped first. Everything else is left to the core.
fn normalise(lang: Lang, raw: &str) -> String {
    let value = raw.trim();
    if lang != Lang::En || value.contains('.') {
        return value.to_owned();
    }
    let digits: String = value
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '€' | '%'))
        .collect();
    let mut groups = digits.trim_start_matches('-').split(',');
    let first = groups.next().unwrap_or_default();
    let grouped = digits.contains(',')
        && (1..=3).contains(&first.len())
        && !first.starts_with('0')
        && first.chars().all(|c| c.is_ascii_digit())
        && groups.all(|g| g.len() == 3 && g.chars().all(|c| c.is_ascii_digit()));
    if grouped {
        value.replace(',', "")
    } else {
        value.to_owned()
    }
}

fn error_message(lang: Lang, field: CostField, error: CostError) -> String {
    let key = format!("cost-calc-error-{}", error.key());
    match error {
        CostError::OutOfRange => {
            let (low, high) = field.range();
            lang.t_args(
                &key,
                &[
                    ("min", lang.number_trimmed(low, 2)),
                    ("max", lang.number_trimmed(high, 2)),
                ],
            )
        }
        _ => lang.t(&key),
    }
}

fn result_view(lang: Lang, inputs: &CostInputs, r: CostOfInaction) -> CostResultView {
    let eur = |v: f64| lang.euros(v);
    let improvement_pct = lang.number_trimmed(inputs.improvement_pct, 2);
    CostResultView {
        savings_title: lang.t_args(
            "cost-calc-savings-title",
            &[("pct", improvement_pct.clone())],
        ),
        raw: r,
        absence_days: lang.number_trimmed(r.absence_days, 1),
        absence_cost: eur(r.absence_cost_eur),
        leavers: lang.number_trimmed(r.leavers, 1),
        turnover_cost: eur(r.turnover_cost_eur),
        total_cost: eur(r.total_cost_eur),
        cost_per_employee: eur(r.cost_per_employee_eur),
        improvement_pct,
        absence_savings: eur(r.absence_savings_eur),
        turnover_savings: eur(r.turnover_savings_eur),
        total_savings: eur(r.total_savings_eur),
    }
}

fn references(lang: Lang) -> Vec<ReferenceView> {
    REFERENCE_FIGURES
        .iter()
        .map(|figure| ReferenceView {
            key: figure.key,
            source: figure.source,
            value: reference_value(lang, figure),
        })
        .collect()
}

/// The figure written out in a sentence from the translations (`cost-calc-refvalue-…`),
/// with `$value`, `$low` and `$high` formatted by the unit of the figure.
fn reference_value(lang: Lang, figure: &ReferenceFigure) -> String {
    let one = |v: f64| {
        if figure.key == cost::COST_PER_ABSENCE_DAY.key {
            lang.euros(v)
        } else if figure.key == cost::WORKING_DAYS_PER_YEAR.key {
            lang.number_trimmed(v, 2)
        } else {
            format!("{}%", lang.number_trimmed(v, 2))
        }
    };
    let mut args = vec![("value", one(figure.value))];
    if let (Some(low), Some(high)) = (figure.low, figure.high) {
        args.push(("low", one(low)));
        args.push(("high", one(high)));
    }
    lang.t_args(&format!("cost-calc-refvalue-{}", figure.key), &args)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn english_thousands_commas() {
        assert_eq!(normalise(Lang::En, "40,000"), "40000");
        assert_eq!(normalise(Lang::En, "€\u{a0}1,234,567"), "€\u{a0}1234567");
        assert_eq!(normalise(Lang::En, "5,5"), "5,5");
        assert_eq!(normalise(Lang::En, "1,234.5"), "1,234.5");
        assert_eq!(normalise(Lang::En, "0,500"), "0,500");
        assert_eq!(normalise(Lang::Nl, "40,000"), "40,000");
    }

    #[test]
    fn defaults_without_a_submission() {
        let c = CostCalculator::from_query(Lang::Nl, "/autonomie-scan", &pairs(&[("x", "1")]));
        assert_eq!(c.action, "/autonomie-scan#kosten");
        assert!(c.result.is_none() && !c.has_errors);
        let values: Vec<_> = c.fields.iter().map(|f| f.value.as_str()).collect();
        assert_eq!(values, ["", "", "5", "250", "220", "", "50", "10"]);
        assert_eq!(c.references.len(), 4);
        assert!(c.references[1].value.contains("€\u{a0}250 tot €\u{a0}405"));
        assert!(c.references[3].value.contains("30% tot 200%"));
    }

    #[test]
    fn a_submission_is_calculated_and_kept() {
        let query = pairs(&[
            ("medewerkers", "20"),
            ("gemiddeld_jaarsalaris", "40.000"),
            ("verloop_percentage", "10"),
            ("verzuimpercentage", "5"),
        ]);
        let c = CostCalculator::from_query(Lang::Nl, "/autonomie-scan", &query);
        let r = c.result.expect("result");
        assert_eq!(r.absence_cost, "€\u{a0}55.000");
        assert_eq!(r.turnover_cost, "€\u{a0}40.000");
        assert_eq!(r.total_cost, "€\u{a0}95.000");
        assert_eq!(r.cost_per_employee, "€\u{a0}4.750");
        assert_eq!(r.total_savings, "€\u{a0}9.500");
        assert_eq!(c.fields[1].value, "40.000");
        // An optional field left out was calculated with its default, and shows it.
        assert_eq!(c.fields[3].value, "250");
    }

    #[test]
    fn errors_are_translated_beside_their_field() {
        let query = pairs(&[
            ("medewerkers", "veel"),
            ("gemiddeld_jaarsalaris", "40000"),
            ("verloop_percentage", "150"),
        ]);
        let c = CostCalculator::from_query(Lang::Nl, "/autonomie-scan", &query);
        assert!(c.has_errors && c.result.is_none());
        assert_eq!(c.fields[0].value, "veel");
        assert!(c.fields[0].error.is_some());
        assert!(c.fields[1].error.is_none());
        let range = c.fields[5].error.as_deref().unwrap();
        assert!(range.contains("100"), "{range}");
    }

    #[test]
    fn prefill_does_not_overwrite_typed_values() {
        let c = CostCalculator::new(Lang::Nl, "/x").prefill(Lang::Nl, CostField::Headcount, 12.0);
        assert_eq!(c.fields[0].value, "12");
        let c = CostCalculator::from_query(Lang::Nl, "/x", &pairs(&[("medewerkers", "8")]))
            .prefill(Lang::Nl, CostField::Headcount, 12.0);
        assert_eq!(c.fields[0].value, "8");
    }
}
