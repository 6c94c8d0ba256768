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

  t.test('the coverage and notes of the dataset ride along', async (t) => {
    const list = (await app.inject({ url: '/v1/features?dataset=test' })).json()
    t.same(list.coverage, { from: null, to: null, bbox: null })
    t.same(
      list.notes.map((note: any) => note.code),
      ['DATASET_EMPTY'],
    )
    t.match((await app.inject({ url: '/v1/features/road?dataset=test' })).json(), {
      type: 'Feature',
      id: 'road',
      coverage: { from: null },
      notes: [{ code: 'DATASET_EMPTY' }],
    })
  })

  t.test('as CSV without geometry: id, kind, name, ownerSide, geometry.type', async (t) => {
    const quoted = collection([
      { type: 'Feature', id: 'quoted', geometry: { type: 'Point', coordinates: [3, 3] }, properties: { kind: 'town', name: 'Town, "C"' } },
    ])
    t.equal((await app.inject({ method: 'POST', url: '/v1/datasets/test/features', headers: AUTH, payload: quoted })).statusCode, 201)
    const expected =
      'id,kind,name,ownerSide,geometry.type\n' +
      'edge,outskirts,Edge of town,,Polygon\n' +
      'quoted,town,"Town, ""C""",,Point\n' +
      'road,highway,The Road,government,LineString\n' +
      'town-b,town,Town B,,Point\n' +
      'village-a,village,Village A,,Point\n'
    for (const request of [{ url: '/v1/features?dataset=test&f=csv' }, { url: '/v1/features?dataset=test', headers: { accept: 'text/csv' } }]) {
      const res = await app.inject(request)
      t.equal(res.statusCode, 200)
      t.match(res.headers['content-type'], /^text\/csv/)
      t.equal(res.body, expected)
    }
    const filtered = await app.inject({ url: '/v1/features?dataset=test&kind=town&f=csv' })
    t.equal(filtered.body, 'id,kind,name,ownerSide,geometry.type\nquoted,town,"Town, ""C""",,Point\ntown-b,town,Town B,,Point\n', 'filters apply')
    const json = await app.inject({ url: '/v1/features?dataset=test&f=json', headers: { accept: 'text/csv' } })
    t.match(json.headers['content-type'], /application\/geo\+json/, 'f wins over Accept')
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

  t.test('history between start and end, one entry per change; a bare start is the end of that day', async (t) => {
    const answer = await control('town-b', 'start=2024-11-25&end=2024-11-30')
    t.same(
      answer.history.map((h: any) => [h.from, h.to, h.actor]),
      [
        ['2024-11-25T23:59:59.999Z', '2024-11-26T00:00:00.000Z', null],
        ['2024-11-26T00:00:00.000Z', '2024-11-28T00:00:00.000Z', 'saa'],
        ['2024-11-28T00:00:00.000Z', null, 'hts'],
      ],
    )
    t.equal(answer.start, '2024-11-25T23:59:59.999Z')
    t.equal(answer.end, '2024-11-30T23:59:59.999Z')
    const fromDay = await control('town-b', 'start=2024-11-26&end=2024-11-30')
    t.same(
      fromDay.history.map((h: any) => [h.from, h.to, h.actor]),
      [
        ['2024-11-26T23:59:59.999Z', '2024-11-28T00:00:00.000Z', 'saa'],
        ['2024-11-28T00:00:00.000Z', null, 'hts'],
      ],
      'the map published for the 26th, as at=2024-11-26 reads it',
    )
  })

  t.test('notes: dates outside the coverage', async (t) => {
    const before = await control('town-b', 'at=2024-11-20')
    t.equal(before.holder, null)
    t.same(before.coverage, { from: '2024-11-26T00:00:00.000Z', to: '2024-11-28T00:00:00.000Z', bbox: [0, 0, 2, 1] })
    t.same(
      before.notes.map((note: any) => note.code),
      ['AT_BEFORE_COVERAGE'],
    )
    const range = await control('town-b', 'start=2024-11-01&end=2024-11-20')
    t.same(
      range.history.map((h: any) => h.actor),
      [null],
    )
    t.same(
      range.notes.map((note: any) => note.code),
      ['AT_BEFORE_COVERAGE', 'AT_BEFORE_COVERAGE'],
      'start and end both before the first map',
    )
    t.same(
      (await control('town-b', 'at=2024-11-30')).notes.map((note: any) => note.code),
      ['AT_AFTER_COVERAGE'],
    )
    t.same((await control('road', 'at=2024-11-27')).notes, [], 'inside the coverage, held: nothing to say')
  })

  t.test('notes: a feature inside no area', async (t) => {
    const far = collection([{ type: 'Feature', id: 'far', geometry: { type: 'Point', coordinates: [5, 5] }, properties: { kind: 'village', name: 'Far' } }])
    t.equal((await app.inject({ method: 'POST', url: '/v1/datasets/test/features', headers: AUTH, payload: far })).statusCode, 201)
    const at = await control('far', 'at=2024-11-27')
    t.match(at, { holder: null, holders: [] })
    t.same(
      at.notes.map((note: any) => note.code),
      ['NO_AREA'],
    )
    const history = await control('far', 'start=2024-11-25&end=2024-11-30')
    t.same(
      history.notes.map((note: any) => note.code),
      ['AT_BEFORE_COVERAGE', 'AT_AFTER_COVERAGE', 'NO_AREA'],
      'start is before the first map, end past the last change; never inside an area over the range',
    )
  })

  t.test("a since at the dataset's first instant is a lower bound", async (t) => {
    const first = await control('town-b', 'at=2024-11-27')
    t.match(first.holder, { actor: 'saa', since: '2024-11-26T00:00:00.000Z', sinceIsLowerBound: true })
    t.same(
      first.notes.map((note: any) => note.code),
      ['SINCE_IS_LOWER_BOUND'],
    )
    const later = await control('town-b', 'at=2024-11-30')
    t.match(later.holder, { actor: 'hts', since: '2024-11-28T00:00:00.000Z', sinceIsLowerBound: false })
    t.notOk(
      later.notes.some((note: any) => note.code === 'SINCE_IS_LOWER_BOUND'),
      'a change within the data is a real since',
    )
    const history = await control('town-b', 'start=2024-11-26T00:00Z&end=2024-11-30')
    t.same(
      history.history.map((h: any) => [h.from, h.actor, h.fromIsLowerBound]),
      [
        ['2024-11-26T00:00:00.000Z', 'saa', true],
        ['2024-11-28T00:00:00.000Z', 'hts', false],
      ],
    )
    t.same(
      history.notes.map((note: any) => note.code),
      ['AT_AFTER_COVERAGE', 'SINCE_IS_LOWER_BOUND'],
    )
  })

  t.test('as CSV: the holders at a date, the history one row per entry and holder', async (t) => {
    const at = await app.inject({ url: '/v1/features/town-b/control?dataset=test&at=2024-11-27&f=csv' })
    t.equal(at.statusCode, 200)
    t.match(at.headers['content-type'], /^text\/csv/)
    t.equal(
      at.body,
      'actor,side,status,share,lengthKm,areaKm2,since,sinceIsLowerBound,until\n' +
        'saa,government,controlled,1,,,2024-11-26T00:00:00.000Z,true,2024-11-28T00:00:00.000Z\n',
    )
    const history = await app.inject({ url: '/v1/features/town-b/control?dataset=test&start=2024-11-25&end=2024-11-30', headers: { accept: 'text/csv' } })
    t.equal(history.statusCode, 200)
    t.equal(
      history.body,
      'from,fromIsLowerBound,to,actor,side,status,holders.actor,holders.side,holders.status,holders.share,holders.lengthKm,holders.areaKm2\n' +
        '2024-11-25T23:59:59.999Z,false,2024-11-26T00:00:00.000Z,,,,,,,,,\n' +
        '2024-11-26T00:00:00.000Z,true,2024-11-28T00:00:00.000Z,saa,government,controlled,saa,government,controlled,1,,\n' +
        '2024-11-28T00:00:00.000Z,false,,hts,opposition,controlled,hts,opposition,controlled,1,,\n',
    )
    const road = await app.inject({ url: '/v1/features/road/control?dataset=test&start=2024-11-25&end=2024-11-30&f=csv' })
    const rows = road.body
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(','))
    t.same(
      rows.map((row) => [row[0], row[6]]),
      [
        ['2024-11-25T23:59:59.999Z', ''],
        ['2024-11-26T00:00:00.000Z', 'saa'],
        ['2024-11-26T00:00:00.000Z', 'hts'],
        ['2024-11-28T00:00:00.000Z', 'hts'],
        ['2024-11-28T00:00:00.000Z', 'saa'],
      ],
      'two holders of the road, two rows, the larger share first',
    )
    // 0.75° and 0.5° of the 1.25° road on the 26th; 1° and 0.25° from the 28th.
    const expected = [0.6, 0.4, 0.8, 0.2]
    rows.slice(1).forEach((row, i) => t.ok(Math.abs(Number(row[9]) - expected[i]) < 0.002, `${row[9]} ≈ ${expected[i]}`))
  })

  t.test('refuses start after end, and start without end', async (t) => {
    const backwards = await app.inject({ url: '/v1/features/town-b/control?dataset=test&start=2024-11-30&end=2024-11-25' })
    t.equal(backwards.statusCode, 400)
    t.equal(backwards.json().code, 'INVALID_DATE')
    const half = await app.inject({ url: '/v1/features/town-b/control?dataset=test&start=2024-11-30' })
    t.equal(half.statusCode, 400)
  })
})
