import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { conditional } from '../../plugins/caching.js'
import { DatasetParamSchema, KnownAtParamSchema, problemResponses } from '../common/schemas.js'
import { parseInstant } from '../common/time.js'
import { DatasetInputSchema, DatasetListSchema, DatasetSchema, TimelineSchema } from './datasets.schemas.js'
import * as datasetsService from './datasets.service.js'

const IdParams = z.object({ id: DatasetParamSchema })

export default async function datasetsRoutes(app: FastifyInstance): Promise<void> {
  const routes = app.withTypeProvider<ZodTypeProvider>()

  routes.get(
    '/datasets',
    { schema: { tags: ['datasets'], summary: 'List datasets', response: { 200: DatasetListSchema } } },
    async () => ({ datasets: await datasetsService.listDatasets(app.db) }),
  )

  routes.get(
    '/datasets/:id',
    { schema: { tags: ['datasets'], summary: 'One dataset', params: IdParams, response: { 200: DatasetSchema, ...problemResponses(400, 404) } } },
    async (request) => datasetsService.getDataset(app.db, request.params.id),
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
        response: { 200: DatasetSchema, 201: DatasetSchema, ...problemResponses(400, 401, 413, 415) },
      },
    },
    async (request, reply) => {
      const { dataset, created } = await datasetsService.putDataset(app.db, request.params.id, request.body)
      return reply.status(created ? 201 : 200).send(dataset)
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
        response: { 200: TimelineSchema, ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => {
      const knownAt = request.query.known_at ? parseInstant(request.query.known_at, 'end-of-day') : undefined
      const { revision, instants } = await datasetsService.getTimeline(app.db, request.params.id, knownAt)
      if (conditional(request, reply, request.params.id, revision)) return reply
      const iso = instants.map((instant) => instant.toISOString())
      return { dataset: request.params.id, revision, knownAt: knownAt?.toISOString() ?? null, instants: iso, first: iso[0] ?? null, last: iso.at(-1) ?? null }
    },
  )
}
