import type { Db } from '../../db/database.js'
import { Errors } from '../../errors.js'
import * as datasetsRepository from '../datasets/datasets.repository.js'
import * as actorsRepository from './actors.repository.js'
import type { Actor, ActorInput } from './actors.schemas.js'

export async function getActor(db: Db, id: string): Promise<Actor> {
  const row = await actorsRepository.findActor(db, id)
  if (!row) throw new Errors.ACTOR_NOT_FOUND(id)
  return actorsRepository.toActor(row)
}

export async function listActors(db: Db): Promise<Actor[]> {
  return (await actorsRepository.listActors(db)).map(actorsRepository.toActor)
}

export async function putActor(db: Db, id: string, input: ActorInput): Promise<{ actor: Actor; created: boolean }> {
  return db.transaction().execute(async (tx) => {
    const { row, created } = await actorsRepository.upsertActor(tx, { id, ...input, side: input.side ?? id })
    // A renamed side or colour changes every dataset's answers: their revisions key the caches.
    await datasetsRepository.bumpAllRevisions(tx)
    return { actor: actorsRepository.toActor(row), created }
  })
}

export async function assertSideExists(db: Db, side: string): Promise<void> {
  if (!(await actorsRepository.sideExists(db, side))) throw new Errors.SIDE_NOT_FOUND(side)
}

/**
 * Matches the names a file uses to actor ids: an explicit alias map first, then actor ids, names
 * and aliases, case-insensitively and ignoring surrounding space.
 */
export class ActorResolver {
  readonly #byName = new Map<string, string>()
  readonly #explicit: Map<string, string>

  constructor(actors: Actor[], aliasMap: Record<string, string> = {}) {
    this.#explicit = new Map(Object.entries(aliasMap).map(([from, to]) => [normalise(from), to]))
    for (const actor of actors) {
      for (const name of [actor.id, actor.name, ...actor.aliases]) {
        if (!this.#byName.has(normalise(name))) this.#byName.set(normalise(name), actor.id)
      }
    }
  }

  resolve(name: string): string | undefined {
    const key = normalise(name)
    return this.#explicit.get(key) ?? this.#byName.get(key)
  }
}

function normalise(name: string): string {
  return name.trim().toLowerCase()
}
