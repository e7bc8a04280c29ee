//! The web layer: one module per area of the site, wired into one router here.

pub mod account;
pub mod api;
pub mod autonomie_scan;
pub mod beheer;
pub mod cost_calculator;
pub mod dienstverleners;
pub mod error;
pub mod health;
pub mod messages;
pub mod page;
pub mod privacy;
pub mod respond;
pub mod security;
pub mod session_store;
pub mod site;
pub mod werkgever;

use std::{sync::Arc, time::Instant};

use axum::{
    Router,
    extract::{MatchedPath, Request},
    middleware::{self, Next},
    response::Response,
};
use metrics_exporter_prometheus::PrometheusHandle;
use tokio::sync::Notify;
use tower_http::{limit::RequestBodyLimitLayer, trace::TraceLayer};

use crate::{config::Settings, storage::DynStorage};

#[derive(Clone)]
pub struct AppState {
    pub store: DynStorage,
    pub settings: Arc<Settings>,
    /// Key for the keyed hashes of scan links (see `secret`).
    pub secret: Arc<crate::secret::ServerSecret>,
    pub metrics: PrometheusHandle,
    /// Wakes this instance's outbox worker after a mail was queued.
    pub mail_wake: Arc<Notify>,
    pub form_limiter: Arc<security::FormLimiter>,
    /// The home page per language (`Lang as usize`), rendered on first use.
    pub rendered_home: Arc<[std::sync::OnceLock<axum::body::Bytes>; 2]>,
}

impl AppState {
    /// Records an event in the audit log (who, what, from which address).
    pub async fn audit(
        &self,
        actor: Option<&str>,
        event: &str,
        detail: &str,
        ip: &security::ClientIp,
    ) -> Result<(), crate::storage::StorageError> {
        let ip = ip.as_string();
        self.store
            .record_audit(&crate::storage::NewAuditEntry {
                actor,
                event,
                detail,
                ip: ip.as_deref(),
            })
            .await
    }
}

/// How often an audited event may happen before further attempts are refused for a while.
/// Counted from the audit log, so every instance sees the same attempts.
///
/// The limits are per account *from one address* and per address: someone hammering an
/// account slows down themselves, while its owner, coming from elsewhere, still gets in.
pub struct Throttle {
    pub event: &'static str,
    /// Written (at most once per key and window) when an attempt is refused.
    pub throttled_event: &'static str,
    pub per_account: i64,
    pub per_ip: i64,
    pub window_seconds: i64,
}

/// An attempt refused by a [`Throttle`]: come back after this many seconds.
#[derive(Debug, Clone, Copy)]
pub struct RetryAfter(pub i64);

impl RetryAfter {
    pub fn header(self) -> [(axum::http::HeaderName, String); 1] {
        [(axum::http::header::RETRY_AFTER, self.0.to_string())]
    }
}

impl Throttle {
    /// `Some` when `account` from this address, or this address, reached its limit within
    /// the window. A refusal is audited once per key and window, so refused requests cannot
    /// grow the audit log.
    pub async fn check(
        &self,
        state: &AppState,
        account: &str,
        ip: &security::ClientIp,
    ) -> Result<Option<RetryAfter>, crate::storage::StorageError> {
        let since = crate::storage::now() - self.window_seconds;
        let store = &state.store;
        let ip_text = ip.as_string();
        let ip_text = ip_text.as_deref();
        // Without a known address, the account alone is the key.
        let over_account = store
            .count_audit_since(self.event, Some(account), ip_text, since)
            .await?
            >= self.per_account;
        let over_ip = !over_account
            && match ip_text {
                Some(ip) => {
                    store
                        .count_audit_since(self.event, None, Some(ip), since)
                        .await?
                        >= self.per_ip
                }
                None => false,
            };
        if !(over_account || over_ip) {
            return Ok(None);
        }
        let key_account = over_account.then_some(account);
        let already = store
            .count_audit_since(self.throttled_event, key_account, ip_text, since)
            .await?;
        if already == 0 {
            state
                .audit(Some(account), self.throttled_event, "", ip)
                .await?;
        }
        Ok(Some(RetryAfter(self.window_seconds)))
    }
}

/// Pages that exist in both languages: mounted at `/` and again under `/en`.
fn localised(state: &AppState) -> Router<AppState> {
    Router::new()
        .merge(site::routes())
        .merge(autonomie_scan::routes())
        .merge(respond::routes())
        .merge(privacy::routes())
        .merge(dienstverleners::routes())
        .nest("/beheer", beheer::routes(state))
        .nest("/werkgever", werkgever::routes(state))
}

pub fn router(state: AppState) -> Router {
    let body_limit = state.settings.max_body_kb * 1024;
    Router::new()
        .merge(localised(&state))
        .nest("/en", localised(&state))
        .route("/", axum::routing::get(site::home))
        .route("/en/", axum::routing::get(site::home))
        .route("/en", axum::routing::get(site::english_home))
        .merge(health::routes())
        .nest("/api", api::routes(&state))
        .route_layer(middleware::from_fn(record_route))
        .fallback(error::not_found)
        .layer(middleware::from_fn_with_state(state.clone(), security::refuse_cross_site))
        .layer(RequestBodyLimitLayer::new(body_limit))
        // Outside the refusals above, so that their 403 and 413 become pages too.
        .layer(middleware::from_fn_with_state(state.clone(), error::render_errors))
        .layer(middleware::from_fn_with_state(state.clone(), security::security_headers))
        .layer(TraceLayer::new_for_http().make_span_with(|request: &Request| {
            // The path is left out on purpose: invite links carry tokens. `record_route`
            // fills in the route pattern once routing has happened.
            let id = request.extensions().get::<error::RequestId>().map(|id| id.as_str()).unwrap_or("");
            tracing::info_span!("request", request_id = %id, method = %request.method(), route = tracing::field::Empty)
        }))
        .layer(middleware::from_fn_with_state(state.clone(), error::request_id))
        .with_state(state)
}

/// The admin listener: only `/metrics` and `/healthz`, for a private port.
pub fn admin_router(state: AppState) -> Router {
    Router::new()
        .merge(health::admin_routes())
        .with_state(state)
}

/// Records the matched route pattern in the request's span and in the metrics.
async fn record_route(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_owned();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned())
        .unwrap_or_default();
    tracing::Span::current().record("route", route.as_str());
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("hrnexus_http_requests_total", "method" => method, "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("hrnexus_http_request_duration_seconds", "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}
