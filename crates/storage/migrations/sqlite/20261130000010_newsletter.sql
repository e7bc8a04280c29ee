-- HRnexus Kompas: subscribers, the proof of each consent, confirmation links.
--
-- `link_key` is random; the unsubscribe/manage token in every mail is an HMAC of it under the
-- server secret (kept outside the database), and only a SHA-256 of that token is stored
-- (`link_hash`), so the database alone cannot produce a working link.
CREATE TABLE newsletter_subscribers (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    email           TEXT    NOT NULL UNIQUE,
    lang            TEXT    NOT NULL,
    state           TEXT    NOT NULL,
    preferences     TEXT    NOT NULL,
    link_key        TEXT    NOT NULL,
    link_hash       TEXT    NOT NULL UNIQUE,
    created_at      INTEGER NOT NULL,
    confirmed_at    INTEGER,
    unsubscribed_at INTEGER
);

-- One row per sign-up request: when, from which network (IP truncated to /24 or /48), the
-- exact consent text shown (and its version), the preferences asked for, and when the link in
-- the mail was used. Only the SHA-256 of the confirmation token is stored.
CREATE TABLE newsletter_consents (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    subscriber_id INTEGER NOT NULL REFERENCES newsletter_subscribers (id) ON DELETE CASCADE,
    requested_at  INTEGER NOT NULL,
    request_ip    TEXT,
    text_version  TEXT    NOT NULL,
    shown_text    TEXT    NOT NULL,
    preferences   TEXT    NOT NULL,
    token_hash    TEXT    UNIQUE,
    expires_at    INTEGER NOT NULL,
    confirmed_at  INTEGER
);
CREATE INDEX newsletter_consents_subscriber ON newsletter_consents (subscriber_id);
CREATE INDEX newsletter_consents_unconfirmed ON newsletter_consents (requested_at);
