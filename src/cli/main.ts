import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { buildApp } from '../app.js'
import { type Config, loadConfig } from '../config.js'
import { type Database, openDatabase } from '../db/database.js'
import { DataDirLockedError } from '../db/lock.js'
import { migrate } from '../db/migrate.js'
import { loadBundle } from '../modules/imports/imports.bundle.js'
import { LruCache } from '../read/cache.js'
import { FeaturesQuerySchema, HistoryQuerySchema, SnapshotQuerySchema } from '../modules/imports/imports.schemas.js'
import { type ImportContext, importFeatures, importHistory, importSnapshot } from '../modules/imports/imports.service.js'
import { openapiDocument } from '../openapi-document.js'
import { start } from '../server.js'
import { describeProblem, type ServerClient, sendBundle, sendImport, serverFromLock } from './remote.js'

const USAGE = `frontline <command> [options]

Commands:
  serve                              start the HTTP service (same as npm start)
  migrate                            apply pending migrations
  import <folder>                    load a dataset folder with a manifest.json (e.g. data/aleppo-2024)
  import <file> --dataset ID --kind snapshot|history|features [--valid-from DATE] [--allow-empty]
         [--actor NAME] [--actor-property P] [--aliases a:b,c:d] [--unknown-actors refuse|create]
                                     import one GeoJSON file, with the same mapping options as the API
  export --dataset ID [--at DATE] [--out FILE]
                                     write the control map at a date as GeoJSON (stdout by default)
  openapi [--out FILE]               write the OpenAPI document (stdout by default)

The database is DATABASE_URL when set, else the embedded one under DATA_DIR. The embedded one has
one owner: while a server runs on it, import and export send their work to that server over HTTP
(with API_TOKENS or DATA_DIR/api-token) and migrate refuses (the server migrated at start).`

/** Opens the database for one command; on an embedded one owned by a live server, answers that server instead. */
async function openOrFindServer(config: Config, command: string): Promise<{ database: Database } | { server: ServerClient }> {
  try {
    return { database: await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: join(config.DATA_DIR, 'pglite'), owner: `frontline ${command}` }) }
  } catch (error) {
    if (!(error instanceof DataDirLockedError)) throw error
    const server = serverFromLock(config, error)
    process.stderr.write(
      `The embedded database in ${error.dataDir} belongs to the running server (pid ${server.pid}, port ${server.port}): sending the ${command} to ${server.base}\n`,
    )
    return { server }
  }
}

/** Runs locally, or over HTTP on the server that owns the embedded database. */
async function locallyOrOnServer<T>(
  config: Config,
  command: string,
  local: (ctx: ImportContext, database: Database) => Promise<T>,
  remote: (server: ServerClient) => Promise<T>,
): Promise<T> {
  const opened = await openOrFindServer(config, command)
  if ('server' in opened) return remote(opened.server)
  return withOpenDatabase(config, opened.database, local)
}

async function withOpenDatabase<T>(config: Config, database: Database, run: (ctx: ImportContext, database: Database) => Promise<T>): Promise<T> {
  try {
    await migrate(database.db)
    const limits = {
      maxFeatures: config.MAX_FEATURES_PER_IMPORT,
      maxVerticesPerImport: config.MAX_VERTICES_PER_IMPORT,
      maxVerticesPerFeature: config.MAX_VERTICES_PER_FEATURE,
    }
    // A cache of its own for geometries already validated: a folder's daily snapshots repeat most of them.
    const cache = new LruCache(config.CACHE_ENTRIES, config.CACHE_MAX_MB * 1024 * 1024)
    return await run({ db: database.db, limits, writer: 'cli', cache }, database)
  } finally {
    await database.close()
  }
}

function progress(label: string) {
  let last = 0
  return (done: number, total: number) => {
    const now = Date.now()
    if (total >= 1000 && (now - last > 500 || done === total)) {
      last = now
      process.stderr.write(`\r${label}: validated ${done}/${total} features`)
      if (done === total) process.stderr.write('\n')
    }
  }
}

