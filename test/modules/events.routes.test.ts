import { readFileSync } from 'node:fs'
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { AUTH, area, band, buildTestApp, collection, importSnapshot, seed, square } from '../helpers.js'

/**
 * Events joined with control, on a map whose answers are known by construction (degrees near the
 * equator, [lon, lat]):
 *   26 Nov: hts (opposition) holds A = [0, 1] × [0, 1], saa (government) B = [1, 2] × [0, 1];
 *           [3, 4] × [0, 1] is contested; hts and saa both claim [5, 6] × [0, 1] (two areas, overlapping).
 *   28 Nov: hts holds [0, 1.5] × [0, 1], saa [1.5, 2] × [0, 1]; the rest as before.
 * Nothing covers [10, 11] × [0, 1].
 */
const fixture = (name: string) => readFileSync(new URL(`fixtures/events/${name}`, import.meta.url))

const day26 = collection([
  area(band(0, 1), { actor: 'hts' }),
  area(band(1, 2), { actor: 'saa' }),
  area(square(3, 0, 1), { status: 'contested' }),
  area(square(5, 0, 1), { actor: 'hts' }),
  area(square(5, 0, 1), { actor: 'saa' }),
])
const day28 = collection([
  area(band(0, 1.5), { actor: 'hts' }),
  area(band(1.5, 2), { actor: 'saa' }),
  area(square(3, 0, 1), { status: 'contested' }),
  area(square(5, 0, 1), { actor: 'hts' }),
  area(square(5, 0, 1), { actor: 'saa' }),
])

const point = (lon: number, lat: number) => ({ type: 'Point', coordinates: [lon, lat] })
const event = (id: string, lon: number, lat: number, properties: Record<string, unknown>) => ({
  type: 'Feature',
  id,
  geometry: point(lon, lat),
  properties,
})
const ru = [{ role: 'primary', actor: 'ru', attribution: 'alleged' }]
// Fatalities, hand-summed below: low 2+4+10+1+0 = 17 (e2's low is its best), best 3+4+12+1+0 = 20, high 5+4+20+1+0 = 30; e5 gives none.
const events = collection([
  event('e1', 1.25, 0.5, {
    date: '2024-11-27',
    event_type: 'explosions_remote_violence',
    sub_event_type: 'air_drone_strike',
    actors: ru,
    fatalities: { low: 2, best: 3, high: 5 },
    civilian_fatalities: { low: null, best: 2, high: null },
    sources: [{ publisher: 'SOHR', reported: 'three killed' }],
  }),
  event('e2', 1.25, 0.5, {
    date: '2024-11-28',
    event_type: 'explosions_remote_violence',
    sub_event_type: 'air_drone_strike',
    actors: ru,
    fatalities: { low: null, best: 4, high: null },
    civilian_fatalities: { low: 1, best: 1, high: 2 },
    injured: { low: null, best: 6, high: null },
    sources: [{ publisher: 'White Helmets' }, { publisher: 'SOHR' }],
  }),
  event('e3', 0.5, 0.5, {
    date: '2024-11-28',
    event_type: 'battles',
    sub_event_type: 'armed_clash',
    actors: [
      { role: 'primary', name: 'HTS', attribution: 'reported' },
      { role: 'secondary', name: 'Government', attribution: 'reported' },
    ],
    fatalities: { low: 10, best: 12, high: 20 },
    sources: [{ publisher: 'AFP' }],
  }),
  event('e4', 3.5, 0.5, {
    date: '2024-11-27',
    event_type: 'explosions_remote_violence',
    sub_event_type: 'shelling_artillery_missile_attack',
    actors: [{ role: 'primary', actor: 'saa', attribution: 'claimed' }],
    fatalities: { low: 1, best: 1, high: 1 },
    sources: [{ publisher: 'SANA', label: 'partisan: Syrian government' }],
  }),
  event('e5', 10.5, 0.5, {
    date: '2024-11-27',
    event_type: 'strategic_developments',
    sub_event_type: 'looting_property_destruction',
    actors: [{ role: 'primary', name: 'Unknown militia', attribution: 'reported' }],
    sources: [{ publisher: 'AFP' }],
  }),
  event('e6', 5.5, 0.5, {
    date: '2024-11-27',
    event_type: 'battles',
    sub_event_type: 'armed_clash',
    actors: [{ role: 'primary', actor: 'hts', attribution: 'reported' }],
    fatalities: { low: 0, best: 0, high: 0 },
    sources: [{ publisher: 'AFP' }],
  }),
])

