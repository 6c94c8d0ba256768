import { closeSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs'
import { hostname } from 'node:os'
import { join, resolve } from 'node:path'

/** What a lock file says about the process that owns a data directory. */
export interface LockOwner {
  pid: number
  hostname: string
  /** The HTTP port once the owner is a server listening; null while it starts, and for the CLI. */
  port: number | null
  /** The interface the server listens on (HOST), when it listens. */
  host?: string | null
  startedAt: string
  command: string
}

export const LOCK_FILE = 'frontline.lock'

/** Another live process owns the data directory: opening it too would lose one of the two's writes. */
export class DataDirLockedError extends Error {
  readonly code = 'DATA_DIR_LOCKED'
  constructor(
    readonly dataDir: string,
    readonly lockFile: string,
    readonly owner: LockOwner,
  ) {
    const who = `pid ${owner.pid}${owner.hostname === hostname() ? '' : ` on host ${owner.hostname}`} (${owner.command}, started ${owner.startedAt})`
    const state = owner.port === null ? 'it has no HTTP port: it is starting, or it is not a server' : `it listens on port ${owner.port}`
    super(
      `The embedded database in ${dataDir} is in use by ${who}; ${state}. Only one process may open it at a time. ` +
        'Stop that process and try again; or, while a server runs, use `frontline import` / `frontline export`, which send their work to it over HTTP; ' +
        `or set DATA_DIR to another folder (or DATABASE_URL to a PostgreSQL server). If pid ${owner.pid} is not a frontline process, delete ${lockFile}.`,
    )
    this.name = 'DataDirLockedError'
  }
}

export interface DataDirLock {
  readonly file: string
  readonly owner: LockOwner
  /** Set when the lock was left by a process that died without releasing it: its owner (null: unreadable). */
  readonly tookOver: { from: LockOwner | null } | null
  /** Records the port (and interface) the server listens on, so others can send it their work. */
  setPort(port: number, host?: string): void
  /** Removes the lock file if it is still ours. Idempotent. */
  release(): void
}

// Data directories this process holds: a second open within one process is refused as well.
const held = new Set<string>()

function isAlive(owner: LockOwner): boolean {
  // A pid on another host cannot be checked from here: assume it lives (the message says what to do).
  if (owner.hostname !== hostname()) return true
  try {
    process.kill(owner.pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function readOwner(file: string): LockOwner | 'missing' | 'unreadable' {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing'
    throw error
  }
  try {
    const owner = JSON.parse(text) as LockOwner
    return Number.isInteger(owner.pid) && typeof owner.hostname === 'string' ? owner : 'unreadable'
  } catch {
    return 'unreadable'
  }
}

function tryCreate(file: string, owner: LockOwner): boolean {
  let fd: number
  try {
    fd = openSync(file, 'wx', 0o644)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  }
  try {
    writeSync(fd, `${JSON.stringify(owner)}\n`)
  } finally {
    closeSync(fd)
  }
  return true
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)

/**
 * Takes the lock of a data directory or throws DataDirLockedError naming its live owner. A lock
 * left by a process that died (killed, crashed) is taken over. Synchronous: it runs before the
 * database opens and is held until release() or process exit.
 */
export function acquireDataDirLock(dataDir: string, command = process.argv.slice(1).join(' ')): DataDirLock {
  const dir = resolve(dataDir)
  const file = join(dir, LOCK_FILE)
  if (held.has(file)) throw new DataDirLockedError(dir, file, { ...ownerNow(command), command: 'this very process' })
  const owner = ownerNow(command)
  let tookOver: { from: LockOwner | null } | null = null
  for (let attempt = 0; ; attempt++) {
    if (attempt > 200) throw new Error(`could not take the lock ${file}: it keeps changing`)
    if (tryCreate(file, owner)) break
    const current = readOwner(file)
    if (current === 'missing') continue
    if (current === 'unreadable') {
      // Created but not yet written (its owner is between open and write), or written by a process
      // killed in that instant: wait a moment, then treat an old unreadable file as stale.
      if (Date.now() - mtimeMs(file) < 2000 && attempt < 40) {
        sleep(50)
        continue
      }
    } else if (current.pid !== process.pid && isAlive(current)) {
      throw new DataDirLockedError(dir, file, current)
    }
    if (takeOver(file, current === 'unreadable' ? null : current, owner)) {
      tookOver = { from: current === 'unreadable' ? null : current }
      break
    }
  }
  held.add(file)

  let released = false
  const isOurs = () => {
    const current = readOwner(file)
    return typeof current === 'object' && current.pid === owner.pid && current.startedAt === owner.startedAt
  }
  const release = () => {
    if (released) return
    released = true
    held.delete(file)
    process.off('exit', release)
    try {
      if (isOurs()) unlinkSync(file)
    } catch {
      // best effort: a lock that stays behind names a dead pid and is taken over at the next start
    }
  }
  process.on('exit', release)
  return {
    file,
    owner,
    tookOver,
    setPort(port: number, host?: string) {
      if (released || !isOurs()) throw new Error(`the lock ${file} is no longer held by this process`)
      Object.assign(owner, { port, host: host ?? null })
      // Written aside and renamed over: a reader sees the old content or the new, never half of it.
      const next = `${file}.${process.pid}.tmp`
      writeFileSync(next, `${JSON.stringify(owner)}\n`)
      renameSync(next, file)
    },
    release,
  }
}

function ownerNow(command: string): LockOwner {
  return { pid: process.pid, hostname: hostname(), port: null, startedAt: new Date().toISOString(), command }
}

function mtimeMs(file: string): number {
  try {
    return statSync(file).mtimeMs
  } catch {
    return 0
  }
}

/**
 * Replaces a stale lock with ours. Two processes may find the same stale lock at once: a guard file
 * made with `wx` lets one of them replace it, so neither deletes the lock the other just created.
 */
function takeOver(file: string, stale: LockOwner | null, owner: LockOwner): boolean {
  const guard = `${file}.takeover`
  if (!tryCreate(guard, owner)) {
    // A guard older than a few seconds was left by a process killed mid-takeover.
    if (Date.now() - mtimeMs(guard) > 5000) removeIfPresent(guard)
    else sleep(20)
    return false
  }
  try {
    const current = readOwner(file)
    const same = stale === null ? current === 'unreadable' : typeof current === 'object' && current.pid === stale.pid && current.startedAt === stale.startedAt
    if (current !== 'missing' && !same) return false
    if (current !== 'missing') unlinkSync(file)
    return tryCreate(file, owner)
  } finally {
    removeIfPresent(guard)
  }
}

function removeIfPresent(file: string): void {
  try {
    unlinkSync(file)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
}
