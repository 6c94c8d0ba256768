// Serial: asserts latencies, so it runs alone (tap's serial directory), never beside another test file.
import { once } from 'node:events'
import { Worker } from 'node:worker_threads'
import pg from 'pg'
import t, { type Test } from 'tap'
import { TOKEN } from '../helpers.js'
import { seedHeavyOverHttp, startAppProcess } from '../reliability/heavy.js'

function p99(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)]
}

interface Flood {
  statuses: Map<number, number>
  unexpected: string[]
  saturated: boolean
  probes: { health: number[]; ready: number[]; cached: number[] }
}

/**
 * Twelve clients from one address ask `changes` for 8 s without pause (fixtures/flood-clients.ts,
 * on a thread of their own), while this thread probes /health, /ready and a cached map every 20 ms
 * until the last answer is in. The server runs in a process of its own with a thread for each core:
 * what is measured is its latency, not this process's.
 */
async function flood(t: Test, env: Record<string, string>): Promise<Flood> {
  const url = process.env.DATABASE_URL ?? ''
  const schema = url ? `test_flood_${process.pid}_${++floods}` : ''
  const server = await startAppProcess({ API_TOKENS: TOKEN, ANALYSIS_WORKERS: '2', ...env }, url, schema)
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
  const result: Flood = { statuses: new Map(), unexpected: [], saturated: false, probes: { health: [], ready: [], cached: [] } }
  const worker = new Worker(new URL('../reliability/fixtures/flood-clients.ts', import.meta.url), { workerData: { base, ms: 8000, clients: 12 } })
  let flooding = true
  const clients = (once(worker, 'message') as Promise<[{ statuses: Record<string, number>; unexpected: string[] }]>)
    .then(([answer]) => {
      for (const [status, count] of Object.entries(answer.statuses)) result.statuses.set(Number(status), count)
      result.unexpected.push(...answer.unexpected)
    })
    .finally(() => (flooding = false))
  const probe = async () => {
    while (flooding) {
      let started = performance.now()
      const health = await fetch(`${base}/health`)
      result.probes.health.push(performance.now() - started)
      if (health.status !== 200) result.unexpected.push(`/health ${health.status}`)
      started = performance.now()
      await (await fetch(map, { headers: { 'accept-encoding': 'identity' } })).arrayBuffer()
      result.probes.cached.push(performance.now() - started)
      started = performance.now()
      const ready = (await (await fetch(`${base}/ready`)).json()) as { work: { running: number } }
      result.probes.ready.push(performance.now() - started)
      if (ready.work.running >= 2) result.saturated = true
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }
  await Promise.all([clients, probe()])
  await worker.terminate()
  return result
}
let floods = 0

function fast(t: Test, { probes }: Flood): void {
  t.ok(probes.health.length >= 20, `${probes.health.length} probes`)
  t.ok(p99(probes.health) < 50, `/health p99 ${p99(probes.health).toFixed(1)} ms under 50 ms (max ${Math.max(...probes.health).toFixed(1)})`)
  t.ok(p99(probes.ready) < 50, `/ready p99 ${p99(probes.ready).toFixed(1)} ms under 50 ms`)
  t.ok(p99(probes.cached) < 50, `cached map p99 ${p99(probes.cached).toFixed(1)} ms under 50 ms`)
}

t.test('a flood admitted in full saturates the pool, and /health, /ready and a cached map stay fast', async (t) => {
  // Every request may queue (a share of 100): the pool is saturated, which is what the probes are measured under.
  const result = await flood(t, { ANALYSIS_PER_CLIENT: '100', MAX_CONCURRENT_ANALYSES: '100' })
  t.ok(result.saturated, 'both workers were busy while probed')
  t.same(result.unexpected, [], `answered: ${JSON.stringify([...result.statuses])}`)
  t.ok((result.statuses.get(200) ?? 0) >= 4, `${result.statuses.get(200) ?? 0} analyses answered`)
  fast(t, result)
})

t.test('a flooding client is held to its share, and /health, /ready and a cached map stay fast', async (t) => {
  // The default share: half the cores (one here). The rest of the flood is refused at once.
  const result = await flood(t, {})
  t.same(result.unexpected, [], `answered: ${JSON.stringify([...result.statuses])}`)
  t.ok((result.statuses.get(200) ?? 0) >= 1, 'its share was served')
  t.ok((result.statuses.get(429) ?? 0) > 100, `${result.statuses.get(429) ?? 0} requests past its share refused`)
  fast(t, result)
})