export async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      dataset: { type: 'string' },
      kind: { type: 'string' },
      'valid-from': { type: 'string' },
      actor: { type: 'string' },
      'actor-property': { type: 'string' },
      aliases: { type: 'string' },
      'unknown-actors': { type: 'string' },
      'allow-empty': { type: 'boolean' },
      at: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  const [command, target] = positionals
  if (!command || values.help) {
    process.stdout.write(`${USAGE}\n`)
    return
  }
  const config = loadConfig()
  switch (command) {
    case 'serve':
      await start(config)
      return
    case 'migrate': {
      const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: join(config.DATA_DIR, 'pglite'), owner: 'frontline migrate' }).catch(
        (error: unknown) => {
          if (error instanceof DataDirLockedError && error.owner.port !== null) {
            throw new Error(
              `not migrating: the embedded database in ${error.dataDir} belongs to the running server (pid ${error.owner.pid}, port ${error.owner.port}), ` +
                'which migrated it when it started. To apply the migrations of another version, stop that server and run migrate again, or start that version: it migrates at start.',
            )
          }
          throw error
        },
      )
      const applied = await migrate(database.db).finally(() => database.close())
      process.stdout.write(applied.length > 0 ? `applied: ${applied.join(', ')}\n` : 'nothing to apply\n')
      return
    }
    case 'import': {
      if (!target) throw new Error('import needs a folder or a file')
      if (statSync(target).isDirectory()) {
        if (!existsSync(join(target, 'manifest.json'))) throw new Error(`${target} has no manifest.json`)
        const log = (line: string) => process.stdout.write(`${line}\n`)
        await locallyOrOnServer(
          config,
          'import',
          async (ctx) => void (await loadBundle({ ...ctx, progress: progress(target) }, target, log)),
          (server) => sendBundle(server, target, log),
        )
        return
      }
      if (!values.dataset || !values.kind) throw new Error('importing a file needs --dataset and --kind')
      const kind = values.kind
      if (kind !== 'snapshot' && kind !== 'history' && kind !== 'features') throw new Error(`unknown kind ${kind}: snapshot, history or features`)
      const file = readFileSync(target)
      const mapping = {
        actor: values.actor,
        actor_property: values['actor-property'],
        aliases: values.aliases,
        unknown_actors: values['unknown-actors'],
      }
      // A snapshot without areas closes the whole map: refused unless asked for (--allow-empty).
      const allowEmpty = values['allow-empty'] ? 'true' : undefined
      const query = kind === 'snapshot' ? { ...mapping, valid_from: values['valid-from'], allow_empty: allowEmpty } : kind === 'history' ? mapping : {}
      const dataset = values.dataset
      const result = await locallyOrOnServer(
        config,
        'import',
        (ctx) => {
          const withProgress = { ...ctx, progress: progress(target) }
          if (kind === 'snapshot') return importSnapshot(withProgress, dataset, { bytes: file }, SnapshotQuerySchema.parse(query))
          if (kind === 'history') return importHistory(withProgress, dataset, { bytes: file }, HistoryQuerySchema.parse(query))
          return importFeatures(withProgress, dataset, { bytes: file }, FeaturesQuerySchema.parse(query))
        },
        (server) => sendImport(server, dataset, kind, file, query),
      )
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`)
      return
    }
    case 'export': {
      if (!values.dataset) throw new Error('export needs --dataset')
      // One request either way: GET /v1/control, answered by this process on its own database or
      // by the server that owns it. A bare --at date is the end of that day, as in every query.
      const params = new URLSearchParams({ dataset: values.dataset, ...(values.at ? { at: values.at } : {}) })
      const url = `/v1/control?${params}`
      const body = await locallyOrOnServer(
        config,
        'export',
        async (_ctx, database) => {
          const app = await buildApp({ config: { ...config, apiTokens: ['unused'] }, database, logger: false })
          try {
            const res = await app.inject({ url })
            if (res.statusCode >= 300) throw new Error(`export: ${describeProblem({ status: res.statusCode, text: res.body })}`)
            return res.body
          } finally {
            await app.close()
          }
        },
        async (server) => (await server.send('GET', url)).text,
      )
      if (values.out) writeFileSync(values.out, `${body}\n`)
      else process.stdout.write(`${body}\n`)
      return
    }
    case 'openapi': {
      const database = await openDatabase({ dataDir: 'memory://' })
      const app = await buildApp({ config: { ...config, apiTokens: ['unused'] }, database, closeDatabase: true, logger: false })
      const document = await openapiDocument(app)
      await app.close()
      if (values.out) writeFileSync(values.out, document)
      else process.stdout.write(document)
      return
    }
    default:
      throw new Error(`unknown command ${command}\n\n${USAGE}`)
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`frontline: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
