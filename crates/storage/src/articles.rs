//! Inzichten: articles in Markdown, per language, public once their publication time passed.

use hrnexus_core::content::ArticleSlug;
use serde::Serialize;

use crate::{Result, UnixTime};

/// An article as written in the back office (also what an update replaces).
#[derive(Debug, Clone)]
pub struct NewArticle {
    /// `nl` or `en`.
    pub lang: String,
    pub slug: ArticleSlug,
    pub title: String,
    pub summary: String,
    pub body_markdown: String,
    pub theme: String,
    pub author: String,
    /// `None` is a draft; a time in the future schedules the article.
    pub published_at: Option<UnixTime>,
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Article {
    pub id: i64,
    pub lang: String,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub body_markdown: String,
    pub theme: String,
    pub author: String,
    pub published_at: Option<UnixTime>,
    pub created_at: UnixTime,
    pub updated_at: UnixTime,
}

/// Which published articles to list: language, optionally one theme, one page.
#[derive(Debug, Clone)]
pub struct ArticleQuery<'a> {
    pub lang: &'a str,
    pub theme: Option<&'a str>,
    /// The moment that decides what is published.
    pub now: UnixTime,
    pub limit: i64,
    pub offset: i64,
}

#[async_trait::async_trait]
pub trait ArticleStore: Send + Sync {
    /// Stores a new article; `Conflict` when its slug is taken in its language.
    async fn create_article(&self, article: &NewArticle) -> Result<i64>;
    /// Replaces an article's content; `false` when there is no such article, `Conflict`
    /// when the new slug is taken in its language.
    async fn update_article(&self, id: i64, article: &NewArticle) -> Result<bool>;
    async fn article_by_id(&self, id: i64) -> Result<Option<Article>>;
    /// An article published at `now` in `lang` with this slug (drafts and scheduled
    /// articles are not found).
    async fn published_article(
        &self,
        lang: &str,
        slug: &ArticleSlug,
        now: UnixTime,
    ) -> Result<Option<Article>>;
    /// Published articles, newest first.
    async fn published_articles(&self, query: &ArticleQuery<'_>) -> Result<Vec<Article>>;
    async fn count_published_articles(&self, query: &ArticleQuery<'_>) -> Result<i64>;
    /// The themes that have at least one published article in `lang`, alphabetically.
    async fn published_themes(&self, lang: &str, now: UnixTime) -> Result<Vec<String>>;
    /// Other published articles of the same language and theme, newest first.
    async fn related_articles(
        &self,
        article: &Article,
        now: UnixTime,
        limit: i64,
    ) -> Result<Vec<Article>>;
    /// Every article (drafts and scheduled ones too), newest change first: the back office.
    async fn all_articles(&self, limit: i64) -> Result<Vec<Article>>;
}

/// Expands to `impl ArticleStore for $store` with the methods whose SQL is the same on both
/// backends, plus the `$specific` ones the backend writes itself.
macro_rules! impl_article_store {
    ($store:ty, { $($specific:tt)* }) => {
        #[async_trait::async_trait]
        impl $crate::articles::ArticleStore for $store {
            async fn create_article(&self, a: &$crate::NewArticle) -> $crate::Result<i64> {
                let now = $crate::now();
                sqlx::query_scalar(
                    "INSERT INTO articles (lang, slug, title, summary, body_markdown, theme, author,
                                           published_at, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
                )
                .bind(&a.lang)
                .bind(a.slug.as_str())
                .bind(&a.title)
                .bind(&a.summary)
                .bind(&a.body_markdown)
                .bind(&a.theme)
                .bind(&a.author)
                .bind(a.published_at)
                .bind(now)
                .fetch_one(&self.pool)
                .await
                .map_err($crate::StorageError::from_write)
            }

            async fn update_article(&self, id: i64, a: &$crate::NewArticle) -> $crate::Result<bool> {
                let now = $crate::now();
                let done = sqlx::query(
                    "UPDATE articles SET lang = $1, slug = $2, title = $3, summary = $4,
                            body_markdown = $5, theme = $6, author = $7, published_at = $8,
                            updated_at = $9
                     WHERE id = $10",
                )
                .bind(&a.lang)
                .bind(a.slug.as_str())
                .bind(&a.title)
                .bind(&a.summary)
                .bind(&a.body_markdown)
                .bind(&a.theme)
                .bind(&a.author)
                .bind(a.published_at)
                .bind(now)
                .bind(id)
                .execute(&self.pool)
                .await
                .map_err($crate::StorageError::from_write)?;
                Ok(done.rows_affected() == 1)
            }

            async fn article_by_id(&self, id: i64) -> $crate::Result<Option<$crate::Article>> {
                Ok(sqlx::query_as("SELECT * FROM articles WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn published_article(
                &self,
                lang: &str,
                slug: &hrnexus_core::content::ArticleSlug,
                now: $crate::UnixTime,
            ) -> $crate::Result<Option<$crate::Article>> {
                Ok(sqlx::query_as(
                    "SELECT * FROM articles
                     WHERE lang = $1 AND slug = $2 AND published_at IS NOT NULL AND published_at <= $3",
                )
                .bind(lang)
                .bind(slug.as_str())
                .bind(now)
                .fetch_optional(&self.pool)
                .await?)
            }

            async fn published_articles(
                &self,
                q: &$crate::ArticleQuery<'_>,
            ) -> $crate::Result<Vec<$crate::Article>> {
                // An empty theme stands for "every theme": the same SQL on both backends.
                Ok(sqlx::query_as(
                    "SELECT * FROM articles
                     WHERE lang = $1 AND published_at IS NOT NULL AND published_at <= $2
                       AND ($3 = '' OR theme = $3)
                     ORDER BY published_at DESC, id DESC
                     LIMIT $4 OFFSET $5",
                )
                .bind(q.lang)
                .bind(q.now)
                .bind(q.theme.unwrap_or(""))
                .bind(q.limit)
                .bind(q.offset)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn count_published_articles(&self, q: &$crate::ArticleQuery<'_>) -> $crate::Result<i64> {
                Ok(sqlx::query_scalar::<_, i64>(
                    "SELECT COUNT(*) FROM articles
                     WHERE lang = $1 AND published_at IS NOT NULL AND published_at <= $2
                       AND ($3 = '' OR theme = $3)",
                )
                .bind(q.lang)
                .bind(q.now)
                .bind(q.theme.unwrap_or(""))
                .fetch_one(&self.pool)
                .await?)
            }

            async fn published_themes(&self, lang: &str, now: $crate::UnixTime) -> $crate::Result<Vec<String>> {
                Ok(sqlx::query_scalar(
                    "SELECT DISTINCT theme FROM articles
                     WHERE lang = $1 AND published_at IS NOT NULL AND published_at <= $2
                     ORDER BY theme",
                )
                .bind(lang)
                .bind(now)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn related_articles(
                &self,
                article: &$crate::Article,
                now: $crate::UnixTime,
                limit: i64,
            ) -> $crate::Result<Vec<$crate::Article>> {
                Ok(sqlx::query_as(
                    "SELECT * FROM articles
                     WHERE lang = $1 AND theme = $2 AND id <> $3
                       AND published_at IS NOT NULL AND published_at <= $4
                     ORDER BY published_at DESC, id DESC
                     LIMIT $5",
                )
                .bind(&article.lang)
                .bind(&article.theme)
                .bind(article.id)
                .bind(now)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn all_articles(&self, limit: i64) -> $crate::Result<Vec<$crate::Article>> {
                Ok(sqlx::query_as("SELECT * FROM articles ORDER BY updated_at DESC, id DESC LIMIT $1")
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?)
            }

            $($specific)*
        }
    };
}
pub(crate) use impl_article_store;
