import { z } from 'zod'
import { type Column, columns, FormatParamSchema } from '../common/csv.js'
import { ExplainedMembers } from '../common/notes.js'
import { PageMembers, pagingParams } from '../common/paging.js'
import { ActorIdSchema, BARE_DATE_RULE, DATE_RANGE_NOTE, KnownAtParamSchema, SlugSchema, TEXT_LIMITS } from '../common/schemas.js'

/** How every date parameter of this module reads a bare date (the one rule of every query). */

export const DatasetInputSchema = z
  .object({
    name: z.string().min(1).max(TEXT_LIMITS.name),
    description: z.string().max(10_000).default(''),
    licence: z.string().max(500).nullable().default(null),
    sourceUrl: z.string().url().nullable().default(null),
    properties: z.record(z.string(), z.unknown()).default({}).describe('free metadata: time span, sources, attribution…'),
    outlineFeature: SlugSchema.nullable()
      .default(null)
      .describe(
        "for a map of one actor's ground: the id of a reference feature of this dataset, a Polygon or MultiPolygon (e.g. the country), inside which " +
          'ground no area covers belongs to complementActor. Both or neither; 422 INVALID_OUTLINE when the feature is missing or not a polygon. ' +
          'PUT replaces the dataset: left out, null, so a PUT without it clears the outline (as a left-out description or licence is reset)',
      )
      .meta({ example: 'ukraine' }),
    complementActor: ActorIdSchema.nullable()
      .default(null)
      .describe(
        'the actor holding the ground inside outlineFeature that no area covers, for fronts, distance, route severance, territorial change and area ' +
          "over time (answers that used it say so in a COMPLEMENT note), from the dataset's first area on (before it, and wherever the dataset maps no " +
          'area, the complement claims nothing). 422 INVALID_OUTLINE when the dataset has no such actor. Left out, null (PUT replaces the dataset)',
      )
      .meta({ example: 'ua' }),
  })
  .strict()
export type DatasetInput = z.infer<typeof DatasetInputSchema>

export const DatasetSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  licence: z.string().nullable(),
  sourceUrl: z.string().nullable(),
  properties: z.record(z.string(), z.unknown()),
  outlineFeature: z.string().nullable().describe('the reference feature inside which ground no area covers belongs to complementActor; null: none'),
  complementActor: z.string().nullable().describe('the actor holding the ground inside outlineFeature that no area covers; null: none'),
  revision: z.number().int().describe('bumped by every write; keys caches and ETags'),
  createdAt: z.string(),
  updatedAt: z.string(),
})
export type Dataset = z.infer<typeof DatasetSchema>

/** One dataset as GET reads it: what PUT answers, and what its areas cover. */
export const DatasetDetailSchema = DatasetSchema.extend(ExplainedMembers)
export type DatasetDetail = z.infer<typeof DatasetDetailSchema>

// A service holds a handful of datasets: one page is the whole list in practice.
export const DatasetListQuerySchema = z.object({ ...pagingParams(1000, 10_000), f: FormatParamSchema })
export type DatasetListQuery = z.infer<typeof DatasetListQuerySchema>

export const DatasetListSchema = z.object({ datasets: z.array(DatasetSchema), ...PageMembers })

/** The CSV of a list of datasets: every member but the free `properties`. */
export const DATASET_COLUMNS: Column<Dataset>[] = columns<Dataset>(
  'id',
  'name',
  'description',
  'licence',
  'sourceUrl',
  'outlineFeature',
  'complementActor',
  'revision',
  'createdAt',
  'updatedAt',
)

// A date picker wants every change: years of daily maps are a few thousand instants.
export const TimelineQuerySchema = z.object({
  known_at: KnownAtParamSchema.describe(
    `answer as the service knew it at this instant (knowledge time); default: current knowledge. ${BARE_DATE_RULE} ${DATE_RANGE_NOTE}`,
  )
    .meta({ example: '2024-12-01T12:00Z' })
    .optional(),
  ...pagingParams(1000, 10_000),
  f: FormatParamSchema,
})
export type TimelineQuery = z.infer<typeof TimelineQuerySchema>

export const TimelineSchema = z.object({
  dataset: z.string(),
  revision: z.number().int(),
  knownAt: z.string().nullable(),
  instants: z.array(z.string()).describe('this page of the instants (UTC) at which the map changed, in order'),
  first: z.string().nullable().describe('the first instant of the whole timeline; null: the dataset has no area'),
  last: z.string().nullable().describe('the last instant of the whole timeline'),
  ...PageMembers,
  ...ExplainedMembers,
})
export type Timeline = z.infer<typeof TimelineSchema>

/** The CSV of a timeline: one row per instant, under the JSON member's name. */
export const TIMELINE_COLUMNS: Column<string>[] = [{ name: 'instants', value: (instant) => instant }]

export const DatasetDeletedSchema = z.object({
  dataset: z.string(),
  deleted: z
    .object({ areas: z.number().int(), features: z.number().int(), imports: z.number().int(), actors: z.number().int(), geometries: z.number().int() })
    .describe('rows removed; geometries other datasets still use are kept'),
})
export type DatasetDeleted = z.infer<typeof DatasetDeletedSchema>
