// PostGIS as the peer (issue 15): Frontline on PGlite, Frontline on PostgreSQL and PostGIS 3 behind a
// minimal Fastify route (bench/postgis-peer.ts, what pg_featureserv and tipg are) load the same
// histories (bench/postgis-data.ts) and answer the same questions, timed in interleaved rounds
// (medians), cold (first request after start), cache miss and warm, single and under load
// (autocannon), with the answers compared in the same run. Printing only.
// Run alone: npx tsx bench/postgis.ts (or npm run bench -- --only postgis); `--quick` is the form `npm run bench` runs.
import { spawnSync } from 'node:child_process'
import os from 'node:os'
import pg from 'pg'
import { Child, type LoadFigures, loadRun, median } from './common.js'
import { DATASETS, noon, probePoints, START, type BenchDataset } from './postgis-data.js'
import { dateOf } from './history.js'

const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/test'
const ADMIN_URL = process.env.BENCH_POSTGIS_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

type EngineName = 'PGlite' | 'PostgreSQL' | 'PostGIS'
const ENGINES: EngineName[] = ['PGlite', 'PostgreSQL', 'PostGIS']

/** A reason the comparison cannot run, said in one line (printed without a stack). */
export class SetupError extends Error {}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]', ''])
const redact = (url: string) => url.replace(/\/\/[^@/]*@/, '//…@')

async function tryConnect(url: string): Promise<pg.Client | Error> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 })
  try {
    await client.connect()
    return client
  } catch (error) {
    await client.end().catch(() => undefined)
    return error instanceof Error ? error : new Error(String(error))
  }
}

/** Runs a command, its output on stderr; a one-line reason when it could not run or failed. */
function run(cmd: string, args: string[], timeoutMs: number): string | undefined {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 2, 2], timeout: timeoutMs, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
  if (r.error) return `${cmd} ${args.join(' ')}: ${r.error.message}`
  if (r.status !== 0) return `${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`
  return undefined
}

/**
 * Connects to the server the peer uses. A local server that is down is started when Debian's
 * cluster tools know it (pg_lsclusters, the cluster on the URL's port; pg_ctlcluster as root or its owner);
 * otherwise the reason is said plainly.
 */
async function connectServer(adminUrl: string, log: (line: string) => void): Promise<pg.Client> {
  const first = await tryConnect(adminUrl)
  if (first instanceof pg.Client) return first
  const u = new URL(adminUrl)
  const port = u.port || '5432'
  const refused = /ECONNREFUSED|ENOENT|starting up|shutting down/.test(`${(first as NodeJS.ErrnoException).code ?? ''} ${first.message}`)
  let why = 'not a local server that is down'
  if (refused && LOCAL_HOSTS.has(u.hostname)) {
    const clusters = spawnSync('pg_lsclusters', ['--no-header'], { encoding: 'utf8' })
    // Ver Cluster Port Status Owner Data-directory Log-file
    const cluster = clusters.error
      ? undefined
      : clusters.stdout
          .split('\n')
          .map((l) => l.trim().split(/\s+/))
          .find((c) => c[2] === port)
    if (clusters.error) why = 'pg_lsclusters not found (not a Debian PostgreSQL install)'
    else if (!cluster) why = `no cluster on port ${port} in pg_lsclusters`
    else if (cluster[3] !== 'down') why = `pg_lsclusters says cluster ${cluster[0]}/${cluster[1]} is ${cluster[3]}`
    else {
      log(`[postgis] PostgreSQL ${cluster[0]}/${cluster[1]} on port ${port} is ${cluster[3]}: pg_ctlcluster ${cluster[0]} ${cluster[1]} start`)
      why = run('pg_ctlcluster', [cluster[0], cluster[1], 'start'], 60_000) ?? 'started, but still not answering'
      for (let i = 0; i < 20; i++) {
        const again = await tryConnect(adminUrl)
        if (again instanceof pg.Client) return again
        await new Promise((resolve) => setTimeout(resolve, 500))
      }
    }
  }
  throw new SetupError(
    `PostgreSQL at ${redact(adminUrl)} is not reachable (${first.message}) and was not started (${why}): ` +
      'start it (e.g. `pg_ctlcluster 15 main start`) or set BENCH_POSTGIS_ADMIN_URL.',
  )
}

