// Scale benchmark (issue 5): long synthetic daily histories imported through the service functions,
// then the HTTP API under load, on embedded PGlite and on PostgreSQL side by side. Every figure is
// set against a ceiling measured in the same run. Printing only: no assertions.
// Run: npx tsx bench/scale.ts (or npm run bench, which runs bench/analysis.ts first).
import os from 'node:os'
import pg from 'pg'
import { Child, type LoadFigures, loadRun, settle } from './common.js'
import { dateOf, syntheticHistory } from './history.js'
import type { CeilingReport, Engine, HistorySetting, ImportReport } from './scale-worker.js'

export const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/test'

/** ~110k vertices and 240 polygons a day: a front the size of a country at a few-hundred-metre detail. */
const LARGE: HistorySetting = { seed: 11, bands: 120, verticesPerSnapshot: 110_000 }
/** ~5k vertices and 200 polygons a day. */
const SMALL: HistorySetting = { seed: 12, bands: 100, verticesPerSnapshot: 5_000 }
const START = '2023-01-01'
const CONNECTIONS = [1, 10, 50]
// Days and seconds per load run, sized so that the whole `npm run bench` fits its ten minutes on a
// 2-core machine: per engine 6 queries × 3 concurrencies × (1 s ceiling + 2 s load) = 54 s, flatness
// 9 × 1 s, warm analyses 5 × 1 s. `--quick` (a smoke run while developing) shrinks them further.
const PLAN = { largeDays: 365, smallDays: 400, loadS: 2, ceilingS: 1, flatS: 1, warmS: 1 }
const QUICK = { largeDays: 20, smallDays: 40, loadS: 1, ceilingS: 1, flatS: 1, warmS: 1 }
/** Everything but the large import, per engine (small imports, ceilings, load runs and their pauses, analysis): about 100 s on 2 cores. */
const FIXED_S_GUESS = 100
/** The large import never gets less than this per engine, whatever the budget says. */
const LARGE_IMPORT_MIN_S = 20
const ACCEPT_COMPRESSED = { 'accept-encoding': 'gzip, deflate, br' }
const ENGINE_NAMES: Record<Engine, string> = { pglite: 'PGlite (in memory)', postgres: 'PostgreSQL' }
const SHORT_NAMES: Record<Engine, string> = { pglite: 'PGlite', postgres: 'PostgreSQL' }

export interface ScaleOptions {
  /** seconds the whole scale benchmark may take; the large import is capped to fit */
  budgetS?: number
  pgUrl?: string
  progress?: (line: string) => void
  quick?: boolean
}

interface EngineResult {
  engine: Engine
  version: string
  openMs: number
  large: ImportReport
  largeCeiling: CeilingReport
  small: ImportReport
  smallCeiling: CeilingReport
  flatImports: ImportReport[]
  bodies: Record<string, string>
  control: { query: string; connections: number; app: LoadFigures; ceiling: LoadFigures }[]
  flat: { days: number; connections: number; load: LoadFigures }[]
  flatPoint: { days: number; load: LoadFigures }[]
  analysis: { name: string; coldMs: number; coldStatus: number; coldCache: string; secondCache: string; warm: LoadFigures }[]
  analysisHitRate: number
  memory: { afterOpen: number; afterImport: number; afterLoad: number; heapAfterLoad: number; cacheSize: number; cacheBytes: number | null; hitRate: number }
  wallS: number
}

async function postgresReachable(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 })
  try {
    await client.connect()
    await client.query('SELECT 1')
    return undefined
  } catch (error) {
    return error instanceof Error ? error.message : String(error)
  } finally {
    await client.end().catch(() => undefined)
  }
}

/** A pseudo-random instant within the first `days` days, a few seconds apart: a distinct cache key each. */
function varyingInstant(days: number, n: number): string {
  const day = (n * 7919) % days
  const seconds = 1 + (n % 80_000)
  return new Date(Date.parse(`${START}T00:00:00Z`) + day * 86_400_000 + seconds * 1000).toISOString().replace('.000Z', 'Z')
}

