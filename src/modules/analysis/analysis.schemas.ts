import { z } from 'zod'
import {
  AreaGeometrySchema,
  geoJsonFeature,
  geoJsonFeatureCollection,
  AtParamSchema,
  DATE_RANGE_NOTE,
  DatasetParamSchema,
  finiteNumber,
  numberParam,
  InstantParamSchema,
  KnownAtParamSchema,
  PositionSchema,
  SlugSchema,
} from '../common/schemas.js'

const RefSchema = z.string().regex(/^(side|actor|feature):[a-z0-9][a-z0-9_-]{0,63}$/, 'a reference: side:ID, actor:ID or feature:ID')

const LineStringSchema = z.object({ type: z.literal('LineString'), coordinates: z.array(PositionSchema) })

export const FrontsQuerySchema = z.object({
  dataset: DatasetParamSchema,
  at: AtParamSchema.optional(),
  known_at: KnownAtParamSchema.optional(),
  sides: z
    .string()
    .regex(/^[a-z0-9_-]+,[a-z0-9_-]+$/, 'two sides, comma-separated, e.g. opposition,government')
    .optional()
    .describe('the two sides whose front to draw; default: every pair of sides holding ground at `at`')
    .meta({ example: 'opposition,government' }),
  tolerance_km: numberParam(finiteNumber(0, 10).default(0.1)).describe('how wide a gap or sliver between two territories still counts as their front, km'),
})

export const FrontsSchema = z
  .object({
    type: z.literal('FeatureCollection'),
    dataset: z.string(),
    revision: z.number().int(),
    at: z.string(),
    knownAt: z.string().nullable(),
    features: z.array(
      z.object({
        type: z.literal('Feature'),
        geometry: z.object({ type: z.literal('MultiLineString'), coordinates: z.array(z.array(PositionSchema)) }),
        properties: z.object({ sides: z.tuple([z.string(), z.string()]), lengthKm: z.number() }),
      }),
    ),
  })
  .describe('one MultiLineString feature per pair of sides, with its length in km')

export const DistanceQuerySchema = z.object({
  dataset: DatasetParamSchema,
  from: RefSchema.describe('side:ID, actor:ID (all ground held at the date) or feature:ID').meta({ examples: ['side:opposition', 'actor:hts'] }),
  to: RefSchema.describe('side:ID, actor:ID or feature:ID, e.g. feature:aleppo-outskirts').meta({ example: 'feature:aleppo-outskirts' }),
  at: AtParamSchema.optional(),
  known_at: KnownAtParamSchema.optional(),
  start: InstantParamSchema.optional().describe(`with end and step: a series. Bare dates mean the end of each day. ${DATE_RANGE_NOTE}`),
  end: InstantParamSchema.optional().describe(`the end of the series. ${DATE_RANGE_NOTE}`),
  step: z.string().max(40).regex(/^P/i, 'an ISO 8601 duration such as P1D or PT6H').default('P1D').describe('series step, ISO 8601 duration'),
})

const NearestSchema = z.object({
  distanceKm: z.number().nullable().describe('shortest geodesic distance, km; null when either side holds nothing'),
  overlaps: z.boolean().describe('true when they meet (distance 0)'),
  nearest: z.object({ from: PositionSchema, to: PositionSchema }).nullable().describe('the two nearest points [lon, lat]'),
  line: LineStringSchema.nullable().describe('the shortest connection, to draw'),
})

export const DistanceSchema = NearestSchema.extend({
  dataset: z.string(),
  revision: z.number().int(),
  knownAt: z.string().nullable(),
  from: z.string(),
  to: z.string(),
  at: z.string(),
})

export const DistanceSeriesSchema = z.object({
  dataset: z.string(),
  revision: z.number().int(),
  knownAt: z.string().nullable(),
  from: z.string(),
  to: z.string(),
  start: z.string(),
  end: z.string(),
  step: z.string(),
  series: z.array(NearestSchema.extend({ at: z.string(), advanceKm: z.number().nullable().describe('how much closer than the step before, km') })),
  summary: z.object({
    firstKm: z.number().nullable(),
    lastKm: z.number().nullable(),
    advanceKm: z.number().nullable().describe('first minus last: how far the gap closed over the range'),
    minKm: z.number().nullable(),
  }),
})

