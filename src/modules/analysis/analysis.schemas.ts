import { z } from 'zod'
import { FormatParamSchema } from '../common/csv.js'
import { ExplainedMembers } from '../common/notes.js'
import {
  AreaGeometrySchema,
  AtParamSchema,
  booleanParam,
  csvParam,
  BARE_DATE_RULE,
  DATE_RANGE_NOTE,
  DatasetParamSchema,
  finiteNumber,
  geoJsonFeature,
  geoJsonFeatureCollection,
  InstantParamSchema,
  InstantSchema,
  KnownAtParamSchema,
  numberParam,
  PositionSchema,
  SlugSchema,
} from '../common/schemas.js'
import { STEP_RULE } from '../common/time.js'

const RefSchema = z.string().regex(/^(side|actor|feature):[a-z0-9][a-z0-9_-]{0,63}$/, 'a reference: side:ID, actor:ID or feature:ID')

const LineStringSchema = z.object({ type: z.literal('LineString'), coordinates: z.array(PositionSchema) })

/** The members every analysis answer starts with. */
const AnswerMembers = {
  dataset: z.string().describe('dataset id'),
  revision: z.number().int().describe('dataset revision the answer was made at'),
  knownAt: InstantSchema.nullable().describe('knowledge time; null: current knowledge'),
  ...ExplainedMembers,
}

const StartParamSchema = InstantParamSchema.describe(`the start of the range (inclusive). ${BARE_DATE_RULE} ${DATE_RANGE_NOTE}`).meta({ example: '2024-11-26' })
const EndParamSchema = InstantParamSchema.describe(`the end of the range (inclusive). ${BARE_DATE_RULE} ${DATE_RANGE_NOTE}`).meta({
  example: '2024-11-30',
})
const StepParamSchema = z
  .string()
  .max(40)
  .regex(/^P/i, 'an ISO 8601 duration such as P1D, P1M or PT6H')
  .optional()
  .describe(`series step (default P1D): ${STEP_RULE}. Calendar steps (P1M, P1Y) keep the day of the month (clamped to the month's end)`)
  .meta({ example: 'P1D' })

const KnownAt = KnownAtParamSchema.meta({ example: '2024-12-01T12:00Z' }).optional()

/** Every coordinate an analysis computes is rounded to 6 decimals of a degree, about 0.1 m. */
const ROUNDED = 'coordinates rounded to 6 decimals (~0.1 m)'

// ---- fronts ----

export const FrontsQuerySchema = z.object({
  dataset: DatasetParamSchema,
  at: AtParamSchema.optional(),
  known_at: KnownAt,
  sides: z
    .string()
    .regex(/^[a-z0-9_-]+,[a-z0-9_-]+$/, 'two sides, comma-separated, e.g. opposition,government')
    .optional()
    .describe('the two sides whose front to draw; default: every pair of sides holding ground at `at`')
    .meta({ example: 'opposition,government' }),
  tolerance_km: numberParam(finiteNumber(0, 10).default(0.1))
    .describe('how wide a gap or sliver between two territories still counts as their front, km')
    .meta({ example: '0.5' }),
  f: FormatParamSchema.describe('answer format: json (GeoJSON) or csv (one row per pair of sides: sides,lengthKm); overrides Accept'),
})

export const FrontsSchema = z
  .object({
    type: z.literal('FeatureCollection'),
    ...AnswerMembers,
    at: InstantSchema,
    features: z.array(
      z.object({
        type: z.literal('Feature'),
        geometry: z.object({ type: z.literal('MultiLineString'), coordinates: z.array(z.array(PositionSchema)) }).describe(ROUNDED),
        properties: z.object({ sides: z.tuple([z.string(), z.string()]), lengthKm: z.number().describe('length of the front, km') }),
      }),
    ),
  })
  .describe('one MultiLineString feature per pair of sides, with its length in km')

// ---- distance ----

