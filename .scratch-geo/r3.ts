import { syntheticTerritory, syntheticHighway } from '../bench/synthetic.js'
import { prepareAreas, segmentRoute, routeSeverance } from '../src/geo/index.js'
import { lineSplit, lineString, feature, along, length as tl, booleanPointInPolygon } from '@turf/turf'
const T = syntheticTerritory(42), hw = syntheticHighway(7)
const r = segmentRoute(hw, prepareAreas(T.areas)); const s = routeSeverance(r.segments, 'government')
console.log(s.kmBySide, s.unmappedKm)
const road = lineString(hw.coordinates); const by: Record<string, number> = {}
for (const a of T.areas) for (const piece of lineSplit(road, feature(a.geometry)).features) { const mid = along(piece, tl(piece) / 2); if (booleanPointInPolygon(mid, a.geometry)) { const k = a.status === 'contested' ? 'contested' : a.side!; by[k] = (by[k] ?? 0) + tl(piece) } }
console.log(by)
