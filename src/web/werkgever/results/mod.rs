//! Employer area: the results of a scan, as a page, a printable report and a CSV file, and
//! the "vraag hulp" request that shares the visible totals with HRnexus.
//!
//! Everything goes through [`view::build`], which applies the anonymity rules of
//! `hrnexus_core::scan::anonymity` once: a hidden group reaches the templates and the CSV
//! without any figures, so they cannot show one.

pub mod format;

use crate::web::cost_calculator::CostCalculator;
use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Router,
    extract::{Path, Query, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use chrono::{Datelike, NaiveDate};
use hrnexus_core::cost::CostField;
use hrnexus_core::scan::{
    Aspect, Band, Trend, TrendLabel,
    score::{
        BAND_GOOD_BELOW_UNFAVOURABLE_PCT, BAND_GOOD_MIN_FAVOURABLE_PCT,
        BAND_WERK_BELOW_FAVOURABLE_PCT, BAND_WERK_MIN_UNFAVOURABLE_PCT,
        SIGNAL_CONCERN_MIN_ADVERSE_PCT,
    },
    trend::{MIN_RELEVANT_DIFFERENCE, PAGE_CONFIDENCE_PCT},
};
use serde::Deserialize;

use self::format::{Num, csv_separator, csv_text};
use super::Employer;
use crate::services::results::{
    self as view, IndexChange, Pending, Release, ResultsView, trend_chart,
};
use crate::{
    i18n::Lang,
    storage::Scan,
    web::{AppState, error::WebError, page::Page},
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/scans/{id}/resultaten", get(results_page))
        .route("/scans/{id}/resultaten.csv", get(results_csv))
        .route("/scans/{id}/rapport.pdf", get(report_pdf))
        .route("/scans/{id}/rapport", get(report_page))
}

#[derive(Debug, Default, Deserialize)]
pub struct RoundQuery {
    #[serde(default)]
    ronde: Option<String>,
}

/// `?ronde=N`: `Ok(None)` for the latest round, an error for anything that is not a number.
fn round_number(raw: Option<&str>) -> Result<Option<i32>, WebError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(text) => text
            .parse::<i32>()
            .map(Some)
            .map_err(|_| WebError::NotFound),
    }
}

/// The scan, when it exists and belongs to this employer; 404 otherwise (also for someone
/// else's scan, so that ids of other employers' scans cannot be probed).
async fn own_scan(state: &AppState, employer: &Employer, id: &str) -> Result<Scan, WebError> {
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    match state.store.scan_by_id(id).await? {
        Some(scan) if scan.is_owned_by(employer.owner()) => Ok(scan),
        _ => Err(WebError::NotFound),
    }
}

/// A round's results, or only its progress while it is open.
enum Shown {
    Results(Box<ResultsView>),
    Pending(Box<Pending>),
}

async fn results_view(
    state: &AppState,
    employer: &Employer,
    id: &str,
    round: Option<&str>,
) -> Result<Shown, WebError> {
    let scan = own_scan(state, employer, id).await?;
    let round = round_number(round)?;
    Ok(
        match view::load(&*state.store, scan, round)
            .await?
            .ok_or(WebError::NotFound)?
        {
            Release::Final(loaded) => Shown::Results(Box::new(view::build(loaded))),
            Release::Pending(pending) => Shown::Pending(Box::new(pending)),
        },
    )
}

/// Shown instead of results while a round is open: the total so far, and why no more.
#[derive(Template, WebTemplate)]
#[template(path = "werkgever/results_pending.html")]
pub struct PendingPage {
    p: Page,
    n: Num,
    w: Words,
    pending: Pending,
    /// When the results appear without closing by hand.
    when: String,
    rate: Option<u32>,
}

fn pending_page(p: Page, status: StatusCode, pending: Box<Pending>) -> Response {
    let appear_on = pending
        .round
        .closes_on
        .succ_opt()
        .unwrap_or(pending.round.closes_on);
    let when = p.t_args(
        "results-pending-when",
        &[("date", p.lang.date_long(appear_on))],
    );
    let rate = pending.progress.rate_percent();
    private(
        status,
        PendingPage {
            n: Num::new(p.lang),
            w: Words::new(p.lang),
            p,
            pending: *pending,
            when,
            rate,
        },
    )
}

