import { join } from 'node:path'
import type { Config } from '../config.js'
import { type Database, openDatabase } from '../db/database.js'
import { DataDirLockedError } from '../db/lock.js'
import { migrate } from '../db/migrate.js'
import { type Api, localApi, urlApi } from './api.js'
import { serverFromLock } from './remote.js'
import type { Args } from './usage.js'

/** Where a command's work goes: this process's database, or a server (the one that owns it, or --url's). */
export interface Connection {
  config: Config
  /** Runs on the local database (migrated first) or, when a server owns it or --url names one, on that server. */
  run<T>(command: string, args: Args, local: (database: Database) => Promise<T>, remote: (api: Api) => Promise<T>): Promise<T>
  /** Runs over the API: the server's, or this process's own app answering in process. */
  api<T>(command: string, args: Args, run: (api: Api) => Promise<T>): Promise<T>
}

export function connect(config: Config): Connection {
  const connection: Connection = {
    config,
    async run(command, args, local, remote) {
      if (args.values.url) return remote(urlApi(config, args.values.url, args.values['token-file']))
      let database: Database
      try {
        database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: join(config.DATA_DIR, 'pglite'), owner: `frontline ${command}` })
      } catch (error) {
        if (!(error instanceof DataDirLockedError)) throw error
        const server = serverFromLock(config, error)
        process.stderr.write(
          `The embedded database in ${error.dataDir} belongs to the running server (pid ${server.pid}, port ${server.port}): sending the ${command} to ${server.base}\n`,
        )
        return remote(server)
      }
      try {
        await migrate(database.db)
        return await local(database)
      } finally {
        await database.close()
      }
    },
    api(command, args, run) {
      return connection.run(
        command,
        args,
        async (database) => {
          const api = await localApi(config, database)
          try {
            return await run(api)
          } finally {
            await api.close()
          }
        },
        run,
      )
    },
  }
  return connection
}
