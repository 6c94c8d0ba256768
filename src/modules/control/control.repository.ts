import { type ExpressionBuilder, sql } from 'kysely'
import type { Executor } from '../../db/database.js'
import { knownAt as knownAtFilter } from '../../db/knowledge.js'
import type { NewControlArea, Tables } from '../../db/schema.js'
import type { Bbox } from '../common/schemas.js'
export type { Bbox }

/** A control area as the queries read it: its interval, holder with side, and geometry. */
export interface StoredArea {
  id: number
  areaKey: string | null
  actorId: string | null
  side: string | null
  status: 'controlled' | 'contested'
  validFrom: Date
  validTo: Date | null
  geometryHash: string
  geometry: GeoJSON.Polygon | GeoJSON.MultiPolygon
  areaKm2: number
  source: string | null
  properties: Record<string, unknown>
}

export interface AreaQuery {
  datasetId: string
  at: Date
  knownAt?: Date
  bbox?: Bbox
  actorIds?: string[]
  sides?: string[]
}

export function boxLiteral([minLon, minLat, maxLon, maxLat]: Bbox): string {
  return `(${minLon},${minLat}),(${maxLon},${maxLat})`
}

/** Rows of aliased control_areas `a` as known at `knownAt` (current knowledge when absent). */
function knownRows(knownAt: Date | undefined) {
  return (eb: ExpressionBuilder<Tables & { a: Tables['control_areas'] }, 'a'>) =>
    knownAt
      ? eb.and([eb('a.recorded_at', '<=', knownAt), eb.or([eb('a.superseded_at', 'is', null), eb('a.superseded_at', '>', knownAt)])])
      : eb('a.superseded_at', 'is', null)
}

/** Areas of a dataset with their holder's side and measured geometry; the caller picks the geometry form. */
function selectAreas(db: Executor, datasetId: string, knownAt: Date | undefined) {
  return db
    .selectFrom('control_areas as a')
    .innerJoin('geometries as g', 'g.hash', 'a.geometry_hash')
    .leftJoin('actors as r', 'r.id', 'a.actor_id')
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
      'a.properties',
    ])
    .where('a.dataset_id', '=', datasetId)
    .where(knownRows(knownAt))
}

/** An area for the map: its geometry left as the JSON text the database holds, to be embedded as is. */
export type AreaText = Omit<StoredArea, 'geometry'> & { geometryText: string; bbox: string }

/**
 * The areas valid at `at`, optionally within a bbox and for some actors or sides, geometry as
 * stored text: a map answer embeds it without parsing it.
 */
export async function listAreaTextsAt(db: Executor, query: AreaQuery): Promise<AreaText[]> {
  let select = selectAreas(db, query.datasetId, query.knownAt)
    .select([sql<string>`g.geometry::text`.as('geometryText'), 'a.bbox'])
    .where(sql<boolean>`a.valid @> ${query.at}::timestamptz`)
  if (query.bbox) select = select.where(sql<boolean>`a.bbox && ${boxLiteral(query.bbox)}::box`)
  if (query.actorIds) select = select.where('a.actor_id', 'in', query.actorIds)
  if (query.sides) select = select.where('r.side', 'in', query.sides)
  return (await select.orderBy('a.id').execute()) as AreaText[]
}

/** PostgreSQL prints a box as (x1,y1),(x2,y2) with the upper-right corner first. */
export function parseBox(text: string): Bbox {
  const [x1, y1, x2, y2] = text.replace(/[()]/g, '').split(',').map(Number)
  return [Math.min(x1, x2), Math.min(y1, y2), Math.max(x1, x2), Math.max(y1, y2)]
}

/** Every area, of any time, whose bbox meets `bbox`: the material of a place's history. */
export type AreaMeta = Omit<StoredArea, 'geometry'>

/** Every area, of any time, whose bbox meets `bbox`, without geometry: the material of a place's history. */
export async function listAreasTouching(db: Executor, datasetId: string, bbox: Bbox, knownAt?: Date): Promise<AreaMeta[]> {
  return (await selectAreas(db, datasetId, knownAt)
    .where(sql<boolean>`a.bbox && ${boxLiteral(bbox)}::box`)
    .orderBy('a.valid_from')
    .orderBy('a.id')
    .execute()) as AreaMeta[]
}

/** The instants at which the map changed: every start and end of an area. */
export async function listChangeInstants(db: Executor, datasetId: string, knownAt?: Date, touching?: Bbox): Promise<Date[]> {
  const near = touching ? sql<boolean>`bbox && ${boxLiteral(touching)}::box` : sql<boolean>`true`
  const rows = await db
    .selectFrom('control_areas')
    .select('valid_from as instant')
    .where('dataset_id', '=', datasetId)
    .where(knownAtFilter(knownAt))
    .where(near)
    .union(
      db
        .selectFrom('control_areas')
        .select(sql<Date>`valid_to`.as('instant'))
        .where('dataset_id', '=', datasetId)
        .where('valid_to', 'is not', null)
        .where(knownAtFilter(knownAt))
        .where(near),
    )
    .orderBy('instant')
    .execute()
  return rows.map((row) => new Date(row.instant))
}

// ---- writes (imports) ----

export interface GeometryRecord {
  hash: string
  geometry: GeoJSON.Geometry
  bbox: Bbox
  areaKm2: number
  vertexCount: number
}