/**
 * Makes sure the server can `CREATE EXTENSION postgis`. When it cannot and the server is this
 * machine's, installs Debian's package for its major version (`postgresql-15-postgis-3` for 15):
 * `apt-get update`, then `apt-get install -y`, as root (as in CI containers). Any failure is one line.
 */
async function ensurePostgis(adminUrl: string, log: (line: string) => void): Promise<void> {
  const client = await connectServer(adminUrl, log)
  const available = async () =>
    (
      await client.query<{ major: string; postgis: string | null }>(
        `SELECT current_setting('server_version_num')::int / 10000 AS major,
                (SELECT default_version FROM pg_available_extensions WHERE name = 'postgis') AS postgis`,
      )
    ).rows[0]
  try {
    const before = await available()
    if (before.postgis) return
    const pkg = `postgresql-${before.major}-postgis-3`
    const fail = (reason: string) => new SetupError(`PostGIS is not installed on the PostgreSQL ${before.major} server at ${redact(adminUrl)} and ${reason}.`)
    if (!LOCAL_HOSTS.has(new URL(adminUrl).hostname)) throw fail(`the server is not this machine: install ${pkg} (or PostGIS 3) there`)
    if (spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).error) throw fail(`apt-get is not here (not Debian): install PostGIS 3 for it`)
    if (process.getuid?.() !== 0) throw fail(`this is not root: run \`sudo apt-get update && sudo apt-get install -y ${pkg}\``)
    log(`[postgis] ${pkg} missing: apt-get update && apt-get install -y ${pkg}`)
    const failed = run('apt-get', ['update'], 300_000) ?? run('apt-get', ['install', '-y', '--no-install-recommends', pkg], 600_000)
    if (failed) throw fail(`could not be installed (${failed})`)
    if (!(await available()).postgis) throw fail(`${pkg} was installed but the server does not list postgis`)
  } finally {
    await client.end().catch(() => undefined)
  }
}

// ---- the questions, as each engine asks them ----

type Question =
  | { kind: 'map'; at: string }
  | { kind: 'point'; lon: number; lat: number; at: string }
  | { kind: 'distance'; at: string }
  | { kind: 'route'; at: string }
  | { kind: 'changes'; start: string; end: string }

function urlFor(engine: EngineName, ds: BenchDataset, q: Question): string {
  const d = `dataset=${ds.id}`
  const e = encodeURIComponent
  if (engine === 'PostGIS') {
    switch (q.kind) {
      case 'map':
        return `/map?${d}&at=${e(q.at)}`
      case 'point':
        return `/point?${d}&lon=${q.lon}&lat=${q.lat}&at=${e(q.at)}`
      case 'distance':
        return `/distance?${d}&side=${ds.distance.side}&feature=${ds.distance.feature}&at=${e(q.at)}`
      case 'route':
        return `/route?${d}&feature=highway&at=${e(q.at)}`
      case 'changes':
        return `/changes?${d}&start=${e(q.start)}&end=${e(q.end)}`
    }
  }
  switch (q.kind) {
    case 'map':
      return `/v1/control?${d}&at=${e(q.at)}`
    case 'point':
      return `/v1/control/point?${d}&lon=${q.lon}&lat=${q.lat}&at=${e(q.at)}`
    case 'distance':
      return `/v1/analysis/distance?${d}&from=side:${ds.distance.side}&to=feature:${ds.distance.feature}&at=${e(q.at)}`
    case 'route':
      return `/v1/analysis/route?${d}&feature=highway&at=${e(q.at)}`
    case 'changes':
      return `/v1/analysis/changes?${d}&start=${e(q.start)}&end=${e(q.end)}&polygons=false`
  }
}

/** An answer reduced to what is compared: holders, km, km², flags, feature counts. */
type Answer = Record<string, unknown>

