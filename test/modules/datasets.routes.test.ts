import t from 'tap'
import { AUTH, buildTestApp } from '../helpers.js'

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
    t.same(
      (await app.inject({ url: '/v1/datasets' })).json().datasets.map((d: any) => d.id),
      ['aleppo-test'],
    )
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
