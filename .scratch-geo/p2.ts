import { syntheticTerritory } from '../bench/synthetic.js'
import { prepareAreas } from '../src/geo/index.js'
import Flatbush from 'flatbush'
const T = syntheticTerritory(42)
const opp = T.areas.filter(a => a.side === 'opposition')
for (let i = 0; i < 20; i++) { const t = performance.now(); prepareAreas(opp); if (i > 14) console.log('prep', (performance.now() - t).toFixed(1)) }
for (let i = 0; i < 10; i++) { const t = performance.now(); const f = new Flatbush(57000, 8); for (let k = 0; k < 57000; k++) f.add(Math.random(), Math.random()); f.finish(); if (i > 6) console.log('fb', (performance.now() - t).toFixed(1)) }
for (let i = 0; i < 10; i++) { const t = performance.now(); const f = new Flatbush(57000, 16); for (let k = 0; k < 57000; k++) f.add(Math.random(), Math.random()); f.finish(); if (i > 6) console.log('fb16', (performance.now() - t).toFixed(1)) }
