// Serial: asserts latencies, so it runs alone (tap's serial directory), never beside another test file.
import pg from 'pg'
import t from 'tap'
import { TOKEN } from '../helpers.js'
import { seedHeavyOverHttp, startAppProcess } from '../reliability/heavy.js'

const changes = (start: number, end: number) => `/v1/analysis/changes?dataset=test&start=2024-11-0${start}&end=2024-11-0${end}`

function p99(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)]
}

t.test('a flood of the heaviest analysis leaves /health and a cached map fast', async (t) => {
  // The server runs in a process of its own, with a thread for each core: what is measured is its
  // latency, not this process's, which receives the flood's answers. Every client may queue (a
  // share of 100): the pool is saturated, which is what the probes are measured under.
  const url = process.env.DATABASE_URL ?? ''
  const schema = url ? `test_flood_${process.pid}` : ''
  const server = await startAppProcess({ API_TOKENS: TOKEN, ANALYSIS_WORKERS: '2', ANALYSIS_PER_CLIENT: '100', MAX_CONCURRENT_ANALYSES: '100' }, url, schema)
  t.teardown(async () => {
    await server.stop()
    if (!url) return
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
    await client.end()
  })
  const { base } = server
  await seedHeavyOverHttp(base, TOKEN, 6, 5000)
  const map = `${base}/v1/control?dataset=test&at=2024-11-02`
  t.equal((await fetch(map)).status, 200, 'the map is made before the flood, so it is cached during it')
  const pairs = [1, 2, 3, 4, 5].flatMap((start) => [2, 3, 4, 5, 6].filter((end) => end > start).map((end) => [start, end]))
  const until = Date.now() + 8000
  let analyses = 0
  const statuses = new Set<number>()
  // Past its wait bound a queued analysis answers 503 with Retry-After: the queue is bounded in time.
  const unexpected: string[] = []
  // 12 clients, each asking the next pair of dates as soon as it has its answer: every answer is a miss.
  let next = 0
  const client = async () => {
    while (Date.now() < until && next < pairs.length) {
      const [start, end] = pairs[next++]
      // Decompressing answers would load this process, which also measures the probes.
      const res = await fetch(`${base}${changes(start, end)}`, { headers: { 'accept-encoding': 'identity' } })
      statuses.add(res.status)
      if (res.status === 200) analyses++
      else if (res.status !== 503 || !res.headers.get('retry-after')) unexpected.push(`${res.status} ${await res.text()}`)
      await res.arrayBuffer().catch(() => undefined)
    }
  }
  const flood = Promise.all(Array.from({ length: 12 }, client))
  const health: number[] = []
  const cached: number[] = []
  const readiness: number[] = []
  let saturated = false
  let unhealthy = 0
  const probe = async () => {
    while (Date.now() < until && next < pairs.length) {
      let started = performance.now()
      const ok = await fetch(`${base}/health`)
      health.push(performance.now() - started)
      if (ok.status !== 200) unhealthy++
      started = performance.now()
      const res = await fetch(map, { headers: { 'accept-encoding': 'identity' } })
      await res.arrayBuffer()
      cached.push(performance.now() - started)
      started = performance.now()
      const ready = (await (await fetch(`${base}/ready`)).json()) as { work: { running: number; workers: number } }
      readiness.push(performance.now() - started)
      if (ready.work.running >= 2) saturated = true
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }
  await Promise.all([flood, probe()])
  t.ok(saturated, 'both workers were busy while probed')
  t.equal(unhealthy, 0, 'every /health answered 200')
  t.same(unexpected, [], `analyses answered 200, or 503 with Retry-After past their wait: ${[...statuses]}`)
  t.ok(analyses >= 4, `${analyses} analyses answered`)
  t.ok(health.length >= 20, `${health.length} probes`)
  t.ok(p99(health) < 50, `/health p99 ${p99(health).toFixed(1)} ms under 50 ms (max ${Math.max(...health).toFixed(1)})`)
  t.ok(p99(readiness) < 50, `/ready p99 ${p99(readiness).toFixed(1)} ms under 50 ms`)
  t.ok(p99(cached) < 50, `cached map p99 ${p99(cached).toFixed(1)} ms under 50 ms`)
})
