//! Use cases: what the site does, without HTTP. The employer's pages and the JSON API call
//! the same functions here, so a scan made through either follows the same rules.
//!
//! A service takes the storage areas it needs, settings or secrets where it must, and a
//! domain command that was parsed at the edge (`hrnexus_core::scan::setup`), never a web
//! form or the web layer's state. Errors are [`ServiceError`]; the web layer turns them into
//! a page or JSON.

pub mod answers;
pub mod articles;
pub mod intake;
pub mod introductions;
pub mod invitations;
pub mod issues;
pub mod newsletter;
pub mod providers;
pub mod results;
pub mod scans;

use crate::storage::StorageError;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// No such object for this owner (someone else's looks the same as none).
    #[error("not found")]
    NotFound,
    /// The round takes no more links or answers.
    #[error("the round is closed")]
    RoundClosed,
    /// A department id that is not one of the scan's.
    #[error("not a department of this scan")]
    UnknownDepartment,
    /// A round's new closing date is refused (with why: before the round opened, in the
    /// past, too far ahead, or the round has closed).
    #[error("closing date refused: {}", .0.code())]
    ClosingDate(hrnexus_core::scan::setup::SetupProblem),
    /// Someone else did the same thing at the same moment (two clicks raced).
    #[error("conflict")]
    Conflict,
    #[error(transparent)]
    Storage(StorageError),
    /// A template that could not be rendered (a mail).
    #[error(transparent)]
    Template(#[from] askama::Error),
}

impl From<StorageError> for ServiceError {
    fn from(err: StorageError) -> Self {
        match err {
            StorageError::Conflict => ServiceError::Conflict,
            other => ServiceError::Storage(other),
        }
    }
}

pub type Result<T, E = ServiceError> = std::result::Result<T, E>;
