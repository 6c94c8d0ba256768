import { sql } from 'kysely'
import type { Executor } from '../db/database.js'
import { knownAt, revertRows } from './record-versions.js'
import type { TallyRecord } from './records.js'

/** Every tally of a dataset as known then, by metric, as-of date and id. */
export async function listTallies(db: Executor, datasetId: string, at?: Date): Promise<TallyRecord[]> {
  const rows = await db
    .selectFrom('tallies')
    .select(['row_id', 'id', 'metric', 'scope_name', 'scope_feature', 'publisher', 'geometry', 'record', 'recorded_at', 'import_id'])
    .select(sql<string>`as_of::text`.as('as_of'))
    .where('dataset_id', '=', datasetId)
    .where(knownAt<'tallies'>(at))
    .orderBy('metric')
    .orderBy('as_of')
    .orderBy('id')
    .execute()
  return rows.map((row) => ({
    rowId: row.row_id,
    id: row.id,
    asOf: row.as_of,
    metric: row.metric,
    scopeName: row.scope_name,
    scopeFeature: row.scope_feature,
    publisher: row.publisher,
    geometry: (row.geometry ?? null) as GeoJSON.Geometry | null,
    record: row.record,
    recordedAt: row.recorded_at,
    importId: row.import_id,
  }))
}

/** Every column of a tally row but its version columns: what a revert records again. */
const TALLY_CONTENT = ['dataset_id', 'id', 'as_of', 'metric', 'scope_name', 'scope_feature', 'publisher', 'geometry', 'record', 'content_hash'] as const

/** Undoes an import's tallies: its current rows superseded, the rows it superseded recorded again (under their own import). */
export function revertTallies(tx: Executor, importId: number, at: Date, by: number): Promise<{ superseded: number; restored: number }> {
  return revertRows(tx, 'tallies', TALLY_CONTENT, importId, at, by)
}
