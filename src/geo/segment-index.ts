import Flatbush from 'flatbush'
import type { Geometry, Position } from 'geojson'
import { DEG_TO_RAD, EARTH_RADIUS_KM } from './geodesic.js'
import { eachPosition, rayCrossing, ringAreaSigned, toFrameLon } from './primitives.js'

/** [minLon, minLat, maxLon, maxLat] in degrees, in the frame of the structure it belongs to. */
export type FrameBBox = readonly [number, number, number, number]

/**
 * One ring of a polygon, one LineString part or one Point, as a run of consecutive segments.
 * Rings keep their closing segment, so a ring of n distinct vertices has n segments.
 */
export interface Chain {
  readonly segStart: number
  readonly segEnd: number
  /** index into `polygons`, -1 for lines and points */
  readonly polygon: number
  readonly closed: boolean
  /** for rings: whether the polygon's interior lies left of the ring's direction (RFC 7946 winding gives true) */
  readonly interiorLeft: boolean
  readonly bbox: FrameBBox
}

export interface PolygonPart {
  /** index of the input (area or geometry) this polygon came from */
  readonly source: number
  readonly bbox: FrameBBox
}

/**
 * Geometry taken apart into straight lon/lat segments and indexed once, so that distance, point
 * location, fronts and route cuts visit only the segments near the question instead of all of them.
 * Coordinates are [lon, lat] degrees. When the data straddles ±180 (its longitudes span less once
 * western ones are moved by +360) `wrap` is true and every longitude < 0 is stored +360, so that
 * neighbours across the antimeridian are neighbours in the index. Treat as opaque outside src/geo.
 */
export interface PreparedGeometry {
  readonly wrap: boolean
  /** null when there is nothing to index (no areas, empty geometry) */
  readonly bbox: FrameBBox | null
  /** interleaved lon, lat per vertex, frame longitudes */
  readonly coords: Float64Array
  readonly segA: Uint32Array
  readonly segB: Uint32Array
  readonly segChain: Uint32Array
  readonly segPolygon: Int32Array
  /** 1 when another polygon of the same structure has the same segment (either direction): an edge between two cells of one territory */
  readonly segShared: Uint8Array
  /** flatbush over segment bboxes in frame degrees; item id = segment id */
  readonly segIndex: Flatbush | null
  readonly chains: readonly Chain[]
  readonly polygons: readonly PolygonPart[]
  /** flatbush over polygon bboxes; item id = polygon id */
  readonly polyIndex: Flatbush | null
}

/** Tolerance in degrees (~0.1 mm) under which a point counts as lying on a segment. */
export const ON_SEGMENT_EPS_DEG = 1e-9

const NODE_SIZE = 8

/** Whether longitudes of these geometries are more compact once western ones are moved by +360. */
export function needsWrap(geometries: readonly Geometry[]): boolean {
  let min = Infinity,
    max = -Infinity,
    min360 = Infinity,
    max360 = -Infinity
  for (const g of geometries) {
    eachPosition(g, (p) => {
      const lon = p[0]
      if (lon < min) min = lon
      if (lon > max) max = lon
      const l = lon < 0 ? lon + 360 : lon
      if (l < min360) min360 = l
      if (l > max360) max360 = l
    })
  }
  return max - min > 180 && max360 - min360 < max - min
}

export interface BuildOptions {
  /** false keeps longitudes as given, for callers that emit geometry built from the frame */
  allowWrap?: boolean
  /** false skips `segShared` (left all 0), for callers that find shared edges themselves */
  markShared?: boolean
}

