-- Frontline schema, version 6. Frozen: later changes go in new files.
-- A geometry is kept as the JSON text the import wrote (json), no longer as jsonb. Nothing queries
-- inside a geometry; every read wants its text (a map embeds it as it is, a worker parses it), and
-- jsonb turned the binary form back into text on every read: 60 of the DeepStateMap-sized shapes
-- of bench/postgis-data.ts (5 MB of text) read in 56–62 ms as jsonb and 21–24 ms as json on the
-- embedded engine. json also only checks its input where jsonb builds a tree, so imports write
-- faster, and the text it keeps is the import's compact one (jsonb printed a space after every
-- comma). Geometries stored before keep jsonb's spacing: the same values.
ALTER TABLE geometries ALTER COLUMN geometry TYPE json USING geometry::json;

-- Kept uncompressed (out of line when large): TOAST's pglz compression of a ~77 KB geometry text cost
-- ~3.5 ms of CPU a row on the embedded engine (an insert 5.6 ms instead of 2.0 ms, 60 DeepStateMap-sized
-- shapes), and every read paid its decompression. The text takes 2–3× the disk it took compressed.
ALTER TABLE geometries ALTER COLUMN geometry SET STORAGE EXTERNAL;

-- Map bodies change bytes (compact geometry text) with this version: no ETag given before may match again.
UPDATE datasets SET revision = nextval('dataset_revisions');
