import t from 'tap'
import type { MultiPolygon, Polygon } from 'geojson'
import { measureOverlaps, type OverlapInput, resolveOverlaps } from '../../src/geo/index.js'
import { R_KM, rect, square, within } from './shapes.js'

const RAD = Math.PI / 180
/** Area in km² of the lon/lat box [lon0, lon0 + widthDeg] × [lat0, lat1] on the sphere: R² Δλ (sin φ1 − sin φ0). */
const boxKm2 = (widthDeg: number, lat0: number, lat1: number): number => R_KM * R_KM * widthDeg * RAD * (Math.sin(lat1 * RAD) - Math.sin(lat0 * RAD))

const input = (index: number, actor: string, geometry: Polygon | MultiPolygon): OverlapInput => ({ index, actor, geometry })
const multi = (...polys: Polygon[]): MultiPolygon => ({ type: 'MultiPolygon', coordinates: polys.map((p) => p.coordinates) })
const closeTo = (got: readonly number[], want: readonly number[], eps = 1e-9): boolean =>
  got.length === want.length && got.every((x, i) => Math.abs(x - want[i]) <= eps)

/** km² of a geometry by the box formula, for results made only of lon/lat rectangles (outer rings minus holes). */
function rectsKm2(g: Polygon | MultiPolygon | null): number {
  if (!g) return 0
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates
  let total = 0
  polys.forEach((rings) =>
    rings.forEach((ring, r) => {
      const xs = ring.map((p) => p[0]),
        ys = ring.map((p) => p[1])
      const km2 = boxKm2(Math.max(...xs) - Math.min(...xs), Math.min(...ys), Math.max(...ys))
      total += r === 0 ? km2 : -km2
    }),
  )
  return total
}

