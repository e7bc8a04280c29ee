//! One sign-in mechanism for every kind of account (employers, staff; providers next): the
//! session remembers who signed in and when, and an extractor lets a request in only while
//! that is still true. What differs per account is only its session record.

use axum::{
    extract::FromRequestParts,
    http::request::Parts,
    response::{IntoResponse, Redirect, Response},
};
use serde::{Serialize, de::DeserializeOwned};
use tower_sessions::Session;

use crate::{
    storage::now,
    web::{AppState, page::Page},
};

/// What a session remembers about one kind of signed-in account.
pub trait AccountSession: Serialize + DeserializeOwned + Send + Sync + 'static {
    /// The session key it is stored under.
    const KEY: &'static str;
    /// Where someone not (or no longer) signed in is sent.
    const LOGIN_PATH: &'static str;
    /// When the sign-in happened (the absolute session timeout counts from here).
    fn signed_in_at(&self) -> i64;
    /// Whether every sign-in step is done (staff: the second factor).
    fn is_complete(&self) -> bool {
        true
    }
}

/// The signed-in account of kind `A` with its session, or a redirect to its login page.
pub async fn signed_in<A: AccountSession>(
    parts: &mut Parts,
    state: &AppState,
) -> Result<(A, Session), Response> {
    let page = Page::from_request_parts(parts, state)
        .await
        .unwrap_or_else(|e| match e {});
    let to_login = || Redirect::to(&page.href(A::LOGIN_PATH)).into_response();
    let session = Session::from_request_parts(parts, state)
        .await
        .map_err(|_| to_login())?;
    let Ok(Some(account)) = session.get::<A>(A::KEY).await else {
        return Err(to_login());
    };
    if !account.is_complete() {
        return Err(to_login());
    }
    let max_age = state.settings.session_absolute_hours as i64 * 3600;
    if now() - account.signed_in_at() > max_age {
        // The absolute timeout ends the whole session, not only this sign-in.
        let _ = session.flush().await;
        return Err(to_login());
    }
    Ok((account, session))
}
