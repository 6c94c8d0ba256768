import Flatbush from 'flatbush'
import type { Position } from 'geojson'
import { inSegmentBox, orientation, rayCrossing } from './primitives.js'

/**
 * How two segments meet: `cross` at a point inside both, `overlap` along a stretch of shared line,
 * `touch` at a single point that is an endpoint of at least one of them.
 */
export type IntersectionKind = 'cross' | 'overlap' | 'touch'

/**
 * Two segments of a polygon's rings that meet where a valid polygon may not. Segment `s` of a ring
 * runs from its position `s` to `s + 1`; `at` is the meeting point (the start of the shared stretch
 * for an overlap), [lon, lat], exact for touches and rounded for crossings.
 */
export interface RingIntersection {
  ringA: number
  segA: number
  ringB: number
  segB: number
  at: Position
  kind: IntersectionKind
}

export interface FindSelfIntersectionsOptions {
  /** Stop after this many intersections. */
  maxResults?: number
  /**
   * Give up after comparing this many pairs of segments whose boxes overlap. Real boundaries
   * need a few per segment; long segments fanning out from one area (a star) need about n²/4,
   * which at 100k vertices is minutes of work.
   */
  maxComparisons?: number
}

export interface SelfIntersections {
  intersections: RingIntersection[]
  /** False when maxComparisons ran out: then intersections may be missing. */
  complete: boolean
  comparisons: number
}

/**
 * Where the rings of one polygon cross, overlap or touch in ways a valid (OGC simple) polygon
 * forbids: a ring meeting itself anywhere but between consecutive segments, two rings crossing or
 * sharing an edge, or two rings touching at more than one point. Two rings touching at a single
 * point (a hole's vertex on the shell) is allowed.
 *
 * Rings must be closed, at least 4 positions long and free of consecutive repeats. Planar in the
 * coordinates as given ([lon, lat] degrees): segments are straight lines in lon/lat.
 */
export function findSelfIntersections(rings: readonly (readonly Position[])[], options: FindSelfIntersectionsOptions = {}): SelfIntersections {
  const maxResults = options.maxResults ?? Number.POSITIVE_INFINITY
  const maxComparisons = options.maxComparisons ?? Number.POSITIVE_INFINITY
  const { index, ringOf, segOf, total } = indexSegments(rings)
  const results: RingIntersection[] = []
  let comparisons = 0
  if (total === 0) return { intersections: results, complete: true, comparisons }
  const segCount = rings.map((ring) => ring.length - 1)
  // Ring pair → the first point where they touch; a second distinct point is an error.
  const firstTouch = new Map<string, string>()
  const touches: RingIntersection[] = []
  const touchSeen = new Set<string>()
  // Crossings and overlaps explain the touches found around them, which are then not reported.
  const explainedPoints = new Set<string>()
  const explainedPairs = new Set<string>()

  for (let i = 0; i < total && results.length < maxResults; i++) {
    if (comparisons > maxComparisons) return { intersections: results, complete: false, comparisons }
    const ringA = ringOf[i]
    const segA = segOf[i]
    const a0 = rings[ringA][segA]
    const a1 = rings[ringA][segA + 1]
    const candidates = index.search(Math.min(a0[0], a1[0]), Math.min(a0[1], a1[1]), Math.max(a0[0], a1[0]), Math.max(a0[1], a1[1]), (j) => j > i)
    comparisons += candidates.length
    for (const j of candidates) {
      const ringB = ringOf[j]
      const segB = segOf[j]
      const meeting = intersectSegments(a0, a1, rings[ringB][segB], rings[ringB][segB + 1])
      if (meeting === undefined) continue
      const { kind, at } = meeting
      const pair = `${ringA}:${ringB}`
      if (kind === 'touch') {
        // Consecutive segments always share their common vertex: told before the point's key is made.
        if (ringA === ringB && (segB - segA === 1 || (segA === 0 && segB === segCount[ringA] - 1))) continue
        const point = pointKey(at)
        if (ringA !== ringB) {
          const first = firstTouch.get(pair)
          if (first === undefined) firstTouch.set(pair, point)
          // Two rings meeting at two points cut the polygon's interior apart; one is allowed.
          if (first === undefined || first === point) continue
        }
        // A touch shows up once per pair of segments around the point: keep one per point.
        const seenKey = ringA === ringB ? `${pair}@${point}` : pair
        if (touchSeen.has(seenKey) || touches.length >= maxResults) continue
        touchSeen.add(seenKey)
        touches.push({ ringA, segA, ringB, segB, at, kind })
        continue
      }
      explainedPairs.add(pair)
      explainedPoints.add(pointKey(at))
      if (meeting.to !== undefined) explainedPoints.add(pointKey(meeting.to))
      results.push({ ringA, segA, ringB, segB, at, kind })
      if (results.length >= maxResults) break
    }
  }
  for (const touch of touches) {
    if (results.length >= maxResults) break
    if (explainedPoints.has(pointKey(touch.at))) continue
    if (touch.ringA !== touch.ringB && explainedPairs.has(`${touch.ringA}:${touch.ringB}`)) continue
    results.push(touch)
  }
  return { intersections: results, complete: true, comparisons }
}

function pointKey(point: Position): string {
  return `${point[0]},${point[1]}`
}

/**
 * Indices of the holes (rings 1…n) that lie outside the exterior ring 0. Expects rings that do not
 * cross (check with findSelfIntersections first); a hole touching the shell at one point is inside.
 */
