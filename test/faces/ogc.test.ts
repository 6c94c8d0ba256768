import type { FastifyInstance } from 'fastify'
import t, { type Test } from 'tap'
import { AUTH, area, buildTestApp, collection, importSnapshot, seed, square } from '../helpers.js'

// By construction, at the equator (ids are the area keys the import keeps):
//   a  hts  square(0, 0, 1)     26 Nov → open
//   b  saa  square(1, 0, 0.5)   26 → 28 Nov, then hts holds the same square from 28 Nov on (b')
//   c  sna  square(2, 0, 0.25)  26 → 28 Nov (gone from the map of the 28th)
//   d  saa  square(3, 0, 0.75)  28 Nov → open
//   e  sna  a triangle (5,0) (6,0) (5,1): its box holds [5.8, 5.9] × [0.8, 0.9], its shape does not
// Six rows in all: a, b, c, b', d, e. At the 27th: a, b, c, e. At the 29th: a, b', d, e.
const triangle = {
  type: 'Polygon',
  coordinates: [
    [
      [5, 0],
      [6, 0],
      [5, 1],
      [5, 0],
    ],
  ],
}
const day26 = collection([
  area(square(0, 0, 1), { actor: 'hts' }, 'a'),
  area(square(1, 0, 0.5), { actor: 'saa' }, 'b'),
  area(square(2, 0, 0.25), { actor: 'sna' }, 'c'),
  area(triangle, { actor: 'sna', note: '<b>held</b> & "quoted"' }, 'e'),
])
const day28 = collection([
  area(square(0, 0, 1), { actor: 'hts' }, 'a'),
  area(square(1, 0, 0.5), { actor: 'hts' }, 'b'),
  area(square(3, 0, 0.75), { actor: 'saa' }, 'd'),
  area(triangle, { actor: 'sna', note: '<b>held</b> & "quoted"' }, 'e'),
])
const reference = collection([
  { type: 'Feature', id: 'town-a', geometry: { type: 'Point', coordinates: [0.5, 0.5] }, properties: { kind: 'town', name: 'Town A' } },
  { type: 'Feature', id: 'village-d', geometry: { type: 'Point', coordinates: [3.5, 0.5] }, properties: { kind: 'village', name: 'Village D' } },
  {
    type: 'Feature',
    id: 'road',
    geometry: {
      type: 'LineString',
      coordinates: [
        [0.2, 0.5],
        [3.2, 0.5],
      ],
    },
    properties: { kind: 'highway', name: 'Road', owner_side: 'government' },
  },
])

const ITEMS = '/collections/test-areas/items'

async function build(t: Test): Promise<{ app: FastifyInstance; between: string }> {
  const app = await buildTestApp(t)
  await seed(app, 'test')
  t.equal((await importSnapshot(app, 'test', '2024-11-26', day26)).statusCode, 201)
  await new Promise((resolve) => setTimeout(resolve, 20))
  const between = new Date().toISOString()
  await new Promise((resolve) => setTimeout(resolve, 20))
  t.equal((await importSnapshot(app, 'test', '2024-11-28', day28)).statusCode, 201)
  t.equal((await app.inject({ method: 'POST', url: '/v1/datasets/test/features', headers: AUTH, payload: reference })).statusCode, 201)
  return { app, between }
}

type Feature = { id: number | string; geometry: unknown; time?: { interval: string[] }; properties: Record<string, any> }
const actorsOf = (body: { features: Feature[] }) => body.features.map((feature) => feature.properties.actor)
const keysOf = (body: { features: Feature[] }) => body.features.map((feature) => feature.properties.areaKey)

