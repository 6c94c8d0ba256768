import { sql } from 'kysely'
import type { Executor } from '../db/database.js'

/**
 * The vertices of the areas valid at each instant (current knowledge, or as known at `knownAt`):
 * what an analysis at that instant has to read and index. One query for every instant.
 */
export async function sumVerticesAt(db: Executor, datasetId: string, instants: Date[], knownAt?: Date): Promise<number[]> {
  if (instants.length === 0) return []
  // One text parameter for all instants: both engines take it alike, where array parameters differ.
  const list = instants.map((instant) => instant.toISOString()).join(',')
  const known = knownAt ? sql`a.recorded_at <= ${knownAt} AND (a.superseded_at IS NULL OR a.superseded_at > ${knownAt})` : sql`a.superseded_at IS NULL`
  const { rows } = await sql<{ position: number; vertices: number }>`
    SELECT t.position::integer AS position, coalesce(sum(g.vertex_count), 0)::bigint AS vertices
    FROM unnest(string_to_array(${list}, ',')::timestamptz[]) WITH ORDINALITY AS t(instant, position)
    LEFT JOIN control_areas a ON a.dataset_id = ${datasetId} AND a.valid @> t.instant AND ${known}
    LEFT JOIN geometries g ON g.hash = a.geometry_hash
    GROUP BY t.position
    ORDER BY t.position`.execute(db)
  return rows.map((row) => Number(row.vertices))
}

/**
 * For each pair of instants, the vertices of the areas valid at one of them and not at the other:
 * what an overlay of the two maps has to clip (areas valid at both are matched, never clipped).
 */
export async function sumChangedVerticesBetween(db: Executor, datasetId: string, pairs: [Date, Date][], knownAt?: Date): Promise<number[]> {
  if (pairs.length === 0) return []
  const list = (end: 0 | 1) => pairs.map((pair) => pair[end].toISOString()).join(',')
  const known = knownAt ? sql`a.recorded_at <= ${knownAt} AND (a.superseded_at IS NULL OR a.superseded_at > ${knownAt})` : sql`a.superseded_at IS NULL`
  const { rows } = await sql<{ position: number; vertices: number }>`
    SELECT t.position::integer AS position, coalesce(sum(g.vertex_count), 0)::bigint AS vertices
    FROM unnest(string_to_array(${list(0)}, ',')::timestamptz[], string_to_array(${list(1)}, ',')::timestamptz[]) WITH ORDINALITY AS t(a, b, position)
    LEFT JOIN control_areas a ON a.dataset_id = ${datasetId} AND ${known}
      AND a.valid && tstzrange(least(t.a, t.b), greatest(t.a, t.b), '[]')
      AND (a.valid @> t.a) <> (a.valid @> t.b)
    LEFT JOIN geometries g ON g.hash = a.geometry_hash
    GROUP BY t.position
    ORDER BY t.position`.execute(db)
  return rows.map((row) => Number(row.vertices))
}
