import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { answeredAt, notModified, sendBody } from '../../plugins/views.js'
import { ControlMapSchema, geoJsonResponse, notModifiedResponses, parseBbox, problemResponses, splitCsv } from '../common/schemas.js'
import { GEOJSON_CONTENT_TYPE } from '../common/media-types.js'
import { queryInstants } from '../common/time.js'
import { ControlQuerySchema, PointControlSchema, PointQuerySchema } from './control.schemas.js'
import * as controlService from './control.service.js'

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
        response: { 200: geoJsonResponse(ControlMapSchema), ...notModifiedResponses(), ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => {
      const { at, knownAt } = queryInstants(request.query)
      const view = await app.readModel.open(request.query.dataset, knownAt)
      if (notModified(request, reply, view)) return reply
      const query = {
        at,
        bbox: request.query.bbox ? parseBbox(request.query.bbox) : undefined,
        actorIds: splitCsv(request.query.actor),
        sides: splitCsv(request.query.side),
      }
      const { view: answered, body } = await app.readModel.body(
        view,
        'control',
        [at.toISOString(), query.bbox ?? null, query.actorIds ?? null, query.sides ?? null],
        (current) => controlService.renderControlMap(current, query),
      )
      // Already serialised (and compressed) once for this view: no response schema on the way out.
      return sendBody(request, reply, answered, body, GEOJSON_CONTENT_TYPE)
    },
  )

  routes.get(
    '/control/point',
    {
      schema: {
        tags: ['control'],
        summary: 'Who holds a point at a date, since when and until when',
        querystring: PointQuerySchema,
        response: { 200: PointControlSchema, ...notModifiedResponses(), ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => {
      const { at, knownAt } = queryInstants(request.query)
      const view = await app.readModel.open(request.query.dataset, knownAt)
      if (notModified(request, reply, view)) return reply
      const point = [request.query.lon, request.query.lat]
      const { view: answered, value } = await app.readModel.answer(view, 'point', [point, at.toISOString()], (current) =>
        controlService.getPointControl(current, { point, at }),
      )
      return answeredAt(request, reply, answered, value)
    },
  )
}
