// Flood: twelve clients asking the heaviest analysis (changes) without pause, while /health,
// /ready and a cached map are probed every 20 ms. The target: those answer under 50 ms p99 while
// the worker pool is saturated (the ceiling, set by the reliability issue), on each engine. Once
// with the flood spread over many client addresses' worth of share (every request admitted), once
// with the default share of one client (most of the flood refused with 429 at once).
// Printing only: the target lives here. test/serial/flood.test.ts asserts what does not depend on the
// machine's noise: the share held, and probes never held behind an analysis.
import autocannon from 'autocannon'
import pg from 'pg'
import { seedHeavyOverHttp, startAppProcess } from '../test/reliability/heavy.js'
import { DEFAULT_PG_URL } from './scale.js'

const TOKEN = 'bench-flood-token'
const CEILING_MS = 50
// 10 s of flood per case (four cases): enough probes for a p99, and the whole `npm run bench` inside ten minutes.
const FLOOD_S = 10
const DAYS = 8
const VERTICES = 5000

const percentile = (samples: number[], p: number) => {
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * p) - 1))] ?? NaN
}

interface FloodFigures {
  answered: number
  refused: number
  unavailable: number
  probes: Record<string, { p50: number; p99: number }>
}

async function call(base: string, path: string): Promise<Response> {
  const res = await fetch(`${base}${path}`)
  if (res.status >= 400) throw new Error(`${path}: ${res.status} ${await res.text()}`)
  return res
}

async function flood(base: string): Promise<FloodFigures> {
  const pairs = Array.from({ length: DAYS }, (_, a) => Array.from({ length: DAYS }, (_, b) => [a + 1, b + 1]))
    .flat()
    .filter(([a, b]) => a < b)
  let n = 0
  const map = '/v1/control?dataset=test&at=2024-11-02'
  await (await call(base, map)).arrayBuffer()
  const running = autocannon({
    url: base,
    connections: 12,
    duration: FLOOD_S,
    timeout: 60,
    requests: [
      {
        method: 'GET',
        setupRequest: (request) => {
          // Every request a distinct question: known_at moves by a second, so no answer is a cache hit.
          const [a, b] = pairs[n % pairs.length]
          const knownAt = new Date(Date.now() + 86_400_000 + n++ * 1000).toISOString()
          return { ...request, path: `/v1/analysis/changes?dataset=test&start=2024-11-0${a}&end=2024-11-0${b}&known_at=${knownAt}` }
        },
      },
    ],
  })
  const probes: Record<string, number[]> = { '/health': [], '/ready': [], 'cached map': [] }
  const until = Date.now() + FLOOD_S * 1000 - 500
  await new Promise((resolve) => setTimeout(resolve, 1000))
  while (Date.now() < until) {
    for (const [name, path] of [
      ['/health', '/health'],
      ['/ready', '/ready'],
      ['cached map', map],
    ]) {
      const started = performance.now()
      const res = await fetch(`${base}${path}`, { headers: { 'accept-encoding': 'identity' } })
      await res.arrayBuffer()
      probes[name].push(performance.now() - started)
    }
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  const result = await running
  const refused = result.statusCodeStats['429']?.count ?? 0
  const unavailable = result.statusCodeStats['503']?.count ?? 0
  return {
    answered: result.statusCodeStats['200']?.count ?? 0,
    refused,
    unavailable,
    probes: Object.fromEntries(Object.entries(probes).map(([name, samples]) => [name, { p50: percentile(samples, 0.5), p99: percentile(samples, 0.99) }])),
  }
}

export async function runFlood(pgUrl: string): Promise<string[]> {
  const lines = [
    '## Flood (bench/flood.ts)',
    '',
    `12 connections asking \`changes\` (${DAYS} daily maps of two ${VERTICES}-vertex areas; every request a distinct question) for ${FLOOD_S} s, ` +
      `probes every 20 ms; ceiling ${CEILING_MS} ms p99. "admitted": every request may queue for a worker (a share of 100); "one client's share": the default.`,
    '',
    '| engine | flood | answered | 429 | 503 | /health p50 / p99 | /ready p99 | cached map p99 | worst p99 / ceiling |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ]
  const engines: [string, string][] = [['PGlite', '']]
  const client = new pg.Client({ connectionString: pgUrl, connectionTimeoutMillis: 3000 })
  const reachable = await client.connect().then(
    () => true,
    () => false,
  )
  if (reachable) engines.push(['PostgreSQL', pgUrl])
  for (const [name, url] of engines) {
    for (const [label, env] of [
      ['admitted', { ANALYSIS_PER_CLIENT: '100', MAX_CONCURRENT_ANALYSES: '100' }],
      ["one client's share", {}],
    ] as const) {
      const schema = `bench_flood_${process.pid}_${label.length}`
      if (url) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
      const server = await startAppProcess({ API_TOKENS: TOKEN, ...env }, url, schema)
      try {
        await seedHeavyOverHttp(server.base, TOKEN, DAYS, VERTICES)
        const figures = await flood(server.base)
        const { '/health': health, '/ready': ready, 'cached map': map } = figures.probes
        const worst = Math.max(health.p99, ready.p99, map.p99)
        lines.push(
          `| ${name} | ${label} | ${figures.answered} | ${figures.refused} | ${figures.unavailable} | ${health.p50.toFixed(1)} / ${health.p99.toFixed(1)} ms | ` +
            `${ready.p99.toFixed(1)} ms | ${map.p99.toFixed(1)} ms | ${(worst / CEILING_MS).toFixed(2)} |`,
        )
        process.stderr.write(`${lines.at(-1)}\n`)
      } finally {
        await server.stop()
        if (url) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
      }
    }
  }
  if (reachable) await client.end()
  return [...lines, '']
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runFlood(process.env.BENCH_DATABASE_URL ?? DEFAULT_PG_URL)
    .then((lines) => process.stdout.write(`${lines.join('\n')}\n`))
    .catch((error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
      process.exit(1)
    })
}
