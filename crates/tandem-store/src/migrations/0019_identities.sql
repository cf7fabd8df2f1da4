-- A person's own characteristics, which a mentee may ask their mentor to
-- share (MAT-1, issue 11), each with the person's consent to its use in
-- matching: race, religion and sexuality are special category data
-- (UK GDPR Art. 9). Only the person reads or changes the row; matching
-- reads a value only where its consent is 1.
CREATE TABLE person_identities (
    person_id BIGINT PRIMARY KEY REFERENCES people (id),
    gender TEXT NOT NULL DEFAULT '',
    gender_consent BIGINT NOT NULL DEFAULT 0,
    culture TEXT NOT NULL DEFAULT '',
    culture_consent BIGINT NOT NULL DEFAULT 0,
    race TEXT NOT NULL DEFAULT '',
    race_consent BIGINT NOT NULL DEFAULT 0,
    religion TEXT NOT NULL DEFAULT '',
    religion_consent BIGINT NOT NULL DEFAULT 0,
    sexuality TEXT NOT NULL DEFAULT '',
    sexuality_consent BIGINT NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL
);

-- What else a mentee may ask of a mentor (REQ-1, MAT-1 [AFC]): an
-- ethnicity, religion or sexual orientation to share, and where the
-- mentee is based, for programmes that weigh location.
ALTER TABLE mentor_requests ADD COLUMN race TEXT NOT NULL DEFAULT '';
ALTER TABLE mentor_requests ADD COLUMN religion TEXT NOT NULL DEFAULT '';
ALTER TABLE mentor_requests ADD COLUMN sexuality TEXT NOT NULL DEFAULT '';
ALTER TABLE mentor_requests ADD COLUMN location TEXT NOT NULL DEFAULT '';
