//! Questions from the contact page: a checked intake is stored together with the mail that
//! confirms it, in one transaction, so there is never an intake without its confirmation
//! or a confirmation without its intake.

use hrnexus_core::intake::IntakeRequest;

use super::Result;
use crate::{
    i18n::Lang,
    mail::{IntakeReceived, compose},
    storage::{IntakeExtras, IntakeStore},
};

/// Stores `request` (status new) and queues the confirmation to the requester in `lang`.
/// Returns the intake's id, or `None` when this form was submitted before (nothing is
/// stored twice). The caller wakes the outbox worker.
pub async fn submit_intake(
    store: &dyn IntakeStore,
    request: &IntakeRequest,
    extras: &IntakeExtras,
    lang: Lang,
) -> Result<Option<i64>> {
    let mail = compose(
        request.email.as_str(),
        &IntakeReceived {
            lang,
            contact_name: request.contact_name.as_str().to_owned(),
            organisation: request.organisation.as_str().to_owned(),
        },
    )?;
    Ok(store
        .create_intake(request, extras, lang.code(), &mail)
        .await?)
}
