import { sql } from 'kysely'
import type { Executor } from '../db/database.js'
import type { DatasetRow } from '../db/schema.js'
import type { DatasetRecord } from './records.js'

/** The channel every revision bump is announced on, with the payload `<schema>:<dataset id>:<revision>` (-1: deleted). */
export const REVISION_CHANNEL = 'frontline_revisions'

export interface DatasetValues {
  name: string
  description: string
  licence: string | null
  sourceUrl: string | null
  properties: Record<string, unknown>
  /**
   * the outline and its complement actor (both or neither). PUT /v1/datasets/{id} replaces the
   * dataset and always passes them: null when its body leaves them out (clearing them), as a left
   * out description or licence is reset to '' or null. Undefined (the bundle loader, which knows
   * nothing of them): an update keeps those the dataset has.
   */
  outlineFeature?: string | null
  complementActor?: string | null
}

function toDatasetRecord(row: DatasetRow): DatasetRecord {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    licence: row.licence,
    sourceUrl: row.source_url,
    properties: row.properties,
    outlineFeature: row.outline_feature,
    complementActor: row.complement_actor,
    revision: row.revision,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}

export async function findDataset(db: Executor, id: string): Promise<DatasetRecord | undefined> {
  const row = await db.selectFrom('datasets').selectAll().where('id', '=', id).executeTakeFirst()
  return row && toDatasetRecord(row)
}

/** One page of the datasets in id order, and how many there are in all. */
export async function listDatasets(db: Executor, page: { limit: number; offset: number }): Promise<{ datasets: DatasetRecord[]; matched: number }> {
  const counted = await db
    .selectFrom('datasets')
    .select((eb) => eb.fn.countAll<number>().as('matched'))
    .executeTakeFirstOrThrow()
  const rows = await db.selectFrom('datasets').selectAll().orderBy('id').limit(page.limit).offset(page.offset).execute()
  return { datasets: rows.map(toDatasetRecord), matched: Number(counted.matched) }
}

/** Creates or updates a dataset; an update takes a new revision (announced). */
export async function upsertDataset(db: Executor, id: string, values: DatasetValues): Promise<{ dataset: DatasetRecord; created: boolean }> {
  const columns = {
    name: values.name,
    description: values.description,
    licence: values.licence,
    source_url: values.sourceUrl,
    properties: JSON.stringify(values.properties),
    outline_feature: values.outlineFeature,
    complement_actor: values.complementActor,
  }
  const row = await db
    .insertInto('datasets')
    .values({ id, ...columns })
    .onConflict((oc) => oc.column('id').doUpdateSet({ ...columns, revision: sql`nextval('dataset_revisions')`, updated_at: sql`now()` }))
    .returningAll()
    .returning(sql<boolean>`(xmax = 0)`.as('inserted'))
    .executeTakeFirstOrThrow()
  const { inserted, ...dataset } = row
  await announceRevision(db, id, dataset.revision)
  return { dataset: toDatasetRecord(dataset), created: inserted }
}

/** Locks the dataset row for the rest of the transaction: writes to one dataset run one at a time. */
export async function lockDataset(tx: Executor, id: string): Promise<DatasetRecord | undefined> {
  const row = await tx.selectFrom('datasets').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()
  return row && toDatasetRecord(row)
}

/**
 * Gives the dataset a new revision and announces it, in one statement (every write ends with it);
 * the announcement is delivered when the transaction commits. Its payload is announceRevision's.
 */
export async function bumpRevision(db: Executor, id: string): Promise<number> {
  const row = await db
    .with('bumped', (db) =>
      db
        .updateTable('datasets')
        .set({ revision: sql`nextval('dataset_revisions')`, updated_at: sql`now()` })
        .where('id', '=', id)
        .returning('revision'),
    )
    .selectFrom('bumped')
    .select(['revision', sql`pg_notify(${REVISION_CHANNEL}, current_schema() || ${`:${id}:`} || revision)`.as('announced')])
    .executeTakeFirstOrThrow()
  return row.revision
}

export async function findRevision(db: Executor, id: string): Promise<number | undefined> {
  const row = await db.selectFrom('datasets').select('revision').where('id', '=', id).executeTakeFirst()
  return row?.revision
}

async function announceRevision(db: Executor, id: string, revision: number): Promise<void> {
  // NOTIFY reaches the whole database: the schema in the payload keeps deployments in other schemas out of it.
  await sql`SELECT pg_notify(${REVISION_CHANNEL}, current_schema() || ${`:${id}:${revision}`})`.execute(db)
}

/** The schema this connection works in, as announcements name it. */
export async function findCurrentSchema(db: Executor): Promise<string> {
  const { rows } = await sql<{ schema: string }>`SELECT current_schema() AS schema`.execute(db)
  return rows[0].schema
}

/** Deletes a dataset and everything of it: areas, features, imports, actors, and the geometries no one else uses. */
export async function deleteDataset(
  tx: Executor,
  id: string,
): Promise<{ areas: number; features: number; imports: number; actors: number; geometries: number }> {
  const hashes = (await tx.selectFrom('control_areas').select('geometry_hash').distinct().where('dataset_id', '=', id).execute()).map(
    (row) => row.geometry_hash,
  )
  const areas = await tx.deleteFrom('control_areas').where('dataset_id', '=', id).executeTakeFirst()
  const features = await tx.deleteFrom('features').where('dataset_id', '=', id).executeTakeFirst()
  const imports = await tx.deleteFrom('imports').where('dataset_id', '=', id).executeTakeFirst()
  const actors = await tx.deleteFrom('actors').where('dataset_id', '=', id).executeTakeFirst()
  // Geometries are shared between datasets. The unused ones are locked first, in hash order (as
  // insertGeometries holds them), so that an import of another dataset reusing one either goes
  // first (and the delete, checking again once it has the lock, keeps it) or waits for the delete.
  hashes.sort()
  let geometries = 0
  for (let i = 0; i < hashes.length; i += 1000) {
    const unused = await tx
      .selectFrom('geometries')
      .select('hash')
      .where('hash', 'in', hashes.slice(i, i + 1000))
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('control_areas as c').select('c.id').whereRef('c.geometry_hash', '=', 'geometries.hash'))))
      .orderBy('hash')
      .forUpdate()
      .execute()
    if (unused.length === 0) continue
    const result = await tx
      .deleteFrom('geometries')
      .where(
        'hash',
        'in',
        unused.map((row) => row.hash),
      )
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('control_areas as c').select('c.id').whereRef('c.geometry_hash', '=', 'geometries.hash'))))
      .executeTakeFirst()
    geometries += Number(result.numDeletedRows)
  }
  await tx.deleteFrom('datasets').where('id', '=', id).execute()
  await announceRevision(tx, id, -1)
  return {
    areas: Number(areas.numDeletedRows),
    features: Number(features.numDeletedRows),
    imports: Number(imports.numDeletedRows),
    actors: Number(actors.numDeletedRows),
    geometries,
  }
}
