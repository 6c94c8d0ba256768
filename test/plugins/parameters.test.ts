import t from 'tap'
import { AUTH, buildTestApp, seed } from '../helpers.js'

t.test('unknown query parameters', async (t) => {
  const app = await buildTestApp(t)
  await seed(app, 'test')

  t.test('a typo is refused by name, with the accepted parameters and the one it was meant to be', async (t) => {
    const res = await app.inject({ url: '/v1/control?dataset=test&date=2024-11-28' })
    t.equal(res.statusCode, 400)
    t.match(res.headers['content-type'], /^application\/problem\+json/)
    const body = res.json()
    t.equal(body.code, 'UNKNOWN_PARAMETER')
    t.equal(body.errors.length, 1)
    t.match(body.errors[0], { path: '/query/date', code: 'UNKNOWN_PARAMETER', reason: /did you mean at\?/ })
    t.match(body.errors[0].reason, /accepted: dataset, at, known_at, bbox, actor, side, limit, offset, f$/)
  })

  t.test('a near miss of a name is suggested', async (t) => {
    const res = await app.inject({ url: '/v1/control/point?dataset=test&lon=1&latt=2' })
    t.equal(res.statusCode, 400)
    t.match(res.json().errors, [{ path: '/query/latt', reason: /did you mean lat\?/ }])
  })

  t.test('each unknown parameter is named', async (t) => {
    const res = await app.inject({ url: '/v1/control?dataset=test&foo=1&bar=2' })
    t.equal(res.statusCode, 400)
    t.same(
      res.json().errors.map((error: any) => error.path),
      ['/query/foo', '/query/bar'],
    )
  })

  t.test('a route that takes no parameter refuses any', async (t) => {
    const res = await app.inject({ url: '/health?verbose=1' })
    t.equal(res.statusCode, 400)
    t.match(res.json(), { code: 'UNKNOWN_PARAMETER', errors: [{ reason: /accepted: none/ }] })
  })

  t.test('a write with an unknown parameter is refused before it writes', async (t) => {
    const res = await app.inject({ method: 'PUT', url: '/v1/datasets/test/actors/ypg?sidee=sdf', headers: AUTH, payload: { name: 'YPG', side: 'sdf' } })
    t.equal(res.statusCode, 400)
    t.equal(res.json().code, 'UNKNOWN_PARAMETER')
    t.equal((await app.inject({ url: '/v1/datasets/test/actors/ypg' })).statusCode, 404, 'nothing was written')
  })
})

t.test('a parameter that would be ignored is refused', async (t) => {
  const app = await buildTestApp(t)
  await seed(app, 'test')
  const cases: [string, string][] = [
    ['/v1/analysis/distance?dataset=test&from=side:opposition&to=side:government&step=P1D', '/query/step'],
    ['/v1/analysis/distance?dataset=test&from=side:opposition&to=side:government&at=2024-11-27&start=2024-11-26&end=2024-11-28', '/query/at'],
    ['/v1/analysis/route?dataset=test&feature=m5&at=2024-11-27&start=2024-11-26&end=2024-11-28', '/query/at'],
    ['/v1/features/m5/control?dataset=test&at=2024-11-27&start=2024-11-26&end=2024-11-28', '/query/at'],
  ]
  for (const [url, path] of cases) {
    const res = await app.inject({ url })
    t.equal(res.statusCode, 400, url)
    t.match(res.json(), { code: 'INVALID_REQUEST', errors: [{ path }] }, url)
  }
})

t.test('actor ids the answers reserve', async (t) => {
  const app = await buildTestApp(t)
  await seed(app, 'test')
  for (const id of ['unmapped', 'contested']) {
    const res = await app.inject({ method: 'PUT', url: `/v1/datasets/test/actors/${id}`, headers: AUTH, payload: { name: id, side: id } })
    t.equal(res.statusCode, 400, id)
    t.match(res.json(), { code: 'INVALID_REQUEST', errors: [{ path: '/path/actor', reason: /reserved/ }] })
  }
  const created = await app.inject({
    method: 'POST',
    url: '/v1/datasets/test/snapshots?valid_from=2024-11-26&unknown_actors=create',
    headers: AUTH,
    payload: {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [0, 0],
                [1, 0],
                [1, 1],
                [0, 1],
                [0, 0],
              ],
            ],
          },
          properties: { actor: 'Unmapped' },
        },
      ],
    },
  })
  t.equal(created.statusCode, 422)
  t.match(created.json(), { code: 'INVALID_IMPORT', errors: [{ code: 'RESERVED_ACTOR_ID', path: '/features/0/properties/actor' }] })
})

