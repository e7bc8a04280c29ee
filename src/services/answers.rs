//! An employee's answer: stored with only a keyed marker of the link it came through, so
//! that without the server secret no answer can be matched to an invite (see
//! `docs/ARCHITECTURE.md`, "A scan answer").

use chrono::NaiveDate;
use hrnexus_core::scan::{Answer, Aspect, Response, Signal};

use super::{Result, ServiceError};
use crate::{
    secret::{Purpose, ServerSecret},
    storage::{ScanEntry, ScanStore, Submission, SubmitOutcome},
};

/// How an answer is kept: "weet ik niet" as 0, the five-point scale as 1 to 5.
pub fn stored(answer: Answer) -> i16 {
    answer.score().map_or(0, i16::from)
}

/// Stores a checked answer given through `entry`: a personal link (`token`) or the shared
/// link's form (`form_id`, which the form page rendered into it).
pub async fn submit(
    store: &dyn ScanStore,
    secret: &ServerSecret,
    entry: &ScanEntry,
    token: &str,
    form_id: Option<&str>,
    response: Response,
    today: NaiveDate,
) -> Result<SubmitOutcome> {
    let (marker, invite_department) = match entry {
        // An invite marked used before markers existed takes no second answer either.
        ScanEntry::Invite { used: true, .. } => return Ok(SubmitOutcome::AlreadyUsed),
        ScanEntry::Invite { department_id, .. } => (
            secret.keyed_hash(Purpose::InviteUsed, token.as_bytes()),
            *department_id,
        ),
        ScanEntry::Shared { .. } => {
            let form_id = form_id.ok_or(ServiceError::NotFound)?;
            (
                secret.keyed_hash(Purpose::FormUsed, form_id.as_bytes()),
                None,
            )
        }
    };
    let submission = Submission {
        round_id: entry.round().id,
        marker,
        // An invite's own department wins over one chosen in the form.
        department_id: invite_department.or(response.department_id),
        answered_on: today,
        answers: Aspect::ALL.map(|a| stored(response.answers[a])),
        signals: Signal::ALL.map(|s| response.signals[s].map(stored)),
        comment: response.comment.map(|c| c.into_inner()),
    };
    let outcome = store.submit_response(&submission).await?;
    if outcome == SubmitOutcome::Stored {
        // One counter for the whole site: no scan, round or time finer than Prometheus's own.
        metrics::counter!("hrnexus_scan_answers_stored_total").increment(1);
    }
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_stored_as_small_numbers() {
        assert_eq!(stored(Answer::DontKnow), 0);
        assert_eq!(stored(Answer::StronglyAgree), 5);
    }
}
