-- A unit's own step (its plan, its rectification, its assessment, its application to resume)
-- recorded by a supervisor for a unit that does not sign in: the timeline says so.
ALTER TABLE hazard_events ADD COLUMN on_behalf BOOLEAN NOT NULL DEFAULT FALSE;
