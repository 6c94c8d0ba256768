import t from 'tap'
import type { MultiPolygon, Polygon, Position } from 'geojson'
import { bboxOf, pointInShape, shapeIntersectsBbox } from '../../src/geo/index.js'
import { bboxesMeet, orientation, pointInRing, rayCrossing, ringAreaSigned, segmentMeetsBbox } from '../../src/geo/primitives.js'
import { rect, square } from './shapes.js'

const SHELL: Position[] = [
  [0, 0],
  [4, 0],
  [4, 4],
  [0, 4],
  [0, 0],
]
/** A 4×4 square with a 2×2 hole in its middle, holes clockwise as RFC 7946 winds them. */
const DONUT: Polygon = {
  type: 'Polygon',
  coordinates: [
    rect(0, 0, 4),
    [
      [1, 1],
      [1, 3],
      [3, 3],
      [3, 1],
      [1, 1],
    ],
  ],
}

t.test('orientation', async (t) => {
  t.test('is positive counter-clockwise with lat up, negative clockwise, 0 collinear', async (t) => {
    t.ok(orientation(0, 0, 1, 0, 0, 1) > 0, 'north of an eastward edge is on its left')
    t.ok(orientation(0, 0, 1, 0, 0, -1) < 0)
    t.equal(orientation(0, 0, 1, 1, 3, 3), 0)
    // Twice the triangle's area in deg²: a right triangle with legs 2 and 3.
    t.equal(orientation(0, 0, 2, 0, 0, 3), 6)
  })
  t.test('is exact for nearly collinear points', async (t) => {
    // Points near [0.5, 0.5] against the line y = x through [12, 12] and [24, 24]: the true turn is
    // the sign of y - x, while the naive determinant gets many of these wrong.
    const ulp = 2 ** -53
    let wrong = 0
    for (let i = 0; i < 64; i++) {
      for (let j = 0; j < 64; j++) {
        if (Math.sign(orientation(0.5 + i * ulp, 0.5 + j * ulp, 12, 12, 24, 24)) !== Math.sign(j - i)) wrong++
      }
    }
    t.equal(wrong, 0)
  })
})

t.test('rayCrossing', async (t) => {
  t.test('counts an edge east or west of the point, and flags the point on it', async (t) => {
    t.equal(rayCrossing(2, -1, 2, 1, 0, 0), 1, 'edge east of the point: the eastward ray crosses it')
    t.equal(rayCrossing(2, -1, 2, 1, 0, 0, false), -1, 'the westward ray does not')
    t.equal(rayCrossing(-2, 1, -2, -1, 0, 0, false), 1, 'edge west, running south')
    t.equal(rayCrossing(2, -1, 2, 1, 2, 0.5), 0, 'on the edge')
    t.equal(rayCrossing(2, 1, 2, 3, 0, 0), -1, 'the edge is north of the ray')
  })
  t.test('counts a vertex on the ray once for the two edges meeting there', async (t) => {
    // Edges (2,-1)→(2,0) and (2,0)→(2,1) meet on the ray from (0, 0).
    t.equal([rayCrossing(2, -1, 2, 0, 0, 0), rayCrossing(2, 0, 2, 1, 0, 0)].filter((c) => c === 1).length, 1)
  })
})

t.test('pointInRing', async (t) => {
  t.test('tells inside, boundary and outside apart', async (t) => {
    t.equal(pointInRing(SHELL, [2, 2]), 1)
    t.equal(pointInRing(SHELL, [4, 2]), 0)
    t.equal(pointInRing(SHELL, [0, 0]), 0)
    t.equal(pointInRing(SHELL, [5, 2]), -1)
    t.equal(pointInRing(SHELL, [2, 4.5]), -1)
  })
  t.test('reads a ring that does not repeat its first position the same way', async (t) => {
    const open = SHELL.slice(0, 4)
    t.same(
      [
        [2, 2],
        [4, 2],
        [0, 2],
        [5, 2],
      ].map((p) => pointInRing(open, p)),
      [1, 0, 0, -1],
    )
  })
  t.test('is exact a hair either side of a slanted edge', async (t) => {
    // The edge from (1e-10, 1) to (0, 0) passes exactly through (0.5e-10, 0.5); the interior is east of it.
    const ring: Position[] = [
      [0, 0],
      [1, 0],
      [1, 1],
      [1e-10, 1],
      [0, 0],
    ]
    t.equal(pointInRing(ring, [0.5e-10, 0.5]), 0, 'exactly on the slanted edge')
    t.equal(pointInRing(ring, [0.5e-10 + 1e-20, 0.5]), 1)
    t.equal(pointInRing(ring, [0.5e-10 - 1e-20, 0.5]), -1)
  })
})

