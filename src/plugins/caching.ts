import { createHash } from 'node:crypto'
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'

/**
 * A least-recently-used map bounded by entry count and by an estimate of the bytes it holds. Keys
 * always carry the dataset revision, so entries are never stale, only unused: an import bumps the
 * revision and the old entries age out.
 */
export class LruCache<V = unknown> {
  readonly #entries = new Map<string, { value: V; bytes: number }>()
  #bytes = 0
  hits = 0
  misses = 0
  constructor(
    readonly maxEntries: number,
    readonly maxBytes = Number.POSITIVE_INFINITY,
  ) {}

  get(key: string): V | undefined {
    const entry = this.#entries.get(key)
    if (entry === undefined) {
      this.misses++
      return undefined
    }
    this.hits++
    this.#entries.delete(key)
    this.#entries.set(key, entry)
    return entry.value
  }

  /** Stores a value; `bytes` is its estimated size (an entry larger than a quarter of the bound is not kept). */
  set(key: string, value: V, bytes = estimateBytes(value)): void {
    this.#delete(key)
    if (bytes > this.maxBytes / 4) return
    this.#entries.set(key, { value, bytes })
    this.#bytes += bytes
    while (this.#entries.size > this.maxEntries || this.#bytes > this.maxBytes) {
      this.#delete(this.#entries.keys().next().value as string)
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

  #delete(key: string): void {
    const entry = this.#entries.get(key)
    if (!entry) return
    this.#entries.delete(key)
    this.#bytes -= entry.bytes
  }

  get size(): number {
    return this.#entries.size
  }

  get bytes(): number {
    return this.#bytes
  }

  clear(): void {
    this.#entries.clear()
    this.#bytes = 0
  }
}

/**
 * A rough size of a cached value: bodies by their text, typed arrays by their buffers, anything
 * else by walking it (bounded). Good to a factor of two, which is all a memory bound needs.
 */
export function estimateBytes(value: unknown): number {
  let bytes = 0
  let visited = 0
  const stack: unknown[] = [value]
  while (stack.length > 0 && visited < 2_000_000) {
    const item = stack.pop()
    visited++
    if (item instanceof CachedBody) bytes += item.bytes
    else if (typeof item === 'string') bytes += 2 * item.length + 16
    else if (typeof item === 'number' || typeof item === 'boolean' || item === null || item === undefined) bytes += 8
    else if (ArrayBuffer.isView(item)) bytes += item.byteLength
    else if (Array.isArray(item)) {
      bytes += 16 + 8 * item.length
      for (const element of item) if (typeof element === 'object' && element !== null) stack.push(element)
      else bytes += 8
    } else if (typeof item === 'object') {
      bytes += 32
      for (const member of Object.values(item as Record<string, unknown>)) stack.push(member)
    }
  }
  return bytes
}

/**
 * A response body kept in the cache with its compressed forms, each made once on first demand:
 * compressing a 3 MB map on every request would cost more than answering it.
 */
export class CachedBody {
  /** UTF-8 bytes, encoded once: sending a JS string re-encodes megabytes on every response. */
  readonly raw: Buffer
  #gzip?: Buffer
  #br?: Buffer
  constructor(text: string) {
    this.raw = Buffer.from(text)
  }

  /** The bytes plus the compressed forms it may grow (about a fifth of it each). */
  get bytes(): number {
    return Math.ceil(this.raw.length * 1.5)
  }

  get text(): string {
    return this.raw.toString()
  }

  encoded(encoding: 'br' | 'gzip'): Buffer {
    if (encoding === 'br') {
      // quality 5: most of brotli's gain at a small part of the cost of its default 11
      this.#br ??= brotliCompressSync(this.raw, { params: { [zlib.BROTLI_PARAM_QUALITY]: 5 } })
      return this.#br
    }
    this.#gzip ??= gzipSync(this.raw)
    return this.#gzip
  }
}

/** Sends a cached body, already compressed when the client accepts br or gzip and it is worth it. */
export function sendCachedBody(request: FastifyRequest, reply: FastifyReply, body: CachedBody, contentType: string): FastifyReply {
  reply.type(contentType).header('Vary', 'Accept-Encoding')
  const accepted = request.headers['accept-encoding'] ?? ''
  const encoding = body.raw.length < 2048 ? undefined : /\bbr\b/.test(accepted) ? 'br' : /\bgzip\b/.test(accepted) ? 'gzip' : undefined
  if (!encoding) return reply.send(body.raw)
  return reply.header('Content-Encoding', encoding).send(body.encoded(encoding))
}

/**
 * Dataset revisions as last read, for at most `ttlMs`: every read needs the revision for its ETag
 * and cache keys, and a query per request would dominate repeated reads. Writes through this
 * process clear it at once; writes through another process are seen within `ttlMs`.
 */
export class RevisionCache {
  readonly #entries = new Map<string, { revision: number; readAt: number }>()
  constructor(readonly ttlMs: number) {}

  async get(datasetId: string, load: () => Promise<number>): Promise<number> {
    const entry = this.#entries.get(datasetId)
    if (entry && Date.now() - entry.readAt < this.ttlMs) return entry.revision
    const revision = await load()
    this.#entries.set(datasetId, { revision, readAt: Date.now() })
    return revision
  }

  clear(): void {
    this.#entries.clear()
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    cache: LruCache
    revisions: RevisionCache
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

async function cachingPlugin(app: FastifyInstance, options: { maxEntries: number; maxBytes: number; revisionTtlMs: number }): Promise<void> {
  app.decorate('cache', new LruCache(options.maxEntries, options.maxBytes))
  app.decorate('revisions', new RevisionCache(options.revisionTtlMs))
  // Any write may change a revision (an actor's change touches every dataset): forget them all
  // before the write's answer goes out, so a client reading after its own write sees it.
  app.addHook('onSend', async (request, _reply, payload) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') app.revisions.clear()
    return payload
  })
}

export default fp(cachingPlugin, { name: 'caching' })
