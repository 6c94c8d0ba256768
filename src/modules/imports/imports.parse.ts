import { createHash } from 'node:crypto'
import type { Geometry } from 'geojson'
import type { ProblemDetail } from '../../errors.js'
import { areaKm2, bboxOf, type GeometryType, geometryHash, type NormalizedGeometry, normalizeGeometry } from '../../geo/index.js'
import type { LruCache } from '../../read/cache.js'
import type { GeometryRecord, ImportNote } from '../../store/records.js'
import { SlugSchema } from '../common/schemas.js'
import { applyRules, type Assigned, type CompiledRules, type RuleField } from './rules.js'

/** Names of the legacy `crs` member that mean what RFC 7946 mandates anyway: WGS84 lon/lat. */
const CRS84_NAMES = new Set(['urn:ogc:def:crs:ogc:1.3:crs84', 'urn:ogc:def:crs:ogc::crs84', 'crs84', 'ogc:crs84', 'wgs84'])
const AREA_TYPES: readonly GeometryType[] = ['Polygon', 'MultiPolygon']
const FEATURE_TYPES: readonly GeometryType[] = ['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon']
const MAX_REPORTED_ERRORS = 1000

export interface ImportLimits {
  maxFeatures: number
  maxVerticesPerImport: number
  maxVerticesPerFeature: number
}

/** One feature of the file that passed validation, with its geometry normalised and measured. */
export interface ParsedFeature {
  index: number
  id: string | null
  geometry: GeometryRecord
  properties: Record<string, unknown>
  /** What the rule that matched the feature set (fields it did not set follow the import's options), and its position. */
  assigned?: Partial<Record<RuleField, Assigned>>
  rule?: number
}

export interface ParsedCollection {
  features: ParsedFeature[]
  notes: ImportNote[]
  errors: ProblemDetail[]
  skipped: number
  /** The skipped features by reason: a rule's `skip`, `unmatched`, `no geometry`, `empty geometry`. */
  skippedBy: Record<string, number>
  read: number
  /** Set when the collection itself is over a limit: refused before any feature is looked at. */
  tooLarge?: { what: 'features' | 'vertices'; count: number; limit: number }
}

export type CollectionKind = 'areas' | 'features'

export interface ParseProgress {
  (done: number, total: number): void
}

/**
 * Reads a FeatureCollection: the envelope, the legacy `crs` member, every feature's geometry
 * (validated and normalised) and properties. Collects every problem instead of stopping at the first.
 */
/**
 * `validated`, when given, is the read model's cache: geometries already validated are found there
 * by a hash of their text as received (content keys), so a daily snapshot repeating yesterday's
 * polygons validates only what changed. `geometryTexts`, when given, holds that text by feature
 * position (JSON.stringify of the feature's geometry), already written for the import's hash.
 */
