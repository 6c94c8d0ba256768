import { sql } from 'kysely'
import t from 'tap'
import { openTestDatabase } from '../helpers.js'

// NOTIFY reaches every session of the database, whatever its schema: test files sharing one
// PostgreSQL server use channels of their own.
const channel = (name: string) => `${name}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`

/** Collects payloads; next() resolves with the next one, or rejects after a bound. */
function inbox() {
  const payloads: string[] = []
  const waiting: ((payload: string) => void)[] = []
  return {
    payloads,
    push(payload: string) {
      const resolve = waiting.shift()
      if (resolve) resolve(payload)
      else payloads.push(payload)
    },
    next(timeoutMs = 5000): Promise<string> {
      if (payloads.length > 0) return Promise.resolve(payloads.shift()!)
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no notification within ${timeoutMs} ms`)), timeoutMs)
        waiting.push((payload) => {
          clearTimeout(timer)
          resolve(payload)
        })
      })
    },
  }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 200))

t.test('Database.listen', async (t) => {
  const database = await openTestDatabase(t)
  const { db } = database

  t.test('delivers a pg_notify sent through the query builder', async (t) => {
    const chan = channel('revisions')
    const box = inbox()
    const stop = await database.listen(chan, box.push)
    t.teardown(stop)
    await sql`SELECT pg_notify(${chan}, 'x')`.execute(db)
    t.equal(await box.next(), 'x')
    await sql`SELECT pg_notify(${chan}, ${'dataset:aleppo-2024:7'})`.execute(db)
    t.equal(await box.next(), 'dataset:aleppo-2024:7')
  })

  t.test('delivers at commit, and nothing of a rolled-back transaction', async (t) => {
    const chan = channel('tx')
    const box = inbox()
    t.teardown(await database.listen(chan, box.push))
    await db
      .transaction()
      .execute(async (tx) => {
        await sql`SELECT pg_notify(${chan}, 'rolled back')`.execute(tx)
        throw new Error('roll back')
      })
      .catch(() => undefined)
    await db.transaction().execute(async (tx) => {
      await sql`SELECT pg_notify(${chan}, 'committed')`.execute(tx)
    })
    t.equal(await box.next(), 'committed')
    await settle()
    t.same(box.payloads, [])
  })

  t.test('two listeners of one channel both hear it; the other channels do not', async (t) => {
    const chan = channel('both')
    const other = channel('other')
    const a = inbox()
    const b = inbox()
    const c = inbox()
    t.teardown(await database.listen(chan, a.push))
    t.teardown(await database.listen(chan, b.push))
    t.teardown(await database.listen(other, c.push))
    await sql`SELECT pg_notify(${chan}, 'hello')`.execute(db)
    t.equal(await a.next(), 'hello')
    t.equal(await b.next(), 'hello')
    await settle()
    t.same(c.payloads, [])
  })

  t.test('the returned function stops the delivery', async (t) => {
    const chan = channel('stop')
    const box = inbox()
    const stop = await database.listen(chan, box.push)
    await sql`SELECT pg_notify(${chan}, 'one')`.execute(db)
    t.equal(await box.next(), 'one')
    await stop()
    await stop()
    await sql`SELECT pg_notify(${chan}, 'two')`.execute(db)
    await settle()
    t.same(box.payloads, [])
  })

  t.test('refuses a channel name the two engines would spell differently', async (t) => {
    await t.rejects(
      database.listen('Revisions', () => {}),
      /lower-case identifier/,
    )
    await t.rejects(
      database.listen('a"b', () => {}),
      /lower-case identifier/,
    )
  })

  // PGlite is in-process: it has no connection to lose, so this one exists on PostgreSQL only.
  if (database.engine === 'postgres') {
    t.test('PostgreSQL: a lost connection is made again, and the listener is told', async (t) => {
      const chan = channel('reconnect')
      const box = inbox()
      let reconnects = 0
      t.teardown(await database.listen(chan, box.push, { onReconnect: () => reconnects++ }))
      const killed = await sql<{ n: number }>`
        SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
        WHERE application_name = 'frontline-listen' AND query = ${`LISTEN "${chan}"`}`.execute(db)
      t.equal(killed.rows[0].n, 1, 'the listening session was terminated')
      const deadline = Date.now() + 10_000
      while (reconnects === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50))
      t.equal(reconnects, 1, 'onReconnect was called')
      await sql`SELECT pg_notify(${chan}, 'after')`.execute(db)
      t.equal(await box.next(), 'after', 'notifications arrive again')
    })
  }
})
