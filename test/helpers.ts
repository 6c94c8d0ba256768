import type { FastifyInstance } from 'fastify'
import pg from 'pg'
import type { Test } from 'tap'
import { buildApp } from '../src/app.js'
import { type Config, loadConfig } from '../src/config.js'
import { type Database, openDatabase } from '../src/db/database.js'
import { migrate } from '../src/db/migrate.js'

export const TOKEN = 'test-token-0123456789'
export const AUTH = { authorization: `Bearer ${TOKEN}` }

/**
 * A database for one test file, migrated unless asked not to: in-memory PGlite by default, or a schema of its own on
 * the PostgreSQL server named by DATABASE_URL (dropped at the end), so files can run in parallel.
 */
export async function openTestDatabase(t: Test, options: { migrate?: boolean } = {}): Promise<Database> {
  const url = process.env.DATABASE_URL
  const schema = url ? `test_${process.pid}_${Math.random().toString(36).slice(2, 8)}` : undefined
  const database = await openDatabase(url ? { databaseUrl: url, schema, poolSize: 5 } : { dataDir: 'memory://' })
  if (options.migrate !== false) await migrate(database.db)
  t.teardown(async () => {
    if (url && schema) {
      const { sql } = await import('kysely')
      await sql.raw(`DROP SCHEMA "${schema}" CASCADE`).execute(database.db)
    }
    await database.close()
  })
  return database
}

export function testConfig(overrides: Record<string, string> = {}): Config {
  // One worker thread an app: test files run two at a time on two cores. The pool's own tests ask for more.
  // Every analysis on a worker, the way a large one runs: the small ones' own path (ANALYSIS_INLINE_US) is asked for
  // where it is tested (analysis.routes.test.ts runs its answers both ways).
  return loadConfig({ API_TOKENS: TOKEN, LOG_LEVEL: 'silent', ANALYSIS_WORKERS: '1', ANALYSIS_INLINE_US: '0', ...overrides })
}

export async function buildTestApp(t: Test, overrides: Record<string, string> = {}, database?: Database): Promise<FastifyInstance> {
  const db = database ?? (await openTestDatabase(t))
  const app = await buildApp({ config: testConfig(overrides), database: db, logger: false })
  t.teardown(() => app.close())
  return app
}

/** Creates a dataset and the usual two-sided actors through the API. */
export async function seed(app: FastifyInstance, dataset = 'test'): Promise<void> {
  const put = async (url: string, payload: object) => {
    const res = await app.inject({ method: 'PUT', url, headers: AUTH, payload })
    if (res.statusCode >= 300) throw new Error(`${url}: ${res.statusCode} ${res.body}`)
  }
  await put(`/v1/datasets/${dataset}`, { name: `Test ${dataset}` })
  await put(`/v1/datasets/${dataset}/actors/hts`, { name: 'Hayat Tahrir al-Sham', aliases: ['HTS'], side: 'opposition', colour: '#2e7d32' })
  await put(`/v1/datasets/${dataset}/actors/sna`, { name: 'Syrian National Army', aliases: ['SNA'], side: 'opposition' })
  await put(`/v1/datasets/${dataset}/actors/saa`, { name: 'Syrian Arab Army', aliases: ['SAA', 'Government'], side: 'government', colour: '#c62828' })
}

/** A square polygon [lon, lat] counter-clockwise, `size` degrees wide, lower-left corner at (lon, lat). */
export function square(lon: number, lat: number, size: number): GeoJSON.Polygon {
  return {
    type: 'Polygon',
    coordinates: [
      [
        [lon, lat],
        [lon + size, lat],
        [lon + size, lat + size],
        [lon, lat + size],
        [lon, lat],
      ],
    ],
  }
}

/** The band [lon1, lon2] × [0, 1] north of the equator, counter-clockwise. */
export function band(lon1: number, lon2: number): GeoJSON.Polygon {
  return {
    type: 'Polygon',
    coordinates: [
      [
        [lon1, 0],
        [lon2, 0],
        [lon2, 1],
        [lon1, 1],
        [lon1, 0],
      ],
    ],
  }
}

export function area(geometry: unknown, properties: Record<string, unknown>, id?: string) {
  return { type: 'Feature', ...(id ? { id } : {}), geometry, properties }
}

export function collection(features: unknown[]) {
  return { type: 'FeatureCollection', features }
}

export async function importSnapshot(app: FastifyInstance, dataset: string, validFrom: string, body: unknown, query = '') {
  return app.inject({ method: 'POST', url: `/v1/datasets/${dataset}/snapshots?valid_from=${validFrom}${query}`, headers: AUTH, payload: body as object })
}

let ownDatabases = 0
/**
 * For a server started in a child process: a database of its own on the PostgreSQL server of
 * DATABASE_URL, dropped at the end of `t`; '' on the embedded engine (the child then uses PGlite).
 */
export async function ownDatabaseUrl(t: Test, prefix: string): Promise<string> {
  const url = process.env.DATABASE_URL
  if (!url) return ''
  const name = `${prefix}_${process.pid}_${++ownDatabases}`
  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  await admin.query(`DROP DATABASE IF EXISTS ${name}`)
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  t.teardown(async () => {
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    await client.end()
  })
  const own = new URL(url)
  own.pathname = `/${name}`
  return own.toString()
}

/** A government highway along lat 0.5 from lon 0.1 to 1.9: across both halves of [0, 2] × [0, 1]. */
export function governmentRoad() {
  return {
    type: 'Feature',
    id: 'road',
    geometry: {
      type: 'LineString',
      coordinates: [
        [0.1, 0.5],
        [1.9, 0.5],
      ],
    },
    properties: { kind: 'highway', name: 'Road', owner_side: 'government' },
  }
}
