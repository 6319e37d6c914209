-- A unit's training (R-CAL-3): pre-shift briefings each working day, a monthly exam, a
-- publicity activity each half year, the three posts' yearly training. The pre-shift
-- briefings are rolled up beside the daily checks (unit_check_months.briefings, the days as
-- bits) in the same transaction, so the calendar reads no training row per day.
CREATE TABLE trainings (
    id             INTEGER PRIMARY KEY,
    county_code    TEXT NOT NULL REFERENCES regions(code),
    unit_id        INTEGER NOT NULL REFERENCES units(id),
    kind           TEXT NOT NULL,
    held_on        TEXT NOT NULL,
    topic          TEXT NOT NULL,
    hours          REAL NOT NULL,
    attendee_count INTEGER NOT NULL,
    -- The attendees' names and the exam scores, as JSON arrays.
    attendees      TEXT NOT NULL,
    scores         TEXT NOT NULL,
    recorded_by    INTEGER REFERENCES accounts(id),
    created_at     TEXT NOT NULL
);
CREATE INDEX trainings_unit_on ON trainings(unit_id, held_on);
ALTER TABLE unit_check_months ADD COLUMN briefings INTEGER NOT NULL DEFAULT 0;
