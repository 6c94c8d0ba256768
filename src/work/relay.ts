// The worker side of a view reads the database through the thread that owns it: each compiled
// query crosses a MessagePort and runs there, inside the snapshot the answer was opened in.
import type { MessagePort } from 'node:worker_threads'
import {
  type CompiledQuery,
  CompiledQuery as Compiled,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
} from 'kysely'
import type { Db, Executor } from '../db/database.js'
import type { Tables } from '../db/schema.js'

/** A query sent to the owning thread, and its answer. */
export interface RelayQuery {
  type: 'query'
  id: number
  sql: string
  parameters: readonly unknown[]
}
export type RelayAnswer =
  { type: 'rows'; id: number; rows: unknown[]; numAffectedRows?: bigint } | { type: 'failed'; id: number; message: string; code?: string }
/** The worker says it has begun the task: its time budget starts then, not while it waited for a thread. */
export interface RelayStarted {
  type: 'started'
}

class RelayConnection implements DatabaseConnection {
  #next = 0
  readonly #pending = new Map<number, { resolve: (result: QueryResult<never>) => void; reject: (error: Error) => void }>()

  constructor(private readonly port: MessagePort) {
    port.on('message', (answer: RelayAnswer) => {
      const waiting = this.#pending.get(answer.id)
      if (!waiting) return
      this.#pending.delete(answer.id)
      if (answer.type === 'rows') waiting.resolve({ rows: answer.rows as never[], numAffectedRows: answer.numAffectedRows })
      // The SQLSTATE crosses too: whoever catches the error tells its kinds apart by it.
      else waiting.reject(Object.assign(new Error(answer.message), answer.code === undefined ? {} : { code: answer.code }))
    })
  }

  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const id = this.#next++
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (result: QueryResult<never>) => void, reject })
      this.port.postMessage({ type: 'query', id, sql: query.sql, parameters: query.parameters } satisfies RelayQuery)
    })
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('a relayed view does not stream')
  }
}

class RelayDriver implements Driver {
  readonly #connection: RelayConnection
  constructor(port: MessagePort) {
    this.#connection = new RelayConnection(port)
  }
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    return this.#connection
  }
  async beginTransaction(): Promise<void> {
    // The owning thread already reads inside one snapshot; a view never writes.
    throw new Error('a relayed view cannot open transactions')
  }
  async commitTransaction(): Promise<void> {}
  async rollbackTransaction(): Promise<void> {}
  async releaseConnection(): Promise<void> {}
  async destroy(): Promise<void> {}
}

/** A Kysely of the worker whose every query runs on the other end of `port`. */
export function relayedDb(port: MessagePort): Db {
  const dialect: Dialect = {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new RelayDriver(port),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  }
  return new Kysely<Tables>({ dialect })
}

/**
 * Answers the queries a worker sends over `port` with `executor` (the answer's snapshot), and
 * calls `onStarted` when the worker says it has begun.
 */
export function serveQueries(port: MessagePort, executor: Executor, onStarted: () => void): void {
  port.on('message', (message: RelayQuery | RelayStarted) => {
    if (message.type === 'started') return onStarted()
    executor.executeQuery(Compiled.raw(message.sql, [...message.parameters])).then(
      (result) => port.postMessage({ type: 'rows', id: message.id, rows: result.rows, numAffectedRows: result.numAffectedRows } satisfies RelayAnswer),
      (error: unknown) =>
        port.postMessage({ type: 'failed', id: message.id, message: error instanceof Error ? error.message : String(error) } satisfies RelayAnswer),
    )
  })
}
