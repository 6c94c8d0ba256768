// Shapes whose distances, lengths and areas are known by construction, and an independent
// great-circle formula to check the engine against (never the engine's own output).
import type { MultiPolygon, Polygon, Position } from 'geojson'
import type { AreaInput } from '../../src/geo/index.js'

export const R_KM = 6371.0088

/** Great-circle distance in km from unit vectors (atan2 of |a×b| and a·b): no haversine involved. */
export function greatCircleKm(a: Position, b: Position): number {
  const r = Math.PI / 180
  const v = (p: Position) => [Math.cos(p[1] * r) * Math.cos(p[0] * r), Math.cos(p[1] * r) * Math.sin(p[0] * r), Math.sin(p[1] * r)]
  const [x, y] = [v(a), v(b)]
  const cross = [x[1] * y[2] - x[2] * y[1], x[2] * y[0] - x[0] * y[2], x[0] * y[1] - x[1] * y[0]]
  return R_KM * Math.atan2(Math.hypot(...cross), x[0] * y[0] + x[1] * y[1] + x[2] * y[2])
}

/** Km along a meridian for a latitude difference in degrees. */
export const meridianKm = (dLatDeg: number): number => (R_KM * Math.PI * dLatDeg) / 180

/** [passes, message] for t.ok: `got` within a relative tolerance `rel` of `want`. */
export function within(got: number, want: number, rel: number): [boolean, string] {
  return [Math.abs(got - want) <= rel * Math.abs(want), `${got} ≈ ${want} (±${rel * 100}%)`]
}

/** Axis-aligned lon/lat rectangle, counter-clockwise (RFC 7946 exterior). */
export function rect(x0: number, y0: number, w: number, h = w): Position[] {
  return [
    [x0, y0],
    [x0 + w, y0],
    [x0 + w, y0 + h],
    [x0, y0 + h],
    [x0, y0],
  ]
}

/** The lon/lat rectangle between two corners (lon1 < lon2, lat1 < lat2), counter-clockwise. */
export function box(lon1: number, lat1: number, lon2: number, lat2: number): Polygon {
  return {
    type: 'Polygon',
    coordinates: [
      [
        [lon1, lat1],
        [lon2, lat1],
        [lon2, lat2],
        [lon1, lat2],
        [lon1, lat1],
      ],
    ],
  }
}

export function square(x0: number, y0: number, w: number, h = w): Polygon {
  return { type: 'Polygon', coordinates: [rect(x0, y0, w, h)] }
}

/** A ring of `n` vertices at `radiusKm` great-circle distance from `center` (exact destination formula). */
export function circleRing(center: Position, radiusKm: number, n: number, clockwise = false): Position[] {
  const r = Math.PI / 180
  const d = radiusKm / R_KM
  const lat1 = center[1] * r,
    lon1 = center[0] * r
  const ring: Position[] = []
  for (let i = 0; i < n; i++) {
    const brg = ((clockwise ? 1 : -1) * 2 * Math.PI * i) / n
    const lat2 = Math.asin(Math.sin(lat1) * Math.cos(d) + Math.cos(lat1) * Math.sin(d) * Math.cos(brg))
    const lon2 = lon1 + Math.atan2(Math.sin(brg) * Math.sin(d) * Math.cos(lat1), Math.cos(d) - Math.sin(lat1) * Math.sin(lat2))
    ring.push([lon2 / r, lat2 / r])
  }
  ring.push(ring[0])
  return ring
}

export function area(key: string, side: string | null, geometry: Polygon | MultiPolygon, status: 'controlled' | 'contested' = 'controlled'): AreaInput {
  return { key, holder: status === 'contested' ? null : key, side, status, geometry }
}

/** Deterministic PRNG for property tests (mulberry32). */
export function prng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
