-- A relationship's meetings counted by date, length, kind and how their
-- records stand: one row for meetings alike, kept with every meeting
-- written, in the same transaction. What compliance, the counts and the
-- records awaiting agreement need is read from here, so the cost of a page
-- grows with a relationship's dates, not its meetings (issue 9 load: 41,731
-- meetings in one relationship were read by every page that showed it).
CREATE TABLE relationship_meeting_days (
    relationship_id BIGINT NOT NULL REFERENCES relationships (id),
    held_on TEXT NOT NULL,
    minutes BIGINT NOT NULL,
    kind TEXT NOT NULL,
    record_agreed_by TEXT NOT NULL,
    has_record BIGINT NOT NULL,
    meetings BIGINT NOT NULL CHECK (meetings > 0),
    PRIMARY KEY (relationship_id, held_on, minutes, kind, record_agreed_by, has_record)
);
INSERT INTO relationship_meeting_days
    (relationship_id, held_on, minutes, kind, record_agreed_by, has_record, meetings)
SELECT relationship_id, held_on, minutes, kind, record_agreed_by,
       CASE WHEN sealed_record IS NULL THEN 0 ELSE 1 END, COUNT(*)
FROM relationship_meetings
GROUP BY relationship_id, held_on, minutes, kind, record_agreed_by,
         CASE WHEN sealed_record IS NULL THEN 0 ELSE 1 END;

-- The latest meetings by index, ties by id, without sorting them all.
DROP INDEX relationship_meetings_by_date;
CREATE INDEX relationship_meetings_latest ON relationship_meetings (relationship_id, held_on, id);
