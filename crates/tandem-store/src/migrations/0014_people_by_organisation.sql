-- One organisation's people in name order straight from an index, for
-- /people at national scale (issue 17): the listing is a range of this
-- index and its count a scan of it, with no sort of every row.
CREATE INDEX people_by_organisation_and_name ON people (organisation_id, family_name, given_name, id);
