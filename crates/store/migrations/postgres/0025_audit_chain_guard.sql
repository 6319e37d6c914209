-- The database itself refuses an audit record not built on its chain's head: a record whose
-- prev_hash is not the head's last hash would fork the chain (a bug in a writer, or a record
-- appended by hand). The application takes the head, locked, in the record's own transaction.
CREATE FUNCTION audit_log_on_its_head() RETURNS trigger AS $$
BEGIN
    IF NEW.prev_hash IS DISTINCT FROM
       COALESCE((SELECT last_hash FROM audit_heads WHERE chain = NEW.chain), '') THEN
        RAISE EXCEPTION 'audit_chain_moved';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_log_on_its_head BEFORE INSERT ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_on_its_head();
