//! The JSON API under `/api/v1`, and its OpenAPI 3.1 document generated from the handlers
//! (utoipa-axum registers a route and its documentation in one call, so they cannot drift).

use std::sync::Arc;

use axum::{
    Json, Router,
    body::Bytes,
    extract::{FromRequest, FromRequestParts, Request, State},
    http::{StatusCode, header, request::Parts},
    response::{IntoResponse, Response},
    routing::get,
};
use serde::{Serialize, de::DeserializeOwned};
use utoipa::{
    Modify, OpenApi, ToSchema,
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
};
use utoipa_axum::{router::OpenApiRouter, routes};

mod connect;
mod inform;
mod invitations;
mod scans;

use crate::{
    auth::token_hash,
    storage::now,
    web::{
        AppState,
        error::{ApiError, WebError},
    },
};

#[derive(OpenApi)]
#[openapi(
    info(title = "HRnexus API", description = "Scans, results and introductions for HRnexus clients."),
    modifiers(&BearerAuth),
    tags(
        (name = "platform", description = "Health and identity"),
        (name = "scans", description = "Autonomie-scans: create, invite, follow, read results (anonymity rules applied)"),
        (name = "connect", description = "The provider network and intakes (questions that lead to an introduction)"),
        (name = "inform", description = "Inzichten articles and HRnexus Kompas subscriptions (double opt-in)")
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
        .routes(routes!(scans::status, scans::delete))
        .routes(routes!(scans::invites))
        .routes(routes!(scans::results))
        .routes(routes!(scans::report_pdf))
        .routes(routes!(invitations::invite_by_mail))
        .routes(routes!(connect::providers))
        .routes(routes!(connect::create_intake))
        .routes(routes!(connect::introductions))
        .routes(routes!(connect::accept))
        .routes(routes!(connect::decline))
        .routes(routes!(inform::articles))
        .routes(routes!(inform::subscribe))
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
    scans::add_examples(&mut document);
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
    #[schema(value_type = String, pattern = "^ok$")]
    status: String,
}

/// Liveness of the API and its database. Needs no key.
#[utoipa::path(get, path = "/v1/health", tag = "platform", operation_id = "health",
    responses((status = 200, description = "The service and its database answer", body = Health),
              (status = 503, description = "The database does not answer", body = ApiError)))]
async fn health(State(state): State<AppState>) -> Result<Json<Health>, WebError> {
    state
        .store
        .ping()
        .await
        .map_err(|_| WebError::Unavailable)?;
    Ok(Json(Health {
        status: "ok".into(),
    }))
}

#[derive(Serialize, ToSchema)]
struct KeyIdentity {
    id: i64,
    name: String,
    /// The key's first characters, to recognise it in the back office.
    prefix: String,
    /// Who created the key.
    created_by: String,
    /// Unix time in seconds.
    created_at: i64,
}

/// The API key making the request.
#[utoipa::path(get, path = "/v1/me", tag = "platform", operation_id = "me", security(("api_key" = [])),
    responses((status = 200, description = "The key's identity", body = KeyIdentity), Unauthorized))]
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

// The responses that any authenticated operation, or any operation with a JSON body, can
// give; named once so that every operation documents them the same way. These types exist
// for the document only.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
#[response(
    status = 401,
    description = "No valid API key: send `Authorization: Bearer <key>`"
)]
struct Unauthorized(#[to_schema] ApiError);

#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
#[response(
    status = 404,
    description = "No such scan for this key (also for ids that cannot exist)"
)]
struct NotFound(#[to_schema] ApiError);

#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
#[response(
    status = 403,
    description = "Sent cross-site by a browser (`Sec-Fetch-Site` or `Origin` of another site)"
)]
struct CrossSite(#[to_schema] ApiError);

/// A JSON body's possible rejections: malformed, too large, not JSON, not valid.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
enum BodyRejections {
    #[response(
        status = 400,
        description = "The body is not well-formed JSON (`malformed_json`)"
    )]
    Malformed(#[to_schema] ApiError),
    #[response(
        status = 413,
        description = "The body is over the size limit (`payload_too_large`)"
    )]
    TooLarge(#[to_schema] ApiError),
    #[response(
        status = 415,
        description = "The body is not sent as `Content-Type: application/json`"
    )]
    NotJson(#[to_schema] ApiError),
    #[response(
        status = 422,
        description = "A field is missing, of the wrong type or not valid; `fields` says which"
    )]
    Invalid(#[to_schema] ApiError),
}

