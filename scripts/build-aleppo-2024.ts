/**
 * Builds the bundled dataset `data/aleppo-2024/`: the HTS-led offensive on Aleppo,
 * 26 November – 1 December 2024, as six daily control maps of north-west Syria plus reference
 * features (Aleppo, its outskirts, the M5 and M4 highways, bases, airports, towns and villages).
 *
 *   npx tsx scripts/build-aleppo-2024.ts [--ref <dir>] [--out <dir>]
 *
 * Inputs (read only): the reference geography in `../shared/data/reference-syria/` relative to the
 * repository root (Syria's Natural Earth outline, GeoNames towns, OurAirports airfields). Override
 * the folder with `--ref <dir>` or the environment variable `FRONTLINE_REFERENCE_DIR`; `--out <dir>`
 * (or `FRONTLINE_ALEPPO_OUT`) writes somewhere other than `data/aleppo-2024/`.
 *
 * Everything below is an APPROXIMATE RECONSTRUCTION from public reporting (sources in the
 * manifest), not surveyed boundaries. Each day's lines are drawn round the places reported taken
 * that day (TAKEN, written to the manifest per snapshot with their sources), 0.5–2.5 km beyond the
 * outermost of them; ground a single contradicted claim or no report covers is drawn contested.
 * No line was placed to produce a distance: the figures the reports give (how far from Aleppo,
 * how much ground) are checked against the result afterwards, as ranges (check-aleppo-2024.ts and
 * test/data/aleppo-2024.test.ts). Every reference point carries its position source and an
 * uncertainty in km; waypoints are GeoNames towns, offsets from them, or hand-placed positions
 * whose comment says what they are.
 *
 * How the maps are made (so that daily files carry unchanged areas byte for byte):
 *  - Syria's outline is split into stable pieces that do not change over the six days (the
 *    government core, HTS's Idlib zone as of the March 2020 ceasefire, the SNA zones, the SDF
 *    zones, the Tal Rifaat pocket, Sheikh Maqsoud) and a government "front zone" F (north-west
 *    Syria between Idlib, Aleppo and northern Hama) where ground changed hands.
 *  - Each day the ground taken by the opposition is the cumulative union of that day's drawn
 *    advance polygons (so no area is lost again), cut out of the front zone; the rest of the front
 *    zone stays with the government.
 *  - Every boolean result is rounded to 5 decimals at once, so the two sides of a shared boundary
 *    are written with the same vertices. Output is deterministic (no clocks, no randomness).
 *
 * Check the result with `npx tsx scripts/check-aleppo-2024.ts` (facts, tiling, RFC 7946).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as turf from '@turf/turf'
import type { Feature, FeatureCollection, LineString, MultiPolygon, Point, Polygon, Position } from 'geojson'

// ---------------------------------------------------------------------------------------------
// paths

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..')

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`)
  if (index >= 0 && process.argv[index + 1]) return process.argv[index + 1]
  const inline = process.argv.find((arg) => arg.startsWith(`--${name}=`))
  return inline ? inline.slice(name.length + 3) : undefined
}

const REF_DIR = resolve(argument('ref') ?? process.env.FRONTLINE_REFERENCE_DIR ?? join(REPO, '..', 'shared', 'data', 'reference-syria'))
const OUT_DIR = resolve(argument('out') ?? process.env.FRONTLINE_ALEPPO_OUT ?? join(REPO, 'data', 'aleppo-2024'))

// ---------------------------------------------------------------------------------------------
// reference data

type Area = Polygon | MultiPolygon
type Pos = [number, number]

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T
}

interface GeoNamesProps {
  geonameid: number
  name: string
  asciiname: string
  alternatenames: string
  admin1_code: string
  population: number
}
interface AirportProps {
  ident: string
  name: string
}

const geonames = readJson<FeatureCollection<Point, GeoNamesProps>>(join(REF_DIR, 'geonames_cities500_syria.geojson')).features
const airports = readJson<FeatureCollection<Point, AirportProps>>(join(REF_DIR, 'ourairports_syria_medium_large.geojson')).features
const syriaFile = readJson<FeatureCollection<Polygon | MultiPolygon>>(join(REF_DIR, 'ne10m_country_syria.geojson'))

const r5 = (x: number): number => Math.round(x * 1e5) / 1e5
const p5 = (p: Position): Pos => [r5(p[0]), r5(p[1])]

/** A GeoNames place by ASCII name (and admin1 code when the name repeats). */
function place(asciiname: string, admin1?: string): Feature<Point, GeoNamesProps> {
  const found = geonames.filter((f) => f.properties.asciiname === asciiname && (!admin1 || f.properties.admin1_code === admin1))
  if (found.length !== 1) throw new Error(`GeoNames: ${found.length} matches for ${asciiname} ${admin1 ?? ''}`)
  return found[0]
}

/** The position of a GeoNames place. */
function G(asciiname: string, admin1?: string): Pos {
  return p5(place(asciiname, admin1).geometry.coordinates)
}

/** A position `east` km east and `north` km north of a GeoNames place (a waypoint beside a town). */
function near(asciiname: string, east: number, north: number, admin1?: string): Pos {
  const [lon, lat] = G(asciiname, admin1)
  return [r5(lon + east / (111.32 * Math.cos((lat * Math.PI) / 180))), r5(lat + north / 110.57)]
}

function airport(ident: string): Feature<Point, AirportProps> {
  const found = airports.find((f) => f.properties.ident === ident)
  if (!found) throw new Error(`OurAirports: no ${ident}`)
  return found
}

// ---------------------------------------------------------------------------------------------
// geometry helpers: every result is rounded to 5 decimals, cleaned and wound per RFC 7946

/** Twice the signed planar area of a ring (positive = counter-clockwise). */
function ringArea2(ring: Pos[]): number {
  let sum = 0
  for (let i = 0; i < ring.length - 1; i++) sum += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1]
  return sum
}

/** Rounds, drops repeated vertices and degenerate rings, and winds exterior CCW / holes CW. */
function cleanRing(ring: Position[], exterior: boolean): Pos[] | null {
  const out: Pos[] = []
  for (const position of ring) {
    const p = p5(position)
    const last = out[out.length - 1]
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p)
  }
  if (out.length > 1 && out[0][0] === out[out.length - 1][0] && out[0][1] === out[out.length - 1][1]) out.pop()
  // remove spikes (A B A) left by rounding
  let changed = true
  while (changed && out.length >= 3) {
    changed = false
    for (let i = 0; i < out.length; i++) {
      const a = out[(i - 1 + out.length) % out.length]
      const c = out[(i + 1) % out.length]
      if (a[0] === c[0] && a[1] === c[1]) {
        out.splice(i, 1)
        changed = true
        break
      }
    }
  }
  if (out.length < 3) return null
  out.push([out[0][0], out[0][1]])
  const a2 = ringArea2(out)
  if (Math.abs(a2) < 2e-9) return null // < ~10 m²
  if (a2 > 0 !== exterior) out.reverse()
  return out
}

function clean(geometry: Area | null | undefined): Area | null {
  if (!geometry) return null
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates
  const out: Pos[][][] = []
  for (const rings of polygons) {
    const shell = cleanRing(rings[0], true)
    if (!shell) continue
    const holes = rings
      .slice(1)
      .map((ring) => cleanRing(ring, false))
      .filter((ring): ring is Pos[] => ring !== null)
    out.push([shell, ...holes])
  }
  if (out.length === 0) return null
  return out.length === 1 ? { type: 'Polygon', coordinates: out[0] } : { type: 'MultiPolygon', coordinates: out }
}

const fc = (...geometries: Area[]): FeatureCollection<Area> => turf.featureCollection(geometries.map((g) => turf.feature(g)))

function intersect(a: Area | null, b: Area | null): Area | null {
  if (!a || !b) return null
  return clean(turf.intersect(fc(a, b))?.geometry)
}

function difference(a: Area | null, b: Area | null): Area | null {
  if (!a) return null
  if (!b) return a
  return clean(turf.difference(fc(a, b))?.geometry)
}

function union(list: (Area | null)[]): Area | null {
  const present = list.filter((g): g is Area => g !== null)
  if (present.length === 0) return null
  if (present.length === 1) return present[0]
  return clean(turf.union(fc(...present))?.geometry)
}

/** A closed polygon from waypoints (the first waypoint is repeated at the end). */
function ring(points: Pos[]): Polygon {
  const cleaned = clean({ type: 'Polygon', coordinates: [[...points, points[0]]] })
  if (!cleaned || cleaned.type !== 'Polygon') throw new Error('degenerate drawn polygon')
  return cleaned
}

const km2 = (g: Area | null): number => (g ? turf.area(turf.feature(g)) / 1e6 : 0)

// ---------------------------------------------------------------------------------------------
// hand-placed places (not in GeoNames cities500). Each carries where its position comes from and
// how far off it may be (uncertaintyKm: the radius within which we expect the real place to lie).
// No public coordinate file covers these villages; where an article publishes coordinates we use
// them (coordinates are facts; no text is copied), otherwise a position is derived from a stated
// distance and direction from a located place, or placed along a road a description lists it on.

/** The position `km` km from `from` on the initial bearing `bearing` (degrees clockwise from north). */
function offset(from: Pos, km: number, bearing: number): Pos {
  const rad = (bearing * Math.PI) / 180
  const north = km * Math.cos(rad)
  const east = km * Math.sin(rad)
  return [r5(from[0] + east / (111.32 * Math.cos((from[1] * Math.PI) / 180))), r5(from[1] + north / 110.57)]
}

/** The point a fraction `t` of the way from `a` to `b` (places listed in order along a road). */
function between(a: Pos, b: Pos, t: number): Pos {
  return [r5(a[0] + (b[0] - a[0]) * t), r5(a[1] + (b[1] - a[1]) * t)]
}

interface HandPlaced {
  id: string
  name: string
  name_ar: string
  at: Pos
  kind: 'village' | 'town' | 'district' | 'base'
  /** Where the position comes from. */
  positionSource: string
  /** How far off the position may be, km. */
  uncertaintyKm: number
}

const POS = {
  wikiBase46: 'Wikipedia, "Siege of Base 46": coordinates 36.125709 N, 36.887927 E; "south-east of al-Atarib near the crossroads village of Urum al-Sughra"',
  wikiUrumKubra: 'Wikipedia (ru), "Urum al-Kubra": coordinates 36°08′55″ N, 36°57′00″ E, on the Aleppo–Idlib road',
  wikiZahraa: 'Wikipedia, "Al-Zahraa": coordinates 36°21′30.9″ N, 37°00′38.4″ E (immediately south-east of Nubl)',
  wikiKhanAsal:
    'Wikipedia (de), "Khan al-Asal": 12 km west-south-west of the centre of Aleppo; the Aleppo–Damascus highway is its southern edge; Kafr Dael lies 5 km north of it',
  roadDaratIzza:
    'placed in the order a route description lists the villages on the road from Aleppo to Darat Izza (al-Mansoura, Kafr Dael, Bashantra, Babis, Hur, Anjara, al-Qasimiyah, Qubtan al-Jabal), evenly between Kafr Dael and Qubtan al-Jabal',
  notLocated:
    'not located: no coordinates or distances found in the sources; placed in the sector the reports name it with, and the uncertainty says how little that placement is worth',
}

const ALEPPO_CENTRE = (): Pos => G('Aleppo')
const KHAN_AL_ASAL = (): Pos => offset(ALEPPO_CENTRE(), 12, 247.5)
const KAFR_DAEL = (): Pos => offset(KHAN_AL_ASAL(), 5, 0)
const QUBTAN: Pos = [36.975, 36.258]
const roadVillage = (t: number): Pos => between(KAFR_DAEL(), QUBTAN, t)

