import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { WorkPool } from '../work/pool.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The worker pool that runs analyses and geometry validation off the thread that answers requests. */
    work: WorkPool
  }
}

async function workPlugin(app: FastifyInstance, options: { workers: number }): Promise<void> {
  const { config } = app
  const pool = new WorkPool({
    workers: options.workers,
    maxPending: config.MAX_CONCURRENT_ANALYSES,
    perClient: config.ANALYSIS_PER_CLIENT,
    // Each worker keeps the shapes and territories it prepared: a share of the cache each.
    cacheEntries: config.CACHE_ENTRIES,
    cacheBytes: Math.floor((config.CACHE_MAX_MB * 1024 * 1024) / options.workers),
  })
  app.decorate('work', pool)
  // A listening server starts its threads at once; an app only injected into starts them when asked. A server closed
  // while they start (a SIGTERM right after start) terminates them: that is no failure to report.
  let closing = false
  app.addHook(
    'onListen',
    async () =>
      void pool.warm().catch((error: unknown) => {
        if (!closing) app.log.error({ err: error }, 'the worker pool did not start')
      }),
  )
  app.addHook('onClose', async () => {
    closing = true
    await pool.close()
  })
}

export default fp(workPlugin, { name: 'work' })
