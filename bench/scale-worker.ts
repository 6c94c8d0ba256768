// One engine of the scale benchmark in a process of its own, driven by bench/scale.ts over IPC:
// it owns the database and the app, so its RSS is its own and the load generator (in the parent)
// does not share its event loop. Writes nothing to stdout: progress goes to stderr.
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { type Database, type Db, openDatabase } from '../src/db/database.js'
import { migrate } from '../src/db/migrate.js'
import { putActor } from '../src/modules/actors/actors.service.js'
import { ActorInputSchema } from '../src/modules/actors/actors.schemas.js'
import { putDataset } from '../src/modules/datasets/datasets.service.js'
import { DatasetInputSchema } from '../src/modules/datasets/datasets.schemas.js'
import { type ImportContext, importFeatures, importSnapshot } from '../src/modules/imports/imports.service.js'
import { FeaturesQuerySchema, SnapshotQuerySchema } from '../src/modules/imports/imports.schemas.js'
import { LruCache } from '../src/read/cache.js'
import { syntheticCity, syntheticHistory, syntheticRoad } from './history.js'
import { listenOnFreePort, serveCommands } from './common.js'

export type Engine = 'pglite' | 'postgres'

export interface HistorySetting {
  seed: number
  bands: number
  verticesPerSnapshot: number
}

export interface ImportReport {
  datasetId: string
  daysRequested: number
  days: number
  capped: boolean
  polygons: number
  verticesPerSnapshot: number
  changedPerDay: number
  importMs: number
  generateMs: number
  snapshotsPerS: number
  msPerSnapshot: { p50: number; max: number; firstP50: number; lastP50: number }
  rows: { controlAreas: number; controlAreasCurrent: number; geometries: number; imports: number }
  bytes: { total: number; afterDay0: number; perSnapshot: number; perAddedDay: number; naive: number; naivePerDay: number }
  rssAfter: number
}

export interface CeilingReport {
  ms: number
  rows: { imports: number; geometries: number; controlAreas: number }
}

const LIMITS = { maxFeatures: 20_000, maxVerticesPerImport: 5_000_000, maxVerticesPerFeature: 1_000_000 }

let engine: Engine
let database: Database
let db: Db
let pgUrl: string | undefined
let schema: string | undefined
let app: FastifyInstance | undefined
const primed = new Map<string, { type: string; encoding?: string; body: Buffer }>()

const log = (line: string) => process.stderr.write(`  [${engine}] ${line}\n`)

async function open(args: { engine: Engine; url?: string }) {
  engine = args.engine
  const t0 = performance.now()
  if (engine === 'postgres') {
    pgUrl = args.url
    schema = `bench_scale_${process.pid}_${Date.now().toString(36)}`
    database = await openDatabase({ databaseUrl: pgUrl, schema, poolSize: 10 })
  } else {
    database = await openDatabase({ dataDir: 'memory://' })
  }
  db = database.db
  await migrate(db)
  const openMs = performance.now() - t0
  const { rows } = await sql<{ version: string }>`SELECT version() AS version`.execute(db)
  return { openMs, version: rows[0].version.split(/ on | \(|,/)[0] }
}

async function relationBytes(): Promise<number> {
  const { rows } = await sql<{ bytes: number | string }>`
    SELECT pg_total_relation_size('control_areas') + pg_total_relation_size('geometries') AS bytes`.execute(db)
  return Number(rows[0].bytes)
}

async function countRows(datasetId: string) {
  const { rows } = await sql<{ areas: number; current: number; imports: number; geometries: number }>`
    SELECT (SELECT count(*) FROM control_areas WHERE dataset_id = ${datasetId}) AS areas,
           (SELECT count(*) FROM control_areas WHERE dataset_id = ${datasetId} AND superseded_at IS NULL) AS current,
           (SELECT count(*) FROM imports WHERE dataset_id = ${datasetId}) AS imports,
           (SELECT count(*) FROM geometries) AS geometries`.execute(db)
  return { areas: Number(rows[0].areas), current: Number(rows[0].current), imports: Number(rows[0].imports), geometries: Number(rows[0].geometries) }
}

function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return 0
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]
}