export function parseFeatureCollection(
  body: unknown,
  kind: CollectionKind,
  limits: ImportLimits,
  progress?: ParseProgress,
  validated?: LruCache,
  rules?: CompiledRules,
  geometryTexts: readonly (string | undefined)[] = [],
): ParsedCollection {
  const result: ParsedCollection = { features: [], notes: [], errors: [], skipped: 0, skippedBy: {}, read: 0 }
  const skip = (index: number, path: string, reason: string, note: string) => {
    result.skipped++
    result.skippedBy[reason] = (result.skippedBy[reason] ?? 0) + 1
    result.notes.push({ index, path, note })
  }
  const fail = (detail: ProblemDetail) => {
    if (result.errors.length < MAX_REPORTED_ERRORS) result.errors.push(detail)
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    fail({ path: '', code: 'NOT_A_FEATURE_COLLECTION', reason: 'the body must be a GeoJSON FeatureCollection object' })
    return result
  }
  const collection = body as Record<string, unknown>
  if (collection.type !== 'FeatureCollection') {
    fail({ path: '/type', code: 'NOT_A_FEATURE_COLLECTION', reason: `expected "FeatureCollection", got ${JSON.stringify(collection.type ?? null)}` })
    return result
  }
  if (!Array.isArray(collection.features)) {
    fail({ path: '/features', code: 'NOT_A_FEATURE_COLLECTION', reason: 'features must be an array' })
    return result
  }
  const crsProblem = checkCrs(collection.crs)
  if (crsProblem) {
    fail(crsProblem)
    return result
  }
  if (collection.crs !== undefined) result.notes.push({ path: '/crs', note: 'legacy crs member names CRS84 (WGS84 lon/lat): accepted' })

  const features = collection.features as unknown[]
  result.read = features.length
  if (features.length > limits.maxFeatures) {
    result.tooLarge = { what: 'features', count: features.length, limit: limits.maxFeatures }
    return result
  }

  let vertices = 0
  const allowed = kind === 'areas' ? AREA_TYPES : FEATURE_TYPES
  for (let index = 0; index < features.length; index++) {
    if (index % 500 === 0) progress?.(index, features.length)
    const path = `/features/${index}`
    const feature = features[index]
    if (typeof feature !== 'object' || feature === null || (feature as { type?: unknown }).type !== 'Feature') {
      fail({ index, path: `${path}/type`, code: 'NOT_A_FEATURE', reason: 'each member of features must be a GeoJSON Feature' })
      continue
    }
    const { geometry: given, properties, id } = feature as { geometry?: unknown; properties?: unknown; id?: unknown }
    if (properties !== null && properties !== undefined && (typeof properties !== 'object' || Array.isArray(properties))) {
      fail({ index, path: `${path}/properties`, code: 'INVALID_PROPERTIES', reason: 'properties must be an object or null' })
      continue
    }
    if (given === null || given === undefined) {
      skip(index, `${path}/geometry`, 'no geometry', 'feature has no geometry: skipped')
      continue
    }
    const flat = flattenCollection(given)
    const geometry = flat ?? given
    if (flat) result.notes.push({ index, path: `${path}/geometry`, note: 'GeometryCollection of polygons: read as one MultiPolygon' })
    let assigned: ParsedFeature['assigned']
    let rule: number | undefined
    if (rules) {
      const type = (geometry as { type?: unknown }).type
      const outcome = applyRules(rules, index, (properties ?? {}) as Record<string, unknown>, typeof type === 'string' ? type : null)
      if (outcome.kind === 'skip') {
        skip(index, path, outcome.reason, `rule ${outcome.rule}: skipped (${outcome.reason})`)
        continue
      }
      if (outcome.kind === 'unmatched') {
        if (rules.unmatched === 'skip') skip(index, path, 'unmatched', 'no rule matches: skipped (unmatched: skip)')
        else
          fail({
            index,
            path,
            code: 'UNMATCHED_FEATURE',
            reason: `no rule matches this feature (${describeFeature(properties, type)}): add a rule for it, or unmatched: "skip"`,
          })
        continue
      }
      assigned = outcome.assigned
      rule = outcome.rule
    }
    const text = (flat ? undefined : geometryTexts[index]) ?? JSON.stringify(geometry)
    const rawKey = `${kind}:${createHash('sha1').update(text).digest('base64url')}`
    const known = validated?.get(`validated|${rawKey}`) as { record: GeometryRecord; notes: string[] } | undefined
    if (known && known.record.vertexCount <= limits.maxVerticesPerFeature) {
      // Daily snapshots repeat most polygons verbatim: their validation is not done twice.
      for (const note of known.notes) result.notes.push({ index, path: `${path}/geometry`, note })
      vertices += known.record.vertexCount
      if (vertices > limits.maxVerticesPerImport) {
        result.tooLarge = { what: 'vertices', count: vertices, limit: limits.maxVerticesPerImport }
        return result
      }
      result.features.push({
        index,
        id: typeof id === 'string' || typeof id === 'number' ? String(id) : null,
        geometry: known.record,
        properties: (properties ?? {}) as Record<string, unknown>,
        ...(assigned ? { assigned, rule } : {}),
      })
      continue
    }
    const normalised = normalizeGeometry(geometry, { allowed, maxVertices: limits.maxVerticesPerFeature })
    if (normalised.errors.length > 0) {
      // Every problem with the geometry's type (missing, unknown, not allowed here) is reported at /type.
      for (const problem of normalised.errors) {
        const code = problem.path === '/type' ? 'WRONG_GEOMETRY_TYPE' : 'INVALID_GEOMETRY'
        fail({ index, path: `${path}/geometry${problem.path}`, code, reason: problem.reason })
      }
      continue
    }
    if (normalised.empty || !normalised.geometry) {
      skip(index, `${path}/geometry`, 'empty geometry', 'empty geometry: skipped')
      continue
    }
    for (const note of normalised.notes) result.notes.push({ index, path: `${path}/geometry`, note })
    vertices += normalised.vertexCount
    if (vertices > limits.maxVerticesPerImport) {
      result.tooLarge = { what: 'vertices', count: vertices, limit: limits.maxVerticesPerImport }
      return result
    }
    const record = measureGeometry(normalised.geometry, normalised.vertexCount, isNormalText(geometry, normalised) ? text : undefined)
    // The normalised text: ~20 characters a vertex, two bytes each
    validated?.set(`validated|${rawKey}`, { record, notes: normalised.notes }, record.json.length * 2 + 256)
    result.features.push({
      index,
      id: typeof id === 'string' || typeof id === 'number' ? String(id) : null,
      geometry: record,
      properties: (properties ?? {}) as Record<string, unknown>,
      ...(assigned ? { assigned, rule } : {}),
    })
  }
  progress?.(features.length, features.length)
  return result
}

