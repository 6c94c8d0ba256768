// What the analyses share: their context, the head every answer starts with, how a map's areas
// group into holders, and how computed geometry is rounded for an answer.
import type { MultiPolygon, Polygon, Position } from 'geojson'
import { type AreaInput, type PreparedAreas, type PreparedTerritory, prepareTerritory, type TerritoryChange, territoryChange } from '../../geo/index.js'
import { complementSetting, complementWithheld, isComplementArea } from '../../read/areas.js'
import type { DatasetView } from '../../read/dataset-view.js'
import { round } from '../common/intervals.js'
import { coverageJson, type Note } from '../common/notes.js'
import type { Deadline } from './analysis.limits.js'

/** What an analysis works with: the view it answers for, its time budget and its step bound. */
export interface AnalysisContext {
  view: DatasetView
  deadline: Deadline
  maxSteps: number
}

/** The members every analysis answer starts with: which data it answers from, and what that data covers. */
export async function answerHead(view: DatasetView) {
  return {
    dataset: view.datasetId,
    revision: view.revision,
    knownAt: view.knownAt?.toISOString() ?? null,
    coverage: coverageJson(await view.coverage()),
  }
}

/** Whether a note about an empty holding adds anything to the instant's own notes (a dataset with nothing, a date before it explain it already). */
export function groundNotesUseful(notes: readonly Note[]): boolean {
  return notes.every((note) => note.code !== 'DATASET_EMPTY' && note.code !== 'AT_BEFORE_COVERAGE')
}

export function noGround(who: string, when: string): Note {
  return { code: 'NO_GROUND', message: `${who} holds no ground ${when}` }
}

/** Whether a territory holds the complement's ground (the outline minus every area), not only rows of the dataset. */
export function usesComplement(prepared: PreparedAreas): boolean {
  return prepared.areas.some(isComplementArea)
}

/**
 * What an answer says of the dataset's complement: COMPLEMENT when `used` (some ground it measured
 * is the complement actor's only because no area covers it), NO_COMPLEMENT when the dataset names an
 * outline that cannot be used (its feature unknown at this knowledge time, not a polygon, its actor
 * gone), so unmapped ground stayed unmapped, and NO_COMPLEMENT too when some of the answer's
 * `instants` fall where the dataset maps no area (before its first area, or in a gap of a history):
 * the data says nothing of that time, and the complement claims nothing then. `when` says at which
 * instant or steps it was used; `more` ends the COMPLEMENT note.
 */
export async function complementNotes(view: DatasetView, used: boolean, when: string, more = '', instants: readonly Date[] = []): Promise<Note[]> {
  const setting = await complementSetting(view)
  if (setting.kind === 'unusable') {
    return [
      {
        code: 'NO_COMPLEMENT',
        message: `the dataset names outline '${setting.outlineFeature}' with complement actor '${setting.actor}', but ${setting.reason}: ground no area covers is unmapped ${when}`,
      },
    ]
  }
  if (setting.kind !== 'ready') return []
  const notes: Note[] = []
  if (used)
    notes.push({
      code: 'COMPLEMENT',
      message:
        `ground inside outline '${setting.outlineFeature}' that no area covers is counted as held by actor '${setting.actor}' (side ${setting.side}) ${when}: ` +
        `the dataset's complement actor, not a mapped area${more}`,
    })
  const withheld: Date[] = []
  for (const at of instants) if (await complementWithheld(view, at)) withheld.push(at)
  if (withheld.length > 0) {
    const whenNot = instants.length === 1 ? `at ${withheld[0].toISOString()}` : `at ${withheld.length} of the ${instants.length} steps`
    const from = (await view.coverage()).from
    notes.push({
      code: 'NO_COMPLEMENT',
      message:
        `the dataset maps no area ${whenNot} (${from ? `its first area holds from ${from.toISOString()}` : 'it has no area'}, or a history leaves a gap): ` +
        `the data says nothing of that time, so ground inside outline '${setting.outlineFeature}' is not counted as actor '${setting.actor}''s there`,
    })
  }
  return notes
}