export const DistanceQuerySchema = z.object({
  dataset: DatasetParamSchema,
  from: RefSchema.describe('side:ID, actor:ID (all ground held at the date) or feature:ID').meta({ examples: ['side:opposition', 'actor:hts'] }),
  to: RefSchema.describe('side:ID, actor:ID or feature:ID, e.g. feature:aleppo-outskirts').meta({ example: 'feature:aleppo-outskirts' }),
  at: AtParamSchema.optional(),
  known_at: KnownAt,
  start: StartParamSchema.optional().describe(`with end (and step): a series. ${BARE_DATE_RULE} ${DATE_RANGE_NOTE}`),
  end: EndParamSchema.optional(),
  step: StepParamSchema,
  f: FormatParamSchema.describe(
    'answer format: json, or csv (one row: at,distanceKm,overlaps,nearest.from.lon,…; a series: one row per step, with advanceKm); overrides Accept',
  ),
})

const NearestSchema = z.object({
  distanceKm: z.number().nullable().describe('shortest geodesic distance, km; null when either side holds nothing (see notes)'),
  overlaps: z.boolean().describe('true when they meet (distance 0)'),
  nearest: z.object({ from: PositionSchema, to: PositionSchema }).nullable().describe(`the two nearest points [lon, lat], ${ROUNDED}`),
  line: LineStringSchema.nullable().describe('the shortest connection, to draw'),
})

export const DistanceSchema = NearestSchema.extend({
  ...AnswerMembers,
  from: z.string(),
  to: z.string(),
  at: InstantSchema,
})

export const DistanceSeriesSchema = z.object({
  ...AnswerMembers,
  from: z.string(),
  to: z.string(),
  start: InstantSchema,
  end: InstantSchema,
  step: z.string().describe('the step, as given (upper case)'),
  series: z.array(
    NearestSchema.extend({ at: InstantSchema, advanceKm: z.number().nullable().describe('how much closer than the step before, km; null at the first step') }),
  ),
  summary: z.object({
    firstKm: z.number().nullable(),
    lastKm: z.number().nullable(),
    advanceKm: z.number().nullable().describe('first minus last: how far the gap closed over the range'),
    minKm: z.number().nullable(),
  }),
})

// ---- route ----

export const RouteQuerySchema = z.object({
  dataset: DatasetParamSchema,
  feature: SlugSchema.describe('a LineString or MultiLineString feature, e.g. m5').meta({ example: 'm5' }),
  owner: SlugSchema.optional().describe("the side that must travel the route; default: the feature's owner_side").meta({ example: 'government' }),
  at: AtParamSchema.optional(),
  known_at: KnownAt,
  start: StartParamSchema.optional().describe(`with end: when was the route severed within the range. ${BARE_DATE_RULE} ${DATE_RANGE_NOTE}`),
  end: EndParamSchema.optional(),
  f: FormatParamSchema.describe(
    'answer format: json, or csv (at a date: one row per stretch, fromKm,toKm,lengthKm,side,holders.actor,holders.side,holders.status; ' +
      'over a range: one row per state, at,severed,kmBySide.<side>…); overrides Accept',
  ),
})

const HolderRefSchema = z.object({
  actor: z.string().nullable().describe('actor id; null on contested ground held by no one actor'),
  side: z.string().nullable(),
  status: z.enum(['controlled', 'contested']),
})

