import t from 'tap'
import { AUTH, area, buildTestApp, collection, importSnapshot, seed, square } from '../helpers.js'

const two = collection([area(square(0, 0, 1), { actor: 'hts' }), area(square(1, 0, 1), { actor: 'saa' })])

/** Everything a failed import must leave untouched. */
async function state(app: Awaited<ReturnType<typeof buildTestApp>>) {
  const [dataset, imports, map, actors] = await Promise.all([
    app.inject({ url: '/v1/datasets/test' }),
    app.inject({ url: '/v1/imports?dataset=test' }),
    app.inject({ url: '/v1/control?dataset=test&at=2030-01-01' }),
    app.inject({ url: '/v1/datasets/test/actors' }),
  ])
  return { revision: dataset.json().revision, imports: imports.json().imports.length, map: map.json().features.length, actors: actors.json().actors.length }
}

t.test('POST /v1/datasets/{id}/snapshots', async (t) => {
  const app = await buildTestApp(t)
  await seed(app, 'test')

  t.test('needs a bearer token, and the right one', async (t) => {
    const none = await app.inject({ method: 'POST', url: '/v1/datasets/test/snapshots?valid_from=2024-11-26', payload: two })
    t.equal(none.statusCode, 401)
    t.equal(none.json().code, 'AUTH_REQUIRED')
    const wrong = await app.inject({
      method: 'POST',
      url: '/v1/datasets/test/snapshots?valid_from=2024-11-26',
      payload: two,
      headers: { authorization: 'Bearer nope' },
    })
    t.equal(wrong.statusCode, 401)
    t.equal(wrong.json().code, 'INVALID_TOKEN')
  })

  t.test('imports, then answers a replay with the earlier import and writes nothing', async (t) => {
    const first = await importSnapshot(app, 'test', '2024-11-26', two)
    t.equal(first.statusCode, 201)
    t.match(first.json(), { replayed: false, import: { kind: 'snapshot', validFrom: '2024-11-26T00:00:00.000Z', counts: { features: 2, inserted: 2 } } })
    const before = await state(app)
    const again = await importSnapshot(app, 'test', '2024-11-26', two)
    t.equal(again.statusCode, 200)
    t.match(again.json(), { replayed: true, import: { id: first.json().import.id } })
    t.same(await state(app), before)
  })

  t.test('refuses bad input with every offending feature, and changes nothing', async (t) => {
    const before = await state(app)
    const cases: [string, unknown, string, string][] = [
      ['not a FeatureCollection', { type: 'Feature', geometry: null, properties: {} }, '/type', 'NOT_A_FEATURE_COLLECTION'],
      [
        'a LineString area',
        collection([
          area(
            {
              type: 'LineString',
              coordinates: [
                [0, 0],
                [1, 1],
              ],
            },
            { actor: 'hts' },
          ),
        ]),
        '/features/0/geometry',
        'WRONG_GEOMETRY_TYPE',
      ],
      [
        'an unclosed ring',
        collection([
          area(
            {
              type: 'Polygon',
              coordinates: [
                [
                  [0, 0],
                  [1, 0],
                  [1, 1],
                  [0, 1],
                ],
              ],
            },
            { actor: 'hts' },
          ),
        ]),
        '/features/0/geometry/coordinates/0',
        'INVALID_GEOMETRY',
      ],
      [
        'an empty ring',
        collection([area({ type: 'Polygon', coordinates: [square(0, 0, 1).coordinates[0], []] }, { actor: 'hts' })]),
        '/features/0/geometry/coordinates/1',
        'INVALID_GEOMETRY',
      ],
      ['features that are not Features', { type: 'FeatureCollection', features: [{ type: 'Polygon', coordinates: [] }] }, '/features/0/type', 'NOT_A_FEATURE'],
      [
        'a latitude out of range',
        collection([
          area(
            {
              type: 'Polygon',
              coordinates: [
                [
                  [0, 0],
                  [1, 0],
                  [1, 95],
                  [0, 0],
                ],
              ],
            },
            { actor: 'hts' },
          ),
        ]),
        '/features/0/geometry/coordinates/0/2',
        'INVALID_GEOMETRY',
      ],
      [
        'a string coordinate',
        collection([
          area(
            {
              type: 'Polygon',
              coordinates: [
                [
                  [0, 0],
                  [1, 0],
                  [1, 'NaN'],
                  [0, 0],
                ],
              ],
            },
            { actor: 'hts' },
          ),
        ]),
        '/features/0/geometry/coordinates/0/2',
        'INVALID_GEOMETRY',
      ],
      [
        'a bow-tie',
        collection([
          area(
            {
              type: 'Polygon',
              coordinates: [
                [
                  [0, 0],
                  [1, 1],
                  [1, 0],
                  [0, 1],
                  [0, 0],
                ],
              ],
            },
            { actor: 'hts' },
          ),
        ]),
        '/features/0/geometry',
        'INVALID_GEOMETRY',
      ],
      ['an unknown actor', collection([area(square(0, 0, 1), { actor: 'Wagner' })]), '/features/0/properties/actor', 'UNKNOWN_ACTOR'],
      ['no actor', collection([area(square(0, 0, 1), {})]), '/features/0/properties/actor', 'MISSING_ACTOR'],
      ['a bad status', collection([area(square(0, 0, 1), { actor: 'hts', status: 'held' })]), '/features/0/properties/status', 'INVALID_STATUS'],
      ['a projected crs', { ...two, crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::3857' } } }, '/crs', 'UNSUPPORTED_CRS'],
    ]
    for (const [what, body, path, code] of cases) {
      const res = await importSnapshot(app, 'test', '2024-12-01', body)
      t.equal(res.statusCode, 422, what)
      t.match(res.headers['content-type'], /^application\/problem\+json/, what)
      t.equal(res.json().code, 'INVALID_IMPORT', what)
      t.ok(
        res.json().errors.some((e: any) => e.code === code && e.path.startsWith(path)),
        `${what}: ${JSON.stringify(res.json().errors)}`,
      )
    }
    t.same(await state(app), before)
  })

  t.test('names a swapped [lat, lon] pair as such', async (t) => {
    const swapped = collection([
      area(
        {
          type: 'Polygon',
          coordinates: [
            [
              [36, 120],
              [36.1, 120],
              [36.1, 120.1],
              [36, 120],
            ],
          ],
        },
        { actor: 'hts' },
      ),
    ])
    const res = await importSnapshot(app, 'test', '2024-12-01', swapped)
    t.equal(res.statusCode, 422)
    t.match(res.json().errors[0].reason, /lat, lon|\[lat/i)
  })

  t.test('refuses malformed JSON, a wrong media type and bad dates', async (t) => {
    const malformed = await app.inject({
      method: 'POST',
      url: '/v1/datasets/test/snapshots?valid_from=2024-12-01',
      headers: { ...AUTH, 'content-type': 'application/json' },
      payload: '{"type": "FeatureCollection", "features": [',
    })
    t.equal(malformed.statusCode, 400)
    t.equal(malformed.json().code, 'MALFORMED_JSON')
    const text = await app.inject({
      method: 'POST',
      url: '/v1/datasets/test/snapshots?valid_from=2024-12-01',
      headers: { ...AUTH, 'content-type': 'text/plain' },
      payload: 'hello',
    })
    t.equal(text.statusCode, 415)
    t.equal(text.json().code, 'UNSUPPORTED_MEDIA_TYPE')
    const badDate = await importSnapshot(app, 'test', '2024-11-31', two)
    t.equal(badDate.statusCode, 400)
    t.match(badDate.json(), { code: 'INVALID_DATE', errors: [{ path: '/query/valid_from', code: 'INVALID_DATE' }] })
    const noDate = await app.inject({ method: 'POST', url: '/v1/datasets/test/snapshots', headers: AUTH, payload: two })
    t.equal(noDate.statusCode, 400)
  })

  t.test('accepts application/geo+json', async (t) => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/datasets/test/snapshots?valid_from=2024-11-20',
      headers: { ...AUTH, 'content-type': 'application/geo+json' },
      payload: JSON.stringify(two),
    })
    t.equal(res.statusCode, 201)
  })

  t.test('a bad feature late in a large file leaves nothing behind', async (t) => {
    const before = await state(app)
    const features = Array.from({ length: 2000 }, (_, i) => area(square((i % 50) * 0.02, Math.floor(i / 50) * 0.02, 0.01), { actor: i % 2 ? 'hts' : 'saa' }))
    features.push(
      area(
        {
          type: 'Polygon',
          coordinates: [
            [
              [0, 0],
              [1, 0],
              [1, 1],
              [0, 1],
            ],
          ],
        },
        { actor: 'hts' },
      ),
    )
    const res = await importSnapshot(app, 'test', '2024-12-05', collection(features))
    t.equal(res.statusCode, 422)
    t.same(
      res.json().errors.map((e: any) => e.index),
      [2000],
    )
    t.same(await state(app), before)
  })

  t.test('a dataset that does not exist is 404, not a new dataset', async (t) => {
    const res = await importSnapshot(app, 'ghost', '2024-11-26', two)
    t.equal(res.statusCode, 404)
    t.equal(res.json().code, 'DATASET_NOT_FOUND')
  })
})