/// Wording helpers for templates: messages with arguments, dates, labels of stored codes.
#[derive(Debug, Clone, Copy)]
pub struct Words {
    lang: Lang,
    n: Num,
}

impl Words {
    pub fn new(lang: Lang) -> Self {
        Self {
            lang,
            n: Num::new(lang),
        }
    }

    fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }

    fn args(&self, key: &str, args: &[(&'static str, String)]) -> String {
        self.lang.t_args(key, args)
    }

    pub fn date(&self, date: &NaiveDate) -> String {
        self.lang.date_long(*date)
    }

    pub fn aspect(&self, aspect: &Aspect) -> String {
        self.t(&format!("results-aspect-{}", aspect.key()))
    }

    pub fn band(&self, band: &Band) -> String {
        self.t(&format!("results-band-{}", band.key()))
    }

    pub fn band_key(&self, key: &str) -> String {
        self.t(&format!("results-band-{key}"))
    }

    pub fn answer(&self, key: &str) -> String {
        self.t(&format!("results-answer-{key}"))
    }

    pub fn round(&self, number: &i32) -> String {
        self.args("results-round-n", &[("number", number.to_string())])
    }

    pub fn group_name(&self, name: &Option<String>) -> String {
        name.clone().unwrap_or_else(|| self.t("results-whole"))
    }

    pub fn responses(&self, count: &u32) -> String {
        self.args("results-responses-n", &[("count", self.n.int(count))])
    }

    pub fn response_rate(&self, rate: &Option<f64>, responses: &u32, invited: &i32) -> String {
        self.args(
            "results-rate-of",
            &[
                ("rate", self.n.pct(rate)),
                ("count", self.n.int(responses)),
                ("invited", self.n.int(&u32::try_from(*invited).unwrap_or(0))),
            ],
        )
    }

    pub fn index_of(&self, index: &Option<f64>) -> String {
        self.args("results-index-value", &[("index", self.n.index(index))])
    }

    pub fn trend_label(&self, label: &TrendLabel) -> String {
        self.t(&format!("results-trend-{}", label.key()))
    }

    pub fn interval(&self, trend: &Trend) -> String {
        self.args(
            "results-trend-interval",
            &[
                ("low", self.n.signed(&trend.ci_low)),
                ("high", self.n.signed(&trend.ci_high)),
            ],
        )
    }

    pub fn trend_chart_title(&self, aspect: &Aspect) -> String {
        self.args(
            "results-trend-chart-title",
            &[("aspect", self.aspect(aspect))],
        )
    }

    pub fn action(&self, key: &str) -> String {
        self.t(&format!("results-action-{key}"))
    }

    pub fn action_detail(&self, key: &str) -> String {
        self.t(&format!("results-action-{key}-detail"))
    }

    pub fn category(&self, key: &str) -> String {
        self.t(&format!("results-category-{key}"))
    }

    pub fn signal(&self, key: &str) -> String {
        self.t(&format!("results-signal-{key}"))
    }

    /// The threshold and anonymity explanations, with the numbers from the domain core
    /// so that the page can never disagree with the rules actually applied.
    pub fn explain_good(&self) -> String {
        self.args(
            "results-explain-band-good",
            &[
                ("fav", BAND_GOOD_MIN_FAVOURABLE_PCT.to_string()),
                ("unfav", BAND_GOOD_BELOW_UNFAVOURABLE_PCT.to_string()),
            ],
        )
    }

    pub fn explain_werk(&self) -> String {
        self.args(
            "results-explain-band-werk",
            &[
                ("fav", BAND_WERK_BELOW_FAVOURABLE_PCT.to_string()),
                ("unfav", BAND_WERK_MIN_UNFAVOURABLE_PCT.to_string()),
            ],
        )
    }

    pub fn explain_signals(&self) -> String {
        self.args(
            "results-explain-signals",
            &[("pct", SIGNAL_CONCERN_MIN_ADVERSE_PCT.to_string())],
        )
    }

    /// The one-sentence rule behind "stijgend" and "dalend", with the core's numbers.
    pub fn trend_method(&self) -> String {
        self.args(
            "results-trend-method",
            &[
                ("min", self.n.one(&MIN_RELEVANT_DIFFERENCE)),
                ("confidence", PAGE_CONFIDENCE_PCT.to_string()),
            ],
        )
    }

    pub fn explain_groups(&self, min_group: u32) -> String {
        self.args(
            "results-explain-anon-groups",
            &[("k", min_group.to_string())],
        )
    }

    pub fn explain_comments(&self, min_comments: u32) -> String {
        self.args(
            "results-explain-anon-comments",
            &[("k", min_comments.to_string())],
        )
    }

    pub fn summary_hidden(&self, min_group: u32) -> String {
        self.args("results-summary-hidden", &[("k", min_group.to_string())])
    }

    /// "8 punten hoger dan in ronde 1 (toen 56)", or "gelijk aan ronde 1".
    pub fn index_change(&self, change: &IndexChange) -> String {
        let key = match change.change.signum() {
            1 => "results-index-change-up",
            -1 => "results-index-change-down",
            _ => "results-index-change-same",
        };
        self.args(
            key,
            &[
                ("points", change.change.abs().to_string()),
                ("round", change.previous_round.to_string()),
                ("previous", change.previous.to_string()),
            ],
        )
    }

    /// Where a priority applies: "in de hele scan" or "bij Bakkerij".
    pub fn priority_where(&self, name: &Option<String>) -> String {
        match name {
            None => self.t("results-priority-whole"),
            Some(name) => self.args("results-priority-department", &[("name", name.clone())]),
        }
    }

    /// "29% positief. Eerste stap: …"
    pub fn priority_detail(&self, favourable_pct: &f64, action: &str) -> String {
        self.args(
            "results-priority-detail",
            &[
                ("pct", self.n.pct(&Some(*favourable_pct))),
                ("action", self.action(action)),
            ],
        )
    }

    /// "2 onderwerpen om aan te werken".
    pub fn topics_to_improve(&self, count: usize) -> String {
        let key = if count == 1 {
            "results-department-topics-one"
        } else {
            "results-department-topics"
        };
        self.args(key, &[("count", count.to_string())])
    }

    /// The symbol that carries a band without colour (the legend explains it).
    pub fn band_symbol(&self, key: &str) -> &'static str {
        match key {
            "good" => "✓",
            "attention" => "!",
            "werk_aan_de_winkel" => "!!",
            _ => "",
        }
    }

    /// The indentation class for nested departments.
    pub fn depth_class(&self, depth: &usize) -> &'static str {
        view::depth_class(*depth)
    }

    /// A round's closing date on the trend chart's axis: "nov 2026".
    pub fn axis_date(&self, date: &NaiveDate) -> String {
        let month = self.t(&format!("month-short-{}", date.month()));
        format!("{month} {}", date.year())
    }

    pub fn changes_title(&self, previous: &i32, current: &i32) -> String {
        self.args(
            "results-trend-changes-title",
            &[
                ("previous", previous.to_string()),
                ("current", current.to_string()),
            ],
        )
    }
}

