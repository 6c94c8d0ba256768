import { type ExpressionBuilder, sql } from 'kysely'
import type { Executor } from '../db/database.js'
import type { NewControlArea, Tables } from '../db/schema.js'
import { boxLiteral, parseBox } from './box.js'
import { knownAt as knownAtFilter } from './knowledge.js'
import type { AreaMeta, AreaShape, Bbox, GeometryRecord, OpenArea } from './records.js'

/** Rows of aliased control_areas `a` as known at `knownAt` (current knowledge when absent). */
function knownRows(knownAt: Date | undefined) {
  return (eb: ExpressionBuilder<Tables & { a: Tables['control_areas'] }, 'a'>) =>
    knownAt
      ? eb.and([eb('a.recorded_at', '<=', knownAt), eb.or([eb('a.superseded_at', 'is', null), eb('a.superseded_at', '>', knownAt)])])
      : eb('a.superseded_at', 'is', null)
}

/** Areas of a dataset with their holder's side (from the dataset's own actors) and measured geometry. */
function selectAreas(db: Executor, datasetId: string, knownAt: Date | undefined) {
  return db
    .selectFrom('control_areas as a')
    .innerJoin('geometries as g', 'g.hash', 'a.geometry_hash')
    .leftJoin('actors as r', (join) => join.onRef('r.dataset_id', '=', 'a.dataset_id').onRef('r.id', '=', 'a.actor_id'))
    .select([
      'a.id',
      'a.area_key as areaKey',
      'a.actor_id as actorId',
      'r.side as side',
      'a.status',
      'a.valid_from as validFrom',
      'a.valid_to as validTo',
      'a.geometry_hash as geometryHash',
      'g.area_km2 as areaKm2',
      'a.source',
      'a.sources',
      'a.properties',
    ])
    .where('a.dataset_id', '=', datasetId)
    .where(knownRows(knownAt))
}

/** An area without its geometry, with the box around it and its geometry's vertex count (what a page's size is estimated from before any geometry is read). */
export type AreaRow = AreaMeta & { bbox: Bbox; vertexCount: number }

/** Every area of the dataset, of any time, without geometry but with its box and vertex count, in id order: the rows of an OGC collection. */
export async function listAreaRows(db: Executor, datasetId: string, knownAt?: Date): Promise<AreaRow[]> {
  const rows = await selectAreas(db, datasetId, knownAt)
    .select([sql<string>`a.bbox::text`.as('bboxText'), 'g.vertex_count as vertexCount'])
    .orderBy('a.id')
    .execute()
  return rows.map(({ bboxText, ...row }) => ({ ...(row as AreaMeta & { vertexCount: number }), bbox: parseBox(bboxText) }))
}

/** Geometries by content hash as the JSON text the database holds, for answers that embed them without a parse. */
export async function listGeometryTexts(db: Executor, hashes: string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>()
  const unique = [...new Set(hashes)]
  for (let i = 0; i < unique.length; i += 1000) {
    const rows = await db
      .selectFrom('geometries')
      .select(['hash', sql<string>`geometry::text`.as('text')])
      .where('hash', 'in', unique.slice(i, i + 1000))
      .execute()
    for (const row of rows) found.set(row.hash, row.text)
  }
  return found
}

/** Every area, of any time, whose bbox meets `bbox`, without geometry: the material of a place's history. */
export async function listAreasTouching(db: Executor, datasetId: string, bbox: Bbox, knownAt?: Date): Promise<AreaMeta[]> {
  return (await selectAreas(db, datasetId, knownAt)
    .where(sql<boolean>`a.bbox && ${boxLiteral(bbox)}::box`)
    .orderBy('a.valid_from')
    .orderBy('a.id')
    .execute()) as AreaMeta[]
}

/** The instants at which the map changed: every start and end of an area, ascending. */
export async function listChangeInstants(db: Executor, datasetId: string, knownAt?: Date): Promise<Date[]> {
  const rows = await db
    .selectFrom('control_areas')
    .select('valid_from as instant')
    .where('dataset_id', '=', datasetId)
    .where(knownAtFilter(knownAt))
    .union(
      db
        .selectFrom('control_areas')
        .select(sql<Date>`valid_to`.as('instant'))
        .where('dataset_id', '=', datasetId)
        .where('valid_to', 'is not', null)
        .where(knownAtFilter(knownAt)),
    )
    .orderBy('instant')
    .execute()
  return rows.map((row) => new Date(row.instant))
}

/** Shapes by content hash. */
export async function listGeometries(db: Executor, hashes: string[]): Promise<Map<string, AreaShape>> {
  const found = new Map<string, AreaShape>()
  for (let i = 0; i < hashes.length; i += 1000) {
    // As text, parsed here: a worker thread reading through the relay parses it itself, and what
    // crosses the thread that owns the connections is one string a shape, not a tree of arrays.
    const rows = await db
      .selectFrom('geometries')
      .select(['hash', sql<string>`geometry::text`.as('text')])
      .where('hash', 'in', hashes.slice(i, i + 1000))
      .execute()
    for (const row of rows) found.set(row.hash, JSON.parse(row.text) as AreaShape)
  }
  return found
}

