import type { LineString, MultiLineString } from 'geojson'
import { Errors } from '../../errors.js'
import {
  type AreaInput,
  bboxOf,
  distanceKm,
  frontLines,
  holdingShares,
  majorityHolder,
  type NearestPair,
  type PreparedAreas,
  type PreparedGeometry,
  type PreparedTerritory,
  routeSeverance,
  segmentRoute,
  sharedAreaKm2,
  sideOf,
  type TerritoryChange,
} from '../../geo/index.js'
import {
  allFeatures,
  areasTouching,
  isComplementArea,
  preparedFeature,
  preparedOutline,
  referenceFeature,
  requireActor,
  requireSide,
  sideTerritory,
  territory,
} from '../../read/areas.js'
import type { DatasetView } from '../../read/dataset-view.js'
import type { FeatureRecord } from '../../store/records.js'
import { round } from '../common/intervals.js'
import { instantNotes, rangeNotes, sinceNote } from '../common/notes.js'
import { type Step, stepInstants } from '../common/time.js'
import {
  type AnalysisContext,
  answerHead,
  complementNotes,
  groundNotesUseful,
  holdersOf,
  noGround,
  roundAreal,
  roundLine,
  roundPosition,
  roundValues,
  TerritoryMemo,
  usesComplement,
} from './analysis.shared.js'

export type { AnalysisContext } from './analysis.shared.js'

// ---- fronts ----

/**
 * How near the outline's boundary a stretch of front may run and still be the border, km: the
 * map's own edges along a border or coast and an outline drawn by another hand part by up to a few
 * hundred metres, and the sliver between them is the complement's ground on paper only.
 */
export const OUTLINE_BORDER_KM = 1

export async function getFronts(ctx: AnalysisContext, at: Date, sides: [string, string] | undefined, toleranceKm: number) {
  const { view } = ctx
  const notes = instantNotes(await view.coverage(), at)
  const when = `at ${at.toISOString()}`
  let pairs: [string, string][]
  if (sides) {
    for (const side of sides) await requireSide(view, side)
    pairs = [sides]
    for (const side of sides) {
      if ((await sideTerritory(view, at, side)).areas.length === 0 && groundNotesUseful(notes)) notes.push(noGround(`side ${side}`, `${when}: it has no front`))
    }
  } else {
    const held = await territory(view, at, { status: 'controlled' })
    const present = [...new Set(held.areas.map((area) => area.side).filter((side): side is string => side !== null))].sort()
    pairs = present.flatMap((a, i) => present.slice(i + 1).map((b) => [a, b] as [string, string]))
    if (present.length < 2 && groundNotesUseful(notes)) {
      notes.push(noGround(present.length === 0 ? 'no side' : `only side ${present[0]} holds ground; every other side`, `${when}: there is no front`))
    }
  }
  const features = []
  let complemented = false
  for (const [a, b] of pairs) {
    ctx.deadline.check()
    const [ta, tb] = [await sideTerritory(view, at, a), await sideTerritory(view, at, b)]
    const complement = usesComplement(ta) || usesComplement(tb)
    complemented ||= complement
    const outline = complement ? await preparedOutline(view) : null
    // The border bounds only the complement's ground: a front between two mapped areas runs on up to it.
    const only = { a: complementPolygon(ta), b: complementPolygon(tb) }
    const front = frontLines(ta, tb, { toleranceKm, ...(outline ? { border: { geometry: outline, withinKm: OUTLINE_BORDER_KM, only } } : {}) })
    const lines = front.geometry.coordinates.map(roundLine)
    features.push({
      type: 'Feature' as const,
      geometry: { type: 'MultiLineString' as const, coordinates: lines },
      properties: { sides: [a, b] as [string, string], lengthKm: round(front.lengthKm, 3) },
    })
  }
  const border =
    `; stretches of front with the complement's ground on one side that lie within ${OUTLINE_BORDER_KM} km of the outline's boundary are taken as ` +
    `the border, not front (the map's edges follow it only roughly); a front between two mapped areas is kept up to the border`
  notes.push(...(await complementNotes(view, complemented, when, border, [at])))
  return { type: 'FeatureCollection' as const, ...(await answerHead(view)), at: at.toISOString(), notes, features }
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

/** Whether a polygon of a territory (by id, `polygons[i]`) is the complement's ground. */
function complementPolygon(prepared: PreparedAreas): (polygon: number) => boolean {
  return (polygon) => isComplementArea(prepared.areas[prepared.polygons[polygon].source])
}

/** Whether a resolved side or actor holds the complement's ground (a feature's prepared geometry has no areas). */
const refUsesComplement = (prepared: PreparedGeometry) => 'areas' in prepared && usesComplement(prepared as PreparedAreas)

/** Whether a resolved reference is empty: a side or actor holding nothing (a feature always has its geometry). */
const isEmpty = (prepared: PreparedGeometry) => prepared.bbox === null

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
  const [a, b] = [await resolveRef(view, at, from), await resolveRef(view, at, to)]
  const notes = instantNotes(await view.coverage(), at)
  if (groundNotesUseful(notes)) {
    for (const [ref, prepared] of [
      [from, a],
      [to, b],
    ] as const) {
      if (isEmpty(prepared)) notes.push(noGround(ref.text, `at ${at.toISOString()}: there is no distance to measure`))
    }
  }
  notes.push(...(await complementNotes(view, refUsesComplement(a) || refUsesComplement(b), `at ${at.toISOString()}`, '', [at])))
  return { ...(await answerHead(view)), from: fromText, to: toText, at: at.toISOString(), notes, ...nearestAnswer(distanceKm(a, b)) }
}

