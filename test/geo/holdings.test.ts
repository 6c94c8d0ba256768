import t from 'tap'
import type { Geometry, MultiPolygon, Polygon } from 'geojson'
import { type AreaInput, holdingShares, majorityHolder, prepareAreas, UnsupportedGeometryError } from '../../src/geo/index.js'
import { area, meridianKm, R_KM, rect, square, within } from './shapes.js'

const RAD = Math.PI / 180
/** Area in km² of the lon/lat box [lon0, lon0 + widthDeg] × [lat0, lat1] on the sphere: R² Δλ (sin φ1 − sin φ0). */
const boxKm2 = (widthDeg: number, lat0: number, lat1: number): number => R_KM * R_KM * widthDeg * RAD * (Math.sin(lat1 * RAD) - Math.sin(lat0 * RAD))
/** Km along the equator for a longitude difference in degrees (a great circle). */
const equatorKm = (dLonDeg: number): number => R_KM * dLonDeg * RAD

const cell = (key: string, holder: string, geometry: Polygon | MultiPolygon): AreaInput => ({ key, holder, side: holder, status: 'controlled', geometry })
const amountOf = (h: ReturnType<typeof holdingShares>, key: string): number | undefined => h.shares.find((s) => s.area.key === key)?.amount

// West holds lon -1 to 0.7, east 0.7 to 2, both from lat -1 to 2; a third area lies far away.
const west = area('west', 'gov', square(-1, -1, 1.7, 3))
const east = area('east', 'opp', square(0.7, -1, 1.3, 3))
const far = area('far', 'opp', square(20, 20, 1))
const map = prepareAreas([west, east, far])