function reduce(q: Question, body: string): Answer {
  const j = JSON.parse(body) as Record<string, unknown>
  switch (q.kind) {
    case 'map':
      return { features: (j.features as unknown[]).length }
    case 'point': {
      const h = j.holder as { actor?: string | null; status?: string } | null
      return { holder: h ? (h.actor ?? h.status ?? 'contested') : null }
    }
    case 'distance':
      return { km: j.distanceKm as number | null }
    case 'route':
      return { severed: j.severed, kmBySide: j.kmBySide }
    case 'changes': {
      const out: Record<string, { gained: number; lost: number }> = {}
      for (const s of j.sides as { side: string; gainedKm2: number; lostKm2: number }[]) out[s.side] = { gained: s.gainedKm2, lost: s.lostKm2 }
      return out
    }
  }
}

const close = (a: number | null | undefined, b: number | null | undefined, rel = 0.005, abs = 0.01): boolean =>
  a == null || b == null ? a == b : Math.abs(a - b) <= Math.max(abs, rel * Math.max(Math.abs(a), Math.abs(b)))

/** Whether Frontline's answer agrees with PostGIS's; a reason when not. */
function agree(q: Question, ours: Answer, peer: Answer): string | null {
  switch (q.kind) {
    case 'map':
    case 'point':
      return JSON.stringify(ours) === JSON.stringify(peer) ? null : `${JSON.stringify(ours)} vs ${JSON.stringify(peer)}`
    case 'distance':
      return close(ours.km as number, peer.km as number) ? null : `${String(ours.km)} km vs ${String(peer.km)} km`
    case 'route': {
      if (ours.severed !== peer.severed) return `severed ${String(ours.severed)} vs ${String(peer.severed)}`
      const a = ours.kmBySide as Record<string, number>
      const b = peer.kmBySide as Record<string, number>
      for (const side of new Set([...Object.keys(a), ...Object.keys(b)]))
        if (!close(a[side] ?? 0, b[side] ?? 0, 0.005, 0.05)) return `${side} ${a[side]} km vs ${b[side]} km`
      return null
    }
    case 'changes': {
      const a = ours as Record<string, { gained: number; lost: number }>
      const b = peer as Record<string, { gained: number; lost: number }>
      for (const side of new Set([...Object.keys(a), ...Object.keys(b)])) {
        const x = a[side] ?? { gained: 0, lost: 0 }
        const y = b[side] ?? { gained: 0, lost: 0 }
        if (!close(x.gained, y.gained, 0.005, 0.05) || !close(x.lost, y.lost, 0.005, 0.05))
          return `${side} +${x.gained.toFixed(2)}/−${x.lost.toFixed(2)} vs +${y.gained.toFixed(2)}/−${y.lost.toFixed(2)} km²`
      }
      return null
    }
  }
}

// ---- measuring ----

