import type { Geometry, MultiPolygon, Polygon, Position } from 'geojson'
import { areasAt } from './area-index.js'
import type { AreaInput, PreparedAreas } from './area-index.js'
import { areaKm2, intersectPolygons, prepareTerritory, territoryAreaKm2 } from './changes.js'
import { bboxOf } from './primitives.js'
import { segmentRoute } from './route.js'

/**
 * How much of a geometry each holder holds: points by count, lines by geodesic length (km),
 * polygons by area (km²). Areas of one holder with one status count as one share, reported with
 * the first of them met. Shares are sorted by amount, largest first.
 */
export interface HoldingShares {
  unit: 'points' | 'km' | 'km2'
  /** the whole geometry in `unit`: number of points, length in km or area in km² */
  whole: number
  shares: { area: AreaInput; amount: number }[]
}

/** A geometry type holdings are not defined for (GeometryCollection). */
export class UnsupportedGeometryError extends Error {
  readonly geometryType: string
  constructor(geometryType: string) {
    super(`holdings of a ${geometryType} are not supported: send its members one by one`)
    this.name = 'UnsupportedGeometryError'
    this.geometryType = geometryType
  }
}

const shareKey = (area: AreaInput): string => `${area.holder}|${area.status}`

/**
 * The holders of a geometry among prepared areas (one date's map, [lon, lat] degrees), with the
 * amount each holds: points by indexed point location (boundary counts as held), lines cut by the
 * route engine (on a boundary a stretch counts for each side, so shares may add up past the whole),
 * polygons clipped against the areas the polygon index finds near them. A point, stretch or patch
 * covered by two areas of one holder counts once for it.
 * Throws `UnsupportedGeometryError` for a GeometryCollection.
 */
export function holdingShares(geometry: Geometry, prepared: PreparedAreas): HoldingShares {
  const totals = new Map<string, { area: AreaInput; amount: number }>()
  const add = (area: AreaInput, amount: number): void => {
    const key = shareKey(area)
    const entry = totals.get(key)
    if (entry) entry.amount += amount
    else totals.set(key, { area, amount })
  }
  // Each holder once per point or stretch, however many of its areas cover it.
  const addOnce = (areas: readonly AreaInput[], amount: number): void => {
    const seen = new Set<string>()
    for (const area of areas) {
      const key = shareKey(area)
      if (!seen.has(key)) {
        seen.add(key)
        add(area, amount)
      }
    }
  }
  let unit: HoldingShares['unit']
  let whole: number
  switch (geometry.type) {
    case 'Point':
    case 'MultiPoint': {
      unit = 'points'
      const points: Position[] = geometry.type === 'Point' ? [geometry.coordinates] : geometry.coordinates
      whole = points.length
      for (const point of points) addOnce(areasAt(prepared, point), 1)
      break
    }
    case 'LineString':
    case 'MultiLineString': {
      unit = 'km'
      const route = segmentRoute(geometry, prepared)
      whole = route.lengthKm
      const byKey = new Map(prepared.areas.map((area) => [area.key, area]))
      for (const segment of route.segments)
        addOnce(
          segment.holders.map((h) => byKey.get(h.key)!),
          segment.lengthKm,
        )
      break
    }
    case 'Polygon':
    case 'MultiPolygon': {
      unit = 'km2'
      whole = areaKm2(geometry)
      const pieces = new Map<string, { area: AreaInput; parts: (Polygon | MultiPolygon)[] }>()
      for (const i of areasNear(geometry, prepared)) {
        const area = prepared.areas[i]
        const part = intersectPolygons(geometry, area.geometry)
        if (!part) continue
        const key = shareKey(area)
        const entry = pieces.get(key)
        if (entry) entry.parts.push(part)
        else pieces.set(key, { area, parts: [part] })
      }
      for (const { area, parts } of pieces.values()) {
        // Pieces of one holder's areas overlap only where its areas do: measure their union.
        add(area, parts.length === 1 ? areaKm2(parts[0]) : territoryAreaKm2(prepareTerritory(parts)))
      }
      break
    }
    default:
      throw new UnsupportedGeometryError(geometry.type)
  }
  return { unit, whole, shares: [...totals.values()].sort((a, b) => b.amount - a.amount) }
}

/** Indices of the areas with a polygon whose bbox meets the geometry's, ascending (the prepared polygon index, in its frame). */
function areasNear(geometry: Polygon | MultiPolygon, prepared: PreparedAreas): number[] {
  if (!prepared.polyIndex) return []
  const [minX, minY, maxX, maxY] = bboxOf(geometry, prepared.wrap)
  const found = new Set<number>()
  for (const p of prepared.polyIndex.search(minX, minY, maxX, maxY)) found.add(prepared.polygons[p].source)
  return [...found].sort((a, b) => a - b)
}

/** The holder of more than half of the geometry, or null (no one, or a split with no majority). */
export function majorityHolder(h: HoldingShares): AreaInput | null {
  if (!(h.whole > 0)) return null
  return h.shares.find((share) => share.amount / h.whole > 0.5)?.area ?? null
}