t.test('imports of files as GIS tools write them', async (t) => {
  const app = await buildTestApp(t)
  await seed(app, 'test')

  t.test('a CRS84 crs member, empty and null geometries, z values, null properties', async (t) => {
    const body = {
      type: 'FeatureCollection',
      crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:OGC:1.3:CRS84' } },
      features: [
        {
          type: 'Feature',
          properties: null,
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [0, 0, 0],
                [1, 0, 0],
                [1, 1, 0],
                [0, 1, 0],
                [0, 0, 0],
              ],
            ],
          },
        },
        { type: 'Feature', properties: { layer: 'x' }, geometry: { type: 'MultiPolygon', coordinates: [] } },
        { type: 'Feature', properties: { layer: 'y' }, geometry: null },
      ],
    }
    const res = await importSnapshot(app, 'test', '2024-11-26', body, '&actor=HTS')
    t.equal(res.statusCode, 201, res.body)
    const { counts, notes } = res.json().import
    t.match(counts, { features: 3, skipped: 2, inserted: 1 })
    t.ok(notes.some((n: any) => n.path === '/crs'))
    t.ok(notes.some((n: any) => n.index === 0 && /z|third/i.test(n.note)))
    t.ok(notes.filter((n: any) => /skipped/.test(n.note)).length === 2)
    const map = (await app.inject({ url: '/v1/control?dataset=test&at=2024-11-26' })).json()
    t.same(map.features[0].geometry.coordinates[0][0], [0, 0])
  })

  t.test('clockwise rings are rewound and the report says so', async (t) => {
    const clockwise = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [0, 1],
          [1, 1],
          [1, 0],
          [0, 0],
        ],
      ],
    }
    const res = await importSnapshot(app, 'test', '2024-11-27', collection([area(clockwise, { actor: 'hts' })]))
    t.equal(res.statusCode, 201)
    t.ok(res.json().import.notes.some((n: any) => /wound|winding/i.test(n.note)))
    const map = (await app.inject({ url: '/v1/control?dataset=test&at=2024-11-27' })).json()
    t.same(map.features[0].geometry.coordinates[0], [
      [0, 0],
      [1, 0],
      [1, 1],
      [0, 1],
      [0, 0],
    ])
  })

  t.test('actor_property and an alias map import a file unchanged', async (t) => {
    const body = collection([area(square(0, 0, 1), { layer: 'Hay’at Tahrir' }), area(square(1, 0, 1), { layer: 'SAA' })])
    const res = await importSnapshot(app, 'test', '2024-11-28', body, `&actor_property=layer&aliases=${encodeURIComponent('Hay’at Tahrir:hts')}`)
    t.equal(res.statusCode, 201, res.body)
    const map = (await app.inject({ url: '/v1/control?dataset=test&at=2024-11-28' })).json()
    t.same(map.features.map((f: any) => f.properties.actor).sort(), ['hts', 'saa'])
  })

  t.test('unknown actors are created when asked, each its own side', async (t) => {
    const body = collection([area(square(0, 0, 1), { actor: 'Syrian Democratic Forces' })])
    const res = await importSnapshot(app, 'test', '2024-11-29', body, '&unknown_actors=create')
    t.equal(res.statusCode, 201, res.body)
    t.match(res.json().import.counts, { actorsCreated: 1 })
    const actor = await app.inject({ url: '/v1/datasets/test/actors/syrian-democratic-forces' })
    t.match(actor.json(), { name: 'Syrian Democratic Forces', side: 'syrian-democratic-forces' })
  })

  t.test('contested ground needs no actor', async (t) => {
    const res = await importSnapshot(app, 'test', '2024-11-30', collection([area(square(0, 0, 1), { status: 'contested' })]))
    t.equal(res.statusCode, 201, res.body)
    const map = (await app.inject({ url: '/v1/control?dataset=test&at=2024-11-30' })).json()
    t.match(map.features[0].properties, { actor: null, status: 'contested' })
  })
})

