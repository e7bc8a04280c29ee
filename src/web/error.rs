//! One error type for the web layer, pages and API alike. Handlers return `WebError`; a
//! middleware turns every error response (ours, or a rejection from axum's extractors) into
//! a page in the visitor's language, and under `/api` into JSON of one documented shape.

use std::{collections::BTreeMap, net::SocketAddr};

use askama::Template;
use axum::{
    Json,
    extract::ConnectInfo,
    http::{HeaderMap, HeaderValue, Request, StatusCode, header},
    response::{Html, IntoResponse, Response},
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    services::ServiceError,
    web::{AppState, page::Page},
};

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
    /// Input that does not pass the checks: per field, what is wrong with it. Pages show
    /// their form again with these beside the fields; the API lists them under `fields`.
    #[error("invalid input")]
    Invalid(BTreeMap<String, String>),
    /// A refusal with a stable code and an English message for API clients (`round_closed`,
    /// `not_released`, `malformed_json`, …); pages show the page for its status.
    #[error("{code}")]
    Refused {
        status: StatusCode,
        code: &'static str,
        message: String,
    },
    #[error("database unavailable")]
    Unavailable,
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

impl From<ServiceError> for WebError {
    fn from(err: ServiceError) -> Self {
        match err {
            ServiceError::NotFound => WebError::NotFound,
            ServiceError::RoundClosed => WebError::refused(
                StatusCode::CONFLICT,
                "round_closed",
                "The current round is closed.",
            ),
            ServiceError::ClosingDate(hrnexus_core::scan::setup::SetupProblem::RoundClosed) => {
                WebError::from(ServiceError::RoundClosed)
            }
            ServiceError::ClosingDate(problem) => WebError::field(
                "closes_on",
                crate::web::messages::setup_problem(
                    crate::i18n::Lang::En,
                    hrnexus_core::scan::setup::SetupField::ClosesOn,
                    &problem,
                ),
            ),
            ServiceError::UnknownDepartment => {
                WebError::field("department_id", "not a department of this scan")
            }
            ServiceError::Conflict => WebError::refused(
                StatusCode::CONFLICT,
                "conflict",
                "Someone else changed this at the same moment; reload and try again.",
            ),
            ServiceError::Storage(e) => WebError::Internal(e.into()),
            ServiceError::Template(e) => WebError::Internal(e.into()),
        }
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
            WebError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            WebError::Refused { status, .. } => *status,
            WebError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn refused(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        WebError::Refused {
            status,
            code,
            message: message.into(),
        }
    }

    /// One field that is not valid.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        WebError::Invalid(BTreeMap::from([(field.to_owned(), message.into())]))
    }

    /// The error for a bare status (a rejection from axum or a layer).
    pub fn from_status(status: StatusCode) -> Self {
        match status.as_u16() {
            401 => WebError::Unauthorized,
            403 => WebError::Forbidden,
            404 => WebError::NotFound,
            429 => WebError::TooManyRequests,
            503 => WebError::Unavailable,
            400 => WebError::BadRequest,
            _ => {
                let (code, message) = ApiError::default_for(status);
                WebError::refused(status, code, message)
            }
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        if let WebError::Internal(err) = &self {
            // The chain names what failed; request data (and so any token) is not in it.
            tracing::error!(error = format!("{err:#}"), "request failed");
        }
        let status = self.status();
        // An empty body: `render_errors` fills it in as a page in the visitor's language, or
        // as JSON under `/api`, from what this error says.
        let detail = match self {
            WebError::Invalid(fields) => Some(ErrorDetail {
                code: "invalid",
                message: "Some fields are not valid; see `fields`.".into(),
                fields: Some(fields),
            }),
            WebError::Refused { code, message, .. } => Some(ErrorDetail {
                code,
                message,
                fields: None,
            }),
            _ => None,
        };
        let mut response = status.into_response();
        if let Some(detail) = detail {
            response.extensions_mut().insert(detail);
        }
        response
    }
}

/// What an error response says beyond its status, for the JSON rendering.
#[derive(Debug, Clone)]
struct ErrorDetail {
    code: &'static str,
    message: String,
    fields: Option<BTreeMap<String, String>>,
}

/// An error as the API reports it: every non-2xx answer under `/api` has this shape,
/// including rejections that happen before a handler runs.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiError {
    /// A stable code: `bad_request`, `malformed_json`, `unauthorized`, `forbidden`,
    /// `not_found`, `method_not_allowed`, `round_closed`, `not_released`, `payload_too_large`,
    /// `unsupported_media_type`, `invalid`, `too_many_requests`, `internal`, `unavailable`.
    error: String,
    /// For people: what went wrong, in English.
    message: String,
    /// Per input field, what is wrong with it (for `invalid`).
    #[serde(skip_serializing_if = "Option::is_none")]
    fields: Option<BTreeMap<String, String>>,
}

impl ApiError {
    /// The code and message for a status without more to say.
    fn default_for(status: StatusCode) -> (&'static str, &'static str) {
        match status.as_u16() {
            400 => ("bad_request", "The request is not valid."),
            401 => (
                "unauthorized",
                "Send a valid API key as `Authorization: Bearer <key>`.",
            ),
            403 => ("forbidden", "This request is refused."),
            404 => ("not_found", "No such object for this key."),
            405 => ("method_not_allowed", "This path does not take that method."),
            408 => ("timeout", "The request took too long to arrive."),
            409 => ("conflict", "This conflicts with the current state."),
            413 => ("payload_too_large", "The body is over the size limit."),
            415 => (
                "unsupported_media_type",
                "Send the body as `Content-Type: application/json`.",
            ),
            422 => ("invalid", "The request is not valid."),
            429 => ("too_many_requests", "Too many requests; wait and retry."),
            503 => ("unavailable", "Database unreachable."),
            code if code >= 500 => ("internal", "Something went wrong."),
            _ => ("bad_request", "The request is not valid."),
        }
    }

    /// The JSON response for an error response, keeping headers such as `Allow` and
    /// `Retry-After`.
    fn response(status: StatusCode, headers: &HeaderMap, detail: Option<&ErrorDetail>) -> Response {
        let (code, message) = Self::default_for(status);
        let body = match detail {
            Some(detail) => ApiError {
                error: detail.code.into(),
                message: detail.message.clone(),
                fields: detail.fields.clone(),
            },
            None => ApiError {
                error: code.into(),
                message: message.into(),
                fields: None,
            },
        };
        let mut response = (status, Json(body)).into_response();
        for (name, value) in headers {
            if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
                response.headers_mut().insert(name.clone(), value.clone());
            }
        }
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
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
        let detail = response.extensions().get::<ErrorDetail>();
        return ApiError::response(status, response.headers(), detail);
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
