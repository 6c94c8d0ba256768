import { z } from 'zod'
import { DATE_RANGE, instantProblem } from './time.js'

// Our wording for every validation message that a schema does not word itself (a schema's own
// message wins): a refusal names what was expected, never zod's "expected string, received undefined".
z.config({
  customError: (issue) => {
    switch (issue.code) {
      case 'invalid_type':
        return issue.input === undefined ? 'required' : `expected ${issue.expected === 'string' ? 'text' : issue.expected}`
      case 'invalid_value':
        return `expected one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`
      case 'too_big':
        return issue.origin === 'string' ? `too long: at most ${issue.maximum} characters` : `at most ${issue.maximum}`
      case 'too_small':
        if (issue.origin === 'string')
          return Number(issue.minimum) <= 1 ? 'empty: give a value or leave the parameter out' : `too short: at least ${issue.minimum} characters`
        return `at least ${issue.minimum}`
      case 'invalid_format':
        return `not a valid ${issue.format}`
      case 'unrecognized_keys':
        return `unknown member(s): ${issue.keys.join(', ')}`
      default:
        return undefined
    }
  },
})

export const SlugSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'a slug: lower-case letters, digits, - and _, at most 64 characters')
  .describe('slug id')

/**
 * Names the answers use for ground that is no actor's: the from→to matrix and the area series
 * list `contested` and `unmapped` beside actor ids, so no actor may be called so.
 */
export const RESERVED_ACTOR_IDS: readonly string[] = ['contested', 'unmapped']

/** An actor id: a slug other than the reserved names. */
export const ActorIdSchema = SlugSchema.refine((id) => !RESERVED_ACTOR_IDS.includes(id), {
  message: `reserved: ${RESERVED_ACTOR_IDS.join(' and ')} name ground that is no actor's in answers; choose another id`,
})

/**
 * Lengths of the names the service stores, the same on every path that writes one: PUT of a
 * dataset or an actor, an import (actors it creates, feature names and kinds, area keys, sources)
 * and the bundled datasets. Characters are UTF-16 code units, as JavaScript counts them.
 */
export const TEXT_LIMITS = {
  /** dataset, actor and feature names; each alias of an actor */
  name: 200,
  /** aliases of one actor */
  aliases: 100,
  /** kinds of reference features: city, highway, base… */
  kind: 50,
  /** the id a file gives a control area (kept across snapshots as areaKey) */
  areaKey: 200,
  /** the source or citation of an area */
  source: 2000,
} as const

/** Appended to the description of every date parameter. */
export const DATE_RANGE_NOTE = `Accepted dates: ${DATE_RANGE}.`
/** How every query reads a bare date, said once in these words wherever a date parameter is described. */
export const BARE_DATE_RULE = 'A bare date means the end of that day (23:59:59.999 UTC): the map published for it.'

/** A date or instant within the accepted range (time.ts: DATE_RANGE); the reason names which of the two it is not. */
export const InstantParamSchema = z.string().superRefine((value, ctx) => {
  const problem = instantProblem(value)
  // params.code names the problem for the error handler (errors[].code), as declared in src/errors.ts.
  if (problem) ctx.addIssue({ code: 'custom', message: problem, params: { code: 'INVALID_DATE' } })
})

export const DatasetParamSchema = SlugSchema.describe('dataset id, e.g. aleppo-2024').meta({ example: 'aleppo-2024' })
export const AtParamSchema = InstantParamSchema.describe(`the date or instant to answer for (UTC). ${BARE_DATE_RULE} Default: now. ${DATE_RANGE_NOTE}`).meta({
  examples: ['2024-11-28', '2024-11-28T06:00:00Z'],
})
export const KnownAtParamSchema = InstantParamSchema.describe(
  `answer as the service knew it at this instant (knowledge time); default: current knowledge. ${BARE_DATE_RULE} ${DATE_RANGE_NOTE}`,
)

// ---------------------------------------------------------------------------------------------
// Numbers and text in query strings and paths. A query value is text: `z.coerce.number()` would
// read `lon=` as 0 and `before=1e15` as an integer PostgreSQL cannot hold. These read decimal
// text only, and every integer is bounded by what its column holds.

