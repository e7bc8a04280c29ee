-- Autonomie-scan: employers (magic-link sign-in), scans, departments, rounds, invites,
-- anonymous responses and comments, help requests.
--
-- Anonymity by construction: responses and comments have random ids (WITHOUT ROWID, so even
-- the physical order follows the random id, not the arrival order), only the answer date,
-- and no link to the invite that was used. Invites only record that they were used.

CREATE TABLE employers (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    email         TEXT    NOT NULL UNIQUE,
    created_at    INTEGER NOT NULL,
    last_login_at INTEGER
);

CREATE TABLE login_links (
    token_hash TEXT    PRIMARY KEY,
    email      TEXT    NOT NULL,
    lang       TEXT    NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
) WITHOUT ROWID;

CREATE TABLE scans (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    employer_id  INTEGER REFERENCES employers (id),
    api_key_id   INTEGER REFERENCES api_keys (id),
    organisation TEXT    NOT NULL,
    team         TEXT    NOT NULL,
    lang         TEXT    NOT NULL,
    min_group    INTEGER NOT NULL,
    min_comments INTEGER NOT NULL,
    -- Seeds the shuffle of comments, so their order says nothing about who wrote when.
    comment_seed INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    CHECK (employer_id IS NOT NULL OR api_key_id IS NOT NULL)
);
CREATE INDEX scans_employer ON scans (employer_id);
CREATE INDEX scans_api_key ON scans (api_key_id);

CREATE TABLE departments (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    scan_id   INTEGER NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
    parent_id INTEGER REFERENCES departments (id),
    name      TEXT    NOT NULL,
    position  INTEGER NOT NULL
);
CREATE INDEX departments_scan ON departments (scan_id);

CREATE TABLE rounds (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    scan_id           INTEGER NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
    number            INTEGER NOT NULL,
    opened_on         TEXT    NOT NULL,
    closes_on         TEXT    NOT NULL,
    closed_at         INTEGER,
    shared_token_hash TEXT    UNIQUE,
    invited           INTEGER NOT NULL DEFAULT 0,
    UNIQUE (scan_id, number)
);

CREATE TABLE invites (
    token_hash    TEXT    PRIMARY KEY,
    round_id      INTEGER NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    department_id INTEGER REFERENCES departments (id),
    used          BOOLEAN NOT NULL DEFAULT FALSE
) WITHOUT ROWID;
CREATE INDEX invites_round ON invites (round_id);

-- Answers: 1..5 on the agree scale, 0 for "weet ik niet"; signals NULL when skipped.
CREATE TABLE responses (
    id                   TEXT    PRIMARY KEY,
    round_id             INTEGER NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    department_id        INTEGER REFERENCES departments (id),
    answered_on          TEXT    NOT NULL,
    werkwijze            SMALLINT NOT NULL CHECK (werkwijze BETWEEN 0 AND 5),
    sterke_punten        SMALLINT NOT NULL CHECK (sterke_punten BETWEEN 0 AND 5),
    taakinvloed          SMALLINT NOT NULL CHECK (taakinvloed BETWEEN 0 AND 5),
    open_mening          SMALLINT NOT NULL CHECK (open_mening BETWEEN 0 AND 5),
    steun                SMALLINT NOT NULL CHECK (steun BETWEEN 0 AND 5),
    mentale_vermoeidheid SMALLINT CHECK (mentale_vermoeidheid BETWEEN 0 AND 5),
    initiatief           SMALLINT CHECK (initiatief BETWEEN 0 AND 5),
    verzuim              SMALLINT CHECK (verzuim BETWEEN 0 AND 5),
    vertrekintentie      SMALLINT CHECK (vertrekintentie BETWEEN 0 AND 5)
) WITHOUT ROWID;
CREATE INDEX responses_round ON responses (round_id, department_id);

-- Comments are kept apart from the answers: a comment cannot be tied to a set of answers.
CREATE TABLE comments (
    id            TEXT    PRIMARY KEY,
    round_id      INTEGER NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    department_id INTEGER REFERENCES departments (id),
    body          TEXT    NOT NULL
) WITHOUT ROWID;
CREATE INDEX comments_round ON comments (round_id);

-- Shared links: a random id per rendered form, so a double submit is stored once.
CREATE TABLE submissions (
    round_id   INTEGER NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    nonce_hash TEXT    NOT NULL,
    PRIMARY KEY (round_id, nonce_hash)
) WITHOUT ROWID;

-- "Vraag hulp": an employer's consented request, picked up by the intake (matching) feature.
CREATE TABLE help_requests (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    scan_id     INTEGER NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
    round_id    INTEGER NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    employer_id INTEGER NOT NULL REFERENCES employers (id),
    summary     TEXT    NOT NULL,
    question    TEXT    NOT NULL,
    consent_at  INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    status      TEXT    NOT NULL DEFAULT 'nieuw'
);
