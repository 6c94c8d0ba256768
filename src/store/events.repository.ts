import { sql } from 'kysely'
import type { Executor } from '../db/database.js'
import { parseBox } from './box.js'
import { knownAt, revertRows } from './record-versions.js'
import type { EventRecord } from './records.js'

const COLUMNS = ['row_id', 'id', 'event_type', 'sub_event_type', 'actor_ids', 'geometry', 'bbox', 'lon', 'lat', 'record', 'recorded_at', 'import_id'] as const

/** Every event of a dataset as known then, by start date then id. */
export async function listEvents(db: Executor, datasetId: string, at?: Date): Promise<EventRecord[]> {
  const rows = await db
    .selectFrom('events')
    .select(COLUMNS)
    .select([sql<string>`date_start::text`.as('date_start'), sql<string>`date_end::text`.as('date_end')])
    .where('dataset_id', '=', datasetId)
    .where(knownAt<'events'>(at))
    .orderBy('date_start')
    .orderBy('id')
    .execute()
  return rows.map((row) => ({
    rowId: row.row_id,
    id: row.id,
    dateStart: row.date_start,
    dateEnd: row.date_end,
    eventType: row.event_type,
    subEventType: row.sub_event_type,
    actorIds: row.actor_ids,
    geometry: row.geometry as GeoJSON.Geometry,
    bbox: parseBox(row.bbox),
    point: [row.lon, row.lat],
    record: row.record,
    recordedAt: row.recorded_at,
    importId: row.import_id,
  }))
}

/** Every column of an event row but its version columns: what a revert records again. */
const EVENT_CONTENT = [
  'dataset_id',
  'id',
  'date_start',
  'date_end',
  'event_type',
  'sub_event_type',
  'actor_ids',
  'geometry',
  'bbox',
  'lon',
  'lat',
  'record',
  'content_hash',
] as const

/** Undoes an import's events: its current rows superseded, the rows it superseded recorded again (under their own import). */
export function revertEvents(tx: Executor, importId: number, at: Date, by: number): Promise<{ superseded: number; restored: number }> {
  return revertRows(tx, 'events', EVENT_CONTENT, importId, at, by)
}
