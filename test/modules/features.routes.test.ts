import t from 'tap'
import { AUTH, area, buildTestApp, collection, importSnapshot, seed, square } from '../helpers.js'

const day26 = collection([area(square(0, 0, 1), { actor: 'hts' }), area(square(1, 0, 1), { actor: 'saa' })])
const day28 = collection([
  area(
    {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [1.5, 0],
          [1.5, 1],
          [0, 1],
          [0, 0],
        ],
      ],
    },
    { actor: 'hts' },
  ),
  area(
    {
      type: 'Polygon',
      coordinates: [
        [
          [1.5, 0],
          [2, 0],
          [2, 1],
          [1.5, 1],
          [1.5, 0],
        ],
      ],
    },
    { actor: 'saa' },
  ),
])
const reference = collection([
  { type: 'Feature', id: 'town-b', geometry: { type: 'Point', coordinates: [1.25, 0.5] }, properties: { kind: 'town', name: 'Town B', population: 5000 } },
  {
    type: 'Feature',
    id: 'road',
    geometry: {
      type: 'LineString',
      coordinates: [
        [0.5, 0.5],
        [1.75, 0.5],
      ],
    },
    properties: { kind: 'highway', name: 'The Road', owner_side: 'government' },
  },
  { type: 'Feature', id: 'edge', geometry: square(0.9, 0.4, 0.2), properties: { kind: 'outskirts', name: 'Edge of town' } },
  { type: 'Feature', geometry: { type: 'Point', coordinates: [0.2, 0.2] }, properties: { id: 'village-a', kind: 'village', name: 'Village A' } },
])

t.test('POST /v1/datasets/{id}/features', async (t) => {
  const app = await buildTestApp(t)
  await seed(app, 'test')
  const post = (body: unknown) => app.inject({ method: 'POST', url: '/v1/datasets/test/features', headers: AUTH, payload: body as object })

  t.test('stores features with any geometry type', async (t) => {
    const res = await post(reference)
    t.equal(res.statusCode, 201, res.body)
    t.match(res.json().import.counts, { features: 4, inserted: 4, updated: 0 })
  })

  t.test('upserts by id: changed ones are replaced, unchanged ones left alone', async (t) => {
    const moved = collection([{ ...(reference.features[0] as object), geometry: { type: 'Point', coordinates: [1.3, 0.5] } }, reference.features[1]])
    const res = await post(moved)
    t.equal(res.statusCode, 201)
    t.match(res.json().import.counts, { inserted: 0, updated: 1, unchanged: 1 })
    t.same((await app.inject({ url: '/v1/features/town-b?dataset=test' })).json().geometry.coordinates, [1.3, 0.5])
    const all = (await app.inject({ url: '/v1/features?dataset=test' })).json()
    t.equal(all.numberMatched, 4)
  })

  t.test('refuses features without an id or kind, and duplicate ids', async (t) => {
    const res = await post(
      collection([
        { type: 'Feature', geometry: { type: 'Point', coordinates: [0, 0] }, properties: { kind: 'town', name: 'No id' } },
        { type: 'Feature', id: 'x', geometry: { type: 'Point', coordinates: [0, 0] }, properties: { name: 'No kind' } },
        { type: 'Feature', id: 'y', geometry: { type: 'Point', coordinates: [0, 0] }, properties: { kind: 'town' } },
        { type: 'Feature', id: 'y', geometry: { type: 'Point', coordinates: [0, 0] }, properties: { kind: 'town' } },
        { type: 'Feature', id: 'Bad Id', geometry: { type: 'Point', coordinates: [0, 0] }, properties: { kind: 'town' } },
      ]),
    )
    t.equal(res.statusCode, 422)
    t.same(
      res.json().errors.map((e: any) => [e.index, e.code]),
      [
        [0, 'INVALID_FEATURE_ID'],
        [1, 'MISSING_KIND'],
        [3, 'DUPLICATE_FEATURE_ID'],
        [4, 'INVALID_FEATURE_ID'],
      ],
    )
  })
})

