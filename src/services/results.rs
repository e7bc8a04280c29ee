//! The results of a round, decided in one place for the pages, the report, the CSV and
//! the API.
//!
//! [`load`] fetches everything with a fixed number of queries (the answer counts arrive
//! already aggregated per department from SQL); [`build`] is pure and turns that into a
//! [`ResultsView`] in which a group the anonymity rules hide has *no figures at all*: its
//! `figures` is `None`, so no template, CSV or JSON can show a number for it by accident.
//!
//! The rules themselves live in `hrnexus_core::scan::anonymity` (thresholds, hidden
//! subtrees, subtraction protection, comments) and `hrnexus_core::scan::release` (figures
//! only once a round is closed); this module only applies them. [`load`] decides the release
//! before it reads a single count: an open round yields [`Release::Pending`], which carries
//! nothing but the round's total progress.

use std::collections::HashMap;

use hrnexus_core::scan::{
    Action, Advice, AnonymityPolicy, Answer, Aspect, AspectStats, Band, DepartmentNode, GroupId,
    Progress, ScanCounts, ScanStats, Signal, SignalStats, Trend, Visibility, advise, compare_page,
    priorities, response_rate,
};
use serde_json::json;

use super::ServiceError;
use crate::storage::{Department, GroupCounts, Round, Scan, ScanStore, StoredComment};

/// The trend chart shows at most this many rounds (the selected one and those before it).
pub const MAX_TREND_ROUNDS: usize = 8;

/// Everything [`build`] needs, as stored.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub scan: Scan,
    pub departments: Vec<Department>,
    /// All rounds of the scan, oldest first.
    pub rounds: Vec<Round>,
    /// The selected round: an index into `rounds`.
    pub selected: usize,
    /// Counts of the selected round and up to `MAX_TREND_ROUNDS - 1` rounds before it,
    /// oldest first; the last entry belongs to the selected round.
    pub history: Vec<(usize, Vec<GroupCounts>)>,
    /// Comments of the selected round.
    pub comments: Vec<StoredComment>,
}

/// A round's results, or, while it is open, only how far it has got.
#[derive(Debug, Clone)]
pub enum Release {
    Final(Loaded),
    Pending(Pending),
}

/// What an open round may show: one total, and which earlier rounds have results.
#[derive(Debug, Clone)]
pub struct Pending {
    pub scan: Scan,
    pub round: Round,
    pub progress: Progress,
    /// Numbers of the closed rounds, oldest first.
    pub released_rounds: Vec<i32>,
}

impl Pending {
    fn of(scan: Scan, rounds: &[Round], selected: usize, today: chrono::NaiveDate) -> Pending {
        let round = rounds[selected].clone();
        Pending {
            progress: Progress {
                responses: round.responses.clamp(0, i64::from(u32::MAX)) as u32,
                invited: (!round.shared_link || round.invited > 0)
                    .then_some(round.invited.max(0) as u32),
            },
            released_rounds: rounds
                .iter()
                .filter(|r| r.state(today).is_released())
                .map(|r| r.number)
                .collect(),
            scan,
            round,
        }
    }
}

/// Loads a scan's results for round number `round` (the latest when `None`).
/// `Ok(None)` when there is no such round. Ownership is checked by the caller.
///
/// Figures of a round are read only once it is closed, and only after it is sealed, so
/// every view of a round shows the same figures.
pub async fn load(
    store: &dyn ScanStore,
    scan: Scan,
    round: Option<i32>,
) -> Result<Option<Release>, ServiceError> {
    let today = crate::i18n::today();
    let (mut rounds, departments) =
        tokio::try_join!(store.rounds(scan.id), store.departments(scan.id))?;
    let selected = match round {
        Some(number) => rounds.iter().position(|r| r.number == number),
        None => rounds.len().checked_sub(1),
    };
    let Some(selected) = selected else {
        return Ok(None);
    };
    if !rounds[selected].state(today).is_released() {
        return Ok(Some(Release::Pending(Pending::of(
            scan, &rounds, selected, today,
        ))));
    }
    let first = (selected + 1).saturating_sub(MAX_TREND_ROUNDS);
    // A round that closed by its date since anyone last looked is sealed before it is read.
    let mut resealed = false;
    for round in &rounds[first..=selected] {
        if round.sealed_at.is_none() {
            resealed |= store
                .seal_round(round.id, crate::storage::now(), today)
                .await?;
        }
    }
    if resealed {
        rounds = store.rounds(scan.id).await?;
    }
    let earlier = async {
        let mut earlier = Vec::with_capacity(selected - first);
        for (index, round) in rounds.iter().enumerate().take(selected).skip(first) {
            earlier.push((index, store.round_counts(round.id).await?));
        }
        Ok::<_, crate::storage::StorageError>(earlier)
    };
    let round_id = rounds[selected].id;
    let (mut history, current, comments) = tokio::try_join!(
        earlier,
        store.round_counts(round_id),
        store.round_comments(round_id)
    )?;
    history.push((selected, current));
    Ok(Some(Release::Final(Loaded {
        scan,
        departments,
        rounds,
        selected,
        history,
        comments,
    })))
}

