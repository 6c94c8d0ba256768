import t from 'tap'
import type { MultiPolygon, Polygon } from 'geojson'
import { areasAt, prepareAreas } from '../../src/geo/area-index.js'
import { area, circleRing, rect, square } from './shapes.js'

const keys = (xs: { key: string }[]) => xs.map((a) => a.key)

t.test('areasAt', async (t) => {
  const west = area('west', 'gov', square(0, 0, 1))
  const east = area('east', 'opp', square(1, 0, 1))
  const prepared = prepareAreas([west, east])

  t.test('finds the one area around an inside point', async (t) => {
    t.same(keys(areasAt(prepared, [0.5, 0.5])), ['west'])
    t.same(keys(areasAt(prepared, [1.5, 0.2])), ['east'])
  })
  t.test('finds nothing outside every area', async (t) => {
    t.same(areasAt(prepared, [2.5, 0.5]), [])
    t.same(areasAt(prepared, [0.5, -0.0001]), [])
  })
  t.test('counts the boundary as held: a shared edge has both holders', async (t) => {
    t.same(keys(areasAt(prepared, [1, 0.5])), ['west', 'east'])
    t.same(keys(areasAt(prepared, [0.5, 1])), ['west'])
    t.same(keys(areasAt(prepared, [1, 1])), ['west', 'east'], 'a shared corner too')
  })

  t.test('respects holes and islands of a MultiPolygon', async (t) => {
    const withHole: MultiPolygon = {
      type: 'MultiPolygon',
      coordinates: [
        [
          rect(0, 0, 4),
          [
            [1, 1],
            [1, 3],
            [3, 3],
            [3, 1],
            [1, 1],
          ],
        ],
        [rect(10, 10, 1)],
      ],
    }
    const p = prepareAreas([area('ring', 'gov', withHole)])
    t.same(areasAt(p, [2, 2]), [], 'a point in the hole is not held')
    t.same(keys(areasAt(p, [0.5, 2])), ['ring'], 'between hole and shell is held')
    t.same(keys(areasAt(p, [1, 2])), ['ring'], "the hole's edge is the area's boundary, so held")
    t.same(keys(areasAt(p, [10.5, 10.5])), ['ring'], 'the island is held')
    t.same(areasAt(p, [7, 7]), [], 'the sea between is not')
  })

  t.test('returns overlapping layers together, in input order', async (t) => {
    const p = prepareAreas([area('b', 'opp', square(0.5, 0, 1)), area('a', 'gov', square(0, 0, 1))])
    t.same(keys(areasAt(p, [0.75, 0.5])), ['b', 'a'])
  })

  t.test('answers nothing for an empty territory', async (t) => {
    t.same(areasAt(prepareAreas([]), [0, 0]), [])
  })

  t.test('locates points in a ring of 20,000 vertices', async (t) => {
    const circle: Polygon = { type: 'Polygon', coordinates: [circleRing([36.5, 36], 10, 20000)] }
    const p = prepareAreas([area('c', 'gov', circle)])
    t.same(keys(areasAt(p, [36.5, 36])), ['c'])
    t.same(keys(areasAt(p, [36.5, 36 + 9.9 / 111.195])), ['c'], '9.9 km north of the centre is inside')
    t.same(areasAt(p, [36.5, 36 + 10.1 / 111.195]), [], '10.1 km north is outside')
  })

  t.test('works across the antimeridian', async (t) => {
    // One territory split at ±180 as RFC 7946 asks: two parts meeting on the antimeridian.
    const split: MultiPolygon = { type: 'MultiPolygon', coordinates: [[rect(179.5, 0, 0.5)], [rect(-180, 0, 0.5)]] }
    const p = prepareAreas([area('fiji', 'gov', split)])
    t.equal(p.wrap, true)
    t.same(keys(areasAt(p, [179.75, 0.25])), ['fiji'])
    t.same(keys(areasAt(p, [-179.75, 0.25])), ['fiji'])
    t.same(keys(areasAt(p, [180, 0.25])), ['fiji'])
    t.same(keys(areasAt(p, [-180, 0.25])), ['fiji'])
    t.same(areasAt(p, [0, 0.25]), [])
    t.same(areasAt(p, [-179.4, 0.25]), [])
  })
})
