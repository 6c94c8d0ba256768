import { request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Writable } from 'node:stream'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { AUTH, area, buildTestApp, collection, importSnapshot, openTestDatabase, seed, square, testConfig } from '../helpers.js'

// A 6 × 5 grid of 0.1° squares, west to east then south to north: actors hts, sna, saa in turn
// (saa is the government side), two reports, a name beyond ASCII. Area ids follow the grid order.
const ACTORS = ['hts', 'sna', 'saa']
const grid = collection(
  Array.from({ length: 30 }, (_, i) =>
    area(square((i % 6) * 0.1, Math.floor(i / 6) * 0.1, 0.1), { actor: ACTORS[i % 3], source: i < 15 ? 'report-a' : 'report-b', name: `Ḥalab ${i}` }),
  ),
)

// Each square's feature is about 512 + 5 × 40 bytes by the estimate: a page of 2 is under 5,000
// bytes, the map of 30 over it.
const PAGE_BOUND_MB = String(5_000 / 1024 / 1024)

const decoded = (res: { rawPayload: Buffer; headers: Record<string, unknown> }): string => {
  const encoding = res.headers['content-encoding']
  if (encoding === 'gzip') return gunzipSync(res.rawPayload).toString()
  if (encoding === 'br') return brotliDecompressSync(res.rawPayload).toString()
  return res.rawPayload.toString()
}

t.test('GET /v1/control past STREAM_FROM_MB', async (t) => {
  const database = await openTestDatabase(t)
  // One database, three bounds: every map built whole, every map streamed, and between them a small page of a large map.
  const whole = await buildTestApp(t, {}, database)
  const streamed = await buildTestApp(t, { STREAM_FROM_MB: '0.000001' }, database)
  const paged = await buildTestApp(t, { STREAM_FROM_MB: PAGE_BOUND_MB }, database)
  await seed(whole, 'test')
  t.equal((await importSnapshot(whole, 'test', '2024-11-26', grid)).statusCode, 201)
  const get = (app: typeof whole, query: string, headers: Record<string, string> = {}) =>
    app.inject({ url: `/v1/control?dataset=test&at=2024-11-27&${query}`, headers: { host: 'frontline.test', ...headers } })

  const queries = ['', 'actor=saa', 'side=opposition', 'bbox=0.15,0.15,0.35,0.25', 'limit=7&offset=5', 'limit=5&offset=28', 'actor=sna&limit=3&offset=2']

  t.test('streams the bytes of the answer built whole, in every encoding', async (t) => {
    for (const query of queries) {
      const built = await get(whole, query)
      t.equal(built.statusCode, 200, query)
      t.ok(built.headers['content-length'], `${query}: built whole`)
      for (const encoding of ['identity', 'gzip', 'br', 'gzip, deflate, br']) {
        const res = await get(streamed, query, { 'accept-encoding': encoding })
        t.equal(res.statusCode, 200, `${query} ${encoding}`)
        t.notOk(res.headers['content-length'], `${query} ${encoding}: streamed`)
        t.equal(res.headers['content-encoding'], encoding === 'identity' ? undefined : encoding === 'gzip' ? 'gzip' : 'br', `${query} ${encoding}`)
        t.match(res.headers['content-type'], /^application\/geo\+json/)
        t.equal(decoded(res), built.body, `${query} ${encoding}`)
        t.equal(res.headers.etag, built.headers.etag, `${query} ${encoding}`)
      }
    }
  })

  t.test('streams the areas the grid puts there, in id order', async (t) => {
    const all = JSON.parse(decoded(await get(streamed, '', { 'accept-encoding': 'gzip' })))
    t.equal(all.numberMatched, 30)
    t.equal(all.features.length, 30)
    t.same(
      all.features.map((feature: any) => feature.properties.name),
      Array.from({ length: 30 }, (_, i) => `Ḥalab ${i}`),
    )
    t.same(all.sources, ['report-a', 'report-b'])
    // The box meets columns 1–3 of row 1 and row 2 (lon 0.1–0.4, lat 0.1–0.3): cells 7–9 and 13–15.
    const boxed = JSON.parse(decoded(await get(streamed, 'bbox=0.15,0.15,0.35,0.25')))
    t.same(
      boxed.features.map((feature: any) => feature.properties.name),
      [7, 8, 9, 13, 14, 15].map((i) => `Ḥalab ${i}`),
    )
    t.same(boxed.sources, ['report-a', 'report-b'])
    const government = JSON.parse(decoded(await get(streamed, 'actor=saa&limit=3')))
    t.equal(government.numberMatched, 10)
    t.same(
      government.features.map((feature: any) => feature.properties.name),
      ['Ḥalab 2', 'Ḥalab 5', 'Ḥalab 8'],
    )
    t.same(government.features[0].geometry.coordinates[0][2], [0.30000000000000004, 0.1])
  })

  t.test('answers 304 to the validators of a streamed answer before streaming', async (t) => {
    const first = await get(streamed, '')
    const again = await get(streamed, '', { 'if-none-match': String(first.headers.etag) })
    t.equal(again.statusCode, 304)
    t.equal(again.body, '')
  })

  t.test('a small page of a map past the bound is built from its rows, the same bytes', async (t) => {
    for (const query of ['limit=2', 'limit=2&offset=29', 'actor=saa&limit=1&offset=4']) {
      const built = await get(whole, query, { 'accept-encoding': 'gzip' })
      const res = await get(paged, query, { 'accept-encoding': 'gzip' })
      t.ok(res.headers['content-length'], `${query}: not streamed`)
      t.equal(decoded(res), decoded(built), query)
      t.equal(res.headers.etag, built.headers.etag, query)
    }
    const map = await get(paged, '')
    t.notOk(map.headers['content-length'], 'the whole map is streamed')
    t.equal(map.body, (await get(whole, '')).body)
  })

  t.test('the CSV of a map is never streamed', async (t) => {
    const res = await get(streamed, 'f=csv')
    t.equal(res.statusCode, 200)
    t.ok(res.headers['content-length'])
    t.equal(res.body, (await get(whole, 'f=csv')).body)
  })

  t.test('GET /collections/{id}/items streams the page built whole, in every encoding', async (t) => {
    const items = (app: typeof whole, query: string, headers: Record<string, string> = {}) =>
      app.inject({ url: `/collections/test-areas/items?${query}`, headers: { host: 'frontline.test', ...headers } })
    // Each page says when it was made: the rest of its text is the same.
    const timeless = (text: string) => text.replace(/"timeStamp":"[^"]+"/, '"timeStamp":""')
    const pages = [
      'datetime=2024-11-27T00:00:00Z&limit=30',
      'limit=7&offset=3',
      'datetime=2024-11-26T00:00:00Z/..&bbox=0.15,0.15,0.35,0.25',
      'datetime=2024-11-27T00:00:00Z&properties=actor,areaKm2&limit=12',
      `filter=${encodeURIComponent("actor='saa'")}&sortby=-id&limit=4`,
    ]
    for (const query of pages) {
      const built = await items(whole, query)
      t.equal(built.statusCode, 200, query)
      t.ok(built.headers['content-length'], `${query}: built whole`)
      for (const encoding of ['identity', 'gzip', 'br']) {
        const res = await items(streamed, query, { 'accept-encoding': encoding })
        t.equal(res.statusCode, 200, `${query} ${encoding}`)
        t.notOk(res.headers['content-length'], `${query} ${encoding}: streamed`)
        t.equal(timeless(decoded(res)), timeless(built.body), `${query} ${encoding}`)
        t.equal(res.headers.etag, built.headers.etag, `${query} ${encoding}`)
      }
    }
    const government = JSON.parse(decoded(await items(streamed, pages[4])))
    t.equal(government.numberMatched, 10)
    t.same(
      government.features.map((feature: any) => feature.properties.name),
      ['Ḥalab 29', 'Ḥalab 26', 'Ḥalab 23', 'Ḥalab 20'],
    )
    const skipped = await items(streamed, 'limit=30&skipGeometry=true')
    t.ok(skipped.headers['content-length'], 'a page without geometry is built whole')
    const small = await items(paged, 'datetime=2024-11-27T00:00:00Z&limit=2')
    t.ok(small.headers['content-length'], 'a small page of a large map is built whole')
    t.equal(timeless(small.body), timeless((await items(whole, 'datetime=2024-11-27T00:00:00Z&limit=2')).body))
  })

  t.test('refuses an unknown actor before streaming', async (t) => {
    const res = await get(streamed, 'actor=nobody')
    t.equal(res.statusCode, 404)
    t.equal(res.json().code, 'ACTOR_NOT_FOUND')
  })
})

