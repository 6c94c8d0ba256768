import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { loadConfig, parseWriters } from '../../src/config.js'
import { SECRET_QUERY_PARAMETERS } from '../../src/plugins/auth.js'
import { ensureTokens } from '../../src/server.js'
import { AUTH, TOKEN, area, buildTestApp, collection, importSnapshot, openTestDatabase, seed, square, testConfig } from '../helpers.js'

// Secrets stay secret: tokens only in the Authorization header, never echoed, never logged, never fingerprinted;
// guessing is slowed per address. Through HTTP (inject) on the engine the suite runs on.

const OTHER = 'other-token-0123456789'
const SECRET = 'leaked-secret-9876543210'
const put = (name: string, headers: Record<string, string>, remoteAddress = '127.0.0.1') => ({
  method: 'PUT' as const,
  url: `/v1/datasets/${name}`,
  headers,
  payload: { name: `Dataset ${name}` },
  remoteAddress,
})

t.test('API_TOKENS', async (t) => {
  t.test('label:token pairs, and bare tokens labelled by position', async (t) => {
    t.same(parseWriters(`alice:${TOKEN}, ${OTHER} ,,ci.bot-2:a:b`), {
      writers: [
        { label: 'alice', token: TOKEN },
        { label: 'token-2', token: OTHER },
        { label: 'ci.bot-2', token: 'a:b' },
      ],
      problems: [],
    })
    t.same(loadConfig({ API_TOKENS: `alice:${TOKEN}` }).apiTokens, [TOKEN], 'apiTokens are what a client sends')
  })
  t.test('a repeated label or token, or a label without a token, is refused without printing any token', async (t) => {
    const error = (env: string) => {
      try {
        loadConfig({ API_TOKENS: env })
      } catch (caught) {
        return (caught as Error).message
      }
      return ''
    }
    const repeatedLabel = error(`a:${TOKEN},a:${OTHER}`)
    t.match(repeatedLabel, /label a is used twice[\s\S]*API_TOKENS/)
    const repeatedToken = error(`a:${TOKEN},b:${TOKEN}`)
    t.match(repeatedToken, /repeats the token/)
    t.match(error('a:'), /no token after its label/)
    for (const message of [repeatedLabel, repeatedToken]) {
      t.notMatch(message, TOKEN)
      t.notMatch(message, OTHER)
    }
  })
})

t.test('401', async (t) => {
  const app = await buildTestApp(t)
  t.test('without credentials: WWW-Authenticate names the scheme and realm, no error (RFC 6750 §3.1)', async (t) => {
    const res = await app.inject(put('x', {}))
    t.equal(res.statusCode, 401)
    t.equal(res.json().code, 'AUTH_REQUIRED')
    t.equal(res.headers['www-authenticate'], 'Bearer realm="frontline"')
  })
  t.test('another scheme is no credentials either', async (t) => {
    const res = await app.inject(put('x', { authorization: `Basic ${Buffer.from(`u:${TOKEN}`).toString('base64')}` }))
    t.equal(res.statusCode, 401)
    t.equal(res.headers['www-authenticate'], 'Bearer realm="frontline"')
  })
  t.test('a wrong token: error="invalid_token"', async (t) => {
    const res = await app.inject(put('x', { authorization: 'Bearer nope' }))
    t.equal(res.statusCode, 401)
    t.equal(res.json().code, 'INVALID_TOKEN')
    t.equal(res.headers['www-authenticate'], 'Bearer realm="frontline", error="invalid_token"')
  })
  t.test('the right token writes', async (t) => {
    const res = await app.inject(put('x', AUTH))
    t.equal(res.statusCode, 201)
  })
})

t.test('a token in the query string', async (t) => {
  const app = await buildTestApp(t)
  t.test('is refused with 400 TOKEN_IN_QUERY on reads and writes, naming the parameter, never its value', async (t) => {
    for (const name of SECRET_QUERY_PARAMETERS) {
      for (const request of [
        { method: 'GET' as const, url: `/v1/datasets?${name}=${SECRET}` },
        { ...put('y', AUTH), url: `/v1/datasets/y?${encodeURIComponent(name)}=${SECRET}` },
      ]) {
        const res = await app.inject(request)
        t.equal(res.statusCode, 400, `${request.method} ${name}`)
        t.match(res.json(), { code: 'TOKEN_IN_QUERY', errors: [{ path: `/query/${name}` }] })
        t.notMatch(res.body, SECRET)
        t.notMatch(res.json().instance, '?')
      }
    }
  })
  t.test('whatever its spelling: case, percent-encoding, brackets', async (t) => {
    for (const query of [`Access_Token=${SECRET}`, `access%5Ftoken=${SECRET}`, `token[]=${SECRET}`, `dataset=x&API_KEY=${SECRET}`, `token`]) {
      const res = await app.inject({ url: `/v1/datasets?${query}` })
      t.equal(res.statusCode, 400, query)
      t.equal(res.json().code, 'TOKEN_IN_QUERY')
      t.notMatch(res.body, SECRET)
    }
  })
  t.test('nothing was written', async (t) => {
    const res = await app.inject({ url: '/v1/datasets/y' })
    t.equal(res.statusCode, 404)
  })
})