t.test('measureOverlaps', async (t) => {
  t.test('measures the ground two actors both claim, on the sphere, with its box', async (t) => {
    // saa holds [0, 2] × [0, 1], sdf [1, 3] × [0, 1]: they share [1, 2] × [0, 1].
    const found = measureOverlaps([input(0, 'saa', square(0, 0, 2, 1)), input(1, 'sdf', square(1, 0, 2, 1))])
    t.equal(found.length, 1)
    t.same(found[0].features, [0, 1])
    t.same(found[0].actors, ['saa', 'sdf'])
    t.ok(...within(found[0].areaKm2, boxKm2(1, 0, 1), 1e-9))
    t.ok(closeTo(found[0].bbox, [1, 0, 2, 1]), `bbox ${found[0].bbox}`)
  })

  t.test('far from the equator the same degrees hold less ground', async (t) => {
    // [10, 10.5] × [60, 60.5] of a 1° square at lat 60 overlaps a second one shifted by half a degree both ways.
    const found = measureOverlaps([input(0, 'a', square(10, 60, 1)), input(1, 'b', square(10.5, 60.5, 1))])
    t.equal(found.length, 1)
    t.ok(...within(found[0].areaKm2, boxKm2(0.5, 60.5, 61), 1e-9))
    t.ok(closeTo(found[0].bbox, [10.5, 60.5, 11, 61]))
  })

  t.test('south of the equator and west of Greenwich', async (t) => {
    const found = measureOverlaps([input(0, 'a', square(-60, -35, 2)), input(1, 'b', square(-59.25, -34.5, 2))])
    t.ok(...within(found[0].areaKm2, boxKm2(1.25, -34.5, -33), 1e-9))
  })

  t.test('areas of one actor overlap freely: no report', async (t) => {
    t.same(measureOverlaps([input(0, 'hts', square(0, 0, 2)), input(1, 'hts', square(1, 1, 2))]), [])
  })

  t.test('a shared edge or corner is not an overlap, even where vertices do not match', async (t) => {
    const cells = [
      input(0, 'a', square(0, 0, 1)),
      input(1, 'b', square(1, 0, 1)), // edge shared exactly
      input(2, 'c', square(1, -0.5, 0.5)), // meets a at its corner (1, 0), and part of b's south edge
      input(3, 'd', square(-1, 0.25, 1, 0.5)), // its edge lies along part of a's west edge (a vertex in mid-edge)
      input(4, 'e', square(1, 1, 1)), // corner (1, 1) only
    ]
    t.same(measureOverlaps(cells, 0), [])
  })

  t.test('boxes that meet with shapes that do not: no report', async (t) => {
    // Two triangles splitting the square [0, 1]² along its diagonal, shifted apart by 0.01° across it.
    const lower: Polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [1, 0],
          [1, 1],
          [0, 0],
        ],
      ],
    }
    const upper: Polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0.01],
          [0.99, 1],
          [0, 1],
          [0, 0.01],
        ],
      ],
    }
    t.same(measureOverlaps([input(0, 'a', lower), input(1, 'b', upper)], 0), [])
    // A triangle whose edge runs along half of the diagonal, from a vertex in the middle of it: they touch, not overlap.
    const half: Polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [0.5, 0.5],
          [1, 1],
          [0, 1],
          [0.5, 0.5],
        ],
      ],
    }
    t.same(measureOverlaps([input(0, 'a', lower), input(1, 'b', half)], 0), [])
    t.same(resolveOverlaps([input(0, 'a', lower), input(1, 'b', half)], ['b'])[0].geometry, lower, 'and resolving takes nothing')
  })

  t.test('drops slivers under minKm2, reports them when asked', async (t) => {
    // A strip 5e-7° wide and 1° tall at the equator: about 0.0062 km².
    const sliver = [input(0, 'a', square(0, 0, 1)), input(1, 'b', square(1 - 5e-7, 0, 1))]
    const want = boxKm2(5e-7, 0, 1)
    t.ok(want > 0.005 && want < 0.01, `the strip is ${want} km²`)
    t.same(measureOverlaps(sliver), [])
    const found = measureOverlaps(sliver, 0.001)
    t.equal(found.length, 1)
    t.ok(...within(found[0].areaKm2, want, 1e-6))
  })

  t.test('a MultiPolygon overlapping in two places is one overlap holding both, the box around both', async (t) => {
    const a = multi(square(0, 0, 1), square(10, 0, 1))
    const b = multi(square(0.5, 0, 1), square(10.75, 0, 1), square(30, 30, 1))
    const [found, ...rest] = measureOverlaps([input(0, 'a', a), input(1, 'b', b)])
    t.same(rest, [])
    t.ok(...within(found.areaKm2, boxKm2(0.5, 0, 1) + boxKm2(0.25, 0, 1), 1e-9))
    t.ok(closeTo(found.bbox, [0.5, 0, 11, 1]))
  })

  t.test('ground inside a hole is not shared', async (t) => {
    // a holds [0, 4]² but the hole [1, 3]²; b inside the hole overlaps nothing, c straddles the hole's west edge.
    const holed: Polygon = { type: 'Polygon', coordinates: [rect(0, 0, 4), rect(1, 1, 2).reverse()] }
    const found = measureOverlaps([input(0, 'a', holed), input(1, 'b', square(1.5, 1.5, 1)), input(2, 'c', square(0.5, 1.5, 1))])
    t.equal(found.length, 1)
    t.same(found[0].features, [0, 2])
    t.ok(...within(found[0].areaKm2, boxKm2(0.5, 1.5, 2.5), 1e-9))
  })

  t.test('three actors on one patch: each pair reports it', async (t) => {
    const found = measureOverlaps([input(0, 'a', square(0, 0, 2)), input(1, 'b', square(1, 0, 2)), input(2, 'c', square(1, 1, 2))])
    t.same(
      found.map((o) => o.features),
      [
        [0, 1],
        [0, 2],
        [1, 2],
      ],
    )
    t.ok(...within(found[0].areaKm2, boxKm2(1, 0, 2), 1e-9))
    t.ok(...within(found[1].areaKm2, boxKm2(1, 1, 2), 1e-9))
    t.ok(...within(found[2].areaKm2, boxKm2(2, 1, 2), 1e-9))
  })

  t.test("names the inputs by their own index, lowest first, actors in the same order, whatever the input's order", async (t) => {
    const found = measureOverlaps([input(7, 'sdf', square(1, 0, 2, 1)), input(3, 'saa', square(0, 0, 2, 1)), input(5, 'hts', square(40, 0, 1))])
    t.same(
      found.map((o) => [o.features, o.actors]),
      [
        [
          [3, 7],
          ['saa', 'sdf'],
        ],
      ],
    )
  })

  t.test('empty input and empty geometries', async (t) => {
    t.same(measureOverlaps([]), [])
    t.same(measureOverlaps([input(0, 'a', { type: 'MultiPolygon', coordinates: [] }), input(1, 'b', square(0, 0, 1))]), [])
  })

  /**
   * n × n quadrilateral cells of 0.1° from (0, 0), every shared vertex moved by up to 0.03° (so the boxes of neighbours
   * overlap though the cells do not), the actor alternating like a chessboard: each neighbour is another actor.
   */
  function jitteredGrid(n: number): OverlapInput[] {
    const vertex = (i: number, j: number): [number, number] => {
      const inner = i > 0 && i < n && j > 0 && j < n
      return [i / 10 + (inner ? 0.03 * Math.sin(i * 7.1 + j * 3.3) : 0), j / 10 + (inner ? 0.03 * Math.cos(i * 2.9 - j * 5.7) : 0)]
    }
    const cells: OverlapInput[] = []
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        const ring = [vertex(i, j), vertex(i + 1, j), vertex(i + 1, j + 1), vertex(i, j + 1), vertex(i, j)]
        cells.push(input(cells.length, (i + j) % 2 ? 'x' : 'y', { type: 'Polygon', coordinates: [ring] }))
      }
    return cells
  }

  t.test('a large map of cells meeting only along shared edges overlaps nowhere', async (t) => {
    const start = performance.now()
    t.same(measureOverlaps(jitteredGrid(60)), [])
    t.ok(performance.now() - start < 5_000, `${Math.round(performance.now() - start)} ms for 3,600 cells`)
  })

  t.test('one area laid over a large map overlaps the cells under it, and their areas add up to its own', async (t) => {
    // The cells tile [0, 6]², so every point of z's [1, 1.25]² lies in exactly one cell: the overlaps add up to z's area.
    const cells = jitteredGrid(60)
    cells.push(input(cells.length, 'z', square(1, 1, 0.25)))
    const start = performance.now()
    const found = measureOverlaps(cells, 0)
    const ms = performance.now() - start
    t.ok(found.length >= 9, `${found.length} cells under z`)
    t.ok(
      found.every((o) => o.features[1] === cells.length - 1 && o.actors[1] === 'z'),
      'only pairs with z',
    )
    t.ok(
      ...within(
        found.reduce((sum, o) => sum + o.areaKm2, 0),
        boxKm2(0.25, 1, 1.25),
        1e-9,
      ),
    )
    t.ok(ms < 20_000, `${Math.round(ms)} ms`)
  })
})

