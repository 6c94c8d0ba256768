import type { Position } from 'geojson'
import { bboxesMeet, shapeIntersectsBbox } from '../../geo/index.js'
import { requireActor, requireSide } from '../../read/areas.js'
import { CachedBody, SharedBodyPart } from '../../read/cache.js'
import type { Coverage, DatasetView } from '../../read/dataset-view.js'
import { areasHolding, type PlaceHolder, placeHoldings } from '../../read/point-holders.js'
import * as controlRepository from '../../store/control.repository.js'
import type { AreaRow } from '../../store/control.repository.js'
import type { AreaMeta, Bbox } from '../../store/records.js'
import { type Column, columns, toCsv } from '../common/csv.js'
import { round } from '../common/intervals.js'
import { coverageJson, instantNotes, type Note, pointNotes, sinceNote } from '../common/notes.js'
import type { ItemSelection, QueryableType } from '../common/items.js'
import type { Holder, PointControl } from './control.schemas.js'
import { estimatedBytes, featureBatches } from './control.stream.js'

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

/** One area of a map: its feature as JSON text, where in it the geometry is, and what the answer's members are made of. */
interface MapItem {
  text: string
  /** [start, end) of the geometry's text within `text` */
  geometryAt: [number, number]
  meta: AreaRow
}

/**
 * The control map at `at` as a GeoJSON FeatureCollection, serialised here: each geometry is the
 * JSON text the database holds, embedded without a parse and re-serialisation (a map of 100k
 * vertices would otherwise cost more in JSON than in the query). The features are kept per
 * validity interval, so another instant of the same interval reads no row; their page is kept
 * encoded as well, so such an instant costs only its head (at, links, notes) and a copy.
 */
export async function renderControlMapBody(view: DatasetView, query: MapQuery, page: MapPage): Promise<CachedBody> {
  const { head, features } = await mapParts(view, query, page)
  // The head ends in '}' (ASCII): its UTF-8 bytes less the last one, then the features' bytes, are the bytes of the whole text.
  const headBytes = Buffer.from(head)
  return CachedBody.spliced(headBytes.subarray(0, headBytes.length - 1), features.bytes)
}

/** The map of renderControlMapBody as text. */
export async function renderControlMap(view: DatasetView, query: MapQuery, page: MapPage): Promise<string> {
  const { head, features } = await mapParts(view, query, page)
  return `${head.slice(0, -1)}${features.bytes.raw.toString()}`
}

/** The head of a map (what depends on the instant, the links and the notes) as JSON text, and its page of features. */
async function mapParts(view: DatasetView, query: MapQuery, page: MapPage): Promise<{ head: string; features: MapFeatures }> {
  await checkFilters(view, query)
  const items = await mapItems(view, query)
  const features = await mapFeatures(view, query, page, items)
  const head = await mapHead(
    view,
    query,
    page,
    items.map((item) => item.meta),
    features,
  )
  return { head, features }
}

/** A map's head as JSON text: `rows` are the map's, `shown` says what its page of them carries. */
async function mapHead(view: DatasetView, query: MapQuery, page: MapPage, rows: AreaMeta[], shown: { returned: number; sources: string[] }): Promise<string> {
  const coverage = await view.coverage()
  return JSON.stringify({
    type: 'FeatureCollection',
    dataset: view.datasetId,
    revision: view.revision,
    at: query.at.toISOString(),
    knownAt: view.knownAt?.toISOString() ?? null,
    ...page.members(rows.length, shown.returned),
    sources: shown.sources,
    coverage: coverageJson(coverage),
    notes: mapNotes(coverage, query, rows),
  })
}

const sourcesOf = (rows: AreaMeta[]): string[] => [...new Set(rows.flatMap((row) => row.sources))].sort()

