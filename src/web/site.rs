//! Public pages that are not part of a feature area: home, robots.txt, static assets.

use askama::Template;
use axum::{
    Router,
    body::Bytes,
    extract::{Path, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::get,
};

use crate::web::{AppState, assets, error::WebError, page::Page};

pub fn routes() -> Router<AppState> {
    // The home page is routed in `web::router`: nesting "/" under "/en" would give "/en".
    Router::new()
        .route("/robots.txt", get(robots))
        .route("/static/{file}", get(static_file))
}

#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    p: Page,
}

/// The home page is the same for every visitor, so it is rendered (and compressed) once per
/// language and served from memory (it is the busiest page and must keep up with a static
/// file server).
pub async fn home(
    State(state): State<AppState>,
    p: Page,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let slot = &state.rendered_home[p.lang as usize];
    let home = match slot.get() {
        Some(home) => home,
        None => {
            let html = HomePage { p }
                .render()
                .map_err(|e| WebError::Internal(e.into()))?;
            slot.get_or_init(|| assets::Encoded::new(Bytes::from(html)))
        }
    };
    Ok(home.response(&headers, "text/html; charset=utf-8", None))
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

/// `/static/{file}`: the stylesheets and the icon (see `web::assets`).
async fn static_file(Path(file): Path<String>, headers: HeaderMap) -> Response {
    match assets::serve(&file, &headers) {
        Some(response) => response,
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
