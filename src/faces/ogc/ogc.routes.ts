// OGC API – Features Part 1 resources other than items: landing page, conformance, API definition,
// collections. Each answers JSON by default and HTML to browsers (f=html or Accept: text/html).
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import * as controlService from '../../modules/control/control.service.js'
import * as datasetsService from '../../modules/datasets/datasets.service.js'
import * as featuresService from '../../modules/features/features.service.js'
import { JSON_CONTENT_TYPE } from '../../modules/common/media-types.js'
import { contentResponse, notModifiedResponses, problemResponses } from '../../modules/common/schemas.js'
import { parseInstant } from '../../modules/common/time.js'
import { notModified } from '../../plugins/views.js'
import type { DatasetView } from '../../read/dataset-view.js'
import { COLLECTION_KINDS, collectionId, CollectionParamsSchema, type CollectionRef, CRS84, openCollection } from '../collections.js'
import { TILES_CONFORMANCE } from '../tiles/index.js'
import { CQL2_CONFORMANCE } from './cql2.js'
import { definitions, escapeHtml, linkList, page, section, table } from './ogc.html.js'
import { HTML_CONTENT_TYPE, href, LINK_TYPES, OPENAPI_CONTENT_TYPE, ogcFormat, selfLinks } from './ogc.links.js'
import {
  CollectionQuerySchema,
  CollectionSchema,
  CollectionsQuerySchema,
  CollectionsSchema,
  ConformanceSchema,
  GREGORIAN,
  HtmlSchema,
  LandingPageSchema,
  type OgcLink,
  PlainQuerySchema,
  QUERYABLES_REL,
  TILESETS_VECTOR_REL,
} from './ogc.schemas.js'

/**
 * The conformance classes declared, each passed (test/faces/ogc*.test.ts, and GDAL's OAPIF driver as a
 * client). Not oas30: /api is OpenAPI 3.1. Not queryables-query-parameters: queryables are filtered
 * through `filter` only.
 */
export const CONFORMANCE = [
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html',
  'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables',
  'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter',
  'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter',
  ...CQL2_CONFORMANCE,
  ...TILES_CONFORMANCE,
]

const TAGS = ['ogc']
const TITLE = 'Frontline'
const DESCRIPTION =
  'Dated territorial control as OGC API – Features: for each dataset, its control areas (every area row with its valid time; ' +
  '`datetime` an instant gives the map as of then, an interval every row valid in it) and its reference features.'

type Doc = Record<string, unknown>

/** A JSON answer as text, or the HTML page made of it. */
function answer(format: string, json: Doc, html: () => string): { type: string; body: string } {
  return format === 'html' ? { type: HTML_CONTENT_TYPE, body: html() } : { type: JSON_CONTENT_TYPE, body: JSON.stringify(json) }
}

const HOME = (request: FastifyRequest) => [{ title: TITLE, href: href(request, '/') }]

/** What a collection is made of: its id, its dataset's name, and its extent. */
async function collectionDoc(
  request: FastifyRequest,
  ref: CollectionRef,
  view: DatasetView,
  name: string,
  carried: Record<string, string | undefined>,
): Promise<Doc> {
  const path = `/collections/${encodeURIComponent(ref.id)}`
  const extent: Doc = {}
  let title: string
  let description: string
  if (ref.kind === 'areas') {
    const { bbox, from, to } = await controlService.getAreaExtent(view)
    if (bbox) extent.spatial = { bbox: [bbox], crs: CRS84 }
    if (from) extent.temporal = { interval: [[from.toISOString(), to?.toISOString() ?? null]], trs: GREGORIAN }
    title = `${name}: control areas`
    description =
      `Who held which ground over which valid time, one item per area row (id, actor, side, status, validFrom, validTo, areaKm2, sources), ` +
      'its valid time also as JSON-FG `time`. datetime=<instant> gives the map as of that instant; datetime=<a>/<b> (or ../<b>, <a>/..) ' +
      'every row valid at some instant of it; without datetime, the whole history.'
  } else {
    const bbox = await featuresService.getFeatureExtent(view)
    if (bbox) extent.spatial = { bbox: [bbox], crs: CRS84 }
    title = `${name}: reference features`
    description =
      'Cities, outskirts, towns, villages, bases, airports and highways (id, kind, name, ownerSide). They carry no valid time, so every datetime matches all of them.'
  }
  const items = (type: string, f?: string) => ({
    href: href(request, `${path}/items`, { ...carried, f }),
    rel: 'items',
    type,
    title: `the items as ${f ?? 'GeoJSON'}`,
  })
  const links: OgcLink[] = [
    { href: href(request, path, carried), rel: 'self', type: LINK_TYPES.json, title: 'this collection' },
    { href: href(request, path, { ...carried, f: 'html' }), rel: 'alternate', type: LINK_TYPES.html, title: 'this collection as HTML' },
    items('application/geo+json'),
    items(LINK_TYPES.html, 'html'),
    items(LINK_TYPES.csv, 'csv'),
    { href: href(request, `${path}/queryables`), rel: QUERYABLES_REL, type: 'application/schema+json', title: 'the properties a filter may name' },
    // describedBy as GDAL's OAPIF driver spells it (relations compare case-insensitively, RFC 8288 §2.1.1).
    { href: href(request, `${path}/schema`), rel: 'describedBy', type: 'application/schema+json', title: 'the JSON Schema of an item' },
    { href: href(request, `${path}/tiles`, carried), rel: TILESETS_VECTOR_REL, type: LINK_TYPES.json, title: 'vector tiles' },
  ]
  return { id: ref.id, title, description, itemType: 'feature', crs: [CRS84], extent, links }
}

