import type { LineString, MultiLineString, Position } from 'geojson'
import { Errors } from '../../errors.js'
import {
  type AreaInput,
  distanceKm,
  frontLines,
  holdingShares,
  majorityHolder,
  type NearestPair,
  type PreparedAreas,
  type PreparedGeometry,
  prepareTerritory,
  routeSeverance,
  segmentRoute,
  sideOf,
  territoryChange,
} from '../../geo/index.js'
import { allFeatures, areasTouching, preparedFeature, referenceFeature, requireActor, requireSide, sideTerritory, territory } from '../../read/areas.js'
import type { DatasetView } from '../../read/dataset-view.js'
import type { FeatureRecord } from '../../store/records.js'
import { round } from '../common/intervals.js'
import type { Deadline } from './analysis.limits.js'

/** What an analysis works with: the view it answers for, its time budget and its step bound. */
export interface AnalysisContext {
  view: DatasetView
  deadline: Deadline
  maxSteps: number
}

// ---- fronts ----

export async function getFronts(ctx: AnalysisContext, at: Date, sides: [string, string] | undefined, toleranceKm: number) {
  const { view } = ctx
  let pairs: [string, string][]
  if (sides) {
    for (const side of sides) await requireSide(view, side)
    pairs = [sides]
  } else {
    const held = await territory(view, at, { status: 'controlled' })
    const present = [...new Set(held.areas.map((area) => area.side).filter((side): side is string => side !== null))].sort()
    pairs = present.flatMap((a, i) => present.slice(i + 1).map((b) => [a, b] as [string, string]))
  }
  const features = []
  for (const [a, b] of pairs) {
    ctx.deadline.check()
    const front = frontLines(await sideTerritory(view, at, a), await sideTerritory(view, at, b), { toleranceKm })
    features.push({ type: 'Feature' as const, geometry: front.geometry, properties: { sides: [a, b] as [string, string], lengthKm: round(front.lengthKm, 3) } })
  }
  return {
    type: 'FeatureCollection' as const,
    dataset: view.datasetId,
    revision: view.revision,
    at: at.toISOString(),
    knownAt: view.knownAt?.toISOString() ?? null,
    features,
  }
}

// ---- distance ----

type Ref = { kind: 'side' | 'actor' | 'feature'; id: string; text: string }

export function parseRef(text: string): Ref {
  const [kind, id] = text.split(':') as [Ref['kind'], string]
  return { kind, id, text }
}

async function resolveRef(view: DatasetView, at: Date, ref: Ref): Promise<PreparedGeometry> {
  switch (ref.kind) {
    case 'side':
      return sideTerritory(view, at, ref.id)
    case 'actor':
      return territory(view, at, { actorIds: [ref.id], status: 'controlled' })
    case 'feature':
      return (await preparedFeature(view, ref.id)).prepared
  }
}

