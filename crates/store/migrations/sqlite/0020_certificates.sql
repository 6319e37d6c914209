-- The three posts' certificates (R-GRID-4): the principal's and safety manager's training
-- certificates and special-operations workers' certificates, each with the day it falls due
-- for review (or expires, if sooner). A newer certificate of the same holder, kind and category
-- renews the older (renewed_by), which discharges its review duty.
CREATE TABLE certificates (
    id          INTEGER PRIMARY KEY,
    county_code TEXT NOT NULL REFERENCES regions(code),
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    holder      TEXT NOT NULL,
    kind        TEXT NOT NULL,
    category    TEXT,
    number      TEXT NOT NULL,
    issued_on   TEXT NOT NULL,
    expires_on  TEXT NOT NULL,
    review_due  TEXT NOT NULL,
    renewed_by  INTEGER REFERENCES certificates(id),
    recorded_by INTEGER REFERENCES accounts(id),
    created_at  TEXT NOT NULL
);
CREATE INDEX certificates_unit ON certificates(unit_id, holder, kind);
CREATE INDEX certificates_county_due ON certificates(county_code, review_due);
