import { gunzipSync } from 'node:zlib'
import { VectorTile, type VectorTileFeature } from '@mapbox/vector-tile'
import Pbf from 'pbf'
import t from 'tap'
import { AUTH, area, buildTestApp, collection, importSnapshot, seed, square } from '../helpers.js'

// Two squares 0.2° wide side by side at 36°N. On 26 Nov the west one (A) is saa's and the east one
// (B) hts's; on 28 Nov hts holds both. P is inside A, Q inside B. A star of 1,000 points (S, sna's)
// sits inside one tile of matrix 14, so that its tile is large enough to be worth compressing.
const P = { lon: 37.1, lat: 36.1 }
const Q = { lon: 37.3, lat: 36.1 }
const S = { lon: 38.00055, lat: 36.50055 }

function star(center: { lon: number; lat: number }, points: number, inner: number, outer: number): GeoJSON.Polygon {
  const ring = Array.from({ length: points }, (_, i) => {
    const angle = (2 * Math.PI * i) / points
    const radius = i % 2 === 0 ? outer : inner
    return [center.lon + radius * Math.cos(angle), center.lat + radius * Math.sin(angle)]
  })
  return { type: 'Polygon', coordinates: [[...ring, ring[0]]] }
}

const day26 = collection([
  area(square(37.0, 36.0, 0.2), { actor: 'saa' }, 'a'),
  area(square(37.2, 36.0, 0.2), { actor: 'hts' }, 'b'),
  area(star(S, 1000, 0.003, 0.004), { actor: 'sna' }, 's'),
])
const day28 = collection([
  area(square(37.0, 36.0, 0.2), { actor: 'hts' }, 'a'),
  area(square(37.2, 36.0, 0.2), { actor: 'hts' }, 'b'),
  area(star(S, 1000, 0.003, 0.004), { actor: 'sna' }, 's'),
])
const reference = collection([
  { type: 'Feature', id: 'town-p', geometry: { type: 'Point', coordinates: [P.lon, P.lat] }, properties: { kind: 'town', name: 'Town P' } },
  {
    type: 'Feature',
    id: 'road',
    geometry: {
      type: 'LineString',
      coordinates: [
        [37.05, 36.05],
        [37.15, 36.15],
      ],
    },
    properties: { kind: 'highway', name: 'The Road', owner_side: 'government' },
  },
])

const EXTENT = 4096
/** Around every area of any time: the squares from 37°E 36°N, and the star's outer points 0.004° east and north of S. */
const DATA_BOUNDS = [37, 36, S.lon + 0.004, S.lat + 0.004]

function near(actual: number[], expected: number[]): boolean {
  return actual.length === expected.length && actual.every((value, i) => Math.abs(value - expected[i]) < 1e-9)
}

/** Where [lon, lat] falls at tile matrix z, by the Web Mercator formulas: the tile and the MVT units within it (origin top-left). */
function locate(place: { lon: number; lat: number }, z: number) {
  const n = 2 ** z
  const worldX = ((place.lon + 180) / 360) * n
  const sin = Math.sin((place.lat * Math.PI) / 180)
  const worldY = (0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI)) * n
  const col = Math.floor(worldX)
  const row = Math.floor(worldY)
  return { z, col, row, px: (worldX - col) * EXTENT, py: (worldY - row) * EXTENT }
}

/** Even-odd point-in-polygon over every ring of a decoded MVT polygon (outer rings and holes alike). */
function covers(feature: VectorTileFeature, px: number, py: number): boolean {
  let inside = false
  for (const ring of feature.loadGeometry()) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const a = ring[i]
      const b = ring[j]
      if (a.y > py !== b.y > py && px < ((b.x - a.x) * (py - a.y)) / (b.y - a.y) + a.x) inside = !inside
    }
  }
  return inside
}

/** The reader @mapbox/vector-tile takes: its types name pbf 5's (its own dependency), which pbf 4 satisfies at run time. */
type TileReader = ConstructorParameters<typeof VectorTile>[0]

