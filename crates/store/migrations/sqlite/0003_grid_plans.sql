-- Grid plans (网格化安全管理方案, R-GRID-8): each department and town files its plan; every
-- filing is kept (a revised plan is a new row), and the county sets the deadline.

CREATE TABLE grid_plans (
    id            INTEGER PRIMARY KEY,
    county_code   TEXT NOT NULL REFERENCES regions(code),
    department_id INTEGER REFERENCES departments(id),
    region_code   TEXT REFERENCES regions(code),
    title         TEXT NOT NULL,
    filed_on      TEXT NOT NULL,
    note          TEXT,
    created_at    TEXT NOT NULL,
    created_by    INTEGER,
    CHECK ((department_id IS NULL) <> (region_code IS NULL))
);
CREATE INDEX grid_plans_department ON grid_plans(department_id, filed_on);
CREATE INDEX grid_plans_region ON grid_plans(region_code, filed_on);
CREATE INDEX grid_plans_county ON grid_plans(county_code);

CREATE TABLE plan_deadlines (
    county_code TEXT PRIMARY KEY REFERENCES regions(code),
    due_on      TEXT NOT NULL
);
