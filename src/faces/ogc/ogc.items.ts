// The items of a collection (OGC API – Features Part 1 and Part 3): pages of control areas or
// reference features, one item, and the queryables a filter may name. Bodies are made once per
// view and URL (links are absolute) and kept compressed by the read model.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { Errors, withDetails } from '../../errors.js'
import { CsvSchema, contentResponse, notModifiedResponses, problemResponses } from '../../modules/common/schemas.js'
import { GEOJSON_CONTENT_TYPE } from '../../modules/common/media-types.js'
import { baseUrl, pageLinks } from '../../modules/common/paging.js'
import { parseInstant } from '../../modules/common/time.js'
import * as controlService from '../../modules/control/control.service.js'
import { streamBatchBytes } from '../../modules/control/control.stream.js'
import * as featuresService from '../../modules/features/features.service.js'
import { notModified, sendBody, sendStream } from '../../plugins/views.js'
import type { DatasetView } from '../../read/dataset-view.js'
import { CollectionParamsSchema, type CollectionRef, CRS84, openCollection } from '../collections.js'
import type { QueryableType } from '../../modules/common/items.js'
import { parseCql2Text } from './cql2.js'
import { definitions, escapeHtml, linkList, page, section, table } from './ogc.html.js'
import { CSV_CONTENT_TYPE, formatHref, HTML_CONTENT_TYPE, href, LINK_TYPES, type OgcFormat, ogcFormat, SCHEMA_CONTENT_TYPE, selfLinks } from './ogc.links.js'
import {
  HtmlSchema,
  ItemParamsSchema,
  ItemQuerySchema,
  ItemSchema,
  type ItemsQuery,
  ItemsQuerySchema,
  ItemsSchema,
  MAX_ITEMS,
  type OgcLink,
  parseDatetime,
  parseOgcBbox,
  ItemJsonSchemaSchema,
  QueryablesSchema,
  SchemaQuerySchema,
} from './ogc.schemas.js'

const TAGS = ['ogc']
const ITEM_TYPES = { json: GEOJSON_CONTENT_TYPE }
/** bbox-crs and filter-crs may name CRS84 by its URI or as a safe CURIE. */
const CRS84_NAMES = [CRS84, '[OGC:CRS84]']

const AREA_COLUMNS = ['id', 'actor', 'side', 'status', 'validFrom', 'validTo', 'areaKm2', 'sources']
const FEATURE_COLUMNS = ['id', 'kind', 'name', 'ownerSide']

const DESCRIPTIONS: Record<string, string> = {
  id: 'item id',
  actor: 'actor id (GET /v1/datasets/{id}/actors); null on contested ground',
  side: "the actor's side",
  status: 'controlled or contested',
  validFrom: 'the area holds from this instant (inclusive, UTC)',
  validTo: 'until this instant (exclusive, UTC); null while it still holds',
  areaKm2: 'geodesic area, km²',
  areaKey: 'the id the import gave the area, kept across snapshots',
  kind: 'city, outskirts, town, village, base, airport, highway…',
  name: 'the name',
  ownerSide: 'for highways: the side that owns the road',
}

function queryablesOf(ref: CollectionRef): Record<string, QueryableType> {
  return ref.kind === 'areas' ? controlService.AREA_QUERYABLES : featuresService.FEATURE_QUERYABLES
}

interface SortKey {
  name: string
  descending: boolean
}

/** `+validFrom,-areaKm2`: a + in a URL reads as a space, which is the same ascending order. */
function parseSortby(value: string, queryables: Record<string, QueryableType>): SortKey[] {
  const keys = value.split(',').map((part) => {
    const text = part.trim()
    const descending = text.startsWith('-')
    return { name: text.replace(/^[+-]/, ''), descending }
  })
  const unknown = keys.filter((key) => !(key.name in queryables))
  if (unknown.length > 0) {
    const accepted = Object.keys(queryables).join(', ')
    throw withDetails(
      new Errors.INVALID_REQUEST(
        `sortby names ${unknown.map((key) => JSON.stringify(key.name)).join(', ')}, not a queryable of the collection; sortable: ${accepted}`,
      ),
      unknown.map((key) => ({
        path: '/query/sortby',
        code: 'UNKNOWN_PROPERTY',
        reason: `${JSON.stringify(key.name)} is not a queryable; sortable: ${accepted}`,
      })),
    )
  }
  return keys
}

