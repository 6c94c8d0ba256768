import { syntheticTerritory, syntheticAdvance } from '../bench/synthetic.js'
import { territoryChange, prepareTerritory } from '../src/geo/index.js'
const T = syntheticTerritory(42)
const opp = T.areas.filter(a => a.side === 'opposition').map(a => a.geometry)
const after = syntheticAdvance(T, 3).filter(a => a.side === 'opposition').map(a => a.geometry)
const PB = prepareTerritory(opp), PA = prepareTerritory(after)
for (let i = 0; i < 60; i++) territoryChange(PB, PA)
