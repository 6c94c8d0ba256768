import t from 'tap'
import { AUTH, area, band, buildTestApp, collection, importSnapshot, seed } from '../helpers.js'

// By construction, at the equator: hts (opposition) west of lon 1 on the 26th and west of lon 1.5
// from the 28th; saa (government) holds the rest of [0, 2] × [0, 1].
const R = 6371.0088
const rad = (deg: number) => (deg * Math.PI) / 180
/** Great-circle distance, written here independently of the engine. */
function haversine([lon1, lat1]: number[], [lon2, lat2]: number[]): number {
  const h = Math.sin(rad(lat2 - lat1) / 2) ** 2 + Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(rad(lon2 - lon1) / 2) ** 2
  return 2 * R * Math.asin(Math.sqrt(h))
}
/** Area of a lon/lat rectangle on the sphere: R² · Δλ · (sin φ2 − sin φ1). */
const rectangleKm2 = (dLon: number, lat1: number, lat2: number) => R * R * rad(dLon) * (Math.sin(rad(lat2)) - Math.sin(rad(lat1)))
const close = (actual: number, expected: number, tolerance = 0.005) => Math.abs(actual - expected) <= Math.abs(expected) * tolerance + 1e-9

const day26 = collection([area(band(0, 1), { actor: 'hts' }), area(band(1, 2), { actor: 'saa' })])
const day28 = collection([area(band(0, 1.5), { actor: 'hts' }), area(band(1.5, 2), { actor: 'saa' })])
const reference = collection([
  {
    type: 'Feature',
    id: 'city',
    geometry: {
      type: 'Polygon',
      coordinates: [
        [
          [1.8, 0.4],
          [1.9, 0.4],
          [1.9, 0.6],
          [1.8, 0.6],
          [1.8, 0.4],
        ],
      ],
    },
    properties: { kind: 'outskirts', name: 'City outskirts' },
  },
  {
    type: 'Feature',
    id: 'road',
    geometry: {
      type: 'LineString',
      coordinates: [
        [1.1, 0.5],
        [1.95, 0.5],
      ],
    },
    properties: { kind: 'highway', name: 'Road', owner_side: 'government' },
  },
  { type: 'Feature', id: 'town-b', geometry: { type: 'Point', coordinates: [1.25, 0.5] }, properties: { kind: 'town', name: 'Town B' } },
  { type: 'Feature', id: 'far-town', geometry: { type: 'Point', coordinates: [0.5, 0.5] }, properties: { kind: 'town', name: 'Far town' } },
])

async function setup(t: Parameters<typeof buildTestApp>[0], overrides: Record<string, string> = {}) {
  const app = await buildTestApp(t, overrides)
  await seed(app, 'test')
  await app.inject({ method: 'POST', url: '/v1/datasets/test/features', headers: AUTH, payload: reference })
  await importSnapshot(app, 'test', '2024-11-26', day26)
  await importSnapshot(app, 'test', '2024-11-28', day28)
  return app
}

