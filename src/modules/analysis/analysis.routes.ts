import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { Errors, withHeaders } from '../../errors.js'
import { notModified, sendBody } from '../../plugins/views.js'
import type { RenderedBody } from '../../read/cache.js'
import { CSV_CONTENT_TYPE, GEOJSON_CONTENT_TYPE, JSON_CONTENT_TYPE } from '../common/media-types.js'
import { contentResponse, CsvSchema, geoJsonResponse, notModifiedResponses, problemResponses } from '../common/schemas.js'
import { parseDurationMs, parseInstant, queryInstants } from '../common/time.js'
import { refuseIfTooCostly } from './analysis.costs.js'
import {
  ChangesQuerySchema,
  ChangesSchema,
  DistanceQuerySchema,
  DistanceSchema,
  DistanceSeriesSchema,
  FrontsQuerySchema,
  FrontsSchema,
  RouteQuerySchema,
  RouteSchema,
  RouteSeriesSchema,
} from './analysis.schemas.js'
import type { AnalysisCall, AnalysisTask, Renderer } from './analysis.tasks.js'

/** How long past its budget a worker may run before it is terminated: its own check usually answers first. */
const TERMINATE_GRACE_MS = 500
/** How long an analysis that ran out its budget is refused at once: the load it met may have passed since. */
const OVERRUN_MEMORY_MS = 60_000

const analysisProblems = { ...notModifiedResponses(), ...problemResponses(400, 404, 406, 422, 429, 503) }

/** A [start, end] range: bare dates are the maps published for those days (ends of the days). */
function range(query: { start?: string; end?: string }): { start: Date; end: Date } | undefined {
  if (query.start === undefined && query.end === undefined) return undefined
  if (query.start === undefined || query.end === undefined) throw new Errors.INVALID_DATE('start and end go together: give both for a series, or neither')
  const start = parseInstant(query.start, 'end-of-day')!
  const end = parseInstant(query.end, 'end-of-day')!
  if (start > end) throw new Errors.INVALID_DATE(`start (${start.toISOString()}) is after end (${end.toISOString()})`)
  return { start, end }
}

