import type { MultiLineString, Position } from 'geojson'
import { DEG_TO_RAD, EARTH_RADIUS_KM, haversineXYKm } from './geodesic.js'
import { fromFrameLon } from './primitives.js'
import { frameShifts, joinPairs, polygonsAt } from './segment-index.js'
import type { PreparedGeometry } from './segment-index.js'

export interface FrontOptions {
  /** how far across a gap or sliver b's territory may lie and still face a's line, km (default 0.1) */
  toleranceKm?: number
  /**
   * A border drawn by another hand than the map's (the outline of a single-actor map): stretches of
   * a's boundary lying within `withinKm` of its boundary, on either side, are the border and never
   * front. The map's own edges along a border or a coast follow such an outline only roughly, and
   * the sliver between them would otherwise read as front.
   */
  border?: {
    geometry: PreparedGeometry
    withinKm: number
    /**
     * Which ground the border bounds, by polygon id of a and of b (`polygons[i]`): a stretch is cut
     * only where a's polygon, or b's polygon facing it, passes. A front between two polygons that
     * pass neither (two mapped areas) runs on up to the border. Absent: every stretch near the border is cut.
     */
    only?: { a?: (polygon: number) => boolean; b?: (polygon: number) => boolean }
  }
}

export interface FrontLines {
  geometry: MultiLineString
  lengthKm: number
}

/** Parameters closer than this (fraction of a segment) are the same point. */
const T_EPS = 1e-9
/** Offset across a boundary, km, used to ask whether the other side of an edge is still a's ground. */
const ACROSS_KM = 1e-4

/**
 * Where a's territory faces b's: the stretches of a's polygon boundaries from which b's territory
 * lies across the line within `toleranceKm` ([lon, lat] degrees, lengths in km).
 *
 * A boundary point counts when the short perpendicular ray (length = tolerance) it casts outward of
 * a's polygon reaches b, or when the point already lies inside b (layers that overlap). Looking only
 * outward is what keeps ends exact: squares sharing an edge give exactly that edge, squares meeting
 * at one corner give no front, and edges facing the sea, a border or unheld ground give none.
 * Edges shared by two of a's own polygons are interior to a and never front. Lines run with a's
 * ground on their left.
 */
