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
  // The body as parsed, serialised natively: the same file sent again gives the same text. A
  // canonical form (sorted keys) cost ~165 ms on a 100k-vertex snapshot, most of an import's time.
  const hash = createHash('sha256').update(task.hash.kind).update('\n').update(canonicalJson(task.hash.options)).update('\n')
  const geometryTexts = writeBody(body, (text) => hash.update(text))
  const parsed = parseFeatureCollection(body, task.kind, task.limits, progress, cache, rules, geometryTexts)
  // Features a rule skipped are not imported: their ids cannot clash with another's.
  const kept = rules ? new Set([...parsed.features.map((feature) => feature.index), ...parsed.errors.map((error) => error.index)]) : undefined
  return { parsed, duplicateIds: task.uniqueIds ? duplicateFeatureIds(body, kept) : [], contentHash: hash.digest('hex') }
}

/**
 * Hands `write` the text JSON.stringify(body) makes, in pieces, and answers the text of each
 * feature's geometry by the feature's position: the geometry, most of the file, is serialised once
 * for the import's content hash and for the key its validation is cached under. Only the
 * collection, its features array and the features are taken apart; every other value is written
 * by JSON.stringify itself, and a value with a toJSON method is left to it whole.
 */
function writeBody(body: unknown, write: (text: string) => void): (string | undefined)[] {
  const geometryTexts: (string | undefined)[] = []
  const features = isPlainObject(body) ? body.features : undefined
  if (!isPlainObject(body) || !Array.isArray(features) || hasToJson(features)) {
    write(JSON.stringify(body))
    return geometryTexts
  }
  writeObject(body, write, (key, prefix) => {
    if (key !== 'features') return false
    write(`${prefix}[`)
    for (let index = 0; index < features.length; index++) {
      const feature: unknown = features[index]
      if (index > 0) write(',')
      if (!isPlainObject(feature)) {
        write(JSON.stringify(feature) ?? 'null')
        continue
      }
      writeObject(feature, write, (member, memberPrefix) => {
        const text = member === 'geometry' ? JSON.stringify(feature.geometry) : undefined
        if (text === undefined) return false
        geometryTexts[index] = text
        write(memberPrefix + text)
        return true
      })
    }
    write(']')
    return true
  })
  return geometryTexts
}

/**
 * Writes an object as JSON.stringify does: its own enumerable members in order, those whose value
 * has no JSON text left out. `writeMember` writes the members it takes apart itself (after the
 * `"key":` prefix it is given) and answers true; the rest are written by JSON.stringify.
 */
function writeObject(object: Record<string, unknown>, write: (text: string) => void, writeMember: (key: string, prefix: string) => boolean): void {
  write('{')
  let separator = ''
  for (const key of Object.keys(object)) {
    const prefix = `${separator}${JSON.stringify(key)}:`
    if (!writeMember(key, prefix)) {
      const text = JSON.stringify(object[key])
      if (text === undefined) continue
      write(prefix + text)
    }
    separator = ','
  }
  write('}')
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !hasToJson(value)
}

function hasToJson(value: object): boolean {
  return typeof (value as { toJSON?: unknown }).toJSON === 'function'
}
