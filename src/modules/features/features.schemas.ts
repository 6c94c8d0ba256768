import { z } from 'zod'
import { type Column, columns, FormatParamSchema } from '../common/csv.js'
import { ExplainedMembers } from '../common/notes.js'
import { PageMembers, pagingParams } from '../common/paging.js'
import {
  BboxParamSchema,
  csvParam,
  DatasetParamSchema,
  InstantParamSchema,
  BARE_DATE_RULE,
  DATE_RANGE_NOTE,
  KnownAtParamSchema,
  SlugSchema,
  textParam,
  geoJsonFeature,
  geoJsonFeatureCollection,
  GeometrySchema,
  InstantSchema,
} from '../common/schemas.js'

/** How every date parameter of this module reads a bare date (the one rule of every query). */

const KnownAtSchema = KnownAtParamSchema.describe(
  `answer as the service knew it at this instant (knowledge time); default: current knowledge. ${BARE_DATE_RULE} ${DATE_RANGE_NOTE}`,
).meta({ example: '2024-12-01T12:00Z' })

// A dataset has tens to hundreds of reference features, which a map wants whole: the default page holds them in practice.
export const FeatureListQuerySchema = z.object({
  dataset: DatasetParamSchema,
  kind: csvParam('only these kinds, e.g. town,village').meta({ example: 'town,village' }).optional(),
  bbox: BboxParamSchema.describe('only features whose box meets this one: minLon,minLat,maxLon,maxLat (WGS84)')
    .meta({ example: '36.5,35.8,37.5,36.6' })
    .optional(),
  q: textParam(100).describe('text to find in the id, name or properties (case-insensitive)').meta({ example: 'aleppo' }).optional(),
  known_at: KnownAtSchema.optional(),
  ...pagingParams(1000, 10_000),
  f: FormatParamSchema,
})
export type FeatureListQuery = z.infer<typeof FeatureListQuerySchema>

export const FeatureParamsSchema = z.object({ id: SlugSchema.describe('feature id, e.g. base-46').meta({ example: 'base-46' }) })
export const FeatureQuerySchema = z.object({ dataset: DatasetParamSchema, known_at: KnownAtSchema.optional() })

export const FeatureControlQuerySchema = z.object({
  dataset: DatasetParamSchema,
  at: InstantParamSchema.describe(
    `who held the feature at this date or instant (UTC), when no start and end are given. ${BARE_DATE_RULE} Default: now. ${DATE_RANGE_NOTE}`,
  )
    .meta({ examples: ['2024-11-28', '2024-11-28T06:00:00Z'] })
    .optional(),
  start: InstantParamSchema.describe(`with end: the history of holders over [start, end]. ${BARE_DATE_RULE} ${DATE_RANGE_NOTE}`)
    .meta({ example: '2024-11-26' })
    .optional(),
  end: InstantParamSchema.describe(`with start: the end of the history. ${BARE_DATE_RULE} ${DATE_RANGE_NOTE}`).meta({ example: '2024-11-30' }).optional(),
  known_at: KnownAtSchema.optional(),
  f: FormatParamSchema,
})
export type FeatureControlQuery = z.infer<typeof FeatureControlQuerySchema>

const FeaturePropertiesSchema = z
  .object({ kind: z.string(), name: z.string(), ownerSide: z.string().nullable() })
  .catchall(z.unknown())
  .describe('kind, name, ownerSide and the free properties of the import')

export const GeoJsonFeatureSchema = geoJsonFeature(FeaturePropertiesSchema, {
  id: z.string(),
  geometry: GeometrySchema,
}).meta({ id: 'ReferenceFeature', description: 'GeoJSON Feature: properties kind, name, ownerSide and the free properties of the import' })
export type ReferenceFeature = z.infer<typeof GeoJsonFeatureSchema>

/** One feature as GET reads it, with the dataset's coverage and notes as foreign members (RFC 7946 §6.1). */
export const FeatureDetailSchema = geoJsonFeature(FeaturePropertiesSchema, { id: z.string(), geometry: GeometrySchema })
  .extend(ExplainedMembers)
  .meta({ id: 'ReferenceFeatureDetail', description: "a reference feature, with the dataset's coverage and notes as foreign members" })

export const FeatureCollectionPageSchema = geoJsonFeatureCollection(GeoJsonFeatureSchema, {
  dataset: z.string(),
  ...PageMembers,
  ...ExplainedMembers,
}).meta({ id: 'ReferenceFeaturePage', description: 'a page of reference features in id order, with links to the next and previous pages' })

