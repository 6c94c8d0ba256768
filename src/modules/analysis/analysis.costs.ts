// What an analysis will cost, estimated before it runs from the vertices it has to read: a request
// that cannot finish within the budget is refused up front, saying how to narrow it, instead of
// holding a worker for the whole budget and failing then.
import { Errors } from '../../errors.js'
import type { DatasetView } from '../../read/dataset-view.js'
import type { AreaRow } from '../../store/control.repository.js'
import { stepIntervals } from './analysis.area.js'
import { seriesInstants } from './analysis.service.js'
import type { AnalysisCall } from './analysis.tasks.js'

/**
 * Microseconds per vertex of the territory at one distinct map, measured on the reference machine
 * (two cores; test/reliability/heavy.ts builds such maps): clipping polygons (changes) costs two
 * orders more than walking segments (fronts, distance, route). An estimate is in microseconds.
 */
const WEIGHTS: Record<AnalysisCall['analysis'], number> = {
  fronts: 8,
  distance: 1,
  'distance-series': 1,
  route: 2,
  'route-series': 2,
  changes: 120,
  // measuring each distinct map: indexing it (~3 µs a vertex) and each holder's union, per actor and per side (~2 each)
  area: 8,
}

/**
 * Microseconds per vertex an area series overlays between two consecutive distinct maps: only the
 * areas valid at one and not the other are clipped (per actor and per side), as changes clips them.
 */
const AREA_OVERLAY_WEIGHT = 120
/** Microseconds per step of an area series: its rows, written out. */
const AREA_STEP_WEIGHT = 5

const ADVICE: Record<AnalysisCall['analysis'], string> = {
  fronts: 'name the two sides (sides=A,B) or ask for a smaller dataset',
  distance: 'compare smaller territories (actor: instead of side:)',
  'distance-series': 'ask for a shorter range or a longer step',
  route: 'ask for a smaller dataset',
  'route-series': 'ask for a shorter range',
  changes: 'ask for two dates closer together or a dataset with fewer vertices',
  area: 'ask for a shorter range or a longer step (P1W, P1M)',
}

/** The instants an analysis evaluates a map at: one per distinct validity interval is what costs. */
async function instantsOf(view: DatasetView, call: AnalysisCall, maxSteps: number): Promise<Date[]> {
  switch (call.analysis) {
    case 'fronts':
    case 'distance':
    case 'route':
      return [call.args[0]]
    case 'distance-series':
    case 'area': {
      const [range] = call.args
      return seriesInstants(range.start, range.end, range.step, maxSteps)
    }
    case 'route-series': {
      const [range] = call.args
      const changes = (await view.changeInstants()).filter((instant) => instant > range.start && instant <= range.end)
      return [range.start, ...changes]
    }
    case 'changes':
      return [call.args[0].start, call.args[0].end]
  }
}

const validAt = (row: AreaRow, instant: Date): boolean => row.validFrom <= instant && (row.validTo === null || instant < row.validTo)

/** The vertices of the view's areas valid at `instant`: what an analysis at that instant reads and indexes. */
function verticesAt(rows: readonly AreaRow[], instant: Date): number {
  let vertices = 0
  for (const row of rows) if (validAt(row, instant)) vertices += row.vertexCount
  return vertices
}

/** The vertices of the areas valid at one of the two instants and not the other: what an overlay of the two maps clips. */
function changedVerticesBetween(rows: readonly AreaRow[], [a, b]: [Date, Date]): number {
  let vertices = 0
  for (const row of rows) if (validAt(row, a) !== validAt(row, b)) vertices += row.vertexCount
  return vertices
}

/**
 * The estimated cost: vertices of every distinct map the analysis reads, weighted by its kind; for
 * an area series also the areas that differ between consecutive distinct maps, which it overlays.
 * Steps in the interval of the step before cost nothing but their rows. Counted from the view's
 * rows, which carry their vertex counts and are kept per view: a query a request cost 1.2–2.2 ms
 * of a 5 ms distance at a new date on the embedded engine.
 */
export async function estimateCost(view: DatasetView, call: AnalysisCall, maxSteps: number): Promise<number> {
  const instants = await instantsOf(view, call, maxSteps)
  const intervals = await stepIntervals(view, instants)
  const rows = await view.areaRows()
  const distinct = new Map<string, Date>()
  intervals.forEach((interval, i) => {
    if (!distinct.has(interval)) distinct.set(interval, instants[i])
  })
  let vertices = 0
  for (const instant of distinct.values()) vertices += verticesAt(rows, instant)
  let cost = WEIGHTS[call.analysis] * vertices
  if (call.analysis === 'area') {
    const pairs = new Map<string, [Date, Date]>()
    for (let i = 1; i < intervals.length; i++) {
      if (intervals[i] !== intervals[i - 1]) pairs.set(`${intervals[i - 1]}|${intervals[i]}`, [instants[i - 1], instants[i]])
    }
    let changed = 0
    for (const pair of pairs.values()) changed += changedVerticesBetween(rows, pair)
    cost += AREA_OVERLAY_WEIGHT * changed + AREA_STEP_WEIGHT * instants.length
  }
  return cost
}

/** The estimate (see estimateCost); ANALYSIS_TOO_COSTLY when it is over `limit`, naming both and how to narrow the request. */
export async function refuseIfTooCostly(view: DatasetView, call: AnalysisCall, maxSteps: number, limit: number): Promise<number> {
  const cost = await estimateCost(view, call, maxSteps)
  if (cost <= limit) return cost
  throw new Errors.ANALYSIS_TOO_COSTLY(
    `This ${call.analysis} analysis is estimated at ${Math.round(cost / 1000).toLocaleString('en')} ms of work, more than the limit of ` +
      `${Math.round(limit / 1000).toLocaleString('en')} ms (ANALYSIS_MAX_COST): ${ADVICE[call.analysis]}`,
  )
}