async function runEngine(engine: Engine, pgUrl: string, budgetMs: number, progress: (line: string) => void): Promise<EngineResult> {
  const t0 = performance.now()
  const worker = new Child('./scale-worker.ts')
  try {
    const { openMs, version } = await worker.call<{ openMs: number; version: string }>('open', { engine, url: pgUrl })
    const afterOpen = (await worker.call<{ rss: number }>('stats')).rss
    // The large import gets what the engine's share of the budget leaves after everything else.
    const capMs = Math.max(LARGE_IMPORT_MIN_S * 1000, budgetMs - FIXED_S_GUESS * 1000 - (performance.now() - t0))
    progress(
      `[${engine}] open + migrate ${(openMs / 1000).toFixed(1)} s (${version}); importing ${PLAN.largeDays} large snapshots (cap ${(capMs / 1000).toFixed(0)} s)`,
    )

    // 1. imports, each with its ceiling
    const large = await worker.call<ImportReport>('importHistory', { datasetId: 'large', setting: LARGE, days: PLAN.largeDays, capMs, start: START })
    progress(`[${engine}] large: ${large.days} snapshots in ${(large.importMs / 1000).toFixed(1)} s; ceiling`)
    const largeCeiling = await worker.call<CeilingReport>('ceiling', { datasetId: 'large' })
    const small = await worker.call<ImportReport>('importHistory', { datasetId: 'small', setting: SMALL, days: PLAN.smallDays, capMs: 120_000, start: START })
    progress(`[${engine}] small: ${small.days} snapshots in ${(small.importMs / 1000).toFixed(1)} s; ceiling`)
    const smallCeiling = await worker.call<CeilingReport>('ceiling', { datasetId: 'small' })
    const flatImports: ImportReport[] = []
    for (const days of [10, 100]) {
      flatImports.push(await worker.call<ImportReport>('importHistory', { datasetId: `small-${days}`, setting: SMALL, days, capMs: 60_000, start: START }))
    }
    await worker.call('features', { datasetId: 'large' })
    const afterImport = (await worker.call<{ rss: number }>('stats')).rss

    // 2. control under load, against a ceiling route answering the same bytes
    const { port } = await worker.call<{ port: number }>('serve')
    const base = `http://127.0.0.1:${port}`
    const last = large.days - 1
    const at = dateOf(START, last)
    const queries: [string, string, Record<string, string>][] = [
      ['map, repeated date', `/v1/control?dataset=large&at=${at}`, {}],
      ['map, repeated date, br accepted', `/v1/control?dataset=large&at=${at}`, ACCEPT_COMPRESSED],
      ['bbox, repeated date', `/v1/control?dataset=large&at=${at}&bbox=34,32,36,33`, {}],
      ['point', `/v1/control/point?dataset=large&lon=35&lat=32.5&at=${at}`, {}],
      // The OGC face over the same cache: items for an instant, and a warm vector tile around 35°E 32.5°N (z 8).
      ['OGC items, repeated date', `/collections/large-areas/items?datetime=${at}&limit=10000`, {}],
      ['MVT tile z8, repeated date', `/collections/large-areas/tiles/WebMercatorQuad/8/103/152?datetime=${at}`, {}],
    ]
    const bodies: Record<string, string> = {}
    for (const [name, url, headers] of queries) {
      const primed = await worker.call<{ bytes: number; encoding: string }>('prime', { name: slug(name), url, headers })
      bodies[name] = `${mb(primed.bytes)}${primed.encoding === 'identity' ? '' : ` ${primed.encoding}`}`
    }
    progress(`[${engine}] control under load (${queries.length} queries × ${CONNECTIONS.length} concurrencies × ${PLAN.loadS} s, and the ceiling)`)
    const control: EngineResult['control'] = []
    for (const [name, url, headers] of queries) {
      for (const connections of CONNECTIONS) {
        const ceiling = await loadRun(base, `/bench/ceiling/${slug(name)}`, connections, PLAN.ceilingS, headers)
        const app = await loadRun(base, url, connections, PLAN.loadS, headers)
        control.push({ query: name, connections, app, ceiling })
      }
    }
    progress(`[${engine}] latency flatness over history length`)
    const flat: EngineResult['flat'] = []
    const flatPoint: EngineResult['flatPoint'] = []
    const histories = [
      ['small-10', flatImports[0].days],
      ['small-100', flatImports[1].days],
      ['small', small.days],
    ] as const
    for (const [datasetId, days] of histories) {
      for (const connections of [1, 10]) {
        flat.push({
          days,
          connections,
          load: await loadRun(base, (n) => `/v1/control?dataset=${datasetId}&at=${encodeURIComponent(varyingInstant(days, n))}`, connections, PLAN.flatS),
        })
      }
    }
    // Who holds a point answers "since when" too: it reads the point's whole history.
    for (const [datasetId, days] of histories) {
      flatPoint.push({
        days,
        load: await loadRun(
          base,
          (n) => `/v1/control/point?dataset=${datasetId}&lon=35&lat=32.5&at=${encodeURIComponent(varyingInstant(days, n))}`,
          1,
          PLAN.flatS,
        ),
      })
    }

    // 3. analysis: cold (first request, computes and caches), then warm (the same request again)
    progress(`[${engine}] analysis, cold and warm`)
    const before = await worker.call<{ hits: number; misses: number }>('stats')
    const analyses: [string, string][] = [
      ['fronts west|east', `/v1/analysis/fronts?dataset=large&at=${dateOf(START, last)}&sides=west,east`],
      ['distance side:west → city', `/v1/analysis/distance?dataset=large&from=side:west&to=feature:city&at=${dateOf(START, Math.max(0, last - 1))}`],
      ['route highway (owner east)', `/v1/analysis/route?dataset=large&feature=highway&at=${dateOf(START, Math.max(0, last - 2))}`],
      [
        'changes, consecutive days',
        `/v1/analysis/changes?dataset=large&start=${dateOf(START, Math.max(0, last - 4))}&end=${dateOf(START, Math.max(0, last - 3))}`,
      ],
      [
        'changes, 7 days apart',
        `/v1/analysis/changes?dataset=large&start=${dateOf(START, Math.max(0, last - 12))}&end=${dateOf(START, Math.max(0, last - 5))}`,
      ],
    ]
    const analysis: EngineResult['analysis'] = []
    for (const [name, url] of analyses) {
      const c0 = performance.now()
      const cold = await fetch(`${base}${url}`)
      await cold.arrayBuffer()
      const coldMs = performance.now() - c0
      await settle(base)
      const second = await fetch(`${base}${url}`)
      await second.arrayBuffer()
      // An answer that failed (503 past the time budget) is not cached: load would only queue recomputations.
      const warm = cold.status === 200 ? await loadRun(base, url, 10, PLAN.warmS) : { rps: 0, p50: 0, p99: 0, non2xx: 0, errors: 0 }
      analysis.push({
        name,
        coldMs,
        coldStatus: cold.status,
        coldCache: cold.headers.get('x-cache') ?? '-',
        secondCache: second.headers.get('x-cache') ?? '-',
        warm,
      })
      progress(`[${engine}]   ${name}: cold ${coldMs.toFixed(0)} ms (${cold.status}), warm ${warm.rps.toFixed(0)} req/s`)
    }
    const after = await worker.call<{ rss: number; heapUsed: number; cacheSize: number; cacheBytes: number | null; hits: number; misses: number }>('stats')
    const hits = after.hits - before.hits
    const misses = after.misses - before.misses
    await worker.call('close')
    return {
      engine,
      version,
      openMs,
      large,
      largeCeiling,
      small,
      smallCeiling,
      flatImports,
      bodies,
      control,
      flat,
      flatPoint,
      analysis,
      analysisHitRate: hits / Math.max(1, hits + misses),
      memory: {
        afterOpen,
        afterImport,
        afterLoad: after.rss,
        heapAfterLoad: after.heapUsed,
        cacheSize: after.cacheSize,
        cacheBytes: after.cacheBytes,
        hitRate: after.hits / Math.max(1, after.hits + after.misses),
      },
      wallS: (performance.now() - t0) / 1000,
    }
  } finally {
    worker.kill()
  }
}

