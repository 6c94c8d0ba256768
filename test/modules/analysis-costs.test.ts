import t from 'tap'
import { estimateCost } from '../../src/modules/analysis/analysis.costs.js'
import type { AnalysisCall } from '../../src/modules/analysis/analysis.tasks.js'
import { parseStep } from '../../src/modules/common/time.js'
import { area, buildTestApp, collection, importSnapshot, seed, square } from '../helpers.js'

// Each square is a ring of five positions (the first repeated last): five vertices.
const SQUARE = 5

t.test('an analysis is estimated from the vertices of the maps it reads, as the rows say', async (t) => {
  const app = await buildTestApp(t)
  await seed(app, 'test')
  // The 26th: two squares. The 27th: the same two carried on, and a third. The 28th: the third alone.
  const a = area(square(0, 0, 1), { actor: 'hts' }, 'a')
  const b = area(square(1, 0, 1), { actor: 'saa' }, 'b')
  const c = area(square(2, 0, 1), { actor: 'hts' }, 'c')
  t.equal((await importSnapshot(app, 'test', '2024-11-26', collection([a, b]))).statusCode, 201)
  t.equal((await importSnapshot(app, 'test', '2024-11-27', collection([a, b, c]))).statusCode, 201)
  t.equal((await importSnapshot(app, 'test', '2024-11-28', collection([c]))).statusCode, 201)
  const view = await app.readModel.open('test')
  const at = (day: number) => new Date(`2024-11-${day}T12:00:00Z`)
  const cost = (call: unknown) => estimateCost(view, call as AnalysisCall, 100)

  t.equal(await cost({ analysis: 'distance', args: [at(26), 'side:opposition', 'side:government'] }), 1 * 2 * SQUARE, 'distance: 1 µs a vertex of the map')
  t.equal(await cost({ analysis: 'fronts', args: [at(27), undefined, 0] }), 8 * 3 * SQUARE, 'fronts: 8 µs a vertex')
  t.equal(await cost({ analysis: 'route', args: [at(28), 'road'] }), 2 * 1 * SQUARE)
  t.equal(await cost({ analysis: 'distance', args: [at(25), 'side:opposition', 'side:government'] }), 0, 'before the first map: nothing to read')
  t.equal(await cost({ analysis: 'changes', args: [{ start: at(26), end: at(28) }, true] }), 120 * (2 + 1) * SQUARE, 'changes: both maps, 120 µs a vertex')
  // A daily area series over the 26th–28th: three distinct maps (2 + 3 + 1 squares) indexed at 8 µs a vertex; between
  // consecutive maps, c appears (one square) and then a and b go (two): those are overlaid at 120; and 5 µs a step.
  const series = await cost({ analysis: 'area', args: [{ start: at(26), end: at(28), step: parseStep('P1D')! }, {}] })
  t.equal(series, 8 * 6 * SQUARE + 120 * 3 * SQUARE + 5 * 3)
})