async function importHistory(args: { datasetId: string; setting: HistorySetting; days: number; capMs: number; start: string }): Promise<ImportReport> {
  const { datasetId, setting } = args
  const before = await countRows(datasetId)
  const bytesBefore = await relationBytes()
  await putDataset(db, datasetId, DatasetInputSchema.parse({ name: `Synthetic ${datasetId}`, licence: 'CC0' }))
  await putActor(db, datasetId, 'a', ActorInputSchema.parse({ name: 'Actor A', side: 'west' }))
  await putActor(db, datasetId, 'b', ActorInputSchema.parse({ name: 'Actor B', side: 'east' }))
  // the server's path: geometries already validated are found in the read model's cache (its default bounds)
  const ctx: ImportContext = { db, limits: LIMITS, writer: 'bench', cache: new LruCache(500, 256 * 1024 * 1024) }
  const history = syntheticHistory({ ...setting, days: args.days, start: args.start })
  const perSnapshot: number[] = []
  let importMs = 0
  let changed = 0
  let vertices = 0
  let bytesAfterDay0 = 0
  const t0 = performance.now()
  let tGen = performance.now()
  let generateMs = 0
  for (const day of history.days()) {
    generateMs += performance.now() - tGen
    const t = performance.now()
    await importSnapshot(ctx, datasetId, { json: day.map }, SnapshotQuerySchema.parse({ valid_from: day.date }))
    const ms = performance.now() - t
    importMs += ms
    perSnapshot.push(ms)
    if (day.day > 0) changed += day.changed
    vertices = day.vertices
    if (day.day === 0) bytesAfterDay0 = (await relationBytes()) - bytesBefore
    if ((day.day + 1) % 100 === 0) log(`${datasetId}: ${day.day + 1}/${args.days} snapshots, ${(importMs / perSnapshot.length).toFixed(0)} ms each`)
    tGen = performance.now()
    if (performance.now() - t0 > args.capMs) break
  }
  const days = perSnapshot.length
  const after = await countRows(datasetId)
  const total = (await relationBytes()) - bytesBefore
  // What a store copying every polygon every day would hold: each current row's payload (row plus
  // its geometry as stored, TOAST-compressed) once per day it holds within the imported span.
  const end = new Date(Date.parse(`${args.start}T00:00:00Z`) + days * 86_400_000)
  const { rows } = await sql<{ naive: number | string }>`
    SELECT coalesce(sum(ceil(extract(epoch FROM (coalesce(a.valid_to, ${end}::timestamptz) - a.valid_from)) / 86400)
                        * (pg_column_size(a) + pg_column_size(g.geometry))), 0) AS naive
    FROM control_areas a JOIN geometries g ON g.hash = a.geometry_hash
    WHERE a.dataset_id = ${datasetId} AND a.superseded_at IS NULL`.execute(db)
  const naive = Number(rows[0].naive)
  const tenth = Math.max(1, Math.floor(days / 10))
  return {
    datasetId,
    daysRequested: args.days,
    days,
    capped: days < args.days,
    polygons: history.polygons,
    verticesPerSnapshot: vertices,
    changedPerDay: days > 1 ? changed / (days - 1) : 0,
    importMs,
    generateMs,
    snapshotsPerS: days / (importMs / 1000),
    msPerSnapshot: {
      p50: quantile(perSnapshot, 0.5),
      max: Math.max(...perSnapshot),
      // day 0 writes every polygon: the first tenth starts at day 1
      firstP50: quantile(perSnapshot.slice(1, 1 + tenth), 0.5),
      lastP50: quantile(perSnapshot.slice(-tenth), 0.5),
    },
    rows: {
      controlAreas: after.areas - before.areas,
      controlAreasCurrent: after.current - before.current,
      geometries: after.geometries - before.geometries,
      imports: after.imports - before.imports,
    },
    bytes: {
      total,
      afterDay0: bytesAfterDay0,
      perSnapshot: total / days,
      perAddedDay: days > 1 ? (total - bytesAfterDay0) / (days - 1) : 0,
      naive,
      naivePerDay: naive / days,
    },
    rssAfter: process.memoryUsage().rss,
  }
}

/**
 * The ceiling of an import: the very rows it wrote (imports, geometries, control areas), read back
 * and serialised beforehand, inserted in batches in one transaction into an empty schema migrated
 * the same way (same indexes, constraints and foreign keys).
 */
