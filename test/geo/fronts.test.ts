import t from 'tap'
import { lineOverlap, polygonToLine, polygon as turfPolygon } from '@turf/turf'
import type { LineString, Polygon } from 'geojson'
import { prepareAreas } from '../../src/geo/area-index.js'
import type { AreaInput } from '../../src/geo/area-index.js'
import { frontLines } from '../../src/geo/fronts.js'
import { area, circleRing, greatCircleKm, meridianKm, rect, square, within } from './shapes.js'

const side = (...areas: AreaInput[]) => prepareAreas(areas)
const kmPerDegLonAtEquator = meridianKm(1)

t.test('frontLines', async (t) => {
  t.test('two squares sharing one whole edge', async (t) => {
    const a = side(area('a', 'x', square(0, 0, 1)))
    const b = side(area('b', 'y', square(1, 0, 1)))
    t.test('front is exactly that edge', async (t) => {
      const f = frontLines(a, b)
      t.same(f.geometry, {
        type: 'MultiLineString',
        coordinates: [
          [
            [1, 0],
            [1, 1],
          ],
        ],
      })
      t.ok(...within(f.lengthKm, greatCircleKm([1, 0], [1, 1]), 1e-9))
    })
    t.test('and the same length seen from the other side', async (t) => {
      const f = frontLines(b, a)
      t.same(f.geometry.coordinates, [
        [
          [1, 1],
          [1, 0],
        ],
      ])
      t.ok(...within(f.lengthKm, meridianKm(1), 1e-9))
    })
  })

  t.test('squares touching at a single vertex have no front', async (t) => {
    const f = frontLines(side(area('a', 'x', square(0, 0, 1))), side(area('b', 'y', square(1, 1, 1))))
    t.same(f.geometry.coordinates, [])
    t.equal(f.lengthKm, 0)
  })

  t.test('edges between two cells of one side are not front; the pieces join into one line', async (t) => {
    const a = side(area('a1', 'x', square(0, 0, 1)), area('a2', 'x', square(1, 0, 1)))
    const b = side(area('b', 'y', square(0, -1, 2, 1)))
    const f = frontLines(a, b)
    t.same(f.geometry.coordinates, [
      [
        [0, 0],
        [1, 0],
        [2, 0],
      ],
    ])
    t.ok(...within(f.lengthKm, 2 * greatCircleKm([0, 0], [1, 0]), 1e-9))
  })

  t.test('three-sided layouts', async (t) => {
    // a in the south-west corner, b east of it, c across the north of both.
    const a = side(area('a', 'x', square(0, 0, 1)))
    const b = side(area('b', 'y', square(1, 0, 1)))
    const c = side(area('c', 'z', square(0, 1, 2, 1)))
    t.test("a's front with b is its east edge only", async (t) => {
      t.same(frontLines(a, b).geometry.coordinates, [
        [
          [1, 0],
          [1, 1],
        ],
      ])
    })
    t.test("a's front with c is its north edge only", async (t) => {
      t.same(frontLines(a, c).geometry.coordinates, [
        [
          [1, 1],
          [0, 1],
        ],
      ])
    })
    t.test('b and c together face a along one bent line', async (t) => {
      const bc = side(area('b', 'y', square(1, 0, 1)), area('c', 'y', square(0, 1, 2, 1)))
      const f = frontLines(a, bc)
      t.same(f.geometry.coordinates, [
        [
          [1, 0],
          [1, 1],
          [0, 1],
        ],
      ])
      t.ok(...within(f.lengthKm, greatCircleKm([1, 0], [1, 1]) + greatCircleKm([1, 1], [0, 1]), 1e-9))
    })
  })

  t.test('a square next to unheld ground', async (t) => {
    const a = side(area('a', 'x', square(0, 0, 1)))
    t.test('no front across a gap wider than the tolerance', async (t) => {
      t.equal(frontLines(a, side(area('b', 'y', square(1.5, 0, 1)))).lengthKm, 0)
      t.equal(frontLines(a, side(area('b', 'y', square(1 + 0.2 / kmPerDegLonAtEquator, 0, 1)))).lengthKm, 0, '200 m gap, 100 m tolerance')
    })
    t.test('a 50 m sliver is bridged by the default 100 m tolerance', async (t) => {
      const f = frontLines(a, side(area('b', 'y', square(1 + 0.05 / kmPerDegLonAtEquator, 0, 1))))
      t.same(f.geometry.coordinates, [
        [
          [1, 0],
          [1, 1],
        ],
      ])
    })
    t.test('a wider tolerance bridges a wider gap', async (t) => {
      const b = side(area('b', 'y', square(1 + 0.2 / kmPerDegLonAtEquator, 0, 1)))
      t.ok(...within(frontLines(a, b, { toleranceKm: 0.25 }).lengthKm, meridianKm(1), 1e-9))
    })
    t.test('only the stretch that b faces is front, cut exactly where b ends', async (t) => {
      const f = frontLines(a, side(area('b', 'y', square(1, 0.25, 1, 0.5))))
      t.same(f.geometry.coordinates, [
        [
          [1, 0.25],
          [1, 0.75],
        ],
      ])
      t.ok(...within(f.lengthKm, meridianKm(0.5), 1e-9))
    })
    t.test('a widening gap is front until it passes the tolerance', async (t) => {
      // b's west edge leans away from a: 0 m apart at the equator, 222 m at 1°N.
      const lean: Polygon = {
        type: 'Polygon',
        coordinates: [
          [
            [1, 0],
            [2, 0],
            [2, 1],
            [1.002, 1],
            [1, 0],
          ],
        ],
      }
      const f = frontLines(a, side(area('b', 'y', lean)))
      const yMax = 0.1 / (0.002 * kmPerDegLonAtEquator * Math.cos((0.45 * Math.PI) / 180))
      t.ok(...within(f.lengthKm, meridianKm(yMax), 0.005))
      t.equal(f.geometry.coordinates.length, 1)
      t.same(f.geometry.coordinates[0][0], [1, 0])
    })
  })

  t.test('an enclave in a hole is faced all round', async (t) => {
    const hole = [
      [1, 1],
      [1, 2],
      [2, 2],
      [2, 1],
      [1, 1],
    ]
    const a = side(area('a', 'x', { type: 'Polygon', coordinates: [rect(0, 0, 3), hole] }))
    const f = frontLines(a, side(area('b', 'y', square(1, 1, 1))))
    t.equal(f.geometry.coordinates.length, 1)
    const ring = f.geometry.coordinates[0]
    t.same(ring[0], ring[ring.length - 1], 'a closed line')
    let perimeter = 0
    for (let i = 1; i < hole.length; i++) perimeter += greatCircleKm(hole[i - 1], hole[i])
    t.ok(...within(f.lengthKm, perimeter, 1e-9))
  })

  t.test('a front along a ring of 20,000 vertices', async (t) => {
    const ring = circleRing([36.5, 36], 10, 20000)
    const inner = side(area('city', 'x', { type: 'Polygon', coordinates: [ring] }))
    const around = side(area('siege', 'y', { type: 'Polygon', coordinates: [circleRing([36.5, 36], 30, 400), [...ring].reverse()] }))
    const f = frontLines(inner, around)
    t.ok(...within(f.lengthKm, 2 * Math.PI * 10, 1e-4))
  })

  t.test('where layers overlap, the part of a inside b is front', async (t) => {
    const f = frontLines(side(area('a', 'x', square(0, 0, 1))), side(area('b', 'y', square(0.5, 0.25, 1, 0.5))))
    t.same(f.geometry.coordinates, [
      [
        [1, 0.25],
        [1, 0.75],
      ],
    ])
  })

  t.test('lines keep a on their left even when a ring is wound clockwise', async (t) => {
    const clockwise: Polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [0, 1],
          [1, 1],
          [1, 0],
          [0, 0],
        ],
      ],
    }
    const f = frontLines(side(area('a', 'x', clockwise)), side(area('b', 'y', square(1, 0, 1))))
    t.same(f.geometry.coordinates, [
      [
        [1, 0],
        [1, 1],
      ],
    ])
  })

  t.test('is empty against an empty territory', async (t) => {
    t.same(frontLines(side(area('a', 'x', square(0, 0, 1))), side()), { geometry: { type: 'MultiLineString', coordinates: [] }, lengthKm: 0 })
  })

  t.test('across the antimeridian, where plain Turf sees nothing', async (t) => {
    const west = square(179, 0, 1)
    const east = square(-180, 0, 1)
    const f = frontLines(side(area('a', 'x', west)), side(area('b', 'y', east)))
    t.ok(...within(f.lengthKm, meridianKm(1), 1e-9))
    t.same(f.geometry.coordinates, [
      [
        [180, 0],
        [180, 1],
      ],
    ])
    // Turf compares coordinates as given: 180 and -180 are different numbers to it.
    const turfOverlap = lineOverlap(
      polygonToLine(turfPolygon(west.coordinates)) as unknown as LineString,
      polygonToLine(turfPolygon(east.coordinates)) as unknown as LineString,
    )
    t.equal(turfOverlap.features.length, 0)
  })
})
