// Serial (tap's serial directory): its budgets and its time-bounded runs need the machine to themselves.
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import type { Test } from 'tap'
import { area, buildTestApp, collection, importSnapshot, seed, square } from '../helpers.js'
import { importHeavyDays } from '../reliability/heavy.js'

const changes = (start: number, end: number) => `/v1/analysis/changes?dataset=test&start=2024-11-0${start}&end=2024-11-0${end}`

async function heavyApp(t: Test, overrides: Record<string, string>, vertices = 5000, days = 6): Promise<FastifyInstance> {
  const app = await buildTestApp(t, { ANALYSIS_WORKERS: '2', ...overrides })
  await seed(app)
  await importHeavyDays(app, 'test', days, vertices)
  return app
}

t.test('one client is held to its share while another is served', async (t) => {
  const app = await heavyApp(t, { ANALYSIS_PER_CLIENT: '1', ANALYSIS_TIMEOUT_MS: '20000' })
  const flooder = Array.from({ length: 4 }, (_, i) => app.inject({ url: changes(1, 2 + i), remoteAddress: '203.0.113.7' }))
  const other = app.inject({ url: changes(1, 6), remoteAddress: '198.51.100.9' })
  const answers = await Promise.all(flooder)
  const refused = answers.filter((res) => res.statusCode === 429)
  t.equal(answers.filter((res) => res.statusCode === 200).length, 1, 'the flooding client has one analysis running, its share')
  t.equal(refused.length, 3)
  t.equal(refused[0].json().code, 'CLIENT_BUSY')
  t.ok(Number(refused[0].headers['retry-after']) > 0)
  t.equal((await other).statusCode, 200, 'another client was served meanwhile')
})

t.test('a client at its share is refused what is not kept, and still served what is', async (t) => {
  const app = await heavyApp(t, { ANALYSIS_PER_CLIENT: '1', ANALYSIS_TIMEOUT_MS: '20000' })
  const client = '203.0.113.7'
  const kept = await app.inject({ url: changes(1, 2), remoteAddress: client })
  t.equal(kept.statusCode, 200)
  t.equal(kept.headers['x-cache'], 'miss')
  // Its share taken by an analysis still running, the client asks again what it was answered, then something new.
  const running = app.inject({ url: changes(1, 6), remoteAddress: client })
  await new Promise((resolve) => setImmediate(resolve))
  const again = await app.inject({ url: changes(1, 2), remoteAddress: client })
  t.equal(again.statusCode, 200, 'a kept answer costs no share')
  t.equal(again.headers['x-cache'], 'hit')
  t.equal(again.body, kept.body)
  const fresh = await app.inject({ url: changes(2, 3), remoteAddress: client })
  t.equal(fresh.statusCode, 429)
  t.equal(fresh.json().code, 'CLIENT_BUSY')
  const revalidated = await app.inject({ url: changes(1, 2), remoteAddress: client, headers: { 'if-none-match': kept.headers.etag as string } })
  t.equal(revalidated.statusCode, 304, 'a revalidation is answered before any share is asked')
  t.equal((await running).statusCode, 200)
})

t.test('the time budget cancels an analysis for real, and the overrun is remembered', async (t) => {
  // Two days of 600,000 edge vertices each: reading and indexing these maps takes a fraction of the
  // budget, and single steps of the overlay more than its grace (the analysis checks its deadline
  // between steps, which stops anything smaller on its own): only terminating the thread stops it in time.
  // With polyclip-ts 30,000 vertices were enough; Clipper2 clips them in well under the budget.
  const budget = 1000
  const app = await heavyApp(t, { ANALYSIS_TIMEOUT_MS: String(budget), ANALYSIS_MAX_COST: '1000000000' }, 600_000, 2)
  await seed(app, 'small')
  await importSnapshot(
    app,
    'small',
    '2024-11-02',
    collection([area(square(36, 36, 0.1), { actor: 'hts' }, 'west'), area(square(36.1, 36, 0.1), { actor: 'saa' }, 'east')]),
  )
  await app.work.warm()
  let started = Date.now()
  const res = await app.inject({ url: changes(1, 2) })
  const took = Date.now() - started
  t.equal(res.statusCode, 503)
  t.equal(res.json().code, 'ANALYSIS_TIMEOUT')
  t.ok(took >= budget && took < budget + 500 + 1000, `answered after ${took} ms: the budget, the grace, and little else`)
  const ready = (await app.inject({ url: '/ready' })).json()
  t.equal(ready.work.terminated, 1, 'its worker was terminated')
  started = Date.now()
  // Another spelling of the same call: the default polygons=true given explicitly, first.
  const again = await app.inject({ url: changes(1, 2).replace('?', '?polygons=true&') })
  t.equal(again.statusCode, 503)
  t.match(again.json().detail, /already ran out/)
  t.ok(Date.now() - started < 100, 'the retry is refused at once, however it is spelled')
  t.equal((await app.inject({ url: '/health' })).statusCode, 200)
  const fronts = await app.inject({ url: '/v1/analysis/fronts?dataset=small&at=2024-11-02' })
  t.equal(fronts.statusCode, 200, 'the pool works on after a termination')
})

t.test('an estimate refuses up front what cannot fit the budget', async (t) => {
  // Two areas of 5,000 edge vertices and 4 corners each: the map of one day has about 10,008 vertices.
  const app = await heavyApp(t, { ANALYSIS_MAX_COST: '1000000' }, 5000, 2)
  const res = await app.inject({ url: changes(1, 2) })
  t.equal(res.statusCode, 422)
  t.equal(res.json().code, 'ANALYSIS_TOO_COSTLY')
  t.match(res.json().detail, /closer together/)
  // 2 maps × ~10,008 vertices × 120 µs ≈ 2.4 s estimated: over 1 s, refused; a distance (1 µs a vertex) is not.
  t.equal((await app.inject({ url: '/v1/analysis/distance?dataset=test&from=side:opposition&to=side:government&at=2024-11-02' })).statusCode, 200)
})

t.test('answers are cached under the validated call, not the URL', async (t) => {
  const app = await heavyApp(t, {}, 200, 2)
  const first = await app.inject({ url: changes(1, 2) })
  t.equal(first.headers['x-cache'], 'miss')
  const junk = await app.inject({ url: `${changes(1, 2)}&zzz=1` })
  t.equal(junk.statusCode, 400, 'a junk parameter cannot bypass the cache: it is refused')
  t.equal(junk.json().code, 'UNKNOWN_PARAMETER')
  const defaulted = await app.inject({ url: `${changes(1, 2)}&polygons=true` })
  t.equal(defaulted.headers['x-cache'], 'hit', 'a default given explicitly is the same call')
  const spelled = await app.inject({ url: '/v1/analysis/changes?end=2024-11-02T23:59:59.999Z&dataset=test&start=2024-11-01' })
  t.equal(spelled.headers['x-cache'], 'hit', 'nor does another spelling of the same instants')
  t.equal(spelled.body, first.body)
})
