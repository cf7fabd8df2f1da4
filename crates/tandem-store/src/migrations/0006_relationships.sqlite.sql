-- A relationship's event record and its signatures are append-only (LIF-1, AGR-4).
CREATE TRIGGER relationship_events_no_update BEFORE UPDATE ON relationship_events
BEGIN SELECT RAISE(ABORT, 'relationship events are append-only'); END;
CREATE TRIGGER relationship_events_no_delete BEFORE DELETE ON relationship_events
BEGIN SELECT RAISE(ABORT, 'relationship events are append-only'); END;
CREATE TRIGGER agreement_signatures_no_update BEFORE UPDATE ON agreement_signatures
BEGIN SELECT RAISE(ABORT, 'signatures are append-only'); END;
CREATE TRIGGER agreement_signatures_no_delete BEFORE DELETE ON agreement_signatures
BEGIN SELECT RAISE(ABORT, 'signatures are append-only'); END;
