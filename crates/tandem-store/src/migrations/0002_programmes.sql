-- Programmes (PRG-1 to PRG-6). A programme's settings are kept whole, as
-- the TOML its export writes; the revision history and next review date
-- are part of them. The organisations taking part are a table of their
-- own so that listings can filter by organisation.

CREATE TABLE programmes (
    id {{pk}},
    key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    settings TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE programme_organisations (
    programme_id BIGINT NOT NULL REFERENCES programmes (id),
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    PRIMARY KEY (programme_id, organisation_id)
);
CREATE INDEX programme_organisations_by_organisation ON programme_organisations (organisation_id);
