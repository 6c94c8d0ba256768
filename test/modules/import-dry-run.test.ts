import { readFileSync } from 'node:fs'
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { AUTH, area, buildTestApp, collection, seed, square } from '../helpers.js'

const R = 6371.0088
const rad = (deg: number) => (deg * Math.PI) / 180
const boxKm2 = (west: number, east: number, south: number, north: number) => R * R * rad(east - west) * (Math.sin(rad(north)) - Math.sin(rad(south)))
/** HTS holds [0, 1] × [0, 1] and SAA [0.5, 1.5] × [0, 1] in the fixture: they share [0.5, 1] × [0, 1]. */
const SHARED = boxKm2(0.5, 1, 0, 1)

const layers = () => readFileSync(new URL('./fixtures/real-traits/layers-overlapping.geojson', import.meta.url))
const LAYER = 'profile=actor-property&actor_property=layer'

async function post(app: FastifyInstance, path: string, query: string, body: unknown) {
  return app.inject({
    method: 'POST',
    url: `/v1/datasets/test/${path}?${query}`,
    headers: { ...AUTH, 'content-type': 'application/json' },
    payload: body as object,
  })
}

/** Everything a dry run must leave untouched. */
async function state(app: FastifyInstance) {
  const [dataset, imports, map, actors, features] = await Promise.all([
    app.inject({ url: '/v1/datasets/test' }),
    app.inject({ url: '/v1/imports?dataset=test' }),
    app.inject({ url: '/v1/control?dataset=test&at=2030-01-01' }),
    app.inject({ url: '/v1/datasets/test/actors' }),
    app.inject({ url: '/v1/features?dataset=test' }),
  ])
  return {
    revision: dataset.json().revision,
    imports: imports.json().imports.length,
    map: map.json().features.map((f: { properties: { actor: string; areaKm2: number } }) => [f.properties.actor, f.properties.areaKm2]),
    actors: actors.json().actors.length,
    features: features.json().features.length,
  }
}

t.test('dry_run=true', async (t) => {
  const app = await buildTestApp(t)
  await seed(app, 'test')
  const day1 = collection([area(square(0, 0, 1), { actor: 'hts' }), area(square(1, 0, 1), { actor: 'saa' })])
  const day2 = collection([area(square(0, 0, 1), { actor: 'hts' }), area(square(1, 0, 2), { actor: 'saa' }), area(square(5, 0, 1), { actor: 'Newcomers' })])
  t.equal((await post(app, 'snapshots', 'valid_from=2024-11-26', day1)).statusCode, 201)

  t.test('answers 200 with what the import would do (inserted, carried, closed, actors created) and writes nothing', async (t) => {
    const before = await state(app)
    const dry = await post(app, 'snapshots', 'valid_from=2024-11-27&unknown_actors=create&dry_run=true', day2)
    t.equal(dry.statusCode, 200, dry.body.slice(0, 400))
    const report = dry.json()
    t.match(report, { dryRun: true, replayed: false, refused: [], revision: before.revision, import: { id: 0, kind: 'snapshot' } })
    t.same(await state(app), before, 'no import row, no revision, no area, no actor')
    const real = await post(app, 'snapshots', 'valid_from=2024-11-27&unknown_actors=create', day2)
    t.equal(real.statusCode, 201)
    t.same(report.import.counts, real.json().import.counts, 'the dry run counted what the import did')
    t.match(real.json().import.counts, { inserted: 2, carried: 1, closed: 1, actorsCreated: 1 })
    t.notOk('dryRun' in real.json())
  })

  t.test('a file that would be refused: 200 with every problem in refused, the counts of what passes', async (t) => {
    const before = await state(app)
    const bad = collection([
      area(square(0, 0, 1), { actor: 'nobody' }),
      area(square(1, 0, 1), { actor: 'hts', status: 'held' }),
      area(square(2, 0, 1), { actor: 'saa' }),
    ])
    const dry = await post(app, 'snapshots', 'valid_from=2024-11-28&dry_run=true', bad)
    t.equal(dry.statusCode, 200)
    t.match(dry.json(), {
      dryRun: true,
      import: { counts: { areas: 1 } },
      refused: [
        { index: 0, code: 'UNKNOWN_ACTOR' },
        { index: 1, code: 'INVALID_STATUS' },
      ],
    })
    t.same(await state(app), before)
  })

  t.test('an empty snapshot is reported as refused unless allow_empty', async (t) => {
    const dry = await post(app, 'snapshots', 'valid_from=2024-11-29&dry_run=true', collection([]))
    t.equal(dry.statusCode, 200)
    t.match(dry.json().refused, [{ code: 'NO_FEATURES' }])
    const allowed = await post(app, 'snapshots', 'valid_from=2024-11-29&dry_run=true&allow_empty=true', collection([]))
    t.match(allowed.json(), { refused: [], import: { counts: { closed: 3 } } })
  })

  t.test('content already imported is a replay, as without dry_run', async (t) => {
    const dry = await post(app, 'snapshots', 'valid_from=2024-11-26&dry_run=true', day1)
    t.equal(dry.statusCode, 200)
    t.match(dry.json(), { replayed: true, dryRun: true, import: { id: 1 } })
  })

  t.test('history and features imports take it too', async (t) => {
    const before = await state(app)
    const history = await post(
      app,
      'history',
      'dry_run=true',
      collection([area(square(8, 0, 1), { actor: 'hts', valid_from: '2020-01-01', valid_to: '2020-02-01' }, 'h')]),
    )
    t.equal(history.statusCode, 200)
    t.match(history.json(), { dryRun: true, import: { kind: 'history', counts: { inserted: 1 } } })
    const features = await post(app, 'features', 'dry_run=true', collection([area({ type: 'Point', coordinates: [0, 0] }, { kind: 'city', name: 'X' }, 'x')]))
    t.equal(features.statusCode, 200)
    t.match(features.json(), { dryRun: true, import: { kind: 'features', counts: { inserted: 1 } } })
    t.same(await state(app), before)
  })
})

