import type { FastifyInstance } from 'fastify'
import t, { type Test } from 'tap'
import { loadConfig } from '../../src/config.js'
import { AUTH, buildTestApp } from '../helpers.js'
import { open } from './fixtures/peer.js'

// Slow, stuck and malformed clients against a listening app on loopback, with timeouts of a second or two so the
// file stays short. Every refusal is a problem+json; a connection that never sent a byte is closed without a word.

const HEADERS_TIMEOUT_MS = 1_000
const REQUEST_TIMEOUT_MS = 2_000
const KEEP_ALIVE_TIMEOUT_MS = 1_000
// Node checks the request timeouts every connectionsCheckingInterval (a quarter of the headers timeout here).
const CHECK_MS = 250

async function listen(t: Test, overrides: Record<string, string> = {}): Promise<{ app: FastifyInstance; port: number }> {
  const app = await buildTestApp(t, {
    HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
    REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    KEEP_ALIVE_TIMEOUT_MS: String(KEEP_ALIVE_TIMEOUT_MS),
    ...overrides,
  })
  // An answer that takes longer than the request timeout: producing it is not receiving the request.
  app.get('/test/slow-answer', async () => {
    await new Promise((resolve) => setTimeout(resolve, REQUEST_TIMEOUT_MS + 500))
    return { ok: true }
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  return { app, port: (app.server.address() as { port: number }).port }
}

/** The status, headers (lower-case names) and body of the first answer in `raw`. */
function parse(raw: string): { status: number; headers: Record<string, string>; body: string } {
  const end = raw.indexOf('\r\n\r\n')
  const [statusLine, ...lines] = raw.slice(0, end).split('\r\n')
  const headers = Object.fromEntries(
    lines.map((line) => {
      const colon = line.indexOf(':')
      return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]
    }),
  )
  const body = raw.slice(end + 4)
  return { status: Number(statusLine.split(' ')[1]), headers, body: headers['content-length'] ? body.slice(0, Number(headers['content-length'])) : body }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

t.test('slow clients', async (t) => {
  const { port } = await listen(t)

  t.test('a body sent one byte a second is cut at the request timeout with a 408 problem', async (t) => {
    const peer = await open(port)
    const body = JSON.stringify({ name: 'Slow dataset' })
    peer.socket.write(
      `PUT /v1/datasets/slow HTTP/1.1\r\nHost: x\r\nAuthorization: ${AUTH.authorization}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
    )
    let sent = 0
    const drip = setInterval(() => {
      if (!peer.socket.destroyed && sent < body.length - 1) peer.socket.write(body[sent++])
    }, 1_000)
    t.teardown(() => clearInterval(drip))
    const elapsed = (await peer.closed) - peer.connectedAt
    clearInterval(drip)
    t.ok(elapsed >= REQUEST_TIMEOUT_MS - 100, `not before the request timeout (${elapsed} ms)`)
    t.ok(elapsed <= REQUEST_TIMEOUT_MS + CHECK_MS + 1_000, `within the request timeout and a check interval (${elapsed} ms)`)
    const answer = parse(peer.received())
    t.equal(answer.status, 408)
    t.match(answer.headers['content-type'], /^application\/problem\+json/)
    t.equal(answer.headers.connection, 'close')
    t.match(JSON.parse(answer.body), { status: 408, code: 'REQUEST_TIMEOUT', title: 'Request Timeout' })
  })

  t.test('headers sent slowly are cut at the headers timeout with a 408 problem', async (t) => {
    const peer = await open(port)
    peer.socket.write('GET /health HTTP/1.1\r\nHost: x\r\n')
    const elapsed = (await peer.closed) - peer.connectedAt
    t.ok(elapsed <= HEADERS_TIMEOUT_MS + CHECK_MS + 1_000, `within the headers timeout (${elapsed} ms)`)
    const answer = parse(peer.received())
    t.equal(answer.status, 408)
    t.equal(JSON.parse(answer.body).code, 'REQUEST_TIMEOUT')
  })

  t.test('a connection that sends nothing is closed at the headers timeout, without an answer', async (t) => {
    const peer = await open(port)
    const elapsed = (await peer.closed) - peer.connectedAt
    t.ok(elapsed >= HEADERS_TIMEOUT_MS - 100 && elapsed <= HEADERS_TIMEOUT_MS + CHECK_MS + 1_000, `closed after ${elapsed} ms`)
    t.equal(peer.received(), '')
  })

  t.test('an idle keep-alive connection is closed at the keep-alive timeout', async (t) => {
    const peer = await open(port)
    peer.socket.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n')
    const elapsed = (await peer.closed) - peer.connectedAt
    const answer = parse(peer.received())
    t.equal(answer.status, 200)
    t.equal(answer.headers.connection, 'keep-alive')
    t.ok(elapsed <= KEEP_ALIVE_TIMEOUT_MS + 1_500, `closed after ${elapsed} ms`)
  })

  t.test('an answer that takes longer than the request timeout is not cut', async (t) => {
    const res = await fetch(`http://127.0.0.1:${port}/test/slow-answer`)
    t.equal(res.status, 200)
    t.same(await res.json(), { ok: true })
  })
})

t.test('refusals on the socket are problems', async (t) => {
  const { port } = await listen(t)

  t.test('headers larger than 16 KiB: 431', async (t) => {
    const peer = await open(port)
    peer.socket.write(`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20 * 1024)}\r\n\r\n`)
    await peer.closed
    const answer = parse(peer.received())
    t.equal(answer.status, 431)
    t.match(answer.headers['content-type'], /^application\/problem\+json/)
    t.match(JSON.parse(answer.body), { status: 431, code: 'HEADERS_TOO_LARGE', title: 'Request Header Fields Too Large' })
  })

  t.test('headers larger than 16 KiB from a real client (fetch): 431 problem', async (t) => {
    const res = await fetch(`http://127.0.0.1:${port}/health`, { headers: { 'x-big': 'a'.repeat(20 * 1024) } })
    t.equal(res.status, 431)
    t.match(res.headers.get('content-type'), /^application\/problem\+json/)
    t.equal(((await res.json()) as { code: string }).code, 'HEADERS_TOO_LARGE')
  })

  t.test('bytes that are not HTTP: 400 problem and a close', async (t) => {
    const peer = await open(port)
    peer.socket.write('HELLO THERE\r\n\r\n')
    await peer.closed
    const answer = parse(peer.received())
    t.equal(answer.status, 400)
    t.match(answer.headers['content-type'], /^application\/problem\+json/)
    t.match(JSON.parse(answer.body), { status: 400, code: 'INVALID_REQUEST' })
  })

  t.test('a malformed percent-encoding in the path: 400 BAD_URL problem that echoes no query', async (t) => {
    const peer = await open(port)
    peer.socket.write('GET /v1/datasets/%E0%A4%A?access_token=secret-in-url HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
    await peer.closed
    const answer = parse(peer.received())
    t.equal(answer.status, 400)
    t.match(answer.headers['content-type'], /^application\/problem\+json/)
    const problem = JSON.parse(answer.body)
    t.match(problem, { status: 400, code: 'BAD_URL', instance: '/v1/datasets/%E0%A4%A' })
    t.notMatch(answer.body, 'secret-in-url')
  })
})

t.test('errors from the app are problems (inject)', async (t) => {
  const app = await buildTestApp(t, { BODY_LIMIT_MB: '0.001' })

  t.test('a bad URL', async (t) => {
    const res = await app.inject({ url: '/v1/datasets/%E0%A4%A' })
    t.equal(res.statusCode, 400)
    t.match(res.headers['content-type'], /^application\/problem\+json/)
    t.match(res.json(), { code: 'BAD_URL', instance: '/v1/datasets/%E0%A4%A' })
  })

  t.test('a path segment longer than the router takes', async (t) => {
    const res = await app.inject({ url: `/v1/datasets/${'a'.repeat(200)}` })
    t.equal(res.statusCode, 414)
    t.match(res.headers['content-type'], /^application\/problem\+json/)
    t.equal(res.json().code, 'BAD_URL')
  })

  t.test('a body over the limit: 413', async (t) => {
    const res = await app.inject({ method: 'PUT', url: '/v1/datasets/big', headers: AUTH, payload: { name: 'x'.repeat(4096) } })
    t.equal(res.statusCode, 413)
    t.match(res.headers['content-type'], /^application\/problem\+json/)
    t.equal(res.json().code, 'BODY_TOO_LARGE')
  })

  t.test('404 and 405 name the path, never the query', async (t) => {
    const notFound = await app.inject({ url: '/v1/nothing?x=1' })
    t.equal(notFound.statusCode, 404)
    t.match(notFound.json(), { code: 'ROUTE_NOT_FOUND', instance: '/v1/nothing' })
    const notAllowed = await app.inject({ method: 'PATCH', url: '/v1/datasets?x=1' })
    t.equal(notAllowed.statusCode, 405)
    t.match(notAllowed.json(), { code: 'METHOD_NOT_ALLOWED', instance: '/v1/datasets' })
  })
})

t.test('MAX_CONNECTIONS', async (t) => {
  const max = 3
  const { port } = await listen(t, { MAX_CONNECTIONS: String(max), HEADERS_TIMEOUT_MS: '5000', REQUEST_TIMEOUT_MS: '5000' })
  const held = await Promise.all(Array.from({ length: max }, () => open(port)))
  await sleep(100)

  t.test('a connection past the limit is answered 503 TOO_MANY_CONNECTIONS and closed', async (t) => {
    const extra = await open(port)
    extra.socket.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n')
    const elapsed = (await extra.closed) - extra.connectedAt
    t.ok(elapsed < 2_000, `closed at once (${elapsed} ms)`)
    const answer = parse(extra.received())
    t.equal(answer.status, 503)
    t.match(answer.headers['content-type'], /^application\/problem\+json/)
    t.equal(answer.headers.connection, 'close')
    t.equal(answer.headers['retry-after'], '1')
    t.match(JSON.parse(answer.body), { code: 'TOO_MANY_CONNECTIONS', status: 503 })
  })

  t.test('the connections within the limit are served', async (t) => {
    held[0].socket.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n')
    await sleep(200)
    t.equal(parse(held[0].received()).status, 200)
  })

  t.test('once connections close, new ones are served again', async (t) => {
    for (const peer of held) peer.socket.destroy()
    await Promise.all(held.map((peer) => peer.closed))
    await sleep(100)
    const res = await fetch(`http://127.0.0.1:${port}/health`)
    t.equal(res.status, 200)
  })
})

t.test('timeouts in the configuration', async (t) => {
  t.test('defaults of seconds, not minutes', async (t) => {
    const config = loadConfig({})
    t.match(config, { HEADERS_TIMEOUT_MS: 5_000, REQUEST_TIMEOUT_MS: 10_000, KEEP_ALIVE_TIMEOUT_MS: 5_000, SHUTDOWN_TIMEOUT_MS: 8_000, MAX_CONNECTIONS: 512 })
    t.ok(config.SOCKET_TIMEOUT_MS > config.ANALYSIS_TIMEOUT_MS, 'an analysis computing its answer is not cut as a silent socket')
  })
  t.test('a headers timeout longer than the request timeout is refused', async (t) => {
    t.throws(() => loadConfig({ HEADERS_TIMEOUT_MS: '20000', REQUEST_TIMEOUT_MS: '10000' }), /HEADERS_TIMEOUT_MS/)
  })
  t.test('a socket timeout that would cut analyses is refused', async (t) => {
    t.throws(() => loadConfig({ SOCKET_TIMEOUT_MS: '10000', ANALYSIS_TIMEOUT_MS: '20000' }), /SOCKET_TIMEOUT_MS/)
    t.equal(loadConfig({ SOCKET_TIMEOUT_MS: '0' }).SOCKET_TIMEOUT_MS, 0)
  })
})
