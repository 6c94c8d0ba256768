// What analyses and holdings read of a view: territories prepared once per validity interval,
// areas around a place with their shapes, reference features, and the ground a single-actor map
// leaves to its complement actor. Keyed by the view; shapes by hash.
import type { MultiPolygon, Polygon } from 'geojson'
import { Errors } from '../errors.js'
import { type AreaInput, areaKm2, type PreparedAreas, type PreparedGeometry, prepareAreas, preparedGeometry, uncoveredPolygons } from '../geo/index.js'
import * as actorsRepository from '../store/actors.repository.js'
import * as controlRepository from '../store/control.repository.js'
import * as datasetsRepository from '../store/datasets.repository.js'
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
 * every instant of one interval, and every request at this revision, shares it. Where the dataset
 * names an outline and a complement actor, the complement's ground (see `complementArea`) is one
 * more area of that actor, controlled, admitted by the filter as any of its areas would be.
 */
export async function territory(view: DatasetView, at: Date, filter: TerritoryFilter = {}): Promise<PreparedAreas> {
  const interval = await view.intervalOf(at)
  return view.cached('territory', [interval, filter.actorIds ?? null, filter.sides ?? null, filter.status ?? null], async () => {
    const areas = await mappedAreas(view, at, filter)
    const complement = await complementArea(view, at)
    if (complement && admits(filter, complement)) areas.push(complement)
    return prepareAreas(areas)
  })
}

/** The areas of the rows valid at `at` that the filter admits, with their shapes. */
async function mappedAreas(view: DatasetView, at: Date, filter: TerritoryFilter): Promise<AreaInput[]> {
  const refs = await view.areasAt(at, filter)
  const shapes = await view.shapes(refs.map((ref) => ref.geometryHash))
  return refs.map((ref) => ({
    key: String(ref.id),
    holder: ref.actorId,
    side: ref.side,
    status: ref.status,
    geometry: shapes.get(ref.geometryHash)!,
  }))
}

function admits(filter: TerritoryFilter, area: AreaInput): boolean {
  return (
    (filter.actorIds === undefined || filter.actorIds.includes(area.holder!)) &&
    (filter.sides === undefined || filter.sides.includes(area.side!)) &&
    (filter.status === undefined || filter.status === area.status)
  )
}

// ---- the complement of a single-actor map ----

/**
 * The keys of the complement's areas: `complement@<validity interval>`. Area keys are row ids
 * (digits), so it never names a row; and, as a row id does, it names one shape: what is memoised
 * by key (a territory, a change between two) never takes one interval's complement for another's.
 */
const COMPLEMENT_KEY = 'complement@'

/** Whether an area of a territory is the complement's ground rather than a row of the dataset. */
export function isComplementArea(area: Pick<AreaInput, 'key'>): boolean {
  return area.key.startsWith(COMPLEMENT_KEY)
}

/**
 * What the dataset says of its complement, as this view knows it: `none` when it names no outline;
 * `unusable` when it does, but the outline feature is not known (at the view's knowledge time) or
 * no longer a polygon, or the actor is gone; otherwise the outline's shape and the actor's side.
 */
export type ComplementSetting =
  | { kind: 'none' }
  | { kind: 'unusable'; outlineFeature: string; actor: string; reason: string }
  | { kind: 'ready'; outlineFeature: string; actor: string; side: string; outline: Polygon | MultiPolygon }

export function complementSetting(view: DatasetView): Promise<ComplementSetting> {
  return view.cached('complement-setting', [], async (): Promise<ComplementSetting> => {
    // The dataset row has no knowledge time: its outline is the one set now, its feature as the view knows it.
    const dataset = await datasetsRepository.findDataset(view.db, view.datasetId)
    if (!dataset?.outlineFeature || !dataset.complementActor) return { kind: 'none' }
    const named = { outlineFeature: dataset.outlineFeature, actor: dataset.complementActor }
    const feature = await featuresRepository.findFeature(view.db, view.datasetId, named.outlineFeature, view.knownAt)
    const actor = await actorsRepository.findActor(view.db, view.datasetId, named.actor, { retired: true })
    const when = view.knownAt ? ` as known at ${view.knownAt.toISOString()}` : ''
    if (!feature) return { kind: 'unusable', ...named, reason: `the dataset has no reference feature '${named.outlineFeature}'${when}` }
    if (feature.geometry.type !== 'Polygon' && feature.geometry.type !== 'MultiPolygon')
      return { kind: 'unusable', ...named, reason: `reference feature '${named.outlineFeature}' is a ${feature.geometry.type}${when}, not a polygon` }
    if (!actor) return { kind: 'unusable', ...named, reason: `the dataset has no actor '${named.actor}'` }
    return { kind: 'ready', ...named, side: actor.side, outline: feature.geometry }
  })
}

/** The outline's shape indexed for fronts (its boundary is the border they leave out); null without a usable outline. */
export async function preparedOutline(view: DatasetView): Promise<PreparedGeometry | null> {
  const setting = await complementSetting(view)
  if (setting.kind !== 'ready') return null
  return view.cached('prepared-outline', [], () => preparedGeometry(setting.outline))
}

/**
 * Whether the dataset maps any area at `at`. Where it maps none (before its first area, or in a gap
 * between the areas of a history) the data says nothing of that time, and the complement claims
 * nothing either: an outline is not a map. Made once per view and validity interval.
 */
export async function mapsAnyArea(view: DatasetView, at: Date): Promise<boolean> {
  const coverage = await view.coverage()
  if (coverage.from === null || at < coverage.from) return false
  const interval = await view.intervalOf(at)
  return view.cached('maps-any-area', [interval], async () => {
    return (await view.areasAt(at)).length > 0
  })
}

/**
 * Whether the dataset names a usable outline but the complement was withheld at `at`, because the
 * dataset maps no area then (see `mapsAnyArea`).
 */
export async function complementWithheld(view: DatasetView, at: Date): Promise<boolean> {
  return (await complementSetting(view)).kind === 'ready' && !(await mapsAnyArea(view, at))
}

/**
 * The complement actor's ground at `at`: the outline minus every area valid then (contested ones
 * too: an area covers that ground), as one controlled area of that actor. Null when the dataset
 * names no usable outline, the areas cover all of it, or the dataset maps no area at `at` (before
 * its first area, coverage.from, or in a gap of a history: where the data says nothing, the
 * complement does not claim the whole outline). Made once per view and validity interval.
 */
export async function complementArea(view: DatasetView, at: Date): Promise<AreaInput | null> {
  const setting = await complementSetting(view)
  if (setting.kind !== 'ready') return null
  if (!(await mapsAnyArea(view, at))) return null
  const interval = await view.intervalOf(at)
  return view.cached('complement-area', [interval], async () => {
    const covered = await mappedAreas(view, at, {})
    if (covered.length === 0) return null
    const geometry = uncoveredPolygons(
      setting.outline,
      covered.map((area) => area.geometry),
    )
    if (!geometry || !(areaKm2(geometry) > 0)) return null
    return { key: `${COMPLEMENT_KEY}${interval}`, holder: setting.actor, side: setting.side, status: 'controlled' as const, geometry }
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
