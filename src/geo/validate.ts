import type { Geometry, Position } from 'geojson'
import { pointInRing, ringAreaSigned } from './primitives.js'
import { findHolesOutsideShell, findSelfIntersections } from './segment-intersections.js'
import type { RingIntersection } from './segment-intersections.js'

export type GeometryType = 'Point' | 'MultiPoint' | 'LineString' | 'MultiLineString' | 'Polygon' | 'MultiPolygon'

/** One thing wrong with an input geometry; `path` is a JSON Pointer relative to the geometry. */
export interface GeometryProblem {
  path: string
  reason: string
}

export interface NormalizedGeometry {
  /** The normalised geometry (only `type` and `coordinates`, new arrays); null when refused or empty. */
  geometry: Geometry | null
  /** No coordinates at all (`coordinates: []`, only empty rings or parts, `null`): skip it, it is not an error. */
  empty: boolean
  /** Fixes applied, for people to read. */
  notes: string[]
  /** Every problem found, up to MAX_PROBLEMS (then one line saying how many more). */
  errors: GeometryProblem[]
  /** Positions in the normalised geometry; when refused or empty, positions counted in the input. */
  vertexCount: number
}

export interface NormalizeOptions {
  allowed: readonly GeometryType[]
  maxVertices?: number
}

export const MAX_PROBLEMS = 50

const GEOMETRY_TYPES: readonly GeometryType[] = ['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon']

// Arrays enclosing each number of `coordinates`: a Polygon is rings → positions → numbers.
const NESTING: Record<GeometryType, number> = {
  Point: 1,
  MultiPoint: 2,
  LineString: 2,
  MultiLineString: 3,
  Polygon: 3,
  MultiPolygon: 4,
}

const SHAPE: Record<GeometryType, string> = {
  Point: 'a position [lon, lat]',
  MultiPoint: 'an array of positions [lon, lat]',
  LineString: 'an array of positions [lon, lat]',
  MultiLineString: 'an array of lines, each an array of positions [lon, lat]',
  Polygon: 'an array of rings, each an array of positions [lon, lat]',
  MultiPolygon: 'an array of polygons, each an array of rings of positions [lon, lat]',
}

const AXIS = ['longitude', 'latitude', 'z'] as const

// Real boundaries cost one or two segment comparisons per segment; a 20k-vertex star costs 40M
// (about 5 s). The budget bounds the worst case at well under a second of extra work.
const COMPARISONS_BASE = 1_000_000
const COMPARISONS_PER_SEGMENT = 20

// Up to this many holes, walking the shell for each costs less than indexing its segments.
const FEW_HOLES = 8

/** What one call has found and fixed so far; local to a call, never shared. */
interface Findings {
  errors: GeometryProblem[]
  unlisted: number
  zDropped: number
  repeatsRemoved: number
  ringsRewound: number
  emptyPartsRemoved: number
}

type Ring = { positions: Position[]; sourceIndex: number[] }

/**
 * Validate untrusted GeoJSON geometry (RFC 7946: WGS84 [lon, lat] degrees) and normalise it for
 * storage: z dropped, consecutive repeated vertices removed, polygon rings wound exterior
 * counter-clockwise and holes clockwise. Refuses open, short, crossing or misplaced rings, positions
 * that are not finite in-range numbers, and types outside `options.allowed`. Never mutates `input`.
 */
