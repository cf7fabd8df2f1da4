-- People are searched by any part of their name, email, employee id or
-- job title (`People::list`). On SQLite a trigram index of those words
-- (0017_people_search.sqlite.sql) finds the few people who can match
-- before the search's own test is run on them, instead of running it on
-- every person (50,000 in a national organisation). PostgreSQL runs the
-- test on every person in scope, as before.
SELECT 1;
