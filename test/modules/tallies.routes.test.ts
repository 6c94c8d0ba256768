import { readFileSync } from 'node:fs'
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { AUTH, buildTestApp, collection, seed } from '../helpers.js'

/**
 * Tallies are statements of one source each: two sources giving a toll are two tallies, kept side
 * by side and never summed. The figures below are made up for the test; what matters is that each
 * comes back as given, the latest of each source by default, all of them with all=true.
 */
const tally = (id: string, properties: Record<string, unknown>) => ({ type: 'Feature', id, geometry: null, properties })
const sohr = (date: string) => ({ publisher: 'SOHR', title: 'Running toll', date })
const tallies = collection([
  tally('sohr-1127', {
    as_of: '2024-11-27',
    scope: 'Aleppo and Idlib',
    metric: 'killed',
    value: 182,
    breakdown: { fighters: 163, civilians: 19 },
    source: sohr('2024-11-27'),
  }),
  tally('sohr-1128', { as_of: '2024-11-28', scope: 'Aleppo and Idlib', metric: 'killed', value: 242, source: sohr('2024-11-28') }),
  tally('afp-1128', {
    as_of: '2024-11-28',
    scope: { name: 'Aleppo and Idlib', feature: null, admin: null },
    metric: 'killed',
    value: { low: 200, best: null, high: null },
    source: { publisher: 'AFP', reported: 'more than 200 dead', label: null },
  }),
  tally('ocha-displaced', {
    as_of: '2024-11-30',
    period: { start: '2024-11-26', end: '2024-11-30' },
    scope: 'Aleppo and Idlib',
    metric: 'displaced',
    value: 14000,
    source: 'OCHA',
  }),
])

async function setup(t: Parameters<typeof buildTestApp>[0]): Promise<FastifyInstance> {
  const app = await buildTestApp(t)
  await seed(app, 'test')
  return app
}

const post = (app: FastifyInstance, body: unknown, query = '', contentType = 'application/geo+json') =>
  app.inject({
    method: 'POST',
    url: `/v1/datasets/test/tallies${query}`,
    headers: { ...AUTH, 'content-type': contentType },
    payload: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
  })

