import { brotliCompressSync, crc32, deflateRawSync, constants as zlib, gzipSync } from 'node:zlib'

/**
 * A least-recently-used map bounded by entry count and by an estimate of the bytes it holds. The
 * read model keeps its one cache in it: entries derived from rows carry the dataset revision in
 * their key and are dropped when a newer revision is announced; entries derived from content
 * (shapes by geometry hash) are valid forever and only age out.
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

  /** Whether the key is held, without touching its recency or the hit counts. */
  has(key: string): boolean {
    return this.#entries.has(key)
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

  /** Drops every entry whose key `stale` accepts; returns how many. */
  deleteWhere(stale: (key: string) => boolean): number {
    let dropped = 0
    for (const key of [...this.#entries.keys()]) {
      if (!stale(key)) continue
      this.#delete(key)
      dropped++
    }
    return dropped
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

/** Arrays longer than this are measured by this many of their elements, evenly spaced, scaled up. */
const SAMPLED_FROM = 64

/**
 * A rough size of a cached value: bodies by their text, typed arrays by their buffers, anything
 * else by walking it (bounded), long arrays by a sample of their elements. Good to a factor of
 * two, which is all a memory bound needs: walked whole, a prepared territory of 20,000 vertices
 * cost 10 % of its route at a new date (bench/postgis-data.ts's bands).
 */
export function estimateBytes(value: unknown): number {
  let bytes = 0
  let visited = 0
  // Each item with the number of items like it that it stands for.
  const stack: [unknown, number][] = [[value, 1]]
  while (stack.length > 0 && visited < 2_000_000) {
    const [item, weight] = stack.pop()!
    visited++
    if (item instanceof CachedBody) bytes += weight * item.bytes
    else if (typeof item === 'string') bytes += weight * (2 * item.length + 16)
    else if (typeof item === 'number' || typeof item === 'boolean' || item === null || item === undefined) bytes += weight * 8
    else if (ArrayBuffer.isView(item)) bytes += weight * item.byteLength
    else if (Array.isArray(item)) {
      bytes += weight * (16 + 8 * item.length)
      const step = item.length > SAMPLED_FROM ? item.length / SAMPLED_FROM : 1
      const each = weight * step
      for (let i = 0; i < item.length; i += step) {
        const element: unknown = item[Math.floor(i)]
        if (typeof element === 'object' && element !== null) stack.push([element, each])
        else bytes += each * 8
      }
    } else if (typeof item === 'object') {
      bytes += weight * 32
      for (const member of Object.values(item as Record<string, unknown>)) stack.push([member, weight])
    }
  }
  return Math.round(bytes)
}

/** Bodies smaller than this are sent as they are: compressing them saves less than it costs. */
export const COMPRESS_FROM_BYTES = 2048
/** Bodies from a worker at least this large arrive compressed (CachedBody.renderedLazily). */
export const COMPRESS_ON_WORKER_FROM_BYTES = 256 * 1024
// The levels every compressed form is made at, first asked of a map at a new date. On a 540 KB map
// (bench/postgis-data.ts's bands) gzip level 6, zlib's default, took 18.6 ms for 142,002 bytes and
// level 4 takes 7.1 ms for 149,952 (5.6 % more); brotli quality 5 took 17.4 ms for 124,613 bytes and
// quality 4 takes 8.0 ms for 128,420 (3 % more). A new date's map answered 2.6× sooner is worth it.
const BROTLI_QUALITY = 4
const GZIP = { level: 4 }

/** A body's bytes and compressed forms as plain data, to cross from a worker thread. */
export interface RenderedBody {
  raw: Uint8Array
  br?: Uint8Array
  gzip?: Uint8Array
}

/** Bytes that crossed a thread arrive as a Uint8Array: the same memory, as a Buffer. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

/**
 * Bytes that many bodies share (a map's features, kept per validity interval while each instant
 * has its own head), with their piece of a gzip stream made once: raw DEFLATE blocks ending in a
 * sync flush, byte-aligned and not final, which may stand between other such pieces.
 */
export class SharedBodyPart {
  #deflated?: Buffer
  constructor(readonly raw: Buffer) {}

  get deflated(): Buffer {
    this.#deflated ??= deflateRawSync(this.raw, { ...GZIP, finishFlush: zlib.Z_SYNC_FLUSH })
    return this.#deflated
  }
}

// A gzip member's header (RFC 1952): magic, DEFLATE, no flags, no mtime, no extra flags, OS Unix (as zlib writes it).
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0x03])

/**
 * A response body kept in the cache with its compressed forms, each made once on first demand:
 * compressing a 3 MB map on every request would cost more than answering it.
 */
export class CachedBody {
  /** UTF-8 bytes, encoded once: sending a JS string re-encodes megabytes on every response. */
  readonly raw: Buffer
  #gzip?: Buffer
  #br?: Buffer
  #splice?: { head: Buffer; shared: SharedBodyPart }
  constructor(text: string | Uint8Array, encoded: { br?: Uint8Array; gzip?: Uint8Array } = {}) {
    this.raw = typeof text === 'string' ? Buffer.from(text) : asBuffer(text)
    if (encoded.br) this.#br = asBuffer(encoded.br)
    if (encoded.gzip) this.#gzip = asBuffer(encoded.gzip)
  }

  /**
   * The body `head` + `shared`: its gzip form is spliced from the head's own DEFLATE piece and the
   * one the shared part keeps, so that many bodies sharing megabytes compress only what is theirs
   * (the same bytes once unzipped as gzipping the whole; brotli, which cannot be spliced, is made whole).
   */
  static spliced(head: Uint8Array, shared: SharedBodyPart): CachedBody {
    const headBytes = asBuffer(head)
    const body = new CachedBody(Buffer.concat([headBytes, shared.raw]))
    body.#splice = { head: headBytes, shared }
    return body
  }

  /**
   * A body with its compressed forms made now, where the work is cheap to give: on a worker
   * thread, so the thread that answers requests never compresses megabytes.
   */
  static rendered(text: string | Uint8Array): RenderedBody {
    const raw = typeof text === 'string' ? Buffer.from(text) : asBuffer(text)
    if (raw.length < COMPRESS_FROM_BYTES) return { raw }
    return { raw, br: brotliCompressSync(raw, { params: { [zlib.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY } }), gzip: gzipSync(raw, GZIP) }
  }

  /**
   * A body made on a worker thread, to cross as it is up to COMPRESS_ON_WORKER_FROM_BYTES: each
   * compressed form is then made on first demand (see `encoded`), only for an encoding some request
   * accepts, and kept for the next asker. Most analyses are asked once (a new date), and compressing
   * both forms up front cost more than the analysis (5–8 ms for a 43 KiB route), and was wasted on
   * a client that takes neither. A larger body is compressed here as `rendered` does, so that the
   * thread answering requests never compresses megabytes.
   */
  static renderedLazily(text: string | Uint8Array): RenderedBody {
    const raw = typeof text === 'string' ? Buffer.from(text) : asBuffer(text)
    return raw.length < COMPRESS_ON_WORKER_FROM_BYTES ? { raw } : CachedBody.rendered(raw)
  }

  static fromRendered(body: RenderedBody): CachedBody {
    return new CachedBody(body.raw, body)
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
      this.#br ??= brotliCompressSync(this.raw, { params: { [zlib.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY } })
      return this.#br
    }
    this.#gzip ??= this.#splice ? this.#splicedGzip(this.#splice) : gzipSync(this.raw, GZIP)
    return this.#gzip
  }

  #splicedGzip({ head, shared }: { head: Buffer; shared: SharedBodyPart }): Buffer {
    const trailer = Buffer.alloc(8)
    trailer.writeUInt32LE(crc32(this.raw), 0)
    trailer.writeUInt32LE(this.raw.length % 2 ** 32, 4)
    const pieces = [GZIP_HEADER, deflateRawSync(head, { ...GZIP, finishFlush: zlib.Z_SYNC_FLUSH }), shared.deflated, deflateRawSync(Buffer.alloc(0)), trailer]
    return Buffer.concat(pieces)
  }
}
