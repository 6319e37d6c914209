-- Accidents (R-VIL-3, R-ASSESS-2; State Council Order 493): the quick report, the chain of
-- reports up the levels with each level's times, the supplements of casualties, the photos of
-- the scene. Scoped like hazards: by the village (and town) where it happened, the unit, and
-- the unit's supervising departments.
CREATE TABLE accidents (
    id                INTEGER PRIMARY KEY,
    county_code       TEXT NOT NULL REFERENCES regions(code),
    region_code       TEXT NOT NULL REFERENCES regions(code),
    unit_id           INTEGER REFERENCES units(id),
    unregistered_unit TEXT,
    -- The department that reported it, if one did: it sees it beside its units' accidents.
    department_id     INTEGER REFERENCES departments(id),
    -- The unit's sector on the day, for the statistics by sector.
    sector_code       TEXT,
    place             TEXT,
    longitude         REAL,
    latitude          REAL,
    kind              TEXT NOT NULL,
    level             TEXT NOT NULL,
    occurred_at       TEXT NOT NULL,
    reported_at       TEXT NOT NULL,
    reported_by       INTEGER REFERENCES accounts(id),
    -- The figures as last confirmed (a supplement replaces them; each is kept in its row).
    deaths            INTEGER NOT NULL,
    missing           INTEGER NOT NULL,
    serious_injuries  INTEGER NOT NULL,
    direct_loss_yuan  REAL NOT NULL,
    description       TEXT NOT NULL,
    measures          TEXT,
    updated_at        TEXT NOT NULL
);
ALTER TABLE accidents ADD COLUMN town_code TEXT GENERATED ALWAYS AS (substr(region_code, 1, 9) || '000') VIRTUAL;
CREATE INDEX accidents_county ON accidents(county_code, occurred_at, id);
CREATE INDEX accidents_town ON accidents(town_code, occurred_at, id);
CREATE INDEX accidents_region ON accidents(region_code, occurred_at, id);
CREATE INDEX accidents_unit ON accidents(unit_id, occurred_at);

-- Each level's part in passing the report on, per round (a raised level starts another).
CREATE TABLE accident_steps (
    id            INTEGER PRIMARY KEY,
    county_code   TEXT NOT NULL REFERENCES regions(code),
    accident_id   INTEGER NOT NULL REFERENCES accidents(id),
    round         INTEGER NOT NULL,
    position      INTEGER NOT NULL,
    party         TEXT NOT NULL,
    -- When the round began: the accident for the first, the supplement for a raised one.
    started_at    TEXT NOT NULL,
    -- When it is due to be passed on (recomputed as the levels below record their times).
    due_at        TEXT NOT NULL,
    received_at   TEXT,
    forwarded_at  TEXT,
    note          TEXT,
    recorded_by   INTEGER REFERENCES accounts(id),
    recorded_at   TEXT,
    UNIQUE (accident_id, round, party)
);
-- The steps not passed on, soonest due first (the duty calendar, the overdue sweep).
CREATE INDEX accident_steps_open ON accident_steps(county_code, forwarded_at, due_at);

CREATE TABLE accident_supplements (
    id                INTEGER PRIMARY KEY,
    county_code       TEXT NOT NULL REFERENCES regions(code),
    accident_id       INTEGER NOT NULL REFERENCES accidents(id),
    at                TEXT NOT NULL,
    deaths            INTEGER NOT NULL,
    missing           INTEGER NOT NULL,
    serious_injuries  INTEGER NOT NULL,
    direct_loss_yuan  REAL NOT NULL,
    level_before      TEXT NOT NULL,
    level             TEXT NOT NULL,
    reason            TEXT,
    recorded_by       INTEGER REFERENCES accounts(id),
    recorded_at       TEXT NOT NULL
);
CREATE INDEX accident_supplements_accident ON accident_supplements(accident_id, at);

CREATE TABLE accident_photos (
    id           INTEGER PRIMARY KEY,
    county_code  TEXT NOT NULL REFERENCES regions(code),
    accident_id  INTEGER NOT NULL REFERENCES accidents(id),
    sha256       TEXT NOT NULL,
    thumb_sha256 TEXT NOT NULL,
    width        INTEGER NOT NULL,
    height       INTEGER NOT NULL,
    size_bytes   INTEGER NOT NULL,
    uploaded_at  TEXT NOT NULL,
    uploaded_by  INTEGER REFERENCES accounts(id)
);
CREATE INDEX accident_photos_accident ON accident_photos(accident_id);

-- A notice may be about an accident.
ALTER TABLE notifications ADD COLUMN accident_id INTEGER REFERENCES accidents(id);
