//! The back office for HRnexus staff: password + TOTP sign-in, then the tools.

mod api_keys;
mod articles;
mod intakes;
mod issues;
mod login;
mod outbox;
mod providers;

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Router,
    extract::{FromRequestParts, State},
    http::request::Parts,
    response::Response,
    routing::{get, post},
};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use crate::{
    storage::{AuditEntry, OutboxCounts},
    web::{
        AppState,
        account::{AccountSession, signed_in},
        error::WebError,
        page::Page,
        session_store,
    },
};

const STAFF_KEY: &str = "staff";

pub fn routes(state: &AppState) -> Router<AppState> {
    Router::new()
        .route("/", get(dashboard))
        .route("/login", get(login::form).post(login::submit))
        .route(
            "/twee-staps",
            get(login::totp_form).post(login::totp_submit),
        )
        .route(
            "/twee-staps/instellen",
            get(login::enrol_form).post(login::enrol_submit),
        )
        .route("/uitloggen", post(login::logout))
        .route(
            "/instellen/{token}",
            get(login::setup_form).post(login::setup_submit),
        )
        .route("/outbox", get(outbox::list))
        .route("/outbox/test", post(outbox::send_test))
        .route("/outbox/{id}", get(outbox::detail))
        .route("/api-sleutels", get(api_keys::list).post(api_keys::create))
        .route("/api-sleutels/{id}/intrekken", post(api_keys::revoke))
        .route("/audit", get(audit))
        .route("/artikelen", get(articles::list))
        .route(
            "/artikelen/nieuw",
            get(articles::new_form).post(articles::create),
        )
        .route(
            "/artikelen/{id}",
            get(articles::edit_form).post(articles::update),
        )
        .route("/kompas", get(issues::list))
        .route("/kompas/nieuw", get(issues::new_form).post(issues::create))
        .route("/kompas/{id}", get(issues::show).post(issues::update))
        .route("/kompas/{id}/voorbeeld", get(issues::preview))
        .route("/kompas/{id}/test", post(issues::send_test))
        .route("/kompas/{id}/verzenden", post(issues::send))
        .route("/dienstverleners", get(providers::list))
        .route(
            "/dienstverleners/nieuw",
            get(providers::new_form).post(providers::create),
        )
        .route("/dienstverleners/import", post(providers::import))
        .route(
            "/dienstverleners/{id}/toegang",
            post(providers::add_account),
        )
        .route(
            "/dienstverleners/{id}",
            get(providers::edit_form).post(providers::update),
        )
        .route("/intakes", get(intakes::queue))
        .route("/intakes/{id}", get(intakes::detail))
        .route("/intakes/{id}/{step}", post(intakes::step))
        .layer(session_store::layer(state))
}

/// What the session remembers about a staff member between requests.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct StaffSession {
    staff_id: i64,
    email: String,
    /// True once the second factor was checked; before that only the TOTP pages open.
    verified: bool,
    signed_in_at: i64,
}

/// A signed-in beheerder who passed the second factor. Anything else is sent to the login.
pub struct Staff {
    pub id: i64,
    pub email: String,
    pub session: Session,
}

impl AccountSession for StaffSession {
    const KEY: &'static str = STAFF_KEY;
    const LOGIN_PATH: &'static str = "/beheer/login";

    fn signed_in_at(&self) -> i64 {
        self.signed_in_at
    }

    fn is_complete(&self) -> bool {
        self.verified
    }
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let (staff, session) = signed_in::<StaffSession>(parts, state).await?;
        Ok(Staff {
            id: staff.staff_id,
            email: staff.email,
            session,
        })
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "beheer/dashboard.html")]
struct DashboardPage {
    p: Page,
    email: String,
    staff_count: i64,
    outbox: OutboxCounts,
    api_keys: usize,
    new_intakes: i64,
    charts: intakes::Charts,
}

async fn dashboard(
    State(state): State<AppState>,
    p: Page,
    staff: Staff,
) -> Result<DashboardPage, WebError> {
    Ok(DashboardPage {
        email: staff.email,
        staff_count: state.store.count_staff().await?,
        outbox: state.store.outbox_counts().await?,
        api_keys: state
            .store
            .list_api_keys()
            .await?
            .iter()
            .filter(|k| k.revoked_at.is_none())
            .count(),
        new_intakes: state
            .store
            .count_intakes(hrnexus_core::intake::IntakeStatus::New)
            .await?,
        charts: intakes::Charts::new(
            &p,
            crate::services::introductions::figures(&*state.store, crate::storage::now(), 12)
                .await?,
        ),
        p,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "beheer/audit.html")]
struct AuditPage {
    p: Page,
    email: String,
    entries: Vec<AuditEntry>,
}

async fn audit(
    State(state): State<AppState>,
    p: Page,
    staff: Staff,
) -> Result<AuditPage, WebError> {
    Ok(AuditPage {
        p,
        email: staff.email,
        entries: state.store.recent_audit(200).await?,
    })
}
