// Serial (tap's serial directory): a time-bounded run must not share the machine, or it tries less.
import fc from 'fast-check'
import t from 'tap'
import { area, AUTH, buildTestApp, collection, governmentRoad, importSnapshot, seed, square } from '../helpers.js'

// Property-based fuzzing of the import and query paths: whatever a client sends, the answer is never
// a 5xx. Seeded, so a failure is repeated exactly (FUZZ_SEED=<seed> npx tap test/reliability/fuzz.test.ts),
// and bounded in time per property, so the file takes well under 20 s on either engine.

const SEED = Number(process.env.FUZZ_SEED ?? 20_241_127)
const TIME_LIMIT_MS = Number(process.env.FUZZ_TIME_MS ?? 7_000)

interface Request {
  method: 'GET' | 'POST' | 'PUT'
  url: string
  headers?: Record<string, string>
  payload?: string | Buffer
}

/** A query or path value: text to percent-encode, or raw text put in the URL as it is (bad escapes). */
type Value = { raw: boolean; text: string }

/** Percent-encodes the UTF-8 bytes of `text` (RFC 3986 unreserved characters kept). A lone surrogate becomes U+FFFD, as in any client. */
function encode(value: Value): string {
  if (value.raw) return value.text
  let out = ''
  for (const byte of Buffer.from(value.text, 'utf8')) {
    const c = String.fromCharCode(byte)
    out += /[A-Za-z0-9\-._~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

const edgeText = fc.constantFrom(
  '',
  ' ',
  '0',
  '-1',
  '1',
  '2147483647',
  '2147483648',
  '-2147483649',
  '1e15',
  '1e400',
  '-1e400',
  'NaN',
  'Infinity',
  '0x10',
  '9'.repeat(40),
  '0.5',
  '.5',
  '0100-01-01',
  '9999-12-31',
  '1900-01-01',
  '2199-12-31T23:59Z',
  '2024-11-26',
  '2024-11-27T12:00:00+05:00',
  '2024-02-30',
  'P1D',
  'PT6H',
  'P0D',
  'P99999999999999W',
  'side:opposition',
  'side:government',
  'actor:hts',
  'feature:town-a',
  'feature:road',
  'side:',
  'opposition,government',
  '-180,-90,180,90',
  '0,0,1,1',
  '1,2,3',
  'true',
  'false',
  'create',
  'refuse',
  'hts',
  'HTS:hts',
  'town,village',
  'null',
  '[]',
  '{}',
  'a'.repeat(300),
  '\u0000',
  'a\u0000b',
  '%',
  '_',
)
/** Numbers at the edges of what a parameter or a PostgreSQL integer holds. */
const edgeNumber = fc.constantFrom(
  '2147483647',
  '2147483648',
  '-2147483649',
  '4294967296',
  '1e15',
  '9'.repeat(40),
  '',
  ' ',
  '0',
  '-0',
  '-1',
  '1.5',
  '1e400',
  '-1e400',
  '+7',
  '007',
)
const plausible: Record<string, fc.Arbitrary<string>> = {
  dataset: fc.constantFrom('fuzz', 'nope', 'FUZZ', 'fuzz-'),
  id: fc.oneof(fc.constantFrom('fuzz', 'town-a', 'road', '1', 'nope'), edgeNumber),
  tolerance_km: fc.oneof(fc.double({ min: -1, max: 11, noNaN: true }).map(String), edgeNumber),
  actor: fc.constantFrom('hts', 'saa', 'hts,saa', 'nope'),
  feature: fc.constantFrom('road', 'town-a', 'nope'),
  q: fc.constantFrom('town', 'Town A', 'a\u0000b', '%_', '\\'),
  bbox: fc.constantFrom('0,0,2,2', '-180,-90,180,90', '0.4,0.4,0.6,0.6'),
  kind: fc.constantFrom('town', 'highway', 'town,village'),
  after: fc.constantFrom('road', 'a'),
  side: fc.constantFrom('opposition', 'government'),
  sides: fc.constantFrom('opposition,government', 'government,opposition'),
  from: fc.constantFrom('side:opposition', 'actor:hts', 'feature:town-a'),
  to: fc.constantFrom('side:government', 'feature:road', 'feature:town-a'),
  owner: fc.constantFrom('government', 'opposition'),
  step: fc.constantFrom('P1D', 'PT12H'),
  at: fc.constantFrom('2024-11-26', '2024-11-27', '2024-11-28T06:00Z', '2030-01-01'),
  known_at: fc.constantFrom('2024-11-26', '2199-12-31', '2020-01-01'),
  start: fc.constantFrom('2024-11-25', '2024-11-26'),
  end: fc.constantFrom('2024-11-27', '2024-11-28'),
  lon: fc.oneof(fc.double({ min: -181, max: 181, noNaN: true }).map(String), edgeNumber),
  lat: fc.oneof(fc.double({ min: -91, max: 91, noNaN: true }).map(String), edgeNumber),
  limit: fc.oneof(fc.integer({ min: -5, max: 1005 }).map(String), edgeNumber),
  before: fc.oneof(fc.integer({ min: -5, max: 50 }).map(String), edgeNumber),
}
const anyText = fc.oneof(
  { weight: 4, arbitrary: edgeText },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 24 }) },
  { weight: 1, arbitrary: fc.integer().map(String) },
  { weight: 1, arbitrary: fc.double().map(String) },
  { weight: 1, arbitrary: fc.bigInt().map(String) },
)
const rawEscape = fc.constantFrom('%00', 'a%00b', '%FF', '%ED%A0%80', '%C0%AF', '%E2%82', '%', '%zz', '%F4%90%80%80', '+', '%2B%00')
function valueFor(name: string): fc.Arbitrary<Value> {
  // Mostly plausible values, so that requests get past the first refusal and reach the services and the database.
  const text = plausible[name] ? fc.oneof({ weight: 4, arbitrary: plausible[name] }, { weight: 1, arbitrary: anyText }) : anyText
  return fc.oneof(
    { weight: 12, arbitrary: text.map((v) => ({ raw: false, text: v })) },
    { weight: 1, arbitrary: rawEscape.map((v) => ({ raw: true, text: v })) },
  )
}

