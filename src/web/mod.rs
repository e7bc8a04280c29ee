//! The web layer: one module per area of the site, wired into one router here.

pub mod account;
pub mod api;
pub mod assets;
pub mod autonomie_scan;
pub mod beheer;
pub mod beoordeling;
pub mod contact;
pub mod cost_calculator;
pub mod dienstverleners;
pub mod edge;
pub mod error;
pub mod health;
pub mod inzichten;
pub mod kompas;
pub mod messages;
pub mod page;
pub mod page_cache;
pub mod portaal;
pub mod privacy;
pub mod respond;
pub mod security;
pub mod session_store;
pub mod site;
pub mod trust;
pub mod werkgever;

use std::{
    convert::Infallible,
    future::Future,
    pin::Pin,
    sync::Arc,
    task::{Context, Poll},
    time::Instant,
};

use axum::{
    Router,
    extract::{MatchedPath, Request},
    http::Method,
    response::Response,
};
use metrics_exporter_prometheus::PrometheusHandle;
use tokio::sync::Notify;
use tower_http::{
    CompressionLevel,
    compression::{
        Compression, CompressionLayer,
        predicate::{And, NotForContentType, Predicate, SizeAbove},
    },
    limit::{RequestBodyLimit, RequestBodyLimitLayer},
};

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
    /// Wakes this instance's Kompas sender after an issue was scheduled to go now.
    pub issue_wake: Arc<Notify>,
    pub form_limiter: Arc<security::FormLimiter>,
    /// Article pages, rendered for a few seconds (see `page_cache`).
    pub article_pages: Arc<page_cache::PageCache>,
    /// The home page per language (`Lang as usize`), rendered on first use.
    pub rendered_home: Arc<[std::sync::OnceLock<assets::Encoded>; 2]>,
}

impl AppState {
    /// The introduction workflow's settings, for the services.
    pub fn workflow(&self) -> crate::services::introductions::WorkflowSettings {
        let i = &self.settings.introductions;
        crate::services::introductions::WorkflowSettings {
            response_working_days: i.response_working_days,
            weights: i.weights(),
            auto_propose_min_score: i.auto_propose_min_score,
            base_url: self.settings.base_url().to_owned(),
        }
    }

    /// The Kompas sender's settings, for the services.
    pub fn send_settings(&self) -> crate::services::issues::SendSettings {
        let n = &self.settings.newsletter;
        crate::services::issues::SendSettings {
            base_url: self.settings.base_url().to_owned(),
            per_second: n.max_per_second,
            batch: n.batch,
            concurrency: n.concurrency,
            lease_seconds: n.lease_seconds,
            check_every: std::time::Duration::from_secs(n.check_seconds),
        }
    }

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
        .merge(contact::routes())
        .merge(beoordeling::routes())
        .merge(respond::routes())
        .merge(privacy::routes())
        .merge(trust::routes())
        .merge(kompas::routes())
        .merge(inzichten::routes())
        .merge(dienstverleners::routes())
        .nest("/beheer", beheer::routes(state))
        .nest("/werkgever", werkgever::routes(state))
        .nest("/portaal", portaal::routes(state))
}

/// The site's routes. Requests reach them through [`site`], which adds what every request
/// passes (request id, span, security headers, error pages, cross-site refusal, body limit).
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(localised(&state))
        .nest("/en", localised(&state))
        .route("/", axum::routing::get(site::home))
        .route("/en/", axum::routing::get(site::home))
        .route("/en", axum::routing::get(site::english_home))
        .merge(health::routes())
        .merge(inzichten::sitemap_routes())
        .nest("/api", api::routes(&state))
        .route_layer(RecordRouteLayer)
        .fallback(error::not_found)
        .with_state(state)
}

/// The whole site as one service: compression around the edge (see [`edge`]) around the
/// body limit around the router. Plain tower layers: `Router::layer` would box every layer
/// again for every route.
pub fn site(state: AppState) -> Site {
    let body_limit = state.settings.max_body_kb * 1024;
    tower::ServiceBuilder::new()
        .layer(compression())
        .layer(edge::EdgeLayer::new(state.clone()))
        .layer(RequestBodyLimitLayer::new(body_limit))
        .service(router(state))
}

