-- Hidden hazards (事故隐患, R-LED-5): every finding from a unit's own check, an inspection, a
-- village or the public, with its way from report to closing. The current state sits on the
-- hazard; every step (who, when, what, why) is a row of hazard_events, never changed.

CREATE TABLE hazards (
    id                     INTEGER PRIMARY KEY,
    county_code            TEXT NOT NULL REFERENCES regions(code),
    -- The village where it was found: the unit's village, or where the reporter stood.
    region_code            TEXT NOT NULL REFERENCES regions(code),
    unit_id                INTEGER REFERENCES units(id),
    -- A unit not yet in the census, as the reporter described it.
    unregistered_unit      TEXT,
    -- The department now responsible (set by referral), beside the unit's own supervisors.
    department_id          INTEGER REFERENCES departments(id),
    node_id                INTEGER REFERENCES unit_grid_nodes(id),
    place                  TEXT,
    longitude              REAL,
    latitude               REAL,
    source                 TEXT NOT NULL,
    level                  TEXT NOT NULL,
    category               TEXT,
    description            TEXT NOT NULL,
    found_at               TEXT NOT NULL,
    found_by               TEXT,
    reported_by            INTEGER REFERENCES accounts(id),
    responsible_person     TEXT,
    deadline               TEXT,
    measures               TEXT,
    cost_yuan              REAL,
    made_known             INTEGER NOT NULL DEFAULT 0,
    reported_to_supervisor_at TEXT,
    state                  TEXT NOT NULL,
    listed                 INTEGER NOT NULL DEFAULT 0,
    listed_at              TEXT,
    overdue_since          TEXT,
    closed_at              TEXT,
    created_at             TEXT NOT NULL,
    updated_at             TEXT NOT NULL
);
CREATE INDEX hazards_county ON hazards(county_code, state, deadline);
-- The ledgers list newest findings first: per county, per town or village.
CREATE INDEX hazards_county_found ON hazards(county_code, found_at, id);
CREATE INDEX hazards_county_state_found ON hazards(county_code, state, found_at, id);
CREATE INDEX hazards_region ON hazards(region_code, found_at);
CREATE INDEX hazards_unit ON hazards(unit_id, found_at);
CREATE INDEX hazards_department ON hazards(department_id, state);
CREATE INDEX hazards_open_deadline ON hazards(deadline) WHERE state NOT IN ('closed', 'rejected');

CREATE TABLE hazard_events (
    id          INTEGER PRIMARY KEY,
    hazard_id   INTEGER NOT NULL REFERENCES hazards(id),
    at          TEXT NOT NULL,
    account_id  INTEGER REFERENCES accounts(id),
    actor_name  TEXT NOT NULL,
    action      TEXT NOT NULL,
    from_state  TEXT,
    to_state    TEXT NOT NULL,
    comment     TEXT
);
CREATE INDEX hazard_events_hazard ON hazard_events(hazard_id, at);

-- The six-part rectification plan of a major hazard (Art. 15).
CREATE TABLE hazard_plans (
    hazard_id       INTEGER PRIMARY KEY REFERENCES hazards(id),
    goals           TEXT NOT NULL,
    methods         TEXT NOT NULL,
    funds           TEXT NOT NULL,
    organisation    TEXT NOT NULL,
    timeline        TEXT NOT NULL,
    safety_measures TEXT NOT NULL,
    submitted_at    TEXT NOT NULL,
    submitted_by    INTEGER REFERENCES accounts(id)
);

-- Photos before and after, stored by content hash with a thumbnail, metadata stripped.
CREATE TABLE hazard_photos (
    id           INTEGER PRIMARY KEY,
    hazard_id    INTEGER NOT NULL REFERENCES hazards(id),
    stage        TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    thumb_sha256 TEXT NOT NULL,
    width        INTEGER NOT NULL,
    height       INTEGER NOT NULL,
    size_bytes   INTEGER NOT NULL,
    uploaded_at  TEXT NOT NULL,
    uploaded_by  INTEGER REFERENCES accounts(id)
);
CREATE INDEX hazard_photos_hazard ON hazard_photos(hazard_id, uploaded_at);
