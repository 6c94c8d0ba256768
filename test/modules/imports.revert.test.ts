import { sql } from 'kysely'
import t from 'tap'
import { AUTH, area, buildTestApp, collection, importSnapshot, seed, square } from '../helpers.js'

type App = Awaited<ReturnType<typeof buildTestApp>>

const actorsAt = async (app: App, query: string) =>
  (await app.inject({ url: `/v1/control?dataset=test&${query}` })).json().features.map((f: { properties: { actor: string } }) => f.properties.actor)
const revert = (app: App, id: number, headers = AUTH) => app.inject({ method: 'POST', url: `/v1/imports/${id}/revert`, headers })

t.test('POST /v1/imports/{id}/revert', async (t) => {
  const app = await buildTestApp(t)
  await seed(app, 'test')
  const first = (
    await importSnapshot(
      app,
      'test',
      '2024-11-26',
      collection([area(square(0, 0, 1), { actor: 'hts' }), area(square(1, 0, 1), { actor: 'saa', source: 'report-1;report-2' })]),
    )
  ).json()
  const takeover = collection([area(square(0, 0, 1), { actor: 'hts' }), area(square(1, 0, 1), { actor: 'hts' })])
  const second = (await importSnapshot(app, 'test', '2024-11-28', takeover)).json()
  t.same(await actorsAt(app, 'at=2024-11-28'), ['hts', 'hts'])

  t.test('needs a token; an unknown import is 404', async (t) => {
    t.equal((await revert(app, second.import.id, {} as typeof AUTH)).statusCode, 401)
    t.equal((await revert(app, 999_999)).json().code, 'IMPORT_NOT_FOUND')
  })

  t.test('refuses an import later imports build on, naming them', async (t) => {
    const res = await revert(app, first.import.id)
    t.equal(res.statusCode, 409)
    t.equal(res.json().code, 'IMPORT_NOT_REVERTIBLE')
    t.match(res.json().detail, String(second.import.id))
  })

  let revertedAt = ''
  t.test('supersedes exactly what the import wrote; known_at before the revert answers as before', async (t) => {
    const before = new Date().toISOString()
    const res = await revert(app, second.import.id)
    t.equal(res.statusCode, 201, res.body)
    revertedAt = new Date().toISOString()
    t.match(res.json(), { replayed: false, import: { kind: 'revert', reverts: second.import.id } })
    // the takeover wrote the new hts cell and the truncated saa cell, and superseded the open saa cell
    t.match(res.json().import.counts, { areasSuperseded: 2, areasRestored: 1 })
    t.same(await actorsAt(app, 'at=2024-11-28'), ['hts', 'saa'], 'the 26th map holds on, as if the takeover never landed')
    t.same(await actorsAt(app, 'at=2024-11-27'), ['hts', 'saa'])
    const restored = (await app.inject({ url: '/v1/control?dataset=test&at=2024-11-28&actor=saa' })).json().features
    t.same(restored[0].properties.sources, ['report-1', 'report-2'], 'the row recorded again cites what it cited')
    t.same((await actorsAt(app, `at=2024-11-28&known_at=${before}`)).sort(), ['hts', 'hts'], 'as known before the revert')
    t.match((await app.inject({ url: `/v1/imports/${second.import.id}` })).json(), { revertedBy: res.json().import.id })
  })

  t.test('answers a second revert with the first (writing nothing) and refuses the revert of a revert', async (t) => {
    const again = await revert(app, second.import.id)
    t.equal(again.statusCode, 200)
    t.match(again.json(), { replayed: true, import: { kind: 'revert', reverts: second.import.id } })
    const list = (await app.inject({ url: '/v1/imports?dataset=test' })).json().imports
    t.equal((await revert(app, list[0].id)).json().code, 'IMPORT_NOT_REVERTIBLE')
  })

  t.test('the same file sent again is imported anew, not answered as a replay', async (t) => {
    const again = await importSnapshot(app, 'test', '2024-11-28', takeover)
    t.equal(again.statusCode, 201)
    t.equal(again.json().replayed, false)
    t.same(await actorsAt(app, 'at=2024-11-28'), ['hts', 'hts'])
    t.same(await actorsAt(app, `at=2024-11-28&known_at=${revertedAt}`), ['hts', 'saa'])
    // undo again, then the first import too: the dataset is empty as at the start
    t.equal((await revert(app, again.json().import.id)).statusCode, 201)
    t.equal((await revert(app, first.import.id)).statusCode, 201)
    t.same(await actorsAt(app, 'at=2024-11-28'), [])
  })
})

