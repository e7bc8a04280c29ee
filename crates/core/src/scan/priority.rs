//! The few priorities a results page opens with: which aspect, where, and
//! the first step from the article.
//!
//! # Rule
//!
//! Every aspect that is not [`Band::Good`] in a visible group is a candidate:
//! the whole scan and each visible department. Candidates are ranked by
//!
//! 1. band: "werk aan de winkel" before "aandacht nodig";
//! 2. scope: the whole scan before a department (it concerns everyone);
//! 3. the lowest share of favourable answers first;
//! 4. questionnaire order, then department order, for a stable result.
//!
//! Each aspect appears once: its highest-ranked candidate names where it
//! falls short most. At most [`MAX_PRIORITIES`] are returned, so that a page
//! of a team with many departments still starts with three things to do.

use super::advice::{Action, actions_for};
use super::aspect::Aspect;
use super::score::{Band, ScanStats};

/// How many priorities a page opens with.
pub const MAX_PRIORITIES: usize = 3;

/// One priority: an aspect that falls short in a group.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Priority<G> {
    /// Where it falls short most: the whole scan or a department.
    pub group: G,
    /// `true` when `group` is the whole scan.
    pub whole_scan: bool,
    pub aspect: Aspect,
    /// Attention or werk aan de winkel, never good.
    pub band: Band,
    /// Share of favourable answers in that group, 0–100.
    pub favourable_pct: f64,
    /// The first step the article advises for this aspect.
    pub first_action: Action,
}

/// The top priorities for a page, given the whole scan's figures (when
/// visible) and each visible department's, in page order.
pub fn priorities<G: Copy>(
    whole: Option<(G, &ScanStats)>,
    departments: &[(G, &ScanStats)],
) -> Vec<Priority<G>> {
    let groups = whole
        .map(|(g, s)| (g, true, s))
        .into_iter()
        .chain(departments.iter().map(|(g, s)| (*g, false, *s)));
    let mut candidates: Vec<(usize, Priority<G>)> = Vec::new();
    for (order, (group, whole_scan, stats)) in groups.enumerate() {
        for (aspect, s) in stats.aspects.iter() {
            let Some(band) = s.band.filter(|b| *b != Band::Good) else {
                continue;
            };
            let first_action = actions_for(aspect)[0];
            candidates.push((
                order,
                Priority {
                    group,
                    whole_scan,
                    aspect,
                    band,
                    favourable_pct: s.favourable_pct.unwrap_or(0.0),
                    first_action,
                },
            ));
        }
    }
    candidates.sort_by(|(order_a, a), (order_b, b)| {
        b.band
            .cmp(&a.band)
            .then(b.whole_scan.cmp(&a.whole_scan))
            .then(a.favourable_pct.total_cmp(&b.favourable_pct))
            .then(a.aspect.cmp(&b.aspect))
            .then(order_a.cmp(order_b))
    });
    let mut chosen: Vec<Priority<G>> = Vec::with_capacity(MAX_PRIORITIES);
    for (_, candidate) in candidates {
        if chosen.len() == MAX_PRIORITIES {
            break;
        }
        if chosen.iter().all(|c| c.aspect != candidate.aspect) {
            chosen.push(candidate);
        }
    }
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::score::{AspectCounts, ScanCounts};

    /// Figures where every aspect has `counts` (answers 1..5) unless overridden.
    fn stats(default: [u32; 5], overrides: &[(Aspect, [u32; 5])]) -> ScanStats {
        let mut counts = ScanCounts::default();
        counts.responses = default.iter().sum();
        for aspect in Aspect::ALL {
            let per = overrides
                .iter()
                .find(|(a, _)| *a == aspect)
                .map_or(default, |(_, c)| *c);
            counts.aspects[aspect] = AspectCounts {
                counts: per,
                dont_know: 0,
            };
        }
        ScanStats::from_counts(&counts)
    }

    const GOOD: [u32; 5] = [0, 0, 1, 5, 4];
    const ATTENTION: [u32; 5] = [1, 1, 3, 3, 2];
    const WERK: [u32; 5] = [3, 3, 2, 1, 1];

    #[test]
    fn a_good_team_has_no_priorities() {
        let whole = stats(GOOD, &[]);
        assert!(priorities(Some(("all", &whole)), &[]).is_empty());
    }

    #[test]
    fn werk_aan_de_winkel_comes_before_attention_and_the_whole_before_a_department() {
        let aspects = Aspect::ALL;
        let whole = stats(GOOD, &[(aspects[0], ATTENTION), (aspects[1], WERK)]);
        let bakery = stats(GOOD, &[(aspects[2], WERK)]);
        let shop = stats(GOOD, &[(aspects[3], ATTENTION)]);
        let found = priorities(
            Some(("all", &whole)),
            &[("bakery", &bakery), ("shop", &shop)],
        );
        let got: Vec<(&str, Aspect, Band)> =
            found.iter().map(|p| (p.group, p.aspect, p.band)).collect();
        assert_eq!(
            got,
            vec![
                ("all", aspects[1], Band::WerkAanDeWinkel),
                ("bakery", aspects[2], Band::WerkAanDeWinkel),
                ("all", aspects[0], Band::Attention),
            ]
        );
        assert!(found[0].whole_scan && !found[1].whole_scan);
        assert_eq!(found[0].first_action, actions_for(aspects[1])[0]);
    }

    #[test]
    fn an_aspect_is_named_once_where_it_is_worst() {
        let aspect = Aspect::ALL[4];
        let whole = stats(GOOD, &[(aspect, ATTENTION)]);
        let bakery = stats(GOOD, &[(aspect, WERK)]);
        let found = priorities(Some(("all", &whole)), &[("bakery", &bakery)]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].group, "bakery");
        assert_eq!(found[0].band, Band::WerkAanDeWinkel);
    }

    #[test]
    fn at_most_three_even_when_everything_falls_short() {
        let whole = stats(WERK, &[]);
        let found = priorities(Some(("all", &whole)), &[("bakery", &whole)]);
        assert_eq!(found.len(), MAX_PRIORITIES);
        assert!(found.iter().all(|p| p.whole_scan));
    }

    #[test]
    fn a_hidden_whole_scan_still_ranks_departments() {
        let bakery = stats(GOOD, &[(Aspect::ALL[0], ATTENTION)]);
        let found = priorities(None, &[("bakery", &bakery)]);
        assert_eq!(found.len(), 1);
        assert!(!found[0].whole_scan);
    }
}
