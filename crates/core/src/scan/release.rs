//! When a round's figures may be shown: the release policy.
//!
//! The guarantee: any two views of one round that an employer or an API client can obtain,
//! at any two moments and through any surface (pages, report, CSV, API), show for every
//! group either identical figures or figures that differ by at least the group threshold.
//!
//! The rule that gives it, in one line: *figures and comments of a round appear only once
//! the round is closed, and never change after that.* While a round is open the employer
//! sees progress as one total (responses, and the rate against invitations) and nothing per
//! department. A closed round accepts no answers and cannot be reopened, so its figures are
//! final; a new round starts empty.
//!
//! Why not interim results: two views of an open round taken before and after one more
//! answer differ by exactly that person's answers. Any interim view would have to wait for
//! `k` new answers in *every* group at once, which small teams rarely reach before closing.

/// Whether a round still takes answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoundState {
    /// Takes answers; only the total progress may be shown.
    Open,
    /// Closed by hand or past its closing date; figures are final and may be shown.
    Closed,
}

impl RoundState {
    /// A round is closed once someone closed it or its closing date has passed (the closing
    /// day itself still counts as open, until midnight in the Netherlands).
    pub fn of<D: Ord>(closed_by_hand: bool, closes_on: D, today: D) -> RoundState {
        if closed_by_hand || today > closes_on {
            RoundState::Closed
        } else {
            RoundState::Open
        }
    }

    pub fn is_released(self) -> bool {
        self == RoundState::Closed
    }
}

/// What an open round may tell: one total for the whole scan, never per department.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub responses: u32,
    /// Personal links issued; `None` when the round only has shared links (no denominator).
    pub invited: Option<u32>,
}

impl Progress {
    /// The response rate in whole percent, capped at 100 (a shared link can take more
    /// answers than there were invitations).
    pub fn rate_percent(&self) -> Option<u32> {
        let invited = self.invited.filter(|n| *n > 0)?;
        let rate = (u64::from(self.responses) * 100 + u64::from(invited) / 2) / u64::from(invited);
        Some(rate.min(100) as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_round_is_released_only_once_closed() {
        assert_eq!(RoundState::of(false, 10, 9), RoundState::Open);
        assert_eq!(RoundState::of(false, 10, 10), RoundState::Open);
        assert_eq!(RoundState::of(false, 10, 11), RoundState::Closed);
        assert_eq!(RoundState::of(true, 10, 1), RoundState::Closed);
        assert!(!RoundState::Open.is_released());
        assert!(RoundState::Closed.is_released());
    }

    #[test]
    fn progress_rate_is_rounded_and_capped() {
        let p = |responses, invited| Progress { responses, invited }.rate_percent();
        assert_eq!(p(1, Some(3)), Some(33));
        assert_eq!(p(2, Some(3)), Some(67));
        assert_eq!(p(12, Some(10)), Some(100));
        assert_eq!(p(5, None), None);
        assert_eq!(p(5, Some(0)), None);
    }
}
