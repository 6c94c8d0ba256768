import { createHash } from 'node:crypto'
import type { Geometry, LineString, MultiLineString, Position } from 'geojson'
import type { Db } from '../../db/database.js'
import { Errors } from '../../errors.js'
import {
  type AreaInput,
  distanceKm,
  frontLines,
  type NearestPair,
  type PreparedAreas,
  type PreparedGeometry,
  prepareAreas,
  preparedGeometry,
  prepareTerritory,
  routeSeverance,
  segmentRoute,
  sideOf,
  territoryChange,
} from '../../geo/index.js'
import type { LruCache } from '../../plugins/caching.js'
import * as actorsRepository from '../actors/actors.repository.js'
import * as controlRepository from '../control/control.repository.js'
import { loadShapes, round } from '../control/control.service.js'
import { getRevision } from '../datasets/datasets.service.js'
import { getFeature, holdingShares, listFeatures, majorityHolder, type ReferenceFeature } from '../features/features.service.js'
import type { Deadline } from './analysis.limits.js'

export interface AnalysisContext {
  db: Db
  cache: LruCache
  deadline: Deadline
  maxSteps: number
}

interface When {
  datasetId: string
  at: Date
  knownAt?: Date
}

interface TerritoryFilter {
  actorIds?: string[]
  sides?: string[]
}

/**
 * The areas of a filter valid at a date, indexed. Keyed by the ids of the areas themselves, so two
 * dates showing the same map share one entry and any import (new ids) misses it.
 */
async function territory(ctx: AnalysisContext, when: When, filter: TerritoryFilter & { status?: 'controlled' }): Promise<PreparedAreas> {
  const refs = await controlRepository.listAreaRefsAt(ctx.db, { ...when, ...filter })
  const key = `territory:${createHash('sha1').update(refs.map((ref) => ref.id).join(',')).digest('base64url')}`
  return ctx.cache.getOrSet(key, async () => {
    const geometries = await loadShapes(ctx.db, ctx.cache, refs.map((ref) => ref.geometryHash))
    const areas: AreaInput[] = refs.map((ref) => ({
      key: String(ref.id),
      holder: ref.actorId,
      side: ref.side,
      status: ref.status,
      geometry: geometries.get(ref.geometryHash)!,
    }))
    return prepareAreas(areas)
  })
}

function sideTerritory(ctx: AnalysisContext, when: When, side: string) {
  // A side's ground is what its actors hold outright; contested ground belongs to no side.
  return territory(ctx, when, { sides: [side], status: 'controlled' })
}

async function featureGeometry(ctx: AnalysisContext, when: When, id: string, revision: number): Promise<{ feature: ReferenceFeature; prepared: PreparedGeometry }> {
  // Keyed by revision: a series asks for the same feature at every step and reads it once.
  return ctx.cache.getOrSet(`feature:${when.datasetId}:${revision}:${when.knownAt?.toISOString()}:${id}`, async () => {
    const feature = await getFeature(ctx.db, when.datasetId, id, when.knownAt)
    return { feature, prepared: preparedGeometry(feature.geometry) }
  })
}

// ---- fronts ----

export async function getFronts(ctx: AnalysisContext, when: When, sides: [string, string] | undefined, toleranceKm: number) {
  const revision = await getRevision(ctx.db, when.datasetId)
  let pairs: [string, string][]
  if (sides) {
    for (const side of sides) await assertSide(ctx, side)
    pairs = [sides]
  } else {
    const refs = await controlRepository.listAreaRefsAt(ctx.db, { ...when, status: 'controlled' })
    const present = [...new Set(refs.map((ref) => ref.side).filter((side): side is string => side !== null))].sort()
    pairs = present.flatMap((a, i) => present.slice(i + 1).map((b) => [a, b] as [string, string]))
  }
  const features = []
  for (const [a, b] of pairs) {
    ctx.deadline.check()
    const front = frontLines(await sideTerritory(ctx, when, a), await sideTerritory(ctx, when, b), { toleranceKm })
    features.push({ type: 'Feature' as const, geometry: front.geometry, properties: { sides: [a, b] as [string, string], lengthKm: round(front.lengthKm, 3) } })
  }
  return { type: 'FeatureCollection' as const, dataset: when.datasetId, revision, at: when.at.toISOString(), knownAt: when.knownAt?.toISOString() ?? null, features }
}

// ---- distance ----

type Ref = { kind: 'side' | 'actor' | 'feature'; id: string; text: string }

export function parseRef(text: string): Ref {
  const [kind, id] = text.split(':') as [Ref['kind'], string]
  return { kind, id, text }
}

