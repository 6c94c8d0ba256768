-- Frontline schema, version 1. Frozen: later changes go in new files.
-- Instants are timestamptz (UTC). Ids of rows that never leave the service are integer (serial):
-- PGlite returns int8 as a number where pg returns a string, and integer avoids the difference.

CREATE TABLE datasets (
  id text PRIMARY KEY,
  name text NOT NULL,
  description text NOT NULL DEFAULT '',
  licence text,
  source_url text,
  properties jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- bumped by every write to the dataset; keys caches and ETags
  revision integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE actors (
  id text PRIMARY KEY,
  name text NOT NULL,
  aliases jsonb NOT NULL DEFAULT '[]'::jsonb,
  colour text,
  side text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX actors_side ON actors (side);

CREATE TABLE imports (
  id serial PRIMARY KEY,
  dataset_id text NOT NULL REFERENCES datasets (id),
  kind text NOT NULL CHECK (kind IN ('snapshot', 'history', 'features')),
  content_hash text NOT NULL,
  valid_from timestamptz,
  options jsonb NOT NULL DEFAULT '{}'::jsonb,
  counts jsonb NOT NULL,
  notes jsonb NOT NULL DEFAULT '[]'::jsonb,
  submitted_by text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX imports_dataset_hash ON imports (dataset_id, content_hash);

-- Geometry is stored once per content hash: daily snapshots repeat most polygons, and a closed
-- interval or a carried polygon refers to the same row instead of copying it.
CREATE TABLE geometries (
  hash text PRIMARY KEY,
  geometry jsonb NOT NULL,
  bbox box NOT NULL,
  area_km2 double precision NOT NULL,
  vertex_count integer NOT NULL
);

CREATE TABLE control_areas (
  id serial PRIMARY KEY,
  dataset_id text NOT NULL REFERENCES datasets (id),
  -- the feature id the file gave the area, when it gave one
  area_key text,
  actor_id text REFERENCES actors (id),
  status text NOT NULL CHECK (status IN ('controlled', 'contested')),
  valid_from timestamptz NOT NULL,
  valid_to timestamptz,
  valid tstzrange GENERATED ALWAYS AS (tstzrange(valid_from, valid_to, '[)')) STORED,
  -- knowledge time: the row was what the service knew from recorded_at until superseded_at
  recorded_at timestamptz NOT NULL,
  superseded_at timestamptz,
  geometry_hash text NOT NULL REFERENCES geometries (hash),
  -- copied from the geometry so one GiST index serves valid @> t AND bbox && q
  bbox box NOT NULL,
  source text,
  properties jsonb NOT NULL DEFAULT '{}'::jsonb,
  import_id integer NOT NULL REFERENCES imports (id),
  CHECK (valid_to IS NULL OR valid_to > valid_from),
  CHECK (status = 'contested' OR actor_id IS NOT NULL)
);
-- current knowledge, the common case: valid @> t AND bbox && q
CREATE INDEX control_areas_current_valid_bbox ON control_areas USING gist (valid, bbox) WHERE superseded_at IS NULL;
CREATE INDEX control_areas_current_dataset ON control_areas (dataset_id, valid_from) WHERE superseded_at IS NULL;
-- known_at queries
CREATE INDEX control_areas_dataset_recorded ON control_areas (dataset_id, recorded_at);

CREATE TABLE features (
  row_id serial PRIMARY KEY,
  dataset_id text NOT NULL REFERENCES datasets (id),
  id text NOT NULL,
  kind text NOT NULL,
  name text NOT NULL,
  owner_side text,
  geometry jsonb NOT NULL,
  geometry_type text NOT NULL,
  bbox box NOT NULL,
  geometry_hash text NOT NULL,
  properties jsonb NOT NULL DEFAULT '{}'::jsonb,
  recorded_at timestamptz NOT NULL,
  superseded_at timestamptz,
  import_id integer NOT NULL REFERENCES imports (id)
);
CREATE UNIQUE INDEX features_current_id ON features (dataset_id, id) WHERE superseded_at IS NULL;
CREATE INDEX features_dataset_id_recorded ON features (dataset_id, id, recorded_at);
