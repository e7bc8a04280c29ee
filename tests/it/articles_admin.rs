//! Articles in the back office over HTTP: a preview rendered and sanitised as visitors will
//! see it (nothing stored), drafts that stay hidden, publishing now or at a Dutch local time,
//! every wrong field beside it, and a slug used once per language.

use crate::{both_backends, common, introductions::sign_in_staff};

use common::Db;

fn form<'a>(
    title: &'a str,
    body: &'a str,
    publish: &'a str,
    at: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("lang", "nl"),
        ("title", title),
        ("summary", "Waarom regelruimte loont."),
        ("theme", "Leiderschap"),
        ("author", "Redactie HRnexus"),
        ("body", body),
        ("publish", publish),
        ("publish_at", at),
    ]
}

async fn articles_are_written_previewed_and_published(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let anonymous = common::client()
        .get(app.url("/beheer/artikelen"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 303);
    sign_in_staff(&app).await;
    assert_eq!(app.get("/beheer/artikelen/nieuw").await.status(), 200);

    // The preview: rendered and sanitised, nothing stored.
    let body = "# Kop\n\nEen [link](https://hrnexus.nl).\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))";
    let mut preview = form("Autonomie begint bij één gesprek", body, "now", "");
    preview.push(("actie", "voorbeeld"));
    let response = app.post_form("/beheer/artikelen/nieuw", &preview).await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    let start = html
        .find("<article class=\"article-body\">")
        .expect("a preview");
    let shown = &html[start..start + html[start..].find("</article>").unwrap()];
    assert!(shown.contains("<h1>Kop</h1>"), "{shown}");
    assert!(shown.contains("href=\"https://hrnexus.nl\""));
    assert!(
        !shown.contains("<script") && !shown.contains("javascript:"),
        "{shown}"
    );
    let typed =
        html.contains("&lt;script&gt;alert(1)") || html.contains("&#60;script&#62;alert(1)");
    assert!(typed, "the text itself kept, escaped, in the form");
    assert!(app.store.all_articles(10).await.unwrap().is_empty());

    // Wrong fields beside them, what was typed kept.
    let mut bad = form("", body, "scheduled", "morgen");
    bad.push(("actie", "opslaan"));
    let response = app.post_form("/beheer/artikelen/nieuw", &bad).await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("id=\"title-error\"") && html.contains("id=\"publish_at-error\""));
    assert!(html.contains("Waarom regelruimte loont."));

    // A draft stays hidden; published now it appears.
    let mut draft = form(
        "Autonomie begint bij één gesprek",
        "Tekst van het artikel.",
        "draft",
        "",
    );
    draft.push(("actie", "opslaan"));
    let response = app.post_form("/beheer/artikelen/nieuw", &draft).await;
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let public = "/inzichten/autonomie-begint-bij-een-gesprek";
    assert_eq!(app.get(public).await.status(), 404);
    let mut now = form(
        "Autonomie begint bij één gesprek",
        "Tekst van het artikel.",
        "now",
        "",
    );
    now.push(("slug", "autonomie-begint-bij-een-gesprek"));
    assert_eq!(app.post_form(&location, &now).await.status(), 303);
    assert_eq!(app.get(public).await.status(), 200);
    // Article pages are served from a short cache; an edit shows at once all the same, and
    // taking an article back hides it at once.
    let mut changed = form(
        "Autonomie begint bij één gesprek",
        "Nieuwe tekst van het artikel.",
        "now",
        "",
    );
    changed.push(("slug", "autonomie-begint-bij-een-gesprek"));
    assert_eq!(app.post_form(&location, &changed).await.status(), 303);
    let page = app.get(public).await.text().await.unwrap();
    assert!(page.contains("Nieuwe tekst van het artikel."), "{page}");
    let mut back = changed.clone();
    back.retain(|(k, _)| *k != "publish");
    back.push(("publish", "draft"));
    assert_eq!(app.post_form(&location, &back).await.status(), 303);
    assert_eq!(app.get(public).await.status(), 404);
    assert_eq!(app.post_form(&location, &now).await.status(), 303);
    assert_eq!(app.get(public).await.status(), 200);
    let list = app.get("/beheer/artikelen").await.text().await.unwrap();
    assert!(list.contains("Gepubliceerd"));

    // Scheduled for tomorrow at 09:00 Dutch time: hidden now, public then.
    let tomorrow = (hrnexus::i18n::today() + chrono::Days::new(1))
        .format("%Y-%m-%dT09:00")
        .to_string();
    let mut later = form("Het Kompas van december", "Tekst.", "scheduled", &tomorrow);
    later.push(("actie", "opslaan"));
    assert_eq!(
        app.post_form("/beheer/artikelen/nieuw", &later)
            .await
            .status(),
        303
    );
    assert_eq!(
        app.get("/inzichten/het-kompas-van-december").await.status(),
        404
    );
    let slug = hrnexus_core::content::ArticleSlug::parse("het-kompas-van-december").unwrap();
    let in_two_days = hrnexus::storage::now() + 2 * 86_400;
    assert!(
        app.store
            .published_article("nl", &slug, in_two_days)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        app.get("/beheer/artikelen")
            .await
            .text()
            .await
            .unwrap()
            .contains("Gepland")
    );

    // One slug per language.
    let mut twice = form("Het Kompas van december", "Tekst.", "draft", "");
    twice.push(("actie", "opslaan"));
    let response = app.post_form("/beheer/artikelen/nieuw", &twice).await;
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("al een ander artikel")
    );
    assert_eq!(app.get("/beheer/artikelen/999999").await.status(), 404);
    assert_eq!(
        app.post_form("/beheer/artikelen/999999", &twice)
            .await
            .status(),
        404
    );
}

both_backends!(articles_are_written_previewed_and_published);