async function assertSide(ctx: AnalysisContext, side: string): Promise<void> {
  if (!(await actorsRepository.sideExists(ctx.db, side))) throw new Errors.SIDE_NOT_FOUND(side)
}

async function resolveRef(ctx: AnalysisContext, when: When, ref: Ref, revision: number): Promise<PreparedGeometry> {
  switch (ref.kind) {
    case 'side':
      return sideTerritory(ctx, when, ref.id)
    case 'actor':
      return territory(ctx, when, { actorIds: [ref.id], status: 'controlled' })
    case 'feature':
      return (await featureGeometry(ctx, when, ref.id, revision)).prepared
  }
}

/** Checks references once, before a series evaluates them at many dates. */
async function checkRef(ctx: AnalysisContext, when: When, ref: Ref): Promise<void> {
  if (ref.kind === 'side') await assertSide(ctx, ref.id)
  if (ref.kind === 'actor' && !(await actorsRepository.findActor(ctx.db, ref.id))) throw new Errors.ACTOR_NOT_FOUND(ref.id)
  if (ref.kind === 'feature') await getFeature(ctx.db, when.datasetId, ref.id, when.knownAt)
}

function nearestAnswer(pair: NearestPair | null) {
  if (!pair) return { distanceKm: null, overlaps: false, nearest: null, line: null }
  const from = roundPosition(pair.from)
  const to = roundPosition(pair.to)
  return {
    distanceKm: round(pair.distanceKm, 3),
    overlaps: pair.overlaps,
    nearest: { from, to },
    line: { type: 'LineString' as const, coordinates: [from, to] },
  }
}

export async function getDistance(ctx: AnalysisContext, when: When, fromText: string, toText: string) {
  const revision = await getRevision(ctx.db, when.datasetId)
  const [from, to] = [parseRef(fromText), parseRef(toText)]
  await checkRef(ctx, when, from)
  await checkRef(ctx, when, to)
  const pair = distanceKm(await resolveRef(ctx, when, from, revision), await resolveRef(ctx, when, to, revision))
  return { dataset: when.datasetId, revision, knownAt: when.knownAt?.toISOString() ?? null, from: fromText, to: toText, at: when.at.toISOString(), ...nearestAnswer(pair) }
}

export function seriesInstants(start: Date, end: Date, stepMs: number, maxSteps: number): Date[] {
  const count = Math.floor((end.getTime() - start.getTime()) / stepMs) + 1
  if (count > maxSteps) throw new Errors.SERIES_TOO_LONG(count, maxSteps)
  return Array.from({ length: count }, (_, i) => new Date(start.getTime() + i * stepMs))
}

export async function getDistanceSeries(
  ctx: AnalysisContext,
  range: { datasetId: string; knownAt?: Date; start: Date; end: Date; stepMs: number; step: string },
  fromText: string,
  toText: string,
) {
  const revision = await getRevision(ctx.db, range.datasetId)
  const [from, to] = [parseRef(fromText), parseRef(toText)]
  const instants = seriesInstants(range.start, range.end, range.stepMs, ctx.maxSteps)
  const base = { datasetId: range.datasetId, knownAt: range.knownAt }
  await checkRef(ctx, { ...base, at: range.start }, from)
  await checkRef(ctx, { ...base, at: range.start }, to)
  const series = []
  let previous: number | null = null
  for (const at of instants) {
    ctx.deadline.check()
    const when = { ...base, at }
    const answer = nearestAnswer(distanceKm(await resolveRef(ctx, when, from, revision), await resolveRef(ctx, when, to, revision)))
    const advanceKm: number | null = previous !== null && answer.distanceKm !== null ? round(previous - answer.distanceKm, 3) : null
    series.push({ at: at.toISOString(), ...answer, advanceKm })
    previous = answer.distanceKm
  }
  const known = series.map((row) => row.distanceKm).filter((km): km is number => km !== null)
  const firstKm = known[0] ?? null
  const lastKm = known.at(-1) ?? null
  return {
    dataset: range.datasetId,
    revision,
    knownAt: range.knownAt?.toISOString() ?? null,
    from: fromText,
    to: toText,
    start: range.start.toISOString(),
    end: range.end.toISOString(),
    step: range.step,
    series,
    summary: {
      firstKm,
      lastKm,
      advanceKm: firstKm !== null && lastKm !== null ? round(firstKm - lastKm, 3) : null,
      minKm: known.length > 0 ? Math.min(...known) : null,
    },
  }
}

export function distanceSeriesCsv(answer: Awaited<ReturnType<typeof getDistanceSeries>>): string {
  const lines = ['at,distance_km,overlaps,advance_km,from_lon,from_lat,to_lon,to_lat']
  for (const row of answer.series) {
    const cells = [row.at, row.distanceKm ?? '', row.overlaps, row.advanceKm ?? '', ...(row.nearest ? [...row.nearest.from, ...row.nearest.to] : ['', '', '', ''])]
    lines.push(cells.join(','))
  }
  return `${lines.join('\n')}\n`
}