function hand(): HandPlaced[] {
  return [
    {
      id: 'base-46',
      name: '46th Regiment base (Fawj 46)',
      name_ar: 'الفوج 46',
      at: [36.88793, 36.12571],
      kind: 'base',
      positionSource: `${POS.wikiBase46}; AFP (2012): al-Atarib about five kilometres west of the base`,
      uncertaintyKm: 1.5,
    },
    {
      id: 'urum-al-sughra',
      name: 'Urum al-Sughra',
      name_ar: 'أورم الصغرى',
      at: offset([36.88793, 36.12571], 1.8, 45),
      kind: 'village',
      positionSource: `beside Base 46 (${POS.wikiBase46}); placed 1.8 km north-east of the base, no coordinates of the village itself found`,
      uncertaintyKm: 2.5,
    },
    {
      id: 'urum-al-kubra',
      name: 'Urum al-Kubra',
      name_ar: 'أورم الكبرى',
      at: [36.95, 36.14861],
      kind: 'village',
      positionSource: POS.wikiUrumKubra,
      uncertaintyKm: 0.5,
    },
    {
      id: 'kafr-nouran',
      name: 'Kafr Nouran',
      name_ar: 'كفر نوران',
      at: [36.846, 36.16],
      kind: 'village',
      positionSource: 'hand-placed from public maps, north-east of al-Atarib (an opposition-held front village before the offensive)',
      uncertaintyKm: 2,
    },
    {
      id: 'khan-al-asal',
      name: 'Khan al-Asal',
      name_ar: 'خان العسل',
      at: KHAN_AL_ASAL(),
      kind: 'village',
      positionSource: `${POS.wikiKhanAsal}; computed from the GeoNames position of Aleppo`,
      uncertaintyKm: 1.5,
    },
    {
      id: 'kafr-dael',
      name: 'Kafr Dael',
      name_ar: 'كفر داعل',
      at: KAFR_DAEL(),
      kind: 'village',
      positionSource: `${POS.wikiKhanAsal}; computed as 5 km north of Khan al-Asal`,
      uncertaintyKm: 2,
    },
    {
      id: 'al-mansoura',
      name: 'Al-Mansoura',
      name_ar: 'المنصورة',
      at: [37.055, 36.205],
      kind: 'village',
      positionSource:
        'first village on the road from Aleppo to Darat Izza (route description); reported as the district on the western outskirts of Aleppo next to the Scientific Research area (2020 reporting); placed 1 km west of the outskirts polygon',
      uncertaintyKm: 1.5,
    },
    { id: 'bashantra', name: 'Bashantra', name_ar: 'بشنطرة', at: roadVillage(1 / 6), kind: 'village', positionSource: POS.roadDaratIzza, uncertaintyKm: 3 },
    { id: 'hur', name: 'Hur (Hawr)', name_ar: 'حور', at: roadVillage(3 / 6), kind: 'village', positionSource: POS.roadDaratIzza, uncertaintyKm: 3 },
    { id: 'anjara', name: 'Anjara', name_ar: 'عنجارة', at: roadVillage(4 / 6), kind: 'village', positionSource: POS.roadDaratIzza, uncertaintyKm: 3 },
    {
      id: 'qasimiyah',
      name: 'Al-Qasimiyah',
      name_ar: 'القاسمية',
      at: roadVillage(5 / 6),
      kind: 'village',
      positionSource: POS.roadDaratIzza,
      uncertaintyKm: 3,
    },
    {
      id: 'qubtan-al-jabal',
      name: 'Qubtan al-Jabal',
      name_ar: 'قبتان الجبل',
      at: QUBTAN,
      kind: 'village',
      positionSource: 'hand-placed from public maps (no coordinates found); on the road from Aleppo to Darat Izza, after al-Qasimiyah (route description)',
      uncertaintyKm: 3,
    },
    {
      id: 'sheikh-aqil',
      name: 'Sheikh Aqil',
      name_ar: 'الشيخ عقيل',
      at: [36.972, 36.287],
      kind: 'village',
      positionSource: 'hand-placed from public maps; adjacent to Qubtan al-Jabal, about five kilometres from it (Akhbar al-Aan, The Syrian Observer, 2016)',
      uncertaintyKm: 3,
    },
    {
      id: 'kafr-basin',
      name: 'Kafr Basin',
      name_ar: 'كفر بسين',
      at: [36.99, 36.272],
      kind: 'village',
      positionSource: `${POS.notLocated} (listed with Qubtan al-Jabal and Sheikh Aqil)`,
      uncertaintyKm: 5,
    },
    {
      id: 'basratoun',
      name: 'Basratoun',
      name_ar: 'بسرطون',
      at: [36.965, 36.2],
      kind: 'village',
      positionSource: `${POS.notLocated} (listed with Bala and al-Saloum, between Anjara and Urum al-Kubra)`,
      uncertaintyKm: 5,
    },
    {
      id: 'bala',
      name: 'Bala',
      name_ar: 'بالا',
      at: [36.94, 36.19],
      kind: 'village',
      positionSource: `${POS.notLocated} (listed with Basratoun and al-Saloum)`,
      uncertaintyKm: 5,
    },
    {
      id: 'al-saloum',
      name: 'Al-Saloum',
      name_ar: 'السلوم',
      at: [36.915, 36.18],
      kind: 'village',
      positionSource: `${POS.notLocated} (listed with Bala and Basratoun)`,
      uncertaintyKm: 5,
    },
    {
      id: 'ajel',
      name: 'Ajel (Ajil)',
      name_ar: 'عاجل',
      at: [36.925, 36.16],
      kind: 'village',
      positionSource: `${POS.notLocated} (listed with Urum al-Kubra and the base)`,
      uncertaintyKm: 5,
    },
    {
      id: 'kafr-halab',
      name: 'Kafr Halab',
      name_ar: 'كفر حلب',
      at: [36.905, 36.075],
      kind: 'village',
      positionSource: 'hand-placed from public maps, on the government side of the 2020 front south-east of al-Atarib and west of al-Zerbah',
      uncertaintyKm: 3,
    },
    {
      id: 'khan-tuman',
      name: 'Khan Tuman',
      name_ar: 'خان طومان',
      at: [37.038, 36.108],
      kind: 'village',
      positionSource: 'hand-placed from public maps, on the old Aleppo–Damascus road (the Ramouseh road) south-west of Aleppo, east of the M5',
      uncertaintyKm: 2,
    },
    {
      id: 'sheikh-ali',
      name: 'Sheikh Ali',
      name_ar: 'الشيخ علي',
      at: [37.0, 36.105],
      kind: 'village',
      positionSource: 'hand-placed: reporting puts it west of the M5 near Khan Tuman; no coordinates found',
      uncertaintyKm: 3,
    },
    { id: 'al-zahraa', name: 'Al-Zahraa', name_ar: 'الزهراء', at: [37.01067, 36.35858], kind: 'town', positionSource: POS.wikiZahraa, uncertaintyKm: 0.5 },
    {
      id: 'sarmada',
      name: 'Sarmada',
      name_ar: 'سرمدا',
      at: [36.7236, 36.1789],
      kind: 'town',
      positionSource: 'hand-placed from public maps, near the Bab al-Hawa crossing',
      uncertaintyKm: 2,
    },
    {
      id: 'sheikh-maqsoud',
      name: 'Sheikh Maqsoud',
      name_ar: 'الشيخ مقصود',
      at: [37.155, 36.229],
      kind: 'district',
      positionSource: 'hand-placed from public maps: the Kurdish-majority district on the northern hill of Aleppo',
      uncertaintyKm: 1,
    },
  ]
}

// ---------------------------------------------------------------------------------------------
// the stable pieces (lines as of the March 2020 ceasefire, 26 Nov 2024)

// Tri-points where three holders meet; shared by the polygons on either side.
const T1: Pos = [36.948, 36.31] // HTS (Darat Izza) / SNA (Afrin) / government (Sheikh Aqil hills)
const AFRIN_GOV_1: Pos = [36.958, 36.33] // Afrin–government line, first vertex north of T1
const AFRIN_GOV_2: Pos = [36.96, 36.36] // Afrin–government line, south-west of al-Zahraa
const POCKET_SW: Pos = [36.965, 36.4] // SNA / SDF Tal Rifaat pocket / government, north-west of Nubl
const POCKET_SE: Pos = [37.16, 36.44] // SNA (Mare') / SDF pocket / government
const T2: Pos = [37.58, 36.37] // SNA (al-Bab) / SDF (Manbij, al-Arimah) / government (Tadef)

/**
 * HTS-held Idlib zone on 26 Nov (front of the March 2020 ceasefire). Listed from the tri-point
 * with Afrin southward along the front, then back north through Turkey and Afrin (cut away later).
 */
const HTS_FRONT_2020: Pos[] = [
  T1,
  [36.958, 36.295], // west of Sheikh Aqil (government)
  [36.96, 36.275], // west of Sheikh Aqil and Qubtan al-Jabal (both government until 27 Nov)
  [36.962, 36.255], // 1.2 km west of Qubtan al-Jabal (government until 27 Nov)
  [36.945, 36.238],
  [36.915, 36.22], // west of Anjara (government)
  [36.89, 36.205],
  [36.86, 36.19], // west of al-Saloum and Ajel (government)
  [36.855, 36.175],
  [36.86, 36.16], // east of Kafr Nouran (HTS)
  [36.858, 36.14], // about 3 km east of al-Atarib (HTS): the army stopped "3 km from al-Atarib" in Feb 2020 (Muraselon)
  [36.866, 36.11], // west of Base 46 (government), which lies about 5 km east of al-Atarib
  [36.88, 36.08], // west of Kafr Halab (government)
  [36.86, 36.04],
  [36.83, 36.0], // east of Taftanaz (HTS)
  [36.8, 35.96],
  [36.785, 35.92],
  near('Sarmin', 4.7, -1.7), // between Sarmin (HTS) and Saraqib (government)
  [36.75, 35.865], // Nayrab (Idlib) / Afes
  [36.72, 35.84],
  [36.68, 35.8], // M4 east of Ariha
  [36.65, 35.77],
  [36.62, 35.73],
  [36.58, 35.7],
  [36.53, 35.685], // southern Jabal al-Zawiya: Kansafra / al-Bara (HTS), Kafranbel (government)
  [36.48, 35.68],
  [36.42, 35.67],
  [36.36, 35.655],
  [36.3, 35.65], // across the Ghab plain
  [36.25, 35.68],
  [36.2, 35.72], // Jabal al-Akrad (Kabani front)
  [36.17, 35.76],
  [36.14, 35.79],
  [36.09, 35.87], // Turkey (Hatay), outside Syria
]
const HTS_CORE_DRAWN = ring([
  ...HTS_FRONT_2020,
  [36.0, 36.1], // Turkey
  [36.2, 36.45], // Turkey
  [36.4, 36.55], // Turkey
  [36.85, 36.45], // Afrin (SNA, cut away)
  [36.93, 36.36], // Afrin (SNA, cut away)
])

/** SNA zone of Afrin, Azaz, al-Bab and Jarabulus (Olive Branch and Euphrates Shield areas). */
const SNA_NORTH_DRAWN = ring([
  [36.55, 36.345], // Turkey, west of Atmeh
  [36.62, 36.335], // Afrin–Idlib line near Atmeh / Deir Ballut
  [36.7, 36.33],
  [36.79, 36.325],
  [36.83, 36.315], // south of Qal'at Sim'an
  [36.87, 36.305], // north of Darat Izza (HTS)
  [36.91, 36.305],
  T1,
  AFRIN_GOV_1,
  AFRIN_GOV_2, // west of al-Zahraa and Nubl (government)
  POCKET_SW,
  [36.975, 36.43], // Afrin / Tal Rifaat pocket (SDF) line
  [36.985, 36.46],
  [37.0, 36.5],
  [37.0, 36.53],
  [37.05, 36.545], // north of Menagh airbase (SDF)
  [37.1, 36.535],
  [37.15, 36.51],
  [37.165, 36.48], // west of Mare' (SNA)
  POCKET_SE,
  [37.22, 36.44],
  [37.3, 36.4],
  [37.4, 36.37],
  [37.47, 36.355],
  [37.5, 36.355],
  [37.545, 36.36], // between al-Bab (SNA) and Tadef (government)
  T2,
  [37.62, 36.4],
  [37.66, 36.46], // west of al-Arimah (SDF)
  [37.68, 36.52],
  [37.7, 36.58],
  [37.8, 36.62], // Sajur river
  [37.9, 36.64],
  [38.0, 36.66],
  [38.06, 36.67], // Sajur–Euphrates confluence
  [38.04, 36.75], // Euphrates, SNA on the west bank
  [38.03, 36.83], // Euphrates at the Turkish border (Jarabulus)
  [38.03, 37.1], // Turkey
  [36.5, 37.1], // Turkey
  [36.3, 36.6], // Turkey
])

