import type { Geometry, Position } from 'geojson'
import { type AreaInput, holdingShares, pointInShape, prepareAreas } from '../../geo/index.js'
import { areasTouching, referenceFeature } from '../../read/areas.js'
import type { DatasetView } from '../../read/dataset-view.js'
import * as featuresRepository from '../../store/features.repository.js'
import type { AreaRecord, FeatureRecord } from '../../store/records.js'
import { holdingSpan, round, validAt } from '../common/intervals.js'
import { parseBbox, splitCsv } from '../common/schemas.js'
import type { FeatureControl, FeatureHolder, FeatureListQuery } from './features.schemas.js'

export function toGeoJsonFeature(feature: FeatureRecord) {
  return {
    type: 'Feature' as const,
    id: feature.id,
    geometry: feature.geometry as Geometry,
    properties: { ...feature.properties, kind: feature.kind, name: feature.name, ownerSide: feature.ownerSide },
  }
}

export async function getFeature(view: DatasetView, id: string) {
  return toGeoJsonFeature(await referenceFeature(view, id))
}

/** One page of reference features, with the number matched and the next page's `after`. */
export async function listFeatures(view: DatasetView, query: FeatureListQuery) {
  const { features, matched } = await featuresRepository.listFeatures(view.db, {
    datasetId: view.datasetId,
    knownAt: view.knownAt,
    kinds: splitCsv(query.kind),
    bbox: query.bbox ? parseBbox(query.bbox) : undefined,
    q: query.q,
    after: query.after,
    limit: query.limit,
  })
  return { matched, features: features.map(toGeoJsonFeature), nextAfter: features.length === query.limit ? features.at(-1)?.id : undefined }
}

/** Who holds a reference feature at `at`, or the history of its holders over [start, end]. */
export async function getFeatureControl(view: DatasetView, query: { featureId: string; at?: Date; start?: Date; end?: Date }): Promise<FeatureControl> {
  const feature = await referenceFeature(view, query.featureId)
  const touching = await areasTouching(view, feature.bbox)
  const base = {
    dataset: view.datasetId,
    revision: view.revision,
    knownAt: view.knownAt?.toISOString() ?? null,
    feature: { id: feature.id, kind: feature.kind, name: feature.name, geometryType: feature.geometry.type },
  }
  if (query.start && query.end) {
    return {
      ...base,
      start: query.start.toISOString(),
      end: query.end.toISOString(),
      history: holderHistory(feature.geometry, touching, query.start, query.end),
    }
  }
  const at = query.at ?? new Date()
  const holders = holdersAt(feature.geometry, touching, at)
  return { ...base, at: at.toISOString(), holder: majority(holders), holders }
}

export function toAreaInput(area: AreaRecord): AreaInput {
  return { key: String(area.id), holder: area.actorId, side: area.side, status: area.status, geometry: area.geometry }
}

/** The holders of a geometry at `at`, from the areas touching it over all time (for since/until of points). */
function holdersAt(geometry: Geometry, touching: AreaRecord[], at: Date): FeatureHolder[] {
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

function coversAnyPoint(area: AreaRecord, geometry: Geometry): boolean {
  const points: Position[] = geometry.type === 'Point' ? [geometry.coordinates] : geometry.type === 'MultiPoint' ? geometry.coordinates : []
  return points.some((point) => pointInShape(point, area.geometry))
}

function majority(holders: FeatureHolder[]): FeatureHolder | null {
  return holders.find((holder) => holder.share > 0.5) ?? null
}

/** Holders at `start` and after every change within [start, end], consecutive equal answers merged. */
function holderHistory(geometry: Geometry, touching: AreaRecord[], start: Date, end: Date): NonNullable<FeatureControl['history']> {
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