/// One round's counts with the anonymity decision applied.
struct Evaluated {
    total: u32,
    /// Counts per department as placed directly (`None`: no department).
    direct: HashMap<Option<i64>, ScanCounts>,
    /// `None` when the stored tree is inconsistent: then nothing is shown.
    visibility: Option<Visibility>,
}

impl Evaluated {
    fn new(policy: &AnonymityPolicy, departments: &[Department], counts: &[GroupCounts]) -> Self {
        let total = counts.iter().map(|g| g.counts.responses).sum();
        let direct: HashMap<Option<i64>, ScanCounts> =
            counts.iter().map(|g| (g.department_id, g.counts)).collect();
        let nodes: Vec<DepartmentNode> = departments
            .iter()
            .map(|d| DepartmentNode {
                id: d.id,
                parent_id: d.parent_id,
                responses: direct.get(&Some(d.id)).map_or(0, |c| c.responses),
            })
            .collect();
        let visibility = match policy.evaluate(total, &nodes) {
            Ok(visibility) => Some(visibility),
            Err(err) => {
                tracing::error!(error = %err, "department tree of a scan is inconsistent; results hidden");
                None
            }
        };
        Self {
            total,
            direct,
            visibility,
        }
    }

    fn is_visible(&self, group: GroupId) -> bool {
        self.visibility
            .as_ref()
            .is_some_and(|v| v.is_visible(group))
    }

    /// The departments whose responses make up a department group.
    fn subtree(&self, group: GroupId) -> Vec<i64> {
        self.visibility
            .as_ref()
            .map(|v| v.subtree_departments(group))
            .unwrap_or_default()
    }

    /// Counts of a group, rolled up over its subtree; `None` unless the group is visible.
    fn counts(&self, group: GroupId) -> Option<ScanCounts> {
        if !self.is_visible(group) {
            return None;
        }
        let mut sum = ScanCounts::default();
        match group {
            GroupId::Scan => self.direct.values().for_each(|c| sum += c),
            GroupId::Department(_) => {
                for id in self.subtree(group) {
                    if let Some(c) = self.direct.get(&Some(id)) {
                        sum += c;
                    }
                }
            }
        }
        Some(sum)
    }
}

/// The results of one round as the pages, the CSV and the help request see them.
#[derive(Debug, Clone)]
pub struct ResultsView {
    pub scan_id: i64,
    pub organisation: String,
    pub team: String,
    pub round: Round,
    /// Numbers of all rounds, for switching between them.
    pub round_numbers: Vec<i32>,
    pub is_latest: bool,
    /// All responses of the round: always shown, also below the threshold.
    pub responses: u32,
    pub response_rate: Option<f64>,
    pub policy: AnonymityPolicy,
    pub whole: GroupView,
    /// Departments in tree order (parents before children).
    pub departments: Vec<GroupView>,
    /// Visible groups with aspects that fall short ("werk aan de winkel").
    pub shortfalls: Vec<Shortfall>,
    /// What the page opens with: the heatmap, the priorities and the index's change.
    pub overview: Overview,
    /// Advice for the whole scan, when it is visible.
    pub advice: Option<Advice>,
    /// Advice for each visible department with something to improve, in tree order.
    pub department_advice: Vec<GroupAdvice>,
    pub trend: Option<TrendView>,
}

impl ResultsView {
    /// The whole scan first, then every department.
    pub fn groups(&self) -> impl Iterator<Item = &GroupView> {
        std::iter::once(&self.whole).chain(&self.departments)
    }

    /// Whether any group shows figures.
    pub fn any_visible(&self) -> bool {
        self.groups().any(|g| g.figures.is_some())
    }

    /// The aspects as the heatmap's columns.
    pub fn whole_aspects(&self) -> [Aspect; 5] {
        Aspect::ALL
    }

    /// The heatmap's figure columns: the five aspects and the index.
    pub fn heatmap_columns(&self) -> usize {
        Aspect::ALL.len() + 1
    }
}

/// One group: the whole scan or a department.
#[derive(Debug, Clone)]
pub struct GroupView {
    /// Fragment id for links: `geheel` or `afdeling-12`.
    pub anchor: String,
    /// The department's name; `None` for the whole scan.
    pub name: Option<String>,
    /// 0 for top-level departments (and the whole scan), 1 for their sub-departments, …
    pub depth: usize,
    /// `None` when the anonymity rules hide the group: then it shows nothing but
    /// "not enough responses yet".
    pub figures: Option<Figures>,
}

impl GroupView {
    pub fn is_whole(&self) -> bool {
        self.name.is_none()
    }

    /// An id for one aspect's chart in this group.
    pub fn chart_id(&self, aspect: &Aspect) -> String {
        format!("{}-{}", self.anchor, aspect.key())
    }

    /// The indentation class for nested departments.
    pub fn depth_class(&self) -> &'static str {
        depth_class(self.depth)
    }
}

