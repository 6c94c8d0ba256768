import { sql } from 'kysely'
import type { Executor } from '../db/database.js'
import type { ActorRow } from '../db/schema.js'
import type { ActorRecord } from './records.js'

export type ActorValues = Omit<ActorRecord, 'datasetId'>

function toActorRecord(row: ActorRow): ActorRecord {
  return { datasetId: row.dataset_id, id: row.id, name: row.name, aliases: row.aliases, colour: row.colour, side: row.side }
}

function columns(actor: ActorValues) {
  return { name: actor.name, aliases: JSON.stringify(actor.aliases), colour: actor.colour, side: actor.side }
}

/** A dataset's actor; retired ones only when asked (an answer as known before they were retired names them). */
export async function findActor(db: Executor, datasetId: string, id: string, options: { retired?: boolean } = {}): Promise<ActorRecord | undefined> {
  let query = db.selectFrom('actors').selectAll().where('dataset_id', '=', datasetId).where('id', '=', id)
  if (!options.retired) query = query.where('retired_at', 'is', null)
  const row = await query.executeTakeFirst()
  return row && toActorRecord(row)
}

export async function listActors(db: Executor, datasetId: string): Promise<ActorRecord[]> {
  const rows = await db.selectFrom('actors').selectAll().where('dataset_id', '=', datasetId).where('retired_at', 'is', null).orderBy('id').execute()
  return rows.map(toActorRecord)
}

/** One page of a dataset's standing actors in id order, and how many there are in all. */
export async function listActorsPage(
  db: Executor,
  datasetId: string,
  page: { limit: number; offset: number },
): Promise<{ actors: ActorRecord[]; matched: number }> {
  const standing = db.selectFrom('actors').where('dataset_id', '=', datasetId).where('retired_at', 'is', null)
  const counted = await standing.select((eb) => eb.fn.countAll<number>().as('matched')).executeTakeFirstOrThrow()
  const rows = await standing.selectAll().orderBy('id').limit(page.limit).offset(page.offset).execute()
  return { actors: rows.map(toActorRecord), matched: Number(counted.matched) }
}

/** Creates or updates a dataset's actor (a retired one comes back). */
export async function upsertActor(db: Executor, datasetId: string, actor: ActorValues): Promise<ActorRecord> {
  const values = columns(actor)
  const row = await db
    .insertInto('actors')
    .values({ dataset_id: datasetId, id: actor.id, ...values })
    .onConflict((oc) => oc.columns(['dataset_id', 'id']).doUpdateSet({ ...values, retired_at: null, updated_at: sql`now()` }))
    .returningAll()
    .executeTakeFirstOrThrow()
  return toActorRecord(row)
}

/** Adds actors an import creates; ids already present are left as they are. */
export async function insertActors(db: Executor, datasetId: string, actors: ActorValues[]): Promise<void> {
  if (actors.length === 0) return
  await db
    .insertInto('actors')
    .values(actors.map((actor) => ({ dataset_id: datasetId, id: actor.id, ...columns(actor) })))
    .onConflict((oc) => oc.columns(['dataset_id', 'id']).doNothing())
    .execute()
}

/** Brings back retired actors that rows of current knowledge hold ground with again (an import or a revert). */
export async function unretireActorsInUse(tx: Executor, datasetId: string): Promise<void> {
  await tx
    .updateTable('actors')
    .set({ retired_at: null })
    .where('dataset_id', '=', datasetId)
    .where('retired_at', 'is not', null)
    // Correlated, so only retired actors are looked up (by the (dataset_id, actor_id) index): every
    // import runs this, and a dataset's current rows are not scanned when none is retired.
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('control_areas as c')
          .select('c.id')
          .whereRef('c.dataset_id', '=', 'actors.dataset_id')
          .whereRef('c.actor_id', '=', 'actors.id')
          .where('c.superseded_at', 'is', null),
      ),
    )
    .execute()
}

/** The ids among `ids` that are the dataset's actors (retired ones left out). */
export async function listStandingActorIds(tx: Executor, datasetId: string, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set()
  const rows = await tx.selectFrom('actors').select('id').where('dataset_id', '=', datasetId).where('id', 'in', ids).where('retired_at', 'is', null).execute()
  return new Set(rows.map((row) => row.id))
}

export async function sideExists(db: Executor, datasetId: string, side: string, options: { retired?: boolean } = {}): Promise<boolean> {
  let query = db.selectFrom('actors').select('id').where('dataset_id', '=', datasetId).where('side', '=', side)
  if (!options.retired) query = query.where('retired_at', 'is', null)
  return (await query.limit(1).executeTakeFirst()) !== undefined
}

/** What refers to an actor: control areas of current knowledge and of earlier knowledge, by import. */
export async function listActorReferences(db: Executor, datasetId: string, id: string): Promise<{ importId: number; current: number; superseded: number }[]> {
  const rows = await db
    .selectFrom('control_areas')
    .select(['import_id as importId'])
    .select((eb) => [
      eb.fn.count<number>('id').filterWhere('superseded_at', 'is', null).as('current'),
      eb.fn.count<number>('id').filterWhere('superseded_at', 'is not', null).as('superseded'),
    ])
    .where('dataset_id', '=', datasetId)
    .where('actor_id', '=', id)
    .groupBy('import_id')
    .orderBy('import_id')
    .execute()
  return rows.map((row) => ({ importId: row.importId, current: Number(row.current), superseded: Number(row.superseded) }))
}

export async function deleteActor(db: Executor, datasetId: string, id: string): Promise<void> {
  await db.deleteFrom('actors').where('dataset_id', '=', datasetId).where('id', '=', id).execute()
}

/** Hides an actor that only superseded rows refer to: answers as of earlier knowledge still name it. */
export async function retireActor(db: Executor, datasetId: string, id: string): Promise<void> {
  await db
    .updateTable('actors')
    .set({ retired_at: sql`now()` })
    .where('dataset_id', '=', datasetId)
    .where('id', '=', id)
    .execute()
}
