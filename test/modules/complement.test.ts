import t from 'tap'
import { frontLines, prepareAreas, preparedGeometry, uncoveredPolygons } from '../../src/geo/index.js'
import { placeHoldings } from '../../src/read/point-holders.js'
import { box, greatCircleKm, R_KM } from '../geo/shapes.js'
import { AUTH, area, buildTestApp, collection, importSnapshot } from '../helpers.js'

// A single-actor map, by construction: the outline is the square [0, 4] × [0, 4]; ru holds the
// rectangle [-1, 1] × [1, 3] on 1 March (half of it outside the outline) and [-1, 2] × [1, 3] from
// 3 March; [3, 3.5] × [3, 3.5] is contested throughout. Everything else inside the outline is ua's
// through the complement, so ru's front is its rectangle's edges inside the outline.
const rad = (deg: number) => (deg * Math.PI) / 180
/** Area of a lon/lat rectangle on the sphere: R² · Δλ · (sin φ2 − sin φ1). */
const rectangleKm2 = (dLon: number, lat1: number, lat2: number) => R_KM * R_KM * rad(dLon) * (Math.sin(rad(lat2)) - Math.sin(rad(lat1)))
const close = (actual: number, expected: number, tolerance = 1e-4) => Math.abs(actual - expected) <= Math.abs(expected) * tolerance + 1e-6

const contested = area(box(3, 3, 3.5, 3.5), { actor: 'ru', status: 'contested' })
const march1 = collection([area(box(-1, 1, 1, 3), { actor: 'ru' }), contested])
const march3 = collection([area(box(-1, 1, 2, 3), { actor: 'ru' }), contested])
const reference = collection([
  { type: 'Feature', id: 'country', geometry: box(0, 0, 4, 4), properties: { kind: 'country', name: 'Country' } },
  { type: 'Feature', id: 'town', geometry: { type: 'Point', coordinates: [0.5, 2] }, properties: { kind: 'town', name: 'Town' } },
  {
    type: 'Feature',
    id: 'road',
    geometry: {
      type: 'LineString',
      coordinates: [
        [0.5, 0.5],
        [0.5, 3.5],
      ],
    },
    properties: { kind: 'highway', name: 'Road', owner_side: 'ua' },
  },
])

const dataset = { name: 'Single actor' }
const outlined = { ...dataset, outlineFeature: 'country', complementActor: 'ua' }

async function setup(t: Parameters<typeof buildTestApp>[0]) {
  const app = await buildTestApp(t)
  const put = async (url: string, payload: object) => {
    const res = await app.inject({ method: 'PUT', url, headers: AUTH, payload })
    if (res.statusCode >= 300) throw new Error(`${url}: ${res.statusCode} ${res.body}`)
  }
  await put('/v1/datasets/single', dataset)
  await put('/v1/datasets/single/actors/ru', { name: 'Russia', side: 'ru' })
  await put('/v1/datasets/single/actors/ua', { name: 'Ukraine', side: 'ua' })
  for (const [day, body] of [
    ['2024-03-01', march1],
    ['2024-03-03', march3],
  ] as const) {
    const res = await importSnapshot(app, 'single', day, body)
    if (res.statusCode >= 300) throw new Error(`${day}: ${res.statusCode} ${res.body}`)
  }
  // An instant after the areas and before the outline feature was known.
  const beforeOutline = new Date()
  await new Promise((resolve) => setTimeout(resolve, 20))
  const features = await app.inject({ method: 'POST', url: '/v1/datasets/single/features', headers: AUTH, payload: reference })
  if (features.statusCode >= 300) throw new Error(`features: ${features.statusCode} ${features.body}`)
  return { app, beforeOutline }
}

const putDataset = (app: Awaited<ReturnType<typeof setup>>['app'], id: string, payload: object) =>
  app.inject({ method: 'PUT', url: `/v1/datasets/${id}`, headers: AUTH, payload })

