// What analyses and holdings read of a view: territories prepared once per validity interval,
// areas around a place with their shapes, reference features. Keyed by the view; shapes by hash.
import { Errors } from '../errors.js'
import { type AreaInput, type PreparedAreas, type PreparedGeometry, prepareAreas, preparedGeometry } from '../geo/index.js'
import * as actorsRepository from '../store/actors.repository.js'
import * as controlRepository from '../store/control.repository.js'
import * as featuresRepository from '../store/features.repository.js'
import type { AreaRecord, AreaStatus, Bbox, FeatureRecord } from '../store/records.js'
import type { DatasetView } from './dataset-view.js'

export interface TerritoryFilter {
  actorIds?: string[]
  sides?: string[]
  status?: AreaStatus
}

/**
 * The areas of a filter valid at `at`, indexed: built once per view and validity interval, so
 * every instant of one interval, and every request at this revision, shares it.
 */
export async function territory(view: DatasetView, at: Date, filter: TerritoryFilter = {}): Promise<PreparedAreas> {
  const interval = await view.intervalOf(at)
  return view.cached('territory', [interval, filter.actorIds ?? null, filter.sides ?? null, filter.status ?? null], async () => {
    const refs = await controlRepository.listAreaRefsAt(view.db, { datasetId: view.datasetId, knownAt: view.knownAt, at, ...filter })
    const shapes = await view.shapes(refs.map((ref) => ref.geometryHash))
    const areas: AreaInput[] = refs.map((ref) => ({
      key: String(ref.id),
      holder: ref.actorId,
      side: ref.side,
      status: ref.status,
      geometry: shapes.get(ref.geometryHash)!,
    }))
    return prepareAreas(areas)
  })
}

/** A side's ground: what its actors hold outright (contested ground belongs to no side). */
export function sideTerritory(view: DatasetView, at: Date, side: string): Promise<PreparedAreas> {
  return territory(view, at, { sides: [side], status: 'controlled' })
}

/** Areas of any time whose bbox meets `bbox`, with their shapes: the material of a place's history. */
export async function areasTouching(view: DatasetView, bbox: Bbox): Promise<AreaRecord[]> {
  // Not cached itself: the answers made from it are, and its shapes are.
  const metas = await controlRepository.listAreasTouching(view.db, view.datasetId, bbox, view.knownAt)
  const shapes = await view.shapes(metas.map((meta) => meta.geometryHash))
  return metas.map((meta) => ({ ...meta, geometry: shapes.get(meta.geometryHash)! }))
}

/** A reference feature as the view knows it; FEATURE_NOT_FOUND when it does not (the view's dataset exists: opening it said so). */
export async function referenceFeature(view: DatasetView, id: string): Promise<FeatureRecord> {
  const feature = await view.cached('feature', [id], () => featuresRepository.findFeature(view.db, view.datasetId, id, view.knownAt))
  if (!feature) throw new Errors.FEATURE_NOT_FOUND(id, view.datasetId)
  return feature
}

/** A reference feature with its geometry indexed for distances; a series reads it once per view. */
export async function preparedFeature(view: DatasetView, id: string): Promise<{ feature: FeatureRecord; prepared: PreparedGeometry }> {
  const feature = await referenceFeature(view, id)
  return view.cached('prepared-feature', [id], () => ({ feature, prepared: preparedGeometry(feature.geometry) }))
}

/** Every reference feature of the view, in id order. */
export function allFeatures(view: DatasetView): Promise<FeatureRecord[]> {
  return view.cached('all-features', [], () => featuresRepository.listAllFeatures(view.db, view.datasetId, view.knownAt))
}

/** SIDE_NOT_FOUND unless an actor of the dataset belongs to `side`. */
export async function requireSide(view: DatasetView, side: string): Promise<void> {
  // As known earlier, retired actors (and their sides) still count.
  const exists = await view.cached('side-exists', [side], () =>
    actorsRepository.sideExists(view.db, view.datasetId, side, { retired: view.knownAt !== undefined }),
  )
  if (!exists) throw new Errors.SIDE_NOT_FOUND(side, view.datasetId)
}

/** ACTOR_NOT_FOUND unless the dataset has the actor. */
export async function requireActor(view: DatasetView, id: string): Promise<void> {
  const actor = await view.cached('actor', [id], () => actorsRepository.findActor(view.db, view.datasetId, id, { retired: view.knownAt !== undefined }))
  if (!actor) throw new Errors.ACTOR_NOT_FOUND(id, view.datasetId)
}
