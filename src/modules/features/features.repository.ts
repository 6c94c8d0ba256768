import { sql } from 'kysely'
import type { Executor } from '../../db/database.js'
import { knownAt as knownAtFilter } from '../../db/knowledge.js'
import type { FeatureRow, NewFeature } from '../../db/schema.js'
import { type Bbox, boxLiteral } from '../control/control.repository.js'

export interface FeatureFilter {
  datasetId: string
  knownAt?: Date
  kinds?: string[]
  bbox?: Bbox
  q?: string
  after?: string
  limit: number
}

export function findFeature(db: Executor, datasetId: string, id: string, knownAt?: Date): Promise<FeatureRow | undefined> {
  return db
    .selectFrom('features')
    .selectAll()
    .where('dataset_id', '=', datasetId)
    .where('id', '=', id)
    .where(knownAtFilter(knownAt))
    .executeTakeFirst()
}

/** One page of features ordered by id; `after` is the last id of the previous page. */
export async function listFeatures(db: Executor, filter: FeatureFilter): Promise<{ rows: FeatureRow[]; matched: number }> {
  let query = db.selectFrom('features').where('dataset_id', '=', filter.datasetId).where(knownAtFilter(filter.knownAt))
  if (filter.kinds) query = query.where('kind', 'in', filter.kinds)
  if (filter.bbox) query = query.where(sql<boolean>`bbox && ${boxLiteral(filter.bbox)}::box`)
  if (filter.q) {
    const pattern = `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
    query = query.where((eb) => eb.or([eb('name', 'ilike', pattern), eb('id', 'ilike', pattern), eb(sql`properties::text`, 'ilike', pattern)]))
  }
  const counted = await query.select((eb) => eb.fn.countAll<number>().as('matched')).executeTakeFirstOrThrow()
  let page = query.selectAll().orderBy('id').limit(filter.limit)
  if (filter.after) page = page.where('id', '>', filter.after)
  return { rows: await page.execute(), matched: Number(counted.matched) }
}

export async function listCurrentFeatures(tx: Executor, datasetId: string, ids: string[]): Promise<FeatureRow[]> {
  const rows: FeatureRow[] = []
  for (let i = 0; i < ids.length; i += 1000) {
    rows.push(
      ...(await tx
        .selectFrom('features')
        .selectAll()
        .where('dataset_id', '=', datasetId)
        .where('superseded_at', 'is', null)
        .where('id', 'in', ids.slice(i, i + 1000))
        .execute()),
    )
  }
  return rows
}

export async function supersedeFeatures(tx: Executor, rowIds: number[], at: Date): Promise<void> {
  for (let i = 0; i < rowIds.length; i += 5000) {
    await tx.updateTable('features').set({ superseded_at: at }).where('row_id', 'in', rowIds.slice(i, i + 5000)).execute()
  }
}

export async function insertFeatures(tx: Executor, features: NewFeature[]): Promise<void> {
  for (let i = 0; i < features.length; i += 500) {
    await tx.insertInto('features').values(features.slice(i, i + 500)).execute()
  }
}
