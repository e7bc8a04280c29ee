-- Mail that carries a secret (a sign-in link, a personal scan link) is marked when it is
-- composed: the back office never shows its body, and once delivered (sent, or failed for
-- good) the stored bodies are overwritten, so the database and its backups hold no usable link.
ALTER TABLE outbox ADD COLUMN carries_secret BOOLEAN NOT NULL DEFAULT FALSE;

-- Sign-in links queued before the marker existed.
UPDATE outbox SET carries_secret = TRUE WHERE text_body LIKE '%/werkgever/inloggen/%';
UPDATE outbox SET text_body = '', html_body = NULL
 WHERE carries_secret AND status IN ('sent', 'failed');

-- Retention deletes by age; these keep the periodic deletes from scanning whole tables.
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX login_links_expires_at ON login_links (expires_at);
CREATE INDEX outbox_created_at ON outbox (created_at);
