import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { AUTH, area, band, buildTestApp, collection, importSnapshot, seed, square } from '../helpers.js'
import { contractOf, checkAgainstContract, operationKey } from './validate.js'

/**
 * Every endpoint's real answers, success and error, held to the OpenAPI document the app serves.
 * Add a case for every new route and every status it declares; the last test lists the operations
 * no case reaches.
 */
interface ContractCase {
  method?: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE'
  /** A URL, or one computed when the case runs (e.g. naming an import written by an earlier case). */
  url: string | ((app: FastifyInstance) => Promise<string>)
  headers?: Record<string, string> | ((app: FastifyInstance) => Promise<Record<string, string>>)
  payload?: unknown
  /** The status the case means to provoke: checked first, so a case cannot silently test something else. */
  status: number
  /** The problem code an error case means to provoke. */
  code?: string
}

// By construction, at the equator: hts (opposition) holds [0, 1] × [0, 1] and saa (government)
// [1, 2] × [0, 1] on the 26th; hts advances to lon 1.5 on the 28th.
const day26 = collection([area(band(0, 1), { actor: 'hts', source: 'fixture' }), area(band(1, 2), { actor: 'saa' })])
const day28 = collection([area(band(0, 1.5), { actor: 'hts', note: 'a free property' }), area(band(1.5, 2), { actor: 'saa' })])
const reference = collection([
  { type: 'Feature', id: 'city', geometry: band(1.8, 1.9), properties: { kind: 'outskirts', name: 'City outskirts' } },
  {
    type: 'Feature',
    id: 'road',
    geometry: {
      type: 'LineString',
      coordinates: [
        [1.1, 0.5],
        [1.95, 0.5],
      ],
    },
    properties: { kind: 'highway', name: 'Road', owner_side: 'government' },
  },
  { type: 'Feature', id: 'town-b', geometry: { type: 'Point', coordinates: [1.25, 0.5] }, properties: { kind: 'town', name: 'Town B' } },
  { type: 'Feature', id: 'far-town', geometry: { type: 'Point', coordinates: [0.5, 0.5] }, properties: { kind: 'town', name: 'Far town' } },
])
const history = collection([
  area(square(3, 0, 1), { actor: 'hts', valid_from: '2024-11-01', valid_to: '2024-11-10' }),
  area(square(3, 0, 1), { actor: 'saa', valid_from: '2024-11-10' }),
])
const LIMITS = { MAX_FEATURES_PER_IMPORT: '10', BODY_LIMIT_MB: '0.05' }

/** The ETag a GET answers, to ask for it again conditionally. */
const etagOf = (url: string) => async (app: FastifyInstance) => ({ 'if-none-match': String((await app.inject({ url })).headers.etag) })
/** A conditional GET with the ETag the same GET answered just before: 304, no body. */
const unchanged = (url: string): ContractCase => ({ url, headers: etagOf(url), status: 304 })
/** The URL of an import of dataset test, found by kind and valid_from among the accepted ones. */
const importUrl =
  (kind: string, validFrom: string | null, suffix = '') =>
  async (app: FastifyInstance) => {
    const { imports } = (await app.inject({ url: '/v1/imports?dataset=test&limit=500' })).json() as {
      imports: { id: number; kind: string; validFrom: string | null }[]
    }
    const found = imports.find((item) => item.kind === kind && (validFrom === null || item.validFrom?.startsWith(validFrom)))
    if (!found) throw new Error(`no ${kind} import of ${validFrom}`)
    return `/v1/imports/${found.id}${suffix}`
  }
const writer = { ...AUTH, 'content-type': 'application/json' }
const geoJsonWriter = { ...AUTH, 'content-type': 'application/geo+json' }
const csvWriter = { ...AUTH, 'content-type': 'text/csv' }
// An air strike on hts ground and a toll, for the event and tally operations.
const events = collection([
  {
    type: 'Feature',
    id: 'strike-1',
    geometry: { type: 'Point', coordinates: [0.5, 0.5] },
    properties: {
      date: '2024-11-27',
      event_type: 'explosions_remote_violence',
      sub_event_type: 'air_drone_strike',
      actors: [{ role: 'primary', name: 'Government', attribution: 'alleged' }],
      fatalities: { low: 1, best: 2, high: 3 },
      sources: [{ publisher: 'A wire', url: 'https://example.org/wire' }],
    },
  },
])
const tallies = collection([
  { type: 'Feature', id: 'toll-1', geometry: null, properties: { as_of: '2024-11-28', scope: 'Test', metric: 'killed', value: 5, source: 'A wire' } },
])

