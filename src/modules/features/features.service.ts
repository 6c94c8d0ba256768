import type { Geometry, Position } from 'geojson'
import { type AreaInput, bboxesMeet, holdingShares, pointInShape, prepareAreas, shapeIntersectsBbox } from '../../geo/index.js'
import {
  allFeatures,
  areasTouching,
  complementArea,
  complementSetting,
  complementWithheld,
  isComplementArea,
  mapsAnyArea,
  referenceFeature,
} from '../../read/areas.js'
import type { Coverage, DatasetView } from '../../read/dataset-view.js'
import * as featuresRepository from '../../store/features.repository.js'
import type { AreaRecord, Bbox, FeatureRecord } from '../../store/records.js'
import { toCsv } from '../common/csv.js'
import { holdingSpan, round, validAt } from '../common/intervals.js'
import { coverageJson, datasetExplained, instantNotes, isLowerBound, rangeNotes, sinceNote, type Note } from '../common/notes.js'
import type { ItemSelection } from '../common/items.js'
import { parseBbox, splitCsv } from '../common/schemas.js'
import { FEATURE_COLUMNS, type FeatureControl, type FeatureHolder, type FeatureListQuery, type HistoryEntry } from './features.schemas.js'

export function toGeoJsonFeature(feature: FeatureRecord) {
  return {
    type: 'Feature' as const,
    id: feature.id,
    geometry: feature.geometry as Geometry,
    properties: { ...feature.properties, kind: feature.kind, name: feature.name, ownerSide: feature.ownerSide },
  }
}

/** One feature, with the dataset's coverage and notes as foreign members. */
export async function getFeature(view: DatasetView, id: string) {
  return { ...toGeoJsonFeature(await referenceFeature(view, id)), ...(await datasetExplained(view)) }
}

/** One page of reference features in id order, with how many match in all and the dataset's coverage. */
export async function listFeatures(view: DatasetView, query: FeatureListQuery) {
  const { features, matched } = await featuresRepository.listFeatures(view.db, {
    datasetId: view.datasetId,
    knownAt: view.knownAt,
    kinds: splitCsv(query.kind),
    bbox: query.bbox ? parseBbox(query.bbox) : undefined,
    q: query.q,
    limit: query.limit,
    offset: query.offset,
  })
  return { matched, features: features.map(toGeoJsonFeature), ...(await datasetExplained(view)) }
}

/** Coverage and notes of an answer about the dataset as a whole: only a dataset with no area has something to say. */
/**
 * Who holds a reference feature at `at`, or the history of its holders over [start, end], with
 * the dataset's coverage and notes: a date outside it, a feature inside no area, and a holding
 * that starts with the data (a lower bound: it may be older).
 */
export async function getFeatureControl(view: DatasetView, query: { featureId: string; at?: Date; start?: Date; end?: Date }): Promise<FeatureControl> {
  const feature = await referenceFeature(view, query.featureId)
  const touching = await areasTouching(view, feature.bbox)
  const coverage = await view.coverage()
  const base = {
    dataset: view.datasetId,
    revision: view.revision,
    knownAt: view.knownAt?.toISOString() ?? null,
    feature: { id: feature.id, kind: feature.kind, name: feature.name, geometryType: feature.geometry.type },
    coverage: coverageJson(coverage),
  }
  if (query.start && query.end) {
    const { history, complementActor, withheld } = await holderHistory(view, feature.geometry, touching, query.start, query.end, coverage)
    const notes = rangeNotes(coverage, query.start, query.end)
    if (complementActor)
      notes.push({
        code: 'COMPLEMENT',
        message: `ground of ${feature.id} inside the dataset's outline that no area covers is counted as held by actor '${complementActor}', the dataset's complement actor, in the entries that name it`,
      })
    if (withheld) notes.push(complementWithheldNote(feature.id, withheld, coverage))
    if (history.every((entry) => entry.holders.length === 0) && coverage.from && query.end >= coverage.from) {
      notes.push(noArea(feature.id, `from ${query.start.toISOString()} to ${query.end.toISOString()}`))
    }
    for (const entry of history) {
      if (entry.fromIsLowerBound) notes.push(...sinceNote(coverage, new Date(entry.from), `${entry.actor ?? 'no majority holder'} holding ${feature.id}`))
    }
    return { ...base, start: query.start.toISOString(), end: query.end.toISOString(), history, notes }
  }
  const at = query.at ?? new Date()
  // Inside the dataset's outline, ground no area covers is its complement actor's (single-actor maps).
  const complement = await complementArea(view, at)
  const { holders, complement: complementHolder } = holdersAt(feature.geometry, touching, at, coverage, complement)
  const notes = instantNotes(coverage, at)
  const viaComplement = complement && holders.some((holder) => holder.actor === complement.holder && holder.status === 'controlled')
  if (viaComplement)
    notes.push({
      code: 'COMPLEMENT',
      message: `ground of ${feature.id} inside the dataset's outline that no area covers at ${at.toISOString()} is counted as held by actor '${complement.holder}', the dataset's complement actor`,
    })
  if (await complementWithheld(view, at)) notes.push(complementWithheldNote(feature.id, at.toISOString(), coverage))
  if (holders.length === 0 && coverage.from && at >= coverage.from) notes.push(noArea(feature.id, `at ${at.toISOString()}`))
  for (const holder of holders) {
    if (holder.sinceIsLowerBound) notes.push(...sinceNote(coverage, new Date(holder.since!), `${holderName(holder.actor)} holding ${feature.id}`))
  }
  const rule = featureHolderRule(holders, complementHolder)
  if (rule) notes.push({ code: 'OVERLAPPING_AREAS', message: rule })
  return { ...base, at: at.toISOString(), holder: majority(holders), holderRule: rule, holders, notes }
}

