import t from 'tap'
import { AUTH, area, buildTestApp, collection, importSnapshot, seed, square } from '../helpers.js'

t.test('/v1/datasets', async (t) => {
  const app = await buildTestApp(t)

  t.test('PUT creates (201) then updates (200) and bumps the revision', async (t) => {
    const body = { name: 'Aleppo test', description: 'd', licence: 'CC BY 4.0', sourceUrl: 'https://example.org/map' }
    const created = await app.inject({ method: 'PUT', url: '/v1/datasets/aleppo-test', headers: AUTH, payload: body })
    t.equal(created.statusCode, 201)
    t.match(created.json(), { id: 'aleppo-test', name: 'Aleppo test', licence: 'CC BY 4.0', sourceUrl: 'https://example.org/map' })
    const updated = await app.inject({ method: 'PUT', url: '/v1/datasets/aleppo-test', headers: AUTH, payload: { ...body, name: 'Renamed' } })
    t.equal(updated.statusCode, 200)
    t.match(updated.json(), { name: 'Renamed' })
    t.ok(updated.json().revision > created.json().revision, 'a new revision, drawn from the one sequence')
  })

  t.test('GET lists and reads one', async (t) => {
    const list = await app.inject({ url: '/v1/datasets' })
    t.equal(list.statusCode, 200)
    t.same(
      list.json().datasets.map((d: any) => d.id),
      ['aleppo-test'],
    )
    t.match(list.json(), { numberMatched: 1, numberReturned: 1, links: [{ rel: 'self', href: 'http://localhost:80/v1/datasets' }] })
    t.equal((await app.inject({ url: '/v1/datasets/aleppo-test' })).json().name, 'Renamed')
    const missing = await app.inject({ url: '/v1/datasets/nope' })
    t.equal(missing.statusCode, 404)
    t.match(missing.headers['content-type'], /application\/problem\+json/)
    t.match(missing.json(), { status: 404, code: 'DATASET_NOT_FOUND', title: 'Not Found' })
  })

  t.test('refuses a bad id, a bad body, and writes without a token', async (t) => {
    const badId = await app.inject({ method: 'PUT', url: '/v1/datasets/Bad%20Id', headers: AUTH, payload: { name: 'x' } })
    t.equal(badId.statusCode, 400)
    t.match(badId.json(), { code: 'INVALID_REQUEST', errors: [{ path: '/path/id' }] })
    const badBody = await app.inject({ method: 'PUT', url: '/v1/datasets/x', headers: AUTH, payload: { name: '', sourceUrl: 'not a url', extra: 1 } })
    t.equal(badBody.statusCode, 400)
    const paths = badBody.json().errors.map((e: any) => e.path)
    t.ok(paths.includes('/body/name') && paths.includes('/body/sourceUrl'), JSON.stringify(paths))
    const anonymous = await app.inject({ method: 'PUT', url: '/v1/datasets/x', payload: { name: 'x' } })
    t.equal(anonymous.statusCode, 401)
    t.equal((await app.inject({ url: '/v1/datasets/x' })).statusCode, 404)
  })
})

t.test('GET /v1/datasets/{id}: coverage, and a note while there is no area', async (t) => {
  const app = await buildTestApp(t)
  await seed(app, 'test')
  const empty = await app.inject({ url: '/v1/datasets/test' })
  t.equal(empty.statusCode, 200)
  t.same(empty.json().coverage, { from: null, to: null, bbox: null })
  t.same(
    empty.json().notes.map((note: any) => note.code),
    ['DATASET_EMPTY'],
  )
  await importSnapshot(app, 'test', '2024-11-26', collection([area(square(36, 35, 1), { actor: 'hts' })]))
  await importSnapshot(app, 'test', '2024-11-28', collection([area(square(36, 35, 2), { actor: 'saa' })]))
  const filled = await app.inject({ url: '/v1/datasets/test' })
  t.equal(filled.statusCode, 200)
  t.same(filled.json().coverage, { from: '2024-11-26T00:00:00.000Z', to: '2024-11-28T00:00:00.000Z', bbox: [36, 35, 38, 37] })
  t.same(filled.json().notes, [])
  t.equal(filled.json().name, 'Test test')
})

