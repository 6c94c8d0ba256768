import * as turf from '@turf/turf'
const sq = (x0: number, y0: number, w: number, h = w) => turf.polygon([[[x0, y0], [x0 + w, y0], [x0 + w, y0 + h], [x0, y0 + h], [x0, y0]]])
const a = sq(0, 0, 1), b = sq(1, 0, 1)
const route = turf.lineString([[1, -0.5], [1, 0.2], [1, 0.7], [1, 1.5]])
for (const p of [a, b]) {
  try { const s = turf.lineSplit(route, p); console.log('lineSplit', s.features.map(f => f.geometry.coordinates)) } catch (e) { console.log('err', (e as Error).message) }
}
// pieces classification
const pieces = turf.lineSplit(route, a).features
for (const f of pieces) { const c = f.geometry.coordinates; const mid = turf.along(f, turf.length(f) / 2); console.log(JSON.stringify(c), turf.booleanPointInPolygon(mid, a), turf.booleanPointInPolygon(mid, b), turf.booleanPointInPolygon(mid, a, { ignoreBoundary: true })) }
console.log('ptpd', (turf as any).pointToPolygonDistance?.(turf.point([0.5, 0.5]), a))
console.log('ptpd far', (turf as any).pointToPolygonDistance?.(turf.point([1.5, 0.5]), a))
// antimeridian
const e = sq(179.9, 0, 0.1), w = sq(-180, 0, 0.1)
console.log('am dist vertices', turf.distance([179.9, 0], [-179.9, 0]))
console.log('am ptpd', (turf as any).pointToPolygonDistance(turf.point([-179.95, 0.05]), e))
console.log('am lineOverlap', JSON.stringify(turf.lineOverlap(turf.polygonToLine(e) as any, turf.polygonToLine(w) as any)))
