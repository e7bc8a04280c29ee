//! From results to next steps: employer actions and provider categories.
//!
//! Each aspect that is not [`Band::Good`] maps to the employer actions from
//! the article and to service categories of HR providers; each signal that is
//! a concern (see [`super::score::SIGNAL_CONCERN_MIN_ADVERSE_PCT`]) does too.
//! Everything is returned as codes; the web layer words them, and the
//! category keys pre-fill an intake.

use serde::Serialize;

use super::aspect::{Aspect, Signal};
use super::score::{Band, ScanStats};
use crate::key::serde_via_key;

/// An employer action from the article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    /// Give clear goals, but let go of how people reach them.
    ClearGoals,
    /// Invite ideas: regularly ask "how would you approach this?" (meedenken).
    InviteIdeas,
    /// Train managers in coaching leadership: guide rather than control.
    CoachingLeadership,
    /// Create psychological safety: mistakes are allowed, every voice counts.
    PsychologicalSafety,
    /// Redesign tasks where rules or unclear processes block autonomy.
    RedesignTasks,
}

impl Action {
    /// All actions in the article's order.
    pub const ALL: [Action; 5] = [
        Action::ClearGoals,
        Action::InviteIdeas,
        Action::CoachingLeadership,
        Action::PsychologicalSafety,
        Action::RedesignTasks,
    ];

    /// Stable key.
    pub const fn key(self) -> &'static str {
        match self {
            Action::ClearGoals => "heldere_doelen",
            Action::InviteIdeas => "meedenken_stimuleren",
            Action::CoachingLeadership => "coachend_leiderschap",
            Action::PsychologicalSafety => "psychologische_veiligheid",
            Action::RedesignTasks => "taken_herontwerpen",
        }
    }

    /// Inverse of [`Action::key`].
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.key() == key)
    }
}

/// A service category of HR providers (dienstverleners). The first four come
/// from the article; the rest are the usual HR/arbo categories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ServiceCategory {
    /// Coaching and leadership training.
    CoachingLeiderschap,
    /// HR advice on job design and task allocation.
    FunctieontwerpTaakverdeling,
    /// Work culture and psychological safety.
    WerkcultuurPsychologischeVeiligheid,
    /// Absenteeism from mental pressure or lack of control.
    VerzuimMentaleDruk,
    /// Career development and (re)deployment of talents.
    LoopbaanOntwikkeling,
    /// Team development.
    Teamontwikkeling,
    /// Occupational health and safety services (arbodienst).
    Arbodienstverlening,
    /// General HR advice.
    HrAdvies,
}

impl ServiceCategory {
    /// All categories.
    pub const ALL: [ServiceCategory; 8] = [
        ServiceCategory::CoachingLeiderschap,
        ServiceCategory::FunctieontwerpTaakverdeling,
        ServiceCategory::WerkcultuurPsychologischeVeiligheid,
        ServiceCategory::VerzuimMentaleDruk,
        ServiceCategory::LoopbaanOntwikkeling,
        ServiceCategory::Teamontwikkeling,
        ServiceCategory::Arbodienstverlening,
        ServiceCategory::HrAdvies,
    ];

    /// Stable key (database, URLs, intake form).
    pub const fn key(self) -> &'static str {
        match self {
            ServiceCategory::CoachingLeiderschap => "coaching_leiderschap",
            ServiceCategory::FunctieontwerpTaakverdeling => "functieontwerp_taakverdeling",
            ServiceCategory::WerkcultuurPsychologischeVeiligheid => {
                "werkcultuur_psychologische_veiligheid"
            }
            ServiceCategory::VerzuimMentaleDruk => "verzuim_mentale_druk",
            ServiceCategory::LoopbaanOntwikkeling => "loopbaan_ontwikkeling",
            ServiceCategory::Teamontwikkeling => "teamontwikkeling",
            ServiceCategory::Arbodienstverlening => "arbodienstverlening",
            ServiceCategory::HrAdvies => "hr_advies",
        }
    }

    /// Inverse of [`ServiceCategory::key`].
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.key() == key)
    }
}

serde_via_key!(Action, ServiceCategory);

use Action as A;
use ServiceCategory as C;

