import { type DatabaseConnection, type Driver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } from 'kysely'
import type { Db } from '../db/database.js'
import type { Tables } from '../db/schema.js'
import { Errors, withHeaders } from '../errors.js'
import { findRevision, listDatasets } from '../store/datasets.repository.js'
import { CachedBody, LruCache, type RenderedBody } from './cache.js'
import { DatasetView } from './dataset-view.js'
import { warmPointShapes } from './point-holders.js'

/** The datasets whose rows a starting server reads before it listens (ReadModel.warm). */
const WARMED_DATASETS = 50

/**
 * The vertices of shapes a starting server prepares for point tests, across its datasets: ~140 bytes
 * each once parsed and indexed (about 35 MiB), and a quarter of a second on a small machine.
 */
const WARMED_POINT_VERTICES = 250_000

/** How many times an answer made outside a transaction is made again when a write lands meanwhile. */
const UNLOCKED_ATTEMPTS = 2

export interface ReadModelOptions {
  db: Db
  /**
   * True when other processes may write to the database (PostgreSQL): the revision is then read
   * once per view, so a write anywhere is served on the next request. False on the embedded
   * database, which this process owns alone: its revisions are kept until its own writes.
   */
  shared: boolean
  /** The schema the database works in: announcements of other schemas are not ours. */
  schema: string
  maxEntries: number
  maxBytes: number
}

export interface CacheReport {
  entries: number
  bytes: number
  maxEntries: number
  maxBytes: number
  hits: number
  misses: number
  dropped: number
}

/** Continues a chain whatever the promise before it settled to. */
const settled = (): void => {}

/** Thrown by KEPT_ONLY when an answer needs a row: it is then made again over a snapshot. */
class NeedsRows extends Error {}

/** A driver that never connects: every statement run through it throws NeedsRows. */
const noConnection: Driver = {
  init: async () => {},
  acquireConnection: async (): Promise<DatabaseConnection> => {
    throw new NeedsRows('this answer reads rows')
  },
  beginTransaction: async () => {},
  commitTransaction: async () => {},
  rollbackTransaction: async () => {},
  releaseConnection: async () => {},
  destroy: async () => {},
}

/**
 * A database with no rows to give: a view over it answers from what the cache keeps for its
 * revision alone, or throws NeedsRows at its first statement.
 */
const KEPT_ONLY: Db = new Kysely<Tables>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => noConnection,
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
})

/**
 * The read model: opens views of a dataset at one revision and knowledge time, and holds the one
 * cache of what is derived from rows (keyed by view) and from content (keyed by hash). A revision
 * announced by a write, here or in another process, drops what it made stale at once.
 */
export class ReadModel {
  readonly cache: LruCache
  readonly #db: Db
  readonly #shared: boolean
  readonly #schema: string
  /**
   * The newest revision of each dataset this process has read or been told of. On the embedded
   * database it is the revision; on a shared one a hint (mightHave), as another process may have
   * written since, but no answer is kept here at a newer one.
   */
  readonly #revisions = new Map<string, number>()
  /** Revision reads on a shared database, per dataset: the one sent, and the one that is sent once it has answered. */
  readonly #reads = new Map<string, { sent?: Promise<number | undefined>; next?: Promise<number | undefined> }>()
  #dropped = 0

  constructor(options: ReadModelOptions) {
    this.#db = options.db
    this.#shared = options.shared
    this.#schema = options.schema
    this.cache = new LruCache(options.maxEntries, options.maxBytes)
  }

