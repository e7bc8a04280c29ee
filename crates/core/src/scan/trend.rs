//! Change between two scan rounds, per aspect, labelled so that a team whose
//! answers did not change almost never sees "stijgend" or "dalend".
//!
//! # Method
//!
//! For each round take the scored answers of the aspect ("weet ik niet"
//! excluded): `n`, the mean and the sample variance `s²` (n − 1 denominator),
//! all derived exactly from the answer counts. Then Welch's test:
//!
//! ```text
//! difference = mean_current − mean_previous
//! se         = sqrt(s²_previous / n_previous + s²_current / n_current)
//! df         = se⁴ / ((s²_p/n_p)² / (n_p − 1) + (s²_c/n_c)² / (n_c − 1))   (Welch–Satterthwaite)
//! m          = the number of change labels on the page (groups × aspects)
//! margin     = t(1 − α / (2m), df) × se        (α = PAGE_ERROR_RATE)
//! interval   = [difference − margin, difference + margin]
//! ```
//!
//! The label is [`TrendLabel::Rising`] when the whole interval is above 0
//! **and** the means as shown (rounded to one decimal) rose by at least
//! [`MIN_RELEVANT_DIFFERENCE`]; [`TrendLabel::Falling`] likewise downwards;
//! otherwise [`TrendLabel::Stable`]. Three things keep the labels honest:
//!
//! - **Student's t instead of 1.96.** With 5 or 10 people the normal value
//!   understates the interval; t with Welch–Satterthwaite degrees of freedom
//!   does not.
//! - **Bonferroni over the page.** A page shows five aspects for the whole
//!   scan and five more for every department; each test gets `α / m`, so the
//!   chance that an unchanged team sees *any* label on the page stays below
//!   α. Use [`compare_page`] with every comparison the page shows, so that `m`
//!   is what the page really shows. (Bonferroni rather than Holm: each label
//!   keeps an interval that agrees with it.)
//! - **A minimum relevant difference** of 0.2 on the 1–5 scale (5 points on
//!   the 0–100 index): a label never sits beside a shown difference of
//!   +0.0 or +0.1, and in large groups a trivial shift is not called a change.
//!
//! The "Verschil" a page shows is [`Trend::shown_difference`], the difference
//! of the rounded means shown beside it, so the three columns always add up.
//!
//! `tests/trend_simulation.rs` checks the rule on simulated pages: unchanged
//! teams of 5 to 40 see a label on well under 10 % of pages, and the rates at
//! which real shifts of half a point are labelled are printed.
//!
//! A round needs at least [`MIN_ANSWERS`] scored answers (otherwise the
//! variance is undefined) and no trend is given. When every answer in both
//! rounds is identical per round, `se` is 0 and a difference of at least the
//! minimum counts as a change: all respondents moved.
//!
//! Compare only groups that are visible under the anonymity rules in both rounds.

use serde::Serialize;

use super::keyed::PerAspect;
use super::score::AspectCounts;
use crate::key::serde_via_key;
use crate::stats::t_upper_quantile;

/// The chance that a page of an unchanged team shows any change label at all
/// (family-wise error rate over the page), before discreteness and the
/// minimum difference make it smaller still.
pub const PAGE_ERROR_RATE: f64 = (100 - PAGE_CONFIDENCE_PCT) as f64 / 100.0;
/// The confidence a page states, in percent: `1 − PAGE_ERROR_RATE`.
pub const PAGE_CONFIDENCE_PCT: u32 = 95;
/// The smallest change in the shown (one-decimal) means that can be labelled, in tenths.
pub const MIN_RELEVANT_TENTHS: i64 = 2;
/// [`MIN_RELEVANT_TENTHS`] on the 1–5 scale.
pub const MIN_RELEVANT_DIFFERENCE: f64 = MIN_RELEVANT_TENTHS as f64 / 10.0;
/// Fewer scored answers than this in either round gives no trend.
pub const MIN_ANSWERS: u32 = 2;

/// Direction of change between two rounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TrendLabel {
    /// Significantly higher than the previous round.
    Rising,
    /// The interval contains 0: no demonstrable change.
    Stable,
    /// Significantly lower than the previous round.
    Falling,
}

impl TrendLabel {
    /// All labels.
    pub const ALL: [TrendLabel; 3] = [TrendLabel::Rising, TrendLabel::Stable, TrendLabel::Falling];

    /// Stable key.
    pub const fn key(self) -> &'static str {
        match self {
            TrendLabel::Rising => "rising",
            TrendLabel::Stable => "stable",
            TrendLabel::Falling => "falling",
        }
    }

    /// Inverse of [`TrendLabel::key`].
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.key() == key)
    }
}

