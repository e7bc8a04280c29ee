//! API keys for `/api/v1`: created here, shown once, stored as a hash, revocable.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form,
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;

use super::Staff;
use crate::{
    auth,
    storage::{ApiKey, now},
    web::{
        AppState,
        error::WebError,
        page::Page,
        security::{ClientIp, IdPath},
    },
};

const MAX_NAME_LEN: usize = 80;

/// What the page shows of a key: never its hash.
pub struct KeyRow {
    id: i64,
    name: String,
    prefix: String,
    created_by: String,
    last_used_at: Option<i64>,
    revoked_at: Option<i64>,
}

impl From<ApiKey> for KeyRow {
    fn from(key: ApiKey) -> Self {
        KeyRow {
            id: key.id,
            name: key.name,
            prefix: key.prefix,
            created_by: key.created_by,
            last_used_at: key.last_used_at,
            revoked_at: key.revoked_at,
        }
    }
}

async fn key_rows(state: &AppState) -> Result<Vec<KeyRow>, WebError> {
    Ok(state
        .store
        .list_api_keys()
        .await?
        .into_iter()
        .map(KeyRow::from)
        .collect())
}

#[derive(Template, WebTemplate)]
#[template(path = "beheer/api_keys.html")]
pub struct ApiKeysPage {
    p: Page,
    email: String,
    keys: Vec<KeyRow>,
    name: String,
    name_error: Option<String>,
    /// The key just created: shown this one time only.
    created: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    p: Page,
    staff: Staff,
) -> Result<ApiKeysPage, WebError> {
    Ok(ApiKeysPage {
        p,
        email: staff.email,
        keys: key_rows(&state).await?,
        name: String::new(),
        name_error: None,
        created: None,
    })
}

#[derive(Deserialize)]
pub struct NewKeyForm {
    #[serde(default)]
    name: String,
}

pub async fn create(
    State(state): State<AppState>,
    p: Page,
    staff: Staff,
    ip: ClientIp,
    Form(form): Form<NewKeyForm>,
) -> Result<Response, WebError> {
    use hrnexus_core::text::{SingleLine, TextError};
    let (name, name_error) = match SingleLine::parse(&form.name, MAX_NAME_LEN) {
        Ok(name) => (name.into_string(), None),
        Err(TextError::Empty) => (String::new(), Some(p.t("api-key-name-missing"))),
        Err(TextError::TooLong) => (String::new(), Some(p.t("api-key-name-too-long"))),
        Err(e) => (String::new(), Some(p.t(&format!("text-error-{}", e.key())))),
    };
    if name_error.is_some() {
        let keys = key_rows(&state).await?;
        let page = ApiKeysPage {
            p,
            email: staff.email,
            keys,
            name: form.name,
            name_error,
            created: None,
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let (key, prefix, hash) = auth::new_api_key();
    state
        .store
        .create_api_key(&name, &prefix, &hash, &staff.email)
        .await?;
    state
        .audit(Some(&staff.email), "api_key_created", &name, &ip)
        .await?;
    let keys = key_rows(&state).await?;
    let page = ApiKeysPage {
        p,
        email: staff.email,
        keys,
        name: String::new(),
        name_error: None,
        created: Some(key),
    };
    // The page shows a secret: like every back-office page it is sent with `no-store`.
    Ok(page.into_response())
}

pub async fn revoke(
    State(state): State<AppState>,
    p: Page,
    staff: Staff,
    ip: ClientIp,
    IdPath(id): IdPath,
) -> Result<Redirect, WebError> {
    if !state.store.revoke_api_key(id, now()).await? {
        return Err(WebError::NotFound);
    }
    state
        .audit(Some(&staff.email), "api_key_revoked", &id.to_string(), &ip)
        .await?;
    Ok(Redirect::to(&p.href("/beheer/api-sleutels")))
}