/// The indentation class of a group `depth` levels below the top (also the heatmap's rows).
pub fn depth_class(depth: usize) -> &'static str {
    match depth {
        0 => "depth-0",
        1 => "depth-1",
        _ => "depth-2",
    }
}

/// The figures of a visible group.
#[derive(Debug, Clone)]
pub struct Figures {
    pub responses: u32,
    pub stats: ScanStats,
    pub aspects: Vec<AspectRow>,
    pub signals: Vec<SignalRow>,
    /// Shuffled comments, only when the group may show them.
    pub comments: Option<Vec<String>>,
}

impl Figures {
    fn new(counts: &ScanCounts, comments: Option<Vec<String>>) -> Self {
        let stats = ScanStats::from_counts(counts);
        let aspects = Aspect::ALL
            .into_iter()
            .map(|aspect| AspectRow::new(aspect, stats.aspects[aspect]))
            .collect();
        let signals = Signal::ALL
            .into_iter()
            .map(|signal| SignalRow {
                signal,
                stats: stats.signals[signal],
            })
            .collect();
        Self {
            responses: counts.responses,
            stats,
            aspects,
            signals,
            comments,
        }
    }

    /// Whether anyone answered a signal statement in this group.
    pub fn has_signals(&self) -> bool {
        self.signals.iter().any(|s| s.stats.answered > 0)
    }

    /// Aspects in the "werk aan de winkel" band.
    pub fn werk_aan_de_winkel(&self) -> Vec<Aspect> {
        self.aspects
            .iter()
            .filter(|a| a.stats.band == Some(Band::WerkAanDeWinkel))
            .map(|a| a.aspect)
            .collect()
    }
}

/// One aspect of a visible group, with the geometry of its stacked bar.
#[derive(Debug, Clone)]
pub struct AspectRow {
    pub aspect: Aspect,
    pub stats: AspectStats,
    /// Bar segments for the answers 1..5 (scored answers make up 100%).
    pub segments: Vec<Segment>,
    /// Counts of all six answers, for the text equivalent.
    pub answers: Vec<AnswerCount>,
}

impl AspectRow {
    fn new(aspect: Aspect, stats: AspectStats) -> Self {
        let scored = stats.answered;
        let mut x = 0.0;
        let mut segments = Vec::with_capacity(5);
        let mut answers = Vec::with_capacity(6);
        for answer in Answer::ALL {
            let count = match answer.score() {
                Some(s) => stats.distribution.counts[usize::from(s) - 1],
                None => stats.distribution.dont_know,
            };
            let pct = answer
                .score()
                .and_then(|_| (scored > 0).then(|| f64::from(count) * 100.0 / f64::from(scored)));
            if let Some(width) = pct.filter(|w| *w > 0.0) {
                segments.push(Segment {
                    answer: answer.key(),
                    x: format!("{x:.3}"),
                    width: format!("{width:.3}"),
                });
                x += width;
            }
            answers.push(AnswerCount {
                answer: answer.key(),
                count,
                pct,
            });
        }
        Self {
            aspect,
            stats,
            segments,
            answers,
        }
    }

    pub fn band_key(&self) -> &'static str {
        self.stats.band.map_or("none", Band::key)
    }

    pub fn is_werk(&self) -> bool {
        self.stats.band == Some(Band::WerkAanDeWinkel)
    }
}

/// A rectangle of the stacked bar, in percent of the bar's width.
#[derive(Debug, Clone)]
pub struct Segment {
    /// The answer's key: `1`..`5`.
    pub answer: &'static str,
    pub x: String,
    pub width: String,
}

#[derive(Debug, Clone)]
pub struct AnswerCount {
    /// `1`..`5` or `weet_niet`.
    pub answer: &'static str,
    pub count: u32,
    /// Share of the scored answers; `None` for "weet ik niet".
    pub pct: Option<f64>,
}

#[derive(Debug, Clone)]
pub struct SignalRow {
    pub signal: Signal,
    pub stats: SignalStats,
}

impl SignalRow {
    pub fn is_concern(&self) -> bool {
        self.stats.concern == Some(true)
    }
}

/// A visible group with aspects that fall short.
#[derive(Debug, Clone)]
pub struct Shortfall {
    pub anchor: String,
    pub name: Option<String>,
    pub aspects: Vec<Aspect>,
}

/// The results at a glance.
#[derive(Debug, Clone)]
pub struct Overview {
    /// The whole scan, then every department in tree order (hidden ones without cells).
    pub rows: Vec<HeatRow>,
    /// At most three, worst first (see `core::scan::priority`).
    pub priorities: Vec<PriorityView>,
    /// The whole scan's index against the previous round, when both are visible.
    pub index_change: Option<IndexChange>,
}

/// One row of the heatmap: a group × the five aspects.
#[derive(Debug, Clone)]
pub struct HeatRow {
    pub anchor: String,
    pub name: Option<String>,
    pub depth: usize,
    /// `None` when the anonymity rules hide the group.
    pub figures: Option<HeatFigures>,
}

