//! Storage, one trait per area of the site, each implemented for both backends: SQLite
//! embedded (the default), PostgreSQL for several instances. Both pass the same contract
//! tests (`tests/it/storage_contract.rs`).
//!
//! An area module (`accounts`, `scans`, …) holds its rows, its trait and the methods whose
//! SQL is the same on both backends, written once; `sqlite.rs` and `postgres.rs` hold the
//! connection set-up and what genuinely differs (claiming outbox mail, answer batches,
//! backups). This crate reaches only the domain core: nothing here knows about HTTP.

mod accounts;
mod articles;
mod audit;
mod batcher;
mod intake;
mod invitations;
mod issues;
mod newsletter;
mod operations;
mod outbox;
mod postgres;
mod providers;
mod scans;
mod sessions;
mod sqlite;

use std::sync::Arc;

pub use accounts::*;
pub use articles::*;
pub use audit::*;
pub use intake::*;
pub use invitations::*;
pub use issues::*;
pub use newsletter::*;
pub use operations::*;
pub use outbox::*;
pub use postgres::PgStore;
pub use providers::*;
pub use scans::*;
pub use sessions::*;
pub use sqlite::SqliteStore;

/// Unix time in seconds. Both backends store times as integers so that the same SQL
/// compares them; conversion to calendar dates happens at the edges.
pub type UnixTime = i64;

pub fn now() -> UnixTime {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

/// A random 128-bit id for rows whose order must not tell anything (responses, comments).
pub fn random_id() -> String {
    format!("{:032x}", rand::random::<u128>())
}

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("already exists")]
    Conflict,
    #[error("{0}")]
    Unsupported(&'static str),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
}

impl StorageError {
    fn from_write(err: sqlx::Error) -> Self {
        match &err {
            sqlx::Error::Database(db) if db.is_unique_violation() => StorageError::Conflict,
            _ => StorageError::Database(err),
        }
    }
}

pub type Result<T, E = StorageError> = std::result::Result<T, E>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Everything the application stores. Code that needs one area asks for that area's trait;
/// the app holds one `DynStorage` that is all of them.
pub trait Storage:
    Operations
    + AccountStore
    + AuditStore
    + SessionStore
    + OutboxStore
    + ScanStore
    + InvitationStore
    + IntakeStore
    + NewsletterStore
    + IssueStore
    + ArticleStore
    + ProviderStore
    + 'static
{
}

impl<T> Storage for T where
    T: Operations
        + AccountStore
        + AuditStore
        + SessionStore
        + OutboxStore
        + ScanStore
        + InvitationStore
        + IntakeStore
        + NewsletterStore
        + IssueStore
        + ArticleStore
        + ProviderStore
        + 'static
{
}

pub type DynStorage = Arc<dyn Storage>;

/// Opens the database named by `url` (`sqlite:…` or `postgres://…`) and migrates it.
pub async fn connect(url: &str) -> Result<DynStorage> {
    let store: DynStorage = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Arc::new(PgStore::connect(url).await?)
    } else {
        Arc::new(SqliteStore::connect(url).await?)
    };
    store.migrate().await?;
    Ok(store)
}