t.test('GET /v1/analysis/*', async (t) => {
  const app = await setup(t)
  const get = (url: string, headers = {}) => app.inject({ url: `/v1/analysis/${url}`, headers })

  t.test('fronts: the shared meridian, its length a degree of latitude', async (t) => {
    const res = await get('fronts?dataset=test&at=2024-11-26&sides=opposition,government')
    t.equal(res.statusCode, 200)
    t.match(res.headers['content-type'], /geo\+json/)
    const [front] = res.json().features
    t.ok(close(front.properties.lengthKm, haversine([1, 0], [1, 1])), `${front.properties.lengthKm}`)
    for (const line of front.geometry.coordinates) for (const [lon] of line) t.ok(Math.abs(lon - 1) < 1e-9)
    const later = (await get('fronts?dataset=test&at=2024-11-28&sides=opposition,government')).json().features[0]
    for (const line of later.geometry.coordinates) for (const [lon] of line) t.ok(Math.abs(lon - 1.5) < 1e-9)
    const all = (await get('fronts?dataset=test&at=2024-11-28')).json()
    t.same(
      all.features.map((f: any) => f.properties.sides),
      [['government', 'opposition']],
    )
  })

  t.test('distance: side to a feature polygon, with the nearest points', async (t) => {
    const res = await get('distance?dataset=test&from=side:opposition&to=feature:city&at=2024-11-26')
    t.equal(res.statusCode, 200)
    const body = res.json()
    t.ok(close(body.distanceKm, haversine([1, 0.4], [1.8, 0.4])), `${body.distanceKm} vs ${haversine([1, 0.4], [1.8, 0.4])}`)
    t.equal(body.overlaps, false)
    t.ok(Math.abs(body.nearest.from[0] - 1) < 1e-6 && Math.abs(body.nearest.to[0] - 1.8) < 1e-6)
    t.same(body.line.coordinates, [body.nearest.from, body.nearest.to])
    const inside = (await get('distance?dataset=test&from=side:government&to=feature:city&at=2024-11-26')).json()
    t.match(inside, { distanceKm: 0, overlaps: true })
    const byActor = (await get('distance?dataset=test&from=actor:hts&to=feature:town-b&at=2024-11-26')).json()
    t.ok(close(byActor.distanceKm, haversine([1, 0.5], [1.25, 0.5])))
  })

  t.test('distance series: how far the front advanced', async (t) => {
    const res = await get('distance?dataset=test&from=side:opposition&to=feature:city&start=2024-11-26&end=2024-11-28&step=P1D')
    t.equal(res.statusCode, 200)
    const { series, summary } = res.json()
    t.equal(series.length, 3)
    const first = haversine([1, 0.4], [1.8, 0.4])
    const last = haversine([1.5, 0.4], [1.8, 0.4])
    t.ok(close(series[0].distanceKm, first) && close(series[1].distanceKm, first) && close(series[2].distanceKm, last))
    t.equal(series[1].advanceKm, 0)
    t.ok(close(summary.advanceKm, first - last), `${summary.advanceKm} vs ${first - last}`)
    const csv = await get('distance?dataset=test&from=side:opposition&to=feature:city&start=2024-11-26&end=2024-11-28', { accept: 'text/csv' })
    t.match(csv.headers['content-type'], /text\/csv/)
    const lines = csv.body.trim().split('\n')
    t.equal(lines[0], 'at,distance_km,overlaps,advance_km,from_lon,from_lat,to_lon,to_lat')
    t.equal(lines.length, 4)
  })

  t.test('route: segments by holder, and severance for the owner side', async (t) => {
    const before = (await get('route?dataset=test&feature=road&at=2024-11-26')).json()
    t.match(before, { owner: 'government', severed: false, cutPoints: [] })
    t.equal(before.segments.length, 1)
    t.ok(close(before.lengthKm, haversine([1.1, 0.5], [1.95, 0.5])))
    const after = (await get('route?dataset=test&feature=road&at=2024-11-28')).json()
    t.equal(after.severed, true)
    t.same(after.cutPoints, [[1.1, 0.5]])
    t.same(
      after.segments.map((s: any) => s.side),
      ['opposition', 'government'],
    )
    t.ok(close(after.segments[0].toKm, haversine([1.1, 0.5], [1.5, 0.5])))
    t.ok(close(after.kmBySide.opposition, haversine([1.1, 0.5], [1.5, 0.5])))
    t.ok(close(after.kmBySide.government, haversine([1.5, 0.5], [1.95, 0.5])))
    const asOpposition = (await get('route?dataset=test&feature=road&at=2024-11-28&owner=opposition')).json()
    t.equal(asOpposition.severed, true)
  })

  t.test('route over a range: when it was first severed', async (t) => {
    const res = await get('route?dataset=test&feature=road&start=2024-11-25&end=2024-11-30')
    t.equal(res.statusCode, 200)
    t.match(res.json(), { firstSevered: '2024-11-28T00:00:00.000Z', severedIntervals: [{ from: '2024-11-28T00:00:00.000Z', to: null }] })
  })

  t.test('changes: km² gained and lost, polygons, and features that changed hands', async (t) => {
    const res = await get('changes?dataset=test&start=2024-11-26&end=2024-11-28')
    t.equal(res.statusCode, 200)
    const body = res.json()
    const strip = rectangleKm2(0.5, 0, 1)
    const hts = body.actors.find((a: any) => a.actor === 'hts')
    t.ok(close(hts.gainedKm2, strip), `${hts.gainedKm2} vs ${strip}`)
    t.equal(hts.lostKm2, 0)
    t.ok(close(hts.startKm2, rectangleKm2(1, 0, 1)) && close(hts.endKm2, rectangleKm2(1.5, 0, 1)))
    const government = body.sides.find((s: any) => s.side === 'government')
    t.ok(close(government.lostKm2, strip))
    t.ok(close(government.netKm2, -strip))
    const gained = body.polygons.features.find(
      (f: any) => f.properties.level === 'side' && f.properties.id === 'opposition' && f.properties.change === 'gained',
    )
    t.ok(gained && close(gained.properties.areaKm2, strip))
    t.same(
      body.featuresChanged.map((f: any) => [f.id, f.from?.actor, f.to?.actor]),
      [['town-b', 'saa', 'hts']],
    )
  })

  t.test('answers repeated questions from the cache until an import changes the revision', async (t) => {
    const url = 'distance?dataset=test&from=side:opposition&to=feature:city&at=2024-11-27'
    t.equal((await get(url)).headers['x-cache'], 'miss')
    t.equal((await get(url)).headers['x-cache'], 'hit')
    await importSnapshot(app, 'test', '2024-12-10', day28, '&actor=saa')
    t.equal((await get(url)).headers['x-cache'], 'miss')
  })

  t.test('refuses bad references and ranges with problem+json', async (t) => {
    const cases: [string, number, string][] = [
      ['distance?dataset=test&from=side:nobody&to=feature:city', 404, 'SIDE_NOT_FOUND'],
      ['distance?dataset=test&from=actor:nobody&to=feature:city', 404, 'ACTOR_NOT_FOUND'],
      ['distance?dataset=test&from=side:opposition&to=feature:nothing', 404, 'FEATURE_NOT_FOUND'],
      ['distance?dataset=test&from=planet:mars&to=feature:city', 400, 'INVALID_REQUEST'],
      ['distance?dataset=test&from=side:opposition&to=feature:city&start=2024-11-28&end=2024-11-26', 400, 'INVALID_DATE'],
      ['distance?dataset=test&from=side:opposition&to=feature:city&start=2020-01-01&end=2024-11-26', 400, 'SERIES_TOO_LONG'],
      ['distance?dataset=test&from=side:opposition&to=feature:city&start=2024-11-26&end=2024-11-28&step=daily', 400, 'INVALID_REQUEST'],
      ['route?dataset=test&feature=town-b', 422, 'WRONG_GEOMETRY_TYPE'],
      ['route?dataset=test&feature=road&owner=nobody', 404, 'SIDE_NOT_FOUND'],
      ['fronts?dataset=test&sides=opposition,nobody', 404, 'SIDE_NOT_FOUND'],
      ['changes?dataset=test&start=2024-11-28&end=2024-11-26', 400, 'INVALID_DATE'],
      ['changes?dataset=nope&start=2024-11-26&end=2024-11-28', 404, 'DATASET_NOT_FOUND'],
    ]
    for (const [url, status, code] of cases) {
      const res = await get(url)
      t.equal(res.statusCode, status, url)
      t.equal(res.json().code, code, url)
    }
    const csvForOne = await get('distance?dataset=test&from=side:opposition&to=feature:city', { accept: 'text/csv' })
    t.equal(csvForOne.statusCode, 406)
  })
})

