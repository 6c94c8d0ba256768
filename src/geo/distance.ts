import type { Position } from 'geojson'
import { DEG_TO_RAD, haversineXYKm, kmToHav } from './geodesic.js'
import { fromFrameLon, orientation } from './primitives.js'
import { frameShifts, nearestPairSearch, polygonsAt } from './segment-index.js'
import type { NearestState, PreparedGeometry } from './segment-index.js'

/** The closest approach of two geometries: `from` lies on the first, `to` on the second. */
export interface NearestPair {
  distanceKm: number
  from: Position
  to: Position
  /** true when the geometries meet: boundaries cross or touch, or one lies inside the other */
  overlaps: boolean
}

/** Distances below this (1 µm) are rounding noise of a touch and reported as 0. */
const TOUCH_KM = 1e-9

/**
 * Shortest great-circle distance in km between two prepared geometries of any type (WGS84,
 * [lon, lat]); 0 with `overlaps: true` when they intersect, touch or one contains the other.
 * Null when either side is empty (e.g. a side that holds no ground at that date).
 */
export function distanceKm(a: PreparedGeometry, b: PreparedGeometry): NearestPair | null {
  if (!a.bbox || !b.bbox || !a.segIndex || !b.segIndex) return null
  const shifts = frameShifts(a.bbox, b.bbox)

  // A geometry wholly inside a polygon of the other has no crossing segments; one vertex per ring,
  // line or point decides it, since without crossings a component is all inside or all outside.
  for (const dx of shifts) {
    const inB = firstVertexInside(a, b, dx)
    if (inB) return overlapAt([fromFrameLon(inB[0]), inB[1]])
    const inA = firstVertexInside(b, a, -dx)
    if (inA) return overlapAt([fromFrameLon(inA[0]), inA[1]])
  }

  // Index both sides' segments and search pairs best-first: a scan of every vertex against every
  // segment is quadratic (minutes on 100k-vertex territories), and checking only a's vertices
  // against b's segments would miss b's vertex nearest to the middle of a's segment.
  const state: NearestState = { bestHav: Infinity }
  let best: NearestPair | null = null
  const seg = { km: 0, fx: 0, fy: 0, tx: 0, ty: 0 }
  for (const dx of shifts) {
    const { coords: ca, segA: a0, segB: a1 } = a
    const { coords: cb, segA: b0, segB: b1 } = b
    nearestPairSearch(a.segIndex, b.segIndex, dx, state, (i, j) => {
      const p = 2 * a0[i],
        q = 2 * a1[i],
        r = 2 * b0[j],
        s = 2 * b1[j]
      segmentToSegment(ca[p] + dx, ca[p + 1], ca[q] + dx, ca[q + 1], cb[r], cb[r + 1], cb[s], cb[s + 1], seg)
      const hav = kmToHav(seg.km)
      if (hav < state.bestHav || best === null) {
        state.bestHav = seg.km <= TOUCH_KM ? 0 : hav
        best = {
          distanceKm: seg.km <= TOUCH_KM ? 0 : seg.km,
          from: [fromFrameLon(seg.fx - dx), seg.fy],
          to: [fromFrameLon(seg.tx), seg.ty],
          overlaps: seg.km <= TOUCH_KM,
        }
      }
    })
    if (state.bestHav === 0) break
  }
  return best
}

function overlapAt(p: Position): NearestPair {
  return { distanceKm: 0, from: p, to: [p[0], p[1]], overlaps: true }
}

function firstVertexInside(inner: PreparedGeometry, outer: PreparedGeometry, dx: number): [number, number] | null {
  if (!outer.polyIndex || !outer.bbox) return null
  const [minX, minY, maxX, maxY] = outer.bbox
  for (const chain of inner.chains) {
    if (chain.segEnd === chain.segStart) continue
    const v = 2 * inner.segA[chain.segStart]
    const x = inner.coords[v] + dx
    const y = inner.coords[v + 1]
    if (x < minX || x > maxX || y < minY || y > maxY) continue
    if (polygonsAt(outer, x, y).length > 0) return [x, y]
  }
  return null
}

let footX = 0
let footY = 0

/** Foot of the perpendicular from p on segment s in the local plane (lon scaled by k), into footX/footY. */
function foot(px: number, py: number, sx0: number, sy0: number, sx1: number, sy1: number, k: number): void {
  const dx = (sx1 - sx0) * k
  const dy = sy1 - sy0
  const len2 = dx * dx + dy * dy
  let t = len2 > 0 ? ((px - sx0) * k * dx + (py - sy0) * dy) / len2 : 0
  t = t < 0 ? 0 : t > 1 ? 1 : t
  footX = t === 1 ? sx1 : sx0 + (sx1 - sx0) * t
  footY = t === 1 ? sy1 : sy0 + (sy1 - sy0) * t
}

/**
 * Closest points of two straight lon/lat segments in one longitude frame. Crossing segments meet at
 * distance 0; otherwise the closest pair involves an endpoint of one of them, so the four
 * endpoint-to-segment feet (found in a plane scaled at the mean latitude) are measured by haversine
 * and the shortest wins; comparing them in the plane would ignore converging meridians.
 */
export function segmentToSegment(
  ax0: number,
  ay0: number,
  ax1: number,
  ay1: number,
  bx0: number,
  by0: number,
  bx1: number,
  by1: number,
  out: { km: number; fx: number; fy: number; tx: number; ty: number },
): void {
  const d1 = orientation(bx0, by0, bx1, by1, ax0, ay0)
  const d2 = orientation(bx0, by0, bx1, by1, ax1, ay1)
  if ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) {
    const d3 = orientation(ax0, ay0, ax1, ay1, bx0, by0)
    const d4 = orientation(ax0, ay0, ax1, ay1, bx1, by1)
    if ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)) {
      const t = d1 / (d1 - d2)
      const x = ax0 + (ax1 - ax0) * t
      const y = ay0 + (ay1 - ay0) * t
      out.km = 0
      out.fx = x
      out.fy = y
      out.tx = x
      out.ty = y
      return
    }
  }
  const k = Math.cos((ay0 + ay1 + by0 + by1) * 0.25 * DEG_TO_RAD)
  foot(ax0, ay0, bx0, by0, bx1, by1, k)
  let best = haversineXYKm(ax0, ay0, footX, footY)
  let fx = ax0,
    fy = ay0,
    tx = footX,
    ty = footY
  foot(ax1, ay1, bx0, by0, bx1, by1, k)
  let d = haversineXYKm(ax1, ay1, footX, footY)
  if (d < best) {
    best = d
    fx = ax1
    fy = ay1
    tx = footX
    ty = footY
  }
  foot(bx0, by0, ax0, ay0, ax1, ay1, k)
  d = haversineXYKm(footX, footY, bx0, by0)
  if (d < best) {
    best = d
    fx = footX
    fy = footY
    tx = bx0
    ty = by0
  }
  foot(bx1, by1, ax0, ay0, ax1, ay1, k)
  d = haversineXYKm(footX, footY, bx1, by1)
  if (d < best) {
    best = d
    fx = footX
    fy = footY
    tx = bx1
    ty = by1
  }
  out.km = best
  out.fx = fx
  out.fy = fy
  out.tx = tx
  out.ty = ty
}
