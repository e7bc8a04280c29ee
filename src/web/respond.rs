//! `/scan/{token}`: an employee answers a scan, anonymously, without an account.

use axum::Router;

use crate::web::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
}