// ---- route severance ----

async function routeFeature(ctx: AnalysisContext, when: When, id: string, owner: string | undefined) {
  const feature = await getFeature(ctx.db, when.datasetId, id, when.knownAt)
  if (feature.geometry.type !== 'LineString' && feature.geometry.type !== 'MultiLineString') {
    throw new Errors.WRONG_GEOMETRY_TYPE(`feature '${id}' is a ${feature.geometry.type}; route analysis needs a LineString or MultiLineString`)
  }
  const ownerSide = owner ?? feature.ownerSide
  if (!ownerSide) throw new Errors.INVALID_REFERENCE(`feature '${id}' has no owner_side: say whose route it is with owner=SIDE`)
  await assertSide(ctx, ownerSide)
  return { feature, route: feature.geometry as LineString | MultiLineString, ownerSide }
}

async function routeState(ctx: AnalysisContext, when: When, feature: ReferenceFeature, route: LineString | MultiLineString, ownerSide: string) {
  const areas = await territory(ctx, when, {})
  const routeHash = createHash('sha1').update(JSON.stringify(feature.geometry)).digest('base64url')
  const segmented = await ctx.cache.getOrSet(`route:${routeHash}:${areasKey(areas)}`, () => segmentRoute(route, areas))
  return { segmented, severance: routeSeverance(segmented.segments, ownerSide) }
}

function areasKey(areas: PreparedAreas): string {
  return createHash('sha1').update(areas.areas.map((area) => area.key).join(',')).digest('base64url')
}

export async function getRoute(ctx: AnalysisContext, when: When, featureId: string, owner?: string) {
  const revision = await getRevision(ctx.db, when.datasetId)
  const { feature, route, ownerSide } = await routeFeature(ctx, when, featureId, owner)
  const { segmented, severance } = await routeState(ctx, when, feature, route, ownerSide)
  return {
    dataset: when.datasetId,
    revision,
    knownAt: when.knownAt?.toISOString() ?? null,
    feature: feature.id,
    owner: ownerSide,
    at: when.at.toISOString(),
    lengthKm: round(segmented.lengthKm, 3),
    severed: severance.severed,
    cutPoints: severance.cutPoints.map(roundPosition),
    kmBySide: roundValues(severance.kmBySide),
    unmappedKm: round(severance.unmappedKm, 3),
    segments: segmented.segments.map((segment) => {
      const sides = [...new Set(segment.holders.map(sideOf))]
      return {
        holders: segment.holders.map((holder) => ({ actor: holder.holder, side: holder.side, status: holder.status })),
        side: sides.length > 0 ? sides.join('+') : null,
        fromKm: round(segment.fromKm, 3),
        toKm: round(segment.toKm, 3),
        lengthKm: round(segment.lengthKm, 3),
        geometry: { type: 'LineString' as const, coordinates: segment.geometry.coordinates.map(roundPosition) },
      }
    }),
  }
}

export async function getRouteSeries(ctx: AnalysisContext, range: { datasetId: string; knownAt?: Date; start: Date; end: Date }, featureId: string, owner?: string) {
  const revision = await getRevision(ctx.db, range.datasetId)
  const base = { datasetId: range.datasetId, knownAt: range.knownAt }
  const { feature, route, ownerSide } = await routeFeature(ctx, { ...base, at: range.start }, featureId, owner)
  const changes = await controlRepository.listChangeInstantsBetween(ctx.db, range.datasetId, range.start, range.end, range.knownAt, feature.bbox)
  const instants = [range.start, ...changes]
  if (instants.length > ctx.maxSteps) throw new Errors.SERIES_TOO_LONG(instants.length, ctx.maxSteps)
  const states = []
  for (const at of instants) {
    ctx.deadline.check()
    const { severance } = await routeState(ctx, { ...base, at }, feature, route, ownerSide)
    states.push({ at: at.toISOString(), severed: severance.severed, kmBySide: roundValues(severance.kmBySide) })
  }
  const severedIntervals: { from: string; to: string | null }[] = []
  for (const state of states) {
    const open = severedIntervals.at(-1)
    if (state.severed && (!open || open.to !== null)) severedIntervals.push({ from: state.at, to: null })
    if (!state.severed && open && open.to === null) open.to = state.at
  }
  return {
    dataset: range.datasetId,
    revision,
    knownAt: range.knownAt?.toISOString() ?? null,
    feature: feature.id,
    owner: ownerSide,
    start: range.start.toISOString(),
    end: range.end.toISOString(),
    severedIntervals,
    firstSevered: severedIntervals[0]?.from ?? null,
    states,
  }
}