/** Checks references once, before a series evaluates them at many dates. */
async function checkRef(view: DatasetView, ref: Ref): Promise<void> {
  if (ref.kind === 'side') await requireSide(view, ref.id)
  if (ref.kind === 'actor') await requireActor(view, ref.id)
  if (ref.kind === 'feature') await referenceFeature(view, ref.id)
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

export async function getDistance(ctx: AnalysisContext, at: Date, fromText: string, toText: string) {
  const { view } = ctx
  const [from, to] = [parseRef(fromText), parseRef(toText)]
  await checkRef(view, from)
  await checkRef(view, to)
  const pair = distanceKm(await resolveRef(view, at, from), await resolveRef(view, at, to))
  return {
    dataset: view.datasetId,
    revision: view.revision,
    knownAt: view.knownAt?.toISOString() ?? null,
    from: fromText,
    to: toText,
    at: at.toISOString(),
    ...nearestAnswer(pair),
  }
}

export function seriesInstants(start: Date, end: Date, stepMs: number, maxSteps: number): Date[] {
  const count = Math.floor((end.getTime() - start.getTime()) / stepMs) + 1
  if (count > maxSteps) throw new Errors.SERIES_TOO_LONG(count, maxSteps)
  return Array.from({ length: count }, (_, i) => new Date(start.getTime() + i * stepMs))
}

export async function getDistanceSeries(
  ctx: AnalysisContext,
  range: { start: Date; end: Date; stepMs: number; step: string },
  fromText: string,
  toText: string,
) {
  const { view } = ctx
  const [from, to] = [parseRef(fromText), parseRef(toText)]
  const instants = seriesInstants(range.start, range.end, range.stepMs, ctx.maxSteps)
  await checkRef(view, from)
  await checkRef(view, to)
  const series = []
  let previous: number | null = null
  for (const at of instants) {
    ctx.deadline.check()
    const answer = nearestAnswer(distanceKm(await resolveRef(view, at, from), await resolveRef(view, at, to)))
    const advanceKm: number | null = previous !== null && answer.distanceKm !== null ? round(previous - answer.distanceKm, 3) : null
    series.push({ at: at.toISOString(), ...answer, advanceKm })
    previous = answer.distanceKm
  }
  const known = series.map((row) => row.distanceKm).filter((km): km is number => km !== null)
  const firstKm = known[0] ?? null
  const lastKm = known.at(-1) ?? null
  return {
    dataset: view.datasetId,
    revision: view.revision,
    knownAt: view.knownAt?.toISOString() ?? null,
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
    const cells = [
      row.at,
      row.distanceKm ?? '',
      row.overlaps,
      row.advanceKm ?? '',
      ...(row.nearest ? [...row.nearest.from, ...row.nearest.to] : ['', '', '', '']),
    ]
    lines.push(cells.join(','))
  }
  return `${lines.join('\n')}\n`
}

// ---- route severance ----

async function routeFeature(view: DatasetView, id: string, owner: string | undefined) {
  const feature = await referenceFeature(view, id)
  if (feature.geometry.type !== 'LineString' && feature.geometry.type !== 'MultiLineString') {
    throw new Errors.WRONG_GEOMETRY_TYPE(`feature '${id}' is a ${feature.geometry.type}; route analysis needs a LineString or MultiLineString`)
  }
  const ownerSide = owner ?? feature.ownerSide
  if (!ownerSide) throw new Errors.INVALID_REFERENCE(`feature '${id}' has no owner_side: say whose route it is with owner=SIDE`)
  await requireSide(view, ownerSide)
  return { feature, route: feature.geometry, ownerSide }
}

/** The route cut by who holds it at `at`: made once per view, validity interval and route. */
async function routeState(view: DatasetView, at: Date, feature: FeatureRecord, route: LineString | MultiLineString, ownerSide: string) {
  const interval = await view.intervalOf(at)
  const segmented = await view.cached('route-segments', [feature.id, interval], async () => segmentRoute(route, await territory(view, at)))
  return { segmented, severance: routeSeverance(segmented.segments, ownerSide) }
}

export async function getRoute(ctx: AnalysisContext, at: Date, featureId: string, owner?: string) {
  const { view } = ctx
  const { feature, route, ownerSide } = await routeFeature(view, featureId, owner)
  const { segmented, severance } = await routeState(view, at, feature, route, ownerSide)
  return {
    dataset: view.datasetId,
    revision: view.revision,
    knownAt: view.knownAt?.toISOString() ?? null,
    feature: feature.id,
    owner: ownerSide,
    at: at.toISOString(),
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

export async function getRouteSeries(ctx: AnalysisContext, range: { start: Date; end: Date }, featureId: string, owner?: string) {
  const { view } = ctx
  const { feature, route, ownerSide } = await routeFeature(view, featureId, owner)
  // Only changes of the areas near the route can change its state.
  const changes = new Set<number>()
  for (const area of await areasTouching(view, feature.bbox)) {
    for (const instant of [area.validFrom, area.validTo]) if (instant && instant > range.start && instant <= range.end) changes.add(instant.getTime())
  }
  const instants = [range.start, ...[...changes].sort((a, b) => a - b).map((time) => new Date(time))]
  if (instants.length > ctx.maxSteps) throw new Errors.SERIES_TOO_LONG(instants.length, ctx.maxSteps)
  const states = []
  for (const at of instants) {
    ctx.deadline.check()
    const { severance } = await routeState(view, at, feature, route, ownerSide)
    states.push({ at: at.toISOString(), severed: severance.severed, kmBySide: roundValues(severance.kmBySide) })
  }
  const severedIntervals: { from: string; to: string | null }[] = []
  for (const state of states) {
    const open = severedIntervals.at(-1)
    if (state.severed && (!open || open.to !== null)) severedIntervals.push({ from: state.at, to: null })
    if (!state.severed && open && open.to === null) open.to = state.at
  }
  return {
    dataset: view.datasetId,
    revision: view.revision,
    knownAt: view.knownAt?.toISOString() ?? null,
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

export async function getChanges(ctx: AnalysisContext, range: { start: Date; end: Date }) {
  const { view } = ctx
  const [before, after] = [await territory(view, range.start), await territory(view, range.end)]
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
      for (const [kind, geometry, km2] of [
        ['gained', change.gained, change.gainedKm2],
        ['lost', change.lost, change.lostKm2],
      ] as const) {
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
  const featuresChanged = await changedFeatures(ctx, before, after)
  return {
    dataset: view.datasetId,
    revision: view.revision,
    knownAt: view.knownAt?.toISOString() ?? null,
    start: range.start.toISOString(),
    end: range.end.toISOString(),
    actors,
    sides,
    polygons: { type: 'FeatureCollection' as const, features: polygons },
    featuresChanged,
  }
}

/** Reference features whose majority holder differs between start and end: the villages and bases that changed hands. */
async function changedFeatures(ctx: AnalysisContext, before: PreparedAreas, after: PreparedAreas) {
  const changed = []
  const ref = (area: AreaInput | null) => (area ? { actor: area.holder, side: area.side, status: area.status } : null)
  for (const feature of await allFeatures(ctx.view)) {
    ctx.deadline.check()
    const from = ref(majorityHolder(holdingShares(feature.geometry, before)))
    const to = ref(majorityHolder(holdingShares(feature.geometry, after)))
    if (from?.actor !== to?.actor || from?.status !== to?.status) changed.push({ id: feature.id, name: feature.name, kind: feature.kind, from, to })
  }
  return changed
}

function roundPosition(position: Position): Position {
  return [round(position[0], 6), round(position[1], 6)]
}

function roundValues(record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, round(value, 3)]))
}
