import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { CachedBody, conditional, sendCachedBody } from '../../plugins/caching.js'
import { GeoJsonFeatureCollectionSchema, parseBbox, problemResponses, splitCsv } from '../common/schemas.js'
import { queryInstants } from '../common/time.js'
import { getRevision } from '../datasets/datasets.service.js'
import { ControlQuerySchema, PointControlSchema, PointQuerySchema } from './control.schemas.js'
import * as controlService from './control.service.js'

export const GEOJSON_CONTENT_TYPE = 'application/geo+json'

export default async function controlRoutes(app: FastifyInstance): Promise<void> {
  const routes = app.withTypeProvider<ZodTypeProvider>()

  routes.get(
    '/control',
    {
      schema: {
        tags: ['control'],
        summary: 'The control map at a date',
        description:
          'Every area held at `at` as application/geo+json: each feature carries actor, side, status (controlled/contested), ' +
          'validFrom, validTo, areaKm2 and source. `bbox` keeps areas whose shape meets the box; `actor` and `side` filter holders.',
        querystring: ControlQuerySchema,
        response: { 200: GeoJsonFeatureCollectionSchema, ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => {
      const { at, knownAt } = queryInstants(request.query)
      const datasetId = request.query.dataset
      const revision = await app.revisions.get(datasetId, () => getRevision(app.db, datasetId))
      if (conditional(request, reply, datasetId, revision)) return reply
      const key = `control:${datasetId}:${revision}:${at.toISOString()}:${knownAt?.toISOString()}:${request.query.bbox}:${request.query.actor}:${request.query.side}`
      const body = await app.cache.getOrSet(key, async () => {
        const map = await controlService.getControlMap(app.db, {
          datasetId,
          at,
          knownAt,
          bbox: request.query.bbox ? parseBbox(request.query.bbox) : undefined,
          actorIds: splitCsv(request.query.actor),
          sides: splitCsv(request.query.side),
        })
        return new CachedBody(map.body)
      })
      // Already serialised (and compressed) once for this revision: no response schema on the way out.
      return sendCachedBody(request, reply, body, GEOJSON_CONTENT_TYPE)
    },
  )

  routes.get(
    '/control/point',
    {
      schema: {
        tags: ['control'],
        summary: 'Who holds a point at a date, since when and until when',
        querystring: PointQuerySchema,
        response: { 200: PointControlSchema, ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => {
      const { at, knownAt } = queryInstants(request.query)
      const answer = await controlService.getPointControl(app.db, app.cache, {
        datasetId: request.query.dataset,
        point: [request.query.lon, request.query.lat],
        at,
        knownAt,
      })
      if (conditional(request, reply, request.query.dataset, answer.revision)) return reply
      return answer
    },
  )
}
