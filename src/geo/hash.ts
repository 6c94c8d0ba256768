import { createHash } from 'node:crypto'
import type { Geometry, Position } from 'geojson'

/**
 * SHA-256 (hex) of a normalised geometry's shape, so that the same area in two daily snapshots
 * hashes alike however the file was written: JSON key order, `bbox` and foreign members are
 * ignored, and because a closed ring has no natural start nor a polygon's holes or a
 * MultiPolygon's members an order, rings are rotated to start at their smallest vertex
 * (by lon, then lat) and holes and polygons are sorted. Winding and vertex order are kept, so hash
 * the output of normalizeGeometry. Any changed coordinate changes the hash.
 */
export function geometryHash(geometry: Geometry): string {
  return createHash('sha256').update(canonicalGeometryJson(geometry)).digest('hex')
}

/**
 * canonicalJson(canonicalGeometry(geometry)), made faster: a geometry other than a collection is
 * `{"coordinates":…,"type":…}` (its two keys in sorted order), and for arrays of numbers alone
 * JSON.stringify writes exactly what canonicalJson does (each number as JSON.stringify writes it,
 * non-finite ones as null, no whitespace). A polygon's text is written ring by ring, each ring
 * once: the same texts order the holes and the polygons and make up the whole. Anything else (a
 * collection, a coordinate that is not a number) takes the generic path, so the text, and every
 * stored hash, stays the same.
 */
export function canonicalGeometryJson(geometry: Geometry): string {
  if (geometry.type === 'GeometryCollection' || !isNumberTree(geometry.coordinates)) return canonicalJson(canonicalGeometry(geometry))
  const type = JSON.stringify(geometry.type)
  if (geometry.type === 'Polygon') return `{"coordinates":${canonicalPolygonText(geometry.coordinates)},"type":${type}}`
  if (geometry.type === 'MultiPolygon') return `{"coordinates":[${geometry.coordinates.map(canonicalPolygonText).sort().join(',')}],"type":${type}}`
  return `{"coordinates":${JSON.stringify(geometry.coordinates)},"type":${type}}`
}

/** JSON.stringify(canonicalPolygon(rings)) of a polygon of numbers: the texts of its rings, the holes sorted by them. */
function canonicalPolygonText(rings: Position[][]): string {
  if (rings.length === 0) return '[]'
  const [shell, ...holes] = rings.map((ring) => JSON.stringify(rotateRing(ring)))
  return `[${[shell, ...holes.sort()].join(',')}]`
}

/** Whether `value` is a number or a dense array of such trees (no hole, no other value), depth-first. */
function isNumberTree(value: unknown): boolean {
  if (typeof value === 'number') return true
  if (!Array.isArray(value)) return false
  for (let i = 0; i < value.length; i++) {
    if (!(i in value)) return false
    const item: unknown = value[i]
    if (typeof item !== 'number' && !isNumberTree(item)) return false
  }
  return true
}

/**
 * JSON with object keys sorted at every level (by UTF-16 code units), no whitespace; otherwise as
 * JSON.stringify (toJSON honoured, undefined members left out, non-finite numbers as null).
 * Throws on cycles, BigInt and a top-level value JSON cannot represent.
 */
export function canonicalJson(value: unknown): string {
  const text = serialize(value, new Set())
  if (text === undefined) throw new TypeError(`canonicalJson: cannot represent ${typeof value} as JSON`)
  return text
}

function serialize(value: unknown, ancestors: Set<object>): string | undefined {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON: () => unknown }).toJSON()
  }
  if (value === null) return 'null'
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value)
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null'
    case 'bigint':
      throw new TypeError('canonicalJson: BigInt has no JSON representation')
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined
  }
  const object = value as object
  if (ancestors.has(object)) throw new TypeError('canonicalJson: cyclic structure')
  ancestors.add(object)
  let text: string
  if (Array.isArray(object)) {
    text = `[${object.map((item) => serialize(item, ancestors) ?? 'null').join(',')}]`
  } else {
    const members: string[] = []
    for (const key of Object.keys(object).sort()) {
      const member = serialize((object as Record<string, unknown>)[key], ancestors)
      if (member !== undefined) members.push(`${JSON.stringify(key)}:${member}`)
    }
    text = `{${members.join(',')}}`
  }
  ancestors.delete(object)
  return text
}

/** The geometry as its hash sees it: rings rotated, holes and polygons sorted. */
export function canonicalGeometry(geometry: Geometry): unknown {
  switch (geometry.type) {
    case 'GeometryCollection':
      return { type: geometry.type, geometries: geometry.geometries.map((member) => canonicalGeometry(member)) }
    case 'Polygon':
      return { type: geometry.type, coordinates: canonicalPolygon(geometry.coordinates) }
    case 'MultiPolygon':
      return { type: geometry.type, coordinates: sortByJson(geometry.coordinates.map(canonicalPolygon)) }
    default:
      return { type: geometry.type, coordinates: geometry.coordinates }
  }
}

function canonicalPolygon(rings: Position[][]): Position[][] {
  if (rings.length === 0) return rings
  const [shell, ...holes] = rings.map(rotateRing)
  return [shell, ...sortByJson(holes)]
}

/** The same closed ring starting at its smallest vertex; an open ring is left as it is. */
function rotateRing(ring: Position[]): Position[] {
  const n = ring.length - 1
  if (n < 1 || ring[0][0] !== ring[n][0] || ring[0][1] !== ring[n][1]) return ring
  let start = 0
  for (let i = 1; i < n; i++) {
    const [lon, lat] = ring[i]
    if (lon < ring[start][0] || (lon === ring[start][0] && lat < ring[start][1])) start = i
  }
  if (start === 0) return ring
  return [...ring.slice(start, n), ...ring.slice(0, start), ring[start]]
}

function sortByJson<T>(items: T[]): T[] {
  if (items.length < 2) return items
  return items
    .map((item) => ({ item, key: canonicalJson(item) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ item }) => item)
}