/** Nulls (an open validTo, contested ground's actor) after every value, ascending. */
function compareValues(a: unknown, b: unknown): number {
  if (a === null || a === undefined) return b === null || b === undefined ? 0 : 1
  if (b === null || b === undefined) return -1
  const x = a instanceof Date ? a.getTime() : (a as number | string)
  const y = b instanceof Date ? b.getTime() : (b as number | string)
  return x < y ? -1 : x > y ? 1 : 0
}

function comparator(keys: SortKey[]) {
  return (a: Record<string, unknown>, b: Record<string, unknown>): number => {
    for (const key of keys) {
      const order = compareValues(a[key.name], b[key.name])
      if (order !== 0) return key.descending ? -order : order
    }
    return 0
  }
}

const splitList = (value: string | undefined) =>
  value
    ?.split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')

/** What a request of items asks, read and checked once: refusals come before any work. */
function readItemsQuery(ref: CollectionRef, query: ItemsQuery) {
  for (const name of ['bbox-crs', 'filter-crs'] as const) {
    const crs = query[name]
    if (crs !== undefined && !CRS84_NAMES.includes(crs))
      throw withDetails(new Errors.UNSUPPORTED_CRS(`${name} ${JSON.stringify(crs.slice(0, 100))} is not supported: the only CRS is ${CRS84}`), [
        { path: `/query/${name}`, code: 'UNSUPPORTED_CRS', reason: `only ${CRS84} is supported` },
      ])
  }
  const queryables = queryablesOf(ref)
  const filter = query.filter === undefined ? undefined : parseCql2Text(query.filter, queryables)
  return {
    time: query.datetime === undefined ? null : parseDatetime(query.datetime),
    bbox: query.bbox === undefined ? undefined : parseOgcBbox(query.bbox),
    ids: splitList(query.ids),
    where: filter && ((properties: Record<string, unknown>) => filter.evaluate(properties)),
    compare: query.sortby === undefined ? undefined : comparator(parseSortby(query.sortby, queryables)),
    // Part 1 wants a limit past the maximum read as the maximum, not refused.
    limit: Math.min(query.limit, MAX_ITEMS),
    offset: query.offset,
    shape: { properties: splitList(query.properties), skipGeometry: query.skipGeometry === 'true' },
  }
}
type ReadQuery = ReturnType<typeof readItemsQuery>

const collectionPath = (ref: CollectionRef) => `/collections/${encodeURIComponent(ref.id)}`

function trail(request: FastifyRequest, ref: CollectionRef, knownAt: string | undefined) {
  return [
    { title: 'Frontline', href: href(request, '/') },
    { title: 'Collections', href: href(request, '/collections') },
    { title: ref.id, href: href(request, collectionPath(ref), { known_at: knownAt, f: 'html' }) },
  ]
}

/** The rows of a page as the HTML table shows them, and the item page each links to. */
interface HtmlRow {
  id: string | number
  values: Record<string, unknown>
}

/** One page of items in the asked format; a map past `streamFromBytes` is not built whole for it. */
async function renderItems(
  request: FastifyRequest,
  ref: CollectionRef,
  view: DatasetView,
  format: OgcFormat,
  query: ItemsQuery,
  read: ReadQuery,
  streamFromBytes: number,
): Promise<string> {
  const timeStamp = new Date().toISOString()
  let matched: number
  let returned: number
  let csv: () => string
  let texts: () => Promise<string[]>
  let rows: () => HtmlRow[]
  if (ref.kind === 'areas') {
    const result = await controlService.listAreaItems(view, read, streamFromBytes)
    matched = result.matched
    returned = result.page.length
    csv = () => controlService.areaItemsCsv(result.page, read.shape.properties)
    texts = () => controlService.areaFeatureTexts(view, result.page, read.shape)
    rows = () => result.page.map((item) => ({ id: item.meta.id, values: { id: item.meta.id, ...controlService.areaProperties(item.meta) } }))
  } else {
    const result = await featuresService.listFeatureItems(view, read)
    matched = result.matched
    returned = result.page.length
    csv = () => featuresService.featureItemsCsv(result.page, read.shape.properties)
    texts = async () => result.page.map((feature) => featuresService.featureItemText(feature, read.shape))
    rows = () =>
      result.page.map((feature) => ({
        id: feature.id,
        values: { ...feature.properties, id: feature.id, kind: feature.kind, name: feature.name, ownerSide: feature.ownerSide },
      }))
  }
  if (format === 'csv') return csv()
  const links = itemsLinks(request, ref, query, read, format, matched, returned)
  if (format === 'json') return `${itemsOpening(timeStamp, matched, returned, links)}${(await texts()).join(',')}]}`
  const shown = rows()
  const columns = read.shape.properties
    ? ['id', ...read.shape.properties.filter((name) => name !== 'id')]
    : ref.kind === 'areas'
      ? AREA_COLUMNS
      : FEATURE_COLUMNS
  return page(
    `${ref.id}: items`,
    trail(request, ref, query.known_at),
    definitions([
      ['matched', matched],
      ['returned', returned],
      ['from', read.offset + (returned > 0 ? 1 : 0)],
      ['time stamp', timeStamp],
    ]),
    table(
      columns,
      shown.map((row) => row.values),
      (values) => href(request, `${collectionPath(ref)}/items/${encodeURIComponent(String(values.id))}`, { known_at: query.known_at, f: 'html' }),
    ),
    linkList(links),
  )
}

