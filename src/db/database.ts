import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { PGlite, type PGliteOptions } from '@electric-sql/pglite'
import { createPgConfig } from '@electric-sql/pglite/node-postgres'
import { Kysely, PostgresDialect, type Transaction } from 'kysely'
import pg from 'pg'
import { acquireDataDirLock, type DataDirLock } from './lock.js'
import type { Tables } from './schema.js'

export type Db = Kysely<Tables>
export type Tx = Transaction<Tables>
/** Either the database or an open transaction: repositories accept both. */
export type Executor = Db | Tx

export interface ListenOptions {
  /**
   * Called after the listening connection was lost and made again (PostgreSQL only): notifications
   * sent meanwhile were missed, so whatever they would have invalidated must be re-read.
   */
  onReconnect?: () => void
}

export interface Database {
  db: Db
  engine: 'pglite' | 'postgres'
  /** The data-directory lock of an embedded database on disk (absent in memory and on PostgreSQL). */
  lock?: DataDirLock
  /**
   * Calls onPayload with the payload of every `NOTIFY channel` (or `pg_notify('channel', …)`)
   * committed by anyone on this database; resolves once listening. The returned function stops it.
   * Channel names are lower-case identifiers (`[a-z_][a-z0-9_]*`), the same on both engines.
   * onPayload must not throw.
   */
  listen(channel: string, onPayload: (payload: string) => void, options?: ListenOptions): Promise<() => Promise<void>>
  /** Stops listening, closes the connections and releases the lock. Idempotent. */
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
  /** Who opens an embedded data directory, as its lock names it ('frontline server', 'frontline import'). */
  owner?: string
}

// int8 (count(*), sum of integers) arrives as a string from pg and as a number from PGlite:
// parse it to a number on both so the code sees one type. Counts stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value))

const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/

// PGlite's buffer pool is resident from the start, however small the data: with PostgreSQL's default 128 MB a reopened
// server was 110 MiB larger than with 32 MB. The data files are read through node:fs, so the OS page cache sits behind
// the pool: 32 MB cost no measured speed importing and reading 60 days of 110k vertices (45 MB of data), nor did 2 MB
// on the reads. The heap cannot start below PGlite's 128 MiB (`initialMemory`), and with this pool it need not grow.
const SHARED_BUFFERS = 'shared_buffers=32MB'
const PGLITE_OPTIONS: PGliteOptions = {
  startParams: [...PGlite.defaultStartParams, '-c', SHARED_BUFFERS],
  // initdb runs within the same pool and writes it into a new directory's postgresql.conf.
  initDbStartParams: ['-c', SHARED_BUFFERS],
}

// Run by `node --input-type=module -e`: creates a data directory (initdb) and exits; with `dump`, writes it to stdout
// as a tar instead.
const INIT_SCRIPT = `
const [entry, dataDir, options, dump] = process.argv.slice(1)
const { PGlite } = await import(entry)
const pglite = await PGlite.create(dataDir, JSON.parse(options))
if (dump) process.stdout.write(new Uint8Array(await (await pglite.dumpDataDir('none')).arrayBuffer()))
await pglite.close()
`

/** Runs INIT_SCRIPT; returns what it wrote to stdout. `name` is the database as an error names it. */
async function runInit(dataDir: string, dump: boolean, name: string): Promise<Buffer> {
  const args = ['--input-type=module', '-e', INIT_SCRIPT, import.meta.resolve('@electric-sql/pglite'), dataDir, JSON.stringify(PGLITE_OPTIONS)]
  try {
    // A fresh data directory is 39 MiB as a tar.
    const { stdout } = await promisify(execFile)(process.execPath, dump ? [...args, 'dump'] : args, { encoding: 'buffer', maxBuffer: 512 * 2 ** 20 })
    return stdout
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim()
    throw new Error(`could not create the embedded database ${name}${stderr ? `: ${stderr}` : ''}`, { cause: error })
  }
}

// initdb's working directories inside the data directory, one per attempt.
const STAGING_PREFIX = '.initdb-'