/// A JSON body whose rejections keep the API's contract: 415 without a JSON content type,
/// 413 over the limit, 400 for malformed JSON, 422 naming the field for wrong types and
/// missing fields.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = WebError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let json = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|v| v.trim().to_ascii_lowercase())
            .is_some_and(|v| v == "application/json" || v.ends_with("+json"));
        if !json {
            return Err(WebError::from_status(StatusCode::UNSUPPORTED_MEDIA_TYPE));
        }
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| WebError::from_status(rejection.status()))?;
        let malformed = |err: serde_json::Error| {
            WebError::refused(
                StatusCode::BAD_REQUEST,
                "malformed_json",
                format!("The body is not valid JSON: {err}"),
            )
        };
        // Syntax first (trailing text included), then the shape, with the path of what is wrong.
        let parsed: serde_json::Value = serde_json::from_slice(&bytes).map_err(malformed)?;
        // Every body of this API is an object (serde would also take a struct from an array).
        if !parsed.is_object() {
            return Err(WebError::field("body", "must be a JSON object"));
        }
        let value = serde_path_to_error::deserialize(parsed).map_err(|err| {
            let path = err.path().to_string();
            let message = err.into_inner().to_string();
            // A missing field is reported at the object that lacks it; name the field.
            let missing = message
                .strip_prefix("missing field `")
                .and_then(|rest| rest.split_once('`'))
                .map(|(name, _)| name.to_owned());
            let field = match (missing, path.as_str()) {
                (Some(name), ".") => name,
                (Some(name), path) => format!("{path}.{name}"),
                // `.` is serde_path_to_error's name for the body itself.
                (None, ".") => "body".to_owned(),
                (None, path) => path.to_owned(),
            };
            WebError::field(&field, message)
        })?;
        Ok(ApiJson(value))
    }
}

/// An integer in a JSON body that may be written as a whole number with a fraction part
/// (`451.0`), as JSON Schema's `integer` allows.
pub(crate) mod whole_number {
    use serde::{Deserialize, Deserializer, de::Error};

    fn parse<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
        let number = serde_json::Number::deserialize(deserializer)?;
        if let Some(n) = number.as_i64() {
            return Ok(n);
        }
        match number.as_f64() {
            // Below 2^53 every whole f64 is exact; larger ones are out of every range here.
            Some(f) if f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 => Ok(f as i64),
            _ => Err(D::Error::custom(format!(
                "expected a whole number, got {number}"
            ))),
        }
    }

    pub fn u32<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u32, D::Error> {
        let n = parse(deserializer)?;
        u32::try_from(n).map_err(|_| D::Error::custom(format!("{n} is out of range")))
    }

    pub fn option_u32<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
        #[derive(Deserialize)]
        struct Wrap(#[serde(deserialize_with = "u32")] u32);
        Ok(Option::<Wrap>::deserialize(d)?.map(|w| w.0))
    }

    pub fn option_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        #[derive(Deserialize)]
        struct Wrap(#[serde(deserialize_with = "parse")] i64);
        Ok(Option::<Wrap>::deserialize(d)?.map(|w| w.0))
    }
}

/// A scan id from the path: a positive 64-bit integer. Anything else cannot name a scan,
/// so it is answered like an unknown id.
pub struct PathId(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for PathId {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Path(text) =
            axum::extract::Path::<String>::from_request_parts(parts, state)
                .await
                .map_err(|_| WebError::from_status(StatusCode::NOT_FOUND))?;
        match text.parse::<i64>() {
            Ok(id) if id > 0 => Ok(PathId(id)),
            _ => Err(WebError::NotFound),
        }
    }
}

/// A request authenticated with an API key.
pub struct ApiClient(pub crate::storage::ApiKey);

impl FromRequestParts<AppState> for ApiClient {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let key = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or(WebError::Unauthorized)?;
        let found = state
            .store
            .api_key_by_hash(&token_hash(key.trim()))
            .await?
            .ok_or(WebError::Unauthorized)?;
        state.store.touch_api_key(found.id, now()).await?;
        Ok(ApiClient(found))
    }
}