export function frontLines(a: PreparedGeometry, b: PreparedGeometry, options: FrontOptions = {}): FrontLines {
  const toleranceKm = options.toleranceKm ?? 0.1
  const empty: FrontLines = { geometry: { type: 'MultiLineString', coordinates: [] }, lengthKm: 0 }
  if (!a.segIndex || !b.segIndex || !a.bbox || !b.bbox || b.polygons.length === 0) return empty

  // Candidate b segments per a segment, found by one join of the two segment trees with the
  // tolerance as margin; the loop below then only clips those few.
  const nA = a.segA.length
  const pairs: number[] = []
  const shifts = frameShifts(a.bbox, b.bbox)
  for (let k = 0; k < shifts.length; k++) {
    const dx = shifts[k]
    joinPairs(a.segIndex, b.segIndex, dx, toleranceKm, (i, j) => {
      if (a.segPolygon[i] >= 0 && b.segPolygon[j] >= 0 && !a.segShared[i]) pairs.push(i, j, k)
    })
  }
  const start = new Uint32Array(nA + 1)
  for (let p = 0; p < pairs.length; p += 3) start[pairs[p] + 1]++
  for (let i = 0; i < nA; i++) start[i + 1] += start[i]
  const fill = start.slice(0, nA)
  const candB = new Uint32Array(pairs.length / 3)
  const candShift = new Uint8Array(pairs.length / 3)
  for (let p = 0; p < pairs.length; p += 3) {
    const slot = fill[pairs[p]]++
    candB[slot] = pairs[p + 1]
    candShift[slot] = pairs[p + 2]
  }

  const alongBorder = options.border ? borderIntervals(a, options.border.geometry, options.border.withinKm) : null
  const only = options.border?.only
  // Whether the piece [t0, t1] of a's segment s bounds ground the border applies to: a's own polygon,
  // b's polygons whose edges face it within the tolerance, or b's polygons it lies inside.
  const borderApplies = (s: number, t0: number, t1: number): boolean => {
    if (!only || only.a?.(a.segPolygon[s])) return true
    if (!only.b) return false
    const pa = 2 * a.segA[s],
      pb = 2 * a.segB[s]
    const ax = a.coords[pa],
      ay = a.coords[pa + 1],
      bx = a.coords[pb],
      by = a.coords[pb + 1]
    const interiorLeft = a.chains[a.segChain[s]].interiorLeft
    for (let c = start[s]; c < start[s + 1]; c++) {
      const j = candB[c]
      if (!only.b(b.segPolygon[j])) continue
      const dx = shifts[candShift[c]]
      const qa = 2 * b.segA[j],
        qb = 2 * b.segB[j]
      const range = { t0: 0, t1: 0 }
      if (outwardClip(ax + dx, ay, bx + dx, by, interiorLeft, b.coords[qa], b.coords[qa + 1], b.coords[qb], b.coords[qb + 1], toleranceKm, range)) {
        if (range.t1 > t0 + T_EPS && range.t0 < t1 - T_EPS) return true
      }
    }
    const tm = (t0 + t1) / 2
    const [x, y] = [ax + (bx - ax) * tm, ay + (by - ay) * tm]
    return shifts.some((dx) => polygonsAt(b, x + dx, y).some((p) => only.b!(p)))
  }
  const keep = (pieces: number[], s: number, t0: number, t1: number): void => {
    const cut = alongBorder?.get(s)
    if (!cut || !borderApplies(s, t0, t1)) return pushPiece(pieces, s, t0, t1)
    let from = t0
    for (let m = 0; m < cut.length && from < t1; m += 2) {
      if (cut[m + 1] <= from) continue
      if (cut[m] >= t1) break
      if (cut[m] - from > T_EPS) pushPiece(pieces, s, from, cut[m])
      from = Math.max(from, cut[m + 1])
    }
    if (t1 - from > T_EPS) pushPiece(pieces, s, from, t1)
  }

  const lines: Position[][] = []
  let lengthKm = 0
  const ivs: number[] = []
  const clip = { t0: 0, t1: 0 }
  const [bMinX, bMinY, bMaxX, bMaxY] = b.bbox
  const insideB = (x: number, y: number): boolean => {
    for (const dx of shifts) {
      const bx = x + dx
      if (bx < bMinX || bx > bMaxX || y < bMinY || y > bMaxY) continue
      if (polygonsAt(b, bx, y).length > 0) return true
    }
    return false
  }

  for (const chain of a.chains) {
    if (chain.polygon < 0 || chain.segEnd === chain.segStart) continue
    let hasCand = false
    for (let s = chain.segStart; s < chain.segEnd && !hasCand; s++) hasCand = start[s + 1] > start[s]
    if (!hasCand && !ringMayBeInside(chain.bbox, b.bbox, shifts)) continue

    // Covered pieces of this ring in ring order: [segment, t0, t1, ...].
    const pieces: number[] = []
    let runInside: boolean | null = null
    for (let s = chain.segStart; s < chain.segEnd; s++) {
      const pa = 2 * a.segA[s],
        pb = 2 * a.segB[s]
      const ax = a.coords[pa],
        ay = a.coords[pa + 1],
        bx = a.coords[pb],
        by = a.coords[pb + 1]
      if (ax === bx && ay === by) continue
      if (a.segShared[s]) {
        runInside = null
        continue
      }
      ivs.length = 0
      for (let c = start[s]; c < start[s + 1]; c++) {
        const j = candB[c]
        const dx = shifts[candShift[c]]
        const qa = 2 * b.segA[j],
          qb = 2 * b.segB[j]
        if (outwardClip(ax + dx, ay, bx + dx, by, chain.interiorLeft, b.coords[qa], b.coords[qa + 1], b.coords[qb], b.coords[qb + 1], toleranceKm, clip)) {
          ivs.push(clip.t0, clip.t1)
          // A neighbour's edge lying along the whole segment (shared topology) settles it.
          if (clip.t0 <= T_EPS && clip.t1 >= 1 - T_EPS) {
            ivs.length = 0
            ivs.push(0, 1)
            break
          }
        }
      }
      const merged = mergeIntervals(ivs)
      // Walk [0, 1]: covered intervals reset the inside/outside state (b's boundary may cross there);
      // an uncovered gap has one state throughout, so one point-in-polygon answers a whole run.
      let t = 0
      for (let m = 0; m <= merged.length; m += 2) {
        const g0 = t
        const g1 = m < merged.length ? merged[m] : 1
        if (g1 - g0 > T_EPS) {
          if (runInside === null) {
            const tm = (g0 + g1) / 2
            runInside = insideB(ax + (bx - ax) * tm, ay + (by - ay) * tm)
          }
          if (runInside && !acrossIsOwn(a, s, ax, ay, bx, by, chain.interiorLeft, (g0 + g1) / 2)) {
            keep(pieces, s, g0, g1)
          }
        }
        if (m < merged.length) {
          runInside = null
          if (merged[m + 1] - merged[m] > T_EPS) keep(pieces, s, merged[m], merged[m + 1])
          t = merged[m + 1]
        }
      }
    }
    lengthKm += assemble(a, chain.segStart, chain.segEnd, chain.interiorLeft, pieces, lines)
  }
  return { geometry: { type: 'MultiLineString', coordinates: joinAtEnds(lines) }, lengthKm }
}

