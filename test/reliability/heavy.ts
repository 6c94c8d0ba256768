// A map that is expensive to analyse, made by construction: two actors split [0, 2] × [0, 1] along
// a wavy meridian of `vertices` points that moves east by `shift` degrees a day. Clipping one day's
// territory against another's walks every vertex of both edges.
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance } from 'fastify'
import { AUTH, collection } from '../helpers.js'

function wavyEdge(x: number, vertices: number): [number, number][] {
  const edge: [number, number][] = []
  for (let i = 0; i < vertices; i++) {
    const lat = i / (vertices - 1)
    edge.push([x + 0.02 * Math.sin(lat * 400 * Math.PI) + 0.01 * Math.sin(lat * 37 * Math.PI), lat])
  }
  return edge
}

/** The two areas of day `day`: west of the edge is 'hts' (opposition), east of it 'saa' (government). */
export function heavyDay(day: number, vertices: number, shift = 0.01) {
  const edge = wavyEdge(0.5 + day * shift, vertices)
  const west = [[0, 0], ...edge, [0, 1], [0, 0]]
  const east = [[2, 0], [2, 1], ...[...edge].reverse(), [2, 0]]
  return collection([
    { type: 'Feature', geometry: { type: 'Polygon', coordinates: [west] }, properties: { actor: 'hts' } },
    { type: 'Feature', geometry: { type: 'Polygon', coordinates: [east] }, properties: { actor: 'saa' } },
  ])
}

/** Imports `days` daily maps from 2024-11-01 on into `dataset` (seeded with hts and saa). */
export async function importHeavyDays(app: FastifyInstance, dataset: string, days: number, vertices: number): Promise<void> {
  for (let day = 0; day < days; day++) {
    const date = `2024-11-${String(day + 1).padStart(2, '0')}`
    const res = await app.inject({
      method: 'POST',
      url: `/v1/datasets/${dataset}/snapshots?valid_from=${date}`,
      headers: AUTH,
      payload: heavyDay(day, vertices),
    })
    if (res.statusCode !== 201) throw new Error(`${date}: ${res.statusCode} ${res.body}`)
  }
}

export interface AppProcess {
  child: ChildProcess
  base: string
  stop(): Promise<void>
}

/**
 * Starts the app in a process of its own (fixtures/app-process.ts): on in-memory PGlite, or on a
 * PostgreSQL schema when `url` is given. Latencies measured from here are the server's alone.
 */
export async function startAppProcess(env: Record<string, string>, url = '', schema = ''): Promise<AppProcess> {
  const entry = fileURLToPath(new URL('./fixtures/app-process.ts', import.meta.url))
  const child = spawn(process.execPath, ['--import', 'tsx', entry, url, schema, JSON.stringify(env)], { stdio: ['ignore', 'pipe', 'inherit'] })
  const [line] = (await once(child.stdout!, 'data')) as [Buffer]
  const { port } = JSON.parse(line.toString().split('\n')[0]) as { port: number }
  const exited = once(child, 'exit')
  return {
    child,
    base: `http://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM')
      await exited
    },
  }
}

/** Over HTTP: the dataset `test`, its actors hts and saa, and `days` heavy daily maps from 2024-11-01 on. */
export async function seedHeavyOverHttp(base: string, token: string, days: number, vertices: number): Promise<void> {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
  const send = async (method: string, path: string, body: unknown) => {
    const res = await fetch(`${base}${path}`, { method, headers, body: JSON.stringify(body) })
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`)
  }
  await send('PUT', '/v1/datasets/test', { name: 'heavy' })
  await send('PUT', '/v1/datasets/test/actors/hts', { name: 'Hayat Tahrir al-Sham', side: 'opposition' })
  await send('PUT', '/v1/datasets/test/actors/saa', { name: 'Syrian Arab Army', side: 'government' })
  for (let day = 0; day < days; day++)
    await send('POST', `/v1/datasets/test/snapshots?valid_from=2024-11-${String(day + 1).padStart(2, '0')}`, heavyDay(day, vertices))
}
