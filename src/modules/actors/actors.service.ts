import type { Db } from '../../db/database.js'
import { inTransaction } from '../../db/transaction.js'
import { Errors, withDetails } from '../../errors.js'
import type { DatasetView } from '../../read/dataset-view.js'
import * as actorsRepository from '../../store/actors.repository.js'
import * as datasetsRepository from '../../store/datasets.repository.js'
import type { ActorRecord } from '../../store/records.js'
import { datasetExplained } from '../common/notes.js'
import type { Actor, ActorDetail, ActorInput, ActorList } from './actors.schemas.js'

export function toActor(record: ActorRecord): Actor {
  return { dataset: record.datasetId, id: record.id, name: record.name, aliases: record.aliases, colour: record.colour, side: record.side }
}

/** One page of the dataset's actors in id order, with how many there are in all. */
export async function listActors(view: DatasetView, page: { limit: number; offset: number }): Promise<Omit<ActorList, 'numberReturned' | 'links'>> {
  const { actors, matched } = await actorsRepository.listActorsPage(view.db, view.datasetId, page)
  return { dataset: view.datasetId, revision: view.revision, actors: actors.map(toActor), numberMatched: matched, ...(await datasetExplained(view)) }
}

export async function getActor(view: DatasetView, id: string): Promise<ActorDetail> {
  const record = await actorsRepository.findActor(view.db, view.datasetId, id)
  if (!record) throw new Errors.ACTOR_NOT_FOUND(id, view.datasetId)
  return { ...toActor(record), ...(await datasetExplained(view)) }
}

/** Coverage and notes of an answer about the dataset as a whole: only a dataset with no area has something to say. */
/** Creates or updates one dataset's actor: only that dataset's revision changes. */
export async function putActor(db: Db, datasetId: string, id: string, input: ActorInput): Promise<{ actor: Actor; created: boolean; revision: number }> {
  return inTransaction(db, async (tx) => {
    if (!(await datasetsRepository.lockDataset(tx, datasetId))) throw new Errors.DATASET_NOT_FOUND(datasetId)
    // Under the dataset's lock: a retired actor brought back counts as created, as a new one does.
    const created = (await actorsRepository.findActor(tx, datasetId, id)) === undefined
    const actor = await actorsRepository.upsertActor(tx, datasetId, { id, ...input, side: input.side ?? id })
    const revision = await datasetsRepository.bumpRevision(tx, datasetId)
    return { actor: toActor(actor), created, revision }
  })
}

/**
 * Deletes an actor. One that areas of current knowledge hold is refused (409, naming the imports
 * that wrote them); one that only superseded rows name is retired, so answers as known earlier
 * keep naming it; one nothing names is removed.
 */
export async function deleteActor(db: Db, datasetId: string, id: string): Promise<{ deleted: 'removed' | 'retired'; revision: number }> {
  return inTransaction(db, async (tx) => {
    if (!(await datasetsRepository.lockDataset(tx, datasetId))) throw new Errors.DATASET_NOT_FOUND(datasetId)
    if (!(await actorsRepository.findActor(tx, datasetId, id))) throw new Errors.ACTOR_NOT_FOUND(id, datasetId)
    const references = await actorsRepository.listActorReferences(tx, datasetId, id)
    const current = references.filter((reference) => reference.current > 0)
    if (current.length > 0) {
      const areas = current.reduce((sum, reference) => sum + reference.current, 0)
      const imports = current.map((reference) => reference.importId)
      throw withDetails(
        new Errors.ACTOR_IN_USE(id, areas, imports.join(', ')),
        current.map((reference) => ({
          path: `/imports/${reference.importId}`,
          code: 'ACTOR_REFERENCED',
          reason: `import ${reference.importId} holds ${reference.current} area(s) with actor '${id}'`,
        })),
      )
    }
    let deleted: 'removed' | 'retired'
    if (references.length > 0) {
      await actorsRepository.retireActor(tx, datasetId, id)
      deleted = 'retired'
    } else {
      await actorsRepository.deleteActor(tx, datasetId, id)
      deleted = 'removed'
    }
    return { deleted, revision: await datasetsRepository.bumpRevision(tx, datasetId) }
  })
}
