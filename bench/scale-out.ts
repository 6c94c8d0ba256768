// Scale-out: two API processes on one PostgreSQL, as DESIGN.md draws it. Measures whether a write
// through one process is served by the other on its next request, how long the revision
// announcement takes to reach the other process (LISTEN/NOTIFY), and the repeated-map throughput
// of one process against two side by side. Printing only; PostgreSQL is required.
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { sql } from 'kysely'
import { openDatabase } from '../src/db/database.js'
import { migrate } from '../src/db/migrate.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const TOKEN = 'bench-scale-out-token'
const AUTH = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }
const WRITES = 40

interface Worker {
  child: ChildProcess
  base: string
}

async function startWorker(url: string, schema: string): Promise<Worker> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/scale-out-worker.ts', url, schema, TOKEN], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const [line] = (await once(child.stdout!, 'data')) as [Buffer]
  const { port } = JSON.parse(line.toString().split('\n')[0]) as { port: number }
  return { child, base: `http://127.0.0.1:${port}` }
}

async function call(base: string, path: string, init: RequestInit = {}): Promise<Response> {
  const res = await fetch(`${base}${path}`, init)
  if (res.status >= 400) throw new Error(`${path}: ${res.status} ${await res.text()}`)
  return res
}

const dropped = async (base: string) => ((await (await call(base, '/ready')).json()) as { cache: { dropped: number } }).cache.dropped

/** A grid of squares held alternately by two actors: enough for a map worth caching. */
function grid(n: number) {
  const features = []
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const [lon, lat] = [36 + i * 0.1, 35 + j * 0.1]
      const ring = [
        [lon, lat],
        [lon + 0.1, lat],
        [lon + 0.1, lat + 0.1],
        [lon, lat + 0.1],
        [lon, lat],
      ]
      features.push({ type: 'Feature', geometry: { type: 'Polygon', coordinates: [ring] }, properties: { actor: (i + j) % 2 ? 'a' : 'b' } })
    }
  }
  return { type: 'FeatureCollection', features }
}

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]

export async function runScaleOut(url: string, durationS = 5): Promise<string[]> {
  const schema = `bench_scale_out_${process.pid}`
  const setup = await openDatabase({ databaseUrl: url, schema, poolSize: 2 })
  await migrate(setup.db)
  const workers: Worker[] = []
  try {
    workers.push(await startWorker(url, schema), await startWorker(url, schema))
    const [a, b] = workers
    await call(a.base, '/v1/datasets/scale', { method: 'PUT', headers: AUTH, body: JSON.stringify({ name: 'scale-out' }) })
    for (const [id, side] of [
      ['a', 'west'],
      ['b', 'east'],
    ]) {
      await call(a.base, `/v1/datasets/scale/actors/${id}`, { method: 'PUT', headers: AUTH, body: JSON.stringify({ name: id, side }) })
    }
    await call(a.base, '/v1/datasets/scale/snapshots?valid_from=2024-11-26', { method: 'POST', headers: AUTH, body: JSON.stringify(grid(20)) })
    const mapPath = '/v1/control?dataset=scale&at=2024-11-26'
    const bytes = (await (await call(b.base, mapPath)).arrayBuffer()).byteLength

    // 1. a write through A, then B's next request; 2. how long until B has dropped what it made stale
    let fresh = 0
    const nextMs: number[] = []
    const announcedMs: number[] = []
    for (let k = 0; k < WRITES; k++) {
      await call(b.base, '/v1/datasets/scale/actors/a')
      const droppedBefore = await dropped(b.base)
      const colour = `#${(0x100000 + k).toString(16).slice(-6)}`
      const t0 = performance.now()
      await call(a.base, '/v1/datasets/scale/actors/a', { method: 'PUT', headers: AUTH, body: JSON.stringify({ name: 'a', side: 'west', colour }) })
      const committed = performance.now()
      const seen = (await (await call(b.base, '/v1/datasets/scale/actors/a')).json()) as { colour: string }
      nextMs.push(performance.now() - committed)
      if (seen.colour === colour) fresh++
      while ((await dropped(b.base)) === droppedBefore && performance.now() - t0 < 2000) await new Promise((resolve) => setTimeout(resolve, 1))
      announcedMs.push(performance.now() - committed)
    }

    // 3. repeated map: one process, then both at once (each its own autocannon run, side by side)
    const run = (base: string) => autocannon({ url: `${base}${mapPath}`, connections: 10, duration: durationS })
    const one = (await run(a.base)).requests.average
    const both = await Promise.all([run(a.base), run(b.base)])
    const two = both[0].requests.average + both[1].requests.average
    return [
      '## Scale-out: two API processes on one PostgreSQL (bench/scale-out.ts)',
      '',
      '| measure | figure | target |',
      '| --- | --- | --- |',
      `| a write through A served by B on its next request | ${fresh} / ${WRITES} | all |`,
      `| B's next request after the write, p50 / max | ${quantile(nextMs, 0.5).toFixed(1)} / ${Math.max(...nextMs).toFixed(1)} ms | |`,
      `| announcement reaches B and drops stale entries (LISTEN/NOTIFY, 1 ms polling), p50 / p99 | ${quantile(announcedMs, 0.5).toFixed(1)} / ${quantile(announcedMs, 0.99).toFixed(1)} ms | |`,
      `| repeated map (${(bytes / 1024).toFixed(0)} KiB, 10 conns): one process | ${one.toFixed(0)} req/s | |`,
      `| the same on two processes at once, together | ${two.toFixed(0)} req/s (${(two / one).toFixed(2)}× one) | none: on ${availableParallelism()} cores the two processes and autocannon share the CPU |`,
      '',
    ]
  } finally {
    for (const worker of workers) worker.child.kill('SIGTERM')
    await Promise.all(workers.map((worker) => (worker.child.exitCode === null ? once(worker.child, 'exit') : undefined)))
    await sql.raw(`DROP SCHEMA "${schema}" CASCADE`).execute(setup.db)
    await setup.close()
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
  runScaleOut(url)
    .then((lines) => process.stdout.write(`${lines.join('\n')}\n`))
    .catch((error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
      process.exit(1)
    })
}
