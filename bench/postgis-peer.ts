// The PostGIS peer of bench/postgis.ts, in a process of its own, driven over IPC: a scratch database
// on the local PostgreSQL server (dropped and recreated each run) with the postgis extension, a
// loader with Frontline's carry-on semantics (a polygon unchanged since the day before keeps its row;
// a changed one closes its row and opens a new one), and the same questions as SQL behind a minimal
// Fastify route each — what pg_featureserv and tipg are. Every answer is computed by PostgreSQL on
// every request (no answer cache, as those servers have none); statements are prepared (named).
import compress from '@fastify/compress'
import Fastify, { type FastifyInstance } from 'fastify'
import pg from 'pg'
import { DATASETS, referenceFeatures } from './postgis-data.js'
import { listenOnFreePort, processStats, serveCommands } from './common.js'

export const PEER_DB = 'frontline_bench_postgis'

let pool: pg.Pool | undefined
let app: FastifyInstance | undefined
let url = ''

const SCHEMA = `
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE TABLE actors (dataset text NOT NULL, id text NOT NULL, side text, PRIMARY KEY (dataset, id));
CREATE TABLE areas (
  id bigserial PRIMARY KEY,
  dataset text NOT NULL,
  actor text,
  side text,
  status text NOT NULL,
  valid_from timestamptz NOT NULL,
  valid_to timestamptz,
  hash text NOT NULL,
  geom geometry(MultiPolygon, 4326) NOT NULL,
  geog geography(MultiPolygon, 4326) NOT NULL
);
CREATE INDEX areas_time ON areas (dataset, valid_from, valid_to);
CREATE INDEX areas_open ON areas (dataset, actor, hash) WHERE valid_to IS NULL;
CREATE INDEX areas_geom ON areas USING gist (geom);
CREATE INDEX areas_geog ON areas USING gist (geog);
CREATE TABLE features (
  dataset text NOT NULL, id text NOT NULL, kind text, owner_side text,
  geom geometry(Geometry, 4326) NOT NULL, geog geography(Geometry, 4326) NOT NULL,
  PRIMARY KEY (dataset, id)
);
CREATE INDEX features_geog ON features USING gist (geog);
`

