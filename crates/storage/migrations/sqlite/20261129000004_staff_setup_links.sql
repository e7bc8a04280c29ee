-- Personal set-up links for beheerder accounts (hrnexus create-admin): the holder chooses a
-- password and enrols the second factor. Single use, 24 hours; only a SHA-256 of the token
-- is stored.
CREATE TABLE staff_setup_links (
    token_hash TEXT    PRIMARY KEY,
    staff_id   INTEGER NOT NULL REFERENCES staff (id),
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
);
CREATE INDEX staff_setup_links_staff ON staff_setup_links (staff_id);

-- Using a sign-in link ends the older links of the same address.
CREATE INDEX login_links_email ON login_links (email);
