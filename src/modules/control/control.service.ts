import type { Position } from 'geojson'
import { pointInShape, shapeIntersectsBbox } from '../../geo/index.js'
import { areasTouching, requireActor, requireSide } from '../../read/areas.js'
import type { Coverage, DatasetView } from '../../read/dataset-view.js'
import * as controlRepository from '../../store/control.repository.js'
import type { AreaMeta, Bbox } from '../../store/records.js'
import { type Column, columns, toCsv } from '../common/csv.js'
import { holdingSpan, round, validAt } from '../common/intervals.js'
import { coverageJson, instantNotes, isLowerBound, type Note, pointNotes, sinceNote } from '../common/notes.js'
import type { Holder, PointControl } from './control.schemas.js'

export interface MapQuery {
  at: Date
  bbox?: Bbox
  actorIds?: string[]
  sides?: string[]
}

/** The page of a map a request asks for, and how to link its neighbours. */
export interface MapPage {
  limit: number
  offset: number
  /** the paging members (numberMatched, numberReturned, links) for a page of `returned` of `matched` */
  members: (matched: number, returned: number) => object
}

/** One area of a map: its feature as JSON text, and what the answer's members are made of. */
interface MapItem {
  text: string
  meta: AreaMeta
}

/**
 * The control map at `at` as a GeoJSON FeatureCollection, serialised here: each geometry is the
 * JSON text the database holds, embedded without a parse and re-serialisation (a map of 100k
 * vertices would otherwise cost more in JSON than in the query). The features are kept per
 * validity interval, so another instant of the same interval reads no row.
 */
export async function renderControlMap(view: DatasetView, query: MapQuery, page: MapPage): Promise<string> {
  await checkFilters(view, query)
  const items = await mapItems(view, query)
  const shown = items.slice(page.offset, page.offset + page.limit)
  const coverage = await view.coverage()
  const head = JSON.stringify({
    type: 'FeatureCollection',
    dataset: view.datasetId,
    revision: view.revision,
    at: query.at.toISOString(),
    knownAt: view.knownAt?.toISOString() ?? null,
    ...page.members(items.length, shown.length),
    sources: [...new Set(shown.flatMap((item) => item.meta.sources))].sort(),
    coverage: coverageJson(coverage),
    notes: mapNotes(coverage, query, items),
  })
  return `${head.slice(0, -1)},"features":[${shown.map((item) => item.text).join(',')}]}`
}

/** The map's areas without geometry, as CSV: a row per area, columns as the feature's properties. */
export async function renderControlCsv(view: DatasetView, query: MapQuery, page: Pick<MapPage, 'limit' | 'offset'>): Promise<string> {
  await checkFilters(view, query)
  const items = await mapItems(view, query)
  return toCsv(
    AREA_COLUMNS,
    items.slice(page.offset, page.offset + page.limit).map((item) => item.meta),
  )
}

const AREA_COLUMNS: Column<AreaMeta>[] = [
  { name: 'id', value: (area) => area.id },
  { name: 'actor', value: (area) => area.actorId },
  { name: 'side', value: (area) => area.side },
  { name: 'status', value: (area) => area.status },
  { name: 'validFrom', value: (area) => area.validFrom },
  { name: 'validTo', value: (area) => area.validTo },
  { name: 'areaKm2', value: (area) => round(area.areaKm2, 3) },
  { name: 'sources', value: (area) => area.sources },
  { name: 'areaKey', value: (area) => area.areaKey },
]

/** An actor or side filter that names none of the dataset's is a typo, refused by name (404), not an empty map. */
async function checkFilters(view: DatasetView, query: MapQuery): Promise<void> {
  for (const actor of query.actorIds ?? []) await requireActor(view, actor)
  for (const side of query.sides ?? []) await requireSide(view, side)
}

