import t from 'tap'
import Flatbush from 'flatbush'
import type { Polygon } from 'geojson'
import { analyzeTopology, dissolveClean } from '../../src/geo/dissolve.js'
import { boxLowerBoundHav, buildPreparedGeometry, frameShifts, joinPairs, polygonsAt, selfJoinPairs } from '../../src/geo/segment-index.js'
import { greatCircleKm, prng, R_KM, square } from './shapes.js'

const havToKm = (h: number) => 2 * R_KM * Math.asin(Math.min(1, Math.sqrt(h)))

t.test('boxLowerBoundHav', async (t) => {
  t.test('never exceeds the distance between any two points of boxes less than 180° of longitude apart', async (t) => {
    const rnd = prng(11)
    let checked = 0
    for (let trial = 0; trial < 200; trial++) {
      const box = (x: number) => {
        const y = rnd() * 160 - 80
        return [x, y, x + rnd() * 5, Math.min(89, y + rnd() * 5)]
      }
      const a = box(rnd() * 40 - 20),
        b = box(a[0] + rnd() * 340 - 170)
      const bound = havToKm(boxLowerBoundHav(a[0], a[1], a[2], a[3], b[0], b[1], b[2], b[3]))
      let min = Infinity
      for (let i = 0; i <= 8; i++)
        for (let j = 0; j <= 8; j++)
          for (let k = 0; k <= 8; k++)
            for (let l = 0; l <= 8; l++) {
              min = Math.min(
                min,
                greatCircleKm(
                  [a[0] + ((a[2] - a[0]) * i) / 8, a[1] + ((a[3] - a[1]) * j) / 8],
                  [b[0] + ((b[2] - b[0]) * k) / 8, b[1] + ((b[3] - b[1]) * l) / 8],
                ),
              )
            }
      if (bound > min * (1 + 1e-12)) t.fail(`bound ${bound} > sampled minimum ${min} for ${a} / ${b}`)
      checked++
    }
    t.equal(checked, 200)
  })
  t.test('is exact along a meridian and 0 for overlapping boxes', async (t) => {
    t.ok(Math.abs(havToKm(boxLowerBoundHav(0, 0, 1, 1, 0, 2, 1, 3)) - greatCircleKm([0, 1], [0, 2])) < 1e-9)
    t.equal(boxLowerBoundHav(0, 0, 1, 1, 0.5, 0.5, 2, 2), 0)
  })
})

t.test('frameShifts', async (t) => {
  t.test('compares data on both sides of ±180 with a 360° shift', async (t) => {
    t.same(frameShifts([179, 0, 180, 1], [-180, 0, -179, 1]), [-360])
    t.same(frameShifts([10, 0, 11, 1], [12, 0, 13, 1]), [0])
  })
})

t.test('joinPairs', async (t) => {
  t.test('finds exactly the segment pairs within the margin', async (t) => {
    const a = buildPreparedGeometry([
      {
        type: 'LineString',
        coordinates: [
          [0, 0],
          [0, 1],
          [0, 2],
        ],
      },
    ])
    const b = buildPreparedGeometry([
      {
        type: 'LineString',
        coordinates: [
          [0.0005, 0.5],
          [0.0005, 1.5],
        ],
      },
    ])
    const pairs: [number, number][] = []
    joinPairs(a.segIndex!, b.segIndex!, 0, 0.1, (i, j) => pairs.push([i, j]))
    t.same(
      pairs.sort(),
      [
        [0, 0],
        [1, 0],
      ],
      '55 m apart: both of a’s segments face b’s',
    )
    const none: [number, number][] = []
    joinPairs(a.segIndex!, b.segIndex!, 0, 0.01, (i, j) => none.push([i, j]))
    t.same(none, [], 'not within 10 m')
  })
})

t.test('selfJoinPairs', async (t) => {
  t.test('reports each touching pair once, as a brute-force scan does', async (t) => {
    const rnd = prng(21)
    const pts: number[][] = []
    for (let i = 0; i < 400; i++) pts.push([rnd() * 10, rnd() * 10])
    const g = buildPreparedGeometry([{ type: 'LineString', coordinates: pts }])
    const box = (s: number) => {
      const a = pts[g.segA[s]],
        b = pts[g.segB[s]]
      return [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[0], b[0]), Math.max(a[1], b[1])]
    }
    const want: string[] = []
    for (let i = 0; i < g.segA.length; i++)
      for (let j = i + 1; j < g.segA.length; j++) {
        const p = box(i),
          q = box(j)
        if (p[0] <= q[2] && p[2] >= q[0] && p[1] <= q[3] && p[3] >= q[1]) want.push(`${i},${j}`)
      }
    const got: string[] = []
    selfJoinPairs(g.segIndex!, (i, j) => got.push(`${i},${j}`))
    t.same(got.sort(), want.sort())
  })
})

