import { area as turfArea, bbox as turfBbox, booleanPointInPolygon, featureCollection, feature as turfFeature, intersect } from '@turf/turf'
import type { Geometry, Position } from 'geojson'
import type { Db } from '../../db/database.js'
import type { FeatureRow } from '../../db/schema.js'
import type { LruCache } from '../../plugins/caching.js'
import { Errors } from '../../errors.js'
import { type AreaInput, areasAt, type PreparedAreas, prepareAreas } from '../../geo/area-index.js'
import { segmentRoute } from '../../geo/route.js'
import { type Bbox, parseBbox, splitCsv } from '../common/schemas.js'
import { parseInstant } from '../common/time.js'
import * as controlRepository from '../control/control.repository.js'
import type { StoredArea } from '../control/control.repository.js'
import { areasTouching, holdingSpan, round } from '../control/control.service.js'
import { getRevision } from '../datasets/datasets.service.js'
import * as featuresRepository from './features.repository.js'
import type { FeatureControl, FeatureHolder, FeatureListQuery } from './features.schemas.js'

export interface ReferenceFeature {
  id: string
  kind: string
  name: string
  ownerSide: string | null
  geometry: Geometry
  properties: Record<string, unknown>
  bbox: Bbox
}

export function toReferenceFeature(row: FeatureRow): ReferenceFeature {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    ownerSide: row.owner_side,
    geometry: row.geometry as Geometry,
    properties: row.properties,
    bbox: controlRepository.parseBox(row.bbox),
  }
}

export function toGeoJsonFeature(feature: ReferenceFeature) {
  return {
    type: 'Feature' as const,
    id: feature.id,
    geometry: feature.geometry as unknown as { type: string; coordinates: unknown[] },
    properties: { ...feature.properties, kind: feature.kind, name: feature.name, ownerSide: feature.ownerSide },
  }
}

export async function getFeature(db: Db, datasetId: string, id: string, knownAt?: Date): Promise<ReferenceFeature> {
  const row = await featuresRepository.findFeature(db, datasetId, id, knownAt)
  if (row) return toReferenceFeature(row)
  // Only a miss needs the dataset looked up: to say which of the two does not exist.
  await getRevision(db, datasetId)
  throw new Errors.FEATURE_NOT_FOUND(id, datasetId)
}

export async function listFeatures(db: Db, query: FeatureListQuery) {
  const revision = await getRevision(db, query.dataset)
  const { rows, matched } = await featuresRepository.listFeatures(db, {
    datasetId: query.dataset,
    knownAt: query.known_at ? parseInstant(query.known_at, 'end-of-day') : undefined,
    kinds: splitCsv(query.kind),
    bbox: query.bbox ? parseBbox(query.bbox) : undefined,
    q: query.q,
    after: query.after,
    limit: query.limit,
  })
  return { revision, matched, features: rows.map(toReferenceFeature) }
}

/** Who holds a reference feature at `at`, or the history of its holders over [start, end]. */
export async function getFeatureControl(
  db: Db,
  cache: LruCache,
  query: { datasetId: string; featureId: string; knownAt?: Date; at?: Date; start?: Date; end?: Date },
): Promise<FeatureControl> {
  const revision = await getRevision(db, query.datasetId)
  const feature = await getFeature(db, query.datasetId, query.featureId, query.knownAt)
  const touching = await areasTouching(db, cache, query.datasetId, feature.bbox, query.knownAt)
  const base = {
    dataset: query.datasetId,
    revision,
    knownAt: query.knownAt?.toISOString() ?? null,
    feature: { id: feature.id, kind: feature.kind, name: feature.name, geometryType: feature.geometry.type },
  }
  if (query.start && query.end) {
    return { ...base, start: query.start.toISOString(), end: query.end.toISOString(), history: holderHistory(feature.geometry, touching, query.start, query.end) }
  }
  const at = query.at ?? new Date()
  const holders = holdersAt(feature.geometry, touching, at)
  return { ...base, at: at.toISOString(), holder: majority(holders), holders }
}

const validAt = (area: StoredArea, at: Date) => area.validFrom <= at && (area.validTo === null || area.validTo > at)

/** How much of a geometry each holder holds: by count of points, by length of lines, by area of polygons. */
export interface HoldingShares {
  unit: 'points' | 'km' | 'km2'
  whole: number
  shares: { area: AreaInput; amount: number }[]
}

/**
 * The holders of a geometry among prepared areas (one date's map), with the amount each holds:
 * points by indexed point-in-polygon, lines cut by the route engine (geodesic km), polygons
 * clipped against the areas whose bounding boxes meet theirs (km²).
 */
