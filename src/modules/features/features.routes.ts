import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { conditional } from '../../plugins/caching.js'
import { problemResponses } from '../common/schemas.js'
import { parseInstant, queryInstants } from '../common/time.js'
import { GEOJSON_CONTENT_TYPE } from '../control/control.routes.js'
import { Errors } from '../../errors.js'
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
        response: { 200: FeatureCollectionPageSchema, ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => {
      const { revision, matched, features } = await featuresService.listFeatures(app.db, request.query)
      if (conditional(request, reply, request.query.dataset, revision)) return reply
      const links = [{ rel: 'self', href: request.url, type: GEOJSON_CONTENT_TYPE }]
      const last = features.at(-1)
      if (features.length === request.query.limit && last) {
        const params = new URLSearchParams(Object.entries(request.query).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]))
        params.set('after', last.id)
        links.push({ rel: 'next', href: `/v1/features?${params}`, type: GEOJSON_CONTENT_TYPE })
      }
      reply.type(GEOJSON_CONTENT_TYPE)
      return {
        type: 'FeatureCollection' as const,
        dataset: request.query.dataset,
        numberMatched: matched,
        numberReturned: features.length,
        links,
        features: features.map(featuresService.toGeoJsonFeature),
      }
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
        response: { 200: GeoJsonFeatureSchema, ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => {
      const knownAt = request.query.known_at ? parseInstant(request.query.known_at, 'end-of-day') : undefined
      const feature = await featuresService.getFeature(app.db, request.query.dataset, request.params.id, knownAt)
      reply.type(GEOJSON_CONTENT_TYPE)
      return featuresService.toGeoJsonFeature(feature)
    },
  )

  routes.get(
    '/features/:id/control',
    {
      schema: {
        tags: ['features'],
        summary: 'Who held a feature at a date, or the history of its holders between start and end',
        description:
          'Points are held by the area that contains them (with since/until); lines and polygons report each holder\'s share ' +
          '(km of line, km² of polygon) and `holder` is whoever holds more than half.',
        params: FeatureParamsSchema,
        querystring: FeatureControlQuerySchema,
        response: { 200: FeatureControlSchema, ...problemResponses(400, 404) },
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
      const answer = await featuresService.getFeatureControl(app.db, app.cache, { datasetId: query.dataset, featureId: request.params.id, knownAt, at, start, end })
      if (conditional(request, reply, query.dataset, answer.revision)) return reply
      return answer
    },
  )
}
