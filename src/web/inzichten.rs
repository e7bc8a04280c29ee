//! Inzichten: the public list of articles, article pages, the Atom feed, and the sitemap.
//!
//! Dutch articles live at `/inzichten`, English ones at `/en/inzichten`: the language of the
//! path is the language of the articles. Drafts and scheduled articles are not found.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Router,
    extract::{Path, Query, State},
    http::header,
    response::{IntoResponse, Response},
    routing::get,
};
use hrnexus_core::content::{ArticleSlug, page_number};
use serde::Deserialize;

use crate::{
    i18n::{Lang, date_in_netherlands},
    services::articles::{self, ArticlePage},
    storage::{Article, now},
    web::{AppState, error::WebError, page::Page},
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/inzichten", get(list))
        .route("/inzichten/feed.xml", get(feed))
        .route("/inzichten/{slug}", get(article))
}

/// `/sitemap.xml`: one for the whole site, both languages (mounted once, not under `/en`).
pub fn sitemap_routes() -> Router<AppState> {
    Router::new().route("/sitemap.xml", get(sitemap))
}

/// How many articles the feed carries, and the sitemap per language at most.
const FEED_ENTRIES: i64 = 20;
const SITEMAP_ARTICLES: i64 = 5_000;

/// An article as a list item or a related article.
pub struct Teaser {
    pub href: String,
    pub title: String,
    pub summary: String,
    pub theme: String,
    pub date: String,
}

fn teaser(p: &Page, a: &Article) -> Teaser {
    Teaser {
        href: p.href(&format!("/inzichten/{}", a.slug)),
        title: a.title.clone(),
        summary: a.summary.clone(),
        theme: a.theme.clone(),
        date: long_date(p.lang, a.published_at.unwrap_or(a.created_at)),
    }
}

fn long_date(lang: Lang, at: i64) -> String {
    lang.date_long(date_in_netherlands(at))
}

#[derive(Deserialize)]
pub struct ListQuery {
    thema: Option<String>,
    pagina: Option<String>,
}

/// A theme to filter on, with whether it is the one shown.
pub struct ThemeLink {
    pub name: String,
    pub href: String,
    pub current: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "inzichten/list.html")]
pub struct ListPage {
    p: Page,
    articles: Vec<Teaser>,
    themes: Vec<ThemeLink>,
    all_href: String,
    theme: Option<String>,
    pages: u32,
    /// "Pagina 2 van 3".
    page_label: String,
    previous: Option<String>,
    next: Option<String>,
}

fn list_href(p: &Page, theme: Option<&str>, page: u32) -> String {
    let mut params = Vec::new();
    if let Some(theme) = theme {
        params.push(format!("thema={}", query_escape(theme)));
    }
    if page > 1 {
        params.push(format!("pagina={page}"));
    }
    let base = p.href("/inzichten");
    if params.is_empty() {
        base
    } else {
        format!("{base}?{}", params.join("&"))
    }
}

/// Percent-encodes a query value (themes are plain words, but may hold spaces).
fn query_escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

