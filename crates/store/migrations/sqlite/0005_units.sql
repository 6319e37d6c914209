-- Production and business units (生产经营单位, R-LED-2): the census. A unit sits in one village
-- (its territorial grid) and is supervised by one or more departments (their grids for its
-- town). Status, grade and key-unit changes are kept in unit_history, never overwritten.

CREATE TABLE units (
    id                      INTEGER PRIMARY KEY,
    county_code             TEXT NOT NULL REFERENCES regions(code),
    name                    TEXT NOT NULL,
    name_initials           TEXT NOT NULL,
    uscc                    TEXT UNIQUE,
    no_uscc_reason          TEXT,
    legal_rep               TEXT,
    principal               TEXT,
    safety_manager          TEXT,
    phone                   TEXT,
    address                 TEXT,
    region_code             TEXT REFERENCES regions(code),
    longitude               REAL,
    latitude                REAL,
    industry_code           TEXT,
    sector_code             TEXT REFERENCES sectors(code),
    approving_department_id INTEGER REFERENCES departments(id),
    employees               INTEGER,
    standardisation         TEXT,
    status                  TEXT NOT NULL,
    supervision_grade       TEXT NOT NULL,
    suggested_grade         TEXT NOT NULL,
    grade_override_reason   TEXT,
    is_key                  INTEGER NOT NULL DEFAULT 0,
    key_reason              TEXT,
    created_at              TEXT NOT NULL,
    updated_at              TEXT NOT NULL
);
CREATE INDEX units_county_name ON units(county_code, name);
CREATE INDEX units_region ON units(region_code, name);
CREATE INDEX units_sector ON units(county_code, sector_code);
CREATE INDEX units_grade ON units(county_code, supervision_grade);

CREATE TABLE unit_departments (
    unit_id       INTEGER NOT NULL REFERENCES units(id),
    department_id INTEGER NOT NULL REFERENCES departments(id),
    PRIMARY KEY (unit_id, department_id)
);
CREATE INDEX unit_departments_department ON unit_departments(department_id, unit_id);

CREATE TABLE unit_history (
    id         INTEGER PRIMARY KEY,
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    field      TEXT NOT NULL,            -- status | grade | key
    value      TEXT NOT NULL,
    reason     TEXT,
    at         TEXT NOT NULL,
    account_id INTEGER
);
CREATE INDEX unit_history_unit ON unit_history(unit_id, at);