function decode(body: Buffer) {
  // A copy: pbf 4 reads fixed-width numbers (doubles) through a DataView of the whole ArrayBuffer,
  // ignoring the offset of a Buffer that is a slice of Node's pool.
  return new VectorTile(new Pbf(new Uint8Array(body)) as unknown as TileReader)
}

/** The features of a layer, decoded. */
function featuresOf(tile: VectorTile, layer: string): VectorTileFeature[] {
  const found = tile.layers[layer]
  return found ? Array.from({ length: found.length }, (_, i) => found.feature(i)) : []
}

/** The actors whose polygons cover the place in its tile at z. */
function actorsAt(body: Buffer, place: { lon: number; lat: number }, z: number): unknown[] {
  const { px, py } = locate(place, z)
  return featuresOf(decode(body), 'areas')
    .filter((feature) => feature.type === 3 && covers(feature, px, py))
    .map((feature) => feature.properties.actor)
}

const tileUrl = (collectionId: string, place: { lon: number; lat: number }, z: number, query = '') => {
  const { col, row } = locate(place, z)
  return `/collections/${collectionId}/tiles/WebMercatorQuad/${z}/${row}/${col}${query}`
}

t.test('OGC API – Tiles', async (t) => {
  const app = await buildTestApp(t)
  await seed(app, 'test')
  t.equal((await importSnapshot(app, 'test', '2024-11-26', day26)).statusCode, 201)
  // A knowledge time after the first import and before the second: the service then knew only the 26 Nov map.
  await new Promise((resolve) => setTimeout(resolve, 20))
  const between = new Date().toISOString()
  await new Promise((resolve) => setTimeout(resolve, 20))
  t.equal((await importSnapshot(app, 'test', '2024-11-28', day28)).statusCode, 201)
  const posted = await app.inject({ method: 'POST', url: '/v1/datasets/test/features', headers: AUTH, payload: reference })
  t.ok(posted.statusCode < 300, posted.body)

  t.test('a tile holds the actor of the map as of datetime at known places', async (t) => {
    for (const z of [6, 10, 14]) {
      const on27 = await app.inject({ url: tileUrl('test-areas', P, z, '?datetime=2024-11-27') })
      t.equal(on27.statusCode, 200, `z${z}: ${on27.body.slice(0, 200)}`)
      t.equal(on27.headers['content-type'], 'application/vnd.mapbox-vector-tile')
      t.same(actorsAt(on27.rawPayload, P, z), ['saa'], `z${z}: P is saa's on 27 Nov`)
      const on28 = await app.inject({ url: tileUrl('test-areas', P, z, '?datetime=2024-11-28') })
      t.equal(on28.statusCode, 200)
      t.same(actorsAt(on28.rawPayload, P, z), ['hts'], `z${z}: P is hts's on 28 Nov`)
    }
    const east = await app.inject({ url: tileUrl('test-areas', Q, 10, '?datetime=2024-11-27') })
    t.same(actorsAt(east.rawPayload, Q, 10), ['hts'], 'Q is hts on 27 Nov')
  })

  t.test('no datetime is now: the latest map', async (t) => {
    const res = await app.inject({ url: tileUrl('test-areas', P, 10) })
    t.equal(res.statusCode, 200)
    t.same(actorsAt(res.rawPayload, P, 10), ['hts'])
  })

  t.test('known_at answers as the service knew it then', async (t) => {
    const res = await app.inject({ url: tileUrl('test-areas', P, 10, `?datetime=2024-11-28&known_at=${between}`) })
    t.equal(res.statusCode, 200)
    t.same(actorsAt(res.rawPayload, P, 10), ['saa'], 'the 28 Nov map was not known yet: the 26 Nov one held on')
  })

  t.test('features carry their properties; MVT has no null, so an unset one is absent', async (t) => {
    const res = await app.inject({ url: tileUrl('test-areas', P, 14, '?datetime=2024-11-27') })
    const [feature] = featuresOf(decode(res.rawPayload), 'areas')
    t.match(feature.properties, {
      actor: 'saa',
      side: 'government',
      status: 'controlled',
      validFrom: '2024-11-26T00:00:00.000Z',
      validTo: '2024-11-28T00:00:00.000Z',
      areaKey: 'a',
    })
    // 0.2° × 0.2° at 36.0–36.2°N: 22.239 km (of latitude) × 0.2 × 111.32 × cos(36.1°) km ≈ 400 km²
    t.ok(Math.abs(Number(feature.properties.areaKm2) - 400) < 4, `areaKm2 ${feature.properties.areaKm2}`)
    t.equal(typeof feature.id, 'number', 'the area id is the MVT feature id')
    t.equal(feature.properties.id, feature.id)
    const open = featuresOf(decode((await app.inject({ url: tileUrl('test-areas', P, 14, '?datetime=2024-11-28') })).rawPayload), 'areas')[0]
    t.notOk('validTo' in open.properties, 'an area that holds on has no validTo')
  })

  t.test('the OGCAPI-datetime header gives the validity of the map shown', async (t) => {
    const on27 = await app.inject({ url: tileUrl('test-areas', P, 10, '?datetime=2024-11-27') })
    t.equal(on27.headers['ogcapi-datetime'], '2024-11-26T00:00:00.000Z/2024-11-28T00:00:00.000Z')
    const on28 = await app.inject({ url: tileUrl('test-areas', P, 10, '?datetime=2024-11-28') })
    t.equal(on28.headers['ogcapi-datetime'], '2024-11-28T00:00:00.000Z/..')
  })

  t.test('reference features tile into their own layer at any datetime', async (t) => {
    for (const datetime of ['2024-11-01', '2024-11-28']) {
      const res = await app.inject({ url: tileUrl('test-features', P, 12, `?datetime=${datetime}`) })
      t.equal(res.statusCode, 200)
      const features = featuresOf(decode(res.rawPayload), 'features')
      const town = features.find((feature) => feature.properties.id === 'town-p')
      t.match(town?.properties, { kind: 'town', name: 'Town P' })
      t.notOk(town && 'ownerSide' in town.properties, 'a town has no owner side')
      const [[point]] = town!.loadGeometry()
      const { px, py } = locate(P, 12)
      t.ok(Math.abs(point.x - px) <= 1 && Math.abs(point.y - py) <= 1, `the point is at (${px.toFixed(1)}, ${py.toFixed(1)}): (${point.x}, ${point.y})`)
      const road = features.find((feature) => feature.properties.id === 'road')
      t.match(road?.properties, { kind: 'highway', ownerSide: 'government' })
      t.equal(road?.type, 2, 'a LineString')
    }
  })

  t.test('an empty tile answers 204 with no body', async (t) => {
    const far = await app.inject({ url: tileUrl('test-areas', { lon: -60, lat: -30 }, 10, '?datetime=2024-11-28') })
    t.equal(far.statusCode, 204)
    t.equal(far.body, '')
    t.ok(far.headers.etag, 'with its validators')
    const before = await app.inject({ url: tileUrl('test-areas', P, 10, '?datetime=2024-11-01') })
    t.equal(before.statusCode, 204, 'before the first map nobody holds P')
  })

  t.test('a tile outside the matrix is 404 TILE_NOT_FOUND', async (t) => {
    for (const path of ['15/0/0', '3/8/0', '3/0/8', 'abc/0/0', '03/0/0', '-1/0/0']) {
      const res = await app.inject({ url: `/collections/test-areas/tiles/WebMercatorQuad/${path}` })
      t.equal(res.statusCode, 404, path)
      t.match(res.headers['content-type'], /^application\/problem\+json/)
      t.equal(res.json().code, 'TILE_NOT_FOUND', path)
    }
    const unknown = await app.inject({ url: '/collections/nowhere-areas/tiles/WebMercatorQuad/0/0/0' })
    t.equal(unknown.statusCode, 404)
    t.equal(unknown.json().code, 'COLLECTION_NOT_FOUND')
  })

  t.test('an interval is 400: tiles are per instant', async (t) => {
    for (const datetime of ['2024-11-26/2024-11-28', '../2024-11-28', '2024-11-26/..']) {
      const res = await app.inject({ url: tileUrl('test-areas', P, 10, `?datetime=${datetime}`) })
      t.equal(res.statusCode, 400, datetime)
      t.equal(res.json().code, 'INVALID_DATE')
      t.match(res.json().errors, [{ path: '/query/datetime' }])
    }
    const unknown = await app.inject({ url: tileUrl('test-areas', P, 10, '?at=2024-11-28') })
    t.equal(unknown.json().code, 'UNKNOWN_PARAMETER', 'the v1 name is not taken here')
  })

  t.test('304 on If-None-Match', async (t) => {
    const url = tileUrl('test-areas', P, 10, '?datetime=2024-11-28')
    const first = await app.inject({ url })
    const again = await app.inject({ url, headers: { 'if-none-match': String(first.headers.etag) } })
    t.equal(again.statusCode, 304)
    t.equal(again.body, '')
  })

  t.test('gzip when the client accepts it, the same tile', async (t) => {
    const url = tileUrl('test-areas', S, 14, '?datetime=2024-11-28')
    const plain = await app.inject({ url })
    t.equal(plain.statusCode, 200)
    t.ok(plain.rawPayload.length > 2048, `a tile worth compressing (${plain.rawPayload.length} bytes)`)
    t.notOk(plain.headers['content-encoding'])
    const zipped = await app.inject({ url, headers: { 'accept-encoding': 'gzip' } })
    t.equal(zipped.headers['content-encoding'], 'gzip')
    t.match(String(zipped.headers.vary), /Accept-Encoding/)
    const unzipped = gunzipSync(zipped.rawPayload)
    t.ok(unzipped.equals(plain.rawPayload))
    t.same(actorsAt(unzipped, S, 14), ['sna'])
  })

  t.test('TileJSON: the template in OGC order with the datetime asked, and the bounds of the data', async (t) => {
    const res = await app.inject({ url: `/collections/test-areas/tiles/WebMercatorQuad/tilejson.json?datetime=2024-11-27&known_at=${between}` })
    t.equal(res.statusCode, 200)
    const body = res.json()
    t.equal(body.tilejson, '3.0.0')
    t.same(body.tiles, [
      `http://localhost:80/collections/test-areas/tiles/WebMercatorQuad/{z}/{y}/{x}?datetime=2024-11-27&known_at=${encodeURIComponent(between)}`,
    ])
    t.ok(near(body.bounds, DATA_BOUNDS), `around both squares and the star: ${body.bounds}`)
    t.equal(body.minzoom, 0)
    t.equal(body.maxzoom, 14)
    t.match(body.vector_layers, [{ id: 'areas', fields: { actor: 'String', side: 'String', status: 'String', validFrom: 'String', areaKm2: 'Number' } }])
    // The template, filled in as a web map fills it, answers the tile of that instant.
    const { z, row, col } = locate(P, 10)
    const filled = new URL(body.tiles[0].replace('{z}', String(z)).replace('{y}', String(row)).replace('{x}', String(col)))
    const tile = await app.inject({ url: `${filled.pathname}${filled.search}` })
    t.same(actorsAt(tile.rawPayload, P, 10), ['saa'])
  })

  t.test('tileset metadata: tile matrix set, layer, and the links OGC API – Tiles requires', async (t) => {
    const res = await app.inject({ url: '/collections/test-areas/tiles/WebMercatorQuad?datetime=2024-11-27' })
    t.equal(res.statusCode, 200)
    const body = res.json()
    t.match(body, {
      dataType: 'vector',
      crs: 'http://www.opengis.net/def/crs/EPSG/0/3857',
      tileMatrixSetURI: 'http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad',
      boundingBox: { crs: 'http://www.opengis.net/def/crs/OGC/1.3/CRS84' },
      layers: [{ id: 'areas', dataType: 'vector', minTileMatrix: '0', maxTileMatrix: '14', propertiesSchema: { properties: { actor: { type: 'string' } } } }],
    })
    t.ok(near([...body.boundingBox.lowerLeft, ...body.boundingBox.upperRight], DATA_BOUNDS), `${JSON.stringify(body.boundingBox)}`)
    t.equal(body.tileMatrixSetLimits.length, 15)
    t.same(body.tileMatrixSetLimits[3], { tileMatrix: '3', minTileRow: 0, maxTileRow: 7, minTileCol: 0, maxTileCol: 7 })
    const rel = (name: string) => body.links.find((link: { rel: string }) => link.rel === name)
    t.match(rel('item'), {
      href: 'http://localhost:80/collections/test-areas/tiles/WebMercatorQuad/{tileMatrix}/{tileRow}/{tileCol}?datetime=2024-11-27',
      type: 'application/vnd.mapbox-vector-tile',
      templated: true,
    })
    t.equal(rel('http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme').href, 'http://localhost:80/tileMatrixSets/WebMercatorQuad')
    t.equal(rel('self').href, 'http://localhost:80/collections/test-areas/tiles/WebMercatorQuad?datetime=2024-11-27')
    t.equal(rel('alternate').href, 'http://localhost:80/collections/test-areas/tiles/WebMercatorQuad/tilejson.json?datetime=2024-11-27')
    t.equal(rel('http://www.opengis.net/def/rel/ogc/1.0/geodata').href, 'http://localhost:80/collections/test-areas')
  })

  t.test('the tilesets list links each tileset, its tiling scheme and its tiles', async (t) => {
    const res = await app.inject({ url: '/collections/test-features/tiles?f=json' })
    t.equal(res.statusCode, 200)
    const [tileset] = res.json().tilesets
    t.match(tileset, { dataType: 'vector', crs: 'http://www.opengis.net/def/crs/EPSG/0/3857' })
    const rels = Object.fromEntries(tileset.links.map((link: { rel: string; href: string }) => [link.rel, link.href]))
    t.equal(rels.self, 'http://localhost:80/collections/test-features/tiles/WebMercatorQuad')
    t.equal(rels['http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme'], 'http://localhost:80/tileMatrixSets/WebMercatorQuad')
    const metadata = await app.inject({ url: '/collections/test-features/tiles/WebMercatorQuad' })
    // The town at 37.1°E 36.1°N and the road from (37.05, 36.05) to (37.15, 36.15) through it.
    t.match(metadata.json().boundingBox, { lowerLeft: [37.05, 36.05], upperRight: [37.15, 36.15] })
  })

  t.test('the tile matrix set is the registered WebMercatorQuad', async (t) => {
    const res = await app.inject({ url: '/tileMatrixSets/WebMercatorQuad' })
    t.equal(res.statusCode, 200)
    const body = res.json()
    t.equal(body.crs, 'http://www.opengis.net/def/crs/EPSG/0/3857')
    t.equal(body.tileMatrices.length, 25)
    // Tile matrix 0 and 10 of the register (OGC 17-083r4 Annex D).
    t.match(body.tileMatrices[0], { id: '0', tileWidth: 256, matrixWidth: 1, pointOfOrigin: [-20037508.3427892, 20037508.3427892] })
    t.ok(Math.abs(body.tileMatrices[10].scaleDenominator - 545978.773465544) < 1e-6)
    t.ok(Math.abs(body.tileMatrices[10].cellSize - 152.874056570352) < 1e-9)
    t.equal(body.tileMatrices[10].matrixWidth, 1024)
    const list = await app.inject({ url: '/tileMatrixSets' })
    t.match(list.json().tileMatrixSets, [{ id: 'WebMercatorQuad', uri: 'http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad' }])
  })
})
