// Area over time: km² held per actor, per side and contested at each step of a series, with what
// was gained and lost since the step before. It reads the timeline: a step in the validity interval
// of the step before shows the same map and costs nothing; each distinct map is measured once, and
// each pair of consecutive distinct maps overlaid once, per view.
import { type PreparedTerritory, prepareTerritory, type TerritoryChange, territoryAreaKm2, territoryChange } from '../../geo/index.js'
import { complementArea, requireActor, requireSide, territory } from '../../read/areas.js'
import type { DatasetView } from '../../read/dataset-view.js'
import { round } from '../common/intervals.js'
import { rangeNotes } from '../common/notes.js'
import type { Step } from '../common/time.js'
import { seriesInstants } from './analysis.service.js'
import { type AnalysisContext, answerHead, complementNotes, holdersOf, noGround, TerritoryMemo } from './analysis.shared.js'

/** Rows to keep: actors by id, sides by id (an actor is kept when its side is). Absent: all. */
export interface AreaFilter {
  actors?: string[]
  sides?: string[]
}

/** One map's ground, km² (a holder's overlapping areas counted once). */
interface MapAreas {
  actors: Record<string, { side: string; areaKm2: number }>
  sides: Record<string, number>
  contestedKm2: number
}

/** What changed between two maps, km², by holder present at either. */
interface MapChange {
  actors: Record<string, { gainedKm2: number; lostKm2: number }>
  sides: Record<string, { gainedKm2: number; lostKm2: number }>
}

/** One map's territories, prepared for measuring and overlaying. */
interface MapTerritories {
  actors: Map<string, { side: string; territory: PreparedTerritory }>
  sides: Map<string, PreparedTerritory>
  contested: PreparedTerritory
}

/**
 * The validity interval of each step (ascending instants). The timeline is walked once: the
 * interval is looked up only where a change lies between a step and the one before.
 */
export async function stepIntervals(view: DatasetView, instants: readonly Date[]): Promise<string[]> {
  const changes = await view.changeInstants()
  const intervals: string[] = []
  let next = 0
  let current: string | undefined
  for (const at of instants) {
    let crossed = false
    while (next < changes.length && changes[next] <= at) {
      next++
      crossed = true
    }
    if (current === undefined || crossed) current = await view.intervalOf(at)
    intervals.push(current)
  }
  return intervals
}

async function territoriesAt(view: DatasetView, at: Date): Promise<MapTerritories> {
  const holders = holdersOf((await territory(view, at)).areas)
  const memo = new TerritoryMemo()
  return {
    actors: new Map([...holders.actors].map(([id, { side, areas }]) => [id, { side, territory: memo.prepare(areas) }])),
    sides: new Map([...holders.sides].map(([id, areas]) => [id, memo.prepare(areas)])),
    contested: memo.prepare(holders.contested),
  }
}

function areasOf(territories: MapTerritories): MapAreas {
  return {
    actors: Object.fromEntries([...territories.actors].map(([id, { side, territory: t }]) => [id, { side, areaKm2: territoryAreaKm2(t) }])),
    sides: Object.fromEntries([...territories.sides].map(([id, t]) => [id, territoryAreaKm2(t)])),
    contestedKm2: territoryAreaKm2(territories.contested),
  }
}

function changeOf(before: MapTerritories, after: MapTerritories): MapChange {
  const empty = prepareTerritory([])
  // A side of one actor has the actor's very territory: overlay it once.
  const done = new Map<PreparedTerritory, Map<PreparedTerritory, TerritoryChange>>()
  const overlay = (x: PreparedTerritory, y: PreparedTerritory) => {
    const row = done.get(x) ?? new Map<PreparedTerritory, TerritoryChange>()
    done.set(x, row)
    let change = row.get(y)
    if (!change) {
      change = territoryChange(x, y)
      row.set(y, change)
    }
    return { gainedKm2: change.gainedKm2, lostKm2: change.lostKm2 }
  }
  const compare = <T>(a: Map<string, T>, b: Map<string, T>, territoryOf: (value: T) => PreparedTerritory) =>
    Object.fromEntries(
      [...new Set([...a.keys(), ...b.keys()])].map((id) => {
        const [x, y] = [a.get(id), b.get(id)]
        return [id, overlay(x === undefined ? empty : territoryOf(x), y === undefined ? empty : territoryOf(y))]
      }),
    )
  return {
    actors: compare(before.actors, after.actors, (actor) => actor.territory),
    sides: compare(before.sides, after.sides, (t) => t),
  }
}

