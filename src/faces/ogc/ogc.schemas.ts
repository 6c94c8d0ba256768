// The parameters and answers of the OGC face, as zod schemas: they validate requests and make the
// OpenAPI document /api serves (OGC API – Features Part 1, 17-069r4, and Part 3, 19-079r2).
import { CollectionParamsSchema, CRS84 } from '../collections.js'
import { z } from 'zod'
import { ControlPropertiesSchema, ValidTimeSchema } from '../../modules/control/control.schemas.js'
import {
  BARE_DATE_RULE,
  DATE_RANGE_NOTE,
  GeometrySchema,
  InstantSchema,
  integer,
  intParam,
  KnownAtParamSchema,
  textParam,
} from '../../modules/common/schemas.js'
import { instantProblem, parseInstant } from '../../modules/common/time.js'
import type { ItemTime } from '../../modules/control/control.service.js'

export const GREGORIAN = 'http://www.opengis.net/def/uom/ISO-8601/0/Gregorian'
export const QUERYABLES_REL = 'http://www.opengis.net/def/rel/ogc/1.0/queryables'
export const TILESETS_VECTOR_REL = 'http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector'

/** A page holds at most this many items; a larger limit is read as this one, as Part 1 (/req/core/fc-limit-response-1 C) wants. */
export const MAX_ITEMS = 10_000
export const DEFAULT_ITEMS = 10

export const OgcLinkSchema = z
  .object({
    href: z.string().describe('absolute URL'),
    rel: z.string().describe('relation (RFC 8288, or an OGC relation URI)'),
    type: z.string().optional().describe('media type of the linked resource'),
    title: z.string().optional(),
  })
  .meta({ id: 'OgcLink', description: 'a link (OGC API – Features link.yaml)' })
export type OgcLink = z.infer<typeof OgcLinkSchema>

export const FormatSchema = (formats: [string, ...string[]], description: string) =>
  z
    .enum(formats)
    .optional()
    .describe(`${description}; overrides Accept`)
    .meta({ example: formats[1] ?? formats[0] })

const KnownAtSchema = KnownAtParamSchema.optional()

// ---- parameters ----

export const ItemParamsSchema = CollectionParamsSchema.extend({
  featureId: z
    .string()
    .min(1)
    .describe('item id: the area row id (an integer) in <dataset>-areas, the feature id (a slug) in <dataset>-features')
    .meta({ example: '1' }),
})

/** `datetime` as Part 1 has it: an instant, or an interval a/b, ../b, a/.. (an empty end is open too). */
export function parseDatetime(value: string): ItemTime {
  if (!value.includes('/')) return { at: parseInstant(value, 'end-of-day')! }
  const [from, to] = value.split('/')
  const end = (text: string) => (text === '' || text === '..' ? null : parseInstant(text, 'end-of-day')!)
  return { start: end(from), end: end(to) }
}

function datetimeProblem(value: string): string | undefined {
  const parts = value.split('/')
  if (parts.length > 2) return `${JSON.stringify(value.slice(0, 60))} has more than one '/': give an instant or one interval a/b, ../b or a/..`
  for (const part of parts) {
    if (parts.length === 2 && (part === '' || part === '..')) continue
    const problem = instantProblem(part)
    if (problem) return problem
  }
  const time = parseDatetime(value)
  if (time && 'start' in time && time.start && time.end && time.start > time.end)
    return `the interval starts (${time.start.toISOString()}) after it ends (${time.end.toISOString()})`
  return undefined
}

const DatetimeParamSchema = z
  .string()
  .superRefine((value, ctx) => {
    const problem = datetimeProblem(value)
    if (problem) ctx.addIssue({ code: 'custom', message: problem, params: { code: 'INVALID_DATE' } })
  })
  .describe(
    'control areas: an instant is the map as of that instant (the areas valid then, as GET /v1/control answers it); an interval ' +
      'a/b, ../b or a/.. is every area row whose valid time [validFrom, validTo) meets it, with that time; without datetime, every ' +
      `row of the dataset's history. Reference features carry no valid time: every datetime matches all of them (Part 1, ` +
      `/req/core/fc-time-response C). ${BARE_DATE_RULE} ${DATE_RANGE_NOTE}`,
  )
  .meta({ examples: ['2024-11-28', '2024-11-26/2024-12-01', '../2024-11-27', '2024-11-30T12:00:00Z/..'] })

const NUMBER = '[-+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][-+]?\\d+)?'
const OGC_BBOX = new RegExp(`^\\s*${NUMBER}(\\s*,\\s*${NUMBER}){3}((\\s*,\\s*${NUMBER}){2})?\\s*$`)

/** A Part 1 bbox as [minLon, minLat, maxLon, maxLat]: four numbers, or six with heights (which no area has, so they are dropped). */
export function parseOgcBbox(value: string): [number, number, number, number] {
  const numbers = value.split(',').map(Number)
  return numbers.length === 6 ? [numbers[0], numbers[1], numbers[3], numbers[4]] : (numbers as [number, number, number, number])
}

