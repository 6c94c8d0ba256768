import type { LineString, MultiPolygon, Polygon, Position } from 'geojson'
import type { AreaInput } from '../src/geo/index.js'

/** Deterministic PRNG (mulberry32): same seed, same map, on every machine. */
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

export interface SyntheticOptions {
  /** [minLon, minLat, maxLon, maxLat] of the mapped region, degrees */
  bbox?: [number, number, number, number]
  cols?: number
  rows?: number
  /** vertices per cell edge, ends included */
  pointsPerEdge?: number
  /** cells given a hole whose ground the other side holds */
  holes?: number
  /** cells behind the lines held by the other side */
  enclaves?: number
  /** cells on the front marked contested */
  contested?: number
}

export interface SyntheticTerritory {
  areas: AreaInput[]
  /** longitude of the front line at a latitude, degrees */
  frontLon: (lat: number) => number
  /** a city's outskirts inside government ground, ~6 km radius, 2,000 vertices */
  city: Polygon
  /** cell grid position of each area built from a cell, by key */
  cellOf: Map<string, { col: number; row: number }>
  vertexCount: number
  options: Required<SyntheticOptions>
}

const DEFAULTS: Required<SyntheticOptions> = {
  bbox: [36.0, 35.0, 38.4, 37.0],
  cols: 20,
  rows: 16,
  pointsPerEdge: 90,
  holes: 8,
  enclaves: 4,
  contested: 3,
}

/**
 * Two sides on a gridded region split by a wavy north–south front: opposition west, government
 * east. Every cell is an area; neighbouring cells share their jittered, densified edges exactly
 * (as maps drawn from one topology do); a few cells have holes held by the other side, a few
 * cells behind the lines are enclaves, a few on the front are contested.
 */
