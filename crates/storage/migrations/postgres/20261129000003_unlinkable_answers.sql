-- Answers that cannot be joined to the link they came through.
--
-- A submission no longer updates its invite or records its form id. It inserts a keyed hash
-- (HMAC under the server secret, which lives outside the database) of the token or form id
-- next to the answer, so the rows written with an answer say nothing about which invite was
-- used without the employer's links and the server secret together. When a round closes it
-- is sealed: its answers and comments are rewritten in random order in one transaction (one
-- xmin for all, physical order shuffled) and its markers are deleted.
CREATE TABLE scan_markers (
    round_id BIGINT NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    marker   TEXT   NOT NULL,
    PRIMARY KEY (round_id, marker)
);

DROP TABLE submissions;

ALTER TABLE rounds ADD COLUMN sealed_at BIGINT;

-- The scan no longer asks whether work pressure made someone stay home (a health question);
-- answers given to it earlier are not kept.
UPDATE responses SET verzuim = NULL WHERE verzuim IS NOT NULL;
