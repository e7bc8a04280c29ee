//! The introduction workflow: how an intake moves from question to introduction, who may
//! move it, and what the employer says afterwards.
//!
//! Pure: the caller loads the intake's [`IntakeState`], applies one [`IntakeEvent`] caused
//! by one [`Actor`] with [`IntakeState::apply`], and stores the new state (or shows the
//! refusal's code). The clock stays outside: a deadline is computed with
//! [`crate::workdays::add_working_days`] and the scheduler sends `DeadlinePassed`.
//!
//! Transitions (anything else is an [`IllegalTransition`]):
//!
//! | from          | event            | to            | caused by                     |
//! |---------------|------------------|---------------|-------------------------------|
//! | new           | `TakeUp`         | in_progress   | staff                         |
//! | in_progress   | `Propose`        | proposed      | staff, system (auto-match)    |
//! | proposed      | `Accept`         | introduced    | the proposed provider         |
//! | proposed      | `Decline`        | in_progress   | the proposed provider         |
//! | proposed      | `DeadlinePassed` | in_progress   | system                        |
//! | introduced    | `Complete`       | completed     | staff                         |
//! | any not final | `Close`          | closed        | staff; the employer (withdraw)|
//!
//! `completed` and `closed` are final: they accept no event at all.

use serde::{Deserialize, Serialize};

use crate::intake::IntakeStatus;
use crate::key::serde_via_key;
use crate::text::{MultiLine, TextError};

/// Who causes an event. Ids are database ids of staff users and providers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Actor {
    /// An HRnexus staff member.
    Staff(i64),
    /// A provider (dienstverlener), through its own link or account.
    Provider(i64),
    /// The employer who asked the question.
    Employer,
    /// HRnexus itself: the deadline scheduler, the automatic matching.
    System,
}

/// Why a provider declined a proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeclineReason {
    /// No room for another client now.
    NoCapacity,
    /// The question is not what the provider does.
    OutsideExpertise,
    /// The employer is too far away.
    OutsideRegion,
    /// The provider knows or works for a party involved.
    ConflictOfInterest,
    Other,
}

impl DeclineReason {
    pub const ALL: [DeclineReason; 5] = [
        DeclineReason::NoCapacity,
        DeclineReason::OutsideExpertise,
        DeclineReason::OutsideRegion,
        DeclineReason::ConflictOfInterest,
        DeclineReason::Other,
    ];

    /// Stable key (form value, database, translations).
    pub const fn key(self) -> &'static str {
        match self {
            DeclineReason::NoCapacity => "no_capacity",
            DeclineReason::OutsideExpertise => "outside_expertise",
            DeclineReason::OutsideRegion => "outside_region",
            DeclineReason::ConflictOfInterest => "conflict_of_interest",
            DeclineReason::Other => "other",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.key() == key)
    }
}

/// Why an intake was closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CloseReason {
    /// The employer no longer wants help (the only reason an employer may give).
    Withdrawn,
    /// No provider fits or every fitting one declined.
    NoMatch,
    /// Asked twice; the other intake goes on.
    Duplicate,
    /// Not a real question.
    Spam,
    Other,
}

impl CloseReason {
    pub const ALL: [CloseReason; 5] = [
        CloseReason::Withdrawn,
        CloseReason::NoMatch,
        CloseReason::Duplicate,
        CloseReason::Spam,
        CloseReason::Other,
    ];

    /// Stable key (form value, database, translations).
    pub const fn key(self) -> &'static str {
        match self {
            CloseReason::Withdrawn => "withdrawn",
            CloseReason::NoMatch => "no_match",
            CloseReason::Duplicate => "duplicate",
            CloseReason::Spam => "spam",
            CloseReason::Other => "other",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.key() == key)
    }
}

serde_via_key!(DeclineReason, CloseReason);

/// Something that happens to an intake.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IntakeEvent {
    /// Staff start working on a new intake.
    TakeUp,
    /// A provider is asked to take the introduction.
    Propose { provider: i64 },
    /// The proposed provider says yes; both sides are mailed.
    Accept,
    /// The proposed provider says no.
    Decline { reason: DeclineReason },
    /// The proposed provider did not answer in time.
    DeadlinePassed,
    /// The introduction ran its course.
    Complete,
    /// Stop here.
    Close { reason: CloseReason },
}

