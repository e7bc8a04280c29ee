//! Aggregating responses into the figures a results page shows.
//!
//! Everything is built from counts ([`AspectCounts`]: how many 1s, 2s, … 5s
//! and "weet ik niet"). Counting into fixed arrays makes 10,000 responses a
//! matter of microseconds, and lets the storage layer aggregate with SQL
//! `GROUP BY` and hand over counts instead of rows.
//!
//! Definitions (all percentages are 0–100 over *scored* answers, i.e.
//! excluding "weet ik niet"):
//! - **mean**: average score 1–5.
//! - **favourable %** ("top-two-box"): answers 4 or 5.
//! - **unfavourable %**: answers 1 or 2, the "nee" answers of the article.
//! - **aspect index**: `(mean − 1) / 4 × 100`, the mean rescaled to 0–100.
//! - **autonomy index**: the unweighted average of the aspect indexes over the
//!   aspects that have at least one scored answer; every aspect weighs the
//!   same regardless of how many people answered it.
//! - **band**: see [`Band`] and the `BAND_*` constants.
//!
//! Apply the anonymity rules ([`super::anonymity`]) before showing any of this.

use serde::Serialize;

use super::aspect::{Answer, Aspect, Signal};
use super::keyed::{PerAspect, PerSignal};
use super::response::Response;
use crate::key::serde_via_key;

/// Good needs at least this favourable percentage …
pub const BAND_GOOD_MIN_FAVOURABLE_PCT: u32 = 70;
/// … and an unfavourable percentage strictly below this.
pub const BAND_GOOD_BELOW_UNFAVOURABLE_PCT: u32 = 15;
/// Werk aan de winkel when the favourable percentage is strictly below this …
pub const BAND_WERK_BELOW_FAVOURABLE_PCT: u32 = 50;
/// … or the unfavourable percentage is at least this.
pub const BAND_WERK_MIN_UNFAVOURABLE_PCT: u32 = 30;
/// A signal is a concern when at least this percentage gives the adverse answer.
pub const SIGNAL_CONCERN_MIN_ADVERSE_PCT: u32 = 30;

/// Counts of each answer for one question.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize)]
pub struct AspectCounts {
    /// `counts[s - 1]` = number of answers with score `s` (1..=5).
    pub counts: [u32; 5],
    /// Number of "weet ik niet" answers.
    pub dont_know: u32,
}

/// Signals use the same answer scale, so the same counts.
pub type SignalCounts = AspectCounts;

impl AspectCounts {
    /// Counts from the five score buckets and the "weet ik niet" bucket.
    pub const fn new(counts: [u32; 5], dont_know: u32) -> Self {
        Self { counts, dont_know }
    }

    /// Adds one answer.
    pub fn add(&mut self, answer: Answer) {
        self.add_n(answer, 1);
    }

    /// Adds `n` identical answers (e.g. one row of a SQL `GROUP BY`).
    pub fn add_n(&mut self, answer: Answer, n: u32) {
        match answer.score() {
            Some(s) => self.counts[usize::from(s) - 1] += n,
            None => self.dont_know += n,
        }
    }

    /// Answers with a score (excludes "weet ik niet").
    pub fn scored(&self) -> u32 {
        self.counts.iter().sum()
    }

    /// All answers including "weet ik niet".
    pub fn total(&self) -> u32 {
        self.scored() + self.dont_know
    }

    /// Answers 4 or 5.
    pub fn favourable(&self) -> u32 {
        self.counts[3] + self.counts[4]
    }

    /// Answers 1 or 2.
    pub fn unfavourable(&self) -> u32 {
        self.counts[0] + self.counts[1]
    }

    /// Mean score 1–5, `None` without scored answers.
    pub fn mean(&self) -> Option<f64> {
        let (n, sum, _) = self.moments();
        (n > 0).then(|| sum as f64 / n as f64)
    }

    /// Sample variance (n − 1 denominator), `None` with fewer than two scored
    /// answers. Computed from exact integer sums so it is never negative.
    pub fn sample_variance(&self) -> Option<f64> {
        let (n, sum, sum_sq) = self.moments();
        (n >= 2).then(|| {
            let (n, sum, sum_sq) = (u128::from(n), u128::from(sum), u128::from(sum_sq));
            // Σ(x − x̄)² · n = n·Σx² − (Σx)², exact in integers.
            let numerator = n * sum_sq - sum * sum;
            numerator as f64 / (n * (n - 1)) as f64
        })
    }

