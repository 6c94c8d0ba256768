import { sql } from 'kysely'
import type { Executor } from '../db/database.js'
import type { FeatureRow, NewFeature } from '../db/schema.js'
import { boxLiteral, parseBox } from './box.js'
import { knownAt as knownAtFilter } from './knowledge.js'
import type { Bbox, FeatureRecord } from './records.js'

export interface FeatureFilter {
  datasetId: string
  knownAt?: Date
  kinds?: string[]
  bbox?: Bbox
  q?: string
  limit: number
  offset: number
}

function toFeatureRecord(row: FeatureRow): FeatureRecord {
  return {
    rowId: row.row_id,
    datasetId: row.dataset_id,
    id: row.id,
    kind: row.kind,
    name: row.name,
    ownerSide: row.owner_side,
    geometry: row.geometry as GeoJSON.Geometry,
    geometryHash: row.geometry_hash,
    bbox: parseBox(row.bbox),
    properties: row.properties,
  }
}

export async function findFeature(db: Executor, datasetId: string, id: string, knownAt?: Date): Promise<FeatureRecord | undefined> {
  const row = await db
    .selectFrom('features')
    .selectAll()
    .where('dataset_id', '=', datasetId)
    .where('id', '=', id)
    .where(knownAtFilter(knownAt))
    .executeTakeFirst()
  return row && toFeatureRecord(row)
}

/** One page of features ordered by id, and how many match in all. */
export async function listFeatures(db: Executor, filter: FeatureFilter): Promise<{ features: FeatureRecord[]; matched: number }> {
  let query = db.selectFrom('features').where('dataset_id', '=', filter.datasetId).where(knownAtFilter(filter.knownAt))
  if (filter.kinds) query = query.where('kind', 'in', filter.kinds)
  if (filter.bbox) query = query.where(sql<boolean>`bbox && ${boxLiteral(filter.bbox)}::box`)
  if (filter.q) {
    const pattern = `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
    query = query.where((eb) => eb.or([eb('name', 'ilike', pattern), eb('id', 'ilike', pattern), eb(sql`properties::text`, 'ilike', pattern)]))
  }
  const counted = await query.select((eb) => eb.fn.countAll<number>().as('matched')).executeTakeFirstOrThrow()
  const rows = await query.selectAll().orderBy('id').limit(filter.limit).offset(filter.offset).execute()
  return { features: rows.map(toFeatureRecord), matched: Number(counted.matched) }
}

/** Every feature of a dataset as known then, in id order. */
export async function listAllFeatures(db: Executor, datasetId: string, knownAt?: Date): Promise<FeatureRecord[]> {
  const rows = await db.selectFrom('features').selectAll().where('dataset_id', '=', datasetId).where(knownAtFilter(knownAt)).orderBy('id').execute()
  return rows.map(toFeatureRecord)
}

export async function listCurrentFeatures(tx: Executor, datasetId: string, ids: string[]): Promise<FeatureRecord[]> {
  const found: FeatureRecord[] = []
  for (let i = 0; i < ids.length; i += 1000) {
    const rows = await tx
      .selectFrom('features')
      .selectAll()
      .where('dataset_id', '=', datasetId)
      .where('superseded_at', 'is', null)
      .where('id', 'in', ids.slice(i, i + 1000))
      .execute()
    found.push(...rows.map(toFeatureRecord))
  }
  return found
}

export async function supersedeFeatures(tx: Executor, rowIds: number[], at: Date, by: number): Promise<void> {
  for (let i = 0; i < rowIds.length; i += 5000) {
    await tx
      .updateTable('features')
      .set({ superseded_at: at, superseded_by: by })
      .where('row_id', 'in', rowIds.slice(i, i + 5000))
      .execute()
  }
}

export async function insertFeatures(tx: Executor, features: NewFeature[]): Promise<void> {
  for (let i = 0; i < features.length; i += 500) {
    await tx
      .insertInto('features')
      .values(features.slice(i, i + 500))
      .execute()
  }
}

/** Undoes an import's feature rows: its current rows superseded, the rows it superseded recorded again (under their own import). */
export async function revertFeatures(tx: Executor, importId: number, at: Date, by: number): Promise<{ superseded: number; restored: number }> {
  const superseded = await tx
    .updateTable('features')
    .set({ superseded_at: at, superseded_by: by })
    .where('import_id', '=', importId)
    .where('superseded_at', 'is', null)
    .executeTakeFirst()
  const restored = await tx
    .insertInto('features')
    .columns(['dataset_id', 'id', 'kind', 'name', 'owner_side', 'geometry', 'geometry_type', 'bbox', 'geometry_hash', 'properties', 'recorded_at', 'import_id'])
    .expression((eb) =>
      eb
        .selectFrom('features')
        .select(['dataset_id', 'id', 'kind', 'name', 'owner_side', 'geometry', 'geometry_type', 'bbox', 'geometry_hash', 'properties'])
        .select(sql<Date>`${at}::timestamptz`.as('recorded_at'))
        .select('import_id')
        .where('superseded_by', '=', importId),
    )
    .executeTakeFirst()
  return { superseded: Number(superseded.numUpdatedRows), restored: Number(restored.numInsertedOrUpdatedRows ?? 0) }
}
