import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { buildApp } from '../app.js'
import { type Config, loadConfig } from '../config.js'
import { openDatabase } from '../db/database.js'
import { migrate } from '../db/migrate.js'
import { parseInstant } from '../modules/common/time.js'
import { getControlMap } from '../modules/control/control.service.js'
import { loadBundle } from '../modules/imports/imports.bundle.js'
import { FeaturesQuerySchema, HistoryQuerySchema, SnapshotQuerySchema } from '../modules/imports/imports.schemas.js'
import { type ImportContext, importFeatures, importHistory, importSnapshot } from '../modules/imports/imports.service.js'
import { openapiDocument } from '../openapi-document.js'
import { start } from '../server.js'

const USAGE = `frontline <command> [options]

Commands:
  serve                              start the HTTP service (same as npm start)
  migrate                            apply pending migrations
  import <folder>                    load a dataset folder with a manifest.json (e.g. data/aleppo-2024)
  import <file> --dataset ID --kind snapshot|history|features [--valid-from DATE]
         [--actor NAME] [--actor-property P] [--aliases a:b,c:d] [--unknown-actors refuse|create]
                                     import one GeoJSON file, with the same mapping options as the API
  export --dataset ID [--at DATE] [--out FILE]
                                     write the control map at a date as GeoJSON (stdout by default)
  openapi [--out FILE]               write the OpenAPI document (stdout by default)

The database is DATABASE_URL when set, else the embedded one under DATA_DIR.`

async function withDatabase<T>(config: Config, run: (ctx: ImportContext) => Promise<T>): Promise<T> {
  const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: join(config.DATA_DIR, 'pglite') })
  try {
    await migrate(database.db)
    const limits = { maxFeatures: config.MAX_FEATURES_PER_IMPORT, maxVerticesPerImport: config.MAX_VERTICES_PER_IMPORT, maxVerticesPerFeature: config.MAX_VERTICES_PER_FEATURE }
    return await run({ db: database.db, limits, writer: 'cli' })
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
      return start(config)
    case 'migrate': {
      const applied = await withDatabase(config, async ({ db }) => migrate(db))
      process.stdout.write(applied.length > 0 ? `applied: ${applied.join(', ')}\n` : 'nothing to apply\n')
      return
    }
    case 'import': {
      if (!target) throw new Error('import needs a folder or a file')
      if (statSync(target).isDirectory()) {
        if (!existsSync(join(target, 'manifest.json'))) throw new Error(`${target} has no manifest.json`)
        await withDatabase(config, (ctx) => loadBundle({ ...ctx, progress: progress(target) }, target, (line) => process.stdout.write(`${line}\n`)))
        return
      }
      if (!values.dataset || !values.kind) throw new Error('importing a file needs --dataset and --kind')
      const body: unknown = JSON.parse(readFileSync(target, 'utf8'))
      const mapping = {
        actor: values.actor,
        actor_property: values['actor-property'],
        aliases: values.aliases,
        unknown_actors: values['unknown-actors'],
      }
      const result = await withDatabase(config, (ctx) => {
        const withProgress = { ...ctx, progress: progress(target) }
        if (values.kind === 'snapshot') return importSnapshot(withProgress, values.dataset!, body, SnapshotQuerySchema.parse({ ...mapping, valid_from: values['valid-from'] }))
        if (values.kind === 'history') return importHistory(withProgress, values.dataset!, body, HistoryQuerySchema.parse(mapping))
        if (values.kind === 'features') return importFeatures(withProgress, values.dataset!, body, FeaturesQuerySchema.parse({}))
        throw new Error(`unknown kind ${values.kind}: snapshot, history or features`)
      })
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`)
      return
    }
    case 'export': {
      if (!values.dataset) throw new Error('export needs --dataset')
      const at = values.at ? parseInstant(values.at, 'end-of-day') : new Date()
      if (!at) throw new Error(`--at ${values.at} is not a date`)
      const map = await withDatabase(config, ({ db }) => getControlMap(db, { datasetId: values.dataset!, at }))
      if (values.out) writeFileSync(values.out, `${map.body}\n`)
      else process.stdout.write(`${map.body}\n`)
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