export const RouteQuerySchema = z.object({
  dataset: DatasetParamSchema,
  feature: SlugSchema.describe('a LineString or MultiLineString feature, e.g. m5').meta({ example: 'm5' }),
  owner: SlugSchema.optional().describe("the side that must travel the route; default: the feature's owner_side"),
  at: AtParamSchema.optional(),
  known_at: KnownAtParamSchema.optional(),
  start: InstantParamSchema.optional().describe(`with end: when was the route severed within the range. ${DATE_RANGE_NOTE}`),
  end: InstantParamSchema.optional().describe(`the end of the range. ${DATE_RANGE_NOTE}`),
})

const HolderRefSchema = z.object({ actor: z.string().nullable(), side: z.string().nullable(), status: z.enum(['controlled', 'contested']) })

export const RouteSchema = z.object({
  dataset: z.string(),
  revision: z.number().int(),
  knownAt: z.string().nullable(),
  feature: z.string(),
  owner: z.string(),
  at: z.string(),
  lengthKm: z.number(),
  severed: z.boolean().describe('the owner side cannot travel end to end through its own ground'),
  cutPoints: z.array(PositionSchema).describe('where the route leaves the owner side’s ground'),
  kmBySide: z.record(z.string(), z.number()).describe("km held per side ('contested' for contested ground)"),
  unmappedKm: z.number().describe('km over ground no area covers: reported, not a cut'),
  segments: z.array(
    z.object({
      holders: z.array(HolderRefSchema),
      side: z.string().nullable().describe('the side holding the stretch; null when unmapped; several sides are joined by +'),
      fromKm: z.number(),
      toKm: z.number(),
      lengthKm: z.number(),
      geometry: LineStringSchema,
    }),
  ),
})

export const RouteSeriesSchema = z.object({
  dataset: z.string(),
  revision: z.number().int(),
  knownAt: z.string().nullable(),
  feature: z.string(),
  owner: z.string(),
  start: z.string(),
  end: z.string(),
  severedIntervals: z.array(z.object({ from: z.string(), to: z.string().nullable().describe('null: still severed at the end of the range') })),
  firstSevered: z.string().nullable(),
  states: z
    .array(z.object({ at: z.string(), severed: z.boolean(), kmBySide: z.record(z.string(), z.number()) }))
    .describe('the route at the start and after each change'),
})

export const ChangesQuerySchema = z.object({
  dataset: DatasetParamSchema,
  start: InstantParamSchema.describe(`the earlier date (bare date: the map published for it). ${DATE_RANGE_NOTE}`).meta({ example: '2024-11-26' }),
  end: InstantParamSchema.describe(`the later date. ${DATE_RANGE_NOTE}`).meta({ example: '2024-11-28' }),
  known_at: KnownAtParamSchema.optional(),
})

const ChangeRowSchema = z.object({
  startKm2: z.number(),
  endKm2: z.number(),
  gainedKm2: z.number(),
  lostKm2: z.number(),
  netKm2: z.number(),
})

export const ChangeFeatureSchema = geoJsonFeature(
  z.object({
    level: z.enum(['side', 'actor']),
    id: z.string().describe('the side or actor id'),
    change: z.enum(['gained', 'lost']),
    areaKm2: z.number().describe('km²'),
  }),
  { geometry: AreaGeometrySchema },
).meta({ id: 'ChangeFeature', description: 'ground one side or actor gained or lost between start and end' })

export const ChangesSchema = z.object({
  dataset: z.string(),
  revision: z.number().int(),
  knownAt: z.string().nullable(),
  start: z.string(),
  end: z.string(),
  actors: z.array(ChangeRowSchema.extend({ actor: z.string(), side: z.string() })),
  sides: z.array(ChangeRowSchema.extend({ side: z.string() })),
  polygons: geoJsonFeatureCollection(ChangeFeatureSchema).describe('gained and lost ground per side and per actor'),
  featuresChanged: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      kind: z.string(),
      from: HolderRefSchema.nullable(),
      to: HolderRefSchema.nullable(),
    }),
  ),
})
