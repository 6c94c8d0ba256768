import { MessageChannel } from 'node:worker_threads'
import { Piscina } from 'piscina'
import type { Executor } from '../db/database.js'
import { Errors, withHeaders } from '../errors.js'
import { type Outcome, unwrap } from './outcome.js'
import { serveQueries } from './relay.js'
import { workerScript } from './worker-script.js'

export interface WorkPoolOptions {
  /** Worker threads; heavy work never runs on the thread that answers requests. */
  workers: number
  /** Tasks running or waiting at once, over all clients; more are refused with 429. */
  maxPending: number
  /** Tasks one client may have running or waiting; more are refused with 429. */
  perClient: number
  /** Each worker's own cache of parsed shapes and prepared territories. */
  cacheEntries: number
  cacheBytes: number
}

export interface TaskOptions {
  /** Who asked (the client address): fairness is counted per client. */
  client: string
  /** Longest the task may run once a worker has begun it; past it the worker is terminated. */
  budgetMs?: number
  /** Longest the task may wait for a worker. */
  waitMs?: number
  /** The snapshot the task reads the database in, through a port (worker tasks never hold connections). */
  executor?: Executor
}

export interface PoolReport {
  workers: number
  running: number
  waiting: number
  completed: number
  terminated: number
}

/** The nice value of worker threads (Linux): below the thread that answers requests, so it never waits for geometry. */
const WORKER_NICE = 10

/** The client of tasks a writer's request runs (validating an import): they wait for a thread, never refused. */
export const WRITER = 'writer'

/**
 * The client of tiles being cut: on a thread of their own, never refused by a client's share (a map
 * asks a dozen at once) and never queued behind analyses. One thread keeps one copy of each index.
 */
export const TILES = 'tiles'

type ThreadKind = 'analyses' | 'writes' | 'tiles'
const TASK_NAMES: Record<ThreadKind, string> = { analyses: 'The analysis', writes: "The import's validation", tiles: 'The tile' }

/** Tiles waiting for their thread at most; past it 429 TILES_BUSY (a map asks a dozen at once, a crawler thousands). */
const MAX_PENDING_TILES = 64

/** A place held in the pool for one task; release it once, when the task is done or abandoned. */
export interface Reservation {
  release(): void
}

/** Why a task did not finish: it ran past its budget, or never got a worker in time. */
export type Overrun = 'budget' | 'wait'

/**
 * The worker pool: analyses and geometry validation run on threads of their own, so the thread
 * that answers /health and cached reads never waits for geometry. A task past its budget is
 * cancelled for real: its worker is terminated and another started.
 */
export class WorkPool {
  /** The analyses' threads, one thread of the writers' own (an import never queues behind anonymous analyses) and one for tiles. */
  readonly #pools: Partial<Record<ThreadKind, Piscina>> = {}
  readonly #starting: Partial<Record<ThreadKind, Promise<Piscina>>> = {}
  readonly #options: WorkPoolOptions
  readonly #perClient = new Map<string, number>()
  #pending = 0
  #inFlight = 0
  #terminated = 0
  #warming: Promise<void> | undefined

  constructor(options: WorkPoolOptions) {
    this.#options = options
  }