#[derive(Debug, Clone)]
pub struct HeatFigures {
    pub responses: u32,
    pub index: Option<f64>,
    pub cells: Vec<HeatCell>,
}

/// One aspect of one group: its band (the colour, with a symbol and words) and its mean.
#[derive(Debug, Clone)]
pub struct HeatCell {
    pub aspect: Aspect,
    pub band: Option<Band>,
    pub mean: Option<f64>,
}

impl HeatCell {
    pub fn band_key(&self) -> &'static str {
        self.band.map_or("none", Band::key)
    }
}

/// A priority as the page words it.
#[derive(Debug, Clone)]
pub struct PriorityView {
    /// The group's fragment id, to jump to its figures.
    pub anchor: String,
    /// The department; `None` for the whole scan.
    pub name: Option<String>,
    pub aspect: Aspect,
    pub band: Band,
    pub favourable_pct: f64,
    pub first_action: Action,
}

/// The autonomy index now and in the previous round, as shown (whole numbers), and their
/// difference computed from the shown numbers so that the three always agree.
#[derive(Debug, Clone, Copy)]
pub struct IndexChange {
    pub previous_round: i32,
    pub previous: i64,
    pub current: i64,
    pub change: i64,
}

/// Advice for one department.
#[derive(Debug, Clone)]
pub struct GroupAdvice {
    pub anchor: String,
    pub name: String,
    pub advice: Advice,
}

/// Means across rounds and the change between the selected round and the one before.
#[derive(Debug, Clone)]
pub struct TrendView {
    /// Round numbers on the chart, oldest first.
    pub numbers: Vec<i32>,
    /// The whole scan's mean per aspect per round (hidden rounds have no point).
    pub series: Vec<TrendSeries>,
    /// The round compared with; `None` when the selected round is the first.
    pub previous: Option<i32>,
    /// Groups visible in both rounds, with the change per aspect.
    pub changes: Vec<GroupChanges>,
}

#[derive(Debug, Clone)]
pub struct TrendSeries {
    pub aspect: Aspect,
    pub points: Vec<TrendPoint>,
    /// Polylines through consecutive shown rounds (a hidden round breaks the line).
    pub lines: Vec<String>,
}

impl TrendSeries {
    pub fn has_points(&self) -> bool {
        self.points.iter().any(|p| p.mean.is_some())
    }
}

#[derive(Debug, Clone)]
pub struct TrendPoint {
    pub number: i32,
    /// The day the round ended (closed early, or its closing date), for the axis.
    pub closes_on: chrono::NaiveDate,
    pub mean: Option<f64>,
    pub x: String,
    pub y: String,
}

#[derive(Debug, Clone)]
pub struct GroupChanges {
    pub anchor: String,
    pub name: Option<String>,
    pub changes: Vec<AspectChange>,
}

#[derive(Debug, Clone)]
pub struct AspectChange {
    pub aspect: Aspect,
    /// `None` when a round has too few scored answers for a comparison.
    pub trend: Option<Trend>,
}

/// Geometry of the trend chart (SVG user units).
pub mod trend_chart {
    pub const WIDTH: f64 = 320.0;
    pub const HEIGHT: f64 = 204.0;
    pub const LEFT: f64 = 42.0;
    pub const RIGHT: f64 = 304.0;
    pub const TOP: f64 = 20.0;
    pub const BOTTOM: f64 = 148.0;

    /// y of a mean on the 1–5 scale.
    pub fn y(mean: f64) -> f64 {
        BOTTOM - (mean - 1.0) / 4.0 * (BOTTOM - TOP)
    }

    /// x of the `i`-th of `n` rounds.
    pub fn x(i: usize, n: usize) -> f64 {
        if n <= 1 {
            (LEFT + RIGHT) / 2.0
        } else {
            LEFT + (RIGHT - LEFT) * i as f64 / (n - 1) as f64
        }
    }

    /// Grid lines at 1..5: (label, y).
    pub fn grid() -> Vec<(u8, String)> {
        (1..=5u8)
            .map(|m| (m, format!("{:.1}", y(f64::from(m)))))
            .collect()
    }
}