/// Chart geometry the templates need.
pub struct Chart;

impl Chart {
    pub fn width(&self) -> f64 {
        trend_chart::WIDTH
    }
    pub fn height(&self) -> f64 {
        trend_chart::HEIGHT
    }
    pub fn left(&self) -> f64 {
        trend_chart::LEFT
    }
    pub fn right(&self) -> f64 {
        trend_chart::RIGHT
    }
    pub fn bottom(&self) -> f64 {
        trend_chart::BOTTOM
    }
    pub fn label_x(&self) -> f64 {
        trend_chart::LEFT - 10.0
    }
    pub fn middle(&self) -> f64 {
        (trend_chart::LEFT + trend_chart::RIGHT) / 2.0
    }
    pub fn round_label_y(&self) -> f64 {
        trend_chart::BOTTOM + 18.0
    }
    pub fn date_label_y(&self) -> f64 {
        trend_chart::BOTTOM + 31.0
    }
    pub fn axis_label_y(&self) -> f64 {
        trend_chart::BOTTOM + 50.0
    }
    pub fn grid(&self) -> Vec<(u8, String)> {
        trend_chart::grid()
    }
    /// Colour of an answer in the stacked bar (red for disagreeing, grey neutral, blue for
    /// agreeing: readable for the common colour-vision deficiencies; the text beside every
    /// chart carries the same numbers).
    pub fn fill(&self, answer: &str) -> &'static str {
        match answer {
            "1" => "#b2182b",
            "2" => "#ef8a62",
            "3" => "#bababa",
            "4" => "#67a9cf",
            "5" => "#2166ac",
            _ => "#ffffff",
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "werkgever/results.html")]
pub struct ResultsPage {
    p: Page,
    n: Num,
    w: Words,
    chart: Chart,
    v: ResultsView,
    /// The cost of doing nothing, prefilled with the scan's headcount.
    cost: CostCalculator,
}