/**
 * Features of one file that share an id (top-level `id`, RFC 7946 §3.2): each repeat is refused,
 * naming the first feature with that id. Ids 1 and "1" are one id, as the service stores them. Only the features in `kept` (when given) take part.
 */
export function duplicateFeatureIds(body: unknown, kept?: ReadonlySet<number | undefined>): ProblemDetail[] {
  const features = (body as { features?: unknown } | null)?.features
  if (!Array.isArray(features)) return []
  const first = new Map<string, number>()
  const problems: ProblemDetail[] = []
  for (let index = 0; index < features.length; index++) {
    if (kept && !kept.has(index)) continue
    const id = (features[index] as { id?: unknown } | null)?.id
    if (typeof id !== 'string' && typeof id !== 'number') continue
    const key = String(id)
    const earlier = first.get(key)
    if (earlier === undefined) first.set(key, index)
    else if (problems.length < MAX_REPORTED_ERRORS)
      problems.push({
        index,
        path: `/features/${index}/id`,
        code: 'DUPLICATE_FEATURE_ID',
        reason: `features ${earlier} and ${index} both have the id ${JSON.stringify(key.length > 80 ? `${key.slice(0, 80)}…` : key)}: ids must be unique within one file`,
      })
  }
  return problems
}

/**
 * A GeometryCollection whose members (at any depth) are all Polygons or MultiPolygons, as one
 * MultiPolygon of every polygon in member order; undefined for anything else (left to validation).
 */
export function flattenCollection(geometry: unknown): Geometry | undefined {
  if ((geometry as { type?: unknown } | null)?.type !== 'GeometryCollection') return undefined
  const polygons: unknown[] = []
  const walk = (member: unknown): boolean => {
    const { type, coordinates, geometries } = (member ?? {}) as { type?: unknown; coordinates?: unknown; geometries?: unknown }
    if (type === 'Polygon') polygons.push(coordinates)
    else if (type === 'MultiPolygon' && Array.isArray(coordinates)) polygons.push(...coordinates)
    else if (type === 'GeometryCollection' && Array.isArray(geometries)) return geometries.every(walk)
    else return false
    return true
  }
  if (!walk(geometry)) return undefined
  return { type: 'MultiPolygon', coordinates: polygons } as Geometry
}

/** A feature named in a refusal: its name (or first properties) and geometry type. */
function describeFeature(properties: unknown, type: unknown): string {
  const entries = Object.entries((properties ?? {}) as Record<string, unknown>)
  const name = (properties as { name?: unknown } | null)?.name
  const shown =
    typeof name === 'string'
      ? `name ${JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name)}`
      : entries.length === 0
        ? 'no properties'
        : `properties ${entries
            .slice(0, 3)
            .map(([key, value]) => `${key}=${JSON.stringify(value)?.slice(0, 40)}`)
            .join(', ')}`
  return `${shown}, geometry ${typeof type === 'string' ? type : 'of no type'}`
}

