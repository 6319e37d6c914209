-- The database itself refuses an audit record not built on its chain's head: a record whose
-- prev_hash is not the head's last hash would fork the chain. Writers that build a record on a
-- head they remember (SQLite's one writer keeps each chain's head between writes, so a write
-- need not read it first) fail here if another process moved the head meanwhile, and are
-- made again on the head as read.
CREATE TRIGGER audit_log_on_its_head BEFORE INSERT ON audit_log
WHEN NEW.prev_hash <> COALESCE((SELECT last_hash FROM audit_heads WHERE chain = NEW.chain), '')
BEGIN
    SELECT RAISE(ABORT, 'audit_chain_moved');
END;
