import Flatbush from 'flatbush'
import type { LineString, MultiLineString, Position } from 'geojson'
import { areaIndicesAt, areaRef } from './area-index.js'
import type { AreaInput, AreaRef, PreparedAreas } from './area-index.js'
import { haversineXYKm, unwrapLon } from './geodesic.js'
import { fromFrameLon, toFrameLon } from './primitives.js'
import { frameShifts, joinPairs, ON_SEGMENT_EPS_DEG } from './segment-index.js'

/** A stretch of a route with one set of holders. */
export interface RouteSegment {
  /**
   * who holds the stretch: one area per holder (actor, side and status; the first of its areas the
   * route meets), two or more on a boundary shared by different holders or where they overlap,
   * none on unmapped ground
   */
  holders: AreaRef[]
  /** km from the start of the route (parts of a MultiLineString count on in order) */
  fromKm: number
  toKm: number
  lengthKm: number
  /** index of the route part (LineString of a MultiLineString) the stretch belongs to */
  part: number
  geometry: LineString
}

export interface SegmentedRoute {
  segments: RouteSegment[]
  lengthKm: number
}

/** Stretches shorter than this (1 mm) are rounding slivers at a vertex, not ground. */
const MIN_PIECE_KM = 1e-6

/**
 * Cuts a route ([lon, lat] degrees) at every point where it meets an area boundary and labels each
 * stretch with the holders of the areas it lies in; consecutive stretches with the same holders
 * are merged, so a road crossing from one polygon of an actor into another of the same actor (or
 * running along the edge they share) is one stretch.
 * Boundary crossings come from a join of the route's segments with the areas' segment index and an
 * exact intersection per candidate pair; a stretch along a boundary is bounded by the ends of the
 * collinear overlap, so it is labelled with the areas on both sides.
 */