  /**
   * Reads what every answer about a dataset starts from (its rows without geometry and its
   * coverage) for the first `limit` datasets, so that the first map or point asked after start does
   * not: one or two statements a dataset. Then, while they fit WARMED_POINT_VERTICES (and half the
   * cache's entries), the newest shapes of each, prepared for point tests: since-when needs every
   * shape of a place's history, and a first point on a history of large shapes read them all.
   */
  async warm(limit = WARMED_DATASETS): Promise<void> {
    const { datasets } = await listDatasets(this.#db, { limit, offset: 0 })
    const views: DatasetView[] = []
    for (const dataset of datasets) {
      const view = await this.open(dataset.id)
      await view.areaRows()
      await view.coverage()
      views.push(view)
    }
    // Each shape is kept twice (parsed, and prepared for points): two entries. Least recently used, they go first.
    const budget = { vertices: WARMED_POINT_VERTICES, shapes: Math.floor(this.cache.maxEntries / 4) }
    for (const view of views) await warmPointShapes(view, budget)
  }

  /** A view of the dataset as known at `knownAt` (current knowledge when absent); DATASET_NOT_FOUND when it does not exist. */
  async open(datasetId: string, knownAt?: Date): Promise<DatasetView> {
    let revision = this.#shared ? undefined : this.#revisions.get(datasetId)
    if (revision === undefined) {
      revision = await this.#revisionNow(datasetId)
      if (revision === undefined) throw new Errors.DATASET_NOT_FOUND(datasetId)
    }
    return new DatasetView(this.cache, datasetId, revision, knownAt, this.#db)
  }

  /**
   * The dataset's revision as committed when this is called, read by a statement sent after it, so
   * that a write committed anywhere before is seen. Callers share statements: one that arrives while
   * a read is under way (it may have been sent before their write committed) waits for the next,
   * sent once that one answers, with every caller that arrived meanwhile. Under load that is one
   * statement a round trip instead of one a request.
   */
  #revisionNow(datasetId: string): Promise<number | undefined> {
    const state = this.#reads.get(datasetId) ?? {}
    this.#reads.set(datasetId, state)
    const send = (): Promise<number | undefined> => {
      const sent = this.#findRevision(this.#db, datasetId)
      state.sent = sent
      void sent.then(settled, settled).then(() => {
        if (state.sent === sent) state.sent = undefined
        if (!state.sent && !state.next && this.#reads.get(datasetId) === state) this.#reads.delete(datasetId)
      })
      return sent
    }
    if (!state.sent) return send()
    state.next ??= state.sent.then(settled, settled).then(() => {
      state.next = undefined
      return send()
    })
    return state.next
  }

  /** The dataset's revision as `db` has it, noted as seen. */
  async #findRevision(db: Db, datasetId: string): Promise<number | undefined> {
    const revision = await findRevision(db, datasetId)
    // A write announced while this read was under way may already have set a newer one.
    if (revision !== undefined && (this.#revisions.get(datasetId) ?? -1) < revision) this.#revisions.set(datasetId, revision)
    return revision
  }

  /**
   * Whether the answer `kind`/`parts` of the dataset as known at `knownAt` may be kept, asked
   * before its view is opened (which on a shared database asks it for the revision). Nothing is
   * kept at a revision newer than the newest this process has seen, so false means a miss.
   */
  mightHave(datasetId: string, knownAt: Date | undefined, kind: string, parts: readonly unknown[]): boolean {
    const revision = this.#revisions.get(datasetId)
    return revision !== undefined && this.has(new DatasetView(this.cache, datasetId, revision, knownAt, KEPT_ONLY), kind, parts)
  }

  /**
   * The answer `kind`/`parts` of a view, from the cache or made by `produce` over one consistent
   * snapshot of the database (REPEATABLE READ): the revision is read again inside it, so what is
   * made, and the key it is kept under, belong to the revision the rows were read at. Returns the
   * view the answer belongs to (newer than `view` when a write landed in between).
   */
  async answer<T>(
    view: DatasetView,
    kind: string,
    parts: readonly unknown[],
    produce: (view: DatasetView) => Promise<T>,
  ): Promise<{ view: DatasetView; value: T }> {
    const cached = this.#kept<T>(view, kind, parts)
    if (cached) return cached
    const answerKind = ReadModel.#answerKind(kind)
    // First from what is kept for this revision alone, which was all derived from its rows: a point
    // in shapes already prepared needs no snapshot (four statements on the embedded engine's one
    // connection, 19 % of a point's time). The first statement it would run sends it to one.
    try {
      const value = await produce(new DatasetView(this.cache, view.datasetId, view.revision, view.knownAt, KEPT_ONLY))
      this.cache.set(view.key(answerKind, parts), value)
      return { view, value }
    } catch (error) {
      if (!(error instanceof NeedsRows)) throw error
    }
    return this.#db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute(async (tx) => {
        // Not noted as seen: a snapshot may be older than a deletion announced since.
        const revision = await findRevision(tx, view.datasetId)
        if (revision === undefined) throw new Errors.DATASET_NOT_FOUND(view.datasetId)
        const current = new DatasetView(this.cache, view.datasetId, revision, view.knownAt, tx)
        const value = await produce(current)
        this.cache.set(current.key(answerKind, parts), value)
        return { view: current, value }
      })
  }

  /**
   * Like `answer`, for work that runs long on another thread: it reads outside any transaction, so
   * it holds no connection (the embedded engine has only one) while it waits or works, and checks
   * the revision before and after instead. Every write bumps it, so an unchanged revision means no
   * write landed in between and every row read belongs to it; a changed one makes it again. Past
   * two tries it answers 503 DATASET_CHANGING with Retry-After: holding a snapshot open while the
   * work waits for a thread would hold the embedded engine's only connection.
   */
  async answerUnlocked<T>(
    view: DatasetView,
    kind: string,
    parts: readonly unknown[],
    produce: (view: DatasetView) => Promise<T>,
  ): Promise<{ view: DatasetView; value: T }> {
    const cached = this.#kept<T>(view, kind, parts)
    if (cached) return cached
    const answerKind = ReadModel.#answerKind(kind)
    let revision = view.revision
    for (let attempt = 0; attempt < UNLOCKED_ATTEMPTS; attempt++) {
      const current = new DatasetView(this.cache, view.datasetId, revision, view.knownAt, this.#db)
      const value = await produce(current)
      const after = await this.#revisionNow(view.datasetId)
      if (after === undefined) throw new Errors.DATASET_NOT_FOUND(view.datasetId)
      if (after === revision) {
        this.cache.set(current.key(answerKind, parts), value)
        return { view: current, value }
      }
      revision = after
    }
    throw withHeaders(new Errors.DATASET_CHANGING(view.datasetId, UNLOCKED_ATTEMPTS), { 'retry-after': '1' })
  }

  /** A body answer made by `answerUnlocked` (see there), rendered with its compressed forms where the work was done. */
  async bodyUnlocked(
    view: DatasetView,
    kind: string,
    parts: readonly unknown[],
    render: (view: DatasetView) => Promise<RenderedBody>,
  ): Promise<{ view: DatasetView; body: CachedBody }> {
    const { view: answered, value } = await this.answerUnlocked(view, kind, parts, async (current) => CachedBody.fromRendered(await render(current)))
    return { view: answered, body: value }
  }

  /** Something kept for a view that is not an answer (a refusal worth remembering); undefined when nothing is. */
  recalled<T>(view: DatasetView, kind: string, parts: readonly unknown[]): T | undefined {
    return this.cache.get(view.key(`recall:${kind}`, parts)) as T | undefined
  }

  remember(view: DatasetView, kind: string, parts: readonly unknown[], value: unknown): void {
    this.cache.set(view.key(`recall:${kind}`, parts), value)
  }

  /** Whether the answer is already kept for this view: work that must be bounded is bounded only on a miss. */
  has(view: DatasetView, kind: string, parts: readonly unknown[]): boolean {
    return this.cache.has(view.key(ReadModel.#answerKind(kind), parts))
  }

  /** The answer kept for this view, if one is. */
  #kept<T>(view: DatasetView, kind: string, parts: readonly unknown[]): { view: DatasetView; value: T } | undefined {
    const value = this.cache.get(view.key(ReadModel.#answerKind(kind), parts)) as T | undefined
    return value === undefined ? undefined : { view, value }
  }

  /** Answers have keys of their own, apart from what services derive under `view.cached`. */
  static #answerKind(kind: string): string {
    return `answer:${kind}`
  }

  /** A body answer: `render` makes the text (its UTF-8 bytes, or the body itself) once per view; the bytes (and their compressed forms) are cached. */
  async body(
    view: DatasetView,
    kind: string,
    parts: readonly unknown[],
    render: (view: DatasetView) => Promise<string | Uint8Array | CachedBody>,
  ): Promise<{ view: DatasetView; body: CachedBody }> {
    const { view: answered, value } = await this.answer(view, kind, parts, async (current) => {
      const made = await render(current)
      return made instanceof CachedBody ? made : new CachedBody(made)
    })
    return { view: answered, body: value }
  }

  /**
   * A write committed at `revision` (-1: the dataset was deleted), through this process or
   * announced by another: everything derived from older rows of the dataset is dropped.
   */
  revised(datasetId: string, revision: number): void {
    if (revision < 0) this.#revisions.delete(datasetId)
    else if ((this.#revisions.get(datasetId) ?? -1) < revision) this.#revisions.set(datasetId, revision)
    const prefix = DatasetView.datasetPrefix(datasetId)
    const keep = revision < 0 ? undefined : `${prefix}${revision}|`
    this.#dropped += this.cache.deleteWhere((key) => key.startsWith(prefix) && (keep === undefined || !key.startsWith(keep)))
  }

  /** A notification payload `<schema>:<dataset>:<revision>` from the revision channel; other schemas' are ignored. */
  notified(payload: string): void {
    // Dataset ids are slugs and revisions integers: read from the right, whatever the schema is called.
    const last = payload.lastIndexOf(':')
    const middle = payload.lastIndexOf(':', last - 1)
    const revision = Number(payload.slice(last + 1))
    if (middle < 0 || payload.slice(0, middle) !== this.#schema || !Number.isInteger(revision)) return
    this.revised(payload.slice(middle + 1, last), revision)
  }

  /** Notifications may have been missed (the listening connection dropped): forget every derived answer. */
  forgetAll(): void {
    this.#revisions.clear()
    this.#dropped += this.cache.deleteWhere((key) => key.startsWith(DatasetView.VIEW_PREFIX))
  }

  report(): CacheReport {
    return {
      entries: this.cache.size,
      bytes: this.cache.bytes,
      maxEntries: this.cache.maxEntries,
      maxBytes: this.cache.maxBytes,
      hits: this.cache.hits,
      misses: this.cache.misses,
      dropped: this.#dropped,
    }
  }
}