/**
 * Joins lines where one ends exactly where another starts: every line has a's ground on its left,
 * so the pieces of one front drawn from neighbouring cells of a follow end to start.
 */
function joinAtEnds(lines: Position[][]): Position[][] {
  if (lines.length < 2) return lines
  const key = (p: Position): string => `${p[0]},${p[1]}`
  const byStart = new Map<string, number>()
  lines.forEach((l, i) => {
    if (!isClosed(l)) byStart.set(key(l[0]), i)
  })
  const used = new Uint8Array(lines.length)
  const hasPredecessor = new Uint8Array(lines.length)
  lines.forEach((l) => {
    const next = isClosed(l) ? undefined : byStart.get(key(l[l.length - 1]))
    if (next !== undefined && lines[next] !== l) hasPredecessor[next] = 1
  })
  const out: Position[][] = []
  const follow = (i: number): void => {
    const line = [...lines[i]]
    used[i] = 1
    for (;;) {
      const next = byStart.get(key(line[line.length - 1]))
      if (next === undefined || used[next] || isClosed(lines[next])) break
      used[next] = 1
      for (let k = 1; k < lines[next].length; k++) line.push(lines[next][k])
    }
    out.push(line)
  }
  for (let i = 0; i < lines.length; i++) if (!used[i] && !hasPredecessor[i]) follow(i)
  for (let i = 0; i < lines.length; i++) if (!used[i]) follow(i)
  return out
}

function isClosed(l: Position[]): boolean {
  const a = l[0],
    b = l[l.length - 1]
  return l.length > 2 && a[0] === b[0] && a[1] === b[1]
}

function ringMayBeInside(ring: readonly number[], b: readonly number[], shifts: number[]): boolean {
  return shifts.some((dx) => ring[0] + dx <= b[2] && ring[2] + dx >= b[0] && ring[1] <= b[3] && ring[3] >= b[1])
}

/** Whether the ground just across segment s at fraction t (outward of its polygon) is another of a's polygons. */
function acrossIsOwn(a: PreparedGeometry, s: number, ax: number, ay: number, bx: number, by: number, interiorLeft: boolean, t: number): boolean {
  const k = Math.cos(((ay + by) / 2) * DEG_TO_RAD)
  const ux = (bx - ax) * k
  const uy = by - ay
  const len = Math.hypot(ux, uy)
  if (len === 0) return false
  const stepDeg = ACROSS_KM / (EARTH_RADIUS_KM * DEG_TO_RAD)
  const sign = interiorLeft ? 1 : -1
  const x = ax + (bx - ax) * t + (((sign * uy) / len) * stepDeg) / k
  const y = ay + (by - ay) * t - ((sign * ux) / len) * stepDeg
  const own = a.segPolygon[s]
  return polygonsAt(a, x, y).some((p) => p !== own)
}

/**
 * Per segment of a, the fraction intervals (sorted, merged) lying within `withinKm` of a segment of
 * g, on either side: one join of the two segment trees, then the same rectangle clip that finds the
 * front, once outward and once inward.
 */
