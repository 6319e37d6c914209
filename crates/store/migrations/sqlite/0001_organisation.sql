-- Organisation: divisions, departments, grids, posts, people and who held which post when.
-- Big tables carry county_code so a province deployment can partition them by county.

CREATE TABLE regions (
    code        TEXT PRIMARY KEY,                 -- 12-digit statistical division code
    parent_code TEXT REFERENCES regions(code),
    county_code TEXT,                             -- NULL above county level
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    level       INTEGER NOT NULL,
    path        TEXT NOT NULL,                    -- '/610000000000/…/<code>/'
    sort_order  INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL
);
CREATE INDEX regions_parent ON regions(parent_code, sort_order, code);
CREATE INDEX regions_county ON regions(county_code, level);

CREATE TABLE sectors (
    code         TEXT PRIMARY KEY,
    name_zh      TEXT NOT NULL,
    name_en      TEXT NOT NULL,
    is_key       INTEGER NOT NULL DEFAULT 1,
    is_high_risk INTEGER NOT NULL DEFAULT 0,
    sort_order   INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE departments (
    id                  INTEGER PRIMARY KEY,
    county_code         TEXT NOT NULL REFERENCES regions(code),
    name                TEXT NOT NULL,
    short_name          TEXT NOT NULL,
    is_committee_office INTEGER NOT NULL DEFAULT 0,
    sort_order          INTEGER NOT NULL DEFAULT 0,
    created_at          TEXT NOT NULL,
    UNIQUE (county_code, name)
);

CREATE TABLE department_sectors (
    department_id INTEGER NOT NULL REFERENCES departments(id),
    sector_code   TEXT NOT NULL REFERENCES sectors(code),
    PRIMARY KEY (department_id, sector_code)
);
CREATE INDEX department_sectors_sector ON department_sectors(sector_code);

CREATE TABLE people (
    id            INTEGER PRIMARY KEY,
    county_code   TEXT NOT NULL REFERENCES regions(code),
    name          TEXT NOT NULL,
    phone         TEXT,
    job_title     TEXT,
    department_id INTEGER REFERENCES departments(id),
    region_code   TEXT REFERENCES regions(code),
    created_at    TEXT NOT NULL
);
CREATE INDEX people_county_name ON people(county_code, name);
CREATE INDEX people_department ON people(department_id);
CREATE INDEX people_region ON people(region_code);

CREATE TABLE grids (
    id            INTEGER PRIMARY KEY,
    county_code   TEXT NOT NULL REFERENCES regions(code),
    kind          TEXT NOT NULL,
    level         INTEGER NOT NULL,
    name          TEXT NOT NULL,
    region_code   TEXT NOT NULL REFERENCES regions(code),
    department_id INTEGER REFERENCES departments(id),
    duties        TEXT,
    created_at    TEXT NOT NULL
);
CREATE UNIQUE INDEX grids_identity ON grids(kind, region_code, COALESCE(department_id, 0));
CREATE INDEX grids_region ON grids(region_code, level, id);
CREATE INDEX grids_department ON grids(department_id, region_code);
CREATE INDEX grids_county ON grids(county_code, level, id);

CREATE TABLE posts (
    id         INTEGER PRIMARY KEY,
    grid_id    INTEGER NOT NULL REFERENCES grids(id),
    kind       TEXT NOT NULL,
    required   INTEGER NOT NULL,
    seats      INTEGER NOT NULL,
    duties     TEXT,
    sort_order INTEGER NOT NULL DEFAULT 0,
    UNIQUE (grid_id, kind)
);

-- ended_on is exclusive: the first day the person no longer holds the post.
CREATE TABLE holdings (
    id         INTEGER PRIMARY KEY,
    post_id    INTEGER NOT NULL REFERENCES posts(id),
    person_id  INTEGER NOT NULL REFERENCES people(id),
    started_on TEXT NOT NULL,
    ended_on   TEXT,
    note       TEXT,
    created_at TEXT NOT NULL,
    created_by INTEGER,
    CHECK (ended_on IS NULL OR ended_on >= started_on)
);
CREATE INDEX holdings_post ON holdings(post_id, started_on);
CREATE INDEX holdings_person ON holdings(person_id);

-- The leadership group (领导小组, R-ORG-1) and deputy heads' portfolios (R-ORG-2).
CREATE TABLE leadership_members (
    id              INTEGER PRIMARY KEY,
    county_code     TEXT NOT NULL REFERENCES regions(code),
    person_id       INTEGER NOT NULL REFERENCES people(id),
    group_role      TEXT NOT NULL,               -- leader | deputy | member
    government_post TEXT NOT NULL,
    committee_post  TEXT,
    sort_order      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX leadership_members_county ON leadership_members(county_code, sort_order);

CREATE TABLE leadership_offices (
    county_code        TEXT PRIMARY KEY REFERENCES regions(code),
    department_id      INTEGER NOT NULL REFERENCES departments(id),
    director_person_id INTEGER REFERENCES people(id)
);

CREATE TABLE portfolios (
    member_id     INTEGER NOT NULL REFERENCES leadership_members(id),
    department_id INTEGER NOT NULL REFERENCES departments(id),
    PRIMARY KEY (member_id, department_id)
);
CREATE INDEX portfolios_department ON portfolios(department_id);
