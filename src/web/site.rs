//! Public pages that are not part of a feature area: home, robots.txt, static assets.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Router,
    http::header,
    response::{IntoResponse, Redirect},
    routing::get,
};

use crate::web::{AppState, page::Page};

pub fn routes() -> Router<AppState> {
    // The home page is routed in `web::router`: nesting "/" under "/en" would give "/en".
    Router::new()
        .route("/robots.txt", get(robots))
        .route("/static/style.css", get(stylesheet))
        .route("/static/favicon.svg", get(favicon))
}

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
pub struct HomePage {
    p: Page,
}

pub async fn home(p: Page) -> HomePage {
    HomePage { p }
}

/// `/en` without the slash goes to the English home page.
pub async fn english_home() -> Redirect {
    Redirect::permanent("/en/")
}

async fn robots(p: Page) -> impl IntoResponse {
    let body = format!(
        "User-agent: *\nDisallow: /beheer\nDisallow: /en/beheer\nDisallow: /api/\nDisallow: /scan/\n\nSitemap: {}/sitemap.xml\n",
        p.base_url
    );
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body)
}

const CACHE_STATIC: &str = "public, max-age=3600";

/// One stylesheet for the whole site, kept in one file per area of the site.
const STYLESHEET: &str = concat!(
    include_str!("../../static/css/base.css"),
    include_str!("../../static/css/werkgever.css"),
    include_str!("../../static/css/scan.css"),
    include_str!("../../static/css/results.css"),
    include_str!("../../static/css/autonomie-scan.css"),
);

async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, CACHE_STATIC),
        ],
        STYLESHEET,
    )
}

async fn favicon() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, CACHE_STATIC),
        ],
        include_str!("../../static/favicon.svg"),
    )
}
