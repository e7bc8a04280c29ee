-- HR service providers (dienstverleners) in the network.
--
-- Multi-valued fields that are filtered on (categories, provinces, company sizes) live in
-- child tables keyed by provider, one row per value (the domain key). Certifications and
-- languages are free text shown as lists: one item per line.
CREATE TABLE providers (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    slug           TEXT    NOT NULL UNIQUE,
    organisation   TEXT    NOT NULL,
    kvk            TEXT    NOT NULL,
    description    TEXT    NOT NULL,
    certifications TEXT    NOT NULL,
    languages      TEXT    NOT NULL,
    -- Open introductions this provider can take at once.
    capacity       INTEGER NOT NULL CHECK (capacity >= 0),
    availability   TEXT    NOT NULL CHECK (availability IN ('accepting', 'paused')),
    created_at     INTEGER  NOT NULL,
    updated_at     INTEGER  NOT NULL
);

CREATE TABLE provider_categories (
    provider_id INTEGER NOT NULL REFERENCES providers (id) ON DELETE CASCADE,
    category    TEXT   NOT NULL,
    PRIMARY KEY (provider_id, category)
);
CREATE INDEX provider_categories_category ON provider_categories (category);

CREATE TABLE provider_provinces (
    provider_id INTEGER NOT NULL REFERENCES providers (id) ON DELETE CASCADE,
    province    TEXT   NOT NULL,
    PRIMARY KEY (provider_id, province)
);
CREATE INDEX provider_provinces_province ON provider_provinces (province);

CREATE TABLE provider_sizes (
    provider_id INTEGER NOT NULL REFERENCES providers (id) ON DELETE CASCADE,
    size        TEXT   NOT NULL,
    PRIMARY KEY (provider_id, size)
);