async function setup(t: Parameters<typeof buildTestApp>[0]): Promise<FastifyInstance> {
  const app = await buildTestApp(t)
  await seed(app, 'test')
  const put = await app.inject({ method: 'PUT', url: '/v1/datasets/test/actors/ru', headers: AUTH, payload: { name: 'Russia', side: 'government' } })
  if (put.statusCode !== 201) throw new Error(put.body)
  for (const [day, body] of [
    ['2024-11-26', day26],
    ['2024-11-28', day28],
  ] as const) {
    const res = await importSnapshot(app, 'test', day, body)
    if (res.statusCode !== 201) throw new Error(`${day}: ${res.body}`)
  }
  return app
}

const postEvents = (app: FastifyInstance, body: unknown, query = '', contentType = 'application/geo+json') =>
  app.inject({
    method: 'POST',
    url: `/v1/datasets/test/events${query}`,
    headers: { ...AUTH, 'content-type': contentType },
    payload: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
  })

type Feature = { id: string; properties: Record<string, unknown> & { held_by: Record<string, unknown> | null; held_by_note: string | null } }
const byId = (features: Feature[]) => Object.fromEntries(features.map((feature) => [feature.id, feature]))

t.test('POST /v1/datasets/{id}/events and GET /v1/events', async (t) => {
  const app = await setup(t)
  const res = await postEvents(app, events)
  t.equal(res.statusCode, 201, res.body)
  t.match(res.json(), { replayed: false, import: { kind: 'events', counts: { events: 6, inserted: 6, updated: 0, unchanged: 0, unresolvedActors: 1 } } })
  t.match(res.json().import.notes, [{ index: 4, path: '/features/4/properties/actors/0' }], 'the unknown name is a note, not a refusal')

  t.test('the same content again is a replay', async (t) => {
    const again = await postEvents(app, events)
    t.equal(again.statusCode, 200)
    t.equal(again.json().replayed, true)
    t.equal(again.json().import.id, res.json().import.id)
  })

  t.test('each event says who held its place on its date, as /v1/control/point does', async (t) => {
    const list = await app.inject({ url: '/v1/events?dataset=test' })
    t.equal(list.statusCode, 200)
    t.match(list.headers['content-type'], /^application\/geo\+json/)
    const body = list.json()
    t.equal(body.numberMatched, 6)
    const features = byId(body.features)
    t.match(features.e1.properties.held_by, { actor: 'saa', side: 'government', status: 'controlled' }, 'B was saa ground on the 27th')
    t.match(features.e2.properties.held_by, { actor: 'hts', side: 'opposition', since: '2024-11-28T00:00:00.000Z' }, 'hts took it on the 28th')
    t.match(features.e3.properties.held_by, { actor: 'hts', since: '2024-11-26T00:00:00.000Z', sinceIsLowerBound: true })
    t.match(features.e4.properties.held_by, { actor: null, status: 'contested' }, 'contested ground says contested')
    t.equal(features.e5.properties.held_by, null, 'no area covers [10.5, 0.5]')
    t.match(features.e5.properties.held_by_note, /no area covers/)
    t.equal(features.e6.properties.held_by?.holders, 2, 'two areas overlap at [5.5, 0.5]')
    t.match(features.e6.properties.held_by?.rule, /2 areas cover this place/)
    t.same(
      (features.e3.properties.actors as { actor: string | null }[]).map((actor) => actor.actor),
      ['hts', 'saa'],
      'names resolve by alias (HTS, Government)',
    )
    t.same((features.e5.properties.actors as { actor: string | null; name: string }[])[0], {
      role: 'primary',
      actor: null,
      name: 'Unknown militia',
      attribution: 'reported',
    })
    for (const [id, lon, date] of [
      ['e1', 1.25, '2024-11-27'],
      ['e2', 1.25, '2024-11-28'],
      ['e4', 3.5, '2024-11-27'],
      ['e6', 5.5, '2024-11-27'],
    ] as const) {
      const control = (await app.inject({ url: `/v1/control/point?dataset=test&lon=${lon}&lat=0.5&at=${date}` })).json()
      const held = features[id].properties.held_by!
      t.same(
        { actor: held.actor, status: held.status, since: held.since, areaId: held.areaId },
        { actor: control.holder.actor, status: control.holder.status, since: control.holder.since, areaId: control.holder.areaId },
        `${id}: the holder /v1/control/point names`,
      )
    }
  })

  t.test('filters', async (t) => {
    const ids = async (query: string) => {
      const r = await app.inject({ url: `/v1/events?dataset=test&${query}` })
      t.equal(r.statusCode, 200, r.body)
      return (r.json().features as Feature[]).map((feature) => feature.id)
    }
    t.same(await ids('start=2024-11-28&end=2024-11-28'), ['e2', 'e3'], 'by day')
    t.same((await ids('type=battles')).sort(), ['e3', 'e6'])
    t.same(await ids('sub_type=air_drone_strike'), ['e1', 'e2'])
    t.same(await ids('actor=ru'), ['e1', 'e2'])
    t.same((await ids('actor=saa')).sort(), ['e3', 'e4'], 'actor matches any role')
    t.same((await ids('side=opposition')).sort(), ['e3', 'e6'])
    t.same(await ids('held_by=none'), ['e5'], 'ground nobody held')
    t.same(await ids('held_by=contested'), ['e4'])
    t.same(await ids('held_by_side=opposition&actor=ru'), ['e2'])
    t.same(await ids('bbox=1,0,2,1'), ['e1', 'e2'])
    t.same(await ids('limit=2'), ['e1', 'e4'], 'paged in date and id order')
    const paged = (await app.inject({ url: '/v1/events?dataset=test&limit=2' })).json()
    t.equal(paged.numberMatched, 6)
    t.match(paged.links, [{ rel: 'self' }, { rel: 'next' }])
    const unknown = await app.inject({ url: '/v1/events?dataset=test&actor=nope' })
    t.equal(unknown.statusCode, 404)
    t.equal(unknown.json().code, 'ACTOR_NOT_FOUND')
    const badType = await app.inject({ url: '/v1/events?dataset=test&type=airstrikes' })
    t.equal(badType.statusCode, 400)
  })

  t.test('one event', async (t) => {
    const one = await app.inject({ url: '/v1/events/e2?dataset=test' })
    t.equal(one.statusCode, 200)
    t.match(one.json(), { type: 'Feature', id: 'e2', properties: { held_by: { actor: 'hts' } } })
    const missing = await app.inject({ url: '/v1/events/nope?dataset=test' })
    t.equal(missing.statusCode, 404)
    t.equal(missing.json().code, 'EVENT_NOT_FOUND')
  })

  t.test('as CSV', async (t) => {
    const csv = await app.inject({ url: '/v1/events?dataset=test&sub_type=air_drone_strike&f=csv' })
    t.equal(csv.statusCode, 200)
    t.match(csv.headers['content-type'], /^text\/csv/)
    const [header, ...rows] = csv.body.trim().split('\n')
    const columns = header.split(',')
    const cell = (row: string, name: string) => row.split(',')[columns.indexOf(name)]
    t.equal(rows.length, 2)
    t.equal(cell(rows[0], 'id'), 'e1')
    t.equal(cell(rows[0], 'held_by_actor'), 'saa')
    t.equal(cell(rows[1], 'held_by_actor'), 'hts')
    t.equal(cell(rows[1], 'fatalities_best'), '4')
    t.equal(cell(rows[1], 'lon'), '1.25')
  })

  t.test('GET /v1/analysis/events', async (t) => {
    const total = await app.inject({ url: '/v1/analysis/events?dataset=test' })
    t.equal(total.statusCode, 200)
    t.same(total.json().total.fatalities, { low: 17, best: 20, high: 30, unknown: 1 }, 'hand-summed')
    t.equal(total.json().total.events, 6)
    // Air strikes by ru on ground held by opposition: e2 alone (e1 hit government ground).
    const strikes = await app.inject({ url: '/v1/analysis/events?dataset=test&sub_type=air_drone_strike&actor=ru&held_by_side=opposition&group_by=source' })
    t.equal(strikes.statusCode, 200)
    t.same(strikes.json().total.civilian_fatalities, { low: 1, best: 1, high: 2, unknown: 0 })
    t.same(strikes.json().total.sources, ['SOHR', 'White Helmets'])
    t.same(
      strikes.json().groups.map((group: { key: string; events: number }) => [group.key, group.events]),
      [
        ['SOHR', 1],
        ['White Helmets', 1],
      ],
    )
    // On government ground: e1, whose civilian toll has a best only (2): low and high fall back to it.
    const government = (await app.inject({ url: '/v1/analysis/events?dataset=test&actor=ru&held_by_side=government' })).json()
    t.same(government.total.civilian_fatalities, { low: 2, best: 2, high: 2, unknown: 0 })
    const byDay = (await app.inject({ url: '/v1/analysis/events?dataset=test&group_by=day' })).json()
    t.same(
      byDay.groups.map((group: { key: string; events: number; fatalities: { best: number } }) => [group.key, group.events, group.fatalities.best]),
      [
        ['2024-11-27', 4, 3 + 1 + 0],
        ['2024-11-28', 2, 4 + 12],
      ],
    )
    const byHolder = (await app.inject({ url: '/v1/analysis/events?dataset=test&group_by=held_by' })).json()
    t.same(
      byHolder.groups.map((group: { key: string; events: number }) => [group.key, group.events]),
      [
        ['contested', 1],
        ['hts', 3],
        ['none', 1],
        ['saa', 1],
      ],
      'e6 counts for its holder by the rule (hts: its area was imported first)',
    )
    const csv = await app.inject({ url: '/v1/analysis/events?dataset=test&group_by=day&f=csv' })
    t.equal(csv.statusCode, 200)
    const lines = csv.body.trim().split('\n')
    t.equal(lines.length, 4, 'header, total, two days')
    t.match(lines[1], /^,6,17,20,30,1,/)
  })
})

