-- Foundation: organisations, regions, teams, people, accounts, role grants,
-- sessions, login throttling and the append-only audit log.
-- {{pk}} becomes each database's auto-numbered primary key.

CREATE TABLE organisations (
    id {{pk}},
    name TEXT NOT NULL UNIQUE,
    jurisdiction TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);

CREATE TABLE regions (
    id {{pk}},
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    name TEXT NOT NULL,
    UNIQUE (organisation_id, name)
);

CREATE TABLE teams (
    id {{pk}},
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    region_id BIGINT REFERENCES regions (id),
    name TEXT NOT NULL,
    UNIQUE (organisation_id, name)
);

-- A person's line manager is named by employee id within the same
-- organisation, as HR exports name them; the chain is followed by joins.
CREATE TABLE people (
    id {{pk}},
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    employee_id TEXT NOT NULL,
    given_name TEXT NOT NULL,
    family_name TEXT NOT NULL,
    email TEXT NOT NULL,
    region_id BIGINT REFERENCES regions (id),
    team_id BIGINT REFERENCES teams (id),
    line_manager_employee_id TEXT,
    job_title TEXT NOT NULL DEFAULT '',
    grade TEXT NOT NULL DEFAULT '',
    start_date TEXT,
    employment_type TEXT NOT NULL,
    approval_type TEXT,
    carer_level BIGINT,
    approval_date TEXT,
    household TEXT,
    special_interests TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (organisation_id, employee_id)
);
CREATE INDEX people_by_manager ON people (organisation_id, line_manager_employee_id);
CREATE INDEX people_by_name ON people (family_name, given_name);

CREATE TABLE accounts (
    id {{pk}},
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    person_id BIGINT REFERENCES people (id),
    disabled BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);

CREATE TABLE role_grants (
    id {{pk}},
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    role TEXT NOT NULL,
    organisation_id BIGINT REFERENCES organisations (id),
    programme_id BIGINT,
    granted_at BIGINT NOT NULL,
    granted_by BIGINT
);
CREATE INDEX role_grants_by_account ON role_grants (account_id);

-- Sessions live in the database so that several servers can share them.
-- Only a hash of the cookie's token is stored.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

-- Failed sign-ins per email address (known or not, so that throttling
-- does not reveal which addresses have accounts).
CREATE TABLE login_throttle (
    throttle_key TEXT PRIMARY KEY,
    failures BIGINT NOT NULL,
    window_started_at BIGINT NOT NULL,
    locked_until BIGINT NOT NULL
);

CREATE TABLE audit_events (
    id {{pk}},
    occurred_at BIGINT NOT NULL,
    actor_account_id BIGINT,
    action TEXT NOT NULL,
    subject_type TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_events_by_subject ON audit_events (subject_type, subject_id);
