import { syntheticTerritory } from '../bench/synthetic.js'
import { prepareAreas, frontLines } from '../src/geo/index.js'
const T = syntheticTerritory(42)
const O = prepareAreas(T.areas.filter(a => a.side === 'opposition')), G = prepareAreas(T.areas.filter(a => a.side === 'government'))
const ts: number[] = []
for (let i = 0; i < 60; i++) { const t = performance.now(); frontLines(O, G); ts.push(performance.now() - t) }
ts.sort((a, b) => a - b); console.log('median', ts[30].toFixed(2), 'min', ts[0].toFixed(2))