/** A query string from the route's parameters (each absent `absent` times as often as present) and, now and then, unknown ones. */
function queryFor(names: string[], absent = 1): fc.Arbitrary<string> {
  const known = fc.tuple(...names.map((name) => fc.oneof({ weight: absent, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: valueFor(name) })))
  const unknown = fc.array(
    fc.tuple(
      fc.oneof(
        fc.string({ unit: 'binary', maxLength: 8 }).map((text) => ({ raw: false, text })),
        rawEscape.map((text) => ({ raw: true, text })),
      ),
      valueFor(''),
    ),
    { maxLength: 2 },
  )
  return fc.tuple(known, fc.oneof({ weight: 3, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: unknown })).map(([values, extra]) => {
    const parts = names.flatMap((name, i) => (values[i] === undefined ? [] : [`${name}=${encode(values[i]!)}`]))
    for (const [name, value] of extra) parts.push(`${encode(name)}=${encode(value)}`)
    return parts.length > 0 ? `?${parts.join('&')}` : ''
  })
}

// ---- GeoJSON bodies ----

const bodyText = fc.oneof(
  fc.constantFrom('hts', 'saa', 'HTS', 'Government', 'contested', 'controlled', 'town', 'highway', 'government', '2024-11-26', '0100-01-01', '9999-12-31'),
  fc.constantFrom('\u0000', 'a\u0000b', '\ud800', 'x\udc00', '\ud83d\ude00', '\uFFFD', 'x'.repeat(250)),
  fc.string({ unit: 'binary', maxLength: 16 }),
)
const bodyNumber = fc.oneof(
  fc.double(),
  fc.integer({ min: -200, max: 200 }),
  fc.double({ min: -1, max: 3, noNaN: true }),
  fc.constantFrom(1e308, -1e308, 2 ** 53 + 1, 180.0000001, -90.5, 0),
)
const position = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.double({ min: -1, max: 3, noNaN: true }), fc.double({ min: -1, max: 3, noNaN: true })) },
  { weight: 2, arbitrary: fc.array(fc.oneof(bodyNumber, bodyText, fc.constant(null)), { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.oneof(bodyText, bodyNumber) },
)
const ring = fc.oneof(
  fc.array(position, { maxLength: 7 }),
  fc.tuple(fc.integer({ min: -5, max: 5 }), fc.integer({ min: -5, max: 5 })).map(([x, y]) => square(x, y, 1).coordinates[0]),
)
const geometry = fc.oneof(
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 3, arbitrary: fc.tuple(fc.integer({ min: -5, max: 5 }), fc.integer({ min: -5, max: 5 })).map(([x, y]) => square(x, y, 1) as unknown) },
  {
    weight: 3,
    arbitrary: fc.record(
      {
        type: fc.constantFrom('Polygon', 'MultiPolygon', 'Point', 'LineString', 'MultiLineString', 'MultiPoint', 'GeometryCollection', 'Nope', 'polygon'),
        coordinates: fc.oneof(fc.array(ring, { maxLength: 3 }), fc.array(fc.array(ring, { maxLength: 2 }), { maxLength: 2 }), position, ring),
        geometries: fc.array(fc.constant(square(0, 0, 1) as unknown), { maxLength: 2 }),
      },
      { requiredKeys: ['type'] },
    ),
  },
)
const properties = fc.oneof(
  fc.constant(null),
  fc.dictionary(bodyText, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
  fc.record(
    {
      actor: bodyText,
      status: bodyText,
      valid_from: bodyText,
      valid_to: bodyText,
      kind: bodyText,
      name: bodyText,
      id: bodyText,
      owner_side: bodyText,
      source: bodyText,
    },
    { requiredKeys: [] },
  ),
)
const feature = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record(
      { type: fc.constantFrom('Feature', 'Feature', 'feature'), id: fc.oneof(bodyText, bodyNumber), geometry, properties },
      { requiredKeys: ['type', 'geometry'] },
    ),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
)
/** Files that are nearly right, so that the importer's own checks (actors, dates, ids, overlaps) are reached, not only the parser's. */
const nearlyRight = fc
  .array(
    fc.record({
      id: fc.option(fc.oneof(fc.constantFrom('a', 'b', 'town-z', 'road-2', 7), bodyText), { nil: undefined }),
      geometry,
      actor: fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom('hts', 'saa', 'SNA', 'Government', 'New Actor', 'Ünïcode Æctor') },
        { weight: 1, arbitrary: bodyText },
      ),
      validFrom: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('2024-11-20', '2024-11-27', '2024-12-01T06:00Z') }, { weight: 1, arbitrary: bodyText }),
      validTo: fc.option(fc.constantFrom('2024-11-30', '2024-11-21', '2199-12-31'), { nil: undefined }),
      status: fc.option(fc.constantFrom('controlled', 'contested', 'CONTESTED', 'held'), { nil: undefined }),
      kind: fc.constantFrom('town', 'village', 'highway'),
      note: fc.option(bodyText, { nil: undefined }),
    }),
    { maxLength: 6 },
  )
  .map((features) => ({
    type: 'FeatureCollection',
    features: features.map((f) => ({
      type: 'Feature',
      ...(f.id === undefined ? {} : { id: f.id }),
      geometry: f.geometry,
      properties: { actor: f.actor, valid_from: f.validFrom, valid_to: f.validTo, status: f.status, kind: f.kind, name: `${f.kind} ${f.actor}`, note: f.note },
    })),
  }))
