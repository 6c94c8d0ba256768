import { syntheticTerritory } from '../bench/synthetic.js'
import { prepareAreas } from '../src/geo/index.js'
const T = syntheticTerritory(42)
const opp = T.areas.filter(a => a.side === 'opposition')
for (let i = 0; i < 8; i++) { const t = performance.now(); prepareAreas(opp); console.log((performance.now() - t).toFixed(1)) }
