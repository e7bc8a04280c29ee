//! `/autonomie-scan`: what the scan is, the quick check and the cost of doing nothing.

use axum::Router;

use crate::web::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
}