    /// (n, Σx, Σx²) over scored answers.
    fn moments(&self) -> (u64, u64, u64) {
        self.counts
            .iter()
            .zip(1u64..)
            .fold((0, 0, 0), |(n, s, ss), (&c, x)| {
                let c = u64::from(c);
                (n + c, s + c * x, ss + c * x * x)
            })
    }
}

impl std::ops::AddAssign<&AspectCounts> for AspectCounts {
    fn add_assign(&mut self, other: &AspectCounts) {
        for (a, b) in self.counts.iter_mut().zip(other.counts) {
            *a += b;
        }
        self.dont_know += other.dont_know;
    }
}

impl FromIterator<Answer> for AspectCounts {
    fn from_iter<I: IntoIterator<Item = Answer>>(iter: I) -> Self {
        let mut counts = Self::default();
        iter.into_iter().for_each(|a| counts.add(a));
        counts
    }
}

/// Colour band of an aspect. Thresholds, on scored answers:
/// - [`Band::WerkAanDeWinkel`]: favourable < 50 % **or** unfavourable ≥ 30 %;
/// - [`Band::Good`]: favourable ≥ 70 % **and** unfavourable < 15 %;
/// - [`Band::Attention`]: everything in between.
///
/// Comparisons use integer arithmetic, so exactly 50 % favourable is not
/// "werk aan de winkel" and exactly 30 % unfavourable is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Band {
    /// Enough autonomy on this aspect.
    Good,
    /// Mixed picture; keep an eye on it.
    Attention,
    /// Falls short: "werk aan de winkel".
    WerkAanDeWinkel,
}

impl Band {
    /// All bands, best first.
    pub const ALL: [Band; 3] = [Band::Good, Band::Attention, Band::WerkAanDeWinkel];

    /// Stable key (CSS class, translations, JSON).
    pub const fn key(self) -> &'static str {
        match self {
            Band::Good => "good",
            Band::Attention => "attention",
            Band::WerkAanDeWinkel => "werk_aan_de_winkel",
        }
    }

    /// Inverse of [`Band::key`].
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|b| b.key() == key)
    }

    /// The band for these counts, `None` without scored answers.
    pub fn from_counts(counts: &AspectCounts) -> Option<Band> {
        let n = u64::from(counts.scored());
        if n == 0 {
            return None;
        }
        let fav = u64::from(counts.favourable()) * 100;
        let unfav = u64::from(counts.unfavourable()) * 100;
        let pct = |p: u32| u64::from(p) * n;
        Some(
            if fav < pct(BAND_WERK_BELOW_FAVOURABLE_PCT)
                || unfav >= pct(BAND_WERK_MIN_UNFAVOURABLE_PCT)
            {
                Band::WerkAanDeWinkel
            } else if fav >= pct(BAND_GOOD_MIN_FAVOURABLE_PCT)
                && unfav < pct(BAND_GOOD_BELOW_UNFAVOURABLE_PCT)
            {
                Band::Good
            } else {
                Band::Attention
            },
        )
    }
}

serde_via_key!(Band);

/// Figures for one aspect.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AspectStats {
    /// Scored answers (excluding "weet ik niet").
    pub answered: u32,
    /// "Weet ik niet" answers.
    pub dont_know: u32,
    /// Mean score 1–5.
    pub mean: Option<f64>,
    /// % answering 4 or 5.
    pub favourable_pct: Option<f64>,
    /// % answering 3.
    pub neutral_pct: Option<f64>,
    /// % answering 1 or 2.
    pub unfavourable_pct: Option<f64>,
    /// Mean rescaled to 0–100: `(mean − 1) / 4 × 100`.
    pub index: Option<f64>,
    /// Colour band.
    pub band: Option<Band>,
    /// The raw distribution (for the bar chart).
    pub distribution: AspectCounts,
}

