import { syntheticTerritory } from '../bench/synthetic.js'
import { prepareAreas, frontLines, haversineKm } from '../src/geo/index.js'
import { lineOverlap, polygonToLine, polygon, length as tl } from '@turf/turf'
const T = syntheticTerritory(42)
const opp = T.areas.filter(a => a.side === 'opposition'), gov = T.areas.filter(a => a.side === 'government')
const segs = (as: typeof opp) => { const m = new Map<string, number>(); for (const a of as) { const polys = a.geometry.type === 'Polygon' ? [a.geometry.coordinates] : a.geometry.coordinates; for (const p of polys) for (const r of p) for (let i = 1; i < r.length; i++) { const k1 = `${r[i-1]}|${r[i]}`, k2 = `${r[i]}|${r[i-1]}`; m.set(k1, haversineKm(r[i-1], r[i])); m.set(k2, -1) } } return m }
const so = segs(opp), sg = segs(gov)
let shared = 0; for (const [k, v] of so) if (v >= 0 && sg.has(k)) shared += v
console.log('exact shared km', shared)
console.log('ours', frontLines(prepareAreas(opp), prepareAreas(gov)).lengthKm, frontLines(prepareAreas(opp), prepareAreas(gov), { toleranceKm: 0.001 }).lengthKm)
// turf per pair check on a pair sharing an edge