t.test('ringAreaSigned', async (t) => {
  t.test('is the area in deg², positive counter-clockwise', async (t) => {
    t.equal(ringAreaSigned(rect(10, 20, 2, 3)), 6)
    t.equal(ringAreaSigned([...rect(10, 20, 2, 3)].reverse()), -6)
    t.equal(ringAreaSigned(rect(10, 20, 2, 3).slice(0, 4)), 6, 'without the closing position')
    t.equal(
      ringAreaSigned([
        [0, 0],
        [1, 1],
      ]),
      0,
      'a degenerate ring',
    )
  })
  t.test('reads a ring across ±180 in the wrapped frame', async (t) => {
    // Counter-clockwise 2° × 1° box across the antimeridian, written with its east side at -179.
    const ring: Position[] = [
      [179, 0],
      [-179, 0],
      [-179, 1],
      [179, 1],
      [179, 0],
    ]
    t.equal(ringAreaSigned(ring, true), 2)
    t.ok(ringAreaSigned(ring) < 0, 'read as given, it runs round the globe the other way')
  })
})

t.test('bboxOf', async (t) => {
  t.test('is [minLon, minLat, maxLon, maxLat] of every geometry type', async (t) => {
    t.same(bboxOf({ type: 'Point', coordinates: [36.2, 37.1] }), [36.2, 37.1, 36.2, 37.1])
    t.same(
      bboxOf({
        type: 'LineString',
        coordinates: [
          [1, 5],
          [3, -2],
          [2, 0],
        ],
      }),
      [1, -2, 3, 5],
    )
    t.same(bboxOf(DONUT), [0, 0, 4, 4])
    const multi: MultiPolygon = { type: 'MultiPolygon', coordinates: [[rect(0, 0, 1)], [rect(10, -5, 1)]] }
    t.same(bboxOf(multi), [0, -5, 11, 1])
    t.same(
      bboxOf({
        type: 'GeometryCollection',
        geometries: [
          { type: 'Point', coordinates: [-3, 2] },
          {
            type: 'MultiPoint',
            coordinates: [
              [4, 9],
              [0, -1],
            ],
          },
        ],
      }),
      [-3, -1, 4, 9],
    )
  })
  t.test('spans nearly 360° for a shape split at ±180, unless read in the wrapped frame', async (t) => {
    const split: MultiPolygon = { type: 'MultiPolygon', coordinates: [[rect(179.5, 0, 0.5)], [rect(-180, 0, 0.5)]] }
    t.same(bboxOf(split), [-180, 0, 180, 0.5])
    t.same(bboxOf(split, true), [179.5, 0, 180.5, 0.5])
  })
  t.test('of an empty geometry meets no box', async (t) => {
    const empty = bboxOf({ type: 'MultiPoint', coordinates: [] })
    t.same(empty, [Infinity, Infinity, -Infinity, -Infinity])
    t.equal(bboxesMeet(empty, [-180, -90, 180, 90]), false)
  })
})

t.test('segmentMeetsBbox', async (t) => {
  const box = [0, 0, 1, 1]
  t.equal(segmentMeetsBbox(-1, 0.5, 2, 0.5, box), true, 'through the box, no end inside')
  t.equal(segmentMeetsBbox(-1, 1.5, 1.5, -1, box), true, 'the diagonal x + y = 0.5 cuts the corner at (0, 0)')
  t.equal(segmentMeetsBbox(-1, 0, 1, 2, box), true, 'y = x + 1 touches the corner (0, 1) with its middle point')
  t.equal(segmentMeetsBbox(-1, 0.01, 1, 2.01, box), false, 'y = x + 1.01 passes just outside, though the boxes meet')
  t.equal(segmentMeetsBbox(0.5, 1.5, 0.5, 3, box), false, 'boxes apart')
  t.equal(segmentMeetsBbox(0.2, 0.2, 0.2, 0.2, box), true, 'a point inside')
})