export function segmentRoute(route: LineString | MultiLineString, areas: PreparedAreas): SegmentedRoute {
  const parts = route.type === 'LineString' ? [route.coordinates] : route.coordinates
  // Route in the areas' longitude frame, each part made continuous across ±180.
  const xs: number[] = []
  const ys: number[] = []
  const partStart: number[] = []
  for (const part of parts) {
    partStart.push(xs.length)
    let prev = NaN
    for (const p of part) {
      let x = toFrameLon(p[0], areas.wrap)
      if (!Number.isNaN(prev)) x = unwrapLon(x, prev)
      xs.push(x)
      ys.push(p[1])
      prev = x
    }
  }
  partStart.push(xs.length)
  const nV = xs.length
  const cumKm = new Float64Array(nV)
  for (let p = 0; p < parts.length; p++) {
    const s = partStart[p]
    if (p > 0 && s > 0) cumKm[s] = cumKm[s - 1]
    for (let i = s + 1; i < partStart[p + 1]; i++) cumKm[i] = cumKm[i - 1] + haversineXYKm(xs[i - 1], ys[i - 1], xs[i], ys[i])
  }
  const totalKm = nV > 0 ? cumKm[nV - 1] : 0

  // Cut parameters as "vertex index + fraction" along the flattened route.
  const cuts: number[] = []
  const segOf: number[] = []
  for (let p = 0; p < parts.length; p++) for (let i = partStart[p]; i < partStart[p + 1] - 1; i++) segOf.push(i)
  // A route unwrapped across ±180 may run past 180 (or below -180) while the areas it meets sit
  // on the other side of their frame: compare in every longitude shift that brings them together.
  let shifts: number[] = [0]
  if (areas.segIndex && areas.bbox && segOf.length > 0) {
    const index = new Flatbush(segOf.length)
    for (const i of segOf) {
      index.add(Math.min(xs[i], xs[i + 1]), Math.min(ys[i], ys[i + 1]), Math.max(xs[i], xs[i + 1]), Math.max(ys[i], ys[i + 1]))
    }
    index.finish()
    shifts = frameShifts([index.minX, index.minY, index.maxX, index.maxY], areas.bbox)
    const { coords, segA, segB, segPolygon } = areas
    const ts: number[] = []
    for (const dx of shifts) {
      joinPairs(index, areas.segIndex, dx, 1e-7, (r, j) => {
        if (segPolygon[j] < 0) return
        const i = segOf[r]
        const qa = 2 * segA[j],
          qb = 2 * segB[j]
        ts.length = 0
        intersectParams(xs[i] + dx, ys[i], xs[i + 1] + dx, ys[i + 1], coords[qa], coords[qa + 1], coords[qb], coords[qb + 1], ts)
        for (const t of ts) cuts.push(i + t)
      })
    }
  }
  cuts.sort((p, q) => p - q)
  const heldAt = (x: number, y: number): number[] => {
    for (const dx of shifts) {
      const held = areaIndicesAt(areas, x + dx, y)
      if (held.length > 0) return held
    }
    return []
  }

  const segments: RouteSegment[] = []
  let c = 0
  for (let p = 0; p < parts.length; p++) {
    const first = partStart[p]
    const last = partStart[p + 1] - 1
    if (last < first) continue
    const bounds: number[] = [first]
    while (c < cuts.length && cuts[c] <= last) {
      const g = cuts[c++]
      if (g > bounds[bounds.length - 1] + 1e-12 && g < last - 1e-12) bounds.push(g)
    }
    bounds.push(last)
    const kmAt = (g: number): number => {
      const i = Math.min(Math.floor(g), last)
      const f = g - i
      return f > 0 ? cumKm[i] + (cumKm[i + 1] - cumKm[i]) * f : cumKm[i]
    }
    // A sliver between two cuts a hair apart joins the stretch after it (the one before, at the end).
    const keep: number[] = [bounds[0]]
    for (let k = 1; k < bounds.length; k++) {
      if (kmAt(bounds[k]) - kmAt(keep[keep.length - 1]) < MIN_PIECE_KM) {
        if (k === bounds.length - 1) {
          if (keep.length > 1) keep[keep.length - 1] = bounds[k]
          else keep.push(bounds[k])
        }
        continue
      }
      keep.push(bounds[k])
    }

    let open: RouteSegment | null = null
    let openKey = ''
    for (let k = 0; k + 1 < keep.length; k++) {
      const g0 = keep[k],
        g1 = keep[k + 1]
      const coordsOut = pieceCoords(xs, ys, g0, g1)
      const [mx, my] = samplePoint(coordsOut)
      const holders = distinctHolders(heldAt(mx, my).map((i) => areas.areas[i]))
      const key = holders.map(holderIdentity).sort().join(',')
      const fromKm = kmAt(g0),
        toKm = kmAt(g1)
      if (open && key === openKey) {
        const line = open.geometry.coordinates
        for (let q = 1; q < coordsOut.length; q++) line.push(coordsOut[q])
        open.toKm = toKm
        open.lengthKm = toKm - open.fromKm
        continue
      }
      open = {
        holders,
        fromKm,
        toKm,
        lengthKm: toKm - fromKm,
        part: p,
        geometry: { type: 'LineString', coordinates: coordsOut },
      }
      openKey = key
      segments.push(open)
    }
  }
  for (const s of segments) s.geometry.coordinates = s.geometry.coordinates.map((q) => [fromFrameLon(q[0]), q[1]])
  return { segments, lengthKm: totalKm }
}

/** Who holds an area, as a stretch is labelled: two areas of one actor with one status are one holder. */
function holderIdentity(a: AreaRef): string {
  return `${a.holder}|${a.side}|${a.status}`
}

/** One area per holder (the first met), in input order. */
function distinctHolders(held: readonly AreaInput[]): AreaRef[] {
  const seen = new Set<string>()
  const out: AreaRef[] = []
  for (const area of held) {
    const identity = holderIdentity(area)
    if (seen.has(identity)) continue
    seen.add(identity)
    out.push(areaRef(area))
  }
  return out
}

/** Positions of the route between two cut parameters (frame longitudes). */
function pieceCoords(xs: number[], ys: number[], g0: number, g1: number): Position[] {
  const at = (g: number): Position => {
    const i = Math.floor(g)
    const f = g - i
    return f > 0 ? [xs[i] + (xs[i + 1] - xs[i]) * f, ys[i] + (ys[i + 1] - ys[i]) * f] : [xs[i], ys[i]]
  }
  const out: Position[] = [at(g0)]
  for (let v = Math.floor(g0) + 1; v < g1; v++) out.push([xs[v], ys[v]])
  out.push(at(g1))
  return out
}