function borderIntervals(a: PreparedGeometry, g: PreparedGeometry, withinKm: number): Map<number, number[]> {
  const out = new Map<number, number[]>()
  if (!a.segIndex || !g.segIndex || !a.bbox || !g.bbox || !(withinKm > 0)) return out
  const raw = new Map<number, number[]>()
  const clip = { t0: 0, t1: 0 }
  for (const dx of frameShifts(a.bbox, g.bbox)) {
    joinPairs(a.segIndex, g.segIndex, dx, withinKm, (i, j) => {
      if (a.segPolygon[i] < 0) return
      const pa = 2 * a.segA[i],
        pb = 2 * a.segB[i]
      const qa = 2 * g.segA[j],
        qb = 2 * g.segB[j]
      for (const side of [true, false]) {
        const ax = a.coords[pa] + dx,
          bx = a.coords[pb] + dx
        if (outwardClip(ax, a.coords[pa + 1], bx, a.coords[pb + 1], side, g.coords[qa], g.coords[qa + 1], g.coords[qb], g.coords[qb + 1], withinKm, clip)) {
          let list = raw.get(i)
          if (!list) raw.set(i, (list = []))
          list.push(clip.t0, clip.t1)
        }
      }
    })
  }
  for (const [i, list] of raw) out.set(i, mergeIntervals(list))
  return out
}

/** Adds a piece, extending the previous one when they abut on the same segment. */
function pushPiece(pieces: number[], s: number, t0: number, t1: number): void {
  const n = pieces.length
  if (n >= 3 && pieces[n - 3] === s && t0 - pieces[n - 1] <= T_EPS) {
    if (t1 > pieces[n - 1]) pieces[n - 1] = t1
    return
  }
  pieces.push(s, t0, t1)
}

const NONE: number[] = []

/** Sorts and unions [t0, t1] pairs; returns a new flat list (never to be mutated by callers). */
function mergeIntervals(ivs: number[]): number[] {
  if (ivs.length === 0) return NONE
  if (ivs.length === 2) return [ivs[0], ivs[1]]
  const order: number[] = []
  for (let i = 0; i < ivs.length; i += 2) order.push(i)
  order.sort((p, q) => ivs[p] - ivs[q])
  const out: number[] = []
  for (const i of order) {
    const n = out.length
    if (n > 0 && ivs[i] <= out[n - 1] + T_EPS) {
      if (ivs[i + 1] > out[n - 1]) out[n - 1] = ivs[i + 1]
    } else {
      out.push(ivs[i], ivs[i + 1])
    }
  }
  return out
}

/**
 * Fraction interval of segment a (frame degrees) whose outward perpendicular rays of length
 * `toleranceKm` meet segment q: Liang–Barsky clip of q against the rectangle [0, L] × [0, tol]
 * spanned by a and its outward normal, in a local km plane at a's mean latitude.
 */
function outwardClip(
  ax: number,
  ay: number,
  bx: number,
  by: number,
  interiorLeft: boolean,
  qx0: number,
  qy0: number,
  qx1: number,
  qy1: number,
  toleranceKm: number,
  out: { t0: number; t1: number },
): boolean {
  const ky = EARTH_RADIUS_KM * DEG_TO_RAD
  const kx = ky * Math.cos(((ay + by) / 2) * DEG_TO_RAD)
  let ux = (bx - ax) * kx
  let uy = (by - ay) * ky
  const len = Math.hypot(ux, uy)
  if (len === 0) return false
  ux /= len
  uy /= len
  const nx = interiorLeft ? uy : -uy
  const ny = interiorLeft ? -ux : ux
  const px0 = (qx0 - ax) * kx,
    py0 = (qy0 - ay) * ky
  const px1 = (qx1 - ax) * kx,
    py1 = (qy1 - ay) * ky
  const s0 = px0 * ux + py0 * uy,
    h0 = px0 * nx + py0 * ny
  const s1 = px1 * ux + py1 * uy,
    h1 = px1 * nx + py1 * ny
  // b's edge lying on a's own line is rounding-level off it; accept 1 µm on the inner side.
  const hMin = -1e-9
  const ds = s1 - s0
  const dh = h1 - h0
  clipRange[0] = 0
  clipRange[1] = 1
  if (!clipEdge(-ds, s0) || !clipEdge(ds, len - s0) || !clipEdge(-dh, h0 - hMin) || !clipEdge(dh, toleranceKm - h0)) return false
  const u0 = clipRange[0],
    u1 = clipRange[1]
  const sa = s0 + ds * u0
  const sb = s0 + ds * u1
  out.t0 = Math.max(0, Math.min(sa, sb) / len)
  out.t1 = Math.min(1, Math.max(sa, sb) / len)
  return true
}