t.test('instance is the path, never the query', async (t) => {
  const app = await buildTestApp(t)
  await seed(app)
  t.test('of a refused write', async (t) => {
    const url = '/v1/datasets/test/snapshots?valid_from=2024-11-26&note=private'
    const payload = collection([area(square(37, 36, 0.1), { actor: 'hts' })])
    for (const headers of [{}, { authorization: 'Bearer wrong-token' }]) {
      const res = await app.inject({ method: 'POST', url, headers, payload })
      t.equal(res.statusCode, 401)
      t.equal(res.json().instance, '/v1/datasets/test/snapshots')
    }
  })
  t.test('of a refused read', async (t) => {
    const res = await app.inject({ url: '/v1/control?dataset=test&at=yesterday' })
    t.equal(res.statusCode, 400)
    t.equal(res.json().instance, '/v1/control')
  })
})

t.test('logs', async (t) => {
  const database = await openTestDatabase(t)
  const lines: string[] = []
  const app = await buildApp({ config: testConfig(), database, logger: { level: 'info', stream: { write: (line: string) => void lines.push(line) } } })
  t.teardown(() => app.close())

  t.test('carry neither a token from the query nor the Authorization header', async (t) => {
    await app.inject({ url: `/v1/datasets?access_token=${SECRET}&dataset=x` })
    await app.inject({ ...put('z', AUTH), url: `/v1/datasets/z?api_key=${SECRET}` })
    await app.inject({ ...put('z', { authorization: `Bearer ${SECRET}` }) })
    const log = lines.join('')
    t.ok(lines.length >= 6, 'requests were logged')
    t.notMatch(log, SECRET)
    t.notMatch(log, TOKEN)
    t.match(log, '/v1/datasets?access_token=[redacted]&dataset=x', 'the URL is logged with the value redacted')
  })
  t.test('redact an authorization header whoever logs it', async (t) => {
    app.log.info({ headers: { authorization: `Bearer ${SECRET}` } }, 'headers')
    app.log.info({ req: { headers: { authorization: `Bearer ${SECRET}` } } }, 'request headers')
    const log = lines.join('')
    t.notMatch(log, SECRET)
    t.match(log, '"authorization":"[redacted]"')
  })
})

