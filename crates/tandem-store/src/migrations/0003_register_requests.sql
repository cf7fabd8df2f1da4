-- The mentor register (REG-1 to REG-5), mentor requests and screening
-- (REQ-1, REQ-3 to REQ-5) and self-assessments (REQ-2).

-- One entry per person per programme. Organisation and jurisdiction come
-- from the person. `published` lists the profile fields mentees browsing
-- the register may see, comma-separated.
CREATE TABLE mentor_entries (
    id {{pk}},
    programme_id BIGINT NOT NULL REFERENCES programmes (id),
    person_id BIGINT NOT NULL REFERENCES people (id),
    recruited TEXT NOT NULL,
    experience TEXT NOT NULL DEFAULT '',
    experience_months BIGINT,
    interests TEXT NOT NULL DEFAULT '',
    expertise TEXT NOT NULL DEFAULT '',
    style TEXT NOT NULL DEFAULT '',
    languages TEXT NOT NULL DEFAULT '',
    location TEXT NOT NULL DEFAULT '',
    special_interests TEXT NOT NULL DEFAULT '',
    training_completed BIGINT NOT NULL DEFAULT 0,
    experience_shown_by_appraisal BIGINT NOT NULL DEFAULT 0,
    published TEXT NOT NULL DEFAULT '',
    capacity BIGINT NOT NULL,
    availability TEXT NOT NULL,
    paused_until TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (programme_id, person_id)
);

-- A person's request for a mentor in a programme. At most one open
-- request (awaiting screening or accepted) per person per programme.
CREATE TABLE mentor_requests (
    id {{pk}},
    programme_id BIGINT NOT NULL REFERENCES programmes (id),
    person_id BIGINT NOT NULL REFERENCES people (id),
    track TEXT NOT NULL,
    source TEXT NOT NULL,
    status TEXT NOT NULL,
    goals TEXT NOT NULL DEFAULT '',
    help_needed TEXT NOT NULL DEFAULT '',
    preferred_style TEXT NOT NULL DEFAULT '',
    meeting_frequency TEXT NOT NULL DEFAULT '',
    relationship_length TEXT NOT NULL DEFAULT '',
    meeting_location TEXT NOT NULL DEFAULT '',
    other_team BIGINT NOT NULL DEFAULT 0,
    other_region BIGINT NOT NULL DEFAULT 0,
    other_organisation BIGINT NOT NULL DEFAULT 0,
    other_jurisdiction BIGINT NOT NULL DEFAULT 0,
    language TEXT NOT NULL DEFAULT '',
    gender TEXT NOT NULL DEFAULT '',
    culture TEXT NOT NULL DEFAULT '',
    named_mentor_id BIGINT REFERENCES mentor_entries (id),
    consultation TEXT NOT NULL,
    rejection_reason TEXT,
    rejection_detail TEXT,
    created_by BIGINT,
    created_at BIGINT NOT NULL,
    screened_by BIGINT,
    screened_at BIGINT
);
CREATE UNIQUE INDEX mentor_requests_one_open ON mentor_requests (programme_id, person_id)
    WHERE status IN ('awaiting_screening', 'accepted');
CREATE INDEX mentor_requests_queue ON mentor_requests (programme_id, status, created_at);

-- Self-assessment answers (REQ-2), per person per request (or, later,
-- relationship) and phase, so evaluation can compare before and after.
-- `answers` holds the scale points chosen, from 1, comma-separated in
-- question order.
CREATE TABLE self_assessments (
    id {{pk}},
    person_id BIGINT NOT NULL REFERENCES people (id),
    programme_id BIGINT NOT NULL REFERENCES programmes (id),
    request_id BIGINT REFERENCES mentor_requests (id),
    relationship_id BIGINT,
    questionnaire TEXT NOT NULL,
    phase TEXT NOT NULL,
    answers TEXT NOT NULL,
    answered_at BIGINT NOT NULL,
    UNIQUE (request_id, questionnaire, phase)
);
