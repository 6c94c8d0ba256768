import { syntheticTerritory, syntheticHighway, syntheticAdvance } from '../bench/synthetic.js'
import { prepareAreas, preparedGeometry, distanceKm, frontLines, segmentRoute, routeSeverance, territoryChange, prepareTerritory, lengthKm } from '../src/geo/index.js'
import * as turf from '@turf/turf'
const T = syntheticTerritory(42)
console.log('areas', T.areas.length, 'verts', T.vertexCount)
const opp = T.areas.filter(a => a.side === 'opposition'), gov = T.areas.filter(a => a.side === 'government')
console.log('opp', opp.length, 'gov', gov.length, 'contested', T.areas.filter(a => a.status === 'contested').length)
const time = (label: string, f: () => unknown, n = 5) => { let r: unknown; const ts: number[] = []; for (let i = 0; i < n; i++) { const t = performance.now(); r = f(); ts.push(performance.now() - t) } ts.sort((a, b) => a - b); console.log(label, ts[n >> 1].toFixed(2), 'ms'); return r }
const O = time('prepare opp', () => prepareAreas(opp)) as ReturnType<typeof prepareAreas>
const G = time('prepare gov', () => prepareAreas(gov)) as ReturnType<typeof prepareAreas>
const All = prepareAreas(T.areas)
const C = preparedGeometry(T.city)
console.log(time('distance', () => distanceKm(O, C), 21))
const f = time('fronts', () => frontLines(O, G), 11) as any
console.log('front km', f.lengthKm, 'lines', f.geometry.coordinates.length)
const f2 = frontLines(G, O); console.log('front rev km', f2.lengthKm, f2.geometry.coordinates.length)
const hw = syntheticHighway(7)
console.log('hw km', lengthKm(hw.coordinates), hw.coordinates.length)
const r = time('route', () => segmentRoute(hw, All), 11) as any
console.log('segments', r.segments.length, r.lengthKm)
console.log(routeSeverance(r.segments, 'government'))
const after = syntheticAdvance(T, 3)
const before = opp.map(a => a.geometry), afterG = after.filter(a => a.side === 'opposition').map(a => a.geometry)
const tc = time('change cold', () => territoryChange(before, afterG), 3) as any
console.log(tc.beforeKm2, tc.afterKm2, tc.gainedKm2, tc.lostKm2)
const PB = prepareTerritory(before), PA = prepareTerritory(afterG)
territoryChange(PB, PA)
time('change warm', () => territoryChange(PB, PA), 5)
console.log('turf area opp sum', opp.reduce((s, a) => s + turf.area(a.geometry) / 1e6, 0))
