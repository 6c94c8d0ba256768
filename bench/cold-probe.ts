// The first requests of a started app, path by path, with and without the warm-up that listenWarm
// runs (src/warm.ts): two fresh apps in turn over one in-memory database holding a history of
// bench/postgis-data.ts, each request timed through app.inject. A development aid.
// Run: npx tsx bench/cold-probe.ts [union|bands]   (NO_EXERCISE=1: without the questions a server asks itself)
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { exerciseAnswers } from '../src/warm.js'
import { prepareHistory } from './profile-history.js'
import { DATASETS, noon } from './postgis-data.js'

const ds = DATASETS.find((d) => d.id === (process.argv[2] ?? 'union'))!
const { database, importSnapshots } = await prepareHistory(ds)
await importSnapshots()
const last = ds.days - 1
const d = `dataset=${ds.id}`
for (let round = 0; round < 2; round++) {
  const app = await buildApp({ config: loadConfig({ API_TOKENS: 'x', LOG_LEVEL: 'silent' }), database, logger: false })
  await app.work.warm()
  await app.readModel.warm()
  if (!process.env.NO_EXERCISE) {
    const t = performance.now()
    await exerciseAnswers(app)
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
