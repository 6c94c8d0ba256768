import { z } from 'zod'
import { type Column, columns, FormatParamSchema } from '../common/csv.js'
import { PageMembers, pagingParams } from '../common/paging.js'
import { booleanParam, DATE_RANGE_NOTE, DatasetParamSchema, InstantParamSchema, TEXT_LIMITS, textParam } from '../common/schemas.js'

const propertyName = (fallback: string, what: string) => textParam(100).default(fallback).describe(`property holding ${what}`)

/** Mapping options shared by area imports: they let a real file import unchanged. */
const AreaMappingSchema = z.object({
  actor: textParam(TEXT_LIMITS.name).optional().describe('one actor for every feature of the file (its id, name or alias)'),
  actor_property: propertyName('actor', 'the actor id, name or alias'),
  status_property: propertyName('status', "'controlled' or 'contested' (default controlled)"),
  source_property: propertyName('source', 'the source or citation'),
  aliases: z
    .string()
    .max(10_000)
    .regex(/^[^:,]+:[a-z0-9_-]+(,[^:,]+:[a-z0-9_-]+)*$/, 'aliases as name:actor pairs, comma-separated, e.g. HTS:hts,SAA:saa')
    .optional()
    .describe('names used in the file mapped to actor ids: name:actor,name:actor'),
  unknown_actors: z
    .enum(['refuse', 'create'])
    .default('refuse')
    .describe(
      `refuse: a name that matches no actor refuses the import; create: such actors are created, each its own side (names of at most ${TEXT_LIMITS.name} characters, as PUT of an actor)`,
    ),
})

export type AreaMapping = z.infer<typeof AreaMappingSchema>

export const SnapshotQuerySchema = AreaMappingSchema.extend({
  valid_from: InstantParamSchema.describe(`the instant the map shows (a bare date is the start of that day, UTC). ${DATE_RANGE_NOTE}`),
  allow_empty: booleanParam(false).describe(
    'a snapshot with no area (no features, or only null or empty geometries) would close every open area: it is refused with 422 ' +
      'EMPTY_SNAPSHOT unless allow_empty=true says that an empty map is meant',
  ),
})
export type SnapshotQuery = z.infer<typeof SnapshotQuerySchema>

export const HistoryQuerySchema = AreaMappingSchema.extend({
  valid_from_property: propertyName('valid_from', `the start of the interval (date or instant; ${DATE_RANGE_NOTE})`),
  valid_to_property: propertyName('valid_to', 'the end of the interval, exclusive; absent or null: still holds'),
})
export type HistoryQuery = z.infer<typeof HistoryQuerySchema>

export const FeaturesQuerySchema = z.object({
  id_property: propertyName('id', 'the feature id when the feature has no top-level id'),
  kind_property: propertyName('kind', 'the kind: city, outskirts, town, village, base, airport, highway…'),
  name_property: propertyName('name', 'the name'),
  owner_side_property: propertyName('owner_side', 'the side that owns a highway, for severance'),
  kind: textParam(TEXT_LIMITS.kind).optional().describe('one kind for every feature of the file'),
})
export type FeaturesQuery = z.infer<typeof FeaturesQuerySchema>

export const ImportSchema = z.object({
  id: z.number().int(),
  dataset: z.string(),
  kind: z.enum(['snapshot', 'history', 'features', 'revert']),
  validFrom: z.string().nullable(),
  contentHash: z.string(),
  counts: z.record(z.string(), z.number()).describe('features read, stored, carried on, closed, skipped, actors created…'),
  notes: z
    .array(z.object({ index: z.number().int().optional(), path: z.string().optional(), note: z.string() }))
    .describe('what was normalised or skipped, by feature'),
  submittedBy: z
    .string()
    .nullable()
    .describe(
      "label of the writer's token (API_TOKENS=label:token; 'generated' for the token made at first start, 'bundled' or 'cli' for local loads), never anything derived from the token",
    ),
  createdAt: z.string(),
  reverts: z.number().int().nullable().describe('for a revert: the import it reverted'),
  revertedBy: z.number().int().nullable().describe('the revert that undid this import; null while it stands'),
})
export type Import = z.infer<typeof ImportSchema>

export const ImportResultSchema = z.object({
  import: ImportSchema,
  replayed: z.boolean().describe('true when identical content had been imported before: nothing was written'),
  revision: z.number().int(),
})

export const ImportListQuerySchema = z.object({
  dataset: DatasetParamSchema.optional().describe('only imports into this dataset'),
  ...pagingParams(50, 500),
  f: FormatParamSchema,
})
export type ImportListQuery = z.infer<typeof ImportListQuerySchema>
export const ImportListSchema = z.object({ imports: z.array(ImportSchema), ...PageMembers })

/**
 * The counts an import reports, by kind: snapshot and history imports (features … actorsCreated),
 * features imports (inserted, updated, unchanged) and reverts (what they superseded and restored).
 * The CSV of the list has a column for each, the same on every page, empty where a kind has none.
 */
export const IMPORT_COUNT_NAMES = [
  'features',
  'skipped',
  'areas',
  'inserted',
  'updated',
  'unchanged',
  'carried',
  'closed',
  'replaced',
  'resumed',
  'actorsCreated',
  'areasSuperseded',
  'areasRestored',
  'featuresSuperseded',
  'featuresRestored',
] as const

/** The CSV of a list of imports: every member but the notes, a counts.<name> column per count. */
export const IMPORT_COLUMNS: Column<Import>[] = [
  ...columns<Import>('id', 'dataset', 'kind', 'validFrom', 'contentHash', 'submittedBy', 'createdAt', 'reverts', 'revertedBy'),
  ...IMPORT_COUNT_NAMES.map((name) => ({ name: `counts.${name}`, value: (row: Import) => row.counts[name] })),
]
