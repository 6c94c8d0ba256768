// Point-in-shape for one Polygon or MultiPolygon asked many times: its edges indexed once by their
// boxes, so a point visits only the edges its eastward ray can meet instead of every vertex. The
// answer is pointInShape's exactly (same predicate per edge, same ring and hole rule, same ±180 retry):
// an edge whose box misses the ray from the point east is one pointInRing counts as no crossing.
import Flatbush from 'flatbush'
import type { MultiPolygon, Polygon, Position } from 'geojson'
import { pointInShape, rayCrossing } from './primitives.js'

/** Below this many edges the shape is tested vertex by vertex: an index saves nothing. */
const INDEX_FROM_EDGES = 64

/**
 * A shape prepared for point tests. Treat as opaque outside src/geo. Typed arrays only (besides
 * the index), so a cache sizes it by its byte lengths.
 */
export interface PointShape {
  /** the shape itself when it is small enough to be tested directly */
  readonly shape: Polygon | MultiPolygon | null
  /** vertices, interleaved lon, lat, ring after ring as the shape lists them */
  readonly coords: Float64Array
  /** per ring, its first vertex; one more entry: the vertex count */
  readonly ringStart: Uint32Array
  /** per polygon, its first ring; one more entry: the ring count */
  readonly polygonStart: Uint32Array
  /** per vertex i (= edge from the ring's previous vertex to i), its ring */
  readonly edgeRing: Uint32Array
  readonly index: Flatbush | null
}

/** Indexes the shape's edges for `pointInPointShape`. */
export function preparePointShape(shape: Polygon | MultiPolygon): PointShape {
  const polygons = shape.type === 'Polygon' ? [shape.coordinates] : shape.coordinates
  let vertices = 0
  let rings = 0
  for (const polygon of polygons) {
    rings += polygon.length
    for (const ring of polygon) vertices += ring.length
  }
  const empty = { coords: new Float64Array(0), ringStart: new Uint32Array(0), polygonStart: new Uint32Array(0), edgeRing: new Uint32Array(0), index: null }
  if (vertices < INDEX_FROM_EDGES) return { shape, ...empty }
  const coords = new Float64Array(2 * vertices)
  const ringStart = new Uint32Array(rings + 1)
  const polygonStart = new Uint32Array(polygons.length + 1)
  const edgeRing = new Uint32Array(vertices)
  const index = new Flatbush(vertices)
  let v = 0
  let r = 0
  for (let p = 0; p < polygons.length; p++) {
    polygonStart[p] = r
    for (const ring of polygons[p]) {
      ringStart[r] = v
      const n = ring.length
      for (let i = 0; i < n; i++) {
        coords[2 * (v + i)] = ring[i][0]
        coords[2 * (v + i) + 1] = ring[i][1]
      }
      // Edge i runs from vertex i-1 (the last vertex for i = 0) to vertex i, as pointInRing walks them.
      for (let i = 0; i < n; i++) {
        const j = i === 0 ? n - 1 : i - 1
        const ax = ring[j][0],
          ay = ring[j][1],
          bx = ring[i][0],
          by = ring[i][1]
        index.add(Math.min(ax, bx), Math.min(ay, by), Math.max(ax, bx), Math.max(ay, by))
        edgeRing[v + i] = r
      }
      v += n
      r++
    }
  }
  ringStart[rings] = v
  polygonStart[polygons.length] = rings
  index.finish()
  return { shape: null, coords, ringStart, polygonStart, edgeRing, index }
}

/** Whether the shape contains the point, boundary included, holes excluded: exactly `pointInShape`. */
export function pointInPointShape(prepared: PointShape, point: Position): boolean {
  if (prepared.shape) return pointInShape(point, prepared.shape)
  if (inPolygons(prepared, point[0], point[1])) return true
  return (point[0] === 180 || point[0] === -180) && inPolygons(prepared, -point[0], point[1])
}

function inPolygons(prepared: PointShape, x: number, y: number): boolean {
  const { coords, ringStart, polygonStart, edgeRing, index } = prepared
  if (!index) return false
  const rings = ringStart.length - 1
  // Per ring: bit 0 the parity of crossings, bit 1 the point lies on the ring.
  const state = new Uint8Array(rings)
  for (const e of index.search(x, y, Number.POSITIVE_INFINITY, y)) {
    const r = edgeRing[e]
    if (state[r] & 2) continue
    const j = e === ringStart[r] ? ringStart[r + 1] - 1 : e - 1
    const crossing = rayCrossing(coords[2 * j], coords[2 * j + 1], coords[2 * e], coords[2 * e + 1], x, y)
    if (crossing === 0) state[r] |= 2
    else if (crossing === 1) state[r] ^= 1
  }
  // pointInRing: 0 on the ring, 1 inside (odd parity), -1 outside. A polygon holds the point when its
  // outer ring does (≥ 0) and no hole has it strictly inside.
  for (let p = 0; p + 1 < polygonStart.length; p++) {
    const first = polygonStart[p]
    const end = polygonStart[p + 1]
    if (first === end || state[first] === 0) continue
    let inHole = false
    for (let h = first + 1; h < end && !inHole; h++) inHole = state[h] === 1
    if (!inHole) return true
  }
  return false
}
