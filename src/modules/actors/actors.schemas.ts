import { z } from 'zod'
import { type Column, columns, FormatParamSchema } from '../common/csv.js'
import { ExplainedMembers } from '../common/notes.js'
import { PageMembers, pagingParams } from '../common/paging.js'
import { ActorIdSchema, DatasetParamSchema, SlugSchema, TEXT_LIMITS } from '../common/schemas.js'

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

/** One actor as GET reads it: what PUT answers, and what the dataset's areas cover. */
export const ActorDetailSchema = ActorSchema.extend(ExplainedMembers)
export type ActorDetail = z.infer<typeof ActorDetailSchema>

// A legend or a colour table wants every actor: a dataset has tens of them, so one page holds them all.
export const ActorListQuerySchema = z.object({ ...pagingParams(1000, 10_000), f: FormatParamSchema })
export type ActorListQuery = z.infer<typeof ActorListQuerySchema>

export const ActorListSchema = z.object({
  dataset: z.string(),
  revision: z.number().int(),
  actors: z.array(ActorSchema).describe('this page of the actors, in id order'),
  ...PageMembers,
  ...ExplainedMembers,
})
export type ActorList = z.infer<typeof ActorListSchema>

/** The CSV of a list of actors: its members, aliases joined by `;`. */
export const ACTOR_COLUMNS: Column<Actor>[] = columns<Actor>('dataset', 'id', 'name', 'aliases', 'colour', 'side')

export const ActorParamsSchema = z.object({
  id: DatasetParamSchema,
  actor: ActorIdSchema.describe('actor id, e.g. hts (not contested or unmapped: answers use those names for ground no actor holds)').meta({ example: 'hts' }),
})
export const DatasetActorsParamsSchema = z.object({ id: DatasetParamSchema })

export const ActorDeletedSchema = z.object({
  dataset: z.string(),
  actor: z.string(),
  deleted: z
    .enum(['removed', 'retired'])
    .describe('removed: nothing referred to it; retired: only rows of earlier knowledge do, so answers given as known before still name it'),
  revision: z.number().int(),
})
