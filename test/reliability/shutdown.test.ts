import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { ownDatabaseUrl, TOKEN } from '../helpers.js'
import { open } from './fixtures/peer.js'

// SIGTERM as a process manager sends it, to `node src/server.ts` in a process of its own: requests in flight finish,
// idle and keep-alive connections close at once, and a client that never finishes cannot hold the process past
// SHUTDOWN_TIMEOUT_MS. On the embedded database in a fresh directory, or a database of its own on DATABASE_URL.

const root = new URL('../..', import.meta.url).pathname

interface Child {
  child: ChildProcess
  port: number
  output(): string
  exited: Promise<{ code: number | null; at: number }>
}

/** Starts the server and resolves once it listens (its log says where); SIGKILLed at teardown if still running. */
async function startServer(t: Test, env: Record<string, string>): Promise<Child> {
  const dataDir = mkdtempSync(join(tmpdir(), 'frontline-shutdown-'))
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: root,
    env: { ...process.env, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', API_TOKENS: TOKEN, LOAD_DEFAULT_DATASET: 'never', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (chunk) => (output += chunk))
  child.stderr!.on('data', (chunk) => (output += chunk))
  const exited = new Promise<{ code: number | null; at: number }>((resolve) => child.on('exit', (code) => resolve({ code, at: Date.now() })))
  let gone = false
  void exited.then(() => (gone = true))
  t.teardown(async () => {
    if (!gone) child.kill('SIGKILL')
    await exited
    rmSync(dataDir, { recursive: true, force: true })
  })
  const deadline = Date.now() + 60_000
  for (;;) {
    const listening = /Server listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(output)
    if (listening) return { child, port: Number(listening[1]), output: () => output, exited }
    if (gone) throw new Error(`the server exited before listening: ${output}`)
    if (Date.now() > deadline) throw new Error(`the server did not listen within a minute: ${output}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const until = async (check: () => boolean, ms = 5_000) => {
  for (const end = Date.now() + ms; !check() && Date.now() < end;) await sleep(20)
}
const putHead = (name: string, length: number) =>
  `PUT /v1/datasets/${name} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`

t.test('SIGTERM with a client that never finishes its request', async (t) => {
  const drainMs = 2_000
  // The request timeout is long here, so that only the drain bound can cut the slow client.
  const server = await startServer(t, {
    DATABASE_URL: await ownDatabaseUrl(t, 'reliability_shutdown'),
    SHUTDOWN_TIMEOUT_MS: String(drainMs),
    REQUEST_TIMEOUT_MS: '60000',
  })
  const slow = await open(server.port)
  const body = JSON.stringify({ name: 'Never finished' })
  slow.socket.write(putHead('slow', body.length))
  let sent = 0
  const drip = setInterval(() => {
    if (!slow.socket.destroyed && sent < body.length - 1) slow.socket.write(body[sent++])
  }, 500)
  t.teardown(() => clearInterval(drip))
  await sleep(600)

  const signalled = Date.now()
  server.child.kill('SIGTERM')
  await sleep(300)
  const refused = await open(server.port).then(
    (peer) => (peer.socket.destroy(), false),
    () => true,
  )
  t.ok(refused, 'no new connection is accepted while draining')
  const { code, at } = await server.exited
  clearInterval(drip)
  const tookMs = at - signalled
  t.equal(code, 0, server.output())
  t.ok(tookMs >= drainMs - 200, `the request in flight had the drain time (${tookMs} ms)`)
  t.ok(tookMs <= drainMs + 2_500, `exited within the drain bound (${tookMs} ms for ${drainMs} ms)`)
  t.ok((await slow.closed) - signalled <= drainMs + 2_500, 'the slow client was disconnected')
  t.match(server.output(), 'closing every connection')
})

t.test('SIGTERM with a keep-alive client and a request in flight', async (t) => {
  const drainMs = 10_000
  // Keep-alive connections would otherwise stay open a minute: only the shutdown may close them.
  const server = await startServer(t, {
    DATABASE_URL: await ownDatabaseUrl(t, 'reliability_shutdown'),
    SHUTDOWN_TIMEOUT_MS: String(drainMs),
    KEEP_ALIVE_TIMEOUT_MS: '60000',
  })
  const idle = await open(server.port)
  idle.socket.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n')
  await until(() => idle.received().includes('\r\n\r\n'))
  t.match(idle.received(), /^HTTP\/1\.1 200[\s\S]*Connection: keep-alive/i, 'a kept-alive connection, idle')

  const busy = await open(server.port)
  const body = JSON.stringify({ name: 'Drained' })
  busy.socket.write(putHead('drained', body.length) + body.slice(0, 5))
  await sleep(200)

  const signalled = Date.now()
  server.child.kill('SIGTERM')
  const idleClosedAt = await idle.closed
  t.ok(idleClosedAt - signalled < 1_000, `the idle keep-alive connection is closed at once (${idleClosedAt - signalled} ms)`)

  await sleep(500)
  busy.socket.write(body.slice(5))
  const busyClosedAt = await busy.closed
  const answer = busy.received()
  t.match(answer, /^HTTP\/1\.1 201 /, 'the request in flight is answered')
  t.match(answer, /\r\nconnection: close\r\n/i, 'and its connection closed after the answer')
  t.ok(busyClosedAt - signalled < 3_000, 'closed once answered')

  const { code, at } = await server.exited
  t.equal(code, 0, server.output())
  t.ok(at - signalled < 4_000, `exited once the request in flight was answered, long before the drain bound (${at - signalled} ms)`)
})