/** A map's areas by holder: controlled ground per actor and per side (an actor without a side is its own side), and contested ground. */
export interface Holders {
  actors: Map<string, { side: string; areas: AreaInput[] }>
  sides: Map<string, AreaInput[]>
  contested: AreaInput[]
}

export function holdersOf(areas: readonly AreaInput[]): Holders {
  const holders: Holders = { actors: new Map(), sides: new Map(), contested: [] }
  for (const area of areas) {
    if (area.status === 'contested' || area.holder === null) {
      holders.contested.push(area)
      continue
    }
    const side = area.side ?? area.holder
    const actor = holders.actors.get(area.holder)
    if (actor) actor.areas.push(area)
    else holders.actors.set(area.holder, { side, areas: [area] })
    const sideAreas = holders.sides.get(side)
    if (sideAreas) sideAreas.push(area)
    else holders.sides.set(side, [area])
  }
  return holders
}

/**
 * Prepared territories and changes between them, each made once per set of areas: the side of a
 * single actor has the actor's very areas, and is not prepared or clipped a second time.
 */
export class TerritoryMemo {
  readonly #prepared = new Map<string, PreparedTerritory>()
  readonly #changes = new Map<string, TerritoryChange>()

  static #key(areas: readonly AreaInput[]): string {
    return areas.map((area) => area.key).join(',')
  }

  prepare(areas: readonly AreaInput[]): PreparedTerritory {
    const key = TerritoryMemo.#key(areas)
    let prepared = this.#prepared.get(key)
    if (!prepared) {
      prepared = prepareTerritory(areas.map((area) => area.geometry))
      this.#prepared.set(key, prepared)
    }
    return prepared
  }

  change(before: readonly AreaInput[], after: readonly AreaInput[]): TerritoryChange {
    return this.changeOf(this.prepare(before), this.prepare(after), `${TerritoryMemo.#key(before)}|${TerritoryMemo.#key(after)}`)
  }

  /** The change between two prepared territories, remembered under `key`. */
  changeOf(before: PreparedTerritory, after: PreparedTerritory, key: string): TerritoryChange {
    let change = this.#changes.get(key)
    if (!change) {
      change = territoryChange(before, after)
      this.#changes.set(key, change)
    }
    return change
  }
}

// ---- rounding: computed geometry is answered to 6 decimals of a degree (~0.1 m), as every answer of the service ----

const DIGITS = 6

export function roundPosition(position: Position): Position {
  return [round(position[0], DIGITS), round(position[1], DIGITS)]
}

/** A line's positions rounded, repeats that rounding made dropped; both ends kept, so a line stays a line. */
export function roundLine(line: readonly Position[]): Position[] {
  const out: Position[] = []
  for (const position of line) {
    const rounded = roundPosition(position)
    const last = out.at(-1)
    if (!last || last[0] !== rounded[0] || last[1] !== rounded[1]) out.push(rounded)
  }
  if (out.length === 1 && line.length > 1) out.push(out[0])
  return out
}

/** A polygon's rings rounded: repeats dropped, rings that rounding collapsed (fewer than four positions) left out. */
export function roundAreal(g: Polygon | MultiPolygon): Polygon | MultiPolygon | null {
  const ring = (r: Position[]) => {
    const out = roundLine(r)
    return out.length >= 4 ? out : null
  }
  const polygon = (rings: Position[][]) => {
    const [outer, ...holes] = rings.map(ring)
    return outer ? [outer, ...holes.filter((hole): hole is Position[] => hole !== null)] : null
  }
  if (g.type === 'Polygon') {
    const coordinates = polygon(g.coordinates)
    return coordinates ? { type: 'Polygon', coordinates } : null
  }
  const coordinates = g.coordinates.map(polygon).filter((p): p is Position[][] => p !== null)
  return coordinates.length > 0 ? { type: 'MultiPolygon', coordinates } : null
}

export function roundValues(record: Record<string, number>, digits = 3): Record<string, number> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, round(value, digits)]))
}