t.test('tree traversals', async (t) => {
  t.test('read large trees (32-bit node indices) as flatbush searches them', async (t) => {
    // A random walk of short steps: many segments, each touching a few neighbours.
    const rnd = prng(5)
    const pts: number[][] = [[0, 0]]
    for (let i = 1; i < 20001; i++) pts.push([pts[i - 1][0] + rnd() - 0.5, pts[i - 1][1] + rnd() - 0.5])
    const g = buildPreparedGeometry([{ type: 'LineString', coordinates: pts }])
    t.ok(g.segIndex!.IndexArrayType === Uint32Array, 'over 16,384 nodes')
    let want = 0
    for (let i = 0; i < g.segA.length; i++) {
      const a = pts[g.segA[i]],
        b = pts[g.segB[i]]
      want += g.segIndex!.search(Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[0], b[0]), Math.max(a[1], b[1]), (j) => j > i).length
    }
    let got = 0
    selfJoinPairs(g.segIndex!, () => {
      got++
    })
    t.equal(got, want)
  })
  t.test('refuse an index in a serialised format they do not know', async (t) => {
    const fb = new Flatbush(1)
    fb.add(0, 0, 1, 1)
    fb.finish()
    new Uint8Array(fb.data as ArrayBuffer, 1, 1)[0] = (4 << 4) | (new Uint8Array(fb.data as ArrayBuffer, 1, 1)[0] & 0x0f)
    t.throws(() => selfJoinPairs(fb, () => {}), /format v4/)
  })
})

t.test('polygonsAt', async (t) => {
  t.test('agrees with an even-odd count over every edge on random points', async (t) => {
    const rnd = prng(3)
    const ring: number[][] = []
    for (let i = 0; i < 300; i++) {
      const a = (2 * Math.PI * i) / 300
      const r = 1 + 0.5 * rnd()
      ring.push([Math.cos(a) * r, Math.sin(a) * r])
    }
    ring.push(ring[0])
    const g = buildPreparedGeometry([{ type: 'Polygon', coordinates: [ring] }])
    const naive = (x: number, y: number) => {
      let inside = false
      for (let i = 0, j = ring.length - 2; i < ring.length - 1; j = i++) {
        const [xi, yi] = ring[i],
          [xj, yj] = ring[j]
        if (yi > y !== yj > y && x < xj + ((y - yj) * (xi - xj)) / (yi - yj)) inside = !inside
      }
      return inside
    }
    let agree = 0
    for (let k = 0; k < 2000; k++) {
      const x = rnd() * 4 - 2,
        y = rnd() * 4 - 2
      if (polygonsAt(g, x, y).length > 0 === naive(x, y)) agree++
    }
    t.equal(agree, 2000)
  })
})

t.test('analyzeTopology', async (t) => {
  const parts = (...ps: Polygon[]) => ps.map((p) => p.coordinates)
  t.test('accepts cells that share exact edges and corners', async (t) => {
    t.ok(analyzeTopology(parts(square(0, 0, 1), square(1, 0, 1), square(1, 1, 1))))
  })
  t.test('refuses overlap, containment, T-junctions and duplicates', async (t) => {
    t.equal(analyzeTopology(parts(square(0, 0, 1), square(0.5, 0, 1))), null, 'crossing edges')
    t.equal(analyzeTopology(parts(square(0, 0, 3), square(1, 1, 1))), null, 'one inside the other')
    t.equal(analyzeTopology(parts(square(0, 0, 2, 1), square(0, 1, 1))), null, 'a corner in the middle of an edge')
    t.equal(analyzeTopology(parts(square(0, 0, 1), square(0, 0, 1))), null, 'the same square twice')
    const tri: Polygon = {
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
    t.equal(analyzeTopology(parts(square(0, 0, 1), tri)), null, 'a triangle on the square’s corners')
  })
  t.test('dissolves to the outline, holes included', async (t) => {
    const cells: Polygon[] = []
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) if (i !== 1 || j !== 1) cells.push(square(i, j, 1))
    const out = dissolveClean(analyzeTopology(parts(...cells))!)
    t.equal(out.length, 1)
    t.equal(out[0].length, 2)
    const corners = (r: number[][]) =>
      r
        .filter((p, i) => i < r.length - 1)
        .map((p) => p.join(','))
        .sort()
    t.same(corners(out[0][1]), ['1,1', '1,2', '2,1', '2,2'], 'the hole is the missing cell')
    t.same(out[0][0][0], out[0][0][out[0][0].length - 1], 'closed')
  })
})