export function findHolesOutsideShell(rings: readonly (readonly Position[])[]): number[] {
  if (rings.length < 2) return []
  const shell = [rings[0]]
  const { index } = indexSegments(shell)
  const outside: number[] = []
  for (let h = 1; h < rings.length; h++) {
    const hole = rings[h]
    // The first vertex not on the shell's boundary decides; a hole shares at most one with it.
    for (let k = 0; k < hole.length - 1; k++) {
      const where = locatePoint(shell[0], index, hole[k])
      if (where === 0) continue
      if (where < 0) outside.push(h)
      break
    }
  }
  return outside
}

/** Where two segments meet; an overlap runs from `at` to `to`. */
export interface SegmentMeeting {
  kind: IntersectionKind
  at: Position
  to?: Position
}

/** How segments p0p1 and q0q1 meet, if they do. Both must have distinct endpoints. */
export function intersectSegments(p0: Position, p1: Position, q0: Position, q1: Position): SegmentMeeting | undefined {
  const dp0 = Math.sign(orientation(q0[0], q0[1], q1[0], q1[1], p0[0], p0[1]))
  const dp1 = Math.sign(orientation(q0[0], q0[1], q1[0], q1[1], p1[0], p1[1]))
  const dq0 = Math.sign(orientation(p0[0], p0[1], p1[0], p1[1], q0[0], q0[1]))
  const dq1 = Math.sign(orientation(p0[0], p0[1], p1[0], p1[1], q1[0], q1[1]))
  if (dp0 * dp1 > 0 || dq0 * dq1 > 0) return undefined
  if (dp0 !== 0 && dp1 !== 0 && dq0 !== 0 && dq1 !== 0) {
    return { kind: 'cross', at: crossingPoint(p0, p1, q0, q1) }
  }
  if (dp0 === 0 && dp1 === 0) return collinearMeeting(p0, p1, q0, q1)
  // Exactly one endpoint lies on the other segment's line, and the signs say it is within reach.
  if (dp0 === 0 && withinBox(p0, q0, q1)) return { kind: 'touch', at: [p0[0], p0[1]] }
  if (dp1 === 0 && withinBox(p1, q0, q1)) return { kind: 'touch', at: [p1[0], p1[1]] }
  if (dq0 === 0 && withinBox(q0, p0, p1)) return { kind: 'touch', at: [q0[0], q0[1]] }
  if (dq1 === 0 && withinBox(q1, p0, p1)) return { kind: 'touch', at: [q1[0], q1[1]] }
  return undefined
}

function collinearMeeting(p0: Position, p1: Position, q0: Position, q1: Position): SegmentMeeting | undefined {
  // Compare along x unless the shared line is vertical; comparisons of coordinates are exact.
  const axis = p0[0] !== p1[0] ? 0 : 1
  const [pLow, pHigh] = p0[axis] <= p1[axis] ? [p0, p1] : [p1, p0]
  const [qLow, qHigh] = q0[axis] <= q1[axis] ? [q0, q1] : [q1, q0]
  const start = pLow[axis] >= qLow[axis] ? pLow : qLow
  const end = pHigh[axis] <= qHigh[axis] ? pHigh : qHigh
  if (start[axis] > end[axis]) return undefined
  if (start[axis] === end[axis]) return { kind: 'touch', at: [start[0], start[1]] }
  return { kind: 'overlap', at: [start[0], start[1]], to: [end[0], end[1]] }
}

function withinBox(point: Position, a: Position, b: Position): boolean {
  return inSegmentBox(point[0], point[1], a[0], a[1], b[0], b[1])
}

function crossingPoint(p0: Position, p1: Position, q0: Position, q1: Position): Position {
  const rx = p1[0] - p0[0]
  const ry = p1[1] - p0[1]
  const sx = q1[0] - q0[0]
  const sy = q1[1] - q0[1]
  const t = ((q0[0] - p0[0]) * sy - (q0[1] - p0[1]) * sx) / (rx * sy - ry * sx)
  return [p0[0] + t * rx, p0[1] + t * ry]
}

function locatePoint(ring: readonly Position[], index: Flatbush, point: Position): -1 | 0 | 1 {
  // Only segments straddling the horizontal line through the point, right of it, can be crossed.
  let inside = false
  for (const s of index.search(point[0], point[1], Math.max(point[0], index.maxX), point[1])) {
    const crossing = rayCrossing(ring[s][0], ring[s][1], ring[s + 1][0], ring[s + 1][1], point[0], point[1])
    if (crossing === 0) return 0
    if (crossing === 1) inside = !inside
  }
  return inside ? 1 : -1
}

function indexSegments(rings: readonly (readonly Position[])[]) {
  let total = 0
  for (const ring of rings) total += Math.max(ring.length - 1, 0)
  // Flatbush refuses an empty index; one dummy box is never searched because total is 0.
  const index = new Flatbush(Math.max(total, 1))
  const ringOf = new Int32Array(total)
  const segOf = new Int32Array(total)
  let item = 0
  for (let r = 0; r < rings.length; r++) {
    const ring = rings[r]
    for (let s = 0; s < ring.length - 1; s++) {
      const a = ring[s]
      const b = ring[s + 1]
      index.add(Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[0], b[0]), Math.max(a[1], b[1]))
      ringOf[item] = r
      segOf[item] = s
      item++
    }
  }
  if (total === 0) index.add(0, 0, 0, 0)
  index.finish()
  return { index, ringOf, segOf, total }
}
