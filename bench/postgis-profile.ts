// Where Frontline's time goes on the paths the PostGIS comparison finds slower: one process, PGlite,
// the histories of bench/postgis-data.ts, each path asked through app.inject while the V8 CPU
// profiler runs; prints the functions with the most self time per path. A development aid.
// Run: npx tsx bench/postgis-profile.ts [union|bands] [path…]   (paths: import map point pointload distance route changes cold)
// TOP=n prints n functions a path (12); ANALYSIS_INLINE_US=n sets the app's bound (a large one profiles every analysis
// on this thread, where the profiler sees it).
import { Session } from 'node:inspector/promises'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { DATASETS, noon, probePoints } from './postgis-data.js'
import { prepareHistory } from './profile-history.js'

interface Node {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number; scriptId: string }
  hitCount: number
  children?: number[]
}

const profiledConfig = () =>
  loadConfig({ API_TOKENS: 'x', LOG_LEVEL: 'silent', ...(process.env.ANALYSIS_INLINE_US ? { ANALYSIS_INLINE_US: process.env.ANALYSIS_INLINE_US } : {}) })
const dsId = process.argv[2] ?? 'union'
const paths = process.argv.slice(3).length ? process.argv.slice(3) : ['import', 'map', 'point', 'distance', 'route', 'changes']
const ds = DATASETS.find((d) => d.id === dsId)!
const session = new Session()
session.connect()
await session.post('Profiler.enable')
if (process.env.SHOW_ANON) await session.post('Debugger.enable')
await session.post('Profiler.setSamplingInterval', { interval: 200 })

async function profiled(label: string, fn: () => Promise<unknown>): Promise<void> {
  await session.post('Profiler.start')
  const t = performance.now()
  await fn()
  const ms = performance.now() - t
  const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: { nodes: Node[]; startTime: number; endTime: number; samples: number[] } }
  const total = profile.nodes.reduce((n, node) => n + node.hitCount, 0)
  const self = new Map<string, number>()
  const byFile = new Map<string, number>()
  for (const node of profile.nodes) {
    const f = node.callFrame
    const where = f.url.includes('/work/main/')
      ? f.url.slice(f.url.indexOf('/work/main/') + 11)
      : f.url.startsWith('wasm://')
        ? 'PGlite (wasm)'
        : (f.url.split('/node_modules/').pop() ?? '')
    const key = `${f.functionName || `(anonymous col ${f.columnNumber})`} ${where}`
    self.set(key, (self.get(key) ?? 0) + node.hitCount)
    const file = where.startsWith('src/')
      ? where
      : where.startsWith('PGlite')
        ? where
        : where === ''
          ? f.functionName || '(program)'
          : `node_modules/${where.split('/')[0].replace(/^@.*/, where.split('/').slice(0, 2).join('/'))}`
    byFile.set(file, (byFile.get(file) ?? 0) + node.hitCount)
  }
  const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.TOP ?? 12))
  console.log(`\n### ${dsId} ${label}: ${ms.toFixed(0)} ms wall`)
  console.log(
    'by file: ' +
      [...byFile]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 10)
        .map(([k, v]) => `${k} ${((100 * v) / total).toFixed(0)} %`)
        .join(', '),
  )
  for (const [key, hits] of top) console.log(`${((100 * hits) / total).toFixed(1).padStart(5)} %  ${key}`)
  // Anonymous functions of ours: show the code they start with (tsx reports positions in its output).
  if (process.env.SHOW_ANON) {
    const seen = new Set<string>()
    for (const node of profile.nodes) {
      const f = node.callFrame
      if (f.functionName || !f.url.includes('/work/main/src/') || seen.has(`${f.scriptId}:${f.lineNumber}:${f.columnNumber}`)) continue
      const key = `(anonymous col ${f.columnNumber}) ${f.url.slice(f.url.indexOf('/work/main/') + 11)}`
      if (!top.some(([k]) => k === key)) continue
      seen.add(`${f.scriptId}:${f.lineNumber}:${f.columnNumber}`)
      const { scriptSource } = (await session.post('Debugger.getScriptSource', { scriptId: f.scriptId })) as { scriptSource: string }
      const line = scriptSource.split('\n')[f.lineNumber] ?? ''
      console.log(`   ${key} line ${f.lineNumber}: ${line.slice(Math.max(0, f.columnNumber - 150), f.columnNumber + 250)}`)
    }
  }
}

const { database, importSnapshots: doImport } = await prepareHistory(ds)
if (paths.includes('import')) await profiled('import (all snapshots)', doImport)
else await doImport()

