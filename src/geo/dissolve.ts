import type { Polygon, Position } from 'geojson'
import { bboxOf, bboxesMeet, inSegmentBox, orientation, pointInRing, ringAreaSigned } from './primitives.js'
import { buildPreparedGeometry, polygonsAt, selfJoinPairs } from './segment-index.js'
import type { PreparedGeometry } from './segment-index.js'

/**
 * Polygons that meet only along exactly repeated edges and at shared vertices, with no interior
 * overlap: the shape of maps drawn from one topology. For them union and difference need no
 * general clipper; `null` from `analyzeTopology` means the polygons overlap or meet any other way
 * (crossing edges, a vertex in the middle of a neighbour's edge, partly overlapping edges).
 */
export interface CleanTopology {
  readonly g: PreparedGeometry
  /** vertex id per vertex of `g.coords` (equal coordinates, equal id) */
  readonly vertexId: Int32Array
  /** 1 for segments that two polygons share (one each way): interior to their union */
  readonly removed: Uint8Array
}

/** Checks that polygons meet only along exactly shared edges and vertices and do not overlap. */
export function analyzeTopology(parts: readonly Position[][][]): CleanTopology | null {
  // No longitude wrap: shells built here are emitted as they are, and RFC 7946 wants polygons
  // split at ±180 rather than rings that jump across it.
  const g = buildPreparedGeometry(
    parts.map((p): Polygon => ({ type: 'Polygon', coordinates: p })),
    { allowWrap: false, markShared: false },
  )
  if (!g.segIndex) return { g, vertexId: new Int32Array(0), removed: new Uint8Array(0) }
  const vertexId = assignVertexIds(g.coords)
  const nSeg = g.segA.length
  const { segA, segB, segChain, chains } = g
  // Direction with the polygon's interior on the left, as vertex ids.
  const from = new Int32Array(nSeg)
  const to = new Int32Array(nSeg)
  for (let s = 0; s < nSeg; s++) {
    const left = chains[segChain[s]].interiorLeft
    from[s] = vertexId[left ? segA[s] : segB[s]]
    to[s] = vertexId[left ? segB[s] : segA[s]]
  }

  // Each edge at most twice, and then once each way from two different polygons.
  const removed = new Uint8Array(nSeg)
  let size = 16
  while (size < nSeg * 2) size *= 2
  const mask = size - 1
  const table = new Int32Array(size).fill(-1)
  for (let s = 0; s < nSeg; s++) {
    const u = from[s],
      v = to[s]
    if (u === v) continue
    const lo = u < v ? u : v,
      hi = u < v ? v : u
    let slot = (Math.imul(lo, 0x9e3779b1) ^ Math.imul(hi, 0x85ebca6b)) & mask
    for (;;) {
      const o = table[slot]
      if (o < 0) {
        table[slot] = s
        break
      }
      const ou = from[o],
        ov = to[o]
      if ((ou === lo && ov === hi) || (ou === hi && ov === lo)) {
        if (removed[o] || ou !== v || g.segPolygon[o] === g.segPolygon[s]) return null
        removed[o] = 1
        removed[s] = 1
        break
      }
      slot = (slot + 1) & mask
    }
  }

  // Every other contact between different rings must be a shared vertex with no overlap beyond it.
  const contact = new Uint8Array(vertexCount(vertexId))
  const c = g.coords
  let clean = true
  selfJoinPairs(g.segIndex, (i, j) => {
    if (!clean || segChain[i] === segChain[j]) return
    const ai = from[i],
      bi = to[i],
      aj = from[j],
      bj = to[j]
    if (ai === bi || aj === bj) return
    if ((ai === aj && bi === bj) || (ai === bj && bi === aj)) {
      contact[ai] = 1
      contact[bi] = 1
      return
    }
    const pi = 2 * segA[i],
      qi = 2 * segB[i],
      pj = 2 * segA[j],
      qj = 2 * segB[j]
    const shared = ai === aj || ai === bj ? ai : bi === aj || bi === bj ? bi : -1
    if (shared >= 0) {
      contact[shared] = 1
      // Touching at one vertex is fine unless the two edges leave it along the same line.
      if (collinearOverlap(c[pi], c[pi + 1], c[qi], c[qi + 1], c[pj], c[pj + 1], c[qj], c[qj + 1])) clean = false
      return
    }
    if (segmentsMeet(c[pi], c[pi + 1], c[qi], c[qi + 1], c[pj], c[pj + 1], c[qj], c[qj + 1])) clean = false
  })
  if (!clean) return null

  // With contacts only at shared vertices and edges, each run of a ring between contact vertices
  // lies wholly inside or wholly outside every other polygon: one point per run decides overlap.
  for (const chain of chains) {
    let anyContact = false
    for (let s = chain.segStart; s < chain.segEnd && !anyContact; s++) anyContact = contact[vertexId[segA[s]]] === 1
    for (let s = chain.segStart; s < chain.segEnd; s++) {
      if (removed[s] || from[s] === to[s]) continue
      const startsRun = anyContact ? contact[vertexId[segA[s]]] === 1 || removed[s === chain.segStart ? chain.segEnd - 1 : s - 1] === 1 : s === chain.segStart
      if (!startsRun) continue
      const x = (c[2 * segA[s]] + c[2 * segB[s]]) / 2
      const y = (c[2 * segA[s] + 1] + c[2 * segB[s] + 1]) / 2
      if (polygonsAt(g, x, y).some((p) => p !== chain.polygon)) return null
    }
  }
  return { g, vertexId, removed }
}

