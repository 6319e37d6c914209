-- The database itself refuses an audit record not built on its chain's head: a record whose
-- prev_hash is not the head's last hash would fork the chain (a bug in a writer, or a record
-- appended by hand). The application takes the head in the record's own transaction, so its
-- records always pass.
CREATE TRIGGER audit_log_on_its_head BEFORE INSERT ON audit_log
WHEN NEW.prev_hash <> COALESCE((SELECT last_hash FROM audit_heads WHERE chain = NEW.chain), '')
BEGIN
    SELECT RAISE(ABORT, 'audit_chain_moved');
END;