/** Builds the segment structure of geometries; polygons of `geometries[i]` get `source` i. */
export function buildPreparedGeometry(geometries: readonly Geometry[], options: BuildOptions = {}): PreparedGeometry {
  const wrap = options.allowWrap !== false && needsWrap(geometries)
  let nVerts = 0
  let nSegs = 0
  for (const g of geometries) {
    const [verts, segs] = countGeometry(g)
    nVerts += verts
    nSegs += segs
  }
  const coords = new Float64Array(nVerts * 2)
  const segA = new Uint32Array(nSegs)
  const segB = new Uint32Array(nSegs)
  const segChain = new Uint32Array(nSegs)
  const segPolygon = new Int32Array(nSegs)
  const chains: Chain[] = []
  const polygons: PolygonPart[] = []
  let v = 0
  let s = 0

  const addChain = (pts: Position[], polygon: number, kind: 'point' | 'line' | 'outer' | 'hole'): FrameBBox => {
    const first = v
    // The chain's frame bbox is taken while its vertices are copied into the frame.
    let minX = Infinity,
      minY = Infinity,
      maxX = -Infinity,
      maxY = -Infinity
    for (const p of pts) {
      const x = toFrameLon(p[0], wrap)
      const y = p[1]
      coords[2 * v] = x
      coords[2 * v + 1] = y
      v++
      if (x < minX) minX = x
      if (x > maxX) maxX = x
      if (y < minY) minY = y
      if (y > maxY) maxY = y
    }
    const segStart = s
    const chain = chains.length
    const closed = kind === 'outer' || kind === 'hole'
    if (pts.length === 1 || kind === 'point') {
      segA[s] = first
      segB[s] = first
      segChain[s] = chain
      segPolygon[s] = polygon
      s++
    } else {
      for (let i = first; i < v - 1; i++) {
        segA[s] = i
        segB[s] = i + 1
        segChain[s] = chain
        segPolygon[s] = polygon
        s++
      }
      if (closed && !samePoint(coords, first, v - 1)) {
        segA[s] = v - 1
        segB[s] = first
        segChain[s] = chain
        segPolygon[s] = polygon
        s++
      }
    }
    let interiorLeft = false
    if (closed) {
      // Winding in the frame, where the ring is continuous even when it crosses ±180.
      const area = ringAreaSigned(pts, wrap)
      interiorLeft = kind === 'outer' ? area > 0 : area < 0
    }
    const bbox: FrameBBox = [minX, minY, maxX, maxY]
    chains.push({ segStart, segEnd: s, polygon, closed, interiorLeft, bbox })
    return bbox
  }

  const addPolygon = (rings: Position[][], source: number): void => {
    if (rings.length === 0 || rings[0].length === 0) return
    const polygon = polygons.length
    const bbox = addChain(rings[0], polygon, 'outer')
    for (let r = 1; r < rings.length; r++) if (rings[r].length > 0) addChain(rings[r], polygon, 'hole')
    polygons.push({ source, bbox })
  }

  const addGeometry = (g: Geometry, source: number): void => {
    switch (g.type) {
      case 'Point':
        addChain([g.coordinates], -1, 'point')
        break
      case 'MultiPoint':
        for (const p of g.coordinates) addChain([p], -1, 'point')
        break
      case 'LineString':
        if (g.coordinates.length > 0) addChain(g.coordinates, -1, 'line')
        break
      case 'MultiLineString':
        for (const l of g.coordinates) if (l.length > 0) addChain(l, -1, 'line')
        break
      case 'Polygon':
        addPolygon(g.coordinates, source)
        break
      case 'MultiPolygon':
        for (const p of g.coordinates) addPolygon(p, source)
        break
      case 'GeometryCollection':
        for (const c of g.geometries) addGeometry(c, source)
        break
    }
  }
  geometries.forEach((g, i) => addGeometry(g, i))

  const nUsed = s
  let segIndex: Flatbush | null = null
  let bbox: FrameBBox | null = null
  if (nUsed > 0) {
    segIndex = new Flatbush(nUsed, NODE_SIZE)
    for (let i = 0; i < nUsed; i++) {
      const a = segA[i] * 2
      const b = segB[i] * 2
      const ax = coords[a],
        ay = coords[a + 1],
        bx = coords[b],
        by = coords[b + 1]
      segIndex.add(ax < bx ? ax : bx, ay < by ? ay : by, ax > bx ? ax : bx, ay > by ? ay : by)
    }
    segIndex.finish()
    bbox = [segIndex.minX, segIndex.minY, segIndex.maxX, segIndex.maxY]
  }
  let polyIndex: Flatbush | null = null
  if (polygons.length > 0) {
    polyIndex = new Flatbush(polygons.length, NODE_SIZE)
    for (const p of polygons) polyIndex.add(p.bbox[0], p.bbox[1], p.bbox[2], p.bbox[3])
    polyIndex.finish()
  }
  const prepared = {
    wrap,
    bbox,
    coords,
    segA: segA.subarray(0, nUsed),
    segB: segB.subarray(0, nUsed),
    segChain: segChain.subarray(0, nUsed),
    segPolygon: segPolygon.subarray(0, nUsed),
    segIndex,
    chains,
    polygons,
    polyIndex,
  }
  // Only fronts ask which edges are shared: marked on first asking, not for every territory a route,
  // a distance or a map prepares (8–12 % of a route at a new date on a map of neighbouring cells).
  // Not enumerable, so that measuring the cached territory's size does not mark them.
  let segShared: Uint8Array | undefined
  Object.defineProperty(prepared, 'segShared', {
    enumerable: false,
    get: () =>
      (segShared ??= options.markShared === false ? new Uint8Array(nUsed) : markSharedSegments(coords, prepared.segA, prepared.segB, prepared.segPolygon)),
  })
  return prepared as typeof prepared & { segShared: Uint8Array }
}

