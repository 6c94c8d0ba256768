import { execFile, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { acquireDataDirLock, DataDirLockedError, LOCK_FILE, type LockOwner } from '../../src/db/lock.js'

const run = promisify(execFile)
const root = new URL('../..', import.meta.url).pathname
const dir = () => {
  const made = mkdtempSync(join(tmpdir(), 'frontline-lock-'))
  t.teardown(() => rmSync(made, { recursive: true, force: true }))
  return made
}
const readLock = (d: string) => JSON.parse(readFileSync(join(d, LOCK_FILE), 'utf8')) as LockOwner
const writeLock = (d: string, owner: Partial<LockOwner>) =>
  writeFileSync(
    join(d, LOCK_FILE),
    JSON.stringify({ hostname: hostname(), port: null, startedAt: new Date().toISOString(), command: 'frontline server', ...owner }),
  )

/** The pid of a process that has exited: a lock naming it is stale. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''])
  await new Promise((resolve) => child.on('exit', resolve))
  return child.pid!
}

t.test('acquireDataDirLock', async (t) => {
  t.test('writes who owns the directory, and release removes it', async (t) => {
    const d = dir()
    const lock = acquireDataDirLock(d, 'frontline test')
    t.match(readLock(d), { pid: process.pid, hostname: hostname(), port: null, command: 'frontline test' })
    t.ok(Date.parse(readLock(d).startedAt) > 0)
    t.equal(lock.tookOver, null)
    lock.release()
    t.notOk(existsSync(join(d, LOCK_FILE)))
    lock.release()
    t.pass('release is idempotent')
  })

  t.test('setPort records the port for others to find', async (t) => {
    const d = dir()
    const lock = acquireDataDirLock(d, 'frontline server')
    t.teardown(lock.release)
    lock.setPort(4321, '127.0.0.1')
    t.match(readLock(d), { pid: process.pid, port: 4321, host: '127.0.0.1' })
  })

  t.test('refuses a second open within one process', async (t) => {
    const d = dir()
    const lock = acquireDataDirLock(d)
    t.teardown(lock.release)
    t.throws(() => acquireDataDirLock(d), DataDirLockedError)
  })

  t.test('refuses a live owner, naming its pid, its port and what to do', async (t) => {
    const d = dir()
    // The test runner that started this file is alive and is not this process.
    writeLock(d, { pid: process.ppid, port: 3456 })
    const error = (() => {
      try {
        acquireDataDirLock(d)
      } catch (caught) {
        return caught
      }
    })()
    t.ok(error instanceof DataDirLockedError)
    const locked = error as DataDirLockedError
    t.equal(locked.code, 'DATA_DIR_LOCKED')
    t.match(locked.owner, { pid: process.ppid, port: 3456 })
    t.match(locked.message, `pid ${process.ppid}`)
    t.match(locked.message, 'port 3456')
    t.match(locked.message, d)
    t.match(locked.message, /Stop that process/)
    t.match(locked.message, /DATA_DIR/)
    t.equal(readLock(d).pid, process.ppid, 'the owner keeps its lock')
  })

  t.test('says so when the live owner has no port yet', async (t) => {
    const d = dir()
    writeLock(d, { pid: process.ppid, port: null, command: 'frontline import' })
    t.throws(() => acquireDataDirLock(d), { name: 'DataDirLockedError', message: /no HTTP port/ })
  })

  t.test('cannot check a pid on another host, so refuses and says which host', async (t) => {
    const d = dir()
    writeLock(d, { pid: await deadPid(), hostname: 'elsewhere.example' })
    t.throws(() => acquireDataDirLock(d), { message: /on host elsewhere\.example/ })
  })

  t.test('takes over the lock of a process that died', async (t) => {
    const d = dir()
    const pid = await deadPid()
    writeLock(d, { pid, port: 3000 })
    const lock = acquireDataDirLock(d, 'frontline server')
    t.teardown(lock.release)
    t.match(lock.tookOver, { from: { pid, port: 3000 } })
    t.match(readLock(d), { pid: process.pid, port: null })
  })

  t.test('takes over a lock naming its own pid that it does not hold (a container restarted as pid 1)', async (t) => {
    const d = dir()
    writeLock(d, { pid: process.pid, startedAt: '2020-01-01T00:00:00.000Z' })
    const lock = acquireDataDirLock(d)
    t.teardown(lock.release)
    t.match(lock.tookOver, { from: { pid: process.pid } })
  })

  t.test('takes over an old unreadable lock (its writer was killed between create and write)', async (t) => {
    const d = dir()
    writeFileSync(join(d, LOCK_FILE), '')
    const old = new Date(Date.now() - 60_000)
    utimesSync(join(d, LOCK_FILE), old, old)
    const lock = acquireDataDirLock(d)
    t.teardown(lock.release)
    t.same(lock.tookOver, { from: null })
  })

  t.test('release leaves a lock that is no longer ours', async (t) => {
    const d = dir()
    const lock = acquireDataDirLock(d)
    writeLock(d, { pid: process.ppid })
    lock.release()
    t.equal(readLock(d).pid, process.ppid)
    t.throws(() => lock.setPort(1), /no longer held/)
  })

  t.test('of processes racing for one stale lock, exactly one wins', async (t) => {
    const d = dir()
    writeLock(d, { pid: await deadPid() })
    // The winner holds the lock until every racer has answered, so a late starter meets a live owner.
    const script = `
      import { acquireDataDirLock } from ${JSON.stringify(new URL('../../src/db/lock.ts', import.meta.url).pathname)}
      try { acquireDataDirLock(${JSON.stringify(d)}); console.log('won'); setInterval(() => {}, 1000) }
      catch (error) { console.log(error.name) }`
    const racers = Array.from({ length: 6 }, () =>
      spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] }),
    )
    const exits = racers.map((racer) => new Promise((resolve) => racer.on('exit', resolve)))
    t.teardown(async () => {
      for (const racer of racers) racer.kill('SIGTERM')
      await Promise.all(exits)
    })
    const answers = racers.map(
      (racer) =>
        new Promise<string>((resolve, reject) => {
          let out = ''
          const timer = setTimeout(() => reject(new Error('a racer did not answer within 60 s')), 60_000)
          racer.stdout!.on('data', (chunk) => {
            out += chunk
            if (out.includes('\n')) {
              clearTimeout(timer)
              resolve(out.trim())
            }
          })
        }),
    )
    const results = await Promise.all(answers)
    t.equal(results.filter((r) => r === 'won').length, 1, results.join(' '))
    t.equal(results.filter((r) => r === 'DataDirLockedError').length, 5)
    for (const racer of racers) racer.kill('SIGTERM')
    await Promise.all(exits)
    t.ok(readLock(d).pid > 0, 'a winner killed by a signal leaves its lock: the next owner takes it over')
  })

  t.test('a process that exits releases its lock', async (t) => {
    const d = dir()
    const script = `import { acquireDataDirLock } from ${JSON.stringify(new URL('../../src/db/lock.ts', import.meta.url).pathname)}; acquireDataDirLock(${JSON.stringify(d)}); process.exit(3)`
    const exited = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, timeout: 60_000 }).catch(
      (error: { code: number }) => error,
    )
    t.equal((exited as { code: number }).code, 3)
    t.notOk(existsSync(join(d, LOCK_FILE)))
  })
})