t.test('OGC API – Features', async (t) => {
  const { app, between } = await build(t)
  const get = async (url: string, headers: Record<string, string> = {}) => {
    const res = await app.inject({ url, headers })
    return { res, body: String(res.headers['content-type'] ?? '').includes('json') ? res.json() : undefined }
  }

  t.test('GET / links the API definition, its documentation, the conformance classes and the collections', async (t) => {
    const { res, body } = await get('/')
    t.equal(res.statusCode, 200)
    t.match(res.headers['content-type'], /^application\/json/)
    const rels = new Map(body.links.map((link: { rel: string; href: string; type: string }) => [link.rel, link]))
    t.match(rels.get('service-desc'), { href: 'http://localhost:80/api', type: 'application/vnd.oai.openapi+json;version=3.1' })
    t.match(rels.get('service-doc'), { href: 'http://localhost:80/docs', type: 'text/html' })
    t.match(rels.get('conformance'), { href: 'http://localhost:80/conformance' })
    t.match(rels.get('data'), { href: 'http://localhost:80/collections' })
    t.match(rels.get('alternate'), { type: 'text/html', href: 'http://localhost:80/?f=html' })
    const html = await get('/?f=html', { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' })
    t.match(html.res.headers['content-type'], /^text\/html/)
    t.match(html.res.body, /<a href="http:\/\/localhost:80\/collections" rel="data"/)
    // A browser asking for the root without `f` gets the map viewer, which links the landing page as HTML.
    const viewer = await get('/', { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' })
    t.match(viewer.res.headers['content-type'], /^text\/html/)
    t.match(viewer.res.body, /<div id="map"/)
    t.match(viewer.res.body, /<a href="\/\?f=html">/)
  })

  t.test('GET /conformance declares Part 1 core, GeoJSON and HTML, Part 3 filtering and CQL2 text, not OpenAPI 3.0', async (t) => {
    const { res, body } = await get('/conformance')
    t.equal(res.statusCode, 200)
    for (const uri of [
      'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
      'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
      'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html',
      'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables',
      'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter',
      'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter',
      'http://www.opengis.net/spec/cql2/1.0/conf/cql2-text',
      'http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2',
    ])
      t.ok(body.conformsTo.includes(uri), uri)
    t.notOk(
      body.conformsTo.some((uri: string) => uri.endsWith('/oas30')),
      'the API definition is OpenAPI 3.1',
    )
    t.notOk(body.conformsTo.some((uri: string) => uri.endsWith('/queryables-query-parameters')))
  })

  t.test('GET /api is the OpenAPI 3.1 document, as JSON to a client that asks for JSON, and HTML to a browser', async (t) => {
    const { res } = await get('/api')
    t.equal(res.statusCode, 200)
    // Fastify writes the parameter quoted, which RFC 9110 §5.6.6 holds equal to the token form of the link's type.
    t.match(res.headers['content-type'], /^application\/vnd\.oai\.openapi\+json;\s*version="?3\.1"?(;|$)/)
    const document = res.json()
    t.equal(document.openapi, '3.1.0')
    t.ok(document.paths['/collections/{collectionId}/items'], 'documents the items')
    const gdal = await get('/api', { accept: 'application/vnd.oai.openapi+json;version=3.0, application/openapi+json;version=3.0, application/json' })
    t.match(gdal.res.headers['content-type'], /^application\/json/)
    const html = await get('/api?f=html')
    t.match(html.res.headers['content-type'], /^text\/html/)
    t.match(html.res.body, /GET \/collections\/\{collectionId\}\/items/)
  })

  t.test('GET /collections lists two collections per dataset, with extents from the data and their links', async (t) => {
    const { res, body } = await get('/collections')
    t.equal(res.statusCode, 200)
    t.same(
      body.collections.map((c: { id: string }) => c.id),
      ['test-areas', 'test-features'],
    )
    const [areas, features] = body.collections
    t.same(areas.extent, {
      spatial: { bbox: [[0, 0, 6, 1]], crs: 'http://www.opengis.net/def/crs/OGC/1.3/CRS84' },
      temporal: { interval: [['2024-11-26T00:00:00.000Z', null]], trs: 'http://www.opengis.net/def/uom/ISO-8601/0/Gregorian' },
    })
    t.same(features.extent, { spatial: { bbox: [[0.2, 0.5, 3.5, 0.5]], crs: 'http://www.opengis.net/def/crs/OGC/1.3/CRS84' } })
    t.equal(areas.itemType, 'feature')
    t.same(areas.crs, ['http://www.opengis.net/def/crs/OGC/1.3/CRS84'])
    const links = areas.links.map((link: { rel: string; type: string; href: string }) => `${link.rel} ${link.type} ${link.href}`)
    for (const expected of [
      'self application/json http://localhost:80/collections/test-areas',
      'alternate text/html http://localhost:80/collections/test-areas?f=html',
      'items application/geo+json http://localhost:80/collections/test-areas/items',
      'items text/html http://localhost:80/collections/test-areas/items?f=html',
      'items text/csv http://localhost:80/collections/test-areas/items?f=csv',
      'http://www.opengis.net/def/rel/ogc/1.0/queryables application/schema+json http://localhost:80/collections/test-areas/queryables',
      'http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector application/json http://localhost:80/collections/test-areas/tiles',
    ])
      t.ok(links.includes(expected), expected)
  })

  t.test('GET /collections/{collectionId} is the collection, its items links carrying datetime and known_at', async (t) => {
    const { res, body } = await get('/collections/test-areas?datetime=2024-11-29')
    t.equal(res.statusCode, 200)
    t.equal(body.id, 'test-areas')
    t.ok(
      body.links.some(
        (link: { rel: string; href: string }) => link.rel === 'items' && link.href === 'http://localhost:80/collections/test-areas/items?datetime=2024-11-29',
      ),
    )
    t.equal((await get('/collections/nope-areas')).body.code, 'COLLECTION_NOT_FOUND')
    t.equal((await get('/collections/nope')).res.statusCode, 404)
  })

  t.test('GET /collections/{collectionId}/queryables is a JSON Schema of what a filter may name', async (t) => {
    const { res } = await get('/collections/test-areas/queryables')
    t.equal(res.statusCode, 200)
    t.match(res.headers['content-type'], /^application\/schema\+json(;|$)/)
    const schema = res.json()
    t.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema')
    t.equal(schema.$id, 'http://localhost:80/collections/test-areas/queryables')
    t.equal(schema.type, 'object')
    t.equal(schema.additionalProperties, false)
    t.same(Object.keys(schema.properties).sort(), ['actor', 'areaKey', 'areaKm2', 'id', 'side', 'status', 'validFrom', 'validTo'])
    t.match(schema.properties.validFrom, { type: 'string', format: 'date-time' })
    const features = (await get('/collections/test-features/queryables')).res.json()
    t.same(Object.keys(features.properties).sort(), ['id', 'kind', 'name', 'ownerSide'])
  })

  t.test('GET /collections/{collectionId}/schema types the properties of an item, linked as describedBy', async (t) => {
    const collection = (await get('/collections/test-areas')).body
    t.ok(
      collection.links.some(
        (link: { rel: string; type: string; href: string }) =>
          link.rel === 'describedBy' && link.type === 'application/schema+json' && link.href === 'http://localhost:80/collections/test-areas/schema',
      ),
    )
    const { res } = await get('/collections/test-areas/schema')
    t.equal(res.statusCode, 200)
    t.match(res.headers['content-type'], /^application\/schema\+json(;|$)/)
    const properties = res.json().properties.properties.properties
    t.match(properties.validTo, { type: 'string', format: 'date-time' })
    t.match(properties.areaKm2, { type: 'number' })
    t.match(properties.sources, { type: 'array', items: { type: 'string' } })
    t.match((await get('/collections/test-features/schema?f=html')).res.headers['content-type'], /^text\/html/)
  })

  t.test('items without datetime are every row of the history, each with its valid time', async (t) => {
    const { res, body } = await get(`${ITEMS}?limit=100`)
    t.equal(res.statusCode, 200)
    t.equal(res.headers['content-type'], 'application/geo+json')
    t.equal(body.type, 'FeatureCollection')
    t.equal(body.numberMatched, 6)
    t.equal(body.numberReturned, 6)
    t.ok(Math.abs(Date.parse(body.timeStamp) - Date.now()) < 60_000, 'timeStamp is now')
    t.same(keysOf(body).sort(), ['a', 'b', 'b', 'c', 'd', 'e'])
    const b = body.features.filter((feature: Feature) => feature.properties.areaKey === 'b')
    t.same(b.map((feature: Feature) => [feature.properties.actor, feature.properties.validFrom, feature.properties.validTo]).sort(), [
      ['hts', '2024-11-28T00:00:00.000Z', null],
      ['saa', '2024-11-26T00:00:00.000Z', '2024-11-28T00:00:00.000Z'],
    ])
    t.same(
      b.map((feature: Feature) => feature.time).sort((x: any, y: any) => x.interval[0].localeCompare(y.interval[0])),
      [{ interval: ['2024-11-26T00:00:00.000Z', '2024-11-28T00:00:00.000Z'] }, { interval: ['2024-11-28T00:00:00.000Z', '..'] }],
    )
    t.ok(
      body.features.every((feature: Feature) => typeof feature.id === 'number'),
      'ids are the area row ids',
    )
  })

  t.test('datetime: an instant is the map as of then, the same features as the v1 map', async (t) => {
    const at27 = (await get(`${ITEMS}?datetime=2024-11-27&limit=100`)).body
    t.same(keysOf(at27).sort(), ['a', 'b', 'c', 'e'])
    t.same(actorsOf(at27).sort(), ['hts', 'saa', 'sna', 'sna'])
    const at29 = (await get(`${ITEMS}?datetime=2024-11-29&limit=100`)).body
    t.same(actorsOf(at29).sort(), ['hts', 'hts', 'saa', 'sna'])
    const v1 = (await get('/v1/control?dataset=test&at=2024-11-29')).body
    t.same(at29.features, v1.features, 'one feature text for both faces')
    // A bare date is the end of that day: the 28th shows the map published for it.
    t.same(keysOf((await get(`${ITEMS}?datetime=2024-11-28`)).body).sort(), ['a', 'b', 'd', 'e'])
    t.same(keysOf((await get(`${ITEMS}?datetime=2024-11-28T00:00:00Z`)).body).sort(), ['a', 'b', 'd', 'e'])
    t.same(keysOf((await get(`${ITEMS}?datetime=2024-11-27T23:59:59Z`)).body).sort(), ['a', 'b', 'c', 'e'])
    t.equal((await get(`${ITEMS}?datetime=2024-11-01`)).body.numberMatched, 0, 'before the data: nothing')
  })

  t.test('datetime: an interval is every row valid at some instant of it', async (t) => {
    const count = async (datetime: string) => (await get(`${ITEMS}?datetime=${datetime}&limit=100`)).body.numberMatched
    t.equal(await count('2024-11-26/2024-11-29'), 6)
    t.equal(await count('../2024-11-27'), 4, 'the rows of the 26th')
    t.equal(await count('2024-11-28/..'), 4, 'the rows of the 28th on')
    t.equal(await count('2024-11-28/'), 4, 'an empty end is open')
    t.equal(await count('2024-11-27T12:00:00Z/2024-11-28T06:00:00Z'), 6, 'across the change')
    t.equal(await count('2024-11-20/2024-11-25'), 0)
    t.equal((await get(`${ITEMS}?datetime=2024-11-29/2024-11-26`)).body.code, 'INVALID_DATE')
    t.equal((await get(`${ITEMS}?datetime=yesterday`)).body.code, 'INVALID_DATE')
  })

  t.test('pages by limit and offset with absolute links keeping every parameter, numberMatched over all pages', async (t) => {
    const first = (await get(`${ITEMS}?limit=2&sortby=id&datetime=2024-11-26/..`)).body
    t.equal(first.numberMatched, 6)
    t.equal(first.numberReturned, 2)
    const links = (body: { links: { rel: string; href: string; type: string }[] }) => new Map(body.links.map((link) => [link.rel, link]))
    t.equal(links(first).get('self')!.href, 'http://localhost:80/collections/test-areas/items?limit=2&sortby=id&datetime=2024-11-26/..')
    t.equal(links(first).get('self')!.type, 'application/geo+json')
    t.notOk(links(first).has('prev'))
    const next = new URL(links(first).get('next')!.href)
    t.same(Object.fromEntries(next.searchParams), { limit: '2', sortby: 'id', datetime: '2024-11-26/..', offset: '2' })
    t.equal(links(first).get('next')!.type, 'application/geo+json')
    const second = (await get(`${next.pathname}${next.search}`)).body
    const third = (await get(new URL(links(second).get('next')!.href).pathname + new URL(links(second).get('next')!.href).search)).body
    t.equal(third.numberReturned, 2)
    t.notOk(links(third).has('next'), 'the last page has no next')
    t.equal(new URL(links(third).get('prev')!.href).searchParams.get('offset'), '2')
    const ids = [...first.features, ...second.features, ...third.features].map((feature: Feature) => feature.id)
    t.same(
      ids,
      [...ids].sort((x, y) => Number(x) - Number(y)),
      'in id order',
    )
    t.equal(new Set(ids).size, 6, 'every row once')
    t.ok(
      first.links.some(
        (link: { rel: string; href: string; type: string }) => link.rel === 'alternate' && link.type === 'text/html' && link.href.endsWith('&f=html'),
      ),
      'an HTML alternate',
    )
    t.equal(links(first).get('collection')!.href, 'http://localhost:80/collections/test-areas')
  })

  t.test('limit: default 10, a limit past 10,000 is read as 10,000', async (t) => {
    const { res, body } = await get(`${ITEMS}?limit=20000`)
    t.equal(res.statusCode, 200)
    t.equal(body.numberReturned, 6)
    t.equal(new URL(body.links.find((link: { rel: string }) => link.rel === 'self').href).searchParams.get('limit'), '20000')
    const many = await get(`${ITEMS}?limit=3&offset=3`)
    t.equal(new URL(many.body.links.find((link: { rel: string }) => link.rel === 'prev').href).searchParams.get('offset'), '0')
    t.equal((await get(`${ITEMS}?limit=0`)).res.statusCode, 400)
  })

  t.test('bbox keeps items whose shape meets the box; bbox-crs is CRS84 only', async (t) => {
    t.same(keysOf((await get(`${ITEMS}?bbox=2.1,0.1,2.2,0.2`)).body), ['c'])
    t.same(keysOf((await get(`${ITEMS}?bbox=1.1,0.1,1.2,0.2`)).body), ['b', 'b'])
    t.same(actorsOf((await get(`${ITEMS}?bbox=1.1,0.1,1.2,0.2&datetime=2024-11-27`)).body), ['saa'])
    t.same(keysOf((await get(`${ITEMS}?bbox=5.1,0.1,5.2,0.2`)).body), ['e'])
    t.equal((await get(`${ITEMS}?bbox=5.8,0.8,5.9,0.9`)).body.numberMatched, 0, "inside the triangle's box, outside the triangle")
    t.equal((await get(`${ITEMS}?bbox=5.8,0.8,5.9,0.9&datetime=2024-11-29`)).body.numberMatched, 0, 'the map does the same')
    t.same(keysOf((await get(`${ITEMS}?bbox=2.1,0.1,0,2.2,0.2,0`)).body), ['c'], 'six numbers: heights dropped')
    t.equal((await get(`${ITEMS}?bbox=2.1,0.1,2.2,0.2&bbox-crs=http://www.opengis.net/def/crs/OGC/1.3/CRS84`)).res.statusCode, 200)
    const refused = await get(`${ITEMS}?bbox=2.1,0.1,2.2,0.2&bbox-crs=http://www.opengis.net/def/crs/EPSG/0/4326`)
    t.equal(refused.res.statusCode, 400)
    t.equal(refused.body.code, 'UNSUPPORTED_CRS')
    t.match(refused.res.headers['content-type'], /^application\/problem\+json/)
    t.equal((await get(`${ITEMS}?bbox=1,2,3`)).res.statusCode, 400)
  })

  t.test('sortby orders by queryables, + or -, ties in id order; other names are refused', async (t) => {
    // Areas go as the squares of the sides: a 1, d 0.5625, e (half of a unit square) 0.5, b' 0.25.
    t.same(actorsOf((await get(`${ITEMS}?datetime=2024-11-29&sortby=-areaKm2`)).body), ['hts', 'saa', 'sna', 'hts'])
    t.same(keysOf((await get(`${ITEMS}?sortby=validFrom,-areaKm2&limit=100`)).body).slice(0, 4), ['a', 'e', 'b', 'c'])
    t.same(keysOf((await get(`${ITEMS}?sortby=%2BvalidFrom,-areaKm2&limit=100`)).body).slice(4), ['d', 'b'])
    t.same(keysOf((await get(`${ITEMS}?sortby=+validFrom,-areaKm2&limit=100`)).body).slice(4), ['d', 'b'], 'a + read as a space')
    const open = (await get(`${ITEMS}?sortby=validTo&limit=100`)).body.features.map((feature: Feature) => feature.properties.validTo)
    t.same(open.slice(0, 2), ['2024-11-28T00:00:00.000Z', '2024-11-28T00:00:00.000Z'])
    t.same(open.slice(2), [null, null, null, null], 'open ends last')
    const refused = await get(`${ITEMS}?sortby=note`)
    t.equal(refused.res.statusCode, 400)
    t.match(refused.body.errors, [{ path: '/query/sortby' }])
  })

  t.test('properties keeps only the named properties; skipGeometry leaves geometry out', async (t) => {
    const { body } = await get(`${ITEMS}?datetime=2024-11-29&properties=actor,validTo`)
    for (const feature of body.features) t.same(Object.keys(feature.properties), ['actor', 'validTo'])
    t.ok(body.features.every((feature: Feature) => feature.geometry !== null))
    const bare = (await get(`${ITEMS}?skipGeometry=true&limit=100`)).body
    t.equal(bare.numberReturned, 6)
    t.ok(bare.features.every((feature: Feature) => feature.geometry === null))
    t.ok(bare.features.every((feature: Feature) => feature.properties.actor !== undefined))
    const instant = (await get(`${ITEMS}?skipGeometry=true&datetime=2024-11-29`)).body
    t.ok(instant.features.every((feature: Feature) => feature.geometry === null))
    const withShape = (await get(`${ITEMS}?datetime=2024-11-26/2024-11-27&ids=&properties=areaKey`)).res
    t.equal(withShape.statusCode, 400, 'an empty ids is refused')
  })

  t.test('ids keeps the items named', async (t) => {
    const all = (await get(`${ITEMS}?limit=100`)).body.features as Feature[]
    const [x, y] = [all[1].id, all[4].id]
    t.same(
      (await get(`${ITEMS}?ids=${x},${y}`)).body.features.map((feature: Feature) => feature.id),
      [x, y],
    )
    t.equal((await get(`${ITEMS}?ids=999999`)).body.numberMatched, 0)
  })

  t.test('filter: CQL2 text over the queryables, ANDed with the other parameters', async (t) => {
    const filtered = async (filter: string, more = '') => (await get(`${ITEMS}?filter=${encodeURIComponent(filter)}&limit=100${more}`)).body
    t.same(keysOf(await filtered("actor = 'hts'")).sort(), ['a', 'b'])
    t.equal((await filtered("actor IN ('sna','saa') AND status = 'controlled'")).numberMatched, 4)
    t.same(keysOf(await filtered('validTo IS NULL')).sort(), ['a', 'b', 'd', 'e'])
    t.same(keysOf(await filtered("actor <> 'hts'", '&datetime=2024-11-27')).sort(), ['b', 'c', 'e'])
    t.same(keysOf(await filtered("side = 'opposition'", '&bbox=0,0,2.5,1')).sort(), ['a', 'b', 'c'])
    const unknown = await get(`${ITEMS}?filter=${encodeURIComponent('note = 1')}`)
    t.equal(unknown.res.statusCode, 400)
    t.equal(unknown.body.code, 'INVALID_FILTER')
    t.equal((await get(`${ITEMS}?filter=${encodeURIComponent("actor = 'hts'")}&filter-lang=cql2-json`)).res.statusCode, 400)
    t.equal((await get(`${ITEMS}?filter=${encodeURIComponent("actor = 'hts'")}&filter-lang=cql2-text`)).res.statusCode, 200)
  })

  t.test('known_at answers as the service knew it then', async (t) => {
    const then = (await get(`${ITEMS}?known_at=${between}&limit=100`)).body
    t.same(keysOf(then).sort(), ['a', 'b', 'c', 'e'], 'only the first import was known')
    t.ok(
      then.features.every((feature: Feature) => feature.properties.validTo === null),
      'none had ended yet',
    )
  })

  t.test('one item by id; 404 ITEM_NOT_FOUND for another', async (t) => {
    const all = (await get(`${ITEMS}?limit=100`)).body.features as Feature[]
    const closed = all.find((feature) => feature.properties.areaKey === 'c')!
    const { res, body } = await get(`${ITEMS}/${closed.id}`)
    t.equal(res.statusCode, 200)
    t.equal(res.headers['content-type'], 'application/geo+json')
    t.equal(body.id, closed.id)
    t.same(body.geometry, square(2, 0, 0.25))
    t.same(body.time, { interval: ['2024-11-26T00:00:00.000Z', '2024-11-28T00:00:00.000Z'] })
    t.same(
      body.links.map((link: { rel: string }) => link.rel),
      ['self', 'alternate', 'collection'],
    )
    t.equal((await get(`${ITEMS}/999999`)).body.code, 'ITEM_NOT_FOUND')
    t.equal((await get(`${ITEMS}/not-a-number`)).body.code, 'ITEM_NOT_FOUND')
    t.equal((await get('/collections/test-features/items/nope')).body.code, 'ITEM_NOT_FOUND')
    t.equal((await get('/collections/test-features/items/road')).body.properties.ownerSide, 'government')
  })

  t.test('HTML: a plain page per resource, every value escaped', async (t) => {
    const items = await get(`${ITEMS}?f=html&datetime=2024-11-29`)
    t.equal(items.res.statusCode, 200)
    t.match(items.res.headers['content-type'], /^text\/html/)
    t.match(items.res.body, /^<!DOCTYPE html>/)
    t.equal((items.res.body.match(/<tr><td><a href=/g) ?? []).length, 4, 'a row per area, each linking its item page')
    const all = (await get(`${ITEMS}?limit=100`)).body.features as Feature[]
    const e = all.find((feature) => feature.properties.areaKey === 'e')!
    const item = await get(`${ITEMS}/${e.id}`, { accept: 'text/html' })
    t.match(item.res.headers['content-type'], /^text\/html/)
    t.match(item.res.body, /&lt;b&gt;held&lt;\/b&gt; &amp; &quot;quoted&quot;/)
    t.notMatch(item.res.body, /<b>held/)
    for (const url of ['/conformance?f=html', '/collections?f=html', '/collections/test-areas?f=html', '/collections/test-areas/queryables?f=html'])
      t.match((await get(url)).res.headers['content-type'], /^text\/html/, url)
    t.equal((await get(ITEMS, { accept: 'image/png' })).res.statusCode, 406)
  })

  t.test('CSV: the items without geometry, a row each', async (t) => {
    const { res } = await get(`${ITEMS}?f=csv&datetime=2024-11-27`)
    t.equal(res.statusCode, 200)
    t.match(res.headers['content-type'], /^text\/csv/)
    const lines = res.body.trim().split('\n')
    t.equal(lines[0], 'id,actor,side,status,validFrom,validTo,areaKm2,sources,areaKey')
    t.equal(lines.length, 5)
    const picked = (await get(`${ITEMS}?f=csv&properties=actor`)).res.body.trim().split('\n')
    t.equal(picked[0], 'id,actor')
    t.equal((await get('/collections/test-features/items', { accept: 'text/csv' })).res.body.trim().split('\n')[0], 'id,kind,name,ownerSide,geometry.type')
  })

  t.test('reference features: no valid time, so every datetime matches all of them', async (t) => {
    const url = '/collections/test-features/items'
    t.same(
      (await get(url)).body.features.map((feature: Feature) => feature.id),
      ['road', 'town-a', 'village-d'],
    )
    t.equal((await get(`${url}?datetime=1950-01-01`)).body.numberMatched, 3)
    t.equal((await get(`${url}?datetime=../1950-01-01`)).body.numberMatched, 3)
    t.same(
      (await get(`${url}?filter=${encodeURIComponent("kind IN ('town','village')")}&sortby=-name`)).body.features.map((feature: Feature) => feature.id),
      ['village-d', 'town-a'],
    )
    t.same(
      (await get(`${url}?bbox=3.4,0.4,3.6,0.6`)).body.features.map((feature: Feature) => feature.id),
      ['village-d'],
    )
    t.equal((await get(`${url}?filter=${encodeURIComponent("actor = 'hts'")}`)).body.code, 'INVALID_FILTER', 'areas have actors, features do not')
  })

  t.test('unknown parameters are refused (Part 1: /req/core/query-param-unknown)', async (t) => {
    const { res, body } = await get(`${ITEMS}?resultType=hits`)
    t.equal(res.statusCode, 400)
    t.equal(body.code, 'UNKNOWN_PARAMETER')
  })

  t.test('a conditional GET of an unchanged answer is 304', async (t) => {
    const [one] = (await get(`${ITEMS}?limit=1`)).body.features as Feature[]
    for (const url of [`${ITEMS}?datetime=2024-11-29`, `${ITEMS}/${one.id}`, '/collections/test-areas']) {
      const first = await get(url)
      const again = await app.inject({ url, headers: { 'if-none-match': String(first.res.headers.etag) } })
      t.equal(again.statusCode, 304, url)
    }
  })
})