const OgcBboxParamSchema = z
  .string()
  .regex(OGC_BBOX, 'bbox must be minLon,minLat,maxLon,maxLat (or six numbers with min and max height)')
  .refine((value) => {
    const [minLon, minLat, maxLon, maxLat] = parseOgcBbox(value)
    return minLon >= -180 && maxLon <= 180 && minLat >= -90 && maxLat <= 90 && minLat <= maxLat
  }, 'bbox must lie within [-180, 180] × [-90, 90] with minLat ≤ maxLat')
  .refine((value) => {
    const [minLon, , maxLon] = parseOgcBbox(value)
    return minLon <= maxLon
  }, 'a bbox across the antimeridian (minLon > maxLon) is not supported: send two requests')
  .describe('items whose geometry meets this box: minLon,minLat,maxLon,maxLat (CRS84, WGS84 degrees), or six numbers with heights')
  .meta({ example: '36.5,35.8,37.5,36.6' })

const NAMES = /^[A-Za-z_][A-Za-z0-9_.:-]*(,[A-Za-z_][A-Za-z0-9_.:-]*)*$/

export const ItemsQuerySchema = z.object({
  bbox: OgcBboxParamSchema.optional(),
  'bbox-crs': z
    .string()
    .describe(`the CRS of bbox: only ${CRS84} (the default) is supported; any other is 400 UNSUPPORTED_CRS`)
    .meta({ example: CRS84 })
    .optional(),
  datetime: DatetimeParamSchema.optional(),
  limit: intParam(integer(1, Number.MAX_SAFE_INTEGER).default(DEFAULT_ITEMS))
    .describe(`page size (default ${DEFAULT_ITEMS}); at most ${MAX_ITEMS}: a larger limit is not refused but read as ${MAX_ITEMS}, as OGC API – Features wants`)
    .meta({ example: 100 }),
  offset: intParam(integer(0, 100_000_000).default(0)).describe('how many items to skip: the next and prev links carry it'),
  properties: z
    .string()
    .regex(NAMES, 'a comma-separated list of property names')
    .describe('only these properties in each item (e.g. actor,validFrom,validTo); a name an item does not have is left out of it')
    .meta({ example: 'actor,validFrom,validTo' })
    .optional(),
  ids: textParam(20_000)
    .describe('only the items with these ids, comma-separated (area row ids, or feature ids); an id no item has matches nothing')
    .meta({ example: '1,2,3' })
    .optional(),
  sortby: z
    .string()
    .regex(/^\s*[+-]?[A-Za-z_][A-Za-z0-9_]*(\s*,\s*[+-]?[A-Za-z_][A-Za-z0-9_]*)*\s*$/, 'a comma-separated list of [+|-]name')
    .describe(
      'the order of the items: queryable names, each + (ascending, the default) or - (descending), e.g. +validFrom,-areaKm2 ' +
        '(an open validTo sorts last ascending; a name that is not a queryable of the collection is 400); default: id order',
    )
    .meta({ example: '-areaKm2' })
    .optional(),
  skipGeometry: z.enum(['true', 'false']).default('false').describe('true: items without geometry (null)'),
  filter: textParam(10_000)
    .describe(
      'a CQL2 text filter over the queryables (GET /collections/{collectionId}/queryables), ANDed with bbox, datetime and ids, ' +
        "e.g. actor = 'hts' AND status <> 'contested', kind IN ('town','village'); a property that is not a queryable is 400 INVALID_FILTER",
    )
    .meta({ example: "actor IN ('hts','sna')" })
    .optional(),
  'filter-lang': z.enum(['cql2-text']).default('cql2-text').describe('the language of filter: cql2-text only'),
  'filter-crs': z
    .string()
    .describe(`the CRS of geometry literals in filter: only ${CRS84} (the default) is supported; any other is 400 UNSUPPORTED_CRS`)
    .meta({ example: CRS84 })
    .optional(),
  known_at: KnownAtSchema,
  f: FormatSchema(['json', 'html', 'csv'], 'answer format: json (GeoJSON), html or csv (the items without geometry)'),
})
export type ItemsQuery = z.infer<typeof ItemsQuerySchema>

export const ItemQuerySchema = z.object({
  known_at: KnownAtSchema,
  f: FormatSchema(['json', 'html'], 'answer format: json (GeoJSON) or html'),
})

export const CollectionQuerySchema = z.object({
  datetime: DatetimeParamSchema.describe(
    'carried into the links to the items, so that a client opening the collection with it (OAPIF:http://…/collections/{id}?datetime=…) reads the items of that time; ' +
      'the extent is the whole collection. See the items parameter for what it selects.',
  ).optional(),
  known_at: KnownAtSchema.describe('the collection as the service knew it then; carried into its links'),
  f: FormatSchema(['json', 'html'], 'answer format: json or html'),
})

