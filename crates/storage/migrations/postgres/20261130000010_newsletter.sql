-- HRnexus Kompas: subscribers, the proof of each consent, confirmation links.
--
-- `link_key` is random; the unsubscribe/manage token in every mail is an HMAC of it under the
-- server secret (kept outside the database), and only a SHA-256 of that token is stored
-- (`link_hash`), so the database alone cannot produce a working link.
CREATE TABLE newsletter_subscribers (
    id              BIGSERIAL PRIMARY KEY,
    email           TEXT    NOT NULL UNIQUE,
    lang            TEXT    NOT NULL,
    state           TEXT    NOT NULL,
    preferences     TEXT    NOT NULL,
    link_key        TEXT    NOT NULL,
    link_hash       TEXT    NOT NULL UNIQUE,
    created_at      BIGINT NOT NULL,
    confirmed_at    BIGINT,
    unsubscribed_at BIGINT
);

-- One row per sign-up request: when, from which network (IP truncated to /24 or /48), the
-- exact consent text shown (and its version), the preferences asked for, and when the link in
-- the mail was used. Only the SHA-256 of the confirmation token is stored.
CREATE TABLE newsletter_consents (
    id            BIGSERIAL PRIMARY KEY,
    subscriber_id BIGINT NOT NULL REFERENCES newsletter_subscribers (id) ON DELETE CASCADE,
    requested_at  BIGINT NOT NULL,
    request_ip    TEXT,
    text_version  TEXT    NOT NULL,
    shown_text    TEXT    NOT NULL,
    preferences   TEXT    NOT NULL,
    token_hash    TEXT    UNIQUE,
    expires_at    BIGINT NOT NULL,
    confirmed_at  BIGINT
);
CREATE INDEX newsletter_consents_subscriber ON newsletter_consents (subscriber_id);
CREATE INDEX newsletter_consents_unconfirmed ON newsletter_consents (requested_at);
