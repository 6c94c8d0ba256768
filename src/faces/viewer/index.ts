// The map people look at: a time-slider viewer, served by Frontline itself, that needs nothing off the machine.
//
//   /                    the viewer, to a browser (Accept: text/html, no `f`); `/?f=html` is the OGC landing page
//   /map                 the viewer
//   /viewer/<file>       its code and styles (viewer/ in the repository), MapLibre GL JS from node_modules,
//                        and the base map's GeoJSON (data/basemap/)
//
// The page's state (dataset, instant, overlays, view) lives in the URL's fragment, so that `/` keeps refusing
// query parameters it does not know. Every file is read once, at start, and answered with an ETag.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { Errors } from '../../errors.js'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const require = createRequire(import.meta.url)

/** A file as answered: its bytes, its type, and the ETag of its bytes. */
interface Asset {
  body: Buffer
  type: string
  etag: string
}

const TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  html: 'text/html; charset=utf-8',
  geojson: 'application/geo+json',
  svg: 'image/svg+xml',
}

function asset(body: Buffer, name: string): Asset {
  const type = TYPES[name.slice(name.lastIndexOf('.') + 1)] ?? 'application/octet-stream'
  return { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` }
}

/** The viewer's own files: every file it loads is named here, so that nothing else under viewer/ is served. */
const OWN_FILES = ['app.js', 'api.js', 'state.js', 'style.js', 'overlays.js', 'events.js', 'charts.js', 'format.js', 'viewer.css']
const BASEMAP_FILES = ['countries.geojson', 'places.geojson']

export interface ViewerOptions {
  /** A raster tile URL template ({z}/{x}/{y}) drawn under the bundled base map; none by default. */
  basemapUrl?: string
  basemapAttribution?: string
}

function loadAssets(): Map<string, Asset> {
  const assets = new Map<string, Asset>()
  for (const name of OWN_FILES) assets.set(name, asset(readFileSync(`${ROOT}viewer/${name}`), name))
  for (const name of BASEMAP_FILES) assets.set(`basemap/${name}`, asset(readFileSync(`${ROOT}data/basemap/${name}`), name))
  for (const name of ['maplibre-gl.js', 'maplibre-gl.css']) assets.set(name, asset(readFileSync(require.resolve(`maplibre-gl/dist/${name}`)), name))
  return assets
}

/** The page: viewer/index.html with the service's settings for it written in. */
function pageAsset(options: ViewerOptions): Asset {
  const settings = {
    basemap: options.basemapUrl ? { url: options.basemapUrl, attribution: options.basemapAttribution ?? '' } : null,
  }
  // `<` escaped, so that no value can close the script element it sits in.
  const json = JSON.stringify(settings).replace(/</g, '\\u003c')
  const html = readFileSync(`${ROOT}viewer/index.html`, 'utf8').replace('<!-- settings -->', `<script type="application/json" id="settings">${json}</script>`)
  return asset(Buffer.from(html), 'index.html')
}

function send(request: FastifyRequest, reply: FastifyReply, file: Asset): FastifyReply {
  // Revalidated on each use: a new version of the service is picked up at once, and a reload costs a 304.
  reply.header('etag', file.etag).header('cache-control', 'no-cache').header('x-content-type-options', 'nosniff')
  if (request.headers['if-none-match'] === file.etag) return reply.code(304).send()
  return reply.type(file.type).send(file.body)
}

declare module 'fastify' {
  interface FastifyReply {
    /** Answers the viewer's page (the OGC landing page answers a browser with it). */
    sendViewer(): FastifyReply
  }
}

/**
 * What the page may load: this server's files and answers, and the configured base map's tiles. MapLibre starts its
 * worker from a blob: URL; style attributes carry the legend's colours.
 */
function contentSecurityPolicy(options: ViewerOptions): string {
  const basemap = options.basemapUrl ? ` ${new URL(options.basemapUrl.replace(/[{}]/g, '')).origin}` : ''
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' data: blob:${basemap}`,
    `connect-src 'self'${basemap}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'self'",
  ].join('; ')
}

async function viewerFace(app: FastifyInstance, options: ViewerOptions): Promise<void> {
  const assets = loadAssets()
  const page = pageAsset(options)
  const policy = contentSecurityPolicy(options)
  app.decorateReply('sendViewer', function (this: FastifyReply) {
    this.header('content-security-policy', policy)
    return send(this.request, this, page)
  })
  app.get('/map', { schema: { hide: true } }, async (_request, reply) => reply.sendViewer())
  app.get<{ Params: { '*': string } }>('/viewer/*', { schema: { hide: true } }, async (request, reply) => {
    const file = assets.get(request.params['*'])
    // Only the files named above: anything else under /viewer/ is no route at all.
    if (!file) throw new Errors.ROUTE_NOT_FOUND(request.method, request.url.split('?')[0])
    return send(request, reply, file)
  })
}

export default fp(viewerFace, { name: 'viewer-face' })
