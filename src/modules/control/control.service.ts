import type { Position } from 'geojson'
import { pointInShape, shapeIntersectsBbox } from '../../geo/index.js'
import { areasTouching } from '../../read/areas.js'
import type { DatasetView } from '../../read/dataset-view.js'
import * as controlRepository from '../../store/control.repository.js'
import type { AreaMeta, Bbox } from '../../store/records.js'
import { holdingSpan, round, validAt } from '../common/intervals.js'
import type { Holder, PointControl } from './control.schemas.js'

export interface MapQuery {
  at: Date
  bbox?: Bbox
  actorIds?: string[]
  sides?: string[]
}

/** A map's features as JSON text, with the sources they cite: the same for every instant of one validity interval. */
interface MapFeatures {
  text: string
  count: number
  sources: string[]
}

/**
 * The control map at `at` as a GeoJSON FeatureCollection, serialised here: each geometry is the
 * JSON text the database holds, embedded without a parse and re-serialisation (a map of 100k
 * vertices would otherwise cost more in JSON than in the query). The features are kept per
 * validity interval, so another instant of the same interval reads no row.
 */
export async function renderControlMap(view: DatasetView, query: MapQuery): Promise<string> {
  const interval = await view.intervalOf(query.at)
  const features = await view.cached('map-features', [interval, query.bbox ?? null, query.actorIds ?? null, query.sides ?? null], () =>
    mapFeatures(view, query),
  )
  const head = JSON.stringify({
    type: 'FeatureCollection',
    dataset: view.datasetId,
    revision: view.revision,
    at: query.at.toISOString(),
    knownAt: view.knownAt?.toISOString() ?? null,
    numberMatched: features.count,
    numberReturned: features.count,
    sources: features.sources,
  })
  return `${head.slice(0, -1)},"features":[${features.text}]}`
}

async function mapFeatures(view: DatasetView, query: MapQuery): Promise<MapFeatures> {
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
  const sources = [...new Set(areas.map((area) => area.source).filter((source): source is string => source !== null))].sort()
  const text = areas
    .map(({ geometryText, bbox: _bbox, ...meta }) => {
      const feature = JSON.stringify(toFeature(meta))
      // toFeature leaves the geometry null, right after id: splice the stored text in its place.
      return feature.replace('"geometry":null', () => `"geometry":${geometryText}`)
    })
    .join(',')
  return { text, count: areas.length, sources }
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
      source: area.source,
      areaKey: area.areaKey,
    },
  }
}

/** Who holds a point at `at`, since when and until when. */
export async function getPointControl(view: DatasetView, query: { point: Position; at: Date }): Promise<PointControl> {
  const [lon, lat] = query.point
  const touching = await areasTouching(view, [lon, lat, lon, lat])
  // Many rows share a shape (an area closed and carried on): test each shape once.
  const inside = new Map<string, boolean>()
  const containing = touching.filter((area) => {
    if (!inside.has(area.geometryHash)) inside.set(area.geometryHash, pointInShape(query.point, area.geometry))
    return inside.get(area.geometryHash)
  })
  const holders = containing.filter((area) => validAt(area, query.at)).map((area) => toHolder(area, containing, query.at))
  return {
    dataset: view.datasetId,
    revision: view.revision,
    at: query.at.toISOString(),
    knownAt: view.knownAt?.toISOString() ?? null,
    point: [lon, lat],
    holder: holders[0] ?? null,
    holders,
  }
}

/** A holder of a place at `at`, its uninterrupted holding found among all the areas that cover the place. */
function toHolder(area: AreaMeta, covering: AreaMeta[], at: Date): Holder {
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