t.test('PUT /v1/datasets/{id} with an outline', async (t) => {
  const { app } = await setup(t)

  t.test('refuses an outline that is not there, or not a polygon, and an unknown actor: 422 INVALID_OUTLINE naming the member', async (t) => {
    const cases: [object, string[]][] = [
      [{ ...dataset, outlineFeature: 'nowhere', complementActor: 'ua' }, ['/body/outlineFeature']],
      [{ ...dataset, outlineFeature: 'road', complementActor: 'ua' }, ['/body/outlineFeature']],
      [{ ...dataset, outlineFeature: 'town', complementActor: 'ua' }, ['/body/outlineFeature']],
      [{ ...dataset, outlineFeature: 'country', complementActor: 'nobody' }, ['/body/complementActor']],
      [{ ...dataset, outlineFeature: 'country' }, ['/body/complementActor']],
      [{ ...dataset, complementActor: 'ua' }, ['/body/outlineFeature']],
      [{ ...dataset, outlineFeature: 'nowhere', complementActor: 'nobody' }, ['/body/outlineFeature', '/body/complementActor']],
    ]
    for (const [payload, paths] of cases) {
      const res = await putDataset(app, 'single', payload)
      t.equal(res.statusCode, 422, JSON.stringify(payload))
      t.equal(res.json().code, 'INVALID_OUTLINE')
      t.same(
        res.json().errors.map((e: { path: string }) => e.path),
        paths,
      )
    }
    const created = await putDataset(app, 'brand-new', { name: 'New', outlineFeature: 'country', complementActor: 'ua' })
    t.equal(created.statusCode, 422, 'a dataset that does not exist yet has no feature to name')
    t.equal(created.json().code, 'INVALID_OUTLINE')
    t.equal((await app.inject({ url: '/v1/datasets/brand-new' })).statusCode, 404, 'nothing was written')
    const reserved = await putDataset(app, 'single', { ...dataset, outlineFeature: 'country', complementActor: 'unmapped' })
    t.equal(reserved.statusCode, 400, 'a reserved actor id is refused by the schema')
    t.equal((await app.inject({ url: '/v1/datasets/single' })).json().outlineFeature, null, 'no refused write landed')
  })

  t.test('accepts a polygon feature and an actor of the dataset, and answers them', async (t) => {
    const res = await putDataset(app, 'single', outlined)
    t.equal(res.statusCode, 200)
    t.match(res.json(), { outlineFeature: 'country', complementActor: 'ua' })
    t.match((await app.inject({ url: '/v1/datasets/single' })).json(), { outlineFeature: 'country', complementActor: 'ua' })
    const csv = await app.inject({ url: '/v1/datasets?f=csv' })
    const [header, row] = csv.body.split('\n')
    t.equal(header, 'id,name,description,licence,sourceUrl,outlineFeature,complementActor,revision,createdAt,updatedAt')
    t.match(row, /^single,Single actor,,,,country,ua,/)
    const cleared = await putDataset(app, 'single', dataset)
    t.equal(cleared.statusCode, 200)
    t.match(cleared.json(), { outlineFeature: null, complementActor: null }, 'a PUT without them clears them: PUT replaces the dataset')
  })
})

