import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { AUTH, area, band, buildTestApp, collection, importSnapshot, seed } from '../helpers.js'

/**
 * Odd inputs and the edges of the events and tallies API, each answer known by construction
 * (degrees near the equator, [lon, lat]). Map, from 26 Nov: hts (opposition) holds [0, 1] × [0, 1],
 * saa (government) [1, 2] × [0, 1]; nothing covers the rest.
 */
const point = (lon: number, lat: number) => ({ type: 'Point', coordinates: [lon, lat] })
const event = (id: string, properties: Record<string, unknown>, geometry: unknown = point(0.5, 0.5)) => ({ type: 'Feature', id, geometry, properties })
const tally = (id: string, properties: Record<string, unknown>) => ({ type: 'Feature', id, geometry: null, properties })

const post = (app: FastifyInstance, kind: 'events' | 'tallies', body: unknown, query = '', contentType = 'application/geo+json') =>
  app.inject({
    method: 'POST',
    url: `/v1/datasets/test/${kind}${query}`,
    headers: { ...AUTH, 'content-type': contentType },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  })

async function setup(t: Parameters<typeof buildTestApp>[0], withMap = true): Promise<FastifyInstance> {
  const app = await buildTestApp(t)
  await seed(app, 'test')
  if (withMap) {
    const res = await importSnapshot(app, 'test', '2024-11-26', collection([area(band(0, 1), { actor: 'hts' }), area(band(1, 2), { actor: 'saa' })]))
    if (res.statusCode !== 201) throw new Error(res.body)
  }
  return app
}

const revisionOf = async (app: FastifyInstance) => (await app.inject({ url: '/v1/datasets/test' })).json().revision as number

t.test('GET /v1/events/{event}: every id the import accepts can be fetched', async (t) => {
  const app = await setup(t)
  // The router refuses a path segment longer than 100 characters (414): a longer id could be stored but never fetched.
  const longest = 'e'.repeat(100)
  const res = await post(app, 'events', collection([event(longest, { date: '2024-11-27' })]))
  t.equal(res.statusCode, 201, res.body)
  const one = await app.inject({ url: `/v1/events/${longest}?dataset=test` })
  t.equal(one.statusCode, 200)
  t.equal(one.json().id, longest)
  const tooLong = await post(app, 'events', collection([event('e'.repeat(101), { date: '2024-11-27' })]))
  t.equal(tooLong.statusCode, 400)
  t.match(tooLong.json().errors, [{ path: '/features/0/id', code: 'TEXT_TOO_LONG' }])
  const csv = await post(
    app,
    'events',
    `event_id_cnty,event_date,event_type,sub_event_type,actor1,latitude,longitude,fatalities\n${'a'.repeat(101)},2024-11-28,Battles,Armed clash,X,0.5,0.5,1\n`,
    '?format=acled',
    'text/csv',
  )
  t.equal(csv.statusCode, 400)
  t.match(csv.json().errors, [{ path: '/rows/1/event_id_cnty', code: 'TEXT_TOO_LONG' }])
})

t.test('POST /v1/datasets/{id}/tallies: a figure past the range of numbers is refused, not stored as null', async (t) => {
  const app = await setup(t, false)
  const huge = `1${'0'.repeat(400)}`
  const res = await post(
    app,
    'tallies',
    `id,as_of,scope_name,metric,source_publisher,value\nt1,2024-11-28,Aleppo,killed,SOHR,${huge}\n`,
    '?format=frontline',
    'text/csv',
  )
  t.equal(res.statusCode, 400, res.body)
  t.match(res.json(), { code: 'INVALID_EVENT_IMPORT', errors: [{ path: '/rows/1/value', code: 'INVALID_NUMBER' }] })
  t.equal((await app.inject({ url: '/v1/tallies?dataset=test' })).json().numberMatched, 0, 'nothing was written')
  const geojson = await post(
    app,
    'tallies',
    `{"type":"FeatureCollection","features":[{"type":"Feature","id":"t1","geometry":null,"properties":
    {"as_of":"2024-11-28","scope":"Aleppo","metric":"killed","value":1e400,"source":"SOHR"}}]}`,
  )
  t.equal(geojson.statusCode, 400)
  t.match(geojson.json().errors, [{ path: '/features/0/properties/value', code: 'INVALID_NUMBER' }])
})

t.test('GET /v1/events and /v1/analysis/events: start after end', async (t) => {
  const app = await setup(t, false)
  for (const url of ['/v1/events?dataset=test&start=2024-11-30&end=2024-11-27', '/v1/analysis/events?dataset=test&start=2024-11-30&end=2024-11-27']) {
    const res = await app.inject({ url })
    t.equal(res.statusCode, 400, url)
    t.equal(res.json().code, 'INVALID_DATE')
    t.match(res.json().errors, [{ path: '/query/start' }])
  }
  t.equal((await app.inject({ url: '/v1/events?dataset=test&start=2024-11-27&end=2024-11-27' })).statusCode, 200, 'one day is a range')
})