serde_via_key!(TrendLabel);

/// The comparison of one aspect between two rounds. Means are on the 1–5
/// scale; multiply `difference`, `margin` and the interval by 25 for points
/// on the 0–100 index scale.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Trend {
    /// Scored answers in the previous round.
    pub previous_n: u32,
    /// Scored answers in the current round.
    pub current_n: u32,
    /// Mean in the previous round.
    pub previous_mean: f64,
    /// Mean in the current round.
    pub current_mean: f64,
    /// The previous mean rounded to one decimal (half away from zero), as shown.
    pub previous_shown: f64,
    /// The current mean rounded to one decimal, as shown.
    pub current_shown: f64,
    /// `current_shown − previous_shown`: the "Verschil" beside the shown means.
    pub shown_difference: f64,
    /// `current_mean − previous_mean`, unrounded; the interval is centred on it.
    pub difference: f64,
    /// Welch–Satterthwaite degrees of freedom.
    pub degrees_of_freedom: f64,
    /// How many comparisons the page shows, over which the error rate is shared.
    pub comparisons: u32,
    /// Half-width of the interval (coverage `1 − PAGE_ERROR_RATE / comparisons`).
    pub margin: f64,
    /// Lower bound of the interval.
    pub ci_low: f64,
    /// Upper bound of the interval.
    pub ci_high: f64,
    /// Rising, stable or falling.
    pub label: TrendLabel,
}

/// What one comparison needs from its two rounds, before the page is known.
#[derive(Debug, Clone, Copy)]
struct Measured {
    previous_n: u32,
    current_n: u32,
    previous_mean: f64,
    current_mean: f64,
    previous_tenths: i64,
    current_tenths: i64,
    se: f64,
    df: f64,
}

/// The mean in tenths, rounded half away from zero, exactly (integer arithmetic):
/// `round(10 · Σx / n) = ⌊(20 · Σx + n) / 2n⌋` for positive values.
fn mean_tenths(counts: &AspectCounts) -> Option<i64> {
    let n: i64 = counts.counts.iter().map(|&c| i64::from(c)).sum();
    let sum: i64 = counts
        .counts
        .iter()
        .zip(1i64..)
        .map(|(&c, score)| i64::from(c) * score)
        .sum();
    (n > 0).then(|| (20 * sum + n).div_euclid(2 * n))
}

fn measure(previous: &AspectCounts, current: &AspectCounts) -> Option<Measured> {
    let (previous_n, current_n) = (previous.scored(), current.scored());
    if previous_n < MIN_ANSWERS || current_n < MIN_ANSWERS {
        return None;
    }
    let a = previous.sample_variance()? / f64::from(previous_n);
    let b = current.sample_variance()? / f64::from(current_n);
    let se = (a + b).sqrt();
    let df = if a + b > 0.0 {
        (a + b).powi(2) / (a * a / f64::from(previous_n - 1) + b * b / f64::from(current_n - 1))
    } else {
        f64::from(previous_n + current_n - 2)
    };
    Some(Measured {
        previous_n,
        current_n,
        previous_mean: previous.mean()?,
        current_mean: current.mean()?,
        previous_tenths: mean_tenths(previous)?,
        current_tenths: mean_tenths(current)?,
        se,
        df,
    })
}

fn label(m: Measured, comparisons: u32) -> Trend {
    let comparisons = comparisons.max(1);
    let difference = m.current_mean - m.previous_mean;
    let quantile = t_upper_quantile(PAGE_ERROR_RATE / (2.0 * f64::from(comparisons)), m.df);
    let margin = quantile * m.se;
    let (ci_low, ci_high) = (difference - margin, difference + margin);
    let shown_tenths = m.current_tenths - m.previous_tenths;
    let relevant = shown_tenths.abs() >= MIN_RELEVANT_TENTHS;
    let label = if relevant && ci_low > 0.0 {
        TrendLabel::Rising
    } else if relevant && ci_high < 0.0 {
        TrendLabel::Falling
    } else {
        TrendLabel::Stable
    };
    let tenths = |t: i64| t as f64 / 10.0;
    Trend {
        previous_n: m.previous_n,
        current_n: m.current_n,
        previous_mean: m.previous_mean,
        current_mean: m.current_mean,
        previous_shown: tenths(m.previous_tenths),
        current_shown: tenths(m.current_tenths),
        shown_difference: tenths(shown_tenths),
        difference,
        degrees_of_freedom: m.df,
        comparisons,
        margin,
        ci_low,
        ci_high,
        label,
    }
}