impl AspectStats {
    /// Derives every figure from the counts.
    pub fn from_counts(counts: &AspectCounts) -> Self {
        let answered = counts.scored();
        let pct = |part: u32| (answered > 0).then(|| f64::from(part) * 100.0 / f64::from(answered));
        let mean = counts.mean();
        Self {
            answered,
            dont_know: counts.dont_know,
            mean,
            favourable_pct: pct(counts.favourable()),
            neutral_pct: pct(counts.counts[2]),
            unfavourable_pct: pct(counts.unfavourable()),
            index: mean.map(mean_to_index),
            band: Band::from_counts(counts),
            distribution: *counts,
        }
    }
}

/// Figures for one signal statement.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SignalStats {
    /// Scored answers.
    pub answered: u32,
    /// "Weet ik niet" answers.
    pub dont_know: u32,
    /// Responses that skipped the statement.
    pub skipped: u32,
    /// Mean score 1–5.
    pub mean: Option<f64>,
    /// % agreeing (4 or 5).
    pub agree_pct: Option<f64>,
    /// % disagreeing (1 or 2).
    pub disagree_pct: Option<f64>,
    /// % giving the unhealthy answer: agreeing, or for
    /// [`Signal::Initiative`] disagreeing.
    pub adverse_pct: Option<f64>,
    /// Adverse answers reach [`SIGNAL_CONCERN_MIN_ADVERSE_PCT`].
    pub concern: Option<bool>,
    /// The raw distribution.
    pub distribution: SignalCounts,
}

impl SignalStats {
    /// Derives the figures; `responses` is the group size, to count skips.
    pub fn from_counts(signal: Signal, counts: &SignalCounts, responses: u32) -> Self {
        let answered = counts.scored();
        let pct = |part: u32| (answered > 0).then(|| f64::from(part) * 100.0 / f64::from(answered));
        let adverse = if signal.agreeing_is_favourable() {
            counts.unfavourable()
        } else {
            counts.favourable()
        };
        Self {
            answered,
            dont_know: counts.dont_know,
            skipped: responses.saturating_sub(counts.total()),
            mean: counts.mean(),
            agree_pct: pct(counts.favourable()),
            disagree_pct: pct(counts.unfavourable()),
            adverse_pct: pct(adverse),
            concern: (answered > 0).then(|| {
                u64::from(adverse) * 100
                    >= u64::from(SIGNAL_CONCERN_MIN_ADVERSE_PCT) * u64::from(answered)
            }),
            distribution: *counts,
        }
    }
}

/// All counts for one group of responses (a scan, a department, a round).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ScanCounts {
    /// Number of responses.
    pub responses: u32,
    /// Answer counts per aspect.
    pub aspects: PerAspect<AspectCounts>,
    /// Answer counts per signal (skipped statements are not counted).
    pub signals: PerSignal<SignalCounts>,
}

impl ScanCounts {
    /// Adds one response.
    pub fn add(&mut self, response: &Response) {
        self.responses += 1;
        for (aspect, answer) in response.answers.iter() {
            self.aspects[aspect].add(*answer);
        }
        for (signal, answer) in response.signals.iter() {
            if let Some(answer) = answer {
                self.signals[signal].add(*answer);
            }
        }
    }

    /// Counts over a set of responses.
    pub fn from_responses<'a>(responses: impl IntoIterator<Item = &'a Response>) -> Self {
        let mut counts = Self::default();
        responses.into_iter().for_each(|r| counts.add(r));
        counts
    }
}

impl std::ops::AddAssign<&ScanCounts> for ScanCounts {
    /// Merges groups, e.g. rolling teams up into their department.
    fn add_assign(&mut self, other: &ScanCounts) {
        self.responses += other.responses;
        for aspect in Aspect::ALL {
            self.aspects[aspect] += &other.aspects[aspect];
        }
        for signal in Signal::ALL {
            self.signals[signal] += &other.signals[signal];
        }
    }
}

/// Every figure for one group.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ScanStats {
    /// Number of responses.
    pub responses: u32,
    /// Per-aspect figures.
    pub aspects: PerAspect<AspectStats>,
    /// Per-signal figures.
    pub signals: PerSignal<SignalStats>,
    /// Autonomy index 0–100 (see the module docs), `None` without scored answers.
    pub index: Option<f64>,
}