impl IntakeEvent {
    /// Stable code (audit log, translations).
    pub const fn code(self) -> &'static str {
        match self {
            IntakeEvent::TakeUp => "take_up",
            IntakeEvent::Propose { .. } => "propose",
            IntakeEvent::Accept => "accept",
            IntakeEvent::Decline { .. } => "decline",
            IntakeEvent::DeadlinePassed => "deadline_passed",
            IntakeEvent::Complete => "complete",
            IntakeEvent::Close { .. } => "close",
        }
    }
}

/// Why an event was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Refusal {
    /// The intake is completed or closed.
    Final,
    /// The event does not apply to the current status (e.g. accepting what was not proposed).
    WrongStatus,
    /// This actor may not cause this event (e.g. a provider other than the proposed one).
    NotAllowed,
}

impl Refusal {
    pub const fn code(self) -> &'static str {
        match self {
            Refusal::Final => "final",
            Refusal::WrongStatus => "wrong_status",
            Refusal::NotAllowed => "not_allowed",
        }
    }
}

/// An event refused, with the status it was refused in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IllegalTransition {
    pub from: IntakeStatus,
    pub event: IntakeEvent,
    pub refusal: Refusal,
}

impl IllegalTransition {
    /// Stable code for translations, e.g. `final`.
    pub const fn code(&self) -> &'static str {
        self.refusal.code()
    }
}

impl std::fmt::Display for IllegalTransition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} refused in {}: {}",
            self.event.code(),
            self.from.key(),
            self.refusal.code()
        )
    }
}

impl std::error::Error for IllegalTransition {}

/// Where an intake stands in the workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IntakeState {
    pub status: IntakeStatus,
    /// The provider of the current proposal or introduction. Set by `Propose`, cleared when
    /// the proposal is declined or times out, kept on completion and closing (history).
    pub provider: Option<i64>,
}

impl IntakeState {
    /// A new intake from the contact form.
    pub const NEW: IntakeState = IntakeState {
        status: IntakeStatus::New,
        provider: None,
    };

    /// Applies `event`, caused by `actor`: the next state, or why not. Nothing changes on
    /// refusal; a caller that stores the result can retry or show the code.
    pub fn apply(self, actor: Actor, event: IntakeEvent) -> Result<IntakeState, IllegalTransition> {
        use IntakeStatus as S;
        let refuse = |refusal| IllegalTransition {
            from: self.status,
            event,
            refusal,
        };
        if self.status.is_final() {
            return Err(refuse(Refusal::Final));
        }
        let is_proposed_provider =
            matches!(actor, Actor::Provider(id) if Some(id) == self.provider);
        let (status, allowed, provider) = match (self.status, event) {
            (S::New, IntakeEvent::TakeUp) => {
                (S::InProgress, matches!(actor, Actor::Staff(_)), None)
            }
            (S::InProgress, IntakeEvent::Propose { provider }) => (
                S::Proposed,
                matches!(actor, Actor::Staff(_) | Actor::System),
                Some(provider),
            ),
            (S::Proposed, IntakeEvent::Accept) => {
                (S::Introduced, is_proposed_provider, self.provider)
            }
            (S::Proposed, IntakeEvent::Decline { .. }) => {
                (S::InProgress, is_proposed_provider, None)
            }
            (S::Proposed, IntakeEvent::DeadlinePassed) => {
                (S::InProgress, actor == Actor::System, None)
            }
            (S::Introduced, IntakeEvent::Complete) => (
                S::Completed,
                matches!(actor, Actor::Staff(_)),
                self.provider,
            ),
            (_, IntakeEvent::Close { reason }) => (
                S::Closed,
                match actor {
                    Actor::Staff(_) => true,
                    // The employer may only withdraw their own question.
                    Actor::Employer => reason == CloseReason::Withdrawn,
                    Actor::Provider(_) | Actor::System => false,
                },
                self.provider,
            ),
            _ => return Err(refuse(Refusal::WrongStatus)),
        };
        if !allowed {
            return Err(refuse(Refusal::NotAllowed));
        }
        Ok(IntakeState { status, provider })
    }
}

/// The next status of an intake: [`IntakeState::apply`] for callers that only hold the
/// status. Accept and Decline need to know the proposed provider, so pass it in `proposed`.
pub fn next_status(
    current: IntakeStatus,
    proposed: Option<i64>,
    actor: Actor,
    event: IntakeEvent,
) -> Result<IntakeStatus, IllegalTransition> {
    IntakeState {
        status: current,
        provider: proposed,
    }
    .apply(actor, event)
    .map(|s| s.status)
}

