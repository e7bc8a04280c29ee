//! The integration tests, built as one binary: each module links the whole application, so
//! one binary links it once instead of once per file. Run one area with a filter, e.g.
//! `cargo test --test it results::` (module paths prefix the test names).

mod common;

mod api_connect;
mod api_contract;
mod api_scans;
mod articles_admin;
mod articles_storage;
mod autonomie_scan;
mod cli;
mod contact;
mod hardening;
mod http_beheer;
mod http_site;
mod instances;
mod intake_storage;
mod introductions;
mod invitations;
mod inzichten;
mod kompas;
mod kompas_issues;
mod limits;
mod mail_delivery;
mod migrations;
mod newsletter_storage;
mod portaal;
mod providers_admin;
mod providers_http;
mod providers_storage;
mod report;
mod respond;
mod results;
mod scan_storage;
mod schema;
mod storage_contract;
mod trust;
mod werkgever;
mod werkgever_rounds;