const document = fc.oneof(
  { weight: 6, arbitrary: nearlyRight },
  {
    weight: 6,
    arbitrary: fc.record({ type: fc.constantFrom('FeatureCollection', 'FeatureCollection', 'Feature'), features: fc.array(feature, { maxLength: 5 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ type: fc.constant('FeatureCollection'), features: fc.array(feature, { maxLength: 3 }), crs: fc.jsonValue({ maxDepth: 2 }) }),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
)
/** The document as the client sends it: JSON text, deeply wrapped, truncated, or with bytes that are not UTF-8. */
const payload = fc.oneof(
  { weight: 8, arbitrary: document.map((doc) => JSON.stringify(doc) ?? 'null') },
  {
    weight: 1,
    arbitrary: fc.tuple(document, fc.integer({ min: 40, max: 3000 })).map(([doc, depth]) => `${'['.repeat(depth)}${JSON.stringify(doc)}${']'.repeat(depth)}`),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 50, max: 5000 })
      .map((depth) =>
        JSON.stringify(collection([area(square(0, 0, 1), { actor: 'hts' })])).replace(
          '"properties":{',
          `"properties":{"deep":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)},`,
        ),
      ),
  },
  { weight: 1, arbitrary: fc.tuple(document, fc.nat()).map(([doc, cut]) => (JSON.stringify(doc) ?? '').slice(0, cut % 200)) },
  {
    weight: 1,
    arbitrary: fc.tuple(document, fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 4 })).map(([doc, at, bytes]) => {
      const text = Buffer.from(JSON.stringify(doc) ?? '')
      const cut = text.length === 0 ? 0 : at % text.length
      return Buffer.concat([text.subarray(0, cut), Buffer.from(bytes), text.subarray(cut)])
    }),
  },
)
const contentType = fc.constantFrom(
  'application/json',
  'application/geo+json',
  'application/geo+json; charset=utf-8',
  'text/plain',
  'application/json; charset=latin1',
)