pub type Site = Compression<edge::Edge<RequestBodyLimit<Router>>, CompressionPredicate>;

/// What the compression layer leaves alone: small bodies (the framing would cost more than
/// it saves), images (already compressed; SVG excepted), PDF, archives and event streams.
/// Responses that already carry a `Content-Encoding` (the precompressed static files and
/// home page, see [`assets`]) pass through as they are.
pub type CompressionPredicate = And<
    And<
        And<And<And<SizeAbove, NotForContentType>, NotForContentType>, NotForContentType>,
        NotForContentType,
    >,
    NotForContentType,
>;

/// Brotli or gzip by `Accept-Encoding` for pages, JSON, CSV and text, with `Vary:
/// Accept-Encoding`. Level 4 (Brotli's default of 11 costs milliseconds per page; 4 is about
/// as fast as gzip and still smaller).
pub fn compression() -> CompressionLayer<CompressionPredicate> {
    let predicate = SizeAbove::new(MIN_COMPRESSED_BYTES)
        .and(NotForContentType::IMAGES)
        .and(NotForContentType::const_new("application/pdf"))
        .and(NotForContentType::const_new("application/zip"))
        .and(NotForContentType::SSE)
        .and(NotForContentType::GRPC);
    CompressionLayer::new()
        .br(true)
        .gzip(true)
        .quality(CompressionLevel::Precise(COMPRESSION_QUALITY))
        .compress_when(predicate)
}

/// Bodies below this size go out as they are.
pub const MIN_COMPRESSED_BYTES: u64 = 512;
/// Brotli quality / gzip level of pages compressed per request.
pub const COMPRESSION_QUALITY: i32 = 4;

/// The admin listener: only `/metrics`, `/healthz` and `/readyz`, for a private port.
pub fn admin_router(state: AppState) -> Router {
    Router::new()
        .merge(health::admin_routes())
        .with_state(state)
}

/// Records the matched route pattern in the request's span and in the metrics.
#[derive(Clone, Copy)]
struct RecordRouteLayer;

impl<S> tower::Layer<S> for RecordRouteLayer {
    type Service = RecordRoute<S>;

    fn layer(&self, inner: S) -> RecordRoute<S> {
        RecordRoute(inner)
    }
}

#[derive(Clone)]
struct RecordRoute<S>(S);

impl<S> tower::Service<Request> for RecordRoute<S>
where
    S: tower::Service<Request, Response = Response, Error = Infallible>,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let started = Instant::now();
        let method = method_label(request.method());
        // Shared by both metrics and the span: one copy of the pattern per request.
        let route: Arc<str> = request
            .extensions()
            .get::<MatchedPath>()
            .map_or_else(|| Arc::from(""), |m| Arc::from(m.as_str()));
        tracing::Span::current().record("route", &*route);
        let response = self.0.call(request);
        Box::pin(async move {
            let response = response.await?;
            let status = status_label(response.status().as_u16());
            let route_label = metrics::SharedString::from_shared(route);
            metrics::counter!("hrnexus_http_requests_total", "method" => method, "route" => route_label.clone(), "status" => status)
                .increment(1);
            metrics::histogram!("hrnexus_http_request_duration_seconds", "route" => route_label)
                .record(started.elapsed().as_secs_f64());
            Ok(response)
        })
    }
}

/// The status as a metrics label, without a copy for the usual ones.
fn status_label(status: u16) -> metrics::SharedString {
    let name = match status {
        200 => "200",
        204 => "204",
        301 => "301",
        303 => "303",
        304 => "304",
        400 => "400",
        401 => "401",
        403 => "403",
        404 => "404",
        405 => "405",
        413 => "413",
        422 => "422",
        429 => "429",
        500 => "500",
        _ => return metrics::SharedString::from_owned(status.to_string()),
    };
    metrics::SharedString::const_str(name)
}

/// The method as a metrics label, without a copy for the usual ones.
fn method_label(method: &Method) -> metrics::SharedString {
    let name = match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => return metrics::SharedString::from_owned(method.as_str().to_owned()),
    };
    metrics::SharedString::const_str(name)
}
