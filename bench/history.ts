import type { Feature, FeatureCollection, LineString, MultiPolygon, Polygon, Position } from 'geojson'
import { prng } from './synthetic.js'

/**
 * Daily control snapshots of a two-sided war, deterministic from a seed (mulberry32, no Math.random).
 *
 * The region [30°E..40°E] × [30°N..35°N] (WGS84 [lon, lat], degrees) is cut into `bands` horizontal
 * bands. Band boundaries are dense x-monotone polylines, jittered in latitude, generated once and
 * shared exactly by the bands on both sides. The front is split at one vertex of every boundary;
 * within band j it runs from boundary j's split vertex to boundary j+1's as a y-monotone jittered
 * polyline (a vertical stub at each end keeps it clear of the jittered boundaries). Actor 'a'
 * (side 'west') holds [west edge, front], actor 'b' (side 'east') holds [front, east edge]. Every
 * `holeEvery`-th b polygon has a hole held by 'a' as an island: a's band polygon and its island are
 * one MultiPolygon, the island ring is the hole ring reversed (shared exactly).
 *
 * Each day a few splits move by a small step (each moves 4 polygons: the two bands on either side
 * of that boundary), so about `changeFraction` of the polygons change from one day to the next;
 * the others are the very same arrays, byte-identical, so the importer carries them on.
 *
 * Why this is valid by construction: boundary rings are x-monotone and live within ±0.1 band height
 * of their nominal latitude; the front's middle lives within [0.2, 0.8] of the band height and its
 * stubs are vertical at the split's longitude, which an x-monotone boundary meets only at the split
 * vertex; the front is y-monotone, so it never crosses itself; fronts stay within 31.5°..38.5°E and
 * holes within 39.1°..39.7°E.
 */
export interface HistoryOptions {
  seed: number
  days: number
  bands: number
  /** about how many vertices one snapshot holds, all polygons together */
  verticesPerSnapshot: number
  /** share of polygons changed from one day to the next (default 0.03) */
  changeFraction?: number
  /** one b band in `holeEvery` gets a hole with an island of a (default 6) */
  holeEvery?: number
  /** day 0, a bare date (default 2023-01-01) */
  start?: string
}

export interface SyntheticDay {
  /** day index from 0 */
  day: number
  /** the bare date the snapshot is for (YYYY-MM-DD), its valid_from */
  date: string
  map: FeatureCollection<Polygon | MultiPolygon, { actor: 'a' | 'b' }>
  /** polygons whose geometry differs from the day before (all of them on day 0) */
  changed: number
  vertices: number
}

export interface SyntheticHistory {
  options: Required<HistoryOptions>
  /** the days in order; each is built when asked for, so a long history needs little memory */
  days(): Generator<SyntheticDay>
  /** vertices per boundary polyline and per front section, as derived from the options */
  boundaryVertices: number
  frontVertices: number
  polygons: number
}

export const REGION = { west: 30, east: 40, south: 30, north: 35 } as const
const DAY_MS = 86_400_000

export function dateOf(start: string, day: number): string {
  return new Date(Date.parse(`${start}T00:00:00Z`) + day * DAY_MS).toISOString().slice(0, 10)
}

