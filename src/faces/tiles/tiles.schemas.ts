// Requests and answers of the tiles face: OGC API – Tiles Part 1 (20-057) with the JSON encodings
// of OGC 2D Tile Matrix Set and Tileset Metadata 2.0 (17-083r4), and TileJSON 3.0.0.
import { CollectionParamsSchema } from '../collections.js'
import { z } from 'zod'
import { BARE_DATE_RULE, DATE_RANGE_NOTE, integer, intParam, KnownAtParamSchema, PG_INTEGER_MAX } from '../../modules/common/schemas.js'
import { instantProblem } from '../../modules/common/time.js'
import { MAX_ZOOM, MIN_ZOOM } from './web-mercator-quad.js'

/** One instant: a tile shows the map as of it, so an interval is refused with the reason. */
const TileDatetimeSchema = z
  .string()
  .superRefine((value, ctx) => {
    const problem = value.includes('/')
      ? `tiles show the map as of one instant: give datetime as a date or an instant (e.g. 2024-11-28), not the interval ${JSON.stringify(value.slice(0, 60))}; every area row valid in an interval is at /collections/{collectionId}/items?datetime=start/end`
      : instantProblem(value)
    if (problem) ctx.addIssue({ code: 'custom', message: problem, params: { code: 'INVALID_DATE' } })
  })
  .describe(
    `the map as of this date or instant (UTC); an interval is refused, tiles are per instant. ${BARE_DATE_RULE} Default: now, the latest map. ` +
      `Reference features have no validity of their own: every instant shows them all. ${DATE_RANGE_NOTE}`,
  )
  .meta({ examples: ['2024-11-28', '2024-11-28T06:00:00Z'] })

const TileKnownAtSchema = KnownAtParamSchema.meta({ example: '2024-12-01T12:00Z' })

/** `f=json`, which OGC clients append to metadata requests: JSON is the only encoding offered. */
const JsonFormatSchema = z.enum(['json']).optional().describe('answer format: json, the only one offered (OGC clients send f=json)').meta({ example: 'json' })

export const TileQuerySchema = z.object({ datetime: TileDatetimeSchema.optional(), known_at: TileKnownAtSchema.optional() })
export const TileMetadataQuerySchema = TileQuerySchema.extend({ f: JsonFormatSchema })
export const FormatQuerySchema = z.object({ f: JsonFormatSchema })

export const TileParamsSchema = CollectionParamsSchema.extend({
  // A string, as OGC API – Tiles defines it: the ids of the registered tile matrices are "0" to "24".
  tileMatrix: z.string().describe(`tile matrix (zoom level) of WebMercatorQuad, "${MIN_ZOOM}" to "${MAX_ZOOM}"`).meta({ example: '10' }),
  tileRow: intParam(integer(0, PG_INTEGER_MAX)).describe('tile row, from 0 at the north edge to 2^tileMatrix − 1').meta({ example: 401 }),
  tileCol: intParam(integer(0, PG_INTEGER_MAX)).describe('tile column, from 0 at 180°W to 2^tileMatrix − 1').meta({ example: 617 }),
})

export const TilesLinkSchema = z
  .object({
    rel: z.string().describe('relation type (RFC 8288, OGC link relations)'),
    href: z.string().describe('absolute URL, or a URL template where templated is true'),
    type: z.string().optional().describe('media type of the linked resource'),
    title: z.string().optional(),
    templated: z.boolean().optional().describe('true: href is a template whose {variables} are to be substituted'),
  })
  .meta({ id: 'TilesLink', description: 'a link of OGC API – Tiles (2D Tile Matrix Set 2.0 link.json)' })

const BoundingBoxSchema = z
  .object({
    lowerLeft: z.tuple([z.number(), z.number()]).describe('[west, south]'),
    upperRight: z.tuple([z.number(), z.number()]).describe('[east, north]'),
    crs: z.string().describe('CRS of the corners: CRS84, i.e. [lon, lat] degrees'),
  })
  .meta({ id: 'TileSetBoundingBox', description: 'the box around the data, in CRS84 (2DBoundingBox.json)' })

const TileMatrixLimitsSchema = z
  .object({
    tileMatrix: z.string(),
    minTileRow: z.number().int().min(0),
    maxTileRow: z.number().int().min(0),
    minTileCol: z.number().int().min(0),
    maxTileCol: z.number().int().min(0),
  })
  .meta({ id: 'TileMatrixLimits', description: 'the rows and columns of a tile matrix served (tileMatrixLimits.json)' })

const PropertySchema = z.object({ type: z.enum(['string', 'number', 'integer']), description: z.string() })

