import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { WorkPool } from '../work/pool.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The worker pool that runs analyses and geometry validation off the thread that answers requests. */
    work: WorkPool
  }
}

/**
 * A worker keeps prepared territories and parsed shapes, few and large, where the thread that
 * answers keeps many small things (point answers, shapes indexed for points). With CACHE_ENTRIES
 * raised to 5,000 for those, workers held to their byte share alone took the PostgreSQL-mode process
 * to 803 MiB after the scale benchmark's load runs (406 before); 500 each is what they had.
 */
const WORKER_CACHE_ENTRIES = 500

async function workPlugin(app: FastifyInstance, options: { workers: number }): Promise<void> {
  const { config } = app
  const pool = new WorkPool({
    workers: options.workers,
    maxPending: config.MAX_CONCURRENT_ANALYSES,
    perClient: config.ANALYSIS_PER_CLIENT,
    // Each worker keeps the shapes and territories it prepared: a share of the cache each, and at most WORKER_CACHE_ENTRIES.
    cacheEntries: Math.min(config.CACHE_ENTRIES, WORKER_CACHE_ENTRIES),
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
