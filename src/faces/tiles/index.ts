// OGC API – Tiles (WebMercatorQuad, Mapbox Vector Tiles) for each collection, at any date, and TileJSON.
//
//   /collections/{collectionId}/tiles                                   the collection's vector tilesets
//   /collections/{collectionId}/tiles/WebMercatorQuad                   tileset metadata
//   /collections/{collectionId}/tiles/WebMercatorQuad/tilejson.json     TileJSON 3.0.0 for web maps
//   /collections/{collectionId}/tiles/WebMercatorQuad/{z}/{y}/{x}       a tile (tileMatrix/tileRow/tileCol)
//   /tileMatrixSets, /tileMatrixSets/WebMercatorQuad                    the tiling scheme
//
// Every tile URL takes `datetime` (one instant: the map as of it) and `known_at`; the metadata
// carries both into the templates it gives, so a client following them draws the map it asked for.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { Errors, withHeaders } from '../../errors.js'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { baseUrl } from '../../modules/common/paging.js'
import { contentResponse, notModifiedResponses, problemResponses } from '../../modules/common/schemas.js'
import { queryInstants } from '../../modules/common/time.js'
import * as datasetsService from '../../modules/datasets/datasets.service.js'
import { answeredAt, notModified, sendBody } from '../../plugins/views.js'
import type { DatasetView } from '../../read/dataset-view.js'
import { type CollectionKind, CollectionParamsSchema, type CollectionRef, CRS84, openCollection } from '../collections.js'
import {
  EmptyTileSchema,
  FormatQuerySchema,
  MvtSchema,
  TileJsonSchema,
  TileMatrixSetListSchema,
  TileMatrixSetSchema,
  TileMetadataQuerySchema,
  TileParamsSchema,
  TileQuerySchema,
  TileSetListSchema,
  TileSetSchema,
} from './tiles.schemas.js'
import { collectionBounds, LAYER_FIELDS, LAYER_NAMES, mapValidity, tileParts } from './vector-tiles.js'
import type { TileTask } from './tiles.tasks.js'
import { CachedBody, type RenderedBody } from '../../read/cache.js'
import { TILES } from '../../work/pool.js'
import {
  MAX_ZOOM,
  MIN_ZOOM,
  mercatorBounds,
  TILE_MATRIX_SET_ID,
  TILE_MATRIX_SET_URI,
  tileAddress,
  tileMatrixSetLimits,
  WEB_MERCATOR_CRS,
  webMercatorQuad,
} from './web-mercator-quad.js'

/** The conformance classes of OGC API – Tiles Part 1 (20-057) these routes pass, for /conformance. */
export const TILES_CONFORMANCE: string[] = [
  'http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/core',
  'http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tileset',
  'http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tilesets-list',
  'http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/geodata-tilesets',
  'http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/mvt',
]

export const MVT_CONTENT_TYPE = 'application/vnd.mapbox-vector-tile'
/** The media type a link names (without the charset the answers carry). */
const JSON_TYPE = 'application/json'
const TILING_SCHEME_REL = 'http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme'
const GEODATA_REL = 'http://www.opengis.net/def/rel/ogc/1.0/geodata'

const LAYER_TITLES: Record<CollectionKind, string> = { areas: 'Control areas', features: 'Reference features' }
const LAYER_DESCRIPTIONS: Record<CollectionKind, string> = {
  areas: 'the areas held at the instant asked (datetime), one feature per area, Polygon or MultiPolygon',
  features: 'the reference features (cities, outskirts, towns, bases, airports, highways): points, lines and polygons',
}

/** The query a tile URL carries on: the datetime and known_at asked, as given. */
function carriedQuery(query: { datetime?: string; known_at?: string }): string {
  const params = new URLSearchParams()
  if (query.datetime !== undefined) params.set('datetime', query.datetime)
  if (query.known_at !== undefined) params.set('known_at', query.known_at)
  const text = params.toString()
  return text === '' ? '' : `?${text}`
}

/** The instant tiles show and the knowledge time: datetime is the `at` of the v1 API under its OGC name. */
function tileInstants(query: { datetime?: string; known_at?: string }): { at: Date; knownAt?: Date } {
  return queryInstants({ at: query.datetime, known_at: query.known_at })
}

