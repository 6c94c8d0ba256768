import { createHash } from 'node:crypto'
import { pipeline, Readable } from 'node:stream'
import { constants as zlib, createBrotliCompress, createGzip } from 'node:zlib'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Database } from '../db/database.js'
import { type CachedBody, COMPRESS_FROM_BYTES } from '../read/cache.js'
import type { DatasetView } from '../read/dataset-view.js'
import { ReadModel } from '../read/read-model.js'
import { findCurrentSchema, REVISION_CHANNEL } from '../store/datasets.repository.js'

declare module 'fastify' {
  interface FastifyInstance {
    readModel: ReadModel
  }
}

/** The strong ETag of a request's answer at a view: the dataset, its revision, and the request (its host too: links are absolute). */
function etagOf(request: FastifyRequest, view: DatasetView): string {
  const hash = createHash('sha256')
    .update(`${request.protocol}://${request.host}`)
    .update('\n')
    .update(request.url)
    .update('\n')
    .update(request.headers.accept ?? '')
    .digest('base64url')
    .slice(0, 16)
  return `"${view.datasetId}.r${view.revision}.${hash}"`
}

/**
 * Adds names to the reply's Vary header, keeping those already there (CORS sets Origin when it
 * grants one of a list of origins): a shared cache must tell JSON from CSV, br from gzip, and one
 * origin's grant from another's.
 */
function addVary(reply: FastifyReply, ...names: string[]): void {
  const current = String(reply.getHeader('vary') ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '')
  const missing = names.filter((name) => !current.some((kept) => kept.toLowerCase() === name.toLowerCase()))
  if (missing.length > 0) reply.header('Vary', [...current, ...missing].join(', '))
}

function setValidators(request: FastifyRequest, reply: FastifyReply, view: DatasetView): string {
  const etag = etagOf(request, view)
  // The same URL answers JSON or CSV by Accept, compressed or not by Accept-Encoding.
  addVary(reply, 'Accept', 'Accept-Encoding')
  reply.header('ETag', etag)
  reply.header('Cache-Control', 'public, max-age=0, must-revalidate')
  reply.header('X-Dataset-Revision', String(view.revision))
  return etag
}

/**
 * Sets the validators of the view and answers 304 when the client already has this answer. Call
 * it before any work: a revalidation costs one revision lookup at most.
 */
export function notModified(request: FastifyRequest, reply: FastifyReply, view: DatasetView): boolean {
  const etag = setValidators(request, reply, view)
  const ifNoneMatch = request.headers['if-none-match']
  if (ifNoneMatch && ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)) {
    reply.status(304).send()
    return true
  }
  return false
}

/**
 * Sends an answer made at `view` (the view the read model answered with: its revision is the one
 * in the body), already compressed when the client accepts br or gzip and it is worth it.
 */
export function sendBody(request: FastifyRequest, reply: FastifyReply, view: DatasetView, body: CachedBody, contentType: string): FastifyReply {
  setValidators(request, reply, view)
  reply.type(contentType)
  const encoding = body.raw.length < COMPRESS_FROM_BYTES ? undefined : acceptedEncoding(request)
  if (!encoding) return reply.send(body.raw)
  return reply.header('Content-Encoding', encoding).send(body.encoded(encoding))
}

/** The encoding a body is sent in: brotli before gzip when the client takes both, none when it takes neither. */
function acceptedEncoding(request: FastifyRequest): 'br' | 'gzip' | undefined {
  const accepted = request.headers['accept-encoding'] ?? ''
  return /\bbr\b/.test(accepted) ? 'br' : /\bgzip\b/.test(accepted) ? 'gzip' : undefined
}

// The levels of the cached bodies' forms (read/cache.ts): brotli 4 and gzip 4 keep up with the
// store on one core, where the defaults (11 and 6) would make the compressor the bottleneck.
const STREAM_COMPRESSORS = {
  br: () => createBrotliCompress({ params: { [zlib.BROTLI_PARAM_QUALITY]: 4, [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT } }),
  gzip: () => createGzip({ level: 4 }),
}

/**
 * Sends an answer too large to build whole, made at `view`, as its pieces come: compressed on the
 * way when the client accepts br or gzip, with the validators an answer sent whole has. The pieces
 * are asked for only as the socket takes what came before (a stream's backpressure), so an answer
 * holds about one piece in memory. A piece that fails after the headers went out destroys the
 * socket (Fastify logs it): the client sees a body cut short, never a wrong complete one.
 */
export function sendStream(request: FastifyRequest, reply: FastifyReply, view: DatasetView, pieces: AsyncIterable<string>, contentType: string): FastifyReply {
  setValidators(request, reply, view)
  reply.type(contentType)
  // As bytes, not objects: the source then holds at most one piece beyond the 16 KiB it buffers.
  const source = Readable.from(pieces, { objectMode: false, highWaterMark: 16 * 1024 })
  const encoding = acceptedEncoding(request)
  if (!encoding) return reply.send(source)
  // An error in the source destroys the compressor with it, which Fastify sees as the payload's.
  const compressed = pipeline(source, STREAM_COMPRESSORS[encoding](), () => {})
  return reply.header('Content-Encoding', encoding).send(compressed)
}

/**
 * Opens the view a request asks for (the dataset as known at `knownAt`, now when undefined) and sets
 * its validators: undefined when the client already has this answer and a 304 went out, the handler
 * then returns the reply.
 */
export async function openView(request: FastifyRequest, reply: FastifyReply, datasetId: string, knownAt: Date | undefined): Promise<DatasetView | undefined> {
  const view = await request.server.readModel.open(datasetId, knownAt)
  return notModified(request, reply, view) ? undefined : view
}

/**
 * Sets the validators for an answer made at `view` (and the content type when given) and returns
 * it, for routes whose schema serialises it.
 */
export function answeredAt<T>(request: FastifyRequest, reply: FastifyReply, view: DatasetView, answer: T, contentType?: string): T {
  if (contentType !== undefined) reply.type(contentType)
  setValidators(request, reply, view)
  return answer
}

interface ViewsOptions {
  database: Database
  maxEntries: number
  maxBytes: number
}

/**
 * The read model of the app. It listens for revision announcements (other processes write too on
 * PostgreSQL) and drops what they made stale, and forgets everything derived when the listening
 * connection had to reconnect (announcements may have been missed meanwhile).
 */
async function viewsPlugin(app: FastifyInstance, options: ViewsOptions): Promise<void> {
  const shared = options.database.engine === 'postgres'
  const schema = await findCurrentSchema(options.database.db)
  const model = new ReadModel({ db: options.database.db, shared, schema, maxEntries: options.maxEntries, maxBytes: options.maxBytes })
  app.decorate('readModel', model)
  // PGlite delivers a notification with the commit that sends it, so app instances sharing one
  // embedded database see each other's writes at once; PostgreSQL delivers it to other processes
  // shortly after, and there the revision is read per view anyway.
  const unlisten = await options.database.listen(REVISION_CHANNEL, (payload) => model.notified(payload), { onReconnect: () => model.forgetAll() })
  app.addHook('onClose', async () => unlisten())
}

export default fp(viewsPlugin, { name: 'views', dependencies: ['database'] })