/** The instants of a series, SERIES_TOO_LONG past `maxSteps`. */
export function seriesInstants(start: Date, end: Date, step: Step, maxSteps: number): Date[] {
  return stepInstants(start, end, step, maxSteps, (count) => new Errors.SERIES_TOO_LONG(count, maxSteps))
}

export async function getDistanceSeries(ctx: AnalysisContext, range: { start: Date; end: Date; step: Step }, fromText: string, toText: string) {
  const { view } = ctx
  const [from, to] = [parseRef(fromText), parseRef(toText)]
  const instants = seriesInstants(range.start, range.end, range.step, ctx.maxSteps)
  await checkRef(view, from)
  await checkRef(view, to)
  const series = []
  const emptySteps = new Map<string, number>()
  let complementSteps = 0
  let previous: number | null = null
  for (const at of instants) {
    ctx.deadline.check()
    const [a, b] = [await resolveRef(view, at, from), await resolveRef(view, at, to)]
    if (refUsesComplement(a) || refUsesComplement(b)) complementSteps++
    for (const [ref, prepared] of [
      [from, a],
      [to, b],
    ] as const) {
      if (isEmpty(prepared)) emptySteps.set(ref.text, (emptySteps.get(ref.text) ?? 0) + 1)
    }
    const answer = nearestAnswer(distanceKm(a, b))
    const advanceKm: number | null = previous !== null && answer.distanceKm !== null ? round(previous - answer.distanceKm, 3) : null
    series.push({ at: at.toISOString(), ...answer, advanceKm })
    previous = answer.distanceKm
  }
  const notes = rangeNotes(await view.coverage(), range.start, range.end)
  for (const [ref, count] of emptySteps) {
    notes.push(noGround(ref, `at ${count} of the ${instants.length} steps: their distance is null`))
  }
  notes.push(...(await complementNotes(view, complementSteps > 0, `at ${complementSteps} of the ${instants.length} steps`, '', instants)))
  const known = series.map((row) => row.distanceKm).filter((km): km is number => km !== null)
  const firstKm = known[0] ?? null
  const lastKm = known.at(-1) ?? null
  return {
    ...(await answerHead(view)),
    from: fromText,
    to: toText,
    start: range.start.toISOString(),
    end: range.end.toISOString(),
    step: range.step.text,
    notes,
    series,
    summary: {
      firstKm,
      lastKm,
      advanceKm: firstKm !== null && lastKm !== null ? round(firstKm - lastKm, 3) : null,
      minKm: known.length > 0 ? Math.min(...known) : null,
    },
  }
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

/** Whether some stretch of a route lies on the complement's ground. */
function routeUsesComplement(segments: readonly { holders: readonly { key: string }[] }[]): boolean {
  return segments.some((segment) => segment.holders.some(isComplementArea))
}

export async function getRoute(ctx: AnalysisContext, at: Date, featureId: string, owner?: string) {
  const { view } = ctx
  const { feature, route, ownerSide } = await routeFeature(view, featureId, owner)
  const { segmented, severance } = await routeState(view, at, feature, route, ownerSide)
  const notes = instantNotes(await view.coverage(), at)
  if (groundNotesUseful(notes) && segmented.segments.every((segment) => segment.holders.length === 0)) {
    notes.push({ code: 'NO_AREA', message: `feature ${feature.id} crosses no area at ${at.toISOString()}: no one holds any of it` })
  }
  notes.push(...(await complementNotes(view, routeUsesComplement(segmented.segments), `at ${at.toISOString()}`, '', [at])))
  return {
    ...(await answerHead(view)),
    feature: feature.id,
    owner: ownerSide,
    at: at.toISOString(),
    notes,
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
        geometry: { type: 'LineString' as const, coordinates: roundLine(segment.geometry.coordinates) },
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
  let complementStates = 0
  for (const at of instants) {
    ctx.deadline.check()
    const { segmented, severance } = await routeState(view, at, feature, route, ownerSide)
    if (routeUsesComplement(segmented.segments)) complementStates++
    states.push({ at: at.toISOString(), severed: severance.severed, kmBySide: roundValues(severance.kmBySide) })
  }
  const severedIntervals: { from: string; to: string | null }[] = []
  for (const state of states) {
    const open = severedIntervals.at(-1)
    if (state.severed && (!open || open.to !== null)) severedIntervals.push({ from: state.at, to: null })
    if (!state.severed && open && open.to === null) open.to = state.at
  }
  const coverage = await view.coverage()
  const firstSevered = severedIntervals[0]?.from ?? null
  const notes = [
    ...rangeNotes(coverage, range.start, range.end),
    ...(firstSevered ? sinceNote(coverage, new Date(firstSevered), `${feature.id} severed`) : []),
    ...(await complementNotes(view, complementStates > 0, `in ${complementStates} of the ${instants.length} states`, '', instants)),
  ]
  return {
    ...(await answerHead(view)),
    feature: feature.id,
    owner: ownerSide,
    start: range.start.toISOString(),
    end: range.end.toISOString(),
    notes,
    severedIntervals,
    firstSevered,
    states,
  }
}

// ---- territorial change ----

/** A holder of the from→to matrix: an actor, or contested ground, with its ground at start and its change. */
interface MatrixHolder {
  id: string
  side: string | null
  start: PreparedTerritory
  change: TerritoryChange
}

/** The matrix's names for ground no area covers and for contested ground. */
const UNMAPPED = 'unmapped'
const CONTESTED = 'contested'
/** km² below this are rounding between overlay and intersection, not ground (a thousandth of a km², as answers round). */
const SLIVER_KM2 = 5e-4

export async function getChanges(ctx: AnalysisContext, range: { start: Date; end: Date }, withPolygons: boolean) {
  const { view } = ctx
  const [before, after] = [await territory(view, range.start), await territory(view, range.end)]
  const [start, end] = [holdersOf(before.areas), holdersOf(after.areas)]
  const memo = new TerritoryMemo()
  const polygons: object[] = []
  const row = (level: 'actor' | 'side' | 'contested', id: string, startAreas: AreaInput[], endAreas: AreaInput[]) => {
    ctx.deadline.check()
    const change = memo.change(startAreas, endAreas)
    if (withPolygons) {
      for (const [kind, geometry, km2] of [
        ['gained', change.gained, change.gainedKm2],
        ['lost', change.lost, change.lostKm2],
      ] as const) {
        const rounded = geometry && km2 > 0 ? roundAreal(geometry) : null
        if (rounded) polygons.push({ type: 'Feature', geometry: rounded, properties: { level, id, change: kind, areaKm2: round(km2, 3) } })
      }
    }
    return {
      change,
      row: {
        startKm2: round(change.beforeKm2, 3),
        endKm2: round(change.afterKm2, 3),
        gainedKm2: round(change.gainedKm2, 3),
        lostKm2: round(change.lostKm2, 3),
        netKm2: round(change.gainedKm2 - change.lostKm2, 3),
      },
    }
  }
  const sideOfActor = (id: string) => start.actors.get(id)?.side ?? end.actors.get(id)?.side ?? id
  const matrix: MatrixHolder[] = []
  const actors = []
  for (const id of [...new Set([...start.actors.keys(), ...end.actors.keys()])].sort()) {
    const startAreas = start.actors.get(id)?.areas ?? []
    const { change, row: figures } = row('actor', id, startAreas, end.actors.get(id)?.areas ?? [])
    actors.push({ actor: id, side: sideOfActor(id), ...figures })
    matrix.push({ id, side: sideOfActor(id), start: memo.prepare(startAreas), change })
  }
  const sides = [...new Set([...start.sides.keys(), ...end.sides.keys()])]
    .sort()
    .map((id) => ({ side: id, ...row('side', id, start.sides.get(id) ?? [], end.sides.get(id) ?? []).row }))
  const contested = row('contested', CONTESTED, start.contested, end.contested)
  matrix.push({ id: CONTESTED, side: null, start: memo.prepare(start.contested), change: contested.change })
  const featuresChanged = await changedFeatures(ctx, before, after)
  const { transfers, sideTransfers } = transfersOf(ctx, matrix, featuresChanged)
  return {
    ...(await answerHead(view)),
    start: range.start.toISOString(),
    end: range.end.toISOString(),
    notes: [
      ...rangeNotes(await view.coverage(), range.start, range.end),
      ...(await complementNotes(view, usesComplement(before) || usesComplement(after), `at the start and end`, '', [range.start, range.end])),
    ],
    actors,
    sides,
    contested: contested.row,
    transfers,
    sideTransfers,
    ...(withPolygons ? { polygons: { type: 'FeatureCollection' as const, features: polygons } } : {}),
    featuresChanged,
  }
}

type HolderRef = { actor: string | null; side: string | null; status: 'controlled' | 'contested' } | null

/** The matrix holder a feature's majority holder is: an actor, contested, or unmapped (no area, or no majority). */
function matrixId(ref: HolderRef): string {
  if (!ref) return UNMAPPED
  if (ref.status === 'contested' || ref.actor === null) return CONTESTED
  return ref.actor
}

/**
 * Who took ground from whom. A→B is the ground B gained that A held at start: B's gained polygons
 * (small) intersected with A's start territory, clipping only A's polygons whose bbox meets them.
 * What B gained from no one is unmapped→B (its gain minus its cells, never below 0); what A lost to
 * no one, A→unmapped. Where two holders' areas overlap, that ground counts in each of their cells.
 */
function transfersOf(ctx: AnalysisContext, holders: MatrixHolder[], featuresChanged: Awaited<ReturnType<typeof changedFeatures>>) {
  const cells = new Map<string, { from: string; to: string; areaKm2: number; features: string[] }>()
  const cell = (from: string, to: string) => {
    const key = `${from}\u0000${to}`
    let found = cells.get(key)
    if (!found) {
      found = { from, to, areaKm2: 0, features: [] }
      cells.set(key, found)
    }
    return found
  }
  const given = new Map<string, number>()
  for (const to of holders) {
    const gained = to.change.gained
    if (!gained || to.change.gainedKm2 <= 0) continue
    const [minX, minY, maxX, maxY] = bboxOf(gained)
    let taken = 0
    for (const from of holders) {
      if (from === to || !from.start.index || from.start.index.search(minX, minY, maxX, maxY).length === 0) continue
      ctx.deadline.check()
      const km2 = sharedAreaKm2(gained, from.start)
      if (km2 <= 0) continue
      cell(from.id, to.id).areaKm2 += km2
      taken += km2
      given.set(from.id, (given.get(from.id) ?? 0) + km2)
    }
    if (to.change.gainedKm2 - taken > SLIVER_KM2) cell(UNMAPPED, to.id).areaKm2 += to.change.gainedKm2 - taken
  }
  for (const from of holders) {
    const rest = from.change.lostKm2 - (given.get(from.id) ?? 0)
    if (rest > SLIVER_KM2) cell(from.id, UNMAPPED).areaKm2 += rest
  }
  for (const feature of featuresChanged) {
    const [from, to] = [matrixId(feature.from), matrixId(feature.to)]
    if (from !== to) cell(from, to).features.push(feature.id)
  }
  const sideOfHolder = new Map(holders.map((holder) => [holder.id, holder.side]))
  const order = (a: { areaKm2: number; from: string; to: string }, b: { areaKm2: number; from: string; to: string }) =>
    b.areaKm2 - a.areaKm2 || byteOrder(a.from, b.from) || byteOrder(a.to, b.to)
  const kept = [...cells.values()].filter((c) => c.areaKm2 >= SLIVER_KM2 || c.features.length > 0)
  const transfers = kept
    .map((c) => ({
      from: c.from,
      fromSide: sideOfHolder.get(c.from) ?? null,
      to: c.to,
      toSide: sideOfHolder.get(c.to) ?? null,
      areaKm2: c.areaKm2,
      features: c.features.sort(),
    }))
    .sort(order)
    .map((c) => ({ ...c, areaKm2: round(c.areaKm2, 3) }))
  const bySide = new Map<string, { from: string; to: string; areaKm2: number; features: Set<string> }>()
  for (const c of kept) {
    const [from, to] = [sideOfHolder.get(c.from) ?? c.from, sideOfHolder.get(c.to) ?? c.to]
    if (from === to) continue
    const key = `${from}\u0000${to}`
    const entry = bySide.get(key) ?? { from, to, areaKm2: 0, features: new Set<string>() }
    entry.areaKm2 += c.areaKm2
    for (const id of c.features) entry.features.add(id)
    bySide.set(key, entry)
  }
  const sideTransfers = [...bySide.values()]
    .sort(order)
    .map((entry) => ({ from: entry.from, to: entry.to, areaKm2: round(entry.areaKm2, 3), features: [...entry.features].sort() }))
  return { transfers, sideTransfers }
}

/** Reference features whose majority holder differs between start and end: the villages and bases that changed hands. */
async function changedFeatures(ctx: AnalysisContext, before: PreparedAreas, after: PreparedAreas) {
  const changed = []
  const ref = (area: AreaInput | null): HolderRef => (area ? { actor: area.holder, side: area.side, status: area.status } : null)
  for (const feature of await allFeatures(ctx.view)) {
    ctx.deadline.check()
    const from = ref(majorityHolder(holdingShares(feature.geometry, before)))
    const to = ref(majorityHolder(holdingShares(feature.geometry, after)))
    if (from?.actor !== to?.actor || from?.status !== to?.status) changed.push({ id: feature.id, name: feature.name, kind: feature.kind, from, to })
  }
  return changed
}

/** What an analysis answers, for its renderers. */
export type Answer<F extends (...args: never[]) => unknown> = Awaited<ReturnType<F>>

/** Byte order of ids, as every other list of the service sorts them (never the locale's). */
function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
