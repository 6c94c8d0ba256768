import type { Socket } from 'node:net'
import compress from '@fastify/compress'
import cors from '@fastify/cors'
import Fastify, { type FastifyInstance, type FastifyRequest, type FastifyServerOptions } from 'fastify'
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod'
import type { Config } from './config.js'
import type { Database } from './db/database.js'
import actorsRoutes from './modules/actors/actors.routes.js'
import controlRoutes from './modules/control/control.routes.js'
import datasetsRoutes from './modules/datasets/datasets.routes.js'
import eventsRoutes from './modules/events/events.routes.js'
import featuresRoutes from './modules/features/features.routes.js'
import importsRoutes from './modules/imports/imports.routes.js'
import analysisRoutes from './modules/analysis/analysis.routes.js'
import serviceRoutes from './modules/service/service.routes.js'
import sourcesRoutes from './modules/sources/sources.routes.js'
import { Errors, withHeaders } from './errors.js'
import authPlugin, { redactUrl } from './plugins/auth.js'
import bodyPlugin from './plugins/body.js'
import ogcFace from './faces/ogc/index.js'
import tilesFace from './faces/tiles/index.js'
import viewerFace from './faces/viewer/index.js'
import databasePlugin from './plugins/database.js'
import errorsPlugin, { clientErrorHandler, frameworkErrors } from './plugins/errors.js'
import openapiPlugin from './plugins/openapi.js'
import parametersPlugin from './plugins/parameters.js'
import viewsPlugin from './plugins/views.js'
import workPlugin from './plugins/work.js'

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
  /** false: no logs; an object: pino options merged over ours (a `stream` to capture them, a `level`). */
  logger?: false | Exclude<FastifyServerOptions['logger'], boolean | undefined>
}

// Credentials never reach the logs: not the header (whoever logs headers), not a token put in the URL.
const LOG_REDACT = { paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'headers.cookie'], censor: '[redacted]' }
// The request as Fastify logs it, its URL redacted. pino applies it to anything logged as `req`: other objects pass
// through, their URL redacted alike.
const serializeRequest = (request: FastifyRequest): Record<string, unknown> => {
  const logged = request as unknown as Record<string, unknown>
  if (!('raw' in logged)) return typeof logged.url === 'string' ? { ...logged, url: redactUrl(logged.url) } : logged
  return { method: request.method, url: redactUrl(request.url), host: request.host, remoteAddress: request.ip, remotePort: request.socket?.remotePort }
}

