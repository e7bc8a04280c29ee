//! Inzichten over HTTP: the list, article pages, the feed and the sitemap; what is not
//! published stays hidden; Markdown cannot bring script into a page.

use crate::common;

use hrnexus::storage::{NewArticle, now};
use hrnexus_core::content::ArticleSlug;

use common::{Db, TestApp};

/// Wednesday 20 August 2025, 10:00 in the Netherlands.
const AUG_20_2025: i64 = 1_755_676_800;
const DAY: i64 = 86_400;

async fn add(
    app: &TestApp,
    lang: &str,
    slug: &str,
    theme: &str,
    published_at: Option<i64>,
    body: &str,
) {
    app.store
        .create_article(&NewArticle {
            lang: lang.into(),
            slug: ArticleSlug::parse(slug).unwrap(),
            title: format!("Titel van {slug}"),
            summary: format!("Samenvatting van {slug}"),
            body_markdown: body.into(),
            theme: theme.into(),
            author: "Sanne de Vries".into(),
            published_at,
        })
        .await
        .unwrap();
}

async fn text(app: &TestApp, path: &str) -> (u16, String) {
    let response = app.get(path).await;
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

#[tokio::test]
async fn the_list_shows_published_articles_by_theme_and_page() {
    let app = common::spawn(Db::Sqlite).await.unwrap();
    let past = now() - 30 * DAY;
    for i in 0..8 {
        let theme = if i < 5 { "Autonomie" } else { "Verzuim" };
        add(
            &app,
            "nl",
            &format!("artikel-{i}"),
            theme,
            Some(past + i * DAY),
            "Tekst",
        )
        .await;
    }
    add(&app, "nl", "concept", "Leiderschap", None, "Nog niet af").await;
    add(
        &app,
        "nl",
        "gepland",
        "Leiderschap",
        Some(now() + 7 * DAY),
        "Later",
    )
    .await;
    add(&app, "en", "in-english", "Autonomy", Some(past), "Text").await;

    let (status, html) = text(&app, "/inzichten").await;
    assert_eq!(status, 200);
    // Six per page, newest first.
    for i in 2..8 {
        assert!(
            html.contains(&format!("href=\"/inzichten/artikel-{i}\"")),
            "{i}"
        );
    }
    assert!(!html.contains("artikel-1\""));
    assert!(html.contains("Pagina 1 van 2"));
    assert!(html.contains("href=\"/inzichten?pagina=2\""));
    // Themes of published articles only; drafts and scheduled ones are not listed.
    assert!(html.contains("href=\"/inzichten?thema=Autonomie\""));
    assert!(html.contains("href=\"/inzichten?thema=Verzuim\""));
    assert!(!html.contains("Leiderschap"));
    assert!(!html.contains("concept"));
    assert!(!html.contains("gepland"));
    assert!(!html.contains("in-english"));

    let (_, page2) = text(&app, "/inzichten?pagina=2").await;
    assert!(page2.contains("href=\"/inzichten/artikel-1\""));
    assert!(page2.contains("href=\"/inzichten/artikel-0\""));
    assert!(!page2.contains("href=\"/inzichten/artikel-7\""));
    assert!(page2.contains("Pagina 2 van 2"));

    let (_, verzuim) = text(&app, "/inzichten?thema=Verzuim").await;
    assert!(verzuim.contains("href=\"/inzichten/artikel-7\""));
    assert!(!verzuim.contains("href=\"/inzichten/artikel-4\""));
    assert!(!verzuim.contains("Pagina 1 van"));

    // Nonsense in the query is not an error.
    for path in [
        "/inzichten?pagina=abc",
        "/inzichten?pagina=999999",
        "/inzichten?thema=%3Cscript%3E",
        "/inzichten?pagina=-1&thema=",
    ] {
        let (status, html) = text(&app, path).await;
        assert_eq!(status, 200, "{path}");
        assert!(!html.contains("<script>"), "{path}");
    }

    // English articles under /en.
    let (status, en) = text(&app, "/en/inzichten").await;
    assert_eq!(status, 200);
    assert!(en.contains("<html lang=\"en\">"));
    assert!(en.contains("href=\"/en/inzichten/in-english\""));
    assert!(!en.contains("artikel-"));
}

#[tokio::test]
async fn an_article_page_has_its_details_related_articles_and_calls_to_action() {
    let app = common::spawn(Db::Sqlite).await.unwrap();
    let body = format!("## Kop\n\n{}", vec!["woord"; 450].join(" "));
    add(
        &app,
        "nl",
        "vertrouwen",
        "Autonomie",
        Some(AUG_20_2025),
        &body,
    )
    .await;
    add(
        &app,
        "nl",
        "verwant",
        "Autonomie",
        Some(AUG_20_2025 - DAY),
        "Kort",
    )
    .await;
    add(
        &app,
        "nl",
        "ander-thema",
        "Verzuim",
        Some(AUG_20_2025 - DAY),
        "Kort",
    )
    .await;
    add(&app, "nl", "verwant-concept", "Autonomie", None, "Kort").await;
    add(&app, "en", "trust", "Autonomy", Some(AUG_20_2025), "Short").await;

    let (status, html) = text(&app, "/inzichten/vertrouwen").await;
    assert_eq!(status, 200);
    assert!(html.contains("<h1>Titel van vertrouwen</h1>"));
    assert!(html.contains("Sanne de Vries"));
    assert!(html.contains("woensdag 20 augustus 2025"), "{html}");
    assert!(html.contains("datetime=\"2025-08-20T08:00:00Z\""));
    // 451 words at 200 a minute.
    assert!(html.contains("Leestijd 3 min."));
    assert!(html.contains("<h2>Kop</h2>"));
    // Related: same theme, published, not itself.
    assert!(html.contains("href=\"/inzichten/verwant\""));
    assert!(!html.contains("href=\"/inzichten/ander-thema\""));
    assert!(!html.contains("verwant-concept"));
    // Calls to action.
    // Kompas: a sign-up form right in the article, with the consent the /kompas page shows.
    assert!(html.contains("action=\"/kompas\"") && html.contains("name=\"toestemming\""));
    for target in ["/autonomie-scan", "/contact"] {
        assert!(html.contains(&format!("href=\"{target}\"")), "{target}");
    }
    // Canonical and Open Graph.
    assert!(
        html.contains(
            "<link rel=\"canonical\" href=\"http://localhost:8080/inzichten/vertrouwen\">"
        )
    );
    assert!(html.contains("<meta property=\"og:title\" content=\"Titel van vertrouwen\">"));
    assert!(html.contains("<meta property=\"og:type\" content=\"article\">"));
    assert!(html.contains(
        "<meta property=\"og:url\" content=\"http://localhost:8080/inzichten/vertrouwen\">"
    ));
    assert!(html.contains("og:description"));
    // No hreflang to an English page that does not exist.
    assert!(!html.contains("/en/inzichten/vertrouwen"));

    let (status, en) = text(&app, "/en/inzichten/trust").await;
    assert_eq!(status, 200);
    assert!(en.contains("Wednesday 20 August 2025"));
    assert!(en.contains("1 min. read"));
    assert!(en.contains("href=\"/en/autonomie-scan\""));
    assert!(en.contains("href=\"http://localhost:8080/en/inzichten/trust\""));
    // An article lives in its own language only.
    assert_eq!(app.get("/en/inzichten/vertrouwen").await.status(), 404);
    assert_eq!(app.get("/inzichten/trust").await.status(), 404);
}

#[tokio::test]
async fn drafts_scheduled_and_unknown_articles_are_not_found() {
    let app = common::spawn(Db::Sqlite).await.unwrap();
    add(&app, "nl", "concept", "Autonomie", None, "Geheim concept").await;
    add(
        &app,
        "nl",
        "gepland",
        "Autonomie",
        Some(now() + DAY),
        "Nog niet",
    )
    .await;
    for path in [
        "/inzichten/concept",
        "/inzichten/gepland",
        "/inzichten/bestaat-niet",
        "/inzichten/Hoofdletters",
        "/inzichten/..%2F..%2Fetc",
        "/inzichten/dubbel--streepje",
    ] {
        let (status, html) = text(&app, path).await;
        assert_eq!(status, 404, "{path}");
        assert!(!html.contains("Geheim concept"), "{path}");
    }
    let (_, feed) = text(&app, "/inzichten/feed.xml").await;
    assert!(!feed.contains("concept") && !feed.contains("gepland"));
    let (_, sitemap) = text(&app, "/sitemap.xml").await;
    assert!(!sitemap.contains("concept") && !sitemap.contains("gepland"));
}

#[tokio::test]
async fn script_in_markdown_is_stripped_from_the_page() {
    let app = common::spawn(Db::Sqlite).await.unwrap();
    let body = "Veilig begin.\n\n<script>alert('xss')</script>\n\n\
        <img src=\"x.png\" onerror=\"alert('xss')\">\n\n\
        [klik hier](javascript:alert('xss'))\n\n\
        <a href=\"JaVaScRiPt:alert('xss')\" onclick=\"alert('xss')\">nog een</a>\n\n\
        <iframe src=\"https://kwaad.example\"></iframe>\n\n\
        <svg onload=\"alert('xss')\"></svg>\n\nVeilig einde.";
    add(&app, "nl", "aanval", "Autonomie", Some(now() - DAY), body).await;
    let (status, html) = text(&app, "/inzichten/aanval").await;
    assert_eq!(status, 200);
    let lower = html.to_lowercase();
    assert!(lower.contains("veilig begin.") && lower.contains("veilig einde."));
    assert!(lower.contains("klik hier"));
    for forbidden in [
        "alert(",
        "<script",
        "onerror",
        "onclick",
        "onload",
        "javascript:",
        "<iframe",
        "<svg",
    ] {
        assert!(!lower.contains(forbidden), "{forbidden} survived: {html}");
    }
    // The feed carries the same sanitised HTML, escaped once more.
    let (_, feed) = text(&app, "/inzichten/feed.xml").await;
    let lower = feed.to_lowercase();
    assert!(!lower.contains("javascript:") && !lower.contains("alert("));
    assert!(!lower.contains("&lt;script"));
}

#[tokio::test]
async fn the_atom_feed_lists_published_articles_per_language() {
    let app = common::spawn(Db::Sqlite).await.unwrap();
    add(
        &app,
        "nl",
        "eerste",
        "Autonomie",
        Some(AUG_20_2025),
        "Tekst & meer <b>vet</b>",
    )
    .await;
    add(
        &app,
        "nl",
        "tweede",
        "Verzuim",
        Some(AUG_20_2025 + DAY),
        "Tekst",
    )
    .await;
    add(&app, "en", "english", "Autonomy", Some(AUG_20_2025), "Text").await;
    let response = app.get("/inzichten/feed.xml").await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "application/atom+xml; charset=utf-8"
    );
    let feed = response.text().await.unwrap();
    assert!(feed.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>"));
    assert!(feed.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\">"));
    assert!(feed.contains("<title>HRnexus Inzichten</title>"));
    assert!(feed.contains("<id>http://localhost:8080/inzichten/tweede</id>"));
    assert!(feed.contains("<published>2025-08-20T08:00:00Z</published>"));
    assert!(feed.contains("<name>Sanne de Vries</name>"));
    // Newest first; HTML content escaped for XML.
    assert!(feed.find("/inzichten/tweede").unwrap() < feed.find("/inzichten/eerste").unwrap());
    // Either spelling of the entities is XML; the markup itself must never appear raw.
    assert!(!feed.contains("<b>vet</b>"), "{feed}");
    assert!(
        feed.contains("&lt;b&gt;vet&lt;/b&gt;") || feed.contains("&#60;b&#62;vet&#60;/b&#62;"),
        "{feed}"
    );
    assert!(
        feed.contains("Tekst &amp;amp; meer") || feed.contains("Tekst &#38;amp; meer"),
        "{feed}"
    );
    assert!(!feed.contains("english"));

    let en = app
        .get("/en/inzichten/feed.xml")
        .await
        .text()
        .await
        .unwrap();
    assert!(en.contains("<id>http://localhost:8080/en/inzichten/english</id>"));
    assert!(!en.contains("/inzichten/eerste"));
}

