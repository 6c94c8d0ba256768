import t from 'tap'
import { area as turfArea } from '@turf/turf'
import type { MultiPolygon, Polygon, Position } from 'geojson'
import {
  areaKm2,
  differencePolygons,
  intersectPolygons,
  prepareTerritory,
  sharedAreaKm2,
  territoryAreaKm2,
  territoryChange,
  unionPolygons,
} from '../../src/geo/changes.js'
import { circleRing, R_KM, rect, square, within } from './shapes.js'

/** Area of a lon/lat rectangle on the sphere, km²: R² Δλ (sin φ2 − sin φ1) (a zone slice). */
function rectKm2(x0: number, y0: number, w: number, h = w): number {
  const r = Math.PI / 180
  return R_KM * R_KM * w * r * (Math.sin((y0 + h) * r) - Math.sin(y0 * r))
}

const rings = (g: Polygon | MultiPolygon | null): number =>
  g === null ? 0 : g.type === 'Polygon' ? g.coordinates.length : g.coordinates.reduce((n, p) => n + p.length, 0)

t.test('areaKm2', async (t) => {
  t.test('a 1° square is the spherical zone slice', async (t) => {
    t.ok(...within(areaKm2(square(0, 0, 1)), rectKm2(0, 0, 1), 1e-9))
    t.ok(...within(areaKm2(square(36, 35, 1)), rectKm2(36, 35, 1), 1e-9))
  })
  t.test('agrees with turf.area / 1e6', async (t) => {
    const donut: Polygon = { type: 'Polygon', coordinates: [circleRing([36.5, 36], 20, 2000), circleRing([36.5, 36], 5, 500, true)] }
    const multi: MultiPolygon = { type: 'MultiPolygon', coordinates: [donut.coordinates, [rect(40, 40, 0.5)]] }
    for (const g of [square(10, -20, 2), donut, multi]) t.ok(...within(areaKm2(g), turfArea(g) / 1e6, 1e-12))
    t.ok(...within(areaKm2(donut), Math.PI * (400 - 25), 1e-4))
  })
  t.test('is 0 for null', async (t) => {
    t.equal(areaKm2(null), 0)
  })
})

t.test('unionPolygons', async (t) => {
  t.test('dissolves the shared edge of two adjacent squares', async (t) => {
    const u = unionPolygons([square(0, 0, 1), square(1, 0, 1)])!
    t.equal(u.type, 'Polygon')
    t.equal(rings(u), 1)
    t.ok(...within(areaKm2(u), rectKm2(0, 0, 2, 1), 1e-9))
  })
  t.test('eight cells around a ninth give a ring with one hole', async (t) => {
    const cells: Polygon[] = []
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) if (i !== 1 || j !== 1) cells.push(square(i, j, 1))
    const u = unionPolygons(cells)!
    t.equal(u.type, 'Polygon')
    t.equal(rings(u), 2)
    t.ok(...within(areaKm2(u), rectKm2(0, 0, 3) - rectKm2(1, 1, 1), 1e-9))
  })
  t.test('merges overlapping squares (general clipping)', async (t) => {
    const u = unionPolygons([square(0, 0, 1), square(0.5, 0, 1)])!
    t.equal(rings(u), 1)
    t.ok(...within(areaKm2(u), rectKm2(0, 0, 1.5, 1), 1e-9))
  })
  t.test('merges cells meeting at a T-junction (a vertex mid-edge)', async (t) => {
    const u = unionPolygons([square(0, 0, 2, 1), square(0, 1, 1), square(1, 1, 1)])!
    t.equal(rings(u), 1)
    t.ok(...within(areaKm2(u), rectKm2(0, 0, 2), 1e-9))
  })
  t.test('keeps squares touching at one corner as two polygons', async (t) => {
    const u = unionPolygons([square(0, 0, 1), square(1, 1, 1)])!
    t.equal(u.type, 'MultiPolygon')
    t.equal((u as MultiPolygon).coordinates.length, 2)
  })
  t.test('keeps disjoint polygons apart and ignores nulls', async (t) => {
    const u = unionPolygons([square(0, 0, 1), null, square(5, 5, 1)])!
    t.equal(u.type, 'MultiPolygon')
    t.ok(...within(areaKm2(u), rectKm2(0, 0, 1) + rectKm2(5, 5, 1), 1e-9))
  })
  t.test('copes with vertices a hair (1e-12°) apart', async (t) => {
    const a: Polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [1, 0],
          [1, 1],
          [0, 1],
          [0, 0],
        ],
      ],
    }
    const b: Polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [1 + 1e-12, 0],
          [2, 0],
          [2, 1],
          [1, 1 + 1e-12],
          [1 + 1e-12, 0],
        ],
      ],
    }
    t.ok(...within(areaKm2(unionPolygons([a, b])), rectKm2(0, 0, 2, 1), 1e-6))
  })
  t.test('keeps a territory split at ±180 as two valid parts', async (t) => {
    const u = unionPolygons([square(179, 0, 1), square(-180, 0, 1)])!
    t.equal(u.type, 'MultiPolygon')
    for (const p of (u as MultiPolygon).coordinates) for (const q of p[0]) t.ok(q[0] >= -180 && q[0] <= 180)
    t.ok(...within(areaKm2(u), 2 * rectKm2(0, 0, 1), 1e-9))
  })
  t.test('is null for nothing', async (t) => {
    t.equal(unionPolygons([]), null)
  })
})

