import { z } from 'zod'
import {
  AtParamSchema,
  BboxParamSchema,
  csvParam,
  DatasetParamSchema,
  InstantParamSchema,
  DATE_RANGE_NOTE,
  KnownAtParamSchema,
  LimitSchema,
  SlugSchema,
  textParam,
  geoJsonFeature,
  geoJsonFeatureCollection,
  GeometrySchema,
} from '../common/schemas.js'

export const FeatureListQuerySchema = z.object({
  dataset: DatasetParamSchema,
  kind: csvParam('only these kinds, e.g. town,village').optional(),
  bbox: BboxParamSchema.optional(),
  q: textParam(100).optional().describe('text to find in the id, name or properties (case-insensitive)'),
  known_at: KnownAtParamSchema.optional(),
  limit: LimitSchema,
  after: SlugSchema.optional().describe('page: features with an id after this one (from the next link)'),
})
export type FeatureListQuery = z.infer<typeof FeatureListQuerySchema>

export const FeatureParamsSchema = z.object({ id: SlugSchema.describe('feature id, e.g. base-46') })
export const FeatureQuerySchema = z.object({ dataset: DatasetParamSchema, known_at: KnownAtParamSchema.optional() })

export const FeatureControlQuerySchema = z.object({
  dataset: DatasetParamSchema,
  at: AtParamSchema.optional(),
  start: InstantParamSchema.optional().describe(
    `with end: the history of holders over [start, end] (bare dates: start of start day, end of end day). ${DATE_RANGE_NOTE}`,
  ),
  end: InstantParamSchema.optional().describe(`the end of the history. ${DATE_RANGE_NOTE}`),
  known_at: KnownAtParamSchema.optional(),
})
export type FeatureControlQuery = z.infer<typeof FeatureControlQuerySchema>

export const GeoJsonFeatureSchema = geoJsonFeature(z.object({ kind: z.string(), name: z.string(), ownerSide: z.string().nullable() }).catchall(z.unknown()), {
  id: z.string(),
  geometry: GeometrySchema,
}).meta({ id: 'ReferenceFeature', description: 'GeoJSON Feature: properties kind, name, ownerSide and the free properties of the import' })

export const FeatureCollectionPageSchema = geoJsonFeatureCollection(GeoJsonFeatureSchema, {
  dataset: z.string(),
  numberMatched: z.number().int(),
  numberReturned: z.number().int(),
  links: z.array(z.object({ rel: z.string(), href: z.string(), type: z.string().optional() })),
}).meta({ id: 'ReferenceFeaturePage', description: 'a page of reference features, with the link to the next' })

export const FeatureHolderSchema = z.object({
  actor: z.string().nullable(),
  side: z.string().nullable(),
  status: z.enum(['controlled', 'contested']),
  share: z.number().describe('fraction of the feature held (by count of points, length of lines, area of polygons)'),
  lengthKm: z.number().optional(),
  areaKm2: z.number().optional(),
  since: z.string().optional().describe('points only: since when the holder has held it without interruption'),
  until: z.string().nullable().optional(),
})
export type FeatureHolder = z.infer<typeof FeatureHolderSchema>

const FeatureRefSchema = z.object({ id: z.string(), kind: z.string(), name: z.string(), geometryType: z.string() })

export const FeatureControlSchema = z.object({
  dataset: z.string(),
  revision: z.number().int(),
  knownAt: z.string().nullable(),
  feature: FeatureRefSchema,
  at: z.string().optional(),
  holder: FeatureHolderSchema.nullable().optional().describe('the holder of more than half of the feature; null when none does'),
  holders: z.array(FeatureHolderSchema).optional(),
  start: z.string().optional(),
  end: z.string().optional(),
  history: z
    .array(
      z.object({
        from: z.string(),
        to: z.string().nullable().describe('end of this holding within the range; null: it holds beyond the range end'),
        actor: z.string().nullable().describe('the majority holder; null when none holds more than half'),
        side: z.string().nullable(),
        status: z.enum(['controlled', 'contested']).nullable(),
        holders: z.array(FeatureHolderSchema),
      }),
    )
    .optional()
    .describe('holders over [start, end], one entry per change'),
})
export type FeatureControl = z.infer<typeof FeatureControlSchema>