t.test('pointInShape', async (t) => {
  t.test('counts the boundary as inside and holes as outside', async (t) => {
    t.equal(pointInShape([0.5, 0.5], DONUT), true)
    t.equal(pointInShape([2, 2], DONUT), false, 'in the hole')
    t.equal(pointInShape([1, 2], DONUT), true, "on the hole's edge: the shape's boundary")
    t.equal(pointInShape([3, 3], DONUT), true, "on the hole's corner")
    t.equal(pointInShape([4, 4], DONUT), true, "on the shell's corner")
    t.equal(pointInShape([4, 2], DONUT), true, "on the shell's edge")
    t.equal(pointInShape([4.000001, 2], DONUT), false)
  })
  t.test('looks in every member of a MultiPolygon', async (t) => {
    const multi: MultiPolygon = { type: 'MultiPolygon', coordinates: [[rect(0, 0, 1)], [rect(10, 10, 1)]] }
    t.equal(pointInShape([10.5, 10.5], multi), true)
    t.equal(pointInShape([5, 5], multi), false)
  })
  t.test('takes +180 and -180 as one meridian', async (t) => {
    const east = square(179, 0, 1)
    t.equal(pointInShape([-180, 0.5], east), true)
    t.equal(pointInShape([180, 0.5], square(-180, 0, 1)), true)
    t.equal(pointInShape([-179.5, 0.5], east), false)
  })
  t.test('is exact a hair off a slanted edge', async (t) => {
    const tri: Polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [3, 0],
          [0, 3],
          [0, 0],
        ],
      ],
    }
    t.equal(pointInShape([1.5, 1.5], tri), true, 'on the hypotenuse x + y = 3')
    t.equal(pointInShape([1.5, 1.5 + 2 ** -51], tri), false, 'two ulps beyond it')
  })
})

t.test('shapeIntersectsBbox', async (t) => {
  t.test('is true when any part of the shape meets the box', async (t) => {
    t.equal(shapeIntersectsBbox(DONUT, [3.5, 3.5, 5, 5]), true, 'overlapping a corner')
    t.equal(shapeIntersectsBbox(DONUT, [0.2, 0.2, 0.4, 0.4]), true, 'box wholly inside the shape, no vertex in the box')
    t.equal(shapeIntersectsBbox(DONUT, [-1, -1, 5, 5]), true, 'shape wholly inside the box')
    t.equal(shapeIntersectsBbox(DONUT, [-1, 1.5, 5, 2.5]), true, 'a band across the shape, no vertex of the shape in it')
    t.equal(shapeIntersectsBbox(DONUT, [4, 1, 5, 2]), true, 'touching the shell along an edge')
    t.equal(shapeIntersectsBbox(DONUT, [4, 4, 5, 5]), true, 'touching a corner only')
    t.equal(shapeIntersectsBbox(DONUT, [2, 2, 2, 2]), false, 'a point box in the hole')
    t.equal(shapeIntersectsBbox(DONUT, [1, 2, 1, 2]), true, "a point box on the hole's edge")
  })
  t.test('is false when only the bounding boxes meet', async (t) => {
    t.equal(shapeIntersectsBbox(DONUT, [1.5, 1.5, 2.5, 2.5]), false, 'inside the hole')
    // The triangle (0,0) (3,0) (0,3) leaves its bbox's corner (3,3) empty: x + y > 3 there.
    const tri: Polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [3, 0],
          [0, 3],
          [0, 0],
        ],
      ],
    }
    t.equal(shapeIntersectsBbox(tri, [1.6, 1.6, 3, 3]), false, 'x + y ≥ 3.2 in the box')
    t.equal(shapeIntersectsBbox(tri, [1.5, 1.5, 3, 3]), true, 'the box corner (1.5, 1.5) is on the hypotenuse')
    t.equal(shapeIntersectsBbox(tri, [10, 10, 11, 11]), false, 'far away')
  })
  t.test('reads a box with minLon > maxLon as crossing ±180', async (t) => {
    t.equal(shapeIntersectsBbox(square(-179.8, 0, 0.5), [179, 0, -179, 1]), true)
    t.equal(shapeIntersectsBbox(square(179.5, 0, 0.2), [179, 0, -179, 1]), true)
    t.equal(shapeIntersectsBbox(square(0, 0, 1), [179, 0, -179, 1]), false)
  })
})
