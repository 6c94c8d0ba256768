import { z } from 'zod'
import { FormatParamSchema } from '../common/csv.js'
import { PageMembers, pagingParams } from '../common/paging.js'
import {
  BboxParamSchema,
  booleanParam,
  csvParam,
  DATE_RANGE_NOTE,
  DatasetParamSchema,
  GeometrySchema,
  InstantParamSchema,
  InstantSchema,
  KnownAtParamSchema,
  textParam,
} from '../common/schemas.js'
import { NoteSchema } from '../common/notes.js'
import { EVENT_TYPES } from '../common/event-records.js'

// ---- events ----

const EstimateSchema = z
  .object({ low: z.number().nullable(), best: z.number().nullable(), high: z.number().nullable() })
  .meta({ id: 'Estimate', description: 'a count as a range; any of the three may be unknown (null)' })

const SourceRecordSchema = z
  .object({
    publisher: z.string(),
    title: z.string().nullable(),
    url: z.string().nullable(),
    date: z.string().nullable(),
    reported: z.string().nullable().describe('the statement or figure as reported'),
    label: z.string().nullable().describe('for an outlet that speaks for a party to the conflict, e.g. "partisan: Syrian government"'),
  })
  .meta({ id: 'SourceRecord', description: 'a source as a record: who published what, when, and the figure as they reported it' })

export const HeldBySchema = z
  .object({
    at: InstantSchema.describe("the instant asked: the end of the event's start day (UTC), as /v1/control/point?at=<date_start> reads it"),
    actor: z.string().nullable().describe('actor id; null for contested ground'),
    side: z.string().nullable(),
    status: z.enum(['controlled', 'contested']),
    since: InstantSchema.describe('since when this holder held the place without interruption'),
    sinceIsLowerBound: z.boolean().describe("true when since is the dataset's first map: the holding may be older than the data"),
    areaId: z.number().int().nullable().describe("the area holding the place; null for the dataset's complement actor"),
    holders: z.number().int().describe('how many areas cover the place then (more than one where areas overlap)'),
    rule: z
      .string()
      .nullable()
      .describe("how the holder was picked where several areas cover the place, or that the dataset's complement actor holds it; null otherwise"),
  })
  .meta({ id: 'HeldBy', description: 'who held the place of an event on its date, as /v1/control/point answers it' })

const EventActorSchema = z.object({
  role: z.string(),
  actor: z.string().nullable().describe("the dataset's actor id; null when the name matched none"),
  name: z.string(),
  attribution: z.string().describe('reported, claimed, alleged or contested'),
})

export const EventPropertiesSchema = z
  .object({
    date_start: z.string().describe('YYYY-MM-DD (UTC)'),
    date_end: z.string(),
    date_precision: z.string(),
    event_type: z.string().nullable(),
    sub_event_type: z.string().nullable(),
    violence_type: z.string().nullable(),
    actors: z.array(EventActorSchema),
    location: z.record(z.string(), z.string().nullable()),
    geo_precision: z.string(),
    fatalities: EstimateSchema,
    civilian_fatalities: EstimateSchema.nullable(),
    fatalities_by_party: z.record(z.string(), EstimateSchema).nullable(),
    injured: EstimateSchema.nullable(),
    sources: z.array(SourceRecordSchema),
    source_count: z.number().int(),
    notes: z.string().nullable(),
    properties: z.record(z.string(), z.unknown()).describe("the file's other columns or members, kept as given"),
    held_by: HeldBySchema.nullable().describe('who held the place on the date; null when no area (and no complement) covers it: held_by_note says why'),
    held_by_note: z.string().nullable(),
  })
  .meta({ id: 'EventProperties' })

export const EventFeatureSchema = z
  .object({ type: z.literal('Feature'), id: z.string(), geometry: GeometrySchema, properties: EventPropertiesSchema })
  .meta({ id: 'EventFeature', description: 'one event: a dated point (or small polygon), its toll, sources, and who held its place' })

const AnswerMembers = {
  dataset: z.string(),
  revision: z.number().int(),
  knownAt: InstantSchema.nullable(),
  notes: z.array(NoteSchema),
}

export const EventCollectionSchema = z
  .object({ type: z.literal('FeatureCollection'), ...AnswerMembers, ...PageMembers, features: z.array(EventFeatureSchema) })
  .meta({ id: 'EventCollection' })

const DateParam = (what: string) =>
  InstantParamSchema.describe(`${what} (a calendar day, inclusive; an instant is read as its UTC day). ${DATE_RANGE_NOTE}`).meta({ example: '2024-11-27' })

const HOLDER_VALUES = 'actor ids, contested (ground no one actor holds), or none (ground no area covers)'

