//! "Wat je werkgever wel en niet ziet": a public page for employees, linked from every
//! answer form, that states the scan's guarantees and their limits in plain words.

use askama::Template;
use askama_web::WebTemplate;
use axum::{Router, routing::get};
use hrnexus_core::scan::anonymity::{DEFAULT_MIN_COMMENTS, DEFAULT_MIN_GROUP};

use crate::web::{AppState, page::Page};

/// The Dutch address (also under `/en`), and the English one.
pub const PATH_NL: &str = "/scan/wat-je-werkgever-ziet";
pub const PATH_EN: &str = "/scan/what-your-employer-sees";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(PATH_NL, get(page))
        .route(PATH_EN, get(page))
}

/// One section: a heading and its paragraphs.
pub struct Section {
    heading: String,
    paragraphs: Vec<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "privacy/employees.html")]
pub struct PrivacyPage {
    p: Page,
    sections: Vec<Section>,
}

pub async fn page(p: Page) -> PrivacyPage {
    let group = ("group", DEFAULT_MIN_GROUP.to_string());
    let comments = ("comments", DEFAULT_MIN_COMMENTS.to_string());
    let section = |key: &str, paragraphs: usize| Section {
        heading: p.t(&format!("privacy-{key}-title")),
        paragraphs: (1..=paragraphs)
            .map(|i| {
                p.t_args(
                    &format!("privacy-{key}-{i}"),
                    &[group.clone(), comments.clone()],
                )
            })
            .collect(),
    };
    let sections = vec![
        section("sees", 3),
        section("not", 4),
        section("shared", 2),
        section("padding", 2),
        section("hrnexus", 3),
    ];
    PrivacyPage { p, sections }
}
