// Knowledge time for the record tables, events and tallies: each row is one version of a record (by
// dataset and id); a correction supersedes the current version, a revert supersedes an import's
// versions and records again the ones it superseded. The two tables share these columns, so one
// set of functions serves both.
import { type ExpressionBuilder, type ExpressionWrapper, type Kysely, type SqlBool, sql } from 'kysely'
import type { Executor } from '../db/database.js'
import type { Tables } from '../db/schema.js'

export type RecordTable = 'events' | 'tallies'

/** The columns both tables have, which is all these functions touch. */
interface VersionColumns {
  row_id: number
  dataset_id: string
  id: string
  content_hash: string
  recorded_at: Date
  superseded_at: Date | null
  superseded_by: number | null
  import_id: number
}
type Versions = Kysely<{ versions: VersionColumns }>

/** The executor, seen as over one table `versions` holding the shared columns (kysely cannot type a table chosen at run time). */
const versionsOf = (db: Executor, table: RecordTable) => ({ db: db as unknown as Versions, table: table as unknown as 'versions' })

/** Rows as known at `at` (recorded by then, not yet superseded); current knowledge without it. */
export function knownAt<T extends RecordTable>(at: Date | undefined) {
  return (eb: ExpressionBuilder<Tables, T>): ExpressionWrapper<Tables, T, SqlBool> => {
    const ref = eb as unknown as ExpressionBuilder<{ versions: VersionColumns }, 'versions'>
    const condition = at
      ? ref.and([ref('recorded_at', '<=', at), ref.or([ref('superseded_at', 'is', null), ref('superseded_at', '>', at)])])
      : ref('superseded_at', 'is', null)
    return condition as unknown as ExpressionWrapper<Tables, T, SqlBool>
  }
}

/** The current rows of these ids, with their content hashes: what an import compares its records with. */
export async function listCurrentHashes(
  tx: Executor,
  table: RecordTable,
  datasetId: string,
  ids: string[],
): Promise<Map<string, { rowId: number; contentHash: string }>> {
  const { db, table: from } = versionsOf(tx, table)
  const found = new Map<string, { rowId: number; contentHash: string }>()
  for (let i = 0; i < ids.length; i += 1000) {
    const rows = await db
      .selectFrom(from)
      .select(['row_id', 'id', 'content_hash'])
      .where('dataset_id', '=', datasetId)
      .where('superseded_at', 'is', null)
      .where('id', 'in', ids.slice(i, i + 1000))
      .execute()
    for (const row of rows) found.set(row.id, { rowId: row.row_id, contentHash: row.content_hash })
  }
  return found
}

/** Marks these rows superseded at `at` by import `by`. */
export async function supersedeRows(tx: Executor, table: RecordTable, rowIds: number[], at: Date, by: number): Promise<void> {
  const { db, table: from } = versionsOf(tx, table)
  for (let i = 0; i < rowIds.length; i += 5000) {
    await db
      .updateTable(from)
      .set({ superseded_at: at, superseded_by: by })
      .where('row_id', 'in', rowIds.slice(i, i + 5000))
      .execute()
  }
}

/** Inserts rows in batches of 500 (PostgreSQL takes at most 65,535 parameters per statement). */
export async function insertRows(tx: Executor, table: RecordTable, rows: readonly object[]): Promise<void> {
  const { db, table: into } = versionsOf(tx, table)
  for (let i = 0; i < rows.length; i += 500)
    await db
      .insertInto(into)
      .values(rows.slice(i, i + 500) as VersionColumns[])
      .execute()
}

/**
 * Undoes an import's rows: its current rows superseded, the rows it superseded recorded again
 * (under their own import), `copied` being every column of the table but the version columns.
 */
export async function revertRows(
  tx: Executor,
  table: RecordTable,
  copied: readonly string[],
  importId: number,
  at: Date,
  by: number,
): Promise<{ superseded: number; restored: number }> {
  const { db, table: from } = versionsOf(tx, table)
  const superseded = await db
    .updateTable(from)
    .set({ superseded_at: at, superseded_by: by })
    .where('import_id', '=', importId)
    .where('superseded_at', 'is', null)
    .executeTakeFirst()
  const columns = copied as (keyof VersionColumns)[]
  const restored = await db
    .insertInto(from)
    .columns([...columns, 'recorded_at', 'import_id'])
    .expression((eb) =>
      eb
        .selectFrom(from)
        .select(columns)
        .select(sql<Date>`${at}::timestamptz`.as('recorded_at'))
        .select('import_id')
        .where('superseded_by', '=', importId),
    )
    .executeTakeFirst()
  return { superseded: Number(superseded.numUpdatedRows), restored: Number(restored.numInsertedOrUpdatedRows ?? 0) }
}