t.test('reverting a features import', async (t) => {
  const app = await buildTestApp(t)
  await seed(app, 'test')
  const city = (name: string) =>
    collection([{ type: 'Feature', id: 'city', geometry: { type: 'Point', coordinates: [0.5, 0.5] }, properties: { kind: 'city', name } }])
  const post = (body: unknown) => app.inject({ method: 'POST', url: '/v1/datasets/test/features', headers: AUTH, payload: body as object })
  const first = (await post(city('Halab'))).json()
  const second = (await post(city('Aleppo'))).json()
  const name = async () => (await app.inject({ url: '/v1/features/city?dataset=test' })).json().properties.name
  t.equal(await name(), 'Aleppo')
  t.equal((await revert(app, first.import.id)).json().code, 'IMPORT_NOT_REVERTIBLE', 'the rename replaced what it wrote')
  const res = await revert(app, second.import.id)
  t.equal(res.statusCode, 201)
  t.match(res.json().import.counts, { featuresSuperseded: 1, featuresRestored: 1 })
  t.equal(await name(), 'Halab')
  t.equal((await revert(app, first.import.id)).statusCode, 201)
  t.equal((await app.inject({ url: '/v1/features/city?dataset=test' })).json().code, 'FEATURE_NOT_FOUND')

  t.test('refuses while a later import repeated a feature unchanged (it built on it without writing over it)', async (t) => {
    const road = {
      type: 'Feature',
      id: 'road',
      geometry: {
        type: 'LineString',
        coordinates: [
          [0, 0],
          [1, 1],
        ],
      },
      properties: { kind: 'highway', name: 'Road' },
    }
    const x = (await post(collection([road]))).json()
    const y = (await post(collection([road, ...city('Aleppo').features]))).json()
    t.equal(y.import.counts.unchanged, 1)
    const res = await revert(app, x.import.id)
    t.equal(res.statusCode, 409)
    t.match(res.json().detail, String(y.import.id))
    t.equal((await app.inject({ url: '/v1/features/road?dataset=test' })).statusCode, 200)
  })
})

t.test('DELETE /v1/datasets/{id}', async (t) => {
  const app = await buildTestApp(t)
  await seed(app, 'keep')
  await seed(app, 'gone')
  const shared = square(0, 0, 1)
  t.equal((await importSnapshot(app, 'keep', '2024-11-26', collection([area(shared, { actor: 'hts' })]))).statusCode, 201)
  t.equal(
    (await importSnapshot(app, 'gone', '2024-11-26', collection([area(shared, { actor: 'saa' }), area(square(5, 5, 1), { actor: 'hts' })]))).statusCode,
    201,
  )
  const goneMap = await app.inject({ url: '/v1/control?dataset=gone&at=2024-11-26' })
  const geometries = async () => Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM geometries`.execute(app.db)).rows[0].n)
  t.equal(await geometries(), 2)

  t.test('needs a token; an unknown dataset is 404', async (t) => {
    t.equal((await app.inject({ method: 'DELETE', url: '/v1/datasets/gone' })).statusCode, 401)
    t.equal((await app.inject({ method: 'DELETE', url: '/v1/datasets/never', headers: AUTH })).json().code, 'DATASET_NOT_FOUND')
  })

  t.test('removes everything of it and nothing of the others', async (t) => {
    const res = await app.inject({ method: 'DELETE', url: '/v1/datasets/gone', headers: AUTH })
    t.equal(res.statusCode, 200, res.body)
    t.same(res.json(), { dataset: 'gone', deleted: { areas: 2, features: 0, imports: 1, actors: 3, geometries: 1 } })
    for (const url of ['/v1/datasets/gone', '/v1/datasets/gone/actors', '/v1/control?dataset=gone&at=2024-11-26']) {
      t.equal((await app.inject({ url })).json().code, 'DATASET_NOT_FOUND', url)
    }
    t.same((await app.inject({ url: '/v1/imports?dataset=gone' })).json().imports, [])
    t.equal(await geometries(), 1, 'the shape the other dataset uses stays')
    const kept = (await app.inject({ url: '/v1/control?dataset=keep&at=2024-11-26' })).json()
    t.same(
      kept.features.map((f: { properties: { actor: string } }) => f.properties.actor),
      ['hts'],
      'its map still has the shared shape',
    )
    t.equal((await app.inject({ url: '/v1/datasets/keep/actors' })).json().actors.length, 3)
  })

  t.test('a dataset made again under the same id never repeats a revision or an ETag', async (t) => {
    await seed(app, 'gone')
    const fresh = await app.inject({ url: '/v1/control?dataset=gone&at=2024-11-26', headers: { 'if-none-match': goneMap.headers.etag as string } })
    t.equal(fresh.statusCode, 200)
    t.same(fresh.json().features, [])
    t.not(fresh.headers.etag, goneMap.headers.etag)
  })
})
