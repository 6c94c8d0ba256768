/**
 * Checks the bundled dataset `data/aleppo-2024/` against its cited sources, with Turf only, and
 * prints every measured value with PASS/FAIL. Exit code 1 when any check fails. Each figure is
 * checked against the range the sources give (their ids are in the labels), every place the
 * manifest lists as taken must change hands on that day, and every feature must say where its
 * position comes from and how far off it may be.
 *
 *   npx tsx scripts/check-aleppo-2024.ts [--data <dir>] [--ref <dir>]
 *
 * `--data` (or FRONTLINE_ALEPPO_OUT) is the dataset folder (default data/aleppo-2024); `--ref` (or
 * FRONTLINE_REFERENCE_DIR) the reference geography (default ../shared/data/reference-syria), used
 * for Syria's outline in the tiling check.
 *
 * Distances are geodesic: the shortest distance between two disjoint polygons is reached at a
 * vertex of one of them, so it is the minimum of turf.pointToLineDistance over the vertices of each
 * against the rings of the other (slow, which is fine here). Severance samples the highway every
 * 100 m and asks which holder each sample lies in.
 */
import { existsSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as turf from '@turf/turf'
import type { Feature, FeatureCollection, LineString, MultiPolygon, Point, Polygon, Position } from 'geojson'

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..')
function argument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`)
  if (index >= 0 && process.argv[index + 1]) return process.argv[index + 1]
  const inline = process.argv.find((arg) => arg.startsWith(`--${name}=`))
  return inline ? inline.slice(name.length + 3) : undefined
}
const DATA = resolve(argument('data') ?? process.env.FRONTLINE_ALEPPO_OUT ?? join(REPO, 'data', 'aleppo-2024'))
const REF = resolve(argument('ref') ?? process.env.FRONTLINE_REFERENCE_DIR ?? join(REPO, '..', 'shared', 'data', 'reference-syria'))

type Area = Polygon | MultiPolygon
interface AreaProps {
  actor?: string
  status: string
  source: string
  note: string
}
interface Actor {
  id: string
  name: string
  aliases: string[]
  colour: string
  side: string
}
interface Manifest {
  id: string
  sources: { id: string; url: string | null }[]
  snapshots: { validFrom: string; file: string; sources: string[]; note: string; taken?: { place: string; sources: string[]; status?: string }[] }[]
  actors: string
  features: string
  [key: string]: unknown
}

const read = <T>(file: string): T => JSON.parse(readFileSync(join(DATA, file), 'utf8')) as T
const manifest = read<Manifest>('manifest.json')
const actors = read<Actor[]>(manifest.actors)
const features = read<FeatureCollection>(manifest.features)
const side = new Map(actors.map((a) => [a.id, a.side]))
const feature = (id: string): Feature => {
  const found = features.features.find((f) => f.id === id)
  if (!found) throw new Error(`features.geojson has no ${id}`)
  return found
}
const snapshots = new Map(manifest.snapshots.map((s) => [s.validFrom, read<FeatureCollection<Area, AreaProps>>(s.file)]))

let failures = 0
function check(label: string, ok: boolean, measured: string): void {
  if (!ok) failures++
  console.log(`${ok ? 'PASS' : 'FAIL'}  ${label}: ${measured}`)
}

// ---------------------------------------------------------------------------------------------
// helpers

const polygonsOf = (g: Area): Position[][][] => (g.type === 'Polygon' ? [g.coordinates] : g.coordinates)

/** Who holds a point: an actor and its side, or 'contested' (both) on contested ground. */
function holderAt(day: string, point: Position): { actor: string; side: string } | null {
  for (const f of snapshots.get(day)!.features) {
    if (!turf.booleanPointInPolygon(point, f)) continue
    if (f.properties.status === 'contested' || !f.properties.actor) return { actor: 'contested', side: 'contested' }
    return { actor: f.properties.actor, side: side.get(f.properties.actor) ?? f.properties.actor }
  }
  return null
}

const pointOf = (id: string): Position => (feature(id).geometry as Point).coordinates
const holderOf = (day: string, id: string): string => {
  const h = holderAt(day, pointOf(id))
  return h ? `${h.actor} (${h.side})` : 'nobody'
}
const sideOf = (day: string, id: string): string | null => holderAt(day, pointOf(id))?.side ?? null

function areasOfSide(day: string, wanted: string): Feature<Area, AreaProps>[] {
  return snapshots.get(day)!.features.filter((f) => f.properties.actor && side.get(f.properties.actor) === wanted && f.properties.status === 'controlled')
}

/** Geodesic distance in km between two sets of polygons (0 when they overlap). */
function distanceKm(a: Feature<Area>[], b: Feature<Area>): number {
  for (const f of a) if (turf.booleanIntersects(f, b)) return 0
  const bRings = polygonsOf(b.geometry)
    .flat()
    .map((r) => turf.lineString(r))
  const bBox = turf.bbox(b)
  const near = (p: Position): boolean => p[0] > bBox[0] - 0.5 && p[0] < bBox[2] + 0.5 && p[1] > bBox[1] - 0.5 && p[1] < bBox[3] + 0.5
  let best = Infinity
  for (const f of a) {
    for (const ring of polygonsOf(f.geometry).flat()) {
      if (!ring.some(near)) continue
      const line = turf.lineString(ring)
      for (const v of ring) {
        if (!near(v)) continue
        for (const r of bRings) best = Math.min(best, turf.pointToLineDistance(v, r, { units: 'kilometers' }))
      }
      for (const r of bRings) for (const v of r.geometry.coordinates) best = Math.min(best, turf.pointToLineDistance(v, line, { units: 'kilometers' }))
    }
  }
  return best
}

function overlapKm2(a: Feature<Area>[], b: Feature<Area>): number {
  let sum = 0
  for (const f of a) {
    const x = turf.intersect(turf.featureCollection([f, b]))
    if (x) sum += turf.area(x) / 1e6
  }
  return sum
}

interface Stretch {
  fromKm: number
  toKm: number
  holder: string
}

/** Samples a line every 100 m; stretches by holder (actor), with km from the line's start. */
function stretches(day: string, line: Feature<LineString>): Stretch[] {
  const length = turf.length(line, { units: 'kilometers' })
  const out: Stretch[] = []
  for (let km = 0; km <= length + 1e-9; km += 0.1) {
    const p = turf.along(line, Math.min(km, length), { units: 'kilometers' }).geometry.coordinates
    const h = holderAt(day, p)
    const holder = h ? h.actor : 'nobody'
    const last = out[out.length - 1]
    if (last && last.holder === holder) last.toKm = km
    else out.push({ fromKm: km, toKm: km, holder })
  }
  return out
}

/** km along a line of the point of the line nearest to `p`. */
function kmAlong(line: Feature<LineString>, p: Position): number {
  const snapped = turf.nearestPointOnLine(line, p, { units: 'kilometers' })
  return snapped.properties.location ?? 0
}

// ---------------------------------------------------------------------------------------------
// the facts

const outskirts = feature('aleppo-outskirts') as Feature<Polygon>
const m5 = feature('m5') as Feature<LineString>
const axis = feature('atarib-aleppo-axis') as Feature<LineString>
const DAYS = [...snapshots.keys()].sort()
const distance: Record<string, number> = {}
for (const day of DAYS) distance[day] = distanceKm(areasOfSide(day, 'opposition'), outskirts)

console.log(`dataset ${DATA}`)
console.log(`outskirts polygon: ${(turf.area(outskirts) / 1e6).toFixed(1)} km²; M5 ${turf.length(m5).toFixed(1)} km`)
console.log('')

const govSide = (h: string): boolean => side.get(h) === 'government'
const m5Km = turf.length(m5, { units: 'kilometers' })
const kmSaraqib = kmAlong(m5, pointOf('saraqib'))
const kmHama = kmAlong(m5, pointOf('hama'))

function m5Report(day: string): { severed: boolean; lost: Stretch[]; text: string } {
  const s = stretches(day, m5)
  const lost = s.filter((x) => !govSide(x.holder))
  const text =
    lost.length === 0
      ? 'all samples on government ground'
      : lost.map((x) => `${x.holder} ${x.fromKm.toFixed(1)}–${x.toKm.toFixed(1)} km`).join('; ') + ` (of ${m5Km.toFixed(0)} km from Damascus)`
  return { severed: lost.length > 0, lost, text }
}

/** km of the al-Atarib – Aleppo axis held by the opposition (100 m samples). */
function axisOppositionKm(day: string): number {
  return stretches(day, axis)
    .filter((x) => side.get(x.holder) === 'opposition')
    .reduce((sum, x) => sum + (x.toKm - x.fromKm + 0.1), 0)
}

const previousDay = (day: string): string | undefined => DAYS[DAYS.indexOf(day) - 1]

// The sources' figures for the distance from the front to the outskirts (km), as cited in the
// manifest; each check asserts the dataset's answer lies in the range they span.
for (const day of DAYS) {
  console.log(`── ${day} ─────────────────────────────────────────────`)
  const m = m5Report(day)
  const d = distance[day]
  const entered = overlapKm2(areasOfSide(day, 'opposition'), outskirts)
  console.log(`      distance opposition → outskirts ${d.toFixed(2)} km; opposition inside outskirts ${entered.toFixed(1)} km²`)
  console.log(`      M5: severed ${m.severed ? 'yes' : 'no'} (${m.text})`)
  console.log(`      al-Atarib – Aleppo axis: ${axisOppositionKm(day).toFixed(1)} km opposition-held`)
  console.log(
    `      base-46 ${holderOf(day, 'base-46')}; aleppo ${holderOf(day, 'aleppo')}; saraqib ${holderOf(day, 'saraqib')}; airport ${holderOf(day, 'aleppo-airport')}; sheikh-maqsoud ${holderOf(day, 'sheikh-maqsoud')}; tal-rifaat ${holderOf(day, 'tal-rifaat')}`,
  )
  const southOfHama = m.lost.filter((x) => x.toKm < kmHama)
  check(
    'M5 south of Hama is government ground',
    southOfHama.length === 0,
    southOfHama.length ? JSON.stringify(southOfHama) : `0–${kmHama.toFixed(0)} km government`,
  )

  // Every place the manifest lists as taken that day changes to the opposition (or to contested
  // ground, when its report alone is not enough) on exactly that day, and is not lost the next.
  const entry = manifest.snapshots.find((x) => x.validFrom === day)!
  const before = previousDay(day)
  const wrong: string[] = []
  for (const taken of entry.taken ?? []) {
    const want = taken.status === 'contested' ? 'contested' : 'opposition'
    const was = before ? sideOf(before, taken.place) : null
    const now = sideOf(day, taken.place)
    if (now !== want || was === 'opposition') wrong.push(`${taken.place}: ${was} → ${now}`)
    for (const src of taken.sources) if (!manifest.sources.some((x) => x.id === src)) wrong.push(`${taken.place}: unknown source ${src}`)
    for (const later of DAYS.slice(DAYS.indexOf(day) + 1))
      if (sideOf(later, taken.place) === 'government') wrong.push(`${taken.place}: government again on ${later}`)
  }
  check(
    `${day}: the ${(entry.taken ?? []).length} places reported taken change hands that day`,
    wrong.length === 0,
    wrong.length ? wrong.join('; ') : (entry.taken ?? []).map((x) => x.place).join(', ') || 'none listed',
  )

  if (day === '2024-11-26') {
    check('26 Nov: M5 not severed for side government', !m.severed, m.text)
    check('26 Nov: base-46 inside government territory', sideOf(day, 'base-46') === 'government', holderOf(day, 'base-46'))
    check(
      '26 Nov: front more than 10 km from the outskirts (on 27 Nov it came within about 10 km: Reuters army source, SOHR via Rudaw)',
      d > 10,
      `${d.toFixed(2)} km`,
    )
  }
  if (day === '2024-11-27') {
    check('27 Nov: M5 still open (AFP/SOHR report the cut on 28 Nov)', !m.severed, m.text)
    check('27 Nov: base-46 taken by the opposition', sideOf(day, 'base-46') === 'opposition', holderOf(day, 'base-46'))
    check(
      '27 Nov: front within 10 km of the outskirts (Anadolu: some 5 km from the city; Reuters, SOHR: about 10 km), nearer than on 26 Nov',
      d > 0 && d <= 10 && d < distance['2024-11-26'],
      `${d.toFixed(2)} km`,
    )
  }
  if (day === '2024-11-28') {
    const between = m.lost.filter((x) => x.toKm > kmSaraqib - 3 && x.fromKm < m5Km)
    check(
      '28 Nov: M5 severed between Saraqib and Aleppo (AFP/SOHR)',
      m.severed && between.length > 0,
      `${between.map((x) => `${x.holder} at ${x.fromKm.toFixed(1)}–${x.toKm.toFixed(1)} km (${(x.toKm - x.fromKm + 0.1).toFixed(1)} km)`).join('; ')}; Saraqib at km ${kmSaraqib.toFixed(1)}, Aleppo at km ${m5Km.toFixed(1)}`,
    )
    check(
      '28 Nov: front 0–2 km from the outskirts, not inside (TRT: within 1 km; SOHR via AFP next morning: almost 2 km)',
      d > 0 && d <= 2 && entered === 0,
      `${d.toFixed(2)} km, ${entered.toFixed(2)} km² inside`,
    )
    const closure = distance['2024-11-26'] - d
    check(
      '26→28 Nov: the gap to the outskirts closed by at least 8 km (from beyond 10 km to within 2 km)',
      closure >= 8,
      `${distance['2024-11-26'].toFixed(2)} − ${d.toFixed(2)} = ${closure.toFixed(2)} km`,
    )
    const depth = axisOppositionKm(day) - axisOppositionKm('2024-11-26')
    const floor = turf.distance(pointOf('urum-al-kubra'), pointOf('khan-al-asal'), { units: 'kilometers' })
    check(
      '26→28 Nov: depth gained along the al-Atarib – Aleppo axis at least Urum al-Kubra → Khan al-Asal (both reported taken)',
      depth >= floor,
      `${depth.toFixed(1)} km gained; Urum al-Kubra → Khan al-Asal ${floor.toFixed(1)} km`,
    )
  }
  if (day === '2024-11-29') {
    check('29 Nov: opposition inside western Aleppo (AFP/SOHR, AP)', entered > 1, `${entered.toFixed(1)} km² of the outskirts polygon`)
    check('29 Nov: Saraqib taken', sideOf(day, 'saraqib') === 'opposition', holderOf(day, 'saraqib'))
    check('29 Nov: Aleppo centre not yet taken', sideOf(day, 'aleppo') === 'government', holderOf(day, 'aleppo'))
  }
  if (day === '2024-11-30' || day === '2024-12-01') {
    check(`${day}: aleppo city point inside opposition territory`, sideOf(day, 'aleppo') === 'opposition', holderOf(day, 'aleppo'))
    check(`${day}: SDF holds Sheikh Maqsoud`, holderAt(day, pointOf('sheikh-maqsoud'))?.actor === 'sdf', holderOf(day, 'sheikh-maqsoud'))
    check(
      `${day}: Maarat al-Numan and Khan Shaykhun opposition`,
      sideOf(day, 'maarat-al-numan') === 'opposition' && sideOf(day, 'khan-shaykhun') === 'opposition',
      `${holderOf(day, 'maarat-al-numan')}, ${holderOf(day, 'khan-shaykhun')}`,
    )
    check(`${day}: Hama still government`, sideOf(day, 'hama') === 'government', holderOf(day, 'hama'))
  }
  if (day === '2024-12-01') {
    check(
      '1 Dec: Aleppo airport and Nayrab airbase opposition',
      sideOf(day, 'aleppo-airport') === 'opposition' && sideOf(day, 'nayrab-airbase') === 'opposition',
      `${holderOf(day, 'aleppo-airport')}, ${holderOf(day, 'nayrab-airbase')}`,
    )
    const sna = ['tal-rifaat', 'kuweires-airbase', 'as-safirah', 'khanasir']
    check(
      '1 Dec: Tal Rifaat, Kuweires, as-Safirah and Khanasir held by the SNA',
      sna.every((id) => holderAt(day, pointOf(id))?.actor === 'sna'),
      sna.map((id) => `${id} ${holderOf(day, id)}`).join(', '),
    )
  }
  console.log('')
}

// ---------------------------------------------------------------------------------------------
// consistency: the snapshots tile Syria, follow RFC 7946, and carry stable pieces byte for byte

console.log('── files ─────────────────────────────────────────────')
// Syria's outline rounded to 5 decimals as the build rounds it, so that only real gaps count.
const syriaRaw = (JSON.parse(readFileSync(join(REF, 'ne10m_country_syria.geojson'), 'utf8')) as FeatureCollection<Area>).features[0]
const round5 = (value: unknown): unknown => (Array.isArray(value) ? value.map(round5) : typeof value === 'number' ? Math.round(value * 1e5) / 1e5 : value)
const syria = turf.feature({ type: syriaRaw.geometry.type, coordinates: round5(syriaRaw.geometry.coordinates) } as Area)
const syriaKm2 = turf.area(syria) / 1e6

function decimalsOk(value: unknown): boolean {
  if (typeof value === 'number') return Math.abs(Math.round(value * 1e5) / 1e5 - value) < 1e-12
  if (Array.isArray(value)) return value.every(decimalsOk)
  return true
}
function windingOk(g: Area): boolean {
  return polygonsOf(g).every((rings) => rings.every((r, i) => turf.booleanClockwise(r) === i > 0))
}
function closedOk(g: Area): boolean {
  return polygonsOf(g).every((rings) => rings.every((r) => r.length >= 4 && r[0][0] === r[r.length - 1][0] && r[0][1] === r[r.length - 1][1]))
}

let validate: ((g: unknown, o: { allowed: readonly string[] }) => { errors: { path: string; reason: string }[]; notes: string[] }) | null = null
const validatePath = join(REPO, 'src', 'geo', 'validate.ts')
if (existsSync(validatePath)) {
  try {
    validate = (await import(validatePath)).normalizeGeometry
  } catch {
    validate = null
  }
}

for (const s of manifest.snapshots) {
  const fcol = snapshots.get(s.validFrom)!
  const size = statSync(join(DATA, s.file)).size
  const list = fcol.features
  let sum = 0
  let overlap = 0
  for (let i = 0; i < list.length; i++) {
    sum += turf.area(list[i]) / 1e6
    for (let j = i + 1; j < list.length; j++) {
      if (!turf.booleanIntersects(turf.bboxPolygon(turf.bbox(list[i])), turf.bboxPolygon(turf.bbox(list[j])))) continue
      const x = turf.intersect(turf.featureCollection([list[i], list[j]]))
      if (x) overlap += turf.area(x) / 1e6
    }
  }
  const all = turf.union(turf.featureCollection(list))!
  const outside = turf.difference(turf.featureCollection([all, syria]))
  const gaps = turf.difference(turf.featureCollection([syria, all]))
  const outsideKm2 = outside ? turf.area(outside) / 1e6 : 0
  const gapKm2 = gaps ? turf.area(gaps) / 1e6 : 0
  const problems: string[] = []
  for (const f of list) {
    if (!decimalsOk(f.geometry.coordinates)) problems.push(`${f.id}: more than 5 decimals`)
    if (!windingOk(f.geometry)) problems.push(`${f.id}: winding`)
    if (!closedOk(f.geometry)) problems.push(`${f.id}: open ring`)
    if (turf.kinks(f).features.length > 0) problems.push(`${f.id}: self-intersection (turf.kinks)`)
    if (f.properties.status === 'contested' ? f.properties.actor !== undefined && !side.has(f.properties.actor) : !side.has(f.properties.actor ?? ''))
      problems.push(`${f.id}: unknown actor ${f.properties.actor}`)
    for (const src of f.properties.source.split(',')) if (!manifest.sources.some((m) => m.id === src)) problems.push(`${f.id}: unknown source ${src}`)
    if (validate) {
      const v = validate(f.geometry, { allowed: ['Polygon', 'MultiPolygon'] })
      if (v.errors.length) problems.push(`${f.id}: importer refuses: ${v.errors.map((e) => `${e.path} ${e.reason}`).join('; ')}`)
    }
  }
  if ('crs' in fcol) problems.push('has a crs member')
  check(
    `${s.validFrom}: tiles Syria (overlaps, gaps, outside < 0.05 km² each)`,
    overlap < 0.05 && gapKm2 < 0.05 && outsideKm2 < 0.05,
    `${list.length} areas, Σ ${sum.toFixed(1)} km² vs Syria ${syriaKm2.toFixed(1)} km²; overlaps ${overlap.toFixed(4)} km², gaps ${gapKm2.toFixed(4)} km², outside ${outsideKm2.toFixed(4)} km²`,
  )
  check(
    `${s.validFrom}: RFC 7946 geometry, 5 decimals, known actors and sources${validate ? ', importer validation' : ''}`,
    problems.length === 0,
    problems.length ? problems.join('; ') : 'ok',
  )
  check(`${s.validFrom}: file under 1 MB`, size < 1_000_000, `${(size / 1024).toFixed(0)} KiB`)
}

const STABLE = ['saa-core', 'hts-idlib', 'sna-north', 'sna-peace-spring', 'sdf-east', 'sdf-sheikh-maqsoud']
for (let i = 1; i < DAYS.length; i++) {
  const before = new Map(snapshots.get(DAYS[i - 1])!.features.map((f) => [String(f.id), JSON.stringify(f.geometry)]))
  const after = snapshots.get(DAYS[i])!.features
  const same = after.filter((f) => before.get(String(f.id)) === JSON.stringify(f.geometry)).map((f) => String(f.id))
  const stableBroken = STABLE.filter((id) => !same.includes(id))
  check(
    `${DAYS[i - 1]} → ${DAYS[i]}: stable pieces byte-identical`,
    stableBroken.length === 0,
    `unchanged: ${same.join(', ')}${stableBroken.length ? `; CHANGED: ${stableBroken.join(', ')}` : ''}`,
  )
}
const pocketGeometries = new Set(DAYS.map((d) => JSON.stringify(snapshots.get(d)!.features.find((f) => String(f.id).endsWith('tal-rifaat'))?.geometry)))
check(
  'Tal Rifaat pocket geometry identical on all days',
  pocketGeometries.size === 1,
  `${pocketGeometries.size} distinct geometr${pocketGeometries.size === 1 ? 'y' : 'ies'}`,
)

const featureProblems: string[] = []
for (const f of features.features) {
  if (typeof f.id !== 'string' || !/^[a-z0-9][a-z0-9_-]*$/.test(f.id)) featureProblems.push(`bad id ${String(f.id)}`)
  if (!f.properties?.kind || !f.properties?.name) featureProblems.push(`${String(f.id)}: kind/name`)
  if (!decimalsOk((f.geometry as Point | LineString | Polygon).coordinates)) featureProblems.push(`${String(f.id)}: decimals`)
  if (f.properties?.kind === 'highway' && f.properties.owner_side !== 'government') featureProblems.push(`${String(f.id)}: owner_side`)
  if (typeof f.properties?.positionSource !== 'string' || !(Number(f.properties?.uncertaintyKm) > 0))
    featureProblems.push(`${String(f.id)}: positionSource/uncertaintyKm`)
  for (const src of (f.properties?.positionSources as string[] | undefined) ?? [])
    if (!manifest.sources.some((m) => m.id === src)) featureProblems.push(`${String(f.id)}: unknown position source ${src}`)
  if (f.geometry.type === 'Polygon' && !windingOk(f.geometry)) featureProblems.push(`${String(f.id)}: winding`)
}
for (const id of [
  'aleppo',
  'aleppo-outskirts',
  'm5',
  'm4',
  'atarib-aleppo-axis',
  'base-46',
  'saraqib',
  'idlib',
  'nayrab-airbase',
  'aleppo-airport',
  'kuweires-airbase',
  'abu-al-duhur-airbase',
]) {
  if (!features.features.some((f) => f.id === id)) featureProblems.push(`missing ${id}`)
}
for (const id of ['hts', 'sna', 'saa', 'ru', 'sdf']) if (!side.has(id)) featureProblems.push(`missing actor ${id}`)
check(
  'features.geojson and actors.json',
  featureProblems.length === 0,
  featureProblems.length ? featureProblems.join('; ') : `${features.features.length} features, ${actors.length} actors`,
)

// ---------------------------------------------------------------------------------------------
// who holds each reference point, day by day (information)

console.log('')
console.log('── holders of the reference points ───────────────────')
const short = (day: string, id: string): string => holderAt(day, pointOf(id))?.actor ?? '-'
console.log(`${'feature'.padEnd(22)}${DAYS.map((d) => d.slice(5).padEnd(11)).join('')}`)
for (const f of features.features) {
  if (f.geometry.type !== 'Point') continue
  const id = String(f.id)
  const row = DAYS.map((d) => short(d, id).padEnd(11)).join('')
  console.log(`${id.padEnd(22)}${row}`)
}
console.log('')
console.log(failures === 0 ? 'all checks pass' : `${failures} check(s) FAILED`)
process.exit(failures === 0 ? 0 : 1)
