// The memory of a large map under load (issue 15): one synthetic map of about 60 MB of GeoJSON
// text (bench/synthetic.ts's grid, ~2.5M vertices), fetched by 10 clients at once, over and over,
// gzip accepted, from a server that streams it (STREAM_FROM_MB at its default, 32) and from one
// that builds it whole (the bound raised past the map: what every map was before). Each server is
// a process of its own, so its peak resident memory (VmHWM, reset before the load) is its own;
// the clients count the bytes they read and decompress none.
//
//   npx tsx bench/stream.ts [--cells 40x32] [--points 500] [--clients 10] [--rounds 3] [--keep]
//
// The map is imported once into an embedded database under the system's temporary directory,
// which both servers open in turn. runStream() returns the report's lines for bench/run.ts.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { type Database, openDatabase } from '../src/db/database.js'
import { migrate } from '../src/db/migrate.js'
import { putActor } from '../src/modules/actors/actors.service.js'
import { ActorInputSchema } from '../src/modules/actors/actors.schemas.js'
import { putDataset } from '../src/modules/datasets/datasets.service.js'
import { DatasetInputSchema } from '../src/modules/datasets/datasets.schemas.js'
import { importSnapshot } from '../src/modules/imports/imports.service.js'
import { SnapshotQuerySchema } from '../src/modules/imports/imports.schemas.js'
import { Child, listenOnFreePort, median, serveCommands } from './common.js'
import { syntheticTerritory } from './synthetic.js'

const DATASET = 'stream-bench'
const MAP_PATH = `/v1/control?dataset=${DATASET}&at=2024-11-27`
const DATA_DIR = join(tmpdir(), `frontline-stream-bench-${process.getuid?.() ?? 0}`)
const MiB = 1024 * 1024

// ---- the server's process ----

let database: Database | undefined
let app: FastifyInstance | undefined

/** The kernel's count of this process's resident memory now and at its peak since the last reset, MiB. */
function residentMiB(): { rss: number; peak: number } {
  const status = readFileSync('/proc/self/status', 'utf8')
  const kib = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)![1])
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 }
}

async function prepare(args: { cols: number; rows: number; points: number; keep: boolean }) {
  // --keep: the database of an earlier run with the same grid is used again (the import is most of the run).
  const ready = join(DATA_DIR, `ready-${args.cols}x${args.rows}x${args.points}.json`)
  if (args.keep && existsSync(ready)) return JSON.parse(readFileSync(ready, 'utf8')) as { areas: number; vertices: number; importS: number }
  rmSync(DATA_DIR, { recursive: true, force: true })
  database = await openDatabase({ dataDir: DATA_DIR })
  await migrate(database.db)
  const db = database.db
  await putDataset(db, DATASET, DatasetInputSchema.parse({ name: 'A large synthetic map', licence: 'CC0' }))
  for (const [id, side] of [
    ['hts', 'opposition'],
    ['sna', 'opposition'],
    ['saa', 'government'],
    ['ru', 'government'],
  ])
    await putActor(db, DATASET, id, ActorInputSchema.parse({ name: id, side }))
  const territory = syntheticTerritory(7, { cols: args.cols, rows: args.rows, pointsPerEdge: args.points, contested: 0 })
  const map = {
    type: 'FeatureCollection',
    features: territory.areas.map((area) => ({ type: 'Feature', id: area.key, geometry: area.geometry, properties: { actor: area.holder } })),
  }
  const t0 = performance.now()
  const limits = { maxFeatures: 100_000, maxVerticesPerImport: 50_000_000, maxVerticesPerFeature: 10_000_000 }
  await importSnapshot({ db, limits, writer: 'bench' }, DATASET, { json: map }, SnapshotQuerySchema.parse({ valid_from: '2024-11-26' }))
  const importS = (performance.now() - t0) / 1000
  await database.close()
  const prepared = { areas: territory.areas.length, vertices: territory.vertexCount, importS }
  writeFileSync(ready, JSON.stringify(prepared))
  return prepared
}

async function serve(args: { streamFromMb: number }) {
  database = await openDatabase({ dataDir: DATA_DIR })
  const config = loadConfig({
    API_TOKENS: 'bench-token-0123456789',
    LOG_LEVEL: 'warn',
    LOAD_DEFAULT_DATASET: 'never',
    STREAM_FROM_MB: String(args.streamFromMb),
  })
  // Warnings to stderr: a stream cut short says why there.
  app = await buildApp({ config, database, logger: { level: 'warn', stream: process.stderr } })
  return listenOnFreePort(app)
}

/** Forgets the peak so far (Linux: clear_refs 5 resets VmHWM to the current RSS). */
function resetPeak() {
  writeFileSync('/proc/self/clear_refs', '5')
  return residentMiB()
}

async function close() {
  await app?.close()
  await database?.close()
  return {}
}

// ---- the clients' process ----

/** One GET of the map read to its end: its bytes as sent (compressed), how long it took (ms), and whether it came whole. */
function fetchMap(port: number): Promise<{ bytes: number; ms: number; status: number; complete: boolean }> {
  const t0 = performance.now()
  return new Promise((resolve) => {
    let bytes = 0
    let status = 0
    const req = request({ port, path: MAP_PATH, headers: { 'accept-encoding': 'gzip' } }, (res) => {
      status = res.statusCode!
      res.on('data', (chunk: Buffer) => (bytes += chunk.length))
      res.on('error', () => {})
      res.on('close', () => resolve({ bytes, ms: performance.now() - t0, status, complete: res.complete }))
    })
    // A connection reset (the server gone, or a stream cut short) is a failed request, counted as such.
    req.on('error', (error) => {
      const seconds = (performance.now() - t0) / 1000
      process.stderr.write(`stream: a request failed after ${seconds.toFixed(1)} s, ${bytes} bytes read: ${error.message}\n`)
      resolve({ bytes, ms: performance.now() - t0, status, complete: false })
    })
    req.end()
  })
}

