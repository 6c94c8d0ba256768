import { z } from 'zod'
import { SlugSchema } from '../common/schemas.js'

export const ActorInputSchema = z
  .object({
    name: z.string().min(1).max(200),
    aliases: z.array(z.string().min(1).max(200)).max(100).default([]).describe('other names imports may use for this actor (matched case-insensitively)'),
    colour: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/, 'a colour as #rrggbb')
      .nullable()
      .default(null),
    side: SlugSchema.optional().describe('coalition slug such as government or opposition; default: the actor is its own side'),
  })
  .strict()
export type ActorInput = z.infer<typeof ActorInputSchema>

export const ActorSchema = z.object({
  id: z.string(),
  name: z.string(),
  aliases: z.array(z.string()),
  colour: z.string().nullable(),
  side: z.string(),
})
export type Actor = z.infer<typeof ActorSchema>

export const ActorListSchema = z.object({ actors: z.array(ActorSchema) })