t.test('GET /v1/control streamed while its dataset is deleted', async (t) => {
  // 400 squares, each with 40 KB of properties: 16 MB of map, more than the sockets on either side
  // buffer, so that most of it is still to be read from the store when the dataset goes.
  const note = 'x'.repeat(40_000)
  const large = collection(
    Array.from({ length: 400 }, (_, i) => area(square((i % 20) * 0.05, Math.floor(i / 20) * 0.05, 0.05), { actor: ACTORS[i % 3], source: 'report-a', note })),
  )
  const logs: string[] = []
  const app = await buildApp({
    config: testConfig({ STREAM_FROM_MB: '0.000001' }),
    database: await openTestDatabase(t),
    logger: {
      level: 'warn',
      stream: new Writable({
        write(chunk: Buffer, _encoding, done) {
          logs.push(chunk.toString())
          done()
        },
      }),
    },
  })
  t.teardown(() => app.close())
  await seed(app, 'test')
  t.equal((await importSnapshot(app, 'test', '2024-11-26', large)).statusCode, 201)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo

  const outcome = await new Promise<{ status: number; bytes: number; cut: boolean }>((resolve, reject) => {
    const req = httpRequest({ port, path: '/v1/control?dataset=test&at=2024-11-27' }, (res) => {
      res.pause()
      let bytes = 0
      let cut = false
      res.on('data', (chunk: Buffer) => (bytes += chunk.length))
      res.on('aborted', () => (cut = true))
      res.on('error', () => (cut = true))
      res.on('close', () => resolve({ status: res.statusCode!, bytes, cut: cut || !res.complete }))
      app
        .inject({ method: 'DELETE', url: '/v1/datasets/test', headers: AUTH })
        .then((deleted) => {
          t.equal(deleted.statusCode, 200)
          res.resume()
        })
        .catch(reject)
    })
    req.on('error', () => {})
    req.end()
  })
  t.equal(outcome.status, 200)
  t.ok(outcome.cut, 'the body is cut short')
  t.ok(outcome.bytes < 400 * 40_000, `${outcome.bytes} bytes of over 16 MB`)
  t.match(logs.join(''), /was gone when its batch was read/)
})
