import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { LOCK_FILE } from '../../src/db/lock.js'
import { childEnv, deadPid, frontline, http, readLock, runServerOnce, startServer } from './fixtures/processes.js'

// One owner per embedded data directory, with real processes on loopback: a second server is
// refused, a non-server owner is refused by the CLI, and a lock left by a killed process is
// taken over. Every child is killed at teardown.

const TOKEN = 'lock-test-token-0123456789'
const collection = (...features: object[]) => ({ type: 'FeatureCollection', features })

// One data directory for the whole file, as a user's would be: made once (initdb and migrations
// take seconds), then locked, refused, left stale and taken over in turn.
const dataDir = mkdtempSync(join(tmpdir(), 'frontline-lock-'))
t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))

t.test('two servers on one data directory', async (t) => {
  const env = childEnv(dataDir, { API_TOKENS: TOKEN })
  const first = await startServer(t, env)
  t.match(readLock(dataDir), { pid: first.pid, port: first.port, hostname: hostname(), command: 'frontline server' })

  const second = await runServerOnce(env)
  t.not(second.code, 0, 'the second server exits with an error')
  t.match(second.output, `pid ${first.pid}`)
  t.match(second.output, `port ${first.port}`)
  t.match(second.output, join(dataDir, 'pglite'))
  t.match(second.output, /Stop that process/)
  t.equal(readLock(dataDir)?.pid, first.pid, 'the first keeps the lock')
  t.equal((await fetch(`${first.url}/health`)).status, 200, 'and keeps serving')

  t.test('`frontline serve` is refused the same way', async (t) => {
    const serve = await frontline(['serve'], env)
    t.equal(serve.code, 1)
    t.match(serve.stderr, `pid ${first.pid}`)
  })

  t.test('stopping the server releases the lock', async (t) => {
    const { code } = await first.stop()
    t.equal(code, 0)
    t.equal(readLock(dataDir), undefined)
  })
})

t.test('frontline next to an owner that is not a listening server', async (t) => {
  mkdirSync(join(dataDir, 'pglite'), { recursive: true })
  const env = childEnv(dataDir, { API_TOKENS: TOKEN })
  const lockFile = join(dataDir, 'pglite', LOCK_FILE)
  const owner = { pid: process.pid, hostname: hostname(), startedAt: new Date().toISOString() }

  t.test('an owner without a port (another CLI, or a server still starting) is refused', async (t) => {
    writeFileSync(lockFile, JSON.stringify({ ...owner, port: null, command: 'frontline import' }))
    const refused = await frontline(['migrate'], env)
    t.equal(refused.code, 1)
    t.match(refused.stderr, `pid ${process.pid}`)
    t.match(refused.stderr, /frontline import/)
    t.match(refused.stderr, /no HTTP port/)
    t.equal(readLock(dataDir)?.pid, process.pid, 'the owner keeps its lock')
  })

  t.test('a server whose port does not answer is an error, not a silent local write', async (t) => {
    writeFileSync(lockFile, JSON.stringify({ ...owner, port: 9, host: '127.0.0.1', command: 'frontline server' }))
    const file = join(dataDir, 'map.geojson')
    writeFileSync(file, JSON.stringify(collection()))
    const refused = await frontline(['import', file, '--dataset', 'x', '--kind', 'snapshot', '--valid-from', '2024-11-26', '--actor', 'a'], env)
    t.equal(refused.code, 1)
    t.match(refused.stderr, /does not answer at http:\/\/127\.0\.0\.1:9/)
  })
})

t.test('a stale lock left by a killed process', async (t) => {
  const staleLock = async () => {
    const pid = await deadPid()
    writeFileSync(
      join(dataDir, 'pglite', LOCK_FILE),
      JSON.stringify({ pid, hostname: hostname(), port: 3999, startedAt: '2024-11-26T00:00:00.000Z', command: 'frontline server' }),
    )
    return pid
  }

  t.test('the server takes it over and starts', async (t) => {
    const pid = await staleLock()
    const server = await startServer(t, childEnv(dataDir, { API_TOKENS: TOKEN, LOG_LEVEL: 'info' }))
    t.match(readLock(dataDir), { pid: server.pid, port: server.port })
    t.equal((await fetch(`${server.url}/ready`)).status, 200)
    t.match(server.output(), /took over the lock/)
    t.match(server.output(), `"pid":${pid}`)
    t.equal((await server.stop()).code, 0)
  })

  t.test('the CLI takes it over, works on its own, and leaves no lock', async (t) => {
    await staleLock()
    const migrated = await frontline(['migrate'], childEnv(dataDir, { API_TOKENS: TOKEN }))
    t.equal(migrated.code, 0, migrated.stderr)
    t.match(migrated.stdout, /^(applied: |nothing to apply)/)
    t.equal(readLock(dataDir), undefined)
  })

  t.test('a server killed with SIGKILL leaves a lock the next one takes over, with the data it reported written', async (t) => {
    const env = childEnv(dataDir, { API_TOKENS: TOKEN })
    const first = await startServer(t, env)
    t.equal((await http('PUT', `${first.url}/v1/datasets/kept`, TOKEN, { name: 'Kept' })).status, 201)
    first.child.kill('SIGKILL')
    await first.exited
    t.equal(readLock(dataDir)?.pid, first.pid, 'the killed server left its lock behind')
    const second = await startServer(t, env)
    t.equal(readLock(dataDir)?.pid, second.pid)
    t.equal((await fetch(`${second.url}/v1/datasets/kept`)).status, 200)
  })
})