export function normalizeGeometry(input: unknown, options: NormalizeOptions): NormalizedGeometry {
  const found: Findings = { errors: [], unlisted: 0, zDropped: 0, repeatsRemoved: 0, ringsRewound: 0, emptyPartsRemoved: 0 }
  const refuse = (path: string, reason: string, vertexCount = 0): NormalizedGeometry => ({
    geometry: null,
    empty: false,
    notes: [],
    errors: [{ path, reason }],
    vertexCount,
  })

  if (input === null) return { geometry: null, empty: true, notes: [], errors: [], vertexCount: 0 }
  if (input === undefined) return refuse('', 'geometry is missing')
  if (typeof input !== 'object' || Array.isArray(input)) {
    return refuse('', `expected a GeoJSON geometry object, got ${describe(input)}`)
  }
  const { type, coordinates } = input as { type?: unknown; coordinates?: unknown }
  const typeProblem = checkType(type, options.allowed)
  if (typeProblem !== undefined) return refuse('/type', typeProblem)
  const geometryType = type as GeometryType

  if (coordinates === undefined) return refuse('/coordinates', 'missing "coordinates"')
  if (!Array.isArray(coordinates)) {
    return refuse('/coordinates', `a ${geometryType}'s coordinates must be ${SHAPE[geometryType]}, got ${describe(coordinates)}`)
  }
  const depth = probeNesting(coordinates)
  if (depth !== undefined && depth !== NESTING[geometryType]) {
    return refuse(
      '/coordinates',
      `a ${geometryType}'s coordinates must be ${SHAPE[geometryType]}; ` + `these are nested ${depth} deep where ${NESTING[geometryType]} is expected`,
    )
  }
  // Counted before any parsing so that an oversized geometry costs one walk over its arrays.
  const inputVertices = countPositions(coordinates, NESTING[geometryType] - 1)
  if (options.maxVertices !== undefined && inputVertices > options.maxVertices) {
    return refuse('/coordinates', `geometry has ${inputVertices} vertices, more than the limit ${options.maxVertices}`, inputVertices)
  }

  const coords = normalizeCoordinates(geometryType, coordinates, found)
  const notes = describeFixes(found)
  const errors = found.errors
  if (found.unlisted > 0) errors.push({ path: '', reason: `${found.unlisted} more problems not listed` })
  if (errors.length > 0) return { geometry: null, empty: false, notes, errors, vertexCount: inputVertices }
  if (coords === 'empty') return { geometry: null, empty: true, notes, errors, vertexCount: 0 }
  const geometry = { type: geometryType, coordinates: coords } as Geometry
  return { geometry, empty: false, notes, errors, vertexCount: countPositions(coords, NESTING[geometryType] - 1) }
}

function checkType(type: unknown, allowed: readonly GeometryType[]): string | undefined {
  if (type === undefined) return 'missing "type"'
  if (typeof type !== 'string') return `"type" must be a string, got ${describe(type)}`
  if (type === 'GeometryCollection') {
    return 'GeometryCollection is not supported; send each of its geometries as a feature of its own'
  }
  if (type === 'Feature' || type === 'FeatureCollection') {
    return `expected a geometry, got a ${type}`
  }
  if (!(GEOMETRY_TYPES as readonly string[]).includes(type)) {
    const spelled = GEOMETRY_TYPES.find((known) => known.toLowerCase() === type.toLowerCase())
    const hint = spelled === undefined ? '' : ` (types are case-sensitive: did you mean "${spelled}"?)`
    return `unknown geometry type "${type}"${hint}`
  }
  if (!allowed.includes(type as GeometryType)) return `expected ${listAlternatives(allowed)}, got ${type}`
  return undefined
}

type Coordinates = Position | Position[] | Position[][] | Position[][][]

function normalizeCoordinates(type: GeometryType, coordinates: unknown[], found: Findings): Coordinates | 'empty' | null {
  switch (type) {
    case 'Point':
      if (coordinates.length === 0) return 'empty'
      return readPosition(coordinates, '/coordinates', found)
    case 'MultiPoint': {
      if (coordinates.length === 0) return 'empty'
      return readPositions(coordinates, '/coordinates', found)
    }
    case 'LineString': {
      if (coordinates.length === 0) return 'empty'
      return normalizeLine(coordinates, '/coordinates', found)
    }
    case 'MultiLineString':
      return normalizeParts(coordinates, '/coordinates', found, (part, path) => {
        if (!Array.isArray(part)) return notAnArray(path, 'a line (an array of positions)', part, found)
        return part.length === 0 ? 'empty' : normalizeLine(part, path, found)
      })
    case 'Polygon':
      return normalizePolygon(coordinates, '/coordinates', found)
    case 'MultiPolygon':
      return normalizeParts(coordinates, '/coordinates', found, (part, path) => {
        if (!Array.isArray(part)) return notAnArray(path, 'a polygon (an array of rings)', part, found)
        return normalizePolygon(part, path, found)
      })
  }
}

