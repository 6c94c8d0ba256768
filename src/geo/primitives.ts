import type { Geometry, MultiPolygon, Polygon, Position } from 'geojson'
import { orient2d } from 'robust-predicates'

// Planar predicates and measures on [lon, lat] degrees, each written once for the whole engine.
// Edges are straight lines in lon/lat, as RFC 7946 renderers and Turf draw them.

/** [minLon, minLat, maxLon, maxLat] in degrees. */
export type BBox = [number, number, number, number]

/**
 * Turn a → b → c: > 0 counter-clockwise (c left of a→b, with lon east and lat north), < 0
 * clockwise, 0 collinear. The sign is exact (Shewchuk's adaptive predicate from robust-predicates),
 * so collinear overlaps and vertices on edges are never missed; the magnitude approximates twice
 * the triangle's signed area in deg².
 */
export function orientation(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  // robust-predicates assumes y pointing down; latitude points up, hence the negation.
  return -orient2d(ax, ay, bx, by, cx, cy)
}

/** Whether (px, py) lies in the bounding box of segment ab, boundary included. */
export function inSegmentBox(px: number, py: number, ax: number, ay: number, bx: number, by: number): boolean {
  return (ax < bx ? ax <= px && px <= bx : bx <= px && px <= ax) && (ay < by ? ay <= py && py <= by : by <= py && py <= ay)
}

/**
 * One edge's vote in an even-odd point-in-polygon count: 0 when p lies on segment ab, 1 when the
 * horizontal ray from p (towards +lon, or −lon when `east` is false) crosses it, -1 otherwise.
 * Half-open in lat, so a ray through a vertex counts the two edges meeting there once. Exact.
 */
export function rayCrossing(ax: number, ay: number, bx: number, by: number, px: number, py: number, east = true): -1 | 0 | 1 {
  const turn = orientation(ax, ay, bx, by, px, py)
  if (turn === 0 && inSegmentBox(px, py, ax, ay, bx, by)) return 0
  if (ay > py === by > py) return -1
  // p left of an edge running north (right of one running south) has the edge to its east.
  const edgeEast = by > ay ? turn > 0 : turn < 0
  return edgeEast === east ? 1 : -1
}

/** 1 inside the ring, 0 on its boundary, -1 outside; exact, O(n). The ring may or may not repeat its first position. */
export function pointInRing(ring: readonly Position[], point: Position): -1 | 0 | 1 {
  const n = ring.length
  if (n === 0) return -1
  const px = point[0],
    py = point[1]
  let inside = false
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const crossing = rayCrossing(ring[j][0], ring[j][1], ring[i][0], ring[i][1], px, py)
    if (crossing === 0) return 0
    if (crossing === 1) inside = !inside
  }
  return inside ? 1 : -1
}

/**
 * Signed area of a ring in square degrees (planar lon/lat): > 0 counter-clockwise. For winding and
 * for ordering rings by size, never as a measure of ground (that is `areaKm2`). Summed relative to
 * the first vertex to keep the products small and the sign reliable for thin rings far from (0, 0).
 * The ring may or may not repeat its first position. `wrap` reads it in the frame of a structure
 * straddling ±180 (see `toFrameLon`).
 */
export function ringAreaSigned(ring: readonly Position[], wrap = false): number {
  const n = ring.length
  if (n < 3) return 0
  const x0 = toFrameLon(ring[0][0], wrap),
    y0 = ring[0][1]
  let sum = 0
  let px = toFrameLon(ring[1][0], wrap) - x0,
    py = ring[1][1] - y0
  for (let i = 2; i < n; i++) {
    const qx = toFrameLon(ring[i][0], wrap) - x0,
      qy = ring[i][1] - y0
    sum += px * qy - qx * py
    px = qx
    py = qy
  }
  return sum / 2
}

/**
 * Longitude of an input position in the frame of an indexed structure: when the structure
 * straddles ±180, every longitude < 0 is taken +360 so that neighbours across the antimeridian
 * are neighbours in the frame.
 */
export function toFrameLon(lon: number, wrap: boolean): number {
  return wrap && lon < 0 ? lon + 360 : lon
}

/** Frame longitude back to [-180, 180]. */
export function fromFrameLon(lon: number): number {
  return lon > 180 ? lon - 360 : lon < -180 ? lon + 360 : lon
}

