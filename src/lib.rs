//! HRnexus: the web application. The domain rules live in `hrnexus-core`; this crate adds
//! storage, mail, the web layer and the command line around them.

pub mod app;
pub mod auth;
pub mod cli;
pub mod config;
pub mod demo;
pub mod i18n;
pub mod mail;
pub mod report;
pub mod secret;
pub mod services;
pub use hrnexus_storage as storage;
pub mod web;