t.test('limits', async (t) => {
  const app = await buildTestApp(t, { BODY_LIMIT_MB: '0.01', MAX_FEATURES_PER_IMPORT: '3' })
  await seed(app, 'test')
  const big = collection(
    Array.from({ length: 3 }, (_, i) =>
      area(
        {
          type: 'Polygon',
          coordinates: [
            Array.from({ length: 200 }, (_, k) => [Math.cos((k / 199) * 2 * Math.PI) + i * 3, Math.sin((k / 199) * 2 * Math.PI)]).map((p, k, all) =>
              k === all.length - 1 ? all[0] : p,
            ),
          ],
        },
        { actor: 'hts' },
      ),
    ),
  )
  const tooBig = await importSnapshot(app, 'test', '2024-11-26', big)
  t.equal(tooBig.statusCode, 413)
  t.equal(tooBig.json().code, 'BODY_TOO_LARGE')
  const tooMany = await importSnapshot(app, 'test', '2024-11-26', collection(Array.from({ length: 4 }, (_, i) => area(square(i, 0, 1), { actor: 'hts' }))))
  t.equal(tooMany.statusCode, 413)
  t.equal(tooMany.json().code, 'TOO_MANY_FEATURES')
})

t.test('concurrent imports into one dataset', async (t) => {
  const app = await buildTestApp(t)
  await seed(app, 'test')
  const revision = (await app.inject({ url: '/v1/datasets/test' })).json().revision
  const days = ['2024-11-26', '2024-11-27', '2024-11-28', '2024-11-29']
  const results = await Promise.all(days.map((day, i) => importSnapshot(app, 'test', day, collection([area(square(i, 0, 1), { actor: 'hts' })]))))
  t.same(
    results.map((res) => res.statusCode),
    [201, 201, 201, 201],
  )
  const imports = (await app.inject({ url: '/v1/imports?dataset=test' })).json().imports
  t.equal(imports.length, 4)
  t.equal((await app.inject({ url: '/v1/datasets/test' })).json().revision, revision + 4)
  // whatever order they ran in, each day shows its own square and only it
  for (const [i, day] of days.entries()) {
    const map = (await app.inject({ url: `/v1/control?dataset=test&at=${day}` })).json()
    t.same(
      map.features.map((f: any) => f.geometry.coordinates[0][0]),
      [[i, 0]],
      day,
    )
  }
})