/** The CSV of a list of features, without geometry: id, kind, name, ownerSide and the geometry's type. */
export const FEATURE_COLUMNS: Column<ReferenceFeature>[] = [
  { name: 'id', value: (feature) => feature.id },
  { name: 'kind', value: (feature) => feature.properties.kind },
  { name: 'name', value: (feature) => feature.properties.name },
  { name: 'ownerSide', value: (feature) => feature.properties.ownerSide },
  { name: 'geometry.type', value: (feature) => feature.geometry.type },
]

export const FeatureHolderSchema = z.object({
  actor: z.string().nullable(),
  side: z.string().nullable(),
  status: z.enum(['controlled', 'contested']),
  share: z.number().describe('fraction of the feature held (by count of points, length of lines, area of polygons)'),
  lengthKm: z.number().optional(),
  areaKm2: z.number().optional(),
  since: InstantSchema.optional().describe('points only: since when the holder has held it without interruption'),
  sinceIsLowerBound: z
    .boolean()
    .optional()
    .describe("with since: true when since is the dataset's first instant, so the holding may have begun before the data does"),
  until: InstantSchema.nullable().optional().describe('with since: until when it holds (exclusive); null: it still does'),
})
export type FeatureHolder = z.infer<typeof FeatureHolderSchema>

/** The CSV of the holders at a date: one row per holder, its members as columns. */
export const HOLDER_COLUMNS: Column<FeatureHolder>[] = columns<FeatureHolder>(
  'actor',
  'side',
  'status',
  'share',
  'lengthKm',
  'areaKm2',
  'since',
  'sinceIsLowerBound',
  'until',
)

const FeatureRefSchema = z.object({ id: z.string(), kind: z.string(), name: z.string(), geometryType: z.string() })

const HOLDER_RULE_DESCRIPTION =
  'where more than one holder holds more than half of the feature (a point inside two overlapping areas, or on their shared boundary), which step of the rule ' +
  'picked `holder`, in words: the largest share, then controlled ground before contested, then the longest-standing holding (earliest ' +
  'since, points only), then the lowest area id; null where at most one holder has more than half'

const HistoryEntrySchema = z.object({
  from: InstantSchema,
  fromIsLowerBound: z
    .boolean()
    .describe("true when from is the dataset's first instant and the feature is held: the holding may have begun before the data does"),
  to: InstantSchema.nullable().describe('end of this holding within the range; null: it holds beyond the range end'),
  actor: z.string().nullable().describe('the majority holder; null when none holds more than half'),
  side: z.string().nullable(),
  status: z.enum(['controlled', 'contested']).nullable(),
  holderRule: z.string().nullable().describe(HOLDER_RULE_DESCRIPTION),
  holders: z.array(FeatureHolderSchema.omit({ since: true, sinceIsLowerBound: true, until: true })),
})
export type HistoryEntry = z.infer<typeof HistoryEntrySchema>

export const FeatureControlSchema = z.object({
  dataset: z.string(),
  revision: z.number().int(),
  knownAt: z.string().nullable(),
  feature: FeatureRefSchema,
  at: InstantSchema.optional(),
  holder: FeatureHolderSchema.nullable()
    .optional()
    .describe('the holder of more than half of the feature (see holderRule where several do); null when none does'),
  holderRule: z.string().nullable().optional().describe(`with at: ${HOLDER_RULE_DESCRIPTION}`),
  holders: z.array(FeatureHolderSchema).optional().describe('with at: every holder, in the order of the holder rule'),
  start: InstantSchema.optional(),
  end: InstantSchema.optional(),
  history: z.array(HistoryEntrySchema).optional().describe('holders over [start, end], one entry per change'),
  ...ExplainedMembers,
})
export type FeatureControl = z.infer<typeof FeatureControlSchema>

/** One row of a history's CSV: an entry and one of its holders (an entry held by no one is one row with empty holder columns). */
export interface HistoryRow {
  entry: HistoryEntry
  holder: HistoryEntry['holders'][number] | undefined
}

/** The CSV of a history: one row per entry and holder, the holder's members as holders.<member>. */
export const HISTORY_COLUMNS: Column<HistoryRow>[] = [
  ...(['from', 'fromIsLowerBound', 'to', 'actor', 'side', 'status'] as const).map((name) => ({ name, value: (row: HistoryRow) => row.entry[name] })),
  ...(['actor', 'side', 'status', 'share', 'lengthKm', 'areaKm2'] as const).map((name) => ({
    name: `holders.${name}`,
    value: (row: HistoryRow) => row.holder?.[name],
  })),
]

export function historyRows(history: HistoryEntry[]): HistoryRow[] {
  return history.flatMap((entry): HistoryRow[] =>
    entry.holders.length === 0 ? [{ entry, holder: undefined }] : entry.holders.map((holder) => ({ entry, holder })),
  )
}
