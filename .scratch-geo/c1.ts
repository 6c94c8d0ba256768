import { syntheticTerritory, syntheticAdvance } from '../bench/synthetic.js'
import { unionPolygons, areaKm2, territoryChange, prepareTerritory } from '../src/geo/index.js'
import { analyzeTopology } from '../src/geo/dissolve.js'
import * as turf from '@turf/turf'
const T = syntheticTerritory(42)
const opp = T.areas.filter(a => a.side === 'opposition').map(a => a.geometry)
let t = performance.now()
const topo = analyzeTopology(opp.flatMap(g => g.type === 'Polygon' ? [g.coordinates] : g.coordinates))
console.log('analyze', (performance.now() - t).toFixed(1), !!topo)
t = performance.now()
const u = unionPolygons(opp)
console.log('union', (performance.now() - t).toFixed(1), u?.type, u?.type === 'MultiPolygon' ? u.coordinates.length : 1, areaKm2(u), 'sum', opp.reduce((s, g) => s + areaKm2(g), 0))
console.log('turf area of union', turf.area(u!) / 1e6, 'holes', u?.type === 'MultiPolygon' ? u.coordinates.map(p => p.length - 1) : u!.coordinates.length - 1)
const after = syntheticAdvance(T, 3).filter(a => a.side === 'opposition').map(a => a.geometry)
for (let i = 0; i < 3; i++) { t = performance.now(); const c = territoryChange(opp, after); console.log('change cold', (performance.now() - t).toFixed(1), c.beforeKm2, c.afterKm2, c.gainedKm2, c.lostKm2, c.gained?.type) }
const PB = prepareTerritory(opp), PA = prepareTerritory(after)
for (let i = 0; i < 5; i++) { t = performance.now(); const c = territoryChange(PB, PA); console.log('change warm', (performance.now() - t).toFixed(1), c.gainedKm2) }
// reverse
const r = territoryChange(after, opp); console.log('reverse', r.gainedKm2, r.lostKm2)