/** SNA zone Tal Abyad – Ras al-Ayn (Peace Spring), down to the M4. */
const SNA_PEACE_SPRING_DRAWN = ring([
  [38.85, 36.95], // Turkey
  [38.85, 36.62],
  [38.92, 36.52],
  [39.2, 36.5],
  [39.6, 36.52],
  [39.9, 36.55],
  [40.15, 36.62], // west of Tall Tamr (SDF)
  [40.2, 36.95], // Turkey
])

/** SDF-held Tal Rifaat pocket (with Menagh airbase), between Afrin, Azaz and Nubl. */
const POCKET_DRAWN = ring([
  POCKET_SW,
  [36.99, 36.405], // north of Nubl (government)
  [37.03, 36.4], // Deir Jamal (SDF) to the north
  [37.08, 36.385],
  [37.13, 36.39],
  [37.155, 36.415],
  POCKET_SE,
  [37.2, 36.6], // SNA, cut away
  [36.95, 36.6], // SNA, cut away
  [36.94, 36.45], // SNA, cut away
])

/** SDF: Manbij, Kobani, Raqqa, Hasakah and the left bank of the Euphrates in Deir ez-Zor. */
const SDF_EAST_DRAWN = ring([
  T2,
  [37.66, 36.35], // south of al-Arimah
  [37.8, 36.355],
  [37.95, 36.37],
  [38.05, 36.38],
  [38.12, 36.33], // Tishreen dam area
  [38.1, 36.25], // Lake Assad, al-Khafsah (government) to the west
  [38.1, 36.1],
  [38.15, 35.98], // Maskanah (government) to the west
  [38.25, 35.85],
  [38.45, 35.7], // south of al-Tabqa (SDF)
  [38.75, 35.68],
  [39.1, 35.7],
  [39.45, 35.73],
  [39.56, 35.775], // north of Ma'dan (government)
  [39.7, 35.69],
  [39.78, 35.65],
  [39.86, 35.6], // Euphrates between al-Tibni (government) and al-Kasrah (SDF)
  [39.95, 35.52],
  [40.13, 35.375], // Euphrates at Deir ez-Zor city (government)
  [40.32, 35.2],
  [40.47, 35.05], // Euphrates between al-Busayrah (SDF) and al-Mayadin (government)
  [40.6, 34.93],
  [40.78, 34.74],
  [40.86, 34.6], // Euphrates at Hajin (SDF)
  [40.93, 34.5], // Euphrates between al-Bukamal (government) and al-Susah (SDF)
  [41.0, 34.43],
  [41.6, 34.3], // Iraq
  [43.0, 35.5], // Iraq
  [43.0, 37.6], // Turkey / Iraq
  [38.0, 37.6], // Turkey
  [37.6, 36.8], // Turkey
  [37.6, 36.45], // SNA, cut away
])

/** SDF-held Sheikh Maqsoud and Ashrafiyeh in northern Aleppo. */
const SHEIKH_MAQSOUD_DRAWN = ring([
  [37.136, 36.222], // Ashrafiyeh, south-west
  [37.146, 36.214],
  [37.158, 36.216],
  [37.167, 36.224],
  [37.166, 36.236],
  [37.152, 36.243], // Sheikh Maqsoud, north
  [37.139, 36.236],
])

/** The government front zone: where ground changed hands 27 Nov – 1 Dec (plus a margin). */
const FRONT_ZONE = ring([
  [35.95, 36.0],
  [36.0, 35.62],
  [36.35, 35.55],
  [36.45, 35.3],
  [36.6, 35.27],
  [36.95, 35.3],
  [37.1, 35.45],
  [37.4, 35.58],
  [37.66, 35.65],
  [37.68, 36.05], // west of Dayr Hafir (government, outside the zone)
  [37.67, 36.3],
  [37.67, 36.6],
  [36.9, 36.7],
  [36.4, 36.45],
])

// ---------------------------------------------------------------------------------------------
// the advances, day by day. Each polygon starts on a vertex of a stable boundary (the Afrin line),
// runs along that day's front through government ground, rejoins the 2020 front at one of its
// vertices, and closes through ground the opposition already held (where it is cut away).

const CLOSE_WEST: Pos[] = [
  [36.6, 36.2],
  [36.85, 36.4],
] // inside the Idlib zone, then Afrin

/**
 * 27 Nov, drawn from the places reported taken that day (manifest: snapshots[1].taken): Base 46,
 * Urum al-Kubra, Urum al-Sughra, Ajel, Bala, al-Saloum, Basratoun, Anjara, Hur, Bashantra,
 * al-Qasimiyah, Qubtan al-Jabal, Kafr Basin and Sheikh Aqil. The line runs 1–2.5 km beyond the
 * outermost village reported taken, short of the next ones reported taken only on 28 Nov (Kafr
 * Dael, Khan al-Asal, al-Mansoura, Kafr Halab, al-Zerbah). Bashantra, 3 km from the city, is in a
 * single report (Anadolu, relaying the attackers' claim) that the distances reported that day
 * (Reuters, SOHR: about 10 km from the outskirts) contradict: its ground is contested (CONTESTED_27).
 */
const HTS_27 = ring([
  AFRIN_GOV_1,
  [36.98, 36.318],
  [37.0, 36.295], // east of Sheikh Aqil
  [37.008, 36.27], // east of Kafr Basin
  [37.01, 36.252], // east of al-Qasimiyah
  [37.018, 36.238], // 1 km east of Hur and Anjara
  [37.015, 36.222], // between Hur (taken) and Bashantra (claimed only: contested)
  [37.012, 36.2],
  [37.01, 36.175],
  [37.012, 36.158], // west of Khan al-Asal (government)
  [36.99, 36.14],
  [36.97, 36.13], // south-east of Urum al-Kubra
  [36.935, 36.115],
  [36.9, 36.108], // south of Base 46
  [36.866, 36.11], // back on the 2020 front
  [36.8, 36.1],
  ...CLOSE_WEST,
])

/** 27 Nov, contested: Bashantra and the ground round it, between Hur and Kafr Dael. */
const CONTESTED_27 = ring([
  [37.018, 36.238],
  [37.04, 36.224], // east of Bashantra, north-west of Kafr Dael (government)
  [37.03, 36.212],
  [37.022, 36.2], // west of Kafr Dael
  [37.012, 36.2],
  [37.015, 36.222],
])

/**
 * 28 Nov, drawn from the places reported taken that day (manifest: snapshots[2].taken): Kafr Dael,
 * al-Mansoura and Khan al-Asal on the western edge of Aleppo, Kafr Halab and al-Zerbah, where the
 * M5 is cut, and the M4–M5 junction south-east of Saraqib; fighting at Dadikh, Kafr Battikh and
 * Tarnaba on the Saraqib front; Saraqib itself still held by the army. The line runs about 0.5 km
 * beyond al-Mansoura (the village reported taken nearest to the city) and 1 km beyond Khan al-Asal.
 */
const HTS_28 = ring([
  AFRIN_GOV_1,
  [36.98, 36.33],
  [37.01, 36.315],
  [37.04, 36.295], // west of Anadan (government until 29 Nov)
  [37.055, 36.275],
  [37.06, 36.255],
  [37.062, 36.235],
  [37.062, 36.22], // north-east of al-Mansoura
  [37.061, 36.205], // 0.5 km east of al-Mansoura
  [37.056, 36.19],
  [37.05, 36.168], // 1.1 km east of Khan al-Asal
  [37.048, 36.15], // across the M5 south-east of Khan al-Asal
  [37.04, 36.13],
  [37.025, 36.1], // west of Khan Tuman (not reported taken)
  [37.005, 36.075], // south-east of al-Zerbah
  [36.98, 36.05],
  [36.95, 36.025],
  [36.925, 36.005], // back west of the M5
  [36.9, 35.995],
  [36.87, 35.99],
  [36.84, 35.95],
  [36.82, 35.915],
  [36.805, 35.885],
  near('Saraqib', -1.5, 0.8), // western edge of Saraqib
  near('Saraqib', -1.2, -0.8),
  near('Saraqib', 0.8, -0.6), // southern neighbourhoods of Saraqib
  near('Saraqib', 2.9, -0.3), // M5 north of the M4–M5 junction
  near('Saraqib', 3.8, -1.6),
  [36.84, 35.83],
  [36.82, 35.81], // Dadikh / Kafr Battikh area
  [36.78, 35.8],
  [36.73, 35.795],
  [36.68, 35.8], // back on the 2020 front
  [36.5, 35.85],
  ...CLOSE_WEST,
])

/** 29 Nov: Anadan, Haritan, Kafr Hamra; fighters in New Aleppo, al-Hamdaniyeh, al-Zahraa, Rashideen; Saraqib falls. */
const HTS_29 = ring([
  AFRIN_GOV_1,
  [36.985, 36.333],
  [37.02, 36.325],
  [37.06, 36.31],
  [37.1, 36.295], // north of Haritan
  [37.125, 36.28],
  [37.13, 36.262], // Layramoun
  [37.128, 36.245],
  [37.13, 36.225], // al-Zahraa / Aleppo University
  [37.132, 36.205],
  [37.128, 36.185], // al-Hamdaniyeh
  [37.12, 36.165],
  [37.115, 36.148],
  [37.11, 36.13], // Aleppo's south-western edge (military academies)
  [37.1, 36.11],
  [37.085, 36.09],
  [37.07, 36.06],
  [37.05, 36.035], // north of al-Hader (government)
  [37.02, 36.01],
  [36.99, 35.975],
  [36.96, 35.94],
  [36.93, 35.905],
  [36.9, 35.87],
  [36.88, 35.84], // east of Saraqib and the M5
  [36.86, 35.81],
  [36.83, 35.79],
  [36.79, 35.775],
  [36.74, 35.765],
  [36.65, 35.77], // back on the 2020 front
  [36.5, 35.85],
  ...CLOSE_WEST,
])

/** Lines shared by the 30 Nov and 1 Dec advances. */
const NORTH_OF_ALEPPO: Pos[] = [
  AFRIN_GOV_2,
  [37.0, 36.345], // south of al-Zahraa and Nubl (government, then SNA)
  [37.06, 36.33],
  [37.12, 36.31],
  [37.16, 36.285],
]
const EAST_OF_IDLIB: Pos[] = [
  [37.25, 36.12],
  [37.22, 36.05],
  [37.2, 35.95],
  [37.22, 35.85],
  [37.22, 35.72], // east of Abu al-Duhur airbase
  [37.15, 35.6],
  [37.0, 35.48], // south-east of Sinjar and al-Tamanaah
]
const CLOSE_GHAB: Pos[] = [[36.42, 35.67], [36.3, 35.8], ...CLOSE_WEST] // rejoin the 2020 front in the Ghab

/**
 * 30 Nov: most of Aleppo city with the citadel and the airport (north-eastern districts still held
 * by the government, Sheikh Maqsoud by the SDF); all of Idlib province: Maarat al-Numan, Abu al-Duhur,
 * Khan Shaykhun; Morek in northern Hama.
 */
const HTS_30 = ring([
  ...NORTH_OF_ALEPPO,
  [37.175, 36.262],
  [37.19, 36.245],
  [37.2, 36.232],
  [37.215, 36.218], // Hanano / Haydariyeh (government) to the north-east
  [37.24, 36.205],
  [37.265, 36.2],
  [37.27, 36.17], // east of Aleppo International Airport and Nayrab airbase
  ...EAST_OF_IDLIB,
  [36.85, 35.42],
  near('Murak', 6.3, -1.8),
  near('Murak', 0.9, -2.3), // south of Morek
  near('Murak', -3.6, -1.2),
  [36.62, 35.39], // north of Kafr Zita (government)
  [36.58, 35.44],
  [36.53, 35.5],
  [36.48, 35.57],
  [36.44, 35.62],
  ...CLOSE_GHAB,
])