/** Stores geometries not stored yet; the hash is the key, so repeats cost nothing. */
export async function insertGeometries(tx: Executor, records: GeometryRecord[]): Promise<number> {
  let inserted = 0
  for (const batch of batches(records, (record) => record.vertexCount)) {
    const result = await tx
      .insertInto('geometries')
      .values(
        batch.map((record) => ({
          hash: record.hash,
          geometry: JSON.stringify(record.geometry),
          bbox: boxLiteral(record.bbox),
          area_km2: record.areaKm2,
          vertex_count: record.vertexCount,
        })),
      )
      .onConflict((oc) => oc.column('hash').doNothing())
      .executeTakeFirst()
    inserted += Number(result.numInsertedOrUpdatedRows ?? 0)
  }
  return inserted
}

export interface OpenArea {
  id: number
  areaKey: string | null
  actorId: string | null
  status: 'controlled' | 'contested'
  validFrom: Date
  validTo: Date | null
  geometryHash: string
  bbox: string
  source: string | null
  properties: Record<string, unknown>
}

/** Areas currently known to hold at `at` (valid_from ≤ at < valid_to), without geometry. */
export async function listAreasCovering(tx: Executor, datasetId: string, at: Date): Promise<OpenArea[]> {
  return (await tx
    .selectFrom('control_areas')
    .select([
      'id',
      'area_key as areaKey',
      'actor_id as actorId',
      'status',
      'valid_from as validFrom',
      'valid_to as validTo',
      'geometry_hash as geometryHash',
      'bbox',
      'source',
      'properties',
    ])
    .where('dataset_id', '=', datasetId)
    .where('superseded_at', 'is', null)
    .where(sql<boolean>`valid @> ${at}::timestamptz`)
    .orderBy('id')
    .execute()) as OpenArea[]
}

/** The first instant after `at` at which a currently known area starts: where a snapshot's reach ends. */
export async function findNextStart(tx: Executor, datasetId: string, at: Date): Promise<Date | null> {
  const row = await tx
    .selectFrom('control_areas')
    .select((eb) => eb.fn.min('valid_from').as('next'))
    .where('dataset_id', '=', datasetId)
    .where('superseded_at', 'is', null)
    .where('valid_from', '>', at)
    .executeTakeFirst()
  return row?.next ? new Date(row.next) : null
}

/** Areas with these keys, current knowledge, for interval-overlap checks of history imports. */
export async function listAreasByKey(tx: Executor, datasetId: string, keys: string[]): Promise<Pick<OpenArea, 'id' | 'areaKey' | 'validFrom' | 'validTo'>[]> {
  if (keys.length === 0) return []
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

export async function supersedeAreas(tx: Executor, ids: number[], at: Date): Promise<void> {
  for (let i = 0; i < ids.length; i += 5000) {
    await tx.updateTable('control_areas').set({ superseded_at: at }).where('id', 'in', ids.slice(i, i + 5000)).execute()
  }
}

export async function insertAreas(tx: Executor, areas: NewControlArea[]): Promise<void> {
  for (let i = 0; i < areas.length; i += 1000) {
    await tx.insertInto('control_areas').values(areas.slice(i, i + 1000)).execute()
  }
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

/** An area valid at a date without its geometry: enough to key a cache before loading shapes. */
export interface AreaRef {
  id: number
  actorId: string | null
  side: string | null
  status: 'controlled' | 'contested'
  geometryHash: string
}

export async function listAreaRefsAt(db: Executor, query: AreaQuery & { status?: 'controlled' | 'contested'; touching?: Bbox }): Promise<AreaRef[]> {
  let select = db
    .selectFrom('control_areas as a')
    .leftJoin('actors as r', 'r.id', 'a.actor_id')
    .select(['a.id', 'a.actor_id as actorId', 'r.side as side', 'a.status', 'a.geometry_hash as geometryHash'])
    .where('a.dataset_id', '=', query.datasetId)
    .where(knownRows(query.knownAt))
    .where(sql<boolean>`a.valid @> ${query.at}::timestamptz`)
  if (query.actorIds) select = select.where('a.actor_id', 'in', query.actorIds)
  if (query.sides) select = select.where('r.side', 'in', query.sides)
  if (query.status) select = select.where('a.status', '=', query.status)
  if (query.touching) select = select.where(sql<boolean>`a.bbox && ${boxLiteral(query.touching)}::box`)
  return (await select.orderBy('a.id').execute()) as AreaRef[]
}

export async function listGeometries(db: Executor, hashes: string[]): Promise<Map<string, GeoJSON.Polygon | GeoJSON.MultiPolygon>> {
  const found = new Map<string, GeoJSON.Polygon | GeoJSON.MultiPolygon>()
  for (let i = 0; i < hashes.length; i += 1000) {
    const rows = await db.selectFrom('geometries').select(['hash', 'geometry']).where('hash', 'in', hashes.slice(i, i + 1000)).execute()
    for (const row of rows) found.set(row.hash, row.geometry as GeoJSON.Polygon | GeoJSON.MultiPolygon)
  }
  return found
}

/** Change instants within (start, end]: where a series over the range has to look again. */
export async function listChangeInstantsBetween(db: Executor, datasetId: string, start: Date, end: Date, knownAt?: Date, touching?: Bbox): Promise<Date[]> {
  const all = await listChangeInstants(db, datasetId, knownAt, touching)
  return all.filter((instant) => instant > start && instant <= end)
}