async function setup(args: { adminUrl: string }) {
  const admin = new pg.Client({ connectionString: args.adminUrl })
  await admin.connect()
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${PEER_DB} WITH (FORCE)`)
    await admin.query(`CREATE DATABASE ${PEER_DB}`)
  } finally {
    await admin.end()
  }
  const u = new URL(args.adminUrl)
  u.pathname = `/${PEER_DB}`
  url = u.toString()
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query(SCHEMA)
    const { rows } = await client.query<{ pg: string; postgis: string }>(
      `SELECT split_part(version(), ' on ', 1) AS pg, postgis_lib_version() || ' (GEOS ' || postgis_geos_version() || ', PROJ ' || postgis_proj_version() || ')' AS postgis`,
    )
    return rows[0]
  } finally {
    await client.end()
  }
}

/**
 * The loader: one transaction per snapshot. The snapshot's features go to a staging table as
 * GeoJSON text; open rows whose (actor, content hash) the snapshot no longer has are closed at its
 * date; the snapshot's features without an open row are checked (ST_IsValid) and inserted (geometry and geography).
 */
async function load(args: { datasetId: string }) {
  const ds = DATASETS.find((d) => d.id === args.datasetId)!
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    for (const actor of ds.actors) await client.query('INSERT INTO actors VALUES ($1, $2, $3)', [ds.id, actor.id, actor.side])
    for (const f of referenceFeatures().features) {
      await client.query(
        `INSERT INTO features VALUES ($1, $2, $3, $4, ST_SetSRID(ST_GeomFromGeoJSON($5), 4326), ST_SetSRID(ST_GeomFromGeoJSON($5), 4326)::geography)`,
        [ds.id, String(f.id), f.properties!.kind, f.properties!.owner_side ?? null, JSON.stringify(f.geometry)],
      )
    }
    let importMs = 0
    let days = 0
    for (const snapshot of ds.snapshots()) {
      const actors = snapshot.map.features.map((f) => f.properties.actor)
      const texts = snapshot.map.features.map((f) => JSON.stringify(f.geometry))
      const t = performance.now()
      await client.query('BEGIN')
      await client.query(
        'CREATE TEMP TABLE stage ON COMMIT DROP AS SELECT a AS actor, g AS gj, md5(g) AS hash FROM unnest($1::text[], $2::text[]) AS s(a, g)',
        [actors, texts],
      )
      // As Frontline refuses a snapshot with an invalid polygon, so does the loader: the new shapes are checked (GEOS).
      const invalid = await client.query<{ n: string }>(
        `SELECT count(*) AS n FROM stage s
         WHERE NOT EXISTS (SELECT 1 FROM areas a WHERE a.dataset = $1 AND a.valid_to IS NULL AND a.actor = s.actor AND a.hash = s.hash)
           AND NOT ST_IsValid(ST_GeomFromGeoJSON(s.gj))`,
        [ds.id],
      )
      if (Number(invalid.rows[0].n) > 0) {
        await client.query('ROLLBACK')
        throw new Error(`${ds.id} ${snapshot.date}: ${invalid.rows[0].n} invalid polygons`)
      }
      await client.query(
        `UPDATE areas a SET valid_to = $2 WHERE a.dataset = $1 AND a.valid_to IS NULL
           AND NOT EXISTS (SELECT 1 FROM stage s WHERE s.actor = a.actor AND s.hash = a.hash)`,
        [ds.id, snapshot.date],
      )
      await client.query(
        `INSERT INTO areas (dataset, actor, side, status, valid_from, hash, geom, geog)
         SELECT $1, s.actor, c.side, 'controlled', $2, s.hash, g.geom, g.geom::geography
         FROM stage s JOIN actors c ON c.dataset = $1 AND c.id = s.actor
         CROSS JOIN LATERAL (SELECT ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(s.gj), 4326)) AS geom) g
         WHERE NOT EXISTS (SELECT 1 FROM areas a WHERE a.dataset = $1 AND a.valid_to IS NULL AND a.actor = s.actor AND a.hash = s.hash)`,
        [ds.id, snapshot.date],
      )
      await client.query('COMMIT')
      importMs += performance.now() - t
      days++
    }
    await client.query('ANALYZE')
    const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM areas WHERE dataset = $1', [ds.id])
    return { importMs, days, rows: Number(rows[0].n) }
  } finally {
    await client.end()
  }
}

const AT = `valid_from <= $AT AND (valid_to IS NULL OR valid_to > $AT)`
const at = (n: number, alias = '') => AT.replaceAll('valid_', `${alias}valid_`).replaceAll('$AT', `$${n}`)

const MAP_SQL = `
SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
  'type', 'Feature', 'id', id, 'geometry', ST_AsGeoJSON(geom)::json,
  'properties', json_build_object('actor', actor, 'side', side, 'status', status, 'valid_from', valid_from, 'valid_to', valid_to)) ORDER BY id), '[]'::json))::text AS body
FROM areas WHERE dataset = $1 AND ${at(2)}`

const POINT_SQL = `
SELECT actor, side, status, valid_from, valid_to FROM areas
WHERE dataset = $1 AND valid_from <= $4 AND ST_Covers(geom, ST_SetSRID(ST_MakePoint($2, $3), 4326))
ORDER BY valid_from DESC`

const DISTANCE_SQL = `
SELECT min(ST_Distance(a.geog, f.geog)) / 1000 AS km
FROM areas a JOIN features f ON f.dataset = $1 AND f.id = $3
WHERE a.dataset = $1 AND a.side = $2 AND ${at(4, 'a.')}`

const ROUTE_SQL = `
WITH l AS (SELECT geom, owner_side FROM features WHERE dataset = $1 AND id = $2),
u AS (SELECT coalesce(a.side, 'contested') AS side, ST_Union(a.geom) AS g FROM areas a, l
      WHERE a.dataset = $1 AND ${at(3, 'a.')} AND a.geom && l.geom GROUP BY 1)