/** Members of a Multi* geometry; empty members are dropped, all of them empty makes the whole empty. */
function normalizeParts<T>(
  parts: unknown[],
  path: string,
  found: Findings,
  normalizePart: (part: unknown, path: string) => T | 'empty' | null,
): T[] | 'empty' | null {
  const kept: T[] = []
  let empties = 0
  let failed = false
  for (let i = 0; i < parts.length; i++) {
    const part = normalizePart(parts[i], `${path}/${i}`)
    if (part === null) failed = true
    else if (part === 'empty') empties++
    else kept.push(part)
  }
  if (failed) return null
  if (kept.length === 0) return 'empty'
  found.emptyPartsRemoved += empties
  return kept
}

function normalizeLine(value: unknown[], path: string, found: Findings): Position[] | null {
  const positions = readPositions(value, path, found)
  if (positions === null) return null
  const line = removeRepeats(positions, found).positions
  if (line.length < 2) {
    problem(found, path, `a line needs at least 2 distinct positions, got ${line.length}`)
    return null
  }
  return line
}

function normalizePolygon(value: unknown[], path: string, found: Findings): Position[][] | 'empty' | null {
  if (value.length === 0) return 'empty'
  const parsed: (Position[] | null)[] = value.map((ring, r) =>
    Array.isArray(ring) ? readPositions(ring, `${path}/${r}`, found) : notAnArray(`${path}/${r}`, 'a ring (an array of positions)', ring, found),
  )
  if (parsed.every((ring) => ring !== null && ring.length === 0)) return 'empty'

  const rings: Ring[] = []
  let failed = false
  for (let r = 0; r < parsed.length; r++) {
    const positions = parsed[r]
    if (positions === null) {
      failed = true
      continue
    }
    const ring = checkRing(positions, `${path}/${r}`, found)
    if (ring === null) failed = true
    else rings.push(ring)
  }
  if (failed) return null

  const segments = rings.reduce((sum, ring) => sum + ring.positions.length - 1, 0)
  const check = findSelfIntersections(
    rings.map((ring) => ring.positions),
    {
      maxResults: MAX_PROBLEMS,
      maxComparisons: COMPARISONS_BASE + COMPARISONS_PER_SEGMENT * segments,
    },
  )
  for (const meeting of check.intersections) reportMeeting(meeting, rings, path, found)
  if (check.intersections.length > 0) return null
  if (!check.complete) {
    problem(
      found,
      path,
      `polygon is too intricate to check for crossings: over ${check.comparisons} pairs ` +
        'of segments with overlapping bounds (many long segments side by side); simplify or split it',
    )
    return null
  }
  const outside = holesOutsideShell(rings.map((ring) => ring.positions))
  for (const h of outside) problem(found, `${path}/${h}`, `hole (ring ${h}) lies outside the exterior ring 0`)
  if (outside.length > 0) return null

  return rings.map((ring, r) => {
    // Shoelace sign in lon/lat is enough for orientation: it is the sign, not the area, that counts.
    const counterClockwise = ringAreaSigned(ring.positions) > 0
    if (counterClockwise === (r === 0)) return ring.positions
    found.ringsRewound++
    return ring.positions.slice().reverse()
  })
}