/** The map's length as text, bytes (uncompressed, one request). */
function mapTextBytes(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ port, path: MAP_PATH }, (res) => {
      let bytes = 0
      res.on('data', (chunk: Buffer) => (bytes += chunk.length))
      res.on('end', () => resolve(bytes))
    })
    req.on('error', reject)
    req.end()
  })
}

interface LoadReport {
  label: string
  streamFromMb: number
  baseline: number
  peak: number
  after: number
  requests: number
  failed: number
  p50Ms: number
  mbPerS: number
  gzipBytes: number
}

async function measure(label: string, streamFromMb: number, clients: number, rounds: number): Promise<LoadReport> {
  process.stderr.write(`stream: ${label}, ${clients} clients × ${rounds}\n`)
  const server = new Child('./stream.ts')
  try {
    const { port } = await server.call<{ port: number }>('serve', { streamFromMb })
    // One request first: what every request of the load shares (the view's rows, the workers) is made before the peak is reset.
    await fetchMap(port)
    const { rss: baseline } = await server.call<{ rss: number }>('resetPeak')
    const t0 = performance.now()
    const results = await Promise.all(
      Array.from({ length: clients }, async () => {
        const mine = []
        for (let round = 0; round < rounds; round++) mine.push(await fetchMap(port))
        return mine
      }),
    )
    const seconds = (performance.now() - t0) / 1000
    const { rss: after, peak } = await server.call<{ rss: number; peak: number }>('stats')
    const all = results.flat()
    const ok = all.filter((result) => result.status === 200 && result.complete)
    await server.call('close')
    return {
      label,
      streamFromMb,
      baseline,
      peak,
      after,
      requests: all.length,
      failed: all.length - ok.length,
      p50Ms: median(ok.map((result) => result.ms)),
      mbPerS: ok.reduce((sum, result) => sum + result.bytes, 0) / MiB / seconds,
      gzipBytes: median(ok.map((result) => result.bytes)),
    }
  } finally {
    server.kill()
  }
}

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : fallback
}

export async function runStream(
  options: { cols?: number; rows?: number; points?: number; clients?: number; rounds?: number; keep?: boolean } = {},
): Promise<string[]> {
  const { cols = 40, rows = 32, points = 500, clients = 10, rounds = 3, keep = false } = options
  const preparer = new Child('./stream.ts')
  let prepared: { areas: number; vertices: number; importS: number }
  try {
    process.stderr.write(`stream: importing a ${cols}×${rows} grid, ${points} points an edge\n`)
    prepared = await preparer.call('prepare', { cols, rows, points, keep })
    await preparer.call('close')
  } finally {
    preparer.kill()
  }
  // The map's size as text, from a server that streams it (building it whole to measure it would be the very cost).
  const sizer = new Child('./stream.ts')
  let textBytes: number
  try {
    const { port } = await sizer.call<{ port: number }>('serve', { streamFromMb: 32 })
    textBytes = await mapTextBytes(port)
    await sizer.call('close')
  } finally {
    sizer.kill()
  }
  process.stderr.write(`stream: ${(textBytes / MiB).toFixed(1)} MiB of map; loading\n`)
  const reports = [
    await measure('streamed (STREAM_FROM_MB=32)', 32, clients, rounds),
    await measure('built whole (STREAM_FROM_MB=4096)', 4096, clients, rounds),
  ]
  if (!keep) rmSync(DATA_DIR, { recursive: true, force: true })
  const mib = (n: number) => n.toFixed(0)
  return [
    '## A large map under load (bench/stream.ts)',
    '',
    `One map of ${prepared.areas} areas, ${(prepared.vertices / 1e6).toFixed(2)}M vertices, ${(textBytes / MiB).toFixed(1)} MiB of GeoJSON ` +
      `(imported in ${prepared.importS.toFixed(0)} s on the embedded engine); ${clients} clients fetch it ${rounds} times each, gzip accepted. ` +
      'Resident memory of the server process: before the load (after one request), its peak during it (VmHWM), and after it.',
    '',
    '| server | RSS before, MiB | peak RSS, MiB | RSS after, MiB | requests (failed) | median per request | MiB/s sent (gzip) | gzip body, MiB |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...reports.map(
      (r) =>
        `| ${r.label} | ${mib(r.baseline)} | ${mib(r.peak)} | ${mib(r.after)} | ${r.requests} (${r.failed}) | ${(r.p50Ms / 1000).toFixed(1)} s | ${r.mbPerS.toFixed(1)} | ${(r.gzipBytes / MiB).toFixed(1)} |`,
    ),
    '',
  ]
}

// Run as a file: forked by Child (a server), or from the command line (the clients). Imported by bench/run.ts: neither.
const entry = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href
if (entry && process.send) {
  serveCommands({ prepare, serve, resetPeak, stats: residentMiB, close })
} else if (entry) {
  const [cols, rows] = option('cells', '40x32').split('x').map(Number)
  const lines = await runStream({
    cols,
    rows,
    points: Number(option('points', '500')),
    clients: Number(option('clients', '10')),
    rounds: Number(option('rounds', '3')),
    keep: process.argv.includes('--keep'),
  })
  process.stdout.write(`${lines.join('\n')}\n`)
}