/** The complement was not applied where the dataset maps no area (before its first, or in a gap of a history). */
function complementWithheldNote(featureId: string, when: string, coverage: Coverage): Note {
  const first = coverage.from ? `its first area holds from ${coverage.from.toISOString()}` : 'it has no area'
  return {
    code: 'NO_COMPLEMENT',
    message: `the dataset maps no area ${when} (${first}, or a history leaves a gap): the data says nothing of that time, so ${featureId} is not counted as the complement actor's there`,
  }
}

function noArea(featureId: string, when: string): Note {
  return { code: 'NO_AREA', message: `${featureId} lies inside no area of the dataset ${when}: no one is mapped as holding it` }
}

/** A holder's actor is null on contested ground. */
function holderName(actor: string | null): string {
  return actor ?? 'contested ground'
}

export function toAreaInput(area: AreaRecord): AreaInput {
  return { key: String(area.id), holder: area.actorId, side: area.side, status: area.status, geometry: area.geometry }
}

/**
 * The holders of a geometry at `at`, from the areas touching it over all time (for since/until of
 * points), in the order of the holder rule: the largest share, then controlled ground before
 * contested, then the longest-standing holding (points: earliest since), then the lowest area id.
 * Only overlapping areas (or a point on a shared boundary) give two holders more than half, and only then does more than the share decide.
 */
function holdersAt(
  geometry: Geometry,
  touching: AreaRecord[],
  at: Date,
  coverage: Coverage,
  complement: AreaInput | null = null,
): { holders: FeatureHolder[]; complement: FeatureHolder | null } {
  const areas = touching.filter((area) => validAt(area, at)).map(toAreaInput)
  if (complement) areas.push(complement)
  const { unit, whole, shares } = holdingShares(geometry, prepareAreas(areas))
  const ranked = shares.map(({ area, amount }) => {
    const holder: FeatureHolder = {
      actor: area.holder,
      side: area.side,
      status: area.status,
      share: whole > 0 ? round(Math.min(1, amount / whole), 4) : 0,
    }
    if (unit === 'km') holder.lengthKm = round(amount, 3)
    if (unit === 'km2') holder.areaKm2 = round(amount, 3)
    if (unit === 'points' && !isComplementArea(area)) {
      const span = holdingSpan(
        touching.filter((other) => other.actorId === area.holder && other.status === area.status && coversAnyPoint(other, geometry)),
        at,
      )
      if (span) {
        holder.since = span.from.toISOString()
        holder.sinceIsLowerBound = isLowerBound(coverage, span.from)
        holder.until = span.to?.toISOString() ?? null
      }
    }
    // The complement has no area row and no since: on equal share and status it ranks after every mapped area.
    const complement = isComplementArea(area)
    return { holder, complement, areaId: complement ? Number.MAX_SAFE_INTEGER : Number(area.key) }
  })
  ranked.sort(byFeatureHolderRule)
  return { holders: ranked.map(({ holder }) => holder), complement: ranked.find((r) => r.complement)?.holder ?? null }
}

type Ranked = { holder: FeatureHolder; complement: boolean; areaId: number }