t.test('failed authentications are limited per address', async (t) => {
  const app = await buildTestApp(t)
  const wrong = { authorization: 'Bearer wrong-token-0123456789' }

  t.test('ten failures in a minute, then 429 with Retry-After, even for the right token', async (t) => {
    for (let i = 0; i < 10; i++) t.equal((await app.inject(put('a', wrong, '10.0.0.1'))).statusCode, 401)
    const limited = await app.inject(put('a', wrong, '10.0.0.1'))
    t.equal(limited.statusCode, 429)
    t.match(limited.json(), { code: 'TOO_MANY_AUTH_FAILURES', status: 429, instance: '/v1/datasets/a' })
    const retryAfter = Number(limited.headers['retry-after'])
    t.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter} s`)
    t.equal((await app.inject(put('a', AUTH, '10.0.0.1'))).statusCode, 429, 'the right token from that address waits too')
  })
  t.test('another address is unaffected', async (t) => {
    t.equal((await app.inject(put('b', AUTH, '10.0.0.2'))).statusCode, 201)
    t.equal((await app.inject(put('b', wrong, '10.0.0.2'))).statusCode, 401)
  })
  t.test('requests without credentials and successful ones do not count', async (t) => {
    for (let i = 0; i < 15; i++) t.equal((await app.inject(put('c', {}, '10.0.0.3'))).json().code, 'AUTH_REQUIRED')
    for (let i = 0; i < 15; i++) t.ok((await app.inject(put('c', AUTH, '10.0.0.3'))).statusCode < 300)
    for (let i = 0; i < 9; i++) t.equal((await app.inject(put('c', wrong, '10.0.0.3'))).statusCode, 401)
    t.equal((await app.inject(put('c', AUTH, '10.0.0.3'))).statusCode, 200, 'nine failures are under the limit')
  })
  t.test('reads are never limited', async (t) => {
    t.equal((await app.inject({ url: '/v1/datasets', remoteAddress: '10.0.0.1' })).statusCode, 200)
  })
  t.test('the limit lifts when the window has passed', async (t) => {
    const quick = await buildTestApp(t, { AUTH_FAILURE_LIMIT: '2', AUTH_FAILURE_WINDOW_MS: '1000' })
    for (let i = 0; i < 2; i++) t.equal((await quick.inject(put('d', wrong, '10.0.0.5'))).statusCode, 401)
    const limited = await quick.inject(put('d', AUTH, '10.0.0.5'))
    t.equal(limited.statusCode, 429)
    t.equal(limited.headers['retry-after'], '1')
    await new Promise((resolve) => setTimeout(resolve, 1_100))
    t.equal((await quick.inject(put('d', AUTH, '10.0.0.5'))).statusCode, 201)
  })
})

t.test('submittedBy is the label of the token, never derived from the token', async (t) => {
  const app = await buildTestApp(t, { API_TOKENS: `alice:${TOKEN},${OTHER}` })
  await seed(app)
  const map = (size: number) => collection([area(square(37, 36, size), { actor: 'hts' })])
  const byAlice = await importSnapshot(app, 'test', '2024-11-26', map(0.1))
  t.equal(byAlice.statusCode, 201)
  t.equal(byAlice.json().import.submittedBy, 'alice')
  const byBare = await app.inject({
    method: 'POST',
    url: '/v1/datasets/test/snapshots?valid_from=2024-11-27',
    headers: { authorization: `Bearer ${OTHER}` },
    payload: map(0.2),
  })
  t.equal(byBare.statusCode, 201)
  t.equal(byBare.json().import.submittedBy, 'token-2')
  const listed = await app.inject({ url: '/v1/imports?dataset=test' })
  t.same(
    listed
      .json()
      .imports.map((entry: { submittedBy: string }) => entry.submittedBy)
      .sort(),
    ['alice', 'token-2'],
  )

  t.test('the generated token is labelled generated', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'frontline-auth-'))
    t.teardown(() => rmSync(dir, { recursive: true, force: true }))
    const config = ensureTokens(loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent' }), () => {})
    t.same(
      config.writers.map((writer) => writer.label),
      ['generated'],
    )
    const generated = await buildApp({ config, database: await openTestDatabase(t), logger: false })
    t.teardown(() => generated.close())
    await generated.inject({ method: 'PUT', url: '/v1/datasets/g', headers: { authorization: `Bearer ${config.apiTokens[0]}` }, payload: { name: 'G' } })
    await generated.inject({
      method: 'PUT',
      url: '/v1/datasets/g/actors/hts',
      headers: { authorization: `Bearer ${config.apiTokens[0]}` },
      payload: { name: 'HTS', side: 'opposition' },
    })
    const res = await generated.inject({
      method: 'POST',
      url: '/v1/datasets/g/snapshots?valid_from=2024-11-26',
      headers: { authorization: `Bearer ${config.apiTokens[0]}` },
      payload: map(0.1),
    })
    t.equal(res.statusCode, 201)
    t.equal(res.json().import.submittedBy, 'generated')
  })
})

t.test('behind TRUST_PROXY hops the client is read from the right of X-Forwarded-For, which a client cannot forge', async (t) => {
  const app = await buildTestApp(t, { TRUST_PROXY: '1' })
  const wrong = { authorization: 'Bearer wrong-token-0123456789' }
  // One proxy at 10.0.0.1 appends the address it saw; whatever the client wrote stands to its left.
  const via = (client: string, forged: string) => ({ 'x-forwarded-for': `${forged}, ${client}` })
  for (let i = 0; i < 10; i++) {
    const res = await app.inject({ ...put(`p${i}`, { ...wrong, ...via('198.51.100.1', `192.0.2.${i}`) }, '10.0.0.1') })
    t.equal(res.statusCode, 401)
  }
  const again = await app.inject(put('p', { ...wrong, ...via('198.51.100.1', '192.0.2.99') }, '10.0.0.1'))
  t.equal(again.statusCode, 429, 'a new forged entry on the left does not make a new client')
  const other = await app.inject(put('q', { ...AUTH, ...via('198.51.100.2', '192.0.2.1') }, '10.0.0.1'))
  t.equal(other.statusCode, 201, 'another client behind the same proxy is its own')
})
