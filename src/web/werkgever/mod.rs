//! The employer area at `/werkgever`: magic-link sign-in, own scans, results, rounds.

pub mod cards;
pub mod delete;
pub mod invitations;
pub mod login;
pub mod results;
pub mod scans;

use axum::{Router, extract::FromRequestParts, http::request::Parts, response::Response};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use crate::{
    storage::ScanOwner,
    web::{
        AppState,
        account::{AccountSession, signed_in},
        session_store,
    },
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

impl AccountSession for EmployerSession {
    const KEY: &'static str = EMPLOYER_KEY;
    const LOGIN_PATH: &'static str = "/werkgever/login";

    fn signed_in_at(&self) -> i64 {
        self.signed_in_at
    }
}

impl FromRequestParts<AppState> for Employer {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let (employer, session) = signed_in::<EmployerSession>(parts, state).await?;
        Ok(Employer {
            id: employer.employer_id,
            email: employer.email,
            session,
        })
    }
}