impl ResultsPage {
    /// Departments start folded on the page: the overview comes first.
    fn expand_groups(&self) -> bool {
        false
    }

    /// The results address of this scan with the shown round, plus `suffix`.
    fn link(&self, path: &str) -> String {
        link(&self.p, &self.v, path)
    }

    /// The contact form, pre-filled with the aspects that need work and the categories
    /// that fit them: domain keys only, nothing about any employee.
    pub fn help_link(&self) -> String {
        let mut query: Vec<String> = Vec::new();
        if let Some(advice) = &self.v.advice {
            for a in &advice.aspects {
                query.push(format!("aspect={}", a.aspect.key()));
            }
            for c in &advice.categories {
                query.push(format!("categorie={}", c.key()));
            }
        }
        let contact = self.p.href("/contact");
        if query.is_empty() {
            contact
        } else {
            format!("{contact}?{}#formulier", query.join("&"))
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "werkgever/results_report.html")]
pub struct ReportPage {
    p: Page,
    n: Num,
    w: Words,
    chart: Chart,
    v: ResultsView,
}

impl ReportPage {
    /// The printable report shows every department's figures.
    fn expand_groups(&self) -> bool {
        true
    }

    fn link(&self, path: &str) -> String {
        link(&self.p, &self.v, path)
    }
}

fn link(p: &Page, v: &ResultsView, path: &str) -> String {
    let base = p.href(&format!("/werkgever/scans/{}/{path}", v.scan_id));
    if v.is_latest {
        base
    } else {
        format!("{base}?ronde={}", v.round.number)
    }
}

/// Results hold figures about people: never kept in a shared cache.
fn private<T: IntoResponse>(status: StatusCode, body: T) -> Response {
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    response
}

/// The calculator on a results page: the headcount is the number invited (or, with a shared
/// link, the number of responses) unless the employer typed another.
fn cost_calculator(p: &Page, v: &ResultsView, query: &[(String, String)]) -> CostCalculator {
    let path = link(p, v, "resultaten");
    let path = path.split('?').next().unwrap_or(&path);
    let headcount = if v.round.invited > 0 {
        v.round.invited as f64
    } else {
        f64::from(v.responses)
    };
    let keep = if v.is_latest {
        Vec::new()
    } else {
        vec![("ronde".to_owned(), v.round.number.to_string())]
    };
    CostCalculator::from_query(p.lang, path, query)
        .keep(keep)
        .prefill(p.lang, CostField::Headcount, headcount)
        .next_steps(vec![
            ("cost-calc-next-advice", "#advies".to_owned()),
            ("cost-calc-next-help-results", "#hulp".to_owned()),
        ])
}

pub async fn results_page(
    employer: Employer,
    p: Page,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let round = query
        .iter()
        .find(|(k, _)| k == "ronde")
        .map(|(_, v)| v.as_str());
    let v = match results_view(&state, &employer, &id, round).await? {
        Shown::Results(v) => *v,
        Shown::Pending(pending) => return Ok(pending_page(p, StatusCode::OK, pending)),
    };
    let cost = cost_calculator(&p, &v, &query);
    // Switching language keeps the round shown and a calculated cost.
    let mut p = p;
    let pairs = cost.switch_pairs(p.lang.other());
    if !pairs.is_empty() {
        p.keep_on_switch(&pairs, "kosten");
    } else if !v.is_latest {
        p.keep_on_switch(&[("ronde".to_owned(), v.round.number.to_string())], "");
    }
    Ok(private(
        StatusCode::OK,
        ResultsPage {
            n: Num::new(p.lang),
            w: Words::new(p.lang),
            chart: Chart,
            p,
            v,
            cost,
        },
    ))
}

pub async fn report_page(
    employer: Employer,
    p: Page,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<RoundQuery>,
) -> Result<Response, WebError> {
    let v = match results_view(&state, &employer, &id, query.ronde.as_deref()).await? {
        Shown::Results(v) => *v,
        Shown::Pending(pending) => return Ok(pending_page(p, StatusCode::CONFLICT, pending)),
    };
    Ok(private(
        StatusCode::OK,
        ReportPage {
            n: Num::new(p.lang),
            w: Words::new(p.lang),
            chart: Chart,
            p,
            v,
        },
    ))
}

pub async fn results_csv(
    employer: Employer,
    p: Page,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<RoundQuery>,
) -> Result<Response, WebError> {
    let v = match results_view(&state, &employer, &id, query.ronde.as_deref()).await? {
        Shown::Results(v) => *v,
        Shown::Pending(pending) => return Ok(pending_page(p, StatusCode::CONFLICT, pending)),
    };
    let body = csv(&v, p.lang);
    let filename = format!(
        "autonomie-scan-{}-{}-{}.csv",
        v.scan_id,
        p.t("results-csv-file-round"),
        v.round.number
    );
    let mut response = private(StatusCode::OK, body);
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

/// The branded PDF report (`crate::report`): the same view, so the same anonymity rules.
pub async fn report_pdf(
    employer: Employer,
    p: Page,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<RoundQuery>,
) -> Result<Response, WebError> {
    let v = match results_view(&state, &employer, &id, query.ronde.as_deref()).await? {
        Shown::Results(v) => *v,
        Shown::Pending(pending) => return Ok(pending_page(p, StatusCode::CONFLICT, pending)),
    };
    let body = crate::report::pdf(&v, p.lang);
    let filename = crate::report::file_name(v.scan_id, v.round.number, p.lang);
    let mut response = private(StatusCode::OK, body);
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

/// The aggregates of the visible groups: one line per group and aspect. Starts with a
/// byte-order mark so that spreadsheet programs read the accents right.
pub fn csv(v: &ResultsView, lang: Lang) -> String {
    let n = Num::new(lang);
    let w = Words::new(lang);
    let sep = csv_separator(lang);
    let mut out = String::from("\u{feff}");
    let header: Vec<String> = [
        "group",
        "aspect",
        "n",
        "mean",
        "favourable",
        "unfavourable",
        "1",
        "2",
        "3",
        "4",
        "5",
        "weet_niet",
        "band",
    ]
    .iter()
    .map(|k| csv_text(&lang.t(&format!("results-csv-{k}"))))
    .collect();
    out.push_str(&header.join(sep));
    out.push_str("\r\n");
    for group in v.groups() {
        let Some(figures) = &group.figures else {
            continue;
        };
        let name = w.group_name(&group.name);
        for row in &figures.aspects {
            let s = &row.stats;
            let d = &s.distribution;
            let number = |x: Option<f64>, decimals: u32| {
                csv_text(&x.map(|x| n.fixed(x, decimals)).unwrap_or_default())
            };
            let mut fields = vec![
                csv_text(&name),
                csv_text(&w.aspect(&row.aspect)),
                csv_text(&s.answered.to_string()),
                number(s.mean, 2),
                number(s.favourable_pct, 1),
                number(s.unfavourable_pct, 1),
            ];
            fields.extend(d.counts.iter().map(|c| csv_text(&c.to_string())));
            fields.push(csv_text(&d.dont_know.to_string()));
            fields.push(csv_text(&s.band.map(|b| w.band(&b)).unwrap_or_default()));
            out.push_str(&fields.join(sep));
            out.push_str("\r\n");
        }
    }
    out
}
