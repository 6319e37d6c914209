-- The search index of units: the bigrams of each unit's name and address. A query's bigrams
-- find the candidates by index (B-tree, the same on both databases; trigram indexes miss the
-- two-character queries Chinese users type), and LIKE confirms them.
CREATE TABLE unit_terms (
    term    TEXT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    PRIMARY KEY (term, unit_id)
);
CREATE INDEX unit_terms_unit ON unit_terms(unit_id);
CREATE INDEX units_initials ON units(name_initials);
