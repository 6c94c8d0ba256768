// Geometry engine benchmark: real-size synthetic inputs, each analysis timed cold (structures
// prepared inside the timing) and warm (prepared once, as the service caches them per revision),
// against the straightforward Turf implementation of the same question measured in this run.
// Printing only. Run: npx tsx bench/analysis.ts
import os from 'node:os'
import {
  booleanPointInPolygon,
  difference,
  featureCollection,
  length as turfLength,
  lineOverlap,
  lineSplit,
  lineString,
  point,
  pointToLineDistance,
  polygon,
  polygonToLine,
  union,
  feature,
  along,
} from '@turf/turf'
import type { Feature, LineString, MultiPolygon, Polygon, Position } from 'geojson'
import {
  distanceKm,
  frontLines,
  prepareAreas,
  preparedGeometry,
  prepareTerritory,
  routeSeverance,
  segmentRoute,
  territoryChange,
  unionPolygons,
} from '../src/geo/index.js'
import { median } from './common.js'
import { prng, syntheticAdvance, syntheticHighway, syntheticTerritory } from './synthetic.js'

const COLD_RUNS = 5
const WARM_RUNS = 21

function timeMs(runs: number, fn: () => unknown): number {
  const ts: number[] = []
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    fn()
    ts.push(performance.now() - t0)
  }
  return median(ts)
}

