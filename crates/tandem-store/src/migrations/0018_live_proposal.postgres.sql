CREATE FUNCTION mentor_requests_live_proposal() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE mentor_requests SET live_proposal = CASE WHEN EXISTS (SELECT 1 FROM match_proposals l
        WHERE l.request_id = NEW.request_id AND l.status IN ('awaiting_mentor', 'accepted'))
        THEN 1 ELSE 0 END
    WHERE id = NEW.request_id;
    RETURN NULL;
END;
$$;
CREATE TRIGGER match_proposals_live AFTER INSERT OR UPDATE OF status ON match_proposals
FOR EACH ROW EXECUTE FUNCTION mentor_requests_live_proposal();