t.test('GET /v1/analysis/* on a single-actor map', async (t) => {
  const { app, beforeOutline } = await setup(t)
  const get = async (url: string) => {
    const res = await app.inject({ url: `/v1/analysis/${url}` })
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 300)}`)
    return res.json()
  }
  const codes = (body: { notes: { code: string }[] }) => body.notes.map((note) => note.code)

  // Before the dataset names its outline: one actor's ground and nothing to face it.
  const unnamed = await get('fronts?dataset=single&at=2024-03-01')
  t.same(unnamed.features, [], 'no front without an outline')
  t.notOk(codes(unnamed).includes('COMPLEMENT'))
  const noDistance = await get('distance?dataset=single&from=feature:town&to=side:ua&at=2024-03-01')
  t.equal(noDistance.distanceKm, null)
  t.ok(codes(noDistance).includes('NO_GROUND'))

  t.equal((await putDataset(app, 'single', outlined)).statusCode, 200)

  t.test('fronts: the edges of the rectangle inside the outline, and a note that the complement made them', async (t) => {
    const body = await get('fronts?dataset=single&at=2024-03-01')
    t.same(
      body.features.map((f: { properties: { sides: string[] } }) => f.properties.sides),
      [['ru', 'ua']],
    )
    const expected = greatCircleKm([1, 1], [1, 3]) + greatCircleKm([0, 1], [1, 1]) + greatCircleKm([0, 3], [1, 3])
    const front = body.features[0]
    t.ok(close(front.properties.lengthKm, expected), `${front.properties.lengthKm} vs ${expected}`)
    for (const line of front.geometry.coordinates)
      for (const [lon, lat] of line)
        t.ok(lon >= -1e-9 && lon <= 1 + 1e-9 && lat >= 1 - 1e-9 && lat <= 3 + 1e-9, `[${lon}, ${lat}] on ru's edges inside the outline`)
    t.ok(codes(body).includes('COMPLEMENT'), JSON.stringify(body.notes))
    const note = body.notes.find((n: { code: string }) => n.code === 'COMPLEMENT')
    t.match(note.message, /'country'.*'ua'/)

    const later = await get('fronts?dataset=single&at=2024-03-03&sides=ru,ua')
    const expectedLater = greatCircleKm([2, 1], [2, 3]) + greatCircleKm([0, 1], [2, 1]) + greatCircleKm([0, 3], [2, 3])
    t.ok(close(later.features[0].properties.lengthKm, expectedLater), `${later.features[0].properties.lengthKm} vs ${expectedLater}`)
  })

  t.test('distance: to the complement actor’s ground, across the rectangle’s nearest edge', async (t) => {
    const body = await get('distance?dataset=single&from=feature:town&to=side:ua&at=2024-03-01')
    const expected = greatCircleKm([0.5, 2], [1, 2])
    t.ok(close(body.distanceKm, expected), `${body.distanceKm} vs ${expected}`)
    t.ok(Math.abs(body.nearest.to[0] - 1) < 1e-6, 'on the east edge')
    t.ok(codes(body).includes('COMPLEMENT'))
    const byActor = await get('distance?dataset=single&from=actor:ua&to=feature:town&at=2024-03-01')
    t.ok(close(byActor.distanceKm, expected))
    const unrelated = await get('distance?dataset=single&from=actor:ru&to=feature:town&at=2024-03-01')
    t.equal(unrelated.distanceKm, 0)
    t.notOk(codes(unrelated).includes('COMPLEMENT'), 'an answer that never read the complement does not mention it')
    const series = await get('distance?dataset=single&from=feature:town&to=side:ua&start=2024-03-01&end=2024-03-03&step=P1D')
    // From the 3rd ru holds up to lon 2: the top edge, a degree north, is nearer than the east edge.
    t.ok(close(series.series[2].distanceKm, greatCircleKm([0.5, 2], [0.5, 3])), `${series.series[2].distanceKm}`)
    t.match(series.notes.find((n: { code: string }) => n.code === 'COMPLEMENT')?.message ?? '', /at 3 of the 3 steps/)
  })

  t.test('route severance: the owner’s road cut by the rectangle', async (t) => {
    const body = await get('route?dataset=single&feature=road&at=2024-03-01')
    t.equal(body.owner, 'ua')
    t.equal(body.severed, true)
    t.ok(close(body.kmBySide.ua, greatCircleKm([0.5, 0.5], [0.5, 1]) + greatCircleKm([0.5, 3], [0.5, 3.5])), JSON.stringify(body.kmBySide))
    t.ok(close(body.kmBySide.ru, greatCircleKm([0.5, 1], [0.5, 3])))
    t.equal(body.unmappedKm, 0)
    t.same(
      body.cutPoints.map((p: number[]) => p.map((x) => Math.round(x * 1e6) / 1e6)),
      [[0.5, 1]],
    )
    t.same(
      body.segments.map((s: { side: string }) => s.side),
      ['ua', 'ru', 'ua'],
    )
    t.ok(codes(body).includes('COMPLEMENT'))
    const series = await get('route?dataset=single&feature=road&start=2024-02-28&end=2024-03-05')
    t.same(series.severedIntervals, [{ from: '2024-03-01T00:00:00.000Z', to: null }])
    t.ok(codes(series).includes('COMPLEMENT'))
  })

  t.test('territorial change and area over time: the complement actor loses what ru gains', async (t) => {
    const body = await get('changes?dataset=single&start=2024-03-01T12:00Z&end=2024-03-03T12:00Z')
    const taken = rectangleKm2(1, 1, 3)
    const transfer = body.transfers.find((c: { from: string; to: string }) => c.from === 'ua' && c.to === 'ru')
    t.ok(transfer && close(transfer.areaKm2, taken), JSON.stringify(body.transfers))
    const ua = body.actors.find((a: { actor: string }) => a.actor === 'ua')
    const outline = rectangleKm2(4, 0, 4)
    const contestedKm2 = rectangleKm2(0.5, 3, 3.5)
    t.ok(close(ua.startKm2, outline - rectangleKm2(1, 1, 3) - contestedKm2), `${ua.startKm2}`)
    t.ok(
      close(ua.endKm2, outline - rectangleKm2(2, 1, 3) - contestedKm2),
      `${ua.endKm2} vs ${outline - rectangleKm2(2, 1, 3) - contestedKm2}: ${JSON.stringify(body.actors)}`,
    )
    t.ok(close(ua.lostKm2, taken))
    t.ok(codes(body).includes('COMPLEMENT'))

    const series = await get('area?dataset=single&start=2024-03-01T12:00Z&end=2024-03-03T12:00Z&step=P1D&actor=ua')
    t.same(
      series.series.map((step: { actors: { actor: string }[] }) => step.actors.map((a) => a.actor)),
      [['ua'], ['ua'], ['ua']],
    )
    t.ok(close(series.series[2].actors[0].areaKm2, outline - rectangleKm2(2, 1, 3) - contestedKm2))
    t.ok(close(series.series[2].actors[0].lostKm2, taken))
    t.ok(codes(series).includes('COMPLEMENT'))
  })

  t.test('as known before the outline feature: NO_COMPLEMENT, and unmapped ground stays unmapped', async (t) => {
    const body = await get(`fronts?dataset=single&at=2024-03-01&known_at=${beforeOutline.toISOString()}`)
    t.same(body.features, [])
    t.ok(codes(body).includes('NO_COMPLEMENT'), JSON.stringify(body.notes))
    t.notOk(codes(body).includes('COMPLEMENT'))
  })

  t.test('placeHoldings: who holds a point through the complement, and for how long', async (t) => {
    const view = await app.readModel.open('single')
    const day1 = new Date('2024-03-01T12:00:00Z')
    const day3 = new Date('2024-03-03T12:00:00Z')
    const holding = async (point: [number, number], at: Date) => (await placeHoldings(view, [{ point, at }]))[0]
    const inside = await holding([3, 1], day3)
    t.same(inside.complement, { outlineFeature: 'country' })
    t.match(inside.holders, [{ actor: 'ua', side: 'ua', areaId: null, sinceIsLowerBound: true, until: null }])
    const beforeRu = await holding([1.5, 2], day1)
    t.same(beforeRu.complement, { outlineFeature: 'country' })
    t.match(beforeRu.holders, [{ actor: 'ua', sinceIsLowerBound: true, until: new Date('2024-03-03T00:00:00Z') }])
    const ru = await holding([1.5, 2], day3)
    t.equal(ru.complement, null, 'ru holds it from the 3rd')
    t.equal(ru.holders[0].actor, 'ru')
    t.equal((await holding([3.2, 3.2], day3)).complement, null, 'contested ground is covered by an area')
    t.same(await holding([5, 5], day3), { holders: [], complement: null }, 'outside the outline')
  })

  t.test('once the outline is cleared, the analyses are as before', async (t) => {
    t.equal((await putDataset(app, 'single', dataset)).statusCode, 200)
    const body = await get('fronts?dataset=single&at=2024-03-01')
    t.same(body.features, [])
    t.notOk(codes(body).includes('COMPLEMENT') || codes(body).includes('NO_COMPLEMENT'))
  })
})