export function syntheticHistory(opts: HistoryOptions): SyntheticHistory {
  const o: Required<HistoryOptions> = { changeFraction: 0.03, holeEvery: 6, start: '2023-01-01', ...opts }
  const B = o.bands
  const { west, east, south, north } = REGION
  const h = (north - south) / B
  // Vertices per band ≈ 2 boundaries (split between a and b) + 2 copies of the front (a and b);
  // fronts get a third of a boundary's vertices.
  const holeVertices = o.verticesPerSnapshot > 20_000 ? 64 : 12
  const holes = Math.floor(B / o.holeEvery)
  const perBand = Math.max(40, (o.verticesPerSnapshot - holes * holeVertices * 2) / B)
  const N = Math.max(16, Math.round((perBand * 3) / 8))
  const F = Math.max(4, Math.round(N / 3))
  const rnd = prng(o.seed)
  const dx = (east - west) / (N - 1)

  // Boundaries 0..B; 0 and B are the region's south and north edges (straight).
  const boundaries: Position[][] = []
  for (let j = 0; j <= B; j++) {
    const y0 = south + j * h
    const edge = j === 0 || j === B
    const f = 1 + Math.floor(rnd() * 4)
    const ph = rnd() * Math.PI * 2
    const line: Position[] = []
    for (let k = 0; k < N; k++) {
      const end = k === 0 || k === N - 1
      const x = end ? west + k * dx : west + k * dx + (rnd() - 0.5) * 0.5 * dx
      const y = edge || end ? y0 : y0 + h * (0.07 * Math.sin((2 * Math.PI * f * k) / (N - 1) + ph) + 0.05 * (rnd() - 0.5))
      line.push([round(x), round(y)])
    }
    boundaries.push(line)
  }

  // The split index of every boundary, within 31.5°..38.5°E, starting along a gentle wave.
  const lo = Math.ceil((31.5 - west) / dx)
  const hi = Math.floor((38.5 - west) / dx)
  const waveA = rnd() * Math.PI * 2
  const split: number[] = []
  for (let j = 0; j <= B; j++) {
    const u = j / B
    const x = 34.5 + 1.2 * Math.sin(2 * Math.PI * 1.3 * u + waveA) + 0.4 * Math.sin(2 * Math.PI * 4.1 * u) + 0.2 * (rnd() - 0.5)
    split.push(clamp(Math.round((x - west) / dx), lo, hi))
  }
  const bandPhase = Array.from({ length: B }, () => rnd() * Math.PI * 2)
  const bandFreq = Array.from({ length: B }, () => 1 + Math.floor(rnd() * 3))
  const stepMax = Math.max(1, Math.round(0.06 / dx))

  const hasHole = (j: number) => j % o.holeEvery === Math.floor(o.holeEvery / 2)
  const holeRings: (Position[] | null)[] = []
  for (let j = 0; j < B; j++) {
    if (!hasHole(j)) {
      holeRings.push(null)
      continue
    }
    const cx = 39.4
    const cy = south + (j + 0.5) * h
    const ph = rnd() * Math.PI * 2
    const ring: Position[] = []
    for (let k = 0; k < holeVertices; k++) {
      // Clockwise (a hole); radius within ±15 %, so it stays star-shaped about its centre.
      const ang = -(2 * Math.PI * k) / holeVertices
      const m = 1 + 0.12 * Math.sin(3 * ang + ph) + 0.03 * (rnd() - 0.5)
      ring.push([round(cx + 0.25 * m * Math.cos(ang)), round(cy + 0.25 * h * m * Math.sin(ang))])
    }
    ring.push(ring[0])
    holeRings.push(ring)
  }

  /** The front within band j, without its two ends (the split vertices of the boundaries). */
  const front = (j: number): Position[] => {
    const P = boundaries[j][split[j]]
    const Q = boundaries[j + 1][split[j + 1]]
    const y0 = south + j * h
    const pts: Position[] = [[P[0], round(y0 + 0.2 * h)]]
    const m = F - 2
    const r = prng((o.seed * 7919 + j * 104_729 + split[j] * 31 + split[j + 1]) >>> 0)
    for (let i = 1; i <= m; i++) {
      const u = i / (m + 1)
      const wobble = 0.25 * Math.sin(Math.PI * u) * (0.8 * Math.sin(2 * Math.PI * bandFreq[j] * u + bandPhase[j]) + 0.2 * (r() - 0.5))
      pts.push([round(P[0] + (Q[0] - P[0]) * u + wobble), round(y0 + h * (0.2 + 0.6 * u))])
    }
    pts.push([Q[0], round(y0 + 0.8 * h)])
    return pts
  }

  const bandFeatures = (j: number): Feature<Polygon | MultiPolygon, { actor: 'a' | 'b' }>[] => {
    const bottom = boundaries[j]
    const top = boundaries[j + 1]
    const sb = split[j]
    const st = split[j + 1]
    const mid = front(j)
    // a: bottom west→split, front up, top split→west, then down the west edge (counter-clockwise).
    const aRing = [...bottom.slice(0, sb + 1), ...mid, ...top.slice(0, st + 1).reverse()]
    aRing.push(aRing[0])
    // b: bottom split→east, up the east edge, top east→split, front down (counter-clockwise).
    const bRing = [...bottom.slice(sb), ...top.slice(st).reverse(), ...[...mid].reverse()]
    bRing.push(bRing[0])
    const hole = holeRings[j]
    const aGeometry: Polygon | MultiPolygon = hole
      ? { type: 'MultiPolygon', coordinates: [[aRing], [[...hole].reverse()]] }
      : { type: 'Polygon', coordinates: [aRing] }
    const bGeometry: Polygon = { type: 'Polygon', coordinates: hole ? [bRing, hole] : [bRing] }
    return [
      { type: 'Feature', id: `band-${j}-a`, geometry: aGeometry, properties: { actor: 'a' } },
      { type: 'Feature', id: `band-${j}-b`, geometry: bGeometry, properties: { actor: 'b' } },
    ]
  }
  const countVertices = (f: Feature<Polygon | MultiPolygon>): number =>
    f.geometry.type === 'Polygon'
      ? f.geometry.coordinates.reduce((n, ring) => n + ring.length, 0)
      : f.geometry.coordinates.reduce((n, poly) => n + poly.reduce((m, ring) => m + ring.length, 0), 0)

  const moves = Math.max(1, Math.round((o.changeFraction * B) / 2))
  function* days(): Generator<SyntheticDay> {
    const s0 = [...split]
    const bands = Array.from({ length: B }, (_, j) => bandFeatures(j))
    const events = prng((o.seed ^ 0x5bd1e995) >>> 0)
    try {
      for (let day = 0; day < o.days; day++) {
        const dirty = new Set<number>()
        if (day > 0) {
          for (let e = 0; e < moves; e++) {
            // An interior boundary (the region's south and north edges move too: any of 0..B).
            const j = Math.floor(events() * (B + 1))
            // The west side slowly advances east.
            const dir = events() < 0.6 ? 1 : -1
            const step = dir * (1 + Math.floor(events() * stepMax))
            let next = split[j] + step
            if (next < lo || next > hi) next = split[j] - step
            split[j] = clamp(next, lo, hi)
            if (j > 0) dirty.add(j - 1)
            if (j < B) dirty.add(j)
          }
          for (const j of dirty) bands[j] = bandFeatures(j)
        }
        const features = bands.flat()
        yield {
          day,
          date: dateOf(o.start, day),
          map: { type: 'FeatureCollection', features },
          changed: day === 0 ? features.length : dirty.size * 2,
          vertices: features.reduce((n, f) => n + countVertices(f), 0),
        }
      }
    } finally {
      split.splice(0, split.length, ...s0)
    }
  }

  return { options: o, days, boundaryVertices: N, frontVertices: F, polygons: 2 * B }
}