/** The links of a page of items: its neighbours, its other formats, its collection. */
function itemsLinks(
  request: FastifyRequest,
  ref: CollectionRef,
  query: ItemsQuery,
  read: ReadQuery,
  format: OgcFormat,
  matched: number,
  returned: number,
): OgcLink[] {
  const type = format === 'html' ? LINK_TYPES.html : GEOJSON_CONTENT_TYPE
  return [
    ...pageLinks(request, { limit: read.limit, offset: read.offset, matched, returned }, type),
    ...(['json', 'html', 'csv'] as const)
      .filter((other) => other !== format)
      .map((other) => ({ href: formatHref(request, other), rel: 'alternate', type: other === 'json' ? GEOJSON_CONTENT_TYPE : LINK_TYPES[other] })),
    { href: href(request, collectionPath(ref), { known_at: query.known_at }), rel: 'collection', type: LINK_TYPES.json },
  ]
}

/** A GeoJSON page of items up to its features: the head less its last '}', and the features' opening bracket. */
function itemsOpening(timeStamp: string, matched: number, returned: number, links: OgcLink[]): string {
  const head = JSON.stringify({ type: 'FeatureCollection', timeStamp, numberMatched: matched, numberReturned: returned, links })
  return `${head.slice(0, -1)},"features":[`
}

/** A GeoJSON page of areas too large to build whole: its opening and its items, whose features are made batch by batch. */
interface ItemsStream {
  opening: string
  page: controlService.AreaItem[]
}

/** The page of areas a request asks for when its text is estimated past `streamFromBytes` (before any geometry is read); null when it is not. */
async function planItemsStream(
  request: FastifyRequest,
  ref: CollectionRef,
  view: DatasetView,
  query: ItemsQuery,
  read: ReadQuery,
  streamFromBytes: number,
): Promise<ItemsStream | null> {
  const timeStamp = new Date().toISOString()
  const { matched, page } = await controlService.listAreaItems(view, read, streamFromBytes)
  if (controlService.estimateAreaItems(page) <= streamFromBytes) return null
  return { opening: itemsOpening(timeStamp, matched, page.length, itemsLinks(request, ref, query, read, 'json', matched, page.length)), page }
}

async function* itemsPieces(view: DatasetView, plan: ItemsStream, shape: ReadQuery['shape'], batchBytes: number): AsyncGenerator<string> {
  yield plan.opening
  yield* controlService.areaFeaturePieces(view, plan.page, shape, batchBytes)
  yield ']}'
}

