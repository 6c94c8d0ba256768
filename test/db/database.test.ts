import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import t from 'tap'
import { openDatabase } from '../../src/db/database.js'
import { DataDirLockedError, LOCK_FILE } from '../../src/db/lock.js'

// The embedded database on disk, whatever DATABASE_URL says: the lock is its concern alone.
t.test('openDatabase on a PGlite data directory', async (t) => {
  const parent = mkdtempSync(join(tmpdir(), 'frontline-db-'))
  t.teardown(() => rmSync(parent, { recursive: true, force: true }))
  const dataDir = join(parent, 'pglite')

  t.test('takes the lock before opening, and refuses a second open while it is held', async (t) => {
    const first = await openDatabase({ dataDir, owner: 'frontline test' })
    t.teardown(() => first.close())
    t.ok(first.lock)
    t.match(JSON.parse(readFileSync(join(dataDir, LOCK_FILE), 'utf8')), { pid: process.pid, command: 'frontline test' })
    await t.rejects(openDatabase({ dataDir }), DataDirLockedError)
    const { rows } = await sql<{ one: number }>`SELECT 1 AS one`.execute(first.db)
    t.same(rows, [{ one: 1 }], 'the owner is unaffected by the refusal')
    await first.close()
    t.notOk(existsSync(join(dataDir, LOCK_FILE)), 'close releases the lock')
    await first.close()
    t.pass('close is idempotent')
  })

  t.test('opens again once released, with its data', async (t) => {
    const again = await openDatabase({ dataDir })
    t.teardown(() => again.close())
    await sql`CREATE TABLE IF NOT EXISTS kept (n int)`.execute(again.db)
    t.ok(again.lock)
  })

  t.test('an in-memory database has no lock', async (t) => {
    const memory = await openDatabase({ dataDir: 'memory://' })
    t.teardown(() => memory.close())
    t.equal(memory.lock, undefined)
  })
})

t.test('a first start killed while it creates the data directory leaves no database, and the next start makes one', async (t) => {
  const parent = mkdtempSync(join(tmpdir(), 'frontline-db-'))
  t.teardown(() => rmSync(parent, { recursive: true, force: true }))
  const dataDir = join(parent, 'pglite')
  const script = `import { openDatabase } from ${JSON.stringify(new URL('../../src/db/database.ts', import.meta.url).href)}; await openDatabase({ dataDir: ${JSON.stringify(dataDir)} })`
  // A process group of its own, killed whole: the start and the child it creates the directory in.
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { detached: true, stdio: 'ignore' })
  const exited = once(child, 'exit')
  const staging = () => (existsSync(dataDir) ? readdirSync(dataDir).filter((name) => name.startsWith('.initdb-')) : [])
  const deadline = Date.now() + 60_000
  // Killed once initdb has written something of the directory: a start cut short in the middle of it.
  while (!staging().some((name) => readdirSync(join(dataDir, name)).length > 0) && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 20))
  t.ok(staging().length > 0, 'the directory is being made in a staging directory')
  process.kill(-child.pid!, 'SIGKILL')
  await exited
  t.notOk(existsSync(join(dataDir, 'PG_VERSION')), 'no PG_VERSION: nothing there is a database yet')

  const database = await openDatabase({ dataDir })
  t.teardown(() => database.close())
  const { rows } = await sql<{ one: number }>`SELECT 1 AS one`.execute(database.db)
  t.same(rows, [{ one: 1 }])
  t.ok(existsSync(join(dataDir, 'PG_VERSION')))
  t.same(staging(), [], 'the killed start’s staging directory is gone')
  const { rows: buffers } = await sql<{ shared_buffers: string }>`SHOW shared_buffers`.execute(database.db)
  t.same(buffers, [{ shared_buffers: '32MB' }], 'the buffer pool the embedded engine is given')
})