/// Actions for a weak aspect, most fitting first.
pub const fn actions_for(aspect: Aspect) -> &'static [Action] {
    match aspect {
        Aspect::Werkwijze => &[A::ClearGoals, A::CoachingLeadership, A::RedesignTasks],
        Aspect::SterkePunten => &[A::RedesignTasks, A::InviteIdeas, A::CoachingLeadership],
        Aspect::Taakinvloed => &[A::RedesignTasks, A::InviteIdeas, A::ClearGoals],
        Aspect::OpenMening => &[
            A::PsychologicalSafety,
            A::InviteIdeas,
            A::CoachingLeadership,
        ],
        Aspect::Steun => &[
            A::CoachingLeadership,
            A::PsychologicalSafety,
            A::InviteIdeas,
        ],
    }
}

/// Provider categories for a weak aspect, most fitting first.
pub const fn categories_for(aspect: Aspect) -> &'static [ServiceCategory] {
    match aspect {
        Aspect::Werkwijze => &[C::CoachingLeiderschap, C::FunctieontwerpTaakverdeling],
        Aspect::SterkePunten => &[C::FunctieontwerpTaakverdeling, C::LoopbaanOntwikkeling],
        Aspect::Taakinvloed => &[C::FunctieontwerpTaakverdeling, C::CoachingLeiderschap],
        Aspect::OpenMening => &[C::WerkcultuurPsychologischeVeiligheid, C::Teamontwikkeling],
        Aspect::Steun => &[
            C::CoachingLeiderschap,
            C::WerkcultuurPsychologischeVeiligheid,
        ],
    }
}

/// Actions for a signal of concern, most fitting first.
pub const fn actions_for_signal(signal: Signal) -> &'static [Action] {
    match signal {
        Signal::Fatigue => &[A::RedesignTasks, A::ClearGoals, A::PsychologicalSafety],
        Signal::Initiative => &[A::InviteIdeas, A::CoachingLeadership],
        Signal::IntentionToLeave => &[A::CoachingLeadership, A::InviteIdeas],
    }
}

/// Provider categories for a signal of concern, most fitting first.
pub const fn categories_for_signal(signal: Signal) -> &'static [ServiceCategory] {
    match signal {
        Signal::Fatigue => &[C::VerzuimMentaleDruk, C::FunctieontwerpTaakverdeling],
        Signal::Initiative => &[C::CoachingLeiderschap, C::Teamontwikkeling],
        Signal::IntentionToLeave => &[C::LoopbaanOntwikkeling, C::CoachingLeiderschap],
    }
}

/// Advice for one aspect that is not good.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AspectAdvice {
    /// The aspect.
    pub aspect: Aspect,
    /// Its band (attention or werk aan de winkel).
    pub band: Band,
    /// Employer actions, most fitting first.
    pub actions: &'static [Action],
    /// Provider categories, most fitting first.
    pub categories: &'static [ServiceCategory],
}

/// Advice for one signal of concern.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SignalAdvice {
    /// The signal.
    pub signal: Signal,
    /// Share of adverse answers, 0–100.
    pub adverse_pct: f64,
    /// Employer actions, most fitting first.
    pub actions: &'static [Action],
    /// Provider categories, most fitting first.
    pub categories: &'static [ServiceCategory],
}

/// Advice for a whole result.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Advice {
    /// Weak aspects, worst first: werk aan de winkel before attention, then
    /// lowest favourable share, then questionnaire order.
    pub aspects: Vec<AspectAdvice>,
    /// Signals of concern, highest adverse share first.
    pub signals: Vec<SignalAdvice>,
    /// All actions without duplicates, in order of first appearance above.
    pub actions: Vec<Action>,
    /// All categories without duplicates, in order of first appearance
    /// above: use these to pre-fill an intake.
    pub categories: Vec<ServiceCategory>,
}

impl Advice {
    /// True when nothing needs attention.
    pub fn is_empty(&self) -> bool {
        self.aspects.is_empty() && self.signals.is_empty()
    }
}

