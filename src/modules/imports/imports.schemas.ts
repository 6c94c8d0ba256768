import { z } from 'zod'
import { type Column, columns, FormatParamSchema } from '../common/csv.js'
import { PageMembers, pagingParams } from '../common/paging.js'
import { booleanParam, DATE_RANGE_NOTE, DatasetParamSchema, InstantParamSchema, TEXT_LIMITS, textParam } from '../common/schemas.js'
import { PROFILE_SUMMARY } from './profiles.js'
import { DURATION_PATTERN } from './valid-from-offset.js'

const propertyName = (fallback: string, what: string) => textParam(100).default(fallback).describe(`property holding ${what}`)

/**
 * The longest rules text accepted. It travels in the query string, and Node refuses a request whose
 * line and headers pass 16 KiB (431) before the service sees it: nothing longer can arrive.
 */
export const MAX_RULES_TEXT = 15_000

/** The mapping rules and the dry run, on every import endpoint. */
const RulesParams = {
  rules: z
    .string()
    .min(1)
    .max(MAX_RULES_TEXT, `at most ${MAX_RULES_TEXT} characters: the request line and headers together must fit in 16 KiB (431 HEADERS_TOO_LARGE beyond)`)
    .optional()
    .describe(
      `a mapping rules document, URL-encoded JSON, at most ${MAX_RULES_TEXT} characters: the whole request line and headers must fit in 16 KiB, ` +
        'so the URL-encoded document (its quotes, braces and spaces take 3 characters each: about 1.5 times the JSON) must stay under ~15 KiB; ' +
        'beyond, the server answers 431 HEADERS_TOO_LARGE before reading the request. ' +
        '{"rules":[{"match":{…},"set":{…}} or {"match":{…},"skip":"reason"}…],"unmatched":"refuse"|"skip"}. ' +
        'match: every member holds (a property name, or geometry for the geometry type) against a literal, a list (any of) or {"regex":"…","flags":"i"}; ' +
        'set: each field a literal, {"property":"p"} or {"capture":n|"name"}; "$actor" is the actor parameter; the first matching rule wins. ' +
        'Fields a rule does not set follow the other mapping options. Not with profile',
    ),
  dry_run: booleanParam(false).describe(
    'true: answer 200 with the full report (counts, skipped by reason, notes, overlaps, and the problems that would refuse the import in refused) and write nothing',
  ),
}

/** Overlaps between different actors' areas of one instant, and the offset of the valid dates read. */
const AreaImportParams = {
  profile: textParam(100).optional().describe(`a named rule set for a known kind of file (not with rules): ${PROFILE_SUMMARY}`),
  overlaps: z
    .enum(['keep', 'refuse', 'resolve'])
    .default('keep')
    .describe(
      'areas of different actors that overlap at one instant: keep (report them in overlaps), refuse (422 OVERLAPPING_AREAS listing each), ' +
        'resolve (the shared ground goes to the actor first in precedence)',
    ),
  precedence: z
    .string()
    .max(2000)
    .regex(/^[^,]+(,[^,]+)*$/, 'actor ids, comma-separated, e.g. saa,sdf,hts')
    .optional()
    .describe('with overlaps=resolve (required there): actor ids (or names), comma-separated, first wins; unlisted actors rank last'),
  valid_from_offset: z
    .string()
    .max(40)
    .regex(DURATION_PATTERN, 'an ISO 8601 duration, optionally signed, in weeks, days, hours, minutes and seconds: -PT3H, P1D, -P1DT6H')
    .optional()
    .describe(
      "an ISO 8601 duration (signed: -PT3H, -P1D; W, D, H, M, S, a day being 24 h) added to every valid date the import reads: the snapshot's valid_from, " +
        "a history's valid_from and valid_to. For files stamped with their capture or publication time rather than the time the map held",
    ),
}

/** Mapping options shared by area imports: they let a real file import unchanged. */
const AreaMappingSchema = z.object({
  actor: textParam(TEXT_LIMITS.name).optional().describe('one actor for every feature of the file (its id, name or alias)'),
  actor_property: propertyName('actor', 'the actor id, name or alias'),
  status_property: propertyName('status', "'controlled' or 'contested' (default controlled)"),
  source_property: propertyName('source', 'the source or citation'),
  aliases: z
    .string()
    .max(10_000)
    .regex(
      /^[^:,\n\r]+:[a-z0-9_-]+(,[^:,\n\r]+:[a-z0-9_-]+)*$/,
      'aliases as name:actor pairs, comma-separated, e.g. HTS:hts,SAA:saa; a name holding ":", "," or a line break is mapped by a rules document instead: ' +
        '{"rules":[{"match":{"actor":"the name"},"set":{"actor":"hts"}}],"unmatched":"skip"}',
    )
    .optional()
    .describe(
      'names used in the file mapped to actor ids: name:actor,name:actor (names without ":", "," or line breaks; map any other name with a rules document)',
    ),
  unknown_actors: z
    .enum(['refuse', 'create'])
    .default('refuse')
    .describe(
      `refuse: a name that matches no actor refuses the import; create: such actors are created, each its own side (names of at most ${TEXT_LIMITS.name} characters, as PUT of an actor)`,
    ),
})