t.test('frontLines with a border: the sliver between a map edge and an outline drawn by another hand is no front', async (t) => {
  // The outline reaches 0.005° (0.56 km) west of ru's west edge: a sliver of complement a hair wide.
  const outline = box(-0.005, 0, 4, 4)
  const ru = box(0, 1, 1, 3)
  const complement = uncoveredPolygons(outline, [ru])!
  const a = prepareAreas([{ key: '1', holder: 'ru', side: 'ru', status: 'controlled', geometry: ru }])
  const b = prepareAreas([{ key: 'complement', holder: 'ua', side: 'ua', status: 'controlled', geometry: complement }])
  const inside = greatCircleKm([1, 1], [1, 3]) + greatCircleKm([0, 1], [1, 1]) + greatCircleKm([0, 3], [1, 3])
  const plain = frontLines(a, b)
  t.ok(close(plain.lengthKm, inside + greatCircleKm([0, 1], [0, 3])), `without a border the sliver's edge is front: ${plain.lengthKm}`)
  const bordered = frontLines(a, b, { border: { geometry: preparedGeometry(outline), withinKm: 1 } })
  t.ok(close(bordered.lengthKm, inside), `${bordered.lengthKm} vs ${inside}`)
  const alongWestEdge = bordered.geometry.coordinates.some((line) => line.some((p, i) => i > 0 && Math.abs(p[0]) < 1e-9 && Math.abs(line[i - 1][0]) < 1e-9))
  t.notOk(alongWestEdge, 'no stretch runs along the west edge')
  const narrow = frontLines(a, b, { border: { geometry: preparedGeometry(outline), withinKm: 0.5 } })
  t.ok(close(narrow.lengthKm, inside + greatCircleKm([0, 1], [0, 3])), 'a border margin narrower than the sliver leaves it')
})