/** Midpoint of the longest leg: the point of a stretch farthest from rounding trouble at its cuts. */
function samplePoint(coords: Position[]): [number, number] {
  let best = 0
  let bestLen = -1
  for (let i = 0; i + 1 < coords.length; i++) {
    const len = Math.abs(coords[i + 1][0] - coords[i][0]) + Math.abs(coords[i + 1][1] - coords[i][1])
    if (len > bestLen) {
      bestLen = len
      best = i
    }
  }
  const a = coords[best],
    b = coords[Math.min(best + 1, coords.length - 1)]
  return [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2]
}

/**
 * Fractions along p0→p1 where it meets q0→q1 (planar in lon/lat, where both are straight): one for
 * a crossing or touch, the two ends of the shared part when they run along each other.
 */
export function intersectParams(p0x: number, p0y: number, p1x: number, p1y: number, q0x: number, q0y: number, q1x: number, q1y: number, out: number[]): void {
  const rx = p1x - p0x,
    ry = p1y - p0y
  const sx = q1x - q0x,
    sy = q1y - q0y
  const rLen = Math.hypot(rx, ry)
  if (rLen === 0) return
  const wx = q0x - p0x,
    wy = q0y - p0y
  const off0 = (rx * wy - ry * wx) / rLen
  const off1 = (rx * (q1y - p0y) - ry * (q1x - p0x)) / rLen
  const eps = ON_SEGMENT_EPS_DEG
  if (Math.abs(off0) <= eps && Math.abs(off1) <= eps) {
    const r2 = rLen * rLen
    const t0 = (wx * rx + wy * ry) / r2
    const t1 = ((q1x - p0x) * rx + (q1y - p0y) * ry) / r2
    const lo = Math.max(0, Math.min(t0, t1))
    const hi = Math.min(1, Math.max(t0, t1))
    if (lo <= hi) {
      out.push(lo)
      if (hi > lo) out.push(hi)
    }
    return
  }
  const denom = rx * sy - ry * sx
  if (denom === 0) return
  const t = (wx * sy - wy * sx) / denom
  const u = (wx * ry - wy * rx) / denom
  const tEps = eps / rLen
  const sLen = Math.hypot(sx, sy)
  const uEps = sLen > 0 ? eps / sLen : 0
  if (t >= -tEps && t <= 1 + tEps && u >= -uEps && u <= 1 + uEps) out.push(t < 0 ? 0 : t > 1 ? 1 : t)
}

export interface RouteSeverance {
  /** true when some stretch is held by another side, contested, or on a boundary shared with another side */
  severed: boolean
  /** where the route enters each run of such stretches from open ground or its start */
  cutPoints: Position[]
  /** km per side id (an actor without a side is its own side) plus 'contested'; a stretch held by several sides is split evenly */
  kmBySide: Record<string, number>
  /** km on no mapped area: reported, never a cut */
  unmappedKm: number
}

/** The side an area counts for: 'contested', its side, or its holder when it has no side. */
export function sideOf(a: AreaRef): string {
  if (a.status === 'contested') return 'contested'
  return a.side ?? a.holder ?? 'unknown'
}

/**
 * Whether `ownerSide` can travel the route end to end on its own ground. Unmapped stretches are not
 * cuts (maps leave ground blank for lack of knowledge, not because someone else holds it).
 */
export function routeSeverance(segments: readonly RouteSegment[], ownerSide: string): RouteSeverance {
  const kmBySide: Record<string, number> = {}
  const cutPoints: Position[] = []
  let unmappedKm = 0
  let severed = false
  let inCut = false
  let part = -1
  for (const s of segments) {
    if (s.part !== part) {
      part = s.part
      inCut = false
    }
    const sides = [...new Set(s.holders.map(sideOf))]
    if (sides.length === 0) {
      unmappedKm += s.lengthKm
      inCut = false
      continue
    }
    for (const side of sides) kmBySide[side] = (kmBySide[side] ?? 0) + s.lengthKm / sides.length
    const cut = sides.some((side) => side !== ownerSide)
    if (cut && s.lengthKm > 0) {
      severed = true
      if (!inCut) cutPoints.push(s.geometry.coordinates[0])
    }
    inCut = cut
  }
  return { severed, cutPoints, kmBySide, unmappedKm }
}
