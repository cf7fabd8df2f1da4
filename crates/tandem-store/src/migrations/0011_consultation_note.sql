-- The line manager's words with their answer on the time a request takes
-- (REQ-5): what their concerns are, for the coordinator who screens it.
-- Never shown to the mentee.
ALTER TABLE mentor_requests ADD COLUMN consultation_note TEXT NOT NULL DEFAULT '';