/// Applies the anonymity rules and derives every figure. Pure.
pub fn build(loaded: Loaded) -> ResultsView {
    let Loaded {
        scan,
        departments,
        rounds,
        selected,
        history,
        comments,
    } = loaded;
    let policy = policy_of(&scan);
    let evaluated: Vec<(usize, Evaluated)> = history
        .iter()
        .map(|(index, counts)| (*index, Evaluated::new(&policy, &departments, counts)))
        .collect();
    let (_, current) = evaluated
        .last()
        .expect("history always holds the selected round");
    let seed = scan.comment_seed as u64;
    let order = super::scans::tree_order(&departments);

    // Comments per department as placed, to gather each group's subtree.
    let mut comments_by_department: HashMap<Option<i64>, Vec<&str>> = HashMap::new();
    for c in &comments {
        comments_by_department
            .entry(c.department_id)
            .or_default()
            .push(&c.body);
    }
    let group_comments = |group: GroupId| -> Option<Vec<String>> {
        let visibility = current.visibility.as_ref()?;
        if !visibility.comments_visible(group) {
            return None;
        }
        let texts: Vec<String> = match group {
            GroupId::Scan => comments.iter().map(|c| c.body.clone()).collect(),
            GroupId::Department(_) => visibility
                .subtree_departments(group)
                .into_iter()
                .flat_map(|id| {
                    comments_by_department
                        .get(&Some(id))
                        .into_iter()
                        .flatten()
                        .map(|s| (*s).to_owned())
                })
                .collect(),
        };
        visibility.comments_for(group, texts, seed)
    };
    let figures = |group: GroupId| {
        current
            .counts(group)
            .map(|counts| Figures::new(&counts, group_comments(group)))
    };

    let whole = GroupView {
        anchor: "geheel".into(),
        name: None,
        depth: 0,
        figures: figures(GroupId::Scan),
    };
    let department_views: Vec<GroupView> = order
        .iter()
        .map(|(d, depth)| GroupView {
            anchor: format!("afdeling-{}", d.id),
            name: Some(d.name.clone()),
            depth: *depth,
            figures: figures(GroupId::Department(d.id)),
        })
        .collect();

    let shortfalls = std::iter::once(&whole)
        .chain(&department_views)
        .filter_map(|g| {
            let aspects = g.figures.as_ref()?.werk_aan_de_winkel();
            (!aspects.is_empty()).then(|| Shortfall {
                anchor: g.anchor.clone(),
                name: g.name.clone(),
                aspects,
            })
        })
        .collect();
    let advice = whole.figures.as_ref().map(|f| advise(&f.stats));
    let department_advice = department_views
        .iter()
        .filter_map(|g| {
            let advice = advise(&g.figures.as_ref()?.stats);
            (!advice.is_empty()).then(|| GroupAdvice {
                anchor: g.anchor.clone(),
                name: g.name.clone().unwrap_or_default(),
                advice,
            })
        })
        .collect();
    let previous_index = (evaluated.len() > 1)
        .then(|| {
            let (index, previous) = &evaluated[evaluated.len() - 2];
            let stats = ScanStats::from_counts(&previous.counts(GroupId::Scan)?);
            Some((rounds[*index].number, stats.index?))
        })
        .flatten();
    let overview = overview(&whole, &department_views, previous_index);

    let trend =
        (evaluated.len() > 1).then(|| trend_view(&rounds, &evaluated, history_groups(&order)));

    let round = rounds[selected].clone();
    let invited = u32::try_from(round.invited).unwrap_or(0);
    ResultsView {
        scan_id: scan.id,
        organisation: scan.organisation,
        team: scan.team,
        response_rate: (invited > 0)
            .then(|| response_rate(current.total, Some(invited)))
            .flatten(),
        responses: current.total,
        is_latest: selected + 1 == rounds.len(),
        round_numbers: rounds.iter().map(|r| r.number).collect(),
        round,
        policy,
        whole,
        departments: department_views,
        shortfalls,
        overview,
        advice,
        department_advice,
        trend,
    }
}

/// The heatmap, the priorities and the index's change, from the groups as the page shows them.
fn overview(
    whole: &GroupView,
    departments: &[GroupView],
    previous_index: Option<(i32, f64)>,
) -> Overview {
    let rows = std::iter::once(whole)
        .chain(departments)
        .map(|g| HeatRow {
            anchor: g.anchor.clone(),
            name: g.name.clone(),
            depth: g.depth,
            figures: g.figures.as_ref().map(|f| HeatFigures {
                responses: f.responses,
                index: f.stats.index,
                cells: f
                    .aspects
                    .iter()
                    .map(|row| HeatCell {
                        aspect: row.aspect,
                        band: row.stats.band,
                        mean: row.stats.mean,
                    })
                    .collect(),
            }),
        })
        .collect();
    let visible: Vec<(&GroupView, &ScanStats)> = departments
        .iter()
        .filter_map(|g| Some((g, &g.figures.as_ref()?.stats)))
        .collect();
    let priorities = priorities(whole.figures.as_ref().map(|f| (whole, &f.stats)), &visible)
        .into_iter()
        .map(|p| PriorityView {
            anchor: p.group.anchor.clone(),
            name: p.group.name.clone(),
            aspect: p.aspect,
            band: p.band,
            favourable_pct: p.favourable_pct,
            first_action: p.first_action,
        })
        .collect();
    // Whole numbers as the page shows them; the change is their difference.
    let shown = |index: f64| index.round() as i64;
    let index_change = previous_index.and_then(|(previous_round, previous)| {
        let current = whole.figures.as_ref()?.stats.index?;
        Some(IndexChange {
            previous_round,
            previous: shown(previous),
            current: shown(current),
            change: shown(current) - shown(previous),
        })
    });
    Overview {
        rows,
        priorities,
        index_change,
    }
}

