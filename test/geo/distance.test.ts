import t from 'tap'
import { pointToPolygonDistance, point as turfPoint, polygon as turfPolygon } from '@turf/turf'
import type { Geometry, LineString, MultiPolygon, Polygon, Position } from 'geojson'
import { prepareAreas, preparedGeometry } from '../../src/geo/area-index.js'
import { distanceKm } from '../../src/geo/distance.js'
import { area, circleRing, greatCircleKm, meridianKm, prng, rect, square, within } from './shapes.js'

const prep = (g: Geometry) => preparedGeometry(g)
const pt = (p: Position): Geometry => ({ type: 'Point', coordinates: p })
const line = (...ps: Position[]): LineString => ({ type: 'LineString', coordinates: ps })

t.test('distanceKm', async (t) => {
  t.test('point to polygon', async (t) => {
    t.test('measures from outside to the nearest edge', async (t) => {
      const r = distanceKm(prep(square(0, 0, 1)), prep(pt([0.5, 1.5])))!
      t.ok(...within(r.distanceKm, meridianKm(0.5), 1e-9))
      t.same(r.from, [0.5, 1])
      t.same(r.to, [0.5, 1.5])
      t.equal(r.overlaps, false)
    })
    t.test('is 0 with overlaps for a point inside', async (t) => {
      const r = distanceKm(prep(pt([0.3, 0.4])), prep(square(0, 0, 1)))!
      t.match(r, { distanceKm: 0, overlaps: true, from: [0.3, 0.4], to: [0.3, 0.4] })
    })
    t.test('is 0 with overlaps for a point on the boundary', async (t) => {
      t.match(distanceKm(prep(pt([1, 0.5])), prep(square(0, 0, 1))), { distanceKm: 0, overlaps: true })
    })
  })

  t.test('polygon to polygon', async (t) => {
    t.test('two squares 0.1° apart in longitude near the equator are 11.12 km apart', async (t) => {
      const r = distanceKm(prep(square(0, 0, 1)), prep(square(1.1, 0, 1)))!
      t.ok(...within(r.distanceKm, 11.12, 0.005))
      // Meridians converge, so the closest pair is at the squares' highest latitude.
      t.ok(...within(r.distanceKm, greatCircleKm([1, 1], [1.1, 1]), 1e-9))
      t.same(r.from, [1, 1])
      t.same(r.to, [1.1, 1])
    })
    t.test('a gap along a meridian is the latitude difference', async (t) => {
      const r = distanceKm(prep(square(0, 0, 1)), prep(square(0.2, 1.2, 1)))!
      t.ok(...within(r.distanceKm, meridianKm(0.2), 1e-9))
      t.equal(r.from[1], 1)
      t.equal(r.to[1], 1.2)
      t.equal(r.from[0], r.to[0], 'straight across the gap')
    })
    t.test('finds a vertex of b nearest to the middle of an edge of a', async (t) => {
      const wedge: Polygon = {
        type: 'Polygon',
        coordinates: [
          [
            [0.5, 1.2],
            [0.3, 2],
            [0.7, 2],
            [0.5, 1.2],
          ],
        ],
      }
      const r = distanceKm(prep(square(0, 0, 1)), prep(wedge))!
      t.ok(...within(r.distanceKm, meridianKm(0.2), 1e-9))
      t.same(r.from, [0.5, 1])
      t.same(r.to, [0.5, 1.2])
    })
    t.test('is 0 with overlaps when one contains the other, either way round', async (t) => {
      const big = prep(square(0, 0, 4)),
        small = prep(square(1, 1, 1))
      t.match(distanceKm(big, small), { distanceKm: 0, overlaps: true })
      t.match(distanceKm(small, big), { distanceKm: 0, overlaps: true })
    })
    t.test('is 0 with overlaps when boundaries cross', async (t) => {
      t.match(distanceKm(prep(square(0, 0, 1)), prep(square(0.5, 0.5, 1))), { distanceKm: 0, overlaps: true })
    })
    t.test('is 0 with overlaps for squares touching at a single vertex', async (t) => {
      const r = distanceKm(prep(square(0, 0, 1)), prep(square(1, 1, 1)))!
      t.match(r, { distanceKm: 0, overlaps: true, from: [1, 1], to: [1, 1] })
    })
  })

  t.test('MultiPolygons with holes and islands', async (t) => {
    const donut: MultiPolygon = {
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
        [rect(10, 0, 0.5)],
      ],
    }
    const g = prep(donut)
    t.test('from a point in a hole, measures to the hole edge', async (t) => {
      const r = distanceKm(prep(pt([2, 2.5])), g)!
      t.equal(r.overlaps, false)
      t.ok(...within(r.distanceKm, meridianKm(0.5), 1e-9))
      t.same(r.to, [2, 3])
    })
    t.test('a polygon inside the hole is apart from the ring around it', async (t) => {
      const r = distanceKm(prep(square(1.8, 1.8, 0.4)), g)!
      t.equal(r.overlaps, false)
      t.ok(...within(r.distanceKm, meridianKm(0.8), 0.005))
    })
    t.test('measures to the nearest island', async (t) => {
      const r = distanceKm(prep(pt([10.25, 0.9])), g)!
      t.ok(...within(r.distanceKm, meridianKm(0.4), 1e-9))
      t.same(r.to, [10.25, 0.5])
    })
    t.test('a point on an island overlaps', async (t) => {
      t.match(distanceKm(prep(pt([10.1, 0.1])), g), { distanceKm: 0, overlaps: true })
    })
  })

  t.test('lines and points', async (t) => {
    t.test('between parallel meridian lines', async (t) => {
      const r = distanceKm(prep(line([0, 0], [0, 1])), prep(line([0.5, -1], [0.5, 0.5])))!
      t.ok(...within(r.distanceKm, greatCircleKm([0, 0.5], [0.5, 0.5]), 1e-6))
    })
    t.test('crossing lines overlap at the crossing', async (t) => {
      const r = distanceKm(prep(line([0, 0], [1, 1])), prep(line([0, 1], [1, 0])))!
      t.match(r, { distanceKm: 0, overlaps: true })
      t.ok(Math.abs(r.from[0] - 0.5) < 1e-9 && Math.abs(r.from[1] - 0.5) < 1e-9)
    })
    t.test('point to point is the great circle', async (t) => {
      t.ok(...within(distanceKm(prep(pt([37.1, 36.2])), prep(pt([36.7, 35.9])))!.distanceKm, greatCircleKm([37.1, 36.2], [36.7, 35.9]), 1e-9))
    })
  })

  t.test('rings of 20,000 vertices', async (t) => {
    const c1: Polygon = { type: 'Polygon', coordinates: [circleRing([36.5, 36], 10, 20000)] }
    const c2: Polygon = { type: 'Polygon', coordinates: [circleRing([36.5, 36 + 30 / 111.195], 10, 20000)] }
    t.test('from an outside point, the distance to the centre minus the radius', async (t) => {
      const outside: Position = [36.5, 36 + 25 / 111.195]
      const r = distanceKm(prep(c1), prep(pt(outside)))!
      t.ok(...within(r.distanceKm, greatCircleKm([36.5, 36], outside) - 10, 1e-4))
    })
    t.test('between two circles, centre distance minus both radii', async (t) => {
      const r = distanceKm(prep(c1), prep(c2))!
      t.ok(...within(r.distanceKm, greatCircleKm([36.5, 36], [36.5, 36 + 30 / 111.195]) - 20, 1e-4))
    })
    t.test('from the centre of a hole, the radius', async (t) => {
      const annulus: Polygon = { type: 'Polygon', coordinates: [circleRing([36.5, 36], 50, 400), circleRing([36.5, 36], 10, 20000, true)] }
      const r = distanceKm(prep(pt([36.5, 36])), prep(annulus))!
      t.equal(r.overlaps, false)
      t.ok(...within(r.distanceKm, 10, 1e-4))
    })
  })

  t.test('near the antimeridian', async (t) => {
    t.test('squares at 179.9° and -179.9° are ~22 km apart, not 40,000', async (t) => {
      const r = distanceKm(prep(square(179.8, 0, 0.1)), prep(square(-179.9, 0, 0.1)))!
      t.ok(...within(r.distanceKm, greatCircleKm([179.9, 0.1], [-179.9, 0.1]), 1e-6))
      t.ok(r.distanceKm < 23)
      t.same(r.from, [179.9, 0.1])
      t.same(r.to, [-179.9, 0.1])
    })
    t.test('a territory split at ±180 touches a point on the antimeridian', async (t) => {
      const split: MultiPolygon = { type: 'MultiPolygon', coordinates: [[rect(179.5, 0, 0.5)], [rect(-180, 0, 0.5)]] }
      const p = prepareAreas([area('a', 'x', split)])
      t.match(distanceKm(p, prep(pt([-180, 0.2]))), { distanceKm: 0, overlaps: true })
      t.ok(...within(distanceKm(p, prep(pt([-179.4, 0.25])))!.distanceKm, greatCircleKm([-179.5, 0.25], [-179.4, 0.25]), 1e-6))
      t.ok(...within(distanceKm(prep(pt([179.4, 0.25])), p)!.distanceKm, greatCircleKm([179.5, 0.25], [179.4, 0.25]), 1e-6))
    })
  })

  t.test('is null when a side holds no ground', async (t) => {
    t.equal(distanceKm(prepareAreas([]), prep(pt([0, 0]))), null)
  })

  t.test('agrees with a brute-force search on random lines', async (t) => {
    const rnd = prng(7)
    const walk = (x0: number, n: number): Position[] => {
      const pts: Position[] = [[x0 + rnd(), 35 + rnd()]]
      for (let i = 1; i < n; i++) pts.push([pts[i - 1][0] + (rnd() - 0.5) * 0.3, pts[i - 1][1] + (rnd() - 0.5) * 0.3])
      return pts.map(([x, y]) => [Math.min(Math.max(x, x0), x0 + 1), y])
    }
    // Between non-crossing polylines the minimum lies at a vertex of one of them, so vertices
    // against densely sampled segments of the other bound it to well within 0.1%.
    const brute = (a: Position[], b: Position[]): number => {
      let best = Infinity
      for (const [p, q] of [
        [a, b],
        [b, a],
      ]) {
        for (const v of p) {
          for (let i = 0; i + 1 < q.length; i++) {
            for (let k = 0; k <= 400; k++) {
              const f = k / 400
              best = Math.min(best, greatCircleKm(v, [q[i][0] + (q[i + 1][0] - q[i][0]) * f, q[i][1] + (q[i + 1][1] - q[i][1]) * f]))
            }
          }
        }
      }
      return best
    }
    for (let trial = 0; trial < 15; trial++) {
      const a = walk(0, 12),
        b = walk(1.2, 12)
      const got = distanceKm(prep(line(...a)), prep(line(...b)))!
      const [ok, msg] = within(got.distanceKm, brute(a, b), 1e-3)
      t.ok(ok, `trial ${trial}: ${msg}`)
      const [apart, msg2] = within(greatCircleKm(got.from, got.to), got.distanceKm, 1e-9)
      t.ok(apart, `trial ${trial}: the reported points are that far apart: ${msg2}`)
    }
  })

  t.test('where plain Turf falls short', async (t) => {
    // Turf has point-to-polygon but no polygon-to-polygon distance. The obvious substitute, each
    // vertex of one polygon to the other, misses b's vertex that faces the middle of a's edge.
    const a = square(0, 0, 1)
    const wedge: Polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [0.5, 1.2],
          [0.3, 2],
          [0.7, 2],
          [0.5, 1.2],
        ],
      ],
    }
    const turfVertexWise = Math.min(
      ...a.coordinates[0].map((v) => pointToPolygonDistance(turfPoint(v), turfPolygon(wedge.coordinates), { units: 'kilometers' })),
    )
    const ours = distanceKm(prep(a), prep(wedge))!.distanceKm
    t.ok(...within(ours, meridianKm(0.2), 1e-9))
    t.ok(turfVertexWise > 2 * ours, `vertex-wise Turf says ${turfVertexWise.toFixed(1)} km, the truth is ${ours.toFixed(1)} km`)
  })
})
