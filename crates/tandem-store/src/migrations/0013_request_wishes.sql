-- What else a mentee asks of a mentor, for matching (MAT-1, issue 11):
-- specific requests a particular mentor may meet (CWT 2.2.3), and whether
-- they are from a minority or professionally isolated in their own team,
-- for whom a mentor from another team or region may help more (CAF 2).
ALTER TABLE mentor_requests ADD COLUMN specific_requests TEXT NOT NULL DEFAULT '';
ALTER TABLE mentor_requests ADD COLUMN isolated BIGINT NOT NULL DEFAULT 0;
