//! What the scan asks: the five autonomy aspects, the answer scale and the
//! optional signal block.
//!
//! Every enum here has a stable `key()` that is stored in the database and
//! used in URLs and form field names. Keys never change once released; the
//! wording of the questions lives in the web layer's translations.

use crate::key::serde_via_key;

use super::keyed::EnumKey;

/// One of the five autonomy aspects from the article, one question each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Aspect {
    /// May decide how to approach one's own work.
    Werkwijze,
    /// Can use one's strengths in the job.
    SterkePunten,
    /// Has influence on the order and content of tasks.
    Taakinvloed,
    /// Dares to speak one's mind.
    OpenMening,
    /// Gets support from the manager when wanting to change something.
    Steun,
}

impl Aspect {
    /// All aspects in questionnaire order.
    pub const ALL: [Aspect; 5] = [
        Aspect::Werkwijze,
        Aspect::SterkePunten,
        Aspect::Taakinvloed,
        Aspect::OpenMening,
        Aspect::Steun,
    ];

    /// Stable key (database, URLs, form field name).
    pub const fn key(self) -> &'static str {
        match self {
            Aspect::Werkwijze => "werkwijze",
            Aspect::SterkePunten => "sterke_punten",
            Aspect::Taakinvloed => "taakinvloed",
            Aspect::OpenMening => "open_mening",
            Aspect::Steun => "steun",
        }
    }

    /// Inverse of [`Aspect::key`].
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.key() == key)
    }

    /// Position in [`Aspect::ALL`].
    pub const fn index(self) -> usize {
        self as usize
    }
}

impl EnumKey<5> for Aspect {
    const ALL: [Self; 5] = Aspect::ALL;
    fn index(self) -> usize {
        Aspect::index(self)
    }
    fn key(self) -> &'static str {
        Aspect::key(self)
    }
}

/// One answer on the 5-point agree scale, or "weet ik niet".
///
/// The key doubles as the HTML form value: `"1"`..`"5"` and `"weet_niet"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Answer {
    /// 1 — helemaal oneens.
    StronglyDisagree,
    /// 2 — oneens.
    Disagree,
    /// 3 — neutraal.
    Neutral,
    /// 4 — eens.
    Agree,
    /// 5 — helemaal eens.
    StronglyAgree,
    /// Weet ik niet: counted separately, never in means or percentages.
    DontKnow,
}

impl Answer {
    /// All answers in the order a form shows them.
    pub const ALL: [Answer; 6] = [
        Answer::StronglyDisagree,
        Answer::Disagree,
        Answer::Neutral,
        Answer::Agree,
        Answer::StronglyAgree,
        Answer::DontKnow,
    ];

    /// Stable key, also the form value.
    pub const fn key(self) -> &'static str {
        match self {
            Answer::StronglyDisagree => "1",
            Answer::Disagree => "2",
            Answer::Neutral => "3",
            Answer::Agree => "4",
            Answer::StronglyAgree => "5",
            Answer::DontKnow => "weet_niet",
        }
    }

    /// Inverse of [`Answer::key`].
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.key() == key)
    }

    /// Parses a submitted form value (`"1"`..`"5"`, `"weet_niet"`); surrounding
    /// whitespace is ignored because some clients pad values.
    pub fn from_form_value(value: &str) -> Option<Self> {
        Self::from_key(value.trim())
    }

    /// The form value for this answer (same as [`Answer::key`]).
    pub const fn form_value(self) -> &'static str {
        self.key()
    }

    /// Score 1..=5, or `None` for "weet ik niet".
    pub const fn score(self) -> Option<u8> {
        match self {
            Answer::StronglyDisagree => Some(1),
            Answer::Disagree => Some(2),
            Answer::Neutral => Some(3),
            Answer::Agree => Some(4),
            Answer::StronglyAgree => Some(5),
            Answer::DontKnow => None,
        }
    }

    /// The answer with this score (1..=5).
    pub const fn from_score(score: u8) -> Option<Self> {
        match score {
            1 => Some(Answer::StronglyDisagree),
            2 => Some(Answer::Disagree),
            3 => Some(Answer::Neutral),
            4 => Some(Answer::Agree),
            5 => Some(Answer::StronglyAgree),
            _ => None,
        }
    }
}