/**
 * Whether the geometry's text as received is the text of its normalised form: it has exactly the
 * members type and coordinates, in that order, and normalising fixed nothing (no z, no repeated
 * vertex, no ring rewound, no empty part), so its coordinates are the same numbers, nested alike.
 */
function isNormalText(given: unknown, normalised: NormalizedGeometry): boolean {
  const keys = Object.keys(given as object)
  return normalised.notes.length === 0 && keys.length === 2 && keys[0] === 'type' && keys[1] === 'coordinates'
}

/** The geometry stored: its hash, measures and JSON text (`json`, when the caller has it already). */
export function measureGeometry(geometry: Geometry, vertexCount: number, json = JSON.stringify(geometry)): GeometryRecord {
  const isArea = geometry.type === 'Polygon' || geometry.type === 'MultiPolygon'
  return {
    hash: geometryHash(geometry),
    type: geometry.type,
    json,
    bbox: bboxOf(geometry),
    areaKm2: isArea ? areaKm2(geometry) : 0,
    vertexCount,
  }
}

function checkCrs(crs: unknown): ProblemDetail | undefined {
  if (crs === undefined || crs === null) return undefined
  const name = (crs as { properties?: { name?: unknown } }).properties?.name
  if (typeof name === 'string' && CRS84_NAMES.has(name.trim().toLowerCase())) return undefined
  return {
    path: '/crs',
    code: 'UNSUPPORTED_CRS',
    reason: `crs ${JSON.stringify(name ?? crs)} is not supported: GeoJSON (RFC 7946) is WGS84 longitude/latitude (CRS84); reproject the file to it and drop the crs member`,
  }
}

/** Reads a property as a trimmed non-empty string; numbers are accepted as their decimal form. */
export function stringProperty(properties: Record<string, unknown>, name: string): string | undefined {
  const value = properties[name]
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  if (typeof value !== 'string') return undefined
  const trimmed = value.trim()
  return trimmed.length > 0 ? trimmed : undefined
}

/** What an area cites: the text as imported, and the list of source ids (or free citations) it names. */
export interface CitedSources {
  source: string | null
  sources: string[]
}

const SOURCE_SEPARATORS = /[,;]/

/**
 * Reads the value of an area's source property. A JSON array of strings is that list (its text
 * kept is the entries joined by '; '); text whose every part between commas or semicolons
 * (trimmed) is a slug id is the list of those ids; any other text is one free citation, never cut
 * at its commas ("Reuters, 28 Nov" stays whole). Entries are trimmed, empty ones and repeats
 * dropped, the order kept. Migration 0003 backfilled the areas stored before with the same rule,
 * in SQL: change both or neither. A string is answered when the value cannot be read (an array
 * holding something other than text).
 */
export function readSources(value: unknown): CitedSources | string {
  if (Array.isArray(value)) {
    const entries: string[] = []
    for (const [index, entry] of value.entries()) {
      const text = typeof entry === 'number' && Number.isFinite(entry) ? String(entry) : entry
      if (typeof text !== 'string') return `entry ${index} of the list of sources is ${entry === null ? 'null' : typeof entry}, not text`
      entries.push(text.trim())
    }
    const sources = unique(entries)
    return { source: sources.length > 0 ? sources.join('; ') : null, sources }
  }
  const source = stringProperty({ value }, 'value')
  if (source === undefined) return { source: null, sources: [] }
  const parts = source
    .split(SOURCE_SEPARATORS)
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
  const ids = parts.length > 0 && parts.every((part) => SlugSchema.safeParse(part).success)
  return { source, sources: ids ? unique(parts) : [source] }
}

function unique(entries: string[]): string[] {
  return [...new Set(entries.filter((entry) => entry.length > 0))]
}

/** A slug from any name, for actors created by an import: 'Hayat Tahrir al-Sham' → 'hayat-tahrir-al-sham'. */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
  return slug.length > 0 ? slug : 'actor'
}
