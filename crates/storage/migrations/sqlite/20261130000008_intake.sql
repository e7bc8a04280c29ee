-- Questions sent through the contact page ("Dien je vraag in"), issue 7.
CREATE TABLE intakes (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at    INTEGER NOT NULL,
    status        TEXT    NOT NULL DEFAULT 'new',
    lang          TEXT    NOT NULL,
    organisation  TEXT    NOT NULL,
    contact_name  TEXT    NOT NULL,
    email         TEXT    NOT NULL,
    phone         TEXT,
    kvk           TEXT,
    company_size  TEXT    NOT NULL,
    province      TEXT    NOT NULL,
    question      TEXT    NOT NULL,
    -- Category keys, comma-separated, in the core's order; empty when none was chosen.
    categories    TEXT    NOT NULL,
    -- The provider slug the visitor came from (?dienstverlener=), unchecked against providers.
    provider_slug TEXT,
    consent_at    INTEGER NOT NULL
);

CREATE INDEX intakes_status ON intakes (status, created_at);