export function holdingShares(geometry: Geometry, prepared: PreparedAreas): HoldingShares {
  const totals = new Map<string, { area: AreaInput; amount: number }>()
  const add = (area: AreaInput, amount: number) => {
    const key = `${area.holder}|${area.status}`
    const entry = totals.get(key) ?? { area, amount: 0 }
    entry.amount += amount
    totals.set(key, entry)
  }
  let whole: number
  let unit: HoldingShares['unit']
  switch (geometry.type) {
    case 'Point':
    case 'MultiPoint': {
      unit = 'points'
      const points: Position[] = geometry.type === 'Point' ? [geometry.coordinates] : geometry.coordinates
      whole = points.length
      for (const point of points) for (const area of areasAt(prepared, point)) add(area, 1)
      break
    }
    case 'LineString':
    case 'MultiLineString': {
      unit = 'km'
      const route = segmentRoute(geometry, prepared)
      whole = route.lengthKm
      const byKey = new Map(prepared.areas.map((area) => [area.key, area]))
      for (const segment of route.segments) {
        // On a shared boundary the stretch counts for each holder: shares may then add up past 1.
        for (const holder of segment.holders) add(byKey.get(holder.key)!, segment.lengthKm)
      }
      break
    }
    case 'Polygon':
    case 'MultiPolygon': {
      unit = 'km2'
      whole = turfArea(geometry) / 1e6
      const [minLon, minLat, maxLon, maxLat] = turfBbox(geometry)
      for (const area of prepared.areas) {
        const [aMinLon, aMinLat, aMaxLon, aMaxLat] = turfBbox(area.geometry)
        if (aMaxLon < minLon || aMinLon > maxLon || aMaxLat < minLat || aMinLat > maxLat) continue
        const overlap = intersect(featureCollection([turfFeature(geometry), turfFeature(area.geometry)]))
        if (overlap) add(area, turfArea(overlap) / 1e6)
      }
      break
    }
    default:
      throw new Errors.WRONG_GEOMETRY_TYPE(`feature geometry ${geometry.type} is not supported`)
  }
  return { unit, whole, shares: [...totals.values()].sort((a, b) => b.amount - a.amount) }
}

export function toAreaInput(area: StoredArea): AreaInput {
  return { key: String(area.id), holder: area.actorId, side: area.side, status: area.status, geometry: area.geometry }
}

/** The holders of a geometry at `at`, from the areas touching it over all time (for since/until of points). */
export function holdersAt(geometry: Geometry, touching: StoredArea[], at: Date): FeatureHolder[] {
  const { unit, whole, shares } = holdingShares(geometry, prepareAreas(touching.filter((area) => validAt(area, at)).map(toAreaInput)))
  return shares.map(({ area, amount }) => {
    const holder: FeatureHolder = {
      actor: area.holder,
      side: area.side,
      status: area.status,
      share: whole > 0 ? round(Math.min(1, amount / whole), 4) : 0,
    }
    if (unit === 'km') holder.lengthKm = round(amount, 3)
    if (unit === 'km2') holder.areaKm2 = round(amount, 3)
    if (unit === 'points') {
      const span = holdingSpan(
        touching.filter((other) => other.actorId === area.holder && other.status === area.status && coversAnyPoint(other, geometry)),
        at,
      )
      if (span) {
        holder.since = span.from.toISOString()
        holder.until = span.to?.toISOString() ?? null
      }
    }
    return holder
  })
}

function coversAnyPoint(area: StoredArea, geometry: Geometry): boolean {
  const points: Position[] = geometry.type === 'Point' ? [geometry.coordinates] : geometry.type === 'MultiPoint' ? geometry.coordinates : []
  return points.some((point) => booleanPointInPolygon(point, area.geometry))
}

/** The holder of more than half of a geometry, or null. */
export function majorityHolder({ whole, shares }: HoldingShares): AreaInput | null {
  return shares.find((share) => whole > 0 && share.amount / whole > 0.5)?.area ?? null
}

function majority(holders: FeatureHolder[]): FeatureHolder | null {
  return holders.find((holder) => holder.share > 0.5) ?? null
}

/** Holders at `start` and after every change within [start, end], consecutive equal answers merged. */
function holderHistory(geometry: Geometry, touching: StoredArea[], start: Date, end: Date): NonNullable<FeatureControl['history']> {
  const instants = new Set<number>([start.getTime()])
  for (const area of touching) {
    for (const instant of [area.validFrom, area.validTo]) {
      if (instant && instant > start && instant <= end) instants.add(instant.getTime())
    }
  }
  const history: NonNullable<FeatureControl['history']> = []
  let previousKey: string | undefined
  for (const time of [...instants].sort((a, b) => a - b)) {
    const holders = holdersAt(geometry, touching, new Date(time)).map(({ since: _since, until: _until, ...rest }) => rest)
    const top = majority(holders)
    const key = JSON.stringify(holders.map((holder) => [holder.actor, holder.status, holder.share]))
    if (key === previousKey) continue
    if (history.length > 0) history[history.length - 1].to = new Date(time).toISOString()
    history.push({ from: new Date(time).toISOString(), to: null, actor: top?.actor ?? null, side: top?.side ?? null, status: top?.status ?? null, holders })
    previousKey = key
  }
  return history
}
