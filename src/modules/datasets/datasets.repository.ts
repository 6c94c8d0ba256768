import { sql } from 'kysely'
import type { Executor } from '../../db/database.js'
import type { DatasetRow } from '../../db/schema.js'
import type { Dataset, DatasetInput } from './datasets.schemas.js'

export function toDataset(row: DatasetRow): Dataset {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    licence: row.licence,
    sourceUrl: row.source_url,
    properties: row.properties,
    revision: row.revision,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  }
}

export function findDataset(db: Executor, id: string): Promise<DatasetRow | undefined> {
  return db.selectFrom('datasets').selectAll().where('id', '=', id).executeTakeFirst()
}

export function listDatasets(db: Executor): Promise<DatasetRow[]> {
  return db.selectFrom('datasets').selectAll().orderBy('id').execute()
}

export async function upsertDataset(db: Executor, id: string, input: DatasetInput): Promise<{ row: DatasetRow; created: boolean }> {
  const values = {
    name: input.name,
    description: input.description,
    licence: input.licence,
    source_url: input.sourceUrl,
    properties: JSON.stringify(input.properties),
  }
  const row = await db
    .insertInto('datasets')
    .values({ id, ...values })
    .onConflict((oc) => oc.column('id').doUpdateSet({ ...values, revision: sql`datasets.revision + 1`, updated_at: sql`now()` }))
    .returningAll()
    .returning(sql<boolean>`(xmax = 0)`.as('inserted'))
    .executeTakeFirstOrThrow()
  const { inserted, ...dataset } = row
  return { row: dataset, created: inserted }
}

/** Locks the dataset row for the rest of the transaction: imports into one dataset run one at a time. */
export function lockDataset(tx: Executor, id: string): Promise<DatasetRow | undefined> {
  return tx.selectFrom('datasets').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()
}

export async function bumpRevision(db: Executor, id: string): Promise<number> {
  const row = await db
    .updateTable('datasets')
    .set({ revision: sql`revision + 1`, updated_at: sql`now()` })
    .where('id', '=', id)
    .returning('revision')
    .executeTakeFirstOrThrow()
  return row.revision
}

/** Actors are shared by all datasets: a change to one changes every dataset's answers. */
export async function bumpAllRevisions(db: Executor): Promise<void> {
  await db.updateTable('datasets').set({ revision: sql`revision + 1` }).execute()
}

export async function findRevision(db: Executor, id: string): Promise<number | undefined> {
  const row = await db.selectFrom('datasets').select('revision').where('id', '=', id).executeTakeFirst()
  return row?.revision
}