function mapNotes(coverage: Coverage, query: MapQuery, items: MapItem[]): Note[] {
  const notes = instantNotes(coverage, query.at)
  if (notes.length > 0 && notes[0].code !== 'AT_AFTER_COVERAGE') return notes
  const at = query.at.toISOString()
  const where = query.bbox ? ' in the bbox' : ''
  for (const actor of query.actorIds ?? [])
    if (!items.some((item) => item.meta.actorId === actor)) notes.push({ code: 'NO_GROUND', message: `actor '${actor}' holds no area${where} at ${at}` })
  for (const side of query.sides ?? [])
    if (!items.some((item) => item.meta.side === side)) notes.push({ code: 'NO_GROUND', message: `no actor of side '${side}' holds an area${where} at ${at}` })
  if (items.length === 0 && query.bbox && coverage.bbox && !boxesMeet(query.bbox, coverage.bbox))
    notes.push({
      code: 'OUTSIDE_EXTENT',
      message: `the bbox (${query.bbox.join(', ')}) is outside every area the dataset has ever had (${coverage.bbox.join(', ')})`,
    })
  else if (items.length === 0 && notes.length === 0) notes.push({ code: 'NO_AREA', message: `no area holds${where} at ${at}` })
  return notes
}

function boxesMeet(a: Bbox, b: Bbox): boolean {
  return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3]
}

async function mapItems(view: DatasetView, query: MapQuery): Promise<MapItem[]> {
  const interval = await view.intervalOf(query.at)
  return view.cached('map-items', [interval, query.bbox ?? null, query.actorIds ?? null, query.sides ?? null], async () => {
    let areas = await controlRepository.listAreaTextsAt(view.db, { datasetId: view.datasetId, knownAt: view.knownAt, ...query })
    if (query.bbox) {
      // The index matches bounding boxes; keep only areas whose shape really meets the box.
      const [minLon, minLat, maxLon, maxLat] = query.bbox
      areas = areas.filter((area) => {
        const [aMinLon, aMinLat, aMaxLon, aMaxLat] = area.bbox
        const inside = aMinLon >= minLon && aMaxLon <= maxLon && aMinLat >= minLat && aMaxLat <= maxLat
        return inside || shapeIntersectsBbox(JSON.parse(area.geometryText), query.bbox!)
      })
    }
    return areas.map(({ geometryText, bbox: _bbox, ...meta }) => {
      const feature = JSON.stringify(toFeature(meta))
      // toFeature leaves the geometry null, right after id: splice the stored text in its place.
      return { text: feature.replace('"geometry":null', () => `"geometry":${geometryText}`), meta }
    })
  })
}

function toFeature(area: AreaMeta) {
  return {
    type: 'Feature' as const,
    id: area.id,
    geometry: null,
    properties: {
      ...area.properties,
      actor: area.actorId,
      side: area.side,
      status: area.status,
      validFrom: area.validFrom.toISOString(),
      validTo: area.validTo?.toISOString() ?? null,
      areaKm2: round(area.areaKm2, 3),
      sources: area.sources,
      areaKey: area.areaKey,
    },
  }
}

/**
 * Who holds a point at `at`, since when and until when. Where areas overlap, every one is listed;
 * `holder` is the first: controlled ground before contested, then the longest-standing holding.
 */
export async function getPointControl(view: DatasetView, query: { point: Position; at: Date }): Promise<PointControl> {
  const [lon, lat] = query.point
  const containing = await areasContaining(view, query.point)
  const coverage = await view.coverage()
  const holders = containing
    .filter((area) => validAt(area, query.at))
    .map((area) => toHolder(area, containing, query.at, coverage))
    .sort((a, b) => (a.status === b.status ? a.since.localeCompare(b.since) || a.areaId - b.areaId : a.status === 'controlled' ? -1 : 1))
  return {
    dataset: view.datasetId,
    revision: view.revision,
    at: query.at.toISOString(),
    knownAt: view.knownAt?.toISOString() ?? null,
    point: [lon, lat],
    holder: holders[0] ?? null,
    holders,
    coverage: coverageJson(coverage),
    notes: await withSwapHint(view, query, pointControlNotes(coverage, query, holders), holders.length === 0),
  }
}