t.test('GET /v1/events: start and end overlap an event span, both ends inclusive', async (t) => {
  const app = await setup(t)
  const res = await post(app, 'events', collection([event('span', { date_start: '2024-11-27', date_end: '2024-11-29' }), event('day', { date: '2024-11-30' })]))
  t.equal(res.statusCode, 201, res.body)
  const ids = async (query: string) => ((await app.inject({ url: `/v1/events?dataset=test&${query}` })).json().features as { id: string }[]).map((f) => f.id)
  t.same(await ids('start=2024-11-29&end=2024-11-30'), ['span', 'day'], 'the span ends on the first day asked')
  t.same(await ids('start=2024-11-25&end=2024-11-27'), ['span'], 'the span starts on the last day asked')
  t.same(await ids('start=2024-11-28&end=2024-11-28'), ['span'], 'a day inside the span')
  t.same(await ids('start=2024-11-30T01:00:00%2B03:00'), ['span', 'day'], 'an instant is its UTC day: 29 Nov, 22:00 UTC')
  t.same(await ids('end=2024-11-26'), [], 'nothing before the span')
})

t.test('held_by where nothing is known', async (t) => {
  t.test('a dataset with no areas', async (t) => {
    const app = await setup(t, false)
    t.equal((await post(app, 'events', collection([event('e', { date: '2024-11-27' })]))).statusCode, 201)
    const one = (await app.inject({ url: '/v1/events/e?dataset=test' })).json()
    t.equal(one.properties.held_by, null)
    t.match(one.properties.held_by_note, /no area/)
    t.same(
      ((await app.inject({ url: '/v1/events?dataset=test&held_by=none' })).json().features as { id: string }[]).map((f) => f.id),
      ['e'],
    )
  })
  t.test('a place no area covers, and a date before the first map', async (t) => {
    const app = await setup(t)
    const res = await post(app, 'events', collection([event('far', { date: '2024-11-27' }, point(50, 10)), event('early', { date: '2024-11-01' })]))
    t.equal(res.statusCode, 201)
    const features = (await app.inject({ url: '/v1/events?dataset=test' })).json().features as { id: string; properties: Record<string, unknown> }[]
    const byId = Object.fromEntries(features.map((f) => [f.id, f.properties]))
    t.equal(byId.far.held_by, null)
    t.match(byId.far.held_by_note, /no area covers \[50, 10\]/)
    t.equal(byId.early.held_by, null)
    t.match(byId.early.held_by_note, /before the dataset's first map/)
    const grouped = (await app.inject({ url: '/v1/analysis/events?dataset=test&group_by=held_by_side' })).json()
    t.same(
      grouped.groups.map((g: { key: string; events: number }) => [g.key, g.events]),
      [['none', 2]],
    )
  })
  t.test('a polygon whose box centre falls in its hole is joined at the first vertex of its outer ring', async (t) => {
    const app = await setup(t)
    // Outer ring [0.2, 2.6] × [0.2, 0.8]: its box centre (1.4, 0.5) is saa ground, but lies in the hole [1.2, 1.6] × [0.3, 0.7].
    // The first vertex (0.2, 0.2) is hts ground.
    const holed = {
      type: 'Polygon',
      coordinates: [
        [
          [0.2, 0.2],
          [2.6, 0.2],
          [2.6, 0.8],
          [0.2, 0.8],
          [0.2, 0.2],
        ],
        [
          [1.2, 0.3],
          [1.2, 0.7],
          [1.6, 0.7],
          [1.6, 0.3],
          [1.2, 0.3],
        ],
      ],
    }
    t.equal((await post(app, 'events', collection([event('holed', { date: '2024-11-27' }, holed)]))).statusCode, 201)
    const one = (await app.inject({ url: '/v1/events/holed?dataset=test' })).json()
    t.match(one.properties.held_by, { actor: 'hts' })
    const csv = (await app.inject({ url: '/v1/events?dataset=test&f=csv' })).body.trim().split('\n')
    const columns = csv[0].split(',')
    t.equal(csv[1].split(',')[columns.indexOf('lon')], '0.2', 'the CSV gives the point joined')
  })
})

t.test('files with nothing to import', async (t) => {
  const app = await setup(t)
  const header = await post(
    app,
    'events',
    'event_id_cnty,event_date,event_type,sub_event_type,actor1,latitude,longitude,fatalities\r\n',
    '?format=acled',
    'text/csv',
  )
  t.equal(header.statusCode, 201, 'a header alone is an export with no rows: nothing to import, not an error')
  t.match(header.json().import.counts, { events: 0, inserted: 0 })
  for (const [body, query, type] of [
    ['', '', 'application/geo+json'],
    ['[]', '', 'application/geo+json'],
    ['{"type":"Feature"}', '', 'application/geo+json'],
    ['', '?format=acled', 'text/csv'],
    ['', '?format=frontline', 'text/csv'],
  ]) {
    const res = await post(app, type === 'text/csv' && query.includes('frontline') ? 'tallies' : 'events', body, query, type)
    t.equal(res.statusCode, 400, `${JSON.stringify(body)} ${query}`)
    t.ok(res.json().errors.length > 0, 'every problem by path')
  }
  t.equal((await app.inject({ url: '/v1/events?dataset=test' })).json().numberMatched, 0)
})

t.test('concurrent imports: each lands whole or not at all, one version current', async (t) => {
  const app = await setup(t)
  const revision = await revisionOf(app)
  const version = (best: number) => collection([event('e1', { date: '2024-11-27', fatalities: best }), event(`only-${best}`, { date: '2024-11-27' })])
  const bad = collection([event('e1', { date: '2024-11-27', fatalities: 1 }), event('bad', { date: '2024-02-30' })])
  const [a, refused, b, again] = await Promise.all([
    post(app, 'events', version(3)),
    post(app, 'events', bad),
    post(app, 'events', version(7)),
    post(app, 'events', version(3)),
  ])
  t.equal(a.statusCode, 201, a.body)
  t.equal(refused.statusCode, 400)
  t.equal(b.statusCode, 201, b.body)
  t.equal(again.statusCode, 200, 'the same file twice at once: the second is a replay')
  t.equal(again.json().import.id, a.json().import.id)
  t.equal(await revisionOf(app), revision + 2, 'two imports landed')
  const list = (await app.inject({ url: '/v1/events?dataset=test' })).json()
  t.same(list.features.map((f: { id: string }) => f.id).sort(), ['e1', 'only-3', 'only-7'], 'e1 once; nothing of the refused file')
  const last = a.json().import.id > b.json().import.id ? 3 : 7
  t.equal(list.features.find((f: { id: string }) => f.id === 'e1').properties.fatalities.best, last, 'the later import is current')
})

t.test('answers follow writes: a write is seen on the next request', async (t) => {
  const app = await setup(t)
  const urls = [
    '/v1/events?dataset=test',
    '/v1/events?dataset=test&f=csv',
    '/v1/events/e?dataset=test',
    '/v1/analysis/events?dataset=test',
    '/v1/analysis/events?dataset=test&f=csv',
    '/v1/tallies?dataset=test',
    '/v1/tallies?dataset=test&f=csv',
  ]
  t.equal((await post(app, 'events', collection([event('e', { date: '2024-11-27', fatalities: 3 })]))).statusCode, 201)
  const tallies = (best: number) => collection([tally('t', { as_of: '2024-11-28', scope: 'A', metric: 'killed', value: best, source: 'SOHR' })])
  t.equal((await post(app, 'tallies', tallies(10))).statusCode, 201)
  const before = await Promise.all(urls.map(async (url) => (await app.inject({ url })).body))
  t.equal((await post(app, 'events', collection([event('e', { date: '2024-11-27', fatalities: 4 })]))).statusCode, 201)
  t.equal((await post(app, 'tallies', tallies(11))).statusCode, 201)
  const after = await Promise.all(urls.map(async (url) => (await app.inject({ url })).body))
  urls.forEach((url, i) => t.not(after[i], before[i], url))
  t.equal((await app.inject({ url: '/v1/analysis/events?dataset=test' })).json().total.fatalities.best, 4)
  t.equal((await app.inject({ url: '/v1/tallies?dataset=test' })).json().tallies[0].value.best, 11)
})

t.test('GET /v1/tallies: sources that write a scope differently are one group, as they are one latest statement each', async (t) => {
  const app = await setup(t, false)
  const res = await post(
    app,
    'tallies',
    collection([
      tally('a', { as_of: '2024-11-27', scope: 'Aleppo', metric: 'killed', value: 5, source: 'SOHR' }),
      tally('b', { as_of: '2024-11-28', scope: 'aleppo', metric: 'killed', value: 8, source: 'sohr' }),
      tally('c', { as_of: '2024-11-28', scope: 'ALEPPO', metric: 'killed', value: 9, source: 'AFP' }),
    ]),
  )
  t.equal(res.statusCode, 201, res.body)
  const body = (await app.inject({ url: '/v1/tallies?dataset=test' })).json()
  t.same(body.tallies.map((item: { id: string }) => item.id).sort(), ['b', 'c'], "SOHR's latest (written two ways) and AFP's")
  t.equal(body.groups.length, 1, 'one metric and scope')
  t.match(body.groups[0], { metric: 'killed', statements: 2 })
})