// ---- printing ----

const int = (x: number) => Math.round(x).toLocaleString('en')
const ms = (x: number) => (x >= 10_000 ? `${(x / 1000).toFixed(1)} s` : x >= 100 ? `${x.toFixed(0)} ms` : `${x.toFixed(1)} ms`)
const mb = (bytes: number) =>
  bytes >= 10 * 2 ** 20 ? `${(bytes / 2 ** 20).toFixed(0)} MiB` : bytes >= 2 ** 20 ? `${(bytes / 2 ** 20).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(0)} KiB`
const pct = (x: number) => `${(100 * x).toFixed(0)} %`
const slug = (name: string) => name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)))
  const line = (cells: string[]) => `| ${cells.map((cell, i) => (cell ?? '').padEnd(widths[i])).join(' | ')} |`
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)]
}

function importRows(label: string, pick: (r: EngineResult) => ImportReport, ceil: (r: EngineResult) => CeilingReport, results: EngineResult[]): string[][] {
  const row = (name: string, f: (r: EngineResult, i: ImportReport, c: CeilingReport) => string) => [
    `${label}: ${name}`,
    ...results.map((r) => f(r, pick(r), ceil(r))),
  ]
  return [
    row('snapshots imported', (_, i) => `${int(i.days)} of ${int(i.daysRequested)}${i.capped ? ' (time cap)' : ''}`),
    row('per snapshot', (_, i) => `${i.polygons} polygons, ${int(i.verticesPerSnapshot)} vertices, ${i.changedPerDay.toFixed(1)} changed/day`),
    row('import time (service functions)', (_, i) => `${ms(i.importMs)}`),
    row('snapshots/s', (_, i) => i.snapshotsPerS.toFixed(1)),
    row(
      'ms/snapshot p50 (days 1–10 % → last 10 %), max',
      (_, i) => `${ms(i.msPerSnapshot.p50)} (${ms(i.msPerSnapshot.firstP50)} → ${ms(i.msPerSnapshot.lastP50)}), ${ms(i.msPerSnapshot.max)}`,
    ),
    row(
      'rows written: imports / geometries / control_areas (current)',
      (_, i) => `${int(i.rows.imports)} / ${int(i.rows.geometries)} / ${int(i.rows.controlAreas)} (${int(i.rows.controlAreasCurrent)})`,
    ),
    row('storage: control_areas + geometries, indexes, TOAST', (_, i) => mb(i.bytes.total)),
    row('bytes per snapshot (storage / days)', (_, i) => int(i.bytes.perSnapshot)),
    row('day 0, then bytes per added day', (_, i) => `${mb(i.bytes.afterDay0)}, then ${int(i.bytes.perAddedDay)}`),
    row(
      'naive copy-every-polygon-every-day (payload only)',
      (_, i) => `${mb(i.bytes.naive)} (${int(i.bytes.naivePerDay)}/day), ${(i.bytes.naive / i.bytes.total).toFixed(1)}× the real store`,
    ),
    row('ceiling: same rows, one bulk transaction', (_, __, c) => `${ms(c.ms)} (${int(c.rows.geometries)} geometries, ${int(c.rows.controlAreas)} areas)`),
    row('import time / ceiling time', (_, i, c) => `${(i.importMs / c.ms).toFixed(1)}×`),
  ]
}

