//! The JSON API under `/api/v1`, and its OpenAPI 3.1 document generated from the handlers
//! (utoipa-axum registers a route and its documentation in one call, so they cannot drift).

use std::sync::Arc;

use axum::{
    Json, Router,
    extract::{FromRequestParts, State},
    http::{StatusCode, header, request::Parts},
    response::{IntoResponse, Response},
    routing::get,
};
use serde::Serialize;
use serde_json::json;
use utoipa::{
    Modify, OpenApi, ToSchema,
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
};
use utoipa_axum::{router::OpenApiRouter, routes};

mod invitations;
mod scans;

use crate::{auth::token_hash, storage::now, web::AppState};

#[derive(OpenApi)]
#[openapi(
    info(title = "HRnexus API", description = "Scans, results and introductions for HRnexus clients."),
    modifiers(&BearerAuth),
    tags(
        (name = "platform", description = "Health and identity"),
        (name = "scans", description = "Autonomie-scans: create, invite, follow, read results (anonymity rules applied)")
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// All API routes plus `/api/openapi.json`, to be nested under `/api`.
pub fn routes(_state: &AppState) -> Router<AppState> {
    let (router, _) = api_router().split_for_parts();
    let document: Arc<str> = serde_json::to_string(&openapi()).unwrap_or_default().into();
    router.route("/openapi.json", get(move || openapi_json(document.clone())))
}

fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health))
        .routes(routes!(me))
        .routes(routes!(scans::list, scans::create))
        .routes(routes!(scans::status))
        .routes(routes!(scans::invites))
        .routes(routes!(scans::results))
        .routes(routes!(invitations::invite_by_mail))
}

/// The document as served, for tests and tooling.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut document = api_router().split_for_parts().1;
    // Routes are nested under `/api`; the document names the full paths.
    let paths = std::mem::take(&mut document.paths.paths);
    document.paths.paths = paths
        .into_iter()
        .map(|(path, item)| (format!("/api{path}"), item))
        .collect();
    document
}

async fn openapi_json(document: Arc<str>) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        document.to_string(),
    )
        .into_response()
}

#[derive(Serialize, ToSchema)]
struct Health {
    /// "ok" when the service and its database answer.
    status: String,
}

/// Liveness of the API and its database. Needs no key.
#[utoipa::path(get, path = "/v1/health", tag = "platform",
    responses((status = 200, body = Health), (status = 503, body = ApiError)))]
async fn health(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    state
        .store
        .ping()
        .await
        .map_err(|_| ApiError::unavailable())?;
    Ok(Json(Health {
        status: "ok".into(),
    }))
}

#[derive(Serialize, ToSchema)]
struct KeyIdentity {
    id: i64,
    name: String,
    prefix: String,
    created_by: String,
    created_at: i64,
}

/// The API key making the request.
#[utoipa::path(get, path = "/v1/me", tag = "platform", security(("api_key" = [])),
    responses((status = 200, body = KeyIdentity), (status = 401, body = ApiError)))]
async fn me(client: ApiClient) -> Json<KeyIdentity> {
    let key = client.0;
    Json(KeyIdentity {
        id: key.id,
        name: key.name,
        prefix: key.prefix,
        created_by: key.created_by,
        created_at: key.created_at,
    })
}

/// An error as the API reports it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiError {
    #[serde(skip)]
    status: StatusCode,
    /// A stable code, e.g. `unauthorized`.
    error: String,
    message: String,
    /// Per input field, what is wrong with it (for `invalid`).
    #[serde(skip_serializing_if = "Option::is_none")]
    fields: Option<std::collections::BTreeMap<String, String>>,
}

impl ApiError {
    fn unauthorized() -> Self {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Send a valid API key as `Authorization: Bearer <key>`.",
        )
    }

    pub(crate) fn new(status: StatusCode, error: &str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            error: error.into(),
            message: message.into(),
            fields: None,
        }
    }

    /// Input that does not pass the same checks as the employer's form.
    pub(crate) fn invalid(fields: std::collections::BTreeMap<String, String>) -> Self {
        ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            error: "invalid".into(),
            message: "Some fields are not valid; see `fields`.".into(),
            fields: Some(fields),
        }
    }

    fn unavailable() -> Self {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "Database unreachable.",
        )
    }

    pub(crate) fn internal() -> Self {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Something went wrong.",
        )
    }
}

impl From<crate::web::error::WebError> for ApiError {
    fn from(err: crate::web::error::WebError) -> Self {
        use crate::web::error::WebError;
        match err {
            WebError::NotFound => ApiError::new(
                StatusCode::NOT_FOUND,
                "not_found",
                "No such object for this key.",
            ),
            WebError::Internal(e) => {
                tracing::error!(error = format!("{e:#}"), "api request failed");
                ApiError::internal()
            }
            other => ApiError::new(other.status(), "error", other.to_string()),
        }
    }
}

impl From<crate::storage::StorageError> for ApiError {
    fn from(err: crate::storage::StorageError) -> Self {
        crate::web::error::WebError::from(err).into()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = json!({ "error": self.error, "message": self.message });
        if let Some(fields) = self.fields {
            body["fields"] = json!(fields);
        }
        let mut response = (self.status, Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer"),
            );
        }
        response
    }
}

/// A request authenticated with an API key.
pub struct ApiClient(pub crate::storage::ApiKey);

impl FromRequestParts<AppState> for ApiClient {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let key = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(ApiError::unauthorized)?;
        let found = state
            .store
            .api_key_by_hash(&token_hash(key.trim()))
            .await
            .map_err(|_| ApiError::internal())?
            .ok_or_else(ApiError::unauthorized)?;
        state
            .store
            .touch_api_key(found.id, now())
            .await
            .map_err(|_| ApiError::internal())?;
        Ok(ApiClient(found))
    }
}