const TileSetLayerSchema = z
  .object({
    id: z.string().describe('the layer name in the tiles'),
    title: z.string(),
    description: z.string(),
    dataType: z.literal('vector'),
    geometryDimension: z.number().int().min(0).max(3).optional().describe('2: surfaces; absent: mixed (points, lines and surfaces)'),
    minTileMatrix: z.string(),
    maxTileMatrix: z.string(),
    boundingBox: BoundingBoxSchema.optional(),
    propertiesSchema: z.object({ type: z.literal('object'), properties: z.record(z.string(), PropertySchema) }),
    links: z.array(TilesLinkSchema),
  })
  .meta({ id: 'TileSetLayer', description: 'a layer of the tiles (geospatialData.json)' })

/** A tileset as the tilesets list gives it: the part of its metadata OGC API – Tiles requires there. */
const TileSetItemSchema = z
  .object({
    title: z.string(),
    dataType: z.literal('vector'),
    crs: z.string(),
    tileMatrixSetURI: z.string(),
    links: z.array(TilesLinkSchema).describe('self (the tileset metadata), the tiling scheme, the tile URL template'),
  })
  .meta({ id: 'TileSetItem', description: 'a tileset in a tilesets list' })

export const TileSetListSchema = z
  .object({ links: z.array(TilesLinkSchema), tilesets: z.array(TileSetItemSchema) })
  .meta({ id: 'TileSetList', description: 'the tilesets of a collection (OGC API – Tiles /req/tilesets-list)' })

export const TileSetSchema = z
  .object({
    title: z.string(),
    description: z.string(),
    dataType: z.literal('vector'),
    crs: z.string().describe('the CRS of the tiles: EPSG:3857'),
    tileMatrixSetURI: z.string(),
    mediaTypes: z.array(z.string()),
    license: z.string().optional(),
    boundingBox: BoundingBoxSchema.optional(),
    tileMatrixSetLimits: z.array(TileMatrixLimitsSchema).describe('the tile matrices served, whole; the others are not served'),
    layers: z.array(TileSetLayerSchema),
    links: z.array(TilesLinkSchema),
  })
  .meta({ id: 'TileSet', description: 'tileset metadata (OGC 2D Tile Matrix Set and Tileset Metadata 2.0, tileSet.json)' })

export const TileJsonSchema = z
  .object({
    tilejson: z.literal('3.0.0'),
    name: z.string(),
    description: z.string(),
    attribution: z.string().optional(),
    scheme: z.literal('xyz'),
    tiles: z.array(z.string()).describe('absolute tile URL templates, {z}/{y}/{x} in the OGC order of the path, with the datetime and known_at asked'),
    minzoom: z.number().int(),
    maxzoom: z.number().int(),
    bounds: z.tuple([z.number(), z.number(), z.number(), z.number()]).describe('[west, south, east, north] around the data of any time, degrees'),
    vector_layers: z.array(
      z.object({
        id: z.string(),
        description: z.string(),
        fields: z.record(z.string(), z.string()).describe('field name → String or Number'),
        minzoom: z.number().int(),
        maxzoom: z.number().int(),
      }),
    ),
  })
  .meta({ id: 'TileJson', description: 'TileJSON 3.0.0: what MapLibre and other web maps read to draw the tiles' })

const TileMatrixSchema = z.object({
  id: z.string(),
  scaleDenominator: z.number(),
  cellSize: z.number().describe('metres per pixel at the equator'),
  cornerOfOrigin: z.literal('topLeft'),
  pointOfOrigin: z.array(z.number()).describe('[x, y], EPSG:3857 metres'),
  tileWidth: z.number().int(),
  tileHeight: z.number().int(),
  matrixWidth: z.number().int(),
  matrixHeight: z.number().int(),
})

export const TileMatrixSetSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    uri: z.string(),
    crs: z.string(),
    orderedAxes: z.array(z.string()),
    wellKnownScaleSet: z.string(),
    tileMatrices: z.array(TileMatrixSchema),
  })
  .meta({ id: 'TileMatrixSet', description: 'a tile matrix set definition (OGC 2D Tile Matrix Set 2.0, tileMatrixSet.json)' })

export const TileMatrixSetListSchema = z
  .object({
    links: z.array(TilesLinkSchema),
    tileMatrixSets: z.array(z.object({ id: z.string(), title: z.string(), uri: z.string(), crs: z.string(), links: z.array(TilesLinkSchema) })),
  })
  .meta({ id: 'TileMatrixSetList', description: 'the tile matrix sets of this service' })

// OpenAPI 3.1 names binary bodies by their media type (contentMediaType), not format: binary.
export const MvtSchema = z
  .string()
  .describe('Mapbox Vector Tile 2.1 (protobuf): one layer, named areas or features')
  .meta({ contentMediaType: 'application/vnd.mapbox-vector-tile' })
export const EmptyTileSchema = z.undefined().describe('No Content: no feature reaches into this tile at that instant')