export function formatResults(results: EngineResult[], notes: string[]): string[] {
  const out: string[] = []
  const names = results.map((r) => `${ENGINE_NAMES[r.engine]}`)
  out.push('## Scale benchmark', '')
  out.push(...notes.map((note) => `- ${note}`), '')
  const l = results[0].large
  const s = results[0].small
  out.push(
    `Histories (seeded, bench/history.ts): large = ${LARGE.bands} bands, ${l.polygons} polygons and ${int(l.verticesPerSnapshot)} vertices a day, ` +
      `${PLAN.largeDays} days asked; small = ${SMALL.bands} bands, ${s.polygons} polygons and ${int(s.verticesPerSnapshot)} vertices a day, ${PLAN.smallDays} days asked. ` +
      'About 3 % of the polygons change each day (a few fronts move a step); holes with islands of the other side (MultiPolygons) on every 6th band. ' +
      `A 1,000-day large history was not run: at the measured ${results.map((r) => `${ms(r.large.importMs / r.large.days)} (${r.engine})`).join(', ')} ` +
      `per large snapshot it would take ${results.map((r) => `${((1000 * r.large.importMs) / r.large.days / 1000).toFixed(0)} s`).join(' + ')} of imports alone, ` +
      'beyond the ten-minute budget of `npm run bench` on this machine.',
    '',
  )

  out.push('### 1. Import (importSnapshot, one transaction per daily snapshot)', '')
  out.push(
    ...table(
      ['', ...names],
      [
        ['engine', ...results.map((r) => `${r.version}, open + migrate ${ms(r.openMs)}`)],
        ...importRows(
          'large',
          (r) => r.large,
          (r) => r.largeCeiling,
          results,
        ),
        ...importRows(
          'small',
          (r) => r.small,
          (r) => r.smallCeiling,
          results,
        ),
      ],
    ),
  )
  out.push(
    '',
    'Ceiling: the rows the import wrote (imports, geometries, control_areas), read back and serialised beforehand, inserted with kysely in batches of ' +
      '≤1,000 rows / ≤200k vertices in ONE transaction into an empty schema migrated the same way. Naive store: each current row and its geometry ' +
      '(pg_column_size, as stored) counted once per day it holds, without page or index overhead.',
    '',
  )

  out.push(`### 2. Control at a date under load (autocannon, ${PLAN.loadS} s per cell; large history, at = last day)`, '')
  const bodyNote = results[0].bodies
  out.push(
    ...table(
      ['query', 'conns', ...results.flatMap((r) => [`${SHORT_NAMES[r.engine]} req/s`, 'p50 / p99', 'of ceiling (req/s)'])],
      results[0].control.map((row, k) => [
        row.query,
        String(row.connections),
        ...results.flatMap((r) => {
          const c = r.control[k]
          const err = c.app.non2xx + c.app.errors > 0 ? ` (${c.app.non2xx} non-2xx, ${c.app.errors} errors)` : ''
          return [`${int(c.app.rps)}${err}`, `${ms(c.app.p50)} / ${ms(c.app.p99)}`, `${pct(c.app.rps / c.ceiling.rps)} (${int(c.ceiling.rps)})`]
        }),
      ]),
    ),
  )
  out.push(
    '',
    `Answer sizes: ${Object.entries(bodyNote)
      .map(([name, size]) => `${name} ${size}`)
      .join('; ')}. ` +
      `Ceiling (${PLAN.ceilingS} s per cell): a route on the same app answering the bytes the same request got (compressed ones with their Content-Encoding), ` +
      'with the same content type, no database and no work. Target ≥ 70 % for repeated dates. The point answer is computed on every request (not cached). ' +
      "OGC items for an instant come from the map's cached features (the same as `/v1/control`), a tile from the tiles' cache once cut.",
    '',
  )

  out.push(
    `#### Latency flatness over history length: uncached answers (every request a distinct \`at\`, a few seconds apart; small setting; ${PLAN.flatS} s per cell)`,
    '',
  )
  const flatCells = (f: LoadFigures) => [`${ms(f.p50)} / ${ms(f.p99)}`, `${int(f.rps)}${f.non2xx + f.errors > 0 ? ` (${f.non2xx} non-2xx)` : ''}`]
  out.push(
    ...table(
      ['history', 'conns', ...results.flatMap((r) => [`${SHORT_NAMES[r.engine]} p50 / p99`, 'req/s'])],
      [
        ...results[0].flat.map((row, k) => [`map, ${int(row.days)} days`, String(row.connections), ...results.flatMap((r) => flatCells(r.flat[k].load))]),
        ...results[0].flatPoint.map((row, k) => [`point, ${int(row.days)} days`, '1', ...results.flatMap((r) => flatCells(r.flatPoint[k].load))]),
      ],
    ),
  )
  out.push(
    '',
    'map: `/v1/control` (each answer computed: a new cache key); point: `/v1/control/point` (never cached) at 35°E 32.5°N. ' +
      'The histories share their first days: only their length differs.',
    '',
  )

  out.push(`### 3. Analysis under load (large history; warm = the same request repeated, 10 connections, ${PLAN.warmS} s)`, '')
  out.push(
    ...table(
      ['analysis', ...results.flatMap((r) => [`${SHORT_NAMES[r.engine]} cold`, 'x-cache 1st, 2nd', 'warm req/s', 'warm p50 / p99'])],
      [
        ...results[0].analysis.map((row, k) => [
          row.name,
          ...results.flatMap((r) => {
            const a = r.analysis[k]
            const status = a.coldStatus === 200 ? '' : ` (HTTP ${a.coldStatus})`
            const err = a.warm.non2xx + a.warm.errors > 0 ? ` (${a.warm.non2xx} non-2xx)` : ''
            return [`${ms(a.coldMs)}${status}`, `${a.coldCache}, ${a.secondCache}`, `${int(a.warm.rps)}${err}`, `${ms(a.warm.p50)} / ${ms(a.warm.p99)}`]
          }),
        ]),
        ['cache hit rate during analysis', ...results.flatMap((r) => [pct(r.analysisHitRate), '', '', ''])],
      ],
    ),
  )
  out.push('')

  out.push('### 4. Memory (the engine process: server, cache and, for PGlite, the database itself)', '')
  out.push(
    ...table(
      ['', ...names],
      [
        ['RSS after open + migrate', ...results.map((r) => mb(r.memory.afterOpen))],
        ['RSS after imports', ...results.map((r) => mb(r.memory.afterImport))],
        ['RSS after load runs', ...results.map((r) => mb(r.memory.afterLoad))],
        ['JS heap after load runs', ...results.map((r) => mb(r.memory.heapAfterLoad))],
        ['cache entries (CACHE_ENTRIES, the default 5,000)', ...results.map((r) => int(r.memory.cacheSize))],
        ['cache size as the cache estimates it', ...results.map((r) => (r.memory.cacheBytes === null ? 'n/a' : mb(r.memory.cacheBytes)))],
        ['cache hit rate, whole run', ...results.map((r) => pct(r.memory.hitRate))],
        ['engine wall time', ...results.map((r) => `${r.wallS.toFixed(0)} s`)],
      ],
    ),
  )
  out.push('', "PostgreSQL's own memory (its server processes) is not in these figures.")
  return out
}

