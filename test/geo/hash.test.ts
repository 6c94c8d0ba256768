import t from 'tap'
import { createHash } from 'node:crypto'
import type { Polygon } from 'geojson'
import { canonicalJson, geometryHash } from '../../src/geo/hash.js'

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
