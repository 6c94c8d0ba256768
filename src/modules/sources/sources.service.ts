import type { Db } from '../../db/database.js'
import { inTransaction } from '../../db/transaction.js'
import { Errors } from '../../errors.js'
import type { DatasetView } from '../../read/dataset-view.js'
import * as datasetsRepository from '../../store/datasets.repository.js'
import type { SourceEntry } from '../../store/records.js'
import * as sourcesRepository from '../../store/sources.repository.js'
import type { Source, SourceInput } from './sources.schemas.js'

export function toSource(datasetId: string, entry: SourceEntry): Source {
  const { record } = entry
  return {
    dataset: datasetId,
    id: entry.id,
    registered: record !== undefined,
    title: record?.title ?? null,
    publisher: record?.publisher ?? null,
    url: record?.url ?? null,
    date: record?.date ?? null,
    usedFor: record?.usedFor ?? null,
    properties: record?.properties ?? {},
    citingAreas: entry.citingAreas,
  }
}

/** A page of the dataset's sources: its records and the ids its current areas cite without one. */
export async function listSources(view: DatasetView, page: { limit: number; offset: number }): Promise<{ sources: Source[]; matched: number }> {
  const { entries, matched } = await sourcesRepository.listSourceEntries(view.db, view.datasetId, page)
  return { sources: entries.map((entry) => toSource(view.datasetId, entry)), matched }
}

/** A source record, or an id areas cite without one (registered: false); SOURCE_NOT_FOUND when it is neither. */
export async function getSource(view: DatasetView, id: string): Promise<Source> {
  const record = await sourcesRepository.findSource(view.db, view.datasetId, id)
  const citingAreas = await sourcesRepository.countCitingAreas(view.db, view.datasetId, id)
  if (!record && citingAreas === 0) throw new Errors.SOURCE_NOT_FOUND(id, view.datasetId)
  return toSource(view.datasetId, { id, record, citingAreas })
}

/** Creates or replaces one of a dataset's sources: only that dataset's revision changes. */
export async function putSource(db: Db, datasetId: string, id: string, input: SourceInput): Promise<{ source: Source; created: boolean; revision: number }> {
  return inTransaction(db, async (tx) => {
    if (!(await datasetsRepository.lockDataset(tx, datasetId))) throw new Errors.DATASET_NOT_FOUND(datasetId)
    const created = (await sourcesRepository.findSource(tx, datasetId, id)) === undefined
    const record = await sourcesRepository.upsertSource(tx, datasetId, { id, ...input })
    const citingAreas = await sourcesRepository.countCitingAreas(tx, datasetId, id)
    const revision = await datasetsRepository.bumpRevision(tx, datasetId)
    return { source: toSource(datasetId, { id, record, citingAreas }), created, revision }
  })
}

/** Deletes a source record. Areas citing its id keep citing it: the list shows it on, unregistered. */
export async function deleteSource(db: Db, datasetId: string, id: string): Promise<{ citingAreas: number; revision: number }> {
  return inTransaction(db, async (tx) => {
    if (!(await datasetsRepository.lockDataset(tx, datasetId))) throw new Errors.DATASET_NOT_FOUND(datasetId)
    if (!(await sourcesRepository.deleteSource(tx, datasetId, id))) throw new Errors.SOURCE_NOT_FOUND(id, datasetId)
    const citingAreas = await sourcesRepository.countCitingAreas(tx, datasetId, id)
    return { citingAreas, revision: await datasetsRepository.bumpRevision(tx, datasetId) }
  })
}
