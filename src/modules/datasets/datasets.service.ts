import type { Db } from '../../db/database.js'
import { inTransaction } from '../../db/transaction.js'
import { Errors } from '../../errors.js'
import type { DatasetView } from '../../read/dataset-view.js'
import * as datasetsRepository from '../../store/datasets.repository.js'
import type { DatasetRecord } from '../../store/records.js'
import type { Dataset, DatasetDeleted, DatasetInput, Timeline } from './datasets.schemas.js'

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

export async function getDataset(view: DatasetView): Promise<Dataset> {
  const record = await datasetsRepository.findDataset(view.db, view.datasetId)
  if (!record) throw new Errors.DATASET_NOT_FOUND(view.datasetId)
  return toDataset(record)
}

export async function listDatasets(db: Db): Promise<Dataset[]> {
  return (await datasetsRepository.listDatasets(db)).map(toDataset)
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

/** The instants at which the dataset's map changed (area starts and ends), for date pickers. */
export async function getTimeline(view: DatasetView): Promise<Timeline> {
  const iso = (await view.changeInstants()).map((instant) => instant.toISOString())
  return {
    dataset: view.datasetId,
    revision: view.revision,
    knownAt: view.knownAt?.toISOString() ?? null,
    instants: iso,
    first: iso[0] ?? null,
    last: iso.at(-1) ?? null,
  }
}
