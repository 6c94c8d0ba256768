import compress from '@fastify/compress'
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod'
import type { Config } from './config.js'
import type { Database } from './db/database.js'
import actorsRoutes from './modules/actors/actors.routes.js'
import controlRoutes from './modules/control/control.routes.js'
import datasetsRoutes from './modules/datasets/datasets.routes.js'
import featuresRoutes from './modules/features/features.routes.js'
import importsRoutes from './modules/imports/imports.routes.js'
import analysisRoutes from './modules/analysis/analysis.routes.js'
import serviceRoutes from './modules/service/service.routes.js'
import authPlugin from './plugins/auth.js'
import databasePlugin from './plugins/database.js'
import errorsPlugin from './plugins/errors.js'
import openapiPlugin from './plugins/openapi.js'
import viewsPlugin from './plugins/views.js'

declare module 'fastify' {
  interface FastifyInstance {
    config: Config
  }
}

export interface AppOptions {
  config: Config
  database: Database
  /** Close the database when the app closes (the server owns it; tests may share one). */
  closeDatabase?: boolean
  logger?: FastifyServerOptions['logger']
}

/** Builds the app: plugins and route modules, registered explicitly. Never listens. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { config } = options
  const app = Fastify({
    logger: options.logger ?? { level: config.LOG_LEVEL },
    bodyLimit: Math.floor(config.BODY_LIMIT_MB * 1024 * 1024),
    // A timed-out socket answers nothing; analysis has its own budget and answers 503 in time.
    requestTimeout: config.ANALYSIS_TIMEOUT_MS + 10_000,
    routerOptions: { ignoreTrailingSlash: true },
  })
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  app.decorate('config', config)
  // GeoJSON files are JSON: accept their registered media type with the same parser.
  app.addContentTypeParser('application/geo+json', { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'))

  await app.register(errorsPlugin)
  await app.register(databasePlugin, { database: options.database, closeWithApp: options.closeDatabase ?? false })
  await app.register(authPlugin, { tokens: config.apiTokens })
  await app.register(viewsPlugin, { database: options.database, maxEntries: config.CACHE_ENTRIES, maxBytes: config.CACHE_MAX_MB * 1024 * 1024 })
  await app.register(compress, { threshold: 2048, encodings: ['br', 'gzip', 'deflate'], customTypes: /^application\/(geo\+)?json|^text\// })
  await app.register(openapiPlugin)

  await app.register(serviceRoutes)
  await app.register(datasetsRoutes, { prefix: '/v1' })
  await app.register(actorsRoutes, { prefix: '/v1' })
  await app.register(importsRoutes, { prefix: '/v1' })
  await app.register(controlRoutes, { prefix: '/v1' })
  await app.register(featuresRoutes, { prefix: '/v1' })
  await app.register(analysisRoutes, { prefix: '/v1' })
  return app
}
