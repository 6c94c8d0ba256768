// Frontline on one engine (PGlite or PostgreSQL) in a process of its own, driven by bench/postgis.ts
// over IPC: it imports the histories of bench/postgis-data.ts through the service functions and
// serves the v1 API. `restart` builds a fresh app over the same database (empty caches): the
// "first request after start" figures. Writes nothing to stdout.
import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { listenWarm } from '../src/server.js'
import { type Database, openDatabase } from '../src/db/database.js'
import { migrate } from '../src/db/migrate.js'
import { putActor } from '../src/modules/actors/actors.service.js'
import { ActorInputSchema } from '../src/modules/actors/actors.schemas.js'
import { putDataset } from '../src/modules/datasets/datasets.service.js'
import { DatasetInputSchema } from '../src/modules/datasets/datasets.schemas.js'
import { type ImportContext, importFeatures, importSnapshot } from '../src/modules/imports/imports.service.js'
import { FeaturesQuerySchema, SnapshotQuerySchema } from '../src/modules/imports/imports.schemas.js'
import { LruCache } from '../src/read/cache.js'
import { DATASETS, referenceFeatures } from './postgis-data.js'
import { processStats, serveCommands } from './common.js'

const LIMITS = { maxFeatures: 20_000, maxVerticesPerImport: 5_000_000, maxVerticesPerFeature: 1_000_000 }

let database: Database
let schema: string | undefined
let app: FastifyInstance | undefined

async function open(args: { engine: 'pglite' | 'postgres'; url?: string }) {
  const t0 = performance.now()
  if (args.engine === 'postgres') {
    schema = `bench_postgis_${process.pid}_${Date.now().toString(36)}`
    database = await openDatabase({ databaseUrl: args.url, schema, poolSize: 10 })
  } else {
    database = await openDatabase({ dataDir: 'memory://' })
  }
  await migrate(database.db)
  const { rows } = await sql<{ version: string }>`SELECT version() AS version`.execute(database.db)
  return { openMs: performance.now() - t0, version: rows[0].version.split(/ on | \(|,/)[0] }
}

/** Imports a dataset's daily snapshots one by one (the carry-on importer); the time is the imports' alone. */
async function load(args: { datasetId: string }) {
  const ds = DATASETS.find((d) => d.id === args.datasetId)!
  const db = database.db
  await putDataset(db, ds.id, DatasetInputSchema.parse({ name: ds.title, licence: 'CC0' }))
  for (const actor of ds.actors) await putActor(db, ds.id, actor.id, ActorInputSchema.parse({ name: actor.id, side: actor.side }))
  await importFeatures({ db, limits: LIMITS, writer: 'bench' }, ds.id, { json: referenceFeatures() }, FeaturesQuerySchema.parse({}))
  const ctx: ImportContext = { db, limits: LIMITS, writer: 'bench', cache: new LruCache(500, 256 * 1024 * 1024) }
  let importMs = 0
  let days = 0
  for (const snapshot of ds.snapshots()) {
    const t = performance.now()
    await importSnapshot(ctx, ds.id, { json: snapshot.map }, SnapshotQuerySchema.parse({ valid_from: snapshot.date }))
    importMs += performance.now() - t
    days++
  }
  // Knowledge time: closing a row supersedes it and writes its closed copy; the rows in force are those not superseded.
  const { rows } = await sql<{ n: number | string; all: number | string }>`
    SELECT count(*) FILTER (WHERE superseded_at IS NULL) AS n, count(*) AS all FROM control_areas WHERE dataset_id = ${ds.id}`.execute(db)
  return { importMs, days, rows: Number(rows[0].n), written: Number(rows[0].all) }
}

async function serve() {
  if (app) await app.close()
  app = await buildApp({ config: loadConfig({ API_TOKENS: 'x', LOG_LEVEL: 'silent' }), database, logger: false })
  // As the service starts (src/server.ts): listening once its threads are up.
  await listenWarm(app, { port: 0, host: '127.0.0.1' })
  return { port: (app.server.address() as AddressInfo).port }
}

async function close() {
  if (app) await app.close()
  if (schema) await sql.raw(`DROP SCHEMA "${schema}" CASCADE`).execute(database.db)
  await database.close()
  return {}
}

process.on('SIGTERM', () => {
  const drop = schema && database ? sql.raw(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).execute(database.db) : Promise.resolve()
  drop.catch(() => undefined).finally(() => process.exit(1))
})

serveCommands({ open, load, serve, stats: processStats, close })
