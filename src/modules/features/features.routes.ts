import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { Errors, withDetails } from '../../errors.js'
import { answeredAt, openView, sendBody } from '../../plugins/views.js'
import { toCsv } from '../common/csv.js'
import { tableFormat } from '../../plugins/formats.js'
import { CSV_CONTENT_TYPE, GEOJSON_CONTENT_TYPE } from '../common/media-types.js'
import { baseUrl, pageOf } from '../common/paging.js'
import { contentResponse, CsvSchema, geoJsonResponse, notModifiedResponses, problemResponses } from '../common/schemas.js'
import { parseInstant, queryInstants } from '../common/time.js'
import {
  FEATURE_COLUMNS,
  FeatureCollectionPageSchema,
  FeatureControlQuerySchema,
  FeatureControlSchema,
  FeatureDetailSchema,
  FeatureListQuerySchema,
  FeatureParamsSchema,
  FeatureQuerySchema,
  HISTORY_COLUMNS,
  historyRows,
  HOLDER_COLUMNS,
} from './features.schemas.js'
import * as featuresService from './features.service.js'

export default async function featuresRoutes(app: FastifyInstance): Promise<void> {
  const routes = app.withTypeProvider<ZodTypeProvider>()

  routes.get(
    '/features',
    {
      schema: {
        tags: ['features'],
        summary: 'Reference features, filtered by kind, bbox and text, paged by limit and offset',
        description:
          'In id order. As CSV without geometry (id, kind, name, ownerSide, geometry.type) for Accept: text/csv or f=csv. ' +
          'Example: dataset=aleppo-2024&kind=town,village&f=csv.',
        querystring: FeatureListQuerySchema,
        response: {
          200: contentResponse('a page of reference features: GeoJSON, or CSV without geometry for Accept: text/csv or f=csv', {
            'application/geo+json': FeatureCollectionPageSchema,
            'text/csv': CsvSchema,
          }),
          ...notModifiedResponses(),
          ...problemResponses(400, 404, 406),
        },
      },
    },
    async (request, reply) => {
      const { query } = request
      const format = tableFormat(request, query.f, GEOJSON_CONTENT_TYPE)
      const knownAt = query.known_at ? parseInstant(query.known_at, 'end-of-day') : undefined
      const view = await openView(request, reply, query.dataset, knownAt)
      if (!view) return reply
      const filter = [query.kind ?? null, query.bbox ?? null, query.q ?? null, query.limit, query.offset]
      if (format === 'csv') {
        const { view: answered, body } = await app.readModel.body(view, 'features-csv', filter, async (current) =>
          toCsv(FEATURE_COLUMNS, (await featuresService.listFeatures(current, query)).features),
        )
        return sendBody(request, reply, answered, body, CSV_CONTENT_TYPE)
      }
      // The links are absolute and keep every parameter: the scheme, host and URL the client used are part of the bytes.
      const { view: answered, value } = await app.readModel.answer(view, 'features', [baseUrl(request), request.url], async (current) => {
        const { matched, features, coverage, notes } = await featuresService.listFeatures(current, query)
        const page = pageOf(request, { limit: query.limit, offset: query.offset, matched }, features.length, GEOJSON_CONTENT_TYPE)
        return { type: 'FeatureCollection' as const, dataset: current.datasetId, ...page, coverage, notes, features }
      })
      return answeredAt(request, reply, answered, value, GEOJSON_CONTENT_TYPE)
    },
  )

  routes.get(
    '/features/:id',
    {
      schema: {
        tags: ['features'],
        summary: 'One reference feature',
        params: FeatureParamsSchema,
        querystring: FeatureQuerySchema,
        response: { 200: geoJsonResponse(FeatureDetailSchema), ...notModifiedResponses(), ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => {
      const knownAt = request.query.known_at ? parseInstant(request.query.known_at, 'end-of-day') : undefined
      const view = await openView(request, reply, request.query.dataset, knownAt)
      if (!view) return reply
      const { view: answered, value } = await app.readModel.answer(view, 'feature', [request.params.id], (current) =>
        featuresService.getFeature(current, request.params.id),
      )
      return answeredAt(request, reply, answered, value, GEOJSON_CONTENT_TYPE)
    },
  )

  routes.get(
    '/features/:id/control',
    {
      schema: {
        tags: ['features'],
        summary: 'Who held a feature at a date, or the history of its holders between start and end',
        description:
          "Points are held by the area that contains them (with since/until); lines and polygons report each holder's share " +
          '(km of line, km² of polygon) and `holder` is whoever holds more than half (where several do, as in overlapping areas, ' +
          '`holderRule` says which rule picked it). A bare date in at, start or end means the ' +
          'end of that day. Notes say when the date is outside the coverage, when the feature is inside no area, and when a since ' +
          "(or a history entry's from) is the dataset's first instant, a lower bound. As CSV for Accept: text/csv or f=csv: " +
          'the holders at `at`, one a row, or the history, one row per entry and holder (holders.actor, holders.share…).',
        params: FeatureParamsSchema,
        querystring: FeatureControlQuerySchema,
        response: {
          200: contentResponse('the holders at `at`, or the history over [start, end] (as CSV for Accept: text/csv or f=csv)', {
            'application/json': FeatureControlSchema,
            'text/csv': CsvSchema,
          }),
          ...notModifiedResponses(),
          ...problemResponses(400, 404, 406),
        },
      },
    },
    async (request, reply) => {
      const { query } = request
      if (query.at !== undefined && (query.start !== undefined || query.end !== undefined))
        // A parameter that would be ignored is refused: a client that sent it meant something else.
        throw withDetails(new Errors.INVALID_REQUEST('at is for one date, start and end for a history: give one or the other'), [
          { path: '/query/at', code: 'INVALID_REQUEST', reason: 'at together with start and end' },
        ])
      if ((query.start === undefined) !== (query.end === undefined)) {
        throw new Errors.INVALID_DATE('start and end go together: give both for a history, or neither')
      }
      const format = tableFormat(request, query.f)
      const { at, knownAt } = queryInstants(query)
      const start = query.start ? parseInstant(query.start, 'end-of-day') : undefined
      const end = query.end ? parseInstant(query.end, 'end-of-day') : undefined
      if (start && end && start > end) throw new Errors.INVALID_DATE(`start (${start.toISOString()}) is after end (${end.toISOString()})`)
      const view = await openView(request, reply, query.dataset, knownAt)
      if (!view) return reply
      const parts = [request.params.id, start ? null : at.toISOString(), start?.toISOString() ?? null, end?.toISOString() ?? null]
      const control = (current: typeof view) => featuresService.getFeatureControl(current, { featureId: request.params.id, at, start, end })
      if (format === 'csv') {
        const { view: answered, body } = await app.readModel.body(view, 'feature-control-csv', parts, async (current) => {
          const answer = await control(current)
          return answer.history ? toCsv(HISTORY_COLUMNS, historyRows(answer.history)) : toCsv(HOLDER_COLUMNS, answer.holders ?? [])
        })
        return sendBody(request, reply, answered, body, CSV_CONTENT_TYPE)
      }
      const { view: answered, value } = await app.readModel.answer(view, 'feature-control', parts, control)
      return answeredAt(request, reply, answered, value)
    },
  )
}
