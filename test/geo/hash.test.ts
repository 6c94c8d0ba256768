import t from 'tap'
import { createHash } from 'node:crypto'
import type { Geometry, Polygon } from 'geojson'
import { canonicalGeometry, canonicalGeometryJson, canonicalJson, geometryHash } from '../../src/geo/hash.js'

const SQUARE: Polygon = {
  type: 'Polygon',
  coordinates: [
    [
      [0, 0],
      [4, 0],
      [4, 4],
      [0, 4],
      [0, 0],
    ],
    [
      [1, 1],
      [1, 2],
      [2, 2],
      [2, 1],
      [1, 1],
    ],
    [
      [3, 3],
      [3, 3.5],
      [3.5, 3.5],
      [3.5, 3],
      [3, 3],
    ],
  ],
}

t.test('geometryHash', async (t) => {
  t.test('is the SHA-256 hex of the canonical geometry', async (t) => {
    const point = { type: 'Point' as const, coordinates: [37.16, 36.2] }
    const expected = createHash('sha256').update('{"coordinates":[37.16,36.2],"type":"Point"}').digest('hex')
    t.equal(geometryHash(point), expected)
  })

  t.test('does not depend on key order', async (t) => {
    const reordered = JSON.parse(`{"coordinates":${JSON.stringify(SQUARE.coordinates)},"type":"Polygon"}`) as Polygon
    t.equal(geometryHash(reordered), geometryHash(SQUARE))
  })

  t.test('ignores bbox and foreign members', async (t) => {
    const dressed = { ...SQUARE, bbox: [0, 0, 4, 4], title: 'held on 26 November' } as Polygon
    t.equal(geometryHash(dressed), geometryHash(SQUARE))
  })

  t.test('changes when a coordinate changes', async (t) => {
    const moved = structuredClone(SQUARE)
    moved.coordinates[0][2] = [4, 4.000001]
    t.not(geometryHash(moved), geometryHash(SQUARE))
    const holeMoved = structuredClone(SQUARE)
    holeMoved.coordinates[1][1] = [1, 2.5]
    t.not(geometryHash(holeMoved), geometryHash(SQUARE))
  })

  t.test('does not depend on where a ring starts', async (t) => {
    const rotated = structuredClone(SQUARE)
    rotated.coordinates[0] = [
      [4, 4],
      [0, 4],
      [0, 0],
      [4, 0],
      [4, 4],
    ]
    rotated.coordinates[1] = [
      [2, 2],
      [2, 1],
      [1, 1],
      [1, 2],
      [2, 2],
    ]
    t.equal(geometryHash(rotated), geometryHash(SQUARE))
  })

  t.test('does not depend on the order of holes or of polygons', async (t) => {
    const [shell, a, b] = SQUARE.coordinates
    t.equal(geometryHash({ type: 'Polygon', coordinates: [shell, b, a] }), geometryHash(SQUARE))
    const other = [
      [
        [10, 10],
        [11, 10],
        [11, 11],
        [10, 10],
      ],
    ]
    t.equal(
      geometryHash({ type: 'MultiPolygon', coordinates: [SQUARE.coordinates, other] }),
      geometryHash({ type: 'MultiPolygon', coordinates: [other, SQUARE.coordinates] }),
    )
  })

  t.test('tells the shell from a hole and a line from its reverse', async (t) => {
    const [shell, a, b] = SQUARE.coordinates
    t.not(geometryHash({ type: 'Polygon', coordinates: [a, shell, b] }), geometryHash(SQUARE))
    t.not(
      geometryHash({
        type: 'LineString',
        coordinates: [
          [0, 0],
          [1, 1],
        ],
      }),
      geometryHash({
        type: 'LineString',
        coordinates: [
          [1, 1],
          [0, 0],
        ],
      }),
    )
  })

  t.test('tells geometry types apart', async (t) => {
    t.not(
      geometryHash({
        type: 'LineString',
        coordinates: [
          [0, 0],
          [1, 1],
        ],
      }),
      geometryHash({
        type: 'MultiPoint',
        coordinates: [
          [0, 0],
          [1, 1],
        ],
      }),
    )
  })

  t.test('does not modify the geometry', async (t) => {
    const copy = structuredClone(SQUARE)
    copy.coordinates[1] = [
      [2, 2],
      [2, 1],
      [1, 1],
      [1, 2],
      [2, 2],
    ]
    const before = JSON.stringify(copy)
    geometryHash(copy)
    t.equal(JSON.stringify(copy), before)
  })
})