/**
 * 1 Dec: the north-eastern districts of Aleppo and the Sheikh Najjar industrial city; Nubl and
 * al-Zahraa, left by pro-government militias, up to the Tal Rifaat pocket; the front in northern
 * Hama north of Suran, Taybat al-Imam and Halfaya (which fell on 2–3 Dec); Kafr Zita.
 */
const HTS_01 = ring([
  AFRIN_GOV_2,
  [36.955, 36.42], // Afrin (SNA), cut away
  [37.05, 36.45], // Tal Rifaat pocket, cut away
  [37.08, 36.385], // on the pocket's southern edge
  [37.11, 36.345], // east of Nubl and al-Zahraa
  [37.15, 36.31],
  [37.2, 36.29],
  [37.25, 36.295], // Sheikh Najjar
  [37.29, 36.27],
  [37.3, 36.22],
  [37.285, 36.175],
  ...EAST_OF_IDLIB,
  [36.88, 35.4],
  [36.8, 35.33],
  near('Suran', -0.7, 2.2, '10'), // north of Suran (government)
  [36.7, 35.31], // north of Taybat al-Imam (government)
  [36.66, 35.32],
  [36.62, 35.335], // north of Halfaya (government)
  [36.58, 35.35],
  [36.52, 35.4], // north-east of Kurnaz (government)
  [36.5, 35.45],
  [36.46, 35.53],
  [36.43, 35.6],
  ...CLOSE_GHAB,
])

/** 30 Nov: SNA "Dawn of Freedom" takes Tadef south of al-Bab. */
const SNA_30 = ring([
  [37.4, 36.37],
  [37.43, 36.335],
  [37.48, 36.32],
  [37.53, 36.33], // south of Tadef
  [37.57, 36.34],
  T2,
  [37.5, 36.42], // al-Bab (SNA)
])

/**
 * 1 Dec: the SNA takes Kuweires airbase, reaches the south of Sheikh Najjar and encircles Tal Rifaat
 * (entering it the same day), taking the ground between the pocket, al-Bab and Aleppo; south of
 * Kuweires it takes as-Safirah and Khanasir on the Aleppo–Khanasir road (the army's supply route),
 * drawn as a corridor about 4–5 km either side of as-Safirah and of the road down to Khanasir.
 */
const SNA_01 = ring([
  [36.9, 36.45], // Afrin
  [36.93, 36.34], // Afrin
  [37.0, 36.32], // HTS, cut away
  [37.1, 36.29],
  [37.2, 36.27],
  [37.3, 36.25], // south of Sheikh Najjar
  [37.33, 36.2],
  [37.32, 36.12], // west of as-Safirah
  [37.34, 36.04],
  [37.4, 35.93],
  [37.44, 35.82],
  [37.46, 35.74], // south-west of Khanasir
  [37.54, 35.74], // south-east of Khanasir
  [37.55, 35.84],
  [37.5, 35.96],
  [37.44, 36.06], // east of as-Safirah
  [37.48, 36.15],
  [37.55, 36.15],
  [37.63, 36.16], // south-east of Kuweires airbase
  [37.645, 36.25],
  [37.62, 36.33],
  T2,
  [37.5, 36.42], // al-Bab (SNA)
  [37.2, 36.5], // Mare' (SNA)
  [36.98, 36.5], // Afrin
])

/**
 * 1 Dec, contested: the ground between the HTS line east of Aleppo and Idlib and the SNA corridor
 * to Khanasir. The army left it (its supply road was cut at as-Safirah and Khanasir), but no report
 * says who held it; it is marked contested rather than given to either side.
 */
const CONTESTED_01 = ring([
  [37.285, 36.175],
  [37.33, 36.2],
  [37.32, 36.12],
  [37.34, 36.04],
  [37.4, 35.93],
  [37.44, 35.82],
  [37.46, 35.74],
  [37.3, 35.62],
  [37.15, 35.6],
  [37.22, 35.72],
  [37.22, 35.85],
  [37.2, 35.95],
  [37.22, 36.05],
  [37.25, 36.12],
])

// ---------------------------------------------------------------------------------------------
// reference features

const SOURCE_GEONAMES = 'GeoNames cities500 (geonames.org), CC BY 4.0'
const SOURCE_HAND = 'hand-placed from public maps (approximate)'

/** Aleppo's built-up area ("the outskirts" in reporting), drawn by hand, counter-clockwise. */
const OUTSKIRTS: Pos[] = [
  [37.08, 36.156], // al-Rashideen south / military academies
  [37.1, 36.142],
  [37.125, 36.132], // al-Ramouseh south-west
  [37.15, 36.127], // al-Ramouseh
  [37.172, 36.129], // Sheikh Saeed
  [37.198, 36.14],
  [37.215, 36.158], // al-Nayrab camp, west of the airport
  [37.219, 36.182],
  [37.228, 36.2], // Karm al-Tahhan / Sheikh Lutfi
  [37.236, 36.218], // Masaken Hanano east
  [37.233, 36.238], // al-Haydariyeh east
  [37.218, 36.257], // Ain al-Tal / Jandoul
  [37.195, 36.269],
  [37.17, 36.274], // north of Bani Zaid
  [37.15, 36.27], // north of Sheikh Maqsoud
  [37.13, 36.268], // al-Layramoun industrial area
  [37.112, 36.27],
  [37.098, 36.26], // al-Zahraa association, north-west
  [37.088, 36.247],
  [37.08, 36.23], // al-Zahraa association, west
  [37.072, 36.213], // New Aleppo north-west
  [37.066, 36.197], // New Aleppo west / Rashideen 5
  [37.063, 36.18], // Rashideen 4 west
  [37.068, 36.166],
]

/**
 * M5 from Damascus to Aleppo through GeoNames town positions plus intermediate points. North of
 * Saraqib it follows the highway's own alignment: al-Zerbah, west of Khan Tuman, the southern edge
 * of Khan al-Asal, al-Rashideen and into the city (not the old Khan Tuman – al-Ramouseh road).
 */
const M5: Pos[] = [
  G('Damascus'),
  G('Harasta'),
  [36.42, 33.6],
  [36.5, 33.66],
  G('Al Qutayfah'),
  [36.65, 33.84],
  [36.69, 33.93],
  G('An Nabk'),
  G('Dayr `Atiyah'),
  G('Qarah'),
  [36.75, 34.28],
  G("Hisya'"),
  [36.74, 34.56],
  [36.735, 34.68],
  G('Homs'),
  G('Tallbisah'),
  G('Ar Rastan'),
  [36.75, 35.03],
  G('Hamah'),
  [36.755, 35.22],
  G('Suran', '10'),
  G('Murak'),
  G('Khan Shaykhun'),
  [36.665, 35.54],
  near('Ma`arrat an Nu`man', 0.7, 0), // east edge of Ma'arrat an-Nu'man
  [36.72, 35.72],
  [36.77, 35.78],
  [36.805, 35.83],
  near('Saraqib', 2.0, -1.0), // M4–M5 junction south-east of Saraqib
  near('Saraqib', 2.9, 1.2), // east edge of Saraqib
  [36.86, 35.91],
  [36.9, 35.97],
  [36.945, 36.02],
  G('Az Zarbah'),
  [37.008, 36.095],
  [37.02, 36.12], // west of Khan Tuman, east of Sheikh Ali
  offset(KHAN_AL_ASAL(), 0.8, 180), // the southern edge of Khan al-Asal (Wikipedia, de)
  [37.07, 36.168], // al-Rashideen, the south-western edge of the city
  [37.105, 36.185], // New Aleppo / al-Hamdaniyeh
  [37.135, 36.197],
  G('Aleppo'),
]

/** M4 from Latakia through Jisr al-Shughur and Ariha to the M5 at Saraqib. */
const M4: Pos[] = [
  G('Latakia'),
  [35.87, 35.56],
  G('Al Bahluliyah'),
  [36.05, 35.69],
  [36.14, 35.74],
  [36.22, 35.78],
  G('Jisr ash Shughur'),
  G('Muhambal'),
  [36.54, 35.8],
  G('Ariha'),
  [36.7, 35.835],
  [36.78, 35.845],
  near('Saraqib', 0.4, -1.3), // south of Saraqib
  near('Saraqib', 2.0, -1.0), // M4–M5 junction
]

interface TownSpec {
  id: string
  ascii: string
  admin1?: string
  name: string
  name_ar: string
  kind: 'city' | 'town' | 'village'
}

const TOWNS: TownSpec[] = [
  { id: 'saraqib', ascii: 'Saraqib', name: 'Saraqib', name_ar: 'سراقب', kind: 'town' },
  { id: 'maarat-al-numan', ascii: 'Ma`arrat an Nu`man', name: "Ma'arrat an-Nu'man", name_ar: 'معرة النعمان', kind: 'town' },
  { id: 'khan-shaykhun', ascii: 'Khan Shaykhun', name: 'Khan Shaykhun', name_ar: 'خان شيخون', kind: 'town' },
  { id: 'al-atarib', ascii: 'Al Atarib', name: 'Al-Atarib', name_ar: 'الأتارب', kind: 'town' },
  { id: 'darat-izza', ascii: 'Darat `Izzah', name: 'Darat Izza', name_ar: 'دارة عزة', kind: 'town' },
  { id: 'al-zerbah', ascii: 'Az Zarbah', name: 'Al-Zerbah (Az-Zarbah)', name_ar: 'الزربة', kind: 'village' },
  { id: 'al-hader', ascii: 'Al Hadir', name: 'Al-Hader', name_ar: 'الحاضر', kind: 'village' },
  { id: 'haritan', ascii: 'Huraytan', name: 'Haritan (Huraytan)', name_ar: 'حريتان', kind: 'town' },
  { id: 'tal-rifaat', ascii: 'Tall Rif`at', name: 'Tal Rifaat', name_ar: 'تل رفعت', kind: 'town' },
  { id: 'nubl', ascii: 'Nubl', name: 'Nubl', name_ar: 'نبل', kind: 'town' },
  { id: 'mare', ascii: 'Mari`', name: "Mare'", name_ar: 'مارع', kind: 'town' },
  { id: 'azaz', ascii: 'I`zaz', name: 'Azaz', name_ar: 'أعزاز', kind: 'town' },
  { id: 'afrin', ascii: '`Afrin', name: 'Afrin', name_ar: 'عفرين', kind: 'town' },
  { id: 'al-bab', ascii: 'Al Bab', name: 'Al-Bab', name_ar: 'الباب', kind: 'town' },
  { id: 'tadef', ascii: 'Tadif', name: 'Tadef', name_ar: 'تادف', kind: 'town' },
  { id: 'jarabulus', ascii: 'Jarabulus', name: 'Jarabulus', name_ar: 'جرابلس', kind: 'town' },
  { id: 'manbij', ascii: 'Manbij', name: 'Manbij', name_ar: 'منبج', kind: 'town' },
  { id: 'dayr-hafir', ascii: 'Dayr Hafir', name: 'Dayr Hafir', name_ar: 'دير حافر', kind: 'town' },
  { id: 'as-safirah', ascii: 'As Safirah', name: 'As-Safirah', name_ar: 'السفيرة', kind: 'town' },
  { id: 'khanasir', ascii: 'Khanasir', name: 'Khanasir', name_ar: 'خناصر', kind: 'town' },
  { id: 'idlib', ascii: 'Idlib', name: 'Idlib', name_ar: 'إدلب', kind: 'city' },
  { id: 'sarmin', ascii: 'Sarmin', name: 'Sarmin', name_ar: 'سرمين', kind: 'town' },
  { id: 'taftanaz', ascii: 'Taftanaz', name: 'Taftanaz', name_ar: 'تفتناز', kind: 'town' },
  { id: 'ariha', ascii: 'Ariha', name: 'Ariha', name_ar: 'أريحا', kind: 'town' },
  { id: 'jisr-al-shughur', ascii: 'Jisr ash Shughur', name: 'Jisr al-Shughur', name_ar: 'جسر الشغور', kind: 'town' },
  { id: 'kafranbel', ascii: 'Kafranbel', name: 'Kafranbel', name_ar: 'كفرنبل', kind: 'town' },
  { id: 'abu-al-duhur', ascii: 'Abu az Zuhur', name: 'Abu al-Duhur', name_ar: 'أبو الظهور', kind: 'town' },
  { id: 'at-tamanaah', ascii: 'At Tamani`ah', name: "At-Tamana'ah", name_ar: 'التمانعة', kind: 'town' },
  { id: 'morek', ascii: 'Murak', name: 'Morek', name_ar: 'مورك', kind: 'town' },
  { id: 'kafr-zita', ascii: 'Kafr Zayta', name: 'Kafr Zita', name_ar: 'كفرزيتا', kind: 'town' },
  { id: 'halfaya', ascii: 'Halfaya', name: 'Halfaya', name_ar: 'حلفايا', kind: 'town' },
  { id: 'taybat-al-imam', ascii: 'Tayyibat al Imam', name: 'Taybat al-Imam', name_ar: 'طيبة الإمام', kind: 'town' },
  { id: 'suran', ascii: 'Suran', admin1: '10', name: 'Suran', name_ar: 'صوران', kind: 'town' },
  { id: 'mhardeh', ascii: 'Muhradah', name: 'Mhardeh', name_ar: 'محردة', kind: 'town' },
  { id: 'hama', ascii: 'Hamah', name: 'Hama', name_ar: 'حماة', kind: 'city' },
  { id: 'ar-rastan', ascii: 'Ar Rastan', name: 'Ar-Rastan', name_ar: 'الرستن', kind: 'town' },
  { id: 'homs', ascii: 'Homs', name: 'Homs', name_ar: 'حمص', kind: 'city' },
  { id: 'damascus', ascii: 'Damascus', name: 'Damascus', name_ar: 'دمشق', kind: 'city' },
  { id: 'latakia', ascii: 'Latakia', name: 'Latakia', name_ar: 'اللاذقية', kind: 'city' },
]

