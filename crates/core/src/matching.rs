//! Matching an intake to providers (dienstverleners), explaining every step.
//!
//! Pure: the caller hands in the request and the candidate profiles (mapped from whatever
//! storage holds) and gets back a ranking. Every provider comes back exactly once: ranked,
//! with a score and one [`Reason`] per criterion (met or not), or excluded with an
//! [`Exclusion`]. Everything is a code; the web layer words it ("waarom deze match").
//!
//! Rules:
//! - Excluded: a provider that is paused, one without capacity left, and (when the request
//!   names or suggests categories) one that offers none of them.
//! - Score: the sum of the weights of the criteria a provider meets. Every weight counts as at
//!   least 1, so a provider that meets a strict superset of another's criteria always scores
//!   higher and ranks above it.
//! - Past feedback: every ranked provider is judged on it. It is met with at least
//!   [`GOOD_FEEDBACK_MIN_RATINGS`] ratings averaging at least
//!   [`GOOD_FEEDBACK_MIN_MEAN`](crate::introduction::GOOD_FEEDBACK_MIN_MEAN); a
//!   provider without ratings is not excluded, it only misses these points and says so
//!   (`no_feedback_yet`), so newcomers still rank on everything else.
//! - Ties: more capacity left first, then a rotation order derived from the request's
//!   `rotation` seed (so equally good providers take turns across requests), then the id.
//!   The same input always gives the same output, whatever the order of the candidates.

use crate::introduction::{GOOD_FEEDBACK_MIN_RATINGS, ProviderRecord, is_good_feedback};
use crate::provider::{CompanySize, Province};
use crate::scan::advice::{ServiceCategory, categories_for};
use crate::scan::aspect::Aspect;

/// How urgent the employer says the question is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Urgency {
    #[default]
    Normal,
    /// Help is needed soon: providers with room for more than one introduction score higher.
    High,
}

impl Urgency {
    pub const fn key(self) -> &'static str {
        match self {
            Urgency::Normal => "normal",
            Urgency::High => "high",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        [Urgency::Normal, Urgency::High]
            .into_iter()
            .find(|u| u.key() == key)
    }
}

/// Open introductions a provider must still be able to take to count as having room for an
/// urgent request.
pub const URGENT_MIN_ROOM: u32 = 2;

/// What the matching looks at in an intake.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MatchRequest {
    /// Categories the employer chose.
    pub categories: Vec<ServiceCategory>,
    /// Aspects a scan found weak (aggregates only); their categories (see
    /// [`categories_for`]) count as suggested when not chosen already.
    pub weak_aspects: Vec<Aspect>,
    pub province: Option<Province>,
    pub company_size: Option<CompanySize>,
    /// ISO 639-1 code of the language the employer wants to be helped in, lowercase.
    pub language: Option<String>,
    pub urgency: Urgency,
    /// Seed for the order among equally good providers (e.g. the intake's id).
    pub rotation: u64,
}

/// Where a wanted category comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CategorySource {
    /// Chosen on the form.
    Chosen,
    /// Suggested by a weak aspect of the employer's scan.
    Scan,
}

impl MatchRequest {
    /// Wanted categories: chosen ones first, then those the scan suggests, without duplicates.
    pub fn wanted_categories(&self) -> Vec<(ServiceCategory, CategorySource)> {
        let mut wanted: Vec<(ServiceCategory, CategorySource)> = Vec::new();
        let chosen = self.categories.iter().map(|c| (*c, CategorySource::Chosen));
        let suggested = self
            .weak_aspects
            .iter()
            .flat_map(|a| categories_for(*a).iter())
            .map(|c| (*c, CategorySource::Scan));
        for (category, source) in chosen.chain(suggested) {
            if !wanted.iter().any(|(c, _)| *c == category) {
                wanted.push((category, source));
            }
        }
        wanted
    }
}

/// A provider as the matching sees it. The provider area maps its rows into this.
///
/// `Default` is an empty, paused profile without history: callers set what they know and
/// fill the rest with `..Default::default()`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProviderProfile {
    pub id: i64,
    pub categories: Vec<ServiceCategory>,
    pub provinces: Vec<Province>,
    pub sizes: Vec<CompanySize>,
    /// ISO 639-1 codes, lowercase.
    pub languages: Vec<String>,
    /// Open introductions it can still take.
    pub capacity_left: u32,
    /// False while the provider has paused new introductions.
    pub accepting: bool,
    /// Past introductions and feedback; the default is a provider without history.
    pub record: ProviderRecord,
}