/** The estimated length of a map page's text and of the whole map's, bytes, from the rows alone (no geometry is read). */
export async function estimateControlMap(
  view: DatasetView,
  query: MapQuery,
  page: Pick<MapPage, 'limit' | 'offset'>,
): Promise<{ pageBytes: number; mapBytes: number }> {
  await checkFilters(view, query)
  const rows = await mapRows(view, query)
  return { pageBytes: estimatedBytes(rows.slice(page.offset, page.offset + page.limit)), mapBytes: estimatedBytes(rows) }
}

/**
 * A map page made from its rows rather than from the map's kept features: its text up to the
 * features (`opening`, the head less its last '}'), and the rows whose features follow, to be
 * made batch by batch (controlMapPieces). The same text as renderControlMapBody's, piece by piece.
 */
export interface MapStream {
  opening: string
  rows: AreaRow[]
}

/** The head and rows of a map page too large to build whole (see MapStream); no geometry is read. */
export async function planControlMapStream(view: DatasetView, query: MapQuery, page: MapPage): Promise<MapStream> {
  await checkFilters(view, query)
  const rows = await mapRows(view, query)
  const shown = rows.slice(page.offset, page.offset + page.limit)
  const head = await mapHead(view, query, page, rows, { returned: shown.length, sources: sourcesOf(shown) })
  return { opening: `${head.slice(0, -1)},"features":[`, rows: shown }
}

/**
 * The text of a map page in pieces: its opening, its features about `batchBytes` at a time (each
 * batch's geometry texts fetched from `view`'s database when the reader asks for it, and not kept
 * in the cache: a streamed map would push out everything else), and its close.
 */
export async function* controlMapPieces(view: DatasetView, plan: MapStream, batchBytes: number): AsyncGenerator<string> {
  yield plan.opening
  yield* featureBatches(
    plan.rows,
    batchBytes,
    (hashes) => geometryTexts(view, hashes, { keep: false }),
    (row, text) => featureText(row, text).text,
  )
  yield ']}'
}

/**
 * A small page of a map too large to build whole (renderControlMapBody would read every geometry of
 * the map): made from the page's rows, its geometry texts fetched for the page alone.
 */
export async function renderControlMapPage(view: DatasetView, query: MapQuery, page: MapPage): Promise<string> {
  const pieces: string[] = []
  for await (const piece of controlMapPieces(view, await planControlMapStream(view, query, page), Number.POSITIVE_INFINITY)) pieces.push(piece)
  return pieces.join('')
}

/** A page of a map's features as the UTF-8 bytes of `,"features":[…]}`, with what the head says of them. */
interface MapFeatures {
  bytes: SharedBodyPart
  returned: number
  sources: string[]
}

