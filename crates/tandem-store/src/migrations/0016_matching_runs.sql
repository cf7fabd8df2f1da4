-- A matching run, worked out once and stored (issue 17, MAT-3): the
-- matching page shows the latest run for the caller's scope (every
-- organisation, or the ones a coordinator matches for) rather than
-- working the whole programme out again on every view. One run per
-- programme and scope; a new run replaces it, and anything that changes
-- who is waiting or who can mentor forgets it.
CREATE TABLE matching_runs (
    -- Never reused: a page names the run it showed, and sending checks
    -- that run is still the latest.
    id {{pk_never_reused}},
    programme_id BIGINT NOT NULL REFERENCES programmes (id),
    -- '*' for every organisation; else the organisations' ids, sorted,
    -- joined by commas.
    scope TEXT NOT NULL,
    made_at BIGINT NOT NULL,
    made_by BIGINT,
    first_come_first_served BIGINT NOT NULL,
    waiting BIGINT NOT NULL,
    total_score BIGINT NOT NULL,
    pair_count BIGINT NOT NULL,
    unmatched_count BIGINT NOT NULL,
    -- JSON: overrides not applied, named mentors not proposed, mentors
    -- who can take nobody.
    notes TEXT NOT NULL
);
CREATE UNIQUE INDEX matching_runs_by_scope ON matching_runs (programme_id, scope);

-- The pairs a run proposes, in order, with why.
CREATE TABLE matching_run_pairs (
    run_id BIGINT NOT NULL REFERENCES matching_runs (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    request_id BIGINT NOT NULL,
    mentor_entry_id BIGINT NOT NULL,
    mentee_name TEXT NOT NULL,
    mentor_name TEXT NOT NULL,
    score BIGINT NOT NULL,
    -- One line per criterion that scored, joined by newlines.
    explanation TEXT NOT NULL,
    overridden TEXT,
    named_by_mentee BIGINT NOT NULL,
    PRIMARY KEY (run_id, position)
);

-- The mentees a run leaves waiting, in order, with why.
CREATE TABLE matching_run_unmatched (
    run_id BIGINT NOT NULL REFERENCES matching_runs (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    request_id BIGINT NOT NULL,
    mentee_name TEXT NOT NULL,
    could_have BIGINT NOT NULL,
    -- JSON: the mentors ruled out for this mentee, each with its reasons.
    ruled_out TEXT NOT NULL,
    PRIMARY KEY (run_id, position)
);

-- The matching page lists a programme's latest proposals, newest first:
-- read backwards from this index and stopped at the page's end, rather
-- than all 20,000 of a national programme's joined and sorted.
CREATE INDEX match_proposals_by_programme_id ON match_proposals (programme_id, id);

-- A programme's relationships page lists them newest first: walked
-- backwards from this index and stopped at the page's end, rather than
-- all of them joined and sorted (20,000 in a national programme).
CREATE INDEX relationships_by_programme_started ON relationships (programme_id, started_at, id);