export default async function ogcItemsRoutes(app: FastifyInstance): Promise<void> {
  const routes = app.withTypeProvider<ZodTypeProvider>()

  routes.get(
    '/collections/:collectionId/items',
    {
      schema: {
        tags: TAGS,
        summary: 'The items of a collection: control areas over their valid time, or reference features',
        description:
          'GeoJSON (application/geo+json) by default, HTML for f=html or Accept: text/html, CSV (without geometry) for f=csv or Accept: text/csv. ' +
          'Control areas: datetime=<instant> is the map as of that instant (the same entries GET /v1/control has); an interval every row valid ' +
          'at some instant of it; none, every row. Reference features carry no valid time: every datetime matches all of them. bbox, ids, filter ' +
          '(CQL2 text over the queryables) and datetime are ANDed; sortby orders (default: id); properties and skipGeometry shape each item. ' +
          `Paged with limit (default 10, at most ${MAX_ITEMS}) and offset, with absolute next/prev links keeping every parameter.`,
        params: CollectionParamsSchema,
        querystring: ItemsQuerySchema,
        response: {
          200: contentResponse('a page of items', { 'application/geo+json': ItemsSchema, 'text/html': HtmlSchema, 'text/csv': CsvSchema }),
          ...notModifiedResponses(),
          ...problemResponses(400, 404, 406),
        },
      },
    },
    async (request, reply) => {
      const { query } = request
      const format = ogcFormat(request, query.f, ['json', 'html', 'csv'], [GEOJSON_CONTENT_TYPE])
      const knownAt = query.known_at ? parseInstant(query.known_at, 'end-of-day') : undefined
      const { ref, view } = await openCollection(app, request.params.collectionId, knownAt)
      const read = readItemsQuery(ref, query)
      if (notModified(request, reply, view)) return reply
      const parts = [ref.id, format, `${baseUrl(request)}${request.url}`]
      const streamFromBytes = app.config.STREAM_FROM_MB * 1024 * 1024
      if (ref.kind === 'areas' && format === 'json' && !read.shape.skipGeometry && !app.readModel.has(view, 'ogc-items', parts)) {
        const { view: answered, value: plan } = await app.readModel.answer(view, 'ogc-items-stream', parts, (current) =>
          planItemsStream(request, ref, current, query, read, streamFromBytes),
        )
        // The opened view reads outside any snapshot, as a stream must (see GET /v1/control).
        if (plan) return sendStream(request, reply, answered, itemsPieces(view, plan, read.shape, streamBatchBytes(streamFromBytes)), GEOJSON_CONTENT_TYPE)
      }
      const { view: answered, body } = await app.readModel.body(view, 'ogc-items', parts, (current) =>
        renderItems(request, ref, current, format, query, read, streamFromBytes),
      )
      return sendBody(request, reply, answered, body, format === 'csv' ? CSV_CONTENT_TYPE : format === 'html' ? HTML_CONTENT_TYPE : GEOJSON_CONTENT_TYPE)
    },
  )

  routes.get(
    '/collections/:collectionId/items/:featureId',
    {
      schema: {
        tags: TAGS,
        summary: 'One item: a control area row (of any time) or a reference feature',
        params: ItemParamsSchema,
        querystring: ItemQuerySchema,
        response: {
          200: contentResponse('the item', { 'application/geo+json': ItemSchema, 'text/html': HtmlSchema }),
          ...notModifiedResponses(),
          ...problemResponses(400, 404, 406),
        },
      },
    },
    async (request, reply) => {
      const { query, params } = request
      const format = ogcFormat(request, query.f, ['json', 'html'], [GEOJSON_CONTENT_TYPE])
      const knownAt = query.known_at ? parseInstant(query.known_at, 'end-of-day') : undefined
      const { ref, view } = await openCollection(app, params.collectionId, knownAt)
      if (notModified(request, reply, view)) return reply
      const { view: answered, body } = await app.readModel.body(
        view,
        'ogc-item',
        [ref.id, params.featureId, format, `${baseUrl(request)}${request.url}`],
        async (current) => {
          let text: string
          let values: Record<string, unknown>
          if (ref.kind === 'areas') {
            const item = await controlService.getAreaItem(current, params.featureId)
            if (!item) throw new Errors.ITEM_NOT_FOUND(params.featureId, ref.id)
            text = item.text
            values = controlService.areaProperties(item.meta)
          } else {
            const feature = await featuresService.getFeatureItem(current, params.featureId)
            if (!feature) throw new Errors.ITEM_NOT_FOUND(params.featureId, ref.id)
            text = featuresService.featureItemText(feature, { skipGeometry: false })
            values = { ...feature.properties, kind: feature.kind, name: feature.name, ownerSide: feature.ownerSide }
          }
          const links: OgcLink[] = [
            ...selfLinks(request, format, ['json', 'html'], ITEM_TYPES),
            { href: href(request, collectionPath(ref), { known_at: query.known_at }), rel: 'collection', type: LINK_TYPES.json, title: 'the collection' },
          ]
          if (format === 'json') return `${text.slice(0, -1)},"links":${JSON.stringify(links)}}`
          const geometry = (JSON.parse(text) as { geometry: unknown }).geometry
          return page(
            `${ref.id}: ${params.featureId}`,
            trail(request, ref, query.known_at),
            definitions([['id', params.featureId], ...Object.entries(values)]),
            section('Geometry (GeoJSON, WGS84 [lon, lat])', `<pre>${escapeHtml(JSON.stringify(geometry))}</pre>`),
            linkList(links),
          )
        },
      )
      return sendBody(request, reply, answered, body, format === 'html' ? HTML_CONTENT_TYPE : GEOJSON_CONTENT_TYPE)
    },
  )

  /** The JSON Schema of each queryable, as the queryables and the item schema state it. */
  const propertySchemas = (ref: CollectionRef) =>
    Object.fromEntries(
      Object.entries(queryablesOf(ref)).map(([name, type]) => [
        name,
        {
          title: name,
          description: DESCRIPTIONS[name] ?? name,
          ...(type === 'timestamp' ? { type: 'string', format: 'date-time' } : { type: name === 'id' && ref.kind === 'areas' ? 'integer' : type }),
          ...(name === 'status' ? { enum: ['controlled', 'contested'] } : {}),
        },
      ]),
    ) as Record<string, { title: string; description: string; type: string; format?: string; enum?: string[] }>

  /** A JSON Schema document of a collection, or its HTML table of properties. */
  const sendSchema = (
    request: FastifyRequest,
    reply: FastifyReply,
    ref: CollectionRef,
    f: string | undefined,
    path: string,
    title: string,
    schema: object,
    properties: Record<string, { type: string; format?: string; description: string }>,
  ) => {
    const format = ogcFormat(request, f, ['json', 'html'], [SCHEMA_CONTENT_TYPE])
    const document = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: href(request, `${collectionPath(ref)}/${path}`),
      title: `${ref.id}: ${title}`,
      ...schema,
    }
    if (format === 'json') return reply.type(SCHEMA_CONTENT_TYPE).send(JSON.stringify(document))
    const links = selfLinks(request, 'html', ['json', 'html'], { json: SCHEMA_CONTENT_TYPE })
    return reply.type(HTML_CONTENT_TYPE).send(
      page(
        document.title,
        trail(request, ref, undefined),
        table(
          ['name', 'type', 'description'],
          Object.entries(properties).map(([name, property]) => ({
            name,
            type: property.format ? `${property.type} (${property.format})` : property.type,
            description: property.description,
          })),
        ),
        linkList(links),
      ),
    )
  }

  routes.get(
    '/collections/:collectionId/queryables',
    {
      schema: {
        tags: TAGS,
        summary: 'The properties a filter (and sortby) may name, as JSON Schema',
        params: CollectionParamsSchema,
        querystring: SchemaQuerySchema,
        response: {
          200: contentResponse('the queryables', { 'application/schema+json': QueryablesSchema, 'text/html': HtmlSchema }),
          ...problemResponses(400, 404, 406),
        },
      },
    },
    async (request, reply) => {
      const { ref } = await openCollection(app, request.params.collectionId)
      const properties = propertySchemas(ref)
      return sendSchema(
        request,
        reply,
        ref,
        request.query.f,
        'queryables',
        'queryables',
        { type: 'object', properties, additionalProperties: false },
        properties,
      )
    },
  )

  routes.get(
    '/collections/:collectionId/schema',
    {
      schema: {
        tags: TAGS,
        summary: 'The JSON Schema of an item of the collection: a GeoJSON feature and the types of its properties',
        description:
          'Linked from the collection as describedBy: a client such as GDAL types its fields from it (validTo a date-time even where a first page holds no end).',
        params: CollectionParamsSchema,
        querystring: SchemaQuerySchema,
        response: {
          200: contentResponse('the schema of an item', { 'application/schema+json': ItemJsonSchemaSchema, 'text/html': HtmlSchema }),
          ...problemResponses(400, 404, 406),
        },
      },
    },
    async (request, reply) => {
      const { ref } = await openCollection(app, request.params.collectionId)
      const { id, ...queryables } = propertySchemas(ref)
      const properties =
        ref.kind === 'areas'
          ? { ...queryables, sources: { title: 'sources', description: 'ids of the sources the area cites', type: 'array', items: { type: 'string' } } }
          : queryables
      const schema = {
        type: 'object',
        required: ['type', 'geometry', 'properties'],
        properties: {
          type: { type: 'string', enum: ['Feature'] },
          id,
          geometry: { format: ref.kind === 'areas' ? 'geometry-polygon-or-multipolygon' : 'geometry-any' },
          ...(ref.kind === 'areas' ? { time: { type: 'object', description: 'JSON-FG time: the interval [validFrom, validTo]' } } : {}),
          properties: { type: 'object', properties },
        },
      }
      return sendSchema(request, reply, ref, request.query.f, 'schema', 'schema of an item', schema, properties)
    },
  )
}