function tilesetUrls(request: FastifyRequest, ref: CollectionRef, query: { datetime?: string; known_at?: string }) {
  const root = baseUrl(request)
  const tiles = `${root}/collections/${encodeURIComponent(ref.id)}/tiles`
  const tileset = `${tiles}/${TILE_MATRIX_SET_ID}`
  const carried = carriedQuery(query)
  return {
    root,
    collection: `${root}/collections/${encodeURIComponent(ref.id)}`,
    tiles: `${tiles}${carried}`,
    tileset: `${tileset}${carried}`,
    tileJson: `${tileset}/tilejson.json${carried}`,
    // OGC's variables in OGC's order; TileJSON's are the same three, named as web maps name them.
    ogcTemplate: `${tileset}/{tileMatrix}/{tileRow}/{tileCol}${carried}`,
    xyzTemplate: `${tileset}/{z}/{y}/{x}${carried}`,
    tileMatrixSet: `${root}/tileMatrixSets/${TILE_MATRIX_SET_ID}`,
  }
}

function boundingBox(bounds: [number, number, number, number] | null) {
  return bounds ? { lowerLeft: [bounds[0], bounds[1]] as [number, number], upperRight: [bounds[2], bounds[3]] as [number, number], crs: CRS84 } : undefined
}

async function tilesetMetadata(view: DatasetView, ref: CollectionRef, urls: ReturnType<typeof tilesetUrls>) {
  const dataset = await datasetsService.getDataset(view)
  const box = boundingBox(await collectionBounds(view, ref.kind))
  const layer = LAYER_NAMES[ref.kind]
  return {
    title: `${dataset.name}: ${LAYER_TITLES[ref.kind].toLowerCase()}`,
    description: `Vector tiles of ${ref.id}: layer '${layer}', ${LAYER_DESCRIPTIONS[ref.kind]}.`,
    dataType: 'vector' as const,
    crs: WEB_MERCATOR_CRS,
    tileMatrixSetURI: TILE_MATRIX_SET_URI,
    mediaTypes: [MVT_CONTENT_TYPE],
    ...(dataset.licence ? { license: dataset.licence } : {}),
    ...(box ? { boundingBox: box } : {}),
    tileMatrixSetLimits: tileMatrixSetLimits(),
    layers: [
      {
        id: layer,
        title: LAYER_TITLES[ref.kind],
        description: LAYER_DESCRIPTIONS[ref.kind],
        dataType: 'vector' as const,
        ...(ref.kind === 'areas' ? { geometryDimension: 2 } : {}),
        minTileMatrix: String(MIN_ZOOM),
        maxTileMatrix: String(MAX_ZOOM),
        ...(box ? { boundingBox: box } : {}),
        propertiesSchema: { type: 'object' as const, properties: LAYER_FIELDS[ref.kind] },
        links: [{ rel: GEODATA_REL, href: urls.collection, type: JSON_TYPE, title: ref.id }],
      },
    ],
    links: [
      { rel: 'self', href: urls.tileset, type: JSON_TYPE, title: 'this tileset metadata' },
      { rel: 'alternate', href: urls.tileJson, type: JSON_TYPE, title: 'TileJSON 3.0.0 of this tileset, for web maps' },
      { rel: TILING_SCHEME_REL, href: urls.tileMatrixSet, type: JSON_TYPE, title: `the ${TILE_MATRIX_SET_ID} tile matrix set` },
      { rel: 'item', href: urls.ogcTemplate, type: MVT_CONTENT_TYPE, templated: true, title: 'a tile, tileMatrix/tileRow/tileCol' },
      { rel: GEODATA_REL, href: urls.collection, type: JSON_TYPE, title: `the collection ${ref.id}` },
    ],
  }
}

async function tileJson(view: DatasetView, ref: CollectionRef, urls: ReturnType<typeof tilesetUrls>) {
  const dataset = await datasetsService.getDataset(view)
  const layer = LAYER_NAMES[ref.kind]
  const fields = Object.fromEntries(Object.entries(LAYER_FIELDS[ref.kind]).map(([name, field]) => [name, field.type === 'string' ? 'String' : 'Number']))
  return {
    tilejson: '3.0.0' as const,
    name: `${dataset.name}: ${LAYER_TITLES[ref.kind].toLowerCase()}`,
    description: `Vector tiles of ${ref.id}: layer '${layer}', ${LAYER_DESCRIPTIONS[ref.kind]}.`,
    ...(dataset.licence ? { attribution: dataset.licence } : {}),
    scheme: 'xyz' as const,
    tiles: [urls.xyzTemplate],
    minzoom: MIN_ZOOM,
    maxzoom: MAX_ZOOM,
    bounds: mercatorBounds(await collectionBounds(view, ref.kind)),
    vector_layers: [{ id: layer, description: LAYER_DESCRIPTIONS[ref.kind], fields, minzoom: MIN_ZOOM, maxzoom: MAX_ZOOM }],
  }
}

