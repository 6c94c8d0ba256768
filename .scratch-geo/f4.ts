import { syntheticTerritory } from '../bench/synthetic.js'
import { prepareAreas, frontLines } from '../src/geo/index.js'
const T = syntheticTerritory(42)
const O = prepareAreas(T.areas.filter(a => a.side === 'opposition')), G = prepareAreas(T.areas.filter(a => a.side === 'government'))
for (let i = 0; i < 100; i++) frontLines(O, G)
