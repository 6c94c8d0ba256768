// The two histories the PostGIS comparison (bench/postgis.ts) loads into Frontline and into PostGIS,
// generated deterministically in both processes: the same snapshots, byte for byte.
//
// - `union`: the traits of the DeepState daily map — ONE large MultiPolygon (a front of a few
//   thousand vertices, a few islands, a pocket) held by one actor, redrawn every day with a small
//   change (a few bulges of the front moving by hundreds of metres). Every day is a new row.
// - `bands`: the many-polygon synthetic history of bench/history.ts (two sides, shared edges,
//   islands; about 3 % of the polygons change a day, the rest carried on).
import type { Feature, FeatureCollection, LineString, MultiPolygon, Polygon, Position } from 'geojson'
import { dateOf, syntheticCity, syntheticHistory, syntheticRoad } from './history.js'
import { prng } from './synthetic.js'

export const START = '2023-01-01'

export interface Snapshot {
  date: string
  map: FeatureCollection<Polygon | MultiPolygon, { actor: string }>
}

export interface BenchDataset {
  id: string
  title: string
  days: number
  actors: { id: string; side: string }[]
  snapshots(): Generator<Snapshot>
  /** the side and feature of the distance question */
  distance: { side: string; feature: string }
  /** the side whose change is compared */
  sides: string[]
}

export interface UnionOptions {
  seed: number
  days: number
  /** vertices of the front line (the MultiPolygon has ~10 % more) */
  frontVertices: number
}

/**
 * One actor's ground east of a wavy north–south front across [30.2°N, 34.8°N], out to 40°E, with a
 * pocket it does not hold (a hole) and four islands west of the front. The front is y-monotone
 * (fixed latitudes), so moving its vertices east or west never makes it cross itself; it stays
 * within 34°E..38°E, clear of the islands (≤ 33.2°E) and the pocket (≥ 39.3°E). Each day one to
 * three bulges (20–200 vertices wide, up to ±0.03°) move it; the eastern actor advances on balance.
 */
export function* unionHistory(o: UnionOptions): Generator<Snapshot> {
  const rnd = prng(o.seed)
  const n = o.frontVertices
  const south = 30.2
  const north = 34.8
  const ys: number[] = []
  const xs: number[] = []
  const ph1 = rnd() * Math.PI * 2
  const ph2 = rnd() * Math.PI * 2
  for (let i = 0; i < n; i++) {
    const u = i / (n - 1)
    ys.push(south + (north - south) * u + (i === 0 || i === n - 1 ? 0 : (rnd() - 0.5) * 0.3 * ((north - south) / (n - 1))))
    xs.push(36 + 1.1 * Math.sin(2 * Math.PI * 1.4 * u + ph1) + 0.35 * Math.sin(2 * Math.PI * 5.3 * u + ph2) + 0.01 * (rnd() - 0.5))
  }
  const disc = (cx: number, cy: number, r: number, k: number, clockwise: boolean): Position[] => {
    const ring: Position[] = []
    for (let j = 0; j < k; j++) {
      const ang = ((clockwise ? -1 : 1) * (2 * Math.PI * j)) / k
      const rr = r * (1 + 0.12 * Math.sin(3 * ang) + 0.04 * (rnd() - 0.5))
      ring.push([round(cx + (rr * Math.cos(ang)) / Math.cos((cy * Math.PI) / 180)), round(cy + rr * Math.sin(ang))])
    }
    ring.push(ring[0])
    return ring
  }
  const pocket = disc(39.6, 31.0, 0.12, 60, true)
  const islands = [
    [32.6, 30.8],
    [32.9, 31.9],
    [32.4, 33.6],
    [32.8, 34.3],
  ].map(([cx, cy]) => disc(cx, cy, 0.15, 40, false))
  const events = prng((o.seed ^ 0x9e3779b9) >>> 0)
  for (let day = 0; day < o.days; day++) {
    if (day > 0) {
      const bulges = 1 + Math.floor(events() * 3)
      for (let b = 0; b < bulges; b++) {
        const c = Math.floor(events() * n)
        const w = 10 + Math.floor(events() * 90)
        const a = (events() < 0.65 ? -1 : 1) * (0.005 + 0.025 * events())
        for (let i = Math.max(1, c - w); i <= Math.min(n - 2, c + w); i++) {
          const t = (i - c) / w
          xs[i] = Math.min(38, Math.max(34, xs[i] + a * Math.cos((Math.PI * t) / 2) ** 2))
        }
      }
    }
    // Counter-clockwise: up the east edge, west along the top, down the front, east along the bottom.
    const outer: Position[] = [
      [40, south],
      [40, north],
    ]
    for (let i = n - 1; i >= 0; i--) outer.push([round(xs[i]), round(ys[i])])
    outer.push([40, south])
    const geometry: MultiPolygon = { type: 'MultiPolygon', coordinates: [[outer, pocket], ...islands.map((ring) => [ring])] }
    const feature: Feature<MultiPolygon, { actor: string }> = { type: 'Feature', id: 'occupied', geometry, properties: { actor: 'occ' } }
    yield { date: dateOf(START, day), map: { type: 'FeatureCollection', features: [feature] } }
  }
}

export const UNION_DAYS = 60
export const BANDS_DAYS = 40

export const DATASETS: BenchDataset[] = [
  {
    id: 'union',
    title: `DeepState-like union: 1 MultiPolygon, ~3,300 vertices, redrawn daily, ${UNION_DAYS} days`,
    days: UNION_DAYS,
    actors: [{ id: 'occ', side: 'east' }],
    snapshots: () => unionHistory({ seed: 21, days: UNION_DAYS, frontVertices: 3000 }),
    distance: { side: 'east', feature: 'town' },
    sides: ['east'],
  },
  {
    id: 'bands',
    title: `many-polygon synthetic (bench/history.ts): 120 polygons, ~20k vertices, ~3 % changed daily, ${BANDS_DAYS} days`,
    days: BANDS_DAYS,
    actors: [
      { id: 'a', side: 'west' },
      { id: 'b', side: 'east' },
    ],
    snapshots: function* () {
      for (const day of syntheticHistory({ seed: 13, bands: 60, verticesPerSnapshot: 20_000, days: BANDS_DAYS, start: START }).days())
        yield { date: day.date, map: day.map }
    },
    distance: { side: 'west', feature: 'city' },
    sides: ['west', 'east'],
  },
]

/** Reference features of every dataset: a city in eastern ground, a town in the west, a highway across the front (owner east). */
export function referenceFeatures(): FeatureCollection<Polygon | LineString> {
  return {
    type: 'FeatureCollection',
    features: [
      { type: 'Feature', id: 'city', geometry: syntheticCity([39.0, 32.47]), properties: { kind: 'city', name: 'Synthetic city' } },
      { type: 'Feature', id: 'town', geometry: syntheticCity([31.0, 32.47], 3, 200), properties: { kind: 'town', name: 'Synthetic town' } },
      { type: 'Feature', id: 'highway', geometry: syntheticRoad(), properties: { kind: 'highway', name: 'Synthetic highway', owner_side: 'east' } },
    ],
  }
}

/** `count` points over the region, seeded: the "who holds a point" questions. */
export function probePoints(count: number, seed = 77): [number, number][] {
  const rnd = prng(seed)
  return Array.from({ length: count }, () => [round(30.05 + 9.9 * rnd()), round(30.05 + 4.9 * rnd())] as [number, number])
}

/** Noon of day `day`: an instant well inside that day's interval. */
export const noon = (day: number): string => `${dateOf(START, day)}T12:00:00Z`

function round(x: number): number {
  return Math.round(x * 1e7) / 1e7
}
