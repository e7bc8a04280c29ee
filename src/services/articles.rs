//! Inzichten: articles from Markdown to safe HTML, the public list, one article with its
//! related articles, and what the feed and the sitemap need.
//!
//! Markdown is written by staff, but what reaches a visitor's browser is always sanitised:
//! pulldown-cmark turns it into HTML (raw HTML in the Markdown included), and ammonia keeps
//! only an allow-list of tags, attributes and URL schemes. No `<script>`, no `on…`
//! attributes, no `javascript:` links survive.

use hrnexus_core::content::{ArticleDraft, ArticleSlug, PAGE_SIZE, PublishChoice, reading_minutes};

use crate::{
    services::{Result, ServiceError},
    storage::{Article, ArticleQuery, ArticleStore, NewArticle, UnixTime},
};

/// How many related articles an article page shows.
pub const RELATED: i64 = 3;

/// Markdown to HTML that is safe to put into a page as it is.
pub fn render_markdown(markdown: &str) -> String {
    use pulldown_cmark::{Options, Parser, html};

    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, Parser::new_ext(markdown, options));
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer"))
        .clean(&unsafe_html)
        .to_string()
}

/// One page of the public list.
pub struct ArticlePage {
    pub articles: Vec<Article>,
    /// Themes with at least one published article in this language.
    pub themes: Vec<String>,
    /// The theme asked for, when it is one of `themes`.
    pub theme: Option<String>,
    pub page: u32,
    pub pages: u32,
}

/// Published articles in `lang`, newest first, optionally of one theme. An unknown theme
/// lists every theme; a page past the end is empty (the page says so).
pub async fn list(
    store: &dyn ArticleStore,
    lang: &str,
    theme: Option<&str>,
    page: u32,
    now: UnixTime,
) -> Result<ArticlePage> {
    let themes = store.published_themes(lang, now).await?;
    let theme = theme
        .filter(|t| themes.iter().any(|known| known == t))
        .map(str::to_owned);
    let page = page.max(1);
    let query = ArticleQuery {
        lang,
        theme: theme.as_deref(),
        now,
        limit: i64::from(PAGE_SIZE),
        offset: (i64::from(page) - 1) * i64::from(PAGE_SIZE),
    };
    let total = store.count_published_articles(&query).await?;
    let pages = u32::try_from((total.max(0) as u64).div_ceil(u64::from(PAGE_SIZE)))
        .unwrap_or(u32::MAX)
        .max(1);
    let articles = if page > pages {
        Vec::new()
    } else {
        store.published_articles(&query).await?
    };
    Ok(ArticlePage {
        articles,
        themes,
        theme,
        page,
        pages,
    })
}

/// A published article ready to show.
pub struct ShownArticle {
    pub article: Article,
    /// The body as sanitised HTML.
    pub html: String,
    pub reading_minutes: u32,
    pub related: Vec<Article>,
}

/// The article published in `lang` under `slug`; drafts, scheduled articles and unknown
/// slugs are all `NotFound`.
pub async fn show(
    store: &dyn ArticleStore,
    lang: &str,
    slug: &ArticleSlug,
    now: UnixTime,
) -> Result<ShownArticle> {
    let article = store
        .published_article(lang, slug, now)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let related = store.related_articles(&article, now, RELATED).await?;
    Ok(ShownArticle {
        html: render_markdown(&article.body_markdown),
        reading_minutes: reading_minutes(&article.body_markdown),
        article,
        related,
    })
}

/// The newest published articles in `lang`, for the feed and the sitemap.
pub async fn latest(
    store: &dyn ArticleStore,
    lang: &str,
    now: UnixTime,
    limit: i64,
) -> Result<Vec<Article>> {
    Ok(store
        .published_articles(&ArticleQuery {
            lang,
            theme: None,
            now,
            limit,
            offset: 0,
        })
        .await?)
}

