import { createHash } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'

/**
 * A size-bounded least-recently-used map. Keys always carry the dataset revision, so entries are
 * never stale, only unused: an import bumps the revision and the old entries age out.
 */
export class LruCache<V = unknown> {
  readonly #entries = new Map<string, V>()
  hits = 0
  misses = 0
  constructor(readonly maxEntries: number) {}

  get(key: string): V | undefined {
    const value = this.#entries.get(key)
    if (value === undefined) {
      this.misses++
      return undefined
    }
    this.hits++
    this.#entries.delete(key)
    this.#entries.set(key, value)
    return value
  }

  set(key: string, value: V): void {
    this.#entries.delete(key)
    this.#entries.set(key, value)
    while (this.#entries.size > this.maxEntries) {
      const oldest = this.#entries.keys().next().value as string
      this.#entries.delete(oldest)
    }
  }

  /** The cached value, or the one `produce` makes (stored unless it throws). */
  async getOrSet<T extends V>(key: string, produce: () => Promise<T> | T): Promise<T> {
    const cached = this.get(key)
    if (cached !== undefined) return cached as T
    const value = await produce()
    this.set(key, value)
    return value
  }

  get size(): number {
    return this.#entries.size
  }

  clear(): void {
    this.#entries.clear()
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    cache: LruCache
  }
}

/**
 * Sets a strong ETag built from the dataset revision and the request's path and query, and answers
 * 304 when the client already has it. Returns true when the reply was sent.
 */
export function conditional(request: FastifyRequest, reply: FastifyReply, dataset: string, revision: number): boolean {
  const hash = createHash('sha256').update(request.url).update(request.headers.accept ?? '').digest('base64url').slice(0, 16)
  const etag = `"${dataset}.r${revision}.${hash}"`
  reply.header('ETag', etag)
  reply.header('Cache-Control', 'public, max-age=0, must-revalidate')
  reply.header('X-Dataset-Revision', String(revision))
  const ifNoneMatch = request.headers['if-none-match']
  if (ifNoneMatch && ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)) {
    reply.status(304).send()
    return true
  }
  return false
}

async function cachingPlugin(app: FastifyInstance, options: { maxEntries: number }): Promise<void> {
  app.decorate('cache', new LruCache(options.maxEntries))
}

export default fp(cachingPlugin, { name: 'caching' })
