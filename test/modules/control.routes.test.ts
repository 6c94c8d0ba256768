import t from 'tap'
import { AUTH, area, buildTestApp, collection, importSnapshot, seed, square } from '../helpers.js'

// Two sides across a north–south line at the equator. On 26 Nov the line is lon 1; on 28 Nov
// hts has pushed it to lon 1.5. The probe point (1.25, 0.5) changes hands by construction.
const day26 = collection([area(square(0, 0, 1), { actor: 'hts', source: 'report-26' }), area(square(1, 0, 1), { actor: 'saa', source: 'report-26' })])
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
    { actor: 'hts', source: 'report-28' },
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
    { actor: 'SAA', source: 'report-28' },
  ),
])

t.test('GET /v1/control', async (t) => {
  const app = await buildTestApp(t)
  await seed(app, 'test')
  t.equal((await importSnapshot(app, 'test', '2024-11-26', day26)).statusCode, 201)
  t.equal((await importSnapshot(app, 'test', '2024-11-28', day28)).statusCode, 201)

  const map = async (query: string) => {
    const res = await app.inject({ url: `/v1/control?dataset=test&${query}` })
    return { res, body: res.statusCode === 200 ? res.json() : undefined }
  }

  t.test('answers an empty map before the first snapshot', async (t) => {
    const { res, body } = await map('at=2024-11-25')
    t.equal(res.statusCode, 200)
    t.match(res.headers['content-type'], /^application\/geo\+json/)
    t.same(body.features, [])
  })

  t.test('answers the map published for a day (a bare date is the end of that day)', async (t) => {
    const { body } = await map('at=2024-11-26')
    t.equal(body.type, 'FeatureCollection')
    t.same(body.features.map((f: any) => f.properties.actor).sort(), ['hts', 'saa'])
    const hts = body.features.find((f: any) => f.properties.actor === 'hts')
    t.match(hts.properties, {
      side: 'opposition',
      status: 'controlled',
      validFrom: '2024-11-26T00:00:00.000Z',
      validTo: '2024-11-28T00:00:00.000Z',
      sources: ['report-26'],
    })
    // 1° × 1° at the equator on a sphere of radius 6371.0088 km: (π R / 180)² · sin(1°)/(π/180) ≈ 12,363.5 km²
    const expected = 6371.0088 ** 2 * (Math.PI / 180) * Math.sin(Math.PI / 180)
    t.ok(Math.abs(hts.properties.areaKm2 - expected) / expected < 0.005, `area ${hts.properties.areaKm2} ≈ ${expected}`)
    t.same(body.sources, ['report-26'])
  })

  t.test('between two snapshots answers the earlier one', async (t) => {
    const { body } = await map('at=2024-11-27T23:59:59Z')
    t.same(
      body.features.map((f: any) => f.properties.sources[0]),
      ['report-26', 'report-26'],
    )
  })

  t.test('from the second snapshot on answers it, open-ended', async (t) => {
    const { body } = await map('at=2024-12-30')
    t.equal(body.features.length, 2)
    for (const feature of body.features) t.match(feature.properties, { validFrom: '2024-11-28T00:00:00.000Z', validTo: null })
  })

  t.test('filters by actor, side and bbox', async (t) => {
    t.same(
      (await map('at=2024-11-26&actor=saa')).body.features.map((f: any) => f.properties.actor),
      ['saa'],
    )
    t.same(
      (await map('at=2024-11-26&side=opposition')).body.features.map((f: any) => f.properties.actor),
      ['hts'],
    )
    t.same(
      (await map('at=2024-11-26&bbox=1.6,0.2,1.9,0.8')).body.features.map((f: any) => f.properties.actor),
      ['saa'],
    )
    t.same((await map('at=2024-11-26&bbox=5,5,6,6')).body.features, [])
  })

  t.test('answers 304 to a matching If-None-Match and a new ETag after an import', async (t) => {
    const first = await app.inject({ url: '/v1/control?dataset=test&at=2024-11-26' })
    const etag = first.headers.etag as string
    t.ok(etag)
    const again = await app.inject({ url: '/v1/control?dataset=test&at=2024-11-26', headers: { 'if-none-match': etag } })
    t.equal(again.statusCode, 304)
    await app.inject({ method: 'PUT', url: '/v1/datasets/test/actors/ru', headers: AUTH, payload: { name: 'Russia', side: 'government' } })
    const after = await app.inject({ url: '/v1/control?dataset=test&at=2024-11-26', headers: { 'if-none-match': etag } })
    t.equal(after.statusCode, 200)
    t.not(after.headers.etag, etag)
  })

  t.test('compresses large maps on request', async (t) => {
    const ring = Array.from({ length: 400 }, (_, k) => [10 + Math.cos((k / 400) * 2 * Math.PI), Math.sin((k / 400) * 2 * Math.PI)])
    const circle = collection([area({ type: 'Polygon', coordinates: [[...ring, ring[0]]] }, { actor: 'hts' })])
    t.equal((await importSnapshot(app, 'test', '2025-01-01', circle)).statusCode, 201)
    const res = await app.inject({ url: '/v1/control?dataset=test&at=2025-01-01', headers: { 'accept-encoding': 'gzip' } })
    t.equal(res.statusCode, 200)
    t.equal(res.headers['content-encoding'], 'gzip')
  })

  t.test('refuses bad parameters with problem+json', async (t) => {
    for (const [query, path, code] of [
      ['at=2024-13-01', '/query/at', 'INVALID_DATE'],
      ['at=yesterday', '/query/at', 'INVALID_DATE'],
      ['bbox=1,2,3', '/query/bbox', 'INVALID_REQUEST'],
      ['bbox=3,0,1,1', '/query/bbox', 'INVALID_REQUEST'],
      ['known_at=2024-02-30', '/query/known_at', 'INVALID_DATE'],
    ]) {
      const res = await app.inject({ url: `/v1/control?dataset=test&${query}` })
      t.equal(res.statusCode, 400, query)
      t.match(res.headers['content-type'], /^application\/problem\+json/)
      // A date names its own code in errors[] too; other details carry zod's.
      t.match(res.json(), { status: 400, code, errors: [{ path, ...(code === 'INVALID_DATE' ? { code } : {}) }] }, query)
    }
    const missing = await app.inject({ url: '/v1/control?dataset=nope&at=2024-11-26' })
    t.equal(missing.statusCode, 404)
    t.equal(missing.json().code, 'DATASET_NOT_FOUND')
  })
})