  /** The threads of a kind of task, started on first use (an app that never analyses starts none) or by `warm`. */
  #threads(kind: ThreadKind): Promise<Piscina> {
    this.#starting[kind] ??= workerScript().then((filename) => {
      const threads = kind === 'analyses' ? this.#options.workers : 1
      this.#pools[kind] = new Piscina({
        filename,
        // The bundle is JavaScript: a thread that inherited tsx's loader would spend half a second loading it for nothing.
        execArgv: flagsForWorkers(process.execArgv),
        minThreads: threads,
        maxThreads: threads,
        // One task a worker at a time: geometry is CPU, and two on one thread only slow both.
        concurrentTasksPerWorker: 1,
        idleTimeout: Number.POSITIVE_INFINITY,
        workerData: { cacheEntries: this.#options.cacheEntries, cacheBytes: this.#options.cacheBytes, nice: WORKER_NICE },
      })
      return this.#pools[kind]
    })
    return this.#starting[kind]
  }

  /**
   * Starts the threads now and resolves once each has loaded its tasks, so the first analysis does
   * not wait for them. The analyses' threads first, the writers' and the tiles' once those are up:
   * each thread loads the whole of src/ on its own, and on a small machine four at once made the
   * first analysis wait for all of them. Called again, it is the same warming.
   */
  warm(): Promise<void> {
    this.#warming ??= (async () => {
      const analyses = await this.#threads('analyses')
      await Promise.all(Array.from({ length: this.#options.workers }, () => analyses.run({}, { name: 'ping' })))
      const others = await Promise.all([this.#threads('writes'), this.#threads('tiles')])
      await Promise.all(others.map((threads) => threads.run({}, { name: 'ping' })))
    })()
    return this.#warming
  }

  /** Refuses at once (429, Retry-After) when `client` has its share running or waiting, or the pool is full. */
  refuseIfFull(client: string): void {
    const mine = this.#perClient.get(client) ?? 0
    if (mine >= this.#options.perClient) {
      throw withHeaders(
        new Errors.CLIENT_BUSY(`This client already has ${mine} analyses running or waiting, its share of the service; retry when one has answered`),
        { 'retry-after': '2' },
      )
    }
    if (this.#pending >= this.#options.maxPending) throw withHeaders(new Errors.ANALYSIS_BUSY(), { 'retry-after': '2' })
  }

  /**
   * Holds a place for one task of `client`, or refuses at once (429, Retry-After) past the pool's
   * or the client's share: take it before any other work for the task, and release it after.
   */
  reserve(client: string): Reservation {
    this.refuseIfFull(client)
    const mine = this.#perClient.get(client) ?? 0
    this.#perClient.set(client, mine + 1)
    this.#pending++
    let released = false
    return {
      release: () => {
        if (released) return
        released = true
        this.#pending--
        const left = (this.#perClient.get(client) ?? 1) - 1
        if (left > 0) this.#perClient.set(client, left)
        else this.#perClient.delete(client)
      },
    }
  }

  /**
   * Runs the worker's exported `name` on `task`, within a reservation of `options.client`'s share
   * (taken here unless `reserved`). Throws ANALYSIS_TIMEOUT past the budget, with `overrun` saying
   * which bound it was (a task that ran its whole budget is worth remembering, a wait is not).
   */
  async run<T>(name: string, task: object, options: TaskOptions & { reserved?: Reservation }): Promise<T> {
    // Writers are few and authenticated, and their imports queue on the dataset's lock anyway: their tasks take no
    // share, and run on a thread of their own. So do tiles (see TILES).
    const kind: ThreadKind = options.client === WRITER ? 'writes' : options.client === TILES ? 'tiles' : 'analyses'
    if (kind === 'tiles' && (this.#pools.tiles?.queueSize ?? 0) >= MAX_PENDING_TILES) {
      throw withHeaders(new Errors.TILES_BUSY(MAX_PENDING_TILES), { 'retry-after': '1' })
    }
    const reservation = options.reserved ?? (kind !== 'analyses' ? { release: () => {} } : this.reserve(options.client))
    this.#inFlight++
    const abort = new AbortController()
    let overrun: Overrun | undefined
    const timers: NodeJS.Timeout[] = []
    const stop = (why: Overrun, ms: number) => timers.push(setTimeout(() => ((overrun = why), abort.abort()), ms))
    const started = () => {
      clearTimeout(timers[0])
      if (options.budgetMs !== undefined) stop('budget', options.budgetMs)
    }
    const channel = options.executor ? new MessageChannel() : undefined
    // A task that reads the database says when it begins; one that does not has one bound for both.
    if (channel) stop('wait', options.waitMs ?? options.budgetMs ?? 60_000)
    else if (options.budgetMs !== undefined) stop('budget', options.budgetMs)
    if (channel && options.executor) serveQueries(channel.port1, options.executor, started)
    try {
      const payload = channel ? { ...task, port: channel.port2 } : task
      const outcome = (await (
        await this.#threads(kind)
      ).run(payload, {
        name,
        signal: abort.signal,
        transferList: channel ? [channel.port2] : [],
      })) as Outcome<T>
      return unwrap(outcome)
    } catch (error) {
      if (overrun) {
        if (overrun === 'budget') {
          this.#terminated++
          throw Object.assign(withHeaders(new Errors.ANALYSIS_TIMEOUT(options.budgetMs), { 'retry-after': '5' }), { overrun })
        }
        const waited = options.waitMs ?? options.budgetMs
        const message = `${TASK_NAMES[kind]} waited ${waited} ms for a worker thread without getting one: the service is busy; retry shortly`
        throw Object.assign(withHeaders(Object.assign(new Errors.ANALYSIS_TIMEOUT(waited), { message }), { 'retry-after': '5' }), { overrun })
      }
      throw error
    } finally {
      for (const timer of timers) clearTimeout(timer)
      channel?.port1.close()
      this.#inFlight--
      if (!options.reserved) reservation.release()
    }
  }

  report(): PoolReport {
    const pools = Object.values(this.#pools)
    const waiting = pools.reduce((sum, pool) => sum + pool.queueSize, 0)
    return {
      workers: pools.reduce((sum, pool) => sum + pool.threads.length, 0),
      running: this.#inFlight - waiting,
      waiting,
      completed: pools.reduce((sum, pool) => sum + pool.completed, 0),
      terminated: this.#terminated,
    }
  }

  async close(): Promise<void> {
    const starting = Object.values(this.#starting)
    await Promise.all(
      starting.map((threads) =>
        threads.then(
          (pool) => pool.destroy(),
          () => undefined,
        ),
      ),
    )
  }
}

/**
 * The process's Node flags without those that load tsx or run code (`--import tsx`, `-e`): a
 * thread keeps the rest (`--enable-source-maps`, memory limits).
 */
export function flagsForWorkers(flags: readonly string[]): string[] {
  const kept: string[] = []
  for (let i = 0; i < flags.length; i++) {
    const [flag, inline] = flags[i].split('=', 2) as [string, string | undefined]
    const takesValue = ['--import', '--require', '-r', '--loader', '--experimental-loader', '--eval', '-e', '--print', '-p'].includes(flag)
    if (!takesValue) {
      kept.push(flags[i])
      continue
    }
    const value = inline ?? flags[++i] ?? ''
    const runsCode = ['--eval', '-e', '--print', '-p'].includes(flag)
    if (!runsCode && !/[\\/]tsx[\\/]|^tsx(\/|$)/.test(value)) kept.push(flag, value)
  }
  return kept
}
