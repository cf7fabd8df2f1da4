-- Matching proposals (MAT-3, MAT-4): a pair the engine proposed and the
-- coordinator sent, waiting for the mentor's answer. The explanation lines
-- are kept as sent, so the mentor and the coordinator see why.
CREATE TABLE match_proposals (
    id {{pk}},
    programme_id BIGINT NOT NULL REFERENCES programmes (id),
    request_id BIGINT NOT NULL REFERENCES mentor_requests (id),
    mentor_entry_id BIGINT NOT NULL REFERENCES mentor_entries (id),
    score BIGINT NOT NULL,
    explanation TEXT NOT NULL,
    status TEXT NOT NULL,
    decline_reason TEXT,
    decline_detail TEXT,
    proposed_by BIGINT,
    proposed_at BIGINT NOT NULL,
    answered_at BIGINT
);
-- A request has at most one live proposal: awaiting the mentor or accepted.
CREATE UNIQUE INDEX match_proposals_one_live ON match_proposals (request_id)
    WHERE status IN ('awaiting_mentor', 'accepted');
CREATE INDEX match_proposals_by_entry ON match_proposals (mentor_entry_id, status);

-- A coordinator's override (MAT-5 and the matching page): this request is
-- to be proposed to this mentor whatever the scores say, with the reason.
-- At most one override per request is in force.
CREATE TABLE match_overrides (
    id {{pk}},
    programme_id BIGINT NOT NULL REFERENCES programmes (id),
    request_id BIGINT NOT NULL REFERENCES mentor_requests (id),
    mentor_entry_id BIGINT NOT NULL REFERENCES mentor_entries (id),
    reason TEXT NOT NULL,
    created_by BIGINT,
    created_at BIGINT NOT NULL,
    in_force BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX match_overrides_one_in_force ON match_overrides (request_id) WHERE in_force = 1;
