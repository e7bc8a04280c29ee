-- Public-form rate limits shared by every instance. One row per key (a keyed hash of the
-- client address, never the address itself) holding the moment its allowance is used up
-- ("theoretical arrival time" of the GCRA, in milliseconds). A row whose moment has passed
-- means the same as no row, and is deleted by housekeeping.
CREATE TABLE rate_limits (
    key    TEXT   NOT NULL PRIMARY KEY,
    tat_ms BIGINT NOT NULL
);
CREATE INDEX rate_limits_tat ON rate_limits (tat_ms);
