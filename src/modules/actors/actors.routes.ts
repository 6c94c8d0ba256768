import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { problemResponses, SlugSchema } from '../common/schemas.js'
import { ActorInputSchema, ActorListSchema, ActorSchema } from './actors.schemas.js'
import * as actorsService from './actors.service.js'

const IdParams = z.object({ id: SlugSchema.describe('actor id, e.g. hts') })

export default async function actorsRoutes(app: FastifyInstance): Promise<void> {
  const routes = app.withTypeProvider<ZodTypeProvider>()

  routes.get(
    '/actors',
    { schema: { tags: ['actors'], summary: 'List actors with their sides', response: { 200: ActorListSchema } } },
    async () => ({ actors: await actorsService.listActors(app.db) }),
  )

  routes.get(
    '/actors/:id',
    { schema: { tags: ['actors'], summary: 'One actor', params: IdParams, response: { 200: ActorSchema, ...problemResponses(400, 404) } } },
    async (request) => actorsService.getActor(app.db, request.params.id),
  )

  routes.put(
    '/actors/:id',
    {
      onRequest: app.requireWriter,
      schema: {
        tags: ['actors'],
        summary: 'Create or update an actor (name, aliases, colour, side)',
        security: [{ bearer: [] }],
        params: IdParams,
        body: ActorInputSchema,
        response: { 200: ActorSchema, 201: ActorSchema, ...problemResponses(400, 401, 413, 415) },
      },
    },
    async (request, reply) => {
      const { actor, created } = await actorsService.putActor(app.db, request.params.id, request.body)
      return reply.status(created ? 201 : 200).send(actor)
    },
  )
}
