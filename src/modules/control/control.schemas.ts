import { z } from 'zod'
import { AtParamSchema, BboxParamSchema, csvParam, DatasetParamSchema, finiteNumber, KnownAtParamSchema, numberParam } from '../common/schemas.js'

export const ControlQuerySchema = z.object({
  dataset: DatasetParamSchema,
  at: AtParamSchema.optional(),
  known_at: KnownAtParamSchema.optional(),
  bbox: BboxParamSchema.optional(),
  actor: csvParam('only areas held by these actors, e.g. hts,sna').optional(),
  side: csvParam('only areas held by actors of these sides, e.g. opposition').optional(),
})
export type ControlQuery = z.infer<typeof ControlQuerySchema>

export const PointQuerySchema = z.object({
  dataset: DatasetParamSchema,
  lon: numberParam(finiteNumber(-180, 180)).describe('longitude (WGS84 degrees)'),
  lat: numberParam(finiteNumber(-90, 90)).describe('latitude (WGS84 degrees)'),
  at: AtParamSchema.optional(),
  known_at: KnownAtParamSchema.optional(),
})

export const HolderSchema = z.object({
  actor: z.string().nullable().describe('actor id; null for contested ground held by no one actor'),
  side: z.string().nullable(),
  status: z.enum(['controlled', 'contested']),
  since: z.string().describe('since when this holder has held the place without interruption (UTC)'),
  until: z.string().nullable().describe('when that holding ends as far as the data says; null: still holds'),
  areaId: z.number().int(),
  validFrom: z.string().describe('start of the area that holds the place at `at`'),
  validTo: z.string().nullable(),
  source: z.string().nullable(),
})
export type Holder = z.infer<typeof HolderSchema>

export const PointControlSchema = z.object({
  dataset: z.string(),
  revision: z.number().int(),
  at: z.string(),
  knownAt: z.string().nullable(),
  point: z.tuple([z.number(), z.number()]).describe('[lon, lat]'),
  holder: HolderSchema.nullable().describe('who holds the point; null when no area covers it'),
  holders: z.array(HolderSchema).describe('every area covering the point (more than one where areas overlap)'),
})
export type PointControl = z.infer<typeof PointControlSchema>