export default async function tilesFace(app: FastifyInstance): Promise<void> {
  const routes = app.withTypeProvider<ZodTypeProvider>()
  const metadataProblems = { ...notModifiedResponses(), ...problemResponses(400, 404) }

  routes.get(
    '/collections/:collectionId/tiles',
    {
      schema: {
        tags: ['tiles'],
        summary: 'The vector tilesets of a collection',
        description:
          `One tileset, ${TILE_MATRIX_SET_ID} in Mapbox Vector Tiles, with links to its metadata, its tiling scheme and its tile URL template. ` +
          'datetime and known_at, when given, are carried into every link.',
        params: CollectionParamsSchema,
        querystring: TileMetadataQuerySchema,
        response: {
          200: contentResponse('the tilesets list (OGC API – Tiles /req/tilesets-list)', { 'application/json': TileSetListSchema }),
          ...metadataProblems,
        },
      },
    },
    async (request, reply) => {
      const { query } = request
      const { knownAt } = tileInstants(query)
      const { ref, view } = await openCollection(app, request.params.collectionId, knownAt)
      if (notModified(request, reply, view)) return reply
      const urls = tilesetUrls(request, ref, query)
      const list = {
        links: [{ rel: 'self', href: `${urls.root}${request.url}`, type: JSON_TYPE, title: 'this list' }],
        tilesets: [
          {
            title: `${ref.id} in ${TILE_MATRIX_SET_ID}`,
            dataType: 'vector' as const,
            crs: WEB_MERCATOR_CRS,
            tileMatrixSetURI: TILE_MATRIX_SET_URI,
            links: [
              { rel: 'self', href: urls.tileset, type: JSON_TYPE, title: 'the tileset metadata' },
              { rel: TILING_SCHEME_REL, href: urls.tileMatrixSet, type: JSON_TYPE, title: `the ${TILE_MATRIX_SET_ID} tile matrix set` },
              { rel: 'item', href: urls.ogcTemplate, type: MVT_CONTENT_TYPE, templated: true, title: 'a tile, tileMatrix/tileRow/tileCol' },
            ],
          },
        ],
      }
      return answeredAt(request, reply, view, list)
    },
  )

  routes.get(
    `/collections/:collectionId/tiles/${TILE_MATRIX_SET_ID}`,
    {
      schema: {
        tags: ['tiles'],
        summary: 'Tileset metadata of a collection',
        description:
          `The ${TILE_MATRIX_SET_ID} tileset: tile matrices ${MIN_ZOOM} to ${MAX_ZOOM}, the layer and the properties its features carry, ` +
          'the box around the data of any time, and the tile URL template (rel item) with the datetime and known_at asked.',
        params: CollectionParamsSchema,
        querystring: TileMetadataQuerySchema,
        response: { 200: contentResponse('tileset metadata (2D Tile Matrix Set 2.0)', { 'application/json': TileSetSchema }), ...metadataProblems },
      },
    },
    async (request, reply) => {
      const { query } = request
      const { knownAt } = tileInstants(query)
      const { ref, view } = await openCollection(app, request.params.collectionId, knownAt)
      if (notModified(request, reply, view)) return reply
      const urls = tilesetUrls(request, ref, query)
      const { view: answered, value } = await app.readModel.answer(view, 'tileset', [ref.kind, urls.tileset], (current) => tilesetMetadata(current, ref, urls))
      return answeredAt(request, reply, answered, value)
    },
  )

  routes.get(
    `/collections/:collectionId/tiles/${TILE_MATRIX_SET_ID}/tilejson.json`,
    {
      schema: {
        tags: ['tiles'],
        summary: 'TileJSON of a collection, for MapLibre and other web maps',
        description:
          'TileJSON 3.0.0: `tiles` is an absolute URL template `…/{z}/{y}/{x}` (OGC order: tile matrix, row, column) carrying the datetime ' +
          'and known_at asked, `vector_layers` the layer and its fields, `bounds` the box around the data of any time. A MapLibre source ' +
          '`{ "type": "vector", "url": "<this URL>" }` draws the map as of datetime.',
        params: CollectionParamsSchema,
        querystring: TileQuerySchema,
        response: { 200: contentResponse('TileJSON 3.0.0', { 'application/json': TileJsonSchema }), ...metadataProblems },
      },
    },
    async (request, reply) => {
      const { query } = request
      const { knownAt } = tileInstants(query)
      const { ref, view } = await openCollection(app, request.params.collectionId, knownAt)
      if (notModified(request, reply, view)) return reply
      const urls = tilesetUrls(request, ref, query)
      const { view: answered, value } = await app.readModel.answer(view, 'tilejson', [ref.kind, urls.tileJson], (current) => tileJson(current, ref, urls))
      return answeredAt(request, reply, answered, value)
    },
  )

  routes.get(
    `/collections/:collectionId/tiles/${TILE_MATRIX_SET_ID}/:tileMatrix/:tileRow/:tileCol`,
    {
      schema: {
        tags: ['tiles'],
        summary: 'A vector tile of a collection at a date',
        description:
          `One ${TILE_MATRIX_SET_ID} tile as a Mapbox Vector Tile with one layer (areas or features), compressed when the client accepts it. ` +
          'Areas: the map as of datetime, each feature with id, actor, side, status, validFrom, validTo, areaKm2, areaKey and sources ' +
          '(a property without a value is left out: MVT has no null). Features: id, kind, name, ownerSide. 204 when no feature reaches into ' +
          `the tile; 404 TILE_NOT_FOUND outside tile matrices ${MIN_ZOOM} to ${MAX_ZOOM} or their rows and columns. The OGCAPI-datetime header ` +
          'gives the validity interval of the map shown (areas).',
        params: TileParamsSchema,
        querystring: TileQuerySchema,
        response: {
          200: contentResponse('a Mapbox Vector Tile', { [MVT_CONTENT_TYPE]: MvtSchema }),
          204: EmptyTileSchema,
          ...notModifiedResponses(),
          ...problemResponses(400, 404, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const { params, query } = request
      const tile = tileAddress(params.tileMatrix, params.tileRow, params.tileCol)
      const { at, knownAt } = tileInstants(query)
      const { ref, view } = await openCollection(app, params.collectionId, knownAt)
      if (notModified(request, reply, view)) return reply
      const parts = await tileParts(view, ref.kind, at, tile)
      // Cut on the tiles' thread, which reads outside any transaction: the read model makes it again if a write lands meanwhile.
      const { view: answered, value } = await app.readModel.answerUnlocked(view, 'tile', parts, async (current) => {
        // Made again after a write: the map of `at` may have another validity interval now, and the tile is kept under the one in
        // `parts`, which other instants of it share. Such a tile would be kept under a wrong name: refused (rare), retried by the client.
        if (current.revision !== view.revision && (await tileParts(current, ref.kind, at, tile))[1] !== parts[1]) {
          throw withHeaders(new Errors.DATASET_CHANGING(current.datasetId, 1), { 'retry-after': '1' })
        }
        const task: TileTask = { view: { datasetId: current.datasetId, revision: current.revision, knownAt: current.knownAt }, kind: ref.kind, at, tile }
        const budgetMs = app.config.ANALYSIS_TIMEOUT_MS
        const rendered = await app.work.run<RenderedBody | null>('tile', task, { client: TILES, budgetMs, waitMs: budgetMs, executor: current.db })
        return rendered && CachedBody.fromRendered(rendered)
      })
      if (ref.kind === 'areas') reply.header('OGCAPI-datetime', await mapValidity(answered, at))
      if (value === null) return reply.code(204).send(answeredAt(request, reply, answered, undefined))
      return sendBody(request, reply, answered, value, MVT_CONTENT_TYPE)
    },
  )

  routes.get(
    '/tileMatrixSets',
    {
      schema: {
        tags: ['tiles'],
        summary: 'The tile matrix sets tiles are served in',
        description: `${TILE_MATRIX_SET_ID} only, OGC's registered Web Mercator grid.`,
        querystring: FormatQuerySchema,
        response: { 200: contentResponse('the tile matrix sets', { 'application/json': TileMatrixSetListSchema }), ...problemResponses(400) },
      },
    },
    async (request) => {
      const root = baseUrl(request)
      const { id, title, uri, crs } = webMercatorQuad()
      return {
        links: [{ rel: 'self', href: `${root}${request.url}`, type: JSON_TYPE, title: 'this list' }],
        tileMatrixSets: [
          {
            id,
            title,
            uri,
            crs,
            links: [{ rel: TILING_SCHEME_REL, href: `${root}/tileMatrixSets/${id}`, type: JSON_TYPE, title: `the ${id} definition` }],
          },
        ],
      }
    },
  )

  routes.get(
    `/tileMatrixSets/${TILE_MATRIX_SET_ID}`,
    {
      schema: {
        tags: ['tiles'],
        summary: `The ${TILE_MATRIX_SET_ID} tile matrix set`,
        description: 'The registered definition (OGC 17-083r4 Annex D), tile matrices 0 to 24; the tilesets serve 0 to 14 of them.',
        querystring: FormatQuerySchema,
        response: { 200: contentResponse('the tile matrix set definition', { 'application/json': TileMatrixSetSchema }), ...problemResponses(400) },
      },
    },
    async () => webMercatorQuad(),
  )
}