/// The day a round really ended: closed early by hand, or its closing date.
fn ended_on(round: &Round) -> chrono::NaiveDate {
    round
        .closed_at
        .map(crate::i18n::date_in_netherlands)
        .map_or(round.closes_on, |closed| closed.min(round.closes_on))
}

/// The anonymity thresholds a scan was set up with.
fn policy_of(scan: &Scan) -> AnonymityPolicy {
    AnonymityPolicy::new(
        u32::try_from(scan.min_group).unwrap_or(0),
        u32::try_from(scan.min_comments).unwrap_or(0),
    )
}

/// The autonomy index of the scan's latest closed round, as the results page shows it for
/// the whole scan: `None` when no round has closed (an open round never shows a figure) or
/// when the anonymity rules hide the whole scan's figures of that round. `rounds` are the
/// scan's rounds, oldest first. Like [`load`], a round that closed by its date is sealed
/// before it is read.
pub async fn released_index(
    store: &dyn ScanStore,
    scan: &Scan,
    rounds: &[Round],
    today: chrono::NaiveDate,
) -> Result<Option<(i32, f64)>, ServiceError> {
    let Some(round) = rounds.iter().rev().find(|r| r.state(today).is_released()) else {
        return Ok(None);
    };
    if round.sealed_at.is_none() {
        store
            .seal_round(round.id, crate::storage::now(), today)
            .await?;
    }
    let (departments, counts) =
        tokio::try_join!(store.departments(scan.id), store.round_counts(round.id))?;
    let evaluated = Evaluated::new(&policy_of(scan), &departments, &counts);
    Ok(evaluated
        .counts(GroupId::Scan)
        .and_then(|counts| ScanStats::from_counts(&counts).index)
        .map(|index| (round.number, index)))
}

/// The groups a trend covers: the whole scan, then departments in tree order.
fn history_groups(order: &[(&Department, usize)]) -> Vec<(GroupId, String, Option<String>)> {
    std::iter::once((GroupId::Scan, "geheel".to_owned(), None))
        .chain(order.iter().map(|(d, _)| {
            (
                GroupId::Department(d.id),
                format!("afdeling-{}", d.id),
                Some(d.name.clone()),
            )
        }))
        .collect()
}

fn trend_view(
    rounds: &[Round],
    evaluated: &[(usize, Evaluated)],
    groups: Vec<(GroupId, String, Option<String>)>,
) -> TrendView {
    let n = evaluated.len();
    let whole: Vec<Option<ScanStats>> = evaluated
        .iter()
        .map(|(_, e)| e.counts(GroupId::Scan).map(|c| ScanStats::from_counts(&c)))
        .collect();
    let series = Aspect::ALL
        .into_iter()
        .map(|aspect| {
            let points: Vec<TrendPoint> = evaluated
                .iter()
                .zip(&whole)
                .enumerate()
                .map(|(i, ((index, _), stats))| {
                    let mean = stats.as_ref().and_then(|s| s.aspects[aspect].mean);
                    TrendPoint {
                        number: rounds[*index].number,
                        closes_on: ended_on(&rounds[*index]),
                        mean,
                        x: format!("{:.1}", trend_chart::x(i, n)),
                        y: mean.map_or_else(String::new, |m| format!("{:.1}", trend_chart::y(m))),
                    }
                })
                .collect();
            let mut lines = Vec::new();
            let mut line: Vec<String> = Vec::new();
            let mut flush = |line: &mut Vec<String>| {
                if line.len() > 1 {
                    lines.push(line.join(" "));
                }
                line.clear();
            };
            for p in &points {
                if p.mean.is_some() {
                    line.push(format!("{},{}", p.x, p.y));
                } else {
                    flush(&mut line);
                }
            }
            flush(&mut line);
            TrendSeries {
                aspect,
                points,
                lines,
            }
        })
        .collect();

    let (prev_index, previous) = &evaluated[n - 2];
    let (_, current) = &evaluated[n - 1];
    // Every group visible in both rounds, then all their comparisons in one page, so
    // that the correction for the number of labels counts exactly what the page shows.
    let compared: Vec<_> = groups
        .into_iter()
        .filter_map(|(group, anchor, name)| {
            Some((
                anchor,
                name,
                previous.counts(group)?,
                current.counts(group)?,
            ))
        })
        .collect();
    let mut trends = compare_page(compared.iter().flat_map(|(_, _, before, now)| {
        Aspect::ALL
            .into_iter()
            .map(|aspect| (&before.aspects[aspect], &now.aspects[aspect]))
    }))
    .into_iter();
    let changes = compared
        .into_iter()
        .map(|(anchor, name, _, _)| GroupChanges {
            anchor,
            name,
            changes: Aspect::ALL
                .into_iter()
                .map(|aspect| AspectChange {
                    aspect,
                    trend: trends.next().flatten(),
                })
                .collect(),
        })
        .collect();
    TrendView {
        numbers: evaluated.iter().map(|(i, _)| rounds[*i].number).collect(),
        series,
        previous: Some(rounds[*prev_index].number),
        changes,
    }
}

