//! Domain core of HRnexus.
//!
//! Pure logic only: no files, no network, no clock, no database. Everything
//! that reaches a page or the JSON API is expressed as keys and enums, so the
//! web layer owns every user-facing word (Dutch and English).

pub mod content;
pub mod cost;
pub mod email;
pub mod intake;
pub mod introduction;
pub mod issue;
mod key;
pub mod matching;
pub mod newsletter;
pub mod provider;
pub mod scan;
pub mod stats;
pub mod text;
pub mod token;
pub mod workdays;
