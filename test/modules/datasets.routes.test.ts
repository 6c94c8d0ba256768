import t from 'tap'
import { AUTH, buildTestApp } from '../helpers.js'

t.test('/v1/datasets', async (t) => {
  const app = await buildTestApp(t)

  t.test('PUT creates (201) then updates (200) and bumps the revision', async (t) => {
    const body = { name: 'Aleppo test', description: 'd', licence: 'CC BY 4.0', sourceUrl: 'https://example.org/map' }
    const created = await app.inject({ method: 'PUT', url: '/v1/datasets/aleppo-test', headers: AUTH, payload: body })
    t.equal(created.statusCode, 201)
    t.match(created.json(), { id: 'aleppo-test', name: 'Aleppo test', licence: 'CC BY 4.0', sourceUrl: 'https://example.org/map', revision: 0 })
    const updated = await app.inject({ method: 'PUT', url: '/v1/datasets/aleppo-test', headers: AUTH, payload: { ...body, name: 'Renamed' } })
    t.equal(updated.statusCode, 200)
    t.match(updated.json(), { name: 'Renamed', revision: 1 })
  })

  t.test('GET lists and reads one', async (t) => {
    t.same((await app.inject({ url: '/v1/datasets' })).json().datasets.map((d: any) => d.id), ['aleppo-test'])
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

t.test('/v1/actors', async (t) => {
  const app = await buildTestApp(t)

  t.test('PUT creates an actor; side defaults to the actor itself', async (t) => {
    const res = await app.inject({ method: 'PUT', url: '/v1/actors/sdf', headers: AUTH, payload: { name: 'Syrian Democratic Forces', aliases: ['SDF', 'QSD'] } })
    t.equal(res.statusCode, 201)
    t.same(res.json(), { id: 'sdf', name: 'Syrian Democratic Forces', aliases: ['SDF', 'QSD'], colour: null, side: 'sdf' })
  })

  t.test('PUT updates name, colour and side', async (t) => {
    const res = await app.inject({ method: 'PUT', url: '/v1/actors/sdf', headers: AUTH, payload: { name: 'SDF', colour: '#ffcc00', side: 'kurdish' } })
    t.equal(res.statusCode, 200)
    t.match(res.json(), { name: 'SDF', colour: '#ffcc00', side: 'kurdish', aliases: [] })
  })

  t.test('GET lists and reads one; unknown is 404', async (t) => {
    t.same((await app.inject({ url: '/v1/actors' })).json().actors.map((a: any) => a.id), ['sdf'])
    t.equal((await app.inject({ url: '/v1/actors/sdf' })).json().side, 'kurdish')
    t.equal((await app.inject({ url: '/v1/actors/nobody' })).json().code, 'ACTOR_NOT_FOUND')
  })

  t.test('refuses a bad colour', async (t) => {
    const res = await app.inject({ method: 'PUT', url: '/v1/actors/x', headers: AUTH, payload: { name: 'x', colour: 'red' } })
    t.equal(res.statusCode, 400)
    t.match(res.json(), { errors: [{ path: '/body/colour' }] })
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
