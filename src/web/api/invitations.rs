//! `POST /api/v1/scans/{id}/invitations`: HRnexus mails personal links to addresses, so the
//! API client never holds them. The answer has counts only, never addresses or links.

use std::collections::BTreeMap;

use axum::{Json, extract::State, http::StatusCode};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ApiClient, ApiJson, BodyRejections, CrossSite, NotFound, PathId, Unauthorized};
use crate::{
    i18n::Lang,
    services::{
        invitations::{self, InviteError, MAX_ADDRESSES_PER_ROUND},
        scans,
    },
    storage::ScanOwner,
    web::{
        AppState,
        error::{ApiError, WebError},
        messages,
    },
};

#[derive(Deserialize, ToSchema)]
pub struct InvitationRequest {
    /// E-mail addresses to invite to the current round (duplicates and addresses invited
    /// before are skipped). At most 2000 per round, all requests together.
    #[schema(max_items = 2000, value_type = Vec<String>, format = Email)]
    addresses: Vec<String>,
    /// Fix the department of these links (optional).
    #[serde(default)]
    department_id: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct InvitationCounts {
    round: i32,
    /// Invitations queued by this request.
    queued: u32,
    /// Addresses skipped: duplicates in the request or invited to this round before.
    skipped: u32,
    /// Invitation mails of the round so far.
    invited: i64,
    sent: i64,
    pending: i64,
    /// Not delivered (bounced or refused).
    failed: i64,
}

/// Mails a personal invitation to each address for the scan's open round, and one reminder
/// (without a link) before the closing date. Addresses are deleted when the round closes.
#[utoipa::path(post, path = "/v1/scans/{id}/invitations", tag = "scans", operation_id = "inviteByMail",
    security(("api_key" = [])), params(super::scans::ScanIdParam), request_body = InvitationRequest,
    responses((status = 201, description = "Invitations queued; counts only, never addresses or links", body = InvitationCounts),
              Unauthorized, NotFound,
              (status = 409, description = "The current round is closed (`round_closed`)", body = ApiError),
              CrossSite, BodyRejections))]
pub async fn invite_by_mail(
    State(state): State<AppState>,
    client: ApiClient,
    PathId(id): PathId,
    ApiJson(request): ApiJson<InvitationRequest>,
) -> Result<(StatusCode, Json<InvitationCounts>), WebError> {
    let scan = scans::owned_scan(&*state.store, ScanOwner::ApiKey(client.0.id), id).await?;
    let mut fields = BTreeMap::new();
    if request.addresses.len() > MAX_ADDRESSES_PER_ROUND {
        fields.insert(
            "addresses".to_owned(),
            format!("at most {MAX_ADDRESSES_PER_ROUND} addresses per round"),
        );
        return Err(WebError::Invalid(fields));
    }
    let text = request.addresses.join("\n");
    let invited = match invitations::invite_by_mail(
        &*state.store,
        state.settings.base_url(),
        &state.mail_wake,
        &scan,
        &text,
        request.department_id,
    )
    .await?
    {
        Ok(invited) => invited,
        Err(InviteError::RoundClosed) => {
            return Err(crate::services::ServiceError::RoundClosed.into());
        }
        Err(e @ InviteError::Department) => {
            let message = messages::invite_problem(Lang::En, &e);
            fields.insert("department_id".to_owned(), message);
            return Err(WebError::Invalid(fields));
        }
        Err(e) => {
            let message = messages::invite_problem(Lang::En, &e);
            fields.insert("addresses".to_owned(), message);
            return Err(WebError::Invalid(fields));
        }
    };
    let round = scans::latest_round(&*state.store, scan.id).await?;
    let counts = state.store.invitation_counts(round.id).await?;
    Ok((
        StatusCode::CREATED,
        Json(InvitationCounts {
            round: round.number,
            queued: invited.queued,
            skipped: invited.already,
            invited: counts.invited,
            sent: counts.sent,
            pending: counts.pending,
            failed: counts.failed,
        }),
    ))
}