const hashScratch = new Float64Array(4)
const hashWords = new Uint32Array(hashScratch.buffer)

/**
 * Flags polygon segments that another polygon repeats exactly (same endpoints, either direction).
 * Maps drawn from one topology repeat the edge between two neighbouring cells in both; for the
 * territory those cells form together, such an edge is interior, never part of its outline.
 */
function markSharedSegments(coords: Float64Array, segA: Uint32Array, segB: Uint32Array, segPolygon: Int32Array): Uint8Array {
  const n = segA.length
  const shared = new Uint8Array(n)
  // Open addressing on a typed array: a Map of 100k entries costs several times more here.
  let size = 16
  while (size < n * 2) size *= 2
  const mask = size - 1
  const table = new Int32Array(size).fill(-1)
  for (let s = 0; s < n; s++) {
    if (segPolygon[s] < 0) continue
    let p = 2 * segA[s],
      q = 2 * segB[s]
    if (coords[p] > coords[q] || (coords[p] === coords[q] && coords[p + 1] > coords[q + 1])) {
      const r = p
      p = q
      q = r
    }
    if (coords[p] === coords[q] && coords[p + 1] === coords[q + 1]) continue
    hashScratch[0] = coords[p]
    hashScratch[1] = coords[p + 1]
    hashScratch[2] = coords[q]
    hashScratch[3] = coords[q + 1]
    let h = 0x811c9dc5
    for (let w = 0; w < 8; w++) h = Math.imul(h ^ hashWords[w], 0x01000193)
    let slot = (h ^ (h >>> 15)) & mask
    for (;;) {
      const other = table[slot]
      if (other < 0) {
        table[slot] = s
        break
      }
      if (sameSegment(coords, segA, segB, other, s)) {
        if (segPolygon[other] !== segPolygon[s]) {
          shared[other] = 1
          shared[s] = 1
        }
        break
      }
      slot = (slot + 1) & mask
    }
  }
  return shared
}

function sameSegment(coords: Float64Array, segA: Uint32Array, segB: Uint32Array, i: number, j: number): boolean {
  const a = 2 * segA[i],
    b = 2 * segB[i],
    c = 2 * segA[j],
    d = 2 * segB[j]
  const eq = (u: number, v: number): boolean => coords[u] === coords[v] && coords[u + 1] === coords[v + 1]
  return (eq(a, c) && eq(b, d)) || (eq(a, d) && eq(b, c))
}

function samePoint(coords: Float64Array, i: number, j: number): boolean {
  return coords[2 * i] === coords[2 * j] && coords[2 * i + 1] === coords[2 * j + 1]
}