/** The largest value of a PostgreSQL `integer` column (ids of imports, areas): 2^31 − 1. */
export const PG_INTEGER_MAX = 2_147_483_647

const INTEGER_TEXT = /^[-+]?\d{1,20}$/
const DECIMAL_TEXT = /^[-+]?(\d{1,400}(\.\d{0,400})?|\.\d{1,400})([eE][-+]?\d{1,5})?$/

function numberFromText(pattern: RegExp) {
  // Anything else is handed on as it is, so that the number schema refuses it by name ('', 'abc', '0x10', '1e400').
  return (raw: unknown) => (typeof raw === 'string' && pattern.test(raw) && Number.isFinite(Number(raw)) ? Number(raw) : raw)
}

function numberIssue(what: string) {
  return (issue: { input?: unknown }) =>
    issue.input === undefined ? `required: ${what}` : `expected ${what}, got ${JSON.stringify(String(issue.input).slice(0, 40))}`
}

/** An integer within [min, max]: wrap it (with .optional() or .default() inside) in intParam. */
export function integer(min: number, max: number) {
  return z
    .number({ error: numberIssue(`an integer from ${min} to ${max}`) })
    .int()
    .min(min)
    .max(max)
}

/** A finite number within [min, max]: wrap it in numberParam. */
export function finiteNumber(min: number, max: number) {
  return z
    .number({ error: numberIssue(`a number from ${min} to ${max}`) })
    .min(min)
    .max(max)
}

/**
 * A query or path parameter holding an integer, as decimal digits: `intParam(integer(1, 500).default(50))`.
 * Empty text, fractions, exponents and numbers past the bounds are refused (400, naming the parameter).
 */
export function intParam<T extends z.ZodType>(schema: T) {
  return z.preprocess(numberFromText(INTEGER_TEXT), schema)
}

/** A query parameter holding a decimal number (sign, fraction and exponent allowed): `numberParam(finiteNumber(-180, 180))`. */
export function numberParam<T extends z.ZodType>(schema: T) {
  return z.preprocess(numberFromText(DECIMAL_TEXT), schema)
}

/** An id of a stored row (imports): 1 to PG_INTEGER_MAX. */
export const RowIdParamSchema = intParam(integer(1, PG_INTEGER_MAX))

/**
 * Free text in a query: not empty, at most `max` characters. (U+0000, lone surrogates and bytes that
 * are not UTF-8 are refused for every parameter before validation, by the body plugin.)
 */
export function textParam(max: number) {
  return z.string().min(1, 'empty: give a value or leave the parameter out').max(max)
}

/** A true/false switch in a query: `allow_empty=true`. */
export function booleanParam(defaultValue: boolean) {
  return z
    .enum(['true', 'false'])
    .default(defaultValue ? 'true' : 'false')
    .transform((value) => value === 'true')
}

const BBOX = /^\s*-?\d+(\.\d+)?\s*,\s*-?\d+(\.\d+)?\s*,\s*-?\d+(\.\d+)?\s*,\s*-?\d+(\.\d+)?\s*$/
export const BboxParamSchema = z
  .string()
  .regex(BBOX, 'bbox must be minLon,minLat,maxLon,maxLat')
  .refine((value) => {
    const [minLon, minLat, maxLon, maxLat] = value.split(',').map(Number)
    return minLon >= -180 && maxLon <= 180 && minLat >= -90 && maxLat <= 90 && minLon <= maxLon && minLat <= maxLat
  }, 'bbox must be minLon,minLat,maxLon,maxLat within [-180, 180] × [-90, 90], min before max')
  .describe('minLon,minLat,maxLon,maxLat (WGS84)')

export type Bbox = [number, number, number, number]
export function parseBbox(value: string): Bbox {
  return value.split(',').map(Number) as Bbox
}

/** A comma-separated list parameter, e.g. actor=hts,sna. */
export function csvParam(description: string) {
  return z
    .string()
    .regex(/^[a-z0-9_-]+(,[a-z0-9_-]+)*$/, 'a comma-separated list of slugs')
    .describe(description)
}
export function splitCsv(value: string | undefined): string[] | undefined {
  return value === undefined ? undefined : value.split(',')
}

