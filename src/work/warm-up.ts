// What a new worker thread runs once before it says it is ready: every part of the geometry engine
// an analysis or an import uses, on a small made-up map. V8 compiles a function well only once it
// has run, so a thread's first analysis ran 2–3× slower than the same analysis again on an empty
// cache (bench/postgis-data.ts's union: a route 82 ms, then 37–47 ms; changes 409 ms, then
// 118–281 ms), and a thread's distances at new dates took 10–20 ms for the first few, 2–4 ms once
// warm. About 60 ms of a thread's start (ten rounds), instead of on clients' requests.
import type { Polygon, Position } from 'geojson'
import {
  type AreaInput,
  distanceKm,
  frontLines,
  normalizeGeometry,
  prepareAreas,
  preparedGeometry,
  prepareTerritory,
  routeSeverance,
  segmentRoute,
  territoryChange,
} from '../geo/index.js'
import { preparePointShape, pointInPointShape } from '../geo/point-shape-index.js'

/** Cells of 0.1° on a side, in rows and columns from (36°E, 35°N); side 'west' holds the columns before `border`. */
function cells(rows: number, columns: number, border: number): AreaInput[] {
  const areas: AreaInput[] = []
  for (let row = 0; row < rows; row++)
    for (let column = 0; column < columns; column++) {
      const [x, y] = [36 + column / 10, 35 + row / 10]
      const ring: Position[] = [
        [x, y],
        [x + 0.1, y],
        [x + 0.1, y + 0.1],
        [x, y + 0.1],
        [x, y],
      ]
      const side = column < border ? 'west' : 'east'
      areas.push({ key: `${row}-${column}`, holder: side, side, status: 'controlled', geometry: { type: 'Polygon', coordinates: [ring] } })
    }
  return areas
}

/** Runs the engine's analyses `rounds` times over a 6 × 6 map whose border moves one column east. */
export function exerciseGeometry(rounds = 10): void {
  const city: Polygon = {
    type: 'Polygon',
    coordinates: [
      [
        [37, 35.2],
        [37.05, 35.2],
        [37.05, 35.25],
        [37, 35.25],
        [37, 35.2],
      ],
    ],
  }
  const road = { type: 'LineString' as const, coordinates: Array.from({ length: 40 }, (_, i): Position => [35.95 + i / 60, 35.23 + (i % 3) / 100]) }
  for (let round = 0; round < rounds; round++) {
    const before = cells(6, 6, 3)
    const after = cells(6, 6, 4)
    const map = prepareAreas(after)
    const west = prepareAreas(after.filter((area) => area.side === 'west'))
    const east = prepareAreas(after.filter((area) => area.side === 'east'))
    distanceKm(west, preparedGeometry(city))
    routeSeverance(segmentRoute(road, map).segments, 'west')
    frontLines(west, east)
    territoryChange(
      prepareTerritory(before.filter((area) => area.side === 'west').map((area) => area.geometry)),
      west.areas.map((area) => area.geometry),
    )
    const shape = preparePointShape(after[0].geometry)
    pointInPointShape(shape, [36.05, 35.05])
    normalizeGeometry(after[round % after.length].geometry, { allowed: ['Polygon', 'MultiPolygon'] })
  }
}