/** Upper bounds of [vertices, segments] of a geometry (rings may repeat their first vertex). */
function countGeometry(g: Geometry): [number, number] {
  let verts = 0
  let segs = 0
  switch (g.type) {
    case 'Point':
      return [1, 1]
    case 'MultiPoint':
      return [g.coordinates.length, g.coordinates.length]
    case 'LineString':
      return [g.coordinates.length, Math.max(1, g.coordinates.length - 1)]
    case 'MultiLineString':
      for (const l of g.coordinates) {
        verts += l.length
        segs += Math.max(1, l.length - 1)
      }
      return [verts, segs]
    case 'Polygon':
      for (const r of g.coordinates) {
        verts += r.length
        segs += r.length
      }
      return [verts, segs]
    case 'MultiPolygon':
      for (const p of g.coordinates)
        for (const r of p) {
          verts += r.length
          segs += r.length
        }
      return [verts, segs]
    case 'GeometryCollection':
      for (const c of g.geometries) {
        const [v, s] = countGeometry(c)
        verts += v
        segs += s
      }
      return [verts, segs]
  }
  return [0, 0]
}

/**
 * Polygons of `g` containing the frame point (x, y), boundary included, holes respected.
 * Even-odd ray casting over the segment index: the ray runs to the nearer side of the candidate
 * polygons' bboxes, so it touches O(√n) segments of a large ring rather than all of them.
 */
export function polygonsAt(g: PreparedGeometry, x: number, y: number): number[] {
  if (!g.polyIndex || !g.segIndex) return []
  const eps = ON_SEGMENT_EPS_DEG
  const cands = g.polyIndex.search(x - eps, y - eps, x + eps, y + eps)
  if (cands.length === 0) return []
  let east = -Infinity
  let west = Infinity
  for (const c of cands) {
    const b = g.polygons[c].bbox
    if (b[2] > east) east = b[2]
    if (b[0] < west) west = b[0]
  }
  const goEast = east - x <= x - west
  const segs = goEast ? g.segIndex.search(x - eps, y - eps, east + eps, y + eps) : g.segIndex.search(west - eps, y - eps, x + eps, y + eps)
  const parity = new Uint8Array(cands.length)
  const onEdge = new Uint8Array(cands.length)
  const { coords, segA, segB, segPolygon } = g
  for (const s of segs) {
    const k = cands.indexOf(segPolygon[s])
    if (k < 0 || onEdge[k]) continue
    const ax = coords[2 * segA[s]],
      ay = coords[2 * segA[s] + 1]
    const bx = coords[2 * segB[s]],
      by = coords[2 * segB[s] + 1]
    if (pointSegmentDist2(x, y, ax, ay, bx, by) <= eps * eps) {
      onEdge[k] = 1
      continue
    }
    if (rayCrossing(ax, ay, bx, by, x, y, goEast) === 1) parity[k] ^= 1
  }
  const out: number[] = []
  for (let k = 0; k < cands.length; k++) if (parity[k] || onEdge[k]) out.push(cands[k])
  return out.sort((p, q) => p - q)
}

/** Squared planar distance in degrees² from a point to a segment (unscaled; only for tiny tolerances). */
export function pointSegmentDist2(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax
  const dy = by - ay
  const len2 = dx * dx + dy * dy
  let t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0
  t = t < 0 ? 0 : t > 1 ? 1 : t
  const ex = ax + t * dx - px
  const ey = ay + t * dy - py
  return ex * ex + ey * ey
}

/* ---------- traversals over two flatbush trees at once ---------- */

// The traversals below walk two trees at once, which flatbush's own queries (one box or one point
// at a time) cannot do. Answering them with one public `search` per segment instead measured ~150×
// slower for distance (12 ms against 0.08 ms warm, bench/synthetic territory to city) and ~2× for
// fronts. So they read the tree from `index.data`, flatbush's public serialised form (what
// `Flatbush.from` and the ports read, rather than the private `_boxes`/`_indices`): an 8-byte
// header whose second byte holds the format version in its high nibble, every node's box (minX,
// minY, maxX, maxY) level by level from the leaves up, then one index per node (a leaf's item id,
// a node's position of its first child box). Data written as v3 must stay readable by any flatbush
// that reads v3, so the layout can only change with the version, which is checked: a flatbush that
// changes it fails here loudly instead of being misread. Level bounds are recomputed from
// `numItems` and `nodeSize` as the format sizes them.

/** The flatbush serialised format these traversals understand. */
const FLATBUSH_FORMAT = 3