const fmt = (ms: number): string => (ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 10 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(2)} ms`)
const ratio = (base: number, ours: number): string => `${Math.round(base / ours).toLocaleString('en')}×`

// ---------- inputs ----------
const t0 = performance.now()
const territory = syntheticTerritory(42)
const opposition = territory.areas.filter((a) => a.side === 'opposition')
const government = territory.areas.filter((a) => a.side === 'government')
const highway = syntheticHighway(7)
const nextDate = syntheticAdvance(territory, 3, 0.05)
const changed = nextDate.filter((a, i) => a !== territory.areas[i]).length
const oppBefore = opposition.map((a) => a.geometry)
const oppAfter = nextDate.filter((a) => a.side === 'opposition').map((a) => a.geometry)
const verts = (gs: (Polygon | MultiPolygon)[]) =>
  gs.reduce((n, g) => n + (g.type === 'Polygon' ? [g.coordinates] : g.coordinates).flat().reduce((m, r) => m + r.length, 0), 0)
console.log(`machine: ${os.cpus()[0]?.model ?? 'unknown cpu'}, node ${process.version}, ${os.platform()} ${os.arch()}`)
console.log(
  `inputs (seeded, built in ${fmt(performance.now() - t0)}): ${territory.areas.length} areas, ${territory.vertexCount.toLocaleString('en')} vertices ` +
    `(opposition ${opposition.length} areas / ${verts(oppBefore).toLocaleString('en')} vertices, government ${government.length} / ${verts(government.map((a) => a.geometry)).toLocaleString('en')}, ` +
    `${territory.areas.length - opposition.length - government.length} contested); city polygon ${territory.city.coordinates[0].length} vertices; ` +
    `highway ${highway.coordinates.length} vertices; second date: ${changed} of ${territory.areas.length} areas changed hands`,
)
console.log('')

interface Row {
  analysis: string
  coldMs: number
  warmMs: number
  baselineMs: number
  baselineHow: string
  answer: string
  target: string
}
const rows: Row[] = []

// ---------- 1. distance: opposition territory → city polygon ----------
{
  const city = territory.city
  let answer = ''
  const coldMs = timeMs(COLD_RUNS, () => distanceKm(prepareAreas(opposition), preparedGeometry(city)))
  const pOpp = prepareAreas(opposition)
  const pCity = preparedGeometry(city)
  const warmMs = timeMs(WARM_RUNS, () => {
    const r = distanceKm(pOpp, pCity)!
    answer = `${r.distanceKm.toFixed(3)} km`
  })
  // Baseline: every vertex of each side against every segment of the other, via
  // turf.pointToLineDistance on each ring. Run on a seeded sample of vertices, extrapolated linearly.
  const rings = (g: Polygon | MultiPolygon): Position[][] => (g.type === 'Polygon' ? g.coordinates : g.coordinates.flat())
  const oppRings = opposition.flatMap((a) => rings(a.geometry))
  const cityRings = rings(city)
  const oppLines = oppRings.map((r) => lineString(r))
  const cityLines = cityRings.map((r) => lineString(r))
  const oppVerts = oppRings.flat()
  const cityVerts = cityRings.flat()
  const rnd = prng(99)
  const sampleA = Array.from({ length: 100 }, () => oppVerts[Math.floor(rnd() * oppVerts.length)])
  const sampleB = Array.from({ length: 5 }, () => cityVerts[Math.floor(rnd() * cityVerts.length)])
  const tA = performance.now()
  let sink = Infinity
  for (const v of sampleA) for (const l of cityLines) sink = Math.min(sink, pointToLineDistance(point(v), l, { units: 'kilometers' }))
  const perA = (performance.now() - tA) / sampleA.length
  const tB = performance.now()
  for (const v of sampleB) for (const l of oppLines) sink = Math.min(sink, pointToLineDistance(point(v), l, { units: 'kilometers' }))
  const perB = (performance.now() - tB) / sampleB.length
  const baselineMs = perA * oppVerts.length + perB * cityVerts.length
  rows.push({
    analysis: 'distance side → city polygon',
    coldMs,
    warmMs,
    baselineMs,
    baselineHow: `pointToLineDistance, all vertices × all segments both ways; timed on ${sampleA.length}+${sampleB.length} sampled vertices, ×${oppVerts.length.toLocaleString('en')}+${cityVerts.length.toLocaleString('en')} linearly`,
    answer,
    target: '≥100× baseline, <50 ms warm',
  })
}

// ---------- 2. fronts: opposition vs government ----------
{
  let answer = ''
  const coldMs = timeMs(COLD_RUNS, () => frontLines(prepareAreas(opposition), prepareAreas(government)))
  const pOpp = prepareAreas(opposition)
  const pGov = prepareAreas(government)
  const warmMs = timeMs(WARM_RUNS, () => {
    const f = frontLines(pOpp, pGov)
    answer = `${f.lengthKm.toFixed(1)} km in ${f.geometry.coordinates.length} lines`
  })
  // Baseline: turf.lineOverlap (tolerance 0.1 km) on the boundaries of every pair of polygons,
  // timed on a seeded sample of pairs and extrapolated linearly to all pairs.
  const toLines = (as: typeof opposition) =>
    as
      .flatMap((a) => (a.geometry.type === 'Polygon' ? [a.geometry.coordinates] : a.geometry.coordinates))
      .flatMap((p) => p.map((ring) => polygonToLine(polygon([ring])) as Feature<LineString>))
  const oppLines = toLines(opposition)
  const govLines = toLines(government)
  const rnd = prng(5)
  const sample = 150
  const tS = performance.now()
  for (let k = 0; k < sample; k++) {
    lineOverlap(oppLines[Math.floor(rnd() * oppLines.length)], govLines[Math.floor(rnd() * govLines.length)], { tolerance: 0.1 })
  }
  const perPair = (performance.now() - tS) / sample
  const pairs = oppLines.length * govLines.length
  // Cross-check of the answer: the same Turf call on the pairs whose bboxes touch.
  const bb = (f: Feature<LineString>) => {
    const xs = f.geometry.coordinates.map((p) => p[0]),
      ys = f.geometry.coordinates.map((p) => p[1])
    return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)]
  }
  const govBoxes = govLines.map(bb)
  let turfKm = 0
  let turfExactKm = 0
  for (const o of oppLines) {
    const b = bb(o)
    govLines.forEach((g, j) => {
      const c = govBoxes[j]
      if (b[0] > c[2] || b[2] < c[0] || b[1] > c[3] || b[3] < c[1]) return
      for (const f of lineOverlap(o, g, { tolerance: 0.1 }).features) turfKm += turfLength(f)
      for (const f of lineOverlap(o, g).features) turfExactKm += turfLength(f)
    })
  }
  rows.push({
    analysis: 'fronts opposition | government',
    coldMs,
    warmMs,
    baselineMs: perPair * pairs,
    baselineHow: `lineOverlap(tolerance 0.1 km) on all ${pairs.toLocaleString('en')} polygon pairs; timed on ${sample} sampled pairs, extrapolated linearly`,
    answer:
      `${answer}; Turf lineOverlap on bbox-touching pairs finds ${turfExactKm.toFixed(1)} km of exactly shared edges, ` +
      `but only ${turfKm.toFixed(1)} km with tolerance 0.1 km`,
    target: '<50 ms warm',
  })
}

// ---------- 3. route segmentation + severance ----------
{
  let answer = ''
  const run = (prepared: ReturnType<typeof prepareAreas>) => {
    const r = segmentRoute(highway, prepared)
    const s = routeSeverance(r.segments, 'government')
    answer =
      `${r.lengthKm.toFixed(1)} km, ${r.segments.length} stretches, severed=${s.severed}, ${s.cutPoints.length} cuts, ` +
      `opposition ${(s.kmBySide.opposition ?? 0).toFixed(1)} km`
  }
  const coldMs = timeMs(COLD_RUNS, () => run(prepareAreas(territory.areas)))
  const pAll = prepareAreas(territory.areas)
  const warmMs = timeMs(WARM_RUNS, () => run(pAll))
  // Baseline: turf.lineSplit of the road by each polygon, each piece kept when its midpoint is in
  // the polygon (booleanPointInPolygon). Timed on a seeded sample of areas, extrapolated linearly.
  const road = lineString(highway.coordinates)
  const rnd = prng(8)
  const sample = Array.from({ length: 25 }, () => territory.areas[Math.floor(rnd() * territory.areas.length)])
  let heldKm = 0
  const tS = performance.now()
  for (const a of sample) {
    for (const piece of lineSplit(road, feature(a.geometry)).features) {
      const mid = along(piece, turfLength(piece) / 2)
      if (booleanPointInPolygon(mid, a.geometry)) heldKm += turfLength(piece)
    }
  }
  const baselineMs = ((performance.now() - tS) / sample.length) * territory.areas.length
  rows.push({
    analysis: 'route cut + severance (400 km)',
    coldMs,
    warmMs,
    baselineMs,
    baselineHow: `lineSplit + booleanPointInPolygon per area; timed on ${sample.length} sampled areas of ${territory.areas.length}, extrapolated linearly`,
    answer,
    target: '<50 ms warm',
  })
  void heldKm
}

// ---------- 4. territorial change between two dates ----------
{
  let answer = ''
  const coldMs = timeMs(3, () => territoryChange(oppBefore, oppAfter))
  const pb = prepareTerritory(oppBefore)
  const pa = prepareTerritory(oppAfter)
  territoryChange(pb, pa)
  const warmMs = timeMs(WARM_RUNS, () => {
    const c = territoryChange(pb, pa)
    answer = `${c.beforeKm2.toFixed(0)} → ${c.afterKm2.toFixed(0)} km², +${c.gainedKm2.toFixed(1)} −${c.lostKm2.toFixed(1)} km²`
  })
  // Baseline: turf.union folded one polygon at a time over each date, then turf.difference both
  // ways. The fold re-clips the growing union at every step, so its cost grows with the square of
  // the number of polygons: the first K steps are timed and scaled by (N/K)²; the two
  // differences are timed in full on the (identical) unions our code produces.
  const K = 12
  const fold = (gs: (Polygon | MultiPolygon)[]) => {
    let acc: Feature<Polygon | MultiPolygon> = feature(gs[0])
    const t = performance.now()
    for (let i = 1; i < K; i++) acc = union(featureCollection([acc, feature(gs[i])]))!
    return (performance.now() - t) * (gs.length / K) ** 2
  }
  const foldMs = fold(oppBefore) + fold(oppAfter)
  const ub = unionPolygons(oppBefore)!,
    ua = unionPolygons(oppAfter)!
  const tD = performance.now()
  difference(featureCollection([feature(ua), feature(ub)]))
  difference(featureCollection([feature(ub), feature(ua)]))
  const diffMs = performance.now() - tD
  rows.push({
    analysis: 'territory change, 2 dates',
    coldMs,
    warmMs,
    baselineMs: foldMs + diffMs,
    baselineHow: `union one by one (first ${K} of ${oppBefore.length} steps ×(N/K)², per date) + 2 differences timed in full (${fmt(diffMs)})`,
    answer,
    target: '<50 ms warm',
  })
}

// ---------- table ----------
const header = ['analysis', 'cold (prepare+query)', 'warm (prepared)', 'Turf baseline', 'vs cold', 'vs warm', 'target', 'met']
const table = rows.map((r) => {
  const fast = r.target.startsWith('≥100×') ? r.baselineMs / r.coldMs >= 100 && r.warmMs < 50 : r.warmMs < 50
  return [
    r.analysis,
    fmt(r.coldMs),
    fmt(r.warmMs),
    fmt(r.baselineMs),
    ratio(r.baselineMs, r.coldMs),
    ratio(r.baselineMs, r.warmMs),
    r.target,
    fast ? 'yes' : 'NO',
  ]
})
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)))
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`
console.log(line(header))
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`)
for (const row of table) console.log(line(row))
console.log('')
console.log(`medians of ${COLD_RUNS} cold (3 for territory change) and ${WARM_RUNS} warm runs`)
for (const r of rows) console.log(`- ${r.analysis}: ${r.answer}\n    baseline: ${r.baselineHow}`)