// ---------------------------------------------------------------------------------------------
// build

/** Which manifest sources a hand-placed position cites. */
const positionCites = (): Record<string, string[]> => ({
  'base-46': [SRC.wikiBase46, SRC.dailyStar2012],
  'urum-al-sughra': [SRC.wikiBase46, SRC.muraselon2020],
  'urum-al-kubra': [SRC.wikiUrumKubra],
  'khan-al-asal': [SRC.wikiKhanAsal],
  'kafr-dael': [SRC.wikiKhanAsal],
  'al-mansoura': [SRC.routeDaratIzza],
  bashantra: [SRC.routeDaratIzza],
  hur: [SRC.routeDaratIzza],
  anjara: [SRC.routeDaratIzza],
  qasimiyah: [SRC.routeDaratIzza],
  'qubtan-al-jabal': [SRC.routeDaratIzza],
  'sheikh-aqil': [SRC.akhbarAlaan2016],
  'al-zahraa': [SRC.wikiZahraa],
})

function buildFeatures(): FeatureCollection {
  const features: Feature[] = []
  const geonamesSource = (id: number): string => `GeoNames cities500, geonameid ${id} (the populated place's point; the built-up area extends around it)`
  const aleppo = place('Aleppo')
  features.push({
    type: 'Feature',
    id: 'aleppo',
    properties: {
      kind: 'city',
      name: 'Aleppo',
      name_ar: 'حلب',
      geonames_id: aleppo.properties.geonameid,
      source: SOURCE_GEONAMES,
      positionSource: geonamesSource(aleppo.properties.geonameid),
      uncertaintyKm: 1,
      note: 'city centre (GeoNames point, beside the citadel)',
    },
    geometry: { type: 'Point', coordinates: G('Aleppo') },
  })
  const outskirts = clean({ type: 'Polygon', coordinates: [[...OUTSKIRTS, OUTSKIRTS[0]]] })
  features.push({
    type: 'Feature',
    id: 'aleppo-outskirts',
    properties: {
      kind: 'outskirts',
      name: 'Aleppo outskirts (built-up edge of the city)',
      name_ar: 'أطراف مدينة حلب',
      source: 'hand-drawn from public maps (approximate)',
      positionSource:
        'hand-drawn round the districts reporting names as the western edge (New Aleppo, al-Rashideen, al-Hamdaniyeh, the al-Zahraa association, the Scientific Research area); no published city boundary was found',
      uncertaintyKm: 1,
      note: 'the built-up area of Aleppo city that reporting calls its outskirts; western edge at New Aleppo, al-Rashideen, al-Hamdaniyeh and the al-Zahraa association; the airport lies just outside to the east',
      area_km2: Math.round(km2(outskirts) * 10) / 10,
    },
    geometry: outskirts!,
  })
  features.push({
    type: 'Feature',
    id: 'm5',
    properties: {
      kind: 'highway',
      name: 'M5 Damascus–Aleppo highway',
      name_ar: 'الطريق الدولي M5 دمشق–حلب',
      owner_side: 'government',
      source: 'hand-drawn through GeoNames town positions (approximate)',
      positionSource:
        'hand-drawn through GeoNames town positions; north of al-Zerbah along the southern edge of Khan al-Asal (Wikipedia, de) to al-Rashideen and into the city',
      positionSources: [SRC.wikiKhanAsal],
      uncertaintyKm: 1.5,
      note: 'Damascus – Homs – Hama – Khan Shaykhun – Maarat al-Numan – Saraqib – al-Zerbah – Khan al-Asal – al-Rashideen – Aleppo',
    },
    geometry: { type: 'LineString', coordinates: M5 } satisfies LineString,
  })
  features.push({
    type: 'Feature',
    id: 'm4',
    properties: {
      kind: 'highway',
      name: 'M4 Latakia–Saraqib highway',
      name_ar: 'الطريق الدولي M4 اللاذقية–سراقب',
      owner_side: 'government',
      source: 'hand-drawn through GeoNames town positions (approximate)',
      positionSource: 'hand-drawn through GeoNames town positions (Latakia, al-Bahluliyah, Jisr al-Shughur, Muhambal, Ariha, Saraqib)',
      uncertaintyKm: 2,
      note: 'Latakia – Jisr al-Shughur – Ariha – Saraqib (joins the M5); the Jisr al-Shughur – Ariha stretch was HTS-held since 2020',
    },
    geometry: { type: 'LineString', coordinates: M4 } satisfies LineString,
  })
  features.push({
    type: 'Feature',
    id: 'atarib-aleppo-axis',
    properties: {
      kind: 'axis',
      name: 'Axis al-Atarib – Urum al-Kubra – Khan al-Asal – Aleppo (the Aleppo–Bab al-Hawa road)',
      name_ar: 'محور الأتارب – أورم الكبرى – خان العسل – حلب',
      owner_side: 'government',
      source: 'drawn through GeoNames al-Atarib and Aleppo and the positions of Urum al-Kubra and Khan al-Asal (approximate)',
      positionSource:
        'straight legs between GeoNames al-Atarib, Urum al-Kubra (Wikipedia coordinates), Khan al-Asal (Wikipedia distance and direction) and GeoNames Aleppo',
      positionSources: [SRC.wikiUrumKubra, SRC.wikiKhanAsal],
      uncertaintyKm: 1.5,
      note: 'the axis of the first two days of the advance, used to measure its depth: km of this line held by the opposition (route analysis with owner=government)',
    },
    geometry: { type: 'LineString', coordinates: [G('Al Atarib'), [36.95, 36.14861], KHAN_AL_ASAL(), G('Aleppo')] } satisfies LineString,
  })
  for (const h of hand()) {
    const cites = positionCites()[h.id]
    features.push({
      type: 'Feature',
      id: h.id,
      properties: {
        kind: h.kind,
        name: h.name,
        name_ar: h.name_ar,
        source: SOURCE_HAND,
        positionSource: h.positionSource,
        ...(cites ? { positionSources: cites } : {}),
        uncertaintyKm: h.uncertaintyKm,
      },
      geometry: { type: 'Point', coordinates: h.at },
    })
  }
  const osap = airport('OSAP')
  features.push({
    type: 'Feature',
    id: 'aleppo-airport',
    properties: {
      kind: 'airport',
      name: 'Aleppo International Airport',
      name_ar: 'مطار حلب الدولي',
      icao: 'OSAP',
      source: 'OurAirports (OSAP), public domain',
      positionSource: 'OurAirports OSAP (airport reference point)',
      uncertaintyKm: 1,
    },
    geometry: { type: 'Point', coordinates: p5(osap.geometry.coordinates) },
  })
  features.push({
    type: 'Feature',
    id: 'nayrab-airbase',
    properties: {
      kind: 'airport',
      name: 'Nayrab military airbase',
      name_ar: 'مطار النيرب العسكري',
      source: 'OurAirports (OSAP), public domain',
      positionSource: 'OurAirports OSAP: the military side of Aleppo International Airport shares its runways',
      uncertaintyKm: 1.5,
      note: 'the military side of Aleppo International Airport; shares its runways, so the OSAP position is used',
    },
    geometry: { type: 'Point', coordinates: p5(osap.geometry.coordinates) },
  })
  features.push({
    type: 'Feature',
    id: 'kuweires-airbase',
    properties: {
      kind: 'airport',
      name: 'Kuweires military airbase',
      name_ar: 'مطار كويرس العسكري',
      source: SOURCE_HAND,
      positionSource: 'hand-placed from public maps (not in OurAirports), about 4.5 km east-north-east of GeoNames Kuwayris Sharqi',
      uncertaintyKm: 2,
    },
    geometry: { type: 'Point', coordinates: [37.583, 36.187] },
  })
  const os57 = airport('OS57')
  features.push({
    type: 'Feature',
    id: 'abu-al-duhur-airbase',
    properties: {
      kind: 'airport',
      name: 'Abu al-Duhur military airbase',
      name_ar: 'مطار أبو الظهور العسكري',
      icao: 'OS57',
      source: 'OurAirports (OS57), public domain',
      positionSource: 'OurAirports OS57 (airport reference point)',
      uncertaintyKm: 1,
    },
    geometry: { type: 'Point', coordinates: p5(os57.geometry.coordinates) },
  })
  for (const t of TOWNS) {
    const f = place(t.ascii, t.admin1)
    features.push({
      type: 'Feature',
      id: t.id,
      properties: {
        kind: t.kind,
        name: t.name,
        name_ar: t.name_ar,
        geonames_id: f.properties.geonameid,
        source: SOURCE_GEONAMES,
        positionSource: geonamesSource(f.properties.geonameid),
        uncertaintyKm: t.kind === 'city' ? 2 : 1,
      },
      geometry: { type: 'Point', coordinates: p5(f.geometry.coordinates) },
    })
  }
  return { type: 'FeatureCollection', features }
}

interface Piece {
  id: string
  actor: string | null
  status: 'controlled' | 'contested'
  source: string
  note: string
  geometry: Area | null
}

const DAYS = ['2024-11-26', '2024-11-27', '2024-11-28', '2024-11-29', '2024-11-30', '2024-12-01'] as const
type Day = (typeof DAYS)[number]

const SRC = {
  lines2020: 'frontline-2020-lines',
  reuters28: 'reuters-2024-11-28',
  sofx28: 'sofx-2024-11-28',
  syrianObserver27: 'syrian-observer-2024-11-27',
  mediaLine27: 'media-line-2024-11-27',
  afp28: 'afp-sohr-2024-11-28',
  syriaRevisited: 'syria-revisited-2024-11-29',
  trt29: 'trt-world-2024-11-29',
  yahoo29: 'yahoo-news-2024-11-29',
  politico30: 'politico-2024-11-30',
  albawaba30: 'al-bawaba-2024-11-30',
  anews30: 'anews-2024-11-30',
  cnn01: 'devdiscourse-cnn-2024-12-01',
  sabah01: 'daily-sabah-2024-12-01',
  anews01: 'anews-2024-12-01',
  mint01: 'livemint-2024-12-01',
  enab05: 'enab-baladi-2024-12-05',
  anadolu28: 'anadolu-anews-2024-11-28',
  anf27: 'anf-firat-2024-11-27',
  rudaw29: 'rudaw-sohr-2024-11-29',
  afp29: 'afp-sohr-2024-11-29',
  afp30: 'afp-sohr-2024-11-30',
  ap29: 'ap-2024-11-29',
  dawnOfFreedomWiki: 'wikipedia-dawn-of-freedom',
  // position sources (where a hand-placed feature's position comes from)
  wikiBase46: 'wikipedia-siege-of-base-46',
  dailyStar2012: 'daily-star-2012-10-09',
  wikiUrumKubra: 'wikipedia-urum-al-kubra',
  wikiZahraa: 'wikipedia-al-zahraa',
  wikiKhanAsal: 'wikipedia-khan-al-asal',
  routeDaratIzza: 'route-aleppo-darat-izza',
  muraselon2020: 'muraselon-2020-02',
  akhbarAlaan2016: 'akhbar-alaan-2016-02-26',
} as const