async fn list(
    State(state): State<AppState>,
    p: Page,
    Query(query): Query<ListQuery>,
) -> Result<ListPage, WebError> {
    let page = page_number(query.pagina.as_deref());
    let ArticlePage {
        articles,
        themes,
        theme,
        page,
        pages,
    } = articles::list(
        state.store.as_ref(),
        p.code(),
        query.thema.as_deref().map(str::trim),
        page,
        now(),
    )
    .await?;
    let themes = themes
        .into_iter()
        .map(|name| ThemeLink {
            href: list_href(&p, Some(&name), 1),
            current: theme.as_deref() == Some(name.as_str()),
            name,
        })
        .collect();
    let previous = (page > 1).then(|| list_href(&p, theme.as_deref(), (page - 1).min(pages)));
    let next = (page < pages).then(|| list_href(&p, theme.as_deref(), page + 1));
    Ok(ListPage {
        articles: articles.iter().map(|a| teaser(&p, a)).collect(),
        themes,
        all_href: list_href(&p, None, 1),
        theme,
        pages,
        page_label: p.t_args(
            "inzichten-page-of",
            &[("page", page.to_string()), ("pages", pages.to_string())],
        ),
        previous,
        next,
        p,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "inzichten/article.html")]
pub struct ArticleView {
    p: Page,
    title: String,
    summary: String,
    theme: String,
    theme_href: String,
    author: String,
    date: String,
    /// For `<time datetime>` and `article:published_time`.
    iso_date: String,
    reading: String,
    /// Sanitised by the service: shown as it is.
    body_html: String,
    canonical: String,
    related: Vec<Teaser>,
}

/// An article page, from the page cache when it was rendered a moment ago (every visitor
/// sees the same page).
async fn article(
    State(state): State<AppState>,
    p: Page,
    Path(slug): Path<String>,
) -> Result<Response, WebError> {
    let slug = ArticleSlug::parse(&slug).map_err(|_| WebError::NotFound)?;
    let key = format!("{}:{}", p.code(), slug.as_str());
    let html = match state.article_pages.get(&key) {
        Some(html) => html,
        None => {
            let view = article_view(&state, p, &slug).await?;
            let html =
                axum::body::Bytes::from(view.render().map_err(|e| WebError::Internal(e.into()))?);
            state.article_pages.put(key, html.clone());
            html
        }
    };
    Ok((
        [(axum::http::header::CONTENT_TYPE, "text/html; charset=utf-8")],
        html,
    )
        .into_response())
}

async fn article_view(
    state: &AppState,
    p: Page,
    slug: &ArticleSlug,
) -> Result<ArticleView, WebError> {
    let shown = articles::show(state.store.as_ref(), p.code(), slug, now()).await?;
    let a = &shown.article;
    let published = a.published_at.unwrap_or(a.created_at);
    Ok(ArticleView {
        title: a.title.clone(),
        summary: a.summary.clone(),
        theme_href: list_href(&p, Some(&a.theme), 1),
        theme: a.theme.clone(),
        author: a.author.clone(),
        date: long_date(p.lang, published),
        iso_date: rfc3339(published),
        reading: p.t_args(
            "inzichten-reading-time",
            &[("minutes", shown.reading_minutes.to_string())],
        ),
        body_html: shown.html,
        canonical: format!("{}{}", p.base_url, p.href(&format!("/inzichten/{slug}"))),
        related: shown.related.iter().map(|r| teaser(&p, r)).collect(),
        p,
    })
}

fn rfc3339(at: i64) -> String {
    chrono::DateTime::from_timestamp(at, 0)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

pub struct FeedEntry {
    pub url: String,
    pub title: String,
    pub summary: String,
    pub author: String,
    pub published: String,
    pub updated: String,
    /// Sanitised HTML; the template escapes it once more, as Atom's `type="html"` wants.
    pub html: String,
}

#[derive(Template)]
#[template(path = "inzichten/feed.xml")]
pub struct Feed {
    title: String,
    self_url: String,
    list_url: String,
    updated: String,
    entries: Vec<FeedEntry>,
}

async fn feed(State(state): State<AppState>, p: Page) -> Result<Response, WebError> {
    let latest = articles::latest(state.store.as_ref(), p.code(), now(), FEED_ENTRIES).await?;
    let url = |path: &str| format!("{}{}", p.base_url, p.href(path));
    let entries: Vec<FeedEntry> = latest
        .iter()
        .map(|a| FeedEntry {
            url: url(&format!("/inzichten/{}", a.slug)),
            title: a.title.clone(),
            summary: a.summary.clone(),
            author: a.author.clone(),
            published: rfc3339(a.published_at.unwrap_or(a.created_at)),
            updated: rfc3339(a.updated_at.max(a.published_at.unwrap_or(0))),
            html: articles::render_markdown(&a.body_markdown),
        })
        .collect();
    let updated = latest
        .iter()
        .map(|a| a.updated_at.max(a.published_at.unwrap_or(0)))
        .max()
        .unwrap_or(0);
    let body = Feed {
        title: p.t("inzichten-feed-title"),
        self_url: url("/inzichten/feed.xml"),
        list_url: url("/inzichten"),
        updated: rfc3339(updated),
        entries,
    }
    .render()
    .map_err(|e| WebError::Internal(e.into()))?;
    Ok((
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        body,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "inzichten/sitemap.xml")]
pub struct Sitemap {
    urls: Vec<SitemapUrl>,
}

pub struct SitemapUrl {
    pub loc: String,
    pub lastmod: Option<String>,
}

/// Public pages that are the same for everyone, in both languages.
const SITEMAP_PAGES: [&str; 4] = [
    "/",
    "/autonomie-scan",
    "/scan/wat-je-werkgever-ziet",
    "/inzichten",
];

async fn sitemap(State(state): State<AppState>) -> Result<Response, WebError> {
    let base = state.settings.base_url();
    let at = now();
    let mut urls = Vec::new();
    for lang in Lang::ALL {
        let p = Page::for_path(lang.prefix(), base);
        for path in SITEMAP_PAGES {
            urls.push(SitemapUrl {
                loc: format!("{base}{}", p.href(path)),
                lastmod: None,
            });
        }
        for a in articles::latest(state.store.as_ref(), lang.code(), at, SITEMAP_ARTICLES).await? {
            urls.push(SitemapUrl {
                loc: format!("{base}{}", p.href(&format!("/inzichten/{}", a.slug))),
                lastmod: Some(rfc3339(a.updated_at.max(a.published_at.unwrap_or(0)))),
            });
        }
    }
    let body = Sitemap { urls }
        .render()
        .map_err(|e| WebError::Internal(e.into()))?;
    Ok((
        [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
        body,
    )
        .into_response())
}
