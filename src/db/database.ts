import { mkdirSync } from 'node:fs'
import { PGlite } from '@electric-sql/pglite'
import { createPgConfig } from '@electric-sql/pglite/node-postgres'
import { Kysely, PostgresDialect, type Transaction } from 'kysely'
import pg from 'pg'
import type { Tables } from './schema.js'

export type Db = Kysely<Tables>
export type Tx = Transaction<Tables>
/** Either the database or an open transaction: repositories accept both. */
export type Executor = Db | Tx

export interface Database {
  db: Db
  engine: 'pglite' | 'postgres'
  close(): Promise<void>
}

export interface DatabaseOptions {
  /** PostgreSQL URL; when absent the embedded PGlite engine is used. */
  databaseUrl?: string
  /** PGlite data directory; 'memory://' for an in-memory database. */
  dataDir?: string
  /** PostgreSQL only: schema to use (created when missing), so test files can share one server. */
  schema?: string
  poolSize?: number
}

// int8 (count(*), sum of integers) arrives as a string from pg and as a number from PGlite:
// parse it to a number on both so the code sees one type. Counts stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value))

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    })
    if (options.schema) {
      const client = await pool.connect()
      try {
        await client.query(`CREATE SCHEMA IF NOT EXISTS "${options.schema}"`)
      } finally {
        client.release()
      }
    }
    const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) })
    return { db, engine: 'postgres', close: () => db.destroy() }
  }

  const dataDir = options.dataDir ?? 'memory://'
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true })
  const pglite = await PGlite.create(dataDir)
  // PGlite serves one connection: the adapter's pool has size 1, so statements queue in order.
  const pool = new pg.Pool(createPgConfig(pglite) as pg.PoolConfig)
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) })
  return {
    db,
    engine: 'pglite',
    async close() {
      await db.destroy()
      await pglite.close()
    },
  }
}