/** A place reported taken on a day, with the reports that say so. */
interface Taken {
  place: string
  sources: string[]
  /** contested: the report is not enough to give the place to the opposition that day (drawn contested). */
  status?: 'contested'
  note?: string
}

/**
 * The places reported taken each day: the lines of that day are drawn round them (the check and
 * the tests verify that each one changes from government to opposition on exactly that day).
 */
const TAKEN: Record<Day, Taken[]> = {
  '2024-11-26': [],
  '2024-11-27': [
    { place: 'base-46', sources: [SRC.anadolu28, SRC.syrianObserver27, SRC.sofx28] },
    { place: 'urum-al-kubra', sources: [SRC.anadolu28] },
    { place: 'urum-al-sughra', sources: [SRC.syrianObserver27] },
    { place: 'anjara', sources: [SRC.anadolu28, SRC.syrianObserver27] },
    { place: 'hur', sources: [SRC.anadolu28, SRC.anf27], note: 'Anadolu: Hawr; ANF: Hûr' },
    { place: 'qasimiyah', sources: [SRC.anadolu28, SRC.anf27] },
    { place: 'bala', sources: [SRC.anadolu28, SRC.anf27] },
    { place: 'basratoun', sources: [SRC.anadolu28, SRC.anf27], note: 'ANF: Bestrun' },
    { place: 'al-saloum', sources: [SRC.anadolu28, SRC.anf27] },
    { place: 'ajel', sources: [SRC.anadolu28], note: 'Anadolu: Ajil' },
    {
      place: 'bashantra',
      sources: [SRC.anadolu28],
      status: 'contested',
      note: 'Anadolu: Bashnatrah; a single claim the distances reported that day contradict, so contested on 27 Nov and opposition-held from 28 Nov',
    },
    { place: 'kafr-basin', sources: [SRC.syrianObserver27, SRC.anf27], note: 'ANF: Kefer Bisên' },
    { place: 'qubtan-al-jabal', sources: [SRC.anf27, SRC.syrianObserver27, SRC.mediaLine27] },
    { place: 'sheikh-aqil', sources: [SRC.anf27, SRC.syrianObserver27, SRC.mediaLine27] },
  ],
  '2024-11-28': [
    { place: 'khan-al-asal', sources: [SRC.syriaRevisited, SRC.afp29], note: 'AFP photographed fighters in Khan al-Asal on 29 Nov' },
    { place: 'kafr-dael', sources: [SRC.syriaRevisited] },
    { place: 'al-mansoura', sources: [SRC.syriaRevisited] },
    { place: 'kafr-halab', sources: [SRC.syriaRevisited] },
    { place: 'al-zerbah', sources: [SRC.syriaRevisited, SRC.afp28], note: 'the M5 cut (SOHR via AFP)' },
  ],
  '2024-11-29': [{ place: 'saraqib', sources: [SRC.afp30], note: 'reported taken in the SOHR account of the morning of 30 Nov' }],
  '2024-11-30': [
    { place: 'aleppo', sources: [SRC.politico30, SRC.cnn01] },
    { place: 'aleppo-airport', sources: [SRC.albawaba30, SRC.anews30] },
    { place: 'maarat-al-numan', sources: [SRC.albawaba30] },
    { place: 'khan-shaykhun', sources: [SRC.anews30] },
    { place: 'morek', sources: [SRC.albawaba30] },
  ],
  '2024-12-01': [
    { place: 'kuweires-airbase', sources: [SRC.sabah01, SRC.dawnOfFreedomWiki] },
    { place: 'as-safirah', sources: [SRC.dawnOfFreedomWiki], note: 'taken by the SNA' },
    { place: 'khanasir', sources: [SRC.dawnOfFreedomWiki], note: 'taken by the SNA' },
    { place: 'tal-rifaat', sources: [SRC.sabah01, SRC.anews01], note: 'encircled and entered by the SNA' },
    { place: 'nubl', sources: [SRC.enab05], note: 'the day of capture is approximate' },
    { place: 'al-zahraa', sources: [SRC.enab05], note: 'the day of capture is approximate' },
  ],
}

const DAY_SOURCES: Record<Day, string[]> = {
  '2024-11-26': [SRC.lines2020, SRC.muraselon2020],
  '2024-11-27': [SRC.anadolu28, SRC.anf27, SRC.syrianObserver27, SRC.mediaLine27, SRC.reuters28, SRC.rudaw29],
  '2024-11-28': [SRC.syriaRevisited, SRC.afp28, SRC.trt29, SRC.afp29, SRC.sofx28, SRC.reuters28],
  '2024-11-29': [SRC.afp29, SRC.ap29, SRC.trt29, SRC.yahoo29, SRC.politico30, SRC.afp30],
  '2024-11-30': [SRC.politico30, SRC.albawaba30, SRC.anews30, SRC.cnn01],
  '2024-12-01': [SRC.cnn01, SRC.sabah01, SRC.anews01, SRC.dawnOfFreedomWiki, SRC.mint01, SRC.enab05],
}

const DAY_NOTES: Record<Day, string> = {
  '2024-11-26': 'lines before the offensive (March 2020 ceasefire lines, own reconstruction)',
  '2024-11-27':
    'first day of the HTS-led offensive: the 46th Regiment base and the villages listed in taken; Anadolu: some 5 km from Aleppo city, 245 km²; Reuters (army source) and SOHR: within about 10 km of the outskirts',
  '2024-11-28':
    'Khan al-Asal, Kafr Dael, al-Mansoura, Kafr Halab and al-Zerbah taken; the M5 cut at al-Zerbah and the M4–M5 junction taken (SOHR); TRT/Anadolu: within 1 km of the outer neighbourhoods; SOHR via AFP next morning: almost 2 km from the city',
  '2024-11-29': 'fighters enter western Aleppo (New Aleppo, the Scientific Research neighbourhood, al-Hamdaniyeh, al-Zahraa association); Saraqib falls',
  '2024-11-30':
    'most of Aleppo city incl. the citadel and the airport held by the opposition; SDF keeps Sheikh Maqsoud; Maarat al-Numan, Khan Shaykhun and Morek taken; SNA launches Dawn of Freedom (Tadef)',
  '2024-12-01':
    'all of Aleppo city but Sheikh Maqsoud; Nubl and al-Zahraa; front in northern Hama just north of Suran, Taybat al-Imam and Halfaya (taken 2–3 Dec); the SNA takes Kuweires, as-Safirah and Khanasir and encircles and enters Tal Rifaat; the ground between the HTS line and the SNA corridor to Khanasir is contested',
}

function main(): void {
  const syriaGeometry = syriaFile.features[0].geometry
  const syria = clean(syriaGeometry)!

  const sheikhMaqsoud = intersect(SHEIKH_MAQSOUD_DRAWN, syria)
  const snaNorth = intersect(SNA_NORTH_DRAWN, syria)
  const snaPeaceSpring = difference(intersect(SNA_PEACE_SPRING_DRAWN, syria), snaNorth)
  const pocket = difference(intersect(POCKET_DRAWN, syria), snaNorth)
  const sdfEast = difference(difference(difference(intersect(SDF_EAST_DRAWN, syria), snaNorth), snaPeaceSpring), pocket)
  const htsCore = difference(difference(intersect(HTS_CORE_DRAWN, syria), snaNorth), pocket)
  const nonGovernment = union([sheikhMaqsoud, snaNorth, snaPeaceSpring, pocket, sdfEast, htsCore])
  const government = difference(syria, nonGovernment)
  const governmentCore = difference(government, FRONT_ZONE)
  const frontZone = intersect(government, FRONT_ZONE)

  const htsDrawn: Record<Day, Polygon | null> = {
    '2024-11-26': null,
    '2024-11-27': HTS_27,
    '2024-11-28': HTS_28,
    '2024-11-29': HTS_29,
    '2024-11-30': HTS_30,
    '2024-12-01': HTS_01,
  }
  interface ContestedSpec {
    id: string
    note: string
    sources: string[]
    geometry: Polygon
  }
  const contestedDrawn: Record<Day, ContestedSpec[]> = {
    '2024-11-26': [],
    '2024-11-27': [
      {
        id: 'contested-bashantra',
        note: 'Bashantra: claimed taken (Anadolu, relaying the attackers) but 3 km from the city, nearer than the distances Reuters and SOHR reported that day',
        sources: [SRC.anadolu28, SRC.reuters28, SRC.rudaw29],
        geometry: CONTESTED_27,
      },
    ],
    '2024-11-28': [],
    '2024-11-29': [],
    '2024-11-30': [],
    '2024-12-01': [
      {
        id: 'contested-safirah-khanasir',
        note: 'left by the army when the SNA took as-Safirah and Khanasir on 1 Dec; no report says who held it',
        sources: [SRC.dawnOfFreedomWiki, SRC.sabah01],
        geometry: CONTESTED_01,
      },
    ],
  }
  const snaDrawn: Record<Day, Polygon | null> = {
    '2024-11-26': null,
    '2024-11-27': null,
    '2024-11-28': null,
    '2024-11-29': null,
    '2024-11-30': SNA_30,
    '2024-12-01': SNA_01,
  }

  // Sanity: every drawn advance must lie in the front zone where it meets government ground.
  for (const day of DAYS) {
    for (const drawn of [htsDrawn[day], snaDrawn[day]]) {
      const outside = km2(difference(intersect(drawn, government), FRONT_ZONE))
      if (outside > 0.01) throw new Error(`${day}: a drawn advance leaves the front zone by ${outside.toFixed(3)} km²`)
    }
  }

  const stable = (id: string, actor: string, source: string, note: string, geometry: Area | null): Piece => ({
    id,
    actor,
    status: 'controlled',
    source,
    note,
    geometry,
  })
  const pieces = {
    govCore: stable(
      'saa-core',
      'saa',
      SRC.lines2020,
      'government-held Syria outside the north-west front zone (coarse: control elsewhere, e.g. the south, the al-Tanf area, government pockets in the north-east, is not modelled in detail)',
      governmentCore,
    ),
    hts: stable(
      'hts-idlib',
      'hts',
      SRC.lines2020,
      'Idlib zone held by HTS and allied factions (Fateh Mubin operations room) since the March 2020 ceasefire',
      htsCore,
    ),
    snaNorth: stable('sna-north', 'sna', SRC.lines2020, 'Turkish-backed SNA zone: Afrin, Azaz, al-Bab, Jarabulus', snaNorth),
    snaPeaceSpring: stable('sna-peace-spring', 'sna', SRC.lines2020, 'Turkish-backed SNA zone Tal Abyad – Ras al-Ayn', snaPeaceSpring),
    sdfEast: stable('sdf-east', 'sdf', SRC.lines2020, 'SDF: Manbij, Kobani and north-east Syria east of the Euphrates', sdfEast),
    sheikhMaqsoud: stable('sdf-sheikh-maqsoud', 'sdf', SRC.lines2020, 'SDF-held Sheikh Maqsoud and Ashrafiyeh in northern Aleppo', sheikhMaqsoud),
  }

  const manifestSnapshots: object[] = []
  let htsCumulative: Area | null = null
  let snaCumulative: Area | null = null
  const log: string[] = []
  for (const day of DAYS) {
    htsCumulative = union([htsCumulative, htsDrawn[day]])
    snaCumulative = union([snaCumulative, snaDrawn[day]])
    const htsGain = intersect(frontZone, htsCumulative)
    const remaining = htsCumulative ? difference(frontZone, htsCumulative) : frontZone
    const snaGain = snaCumulative ? intersect(remaining, snaCumulative) : null
    const afterSna = snaCumulative ? difference(remaining, snaCumulative) : remaining
    const contested: Piece[] = []
    let govFront = afterSna
    for (const spec of contestedDrawn[day]) {
      const geometry = intersect(govFront, spec.geometry)
      govFront = difference(govFront, geometry)
      contested.push({ id: spec.id, actor: null, status: 'contested', source: spec.sources.join(','), note: spec.note, geometry })
    }
    const sources = DAY_SOURCES[day].join(',')

    const list: Piece[] = [
      pieces.govCore,
      { id: 'saa-front', actor: 'saa', status: 'controlled', source: sources, note: 'government-held ground in the north-west front zone', geometry: govFront },
      pieces.hts,
      {
        id: 'hts-offensive',
        actor: 'hts',
        status: 'controlled',
        source: sources,
        note: 'ground taken since 27 Nov by the HTS-led offensive "Deterrence of Aggression"',
        geometry: htsGain,
      },
      pieces.snaNorth,
      pieces.snaPeaceSpring,
      {
        id: 'sna-dawn-of-freedom',
        actor: 'sna',
        status: 'controlled',
        source: sources,
        note: 'ground taken since 30 Nov by the SNA operation "Dawn of Freedom"',
        geometry: snaGain,
      },
      day < '2024-12-01'
        ? stable('sdf-tal-rifaat', 'sdf', SRC.lines2020, 'SDF-held Tal Rifaat pocket with Menagh airbase', pocket)
        : stable(
            'sna-tal-rifaat',
            'sna',
            [SRC.sabah01, SRC.anews01].join(','),
            'Tal Rifaat pocket: encircled and entered by the SNA on 1 Dec (the SDF completed its withdrawal on 2 Dec)',
            pocket,
          ),
      pieces.sdfEast,
      pieces.sheikhMaqsoud,
      ...contested,
    ]
    const features = list
      .filter((piece) => piece.geometry !== null)
      .map((piece) => ({
        type: 'Feature' as const,
        id: piece.id,
        properties: { ...(piece.actor ? { actor: piece.actor } : {}), status: piece.status, source: piece.source, note: piece.note },
        geometry: piece.geometry!,
      }))
    const file = `snapshots/${day}.geojson`
    writeJson(join(OUT_DIR, file), { type: 'FeatureCollection', features })
    manifestSnapshots.push({ validFrom: day, file, sources: DAY_SOURCES[day], note: DAY_NOTES[day], taken: TAKEN[day] })
    log.push(`${day}: ${features.map((f) => `${f.id} ${km2(f.geometry).toFixed(0)} km²`).join(', ')}`)
  }

  writeJson(join(OUT_DIR, 'features.geojson'), buildFeatures())
  writeJson(join(OUT_DIR, 'actors.json'), ACTORS)
  writeJson(join(OUT_DIR, 'manifest.json'), manifest(manifestSnapshots))
  console.log(`reference: ${REF_DIR}\nwritten:   ${OUT_DIR}`)
  console.log(`Syria ${km2(syria).toFixed(0)} km²; front zone ${km2(frontZone).toFixed(0)} km²`)
  for (const line of log) console.log(line)
}