interface TreeView {
  boxes: ArrayLike<number>
  indices: ArrayLike<number>
  levelBounds: number[]
  nodeSize4: number
  root: number
  rootLevel: number
}

const views = new WeakMap<Flatbush, TreeView>()

function view(fb: Flatbush): TreeView {
  const cached = views.get(fb)
  if (cached) return cached
  // An ArrayBuffer or a SharedArrayBuffer: typed arrays view either.
  const data = fb.data as ArrayBuffer
  const header = new Uint8Array(data, fb.byteOffset, 2)
  if (header[0] !== 0xfb || header[1] >> 4 !== FLATBUSH_FORMAT) {
    throw new Error(`flatbush index format v${header[1] >> 4} is not the v${FLATBUSH_FORMAT} the segment traversals read`)
  }
  let n = fb.numItems
  let numNodes = n
  const levelBounds = [n * 4]
  do {
    n = Math.ceil(n / fb.nodeSize)
    numNodes += n
    levelBounds.push(numNodes * 4)
  } while (n !== 1)
  const boxesBytes = numNodes * 4 * fb.ArrayType.BYTES_PER_ELEMENT
  const boxes = new fb.ArrayType(data, fb.byteOffset + 8, numNodes * 4)
  const indices = new fb.IndexArrayType(data, fb.byteOffset + 8 + boxesBytes, numNodes)
  const v: TreeView = {
    boxes,
    indices,
    levelBounds,
    nodeSize4: fb.nodeSize * 4,
    root: boxes.length - 4,
    rootLevel: levelBounds.length - 1,
  }
  views.set(fb, v)
  return v
}

/** A binary min-heap of (key, a, b) triples in parallel arrays. */
class PairHeap {
  keys: number[] = []
  as: number[] = []
  bs: number[] = []
  get size(): number {
    return this.keys.length
  }
  push(key: number, a: number, b: number): void {
    const { keys, as, bs } = this
    let i = keys.length
    keys.push(key)
    as.push(a)
    bs.push(b)
    while (i > 0) {
      const p = (i - 1) >> 1
      if (keys[p] <= key) break
      keys[i] = keys[p]
      as[i] = as[p]
      bs[i] = bs[p]
      i = p
    }
    keys[i] = key
    as[i] = a
    bs[i] = b
  }
  /** Removes the top; its values are read from keys[0], as[0], bs[0] before calling. */
  pop(): void {
    const { keys, as, bs } = this
    const key = keys.pop()!,
      a = as.pop()!,
      b = bs.pop()!
    const n = keys.length
    if (n === 0) return
    let i = 0
    for (;;) {
      let c = 2 * i + 1
      if (c >= n) break
      if (c + 1 < n && keys[c + 1] < keys[c]) c++
      if (keys[c] >= key) break
      keys[i] = keys[c]
      as[i] = as[c]
      bs[i] = bs[c]
      i = c
    }
    keys[i] = key
    as[i] = a
    bs[i] = b
  }
}

// An entry is encoded as pos * 64 + level (pos < 2^40 in practice, level < 64).
const enc = (pos: number, level: number): number => pos * 64 + level
const encPos = (e: number): number => Math.floor(e / 64)
const encLevel = (e: number): number => e % 64

/**
 * Lower bound, as the haversine of the central angle, of the great-circle distance between any point
 * of box A and any point of box B (degrees):
 * hav(d) = hav(Δφ) + cos φ1 cos φ2 hav(Δλ) ≥ hav(gapφ) + cos²(φmax) hav(gapλ).
 * Valid for longitude gaps up to 180°; larger gaps are the short way round in another frame shift.
 */
export function boxLowerBoundHav(ax0: number, ay0: number, ax1: number, ay1: number, bx0: number, by0: number, bx1: number, by1: number): number {
  let dLat = by0 - ay1
  if (ay0 - by1 > dLat) dLat = ay0 - by1
  let dLon = bx0 - ax1
  if (ax0 - bx1 > dLon) dLon = ax0 - bx1
  if (dLat <= 0 && dLon <= 0) return 0
  let h = 0
  if (dLat > 0) {
    const s = Math.sin(dLat * DEG_TO_RAD * 0.5)
    h = s * s
  }
  if (dLon > 0) {
    if (dLon > 180) dLon = 180
    const maxLat = Math.max(Math.abs(ay0), Math.abs(ay1), Math.abs(by0), Math.abs(by1))
    const c = Math.cos(maxLat * DEG_TO_RAD)
    const s = Math.sin(dLon * DEG_TO_RAD * 0.5)
    h += c * c * s * s
  }
  return h
}