SELECT u.side, ST_Length(ST_Intersection(l.geom, u.g)::geography) / 1000 AS km, ST_Length(l.geom::geography) / 1000 AS total, l.owner_side
FROM u, l`

const CHANGES_SQL = `
WITH s AS (SELECT side, ST_Union(geom) AS g FROM areas WHERE dataset = $1 AND status = 'controlled' AND ${at(2)} GROUP BY side),
e AS (SELECT side, ST_Union(geom) AS g FROM areas WHERE dataset = $1 AND status = 'controlled' AND ${at(3)} GROUP BY side)
SELECT coalesce(e.side, s.side) AS side,
  CASE WHEN e.g IS NULL THEN 0 WHEN s.g IS NULL THEN ST_Area(e.g::geography) ELSE ST_Area(ST_Difference(e.g, s.g)::geography) END / 1e6 AS gained,
  CASE WHEN s.g IS NULL THEN 0 WHEN e.g IS NULL THEN ST_Area(s.g::geography) ELSE ST_Area(ST_Difference(s.g, e.g)::geography) END / 1e6 AS lost
FROM e FULL JOIN s ON s.side = e.side`

type Q = Record<string, string>

async function serve() {
  if (app) await app.close()
  if (pool) await pool.end()
  pool = new pg.Pool({ connectionString: url, max: 10 })
  const p = pool
  app = Fastify({ logger: false })
  // Compressed as the client accepts, as tipg's predecessor timvt does (starlette-cramjam's
  // CompressionMiddleware with minimum_size=0 on every response): a thin layer a user would deploy.
  await app.register(compress)
  app.get('/health', async () => ({ ok: true }))
  app.get('/map', async (request, reply) => {
    const q = request.query as Q
    const { rows } = await p.query<{ body: string }>({ name: 'map', text: MAP_SQL, values: [q.dataset, q.at] })
    return reply.type('application/geo+json').send(rows[0].body)
  })
  app.get('/point', async (request) => {
    const q = request.query as Q
    const { rows } = await p.query<{ actor: string; side: string; status: string; valid_from: Date; valid_to: Date | null }>({
      name: 'point',
      text: POINT_SQL,
      values: [q.dataset, Number(q.lon), Number(q.lat), q.at],
    })
    const atMs = Date.parse(q.at)
    // Since when: walk back through the rows of the same actor covering the point while they touch.
    const holders = rows
      .filter((r) => r.valid_to === null || r.valid_to.getTime() > atMs)
      .map((h) => {
        let since = h.valid_from
        for (const r of rows) if (r.actor === h.actor && r.valid_to !== null && r.valid_to.getTime() === since.getTime()) since = r.valid_from
        return { actor: h.actor, side: h.side, status: h.status, since: since.toISOString(), until: h.valid_to?.toISOString() ?? null }
      })
    return { point: [Number(q.lon), Number(q.lat)], at: q.at, holder: holders[0] ?? null, holders }
  })
  app.get('/distance', async (request) => {
    const q = request.query as Q
    const { rows } = await p.query<{ km: number | null }>({ name: 'distance', text: DISTANCE_SQL, values: [q.dataset, q.side, q.feature, q.at] })
    return { distanceKm: rows[0]?.km ?? null }
  })
  app.get('/route', async (request) => {
    const q = request.query as Q
    const { rows } = await p.query<{ side: string; km: number; total: number; owner_side: string }>({
      name: 'route',
      text: ROUTE_SQL,
      values: [q.dataset, q.feature, q.at],
    })
    const kmBySide: Record<string, number> = {}
    for (const r of rows) if (r.km > 0) kmBySide[r.side] = r.km
    const owner = rows[0]?.owner_side
    // Severed: any stretch held by another side or contested (ground no area covers is not a cut).
    const severed = Object.entries(kmBySide).some(([side, km]) => side !== owner && km > 1e-6)
    return { lengthKm: rows[0]?.total ?? null, severed, kmBySide }
  })
  app.get('/changes', async (request) => {
    const q = request.query as Q
    const { rows } = await p.query<{ side: string; gained: number; lost: number }>({ name: 'changes', text: CHANGES_SQL, values: [q.dataset, q.start, q.end] })
    return { sides: rows.map((r) => ({ side: r.side, gainedKm2: r.gained, lostKm2: r.lost })) }
  })
  return listenOnFreePort(app)
}

async function close() {
  if (app) await app.close()
  if (pool) await pool.end()
  return {}
}

serveCommands({ setup, load, serve, stats: processStats, close })