/// Builds the advice for a (visible) result.
pub fn advise(stats: &ScanStats) -> Advice {
    let mut aspects: Vec<(AspectAdvice, f64)> = stats
        .aspects
        .iter()
        .filter_map(|(aspect, s)| {
            let band = s.band.filter(|b| *b != Band::Good)?;
            let advice = AspectAdvice {
                aspect,
                band,
                actions: actions_for(aspect),
                categories: categories_for(aspect),
            };
            Some((advice, s.favourable_pct.unwrap_or(0.0)))
        })
        .collect();
    // Stable sort keeps questionnaire order among equals.
    aspects.sort_by(|(a, fa), (b, fb)| b.band.cmp(&a.band).then(fa.total_cmp(fb)));

    let mut signals: Vec<SignalAdvice> = stats
        .signals
        .iter()
        .filter(|(_, s)| s.concern == Some(true))
        .map(|(signal, s)| SignalAdvice {
            signal,
            adverse_pct: s.adverse_pct.unwrap_or(0.0),
            actions: actions_for_signal(signal),
            categories: categories_for_signal(signal),
        })
        .collect();
    signals.sort_by(|a, b| b.adverse_pct.total_cmp(&a.adverse_pct));

    let aspects: Vec<AspectAdvice> = aspects.into_iter().map(|(a, _)| a).collect();
    let actions = dedup(
        aspects
            .iter()
            .flat_map(|a| a.actions)
            .chain(signals.iter().flat_map(|s| s.actions)),
    );
    let categories = dedup(
        aspects
            .iter()
            .flat_map(|a| a.categories)
            .chain(signals.iter().flat_map(|s| s.categories)),
    );
    Advice {
        aspects,
        signals,
        actions,
        categories,
    }
}

/// Keeps the first occurrence of each item, preserving order.
fn dedup<'a, T: PartialEq + Copy + 'a>(items: impl Iterator<Item = &'a T>) -> Vec<T> {
    let mut out = Vec::new();
    for &item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::score::{AspectCounts, ScanCounts};

    #[test]
    fn every_aspect_and_signal_has_advice() {
        for aspect in Aspect::ALL {
            assert!(!actions_for(aspect).is_empty());
            assert!(!categories_for(aspect).is_empty());
        }
        for signal in Signal::ALL {
            assert!(!actions_for_signal(signal).is_empty());
            assert!(!categories_for_signal(signal).is_empty());
        }
        for a in Action::ALL {
            assert_eq!(Action::from_key(a.key()), Some(a));
        }
        for c in ServiceCategory::ALL {
            assert_eq!(ServiceCategory::from_key(c.key()), Some(c));
        }
    }

    #[test]
    fn the_article_categories_are_all_reachable() {
        let reachable: Vec<_> = Aspect::ALL
            .into_iter()
            .flat_map(categories_for)
            .chain(Signal::ALL.into_iter().flat_map(categories_for_signal))
            .copied()
            .collect();
        for c in &ServiceCategory::ALL[..4] {
            assert!(reachable.contains(c), "{c:?}");
        }
    }

    #[test]
    fn weak_aspects_are_ranked_worst_first() {
        let mut c = ScanCounts {
            responses: 10,
            ..Default::default()
        };
        for aspect in Aspect::ALL {
            c.aspects[aspect] = AspectCounts::new([0, 0, 0, 5, 5], 0); // good
        }
        c.aspects[Aspect::Steun] = AspectCounts::new([0, 0, 4, 6, 0], 0); // attention
        c.aspects[Aspect::OpenMening] = AspectCounts::new([4, 2, 2, 2, 0], 0); // werk, 20 %
        c.aspects[Aspect::Werkwijze] = AspectCounts::new([0, 4, 2, 4, 0], 0); // werk, 40 %
        c.signals[Signal::Fatigue] = AspectCounts::new([2, 2, 2, 4, 0], 0); // 40 % adverse
        let advice = advise(&ScanStats::from_counts(&c));

        let order: Vec<_> = advice.aspects.iter().map(|a| (a.aspect, a.band)).collect();
        assert_eq!(
            order,
            [
                (Aspect::OpenMening, Band::WerkAanDeWinkel),
                (Aspect::Werkwijze, Band::WerkAanDeWinkel),
                (Aspect::Steun, Band::Attention),
            ]
        );
        assert_eq!(advice.signals.len(), 1);
        assert_eq!(advice.signals[0].signal, Signal::Fatigue);
        assert_eq!(advice.actions[0], Action::PsychologicalSafety);
        assert_eq!(
            advice.categories[0],
            ServiceCategory::WerkcultuurPsychologischeVeiligheid
        );
        assert!(
            advice
                .categories
                .contains(&ServiceCategory::VerzuimMentaleDruk)
        );
        let mut unique = advice.actions.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), advice.actions.len());
    }

    #[test]
    fn good_results_need_no_advice() {
        let mut c = ScanCounts {
            responses: 10,
            ..Default::default()
        };
        for aspect in Aspect::ALL {
            c.aspects[aspect] = AspectCounts::new([0, 0, 1, 4, 5], 0);
        }
        assert!(advise(&ScanStats::from_counts(&c)).is_empty());
        assert!(advise(&ScanStats::from_counts(&ScanCounts::default())).is_empty());
    }
}
