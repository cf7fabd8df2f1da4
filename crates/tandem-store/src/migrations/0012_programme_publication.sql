-- When a programme was published (issue 12): a new programme starts as a
-- draft, seen only by those who may edit it, until its coordinators
-- publish it. Programmes already in use were published when created.
ALTER TABLE programmes ADD COLUMN published_at BIGINT;
UPDATE programmes SET published_at = created_at;