t.test('GET /v1/datasets as CSV', async (t) => {
  const app = await buildTestApp(t)
  await app.inject({ method: 'PUT', url: '/v1/datasets/b-set', headers: AUTH, payload: { name: 'Aleppo, "north"', licence: 'CC BY 4.0' } })
  await app.inject({ method: 'PUT', url: '/v1/datasets/a-set', headers: AUTH, payload: { name: 'Plain', description: 'two\nlines' } })
  const json = (await app.inject({ url: '/v1/datasets' })).json().datasets
  for (const request of [{ url: '/v1/datasets?f=csv' }, { url: '/v1/datasets', headers: { accept: 'text/csv' } }]) {
    const res = await app.inject(request)
    t.equal(res.statusCode, 200)
    t.match(res.headers['content-type'], /^text\/csv/)
    const lines = res.body.split('\n')
    t.equal(lines[0], 'id,name,description,licence,sourceUrl,outlineFeature,complementActor,revision,createdAt,updatedAt', 'the JSON members, in order')
    // RFC 4180: a field with a comma, a quote or a line break is quoted, its quotes doubled.
    t.equal(lines[1], 'a-set,Plain,"two')
    t.equal(lines[2], `lines",,,,,${json[0].revision},${json[0].createdAt},${json[0].updatedAt}`)
    t.equal(lines[3], `b-set,"Aleppo, ""north""",,CC BY 4.0,,,,${json[1].revision},${json[1].createdAt},${json[1].updatedAt}`)
    t.same(lines.slice(4), [''], 'two rows, each ended by a line break')
  }
  const refused = await app.inject({ url: '/v1/datasets', headers: { accept: 'image/png' } })
  t.equal(refused.statusCode, 406)
  t.equal(refused.json().code, 'NOT_ACCEPTABLE')
})

t.test('GET /v1/datasets/{id}/timeline', async (t) => {
  const app = await buildTestApp(t)
  await seed(app, 'test')

  t.test('an empty dataset: no instants, and a note saying why', async (t) => {
    const res = await app.inject({ url: '/v1/datasets/test/timeline' })
    t.equal(res.statusCode, 200)
    t.match(res.json(), { instants: [], first: null, last: null, numberMatched: 0, numberReturned: 0, coverage: { from: null, to: null, bbox: null } })
    t.same(
      res.json().notes.map((note: any) => note.code),
      ['DATASET_EMPTY'],
    )
    t.equal((await app.inject({ url: '/v1/datasets/test/timeline?f=csv' })).body, 'instants\n', 'a header and no row')
  })

  t.test('coverage, and the timeline as CSV', async (t) => {
    await importSnapshot(app, 'test', '2024-11-26', collection([area(square(36, 35, 1), { actor: 'hts' })]))
    await importSnapshot(app, 'test', '2024-11-28', collection([area(square(36, 35, 1), { actor: 'saa' })]))
    const res = await app.inject({ url: '/v1/datasets/test/timeline' })
    t.equal(res.statusCode, 200)
    t.match(res.json(), {
      instants: ['2024-11-26T00:00:00.000Z', '2024-11-28T00:00:00.000Z'],
      coverage: { from: '2024-11-26T00:00:00.000Z', to: '2024-11-28T00:00:00.000Z', bbox: [36, 35, 37, 36] },
      notes: [],
    })
    const csv = await app.inject({ url: '/v1/datasets/test/timeline', headers: { accept: 'text/csv' } })
    t.equal(csv.statusCode, 200)
    t.match(csv.headers['content-type'], /^text\/csv/)
    t.equal(csv.body, 'instants\n2024-11-26T00:00:00.000Z\n2024-11-28T00:00:00.000Z\n')
    t.equal((await app.inject({ url: '/v1/datasets/test/timeline?f=csv&offset=1' })).body, 'instants\n2024-11-28T00:00:00.000Z\n', 'CSV pages too')
  })

  t.test('a bare known_at means the end of that day', async (t) => {
    const res = await app.inject({ url: '/v1/datasets/test/timeline?known_at=2000-01-01' })
    t.equal(res.statusCode, 200)
    t.equal(res.json().knownAt, '2000-01-01T23:59:59.999Z')
    t.same(res.json().instants, [], 'nothing was known then')
  })
})

t.test('service routes', async (t) => {
  const app = await buildTestApp(t)
  t.same((await app.inject({ url: '/health' })).json(), { status: 'ok' })
  const ready = await app.inject({ url: '/ready' })
  t.equal(ready.statusCode, 200)
  t.equal(ready.json().status, 'ready')
  const docs = await app.inject({ url: '/docs' })
  t.ok(docs.statusCode === 200 || docs.statusCode === 302, `docs answered ${docs.statusCode}`)
  const unknown = await app.inject({ url: '/v1/nothing-here' })
  t.equal(unknown.statusCode, 404)
  t.equal(unknown.json().code, 'ROUTE_NOT_FOUND')
})
