-- A person's own requests and register entries found without a scan, so
-- that their relationships (home page to-dos, their list) are found by
-- index however many relationships the programme holds (issue 10 figures:
-- 68 ms at 20,000 relationships before, a scan of them all).
CREATE INDEX mentor_requests_by_person ON mentor_requests (person_id);
CREATE INDEX mentor_entries_by_person ON mentor_entries (person_id);
