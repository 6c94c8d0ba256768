import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { Errors, withDetails, withHeaders } from '../../errors.js'
import { notModified, sendBody } from '../../plugins/views.js'
import type { RenderedBody } from '../../read/cache.js'
import { CSV_CONTENT_TYPE, GEOJSON_CONTENT_TYPE, JSON_CONTENT_TYPE } from '../common/media-types.js'
import { type TableFormat, tableFormat } from '../../plugins/formats.js'
import { contentResponse, CsvSchema, notModifiedResponses, problemResponses } from '../common/schemas.js'
import { parseInstant, parseStep, queryInstants, type Step, STEP_RULE } from '../common/time.js'
import { refuseIfTooCostly } from './analysis.costs.js'
import {
  AreaQuerySchema,
  AreaSeriesSchema,
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
import { type AnalysisCall, type AnalysisTask, type Renderer, runAnalysisTask } from './analysis.tasks.js'

/** How long past its budget a worker may run before it is terminated: its own check usually answers first. */
const TERMINATE_GRACE_MS = 500
/** How long an analysis that ran out its budget is refused at once: the load it met may have passed since. */
const OVERRUN_MEMORY_MS = 60_000

const analysisProblems = { ...notModifiedResponses(), ...problemResponses(400, 404, 406, 422, 429, 503) }

/** A [start, end] range: bare dates are the maps published for those days (ends of the days). */
function range(query: { start?: string; end?: string; at?: string; step?: string }): { start: Date; end: Date } | undefined {
  // A parameter that would be ignored is refused: a client that sent it meant something else.
  if (query.start === undefined && query.end === undefined) {
    if (query.step !== undefined)
      throw withDetails(new Errors.INVALID_REQUEST('step goes with start and end: give them for a series, or leave step out'), [
        { path: '/query/step', code: 'INVALID_REQUEST', reason: 'step without start and end; e.g. start=2024-11-26&end=2024-11-30&step=P1D' },
      ])
    return undefined
  }
  if (query.at !== undefined)
    throw withDetails(new Errors.INVALID_REQUEST('at is for one date, start and end for a range: give one or the other'), [
      { path: '/query/at', code: 'INVALID_REQUEST', reason: 'at together with start and end' },
    ])
  if (query.start === undefined || query.end === undefined) throw new Errors.INVALID_DATE('start and end go together: give both for a series, or neither')
  const start = parseInstant(query.start, 'end-of-day')!
  const end = parseInstant(query.end, 'end-of-day')!
  if (start > end) throw new Errors.INVALID_DATE(`start (${start.toISOString()}) is after end (${end.toISOString()})`)
  return { start, end }
}

/** The step of a series; INVALID_DATE when it is not an ISO 8601 duration the service takes. */
function stepOf(text = 'P1D'): Step {
  const step = parseStep(text)
  if (!step) throw new Errors.INVALID_DATE(`step ${JSON.stringify(text)} is not ${STEP_RULE}`)
  return step
}

/** The representation asked for (f, else Accept): JSON (or GeoJSON) by default, or the CSV table `csv` renders. */
function formatOf(request: FastifyRequest, f: TableFormat | undefined, csv: Renderer, json = JSON_CONTENT_TYPE): { type: string; render: Renderer } {
  const asked = tableFormat(request, f, json === GEOJSON_CONTENT_TYPE ? GEOJSON_CONTENT_TYPE : 'application/json')
  return asked === 'csv' ? { type: CSV_CONTENT_TYPE, render: csv } : { type: json, render: 'json' }
}

export default async function analysisRoutes(app: FastifyInstance): Promise<void> {
  const routes = app.withTypeProvider<ZodTypeProvider>()
  const { config } = app
  /** Whether a small analysis is running on this thread (see ANALYSIS_INLINE_US). */
  const inline = { running: false }

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
    const parts = [format.type, format.render, call]
    // A client past its share asking what cannot be kept is refused before the database is asked
    // anything (on PostgreSQL, opening a view reads the revision): a flood costs no statement. A
    // revalidation may still be answered 304, so it goes on.
    const revalidating = request.headers['if-none-match'] !== undefined || request.headers['if-modified-since'] !== undefined
    if (!revalidating && !app.readModel.mightHave(where.datasetId, where.knownAt, 'analysis', parts)) app.work.refuseIfFull(request.ip)
    const view = await app.readModel.open(where.datasetId, where.knownAt)
    if (notModified(request, reply, view)) return reply
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
    let retry = false
    const { view: answered, body } = await app.readModel
      .bodyUnlocked(view, 'analysis', parts, async (current) => {
        // The first try may wait its whole budget for a thread (the time spent getting here is not taken from it, or a
        // tight budget would be refused as a change that never happened); a try made again after a write gets what is left.
        const waitMs = retry ? Math.min(config.ANALYSIS_TIMEOUT_MS, endsAt - Date.now() - config.ANALYSIS_TIMEOUT_MS) : config.ANALYSIS_TIMEOUT_MS
        retry = true
        if (waitMs <= 0) {
          const message = `Dataset '${current.datasetId}' changed while this answer was made, and too little of its time is left to make it again; retry shortly`
          throw withHeaders(Object.assign(new Errors.DATASET_CHANGING(current.datasetId, 1), { message }), { 'retry-after': '1' })
        }
        // An area series reads the timeline, where a step costs nothing unless the map changed: it has a bound of its own.
        const maxSteps = call.analysis === 'area' ? config.MAX_AREA_STEPS : config.MAX_SERIES_STEPS
        const cost = await refuseIfTooCostly(current, call, maxSteps, config.ANALYSIS_MAX_COST)
        const task: AnalysisTask = {
          call,
          render: format.render,
          view: { datasetId: current.datasetId, revision: current.revision, knownAt: current.knownAt },
          budgetMs: config.ANALYSIS_TIMEOUT_MS,
          maxSteps,
        }
        try {
          // A small analysis costs less here than the hop to a worker and back, and finds the rows and shapes this
          // thread already keeps; one at a time, so the thread that answers is held by no more than one.
          if (cost <= config.ANALYSIS_INLINE_US && !inline.running) {
            inline.running = true
            try {
              return await runAnalysisTask(task, current.db, app.readModel.cache)
            } finally {
              inline.running = false
            }
          }
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
          '(within tolerance_km across gaps and slivers). Borders facing the sea, another country or unmapped ground are not front. ' +
          'CSV (f=csv or Accept: text/csv): one row per pair of sides, sides,lengthKm (the two sides joined by ;). ' +
          'Notes say why there is no front: a side holding nothing at `at`, or `at` outside the coverage.',
        querystring: FrontsQuerySchema,
        response: {
          200: contentResponse('GeoJSON (RFC 7946; WGS84 [lon, lat]), or CSV of the pairs', { 'application/geo+json': FrontsSchema, 'text/csv': CsvSchema }),
          ...analysisProblems,
        },
      },
    },
    async (request, reply) => {
      const { query } = request
      const { at, knownAt } = queryInstants(query)
      const sides = query.sides?.split(',') as [string, string] | undefined
      return analyse(
        request,
        reply,
        { datasetId: query.dataset, knownAt },
        { analysis: 'fronts', args: [at, sides, query.tolerance_km] },
        formatOf(request, query.f, 'fronts-csv', GEOJSON_CONTENT_TYPE),
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
          'points and a LineString between them; 0 with overlaps=true when they meet; null when a side or actor holds nothing (a note ' +
          'says which). With start, end and step (ISO 8601, default P1D; calendar steps P1M, P1Y too) it answers a series with the ' +
          'advance per step. CSV (f=csv or Accept: text/csv): at a date one row at,distanceKm,overlaps,nearest.from.lon,nearest.from.lat,' +
          'nearest.to.lon,nearest.to.lat; a series one row per step, with advanceKm after overlaps. ' +
          'Example: from=side:opposition&to=feature:aleppo-outskirts&start=2024-11-26&end=2024-11-28.',
        querystring: DistanceQuerySchema,
        response: {
          200: contentResponse('the distance at `at`, or the series; JSON or CSV', {
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
      if (series) {
        return analyse(
          request,
          reply,
          { datasetId: query.dataset, knownAt },
          { analysis: 'distance-series', args: [{ ...series, step: stepOf(query.step) }, query.from, query.to] },
          formatOf(request, query.f, 'distance-series-csv'),
        )
      }
      return analyse(
        request,
        reply,
        { datasetId: query.dataset, knownAt },
        { analysis: 'distance', args: [at, query.from, query.to] },
        formatOf(request, query.f, 'distance-csv'),
      )
    },
  )

  routes.get(
    '/analysis/route',
    {
      schema: {
        tags: ['analysis'],
        summary: 'A highway cut into stretches by who holds them, and whether its owner side can still travel it',
        description:
          'Segments with holders, side, fromKm, toKm and lengthKm (consecutive stretches with the same holders are one, even across two ' +
          'areas of one holder); km per side; cut points; severed=true when the owner side cannot travel end to end through its own ' +
          'ground (another side, contested ground or a shared boundary is a cut; unmapped ground is not). With start and end (bare ' +
          'dates: the ends of those days): the states at the start and after each change, the intervals during which it was severed ' +
          'and the first instant it was. CSV (f=csv or Accept: text/csv): at a date one row per stretch (fromKm,toKm,lengthKm,side,' +
          'holders.actor,holders.side,holders.status; no geometry); over a range one row per state (at,severed,kmBySide.<side>…). ' +
          'Example: feature=m5&at=2024-11-28.',
        querystring: RouteQuerySchema,
        response: {
          200: contentResponse('the route at `at`, or its states over the range; JSON or CSV', {
            'application/json': RouteSchema.or(RouteSeriesSchema),
            'text/csv': CsvSchema,
          }),
          ...analysisProblems,
        },
      },
    },
    async (request, reply) => {
      const { query } = request
      const { at, knownAt } = queryInstants(query)
      const series = range({ start: query.start, end: query.end, at: query.at })
      if (series) {
        return analyse(
          request,
          reply,
          { datasetId: query.dataset, knownAt },
          { analysis: 'route-series', args: [series, query.feature, query.owner] },
          formatOf(request, query.f, 'route-series-csv'),
        )
      }
      return analyse(
        request,
        reply,
        { datasetId: query.dataset, knownAt },
        { analysis: 'route', args: [at, query.feature, query.owner] },
        formatOf(request, query.f, 'route-csv'),
      )
    },
  )

  routes.get(
    '/analysis/changes',
    {
      schema: {
        tags: ['analysis'],
        summary: 'What changed hands between two dates, and who took it from whom',
        description:
          'Per actor, per side and for contested ground: km² held at each date, gained and lost (a holder’s overlapping areas counted ' +
          'once); the from→to matrix (transfers by actor, sideTransfers by side: km² that passed from each actor, contested or unmapped ' +
          'ground to each other, with the reference features that moved in each cell); the gained and lost polygons as GeoJSON ' +
          '(polygons=false leaves them out); and every reference feature whose holder changed. CSV (f=csv or Accept: text/csv): ' +
          'table=summary (default; level,id,side,startKm2,endKm2,gainedKm2,lostKm2,netKm2), table=transfers (level,from,fromSide,to,' +
          'toSide,areaKm2,features) or table=features (id,name,kind,from.actor,from.side,from.status,to.actor,to.side,to.status). ' +
          'Example: start=2024-11-26&end=2024-11-28&polygons=false.',
        querystring: ChangesQuerySchema,
        response: {
          200: contentResponse('the changes; JSON, or one of its tables as CSV', { 'application/json': ChangesSchema, 'text/csv': CsvSchema }),
          ...analysisProblems,
        },
      },
    },
    async (request, reply) => {
      const { query } = request
      const knownAt = query.known_at ? parseInstant(query.known_at, 'end-of-day') : undefined
      const span = range(query)!
      const format = formatOf(request, query.f, `changes-${query.table}-csv`)
      // A table has no polygons: every CSV is made from one answer without them.
      const polygons = format.render === 'json' && query.polygons
      return analyse(request, reply, { datasetId: query.dataset, knownAt }, { analysis: 'changes', args: [span, polygons] }, format)
    },
  )

  routes.get(
    '/analysis/area',
    {
      schema: {
        tags: ['analysis'],
        summary: 'Area over time: km² held per actor and per side at each step, with gains and losses',
        description:
          'At each step from start to end (bare dates: the ends of those days) by step (ISO 8601: P1D default, P1W, P1M, P1Y, PT6H…): ' +
          'km² held per actor and per side (a holder’s overlapping areas counted once; a side is the union of its actors), contested km², ' +
          'and the km² gained and lost since the step before (by overlay, not by subtracting areas). It reads the timeline: a step where ' +
          'the map did not change costs nothing, so years of daily steps are one request (at most MAX_AREA_STEPS steps, 40,000 by default). ' +
          'CSV (f=csv or Accept: text/csv): long form, one row per step and holder, at,level,id,side,areaKm2,gainedKm2,lostKm2,netKm2 ' +
          'with level actor, side or contested. Example: start=2024-11-26&end=2024-12-08&step=P1D&f=csv.',
        querystring: AreaQuerySchema,
        response: {
          200: contentResponse('the series; JSON or CSV', { 'application/json': AreaSeriesSchema, 'text/csv': CsvSchema }),
          ...analysisProblems,
        },
      },
    },
    async (request, reply) => {
      const { query } = request
      const knownAt = query.known_at ? parseInstant(query.known_at, 'end-of-day') : undefined
      const span = range(query)!
      const list = (text: string | undefined) => (text === undefined ? undefined : [...new Set(text.split(','))].sort())
      return analyse(
        request,
        reply,
        { datasetId: query.dataset, knownAt },
        {
          analysis: 'area',
          args: [
            { ...span, step: stepOf(query.step) },
            { actors: list(query.actor), sides: list(query.side) },
          ],
        },
        formatOf(request, query.f, 'area-csv'),
      )
    },
  )
}