/** Builds the app: plugins and route modules, registered explicitly. Never listens. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { config } = options
  const app = Fastify({
    logger: options.logger === false ? false : { level: config.LOG_LEVEL, redact: LOG_REDACT, serializers: { req: serializeRequest }, ...options.logger },
    bodyLimit: Math.floor(config.BODY_LIMIT_MB * 1024 * 1024),
    // Receiving a request is bounded in seconds; producing the answer is not counted (Node ≥ 18): analysis has its own
    // budget and answers 503 in time. Node checks both every connectionsCheckingInterval (30 s unless told).
    requestTimeout: config.REQUEST_TIMEOUT_MS,
    http: {
      headersTimeout: config.HEADERS_TIMEOUT_MS,
      requestTimeout: config.REQUEST_TIMEOUT_MS,
      connectionsCheckingInterval: Math.max(100, Math.min(1_000, Math.floor(config.HEADERS_TIMEOUT_MS / 4))),
    },
    keepAliveTimeout: config.KEEP_ALIVE_TIMEOUT_MS,
    connectionTimeout: config.SOCKET_TIMEOUT_MS,
    // Idle keep-alive sockets close at once on close; requests in flight finish (server.ts bounds how long).
    forceCloseConnections: 'idle',
    // Requests arriving on open connections while closing are served, with Connection: close, rather than refused
    // with Fastify's own 503 body (not a problem).
    return503OnClosing: false,
    clientErrorHandler,
    frameworkErrors,
    routerOptions: { ignoreTrailingSlash: true },
    // Behind a proxy every client would share its address, and with it one share of the pool. A number of hops, never
    // `true`: trusting every hop would take the leftmost X-Forwarded-For entry, which the client writes.
    trustProxy: config.TRUST_PROXY > 0 ? (_address: string, hop: number) => hop < config.TRUST_PROXY : false,
  })
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  app.decorate('config', config)
  boundConnections(app, config.MAX_CONNECTIONS)

  await app.register(errorsPlugin)
  // CORS first: a refusal by any later check carries its grant, so that a page can read the problem.
  await app.register(cors, corsOptions(config.CORS_ORIGINS))
  await app.register(bodyPlugin)
  await app.register(parametersPlugin)
  await app.register(databasePlugin, { database: options.database, closeWithApp: options.closeDatabase ?? false })
  await app.register(authPlugin, { writers: config.writers, failureLimit: config.AUTH_FAILURE_LIMIT, failureWindowMs: config.AUTH_FAILURE_WINDOW_MS })
  await app.register(viewsPlugin, { database: options.database, maxEntries: config.CACHE_ENTRIES, maxBytes: config.CACHE_MAX_MB * 1024 * 1024 })
  await app.register(workPlugin, { workers: config.ANALYSIS_WORKERS })
  await app.register(compress, { threshold: 2048, encodings: ['br', 'gzip', 'deflate'], customTypes: /^application\/(geo\+)?json|^text\// })
  await app.register(openapiPlugin)

  await app.register(serviceRoutes)
  await app.register(datasetsRoutes, { prefix: '/v1' })
  await app.register(actorsRoutes, { prefix: '/v1' })
  await app.register(sourcesRoutes, { prefix: '/v1' })
  await app.register(importsRoutes, { prefix: '/v1' })
  await app.register(controlRoutes, { prefix: '/v1' })
  await app.register(featuresRoutes, { prefix: '/v1' })
  await app.register(analysisRoutes, { prefix: '/v1' })
  await app.register(eventsRoutes, { prefix: '/v1' })
  // Other ways in over the same services: the map viewer, OGC API – Features and Tiles, at the root.
  await app.register(viewerFace, { basemapUrl: config.VIEWER_BASEMAP_URL, basemapAttribution: config.VIEWER_BASEMAP_ATTRIBUTION })
  await app.register(ogcFace)
  await app.register(tilesFace)
  return app
}

/**
 * Reads from any origin (or the configured ones): a page or a notebook elsewhere can call the API. Writes are allowed
 * through CORS too, and still need the bearer token, which a browser never sends on its own (no cookies are used).
 */
function corsOptions(origins: string) {
  const list = origins
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '')
  return {
    origin: list.includes('*') ? '*' : list.length > 0 ? list : false,
    methods: ['GET', 'HEAD', 'PUT', 'POST', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'If-None-Match', 'Accept'],
    exposedHeaders: ['ETag', 'Retry-After', 'X-Cache', 'X-Dataset-Revision', 'Link', 'WWW-Authenticate', 'OGCAPI-datetime'],
    maxAge: 600,
    strictPreflight: false,
  }
}

const kExcess = Symbol('frontline.excess')

/**
 * At most `max` connections are served. Node's server.maxConnections drops the ones past it without a word; here
 * they are accepted, their request is answered 503 TOO_MANY_CONNECTIONS, and they are closed. Past a margin above
 * `max` Node drops them after all, so that refusing cannot itself exhaust the file descriptors.
 */
function boundConnections(app: FastifyInstance, max: number): void {
  let open = 0
  app.server.maxConnections = max + Math.max(16, Math.ceil(max / 10))
  app.server.on('connection', (socket: Socket & { [kExcess]?: boolean }) => {
    open += 1
    socket.once('close', () => (open -= 1))
    if (open > max) socket[kExcess] = true
  })
  app.addHook('onRequest', async (request) => {
    if ((request.raw.socket as (Socket & { [kExcess]?: boolean }) | undefined)?.[kExcess]) {
      throw withHeaders(new Errors.TOO_MANY_CONNECTIONS(`This server is serving its limit of ${max} connections; retry shortly`), {
        connection: 'close',
        'retry-after': '1',
      })
    }
  })
  // On close: an answer finishing meanwhile closes its connection instead of keeping it alive for a next request.
  let closing = false
  app.addHook('preClose', async () => {
    closing = true
  })
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close')
  })
}
