-- Whether a request has a live proposal (awaiting the mentor or accepted),
-- kept on the request by triggers on match_proposals in the transaction
-- that changes a proposal (0018_live_proposal.sqlite.sql and .postgres.sql),
-- so that the requests waiting for a match are a range of an index: at
-- national scale 20,000 of 22,000 accepted requests have their mentor,
-- and counting the 2,000 that wait read all 22,000 with a probe each.
ALTER TABLE mentor_requests ADD COLUMN live_proposal BIGINT NOT NULL DEFAULT 0;
UPDATE mentor_requests SET live_proposal = 1 WHERE id IN
    (SELECT request_id FROM match_proposals WHERE status IN ('awaiting_mentor', 'accepted'));
CREATE INDEX mentor_requests_waiting ON mentor_requests (programme_id, status, live_proposal, created_at);
