//! Change between two scan rounds, per aspect.
//!
//! # Method
//!
//! For each round take the scored answers of the aspect ("weet ik niet"
//! excluded): `n`, the mean and the sample variance `s²` (n − 1 denominator),
//! all derived exactly from the answer counts. Then, Welch-style:
//!
//! ```text
//! difference = mean_current − mean_previous
//! se         = sqrt(s²_previous / n_previous + s²_current / n_current)
//! margin     = 1.96 × se                      (95 % confidence)
//! interval   = [difference − margin, difference + margin]
//! ```
//!
//! The label is [`TrendLabel::Rising`] when the whole interval is above 0,
//! [`TrendLabel::Falling`] when it is below 0, and [`TrendLabel::Stable`]
//! when it contains 0. Small groups have a large `se`, so their interval is
//! wide and a change must be bigger before it counts.
//!
//! A round needs at least [`MIN_ANSWERS`] scored answers (otherwise the
//! variance is undefined) and no trend is given. The normal approximation is
//! rough for very small groups; the anonymity threshold keeps groups at 3 or
//! more. When every answer in both rounds is identical per round, `se` is 0
//! and any difference in means counts as a change: all respondents moved.
//!
//! Compare only groups that are visible under the anonymity rules in both rounds.

use serde::Serialize;

use super::keyed::PerAspect;
use super::score::AspectCounts;
use crate::key::serde_via_key;

/// z-value for a two-sided 95 % interval.
pub const Z_95: f64 = 1.96;
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
    /// `current_mean − previous_mean`.
    pub difference: f64,
    /// Half-width of the 95 % interval.
    pub margin: f64,
    /// Lower bound of the interval.
    pub ci_low: f64,
    /// Upper bound of the interval.
    pub ci_high: f64,
    /// Rising, stable or falling.
    pub label: TrendLabel,
}

/// Compares one aspect between two rounds; `None` when either round has
/// fewer than [`MIN_ANSWERS`] scored answers.
pub fn compare(previous: &AspectCounts, current: &AspectCounts) -> Option<Trend> {
    let (previous_n, current_n) = (previous.scored(), current.scored());
    if previous_n < MIN_ANSWERS || current_n < MIN_ANSWERS {
        return None;
    }
    let (previous_mean, current_mean) = (previous.mean()?, current.mean()?);
    let se = (previous.sample_variance()? / f64::from(previous_n)
        + current.sample_variance()? / f64::from(current_n))
    .sqrt();
    let difference = current_mean - previous_mean;
    let margin = Z_95 * se;
    let (ci_low, ci_high) = (difference - margin, difference + margin);
    let label = if ci_low > 0.0 {
        TrendLabel::Rising
    } else if ci_high < 0.0 {
        TrendLabel::Falling
    } else {
        TrendLabel::Stable
    };
    Some(Trend {
        previous_n,
        current_n,
        previous_mean,
        current_mean,
        difference,
        margin,
        ci_low,
        ci_high,
        label,
    })
}

/// [`compare`] for every aspect.
pub fn compare_rounds(
    previous: &PerAspect<AspectCounts>,
    current: &PerAspect<AspectCounts>,
) -> PerAspect<Option<Trend>> {
    previous.map(|aspect, p| compare(p, &current[aspect]))
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
        let t = compare(&counts([2, 4, 4, 0, 0]), &counts([0, 0, 4, 4, 2])).unwrap();
        let se = (2.0 * 56.0 / 90.0 / 10.0f64).sqrt();
        assert!((t.difference - 1.6).abs() < 1e-12);
        assert!((t.margin - 1.96 * se).abs() < 1e-12);
        assert_eq!(t.label, TrendLabel::Rising);
        assert_eq!((t.previous_n, t.current_n), (10, 10));
        let back = compare(&counts([0, 0, 4, 4, 2]), &counts([2, 4, 4, 0, 0])).unwrap();
        assert_eq!(back.label, TrendLabel::Falling);
    }

    #[test]
    fn the_same_shift_counts_only_for_larger_groups() {
        // mean 3.00 → 3.25: within noise for 8 people, a real rise for 160.
        let (p, c) = (counts([0, 2, 4, 2, 0]), counts([0, 1, 4, 3, 0]));
        assert_eq!(compare(&p, &c).unwrap().label, TrendLabel::Stable);
        let big = compare(&scaled(&p, 20), &scaled(&c, 20)).unwrap();
        assert_eq!(big.label, TrendLabel::Rising);
    }

    #[test]
    fn too_few_answers_give_no_trend() {
        let one = AspectCounts::new([0, 0, 1, 0, 0], 5);
        assert_eq!(compare(&one, &counts([1, 1, 1, 1, 1])), None);
        assert_eq!(compare(&counts([1, 1, 1, 1, 1]), &counts([0; 5])), None);
    }

    #[test]
    fn compare_rounds_per_aspect() {
        let mut prev = PerAspect::<AspectCounts>::default();
        let mut cur = PerAspect::<AspectCounts>::default();
        prev[Aspect::Steun] = counts([5, 5, 0, 0, 0]);
        cur[Aspect::Steun] = counts([0, 0, 0, 5, 5]);
        let trends = compare_rounds(&prev, &cur);
        assert_eq!(trends[Aspect::Steun].unwrap().label, TrendLabel::Rising);
        assert_eq!(trends[Aspect::Werkwijze], None);
    }

    fn arb_counts() -> impl Strategy<Value = AspectCounts> {
        (prop::array::uniform5(0u32..30), 0u32..5).prop_map(|(c, dk)| AspectCounts::new(c, dk))
    }

    proptest! {
        #[test]
        fn identical_rounds_are_stable(c in arb_counts()) {
            if let Some(t) = compare(&c, &c) {
                prop_assert_eq!(t.label, TrendLabel::Stable);
                prop_assert_eq!(t.difference, 0.0);
            }
        }

        #[test]
        fn swapping_rounds_mirrors_the_label(a in arb_counts(), b in arb_counts()) {
            let (ab, ba) = (compare(&a, &b), compare(&b, &a));
            prop_assert_eq!(ab.is_some(), ba.is_some());
            if let (Some(ab), Some(ba)) = (ab, ba) {
                let mirrored = match ab.label {
                    TrendLabel::Rising => TrendLabel::Falling,
                    TrendLabel::Stable => TrendLabel::Stable,
                    TrendLabel::Falling => TrendLabel::Rising,
                };
                prop_assert_eq!(ba.label, mirrored);
                prop_assert_eq!(ab.margin, ba.margin);
            }
        }

        /// The same distributions with more people never give a wider
        /// interval, so a change seen in a small group survives in a larger one.
        #[test]
        fn more_answers_never_widen(a in arb_counts(), b in arb_counts(), m in 2u32..6) {
            if let (Some(small), Some(large)) = (compare(&a, &b), compare(&scaled(&a, m), &scaled(&b, m))) {
                prop_assert!(large.margin <= small.margin + 1e-12);
                prop_assert!((large.difference - small.difference).abs() < 1e-12);
                if small.label != TrendLabel::Stable {
                    prop_assert_eq!(large.label, small.label);
                }
            }
        }

        #[test]
        fn interval_is_centred_on_the_difference(a in arb_counts(), b in arb_counts()) {
            if let Some(t) = compare(&a, &b) {
                prop_assert!(t.margin >= 0.0);
                prop_assert!(t.ci_low <= t.difference && t.difference <= t.ci_high);
                prop_assert_eq!(t.label == TrendLabel::Stable, t.ci_low <= 0.0 && t.ci_high >= 0.0);
            }
        }
    }
}