/**
 * Creates a data directory (initdb) in a child process. In this one initdb peaked at 1 GiB and left 500 MiB behind (a
 * second engine, the copy of its heap it restores before each step, the directory as a tar) that V8 gives back only at
 * a major collection, which an idle server may never run; a child gives everything back when it exits. The child works
 * in a staging directory of its own whose files are moved in with PG_VERSION last: a start killed before the end leaves
 * no PG_VERSION, so the next start creates the directory again, and a child orphaned by the kill (it outlives its
 * parent) writes only into its own staging directory, which that next start removes.
 */
async function initDataDir(dataDir: string): Promise<void> {
  const staging = join(dataDir, `${STAGING_PREFIX}${process.pid}-${Date.now()}`)
  try {
    await runInit(staging, false, `in ${dataDir}`)
  } catch (error) {
    rmSync(staging, { recursive: true, force: true })
    throw error
  }
  const entries = readdirSync(staging).sort((a, b) => Number(a === 'PG_VERSION') - Number(b === 'PG_VERSION'))
  for (const entry of entries) {
    // Only a move cut short leaves these: without PG_VERSION nothing here is a database yet.
    rmSync(join(dataDir, entry), { recursive: true, force: true })
    renameSync(join(staging, entry), join(dataDir, entry))
  }
  rmSync(staging, { recursive: true, force: true })
}

let memoryTemplate: Promise<Blob> | undefined

/**
 * What every in-memory database of this process starts from: a data directory made once, in a child process for the
 * reason initDataDir gives, kept as a tar (39 MiB). Loading it takes a second where initdb took three to five.
 */
function memoryDataDir(): Promise<Blob> {
  memoryTemplate ??= runInit('memory://', true, 'in memory').then(
    (tar) => new Blob([new Uint8Array(tar.buffer as ArrayBuffer, tar.byteOffset, tar.byteLength)]),
    (error: unknown) => {
      memoryTemplate = undefined
      throw error
    },
  )
  return memoryTemplate
}

/** Staging directories of earlier starts killed during initDataDir (or just after it). */
function removeStaging(dataDir: string): void {
  for (const entry of readdirSync(dataDir)) if (entry.startsWith(STAGING_PREFIX)) rmSync(join(dataDir, entry), { recursive: true, force: true })
}

function checkChannel(channel: string): void {
  // PGlite sends LISTEN unquoted (folded to lower case) while pg_notify takes the name verbatim:
  // one spelling for both engines keeps a notification from missing its listener.
  if (!CHANNEL.test(channel)) throw new Error(`channel ${JSON.stringify(channel)} is not a lower-case identifier`)
}

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
    const listener = new PgListener(options.databaseUrl)
    return {
      db,
      engine: 'postgres',
      listen: (channel, onPayload, listenOptions) => listener.listen(channel, onPayload, listenOptions),
      close: once(async () => {
        await listener.close()
        await db.destroy()
      }),
    }
  }

  const dataDir = options.dataDir ?? 'memory://'
  let lock: DataDirLock | undefined
  if (!dataDir.startsWith('memory://')) {
    mkdirSync(dataDir, { recursive: true })
    // Before PGlite opens the files: two processes writing one data directory lose each other's writes.
    lock = acquireDataDirLock(dataDir, options.owner)
  }
  let pglite: PGlite
  try {
    if (lock) {
      removeStaging(dataDir)
      if (!existsSync(join(dataDir, 'PG_VERSION'))) await initDataDir(dataDir)
    }
    const loadDataDir = lock ? undefined : await memoryDataDir()
    pglite = await PGlite.create(dataDir, loadDataDir ? { ...PGLITE_OPTIONS, loadDataDir } : PGLITE_OPTIONS)
  } catch (error) {
    lock?.release()
    throw error
  }
  // PGlite serves one connection: the adapter's pool has size 1, so statements queue in order.
  const pool = new pg.Pool(createPgConfig(pglite) as pg.PoolConfig)
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) })
  const unlistens = new Set<() => Promise<void>>()
  return {
    db,
    engine: 'pglite',
    ...(lock ? { lock } : {}),
    async listen(channel, onPayload) {
      checkChannel(channel)
      const unlisten = await pglite.listen(channel, onPayload)
      let done = false
      const stop = async () => {
        if (done) return
        done = true
        unlistens.delete(stop)
        if (!pglite.closed) await unlisten()
      }
      unlistens.add(stop)
      return stop
    },
    close: once(async () => {
      try {
        for (const stop of [...unlistens]) await stop()
        await db.destroy()
        await pglite.close()
      } finally {
        lock?.release()
      }
    }),
  }
}

