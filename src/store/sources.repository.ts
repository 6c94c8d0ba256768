import { sql } from 'kysely'
import type { Executor } from '../db/database.js'
import type { SourceEntry, SourceRecord } from './records.js'

export type SourceValues = Omit<SourceRecord, 'datasetId'>

interface SourceColumns {
  dataset_id: string
  id: string
  title: string
  publisher: string | null
  url: string | null
  date: string | null
  used_for: string | null
  properties: Record<string, unknown>
}

function toSourceRecord(row: SourceColumns): SourceRecord {
  return {
    datasetId: row.dataset_id,
    id: row.id,
    title: row.title,
    publisher: row.publisher,
    url: row.url,
    date: row.date,
    usedFor: row.used_for,
    properties: row.properties,
  }
}

function columns(source: SourceValues) {
  return {
    title: source.title,
    publisher: source.publisher,
    url: source.url,
    date: source.date,
    used_for: source.usedFor,
    properties: JSON.stringify(source.properties),
  }
}

/** The columns of a source row, its date as YYYY-MM-DD text (the drivers would make a local-time Date of a date). */
function selectSources(db: Executor) {
  return db.selectFrom('sources').select(['dataset_id', 'id', 'title', 'publisher', 'url', sql<string | null>`date::text`.as('date'), 'used_for', 'properties'])
}

export async function findSource(db: Executor, datasetId: string, id: string): Promise<SourceRecord | undefined> {
  const row = await selectSources(db).where('dataset_id', '=', datasetId).where('id', '=', id).executeTakeFirst()
  return row && toSourceRecord(row)
}

/**
 * The records of these ids, by id; an id without a record is left out. For answers that show the
 * sources their areas cite. Sources are not kept by knowledge time (as actors are not): the records
 * are the current ones whatever `known_at` an answer has.
 */
export async function listSources(db: Executor, datasetId: string, ids: readonly string[]): Promise<SourceRecord[]> {
  const wanted = [...new Set(ids)]
  const found: SourceRecord[] = []
  for (let i = 0; i < wanted.length; i += 1000) {
    const rows = await selectSources(db)
      .where('dataset_id', '=', datasetId)
      .where('id', 'in', wanted.slice(i, i + 1000))
      .execute()
    found.push(...rows.map(toSourceRecord))
  }
  return found.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
}

/**
 * A page of a dataset's sources, by id: every record, and every id that areas of current knowledge
 * cite without a record (so nothing cited is hidden), each with how many such areas cite it.
 */
export async function listSourceEntries(
  db: Executor,
  datasetId: string,
  page: { limit: number; offset: number },
): Promise<{ entries: SourceEntry[]; matched: number }> {
  // Cited ids are read from the current areas of the dataset (the partial index on dataset_id
  // serves it); a full join then keeps records nothing cites and citations without a record.
  const { rows } = await sql<{
    id: string
    registered: boolean
    title: string | null
    publisher: string | null
    url: string | null
    date: string | null
    used_for: string | null
    properties: Record<string, unknown> | null
    citing: number
    matched: number
  }>`
    WITH cited AS (
      SELECT s.id, count(*)::integer AS citing
      FROM control_areas a CROSS JOIN LATERAL jsonb_array_elements_text(a.sources) AS s (id)
      WHERE a.dataset_id = ${datasetId} AND a.superseded_at IS NULL
      GROUP BY s.id
    ), records AS (
      SELECT id, title, publisher, url, date::text AS date, used_for, properties FROM sources WHERE dataset_id = ${datasetId}
    )
    SELECT COALESCE(r.id, c.id) AS id, r.id IS NOT NULL AS registered, r.title, r.publisher, r.url, r.date, r.used_for, r.properties,
      COALESCE(c.citing, 0) AS citing, (count(*) OVER ())::integer AS matched
    FROM records r FULL JOIN cited c ON c.id = r.id
    ORDER BY COALESCE(r.id, c.id) COLLATE "C"
    LIMIT ${page.limit} OFFSET ${page.offset}
  `.execute(db)
  const entries = rows.map((row) => ({
    id: row.id,
    citingAreas: Number(row.citing),
    record: row.registered
      ? toSourceRecord({
          dataset_id: datasetId,
          id: row.id,
          title: row.title!,
          publisher: row.publisher,
          url: row.url,
          date: row.date,
          used_for: row.used_for,
          properties: row.properties ?? {},
        })
      : undefined,
  }))
  // A page past the end has no row to carry the count: the first page counts them.
  const matched = rows.length > 0 ? Number(rows[0].matched) : page.offset > 0 ? (await listSourceEntries(db, datasetId, { limit: 1, offset: 0 })).matched : 0
  return { entries, matched }
}

/** How many areas of current knowledge cite `id`. */
export async function countCitingAreas(db: Executor, datasetId: string, id: string): Promise<number> {
  const row = await db
    .selectFrom('control_areas')
    .select((eb) => eb.fn.countAll<number>().as('citing'))
    .where('dataset_id', '=', datasetId)
    .where('superseded_at', 'is', null)
    .where(sql<boolean>`sources @> ${JSON.stringify([id])}::jsonb`)
    .executeTakeFirst()
  return Number(row?.citing ?? 0)
}

/** Creates or replaces a dataset's source. */
export async function upsertSource(db: Executor, datasetId: string, source: SourceValues): Promise<SourceRecord> {
  const values = columns(source)
  await db
    .insertInto('sources')
    .values({ dataset_id: datasetId, id: source.id, ...values })
    .onConflict((oc) => oc.columns(['dataset_id', 'id']).doUpdateSet({ ...values, updated_at: sql`now()` }))
    .execute()
  return { datasetId, ...source }
}

/** Removes a dataset's source record; areas citing its id keep citing it. Whether there was one. */
export async function deleteSource(db: Executor, datasetId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('sources').where('dataset_id', '=', datasetId).where('id', '=', id).executeTakeFirst()
  return Number(result.numDeletedRows) > 0
}