/// What the back office stores for a checked article at `now`: a draft has no publication
/// time, "now" is `now`, a scheduled one the Dutch local time it names. Changing a published
/// article with "now" keeps its original publication time.
fn to_new(draft: ArticleDraft, now: UnixTime, published_before: Option<UnixTime>) -> NewArticle {
    let published_at = match draft.publish {
        PublishChoice::Draft => None,
        PublishChoice::Now => Some(published_before.filter(|at| *at <= now).unwrap_or(now)),
        PublishChoice::At(local) => Some(crate::i18n::from_netherlands(local).unwrap_or(now)),
    };
    NewArticle {
        lang: draft.lang.to_owned(),
        slug: draft.slug,
        title: draft.title,
        summary: draft.summary,
        body_markdown: draft.body,
        theme: draft.theme,
        author: draft.author,
        published_at,
    }
}

/// Stores a new article; `Conflict` when its language already has the slug.
pub async fn create(store: &dyn ArticleStore, draft: ArticleDraft, now: UnixTime) -> Result<i64> {
    Ok(store.create_article(&to_new(draft, now, None)).await?)
}

/// Replaces article `id`; `NotFound` when there is none, `Conflict` for a taken slug.
pub async fn update(
    store: &dyn ArticleStore,
    id: i64,
    draft: ArticleDraft,
    now: UnixTime,
) -> Result<()> {
    let existing = store
        .article_by_id(id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if store
        .update_article(id, &to_new(draft, now, existing.published_at))
        .await?
    {
        Ok(())
    } else {
        Err(ServiceError::NotFound)
    }
}

#[cfg(test)]
mod tests {
    use super::render_markdown;

    #[test]
    fn markdown_becomes_html() {
        let html =
            render_markdown("# Kop\n\nEen **vet** woord en een [link](https://hrnexus.nl/kompas).");
        assert!(html.contains("<h1>Kop</h1>"), "{html}");
        assert!(html.contains("<strong>vet</strong>"), "{html}");
        assert!(
            html.contains(
                r#"<a href="https://hrnexus.nl/kompas" rel="noopener noreferrer">link</a>"#
            ),
            "{html}"
        );
    }

    #[test]
    fn scripts_do_not_survive() {
        for md in [
            "<script>alert(1)</script>",
            "Tekst <script src=\"https://kwaad.example/x.js\"></script>",
            "<SCRIPT>alert(1)</SCRIPT>",
            "<svg><script>alert(1)</script></svg>",
            "<iframe src=\"https://kwaad.example\"></iframe>",
            "<style>body{display:none}</style>",
        ] {
            let html = render_markdown(md).to_lowercase();
            assert!(!html.contains("<script"), "{md} → {html}");
            assert!(!html.contains("<iframe"), "{md} → {html}");
            assert!(!html.contains("<style"), "{md} → {html}");
            assert!(!html.contains("alert(1)</"), "{md} → {html}");
        }
    }

    #[test]
    fn event_handlers_do_not_survive() {
        for md in [
            "<img src=\"x.png\" onerror=\"alert(1)\">",
            "<p onclick=\"alert(1)\">klik</p>",
            "<a href=\"https://hrnexus.nl\" onmouseover=\"alert(1)\">x</a>",
            "<body onload=alert(1)>",
            "<div style=\"background:url(javascript:alert(1))\">x</div>",
        ] {
            let html = render_markdown(md).to_lowercase();
            assert!(!html.contains("onerror"), "{md} → {html}");
            assert!(!html.contains("onclick"), "{md} → {html}");
            assert!(!html.contains("onmouseover"), "{md} → {html}");
            assert!(!html.contains("onload"), "{md} → {html}");
            assert!(!html.contains("style="), "{md} → {html}");
        }
    }

    #[test]
    fn javascript_links_do_not_survive() {
        for md in [
            "[klik](javascript:alert(1))",
            "[klik](JavaScript:alert(1))",
            "[klik](  javascript:alert(1))",
            "<a href=\"javascript:alert(1)\">klik</a>",
            "<a href=\"jav&#x09;ascript:alert(1)\">klik</a>",
            "![plaatje](javascript:alert(1))",
            "[klik](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
            "[klik](vbscript:msgbox(1))",
        ] {
            let html = render_markdown(md).to_lowercase();
            assert!(!html.contains("javascript:"), "{md} → {html}");
            assert!(!html.contains("jav\tascript"), "{md} → {html}");
            assert!(!html.contains("data:text"), "{md} → {html}");
            assert!(!html.contains("vbscript:"), "{md} → {html}");
        }
        // The text of the link stays readable.
        assert!(render_markdown("[klik](javascript:alert(1))").contains("klik"));
    }
}