export const CollectionsQuerySchema = z.object({
  known_at: KnownAtSchema.describe('the collections as the service knew them then; carried into their links'),
  f: FormatSchema(['json', 'html'], 'answer format: json or html'),
})

export const PlainQuerySchema = z.object({ f: FormatSchema(['json', 'html'], 'answer format: json or html') })

export const SchemaQuerySchema = z.object({ f: FormatSchema(['json', 'html'], 'answer format: json (JSON Schema) or html') })

// ---- answers ----

export const LandingPageSchema = z
  .object({ title: z.string(), description: z.string(), links: z.array(OgcLinkSchema) })
  .meta({ id: 'OgcLandingPage', description: 'the landing page: links to the API definition, the conformance declaration and the collections' })

export const ConformanceSchema = z
  .object({ conformsTo: z.array(z.string()).describe('URIs of the conformance classes this service passes'), links: z.array(OgcLinkSchema) })
  .meta({ id: 'ConformanceDeclaration', description: 'the OGC conformance classes this service declares' })

export const ExtentSchema = z
  .object({
    spatial: z
      .object({
        bbox: z.array(z.tuple([z.number(), z.number(), z.number(), z.number()])).describe('[[minLon, minLat, maxLon, maxLat]] around every item of any time'),
        crs: z.literal(CRS84),
      })
      .optional(),
    temporal: z
      .object({
        interval: z
          .array(z.tuple([InstantSchema.nullable(), InstantSchema.nullable()]))
          .describe('[[first instant an area holds from, last instant one ends]]; null end: the last map holds on'),
        trs: z.literal(GREGORIAN),
      })
      .optional(),
  })
  .meta({ id: 'OgcExtent', description: 'where (and, for control areas, when) the items of the collection are; absent for a dataset with none' })

export const CollectionSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    description: z.string(),
    itemType: z.literal('feature'),
    crs: z.array(z.string()),
    extent: ExtentSchema,
    links: z.array(OgcLinkSchema),
  })
  .meta({ id: 'OgcCollection', description: 'a collection: the control areas or the reference features of one dataset' })

export const CollectionsSchema = z
  .object({ links: z.array(OgcLinkSchema), collections: z.array(CollectionSchema) })
  .meta({ id: 'OgcCollections', description: "every dataset's two collections: control areas and reference features" })

export const ItemSchema = z
  .object({
    type: z.literal('Feature'),
    id: z.union([z.number().int(), z.string()]).describe('area row id (integer) or feature id (slug)'),
    geometry: GeometrySchema.nullable().describe('WGS84 [lon, lat]; null with skipGeometry=true'),
    time: ValidTimeSchema.optional().describe('control areas: the valid time as JSON-FG time'),
    properties: z
      .union([ControlPropertiesSchema.partial(), z.record(z.string(), z.unknown())])
      .describe(
        'control areas: actor, side, status, validFrom, validTo, areaKm2, sources, areaKey and the free properties; reference features: kind, name, ownerSide and theirs (only those of `properties` when it is given)',
      ),
    links: z.array(OgcLinkSchema).optional().describe('a single item: self, alternate and collection'),
  })
  .meta({ id: 'OgcItem', description: 'an item: a control area over its valid time, or a reference feature' })

export const ItemsSchema = z
  .object({
    type: z.literal('FeatureCollection'),
    timeStamp: InstantSchema.describe('when this answer was made'),
    numberMatched: z.number().int().min(0).describe('how many items match, over all pages'),
    numberReturned: z.number().int().min(0).describe('how many items this page holds'),
    links: z.array(OgcLinkSchema).describe('self, alternate (html, csv), collection, and next and prev where there are such pages'),
    features: z.array(ItemSchema),
  })
  .meta({ id: 'OgcItems', description: 'a page of items (GeoJSON FeatureCollection)' })

export const QueryablesSchema = z
  .object({
    $schema: z.literal('https://json-schema.org/draft/2020-12/schema'),
    $id: z.string().describe('this resource, without query'),
    type: z.literal('object'),
    title: z.string(),
    properties: z.record(
      z.string(),
      z.object({ title: z.string(), description: z.string(), type: z.string(), format: z.string().optional(), enum: z.array(z.string()).optional() }),
    ),
    additionalProperties: z.literal(false).describe('a filter naming any other property is refused (400 INVALID_FILTER)'),
  })
  .meta({ id: 'Queryables', description: 'the properties a filter (and sortby) may name, as JSON Schema 2020-12' })

export const ItemJsonSchemaSchema = z
  .object({
    $schema: z.literal('https://json-schema.org/draft/2020-12/schema'),
    $id: z.string().describe('this resource, without query'),
    title: z.string(),
    type: z.literal('object'),
    required: z.array(z.string()),
    properties: z.record(z.string(), z.unknown()).describe('type, id, geometry, time (control areas) and properties, each with its type'),
  })
  .meta({ id: 'ItemJsonSchema', description: 'the JSON Schema of an item of a collection (GeoJSON feature)' })

export const HtmlSchema = z.string().describe('HTML 5')