// ---- writes (imports and reverts) ----

/**
 * Stores geometries not stored yet (the hash is the key, so repeats cost nothing) and holds each
 * one, stored before or now, with a FOR KEY SHARE lock until the transaction ends: a dataset being
 * deleted meanwhile cannot remove a geometry this transaction's areas are about to refer to (its
 * delete would wait; without the lock the areas' foreign key check failed). Rows are taken in hash
 * order, as deleteDataset takes them, so the two never wait on each other in a cycle. One statement
 * a batch inserts and locks: the rows it inserts are this transaction's own, and the rest of the
 * batch, stored before it began, are locked by its other half (which does not see the new rows).
 */
export async function insertGeometries(tx: Executor, records: GeometryRecord[]): Promise<number> {
  const unique = [...new Map(records.map((record) => [record.hash, record])).values()].sort((a, b) => (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0))
  let inserted = 0
  let pending = unique
  // A geometry deleted (and committed) between the insert and the lock is inserted again: at most twice over.
  for (let round = 0; pending.length > 0 && round < 3; round++) {
    const held = new Set<string>()
    for (const batch of batches(pending, (record) => record.vertexCount)) {
      // The embedded engine runs each statement on this thread, and awaiting one after another never yields to I/O:
      // without a turn of the event loop between batches, a large import would hold /health for its whole insert.
      await new Promise((resolve) => setImmediate(resolve))
      const rows = await tx
        .with('inserted', (db) =>
          db
            .insertInto('geometries')
            .values(
              batch.map((record) => ({
                hash: record.hash,
                geometry: record.json,
                bbox: boxLiteral(record.bbox),
                area_km2: record.areaKm2,
                vertex_count: record.vertexCount,
              })),
            )
            .onConflict((oc) => oc.column('hash').doNothing())
            .returning('hash'),
        )
        .selectFrom('inserted')
        .select(['hash', sql<boolean>`true`.as('fresh')])
        .unionAll((db) =>
          db
            .selectFrom((eb) =>
              eb
                .selectFrom('geometries')
                .select('hash')
                .where(
                  'hash',
                  'in',
                  batch.map((record) => record.hash),
                )
                .orderBy('hash')
                .forKeyShare()
                .as('stored'),
            )
            .select(['hash', sql<boolean>`false`.as('fresh')]),
        )
        .execute()
      for (const row of rows) {
        held.add(row.hash)
        if (row.fresh) inserted++
      }
    }
    pending = pending.filter((record) => !held.has(record.hash))
  }
  if (pending.length > 0) throw new Error(`geometries ${pending.map((record) => record.hash).join(', ')} vanished three times while being stored`)
  return inserted
}

const OPEN_AREA_COLUMNS = [
  'id',
  'area_key as areaKey',
  'actor_id as actorId',
  'status',
  'valid_from as validFrom',
  'valid_to as validTo',
  'geometry_hash as geometryHash',
  'source',
  'sources',
  'properties',
] as const

function toOpenArea<R extends { bboxText: string }>({ bboxText, ...row }: R): OpenArea {
  return { ...(row as unknown as Omit<OpenArea, 'bbox'>), bbox: parseBox(bboxText) }
}

/**
 * What a snapshot at `at` meets, in one statement: the areas currently known to hold there
 * (valid_from ≤ at < valid_to, without geometry, in id order), and the first instant after `at` at
 * which a currently known area starts, where the snapshot's reach ends (null when none does).
 */
export async function findSnapshotReach(tx: Executor, datasetId: string, at: Date): Promise<{ covering: OpenArea[]; nextStart: Date | null }> {
  const rows = await tx
    .selectFrom((eb) =>
      eb
        .selectFrom('control_areas')
        .select((eb) => eb.fn.min('valid_from').as('nextStart'))
        .where('dataset_id', '=', datasetId)
        .where('superseded_at', 'is', null)
        .where('valid_from', '>', at)
        .as('n'),
    )
    .leftJoin(
      (eb) =>
        eb
          .selectFrom('control_areas')
          .select(OPEN_AREA_COLUMNS)
          .select(sql<string>`bbox::text`.as('bboxText'))
          .where('dataset_id', '=', datasetId)
          .where('superseded_at', 'is', null)
          .where(sql<boolean>`valid @> ${at}::timestamptz`)
          .as('a'),
      (join) => join.onTrue(),
    )
    .selectAll('a')
    .select('n.nextStart')
    .orderBy('a.id')
    .execute()
  // One row at least (the next start's), with no area when none covers `at`.
  const next = rows[0].nextStart
  return {
    covering: rows.filter((row) => row.id !== null).map((row) => toOpenArea(row as typeof row & { bboxText: string })),
    nextStart: next ? new Date(next) : null,
  }
}

