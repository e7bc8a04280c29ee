//! Liveness, readiness and metrics for operators.
//!
//! `/healthz` (liveness) answers from the process alone: it says the instance serves HTTP and
//! costs nothing, so a supervisor polling it never adds load to a struggling database.
//! `/readyz` (readiness) asks the database: it answers, and every migration this binary
//! knows is applied. A load balancer should send visitors only to a ready instance.

use axum::{
    Json, Router,
    extract::State,
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use serde_json::json;

use crate::web::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(public_metrics))
}

pub fn admin_routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
}

async fn healthz() -> Response {
    Json(json!({ "status": "ok" })).into_response()
}

/// 200 when the database answers and holds every migration; 503 with the reason otherwise.
async fn readyz(State(state): State<AppState>) -> Response {
    let unavailable = |reason: &str| {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "unavailable", "reason": reason })),
        )
            .into_response()
    };
    match state.store.pending_migrations().await {
        Ok(0) => Json(json!({ "status": "ready" })).into_response(),
        Ok(pending) => {
            tracing::warn!(pending, "readiness: migrations not applied");
            unavailable("migrations pending")
        }
        Err(err) => {
            tracing::error!(error = %err, "readiness: database unreachable");
            unavailable("database unreachable")
        }
    }
}

async fn metrics(State(state): State<AppState>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(),
    )
        .into_response()
}

/// On the public listener `/metrics` exists only for a caller with the configured token.
async fn public_metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    match (&state.settings.metrics_token, presented) {
        // Compared in constant time: the answer time must not reveal how much of it matched.
        (Some(token), Some(given))
            if bool::from(subtle::ConstantTimeEq::ct_eq(
                secrecy::ExposeSecret::expose_secret(token).as_bytes(),
                given.as_bytes(),
            )) =>
        {
            metrics(State(state)).await
        }
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}
