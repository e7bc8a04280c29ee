//! One error type for the web layer. Handlers return `WebError`; a middleware turns every
//! error response (ours, or a rejection from axum's extractors) into a page in the
//! visitor's language, and API paths get JSON instead.

use askama::Template;
use axum::{
    extract::{Request, State},
    http::{StatusCode, header},
    middleware::Next,
    response::{Html, IntoResponse, Response},
};

use crate::web::{AppState, page::Page};

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("bad request")]
    BadRequest,
    #[error("too many requests")]
    TooManyRequests,
    #[error("unauthorized")]
    Unauthorized,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<crate::storage::StorageError> for WebError {
    fn from(err: crate::storage::StorageError) -> Self {
        WebError::Internal(err.into())
    }
}

impl From<tower_sessions::session::Error> for WebError {
    fn from(err: tower_sessions::session::Error) -> Self {
        WebError::Internal(err.into())
    }
}

impl WebError {
    pub fn status(&self) -> StatusCode {
        match self {
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::Forbidden => StatusCode::FORBIDDEN,
            WebError::BadRequest => StatusCode::BAD_REQUEST,
            WebError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            WebError::Unauthorized => StatusCode::UNAUTHORIZED,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        if let WebError::Internal(err) = &self {
            // The chain names what failed; request data (and so any token) is not in it.
            tracing::error!(error = format!("{err:#}"), "request failed");
        }
        // An empty body: `render_errors` fills it in for the visitor's language.
        self.status().into_response()
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    p: Page,
    status: u16,
    title: String,
    message: String,
}

/// Replaces the body of every error response that is not already a page or JSON.
pub async fn render_errors(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if content_type.starts_with("text/html") || content_type.starts_with("application/json") {
        return response;
    }
    let key = match status.as_u16() {
        400 | 404 | 403 | 401 | 405 | 413 | 429 => status.as_u16(),
        code if code >= 500 => 500,
        _ => 400,
    };
    if path.starts_with("/api/") {
        return crate::web::api::error_response(status, response.headers());
    }
    let p = Page::for_path(&path, state.settings.base_url());
    let page = ErrorPage {
        status: status.as_u16(),
        title: p.t(&format!("error-{key}-title")),
        message: p.t(&format!("error-{key}-message")),
        p,
    };
    let mut rebuilt = match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => status.into_response(),
    };
    // Keep headers such as Retry-After and Allow from the original response.
    for (name, value) in response.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            rebuilt.headers_mut().insert(name.clone(), value.clone());
        }
    }
    rebuilt
}

pub async fn not_found() -> WebError {
    WebError::NotFound
}
