import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { answeredAt, notModified, sendBody } from '../../plugins/views.js'
import { toCsv } from '../common/csv.js'
import { tableFormat } from '../../plugins/formats.js'
import { CSV_CONTENT_TYPE } from '../common/media-types.js'
import { baseUrl, pageOf } from '../common/paging.js'
import { contentResponse, CsvSchema, notModifiedResponses, problemResponses } from '../common/schemas.js'
import {
  ACTOR_COLUMNS,
  ActorDeletedSchema,
  ActorDetailSchema,
  ActorInputSchema,
  ActorListQuerySchema,
  ActorListSchema,
  ActorParamsSchema,
  ActorSchema,
  DatasetActorsParamsSchema,
} from './actors.schemas.js'
import * as actorsService from './actors.service.js'

export default async function actorsRoutes(app: FastifyInstance): Promise<void> {
  const routes = app.withTypeProvider<ZodTypeProvider>()

  routes.get(
    '/datasets/:id/actors',
    {
      schema: {
        tags: ['actors'],
        summary: "A dataset's actors with their sides",
        description: 'In id order, paged by limit and offset (the default page holds them all in practice); as CSV for Accept: text/csv or f=csv.',
        params: DatasetActorsParamsSchema,
        querystring: ActorListQuerySchema,
        response: {
          200: contentResponse('a page of actors (as CSV for Accept: text/csv or f=csv)', { 'application/json': ActorListSchema, 'text/csv': CsvSchema }),
          ...notModifiedResponses(),
          ...problemResponses(400, 404, 406),
        },
      },
    },
    async (request, reply) => {
      const { limit, offset, f } = request.query
      const format = tableFormat(request, f)
      const view = await app.readModel.open(request.params.id)
      if (notModified(request, reply, view)) return reply
      if (format === 'csv') {
        const { view: answered, body } = await app.readModel.body(view, 'actors-csv', [limit, offset], async (current) =>
          toCsv(ACTOR_COLUMNS, (await actorsService.listActors(current, { limit, offset })).actors),
        )
        return sendBody(request, reply, answered, body, CSV_CONTENT_TYPE)
      }
      // The links are absolute: the scheme and host the client used are part of the bytes.
      const { view: answered, value } = await app.readModel.answer(view, 'actors', [baseUrl(request), request.url], async (current) => {
        const list = await actorsService.listActors(current, { limit, offset })
        return { ...list, ...pageOf(request, { limit, offset, matched: list.numberMatched }, list.actors.length, 'application/json') }
      })
      return answeredAt(request, reply, answered, value)
    },
  )

  routes.get(
    '/datasets/:id/actors/:actor',
    {
      schema: {
        tags: ['actors'],
        summary: "One of a dataset's actors",
        params: ActorParamsSchema,
        response: { 200: ActorDetailSchema, ...notModifiedResponses(), ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => {
      const view = await app.readModel.open(request.params.id)
      if (notModified(request, reply, view)) return reply
      const { view: answered, value } = await app.readModel.answer(view, 'actor', [request.params.actor], (current) =>
        actorsService.getActor(current, request.params.actor),
      )
      return answeredAt(request, reply, answered, value)
    },
  )

  routes.put(
    '/datasets/:id/actors/:actor',
    {
      onRequest: app.requireWriter,
      schema: {
        tags: ['actors'],
        summary: "Create or update one of a dataset's actors (name, aliases, colour, side)",
        description: "Only this dataset's actor changes: other datasets' actors of the same id, their answers, revisions and ETags are untouched.",
        security: [{ bearer: [] }],
        params: ActorParamsSchema,
        body: ActorInputSchema,
        response: { 200: ActorSchema, 201: ActorSchema, ...problemResponses(400, 401, 404, 413, 415, 429) },
      },
    },
    async (request, reply) => {
      const { actor, created, revision } = await actorsService.putActor(app.db, request.params.id, request.params.actor, request.body)
      app.readModel.revised(request.params.id, revision)
      return reply.status(created ? 201 : 200).send(actor)
    },
  )

  routes.delete(
    '/datasets/:id/actors/:actor',
    {
      onRequest: app.requireWriter,
      schema: {
        tags: ['actors'],
        summary: "Delete one of a dataset's actors",
        description:
          '409 ACTOR_IN_USE when areas of current knowledge are held by it, naming the imports that wrote them. An actor only ' +
          'superseded rows name is retired: hidden from lists and imports, still named by answers as known before.',
        security: [{ bearer: [] }],
        params: ActorParamsSchema,
        response: { 200: ActorDeletedSchema, ...problemResponses(400, 401, 404, 409, 429) },
      },
    },
    async (request) => {
      const { deleted, revision } = await actorsService.deleteActor(app.db, request.params.id, request.params.actor)
      app.readModel.revised(request.params.id, revision)
      return { dataset: request.params.id, actor: request.params.actor, deleted, revision }
    },
  )
}
