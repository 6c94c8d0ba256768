import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { Errors } from '../../errors.js'
import { answeredAt, notModified } from '../../plugins/views.js'
import { GEOJSON_CONTENT_TYPE } from '../common/media-types.js'
import { geoJsonResponse, notModifiedResponses, problemResponses } from '../common/schemas.js'
import { parseInstant, queryInstants } from '../common/time.js'
import {
  FeatureCollectionPageSchema,
  FeatureControlQuerySchema,
  FeatureControlSchema,
  FeatureListQuerySchema,
  FeatureParamsSchema,
  FeatureQuerySchema,
  GeoJsonFeatureSchema,
} from './features.schemas.js'
import * as featuresService from './features.service.js'

export default async function featuresRoutes(app: FastifyInstance): Promise<void> {
  const routes = app.withTypeProvider<ZodTypeProvider>()

  routes.get(
    '/features',
    {
      schema: {
        tags: ['features'],
        summary: 'Reference features, filtered by kind, bbox and text, paged by id',
        querystring: FeatureListQuerySchema,
        response: { 200: geoJsonResponse(FeatureCollectionPageSchema), ...notModifiedResponses(), ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => {
      const knownAt = request.query.known_at ? parseInstant(request.query.known_at, 'end-of-day') : undefined
      const view = await app.readModel.open(request.query.dataset, knownAt)
      if (notModified(request, reply, view)) return reply
      const { query } = request
      const { view: answered, value } = await app.readModel.answer(view, 'features', [request.url], async (current) => {
        const { matched, features, nextAfter } = await featuresService.listFeatures(current, query)
        const links = [{ rel: 'self', href: request.url, type: GEOJSON_CONTENT_TYPE }]
        if (nextAfter) {
          const params = new URLSearchParams(
            Object.entries(query)
              .filter(([, v]) => v !== undefined)
              .map(([k, v]) => [k, String(v)]),
          )
          params.set('after', nextAfter)
          links.push({ rel: 'next', href: `/v1/features?${params}`, type: GEOJSON_CONTENT_TYPE })
        }
        return { type: 'FeatureCollection' as const, dataset: current.datasetId, numberMatched: matched, numberReturned: features.length, links, features }
      })
      reply.type(GEOJSON_CONTENT_TYPE)
      return answeredAt(request, reply, answered, value)
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
        response: { 200: geoJsonResponse(GeoJsonFeatureSchema), ...notModifiedResponses(), ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => {
      const knownAt = request.query.known_at ? parseInstant(request.query.known_at, 'end-of-day') : undefined
      const view = await app.readModel.open(request.query.dataset, knownAt)
      if (notModified(request, reply, view)) return reply
      const { view: answered, value } = await app.readModel.answer(view, 'feature', [request.params.id], (current) =>
        featuresService.getFeature(current, request.params.id),
      )
      reply.type(GEOJSON_CONTENT_TYPE)
      return answeredAt(request, reply, answered, value)
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
          '(km of line, km² of polygon) and `holder` is whoever holds more than half.',
        params: FeatureParamsSchema,
        querystring: FeatureControlQuerySchema,
        response: { 200: FeatureControlSchema, ...notModifiedResponses(), ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => {
      const { query } = request
      if ((query.start === undefined) !== (query.end === undefined)) {
        throw new Errors.INVALID_DATE('start and end go together: give both for a history, or neither')
      }
      const { at, knownAt } = queryInstants(query)
      const start = query.start ? parseInstant(query.start, 'start-of-day') : undefined
      const end = query.end ? parseInstant(query.end, 'end-of-day') : undefined
      if (start && end && start > end) throw new Errors.INVALID_DATE(`start (${start.toISOString()}) is after end (${end.toISOString()})`)
      const view = await app.readModel.open(query.dataset, knownAt)
      if (notModified(request, reply, view)) return reply
      const parts = [request.params.id, start ? null : at.toISOString(), start?.toISOString() ?? null, end?.toISOString() ?? null]
      const { view: answered, value } = await app.readModel.answer(view, 'feature-control', parts, (current) =>
        featuresService.getFeatureControl(current, { featureId: request.params.id, at, start, end }),
      )
      return answeredAt(request, reply, answered, value)
    },
  )
}
