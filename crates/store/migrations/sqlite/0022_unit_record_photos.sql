-- Photos of a unit's own records (R-CAL-2, R-CAL-3): a checked item as found, a training's
-- signed attendance sheet. Kept by content hash like a hazard's photos and served only to
-- those who see the unit; exactly one of check_id and training_id names the record.
CREATE TABLE unit_record_photos (
    id            INTEGER PRIMARY KEY,
    county_code   TEXT NOT NULL REFERENCES regions(code),
    unit_id       INTEGER NOT NULL REFERENCES units(id),
    check_id      INTEGER REFERENCES unit_checks(id),
    item_position INTEGER,
    training_id   INTEGER REFERENCES trainings(id),
    sha256        TEXT NOT NULL,
    thumb_sha256  TEXT NOT NULL,
    width         INTEGER NOT NULL,
    height        INTEGER NOT NULL,
    size_bytes    INTEGER NOT NULL,
    uploaded_at   TEXT NOT NULL,
    uploaded_by   INTEGER REFERENCES accounts(id),
    CHECK ((check_id IS NULL) <> (training_id IS NULL))
);
CREATE INDEX unit_record_photos_check ON unit_record_photos(check_id, item_position);
CREATE INDEX unit_record_photos_training ON unit_record_photos(training_id);