let app: FastifyInstance = await buildApp({ config: profiledConfig(), database, logger: false })
const get = async (url: string) => {
  const res = await app.inject({ url })
  if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 200)}`)
}
const last = ds.days - 1
const d = `dataset=${ds.id}`
if (paths.includes('cold')) {
  await profiled('first request after start: map', () => get(`/v1/control?${d}&at=${noon(last)}`))
  await profiled('first request after start: point', () => get(`/v1/control/point?${d}&lon=36&lat=32.5&at=${noon(last)}`))
  await profiled('first request after start: distance', () =>
    get(`/v1/analysis/distance?${d}&from=side:${ds.distance.side}&to=feature:${ds.distance.feature}&at=${noon(last)}`),
  )
  await profiled('first request after start: route', () => get(`/v1/analysis/route?${d}&feature=highway&at=${noon(last)}`))
  await profiled('first request after start: changes', () => get(`/v1/analysis/changes?${d}&start=${noon(last - 7)}&end=${noon(last)}&polygons=false`))
  await app.close()
  app = await buildApp({ config: profiledConfig(), database, logger: false })
}
await get(`/v1/control?${d}&at=${noon(0)}`)
// The analysis worker thread boots on the first analysis (seconds, see cold): boot it outside the profiles.
await get(`/v1/analysis/distance?${d}&from=side:${ds.distance.side}&to=feature:${ds.distance.feature}&at=${noon(1)}`)
const days = Array.from({ length: Math.min(30, last - 8) }, (_, k) => 8 + k)
if (paths.includes('map'))
  await profiled(`map cache miss × ${days.length} days`, async () => {
    for (const day of days) await get(`/v1/control?${d}&at=${noon(day)}`)
  })
if (paths.includes('point')) {
  const pts = probePoints(300, 5)
  await profiled('who holds a point × 300 new points', async () => {
    for (const [lon, lat] of pts) await get(`/v1/control/point?${d}&lon=${lon}&lat=${lat}&at=${noon(last)}`)
  })
}
if (paths.includes('pointload')) {
  // The load run's points (bench/postgis.ts), every shape already prepared: what a request costs the thread that answers.
  await app.readModel.warm()
  const url = (n: number) =>
    `/v1/control/point?${d}&lon=${Math.round((30.05 + ((n * 0.6180339887) % 1) * 9.9) * 1e5) / 1e5}&lat=${Math.round((30.05 + ((n * 0.7548776662) % 1) * 4.9) * 1e5) / 1e5}&at=${noon(last)}`
  for (let n = 0; n < 500; n++) await get(url(n + 100_000))
  await profiled('who holds a point × 3,000 varying points, shapes prepared', async () => {
    for (let n = 0; n < 3000; n++) await get(url(n))
  })
}
if (paths.includes('distance'))
  await profiled(`distance new date × ${days.length}`, async () => {
    for (const day of days) await get(`/v1/analysis/distance?${d}&from=side:${ds.distance.side}&to=feature:${ds.distance.feature}&at=${noon(day)}`)
  })
if (paths.includes('route'))
  await profiled(`route new date × ${days.length}`, async () => {
    for (const day of days) await get(`/v1/analysis/route?${d}&feature=highway&at=${noon(day)}`)
  })
if (paths.includes('changes'))
  await profiled(`changes 7 days apart, new dates × 10`, async () => {
    for (const day of days.slice(0, 10)) await get(`/v1/analysis/changes?${d}&start=${noon(day - 7)}&end=${noon(day)}&polygons=false`)
  })
if (paths.includes('bodies')) {
  // What the worker does to every analysis answer before it replies: brotli (q5) and gzip of the body.
  const { CachedBody } = await import('../src/read/cache.js')
  for (const url of [
    `/v1/control?${d}&at=${noon(last)}`,
    `/v1/analysis/distance?${d}&from=side:${ds.distance.side}&to=feature:${ds.distance.feature}&at=${noon(last)}`,
    `/v1/analysis/route?${d}&feature=highway&at=${noon(last)}`,
    `/v1/analysis/changes?${d}&start=${noon(last - 7)}&end=${noon(last)}&polygons=false`,
  ]) {
    const res = await app.inject({ url })
    const t = performance.now()
    for (let i = 0; i < 5; i++) CachedBody.rendered(res.rawPayload)
    console.log(`${url.split('?')[0]}: ${(res.rawPayload.length / 1024).toFixed(1)} KiB, CachedBody.rendered ${((performance.now() - t) / 5).toFixed(2)} ms`)
  }
}
await app.close()
await database.close()
process.exit(0)
