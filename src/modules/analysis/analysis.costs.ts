// What an analysis will cost, estimated before it runs from the vertices it has to read: a request
// that cannot finish within the budget is refused up front, saying how to narrow it, instead of
// holding a worker for the whole budget and failing then.
import { Errors } from '../../errors.js'
import type { DatasetView } from '../../read/dataset-view.js'
import { sumChangedVerticesBetween, sumVerticesAt } from '../../store/costs.repository.js'
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

/**
 * The estimated cost: vertices of every distinct map the analysis reads, weighted by its kind; for
 * an area series also the areas that differ between consecutive distinct maps, which it overlays.
 * Steps in the interval of the step before cost nothing but their rows.
 */
export async function estimateCost(view: DatasetView, call: AnalysisCall, maxSteps: number): Promise<number> {
  const instants = await instantsOf(view, call, maxSteps)
  const intervals = await stepIntervals(view, instants)
  const distinct = new Map<string, Date>()
  intervals.forEach((interval, i) => {
    if (!distinct.has(interval)) distinct.set(interval, instants[i])
  })
  const vertices = await sumVerticesAt(view.db, view.datasetId, [...distinct.values()], view.knownAt)
  let cost = WEIGHTS[call.analysis] * vertices.reduce((sum, count) => sum + count, 0)
  if (call.analysis === 'area') {
    const pairs = new Map<string, [Date, Date]>()
    for (let i = 1; i < intervals.length; i++) {
      if (intervals[i] !== intervals[i - 1]) pairs.set(`${intervals[i - 1]}|${intervals[i]}`, [instants[i - 1], instants[i]])
    }
    const changed = await sumChangedVerticesBetween(view.db, view.datasetId, [...pairs.values()], view.knownAt)
    cost += AREA_OVERLAY_WEIGHT * changed.reduce((sum, count) => sum + count, 0) + AREA_STEP_WEIGHT * instants.length
  }
  return cost
}

/** ANALYSIS_TOO_COSTLY when the estimate is over `limit`, naming both and how to narrow the request. */
export async function refuseIfTooCostly(view: DatasetView, call: AnalysisCall, maxSteps: number, limit: number): Promise<void> {
  const cost = await estimateCost(view, call, maxSteps)
  if (cost <= limit) return
  throw new Errors.ANALYSIS_TOO_COSTLY(
    `This ${call.analysis} analysis is estimated at ${Math.round(cost / 1000).toLocaleString('en')} ms of work, more than the limit of ` +
      `${Math.round(limit / 1000).toLocaleString('en')} ms (ANALYSIS_MAX_COST): ${ADVICE[call.analysis]}`,
  )
}
