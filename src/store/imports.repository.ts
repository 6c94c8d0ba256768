import type { Executor } from '../db/database.js'
import type { ImportRow } from '../db/schema.js'
import type { ImportKind, ImportRecord } from './records.js'

function toImportRecord(row: ImportRow): ImportRecord {
  return {
    id: row.id,
    datasetId: row.dataset_id,
    kind: row.kind,
    contentHash: row.content_hash,
    validFrom: row.valid_from,
    options: row.options,
    counts: row.counts,
    notes: row.notes,
    submittedBy: row.submitted_by,
    createdAt: row.created_at,
    reverts: row.reverts,
    revertedBy: row.reverted_by,
  }
}

/** The import that wrote this content and still stands: a reverted import does not make a re-send a replay. */
export async function findLiveImportByHash(tx: Executor, datasetId: string, contentHash: string): Promise<ImportRecord | undefined> {
  const row = await tx
    .selectFrom('imports')
    .selectAll()
    .where('dataset_id', '=', datasetId)
    .where('content_hash', '=', contentHash)
    .where('reverted_by', 'is', null)
    .orderBy('id')
    .limit(1)
    .executeTakeFirst()
  return row && toImportRecord(row)
}

export async function findImport(db: Executor, id: number): Promise<ImportRecord | undefined> {
  const row = await db.selectFrom('imports').selectAll().where('id', '=', id).executeTakeFirst()
  return row && toImportRecord(row)
}

/** An import to record: what the import did, before the database gives it an id. */
export type NewImport = Omit<ImportRecord, 'id' | 'reverts' | 'revertedBy'> & { reverts?: number }

export async function insertImport(tx: Executor, record: NewImport): Promise<ImportRecord> {
  const row = await tx
    .insertInto('imports')
    .values({
      dataset_id: record.datasetId,
      kind: record.kind,
      content_hash: record.contentHash,
      valid_from: record.validFrom,
      options: JSON.stringify(record.options),
      counts: JSON.stringify(record.counts),
      notes: JSON.stringify(record.notes),
      submitted_by: record.submittedBy,
      created_at: record.createdAt,
      reverts: record.reverts ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
  return toImportRecord(row)
}

export async function updateImportCounts(tx: Executor, id: number, counts: Record<string, number>): Promise<ImportRecord> {
  const row = await tx
    .updateTable('imports')
    .set({ counts: JSON.stringify(counts) })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow()
  return toImportRecord(row)
}

export async function markReverted(tx: Executor, id: number, by: number): Promise<void> {
  await tx.updateTable('imports').set({ reverted_by: by }).where('id', '=', id).execute()
}

/**
 * Imports of these kinds into the dataset after `id` that still stand: a later import may build on
 * an earlier one without writing over its rows (carrying an area on, repeating a feature unchanged).
 */
export async function listLiveImportsAfter(tx: Executor, datasetId: string, id: number, kinds: ImportKind[]): Promise<number[]> {
  const rows = await tx
    .selectFrom('imports')
    .select('id')
    .where('dataset_id', '=', datasetId)
    .where('id', '>', id)
    .where('kind', 'in', kinds)
    .where('reverted_by', 'is', null)
    .orderBy('id')
    .execute()
  return rows.map((row) => row.id)
}

export async function listImports(db: Executor, filter: { datasetId?: string; offset: number; limit: number }): Promise<ImportRecord[]> {
  let query = db.selectFrom('imports').selectAll().orderBy('id', 'desc').offset(filter.offset).limit(filter.limit)
  if (filter.datasetId) query = query.where('dataset_id', '=', filter.datasetId)
  return (await query.execute()).map(toImportRecord)
}

/** How many imports there are, of one dataset or of all. */
export async function countImports(db: Executor, datasetId?: string): Promise<number> {
  let query = db.selectFrom('imports').select((eb) => eb.fn.countAll<number | string>().as('matched'))
  if (datasetId) query = query.where('dataset_id', '=', datasetId)
  return Number((await query.executeTakeFirstOrThrow()).matched)
}
