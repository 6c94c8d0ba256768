import { randomBytes } from 'node:crypto'
import { accessSync, constants, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { buildApp } from './app.js'
import { type Config, loadConfig } from './config.js'
import { openDatabase } from './db/database.js'
import { migrate } from './db/migrate.js'
import { exerciseAnswers } from './warm.js'
import { bundleNeedsLoading, DEFAULT_DATASET_DIR, loadBundle } from './modules/imports/imports.bundle.js'

/** The label of the token the service generates, recorded as `submittedBy` of what it writes. */
export const GENERATED_TOKEN_LABEL = 'generated'

/**
 * Without API_TOKENS the service makes one token at first start, keeps it in DATA_DIR (mode 0600)
 * and prints it that once: writes work out of the box and the token survives restarts.
 */
export function ensureTokens(config: Config, print: (line: string) => void): Config {
  if (config.writers.length > 0) return config
  const file = join(config.DATA_DIR, 'api-token')
  const withToken = (token: string): Config => ({ ...config, writers: [{ label: GENERATED_TOKEN_LABEL, token }], apiTokens: [token] })
  // An empty file (a first start killed before it wrote) is no token: one that matches nothing would lock writes out.
  const kept = existsSync(file) ? readFileSync(file, 'utf8').trim() : ''
  if (kept.length > 0) return withToken(kept)
  mkdirSync(config.DATA_DIR, { recursive: true })
  const token = randomBytes(24).toString('base64url')
  // Written whole or not at all: a temporary file renamed over the name.
  const temporary = `${file}.${process.pid}.tmp`
  writeFileSync(temporary, `${token}\n`, { mode: 0o600 })
  renameSync(temporary, file)
  print(`Generated an API token for writes (kept in ${file}): ${token}`)
  return withToken(token)
}

/** DATA_DIR holds the embedded database and the generated token: say plainly when this process may not write there. */
function checkDataDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true })
    accessSync(dir, constants.W_OK)
  } catch (error) {
    const uid = process.getuid?.()
    throw new Error(
      `DATA_DIR ${dir} is not writable by this process${uid === undefined ? '' : ` (uid ${uid})`}: ${error instanceof Error ? error.message : String(error)}. ` +
        'In a container, the volume must belong to the image’s user (node).',
    )
  }
}

/**
 * Listens once the worker threads have loaded their tasks (a few tenths of a second), the read
 * model holds the datasets' rows, and one question of each path has been asked (exerciseAnswers),
 * so that the first answer asked of a server that has said it is up never waits for a thread to
 * start, for the rows every answer starts from, or for its path's code to be compiled.
 */
export async function listenWarm(app: FastifyInstance, options: { port: number; host: string }): Promise<void> {
  await Promise.all([app.work.warm(), app.readModel.warm()])
  await exerciseAnswers(app)
  await app.listen(options)
}

export async function start(config = loadConfig()): Promise<FastifyInstance> {
  if (!config.DATABASE_URL || config.writers.length === 0) checkDataDir(config.DATA_DIR)
  const withTokens = ensureTokens(config, (line) => process.stdout.write(`${line}\n`))
  // On the embedded database this takes the data-directory lock, or refuses naming its owner.
  const database = await openDatabase({
    databaseUrl: config.DATABASE_URL,
    dataDir: join(config.DATA_DIR, 'pglite'),
    poolSize: config.DATABASE_POOL_SIZE,
    owner: 'frontline server',
  })
  let app: FastifyInstance | undefined
  try {
    await migrate(database.db)
    app = await buildApp({ config: withTokens, database, closeDatabase: true })
    const { log } = app
    // The threads start while the bundled dataset loads (its validation runs on one of them).
    app.work.warm().catch(() => undefined)
    const stale = database.lock?.tookOver
    if (stale) log.warn({ lock: database.lock?.file, previousOwner: stale.from }, 'took over the lock of the embedded database from a process that is gone')

    const embedded = database.engine === 'pglite'
    const wanted = config.LOAD_DEFAULT_DATASET === 'always' || (config.LOAD_DEFAULT_DATASET === 'auto' && embedded)
    if (wanted && existsSync(DEFAULT_DATASET_DIR) && (await bundleNeedsLoading(database.db, DEFAULT_DATASET_DIR))) {
      log.info('loading the bundled dataset aleppo-2024')
      const limits = {
        maxFeatures: config.MAX_FEATURES_PER_IMPORT,
        maxVerticesPerImport: config.MAX_VERTICES_PER_IMPORT,
        maxVerticesPerFeature: config.MAX_VERTICES_PER_FEATURE,
      }
      await loadBundle({ db: database.db, limits, writer: 'bundled', cache: app.readModel.cache }, DEFAULT_DATASET_DIR, (line) => log.info(line))
    }

    let closing = false
    const running = app
    const shutdown = async (signal: string) => {
      if (closing) {
        log.warn({ signal }, 'a second signal: exiting now')
        database.lock?.release()
        process.exit(1)
      }
      closing = true
      const drainMs = config.SHUTDOWN_TIMEOUT_MS
      log.info({ signal, drainMs }, 'shutting down: idle connections closed, requests in flight finishing')
      // Node stops enforcing the request timeouts once the server closes: a slow client would hold its socket,
      // and with it the process, for ever. At the deadline every connection is closed, whatever it is doing.
      setTimeout(() => {
        log.warn({ drainMs }, 'requests still in flight at the deadline: closing every connection')
        running.server.closeAllConnections()
      }, drainMs).unref()
      // Closing the database waits for its transactions; past this, exit anyway (a transaction cut short rolls back).
      setTimeout(() => {
        log.error({ drainMs }, 'the service did not close in time: exiting')
        database.lock?.release()
        process.exit(1)
      }, drainMs + 5_000).unref()
      try {
        await running.close()
      } finally {
        database.lock?.release()
        process.exit(0)
      }
    }
    const onSigint = () => void shutdown('SIGINT')
    const onSigterm = () => void shutdown('SIGTERM')
    process.on('SIGINT', onSigint)
    process.on('SIGTERM', onSigterm)
    app.addHook('onClose', async () => {
      process.off('SIGINT', onSigint)
      process.off('SIGTERM', onSigterm)
    })
    await listenWarm(app, { port: config.PORT, host: config.HOST })
    const address = app.server.address()
    // The lock now says where this server answers: a `frontline import` started next to it sends its work there.
    if (database.lock && address && typeof address === 'object') database.lock.setPort(address.port, config.HOST)
    return app
  } catch (error) {
    if (app) await app.close().catch(() => undefined)
    else await database.close().catch(() => undefined)
    database.lock?.release()
    throw error
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  start().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
    process.exit(1)
  })
}
