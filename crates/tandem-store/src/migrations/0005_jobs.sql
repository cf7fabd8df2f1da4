-- Scheduled work (issue 8): a durable queue that several servers sharing
-- one database take jobs from without ever running one twice at once.
-- A job is `queued` until it is due (`run_at`), `running` while a worker
-- holds its lease (`locked_by` until `locked_until`), then `done` or, after
-- `max_attempts` tries, `failed`. A worker that dies leaves its lease to
-- run out, and another worker takes the job again. `payload` is JSON that
-- only the job's kind gives meaning to.
CREATE TABLE jobs (
    id {{pk}},
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'queued'
        CHECK (state IN ('queued', 'running', 'done', 'failed')),
    unique_key TEXT,
    attempts BIGINT NOT NULL DEFAULT 0,
    max_attempts BIGINT NOT NULL,
    run_at BIGINT NOT NULL,
    locked_by TEXT,
    locked_until BIGINT,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    finished_at BIGINT
);
-- Claiming looks for the earliest due queued job and for running jobs
-- whose lease has run out; pruning looks for old finished ones.
CREATE INDEX jobs_claim ON jobs (state, run_at);
-- A job with a key (a recurring job such as housekeeping) is queued or
-- running at most once: enqueueing it again does nothing.
CREATE UNIQUE INDEX jobs_one_live_per_key ON jobs (unique_key)
    WHERE unique_key IS NOT NULL AND state IN ('queued', 'running');
