-- Frontline schema, version 2. Frozen: later changes go in new files.
-- Actors belong to a dataset; revisions come from one sequence; imports can be reverted.

-- Revisions are drawn from one sequence, so a dataset deleted and created again never repeats a
-- revision (caches and ETags are keyed by dataset and revision).
CREATE SEQUENCE dataset_revisions;
SELECT setval('dataset_revisions', (SELECT COALESCE(max(revision), 0) + 1 FROM datasets), false);
ALTER TABLE datasets ALTER COLUMN revision SET DEFAULT nextval('dataset_revisions');
-- Answers change shape with this version (actors per dataset): no ETag given before may match again.
UPDATE datasets SET revision = nextval('dataset_revisions');

-- Every dataset gets its own copy of the actors its areas use. Actors no area uses are copied into
-- every dataset, so nothing is lost; each dataset can then delete the ones it does not want. Actors
-- of a database without any dataset get one to belong to.
INSERT INTO datasets (id, name, description)
SELECT 'migrated-actors', 'Actors from before datasets owned them', 'Made by migration 0002 to keep the actors defined before any dataset; delete it when they are not wanted.'
WHERE EXISTS (SELECT 1 FROM actors) AND NOT EXISTS (SELECT 1 FROM datasets);
CREATE TABLE dataset_actors (
  dataset_id text NOT NULL REFERENCES datasets (id),
  id text NOT NULL,
  name text NOT NULL,
  aliases jsonb NOT NULL DEFAULT '[]'::jsonb,
  colour text,
  side text NOT NULL,
  -- an actor only superseded rows refer to can be retired: hidden from lists and imports, still
  -- named by answers given as of an earlier knowledge time
  retired_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (dataset_id, id)
);
INSERT INTO dataset_actors (dataset_id, id, name, aliases, colour, side, created_at, updated_at)
SELECT d.id, a.id, a.name, a.aliases, a.colour, a.side, a.created_at, a.updated_at
FROM actors a CROSS JOIN datasets d
WHERE EXISTS (SELECT 1 FROM control_areas c WHERE c.dataset_id = d.id AND c.actor_id = a.id)
   OR NOT EXISTS (SELECT 1 FROM control_areas c WHERE c.actor_id = a.id);
ALTER TABLE control_areas DROP CONSTRAINT control_areas_actor_id_fkey;
DROP TABLE actors;
ALTER TABLE dataset_actors RENAME TO actors;
ALTER TABLE actors RENAME CONSTRAINT dataset_actors_pkey TO actors_pkey;
ALTER TABLE actors RENAME CONSTRAINT dataset_actors_dataset_id_fkey TO actors_dataset_id_fkey;
CREATE INDEX actors_dataset_side ON actors (dataset_id, side);
ALTER TABLE control_areas ADD CONSTRAINT control_areas_actor_fkey FOREIGN KEY (dataset_id, actor_id) REFERENCES actors (dataset_id, id);
CREATE INDEX control_areas_dataset_actor ON control_areas (dataset_id, actor_id);

-- Which import superseded a row: a revert restores exactly the rows its import superseded.
ALTER TABLE control_areas ADD COLUMN superseded_by integer REFERENCES imports (id);
ALTER TABLE features ADD COLUMN superseded_by integer REFERENCES imports (id);
UPDATE control_areas c SET superseded_by = i.id FROM imports i
WHERE c.superseded_at IS NOT NULL AND i.dataset_id = c.dataset_id AND i.created_at = c.superseded_at;
UPDATE features f SET superseded_by = i.id FROM imports i
WHERE f.superseded_at IS NOT NULL AND i.dataset_id = f.dataset_id AND i.created_at = f.superseded_at;
CREATE INDEX control_areas_import ON control_areas (import_id);
CREATE INDEX control_areas_superseded_by ON control_areas (superseded_by) WHERE superseded_by IS NOT NULL;
CREATE INDEX features_import ON features (import_id);
CREATE INDEX features_superseded_by ON features (superseded_by) WHERE superseded_by IS NOT NULL;
-- deleting a dataset removes the geometries no other row refers to
CREATE INDEX control_areas_geometry ON control_areas (geometry_hash);

-- A revert is an import of its own: it writes the correction, and its target names it.
ALTER TABLE imports DROP CONSTRAINT imports_kind_check;
ALTER TABLE imports ADD CONSTRAINT imports_kind_check CHECK (kind IN ('snapshot', 'history', 'features', 'revert'));
ALTER TABLE imports ADD COLUMN reverts integer REFERENCES imports (id);
ALTER TABLE imports ADD COLUMN reverted_by integer REFERENCES imports (id);
