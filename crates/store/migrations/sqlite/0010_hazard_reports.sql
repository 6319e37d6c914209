-- The units' hidden-hazard statistics reports (R-LED-7): one per quarter and per year, the
-- figures worked out from the ledger and frozen when the unit submits them over its
-- principal's name.

CREATE TABLE hazard_reports (
    id             INTEGER PRIMARY KEY,
    unit_id        INTEGER NOT NULL REFERENCES units(id),
    period         TEXT NOT NULL,
    found_general  INTEGER NOT NULL,
    found_major    INTEGER NOT NULL,
    closed         INTEGER NOT NULL,
    still_open     INTEGER NOT NULL,
    overdue        INTEGER NOT NULL,
    cost_yuan      REAL NOT NULL,
    analysis       TEXT,
    principal      TEXT NOT NULL,
    submitted_at   TEXT NOT NULL,
    submitted_by   INTEGER REFERENCES accounts(id),
    UNIQUE (unit_id, period)
);
CREATE INDEX hazard_reports_period ON hazard_reports(period, unit_id);
