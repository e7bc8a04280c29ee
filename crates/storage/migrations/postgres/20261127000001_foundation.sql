-- Foundation: staff accounts, sessions, audit log, mail outbox, API keys.
-- Times are unix seconds (BIGINT) on both backends so the same queries compare them.

CREATE TABLE staff (
    id            BIGSERIAL PRIMARY KEY,
    email         TEXT   NOT NULL UNIQUE,
    password_hash TEXT   NOT NULL,
    totp_secret   TEXT,
    -- Last accepted TOTP time step: a code is accepted once (RFC 6238 section 5.2).
    totp_last_step BIGINT,
    created_at    BIGINT NOT NULL
);

-- id is the SHA-256 of the cookie value: a copy of the table cannot be replayed as cookies.
CREATE TABLE sessions (
    id         TEXT   PRIMARY KEY,
    data       TEXT   NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_expires_at ON sessions (expires_at);

CREATE TABLE audit_log (
    id     BIGSERIAL PRIMARY KEY,
    at     BIGINT NOT NULL,
    actor  TEXT,
    event  TEXT   NOT NULL,
    detail TEXT   NOT NULL DEFAULT '',
    ip     TEXT
);
CREATE INDEX audit_log_event_at ON audit_log (event, at);

CREATE TABLE outbox (
    id              BIGSERIAL PRIMARY KEY,
    created_at      BIGINT NOT NULL,
    recipient       TEXT   NOT NULL CHECK (recipient <> ''),
    subject         TEXT   NOT NULL,
    text_body       TEXT   NOT NULL,
    html_body       TEXT,
    headers         TEXT   NOT NULL DEFAULT '[]',
    status          TEXT   NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    last_error      TEXT,
    sent_at         BIGINT
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

CREATE TABLE api_keys (
    id           BIGSERIAL PRIMARY KEY,
    name         TEXT   NOT NULL,
    prefix       TEXT   NOT NULL,
    key_hash     TEXT   NOT NULL UNIQUE,
    created_by   TEXT   NOT NULL,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at   BIGINT
);