// ---------------------------------------------------------------------------------------------
// Media types and response declarations. A route declares each answer with the media type it
// really sends, so that the OpenAPI document says what a client gets and test/contract can hold
// every answer to it.

/** A response declared by media type: `{ description, content: { [mediaType]: { schema } } }` (OpenAPI 3.1, Fastify 5). */
export interface ContentResponse<C extends Record<string, z.ZodType>> {
  description: string
  content: { [K in keyof C]: { schema: C[K] } }
}

/**
 * A response offered in several media types, e.g. JSON or CSV for the same series:
 * `contentResponse('the series', { 'application/json': SeriesSchema, 'text/csv': CsvSchema })`.
 */
export function contentResponse<C extends Record<string, z.ZodType>>(description: string, content: C): ContentResponse<C> {
  const entries = Object.entries(content).map(([mediaType, schema]) => [mediaType, { schema }])
  return { description, content: Object.fromEntries(entries) as ContentResponse<C>['content'] }
}

/** A GeoJSON answer, `application/geo+json` (RFC 7946 §12): `response: { 200: geoJsonResponse(ControlMapSchema) }`. */
export function geoJsonResponse<S extends z.ZodType>(
  schema: S,
  description = 'GeoJSON (RFC 7946; WGS84 [lon, lat])',
): ContentResponse<{ 'application/geo+json': S }> {
  return { description, content: { 'application/geo+json': { schema } } }
}

/** The body of a `text/csv` answer, for `contentResponse`: one header row, then one row per record. */
export const CsvSchema = z.string().describe('CSV (RFC 4180): a header row, then one row per record')

// ---------------------------------------------------------------------------------------------
// GeoJSON (RFC 7946), every geometry a component of its own. Objects are closed: an answer carries
// exactly the members declared here (the serializer drops others), except feature properties,
// which keep the free properties of the import.

export const PositionSchema = z
  .array(z.number())
  .min(2)
  .max(3)
  .meta({ id: 'Position', description: '[lon, lat] or [lon, lat, altitude] (WGS84 degrees, RFC 7946 §3.1.1)' })

export const GeoJsonBboxSchema = z
  .union([z.tuple([z.number(), z.number(), z.number(), z.number()]), z.tuple([z.number(), z.number(), z.number(), z.number(), z.number(), z.number()])])
  .meta({ id: 'BoundingBox', description: 'bounding box [minLon, minLat, maxLon, maxLat], or with min and max altitude (RFC 7946 §5)' })

/** At least four positions, the last equal to the first; exterior rings counter-clockwise (RFC 7946 §3.1.6). */
const LinearRingSchema = z.array(PositionSchema).min(4).describe('a closed ring: at least four positions, the last equal to the first')
const LineCoordinatesSchema = z.array(PositionSchema).min(2)

function geometry<T extends string, C extends z.ZodType>(type: T, coordinates: C, description: string) {
  return z.object({ type: z.literal(type), coordinates, bbox: GeoJsonBboxSchema.optional() }).meta({ id: type, description })
}

export const PointSchema = geometry('Point', PositionSchema, 'GeoJSON Point (RFC 7946 §3.1.2)')
export const MultiPointSchema = geometry('MultiPoint', z.array(PositionSchema), 'GeoJSON MultiPoint (RFC 7946 §3.1.3)')
export const LineStringSchema = geometry('LineString', LineCoordinatesSchema, 'GeoJSON LineString (RFC 7946 §3.1.4)')
export const MultiLineStringSchema = geometry('MultiLineString', z.array(LineCoordinatesSchema), 'GeoJSON MultiLineString (RFC 7946 §3.1.5)')
export const PolygonSchema = geometry('Polygon', z.array(LinearRingSchema).min(1), 'GeoJSON Polygon: exterior ring, then holes (RFC 7946 §3.1.6)')
export const MultiPolygonSchema = geometry('MultiPolygon', z.array(z.array(LinearRingSchema).min(1)), 'GeoJSON MultiPolygon (RFC 7946 §3.1.7)')

const SINGLE_GEOMETRIES = [PointSchema, MultiPointSchema, LineStringSchema, MultiLineStringSchema, PolygonSchema, MultiPolygonSchema] as const

