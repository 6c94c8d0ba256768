import t from 'tap'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { area, buildTestApp, collection, importSnapshot, seed, square } from '../helpers.js'

// Two squares side by side from 26 Nov, a third map from 28 Nov: every instant of [26 Nov, 28 Nov)
// is one validity interval, whose features the map keeps once for all its instants.
const day26 = collection([area(square(0, 0, 1), { actor: 'hts', source: 'report-26' }), area(square(1, 0, 1), { actor: 'saa', source: 'report-26' })])
const day28 = collection([area(square(0, 0, 1.5), { actor: 'hts', source: 'report-28' }), area(square(1.5, 0, 0.5), { actor: 'saa', source: 'report-28' })])

t.test('the map at another instant of an interval already made', async (t) => {
  const app = await buildTestApp(t)
  await seed(app, 'test')
  t.equal((await importSnapshot(app, 'test', '2024-11-26', day26)).statusCode, 201)
  t.equal((await importSnapshot(app, 'test', '2024-11-28', day28)).statusCode, 201)
  const get = (query: string, headers: Record<string, string> = {}) => app.inject({ url: `/v1/control?dataset=test&${query}`, headers })

  const queries = [
    'at=2024-11-27T18:00:00Z',
    'at=2024-11-27T18:00:00Z&actor=saa',
    'at=2024-11-27T18:00:00Z&bbox=1.2,0.2,1.8,0.8',
    'at=2024-11-27T18:00:00Z&limit=1&offset=1',
    'at=2024-11-27T18:00:00Z&f=csv',
  ]

  t.test('answers the bytes a fresh render answers', async (t) => {
    for (const query of queries) {
      // The interval is made at 06:00 first; 18:00 then comes from what was kept for it.
      t.equal((await get(query.replace('18:00', '06:00'))).statusCode, 200)
      const second = await get(query)
      app.readModel.cache.clear()
      const fresh = await get(query)
      t.equal(second.statusCode, 200, query)
      t.equal(second.rawPayload.toString('hex'), fresh.rawPayload.toString('hex'), query)
      t.equal(second.headers.etag, fresh.headers.etag, query)
    }
  })

  t.test('says the instant asked and links to it', async (t) => {
    await get('at=2024-11-27T06:00:00Z')
    const body = (await get('at=2024-11-27T18:00:00Z')).json()
    t.equal(body.at, '2024-11-27T18:00:00.000Z')
    t.same(
      body.features.map((f: any) => [f.properties.actor, f.geometry.coordinates[0][2]]),
      [
        ['hts', [1, 1]],
        ['saa', [2, 1]],
      ],
    )
    t.same(body.sources, ['report-26'])
    const self = body.links.find((link: any) => link.rel === 'self')
    t.match(self.href, /at=2024-11-27T18:00:00Z/)
  })

  t.test('a note names the instant asked, not the one the interval was made at', async (t) => {
    await get('at=2024-11-27T06:00:00Z&actor=sna')
    const body = (await get('at=2024-11-27T18:00:00Z&actor=sna')).json()
    t.same(body.features, [])
    t.same(
      body.notes.map((note: any) => note.message),
      ["actor 'sna' holds no area at 2024-11-27T18:00:00.000Z"],
    )
  })

  t.test('a write at a new revision is seen at every instant', async (t) => {
    const before = (await get('at=2024-11-27T18:00:00Z')).json()
    // A map from noon on 27 Nov splits the interval: 06:00 keeps the old map, 18:00 shows the new.
    const noon = collection([
      area(square(0, 0, 1.25), { actor: 'hts', source: 'report-27' }),
      area(square(1.25, 0, 0.75), { actor: 'saa', source: 'report-27' }),
    ])
    t.equal((await importSnapshot(app, 'test', '2024-11-27T12:00:00Z', noon)).statusCode, 201)
    const morning = (await get('at=2024-11-27T06:00:00Z')).json()
    const evening = (await get('at=2024-11-27T18:00:00Z')).json()
    t.ok(evening.revision > before.revision)
    t.equal(morning.revision, evening.revision)
    t.same(morning.sources, ['report-26'])
    t.same(evening.sources, ['report-27'])
    t.same(evening.features[0].geometry.coordinates[0][2], [1.25, 1.25])
    t.same(morning.features[0].geometry.coordinates[0][2], [1, 1])
  })

  t.test('compression follows Accept-Encoding on a spliced body', async (t) => {
    const ring = Array.from({ length: 400 }, (_, k) => [10 + Math.cos((k / 400) * 2 * Math.PI), Math.sin((k / 400) * 2 * Math.PI)])
    const circle = collection([area({ type: 'Polygon', coordinates: [[...ring, ring[0]]] }, { actor: 'hts' })])
    t.equal((await importSnapshot(app, 'test', '2025-01-01', circle)).statusCode, 201)
    await get('at=2025-01-02')
    const plain = await get('at=2025-01-03')
    t.equal(plain.headers['content-encoding'], undefined)
    t.ok(plain.rawPayload.length > 2048)
    t.equal(plain.json().features[0].geometry.coordinates[0].length, 401)
    const gzip = await get('at=2025-01-03', { 'accept-encoding': 'gzip' })
    t.equal(gzip.headers['content-encoding'], 'gzip')
    t.equal(gunzipSync(gzip.rawPayload).toString('hex'), plain.rawPayload.toString('hex'))
    const br = await get('at=2025-01-03', { 'accept-encoding': 'gzip, br' })
    t.equal(br.headers['content-encoding'], 'br')
    t.equal(brotliDecompressSync(br.rawPayload).toString('hex'), plain.rawPayload.toString('hex'))
  })
})
