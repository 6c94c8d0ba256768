// The in-memory database the development aids (bench/postgis-profile.ts, bench/cold-probe.ts) work
// on: one history of bench/postgis-data.ts, its dataset, actors and reference features written,
// its snapshots imported when asked (so that the import itself can be profiled).
import { type Database, openDatabase } from '../src/db/database.js'
import { migrate } from '../src/db/migrate.js'
import { putActor } from '../src/modules/actors/actors.service.js'
import { ActorInputSchema } from '../src/modules/actors/actors.schemas.js'
import { putDataset } from '../src/modules/datasets/datasets.service.js'
import { DatasetInputSchema } from '../src/modules/datasets/datasets.schemas.js'
import { type ImportContext, importFeatures, importSnapshot } from '../src/modules/imports/imports.service.js'
import { FeaturesQuerySchema, SnapshotQuerySchema } from '../src/modules/imports/imports.schemas.js'
import { LruCache } from '../src/read/cache.js'
import { type BenchDataset, referenceFeatures } from './postgis-data.js'

const LIMITS = { maxFeatures: 20_000, maxVerticesPerImport: 5_000_000, maxVerticesPerFeature: 1_000_000 }

export async function prepareHistory(ds: BenchDataset): Promise<{ database: Database; importSnapshots: () => Promise<void> }> {
  const database = await openDatabase({ dataDir: 'memory://' })
  const db = database.db
  await migrate(db)
  await putDataset(db, ds.id, DatasetInputSchema.parse({ name: ds.title, licence: 'CC0' }))
  for (const actor of ds.actors) await putActor(db, ds.id, actor.id, ActorInputSchema.parse({ name: actor.id, side: actor.side }))
  await importFeatures({ db, limits: LIMITS, writer: 'bench' }, ds.id, { json: referenceFeatures() }, FeaturesQuerySchema.parse({}))
  const ctx: ImportContext = { db, limits: LIMITS, writer: 'bench', cache: new LruCache(500, 256 * 1024 * 1024) }
  const snapshots = [...ds.snapshots()]
  const importSnapshots = async () => {
    for (const s of snapshots) await importSnapshot(ctx, ds.id, { json: s.map }, SnapshotQuerySchema.parse({ valid_from: s.date }))
  }
  return { database, importSnapshots }
}
