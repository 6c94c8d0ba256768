import { syntheticTerritory } from '../bench/synthetic.js'
import { lineOverlap, polygonToLine, polygon, length as tl } from '@turf/turf'
import type { Feature, LineString } from 'geojson'
const T = syntheticTerritory(42)
const opp = T.areas.filter(a => a.side === 'opposition'), gov = T.areas.filter(a => a.side === 'government')
const toLines = (as: typeof opp) => as.flatMap((a) => (a.geometry.type === 'Polygon' ? [a.geometry.coordinates] : a.geometry.coordinates)).flatMap((p) => p.map((ring) => polygonToLine(polygon([ring])) as Feature<LineString>))
const o = toLines(opp), g = toLines(gov)
const bb = (f: Feature<LineString>) => { const xs = f.geometry.coordinates.map((p) => p[0]), ys = f.geometry.coordinates.map((p) => p[1]); return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)] }
let km = 0, km0 = 0
for (const a of o) { const b = bb(a); for (const c of g) { const d = bb(c); if (b[0] > d[2] || b[2] < d[0] || b[1] > d[3] || b[3] < d[1]) continue; for (const f of lineOverlap(a, c, { tolerance: 0.1 }).features) km += tl(f); for (const f of lineOverlap(a, c).features) km0 += tl(f) } }
console.log(km, km0)