const CASES: Record<string, ContractCase[]> = {
  service: [
    { url: '/health', status: 200 },
    { url: '/ready', status: 200 },
  ],
  datasets: [
    { url: '/v1/datasets', status: 200 },
    { url: '/v1/datasets/test', status: 200 },
    { url: '/v1/datasets/nope', status: 404, code: 'DATASET_NOT_FOUND' },
    { url: '/v1/datasets/Not_A_Slug', status: 400, code: 'INVALID_REQUEST' },
    { url: '/v1/datasets/test/timeline', status: 200 },
    { url: '/v1/datasets/test/timeline?known_at=yesterday', status: 400 },
    { url: '/v1/datasets/nope/timeline', status: 404, code: 'DATASET_NOT_FOUND' },
    unchanged('/v1/datasets/test'),
    unchanged('/v1/datasets/test/timeline'),
    { method: 'PUT', url: '/v1/datasets/other', headers: AUTH, payload: { name: 'Other' }, status: 201 },
    { method: 'PUT', url: '/v1/datasets/other', headers: AUTH, payload: { name: 'Other, renamed' }, status: 200 },
    { method: 'PUT', url: '/v1/datasets/other', payload: { name: 'Other' }, status: 401, code: 'AUTH_REQUIRED' },
    { method: 'PUT', url: '/v1/datasets/other', headers: AUTH, payload: { name: '' }, status: 400, code: 'INVALID_REQUEST' },
    { method: 'PUT', url: '/v1/datasets/other', headers: { ...AUTH, 'content-type': 'application/xml' }, payload: '<name/>', status: 415 },
    { method: 'PUT', url: '/v1/datasets/other', headers: writer, payload: JSON.stringify({ name: 'x'.repeat(60_000) }), status: 413 },
    { method: 'DELETE', url: '/v1/datasets/other', status: 401, code: 'AUTH_REQUIRED' },
    { method: 'DELETE', url: '/v1/datasets/other', headers: AUTH, status: 200 },
    { method: 'DELETE', url: '/v1/datasets/other', headers: AUTH, status: 404, code: 'DATASET_NOT_FOUND' },
    { method: 'DELETE', url: '/v1/datasets/Not_A_Slug', headers: AUTH, status: 400, code: 'INVALID_REQUEST' },
  ],
  actors: [
    { url: '/v1/datasets/test/actors', status: 200 },
    unchanged('/v1/datasets/test/actors'),
    { url: '/v1/datasets/nope/actors', status: 404, code: 'DATASET_NOT_FOUND' },
    { url: '/v1/datasets/test/actors/hts', status: 200 },
    unchanged('/v1/datasets/test/actors/hts'),
    { url: '/v1/datasets/test/actors/nope', status: 404, code: 'ACTOR_NOT_FOUND' },
    { url: '/v1/datasets/test/actors/Not_A_Slug', status: 400, code: 'INVALID_REQUEST' },
    { method: 'PUT', url: '/v1/datasets/test/actors/ypg', headers: AUTH, payload: { name: 'YPG', side: 'sdf' }, status: 201 },
    { method: 'PUT', url: '/v1/datasets/test/actors/ypg', headers: AUTH, payload: { name: 'YPG', side: 'sdf', colour: '#ffd600' }, status: 200 },
    { method: 'PUT', url: '/v1/datasets/test/actors/ypg', payload: { name: 'YPG', side: 'sdf' }, status: 401, code: 'AUTH_REQUIRED' },
    { method: 'PUT', url: '/v1/datasets/test/actors/ypg', headers: AUTH, payload: { side: 'sdf' }, status: 400, code: 'INVALID_REQUEST' },
    { method: 'PUT', url: '/v1/datasets/nope/actors/ypg', headers: AUTH, payload: { name: 'YPG', side: 'sdf' }, status: 404, code: 'DATASET_NOT_FOUND' },
    { method: 'PUT', url: '/v1/datasets/test/actors/ypg', headers: { ...AUTH, 'content-type': 'application/xml' }, payload: '<name/>', status: 415 },
    { method: 'PUT', url: '/v1/datasets/test/actors/ypg', headers: writer, payload: JSON.stringify({ name: 'x'.repeat(60_000), side: 'sdf' }), status: 413 },
    { method: 'DELETE', url: '/v1/datasets/test/actors/ypg', status: 401, code: 'AUTH_REQUIRED' },
    { method: 'DELETE', url: '/v1/datasets/test/actors/ypg', headers: AUTH, status: 200 },
    { method: 'DELETE', url: '/v1/datasets/test/actors/ypg', headers: AUTH, status: 404, code: 'ACTOR_NOT_FOUND' },
    { method: 'DELETE', url: '/v1/datasets/test/actors/hts', headers: AUTH, status: 409, code: 'ACTOR_IN_USE' },
  ],
  control: [
    { url: '/v1/control?dataset=test&at=2024-11-26', status: 200 },
    { url: '/v1/control?dataset=test&at=2024-11-28&actor=hts', status: 200 },
    { url: '/v1/control?dataset=test&at=2024-11-26&bbox=0.2,0.2,0.4,0.4', headers: { 'accept-encoding': 'br' }, status: 200 },
    { url: '/v1/control?dataset=test&at=2020-01-01', status: 200 },
    { method: 'HEAD', url: '/v1/control?dataset=test&at=2024-11-26', status: 200 },
    unchanged('/v1/control?dataset=test&at=2024-11-26'),
    { url: '/v1/control?dataset=test&at=someday', status: 400, code: 'INVALID_DATE' },
    { url: '/v1/control?dataset=test&bbox=1,2,3', status: 400, code: 'INVALID_REQUEST' },
    { url: '/v1/control?dataset=nope', status: 404, code: 'DATASET_NOT_FOUND' },
    { url: '/v1/control?dataset=test&at=2024-11-26&limit=1', status: 200 },
    { url: '/v1/control?dataset=test&at=2024-11-26&f=csv', status: 200 },
    { url: '/v1/control?dataset=test&at=2024-11-26', headers: { accept: 'text/csv' }, status: 200 },
    { url: '/v1/control?dataset=test', headers: { accept: 'image/png' }, status: 406, code: 'NOT_ACCEPTABLE' },
    { url: '/v1/control?dataset=test&date=2024-11-26', status: 400, code: 'UNKNOWN_PARAMETER' },
    { url: '/v1/control?dataset=test&actor=nope', status: 404, code: 'ACTOR_NOT_FOUND' },
    { url: '/v1/control/point?dataset=test&lon=0.5&lat=0.5&at=2024-11-26', status: 200 },
    { url: '/v1/control/point?dataset=test&lon=10&lat=10&at=2024-11-26', status: 200 },
    unchanged('/v1/control/point?dataset=test&lon=0.5&lat=0.5&at=2024-11-26'),
    { url: '/v1/control/point?dataset=test&lon=999&lat=0.5', status: 400, code: 'INVALID_REQUEST' },
    { url: '/v1/control/point?dataset=nope&lon=0.5&lat=0.5', status: 404, code: 'DATASET_NOT_FOUND' },
    { url: '/v1/control/point?dataset=test&lon=0.5&lat=0.5&at=2024-11-26&f=csv', status: 200 },
    { url: '/v1/control/point?dataset=test&lon=0.5&lat=0.5', headers: { accept: 'application/xml' }, status: 406, code: 'NOT_ACCEPTABLE' },
  ],
  sources: [
    { url: '/v1/datasets/test/sources', status: 200 },
    { url: '/v1/datasets/test/sources?f=csv', status: 200 },
    unchanged('/v1/datasets/test/sources'),
    { url: '/v1/datasets/nope/sources', status: 404, code: 'DATASET_NOT_FOUND' },
    { url: '/v1/datasets/test/sources/fixture', status: 200 },
    unchanged('/v1/datasets/test/sources/fixture'),
    { url: '/v1/datasets/test/sources/nope', status: 404, code: 'SOURCE_NOT_FOUND' },
    {
      method: 'PUT',
      url: '/v1/datasets/test/sources/report-1',
      headers: AUTH,
      payload: { title: 'A report', publisher: 'An agency', url: 'https://example.org/report', date: '2024-11-27' },
      status: 201,
    },
    { method: 'PUT', url: '/v1/datasets/test/sources/report-1', headers: AUTH, payload: { title: 'A report, corrected' }, status: 200 },
    { method: 'PUT', url: '/v1/datasets/test/sources/report-1', payload: { title: 'A report' }, status: 401, code: 'AUTH_REQUIRED' },
    {
      method: 'PUT',
      url: '/v1/datasets/test/sources/report-1',
      headers: AUTH,
      payload: { title: 'A report', url: 'not a url' },
      status: 400,
      code: 'INVALID_REQUEST',
    },
    { method: 'PUT', url: '/v1/datasets/nope/sources/report-1', headers: AUTH, payload: { title: 'A report' }, status: 404, code: 'DATASET_NOT_FOUND' },
    { method: 'DELETE', url: '/v1/datasets/test/sources/report-1', status: 401, code: 'AUTH_REQUIRED' },
    { method: 'DELETE', url: '/v1/datasets/test/sources/report-1', headers: AUTH, status: 200 },
    { method: 'DELETE', url: '/v1/datasets/test/sources/report-1', headers: AUTH, status: 404, code: 'SOURCE_NOT_FOUND' },
  ],
  features: [
    { url: '/v1/features?dataset=test', status: 200 },
    { url: '/v1/features?dataset=test&limit=2', status: 200 },
    { url: '/v1/features?dataset=test&kind=town&bbox=0,0,2,1', status: 200 },
    unchanged('/v1/features?dataset=test'),
    { url: '/v1/features?dataset=test&bbox=9,9', status: 400, code: 'INVALID_REQUEST' },
    { url: '/v1/features?dataset=nope', status: 404, code: 'DATASET_NOT_FOUND' },
    { url: '/v1/features/town-b?dataset=test', status: 200 },
    { url: '/v1/features/road?dataset=test', status: 200 },
    unchanged('/v1/features/town-b?dataset=test'),
    { url: '/v1/features/nope?dataset=test', status: 404, code: 'FEATURE_NOT_FOUND' },
    { url: '/v1/features/town-b?dataset=nope', status: 404, code: 'DATASET_NOT_FOUND' },
    { url: '/v1/features/town-b/control?dataset=test&at=2024-11-26', status: 200 },
    { url: '/v1/features/road/control?dataset=test&at=2024-11-28', status: 200 },
    { url: '/v1/features/city/control?dataset=test&start=2024-11-25&end=2024-11-29', status: 200 },
    unchanged('/v1/features/town-b/control?dataset=test&at=2024-11-26'),
    { url: '/v1/features/town-b/control?dataset=test&start=2024-11-25', status: 400, code: 'INVALID_DATE' },
    { url: '/v1/features/nope/control?dataset=test', status: 404, code: 'FEATURE_NOT_FOUND' },
  ],
  analysis: [
    { url: '/v1/analysis/fronts?dataset=test&at=2024-11-26&sides=opposition,government', status: 200 },
    unchanged('/v1/analysis/fronts?dataset=test&at=2024-11-26'),
    { url: '/v1/analysis/fronts?dataset=test&tolerance_km=99', status: 400, code: 'INVALID_REQUEST' },
    { url: '/v1/analysis/fronts?dataset=nope', status: 404, code: 'DATASET_NOT_FOUND' },
    { url: '/v1/analysis/distance?dataset=test&from=side:opposition&to=feature:city&at=2024-11-26', status: 200 },
    { url: '/v1/analysis/distance?dataset=test&from=side:opposition&to=feature:city&start=2024-11-26&end=2024-11-28', status: 200 },
    {
      url: '/v1/analysis/distance?dataset=test&from=side:opposition&to=feature:city&start=2024-11-26&end=2024-11-28',
      headers: { accept: 'text/csv' },
      status: 200,
    },
    unchanged('/v1/analysis/distance?dataset=test&from=side:opposition&to=feature:city&at=2024-11-26'),
    { url: '/v1/analysis/distance?dataset=test&from=side:opposition&to=feature:city&at=2024-11-26', headers: { accept: 'text/csv' }, status: 200 },
    { url: '/v1/analysis/distance?dataset=test&from=side:opposition&to=feature:city', headers: { accept: 'image/png' }, status: 406, code: 'NOT_ACCEPTABLE' },
    { url: '/v1/analysis/distance?dataset=test&from=side:opposition&to=feature:city&start=2024-11-26&end=2024-11-28&step=P1M', status: 200 },
    { url: '/v1/analysis/distance?dataset=test&from=side:opposition&to=feature:city&start=2024-11-26&end=2024-11-28&step=P1X', status: 400 },
    { url: '/v1/analysis/distance?dataset=test&from=opposition&to=feature:city', status: 400, code: 'INVALID_REQUEST' },
    { url: '/v1/analysis/distance?dataset=test&from=side:opposition&to=feature:nope', status: 404, code: 'FEATURE_NOT_FOUND' },
    { url: '/v1/analysis/route?dataset=test&feature=road&at=2024-11-28', status: 200 },
    { url: '/v1/analysis/route?dataset=test&feature=road&start=2024-11-25&end=2024-11-29', status: 200 },
    unchanged('/v1/analysis/route?dataset=test&feature=road&at=2024-11-28'),
    { url: '/v1/analysis/route?dataset=test&feature=town-b', status: 422, code: 'WRONG_GEOMETRY_TYPE' },
    { url: '/v1/analysis/route?dataset=test&feature=nope', status: 404, code: 'FEATURE_NOT_FOUND' },
    { url: '/v1/analysis/changes?dataset=test&start=2024-11-26&end=2024-11-28', status: 200 },
    unchanged('/v1/analysis/changes?dataset=test&start=2024-11-26&end=2024-11-28'),
    { url: '/v1/analysis/changes?dataset=test&start=2024-11-26', status: 400, code: 'INVALID_REQUEST' },
    { url: '/v1/analysis/changes?dataset=test&start=2024-11-26&end=2024-11-28&polygons=false', status: 200 },
    { url: '/v1/analysis/changes?dataset=test&start=2024-11-26&end=2024-11-28&f=csv', status: 200 },
    { url: '/v1/analysis/changes?dataset=test&start=2024-11-26&end=2024-11-28&f=csv&table=transfers', status: 200 },
    { url: '/v1/analysis/changes?dataset=test&start=2024-11-26&end=2024-11-28&f=csv&table=features', status: 200 },
    { url: '/v1/analysis/fronts?dataset=test&at=2024-11-26&f=csv', status: 200 },
    { url: '/v1/analysis/route?dataset=test&feature=road&at=2024-11-28&f=csv', status: 200 },
    { url: '/v1/analysis/route?dataset=test&feature=road&start=2024-11-25&end=2024-11-29&f=csv', status: 200 },
    { url: '/v1/analysis/area?dataset=test&start=2024-11-25&end=2024-11-29', status: 200 },
    { url: '/v1/analysis/area?dataset=test&start=2024-11-01&end=2024-12-31&step=P1M&f=csv', status: 200 },
    unchanged('/v1/analysis/area?dataset=test&start=2024-11-25&end=2024-11-29'),
    { url: '/v1/analysis/area?dataset=test&start=2024-11-25', status: 400 },
    { url: '/v1/analysis/area?dataset=test&start=2024-11-25&end=2024-11-29&step=PT1S', status: 400, code: 'SERIES_TOO_LONG' },
    { url: '/v1/analysis/area?dataset=nope&start=2024-11-25&end=2024-11-29', status: 404, code: 'DATASET_NOT_FOUND' },
  ],
  ogc: [
    { url: '/', status: 200 },
    { url: '/?f=html', status: 200 },
    { url: '/', headers: { accept: 'image/png' }, status: 406, code: 'NOT_ACCEPTABLE' },
    { url: '/conformance', status: 200 },
    { url: '/conformance?f=html', status: 200 },
    { url: '/api', status: 200 },
    { url: '/collections', status: 200 },
    { url: '/collections?f=html', status: 200 },
    { url: '/collections/test-areas', status: 200 },
    { url: '/collections/test-features?f=html', status: 200 },
    { url: '/collections/test-areas?datetime=2024-11-28', status: 200 },
    { url: '/collections/nope-areas', status: 404, code: 'COLLECTION_NOT_FOUND' },
    { url: '/collections/test-nothing', status: 404, code: 'COLLECTION_NOT_FOUND' },
    unchanged('/collections/test-areas'),
    { url: '/collections/test-areas/items', status: 200 },
    { url: '/collections/test-areas/items?datetime=2024-11-28&limit=1', status: 200 },
    { url: '/collections/test-areas/items?datetime=2024-11-26/..&sortby=-validFrom', status: 200 },
    { url: '/collections/test-areas/items?f=html', status: 200 },
    { url: '/collections/test-areas/items?f=csv', status: 200 },
    { url: "/collections/test-areas/items?filter=actor%3D'hts'%20AND%20status%3D'controlled'", status: 200 },
    { url: '/collections/test-areas/items?skipGeometry=true&properties=actor', status: 200 },
    { url: '/collections/test-features/items?bbox=1,0,2,1', status: 200 },
    { url: '/collections/test-areas/items?bbox=0,0,1,1&bbox-crs=EPSG:4326', status: 400, code: 'UNSUPPORTED_CRS' },
    { url: '/collections/test-areas/items?filter=nope%3D1', status: 400, code: 'INVALID_FILTER' },
    { url: '/collections/test-areas/items?datetime=yesterday', status: 400, code: 'INVALID_DATE' },
    { url: '/collections/test-areas/items', headers: { accept: 'image/png' }, status: 406, code: 'NOT_ACCEPTABLE' },
    { url: '/collections/nope-features/items', status: 404, code: 'COLLECTION_NOT_FOUND' },
    unchanged('/collections/test-areas/items?datetime=2024-11-28'),
    {
      url: async (app) => `/collections/test-areas/items/${(await app.inject({ url: '/collections/test-areas/items?limit=1' })).json().features[0].id}`,
      status: 200,
    },
    { url: '/collections/test-features/items/city', status: 200 },
    { url: '/collections/test-features/items/city?f=html', status: 200 },
    { url: '/collections/test-areas/items/999999', status: 404, code: 'ITEM_NOT_FOUND' },
    { url: '/collections/test-features/items/nowhere', status: 404, code: 'ITEM_NOT_FOUND' },
    unchanged('/collections/test-features/items/city'),
    { url: '/collections/test-areas/queryables', status: 200 },
    { url: '/collections/test-features/queryables', status: 200 },
    { url: '/collections/nope-areas/queryables', status: 404, code: 'COLLECTION_NOT_FOUND' },
    { url: '/collections/test-areas/schema', status: 200 },
    { url: '/collections/nope-areas/schema', status: 404, code: 'COLLECTION_NOT_FOUND' },
  ],
  tiles: [
    { url: '/collections/test-areas/tiles', status: 200 },
    { url: '/collections/test-areas/tiles?f=json&datetime=2024-11-28', status: 200 },
    { url: '/collections/nope-areas/tiles', status: 404, code: 'COLLECTION_NOT_FOUND' },
    { url: '/collections/test-areas/tiles?datetime=2024-11-26/2024-11-28', status: 400, code: 'INVALID_DATE' },
    unchanged('/collections/test-areas/tiles'),
    { url: '/collections/test-areas/tiles/WebMercatorQuad?datetime=2024-11-28', status: 200 },
    { url: '/collections/test-features/tiles/WebMercatorQuad', status: 200 },
    { url: '/collections/nope-areas/tiles/WebMercatorQuad', status: 404, code: 'COLLECTION_NOT_FOUND' },
    { url: '/collections/test-areas/tiles/WebMercatorQuad?datetime=yesterday', status: 400, code: 'INVALID_DATE' },
    unchanged('/collections/test-areas/tiles/WebMercatorQuad'),
    { url: '/collections/test-areas/tiles/WebMercatorQuad/tilejson.json?datetime=2024-11-28', status: 200 },
    { url: '/collections/nope-features/tiles/WebMercatorQuad/tilejson.json', status: 404, code: 'COLLECTION_NOT_FOUND' },
    { url: '/collections/test-areas/tiles/WebMercatorQuad/tilejson.json?known_at=never', status: 400, code: 'INVALID_DATE' },
    unchanged('/collections/test-areas/tiles/WebMercatorQuad/tilejson.json'),
    { url: '/collections/test-areas/tiles/WebMercatorQuad/10/510/513?datetime=2024-11-28', status: 200 },
    { url: '/collections/test-areas/tiles/WebMercatorQuad/10/510/513?datetime=2024-11-28', headers: { 'accept-encoding': 'gzip' }, status: 200 },
    { url: '/collections/test-features/tiles/WebMercatorQuad/10/510/513', status: 200 },
    { url: '/collections/test-areas/tiles/WebMercatorQuad/10/0/0', status: 204 },
    { url: '/collections/test-areas/tiles/WebMercatorQuad/15/0/0', status: 404, code: 'TILE_NOT_FOUND' },
    { url: '/collections/test-areas/tiles/WebMercatorQuad/10/510/513?datetime=2024-11-26/2024-11-28', status: 400, code: 'INVALID_DATE' },
    unchanged('/collections/test-areas/tiles/WebMercatorQuad/10/510/513?datetime=2024-11-28'),
    { url: '/tileMatrixSets', status: 200 },
    { url: '/tileMatrixSets?f=xml', status: 400, code: 'INVALID_REQUEST' },
    { url: '/tileMatrixSets/WebMercatorQuad', status: 200 },
    { url: '/tileMatrixSets/WebMercatorQuad?f=xml', status: 400, code: 'INVALID_REQUEST' },
  ],
  // Writes last: they change what the reads above answer.
  imports: [
    { url: '/v1/imports', status: 200 },
    { url: '/v1/imports?dataset=test&limit=1', status: 200 },
    { url: '/v1/imports?limit=0', status: 400, code: 'INVALID_REQUEST' },
    { url: importUrl('snapshot', '2024-11-26'), status: 200 },
    { url: '/v1/imports/99999', status: 404, code: 'IMPORT_NOT_FOUND' },
    { url: '/v1/imports/first', status: 400, code: 'INVALID_REQUEST' },
    { method: 'POST', url: '/v1/datasets/test/snapshots?valid_from=2024-11-30', headers: AUTH, payload: day28, status: 201 },
    { method: 'POST', url: '/v1/datasets/test/snapshots?valid_from=2024-11-30', headers: AUTH, payload: day28, status: 200 },
    { method: 'POST', url: '/v1/datasets/test/snapshots?valid_from=2024-12-01', payload: day28, status: 401, code: 'AUTH_REQUIRED' },
    {
      method: 'POST',
      url: '/v1/datasets/test/snapshots?valid_from=2024-12-01',
      headers: { authorization: 'Bearer nope' },
      payload: day28,
      status: 401,
      code: 'INVALID_TOKEN',
    },
    { method: 'POST', url: '/v1/datasets/test/snapshots', headers: AUTH, payload: day28, status: 400, code: 'INVALID_REQUEST' },
    {
      method: 'POST',
      url: '/v1/datasets/test/snapshots?valid_from=2024-12-01',
      headers: writer,
      payload: '{"type": "FeatureCollection", ',
      status: 400,
      code: 'MALFORMED_JSON',
    },
    { method: 'POST', url: '/v1/datasets/nope/snapshots?valid_from=2024-12-01', headers: AUTH, payload: day28, status: 404, code: 'DATASET_NOT_FOUND' },
    {
      method: 'POST',
      url: '/v1/datasets/test/snapshots?valid_from=2024-12-01',
      headers: { ...AUTH, 'content-type': 'text/plain' },
      payload: 'hts holds it all',
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
    },
    {
      method: 'POST',
      url: '/v1/datasets/test/snapshots?valid_from=2024-12-01',
      headers: AUTH,
      payload: collection(Array.from({ length: 11 }, (_, i) => area(square(i, 0, 1), { actor: 'hts' }))),
      status: 413,
      code: 'TOO_MANY_FEATURES',
    },
    {
      method: 'POST',
      url: '/v1/datasets/test/snapshots?valid_from=2024-12-01',
      headers: AUTH,
      payload: collection([
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
        area(square(0, 0, 1), { actor: 'Wagner' }),
      ]),
      status: 422,
      code: 'INVALID_IMPORT',
    },
    {
      method: 'POST',
      url: '/v1/datasets/test/history',
      headers: { ...AUTH, 'content-type': 'application/geo+json' },
      payload: JSON.stringify(history),
      status: 201,
    },
    { method: 'POST', url: '/v1/datasets/test/history', headers: AUTH, payload: collection([area(square(3, 0, 1), { actor: 'hts' })]), status: 422 },
    // The mapping rules, profiles, dry runs, overlap policies and the valid-date offset (issue 12).
    { method: 'POST', url: '/v1/datasets/test/snapshots?valid_from=2024-12-02&dry_run=true', headers: AUTH, payload: day28, status: 200 },
    {
      method: 'POST',
      url: '/v1/datasets/test/snapshots?valid_from=2024-12-02&dry_run=true',
      headers: AUTH,
      payload: collection([area(square(0, 0, 1), { actor: 'Wagner' })]),
      status: 200,
    },
    {
      method: 'POST',
      url: `/v1/datasets/test/snapshots?valid_from=2024-12-02&dry_run=true&rules=${encodeURIComponent(JSON.stringify({ rules: [{ match: { geometry: 'Polygon' }, set: { actor: 'hts' } }] }))}`,
      headers: AUTH,
      payload: day28,
      status: 200,
    },
    {
      method: 'POST',
      url: '/v1/datasets/test/snapshots?valid_from=2024-12-02&rules=%7Bnope',
      headers: AUTH,
      payload: day28,
      status: 400,
      code: 'INVALID_RULES',
    },
    {
      method: 'POST',
      url: `/v1/datasets/test/snapshots?valid_from=2024-12-02&rules=${encodeURIComponent(JSON.stringify({ rules: [{ match: { name: { regex: '(a+)+' } }, skip: 'x' }] }))}`,
      headers: AUTH,
      payload: day28,
      status: 400,
      code: 'INVALID_RULES',
    },
    {
      method: 'POST',
      url: '/v1/datasets/test/snapshots?valid_from=2024-12-02&profile=nope',
      headers: AUTH,
      payload: day28,
      status: 400,
      code: 'UNKNOWN_PROFILE',
    },
    {
      method: 'POST',
      url: '/v1/datasets/test/snapshots?valid_from=2024-12-02&profile=deepstate-daily',
      headers: AUTH,
      payload: day28,
      status: 400,
      code: 'INVALID_REQUEST',
    },
    {
      method: 'POST',
      url: '/v1/datasets/test/snapshots?valid_from=2024-12-02&profile=deepstate-daily&actor=hts&dry_run=true&valid_from_offset=-PT6H',
      headers: AUTH,
      payload: day28,
      status: 200,
    },
    {
      method: 'POST',
      url: '/v1/datasets/test/snapshots?valid_from=2024-12-02&valid_from_offset=-P1Y',
      headers: AUTH,
      payload: day28,
      status: 400,
      code: 'INVALID_REQUEST',
    },
    {
      method: 'POST',
      url: '/v1/datasets/test/snapshots?valid_from=2024-12-02&overlaps=resolve',
      headers: AUTH,
      payload: day28,
      status: 400,
      code: 'INVALID_REQUEST',
    },
    {
      method: 'POST',
      url: '/v1/datasets/test/snapshots?valid_from=2024-12-02&overlaps=sometimes',
      headers: AUTH,
      payload: day28,
      status: 400,
      code: 'INVALID_REQUEST',
    },
    {
      method: 'POST',
      url: '/v1/datasets/test/snapshots?valid_from=2024-12-02&overlaps=refuse',
      headers: AUTH,
      payload: collection([area(square(0, 0, 1), { actor: 'hts' }), area(square(0.5, 0, 1), { actor: 'saa' })]),
      status: 422,
      code: 'OVERLAPPING_AREAS',
    },
    {
      method: 'POST',
      url: '/v1/datasets/test/snapshots?valid_from=2024-12-02&overlaps=resolve&precedence=saa,hts&dry_run=true',
      headers: AUTH,
      payload: collection([area(square(0, 0, 1), { actor: 'hts' }), area(square(0.5, 0, 1), { actor: 'saa' })]),
      status: 200,
    },
    { method: 'POST', url: '/v1/datasets/test/history?dry_run=true&overlaps=refuse&valid_from_offset=-PT3H', headers: AUTH, payload: history, status: 200 },
    {
      method: 'POST',
      url: `/v1/datasets/test/features?dry_run=true&rules=${encodeURIComponent(JSON.stringify({ rules: [{ match: {}, set: { kind: 'town' } }] }))}`,
      headers: AUTH,
      payload: reference,
      status: 200,
    },
    { method: 'POST', url: '/v1/datasets/test/features', headers: AUTH, payload: reference, status: 200 },
    {
      method: 'POST',
      url: '/v1/datasets/test/features',
      headers: AUTH,
      payload: collection([
        { type: 'Feature', id: 'base-46', geometry: { type: 'Point', coordinates: [0.3, 0.3] }, properties: { kind: 'base', name: 'Base 46' } },
      ]),
      status: 201,
    },
    {
      method: 'POST',
      url: '/v1/datasets/test/features',
      headers: AUTH,
      payload: collection([{ type: 'Feature', geometry: { type: 'Point', coordinates: [0.3, 0.3] }, properties: {} }]),
      status: 422,
    },
    // Imports undo newest first: the history import is the newest of area imports, the 26th builds under everything.
    { method: 'POST', url: importUrl('snapshot', '2024-11-26', '/revert'), headers: AUTH, status: 409, code: 'IMPORT_NOT_REVERTIBLE' },
    { method: 'POST', url: importUrl('history', null, '/revert'), status: 401, code: 'AUTH_REQUIRED' },
    { method: 'POST', url: importUrl('history', null, '/revert'), headers: AUTH, status: 201 },
    { method: 'POST', url: importUrl('history', null, '/revert'), headers: AUTH, status: 200 },
    { method: 'POST', url: '/v1/imports/99999/revert', headers: AUTH, status: 404, code: 'IMPORT_NOT_FOUND' },
    { method: 'POST', url: '/v1/imports/latest/revert', headers: AUTH, status: 400, code: 'INVALID_REQUEST' },
  ],
  // Events and tallies: imported first (writes), then read.
  events: [
    { method: 'POST', url: '/v1/datasets/test/events', headers: geoJsonWriter, payload: JSON.stringify(events), status: 201 },
    { method: 'POST', url: '/v1/datasets/test/events', headers: geoJsonWriter, payload: JSON.stringify(events), status: 200 },
    { method: 'POST', url: '/v1/datasets/test/events?dry_run=true', headers: geoJsonWriter, payload: JSON.stringify(events), status: 200 },
    { method: 'POST', url: '/v1/datasets/test/events', payload: events, status: 401, code: 'AUTH_REQUIRED' },
    { method: 'POST', url: '/v1/datasets/nope/events', headers: geoJsonWriter, payload: JSON.stringify(events), status: 404, code: 'DATASET_NOT_FOUND' },
    {
      method: 'POST',
      url: '/v1/datasets/test/events?format=acled',
      headers: csvWriter,
      payload: 'event_id_cnty\nSYR1\n',
      status: 400,
      code: 'INVALID_EVENT_IMPORT',
    },
    { method: 'POST', url: '/v1/datasets/test/events?format=acled', headers: geoJsonWriter, payload: JSON.stringify(events), status: 415 },
    { method: 'POST', url: '/v1/datasets/test/events', headers: { ...AUTH, 'content-type': 'application/xml' }, payload: '<x/>', status: 415 },
    {
      method: 'POST',
      url: '/v1/datasets/test/events',
      headers: geoJsonWriter,
      // MAX_FEATURES_PER_IMPORT is 10 here: eleven events are one too many.
      payload: JSON.stringify(collection(Array.from({ length: 11 }, (_, i) => ({ ...(events.features[0] as object), id: `many-${i}` })))),
      status: 413,
      code: 'TOO_MANY_FEATURES',
    },
    { method: 'POST', url: '/v1/datasets/test/tallies', headers: geoJsonWriter, payload: JSON.stringify(tallies), status: 201 },
    {
      method: 'POST',
      url: '/v1/datasets/test/tallies',
      headers: geoJsonWriter,
      payload: JSON.stringify(collection([{ type: 'Feature', id: 'x', geometry: null, properties: {} }])),
      status: 400,
      code: 'INVALID_EVENT_IMPORT',
    },
    { url: '/v1/events?dataset=test', status: 200 },
    { url: '/v1/events?dataset=test&held_by=hts&start=2024-11-26&end=2024-11-28&limit=1', status: 200 },
    { url: '/v1/events?dataset=test&f=csv', status: 200 },
    unchanged('/v1/events?dataset=test'),
    { url: '/v1/events?dataset=test&type=nope', status: 400, code: 'INVALID_REQUEST' },
    { url: '/v1/events?dataset=test&actor=nope', status: 404, code: 'ACTOR_NOT_FOUND' },
    { url: '/v1/events?dataset=nope', status: 404, code: 'DATASET_NOT_FOUND' },
    { url: '/v1/events?dataset=test', headers: { accept: 'image/png' }, status: 406, code: 'NOT_ACCEPTABLE' },
    { url: '/v1/events/strike-1?dataset=test', status: 200 },
    unchanged('/v1/events/strike-1?dataset=test'),
    { url: '/v1/events/nope?dataset=test', status: 404, code: 'EVENT_NOT_FOUND' },
    { url: '/v1/analysis/events?dataset=test&group_by=held_by_side', status: 200 },
    { url: '/v1/analysis/events?dataset=test&group_by=day&f=csv', status: 200 },
    unchanged('/v1/analysis/events?dataset=test'),
    { url: '/v1/analysis/events?dataset=test&group_by=week', status: 400, code: 'INVALID_REQUEST' },
    { url: '/v1/analysis/events?dataset=test', headers: { accept: 'image/png' }, status: 406, code: 'NOT_ACCEPTABLE' },
    { url: '/v1/tallies?dataset=test&as_of=2024-11-28', status: 200 },
    { url: '/v1/tallies?dataset=test&f=csv', status: 200 },
    unchanged('/v1/tallies?dataset=test'),
    { url: '/v1/tallies?dataset=test&as_of=someday', status: 400, code: 'INVALID_DATE' },
    { url: '/v1/tallies?dataset=nope', status: 404, code: 'DATASET_NOT_FOUND' },
    { url: '/v1/tallies?dataset=test', headers: { accept: 'image/png' }, status: 406, code: 'NOT_ACCEPTABLE' },
  ],
}

