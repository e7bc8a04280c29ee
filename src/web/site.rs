//! Public pages that are not part of a feature area: home, robots.txt, static assets.

use askama::Template;
use axum::{
    Router,
    body::Bytes,
    extract::State,
    http::header,
    response::{IntoResponse, Redirect, Response},
    routing::get,
};

use crate::web::{AppState, error::WebError, page::Page};

pub fn routes() -> Router<AppState> {
    // The home page is routed in `web::router`: nesting "/" under "/en" would give "/en".
    Router::new()
        .route("/robots.txt", get(robots))
        .route("/static/style.css", get(stylesheet))
        .route("/static/favicon.svg", get(favicon))
}

#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    p: Page,
}

/// The home page is the same for every visitor, so it is rendered once per language and
/// served from memory (it is the busiest page and must keep up with a static file server).
pub async fn home(State(state): State<AppState>, p: Page) -> Result<Response, WebError> {
    let slot = &state.rendered_home[p.lang as usize];
    let html = match slot.get() {
        Some(html) => html.clone(),
        None => {
            let html = Bytes::from(
                HomePage { p }
                    .render()
                    .map_err(|e| WebError::Internal(e.into()))?,
            );
            slot.get_or_init(|| html).clone()
        }
    };
    Ok(([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response())
}

/// `/en` without the slash goes to the English home page.
pub async fn english_home() -> Redirect {
    Redirect::permanent("/en/")
}

async fn robots(p: Page) -> impl IntoResponse {
    let body = format!(
        "User-agent: *\nDisallow: /beheer\nDisallow: /en/beheer\nDisallow: /werkgever\nDisallow: /en/werkgever\nDisallow: /api/\nDisallow: /scan/\n\nSitemap: {}/sitemap.xml\n",
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
    include_str!("../../static/css/providers.css"),
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
