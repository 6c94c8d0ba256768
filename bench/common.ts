// What the benchmarks share: a child process driven over IPC (both ends), listening on a free
// loopback port, load runs with autocannon and the pause after them, medians. Only node built-ins
// at load time (autocannon is imported when a load runs), so a benchmark's worker process does not
// carry the load generator in its memory figures.
import { fork, type ChildProcess } from 'node:child_process'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import type { Result } from 'autocannon'
import type { FastifyInstance } from 'fastify'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

interface Reply {
  id: number
  ok: boolean
  result?: unknown
  error?: string
}

/** A bench worker (a file that calls `serveCommands`) in a process of its own, its commands called over IPC. */
export class Child {
  readonly #child: ChildProcess
  readonly #pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>()
  #next = 0

  /** `file` relative to bench/, e.g. './scale-worker.ts'. */
  constructor(file: string) {
    this.#child = fork(fileURLToPath(new URL(file, import.meta.url)), [], { cwd: ROOT, execArgv: ['--import', 'tsx'], stdio: ['ignore', 2, 2, 'ipc'] })
    this.#child.on('message', (message: Reply) => {
      const waiter = this.#pending.get(message.id)
      this.#pending.delete(message.id)
      if (message.ok) waiter?.resolve(message.result)
      else waiter?.reject(new Error(message.error))
    })
    this.#child.on('exit', (code) => {
      for (const waiter of this.#pending.values()) waiter.reject(new Error(`${file} exited with code ${code}`))
      this.#pending.clear()
    })
  }

  call<T>(cmd: string, args: object = {}): Promise<T> {
    const id = this.#next++
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject })
      this.#child.send({ id, cmd, args })
    })
  }

  kill(): void {
    if (this.#child.exitCode === null) this.#child.kill()
  }
}

/** The worker's end of `Child`: runs each command received and replies; exits after `close` has replied. */
export function serveCommands(commands: Record<string, (args: never) => Promise<unknown> | unknown>): void {
  process.on('message', (message: { id: number; cmd: string; args: unknown }) => {
    const run = async () => (commands[message.cmd] as (args: unknown) => Promise<unknown>)(message.args)
    run().then(
      (result) =>
        process.send!({ id: message.id, ok: true, result } satisfies Reply, () => {
          if (message.cmd === 'close') process.exit(0)
        }),
      (error: unknown) =>
        process.send!({ id: message.id, ok: false, error: error instanceof Error ? `${error.message}\n${error.stack}` : String(error) } satisfies Reply),
    )
  })
}

/** Listens on a free loopback port; resolves with it. */
export async function listenOnFreePort(app: FastifyInstance): Promise<{ port: number }> {
  await app.listen({ port: 0, host: '127.0.0.1' })
  return { port: (app.server.address() as AddressInfo).port }
}

/** The `stats` command of a worker that reports only its resident memory. */
export function processStats(): { rss: number } {
  return { rss: process.memoryUsage().rss }
}

export interface LoadFigures {
  rps: number
  p50: number
  p99: number
  non2xx: number
  errors: number
}

export function loadFigures(result: Result): LoadFigures {
  return { rps: result.requests.total / result.duration, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors }
}

/** Waits until the server answers /health at once: requests still queued from a run must not slow the next. */
export async function settle(base: string): Promise<void> {
  const until = Date.now() + 30_000
  let quick = 0
  while (quick < 3 && Date.now() < until) {
    const t = performance.now()
    await fetch(`${base}/health`).then(
      (res) => res.arrayBuffer(),
      () => undefined,
    )
    quick = performance.now() - t < 20 ? quick + 1 : 0
  }
}

/** A load run, then `settle`: the same request throughout (a string) or `path(n)` for the n-th request. */
export async function loadRun(
  base: string,
  path: string | ((n: number) => string),
  connections: number,
  durationS: number,
  headers: Record<string, string> = {},
): Promise<LoadFigures> {
  const { default: autocannon } = await import('autocannon')
  let n = 0
  const result = await autocannon(
    typeof path === 'string'
      ? { url: `${base}${path}`, connections, duration: durationS, timeout: 30, headers }
      : {
          url: base,
          connections,
          duration: durationS,
          timeout: 30,
          headers,
          requests: [{ method: 'GET', setupRequest: (request) => ({ ...request, path: path(n++) }) }],
        },
  )
  await settle(base)
  return loadFigures(result)
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s.length === 0 ? NaN : s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}