t.test('POST /v1/datasets/{id}/history', async (t) => {
  const app = await buildTestApp(t)
  await seed(app, 'test')
  const history = collection([
    area(square(0, 0, 1), { actor: 'saa', valid_from: '2024-11-26', valid_to: '2024-11-28' }, 'village-a'),
    area(square(0, 0, 1), { actor: 'hts', valid_from: '2024-11-28' }, 'village-a-hts'),
  ])
  const res = await app.inject({ method: 'POST', url: '/v1/datasets/test/history', headers: AUTH, payload: history })
  t.equal(res.statusCode, 201, res.body)
  const holder = async (at: string) => (await app.inject({ url: `/v1/control/point?dataset=test&lon=0.5&lat=0.5&at=${at}` })).json().holder
  t.match(await holder('2024-11-27'), { actor: 'saa', until: '2024-11-28T00:00:00.000Z' })
  t.match(await holder('2024-12-15'), { actor: 'hts', until: null })

  t.test('refuses intervals that run backwards, dates that do not parse, and overlaps of one area', async (t) => {
    const post = (body: unknown) => app.inject({ method: 'POST', url: '/v1/datasets/test/history', headers: AUTH, payload: body as object })
    const backwards = await post(collection([area(square(0, 0, 1), { actor: 'hts', valid_from: '2024-11-28', valid_to: '2024-11-26' })]))
    t.equal(backwards.statusCode, 422)
    t.match(backwards.json().errors, [{ code: 'INVALID_INTERVAL', path: '/features/0/properties/valid_to' }])
    const garbage = await post(collection([area(square(0, 0, 1), { actor: 'hts', valid_from: 'last tuesday' })]))
    t.match(garbage.json().errors, [{ code: 'INVALID_DATE', path: '/features/0/properties/valid_from' }])
    const within = await post(
      collection([
        area(square(0, 0, 1), { actor: 'hts', valid_from: '2024-11-01', valid_to: '2024-11-10' }, 'x'),
        area(square(0, 0, 1), { actor: 'saa', valid_from: '2024-11-05', valid_to: '2024-11-20' }, 'x'),
      ]),
    )
    t.match(within.json().errors, [{ code: 'OVERLAPPING_INTERVALS', index: 1 }])
    const stored = await post(collection([area(square(0, 0, 1), { actor: 'hts', valid_from: '2024-11-27' }, 'village-a')]))
    t.equal(stored.statusCode, 422)
    t.match(stored.json().errors, [{ code: 'OVERLAPPING_INTERVALS', index: 0 }])
  })
})

