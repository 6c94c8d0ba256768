import t from 'tap'
import { box } from '../geo/shapes.js'
import { AUTH, area, buildTestApp, collection, importSnapshot } from '../helpers.js'

// A single-actor map, by construction: the outline is [0, 4] × [0, 4]; ru holds [-1, 1] × [1, 3]
// from 1 March and [-1, 2] × [1, 3] from 3 March; [3, 3.5] × [3, 3.5] is contested throughout.
// The rest of the outline is ua's through the complement; [5, 5] is outside everything.
const contested = area(box(3, 3, 3.5, 3.5), { actor: 'ru', status: 'contested' })
const march1 = collection([area(box(-1, 1, 1, 3), { actor: 'ru' }), contested])
const march3 = collection([area(box(-1, 1, 2, 3), { actor: 'ru' }), contested])
const country = collection([{ type: 'Feature', id: 'country', geometry: box(0, 0, 4, 4), properties: { kind: 'country', name: 'Country' } }])

const event = (id: string, lon: number, lat: number, date: string) => ({
  type: 'Feature',
  id,
  geometry: { type: 'Point', coordinates: [lon, lat] },
  properties: { date, event_type: 'explosions_remote_violence', sub_event_type: 'shelling_artillery_missile_attack', fatalities: 1 },
})
const events = collection([
  event('east-before', 1.5, 2, '2024-03-02'),
  event('east-after', 1.5, 2, '2024-03-04'),
  event('contested', 3.25, 3.25, '2024-03-02'),
  event('outside', 5, 5, '2024-03-02'),
  event('before-data', 1.5, 2, '2024-02-01'),
])

t.test('held_by on a single-actor map answers as /v1/control/point', async (t) => {
  const app = await buildTestApp(t)
  const put = async (url: string, payload: object) => {
    const res = await app.inject({ method: 'PUT', url, headers: AUTH, payload })
    if (res.statusCode >= 300) throw new Error(`${url}: ${res.statusCode} ${res.body}`)
  }
  await put('/v1/datasets/single', { name: 'Single actor' })
  await put('/v1/datasets/single/actors/ru', { name: 'Russia', side: 'ru' })
  await put('/v1/datasets/single/actors/ua', { name: 'Ukraine', side: 'ua' })
  for (const [day, body] of [
    ['2024-03-01', march1],
    ['2024-03-03', march3],
  ] as const)
    t.equal((await importSnapshot(app, 'single', day, body)).statusCode, 201)
  t.equal((await app.inject({ method: 'POST', url: '/v1/datasets/single/features', headers: AUTH, payload: country })).statusCode, 201)
  await put('/v1/datasets/single', { name: 'Single actor', outlineFeature: 'country', complementActor: 'ua' })
  const imported = await app.inject({ method: 'POST', url: '/v1/datasets/single/events', headers: AUTH, payload: events })
  t.equal(imported.statusCode, 201, imported.body)

  const features = Object.fromEntries(
    (
      (await app.inject({ url: '/v1/events?dataset=single' })).json().features as {
        id: string
        properties: { held_by: Record<string, unknown> | null; held_by_note: string | null }
      }[]
    ).map((feature) => [feature.id, feature.properties]),
  )
  t.match(features['east-before'].held_by, {
    actor: 'ua',
    side: 'ua',
    status: 'controlled',
    areaId: null,
    since: '2024-03-01T00:00:00.000Z',
    sinceIsLowerBound: true,
  })
  t.match(features['east-before'].held_by?.rule, /complement actor \(ua\)/)
  t.match(features['east-after'].held_by, { actor: 'ru', since: '2024-03-03T00:00:00.000Z', sinceIsLowerBound: false })
  t.match(features.contested.held_by, { actor: 'ru', status: 'contested' })
  t.equal(features.outside.held_by, null)
  t.equal(features['before-data'].held_by, null, 'before the first map the complement claims nothing')
  t.match(features['before-data'].held_by_note, /before the dataset's first map/)

  for (const [id, lon, lat, date] of [
    ['east-before', 1.5, 2, '2024-03-02'],
    ['east-after', 1.5, 2, '2024-03-04'],
    ['contested', 3.25, 3.25, '2024-03-02'],
  ] as const) {
    const control = (await app.inject({ url: `/v1/control/point?dataset=single&lon=${lon}&lat=${lat}&at=${date}` })).json()
    const held = features[id].held_by!
    t.same(
      [held.actor, held.side, held.status, held.since, held.sinceIsLowerBound, held.areaId],
      [control.holder.actor, control.holder.side, control.holder.status, control.holder.since, control.holder.sinceIsLowerBound, control.holder.areaId],
      `${id}: as /v1/control/point answers`,
    )
  }
  const ua = (await app.inject({ url: '/v1/events?dataset=single&held_by_side=ua' })).json()
  t.same(
    ua.features.map((feature: { id: string }) => feature.id),
    ['east-before'],
  )
  const none = (await app.inject({ url: '/v1/events?dataset=single&held_by=none' })).json()
  t.same(
    none.features.map((feature: { id: string }) => feature.id),
    ['before-data', 'outside'],
  )
})
