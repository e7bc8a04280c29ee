//! The employer area at `/werkgever`: magic-link sign-in, own scans, results, rounds.

pub mod cards;
pub mod invitations;
pub mod login;
pub mod results;
pub mod scans;

use axum::{
    Router,
    extract::FromRequestParts,
    http::request::Parts,
    response::{IntoResponse, Redirect, Response},
};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use crate::{
    storage::ScanOwner,
    web::{AppState, page::Page, session_store},
};

/// Session key under which a signed-in employer is remembered.
pub const EMPLOYER_KEY: &str = "employer";

/// What the session remembers about a signed-in employer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EmployerSession {
    pub employer_id: i64,
    pub email: String,
    pub signed_in_at: i64,
}

pub fn routes(state: &AppState) -> Router<AppState> {
    Router::new()
        .merge(login::routes())
        .merge(scans::routes())
        .merge(results::routes())
        .layer(session_store::layer(state))
}

/// A signed-in employer. Anyone else is sent to the sign-in page.
pub struct Employer {
    pub id: i64,
    pub email: String,
    pub session: Session,
}

impl Employer {
    pub fn owner(&self) -> ScanOwner {
        ScanOwner::Employer(self.id)
    }
}

impl FromRequestParts<AppState> for Employer {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let page = Page::from_request_parts(parts, state)
            .await
            .unwrap_or_else(|e| match e {});
        let to_login = || Redirect::to(&page.href("/werkgever/login")).into_response();
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(|_| to_login())?;
        let Ok(Some(employer)) = session.get::<EmployerSession>(EMPLOYER_KEY).await else {
            return Err(to_login());
        };
        let max_age = state.settings.session_absolute_hours as i64 * 3600;
        if crate::storage::now() - employer.signed_in_at > max_age {
            let _ = session.remove_value(EMPLOYER_KEY).await;
            return Err(to_login());
        }
        Ok(Employer {
            id: employer.employer_id,
            email: employer.email,
            session,
        })
    }
}
