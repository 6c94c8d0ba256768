import { z } from 'zod'
import { TEXT_LIMITS } from '../common/schemas.js'

export const DatasetInputSchema = z
  .object({
    name: z.string().min(1).max(TEXT_LIMITS.name),
    description: z.string().max(10_000).default(''),
    licence: z.string().max(500).nullable().default(null),
    sourceUrl: z.string().url().nullable().default(null),
    properties: z.record(z.string(), z.unknown()).default({}).describe('free metadata: time span, sources, attribution…'),
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
  revision: z.number().int().describe('bumped by every write; keys caches and ETags'),
  createdAt: z.string(),
  updatedAt: z.string(),
})
export type Dataset = z.infer<typeof DatasetSchema>

export const DatasetListSchema = z.object({ datasets: z.array(DatasetSchema) })

export const TimelineSchema = z.object({
  dataset: z.string(),
  revision: z.number().int(),
  knownAt: z.string().nullable(),
  instants: z.array(z.string()).describe('instants (UTC) at which the map changed, in order'),
  first: z.string().nullable(),
  last: z.string().nullable(),
})
export type Timeline = z.infer<typeof TimelineSchema>

export const DatasetDeletedSchema = z.object({
  dataset: z.string(),
  deleted: z
    .object({ areas: z.number().int(), features: z.number().int(), imports: z.number().int(), actors: z.number().int(), geometries: z.number().int() })
    .describe('rows removed; geometries other datasets still use are kept'),
})
export type DatasetDeleted = z.infer<typeof DatasetDeletedSchema>