const importRequest: fc.Arbitrary<Request> = fc
  .tuple(
    fc.constantFrom('snapshots', 'history', 'features'),
    fc.oneof({ weight: 6, arbitrary: fc.constant('fuzz') }, { weight: 1, arbitrary: fc.constantFrom('nope', 'x%00', 'Bad') }),
    queryFor(
      ['valid_from', 'unknown_actors', 'allow_empty', 'actor', 'actor_property', 'status_property', 'aliases', 'valid_from_property', 'kind', 'id_property'],
      14,
    ),
    fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom('valid_from=2024-11-27&unknown_actors=create&', 'valid_from=2024-11-29&', 'unknown_actors=create&') },
      { weight: 1, arbitrary: fc.constant('') },
    ),
    payload,
    contentType,
  )
  .map(([kind, dataset, query, base, body, type]) => ({
    method: 'POST' as const,
    url: `/v1/datasets/${dataset}/${kind}?${base}${query.slice(1)}`,
    headers: { ...AUTH, 'content-type': type },
    payload: body,
  }))

const nameText = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('Hayat Tahrir al-Sham', 'HTS', 'x'.repeat(200), 'x'.repeat(201), 'Ünïcode') },
  { weight: 2, arbitrary: bodyText },
)
const actorBody = fc
  .record(
    {
      name: nameText,
      aliases: fc.array(nameText, { maxLength: 3 }),
      side: fc.oneof(fc.constantFrom('opposition', 'government'), bodyText),
      colour: fc.oneof(fc.constantFrom('#aabbcc', null), bodyText),
    },
    { requiredKeys: ['name'] },
  )
  .map((doc) => JSON.stringify(doc))
const datasetBody = fc
  .record({ name: nameText, description: bodyText, licence: fc.option(bodyText), properties: fc.jsonValue({ maxDepth: 3 }) }, { requiredKeys: ['name'] })
  .map((doc) => JSON.stringify(doc))
const putRequest: fc.Arbitrary<Request> = fc
  .oneof(
    fc.tuple(
      fc.constantFrom('/v1/datasets/fuzz/actors/hts', '/v1/datasets/fuzz/actors/new-one'),
      fc.oneof({ weight: 3, arbitrary: actorBody }, { weight: 1, arbitrary: payload }),
    ),
    fc.tuple(fc.constant('/v1/datasets/fuzz-two'), fc.oneof({ weight: 3, arbitrary: datasetBody }, { weight: 1, arbitrary: payload })),
  )
  .map(([url, body]) => ({ method: 'PUT' as const, url, headers: { ...AUTH, 'content-type': 'application/json' }, payload: body }))