t.test('canonicalJson', async (t) => {
  t.test('sorts keys at every level and keeps array order', async (t) => {
    const value = { b: 1, a: { d: [{ f: 1, e: 2 }, 3], c: null } }
    t.equal(canonicalJson(value), '{"a":{"c":null,"d":[{"e":2,"f":1},3]},"b":1}')
  })

  t.test('agrees with JSON.parse', async (t) => {
    const value = { text: 'quote " and \\ and ünïcode', n: -0.1, flag: true, list: [] }
    t.same(JSON.parse(canonicalJson(value)), value)
  })

  t.test('follows JSON.stringify for undefined, non-finite numbers and toJSON', async (t) => {
    const when = new Date('2024-11-27T00:00:00Z')
    t.equal(canonicalJson({ gone: undefined, list: [undefined, Number.NaN], when }), '{"list":[null,null],"when":"2024-11-27T00:00:00.000Z"}')
  })

  t.test('refuses what JSON cannot hold', async (t) => {
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    t.throws(() => canonicalJson(cyclic), TypeError)
    t.throws(() => canonicalJson(undefined), TypeError)
    t.throws(() => canonicalJson({ big: 1n }), TypeError)
  })

  t.test('allows the same object twice when it is not its own ancestor', async (t) => {
    const shared = { z: 1 }
    t.equal(canonicalJson([shared, shared]), '[{"z":1},{"z":1}]')
  })
})

t.test('the fast path for geometries writes the generic canonical text', async (t) => {
  const ring = (x: number, y: number, size: number) => [
    [x, y],
    [x + size, y],
    [x + size, y + size],
    [x, y + size],
    [x, y],
  ]
  // A deterministic generator (mulberry32): coordinates of every kind JSON writes differently.
  let seed = 15
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0
    let r = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296
  }
  const kinds = [
    () => Math.round(random() * 360 - 180),
    () => (random() - 0.5) * 1e-6,
    () => random() * 1e22,
    () => -0,
    () => 1e-7,
    () => 5e-324,
    () => random() * 90,
  ]
  const coordinate = () => kinds[Math.floor(random() * kinds.length)]()
  const randomRing = () => {
    const points = Array.from({ length: 3 + Math.floor(random() * 6) }, () => [coordinate(), coordinate()])
    return [...points, points[0]]
  }
  const geometries: Geometry[] = [
    SQUARE,
    { type: 'Point', coordinates: [-0, 1e-7] },
    { type: 'Point', coordinates: [37, 36, 412.5] },
    {
      type: 'LineString',
      coordinates: [
        [1e21, -1e-21],
        [0, -0],
        [180, -90],
      ],
    },
    {
      type: 'MultiPoint',
      coordinates: [
        [3, 4],
        [1, 2],
      ],
    },
    {
      type: 'MultiLineString',
      coordinates: [
        [
          [1, 2],
          [3, 4],
        ],
        [
          [0, 0],
          [1, 1],
        ],
      ],
    },
    { type: 'Polygon', coordinates: [] },
    { type: 'Polygon', coordinates: [ring(-0, -0, 4), ring(2, 2, 1), ring(1, 1, 0.5), ring(1e-7, 1e-7, 1e-8)] },
    { type: 'MultiPolygon', coordinates: [[ring(10, 10, 1)], [ring(-10, -10, 1), ring(-9.5, -9.5, 0.25)], [ring(10, 10, 1)], [ring(0, 0, 3), ring(1, 1, 1)]] },
    { type: 'GeometryCollection', geometries: [{ type: 'Point', coordinates: [1, 2] }, SQUARE] },
    ...Array.from({ length: 40 }, (): Geometry => ({
      type: 'MultiPolygon',
      coordinates: Array.from({ length: 1 + Math.floor(random() * 4) }, () => Array.from({ length: 1 + Math.floor(random() * 4) }, randomRing)),
    })),
    ...Array.from({ length: 20 }, (): Geometry => ({ type: 'Polygon', coordinates: Array.from({ length: 1 + Math.floor(random() * 5) }, randomRing) })),
  ]
  for (const [i, geometry] of geometries.entries())
    t.equal(canonicalGeometryJson(geometry), canonicalJson(canonicalGeometry(geometry)), `geometry ${i} (${geometry.type})`)

  t.test('hashes as the canonical text written by hand', async (t) => {
    // Rotated to start at the smallest vertex, the holes sorted by text, -0 written 0, 1e-7 as JSON writes it.
    const polygon: Polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [4, -0],
          [4, 4],
          [1e-7, 4],
          [1e-7, -0],
          [4, -0],
        ],
        [
          [2, 2],
          [3, 2],
          [3, 3],
          [2, 2],
        ],
        [
          [1, 1],
          [2, 1],
          [2, 2],
          [1, 1],
        ],
      ],
    }
    const text = '{"coordinates":[[[1e-7,0],[4,0],[4,4],[1e-7,4],[1e-7,0]],[[1,1],[2,1],[2,2],[1,1]],[[2,2],[3,2],[3,3],[2,2]]],"type":"Polygon"}'
    t.equal(canonicalGeometryJson(polygon), text)
    t.equal(geometryHash(polygon), createHash('sha256').update(text).digest('hex'))
  })

  t.test('a coordinate that is not a number takes the generic path', async (t) => {
    const odd = { type: 'Point', coordinates: [1, { toJSON: () => 2 }] } as unknown as Geometry
    t.equal(canonicalGeometryJson(odd), '{"coordinates":[1,2],"type":"Point"}')
    const sparse = {
      type: 'LineString',
      coordinates: [
        [1, 2],
        [3, Number.NaN],
      ],
    } as Geometry
    t.equal(canonicalGeometryJson(sparse), '{"coordinates":[[1,2],[3,null]],"type":"LineString"}')
  })
})
