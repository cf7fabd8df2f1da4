-- People imports in stages (issue 9 item 6). A big import used to hold
-- SQLite's one write lock for minutes while it wrote every row in one
-- transaction. Now its checked rows are written into
-- `people_import_rows` in short transactions of a few thousand rows, which
-- nothing but the import reads, and then applied to `people` in one final
-- transaction: no one sees a partial import, even after a crash, and
-- sign-ins write between the chunks.
--
-- `people_imports` is one import: uploaded (`queued`, the file kept in
-- `source` for the job that imports it), being staged (`staging`,
-- `staged_rows` of `total_rows` written), then `imported` (with the counts)
-- or `failed` (with the problems). `job_id` is the background job that
-- runs it, if any; jobs are pruned, so it is not a foreign key.
CREATE TABLE people_imports (
    id {{pk}},
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    actor_account_id BIGINT REFERENCES accounts (id),
    state TEXT NOT NULL DEFAULT 'queued'
        CHECK (state IN ('queued', 'staging', 'imported', 'failed')),
    source TEXT,
    total_rows BIGINT NOT NULL,
    staged_rows BIGINT NOT NULL DEFAULT 0,
    created_count BIGINT,
    updated_count BIGINT,
    problems TEXT,
    job_id BIGINT,
    created_at BIGINT NOT NULL,
    finished_at BIGINT
);
CREATE INDEX people_imports_by_state ON people_imports (state, created_at);

-- One checked row of an import, by its line in the file; regions and
-- teams by name, as the file gives them.
CREATE TABLE people_import_rows (
    import_id BIGINT NOT NULL REFERENCES people_imports (id),
    line BIGINT NOT NULL,
    employee_id TEXT NOT NULL,
    given_name TEXT NOT NULL,
    family_name TEXT NOT NULL,
    email TEXT NOT NULL,
    region TEXT,
    team TEXT,
    line_manager_employee_id TEXT,
    job_title TEXT NOT NULL,
    grade TEXT NOT NULL,
    start_date TEXT,
    employment_type TEXT NOT NULL,
    approval_type TEXT,
    carer_level BIGINT,
    approval_date TEXT,
    household TEXT,
    special_interests TEXT,
    PRIMARY KEY (import_id, line)
);
