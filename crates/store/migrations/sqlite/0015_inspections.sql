-- Inspections (执法检查, R-CAL-1): a town's or a department's visit to a unit, its checklist
-- items and its findings (hazards with source 'inspection', linked back by inspection_id).
-- Duties are not stored: the duty calendar derives them from the units and these rows.
CREATE TABLE inspections (
    id            INTEGER PRIMARY KEY,
    county_code   TEXT NOT NULL REFERENCES regions(code),
    unit_id       INTEGER NOT NULL REFERENCES units(id),
    -- The unit's village when it was inspected: whose area the record belongs to.
    region_code   TEXT NOT NULL REFERENCES regions(code),
    -- Whose duty it discharges: 'town' (the unit's town, through its zone) or 'department'.
    party         TEXT NOT NULL,
    department_id INTEGER REFERENCES departments(id),
    inspected_on  TEXT NOT NULL,
    enforcement   INTEGER NOT NULL DEFAULT 0,
    -- The inspectors' names, as a JSON array.
    inspectors    TEXT NOT NULL,
    summary       TEXT,
    recorded_by   INTEGER REFERENCES accounts(id),
    created_at    TEXT NOT NULL
);
ALTER TABLE inspections ADD COLUMN town_code TEXT GENERATED ALWAYS AS (substr(region_code, 1, 9) || '000') VIRTUAL;
-- A window of a county's inspections (the duty calendar), a unit's history, a town's ledger.
CREATE INDEX inspections_county_on ON inspections(county_code, inspected_on, unit_id, party, department_id);
CREATE INDEX inspections_unit_on ON inspections(unit_id, inspected_on);
CREATE INDEX inspections_town_on ON inspections(town_code, inspected_on);
CREATE INDEX inspections_department_on ON inspections(department_id, inspected_on);

CREATE TABLE inspection_items (
    id                INTEGER PRIMARY KEY,
    county_code       TEXT NOT NULL REFERENCES regions(code),
    inspection_id     INTEGER NOT NULL REFERENCES inspections(id),
    position          INTEGER NOT NULL,
    checklist_item_id INTEGER,
    item              TEXT NOT NULL,
    result            TEXT NOT NULL,
    note              TEXT
);
CREATE INDEX inspection_items_inspection ON inspection_items(inspection_id, position);

ALTER TABLE hazards ADD COLUMN inspection_id INTEGER REFERENCES inspections(id);
CREATE INDEX hazards_inspection ON hazards(inspection_id);