t.test('corrections supersede by id; known_at answers as known then; revert', async (t) => {
  const app = await setup(t)
  const first = await postEvents(app, events)
  t.equal(first.statusCode, 201)
  const before = new Date().toISOString()
  await new Promise((resolve) => setTimeout(resolve, 5))
  const corrected = collection([
    event('e1', 1.25, 0.5, {
      date: '2024-11-27',
      event_type: 'explosions_remote_violence',
      sub_event_type: 'air_drone_strike',
      actors: ru,
      fatalities: { low: 5, best: 7, high: 9 },
      sources: [{ publisher: 'SOHR', reported: 'seven killed' }],
    }),
  ])
  const second = await postEvents(app, corrected)
  t.equal(second.statusCode, 201)
  t.match(second.json().import.counts, { events: 1, inserted: 0, updated: 1, unchanged: 0 })
  const now = byId((await app.inject({ url: '/v1/events?dataset=test' })).json().features)
  t.equal(Object.keys(now).length, 6, 'not duplicated')
  t.same(now.e1.properties.fatalities, { low: 5, best: 7, high: 9 })
  const then = byId((await app.inject({ url: `/v1/events?dataset=test&known_at=${before}` })).json().features)
  t.same(then.e1.properties.fatalities, { low: 2, best: 3, high: 5 }, 'as known before the correction')
  const total = (await app.inject({ url: '/v1/analysis/events?dataset=test' })).json().total.fatalities
  t.same(total, { low: 17 - 2 + 5, best: 20 - 3 + 7, high: 30 - 5 + 9, unknown: 1 })

  const revertFirst = await app.inject({ method: 'POST', url: `/v1/imports/${first.json().import.id}/revert`, headers: AUTH })
  t.equal(revertFirst.statusCode, 409, 'the correction builds on the first import: revert it first')
  const revert = await app.inject({ method: 'POST', url: `/v1/imports/${second.json().import.id}/revert`, headers: AUTH })
  t.equal(revert.statusCode, 201, revert.body)
  t.match(revert.json().import.counts, { eventsSuperseded: 1, eventsRestored: 1 })
  const restored = byId((await app.inject({ url: '/v1/events?dataset=test' })).json().features)
  t.same(restored.e1.properties.fatalities, { low: 2, best: 3, high: 5 }, 'the first version stands again')
  const all = await app.inject({ method: 'POST', url: `/v1/imports/${first.json().import.id}/revert`, headers: AUTH })
  t.equal(all.statusCode, 201)
  t.equal((await app.inject({ url: '/v1/events?dataset=test' })).json().numberMatched, 0)
  t.equal((await postEvents(app, events)).statusCode, 201, 'the reverted file imports anew')
  const deleted = await app.inject({ method: 'DELETE', url: '/v1/datasets/test', headers: AUTH })
  t.equal(deleted.statusCode, 200, 'a dataset with events can be deleted')
  t.equal((await app.inject({ url: '/v1/events?dataset=test' })).statusCode, 404)
})