/**
 * The holes (rings 1…n) lying outside the shell, as findHolesOutsideShell finds them. A few holes
 * are each located by walking the shell once or twice (the first of their vertices not on it
 * decides): cheaper than the segment index that function builds, which pays off only for many.
 */
function holesOutsideShell(rings: Position[][]): number[] {
  if (rings.length - 1 > FEW_HOLES) return findHolesOutsideShell(rings)
  const outside: number[] = []
  for (let h = 1; h < rings.length; h++) {
    for (let k = 0; k < rings[h].length - 1; k++) {
      const where = pointInRing(rings[0], rings[h][k])
      if (where === 0) continue
      if (where < 0) outside.push(h)
      break
    }
  }
  return outside
}

function checkRing(positions: Position[], path: string, found: Findings): Ring | null {
  if (positions.length === 0) {
    problem(found, path, 'ring is empty')
    return null
  }
  const ring = removeRepeats(positions, found)
  const first = ring.positions[0]
  const last = ring.positions[ring.positions.length - 1]
  if (first[0] !== last[0] || first[1] !== last[1]) {
    problem(found, path, `ring is not closed: first position ${formatPosition(first)} differs from last ${formatPosition(last)}`)
    return null
  }
  if (ring.positions.length < 4) {
    problem(found, path, `ring has ${ring.positions.length} positions after removing repeats; ` + 'a ring needs at least 4 (3 distinct, then the first again)')
    return null
  }
  return ring
}

function reportMeeting(meeting: RingIntersection, rings: Ring[], path: string, found: Findings): void {
  const { ringA, segA, ringB, segB, kind, at } = meeting
  const segmentA = describeSegment(rings[ringA], segA)
  const segmentB = describeSegment(rings[ringB], segB)
  // Point at the later segment: for a hole against the shell, that is the hole.
  const where = `${path}/${ringB}/${rings[ringB].sourceIndex[segB]}`
  const point = formatPosition(at, 7)
  if (ringA === ringB) {
    const between = `(segments ${segmentA} and ${segmentB})`
    const reason =
      kind === 'cross'
        ? `ring ${ringA} crosses itself at ${point} ${between}`
        : kind === 'overlap'
          ? `ring ${ringA} runs back over itself from ${point} ${between}`
          : `ring ${ringA} touches itself at ${point} ${between}; a ring may pass through a point only once`
    problem(found, where, reason)
    return
  }
  const between = `(segment ${segmentB} of ring ${ringB}, segment ${segmentA} of ring ${ringA})`
  const reason =
    kind === 'cross'
      ? `ring ${ringB} crosses ring ${ringA} at ${point} ${between}`
      : kind === 'overlap'
        ? `ring ${ringB} shares an edge with ring ${ringA} from ${point} ${between}`
        : `ring ${ringB} touches ring ${ringA} at ${point} and at another point ${between}; ` + 'two rings may share at most one point'
  problem(found, where, reason)
}

/** Positions in the input's numbering, so that people can find them in their file. */
function describeSegment(ring: Ring, seg: number): string {
  return `${ring.sourceIndex[seg]}–${ring.sourceIndex[seg + 1]}`
}

function readPositions(value: unknown[], path: string, found: Findings): Position[] | null {
  const positions: Position[] = []
  let failed = false
  for (let i = 0; i < value.length; i++) {
    const position = readPosition(value[i], `${path}/${i}`, found)
    if (position === null) failed = true
    else if (!failed) positions.push(position)
  }
  return failed ? null : positions
}

