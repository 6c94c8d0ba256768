import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildApp } from '../app.js'
import { type Config, loadConfig } from '../config.js'
import { openDatabase } from '../db/database.js'
import { DataDirLockedError } from '../db/lock.js'
import { migrate } from '../db/migrate.js'
import { openapiDocument } from '../openapi-document.js'
import { start } from '../server.js'
import { exportMap } from './export.js'
import { importCommand } from './import-file.js'
import { actorCommand, datasetCommand, getCommand, importsCommand, revertCommand } from './records.js'
import { connect } from './target.js'
import type { Args } from './usage.js'

/** Runs one command of the command line, already parsed and checked against its flags. */
export async function runCommand(command: string, args: Args): Promise<void> {
  const config = loadConfig()
  switch (command) {
    case 'serve':
      await start(config)
      return
    case 'migrate':
      return migrateCommand(config)
    case 'openapi': {
      const database = await openDatabase({ dataDir: 'memory://' })
      const app = await buildApp({ config: { ...config, apiTokens: ['unused'] }, database, closeDatabase: true, logger: false })
      const document = await openapiDocument(app)
      await app.close()
      if (args.values.out) writeFileSync(args.values.out, document)
      else process.stdout.write(document)
      return
    }
    case 'import':
      return importCommand(connect(config), args)
    case 'export':
      return exportMap(connect(config), args)
    case 'datasets':
      return datasetCommand(connect(config), { ...args, positionals: ['dataset', 'list'] })
    case 'dataset':
      return datasetCommand(connect(config), args)
    case 'actors':
      return actorCommand(connect(config), { ...args, positionals: ['actor', 'list'] })
    case 'actor':
      return actorCommand(connect(config), args)
    case 'imports':
      return importsCommand(connect(config), args)
    case 'revert':
      return revertCommand(connect(config), args)
    case 'get':
      return getCommand(connect(config), args)
  }
}

async function migrateCommand(config: Config): Promise<void> {
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
}
