import { existsSync, readFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { z } from 'zod'
import { BundleActorSchema, ManifestSchema } from '../modules/imports/imports.bundle.js'
import type { Config } from '../config.js'
import type { DataDirLockedError } from '../db/lock.js'
import { type Api, httpApi, readToken } from './api.js'

/** The running server that owns the embedded database, reached over loopback HTTP with a write token. */
export interface ServerClient extends Api {
  base: string
  pid: number
  port: number
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
  const api = httpApi(
    base,
    token,
    `the server (pid ${owner.pid}, port ${owner.port})`,
    `sending the work to the server needs a write token: set API_TOKENS to one of its tokens (${join(config.DATA_DIR, 'api-token')} does not exist)`,
  )
  return { ...api, base, pid: owner.pid, port: owner.port }
}

export type ImportKind = 'snapshot' | 'history' | 'features' | 'events' | 'tallies'
const ROUTE: Record<ImportKind, string> = { snapshot: 'snapshots', history: 'history', features: 'features', events: 'events', tallies: 'tallies' }
/** The formats of event and tally files that are CSV (the rest are GeoJSON). */
const CSV_FORMATS = ['acled', 'ucdp', 'frontline']

/** Posts one file, unchanged, to the import route of its kind (CSV for a CSV format); answers the server's import result. */
export async function sendImport(
  server: Api,
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
    contentType: CSV_FORMATS.includes(query.format ?? '') ? 'text/csv' : 'application/geo+json',
  })
  return JSON.parse(answer.text)
}

const ImportAnswerSchema = z
  .object({ import: z.object({ id: z.number(), counts: z.record(z.string(), z.unknown()) }).passthrough(), replayed: z.boolean() })
  .passthrough()

// The manifest of a dataset folder, read as src/modules/imports/imports.bundle.ts reads it.
const ActorsFileSchema = z.array(BundleActorSchema)

/**
 * Loads a dataset folder through the server's API in the order loadBundle uses: dataset, its
 * actors and sources, reference features, then the snapshots by date. Prints the lines loadBundle prints.
 */
export async function sendBundle(server: Api, dir: string, log: (line: string) => void): Promise<void> {
  const read = (file: string) => readFileSync(join(dir, file))
  const manifest = ManifestSchema.parse(JSON.parse(read('manifest.json').toString('utf8')))
  const { id, name, description, licence, sourceUrl, actors, features, events, tallies, sources, snapshots, ...rest } = manifest
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
  // Events and tallies after the maps, as loadBundle loads them (a named file that is absent is said, not sent).
  for (const [file, kind] of [
    [events, 'events'],
    [tallies, 'tallies'],
  ] as const) {
    if (!file) continue
    if (!existsSync(join(dir, file))) {
      log(`${id}: ${file} is named in the manifest but absent: not loaded`)
      continue
    }
    const result = ImportAnswerSchema.parse(await sendImport(server, id, kind, read(file), {}))
    log(`${id}: ${file} → import ${result.import.id}${result.replayed ? ' (already loaded)' : ''}, ${JSON.stringify(result.import.counts)}`)
  }
}
