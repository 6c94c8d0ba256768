import type { Db } from '../../db/database.js'
import { Errors } from '../../errors.js'
import * as controlRepository from '../control/control.repository.js'
import * as datasetsRepository from './datasets.repository.js'
import type { Dataset, DatasetInput } from './datasets.schemas.js'

export async function getDataset(db: Db, id: string): Promise<Dataset> {
  const row = await datasetsRepository.findDataset(db, id)
  if (!row) throw new Errors.DATASET_NOT_FOUND(id)
  return datasetsRepository.toDataset(row)
}

/** The dataset's revision, throwing DATASET_NOT_FOUND: every read starts here, for its ETag. */
export async function getRevision(db: Db, id: string): Promise<number> {
  const revision = await datasetsRepository.findRevision(db, id)
  if (revision === undefined) throw new Errors.DATASET_NOT_FOUND(id)
  return revision
}

export async function listDatasets(db: Db): Promise<Dataset[]> {
  return (await datasetsRepository.listDatasets(db)).map(datasetsRepository.toDataset)
}

export async function putDataset(db: Db, id: string, input: DatasetInput): Promise<{ dataset: Dataset; created: boolean }> {
  const { row, created } = await datasetsRepository.upsertDataset(db, id, input)
  return { dataset: datasetsRepository.toDataset(row), created }
}

/** The instants at which the dataset's map changed (area starts and ends), for date pickers. */
export async function getTimeline(db: Db, id: string, knownAt?: Date): Promise<{ revision: number; instants: Date[] }> {
  const revision = await getRevision(db, id)
  return { revision, instants: await controlRepository.listChangeInstants(db, id, knownAt) }
}
