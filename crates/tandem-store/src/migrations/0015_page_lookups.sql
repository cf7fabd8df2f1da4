-- Lookups that pages at national scale (issue 17) made scans of every
-- row: a person's own proposals on every home page, a coordinator's
-- counts of proposals waiting and answered lately, and matching's places
-- in use read every proposal (20,000 at that scale); a manager's direct
-- reports were found by walking the whole organisation in name order.
CREATE INDEX match_proposals_by_request ON match_proposals (request_id);
CREATE INDEX match_proposals_by_programme ON match_proposals (programme_id, status, answered_at);
-- The reports of one manager, in name order, straight from the index; it
-- serves the management-chain joins on (organisation, manager) as the
-- index it replaces did.
DROP INDEX people_by_manager;
CREATE INDEX people_by_manager ON people (organisation_id, line_manager_employee_id, family_name, given_name);