t.test('resolveOverlaps', async (t) => {
  const saa = input(0, 'saa', square(0, 0, 2, 1))
  const sdf = input(1, 'sdf', square(1, 0, 2, 1))
  const far = input(2, 'hts', square(40, 0, 1))

  t.test('gives shared ground to the first actor of the precedence; the other loses it', async (t) => {
    const [a, b, c] = resolveOverlaps([saa, sdf, far], ['sdf', 'saa'])
    t.same([a.index, b.index, c.index], [0, 1, 2])
    t.equal(b.geometry, sdf.geometry, 'the winner keeps its geometry, the same object')
    t.equal(c.geometry, far.geometry, 'an area that meets no other is untouched')
    t.ok(...within(rectsKm2(a.geometry), boxKm2(1, 0, 1), 1e-9))
    t.same(measureOverlaps([{ ...saa, geometry: a.geometry! }, sdf], 0), [], 'nothing overlaps any more')
  })

  t.test('the other order gives it to the other actor', async (t) => {
    const [a, b] = resolveOverlaps([saa, sdf], ['saa', 'sdf'])
    t.equal(a.geometry, saa.geometry)
    t.ok(...within(rectsKm2(b.geometry), boxKm2(1, 0, 1), 1e-9))
  })

  t.test('an area wholly covered by a stronger one is null', async (t) => {
    const inner = input(4, 'sdf', square(0.5, 0.25, 0.5))
    const [a, b] = resolveOverlaps([saa, inner], ['saa'])
    t.equal(a.geometry, saa.geometry)
    t.same(b, { index: 4, geometry: null })
  })

  t.test('a weaker area around a stronger one gets a hole', async (t) => {
    const inner = input(1, 'sdf', square(0.5, 0.25, 0.5))
    const [a, b] = resolveOverlaps([saa, inner], ['sdf', 'saa'])
    t.equal(b.geometry, inner.geometry)
    t.ok(...within(rectsKm2(a.geometry), boxKm2(2, 0, 1) - boxKm2(0.5, 0.25, 0.75), 1e-9))
    t.equal(a.geometry!.type === 'Polygon' ? a.geometry!.coordinates.length : a.geometry!.coordinates[0].length, 2, 'one shell, one hole')
  })

  t.test('an actor missing from the precedence ranks below every listed one; two missing keep their overlap', async (t) => {
    const hts = input(2, 'hts', square(0.5, 0, 2, 1))
    const [a, b, c] = resolveOverlaps([saa, sdf, hts], ['saa'])
    t.equal(a.geometry, saa.geometry)
    // sdf [1, 3] and hts [0.5, 2.5] both lose [0, 2] to saa and keep what they share, [2, 2.5].
    t.ok(...within(rectsKm2(b.geometry), boxKm2(1, 0, 1), 1e-9))
    t.ok(...within(rectsKm2(c.geometry), boxKm2(0.5, 0, 1), 1e-9))
    const left = measureOverlaps([a, b, c].map((r, k) => ({ index: r.index, actor: ['saa', 'sdf', 'hts'][k], geometry: r.geometry! })))
    t.equal(left.length, 1)
    t.same(left[0].actors, ['sdf', 'hts'])
    t.ok(...within(left[0].areaKm2, boxKm2(0.5, 0, 1), 1e-9))
  })

  t.test('areas of one actor do not clip each other', async (t) => {
    const twin = input(1, 'saa', square(1, 0, 2, 1))
    const [a, b] = resolveOverlaps([saa, twin], ['saa'])
    t.equal(a.geometry, saa.geometry)
    t.equal(b.geometry, twin.geometry)
  })

  t.test('neighbours sharing only an edge take nothing', async (t) => {
    const next = input(1, 'sdf', square(2, 0, 1))
    const [a, b] = resolveOverlaps([saa, next], ['sdf', 'saa'])
    t.equal(a.geometry, saa.geometry)
    t.equal(b.geometry, next.geometry)
  })

  t.test('three ranks: each loses what any stronger actor claims', async (t) => {
    // a [0, 3], b [1, 4], c [2, 5] (all × [0, 1]), precedence c, b, a: c keeps [2, 5], b keeps [1, 2], a keeps [0, 1].
    const rows = [input(0, 'a', square(0, 0, 3, 1)), input(1, 'b', square(1, 0, 3, 1)), input(2, 'c', square(2, 0, 3, 1))]
    const [a, b, c] = resolveOverlaps(rows, ['c', 'b', 'a'])
    t.equal(c.geometry, rows[2].geometry)
    t.ok(...within(rectsKm2(b.geometry), boxKm2(1, 0, 1), 1e-9))
    t.ok(...within(rectsKm2(a.geometry), boxKm2(1, 0, 1), 1e-9))
  })

  t.test('empty input', async (t) => {
    t.same(resolveOverlaps([], ['a']), [])
  })
})