function vertexCount(ids: Int32Array): number {
  let max = -1
  for (let i = 0; i < ids.length; i++) if (ids[i] > max) max = ids[i]
  return max + 1
}

/**
 * Union of a clean topology: drop the edges two polygons share, then walk what is left into
 * rings, turning as far left as possible at vertices where several rings meet so that rings
 * touching at a point stay separate. Counter-clockwise rings are shells; each clockwise ring is a
 * hole of the smallest shell around it. Coordinates come back as given.
 */
export function dissolveClean(t: CleanTopology): Position[][][] {
  const { g, vertexId, removed } = t
  const { segA, segB, segChain, chains, coords } = g
  const nSeg = segA.length
  const nV = vertexCount(vertexId)
  const vx = new Float64Array(nV)
  const vy = new Float64Array(nV)
  for (let i = 0; i < vertexId.length; i++) {
    vx[vertexId[i]] = coords[2 * i]
    vy[vertexId[i]] = coords[2 * i + 1]
  }
  const from: number[] = []
  const to: number[] = []
  for (let s = 0; s < nSeg; s++) {
    if (removed[s]) continue
    const left = chains[segChain[s]].interiorLeft
    const u = vertexId[left ? segA[s] : segB[s]],
      v = vertexId[left ? segB[s] : segA[s]]
    if (u !== v) {
      from.push(u)
      to.push(v)
    }
  }
  const outStart = new Int32Array(nV + 1)
  for (const u of from) outStart[u + 1]++
  for (let i = 0; i < nV; i++) outStart[i + 1] += outStart[i]
  const fill = outStart.slice(0, nV)
  const outEdges = new Int32Array(from.length)
  from.forEach((u, e) => {
    outEdges[fill[u]++] = e
  })
  const used = new Uint8Array(from.length)

  const rings: Position[][] = []
  for (let e0 = 0; e0 < from.length; e0++) {
    if (used[e0]) continue
    const ring: Position[] = [[vx[from[e0]], vy[from[e0]]]]
    let e = e0
    used[e] = 1
    for (;;) {
      const v = to[e]
      ring.push([vx[v], vy[v]])
      if (v === from[e0]) break
      const dx = vx[v] - vx[from[e]],
        dy = vy[v] - vy[from[e]]
      let next = -1
      let bestTurn = -Infinity
      for (let k = outStart[v]; k < outStart[v + 1]; k++) {
        const f = outEdges[k]
        if (used[f]) continue
        const ex = vx[to[f]] - vx[v],
          ey = vy[to[f]] - vy[v]
        const turn = Math.atan2(dx * ey - dy * ex, dx * ex + dy * ey)
        if (turn > bestTurn) {
          bestTurn = turn
          next = f
        }
      }
      if (next < 0) break
      used[next] = 1
      e = next
    }
    if (ring.length >= 4) rings.push(ring)
  }

  const shells: { ring: Position[]; area: number; bbox: number[]; holes: Position[][] }[] = []
  const holes: Position[][] = []
  for (const r of rings) {
    const a = ringAreaSigned(r)
    if (a > 0) shells.push({ ring: r, area: a, bbox: bboxOf({ type: 'LineString', coordinates: r }), holes: [] })
    else if (a < 0) holes.push(r)
  }
  shells.sort((p, q) => p.area - q.area)
  for (const h of holes) {
    // The middle of a hole's edge lies on no other ring (shared edges are gone), so strictly inside its shell.
    const m = [(h[0][0] + h[1][0]) / 2, (h[0][1] + h[1][1]) / 2]
    const shell = shells.find((s) => bboxesMeet(s.bbox, [m[0], m[1], m[0], m[1]]) && pointInRing(s.ring, m) > 0)
    if (shell) shell.holes.push(h)
  }
  return shells.map((s) => [s.ring, ...s.holes])
}