export const RouteSchema = z.object({
  ...AnswerMembers,
  feature: z.string(),
  owner: z.string(),
  at: InstantSchema,
  lengthKm: z.number(),
  severed: z.boolean().describe('the owner side cannot travel end to end through its own ground'),
  cutPoints: z.array(PositionSchema).describe('where the route leaves the owner side’s ground'),
  kmBySide: z.record(z.string(), z.number()).describe("km held per side ('contested' for contested ground); a stretch held by several sides is split evenly"),
  unmappedKm: z.number().describe('km over ground no area covers: reported, not a cut'),
  segments: z
    .array(
      z.object({
        holders: z
          .array(HolderRefSchema)
          .describe(
            'who holds the stretch, each holder once: two or more on a boundary between different holders or where their areas overlap; [] on unmapped ground',
          ),
        side: z.string().nullable().describe('the side holding the stretch; null when unmapped; several sides are joined by +'),
        fromKm: z.number(),
        toKm: z.number(),
        lengthKm: z.number(),
        geometry: LineStringSchema.describe(ROUNDED),
      }),
    )
    .describe('consecutive stretches with the same holders are one stretch, across the boundaries between areas of one holder'),
})

export const RouteSeriesSchema = z.object({
  ...AnswerMembers,
  feature: z.string(),
  owner: z.string(),
  start: InstantSchema,
  end: InstantSchema,
  severedIntervals: z.array(z.object({ from: InstantSchema, to: InstantSchema.nullable().describe('null: still severed at the end of the range') })),
  firstSevered: InstantSchema.nullable().describe("the first instant of the range it was severed; at the dataset's first map a lower bound (see notes)"),
  states: z
    .array(z.object({ at: InstantSchema, severed: z.boolean(), kmBySide: z.record(z.string(), z.number()) }))
    .describe('the route at the start and after each change of the areas near it'),
})

// ---- changes ----

export const ChangesQuerySchema = z.object({
  dataset: DatasetParamSchema,
  start: StartParamSchema.describe(`the earlier date. ${BARE_DATE_RULE} ${DATE_RANGE_NOTE}`),
  end: EndParamSchema.describe(`the later date. ${BARE_DATE_RULE} ${DATE_RANGE_NOTE}`),
  known_at: KnownAt,
  polygons: booleanParam(true)
    .describe('true: the answer carries the gained and lost polygons; false: it has no polygons member at all (the figures are the same)')
    .meta({ example: 'false' }),
  table: z
    .enum(['summary', 'transfers', 'features'])
    .default('summary')
    .describe(
      'which table a CSV answer holds: summary (level,id,side,startKm2,endKm2,gainedKm2,lostKm2,netKm2), transfers (the from→to matrix: ' +
        'level,from,fromSide,to,toSide,areaKm2,features) or features (the features that changed hands); a JSON answer holds them all',
    )
    .meta({ example: 'transfers' }),
  f: FormatParamSchema.describe('answer format: json, or csv (the table named by table=); overrides Accept'),
})

const ChangeRowSchema = z.object({
  startKm2: z.number().describe('km² held at start (overlapping areas of the holder counted once)'),
  endKm2: z.number().describe('km² held at end'),
  gainedKm2: z.number().describe('km² held at end and not at start'),
  lostKm2: z.number().describe('km² held at start and not at end'),
  netKm2: z.number().describe('gained minus lost'),
})

export const ChangeFeatureSchema = geoJsonFeature(
  z.object({
    level: z.enum(['side', 'actor', 'contested']),
    id: z.string().describe('the side or actor id; contested for contested ground'),
    change: z.enum(['gained', 'lost']),
    areaKm2: z.number().describe('km²'),
  }),
  { geometry: AreaGeometrySchema.describe(ROUNDED) },
).meta({ id: 'ChangeFeature', description: 'ground one side or actor (or contested ground) gained or lost between start and end' })

const MATRIX_ENDS = 'an actor id; contested (contested ground); unmapped (ground no area covered, or for a feature: no holder of most of it)'