impl ScanStats {
    /// Derives all figures from counts.
    pub fn from_counts(counts: &ScanCounts) -> Self {
        let aspects = counts.aspects.map(|_, c| AspectStats::from_counts(c));
        let signals = counts
            .signals
            .map(|s, c| SignalStats::from_counts(s, c, counts.responses));
        let indexes: Vec<f64> = aspects.iter().filter_map(|(_, s)| s.index).collect();
        let index =
            (!indexes.is_empty()).then(|| indexes.iter().sum::<f64>() / indexes.len() as f64);
        Self {
            responses: counts.responses,
            aspects,
            signals,
            index,
        }
    }
}

/// Counts and derives figures for a set of responses in one pass.
pub fn aggregate(responses: &[Response]) -> ScanStats {
    ScanStats::from_counts(&ScanCounts::from_responses(responses))
}

/// Response rate 0–100, `None` when the number invited is unknown (shared
/// link) or zero. Capped at 100 in case invites were revoked after use.
pub fn response_rate(responses: u32, invited: Option<u32>) -> Option<f64> {
    let invited = invited.filter(|&i| i > 0)?;
    Some((f64::from(responses) * 100.0 / f64::from(invited)).min(100.0))
}

/// Rescales a 1–5 mean to 0–100.
fn mean_to_index(mean: f64) -> f64 {
    (mean - 1.0) / 4.0 * 100.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::response::Comment;

    fn approx(a: Option<f64>, b: f64) {
        let a = a.expect("value");
        assert!((a - b).abs() < 1e-9, "{a} != {b}");
    }

    fn counts(c: [u32; 5], dk: u32) -> AspectCounts {
        AspectCounts::new(c, dk)
    }

    #[test]
    fn aspect_stats_from_counts() {
        // 1×1, 1×2, 2×3, 4×4, 2×5, 3 don't know → n = 10
        let s = AspectStats::from_counts(&counts([1, 1, 2, 4, 2], 3));
        assert_eq!(s.answered, 10);
        assert_eq!(s.dont_know, 3);
        approx(s.mean, (1.0 + 2.0 + 6.0 + 16.0 + 10.0) / 10.0);
        approx(s.favourable_pct, 60.0);
        approx(s.neutral_pct, 20.0);
        approx(s.unfavourable_pct, 20.0);
        approx(s.index, (3.5 - 1.0) / 4.0 * 100.0);
        assert_eq!(s.band, Some(Band::Attention));
    }

    #[test]
    fn empty_counts_have_no_figures() {
        let s = AspectStats::from_counts(&counts([0; 5], 4));
        assert_eq!(s.answered, 0);
        assert_eq!(s.mean, None);
        assert_eq!(s.favourable_pct, None);
        assert_eq!(s.band, None);
    }

    #[test]
    fn band_thresholds_at_the_edges() {
        let band = |c| Band::from_counts(&counts(c, 0)).unwrap();
        // exactly 50 % favourable, 0 unfavourable → attention, not werk
        assert_eq!(band([0, 0, 5, 5, 0]), Band::Attention);
        // 49 % favourable → werk aan de winkel
        assert_eq!(band([0, 0, 51, 49, 0]), Band::WerkAanDeWinkel);
        // exactly 30 % unfavourable → werk even with 70 % favourable
        assert_eq!(band([3, 0, 0, 7, 0]), Band::WerkAanDeWinkel);
        // 70 % favourable, 10 % unfavourable → good
        assert_eq!(band([1, 0, 2, 4, 3]), Band::Good);
        // 70 % favourable, exactly 15 % unfavourable → attention
        assert_eq!(band([15, 0, 15, 70, 0]), Band::Attention);
        // all 5s → good; all 1s → werk
        assert_eq!(band([0, 0, 0, 0, 9]), Band::Good);
        assert_eq!(band([9, 0, 0, 0, 0]), Band::WerkAanDeWinkel);
    }

    #[test]
    fn variance_from_counts() {
        // scores 1, 2, 3, 4, 5: mean 3, Σ(x−3)² = 10, sample variance = 10 / 4 = 2.5
        let c = counts([1, 1, 1, 1, 1], 0);
        approx(c.sample_variance(), 2.5);
        assert_eq!(counts([0, 0, 1, 0, 0], 0).sample_variance(), None);
        approx(counts([0, 0, 4, 0, 0], 2).sample_variance(), 0.0);
    }

    #[test]
    fn index_is_average_of_aspect_indexes() {
        let mut c = ScanCounts {
            responses: 2,
            ..Default::default()
        };
        c.aspects[Aspect::Werkwijze] = counts([0, 0, 0, 0, 2], 0); // 100
        c.aspects[Aspect::SterkePunten] = counts([2, 0, 0, 0, 0], 0); // 0
        c.aspects[Aspect::Taakinvloed] = counts([0, 0, 2, 0, 0], 0); // 50
        c.aspects[Aspect::OpenMening] = counts([0, 0, 0, 2, 0], 0); // 75
        c.aspects[Aspect::Steun] = counts([0; 5], 2); // no data: left out
        let s = ScanStats::from_counts(&c);
        approx(s.index, (100.0 + 0.0 + 50.0 + 75.0) / 4.0);
        assert_eq!(ScanStats::from_counts(&ScanCounts::default()).index, None);
    }

    fn response(score: u8, fatigue: Option<Answer>) -> Response {
        let mut r = Response::new(PerAspect::from_fn(|_| Answer::from_score(score).unwrap()));
        r.signals[Signal::Fatigue] = fatigue;
        r.comment = Comment::new("ok").ok();
        r
    }

    #[test]
    fn aggregate_responses_and_signals() {
        let responses = vec![
            response(5, Some(Answer::Agree)),
            response(4, Some(Answer::StronglyAgree)),
            response(2, Some(Answer::Disagree)),
            response(1, Some(Answer::DontKnow)),
            response(3, None),
        ];
        let s = aggregate(&responses);
        assert_eq!(s.responses, 5);
        let w = s.aspects[Aspect::Werkwijze];
        approx(w.mean, 3.0);
        approx(w.favourable_pct, 40.0);
        approx(w.unfavourable_pct, 40.0);
        assert_eq!(w.band, Some(Band::WerkAanDeWinkel));
        let f = s.signals[Signal::Fatigue];
        assert_eq!(f.answered, 3);
        assert_eq!(f.dont_know, 1);
        assert_eq!(f.skipped, 1);
        approx(f.agree_pct, 200.0 / 3.0);
        approx(f.adverse_pct, 200.0 / 3.0);
        assert_eq!(f.concern, Some(true));
        let i = s.signals[Signal::Initiative];
        assert_eq!((i.answered, i.skipped, i.concern), (0, 5, None));
    }

    #[test]
    fn initiative_adverse_is_disagreeing() {
        let c = counts([1, 0, 0, 3, 0], 0);
        let s = SignalStats::from_counts(Signal::Initiative, &c, 4);
        approx(s.adverse_pct, 25.0);
        assert_eq!(s.concern, Some(false));
    }

    #[test]
    fn counts_merge_and_group_by_input() {
        let mut a = AspectCounts::default();
        a.add_n(Answer::Agree, 3);
        a.add_n(Answer::DontKnow, 2);
        let b: AspectCounts = [Answer::Agree, Answer::StronglyDisagree]
            .into_iter()
            .collect();
        a += &b;
        assert_eq!(a, counts([1, 0, 0, 4, 0], 2));
        assert_eq!(a.total(), 7);
    }

    #[test]
    fn response_rate_rules() {
        approx(response_rate(12, Some(20)), 60.0);
        approx(response_rate(25, Some(20)), 100.0);
        assert_eq!(response_rate(12, None), None);
        assert_eq!(response_rate(0, Some(0)), None);
    }

    #[test]
    fn ten_thousand_responses_are_aggregated() {
        // No clock here: a time limit in an unoptimised build on a shared machine says
        // little. What must hold at this size is the arithmetic.
        let responses: Vec<Response> = (0..10_000)
            .map(|i| response((i % 5 + 1) as u8, Answer::from_score((i % 3 + 1) as u8)))
            .collect();
        let s = aggregate(&responses);
        assert_eq!(s.responses, 10_000);
        // Every aspect takes the scores 1, 2, 3, 4, 5 in turn: 2,000 of each.
        let steun = &s.aspects[Aspect::Steun];
        assert_eq!((steun.answered, steun.dont_know), (10_000, 0));
        approx(steun.mean, 3.0);
        approx(steun.favourable_pct, 40.0);
        approx(steun.neutral_pct, 20.0);
        approx(steun.unfavourable_pct, 40.0);
    }
}
