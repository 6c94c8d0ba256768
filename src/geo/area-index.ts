import type { Geometry, MultiPolygon, Polygon, Position } from 'geojson'
import { toFrameLon } from './primitives.js'
import { buildPreparedGeometry, polygonsAt } from './segment-index.js'
import type { PreparedGeometry } from './segment-index.js'

export type { PreparedGeometry } from './segment-index.js'

/** One control area valid at the date asked: who holds it and its (validated, RFC 7946) geometry. */
export interface AreaInput {
  key: string
  holder: string | null
  side: string | null
  status: 'controlled' | 'contested'
  geometry: Polygon | MultiPolygon
}

/** An area without its geometry, as analyses report it. */
export type AreaRef = Omit<AreaInput, 'geometry'>

/**
 * The territory of one filter (an actor, a side, everything) at one date, indexed once: polygon
 * bboxes for point location and every boundary segment for distances, fronts and route cuts.
 * Build it once per dataset revision and reuse it across queries.
 */
export interface PreparedAreas extends PreparedGeometry {
  readonly areas: readonly AreaInput[]
}

/** Indexes the areas; polygons keep the index of their area as `source`. */
export function prepareAreas(areas: readonly AreaInput[]): PreparedAreas {
  // Assigned onto the prepared structure, not spread: a spread would read its lazy members (see buildPreparedGeometry).
  return Object.assign(buildPreparedGeometry(areas.map((a) => a.geometry)), { areas: [...areas] })
}

/** Indexes any geometry (Point, LineString, Polygon, Multi*, GeometryCollection) for `distanceKm`. */
export function preparedGeometry(g: Geometry): PreparedGeometry {
  return buildPreparedGeometry([g])
}

/**
 * Areas whose geometry contains `p` ([lon, lat] degrees), boundary included (within ~0.1 mm), holes
 * excluded, in input order. Two areas are returned on a shared boundary or where layers overlap.
 */
export function areasAt(prepared: PreparedAreas, p: Position): AreaInput[] {
  return areaIndicesAt(prepared, toFrameLon(p[0], prepared.wrap), p[1]).map((i) => prepared.areas[i])
}

/** Indices into `prepared.areas` containing the frame point (x, y), ascending. */
export function areaIndicesAt(prepared: PreparedAreas, x: number, y: number): number[] {
  const polys = polygonsAt(prepared, x, y)
  const out: number[] = []
  for (const p of polys) {
    const src = prepared.polygons[p].source
    if (out[out.length - 1] !== src && !out.includes(src)) out.push(src)
  }
  return out.sort((a, b) => a - b)
}

/** The area without its geometry. */
export function areaRef(a: AreaInput): AreaRef {
  return { key: a.key, holder: a.holder, side: a.side, status: a.status }
}