t.test('GET /v1/features', async (t) => {
  const app = await buildTestApp(t)
  await seed(app, 'test')
  await app.inject({ method: 'POST', url: '/v1/datasets/test/features', headers: AUTH, payload: reference })

  t.test('lists as GeoJSON, filtered by kind, bbox and text', async (t) => {
    const all = await app.inject({ url: '/v1/features?dataset=test' })
    t.match(all.headers['content-type'], /application\/geo\+json/)
    t.same(
      all.json().features.map((f: any) => f.id),
      ['edge', 'road', 'town-b', 'village-a'],
    )
    t.same(
      (await app.inject({ url: '/v1/features?dataset=test&kind=town,village' })).json().features.map((f: any) => f.id),
      ['town-b', 'village-a'],
    )
    t.same(
      (await app.inject({ url: '/v1/features?dataset=test&bbox=0.1,0.1,0.3,0.3' })).json().features.map((f: any) => f.id),
      ['village-a'],
    )
    t.same(
      (await app.inject({ url: '/v1/features?dataset=test&q=town' }))
        .json()
        .features.map((f: any) => f.id)
        .sort(),
      ['edge', 'town-b'],
    )
    const town = (await app.inject({ url: '/v1/features/town-b?dataset=test' })).json()
    t.match(town, { type: 'Feature', id: 'town-b', properties: { kind: 'town', name: 'Town B', population: 5000 } })
    t.equal((await app.inject({ url: '/v1/features/road?dataset=test' })).json().properties.ownerSide, 'government')
  })

  t.test('pages with limit and a next link', async (t) => {
    const first = (await app.inject({ url: '/v1/features?dataset=test&limit=3' })).json()
    t.equal(first.numberReturned, 3)
    const next = first.links.find((l: any) => l.rel === 'next')
    t.ok(next)
    const second = (await app.inject({ url: next.href })).json()
    t.same(
      second.features.map((f: any) => f.id),
      ['village-a'],
    )
    t.notOk(second.links.find((l: any) => l.rel === 'next'))
  })

  t.test('unknown feature and dataset are 404', async (t) => {
    t.equal((await app.inject({ url: '/v1/features/nope?dataset=test' })).json().code, 'FEATURE_NOT_FOUND')
    t.equal((await app.inject({ url: '/v1/features?dataset=nope' })).json().code, 'DATASET_NOT_FOUND')
  })
})

t.test('GET /v1/features/{id}/control', async (t) => {
  const app = await buildTestApp(t)
  await seed(app, 'test')
  await app.inject({ method: 'POST', url: '/v1/datasets/test/features', headers: AUTH, payload: reference })
  await importSnapshot(app, 'test', '2024-11-26', day26)
  await importSnapshot(app, 'test', '2024-11-28', day28)
  const control = async (id: string, query: string) => (await app.inject({ url: `/v1/features/${id}/control?dataset=test&${query}` })).json()

  t.test('a point: its holder with since and until', async (t) => {
    t.match((await control('town-b', 'at=2024-11-26')).holder, {
      actor: 'saa',
      side: 'government',
      share: 1,
      since: '2024-11-26T00:00:00.000Z',
      until: '2024-11-28T00:00:00.000Z',
    })
    t.match((await control('town-b', 'at=2024-11-29')).holder, { actor: 'hts', share: 1, until: null })
    t.equal((await control('town-b', 'at=2024-11-20')).holder, null)
  })

  t.test('a line: km held by each (0.5° of 1.25° along lat 0.5 is 40%)', async (t) => {
    const answer = await control('road', 'at=2024-11-26')
    const bySide = Object.fromEntries(answer.holders.map((h: any) => [h.actor, h]))
    t.ok(Math.abs(bySide.hts.share - 0.4) < 0.002, `hts ${bySide.hts.share}`)
    t.ok(Math.abs(bySide.saa.share - 0.6) < 0.002, `saa ${bySide.saa.share}`)
    // 0.5° of longitude at latitude 0.5°: R·Δλ·cos φ
    const expectedKm = 6371.0088 * ((0.5 * Math.PI) / 180) * Math.cos((0.5 * Math.PI) / 180)
    t.ok(Math.abs(bySide.hts.lengthKm - expectedKm) / expectedKm < 0.005, `${bySide.hts.lengthKm} ≈ ${expectedKm}`)
    t.match(answer.holder, { actor: 'saa' })
    const later = await control('road', 'at=2024-11-28')
    t.match(later.holder, { actor: 'hts' })
    t.ok(Math.abs(later.holder.share - 0.8) < 0.002)
  })

  t.test('a polygon: area shares; no majority when split in half', async (t) => {
    const split = await control('edge', 'at=2024-11-26')
    t.equal(split.holder, null)
    t.same(split.holders.map((h: any) => h.actor).sort(), ['hts', 'saa'])
    for (const holder of split.holders) t.ok(Math.abs(holder.share - 0.5) < 0.005, `${holder.actor} ${holder.share}`)
    t.match((await control('edge', 'at=2024-11-28')).holder, { actor: 'hts', share: 1 })
  })

  t.test('history between start and end, one entry per change', async (t) => {
    const answer = await control('town-b', 'start=2024-11-25&end=2024-11-30')
    t.same(
      answer.history.map((h: any) => [h.from, h.to, h.actor]),
      [
        ['2024-11-25T00:00:00.000Z', '2024-11-26T00:00:00.000Z', null],
        ['2024-11-26T00:00:00.000Z', '2024-11-28T00:00:00.000Z', 'saa'],
        ['2024-11-28T00:00:00.000Z', null, 'hts'],
      ],
    )
  })

  t.test('refuses start after end, and start without end', async (t) => {
    const backwards = await app.inject({ url: '/v1/features/town-b/control?dataset=test&start=2024-11-30&end=2024-11-25' })
    t.equal(backwards.statusCode, 400)
    t.equal(backwards.json().code, 'INVALID_DATE')
    const half = await app.inject({ url: '/v1/features/town-b/control?dataset=test&start=2024-11-30' })
    t.equal(half.statusCode, 400)
  })
})