/** Calls `fn` on every position of a geometry, GeometryCollections included. */
export function eachPosition(g: Geometry, fn: (p: Position) => void): void {
  switch (g.type) {
    case 'Point':
      fn(g.coordinates)
      break
    case 'MultiPoint':
    case 'LineString':
      for (const p of g.coordinates) fn(p)
      break
    case 'MultiLineString':
    case 'Polygon':
      for (const l of g.coordinates) for (const p of l) fn(p)
      break
    case 'MultiPolygon':
      for (const poly of g.coordinates) for (const r of poly) for (const p of r) fn(p)
      break
    case 'GeometryCollection':
      for (const c of g.geometries) eachPosition(c, fn)
      break
  }
}

/**
 * Bounding box [minLon, minLat, maxLon, maxLat] of any geometry, degrees as given (no wrap at
 * ±180: a geometry split at the antimeridian spans nearly 360°; `wrap` gives it in the frame of
 * a structure straddling ±180 instead, see `toFrameLon`). An empty geometry gives
 * [Infinity, Infinity, -Infinity, -Infinity], which meets no box, as Turf's bbox does.
 */
export function bboxOf(g: Geometry, wrap = false): BBox {
  const b: BBox = [Infinity, Infinity, -Infinity, -Infinity]
  eachPosition(g, (p) => {
    const x = toFrameLon(p[0], wrap)
    if (x < b[0]) b[0] = x
    if (x > b[2]) b[2] = x
    if (p[1] < b[1]) b[1] = p[1]
    if (p[1] > b[3]) b[3] = p[1]
  })
  return b
}

/** Whether two boxes meet, boundaries included. */
export function bboxesMeet(a: readonly number[], b: readonly number[]): boolean {
  return a[0] <= b[2] && a[2] >= b[0] && a[1] <= b[3] && a[3] >= b[1]
}

/** Whether segment ab meets the closed box, exactly: their boxes meet and the corners are not all strictly on one side of ab. */
export function segmentMeetsBbox(ax: number, ay: number, bx: number, by: number, box: readonly number[]): boolean {
  const [x0, y0, x1, y1] = box
  if (Math.max(ax, bx) < x0 || Math.min(ax, bx) > x1 || Math.max(ay, by) < y0 || Math.min(ay, by) > y1) return false
  const s0 = Math.sign(orientation(ax, ay, bx, by, x0, y0))
  if (s0 === 0) return true
  return (
    Math.sign(orientation(ax, ay, bx, by, x1, y0)) !== s0 ||
    Math.sign(orientation(ax, ay, bx, by, x1, y1)) !== s0 ||
    Math.sign(orientation(ax, ay, bx, by, x0, y1)) !== s0
  )
}

/**
 * Whether a [lon, lat] position lies in a Polygon or MultiPolygon, boundary included, holes
 * excluded (their boundary is the shape's, so held). Exact and planar in lon/lat; ±180 count as one
 * meridian, since RFC 7946 splits shapes there. O(vertices).
 */
export function pointInShape(point: Position, shape: Polygon | MultiPolygon): boolean {
  const polygons = shape.type === 'Polygon' ? [shape.coordinates] : shape.coordinates
  if (inPolygons(polygons, point[0], point[1])) return true
  return (point[0] === 180 || point[0] === -180) && inPolygons(polygons, -point[0], point[1])
}

function inPolygons(polygons: readonly (readonly Position[][])[], x: number, y: number): boolean {
  const p = [x, y]
  return polygons.some((rings) => {
    if (rings.length === 0 || pointInRing(rings[0], p) < 0) return false
    for (let h = 1; h < rings.length; h++) if (pointInRing(rings[h], p) > 0) return false
    return true
  })
}

/**
 * Whether any part of a Polygon or MultiPolygon (interior or boundary) meets the closed box
 * [minLon, minLat, maxLon, maxLat], exactly and planar in lon/lat. A box with minLon > maxLon
 * crosses ±180 and is read as the two boxes either side of it. O(vertices).
 */
export function shapeIntersectsBbox(shape: Polygon | MultiPolygon, bbox: readonly [number, number, number, number]): boolean {
  const [minLon, minLat, maxLon, maxLat] = bbox
  if (minLon > maxLon) {
    return shapeIntersectsBbox(shape, [minLon, minLat, 180, maxLat]) || shapeIntersectsBbox(shape, [-180, minLat, maxLon, maxLat])
  }
  if (!bboxesMeet(bboxOf(shape), bbox)) return false
  const polygons = shape.type === 'Polygon' ? [shape.coordinates] : shape.coordinates
  for (const rings of polygons) {
    for (const ring of rings) {
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        if (segmentMeetsBbox(ring[j][0], ring[j][1], ring[i][0], ring[i][1], bbox)) return true
      }
    }
  }
  // No boundary meets the box, so the box lies wholly inside the shape or wholly outside it.
  return inPolygons(polygons, minLon, minLat)
}
