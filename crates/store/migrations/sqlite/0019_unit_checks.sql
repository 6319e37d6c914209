-- Units' own checks (R-CAL-2): a daily check of the key areas, equipment and processes of the
-- unit's own grid on each working day, a patrol of the whole operation each month; findings
-- enter the hazard ledger as 'self_check', linked back by check_id.
--
-- The duty calendar reads unit_check_months, not the checks: one row per unit and month with
-- the days checked as bits (bit 0 = the 1st) and the month's first patrol, kept in the same
-- transaction as each check. A county's month is ~3,000 such rows whatever the number of
-- checks (750,000 a year), and a town's last 30 days at most two per unit.
ALTER TABLE units ADD COLUMN working_days TEXT NOT NULL DEFAULT '1111100';

CREATE TABLE unit_checks (
    id          INTEGER PRIMARY KEY,
    county_code TEXT NOT NULL REFERENCES regions(code),
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    kind        TEXT NOT NULL,
    checked_on  TEXT NOT NULL,
    checked_by  TEXT,
    note        TEXT,
    recorded_by INTEGER REFERENCES accounts(id),
    created_at  TEXT NOT NULL
);
CREATE INDEX unit_checks_unit_on ON unit_checks(unit_id, checked_on);

CREATE TABLE unit_check_items (
    id          INTEGER PRIMARY KEY,
    county_code TEXT NOT NULL REFERENCES regions(code),
    check_id    INTEGER NOT NULL REFERENCES unit_checks(id),
    position    INTEGER NOT NULL,
    node_id     INTEGER REFERENCES unit_grid_nodes(id),
    item        TEXT NOT NULL,
    result      TEXT NOT NULL,
    note        TEXT
);
CREATE INDEX unit_check_items_check ON unit_check_items(check_id, position);

CREATE TABLE unit_check_months (
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    month       TEXT NOT NULL,
    county_code TEXT NOT NULL REFERENCES regions(code),
    days        INTEGER NOT NULL DEFAULT 0,
    patrol_id   INTEGER REFERENCES unit_checks(id),
    PRIMARY KEY (unit_id, month)
);
CREATE INDEX unit_check_months_county ON unit_check_months(county_code, month);

ALTER TABLE hazards ADD COLUMN check_id INTEGER REFERENCES unit_checks(id);
CREATE INDEX hazards_check ON hazards(check_id);
