// The tasks a worker thread runs. Each is a plain function of plain data: what it needs of the
// database it reads through the port it was given, inside the snapshot its answer was opened in.
import { setPriority } from 'node:os'
import type { MessagePort } from 'node:worker_threads'
import { workerData } from 'node:worker_threads'
import { runTileTask, type TileTask } from '../faces/tiles/tiles.tasks.js'
import { type AnalysisTask, runAnalysisTask } from '../modules/analysis/analysis.tasks.js'
import { type ValidateTask, validateCollection } from '../modules/imports/imports.tasks.js'
import { LruCache, type RenderedBody } from '../read/cache.js'
import { failed, type Outcome, succeeded } from './outcome.js'
import { exerciseGeometry } from './warm-up.js'
import { relayedDb } from './relay.js'

const options = workerData as { cacheEntries: number; cacheBytes: number; nice: number }
// On Linux a nice value belongs to a thread: this one yields the cores to the thread that answers
// requests (and to PostgreSQL) whenever both want them, and has them all when nothing else does.
if (process.platform === 'linux' && options.nice > 0) setPriority(options.nice)
/** This worker's cache: shapes by hash and what its views derived, kept across tasks. */
const cache = new LruCache(options.cacheEntries, options.cacheBytes)

export async function analysis(task: AnalysisTask & { port: MessagePort }): Promise<Outcome<RenderedBody>> {
  const { port, ...call } = task
  port.postMessage({ type: 'started' })
  try {
    return succeeded(await runAnalysisTask(call, relayedDb(port), cache))
  } catch (error) {
    return failed(error)
  } finally {
    port.close()
  }
}

export async function tile(task: TileTask & { port: MessagePort }): Promise<Outcome<RenderedBody | null>> {
  const { port, ...call } = task
  port.postMessage({ type: 'started' })
  try {
    return succeeded(await runTileTask(call, relayedDb(port), cache))
  } catch (error) {
    return failed(error)
  } finally {
    port.close()
  }
}

export async function validate(task: ValidateTask): Promise<Outcome<unknown>> {
  try {
    return succeeded(validateCollection(task, cache))
  } catch (error) {
    return failed(error)
  }
}

/**
 * Answered once the thread has loaded every task and run the geometry engine over a made-up map
 * (see warm-up.ts): what warming a pool waits for.
 */
export async function ping(): Promise<void> {
  exerciseGeometry()
}
