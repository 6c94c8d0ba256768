// Reading an import's file as a task of the worker pool: the collection in; its features validated,
// normalised and measured, and the content hash of the import, out. Nothing here touches the database.
import { createHash } from 'node:crypto'
import { canonicalJson } from '../../geo/index.js'
import type { LruCache } from '../../read/cache.js'
import { type CollectionKind, type ImportLimits, type ParsedCollection, type ParseProgress, parseFeatureCollection } from './imports.parse.js'

export interface ValidateTask {
  body: unknown
  kind: CollectionKind
  limits: ImportLimits
  /** What the import's content hash covers besides the body: its kind and the options it was taken with. */
  hash: { kind: 'snapshot' | 'history' | 'features'; options: object }
}

export interface ValidatedCollection {
  parsed: ParsedCollection
  /** Names the import by what it holds: the same file sent again with the same options is a replay. */
  contentHash: string
}

/**
 * Reads and validates the collection and hashes the import. `cache` keeps geometries already
 * validated, by content: the read model's on the main thread, a worker's own on the pool.
 */
export function validateCollection(task: ValidateTask, cache?: LruCache, progress?: ParseProgress): ValidatedCollection {
  const parsed = parseFeatureCollection(task.body, task.kind, task.limits, progress, cache)
  // The body as parsed, serialised natively: the same file sent again gives the same text. A
  // canonical form (sorted keys) cost ~165 ms on a 100k-vertex snapshot, most of an import's time.
  const contentHash = createHash('sha256')
    .update(task.hash.kind)
    .update('\n')
    .update(canonicalJson(task.hash.options))
    .update('\n')
    .update(JSON.stringify(task.body))
    .digest('hex')
  return { parsed, contentHash }
}
