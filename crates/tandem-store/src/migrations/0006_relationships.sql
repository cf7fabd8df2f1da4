-- Mentoring relationships (LIF-1 to LIF-5, AGR-1 to AGR-5, MTG-1 to MTG-4,
-- PLN-1, PLN-2). A relationship starts when a mentor accepts a proposal.
--
-- Confidential content never reaches the database in the clear: every
-- column named sealed_* holds XChaCha20-Poly1305 ciphertext (base64) made
-- by the application under the relationship's own data key, and data_key
-- holds that key wrapped by the master key, which lives in a key file
-- outside the database (tandem-seal).
CREATE TABLE relationships (
    id {{pk}},
    programme_id BIGINT NOT NULL REFERENCES programmes (id),
    proposal_id BIGINT NOT NULL REFERENCES match_proposals (id),
    request_id BIGINT NOT NULL REFERENCES mentor_requests (id),
    mentor_entry_id BIGINT NOT NULL REFERENCES mentor_entries (id),
    track TEXT NOT NULL,
    -- The state after the last event: a projection of relationship_events,
    -- written in the same transaction as the event, guarded by the state
    -- the event starts from (so two people acting at once cannot both move it).
    state TEXT NOT NULL,
    stage_process BIGINT,
    stage_cycle BIGINT,
    data_key TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    agreed_on TEXT,
    ended_at BIGINT
);
CREATE UNIQUE INDEX relationships_one_per_proposal ON relationships (proposal_id);
CREATE INDEX relationships_by_programme ON relationships (programme_id, state);
CREATE INDEX relationships_by_request ON relationships (request_id);
CREATE INDEX relationships_by_entry ON relationships (mentor_entry_id, state);

-- Every transition, append-only (LIF-1): who, when, from, to and why. The
-- event's categories (a No Match's reasons, the kind of reason for
-- leaving) are in `event` as JSON; anyone's own words are sealed.
CREATE TABLE relationship_events (
    id {{pk}},
    relationship_id BIGINT NOT NULL REFERENCES relationships (id),
    seq BIGINT NOT NULL,
    at BIGINT NOT NULL,
    actor_account_id BIGINT,
    party TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    kind TEXT NOT NULL,
    event TEXT NOT NULL,
    sealed_words TEXT
);
CREATE UNIQUE INDEX relationship_events_in_order ON relationship_events (relationship_id, seq);

-- Agreement versions (AGR-3, AGR-5). The clauses are sealed; the terms the
-- coordinator's compliance view and a CAF line manager need (length,
-- meeting frequency and length, time allowance) are kept beside them.
CREATE TABLE agreement_versions (
    id {{pk}},
    relationship_id BIGINT NOT NULL REFERENCES relationships (id),
    number BIGINT NOT NULL,
    drafted_by TEXT NOT NULL,
    drafted_by_account_id BIGINT,
    at BIGINT NOT NULL,
    hash TEXT NOT NULL,
    terms TEXT NOT NULL,
    sealed_clauses TEXT NOT NULL
);
CREATE UNIQUE INDEX agreement_versions_numbered ON agreement_versions (relationship_id, number);

-- A signature: who, in which part, when, and the hash of the version signed (AGR-3).
CREATE TABLE agreement_signatures (
    id {{pk}},
    version_id BIGINT NOT NULL REFERENCES agreement_versions (id),
    party TEXT NOT NULL,
    account_id BIGINT,
    at BIGINT NOT NULL,
    hash TEXT NOT NULL
);
CREATE UNIQUE INDEX agreement_signatures_once ON agreement_signatures (version_id, party);

-- Meetings (MTG-1 to MTG-4): date, length and kind in the clear for
-- compliance; the record (notes and action points) sealed, and only where
-- the programme allows notes at all.
CREATE TABLE relationship_meetings (
    id {{pk}},
    relationship_id BIGINT NOT NULL REFERENCES relationships (id),
    held_on TEXT NOT NULL,
    minutes BIGINT NOT NULL,
    kind TEXT NOT NULL,
    recorded_by_account_id BIGINT,
    recorded_at BIGINT NOT NULL,
    sealed_record TEXT,
    record_agreed_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX relationship_meetings_by_date ON relationship_meetings (relationship_id, held_on);

-- The action plan (PLN-1, PLN-2), sealed as a whole.
CREATE TABLE relationship_plans (
    relationship_id BIGINT PRIMARY KEY REFERENCES relationships (id),
    sealed_plan TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- What completion needs (LIF-3): each answered section of a completion
-- form (sealed), each signature of a form, and the record of the mentor's
-- closing supervision. One row per item.
CREATE TABLE relationship_completion (
    id {{pk}},
    relationship_id BIGINT NOT NULL REFERENCES relationships (id),
    item TEXT NOT NULL,
    party TEXT NOT NULL,
    account_id BIGINT,
    at BIGINT NOT NULL,
    sealed_answer TEXT
);
CREATE UNIQUE INDEX relationship_completion_once ON relationship_completion (relationship_id, item);

-- The introductory meeting (AGR-1): when, where and who attends, arranged
-- by whoever the programme names.
CREATE TABLE relationship_introductions (
    relationship_id BIGINT PRIMARY KEY REFERENCES relationships (id),
    meets_at TEXT NOT NULL,
    minutes BIGINT NOT NULL,
    place TEXT NOT NULL,
    attending TEXT NOT NULL,
    arranged_by TEXT NOT NULL,
    arranged_at BIGINT NOT NULL
);

-- Cancelled meetings (MTG-4): when the meeting was to be, when it was
-- cancelled and the new date, if one was arranged. Whether it was late is
-- worked out from the programme's notice rule when shown.
CREATE TABLE relationship_cancellations (
    id {{pk}},
    relationship_id BIGINT NOT NULL REFERENCES relationships (id),
    meeting_at BIGINT NOT NULL,
    cancelled_at BIGINT NOT NULL,
    new_date TEXT,
    cancelled_by TEXT NOT NULL
);
CREATE INDEX relationship_cancellations_by_relationship ON relationship_cancellations (relationship_id);