/// Characters in a feedback comment.
pub const MAX_FEEDBACK_COMMENT_CHARS: usize = 2000;

/// A rating from 1 (poor) to 5 (excellent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Rating(u8);

impl Rating {
    pub const MIN: u8 = 1;
    pub const MAX: u8 = 5;

    /// `None` outside 1..=5.
    pub fn new(value: u8) -> Option<Self> {
        (Self::MIN..=Self::MAX)
            .contains(&value)
            .then_some(Rating(value))
    }

    pub const fn get(self) -> u8 {
        self.0
    }
}

impl<'de> Deserialize<'de> for Rating {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = u8::deserialize(deserializer)?;
        Rating::new(value).ok_or_else(|| {
            <D::Error as serde::de::Error>::invalid_value(
                serde::de::Unexpected::Unsigned(value.into()),
                &"a rating from 1 to 5",
            )
        })
    }
}

/// What is wrong with submitted feedback.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FeedbackProblem {
    /// No rating chosen.
    RatingMissing,
    /// Not a whole number from 1 to 5.
    RatingInvalid,
    /// The comment is longer than [`MAX_FEEDBACK_COMMENT_CHARS`].
    CommentTooLong,
    /// The comment holds a control character.
    CommentInvalid,
}

impl FeedbackProblem {
    /// Stable code for translations and API clients.
    pub const fn code(self) -> &'static str {
        match self {
            FeedbackProblem::RatingMissing => "rating_missing",
            FeedbackProblem::RatingInvalid => "rating_invalid",
            FeedbackProblem::CommentTooLong => "comment_too_long",
            FeedbackProblem::CommentInvalid => "comment_invalid",
        }
    }
}

/// An employer's feedback on an introduction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feedback {
    pub rating: Rating,
    /// `None` when nothing was typed.
    pub comment: Option<MultiLine>,
}

impl Feedback {
    /// Parses the form: `rating` a whole number 1–5 (surrounding spaces are fine), `comment`
    /// optional. The rating problem wins when both are wrong: it is the required field.
    pub fn parse(rating: &str, comment: &str) -> Result<Feedback, FeedbackProblem> {
        let rating = rating.trim();
        if rating.is_empty() {
            return Err(FeedbackProblem::RatingMissing);
        }
        // One plain digit: the form sends "1" to "5"; "+4", "4.0", "04" and "٤" are not that.
        let rating = match rating.as_bytes() {
            [digit @ b'0'..=b'9'] => Rating::new(digit - b'0'),
            _ => None,
        }
        .ok_or(FeedbackProblem::RatingInvalid)?;
        let comment = match MultiLine::parse(comment, MAX_FEEDBACK_COMMENT_CHARS) {
            Ok(text) => Some(text),
            Err(TextError::Empty) => None,
            Err(TextError::TooLong) => return Err(FeedbackProblem::CommentTooLong),
            Err(TextError::ControlCharacter) => return Err(FeedbackProblem::CommentInvalid),
        };
        Ok(Feedback { rating, comment })
    }
}

/// Ratings needed before feedback can count in the ranking.
pub const GOOD_FEEDBACK_MIN_RATINGS: u32 = 3;
/// Mean rating (inclusive) that counts as good.
pub const GOOD_FEEDBACK_MIN_MEAN: u32 = 4;

/// The rule of [`ProviderRecord::has_good_feedback`], on a count and a sum of ratings.
pub fn is_good_feedback(ratings: u32, rating_sum: u32) -> bool {
    ratings >= GOOD_FEEDBACK_MIN_RATINGS
        && u64::from(rating_sum) >= u64::from(GOOD_FEEDBACK_MIN_MEAN) * u64::from(ratings)
}

/// A provider's history with introductions, summed by the storage layer.
///
/// Ratings are kept as a count and a sum, not a mean: whole numbers compare exactly (no
/// rounding at the 4.0 boundary) and the record stays `Eq`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ProviderRecord {
    /// Proposals accepted.
    pub accepted: u32,
    /// Proposals declined.
    pub declined: u32,
    /// Proposals left unanswered past the deadline.
    pub timed_out: u32,
    /// Feedback given on its introductions.
    pub ratings: u32,
    /// Sum of those ratings.
    pub rating_sum: u32,
}