t.test('holdingShares', async (t) => {
  t.test('polygons', async (t) => {
    t.test('split a 1° square by area held, in km² on the sphere', async (t) => {
      const h = holdingShares(square(0, 0, 1), map)
      t.equal(h.unit, 'km2')
      t.ok(...within(h.whole, boxKm2(1, 0, 1), 1e-9))
      t.same(
        h.shares.map((s) => s.area.key),
        ['west', 'east'],
        'largest first; the far area is not clipped in',
      )
      t.ok(...within(amountOf(h, 'west')!, boxKm2(0.7, 0, 1), 1e-9))
      t.ok(...within(amountOf(h, 'east')!, boxKm2(0.3, 0, 1), 1e-9))
    })
    t.test('leave unmapped ground to no one', async (t) => {
      // Half of this square lies north of lat 2, where nothing is mapped.
      const h = holdingShares(square(0, 1.5, 0.5, 1), map)
      t.ok(...within(h.whole, boxKm2(0.5, 1.5, 2.5), 1e-9))
      t.ok(...within(amountOf(h, 'west')!, boxKm2(0.5, 1.5, 2), 1e-9))
      t.equal(h.shares.length, 1)
    })
    t.test("count ground two of one holder's areas both cover once", async (t) => {
      const overlapping = prepareAreas([cell('a', 'gov', square(0, -1, 0.6, 3)), cell('b', 'gov', square(0.4, -1, 0.6, 3))])
      const h = holdingShares(square(0, 0, 1), overlapping)
      t.equal(h.shares.length, 1)
      // The whole square, not the 1.2 of it that adding both clips would give.
      t.ok(...within(h.shares[0].amount, boxKm2(1, 0, 1), 1e-9))
    })
    t.test('find areas across ±180 through the wrapped index', async (t) => {
      const fiji = area('fiji', 'gov', { type: 'MultiPolygon', coordinates: [[rect(179, 0, 1)], [rect(-180, 0, 1)]] })
      const p = prepareAreas([fiji])
      t.equal(p.wrap, true)
      const h = holdingShares(square(-180, 0, 0.5), p)
      t.ok(...within(amountOf(h, 'fiji')!, boxKm2(0.5, 0, 0.5), 1e-9))
    })
  })

  t.test('lines', async (t) => {
    t.test('split a line by km on each side of the boundary it crosses', async (t) => {
      const h = holdingShares(
        {
          type: 'LineString',
          coordinates: [
            [0, 0],
            [1, 0],
          ],
        },
        map,
      )
      t.equal(h.unit, 'km')
      t.ok(...within(h.whole, equatorKm(1), 1e-9))
      t.ok(...within(amountOf(h, 'west')!, equatorKm(0.7), 1e-9))
      t.ok(...within(amountOf(h, 'east')!, equatorKm(0.3), 1e-9))
    })
    t.test('count a stretch along a boundary for both sides', async (t) => {
      const h = holdingShares(
        {
          type: 'LineString',
          coordinates: [
            [0.7, 0],
            [0.7, 1],
          ],
        },
        map,
      )
      t.ok(...within(amountOf(h, 'west')!, meridianKm(1), 1e-9))
      t.ok(...within(amountOf(h, 'east')!, meridianKm(1), 1e-9))
    })
    t.test("count a stretch along the edge between two of one holder's cells once", async (t) => {
      const cells = prepareAreas([cell('a', 'gov', square(0, 0, 1)), cell('b', 'gov', square(1, 0, 1))])
      const h = holdingShares(
        {
          type: 'LineString',
          coordinates: [
            [1, 0.2],
            [1, 0.8],
          ],
        },
        cells,
      )
      t.equal(h.shares.length, 1)
      t.ok(...within(h.shares[0].amount, meridianKm(0.6), 1e-9))
    })
  })

  t.test('points', async (t) => {
    t.test('count the points each holder holds; a boundary point is held by both sides', async (t) => {
      const g: Geometry = {
        type: 'MultiPoint',
        coordinates: [
          [0.2, 0.5],
          [0.3, 0.5],
          [0.9, 0.5],
          [0.7, 0.5],
          [5, 5],
        ],
      }
      const h = holdingShares(g, map)
      t.equal(h.unit, 'points')
      t.equal(h.whole, 5)
      t.same(
        h.shares.map((s) => [s.area.key, s.amount]),
        [
          ['west', 3],
          ['east', 2],
        ],
      )
    })
    t.test("count a point on the edge between two of one holder's cells once", async (t) => {
      const cells = prepareAreas([cell('a', 'gov', square(0, 0, 1)), cell('b', 'gov', square(1, 0, 1))])
      const h = holdingShares({ type: 'Point', coordinates: [1, 0.5] }, cells)
      t.same(
        h.shares.map((s) => [s.area.key, s.amount]),
        [['a', 1]],
      )
    })
    t.test('keep contested ground apart from the holders', async (t) => {
      const p = prepareAreas([area('front', null, square(0, 0, 1), 'contested'), west])
      const h = holdingShares({ type: 'Point', coordinates: [0.5, 0.5] }, p)
      t.same(
        h.shares.map((s) => [s.area.status, s.area.holder]),
        [
          ['contested', null],
          ['controlled', 'west'],
        ],
      )
    })
  })

  t.test('refuses a GeometryCollection with UnsupportedGeometryError', async (t) => {
    const g: Geometry = { type: 'GeometryCollection', geometries: [{ type: 'Point', coordinates: [0, 0] }] }
    t.throws(() => holdingShares(g, map), UnsupportedGeometryError)
    try {
      holdingShares(g, map)
    } catch (error) {
      t.ok(error instanceof Error)
      t.equal((error as UnsupportedGeometryError).geometryType, 'GeometryCollection')
    }
  })
})

t.test('majorityHolder', async (t) => {
  t.test('is the holder of more than half', async (t) => {
    t.equal(majorityHolder(holdingShares(square(0, 0, 1), map))?.key, 'west')
  })
  t.test('is null for an even split, no holder, or nothing to hold', async (t) => {
    const even = holdingShares(
      {
        type: 'MultiPoint',
        coordinates: [
          [0.5, 0.5],
          [1.5, 0.5],
        ],
      },
      map,
    )
    t.equal(majorityHolder(even), null, 'one point each: half is not more than half')
    t.equal(majorityHolder(holdingShares({ type: 'Point', coordinates: [50, 50] }, map)), null)
    t.equal(majorityHolder(holdingShares({ type: 'MultiPoint', coordinates: [] }, map)), null)
  })
})
