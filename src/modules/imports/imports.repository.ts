import type { Executor } from '../../db/database.js'
import type { ImportNote, ImportRow } from '../../db/schema.js'
import type { Import } from './imports.schemas.js'

export function toImport(row: ImportRow): Import {
  return {
    id: row.id,
    dataset: row.dataset_id,
    kind: row.kind,
    validFrom: row.valid_from ? row.valid_from.toISOString() : null,
    contentHash: row.content_hash,
    counts: row.counts,
    notes: row.notes,
    submittedBy: row.submitted_by,
    createdAt: row.created_at.toISOString(),
  }
}

export function findImportByHash(tx: Executor, datasetId: string, contentHash: string): Promise<ImportRow | undefined> {
  return tx
    .selectFrom('imports')
    .selectAll()
    .where('dataset_id', '=', datasetId)
    .where('content_hash', '=', contentHash)
    .orderBy('id')
    .limit(1)
    .executeTakeFirst()
}

export function findImport(db: Executor, id: number): Promise<ImportRow | undefined> {
  return db.selectFrom('imports').selectAll().where('id', '=', id).executeTakeFirst()
}

export interface NewImport {
  datasetId: string
  kind: ImportRow['kind']
  contentHash: string
  validFrom: Date | null
  options: Record<string, unknown>
  counts: Record<string, number>
  notes: ImportNote[]
  submittedBy: string | null
  createdAt: Date
}

export function insertImport(tx: Executor, record: NewImport): Promise<ImportRow> {
  return tx
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
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export function listImports(db: Executor, filter: { datasetId?: string; before?: number; limit: number }): Promise<ImportRow[]> {
  let query = db.selectFrom('imports').selectAll().orderBy('id', 'desc').limit(filter.limit)
  if (filter.datasetId) query = query.where('dataset_id', '=', filter.datasetId)
  if (filter.before) query = query.where('id', '<', filter.before)
  return query.execute()
}