t.test('overlaps between actors', async (t) => {
  const app = await buildTestApp(t)
  await seed(app, 'test')
  await app.inject({ method: 'PUT', url: '/v1/datasets/test/actors/sdf', headers: AUTH, payload: { name: 'SDF', side: 'sdf' } })

  t.test('a dry run reports each overlap with its area, and keep (the default) imports both claims, noting them', async (t) => {
    const dry = await post(app, 'snapshots', `valid_from=2024-12-03&${LAYER}&dry_run=true`, layers())
    t.equal(dry.statusCode, 200, dry.body.slice(0, 400))
    t.equal(dry.json().overlaps.length, 1)
    const [overlap] = dry.json().overlaps
    t.same(overlap.features, [0, 1])
    t.same(overlap.actors, ['hts', 'saa'])
    t.ok(Math.abs(overlap.areaKm2 - SHARED) / SHARED < 1e-4, `${overlap.areaKm2} ≈ ${SHARED}`)
    const kept = await post(app, 'snapshots', `valid_from=2024-12-03&${LAYER}`, layers())
    t.equal(kept.statusCode, 201)
    t.equal(kept.json().overlaps.length, 1)
    t.ok(
      kept
        .json()
        .import.notes.some((note: { index?: number; note: string }) => note.index === 1 && /^overlap: features 0 \(hts\) and 1 \(saa\)/.test(note.note)),
    )
  })

  t.test('refuse: 422 OVERLAPPING_AREAS listing each, nothing written; in a dry run, in refused', async (t) => {
    const refused = await post(app, 'snapshots', `valid_from=2024-12-05&${LAYER}&overlaps=refuse`, layers())
    t.equal(refused.statusCode, 422)
    t.match(refused.json(), { code: 'OVERLAPPING_AREAS', errors: [{ index: 1, path: '/features/1/geometry', code: 'OVERLAPPING_AREAS' }] })
    t.equal(refused.json().errors.length, 1)
    const dry = await post(app, 'snapshots', `valid_from=2024-12-05&${LAYER}&overlaps=refuse&dry_run=true`, layers())
    t.equal(dry.statusCode, 200)
    t.match(dry.json().refused, [{ code: 'OVERLAPPING_AREAS' }])
    t.equal((await app.inject({ url: '/v1/imports?dataset=test' })).json().imports.length, 1)
  })

  t.test('resolve: the shared ground goes to the first of precedence, the other keeps the rest', async (t) => {
    const res = await post(app, 'snapshots', `valid_from=2024-12-06&${LAYER}&overlaps=resolve&precedence=SAA,hts`, layers())
    t.equal(res.statusCode, 201, res.body.slice(0, 400))
    t.equal(res.json().overlaps.length, 1, 'the overlaps as the file gave them')
    const map = (await app.inject({ url: '/v1/control?dataset=test&at=2024-12-06' })).json()
    const km2 = Object.fromEntries(map.features.map((f: { properties: { actor: string; areaKm2: number } }) => [f.properties.actor, f.properties.areaKm2]))
    t.ok(Math.abs(km2.saa - boxKm2(0.5, 1.5, 0, 1)) < 0.01, 'SAA keeps all of its square')
    t.ok(Math.abs(km2.hts - boxKm2(0, 0.5, 0, 1)) < 0.01, 'HTS keeps the half SAA does not claim')
    t.ok(res.json().import.notes.some((note: { index?: number; note: string }) => note.index === 0 && /overlaps=resolve/.test(note.note)))
    const point = (await app.inject({ url: '/v1/control/point?dataset=test&lon=0.75&lat=0.5&at=2024-12-06' })).json()
    t.equal(point.holders.length, 1, 'one holder in the once shared ground')
    t.equal(point.holder.actor, 'saa')
  })

  t.test('resolve needs precedence; actors both missing from it keep their overlap and refuse', async (t) => {
    const none = await post(app, 'snapshots', `valid_from=2024-12-07&${LAYER}&overlaps=resolve`, layers())
    t.equal(none.statusCode, 400)
    t.match(none.json(), { code: 'INVALID_REQUEST', errors: [{ path: '/query/precedence' }] })
    const unlisted = await post(app, 'snapshots', `valid_from=2024-12-07&${LAYER}&overlaps=resolve&precedence=sdf`, layers())
    t.equal(unlisted.statusCode, 422)
    t.match(unlisted.json(), { code: 'OVERLAPPING_AREAS', errors: [{ reason: /neither hts nor saa is in precedence/ }] })
  })

  t.test('precedence must name actors: of the dataset (id, name, alias) or created by the import', async (t) => {
    const typo = await post(app, 'snapshots', `valid_from=2024-12-08&${LAYER}&overlaps=resolve&precedence=saa,sdff,nobody`, layers())
    t.equal(typo.statusCode, 400, typo.body.slice(0, 300))
    t.match(typo.json(), {
      code: 'INVALID_REQUEST',
      errors: [
        { path: '/query/precedence', reason: /"sdff"/ },
        { path: '/query/precedence', reason: /"nobody"/ },
      ],
    })
    t.equal(typo.json().errors.length, 2)
    const newcomers = collection([area(square(0, 0, 1), { actor: 'New Front' }), area(square(0.5, 0, 1), { actor: 'hts' })])
    const created = await post(
      app,
      'snapshots',
      'valid_from=2024-12-09&dry_run=true&unknown_actors=create&overlaps=resolve&precedence=NEW%20FRONT,hts',
      newcomers,
    )
    t.equal(created.statusCode, 200, created.body.slice(0, 300))
    t.same(created.json().refused, [], 'the created actor is found by its name')
    t.ok(
      created.json().import.notes.some((n: { index?: number; note: string }) => n.index === 1 && /left to them by precedence/.test(n.note)),
      'hts gives the shared ground to the created actor',
    )
  })

  t.test('a history compares areas whose intervals meet; resolve clips within one interval only', async (t) => {
    const h = (geometry: unknown, actor: string, from: string, to: string, id: string) => area(geometry, { actor, valid_from: from, valid_to: to }, id)
    const apart = collection([h(square(20, 0, 1), 'hts', '2020-01-01', '2020-02-01', 'p'), h(square(20.5, 0, 1), 'saa', '2020-02-01', '2020-03-01', 'q')])
    const separate = await post(app, 'history', 'dry_run=true&overlaps=refuse', apart)
    t.match(separate.json(), { overlaps: [], refused: [] }, 'one after the other: no overlap')
    const meeting = collection([h(square(20, 0, 1), 'hts', '2020-01-01', '2020-02-15', 'p'), h(square(20.5, 0, 1), 'saa', '2020-02-01', '2020-03-01', 'q')])
    const reported = await post(app, 'history', 'dry_run=true', meeting)
    t.match(reported.json(), { overlaps: [{ features: [0, 1], actors: ['hts', 'saa'] }] })
    const resolved = await post(app, 'history', 'dry_run=true&overlaps=resolve&precedence=saa', meeting)
    t.match(resolved.json().refused, [{ code: 'OVERLAPPING_AREAS', reason: /intervals differ/ }])
    const same = collection([h(square(20, 0, 1), 'hts', '2020-01-01', '2020-02-01', 'p'), h(square(20.5, 0, 1), 'saa', '2020-01-01', '2020-02-01', 'q')])
    const clipped = await post(app, 'history', 'dry_run=true&overlaps=resolve&precedence=saa', same)
    t.match(clipped.json(), { refused: [], import: { counts: { inserted: 2 } } })
  })
})