/// Compares one aspect between two rounds on a page that shows `comparisons`
/// change labels in all (this one included; 0 counts as 1); `None` when
/// either round has fewer than [`MIN_ANSWERS`] scored answers. Prefer
/// [`compare_page`], which counts the comparisons itself.
pub fn compare(previous: &AspectCounts, current: &AspectCounts, comparisons: u32) -> Option<Trend> {
    measure(previous, current).map(|m| label(m, comparisons))
}

/// Compares every (previous, current) pair a page shows, sharing the error
/// rate over the pairs that get a label (those with enough answers in both
/// rounds). The result is in the order of `pairs`.
pub fn compare_page<'a, I>(pairs: I) -> Vec<Option<Trend>>
where
    I: IntoIterator<Item = (&'a AspectCounts, &'a AspectCounts)>,
{
    let measured: Vec<Option<Measured>> = pairs.into_iter().map(|(p, c)| measure(p, c)).collect();
    let shown = measured.iter().flatten().count();
    let shown = u32::try_from(shown).unwrap_or(u32::MAX);
    measured
        .into_iter()
        .map(|m| m.map(|m| label(m, shown)))
        .collect()
}

/// [`compare_page`] for a page that shows only these five aspects.
pub fn compare_rounds(
    previous: &PerAspect<AspectCounts>,
    current: &PerAspect<AspectCounts>,
) -> PerAspect<Option<Trend>> {
    let mut trends =
        compare_page(previous.iter().map(|(aspect, p)| (p, &current[aspect]))).into_iter();
    previous.map(|_, _| trends.next().flatten())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::aspect::Aspect;
    use proptest::prelude::*;

    fn counts(c: [u32; 5]) -> AspectCounts {
        AspectCounts::new(c, 0)
    }

    fn scaled(c: &AspectCounts, m: u32) -> AspectCounts {
        AspectCounts::new(c.counts.map(|x| x * m), c.dont_know * m)
    }

    #[test]
    fn hand_computed_rise() {
        // previous: 2×1, 4×2, 4×3 → mean 2.2, s² = (10·54 − 22²) / (10·9) = 56/90
        // current:  4×3, 4×4, 2×5 → mean 3.8, s² = (10·150 − 38²) / 90 = 56/90
        // Equal variances and sizes: Welch's df = 18. Five comparisons on the
        // page: t(1 − 0.05/10, 18) = 2.878440 (statistics table).
        let t = compare(&counts([2, 4, 4, 0, 0]), &counts([0, 0, 4, 4, 2]), 5).unwrap();
        let se = (2.0 * 56.0 / 90.0 / 10.0f64).sqrt();
        assert!((t.difference - 1.6).abs() < 1e-12);
        assert!((t.degrees_of_freedom - 18.0).abs() < 1e-9);
        assert!((t.margin - 2.878_440 * se).abs() < 1e-5);
        assert_eq!(t.label, TrendLabel::Rising);
        assert_eq!((t.previous_n, t.current_n, t.comparisons), (10, 10, 5));
        let back = compare(&counts([0, 0, 4, 4, 2]), &counts([2, 4, 4, 0, 0]), 5).unwrap();
        assert_eq!(back.label, TrendLabel::Falling);
    }

    #[test]
    fn more_labels_on_the_page_widen_each_interval() {
        // 30 people: mean 3.0 (s² = 0.62) → 3.7 (s² = 0.84).
        let (p, c) = (counts([0, 9, 12, 9, 0]), counts([0, 3, 9, 12, 6]));
        let one = compare(&p, &c, 1).unwrap();
        let five = compare(&p, &c, 5).unwrap();
        let forty = compare(&p, &c, 40).unwrap();
        assert!(one.margin < five.margin && five.margin < forty.margin);
        // A change on a page of five labels, not on a page of forty (whole scan + 7 departments).
        assert_eq!(five.label, TrendLabel::Rising);
        assert_eq!(forty.label, TrendLabel::Stable);
    }

    #[test]
    fn t_instead_of_normal_for_small_groups() {
        // 5 people each: 3.2 (s² = 0.7) → 4.4 (s² = 0.8), se = √0.3, df ≈ 7.96.
        let t = compare(&counts([0, 1, 2, 2, 0]), &counts([0, 0, 1, 1, 3]), 1).unwrap();
        let se = 0.3f64.sqrt();
        assert!((t.degrees_of_freedom - 0.09 / (0.0049 + 0.0064)).abs() < 1e-9);
        // t(0.975, 7.96) is just above t(0.975, 8) = 2.306.
        assert!(t.margin > 2.306 * se && t.margin < 2.32 * se, "{t:?}");
        // +1.2 would count with 1.96 (±1.07), not with t (±1.27).
        assert!(1.96 * se < t.difference && t.difference < t.margin);
        assert_eq!(t.label, TrendLabel::Stable);
    }

    #[test]
    fn a_significant_but_tiny_change_is_not_labelled() {
        // 3.00 → 3.12 with 4000 people in each round: far outside the noise,
        // but the shown means differ by 0.1, below the minimum of 0.2.
        let p = counts([400, 800, 1600, 800, 400]);
        let c = counts([400, 800, 1120, 1280, 400]);
        let t = compare(&p, &c, 5).unwrap();
        assert!(t.ci_low > 0.0, "{t:?}");
        assert!((t.shown_difference - 0.1).abs() < 1e-12);
        assert_eq!(t.label, TrendLabel::Stable);
        // Twice that shift is labelled.
        let c = counts([400, 800, 640, 1760, 400]);
        assert_eq!(compare(&p, &c, 5).unwrap().label, TrendLabel::Rising);
    }

    #[test]
    fn the_shown_difference_is_the_difference_of_the_shown_means() {
        // 3.24 → 3.36: raw difference 0.12 rounds to 0.1, but the page shows
        // 3.2 and 3.4 beside it, so "Verschil" must read +0.2.
        let p = counts([0, 19, 38, 43, 0]); // 324 / 100
        let c = counts([0, 14, 36, 50, 0]); // 336 / 100
        let t = compare(&p, &c, 1).unwrap();
        assert!((t.difference - 0.12).abs() < 1e-12);
        assert_eq!((t.previous_shown, t.current_shown), (3.2, 3.4));
        assert!((t.shown_difference - 0.2).abs() < 1e-12);
        // Halves round away from zero, exactly (3.25 and 3.35, 3.45 are halves).
        let half = |sum: u32| {
            // 20 answers summing to `sum`: 3s and 4s.
            let fours = sum - 60;
            counts([0, 0, 20 - fours, fours, 0])
        };
        assert_eq!(mean_tenths(&half(65)), Some(33)); // 3.25 → 3.3
        assert_eq!(mean_tenths(&half(67)), Some(34)); // 3.35 → 3.4
        assert_eq!(mean_tenths(&half(69)), Some(35)); // 3.45 → 3.5
        assert_eq!(mean_tenths(&counts([1, 0, 0, 0, 2])), Some(37)); // 11/3 = 3.67
        assert_eq!(mean_tenths(&counts([0; 5])), None);
    }

    #[test]
    fn the_same_shift_counts_only_for_larger_groups() {
        // mean 3.00 → 3.25: within noise for 8 people, a real rise for 160.
        let (p, c) = (counts([0, 2, 4, 2, 0]), counts([0, 1, 4, 3, 0]));
        assert_eq!(compare(&p, &c, 5).unwrap().label, TrendLabel::Stable);
        let big = compare(&scaled(&p, 20), &scaled(&c, 20), 5).unwrap();
        assert_eq!(big.label, TrendLabel::Rising);
    }

    #[test]
    fn too_few_answers_give_no_trend() {
        let one = AspectCounts::new([0, 0, 1, 0, 0], 5);
        assert_eq!(compare(&one, &counts([1, 1, 1, 1, 1]), 1), None);
        assert_eq!(compare(&counts([1, 1, 1, 1, 1]), &counts([0; 5]), 1), None);
    }

    #[test]
    fn everyone_moving_is_a_change() {
        let t = compare(&counts([0, 0, 6, 0, 0]), &counts([0, 0, 0, 6, 0]), 10).unwrap();
        assert_eq!(t.margin, 0.0);
        assert_eq!(t.label, TrendLabel::Rising);
    }

    #[test]
    fn a_page_counts_only_the_comparisons_it_labels() {
        let (p, c) = (counts([0, 3, 4, 3, 0]), counts([0, 1, 3, 4, 2]));
        let too_few = counts([0, 0, 1, 0, 0]);
        let page = compare_page([(&p, &c), (&too_few, &c), (&p, &p)]);
        assert_eq!(page.len(), 3);
        assert_eq!(page[1], None);
        assert_eq!(page[0].unwrap().comparisons, 2);
        assert_eq!(page[0], compare(&p, &c, 2));
        assert_eq!(page[2], compare(&p, &p, 2));
    }

    #[test]
    fn compare_rounds_per_aspect() {
        let mut prev = PerAspect::<AspectCounts>::default();
        let mut cur = PerAspect::<AspectCounts>::default();
        prev[Aspect::Steun] = counts([5, 5, 0, 0, 0]);
        cur[Aspect::Steun] = counts([0, 0, 0, 5, 5]);
        prev[Aspect::Werkwijze] = counts([0, 3, 4, 3, 0]);
        cur[Aspect::Werkwijze] = counts([0, 3, 3, 4, 0]);
        let trends = compare_rounds(&prev, &cur);
        assert_eq!(trends[Aspect::Steun].unwrap().label, TrendLabel::Rising);
        assert_eq!(trends[Aspect::Steun].unwrap().comparisons, 2);
        assert_eq!(trends[Aspect::Werkwijze].unwrap().label, TrendLabel::Stable);
        assert_eq!(trends[Aspect::OpenMening], None);
    }

    fn arb_counts() -> impl Strategy<Value = AspectCounts> {
        (prop::array::uniform5(0u32..30), 0u32..5).prop_map(|(c, dk)| AspectCounts::new(c, dk))
    }

    proptest! {
        #[test]
        fn identical_rounds_are_stable(c in arb_counts(), m in 1u32..40) {
            if let Some(t) = compare(&c, &c, m) {
                prop_assert_eq!(t.label, TrendLabel::Stable);
                prop_assert_eq!(t.difference, 0.0);
                prop_assert_eq!(t.shown_difference, 0.0);
            }
        }

        #[test]
        fn swapping_rounds_mirrors_the_label(a in arb_counts(), b in arb_counts(), m in 1u32..40) {
            let (ab, ba) = (compare(&a, &b, m), compare(&b, &a, m));
            prop_assert_eq!(ab.is_some(), ba.is_some());
            if let (Some(ab), Some(ba)) = (ab, ba) {
                let mirrored = match ab.label {
                    TrendLabel::Rising => TrendLabel::Falling,
                    TrendLabel::Stable => TrendLabel::Stable,
                    TrendLabel::Falling => TrendLabel::Rising,
                };
                prop_assert_eq!(ba.label, mirrored);
                prop_assert_eq!(ab.margin, ba.margin);
                prop_assert_eq!(ab.shown_difference, -ba.shown_difference);
            }
        }

        /// The same distributions with more people never give a wider
        /// interval, so a change seen in a small group survives in a larger one.
        #[test]
        fn more_answers_never_widen(a in arb_counts(), b in arb_counts(), k in 2u32..6, m in 1u32..40) {
            if let (Some(small), Some(large)) = (compare(&a, &b, m), compare(&scaled(&a, k), &scaled(&b, k), m)) {
                prop_assert!(large.margin <= small.margin + 1e-9);
                prop_assert!((large.difference - small.difference).abs() < 1e-12);
                prop_assert_eq!(large.shown_difference, small.shown_difference);
                if small.label != TrendLabel::Stable {
                    prop_assert_eq!(large.label, small.label);
                }
            }
        }

        /// More comparisons on the page never turn a stable aspect into a change.
        #[test]
        fn more_comparisons_never_add_a_label(a in arb_counts(), b in arb_counts(), m in 1u32..40) {
            if let (Some(few), Some(more)) = (compare(&a, &b, m), compare(&a, &b, m + 1)) {
                prop_assert!(more.margin >= few.margin);
                if few.label == TrendLabel::Stable {
                    prop_assert_eq!(more.label, TrendLabel::Stable);
                }
            }
        }

        #[test]
        fn a_label_agrees_with_the_interval_and_the_shown_difference(
            a in arb_counts(), b in arb_counts(), m in 1u32..40
        ) {
            if let Some(t) = compare(&a, &b, m) {
                prop_assert!(t.margin >= 0.0);
                prop_assert!(t.ci_low <= t.difference && t.difference <= t.ci_high);
                // The shown columns add up.
                prop_assert!((t.current_shown - t.previous_shown - t.shown_difference).abs() < 1e-9);
                prop_assert!((t.previous_mean - t.previous_shown).abs() <= 0.05 + 1e-12);
                match t.label {
                    TrendLabel::Rising => {
                        prop_assert!(t.ci_low > 0.0);
                        prop_assert!(t.shown_difference >= MIN_RELEVANT_DIFFERENCE - 1e-9);
                    }
                    TrendLabel::Falling => {
                        prop_assert!(t.ci_high < 0.0);
                        prop_assert!(t.shown_difference <= -MIN_RELEVANT_DIFFERENCE + 1e-9);
                    }
                    TrendLabel::Stable => prop_assert!(
                        (t.ci_low <= 0.0 && t.ci_high >= 0.0)
                            || t.shown_difference.abs() < MIN_RELEVANT_DIFFERENCE - 1e-9
                    ),
                }
            }
        }
    }
}
