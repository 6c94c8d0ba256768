import { z } from 'zod'
import { DatasetParamSchema, SlugSchema, TEXT_LIMITS } from '../common/schemas.js'

export const ActorInputSchema = z
  .object({
    name: z.string().min(1).max(TEXT_LIMITS.name),
    aliases: z
      .array(z.string().min(1).max(TEXT_LIMITS.name))
      .max(TEXT_LIMITS.aliases)
      .default([])
      .describe('other names imports may use for this actor (matched case-insensitively)'),
    colour: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/, 'a colour as #rrggbb')
      .nullable()
      .default(null),
    side: SlugSchema.optional().describe("the dataset's coalition this actor belongs to, such as government or opposition; default: the actor is its own side"),
  })
  .strict()
export type ActorInput = z.infer<typeof ActorInputSchema>

export const ActorSchema = z.object({
  dataset: z.string(),
  id: z.string(),
  name: z.string(),
  aliases: z.array(z.string()),
  colour: z.string().nullable(),
  side: z.string(),
})
export type Actor = z.infer<typeof ActorSchema>

export const ActorListSchema = z.object({ dataset: z.string(), revision: z.number().int(), actors: z.array(ActorSchema) })

export const ActorParamsSchema = z.object({ id: DatasetParamSchema, actor: SlugSchema.describe('actor id, e.g. hts') })
export const DatasetActorsParamsSchema = z.object({ id: DatasetParamSchema })

export const ActorDeletedSchema = z.object({
  dataset: z.string(),
  actor: z.string(),
  deleted: z
    .enum(['removed', 'retired'])
    .describe('removed: nothing referred to it; retired: only rows of earlier knowledge do, so answers given as known before still name it'),
  revision: z.number().int(),
})
