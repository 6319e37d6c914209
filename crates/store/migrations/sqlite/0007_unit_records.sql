-- What a unit keeps on file besides its census row: its major hazard sources (R-LED-6), its own
-- grid of workshops, teams and responsibilities (R-GRID-4), its sixteen management systems
-- (R-UNIT-1) and the documents behind all of them (archives, responsibility letters, operating
-- procedures, R-UNIT-2). Nothing here is deleted: rows are retired or withdrawn with a reason.

-- Major hazard sources (重大危险源), identified and graded by GB 18218-2018.
CREATE TABLE hazard_sources (
    id                 INTEGER PRIMARY KEY,
    unit_id            INTEGER NOT NULL REFERENCES units(id),
    name               TEXT NOT NULL,
    people_within_500m INTEGER NOT NULL,
    s                  REAL NOT NULL,
    alpha              REAL NOT NULL,
    r                  REAL NOT NULL,
    is_major           INTEGER NOT NULL,
    level              INTEGER,
    identified_on      TEXT NOT NULL,
    next_due           TEXT NOT NULL,
    filed_on           TEXT,
    measures           TEXT,
    retired_at         TEXT,
    retired_reason     TEXT,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);
CREATE INDEX hazard_sources_unit ON hazard_sources(unit_id);
CREATE INDEX hazard_sources_due ON hazard_sources(next_due);

CREATE TABLE hazard_source_substances (
    source_id  INTEGER NOT NULL REFERENCES hazard_sources(id),
    position   INTEGER NOT NULL,
    name       TEXT NOT NULL,
    cas        TEXT,
    q          REAL NOT NULL,
    critical_q REAL NOT NULL,
    beta       REAL NOT NULL,
    PRIMARY KEY (source_id, position)
);

-- The unit's own grid (R-GRID-4): company → workshop → team, and under any of them the areas,
-- places, parts, links, equipment and processes each with a named responsible person.
CREATE TABLE unit_grid_nodes (
    id          INTEGER PRIMARY KEY,
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    parent_id   INTEGER REFERENCES unit_grid_nodes(id),
    kind        TEXT NOT NULL,
    name        TEXT NOT NULL,
    person      TEXT NOT NULL,
    phone       TEXT,
    duties      TEXT,
    retired_at  TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX unit_grid_nodes_unit ON unit_grid_nodes(unit_id, parent_id);

-- The sixteen management systems (R-UNIT-1): which the unit has, since when.
CREATE TABLE unit_systems (
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    system      TEXT NOT NULL,
    in_place    INTEGER NOT NULL,
    adopted_on  TEXT,
    note        TEXT,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (unit_id, system)
);

-- Documents on file, stored by the SHA-256 of their content under the data directory.
CREATE TABLE documents (
    id              INTEGER PRIMARY KEY,
    unit_id         INTEGER NOT NULL REFERENCES units(id),
    kind            TEXT NOT NULL,
    system          TEXT,
    node_id         INTEGER REFERENCES unit_grid_nodes(id),
    hazard_source_id INTEGER REFERENCES hazard_sources(id),
    title           TEXT NOT NULL,
    file_name       TEXT NOT NULL,
    media_type      TEXT NOT NULL,
    size_bytes      INTEGER NOT NULL,
    sha256          TEXT NOT NULL,
    uploaded_at     TEXT NOT NULL,
    uploaded_by     INTEGER,
    withdrawn_at    TEXT,
    withdrawn_reason TEXT
);
CREATE INDEX documents_unit ON documents(unit_id, kind, uploaded_at);
CREATE INDEX documents_sha ON documents(sha256);

-- Rules a county tunes (design §5), as JSON under a key; absent means the default.
CREATE TABLE county_settings (
    county_code TEXT NOT NULL REFERENCES regions(code),
    key         TEXT NOT NULL,
    value       TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (county_code, key)
);
