import t from 'tap'
import { EARTH_RADIUS_KM, haversineKm, lengthKm, nearestOnSegment, normalizeLon } from '../../src/geo/geodesic.js'

// Independent great-circle distance (spherical law of cosines on unit vectors), km.
function greatCircleKm(a: number[], b: number[]): number {
  const r = Math.PI / 180
  const v = (p: number[]) => [Math.cos(p[1] * r) * Math.cos(p[0] * r), Math.cos(p[1] * r) * Math.sin(p[0] * r), Math.sin(p[1] * r)]
  const [x, y] = [v(a), v(b)]
  const cross = [x[1] * y[2] - x[2] * y[1], x[2] * y[0] - x[0] * y[2], x[0] * y[1] - x[1] * y[0]]
  return 6371.0088 * Math.atan2(Math.hypot(...cross), x[0] * y[0] + x[1] * y[1] + x[2] * y[2])
}

// [passes, message] for t.ok: got within a relative tolerance of want.
const within = (got: number, want: number, rel: number): [boolean, string] => [
  Math.abs(got - want) <= rel * Math.abs(want),
  `${got} ≈ ${want} (±${rel * 100}%)`,
]

t.test('haversineKm', async (t) => {
  t.test('one degree of a meridian is πR/180', async (t) => {
    t.ok(...within(haversineKm([10, 0], [10, 1]), (Math.PI * EARTH_RADIUS_KM) / 180, 1e-12))
  })
  t.test('a quarter of the equator is πR/2', async (t) => {
    t.ok(...within(haversineKm([0, 0], [90, 0]), (Math.PI * EARTH_RADIUS_KM) / 2, 1e-12))
  })
  t.test('agrees with a vector great-circle formula anywhere', async (t) => {
    for (const [a, b] of [
      [
        [37.1, 36.2],
        [36.7, 35.9],
      ],
      [
        [-120, 60],
        [150, -30],
      ],
      [
        [179.9, 0],
        [-179.9, 0],
      ],
    ]) {
      t.ok(...within(haversineKm(a, b), greatCircleKm(a, b), 1e-9))
    }
  })
  t.test('is measured across the antimeridian the short way', async (t) => {
    t.ok(...within(haversineKm([179.9, 0], [-179.9, 0]), (0.2 * Math.PI * EARTH_RADIUS_KM) / 180, 1e-9))
  })
})

t.test('nearestOnSegment', async (t) => {
  t.test('drops a perpendicular onto a meridian segment', async (t) => {
    const r = nearestOnSegment([0.5, 0.5], [0, 0], [0, 1])
    t.same(r.point, [0, 0.5])
    t.equal(r.t, 0.5)
    t.ok(...within(r.distanceKm, greatCircleKm([0.5, 0.5], [0, 0.5]), 1e-9))
  })
  t.test('clamps to the nearer end', async (t) => {
    const r = nearestOnSegment([0, 2], [0, 0], [0, 1])
    t.same(r.point, [0, 1])
    t.equal(r.t, 1)
  })
  t.test('is within 0.1% of the true minimum for a 50 km oblique segment at 60°N', async (t) => {
    const a = [10, 60],
      b = [10.6, 60.25],
      p = [10.5, 59.9]
    let best = Infinity
    for (let i = 0; i <= 200000; i++) {
      const f = i / 200000
      best = Math.min(best, greatCircleKm(p, [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f]))
    }
    t.ok(haversineKm(a, b) > 40)
    t.ok(...within(nearestOnSegment(p, a, b).distanceKm, best, 1e-3))
  })
  t.test('handles a segment crossing the antimeridian', async (t) => {
    const r = nearestOnSegment([180, 0.5], [179.5, 0], [-179.5, 0])
    t.ok(Math.abs(Math.abs(r.point[0]) - 180) < 1e-9)
    t.ok(...within(r.distanceKm, greatCircleKm([180, 0.5], [180, 0]), 1e-9))
  })
})

t.test('lengthKm', async (t) => {
  t.test('sums great-circle legs', async (t) => {
    t.ok(
      ...within(
        lengthKm([
          [0, 0],
          [0, 1],
          [1, 1],
        ]),
        greatCircleKm([0, 0], [0, 1]) + greatCircleKm([0, 1], [1, 1]),
        1e-9,
      ),
    )
  })
  t.test('is 0 for a single point', async (t) => {
    t.equal(lengthKm([[5, 5]]), 0)
  })
})

t.test('normalizeLon', async (t) => {
  t.test('brings longitudes into [-180, 180]', async (t) => {
    t.equal(normalizeLon(190), -170)
    t.equal(normalizeLon(-190), 170)
    t.equal(normalizeLon(180), 180)
    t.equal(normalizeLon(12.5), 12.5)
  })
})
