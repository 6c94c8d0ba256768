-- Frontline schema, version 4. Frozen: later changes go in new files.
-- A single-actor map (one actor's area, nothing else) names an outline and the actor that holds
-- the rest of it: inside the outline, ground no area covers is that actor's for fronts, distance
-- and route severance.

-- The id of a reference feature of the dataset (a Polygon or MultiPolygon, e.g. the country) and
-- the id of one of its actors. Not foreign keys: features are versioned rows (a feature id names
-- many rows over knowledge time), and both are checked when a dataset is written and again when
-- an answer reads them. Both or neither.
ALTER TABLE datasets ADD COLUMN outline_feature text;
ALTER TABLE datasets ADD COLUMN complement_actor text;
ALTER TABLE datasets ADD CONSTRAINT datasets_outline_complement CHECK ((outline_feature IS NULL) = (complement_actor IS NULL));

-- Answers change shape with this version (datasets carry the two members): no ETag given before may match again.
UPDATE datasets SET revision = nextval('dataset_revisions');