/// Weights of the criteria. A weight of 0 counts as 1 (see the module rules).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Weights {
    /// Per chosen category the provider offers.
    pub chosen_category: u32,
    /// Per scan-suggested category the provider offers.
    pub scan_category: u32,
    pub province: u32,
    pub company_size: u32,
    pub language: u32,
    /// Room for an urgent request (only judged when the request is urgent).
    pub urgent_room: u32,
    /// Good past feedback (always judged).
    pub feedback: u32,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            chosen_category: 10,
            scan_category: 4,
            province: 6,
            company_size: 4,
            language: 3,
            urgent_room: 2,
            feedback: 3,
        }
    }
}

/// One criterion a provider is judged on.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Criterion {
    Category(ServiceCategory),
    Province,
    CompanySize,
    Language,
    UrgentRoom,
    Feedback,
}

/// Why a provider scored what it did, one per criterion judged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// A wanted category: offered or not.
    Category {
        category: ServiceCategory,
        source: CategorySource,
        offered: bool,
    },
    /// Serves the employer's province or not.
    Province { province: Province, served: bool },
    /// Works for companies of this size or not.
    CompanySize { size: CompanySize, served: bool },
    /// Speaks the wanted language or not.
    Language { language: String, spoken: bool },
    /// For an urgent request: has room for at least [`URGENT_MIN_ROOM`] introductions or not.
    UrgentRoom { capacity_left: u32, enough: bool },
    /// Past feedback: how many ratings and their sum (met per [`is_good_feedback`]).
    Feedback { ratings: u32, rating_sum: u32 },
}

impl Reason {
    /// Stable code for translations, e.g. `category_chosen` / `category_chosen_missing`.
    pub fn code(&self) -> &'static str {
        match self {
            Reason::Category {
                source: CategorySource::Chosen,
                offered: true,
                ..
            } => "category_chosen",
            Reason::Category {
                source: CategorySource::Chosen,
                offered: false,
                ..
            } => "category_chosen_missing",
            Reason::Category {
                source: CategorySource::Scan,
                offered: true,
                ..
            } => "category_scan",
            Reason::Category {
                source: CategorySource::Scan,
                offered: false,
                ..
            } => "category_scan_missing",
            Reason::Province { served: true, .. } => "province",
            Reason::Province { served: false, .. } => "province_missing",
            Reason::CompanySize { served: true, .. } => "size",
            Reason::CompanySize { served: false, .. } => "size_missing",
            Reason::Language { spoken: true, .. } => "language",
            Reason::Language { spoken: false, .. } => "language_missing",
            Reason::UrgentRoom { enough: true, .. } => "urgent_room",
            Reason::UrgentRoom { enough: false, .. } => "urgent_room_missing",
            Reason::Feedback { ratings: 0, .. } => "no_feedback_yet",
            Reason::Feedback {
                ratings,
                rating_sum,
            } => {
                if is_good_feedback(*ratings, *rating_sum) {
                    "good_feedback"
                } else if *ratings < GOOD_FEEDBACK_MIN_RATINGS {
                    "feedback_too_few"
                } else {
                    "feedback_below_good"
                }
            }
        }
    }

    /// The criterion judged.
    pub fn criterion(&self) -> Criterion {
        match self {
            Reason::Category { category, .. } => Criterion::Category(*category),
            Reason::Province { .. } => Criterion::Province,
            Reason::CompanySize { .. } => Criterion::CompanySize,
            Reason::Language { .. } => Criterion::Language,
            Reason::UrgentRoom { .. } => Criterion::UrgentRoom,
            Reason::Feedback { .. } => Criterion::Feedback,
        }
    }

    /// True when the provider meets the criterion.
    pub fn met(&self) -> bool {
        match self {
            Reason::Category { offered, .. } => *offered,
            Reason::Province { served, .. } | Reason::CompanySize { served, .. } => *served,
            Reason::Language { spoken, .. } => *spoken,
            Reason::UrgentRoom { enough, .. } => *enough,
            Reason::Feedback {
                ratings,
                rating_sum,
            } => is_good_feedback(*ratings, *rating_sum),
        }
    }

    /// What meeting this criterion adds to the score.
    pub fn weight(&self, weights: &Weights) -> u32 {
        let w = match self {
            Reason::Category {
                source: CategorySource::Chosen,
                ..
            } => weights.chosen_category,
            Reason::Category {
                source: CategorySource::Scan,
                ..
            } => weights.scan_category,
            Reason::Province { .. } => weights.province,
            Reason::CompanySize { .. } => weights.company_size,
            Reason::Language { .. } => weights.language,
            Reason::UrgentRoom { .. } => weights.urgent_room,
            Reason::Feedback { .. } => weights.feedback,
        };
        w.max(1)
    }
}