// ---------------------------------------------------------------------------------------------
// actors and manifest

const ACTORS = [
  {
    id: 'hts',
    name: 'Hayat Tahrir al-Sham',
    aliases: ['HTS', "Hay'at Tahrir al-Sham", 'Tahrir al-Sham', 'هيئة تحرير الشام', 'Fateh Mubin operations room', 'Military Operations Command'],
    colour: '#1a9850',
    side: 'opposition',
  },
  {
    id: 'sna',
    name: 'Syrian National Army',
    aliases: ['SNA', 'Turkish-backed Syrian National Army', 'الجيش الوطني السوري'],
    colour: '#91cf60',
    side: 'opposition',
  },
  {
    id: 'saa',
    name: 'Syrian Arab Army',
    aliases: ['SAA', 'Syrian Arab Armed Forces', 'Syrian government forces', 'الجيش العربي السوري'],
    colour: '#d73027',
    side: 'government',
  },
  { id: 'ru', name: 'Russian forces', aliases: ['Russia', 'Russian Armed Forces', 'القوات الروسية'], colour: '#7f0000', side: 'government' },
  { id: 'sdf', name: 'Syrian Democratic Forces', aliases: ['SDF', 'QSD', 'قوات سوريا الديمقراطية'], colour: '#fdae61', side: 'sdf' },
]

function manifest(snapshots: object[]): object {
  return {
    id: 'aleppo-2024',
    name: 'Aleppo offensive, 26 November – 1 December 2024',
    description:
      'Daily control maps of north-west Syria during the offensive launched on 27 November 2024 by Hayat Tahrir al-Sham (HTS) and allied factions from Idlib. ' +
      'Each day’s lines are drawn round the places reported taken that day (listed per snapshot under taken, with their sources): on 27 November the 46th Regiment base ' +
      'and about fifteen villages west of Aleppo; on 28 November Khan al-Asal, Kafr Dael, al-Mansoura and al-Zerbah, cutting the Damascus–Aleppo M5 highway, and the M4–M5 ' +
      'junction by Saraqib. The reports disagree on how close the front came to the city: on 27 November Anadolu said some 5 km, Reuters (an army source) and the Syrian ' +
      'Observatory about 10 km; on 28 November TRT (local sources) said within 1 km of the outer neighbourhoods, the Syrian Observatory to AFP the next morning almost 2 km. ' +
      'Fighters entered western Aleppo on 29 November and held most of the city by 30 November (the SDF kept Sheikh Maqsoud); Saraqib, Maarat al-Numan and Khan Shaykhun ' +
      'fell on 29–30 November and the front reached northern Hama; from 30 November the Turkish-backed SNA advanced from al-Bab ("Dawn of Freedom"), took Tadef, and on ' +
      '1 December Kuweires, as-Safirah, Khanasir and the Tal Rifaat area; the ground between the HTS line and the SNA corridor to Khanasir is marked contested. ' +
      'Reference features: Aleppo and its outskirts, the M5 and M4 highways, the al-Atarib – Aleppo axis, the 46th Regiment base, airports and airbases, towns and villages, ' +
      'each with its position source and an uncertainty in km.',
    // Short: the map shows it in its attribution. The details are in `attribution` and on each feature and event.
    licence:
      'CC BY 4.0 (our own reconstruction), from GeoNames and Open-Syria/geoBoundaries (CC BY 4.0), Natural Earth and OurAirports (public domain) ' +
      'and positions published in cited pages; see attribution.',
    sourceUrl: null,
    timeSpan: { start: '2024-11-26', end: '2024-12-01' },
    disclaimer:
      'Approximate reconstruction from public reporting, not surveyed boundaries. Front lines are drawn by hand 0.5–2.5 km beyond the villages reported taken each day, ' +
      'so a line is as good as the positions of those villages: towns from GeoNames are within about 1 km; the base, Urum al-Kubra, al-Zahraa and Khan al-Asal come from ' +
      'published coordinates or distances (0.5–1.5 km); villages placed along a road from a route description are within about 3 km; several villages the reports name ' +
      '(Kafr Basin, Bala, Basratoun, al-Saloum, Ajel) could not be located and are placed in the reported sector with a 5 km uncertainty. Each feature says its own ' +
      '(properties.positionSource, properties.uncertaintyKm). The 26 Nov lines are our reconstruction of the March 2020 ceasefire lines (a few km); areas outside ' +
      'north-west Syria are coarse. Distances measured from these lines inherit these uncertainties: read them against the sources’ spread, not as exact figures.',
    sources: SOURCES,
    attribution: [
      'GeoNames (geonames.org), CC BY 4.0',
      'Natural Earth (naturalearthdata.com), public domain',
      'OurAirports (ourairports.com), public domain',
      'Positions of Base 46, Urum al-Kubra, al-Zahraa and Khan al-Asal: coordinates and distances published in Wikipedia articles (cited per feature in properties.positionSources)',
      // events.geojson places one event at a subdistrict centroid (see data/aleppo-2024/EVENTS.md).
      'Open-Syria data-geography (geoBoundaries), CC BY 4.0: a subdistrict centroid placing an event whose sources name only the subdistrict',
    ],
    actors: 'actors.json',
    features: 'features.geojson',
    events: 'events.geojson',
    tallies: 'tallies.geojson',
    snapshots,
  }
}