// ---- territorial change ----

export async function getChanges(ctx: AnalysisContext, range: { datasetId: string; knownAt?: Date; start: Date; end: Date }) {
  const revision = await getRevision(ctx.db, range.datasetId)
  const base = { datasetId: range.datasetId, knownAt: range.knownAt }
  const [before, after] = await Promise.all([territory(ctx, { ...base, at: range.start }, {}), territory(ctx, { ...base, at: range.end }, {})])
  const controlled = (areas: PreparedAreas, pick: (area: AreaInput) => string | null) => {
    const groups = new Map<string, AreaInput[]>()
    for (const area of areas.areas) {
      const key = area.status === 'controlled' ? pick(area) : null
      if (key !== null) groups.set(key, [...(groups.get(key) ?? []), area])
    }
    return groups
  }
  const polygons: object[] = []
  const changesByAreas = new Map<string, ReturnType<typeof territoryChange>>()
  const compare = (level: 'actor' | 'side', pick: (area: AreaInput) => string | null) => {
    const start = controlled(before, pick)
    const end = controlled(after, pick)
    const rows = []
    for (const id of [...new Set([...start.keys(), ...end.keys()])].sort()) {
      ctx.deadline.check()
      const startAreas = start.get(id) ?? []
      const endAreas = end.get(id) ?? []
      // A side of one actor has the actor's very areas: clip them once, not once per level.
      const memoKey = `${startAreas.map((area) => area.key).join(',')}|${endAreas.map((area) => area.key).join(',')}`
      let change = changesByAreas.get(memoKey)
      if (!change) {
        change = territoryChange(prepareTerritory(startAreas.map((area) => area.geometry)), prepareTerritory(endAreas.map((area) => area.geometry)))
        changesByAreas.set(memoKey, change)
      }
      for (const [kind, geometry, km2] of [['gained', change.gained, change.gainedKm2], ['lost', change.lost, change.lostKm2]] as const) {
        if (geometry && km2 > 0) polygons.push({ type: 'Feature', geometry, properties: { level, id, change: kind, areaKm2: round(km2, 3) } })
      }
      rows.push({
        id,
        startKm2: round(change.beforeKm2, 3),
        endKm2: round(change.afterKm2, 3),
        gainedKm2: round(change.gainedKm2, 3),
        lostKm2: round(change.lostKm2, 3),
        netKm2: round(change.gainedKm2 - change.lostKm2, 3),
      })
    }
    return rows
  }
  const sideOfActor = new Map([...before.areas, ...after.areas].map((area) => [area.holder, area.side ?? area.holder ?? '']))
  const actors = compare('actor', (area) => area.holder).map(({ id, ...row }) => ({ actor: id, side: sideOfActor.get(id) ?? id, ...row }))
  const sides = compare('side', (area) => area.side ?? area.holder).map(({ id, ...row }) => ({ side: id, ...row }))
  const featuresChanged = await changedFeatures(ctx, range, before, after)
  return {
    dataset: range.datasetId,
    revision,
    knownAt: range.knownAt?.toISOString() ?? null,
    start: range.start.toISOString(),
    end: range.end.toISOString(),
    actors,
    sides,
    polygons: { type: 'FeatureCollection' as const, features: polygons },
    featuresChanged,
  }
}

/** Reference features whose majority holder differs between start and end: the villages and bases that changed hands. */
async function changedFeatures(ctx: AnalysisContext, range: { datasetId: string; knownAt?: Date }, before: PreparedAreas, after: PreparedAreas) {
  const changed = []
  let after_: string | undefined
  const ref = (area: AreaInput | null) => (area ? { actor: area.holder, side: area.side, status: area.status } : null)
  do {
    const page = await listFeatures(ctx.db, { dataset: range.datasetId, known_at: range.knownAt?.toISOString(), limit: 1000, after: after_ })
    for (const feature of page.features) {
      ctx.deadline.check()
      const from = ref(majorityHolder(holdingShares(feature.geometry as Geometry, before)))
      const to = ref(majorityHolder(holdingShares(feature.geometry as Geometry, after)))
      if (from?.actor !== to?.actor || from?.status !== to?.status) changed.push({ id: feature.id, name: feature.name, kind: feature.kind, from, to })
    }
    after_ = page.features.length === 1000 ? page.features.at(-1)!.id : undefined
  } while (after_)
  return changed
}

function roundPosition(position: Position): Position {
  return [round(position[0], 6), round(position[1], 6)]
}

function roundValues(record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, round(value, 3)]))
}