async function ask(base: string, url: string): Promise<{ ms: number; body: string; status: number }> {
  const t = performance.now()
  const res = await fetch(`${base}${url}`)
  const body = await res.text()
  const ms = performance.now() - t
  if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status} ${body.slice(0, 300)}`)
  return { ms, body, status: res.status }
}

interface Row {
  dataset: string
  path: string
  mode: string
  /** per engine: ms (lower is better) or req/s under load */
  value: Partial<Record<EngineName, number>>
  extra: Partial<Record<EngineName, string>>
  unit: 'ms' | 'req/s'
  agree: string
}

export interface PostgisOptions {
  pgUrl?: string
  quick?: boolean
  progress?: (line: string) => void
}

export async function runPostgis(options: PostgisOptions = {}): Promise<string[]> {
  const progress = options.progress ?? ((line: string) => process.stderr.write(`${line}\n`))
  const pgUrl = options.pgUrl ?? process.env.BENCH_DATABASE_URL ?? DEFAULT_PG_URL
  const quick = options.quick ?? false
  // The quick form is what `npm run bench` runs (it must fit its ten minutes); the full one: `--only postgis`.
  const ROUNDS = quick ? 3 : 5
  const POINTS_PER_ROUND = quick ? 5 : 16
  const LOAD_S = quick ? 1 : 2
  const CONNS = 10
  const COLD_RESTARTS = quick ? 1 : 2
  const form =
    `${quick ? 'quick' : 'full'} form: ${ROUNDS} interleaved rounds, ${POINTS_PER_ROUND} new points a round, ${COLD_RESTARTS} restart(s), ${LOAD_S} s load runs` +
    (quick ? ' (the full form: `npm run bench -- --only postgis`)' : '')
  const t0 = performance.now()
  const loadAtStart = os.loadavg()

  await ensurePostgis(ADMIN_URL, progress)
  const peer = new Child('./postgis-peer.ts')
  const pgl = new Child('./postgis-frontline.ts')
  const pgs = new Child('./postgis-frontline.ts')
  const children: Record<EngineName, Child> = { PGlite: pgl, PostgreSQL: pgs, PostGIS: peer }
  const base: Partial<Record<EngineName, string>> = {}
  const rows: Row[] = []
  const disagreements: string[] = []
  /** the last answer of each question, as a sample printed under the table */
  const samples = new Map<string, string>()
  const versions: string[] = []
  try {
    const v = await peer.call<{ pg: string; postgis: string }>('setup', { adminUrl: ADMIN_URL })
    const [pglOpen, pgsOpen] = await Promise.all([
      pgl.call<{ openMs: number; version: string }>('open', { engine: 'pglite' }),
      pgs.call<{ openMs: number; version: string }>('open', { engine: 'postgres', url: pgUrl }),
    ])
    versions.push(`Frontline on PGlite (${pglOpen.version}), on ${pgsOpen.version}; peer ${v.pg} with PostGIS ${v.postgis}`)
    progress(`[postgis] ${versions[0]}`)

    for (const ds of DATASETS) {
      // 1. import: the same snapshots, one transaction each, one engine after the other
      const imported: Partial<Record<EngineName, { importMs: number; days: number; rows: number; written?: number }>> = {}
      for (const engine of ENGINES) {
        imported[engine] = await children[engine].call('load', { datasetId: ds.id })
        progress(
          `[postgis] ${ds.id}: ${engine} imported ${imported[engine]!.days} snapshots in ${imported[engine]!.importMs.toFixed(0)} ms (${imported[engine]!.rows} rows)`,
        )
      }
      const rowCounts = ENGINES.map((e) => imported[e]!.rows)
      rows.push({
        dataset: ds.id,
        path: `import (${ds.days} snapshots, carry-on)`,
        mode: 'single',
        unit: 'ms',
        value: Object.fromEntries(ENGINES.map((e) => [e, imported[e]!.importMs])),
        extra: Object.fromEntries(ENGINES.map((e) => [e, `${imported[e]!.rows} rows${imported[e]!.written ? `, ${imported[e]!.written} written` : ''}`])),
        agree: rowCounts.every((n) => n === rowCounts[0]) ? `yes (${rowCounts[0]} rows in force each)` : `NO (rows ${rowCounts.join(' / ')})`,
      })

      const last = ds.days - 1
      const questions = {
        map: (day: number): Question => ({ kind: 'map', at: noon(day) }),
        distance: (day: number): Question => ({ kind: 'distance', at: noon(day) }),
        route: (day: number): Question => ({ kind: 'route', at: noon(day) }),
        changes: (day: number): Question => ({ kind: 'changes', start: noon(Math.max(0, day - 7)), end: noon(day) }),
      }
      const compare = (label: string, q: Question, answers: Partial<Record<EngineName, Answer>>): boolean => {
        if (q.kind !== 'point')
          samples.set(
            `${ds.id} ${q.kind}`,
            `${ds.id} ${label}: Frontline (PGlite) ${JSON.stringify(round3(answers.PGlite))}, PostGIS ${JSON.stringify(round3(answers.PostGIS))}`,
          )
        let ok = true
        for (const engine of ['PGlite', 'PostgreSQL'] as const) {
          const why = agree(q, answers[engine]!, answers.PostGIS!)
          if (why) {
            ok = false
            if (disagreements.length < 30) disagreements.push(`${ds.id} ${label} (${engine}): ${why}`)
          }
        }
        return ok
      }

      // 2. cold: the first request of each question after the server starts (fresh app, empty caches)
      const cold: Record<string, Partial<Record<EngineName, number[]>>> = {}
      const coldQuestions: [string, Question][] = [
        ['map', questions.map(last)],
        ['point', { kind: 'point', lon: 36.0, lat: 32.5, at: noon(last) }],
        ['distance', questions.distance(last)],
        ['route', questions.route(last)],
        ['changes', questions.changes(last)],
      ]
      for (let r = 0; r < COLD_RESTARTS; r++) {
        for (const engine of rotate(ENGINES, r)) {
          base[engine] = `http://127.0.0.1:${(await children[engine].call<{ port: number }>('serve')).port}`
          for (const [name, q] of coldQuestions) {
            const { ms } = await ask(base[engine]!, urlFor(engine, ds, q))
            ;((cold[name] ??= {})[engine] ??= []).push(ms)
          }
        }
      }
      for (const [name] of coldQuestions)
        rows.push({
          dataset: ds.id,
          path: name,
          mode: 'first request after start',
          unit: 'ms',
          value: Object.fromEntries(ENGINES.map((e) => [e, median(cold[name][e]!)])),
          extra: {},
          agree: '',
        })
      progress(`[postgis] ${ds.id}: cold measured`)

      // 3. single requests, interleaved rounds: a new day each round (cache miss), then the same again (warm)
      const single: Record<string, Partial<Record<EngineName, number[]>>> = {}
      const agreeCount: Record<string, { ok: number; all: number }> = {}
      const note = (key: string, engine: EngineName, ms: number) => ((single[key] ??= {})[engine] ??= []).push(ms)
      const points = probePoints(ROUNDS * POINTS_PER_ROUND, 77 + ds.id.length)
      for (let r = 0; r < ROUNDS; r++) {
        const day = 8 + ((r * 11) % Math.max(1, last - 8))
        for (const name of ['map', 'distance', 'route', 'changes'] as const) {
          const q = questions[name](day)
          const answers: Partial<Record<EngineName, Answer>> = {}
          for (const engine of rotate(ENGINES, r)) {
            const miss = await ask(base[engine]!, urlFor(engine, ds, q))
            note(`${name}|miss`, engine, miss.ms)
            const warm = await ask(base[engine]!, urlFor(engine, ds, q))
            note(`${name}|warm`, engine, warm.ms)
            if (q.kind === 'map') {
              // Another instant of the same day (the same validity interval): the interval's map, a cache hit by design.
              const later = await ask(base[engine]!, urlFor(engine, ds, { kind: 'map', at: q.at.replace('T12:00:00Z', 'T18:00:00Z') }))
              note('map|interval', engine, later.ms)
            }
            answers[engine] = reduce(q, miss.body)
          }
          const a = (agreeCount[name] ??= { ok: 0, all: 0 })
          a.all++
          if (compare(`${name} day ${day}`, q, answers)) a.ok++
        }
        for (let k = 0; k < POINTS_PER_ROUND; k++) {
          const [lon, lat] = points[r * POINTS_PER_ROUND + k]
          const q: Question = { kind: 'point', lon, lat, at: noon(day) }
          const answers: Partial<Record<EngineName, Answer>> = {}
          for (const engine of rotate(ENGINES, r + k)) {
            const res = await ask(base[engine]!, urlFor(engine, ds, q))
            note('point|miss', engine, res.ms)
            answers[engine] = reduce(q, res.body)
          }
          const a = (agreeCount.point ??= { ok: 0, all: 0 })
          a.all++
          if (compare(`point ${lon},${lat} day ${day}`, q, answers)) a.ok++
        }
      }
      const agreeText = (name: string) => {
        const a = agreeCount[name]
        return a.ok === a.all ? `yes (${a.all}${name === 'point' ? ' points' : ' dates'})` : `NO (${a.all - a.ok} of ${a.all} differ)`
      }
      for (const [name, mode, label] of [
        ['map', 'miss', 'map at a new date (cache miss)'],
        ['map', 'warm', 'map, repeated date'],
        ['map', 'interval', 'map, another instant of that day'],
        ['point', 'miss', 'who holds a point (new point)'],
        ['distance', 'miss', `distance side:${ds.distance.side} → ${ds.distance.feature}, new date`],
        ['distance', 'warm', 'distance, repeated'],
        ['route', 'miss', 'route severance, new date'],
        ['route', 'warm', 'route severance, repeated'],
        ['changes', 'miss', 'changes 7 days apart, new dates'],
        ['changes', 'warm', 'changes, repeated'],
      ] as const)
        rows.push({
          dataset: ds.id,
          path: label,
          mode: 'single',
          unit: 'ms',
          value: Object.fromEntries(ENGINES.map((e) => [e, median(single[`${name}|${mode}`][e]!)])),
          extra: {},
          agree: mode === 'miss' ? agreeText(name) : '',
        })
      progress(`[postgis] ${ds.id}: single requests measured`)

      // 4. under load: autocannon, engines one after the other per path
      const atVarying = (n: number) => new Date(Date.parse(`${dateOf(START, (n * 7919) % ds.days)}T00:00:00Z`) + (1 + (n % 80_000)) * 1000).toISOString()
      const loadPaths: [string, (engine: EngineName) => (n: number) => string][] = [
        ['map, varying instant (new key each request)', (engine) => (n) => urlFor(engine, ds, { kind: 'map', at: atVarying(n) })],
        ['map, repeated date', (engine) => () => urlFor(engine, ds, questions.map(last))],
        [
          'who holds a point, varying point',
          (engine) => (n) => {
            const [lon, lat] = [30.05 + ((n * 0.6180339887) % 1) * 9.9, 30.05 + ((n * 0.7548776662) % 1) * 4.9]
            return urlFor(engine, ds, { kind: 'point', lon: Math.round(lon * 1e5) / 1e5, lat: Math.round(lat * 1e5) / 1e5, at: noon(last) })
          },
        ],
      ]
      for (const [label, pathOf] of loadPaths) {
        const figures: Partial<Record<EngineName, LoadFigures>> = {}
        for (const engine of ENGINES) figures[engine] = await loadRun(base[engine]!, pathOf(engine), CONNS, LOAD_S)
        rows.push({
          dataset: ds.id,
          path: label,
          mode: `${CONNS} connections, ${LOAD_S} s`,
          unit: 'req/s',
          value: Object.fromEntries(ENGINES.map((e) => [e, figures[e]!.rps])),
          extra: Object.fromEntries(
            ENGINES.map((e) => [
              e,
              `p99 ${figures[e]!.p99.toFixed(0)} ms${figures[e]!.non2xx + figures[e]!.errors ? `, ${figures[e]!.non2xx + figures[e]!.errors} bad` : ''}`,
            ]),
          ),
          agree: '',
        })
      }
      progress(`[postgis] ${ds.id}: load measured (${((performance.now() - t0) / 1000).toFixed(0)} s so far)`)
    }
    const rss = await Promise.all([pgl.call<{ rss: number }>('stats'), pgs.call<{ rss: number }>('stats'), peer.call<{ rss: number }>('stats')])
    versions.push(
      `process RSS at the end: PGlite ${(rss[0].rss / 2 ** 20).toFixed(0)} MiB, PostgreSQL mode ${(rss[1].rss / 2 ** 20).toFixed(0)} MiB, PostGIS peer (node side only) ${(rss[2].rss / 2 ** 20).toFixed(0)} MiB`,
    )
    await Promise.all([pgl.call('close'), pgs.call('close'), peer.call('close')])
  } finally {
    for (const child of Object.values(children)) child.kill()
  }
  const wallS = (performance.now() - t0) / 1000
  return format(rows, disagreements, [...samples.values()], [form, ...versions], loadAtStart, wallS)
}

