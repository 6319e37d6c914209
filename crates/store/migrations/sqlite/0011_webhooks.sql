-- The outgoing webhook's outbox: each notice to forward, written in the transaction that made
-- it, delivered by a worker, retried with growing pauses, never lost on a restart.

CREATE TABLE webhook_deliveries (
    id              INTEGER PRIMARY KEY,
    county_code     TEXT NOT NULL REFERENCES regions(code),
    payload         TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    delivered_at    TEXT,
    failed_at       TEXT,
    last_error      TEXT
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at)
    WHERE delivered_at IS NULL AND failed_at IS NULL;
CREATE INDEX webhook_deliveries_county ON webhook_deliveries(county_code, created_at);