const TransferSchema = z
  .object({
    from: z.string().describe(`who held the ground at start: ${MATRIX_ENDS}`),
    fromSide: z.string().nullable().describe("from's side; null for contested and unmapped"),
    to: z.string().describe(`who holds it at end: ${MATRIX_ENDS}`),
    toSide: z.string().nullable().describe("to's side; null for contested and unmapped"),
    areaKm2: z
      .number()
      .describe(
        "km² that passed: the ground `to` gained that `from` held at start. Ground where from's areas overlap another holder's counts in " +
          "each of their cells; unmapped→B is what is left of B's gain once its cells from holders are taken away (never below 0), and " +
          "A→unmapped what is left of A's loss",
      ),
    features: z.array(z.string()).describe('reference features whose majority holder went from `from` to `to` (ids, sorted)'),
  })
  .meta({ id: 'Transfer', description: 'one cell of the from→to matrix: ground that passed from one holder to another' })

const SideTransferSchema = z
  .object({
    from: z.string().describe('the side that held the ground at start; contested or unmapped'),
    to: z.string().describe('the side that holds it at end; contested or unmapped'),
    areaKm2: z.number().describe('the sum of the actor cells between those sides (overlaps counted as there)'),
    features: z.array(z.string()).describe('the features of those cells'),
  })
  .meta({ id: 'SideTransfer', description: 'the from→to matrix by side: actor cells whose sides differ, added up' })

export const ChangesSchema = z.object({
  ...AnswerMembers,
  start: InstantSchema,
  end: InstantSchema,
  actors: z.array(ChangeRowSchema.extend({ actor: z.string(), side: z.string() })).describe('controlled ground per actor'),
  sides: z.array(ChangeRowSchema.extend({ side: z.string() })).describe("controlled ground per side: the union of its actors' areas"),
  contested: ChangeRowSchema.describe('contested ground'),
  transfers: z.array(TransferSchema).describe('who took ground from whom, by actor: largest first'),
  sideTransfers: z.array(SideTransferSchema).describe('who took ground from whom, by side: largest first'),
  polygons: geoJsonFeatureCollection(ChangeFeatureSchema)
    .optional()
    .describe('gained and lost ground per side, per actor and contested; absent with polygons=false'),
  featuresChanged: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      kind: z.string(),
      from: HolderRefSchema.nullable().describe('the holder of most of it at start; null: no area, or no majority'),
      to: HolderRefSchema.nullable().describe('the holder of most of it at end'),
    }),
  ),
})

// ---- area over time ----

export const AreaQuerySchema = z.object({
  dataset: DatasetParamSchema,
  start: StartParamSchema,
  end: EndParamSchema,
  step: StepParamSchema,
  known_at: KnownAt,
  actor: csvParam('only these actors (comma-separated ids), and no other actor rows; sides and contested ground are still given')
    .meta({ example: 'hts,sna' })
    .optional(),
  side: csvParam('only these sides (comma-separated ids), and only the actors of those sides').meta({ example: 'opposition' }).optional(),
  f: FormatParamSchema.describe('answer format: json, or csv (long form, one row per step and holder: at,level,id,side,areaKm2,gainedKm2,lostKm2,netKm2)'),
})

const AreaFiguresSchema = z.object({
  areaKm2: z.number().describe('km² held at the step (overlapping areas of one holder counted once)'),
  gainedKm2: z.number().nullable().describe('km² held at this step and not at the step before (by overlay); null at the first step'),
  lostKm2: z.number().nullable().describe('km² held at the step before and not at this one; null at the first step'),
  netKm2: z.number().nullable().describe('gained minus lost; null at the first step'),
})

export const AreaSeriesSchema = z.object({
  ...AnswerMembers,
  start: InstantSchema,
  end: InstantSchema,
  step: z.string().describe('the step, as given (upper case)'),
  series: z
    .array(
      z.object({
        at: InstantSchema,
        actors: z.array(AreaFiguresSchema.extend({ actor: z.string(), side: z.string() })).describe('controlled ground per actor'),
        sides: z.array(AreaFiguresSchema.extend({ side: z.string() })).describe("controlled ground per side: the union of its actors' areas"),
        contestedKm2: z.number().describe('km² of contested ground'),
      }),
    )
    .describe('one entry per step; every holder present at some step is listed at every step (0 where it holds nothing)'),
})
