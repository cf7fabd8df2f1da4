-- A relationship's event record and its signatures are append-only (LIF-1, AGR-4).
CREATE FUNCTION relationship_records_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$;
CREATE TRIGGER relationship_events_no_change BEFORE UPDATE OR DELETE ON relationship_events
FOR EACH ROW EXECUTE FUNCTION relationship_records_append_only();
CREATE TRIGGER agreement_signatures_no_change BEFORE UPDATE OR DELETE ON agreement_signatures
FOR EACH ROW EXECUTE FUNCTION relationship_records_append_only();