export function syntheticTerritory(seed: number, opts: SyntheticOptions = {}): SyntheticTerritory {
  const o = { ...DEFAULTS, ...opts }
  const rnd = prng(seed)
  const [x0, y0, x1, y1] = o.bbox
  const cw = (x1 - x0) / o.cols
  const ch = (y1 - y0) / o.rows
  const phase1 = rnd() * Math.PI * 2
  const phase2 = rnd() * Math.PI * 2
  const frontLon = (lat: number): number => {
    const u = (lat - y0) / (y1 - y0)
    return x0 + (x1 - x0) * (0.5 + 0.12 * Math.sin(2 * Math.PI * 1.3 * u + phase1) + 0.05 * Math.sin(2 * Math.PI * 3.1 * u + phase2))
  }

  // Jittered grid corners; the outer ring stays on the region's edges.
  const corner: Position[][] = []
  for (let i = 0; i <= o.cols; i++) {
    corner.push([])
    for (let j = 0; j <= o.rows; j++) {
      const jx = i === 0 || i === o.cols ? 0 : (rnd() - 0.5) * 0.4 * cw
      const jy = j === 0 || j === o.rows ? 0 : (rnd() - 0.5) * 0.4 * ch
      corner[i].push([x0 + i * cw + jx, y0 + j * ch + jy])
    }
  }
  const edge = (a: Position, b: Position): Position[] => {
    const n = o.pointsPerEdge
    const amp = 0.06
    const f = 1 + Math.floor(rnd() * 3)
    const ph = rnd() * Math.PI * 2
    const pts: Position[] = [a]
    const dx = b[0] - a[0],
      dy = b[1] - a[1]
    for (let k = 1; k < n - 1; k++) {
      const t = k / (n - 1)
      const env = Math.sin(Math.PI * t)
      const off = env * (amp * Math.sin(2 * Math.PI * f * t + ph) + 0.004 * (rnd() - 0.5))
      pts.push([round(a[0] + dx * t - dy * off), round(a[1] + dy * t + dx * off)])
    }
    pts.push(b)
    return pts
  }
  const hEdge: Position[][][] = []
  const vEdge: Position[][][] = []
  for (let i = 0; i <= o.cols; i++) {
    hEdge.push([])
    vEdge.push([])
    for (let j = 0; j <= o.rows; j++) {
      if (i < o.cols) hEdge[i].push(edge(corner[i][j], corner[i + 1][j]))
      if (j < o.rows) vEdge[i].push(edge(corner[i][j], corner[i][j + 1]))
    }
  }
  const cellRing = (i: number, j: number): Position[] => {
    const ring: Position[] = []
    const add = (pts: Position[]): void => {
      for (let k = 0; k < pts.length - 1; k++) ring.push(pts[k])
    }
    add(hEdge[i][j])
    add(vEdge[i + 1][j])
    add([...hEdge[i][j + 1]].reverse())
    add([...vEdge[i][j]].reverse())
    ring.push(ring[0])
    return ring
  }

  type Cell = { col: number; row: number; side: 'opposition' | 'government'; status: 'controlled' | 'contested'; hole: Position[] | null }
  const cells: Cell[] = []
  for (let j = 0; j < o.rows; j++) {
    for (let i = 0; i < o.cols; i++) {
      const cx = (corner[i][j][0] + corner[i + 1][j + 1][0]) / 2
      const cy = (corner[i][j][1] + corner[i + 1][j + 1][1]) / 2
      cells.push({ col: i, row: j, side: cx < frontLon(cy) ? 'opposition' : 'government', status: 'controlled', hole: null })
    }
  }
  const cellAt = (i: number, j: number): Cell | undefined => (i >= 0 && i < o.cols && j >= 0 && j < o.rows ? cells[j * o.cols + i] : undefined)
  const onFront = (c: Cell): boolean =>
    [
      [1, 0],
      [-1, 0],
      [0, 1],
      [0, -1],
    ].some(([di, dj]) => {
      const n = cellAt(c.col + di, c.row + dj)
      return n !== undefined && n.side !== c.side
    })
  const deep = cells.filter(
    (c) =>
      !onFront(c) &&
      [
        [2, 0],
        [-2, 0],
      ].every(([di]) => cellAt(c.col + di, c.row)?.side === c.side),
  )
  const pick = <T>(xs: T[], n: number): T[] => {
    const pool = [...xs]
    const out: T[] = []
    while (out.length < n && pool.length > 0) out.push(pool.splice(Math.floor(rnd() * pool.length), 1)[0])
    return out
  }
  for (const c of pick(deep, o.enclaves)) c.side = c.side === 'opposition' ? 'government' : 'opposition'
  for (const c of pick(cells.filter(onFront), o.contested)) c.status = 'contested'
  for (const c of pick(
    cells.filter((c) => !onFront(c) && c.status === 'controlled'),
    o.holes,
  )) {
    const a = corner[c.col][c.row],
      b = corner[c.col + 1][c.row + 1]
    const cx = (a[0] + b[0]) / 2,
      cy = (a[1] + b[1]) / 2
    const r = 0.12 * Math.min(cw, ch)
    const ring: Position[] = []
    const n = 200
    for (let k = 0; k < n; k++) {
      const ang = -(2 * Math.PI * k) / n
      const rr = r * (1 + 0.15 * Math.sin(5 * ang) + 0.05 * (rnd() - 0.5))
      ring.push([round(cx + (rr * Math.cos(ang)) / Math.cos((cy * Math.PI) / 180)), round(cy + rr * Math.sin(ang))])
    }
    ring.push(ring[0])
    c.hole = ring
  }

  const actorFor = (c: Cell): string => {
    const k = (c.col * 7 + c.row * 3) % 5
    return c.side === 'opposition' ? (k < 3 ? 'hts' : 'sna') : k < 3 ? 'saa' : 'ru'
  }
  const areas: AreaInput[] = []
  const cellOf = new Map<string, { col: number; row: number }>()
  let vertexCount = 0
  const pockets: Record<'opposition' | 'government', Position[][][]> = { opposition: [], government: [] }
  for (const c of cells) {
    const rings = [cellRing(c.col, c.row)]
    if (c.hole) {
      rings.push(c.hole)
      pockets[c.side === 'opposition' ? 'government' : 'opposition'].push([[...c.hole].reverse()])
    }
    const key = `cell-${c.col}-${c.row}`
    const geometry: Polygon = { type: 'Polygon', coordinates: rings }
    vertexCount += rings.reduce((n, r) => n + r.length, 0)
    cellOf.set(key, { col: c.col, row: c.row })
    areas.push(
      c.status === 'contested'
        ? { key, holder: null, side: null, status: 'contested', geometry }
        : { key, holder: actorFor(c), side: c.side, status: 'controlled', geometry },
    )
  }
  for (const side of ['opposition', 'government'] as const) {
    if (pockets[side].length === 0) continue
    const geometry: MultiPolygon = { type: 'MultiPolygon', coordinates: pockets[side] }
    vertexCount += pockets[side].reduce((n, p) => n + p[0].length, 0)
    areas.push({ key: `pockets-${side}`, holder: side === 'opposition' ? 'sna' : 'saa', side, status: 'controlled', geometry })
  }

  // The city sits 15 km east of the front at mid-latitude, inside government ground.
  const cy = (y0 + y1) / 2 + 0.1 * ch
  const kLon = 1 / (111.195 * Math.cos((cy * Math.PI) / 180))
  const cx = frontLon(cy) + 15 * kLon + 6 * kLon
  const city: Position[] = []
  for (let k = 0; k < 2000; k++) {
    const ang = (2 * Math.PI * k) / 2000
    const rKm = 6 * (1 + 0.08 * Math.sin(7 * ang) + 0.01 * (rnd() - 0.5))
    city.push([round(cx + rKm * kLon * Math.cos(ang)), round(cy + (rKm / 111.195) * Math.sin(ang))])
  }
  city.push(city[0])
  return { areas, frontLon, city: { type: 'Polygon', coordinates: [city] }, cellOf, vertexCount, options: o }
}