/// The optional signal block: consequences of too little autonomy named in the article.
/// Each is one statement on the same [`Answer`] scale. The fourth consequence, the cost of
/// absence, is estimated from the employer's own figures (`crate::cost`), never asked.
///
/// No question about illness, sick leave or health is ever asked; the statements are about
/// work.
/// Intended direction of each statement (the web layer words it):
/// - `Fatigue`: "my work often leaves me mentally tired or stressed" — agreeing is adverse.
/// - `Initiative`: "I take initiative and feel involved in my work" — agreeing is favourable.
/// - `IntentionToLeave`: "I regularly think about leaving this organisation" — agreeing is adverse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Signal {
    /// Mental fatigue and stress.
    Fatigue,
    /// Initiative and engagement.
    Initiative,
    /// Intention to leave.
    IntentionToLeave,
}

impl Signal {
    /// All signals in questionnaire order.
    pub const ALL: [Signal; 3] = [
        Signal::Fatigue,
        Signal::Initiative,
        Signal::IntentionToLeave,
    ];

    /// Stable key (database, form field name). Distinct from every aspect key.
    pub const fn key(self) -> &'static str {
        match self {
            Signal::Fatigue => "mentale_vermoeidheid",
            Signal::Initiative => "initiatief",
            Signal::IntentionToLeave => "vertrekintentie",
        }
    }

    /// Inverse of [`Signal::key`].
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.key() == key)
    }

    /// Position in [`Signal::ALL`].
    pub const fn index(self) -> usize {
        self as usize
    }

    /// Whether agreeing with the statement is the healthy answer. Only
    /// `Initiative` is phrased positively; the others describe a problem.
    pub const fn agreeing_is_favourable(self) -> bool {
        matches!(self, Signal::Initiative)
    }
}

impl EnumKey<3> for Signal {
    const ALL: [Self; 3] = Signal::ALL;
    fn index(self) -> usize {
        Signal::index(self)
    }
    fn key(self) -> &'static str {
        Signal::key(self)
    }
}

serde_via_key!(Aspect, Answer, Signal);

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde::de::IntoDeserializer;
    use serde::de::value::{Error as DeError, StrDeserializer};

    #[test]
    fn aspect_keys_are_stable_and_round_trip() {
        let keys: Vec<_> = Aspect::ALL.iter().map(|a| a.key()).collect();
        assert_eq!(
            keys,
            [
                "werkwijze",
                "sterke_punten",
                "taakinvloed",
                "open_mening",
                "steun"
            ]
        );
        for (i, a) in Aspect::ALL.into_iter().enumerate() {
            assert_eq!(Aspect::from_key(a.key()), Some(a));
            assert_eq!(a.index(), i);
        }
        assert_eq!(Aspect::from_key("Werkwijze"), None);
        assert_eq!(Aspect::from_key(""), None);
    }

    #[test]
    fn answer_form_values() {
        assert_eq!(Answer::from_form_value("1"), Some(Answer::StronglyDisagree));
        assert_eq!(Answer::from_form_value(" 5 "), Some(Answer::StronglyAgree));
        assert_eq!(Answer::from_form_value("weet_niet"), Some(Answer::DontKnow));
        for bad in ["0", "6", "", "eens", "3.0", "-1"] {
            assert_eq!(Answer::from_form_value(bad), None, "{bad:?}");
        }
        for a in Answer::ALL {
            assert_eq!(Answer::from_form_value(a.form_value()), Some(a));
            match a.score() {
                Some(s) => assert_eq!(Answer::from_score(s), Some(a)),
                None => assert_eq!(a, Answer::DontKnow),
            }
        }
    }

    #[test]
    fn signal_keys_do_not_collide_with_aspects() {
        for s in Signal::ALL {
            assert_eq!(Aspect::from_key(s.key()), None);
            assert_eq!(Signal::from_key(s.key()), Some(s));
        }
        assert!(Signal::Initiative.agreeing_is_favourable());
        assert!(!Signal::Fatigue.agreeing_is_favourable());
    }

    #[test]
    fn serde_uses_the_keys() {
        let de: StrDeserializer<DeError> = "sterke_punten".into_deserializer();
        assert_eq!(Aspect::deserialize(de), Ok(Aspect::SterkePunten));
        let de: StrDeserializer<DeError> = "weet_niet".into_deserializer();
        assert_eq!(Answer::deserialize(de), Ok(Answer::DontKnow));
        let de: StrDeserializer<DeError> = "onbekend".into_deserializer();
        assert!(Signal::deserialize(de).is_err());
    }
}
