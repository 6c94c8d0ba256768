// Serial: asserts latencies, so it runs alone (tap's serial directory), never beside another test file.
import t from 'tap'
import { AUTH, buildTestApp, seed } from '../helpers.js'

/** A wavy ring of `vertices` points around (lon, lat): simple (a star-shaped radius), valid, and long to validate. */
function star(lon: number, lat: number, vertices: number): number[][] {
  const ring: number[][] = []
  for (let i = 0; i < vertices; i++) {
    const angle = (2 * Math.PI * i) / vertices
    const radius = 0.4 + 0.02 * Math.sin(7 * angle)
    ring.push([lon + radius * Math.cos(angle), lat + radius * Math.sin(angle)])
  }
  ring.push(ring[0])
  return ring
}

t.test('a large import is validated off the thread that answers /health', async (t) => {
  const app = await buildTestApp(t)
  await seed(app)
  const base = await app.listen({ port: 0, host: '127.0.0.1' })
  await app.work.warm()
  const vertices = 200_000
  const body = JSON.stringify({
    type: 'FeatureCollection',
    features: Array.from({ length: 5 }, (_, i) => ({
      type: 'Feature',
      geometry: { type: 'Polygon', coordinates: [star(i, 0, vertices)] },
      properties: { actor: 'hts' },
    })),
  })
  const started = performance.now()
  const importing = fetch(`${base}/v1/datasets/test/snapshots?valid_from=2024-11-26`, {
    method: 'POST',
    headers: { ...AUTH, 'content-type': 'application/geo+json' },
    body,
  }).then(async (res) => ({ status: res.status, body: await res.text(), ms: performance.now() - started }))
  const probes: number[] = []
  let done = false
  void importing.then(() => (done = true))
  while (!done) {
    const t0 = performance.now()
    await (await fetch(`${base}/health`)).arrayBuffer()
    probes.push(performance.now() - t0)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  const result = await importing
  t.equal(result.status, 201, result.body.slice(0, 300))
  const worst = Math.max(...probes)
  t.ok(probes.length >= 5, `${probes.length} probes over the ${result.ms.toFixed(0)} ms of the import`)
  // Reading the body (JSON.parse of ~25 MB) stays on the request's thread; the walk of a million vertices does not.
  t.ok(worst < result.ms / 3 && worst < 1000, `the slowest /health took ${worst.toFixed(0)} ms of the import's ${result.ms.toFixed(0)} ms`)
})
