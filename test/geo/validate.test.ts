import t from 'tap'
import type { Position } from 'geojson'
import { normalizeGeometry } from '../../src/geo/validate.js'
import type { NormalizeOptions } from '../../src/geo/validate.js'
import { findSelfIntersections } from '../../src/geo/segment-intersections.js'

const AREAS: NormalizeOptions = { allowed: ['Polygon', 'MultiPolygon'] }
const ANY: NormalizeOptions = {
  allowed: ['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon'],
}

// Counter-clockwise 4 × 4 square, the shell most tests put holes in.
const SHELL: Position[] = [
  [0, 0],
  [4, 0],
  [4, 4],
  [0, 4],
  [0, 0],
]
const polygon = (...rings: unknown[]) => ({ type: 'Polygon', coordinates: rings })

/** A counter-clockwise ring of n vertices on a 0.5° circle around Aleppo, closed. */
function circleRing(n: number): Position[] {
  const ring: Position[] = []
  for (let i = 0; i < n; i++) {
    const angle = (2 * Math.PI * i) / n
    ring.push([37.16 + 0.5 * Math.cos(angle), 36.2 + 0.5 * Math.sin(angle)])
  }
  ring.push(ring[0])
  return ring
}

/** A valid star of n vertices alternating between radii 1° and 0.1°: every spike is a long segment. */
function starRing(n: number): Position[] {
  const ring: Position[] = []
  for (let i = 0; i < n; i++) {
    const angle = (2 * Math.PI * i) / n
    const radius = i % 2 === 0 ? 1 : 0.1
    ring.push([37.16 + radius * Math.cos(angle), 36.2 + radius * Math.sin(angle)])
  }
  ring.push(ring[0])
  return ring
}