t.test('GET /v1/control/point', async (t) => {
  const app = await buildTestApp(t)
  await seed(app, 'test')
  await importSnapshot(app, 'test', '2024-11-26', day26)
  await importSnapshot(app, 'test', '2024-11-28', day28)
  // a third day repeating the second: carried on, so "since" must still be the 28th
  const day29 = await importSnapshot(app, 'test', '2024-11-29', day28)
  t.match(day29.json().import.counts, { carried: 2, inserted: 0, closed: 0 })

  const point = async (lon: number, lat: number, at: string) =>
    (await app.inject({ url: `/v1/control/point?dataset=test&lon=${lon}&lat=${lat}&at=${at}` })).json()

  t.test('nobody holds it before the first snapshot', async (t) => {
    t.match(await point(1.25, 0.5, '2024-11-25'), { holder: null, holders: [] })
  })
  t.test('the government holds it from the 26th until the 28th', async (t) => {
    const answer = await point(1.25, 0.5, '2024-11-27')
    t.match(answer.holder, { actor: 'saa', side: 'government', since: '2024-11-26T00:00:00.000Z', until: '2024-11-28T00:00:00.000Z' })
  })
  t.test('the opposition holds it from the 28th on, through carried snapshots', async (t) => {
    t.match((await point(1.25, 0.5, '2024-11-30')).holder, { actor: 'hts', side: 'opposition', since: '2024-11-28T00:00:00.000Z', until: null })
  })
  t.test('a point held throughout keeps its first date though its polygon changed', async (t) => {
    t.match((await point(0.5, 0.5, '2024-11-30')).holder, { actor: 'hts', since: '2024-11-26T00:00:00.000Z', until: null })
  })
  t.test('a point on no area has no holder', async (t) => {
    t.match(await point(10, 10, '2024-11-30'), { holder: null })
  })
  t.test('refuses out-of-range coordinates', async (t) => {
    const res = await app.inject({ url: '/v1/control/point?dataset=test&lon=200&lat=0' })
    t.equal(res.statusCode, 400)
    t.match(res.json(), { code: 'INVALID_REQUEST', errors: [{ path: '/query/lon' }] })
  })
})

