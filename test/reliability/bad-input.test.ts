import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { AUTH, area, buildTestApp, collection, importSnapshot, seed, square } from '../helpers.js'

// The bad-input catalogue of issues 9 and 16: each row is a request the independent run sent, with
// the answer it must get now (never a 5xx) and a check that it wrote nothing.

const JSON_HEADERS = { ...AUTH, 'content-type': 'application/json' }
const GEOJSON_HEADERS = { ...AUTH, 'content-type': 'application/geo+json' }
const POLYGON = JSON.stringify(square(0, 0, 1))

/** Everything a refused request must leave as it was: revision, imports, maps before and after the areas, actors, features. */
async function state(app: FastifyInstance) {
  const get = async (url: string) => {
    const res = await app.inject({ url })
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`)
    return res.json()
  }
  const map = async (at: string) =>
    (await get(`/v1/control?dataset=test&at=${at}`)).features.map((f: any) => `${f.properties.actor}:${f.properties.validFrom}:${f.properties.validTo}`).sort()
  return {
    revision: (await get('/v1/datasets/test')).revision,
    datasets: (await get('/v1/datasets')).datasets.map((d: any) => `${d.id}:${d.name}`),
    imports: (await get('/v1/imports?limit=500')).imports.map((i: any) => i.id),
    before: await map('2024-11-25'),
    during: await map('2024-11-27'),
    after: await map('2030-01-01'),
    actors: (await get('/v1/datasets/test/actors')).actors.map((a: any) => `${a.id}:${a.name}`),
    features: (await get('/v1/features?dataset=test')).features.map((f: any) => `${f.id}:${f.properties.name}`),
  }
}

/** A raw FeatureCollection text with one feature of `POLYGON` and the given raw properties text. */
function rawCollection(properties: string, extra = '') {
  return `{"type":"FeatureCollection","features":[{"type":"Feature"${extra},"geometry":${POLYGON},"properties":${properties}}]}`
}

interface Row {
  name: string
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE'
  url: string
  headers?: Record<string, string>
  payload?: string | Buffer | object
  status: number
  code: string
  /** errors[0].path, exactly, or a pattern */
  path?: string | RegExp
  /** errors[0].code */
  detail?: string
}

t.test('bad input', async (t) => {
  const app = await buildTestApp(t)
  await seed(app, 'test')
  t.equal(
    (await importSnapshot(app, 'test', '2024-11-26', collection([area(square(0, 0, 1), { actor: 'hts' }), area(square(1, 0, 1), { actor: 'saa' })])))
      .statusCode,
    201,
  )
  const features = collection([
    { type: 'Feature', id: 'town-a', geometry: { type: 'Point', coordinates: [0.5, 0.5] }, properties: { kind: 'town', name: 'Town A' } },
  ])
  t.equal((await app.inject({ method: 'POST', url: '/v1/datasets/test/features', headers: AUTH, payload: features })).statusCode, 201)

  const deepArray = '['.repeat(100_000) + ']'.repeat(100_000)
  const deepObject = '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000)
  const deepProperties = rawCollection('{"p":' + '['.repeat(5000) + ']'.repeat(5000) + '}')
  const snapshots = '/v1/datasets/test/snapshots?valid_from=2024-12-01'
  const history = '/v1/datasets/test/history'

  // An import's body is read on a worker; every other body by the request's parser: the refusals are the same.
  const bothReaders = [
    ['an import (read on a worker)', snapshots],
    ['a dataset (read by the request parser)', '/v1/datasets/test'],
  ] as const
  const readerRows: Row[] = bothReaders.flatMap(([where, url]): Row[] => {
    const method = url === snapshots ? 'POST' : 'PUT'
    return [
      {
        name: `malformed JSON for ${where}`,
        method,
        url,
        headers: JSON_HEADERS,
        payload: '{"type": "FeatureCollection", ',
        status: 400,
        code: 'MALFORMED_JSON',
        path: '/body',
        detail: 'MALFORMED_JSON',
      },
      {
        name: `an empty body for ${where}`,
        method,
        url,
        headers: JSON_HEADERS,
        payload: '',
        status: 400,
        code: 'MALFORMED_JSON',
        path: '/body',
        detail: 'EMPTY_BODY',
      },
      {
        name: `a __proto__ member for ${where}`,
        method,
        url,
        headers: JSON_HEADERS,
        payload: '{"name": "x", "__proto__": {"admin": true}}',
        status: 400,
        code: 'MALFORMED_JSON',
        path: '/body',
      },
      {
        name: `a lone surrogate for ${where}`,
        method,
        url,
        headers: JSON_HEADERS,
        payload: '{"name": "\\ud800"}',
        status: 400,
        code: 'INVALID_TEXT',
        path: '/body/name',
      },
    ]
  })

  const rows: Row[] = [
    ...readerRows,
    // ---- issue 9: bodies ----
    {
      name: '100k-deep nested arrays',
      method: 'POST',
      url: snapshots,
      headers: JSON_HEADERS,
      payload: deepArray,
      status: 400,
      code: 'JSON_TOO_DEEP',
      path: /^\/body(\/0){64}$/,
    },
    {
      name: '100k-deep nested objects',
      method: 'POST',
      url: snapshots,
      headers: GEOJSON_HEADERS,
      payload: deepObject,
      status: 400,
      code: 'JSON_TOO_DEEP',
      path: /^\/body(\/a){64}$/,
    },
    {
      name: '5k deep in properties',
      method: 'POST',
      url: snapshots,
      headers: GEOJSON_HEADERS,
      payload: deepProperties,
      status: 400,
      code: 'JSON_TOO_DEEP',
      path: /^\/body\/features\/0\/properties\/p(\/0)+$/,
    },
    {
      name: '100k-deep body of PUT dataset',
      method: 'PUT',
      url: '/v1/datasets/test',
      headers: JSON_HEADERS,
      payload: `{"name":"x","properties":${deepObject}}`,
      status: 400,
      code: 'JSON_TOO_DEEP',
      path: /^\/body\/properties(\/a)+$/,
    },
    {
      name: 'NUL in a property',
      method: 'POST',
      url: snapshots,
      headers: GEOJSON_HEADERS,
      payload: rawCollection('{"actor":"hts","note":"a\\u0000b"}'),
      status: 400,
      code: 'INVALID_TEXT',
      path: '/body/features/0/properties/note',
    },
    {
      name: 'NUL in a property key',
      method: 'POST',
      url: snapshots,
      headers: GEOJSON_HEADERS,
      payload: rawCollection('{"actor":"hts","no\\u0000te":1}'),
      status: 400,
      code: 'INVALID_TEXT',
      path: '/body/features/0/properties/no\\u0000te',
    },
    {
      name: 'NUL in a feature id',
      method: 'POST',
      url: snapshots,
      headers: GEOJSON_HEADERS,
      payload: rawCollection('{"actor":"hts"}', ',"id":"k\\u0000"'),
      status: 400,
      code: 'INVALID_TEXT',
      path: '/body/features/0/id',
    },
    {
      name: 'NUL in an actor name that an import would create',
      method: 'POST',
      url: `${snapshots}&unknown_actors=create`,
      headers: GEOJSON_HEADERS,
      payload: rawCollection('{"actor":"New\\u0000Actor"}'),
      status: 400,
      code: 'INVALID_TEXT',
      path: '/body/features/0/properties/actor',
    },
    {
      name: 'NUL in a history date',
      method: 'POST',
      url: history,
      headers: GEOJSON_HEADERS,
      payload: rawCollection('{"actor":"hts","valid_from":"2024-12-01\\u0000"}'),
      status: 400,
      code: 'INVALID_TEXT',
      path: '/body/features/0/properties/valid_from',
    },
    {
      name: 'NUL in a reference feature name',
      method: 'POST',
      url: '/v1/datasets/test/features',
      headers: GEOJSON_HEADERS,
      payload:
        '{"type":"FeatureCollection","features":[{"type":"Feature","id":"town-b","geometry":{"type":"Point","coordinates":[1,1]},"properties":{"kind":"town","name":"B\\u0000"}}]}',
      status: 400,
      code: 'INVALID_TEXT',
      path: '/body/features/0/properties/name',
    },
    {
      name: 'NUL in an actor name (PUT)',
      method: 'PUT',
      url: '/v1/datasets/test/actors/hts',
      headers: JSON_HEADERS,
      payload: '{"name":"H\\u0000TS"}',
      status: 400,
      code: 'INVALID_TEXT',
      path: '/body/name',
    },
    {
      name: 'NUL in a dataset name (PUT)',
      method: 'PUT',
      url: '/v1/datasets/test',
      headers: JSON_HEADERS,
      payload: '{"name":"T\\u0000"}',
      status: 400,
      code: 'INVALID_TEXT',
      path: '/body/name',
    },
    {
      name: 'a lone high surrogate in a property',
      method: 'POST',
      url: snapshots,
      headers: GEOJSON_HEADERS,
      payload: rawCollection('{"actor":"hts","note":"\\ud800x"}'),
      status: 400,
      code: 'INVALID_TEXT',
      path: '/body/features/0/properties/note',
    },
    {
      name: 'a lone low surrogate in an alias (PUT)',
      method: 'PUT',
      url: '/v1/datasets/test/actors/hts',
      headers: JSON_HEADERS,
      payload: '{"name":"HTS","aliases":["ok","\\udc00"]}',
      status: 400,
      code: 'INVALID_TEXT',
      path: '/body/aliases/1',
    },
    {
      name: 'invalid UTF-8 bytes in a property',
      method: 'POST',
      url: snapshots,
      headers: GEOJSON_HEADERS,
      payload: Buffer.concat([Buffer.from(rawCollection('{"actor":"hts","note":"caf').slice(0, -2)), Buffer.from([0xe9]), Buffer.from('"}}]}')]),
      status: 400,
      code: 'INVALID_TEXT',
      path: '/body/features/0/properties/note',
    },
    {
      name: 'an encoded surrogate (CESU-8) in a dataset name',
      method: 'PUT',
      url: '/v1/datasets/test',
      headers: JSON_HEADERS,
      payload: Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]),
      status: 400,
      code: 'INVALID_TEXT',
      path: '/body/name',
    },
    // ---- issue 16 §4: every name limit holds on every path ----
    {
      name: 'a 1 MB actor name through an import that creates actors',
      method: 'POST',
      url: `${snapshots}&unknown_actors=create`,
      headers: GEOJSON_HEADERS,
      payload: collection([area(square(0, 0, 1), { actor: 'x'.repeat(1_000_000) })]),
      status: 422,
      code: 'INVALID_IMPORT',
      path: '/features/0/properties/actor',
      detail: 'TEXT_TOO_LONG',
    },
    {
      name: 'a 201-character actor name through an import',
      method: 'POST',
      url: `${snapshots}&unknown_actors=create`,
      headers: GEOJSON_HEADERS,
      payload: collection([area(square(0, 0, 1), { actor: 'y'.repeat(201) })]),
      status: 422,
      code: 'INVALID_IMPORT',
      path: '/features/0/properties/actor',
      detail: 'TEXT_TOO_LONG',
    },
    {
      name: 'a 201-character actor name (PUT)',
      method: 'PUT',
      url: '/v1/datasets/test/actors/hts',
      payload: { name: 'y'.repeat(201) },
      headers: AUTH,
      status: 400,
      code: 'INVALID_REQUEST',
      path: '/body/name',
    },
    {
      name: 'a 201-character feature name',
      method: 'POST',
      url: '/v1/datasets/test/features',
      headers: AUTH,
      payload: collection([
        { type: 'Feature', id: 'town-b', geometry: { type: 'Point', coordinates: [1, 1] }, properties: { kind: 'town', name: 'n'.repeat(201) } },
      ]),
      status: 422,
      code: 'INVALID_IMPORT',
      path: '/features/0/properties/name',
      detail: 'TEXT_TOO_LONG',
    },
    {
      name: 'a 51-character feature kind',
      method: 'POST',
      url: '/v1/datasets/test/features',
      headers: AUTH,
      payload: collection([
        { type: 'Feature', id: 'town-b', geometry: { type: 'Point', coordinates: [1, 1] }, properties: { kind: 'k'.repeat(51), name: 'B' } },
      ]),
      status: 422,
      code: 'INVALID_IMPORT',
      path: '/features/0/properties/kind',
      detail: 'TEXT_TOO_LONG',
    },
    {
      name: 'an owner side that is not a side id',
      method: 'POST',
      url: '/v1/datasets/test/features',
      headers: AUTH,
      payload: collection([
        {
          type: 'Feature',
          id: 'road',
          geometry: {
            type: 'LineString',
            coordinates: [
              [0, 0],
              [1, 1],
            ],
          },
          properties: { kind: 'highway', name: 'R', owner_side: 'The Government' },
        },
      ]),
      status: 422,
      code: 'INVALID_IMPORT',
      path: '/features/0/properties/owner_side',
      detail: 'INVALID_OWNER_SIDE',
    },
    {
      name: 'a 201-character area id',
      method: 'POST',
      url: snapshots,
      headers: AUTH,
      payload: collection([area(square(0, 0, 1), { actor: 'hts' }, 'i'.repeat(201))]),
      status: 422,
      code: 'INVALID_IMPORT',
      path: '/features/0/id',
      detail: 'TEXT_TOO_LONG',
    },
    {
      name: 'a 2001-character source',
      method: 'POST',
      url: snapshots,
      headers: AUTH,
      payload: collection([area(square(0, 0, 1), { actor: 'hts', source: 's'.repeat(2001) })]),
      status: 422,
      code: 'INVALID_IMPORT',
      path: '/features/0/properties/source',
      detail: 'TEXT_TOO_LONG',
    },
    {
      name: 'a 201-character dataset name (PUT)',
      method: 'PUT',
      url: '/v1/datasets/test',
      headers: AUTH,
      payload: { name: 'd'.repeat(201) },
      status: 400,
      code: 'INVALID_REQUEST',
      path: '/body/name',
    },
    // ---- issue 9: query parameters and paths ----
    { name: 'offset=2^31', url: '/v1/imports?offset=2147483648', status: 400, code: 'INVALID_REQUEST', path: '/query/offset' },
    { name: 'offset=1e15', url: '/v1/imports?offset=1e15', status: 400, code: 'INVALID_REQUEST', path: '/query/offset' },
    { name: 'offset=-1', url: '/v1/imports?offset=-1', status: 400, code: 'INVALID_REQUEST', path: '/query/offset' },
    { name: 'offset= (empty)', url: '/v1/imports?offset=', status: 400, code: 'INVALID_REQUEST', path: '/query/offset' },
    { name: 'limit=0', url: '/v1/control?dataset=test&limit=0', status: 400, code: 'INVALID_REQUEST', path: '/query/limit' },
    { name: 'a removed cursor: before=', url: '/v1/imports?before=5', status: 400, code: 'UNKNOWN_PARAMETER', path: '/query/before' },
    { name: 'limit=2.5', url: '/v1/imports?limit=2.5', status: 400, code: 'INVALID_REQUEST', path: '/query/limit' },
    {
      name: 'limit=99999999999999999999',
      url: '/v1/features?dataset=test&limit=99999999999999999999',
      status: 400,
      code: 'INVALID_REQUEST',
      path: '/query/limit',
    },
    { name: '/v1/imports/2147483648', url: '/v1/imports/2147483648', status: 400, code: 'INVALID_REQUEST', path: '/path/id' },
    { name: '/v1/imports/1e3', url: '/v1/imports/1e3', status: 400, code: 'INVALID_REQUEST', path: '/path/id' },
    {
      name: 'revert of import 2147483648',
      method: 'POST',
      url: '/v1/imports/2147483648/revert',
      headers: AUTH,
      status: 400,
      code: 'INVALID_REQUEST',
      path: '/path/id',
    },
    { name: 'lon= (empty)', url: '/v1/control/point?dataset=test&lon=&lat=0.5', status: 400, code: 'INVALID_REQUEST', path: '/query/lon' },
    { name: 'lat=   (spaces)', url: '/v1/control/point?dataset=test&lon=0.5&lat=%20%20', status: 400, code: 'INVALID_REQUEST', path: '/query/lat' },
    { name: 'lon=1e400', url: '/v1/control/point?dataset=test&lon=1e400&lat=0.5', status: 400, code: 'INVALID_REQUEST', path: '/query/lon' },
    { name: 'lon=0x10', url: '/v1/control/point?dataset=test&lon=0x10&lat=0.5', status: 400, code: 'INVALID_REQUEST', path: '/query/lon' },
    { name: 'tolerance_km= (empty)', url: '/v1/analysis/fronts?dataset=test&tolerance_km=', status: 400, code: 'INVALID_REQUEST', path: '/query/tolerance_km' },
    { name: 'q with NUL', url: '/v1/features?dataset=test&q=a%00b', status: 400, code: 'INVALID_TEXT', path: '/query/q' },
    { name: 'dataset with NUL (imports)', url: '/v1/imports?dataset=test%00', status: 400, code: 'INVALID_TEXT', path: '/query/dataset' },
    { name: 'dataset with NUL (control)', url: '/v1/control?dataset=test%00', status: 400, code: 'INVALID_TEXT', path: '/query/dataset' },
    { name: 'q not UTF-8', url: '/v1/features?dataset=test&q=%FF', status: 400, code: 'INVALID_TEXT', path: '/query/q' },
    { name: 'q with an encoded surrogate', url: '/v1/features?dataset=test&q=%ED%A0%80', status: 400, code: 'INVALID_TEXT', path: '/query/q' },
    { name: 'a NUL in a parameter name', url: '/v1/features?dataset=test&q%00=x', status: 400, code: 'INVALID_TEXT', path: '/query/q\\u0000' },
    {
      name: 'an import option with NUL',
      method: 'POST',
      url: `${snapshots}&actor_property=ac%00tor`,
      headers: AUTH,
      payload: collection([area(square(0, 0, 1), { actor: 'hts' })]),
      status: 400,
      code: 'INVALID_TEXT',
      path: '/query/actor_property',
    },
    {
      name: 'aliases with NUL',
      method: 'POST',
      url: `${snapshots}&aliases=H%00:hts`,
      headers: AUTH,
      payload: collection([area(square(0, 0, 1), { actor: 'hts' })]),
      status: 400,
      code: 'INVALID_TEXT',
      path: '/query/aliases',
    },
    { name: 'a path parameter with NUL', url: '/v1/datasets/test%00/actors', status: 400, code: 'INVALID_TEXT', path: '/path/id' },
    // ---- issue 16 §2: dates ----
    {
      name: 'valid_from=0100-01-01',
      method: 'POST',
      url: '/v1/datasets/test/snapshots?valid_from=0100-01-01',
      headers: AUTH,
      payload: collection([area(square(0, 0, 1), { actor: 'hts' })]),
      status: 400,
      code: 'INVALID_DATE',
      path: '/query/valid_from',
    },
    {
      name: 'valid_from=9999-12-31',
      method: 'POST',
      url: '/v1/datasets/test/snapshots?valid_from=9999-12-31',
      headers: AUTH,
      payload: collection([area(square(0, 0, 1), { actor: 'hts' })]),
      status: 400,
      code: 'INVALID_DATE',
      path: '/query/valid_from',
    },
    {
      name: 'a history valid_from of 0100-01-01',
      method: 'POST',
      url: history,
      headers: AUTH,
      payload: collection([area(square(5, 5, 1), { actor: 'hts', valid_from: '0100-01-01' }, 'old')]),
      status: 422,
      code: 'INVALID_IMPORT',
      path: '/features/0/properties/valid_from',
      detail: 'INVALID_DATE',
    },
    {
      name: 'a history valid_to of 9999-12-31',
      method: 'POST',
      url: history,
      headers: AUTH,
      payload: collection([area(square(5, 5, 1), { actor: 'hts', valid_from: '2024-01-01', valid_to: '9999-12-31' }, 'far')]),
      status: 422,
      code: 'INVALID_IMPORT',
      path: '/features/0/properties/valid_to',
      detail: 'INVALID_DATE',
    },
    {
      name: 'a history valid_from an hour before 1900 (by its offset)',
      method: 'POST',
      url: history,
      headers: AUTH,
      payload: collection([area(square(5, 5, 1), { actor: 'hts', valid_from: '1900-01-01T00:30+01:00' }, 'edge')]),
      status: 422,
      code: 'INVALID_IMPORT',
      path: '/features/0/properties/valid_from',
      detail: 'INVALID_DATE',
    },
    { name: 'at=9999-12-31', url: '/v1/control?dataset=test&at=9999-12-31', status: 400, code: 'INVALID_DATE', path: '/query/at' },
    { name: 'known_at=0100-01-01', url: '/v1/control?dataset=test&known_at=0100-01-01', status: 400, code: 'INVALID_DATE', path: '/query/known_at' },
    {
      name: 'start=0100-01-01 (analysis)',
      url: '/v1/analysis/changes?dataset=test&start=0100-01-01&end=2024-11-28',
      status: 400,
      code: 'INVALID_DATE',
      path: '/query/start',
    },
    {
      name: 'end=2200-01-01 (feature history)',
      url: '/v1/features/town-a/control?dataset=test&start=2024-11-26&end=2200-01-01',
      status: 400,
      code: 'INVALID_DATE',
      path: '/query/end',
    },
    {
      name: 'step=P99999999999999W',
      url: '/v1/analysis/distance?dataset=test&from=side:opposition&to=feature:town-a&start=2024-11-26&end=2024-11-27&step=P99999999999999W',
      status: 400,
      code: 'INVALID_DATE',
    },
    // ---- issue 16 §2: snapshots that would empty the map, duplicate ids ----
    {
      name: 'an empty FeatureCollection',
      method: 'POST',
      url: snapshots,
      headers: AUTH,
      payload: collection([]),
      status: 422,
      code: 'EMPTY_SNAPSHOT',
      path: '/features',
      detail: 'NO_FEATURES',
    },
    {
      name: 'only null geometries',
      method: 'POST',
      url: snapshots,
      headers: AUTH,
      payload: collection([area(null, { actor: 'hts' }), area(null, { actor: 'saa' })]),
      status: 422,
      code: 'EMPTY_SNAPSHOT',
      path: '/features',
      detail: 'NO_AREAS',
    },
    {
      name: 'only empty geometries',
      method: 'POST',
      url: snapshots,
      headers: AUTH,
      payload: collection([area({ type: 'Polygon', coordinates: [] }, { actor: 'hts' }), area({ type: 'MultiPolygon', coordinates: [] }, { actor: 'saa' })]),
      status: 422,
      code: 'EMPTY_SNAPSHOT',
      path: '/features',
      detail: 'NO_AREAS',
    },
    {
      name: 'duplicate feature ids in a snapshot',
      method: 'POST',
      url: snapshots,
      headers: AUTH,
      payload: collection([
        area(square(0, 0, 1), { actor: 'hts' }, 'a1'),
        area(square(1, 0, 1), { actor: 'saa' }, 'b'),
        area(square(2, 0, 1), { actor: 'hts' }, 'a1'),
      ]),
      status: 422,
      code: 'INVALID_IMPORT',
      path: '/features/2/id',
      detail: 'DUPLICATE_FEATURE_ID',
    },
    {
      name: 'duplicate ids 7 and "7", one of them without geometry',
      method: 'POST',
      url: snapshots,
      headers: AUTH,
      payload: collection([
        { type: 'Feature', id: 7, geometry: square(0, 0, 1), properties: { actor: 'hts' } },
        { type: 'Feature', id: '7', geometry: null, properties: {} },
      ]),
      status: 422,
      code: 'INVALID_IMPORT',
      path: '/features/1/id',
      detail: 'DUPLICATE_FEATURE_ID',
    },
  ]

  const before = await state(app)
  for (const row of rows) {
    t.test(row.name, async (t) => {
      const res = await app.inject({ method: row.method ?? 'GET', url: row.url, headers: row.headers, payload: row.payload as string })
      t.equal(res.statusCode, row.status, res.body.slice(0, 400))
      t.match(res.headers['content-type'], /^application\/problem\+json/)
      const body = res.json()
      t.equal(body.code, row.code)
      if (row.path !== undefined) {
        t.ok(Array.isArray(body.errors) && body.errors.length > 0, 'errors[] names the offending value')
        if (typeof row.path === 'string') t.equal(body.errors?.[0]?.path, row.path)
        else t.match(body.errors?.[0]?.path, row.path)
      }
      if (row.detail !== undefined) t.equal(body.errors?.[0]?.code, row.detail)
      t.ok(res.body.length < 20_000, 'the problem does not echo a huge input')
      t.same(await state(app), before, 'nothing was written')
    })
  }

  t.test('the duplicate-id refusal names both features', async (t) => {
    const res = await importSnapshot(
      app,
      'test',
      '2024-12-01',
      collection([area(square(0, 0, 1), { actor: 'hts' }, 'a1'), area(square(2, 0, 1), { actor: 'hts' }, 'a1')]),
    )
    t.equal(res.statusCode, 422)
    t.match(res.json().errors, [{ index: 1, path: '/features/1/id', code: 'DUPLICATE_FEATURE_ID', reason: /features 0 and 1/ }])
  })

  t.test('an empty snapshot names why and what it would have closed', async (t) => {
    const res = await importSnapshot(app, 'test', '2024-12-01', collection([]))
    t.equal(res.statusCode, 422)
    t.match(res.json(), { code: 'EMPTY_SNAPSHOT', detail: /allow_empty=true/ })
  })

  t.test('dates at the edges of the range are accepted', async (t) => {
    const edges = await app.inject({
      method: 'POST',
      url: '/v1/datasets/test/history',
      headers: AUTH,
      payload: collection([area(square(5, 5, 1), { actor: 'hts', valid_from: '1900-01-01', valid_to: '2199-12-31T23:59:59Z' }, 'edges')]),
    })
    t.equal(edges.statusCode, 201, edges.body)
    const early = (await app.inject({ url: '/v1/control/point?dataset=test&lon=5.5&lat=5.5&at=1900-01-01' })).json()
    t.match(early.holder, { actor: 'hts', validFrom: '1900-01-01T00:00:00.000Z', validTo: '2199-12-31T23:59:59.000Z' })
    t.equal((await app.inject({ url: '/v1/control?dataset=test&at=2199-12-31&known_at=2199-12-31' })).statusCode, 200)
  })

  t.test('what looks like a problem and is not one is accepted', async (t) => {
    const put = (payload: string) => app.inject({ method: 'PUT', url: '/v1/datasets/other', headers: JSON_HEADERS, payload })
    // Brackets inside strings do not nest; an escaped quote does not end a string; a pair of surrogate escapes is one character.
    const description = `${'['.repeat(1000)}\\" ${'{'.repeat(1000)}`
    const brackets = await put(JSON.stringify({ name: 'Other', description }))
    t.equal(brackets.statusCode, 201, brackets.body.slice(0, 300))
    t.equal(brackets.json().description, description)
    const pair = await put('{"name":"\\\\ud83d \\\\u00e9 \\ud83d\\ude00","properties":{"u":"\\\\u0000 is written so"}}')
    t.equal(pair.statusCode, 200, pair.body.slice(0, 300))
    t.equal(pair.json().name, '\\ud83d \\u00e9 \u{1F600}')
    t.equal(pair.json().properties.u, '\\u0000 is written so')
    // 64 levels are accepted, 65 are not.
    const nested = (depth: number) => `{"name":"Other","properties":{"deep":${'['.repeat(depth - 2)}${']'.repeat(depth - 2)}}}`
    t.equal((await put(nested(64))).statusCode, 200)
    t.equal((await put(nested(65))).json().code, 'JSON_TOO_DEEP')
    // A MultiPolygon in a FeatureCollection nests 8 deep (collection, features, feature, geometry, coordinates, polygon, ring, position): far from the bound.
    const multi = { type: 'MultiPolygon', coordinates: [square(20, 20, 1).coordinates] }
    const res = await app.inject({
      method: 'POST',
      url: '/v1/datasets/other/features',
      headers: AUTH,
      payload: collection([
        {
          type: 'Feature',
          id: 'multi',
          geometry: multi,
          properties: { kind: 'area', name: 'Multi', nested: { a: { b: { c: [[['deep enough']]] } } } },
        },
      ]),
    })
    t.equal(res.statusCode, 201, res.body.slice(0, 300))
  })

  t.test('allow_empty=true empties the map at valid_from, and only from there', async (t) => {
    const mapAt = async (at: string) => (await app.inject({ url: `/v1/control?dataset=test&at=${at}` })).json().features.length
    t.equal(await mapAt('2024-12-05'), 3)
    const res = await importSnapshot(app, 'test', '2024-12-01', collection([area(null, { actor: 'hts' })]), '&allow_empty=true')
    t.equal(res.statusCode, 201, res.body)
    t.match(res.json().import.counts, { areas: 0, skipped: 1, closed: 3 })
    t.equal(await mapAt('2024-12-05'), 0)
    t.equal(await mapAt('2024-11-27'), 3, 'the two areas of the 26th and the one of the edges test hold before')
    // The option is not part of the content: the same file again is a replay.
    const again = await importSnapshot(app, 'test', '2024-12-01', collection([area(null, { actor: 'hts' })]), '&allow_empty=true')
    t.equal(again.statusCode, 200)
    t.equal(again.json().replayed, true)
  })
})
