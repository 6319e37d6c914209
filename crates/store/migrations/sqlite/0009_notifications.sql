-- In-app notifications (the bell): what happened to a hazard that an account should act on.
-- The deadline sweep marks each hazard once when due soon and once when overdue, so it stays
-- right across restarts and with several server processes.

ALTER TABLE hazards ADD COLUMN due_soon_sent_at TEXT;

CREATE TABLE notifications (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts(id),
    hazard_id   INTEGER REFERENCES hazards(id),
    kind        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    read_at     TEXT
);
CREATE INDEX notifications_account ON notifications(account_id, read_at, created_at);
