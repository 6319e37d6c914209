-- Enforcement documents (执法文书) issued from an inspection, numbered per county, kind and
-- year (汉阴应急责改〔2026〕12号). A document is seen by whoever sees its inspection; a
-- rectification order's deadline is a review duty on the calendar, done by the review opinion
-- whose order_id names it.
CREATE TABLE enforcement_documents (
    id            INTEGER PRIMARY KEY,
    county_code   TEXT NOT NULL REFERENCES regions(code),
    inspection_id INTEGER NOT NULL REFERENCES inspections(id),
    kind          TEXT NOT NULL,
    year          INTEGER NOT NULL,
    sequence      INTEGER NOT NULL,
    number        TEXT NOT NULL,
    issued_on     TEXT NOT NULL,
    deadline      TEXT,
    content       TEXT NOT NULL,
    fine_yuan     REAL,
    legal_basis   TEXT,
    -- A review opinion: the rectification order it reviews.
    order_id      INTEGER REFERENCES enforcement_documents(id),
    issued_by     INTEGER REFERENCES accounts(id),
    created_at    TEXT NOT NULL,
    UNIQUE (county_code, kind, year, sequence)
);
CREATE INDEX enforcement_documents_inspection ON enforcement_documents(inspection_id);
-- The county's register by kind and date, and the orders falling due in a window.
CREATE INDEX enforcement_documents_county_issued ON enforcement_documents(county_code, issued_on);
CREATE INDEX enforcement_documents_county_deadline ON enforcement_documents(county_code, kind, deadline);
CREATE INDEX enforcement_documents_order ON enforcement_documents(order_id);

-- The last number given per county, kind and year: taken with one upsert in the issuing
-- transaction, so two officers issuing at once never get the same number.
CREATE TABLE enforcement_numbers (
    county_code TEXT NOT NULL REFERENCES regions(code),
    kind        TEXT NOT NULL,
    year        INTEGER NOT NULL,
    last        INTEGER NOT NULL,
    PRIMARY KEY (county_code, kind, year)
);