t.test('sources an area cites', async (t) => {
  const app = await buildTestApp(t)
  await seed(app, 'test')
  const sourcesAt = async (dataset: string, at: string) => {
    const res = await app.inject({ url: `/v1/control?dataset=${dataset}&at=${at}` })
    t.equal(res.statusCode, 200, res.body.slice(0, 300))
    const features = res.json().features as { properties: { areaKey: string; sources: string[] } }[]
    return Object.fromEntries(features.map((feature) => [feature.properties.areaKey, feature.properties.sources]))
  }

  t.test('are read as a list: a JSON array, ids between commas or semicolons, or one free citation', async (t) => {
    const file = collection([
      area(square(0, 0, 1), { actor: 'hts', source: ['x-1', ' x-2 ', 'x-1', ''] }, 'array'),
      area(square(1, 0, 1), { actor: 'hts', source: 'x-3; x-4,x-3' }, 'ids'),
      area(square(2, 0, 1), { actor: 'hts', source: 'Le Monde, 29 nov. 2024' }, 'citation'),
      area(square(3, 0, 1), { actor: 'hts', source: 'x-5, and a word' }, 'mixed'),
      area(square(4, 0, 1), { actor: 'hts', source: 12 }, 'number'),
      area(square(5, 0, 1), { actor: 'hts' }, 'none'),
    ])
    t.equal((await importSnapshot(app, 'test', '2024-11-26', file)).statusCode, 201)
    t.same(await sourcesAt('test', '2024-11-26'), {
      array: ['x-1', 'x-2'],
      ids: ['x-3', 'x-4'],
      citation: ['Le Monde, 29 nov. 2024'],
      mixed: ['x-5, and a word'],
      number: ['12'],
      none: [],
    })
  })

  t.test('are kept by the rows a later snapshot cuts, and by a history', async (t) => {
    // The next day keeps only the first area: the others are closed, their rows up to that day copied.
    const next = collection([area(square(0, 0, 1), { actor: 'hts', source: 'y-1' }, 'array')])
    t.equal((await importSnapshot(app, 'test', '2024-11-27', next)).statusCode, 201)
    t.match(await sourcesAt('test', '2024-11-26'), { array: ['x-1', 'x-2'], ids: ['x-3', 'x-4'], citation: ['Le Monde, 29 nov. 2024'] })
    await seed(app, 'past')
    const history = collection([area(square(0, 0, 1), { actor: 'saa', cite: 'h-1;h-2', valid_from: '2024-01-01', valid_to: '2024-02-01' }, 'h')])
    const res = await app.inject({ method: 'POST', url: '/v1/datasets/past/history?source_property=cite', headers: AUTH, payload: history })
    t.equal(res.statusCode, 201, res.body)
    t.same(await sourcesAt('past', '2024-01-15'), { h: ['h-1', 'h-2'] }, 'read from the property source_property names')
  })

  t.test('refuses a list holding anything but text, naming the feature', async (t) => {
    const file = collection([area(square(0, 0, 1), { actor: 'hts', source: ['x-1', { id: 'x-2' }] })])
    const res = await importSnapshot(app, 'test', '2024-11-30', file)
    t.equal(res.statusCode, 422)
    t.equal(res.json().code, 'INVALID_IMPORT')
    t.match(res.json().errors, [{ index: 0, path: '/features/0/properties/source', code: 'INVALID_SOURCE' }])
  })
})

