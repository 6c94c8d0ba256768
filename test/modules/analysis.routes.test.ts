import t from 'tap'
import type { z } from 'zod'
import { DistanceSchema, DistanceSeriesSchema, FrontsSchema, RouteSchema, RouteSeriesSchema } from '../../src/modules/analysis/analysis.schemas.js'
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
/** Whether an answer is what its schema declares (the serialiser does not check bodies sent as bytes). */
const conforms = (schema: z.ZodType, body: unknown) => {
  const parsed = schema.safeParse(body)
  return [parsed.success, parsed.success ? 'conforms to its schema' : JSON.stringify(parsed.error.issues.slice(0, 3))] as const
}
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

// Each answer both ways: on a worker thread, and on the thread that answers requests (an analysis this small is
// estimated under the default ANALYSIS_INLINE_US, and runs there when no other does).
for (const [where, inlineUs] of [
  ['on a worker', '0'],
  ['on the answering thread', '8000'],
] as const)
  t.test(`GET /v1/analysis/* (${where})`, async (t) => {
    const app = await setup(t, { ANALYSIS_INLINE_US: inlineUs })
    const get = (url: string, headers = {}) => app.inject({ url: `/v1/analysis/${url}`, headers })

    t.test('fronts: the shared meridian, its length a degree of latitude', async (t) => {
      const res = await get('fronts?dataset=test&at=2024-11-26&sides=opposition,government')
      t.equal(res.statusCode, 200)
      t.ok(...conforms(FrontsSchema, res.json()))
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
      t.ok(...conforms(DistanceSchema, body))
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
      t.ok(...conforms(DistanceSeriesSchema, res.json()))
      const { series, summary } = res.json()
      t.equal(series.length, 3)
      const first = haversine([1, 0.4], [1.8, 0.4])
      const last = haversine([1.5, 0.4], [1.8, 0.4])
      t.ok(close(series[0].distanceKm, first) && close(series[1].distanceKm, first) && close(series[2].distanceKm, last))
      t.equal(series[1].advanceKm, 0)
      t.ok(close(summary.advanceKm, first - last), `${summary.advanceKm} vs ${first - last}`)
      for (const [query, headers] of [
        ['', { accept: 'text/csv' }],
        ['&f=csv', {}],
      ] as const) {
        const csv = await get(`distance?dataset=test&from=side:opposition&to=feature:city&start=2024-11-26&end=2024-11-28${query}`, headers)
        t.equal(csv.statusCode, 200)
        t.match(csv.headers['content-type'], /text\/csv/)
        const lines = csv.body.trim().split('\n')
        t.equal(lines[0], 'at,distanceKm,overlaps,advanceKm,nearest.from.lon,nearest.from.lat,nearest.to.lon,nearest.to.lat', 'named as the JSON members')
        t.equal(lines.length, 4)
        const row = lines[3].split(',')
        t.equal(row[0], '2024-11-28T23:59:59.999Z')
        t.ok(close(Number(row[1]), last))
        t.ok(close(Number(row[3]), first - last), `${row[3]} vs ${first - last}`)
        // Any latitude along the city's west edge is nearest: the longitudes are what is known.
        const [fromLon, fromLat, toLon, toLat] = row.slice(4).map(Number)
        t.ok(fromLon === 1.5 && toLon === 1.8 && fromLat === toLat && fromLat >= 0.4 && fromLat <= 0.6, row.join(','))
      }
    })

    t.test('distance at one date as CSV: one row', async (t) => {
      const csv = await get('distance?dataset=test&from=side:opposition&to=feature:city&at=2024-11-26', { accept: 'text/csv' })
      t.equal(csv.statusCode, 200)
      t.match(csv.headers['content-type'], /text\/csv/)
      const lines = csv.body.trim().split('\n')
      t.equal(lines[0], 'at,distanceKm,overlaps,nearest.from.lon,nearest.from.lat,nearest.to.lon,nearest.to.lat')
      t.equal(lines.length, 2)
      const row = lines[1].split(',')
      t.equal(row[0], '2024-11-26T23:59:59.999Z')
      t.ok(close(Number(row[1]), haversine([1, 0.4], [1.8, 0.4])))
      t.equal(row[2], 'false')
    })

    t.test('route: segments by holder, and severance for the owner side', async (t) => {
      const before = (await get('route?dataset=test&feature=road&at=2024-11-26')).json()
      t.ok(...conforms(RouteSchema, before))
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
      t.ok(...conforms(RouteSeriesSchema, res.json()))
      t.match(res.json(), {
        start: '2024-11-25T23:59:59.999Z',
        firstSevered: '2024-11-28T00:00:00.000Z',
        severedIntervals: [{ from: '2024-11-28T00:00:00.000Z', to: null }],
      })
      t.same(
        res.json().notes.map((note: { code: string }) => note.code),
        ['AT_BEFORE_COVERAGE', 'AT_AFTER_COVERAGE'],
      )
    })

    t.test('route over a range: a bare start date is the end of that day, as everywhere', async (t) => {
      const res = await get('route?dataset=test&feature=road&start=2024-11-28&end=2024-11-30')
      t.equal(res.statusCode, 200)
      const body = res.json()
      t.equal(body.start, '2024-11-28T23:59:59.999Z')
      t.same(
        body.states.map((state: { at: string; severed: boolean }) => [state.at, state.severed]),
        [['2024-11-28T23:59:59.999Z', true]],
        'the map published for the 28th: already severed, and the change at its midnight is before the range',
      )
      t.same(body.severedIntervals, [{ from: '2024-11-28T23:59:59.999Z', to: null }])
    })

    t.test('route as CSV: the stretches at a date, the states over a range', async (t) => {
      const stretches = await get('route?dataset=test&feature=road&at=2024-11-28&f=csv')
      t.equal(stretches.statusCode, 200)
      t.match(stretches.headers['content-type'], /text\/csv/)
      const lines = stretches.body.trim().split('\n')
      t.equal(lines[0], 'fromKm,toKm,lengthKm,side,holders.actor,holders.side,holders.status')
      t.equal(lines.length, 3)
      const [first, second] = lines.slice(1).map((line) => line.split(','))
      t.same(first.slice(3), ['opposition', 'hts', 'opposition', 'controlled'])
      t.ok(close(Number(first[1]), haversine([1.1, 0.5], [1.5, 0.5])))
      t.same(second.slice(3), ['government', 'saa', 'government', 'controlled'])
      const states = await get('route?dataset=test&feature=road&start=2024-11-25&end=2024-11-30', { accept: 'text/csv' })
      t.equal(states.statusCode, 200)
      const rows = states.body.trim().split('\n')
      t.equal(rows[0], 'at,severed,kmBySide.government,kmBySide.opposition')
      t.equal(rows.length, 4, 'the start, the first map and the advance')
      t.match(rows[1], /^2024-11-25T23:59:59\.999Z,false,0,0$/)
      t.match(rows[3], /^2024-11-28T00:00:00\.000Z,true,/)
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

    t.test('tidy answers: one stretch per holder, 6 decimals, CSV of fronts, notes that explain emptiness', async (t) => {
      // hts holds [0, ⅓] × [0, 1]; saa holds [⅓, 1] × [0, 1] as two polygons meeting at lon 0.6. On the
      // 28th hts holds [0, ⅔]. ypg (side sdf) holds nothing.
      const third = 1 / 3
      await seed(app, 'tidy')
      const put = await app.inject({ method: 'PUT', url: '/v1/datasets/tidy/actors/ypg', headers: AUTH, payload: { name: 'YPG', side: 'sdf' } })
      t.ok(put.statusCode < 300, put.body)
      const strip = (lon1: number, lon2: number) => band(lon1, lon2)
      const roads = collection([
        {
          type: 'Feature',
          id: 'across',
          geometry: {
            type: 'LineString',
            coordinates: [
              [0.1, 0.5],
              [0.9, 0.5],
            ],
          },
          properties: { kind: 'highway', name: 'Across', owner_side: 'government' },
        },
        {
          type: 'Feature',
          id: 'along',
          geometry: {
            type: 'LineString',
            coordinates: [
              [0.6, -0.5],
              [0.6, 1.5],
            ],
          },
          properties: { kind: 'highway', name: 'Along', owner_side: 'government' },
        },
        {
          type: 'Feature',
          id: 'far',
          geometry: {
            type: 'LineString',
            coordinates: [
              [10, 10],
              [11, 10],
            ],
          },
          properties: { kind: 'highway', name: 'Far', owner_side: 'government' },
        },
      ])
      t.equal((await app.inject({ method: 'POST', url: '/v1/datasets/tidy/features', headers: AUTH, payload: roads })).statusCode, 201)
      const saa = [area(strip(third, 0.6), { actor: 'saa' }), area(strip(0.6, 1), { actor: 'saa' })]
      t.equal((await importSnapshot(app, 'tidy', '2024-11-26', collection([area(strip(0, third), { actor: 'hts' }), ...saa]))).statusCode, 201)
      t.equal(
        (
          await importSnapshot(
            app,
            'tidy',
            '2024-11-28',
            collection([area(strip(0, 2 * third), { actor: 'hts' }), area(strip(2 * third, 1), { actor: 'saa' })]),
          )
        ).statusCode,
        201,
      )
      const sixDecimals = (x: number) => Math.abs(x * 1e6 - Math.round(x * 1e6)) < 1e-6
      const positions = (value: unknown): number[][] =>
        Array.isArray(value) && typeof value[0] === 'number' ? [value as number[]] : Array.isArray(value) ? value.flatMap(positions) : []

      const across = (await get('route?dataset=tidy&feature=across&at=2024-11-26')).json()
      t.same(
        across.segments.map((s: any) => s.holders.map((h: any) => h.actor)),
        [['hts'], ['saa']],
        'the crossing into a second polygon of saa does not split its stretch',
      )
      t.ok(close(across.segments[1].lengthKm, haversine([third, 0.5], [0.9, 0.5])))
      t.same(across.segments[1].geometry.coordinates[0], [0.333333, 0.5])
      const along = (await get('route?dataset=tidy&feature=along&at=2024-11-26')).json()
      t.same(
        along.segments.map((s: any) => s.holders.map((h: any) => h.actor)),
        [[], ['saa'], []],
        'along the edge two polygons of saa share: saa, once',
      )

      const fronts = (await get('fronts?dataset=tidy&at=2024-11-26&sides=opposition,government')).json()
      const front = positions(fronts.features[0].geometry.coordinates)
      t.ok(front.length > 0 && front.every(([lon, lat]) => lon === 0.333333 && sixDecimals(lat)), JSON.stringify(front))
      t.match(fronts.coverage, { from: '2024-11-26T00:00:00.000Z', to: '2024-11-28T00:00:00.000Z' })
      t.same(fronts.notes, [])
      const csv = await get('fronts?dataset=tidy&at=2024-11-26&sides=opposition,government&f=csv')
      t.equal(csv.statusCode, 200)
      t.match(csv.headers['content-type'], /^text\/csv/)
      const [header, row, ...rest] = csv.body.trim().split('\n')
      t.equal(header, 'sides,lengthKm')
      t.equal(row.split(',')[0], 'opposition;government')
      t.ok(close(Number(row.split(',')[1]), haversine([third, 0], [third, 1])))
      t.same(rest, [])

      const changes = (await get('changes?dataset=tidy&start=2024-11-26&end=2024-11-28')).json()
      const gained = changes.polygons.features.find((f: any) => f.properties.level === 'actor' && f.properties.id === 'hts' && f.properties.change === 'gained')
      const ring = positions(gained.geometry.coordinates)
      t.ok(
        ring.every(([lon, lat]) => sixDecimals(lon) && sixDecimals(lat)),
        JSON.stringify(ring),
      )
      t.ok(ring.some(([lon]) => lon === 0.666667))

      const nothing = (await get('fronts?dataset=tidy&at=2024-11-26&sides=opposition,sdf')).json()
      t.same(
        nothing.notes.map((note: any) => note.code),
        ['NO_GROUND'],
      )
      t.match(nothing.notes[0].message, /sdf/)
      const before = (await get('fronts?dataset=tidy&at=2020-01-01')).json()
      t.same(before.features, [])
      t.same(
        before.notes.map((note: any) => note.code),
        ['AT_BEFORE_COVERAGE'],
      )
      const empty = (await get('distance?dataset=tidy&from=actor:ypg&to=feature:across&at=2024-11-26')).json()
      t.equal(empty.distanceKm, null)
      t.same(
        empty.notes.map((note: any) => note.code),
        ['NO_GROUND'],
      )
      const far = (await get('route?dataset=tidy&feature=far&at=2024-11-27')).json()
      t.same(
        far.notes.map((note: any) => note.code),
        ['NO_AREA'],
      )
      const unknown = await get('route?dataset=tidy&feature=far&at=2024-11-27&date=2024-11-27')
      t.equal(unknown.statusCode, 400)
      t.equal(unknown.json().code, 'UNKNOWN_PARAMETER')
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
      const neither = await get('distance?dataset=test&from=side:opposition&to=feature:city', { accept: 'image/png' })
      t.equal(neither.statusCode, 406)
      t.equal(neither.json().code, 'NOT_ACCEPTABLE')
    })

    t.test('where they ran, as the pool counts them', async (t) => {
      const before = app.work.report().completed
      const asked = [
        'fronts?dataset=test&at=2024-11-27',
        'distance?dataset=test&from=side:government&to=feature:far-town&at=2024-11-27',
        'route?dataset=test&feature=road&at=2024-11-27',
      ]
      for (const url of asked) t.equal((await get(url)).headers['x-cache'], 'miss', url)
      const ran = app.work.report().completed - before
      t.equal(ran, inlineUs === '0' ? asked.length : 0, inlineUs === '0' ? 'each on the worker' : 'none on the worker: each was alone on the answering thread')
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

  t.test('an analysis estimated past ANALYSIS_INLINE_US runs on a worker', async (t) => {
    // Fronts weigh 8 µs a vertex, and the map of the 26th has two bands of 5 vertices each: 80 µs estimated.
    for (const [bound, onWorker] of [
      ['79', 1],
      ['80', 0],
    ] as const) {
      const app = await setup(t, { ANALYSIS_INLINE_US: bound })
      const before = app.work.report().completed
      t.equal((await app.inject({ url: '/v1/analysis/fronts?dataset=test&at=2024-11-26' })).statusCode, 200)
      t.equal(app.work.report().completed - before, onWorker, `bound ${bound} µs: ${onWorker ? 'on the worker' : 'on the answering thread'}`)
    }
  })

  t.test('an analysis over its time budget answers 503, on a worker or on the answering thread', async (t) => {
    for (const inlineUs of ['0', '8000']) {
      const app = await setup(t, { ANALYSIS_TIMEOUT_MS: '1', ANALYSIS_INLINE_US: inlineUs })
      const res = await app.inject({ url: '/v1/analysis/distance?dataset=test&from=side:opposition&to=feature:city&start=2024-11-01&end=2024-12-30' })
      t.equal(res.statusCode, 503, `ANALYSIS_INLINE_US=${inlineUs}`)
      t.equal(res.json().code, 'ANALYSIS_TIMEOUT')
    }
  })
})
