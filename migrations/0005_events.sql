-- Frontline schema, version 5. Frozen: later changes go in new files.
-- Events (dated strikes, battles, with their toll and sources) and tallies (as-of statements:
-- running tolls, displacement), each versioned in knowledge time as control areas are.

-- Event and tally uploads are imports of their own kinds (revertible like the others).
ALTER TABLE imports DROP CONSTRAINT imports_kind_check;
ALTER TABLE imports ADD CONSTRAINT imports_kind_check CHECK (kind IN ('snapshot', 'history', 'features', 'revert', 'events', 'tallies'));

-- One row per version of an event: a correction (the same id imported again with other content)
-- supersedes the row it corrects. Deleting a dataset (which deletes its imports) deletes its events.
-- The filterable members are columns; the whole event as the API answers it is `record`.
CREATE TABLE events (
  row_id serial PRIMARY KEY,
  dataset_id text NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
  -- the id the file gave it (ACLED event_id_cnty, UCDP id, the GeoJSON feature id)
  id text NOT NULL,
  -- calendar dates (UTC), no time of day: read them as text (date::text)
  date_start date NOT NULL,
  date_end date NOT NULL,
  event_type text,
  sub_event_type text,
  -- the dataset actor ids the event names in any role, a JSON array of strings
  actor_ids jsonb NOT NULL DEFAULT '[]'::jsonb,
  geometry jsonb NOT NULL,
  bbox box NOT NULL,
  -- the place whose holder the event is joined with: the Point, or a point inside a polygon [lon, lat]
  lon double precision NOT NULL,
  lat double precision NOT NULL,
  -- every member of the event but its geometry, as imported
  record jsonb NOT NULL,
  -- sha256 of the canonical record and geometry: an unchanged event imported again is left alone
  content_hash text NOT NULL,
  recorded_at timestamptz NOT NULL,
  superseded_at timestamptz,
  superseded_by integer REFERENCES imports (id) ON DELETE SET NULL,
  import_id integer NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
  CHECK (date_end >= date_start)
);
CREATE UNIQUE INDEX events_current_id ON events (dataset_id, id) WHERE superseded_at IS NULL;
CREATE INDEX events_current_dataset_date ON events (dataset_id, date_start) WHERE superseded_at IS NULL;
CREATE INDEX events_dataset_recorded ON events (dataset_id, recorded_at);
CREATE INDEX events_import ON events (import_id);
CREATE INDEX events_superseded_by ON events (superseded_by) WHERE superseded_by IS NOT NULL;

-- One row per version of a tally: one statement of one source (a toll, a count of the displaced).
CREATE TABLE tallies (
  row_id serial PRIMARY KEY,
  dataset_id text NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
  id text NOT NULL,
  as_of date NOT NULL,
  metric text NOT NULL,
  scope_name text NOT NULL,
  scope_feature text,
  publisher text NOT NULL,
  geometry jsonb,
  -- every member of the tally but the scope's geometry, as imported
  record jsonb NOT NULL,
  content_hash text NOT NULL,
  recorded_at timestamptz NOT NULL,
  superseded_at timestamptz,
  superseded_by integer REFERENCES imports (id) ON DELETE SET NULL,
  import_id integer NOT NULL REFERENCES imports (id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX tallies_current_id ON tallies (dataset_id, id) WHERE superseded_at IS NULL;
CREATE INDEX tallies_current_dataset_metric ON tallies (dataset_id, metric, as_of) WHERE superseded_at IS NULL;
CREATE INDEX tallies_dataset_recorded ON tallies (dataset_id, recorded_at);
CREATE INDEX tallies_import ON tallies (import_id);
CREATE INDEX tallies_superseded_by ON tallies (superseded_by) WHERE superseded_by IS NOT NULL;