export const GeometryCollectionSchema = z
  .object({
    type: z.literal('GeometryCollection'),
    // RFC 7946 §3.1.8 advises against nesting collections, and allows it.
    get geometries() {
      return z.array(GeometrySchema)
    },
    bbox: GeoJsonBboxSchema.optional(),
  })
  .meta({ id: 'GeometryCollection', description: 'GeoJSON GeometryCollection (RFC 7946 §3.1.8)' })

export const GeometrySchema: z.ZodDiscriminatedUnion<[...typeof SINGLE_GEOMETRIES, typeof GeometryCollectionSchema]> = z
  .discriminatedUnion('type', [...SINGLE_GEOMETRIES, GeometryCollectionSchema])
  .meta({ id: 'Geometry', description: 'GeoJSON geometry (RFC 7946, WGS84 [lon, lat])' })
export type Geometry = z.infer<typeof GeometrySchema>

/** Ground held: what control areas are made of. */
export const AreaGeometrySchema = z
  .discriminatedUnion('type', [PolygonSchema, MultiPolygonSchema])
  .meta({ id: 'AreaGeometry', description: 'Polygon or MultiPolygon (WGS84 [lon, lat])' })

export const FeatureIdSchema = z.union([z.string(), z.number()]).describe('feature id (RFC 7946 §3.2)')

/**
 * A GeoJSON Feature with typed properties (RFC 7946 §3.2). Defaults: any geometry or null, an
 * optional string or number id. Register the result once: `geoJsonFeature(P).meta({ id: 'XFeature' })`.
 */
export function geoJsonFeature<
  P extends z.ZodType,
  G extends z.ZodType = z.ZodNullable<typeof GeometrySchema>,
  I extends z.ZodType = z.ZodOptional<typeof FeatureIdSchema>,
>(properties: P, options: { geometry?: G; id?: I } = {}) {
  return z.object({
    type: z.literal('Feature'),
    id: (options.id ?? FeatureIdSchema.optional()) as I,
    bbox: GeoJsonBboxSchema.optional(),
    geometry: (options.geometry ?? GeometrySchema.nullable()) as G,
    properties,
  })
}

/**
 * A GeoJSON FeatureCollection of `feature`, with the foreign members the answer adds (dataset,
 * revision, paging…), e.g. `geoJsonFeatureCollection(ControlFeatureSchema, { dataset: z.string() })`.
 */
export function geoJsonFeatureCollection<F extends z.ZodType, M extends z.core.$ZodLooseShape = Record<never, never>>(feature: F, members?: M) {
  return z.object({
    type: z.literal('FeatureCollection'),
    ...(members ?? ({} as M)),
    bbox: GeoJsonBboxSchema.optional(),
    features: z.array(feature),
  })
}

/** Any GeoJSON Feature, foreign members kept: for answers whose properties are not typed (yet). */
export const GeoJsonFeatureSchema = geoJsonFeature(z.record(z.string(), z.unknown()).nullable())
  .loose()
  .meta({ id: 'Feature', description: 'GeoJSON Feature (RFC 7946 §3.2)' })

/** Any GeoJSON FeatureCollection, foreign members kept. */
export const GeoJsonFeatureCollectionSchema = geoJsonFeatureCollection(GeoJsonFeatureSchema)
  .loose()
  .meta({ id: 'FeatureCollection', description: 'GeoJSON FeatureCollection (RFC 7946 §3.3)' })

export const InstantSchema = z.iso.datetime().meta({ id: 'Instant', description: 'UTC instant, ISO 8601 (e.g. 2024-11-28T00:00:00.000Z)' })

/**
 * The body of an import as the route schema sees it: any JSON object. The importer checks the
 * envelope itself, so that a wrong body is answered like any other bad file, by feature and path.
 */
export const ImportBodySchema = z
  .object({ type: z.string().optional(), features: z.array(z.any()).optional(), crs: z.any().optional() })
  .passthrough()
  .describe('GeoJSON FeatureCollection (RFC 7946; a legacy crs member naming CRS84 is accepted)')

// ---------------------------------------------------------------------------------------------
// Problems (RFC 9457): one component, referenced by every error answer.

