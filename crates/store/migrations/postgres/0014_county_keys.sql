-- Every table that holds a county's data carries the county's code, so the largest history
-- tables can be partitioned or distributed by county (a province runs one database). Child
-- rows copy their parent's county when written; here the rows already there are filled in.
-- (Not on sessions and the audit log: those belong to the deployment, one hash chain for all.)
ALTER TABLE department_sectors ADD COLUMN county_code TEXT;
ALTER TABLE posts ADD COLUMN county_code TEXT;
ALTER TABLE holdings ADD COLUMN county_code TEXT;
ALTER TABLE portfolios ADD COLUMN county_code TEXT;
ALTER TABLE unit_departments ADD COLUMN county_code TEXT;
ALTER TABLE unit_history ADD COLUMN county_code TEXT;
ALTER TABLE unit_terms ADD COLUMN county_code TEXT;
ALTER TABLE hazard_sources ADD COLUMN county_code TEXT;
ALTER TABLE hazard_source_substances ADD COLUMN county_code TEXT;
ALTER TABLE unit_grid_nodes ADD COLUMN county_code TEXT;
ALTER TABLE unit_systems ADD COLUMN county_code TEXT;
ALTER TABLE documents ADD COLUMN county_code TEXT;
ALTER TABLE hazard_reports ADD COLUMN county_code TEXT;
ALTER TABLE hazard_events ADD COLUMN county_code TEXT;
ALTER TABLE hazard_plans ADD COLUMN county_code TEXT;
ALTER TABLE hazard_photos ADD COLUMN county_code TEXT;
ALTER TABLE notifications ADD COLUMN county_code TEXT;
UPDATE department_sectors SET county_code = (SELECT d.county_code FROM departments d WHERE d.id = department_sectors.department_id);
UPDATE posts SET county_code = (SELECT g.county_code FROM grids g WHERE g.id = posts.grid_id);
UPDATE holdings SET county_code = (SELECT p.county_code FROM posts p WHERE p.id = holdings.post_id);
UPDATE portfolios SET county_code = (SELECT m.county_code FROM leadership_members m WHERE m.id = portfolios.member_id);
UPDATE unit_departments SET county_code = (SELECT u.county_code FROM units u WHERE u.id = unit_departments.unit_id);
UPDATE unit_history SET county_code = (SELECT u.county_code FROM units u WHERE u.id = unit_history.unit_id);
UPDATE unit_terms SET county_code = (SELECT u.county_code FROM units u WHERE u.id = unit_terms.unit_id);
UPDATE hazard_sources SET county_code = (SELECT u.county_code FROM units u WHERE u.id = hazard_sources.unit_id);
UPDATE hazard_source_substances SET county_code = (SELECT s.county_code FROM hazard_sources s WHERE s.id = hazard_source_substances.source_id);
UPDATE unit_grid_nodes SET county_code = (SELECT u.county_code FROM units u WHERE u.id = unit_grid_nodes.unit_id);
UPDATE unit_systems SET county_code = (SELECT u.county_code FROM units u WHERE u.id = unit_systems.unit_id);
UPDATE documents SET county_code = (SELECT u.county_code FROM units u WHERE u.id = documents.unit_id);
UPDATE hazard_reports SET county_code = (SELECT u.county_code FROM units u WHERE u.id = hazard_reports.unit_id);
UPDATE hazard_events SET county_code = (SELECT h.county_code FROM hazards h WHERE h.id = hazard_events.hazard_id);
UPDATE hazard_plans SET county_code = (SELECT h.county_code FROM hazards h WHERE h.id = hazard_plans.hazard_id);
UPDATE hazard_photos SET county_code = (SELECT h.county_code FROM hazards h WHERE h.id = hazard_photos.hazard_id);
UPDATE notifications SET county_code = COALESCE(
    (SELECT h.county_code FROM hazards h WHERE h.id = notifications.hazard_id),
    (SELECT a.county_code FROM accounts a WHERE a.id = notifications.account_id), '');
ALTER TABLE department_sectors ALTER COLUMN county_code SET NOT NULL;
ALTER TABLE posts ALTER COLUMN county_code SET NOT NULL;
ALTER TABLE holdings ALTER COLUMN county_code SET NOT NULL;
ALTER TABLE portfolios ALTER COLUMN county_code SET NOT NULL;
ALTER TABLE unit_departments ALTER COLUMN county_code SET NOT NULL;
ALTER TABLE unit_history ALTER COLUMN county_code SET NOT NULL;
ALTER TABLE unit_terms ALTER COLUMN county_code SET NOT NULL;
ALTER TABLE hazard_sources ALTER COLUMN county_code SET NOT NULL;
ALTER TABLE hazard_source_substances ALTER COLUMN county_code SET NOT NULL;
ALTER TABLE unit_grid_nodes ALTER COLUMN county_code SET NOT NULL;
ALTER TABLE unit_systems ALTER COLUMN county_code SET NOT NULL;
ALTER TABLE documents ALTER COLUMN county_code SET NOT NULL;
ALTER TABLE hazard_reports ALTER COLUMN county_code SET NOT NULL;
ALTER TABLE hazard_events ALTER COLUMN county_code SET NOT NULL;
ALTER TABLE hazard_plans ALTER COLUMN county_code SET NOT NULL;
ALTER TABLE hazard_photos ALTER COLUMN county_code SET NOT NULL;
ALTER TABLE notifications ALTER COLUMN county_code SET NOT NULL;
-- The town of every unit and hazard, derived from its village by the code's structure (the
-- first nine digits), so a town's ledger is an equality an index can lead with and sort by
-- (a range over village codes cannot also be walked newest first). None above town level.
ALTER TABLE units ADD COLUMN town_code TEXT GENERATED ALWAYS AS (CASE WHEN region_code IS NULL OR substr(region_code, 7, 6) = '000000' THEN NULL ELSE substr(region_code, 1, 9) || '000' END) STORED;
ALTER TABLE hazards ADD COLUMN town_code TEXT GENERATED ALWAYS AS (CASE WHEN region_code IS NULL OR substr(region_code, 7, 6) = '000000' THEN NULL ELSE substr(region_code, 1, 9) || '000' END) STORED;
-- A town's or village's ledger of one state, newest finding first; a town's units by name.
CREATE INDEX hazards_town_state_found ON hazards(town_code, state, found_at, id, deadline);
CREATE INDEX hazards_town_found ON hazards(town_code, found_at, id);
CREATE INDEX hazards_region_state_found ON hazards(region_code, state, found_at, id, deadline);
DROP INDEX hazards_region;
CREATE INDEX hazards_region_found ON hazards(region_code, found_at, id);
CREATE INDEX units_town_name ON units(town_code, name);
-- A department's ledger walks its county's in order and keeps the hazards of the units it
-- supervises (or referred to it): with the unit and department in the county's indexes, the
-- rows it passes over are not read.
DROP INDEX hazards_county_state_found;
CREATE INDEX hazards_county_state_found ON hazards(county_code, state, found_at, id, deadline, unit_id, department_id);
DROP INDEX hazards_county_found;
CREATE INDEX hazards_county_found ON hazards(county_code, found_at, id, unit_id, department_id);
-- A unit's ledger of one state, newest first.
CREATE INDEX hazards_unit_state_found ON hazards(unit_id, state, found_at, id);
-- Unit search looks up terms within one county.
CREATE INDEX unit_terms_county_term ON unit_terms(county_code, term);
