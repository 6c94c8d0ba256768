import { z } from 'zod'
import { FormatParamSchema } from '../common/csv.js'
import { ExplainedMembers } from '../common/notes.js'
import { PageMembers, pagingParams } from '../common/paging.js'
import {
  AreaGeometrySchema,
  AtParamSchema,
  BboxParamSchema,
  csvParam,
  DatasetParamSchema,
  FeatureIdSchema,
  finiteNumber,
  geoJsonFeature,
  geoJsonFeatureCollection,
  InstantSchema,
  KnownAtParamSchema,
  numberParam,
} from '../common/schemas.js'

export const ControlQuerySchema = z.object({
  dataset: DatasetParamSchema,
  at: AtParamSchema.optional(),
  known_at: KnownAtParamSchema.optional(),
  bbox: BboxParamSchema.optional(),
  actor: csvParam('only areas held by these actors, e.g. hts,sna (an id the dataset does not have is 404)').optional(),
  side: csvParam('only areas held by actors of these sides, e.g. opposition (a side no actor belongs to is 404)').optional(),
  // A map is one answer in practice: the default page holds any real map whole.
  ...pagingParams(10_000, 10_000),
  f: FormatParamSchema.describe('answer format: json (GeoJSON, the default) or csv (the areas without geometry); CSV also by Accept: text/csv'),
})
export type ControlQuery = z.infer<typeof ControlQuerySchema>

export const PointQuerySchema = z.object({
  dataset: DatasetParamSchema,
  lon: numberParam(finiteNumber(-180, 180)).describe('longitude (WGS84 degrees, east positive)').meta({ example: 37.16 }),
  lat: numberParam(finiteNumber(-90, 90)).describe('latitude (WGS84 degrees, north positive)').meta({ example: 36.2 }),
  at: AtParamSchema.optional(),
  known_at: KnownAtParamSchema.optional(),
  f: FormatParamSchema.describe('answer format: json or csv (a row per holder); CSV also by Accept: text/csv'),
})

export const HolderSchema = z.object({
  actor: z.string().nullable().describe('actor id; null for contested ground held by no one actor'),
  side: z.string().nullable(),
  status: z.enum(['controlled', 'contested']),
  since: z.string().describe('since when this holder has held the place without interruption (UTC)'),
  sinceIsLowerBound: z
    .boolean()
    .describe("true when `since` is the dataset's first map: the holding may have begun before the data does (a SINCE_IS_LOWER_BOUND note says so too)"),
  until: z.string().nullable().describe('when that holding ends as far as the data says; null: still holds'),
  areaId: z
    .number()
    .int()
    .nullable()
    .describe("the area that holds the place; null when the dataset's complement actor holds it (no area covers it, inside the outline)"),
  validFrom: z.string().nullable().describe('start of the area that holds the place at `at`; null for the complement actor'),
  validTo: z.string().nullable(),
  sources: z.array(z.string()).describe('ids of the sources the area cites (GET /v1/datasets/{id}/sources)'),
})
export type Holder = z.infer<typeof HolderSchema>

export const PointControlSchema = z.object({
  dataset: z.string(),
  revision: z.number().int(),
  at: z.string(),
  knownAt: z.string().nullable(),
  point: z.tuple([z.number(), z.number()]).describe('[lon, lat]'),
  holder: HolderSchema.nullable().describe(
    'who holds the point: the first of `holders`; null when no area covers it (a note says why). Where areas overlap the rule is: ' +
      'controlled ground before contested, then the longest-standing holding (earliest since), then the lower area id; an ' +
      'OVERLAPPING_AREAS note names them all',
  ),
  holderRule: z
    .string()
    .nullable()
    .describe(
      'where several areas cover the point, which step of the rule picked `holder`, in words (e.g. "2 areas cover this point (hts, saa): ' +
        'holder is the controlled one (area 12, hts), by the rule …"); null when at most one area covers it',
    ),
  holders: z.array(HolderSchema).describe('every area covering the point at `at`, in the order of the holder rule (more than one where areas overlap)'),
  ...ExplainedMembers,
})
export type PointControl = z.infer<typeof PointControlSchema>

export const ControlPropertiesSchema = z
  .object({
    actor: z.string().nullable().describe('actor id; null for contested ground held by no one actor'),
    side: z.string().nullable().describe("the actor's side"),
    status: z.enum(['controlled', 'contested']),
    validFrom: InstantSchema.describe('the area holds from this instant (inclusive, UTC)'),
    validTo: InstantSchema.nullable().describe('until this instant (exclusive, UTC); null: still holds'),
    areaKm2: z.number().min(0).describe('geodesic area, km²'),
    sources: z.array(z.string()).describe('ids of the sources the area cites (GET /v1/datasets/{id}/sources)'),
    areaKey: z.string().nullable().describe('the id the import gave the area, kept across snapshots'),
  })
  .catchall(z.unknown())
  .describe('who holds the area and over which valid time, plus the free properties of the import')

/** JSON-FG's temporal geometry of an area: its valid time [validFrom, validTo), ".." for an end still open. */
export const ValidTimeSchema = z
  .object({
    interval: z.tuple([InstantSchema, z.union([InstantSchema, z.literal('..')])]).describe('[validFrom, validTo]; ".." while the area still holds'),
  })
  .meta({ id: 'ValidTime', description: 'JSON-FG time: the interval [validFrom, validTo) over which the area holds' })

export const ControlFeatureSchema = geoJsonFeature(ControlPropertiesSchema, { geometry: AreaGeometrySchema, id: FeatureIdSchema })
  .extend({ time: ValidTimeSchema })
  .meta({
    id: 'ControlFeature',
    description: 'one area held by one actor (or contested) over [validFrom, validTo)',
  })

export const ControlMapSchema = geoJsonFeatureCollection(ControlFeatureSchema, {
  dataset: z.string().describe('dataset id'),
  revision: z.number().int().describe('dataset revision the map was read at'),
  at: InstantSchema.describe('the instant the map answers for'),
  knownAt: InstantSchema.nullable().describe('knowledge time; null: current knowledge'),
  ...PageMembers,
  sources: z.array(z.string()).describe('distinct ids of the sources the areas of this page cite, sorted (records: GET /v1/datasets/{id}/sources)'),
  ...ExplainedMembers,
}).meta({ id: 'ControlMap', description: 'the control map at a date: every area held at `at`' })
export type ControlMap = z.infer<typeof ControlMapSchema>