function readPosition(value: unknown, path: string, found: Findings): Position | null {
  if (!Array.isArray(value)) {
    problem(found, path, `expected a position [lon, lat], got ${describe(value)}`)
    return null
  }
  if (value.length < 2 || value.length > 3) {
    problem(found, path, `a position is 2 or 3 numbers [lon, lat] or [lon, lat, z], got ${value.length} values`)
    return null
  }
  let finite = true
  for (let k = 0; k < value.length; k++) {
    const n: unknown = value[k]
    if (typeof n !== 'number' || !Number.isFinite(n)) {
      problem(found, `${path}/${k}`, `${AXIS[k]} is ${describe(n)}, not a finite number`)
      finite = false
    }
  }
  if (!finite) return null
  const lon = value[0] as number
  const lat = value[1] as number
  let inRange = true
  if (lon < -180 || lon > 180) {
    problem(found, `${path}/0`, `longitude ${lon} is outside [-180, 180]`)
    inRange = false
  }
  if (lat < -90 || lat > 90) {
    const swapped = Math.abs(lat) <= 180 && Math.abs(lon) <= 90
    const hint = swapped ? '; looks like [lat, lon]; GeoJSON positions are [lon, lat]' : ''
    problem(found, `${path}/1`, `latitude ${lat} is outside [-90, 90]${hint}`)
    inRange = false
  }
  if (!inRange) return null
  if (value.length === 3) found.zDropped++
  return [lon, lat]
}

function removeRepeats(positions: Position[], found: Findings): Ring {
  const kept: Position[] = [positions[0]]
  const sourceIndex = [0]
  for (let i = 1; i < positions.length; i++) {
    const previous = kept[kept.length - 1]
    const position = positions[i]
    if (position[0] === previous[0] && position[1] === previous[1]) continue
    kept.push(position)
    sourceIndex.push(i)
  }
  found.repeatsRemoved += positions.length - kept.length
  return { positions: kept, sourceIndex }
}

/** Arrays enclosing the first number found by following first elements; undefined if unknowable. */
function probeNesting(coordinates: unknown[]): number | undefined {
  let value: unknown = coordinates
  let depth = 0
  while (Array.isArray(value)) {
    if (value.length === 0) return undefined
    value = value[0]
    depth++
  }
  return typeof value === 'number' ? depth : undefined
}

/** Arrays found `depth` levels below `value`: positions when depth is the nesting less one. */
function countPositions(value: unknown, depth: number): number {
  if (!Array.isArray(value)) return 0
  if (depth === 0) return 1
  let count = 0
  for (const item of value) count += countPositions(item, depth - 1)
  return count
}

function describeFixes(found: Findings): string[] {
  const notes: string[] = []
  if (found.zDropped > 0) notes.push(`dropped third coordinate (z) from ${plural(found.zDropped, 'position')}`)
  if (found.repeatsRemoved > 0) {
    notes.push(`removed ${found.repeatsRemoved} repeated consecutive ${found.repeatsRemoved === 1 ? 'vertex' : 'vertices'}`)
  }
  if (found.ringsRewound > 0) notes.push(`rewound ${plural(found.ringsRewound, 'ring')} to RFC 7946 winding`)
  if (found.emptyPartsRemoved > 0) notes.push(`removed ${plural(found.emptyPartsRemoved, 'empty part')}`)
  return notes
}

function problem(found: Findings, path: string, reason: string): void {
  if (found.errors.length < MAX_PROBLEMS) found.errors.push({ path, reason })
  else found.unlisted++
}

function notAnArray(path: string, expected: string, value: unknown, found: Findings): null {
  problem(found, path, `expected ${expected}, got ${describe(value)}`)
  return null
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'string') return `a string (${JSON.stringify(value.length > 20 ? `${value.slice(0, 20)}…` : value)})`
  if (typeof value === 'number') return String(value)
  if (typeof value === 'object') return 'an object'
  return typeof value
}

function formatPosition(position: Position, decimals?: number): string {
  const format = (n: number) => (decimals === undefined ? String(n) : String(Number(n.toFixed(decimals))))
  return `[${format(position[0])}, ${format(position[1])}]`
}

function listAlternatives(types: readonly string[]): string {
  if (types.length <= 1) return types[0] ?? 'nothing'
  return `${types.slice(0, -1).join(', ')} or ${types[types.length - 1]}`
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`
}
