-- Issue 7: the introduction workflow. Help requests from a scan's results become intakes
-- (one queue for staff); every status change is recorded; introductions to providers count
-- against the provider's capacity.

-- Weak aspects of the employer's scan (keys, comma-separated): aggregates only, never
-- anything about one employee.
ALTER TABLE intakes ADD COLUMN aspects TEXT NOT NULL DEFAULT '';
-- Hash of the form's one-time id: a double submit stores one intake.
ALTER TABLE intakes ADD COLUMN form_nonce TEXT;
-- When the intake reached a final status (completed or closed): retention counts from here.
ALTER TABLE intakes ADD COLUMN closed_at INTEGER;
-- Set when retention has emptied the personal fields; the statistics remain.
ALTER TABLE intakes ADD COLUMN anonymised_at INTEGER;
-- The totals a "vraag hulp" from a scan's results shared (JSON); only for migrated requests.
ALTER TABLE intakes ADD COLUMN scan_summary TEXT;
-- A sector key (empty: not given) and how urgent the employer says it is.
ALTER TABLE intakes ADD COLUMN sector TEXT NOT NULL DEFAULT '';
ALTER TABLE intakes ADD COLUMN urgency TEXT NOT NULL DEFAULT 'normal';
CREATE UNIQUE INDEX intakes_form_nonce ON intakes (form_nonce);

INSERT INTO intakes (created_at, status, lang, organisation, contact_name, email, company_size,
                     province, question, categories, consent_at, scan_summary)
SELECT h.created_at, 'new', s.lang, s.organisation, '', e.email, '', '', h.question, '',
       h.consent_at, h.summary
FROM help_requests h
JOIN scans s ON s.id = h.scan_id
JOIN employers e ON e.id = h.employer_id
ORDER BY h.id;
DROP TABLE help_requests;

-- Every transition of an intake: who, when, from which status to which.
CREATE TABLE intake_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    intake_id   INTEGER NOT NULL REFERENCES intakes (id) ON DELETE CASCADE,
    at          INTEGER NOT NULL,
    -- staff | provider | employer | system
    actor       TEXT    NOT NULL,
    actor_id    INTEGER,
    event       TEXT    NOT NULL,
    from_status TEXT    NOT NULL,
    to_status   TEXT    NOT NULL,
    detail      TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX intake_events_intake ON intake_events (intake_id, id);

CREATE TABLE introductions (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    intake_id        INTEGER NOT NULL REFERENCES intakes (id) ON DELETE CASCADE,
    provider_id      INTEGER NOT NULL REFERENCES providers (id) ON DELETE CASCADE,
    -- proposed (waiting for the provider) | accepted | declined | expired | withdrawn | completed
    status           TEXT    NOT NULL CHECK (status IN ('proposed', 'accepted', 'declined', 'expired', 'withdrawn', 'completed')),
    score            INTEGER NOT NULL,
    -- Reason codes the provider met, comma-separated: "waarom deze match" as it was.
    reasons          TEXT    NOT NULL,
    proposed_at      INTEGER NOT NULL,
    deadline_at      INTEGER NOT NULL,
    answered_at      INTEGER,
    decline_reason   TEXT,
    feedback_rating  INTEGER CHECK (feedback_rating BETWEEN 1 AND 5),
    feedback_comment TEXT,
    feedback_at      INTEGER,
    -- SHA-256 of the provider's answer link (the link itself is only in the delivered mail).
    answer_token_hash TEXT NOT NULL UNIQUE,
    -- SHA-256 of the employer's feedback link, mailed when the introduction is completed.
    feedback_token_hash TEXT UNIQUE
);
CREATE INDEX introductions_intake ON introductions (intake_id);
CREATE INDEX introductions_provider ON introductions (provider_id, status);
CREATE INDEX introductions_deadline ON introductions (status, deadline_at);
-- One provider at a time is asked about an intake.
CREATE UNIQUE INDEX introductions_one_open ON introductions (intake_id) WHERE status = 'proposed';

-- Open introductions (proposed or accepted, not yet completed): raised only by an UPDATE that
-- checks it against the capacity, so two instances can never overfill a provider.
ALTER TABLE providers ADD COLUMN open_introductions INTEGER NOT NULL DEFAULT 0 CHECK (open_introductions >= 0);

-- Where introductions and deadline reminders for a provider go; never shown in public.
ALTER TABLE providers ADD COLUMN contact_email TEXT NOT NULL DEFAULT '';

-- One spelling of the size classes: the provider network's.
UPDATE intakes SET company_size = '250-plus' WHERE company_size = '250+';

-- People of a provider who sign in to the portal (/portaal) by a mailed link.
CREATE TABLE provider_accounts (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    provider_id   INTEGER NOT NULL REFERENCES providers (id) ON DELETE CASCADE,
    email         TEXT    NOT NULL UNIQUE,
    created_at    INTEGER NOT NULL,
    last_login_at INTEGER
);
CREATE INDEX provider_accounts_provider ON provider_accounts (provider_id);

-- Portal sign-in links: only the hash is stored; single use; a newer one used ends older ones.
CREATE TABLE provider_login_links (
    token_hash TEXT    NOT NULL PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES provider_accounts (id) ON DELETE CASCADE,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
);
CREATE INDEX provider_login_links_account ON provider_login_links (account_id);

-- A provider's own API key (its introductions through the API); NULL for HRnexus's keys.
ALTER TABLE api_keys ADD COLUMN provider_id INTEGER REFERENCES providers (id) ON DELETE CASCADE;