t.test('differencePolygons', async (t) => {
  t.test('cuts a corner out of a square', async (t) => {
    const d = differencePolygons(square(0, 0, 2), square(1, 1, 2))!
    t.ok(...within(areaKm2(d), rectKm2(0, 0, 2) - rectKm2(1, 1, 1), 1e-9))
  })
  t.test('leaves a untouched by a disjoint b, and handles null', async (t) => {
    const a = square(0, 0, 1)
    t.equal(differencePolygons(a, square(3, 3, 1)), a)
    t.equal(differencePolygons(a, null), a)
    t.equal(differencePolygons(null, a), null)
  })
  t.test('is null when nothing is left', async (t) => {
    t.equal(differencePolygons(square(0, 0, 1), square(-1, -1, 3)), null)
  })
})

t.test('intersectPolygons', async (t) => {
  t.test('keeps the ground both hold', async (t) => {
    const both = intersectPolygons(square(0, 0, 1), square(0.5, 0.25, 1))
    t.ok(...within(areaKm2(both), rectKm2(0.5, 0.25, 0.5, 0.75), 1e-9))
  })
  t.test('is null for shapes that share no ground or only an edge', async (t) => {
    t.equal(intersectPolygons(square(0, 0, 1), square(5, 5, 1)), null)
    t.equal(intersectPolygons(square(0, 0, 1), square(1, 0, 1)), null)
  })
  t.test('leaves a hole out', async (t) => {
    const donut: Polygon = {
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
    const band = intersectPolygons(donut, square(0, 1.5, 4, 1))
    t.ok(...within(areaKm2(band), rectKm2(0, 1.5, 4, 1) - rectKm2(1, 1.5, 2, 1), 1e-9))
  })
})

t.test('territoryChange', async (t) => {
  t.test('nothing changes between identical dates', async (t) => {
    const polys = [square(0, 0, 1), square(1, 0, 1)]
    const c = territoryChange(
      polys,
      polys.map((p) => structuredClone(p)),
    )
    t.match(c, { gained: null, gainedKm2: 0, lost: null, lostKm2: 0 })
    t.ok(...within(c.beforeKm2, rectKm2(0, 0, 2, 1), 1e-9))
    t.equal(c.afterKm2, c.beforeKm2)
  })
  t.test('a cell taken and a cell given up', async (t) => {
    const c = territoryChange([square(0, 0, 1), square(1, 0, 1)], [square(0, 0, 1), square(0, 1, 1)])
    t.ok(...within(c.gainedKm2, rectKm2(0, 1, 1), 1e-9))
    t.ok(...within(c.lostKm2, rectKm2(1, 0, 1), 1e-9))
    t.ok(...within(c.afterKm2, rectKm2(0, 0, 1, 2), 1e-9))
    t.equal(rings(c.gained), 1)
  })
  t.test('a line that moved east: the strip behind it is gained, nothing lost', async (t) => {
    const c = territoryChange([square(0, 0, 2, 1)], [square(0, 0, 2.5, 1)])
    t.ok(...within(c.gainedKm2, rectKm2(2, 0, 0.5, 1), 1e-9))
    t.equal(c.lostKm2, 0)
    t.ok(...within(c.afterKm2, rectKm2(0, 0, 2.5, 1), 1e-9))
  })
  t.test('overlapping polygons within one date are counted once', async (t) => {
    const c = territoryChange([square(0, 0, 1), square(0.5, 0, 1)], [])
    t.ok(...within(c.beforeKm2, rectKm2(0, 0, 1.5, 1), 1e-9))
    t.ok(...within(c.lostKm2, c.beforeKm2, 1e-9))
    t.equal(c.afterKm2 < 1e-6, true)
  })
  t.test('prepared dates give the same answer and remember the area of the union', async (t) => {
    const before = [square(0, 0, 1), square(1, 0, 1), square(2, 0, 1)]
    const after = [square(0, 0, 1), square(1, 0, 1), square(2, 1, 1)]
    const pb = prepareTerritory(before),
      pa = prepareTerritory(after)
    const plain = territoryChange(before, after)
    const prepared = territoryChange(pb, pa)
    t.same(prepared, plain)
    t.ok(...within(territoryAreaKm2(pa), plain.afterKm2, 1e-9))
    t.ok(pb.memo.areaKm2 !== undefined)
  })
  t.test('a polygon split into two (same ground, new shapes) gains and loses nothing', async (t) => {
    const c = territoryChange([square(0, 0, 2, 1)], [square(0, 0, 1), square(1, 0, 1)])
    t.ok(c.gainedKm2 < 1e-6 && c.lostKm2 < 1e-6, `${c.gainedKm2} ${c.lostKm2}`)
  })
  t.test('handles a whole side appearing from nothing', async (t) => {
    const ring: Position[] = circleRing([36.5, 36], 10, 20000)
    const c = territoryChange([], [{ type: 'Polygon', coordinates: [ring] }])
    t.ok(...within(c.gainedKm2, Math.PI * 100, 1e-4))
    t.equal(c.beforeKm2, 0)
  })
})

t.test('sharedAreaKm2', async (t) => {
  t.test('the part of a gain that lay in another territory', async (t) => {
    const held = prepareTerritory([square(0, 0, 1), square(1, 0, 1), square(10, 10, 1)])
    const gained: MultiPolygon = { type: 'MultiPolygon', coordinates: [square(0.5, 0.5, 1).coordinates, square(5, 5, 1).coordinates] }
    t.ok(...within(sharedAreaKm2(gained, held), rectKm2(0.5, 0.5, 1, 0.5), 1e-9))
  })
  t.test("the territory's overlapping polygons count once", async (t) => {
    const held = prepareTerritory([square(0, 0, 1), square(0.5, 0, 1)])
    t.ok(...within(sharedAreaKm2(square(0, 0, 2, 1), held), rectKm2(0, 0, 1.5, 1), 1e-9))
  })
  t.test('is 0 for nothing, for an empty territory, and for ground that only touches', async (t) => {
    t.equal(sharedAreaKm2(null, prepareTerritory([square(0, 0, 1)])), 0)
    t.equal(sharedAreaKm2(square(0, 0, 1), prepareTerritory([])), 0)
    t.equal(sharedAreaKm2(square(1, 0, 1), prepareTerritory([square(0, 0, 1)])), 0)
  })
})