t.test('normalizeGeometry', async (t) => {
  t.test('refuses input that is not a geometry object', async (t) => {
    for (const input of ['Polygon', 42, [], true, undefined]) {
      const result = normalizeGeometry(input, AREAS)
      t.equal(result.geometry, null)
      t.equal(result.empty, false)
      t.match(result.errors, [{ path: '' }], String(input))
    }
  })

  t.test('refuses a missing, mistyped or unknown type', async (t) => {
    t.same(normalizeGeometry({ coordinates: [] }, AREAS).errors, [{ path: '/type', reason: 'missing "type"' }])
    t.match(normalizeGeometry({ type: 7, coordinates: [] }, AREAS).errors, [{ path: '/type', reason: /must be a string/ }])
    t.match(normalizeGeometry({ type: 'Polygn', coordinates: [] }, AREAS).errors, [{ path: '/type', reason: /unknown geometry type "Polygn"/ }])
    t.match(normalizeGeometry({ type: 'polygon', coordinates: [] }, AREAS).errors, [{ reason: /did you mean "Polygon"/ }])
  })

  t.test('refuses a type that is not allowed, naming the allowed ones', async (t) => {
    const result = normalizeGeometry(
      {
        type: 'LineString',
        coordinates: [
          [0, 0],
          [1, 1],
        ],
      },
      AREAS,
    )
    t.same(result.errors, [{ path: '/type', reason: 'expected Polygon or MultiPolygon, got LineString' }])
    t.equal(result.geometry, null)
  })

  t.test('refuses a GeometryCollection as not supported', async (t) => {
    const result = normalizeGeometry({ type: 'GeometryCollection', geometries: [] }, ANY)
    t.match(result.errors, [{ path: '/type', reason: /GeometryCollection is not supported/ }])
  })

  t.test('refuses a Feature passed where a geometry belongs', async (t) => {
    const result = normalizeGeometry({ type: 'Feature', geometry: null, properties: {} }, ANY)
    t.match(result.errors, [{ path: '/type', reason: 'expected a geometry, got a Feature' }])
  })

  t.test('refuses missing or wrongly nested coordinates', async (t) => {
    t.same(normalizeGeometry({ type: 'Polygon' }, AREAS).errors, [{ path: '/coordinates', reason: 'missing "coordinates"' }])
    t.match(normalizeGeometry({ type: 'Polygon', coordinates: 'none' }, AREAS).errors, [{ path: '/coordinates' }])
    const lineAsPolygon = normalizeGeometry(
      {
        type: 'Polygon',
        coordinates: [
          [0, 0],
          [1, 1],
          [0, 1],
          [0, 0],
        ],
      },
      AREAS,
    )
    t.match(lineAsPolygon.errors, [{ path: '/coordinates', reason: /nested 2 deep where 3 is expected/ }])
    t.equal(lineAsPolygon.errors.length, 1)
    t.match(normalizeGeometry({ type: 'Point', coordinates: [[1, 2]] }, ANY).errors, [{ path: '/coordinates' }])
    const ringNotArray = normalizeGeometry(polygon(SHELL, 'hole'), AREAS)
    t.match(ringNotArray.errors, [{ path: '/coordinates/1', reason: /expected a ring/ }])
  })

  t.test('refuses positions that are not finite numbers, naming each', async (t) => {
    const ring: unknown[] = SHELL.map((p) => [...p])
    ring[1] = [4, Number.NaN]
    ring[2] = ['4', 4]
    ring[3] = [0, null]
    ring[4] = [Number.POSITIVE_INFINITY, 0]
    const result = normalizeGeometry(polygon(ring), AREAS)
    t.equal(result.geometry, null)
    t.match(result.errors, [
      { path: '/coordinates/0/1/1', reason: 'latitude is NaN, not a finite number' },
      { path: '/coordinates/0/2/0', reason: 'longitude is a string ("4"), not a finite number' },
      { path: '/coordinates/0/3/1', reason: 'latitude is null, not a finite number' },
      { path: '/coordinates/0/4/0', reason: 'longitude is Infinity, not a finite number' },
    ])
    t.equal(result.errors.length, 4)
  })

  t.test('refuses positions with too few or too many values', async (t) => {
    const result = normalizeGeometry({ type: 'LineString', coordinates: [[0], [1, 1, 1, 1], [2, 2]] }, ANY)
    t.match(result.errors, [{ path: '/coordinates/0' }, { path: '/coordinates/1', reason: /got 4 values/ }])
    t.match(normalizeGeometry({ type: 'MultiPoint', coordinates: [[1, 2], 3] }, ANY).errors, [
      { path: '/coordinates/1', reason: 'expected a position [lon, lat], got 3' },
    ])
  })

  t.test('refuses longitudes and latitudes out of range', async (t) => {
    const result = normalizeGeometry(
      {
        type: 'LineString',
        coordinates: [
          [0, 0],
          [181, 10],
          [100, -91],
          [-180, 90],
        ],
      },
      ANY,
    )
    t.same(result.errors, [
      { path: '/coordinates/1/0', reason: 'longitude 181 is outside [-180, 180]' },
      // Swapped, [-91, 100] would be no better: no hint.
      { path: '/coordinates/2/1', reason: 'latitude -91 is outside [-90, 90]' },
    ])
  })

  t.test('says when a position looks like [lat, lon]', async (t) => {
    // Vladivostok written [lat, lon]: the latitude 131.9 is impossible, the swapped pair is fine.
    const result = normalizeGeometry({ type: 'Point', coordinates: [43.1, 131.9] }, ANY)
    t.same(result.errors, [
      {
        path: '/coordinates/1',
        reason: 'latitude 131.9 is outside [-90, 90]; looks like [lat, lon]; GeoJSON positions are [lon, lat]',
      },
    ])
    const hopeless = normalizeGeometry({ type: 'Point', coordinates: [100, 131.9] }, ANY)
    t.notMatch(hopeless.errors[0].reason, /looks like/)
  })

  t.test('drops z with one note counting the positions', async (t) => {
    const result = normalizeGeometry(
      {
        type: 'LineString',
        coordinates: [
          [0, 0, 5],
          [1, 1, 6],
          [2, 1],
        ],
      },
      ANY,
    )
    t.same(result.errors, [])
    t.same(result.geometry, {
      type: 'LineString',
      coordinates: [
        [0, 0],
        [1, 1],
        [2, 1],
      ],
    })
    t.same(result.notes, ['dropped third coordinate (z) from 2 positions'])
    t.match(normalizeGeometry({ type: 'Point', coordinates: [1, 2, 'high'] }, ANY).errors, [{ path: '/coordinates/2', reason: /^z is a string/ }])
  })

  t.test('removes repeated consecutive vertices, including a doubled closing vertex', async (t) => {
    const ring = [
      [0, 0],
      [4, 0],
      [4, 0],
      [4, 4],
      [0, 4],
      [0, 0],
      [0, 0],
    ]
    const result = normalizeGeometry(polygon(ring), AREAS)
    t.same(result.errors, [])
    t.same(result.geometry, { type: 'Polygon', coordinates: [SHELL] })
    t.same(result.notes, ['removed 2 repeated consecutive vertices'])
    t.equal(result.vertexCount, 5)
  })

  t.test('rewinds a clockwise exterior ring to counter-clockwise', async (t) => {
    const clockwise = [
      [0, 0],
      [0, 1],
      [1, 1],
      [1, 0],
      [0, 0],
    ]
    const result = normalizeGeometry(polygon(clockwise), AREAS)
    t.same(result.geometry, {
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
    })
    t.same(result.notes, ['rewound 1 ring to RFC 7946 winding'])
  })

  t.test('rewinds a counter-clockwise hole to clockwise', async (t) => {
    const hole = [
      [1, 1],
      [2, 1],
      [2, 2],
      [1, 2],
      [1, 1],
    ]
    const result = normalizeGeometry(polygon(SHELL, hole), AREAS)
    t.same(result.geometry, {
      type: 'Polygon',
      coordinates: [
        SHELL,
        [
          [1, 1],
          [1, 2],
          [2, 2],
          [2, 1],
          [1, 1],
        ],
      ],
    })
    t.same(result.notes, ['rewound 1 ring to RFC 7946 winding'])
  })

  t.test('leaves a valid polygon as it is, in new arrays', async (t) => {
    const hole = [
      [1, 1],
      [1, 2],
      [2, 2],
      [2, 1],
      [1, 1],
    ]
    const input = polygon(SHELL, hole)
    const before = JSON.stringify(input)
    const result = normalizeGeometry(input, AREAS)
    t.same(result, { geometry: input, empty: false, notes: [], errors: [], vertexCount: 10 })
    const output = result.geometry as { coordinates: Position[][] }
    t.not(output.coordinates, input.coordinates)
    t.not(output.coordinates[0], input.coordinates[0])
    t.not(output.coordinates[0][0], SHELL[0])
    t.equal(JSON.stringify(input), before)
  })

  t.test('never mutates its input while fixing it', async (t) => {
    const input = polygon([
      [0, 0, 1],
      [0, 1, 1],
      [1, 1, 1],
      [1, 1, 1],
      [1, 0, 1],
      [0, 0, 1],
    ])
    const before = JSON.stringify(input)
    const result = normalizeGeometry(input, AREAS)
    t.equal(result.notes.length, 3)
    t.equal(JSON.stringify(input), before)
  })

  t.test('refuses an unclosed ring', async (t) => {
    const result = normalizeGeometry(
      polygon([
        [0, 0],
        [1, 0],
        [1, 1],
        [0, 1],
      ]),
      AREAS,
    )
    t.same(result.errors, [{ path: '/coordinates/0', reason: 'ring is not closed: first position [0, 0] differs from last [0, 1]' }])
  })

  t.test('refuses a ring with fewer than 4 positions once repeats are gone', async (t) => {
    const result = normalizeGeometry(
      polygon([
        [0, 0],
        [1, 0],
        [1, 0],
        [0, 0],
      ]),
      AREAS,
    )
    t.match(result.errors, [{ path: '/coordinates/0', reason: /ring has 3 positions after removing repeats/ }])
  })

  t.test('refuses an empty ring next to others', async (t) => {
    t.same(normalizeGeometry(polygon(SHELL, []), AREAS).errors, [{ path: '/coordinates/1', reason: 'ring is empty' }])
    t.same(
      normalizeGeometry(
        polygon(
          [],
          [
            [1, 1],
            [1, 2],
            [2, 2],
            [1, 1],
          ],
        ),
        AREAS,
      ).errors,
      [{ path: '/coordinates/0', reason: 'ring is empty' }],
    )
  })

  t.test('refuses a bow-tie ring at its crossing', async (t) => {
    // Diagonals of the square [0, 2]²: segment 0 and segment 2 cross at its centre.
    const result = normalizeGeometry(
      polygon([
        [0, 0],
        [2, 2],
        [2, 0],
        [0, 2],
        [0, 0],
      ]),
      AREAS,
    )
    t.same(result.errors, [{ path: '/coordinates/0/2', reason: 'ring 0 crosses itself at [1, 1] (segments 0–1 and 2–3)' }])
  })

  t.test('numbers positions in error paths as the input does, before repeats are removed', async (t) => {
    const result = normalizeGeometry(
      polygon([
        [0, 0],
        [0, 0],
        [2, 2],
        [2, 0],
        [0, 2],
        [0, 0],
      ]),
      AREAS,
    )
    t.match(result.errors, [{ path: '/coordinates/0/3', reason: /segments 0–2 and 3–4/ }])
  })

  t.test('refuses a ring that touches itself at a vertex', async (t) => {
    // Two triangles meeting at [1, 1], drawn as one ring passing through it twice.
    const result = normalizeGeometry(
      polygon([
        [0, 0],
        [1, 1],
        [2, 0],
        [2, 2],
        [1, 1],
        [0, 2],
        [0, 0],
      ]),
      AREAS,
    )
    t.match(result.errors, [{ path: /^\/coordinates\/0\//, reason: /ring 0 touches itself at \[1, 1\]/ }])
    t.equal(result.errors.length, 1)
  })

  t.test('refuses a ring that doubles back on itself', async (t) => {
    const spike = [
      [0, 0],
      [2, 0],
      [2, 2],
      [3, 2],
      [2, 2],
      [0, 2],
      [0, 0],
    ]
    const result = normalizeGeometry(polygon(spike), AREAS)
    // The touch at [2, 2] where the spike starts is a consequence, not a second problem.
    t.match(result.errors, [{ path: '/coordinates/0/3', reason: /ring 0 runs back over itself from \[2, 2\]/ }])
    t.equal(result.errors.length, 1)
  })

  t.test('refuses a hole that crosses the shell, at each crossing', async (t) => {
    // The hole leaves the shell through its edge x = 4 at y = 2 and comes back at y = 1.
    const hole = [
      [1, 1],
      [1, 2],
      [5, 2],
      [5, 1],
      [1, 1],
    ]
    const result = normalizeGeometry(polygon(SHELL, hole), AREAS)
    const reasons = result.errors.map((error) => error.reason).sort()
    t.equal(reasons.length, 2)
    t.match(reasons, [/^ring 1 crosses ring 0 at \[4, 1\]/, /^ring 1 crosses ring 0 at \[4, 2\]/])
    t.match(result.errors, [{ path: /^\/coordinates\/1\/[0-9]+$/ }, { path: /^\/coordinates\/1\/[0-9]+$/ }])
  })

  t.test('accepts a hole touching the shell at one vertex', async (t) => {
    const hole = [
      [0, 0],
      [1, 2],
      [2, 1],
      [0, 0],
    ]
    const result = normalizeGeometry(polygon(SHELL, hole), AREAS)
    t.same(result.errors, [])
    t.same(result.notes, [])
  })

  t.test('accepts a hole touching a shell edge at one point', async (t) => {
    const hole = [
      [0, 2],
      [2, 3],
      [2, 1],
      [0, 2],
    ]
    t.same(normalizeGeometry(polygon(SHELL, hole), AREAS).errors, [])
  })

  t.test('refuses a hole touching the shell at two points', async (t) => {
    // A diamond from edge x = 0 to edge x = 4 cuts the polygon in two.
    const hole = [
      [0, 2],
      [2, 3],
      [4, 2],
      [2, 1],
      [0, 2],
    ]
    const result = normalizeGeometry(polygon(SHELL, hole), AREAS)
    t.match(result.errors, [{ path: /^\/coordinates\/1\//, reason: /ring 1 touches ring 0 at .* and at another point/ }])
    t.equal(result.errors.length, 1)
  })

  t.test('refuses a hole sharing an edge with the shell', async (t) => {
    const hole = [
      [0, 1],
      [0, 3],
      [2, 2],
      [0, 1],
    ]
    const result = normalizeGeometry(polygon(SHELL, hole), AREAS)
    t.match(result.errors, [{ reason: /ring 1 shares an edge with ring 0 from \[0, 1\]/ }])
  })

  t.test('refuses two holes that cross each other', async (t) => {
    const a = [
      [1, 1],
      [1, 2],
      [2, 2],
      [2, 1],
      [1, 1],
    ]
    const b = [
      [1.5, 1.5],
      [1.5, 3],
      [3, 3],
      [3, 1.5],
      [1.5, 1.5],
    ]
    const result = normalizeGeometry(polygon(SHELL, a, b), AREAS)
    t.match(result.errors, [{ path: /^\/coordinates\/2\//, reason: /ring 2 crosses ring 1/ }])
  })

  t.test('refuses a hole outside its shell', async (t) => {
    const hole = [
      [5, 5],
      [5, 6],
      [6, 6],
      [6, 5],
      [5, 5],
    ]
    const result = normalizeGeometry(polygon(SHELL, hole), AREAS)
    t.same(result.errors, [{ path: '/coordinates/1', reason: 'hole (ring 1) lies outside the exterior ring 0' }])
  })

  t.test('does not check overlaps between the polygons of a MultiPolygon', async (t) => {
    const other = [
      [2, 2],
      [6, 2],
      [6, 6],
      [2, 6],
      [2, 2],
    ]
    const result = normalizeGeometry({ type: 'MultiPolygon', coordinates: [[SHELL], [other]] }, AREAS)
    t.same(result.errors, [])
    t.equal(result.vertexCount, 10)
  })

  t.test('paths problems in a MultiPolygon through the polygon index', async (t) => {
    const bowTie = [
      [0, 0],
      [2, 2],
      [2, 0],
      [0, 2],
      [0, 0],
    ]
    const result = normalizeGeometry(
      {
        type: 'MultiPolygon',
        coordinates: [
          [SHELL],
          [bowTie],
          [
            [
              [0, 0],
              [1, 1],
            ],
          ],
        ],
      },
      AREAS,
    )
    t.match(result.errors, [{ path: '/coordinates/1/0/2' }, { path: '/coordinates/2/0', reason: /not closed/ }])
  })

  t.test('flags geometries without coordinates as empty, not as errors', async (t) => {
    const empties: unknown[] = [
      null,
      { type: 'Polygon', coordinates: [] },
      { type: 'Polygon', coordinates: [[], []] },
      { type: 'MultiPolygon', coordinates: [] },
      { type: 'MultiPolygon', coordinates: [[], [[]]] },
      { type: 'LineString', coordinates: [] },
      { type: 'MultiLineString', coordinates: [[]] },
      { type: 'Point', coordinates: [] },
      { type: 'MultiPoint', coordinates: [] },
    ]
    for (const input of empties) {
      t.same(normalizeGeometry(input, ANY), { geometry: null, empty: true, notes: [], errors: [], vertexCount: 0 }, JSON.stringify(input))
    }
  })

  t.test('drops empty members of a Multi geometry with a note', async (t) => {
    const result = normalizeGeometry({ type: 'MultiPolygon', coordinates: [[], [SHELL], [[]]] }, AREAS)
    t.same(result.geometry, { type: 'MultiPolygon', coordinates: [[SHELL]] })
    t.same(result.notes, ['removed 2 empty parts'])
  })

  t.test('needs two distinct positions in a LineString', async (t) => {
    const result = normalizeGeometry(
      {
        type: 'LineString',
        coordinates: [
          [1, 1],
          [1, 1],
        ],
      },
      ANY,
    )
    t.same(result.errors, [{ path: '/coordinates', reason: 'a line needs at least 2 distinct positions, got 1' }])
    const multi = normalizeGeometry(
      {
        type: 'MultiLineString',
        coordinates: [
          [
            [0, 0],
            [1, 1],
          ],
          [[2, 2]],
        ],
      },
      ANY,
    )
    t.match(multi.errors, [{ path: '/coordinates/1' }])
  })

  t.test('accepts a Point of one position and a MultiPoint of several', async (t) => {
    t.same(normalizeGeometry({ type: 'Point', coordinates: [37.16, 36.2] }, ANY).geometry, { type: 'Point', coordinates: [37.16, 36.2] })
    const multi = normalizeGeometry(
      {
        type: 'MultiPoint',
        coordinates: [
          [1, 2],
          [3, 4],
        ],
        bbox: [1, 2, 3, 4],
      },
      ANY,
    )
    t.same(multi.geometry, {
      type: 'MultiPoint',
      coordinates: [
        [1, 2],
        [3, 4],
      ],
    })
    t.equal(multi.vertexCount, 2)
  })

  t.test('refuses more vertices than maxVertices before looking at them', async (t) => {
    // The NaN would be an error of its own: only the limit is reported.
    const ring = [
      [0, 0],
      [1, 0],
      [1, Number.NaN],
      [0, 1],
      [0, 0],
    ]
    const result = normalizeGeometry(polygon(ring, ring), { ...AREAS, maxVertices: 9 })
    t.same(result.errors, [{ path: '/coordinates', reason: 'geometry has 10 vertices, more than the limit 9' }])
    t.equal(result.vertexCount, 10)
    t.same(normalizeGeometry(polygon(SHELL), { ...AREAS, maxVertices: 5 }).errors, [])
  })

  t.test('reports every problem, up to a cap', async (t) => {
    const line = Array.from({ length: 200 }, (_, i) => [i, Number.NaN])
    const result = normalizeGeometry({ type: 'LineString', coordinates: line }, ANY)
    t.equal(result.errors.length, 51)
    t.same(result.errors[49], { path: '/coordinates/49/1', reason: 'latitude is NaN, not a finite number' })
    t.same(result.errors[50], { path: '', reason: '150 more problems not listed' })
  })

  t.test('accepts a 20,000-vertex circular ring', async (t) => {
    const ring = circleRing(20_000)
    const result = normalizeGeometry(polygon(ring), AREAS)
    t.same(result.errors, [])
    t.same(result.notes, [])
    t.equal(result.vertexCount, 20_001)
  })

  t.test('refuses a polygon too intricate to check rather than check it for minutes', async (t) => {
    // 200 spikes need about 17,000 comparisons, within the budget; 20,000 spikes need about 170M.
    t.same(normalizeGeometry(polygon(starRing(400)), AREAS).errors, [])
    const result = normalizeGeometry(polygon(starRing(40_000)), AREAS)
    t.match(result.errors, [{ path: '/coordinates', reason: /too intricate to check for crossings/ }])
  })

  t.test('finds the one crossing made by swapping two vertices of a 20,000-vertex ring', async (t) => {
    const ring = circleRing(20_000)
    const k = 12_345
    const [p, q, r, s] = [ring[k - 1], ring[k], ring[k + 1], ring[k + 2]]
    ring[k] = r
    ring[k + 1] = q
    // The ring now runs p → r → q → s: chords p–r and q–s of a convex circle cross once.
    const denominator = (r[0] - p[0]) * (s[1] - q[1]) - (r[1] - p[1]) * (s[0] - q[0])
    const along = ((q[0] - p[0]) * (s[1] - q[1]) - (q[1] - p[1]) * (s[0] - q[0])) / denominator
    const expected = [p[0] + along * (r[0] - p[0]), p[1] + along * (r[1] - p[1])]

    const result = normalizeGeometry(polygon(ring), AREAS)
    t.equal(result.errors.length, 1)
    t.equal(result.errors[0].path, `/coordinates/0/${k + 1}`)
    t.match(result.errors[0].reason, `segments ${k - 1}–${k} and ${k + 1}–${k + 2}`)
    const at = /at \[([-\d.]+), ([-\d.]+)\]/.exec(result.errors[0].reason)
    t.ok(at)
    t.ok(Math.abs(Number(at?.[1]) - expected[0]) < 1e-7 && Math.abs(Number(at?.[2]) - expected[1]) < 1e-7, `near ${expected}`)
  })
})

t.test('findSelfIntersections', async (t) => {
  t.test('finds nothing in a square', async (t) => {
    const result = findSelfIntersections([SHELL])
    t.same(result.intersections, [])
    t.equal(result.complete, true)
    // Only the consecutive segments meeting at each corner have touching boxes.
    t.equal(result.comparisons, 4)
  })

  t.test('reports collinear overlapping segments of two rings as an overlap', async (t) => {
    const result = findSelfIntersections([
      SHELL,
      [
        [0, 1],
        [0, 3],
        [2, 2],
        [0, 1],
      ],
    ]).intersections
    t.match(result, [{ ringA: 0, segA: 3, ringB: 1, segB: 0, kind: 'overlap', at: [0, 1] }])
    t.equal(result.length, 1)
  })

  t.test('ignores consecutive segments meeting at their shared vertex, collinear or not', async (t) => {
    const collinearVertices = [
      [0, 0],
      [2, 0],
      [4, 0],
      [4, 4],
      [0, 4],
      [0, 2],
      [0, 0],
    ]
    t.same(findSelfIntersections([collinearVertices]).intersections, [])
  })

  t.test('stops at maxResults', async (t) => {
    const zigzag: Position[] = [[0, 0]]
    for (let i = 1; i <= 10; i++) zigzag.push([i, i % 2 === 0 ? 0 : 10])
    zigzag.push([10, -1], [0, 5], [0, 0])
    t.equal(findSelfIntersections([zigzag], { maxResults: 3 }).intersections.length, 3)
  })

  t.test('gives up, saying so, when the comparisons run out', async (t) => {
    const result = findSelfIntersections([starRing(400)], { maxComparisons: 100 })
    t.equal(result.complete, false)
    t.ok(result.comparisons > 100)
    t.equal(findSelfIntersections([starRing(400)]).complete, true)
  })
})