const SOURCES = [
  {
    id: SRC.lines2020,
    title: 'Lines of the March 2020 Turkey–Russia ceasefire in Idlib and northern Syria, reconstructed from general knowledge',
    publisher: 'Frontline (own reconstruction)',
    date: '2024-11-26',
    url: null,
    used_for: 'the 26 Nov map and every area that did not change hands',
  },
  {
    id: SRC.syrianObserver27,
    title: 'Dozens killed, prisoners taken as opposition factions advance in northwestern Syria',
    publisher: 'The Syrian Observer (+963 Media)',
    date: '2024-11-27',
    url: 'https://syrianobserver.com/syrian-actors/dozens-killed-prisoners-taken-as-opposition-factions-advance-in-northwestern-syria.html',
    used_for: 'villages and the 46th Regiment base taken on 27 Nov (Sheikh Aqil, Qubtan al-Jabal, Anjara, Urum al-Sughra, Kafr Basin)',
  },
  {
    id: SRC.mediaLine27,
    title: 'Opposition forces capture key villages near Aleppo; Assad’s army retaliates',
    publisher: 'The Media Line',
    date: '2024-11-27',
    url: 'https://themedialine.org/headlines/opposition-forces-capture-key-villages-near-aleppo-assads-army-retaliates/',
    used_for: 'first-day fighting at Qubtan al-Jabal and Sheikh Aqil near the 46th Regiment; Atarib and Darat Izza opposition-held',
  },
  {
    id: SRC.reuters28,
    title: 'Syrian rebels launch attack against army in Aleppo province',
    publisher: 'Reuters (via The Star)',
    date: '2024-11-28',
    url: 'https://www.thestar.com.my/news/world/2024/11/28/syrian-rebels-launch-attack-against-army-in-aleppo-province',
    used_for:
      'offensive launched 27 Nov; first advance since March 2020; rebels "advanced almost 10 km (6 miles) from the outskirts of Aleppo city" and a few km from Nubl and al-Zahraa (army source)',
  },
  {
    id: SRC.sofx28,
    title: 'Fierce fighting in northern Syria as jihadist offensive kills over 200',
    publisher: 'SOFX',
    date: '2024-11-28',
    url: 'https://sofx.com/fierce-fighting-in-northern-syria-as-jihadist-offensive-kills-over-200',
    used_for:
      'aggregator (not primary): base and villages captured, M5 severed, "advance of about 10 km to within 1 km of the outskirts" (its reading of the Reuters and TRT figures)',
  },
  {
    id: SRC.afp28,
    title: 'Syria jihadists, allies cut key highway linking Damascus to Aleppo: monitor',
    publisher: 'AFP (via LBCI)',
    date: '2024-11-28',
    url: 'https://www.lbcgroup.tv/news/middleeastnews/820241/syria-jihadists-allies-cut-key-highway-linking-damascus-to-aleppo-moni/en',
    used_for: 'M5 cut and the M4–M5 junction held (SOHR)',
  },
  {
    id: SRC.syriaRevisited,
    title: '"Western Aleppo is Liberated" and Awaiting the Counter-Attack',
    publisher: 'Syria Revisited (Substack)',
    date: '2024-11-29',
    url: 'https://syriarevisited.substack.com/p/western-aleppo-is-liberated-and-awaiting',
    used_for: 'day-two gains: Khan al-Asal, Kafr Dael, Mansoura, Kafr Joum, al-Zerbah (M5 cut), Kafr Halab; Saraqib front (Dadikh, Tarnaba, Kafr Battikh)',
  },
  {
    id: SRC.trt29,
    title: 'Opposition forces in Syria move within 1 km of Aleppo outer neighbourhoods',
    publisher: 'TRT World',
    date: '2024-11-29',
    url: 'https://www.trtworld.com/article/18237844',
    used_for: 'within 1 km of the outer neighbourhoods (New Aleppo) on 28 Nov (local sources); 56 villages and points, about 400 km² in two days',
  },
  {
    id: SRC.yahoo29,
    title: 'Syrian rebels claim to have captured Aleppo in major blow to Assad regime',
    publisher: 'Yahoo News (syndicated)',
    date: '2024-11-29',
    url: 'https://ca.news.yahoo.com/syrian-rebels-enter-aleppo-claim-152839216.html',
    used_for: 'fighting in al-Rashideen and al-Hamdaniyeh on the western edge of Aleppo on 29 Nov',
  },
  {
    id: SRC.politico30,
    title: 'Syrian rebels take control of half of Aleppo',
    publisher: 'Politico Europe',
    date: '2024-11-30',
    url: 'https://www.politico.eu/article/syrian-rebels-take-control-half-aleppo-mideaast-war-lebanon-gaza-israel/',
    used_for: 'rebels inside Aleppo on 29 Nov; more than half of the city held (SOHR)',
  },
  {
    id: SRC.albawaba30,
    title: 'Syrian opposition captures Aleppo',
    publisher: 'Al Bawaba',
    date: '2024-11-30',
    url: 'https://www.albawaba.me/news/syrian-opposition-captures-aleppo-1595206',
    used_for: 'Aleppo International Airport, Maarat al-Numan and Morek taken on 30 Nov',
  },
  {
    id: SRC.anews30,
    title: 'Opposition forces seize Aleppo International Airport in Syria',
    publisher: 'A News',
    date: '2024-11-30',
    url: 'https://www.anews.com.tr/middle-east/2024/11/30/opposition-forces-seize-aleppo-international-airport-in-syria',
    used_for: 'airport taken on 30 Nov; Khan Shaykhun taken that evening, all of Idlib province held',
  },
  {
    id: SRC.cnn01,
    title: 'Rebels recapture Aleppo in setback for Assad',
    publisher: 'Devdiscourse (citing CNN)',
    date: '2024-12-01',
    url: 'https://www.devdiscourse.com/article/international/3177304-rebels-recapture-aleppo-in-setback-for-assad',
    used_for: 'north-eastern districts of Aleppo still government-held on 30 Nov; Kurdish forces in the north of the city',
  },
  {
    id: SRC.sabah01,
    title: 'Syrian opposition besieges Tal Rifaat in ops against PKK/YPG',
    publisher: 'Daily Sabah',
    date: '2024-12-01',
    url: 'https://www.dailysabah.com/politics/war-on-terror/syrian-opposition-besieges-tal-rifaat-in-ops-against-pkkypg',
    used_for: 'SNA takes Kuweires airbase, reaches the south of Sheikh Najjar and encircles Tal Rifaat on 1 Dec',
  },
  {
    id: SRC.anews01,
    title: 'Syrian National Army reaches center of Tel Rifaat',
    publisher: 'A News',
    date: '2024-12-01',
    url: 'https://www.anews.com.tr/middle-east/2024/12/01/syrian-national-army-reaches-center-of-tel-rifaat',
    used_for: 'SNA in the centre of Tal Rifaat on 1 Dec; Dawn of Freedom launched after the Aleppo offensive',
  },
  {
    id: SRC.enab05,
    title: 'Return of limited number of residents to Nubl and Zahra in Aleppo',
    publisher: 'Enab Baladi',
    date: '2024-12-05',
    url: 'https://english.enabbaladi.net/archives/2024/12/return-of-limited-number-of-residents-to-nubl-and-zahra-in-aleppo/',
    used_for:
      'Nubl and al-Zahraa held by the "Deterrence of Aggression" factions after their residents left (the day of capture, drawn on 1 Dec, is approximate)',
  },
  {
    id: SRC.anadolu28,
    title: 'Syrian opposition forces claim seizing 32 villages, areas in western Aleppo',
    publisher: 'A News (Anadolu Agency correspondent; Turkish state-run)',
    date: '2024-11-28',
    url: 'https://www.anews.com.tr/middle-east/2024/11/28/syrian-opposition-forces-claim-seizing-32-villages-areas-in-western-aleppo',
    used_for:
      '27 Nov: Urum al-Kubra, Anjara, Bashantra, Basratoun, Hur, al-Qasimiyah, Ajel, Bala, al-Saloum and Base 46 taken; 245 km² taken; "some 5 kilometers from Aleppo city"',
  },
  {
    id: SRC.anf27,
    title: 'Halep’te şiddetli çatışmalar: çeteler çok sayıda köyü ele geçirdi',
    publisher: 'ANF Firat News Agency (Turkish edition; aligned with the Kurdish movement, hostile to the attackers)',
    date: '2024-11-27',
    url: 'https://firatnews.com/avrupa/halep-te-siddetli-catismalar-Ceteler-cok-sayida-koyu-ele-gecirdi-205648',
    used_for:
      '27 Nov: Basratoun, Bala, al-Saloum, Qubtan al-Jabal, Sheikh Aqil, al-Qasimiyah, Kafr Basin and Hur taken (date of the report inferred from its content)',
  },
  {
    id: SRC.rudaw29,
    title: 'Four students killed in rebel attack on Aleppo university dorm: monitor',
    publisher: 'Rudaw (citing SOHR)',
    date: '2024-11-29',
    url: 'https://rudaw.net/english/middleeast/syria/29112024',
    used_for: 'on 27 Nov the rebels "came within 10 kilometers of Aleppo city" (SOHR)',
  },
  {
    id: SRC.afp29,
    title: 'In Syria, jihadist groups and their allies are carrying out a vast offensive in the north of the country',
    publisher: 'AFP via franceinfo (syndicated by euro.dayfr.com)',
    date: '2024-11-29',
    url: 'https://euro.dayfr.com/news/2412363.html',
    used_for:
      'morning of 29 Nov: "almost two kilometers from the city of Aleppo" (SOHR director to AFP); a Syrian official says the attackers did not reach the city limits; about fifty localities taken; an AFP photograph shows a fighter in Khan al-Asal that day',
  },
  {
    id: SRC.afp30,
    title: 'In Syria, jihadist groups have taken control of “most” of Aleppo, according to an NGO',
    publisher: 'AFP via franceinfo (syndicated by euro.dayfr.com)',
    date: '2024-11-30',
    url: 'https://euro.dayfr.com/news/2416457.html',
    used_for: 'fighters entered Aleppo on 29 Nov; most of the city held on 30 Nov; Saraqib taken (SOHR)',
  },
  {
    id: SRC.ap29,
    title: 'Syria insurgents push their advance toward second-largest city Aleppo',
    publisher: 'The New Indian Express (AP)',
    date: '2024-11-29',
    url: 'https://www.newindianexpress.com/world/2024/Nov/29/syria-insurgents-push-their-advance-toward-second-largest-city-aleppo',
    used_for: '29 Nov: insurgents on the outskirts of Aleppo; they say they took the Scientific Research Center neighbourhood on the western outskirts',
  },
  {
    id: SRC.dawnOfFreedomWiki,
    title: 'Operation Dawn of Freedom',
    publisher: 'Wikipedia (mirror; tertiary, summarising Turkish and Syrian reporting)',
    date: null,
    url: 'http://5.180.24.3/info/operation-dawn-of-freedom',
    used_for: '1 Dec: the SNA takes as-Safirah, Khanasir and Kuweires airbase; about 850 km² taken by the SNA since 30 Nov (its own claim)',
  },
  {
    id: SRC.wikiBase46,
    title: 'Siege of Base 46',
    publisher: 'Wikipedia',
    date: null,
    url: 'https://en.wikipedia.org/wiki/Siege_of_Base_46',
    used_for: 'position of Base 46 (36.125709 N, 36.887927 E; south-east of al-Atarib, near Urum al-Sughra)',
  },
  {
    id: SRC.dailyStar2012,
    title: 'Syrian army Base 46 keeps rebels at bay',
    publisher: 'The Daily Star (AFP)',
    date: '2012-10-09',
    url: 'http://www.dailystar.com.lb/News/Middle-East/2012/Oct-09/190657-syrian-army-base-46-keeps-rebels-at-bay.ashx',
    used_for: 'al-Atarib about five kilometres west of Base 46',
  },
  {
    id: SRC.wikiUrumKubra,
    title: 'Урум-эль-Кубра (Urum al-Kubra)',
    publisher: 'Wikipedia (ru), via a mirror',
    date: null,
    url: 'https://perceptiode.com/%D0%A3%D1%80%D1%83%D0%BC-%D1%8D%D0%BB%D1%8C-%D0%9A%D1%83%D0%B1%D1%80%D0%B0',
    used_for: 'position of Urum al-Kubra (36°08′55″ N, 36°57′00″ E)',
  },
  {
    id: SRC.wikiZahraa,
    title: 'Al-Zahraa',
    publisher: 'Wikipedia, via an IPFS mirror',
    date: null,
    url: 'https://bafybeiaysi4s6lnjev27ln5icwm6tueaw2vdykrtjkwiphwekaywqhcjze.ipfs.dweb.link/wiki/Al-Zahraa',
    used_for: 'position of al-Zahraa (36°21′30.9″ N, 37°00′38.4″ E), south-east of Nubl',
  },
  {
    id: SRC.wikiKhanAsal,
    title: 'Khan al-Asal',
    publisher: 'Wikipedia (de), via a mirror',
    date: null,
    url: 'http://de.knowledgr.com/19122874/KhanAlAsal',
    used_for: 'Khan al-Asal 12 km west-south-west of central Aleppo, bounded to the south by the Aleppo–Damascus highway; Kafr Dael 5 km north of it',
  },
  {
    id: SRC.routeDaratIzza,
    title: 'جولة ٦ : حلب - قلعة سمعان (Tour 6: Aleppo – Qal‘at Sim‘an)',
    publisher: 'Fotoartbook forum (a travel guide’s route description)',
    date: null,
    url: 'https://fotoartbook.net/vb/node/79497?p=79501',
    used_for:
      'order of the villages on the road from Aleppo to Darat Izza: al-Mansoura, Kafr Dael, Bashantra, Babis, Hur, Anjara, al-Qasimiyah, Qubtan al-Jabal',
  },
  {
    id: SRC.muraselon2020,
    title: 'Syrian Army presses forward in west Aleppo, liberates strategic key base',
    publisher: 'Muraselon (pro-government)',
    date: '2020-02-14',
    url: 'https://en.muraselon.com/2020/02/syrian-army-presses-forward-in-west-aleppo-liberates-strategic-key-base/',
    used_for: 'Feb 2020: the army took Base 46 and Urum al-Sughra and stood about 3 km from al-Atarib (the 2020 line east of al-Atarib)',
  },
  {
    id: SRC.akhbarAlaan2016,
    title: 'Opposition factions regain areas west of Aleppo',
    publisher: 'Akhbar al-Aan',
    date: '2016-02-26',
    url: 'https://akhbaralaan.net/news/arab-world/2016/02/26/syrian-opposition-factions-regain-areas-west-aleppo',
    used_for: 'Sheikh Aqil adjacent to Qubtan al-Jabal (relative position)',
  },
  {
    id: SRC.mint01,
    title: 'Syria rebels seize Aleppo airport, tighten grip on Hama as President Bashar al-Assad’s forces retreat',
    publisher: 'Mint',
    date: '2024-12-01',
    url: 'https://www.livemint.com/news/world/syria-rebels-seize-aleppo-airport-tighten-grip-on-hama-president-bashar-al-assad-russia-iran-hezbollah-forces-retreat/amp-11733028153607.html',
    used_for: 'airport held and advance towards Hama on 1 Dec',
  },
]

// ---------------------------------------------------------------------------------------------
// output

/** Pretty JSON; a FeatureCollection is written one feature per line (small, readable diffs). */
function writeJson(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true })
  const collection = value as { type?: string; features?: unknown[] }
  const text =
    collection.type === 'FeatureCollection' && Array.isArray(collection.features)
      ? `{"type":"FeatureCollection","features":[\n${collection.features.map((f) => JSON.stringify(f)).join(',\n')}\n]}\n`
      : `${JSON.stringify(value, null, 2)}\n`
  writeFileSync(path, text)
}

main()