/** The mutable bound a nearest search prunes with; `exact` lowers `bestHav` when it finds closer pairs. */
export interface NearestState {
  bestHav: number
}

/**
 * Best-first search over pairs of nodes of two segment trees for the closest pair of items.
 * Pairs are expanded in order of a geodesic lower bound and dropped once the bound reaches the best
 * exact distance found, so far-apart or dense inputs cost about the pairs near the answer, not n·m.
 * `exact(i, j)` measures items i of A and j of B and updates `state.bestHav` itself.
 */
export function nearestPairSearch(a: Flatbush, b: Flatbush, dxA: number, state: NearestState, exact: (i: number, j: number) => void): void {
  const ta = view(a)
  const tb = view(b)
  const heap = new PairHeap()
  const A = ta.boxes,
    B = tb.boxes
  const lb = (pa: number, pb: number): number => boxLowerBoundHav(A[pa] + dxA, A[pa + 1], A[pa + 2] + dxA, A[pa + 3], B[pb], B[pb + 1], B[pb + 2], B[pb + 3])
  const consider = (pa: number, la: number, pb: number, lb0: number): void => {
    const key = lb(pa, pb)
    if (key >= state.bestHav) return
    if (la === 0 && lb0 === 0) {
      exact(ta.indices[pa >> 2], tb.indices[pb >> 2])
    } else {
      heap.push(key, enc(pa, la), enc(pb, lb0))
    }
  }
  consider(ta.root, ta.rootLevel, tb.root, tb.rootLevel)
  while (heap.size > 0) {
    if (heap.keys[0] >= state.bestHav) break
    const ea = heap.as[0],
      eb = heap.bs[0]
    heap.pop()
    const pa = encPos(ea),
      la = encLevel(ea),
      pb = encPos(eb),
      lb1 = encLevel(eb)
    if (expandA(ta, pa, la, tb, pb, lb1)) {
      const start = ta.indices[pa >> 2]
      const end = Math.min(start + ta.nodeSize4, ta.levelBounds[la - 1])
      for (let c = start; c < end; c += 4) consider(c, la - 1, pb, lb1)
    } else {
      const start = tb.indices[pb >> 2]
      const end = Math.min(start + tb.nodeSize4, tb.levelBounds[lb1 - 1])
      for (let c = start; c < end; c += 4) consider(pa, la, c, lb1 - 1)
    }
  }
}

function expandA(ta: TreeView, pa: number, la: number, tb: TreeView, pb: number, lb: number): boolean {
  if (la === 0) return false
  if (lb === 0) return true
  const A = ta.boxes,
    B = tb.boxes
  const areaA = A[pa + 2] - A[pa] + (A[pa + 3] - A[pa + 1])
  const areaB = B[pb + 2] - B[pb] + (B[pb + 3] - B[pb + 1])
  return areaA >= areaB
}

/**
 * Calls `onPair(i, j)` for every item i of A (shifted by `dxA` degrees of longitude) and j of B
 * whose boxes come within `marginKm` of each other; the longitude margin widens with the latitude
 * of each node so it never falls short. A spatial join: cost grows with the pairs found, not |A|·|B|.
 */
