import { sql } from 'kysely'
import type { Db } from '../../db/database.js'
import { pendingMigrations, readMigrations } from '../../db/migrate.js'
import { Errors } from '../../errors.js'

// The migrations this code carries, read from disk once: a readiness probe must not read files.
let known: ReturnType<typeof readMigrations> | undefined

/** NOT_READY unless the database answers and every migration is applied: one query when all is well. */
export async function checkReadiness(db: Db): Promise<void> {
  known ??= readMigrations()
  let pending: string[]
  try {
    pending = await pendingMigrations(db, known)
  } catch {
    // Either the database does not answer or it has no migrations table: one more query tells which.
    const answers = await sql`SELECT 1`.execute(db).then(
      () => true,
      () => false,
    )
    throw new Errors.NOT_READY(answers ? 'migrations not applied: (migrations table missing)' : 'the database does not answer')
  }
  if (pending.length > 0) throw new Errors.NOT_READY(`migrations not applied: ${pending.join(', ')}`)
}
