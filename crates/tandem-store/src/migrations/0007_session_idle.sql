-- Sessions end after a spell unused as well as at their fixed end, and a
-- person can list and end their own (issue 9 item 9): when each session
-- was last used, and the account's sessions found without a scan.
ALTER TABLE sessions ADD COLUMN last_seen_at BIGINT NOT NULL DEFAULT 0;
UPDATE sessions SET last_seen_at = created_at;
CREATE INDEX sessions_by_account ON sessions (account_id);