async function setup(t: Parameters<typeof buildTestApp>[0]): Promise<FastifyInstance> {
  const app = await buildTestApp(t, LIMITS)
  await seed(app, 'test')
  const features = await app.inject({ method: 'POST', url: '/v1/datasets/test/features', headers: AUTH, payload: reference })
  if (features.statusCode !== 201) throw new Error(`features: ${features.statusCode} ${features.body}`)
  for (const [day, body] of [
    ['2024-11-26', day26],
    ['2024-11-28', day28],
  ] as const) {
    const res = await importSnapshot(app, 'test', day, body)
    if (res.statusCode !== 201) throw new Error(`snapshot ${day}: ${res.statusCode} ${res.body}`)
  }
  return app
}

t.test('the OpenAPI contract', async (t) => {
  const app = await setup(t)
  const contract = await contractOf(app)
  const reached = new Set<string>()

  for (const [group, cases] of Object.entries(CASES)) {
    t.test(group, async (t) => {
      for (const c of cases) {
        const method = c.method ?? 'GET'
        const title = typeof c.url === 'string' ? c.url : '(computed url)'
        t.test(`${method} ${title} → ${c.status}`, async (t) => {
          const url = typeof c.url === 'string' ? c.url : await c.url(app)
          const headers = typeof c.headers === 'function' ? await c.headers(app) : c.headers
          const res = await app.inject({ method, url, headers, payload: c.payload as string | object | undefined })
          t.equal(res.statusCode, c.status, `${method} ${url}: the status the case means to provoke`, { body: res.body.slice(0, 1000) })
          if (c.code) t.equal(res.json().code, c.code, 'the problem code')
          const operation = contract.operationFor(method, url)
          if (operation) reached.add(operationKey(operation.method, operation.path))
          await checkAgainstContract(t, app, res, { method, url })
        })
      }
    })
  }

  t.test('outside any operation: an unknown route, a known path asked with another method', async (t) => {
    const unknown = await app.inject({ url: '/v1/nowhere' })
    t.equal(unknown.statusCode, 404)
    t.match(unknown.headers['content-type'], /^application\/problem\+json/)
    t.same(contract.checkComponent('Problem', unknown.json()), [], 'a Problem')
    const method = await app.inject({ method: 'POST', url: '/v1/control?dataset=test' })
    t.equal(method.statusCode, 405)
    t.match(method.headers['content-type'], /^application\/problem\+json/)
    t.same(contract.checkComponent('Problem', method.json()), [], 'a Problem')
  })

  t.test('every operation of the document is reached by a case', async (t) => {
    const missing = contract.operations.map((operation) => operationKey(operation.method, operation.path)).filter((key) => !reached.has(key))
    t.same(missing, [], 'operations without a contract case: add them to CASES')
  })
})
