import type { Position } from 'geojson'

/** Mean Earth radius in km (IUGG), the sphere Turf measures on. */
export const EARTH_RADIUS_KM = 6371.0088

export const DEG_TO_RAD = Math.PI / 180
export const RAD_TO_DEG = 180 / Math.PI

/** Great-circle distance in km between two [lon, lat] positions in degrees. */
export function haversineKm(a: Position, b: Position): number {
  return haversineXYKm(a[0], a[1], b[0], b[1])
}

/** `haversineKm` on bare numbers (lon, lat in degrees); longitudes may be offset by any multiple of 360. */
export function haversineXYKm(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const sinDLat = Math.sin((lat2 - lat1) * DEG_TO_RAD * 0.5)
  const sinDLon = Math.sin((lon2 - lon1) * DEG_TO_RAD * 0.5)
  const h = sinDLat * sinDLat + Math.cos(lat1 * DEG_TO_RAD) * Math.cos(lat2 * DEG_TO_RAD) * sinDLon * sinDLon
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)))
}

/** Haversine of the central angle of a distance in km: the monotone key distance searches compare. */
export function kmToHav(km: number): number {
  const s = Math.sin(Math.min(Math.PI, km / EARTH_RADIUS_KM) * 0.5)
  return s * s
}

/** Longitude brought into [-180, 180] degrees. */
export function normalizeLon(lon: number): number {
  if (lon >= -180 && lon <= 180) return lon
  const l = ((((lon + 180) % 360) + 360) % 360) - 180
  return l === -180 && lon > 0 ? 180 : l
}

/** Result slot reused by the hot loops to avoid allocating a tuple per call. */
export interface NearestXY {
  x: number
  y: number
  t: number
  distanceKm: number
}

/**
 * Nearest point to (px, py) on the straight lon/lat segment (ax, ay)–(bx, by), written into `out`.
 * Segments are straight in lon/lat (as in Turf and GeoJSON renderers); the foot of the perpendicular
 * is found in an equirectangular projection scaled at the mean latitude of the three points, then
 * the distance is measured by haversine, so the reported km are a true distance to a true point
 * of the segment and err by far less than 0.1% for segments up to ~50 km.
 * Longitudes must already be in one continuous frame (no ±180 jump between the three points).
 */
export function nearestOnSegmentXY(px: number, py: number, ax: number, ay: number, bx: number, by: number, out: NearestXY): NearestXY {
  const k = Math.cos((Math.min(ay, by, py) + Math.max(ay, by, py)) * 0.5 * DEG_TO_RAD)
  const dx = (bx - ax) * k
  const dy = by - ay
  const len2 = dx * dx + dy * dy
  let t = 0
  if (len2 > 0) {
    t = ((px - ax) * k * dx + (py - ay) * dy) / len2
    t = t < 0 ? 0 : t > 1 ? 1 : t
  }
  const x = t === 1 ? bx : ax + (bx - ax) * t
  const y = t === 1 ? by : ay + (by - ay) * t
  out.x = x
  out.y = y
  out.t = t
  out.distanceKm = haversineXYKm(px, py, x, y)
  return out
}

/** Longitude of `lon` moved by ±360 so that it lies within 180 degrees of `ref`. */
export function unwrapLon(lon: number, ref: number): number {
  let l = lon
  while (l - ref > 180) l -= 360
  while (l - ref < -180) l += 360
  return l
}

/**
 * Nearest point to `p` on the segment a–b, with its great-circle distance in km and the fraction
 * `t` in [0, 1] along a→b. Positions are [lon, lat] degrees; a segment crossing ±180 is handled.
 */
export function nearestOnSegment(p: Position, a: Position, b: Position): { point: Position; distanceKm: number; t: number } {
  const ax = a[0]
  const bx = unwrapLon(b[0], ax)
  const px = unwrapLon(p[0], (ax + bx) / 2)
  const r = nearestOnSegmentXY(px, p[1], ax, a[1], bx, b[1], { x: 0, y: 0, t: 0, distanceKm: 0 })
  return { point: [normalizeLon(r.x), r.y], distanceKm: r.distanceKm, t: r.t }
}

/** Length in km of a polyline of [lon, lat] positions, each leg measured as a great circle. */
export function lengthKm(line: Position[]): number {
  let total = 0
  for (let i = 1; i < line.length; i++) total += haversineKm(line[i - 1], line[i])
  return total
}