t.test('validation messages are ours, name the parameter and show an example', async (t) => {
  const app = await buildTestApp(t)
  await seed(app, 'test')

  t.test('a missing parameter', async (t) => {
    const res = await app.inject({ url: '/v1/control' })
    t.equal(res.statusCode, 400)
    const [error] = res.json().errors
    t.equal(error.path, '/query/dataset')
    t.equal(error.reason, 'required; e.g. dataset=aleppo-2024')
    t.notMatch(res.body, /received undefined/)
  })

  t.test('a value not among the accepted ones', async (t) => {
    const res = await app.inject({ url: '/v1/control?dataset=test&f=xml' })
    t.equal(res.statusCode, 400)
    t.match(res.json().errors, [{ path: '/query/f', reason: 'expected one of "json", "csv"; e.g. f=csv' }])
  })

  t.test('a bad date names the parameter and shows one', async (t) => {
    const res = await app.inject({ url: '/v1/control?dataset=test&at=yesterday' })
    t.equal(res.statusCode, 400)
    t.match(res.json(), { code: 'INVALID_DATE', errors: [{ path: '/query/at', reason: /e\.g\. at=2024-11-28$/ }] })
  })

  t.test('a number out of range', async (t) => {
    const res = await app.inject({ url: '/v1/control/point?dataset=test&lon=200&lat=1' })
    t.equal(res.statusCode, 400)
    t.match(res.json().errors, [{ path: '/query/lon', reason: /e\.g\. lon=37\.16$/ }])
  })
})

t.test('CORS', async (t) => {
  t.test('reads from any origin by default; the preflight is answered; writes still need the token', async (t) => {
    const app = await buildTestApp(t)
    await seed(app, 'test')
    const read = await app.inject({ url: '/v1/datasets', headers: { origin: 'https://notebook.example' } })
    t.equal(read.statusCode, 200)
    t.equal(read.headers['access-control-allow-origin'], '*')
    t.match(read.headers['access-control-expose-headers'], /ETag/)
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/v1/datasets/test/actors/ypg',
      headers: { origin: 'https://notebook.example', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'authorization,content-type' },
    })
    t.equal(preflight.statusCode, 204)
    t.equal(preflight.headers['access-control-allow-origin'], '*')
    t.match(preflight.headers['access-control-allow-methods'], /PUT/)
    t.match(preflight.headers['access-control-allow-headers'], /Authorization/)
    const write = await app.inject({
      method: 'PUT',
      url: '/v1/datasets/test/actors/ypg',
      headers: { origin: 'https://notebook.example' },
      payload: { name: 'YPG', side: 'sdf' },
    })
    t.equal(write.statusCode, 401)
    t.equal(write.headers['access-control-allow-origin'], '*', 'the refusal is readable by the page')
  })

  t.test('CORS_ORIGINS lists the origins allowed; others get no grant', async (t) => {
    const app = await buildTestApp(t, { CORS_ORIGINS: 'https://a.example, https://b.example' })
    const allowed = await app.inject({ url: '/health', headers: { origin: 'https://b.example' } })
    t.equal(allowed.headers['access-control-allow-origin'], 'https://b.example')
    t.match(allowed.headers.vary, /Origin/)
    const other = await app.inject({ url: '/health', headers: { origin: 'https://evil.example' } })
    t.equal(other.statusCode, 200)
    t.equal(other.headers['access-control-allow-origin'], undefined)
  })

  t.test('a cached answer varies by Origin, Accept and Accept-Encoding alike', async (t) => {
    const app = await buildTestApp(t, { CORS_ORIGINS: 'https://a.example,https://b.example' })
    await seed(app, 'test')
    for (const url of ['/v1/control?dataset=test', '/v1/datasets/test/actors']) {
      const res = await app.inject({ url, headers: { origin: 'https://a.example' } })
      t.equal(res.statusCode, 200)
      t.equal(res.headers['access-control-allow-origin'], 'https://a.example')
      const vary = String(res.headers.vary)
        .split(',')
        .map((name) => name.trim())
      t.ok(
        ['Origin', 'Accept', 'Accept-Encoding'].every((name) => vary.includes(name)),
        `${url}: Vary: ${vary.join(', ')}`,
      )
    }
  })

  t.test('a refusal by an early check is readable by the page too', async (t) => {
    const app = await buildTestApp(t)
    const res = await app.inject({ url: '/v1/control?dataset=x&q=%00', headers: { origin: 'https://a.example' } })
    t.equal(res.statusCode, 400)
    t.equal(res.headers['access-control-allow-origin'], '*')
  })

  t.test('an empty CORS_ORIGINS grants none', async (t) => {
    const app = await buildTestApp(t, { CORS_ORIGINS: '' })
    const res = await app.inject({ url: '/health', headers: { origin: 'https://a.example' } })
    t.equal(res.headers['access-control-allow-origin'], undefined)
  })
})
