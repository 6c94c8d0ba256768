import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { sql } from 'kysely'
import type { Db } from './database.js'

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url))
// Any constant shared by every process: serialises migrations when several start together.
const MIGRATION_LOCK_KEY = 7_311_042

export interface Migration {
  name: string
  statements: string[]
}

/** The migration files in order. Statements are split on semicolons at line ends: PGlite refuses several statements in one query. */
export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .sort()
    .map((file) => ({
      name: file.replace(/\.sql$/, ''),
      statements: readFileSync(`${dir}${file}`, 'utf8')
        .replace(/^\s*--.*$/gm, '')
        .split(/;\s*$/m)
        .map((statement) => statement.trim())
        .filter((statement) => statement.length > 0),
    }))
}

/** Applies the migrations not yet applied, each in its own transaction; returns their names. */
export async function migrate(db: Db, migrations = readMigrations()): Promise<string[]> {
  await sql`CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`.execute(db)
  const applied: string[] = []
  for (const migration of migrations) {
    const done = await db.transaction().execute(async (tx) => {
      await sql`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`.execute(tx)
      const existing = await tx.selectFrom('schema_migrations').select('name').where('name', '=', migration.name).executeTakeFirst()
      if (existing) return false
      for (const statement of migration.statements) await sql.raw(statement).execute(tx)
      await tx.insertInto('schema_migrations').values({ name: migration.name }).execute()
      return true
    })
    if (done) applied.push(migration.name)
  }
  return applied
}

/** Names of migrations present in the code but not applied to the database. */
export async function pendingMigrations(db: Db, migrations = readMigrations()): Promise<string[]> {
  const rows = await db.selectFrom('schema_migrations').select('name').execute()
  const applied = new Set(rows.map((row) => row.name))
  return migrations.map((migration) => migration.name).filter((name) => !applied.has(name))
}
