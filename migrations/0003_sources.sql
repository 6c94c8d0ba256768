-- Frontline schema, version 3. Frozen: later changes go in new files.
-- A dataset's sources are records; control areas cite them by id, as a list.

-- Stored and versioned as actors are: one row per dataset and id, replaced in place by a PUT (the
-- dataset's revision says when). Deleting a dataset deletes its sources with it.
CREATE TABLE sources (
  dataset_id text NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
  id text NOT NULL,
  title text NOT NULL,
  publisher text,
  url text,
  -- the calendar date of the publication, when it has one (no time of day, no zone)
  date date,
  -- what the dataset took from it
  used_for text,
  properties jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (dataset_id, id)
);

-- The ids an area cites, a JSON array of strings, read from `source` by the rule imports use: text
-- whose every part between commas or semicolons (trimmed) is a slug id is that list of ids, in
-- order, repeats dropped; any other text (a free citation) is one entry, never cut at its commas.
ALTER TABLE control_areas ADD COLUMN sources jsonb NOT NULL DEFAULT '[]'::jsonb;
UPDATE control_areas c SET sources = CASE
    WHEN EXISTS (SELECT 1 FROM regexp_split_to_table(c.source, '[,;]') AS p (part) WHERE btrim(part) <> '')
     AND NOT EXISTS (SELECT 1 FROM regexp_split_to_table(c.source, '[,;]') AS p (part) WHERE btrim(part) <> '' AND btrim(part) !~ '^[a-z0-9][a-z0-9_-]{0,63}$')
    THEN (
      SELECT jsonb_agg(ids.id ORDER BY ids.first)
      FROM (
        SELECT btrim(p.part) AS id, min(p.n) AS first
        FROM regexp_split_to_table(c.source, '[,;]') WITH ORDINALITY AS p (part, n)
        WHERE btrim(p.part) <> ''
        GROUP BY btrim(p.part)
      ) ids
    )
    ELSE jsonb_build_array(btrim(c.source))
  END
WHERE c.source IS NOT NULL AND btrim(c.source) <> '';

-- Sources a dataset listed in its free properties (as bundled datasets did: id, title, publisher,
-- date, url, used_for) become its records; a date that is not a calendar date is left out rather
-- than refused, and what else an entry held stays in its properties. The properties lose the list
-- only when every entry of it was a record.
INSERT INTO sources (dataset_id, id, title, publisher, url, date, used_for, properties)
SELECT d.id, e->>'id', COALESCE(NULLIF(btrim(e->>'title'), ''), e->>'id'), e->>'publisher', e->>'url',
  CASE WHEN e->>'date' ~ '^[1-9][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$' THEN
    CASE WHEN substr(e->>'date', 9, 2)::int <= extract(day FROM make_date(substr(e->>'date', 1, 4)::int, substr(e->>'date', 6, 2)::int, 1) + interval '1 month - 1 day')
    THEN (e->>'date')::date END
  END,
  e->>'used_for', e - 'id' - 'title' - 'publisher' - 'url' - 'date' - 'used_for'
FROM datasets d CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(d.properties->'sources') = 'array' THEN d.properties->'sources' ELSE '[]'::jsonb END) AS s (e)
WHERE jsonb_typeof(e) = 'object' AND e->>'id' ~ '^[a-z0-9][a-z0-9_-]{0,63}$'
ON CONFLICT (dataset_id, id) DO NOTHING;
UPDATE datasets d SET properties = d.properties - 'sources'
WHERE jsonb_typeof(d.properties->'sources') = 'array'
  AND NOT EXISTS (
    SELECT 1 FROM jsonb_array_elements(d.properties->'sources') AS s (e)
    WHERE jsonb_typeof(e) <> 'object' OR NOT COALESCE(e->>'id' ~ '^[a-z0-9][a-z0-9_-]{0,63}$', false)
  );

-- Answers change shape with this version (areas list their sources): no ETag given before may match again.
UPDATE datasets SET revision = nextval('dataset_revisions');
