import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Database, Db } from '../db/database.js'

declare module 'fastify' {
  interface FastifyInstance {
    db: Db
    database: Database
  }
}

/** Shares the database with the routes; closes it with the app when the app owns it. */
async function databasePlugin(app: FastifyInstance, options: { database: Database; closeWithApp: boolean }): Promise<void> {
  app.decorate('database', options.database)
  app.decorate('db', options.database.db)
  if (options.closeWithApp) app.addHook('onClose', async () => options.database.close())
}

export default fp(databasePlugin, { name: 'database' })
