import { z } from 'zod'
import { isInstant } from './time.js'

export const SlugSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'a slug: lower-case letters, digits, - and _, at most 64 characters')
  .describe('slug id')

export const InstantParamSchema = z
  .string()
  .refine(isInstant, 'not a date: use YYYY-MM-DD or an ISO 8601 instant such as 2024-11-28T06:00Z')

export const DatasetParamSchema = SlugSchema.describe('dataset id, e.g. aleppo-2024').meta({ example: 'aleppo-2024' })
export const AtParamSchema = InstantParamSchema.describe(
  'the date or instant to answer for (UTC). A bare date means the end of that day: the map published for it. Default: now',
).meta({ examples: ['2024-11-28', '2024-11-28T06:00:00Z'] })
export const KnownAtParamSchema = InstantParamSchema.describe(
  'answer as the service knew it at this instant (knowledge time); default: current knowledge',
)

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

export const LimitSchema = z.coerce.number().int().min(1).max(1000).default(100).describe('page size')
export const PositionSchema = z.array(z.number()).min(2).max(3).describe('[lon, lat] (WGS84)')

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string().describe('stable error code'),
    instance: z.string().optional(),
    errors: z
      .array(
        z.object({
          path: z.string().describe('JSON Pointer to the offending value'),
          code: z.string(),
          reason: z.string(),
          index: z.number().int().optional().describe('feature index in the import'),
        }),
      )
      .optional(),
  })
  .describe('RFC 9457 problem details')

export const GeometrySchema = z
  .object({ type: z.string(), coordinates: z.array(z.any()) })
  .passthrough()
  .describe('GeoJSON geometry (RFC 7946, [lon, lat])')

export const GeoJsonFeatureCollectionSchema = z
  .object({ type: z.literal('FeatureCollection'), features: z.array(z.any()) })
  .passthrough()
  .describe('GeoJSON FeatureCollection')

/**
 * The body of an import as the route schema sees it: any JSON object. The importer checks the
 * envelope itself, so that a wrong body is answered like any other bad file, by feature and path.
 */
export const ImportBodySchema = z
  .object({ type: z.string().optional(), features: z.array(z.any()).optional(), crs: z.any().optional() })
  .passthrough()
  .describe('GeoJSON FeatureCollection (RFC 7946; a legacy crs member naming CRS84 is accepted)')

/** Standard error responses for a route, for the OpenAPI document. */
export function problemResponses(...statuses: number[]): Record<number, typeof ProblemSchema> {
  return Object.fromEntries(statuses.map((status) => [status, ProblemSchema]))
}
