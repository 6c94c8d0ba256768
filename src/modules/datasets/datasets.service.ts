import type { Db, Executor } from '../../db/database.js'
import { inTransaction } from '../../db/transaction.js'
import { Errors, type ProblemDetail, withDetails } from '../../errors.js'
import type { DatasetView } from '../../read/dataset-view.js'
import * as actorsRepository from '../../store/actors.repository.js'
import * as datasetsRepository from '../../store/datasets.repository.js'
import * as featuresRepository from '../../store/features.repository.js'
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
    outlineFeature: record.outlineFeature,
    complementActor: record.complementActor,
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

/**
 * Creates or updates a dataset: the row and its announcement in one transaction (the row lock is
 * the dataset's, as for every write). An outline is checked under that lock, against current
 * knowledge: a feature import or an actor change waits for it, or it waits for them.
 */
export async function putDataset(db: Db, id: string, input: DatasetInput): Promise<{ dataset: Dataset; created: boolean }> {
  const { dataset, created } = await inTransaction(db, async (tx) => {
    const existing = await datasetsRepository.lockDataset(tx, id)
    await checkOutline(tx, id, input, existing !== undefined)
    return datasetsRepository.upsertDataset(tx, id, input)
  })
  return { dataset: toDataset(dataset), created }
}

/** The geometry types an outline may have: it bounds ground. */
const OUTLINE_TYPES = new Set(['Polygon', 'MultiPolygon'])

/** INVALID_OUTLINE, with a problem per member, unless the outline and complement actor are both null or both name what the dataset has. */
async function checkOutline(tx: Executor, id: string, input: DatasetInput, exists: boolean): Promise<void> {
  const { outlineFeature, complementActor } = input
  if (outlineFeature === null && complementActor === null) return
  const problems: ProblemDetail[] = []
  const problem = (member: 'outlineFeature' | 'complementActor', reason: string) => problems.push({ path: `/body/${member}`, code: 'INVALID_OUTLINE', reason })
  if (outlineFeature === null)
    problem('outlineFeature', 'complementActor needs an outlineFeature: the ground it holds is the part of the outline no area covers')
  if (complementActor === null) problem('complementActor', 'outlineFeature needs a complementActor: the actor holding the ground inside it that no area covers')
  if (outlineFeature !== null) {
    const feature = exists ? await featuresRepository.findFeature(tx, id, outlineFeature) : undefined
    if (!feature)
      problem(
        'outlineFeature',
        exists
          ? `dataset '${id}' has no reference feature '${outlineFeature}': import it (POST /v1/datasets/${id}/features) first`
          : `dataset '${id}' does not exist yet, so it has no feature '${outlineFeature}': create it, import the outline as a reference feature, then name it`,
      )
    else if (!OUTLINE_TYPES.has(feature.geometry.type))
      problem('outlineFeature', `feature '${outlineFeature}' is a ${feature.geometry.type}; an outline must be a Polygon or MultiPolygon`)
  }
  if (complementActor !== null && !(exists && (await actorsRepository.findActor(tx, id, complementActor))))
    problem('complementActor', `dataset '${id}' has no actor '${complementActor}': create it (PUT /v1/datasets/${id}/actors/${complementActor}) first`)
  if (problems.length > 0) throw withDetails(new Errors.INVALID_OUTLINE(problems.map((p) => p.reason).join('; ')), problems)
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