/// Why a provider is not in the ranking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Exclusion {
    /// The provider paused new introductions.
    Paused,
    /// No capacity left for another open introduction.
    Full,
    /// Offers none of the wanted categories.
    NoCategory,
}

impl Exclusion {
    pub const fn code(self) -> &'static str {
        match self {
            Exclusion::Paused => "paused",
            Exclusion::Full => "full",
            Exclusion::NoCategory => "no_category",
        }
    }
}

/// A provider in the ranking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ranked {
    pub provider_id: i64,
    pub score: u32,
    pub capacity_left: u32,
    /// One per criterion judged, in the order: categories (wanted order), province, size,
    /// language, urgency, feedback.
    pub reasons: Vec<Reason>,
}

/// A provider left out, with why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Excluded {
    pub provider_id: i64,
    pub exclusion: Exclusion,
}

/// The outcome: best first, and the excluded ordered by id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ranking {
    pub ranked: Vec<Ranked>,
    pub excluded: Vec<Excluded>,
}

/// A fixed mix of the seed and the id (splitmix64): equal seeds give equal orders, and
/// different seeds shuffle equally good providers.
fn rotation_key(seed: u64, id: i64) -> u64 {
    let mut z = seed ^ (id as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Judges one provider against the request (it is assumed to be available).
fn reasons_for(
    request: &MatchRequest,
    wanted: &[(ServiceCategory, CategorySource)],
    provider: &ProviderProfile,
) -> Vec<Reason> {
    let mut reasons: Vec<Reason> = wanted
        .iter()
        .map(|(category, source)| Reason::Category {
            category: *category,
            source: *source,
            offered: provider.categories.contains(category),
        })
        .collect();
    if let Some(province) = request.province {
        reasons.push(Reason::Province {
            province,
            served: provider.provinces.contains(&province),
        });
    }
    if let Some(size) = request.company_size {
        reasons.push(Reason::CompanySize {
            size,
            served: provider.sizes.contains(&size),
        });
    }
    if let Some(language) = &request.language {
        reasons.push(Reason::Language {
            language: language.clone(),
            spoken: provider.languages.iter().any(|l| l == language),
        });
    }
    if request.urgency == Urgency::High {
        reasons.push(Reason::UrgentRoom {
            capacity_left: provider.capacity_left,
            enough: provider.capacity_left >= URGENT_MIN_ROOM,
        });
    }
    reasons.push(Reason::Feedback {
        ratings: provider.record.ratings,
        rating_sum: provider.record.rating_sum,
    });
    reasons
}

/// Ranks `providers` for `request`.
pub fn rank(request: &MatchRequest, providers: &[ProviderProfile], weights: &Weights) -> Ranking {
    let wanted = request.wanted_categories();
    let mut ranking = Ranking::default();
    for provider in providers {
        let exclusion = if !provider.accepting {
            Some(Exclusion::Paused)
        } else if provider.capacity_left == 0 {
            Some(Exclusion::Full)
        } else if !wanted.is_empty() && !wanted.iter().any(|(c, _)| provider.categories.contains(c))
        {
            Some(Exclusion::NoCategory)
        } else {
            None
        };
        if let Some(exclusion) = exclusion {
            ranking.excluded.push(Excluded {
                provider_id: provider.id,
                exclusion,
            });
            continue;
        }
        let reasons = reasons_for(request, &wanted, provider);
        let score = reasons
            .iter()
            .filter(|r| r.met())
            .map(|r| r.weight(weights))
            .sum();
        ranking.ranked.push(Ranked {
            provider_id: provider.id,
            score,
            capacity_left: provider.capacity_left,
            reasons,
        });
    }
    ranking.ranked.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then(b.capacity_left.cmp(&a.capacity_left))
            .then_with(|| {
                rotation_key(request.rotation, a.provider_id)
                    .cmp(&rotation_key(request.rotation, b.provider_id))
            })
            .then(a.provider_id.cmp(&b.provider_id))
    });
    ranking.excluded.sort_by_key(|e| e.provider_id);
    ranking
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    use ServiceCategory as C;

    fn provider(id: i64) -> ProviderProfile {
        ProviderProfile {
            id,
            categories: vec![C::CoachingLeiderschap],
            provinces: vec![Province::Utrecht],
            sizes: vec![CompanySize::Small],
            languages: vec!["nl".into()],
            capacity_left: 3,
            accepting: true,
            record: ProviderRecord::default(),
        }
    }

    fn request() -> MatchRequest {
        MatchRequest {
            categories: vec![C::CoachingLeiderschap],
            weak_aspects: vec![],
            province: Some(Province::Utrecht),
            company_size: Some(CompanySize::Small),
            language: Some("nl".into()),
            urgency: Urgency::Normal,
            rotation: 7,
        }
    }

    fn ids(ranking: &Ranking) -> Vec<i64> {
        ranking.ranked.iter().map(|r| r.provider_id).collect()
    }

    #[test]
    fn a_full_match_explains_every_criterion() {
        let ranking = rank(&request(), &[provider(1)], &Weights::default());
        let r = &ranking.ranked[0];
        let codes: Vec<&str> = r.reasons.iter().map(Reason::code).collect();
        assert_eq!(
            codes,
            [
                "category_chosen",
                "province",
                "size",
                "language",
                "no_feedback_yet"
            ]
        );
        assert_eq!(r.score, 10 + 6 + 4 + 3);
    }

    #[test]
    fn paused_full_and_unrelated_providers_are_excluded_with_a_reason() {
        let paused = ProviderProfile {
            accepting: false,
            ..provider(1)
        };
        let full = ProviderProfile {
            capacity_left: 0,
            ..provider(2)
        };
        let unrelated = ProviderProfile {
            categories: vec![C::Arbodienstverlening],
            ..provider(3)
        };
        let ranking = rank(
            &request(),
            &[unrelated, full, paused, provider(4)],
            &Weights::default(),
        );
        assert_eq!(ids(&ranking), [4]);
        let excluded: Vec<(i64, &str)> = ranking
            .excluded
            .iter()
            .map(|e| (e.provider_id, e.exclusion.code()))
            .collect();
        assert_eq!(excluded, [(1, "paused"), (2, "full"), (3, "no_category")]);
    }

    #[test]
    fn a_province_elsewhere_ranks_lower_and_says_so() {
        let far = ProviderProfile {
            provinces: vec![Province::Zeeland],
            ..provider(1)
        };
        let ranking = rank(&request(), &[far, provider(2)], &Weights::default());
        assert_eq!(ids(&ranking), [2, 1]);
        assert!(
            ranking.ranked[1]
                .reasons
                .iter()
                .any(|r| r.code() == "province_missing")
        );
    }

    #[test]
    fn weak_aspects_suggest_categories_after_the_chosen_ones() {
        let req = MatchRequest {
            weak_aspects: vec![Aspect::OpenMening, Aspect::Steun],
            ..request()
        };
        let wanted = req.wanted_categories();
        assert_eq!(
            wanted,
            [
                (C::CoachingLeiderschap, CategorySource::Chosen),
                (C::WerkcultuurPsychologischeVeiligheid, CategorySource::Scan),
                (C::Teamontwikkeling, CategorySource::Scan),
            ]
        );
        // A provider offering only a suggested category is ranked, not excluded.
        let culture = ProviderProfile {
            categories: vec![C::WerkcultuurPsychologischeVeiligheid],
            ..provider(9)
        };
        let ranking = rank(&req, &[culture], &Weights::default());
        assert_eq!(ranking.ranked[0].reasons[1].code(), "category_scan");
        assert_eq!(
            ranking.ranked[0].reasons[0].code(),
            "category_chosen_missing"
        );
    }

    #[test]
    fn urgency_prefers_room_and_ties_prefer_capacity() {
        let tight = ProviderProfile {
            capacity_left: 1,
            ..provider(1)
        };
        let roomy = ProviderProfile {
            capacity_left: 5,
            ..provider(2)
        };
        let urgent = MatchRequest {
            urgency: Urgency::High,
            ..request()
        };
        let ranking = rank(
            &urgent,
            &[tight.clone(), roomy.clone()],
            &Weights::default(),
        );
        assert_eq!(ids(&ranking), [2, 1]);
        assert!(ranking.ranked[0].score > ranking.ranked[1].score);
        let ranking = rank(&request(), &[tight, roomy], &Weights::default());
        assert_eq!(ranking.ranked[0].score, ranking.ranked[1].score);
        assert_eq!(ids(&ranking), [2, 1]);
    }

    #[test]
    fn equally_good_providers_take_turns_across_seeds() {
        let providers: Vec<ProviderProfile> = (1..=10).map(provider).collect();
        let mut firsts = BTreeSet::new();
        for seed in 0..200 {
            let req = MatchRequest {
                rotation: seed,
                ..request()
            };
            firsts.insert(rank(&req, &providers, &Weights::default()).ranked[0].provider_id);
        }
        assert_eq!(firsts.len(), 10, "every provider is first for some seed");
    }

    #[test]
    fn ten_equally_good_providers_each_come_first_for_a_tenth_of_the_requests() {
        let providers: Vec<ProviderProfile> = (1..=10).map(provider).collect();
        let mut firsts = [0u32; 10];
        // Seeds as the web layer derives them: the intake ids.
        for intake_id in 1..=1000u64 {
            let req = MatchRequest {
                rotation: intake_id,
                ..request()
            };
            let top = rank(&req, &providers, &Weights::default()).ranked[0].provider_id;
            firsts[(top - 1) as usize] += 1;
        }
        for (i, count) in firsts.iter().enumerate() {
            assert!(
                (70..=130).contains(count),
                "provider {} first {count} times of 1000: {firsts:?}",
                i + 1
            );
        }
    }

    fn rated(id: i64, ratings: &[u32]) -> ProviderProfile {
        ProviderProfile {
            record: ProviderRecord {
                ratings: ratings.len() as u32,
                rating_sum: ratings.iter().sum(),
                ..Default::default()
            },
            ..provider(id)
        }
    }

    fn feedback_code(p: ProviderProfile) -> &'static str {
        let ranking = rank(&request(), &[p], &Weights::default());
        ranking.ranked[0].reasons.last().unwrap().code()
    }

    #[test]
    fn good_feedback_needs_three_ratings_averaging_four() {
        assert_eq!(feedback_code(rated(1, &[])), "no_feedback_yet");
        assert_eq!(feedback_code(rated(1, &[5, 5])), "feedback_too_few");
        assert_eq!(feedback_code(rated(1, &[5, 4, 3])), "good_feedback");
        assert_eq!(feedback_code(rated(1, &[5, 3, 3])), "feedback_below_good");
        let ranking = rank(
            &request(),
            &[rated(1, &[]), rated(2, &[4, 4, 4, 5])],
            &Weights::default(),
        );
        assert_eq!(ids(&ranking), [2, 1]);
        assert_eq!(
            ranking.ranked[0].score - ranking.ranked[1].score,
            Weights::default().feedback
        );
    }

    #[test]
    fn feedback_never_outweighs_a_chosen_category_or_the_province_by_default() {
        // A newcomer that fits beats a well-rated provider elsewhere.
        let far_but_loved = ProviderProfile {
            provinces: vec![Province::Zeeland],
            ..rated(1, &[5, 5, 5, 5])
        };
        let ranking = rank(
            &request(),
            &[far_but_loved, provider(2)],
            &Weights::default(),
        );
        assert_eq!(ids(&ranking), [2, 1]);
    }

    fn arb_provider() -> impl Strategy<Value = ProviderProfile> {
        (
            1i64..60,
            proptest::sample::subsequence(C::ALL.to_vec(), 0..=4),
            proptest::sample::subsequence(Province::ALL.to_vec(), 0..=3),
            proptest::sample::subsequence(CompanySize::ALL.to_vec(), 0..=3),
            proptest::sample::subsequence(vec!["nl".to_string(), "en".to_string()], 0..=2),
            0u32..4,
            proptest::bool::weighted(0.85),
            proptest::collection::vec(1u32..=5, 0..6),
        )
            .prop_map(
                |(
                    id,
                    categories,
                    provinces,
                    sizes,
                    languages,
                    capacity_left,
                    accepting,
                    ratings,
                )| {
                    ProviderProfile {
                        id,
                        categories,
                        provinces,
                        sizes,
                        languages,
                        capacity_left,
                        accepting,
                        record: ProviderRecord {
                            ratings: ratings.len() as u32,
                            rating_sum: ratings.iter().sum(),
                            ..Default::default()
                        },
                    }
                },
            )
    }

    fn arb_request() -> impl Strategy<Value = MatchRequest> {
        (
            proptest::sample::subsequence(C::ALL.to_vec(), 0..=3),
            proptest::sample::subsequence(Aspect::ALL.to_vec(), 0..=2),
            proptest::option::of(proptest::sample::select(Province::ALL.to_vec())),
            proptest::option::of(proptest::sample::select(CompanySize::ALL.to_vec())),
            proptest::option::of(proptest::sample::select(vec!["nl", "en", "de"])),
            proptest::bool::ANY,
            any::<u64>(),
        )
            .prop_map(
                |(categories, weak_aspects, province, company_size, language, urgent, rotation)| {
                    MatchRequest {
                        categories,
                        weak_aspects,
                        province,
                        company_size,
                        language: language.map(str::to_owned),
                        urgency: if urgent {
                            Urgency::High
                        } else {
                            Urgency::Normal
                        },
                        rotation,
                    }
                },
            )
    }

    fn arb_weights() -> impl Strategy<Value = Weights> {
        (
            0u32..20,
            0u32..20,
            0u32..20,
            0u32..20,
            0u32..20,
            0u32..20,
            0u32..20,
        )
            .prop_map(|(a, b, c, d, e, f, g)| Weights {
                chosen_category: a,
                scan_category: b,
                province: c,
                company_size: d,
                language: e,
                urgent_room: f,
                feedback: g,
            })
    }

    fn unique(mut providers: Vec<ProviderProfile>) -> Vec<ProviderProfile> {
        let mut seen = BTreeSet::new();
        providers.retain(|p| seen.insert(p.id));
        providers
    }

    fn met(r: &Ranked) -> BTreeSet<Criterion> {
        r.reasons
            .iter()
            .filter(|r| r.met())
            .map(Reason::criterion)
            .collect()
    }

    proptest! {
        #[test]
        fn rankings_keep_their_promises(
            request in arb_request(),
            providers in proptest::collection::vec(arb_provider(), 0..25),
            weights in arb_weights(),
        ) {
            let providers = unique(providers);
            let ranking = rank(&request, &providers, &weights);

            // Everyone exactly once, in one of the two lists.
            let mut all: Vec<i64> = ids(&ranking);
            all.extend(ranking.excluded.iter().map(|e| e.provider_id));
            all.sort();
            let mut expected: Vec<i64> = providers.iter().map(|p| p.id).collect();
            expected.sort();
            prop_assert_eq!(all, expected);

            for r in &ranking.ranked {
                let p = providers.iter().find(|p| p.id == r.provider_id).unwrap();
                // Paused or full never appears.
                prop_assert!(p.accepting && p.capacity_left > 0);
                // The score is what the reasons say.
                let sum: u32 = r.reasons.iter().filter(|x| x.met()).map(|x| x.weight(&weights)).sum();
                prop_assert_eq!(r.score, sum);
                // One reason per criterion.
                let criteria: BTreeSet<Criterion> = r.reasons.iter().map(Reason::criterion).collect();
                prop_assert_eq!(criteria.len(), r.reasons.len());
            }
            for e in &ranking.excluded {
                let p = providers.iter().find(|p| p.id == e.provider_id).unwrap();
                match e.exclusion {
                    Exclusion::Paused => prop_assert!(!p.accepting),
                    Exclusion::Full => prop_assert!(p.accepting && p.capacity_left == 0),
                    Exclusion::NoCategory => prop_assert!(p.accepting && p.capacity_left > 0),
                }
            }

            // Matching more criteria never ranks below matching a subset of them.
            for (i, a) in ranking.ranked.iter().enumerate() {
                for b in &ranking.ranked[..i] {
                    let (ma, mb) = (met(a), met(b));
                    prop_assert!(!(ma.is_superset(&mb) && ma != mb),
                        "{} meets more than {} but ranks below it", a.provider_id, b.provider_id);
                }
            }

            // Deterministic, whatever the order of the candidates.
            let mut reversed = providers.clone();
            reversed.reverse();
            prop_assert_eq!(&rank(&request, &reversed, &weights), &ranking);
        }
    }
}
