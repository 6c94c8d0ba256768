import { sql } from 'kysely'
import type { Db } from '../../db/database.js'
import { pendingMigrations } from '../../db/migrate.js'
import { Errors } from '../../errors.js'

/** NOT_READY unless the database answers and every migration is applied. */
export async function checkReadiness(db: Db): Promise<void> {
  try {
    await sql`SELECT 1`.execute(db)
  } catch {
    throw new Errors.NOT_READY('the database does not answer')
  }
  const pending = await pendingMigrations(db).catch(() => ['(migrations table missing)'])
  if (pending.length > 0) throw new Errors.NOT_READY(`migrations not applied: ${pending.join(', ')}`)
}