/** The page of the map's features, kept per validity interval (as the items are): every instant of it shares the bytes. */
async function mapFeatures(view: DatasetView, query: MapQuery, page: Pick<MapPage, 'limit' | 'offset'>, items: MapItem[]): Promise<MapFeatures> {
  const interval = await view.intervalOf(query.at)
  const parts = [interval, query.bbox ?? null, query.actorIds ?? null, query.sides ?? null, page.offset, page.limit]
  return view.cached('map-features', parts, () => {
    const shown = items.slice(page.offset, page.offset + page.limit)
    return {
      bytes: new SharedBodyPart(Buffer.from(`,"features":[${shown.map((item) => item.text).join(',')}]}`)),
      returned: shown.length,
      sources: [...new Set(shown.flatMap((item) => item.meta.sources))].sort(),
    }
  })
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

function mapNotes(coverage: Coverage, query: MapQuery, rows: AreaMeta[]): Note[] {
  const notes = instantNotes(coverage, query.at)
  if (notes.length > 0 && notes[0].code !== 'AT_AFTER_COVERAGE') return notes
  const at = query.at.toISOString()
  const where = query.bbox ? ' in the bbox' : ''
  for (const actor of query.actorIds ?? [])
    if (!rows.some((row) => row.actorId === actor)) notes.push({ code: 'NO_GROUND', message: `actor '${actor}' holds no area${where} at ${at}` })
  for (const side of query.sides ?? [])
    if (!rows.some((row) => row.side === side)) notes.push({ code: 'NO_GROUND', message: `no actor of side '${side}' holds an area${where} at ${at}` })
  if (rows.length === 0 && query.bbox && coverage.bbox && !bboxesMeet(query.bbox, coverage.bbox))
    notes.push({
      code: 'OUTSIDE_EXTENT',
      message: `the bbox (${query.bbox.join(', ')}) is outside every area the dataset has ever had (${coverage.bbox.join(', ')})`,
    })
  else if (rows.length === 0 && notes.length === 0) notes.push({ code: 'NO_AREA', message: `no area holds${where} at ${at}` })
  return notes
}

/**
 * The areas whose shape meets the box: by their boxes first (a box across the antimeridian,
 * minLon > maxLon, is left to the shape test), then by the shapes of those not inside it, parsed once
 * per hash and shared by every view.
 */
async function meetingBox<T extends { bbox: Bbox; geometryHash: string }>(view: DatasetView, areas: T[], bbox: Bbox): Promise<T[]> {
  const inside = (box: Bbox) => box[0] >= bbox[0] && box[2] <= bbox[2] && box[1] >= bbox[1] && box[3] <= bbox[3]
  const meeting = bbox[0] > bbox[2] ? areas : areas.filter((area) => bboxesMeet(area.bbox, bbox))
  const shapes = await view.shapes(meeting.filter((area) => !inside(area.bbox)).map((area) => area.geometryHash))
  return meeting.filter((area) => inside(area.bbox) || shapeIntersectsBbox(shapes.get(area.geometryHash)!, bbox))
}

/** The map's rows (no geometry) that the filters and the bbox admit, in id order; kept per validity interval. */
async function mapRows(view: DatasetView, query: MapQuery): Promise<AreaRow[]> {
  const interval = await view.intervalOf(query.at)
  return view.cached('map-rows', [interval, query.bbox ?? null, query.actorIds ?? null, query.sides ?? null], async () => {
    const areas = await view.areasAt(query.at, query)
    // Boxes first, then the shapes of the areas not inside the bbox.
    return query.bbox ? meetingBox(view, areas, query.bbox) : areas
  })
}

/** The map's rows with their features' text; kept per validity interval. */
async function mapItems(view: DatasetView, query: MapQuery): Promise<MapItem[]> {
  const interval = await view.intervalOf(query.at)
  return view.cached('map-items', [interval, query.bbox ?? null, query.actorIds ?? null, query.sides ?? null], async () => {
    const areas = await mapRows(view, query)
    const texts = await geometryTexts(
      view,
      areas.map((area) => area.geometryHash),
    )
    return areas.map((meta) => ({ ...featureText(meta, texts.get(meta.geometryHash)!), meta }))
  })
}

/**
 * Geometries by content hash as the JSON text the database holds. A hash names one geometry
 * forever, so the texts are kept under the hash alone, shared by every view, revision and
 * interval: a new day's map fetches only the shapes that changed since a map was last made.
 * Without `keep`, the texts already kept are used and those fetched are not kept.
 */
async function geometryTexts(view: DatasetView, hashes: string[], { keep } = { keep: true }): Promise<Map<string, string>> {
  const texts = new Map<string, string>()
  const missing: string[] = []
  for (const hash of new Set(hashes)) {
    const text = view.cache.get(`${GEOMETRY_TEXT_KEY}${hash}`) as string | undefined
    if (text !== undefined) texts.set(hash, text)
    else missing.push(hash)
  }
  if (missing.length === 0) return texts
  for (const [hash, text] of await controlRepository.listGeometryTexts(view.db, missing)) {
    texts.set(hash, text)
    if (keep) view.cache.set(`${GEOMETRY_TEXT_KEY}${hash}`, text)
  }
  return texts
}

const GEOMETRY_TEXT_KEY = 'shape-text|'

/** An area's GeoJSON feature as text, the stored geometry text (or null) embedded as is; `keep` names the properties kept. */
function featureText(area: AreaMeta, geometryText: string | null, keep?: string[]): { text: string; geometryAt: [number, number] } {
  const feature = toFeature(area)
  const json = JSON.stringify(keep ? { ...feature, properties: pick(feature.properties, keep) } : feature)
  // toFeature leaves the geometry null right after the numeric id: the first such member is it.
  const at = json.indexOf('"geometry":null') + '"geometry":'.length
  if (geometryText === null) return { text: json, geometryAt: [at, at + 4] }
  return { text: `${json.slice(0, at)}${geometryText}${json.slice(at + 4)}`, geometryAt: [at, at + geometryText.length] }
}

function pick(properties: Record<string, unknown>, keep: string[]): Record<string, unknown> {
  return Object.fromEntries(keep.filter((name) => Object.hasOwn(properties, name)).map((name) => [name, properties[name]]))
}

function toFeature(area: AreaMeta) {
  const validFrom = area.validFrom.toISOString()
  const validTo = area.validTo?.toISOString() ?? null
  return {
    type: 'Feature' as const,
    id: area.id,
    geometry: null,
    // JSON-FG: the valid time as a temporal geometry, an open end as "..".
    time: { interval: [validFrom, validTo ?? '..'] },
    properties: {
      ...area.properties,
      actor: area.actorId,
      side: area.side,
      status: area.status,
      validFrom,
      validTo,
      areaKm2: round(area.areaKm2, 3),
      sources: area.sources,
      areaKey: area.areaKey,
    },
  }
}

/**
 * Who holds a point at `at`, since when and until when. Where areas overlap, every one is listed;
 * `holder` is the first: controlled ground before contested, then the longest-standing holding,
 * then the lowest area id; `holderRule` says which of these steps picked it. The holders are
 * read/point-holders.ts's (the one home of that rule, which the events' `held_by` uses too): found
 * in the view's indexed area history, without a query per point.
 */
export async function getPointControl(view: DatasetView, query: { point: Position; at: Date }): Promise<PointControl> {
  const [lon, lat] = query.point
  const [holding] = await placeHoldings(view, [query])
  const coverage = await view.coverage()
  const holders = holding.holders.map(toHolder)
  // No area covers the point: inside the dataset's outline, its complement actor holds it (a single-actor map's other side).
  const complement = holding.complement ? { ...holding.complement, actor: holders[0].actor!, side: holders[0].side! } : null
  const rule = complement
    ? `no area covers this point; inside outline '${complement.outlineFeature}' the dataset's complement actor (${complement.actor}) holds it`
    : holderRule(holders)
  const notes = complement
    ? [
        ...instantNotes(coverage, query.at),
        {
          code: 'COMPLEMENT',
          message: `no area covers [${lon}, ${lat}] at ${query.at.toISOString()}: inside outline '${complement.outlineFeature}' it is counted as held by actor '${complement.actor}' (side ${complement.side}), the dataset's complement actor`,
        },
      ]
    : await withSwapHint(view, query, pointControlNotes(coverage, query, holders, rule), holders.length === 0)
  return {
    dataset: view.datasetId,
    revision: view.revision,
    at: query.at.toISOString(),
    knownAt: view.knownAt?.toISOString() ?? null,
    point: [lon, lat],
    holder: holders[0] ?? null,
    holderRule: rule,
    holders,
    coverage: coverageJson(coverage),
    notes,
  }
}

/** A holder as the answer carries it: instants as ISO strings (the complement actor has no area, valid time or sources). */
function toHolder(holder: PlaceHolder): Holder {
  return {
    actor: holder.actor,
    side: holder.side,
    status: holder.status,
    since: holder.since.toISOString(),
    sinceIsLowerBound: holder.sinceIsLowerBound,
    until: holder.until?.toISOString() ?? null,
    areaId: holder.areaId,
    validFrom: holder.validFrom?.toISOString() ?? null,
    validTo: holder.validTo?.toISOString() ?? null,
    sources: holder.sources,
  }
}

async function withSwapHint(view: DatasetView, query: { point: Position; at: Date }, notes: Note[], empty: boolean): Promise<Note[]> {
  if (!empty || notes.some((note) => note.code === 'LON_LAT_SWAPPED')) return notes
  const swapped = await swappedNotes(view, query)
  // A hint that the point is merely in a gap of the data would mislead when the swapped point is held.
  return swapped.length > 0 ? [...notes.filter((note) => note.code !== 'NO_AREA' && note.code !== 'OUTSIDE_EXTENT'), ...swapped] : notes
}

/**
 * A point no area covers whose swapped coordinates some area does cover at `at`: lon and lat were
 * probably given the wrong way round (Aleppo is 37.16°E, 36.20°N; lon=36.2&lat=37.16 is in Turkey).
 * The box test of pointNotes misses it when the data spans both readings, as a country's map does.
 */
async function swappedNotes(view: DatasetView, query: { point: Position; at: Date }): Promise<Note[]> {
  const [lon, lat] = query.point
  if (Math.abs(lon) > 90 || lon === lat) return []
  const held = await areasHolding(view, [lat, lon], query.at)
  if (held.length === 0) return []
  const who = [...new Set(held.map((area) => area.actorId ?? 'contested ground'))].join(', ')
  return [
    {
      code: 'LON_LAT_SWAPPED',
      message: `no area covers [${lon}, ${lat}], but [${lat}, ${lon}] is held by ${who}: lon and lat may be swapped (lon is east, lat is north)`,
    },
  ]
}

const HOLDER_RULE = 'controlled ground before contested, then the longest-standing holding (earliest since), then the lowest area id'

/**
 * Which step of the holder rule put the first holder before the second, in words; null with fewer
 * than two holders (nothing to choose between).
 */
function holderRule(holders: Holder[]): string | null {
  if (holders.length < 2) return null
  const [first, second] = holders
  const picked =
    first.status !== second.status
      ? `the controlled one (area ${first.areaId}, ${first.actor})`
      : first.since !== second.since
        ? `the longest-standing of the ${first.status} holdings (area ${first.areaId}, ${first.actor ?? 'contested'}, since ${first.since})`
        : `the lowest area id (${first.areaId}) of the ${first.status} holdings since ${first.since}`
  return `${holders.length} areas cover this point (${holderNames(holders)}): holder is ${picked}, by the rule ${HOLDER_RULE}`
}

const holderNames = (holders: Holder[]): string => holders.map((holder) => holder.actor ?? 'contested').join(', ')

function pointControlNotes(coverage: Coverage, query: { point: Position; at: Date }, holders: Holder[], rule: string | null): Note[] {
  const [lon, lat] = query.point
  const notes = instantNotes(coverage, query.at)
  if (holders.length === 0) {
    const outside = pointNotes(coverage, lon, lat)
    if (outside.length > 0) return [...notes, ...outside]
    if (notes.length === 0 || notes[0].code === 'AT_AFTER_COVERAGE')
      notes.push({ code: 'NO_AREA', message: `no area covers [${lon}, ${lat}] at ${query.at.toISOString()}: the data maps no holder there` })
    return notes
  }
  // The note says what holderRule says, for a reader of notes alone.
  if (rule)
    notes.push({ code: 'OVERLAPPING_AREAS', message: `${holders.length} areas overlap here (${holderNames(holders)}): ${rule.slice(rule.indexOf(': ') + 2)}` })
  for (const holder of holders) notes.push(...sinceNote(coverage, new Date(holder.since), holder.actor ?? 'contested ground'))
  return notes
}

/** The holders of a point as CSV, a row per holder, columns as the JSON members. */
export function pointControlCsv(answer: PointControl): string {
  return toCsv(columns<Holder>('actor', 'side', 'status', 'since', 'sinceIsLowerBound', 'until', 'areaId', 'validFrom', 'validTo', 'sources'), answer.holders)
}

// ---- The areas as an OGC API – Features collection ----

/** The properties of an area a filter or an order may name, with their types: the collection's queryables. */
export const AREA_QUERYABLES = {
  id: 'number',
  actor: 'string',
  side: 'string',
  status: 'string',
  validFrom: 'timestamp',
  validTo: 'timestamp',
  areaKm2: 'number',
  areaKey: 'string',
} as const satisfies Record<string, QueryableType>

/**
 * Which rows a request asks for: the map as of an instant, every row valid at some instant of a
 * closed interval (an end null is open), or, with no time at all, every row of the dataset's history.
 */
export type ItemTime = { at: Date } | { start: Date | null; end: Date | null } | null

export interface ItemsQuery extends ItemSelection {
  time: ItemTime
}

/** What the features of a page carry: only some properties, no geometry. */
export interface ItemShape {
  properties?: string[]
  skipGeometry: boolean
}

/** An area of a page of items: its row, and its map text where the page came from a map. */
export interface AreaItem {
  meta: AreaRow
  text?: string
  geometryAt?: [number, number]
}

/** The queryable properties of an area, timestamps as Dates: what a filter and an order read. */
export function areaQueryables(area: AreaMeta): Record<string, unknown> {
  return {
    id: area.id,
    actor: area.actorId,
    side: area.side,
    status: area.status,
    validFrom: area.validFrom,
    validTo: area.validTo,
    areaKm2: round(area.areaKm2, 3),
    areaKey: area.areaKey,
  }
}

/**
 * A page of the dataset's areas and how many match. An instant reads the map of its validity
 * interval, the very entries (and texts) the v1 map is made of, unless that map's text is
 * estimated past `wholeMapFromBytes` (it would be built whole for a page of it); an interval or no
 * time reads the rows without geometry, kept per view, and geometry is fetched later for the page alone.
 */
export async function listAreaItems(
  view: DatasetView,
  query: ItemsQuery,
  wholeMapFromBytes = Number.POSITIVE_INFINITY,
): Promise<{ matched: number; page: AreaItem[] }> {
  const time = query.time
  let items: AreaItem[]
  if (time && 'at' in time) {
    const map = { at: time.at, bbox: query.bbox }
    const rows = await mapRows(view, map)
    items = estimatedBytes(rows) > wholeMapFromBytes ? rows.map((meta) => ({ meta })) : await mapItems(view, map)
  } else items = (await areaRowsOver(view, time, query.bbox)).map((meta) => ({ meta }))
  if (query.ids) {
    const wanted = new Set(query.ids)
    items = items.filter((item) => wanted.has(String(item.meta.id)))
  }
  if (query.where || query.compare) {
    let rows = items.map((item) => ({ item, values: areaQueryables(item.meta) }))
    if (query.where) rows = rows.filter((row) => query.where!(row.values))
    // Array.prototype.sort is stable: equal keys keep id order.
    if (query.compare) rows.sort((a, b) => query.compare!(a.values, b.values))
    items = rows.map((row) => row.item)
  }
  return { matched: items.length, page: items.slice(query.offset, query.offset + query.limit) }
}

/** The rows valid at some instant of [start, end] (all of them without a time) whose shape meets the bbox; kept per view, interval and bbox. */
async function areaRowsOver(view: DatasetView, time: Exclude<ItemTime, { at: Date }>, bbox: Bbox | undefined): Promise<AreaRow[]> {
  const start = time?.start ?? null
  const end = time?.end ?? null
  return view.cached('area-rows-over', [start?.toISOString() ?? null, end?.toISOString() ?? null, bbox ?? null], async () => {
    // [validFrom, validTo) meets [start, end] when it begins by the end and ends after the start.
    let rows = (await view.areaRows()).filter(
      (row) => (end === null || row.validFrom <= end) && (start === null || row.validTo === null || row.validTo > start),
    )
    if (bbox) rows = await meetingBox(view, rows, bbox)
    return rows
  })
}

/**
 * The GeoJSON text of each area of a page. A map's entry is sent as the map has it when nothing is
 * left out; otherwise the feature is made again from its row, with the geometry text the map holds
 * or, for rows of an interval, fetched for this page only.
 */
export async function areaFeatureTexts(view: DatasetView, page: AreaItem[], shape: ItemShape): Promise<string[]> {
  const missing = shape.skipGeometry ? [] : page.filter((item) => item.text === undefined).map((item) => item.meta.geometryHash)
  const geometries = missing.length > 0 ? await geometryTexts(view, missing) : new Map<string, string>()
  return page.map((item) => {
    if (item.text !== undefined && !shape.properties && !shape.skipGeometry) return item.text
    const geometry = shape.skipGeometry
      ? null
      : item.text !== undefined && item.geometryAt
        ? item.text.slice(item.geometryAt[0], item.geometryAt[1])
        : geometries.get(item.meta.geometryHash)!
    return featureText(item.meta, geometry, shape.properties).text
  })
}

/** The estimated length of the GeoJSON text of a page of areas with their geometry, bytes (no geometry is read). */
export function estimateAreaItems(page: AreaItem[]): number {
  return estimatedBytes(page.map((item) => item.meta))
}

/**
 * The GeoJSON texts of a page of areas too large to build whole, comma-separated, about
 * `batchBytes` at a time: each batch's geometry texts fetched from `view`'s database when the
 * reader asks for it, and not kept (see controlMapPieces). The texts areaFeatureTexts makes.
 */
export function areaFeaturePieces(view: DatasetView, page: AreaItem[], shape: ItemShape, batchBytes: number): AsyncGenerator<string> {
  return featureBatches(
    page.map((item) => item.meta),
    batchBytes,
    (hashes) => geometryTexts(view, hashes, { keep: false }),
    (row, text) => featureText(row, text, shape.properties).text,
  )
}

/** One area of the view by id (of any time), as GeoJSON text with its row; undefined when the view has no such row. */
export async function getAreaItem(view: DatasetView, id: string): Promise<{ meta: AreaMeta; text: string } | undefined> {
  const meta = (await view.areaRows()).find((row) => String(row.id) === id)
  if (!meta) return undefined
  const geometries = await geometryTexts(view, [meta.geometryHash])
  return { meta, text: featureText(meta, geometries.get(meta.geometryHash)!).text }
}

/** The areas of a page as CSV without geometry, the columns of the map's CSV (or those of `keep`, with id first). */
export function areaItemsCsv(page: AreaItem[], keep?: string[]): string {
  const table = keep ? AREA_COLUMNS.filter((column) => column.name === 'id' || keep.includes(column.name)) : AREA_COLUMNS
  return toCsv(
    table,
    page.map((item) => item.meta),
  )
}

/** The properties of an area as its feature carries them, for pages that show them (HTML). */
export function areaProperties(area: AreaMeta): Record<string, unknown> {
  return toFeature(area).properties
}

/**
 * Where and when the dataset's areas are: the box around every area of any time, the first
 * instant one holds from, and the last instant one ends, or null while the last map holds on.
 */
export async function getAreaExtent(view: DatasetView): Promise<{ bbox: Bbox | null; from: Date | null; to: Date | null }> {
  const coverage = await view.coverage()
  const open = (await view.areaRows()).some((row) => row.validTo === null)
  return { bbox: coverage.bbox, from: coverage.from, to: open ? null : coverage.to }
}
