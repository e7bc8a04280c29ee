//! The storage contract of the `articles` area (Inzichten), on both backends.

use crate::{both_backends, common};

use hrnexus::storage::{ArticleQuery, NewArticle, StorageError};
use hrnexus_core::content::ArticleSlug;

use common::Db;

const NOW: i64 = 1_800_000_000;
const DAY: i64 = 86_400;

fn article(lang: &str, slug: &str, theme: &str, published_at: Option<i64>) -> NewArticle {
    NewArticle {
        lang: lang.into(),
        slug: ArticleSlug::parse(slug).unwrap(),
        title: format!("Titel {slug}"),
        summary: "Samenvatting".into(),
        body_markdown: "Tekst met **nadruk**.".into(),
        theme: theme.into(),
        author: "Sanne de Vries".into(),
        published_at,
    }
}

fn query<'a>(lang: &'a str, theme: Option<&'a str>, limit: i64, offset: i64) -> ArticleQuery<'a> {
    ArticleQuery {
        lang,
        theme,
        now: NOW,
        limit,
        offset,
    }
}

async fn slugs_are_unique_per_language(db: Db) {
    let Some(t) = common::store(db).await else {
        return;
    };
    let store = &t.store;
    let nl = store
        .create_article(&article("nl", "autonomie", "Autonomie", Some(NOW - DAY)))
        .await
        .unwrap();
    assert!(matches!(
        store
            .create_article(&article("nl", "autonomie", "Leiderschap", None))
            .await,
        Err(StorageError::Conflict)
    ));
    // The same slug in another language is another article.
    let en = store
        .create_article(&article("en", "autonomie", "Autonomy", Some(NOW - DAY)))
        .await
        .unwrap();
    assert_ne!(nl, en);
    let slug = ArticleSlug::parse("autonomie").unwrap();
    let found = store
        .published_article("nl", &slug, NOW)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((found.id, found.theme.as_str()), (nl, "Autonomie"));
    let found = store
        .published_article("en", &slug, NOW)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((found.id, found.theme.as_str()), (en, "Autonomy"));
}

async fn only_published_articles_are_public(db: Db) {
    let Some(t) = common::store(db).await else {
        return;
    };
    let store = &t.store;
    store
        .create_article(&article("nl", "gepubliceerd", "Autonomie", Some(NOW - DAY)))
        .await
        .unwrap();
    store
        .create_article(&article("nl", "precies-nu", "Autonomie", Some(NOW)))
        .await
        .unwrap();
    store
        .create_article(&article("nl", "concept", "Autonomie", None))
        .await
        .unwrap();
    store
        .create_article(&article("nl", "gepland", "Verzuim", Some(NOW + 1)))
        .await
        .unwrap();
    let slug = |s: &str| ArticleSlug::parse(s).unwrap();
    for hidden in ["concept", "gepland", "bestaat-niet"] {
        assert!(
            store
                .published_article("nl", &slug(hidden), NOW)
                .await
                .unwrap()
                .is_none(),
            "{hidden}"
        );
    }
    // Once its time has come, the scheduled article is public.
    assert!(
        store
            .published_article("nl", &slug("gepland"), NOW + 1)
            .await
            .unwrap()
            .is_some()
    );
    let listed: Vec<String> = store
        .published_articles(&query("nl", None, 10, 0))
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.slug)
        .collect();
    assert_eq!(listed, ["precies-nu", "gepubliceerd"]);
    assert_eq!(
        store
            .count_published_articles(&query("nl", None, 10, 0))
            .await
            .unwrap(),
        2
    );
    // Themes only of published articles.
    assert_eq!(
        store.published_themes("nl", NOW).await.unwrap(),
        ["Autonomie"]
    );
    assert!(store.published_themes("en", NOW).await.unwrap().is_empty());
    // The back office sees all four.
    assert_eq!(store.all_articles(100).await.unwrap().len(), 4);
}

