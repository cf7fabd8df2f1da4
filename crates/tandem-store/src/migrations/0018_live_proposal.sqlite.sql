CREATE TRIGGER match_proposals_live_insert AFTER INSERT ON match_proposals BEGIN
    UPDATE mentor_requests SET live_proposal = EXISTS (SELECT 1 FROM match_proposals l
        WHERE l.request_id = new.request_id AND l.status IN ('awaiting_mentor', 'accepted'))
    WHERE id = new.request_id;
END;
CREATE TRIGGER match_proposals_live_update AFTER UPDATE OF status ON match_proposals BEGIN
    UPDATE mentor_requests SET live_proposal = EXISTS (SELECT 1 FROM match_proposals l
        WHERE l.request_id = new.request_id AND l.status IN ('awaiting_mentor', 'accepted'))
    WHERE id = new.request_id;
END;