const clipRange = new Float64Array(2)

/** One Liang–Barsky boundary p·u ≤ q narrowing clipRange; false when nothing is left. */
function clipEdge(p: number, q: number): boolean {
  if (p === 0) return q >= 0
  const r = q / p
  if (p < 0) {
    if (r > clipRange[1]) return false
    if (r > clipRange[0]) clipRange[0] = r
  } else {
    if (r < clipRange[0]) return false
    if (r < clipRange[1]) clipRange[1] = r
  }
  return true
}

/**
 * Turns a ring's covered pieces into lines (joining across vertices and the ring's seam), each
 * running with a's ground on its left; returns their km.
 */
function assemble(a: PreparedGeometry, segStart: number, segEnd: number, interiorLeft: boolean, pieces: number[], lines: Position[][]): number {
  if (pieces.length === 0) return 0
  const at = (s: number, t: number): Position => {
    const p = 2 * a.segA[s],
      q = 2 * a.segB[s]
    const x = t >= 1 ? a.coords[q] : a.coords[p] + (a.coords[q] - a.coords[p]) * t
    const y = t >= 1 ? a.coords[q + 1] : a.coords[p + 1] + (a.coords[q + 1] - a.coords[p + 1]) * t
    return [x, y]
  }
  const ringLines: { first: number; last: number; coords: Position[] }[] = []
  let cur: { first: number; last: number; coords: Position[] } | null = null
  let prevSeg = -2
  let prevT1 = 0
  for (let i = 0; i < pieces.length; i += 3) {
    const s = pieces[i],
      t0 = pieces[i + 1],
      t1 = pieces[i + 2]
    const joins = cur !== null && t0 <= T_EPS && prevT1 >= 1 - T_EPS && followsInRing(a, prevSeg, s)
    if (!joins || cur === null) {
      cur = { first: s, last: s, coords: [at(s, t0)] }
      ringLines.push(cur)
    }
    cur.coords.push(at(s, t1))
    cur.last = s
    prevSeg = s
    prevT1 = t1
  }
  // The ring's seam: a line running through the closing vertex was started at the ring's first segment.
  if (ringLines.length > 1) {
    const head = ringLines[0]
    const tail = ringLines[ringLines.length - 1]
    if (pieces[1] <= T_EPS && prevT1 >= 1 - T_EPS && followsInRing(a, tail.last, head.first) && head.first === firstLiveSeg(a, segStart, segEnd)) {
      tail.coords.push(...head.coords.slice(1))
      ringLines.shift()
    }
  }
  let km = 0
  for (const l of ringLines) {
    const coords = l.coords.map((p) => [fromFrameLon(p[0]), p[1]])
    if (!interiorLeft) coords.reverse()
    for (let i = 1; i < l.coords.length; i++) {
      km += haversineXYKm(l.coords[i - 1][0], l.coords[i - 1][1], l.coords[i][0], l.coords[i][1])
    }
    lines.push(coords)
  }
  return km
}

/** Whether segment `next` starts where `prev` ends (skipping nothing: consecutive in the ring, or the seam). */
function followsInRing(a: PreparedGeometry, prev: number, next: number): boolean {
  if (prev < 0) return false
  const e = 2 * a.segB[prev],
    f = 2 * a.segA[next]
  return a.coords[e] === a.coords[f] && a.coords[e + 1] === a.coords[f + 1]
}

function firstLiveSeg(a: PreparedGeometry, segStart: number, segEnd: number): number {
  for (let s = segStart; s < segEnd; s++) {
    const p = 2 * a.segA[s],
      q = 2 * a.segB[s]
    if (a.coords[p] !== a.coords[q] || a.coords[p + 1] !== a.coords[q + 1]) return s
  }
  return segStart
}