/** Areas with these keys, current knowledge, for interval-overlap checks of history imports. */
export async function listAreasByKey(tx: Executor, datasetId: string, keys: string[]): Promise<Pick<OpenArea, 'id' | 'areaKey' | 'validFrom' | 'validTo'>[]> {
  const found: Pick<OpenArea, 'id' | 'areaKey' | 'validFrom' | 'validTo'>[] = []
  for (let i = 0; i < keys.length; i += 1000) {
    const rows = await tx
      .selectFrom('control_areas')
      .select(['id', 'area_key as areaKey', 'valid_from as validFrom', 'valid_to as validTo'])
      .where('dataset_id', '=', datasetId)
      .where('superseded_at', 'is', null)
      .where('area_key', 'in', keys.slice(i, i + 1000))
      .execute()
    found.push(...rows)
  }
  return found
}

/** Marks rows as no longer known from `at` on, superseded by import `by`. */
export async function supersedeAreas(tx: Executor, ids: number[], at: Date, by: number): Promise<void> {
  for (let i = 0; i < ids.length; i += 5000) {
    await tx
      .updateTable('control_areas')
      .set({ superseded_at: at, superseded_by: by })
      .where('id', 'in', ids.slice(i, i + 5000))
      .execute()
  }
}

export async function insertAreas(tx: Executor, areas: NewControlArea[]): Promise<void> {
  for (let i = 0; i < areas.length; i += 1000) {
    await tx
      .insertInto('control_areas')
      .values(areas.slice(i, i + 1000))
      .execute()
  }
}

/**
 * Undoes an import's area rows at `at` under correction `by`: the rows it wrote that are still
 * current are superseded, and the rows it superseded are recorded again as they were (under their own import, so
 * that import's revert finds them).
 */
export async function revertAreas(tx: Executor, importId: number, at: Date, by: number): Promise<{ superseded: number; restored: number }> {
  const superseded = await tx
    .updateTable('control_areas')
    .set({ superseded_at: at, superseded_by: by })
    .where('import_id', '=', importId)
    .where('superseded_at', 'is', null)
    .executeTakeFirst()
  const restored = await tx
    .insertInto('control_areas')
    .columns([
      'dataset_id',
      'area_key',
      'actor_id',
      'status',
      'valid_from',
      'valid_to',
      'recorded_at',
      'geometry_hash',
      'bbox',
      'source',
      'sources',
      'properties',
      'import_id',
    ])
    .expression((eb) =>
      eb
        .selectFrom('control_areas')
        .select(['dataset_id', 'area_key', 'actor_id', 'status', 'valid_from', 'valid_to'])
        .select(sql<Date>`${at}::timestamptz`.as('recorded_at'))
        .select(['geometry_hash', 'bbox', 'source', 'sources', 'properties'])
        .select('import_id')
        .where('superseded_by', '=', importId),
    )
    .executeTakeFirst()
  return { superseded: Number(superseded.numUpdatedRows), restored: Number(restored.numInsertedOrUpdatedRows ?? 0) }
}

/** Splits rows into batches of at most ~200k vertices or 1000 rows, to keep each statement's payload moderate. */
function* batches<T>(rows: T[], weight: (row: T) => number): Generator<T[]> {
  let batch: T[] = []
  let total = 0
  for (const row of rows) {
    if (batch.length > 0 && (batch.length >= 1000 || total + weight(row) > 200_000)) {
      yield batch
      batch = []
      total = 0
    }
    batch.push(row)
    total += weight(row)
  }
  if (batch.length > 0) yield batch
}

/** The box around every area of the dataset, of any time, as known at `knownAt`; undefined when it has none. */
export async function findExtent(db: Executor, datasetId: string, knownAt?: Date): Promise<Bbox | undefined> {
  // A box's point [1] is its lower-left corner and [0] its upper-right; a point's [0] is x (lon), [1] y (lat).
  const row = await db
    .selectFrom('control_areas as a')
    .select([
      sql<number | null>`min((a.bbox[1])[0])`.as('minLon'),
      sql<number | null>`min((a.bbox[1])[1])`.as('minLat'),
      sql<number | null>`max((a.bbox[0])[0])`.as('maxLon'),
      sql<number | null>`max((a.bbox[0])[1])`.as('maxLat'),
    ])
    .where('a.dataset_id', '=', datasetId)
    .where(knownRows(knownAt))
    .executeTakeFirst()
  if (!row || row.minLon === null || row.minLat === null || row.maxLon === null || row.maxLat === null) return undefined
  return [Number(row.minLon), Number(row.minLat), Number(row.maxLon), Number(row.maxLat)]
}
