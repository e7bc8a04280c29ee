//! One error type for the web layer. Handlers return `WebError`; a middleware turns every
//! error response (ours, or a rejection from axum's extractors) into a page in the
//! visitor's language, and API paths get JSON instead.

use std::net::SocketAddr;

use askama::Template;
use axum::{
    extract::ConnectInfo,
    http::{HeaderValue, Request, StatusCode, header},
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
    /// "Quote code …" with the request id on 500 pages, so a report can be found in the logs.
    code: Option<String>,
}

/// The id of one request: in its log span, its `x-request-id` response header, and the
/// 500 page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(String);

impl RequestId {
    pub const HEADER: &'static str = "x-request-id";

    fn generate() -> Self {
        RequestId(format!("{:016x}", rand::random::<u64>()))
    }

    /// An id a proxy sent: up to 64 letters, digits, `-`, `_` or `.` (it lands in logs).
    fn parse(value: &HeaderValue) -> Option<Self> {
        let text = value.to_str().ok()?;
        let fine = !text.is_empty()
            && text.len() <= 64
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
        fine.then(|| RequestId(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl RequestId {
    /// The id for a request: the one a trusted proxy sent, or a new one.
    pub fn for_request(state: &AppState, request: &Request<impl Sized>) -> RequestId {
        let from_proxy = request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .is_some_and(|ConnectInfo(peer)| state.settings.trusted_proxies.contains(&peer.ip()));
        from_proxy
            .then(|| {
                request
                    .headers()
                    .get(RequestId::HEADER)
                    .and_then(RequestId::parse)
            })
            .flatten()
            .unwrap_or_else(RequestId::generate)
    }
}

/// The response as the visitor sees it: an error response (4xx/5xx) that is not already a
/// page or JSON gets a page in the language of `path` (JSON under `/api/`).
pub fn render_error(
    state: &AppState,
    path: &str,
    id: Option<&RequestId>,
    response: Response,
) -> Response {
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
    let p = Page::for_path(path, state.settings.base_url());
    let page = ErrorPage {
        status: status.as_u16(),
        title: p.t(&format!("error-{key}-title")),
        message: p.t(&format!("error-{key}-message")),
        code: id
            .filter(|_| key == 500)
            .map(|id| p.t_args("error-quote-code", &[("code", id.0.clone())])),
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
