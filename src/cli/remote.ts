import { existsSync, readFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { z } from 'zod'
import { BundleActorSchema, ManifestSchema } from '../modules/imports/imports.bundle.js'
import type { Config } from '../config.js'
import type { DataDirLockedError } from '../db/lock.js'

/** The running server that owns the embedded database, reached over loopback HTTP with a write token. */
export interface ServerClient {
  base: string
  pid: number
  port: number
  request(method: string, path: string, options?: { body?: string | Uint8Array<ArrayBuffer>; contentType?: string }): Promise<{ status: number; text: string }>
  /** Like request, but a non-2xx answer throws with the server's problem details. */
  send(method: string, path: string, options?: { body?: string | Uint8Array<ArrayBuffer>; contentType?: string }): Promise<{ status: number; text: string }>
}

/**
 * The server named by a lock, when the owner is a server on this host that listens; otherwise
 * the lock error itself is the answer (the owner is starting, or is another CLI, or elsewhere).
 */
export function serverFromLock(config: Config, locked: DataDirLockedError): ServerClient {
  const { owner } = locked
  if (owner.port === null || owner.hostname !== hostname()) throw locked
  // A server listening on every interface answers on loopback; otherwise on the interface it named.
  const host = !owner.host || owner.host === '0.0.0.0' || owner.host === '::' ? '127.0.0.1' : owner.host
  const base = `http://${host.includes(':') ? `[${host}]` : host}:${owner.port}`
  const token = config.apiTokens[0] ?? readToken(config.DATA_DIR)
  const port = owner.port
  const request: ServerClient['request'] = async (method, path, options = {}) => {
    // Reads are open; a write without a token would only be answered 401.
    if (token === undefined && method !== 'GET') {
      throw new Error(
        `sending the work to the server needs a write token: set API_TOKENS to one of its tokens (${join(config.DATA_DIR, 'api-token')} does not exist)`,
      )
    }
    const headers: Record<string, string> = { accept: 'application/json, application/geo+json, application/problem+json' }
    if (token !== undefined) headers.authorization = `Bearer ${token}`
    if (options.contentType) headers['content-type'] = options.contentType
    let response: Response
    try {
      response = await fetch(`${base}${path}`, { method, headers, body: options.body })
    } catch (error) {
      const reason = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error)
      throw new Error(`the server that owns ${locked.dataDir} (pid ${owner.pid}, port ${port}) does not answer at ${base}: ${reason}`)
    }
    return { status: response.status, text: await response.text() }
  }
  const send: ServerClient['send'] = async (method, path, options) => {
    const answer = await request(method, path, options)
    if (answer.status >= 300) throw new Error(`the server (pid ${owner.pid}, port ${port}) refused ${method} ${path}: ${describeProblem(answer)}`)
    return answer
  }
  return { base, pid: owner.pid, port, request, send }
}

/** The token the server generated at first start, when it was started without API_TOKENS. */
function readToken(dataDir: string): string | undefined {
  const file = join(dataDir, 'api-token')
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined
}

/** A problem+json answer in one readable paragraph: status, code, detail and the first errors by path. */
export function describeProblem({ status, text }: { status: number; text: string }): string {
  try {
    const problem = JSON.parse(text) as {
      code?: string
      title?: string
      detail?: string
      errors?: { path?: string; index?: number; reason?: string; message?: string }[]
    }
    const head = `${status} ${problem.code ?? problem.title ?? ''}${problem.detail ? `: ${problem.detail}` : ''}`
    const errors = (problem.errors ?? [])
      .slice(0, 20)
      .map((e) => `\n  ${[e.index !== undefined ? `feature ${e.index}` : '', e.path ?? '', e.reason ?? e.message ?? ''].filter(Boolean).join(' ')}`)
    const more = (problem.errors?.length ?? 0) > 20 ? `\n  … and ${problem.errors!.length - 20} more` : ''
    return `${head}${errors.join('')}${more}${status === 401 || status === 403 ? '\n  (set API_TOKENS to one of the server’s write tokens)' : ''}`
  } catch {
    return `${status} ${text.slice(0, 500)}`
  }
}

export type ImportKind = 'snapshot' | 'history' | 'features'
const ROUTE: Record<ImportKind, string> = { snapshot: 'snapshots', history: 'history', features: 'features' }

/** Posts one GeoJSON file, unchanged, to the import route of its kind; answers the server's import result. */
export async function sendImport(
  server: ServerClient,
  datasetId: string,
  kind: ImportKind,
  file: Uint8Array<ArrayBuffer>,
  query: Record<string, string | undefined>,
): Promise<unknown> {
  const params = new URLSearchParams()
  for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, value)
  const search = params.size > 0 ? `?${params}` : ''
  const answer = await server.send('POST', `/v1/datasets/${encodeURIComponent(datasetId)}/${ROUTE[kind]}${search}`, {
    body: file,
    contentType: 'application/geo+json',
  })
  return JSON.parse(answer.text)
}

const ImportAnswerSchema = z
  .object({ import: z.object({ id: z.number(), counts: z.record(z.string(), z.number()) }).passthrough(), replayed: z.boolean() })
  .passthrough()

// The manifest of a dataset folder, read as src/modules/imports/imports.bundle.ts reads it.
const ActorsFileSchema = z.array(BundleActorSchema)

/**
 * Loads a dataset folder through the server's API in the order loadBundle uses: dataset, its
 * actors and sources, reference features, then the snapshots by date. Prints the lines loadBundle prints.
 */
export async function sendBundle(server: ServerClient, dir: string, log: (line: string) => void): Promise<void> {
  const read = (file: string) => readFileSync(join(dir, file))
  const manifest = ManifestSchema.parse(JSON.parse(read('manifest.json').toString('utf8')))
  const { id, name, description, licence, sourceUrl, actors, features, sources, snapshots, ...rest } = manifest
  const dataset = `/v1/datasets/${encodeURIComponent(id)}`
  const json = (value: unknown) => ({ body: JSON.stringify(value), contentType: 'application/json' })
  await server.send('PUT', dataset, json({ name, description, licence, sourceUrl, properties: { ...rest, snapshots } }))
  if (actors) {
    const list = ActorsFileSchema.parse(JSON.parse(read(actors).toString('utf8')))
    for (const { id: actorId, ...actor } of list) await server.send('PUT', `${dataset}/actors/${encodeURIComponent(actorId)}`, json(actor))
    log(`${id}: ${list.length} actors`)
  }
  if (sources.length > 0) {
    for (const { id: sourceId, ...source } of sources) await server.send('PUT', `${dataset}/sources/${encodeURIComponent(sourceId)}`, json(source))
    log(`${id}: ${sources.length} sources`)
  }
  if (features) {
    const result = ImportAnswerSchema.parse(await sendImport(server, id, 'features', read(features), {}))
    log(`${id}: features ${features} → import ${result.import.id}${result.replayed ? ' (already loaded)' : ''}`)
  }
  for (const snapshot of [...snapshots].sort((a, b) => a.validFrom.localeCompare(b.validFrom))) {
    const result = ImportAnswerSchema.parse(await sendImport(server, id, 'snapshot', read(snapshot.file), { valid_from: snapshot.validFrom }))
    log(
      `${id}: snapshot ${snapshot.validFrom} → import ${result.import.id}${result.replayed ? ' (already loaded)' : ''}, ${JSON.stringify(result.import.counts)}`,
    )
  }
}
