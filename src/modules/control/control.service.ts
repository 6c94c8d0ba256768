import { bboxPolygon, booleanIntersects, booleanPointInPolygon } from '@turf/turf'
import type { Position } from 'geojson'
import type { Db } from '../../db/database.js'
import type { LruCache } from '../../plugins/caching.js'
import type { Bbox } from '../common/schemas.js'
import { getRevision } from '../datasets/datasets.service.js'
import * as controlRepository from './control.repository.js'
import type { StoredArea } from './control.repository.js'
import type { Holder, PointControl } from './control.schemas.js'

export interface MapQuery {
  datasetId: string
  at: Date
  knownAt?: Date
  bbox?: Bbox
  actorIds?: string[]
  sides?: string[]
}

/**
 * The control map at `at` as a GeoJSON FeatureCollection, serialised here: each geometry is the
 * JSON text the database holds, embedded without a parse and re-serialisation (a map of 100k
 * vertices would otherwise cost more in JSON than in the query). The caller caches the text.
 */
export async function getControlMap(db: Db, query: MapQuery): Promise<{ revision: number; body: string; count: number }> {
  const revision = await getRevision(db, query.datasetId)
  let areas = await controlRepository.listAreaTextsAt(db, query)
  if (query.bbox) {
    // The index matches bounding boxes; keep only areas whose shape really meets the box.
    const [minLon, minLat, maxLon, maxLat] = query.bbox
    const box = bboxPolygon(query.bbox)
    areas = areas.filter((area) => {
      const [aMinLon, aMinLat, aMaxLon, aMaxLat] = controlRepository.parseBox(area.bbox)
      const inside = aMinLon >= minLon && aMaxLon <= maxLon && aMinLat >= minLat && aMaxLat <= maxLat
      return inside || booleanIntersects(box, JSON.parse(area.geometryText))
    })
  }
  const sources = [...new Set(areas.map((area) => area.source).filter((source): source is string => source !== null))].sort()
  const head = JSON.stringify({
    type: 'FeatureCollection',
    dataset: query.datasetId,
    revision,
    at: query.at.toISOString(),
    knownAt: query.knownAt?.toISOString() ?? null,
    numberMatched: areas.length,
    numberReturned: areas.length,
    sources,
  })
  const features = areas.map((area) => {
    const { geometryText, bbox: _bbox, ...rest } = area
    const feature = JSON.stringify(toFeature({ ...rest, geometry: null as never }))
    // toFeature puts geometry right after id: splice the stored text in place of the null.
    return feature.replace('"geometry":null', () => `"geometry":${geometryText}`)
  })
  return { revision, count: areas.length, body: `${head.slice(0, -1)},"features":[${features.join(',')}]}` }
}

export function toFeature(area: StoredArea) {
  return {
    type: 'Feature' as const,
    id: area.id,
    geometry: area.geometry,
    properties: {
      ...area.properties,
      actor: area.actorId,
      side: area.side,
      status: area.status,
      validFrom: area.validFrom.toISOString(),
      validTo: area.validTo?.toISOString() ?? null,
      areaKm2: round(area.areaKm2, 3),
      source: area.source,
      areaKey: area.areaKey,
    },
  }
}

/**
 * Parsed shapes by content hash. A hash names one geometry forever, so the shapes are cached
 * across revisions: a series over daily maps, or a place's history of a thousand days, parses
 * each shape once and afterwards reads only rows.
 */
export async function loadShapes(db: Db, cache: LruCache, hashes: Iterable<string>): Promise<Map<string, StoredArea['geometry']>> {
  const shapes = new Map<string, StoredArea['geometry']>()
  const missing: string[] = []
  for (const hash of new Set(hashes)) {
    const shape = cache.get(`geometry:${hash}`) as StoredArea['geometry'] | undefined
    if (shape) shapes.set(hash, shape)
    else missing.push(hash)
  }
  for (const [hash, shape] of await controlRepository.listGeometries(db, missing)) {
    shapes.set(hash, shape)
    cache.set(`geometry:${hash}`, shape)
  }
  return shapes
}

/** Areas of any time whose bbox meets `bbox`, with geometry. */
export async function areasTouching(db: Db, cache: LruCache, datasetId: string, bbox: Bbox, knownAt?: Date): Promise<StoredArea[]> {
  const metas = await controlRepository.listAreasTouching(db, datasetId, bbox, knownAt)
  const shapes = await loadShapes(db, cache, metas.map((meta) => meta.geometryHash))
  return metas.map((meta) => ({ ...meta, geometry: shapes.get(meta.geometryHash)! }))
}

/** Who holds a point at `at`, since when and until when. */
export async function getPointControl(db: Db, cache: LruCache, query: { datasetId: string; point: Position; at: Date; knownAt?: Date }): Promise<PointControl> {
  const revision = await getRevision(db, query.datasetId)
  const [lon, lat] = query.point
  const touching = await areasTouching(db, cache, query.datasetId, [lon, lat, lon, lat], query.knownAt)
  // Many rows share a shape (an area closed and carried on): test each shape once.
  const inside = new Map<string, boolean>()
  const containing = touching.filter((area) => {
    if (!inside.has(area.geometryHash)) inside.set(area.geometryHash, booleanPointInPolygon(query.point, area.geometry))
    return inside.get(area.geometryHash)
  })
  const holders = containing
    .filter((area) => area.validFrom <= query.at && (area.validTo === null || area.validTo > query.at))
    .map((area) => toHolder(area, containing, query.at))
  return {
    dataset: query.datasetId,
    revision,
    at: query.at.toISOString(),
    knownAt: query.knownAt?.toISOString() ?? null,
    point: [lon, lat],
    holder: holders[0] ?? null,
    holders,
  }
}

/** A holder of a place at `at`, its uninterrupted holding found among all the areas that cover the place. */
export function toHolder(area: StoredArea, covering: StoredArea[], at: Date): Holder {
  const span = holdingSpan(
    covering.filter((other) => other.actorId === area.actorId && other.status === area.status),
    at,
  )
  return {
    actor: area.actorId,
    side: area.side,
    status: area.status,
    since: (span?.from ?? area.validFrom).toISOString(),
    until: span ? (span.to?.toISOString() ?? null) : (area.validTo?.toISOString() ?? null),
    areaId: area.id,
    validFrom: area.validFrom.toISOString(),
    validTo: area.validTo?.toISOString() ?? null,
    source: area.source,
  }
}

/**
 * Merges intervals that overlap or meet and returns the merged one containing `at`: a place held
 * by the same actor through several daily polygons has been held since the first of them.
 */
export function holdingSpan(intervals: { validFrom: Date; validTo: Date | null }[], at: Date): { from: Date; to: Date | null } | undefined {
  const sorted = [...intervals].sort((a, b) => a.validFrom.getTime() - b.validFrom.getTime())
  let current: { from: Date; to: Date | null } | undefined
  for (const interval of sorted) {
    if (current && (current.to === null || interval.validFrom <= current.to)) {
      if (current.to !== null && (interval.validTo === null || interval.validTo > current.to)) current.to = interval.validTo
      continue
    }
    if (current && current.from <= at && (current.to === null || current.to > at)) return current
    current = { from: interval.validFrom, to: interval.validTo }
  }
  if (current && current.from <= at && (current.to === null || current.to > at)) return current
  return undefined
}

export function round(value: number, digits: number): number {
  const factor = 10 ** digits
  return Math.round(value * factor) / factor
}