/**
 * The same map a few days on: `fraction` of the areas changed hands, taken from government cells
 * on the front (the opposition advances), as areas with the same geometry and a new holder.
 */
export function syntheticAdvance(t: SyntheticTerritory, seed: number, fraction = 0.05): AreaInput[] {
  const rnd = prng(seed)
  const opp = new Set(
    t.areas
      .filter((a) => a.side === 'opposition')
      .map((a) => t.cellOf.get(a.key))
      .filter((c) => c)
      .map((c) => `${c!.col},${c!.row}`),
  )
  const frontGov = t.areas.filter((a) => {
    const c = t.cellOf.get(a.key)
    if (!c || a.side !== 'government') return false
    return opp.has(`${c.col - 1},${c.row}`) || opp.has(`${c.col},${c.row - 1}`) || opp.has(`${c.col},${c.row + 1}`)
  })
  const n = Math.max(1, Math.round(t.areas.length * fraction))
  const flip = new Set<string>()
  while (flip.size < Math.min(n, frontGov.length)) flip.add(frontGov[Math.floor(rnd() * frontGov.length)].key)
  return t.areas.map((a) => (flip.has(a.key) ? { ...a, holder: 'hts', side: 'opposition', status: 'controlled' } : a))
}

export interface HighwayOptions {
  /** [lon, lat] where the road starts (south) and ends (north) */
  from?: Position
  to?: Position
  lengthKm?: number
  vertices?: number
  /** east–west swing of the road in degrees of longitude at full amplitude is tuned to hit `lengthKm` */
  wavelengthDeg?: number
}

/**
 * A winding road of about `lengthKm` with `vertices` evenly spaced vertices, running south to
 * north so that it crosses a north–south front several times.
 */
export function syntheticHighway(seed: number, opts: HighwayOptions = {}): LineString {
  const from = opts.from ?? [37.25, 34.85]
  const to = opts.to ?? [37.15, 37.15]
  const lengthKm = opts.lengthKm ?? 400
  const vertices = opts.vertices ?? 4000
  const wavelength = opts.wavelengthDeg ?? 0.55
  const rnd = prng(seed)
  const ph = rnd() * Math.PI * 2
  const trace = (amp: number, n: number): Position[] => {
    const pts: Position[] = []
    for (let k = 0; k < n; k++) {
      const u = k / (n - 1)
      const lat = from[1] + (to[1] - from[1]) * u
      const lon = from[0] + (to[0] - from[0]) * u + amp * Math.sin((2 * Math.PI * (lat - from[1])) / wavelength + ph) * Math.sin(Math.PI * u)
      pts.push([lon, lat])
    }
    return pts
  }
  const len = (pts: Position[]): number => {
    let s = 0
    for (let k = 1; k < pts.length; k++) {
      const dy = (pts[k][1] - pts[k - 1][1]) * 111.195
      const dx = (pts[k][0] - pts[k - 1][0]) * 111.195 * Math.cos((pts[k][1] * Math.PI) / 180)
      s += Math.hypot(dx, dy)
    }
    return s
  }
  let lo = 0,
    hi = 3
  for (let it = 0; it < 50; it++) {
    const mid = (lo + hi) / 2
    if (len(trace(mid, 4000)) < lengthKm) lo = mid
    else hi = mid
  }
  const dense = trace(lo, 20 * vertices)
  // Resample evenly by length, with a little jitter so vertices do not fall on a lattice.
  const cum = [0]
  for (let k = 1; k < dense.length; k++) cum.push(cum[k - 1] + len([dense[k - 1], dense[k]]))
  const total = cum[cum.length - 1]
  const out: Position[] = []
  let k = 0
  for (let v = 0; v < vertices; v++) {
    const target = (total * v) / (vertices - 1)
    while (k < cum.length - 2 && cum[k + 1] < target) k++
    const f = cum[k + 1] > cum[k] ? (target - cum[k]) / (cum[k + 1] - cum[k]) : 0
    const jitter = v === 0 || v === vertices - 1 ? 0 : (rnd() - 0.5) * 0.0002
    out.push([round(dense[k][0] + (dense[k + 1][0] - dense[k][0]) * f + jitter), round(dense[k][1] + (dense[k + 1][1] - dense[k][1]) * f)])
  }
  return { type: 'LineString', coordinates: out }
}

function round(x: number): number {
  return Math.round(x * 1e7) / 1e7
}
