-- Inzichten: articles written in Markdown in the back office.
--
-- An article is public once published_at (unix seconds) has passed: NULL is a draft, a time
-- in the future a scheduled article. A slug is unique within its language.
CREATE TABLE articles (
    id            INTEGER PRIMARY KEY,
    lang          TEXT    NOT NULL,
    slug          TEXT    NOT NULL,
    title         TEXT    NOT NULL,
    summary       TEXT    NOT NULL,
    body_markdown TEXT    NOT NULL,
    theme         TEXT    NOT NULL,
    author        TEXT    NOT NULL,
    published_at  INTEGER,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    UNIQUE (lang, slug)
);
CREATE INDEX articles_published ON articles (lang, published_at);
CREATE INDEX articles_theme ON articles (lang, theme, published_at);