function assignVertexIds(coords: Float64Array): Int32Array {
  const n = coords.length / 2
  const ids = new Int32Array(n)
  let size = 16
  while (size < n * 2) size *= 2
  const mask = size - 1
  const table = new Int32Array(size).fill(-1)
  const buf = new Float64Array(2)
  const words = new Uint32Array(buf.buffer)
  let next = 0
  for (let i = 0; i < n; i++) {
    buf[0] = coords[2 * i]
    buf[1] = coords[2 * i + 1]
    let h = 0x811c9dc5
    for (let w = 0; w < 4; w++) h = Math.imul(h ^ words[w], 0x01000193)
    let slot = (h ^ (h >>> 15)) & mask
    for (;;) {
      const o = table[slot]
      if (o < 0) {
        table[slot] = i
        ids[i] = next++
        break
      }
      if (coords[2 * o] === buf[0] && coords[2 * o + 1] === buf[1]) {
        ids[i] = ids[o]
        break
      }
      slot = (slot + 1) & mask
    }
  }
  return ids
}

/** Whether two segments with one common endpoint also share more than that point. */
function collinearOverlap(ax: number, ay: number, bx: number, by: number, cx: number, cy: number, dx: number, dy: number): boolean {
  if (orientation(ax, ay, bx, by, cx, cy) !== 0 || orientation(ax, ay, bx, by, dx, dy) !== 0) return false
  return (
    onSegmentStrict(ax, ay, bx, by, cx, cy) ||
    onSegmentStrict(ax, ay, bx, by, dx, dy) ||
    onSegmentStrict(cx, cy, dx, dy, ax, ay) ||
    onSegmentStrict(cx, cy, dx, dy, bx, by)
  )
}

function onSegmentStrict(ax: number, ay: number, bx: number, by: number, px: number, py: number): boolean {
  if ((px === ax && py === ay) || (px === bx && py === by)) return false
  return inSegmentBox(px, py, ax, ay, bx, by)
}

/**
 * Whether two segments without a common endpoint touch or cross (exact orientation signs). The
 * same question as segment-intersections' `intersectSegments`, asked here without allocating
 * positions: this runs on every pair of nearby edges of a territory.
 */
function segmentsMeet(ax: number, ay: number, bx: number, by: number, cx: number, cy: number, dx: number, dy: number): boolean {
  const d1 = orientation(cx, cy, dx, dy, ax, ay)
  const d2 = orientation(cx, cy, dx, dy, bx, by)
  const d3 = orientation(ax, ay, bx, by, cx, cy)
  const d4 = orientation(ax, ay, bx, by, dx, dy)
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return true
  return (
    (d1 === 0 && inSegmentBox(ax, ay, cx, cy, dx, dy)) ||
    (d2 === 0 && inSegmentBox(bx, by, cx, cy, dx, dy)) ||
    (d3 === 0 && inSegmentBox(cx, cy, ax, ay, bx, by)) ||
    (d4 === 0 && inSegmentBox(dx, dy, ax, ay, bx, by))
  )
}
