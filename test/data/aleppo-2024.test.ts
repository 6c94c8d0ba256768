import t from 'tap'
import { loadBundle, DEFAULT_DATASET_DIR } from '../../src/modules/imports/imports.bundle.js'
import { buildTestApp, openTestDatabase } from '../helpers.js'

// The bundled dataset must tell the reported story of 26 November – 1 December 2024 from data,
// through the same API a client uses. Ranges follow the reporting ("about 10 km", "within about 1 km").
t.test('data/aleppo-2024', async (t) => {
  const database = await openTestDatabase(t)
  const limits = { maxFeatures: 20_000, maxVerticesPerImport: 5_000_000, maxVerticesPerFeature: 1_000_000 }
  const report = await loadBundle({ db: database.db, limits }, DEFAULT_DATASET_DIR)
  const app = await buildTestApp(t, {}, database)
  const json = async (url: string) => {
    const res = await app.inject({ url })
    t.equal(res.statusCode, 200, `${url}: ${res.body.slice(0, 300)}`)
    return res.json()
  }
  const q = 'dataset=aleppo-2024'

  t.test('loads once: a second load writes nothing', async (t) => {
    t.ok(report.imports.length >= 7, 'features and six snapshots')
    const again = await loadBundle({ db: database.db, limits }, DEFAULT_DATASET_DIR)
    t.ok(again.imports.every((entry) => entry.replayed))
  })

  t.test('has the stable ids clients rely on', async (t) => {
    for (const actor of ['hts', 'sna', 'saa', 'ru', 'sdf']) t.equal((await app.inject({ url: `/v1/datasets/aleppo-2024/actors/${actor}` })).statusCode, 200, actor)
    t.match(await json('/v1/datasets/aleppo-2024/actors/hts'), { side: 'opposition' })
    t.match(await json('/v1/datasets/aleppo-2024/actors/sna'), { side: 'opposition' })
    t.match(await json('/v1/datasets/aleppo-2024/actors/saa'), { side: 'government' })
    t.match(await json('/v1/datasets/aleppo-2024/actors/ru'), { side: 'government' })
    t.match(await json('/v1/datasets/aleppo-2024/actors/sdf'), { side: 'sdf' })
    for (const id of ['aleppo', 'aleppo-outskirts', 'm5', 'm4', 'base-46', 'saraqib']) t.equal((await app.inject({ url: `/v1/features/${id}?${q}` })).statusCode, 200, id)
    t.match(await json(`/v1/features/m5?${q}`), { geometry: { type: 'LineString' }, properties: { ownerSide: 'government' } })
    t.match(await json(`/v1/features/aleppo-outskirts?${q}`), { geometry: { type: 'Polygon' } })
    const timeline = await json(`/v1/datasets/aleppo-2024/timeline`)
    t.equal(timeline.first, '2024-11-26T00:00:00.000Z')
  })

  t.test('26 November: before the offensive', async (t) => {
    const m5 = await json(`/v1/analysis/route?${q}&feature=m5&at=2024-11-26`)
    t.equal(m5.severed, false, 'the M5 is open for the government')
    t.match((await json(`/v1/features/base-46/control?${q}&at=2024-11-26`)).holder, { side: 'government' })
    const distance = await json(`/v1/analysis/distance?${q}&from=side:opposition&to=feature:aleppo-outskirts&at=2024-11-26`)
    t.ok(distance.distanceKm >= 10 && distance.distanceKm <= 12, `front to outskirts ${distance.distanceKm} km`)
  })

  t.test('28 November: base taken, M5 cut, about 1 km from the outskirts', async (t) => {
    const m5 = await json(`/v1/analysis/route?${q}&feature=m5&at=2024-11-28`)
    t.equal(m5.severed, true, 'the M5 is severed')
    const saraqib = (await json(`/v1/features/saraqib?${q}`)).geometry.coordinates
    const aleppo = (await json(`/v1/features/aleppo?${q}`)).geometry.coordinates
    const cutStretches = m5.segments.filter((s: any) => s.side !== 'government' && s.side !== null)
    t.ok(cutStretches.length > 0)
    const between = cutStretches.filter((s: any) => s.geometry.coordinates.every(([, lat]: number[]) => lat > saraqib[1] && lat < aleppo[1]))
    t.ok(between.length > 0, `a cut lies between Saraqib (lat ${saraqib[1]}) and Aleppo (lat ${aleppo[1]})`)
    t.match((await json(`/v1/features/saraqib/control?${q}&at=2024-11-28`)).holder, { side: 'government' }, 'Saraqib itself falls on the 29th')
    t.match((await json(`/v1/features/base-46/control?${q}&at=2024-11-28`)).holder, { side: 'opposition' })
    const distance = await json(`/v1/analysis/distance?${q}&from=side:opposition&to=feature:aleppo-outskirts&at=2024-11-28`)
    t.ok(distance.distanceKm <= 1.2, `front to outskirts ${distance.distanceKm} km`)
    const series = await json(`/v1/analysis/distance?${q}&from=side:opposition&to=feature:aleppo-outskirts&start=2024-11-26&end=2024-11-28&step=P1D`)
    t.ok(series.summary.advanceKm >= 8 && series.summary.advanceKm <= 12, `advanced ${series.summary.advanceKm} km`)
    const changes = await json(`/v1/analysis/changes?${q}&start=2024-11-26&end=2024-11-28`)
    const changed = changes.featuresChanged.filter((f: any) => f.from?.side === 'government' && f.to?.side === 'opposition')
    t.ok(changed.some((f: any) => f.id === 'base-46'), 'the base changed hands')
    t.ok(changed.filter((f: any) => f.kind === 'village' || f.kind === 'town').length >= 3, `villages: ${changed.map((f: any) => f.id)}`)
    const opposition = changes.sides.find((s: any) => s.side === 'opposition')
    t.ok(opposition.gainedKm2 > 50, `opposition gained ${opposition.gainedKm2} km²`)
    const front = await json(`/v1/analysis/fronts?${q}&at=2024-11-28&sides=opposition,government`)
    t.ok(front.features[0].properties.lengthKm > 50)
  })

  t.test('30 November and 1 December: Aleppo held by the opposition', async (t) => {
    for (const day of ['2024-11-30', '2024-12-01']) {
      t.match((await json(`/v1/features/aleppo/control?${q}&at=${day}`)).holder, { side: 'opposition' }, day)
    }
    t.match((await json(`/v1/features/aleppo/control?${q}&at=2024-11-28`)).holder, { side: 'government' })
  })
})
