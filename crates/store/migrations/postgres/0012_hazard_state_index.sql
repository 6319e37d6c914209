-- The ledger filtered by state and overdue walks a state's hazards newest first and skips
-- those not yet due: with the deadline in the index it skips them without reading the rows.
DROP INDEX hazards_county_state_found;
CREATE INDEX hazards_county_state_found ON hazards(county_code, state, found_at, id, deadline);
