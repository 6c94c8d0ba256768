// The OGC face's collections: each dataset has one of its control areas and one of its reference
// features, named `<dataset>-areas` and `<dataset>-features`. The kind is read from the end of the
// id, so a dataset whose own id ends in -areas is still named without ambiguity (x-areas-areas).
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { Errors } from '../errors.js'
import type { DatasetView } from '../read/dataset-view.js'

/** WGS84 longitude, latitude: the CRS of every collection and of bbox (OGC's URI for it). */
export const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84'

export const COLLECTION_KINDS = ['areas', 'features'] as const
export type CollectionKind = (typeof COLLECTION_KINDS)[number]

export interface CollectionRef {
  id: string
  datasetId: string
  kind: CollectionKind
}

export function collectionId(datasetId: string, kind: CollectionKind): string {
  return `${datasetId}-${kind}`
}

/** The path parameter of every route of a collection, OGC's and the tiles'. */
export const CollectionParamsSchema = z.object({
  collectionId: z
    .string()
    .min(1)
    .describe('collection id: <dataset>-areas (control areas) or <dataset>-features (reference features); see /collections')
    .meta({ example: 'aleppo-2024-areas' }),
})

/** The dataset and kind a collection id names, or a 404 COLLECTION_NOT_FOUND saying how ids are made. */
export function parseCollectionId(id: string): CollectionRef {
  for (const kind of COLLECTION_KINDS) {
    const suffix = `-${kind}`
    if (id.endsWith(suffix) && id.length > suffix.length) return { id, datasetId: id.slice(0, -suffix.length), kind }
  }
  throw new Errors.COLLECTION_NOT_FOUND(
    `Collection '${id}' does not exist: collection ids are <dataset>-${COLLECTION_KINDS.join(' or <dataset>-')} (see /collections)`,
  )
}

/** The view of a collection's dataset at `knownAt`; a dataset that does not exist is a collection that does not (404). */
export async function openCollection(app: FastifyInstance, id: string, knownAt?: Date): Promise<{ ref: CollectionRef; view: DatasetView }> {
  const ref = parseCollectionId(id)
  try {
    return { ref, view: await app.readModel.open(ref.datasetId, knownAt) }
  } catch (error) {
    if ((error as { code?: string }).code === 'DATASET_NOT_FOUND') {
      throw new Errors.COLLECTION_NOT_FOUND(`Collection '${id}' does not exist: there is no dataset '${ref.datasetId}' (see /collections)`)
    }
    throw error
  }
}
