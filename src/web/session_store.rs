//! tower-sessions store on top of our `Storage`, so sessions work the same on SQLite and on
//! a PostgreSQL shared by several instances. The cookie value is hashed before it is used
//! as a key: a copy of the sessions table cannot be replayed as cookies.

use async_trait::async_trait;
use tower_sessions::{
    Expiry, SessionManagerLayer, SessionStore,
    cookie::SameSite,
    session::{Id, Record},
    session_store::{Error, Result},
};

use crate::{auth::token_hash, storage::DynStorage, web::AppState};

pub const SESSION_COOKIE: &str = "hrnexus_session";

/// The session layer for areas with a sign-in (back office, employer area). One cookie,
/// server-side records; staff and employer data live under their own keys.
pub fn layer(state: &AppState) -> SessionManagerLayer<DbSessionStore> {
    SessionManagerLayer::new(DbSessionStore(state.store.clone()))
        .with_name(SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.settings.is_https())
        // Every request of a signed-in user pushes the idle deadline forward.
        .with_always_save(true)
        .with_expiry(Expiry::OnInactivity(time::Duration::minutes(
            state.settings.session_idle_minutes as i64,
        )))
}

#[derive(Clone)]
pub struct DbSessionStore(pub DynStorage);

impl std::fmt::Debug for DbSessionStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DbSessionStore")
    }
}

fn backend(err: impl std::fmt::Display) -> Error {
    Error::Backend(err.to_string())
}

fn encode(record: &Record) -> Result<(String, i64)> {
    let data = serde_json::to_string(record).map_err(|e| Error::Encode(e.to_string()))?;
    Ok((data, record.expiry_date.unix_timestamp()))
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> Result<()> {
        // A collision of two random 128-bit ids is practically impossible, but cheap to handle.
        loop {
            let (data, expires_at) = encode(record)?;
            if self
                .0
                .session_insert(&token_hash(&record.id.to_string()), &data, expires_at)
                .await
                .map_err(backend)?
            {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    async fn save(&self, record: &Record) -> Result<()> {
        let (data, expires_at) = encode(record)?;
        self.0
            .session_upsert(&token_hash(&record.id.to_string()), &data, expires_at)
            .await
            .map_err(backend)
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        let data = self
            .0
            .session_load(&token_hash(&id.to_string()), crate::storage::now())
            .await
            .map_err(backend)?;
        data.map(|data| serde_json::from_str(&data).map_err(|e| Error::Decode(e.to_string())))
            .transpose()
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        self.0
            .session_delete(&token_hash(&id.to_string()))
            .await
            .map_err(backend)
    }
}
