import { syntheticTerritory, syntheticAdvance } from '../bench/synthetic.js'
import { unionPolygons, differencePolygons, areaKm2 } from '../src/geo/index.js'
import * as turf from '@turf/turf'
import * as polyclip from 'polyclip-ts'
const T = syntheticTerritory(42)
const opp = T.areas.filter(a => a.side === 'opposition').map(a => a.geometry)
const t0 = performance.now()
const u1 = polyclip.union(...(opp.map(g => g.coordinates) as any))
const t1 = performance.now()
console.log('polyclip nary', (t1 - t0).toFixed(0), areaKm2({ type: 'MultiPolygon', coordinates: u1 as any }))
const u2 = unionPolygons(opp)
const t2 = performance.now()
console.log('balanced', (t2 - t1).toFixed(0), areaKm2(u2))
// pairwise cost
const a = opp[0], b = opp[1]
let t = performance.now(); for (let i = 0; i < 10; i++) turf.union(turf.featureCollection([turf.feature(a), turf.feature(b)])); console.log('pair union', ((performance.now() - t) / 10).toFixed(2))