t.test('fuzzing: no input is answered 5xx', async (t) => {
  const app = await buildTestApp(t)
  await seed(app, 'test')
  await seed(app, 'fuzz')
  t.equal(
    (await importSnapshot(app, 'fuzz', '2024-11-26', collection([area(square(0, 0, 1), { actor: 'hts' }), area(square(1, 0, 1), { actor: 'saa' })])))
      .statusCode,
    201,
  )
  const reference = collection([
    { type: 'Feature', id: 'town-a', geometry: { type: 'Point', coordinates: [0.5, 0.5] }, properties: { kind: 'town', name: 'Town A' } },
    governmentRoad(),
  ])
  t.equal((await app.inject({ method: 'POST', url: '/v1/datasets/fuzz/features', headers: AUTH, payload: reference })).statusCode, 201)
  t.comment(`fuzz seed ${SEED}, ${TIME_LIMIT_MS} ms per property (FUZZ_SEED and FUZZ_TIME_MS override)`)

  // Every GET route of the contract, its path and query parameters as the OpenAPI document lists them.
  const document = (await app.inject({ url: '/openapi.json' })).json() as {
    paths: Record<string, { get?: { parameters?: { name: string; in: string }[] } }>
  }
  const routes = Object.entries(document.paths)
    .filter(([path, operations]) => operations.get && !path.startsWith('/docs'))
    .map(([path, operations]) => ({
      path,
      pathNames: (operations.get!.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
      queryNames: (operations.get!.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
    }))
  t.ok(routes.length >= 15, `${routes.length} GET routes to fuzz`)
  const getRequest: fc.Arbitrary<Request> = fc.oneof(
    ...routes.map((route) =>
      fc.tuple(fc.tuple(...route.pathNames.map((name) => valueFor(name))), queryFor(route.queryNames)).map(([pathValues, query]) => {
        let path = route.path
        route.pathNames.forEach((name, i) => (path = path.replace(`{${name}}`, encode(pathValues[i]).replaceAll('%2F', '/') || 'x')))
        return { method: 'GET' as const, url: `${path}${query}` }
      }),
    ),
  )

  const statuses = new Map<number, number>()
  let tally = new Map<number, number>()
  const send = async (request: Request) => {
    const res = await app.inject({ method: request.method, url: request.url, headers: request.headers, payload: request.payload })
    if (process.env.FUZZ_LOG) console.error(res.statusCode, request.method, request.url.slice(0, 120), res.body.slice(0, 200))
    statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1)
    tally.set(res.statusCode, (tally.get(res.statusCode) ?? 0) + 1)
    if (res.statusCode >= 500) throw new Error(`${request.method} ${request.url} answered ${res.statusCode}: ${res.body.slice(0, 400)}`)
  }
  const check = async (name: string, arbitrary: fc.Arbitrary<Request>, numRuns: number) => {
    tally = new Map()
    try {
      await fc.assert(
        fc.asyncProperty(arbitrary, async (request) => send(request)),
        { seed: SEED, numRuns, plugins: [fc.interruptAfterTimeLimit(TIME_LIMIT_MS)] } as fc.Parameters<[Request]>,
      )
      t.pass(`${name}: no 5xx`)
    } catch (error) {
      t.fail(`${name}: ${(error as Error).message}\n(rerun with FUZZ_SEED=${SEED})`)
    }
    const runs = [...tally.values()].reduce((a, b) => a + b, 0)
    // An interrupted run still has to have tried a fair number of inputs to mean anything.
    t.ok(runs >= Math.min(numRuns, 100), `${name}: ${runs} requests`)
    t.comment(
      `${name}: ${[...tally.entries()]
        .sort(([a], [b]) => a - b)
        .map(([status, n]) => `${status}×${n}`)
        .join(' ')}`,
    )
  }

  await check('GET routes with arbitrary paths and query strings', getRequest, 2000)
  await check('imports with arbitrary bodies, media types and options', importRequest, 600)
  await check('PUT of actors and datasets with arbitrary bodies', putRequest, 300)

  t.comment(
    `answers: ${[...statuses.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, n]) => `${status}×${n}`)
      .join(' ')}`,
  )
  // The fuzzing reached past validation (some accepted, some refused) rather than bouncing off one check.
  t.ok(
    [...statuses.keys()].some((status) => status >= 200 && status < 300),
    'some requests succeeded',
  )
  t.ok(
    [...statuses.keys()].some((status) => status === 422),
    'some imports were read and refused',
  )
  t.ok(
    [...statuses.keys()].some((status) => status === 400),
    'some requests were refused as invalid',
  )
  // And the service still answers reads after all that.
  const map = await app.inject({ url: '/v1/control?dataset=fuzz&at=2024-11-26' })
  t.equal(map.statusCode, 200)
})