async function withSwapHint(view: DatasetView, query: { point: Position; at: Date }, notes: Note[], empty: boolean): Promise<Note[]> {
  if (!empty || notes.some((note) => note.code === 'LON_LAT_SWAPPED')) return notes
  const swapped = await swappedNotes(view, query)
  // A hint that the point is merely in a gap of the data would mislead when the swapped point is held.
  return swapped.length > 0 ? [...notes.filter((note) => note.code !== 'NO_AREA' && note.code !== 'OUTSIDE_EXTENT'), ...swapped] : notes
}

/** Every area, of any time, whose shape contains the point. */
async function areasContaining(view: DatasetView, point: Position): Promise<AreaMeta[]> {
  const touching = await areasTouching(view, [point[0], point[1], point[0], point[1]])
  // Many rows share a shape (an area closed and carried on): test each shape once.
  const inside = new Map<string, boolean>()
  return touching.filter((area) => {
    if (!inside.has(area.geometryHash)) inside.set(area.geometryHash, pointInShape(point, area.geometry))
    return inside.get(area.geometryHash)
  })
}

/**
 * A point no area covers whose swapped coordinates some area does cover at `at`: lon and lat were
 * probably given the wrong way round (Aleppo is 37.16°E, 36.20°N; lon=36.2&lat=37.16 is in Turkey).
 * The box test of pointNotes misses it when the data spans both readings, as a country's map does.
 */
async function swappedNotes(view: DatasetView, query: { point: Position; at: Date }): Promise<Note[]> {
  const [lon, lat] = query.point
  if (Math.abs(lon) > 90 || lon === lat) return []
  const held = (await areasContaining(view, [lat, lon])).filter((area) => validAt(area, query.at))
  if (held.length === 0) return []
  const who = [...new Set(held.map((area) => area.actorId ?? 'contested ground'))].join(', ')
  return [
    {
      code: 'LON_LAT_SWAPPED',
      message: `no area covers [${lon}, ${lat}], but [${lat}, ${lon}] is held by ${who}: lon and lat may be swapped (lon is east, lat is north)`,
    },
  ]
}

function pointControlNotes(coverage: Coverage, query: { point: Position; at: Date }, holders: Holder[]): Note[] {
  const [lon, lat] = query.point
  const notes = instantNotes(coverage, query.at)
  if (holders.length === 0) {
    const outside = pointNotes(coverage, lon, lat)
    if (outside.length > 0) return [...notes, ...outside]
    if (notes.length === 0 || notes[0].code === 'AT_AFTER_COVERAGE')
      notes.push({ code: 'NO_AREA', message: `no area covers [${lon}, ${lat}] at ${query.at.toISOString()}: the data maps no holder there` })
    return notes
  }
  if (holders.length > 1) {
    const who = holders.map((holder) => holder.actor ?? 'contested').join(', ')
    notes.push({
      code: 'OVERLAPPING_AREAS',
      message: `${holders.length} areas overlap here (${who}); holder is the first: controlled before contested, then the longest-standing`,
    })
  }
  for (const holder of holders) notes.push(...sinceNote(coverage, new Date(holder.since), holder.actor ?? 'contested ground'))
  return notes
}

/** A holder of a place at `at`, its uninterrupted holding found among all the areas that cover the place. */
function toHolder(area: AreaMeta, covering: AreaMeta[], at: Date, coverage: Coverage): Holder {
  const span = holdingSpan(
    covering.filter((other) => other.actorId === area.actorId && other.status === area.status),
    at,
  )
  const since = span?.from ?? area.validFrom
  return {
    actor: area.actorId,
    side: area.side,
    status: area.status,
    since: since.toISOString(),
    sinceIsLowerBound: isLowerBound(coverage, since),
    until: span ? (span.to?.toISOString() ?? null) : (area.validTo?.toISOString() ?? null),
    areaId: area.id,
    validFrom: area.validFrom.toISOString(),
    validTo: area.validTo?.toISOString() ?? null,
    sources: area.sources,
  }
}

/** The holders of a point as CSV, a row per holder, columns as the JSON members. */
export function pointControlCsv(answer: PointControl): string {
  return toCsv(columns<Holder>('actor', 'side', 'status', 'since', 'sinceIsLowerBound', 'until', 'areaId', 'validFrom', 'validTo', 'sources'), answer.holders)
}