#[tokio::test]
async fn the_sitemap_lists_public_pages_and_articles() {
    let app = common::spawn(Db::Sqlite).await.unwrap();
    add(
        &app,
        "nl",
        "eerste",
        "Autonomie",
        Some(AUG_20_2025),
        "Tekst",
    )
    .await;
    add(&app, "en", "english", "Autonomy", Some(AUG_20_2025), "Text").await;
    let response = app.get("/sitemap.xml").await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "application/xml; charset=utf-8"
    );
    let xml = response.text().await.unwrap();
    assert!(xml.contains("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"));
    for loc in [
        "http://localhost:8080/",
        "http://localhost:8080/en/",
        "http://localhost:8080/autonomie-scan",
        "http://localhost:8080/en/autonomie-scan",
        "http://localhost:8080/inzichten",
        "http://localhost:8080/inzichten/eerste",
        "http://localhost:8080/en/inzichten/english",
    ] {
        assert!(xml.contains(&format!("<loc>{loc}</loc>")), "{loc}");
    }
    // Nothing behind a sign-in ("wat-je-werkgever-ziet" is a public page).
    assert!(!xml.contains("8080/beheer") && !xml.contains("8080/werkgever"));
    assert!(!xml.contains("8080/en/beheer") && !xml.contains("8080/en/werkgever"));
    // robots.txt announces it.
    let robots = app.get("/robots.txt").await.text().await.unwrap();
    assert!(robots.contains("Sitemap: http://localhost:8080/sitemap.xml"));
    assert_eq!(app.get("/en/sitemap.xml").await.status(), 404);
}

#[tokio::test]
async fn the_demo_articles_are_public() {
    let app = common::spawn(Db::Sqlite).await.unwrap();
    hrnexus::demo::fill(&app.store).await.unwrap();
    let (_, html) = text(&app, "/inzichten").await;
    let count = html.matches("<h2><a href=\"/inzichten/").count();
    assert!(count >= 4, "{count}");
    assert!(!html.contains("psychologische-veiligheid"));
    let (status, article) = text(&app, "/inzichten/vijf-vragen-over-autonomie").await;
    assert_eq!(status, 200);
    assert!(article.contains("Leestijd"));
    let (_, en) = text(&app, "/en/inzichten").await;
    assert!(en.contains("href=\"/en/inzichten/trust-and-results\""));
}