export function joinPairs(a: Flatbush, b: Flatbush, dxA: number, marginKm: number, onPair: (i: number, j: number) => void): void {
  const ta = view(a)
  const tb = view(b)
  const A = ta.boxes,
    B = tb.boxes
  const dLat = marginKm / (EARTH_RADIUS_KM * DEG_TO_RAD)
  const stack: number[] = [enc(ta.root, ta.rootLevel), enc(tb.root, tb.rootLevel)]
  const near = (pa: number, pb: number): boolean => {
    const ay0 = A[pa + 1],
      ay1 = A[pa + 3]
    if (ay0 - dLat > B[pb + 3] || ay1 + dLat < B[pb + 1]) return false
    let dLon = 0
    if (dLat > 0) {
      const lat = Math.min(89.9, Math.max(-ay0, ay1) + dLat)
      dLon = Math.min(360, dLat / Math.cos(lat * DEG_TO_RAD))
    }
    return A[pa] + dxA - dLon <= B[pb + 2] && A[pa + 2] + dxA + dLon >= B[pb]
  }
  if (!near(ta.root, tb.root)) return
  while (stack.length > 0) {
    const eb = stack.pop()!
    const ea = stack.pop()!
    const pa = encPos(ea),
      la = encLevel(ea),
      pb = encPos(eb),
      lb = encLevel(eb)
    if (la === 0 && lb === 0) {
      onPair(ta.indices[pa >> 2], tb.indices[pb >> 2])
      continue
    }
    if (expandA(ta, pa, la, tb, pb, lb)) {
      const start = ta.indices[pa >> 2]
      const end = Math.min(start + ta.nodeSize4, ta.levelBounds[la - 1])
      for (let c = start; c < end; c += 4) if (near(c, pb)) stack.push(enc(c, la - 1), eb)
    } else {
      const start = tb.indices[pb >> 2]
      const end = Math.min(start + tb.nodeSize4, tb.levelBounds[lb - 1])
      for (let c = start; c < end; c += 4) if (near(pa, c)) stack.push(ea, enc(c, lb - 1))
    }
  }
}

/**
 * Calls `onPair(i, j)` once for every pair i < j of items of one tree whose boxes touch: the
 * self-join `joinPairs(t, t, …)` would visit each pair twice and every item with itself.
 */
export function selfJoinPairs(tree: Flatbush, onPair: (i: number, j: number) => void): void {
  const t = view(tree)
  const B = t.boxes
  const touch = (p: number, q: number): boolean => B[p] <= B[q + 2] && B[p + 2] >= B[q] && B[p + 1] <= B[q + 3] && B[p + 3] >= B[q + 1]
  const children = (p: number, level: number): [number, number] => {
    const start = t.indices[p >> 2]
    return [start, Math.min(start + t.nodeSize4, t.levelBounds[level - 1])]
  }
  // Stack of entry pairs; an entry paired with itself stands for all pairs within its subtree.
  const stack: number[] = [enc(t.root, t.rootLevel), enc(t.root, t.rootLevel)]
  while (stack.length > 0) {
    const eb = stack.pop()!
    const ea = stack.pop()!
    const pa = encPos(ea),
      la = encLevel(ea),
      pb = encPos(eb),
      lb = encLevel(eb)
    if (pa === pb) {
      if (la === 0) continue
      const [start, end] = children(pa, la)
      for (let c = start; c < end; c += 4) {
        for (let d = c; d < end; d += 4) if (touch(c, d)) stack.push(enc(c, la - 1), enc(d, la - 1))
      }
      continue
    }
    if (la === 0 && lb === 0) {
      const i = t.indices[pa >> 2],
        j = t.indices[pb >> 2]
      onPair(Math.min(i, j), Math.max(i, j))
      continue
    }
    if (expandA(t, pa, la, t, pb, lb)) {
      const [start, end] = children(pa, la)
      for (let c = start; c < end; c += 4) if (touch(c, pb)) stack.push(enc(c, la - 1), eb)
    } else {
      const [start, end] = children(pb, lb)
      for (let c = start; c < end; c += 4) if (touch(pa, c)) stack.push(ea, enc(c, lb - 1))
    }
  }
}

/**
 * Longitude shifts (degrees) to apply to A so that every pair of its points with B's is compared
 * at a longitude difference within ±180 in at least one shift; frames live in [-180, 360).
 */
export function frameShifts(a: FrameBBox, b: FrameBBox): number[] {
  const out: number[] = []
  for (const dx of [0, -360, 360]) {
    const gap = Math.max(b[0] - (a[2] + dx), a[0] + dx - b[2], 0)
    if (gap <= 180) out.push(dx)
  }
  return out
}