function rotate<T>(xs: T[], k: number): T[] {
  const s = ((k % xs.length) + xs.length) % xs.length
  return [...xs.slice(s), ...xs.slice(0, s)]
}

const fmtMs = (x: number) =>
  x >= 10_000 ? `${(x / 1000).toFixed(1)} s` : x >= 100 ? `${x.toFixed(0)} ms` : x >= 10 ? `${x.toFixed(1)} ms` : `${x.toFixed(2)} ms`

/** Numbers to 3 decimals, for printing. */
function round3(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value), (_, v: unknown) => (typeof v === 'number' ? Math.round(v * 1000) / 1000 : v))
}

const FRONTLINE = ['PGlite', 'PostgreSQL'] as const

/** Frontline's cost ÷ PostGIS's: time ÷ time, or PostGIS req/s ÷ Frontline req/s under load. Above 1: Frontline slower. */
function ratioOf(r: Row, e: EngineName): number {
  return r.unit === 'ms' ? r.value[e]! / r.value.PostGIS! : r.value.PostGIS! / r.value[e]!
}

const fmtRatio = (x: number) => `${x >= 10 ? x.toFixed(0) : x.toFixed(2)}×`

function format(rows: Row[], disagreements: string[], samples: string[], versions: string[], loadAtStart: number[], wallS: number): string[] {
  const header = ['data', 'path', 'mode', 'PGlite', 'PostgreSQL', 'PostGIS', 'PGlite ÷ PostGIS', 'PostgreSQL ÷ PostGIS', 'answers agree']
  const body = rows.map((r) => {
    const cell = (e: EngineName) => {
      const v = r.value[e]!
      const text = r.unit === 'ms' ? fmtMs(v) : `${Math.round(v).toLocaleString('en')} req/s`
      return r.extra[e] ? `${text} (${r.extra[e]})` : text
    }
    const ratio = (e: EngineName) => {
      const x = ratioOf(r, e)
      return x > 1 ? `${fmtRatio(x)} SLOWER (not met)` : fmtRatio(x)
    }
    return [r.dataset, r.path, r.mode, cell('PGlite'), cell('PostgreSQL'), cell('PostGIS'), ratio('PGlite'), ratio('PostgreSQL'), r.agree]
  })
  const slower = rows.filter((r) => FRONTLINE.some((e) => ratioOf(r, e) > 1))
  const notMet = FRONTLINE.reduce((n, e) => n + rows.filter((r) => ratioOf(r, e) > 1).length, 0)
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)))
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`
  const cpus = os.cpus()
  return [
    '## PostGIS as the peer (bench/postgis.ts)',
    '',
    `machine: ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, node ${process.version}; load average at start ${loadAtStart.map((x) => x.toFixed(2)).join(' ')}, ` +
      `at end ${os
        .loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
    ...versions,
    '',
    ...DATASETS.map((d) => `- ${d.id}: ${d.title}`),
    '',
    line(header),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...body.map(line),
    '',
    slower.length
      ? `Not met — Frontline slower than PostGIS (ratio > 1.0; issue 15 asks ≤ 1.0) in ${notMet} of ${rows.length * FRONTLINE.length} ratios, on ${slower.length} of ${rows.length} paths:`
      : `Met: every ratio ≤ 1.0 (Frontline at least as fast as PostGIS on all ${rows.length} paths, both engines).`,
    ...slower.map(
      (r) => `- ${r.dataset}, ${r.path}, ${r.mode}: ${FRONTLINE.map((e) => `${e} ${fmtRatio(ratioOf(r, e))}${ratioOf(r, e) > 1 ? '' : ' (met)'}`).join(', ')}`,
    ),
    '',
    'Ratio = Frontline ÷ PostGIS: time over time for single requests, PostGIS req/s over Frontline req/s under load; above 1 Frontline is slower. ' +
      'Single requests: medians over interleaved rounds (engine order rotated each round); "new date" is a day not asked before in that run, ' +
      '"repeated" the same request right after. First request after start: a fresh app (empty caches) over the stored rows, median of the restarts. ' +
      'Answers: holders equal; km per side, distance and gained/lost km² within 0.5 % (Frontline on a sphere, PostGIS geography on the WGS84 spheroid); severed flags equal; map feature counts equal; import row counts equal.',
    ...(disagreements.length ? ['', 'Disagreements:', ...disagreements.map((d) => `- ${d}`)] : []),
    '',
    'Sample answers (the last compared date of each question; km, km²):',
    ...samples.map((line) => `- ${line}`),
    '',
    `(PostGIS comparison wall time ${wallS.toFixed(0)} s)`,
  ]
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const started = performance.now()
  runPostgis({ quick: process.argv.includes('--quick') }).then(
    (lines) => {
      process.stdout.write(`${lines.join('\n')}\n`)
      process.stderr.write(`done in ${((performance.now() - started) / 1000).toFixed(0)} s\n`)
      process.exit(0)
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof SetupError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
      process.exit(1)
    },
  )
}