t.test('POST /v1/datasets/{id}/tallies and GET /v1/tallies', async (t) => {
  const app = await setup(t)
  const res = await post(app, tallies)
  t.equal(res.statusCode, 201, res.body)
  t.match(res.json().import, { kind: 'tallies', counts: { tallies: 4, inserted: 4 } })
  t.equal((await post(app, tallies)).json().replayed, true, 'the same content again is a replay')

  t.test('as of a date: the latest statement of each source, side by side', async (t) => {
    const body = (await app.inject({ url: '/v1/tallies?dataset=test&metric=killed&as_of=2024-11-28' })).json()
    t.same(body.tallies.map((item: { id: string }) => item.id).sort(), ['afp-1128', 'sohr-1128'])
    t.same(body.groups, [{ metric: 'killed', scope: 'Aleppo and Idlib', publishers: ['AFP', 'SOHR'], statements: 2 }], 'two sources, never summed')
    const afp = body.tallies.find((item: { id: string }) => item.id === 'afp-1128')
    t.same(afp.value, { low: 200, best: null, high: null }, 'a lower bound stays a lower bound')
    t.equal(afp.source.reported, 'more than 200 dead')
    const earlier = (await app.inject({ url: '/v1/tallies?dataset=test&metric=killed&as_of=2024-11-27' })).json()
    t.same(
      earlier.tallies.map((item: { id: string; value: { best: number } }) => [item.id, item.value.best]),
      [['sohr-1127', 182]],
    )
    t.same(earlier.tallies[0].breakdown, { fighters: 163, civilians: 19 })
    const all = (await app.inject({ url: '/v1/tallies?dataset=test&metric=killed&all=true' })).json()
    t.equal(all.numberMatched, 3, 'every statement with all=true')
    const scoped = (await app.inject({ url: '/v1/tallies?dataset=test&scope=aleppo%20and%20idlib&metric=displaced' })).json()
    t.same(scoped.tallies[0].period, { start: '2024-11-26', end: '2024-11-30' })
    t.equal(scoped.tallies[0].source.publisher, 'OCHA')
  })

  t.test('as CSV', async (t) => {
    const csv = await app.inject({ url: '/v1/tallies?dataset=test&metric=killed&as_of=2024-11-28&f=csv' })
    t.equal(csv.statusCode, 200)
    t.match(csv.headers['content-type'], /^text\/csv/)
    const [header, ...rows] = csv.body.trim().split('\n')
    t.match(header, /^id,as_of,/)
    t.equal(rows.length, 2)
  })

  t.test('a correction supersedes by id; known_at answers as known then; revert', async (t) => {
    const before = new Date().toISOString()
    await new Promise((resolve) => setTimeout(resolve, 5))
    const corrected = collection([
      tally('sohr-1128', { as_of: '2024-11-28', scope: 'Aleppo and Idlib', metric: 'killed', value: 255, source: sohr('2024-11-28') }),
    ])
    const second = await post(app, corrected)
    t.equal(second.statusCode, 201)
    t.match(second.json().import.counts, { updated: 1, inserted: 0 })
    const now = (await app.inject({ url: '/v1/tallies?dataset=test&metric=killed&all=true' })).json()
    t.equal(now.numberMatched, 3, 'not duplicated')
    t.equal(now.tallies.find((item: { id: string }) => item.id === 'sohr-1128').value.best, 255)
    const then = (await app.inject({ url: `/v1/tallies?dataset=test&metric=killed&all=true&known_at=${before}` })).json()
    t.equal(then.tallies.find((item: { id: string }) => item.id === 'sohr-1128').value.best, 242)
    const revert = await app.inject({ method: 'POST', url: `/v1/imports/${second.json().import.id}/revert`, headers: AUTH })
    t.equal(revert.statusCode, 201)
    t.match(revert.json().import.counts, { talliesSuperseded: 1, talliesRestored: 1 })
    const restored = (await app.inject({ url: '/v1/tallies?dataset=test&metric=killed&all=true' })).json()
    t.equal(restored.tallies.find((item: { id: string }) => item.id === 'sohr-1128').value.best, 242)
  })
})

t.test('tallies as Frontline CSV, and bad files', async (t) => {
  const app = await setup(t)
  const csv = readFileSync(new URL('fixtures/events/tallies.csv', import.meta.url))
  const res = await post(app, csv, '?format=frontline', 'text/csv')
  t.equal(res.statusCode, 201, res.body)
  const body = (await app.inject({ url: '/v1/tallies?dataset=test&metric=displaced' })).json()
  t.same(
    body.tallies.map((item: { source: { publisher: string }; value: unknown }) => [item.source.publisher, item.value]),
    [
      ['OCHA', { low: null, best: 48500, high: null }],
      ['UNHCR', { low: 40000, best: 45000, high: 50000 }],
    ],
  )
  const revision = (await app.inject({ url: '/v1/datasets/test' })).json().revision
  const twoSources = collection([
    tally('x', { as_of: '2024-11-28', scope: 'Aleppo', metric: 'killed', value: 1, source: [{ publisher: 'A' }, { publisher: 'B' }] }),
    tally('y', { as_of: '2024-11-31', scope: 'Aleppo', metric: 'killed', value: 1, source: 'A' }),
  ])
  const bad = await post(app, twoSources)
  t.equal(bad.statusCode, 400)
  t.equal(bad.json().code, 'INVALID_EVENT_IMPORT')
  t.match(bad.json().errors, [{ path: '/features/0/properties/source' }, { path: '/features/1/properties/as_of' }])
  t.equal((await app.inject({ url: '/v1/datasets/test' })).json().revision, revision, 'nothing was written')
})