export const ProblemDetailSchema = z.object({
  path: z.string().describe('JSON Pointer to the offending value, e.g. /query/at or /body/features/3/geometry'),
  code: z.string().describe('stable code of this detail'),
  reason: z.string(),
  index: z.number().int().optional().describe('feature index in the import'),
})

export const ProblemSchema = z
  .object({
    type: z.string().describe('URI naming the problem type'),
    title: z.string().describe('the HTTP status phrase'),
    status: z.number().int().min(400).max(599),
    detail: z.string().describe('what went wrong, for people'),
    code: z.string().describe('stable error code, e.g. DATASET_NOT_FOUND: match on this, never on the wording'),
    instance: z.string().optional().describe('the request path refused (never its query, which may carry what its sender should not have put there)'),
    errors: z.array(ProblemDetailSchema).optional().describe('one entry per offending value'),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' })
export type Problem = z.infer<typeof ProblemSchema>

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  // The depth is MAX_JSON_DEPTH of src/json-body.ts; the dates are DATE_RANGE of time.ts.
  400:
    'Bad Request: a parameter or the body is invalid; errors[] names each by JSON Pointer. JSON_TOO_DEEP: the body nests more than 64 ' +
    'levels of arrays and objects; INVALID_TEXT: text PostgreSQL cannot store (U+0000, a lone surrogate, bytes that are not UTF-8) ' +
    `in the body, a query or a path parameter; INVALID_REQUEST: a parameter out of range (integers fit a PostgreSQL integer); INVALID_DATE: ` +
    `not a date, or outside ${DATE_RANGE}; TOKEN_IN_QUERY: a credential in the query string (tokens go in the Authorization header only)`,
  401: 'Unauthorized: writes need Authorization: Bearer <token>; the answer carries WWW-Authenticate: Bearer (RFC 6750)',
  403: 'Forbidden',
  404: 'Not Found: the dataset or the resource does not exist',
  405: 'Method Not Allowed: the path has other methods (see Allow)',
  406: 'Not Acceptable: no representation for that Accept header',
  409: 'Conflict with the current state of the resource',
  413: 'Content Too Large: the body or the file exceeds a limit',
  415: 'Unsupported Media Type: send application/json or application/geo+json',
  422:
    'Unprocessable Content: the file was read and refused; errors[] by feature and path (INVALID_IMPORT), or a snapshot with no area ' +
    'would have closed the whole map (EMPTY_SNAPSHOT: send allow_empty=true to mean it), or an analysis estimated to need more work ' +
    'than its budget allows (ANALYSIS_TOO_COSTLY: the detail says how to narrow it)',
  429:
    'Too Many Requests: this client has its share of analyses running (CLIENT_BUSY), the pool is full (ANALYSIS_BUSY), or too many ' +
    'failed authentications came from this address (TOO_MANY_AUTH_FAILURES); retry after Retry-After',
  500: 'Internal Server Error',
  503:
    'Service Unavailable: not ready, too many connections (TOO_MANY_CONNECTIONS), or the analysis ran past its budget or waited ' +
    'past it for a worker (ANALYSIS_TIMEOUT, with Retry-After), or the dataset kept changing while the answer was made (DATASET_CHANGING)',
}

export type ProblemResponse = ContentResponse<{ 'application/problem+json': typeof ProblemSchema }>

/**
 * Error answers for a route: each status declares `application/problem+json` with the one Problem
 * component. `response: { 200: XSchema, ...problemResponses(400, 404) }`.
 */
export function problemResponses<S extends number[]>(...statuses: S): { [K in S[number]]: ProblemResponse } {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      { description: PROBLEM_DESCRIPTIONS[status] ?? 'Problem', content: { 'application/problem+json': { schema: ProblemSchema } } },
    ]),
  ) as { [K in S[number]]: ProblemResponse }
}

/** The answer to a conditional GET whose ETag is still current: no body. */
export const NotModifiedSchema = z.undefined().describe('Not Modified: the representation named by If-None-Match is current; no body')

/** For reads that answer If-None-Match: `response: { 200: X, ...notModifiedResponses(), ...problemResponses(400) }`. */
export function notModifiedResponses(): { 304: typeof NotModifiedSchema } {
  return { 304: NotModifiedSchema }
}
