// Cutting a tile as a task of the worker pool's tiles thread: the view it is cut at, in; the tile
// encoded (and compressed), out. The index it is cut from stays in that thread's cache, so the
// tiles a map asks for next are cut from it without parsing the map again.
import type { Db } from '../../db/database.js'
import type { LruCache, RenderedBody } from '../../read/cache.js'
import { DatasetView } from '../../read/dataset-view.js'
import type { CollectionKind } from '../collections.js'
import { renderTile } from './vector-tiles.js'
import type { TileAddress } from './web-mercator-quad.js'

export interface TileTask {
  view: { datasetId: string; revision: number; knownAt?: Date }
  kind: CollectionKind
  at: Date
  tile: TileAddress
}

export function runTileTask(task: TileTask, db: Db, cache: LruCache): Promise<RenderedBody | null> {
  const view = new DatasetView(cache, task.view.datasetId, task.view.revision, task.view.knownAt, db)
  return renderTile(view, task.kind, task.at, task.tile)
}