function byFeatureHolderRule({ holder: a, complement: ca, areaId: ia }: Ranked, { holder: b, complement: cb, areaId: ib }: Ranked): number {
  // The shares as reported (rounded): float noise between two areas of one shape decides nothing.
  if (a.share !== b.share) return b.share - a.share
  if (a.status !== b.status) return a.status === 'controlled' ? -1 : 1
  if (ca !== cb) return ca ? 1 : -1
  return (a.since ?? '').localeCompare(b.since ?? '') || ia - ib
}

const FEATURE_HOLDER_RULE =
  "the largest share, then controlled ground before contested, then a mapped area before the dataset's complement, " +
  'then the longest-standing holding (earliest since, points only), then the lowest area id'

/**
 * Which step of the holder rule picked `holder` where overlapping areas (or a shared boundary) give more than one holder
 * more than half of the feature, in words; null where at most one does (the majority alone decides).
 */
export function featureHolderRule(
  holders: Omit<FeatureHolder, 'since' | 'sinceIsLowerBound' | 'until'>[] | FeatureHolder[],
  complement: object | null = null,
): string | null {
  const over = holders.filter((holder) => holder.share > 0.5)
  if (over.length < 2) return null
  const [first, second] = over as FeatureHolder[]
  const name = first.actor ?? 'contested'
  const picked =
    first.share !== second.share
      ? `the largest share (${name}, ${first.share})`
      : first.status !== second.status
        ? `the controlled one (${name})`
        : second === complement
          ? `the mapped area before the dataset's complement (${name}, not ${second.actor})`
          : first.since !== undefined && first.since !== second.since
            ? `the longest-standing of the ${first.status} holdings (${name}, since ${first.since})`
            : `the holding with the lowest area id (${name})`
  const who = over.map((holder) => holder.actor ?? 'contested').join(', ')
  return `${over.length} holders each hold more than half of this feature (${who}; areas overlap there, or it lies on their shared boundary): holder is ${picked}, by the rule ${FEATURE_HOLDER_RULE}`
}

function coversAnyPoint(area: AreaRecord, geometry: Geometry): boolean {
  const points: Position[] = geometry.type === 'Point' ? [geometry.coordinates] : geometry.type === 'MultiPoint' ? geometry.coordinates : []
  return points.some((point) => pointInShape(point, area.geometry))
}

function majority<H extends { share: number }>(holders: H[]): H | null {
  return holders.find((holder) => holder.share > 0.5) ?? null
}

/**
 * Holders at `start` and after every change within [start, end], consecutive equal answers merged,
 * counting the dataset's complement at each instant as the answer at that instant does. The
 * complement changes only where an area touching the feature does, or where the dataset starts (or
 * stops) mapping anything (the change instants of the whole dataset, checked only when it names an outline).
 * An entry that begins at the dataset's first instant with a holder is a lower bound.
 */
async function holderHistory(
  view: DatasetView,
  geometry: Geometry,
  touching: AreaRecord[],
  start: Date,
  end: Date,
  coverage: Coverage,
): Promise<{ history: HistoryEntry[]; complementActor: string | null; withheld: string | null }> {
  const instants = new Set<number>([start.getTime()])
  for (const area of touching) {
    for (const instant of [area.validFrom, area.validTo]) {
      if (instant && instant > start && instant <= end) instants.add(instant.getTime())
    }
  }
  const outlined = (await complementSetting(view)).kind === 'ready'
  if (outlined) {
    // Where the whole map starts, or stops (a gap), the complement starts or stops with it.
    let mapped = await mapsAnyArea(view, start)
    for (const instant of await view.changeInstants()) {
      if (instant <= start) continue
      if (instant > end) break
      const now = await mapsAnyArea(view, instant)
      if (now !== mapped) instants.add(instant.getTime())
      mapped = now
    }
  }
  const history: HistoryEntry[] = []
  let complementActor: string | null = null
  let withheldCount = 0
  let previousKey: string | undefined
  const sorted = [...instants].sort((a, b) => a - b)
  for (const time of sorted) {
    const from = new Date(time)
    const complement = outlined ? await complementArea(view, from) : null
    if (outlined && (await complementWithheld(view, from))) withheldCount++
    const ranked = holdersAt(geometry, touching, from, coverage, complement)
    const holders = ranked.holders.map(({ since: _since, sinceIsLowerBound: _lower, until: _until, ...rest }) => rest)
    const complementHolder = ranked.complement ? holders[ranked.holders.indexOf(ranked.complement)] : null
    if (complementHolder && complementHolder.status === 'controlled') complementActor = complementHolder.actor
    const top = majority(holders)
    const key = JSON.stringify(holders.map((holder) => [holder.actor, holder.status, holder.share]))
    if (key === previousKey) continue
    if (history.length > 0) history[history.length - 1].to = from.toISOString()
    history.push({
      from: from.toISOString(),
      fromIsLowerBound: holders.length > 0 && isLowerBound(coverage, from),
      to: null,
      actor: top?.actor ?? null,
      side: top?.side ?? null,
      status: top?.status ?? null,
      holderRule: featureHolderRule(holders, complementHolder),
      holders,
    })
    previousKey = key
  }
  const withheld =
    withheldCount === 0 ? null : sorted.length === 1 ? `at ${start.toISOString()}` : `at ${withheldCount} of the ${sorted.length} instants of this history`
  return { history, complementActor, withheld }
}

