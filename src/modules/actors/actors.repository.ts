import type { Executor } from '../../db/database.js'
import type { ActorRow } from '../../db/schema.js'
import { sql } from 'kysely'
import type { Actor } from './actors.schemas.js'

export function toActor(row: ActorRow): Actor {
  return { id: row.id, name: row.name, aliases: row.aliases, colour: row.colour, side: row.side }
}

export function findActor(db: Executor, id: string): Promise<ActorRow | undefined> {
  return db.selectFrom('actors').selectAll().where('id', '=', id).executeTakeFirst()
}

export function listActors(db: Executor): Promise<ActorRow[]> {
  return db.selectFrom('actors').selectAll().orderBy('id').execute()
}

export async function upsertActor(db: Executor, actor: Actor): Promise<{ row: ActorRow; created: boolean }> {
  const values = { name: actor.name, aliases: JSON.stringify(actor.aliases), colour: actor.colour, side: actor.side }
  const row = await db
    .insertInto('actors')
    .values({ id: actor.id, ...values })
    .onConflict((oc) => oc.column('id').doUpdateSet({ ...values, updated_at: sql`now()` }))
    .returningAll()
    .returning(sql<boolean>`(xmax = 0)`.as('inserted'))
    .executeTakeFirstOrThrow()
  const { inserted, ...stored } = row
  return { row: stored, created: inserted }
}

export async function insertActors(db: Executor, actors: Actor[]): Promise<void> {
  if (actors.length === 0) return
  await db
    .insertInto('actors')
    .values(actors.map((actor) => ({ id: actor.id, name: actor.name, aliases: JSON.stringify(actor.aliases), colour: actor.colour, side: actor.side })))
    .onConflict((oc) => oc.column('id').doNothing())
    .execute()
}

export async function sideExists(db: Executor, side: string): Promise<boolean> {
  const row = await db.selectFrom('actors').select('id').where('side', '=', side).limit(1).executeTakeFirst()
  return row !== undefined
}
