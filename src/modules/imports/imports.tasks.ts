// Reading an import's file as a task of the worker pool: the file's bytes in (read and parsed here,
// by the request parser's rules); its features validated, normalised, measured and serialised, and
// the content hash of the import, out. Nothing here touches the database.
import { createHash } from 'node:crypto'
import type { ProblemDetail } from '../../errors.js'
import { canonicalJson } from '../../geo/index.js'
import { parseJsonBody } from '../../json-body.js'
import type { LruCache } from '../../read/cache.js'
import {
  type CollectionKind,
  duplicateFeatureIds,
  type ImportLimits,
  type ParsedCollection,
  type ParseProgress,
  parseFeatureCollection,
} from './imports.parse.js'
import { compileRules, type RulesDocument } from './rules.js'

/**
 * An import's file: its bytes as received, or JSON already parsed. Bytes are what a request hands
 * on: parsing 40 MB of coordinates takes a quarter of a second, and copying the parsed collection
 * to a worker twice that, both on the thread that answers /health.
 */
export type ImportFile = { bytes: Uint8Array } | { json: unknown }

export interface ValidateTask {
  file: ImportFile
  kind: CollectionKind
  /** Whether features of the file may not share an id (a snapshot's). */
  uniqueIds: boolean
  limits: ImportLimits
  /**
   * The mapping rules (a document the user sent, or a profile's), checked already; applied here,
   * feature by feature, before validation. `root` names where they were given, for refusals.
   */
  rules?: { document: RulesDocument; root: string }
  /** What the import's content hash covers besides the body: its kind and the options it was taken with. */
  hash: { kind: 'snapshot' | 'history' | 'features'; options: object }
}

export interface ValidatedCollection {
  parsed: ParsedCollection
  /** Features that repeat an earlier feature's id, when the task asked for unique ids. */
  duplicateIds: ProblemDetail[]
  /** Names the import by what it holds: the same file sent again with the same options is a replay. */
  contentHash: string
}

/**
 * Reads and validates the collection and hashes the import. `cache` keeps geometries already
 * validated, by content: the read model's on the main thread, a worker's own on the pool.
 */
export function validateCollection(task: ValidateTask, cache?: LruCache, progress?: ParseProgress): ValidatedCollection {
  const body = 'bytes' in task.file ? parseJsonBody(task.file.bytes) : task.file.json
  const rules = task.rules ? compileRules(task.rules.document, task.rules.root) : undefined
  const parsed = parseFeatureCollection(body, task.kind, task.limits, progress, cache, rules)
  // The body as parsed, serialised natively: the same file sent again gives the same text. A
  // canonical form (sorted keys) cost ~165 ms on a 100k-vertex snapshot, most of an import's time.
  const contentHash = createHash('sha256')
    .update(task.hash.kind)
    .update('\n')
    .update(canonicalJson(task.hash.options))
    .update('\n')
    .update(JSON.stringify(body))
    .digest('hex')
  // Features a rule skipped are not imported: their ids cannot clash with another's.
  const kept = rules ? new Set([...parsed.features.map((feature) => feature.index), ...parsed.errors.map((error) => error.index)]) : undefined
  return { parsed, duplicateIds: task.uniqueIds ? duplicateFeatureIds(body, kept) : [], contentHash }
}
