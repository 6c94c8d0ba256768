import type { MultiPolygon, Polygon, Position } from 'geojson'
import t from 'tap'
import { pointInPointShape, preparePointShape } from '../../src/geo/point-shape-index.js'
import { pointInShape } from '../../src/geo/primitives.js'

// A 120-gon on the circle of radius 2 around (10, 50) (large enough to be indexed), with a square
// hole [9.5, 10.5]², and an island square [20, 21] × [50, 51] in the same MultiPolygon.
const N = 120
const outer: Position[] = Array.from({ length: N }, (_, i) => [10 + 2 * Math.cos((2 * Math.PI * i) / N), 50 + 2 * Math.sin((2 * Math.PI * i) / N)])
outer.push(outer[0])
const hole: Position[] = [
  [9.5, 49.5],
  [9.5, 50.5],
  [10.5, 50.5],
  [10.5, 49.5],
  [9.5, 49.5],
]
const island: Position[] = [
  [20, 50],
  [21, 50],
  [21, 51],
  [20, 51],
  [20, 50],
]
const shape: MultiPolygon = { type: 'MultiPolygon', coordinates: [[outer, hole], [island]] }

t.test('indexed point test: inside, outside, holes and boundaries, known by construction', async (t) => {
  const prepared = preparePointShape(shape)
  t.equal(prepared.shape, null, 'a shape of 130 vertices is indexed')
  const cases: [Position, boolean, string][] = [
    [[11, 50], true, 'between the hole and the circle'],
    [[10, 50], false, 'in the hole'],
    [[10.5, 50], true, 'on the hole boundary (a hole excludes only its interior)'],
    [[12, 50], true, 'on a vertex of the outer ring (angle 0)'],
    [[12.1, 50], false, 'just east of the circle'],
    [[10, 52.1], false, 'just north of the circle'],
    [[20.5, 50.5], true, 'inside the island'],
    [[21, 50.5], true, 'on the island edge'],
    [[15, 50.5], false, 'between the two polygons'],
    [[9.5, 49.5], true, 'on a hole corner'],
  ]
  for (const [point, expected, why] of cases) t.equal(pointInPointShape(prepared, point), expected, why)
})

t.test('indexed point test answers exactly as pointInShape on a lattice (and on every vertex)', async (t) => {
  const prepared = preparePointShape(shape)
  let differ = 0
  let checked = 0
  const probe = (p: Position) => {
    checked++
    if (pointInPointShape(prepared, p) !== pointInShape(p, shape)) differ++
  }
  for (let x = 7.5; x <= 21.5; x += 0.125) for (let y = 47.5; y <= 52.5; y += 0.125) probe([x, y])
  for (const ring of [outer, hole, island]) for (const p of ring) probe(p)
  t.equal(differ, 0, `${checked} points`)
})

t.test('small shapes are tested directly; ±180 is read both ways as pointInShape does', async (t) => {
  const small: Polygon = {
    type: 'Polygon',
    coordinates: [
      [
        [-180, 0],
        [-179, 0],
        [-179, 1],
        [-180, 1],
        [-180, 0],
      ],
    ],
  }
  t.same(preparePointShape(small).shape, small)
  // 70 vertices along the west edge of [-180, -179] × [0, 1]: indexed, and a point given as lon 180 is found at -180.
  const west: Position[] = [
    [-179, 0],
    [-179, 1],
  ]
  for (let i = 0; i <= 68; i++) west.push([-180, 1 - i / 68])
  west.push([-179, 0])
  const big: Polygon = { type: 'Polygon', coordinates: [west] }
  const prepared = preparePointShape(big)
  t.equal(prepared.shape, null)
  t.equal(pointInPointShape(prepared, [180, 0.5]), true, 'lon 180 is lon -180')
  t.equal(pointInPointShape(prepared, [-179.5, 0.5]), true)
  t.equal(pointInPointShape(prepared, [-178.5, 0.5]), false)
})