function collectionHtml(doc: Doc): string {
  const extent = doc.extent as { spatial?: { bbox: number[][] }; temporal?: { interval: (string | null)[][] } }
  return section(
    String(doc.title),
    `<p>${escapeHtml(doc.description)}</p>` +
      definitions([
        ['id', doc.id],
        ['item type', doc.itemType],
        ['crs', doc.crs],
        ['spatial extent (minLon, minLat, maxLon, maxLat)', extent.spatial?.bbox[0] ?? 'none'],
        ['temporal extent', extent.temporal ? extent.temporal.interval[0].map((end) => end ?? '..').join(' / ') : 'none'],
      ]) +
      linkList(doc.links as OgcLink[]),
  )
}

export default async function ogcRoutes(app: FastifyInstance): Promise<void> {
  const routes = app.withTypeProvider<ZodTypeProvider>()

  routes.get(
    '/',
    {
      schema: {
        tags: TAGS,
        summary: 'OGC API – Features landing page',
        description:
          'Links to the API definition (/api), its documentation (/docs), the conformance declaration and the collections. ' +
          'A browser (Accept: text/html, no `f`) is answered with the map viewer, which links here; `f=html` gives this page as HTML.',
        querystring: PlainQuerySchema,
        response: {
          200: contentResponse('the landing page', { 'application/json': LandingPageSchema, 'text/html': HtmlSchema }),
          ...problemResponses(400, 406),
        },
      },
    },
    async (request, reply) => {
      const format = ogcFormat(request, request.query.f, ['json', 'html'])
      // A browser asking for the root gets the map; the landing page as HTML is `?f=html`, linked from the map.
      reply.header('vary', 'Accept')
      if (format === 'html' && request.query.f === undefined) return reply.sendViewer()
      const links: OgcLink[] = [
        ...selfLinks(request, format, ['json', 'html']),
        { href: href(request, '/api'), rel: 'service-desc', type: OPENAPI_CONTENT_TYPE, title: 'the API definition (OpenAPI 3.1)' },
        { href: href(request, '/docs'), rel: 'service-doc', type: LINK_TYPES.html, title: 'the API documentation' },
        { href: href(request, '/conformance'), rel: 'conformance', type: LINK_TYPES.json, title: 'the conformance classes declared' },
        { href: href(request, '/collections'), rel: 'data', type: LINK_TYPES.json, title: 'the collections' },
        {
          href: href(request, '/tileMatrixSets'),
          rel: 'http://www.opengis.net/def/rel/ogc/1.0/tiling-schemes',
          type: LINK_TYPES.json,
          title: 'the tile matrix sets the vector tiles are served in',
        },
      ]
      const json = { title: TITLE, description: DESCRIPTION, links }
      const { type, body } = answer(format, json, () => page(TITLE, [], `<p>${escapeHtml(DESCRIPTION)}</p>`, linkList(links)))
      return reply.type(type).send(body)
    },
  )

  routes.get(
    '/conformance',
    {
      schema: {
        tags: TAGS,
        summary: 'The OGC conformance classes this service declares',
        querystring: PlainQuerySchema,
        response: {
          200: contentResponse('the conformance declaration', { 'application/json': ConformanceSchema, 'text/html': HtmlSchema }),
          ...problemResponses(400, 406),
        },
      },
    },
    async (request, reply) => {
      const format = ogcFormat(request, request.query.f, ['json', 'html'])
      const links = selfLinks(request, format, ['json', 'html'])
      const { type, body } = answer(format, { conformsTo: CONFORMANCE, links }, () =>
        page(
          'Conformance',
          HOME(request),
          `<ul>${CONFORMANCE.map((uri) => `<li><a href="${escapeHtml(uri)}">${escapeHtml(uri)}</a></li>`).join('')}</ul>`,
          linkList(links),
        ),
      )
      return reply.type(type).send(body)
    },
  )

  let documentText: string | undefined
  routes.get(
    '/api',
    {
      schema: {
        tags: TAGS,
        summary: 'The API definition (OpenAPI 3.1)',
        description:
          'The OpenAPI document of the whole service, as application/vnd.oai.openapi+json;version=3.1 (or application/json to a client that asks for it), ' +
          'or as an HTML list of its operations (the interactive documentation is /docs).',
        querystring: PlainQuerySchema,
        response: {
          200: contentResponse('the OpenAPI document', {
            // Declared without its version parameter: a media type's parameters are not part of the content key a client matches.
            [OPENAPI_CONTENT_TYPE.split(';')[0]]: z.record(z.string(), z.unknown()),
            'application/json': z.record(z.string(), z.unknown()),
            'text/html': HtmlSchema,
          }),
          ...problemResponses(400, 406),
        },
      },
    },
    async (request, reply) => {
      const format = ogcFormat(request, request.query.f, ['json', 'html'], [OPENAPI_CONTENT_TYPE.split(';')[0]])
      const document = app.swagger() as { paths?: Record<string, Record<string, { summary?: string }>> }
      if (format === 'html') {
        const rows = Object.entries(document.paths ?? {}).flatMap(([path, methods]) =>
          Object.entries(methods).map(([method, operation]) => ({ operation: `${method.toUpperCase()} ${path}`, summary: operation.summary ?? '' })),
        )
        const links = selfLinks(request, 'html', ['json', 'html'], { json: OPENAPI_CONTENT_TYPE })
        return reply
          .type(HTML_CONTENT_TYPE)
          .send(
            page(
              'API definition',
              HOME(request),
              `<p><a href="${escapeHtml(href(request, '/docs'))}">Interactive documentation</a></p>`,
              table(['operation', 'summary'], rows),
              linkList(links),
            ),
          )
      }
      // GDAL's OAPIF driver asks for OpenAPI 3.0 or plain JSON: it gets the document as application/json.
      const accept = (request.headers.accept ?? '').toLowerCase()
      const plain = request.query.f === undefined && accept.includes('application/json') && !accept.includes('application/vnd.oai.openapi+json;version=3.1')
      // The document is the same for the life of the app: serialised once (GDAL fetches it on every open).
      documentText ??= JSON.stringify(document)
      return reply.type(plain ? JSON_CONTENT_TYPE : OPENAPI_CONTENT_TYPE).send(documentText)
    },
  )

  routes.get(
    '/collections',
    {
      schema: {
        tags: TAGS,
        summary: "Every dataset's collections: its control areas and its reference features",
        querystring: CollectionsQuerySchema,
        response: {
          200: contentResponse('the collections', { 'application/json': CollectionsSchema, 'text/html': HtmlSchema }),
          ...problemResponses(400, 406),
        },
      },
    },
    async (request, reply) => {
      const format = ogcFormat(request, request.query.f, ['json', 'html'])
      const knownAt = request.query.known_at ? parseInstant(request.query.known_at, 'end-of-day') : undefined
      const { datasets } = await datasetsService.listDatasets(app.db, { limit: 10_000, offset: 0 })
      const collections: Doc[] = []
      for (const dataset of datasets) {
        for (const kind of COLLECTION_KINDS) {
          const { ref, view } = await openCollection(app, collectionId(dataset.id, kind), knownAt)
          collections.push(await collectionDoc(request, ref, view, dataset.name, { known_at: request.query.known_at }))
        }
      }
      const links = selfLinks(request, format, ['json', 'html'])
      const { type, body } = answer(format, { links, collections }, () =>
        page(
          'Collections',
          HOME(request),
          // Each collection whole, as the JSON has it (extent and links): the html class asks for the same content.
          collections.map((doc) => collectionHtml(doc)).join(''),
          linkList(links),
        ),
      )
      return reply.type(type).send(body)
    },
  )

  routes.get(
    '/collections/:collectionId',
    {
      schema: {
        tags: TAGS,
        summary: 'One collection: its extent in space and time, and links to its items, queryables and tiles',
        params: CollectionParamsSchema,
        querystring: CollectionQuerySchema,
        response: {
          200: contentResponse('the collection', { 'application/json': CollectionSchema, 'text/html': HtmlSchema }),
          ...notModifiedResponses(),
          ...problemResponses(400, 404, 406),
        },
      },
    },
    async (request, reply) => {
      const { query } = request
      const format = ogcFormat(request, query.f, ['json', 'html'])
      const knownAt = query.known_at ? parseInstant(query.known_at, 'end-of-day') : undefined
      const { ref, view } = await openCollection(app, request.params.collectionId, knownAt)
      if (notModified(request, reply, view)) return reply
      const { name } = await datasetsService.getDataset(view)
      const doc = await collectionDoc(request, ref, view, name, { datetime: query.datetime, known_at: query.known_at })
      // The self link is the URL asked (alternates keep its parameters).
      doc.links = [...selfLinks(request, format, ['json', 'html']), ...(doc.links as OgcLink[]).slice(2)]
      const { type, body } = answer(format, doc, () =>
        page(String(doc.title), [...HOME(request), { title: 'Collections', href: href(request, '/collections') }], collectionHtml(doc)),
      )
      return reply.type(type).send(body)
    },
  )
}