// ---- The reference features as an OGC API – Features collection ----

/** The properties of a reference feature a filter or an order may name, all text: the collection's queryables. */
export const FEATURE_QUERYABLES = { id: 'string', kind: 'string', name: 'string', ownerSide: 'string' } as const

export function featureQueryables(feature: FeatureRecord): Record<string, unknown> {
  return { id: feature.id, kind: feature.kind, name: feature.name, ownerSide: feature.ownerSide }
}

/**
 * A page of the dataset's reference features and how many match. They carry no valid time, so no
 * date selects among them. A bbox keeps features whose geometry meets it: points and polygons
 * exactly, lines by their box.
 */
export async function listFeatureItems(view: DatasetView, query: ItemSelection): Promise<{ matched: number; page: FeatureRecord[] }> {
  let features = await allFeatures(view)
  if (query.bbox) {
    const bbox = query.bbox
    features = features.filter((feature) => {
      if (!bboxesMeet(feature.bbox, bbox)) return false
      const geometry = feature.geometry
      return geometry.type === 'Polygon' || geometry.type === 'MultiPolygon' ? shapeIntersectsBbox(geometry, bbox) : true
    })
  }
  if (query.ids) {
    const wanted = new Set(query.ids)
    features = features.filter((feature) => wanted.has(feature.id))
  }
  if (query.where || query.compare) {
    let rows = features.map((feature) => ({ feature, values: featureQueryables(feature) }))
    if (query.where) rows = rows.filter((row) => query.where!(row.values))
    if (query.compare) rows.sort((a, b) => query.compare!(a.values, b.values))
    features = rows.map((row) => row.feature)
  }
  return { matched: features.length, page: features.slice(query.offset, query.offset + query.limit) }
}

/** One reference feature of the view by id; undefined when it has none. */
export async function getFeatureItem(view: DatasetView, id: string): Promise<FeatureRecord | undefined> {
  return (await allFeatures(view)).find((feature) => feature.id === id)
}

/** A feature as GeoJSON text, with only the properties of `keep` and without geometry when asked. */
export function featureItemText(feature: FeatureRecord, shape: { properties?: string[]; skipGeometry: boolean }): string {
  const geoJson = toGeoJsonFeature(feature)
  const all: Record<string, unknown> = geoJson.properties
  const properties = shape.properties ? Object.fromEntries(shape.properties.filter((name) => Object.hasOwn(all, name)).map((name) => [name, all[name]])) : all
  return JSON.stringify({ ...geoJson, geometry: shape.skipGeometry ? null : geoJson.geometry, properties })
}

/** Features as CSV without geometry, the columns of GET /v1/features (or those of `keep`, with id first). */
export function featureItemsCsv(page: FeatureRecord[], keep?: string[]): string {
  const table = keep ? FEATURE_COLUMNS.filter((column) => column.name === 'id' || keep.includes(column.name)) : FEATURE_COLUMNS
  return toCsv(table, page.map(toGeoJsonFeature))
}

/** The box around every reference feature of the view; null when it has none. */
export async function getFeatureExtent(view: DatasetView): Promise<Bbox | null> {
  const features = await allFeatures(view)
  if (features.length === 0) return null
  return features.reduce<Bbox>(
    (box, { bbox }) => [Math.min(box[0], bbox[0]), Math.min(box[1], bbox[1]), Math.max(box[2], bbox[2]), Math.max(box[3], bbox[3])],
    [Infinity, Infinity, -Infinity, -Infinity],
  )
}
