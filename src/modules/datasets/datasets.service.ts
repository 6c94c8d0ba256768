import type { Db } from '../../db/database.js'
import { inTransaction } from '../../db/transaction.js'
import { Errors } from '../../errors.js'
import type { DatasetView } from '../../read/dataset-view.js'
import * as datasetsRepository from '../../store/datasets.repository.js'
import type { DatasetRecord } from '../../store/records.js'
import { datasetExplained } from '../common/notes.js'
import type { Dataset, DatasetDeleted, DatasetDetail, DatasetInput, Timeline } from './datasets.schemas.js'

export function toDataset(record: DatasetRecord): Dataset {
  return {
    id: record.id,
    name: record.name,
    description: record.description,
    licence: record.licence,
    sourceUrl: record.sourceUrl,
    properties: record.properties,
    revision: record.revision,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
  }
}

/** The dataset, with what its areas cover: a dataset with no area yet says so. */
export async function getDataset(view: DatasetView): Promise<DatasetDetail> {
  const record = await datasetsRepository.findDataset(view.db, view.datasetId)
  if (!record) throw new Errors.DATASET_NOT_FOUND(view.datasetId)
  return { ...toDataset(record), ...(await datasetExplained(view)) }
}

/** One page of the datasets, in id order. */
export async function listDatasets(db: Db, page: { limit: number; offset: number }): Promise<{ datasets: Dataset[]; matched: number }> {
  const { datasets, matched } = await datasetsRepository.listDatasets(db, page)
  return { datasets: datasets.map(toDataset), matched }
}

/** Creates or updates a dataset: the row and its announcement in one transaction (the row lock is the dataset's, as for every write). */
export async function putDataset(db: Db, id: string, input: DatasetInput): Promise<{ dataset: Dataset; created: boolean }> {
  const { dataset, created } = await inTransaction(db, (tx) => datasetsRepository.upsertDataset(tx, id, input))
  return { dataset: toDataset(dataset), created }
}

/** Deletes a dataset and everything of it in one transaction, after any write to it under way. */
export async function deleteDataset(db: Db, id: string): Promise<DatasetDeleted> {
  return inTransaction(db, async (tx) => {
    if (!(await datasetsRepository.lockDataset(tx, id))) throw new Errors.DATASET_NOT_FOUND(id)
    const deleted = await datasetsRepository.deleteDataset(tx, id)
    return { dataset: id, deleted }
  })
}

/**
 * One page of the instants at which the dataset's map changed (area starts and ends), for date
 * pickers; `first` and `last` are those of the whole timeline.
 */
export async function getTimeline(
  view: DatasetView,
  page: { limit: number; offset: number },
): Promise<Omit<Timeline, 'numberReturned' | 'links'> & { instants: string[] }> {
  const instants = await view.changeInstants()
  return {
    dataset: view.datasetId,
    revision: view.revision,
    knownAt: view.knownAt?.toISOString() ?? null,
    instants: instants.slice(page.offset, page.offset + page.limit).map((instant) => instant.toISOString()),
    first: instants[0]?.toISOString() ?? null,
    last: instants.at(-1)?.toISOString() ?? null,
    numberMatched: instants.length,
    ...(await datasetExplained(view)),
  }
}

/** Coverage and notes of an answer about the dataset as a whole: only a dataset with no area has something to say. */