/** close() may be called by the app and by whoever opened the database: the second call waits for the first. */
function once(close: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | undefined
  return () => (closing ??= close())
}

interface Subscriber {
  onPayload: (payload: string) => void
  onReconnect?: () => void
}

/**
 * LISTEN on PostgreSQL needs a session of its own: a pooled connection goes back to the pool and
 * its LISTENs with it. One client serves every channel of the process; when the connection is lost
 * it is made again with backoff, every channel listened to again and the subscribers told.
 */
class PgListener {
  private client: pg.Client | null = null
  private connecting: Promise<pg.Client> | null = null
  private readonly channels = new Map<string, Set<Subscriber>>()
  private closed = false
  private retry: NodeJS.Timeout | null = null

  constructor(private readonly connectionString: string) {}

  async listen(channel: string, onPayload: (payload: string) => void, options: ListenOptions = {}): Promise<() => Promise<void>> {
    checkChannel(channel)
    if (this.closed) throw new Error('the database is closed')
    const subscriber: Subscriber = { onPayload, onReconnect: options.onReconnect }
    let subscribers = this.channels.get(channel)
    const first = !subscribers
    if (!subscribers) {
      subscribers = new Set()
      this.channels.set(channel, subscribers)
    }
    subscribers.add(subscriber)
    try {
      const client = await this.connected()
      // A fresh connection listens to every known channel already; an existing one learns the new one.
      if (first && client === this.client) await client.query(`LISTEN "${channel}"`)
    } catch (error) {
      subscribers.delete(subscriber)
      if (subscribers.size === 0) this.channels.delete(channel)
      throw error
    }
    let done = false
    return async () => {
      if (done) return
      done = true
      const set = this.channels.get(channel)
      set?.delete(subscriber)
      if (set && set.size === 0) {
        this.channels.delete(channel)
        if (this.client) await this.client.query(`UNLISTEN "${channel}"`).catch(() => undefined)
      }
      if (this.channels.size === 0) await this.disconnect()
    }
  }

  async close(): Promise<void> {
    this.closed = true
    this.channels.clear()
    if (this.retry) clearTimeout(this.retry)
    await this.disconnect()
  }

  private async connected(): Promise<pg.Client> {
    if (this.client) return this.client
    this.connecting ??= this.connect().finally(() => {
      this.connecting = null
    })
    return this.connecting
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.connectionString, application_name: 'frontline-listen' })
    client.on('notification', (message) => {
      if (this.client !== client) return
      for (const subscriber of this.channels.get(message.channel) ?? []) subscriber.onPayload(message.payload ?? '')
    })
    const lost = () => this.lost(client)
    client.on('error', lost)
    client.on('end', lost)
    try {
      await client.connect()
      for (const channel of this.channels.keys()) await client.query(`LISTEN "${channel}"`)
    } catch (error) {
      client.removeListener('end', lost)
      await client.end().catch(() => undefined)
      throw error
    }
    if (this.closed) {
      await client.end().catch(() => undefined)
      throw new Error('the database is closed')
    }
    this.client = client
    return client
  }

  private lost(client: pg.Client): void {
    if (this.client !== client) return
    this.client = null
    client.end().catch(() => undefined)
    if (!this.closed && this.channels.size > 0) this.reconnect(100)
  }

  private reconnect(delayMs: number): void {
    this.retry = setTimeout(() => {
      this.retry = null
      if (this.closed || this.channels.size === 0) return
      this.connected().then(
        () => {
          for (const subscribers of this.channels.values()) for (const subscriber of subscribers) subscriber.onReconnect?.()
        },
        () => this.reconnect(Math.min(delayMs * 2, 10_000)),
      )
    }, delayMs)
    // Waiting to reconnect must not keep an otherwise finished process alive.
    this.retry.unref()
  }

  private async disconnect(): Promise<void> {
    const client = this.client
    this.client = null
    if (client) await client.end().catch(() => undefined)
  }
}
