import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { answeredAt, notModified } from '../../plugins/views.js'
import { DatasetParamSchema, KnownAtParamSchema, notModifiedResponses, problemResponses } from '../common/schemas.js'
import { parseInstant } from '../common/time.js'
import { DatasetDeletedSchema, DatasetInputSchema, DatasetListSchema, DatasetSchema, TimelineSchema } from './datasets.schemas.js'
import * as datasetsService from './datasets.service.js'

const IdParams = z.object({ id: DatasetParamSchema })

export default async function datasetsRoutes(app: FastifyInstance): Promise<void> {
  const routes = app.withTypeProvider<ZodTypeProvider>()

  routes.get('/datasets', { schema: { tags: ['datasets'], summary: 'List datasets', response: { 200: DatasetListSchema } } }, async () => ({
    datasets: await datasetsService.listDatasets(app.db),
  }))

  routes.get(
    '/datasets/:id',
    {
      schema: {
        tags: ['datasets'],
        summary: 'One dataset',
        params: IdParams,
        response: { 200: DatasetSchema, ...notModifiedResponses(), ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => {
      const view = await app.readModel.open(request.params.id)
      if (notModified(request, reply, view)) return reply
      const { view: answered, value } = await app.readModel.answer(view, 'dataset', [], datasetsService.getDataset)
      return answeredAt(request, reply, answered, value)
    },
  )

  routes.put(
    '/datasets/:id',
    {
      onRequest: app.requireWriter,
      schema: {
        tags: ['datasets'],
        summary: 'Create or update a dataset',
        security: [{ bearer: [] }],
        params: IdParams,
        body: DatasetInputSchema,
        response: { 200: DatasetSchema, 201: DatasetSchema, ...problemResponses(400, 401, 413, 415, 429) },
      },
    },
    async (request, reply) => {
      const { dataset, created } = await datasetsService.putDataset(app.db, request.params.id, request.body)
      app.readModel.revised(dataset.id, dataset.revision)
      return reply.status(created ? 201 : 200).send(dataset)
    },
  )

  routes.delete(
    '/datasets/:id',
    {
      onRequest: app.requireWriter,
      schema: {
        tags: ['datasets'],
        summary: 'Delete a dataset and everything of it',
        description: 'Its areas, reference features, imports and actors, in one transaction; geometries no other dataset uses go with them.',
        security: [{ bearer: [] }],
        params: IdParams,
        response: { 200: DatasetDeletedSchema, ...problemResponses(400, 401, 404, 429) },
      },
    },
    async (request) => {
      const answer = await datasetsService.deleteDataset(app.db, request.params.id)
      app.readModel.revised(request.params.id, -1)
      return answer
    },
  )

  routes.get(
    '/datasets/:id/timeline',
    {
      schema: {
        tags: ['datasets'],
        summary: 'The instants at which the map changed, for date pickers',
        params: IdParams,
        querystring: z.object({ known_at: KnownAtParamSchema.optional() }),
        response: { 200: TimelineSchema, ...notModifiedResponses(), ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => {
      const knownAt = request.query.known_at ? parseInstant(request.query.known_at, 'end-of-day') : undefined
      const view = await app.readModel.open(request.params.id, knownAt)
      if (notModified(request, reply, view)) return reply
      const { view: answered, value } = await app.readModel.answer(view, 'timeline', [], datasetsService.getTimeline)
      return answeredAt(request, reply, answered, value)
    },
  )
}