t.test('knowledge time (known_at)', async (t) => {
  const app = await buildTestApp(t)
  await seed(app, 'test')
  const first = await importSnapshot(app, 'test', '2024-11-26', day26)
  const second = await importSnapshot(app, 'test', '2024-11-28', day28)
  t.equal(second.statusCode, 201)
  // A correction of the 28th: in fact saa still held everything east of lon 1.
  const corrected = await importSnapshot(app, 'test', '2024-11-28', day26)
  t.equal(corrected.statusCode, 201)
  t.match(corrected.json().import.counts, { replaced: 2, inserted: 2 })

  const beforeSecond = new Date(new Date(second.json().import.createdAt).getTime() - 1).toISOString()
  const beforeCorrection = new Date(new Date(corrected.json().import.createdAt).getTime() - 1).toISOString()
  const holderAt = async (known?: string) =>
    (await app.inject({ url: `/v1/control/point?dataset=test&lon=1.25&lat=0.5&at=2024-11-29${known ? `&known_at=${known}` : ''}` })).json().holder

  t.test('current knowledge answers with the correction', async (t) => {
    t.match(await holderAt(), { actor: 'saa' })
  })
  t.test('what was published before the correction is not erased', async (t) => {
    t.match(await holderAt(beforeCorrection), { actor: 'hts', since: '2024-11-28T00:00:00.000Z' })
  })
  t.test('before the second import the first map was still open-ended', async (t) => {
    t.match(await holderAt(beforeSecond), { actor: 'saa', until: null })
  })
  t.test('before anything was imported nothing was known', async (t) => {
    const beforeAll = new Date(new Date(first.json().import.createdAt).getTime() - 1).toISOString()
    t.equal(await holderAt(beforeAll), null)
  })
  t.test('the control map honours known_at too', async (t) => {
    const res = await app.inject({ url: `/v1/control?dataset=test&at=2024-11-29&known_at=${beforeCorrection}` })
    t.same(
      res
        .json()
        .features.map((f: any) => f.properties.sources[0])
        .sort(),
      ['report-28', 'report-28'],
    )
  })
})

t.test('GET /v1/datasets/{id}/timeline', async (t) => {
  const app = await buildTestApp(t)
  await seed(app, 'test')
  await importSnapshot(app, 'test', '2024-11-26', day26)
  await importSnapshot(app, 'test', '2024-11-28', day28)
  await importSnapshot(app, 'test', '2024-11-29', day28)
  const res = await app.inject({ url: '/v1/datasets/test/timeline' })
  t.equal(res.statusCode, 200)
  t.same(res.json().instants, ['2024-11-26T00:00:00.000Z', '2024-11-28T00:00:00.000Z'])
  t.match(res.json(), { first: '2024-11-26T00:00:00.000Z', last: '2024-11-28T00:00:00.000Z' })

  t.test('a snapshot inserted between two others changes only its own span', async (t) => {
    const middle = collection([area(square(0, 0, 2), { actor: 'hts' })])
    t.equal((await importSnapshot(app, 'test', '2024-11-27', middle)).statusCode, 201)
    const at27 = (await app.inject({ url: '/v1/control?dataset=test&at=2024-11-27' })).json()
    t.same(
      at27.features.map((f: any) => [f.properties.actor, f.properties.validFrom, f.properties.validTo]),
      [['hts', '2024-11-27T00:00:00.000Z', '2024-11-28T00:00:00.000Z']],
    )
    const at26 = (await app.inject({ url: '/v1/control?dataset=test&at=2024-11-26' })).json()
    t.equal(at26.features.length, 2)
    const at28 = (await app.inject({ url: '/v1/control?dataset=test&at=2024-11-28' })).json()
    t.same(
      at28.features.map((f: any) => f.properties.sources[0]),
      ['report-28', 'report-28'],
    )
  })
})
