//! The branded PDF report of a round's results, made by the binary itself (no browser, no
//! external program).
//!
//! [`Report::from_view`] turns a [`ResultsView`] (already through the anonymity rules) and a
//! language into a small model of words and figures; [`pdf::render`] lays that model out on
//! 2–4 A4 pages. The model only ever takes what the view holds: a department without figures
//! is counted in one sentence and never named, and comments are not in the report at all.

pub mod pdf;
mod text;

use hrnexus_core::scan::{
    Aspect, Band,
    score::{
        BAND_GOOD_BELOW_UNFAVOURABLE_PCT, BAND_GOOD_MIN_FAVOURABLE_PCT,
        BAND_WERK_BELOW_FAVOURABLE_PCT, BAND_WERK_MIN_UNFAVOURABLE_PCT,
    },
};

use crate::i18n::Lang;
use crate::services::results::ResultsView;

/// At most this many priorities are listed.
pub const MAX_PRIORITIES: usize = 3;

/// Everything the PDF shows, in words, in one language.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// Document title ("Rapport autonomie-scan"), in the header and the PDF's metadata.
    pub title: String,
    pub organisation: String,
    /// The scan's name (its team); may be empty.
    pub scan_name: String,
    /// Label and value: round, period, responses, response rate, index.
    pub facts: Vec<(String, String)>,
    pub priorities: Priorities,
    pub overview: Overview,
    pub advice: AdviceSection,
    pub trend: TrendSection,
    /// Footer: the anonymity rule (the page numbers are worded by the layout).
    pub footer_rule: String,
    /// For numbers in the layout and the PDF's language tag.
    pub lang: Lang,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Priorities {
    pub title: String,
    /// The intro, or why there is nothing to list.
    pub intro: String,
    pub items: Vec<Priority>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Priority {
    pub aspect: String,
    pub band: Band,
    pub band_word: String,
    /// "48% positief, 31% negatief".
    pub figures: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Overview {
    pub title: String,
    pub intro: String,
    pub group_label: String,
    /// The five aspect names, in questionnaire order.
    pub aspects: Vec<String>,
    /// The whole scan first (when visible), then each visible department.
    pub rows: Vec<OverviewRow>,
    /// Why some groups (or all) show no figures; never names them.
    pub notes: Vec<String>,
    /// Each band with its word and when it applies, best first.
    pub legend: Vec<(Band, String, String)>,
    pub legend_title: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OverviewRow {
    pub name: String,
    /// "12 reacties · index 63".
    pub detail: String,
    /// 0 for the whole scan and top-level departments.
    pub depth: usize,
    pub cells: Vec<Cell>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// `None`: nobody gave a scored answer.
    pub band: Option<Band>,
    pub word: String,
    /// "72% positief", or empty.
    pub figure: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AdviceSection {
    pub title: String,
    pub intro: String,
    pub actions_title: String,
    /// An action and its explanation.
    pub actions: Vec<(String, String)>,
    pub providers_title: String,
    pub providers: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TrendSection {
    pub title: String,
    pub intro: String,
    /// Empty with a single round: then `intro` says so.
    pub rounds: Vec<RoundFigures>,
    pub round_label: String,
    pub index_label: String,
    pub aspects: Vec<String>,
}

/// The whole scan in one round; `None` where that round had too few responses.
#[derive(Debug, Clone, PartialEq)]
pub struct RoundFigures {
    pub label: String,
    pub number: i32,
    pub index: Option<f64>,
    /// Means per aspect, in questionnaire order.
    pub means: Vec<Option<f64>>,
}

impl Report {
    /// The report of `view` in `lang`. Pure.
    pub fn from_view(v: &ResultsView, lang: Lang) -> Report {
        let t = |key: &str| lang.t(key);
        let aspect = |a: Aspect| t(&format!("results-aspect-{}", a.key()));
        let band_word = |b: Band| t(&format!("results-band-{}", b.key()));
        let pct = |x: Option<f64>| {
            x.map_or_else(|| "–".to_owned(), |x| format!("{}%", lang.number(x, 0)))
        };
        let min_group = v.policy.min_group();

        let mut facts = vec![(
            t("results-round"),
            if v.is_latest {
                round_name(lang, v.round.number)
            } else {
                format!(
                    "{} ({})",
                    round_name(lang, v.round.number),
                    t("results-not-latest")
                )
            },
        )];
        facts.push((
            t("results-period"),
            format!(
                "{} – {}",
                lang.date_long(v.round.opened_on),
                lang.date_long(v.round.closes_on)
            ),
        ));
        facts.push((
            t("results-responses"),
            lang.number(f64::from(v.responses), 0),
        ));
        if v.round.invited > 0 {
            facts.push((
                t("results-rate"),
                lang.t_args(
                    "results-rate-of",
                    &[
                        ("rate", pct(v.response_rate)),
                        ("count", lang.number(f64::from(v.responses), 0)),
                        ("invited", lang.number(f64::from(v.round.invited), 0)),
                    ],
                ),
            ));
        }
        if let Some(index) = v.whole.figures.as_ref().and_then(|f| f.stats.index) {
            facts.push((
                t("results-index"),
                lang.t_args("results-index-value", &[("index", lang.number(index, 0))]),
            ));
        }

        // Priorities: the same three the results page opens with (`core::scan::priority`).
        let priorities = if v.any_visible() {
            let items: Vec<Priority> = v
                .overview
                .priorities
                .iter()
                .take(MAX_PRIORITIES)
                .map(|p| Priority {
                    aspect: match &p.name {
                        None => aspect(p.aspect),
                        Some(name) => format!(
                            "{} ({})",
                            aspect(p.aspect),
                            lang.t_args("results-priority-department", &[("name", name.clone())])
                        ),
                    },
                    band: p.band,
                    band_word: band_word(p.band),
                    figures: lang.t_args(
                        "results-priority-detail",
                        &[
                            ("pct", pct(Some(p.favourable_pct))),
                            (
                                "action",
                                lang.t(&format!("results-action-{}", p.first_action.key())),
                            ),
                        ],
                    ),
                })
                .collect();
            Priorities {
                title: t("report-priorities-title"),
                intro: if items.is_empty() {
                    t("report-priorities-none")
                } else {
                    t("report-priorities-intro")
                },
                items,
            }
        } else {
            Priorities {
                title: t("report-priorities-title"),
                intro: lang.t_args("results-summary-hidden", &[("k", min_group.to_string())]),
                items: Vec::new(),
            }
        };

        // Overview: only groups with figures; the others are counted, never named.
        let mut rows = Vec::new();
        for g in v.groups() {
            let Some(f) = &g.figures else { continue };
            let name = g.name.clone().unwrap_or_else(|| t("results-whole"));
            let mut detail = lang.t_args(
                "results-responses-n",
                &[("count", lang.number(f64::from(f.responses), 0))],
            );
            if let Some(index) = f.stats.index {
                detail = lang.t_args(
                    "report-group-detail",
                    &[("responses", detail), ("index", lang.number(index, 0))],
                );
            }
            rows.push(OverviewRow {
                name,
                detail,
                depth: if g.is_whole() { 0 } else { g.depth },
                cells: f
                    .aspects
                    .iter()
                    .map(|row| Cell {
                        band: row.stats.band,
                        word: row
                            .stats
                            .band
                            .map_or_else(|| t("report-band-none"), band_word),
                        figure: row.stats.favourable_pct.map_or_else(String::new, |p| {
                            lang.t_args(
                                "report-cell-favourable",
                                &[("pct", format!("{}%", lang.number(p, 0)))],
                            )
                        }),
                    })
                    .collect(),
            });
        }
        let mut notes = Vec::new();
        if v.whole.figures.is_none() {
            notes.push(lang.t_args("results-summary-hidden", &[("k", min_group.to_string())]));
        }
        let hidden = v.departments.iter().filter(|d| d.figures.is_none()).count();
        if hidden > 0 && v.whole.figures.is_some() {
            notes.push(lang.t_args(
                "report-hidden-departments",
                &[("count", hidden.to_string()), ("k", min_group.to_string())],
            ));
        }
        let overview = Overview {
            title: t("report-overview-title"),
            intro: t("report-overview-intro"),
            group_label: t("report-overview-group"),
            aspects: Aspect::ALL.into_iter().map(aspect).collect(),
            rows,
            notes,
            legend: Band::ALL
                .into_iter()
                .map(|b| (b, band_word(b), band_rule(lang, b)))
                .collect(),
            legend_title: t("report-legend"),
        };

        let advice = match &v.advice {
            None => AdviceSection {
                title: t("results-advice-title"),
                intro: t("results-advice-hidden"),
                actions_title: String::new(),
                actions: Vec::new(),
                providers_title: String::new(),
                providers: Vec::new(),
            },
            Some(a) => AdviceSection {
                title: t("results-advice-title"),
                intro: if a.is_empty() {
                    t("results-advice-none")
                } else {
                    t("report-advice-intro")
                },
                actions_title: t("results-advice-actions"),
                actions: a
                    .actions
                    .iter()
                    .map(|x| {
                        (
                            t(&format!("results-action-{}", x.key())),
                            t(&format!("results-action-{}-detail", x.key())),
                        )
                    })
                    .collect(),
                providers_title: t("results-advice-providers"),
                providers: a
                    .categories
                    .iter()
                    .map(|c| t(&format!("results-category-{}", c.key())))
                    .collect(),
            },
        };

        let rounds: Vec<RoundFigures> = v
            .trend
            .as_ref()
            .map(|trend| {
                trend
                    .numbers
                    .iter()
                    .enumerate()
                    .map(|(i, number)| {
                        let means: Vec<Option<f64>> = Aspect::ALL
                            .into_iter()
                            .map(|a| {
                                trend
                                    .series
                                    .iter()
                                    .find(|s| s.aspect == a)
                                    .and_then(|s| s.points.get(i))
                                    .and_then(|p| p.mean)
                            })
                            .collect();
                        RoundFigures {
                            label: round_name(lang, *number),
                            number: *number,
                            index: index_of_means(&means),
                            means,
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        let trend = TrendSection {
            title: t("results-trend-title"),
            intro: if rounds.len() > 1 {
                t("report-trend-intro")
            } else {
                t("results-trend-first-round")
            },
            rounds,
            round_label: t("results-round"),
            index_label: t("results-index"),
            aspects: Aspect::ALL.into_iter().map(aspect).collect(),
        };

        Report {
            title: t("results-report-title"),
            organisation: v.organisation.clone(),
            scan_name: v.team.clone(),
            facts,
            priorities,
            overview,
            advice,
            trend,
            footer_rule: lang.t_args("report-footer-rule", &[("k", min_group.to_string())]),
            lang,
        }
    }
}

/// When a band applies, with the core's thresholds.
fn band_rule(lang: Lang, band: Band) -> String {
    match band {
        Band::Good => lang.t_args(
            "results-explain-band-good",
            &[
                ("fav", BAND_GOOD_MIN_FAVOURABLE_PCT.to_string()),
                ("unfav", BAND_GOOD_BELOW_UNFAVOURABLE_PCT.to_string()),
            ],
        ),
        Band::Attention => lang.t("results-explain-band-attention"),
        Band::WerkAanDeWinkel => lang.t_args(
            "results-explain-band-werk",
            &[
                ("fav", BAND_WERK_BELOW_FAVOURABLE_PCT.to_string()),
                ("unfav", BAND_WERK_MIN_UNFAVOURABLE_PCT.to_string()),
            ],
        ),
    }
}

/// "ronde 2" → "Ronde 2": the round as a label of its own.
fn round_name(lang: Lang, number: i32) -> String {
    let text = lang.t_args("results-round-n", &[("number", number.to_string())]);
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => text,
    }
}

/// The autonomy index of a round from its aspect means, as the core computes it for the
/// whole scan: each mean on 0–100 (`(mean − 1) / 4 × 100`), averaged over the aspects that
/// have one.
fn index_of_means(means: &[Option<f64>]) -> Option<f64> {
    let shown: Vec<f64> = means
        .iter()
        .flatten()
        .map(|m| (m - 1.0) / 4.0 * 100.0)
        .collect();
    (!shown.is_empty()).then(|| shown.iter().sum::<f64>() / shown.len() as f64)
}

/// The PDF of `view` in `lang`.
pub fn pdf(view: &ResultsView, lang: Lang) -> Vec<u8> {
    pdf::render(&Report::from_view(view, lang))
}

/// The download's file name, from parsed values only: `autonomie-scan-12-ronde-2.pdf`.
pub fn file_name(scan_id: i64, round: i32, lang: Lang) -> String {
    let word: String = lang
        .t("results-csv-file-round")
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    format!("autonomie-scan-{scan_id}-{word}-{round}.pdf")
}

#[cfg(test)]
mod tests;
