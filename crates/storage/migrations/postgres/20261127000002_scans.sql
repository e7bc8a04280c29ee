-- Autonomie-scan: employers (magic-link sign-in), scans, departments, rounds, invites,
-- anonymous responses and comments, help requests.
--
-- Anonymity by construction: responses and comments have random ids, only the answer date,
-- and no link to the invite that was used. Invites only record that they were used.

CREATE TABLE employers (
    id            BIGSERIAL PRIMARY KEY,
    email         TEXT    NOT NULL UNIQUE,
    created_at    BIGINT  NOT NULL,
    last_login_at BIGINT 
);

CREATE TABLE login_links (
    token_hash TEXT    PRIMARY KEY,
    email      TEXT    NOT NULL,
    lang       TEXT    NOT NULL,
    expires_at BIGINT  NOT NULL,
    used_at    BIGINT 
);

CREATE TABLE scans (
    id           BIGSERIAL PRIMARY KEY,
    employer_id  BIGINT REFERENCES employers (id),
    api_key_id   BIGINT REFERENCES api_keys (id),
    organisation TEXT    NOT NULL,
    team         TEXT    NOT NULL,
    lang         TEXT    NOT NULL,
    min_group    INTEGER NOT NULL,
    min_comments INTEGER NOT NULL,
    -- Seeds the shuffle of comments, so their order says nothing about who wrote when.
    comment_seed BIGINT  NOT NULL,
    created_at   BIGINT  NOT NULL,
    CHECK (employer_id IS NOT NULL OR api_key_id IS NOT NULL)
);
CREATE INDEX scans_employer ON scans (employer_id);
CREATE INDEX scans_api_key ON scans (api_key_id);

CREATE TABLE departments (
    id        BIGSERIAL PRIMARY KEY,
    scan_id   BIGINT NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
    parent_id BIGINT REFERENCES departments (id),
    name      TEXT    NOT NULL,
    position  INTEGER NOT NULL
);
CREATE INDEX departments_scan ON departments (scan_id);

CREATE TABLE rounds (
    id                BIGSERIAL PRIMARY KEY,
    scan_id           BIGINT NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
    number            INTEGER NOT NULL,
    opened_on         DATE    NOT NULL,
    closes_on         DATE    NOT NULL,
    closed_at         BIGINT ,
    shared_token_hash TEXT    UNIQUE,
    invited           INTEGER NOT NULL DEFAULT 0,
    UNIQUE (scan_id, number)
);

CREATE TABLE invites (
    token_hash    TEXT    PRIMARY KEY,
    round_id      BIGINT NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    department_id BIGINT REFERENCES departments (id),
    used          BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX invites_round ON invites (round_id);

-- Answers: 1..5 on the agree scale, 0 for "weet ik niet"; signals NULL when skipped.
CREATE TABLE responses (
    id                   TEXT    PRIMARY KEY,
    round_id             BIGINT NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    department_id        BIGINT REFERENCES departments (id),
    answered_on          DATE    NOT NULL,
    werkwijze            SMALLINT NOT NULL CHECK (werkwijze BETWEEN 0 AND 5),
    sterke_punten        SMALLINT NOT NULL CHECK (sterke_punten BETWEEN 0 AND 5),
    taakinvloed          SMALLINT NOT NULL CHECK (taakinvloed BETWEEN 0 AND 5),
    open_mening          SMALLINT NOT NULL CHECK (open_mening BETWEEN 0 AND 5),
    steun                SMALLINT NOT NULL CHECK (steun BETWEEN 0 AND 5),
    mentale_vermoeidheid SMALLINT CHECK (mentale_vermoeidheid BETWEEN 0 AND 5),
    initiatief           SMALLINT CHECK (initiatief BETWEEN 0 AND 5),
    verzuim              SMALLINT CHECK (verzuim BETWEEN 0 AND 5),
    vertrekintentie      SMALLINT CHECK (vertrekintentie BETWEEN 0 AND 5)
);
CREATE INDEX responses_round ON responses (round_id, department_id);

-- Comments are kept apart from the answers: a comment cannot be tied to a set of answers.
CREATE TABLE comments (
    id            TEXT    PRIMARY KEY,
    round_id      BIGINT NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    department_id BIGINT REFERENCES departments (id),
    body          TEXT    NOT NULL
);
CREATE INDEX comments_round ON comments (round_id);

-- Shared links: a random id per rendered form, so a double submit is stored once.
CREATE TABLE submissions (
    round_id   BIGINT NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    nonce_hash TEXT    NOT NULL,
    PRIMARY KEY (round_id, nonce_hash)
);

-- "Vraag hulp": an employer's consented request, picked up by the intake (matching) feature.
CREATE TABLE help_requests (
    id          BIGSERIAL PRIMARY KEY,
    scan_id     BIGINT NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
    round_id    BIGINT NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    employer_id BIGINT NOT NULL REFERENCES employers (id),
    summary     TEXT    NOT NULL,
    question    TEXT    NOT NULL,
    consent_at  BIGINT  NOT NULL,
    created_at  BIGINT  NOT NULL,
    status      TEXT    NOT NULL DEFAULT 'nieuw'
);