/** A city's outskirts: a ~5 km wobbly disc at [lon, lat], counter-clockwise, `vertices` vertices. */
export function syntheticCity(center: Position, radiusKm = 5, vertices = 400): Polygon {
  const [cx, cy] = center
  const kLon = 1 / (111.195 * Math.cos((cy * Math.PI) / 180))
  const ring: Position[] = []
  for (let k = 0; k < vertices; k++) {
    const ang = (2 * Math.PI * k) / vertices
    const r = radiusKm * (1 + 0.1 * Math.sin(5 * ang))
    ring.push([round(cx + r * kLon * Math.cos(ang)), round(cy + (r / 111.195) * Math.sin(ang))])
  }
  ring.push(ring[0])
  return { type: 'Polygon', coordinates: [ring] }
}

/** A west–east highway winding across the front, [lon, lat] from `from` to `to`, `vertices` vertices. */
export function syntheticRoad(from: Position = [30.5, 32.2], to: Position = [39.5, 32.9], vertices = 2000): LineString {
  const coordinates: Position[] = []
  for (let k = 0; k < vertices; k++) {
    const u = k / (vertices - 1)
    const lon = from[0] + (to[0] - from[0]) * u
    const lat = from[1] + (to[1] - from[1]) * u + 0.15 * Math.sin(2 * Math.PI * 3 * u) * Math.sin(Math.PI * u)
    coordinates.push([round(lon), round(lat)])
  }
  return { type: 'LineString', coordinates }
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x))
}

function round(x: number): number {
  return Math.round(x * 1e7) / 1e7
}