export type AreaMapping = z.infer<typeof AreaMappingSchema>

export const SnapshotQuerySchema = AreaMappingSchema.extend({
  ...RulesParams,
  ...AreaImportParams,
  valid_from: InstantParamSchema.describe(`the instant the map shows (a bare date is the start of that day, UTC). ${DATE_RANGE_NOTE}`),
  allow_empty: booleanParam(false).describe(
    'a snapshot with no area (no features, or only null or empty geometries) would close every open area: it is refused with 422 ' +
      'EMPTY_SNAPSHOT unless allow_empty=true says that an empty map is meant',
  ),
})
export type SnapshotQuery = z.infer<typeof SnapshotQuerySchema>

export const HistoryQuerySchema = AreaMappingSchema.extend({
  ...RulesParams,
  ...AreaImportParams,
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
  ...RulesParams,
})
export type FeaturesQuery = z.infer<typeof FeaturesQuerySchema>

export const ImportSchema = z.object({
  id: z.number().int(),
  dataset: z.string(),
  kind: z.enum(['snapshot', 'history', 'features', 'revert', 'events', 'tallies']),
  validFrom: z.string().nullable(),
  contentHash: z.string(),
  counts: z.record(z.string(), z.number()).describe('features read, stored, carried on, closed, skipped, actors created…'),
  skippedBy: z
    .record(z.string(), z.number().int())
    .describe("the skipped features (counts.skipped) by reason: a rule's skip reason, unmatched, no geometry, empty geometry"),
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

const ProblemDetailSchema = z.object({ path: z.string(), code: z.string(), reason: z.string(), index: z.number().int().optional() })

export const OverlapSchema = z.object({
  features: z.tuple([z.number().int(), z.number().int()]).describe('the two features (positions in the file), ascending'),
  actors: z.tuple([z.string(), z.string()]).describe('their actors, in that order'),
  areaKm2: z.number().describe('the ground both cover, km² (geodesic)'),
})

export const ImportResultSchema = z.object({
  import: ImportSchema,
  replayed: z.boolean().describe('true when identical content had been imported before: nothing was written'),
  revision: z.number().int(),
  overlaps: z
    .array(OverlapSchema)
    .describe(
      'areas of different actors covering the same ground at one instant (area imports; with overlaps=resolve, as the file gave them, before resolving)',
    ),
  dryRun: z.boolean().optional().describe('present and true for dry_run=true: nothing was written; import.id is 0 and revision the current one'),
  refused: z
    .array(ProblemDetailSchema)
    .optional()
    .describe('dry run only: the problems that would refuse the import (empty when it would land); the counts are those of the features that pass'),
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
  'events',
  'tallies',
  'unresolvedActors',
  'eventsSuperseded',
  'eventsRestored',
  'talliesSuperseded',
  'talliesRestored',
] as const

/** The CSV of a list of imports: every member but the notes, a counts.<name> column per count. */
export const IMPORT_COLUMNS: Column<Import>[] = [
  ...columns<Import>('id', 'dataset', 'kind', 'validFrom', 'contentHash', 'submittedBy', 'createdAt', 'reverts', 'revertedBy'),
  ...IMPORT_COUNT_NAMES.map((name) => ({ name: `counts.${name}`, value: (row: Import) => row.counts[name] })),
]

// ---- event and tally imports ----

const DryRun = booleanParam(false).describe(
  'true: answer 200 with the full report (counts, notes, and the problems that would refuse it in refused) and write nothing',
)

export const EventsImportQuerySchema = z.object({
  format: z
    .enum(['geojson', 'acled', 'ucdp'])
    .optional()
    .describe(
      "the file's layout: geojson (Frontline event GeoJSON, application/geo+json; the default for a JSON body), acled (an ACLED export, text/csv, " +
        "the codebook's columns), ucdp (a UCDP GED export, text/csv). A CSV body must name its layout",
    ),
  dry_run: DryRun,
  aliases: z
    .string()
    .max(10_000)
    .regex(/^[^:,\n\r]+:[a-z0-9_-]+(,[^:,\n\r]+:[a-z0-9_-]+)*$/, 'aliases as name:actor pairs, comma-separated, e.g. Military Forces of Russia:ru')
    .optional()
    .describe(
      "names the file uses mapped to the dataset's actor ids, name:actor,name:actor (beside the actors' own ids, names and aliases). " +
        'A name that matches no actor is kept by name with actor null (a note), never refused',
    ),
})
export type EventsImportQuery = z.infer<typeof EventsImportQuerySchema>

export const TalliesImportQuerySchema = z.object({
  format: z
    .enum(['geojson', 'frontline'])
    .optional()
    .describe('geojson (Frontline tally GeoJSON, the default for a JSON body) or frontline (text/csv, columns named after the tally members)'),
  dry_run: DryRun,
})
export type TalliesImportQuery = z.infer<typeof TalliesImportQuerySchema>