async fn lists_filter_by_theme_and_page(db: Db) {
    let Some(t) = common::store(db).await else {
        return;
    };
    let store = &t.store;
    for i in 0..5 {
        let theme = if i % 2 == 0 { "Autonomie" } else { "Verzuim" };
        store
            .create_article(&article(
                "nl",
                &format!("artikel-{i}"),
                theme,
                Some(NOW - (10 - i) * DAY),
            ))
            .await
            .unwrap();
    }
    store
        .create_article(&article("en", "english", "Autonomie", Some(NOW - DAY)))
        .await
        .unwrap();
    let slugs = |articles: Vec<hrnexus::storage::Article>| -> Vec<String> {
        articles.into_iter().map(|a| a.slug).collect()
    };
    // Newest first, two per page.
    assert_eq!(
        slugs(
            store
                .published_articles(&query("nl", None, 2, 0))
                .await
                .unwrap()
        ),
        ["artikel-4", "artikel-3"]
    );
    assert_eq!(
        slugs(
            store
                .published_articles(&query("nl", None, 2, 4))
                .await
                .unwrap()
        ),
        ["artikel-0"]
    );
    assert!(
        store
            .published_articles(&query("nl", None, 2, 6))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        slugs(
            store
                .published_articles(&query("nl", Some("Autonomie"), 10, 0))
                .await
                .unwrap()
        ),
        ["artikel-4", "artikel-2", "artikel-0"]
    );
    assert_eq!(
        store
            .count_published_articles(&query("nl", Some("Verzuim"), 10, 0))
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        store.published_themes("nl", NOW).await.unwrap(),
        ["Autonomie", "Verzuim"]
    );
    // Related: same language and theme, not itself, only published.
    store
        .create_article(&article("nl", "concept", "Autonomie", None))
        .await
        .unwrap();
    let four = store
        .published_article("nl", &ArticleSlug::parse("artikel-4").unwrap(), NOW)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        slugs(store.related_articles(&four, NOW, 3).await.unwrap()),
        ["artikel-2", "artikel-0"]
    );
    assert_eq!(
        slugs(store.related_articles(&four, NOW, 1).await.unwrap()),
        ["artikel-2"]
    );
}

async fn articles_can_be_updated(db: Db) {
    let Some(t) = common::store(db).await else {
        return;
    };
    let store = &t.store;
    let id = store
        .create_article(&article("nl", "eerst", "Autonomie", None))
        .await
        .unwrap();
    store
        .create_article(&article("nl", "bezet", "Autonomie", None))
        .await
        .unwrap();
    let mut changed = article("nl", "daarna", "Leiderschap", Some(NOW - DAY));
    changed.title = "Nieuwe titel".into();
    changed.body_markdown = "Nieuwe tekst".into();
    assert!(store.update_article(id, &changed).await.unwrap());
    let stored = store.article_by_id(id).await.unwrap().unwrap();
    assert_eq!(
        (
            stored.slug.as_str(),
            stored.title.as_str(),
            stored.theme.as_str(),
            stored.body_markdown.as_str(),
            stored.published_at
        ),
        (
            "daarna",
            "Nieuwe titel",
            "Leiderschap",
            "Nieuwe tekst",
            Some(NOW - DAY)
        )
    );
    assert!(stored.updated_at >= stored.created_at);
    // A taken slug is a conflict and changes nothing.
    assert!(matches!(
        store
            .update_article(id, &article("nl", "bezet", "Autonomie", None))
            .await,
        Err(StorageError::Conflict)
    ));
    assert_eq!(
        store.article_by_id(id).await.unwrap().unwrap().slug,
        "daarna"
    );
    // Unknown id.
    assert!(!store.update_article(id + 1000, &changed).await.unwrap());
    assert!(store.article_by_id(id + 1000).await.unwrap().is_none());
}

both_backends!(
    slugs_are_unique_per_language,
    only_published_articles_are_public,
    lists_filter_by_theme_and_page,
    articles_can_be_updated,
);