t.test('CSV imports in ACLED and UCDP GED layouts', async (t) => {
  const app = await setup(t)
  const acled = await postEvents(app, fixture('acled-two-sides.csv'), '?format=acled&aliases=Military Forces of Russia (2000-):ru', 'text/csv')
  t.equal(acled.statusCode, 201, acled.body)
  t.match(acled.json().import.counts, { events: 2, inserted: 2 })
  const strikes = byId((await app.inject({ url: '/v1/events?dataset=test&actor=ru' })).json().features)
  t.same(Object.keys(strikes).sort(), ['SYR900001', 'SYR900002'], 'the alias option maps ACLED actor names')
  t.match(strikes.SYR900001.properties.held_by, { actor: 'saa' })
  t.match(strikes.SYR900002.properties.held_by, { actor: 'hts' })
  const ucdp = await postEvents(app, fixture('ucdp-two-sides.csv'), '?format=ucdp&aliases=Government of Syria:saa', 'text/csv')
  t.equal(ucdp.statusCode, 201, ucdp.body)
  const clash = (await app.inject({ url: '/v1/events/700001?dataset=test' })).json()
  t.same(clash.properties.fatalities, { low: 10, best: 12, high: 20 })
  t.match(clash.properties.held_by, { actor: 'hts' })

  t.test('bad files: 400 with every problem by row and column, nothing written', async (t) => {
    const revision = (await app.inject({ url: '/v1/datasets/test' })).json().revision
    const missing = await postEvents(app, fixture('acled-bad.csv'), '?format=acled', 'text/csv')
    t.equal(missing.statusCode, 400)
    t.equal(missing.json().code, 'INVALID_EVENT_IMPORT')
    t.match(missing.json().errors, [{ path: '/header', code: 'MISSING_COLUMN', reason: /fatalities/ }], 'the missing column is named')
    const cells = await postEvents(app, fixture('acled-bad-cells.csv'), '?format=acled', 'text/csv')
    t.equal(cells.statusCode, 400)
    const paths = (cells.json().errors as { path: string }[]).map((error) => error.path)
    t.ok(
      paths.some((path) => /^\/rows\/1\/event_date/.test(path)),
      `the impossible date by row and column (${paths.join(', ')})`,
    )
    t.ok(
      paths.some((path) => /^\/rows\/2\/fatalities/.test(path)),
      'the bad number by row (numbered from 1 after the header) and column',
    )
    const dry = await postEvents(app, fixture('acled-bad-cells.csv'), '?format=acled&dry_run=true', 'text/csv')
    t.equal(dry.statusCode, 200)
    t.equal(dry.json().dryRun, true)
    t.ok(dry.json().refused.length >= 2)
    const noFormat = await postEvents(app, fixture('acled-two-sides.csv'), '', 'text/csv')
    t.equal(noFormat.statusCode, 400)
    const wrongType = await postEvents(app, events, '?format=acled')
    t.equal(wrongType.statusCode, 415)
    t.equal((await app.inject({ url: '/v1/datasets/test' })).json().revision, revision, 'nothing was written')
    t.equal((await app.inject({ url: '/v1/events?dataset=test' })).json().numberMatched, 3)
  })
})

t.test('dry run writes nothing', async (t) => {
  const app = await setup(t)
  const dry = await postEvents(app, events, '?dry_run=true')
  t.equal(dry.statusCode, 200)
  t.match(dry.json(), { dryRun: true, refused: [], import: { id: 0, counts: { inserted: 6 } } })
  t.equal((await app.inject({ url: '/v1/events?dataset=test' })).json().numberMatched, 0)
  const unauthorised = await app.inject({ method: 'POST', url: '/v1/datasets/test/events', payload: events })
  t.equal(unauthorised.statusCode, 401)
})