export default async function analysisRoutes(app: FastifyInstance): Promise<void> {
  const routes = app.withTypeProvider<ZodTypeProvider>()
  const { config } = app

  /**
   * Runs an analysis on the worker pool within its time budget over one view, and sends it. The
   * answer is kept as its serialised bytes under the view and the call (its validated, normalised
   * arguments, never the raw URL): a hit costs no work at all, and a revalidation is answered 304
   * before any. An estimate refuses up front what cannot finish; a call that ran out its budget is
   * remembered for the view, so a retry is refused at once until the data changes.
   */
  async function analyse(
    request: FastifyRequest,
    reply: FastifyReply,
    where: { datasetId: string; knownAt?: Date },
    call: AnalysisCall,
    format: { type: string; render: Renderer } = { type: JSON_CONTENT_TYPE, render: 'json' },
  ): Promise<FastifyReply> {
    const view = await app.readModel.open(where.datasetId, where.knownAt)
    if (notModified(request, reply, view)) return reply
    const parts = [format.type, format.render, call]
    const hit = app.readModel.has(view, 'analysis', parts)
    const overranAt = hit ? undefined : app.readModel.recalled<number>(view, 'analysis-overrun', parts)
    if (overranAt !== undefined && Date.now() - overranAt < OVERRUN_MEMORY_MS) {
      const message =
        `This analysis already ran out its ${config.ANALYSIS_TIMEOUT_MS} ms budget at revision ${view.revision}; ` +
        `it is not run again for ${OVERRUN_MEMORY_MS / 1000} s, or until the dataset changes: narrow the request`
      const retryAfter = Math.max(1, Math.ceil((OVERRUN_MEMORY_MS - (Date.now() - overranAt)) / 1000))
      throw withHeaders(Object.assign(new Errors.ANALYSIS_TIMEOUT(config.ANALYSIS_TIMEOUT_MS), { message }), { 'retry-after': String(retryAfter) })
    }
    // A miss takes its place in the pool before any other work: a client past its share costs nothing more.
    const reserved = hit ? undefined : app.work.reserve(request.ip)
    // One bound for the whole request, however often a write makes it start again: a wait and a run.
    const endsAt = Date.now() + 2 * config.ANALYSIS_TIMEOUT_MS
    const { view: answered, body } = await app.readModel
      .bodyUnlocked(view, 'analysis', parts, async (current) => {
        const waitMs = Math.min(config.ANALYSIS_TIMEOUT_MS, endsAt - Date.now() - config.ANALYSIS_TIMEOUT_MS)
        if (waitMs <= 0) {
          const message = `Dataset '${current.datasetId}' changed while this answer was made, and too little of its time is left to make it again; retry shortly`
          throw withHeaders(Object.assign(new Errors.DATASET_CHANGING(current.datasetId, 1), { message }), { 'retry-after': '1' })
        }
        await refuseIfTooCostly(current, call, config.MAX_SERIES_STEPS, config.ANALYSIS_MAX_COST)
        const task: AnalysisTask = {
          call,
          render: format.render,
          view: { datasetId: current.datasetId, revision: current.revision, knownAt: current.knownAt },
          budgetMs: config.ANALYSIS_TIMEOUT_MS,
          maxSteps: config.MAX_SERIES_STEPS,
        }
        try {
          // The worker checks its own budget between steps; past a grace it is terminated, mid-step.
          return await app.work.run<RenderedBody>('analysis', task, {
            client: request.ip,
            budgetMs: config.ANALYSIS_TIMEOUT_MS + TERMINATE_GRACE_MS,
            waitMs,
            executor: current.db,
            reserved,
          })
        } catch (error) {
          const overrun = (error as { overrun?: string }).overrun
          const ranOut = overrun === 'budget' || (overrun === undefined && (error as { code?: string }).code === 'ANALYSIS_TIMEOUT')
          if (ranOut) app.readModel.remember(current, 'analysis-overrun', parts, Date.now())
          throw error
        }
      })
      .finally(() => reserved?.release())
    reply.header('x-cache', hit ? 'hit' : 'miss')
    return sendBody(request, reply, answered, body, format.type)
  }

  routes.get(
    '/analysis/fronts',
    {
      schema: {
        tags: ['analysis'],
        summary: 'Where the territories of two sides meet',
        description:
          "A MultiLineString per pair of sides with its length in km: the parts of one side's boundary facing the other's ground " +
          '(within tolerance_km across gaps and slivers). Borders facing the sea, another country or unmapped ground are not front.',
        querystring: FrontsQuerySchema,
        response: { 200: geoJsonResponse(FrontsSchema), ...analysisProblems },
      },
    },
    async (request, reply) => {
      const { at, knownAt } = queryInstants(request.query)
      const sides = request.query.sides?.split(',') as [string, string] | undefined
      return analyse(
        request,
        reply,
        { datasetId: request.query.dataset, knownAt },
        { analysis: 'fronts', args: [at, sides, request.query.tolerance_km] },
        { type: GEOJSON_CONTENT_TYPE, render: 'json' },
      )
    },
  )

  routes.get(
    '/analysis/distance',
    {
      schema: {
        tags: ['analysis'],
        summary: 'Shortest geodesic distance between two territories or features, at a date or as a series',
        description:
          'REF is side:ID or actor:ID (all ground held outright at the date) or feature:ID. Answers distanceKm, the two nearest ' +
          'points and a LineString between them; 0 with overlaps=true when they meet. With start, end and step (ISO 8601, ' +
          'default P1D) it answers a series with the advance per step, as JSON or as CSV for Accept: text/csv. ' +
          'Example: from=side:opposition&to=feature:aleppo-outskirts&start=2024-11-26&end=2024-11-28.',
        querystring: DistanceQuerySchema,
        response: {
          200: contentResponse('the distance at `at`, or the series (as CSV for Accept: text/csv)', {
            'application/json': DistanceSchema.or(DistanceSeriesSchema),
            'text/csv': CsvSchema,
          }),
          ...analysisProblems,
        },
      },
    },
    async (request, reply) => {
      const { query } = request
      const { at, knownAt } = queryInstants(query)
      const series = range(query)
      const wantsCsv = (request.headers.accept ?? '').includes('text/csv')
      if (wantsCsv && !series) throw new Errors.NOT_ACCEPTABLE('application/json; text/csv is offered for series (start, end, step)')
      if (series) {
        const stepMs = parseDurationMs(query.step)
        if (!stepMs)
          throw new Errors.INVALID_DATE(`step ${JSON.stringify(query.step)} is not an ISO 8601 duration of weeks, days, hours or minutes (P1D, PT6H)`)
        const csv = { type: CSV_CONTENT_TYPE, render: 'distance-series-csv' as const }
        return analyse(
          request,
          reply,
          { datasetId: query.dataset, knownAt },
          { analysis: 'distance-series', args: [{ ...series, stepMs, step: query.step }, query.from, query.to] },
          wantsCsv ? csv : undefined,
        )
      }
      return analyse(request, reply, { datasetId: query.dataset, knownAt }, { analysis: 'distance', args: [at, query.from, query.to] })
    },
  )

  routes.get(
    '/analysis/route',
    {
      schema: {
        tags: ['analysis'],
        summary: 'A highway cut into stretches by who holds them, and whether its owner side can still travel it',
        description:
          'Segments with holder, side, fromKm, toKm and lengthKm; km per side; cut points; severed=true when the owner side cannot ' +
          'travel end to end through its own ground (another side, contested ground or a shared boundary is a cut; unmapped ground is not). ' +
          'With start and end: the intervals during which it was severed and the first date it was. Example: feature=m5&at=2024-11-28.',
        querystring: RouteQuerySchema,
        response: { 200: RouteSchema.or(RouteSeriesSchema), ...analysisProblems },
      },
    },
    async (request, reply) => {
      const { query } = request
      const { at, knownAt } = queryInstants(query)
      const series = range({ start: query.start, end: query.end })
      if (series) {
        // A severance history starts with the first day's map: the start of the start day.
        const start = parseInstant(query.start!, 'start-of-day')!
        return analyse(
          request,
          reply,
          { datasetId: query.dataset, knownAt },
          { analysis: 'route-series', args: [{ start, end: series.end }, query.feature, query.owner] },
        )
      }
      return analyse(request, reply, { datasetId: query.dataset, knownAt }, { analysis: 'route', args: [at, query.feature, query.owner] })
    },
  )

  routes.get(
    '/analysis/changes',
    {
      schema: {
        tags: ['analysis'],
        summary: 'What changed hands between two dates',
        description:
          'Per actor and per side: km² held at each date, gained and lost; the gained and lost polygons as GeoJSON; and every reference ' +
          'feature whose holder changed, with old and new holder. Example: start=2024-11-26&end=2024-11-28.',
        querystring: ChangesQuerySchema,
        response: { 200: ChangesSchema, ...analysisProblems },
      },
    },
    async (request, reply) => {
      const { query } = request
      const knownAt = query.known_at ? parseInstant(query.known_at, 'end-of-day') : undefined
      const span = range(query)!
      return analyse(request, reply, { datasetId: query.dataset, knownAt }, { analysis: 'changes', args: [span] })
    },
  )
}