export function machineLines(): string[] {
  const cpus = os.cpus()
  return [
    `machine: ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB memory, ` +
      `${os.platform()} ${os.release()} ${os.arch()}, node ${process.version}, ${new Date().toISOString()}, ` +
      `load average at start ${os
        .loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
  ]
}

/** Runs the scale benchmark on every reachable engine and returns the printed lines. */
export async function runScale(options: ScaleOptions = {}): Promise<string[]> {
  const progress = options.progress ?? ((line: string) => process.stderr.write(`${line}\n`))
  const pgUrl = options.pgUrl ?? DEFAULT_PG_URL
  const budgetS = options.budgetS ?? 480
  if (options.quick) Object.assign(PLAN, QUICK)
  const t0 = performance.now()
  const notes: string[] = []
  const engines: Engine[] = ['pglite']
  const unreachable = await postgresReachable(pgUrl)
  if (unreachable) notes.push(`PostgreSQL at ${pgUrl} is not reachable (${unreachable}): PGlite only.`)
  else engines.push('postgres')
  // Check the generator once (cheap): the figures below mean nothing on a broken history.
  syntheticHistory({ ...LARGE, days: 1 })

  const results: EngineResult[] = []
  for (const [i, engine] of engines.entries()) {
    // What is left of the budget, shared by the engines still to run.
    const leftS = budgetS - (performance.now() - t0) / 1000
    try {
      results.push(await runEngine(engine, pgUrl, (leftS / (engines.length - i)) * 1000, progress))
    } catch (error) {
      const message = error instanceof Error ? error.message.split('\n')[0] : String(error)
      notes.push(`${ENGINE_NAMES[engine]} run failed: ${message}`)
      progress(`[${engine}] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
    }
  }
  if (results.length === 0) return ['## Scale benchmark', '', ...notes.map((note) => `- ${note}`)]
  notes.push(
    `engines run one after the other, each in its own process; autocannon runs in the parent process; scale wall time ${((performance.now() - t0) / 1000).toFixed(0)} s.`,
  )
  return formatResults(results, notes)
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runScale({ quick: process.argv.includes('--quick') })
    .then((lines) => process.stdout.write(`${[...machineLines(), '', ...lines].join('\n')}\n`))
    .catch((error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
      process.exit(1)
    })
}