/// The aggregates of the visible groups, as shared with HRnexus in a help request.
/// The results as the JSON API returns them: every group, figures only where visible.
pub fn api_json(view: &ResultsView) -> serde_json::Value {
    let groups: Vec<serde_json::Value> = view
        .groups()
        .map(|g| match &g.figures {
            Some(f) => json!({
                "group": if g.is_whole() { "scan" } else { "department" },
                "name": g.name,
                "visible": true,
                "responses": f.responses,
                "autonomy_index": f.stats.index,
                "aspects": f.stats.aspects,
                "signals": f.stats.signals,
                "comments": f.comments,
            }),
            None => json!({
                "group": if g.is_whole() { "scan" } else { "department" },
                "name": g.name,
                "visible": false,
            }),
        })
        .collect();
    json!({
        "scan_id": view.scan_id,
        "round": view.round.number,
        "responses": view.responses,
        "response_rate": view.response_rate,
        "min_group": view.policy.min_group(),
        "min_comments": view.policy.min_comments(),
        "groups": groups,
        "werk_aan_de_winkel": view
            .shortfalls
            .iter()
            .map(|s| json!({ "group": s.name, "aspects": s.aspects }))
            .collect::<Vec<_>>(),
    })
}

pub fn help_summary(view: &ResultsView) -> serde_json::Value {
    let groups: Vec<serde_json::Value> = view
        .groups()
        .filter_map(|g| {
            let f = g.figures.as_ref()?;
            Some(json!({
                "group": if g.is_whole() { "scan" } else { "department" },
                "name": g.name,
                "responses": f.responses,
                "autonomy_index": f.stats.index,
                "aspects": f.stats.aspects,
                "signals": f.stats.signals,
            }))
        })
        .collect();
    json!({
        "scan_id": view.scan_id,
        "organisation": view.organisation,
        "team": view.team,
        "round": view.round.number,
        "responses": view.responses,
        "response_rate": view.response_rate,
        "min_group": view.policy.min_group(),
        "groups": groups,
        "advice": view.advice.as_ref().map(|a| json!({
            "aspects": a.aspects.iter().map(|x| json!({"aspect": x.aspect, "band": x.band})).collect::<Vec<_>>(),
            "signals": a.signals.iter().map(|x| x.signal).collect::<Vec<_>>(),
            "actions": a.actions,
            "categories": a.categories,
        })),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn scan() -> Scan {
        Scan {
            id: 1,
            employer_id: Some(1),
            api_key_id: None,
            organisation: "Bakkerij".into(),
            team: "Team".into(),
            lang: "nl".into(),
            min_group: 5,
            min_comments: 8,
            comment_seed: 42,
            created_at: 0,
        }
    }

    fn round(id: i64, number: i32, invited: i32) -> Round {
        let d = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        Round {
            id,
            scan_id: 1,
            number,
            opened_on: d,
            closes_on: d,
            closed_at: None,
            sealed_at: None,
            shared_link: false,
            invited,
            responses: 0,
        }
    }

    fn dept(id: i64, parent_id: Option<i64>, name: &str) -> Department {
        Department {
            id,
            scan_id: 1,
            parent_id,
            name: name.into(),
            position: id as i32,
        }
    }

    /// `n` responses answering `score` everywhere, on `department`.
    fn group(department_id: Option<i64>, n: u32, score: u8) -> GroupCounts {
        let mut counts = ScanCounts::default();
        for a in Aspect::ALL {
            counts.aspects[a].add_n(Answer::from_score(score).unwrap(), n);
        }
        counts.responses = n;
        GroupCounts {
            department_id,
            counts,
        }
    }

    fn loaded(departments: Vec<Department>, counts: Vec<GroupCounts>) -> Loaded {
        Loaded {
            scan: scan(),
            departments,
            rounds: vec![round(10, 1, 20)],
            selected: 0,
            history: vec![(0, counts)],
            comments: vec![],
        }
    }

    #[test]
    fn small_scan_shows_only_the_count() {
        let view = build(loaded(vec![], vec![group(None, 4, 4)]));
        assert_eq!(view.responses, 4);
        assert!(view.whole.figures.is_none());
        assert!(view.advice.is_none());
        assert!(!view.any_visible());
        assert_eq!(view.response_rate, Some(20.0));
    }

    #[test]
    fn subtraction_protection_hides_the_sibling() {
        let view = build(loaded(
            vec![dept(1, None, "Groot"), dept(2, None, "Klein")],
            vec![group(Some(1), 6, 4), group(Some(2), 2, 1)],
        ));
        assert_eq!(view.responses, 8);
        assert!(view.whole.figures.is_some());
        assert!(view.departments.iter().all(|d| d.figures.is_none()));
    }

    #[test]
    fn sub_departments_roll_up() {
        let view = build(loaded(
            vec![
                dept(1, None, "Productie"),
                dept(2, Some(1), "Ploeg A"),
                dept(3, Some(1), "Ploeg B"),
                dept(4, None, "Kantoor"),
            ],
            vec![
                group(Some(1), 1, 3),
                group(Some(2), 5, 4),
                group(Some(3), 6, 2),
                group(Some(4), 7, 5),
            ],
        ));
        let names: Vec<_> = view
            .departments
            .iter()
            .map(|d| (d.name.clone().unwrap(), d.depth))
            .collect();
        assert_eq!(
            names,
            [
                ("Productie".to_owned(), 0),
                ("Ploeg A".to_owned(), 1),
                ("Ploeg B".to_owned(), 1),
                ("Kantoor".to_owned(), 0)
            ]
        );
        let productie = view.departments[0].figures.as_ref().unwrap();
        assert_eq!(productie.responses, 12);
        assert_eq!(
            productie.stats.aspects[Aspect::Steun].distribution.counts,
            [0, 6, 1, 5, 0]
        );
        // The remainder on Productie itself is 1 (< 5): the smallest team is hidden too.
        assert!(view.departments[1].figures.is_none());
        assert!(view.departments[2].figures.is_some());
    }

    #[test]
    fn comments_need_the_higher_threshold() {
        let mut l = loaded(vec![], vec![group(None, 7, 4)]);
        l.comments = (0..3)
            .map(|i| StoredComment {
                department_id: None,
                body: format!("c{i}"),
            })
            .collect();
        assert!(
            build(l.clone()).whole.figures.unwrap().comments.is_none(),
            "7 < 8"
        );
        l.history = vec![(0, vec![group(None, 8, 4)])];
        let comments = build(l).whole.figures.unwrap().comments.unwrap();
        assert_eq!(comments.len(), 3);
    }

    #[test]
    fn trend_compares_groups_visible_in_both_rounds() {
        let l = Loaded {
            scan: scan(),
            departments: vec![dept(1, None, "A"), dept(2, None, "B")],
            rounds: vec![round(10, 1, 0), round(11, 2, 0)],
            selected: 1,
            history: vec![
                (0, vec![group(Some(1), 10, 2), group(Some(2), 10, 2)]),
                (1, vec![group(Some(1), 10, 4), group(Some(2), 3, 4)]),
            ],
            comments: vec![],
        };
        let view = build(l);
        let trend = view.trend.unwrap();
        assert_eq!(trend.numbers, [1, 2]);
        assert_eq!(trend.previous, Some(1));
        // B has 3 in round 2: hidden, and then A is hidden by subtraction protection.
        assert_eq!(trend.changes.len(), 1);
        assert!(trend.changes[0].name.is_none());
        assert_eq!(trend.series[0].lines.len(), 1);
    }

    #[test]
    fn the_correction_counts_every_label_the_page_shows() {
        // Whole scan and both departments are visible in both rounds: 3 × 5 labels.
        let mixed = |department, low: u32, high: u32| {
            let mut g = group(Some(department), low, 3);
            for a in Aspect::ALL {
                g.counts.aspects[a].add_n(Answer::from_score(4).unwrap(), high);
            }
            g.counts.responses += high;
            g
        };
        let l = Loaded {
            scan: scan(),
            departments: vec![dept(1, None, "A"), dept(2, None, "B")],
            rounds: vec![round(10, 1, 0), round(11, 2, 0)],
            selected: 1,
            history: vec![
                (0, vec![mixed(1, 5, 5), mixed(2, 5, 5)]),
                (1, vec![mixed(1, 5, 5), mixed(2, 2, 8)]),
            ],
            comments: vec![],
        };
        let trend = build(l).trend.unwrap();
        assert_eq!(trend.changes.len(), 3);
        let shown: Vec<Trend> = trend
            .changes
            .iter()
            .flat_map(|g| g.changes.iter().filter_map(|c| c.trend))
            .collect();
        assert_eq!(shown.len(), 15);
        assert!(shown.iter().all(|t| t.comparisons == 15));
        // B: 3.5 → 3.8 for 10 people is no change among 15 labels.
        assert_eq!(trend.changes[2].name.as_deref(), Some("B"));
        let b = trend.changes[2].changes[0].trend.unwrap();
        assert_eq!((b.previous_shown, b.current_shown), (3.5, 3.8));
        assert_eq!(b.label, hrnexus_core::scan::TrendLabel::Stable);
    }

    #[test]
    fn bar_segments_cover_the_scored_answers() {
        let mut counts = hrnexus_core::scan::AspectCounts::default();
        counts.add_n(Answer::StronglyDisagree, 1);
        counts.add_n(Answer::Agree, 3);
        counts.add_n(Answer::DontKnow, 2);
        let row = AspectRow::new(Aspect::Steun, AspectStats::from_counts(&counts));
        let widths: Vec<_> = row.segments.iter().map(|s| s.width.as_str()).collect();
        assert_eq!(widths, ["25.000", "75.000"]);
        assert_eq!(row.segments[1].x, "25.000");
        assert_eq!(row.answers[5].count, 2);
        assert_eq!(row.answers[5].pct, None);
    }
}
