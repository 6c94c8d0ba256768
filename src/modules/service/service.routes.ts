import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { problemResponses } from '../common/schemas.js'
import { checkReadiness } from './service.service.js'

export default async function serviceRoutes(app: FastifyInstance): Promise<void> {
  const routes = app.withTypeProvider<ZodTypeProvider>()

  routes.get(
    '/health',
    { schema: { tags: ['service'], summary: 'Liveness: the process answers', response: { 200: z.object({ status: z.literal('ok') }) } } },
    async () => ({ status: 'ok' as const }),
  )

  routes.get(
    '/ready',
    {
      schema: {
        tags: ['service'],
        summary: 'Readiness: the database answers and every migration is applied',
        response: {
          200: z.object({
            status: z.literal('ready'),
            engine: z.enum(['pglite', 'postgres']),
            cache: z
              .object({
                entries: z.number().int(),
                bytes: z.number().int().describe('estimated'),
                maxEntries: z.number().int(),
                maxBytes: z.number(),
                hits: z.number().int(),
                misses: z.number().int(),
                dropped: z.number().int().describe('entries dropped because a newer revision made them stale'),
              })
              .describe('the read model cache of this process'),
            work: z
              .object({
                workers: z.number().int().describe('threads started (none until the first analysis of an app that is not listening)'),
                running: z.number().int(),
                waiting: z.number().int().describe('tasks waiting for a thread'),
                completed: z.number().int(),
                terminated: z.number().int().describe('tasks cancelled at their time budget by terminating their thread'),
              })
              .describe('the worker pool that runs analyses and geometry validation'),
          }),
          ...problemResponses(503),
        },
      },
    },
    async () => {
      await checkReadiness(app.db)
      return { status: 'ready' as const, engine: app.database.engine, cache: app.readModel.report(), work: app.work.report() }
    },
  )
}
