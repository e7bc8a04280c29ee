-- HRnexus Kompas issues and their delivery, one row per subscriber.
--
-- An issue is written as a draft (subject, introduction, chosen articles), then scheduled
-- (`send_at`). The instance that starts it sets `state` to 'sending', freezes what the issue
-- shows (`items`) and creates one delivery per confirmed subscriber of its language, all in one
-- transaction, so every subscriber is in the issue once and an issue starts once.
CREATE TABLE newsletter_issues (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    lang         TEXT   NOT NULL,
    subject      TEXT   NOT NULL,
    introduction TEXT   NOT NULL,
    -- JSON array of article ids, in the order chosen.
    article_ids  TEXT   NOT NULL,
    -- JSON array of what the sent issue shows (title, summary, link), frozen at the start.
    items        TEXT,
    state        TEXT   NOT NULL,
    -- 'all' (the monthly issue) or 'new_articles' (a short mail about one new article, for
    -- subscribers who ticked that preference).
    audience     TEXT   NOT NULL DEFAULT 'all',
    send_at      INTEGER,
    total        INTEGER NOT NULL DEFAULT 0,
    -- Final figures, kept when the deliveries themselves are removed after the retention period.
    sent_count   INTEGER NOT NULL DEFAULT 0,
    failed_count INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    started_at   INTEGER,
    finished_at  INTEGER
);
CREATE INDEX newsletter_issues_due ON newsletter_issues (send_at) WHERE state = 'scheduled';

-- The mail itself is composed at delivery time (it carries the subscriber's own manage link,
-- a secret that is never stored), so a row holds only who, what and how far.
-- An erased subscriber leaves `subscriber_id` NULL: that delivery is skipped.
CREATE TABLE newsletter_deliveries (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    issue_id        INTEGER NOT NULL REFERENCES newsletter_issues (id) ON DELETE CASCADE,
    subscriber_id   INTEGER REFERENCES newsletter_subscribers (id) ON DELETE SET NULL,
    status          TEXT   NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT,
    sent_at         INTEGER,
    UNIQUE (issue_id, subscriber_id)
);
CREATE INDEX newsletter_deliveries_due ON newsletter_deliveries (next_attempt_at, id)
    WHERE status IN ('pending', 'sending');
CREATE INDEX newsletter_deliveries_issue ON newsletter_deliveries (issue_id, status);
CREATE INDEX newsletter_deliveries_subscriber ON newsletter_deliveries (subscriber_id);

-- When a published article was announced to subscribers who asked for new articles. Only
-- articles published in the last two days are announced (see `IssueStore`), so nobody gets
-- a mail about old news, also not right after this version arrives.
ALTER TABLE articles ADD COLUMN announced_at INTEGER;