/** The filters of the list and of the aggregates. */
const EventFilterParams = {
  dataset: DatasetParamSchema,
  start: DateParam('events whose dates reach this day or later').optional(),
  end: DateParam('events whose dates begin by this day').optional(),
  bbox: BboxParamSchema.optional().describe('minLon,minLat,maxLon,maxLat (WGS84): events whose geometry box meets it'),
  type: z
    .string()
    .regex(new RegExp(`^(${EVENT_TYPES.join('|')})(,(${EVENT_TYPES.join('|')}))*$`), `event types, comma-separated: ${EVENT_TYPES.join(', ')}`)
    .optional()
    .describe(`ACLED event types, comma-separated: ${EVENT_TYPES.join(', ')}`),
  sub_type: csvParam('ACLED sub-event types as slugs, comma-separated, e.g. air_drone_strike,shelling_artillery_missile_attack').optional(),
  actor: csvParam('events naming any of these actors in any role (an id the dataset does not have is 404)').optional(),
  side: csvParam('events naming an actor of any of these sides in any role').optional(),
  held_by: csvParam(`events whose place was held on their date by any of: ${HOLDER_VALUES}`).optional(),
  held_by_side: csvParam('events whose place was held on their date by an actor of any of these sides (contested and none as for held_by)').optional(),
  known_at: KnownAtParamSchema.optional(),
}

export const EventsQuerySchema = z.object({
  ...EventFilterParams,
  ...pagingParams(1000, 10_000),
  f: FormatParamSchema.describe('answer format: json (GeoJSON, the default) or csv (a row per event, its point as lon and lat); CSV also by Accept: text/csv'),
})
export type EventsQuery = z.infer<typeof EventsQuerySchema>

export const EventQuerySchema = z.object({ dataset: DatasetParamSchema, known_at: KnownAtParamSchema.optional() })
export const EventParamsSchema = z.object({ event: textParam(100).describe('event id, as its file gave it') })

// ---- aggregates ----

export const GROUP_BY = ['day', 'actor', 'held_by', 'held_by_side', 'source', 'type', 'sub_type'] as const

export const EventAggregateQuerySchema = z.object({
  ...EventFilterParams,
  group_by: z
    .enum(GROUP_BY)
    .optional()
    .describe(
      'day (date_start), actor (each actor the event names, by id, or by name when unresolved), held_by (holder actor, contested or none), ' +
        'held_by_side, source (each publisher), type (event_type), sub_type. An event naming two actors or two publishers counts in both groups: ' +
        'groups by actor or source do not add up to the total',
    ),
  f: FormatParamSchema.describe('json, or csv: the total first (empty key), then a row per group'),
})
export type EventAggregateQuery = z.infer<typeof EventAggregateQuerySchema>

const SumSchema = z
  .object({
    low: z.number().describe('sum of the low figures, the best where an event gives no low'),
    best: z.number().describe('sum of the best figures (an event with no best adds nothing here)'),
    high: z.number().describe('sum of the high figures, the best where an event gives no high'),
    unknown: z.number().int().describe('events that give no figure at all for this count'),
  })
  .meta({ id: 'EstimateSum', description: 'a count summed over events, as a range' })

const AggregateSchema = z.object({
  events: z.number().int(),
  fatalities: SumSchema,
  civilian_fatalities: SumSchema,
  injured: SumSchema,
  sources: z.array(z.string()).describe('the publishers of the events counted'),
})

export const EventAggregatesSchema = z
  .object({
    ...AnswerMembers,
    group_by: z.enum(GROUP_BY).nullable(),
    total: AggregateSchema,
    groups: z.array(AggregateSchema.extend({ key: z.string() })),
  })
  .meta({ id: 'EventAggregates' })

// ---- tallies ----

export const TalliesQuerySchema = z.object({
  dataset: DatasetParamSchema,
  metric: csvParam('metrics, comma-separated, e.g. killed,displaced').optional(),
  scope: textParam(200).optional().describe("a scope's name (case-insensitive) or its reference feature id"),
  as_of: InstantParamSchema.optional().describe(
    `statements as of this day: those dated by then (a calendar day; an instant is read as its UTC day). Default: every date. ${DATE_RANGE_NOTE}`,
  ),
  all: booleanParam(false).describe('false: the latest statement per source, metric and scope; true: every statement'),
  known_at: KnownAtParamSchema.optional(),
  ...pagingParams(1000, 10_000),
  f: FormatParamSchema.describe('json, or csv: a row per statement'),
})
export type TalliesQuery = z.infer<typeof TalliesQuerySchema>

export const TallySchema = z
  .object({
    id: z.string(),
    as_of: z.string(),
    period: z.object({ start: z.string().nullable(), end: z.string().nullable() }).nullable(),
    scope: z.object({ name: z.string(), feature: z.string().nullable(), admin: z.string().nullable(), geometry: GeometrySchema.nullable() }),
    metric: z.string(),
    unit: z.string(),
    value: EstimateSchema,
    breakdown: z.record(z.string(), z.number()).nullable(),
    source: SourceRecordSchema,
    method: z.string().nullable(),
    notes: z.string().nullable(),
    properties: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'Tally', description: 'one statement of one source: as of a date, a metric over a scope; never summed' })

export const TalliesSchema = z
  .object({
    ...AnswerMembers,
    asOf: z.string().nullable().describe('the day asked; null: every date'),
    all: z.boolean(),
    ...PageMembers,
    tallies: z.array(TallySchema),
    groups: z
      .array(z.object({ metric: z.string(), scope: z.string(), publishers: z.array(z.string()), statements: z.number().int() }))
      .describe('the statements side by side: for each metric and scope, who states a figure (never a sum)'),
  })
  .meta({ id: 'Tallies' })