t.test('analysis limits', async (t) => {
  t.test('past the concurrency bound a request is refused with 429 and Retry-After', async (t) => {
    // A share per client larger than the pool's bound: the pool's bound is what refuses here.
    const app = await setup(t, { MAX_CONCURRENT_ANALYSES: '1', ANALYSIS_PER_CLIENT: '8' })
    const urls = ['2024-11-26', '2024-11-27', '2024-11-28'].map((day) => `/v1/analysis/distance?dataset=test&from=side:opposition&to=feature:city&at=${day}`)
    const results = await Promise.all(urls.map((url) => app.inject({ url })))
    const busy = results.filter((res) => res.statusCode === 429)
    t.ok(busy.length >= 1, `statuses ${results.map((res) => res.statusCode)}`)
    t.ok(results.some((res) => res.statusCode === 200))
    t.equal(busy[0].json().code, 'ANALYSIS_BUSY')
    t.equal(busy[0].headers['retry-after'], '2')
  })

  t.test('an analysis over its time budget answers 503', async (t) => {
    const app = await setup(t, { ANALYSIS_TIMEOUT_MS: '1' })
    const res = await app.inject({ url: '/v1/analysis/distance?dataset=test&from=side:opposition&to=feature:city&start=2024-11-01&end=2024-12-30' })
    t.equal(res.statusCode, 503)
    t.equal(res.json().code, 'ANALYSIS_TIMEOUT')
  })
})