t.test('GET /v1/imports', async (t) => {
  const app = await buildTestApp(t)
  await seed(app, 'test')
  await seed(app, 'other')
  const ids: number[] = []
  for (const day of ['2024-11-26', '2024-11-27', '2024-11-28'])
    ids.push((await importSnapshot(app, 'test', day, collection([area(square(0, 0, 1), { actor: day === '2024-11-27' ? 'saa' : 'hts' })]))).json().import.id)
  await importSnapshot(app, 'other', '2024-11-26', collection([area(square(0, 0, 1), { actor: 'hts' })]))
  const rels = (page: { links: { rel: string; href: string }[] }) => Object.fromEntries(page.links.map((link) => [link.rel, link.href]))

  t.test('pages newest first with limit and offset, counting every match, links absolute', async (t) => {
    const res = await app.inject({ url: '/v1/imports?dataset=test&limit=2' })
    t.equal(res.statusCode, 200)
    const page = res.json()
    t.same(
      page.imports.map((entry: { id: number }) => entry.id),
      [ids[2], ids[1]],
    )
    t.equal(page.numberMatched, 3)
    t.equal(page.numberReturned, 2)
    t.notOk('next' in page, 'no bare next member')
    t.same(rels(page), { self: 'http://localhost:80/v1/imports?dataset=test&limit=2', next: 'http://localhost:80/v1/imports?dataset=test&limit=2&offset=2' })
    const rest = (await app.inject({ url: rels(page).next })).json()
    t.same(
      rest.imports.map((entry: { id: number }) => entry.id),
      [ids[0]],
    )
    t.match(rest, { numberMatched: 3, numberReturned: 1 })
    t.same(rels(rest), {
      self: 'http://localhost:80/v1/imports?dataset=test&limit=2&offset=2',
      prev: 'http://localhost:80/v1/imports?dataset=test&limit=2&offset=0',
    })
    t.match((await app.inject({ url: '/v1/imports' })).json(), { numberMatched: 4, numberReturned: 4 }, 'every dataset without the filter')
    t.match((await app.inject({ url: '/v1/imports?dataset=test&offset=5' })).json(), { imports: [], numberMatched: 3, numberReturned: 0 })
    const before = await app.inject({ url: `/v1/imports?before=${ids[2]}` })
    t.equal(before.statusCode, 400)
    t.equal(before.json().code, 'UNKNOWN_PARAMETER', 'the cursor parameter is gone')
  })

  t.test('answers CSV for f=csv and Accept: text/csv: every member but the notes, the counts as counts.<name>', async (t) => {
    const res = await app.inject({ url: '/v1/imports?dataset=test&f=csv&limit=1&offset=2' })
    t.equal(res.statusCode, 200)
    t.match(res.headers['content-type'], /^text\/csv/)
    const [header, row, end] = res.body.split('\n')
    const names = header.split(',')
    t.same(names.slice(0, 9), ['id', 'dataset', 'kind', 'validFrom', 'contentHash', 'submittedBy', 'createdAt', 'reverts', 'revertedBy'])
    t.same(names.slice(9, 15), ['counts.features', 'counts.skipped', 'counts.areas', 'counts.inserted', 'counts.updated', 'counts.unchanged'])
    t.ok(names.includes('counts.carried') && names.includes('counts.closed') && names.includes('counts.areasRestored'))
    t.equal(end, '', 'one row for the one import of the page')
    const cells = Object.fromEntries(names.map((name, i) => [name, row.split(',')[i]]))
    const first = (await app.inject({ url: `/v1/imports/${ids[0]}` })).json()
    t.match(cells, {
      id: String(ids[0]),
      dataset: 'test',
      kind: 'snapshot',
      validFrom: '2024-11-26T00:00:00.000Z',
      contentHash: first.contentHash,
      submittedBy: first.submittedBy ?? '',
      createdAt: first.createdAt,
      reverts: '',
      revertedBy: '',
      'counts.features': '1',
      'counts.areas': '1',
      'counts.inserted': '1',
      'counts.carried': '0',
      'counts.updated': '',
    })
    const byAccept = await app.inject({ url: '/v1/imports?dataset=test', headers: { accept: 'text/csv' } })
    t.equal(byAccept.statusCode, 200)
    t.equal(byAccept.body.trim().split('\n').length, 4, 'a header and three rows')
  })

  t.test('GET /v1/imports/{id}', async (t) => {
    const one = await app.inject({ url: `/v1/imports/${ids[0]}` })
    t.equal(one.statusCode, 200)
    t.match(one.json(), { kind: 'snapshot', validFrom: '2024-11-26T00:00:00.000Z' })
    t.equal((await app.inject({ url: '/v1/imports/99999' })).json().code, 'IMPORT_NOT_FOUND')
  })
})