export async function getAreaSeries(ctx: AnalysisContext, range: { start: Date; end: Date; step: Step }, filter: AreaFilter) {
  const { view } = ctx
  const instants = seriesInstants(range.start, range.end, range.step, ctx.maxSteps)
  for (const actor of filter.actors ?? []) await requireActor(view, actor)
  for (const side of filter.sides ?? []) await requireSide(view, side)
  const intervals = await stepIntervals(view, instants)

  // Territories are prepared only where a figure is not kept yet, and only the last two are held.
  const prepared = new Map<string, MapTerritories>()
  const territoriesOf = async (interval: string, at: Date) => {
    let found = prepared.get(interval)
    if (!found) {
      found = await territoriesAt(view, at)
      if (prepared.size >= 2) prepared.delete(prepared.keys().next().value as string)
      prepared.set(interval, found)
    }
    return found
  }
  const areas = new Map<string, MapAreas>()
  const changes: (MapChange | null)[] = []
  let complementSteps = 0
  for (let i = 0; i < instants.length; i++) {
    ctx.deadline.check()
    const interval = intervals[i]
    // Every map of the series has the complement's ground as one more area of its actor when the dataset names an outline.
    if ((await complementArea(view, instants[i])) !== null) complementSteps++
    if (!areas.has(interval)) {
      areas.set(interval, await view.cached('area-figures', [interval], async () => areasOf(await territoriesOf(interval, instants[i]))))
    }
    const previous = intervals[i - 1]
    if (i === 0 || previous === interval) {
      changes.push(null)
      continue
    }
    changes.push(
      await view.cached('area-change', [previous, interval], async () =>
        changeOf(await territoriesOf(previous, instants[i - 1]), await territoriesOf(interval, instants[i])),
      ),
    )
  }

  // Every holder present at some step is listed at every step, 0 where it holds nothing.
  const sideOfActor = new Map<string, string>()
  const sideIds = new Set<string>()
  for (const map of areas.values()) {
    for (const [id, { side }] of Object.entries(map.actors)) sideOfActor.set(id, side)
    for (const id of Object.keys(map.sides)) sideIds.add(id)
  }
  const keepActor = (id: string) => (!filter.actors || filter.actors.includes(id)) && (!filter.sides || filter.sides.includes(sideOfActor.get(id) ?? id))
  const actorIds = [...sideOfActor.keys()].filter(keepActor).sort()
  const sides = [...sideIds].filter((id) => !filter.sides || filter.sides.includes(id)).sort()

  const figures = (areaKm2: number, change: { gainedKm2: number; lostKm2: number } | undefined | null, first: boolean) => {
    if (first) return { areaKm2: round(areaKm2, 3), gainedKm2: null, lostKm2: null, netKm2: null }
    const [gained, lost] = [change?.gainedKm2 ?? 0, change?.lostKm2 ?? 0]
    return { areaKm2: round(areaKm2, 3), gainedKm2: round(gained, 3), lostKm2: round(lost, 3), netKm2: round(gained - lost, 3) }
  }
  const stepOf = (map: MapAreas, change: MapChange | null, first: boolean) => ({
    actors: actorIds.map((id) => ({
      actor: id,
      side: sideOfActor.get(id) ?? id,
      ...figures(map.actors[id]?.areaKm2 ?? 0, change?.actors[id], first),
    })),
    sides: sides.map((id) => ({ side: id, ...figures(map.sides[id] ?? 0, change?.sides[id], first) })),
    contestedKm2: round(map.contestedKm2, 3),
  })
  // A step in the interval of the one before shares its rows: nothing was gained or lost.
  const steady = new Map<string, ReturnType<typeof stepOf>>()
  const series = instants.map((at, i) => {
    const map = areas.get(intervals[i])!
    if (i === 0 || changes[i] !== null) return { at: at.toISOString(), ...stepOf(map, changes[i], i === 0) }
    let rows = steady.get(intervals[i])
    if (!rows) {
      rows = stepOf(map, null, false)
      steady.set(intervals[i], rows)
    }
    return { at: at.toISOString(), ...rows }
  })

  const notes = rangeNotes(await view.coverage(), range.start, range.end)
  for (const actor of filter.actors ?? []) if (!sideOfActor.has(actor)) notes.push(noGround(`actor ${actor}`, 'at any step of the series'))
  for (const side of filter.sides ?? []) if (!sideIds.has(side)) notes.push(noGround(`side ${side}`, 'at any step of the series'))
  notes.push(...(await complementNotes(view, complementSteps > 0, `at ${complementSteps} of the ${instants.length} steps`, '', instants)))
  return {
    ...(await answerHead(view)),
    start: range.start.toISOString(),
    end: range.end.toISOString(),
    step: range.step.text,
    notes,
    series,
  }
}
