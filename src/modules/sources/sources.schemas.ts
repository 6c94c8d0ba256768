import { z } from 'zod'
import { type Column, columns, FormatParamSchema } from '../common/csv.js'
import { PageMembers, pagingParams } from '../common/paging.js'
import { DatasetParamSchema, SlugSchema, TEXT_LIMITS } from '../common/schemas.js'
import { DATE_RANGE } from '../common/time.js'

export const SourceInputSchema = z
  .object({
    title: z.string().trim().min(1).max(TEXT_LIMITS.name).describe('title of the report, article or map'),
    publisher: z.string().trim().min(1).max(TEXT_LIMITS.name).nullable().default(null).describe('who published it'),
    url: z
      .url({ protocol: /^https?$/, error: 'an absolute http or https URL' })
      .max(TEXT_LIMITS.source)
      .nullable()
      .default(null)
      .describe('where it can be read (http or https)'),
    date: z.iso
      .date({ error: 'a calendar date, YYYY-MM-DD' })
      // The dates every other field accepts; PostgreSQL would refuse year 0000 outright.
      .refine((date) => date >= '1900-01-01' && date <= '2199-12-31', `a date within ${DATE_RANGE}`)
      .nullable()
      .default(null)
      .describe('its publication date, YYYY-MM-DD (no time of day)'),
    usedFor: z.string().trim().min(1).max(TEXT_LIMITS.source).nullable().default(null).describe('what the dataset took from it'),
    properties: z.record(z.string(), z.unknown()).default({}).describe('free metadata: language, archive copy, licence…'),
  })
  .strict()
  .meta({ example: { title: 'Syrian rebels launch attack against army in Aleppo province', publisher: 'Reuters', date: '2024-11-28' } })
export type SourceInput = z.infer<typeof SourceInputSchema>

export const SourceSchema = z
  .object({
    dataset: z.string(),
    id: z.string().describe('the id areas cite it by (a slug; a free citation areas give is its own entry, listed as it was given)'),
    registered: z
      .boolean()
      .describe('true: a record of the dataset; false: cited by areas, with no record yet (title, publisher, url, date and usedFor are null)'),
    title: z.string().nullable(),
    publisher: z.string().nullable(),
    url: z.string().nullable(),
    date: z.string().nullable().describe('publication date, YYYY-MM-DD'),
    usedFor: z.string().nullable().describe('what the dataset took from it'),
    properties: z.record(z.string(), z.unknown()),
    citingAreas: z.number().int().min(0).describe('how many areas of current knowledge cite it'),
  })
  .meta({ id: 'Source', description: "one of a dataset's sources, or an id its areas cite without a record" })
export type Source = z.infer<typeof SourceSchema>

export const SourceListQuerySchema = z.object({ ...pagingParams(100, 1000), f: FormatParamSchema })
export type SourceListQuery = z.infer<typeof SourceListQuerySchema>

export const SourceListSchema = z.object({
  dataset: z.string(),
  revision: z.number().int(),
  sources: z.array(SourceSchema).describe('by id (byte order): the records and the ids cited without one'),
  ...PageMembers,
})

/** The CSV of a list of sources: every member but the free `properties`. */
export const SOURCE_COLUMNS: Column<Source>[] = columns<Source>('dataset', 'id', 'registered', 'title', 'publisher', 'url', 'date', 'usedFor', 'citingAreas')

export const DatasetSourcesParamsSchema = z.object({ id: DatasetParamSchema })
/** Reading one: any id the list shows, a free citation too (URL-encoded). */
export const SourceReadParamsSchema = z.object({
  id: DatasetParamSchema,
  source: z.string().min(1).max(TEXT_LIMITS.source).describe('source id, e.g. reuters-2024-11-28').meta({ example: 'reuters-2024-11-28' }),
})
/** Writing one: records have slug ids. */
export const SourceParamsSchema = z.object({ id: DatasetParamSchema, source: SlugSchema.describe('source id, e.g. reuters-2024-11-28') })

export const SourceDeletedSchema = z.object({
  dataset: z.string(),
  source: z.string(),
  citingAreas: z.number().int().min(0).describe('areas that still cite the id: it is listed on as registered: false'),
  revision: z.number().int(),
})
