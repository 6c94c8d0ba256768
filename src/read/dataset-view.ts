import type { Executor } from '../db/database.js'
import { type AreaRow, findExtent, listAreaRows, listChangeInstants, listGeometries } from '../store/control.repository.js'
import type { AreaShape, AreaStatus, Bbox } from '../store/records.js'
import type { LruCache } from './cache.js'

/** The span and place a dataset's areas cover (see DatasetView.coverage). */
export interface Coverage {
  /** the first instant any area holds from */
  from: Date | null
  /** the last instant the map changed (an area began or ended); after it the last map holds on */
  to: Date | null
  /** [minLon, minLat, maxLon, maxLat] around every area of any time */
  bbox: Bbox | null
}

/**
 * One dataset at one revision and knowledge time, as a request sees it. Everything derived from
 * rows is kept under the view's key; shapes, named by their content hash, under the hash alone.
 * `db` is the snapshot the view reads inside an answer, or the database outside one.
 */
export class DatasetView {
  static readonly VIEW_PREFIX = 'view|'
  static datasetPrefix(datasetId: string): string {
    return `${DatasetView.VIEW_PREFIX}${datasetId}|`
  }

  constructor(
    /** The cache of the thread the view is read in: the read model's, or a worker's own. */
    readonly cache: LruCache,
    readonly datasetId: string,
    readonly revision: number,
    readonly knownAt: Date | undefined,
    readonly db: Executor,
  ) {}

  /** The cache key of something derived from this view's rows. */
  key(kind: string, parts: readonly unknown[]): string {
    const knownAt = this.knownAt ? this.knownAt.toISOString() : 'now'
    return `${DatasetView.datasetPrefix(this.datasetId)}${this.revision}|${knownAt}|${kind}|${JSON.stringify(parts)}`
  }

  /** Something derived from this view's rows, made once per view. */
  async cached<T>(kind: string, parts: readonly unknown[], produce: () => Promise<T> | T): Promise<T> {
    return this.cache.getOrSet(this.key(kind, parts), produce)
  }

  /**
   * Every area row of the view, of any time, with its box, in id order: read once per view, and
   * what a map at any instant, a point's history and the items of an interval are taken from.
   */
  areaRows(): Promise<AreaRow[]> {
    return this.cached('area-rows', [], () => listAreaRows(this.db, this.datasetId, this.knownAt))
  }

  /**
   * The rows valid at `at` ([validFrom, validTo) holds it) that the filter admits, in id order:
   * taken from `areaRows`, not a query per instant.
   */
  async areasAt(at: Date, filter: { actorIds?: string[]; sides?: string[]; status?: AreaStatus } = {}): Promise<AreaRow[]> {
    const { actorIds, sides, status } = filter
    return (await this.areaRows()).filter(
      (row) =>
        row.validFrom <= at &&
        (row.validTo === null || at < row.validTo) &&
        (!actorIds || (row.actorId !== null && actorIds.includes(row.actorId))) &&
        (!sides || (row.side !== null && sides.includes(row.side))) &&
        (!status || row.status === status),
    )
  }

  /** The instants at which the map changed (every start and end of an area), ascending. */
  changeInstants(): Promise<Date[]> {
    return this.cached('change-instants', [], () => listChangeInstants(this.db, this.datasetId, this.knownAt))
  }

  /**
   * What the dataset covers as this view knows it: its first and last change (null when it has no
   * area) and the box around every area of any time. Every answer carries it, so that an empty one
   * can be told from a date or a place outside the data.
   */
  async coverage(): Promise<Coverage> {
    return this.cached('coverage', [], async () => {
      const instants = await this.changeInstants()
      const bbox = await findExtent(this.db, this.datasetId, this.knownAt)
      return { from: instants[0] ?? null, to: instants.at(-1) ?? null, bbox: bbox ?? null }
    })
  }

  /**
   * The validity interval `at` falls in, as a key: the last change at or before it. Every instant
   * of one interval shows the same map, so they share what is derived from it.
   */
  async intervalOf(at: Date): Promise<string> {
    const instants = await this.changeInstants()
    let low = 0
    let high = instants.length
    while (low < high) {
      const mid = (low + high) >> 1
      if (instants[mid] <= at) low = mid + 1
      else high = mid
    }
    return low === 0 ? 'before' : instants[low - 1].toISOString()
  }

  /**
   * Parsed shapes by content hash. A hash names one geometry forever, so they are shared by every
   * view and revision: a series over daily maps parses each shape once.
   */
  async shapes(hashes: Iterable<string>): Promise<Map<string, AreaShape>> {
    const shapes = new Map<string, AreaShape>()
    const missing: string[] = []
    for (const hash of new Set(hashes)) {
      const shape = this.cache.get(`shape|${hash}`) as AreaShape | undefined
      if (shape) shapes.set(hash, shape)
      else missing.push(hash)
    }
    for (const [hash, shape] of await listGeometries(this.db, missing)) {
      shapes.set(hash, shape)
      this.cache.set(`shape|${hash}`, shape)
    }
    return shapes
  }
}
