-- Invitations by e-mail, reminders, and the round tag on outbox mail.
--
-- Addresses are kept only so that one reminder can be sent before the closing date, and are
-- deleted when the round closes. They have random ids and no column that refers to an invite
-- or its token: an address cannot be joined to the link it was sent. Rows are inserted in
-- shuffled order, so their physical order (ctid) does not match the invites either.
CREATE TABLE invitation_addresses (
    id         TEXT    PRIMARY KEY,
    round_id   BIGINT  NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    email      TEXT    NOT NULL,
    -- The day the invitation mail went out: the reminder points to "the mail of <date>".
    invited_on DATE    NOT NULL,
    UNIQUE (round_id, email)
);

-- Set once, by whichever instance claims the reminder of a round first.
ALTER TABLE rounds ADD COLUMN reminder_sent_at BIGINT;

-- Which round a mail belongs to and what it is ('invitation' or 'reminder'), so the employer
-- sees counts of sent and failed invitations without seeing a single address.
ALTER TABLE outbox ADD COLUMN round_id BIGINT REFERENCES rounds (id) ON DELETE SET NULL;
ALTER TABLE outbox ADD COLUMN kind TEXT;
CREATE INDEX outbox_round ON outbox (round_id, kind);
