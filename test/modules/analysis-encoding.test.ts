import t from 'tap'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { AUTH, area, band, buildTestApp, collection, importSnapshot, seed } from '../helpers.js'

// An analysis body comes from a worker uncompressed; the answering thread compresses it for the
// encoding a request accepts, once. Content-Encoding must follow Accept-Encoding as before.
t.test('analysis answers and Accept-Encoding', async (t) => {
  const app = await buildTestApp(t)
  await seed(app, 'test')
  for (let day = 1; day <= 20; day++) {
    const edge = 1 + day / 40
    const date = `2024-11-${String(day).padStart(2, '0')}`
    const res = await importSnapshot(app, 'test', date, collection([area(band(0, edge), { actor: 'hts' }), area(band(edge, 2), { actor: 'saa' })]))
    t.equal(res.statusCode, 201, date)
  }
  const city = collection([
    {
      type: 'Feature',
      id: 'city',
      geometry: { type: 'Point', coordinates: [1.9, 0.5] },
      properties: { name: 'City', kind: 'city', owner_side: 'government' },
    },
  ])
  t.equal((await app.inject({ method: 'POST', url: '/v1/datasets/test/features', headers: AUTH, payload: city })).statusCode, 201)
  const url = '/v1/analysis/distance?dataset=test&from=side:opposition&to=feature:city&start=2024-11-01&end=2024-11-20'

  const identity = await app.inject({ url })
  t.equal(identity.statusCode, 200, identity.body.slice(0, 300))
  t.equal(identity.headers['content-encoding'], undefined, 'a client without Accept-Encoding gets identity')
  t.ok(identity.rawPayload.length > 2048, `the answer (${identity.rawPayload.length} bytes) is large enough to be compressed`)
  const series = identity.json()
  // From hts ground (west of lon 1 + day/40) to the city at lon 1.9, lat 0.5: 0.9 − day/40 degrees along a parallel near the equator.
  const km = (degrees: number) => ((6371.0088 * Math.PI) / 180) * degrees
  const close = (actual: number, expected: number) => Math.abs(actual - expected) <= expected * 0.005
  t.ok(close(series.summary.firstKm, km(0.875)), `first ${series.summary.firstKm} km ≈ ${km(0.875)}`)
  t.ok(close(series.summary.lastKm, km(0.4)), `last ${series.summary.lastKm} km ≈ ${km(0.4)}`)

  const gzip = await app.inject({ url, headers: { 'accept-encoding': 'gzip' } })
  t.equal(gzip.headers['content-encoding'], 'gzip')
  t.equal(gzip.headers['x-cache'], 'hit')
  t.equal(gunzipSync(gzip.rawPayload).toString('hex'), identity.rawPayload.toString('hex'))
  const br = await app.inject({ url, headers: { 'accept-encoding': 'br;q=1, gzip;q=0.5' } })
  t.equal(br.headers['content-encoding'], 'br')
  t.equal(brotliDecompressSync(br.rawPayload).toString('hex'), identity.rawPayload.toString('hex'))
  const again = await app.inject({ url })
  t.equal(again.headers['content-encoding'], undefined)
  t.equal(again.rawPayload.toString('hex'), identity.rawPayload.toString('hex'))
  t.equal(again.headers.etag, identity.headers.etag)
  const revalidated = await app.inject({ url, headers: { 'accept-encoding': 'gzip', 'if-none-match': identity.headers.etag as string } })
  t.equal(revalidated.statusCode, 304)
})