async function ceiling(args: { datasetId: string }): Promise<CeilingReport> {
  const imports = (await db.selectFrom('imports').selectAll().where('dataset_id', '=', args.datasetId).orderBy('id').execute()).map((row) => ({
    ...row,
    options: JSON.stringify(row.options),
    counts: JSON.stringify(row.counts),
    notes: JSON.stringify(row.notes),
  }))
  const geometries = (
    await db
      .selectFrom('geometries')
      .selectAll()
      .where('hash', 'in', (eb) => eb.selectFrom('control_areas').select('geometry_hash').where('dataset_id', '=', args.datasetId))
      .execute()
  ).map((row) => ({ ...row, geometry: JSON.stringify(row.geometry) }))
  const areas = (await db.selectFrom('control_areas').selectAll().where('dataset_id', '=', args.datasetId).orderBy('id').execute()).map(
    ({ id: _id, valid: _valid, ...row }) => ({ ...row, properties: JSON.stringify(row.properties), sources: JSON.stringify(row.sources) }),
  )
  const dataset = await db.selectFrom('datasets').selectAll().where('id', '=', args.datasetId).executeTakeFirstOrThrow()
  const actors = await db.selectFrom('actors').selectAll().where('dataset_id', '=', args.datasetId).execute()

  const ceilingSchema = `bench_ceiling_${process.pid}`
  let target: Db
  let closeTarget: () => Promise<void>
  if (engine === 'postgres') {
    const second = await openDatabase({ databaseUrl: pgUrl, schema: ceilingSchema, poolSize: 2 })
    target = second.db
    closeTarget = async () => {
      await sql.raw(`DROP SCHEMA "${ceilingSchema}" CASCADE`).execute(second.db)
      await second.close()
    }
  } else {
    // PGlite is one session: a second schema first on the search path, reset afterwards.
    await sql.raw(`CREATE SCHEMA "${ceilingSchema}"`).execute(db)
    await sql.raw(`SET search_path TO "${ceilingSchema}"`).execute(db)
    target = db
    closeTarget = async () => {
      await sql.raw('RESET search_path').execute(db)
      await sql.raw(`DROP SCHEMA "${ceilingSchema}" CASCADE`).execute(db)
    }
  }
  try {
    await migrate(target)
    await target
      .insertInto('datasets')
      .values({ ...dataset, properties: JSON.stringify(dataset.properties) })
      .execute()
    await target
      .insertInto('actors')
      .values(actors.map((actor) => ({ ...actor, aliases: JSON.stringify(actor.aliases) })))
      .execute()
    const t0 = performance.now()
    await target.transaction().execute(async (tx) => {
      for (let i = 0; i < imports.length; i += 1000)
        await tx
          .insertInto('imports')
          .values(imports.slice(i, i + 1000))
          .execute()
      // The importer's batches: at most 1000 rows or ~200k vertices per statement.
      let batch: typeof geometries = []
      let weight = 0
      for (const row of geometries) {
        if (batch.length > 0 && (batch.length >= 1000 || weight + row.vertex_count > 200_000)) {
          await tx.insertInto('geometries').values(batch).execute()
          batch = []
          weight = 0
        }
        batch.push(row)
        weight += row.vertex_count
      }
      if (batch.length > 0) await tx.insertInto('geometries').values(batch).execute()
      for (let i = 0; i < areas.length; i += 1000)
        await tx
          .insertInto('control_areas')
          .values(areas.slice(i, i + 1000))
          .execute()
    })
    return { ms: performance.now() - t0, rows: { imports: imports.length, geometries: geometries.length, controlAreas: areas.length } }
  } finally {
    await closeTarget()
  }
}

async function features(args: { datasetId: string }) {
  const body = {
    type: 'FeatureCollection',
    features: [
      { type: 'Feature', id: 'city', geometry: syntheticCity([39.0, 32.47]), properties: { kind: 'city', name: 'Synthetic city' } },
      { type: 'Feature', id: 'highway', geometry: syntheticRoad(), properties: { kind: 'highway', name: 'Synthetic highway', owner_side: 'east' } },
    ],
  }
  const result = await importFeatures({ db, limits: LIMITS, writer: 'bench' }, args.datasetId, { json: body }, FeaturesQuerySchema.parse({}))
  return result.import.counts
}

async function serve() {
  app = await buildApp({ config: loadConfig({ API_TOKENS: 'x', LOG_LEVEL: 'silent' }), database, logger: false })
  // The ceiling: bytes identical to a real answer, with its content type, through the same
  // plugins (compression, error handler), but no database round trip and no work.
  app.get('/bench/ceiling/:name', async (request, reply) => {
    const answer = primed.get((request.params as { name: string }).name)
    if (!answer) return reply.status(404).send({ error: 'not primed' })
    // Already compressed bytes carry their Content-Encoding: @fastify/compress leaves them alone.
    if (answer.encoding) reply.header('Content-Encoding', answer.encoding).header('Vary', 'Accept-Encoding')
    return reply.type(answer.type).send(answer.body)
  })
  return listenOnFreePort(app)
}

/** Answers `url` once through the app and keeps the bytes (as sent, compressed or not) for the ceiling route. */
async function prime(args: { name: string; url: string; headers?: Record<string, string> }) {
  const res = await app!.inject({ url: args.url, headers: args.headers })
  if (res.statusCode !== 200) throw new Error(`${args.url}: ${res.statusCode} ${res.body.slice(0, 300)}`)
  const encoding = res.headers['content-encoding'] as string | undefined
  primed.set(args.name, { type: String(res.headers['content-type']), encoding, body: res.rawPayload })
  return { bytes: res.rawPayload.length, encoding: encoding ?? 'identity' }
}

function stats() {
  const memory = process.memoryUsage()
  const cache = app?.readModel.report()
  return {
    rss: memory.rss,
    heapUsed: memory.heapUsed,
    cacheSize: cache?.entries ?? 0,
    cacheBytes: cache?.bytes ?? null,
    hits: cache?.hits ?? 0,
    misses: cache?.misses ?? 0,
  }
}

async function close() {
  if (app) await app.close()
  if (engine === 'postgres' && schema) await sql.raw(`DROP SCHEMA "${schema}" CASCADE`).execute(db)
  await database.close()
  return {}
}

// Killed by the parent (an engine failed or the run was interrupted): leave no schema behind.
process.on('SIGTERM', () => {
  const drop = engine === 'postgres' && schema && db ? sql.raw(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).execute(db) : Promise.resolve()
  drop.catch(() => undefined).finally(() => process.exit(1))
})

serveCommands({ open, importHistory, ceiling, features, serve, prime, stats, close })
