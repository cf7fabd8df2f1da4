-- The searchable words of each person, lower-cased, one field a line, by
-- trigram, without a copy of the text (`content=''`): a search of three
-- letters or more reads the people whose words hold every trigram of it,
-- and the search's LIKE test then decides. The triggers keep it in step
-- with `people` in the transaction that changes them.
CREATE VIRTUAL TABLE people_search USING fts5(words, content = '', tokenize = 'trigram', detail = 'none');

INSERT INTO people_search (rowid, words)
SELECT id, LOWER(given_name || ' ' || family_name || char(10) || email || char(10) || employee_id || char(10) || job_title)
FROM people;

CREATE TRIGGER people_search_insert AFTER INSERT ON people BEGIN
    INSERT INTO people_search (rowid, words)
    VALUES (new.id, LOWER(new.given_name || ' ' || new.family_name || char(10) || new.email || char(10) || new.employee_id || char(10) || new.job_title));
END;

-- A re-import sets every column of everyone it names: only a change to
-- the words touches the index.
CREATE TRIGGER people_search_update AFTER UPDATE OF given_name, family_name, email, employee_id, job_title ON people
WHEN old.given_name IS NOT new.given_name OR old.family_name IS NOT new.family_name
    OR old.email IS NOT new.email OR old.employee_id IS NOT new.employee_id
    OR old.job_title IS NOT new.job_title
BEGIN
    INSERT INTO people_search (people_search, rowid, words)
    VALUES ('delete', old.id, LOWER(old.given_name || ' ' || old.family_name || char(10) || old.email || char(10) || old.employee_id || char(10) || old.job_title));
    INSERT INTO people_search (rowid, words)
    VALUES (new.id, LOWER(new.given_name || ' ' || new.family_name || char(10) || new.email || char(10) || new.employee_id || char(10) || new.job_title));
END;

CREATE TRIGGER people_search_delete AFTER DELETE ON people BEGIN
    INSERT INTO people_search (people_search, rowid, words)
    VALUES ('delete', old.id, LOWER(old.given_name || ' ' || old.family_name || char(10) || old.email || char(10) || old.employee_id || char(10) || old.job_title));
END;
