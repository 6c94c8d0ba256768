// The first requests of a started app, path by path, with and without the warm-up that listenWarm
// runs (src/warm.ts): two fresh apps in turn over one in-memory database holding a history of
// bench/postgis-data.ts, each request timed through app.inject. A development aid.
// Run: npx tsx bench/cold-probe.ts [union|bands]   (NO_EXERCISE=1: without the questions a server asks itself)
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { openDatabase } from '../src/db/database.js'
import { migrate } from '../src/db/migrate.js'
import { putActor } from '../src/modules/actors/actors.service.js'
import { ActorInputSchema } from '../src/modules/actors/actors.schemas.js'
import { putDataset } from '../src/modules/datasets/datasets.service.js'
import { DatasetInputSchema } from '../src/modules/datasets/datasets.schemas.js'
import { type ImportContext, importFeatures, importSnapshot } from '../src/modules/imports/imports.service.js'
import { FeaturesQuerySchema, SnapshotQuerySchema } from '../src/modules/imports/imports.schemas.js'
import { LruCache } from '../src/read/cache.js'
import { exerciseAnswers } from '../src/warm.js'
import { DATASETS, noon, referenceFeatures } from './postgis-data.js'
const LIMITS = { maxFeatures: 20_000, maxVerticesPerImport: 5_000_000, maxVerticesPerFeature: 1_000_000 }
const ds = DATASETS.find((d) => d.id === (process.argv[2] ?? 'union'))!
const database = await openDatabase({ dataDir: 'memory://' })
const db = database.db
await migrate(db)
await putDataset(db, ds.id, DatasetInputSchema.parse({ name: ds.title, licence: 'CC0' }))
for (const actor of ds.actors) await putActor(db, ds.id, actor.id, ActorInputSchema.parse({ name: actor.id, side: actor.side }))
await importFeatures({ db, limits: LIMITS, writer: 'bench' }, ds.id, { json: referenceFeatures() }, FeaturesQuerySchema.parse({}))
const ctx: ImportContext = { db, limits: LIMITS, writer: 'bench', cache: new LruCache(500, 256 * 1024 * 1024) }
for (const s of ds.snapshots()) await importSnapshot(ctx, ds.id, { json: s.map }, SnapshotQuerySchema.parse({ valid_from: s.date }))
const last = ds.days - 1
const d = `dataset=${ds.id}`
for (let round = 0; round < 2; round++) {
  const app = await buildApp({ config: loadConfig({ API_TOKENS: 'x', LOG_LEVEL: 'silent' }), database, logger: false })
  await app.work.warm()
  await app.readModel.warm()
  if (!process.env.NO_EXERCISE) {
    const t = performance.now()
    await exerciseAnswers(app, app.config.ANALYSIS_WORKERS)
    console.log('exercise', (performance.now() - t).toFixed(0), 'ms')
  }
  const time = async (label: string, url: string) => {
    const t = performance.now()
    const res = await app.inject({ url })
    console.log(label, res.statusCode, (performance.now() - t).toFixed(2), 'ms')
  }
  await time('map', `/v1/control?${d}&at=${noon(last)}`)
  await time('point', `/v1/control/point?${d}&lon=36&lat=32.5&at=${noon(last)}`)
  await time('point again elsewhere', `/v1/control/point?${d}&lon=36.1&lat=32.6&at=${noon(last)}`)
  await time('distance', `/v1/analysis/distance?${d}&from=side:${ds.distance.side}&to=feature:${ds.distance.feature}&at=${noon(last)}`)
  await time('distance other day', `/v1/analysis/distance?${d}&from=side:${ds.distance.side}&to=feature:${ds.distance.feature}&at=${noon(last - 1)}`)
  await time('route', `/v1/analysis/route?${d}&feature=highway&at=${noon(last)}`)
  await time('route other day', `/v1/analysis/route?${d}&feature=highway&at=${noon(last - 1)}`)
  await time('changes', `/v1/analysis/changes?${d}&start=${noon(last - 7)}&end=${noon(last)}`)
  await time('changes other days', `/v1/analysis/changes?${d}&start=${noon(last - 8)}&end=${noon(last - 1)}`)
  await app.close()
  console.log('---')
}
await database.close()
