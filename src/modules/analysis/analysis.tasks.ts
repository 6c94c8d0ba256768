// The analyses as tasks of the worker pool: a name, plain arguments and the view to read, in;
// the rendered body, out. The routes build the calls; worker threads run them.
import type { Db } from '../../db/database.js'
import { CachedBody, type LruCache, type RenderedBody } from '../../read/cache.js'
import { DatasetView } from '../../read/dataset-view.js'
import { Deadline } from './analysis.limits.js'
import { getAreaSeries } from './analysis.area.js'
import * as csv from './analysis.csv.js'
import * as analysisService from './analysis.service.js'
import type { AnalysisContext } from './analysis.service.js'

const ANALYSES = {
  fronts: analysisService.getFronts,
  distance: analysisService.getDistance,
  'distance-series': analysisService.getDistanceSeries,
  route: analysisService.getRoute,
  'route-series': analysisService.getRouteSeries,
  changes: analysisService.getChanges,
  area: getAreaSeries,
}

/** How an answer is written: JSON, or one of its tables as CSV (a route picks the one that fits its analysis). */
const RENDERERS = {
  json: (answer: unknown) => JSON.stringify(answer),
  'fronts-csv': csv.frontsCsv,
  'distance-csv': csv.distanceCsv,
  'distance-series-csv': csv.distanceSeriesCsv,
  'route-csv': csv.routeCsv,
  'route-series-csv': csv.routeSeriesCsv,
  'changes-summary-csv': csv.changesSummaryCsv,
  'changes-transfers-csv': csv.changesTransfersCsv,
  'changes-features-csv': csv.changesFeaturesCsv,
  'area-csv': csv.areaSeriesCsv,
} satisfies Record<string, (answer: never) => string>

type Analyses = typeof ANALYSES
type ArgumentsOf<F> = F extends (ctx: AnalysisContext, ...args: infer A) => unknown ? A : never

/** One analysis with its (validated, normalised) arguments: also what its answer is cached under. */
export type AnalysisCall = { [K in keyof Analyses]: { analysis: K; args: ArgumentsOf<Analyses[K]> } }[keyof Analyses]
export type Renderer = keyof typeof RENDERERS

export interface AnalysisTask {
  call: AnalysisCall
  render: Renderer
  view: { datasetId: string; revision: number; knownAt?: Date }
  budgetMs: number
  maxSteps: number
}

/**
 * Runs one analysis over a view read through `db`, with `cache` as the view's cache, and renders
 * it; a body under 256 KiB is not compressed here but on the answering thread, for the encoding a
 * request accepts, once, and kept with the answer (CachedBody.renderedLazily).
 */
export async function runAnalysisTask(task: AnalysisTask, db: Db, cache: LruCache): Promise<RenderedBody> {
  const view = new DatasetView(cache, task.view.datasetId, task.view.revision, task.view.knownAt, db)
  const ctx: AnalysisContext = { view, deadline: new Deadline(task.budgetMs), maxSteps: task.maxSteps }
  const run = ANALYSES[task.call.analysis] as (ctx: AnalysisContext, ...args: unknown[]) => Promise<unknown>
  const render = RENDERERS[task.render] as (answer: unknown) => string
  return CachedBody.renderedLazily(render(await run(ctx, ...task.call.args)))
}
