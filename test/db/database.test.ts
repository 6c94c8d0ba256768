import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
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
