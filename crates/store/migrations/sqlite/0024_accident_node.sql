-- Where in the unit's own grid an accident happened, when the reporter knows (the record as
-- of the accident names that node's responsible people).
ALTER TABLE accidents ADD COLUMN node_id INTEGER REFERENCES unit_grid_nodes(id);