impl ProviderRecord {
    /// Counts one rating.
    pub fn add_rating(&mut self, rating: Rating) {
        self.ratings += 1;
        self.rating_sum += u32::from(rating.get());
    }

    /// Proposals answered or timed out.
    pub fn proposals(&self) -> u32 {
        self.accepted + self.declined + self.timed_out
    }

    /// Share of proposals accepted, 0.0–1.0; `None` before the first proposal.
    pub fn acceptance_rate(&self) -> Option<f64> {
        let proposals = self.proposals();
        (proposals > 0).then(|| f64::from(self.accepted) / f64::from(proposals))
    }

    /// Mean rating, 1.0–5.0; `None` without ratings.
    pub fn mean_rating(&self) -> Option<f64> {
        (self.ratings > 0).then(|| f64::from(self.rating_sum) / f64::from(self.ratings))
    }

    /// At least [`GOOD_FEEDBACK_MIN_RATINGS`] ratings with a mean of at least
    /// [`GOOD_FEEDBACK_MIN_MEAN`].
    pub fn has_good_feedback(&self) -> bool {
        is_good_feedback(self.ratings, self.rating_sum)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use IntakeStatus as S;
    use proptest::prelude::*;

    const STAFF: Actor = Actor::Staff(1);
    const PROVIDER: Actor = Actor::Provider(7);
    const OTHER_PROVIDER: Actor = Actor::Provider(8);

    fn state(status: IntakeStatus) -> IntakeState {
        let provider = matches!(status, S::Proposed | S::Introduced | S::Completed).then_some(7);
        IntakeState { status, provider }
    }

    fn events() -> Vec<IntakeEvent> {
        vec![
            IntakeEvent::TakeUp,
            IntakeEvent::Propose { provider: 7 },
            IntakeEvent::Accept,
            IntakeEvent::Decline {
                reason: DeclineReason::NoCapacity,
            },
            IntakeEvent::DeadlinePassed,
            IntakeEvent::Complete,
            IntakeEvent::Close {
                reason: CloseReason::NoMatch,
            },
            IntakeEvent::Close {
                reason: CloseReason::Withdrawn,
            },
        ]
    }

    fn actors() -> [Actor; 5] {
        [
            STAFF,
            PROVIDER,
            OTHER_PROVIDER,
            Actor::Employer,
            Actor::System,
        ]
    }

    /// Every legal (status, actor, event) and where it leads; the rest must be refused.
    fn legal(status: IntakeStatus, actor: Actor, event: IntakeEvent) -> Option<IntakeStatus> {
        use IntakeEvent as E;
        let staff = matches!(actor, Actor::Staff(_));
        match (status, event) {
            (S::Completed | S::Closed, _) => None,
            (S::New, E::TakeUp) if staff => Some(S::InProgress),
            (S::InProgress, E::Propose { .. }) if staff || actor == Actor::System => {
                Some(S::Proposed)
            }
            (S::Proposed, E::Accept) if actor == PROVIDER => Some(S::Introduced),
            (S::Proposed, E::Decline { .. }) if actor == PROVIDER => Some(S::InProgress),
            (S::Proposed, E::DeadlinePassed) if actor == Actor::System => Some(S::InProgress),
            (S::Introduced, E::Complete) if staff => Some(S::Completed),
            (_, E::Close { .. }) if staff => Some(S::Closed),
            (
                _,
                E::Close {
                    reason: CloseReason::Withdrawn,
                },
            ) if actor == Actor::Employer => Some(S::Closed),
            _ => None,
        }
    }

    #[test]
    fn the_happy_path_ends_completed() {
        let s = IntakeState::NEW
            .apply(STAFF, IntakeEvent::TakeUp)
            .and_then(|s| s.apply(STAFF, IntakeEvent::Propose { provider: 7 }))
            .and_then(|s| s.apply(PROVIDER, IntakeEvent::Accept))
            .and_then(|s| s.apply(STAFF, IntakeEvent::Complete))
            .unwrap();
        assert_eq!(
            s,
            IntakeState {
                status: S::Completed,
                provider: Some(7)
            }
        );
    }

    #[test]
    fn decline_and_deadline_go_back_to_in_progress_for_the_next_match() {
        let proposed = state(S::Proposed);
        let declined = proposed
            .apply(
                PROVIDER,
                IntakeEvent::Decline {
                    reason: DeclineReason::OutsideRegion,
                },
            )
            .unwrap();
        assert_eq!(declined, state(S::InProgress));
        let timed_out = proposed
            .apply(Actor::System, IntakeEvent::DeadlinePassed)
            .unwrap();
        assert_eq!(timed_out, state(S::InProgress));
        let next = timed_out
            .apply(Actor::System, IntakeEvent::Propose { provider: 9 })
            .unwrap();
        assert_eq!(next.provider, Some(9));
        // The provider that declined can no longer accept: it is no longer the proposed one.
        assert_eq!(
            next.apply(PROVIDER, IntakeEvent::Accept)
                .unwrap_err()
                .refusal,
            Refusal::NotAllowed
        );
    }

    #[test]
    fn every_status_actor_and_event_is_legal_or_refused_as_the_table_says() {
        let mut legal_count = 0;
        for status in IntakeStatus::ALL {
            for actor in actors() {
                for event in events() {
                    let got = state(status).apply(actor, event);
                    match legal(status, actor, event) {
                        Some(to) => {
                            legal_count += 1;
                            assert_eq!(
                                got.map(|s| s.status),
                                Ok(to),
                                "{status:?} {actor:?} {event:?}"
                            );
                        }
                        None => {
                            let err = got.expect_err(&format!("{status:?} {actor:?} {event:?}"));
                            assert_eq!((err.from, err.event), (status, event));
                            let expected = if status.is_final() {
                                Refusal::Final
                            } else if legal_for_someone(status, event) {
                                Refusal::NotAllowed
                            } else {
                                Refusal::WrongStatus
                            };
                            assert_eq!(err.refusal, expected, "{status:?} {actor:?} {event:?}");
                        }
                    }
                }
            }
        }
        // take up 1, propose 2, accept 1, decline 1, deadline 1, complete 1,
        // close: 4 open statuses x (staff x2 reasons + employer withdraw) = 12.
        assert_eq!(legal_count, 19);
    }

    fn legal_for_someone(status: IntakeStatus, event: IntakeEvent) -> bool {
        actors()
            .into_iter()
            .any(|a| legal(status, a, event).is_some())
    }

    #[test]
    fn final_states_accept_nothing() {
        for status in [S::Completed, S::Closed] {
            for actor in actors() {
                for event in events() {
                    assert_eq!(
                        state(status).apply(actor, event).unwrap_err().refusal,
                        Refusal::Final
                    );
                }
            }
        }
    }

    #[test]
    fn only_the_proposed_provider_answers_and_only_staff_complete() {
        let proposed = state(S::Proposed);
        for actor in [OTHER_PROVIDER, STAFF, Actor::Employer, Actor::System] {
            assert_eq!(
                proposed
                    .apply(actor, IntakeEvent::Accept)
                    .unwrap_err()
                    .code(),
                "not_allowed"
            );
        }
        assert_eq!(
            proposed
                .apply(PROVIDER, IntakeEvent::DeadlinePassed)
                .unwrap_err()
                .refusal,
            Refusal::NotAllowed
        );
        assert_eq!(
            state(S::Introduced)
                .apply(Actor::Employer, IntakeEvent::Complete)
                .unwrap_err()
                .refusal,
            Refusal::NotAllowed
        );
        // The employer withdraws, but cannot close for another reason.
        let spam = IntakeEvent::Close {
            reason: CloseReason::Spam,
        };
        assert_eq!(
            state(S::New)
                .apply(Actor::Employer, spam)
                .unwrap_err()
                .refusal,
            Refusal::NotAllowed
        );
        assert_eq!(
            next_status(
                S::New,
                None,
                Actor::Employer,
                IntakeEvent::Close {
                    reason: CloseReason::Withdrawn
                }
            ),
            Ok(S::Closed)
        );
        // New must be taken up before a proposal.
        assert_eq!(
            next_status(S::New, None, STAFF, IntakeEvent::Propose { provider: 7 })
                .unwrap_err()
                .refusal,
            Refusal::WrongStatus
        );
    }

    #[test]
    fn reason_keys_round_trip() {
        for r in DeclineReason::ALL {
            assert_eq!(DeclineReason::from_key(r.key()), Some(r));
        }
        for r in CloseReason::ALL {
            assert_eq!(CloseReason::from_key(r.key()), Some(r));
        }
        assert_eq!(DeclineReason::from_key("busy"), None);
        assert_eq!(
            DeclineReason::from_key("conflict_of_interest"),
            Some(DeclineReason::ConflictOfInterest)
        );
    }

    #[test]
    fn feedback_parses_a_rating_and_an_optional_comment() {
        let f = Feedback::parse(" 4 ", " Fijne samenwerking\r\n").unwrap();
        assert_eq!(f.rating.get(), 4);
        assert_eq!(f.comment.unwrap().as_str(), "Fijne samenwerking");
        assert_eq!(Feedback::parse("5", "  ").unwrap().comment, None);
        assert_eq!(Feedback::parse("1", "").unwrap().rating.get(), 1);
        for bad in ["0", "6", "4.5", "+4", "-1", "vier", "256", "0004"] {
            assert_eq!(
                Feedback::parse(bad, ""),
                Err(FeedbackProblem::RatingInvalid),
                "{bad}"
            );
        }
        assert_eq!(
            Feedback::parse(" ", ""),
            Err(FeedbackProblem::RatingMissing)
        );
        let long = "é".repeat(MAX_FEEDBACK_COMMENT_CHARS + 1);
        assert_eq!(
            Feedback::parse("3", &long),
            Err(FeedbackProblem::CommentTooLong)
        );
        let just = "é".repeat(MAX_FEEDBACK_COMMENT_CHARS);
        assert!(Feedback::parse("3", &just).is_ok());
        assert_eq!(
            Feedback::parse("3", "a\0b"),
            Err(FeedbackProblem::CommentInvalid)
        );
    }

    #[test]
    fn a_record_sums_proposals_and_ratings() {
        let mut record = ProviderRecord {
            accepted: 3,
            declined: 1,
            timed_out: 0,
            ..Default::default()
        };
        assert_eq!(record.acceptance_rate(), Some(0.75));
        assert_eq!(ProviderRecord::default().acceptance_rate(), None);
        assert_eq!(record.mean_rating(), None);
        for r in [5, 4] {
            record.add_rating(Rating::new(r).unwrap());
        }
        assert!(!record.has_good_feedback(), "two ratings are too few");
        record.add_rating(Rating::new(3).unwrap());
        assert_eq!(record.mean_rating(), Some(4.0));
        assert!(record.has_good_feedback(), "a mean of exactly 4 counts");
        record.add_rating(Rating::new(3).unwrap());
        assert!(!record.has_good_feedback());
    }

    fn arb_actor() -> impl Strategy<Value = Actor> {
        prop_oneof![
            (1i64..3).prop_map(Actor::Staff),
            (1i64..4).prop_map(Actor::Provider),
            Just(Actor::Employer),
            Just(Actor::System),
        ]
    }

    fn arb_event() -> impl Strategy<Value = IntakeEvent> {
        prop_oneof![
            Just(IntakeEvent::TakeUp),
            (1i64..4).prop_map(|provider| IntakeEvent::Propose { provider }),
            Just(IntakeEvent::Accept),
            proptest::sample::select(DeclineReason::ALL.to_vec())
                .prop_map(|reason| IntakeEvent::Decline { reason }),
            Just(IntakeEvent::DeadlinePassed),
            Just(IntakeEvent::Complete),
            proptest::sample::select(CloseReason::ALL.to_vec())
                .prop_map(|reason| IntakeEvent::Close { reason }),
        ]
    }

    proptest! {
        #[test]
        fn random_events_never_leave_a_final_state_nor_skip_the_proposal(
            steps in proptest::collection::vec((arb_actor(), arb_event()), 0..60)
        ) {
            let mut current = IntakeState::NEW;
            for (actor, event) in steps {
                match current.apply(actor, event) {
                    Ok(next) => {
                        prop_assert!(!current.status.is_final(), "left a final state");
                        if next.status == S::Introduced {
                            prop_assert_eq!(current.status, S::Proposed);
                            prop_assert_eq!(Some(actor), current.provider.map(Actor::Provider));
                        }
                        if next.status == S::Proposed {
                            prop_assert!(next.provider.is_some());
                        }
                        current = next;
                    }
                    Err(e) => {
                        prop_assert_eq!(e.from, current.status);
                        prop_assert_eq!(e.refusal == Refusal::Final, current.status.is_final());
                    }
                }
            }
        }
    }
}
